#include "render_internal.h"

#include <math.h>

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
KILN_API kiln_result kiln_viewport_set_background_colour(kiln_viewport *self,
                                                         const kiln_colour *colour) {
    KILN__REQUIRE_NOT_NULL(self);
    if (colour) {
        KILN__REQUIRE(kiln__finite_floats(&colour->r, 4),
                      "kiln_viewport_set_background_colour: (%g, %g, %g, %g) is not finite",
                      (double)colour->r, (double)colour->g, (double)colour->b, (double)colour->a);
        self->background = *colour;
    }
    return KILN_OK;
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

KILN_API uint32_t kiln_viewport_get_clear_buffers(const kiln_viewport *self) {
    return self->clear_buffers;
}
KILN_API kiln_result kiln_viewport_set_clear_buffers(kiln_viewport *self, uint32_t buffers) {
    KILN__REQUIRE_NOT_NULL(self);
    const uint32_t all = KILN_FBT_COLOUR | KILN_FBT_DEPTH | KILN_FBT_STENCIL;
    KILN__REQUIRE((buffers & ~all) == 0,
                  "kiln_viewport_set_clear_buffers: 0x%x is not a combination of KILN_FBT_COLOUR "
                  "(1), KILN_FBT_DEPTH (2) and KILN_FBT_STENCIL (4)",
                  buffers);
    /* There is no stencil buffer yet, so clearing it is allowed and does nothing. */
    self->clear_buffers = buffers;
    return KILN_OK;
}

/* The distance along the view axis of what lies at window depth d, for a camera
 * whose projection follows kiln_camera_get_projection_matrix. */
static float view_distance(const kiln_camera *camera, float d) {
    if (!(d < 1.0f))
        return INFINITY; /* the cleared depth: nothing was drawn */
    double n = camera->near_distance, f = camera->far_distance;
    double ndc = 2.0 * (double)d - 1.0;
    if (camera->has_custom_projection) {
        /* ndc = (m22 z + m23) / (m32 z + m33), solved for z; the distance is -z. */
        const kiln_matrix4 *m = &camera->custom_projection;
        double z = (ndc * m->m[3][3] - m->m[2][3]) / (m->m[2][2] - ndc * m->m[3][2]);
        return (float)-z;
    }
    double adjust = KILN__INFINITE_FAR_PLANE_ADJUST;
    if (camera->projection == KILN_PT_PERSPECTIVE) {
        /* Inverting ndc = (m22 z + m23) / -z for the distance -z. */
        if (f == 0.0)
            return (float)(n * (adjust - 2.0) / (ndc + adjust - 1.0));
        return (float)(2.0 * n * f / ((f + n) - ndc * (f - n)));
    }
    /* Orthographic depth is linear in the distance. */
    if (f == 0.0)
        return (float)(n * (1.0 + adjust + ndc) / adjust);
    return (float)(0.5 * ((f + n) + ndc * (f - n)));
}

KILN_API kiln_result kiln_viewport_copy_view_distance_to_memory(kiln_viewport *self,
                                                                const kiln_box *src,
                                                                kiln_pixelbox *dst) {
    KILN__REQUIRE_NOT_NULL(self);
    KILN__REQUIRE_NOT_NULL(dst);
    kiln__rect rect = kiln__viewport_get_rect(self);
    kiln_box whole = {(uint32_t)rect.x,
                      (uint32_t)rect.y,
                      0,
                      (uint32_t)rect.x + (uint32_t)rect.width,
                      (uint32_t)rect.y + (uint32_t)rect.height,
                      1};
    kiln_box box = src ? *src : whole;
    if (box.left >= box.right || box.top >= box.bottom || box.front != 0 || box.back != 1 ||
        box.left < whole.left || box.top < whole.top || box.right > whole.right ||
        box.bottom > whole.bottom || box.right > self->target->width ||
        box.bottom > self->target->height)
        return kiln__fail(KILN_ERROR_OUT_OF_RANGE,
                          "kiln_viewport_copy_view_distance_to_memory: the source box "
                          "[%u, %u) x [%u, %u) x [%u, %u) is empty or leaves the viewport "
                          "[%u, %u) x [%u, %u) of render target '%s'",
                          box.left, box.right, box.top, box.bottom, box.front, box.back, whole.left,
                          whole.right, whole.top, whole.bottom, self->target->name);
    kiln_pixel_format dst_format = kiln_pixelbox_get_format(dst);
    if (dst_format != KILN_PF_FLOAT32_R)
        return kiln__fail(KILN_ERROR_INVALID_ARGUMENT,
                          "kiln_viewport_copy_view_distance_to_memory: the destination has the "
                          "format %s; distances are copied into PF_FLOAT32_R",
                          kiln_pixel_format_get_name(dst_format));
    uint32_t w = box.right - box.left, h = box.bottom - box.top;
    uint32_t dw = kiln_pixelbox_get_width(dst), dh = kiln_pixelbox_get_height(dst);
    if (dw < w || dh < h || kiln_pixelbox_get_depth(dst) < 1)
        return kiln__fail(KILN_ERROR_INVALID_ARGUMENT,
                          "kiln_viewport_copy_view_distance_to_memory: the destination is "
                          "%ux%ux%u pixels but the source box is %ux%ux1",
                          dw, dh, kiln_pixelbox_get_depth(dst), w, h);
    float *values = NULL;
    KILN__CHECK(kiln__render_target_read_depth(self->target, &box, &values));
    /* Linearised with the camera as it is now: the caller keeps it as it was drawn. */
    size_t count = (size_t)w * h;
    for (size_t i = 0; i < count; i++)
        values[i] = view_distance(self->camera, values[i]);
    kiln_result r = kiln__write_float_rows(values, w, h, dst);
    kiln__free(values);
    return r;
}
