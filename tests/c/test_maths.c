/* The math value types: quaternions, 4x4 matrices and their inverse. */
#include <kiln/kiln.h>

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#define PI_F 3.14159265358979f
#define EPS 1e-5f

static void assert_vec3_near(kiln_vector3 v, float x, float y, float z) {
    assert_float_equal(v.x, x, EPS);
    assert_float_equal(v.y, y, EPS);
    assert_float_equal(v.z, z, EPS);
}

static void a_quarter_turn_about_y_takes_x_to_minus_z(void **state) {
    (void)state;
    kiln_quaternion q = kiln_quaternion_from_angle_axis(PI_F / 2, (kiln_vector3){0, 1, 0});
    assert_vec3_near(kiln_quaternion_rotate(q, (kiln_vector3){1, 0, 0}), 0, 0, -1);
    assert_vec3_near(kiln_quaternion_rotate(q, (kiln_vector3){0, 0, 1}), 1, 0, 0);
}

static void the_axis_need_not_be_unit_length(void **state) {
    (void)state;
    kiln_quaternion q = kiln_quaternion_from_angle_axis(PI_F, (kiln_vector3){0, 0, 5});
    assert_vec3_near(kiln_quaternion_rotate(q, (kiln_vector3){1, 0, 0}), -1, 0, 0);
}

static void multiplying_composes_right_to_left(void **state) {
    (void)state;
    kiln_quaternion about_y = kiln_quaternion_from_angle_axis(PI_F / 2, (kiln_vector3){0, 1, 0});
    kiln_quaternion about_x = kiln_quaternion_from_angle_axis(PI_F / 2, (kiln_vector3){1, 0, 0});
    /* (about_y * about_x) v rotates about x first. */
    kiln_quaternion both = kiln_quaternion_multiply(about_y, about_x);
    kiln_vector3 v = {0, 1, 0};
    kiln_vector3 expected = kiln_quaternion_rotate(about_y, kiln_quaternion_rotate(about_x, v));
    assert_vec3_near(kiln_quaternion_rotate(both, v), expected.x, expected.y, expected.z);
    assert_vec3_near(expected, 1, 0, 0);
}

static void normalise_gives_unit_length(void **state) {
    (void)state;
    kiln_quaternion q = kiln_quaternion_normalise((kiln_quaternion){2, 0, 0, 0});
    assert_float_equal(q.w, 1, EPS);
    q = kiln_quaternion_normalise((kiln_quaternion){1, 1, 1, 1});
    assert_float_equal(q.x, 0.5f, EPS);
}

static void the_rotation_matrix_rotates_like_the_quaternion(void **state) {
    (void)state;
    kiln_quaternion q = kiln_quaternion_from_angle_axis(0.7f, (kiln_vector3){0.3f, -0.5f, 0.8f});
    kiln_matrix3 m = kiln_quaternion_to_rotation_matrix(q);
    kiln_vector3 v = {1.5f, -2, 0.25f};
    kiln_vector3 r = kiln_quaternion_rotate(q, v);
    float mv[3];
    for (int i = 0; i < 3; i++)
        mv[i] = m.m[i][0] * v.x + m.m[i][1] * v.y + m.m[i][2] * v.z;
    assert_vec3_near(r, mv[0], mv[1], mv[2]);
}

static void make_transform_scales_then_rotates_then_translates(void **state) {
    (void)state;
    kiln_quaternion q = kiln_quaternion_from_angle_axis(PI_F / 2, (kiln_vector3){0, 0, 1});
    kiln_matrix4 m =
        kiln_matrix4_make_transform((kiln_vector3){10, 20, 30}, (kiln_vector3){2, 2, 2}, q);
    kiln_vector4 p = kiln_matrix4_transform(m, (kiln_vector4){1, 0, 0, 1});
    /* (1,0,0) scaled to (2,0,0), rotated to (0,2,0), moved to (10,22,30). */
    assert_float_equal(p.x, 10, EPS);
    assert_float_equal(p.y, 22, EPS);
    assert_float_equal(p.z, 30, EPS);
    assert_float_equal(p.w, 1, EPS);
    /* Directions (w = 0) are not translated. */
    kiln_vector4 d = kiln_matrix4_transform(m, (kiln_vector4){1, 0, 0, 0});
    assert_float_equal(d.x, 0, EPS);
    assert_float_equal(d.y, 2, EPS);
}

static void identity_and_multiply(void **state) {
    (void)state;
    kiln_matrix4 id = kiln_matrix4_identity();
    kiln_matrix4 m = kiln_matrix4_make_transform((kiln_vector3){1, 2, 3}, (kiln_vector3){1, 1, 1},
                                                 (kiln_quaternion){1, 0, 0, 0});
    kiln_matrix4 r = kiln_matrix4_multiply(id, m);
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++)
            assert_float_equal(r.m[i][j], m.m[i][j], 0);
    kiln_matrix4 twice = kiln_matrix4_multiply(m, m);
    assert_float_equal(twice.m[0][3], 2, EPS);
    assert_float_equal(twice.m[2][3], 6, EPS);
}

static void inverse_undoes_a_transform(void **state) {
    (void)state;
    kiln_quaternion q = kiln_quaternion_from_angle_axis(1.1f, (kiln_vector3){1, 2, 3});
    kiln_matrix4 m =
        kiln_matrix4_make_transform((kiln_vector3){4, -5, 6}, (kiln_vector3){2, 0.5f, 3}, q);
    kiln_matrix4 inv;
    assert_int_equal(kiln_matrix4_inverse(m, &inv), KILN_OK);
    kiln_matrix4 r = kiln_matrix4_multiply(inv, m);
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++)
            assert_float_equal(r.m[i][j], i == j ? 1.0f : 0.0f, 1e-5f);
}

static void a_singular_matrix_has_no_inverse(void **state) {
    (void)state;
    kiln_matrix4 m = kiln_matrix4_identity();
    m.m[2][2] = 0;
    kiln_matrix4 inv;
    assert_int_equal(kiln_matrix4_inverse(m, &inv), KILN_ERROR_INVALID_ARGUMENT);
    assert_non_null(strstr(kiln_last_error_message(), "singular"));
    assert_int_equal(kiln_matrix4_inverse(kiln_matrix4_identity(), NULL),
                     KILN_ERROR_INVALID_ARGUMENT);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_quarter_turn_about_y_takes_x_to_minus_z),
        cmocka_unit_test(the_axis_need_not_be_unit_length),
        cmocka_unit_test(multiplying_composes_right_to_left),
        cmocka_unit_test(normalise_gives_unit_length),
        cmocka_unit_test(the_rotation_matrix_rotates_like_the_quaternion),
        cmocka_unit_test(make_transform_scales_then_rotates_then_translates),
        cmocka_unit_test(identity_and_multiply),
        cmocka_unit_test(inverse_undoes_a_transform),
        cmocka_unit_test(a_singular_matrix_has_no_inverse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
