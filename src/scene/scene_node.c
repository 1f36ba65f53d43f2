#include "scene_internal.h"

static kiln_result node_create(kiln_scene_manager *scene, kiln_scene_node *parent,
                               kiln_scene_node **out) {
    kiln_scene_node *node = kiln__calloc(1, sizeof *node);
    if (!node)
        return kiln__fail_oom("a scene node", sizeof *node);
    node->scene = scene;
    node->parent = parent;
    node->orientation = (kiln_quaternion){1, 0, 0, 0};
    node->scale = (kiln_vector3){1, 1, 1};
    *out = node;
    return KILN_OK;
}

kiln_result kiln__scene_node_create_root(kiln_scene_manager *scene, kiln_scene_node **out) {
    return node_create(scene, NULL, out);
}

void kiln__scene_node_destroy(kiln_scene_node *self) {
    if (!self)
        return;
    for (uint32_t i = 0; i < self->num_children; i++)
        kiln__scene_node_destroy(self->children[i]);
    for (uint32_t i = 0; i < self->num_objects; i++) {
        self->objects[i]->parent = NULL;
        kiln_movable_object_release(self->objects[i]);
    }
    kiln__free(self->children);
    kiln__free(self->objects);
    kiln__free(self);
}

KILN_API kiln_result kiln_scene_node_create_child_scene_node(kiln_scene_node *self,
                                                             kiln_scene_node **out) {
    KILN__REQUIRE_NOT_NULL(self);
    if (out)
        *out = NULL;
    kiln_scene_node **children =
        kiln__realloc_array(self->children, self->num_children + 1, sizeof *children);
    if (!children)
        return kiln__fail_oom("scene node children", (self->num_children + 1) * sizeof *children);
    self->children = children;
    kiln_scene_node *child = NULL;
    KILN__CHECK(node_create(self->scene, self, &child));
    self->children[self->num_children++] = child;
    if (out)
        *out = child;
    return KILN_OK;
}

KILN_API kiln_result kiln_scene_node_attach_object(kiln_scene_node *self,
                                                   kiln_movable_object *object) {
    KILN__REQUIRE_NOT_NULL(self);
    KILN__REQUIRE_NOT_NULL(object);
    if (object->parent)
        return kiln__fail(KILN_ERROR_INVALID_STATE,
                          "kiln_scene_node_attach_object: the %s '%s' is already attached to a "
                          "scene node; detach it first",
                          kiln_movable_object_get_movable_type(object),
                          kiln_movable_object_get_name(object));
    if (object->type == KILN__MOVABLE_CAMERA) {
        const kiln_camera *camera = (const kiln_camera *)object;
        if (camera->scene && camera->scene != self->scene)
            return kiln__fail(KILN_ERROR_INVALID_ARGUMENT,
                              "kiln_scene_node_attach_object: camera '%s' belongs to another "
                              "scene manager",
                              kiln_movable_object_get_name(object));
    }
    kiln_movable_object **objects =
        kiln__realloc_array(self->objects, self->num_objects + 1, sizeof *objects);
    if (!objects)
        return kiln__fail_oom("attached objects", (self->num_objects + 1) * sizeof *objects);
    self->objects = objects;
    kiln_movable_object_retain(object);
    object->parent = self;
    self->objects[self->num_objects++] = object;
    return KILN_OK;
}

KILN_API kiln_result kiln_scene_node_detach_object(kiln_scene_node *self,
                                                   kiln_movable_object *object) {
    KILN__REQUIRE_NOT_NULL(self);
    KILN__REQUIRE_NOT_NULL(object);
    for (uint32_t i = 0; i < self->num_objects; i++) {
        if (self->objects[i] != object)
            continue;
        for (uint32_t j = i + 1; j < self->num_objects; j++)
            self->objects[j - 1] = self->objects[j];
        self->num_objects--;
        object->parent = NULL;
        kiln_movable_object_release(object);
        return KILN_OK;
    }
    return kiln__fail(KILN_ERROR_INVALID_ARGUMENT,
                      "kiln_scene_node_detach_object: the %s '%s' is not attached to this node",
                      kiln_movable_object_get_movable_type(object),
                      kiln_movable_object_get_name(object));
}

KILN_API uint32_t kiln_scene_node_get_num_attached_objects(const kiln_scene_node *self) {
    return self->num_objects;
}

KILN_API kiln_result kiln_scene_node_get_attached_object(const kiln_scene_node *self,
                                                         uint32_t index,
                                                         kiln_movable_object **out) {
    KILN__REQUIRE_NOT_NULL(self);
    KILN__REQUIRE_NOT_NULL(out);
    *out = NULL;
    if (index >= self->num_objects)
        return kiln__fail(KILN_ERROR_OUT_OF_RANGE,
                          "kiln_scene_node_get_attached_object: index %u but the node has %u "
                          "attached objects",
                          index, self->num_objects);
    kiln_movable_object_retain(self->objects[index]);
    *out = self->objects[index];
    return KILN_OK;
}

KILN_API uint32_t kiln_scene_node_get_num_children(const kiln_scene_node *self) {
    return self->num_children;
}

KILN_API kiln_result kiln_scene_node_get_child(const kiln_scene_node *self, uint32_t index,
                                               kiln_scene_node **out) {
    KILN__REQUIRE_NOT_NULL(self);
    KILN__REQUIRE_NOT_NULL(out);
    *out = NULL;
    if (index >= self->num_children)
        return kiln__fail(KILN_ERROR_OUT_OF_RANGE,
                          "kiln_scene_node_get_child: index %u but the node has %u children", index,
                          self->num_children);
    *out = self->children[index];
    return KILN_OK;
}

KILN_API kiln_scene_node *kiln_scene_node_get_parent(const kiln_scene_node *self) {
    return self->parent;
}

KILN_API kiln_vector3 kiln_scene_node_get_position(const kiln_scene_node *self) {
    return self->position;
}
KILN_API void kiln_scene_node_set_position(kiln_scene_node *self, const kiln_vector3 *position) {
    if (position)
        self->position = *position;
}
KILN_API kiln_quaternion kiln_scene_node_get_orientation(const kiln_scene_node *self) {
    return self->orientation;
}
KILN_API void kiln_scene_node_set_orientation(kiln_scene_node *self,
                                              const kiln_quaternion *orientation) {
    /* Stored normalised, as rotations must be unit quaternions. */
    if (orientation)
        self->orientation = kiln_quaternion_normalise(*orientation);
}
KILN_API kiln_vector3 kiln_scene_node_get_scale(const kiln_scene_node *self) { return self->scale; }
KILN_API void kiln_scene_node_set_scale(kiln_scene_node *self, const kiln_vector3 *scale) {
    if (scale)
        self->scale = *scale;
}

void kiln__scene_node_get_derived(const kiln_scene_node *self, kiln_vector3 *position,
                                  kiln_quaternion *orientation, kiln_vector3 *scale) {
    if (!self->parent) {
        *position = self->position;
        *orientation = self->orientation;
        *scale = self->scale;
        return;
    }
    kiln_vector3 pp, ps;
    kiln_quaternion po;
    kiln__scene_node_get_derived(self->parent, &pp, &po, &ps);
    /* As in the original engine: the parent's scale applies to the child's offset
     * before the parent's rotation, and scales multiply component-wise. */
    *orientation = kiln_quaternion_multiply(po, self->orientation);
    *scale = (kiln_vector3){ps.x * self->scale.x, ps.y * self->scale.y, ps.z * self->scale.z};
    kiln_vector3 offset = {ps.x * self->position.x, ps.y * self->position.y,
                           ps.z * self->position.z};
    kiln_vector3 rotated = kiln_quaternion_rotate(po, offset);
    *position = (kiln_vector3){pp.x + rotated.x, pp.y + rotated.y, pp.z + rotated.z};
}

KILN_API kiln_matrix4 kiln_scene_node_get_full_transform(const kiln_scene_node *self) {
    kiln_vector3 position, scale;
    kiln_quaternion orientation;
    kiln__scene_node_get_derived(self, &position, &orientation, &scale);
    return kiln_matrix4_make_transform(position, scale, orientation);
}
