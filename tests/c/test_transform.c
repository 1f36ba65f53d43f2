/* Scene-node transforms (translate, rotate, yaw, pitch, roll in every transform
 * space; look_at; derived transforms) and cameras (properties, ortho window,
 * projection and view matrices).
 *
 * Numbers marked "OGRE" were printed by the original engine, OGRE 1.12.10
 * (Debian's python3-ogre-1.12, GL3+ render system on Mesa llvmpipe under Xvfb),
 * running the same operations on the same node tree through its Python binding,
 * e.g. for the first look_at case:
 *
 *     node = scene_manager.getRootSceneNode().createChildSceneNode()
 *     node.setPosition(0, 2, 4)
 *     node.lookAt(Ogre.Vector3(0, 0, -10), Ogre.Node.TS_WORLD)
 *     print(node.getOrientation())
 *
 * Quaternions are printed (w, x, y, z) to 7 significant digits; look_at cases
 * called node.setFixedYawAxis(True) first, the behaviour Kiln's look_at has. */
#include <kiln/kiln.h>

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "scene_fixture.h"

/* ---- helpers ---- */

static void assert_vector(kiln_vector3 v, float x, float y, float z, double tolerance) {
    assert_float_equal(v.x, x, tolerance);
    assert_float_equal(v.y, y, tolerance);
    assert_float_equal(v.z, z, tolerance);
}

static void assert_quaternion(kiln_quaternion q, float w, float x, float y, float z,
                              double tolerance) {
    assert_float_equal(q.w, w, tolerance);
    assert_float_equal(q.x, x, tolerance);
    assert_float_equal(q.y, y, tolerance);
    assert_float_equal(q.z, z, tolerance);
}

/* q and -q are the same rotation; look_at may give either. */
static void assert_same_rotation(kiln_quaternion q, float w, float x, float y, float z,
                                 double tolerance) {
    if (q.w * w + q.x * x + q.y * y + q.z * z < 0.0f)
        q = (kiln_quaternion){-q.w, -q.x, -q.y, -q.z};
    assert_quaternion(q, w, x, y, z, tolerance);
}

static kiln_scene_node *child_of(kiln_scene_node *parent) {
    kiln_scene_node *node = NULL;
    assert_int_equal(kiln_scene_node_create_child_scene_node(parent, &node), KILN_OK);
    return node;
}

static kiln_scene_node *world_child(fixture *f) {
    return child_of(kiln_scene_manager_get_root_scene_node(f->scene));
}

static void place(kiln_scene_node *node, kiln_vector3 position, float angle, kiln_vector3 axis,
                  kiln_vector3 scale) {
    kiln_quaternion q = kiln_quaternion_from_angle_axis(angle, axis);
    kiln_scene_node_set_position(node, &position);
    kiln_scene_node_set_orientation(node, &q);
    kiln_scene_node_set_scale(node, &scale);
}

/* Three levels, each moved, turned and (unevenly) scaled; the same tree was built
 * in OGRE for every reference value below. */
typedef struct tree {
    kiln_scene_node *a, *b, *c;
} tree;

static tree make_tree(fixture *f) {
    tree t;
    t.a = world_child(f);
    t.b = child_of(t.a);
    t.c = child_of(t.b);
    place(t.a, (kiln_vector3){1, 2, 3}, 0.7f, (kiln_vector3){0, 1, 0}, (kiln_vector3){2, 2, 2});
    place(t.b, (kiln_vector3){0, 1, -1}, 0.3f, (kiln_vector3){1, 0, 0}, (kiln_vector3){1, 0.5f, 3});
    place(t.c, (kiln_vector3){2, 0, 1}, -0.4f, (kiln_vector3){0, 0, 1}, (kiln_vector3){1, 1, 1});
    return t;
}

static kiln_vector3 axis_of(kiln_quaternion q, kiln_vector3 v) {
    return kiln_quaternion_rotate(q, v);
}

/* ---- derived transforms ---- */

static void derived_transforms_compose_down_a_three_level_tree(void **state) {
    tree t = make_tree(*state);
    /* OGRE: tree_a..c, _getDerivedPosition/_getDerivedOrientation/_getDerivedScale. */
    assert_vector(kiln_scene_node_get_derived_position(t.a), 1, 2, 3, 1e-6);
    assert_quaternion(kiln_scene_node_get_derived_orientation(t.a), 0.9393727f, 0, 0.3428978f, 0,
                      1e-6);
    assert_vector(kiln_scene_node_get_derived_scale(t.a), 2, 2, 2, 0);
    assert_vector(kiln_scene_node_get_derived_position(t.b), -0.2884353f, 4, 1.470316f, 1e-5);
    assert_quaternion(kiln_scene_node_get_derived_orientation(t.b), 0.9288246f, 0.1403781f,
                      0.3390474f, -0.05124201f, 1e-6);
    assert_vector(kiln_scene_node_get_derived_scale(t.b), 2, 1, 6, 0);
    assert_vector(kiln_scene_node_get_derived_position(t.c), 6.463601f, 2.226879f, 3.277534f, 1e-5);
    assert_quaternion(kiln_scene_node_get_derived_orientation(t.c), 0.9001297f, 0.07022158f,
                      0.3601779f, -0.2347496f, 1e-6);
    assert_vector(kiln_scene_node_get_derived_scale(t.c), 2, 1, 6, 0);
    /* The full transform is the same thing as a matrix. */
    kiln_matrix4 m = kiln_scene_node_get_full_transform(t.c);
    assert_float_equal(m.m[0][3], 6.463601f, 1e-5);
    assert_float_equal(m.m[1][3], 2.226879f, 1e-5);
    assert_float_equal(m.m[2][3], 3.277534f, 1e-5);
    /* The root of the scene is the world. */
    kiln_scene_node *root = kiln_scene_manager_get_root_scene_node(((fixture *)*state)->scene);
    assert_vector(kiln_scene_node_get_derived_position(root), 0, 0, 0, 0);
    assert_quaternion(kiln_scene_node_get_derived_orientation(root), 1, 0, 0, 0, 0);
}

/* ---- translate ---- */

/* A transform that is not finite, or a space that is none, is refused and leaves the
 * node where it was. */
static void nodes_refuse_transforms_that_are_not_finite(void **state) {
    kiln_scene_node *node = world_child((fixture *)*state);
    const kiln_vector3 at = {1, 2, 3};
    assert_int_equal(kiln_scene_node_set_position(node, &at), KILN_OK);
    const float bad[] = {NAN, INFINITY, -INFINITY};
    for (int i = 0; i < 3; i++) {
        kiln_vector3 v = {0, bad[i], 0};
        kiln_quaternion q = {1, 0, 0, bad[i]};
        assert_int_equal(kiln_scene_node_set_position(node, &v), KILN_ERROR_INVALID_ARGUMENT);
        assert_non_null(
            strstr(kiln_last_error_message(), "kiln_scene_node_set_position: the position"));
        assert_int_equal(kiln_scene_node_set_scale(node, &v), KILN_ERROR_INVALID_ARGUMENT);
        assert_int_equal(kiln_scene_node_translate(node, &v, KILN_TS_PARENT),
                         KILN_ERROR_INVALID_ARGUMENT);
        assert_int_equal(kiln_scene_node_set_orientation(node, &q), KILN_ERROR_INVALID_ARGUMENT);
        assert_int_equal(kiln_scene_node_rotate(node, &q, KILN_TS_LOCAL),
                         KILN_ERROR_INVALID_ARGUMENT);
        assert_int_equal(kiln_scene_node_yaw(node, bad[i], KILN_TS_LOCAL),
                         KILN_ERROR_INVALID_ARGUMENT);
    }
    assert_int_equal(kiln_scene_node_yaw(node, 1.0f, (kiln_transform_space)99),
                     KILN_ERROR_INVALID_ARGUMENT);
    assert_non_null(strstr(kiln_last_error_message(), "99 is not a kiln_transform_space"));
    assert_int_equal(kiln_scene_node_translate(node, &at, (kiln_transform_space)-1),
                     KILN_ERROR_INVALID_ARGUMENT);
    kiln_vector3 p = kiln_scene_node_get_position(node);
    kiln_quaternion o = kiln_scene_node_get_orientation(node);
    kiln_vector3 s = kiln_scene_node_get_scale(node);
    assert_true(p.x == 1 && p.y == 2 && p.z == 3);
    assert_true(o.w == 1 && o.x == 0 && o.y == 0 && o.z == 0);
    assert_true(s.x == 1 && s.y == 1 && s.z == 1);
}

static void translate_moves_along_the_axes_of_each_space(void **state) {
    const kiln_vector3 offset = {1, 2, 3};
    /* OGRE: c.translate((1, 2, 3), space); c.getPosition(), c._getDerivedPosition(). */
    tree t = make_tree(*state);
    kiln_scene_node_translate(t.c, &offset, KILN_TS_LOCAL);
    assert_vector(kiln_scene_node_get_position(t.c), 3.699898f, 1.452704f, 4, 1e-5);
    assert_vector(kiln_scene_node_get_derived_position(t.c), 20.41848f, -1.704665f, 14.56795f,
                  1e-4);

    t = make_tree(*state);
    kiln_scene_node_translate(t.c, &offset, KILN_TS_PARENT);
    assert_vector(kiln_scene_node_get_position(t.c), 3, 2, 4, 1e-6);
    assert_vector(kiln_scene_node_get_derived_position(t.c), 19.45205f, -1.181813f, 15.59342f,
                  1e-4);

    /* In world space the node moves by exactly the offset, whatever its parents. */
    t = make_tree(*state);
    kiln_scene_node_translate(t.c, &offset, KILN_TS_WORLD);
    assert_vector(kiln_scene_node_get_position(t.c), 1.416095f, 2.779131f, 1.369408f, 1e-5);
    assert_vector(kiln_scene_node_get_derived_position(t.c), 7.463601f, 4.226879f, 6.277534f, 1e-5);

    /* Under the root, parent and world space agree; local follows the node's turn. */
    kiln_scene_node *n = world_child(*state);
    kiln_quaternion quarter = kiln_quaternion_from_angle_axis(PI_F / 2, (kiln_vector3){0, 1, 0});
    kiln_scene_node_set_orientation(n, &quarter);
    kiln_scene_node_translate(n, &(kiln_vector3){0, 0, -1}, KILN_TS_LOCAL);
    assert_vector(kiln_scene_node_get_position(n), -1, 0, 0, 1e-6);
    kiln_scene_node_translate(n, &(kiln_vector3){0, 0, -1}, KILN_TS_WORLD);
    kiln_scene_node_translate(n, &(kiln_vector3){0, 5, 0}, KILN_TS_PARENT);
    assert_vector(kiln_scene_node_get_position(n), -1, 5, -1, 1e-6);
    /* A NULL offset changes nothing. */
    kiln_scene_node_translate(n, NULL, KILN_TS_LOCAL);
    assert_vector(kiln_scene_node_get_position(n), -1, 5, -1, 1e-6);
}

/* ---- rotate, yaw, pitch, roll ---- */

static void rotate_turns_about_the_axes_of_each_space(void **state) {
    kiln_quaternion q = kiln_quaternion_from_angle_axis(0.5f, (kiln_vector3){1, 1, 0});
    /* OGRE: c.rotate(Quaternion(Radian(0.5), (1, 1, 0) normalised), space);
     * c.getOrientation(), c._getDerivedOrientation(). */
    tree t = make_tree(*state);
    kiln_scene_node_rotate(t.c, &q, KILN_TS_LOCAL);
    assert_quaternion(kiln_scene_node_get_orientation(t.c), 0.9495987f, 0.2062093f, 0.1366984f,
                      -0.1924932f, 1e-6);
    assert_quaternion(kiln_scene_node_get_derived_orientation(t.c), 0.7968524f, 0.2665755f,
                      0.4653831f, -0.278177f, 1e-6);

    t = make_tree(*state);
    kiln_scene_node_rotate(t.c, &q, KILN_TS_PARENT);
    assert_quaternion(kiln_scene_node_get_orientation(t.c), 0.9495987f, 0.1366984f, 0.2062093f,
                      -0.1924932f, 1e-6);
    assert_quaternion(kiln_scene_node_get_derived_orientation(t.c), 0.7830427f, 0.205574f,
                      0.5335084f, -0.2448517f, 1e-6);

    t = make_tree(*state);
    kiln_scene_node_rotate(t.c, &q, KILN_TS_WORLD);
    assert_quaternion(kiln_scene_node_get_orientation(t.c), 0.9607178f, 0.09131528f, 0.2230197f,
                      -0.1376409f, 1e-6);
    assert_quaternion(kiln_scene_node_get_derived_orientation(t.c), 0.7968524f, 0.1844408f,
                      0.5475177f, -0.1767265f, 1e-6);
    /* A world rotation is applied on top of the derived orientation: q * derived. */
    kiln_quaternion expected = kiln_quaternion_multiply(
        q, (kiln_quaternion){0.9001297f, 0.07022158f, 0.3601779f, -0.2347496f});
    kiln_quaternion derived = kiln_scene_node_get_derived_orientation(t.c);
    assert_quaternion(derived, expected.w, expected.x, expected.y, expected.z, 1e-6);

    /* The orientation stays a unit quaternion even when q is not one. */
    kiln_quaternion long_q = {2, 0, 0, 0};
    kiln_scene_node_rotate(t.c, &long_q, KILN_TS_LOCAL);
    kiln_quaternion o = kiln_scene_node_get_orientation(t.c);
    assert_float_equal(o.w * o.w + o.x * o.x + o.y * o.y + o.z * o.z, 1, 1e-6);
}

static void yaw_pitch_and_roll_turn_about_y_x_and_z(void **state) {
    /* OGRE: c.yaw/pitch/roll(Radian(0.6), space); c.getOrientation(). */
    static const struct {
        kiln_result (*turn)(kiln_scene_node *, float, kiln_transform_space);
        kiln_transform_space space;
        float w, x, y, z;
    } cases[] = {
        {kiln_scene_node_yaw, KILN_TS_LOCAL, 0.9362934f, 0.0587108f, 0.2896295f, -0.1897961f},
        {kiln_scene_node_yaw, KILN_TS_PARENT, 0.9362934f, -0.0587108f, 0.2896295f, -0.1897961f},
        {kiln_scene_node_yaw, KILN_TS_WORLD, 0.9189432f, -0.05608858f, 0.2766936f, -0.2753874f},
        {kiln_scene_node_pitch, KILN_TS_LOCAL, 0.9362934f, 0.2896295f, -0.0587108f, -0.1897961f},
        {kiln_scene_node_pitch, KILN_TS_PARENT, 0.9362934f, 0.2896295f, 0.0587108f, -0.1897961f},
        {kiln_scene_node_pitch, KILN_TS_WORLD, 0.9724267f, 0.2103435f, 0.100044f, -0.01154514f},
        {kiln_scene_node_roll, KILN_TS_LOCAL, 0.9950042f, 0, 0, 0.09983343f},
        {kiln_scene_node_roll, KILN_TS_PARENT, 0.9950042f, 0, 0, 0.09983343f},
        {kiln_scene_node_roll, KILN_TS_WORLD, 0.9791924f, -0.1998546f, 0.02764131f, 0.02183089f},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        tree t = make_tree(*state);
        cases[i].turn(t.c, 0.6f, cases[i].space);
        assert_quaternion(kiln_scene_node_get_orientation(t.c), cases[i].w, cases[i].x, cases[i].y,
                          cases[i].z, 1e-6);
    }
    /* By hand: a quarter yaw turns -Z to -X; a quarter pitch turns -Z to +Y; a
     * quarter roll turns +X to +Y. */
    kiln_scene_node *n = world_child(*state);
    kiln_scene_node_yaw(n, PI_F / 2, KILN_TS_LOCAL);
    assert_vector(axis_of(kiln_scene_node_get_orientation(n), (kiln_vector3){0, 0, -1}), -1, 0, 0,
                  1e-6);
    n = world_child(*state);
    kiln_scene_node_pitch(n, PI_F / 2, KILN_TS_LOCAL);
    assert_vector(axis_of(kiln_scene_node_get_orientation(n), (kiln_vector3){0, 0, -1}), 0, 1, 0,
                  1e-6);
    n = world_child(*state);
    kiln_scene_node_roll(n, PI_F / 2, KILN_TS_LOCAL);
    assert_vector(axis_of(kiln_scene_node_get_orientation(n), (kiln_vector3){1, 0, 0}), 0, 1, 0,
                  1e-6);
    /* Local turns follow the node's own axes: after a yaw, a pitch turns about the
     * turned X axis, while a parent-space pitch still turns about the parent's X. */
    n = world_child(*state);
    kiln_scene_node_yaw(n, PI_F / 2, KILN_TS_LOCAL);
    kiln_scene_node_pitch(n, PI_F / 2, KILN_TS_LOCAL);
    assert_vector(axis_of(kiln_scene_node_get_orientation(n), (kiln_vector3){0, 0, -1}), 0, 1, 0,
                  1e-6);
    n = world_child(*state);
    kiln_scene_node_yaw(n, PI_F / 2, KILN_TS_LOCAL);
    kiln_scene_node_pitch(n, PI_F / 2, KILN_TS_PARENT);
    assert_vector(axis_of(kiln_scene_node_get_orientation(n), (kiln_vector3){0, 0, -1}), -1, 0, 0,
                  1e-6);
}

/* ---- look_at ---- */

/* By default look_at turns by the shortest arc, as OGRE's SceneNode::lookAt does
 * without a fixed yaw axis. OGRE 1.12.10 printed these (node.lookAt / setDirection on
 * fresh children of the root). */
static void look_at_turns_by_the_shortest_arc_by_default(void **state) {
    fixture *f = *state;
    kiln_scene_node *n = world_child(f);
    assert_false(kiln_scene_node_get_yaw_fixed(n));
    kiln_scene_node_set_position(n, &(kiln_vector3){1, 2, 3});
    assert_int_equal(kiln_scene_node_look_at(n, &(kiln_vector3){-4, 0, -7}, KILN_TS_WORLD),
                     KILN_OK);
    assert_same_rotation(kiln_scene_node_get_orientation(n), 0.9696522f, -0.09080069f, 0.2270017f,
                         0, 1e-6);
    /* From a yawed start: yaw(0.4), lookAt((3, 1, 2), TS_WORLD). */
    n = world_child(f);
    kiln_scene_node_yaw(n, 0.4f, KILN_TS_LOCAL);
    assert_int_equal(kiln_scene_node_look_at(n, &(kiln_vector3){3, 1, 2}, KILN_TS_WORLD), KILN_OK);
    assert_same_rotation(kiln_scene_node_get_orientation(n), 0.4748961f, 0.4189543f, -0.7692455f,
                         -0.08492623f, 1e-5);
    /* Straight behind: half a turn about the node's own Y. */
    n = world_child(f);
    assert_int_equal(kiln_scene_node_look_at(n, &(kiln_vector3){0, 0, 5}, KILN_TS_WORLD), KILN_OK);
    assert_same_rotation(kiln_scene_node_get_orientation(n), 0, 0, 1, 0, 1e-6);
    /* setDirection((1, 1, -1), TS_LOCAL). */
    n = world_child(f);
    assert_int_equal(kiln_scene_node_set_direction(n, &(kiln_vector3){1, 1, -1}, KILN_TS_LOCAL),
                     KILN_OK);
    assert_same_rotation(kiln_scene_node_get_orientation(n), 0.8880739f, 0.3250576f, -0.3250576f, 0,
                         1e-6);
    assert_int_equal(kiln_scene_node_set_direction(n, &(kiln_vector3){0, 0, 0}, KILN_TS_LOCAL),
                     KILN_ERROR_INVALID_ARGUMENT);
    assert_int_equal(kiln_scene_node_set_fixed_yaw_axis(n, true, &(kiln_vector3){0, 0, 0}),
                     KILN_ERROR_INVALID_ARGUMENT);
}

/* The cases below are OGRE's with node.setFixedYawAxis(True). */
static void look_at_points_minus_z_at_the_target_with_x_level(void **state) {
    fixture *f = *state;
    /* OGRE: the example of the module comment, (0.9974843, -0.07088903, 0, 0). */
    kiln_scene_node *n = world_child(f);
    assert_int_equal(kiln_scene_node_set_fixed_yaw_axis(n, true, NULL), KILN_OK);
    assert_true(kiln_scene_node_get_yaw_fixed(n));
    kiln_scene_node_set_position(n, &(kiln_vector3){0, 2, 4});
    assert_int_equal(kiln_scene_node_look_at(n, &(kiln_vector3){0, 0, -10}, KILN_TS_WORLD),
                     KILN_OK);
    assert_same_rotation(kiln_scene_node_get_orientation(n), 0.9974843f, -0.07088903f, 0, 0, 1e-6);

    /* OGRE: position (1, 2, 3), lookAt((-4, 0, -7), TS_WORLD). */
    n = world_child(f);
    assert_int_equal(kiln_scene_node_set_fixed_yaw_axis(n, true, NULL), KILN_OK);
    kiln_scene_node_set_position(n, &(kiln_vector3){1, 2, 3});
    assert_int_equal(kiln_scene_node_look_at(n, &(kiln_vector3){-4, 0, -7}, KILN_TS_WORLD),
                     KILN_OK);
    kiln_quaternion o = kiln_scene_node_get_orientation(n);
    assert_same_rotation(o, -0.9694396f, 0.08602652f, -0.2288536f, -0.02030811f, 1e-6);
    /* What that means: -Z towards the target, X horizontal, Y upwards. */
    kiln_vector3 d = {-5, -2, -10};
    float len = sqrtf(d.x * d.x + d.y * d.y + d.z * d.z);
    assert_vector(axis_of(o, (kiln_vector3){0, 0, -1}), d.x / len, d.y / len, d.z / len, 1e-6);
    assert_float_equal(axis_of(o, (kiln_vector3){1, 0, 0}).y, 0, 1e-6);
    assert_true(axis_of(o, (kiln_vector3){0, 1, 0}).y > 0);

    /* Under the turned, scaled tree, in each space. OGRE: c.lookAt((3, -1, 2), space);
     * c.getOrientation(), c._getDerivedOrientation(). */
    static const struct {
        kiln_transform_space space;
        float local[4], derived[4];
    } cases[] = {
        {KILN_TS_LOCAL,
         {-0.4033368f, 0.1230998f, 0.8672414f, 0.2646852f},
         {-0.6723827f, 0.1918985f, 0.6253009f, 0.3465189f}},
        {KILN_TS_PARENT,
         {-0.3647052f, 0.1159169f, 0.8804762f, 0.2798482f},
         {-0.6392025f, 0.196469f, 0.6489313f, 0.3629164f}},
        {KILN_TS_WORLD,
         {0.8301152f, -0.4348534f, 0.3091637f, 0.1619544f},
         {0.7355531f, -0.2166201f, 0.5681551f, 0.2987263f}},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        tree t = make_tree(f);
        assert_int_equal(kiln_scene_node_set_fixed_yaw_axis(t.c, true, NULL), KILN_OK);
        assert_int_equal(kiln_scene_node_look_at(t.c, &(kiln_vector3){3, -1, 2}, cases[i].space),
                         KILN_OK);
        const float *l = cases[i].local, *w = cases[i].derived;
        assert_same_rotation(kiln_scene_node_get_orientation(t.c), l[0], l[1], l[2], l[3], 1e-5);
        assert_same_rotation(kiln_scene_node_get_derived_orientation(t.c), w[0], w[1], w[2], w[3],
                             1e-5);
        /* X stays perpendicular to the parent's Y axis (its yaw axis). */
        kiln_vector3 x =
            axis_of(kiln_scene_node_get_derived_orientation(t.c), (kiln_vector3){1, 0, 0});
        kiln_vector3 up =
            axis_of(kiln_scene_node_get_derived_orientation(t.b), (kiln_vector3){0, 1, 0});
        assert_float_equal(x.x * up.x + x.y * up.y + x.z * up.z, 0, 1e-5);
    }
}

static void look_at_refuses_its_own_position_and_handles_straight_up(void **state) {
    fixture *f = *state;
    kiln_scene_node *n = world_child(f);
    kiln_scene_node_set_position(n, &(kiln_vector3){1, 2, 3});
    kiln_quaternion before = kiln_scene_node_get_orientation(n);
    assert_int_equal(kiln_scene_node_look_at(n, &(kiln_vector3){1, 2, 3}, KILN_TS_WORLD),
                     KILN_ERROR_INVALID_ARGUMENT);
    assert_non_null(strstr(kiln_last_error_message(), "own position"));
    assert_int_equal(kiln_scene_node_look_at(n, &(kiln_vector3){1, 2, 3}, KILN_TS_PARENT),
                     KILN_ERROR_INVALID_ARGUMENT);
    /* In local space the node's position is the origin. */
    assert_int_equal(kiln_scene_node_look_at(n, &(kiln_vector3){0, 0, 0}, KILN_TS_LOCAL),
                     KILN_ERROR_INVALID_ARGUMENT);
    assert_int_equal(kiln_scene_node_look_at(n, &(kiln_vector3){NAN, 0, 0}, KILN_TS_WORLD),
                     KILN_ERROR_INVALID_ARGUMENT);
    assert_int_equal(kiln_scene_node_look_at(n, NULL, KILN_TS_WORLD), KILN_ERROR_INVALID_ARGUMENT);
    assert_int_equal(kiln_scene_node_look_at(n, &(kiln_vector3){0, 0, 0}, (kiln_transform_space)7),
                     KILN_ERROR_INVALID_ARGUMENT);
    /* A failed look_at leaves the node as it was. */
    assert_quaternion(kiln_scene_node_get_orientation(n), before.w, before.x, before.y, before.z,
                      0);

    /* Straight up or down the level X axis is undefined: the node keeps its X. */
    assert_int_equal(kiln_scene_node_set_fixed_yaw_axis(n, true, NULL), KILN_OK);
    kiln_scene_node_yaw(n, 0.3f, KILN_TS_LOCAL);
    kiln_vector3 x_before = axis_of(kiln_scene_node_get_orientation(n), (kiln_vector3){1, 0, 0});
    assert_int_equal(kiln_scene_node_look_at(n, &(kiln_vector3){1, 10, 3}, KILN_TS_WORLD), KILN_OK);
    kiln_quaternion o = kiln_scene_node_get_orientation(n);
    assert_vector(axis_of(o, (kiln_vector3){0, 0, -1}), 0, 1, 0, 1e-6);
    kiln_vector3 x = axis_of(o, (kiln_vector3){1, 0, 0});
    assert_vector(x, x_before.x, x_before.y, x_before.z, 1e-6);
    assert_int_equal(kiln_scene_node_look_at(n, &(kiln_vector3){1, -10, 3}, KILN_TS_WORLD),
                     KILN_OK);
    assert_vector(axis_of(kiln_scene_node_get_orientation(n), (kiln_vector3){0, 0, -1}), 0, -1, 0,
                  1e-6);
}

/* ---- cameras ---- */

static kiln_camera *new_camera(fixture *f, const char *name) {
    kiln_camera *cam = NULL;
    assert_int_equal(kiln_scene_manager_create_camera(f->scene, name, &cam), KILN_OK);
    return cam;
}

static void assert_matrix(kiln_matrix4 m, const float expected[4][4], double tolerance) {
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++)
            assert_float_equal(m.m[i][j], expected[i][j], tolerance);
}

static void camera_properties_keep_the_original_defaults_and_refuse_bad_values(void **state) {
    kiln_camera *cam = new_camera(*state, "properties");
    /* OGRE: a new camera's getFOVy, near, far, aspect, ortho height and width. */
    assert_float_equal(kiln_camera_get_fov_y(cam), 0.7853982f, 1e-7);
    assert_float_equal(kiln_camera_get_near_clip_distance(cam), 100, 0);
    assert_float_equal(kiln_camera_get_far_clip_distance(cam), 100000, 0);
    assert_float_equal(kiln_camera_get_aspect_ratio(cam), 1.333333f, 1e-6);
    assert_float_equal(kiln_camera_get_ortho_window_height(cam), 1000, 0);
    assert_float_equal(kiln_camera_get_ortho_window_width(cam), 1333.333f, 1e-3);
    assert_false(kiln_camera_get_auto_aspect_ratio(cam));
    assert_int_equal(kiln_camera_get_projection_type(cam), KILN_PT_PERSPECTIVE);

    /* fov_y lies in (0, pi). */
    assert_int_equal(kiln_camera_set_fov_y(cam, 0), KILN_ERROR_INVALID_ARGUMENT);
    assert_int_equal(kiln_camera_set_fov_y(cam, -1), KILN_ERROR_INVALID_ARGUMENT);
    assert_int_equal(kiln_camera_set_fov_y(cam, PI_F), KILN_ERROR_INVALID_ARGUMENT);
    assert_int_equal(kiln_camera_set_fov_y(cam, NAN), KILN_ERROR_INVALID_ARGUMENT);
    assert_int_equal(kiln_camera_set_fov_y(cam, 1.0f), KILN_OK);
    assert_float_equal(kiln_camera_get_fov_y(cam), 1.0f, 0);

    /* near > 0 and far >= 0 (0: infinite). Like the original engine, the two may be set
     * in either order; a pair with near at or beyond far fails when rendered. */
    assert_int_equal(kiln_camera_set_near_clip_distance(cam, 0), KILN_ERROR_INVALID_ARGUMENT);
    assert_int_equal(kiln_camera_set_near_clip_distance(cam, -1), KILN_ERROR_INVALID_ARGUMENT);
    assert_int_equal(kiln_camera_set_near_clip_distance(cam, INFINITY),
                     KILN_ERROR_INVALID_ARGUMENT);
    assert_int_equal(kiln_camera_set_near_clip_distance(cam, 200000), KILN_OK);
    assert_int_equal(kiln_camera_set_near_clip_distance(cam, 0.5f), KILN_OK);
    assert_int_equal(kiln_camera_set_far_clip_distance(cam, 0.25f), KILN_OK);
    assert_int_equal(kiln_camera_set_far_clip_distance(cam, -3), KILN_ERROR_INVALID_ARGUMENT);
    assert_int_equal(kiln_camera_set_far_clip_distance(cam, NAN), KILN_ERROR_INVALID_ARGUMENT);
    assert_int_equal(kiln_camera_set_far_clip_distance(cam, 50), KILN_OK);
    assert_int_equal(kiln_camera_set_far_clip_distance(cam, 0), KILN_OK);
    /* With an infinite far plane any near distance goes. */
    assert_int_equal(kiln_camera_set_near_clip_distance(cam, 1e6f), KILN_OK);
    assert_float_equal(kiln_camera_get_far_clip_distance(cam), 0, 0);
    assert_float_equal(kiln_camera_get_near_clip_distance(cam), 1e6f, 0);

    assert_int_equal(kiln_camera_set_aspect_ratio(cam, 0), KILN_ERROR_INVALID_ARGUMENT);
    assert_int_equal(kiln_camera_set_aspect_ratio(cam, INFINITY), KILN_ERROR_INVALID_ARGUMENT);
    assert_int_equal(kiln_camera_set_aspect_ratio(cam, 2), KILN_OK);
    kiln_camera_set_auto_aspect_ratio(cam, true);
    assert_true(kiln_camera_get_auto_aspect_ratio(cam));
    assert_int_equal(kiln_camera_set_projection_type(cam, (kiln_projection_type)2),
                     KILN_ERROR_INVALID_ARGUMENT);
    assert_int_equal(kiln_camera_set_projection_type(cam, KILN_PT_ORTHOGRAPHIC), KILN_OK);
    assert_int_equal(kiln_camera_get_projection_type(cam), KILN_PT_ORTHOGRAPHIC);
    assert_int_equal(kiln_camera_set_ortho_window_height(cam, 0), KILN_ERROR_INVALID_ARGUMENT);
    assert_int_equal(kiln_camera_set_ortho_window_width(cam, -1), KILN_ERROR_INVALID_ARGUMENT);
    assert_int_equal(kiln_camera_set_ortho_window(cam, 1, 0), KILN_ERROR_INVALID_ARGUMENT);
    assert_int_equal(kiln_camera_set_ortho_window(cam, NAN, 1), KILN_ERROR_INVALID_ARGUMENT);
    kiln_camera_release(cam);
}

static void the_ortho_window_width_follows_the_aspect_ratio(void **state) {
    kiln_camera *cam = new_camera(*state, "ortho");
    /* OGRE: aspect 2, ortho height 10 -> width 20; setOrthoWindowWidth(30) -> height
     * 15, aspect 2; setOrthoWindow(8, 2) -> height 2, width 8, aspect 4. */
    assert_int_equal(kiln_camera_set_aspect_ratio(cam, 2), KILN_OK);
    assert_int_equal(kiln_camera_set_ortho_window_height(cam, 10), KILN_OK);
    assert_float_equal(kiln_camera_get_ortho_window_width(cam), 20, 0);
    assert_int_equal(kiln_camera_set_ortho_window_width(cam, 30), KILN_OK);
    assert_float_equal(kiln_camera_get_ortho_window_height(cam), 15, 0);
    assert_float_equal(kiln_camera_get_aspect_ratio(cam), 2, 0);
    assert_int_equal(kiln_camera_set_ortho_window(cam, 8, 2), KILN_OK);
    assert_float_equal(kiln_camera_get_ortho_window_height(cam), 2, 0);
    assert_float_equal(kiln_camera_get_ortho_window_width(cam), 8, 0);
    assert_float_equal(kiln_camera_get_aspect_ratio(cam), 4, 0);
    kiln_camera_release(cam);
}

static void projections_match_the_original_engine(void **state) {
    kiln_camera *cam = new_camera(*state, "projection");
    /* OGRE: fov pi/3, aspect 1.5, near 1, far 100, then far 0. */
    assert_int_equal(kiln_camera_set_fov_y(cam, PI_F / 3), KILN_OK);
    assert_int_equal(kiln_camera_set_aspect_ratio(cam, 1.5f), KILN_OK);
    assert_int_equal(kiln_camera_set_near_clip_distance(cam, 1), KILN_OK);
    assert_int_equal(kiln_camera_set_far_clip_distance(cam, 100), KILN_OK);
    const float perspective[4][4] = {
        {1.1547f, 0, 0, 0}, {0, 1.73205f, 0, 0}, {0, 0, -1.0202f, -2.0202f}, {0, 0, -1, 0}};
    assert_matrix(kiln_camera_get_projection_matrix(cam), perspective, 1e-4);
    /* The near plane maps to depth -1 and the far plane to +1, as in OpenGL. */
    kiln_matrix4 p = kiln_camera_get_projection_matrix(cam);
    kiln_vector4 near = kiln_matrix4_transform(p, (kiln_vector4){0, 0, -1, 1});
    kiln_vector4 far = kiln_matrix4_transform(p, (kiln_vector4){0, 0, -100, 1});
    assert_float_equal(near.z / near.w, -1, 1e-6);
    assert_float_equal(far.z / far.w, 1, 1e-5);
    assert_int_equal(kiln_camera_set_far_clip_distance(cam, 0), KILN_OK);
    const float infinite[4][4] = {
        {1.1547f, 0, 0, 0}, {0, 1.73205f, 0, 0}, {0, 0, -0.99999f, -1.99999f}, {0, 0, -1, 0}};
    assert_matrix(kiln_camera_get_projection_matrix(cam), infinite, 1e-5);

    /* OGRE: orthographic, aspect 2, ortho height 10, near 1, far 100; then
     * setOrthoWindow(8, 2) and far 0. */
    assert_int_equal(kiln_camera_set_projection_type(cam, KILN_PT_ORTHOGRAPHIC), KILN_OK);
    assert_int_equal(kiln_camera_set_aspect_ratio(cam, 2), KILN_OK);
    assert_int_equal(kiln_camera_set_ortho_window_height(cam, 10), KILN_OK);
    assert_int_equal(kiln_camera_set_far_clip_distance(cam, 100), KILN_OK);
    const float ortho[4][4] = {
        {0.1f, 0, 0, 0}, {0, 0.2f, 0, 0}, {0, 0, -0.020202f, -1.0202f}, {0, 0, 0, 1}};
    assert_matrix(kiln_camera_get_projection_matrix(cam), ortho, 1e-5);
    assert_int_equal(kiln_camera_set_ortho_window(cam, 8, 2), KILN_OK);
    assert_int_equal(kiln_camera_set_far_clip_distance(cam, 0), KILN_OK);
    const float ortho_infinite[4][4] = {
        {0.25f, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, -1e-05f, -1.00001f}, {0, 0, 0, 1}};
    assert_matrix(kiln_camera_get_projection_matrix(cam), ortho_infinite, 1e-6);
    kiln_camera_release(cam);
}

static void a_camera_sees_from_its_node(void **state) {
    fixture *f = *state;
    kiln_camera *cam = new_camera(f, "viewer");
    /* Detached: at the origin, looking down -Z. */
    assert_vector(kiln_camera_get_derived_position(cam), 0, 0, 0, 0);
    assert_quaternion(kiln_camera_get_derived_orientation(cam), 1, 0, 0, 0, 0);

    /* OGRE: node at (1, 2, 3), yaw(0.5), pitch(-0.25), camera attached. */
    kiln_scene_node *n = world_child(f);
    kiln_scene_node_set_position(n, &(kiln_vector3){1, 2, 3});
    kiln_scene_node_yaw(n, 0.5f, KILN_TS_LOCAL);
    kiln_scene_node_pitch(n, -0.25f, KILN_TS_LOCAL);
    assert_int_equal(kiln_scene_node_attach_object(n, kiln_camera_as_movable_object(cam)), KILN_OK);
    assert_vector(kiln_camera_get_derived_position(cam), 1, 2, 3, 1e-6);
    assert_quaternion(kiln_camera_get_derived_orientation(cam), 0.961353f, -0.120799f, 0.245474f,
                      0.030845f, 1e-6);
    const float view[4][4] = {{0.877583f, 0, -0.479426f, 0.560694f},
                              {-0.118612f, 0.968912f, -0.217117f, -1.16786f},
                              {0.464521f, 0.247404f, 0.850301f, -3.51023f},
                              {0, 0, 0, 1}};
    assert_matrix(kiln_camera_get_view_matrix(cam), view, 1e-5);
    assert_int_equal(kiln_scene_node_detach_object(n, kiln_camera_as_movable_object(cam)), KILN_OK);

    /* OGRE: node at (3, 4, 5) looking at the origin (fixed yaw axis). The origin
     * then lies straight ahead, |(3, 4, 5)| = 7.07107 down the camera's -Z. */
    n = world_child(f);
    kiln_scene_node_set_position(n, &(kiln_vector3){3, 4, 5});
    assert_int_equal(kiln_scene_node_set_fixed_yaw_axis(n, true, NULL), KILN_OK);
    assert_int_equal(kiln_scene_node_look_at(n, &(kiln_vector3){0, 0, 0}, KILN_TS_WORLD), KILN_OK);
    assert_int_equal(kiln_scene_node_attach_object(n, kiln_camera_as_movable_object(cam)), KILN_OK);
    assert_same_rotation(kiln_camera_get_derived_orientation(cam), -0.9204919f, 0.2853791f,
                         -0.2549615f, -0.07904544f, 1e-6);
    const float look_view[4][4] = {{0.857493f, 0, -0.514496f, 0},
                                   {-0.291043f, 0.824621f, -0.485071f, 0},
                                   {0.424264f, 0.565685f, 0.707107f, -7.07107f},
                                   {0, 0, 0, 1}};
    assert_matrix(kiln_camera_get_view_matrix(cam), look_view, 1e-5);
    kiln_camera_release(cam);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(derived_transforms_compose_down_a_three_level_tree),
        cmocka_unit_test(translate_moves_along_the_axes_of_each_space),
        cmocka_unit_test(rotate_turns_about_the_axes_of_each_space),
        cmocka_unit_test(yaw_pitch_and_roll_turn_about_y_x_and_z),
        cmocka_unit_test(look_at_turns_by_the_shortest_arc_by_default),
        cmocka_unit_test(look_at_points_minus_z_at_the_target_with_x_level),
        cmocka_unit_test(look_at_refuses_its_own_position_and_handles_straight_up),
        cmocka_unit_test(camera_properties_keep_the_original_defaults_and_refuse_bad_values),
        cmocka_unit_test(the_ortho_window_width_follows_the_aspect_ratio),
        cmocka_unit_test(projections_match_the_original_engine),
        cmocka_unit_test(a_camera_sees_from_its_node),
        cmocka_unit_test(nodes_refuse_transforms_that_are_not_finite),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
