/* Textures (mipmap chains, box filtering) and materials (Material > Technique > Pass >
 * TextureUnitState, defaults and errors). */
#include <kiln/kiln.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

static kiln_image *make_image(uint32_t width, uint32_t height, kiln_pixel_format format,
                              const void *pixels) {
    size_t size = 0;
    assert_int_equal(kiln_pixel_format_get_memory_size(width, height, 1, format, &size), KILN_OK);
    kiln_stream *stream = NULL;
    assert_int_equal(kiln_stream_create_memory(size, &stream), KILN_OK);
    if (pixels)
        memcpy(kiln_stream_get_pointer(stream), pixels, size);
    kiln_image *image = NULL;
    assert_int_equal(kiln_image_create(&image), KILN_OK);
    assert_int_equal(kiln_image_load_dynamic_image(image, stream, width, height, format), KILN_OK);
    kiln_stream_release(stream);
    return image;
}

static kiln_root *make_root(void) {
    kiln_root *root = NULL;
    kiln_root_desc desc = {.num_threads = 1};
    assert_int_equal(kiln_root_create(&desc, &root), KILN_OK);
    return root;
}

/* ---- textures ---- */

static void a_texture_gets_a_full_mipmap_chain(void **state) {
    (void)state;
    kiln_root *root = make_root();
    kiln_texture_manager *tm = kiln_root_get_texture_manager(root);
    kiln_image *image = make_image(256, 256, KILN_PF_BYTE_RGB, NULL);
    kiln_texture *texture = NULL;
    assert_int_equal(kiln_texture_manager_load_image(tm, "t", "General", image, &texture), KILN_OK);
    assert_string_equal(kiln_texture_get_name(texture), "t");
    assert_int_equal(kiln_texture_get_width(texture), 256);
    assert_int_equal(kiln_texture_get_height(texture), 256);
    assert_int_equal(kiln_texture_get_format(texture), KILN_PF_BYTE_RGB);
    assert_int_equal(kiln_texture_get_num_mipmaps(texture), 8);
    kiln_image *level = NULL;
    assert_int_equal(kiln_texture_convert_to_image(texture, 8, &level), KILN_OK);
    assert_int_equal(kiln_image_get_width(level), 1);
    assert_int_equal(kiln_image_get_height(level), 1);
    kiln_image_release(level);
    assert_int_equal(kiln_texture_convert_to_image(texture, 9, &level), KILN_ERROR_OUT_OF_RANGE);
    kiln_texture_release(texture);
    kiln_image_release(image);
    kiln_root_destroy(root);
}

static void non_square_chains_halve_each_side_down_to_one(void **state) {
    (void)state;
    kiln_root *root = make_root();
    kiln_image *image = make_image(20, 3, KILN_PF_L8, NULL);
    kiln_texture *texture = NULL;
    assert_int_equal(kiln_texture_manager_load_image(kiln_root_get_texture_manager(root), "t", NULL,
                                                     image, &texture),
                     KILN_OK);
    /* 20x3, 10x1, 5x1, 2x1, 1x1 */
    assert_int_equal(kiln_texture_get_num_mipmaps(texture), 4);
    const uint32_t widths[] = {20, 10, 5, 2, 1}, heights[] = {3, 1, 1, 1, 1};
    for (uint32_t i = 0; i < 5; i++) {
        kiln_image *level = NULL;
        assert_int_equal(kiln_texture_convert_to_image(texture, i, &level), KILN_OK);
        assert_int_equal(kiln_image_get_width(level), widths[i]);
        assert_int_equal(kiln_image_get_height(level), heights[i]);
        kiln_image_release(level);
    }
    kiln_texture_release(texture);
    kiln_image_release(image);
    kiln_root_destroy(root);
}

static void mipmaps_average_two_by_two_blocks(void **state) {
    (void)state;
    /* A 4x2 L8 texture: level 1 is 2x1, each texel the average of a 2x2 block. */
    const uint8_t texels[8] = {0, 100, 10, 20, 50, 150, 30, 40};
    kiln_root *root = make_root();
    kiln_image *image = make_image(4, 2, KILN_PF_L8, texels);
    kiln_texture *texture = NULL;
    assert_int_equal(kiln_texture_manager_load_image(kiln_root_get_texture_manager(root), "t", NULL,
                                                     image, &texture),
                     KILN_OK);
    kiln_image *level = NULL;
    assert_int_equal(kiln_texture_convert_to_image(texture, 1, &level), KILN_OK);
    assert_int_equal(kiln_image_get_format(level), KILN_PF_L8);
    const uint8_t *p = kiln_stream_get_pointer(kiln_image_get_stream(level));
    assert_int_equal(p[0], 75); /* (0 + 100 + 50 + 150) / 4 */
    assert_int_equal(p[1], 25); /* (10 + 20 + 30 + 40) / 4 */
    kiln_image_release(level);
    /* Level 2 (1x1) averages level 1: (75 + 25) / 2. */
    assert_int_equal(kiln_texture_convert_to_image(texture, 2, &level), KILN_OK);
    p = kiln_stream_get_pointer(kiln_image_get_stream(level));
    assert_int_equal(p[0], 50);
    kiln_image_release(level);
    /* Level 0 converts back exactly. */
    assert_int_equal(kiln_texture_convert_to_image(texture, 0, &level), KILN_OK);
    assert_memory_equal(kiln_stream_get_pointer(kiln_image_get_stream(level)), texels, 8);
    kiln_image_release(level);
    kiln_texture_release(texture);
    kiln_image_release(image);
    kiln_root_destroy(root);
}

static void texture_names_are_unique_per_group(void **state) {
    (void)state;
    kiln_root *root = make_root();
    kiln_texture_manager *tm = kiln_root_get_texture_manager(root);
    kiln_image *image = make_image(2, 2, KILN_PF_BYTE_RGBA, NULL);
    assert_int_equal(kiln_texture_manager_load_image(tm, "t", "General", image, NULL), KILN_OK);
    assert_int_equal(kiln_texture_manager_load_image(tm, "t", NULL, image, NULL),
                     KILN_ERROR_INVALID_ARGUMENT);
    assert_non_null(strstr(kiln_last_error_message(), "'t'"));
    assert_int_equal(kiln_texture_manager_load_image(tm, "t", "Other", image, NULL), KILN_OK);
    assert_true(kiln_texture_manager_resource_exists(tm, "t", "Other"));
    assert_false(kiln_texture_manager_resource_exists(tm, "u", "General"));
    kiln_texture *found = NULL;
    assert_int_equal(kiln_texture_manager_get_by_name(tm, "t", "General", &found), KILN_OK);
    assert_string_equal(kiln_texture_get_name(found), "t");
    kiln_texture_release(found);
    assert_int_equal(kiln_texture_manager_get_by_name(tm, "u", "General", &found),
                     KILN_ERROR_NOT_FOUND);
    assert_null(found);
    assert_int_equal(kiln_texture_manager_remove(tm, "t", "General"), KILN_OK);
    assert_false(kiln_texture_manager_resource_exists(tm, "t", "General"));
    assert_int_equal(kiln_texture_manager_remove(tm, "t", "General"), KILN_ERROR_NOT_FOUND);
    kiln_image_release(image);
    kiln_root_destroy(root);
}

static void an_empty_image_makes_no_texture(void **state) {
    (void)state;
    kiln_root *root = make_root();
    kiln_image *image = NULL;
    assert_int_equal(kiln_image_create(&image), KILN_OK);
    assert_int_equal(kiln_texture_manager_load_image(kiln_root_get_texture_manager(root), "t", NULL,
                                                     image, NULL),
                     KILN_ERROR_INVALID_ARGUMENT);
    assert_non_null(strstr(kiln_last_error_message(), "empty"));
    assert_int_equal(
        kiln_texture_manager_load_image(kiln_root_get_texture_manager(root), "t", NULL, NULL, NULL),
        KILN_ERROR_INVALID_ARGUMENT);
    kiln_image_release(image);
    kiln_root_destroy(root);
}

/* ---- materials ---- */

/* A root with the texture "tex" (size x size RGB, from *image, which the caller
 * releases) and the material "m" (the caller's reference in *m). */
static kiln_root *root_with_texture_and_material(uint32_t size, kiln_image **image,
                                                 kiln_material **m) {
    kiln_root *root = make_root();
    *image = make_image(size, size, KILN_PF_BYTE_RGB, NULL);
    assert_int_equal(kiln_texture_manager_load_image(kiln_root_get_texture_manager(root), "tex",
                                                     NULL, *image, NULL),
                     KILN_OK);
    assert_int_equal(
        kiln_material_manager_create(kiln_root_get_material_manager(root), "m", NULL, m), KILN_OK);
    return root;
}

static void a_new_material_has_one_technique_with_one_default_pass(void **state) {
    (void)state;
    kiln_root *root = make_root();
    kiln_material *m = NULL;
    assert_int_equal(
        kiln_material_manager_create(kiln_root_get_material_manager(root), "m", NULL, &m), KILN_OK);
    assert_string_equal(kiln_material_get_name(m), "m");
    assert_string_equal(kiln_material_get_group(m), "General");
    assert_int_equal(kiln_material_get_num_techniques(m), 1);
    kiln_technique *t = NULL;
    assert_int_equal(kiln_material_get_technique(m, 0, &t), KILN_OK);
    assert_int_equal(kiln_technique_get_num_passes(t), 1);
    kiln_pass *p = NULL;
    assert_int_equal(kiln_technique_get_pass(t, 0, &p), KILN_OK);
    assert_true(kiln_pass_get_lighting_enabled(p));
    kiln_colour white = kiln_pass_get_diffuse(p);
    assert_float_equal(white.r, 1, 0);
    assert_float_equal(white.a, 1, 0);
    assert_float_equal(kiln_pass_get_ambient(p).g, 1, 0);
    assert_float_equal(kiln_pass_get_specular(p).r, 0, 0);
    assert_float_equal(kiln_pass_get_emissive(p).b, 0, 0);
    assert_true(kiln_pass_get_depth_check_enabled(p));
    assert_true(kiln_pass_get_depth_write_enabled(p));
    assert_int_equal(kiln_pass_get_depth_function(p), KILN_CMPF_LESS_EQUAL);
    assert_int_equal(kiln_pass_get_culling_mode(p), KILN_CULL_CLOCKWISE);
    assert_int_equal(kiln_pass_get_num_texture_unit_states(p), 0);
    kiln_material_release(m);
    kiln_root_destroy(root);
}

static void passes_and_units_can_be_added_and_changed(void **state) {
    (void)state;
    kiln_image *image = NULL;
    kiln_material *m = NULL;
    kiln_root *root = root_with_texture_and_material(4, &image, &m);
    kiln_technique *t = NULL;
    assert_int_equal(kiln_material_create_technique(m, &t), KILN_OK);
    assert_int_equal(kiln_material_get_num_techniques(m), 2);
    kiln_pass *p = NULL;
    assert_int_equal(kiln_technique_create_pass(t, &p), KILN_OK);
    assert_int_equal(kiln_technique_get_num_passes(t), 1);
    kiln_pass_set_lighting_enabled(p, false);
    assert_false(kiln_pass_get_lighting_enabled(p));
    kiln_colour c = {0.1f, 0.2f, 0.3f, 0.4f};
    kiln_pass_set_emissive(p, &c);
    assert_float_equal(kiln_pass_get_emissive(p).b, 0.3f, 0);
    assert_int_equal(kiln_pass_set_depth_function(p, KILN_CMPF_GREATER), KILN_OK);
    assert_int_equal(kiln_pass_get_depth_function(p), KILN_CMPF_GREATER);
    assert_int_equal(kiln_pass_set_depth_function(p, (kiln_compare_function)42),
                     KILN_ERROR_INVALID_ARGUMENT);
    assert_int_equal(kiln_pass_set_culling_mode(p, KILN_CULL_NONE), KILN_OK);
    assert_int_equal(kiln_pass_set_culling_mode(p, (kiln_culling_mode)0),
                     KILN_ERROR_INVALID_ARGUMENT);

    kiln_texture_unit_state *u = NULL;
    assert_int_equal(kiln_pass_create_texture_unit_state(p, "tex", &u), KILN_OK);
    assert_string_equal(kiln_texture_unit_state_get_texture_name(u), "tex");
    assert_int_equal(kiln_texture_unit_state_get_texture_filtering(u), KILN_TFO_BILINEAR);
    assert_int_equal(kiln_texture_unit_state_get_texture_addressing_mode(u), KILN_TAM_WRAP);
    assert_int_equal(kiln_texture_unit_state_set_texture_filtering(u, KILN_TFO_NONE), KILN_OK);
    assert_int_equal(kiln_texture_unit_state_get_texture_filtering(u), KILN_TFO_NONE);
    assert_int_equal(kiln_texture_unit_state_set_texture_addressing_mode(u, KILN_TAM_CLAMP),
                     KILN_OK);
    assert_int_equal(kiln_texture_unit_state_get_texture_addressing_mode(u), KILN_TAM_CLAMP);
    assert_int_equal(
        kiln_texture_unit_state_set_texture_filtering(u, (kiln_texture_filter_options)9),
        KILN_ERROR_INVALID_ARGUMENT);
    kiln_texture_unit_state *empty = NULL;
    assert_int_equal(kiln_pass_create_texture_unit_state(p, NULL, &empty), KILN_OK);
    assert_string_equal(kiln_texture_unit_state_get_texture_name(empty), "");
    assert_int_equal(kiln_texture_unit_state_set_texture_name(empty, "tex"), KILN_OK);
    assert_string_equal(kiln_texture_unit_state_get_texture_name(empty), "tex");
    assert_int_equal(kiln_pass_get_num_texture_unit_states(p), 2);
    kiln_texture_unit_state *second = NULL;
    assert_int_equal(kiln_pass_get_texture_unit_state(p, 1, &second), KILN_OK);
    assert_ptr_equal(second, empty);
    assert_int_equal(kiln_pass_get_texture_unit_state(p, 2, &second), KILN_ERROR_OUT_OF_RANGE);

    kiln_material_release(m);
    kiln_image_release(image);
    kiln_root_destroy(root);
}

static void an_unknown_texture_is_named_in_the_error(void **state) {
    (void)state;
    kiln_root *root = make_root();
    kiln_material *m = NULL;
    assert_int_equal(
        kiln_material_manager_create(kiln_root_get_material_manager(root), "m", NULL, &m), KILN_OK);
    kiln_technique *t = NULL;
    kiln_pass *p = NULL;
    assert_int_equal(kiln_material_get_technique(m, 0, &t), KILN_OK);
    assert_int_equal(kiln_technique_get_pass(t, 0, &p), KILN_OK);
    kiln_texture_unit_state *u = NULL;
    assert_int_equal(kiln_pass_create_texture_unit_state(p, "missing.png", &u),
                     KILN_ERROR_NOT_FOUND);
    assert_null(u);
    assert_non_null(strstr(kiln_last_error_message(), "missing.png"));
    assert_non_null(strstr(kiln_last_error_message(), "General"));
    assert_int_equal(kiln_pass_get_num_texture_unit_states(p), 0);
    kiln_material_release(m);
    kiln_root_destroy(root);
}

static void material_names_are_unique_and_looked_up(void **state) {
    (void)state;
    kiln_root *root = make_root();
    kiln_material_manager *mm = kiln_root_get_material_manager(root);
    assert_int_equal(kiln_material_manager_create(mm, "m", NULL, NULL), KILN_OK);
    assert_int_equal(kiln_material_manager_create(mm, "m", "General", NULL),
                     KILN_ERROR_INVALID_ARGUMENT);
    assert_true(kiln_material_manager_resource_exists(mm, "m", NULL));
    kiln_material *m = NULL;
    assert_int_equal(kiln_material_manager_get_by_name(mm, "nope", NULL, &m), KILN_ERROR_NOT_FOUND);
    assert_non_null(strstr(kiln_last_error_message(), "nope"));
    assert_int_equal(kiln_material_manager_get_by_name(mm, "m", NULL, &m), KILN_OK);
    kiln_technique *t = NULL;
    assert_int_equal(kiln_material_get_technique(m, 1, &t), KILN_ERROR_OUT_OF_RANGE);
    assert_int_equal(kiln_material_manager_remove(mm, "m", NULL), KILN_OK);
    assert_false(kiln_material_manager_resource_exists(mm, "m", NULL));
    /* The caller's reference keeps the removed material usable. */
    assert_string_equal(kiln_material_get_name(m), "m");
    kiln_material_release(m);
    assert_int_equal(kiln_material_manager_remove(mm, "m", NULL), KILN_ERROR_NOT_FOUND);
    kiln_root_destroy(root);
}

static void a_material_may_outlive_its_root(void **state) {
    (void)state;
    kiln_image *image = NULL;
    kiln_material *m = NULL;
    kiln_root *root = root_with_texture_and_material(2, &image, &m);
    kiln_technique *t = NULL;
    kiln_pass *p = NULL;
    assert_int_equal(kiln_material_get_technique(m, 0, &t), KILN_OK);
    assert_int_equal(kiln_technique_get_pass(t, 0, &p), KILN_OK);
    assert_int_equal(kiln_pass_create_texture_unit_state(p, "tex", NULL), KILN_OK);
    kiln_root_destroy(root);
    /* Still readable; lookups by name fail cleanly. */
    assert_int_equal(kiln_pass_get_num_texture_unit_states(p), 1);
    assert_int_equal(kiln_pass_create_texture_unit_state(p, "tex", NULL), KILN_ERROR_INVALID_STATE);
    assert_int_equal(kiln_pass_create_texture_unit_state(p, NULL, NULL), KILN_OK);
    kiln_material_release(m);
    kiln_image_release(image);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_texture_gets_a_full_mipmap_chain),
        cmocka_unit_test(non_square_chains_halve_each_side_down_to_one),
        cmocka_unit_test(mipmaps_average_two_by_two_blocks),
        cmocka_unit_test(texture_names_are_unique_per_group),
        cmocka_unit_test(an_empty_image_makes_no_texture),
        cmocka_unit_test(a_new_material_has_one_technique_with_one_default_pass),
        cmocka_unit_test(passes_and_units_can_be_added_and_changed),
        cmocka_unit_test(an_unknown_texture_is_named_in_the_error),
        cmocka_unit_test(material_names_are_unique_and_looked_up),
        cmocka_unit_test(a_material_may_outlive_its_root),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
