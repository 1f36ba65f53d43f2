#include "render_internal.h"

#include <math.h>

void kiln__render_target_destroy(kiln_render_target *self) {
    if (!self)
        return;
    for (uint32_t i = 0; i < self->num_viewports; i++) {
        kiln_camera_release(self->viewports[i]->camera);
        kiln__free(self->viewports[i]);
    }
    kiln__free(self->viewports);
    kiln__render_system *rs = self->root->render_system;
    for (int k = 0; k < KILN__NUM_EXTRA_BUFFERS; k++)
        if (self->extra[k])
            rs->ops->destroy_surface(rs, self->extra[k]);
    if (self->surface)
        rs->ops->destroy_surface(rs, self->surface);
    kiln__free(self->name);
    kiln__free(self);
}

KILN_API const char *kiln_render_target_get_name(const kiln_render_target *self) {
    return self->name;
}
KILN_API uint32_t kiln_render_target_get_width(const kiln_render_target *self) {
    return self->width;
}
KILN_API uint32_t kiln_render_target_get_height(const kiln_render_target *self) {
    return self->height;
}
KILN_API kiln_pixel_format kiln_render_target_get_format(const kiln_render_target *self) {
    return self->format;
}
KILN_API uint32_t kiln_render_target_get_fsaa(const kiln_render_target *self) { return self->fsaa; }

/* Sixteenths of a pixel from its top-left corner. */
static const float positions2[2][2] = {{12 / 16.0f, 12 / 16.0f}, {4 / 16.0f, 4 / 16.0f}};
static const float positions4[4][2] = {{6 / 16.0f, 2 / 16.0f},
                                       {14 / 16.0f, 6 / 16.0f},
                                       {2 / 16.0f, 10 / 16.0f},
                                       {10 / 16.0f, 14 / 16.0f}};
static const float positions8[8][2] = {{9 / 16.0f, 5 / 16.0f},   {7 / 16.0f, 11 / 16.0f},
                                       {13 / 16.0f, 9 / 16.0f},  {5 / 16.0f, 3 / 16.0f},
                                       {3 / 16.0f, 13 / 16.0f},  {1 / 16.0f, 7 / 16.0f},
                                       {11 / 16.0f, 15 / 16.0f}, {15 / 16.0f, 1 / 16.0f}};

const float (*kiln__sample_positions(uint32_t samples))[2] {
    switch (samples) {
    case 2:
        return positions2;
    case 4:
        return positions4;
    case 8:
        return positions8;
    default:
        return NULL;
    }
}

KILN_API uint64_t kiln_render_target_get_frame_count(const kiln_render_target *self) {
    return self->frame_count;
}

static bool fraction_ok(float v) { return v >= 0.0f && v <= 1.0f; }

KILN_API kiln_result kiln_render_target_add_viewport(kiln_render_target *self, kiln_camera *camera,
                                                     const kiln_viewport_desc *desc,
                                                     kiln_viewport **out) {
    KILN__REQUIRE_NOT_NULL(self);
    KILN__REQUIRE_NOT_NULL(camera);
    if (out)
        *out = NULL;
    kiln_viewport_desc d = desc ? *desc : (kiln_viewport_desc){0};
    float width = d.width == 0.0f ? 1.0f - d.left : d.width;
    float height = d.height == 0.0f ? 1.0f - d.top : d.height;
    if (!fraction_ok(d.left) || !fraction_ok(d.top) || !(width > 0.0f) || !(height > 0.0f) ||
        d.left + width > 1.0001f || d.top + height > 1.0001f)
        return kiln__fail(KILN_ERROR_INVALID_ARGUMENT,
                          "kiln_render_target_add_viewport: left %g, top %g, width %g, height %g "
                          "do not describe a rectangle inside the target (fractions in [0, 1])",
                          (double)d.left, (double)d.top, (double)width, (double)height);
    /* The pixels it covers, as kiln__viewport_get_rect counts them. */
    const int32_t pixels_x = (int32_t)(width * (float)self->width);
    const int32_t pixels_y = (int32_t)(height * (float)self->height);
    if (pixels_x < 1 || pixels_y < 1)
        return kiln__fail(KILN_ERROR_INVALID_ARGUMENT,
                          "kiln_render_target_add_viewport: width %g and height %g of the %ux%u "
                          "target '%s' cover %dx%d pixels; a viewport covers at least one",
                          (double)width, (double)height, self->width, self->height, self->name,
                          pixels_x, pixels_y);
    for (uint32_t i = 0; i < self->num_viewports; i++)
        if (self->viewports[i]->z_order == d.z_order)
            return kiln__fail(KILN_ERROR_INVALID_ARGUMENT,
                              "kiln_render_target_add_viewport: render target '%s' already has a "
                              "viewport with z-order %d",
                              self->name, (int)d.z_order);
    KILN__CHECK(kiln__check_camera(self, camera, __func__));
    kiln_viewport **viewports =
        kiln__realloc_array(self->viewports, self->num_viewports + 1, sizeof *viewports);
    if (!viewports)
        return kiln__fail_oom("the viewport list", (self->num_viewports + 1) * sizeof *viewports);
    self->viewports = viewports;
    kiln_viewport *vp = kiln__calloc(1, sizeof *vp);
    if (!vp)
        return kiln__fail_oom("a viewport", sizeof *vp);
    vp->target = self;
    vp->z_order = d.z_order;
    vp->left = d.left;
    vp->top = d.top;
    vp->width = width;
    vp->height = height;
    vp->background = (kiln_colour){0, 0, 0, 1};
    vp->clear_every_frame = true;
    vp->clear_buffers = KILN_FBT_COLOUR | KILN_FBT_DEPTH;
    kiln_camera_retain(camera);
    vp->camera = camera;
    /* The viewport keeps the camera's aspect ratio in step with its own shape. */
    camera->auto_aspect = true;
    kiln__rect rect = kiln__viewport_get_rect(vp);
    if (rect.width > 0 && rect.height > 0)
        camera->aspect = (float)rect.width / (float)rect.height;
    /* Keep the list sorted by z-order. */
    uint32_t at = self->num_viewports;
    while (at > 0 && self->viewports[at - 1]->z_order > vp->z_order) {
        self->viewports[at] = self->viewports[at - 1];
        at--;
    }
    self->viewports[at] = vp;
    self->num_viewports++;
    if (out)
        *out = vp;
    return KILN_OK;
}

KILN_API uint32_t kiln_render_target_get_num_viewports(const kiln_render_target *self) {
    return self->num_viewports;
}

KILN_API kiln_result kiln_render_target_get_viewport(const kiln_render_target *self, uint32_t index,
                                                     kiln_viewport **out) {
    KILN__REQUIRE_NOT_NULL(self);
    KILN__REQUIRE_NOT_NULL(out);
    *out = NULL;
    if (index >= self->num_viewports)
        return kiln__fail(KILN_ERROR_OUT_OF_RANGE,
                          "kiln_render_target_get_viewport: index %u but render target '%s' has "
                          "%u viewports",
                          index, self->name, self->num_viewports);
    *out = self->viewports[index];
    return KILN_OK;
}

/* Cameras accept near and far in either order, as the original engine does, so a
 * pair that makes no projection is caught when it would be used. */
static kiln_result check_clip_distances(const kiln_camera *camera) {
    if (camera->far_distance != 0.0f && !(camera->far_distance > camera->near_distance))
        return kiln__fail(KILN_ERROR_INVALID_STATE,
                          "kiln_render_target_update: camera '%s' has its near clip distance %g "
                          "at or beyond its far clip distance %g",
                          camera->base.name ? camera->base.name : "", (double)camera->near_distance,
                          (double)camera->far_distance);
    return KILN_OK;
}

/* One frame of the viewports into surface: their colours, or the ground truth of mode
 * (cleared to 0: no id, no normal). */
static kiln_result render_viewports(kiln_render_target *self, kiln__surface *surface,
                                    kiln__render_mode mode) {
    kiln__render_system *rs = self->root->render_system;
    KILN__CHECK(rs->ops->begin_frame(rs, surface));
    const kiln_colour nothing = {0, 0, 0, 0};
    kiln_result r = KILN_OK;
    for (uint32_t i = 0; i < self->num_viewports && r == KILN_OK; i++) {
        const kiln_viewport *vp = self->viewports[i];
        kiln__rect rect = kiln__viewport_get_rect(vp);
        if (vp->camera->auto_aspect && rect.width > 0 && rect.height > 0)
            vp->camera->aspect = (float)rect.width / (float)rect.height;
        bool clear = vp->clear_every_frame;
        r = rs->ops->begin_viewport(rs, &rect, clear && (vp->clear_buffers & KILN_FBT_COLOUR),
                                    mode == KILN__RENDER_COLOUR ? &vp->background : &nothing,
                                    clear && (vp->clear_buffers & KILN_FBT_DEPTH), 1.0f);
        if (r == KILN_OK)
            r = kiln__render_scene(rs, vp, mode);
    }
    /* The frame is always finished, so that a failure leaves the backend ready for
     * the next one; what was recorded before it still lands. */
    kiln_result end = rs->ops->end_frame(rs);
    if (r != KILN_OK)
        return r;
    return end;
}

KILN_API kiln_result kiln_render_target_update(kiln_render_target *self) {
    KILN__REQUIRE_NOT_NULL(self);
    for (uint32_t i = 0; i < self->num_viewports; i++)
        KILN__CHECK(check_clip_distances(self->viewports[i]->camera));
    KILN__CHECK(render_viewports(self, self->surface, KILN__RENDER_COLOUR));
    for (int k = 0; k < KILN__NUM_EXTRA_BUFFERS; k++) {
        if (!self->extra[k])
            continue;
        self->extra_rendered[k] = false;
        KILN__CHECK(render_viewports(self, self->extra[k], (kiln__render_mode)(k + 1)));
        self->extra_rendered[k] = true;
    }
    self->frame_count++;
    return KILN_OK;
}

KILN_API uint32_t kiln_render_target_get_extra_buffers(const kiln_render_target *self) {
    return self->extra_buffers;
}

KILN_API kiln_result kiln_render_target_set_extra_buffers(kiln_render_target *self,
                                                          uint32_t buffers) {
    KILN__REQUIRE_NOT_NULL(self);
    const uint32_t all = KILN_BUFFER_INSTANCE_ID | KILN_BUFFER_CLASS_ID | KILN_BUFFER_NORMAL;
    KILN__REQUIRE((buffers & ~all) == 0,
                  "kiln_render_target_set_extra_buffers: 0x%x is not a combination of "
                  "KILN_BUFFER_INSTANCE_ID (1), KILN_BUFFER_CLASS_ID (2) and KILN_BUFFER_NORMAL "
                  "(4)",
                  buffers);
    kiln__render_system *rs = self->root->render_system;
    /* The new surfaces first, so that a failure changes nothing. */
    kiln__surface *made[KILN__NUM_EXTRA_BUFFERS] = {NULL, NULL, NULL};
    kiln_result r = KILN_OK;
    for (int k = 0; k < KILN__NUM_EXTRA_BUFFERS && r == KILN_OK; k++)
        if ((buffers & (1u << k)) && !self->extra[k])
            r = rs->ops->create_surface(rs, self->width, self->height,
                                        k == 2 ? KILN_PF_FLOAT32_RGBA : KILN_PF_BYTE_RGBA, NULL, 1,
                                        &made[k]);
    if (r != KILN_OK) {
        for (int k = 0; k < KILN__NUM_EXTRA_BUFFERS; k++)
            if (made[k])
                rs->ops->destroy_surface(rs, made[k]);
        return r;
    }
    for (int k = 0; k < KILN__NUM_EXTRA_BUFFERS; k++) {
        if (made[k]) {
            self->extra[k] = made[k];
            self->extra_rendered[k] = false;
        } else if (!(buffers & (1u << k)) && self->extra[k]) {
            rs->ops->destroy_surface(rs, self->extra[k]);
            self->extra[k] = NULL;
        }
    }
    self->extra_buffers = buffers;
    return KILN_OK;
}

KILN_API kiln_result kiln_render_target_get_extra_buffer(kiln_render_target *self,
                                                         kiln_buffer_type buffer,
                                                         kiln_pixelbox **out) {
    KILN__REQUIRE_NOT_NULL(self);
    KILN__REQUIRE_NOT_NULL(out);
    *out = NULL;
    int k = buffer == KILN_BUFFER_INSTANCE_ID ? 0
            : buffer == KILN_BUFFER_CLASS_ID  ? 1
            : buffer == KILN_BUFFER_NORMAL    ? 2
                                              : -1;
    KILN__REQUIRE(k >= 0,
                  "kiln_render_target_get_extra_buffer: %d is not one kiln_buffer_type (1, 2 or "
                  "4)",
                  (int)buffer);
    if (!self->extra[k])
        return kiln__fail(KILN_ERROR_INVALID_STATE,
                          "kiln_render_target_get_extra_buffer: render target '%s' does not "
                          "render its %s buffer; enable it with "
                          "kiln_render_target_set_extra_buffers before the update",
                          self->name,
                          k == 0   ? "instance id"
                          : k == 1 ? "class id"
                                   : "normal");
    if (!self->extra_rendered[k])
        return kiln__fail(KILN_ERROR_INVALID_STATE,
                          "kiln_render_target_get_extra_buffer: render target '%s' has not "
                          "rendered its %s buffer since it was enabled; update it first",
                          self->name,
                          k == 0   ? "instance id"
                          : k == 1 ? "class id"
                                   : "normal");
    kiln__render_system *rs = self->root->render_system;
    return rs->ops->colour_pixel_box(rs, self->extra[k], out);
}

/* The source box of a read back (the whole target when src is NULL); fails unless
 * it is a non-empty box inside the target. */
static kiln_result source_box(const kiln_render_target *self, const kiln_box *src,
                              const char *function, kiln_box *out) {
    kiln_box whole = {0, 0, 0, self->width, self->height, 1};
    kiln_box box = src ? *src : whole;
    if (box.left >= box.right || box.top >= box.bottom || box.front >= box.back ||
        box.right > self->width || box.bottom > self->height || box.front != 0 || box.back != 1)
        return kiln__fail(KILN_ERROR_OUT_OF_RANGE,
                          "%s: the source box [%u, %u) x [%u, %u) x [%u, %u) is empty or leaves "
                          "render target '%s' of %ux%u pixels",
                          function, box.left, box.right, box.top, box.bottom, box.front, box.back,
                          self->name, self->width, self->height);
    *out = box;
    return KILN_OK;
}

/* Fails unless dst can take the pixels of box. */
static kiln_result check_destination_extent(const kiln_box *box, const kiln_pixelbox *dst,
                                            const char *function) {
    uint32_t w = box->right - box->left, h = box->bottom - box->top;
    uint32_t dw = kiln_pixelbox_get_width(dst), dh = kiln_pixelbox_get_height(dst);
    if (dw < w || dh < h || kiln_pixelbox_get_depth(dst) < 1)
        return kiln__fail(KILN_ERROR_INVALID_ARGUMENT,
                          "%s: the destination is %ux%ux%u pixels but the source box is %ux%ux1",
                          function, dw, dh, kiln_pixelbox_get_depth(dst), w, h);
    return KILN_OK;
}

KILN_API kiln_result kiln_render_target_copy_contents_to_memory(kiln_render_target *self,
                                                                const kiln_box *src,
                                                                kiln_pixelbox *dst) {
    KILN__REQUIRE_NOT_NULL(self);
    KILN__REQUIRE_NOT_NULL(dst);
    kiln_box box;
    KILN__CHECK(source_box(self, src, __func__, &box));
    kiln_pixel_format dst_format = kiln_pixelbox_get_format(dst);
    if (kiln_pixel_format_get_flags(dst_format) & KILN_PFF_DEPTH)
        return kiln__fail(KILN_ERROR_INVALID_ARGUMENT,
                          "kiln_render_target_copy_contents_to_memory: the destination has the "
                          "depth format %s; colour cannot be copied into it",
                          kiln_pixel_format_get_name(dst_format));
    KILN__CHECK(check_destination_extent(&box, dst, __func__));
    kiln__render_system *rs = self->root->render_system;
    return rs->ops->read_pixels(rs, self->surface, &box, dst);
}

KILN_API kiln_result kiln_render_target_get_pixel_box(kiln_render_target *self,
                                                      kiln_pixelbox **out) {
    KILN__REQUIRE_NOT_NULL(self);
    KILN__REQUIRE_NOT_NULL(out);
    *out = NULL;
    kiln__render_system *rs = self->root->render_system;
    if (!rs->ops->colour_pixel_box)
        return kiln__fail(KILN_ERROR_UNSUPPORTED,
                          "kiln_render_target_get_pixel_box: the render system '%s' keeps '%s' "
                          "where it cannot be viewed; copy it with copy_contents_to_memory",
                          rs->ops->name, self->name);
    return rs->ops->colour_pixel_box(rs, self->surface, out);
}

/* Fails unless frames can take count frames of the target, in a colour format. */
static kiln_result check_frames(const kiln_render_target *self, uint32_t count,
                                const kiln_pixelbox *frames, const char *function) {
    if (count == 0)
        return kiln__fail(KILN_ERROR_INVALID_ARGUMENT, "%s: a batch needs at least one frame",
                          function);
    if (kiln_pixel_format_get_flags(kiln_pixelbox_get_format(frames)) & KILN_PFF_DEPTH)
        return kiln__fail(
            KILN_ERROR_INVALID_ARGUMENT,
            "%s: the frames have the depth format %s; colour cannot be copied into it", function,
            kiln_pixel_format_get_name(kiln_pixelbox_get_format(frames)));
    if (kiln_pixelbox_get_width(frames) < self->width ||
        kiln_pixelbox_get_height(frames) < self->height || kiln_pixelbox_get_depth(frames) < count)
        return kiln__fail(KILN_ERROR_INVALID_ARGUMENT,
                          "%s: the frames hold %ux%ux%u pixels, but %u frames of render target "
                          "'%s' need %ux%ux%u",
                          function, kiln_pixelbox_get_width(frames),
                          kiln_pixelbox_get_height(frames), kiln_pixelbox_get_depth(frames), count,
                          self->name, self->width, self->height, count);
    if (self->num_viewports == 0)
        return kiln__fail(KILN_ERROR_INVALID_STATE, "%s: render target '%s' has no viewport",
                          function, self->name);
    return KILN_OK;
}

/* Renders the target and reads it into slice i of frames. */
static kiln_result update_into(kiln_render_target *self, kiln_pixelbox *frames, uint32_t i) {
    KILN__CHECK(kiln_render_target_update(self));
    kiln_box slice = {0, 0, i, self->width, self->height, i + 1};
    kiln_pixelbox *box = NULL;
    KILN__CHECK(kiln_pixelbox_get_sub_volume(frames, &slice, &box));
    kiln_box whole = {0, 0, 0, self->width, self->height, 1};
    kiln_result r = kiln_render_target_copy_contents_to_memory(self, &whole, box);
    kiln_pixelbox_release(box);
    return r;
}

KILN_API kiln_result kiln_render_target_update_poses(kiln_render_target *self,
                                                     const kiln_vector3 *positions,
                                                     const kiln_quaternion *orientations,
                                                     uint32_t count, kiln_pixelbox *frames) {
    KILN__REQUIRE_NOT_NULL(self);
    KILN__REQUIRE_NOT_NULL(frames);
    KILN__CHECK(check_frames(self, count, frames, __func__));
    kiln_movable_object *camera = kiln_camera_as_movable_object(self->viewports[0]->camera);
    kiln_scene_node *node = kiln_movable_object_get_parent_scene_node(camera);
    if (!node)
        return kiln__fail(KILN_ERROR_INVALID_STATE,
                          "%s: the camera of render target '%s' is attached to no node, so it "
                          "cannot be moved",
                          __func__, self->name);
    for (uint32_t i = 0; i < count; i++) {
        if (positions && !kiln__finite_floats(&positions[i].x, 3))
            return kiln__fail(KILN_ERROR_INVALID_ARGUMENT, "%s: position %u is not finite",
                              __func__, i);
        if (orientations &&
            (!kiln__finite_floats(&orientations[i].w, 4) ||
             orientations[i].w * orientations[i].w + orientations[i].x * orientations[i].x +
                     orientations[i].y * orientations[i].y +
                     orientations[i].z * orientations[i].z ==
                 0.0f))
            return kiln__fail(KILN_ERROR_INVALID_ARGUMENT,
                              "%s: orientation %u is not a finite, non-zero quaternion", __func__,
                              i);
    }
    const kiln_vector3 position = kiln_scene_node_get_position(node);
    const kiln_quaternion orientation = kiln_scene_node_get_orientation(node);
    kiln_result r = KILN_OK;
    for (uint32_t i = 0; i < count && r == KILN_OK; i++) {
        if (positions)
            kiln_scene_node_set_position(node, &positions[i]);
        if (orientations)
            kiln_scene_node_set_orientation(node, &orientations[i]);
        r = update_into(self, frames, i);
    }
    kiln_scene_node_set_position(node, &position);
    kiln_scene_node_set_orientation(node, &orientation);
    return r;
}

KILN_API kiln_result kiln_render_target_update_cameras(kiln_render_target *self,
                                                       kiln_camera *const *cameras, uint32_t count,
                                                       kiln_pixelbox *frames) {
    KILN__REQUIRE_NOT_NULL(self);
    KILN__REQUIRE_NOT_NULL(cameras);
    KILN__REQUIRE_NOT_NULL(frames);
    KILN__CHECK(check_frames(self, count, frames, __func__));
    kiln_viewport *vp = self->viewports[0];
    for (uint32_t i = 0; i < count; i++) {
        if (!cameras[i])
            return kiln__fail(KILN_ERROR_INVALID_ARGUMENT, "%s: camera %u is NULL", __func__, i);
        KILN__CHECK(kiln__check_camera(self, cameras[i], __func__));
    }
    kiln_camera *kept = vp->camera;
    kiln_camera_retain(kept);
    kiln_result r = KILN_OK;
    for (uint32_t i = 0; i < count && r == KILN_OK; i++) {
        r = kiln_viewport_set_camera(vp, cameras[i]);
        if (r == KILN_OK)
            r = update_into(self, frames, i);
    }
    kiln_result back = kiln_viewport_set_camera(vp, kept);
    kiln_camera_release(kept);
    return r != KILN_OK ? r : back;
}

kiln_result kiln__render_target_read_depth(kiln_render_target *self, const kiln_box *box,
                                           float **out) {
    *out = NULL;
    kiln__render_system *rs = self->root->render_system;
    if (!rs->ops->read_depth)
        return kiln__fail(KILN_ERROR_UNSUPPORTED,
                          "the render system '%s' cannot read back its depth buffer",
                          rs->ops->name);
    size_t w = box->right - box->left, h = box->bottom - box->top;
    float *depth = kiln__malloc_array(w * h, sizeof *depth);
    if (!depth)
        return kiln__fail_oom("a copy of the depth buffer", w * h * sizeof *depth);
    kiln_result r = rs->ops->read_depth(rs, self->surface, box, depth, w * sizeof *depth);
    if (r != KILN_OK) {
        kiln__free(depth);
        return r;
    }
    *out = depth;
    return KILN_OK;
}

kiln_result kiln__write_float_rows(const float *values, uint32_t width, uint32_t height,
                                   kiln_pixelbox *dst) {
    /* The values seen as a PF_FLOAT32_R box, converted into the top-left of dst. */
    size_t bytes = (size_t)width * height * sizeof *values;
    kiln_stream *stream = NULL;
    kiln_pixelbox *from = NULL, *dst_part = NULL;
    kiln_result r = kiln_stream_wrap_memory((void *)values, bytes, true, NULL, NULL, &stream);
    if (r == KILN_OK)
        r = kiln_pixelbox_create(width, height, 1, KILN_PF_FLOAT32_R, stream, &from);
    if (r == KILN_OK) {
        kiln_box e = kiln_pixelbox_get_extent(dst);
        kiln_box part = {e.left, e.top, e.front, e.left + width, e.top + height, e.front + 1};
        r = kiln_pixelbox_get_sub_volume(dst, &part, &dst_part);
    }
    if (r == KILN_OK)
        r = kiln_pixelbox_convert_to(from, dst_part);
    kiln_pixelbox_release(dst_part);
    kiln_pixelbox_release(from);
    kiln_stream_release(stream);
    return r;
}

KILN_API kiln_result kiln_render_target_copy_depth_to_memory(kiln_render_target *self,
                                                             const kiln_box *src,
                                                             kiln_pixelbox *dst) {
    KILN__REQUIRE_NOT_NULL(self);
    KILN__REQUIRE_NOT_NULL(dst);
    kiln_box box;
    KILN__CHECK(source_box(self, src, __func__, &box));
    kiln_pixel_format dst_format = kiln_pixelbox_get_format(dst);
    if (dst_format != KILN_PF_FLOAT32_R && dst_format != KILN_PF_DEPTH32F &&
        dst_format != KILN_PF_DEPTH16 && dst_format != KILN_PF_FLOAT16_R)
        return kiln__fail(KILN_ERROR_INVALID_ARGUMENT,
                          "kiln_render_target_copy_depth_to_memory: the destination has the "
                          "format %s; depth is copied into PF_FLOAT32_R, PF_DEPTH32F, PF_DEPTH16 "
                          "or PF_FLOAT16_R",
                          kiln_pixel_format_get_name(dst_format));
    KILN__CHECK(check_destination_extent(&box, dst, __func__));
    float *depth = NULL;
    KILN__CHECK(kiln__render_target_read_depth(self, &box, &depth));
    kiln_result r = kiln__write_float_rows(depth, box.right - box.left, box.bottom - box.top, dst);
    kiln__free(depth);
    return r;
}

KILN_API kiln_result kiln_render_target_write_contents_to_file(kiln_render_target *self,
                                                               const char *path) {
    KILN__REQUIRE_NOT_NULL(self);
    KILN__REQUIRE_NOT_NULL(path);
    kiln_pixel_format format = (kiln_pixel_format_get_flags(self->format) & KILN_PFF_HASALPHA)
                                   ? KILN_PF_BYTE_RGBA
                                   : KILN_PF_BYTE_RGB;
    size_t bytes;
    KILN__CHECK(kiln_pixel_format_get_memory_size(self->width, self->height, 1, format, &bytes));
    kiln_stream *stream = NULL;
    kiln_image *image = NULL;
    kiln_pixelbox *box = NULL;
    kiln_result r = kiln_stream_create_memory(bytes, &stream);
    if (r == KILN_OK)
        r = kiln_pixelbox_create(self->width, self->height, 1, format, stream, &box);
    if (r == KILN_OK)
        r = kiln_render_target_copy_contents_to_memory(self, NULL, box);
    if (r == KILN_OK)
        r = kiln_image_create(&image);
    if (r == KILN_OK)
        r = kiln_image_load_dynamic_image(image, stream, self->width, self->height, format);
    if (r == KILN_OK)
        r = kiln_image_save(image, path);
    kiln_image_release(image);
    kiln_pixelbox_release(box);
    kiln_stream_release(stream);
    return r;
}
