#include "scene_internal.h"

#include <string.h>

kiln_result kiln__scene_manager_create(void *owner, kiln_scene_manager **out) {
    kiln_scene_manager *self = kiln__calloc(1, sizeof *self);
    if (!self)
        return kiln__fail_oom("a scene manager", sizeof *self);
    self->owner = owner;
    self->ambient = (kiln_colour){0, 0, 0, 1};
    kiln_result r = kiln__scene_node_create_root(self, &self->root_node);
    if (r != KILN_OK) {
        kiln__free(self);
        return r;
    }
    *out = self;
    return KILN_OK;
}

void kiln__scene_manager_destroy(kiln_scene_manager *self) {
    if (!self)
        return;
    kiln__scene_node_destroy(self->root_node);
    kiln__scene_manager_drop_geometry(self);
    kiln__scene_manager_drop_lights(self);
    for (uint32_t i = 0; i < self->num_cameras; i++) {
        self->cameras[i]->scene = NULL;
        kiln_camera_release(self->cameras[i]);
    }
    kiln__free(self->cameras);
    kiln__free(self);
}

KILN_API kiln_scene_node *kiln_scene_manager_get_root_scene_node(kiln_scene_manager *self) {
    return self->root_node;
}

KILN_API kiln_result kiln_scene_manager_destroy_scene_node(kiln_scene_manager *self,
                                                           kiln_scene_node *node) {
    KILN__REQUIRE_NOT_NULL(self);
    KILN__REQUIRE_NOT_NULL(node);
    if (node->scene != self)
        return kiln__fail(KILN_ERROR_INVALID_ARGUMENT,
                          "kiln_scene_manager_destroy_scene_node: the node belongs to another "
                          "scene manager");
    if (node == self->root_node)
        return kiln__fail(KILN_ERROR_INVALID_ARGUMENT,
                          "kiln_scene_manager_destroy_scene_node: the root node cannot be "
                          "destroyed; it is destroyed with its scene manager");
    /* Off its parent's children, whose later ones move up one place. */
    kiln_scene_node *parent = node->parent;
    for (uint32_t j = node->index_in_parent + 1; j < parent->num_children; j++) {
        parent->children[j - 1] = parent->children[j];
        parent->children[j - 1]->index_in_parent = j - 1;
    }
    parent->num_children--;
    kiln__scene_node_destroy(node);
    return KILN_OK;
}

static kiln_camera *find_camera(const kiln_scene_manager *self, const char *name) {
    for (uint32_t i = 0; i < self->num_cameras; i++)
        if (strcmp(self->cameras[i]->base.name, name) == 0)
            return self->cameras[i];
    return NULL;
}

KILN_API kiln_result kiln_scene_manager_create_camera(kiln_scene_manager *self, const char *name,
                                                      kiln_camera **out) {
    KILN__REQUIRE_NOT_NULL(self);
    KILN__REQUIRE_NOT_NULL(name);
    if (out)
        *out = NULL;
    if (find_camera(self, name))
        return kiln__fail(KILN_ERROR_INVALID_ARGUMENT,
                          "kiln_scene_manager_create_camera: a camera named '%s' already exists",
                          name);
    kiln_camera **cameras =
        kiln__realloc_array(self->cameras, self->num_cameras + 1, sizeof *cameras);
    if (!cameras)
        return kiln__fail_oom("the camera list", (self->num_cameras + 1) * sizeof *cameras);
    self->cameras = cameras;
    kiln_camera *camera = NULL;
    KILN__CHECK(kiln__camera_create(self, name, &camera));
    self->cameras[self->num_cameras++] = camera;
    if (out) {
        kiln_camera_retain(camera);
        *out = camera;
    }
    return KILN_OK;
}

KILN_API kiln_result kiln_scene_manager_get_camera(kiln_scene_manager *self, const char *name,
                                                   kiln_camera **out) {
    KILN__REQUIRE_NOT_NULL(self);
    KILN__REQUIRE_NOT_NULL(name);
    KILN__REQUIRE_NOT_NULL(out);
    *out = NULL;
    kiln_camera *camera = find_camera(self, name);
    if (!camera)
        return kiln__fail(KILN_ERROR_NOT_FOUND,
                          "kiln_scene_manager_get_camera: no camera named '%s'", name);
    kiln_camera_retain(camera);
    *out = camera;
    return KILN_OK;
}

KILN_API bool kiln_scene_manager_has_camera(const kiln_scene_manager *self, const char *name) {
    return self && name && find_camera(self, name) != NULL;
}

KILN_API kiln_colour kiln_scene_manager_get_ambient_light(const kiln_scene_manager *self) {
    return self->ambient;
}

KILN_API void kiln_scene_manager_set_ambient_light(kiln_scene_manager *self,
                                                   const kiln_colour *colour) {
    if (colour)
        self->ambient = *colour;
}
