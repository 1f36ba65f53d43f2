#include "render_internal.h"

kiln__rect kiln__viewport_get_rect(const kiln_viewport *self) {
    /* Truncated like the original engine does. */
    const kiln_render_target *t = self->target;
    return (kiln__rect){
        (int32_t)(self->left * (float)t->width), (int32_t)(self->top * (float)t->height),
        (int32_t)(self->width * (float)t->width), (int32_t)(self->height * (float)t->height)};
}

KILN_API kiln_colour kiln_viewport_get_background_colour(const kiln_viewport *self) {
    return self->background;
}
KILN_API void kiln_viewport_set_background_colour(kiln_viewport *self, const kiln_colour *colour) {
    if (colour)
        self->background = *colour;
}
KILN_API bool kiln_viewport_get_clear_every_frame(const kiln_viewport *self) {
    return self->clear_every_frame;
}
KILN_API void kiln_viewport_set_clear_every_frame(kiln_viewport *self, bool clear) {
    self->clear_every_frame = clear;
}

KILN_API kiln_result kiln_viewport_get_camera(const kiln_viewport *self, kiln_camera **out) {
    KILN__REQUIRE_NOT_NULL(self);
    KILN__REQUIRE_NOT_NULL(out);
    kiln_camera_retain(self->camera);
    *out = self->camera;
    return KILN_OK;
}

kiln_result kiln__check_camera(const kiln_render_target *target, const kiln_camera *camera,
                               const char *function) {
    if (!camera->scene)
        return kiln__fail(KILN_ERROR_INVALID_STATE,
                          "%s: the scene manager of camera '%s' has been destroyed", function,
                          kiln_movable_object_get_name(&camera->base));
    if (camera->scene->owner != target->root)
        return kiln__fail(KILN_ERROR_INVALID_ARGUMENT,
                          "%s: camera '%s' belongs to a scene of another root than render target "
                          "'%s'",
                          function, kiln_movable_object_get_name(&camera->base), target->name);
    return KILN_OK;
}

KILN_API kiln_result kiln_viewport_set_camera(kiln_viewport *self, kiln_camera *camera) {
    KILN__REQUIRE_NOT_NULL(self);
    KILN__REQUIRE_NOT_NULL(camera);
    KILN__CHECK(kiln__check_camera(self->target, camera, __func__));
    kiln_camera_retain(camera);
    kiln_camera_release(self->camera);
    self->camera = camera;
    kiln__rect rect = kiln__viewport_get_rect(self);
    if (camera->auto_aspect && rect.height > 0)
        camera->aspect = (float)rect.width / (float)rect.height;
    return KILN_OK;
}

KILN_API int32_t kiln_viewport_get_z_order(const kiln_viewport *self) { return self->z_order; }

KILN_API int32_t kiln_viewport_get_actual_left(const kiln_viewport *self) {
    return kiln__viewport_get_rect(self).x;
}
KILN_API int32_t kiln_viewport_get_actual_top(const kiln_viewport *self) {
    return kiln__viewport_get_rect(self).y;
}
KILN_API int32_t kiln_viewport_get_actual_width(const kiln_viewport *self) {
    return kiln__viewport_get_rect(self).width;
}
KILN_API int32_t kiln_viewport_get_actual_height(const kiln_viewport *self) {
    return kiln__viewport_get_rect(self).height;
}
