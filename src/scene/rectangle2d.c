#include "scene_internal.h"

static void rectangle2d_destroy(kiln_movable_object *object) {
    kiln_rectangle2d *self = (kiln_rectangle2d *)object;
    kiln_material_release(self->material);
    kiln__free(self);
}

KILN_API kiln_result kiln_rectangle2d_create(bool include_texture_coords, kiln_rectangle2d **out) {
    KILN__REQUIRE_NOT_NULL(out);
    *out = NULL;
    kiln_rectangle2d *self = kiln__calloc(1, sizeof *self);
    if (!self)
        return kiln__fail_oom("a Rectangle2D", sizeof *self);
    kiln__movable_object_init(&self->base, KILN__MOVABLE_RECTANGLE2D, rectangle2d_destroy);
    self->has_uvs = include_texture_coords;
    self->left = -1.0f;
    self->top = 1.0f;
    self->right = 1.0f;
    self->bottom = -1.0f;
    *out = self;
    return KILN_OK;
}

KILN_API kiln_movable_object *kiln_rectangle2d_as_movable_object(kiln_rectangle2d *self) {
    return self ? &self->base : NULL;
}
KILN_API void kiln_rectangle2d_retain(kiln_rectangle2d *self) {
    if (self)
        kiln_movable_object_retain(&self->base);
}
KILN_API void kiln_rectangle2d_release(kiln_rectangle2d *self) {
    if (self)
        kiln_movable_object_release(&self->base);
}

KILN_API void kiln_rectangle2d_set_corners(kiln_rectangle2d *self, float left, float top,
                                           float right, float bottom) {
    self->left = left;
    self->top = top;
    self->right = right;
    self->bottom = bottom;
}

KILN_API kiln_result kiln_rectangle2d_get_material(const kiln_rectangle2d *self,
                                                   kiln_material **out) {
    KILN__REQUIRE_NOT_NULL(self);
    KILN__REQUIRE_NOT_NULL(out);
    kiln_material_retain(self->material);
    *out = self->material;
    return KILN_OK;
}

KILN_API void kiln_rectangle2d_set_material(kiln_rectangle2d *self, kiln_material *material) {
    kiln_material_retain(material);
    kiln_material_release(self->material);
    self->material = material;
}
