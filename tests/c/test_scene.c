/* The scene graph: the node tree, attaching objects, transforms and cameras. */
#include <kiln/kiln.h>

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "scene_fixture.h"

static void nodes_form_a_tree(void **state) {
    fixture *f = *state;
    kiln_scene_node *root = kiln_scene_manager_get_root_scene_node(f->scene);
    assert_null(kiln_scene_node_get_parent(root));
    kiln_scene_node *a = NULL, *b = NULL, *c = NULL;
    assert_int_equal(kiln_scene_node_create_child_scene_node(root, &a), KILN_OK);
    assert_int_equal(kiln_scene_node_create_child_scene_node(root, &b), KILN_OK);
    assert_int_equal(kiln_scene_node_create_child_scene_node(a, &c), KILN_OK);
    assert_int_equal(kiln_scene_node_get_num_children(root), 2);
    assert_int_equal(kiln_scene_node_get_num_children(a), 1);
    assert_ptr_equal(kiln_scene_node_get_parent(c), a);
    kiln_scene_node *child = NULL;
    assert_int_equal(kiln_scene_node_get_child(root, 1, &child), KILN_OK);
    assert_ptr_equal(child, b);
    assert_int_equal(kiln_scene_node_get_child(root, 2, &child), KILN_ERROR_OUT_OF_RANGE);
    /* A new node sits at its parent's origin. */
    kiln_vector3 p = kiln_scene_node_get_position(c);
    assert_float_equal(p.x + p.y + p.z, 0, 0);
    kiln_vector3 s = kiln_scene_node_get_scale(c);
    assert_float_equal(s.x * s.y * s.z, 1, 0);
    assert_float_equal(kiln_scene_node_get_orientation(c).w, 1, 0);
}

static void destroying_a_node_destroys_its_subtree_and_detaches_their_objects(void **state) {
    fixture *f = *state;
    kiln_scene_node *root = kiln_scene_manager_get_root_scene_node(f->scene);
    kiln_scene_node *a = NULL, *b = NULL, *c = NULL, *d = NULL;
    assert_int_equal(kiln_scene_node_create_child_scene_node(root, &a), KILN_OK);
    assert_int_equal(kiln_scene_node_create_child_scene_node(root, &b), KILN_OK);
    assert_int_equal(kiln_scene_node_create_child_scene_node(root, &c), KILN_OK);
    assert_int_equal(kiln_scene_node_create_child_scene_node(b, &d), KILN_OK);
    kiln_rectangle2d *rect = NULL;
    assert_int_equal(kiln_rectangle2d_create(true, &rect), KILN_OK);
    kiln_movable_object *mo = kiln_rectangle2d_as_movable_object(rect);
    assert_int_equal(kiln_scene_node_attach_object(d, mo), KILN_OK);
    /* A deep chain under b goes too, without recursion. */
    kiln_scene_node *deep = d;
    for (int i = 0; i < 50000; i++)
        assert_int_equal(kiln_scene_node_create_child_scene_node(deep, &deep), KILN_OK);

    assert_int_equal(kiln_scene_manager_destroy_scene_node(f->scene, b), KILN_OK);
    /* The object is detached and still the caller's; the siblings keep their order. */
    assert_null(kiln_movable_object_get_parent_scene_node(mo));
    assert_int_equal(kiln_scene_node_get_num_children(root), 2);
    kiln_scene_node *child = NULL;
    assert_int_equal(kiln_scene_node_get_child(root, 0, &child), KILN_OK);
    assert_ptr_equal(child, a);
    assert_int_equal(kiln_scene_node_get_child(root, 1, &child), KILN_OK);
    assert_ptr_equal(child, c);
    assert_int_equal(kiln_scene_node_attach_object(c, mo), KILN_OK);
    assert_int_equal(kiln_scene_manager_destroy_scene_node(f->scene, c), KILN_OK);
    assert_int_equal(kiln_scene_node_get_num_children(root), 1);
    kiln_rectangle2d_release(rect);

    /* Not the root, not another scene's node. */
    assert_int_equal(kiln_scene_manager_destroy_scene_node(f->scene, root),
                     KILN_ERROR_INVALID_ARGUMENT);
    assert_non_null(strstr(kiln_last_error_message(), "root"));
    kiln_scene_manager *other = NULL;
    assert_int_equal(kiln_root_create_scene_manager(f->root, &other), KILN_OK);
    assert_int_equal(kiln_scene_manager_destroy_scene_node(other, a), KILN_ERROR_INVALID_ARGUMENT);
    assert_non_null(strstr(kiln_last_error_message(), "another scene manager"));
    assert_int_equal(kiln_scene_manager_destroy_scene_node(f->scene, NULL),
                     KILN_ERROR_INVALID_ARGUMENT);
    assert_int_equal(kiln_scene_manager_destroy_scene_node(f->scene, a), KILN_OK);
    assert_int_equal(kiln_scene_node_get_num_children(root), 0);
}

static void intrinsics_and_opencv_poses_round_trip(void **state) {
    fixture *f = *state;
    kiln_camera *camera = NULL;
    assert_int_equal(kiln_scene_manager_create_camera(f->scene, "pinhole", &camera), KILN_OK);
    assert_int_equal(kiln_camera_set_intrinsics(camera, 600.0f, 450.0f, 310.5f, 250.25f, 640, 480),
                     KILN_OK);
    assert_false(kiln_camera_get_auto_aspect_ratio(camera));
    float fx, fy, cx, cy;
    assert_int_equal(kiln_camera_get_intrinsics(camera, 640, 480, &fx, &fy, &cx, &cy), KILN_OK);
    assert_float_equal(fx, 600.0f, 1e-3);
    assert_float_equal(fy, 450.0f, 1e-3);
    assert_float_equal(cx, 310.5f, 1e-3);
    assert_float_equal(cy, 250.25f, 1e-3);
    /* The principal point's ray is the view axis at window (cx + 0.5, cy + 0.5). */
    kiln_matrix4 p = kiln_camera_get_projection_matrix(camera);
    kiln_vector4 clip = kiln_matrix4_transform(p, (kiln_vector4){0.0f, 0.0f, -3.0f, 1.0f});
    assert_float_equal((clip.x / clip.w + 1.0f) * 0.5f * 640.0f, 311.0f, 1e-3);
    assert_float_equal((1.0f - clip.y / clip.w) * 0.5f * 480.0f, 250.75f, 1e-3);
    assert_int_equal(kiln_camera_set_intrinsics(camera, 0.0f, 450.0f, 1.0f, 1.0f, 640, 480),
                     KILN_ERROR_INVALID_ARGUMENT);
    assert_int_equal(kiln_camera_set_frustum_extents(camera, 1.0f, -1.0f, 1.0f, -1.0f),
                     KILN_ERROR_INVALID_ARGUMENT);
    kiln_camera_reset_frustum_extents(camera);
    assert_int_equal(kiln_camera_get_intrinsics(camera, 640, 480, &fx, &fy, &cx, &cy), KILN_OK);
    assert_float_equal(cx, 319.5f, 1e-3);

    /* An OpenCV camera-to-world pose: the camera looks down the pose's +Z. */
    kiln_scene_node *node = NULL;
    assert_int_equal(kiln_scene_node_create_child_scene_node(
                         kiln_scene_manager_get_root_scene_node(f->scene), &node),
                     KILN_OK);
    assert_int_equal(kiln_scene_node_attach_object(node, kiln_camera_as_movable_object(camera)),
                     KILN_OK);
    kiln_matrix4 pose = {{{0, 0, 1, 4}, {0, 1, 0, 5}, {-1, 0, 0, 6}, {0, 0, 0, 1}}};
    assert_int_equal(kiln_scene_node_set_world_pose(node, &pose, KILN_AXES_OPENCV), KILN_OK);
    kiln_matrix4 back;
    assert_int_equal(kiln_scene_node_get_world_pose(node, KILN_AXES_OPENCV, &back), KILN_OK);
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++)
            assert_float_equal(back.m[i][j], pose.m[i][j], 1e-5);
    /* Its view axis, -Z of the node, is the pose's +Z column: world +X. */
    kiln_matrix4 view = kiln_camera_get_view_matrix(camera);
    kiln_vector4 ahead = kiln_matrix4_transform(view, (kiln_vector4){8.0f, 5.0f, 6.0f, 1.0f});
    assert_float_equal(ahead.z, -4.0f, 1e-5);
    pose.m[3][3] = 2.0f;
    assert_int_equal(kiln_scene_node_set_world_pose(node, &pose, KILN_AXES_OPENCV),
                     KILN_ERROR_INVALID_ARGUMENT);
    kiln_camera_release(camera);
}

static void objects_attach_to_one_node_at_a_time(void **state) {
    fixture *f = *state;
    kiln_scene_node *root = kiln_scene_manager_get_root_scene_node(f->scene);
    kiln_scene_node *other = NULL;
    assert_int_equal(kiln_scene_node_create_child_scene_node(root, &other), KILN_OK);
    kiln_rectangle2d *rect = NULL;
    assert_int_equal(kiln_rectangle2d_create(true, &rect), KILN_OK);
    kiln_movable_object *mo = kiln_rectangle2d_as_movable_object(rect);
    assert_string_equal(kiln_movable_object_get_movable_type(mo), "Rectangle2D");
    assert_true(kiln_movable_object_get_visible(mo));
    assert_null(kiln_movable_object_get_parent_scene_node(mo));

    assert_int_equal(kiln_scene_node_attach_object(root, mo), KILN_OK);
    assert_ptr_equal(kiln_movable_object_get_parent_scene_node(mo), root);
    assert_int_equal(kiln_scene_node_get_num_attached_objects(root), 1);
    assert_int_equal(kiln_scene_node_attach_object(other, mo), KILN_ERROR_INVALID_STATE);
    assert_int_equal(kiln_scene_node_detach_object(other, mo), KILN_ERROR_INVALID_ARGUMENT);

    kiln_movable_object *got = NULL;
    assert_int_equal(kiln_scene_node_get_attached_object(root, 0, &got), KILN_OK);
    assert_ptr_equal(got, mo);
    kiln_movable_object_release(got);
    assert_int_equal(kiln_scene_node_get_attached_object(root, 1, &got), KILN_ERROR_OUT_OF_RANGE);

    assert_int_equal(kiln_scene_node_detach_object(root, mo), KILN_OK);
    assert_null(kiln_movable_object_get_parent_scene_node(mo));
    assert_int_equal(kiln_scene_node_get_num_attached_objects(root), 0);
    assert_int_equal(kiln_scene_node_attach_object(other, mo), KILN_OK);
    /* The node's reference keeps the object alive after the caller lets go; the
     * scene releases it when the root goes. */
    kiln_rectangle2d_release(rect);
    assert_int_equal(kiln_scene_node_get_num_attached_objects(other), 1);
}

static void full_transforms_compose_parent_and_child(void **state) {
    fixture *f = *state;
    kiln_scene_node *root = kiln_scene_manager_get_root_scene_node(f->scene);
    kiln_scene_node *parent = NULL, *child = NULL;
    assert_int_equal(kiln_scene_node_create_child_scene_node(root, &parent), KILN_OK);
    assert_int_equal(kiln_scene_node_create_child_scene_node(parent, &child), KILN_OK);
    kiln_vector3 pp = {10, 0, 0}, ps = {2, 2, 2}, cp = {1, 0, 0};
    kiln_quaternion quarter = kiln_quaternion_from_angle_axis(PI_F / 2, (kiln_vector3){0, 0, 1});
    kiln_scene_node_set_position(parent, &pp);
    kiln_scene_node_set_scale(parent, &ps);
    kiln_scene_node_set_orientation(parent, &quarter);
    kiln_scene_node_set_position(child, &cp);
    /* The child's origin: (1,0,0) scaled to (2,0,0), turned to (0,2,0), moved by 10 in x. */
    kiln_matrix4 m = kiln_scene_node_get_full_transform(child);
    kiln_vector4 o = kiln_matrix4_transform(m, (kiln_vector4){0, 0, 0, 1});
    assert_float_equal(o.x, 10, 1e-5);
    assert_float_equal(o.y, 2, 1e-5);
    assert_float_equal(o.z, 0, 1e-5);
    /* A point one unit along the child's x axis is scaled by 2 and turned too. */
    kiln_vector4 x = kiln_matrix4_transform(m, (kiln_vector4){1, 0, 0, 1});
    assert_float_equal(x.x, 10, 1e-5);
    assert_float_equal(x.y, 4, 1e-5);
}

static void cameras_are_named_and_default_like_the_original(void **state) {
    fixture *f = *state;
    kiln_camera *cam = NULL;
    assert_int_equal(kiln_scene_manager_create_camera(f->scene, "cam", &cam), KILN_OK);
    assert_int_equal(kiln_scene_manager_create_camera(f->scene, "cam", NULL),
                     KILN_ERROR_INVALID_ARGUMENT);
    assert_true(kiln_scene_manager_has_camera(f->scene, "cam"));
    assert_false(kiln_scene_manager_has_camera(f->scene, "other"));
    kiln_camera *again = NULL;
    assert_int_equal(kiln_scene_manager_get_camera(f->scene, "cam", &again), KILN_OK);
    assert_ptr_equal(again, cam);
    kiln_camera_release(again);
    assert_int_equal(kiln_scene_manager_get_camera(f->scene, "other", &again),
                     KILN_ERROR_NOT_FOUND);
    kiln_movable_object *mo = kiln_camera_as_movable_object(cam);
    assert_string_equal(kiln_movable_object_get_name(mo), "cam");
    assert_string_equal(kiln_movable_object_get_movable_type(mo), "Camera");
    assert_int_equal(kiln_camera_get_projection_type(cam), KILN_PT_PERSPECTIVE);
    assert_float_equal(kiln_camera_get_fov_y(cam), PI_F / 4, 1e-6);
    assert_false(kiln_camera_get_auto_aspect_ratio(cam));
    assert_int_equal(kiln_camera_set_fov_y(cam, 0), KILN_ERROR_INVALID_ARGUMENT);
    assert_int_equal(kiln_camera_set_fov_y(cam, 4), KILN_ERROR_INVALID_ARGUMENT);
    assert_int_equal(kiln_camera_set_near_clip_distance(cam, -1), KILN_ERROR_INVALID_ARGUMENT);
    assert_int_equal(kiln_camera_set_aspect_ratio(cam, 0), KILN_ERROR_INVALID_ARGUMENT);
    kiln_colour ambient = kiln_scene_manager_get_ambient_light(f->scene);
    assert_float_equal(ambient.r + ambient.g + ambient.b, 0, 0);
    kiln_camera_release(cam);
}

static void a_detached_camera_looks_down_minus_z_from_the_origin(void **state) {
    fixture *f = *state;
    kiln_camera *cam = NULL;
    assert_int_equal(kiln_scene_manager_create_camera(f->scene, "c", &cam), KILN_OK);
    kiln_matrix4 view = kiln_camera_get_view_matrix(cam);
    kiln_matrix4 id = kiln_matrix4_identity();
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++)
            assert_float_equal(view.m[i][j], id.m[i][j], 1e-6);
    /* Attached to a node at z = 10, turned half about y, it sees the origin 10 ahead. */
    kiln_scene_node *node = NULL;
    assert_int_equal(kiln_scene_node_create_child_scene_node(
                         kiln_scene_manager_get_root_scene_node(f->scene), &node),
                     KILN_OK);
    kiln_vector3 pos = {0, 0, 10};
    kiln_scene_node_set_position(node, &pos);
    assert_int_equal(kiln_scene_node_attach_object(node, kiln_camera_as_movable_object(cam)),
                     KILN_OK);
    view = kiln_camera_get_view_matrix(cam);
    kiln_vector4 o = kiln_matrix4_transform(view, (kiln_vector4){0, 0, 0, 1});
    assert_float_equal(o.z, -10, 1e-5);
    kiln_quaternion half = kiln_quaternion_from_angle_axis(PI_F, (kiln_vector3){0, 1, 0});
    kiln_scene_node_set_orientation(node, &half);
    view = kiln_camera_get_view_matrix(cam);
    o = kiln_matrix4_transform(view, (kiln_vector4){0, 0, 0, 1});
    assert_float_equal(o.z, 10, 1e-4);
    kiln_camera_release(cam);
}

static void projections_map_the_frustum_to_clip_space(void **state) {
    fixture *f = *state;
    kiln_camera *cam = NULL;
    assert_int_equal(kiln_scene_manager_create_camera(f->scene, "p", &cam), KILN_OK);
    assert_int_equal(kiln_camera_set_near_clip_distance(cam, 1), KILN_OK);
    assert_int_equal(kiln_camera_set_far_clip_distance(cam, 100), KILN_OK);
    assert_int_equal(kiln_camera_set_aspect_ratio(cam, 2), KILN_OK);
    assert_int_equal(kiln_camera_set_fov_y(cam, PI_F / 2), KILN_OK);
    kiln_matrix4 proj = kiln_camera_get_projection_matrix(cam);
    /* The near plane maps to z = -1, the far to +1; the top edge at the near plane to y = 1. */
    kiln_vector4 n = kiln_matrix4_transform(proj, (kiln_vector4){0, 1, -1, 1});
    assert_float_equal(n.z / n.w, -1, 1e-5);
    assert_float_equal(n.y / n.w, 1, 1e-5);
    kiln_vector4 r = kiln_matrix4_transform(proj, (kiln_vector4){2, 0, -1, 1});
    assert_float_equal(r.x / r.w, 1, 1e-5);
    kiln_vector4 far = kiln_matrix4_transform(proj, (kiln_vector4){0, 0, -100, 1});
    assert_float_equal(far.z / far.w, 1, 1e-4);
    /* An infinite far plane keeps distant points just inside. */
    assert_int_equal(kiln_camera_set_far_clip_distance(cam, 0), KILN_OK);
    proj = kiln_camera_get_projection_matrix(cam);
    kiln_vector4 distant = kiln_matrix4_transform(proj, (kiln_vector4){0, 0, -1e6f, 1});
    assert_true(distant.z / distant.w < 1.0f);
    /* Orthographic: the window height spans [-1, 1] in y. */
    assert_int_equal(kiln_camera_set_projection_type(cam, KILN_PT_ORTHOGRAPHIC), KILN_OK);
    assert_int_equal(kiln_camera_set_far_clip_distance(cam, 100), KILN_OK);
    assert_int_equal(kiln_camera_set_ortho_window_height(cam, 10), KILN_OK);
    proj = kiln_camera_get_projection_matrix(cam);
    kiln_vector4 top = kiln_matrix4_transform(proj, (kiln_vector4){10, 5, -1, 1});
    assert_float_equal(top.y, 1, 1e-5);
    assert_float_equal(top.x, 1, 1e-5);
    assert_float_equal(top.z, -1, 1e-5);
    kiln_camera_release(cam);
}

static void a_rectangle_holds_a_reference_to_its_material(void **state) {
    fixture *f = *state;
    kiln_material *m = NULL;
    assert_int_equal(
        kiln_material_manager_create(kiln_root_get_material_manager(f->root), "rm", NULL, &m),
        KILN_OK);
    kiln_rectangle2d *rect = NULL;
    assert_int_equal(kiln_rectangle2d_create(false, &rect), KILN_OK);
    kiln_material *got = NULL;
    assert_int_equal(kiln_rectangle2d_get_material(rect, &got), KILN_OK);
    assert_null(got);
    kiln_rectangle2d_set_material(rect, m);
    kiln_material_release(m);
    assert_int_equal(
        kiln_material_manager_remove(kiln_root_get_material_manager(f->root), "rm", NULL), KILN_OK);
    assert_int_equal(kiln_rectangle2d_get_material(rect, &got), KILN_OK);
    assert_string_equal(kiln_material_get_name(got), "rm");
    kiln_material_release(got);
    kiln_rectangle2d_release(rect);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(nodes_form_a_tree, setup, teardown),
        cmocka_unit_test_setup_teardown(intrinsics_and_opencv_poses_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(
            destroying_a_node_destroys_its_subtree_and_detaches_their_objects, setup, teardown),
        cmocka_unit_test_setup_teardown(objects_attach_to_one_node_at_a_time, setup, teardown),
        cmocka_unit_test_setup_teardown(full_transforms_compose_parent_and_child, setup, teardown),
        cmocka_unit_test_setup_teardown(cameras_are_named_and_default_like_the_original, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(a_detached_camera_looks_down_minus_z_from_the_origin, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(projections_map_the_frustum_to_clip_space, setup, teardown),
        cmocka_unit_test_setup_teardown(a_rectangle_holds_a_reference_to_its_material, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
