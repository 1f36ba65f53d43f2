/* A list of named items keyed by (name, group), shared by the resource managers and
 * the registries of cameras and render targets. Lookups are linear: the lists are
 * short and lookups happen outside the per-frame paths. */
#ifndef KILN_SCENE_REGISTRY_H
#define KILN_SCENE_REGISTRY_H

#include "core/internal.h"

/* The group a NULL group name stands for, as in the original engine. */
#define KILN__DEFAULT_GROUP "General"

typedef struct kiln__registry_entry {
    char *name;
    char *group;
    void *item;
} kiln__registry_entry;

typedef struct kiln__registry {
    kiln__registry_entry *entries;
    uint32_t count;
    uint32_t capacity;
} kiln__registry;

/* The item registered under (name, group), or NULL. A NULL group means "General". */
void *kiln__registry_find(const kiln__registry *self, const char *name, const char *group);

/* Registers item; the caller has checked that the key is free. Fails only when out
 * of memory. */
kiln_result kiln__registry_add(kiln__registry *self, const char *name, const char *group,
                               void *item);

/* Unregisters (name, group) and returns its item, or NULL if there is none. */
void *kiln__registry_remove(kiln__registry *self, const char *name, const char *group);

/* Frees the registry's own memory; the items are the caller's business. */
void kiln__registry_free(kiln__registry *self);

#endif
