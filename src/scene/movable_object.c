#include "scene_internal.h"

void kiln__movable_object_init(kiln_movable_object *self, kiln__movable_type type,
                               void (*destroy)(kiln_movable_object *)) {
    kiln__ref_init(&self->ref);
    self->type = type;
    self->visible = true;
    self->destroy = destroy;
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
