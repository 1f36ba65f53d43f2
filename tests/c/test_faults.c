/* Running out of memory: a scene is loaded, built, rendered, read back and encoded
 * while each of the library's allocations in turn fails (kiln_fail_allocation). Every
 * failure must come back as KILN_ERROR_OUT_OF_MEMORY from the call that needed the
 * memory, leave nothing leaked (the sanitizer build checks leaks), and the next run
 * must draw the same picture as a run with no failure. */
#include <kiln/kiln.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define SIZE 48

/* What a run made, released by scene_release whatever the run reached. */
typedef struct scene {
    kiln_root *root;
    kiln_stream *texels, *png, *pixels;
    kiln_image *image, *decoded;
    kiln_material *material;
    kiln_manual_object *object;
    kiln_rectangle2d *rect;
    kiln_light *light;
    kiln_camera *camera;
    kiln_pixelbox *box;
} scene;

static void scene_release(scene *s) {
    kiln_pixelbox_release(s->box);
    kiln_camera_release(s->camera);
    kiln_light_release(s->light);
    kiln_rectangle2d_release(s->rect);
    kiln_manual_object_release(s->object);
    kiln_material_release(s->material);
    kiln_image_release(s->decoded);
    kiln_image_release(s->image);
    kiln_stream_release(s->pixels);
    kiln_stream_release(s->png);
    kiln_stream_release(s->texels);
    kiln_root_destroy(s->root);
    memset(s, 0, sizeof *s);
}

#define TRY(expr)                                                                                  \
    do {                                                                                           \
        kiln_result try_r = (expr);                                                                \
        if (try_r != KILN_OK)                                                                      \
            return try_r;                                                                          \
    } while (0)

/* The whole scene, from a texture in memory to its picture read back into s->pixels:
 * the first failing call's result. */
static kiln_result run(scene *s, uint32_t threads) {
    kiln_root_desc desc = {.num_threads = threads};
    TRY(kiln_root_create(&desc, &s->root));
    /* A texture that goes through the PNG encoder and decoder first. */
    TRY(kiln_stream_create_memory(16 * 16 * 3, &s->texels));
    uint8_t *t = kiln_stream_get_pointer(s->texels);
    for (int i = 0; i < 16 * 16 * 3; i++)
        t[i] = (uint8_t)(i * 7);
    TRY(kiln_image_create(&s->image));
    TRY(kiln_image_load_dynamic_image(s->image, s->texels, 16, 16, KILN_PF_BYTE_RGB));
    TRY(kiln_image_encode(s->image, &s->png));
    TRY(kiln_image_create(&s->decoded));
    TRY(kiln_image_load_stream(s->decoded, s->png));
    TRY(kiln_texture_manager_load_image(kiln_root_get_texture_manager(s->root), "texels", "General",
                                        s->decoded, NULL));
    /* A lit, textured material. */
    kiln_material_manager *materials = kiln_root_get_material_manager(s->root);
    TRY(kiln_material_manager_create(materials, "lit", "General", &s->material));
    kiln_technique *technique = NULL;
    kiln_pass *pass = NULL;
    TRY(kiln_material_get_technique(s->material, 0, &technique));
    TRY(kiln_technique_get_pass(technique, 0, &pass));
    kiln_pass_set_lighting_enabled(pass, true);
    TRY(kiln_pass_create_texture_unit_state(pass, "texels", NULL));
    /* A grid of quads in a manual object (its arrays grow), a light and a rectangle. */
    kiln_scene_manager *sm = NULL;
    TRY(kiln_root_create_scene_manager(s->root, &sm));
    kiln_scene_node *root_node = kiln_scene_manager_get_root_scene_node(sm);
    TRY(kiln_scene_manager_create_manual_object(sm, "grid", &s->object));
    TRY(kiln_manual_object_begin(s->object, "lit", KILN_OT_TRIANGLE_LIST));
    const int n = 12;
    for (int y = 0; y <= n; y++)
        for (int x = 0; x <= n; x++) {
            TRY(kiln_manual_object_position(s->object, (float)x / n - 0.5f, (float)y / n - 0.5f,
                                            -2.0f));
            TRY(kiln_manual_object_normal(s->object, 0.0f, 0.0f, 1.0f));
            TRY(kiln_manual_object_texture_coord(s->object, (float)x / n, (float)y / n));
        }
    for (int y = 0; y < n; y++)
        for (int x = 0; x < n; x++) {
            uint32_t a = (uint32_t)(y * (n + 1) + x);
            TRY(kiln_manual_object_quad(s->object, a, a + 1, a + (uint32_t)n + 2,
                                        a + (uint32_t)n + 1));
        }
    TRY(kiln_manual_object_end(s->object));
    kiln_scene_node *node = NULL;
    TRY(kiln_scene_node_create_child_scene_node(root_node, &node));
    TRY(kiln_scene_node_attach_object(node, kiln_manual_object_as_movable_object(s->object)));
    TRY(kiln_scene_manager_create_light(sm, "lamp", &s->light));
    TRY(kiln_scene_node_attach_object(root_node, kiln_light_as_movable_object(s->light)));
    TRY(kiln_rectangle2d_create(true, &s->rect));
    kiln_rectangle2d_set_corners(s->rect, -1.0f, -0.5f, -0.5f, -1.0f);
    kiln_rectangle2d_set_material(s->rect, s->material);
    TRY(kiln_scene_node_attach_object(root_node, kiln_rectangle2d_as_movable_object(s->rect)));
    /* Rendered and read back. */
    TRY(kiln_scene_manager_create_camera(sm, "camera", &s->camera));
    TRY(kiln_camera_set_near_clip_distance(s->camera, 0.1f));
    kiln_render_target *target = NULL;
    TRY(kiln_root_create_render_texture(s->root, "target", SIZE, SIZE, NULL, &target));
    kiln_viewport *viewport = NULL;
    TRY(kiln_render_target_add_viewport(target, s->camera, NULL, &viewport));
    TRY(kiln_render_target_update(target));
    TRY(kiln_render_target_update(target));
    TRY(kiln_stream_create_memory(SIZE * SIZE * 3, &s->pixels));
    TRY(kiln_pixelbox_create(SIZE, SIZE, 1, KILN_PF_BYTE_RGB, s->pixels, &s->box));
    kiln_box all = {0, 0, 0, SIZE, SIZE, 1};
    TRY(kiln_render_target_copy_contents_to_memory(target, &all, s->box));
    return KILN_OK;
}

static void check_every_failure(uint32_t threads) {
    scene s = {0};
    uint64_t before = kiln_get_allocation_count();
    assert_int_equal(run(&s, threads), KILN_OK);
    uint64_t allocations = kiln_get_allocation_count() - before;
    uint8_t expected[SIZE * SIZE * 3];
    memcpy(expected, kiln_stream_get_pointer(s.pixels), sizeof expected);
    scene_release(&s);
    /* The picture is not empty: the grid, the light and the texture are in it. */
    int lit = 0;
    for (size_t i = 0; i < sizeof expected; i++)
        lit += expected[i] > 0;
    assert_true(lit > SIZE * SIZE);

    uint64_t failed = 0;
    for (uint64_t nth = 1; nth <= allocations; nth++) {
        kiln_fail_allocation(nth);
        kiln_result r = run(&s, threads);
        kiln_fail_allocation(0);
        if (r != KILN_OK) {
            if (r != KILN_ERROR_OUT_OF_MEMORY)
                fail_msg("allocation %llu of %llu failed: the run gave %s (%s), not "
                         "KILN_ERROR_OUT_OF_MEMORY",
                         (unsigned long long)nth, (unsigned long long)allocations,
                         kiln_result_name(r), kiln_last_error_message());
            if (strlen(kiln_last_error_message()) == 0)
                fail_msg("allocation %llu: the failure has no message", (unsigned long long)nth);
            failed++;
        } else if (memcmp(kiln_stream_get_pointer(s.pixels), expected, sizeof expected) != 0) {
            /* A failure that was recovered from must not change the picture. */
            fail_msg("allocation %llu of %llu failed and the run succeeded with a different "
                     "picture",
                     (unsigned long long)nth, (unsigned long long)allocations);
        }
        scene_release(&s);
        /* The next run, with no failure, is whole again. */
        if (nth % 16 == 0 || r != KILN_OK) {
            assert_int_equal(run(&s, threads), KILN_OK);
            assert_memory_equal(kiln_stream_get_pointer(s.pixels), expected, sizeof expected);
            scene_release(&s);
        }
    }
    /* Most allocations are needed: their failure reached the caller. */
    assert_true(failed * 2 > allocations);
    print_message("%u thread(s): %llu allocations, %llu of their failures reached the caller, "
                  "the others were recovered from\n",
                  threads, (unsigned long long)allocations, (unsigned long long)failed);
}

static void test_every_allocation_of_a_scene_may_fail_with_one_thread(void **state) {
    (void)state;
    check_every_failure(1);
}

static void test_every_allocation_of_a_scene_may_fail_with_two_threads(void **state) {
    (void)state;
    check_every_failure(2);
}

static void test_a_failure_not_reached_is_cancelled(void **state) {
    (void)state;
    kiln_fail_allocation(1000000000);
    kiln_fail_allocation(0);
    scene s = {0};
    assert_int_equal(run(&s, 1), KILN_OK);
    scene_release(&s);
    /* A failure fails once. */
    kiln_fail_allocation(1);
    kiln_stream *stream = NULL;
    assert_int_equal(kiln_stream_create_memory(16, &stream), KILN_ERROR_OUT_OF_MEMORY);
    assert_null(stream);
    assert_int_equal(kiln_stream_create_memory(16, &stream), KILN_OK);
    kiln_stream_release(stream);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_allocation_of_a_scene_may_fail_with_one_thread),
        cmocka_unit_test(test_every_allocation_of_a_scene_may_fail_with_two_threads),
        cmocka_unit_test(test_a_failure_not_reached_is_cancelled),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
