#include "geometry_internal.h"

#include <string.h>

/* The material the original engine gives geometry that names none. */
#define DEFAULT_MATERIAL "BaseWhite"

static void entity_destroy(kiln_movable_object *object) {
    kiln_entity *self = (kiln_entity *)object;
    if (self->mesh)
        for (uint32_t i = 0; i < self->mesh->num_sub_meshes; i++)
            kiln_material_release(self->sub_materials[i]);
    kiln__free(self->sub_materials);
    kiln_material_release(self->material);
    kiln_mesh_release(self->mesh);
    kiln__free(self);
}

KILN_API kiln_result kiln_scene_manager_create_entity(kiln_scene_manager *self, const char *name,
                                                      kiln_mesh *mesh, kiln_entity **out) {
    KILN__REQUIRE_NOT_NULL(self);
    KILN__REQUIRE_NOT_NULL(name);
    KILN__REQUIRE_NOT_NULL(mesh);
    if (out)
        *out = NULL;
    if (kiln__registry_find(&self->entities, name, NULL))
        return kiln__fail(KILN_ERROR_INVALID_ARGUMENT,
                          "kiln_scene_manager_create_entity: an entity named '%s' already exists",
                          name);
    kiln_entity *entity = kiln__calloc(1, sizeof *entity);
    if (!entity)
        return kiln__fail_oom("an entity", sizeof *entity);
    kiln__movable_object_init(&entity->base, KILN__MOVABLE_ENTITY, entity_destroy);
    entity->scene = self;
    entity->base.name = kiln__strdup(name);
    entity->sub_materials =
        kiln__calloc(mesh->num_sub_meshes ? mesh->num_sub_meshes : 1, sizeof(kiln_material *));
    kiln_result r = entity->base.name && entity->sub_materials
                        ? KILN_OK
                        : kiln__fail_oom("an entity", strlen(name) + 1);
    if (r == KILN_OK) {
        kiln_mesh_retain(mesh);
        entity->mesh = mesh;
        /* Materials are resolved once, when the entity is made, as the original
         * engine does; a sub-mesh whose material is unknown shows BaseWhite. */
        kiln_material *fallback = kiln__find_material(self->materials, DEFAULT_MATERIAL, NULL);
        for (uint32_t i = 0; i < mesh->num_sub_meshes; i++) {
            kiln_material *material = kiln__find_material(
                self->materials, mesh->sub_meshes[i].material_name, mesh->group);
            entity->sub_materials[i] = material ? material : fallback;
            kiln_material_retain(entity->sub_materials[i]);
        }
        r = kiln__registry_add(&self->entities, name, NULL, entity);
    }
    if (r != KILN_OK) {
        kiln_entity_release(entity);
        return r;
    }
    if (out) {
        kiln_entity_retain(entity);
        *out = entity;
    }
    return KILN_OK;
}

KILN_API kiln_movable_object *kiln_entity_as_movable_object(kiln_entity *self) {
    return self ? &self->base : NULL;
}
KILN_API void kiln_entity_retain(kiln_entity *self) {
    if (self)
        kiln_movable_object_retain(&self->base);
}
KILN_API void kiln_entity_release(kiln_entity *self) {
    if (self)
        kiln_movable_object_release(&self->base);
}

KILN_API kiln_result kiln_entity_get_mesh(const kiln_entity *self, kiln_mesh **out) {
    KILN__REQUIRE_NOT_NULL(self);
    KILN__REQUIRE_NOT_NULL(out);
    kiln_mesh_retain(self->mesh);
    *out = self->mesh;
    return KILN_OK;
}

KILN_API kiln_result kiln_entity_get_material(const kiln_entity *self, kiln_material **out) {
    KILN__REQUIRE_NOT_NULL(self);
    KILN__REQUIRE_NOT_NULL(out);
    kiln_material *material = self->material;
    if (!material && self->mesh->num_sub_meshes > 0)
        material = self->sub_materials[0];
    kiln_material_retain(material);
    *out = material;
    return KILN_OK;
}

KILN_API void kiln_entity_set_material(kiln_entity *self, kiln_material *material) {
    kiln_material_retain(material);
    kiln_material_release(self->material);
    self->material = material;
}

KILN_API kiln_result kiln_entity_get_sub_material(const kiln_entity *self, uint32_t index,
                                                  kiln_material **out) {
    KILN__REQUIRE_NOT_NULL(self);
    KILN__REQUIRE_NOT_NULL(out);
    *out = NULL;
    if (index >= self->mesh->num_sub_meshes)
        return kiln__fail(KILN_ERROR_OUT_OF_RANGE,
                          "kiln_entity_get_sub_material: entity '%s' has %u sub-meshes; there is "
                          "no sub-mesh %u",
                          self->base.name, self->mesh->num_sub_meshes, index);
    kiln_material_retain(self->sub_materials[index]);
    *out = self->sub_materials[index];
    return KILN_OK;
}

KILN_API kiln_result kiln_entity_set_sub_material(kiln_entity *self, uint32_t index,
                                                  kiln_material *material) {
    KILN__REQUIRE_NOT_NULL(self);
    KILN__REQUIRE_NOT_NULL(material);
    if (index >= self->mesh->num_sub_meshes)
        return kiln__fail(KILN_ERROR_OUT_OF_RANGE,
                          "kiln_entity_set_sub_material: entity '%s' has %u sub-meshes; there is "
                          "no sub-mesh %u",
                          self->base.name, self->mesh->num_sub_meshes, index);
    kiln_material_retain(material);
    kiln_material_release(self->sub_materials[index]);
    self->sub_materials[index] = material;
    return KILN_OK;
}

KILN_API kiln_aabb kiln_entity_get_bounding_box(const kiln_entity *self) {
    return self->mesh->bounds;
}

KILN_API kiln_aabb kiln_entity_get_world_bounding_box(const kiln_entity *self) {
    if (!self->base.parent)
        return self->mesh->bounds;
    kiln_matrix4 world = kiln_scene_node_get_full_transform(self->base.parent);
    return kiln__aabb_transform(&self->mesh->bounds, &world);
}

/* ---- the scene's registries ---- */

void kiln__scene_manager_drop_geometry(kiln_scene_manager *self) {
    for (uint32_t i = 0; i < self->manual_objects.count; i++) {
        kiln_manual_object *object = self->manual_objects.entries[i].item;
        object->scene = NULL;
        kiln_manual_object_release(object);
    }
    kiln__registry_free(&self->manual_objects);
    for (uint32_t i = 0; i < self->entities.count; i++) {
        kiln_entity *entity = self->entities.entries[i].item;
        entity->scene = NULL;
        kiln_entity_release(entity);
    }
    kiln__registry_free(&self->entities);
}
