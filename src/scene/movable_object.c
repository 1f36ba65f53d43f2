#include "scene_internal.h"

void kiln__movable_object_init(kiln_movable_object *self, kiln__movable_type type,
                               void (*destroy)(kiln_movable_object *)) {
    kiln__ref_init(&self->ref);
    self->type = type;
    self->visible = true;
    self->destroy = destroy;
    /* 1, 2, 3, ... in the order objects are made, across the process: unique until
     * 2^32 objects have been made. */
    static uint32_t next_instance_id;
    self->instance_id = __atomic_add_fetch(&next_instance_id, 1, __ATOMIC_RELAXED);
    if (self->instance_id == 0)
        self->instance_id = __atomic_add_fetch(&next_instance_id, 1, __ATOMIC_RELAXED);
}

KILN_API uint32_t kiln_movable_object_get_instance_id(const kiln_movable_object *self) {
    return self->instance_id;
}
KILN_API void kiln_movable_object_set_instance_id(kiln_movable_object *self, uint32_t id) {
    if (self)
        self->instance_id = id;
}
KILN_API uint32_t kiln_movable_object_get_class_id(const kiln_movable_object *self) {
    return self->class_id;
}
KILN_API void kiln_movable_object_set_class_id(kiln_movable_object *self, uint32_t id) {
    if (self)
        self->class_id = id;
}

KILN_API void kiln_movable_object_retain(kiln_movable_object *self) {
    if (self)
        kiln__ref_inc(&self->ref);
}

KILN_API void kiln_movable_object_release(kiln_movable_object *self) {
    if (self && kiln__ref_dec(&self->ref)) {
        kiln__free(self->name);
        self->destroy(self);
    }
}

KILN_API const char *kiln_movable_object_get_name(const kiln_movable_object *self) {
    return self->name ? self->name : "";
}

KILN_API const char *kiln_movable_object_get_movable_type(const kiln_movable_object *self) {
    switch (self->type) {
    case KILN__MOVABLE_CAMERA:
        return "Camera";
    case KILN__MOVABLE_RECTANGLE2D:
        return "Rectangle2D";
    case KILN__MOVABLE_MANUAL_OBJECT:
        return "ManualObject";
    case KILN__MOVABLE_ENTITY:
        return "Entity";
    case KILN__MOVABLE_LIGHT:
        return "Light";
    }
    return "";
}

KILN_API bool kiln_movable_object_get_visible(const kiln_movable_object *self) {
    return self->visible;
}

KILN_API void kiln_movable_object_set_visible(kiln_movable_object *self, bool visible) {
    self->visible = visible;
}

KILN_API kiln_scene_node *
kiln_movable_object_get_parent_scene_node(const kiln_movable_object *self) {
    return self->parent;
}
