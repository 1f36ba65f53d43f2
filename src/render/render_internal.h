/* The Root, render targets and viewports. */
#ifndef KILN_RENDER_INTERNAL_H
#define KILN_RENDER_INTERNAL_H

#include "render_system.h"
#include "scene/geometry_internal.h"

#include "core/threads.h"

/* The largest width or height of a render target. */
#define KILN__MAX_TARGET_SIZE 16384u

struct kiln_viewport {
    kiln_render_target *target;
    kiln_camera *camera; /* a reference */
    int32_t z_order;
    float left, top, width, height; /* fractions of the target */
    kiln_colour background;
    bool clear_every_frame;
    uint32_t clear_buffers; /* kiln_frame_buffer_type bits cleared every frame */
};

/* What a render of the scene records: its colours, or the ground truth of one of a
 * target's extra buffers (kiln_buffer_type). */
typedef enum kiln__render_mode {
    KILN__RENDER_COLOUR = 0,
    KILN__RENDER_INSTANCE_ID,
    KILN__RENDER_CLASS_ID,
    KILN__RENDER_NORMAL
} kiln__render_mode;
#define KILN__NUM_EXTRA_BUFFERS 3

struct kiln_render_target {
    kiln_root *root;
    char *name;
    uint32_t width;
    uint32_t height;
    kiln_pixel_format format;
    uint32_t fsaa; /* samples per pixel: 1, 2, 4 or 8 */
    kiln__surface *surface;
    kiln_viewport **viewports; /* sorted by z-order */
    uint32_t num_viewports;
    uint64_t frame_count;
    /* kiln_render_target_set_extra_buffers: the buffers, and a surface for each
     * (instance ids, class ids, normals), with whether an update has rendered it. */
    uint32_t extra_buffers;
    kiln__surface *extra[KILN__NUM_EXTRA_BUFFERS];
    bool extra_rendered[KILN__NUM_EXTRA_BUFFERS];
};

struct kiln_root {
    kiln__thread_pool *pool;
    kiln__render_system *render_system;
    kiln_texture_manager *textures;
    kiln_material_manager *materials;
    kiln_mesh_manager *meshes;
    kiln_scene_manager **scenes;
    uint32_t num_scenes;
    kiln_render_target **targets;
    uint32_t num_targets;
};

void kiln__render_target_destroy(kiln_render_target *self);

/* The actual pixel rectangle of a viewport. */
kiln__rect kiln__viewport_get_rect(const kiln_viewport *self);

/* Fails unless camera looks at a live scene of target's root. */
kiln_result kiln__check_camera(const kiln_render_target *target, const kiln_camera *camera,
                               const char *function);

/* The window depth of box (inside the target, checked by the caller) as float32
 * rows without gaps, in a new array the caller frees with kiln__free. */
kiln_result kiln__render_target_read_depth(kiln_render_target *self, const kiln_box *box,
                                           float **out);

/* Converts width x height float32 values (rows without gaps) into the top-left
 * corner of dst, which is at least that large. */
kiln_result kiln__write_float_rows(const float *values, uint32_t width, uint32_t height,
                                   kiln_pixelbox *dst);

/* Draws what the viewport's camera sees of its scene (after the viewport began). */
kiln_result kiln__render_scene(kiln__render_system *rs, const kiln_viewport *viewport,
                               kiln__render_mode mode);

#endif
