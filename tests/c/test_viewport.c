/* Viewports: which buffers a frame clears, several viewports with their own
 * cameras drawn in z-order (picture in picture, overlays), and the read back of
 * the depth buffer, raw and as distances along the camera's view axis. */
#include <kiln/kiln.h>

#include "pixel/convert.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define PI_F 3.14159265358979f

typedef struct world {
    kiln_root *root;
    kiln_material *white; /* lighting off, no texture: white */
} world;

static void world_create(world *w) {
    kiln_root_desc desc = {.num_threads = 2};
    assert_int_equal(kiln_root_create(&desc, &w->root), KILN_OK);
    assert_int_equal(kiln_material_manager_create(kiln_root_get_material_manager(w->root), "white",
                                                  "General", &w->white),
                     KILN_OK);
    kiln_technique *technique = NULL;
    kiln_pass *pass = NULL;
    assert_int_equal(kiln_material_get_technique(w->white, 0, &technique), KILN_OK);
    assert_int_equal(kiln_technique_get_pass(technique, 0, &pass), KILN_OK);
    kiln_pass_set_lighting_enabled(pass, false);
}

static void world_destroy(world *w) {
    kiln_material_release(w->white);
    kiln_root_destroy(w->root);
}

static kiln_scene_manager *new_scene(world *w) {
    kiln_scene_manager *scene = NULL;
    assert_int_equal(kiln_root_create_scene_manager(w->root, &scene), KILN_OK);
    return scene;
}

static kiln_camera *new_camera(kiln_scene_manager *scene, const char *name) {
    kiln_camera *camera = NULL;
    assert_int_equal(kiln_scene_manager_create_camera(scene, name, &camera), KILN_OK);
    return camera;
}

/* A white Rectangle2D at the given NDC corners, attached to the scene's root node;
 * the scene holds the only reference kept. */
static kiln_rectangle2d *add_rectangle(world *w, kiln_scene_manager *scene, float left, float top,
                                       float right, float bottom) {
    kiln_rectangle2d *rect = NULL;
    assert_int_equal(kiln_rectangle2d_create(false, &rect), KILN_OK);
    kiln_rectangle2d_set_corners(rect, left, top, right, bottom);
    kiln_rectangle2d_set_material(rect, w->white);
    assert_int_equal(kiln_scene_node_attach_object(kiln_scene_manager_get_root_scene_node(scene),
                                                   kiln_rectangle2d_as_movable_object(rect)),
                     KILN_OK);
    kiln_rectangle2d_release(rect);
    return rect;
}

static kiln_render_target *new_target(world *w, const char *name, uint32_t width, uint32_t height) {
    kiln_render_target *target = NULL;
    assert_int_equal(kiln_root_create_render_texture(w->root, name, width, height, NULL, &target),
                     KILN_OK);
    return target;
}

static kiln_viewport *add_viewport(kiln_render_target *target, kiln_camera *camera,
                                   kiln_viewport_desc desc, kiln_colour background) {
    kiln_viewport *vp = NULL;
    assert_int_equal(kiln_render_target_add_viewport(target, camera, &desc, &vp), KILN_OK);
    kiln_viewport_set_background_colour(vp, &background);
    return vp;
}

/* A read back into a new tightly packed box of the target's size. */
typedef struct readback {
    kiln_stream *stream;
    kiln_pixelbox *box;
    uint32_t width;
} readback;

static readback readback_create(uint32_t width, uint32_t height, kiln_pixel_format format) {
    readback r = {NULL, NULL, width};
    assert_int_equal(kiln_pixelbox_create(width, height, 1, format, NULL, &r.box), KILN_OK);
    r.stream = kiln_pixelbox_get_storage(r.box);
    return r;
}

static void readback_destroy(readback *r) { kiln_pixelbox_release(r->box); }

static const uint8_t *rgb_at(const readback *r, uint32_t x, uint32_t y) {
    return (const uint8_t *)kiln_pixelbox_get_data(r->box) + ((size_t)y * r->width + x) * 3;
}

static float float_at(const readback *r, uint32_t x, uint32_t y) {
    return ((const float *)kiln_pixelbox_get_data(r->box))[(size_t)y * r->width + x];
}

static uint16_t u16_at(const readback *r, uint32_t x, uint32_t y) {
    return ((const uint16_t *)kiln_pixelbox_get_data(r->box))[(size_t)y * r->width + x];
}

static void assert_rgb(const readback *r, uint32_t x, uint32_t y, uint8_t red, uint8_t green,
                       uint8_t blue) {
    const uint8_t *p = rgb_at(r, x, y);
    assert_int_equal(p[0], red);
    assert_int_equal(p[1], green);
    assert_int_equal(p[2], blue);
}

static readback read_colour(kiln_render_target *target) {
    readback r = readback_create(kiln_render_target_get_width(target),
                                 kiln_render_target_get_height(target), KILN_PF_BYTE_RGB);
    assert_int_equal(kiln_render_target_copy_contents_to_memory(target, NULL, r.box), KILN_OK);
    return r;
}

static readback read_depth(kiln_render_target *target, kiln_pixel_format format) {
    readback r = readback_create(kiln_render_target_get_width(target),
                                 kiln_render_target_get_height(target), format);
    assert_int_equal(kiln_render_target_copy_depth_to_memory(target, NULL, r.box), KILN_OK);
    return r;
}

static const kiln_colour GREY = {0.3f, 0.3f, 0.3f, 1};
static const kiln_colour BLUE = {0, 0, 1, 1};
static const kiln_colour GREEN = {0, 1, 0, 1};

/* ---- clear buffers ---- */

static void clear_buffers_default_to_colour_and_depth(void **state) {
    (void)state;
    world w;
    world_create(&w);
    kiln_scene_manager *scene = new_scene(&w);
    kiln_camera *camera = new_camera(scene, "c");
    kiln_render_target *target = new_target(&w, "t", 8, 8);
    kiln_viewport *vp = add_viewport(target, camera, (kiln_viewport_desc){0}, GREY);
    assert_int_equal(kiln_viewport_get_clear_buffers(vp), KILN_FBT_COLOUR | KILN_FBT_DEPTH);
    assert_int_equal(kiln_viewport_set_clear_buffers(vp, 0), KILN_OK);
    assert_int_equal(kiln_viewport_get_clear_buffers(vp), 0);
    /* There is no stencil buffer, but asking to clear it is harmless. */
    assert_int_equal(
        kiln_viewport_set_clear_buffers(vp, KILN_FBT_COLOUR | KILN_FBT_DEPTH | KILN_FBT_STENCIL),
        KILN_OK);
    assert_int_equal(kiln_viewport_set_clear_buffers(vp, 8), KILN_ERROR_INVALID_ARGUMENT);
    assert_non_null(strstr(kiln_last_error_message(), "0x8"));
    assert_int_equal(kiln_viewport_get_clear_buffers(vp),
                     KILN_FBT_COLOUR | KILN_FBT_DEPTH | KILN_FBT_STENCIL);
    assert_int_equal(kiln_viewport_set_clear_buffers(NULL, 0), KILN_ERROR_INVALID_ARGUMENT);
    kiln_camera_release(camera);
    world_destroy(&w);
}

static void each_frame_clears_only_the_chosen_buffers(void **state) {
    (void)state;
    world w;
    world_create(&w);
    kiln_scene_manager *scene = new_scene(&w);
    kiln_camera *camera = new_camera(scene, "c");
    /* The rectangle covers pixels [16, 48) of 64; Rectangle2D draws at depth 0. */
    kiln_rectangle2d *rect = add_rectangle(&w, scene, -0.5f, 0.5f, 0.5f, -0.5f);
    kiln_movable_object *rect_object = kiln_rectangle2d_as_movable_object(rect);
    kiln_render_target *target = new_target(&w, "t", 64, 64);
    kiln_viewport *vp = add_viewport(target, camera, (kiln_viewport_desc){0}, GREY);

    assert_int_equal(kiln_render_target_update(target), KILN_OK);
    readback c = read_colour(target), d = read_depth(target, KILN_PF_FLOAT32_R);
    assert_rgb(&c, 32, 32, 255, 255, 255);
    assert_rgb(&c, 2, 2, 76, 76, 76);
    assert_float_equal(float_at(&d, 32, 32), 0, 0);
    assert_float_equal(float_at(&d, 2, 2), 1, 0);
    readback_destroy(&c);
    readback_destroy(&d);

    /* Depth only: the old colours stay, the depth is back to 1. */
    kiln_movable_object_set_visible(rect_object, false);
    kiln_viewport_set_background_colour(vp, &BLUE);
    assert_int_equal(kiln_viewport_set_clear_buffers(vp, KILN_FBT_DEPTH), KILN_OK);
    assert_int_equal(kiln_render_target_update(target), KILN_OK);
    c = read_colour(target);
    d = read_depth(target, KILN_PF_FLOAT32_R);
    assert_rgb(&c, 32, 32, 255, 255, 255);
    assert_rgb(&c, 2, 2, 76, 76, 76);
    assert_float_equal(float_at(&d, 32, 32), 1, 0);
    readback_destroy(&c);
    readback_destroy(&d);

    /* Colour only: the background everywhere, the rectangle's depth stays. */
    kiln_movable_object_set_visible(rect_object, true);
    assert_int_equal(kiln_viewport_set_clear_buffers(vp, KILN_FBT_COLOUR | KILN_FBT_DEPTH),
                     KILN_OK);
    assert_int_equal(kiln_render_target_update(target), KILN_OK);
    kiln_movable_object_set_visible(rect_object, false);
    assert_int_equal(kiln_viewport_set_clear_buffers(vp, KILN_FBT_COLOUR), KILN_OK);
    assert_int_equal(kiln_render_target_update(target), KILN_OK);
    c = read_colour(target);
    d = read_depth(target, KILN_PF_FLOAT32_R);
    assert_rgb(&c, 32, 32, 0, 0, 255);
    assert_float_equal(float_at(&d, 32, 32), 0, 0);
    assert_float_equal(float_at(&d, 2, 2), 1, 0);
    readback_destroy(&c);
    readback_destroy(&d);

    /* Nothing: the frame leaves the target as it was. */
    kiln_viewport_set_background_colour(vp, &GREEN);
    assert_int_equal(kiln_viewport_set_clear_buffers(vp, 0), KILN_OK);
    assert_int_equal(kiln_render_target_update(target), KILN_OK);
    c = read_colour(target);
    assert_rgb(&c, 2, 2, 0, 0, 255);
    readback_destroy(&c);
    /* clear_every_frame off overrides the buffers too. */
    assert_int_equal(kiln_viewport_set_clear_buffers(vp, KILN_FBT_COLOUR), KILN_OK);
    kiln_viewport_set_clear_every_frame(vp, false);
    assert_int_equal(kiln_render_target_update(target), KILN_OK);
    c = read_colour(target);
    assert_rgb(&c, 2, 2, 0, 0, 255);
    readback_destroy(&c);
    kiln_viewport_set_clear_every_frame(vp, true);
    assert_int_equal(kiln_render_target_update(target), KILN_OK);
    c = read_colour(target);
    assert_rgb(&c, 2, 2, 0, 255, 0);
    readback_destroy(&c);

    kiln_camera_release(camera);
    world_destroy(&w);
}

/* ---- several viewports ---- */

static void viewports_draw_in_z_order_with_their_own_cameras(void **state) {
    (void)state;
    world w;
    world_create(&w);
    /* Three scenes: the main view with a large rectangle, an empty picture in
     * picture, and an overlay with a small rectangle in the top-right corner. */
    kiln_scene_manager *main_scene = new_scene(&w), *pip_scene = new_scene(&w),
                       *overlay_scene = new_scene(&w);
    add_rectangle(&w, main_scene, -0.8f, 0.8f, 0.8f, -0.8f);
    add_rectangle(&w, overlay_scene, 0.75f, 1.0f, 1.0f, 0.75f);
    kiln_camera *main_camera = new_camera(main_scene, "main");
    kiln_camera *pip_camera = new_camera(pip_scene, "pip");
    kiln_camera *overlay_camera = new_camera(overlay_scene, "overlay");
    kiln_render_target *target = new_target(&w, "t", 80, 60);
    /* Added out of order: z-order, not the order of creation, decides. */
    kiln_viewport *overlay =
        add_viewport(target, overlay_camera, (kiln_viewport_desc){.z_order = 2}, GREEN);
    assert_int_equal(kiln_viewport_set_clear_buffers(overlay, 0), KILN_OK);
    kiln_viewport *pip = add_viewport(
        target, pip_camera,
        (kiln_viewport_desc){.z_order = 1, .left = 0.5f, .top = 0, .width = 0.5f, .height = 0.25f},
        BLUE);
    kiln_viewport *main_vp =
        add_viewport(target, main_camera, (kiln_viewport_desc){.z_order = -1}, GREY);
    assert_int_equal(kiln_viewport_get_actual_left(pip), 40);
    assert_int_equal(kiln_viewport_get_actual_width(pip), 40);
    assert_int_equal(kiln_viewport_get_actual_height(pip), 15);
    kiln_viewport *first = NULL;
    assert_int_equal(kiln_render_target_get_viewport(target, 0, &first), KILN_OK);
    assert_ptr_equal(first, main_vp);
    assert_int_equal(kiln_render_target_get_viewport(target, 2, &first), KILN_OK);
    assert_ptr_equal(first, overlay);

    /* Every camera's aspect ratio follows its viewport, even when changed by hand. */
    assert_int_equal(kiln_camera_set_aspect_ratio(pip_camera, 1), KILN_OK);
    assert_int_equal(kiln_root_render_one_frame(w.root), KILN_OK);
    assert_float_equal(kiln_camera_get_aspect_ratio(main_camera), 80.0f / 60.0f, 1e-6);
    assert_float_equal(kiln_camera_get_aspect_ratio(pip_camera), 40.0f / 15.0f, 1e-6);
    /* ...unless auto aspect ratio is off. */
    kiln_camera_set_auto_aspect_ratio(pip_camera, false);
    assert_int_equal(kiln_camera_set_aspect_ratio(pip_camera, 1), KILN_OK);

    assert_int_equal(kiln_render_target_update(target), KILN_OK);
    assert_float_equal(kiln_camera_get_aspect_ratio(pip_camera), 1, 0);
    readback c = read_colour(target);
    /* The main view: background and its rectangle over [8, 72) x [6, 54). */
    assert_rgb(&c, 2, 58, 76, 76, 76);
    assert_rgb(&c, 30, 30, 255, 255, 255);
    assert_rgb(&c, 7, 30, 76, 76, 76);
    assert_rgb(&c, 8, 30, 255, 255, 255);
    /* The picture in picture, [40, 80) x [0, 15), over the main rectangle. */
    assert_rgb(&c, 50, 10, 0, 0, 255);
    assert_rgb(&c, 39, 10, 255, 255, 255);
    assert_rgb(&c, 50, 15, 255, 255, 255);
    /* The overlay clears nothing: only its rectangle, [70, 80) x [0, 7), shows. */
    assert_rgb(&c, 75, 3, 255, 255, 255);
    assert_rgb(&c, 75, 7, 0, 0, 255);
    assert_rgb(&c, 69, 3, 0, 0, 255);
    readback_destroy(&c);

    /* An overlay that clears its colour hides everything below it. */
    assert_int_equal(kiln_viewport_set_clear_buffers(overlay, KILN_FBT_COLOUR), KILN_OK);
    assert_int_equal(kiln_render_target_update(target), KILN_OK);
    c = read_colour(target);
    assert_rgb(&c, 30, 30, 0, 255, 0);
    assert_rgb(&c, 75, 3, 255, 255, 255);
    readback_destroy(&c);

    kiln_camera_release(main_camera);
    kiln_camera_release(pip_camera);
    kiln_camera_release(overlay_camera);
    world_destroy(&w);
}

/* ---- depth ---- */

/* A white square of half size `half` facing +Z at z = -distance, on a node of its
 * own. */
static kiln_scene_node *add_plane(kiln_scene_manager *scene, const char *name, float half,
                                  float distance) {
    kiln_manual_object *plane = NULL;
    assert_int_equal(kiln_scene_manager_create_manual_object(scene, name, &plane), KILN_OK);
    assert_int_equal(kiln_manual_object_begin(plane, "white", KILN_OT_TRIANGLE_LIST), KILN_OK);
    /* Anticlockwise seen from the camera, so not culled. */
    const float corners[4][2] = {{-1, -1}, {1, -1}, {1, 1}, {-1, 1}};
    for (int i = 0; i < 4; i++)
        assert_int_equal(kiln_manual_object_position(plane, corners[i][0] * half,
                                                     corners[i][1] * half, -distance),
                         KILN_OK);
    assert_int_equal(kiln_manual_object_quad(plane, 0, 1, 2, 3), KILN_OK);
    assert_int_equal(kiln_manual_object_end(plane), KILN_OK);
    kiln_scene_node *node = NULL;
    assert_int_equal(kiln_scene_node_create_child_scene_node(
                         kiln_scene_manager_get_root_scene_node(scene), &node),
                     KILN_OK);
    assert_int_equal(
        kiln_scene_node_attach_object(node, kiln_manual_object_as_movable_object(plane)), KILN_OK);
    kiln_manual_object_release(plane);
    return node;
}

/* The depth tests' scene: a plane of half size 1 at distance 5 ahead of camera `c`
 * (near 1, far 100), seen through a full viewport of a 64x48 target. The caller
 * releases *camera. */
static kiln_viewport *plane_ahead(world *w, kiln_scene_manager **scene, kiln_camera **camera,
                                  kiln_render_target **target) {
    *scene = new_scene(w);
    add_plane(*scene, "plane", 1, 5);
    *camera = new_camera(*scene, "c");
    assert_int_equal(kiln_camera_set_near_clip_distance(*camera, 1), KILN_OK);
    assert_int_equal(kiln_camera_set_far_clip_distance(*camera, 100), KILN_OK);
    *target = new_target(w, "t", 64, 48);
    return add_viewport(*target, *camera, (kiln_viewport_desc){0}, GREY);
}

static readback read_distance(kiln_viewport *vp, kiln_render_target *target) {
    readback r = readback_create(kiln_render_target_get_width(target),
                                 kiln_render_target_get_height(target), KILN_PF_FLOAT32_R);
    assert_int_equal(kiln_viewport_copy_view_distance_to_memory(vp, NULL, r.box), KILN_OK);
    return r;
}

static void assert_background(float distance) {
    assert_true(isinf(distance));
    assert_true(distance > 0);
}

static void depth_reads_back_window_depth_in_every_depth_format(void **state) {
    (void)state;
    world w;
    world_create(&w);
    /* A plane 5 ahead of a camera with near 1 and far 100 (pi/4 vertically: the
     * plane's half size 1 covers the middle 0.48 of the height). */
    kiln_scene_manager *scene = NULL;
    kiln_camera *camera = NULL;
    kiln_render_target *target = NULL;
    plane_ahead(&w, &scene, &camera, &target);
    assert_int_equal(kiln_render_target_update(target), KILN_OK);

    /* Window depth of a point 5 ahead: (ndc + 1) / 2 with
     * ndc = (f + n) / (f - n) - 2 f n / ((f - n) 5) = 101/99 - 200/495. */
    const float expected = 0.5f * (101.0f / 99.0f - 200.0f / 495.0f) + 0.5f;
    readback d = read_depth(target, KILN_PF_FLOAT32_R);
    assert_float_equal(float_at(&d, 32, 24), expected, 1e-6);
    assert_float_equal(float_at(&d, 40, 20), expected, 1e-6);
    assert_float_equal(float_at(&d, 1, 1), 1, 0);
    readback_destroy(&d);
    d = read_depth(target, KILN_PF_DEPTH32F);
    assert_float_equal(float_at(&d, 32, 24), expected, 1e-6);
    assert_float_equal(float_at(&d, 1, 1), 1, 0);
    readback_destroy(&d);
    d = read_depth(target, KILN_PF_DEPTH16);
    assert_int_equal(u16_at(&d, 32, 24), (uint16_t)lrintf(expected * 65535.0f));
    assert_int_equal(u16_at(&d, 1, 1), 65535);
    readback_destroy(&d);
    d = read_depth(target, KILN_PF_FLOAT16_R);
    assert_int_equal(u16_at(&d, 32, 24), kiln__float_to_half(expected));
    assert_float_equal(kiln__half_to_float(u16_at(&d, 32, 24)), expected, 5e-4);
    assert_int_equal(u16_at(&d, 1, 1), kiln__float_to_half(1.0f));
    readback_destroy(&d);

    /* A sub-box lands in the top-left of the destination. */
    readback part = readback_create(4, 4, KILN_PF_FLOAT32_R);
    kiln_box box = {30, 22, 0, 34, 26, 1};
    assert_int_equal(kiln_render_target_copy_depth_to_memory(target, &box, part.box), KILN_OK);
    assert_float_equal(float_at(&part, 0, 0), expected, 1e-6);
    assert_float_equal(float_at(&part, 3, 3), expected, 1e-6);
    readback_destroy(&part);

    kiln_camera_release(camera);
    world_destroy(&w);
}

static void view_distance_linearises_depth_with_the_viewport_camera(void **state) {
    (void)state;
    world w;
    world_create(&w);
    kiln_scene_manager *scene = NULL;
    kiln_camera *camera = NULL;
    kiln_render_target *target = NULL;
    kiln_viewport *vp = plane_ahead(&w, &scene, &camera, &target);

    /* Perspective: 5 everywhere on the plane, which faces the camera (the
     * distance along the view axis, not along the ray), +inf around it. */
    assert_int_equal(kiln_render_target_update(target), KILN_OK);
    readback d = read_distance(vp, target);
    assert_float_equal(float_at(&d, 32, 24), 5, 1e-3);
    assert_float_equal(float_at(&d, 38, 28), 5, 1e-3);
    assert_background(float_at(&d, 1, 1));
    assert_background(float_at(&d, 32, 2));
    readback_destroy(&d);

    /* An infinite far plane. */
    assert_int_equal(kiln_camera_set_far_clip_distance(camera, 0), KILN_OK);
    assert_int_equal(kiln_render_target_update(target), KILN_OK);
    d = read_distance(vp, target);
    assert_float_equal(float_at(&d, 32, 24), 5, 1e-3);
    assert_background(float_at(&d, 1, 1));
    readback_destroy(&d);

    /* Moved back by 3 on its node, the camera sees the plane 8 ahead. */
    kiln_scene_node *eye = NULL;
    assert_int_equal(kiln_scene_node_create_child_scene_node(
                         kiln_scene_manager_get_root_scene_node(scene), &eye),
                     KILN_OK);
    kiln_scene_node_set_position(eye, &(kiln_vector3){0, 0, 3});
    assert_int_equal(kiln_scene_node_attach_object(eye, kiln_camera_as_movable_object(camera)),
                     KILN_OK);
    assert_int_equal(kiln_camera_set_far_clip_distance(camera, 50), KILN_OK);
    assert_int_equal(kiln_render_target_update(target), KILN_OK);
    d = read_distance(vp, target);
    assert_float_equal(float_at(&d, 32, 24), 8, 1e-3);
    readback_destroy(&d);

    /* Orthographic depth is linear; finite and infinite far planes. */
    assert_int_equal(kiln_camera_set_projection_type(camera, KILN_PT_ORTHOGRAPHIC), KILN_OK);
    assert_int_equal(kiln_camera_set_ortho_window_height(camera, 4), KILN_OK);
    assert_int_equal(kiln_render_target_update(target), KILN_OK);
    d = read_distance(vp, target);
    assert_float_equal(float_at(&d, 32, 24), 8, 1e-3);
    /* The plane (height 2 of 4) covers the middle half of the rows. */
    assert_background(float_at(&d, 32, 11));
    assert_float_equal(float_at(&d, 32, 12), 8, 1e-3);
    readback_destroy(&d);
    /* With an infinite far plane an orthographic camera spends only 1e-5 / near of
     * window depth per unit of distance, so float32 depth resolves it to about 0.01
     * (as it would on a GPU). */
    assert_int_equal(kiln_camera_set_far_clip_distance(camera, 0), KILN_OK);
    assert_int_equal(kiln_render_target_update(target), KILN_OK);
    d = read_distance(vp, target);
    assert_float_equal(float_at(&d, 32, 24), 8, 1e-2);
    assert_background(float_at(&d, 1, 1));
    readback_destroy(&d);

    kiln_camera_release(camera);
    world_destroy(&w);
}

static void each_viewport_reads_distances_with_its_own_camera(void **state) {
    (void)state;
    world w;
    world_create(&w);
    kiln_scene_manager *scene = new_scene(&w);
    add_plane(scene, "plane", 20, 5);
    /* Left half: perspective, near 1, far 100; right half: a camera 2 further
     * back with other clip distances and an orthographic projection. */
    kiln_camera *left_camera = new_camera(scene, "left");
    assert_int_equal(kiln_camera_set_near_clip_distance(left_camera, 1), KILN_OK);
    assert_int_equal(kiln_camera_set_far_clip_distance(left_camera, 100), KILN_OK);
    kiln_camera *right_camera = new_camera(scene, "right");
    assert_int_equal(kiln_camera_set_near_clip_distance(right_camera, 0.5f), KILN_OK);
    assert_int_equal(kiln_camera_set_far_clip_distance(right_camera, 20), KILN_OK);
    assert_int_equal(kiln_camera_set_projection_type(right_camera, KILN_PT_ORTHOGRAPHIC), KILN_OK);
    assert_int_equal(kiln_camera_set_ortho_window_height(right_camera, 10), KILN_OK);
    kiln_scene_node *eye = NULL;
    assert_int_equal(kiln_scene_node_create_child_scene_node(
                         kiln_scene_manager_get_root_scene_node(scene), &eye),
                     KILN_OK);
    kiln_scene_node_translate(eye, &(kiln_vector3){0, 0, 2}, KILN_TS_WORLD);
    assert_int_equal(
        kiln_scene_node_attach_object(eye, kiln_camera_as_movable_object(right_camera)), KILN_OK);
    kiln_render_target *target = new_target(&w, "t", 64, 32);
    kiln_viewport *left =
        add_viewport(target, left_camera, (kiln_viewport_desc){.z_order = 0, .width = 0.5f}, GREY);
    kiln_viewport *right =
        add_viewport(target, right_camera, (kiln_viewport_desc){.z_order = 1, .left = 0.5f}, GREY);
    assert_int_equal(kiln_render_target_update(target), KILN_OK);

    readback d = readback_create(32, 32, KILN_PF_FLOAT32_R);
    assert_int_equal(kiln_viewport_copy_view_distance_to_memory(left, NULL, d.box), KILN_OK);
    assert_float_equal(float_at(&d, 16, 16), 5, 1e-3);
    assert_int_equal(kiln_viewport_copy_view_distance_to_memory(right, NULL, d.box), KILN_OK);
    assert_float_equal(float_at(&d, 16, 16), 7, 1e-3);
    assert_float_equal(float_at(&d, 0, 0), 7, 1e-3);
    /* A box inside the right viewport, in target coordinates. */
    kiln_box box = {40, 10, 0, 42, 12, 1};
    assert_int_equal(kiln_viewport_copy_view_distance_to_memory(right, &box, d.box), KILN_OK);
    assert_float_equal(float_at(&d, 1, 1), 7, 1e-3);
    /* ...which leaves the left one. */
    assert_int_equal(kiln_viewport_copy_view_distance_to_memory(left, &box, d.box),
                     KILN_ERROR_OUT_OF_RANGE);
    assert_non_null(strstr(kiln_last_error_message(), "viewport"));
    readback_destroy(&d);

    kiln_camera_release(left_camera);
    kiln_camera_release(right_camera);
    world_destroy(&w);
}

static void depth_read_backs_check_formats_and_boxes(void **state) {
    (void)state;
    world w;
    world_create(&w);
    kiln_scene_manager *scene = new_scene(&w);
    kiln_camera *camera = new_camera(scene, "c");
    kiln_render_target *target = new_target(&w, "t", 16, 8);
    kiln_viewport *vp =
        add_viewport(target, camera, (kiln_viewport_desc){.left = 0.5f, .top = 0.5f}, GREY);
    assert_int_equal(kiln_render_target_update(target), KILN_OK);

    /* Raw depth: one-channel float or depth formats only. */
    readback rgba = readback_create(16, 8, KILN_PF_BYTE_RGBA);
    readback rgb32 = readback_create(16, 8, KILN_PF_FLOAT32_RGB);
    readback l16 = readback_create(16, 8, KILN_PF_L16);
    assert_int_equal(kiln_render_target_copy_depth_to_memory(target, NULL, rgba.box),
                     KILN_ERROR_INVALID_ARGUMENT);
    assert_non_null(
        strstr(kiln_last_error_message(), kiln_pixel_format_get_name(KILN_PF_BYTE_RGBA)));
    assert_int_equal(kiln_render_target_copy_depth_to_memory(target, NULL, rgb32.box),
                     KILN_ERROR_INVALID_ARGUMENT);
    assert_int_equal(kiln_render_target_copy_depth_to_memory(target, NULL, l16.box),
                     KILN_ERROR_INVALID_ARGUMENT);
    assert_int_equal(kiln_render_target_copy_depth_to_memory(target, NULL, NULL),
                     KILN_ERROR_INVALID_ARGUMENT);
    assert_int_equal(kiln_render_target_copy_depth_to_memory(NULL, NULL, rgba.box),
                     KILN_ERROR_INVALID_ARGUMENT);
    /* Boxes as for colour: inside the target, not empty, one slice, and no larger
     * than the destination. */
    readback small = readback_create(4, 4, KILN_PF_FLOAT32_R);
    const kiln_box bad[] = {
        {0, 0, 0, 17, 4, 1}, /* leaves the target */
        {0, 0, 0, 4, 9, 1},  /* leaves the target */
        {3, 0, 0, 3, 4, 1},  /* empty */
        {0, 0, 0, 4, 4, 2},  /* two slices */
        {0, 0, 1, 4, 4, 2},  /* not the first slice */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(kiln_render_target_copy_depth_to_memory(target, &bad[i], small.box),
                         KILN_ERROR_OUT_OF_RANGE);
    assert_int_equal(kiln_render_target_copy_depth_to_memory(target, NULL, small.box),
                     KILN_ERROR_INVALID_ARGUMENT);
    assert_non_null(strstr(kiln_last_error_message(), "4x4x1"));
    kiln_box fits = {12, 4, 0, 16, 8, 1};
    assert_int_equal(kiln_render_target_copy_depth_to_memory(target, &fits, small.box), KILN_OK);
    assert_float_equal(float_at(&small, 3, 3), 1, 0);
    /* The colour read back still refuses depth formats. */
    readback depth16 = readback_create(16, 8, KILN_PF_DEPTH16);
    assert_int_equal(kiln_render_target_copy_contents_to_memory(target, NULL, depth16.box),
                     KILN_ERROR_INVALID_ARGUMENT);

    /* View distance: PF_FLOAT32_R only, boxes inside the viewport [8, 16) x [4, 8). */
    readback depth32f = readback_create(16, 8, KILN_PF_DEPTH32F);
    assert_int_equal(kiln_viewport_copy_view_distance_to_memory(vp, NULL, depth32f.box),
                     KILN_ERROR_INVALID_ARGUMENT);
    assert_non_null(strstr(kiln_last_error_message(), "PF_FLOAT32_R"));
    assert_int_equal(kiln_viewport_copy_view_distance_to_memory(vp, NULL, NULL),
                     KILN_ERROR_INVALID_ARGUMENT);
    kiln_box outside = {4, 4, 0, 12, 8, 1};
    assert_int_equal(kiln_viewport_copy_view_distance_to_memory(vp, &outside, small.box),
                     KILN_ERROR_OUT_OF_RANGE);
    kiln_box empty = {9, 5, 0, 9, 8, 1};
    assert_int_equal(kiln_viewport_copy_view_distance_to_memory(vp, &empty, small.box),
                     KILN_ERROR_OUT_OF_RANGE);
    readback tiny = readback_create(2, 2, KILN_PF_FLOAT32_R);
    assert_int_equal(kiln_viewport_copy_view_distance_to_memory(vp, NULL, tiny.box),
                     KILN_ERROR_INVALID_ARGUMENT);
    /* NULL means the whole viewport; nothing was drawn, so all of it is +inf. */
    readback whole = readback_create(8, 4, KILN_PF_FLOAT32_R);
    assert_int_equal(kiln_viewport_copy_view_distance_to_memory(vp, NULL, whole.box), KILN_OK);
    for (uint32_t y = 0; y < 4; y++)
        for (uint32_t x = 0; x < 8; x++)
            assert_background(float_at(&whole, x, y));

    readback *all[] = {&rgba, &rgb32, &l16, &small, &depth16, &depth32f, &tiny, &whole};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        readback_destroy(all[i]);
    kiln_camera_release(camera);
    world_destroy(&w);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(clear_buffers_default_to_colour_and_depth),
        cmocka_unit_test(each_frame_clears_only_the_chosen_buffers),
        cmocka_unit_test(viewports_draw_in_z_order_with_their_own_cameras),
        cmocka_unit_test(depth_reads_back_window_depth_in_every_depth_format),
        cmocka_unit_test(view_distance_linearises_depth_with_the_viewport_camera),
        cmocka_unit_test(each_viewport_reads_distances_with_its_own_camera),
        cmocka_unit_test(depth_read_backs_check_formats_and_boxes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
