#include "registry.h"

#include <string.h>

static const char *group_or_default(const char *group) {
    return group ? group : KILN__DEFAULT_GROUP;
}

static int entry_index(const kiln__registry *self, const char *name, const char *group) {
    group = group_or_default(group);
    for (uint32_t i = 0; i < self->count; i++)
        if (strcmp(self->entries[i].name, name) == 0 && strcmp(self->entries[i].group, group) == 0)
            return (int)i;
    return -1;
}

void *kiln__registry_find(const kiln__registry *self, const char *name, const char *group) {
    int i = entry_index(self, name, group);
    return i < 0 ? NULL : self->entries[i].item;
}

kiln_result kiln__registry_add(kiln__registry *self, const char *name, const char *group,
                               void *item) {
    KILN__CHECK(kiln__grow32(&self->entries, &self->capacity, self->count + 1,
                             sizeof *self->entries, 8, "a registry entry"));
    char *name_copy = kiln__strdup(name);
    char *group_copy = kiln__strdup(group_or_default(group));
    if (!name_copy || !group_copy) {
        kiln__free(name_copy);
        kiln__free(group_copy);
        return kiln__fail_oom("a resource name", strlen(name) + 1);
    }
    self->entries[self->count++] = (kiln__registry_entry){name_copy, group_copy, item};
    return KILN_OK;
}

void *kiln__registry_remove(kiln__registry *self, const char *name, const char *group) {
    int i = entry_index(self, name, group);
    if (i < 0)
        return NULL;
    void *item = self->entries[i].item;
    kiln__free(self->entries[i].name);
    kiln__free(self->entries[i].group);
    /* Keep the order of the rest, so that iteration stays in registration order. */
    memmove(&self->entries[i], &self->entries[i + 1],
            (self->count - (uint32_t)i - 1) * sizeof *self->entries);
    self->count--;
    return item;
}

void kiln__registry_free(kiln__registry *self) {
    for (uint32_t i = 0; i < self->count; i++) {
        kiln__free(self->entries[i].name);
        kiln__free(self->entries[i].group);
    }
    kiln__free(self->entries);
    *self = (kiln__registry){0};
}
