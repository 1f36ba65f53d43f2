"""Cameras as vision users describe them: intrinsics (fx, fy, cx, cy) with fx != fy and
the principal point off centre, a projection matrix of one's own, poses in OpenCV's axes,
and depth back-projected to points. A point projected by K lands on the pixel K says,
to within 0.01 pixel."""

import numpy as np
import pytest

import kiln
import kiln.numpy

W, H = 160, 120
K = np.array([[150.0, 0.0, 70.3], [0.0, 110.0, 52.6], [0.0, 0.0, 1.0]])


def scene(width=W, height=H):
    root = kiln.Root(num_threads=2)
    sm = root.create_scene_manager()
    camera = sm.create_camera("camera")
    camera.near_clip_distance = 0.1
    camera.far_clip_distance = 100.0
    node = sm.root_scene_node.create_child_scene_node()
    node.attach_object(camera)
    target = root.create_render_texture("target", width, height, kiln.PF_BYTE_RGB)
    viewport = target.add_viewport(camera)
    viewport.background_colour = (0, 0, 0)
    material = root.material_manager.create("white", "General")
    material.techniques[0].passes[0].lighting_enabled = False
    return root, sm, camera, node, target


def kiln_pixel(camera, world_point):
    """Where Kiln's own matrices put a world point: (u, v) with pixel centres at whole
    coordinates, as the rasterizer maps clip space to the target."""
    p = np.append(np.asarray(world_point, np.float64), 1.0)
    view = np.array(camera.view_matrix, np.float64).reshape(4, 4)
    proj = np.array(camera.projection_matrix, np.float64).reshape(4, 4)
    clip = proj @ view @ p
    ndc = clip[:3] / clip[3]
    return (ndc[0] + 1) / 2 * W - 0.5, (1 - ndc[1]) / 2 * H - 0.5


def opencv_pixel(point_cv):
    u, v, w = K @ np.asarray(point_cv, np.float64)
    return u / w, v / w


def random_points_cv(n=50, seed=3):
    rng = np.random.default_rng(seed)
    z = rng.uniform(0.5, 20.0, n)
    u, v = rng.uniform(0, W, n), rng.uniform(0, H, n)
    xy = np.linalg.inv(K) @ np.stack([u * z, v * z, z])
    return xy.T


def test_k_projects_points_to_the_pixels_it_says():
    root, sm, camera, node, target = scene()
    camera.set_intrinsics(K, W, H)
    for point in random_points_cv():
        # OpenCV camera axes at the origin: Kiln's camera looks down -Z with Y up.
        world = (point[0], -point[1], -point[2])
        u, v = kiln_pixel(camera, world)
        eu, ev = opencv_pixel(point)
        assert abs(u - eu) < 0.01 and abs(v - ev) < 0.01, ((u, v), (eu, ev))
    np.testing.assert_allclose(camera.intrinsics_matrix(W, H), K, rtol=1e-5, atol=1e-4)
    fx, fy, cx, cy = camera.get_intrinsics(W, H)
    assert fx != fy and abs(cx - W / 2) > 5 and abs(cy - H / 2) > 5


def test_a_drawn_point_lands_in_the_pixel_k_names_and_depth_back_projects_to_the_plane():
    root, sm, camera, node, target = scene()
    camera.set_intrinsics(float(K[0, 0]), float(K[1, 1]), float(K[0, 2]), float(K[1, 2]), W, H)
    # Single points, away from pixel borders, in OpenCV coordinates.
    cases = [(12.2, 8.9, 3.0), (140.7, 100.1, 7.5), (70.3, 52.6, 2.0), (33.0, 97.8, 15.0)]
    mo = sm.create_manual_object("points")
    mo.begin("white", kiln.OT_POINT_LIST)
    for u, v, z in cases:
        x, y, _ = np.linalg.inv(K) @ np.array([u * z, v * z, z])
        mo.position(x, -y, -z)
    mo.end()
    sm.root_scene_node.attach_object(mo)
    target.update()
    lit = np.argwhere(target.read()[..., 0] > 0)
    assert sorted(map(tuple, lit)) == sorted((round(v), round(u)) for u, v, _ in cases)

    # A plane 4 units in front, tilted: every pixel's back-projected point lies on it,
    # where the ray K^-1 (u, v, 1) meets it.
    sm.root_scene_node.detach_object(mo)
    normal = np.array([0.2, -0.1, 1.0]) / np.linalg.norm([0.2, -0.1, 1.0])  # OpenCV axes
    corners = []
    for u, v in ((-50, -50), (W + 50, -50), (W + 50, H + 50), (-50, H + 50)):
        ray = np.linalg.inv(K) @ np.array([u, v, 1.0])
        corners.append(ray * (4.0 / (normal @ ray)))
    plane = sm.create_manual_object("plane")
    plane.begin("white", kiln.OT_TRIANGLE_LIST)
    for c in corners:
        plane.position(c[0], -c[1], -c[2])
    plane.quad(0, 3, 2, 1)
    plane.end()
    sm.root_scene_node.attach_object(plane)
    target.update()
    assert (target.read()[..., 0] > 0).all()
    points = kiln.numpy.depth_to_points(target, axes="opencv")
    assert points.shape == (H, W, 3) and points.dtype == np.float32
    u, v = np.meshgrid(np.arange(W), np.arange(H))
    rays = np.stack([u, v, np.ones_like(u)], axis=-1) @ np.linalg.inv(K).T
    expected = rays * (4.0 / (rays @ normal))[..., None]
    np.testing.assert_allclose(points, expected, rtol=2e-4, atol=2e-4)
    # Reprojected by K, each point is its own pixel, to within 0.01.
    uvw = points.astype(np.float64) @ K.T
    assert np.abs(uvw[..., 0] / uvw[..., 2] - u).max() < 0.01
    assert np.abs(uvw[..., 1] / uvw[..., 2] - v).max() < 0.01


def test_an_opencv_pose_places_the_camera_as_opencv_would():
    root, sm, camera, node, target = scene()
    camera.set_intrinsics(K, W, H)
    angle = 0.4
    R = np.array([[np.cos(angle), 0, np.sin(angle)], [0, 1, 0], [-np.sin(angle), 0, np.cos(angle)]])
    R = R @ np.array([[1, 0, 0], [0, np.cos(0.3), -np.sin(0.3)], [0, np.sin(0.3), np.cos(0.3)]])
    T = np.eye(4)
    T[:3, :3], T[:3, 3] = R, (1.0, -2.0, 0.5)  # camera-to-world, OpenCV axes
    node.set_world_pose(T, kiln.AXES_OPENCV)
    np.testing.assert_allclose(np.array(node.get_world_pose(kiln.AXES_OPENCV)), T, atol=1e-5)
    for point in random_points_cv(20, seed=5):
        world = T[:3, :3] @ point + T[:3, 3]
        u, v = kiln_pixel(camera, world)
        eu, ev = opencv_pixel(point)
        assert abs(u - eu) < 0.01 and abs(v - ev) < 0.01
    # The same pose in OGRE's axes is the OpenCV one with Y and Z turned around.
    ogre = np.array(node.get_world_pose(kiln.AXES_OGRE))
    np.testing.assert_allclose(ogre[:3, :3], R @ np.diag([1, -1, -1]), atol=1e-5)
    # Under a moved parent, the world pose is still the one given.
    parent = sm.root_scene_node.create_child_scene_node()
    parent.position = (3, 1, -2)
    parent.yaw(0.7)
    child = parent.create_child_scene_node()
    child.set_world_pose(T, kiln.AXES_OPENCV)
    np.testing.assert_allclose(np.array(child.get_world_pose(kiln.AXES_OPENCV)), T, atol=1e-5)


def test_world_points_do_not_depend_on_the_axes_and_lie_on_the_scene():
    root, sm, camera, node, target = scene()
    camera.set_intrinsics(K, W, H)
    T = np.eye(4)
    T[:3, 3] = (0.5, 0.25, -1.0)
    node.set_world_pose(T, kiln.AXES_OPENCV)  # looking down world +Z
    plane = sm.create_manual_object("plane")
    plane.begin("white", kiln.OT_TRIANGLE_LIST)
    for x, y in ((-50, -50), (50, -50), (50, 50), (-50, 50)):
        plane.position(x, y, 6.0)  # the plane z = 6 of the world
    plane.quad(0, 1, 2, 3)
    plane.quad(0, 3, 2, 1)
    plane.end()
    sm.root_scene_node.attach_object(plane)
    target.update()
    world = kiln.numpy.depth_to_points(target, space="world")
    np.testing.assert_allclose(world[..., 2], 6.0, atol=1e-4)
    camera_cv = kiln.numpy.depth_to_points(target, axes="opencv")
    np.testing.assert_allclose(camera_cv[..., 2], 7.0, atol=1e-4)
    camera_ogre = kiln.numpy.depth_to_points(target)
    np.testing.assert_allclose(camera_ogre[..., 2], -7.0, atol=1e-4)
    # Where nothing is drawn there is no point.
    sm.root_scene_node.detach_object(plane)
    target.update()
    assert np.isnan(kiln.numpy.depth_to_points(target)).all()


def test_a_custom_projection_matrix_is_used_as_it_is():
    root, sm, camera, node, target = scene()
    camera.set_intrinsics(K, W, H)
    own = np.array(camera.projection_matrix)
    point = (0.3, -0.2, -5.0)
    expected = kiln_pixel(camera, point)
    camera.reset_frustum_extents()
    camera.set_custom_projection_matrix(own)
    assert camera.custom_projection
    np.testing.assert_allclose(np.array(camera.projection_matrix), own)
    assert np.allclose(kiln_pixel(camera, point), expected, atol=1e-4)
    # View distance follows the custom matrix too.
    plane = sm.create_manual_object("plane")
    plane.begin("white", kiln.OT_TRIANGLE_LIST)
    for x, y in ((-50, -50), (50, -50), (50, 50), (-50, 50)):
        plane.position(x, y, -9.0)
    plane.quad(0, 1, 2, 3)
    plane.end()
    sm.root_scene_node.attach_object(plane)
    target.update()
    np.testing.assert_allclose(kiln.numpy.read_view_distance(target.viewports[0]), 9.0, rtol=1e-4)
    camera.reset_custom_projection_matrix()
    assert not camera.custom_projection


def test_bad_intrinsics_poses_and_matrices_are_refused():
    root, sm, camera, node, target = scene()
    with pytest.raises(ValueError, match="no skew"):
        camera.set_intrinsics([[100, 1, 50], [0, 100, 50], [0, 0, 1]], W, H)
    with pytest.raises(ValueError, match="fx -1 and fy 100 must be positive"):
        camera.set_intrinsics(-1, 100, 50, 50, W, H)
    with pytest.raises(ValueError, match="left < right"):
        camera.frustum_extents = (1, -1, 1, -1)
    with pytest.raises(ValueError, match="not a rotation"):
        node.set_world_pose(np.diag([2.0, 1, 1, 1]), kiln.AXES_OPENCV)
    with pytest.raises(ValueError, match="not a rotation"):
        node.set_world_pose(np.diag([1.0, 1, -1, 1]), kiln.AXES_OGRE)  # a mirror
    with pytest.raises(ValueError, match="not a kiln_axes"):
        node.set_world_pose(np.eye(4), 7)
    with pytest.raises(ValueError, match="depend on x and y"):
        m = np.array(camera.projection_matrix)
        m[3, 0] = 0.5
        camera.set_custom_projection_matrix(m)
    with pytest.raises(ValueError, match="not invertible"):
        camera.set_custom_projection_matrix(np.zeros((4, 4)))
    camera.projection_type = kiln.PT_ORTHOGRAPHIC
    with pytest.raises(RuntimeError, match="orthographic"):
        camera.get_intrinsics(W, H)
