/* Rendering through the public API: the NumPy tutorial's scene against the original
 * engine's output, determinism across thread counts, render targets, viewports and
 * read-back. */
#include <kiln/kiln.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

/* The tutorial's scene in a root of its own. */
typedef struct tutorial {
    kiln_root *root;
    kiln_scene_manager *scene;
    kiln_camera *camera;
    kiln_material *material;
    kiln_rectangle2d *rect;
    kiln_render_target *target;
    kiln_viewport *viewport;
} tutorial;

static void tutorial_create(tutorial *t, uint32_t threads, uint32_t width, uint32_t height) {
    memset(t, 0, sizeof *t);
    kiln_root_desc desc = {.num_threads = threads};
    assert_int_equal(kiln_root_create(&desc, &t->root), KILN_OK);
    kiln_stream *texels = NULL;
    assert_int_equal(kiln_stream_create_memory(256 * 256 * 3, &texels), KILN_OK);
    uint8_t *p = kiln_stream_get_pointer(texels);
    for (int y = 0; y < 256; y++)
        for (int x = 0; x < 256; x++)
            p[(y * 256 + x) * 3 + 1] = (uint8_t)x;
    kiln_image *image = NULL;
    assert_int_equal(kiln_image_create(&image), KILN_OK);
    assert_int_equal(kiln_image_load_dynamic_image(image, texels, 256, 256, KILN_PF_BYTE_RGB),
                     KILN_OK);
    assert_int_equal(kiln_texture_manager_load_image(kiln_root_get_texture_manager(t->root),
                                                     "gradient", "General", image, NULL),
                     KILN_OK);
    kiln_image_release(image);
    kiln_stream_release(texels);

    assert_int_equal(kiln_material_manager_create(kiln_root_get_material_manager(t->root),
                                                  "gradient", "General", &t->material),
                     KILN_OK);
    kiln_technique *technique = NULL;
    kiln_pass *pass = NULL;
    assert_int_equal(kiln_material_get_technique(t->material, 0, &technique), KILN_OK);
    assert_int_equal(kiln_technique_get_pass(technique, 0, &pass), KILN_OK);
    kiln_pass_set_lighting_enabled(pass, false);
    assert_int_equal(kiln_pass_create_texture_unit_state(pass, "gradient", NULL), KILN_OK);

    assert_int_equal(kiln_root_create_scene_manager(t->root, &t->scene), KILN_OK);
    assert_int_equal(kiln_rectangle2d_create(true, &t->rect), KILN_OK);
    kiln_rectangle2d_set_corners(t->rect, -0.5f, 0.5f, 0.5f, -0.5f);
    kiln_rectangle2d_set_material(t->rect, t->material);
    assert_int_equal(kiln_scene_node_attach_object(kiln_scene_manager_get_root_scene_node(t->scene),
                                                   kiln_rectangle2d_as_movable_object(t->rect)),
                     KILN_OK);
    assert_int_equal(kiln_scene_manager_create_camera(t->scene, "camera", &t->camera), KILN_OK);
    assert_int_equal(
        kiln_root_create_render_texture(t->root, "target", width, height, NULL, &t->target),
        KILN_OK);
    assert_int_equal(kiln_render_target_add_viewport(t->target, t->camera, NULL, &t->viewport),
                     KILN_OK);
    kiln_colour grey = {0.3f, 0.3f, 0.3f, 1.0f};
    kiln_viewport_set_background_colour(t->viewport, &grey);
}

static void tutorial_destroy(tutorial *t) {
    kiln_rectangle2d_release(t->rect);
    kiln_material_release(t->material);
    kiln_camera_release(t->camera);
    kiln_root_destroy(t->root);
}

/* The target's pixels as tightly packed 8-bit RGB; free() them. */
static uint8_t *read_rgb(kiln_render_target *target) {
    uint32_t w = kiln_render_target_get_width(target), h = kiln_render_target_get_height(target);
    kiln_stream *stream = NULL;
    assert_int_equal(kiln_stream_create_memory((size_t)w * h * 3, &stream), KILN_OK);
    kiln_pixelbox *box = NULL;
    assert_int_equal(kiln_pixelbox_create(w, h, 1, KILN_PF_BYTE_RGB, stream, &box), KILN_OK);
    kiln_box all = {0, 0, 0, w, h, 1};
    assert_int_equal(kiln_render_target_copy_contents_to_memory(target, &all, box), KILN_OK);
    uint8_t *copy = malloc((size_t)w * h * 3);
    assert_non_null(copy);
    memcpy(copy, kiln_stream_get_pointer(stream), (size_t)w * h * 3);
    kiln_pixelbox_release(box);
    kiln_stream_release(stream);
    return copy;
}

static void the_tutorial_scene_matches_the_original_engine(void **state) {
    (void)state;
    tutorial t;
    tutorial_create(&t, 0, 640, 480);
    assert_int_equal(kiln_root_render_one_frame(t.root), KILN_OK);
    assert_int_equal(kiln_render_target_get_frame_count(t.target), 1);
    uint8_t *ours = read_rgb(t.target);

    kiln_image *reference = NULL;
    assert_int_equal(kiln_image_create(&reference), KILN_OK);
    assert_int_equal(kiln_image_load(reference, KILN_TEST_DATA_DIR "/seed_640x480.png"), KILN_OK);
    assert_int_equal(kiln_image_get_width(reference), 640);
    assert_int_equal(kiln_image_get_height(reference), 480);
    assert_int_equal(kiln_image_get_format(reference), KILN_PF_BYTE_RGB);
    const uint8_t *ref = kiln_stream_get_pointer(kiln_image_get_stream(reference));

    /* The acceptance tolerance: mean absolute difference <= 1 and >= 99.5% of the
     * pixels within 3 in every channel. */
    size_t pixels = 640 * 480, close = 0;
    double total = 0;
    for (size_t i = 0; i < pixels; i++) {
        int worst = 0;
        for (int c = 0; c < 3; c++) {
            int d = abs((int)ours[i * 3 + c] - (int)ref[i * 3 + c]);
            total += d;
            worst = d > worst ? d : worst;
        }
        close += worst <= 3;
    }
    double mean = total / (double)(pixels * 3);
    double fraction = (double)close / (double)pixels;
    printf("mean absolute difference %.4f, %.4f%% of pixels within 3\n", mean, fraction * 100);
    assert_true(mean <= 1.0);
    assert_true(fraction >= 0.995);

    /* The landmarks the reference shows: background 76, the wrapped first column. */
    assert_int_equal(ours[0], 76);
    size_t row = 240 * 640;
    assert_int_equal(ours[(row + 159) * 3 + 1], 76);
    assert_int_equal(ours[(row + 160) * 3 + 0], 0);
    assert_int_equal(ours[(row + 160) * 3 + 1], 26);
    assert_int_equal(ours[(row + 479) * 3 + 1], 229);
    assert_int_equal(ours[(row + 480) * 3 + 1], 76);
    kiln_image_release(reference);
    free(ours);
    tutorial_destroy(&t);
}

static void output_is_identical_for_any_number_of_threads(void **state) {
    (void)state;
    uint8_t *first = NULL;
    for (uint32_t threads = 1; threads <= 3; threads++) {
        tutorial t;
        tutorial_create(&t, threads, 333, 201);
        assert_int_equal(kiln_root_get_num_threads(t.root), threads);
        assert_int_equal(kiln_root_render_one_frame(t.root), KILN_OK);
        uint8_t *pixels = read_rgb(t.target);
        if (!first)
            first = pixels;
        else {
            assert_memory_equal(first, pixels, 333 * 201 * 3);
            free(pixels);
        }
        tutorial_destroy(&t);
    }
    free(first);
}

static void a_sub_box_reads_into_a_larger_destination(void **state) {
    (void)state;
    tutorial t;
    tutorial_create(&t, 1, 64, 64);
    assert_int_equal(kiln_root_render_one_frame(t.root), KILN_OK);
    /* Rows 20..21, columns 14..17: the rectangle covers [16, 48) in both directions. */
    kiln_box src = {14, 20, 0, 18, 22, 1};
    kiln_stream *stream = NULL;
    assert_int_equal(kiln_stream_create_memory(8 * 4 * 4, &stream), KILN_OK);
    kiln_pixelbox *dst = NULL;
    assert_int_equal(kiln_pixelbox_create(8, 4, 1, KILN_PF_BYTE_RGBA, stream, &dst), KILN_OK);
    assert_int_equal(kiln_render_target_copy_contents_to_memory(t.target, &src, dst), KILN_OK);
    const uint8_t *p = kiln_stream_get_pointer(stream);
    assert_int_equal(p[0], 76);               /* (14, 20): background */
    assert_int_equal(p[3], 255);              /* opaque */
    assert_int_equal(p[2 * 4 + 0], 0);        /* (16, 20): the rectangle, red 0 */
    assert_int_equal(p[4 * 4 + 0], 0);        /* beyond the box: untouched */
    assert_int_equal(p[(8 + 1) * 4 + 1], 76); /* (15, 21) */
    kiln_pixelbox_release(dst);
    kiln_stream_release(stream);
    tutorial_destroy(&t);
}

static void copy_contents_to_memory_checks_its_boxes(void **state) {
    (void)state;
    tutorial t;
    tutorial_create(&t, 1, 32, 16);
    kiln_stream *stream = NULL;
    assert_int_equal(kiln_stream_create_memory(32 * 16 * 4, &stream), KILN_OK);
    kiln_pixelbox *small = NULL, *depth = NULL;
    assert_int_equal(kiln_pixelbox_create(16, 16, 1, KILN_PF_BYTE_RGB, stream, &small), KILN_OK);
    assert_int_equal(kiln_pixelbox_create(32, 16, 1, KILN_PF_DEPTH32F, stream, &depth), KILN_OK);

    kiln_box all = {0, 0, 0, 32, 16, 1};
    assert_int_equal(kiln_render_target_copy_contents_to_memory(t.target, &all, small),
                     KILN_ERROR_INVALID_ARGUMENT);
    assert_non_null(strstr(kiln_last_error_message(), "16x16"));
    assert_non_null(strstr(kiln_last_error_message(), "32x16"));
    kiln_box outside = {0, 0, 0, 33, 16, 1};
    assert_int_equal(kiln_render_target_copy_contents_to_memory(t.target, &outside, small),
                     KILN_ERROR_OUT_OF_RANGE);
    kiln_box empty = {4, 4, 0, 4, 8, 1};
    assert_int_equal(kiln_render_target_copy_contents_to_memory(t.target, &empty, small),
                     KILN_ERROR_OUT_OF_RANGE);
    assert_int_equal(kiln_render_target_copy_contents_to_memory(t.target, &all, depth),
                     KILN_ERROR_INVALID_ARGUMENT);
    assert_non_null(strstr(kiln_last_error_message(), "depth"));
    assert_int_equal(kiln_render_target_copy_contents_to_memory(t.target, &all, NULL),
                     KILN_ERROR_INVALID_ARGUMENT);
    kiln_box part = {0, 0, 0, 16, 16, 1};
    assert_int_equal(kiln_render_target_copy_contents_to_memory(t.target, &part, small), KILN_OK);
    kiln_pixelbox_release(small);
    kiln_pixelbox_release(depth);
    kiln_stream_release(stream);
    tutorial_destroy(&t);
}

static void render_targets_refuse_bad_sizes_formats_and_names(void **state) {
    (void)state;
    kiln_root *root = NULL;
    assert_int_equal(kiln_root_create(NULL, &root), KILN_OK);
    assert_string_equal(kiln_root_get_render_system_name(root), "Software Rasterizer");
    kiln_render_target *t = NULL;
    assert_int_equal(kiln_root_create_render_texture(root, "a", 0, 10, NULL, &t),
                     KILN_ERROR_INVALID_ARGUMENT);
    assert_int_equal(kiln_root_create_render_texture(root, "a", 16385, 10, NULL, &t),
                     KILN_ERROR_INVALID_ARGUMENT);
    assert_non_null(strstr(kiln_last_error_message(), "16385x10"));
    kiln_render_texture_desc depth = {.format = KILN_PF_DEPTH16};
    assert_int_equal(kiln_root_create_render_texture(root, "a", 8, 8, &depth, &t),
                     KILN_ERROR_INVALID_ARGUMENT);
    assert_int_equal(kiln_root_create_render_texture(root, "a", 8, 8, NULL, &t), KILN_OK);
    assert_int_equal(kiln_render_target_get_format(t), KILN_PF_BYTE_RGBA);
    assert_string_equal(kiln_render_target_get_name(t), "a");
    kiln_render_target *again = NULL;
    assert_int_equal(kiln_root_create_render_texture(root, "a", 8, 8, NULL, &again),
                     KILN_ERROR_INVALID_ARGUMENT);
    assert_int_equal(kiln_root_get_render_target(root, "a", &again), KILN_OK);
    assert_ptr_equal(again, t);
    assert_int_equal(kiln_root_get_render_target(root, "b", &again), KILN_ERROR_NOT_FOUND);
    kiln_root_destroy(root);
}

static void viewports_need_free_z_orders_and_cameras_of_the_same_root(void **state) {
    (void)state;
    tutorial a, b;
    tutorial_create(&a, 1, 40, 20);
    tutorial_create(&b, 1, 40, 20);
    assert_int_equal(kiln_render_target_add_viewport(a.target, a.camera, NULL, NULL),
                     KILN_ERROR_INVALID_ARGUMENT);
    assert_non_null(strstr(kiln_last_error_message(), "z-order 0"));
    kiln_viewport_desc desc = {.z_order = 1};
    assert_int_equal(kiln_render_target_add_viewport(a.target, b.camera, &desc, NULL),
                     KILN_ERROR_INVALID_ARGUMENT);
    assert_non_null(strstr(kiln_last_error_message(), "another root"));
    desc = (kiln_viewport_desc){.z_order = 1, .left = 0.5f, .top = 0.9f, .width = 0.6f};
    assert_int_equal(kiln_render_target_add_viewport(a.target, a.camera, &desc, NULL),
                     KILN_ERROR_INVALID_ARGUMENT);
    /* Smaller than a pixel of the 40x20 target: 0.02 x 20 is 0.4 of a row. */
    desc = (kiln_viewport_desc){.z_order = 1, .width = 0.5f, .height = 0.02f};
    assert_int_equal(kiln_render_target_add_viewport(a.target, a.camera, &desc, NULL),
                     KILN_ERROR_INVALID_ARGUMENT);
    assert_non_null(strstr(kiln_last_error_message(), "cover 20x0 pixels"));
    desc = (kiln_viewport_desc){.z_order = 1, .width = 0.03f, .height = 0.06f};
    kiln_viewport *tiny = NULL;
    assert_int_equal(kiln_render_target_add_viewport(a.target, a.camera, &desc, &tiny), KILN_OK);
    assert_int_equal(kiln_viewport_get_actual_width(tiny), 1);
    assert_int_equal(kiln_viewport_get_actual_height(tiny), 1);
    assert_int_equal(kiln_render_target_update(a.target), KILN_OK);
    /* The viewport set the camera's aspect ratio from its size. */
    desc = (kiln_viewport_desc){.z_order = 2};
    assert_int_equal(kiln_render_target_add_viewport(a.target, a.camera, &desc, NULL), KILN_OK);
    assert_true(kiln_camera_get_auto_aspect_ratio(a.camera));
    assert_float_equal(kiln_camera_get_aspect_ratio(a.camera), 2.0f, 1e-6);
    assert_int_equal(kiln_viewport_get_actual_width(a.viewport), 40);
    assert_int_equal(kiln_viewport_get_actual_height(a.viewport), 20);
    assert_int_equal(kiln_render_target_get_num_viewports(a.target), 3);
    tutorial_destroy(&a);
    tutorial_destroy(&b);
}

static void a_second_viewport_draws_over_the_first(void **state) {
    (void)state;
    tutorial t;
    tutorial_create(&t, 2, 100, 100);
    kiln_viewport *corner = NULL;
    kiln_viewport_desc desc = {.z_order = 5, .left = 0.5f, .top = 0.5f};
    assert_int_equal(kiln_render_target_add_viewport(t.target, t.camera, &desc, &corner), KILN_OK);
    kiln_colour red = {1, 0, 0, 1};
    kiln_viewport_set_background_colour(corner, &red);
    assert_int_equal(kiln_viewport_get_actual_left(corner), 50);
    assert_int_equal(kiln_render_target_get_num_viewports(t.target), 2);
    assert_int_equal(kiln_render_target_update(t.target), KILN_OK);
    uint8_t *p = read_rgb(t.target);
    assert_int_equal(p[(10 * 100 + 10) * 3], 76);  /* first viewport's background */
    assert_int_equal(p[(51 * 100 + 51) * 3], 255); /* second viewport's background */
    /* The second viewport's rectangle covers [62, 87) in both directions. */
    assert_int_equal(p[(70 * 100 + 62) * 3 + 0], 0);
    assert_int_equal(p[(70 * 100 + 61) * 3 + 0], 255);
    free(p);
    tutorial_destroy(&t);
}

/* A target over memory of the caller's: every frame lands in it, also where the caller
 * wrote over a background the engine would otherwise not store again; the target's own
 * PixelBox is that memory. */
static void a_target_renders_into_the_callers_memory(void **state) {
    (void)state;
    enum { W = 70, H = 50 };
    static uint8_t memory[W * H * 3];
    kiln_root *root = NULL;
    assert_int_equal(kiln_root_create(NULL, &root), KILN_OK);
    kiln_stream *stream = NULL;
    assert_int_equal(kiln_stream_wrap_memory(memory, sizeof memory, false, NULL, NULL, &stream),
                     KILN_OK);
    kiln_render_texture_desc desc = {.format = KILN_PF_BYTE_RGB, .storage = stream};
    kiln_render_target *target = NULL;
    assert_int_equal(kiln_root_create_render_texture(root, "mine", W, H, &desc, &target), KILN_OK);
    kiln_scene_manager *scene = NULL;
    kiln_camera *camera = NULL;
    assert_int_equal(kiln_root_create_scene_manager(root, &scene), KILN_OK);
    assert_int_equal(kiln_scene_manager_create_camera(scene, "cam", &camera), KILN_OK);
    kiln_viewport *vp = NULL;
    assert_int_equal(kiln_render_target_add_viewport(target, camera, NULL, &vp), KILN_OK);
    kiln_colour grey = {0.2f, 0.4f, 0.6f, 1};
    kiln_viewport_set_background_colour(vp, &grey);
    for (int frame = 0; frame < 3; frame++) {
        memset(memory, 7, sizeof memory);
        assert_int_equal(kiln_render_target_update(target), KILN_OK);
        for (size_t i = 0; i < sizeof memory; i += 3) {
            assert_int_equal(memory[i], 51);
            assert_int_equal(memory[i + 1], 102);
            assert_int_equal(memory[i + 2], 153);
        }
    }
    kiln_pixelbox *box = NULL;
    assert_int_equal(kiln_render_target_get_pixel_box(target, &box), KILN_OK);
    assert_ptr_equal(kiln_pixelbox_get_data(box), memory);
    assert_int_equal(kiln_pixelbox_get_format(box), KILN_PF_BYTE_RGB);
    assert_int_equal(kiln_pixelbox_get_width(box), W);
    /* Too small, or read-only, memory is refused. */
    kiln_stream *small = NULL, *frozen = NULL;
    assert_int_equal(kiln_stream_wrap_memory(memory, sizeof memory - 1, false, NULL, NULL, &small),
                     KILN_OK);
    assert_int_equal(kiln_stream_wrap_memory(memory, sizeof memory, true, NULL, NULL, &frozen),
                     KILN_OK);
    kiln_render_target *bad = NULL;
    desc.storage = small;
    assert_int_equal(kiln_root_create_render_texture(root, "small", W, H, &desc, &bad),
                     KILN_ERROR_INVALID_ARGUMENT);
    assert_non_null(strstr(kiln_last_error_message(), "needs 10500 bytes"));
    desc.storage = frozen;
    assert_int_equal(kiln_root_create_render_texture(root, "frozen", W, H, &desc, &bad),
                     KILN_ERROR_INVALID_ARGUMENT);
    assert_non_null(strstr(kiln_last_error_message(), "read-only"));
    kiln_stream_release(small);
    kiln_stream_release(frozen);
    kiln_camera_release(camera);
    kiln_root_destroy(root);
    /* The box keeps the memory's stream alive after the root. */
    assert_ptr_equal(kiln_pixelbox_get_data(box), memory);
    kiln_pixelbox_release(box);
    kiln_stream_release(stream);
}

/* FSAA 4: a pixel whose samples an edge splits two and two is the mean of the
 * rectangle's colour and the background's; its depth is the pixel centre's, as
 * without multisampling; sample counts other than 0, 1, 2, 4 and 8 are refused. */
static void fsaa_resolves_coverage_and_keeps_depth_exact(void **state) {
    (void)state;
    enum { W = 48, H = 32 };
    tutorial t;
    tutorial_create(&t, 2, W, H);
    kiln_material *white = NULL;
    assert_int_equal(kiln_material_manager_create(kiln_root_get_material_manager(t.root), "white",
                                                  "General", &white),
                     KILN_OK);
    kiln_technique *technique = NULL;
    kiln_pass *pass = NULL;
    assert_int_equal(kiln_material_get_technique(white, 0, &technique), KILN_OK);
    assert_int_equal(kiln_technique_get_pass(technique, 0, &pass), KILN_OK);
    kiln_pass_set_lighting_enabled(pass, false);
    kiln_rectangle2d_set_material(t.rect, white);
    /* The left edge at x = 12.5 pixels, the others on pixel edges. */
    kiln_rectangle2d_set_corners(t.rect, 12.5f / 24.0f - 1.0f, 0.5f, 0.5f, -0.5f);
    kiln_render_texture_desc desc = {.format = KILN_PF_BYTE_RGB, .fsaa = 4};
    kiln_render_target *aa = NULL;
    assert_int_equal(kiln_root_create_render_texture(t.root, "aa", W, H, &desc, &aa), KILN_OK);
    assert_int_equal(kiln_render_target_get_fsaa(aa), 4);
    assert_int_equal(kiln_render_target_get_fsaa(t.target), 1);
    kiln_viewport *vp = NULL;
    assert_int_equal(kiln_render_target_add_viewport(aa, t.camera, NULL, &vp), KILN_OK);
    kiln_colour grey = {0.3f, 0.3f, 0.3f, 1.0f};
    kiln_viewport_set_background_colour(vp, &grey);
    assert_int_equal(kiln_root_render_one_frame(t.root), KILN_OK);
    uint8_t *plain = read_rgb(t.target), *smooth = read_rgb(aa);
    for (int y = H / 4; y < 3 * H / 4; y++) {
        /* Samples at x = 6, 14, 2 and 10 sixteenths: 14 and 10 lie right of the edge. */
        assert_int_equal(smooth[(y * W + 12) * 3], (255 * 2 + 76 * 2 + 2) / 4);
        assert_int_equal(plain[(y * W + 12) * 3], 255); /* the centre is on the edge: in */
        assert_int_equal(smooth[(y * W + 11) * 3], 76);
        assert_int_equal(smooth[(y * W + 13) * 3], 255);
    }
    free(plain);
    free(smooth);
    float depth_plain[W * H], depth_smooth[W * H];
    kiln_render_target *targets[2] = {t.target, aa};
    float *depths[2] = {depth_plain, depth_smooth};
    for (int k = 0; k < 2; k++) {
        kiln_stream *stream = NULL;
        assert_int_equal(kiln_stream_create_memory(sizeof depth_plain, &stream), KILN_OK);
        kiln_pixelbox *box = NULL;
        assert_int_equal(kiln_pixelbox_create(W, H, 1, KILN_PF_FLOAT32_R, stream, &box), KILN_OK);
        kiln_box all = {0, 0, 0, W, H, 1};
        assert_int_equal(kiln_render_target_copy_depth_to_memory(targets[k], &all, box), KILN_OK);
        memcpy(depths[k], kiln_stream_get_pointer(stream), sizeof depth_plain);
        kiln_pixelbox_release(box);
        kiln_stream_release(stream);
    }
    assert_memory_equal(depth_plain, depth_smooth, sizeof depth_plain);
    kiln_render_target *bad = NULL;
    for (uint32_t n = 3; n <= 16; n += 13) {
        desc.fsaa = n;
        assert_int_equal(kiln_root_create_render_texture(t.root, "bad", W, H, &desc, &bad),
                         KILN_ERROR_INVALID_ARGUMENT);
        assert_non_null(strstr(kiln_last_error_message(), "is not one of 0 or 1"));
    }
    kiln_material_release(white);
    tutorial_destroy(&t);
}

static void write_contents_to_file_writes_a_png(void **state) {
    (void)state;
    tutorial t;
    tutorial_create(&t, 1, 48, 32);
    assert_int_equal(kiln_root_render_one_frame(t.root), KILN_OK);
    char dir[] = "/tmp/kiln_test_render_XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[64];
    snprintf(path, sizeof path, "%s/frame.png", dir);
    assert_int_equal(kiln_render_target_write_contents_to_file(t.target, path), KILN_OK);
    kiln_image *image = NULL;
    assert_int_equal(kiln_image_create(&image), KILN_OK);
    assert_int_equal(kiln_image_load(image, path), KILN_OK);
    /* The default target format has alpha, so the file does too. */
    assert_int_equal(kiln_image_get_format(image), KILN_PF_BYTE_RGBA);
    assert_int_equal(kiln_image_get_width(image), 48);
    const uint8_t *p = kiln_stream_get_pointer(kiln_image_get_stream(image));
    uint8_t *rgb = read_rgb(t.target);
    for (size_t i = 0; i < 48 * 32; i++) {
        assert_memory_equal(p + i * 4, rgb + i * 3, 3);
        assert_int_equal(p[i * 4 + 3], 255);
    }
    free(rgb);
    kiln_image_release(image);
    remove(path);
    remove(dir);
    assert_int_not_equal(
        kiln_render_target_write_contents_to_file(t.target, "/nonexistent/dir/x.png"), KILN_OK);
    tutorial_destroy(&t);
}

static void hidden_objects_and_missing_materials_draw_nothing(void **state) {
    (void)state;
    tutorial t;
    tutorial_create(&t, 1, 16, 16);
    kiln_movable_object_set_visible(kiln_rectangle2d_as_movable_object(t.rect), false);
    assert_int_equal(kiln_root_render_one_frame(t.root), KILN_OK);
    uint8_t *p = read_rgb(t.target);
    assert_int_equal(p[(8 * 16 + 8) * 3 + 1], 76);
    free(p);
    kiln_movable_object_set_visible(kiln_rectangle2d_as_movable_object(t.rect), true);
    kiln_rectangle2d_set_material(t.rect, NULL);
    assert_int_equal(kiln_root_render_one_frame(t.root), KILN_OK);
    p = read_rgb(t.target);
    assert_int_equal(p[(8 * 16 + 8) * 3 + 1], 76);
    free(p);
    tutorial_destroy(&t);
}

static void a_destroyed_target_frees_its_name_and_keeps_memory_handed_out(void **state) {
    (void)state;
    tutorial t;
    tutorial_create(&t, 1, 32, 24);
    assert_int_equal(kiln_render_target_update(t.target), KILN_OK);
    /* A view of its colour buffer, taken before. */
    kiln_pixelbox *colour = NULL;
    assert_int_equal(kiln_render_target_get_pixel_box(t.target, &colour), KILN_OK);
    kiln_render_target *second = NULL;
    assert_int_equal(kiln_root_create_render_texture(t.root, "second", 8, 8, NULL, &second),
                     KILN_OK);
    assert_int_equal(kiln_root_destroy_render_target(t.root, t.target), KILN_OK);
    kiln_render_target *found = NULL;
    assert_int_equal(kiln_root_get_render_target(t.root, "target", &found), KILN_ERROR_NOT_FOUND);
    assert_int_equal(kiln_root_get_render_target(t.root, "second", &found), KILN_OK);
    assert_ptr_equal(found, second);
    /* The frame is still there: the background around the rectangle. */
    const uint8_t *pixels = kiln_pixelbox_get_data(colour);
    assert_int_equal(pixels[0], 76);
    kiln_pixelbox_release(colour);
    /* The name is free, and the camera of the destroyed viewport is the scene's still. */
    assert_int_equal(kiln_root_create_render_texture(t.root, "target", 8, 8, NULL, &t.target),
                     KILN_OK);
    assert_int_equal(kiln_render_target_add_viewport(t.target, t.camera, NULL, &t.viewport),
                     KILN_OK);
    assert_int_equal(kiln_root_render_one_frame(t.root), KILN_OK);
    /* A target of another root, or none. */
    kiln_root *other = NULL;
    kiln_root_desc desc = {.num_threads = 1};
    assert_int_equal(kiln_root_create(&desc, &other), KILN_OK);
    assert_int_equal(kiln_root_destroy_render_target(other, second), KILN_ERROR_INVALID_ARGUMENT);
    assert_int_equal(kiln_root_destroy_render_target(other, NULL), KILN_ERROR_INVALID_ARGUMENT);
    kiln_root_destroy(other);
    assert_int_equal(kiln_root_destroy_render_target(t.root, second), KILN_OK);
    tutorial_destroy(&t);
}

static void extra_buffers_record_ids_and_normals(void **state) {
    (void)state;
    tutorial t;
    tutorial_create(&t, 2, 40, 30);
    kiln_movable_object *rect = kiln_rectangle2d_as_movable_object(t.rect);
    kiln_movable_object_set_instance_id(rect, 0xA1B2C3D4u);
    kiln_movable_object_set_class_id(rect, 7);
    kiln_pixelbox *box = NULL;
    assert_int_equal(kiln_render_target_get_extra_buffer(t.target, KILN_BUFFER_INSTANCE_ID, &box),
                     KILN_ERROR_INVALID_STATE);
    assert_int_equal(kiln_render_target_set_extra_buffers(t.target, 8),
                     KILN_ERROR_INVALID_ARGUMENT);
    assert_int_equal(kiln_render_target_set_extra_buffers(t.target, KILN_BUFFER_INSTANCE_ID |
                                                                        KILN_BUFFER_CLASS_ID |
                                                                        KILN_BUFFER_NORMAL),
                     KILN_OK);
    assert_int_equal(kiln_render_target_get_extra_buffer(t.target, KILN_BUFFER_CLASS_ID, &box),
                     KILN_ERROR_INVALID_STATE); /* not rendered yet */
    assert_int_equal(kiln_render_target_update(t.target), KILN_OK);
    /* The rectangle covers the middle: its ids there, 0 in the corner. */
    const uint32_t ids[2] = {0xA1B2C3D4u, 7};
    const kiln_buffer_type kinds[2] = {KILN_BUFFER_INSTANCE_ID, KILN_BUFFER_CLASS_ID};
    for (int k = 0; k < 2; k++) {
        assert_int_equal(kiln_render_target_get_extra_buffer(t.target, kinds[k], &box), KILN_OK);
        assert_int_equal(kiln_pixelbox_get_format(box), KILN_PF_BYTE_RGBA);
        const uint8_t *p = kiln_pixelbox_get_data(box);
        size_t pitch = kiln_pixelbox_get_row_pitch(box) * 4;
        const uint8_t *centre = p + 15 * pitch + 20 * 4, *corner = p;
        uint32_t id = (uint32_t)centre[0] | (uint32_t)centre[1] << 8 | (uint32_t)centre[2] << 16 |
                      (uint32_t)centre[3] << 24;
        assert_int_equal(id, ids[k]);
        assert_int_equal(corner[0] | corner[1] | corner[2] | corner[3], 0);
        kiln_pixelbox_release(box);
    }
    /* A Rectangle2D faces the camera: normal (0, 0, 1), stored as (n + 1) / 2. */
    assert_int_equal(kiln_render_target_get_extra_buffer(t.target, KILN_BUFFER_NORMAL, &box),
                     KILN_OK);
    assert_int_equal(kiln_pixelbox_get_format(box), KILN_PF_FLOAT32_RGBA);
    const float *n = (const float *)kiln_pixelbox_get_data(box) +
                     (15 * kiln_pixelbox_get_row_pitch(box) + 20) * 4;
    assert_float_equal(n[0], 0.5f, 1e-6);
    assert_float_equal(n[2], 1.0f, 1e-6);
    assert_float_equal(n[3], 1.0f, 1e-6);
    kiln_pixelbox_release(box);
    /* Turned off, the buffers go. */
    assert_int_equal(kiln_render_target_set_extra_buffers(t.target, 0), KILN_OK);
    assert_int_equal(kiln_render_target_get_extra_buffer(t.target, KILN_BUFFER_NORMAL, &box),
                     KILN_ERROR_INVALID_STATE);
    tutorial_destroy(&t);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_tutorial_scene_matches_the_original_engine),
        cmocka_unit_test(output_is_identical_for_any_number_of_threads),
        cmocka_unit_test(a_sub_box_reads_into_a_larger_destination),
        cmocka_unit_test(copy_contents_to_memory_checks_its_boxes),
        cmocka_unit_test(render_targets_refuse_bad_sizes_formats_and_names),
        cmocka_unit_test(viewports_need_free_z_orders_and_cameras_of_the_same_root),
        cmocka_unit_test(a_second_viewport_draws_over_the_first),
        cmocka_unit_test(a_target_renders_into_the_callers_memory),
        cmocka_unit_test(write_contents_to_file_writes_a_png),
        cmocka_unit_test(hidden_objects_and_missing_materials_draw_nothing),
        cmocka_unit_test(a_destroyed_target_frees_its_name_and_keeps_memory_handed_out),
        cmocka_unit_test(extra_buffers_record_ids_and_normals),
        cmocka_unit_test(fsaa_resolves_coverage_and_keeps_depth_exact),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
