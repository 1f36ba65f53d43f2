"""The 3D pipeline from Python: geometry, lights, node transforms, cameras, pass
state, several viewports and depth readback."""

import math
import os
import subprocess
import sys
import time

import numpy as np
import pytest

import kiln
import kiln.numpy

MEDIA = os.path.join(os.path.dirname(__file__), "..", "..", "samples", "media")


@pytest.fixture
def root():
    return kiln.Root()


def unlit(root, name="flat", **pass_settings):
    """An unlit material drawing its vertex colours (which, as in the original engine,
    it does only when it tracks them)."""
    mat = root.material_manager.create(name, "General")
    p = mat.techniques[0].passes[0]
    p.lighting_enabled = False
    p.vertex_colour_tracking = kiln.TVC_DIFFUSE
    for key, value in pass_settings.items():
        setattr(p, key, value)
    return mat, p


def camera(scene, position=(0, 0, 5), target=(0, 0, 0), fov=45, size=None):
    cam = scene.create_camera("cam")
    cam.near_clip_distance = 0.1
    cam.far_clip_distance = 100
    cam.fov_y = math.radians(fov)
    cam.auto_aspect_ratio = True
    node = scene.root_scene_node.create_child_scene_node()
    node.attach_object(cam)
    node.position = position
    node.look_at(target, kiln.TS_WORLD)
    return cam, node


def quad(mo, material, z=0.0, size=1.0, colour=(1, 1, 1, 1)):
    mo.begin(material, kiln.OT_TRIANGLE_LIST)
    for x, y in ((-size, -size), (size, -size), (size, size), (-size, size)):
        mo.position(x, y, z)
        mo.normal(0, 0, 1)
        mo.colour(*colour)
    mo.quad(0, 1, 2, 3)
    mo.end()


# --- geometry -------------------------------------------------------------------------

def test_manual_object_builds_sections(root):
    scene = root.create_scene_manager()
    unlit(root, "vc_mat")
    mo = scene.create_manual_object("tris")
    mo.begin("vc_mat")  # the operation defaults to a triangle list
    mo.position(-1.5, -1, 0); mo.colour(1, 0, 0); mo.texture_coord(0, 0)
    mo.position(1.5, -1, 0); mo.colour(0, 1, 0, 1); mo.texture_coord(1, 0)
    mo.position(0, 1, 0); mo.colour(0, 0, 1, 1); mo.texture_coord(0.5, 1)
    mo.end()
    assert mo.num_sections == 1
    box = mo.bounding_box
    assert tuple(box.minimum) == (-1.5, -1, 0) and tuple(box.maximum) == (1.5, 1, 0)


def test_manual_object_errors(root):
    scene = root.create_scene_manager()
    mo = scene.create_manual_object("m")
    with pytest.raises(LookupError, match="no_such_material"):
        mo.begin("no_such_material", kiln.OT_TRIANGLE_LIST)
    with pytest.raises(RuntimeError):
        mo.position(0, 0, 0)  # outside begin/end
    unlit(root)
    mo.begin("flat", kiln.OT_TRIANGLE_LIST)
    mo.position(0, 0, 0)
    mo.index(5)
    with pytest.raises(IndexError, match="index 5"):
        mo.end()
    with pytest.raises(ValueError):
        scene.create_manual_object("m")


def test_mesh_from_arrays(root):
    positions = np.array([[0, 0, 0], [1, 0, 0], [0, 1, 0], [1, 1, 0]], np.float32)
    mesh = root.mesh_manager.create_from_arrays(
        "quad", "General", positions, normals=np.tile([0, 0, 1], (4, 1)),
        colours=np.ones((4, 3)), texture_coords=[positions[:, :2], positions[:, :2] * 2],
        indices=np.array([[0, 1, 2], [2, 1, 3]], np.uint16))
    assert (mesh.vertex_count, mesh.triangle_count) == (4, 2)
    assert tuple(mesh.bounding_box.maximum) == (1, 1, 0)
    assert root.mesh_manager.get_by_name("quad", "General").name == "quad"


def test_mesh_from_arrays_errors(root):
    mm = root.mesh_manager
    with pytest.raises(ValueError, match=r"\(n, 3\)"):
        mm.create_from_arrays("a", "General", np.zeros((3, 2)))
    with pytest.raises(ValueError, match="normals"):
        mm.create_from_arrays("b", "General", np.zeros((3, 3)), normals=np.zeros((2, 3)))
    with pytest.raises(IndexError, match="index 3"):
        mm.create_from_arrays("c", "General", np.zeros((3, 3)), indices=np.array([0, 1, 3], np.uint32))
    with pytest.raises(TypeError):
        mm.create_from_arrays("d", "General", np.zeros((3, 3)), indices=np.array([0.5, 1, 2]))


def test_mesh_from_file(root):
    mesh = root.mesh_manager.load("knot", "General", os.path.join(MEDIA, "torus_knot.obj"))
    assert mesh.triangle_count == 9600
    box = mesh.bounding_box
    assert box.minimum.x < -1.4 and box.maximum.x > 1.7 and box.maximum.z == pytest.approx(0.73, abs=1e-4)
    with pytest.raises(OSError, match="missing.obj"):
        root.mesh_manager.load("missing", "General", "/nonexistent/missing.obj")


def test_assimp_is_loaded_only_when_a_mesh_file_is_first_imported():
    """Rendering loads no assimp (it is the slowest library to load); the first mesh
    file loads it, in whichever thread imports first."""
    code = f"""
import sys, threading, kiln
def loaded():
    return 'libassimp' in open('/proc/self/maps').read()
root = kiln.Root()
target = root.create_render_texture('t', 8, 8, kiln.PF_BYTE_RGB)
target.add_viewport(root.create_scene_manager().create_camera('c'))
target.update()
assert not loaded()
meshes = []
def load(i):
    meshes.append(root.mesh_manager.load(f'knot{{i}}', 'General', {os.path.join(MEDIA, "torus_knot.obj")!r}))
threads = [threading.Thread(target=load, args=(i,)) for i in range(4)]
for t in threads: t.start()
for t in threads: t.join()
assert loaded() and [m.triangle_count for m in meshes] == [9600] * 4
"""
    subprocess.run([sys.executable, "-c", code], check=True, env=os.environ)


def test_entity_bounds_follow_the_node(root):
    scene = root.create_scene_manager()
    mesh = root.mesh_manager.create_from_arrays(
        "tri", "General", np.array([[0, 0, 0], [1, 0, 0], [0, 1, 0]], np.float32))
    entity = scene.create_entity("e", mesh)
    node = scene.root_scene_node.create_child_scene_node()
    node.attach_object(entity)
    node.position = (10, 0, 0)
    node.scale = (2, 2, 2)
    world = entity.world_bounding_box
    assert tuple(world.minimum) == (10, 0, 0) and tuple(world.maximum) == (12, 2, 0)


# --- nodes and cameras ----------------------------------------------------------------

def test_node_transforms(root):
    scene = root.create_scene_manager()
    parent = scene.root_scene_node.create_child_scene_node()
    parent.position = (1, 0, 0)
    parent.yaw(math.pi / 2)
    child = parent.create_child_scene_node()
    child.translate((0, 0, -1))  # in the parent's space
    np.testing.assert_allclose(tuple(child.derived_position), (0, 0, 0), atol=1e-6)
    child.translate((1, 0, 0), kiln.TS_WORLD)
    np.testing.assert_allclose(tuple(child.derived_position), (1, 0, 0), atol=1e-6)


def test_look_at_points_minus_z_at_the_target(root):
    scene = root.create_scene_manager()
    node = scene.root_scene_node.create_child_scene_node()
    node.position = (0, 2, 4)
    node.look_at((0, 0, -10), kiln.TS_WORLD)
    forward = node.orientation * kiln.Vector3(0, 0, -1)
    expected = np.array([0, -2, -14]) / np.linalg.norm([0, -2, -14])
    np.testing.assert_allclose(tuple(forward), expected, atol=1e-5)
    right = node.orientation * kiln.Vector3(1, 0, 0)
    assert abs(right.y) < 1e-6  # the camera stays level
    with pytest.raises(ValueError):
        node.look_at((0, 2, 4), kiln.TS_WORLD)


def test_camera_properties(root):
    scene = root.create_scene_manager()
    cam = scene.create_camera("c")
    cam.fov_y = math.radians(60)
    assert cam.fov_y == pytest.approx(math.radians(60))
    cam.far_clip_distance = 0  # infinite
    assert cam.far_clip_distance == 0
    cam.projection_type = kiln.PT_ORTHOGRAPHIC
    cam.ortho_window_height = 4
    assert cam.ortho_window_height == 4
    cam.ortho_window = (6, 3)
    assert cam.ortho_window == (6, 3) and cam.aspect_ratio == 2
    with pytest.raises(ValueError):
        cam.fov_y = 4
    with pytest.raises(ValueError):
        cam.near_clip_distance = 0


def test_clip_distances_may_be_set_in_any_order_but_must_make_sense_to_render(root):
    scene = root.create_scene_manager()
    cam = scene.create_camera("c")
    cam.far_clip_distance = 50  # the default near distance is 100, as in the original engine
    cam.near_clip_distance = 0.5
    win = root.create_render_texture("w", 8, 8)
    win.add_viewport(cam)
    root.render_one_frame()
    cam.near_clip_distance = 60
    with pytest.raises(RuntimeError, match="camera 'c'.*60.*50"):
        root.render_one_frame()


# --- rendering ------------------------------------------------------------------------

def test_depth_testing_hides_the_far_quad(root):
    scene = root.create_scene_manager()
    unlit(root)
    near = scene.create_manual_object("near")
    quad(near, "flat", z=0.5, size=0.5, colour=(1, 0, 0, 1))
    far = scene.create_manual_object("far")
    quad(far, "flat", z=-0.5, size=1.0, colour=(0, 0, 1, 1))
    # The near quad goes first, so only the depth test can keep it in front.
    scene.root_scene_node.create_child_scene_node().attach_object(near)
    scene.root_scene_node.create_child_scene_node().attach_object(far)
    cam, _ = camera(scene)
    win = root.create_render_texture("w", 64, 64)
    win.add_viewport(cam).background_colour = (0, 0, 0)
    root.render_one_frame()
    rgb = kiln.numpy.read_pixels(win)
    assert tuple(rgb[32, 32]) == (255, 0, 0)
    assert tuple(rgb[32, 20]) == (0, 0, 255) or tuple(rgb[32, 12]) == (0, 0, 255)
    assert tuple(rgb[0, 0]) == (0, 0, 0)


def test_depth_and_view_distance_readback(root):
    scene = root.create_scene_manager()
    unlit(root)
    mo = scene.create_manual_object("wall")
    quad(mo, "flat", z=0.0, size=10.0)
    scene.root_scene_node.create_child_scene_node().attach_object(mo)
    cam, node = camera(scene, position=(0, 0, 5))
    win = root.create_render_texture("w", 32, 24)
    vp = win.add_viewport(cam)
    root.render_one_frame()
    depth = kiln.numpy.read_depth(win)
    assert depth.dtype == np.float32 and depth.shape == (24, 32)
    assert 0 < depth.min() <= depth.max() < 1
    distance = kiln.numpy.read_view_distance(vp)
    np.testing.assert_allclose(distance, 5.0, rtol=1e-3)
    node.position = (0, 0, -5)  # facing away now: nothing drawn
    root.render_one_frame()
    assert np.isinf(kiln.numpy.read_view_distance(vp)).all()
    assert (kiln.numpy.read_depth(win) == 1.0).all()


def test_picture_in_picture(root):
    scene = root.create_scene_manager()
    unlit(root)
    mo = scene.create_manual_object("wall")
    quad(mo, "flat", z=0.0, size=10.0, colour=(0, 1, 0, 1))
    scene.root_scene_node.create_child_scene_node().attach_object(mo)
    cam, _ = camera(scene)
    back = scene.create_camera("back")
    back_node = scene.root_scene_node.create_child_scene_node()
    back_node.attach_object(back)
    back_node.position = (0, 0, -5)  # looks away from the wall
    win = root.create_render_texture("w", 100, 100)
    win.add_viewport(cam).background_colour = (0, 0, 0)
    small = win.add_viewport(back, z_order=1, left=0.5, top=0.5, width=0.5, height=0.5)
    small.background_colour = (1, 0, 0)
    root.render_one_frame()
    rgb = kiln.numpy.read_pixels(win)
    assert tuple(rgb[25, 25]) == (0, 255, 0)
    assert tuple(rgb[75, 75]) == (255, 0, 0)
    assert (small.actual_left, small.actual_top, small.actual_width) == (50, 50, 50)


# N.L is 0.8 for the unit direction and 1.6, clamped to 1, for the one twice as long.
@pytest.mark.parametrize("direction,expected", [((0, -0.6, -0.8), 0.2 + 0.3 * 0.8), ((0, -1.2, -1.6), 0.2 + 0.3)])
def test_a_directional_lights_length_scales_it_as_in_the_original_engine(root, direction, expected):
    scene = root.create_scene_manager()
    scene.ambient_light = (0.2, 0.2, 0.2)
    p = root.material_manager.create("lit", "General").techniques[0].passes[0]
    p.diffuse = (0.3, 0.3, 0.3)
    mo = scene.create_manual_object("q")
    quad(mo, "lit", size=10)
    scene.root_scene_node.create_child_scene_node().attach_object(mo)
    light = scene.create_light("sun")
    light.type = kiln.LT_DIRECTIONAL
    light.direction = direction
    np.testing.assert_allclose(tuple(light.direction), direction, rtol=1e-6)
    scene.root_scene_node.create_child_scene_node().attach_object(light)
    cam, _ = camera(scene)
    win = root.create_render_texture("w", 16, 16)
    win.add_viewport(cam)
    root.render_one_frame()
    value = kiln.numpy.read_pixels(win)[8, 8]
    assert all(abs(int(v) - round(expected * 255)) <= 1 for v in value)


def test_lighting_a_quad_facing_a_directional_light(root):
    scene = root.create_scene_manager()
    scene.ambient_light = (0.2, 0.2, 0.2)
    mat = root.material_manager.create("lit", "General")
    p = mat.techniques[0].passes[0]
    p.diffuse = (0.5, 0.5, 0.5)
    p.ambient = (1, 1, 1)
    mo = scene.create_manual_object("q")
    quad(mo, "lit", size=10)
    scene.root_scene_node.create_child_scene_node().attach_object(mo)
    light = scene.create_light("sun")
    light.type = kiln.LT_DIRECTIONAL
    light.direction = (0, 0, -1)
    scene.root_scene_node.create_child_scene_node().attach_object(light)
    cam, _ = camera(scene)
    win = root.create_render_texture("w", 16, 16)
    win.add_viewport(cam)
    root.render_one_frame()
    value = kiln.numpy.read_pixels(win)[8, 8]
    expected = round((0.2 + 0.5) * 255)  # ambient + diffuse * N.L with N.L = 1
    assert all(abs(int(v) - expected) <= 1 for v in value)


def test_unlit_vertex_colours_need_tracking(root):
    scene = root.create_scene_manager()
    _, p = unlit(root)
    mo = scene.create_manual_object("q")
    quad(mo, "flat", size=10, colour=(1, 0, 0, 1))
    scene.root_scene_node.create_child_scene_node().attach_object(mo)
    cam, _ = camera(scene)
    win = root.create_render_texture("w", 8, 8)
    win.add_viewport(cam)
    root.render_one_frame()
    assert tuple(kiln.numpy.read_pixels(win)[4, 4]) == (255, 0, 0)
    p.vertex_colour_tracking = kiln.TVC_NONE
    root.render_one_frame()
    assert tuple(kiln.numpy.read_pixels(win)[4, 4]) == (255, 255, 255)


def test_transparent_objects_are_drawn_after_opaque_ones_farthest_first(root):
    scene = root.create_scene_manager()
    _, glass = unlit(root, "glass")
    glass.set_scene_blending(kiln.SBT_TRANSPARENT_ALPHA)
    glass.depth_write_enabled = False  # blending without depth writes: sorted, as in the original engine
    unlit(root, "solid")
    # Made first and nearest: the transparent quads; the opaque one behind comes last.
    for name, z, colour in (("near_glass", 1.0, (1, 0, 0, 0.5)), ("far_glass", 0.5, (0, 1, 0, 0.5))):
        mo = scene.create_manual_object(name)
        quad(mo, "glass", size=0.5, colour=colour)
        node = scene.root_scene_node.create_child_scene_node()
        node.position = (0, 0, z)
        node.attach_object(mo)
    wall = scene.create_manual_object("wall")
    quad(wall, "solid", z=-1.0, size=5.0, colour=(0, 0, 1, 1))
    scene.root_scene_node.create_child_scene_node().attach_object(wall)
    cam, _ = camera(scene)
    win = root.create_render_texture("w", 32, 32)
    win.add_viewport(cam)
    root.render_one_frame()
    # Blue wall, then green glass over it, then red glass over both.
    expected = np.array([0.5, 0.25, 0.25]) * 255
    assert np.abs(kiln.numpy.read_pixels(win)[16, 16] - expected).max() <= 2


def test_pass_state_properties(root):
    _, p = unlit(root)
    p.vertex_colour_tracking = kiln.TVC_DIFFUSE | kiln.TVC_AMBIENT
    assert p.vertex_colour_tracking == 3
    p.culling_mode = kiln.CULL_NONE
    p.set_scene_blending(kiln.SBT_TRANSPARENT_ALPHA)
    assert (p.source_blend_factor, p.dest_blend_factor) == (kiln.SBF_SOURCE_ALPHA, kiln.SBF_ONE_MINUS_SOURCE_ALPHA)
    p.set_scene_blending_factors(kiln.SBF_ONE, kiln.SBF_ONE)
    assert (p.source_blend_factor, p.dest_blend_factor) == (kiln.SBF_ONE, kiln.SBF_ONE)
    p.set_alpha_rejection(kiln.CMPF_GREATER_EQUAL, 128)
    assert (p.alpha_rejection_function, p.alpha_rejection_value) == (kiln.CMPF_GREATER_EQUAL, 128)
    p.set_depth_bias(1.5)
    assert (p.depth_bias_constant, p.depth_bias_slope_scale) == (1.5, 0.0)
    p.shading_mode = kiln.SO_PHONG
    assert p.shading_mode == kiln.SO_PHONG
    with pytest.raises(ValueError):
        p.vertex_colour_tracking = 64
    with pytest.raises(ValueError):
        p.set_scene_blending(17)


def test_frames_are_identical_for_any_thread_count():
    renders = []
    for threads in (1, 2, 3):
        root = kiln.Root(num_threads=threads)
        scene = root.create_scene_manager()
        scene.ambient_light = (0.3, 0.3, 0.3)
        root.material_manager.create("lit", "General").techniques[0].passes[0].shading_mode = kiln.SO_PHONG
        mesh = root.mesh_manager.load("knot", "General", os.path.join(MEDIA, "torus_knot.obj"))
        entity = scene.create_entity("knot", mesh)
        entity.material = root.material_manager.get_by_name("lit", "General")
        scene.root_scene_node.create_child_scene_node().attach_object(entity)
        light = scene.create_light("l")
        node = scene.root_scene_node.create_child_scene_node()
        node.position = (2, 3, 4)
        node.attach_object(light)
        cam, _ = camera(scene, position=(0, 1, 6))
        win = root.create_render_texture("w", 200, 150)
        win.add_viewport(cam)
        root.render_one_frame()
        renders.append(kiln.numpy.read_pixels(win).tobytes())
    assert renders[0] == renders[1] == renders[2]


def test_mesh_sample_renders_colour_and_depth(tmp_path):
    import runpy

    sample = os.path.join(os.path.dirname(__file__), "..", "..", "samples", "mesh_sample.py")
    module = runpy.run_path(sample, run_name="sample")
    colour, distance = module["render"](160, 120)
    assert colour.shape == (120, 160, 3) and distance.shape == (120, 160)
    drawn = np.isfinite(distance)
    assert 0.1 < drawn.mean() < 0.6  # the knot, with background around it
    # Lit and textured: the knot's pixels vary, the background does not.
    assert colour[drawn].std() > 20 and (colour[~drawn] == colour[~drawn][0]).all()
    assert 5 < distance[drawn].min() < distance[drawn].max() < 8
    module["main"](str(tmp_path))
    assert (tmp_path / "mesh_colour_depth.png").stat().st_size > 10_000


def test_non_finite_and_huge_vertices_draw_nothing_undefined():
    """NaN, infinite and enormous positions, normals, colours and texture coordinates
    render without a crash or undefined behaviour (the sanitizer build checks), and a
    well-formed triangle beside them still draws."""
    nan, inf = float("nan"), float("inf")
    root = kiln.Root()
    scene = root.create_scene_manager()
    scene.ambient_light = (0.5, 0.5, 0.5)
    arr = np.full((8, 8, 3), 200, np.uint8)
    img = kiln.Image()
    img.load_dynamic_image(kiln.numpy.as_data_stream(arr), 8, 8, kiln.PF_BYTE_RGB)
    root.texture_manager.load_image("grey", "General", img)
    for name, lit in (("unlit", False), ("lit", True)):
        p = root.material_manager.create(name, "General").techniques[0].passes[0]
        p.lighting_enabled = lit
        p.culling_mode = kiln.CULL_NONE
        p.vertex_colour_tracking = kiln.TVC_DIFFUSE
        p.create_texture_unit_state("grey").texture_filtering = kiln.TFO_TRILINEAR
    light = scene.create_light("l")
    scene.root_scene_node.create_child_scene_node().attach_object(light)
    bad_positions = [
        [[0, 0, 0], [1, 0, 0], [nan, 1, 0]],
        [[0, 0, 0], [inf, 0, 0], [0, 1, 0]],
        [[-1e30, -1e30, 0], [1e30, -1e30, 0], [0, 1e30, 0]],
        [[-1e6, -1e6, -5], [1e6, -1e6, -5], [0, 1e6, -5]],
        [[0, 0, 4.99], [1, 0, 5.01], [0, 1, 5.5]],  # through the camera's plane
    ]
    good = [[-3, -1, 0], [-2, -1, 0], [-2.5, 0, 0]]
    bad_attributes = np.array([[nan, inf, -inf], [1e30, -1e30, 0], [0, 0, 0]], np.float32)
    for i, positions in enumerate(bad_positions + [good]):
        for material in ("unlit", "lit"):
            mesh = root.mesh_manager.create_from_arrays(
                f"m{i}{material}", "General", np.array(positions, np.float32),
                normals=bad_attributes if i < len(bad_positions) else None,
                colours=np.abs(bad_attributes) if i < len(bad_positions) else np.ones((3, 3)),
                texture_coords=[bad_attributes[:, :2]])
            entity = scene.create_entity(f"e{i}{material}", mesh)
            entity.material = root.material_manager.get_by_name(material, "General")
            scene.root_scene_node.create_child_scene_node().attach_object(entity)
    for op in (kiln.OT_LINE_LIST, kiln.OT_POINT_LIST):
        mo = scene.create_manual_object(f"o{op}")
        mo.begin("unlit", op)
        for v in ((0, 0, 0), (nan, 0, 0), (-1e20, 0, 0), (1e20, inf, 0)):
            mo.position(*v)
            mo.texture_coord(nan, 1e30)
        mo.end()
        scene.root_scene_node.create_child_scene_node().attach_object(mo)
    cam, _ = camera(scene, position=(0, 0, 5))
    win = root.create_render_texture("w", 160, 120)
    win.add_viewport(cam).background_colour = (0, 0, 0)
    root.render_one_frame()
    pixels = kiln.numpy.read_pixels(win)
    assert pixels.shape == (120, 160, 3) and pixels.any()  # the finite triangles drew


@pytest.mark.parametrize("operation", [kiln.OT_TRIANGLE_LIST, kiln.OT_TRIANGLE_STRIP, kiln.OT_TRIANGLE_FAN])
def test_large_draws_set_up_in_parallel_give_identical_frames(operation):
    """Draws of thousands of triangles are set up in ranges on several threads; the
    frame must not depend on how many, with clipping (the geometry crosses the near
    plane) and flat shading, which takes each triangle's first vertex."""
    rng = np.random.default_rng(7)
    n = 9000
    positions = rng.uniform(-3, 3, size=(n, 3)).astype(np.float32)
    positions[:, 2] = rng.uniform(-4, 6, size=n)  # some behind the camera at z = 5
    colours = rng.uniform(0, 1, size=(n, 4)).astype(np.float32)
    renders = []
    for threads in (1, 2, 3):
        root = kiln.Root(num_threads=threads)
        scene = root.create_scene_manager()
        p = root.material_manager.create("m", "General").techniques[0].passes[0]
        p.lighting_enabled = False
        p.vertex_colour_tracking = kiln.TVC_DIFFUSE
        p.culling_mode = kiln.CULL_NONE
        p.shading_mode = kiln.SO_FLAT
        mesh = root.mesh_manager.create_from_arrays("soup", "General", positions, colours=colours,
                                                    operation=operation)
        entity = scene.create_entity("soup", mesh)
        entity.material = root.material_manager.get_by_name("m")
        scene.root_scene_node.create_child_scene_node().attach_object(entity)
        cam, _ = camera(scene, position=(0, 0, 5))
        win = root.create_render_texture("w", 160, 120)
        win.add_viewport(cam)
        root.render_one_frame()
        renders.append(kiln.numpy.read_pixels(win).tobytes())
    assert renders[0] == renders[1] == renders[2]
    assert any(renders[0])  # something was drawn over the black background


def test_every_frame_shows_its_own_scene_whatever_the_frames_before_drew():
    """A tile cleared to the colour its memory already holds is not stored again. Each
    frame of a sequence (an object that moves, goes and comes back, and a background
    that changes and changes back, on a target larger than one tile with tiles cut at its
    edges) must read back as the same scene drawn as the first frame of a new target."""
    def frame(steps):
        root = kiln.Root(num_threads=2)
        scene = root.create_scene_manager()
        unlit(root)
        mo = scene.create_manual_object("square")
        quad(mo, "flat", size=0.3, colour=(1, 0.5, 0, 1))
        node = scene.root_scene_node.create_child_scene_node()
        cam, _ = camera(scene)
        win = root.create_render_texture("w", 150, 100)
        vp = win.add_viewport(cam)
        pictures = []
        for background, position in steps:
            vp.background_colour = background
            if position is None:
                if mo.parent_scene_node is not None:
                    node.detach_object(mo)
            else:
                if mo.parent_scene_node is None:
                    node.attach_object(mo)
                node.position = position
            root.render_one_frame()
            pictures.append(kiln.numpy.read_pixels(win).copy())
        return pictures

    blue, grey = (0.1, 0.2, 0.6), (0.5, 0.5, 0.5)
    steps = [(blue, None), (blue, (-1.5, 0.5, 0)), (blue, None), (blue, None), (grey, None),
             (grey, (1.5, -0.5, 0)), (blue, (1.5, -0.5, 0)), (blue, (0, 0, 0)), (blue, None)]
    sequence = frame(steps)
    assert len({p.tobytes() for p in sequence}) >= 5  # the frames do differ
    for i, step in enumerate(steps):
        alone = frame([step])[0]
        assert np.array_equal(sequence[i], alone), f"frame {i} ({step}) differs from the same scene drawn alone"


@pytest.mark.parametrize("threads", [1, 2])
def test_a_large_read_back_into_a_box_of_any_pitch_and_alignment_is_exact(threads):
    """A read back of more than 16 MiB in the target's own format is streamed past the caches,
    16 bytes at a time where the destination row allows it: into a sub-volume of a larger
    box (its rows at odd addresses and further apart) it must give the same bytes as a
    read back through a conversion."""
    root = kiln.Root(num_threads=threads)
    scene = root.create_scene_manager()
    unlit(root)
    mo = scene.create_manual_object("tris")
    rng = np.random.default_rng(5)
    mo.begin("flat", kiln.OT_TRIANGLE_LIST)
    for _ in range(300):
        centre = rng.uniform(-2, 2, 2)
        for _ in range(3):
            x, y = centre + rng.normal(0, 0.3, 2)
            mo.position(float(x), float(y), 0.0)
            mo.colour(*(float(v) for v in rng.uniform(0, 1, 4)))
    mo.end()
    scene.root_scene_node.create_child_scene_node().attach_object(mo)
    cam, _ = camera(scene)
    w, h = 2501, 2300  # 17.3 MB of PF_BYTE_RGB; rows of 7503 bytes
    win = root.create_render_texture("w", w, h, kiln.PF_BYTE_RGB)
    win.add_viewport(cam).background_colour = (0.2, 0.3, 0.4)
    root.render_one_frame()
    via_rgba = kiln.PixelBox(w, h, 1, kiln.PF_BYTE_RGBA)
    win.copy_contents_to_memory(via_rgba, via_rgba)
    expected = kiln.numpy.view(via_rgba)[..., :3]
    assert len(np.unique(expected[::9, ::9].reshape(-1, 3), axis=0)) > 100
    for left, top in ((0, 0), (1, 0), (5, 3)):
        big = kiln.PixelBox(w + 7, h + 4, 1, kiln.PF_BYTE_RGB)
        sub = big.get_sub_volume(kiln.Box(left, top, left + w, top + h))
        win.copy_contents_to_memory(kiln.Box(0, 0, w, h), sub)
        got = kiln.numpy.view(big)[top:top + h, left:left + w]
        assert np.array_equal(got, expected), f"at ({left}, {top})"


def test_a_chain_of_deeply_nested_nodes_renders_and_goes_away():
    """Walking, lighting, placing and destroying the scene need no recursion: a chain
    of 30,000 nested nodes would overflow the stack otherwise."""
    root = kiln.Root(num_threads=2)
    scene = root.create_scene_manager()
    node = scene.root_scene_node
    for _ in range(30000):
        node = node.create_child_scene_node()
        node.position = (0, 0, -0.0001)
    mat, _ = unlit(root)
    mesh = root.mesh_manager.create_from_arrays(
        "tri", "General", np.array([[-1, -1, 0], [1, -1, 0], [0, 1, 0]], np.float32),
        colours=np.array([[1, 0, 0]] * 3, np.float32))
    entity = scene.create_entity("tri", mesh)
    entity.material = mat
    node.attach_object(entity)
    light = scene.create_light("deep")
    node.attach_object(light)
    assert node.derived_position.z == pytest.approx(-3.0, abs=1e-3)
    cam, _ = camera(scene, position=(0, 0, 2))
    target = root.create_render_texture("t", 64, 64, kiln.PF_BYTE_RGB)
    target.add_viewport(cam).background_colour = (0, 0, 0)
    target.update()
    assert tuple(target.read()[32, 32]) == (255, 0, 0)
    del root, scene, node, entity, light, cam, target
    import gc

    gc.collect()


PLY_TRIANGLE = """ply
format ascii 1.0
element vertex 3
property float x
property float y
property float z
element face 1
property list uchar int vertex_indices
end_header
0 0 0
1 0 0
0 1 0
3 0 1 {last}
"""


def test_a_file_whose_faces_name_missing_vertices_is_refused_cleanly(root, tmp_path):
    """A negative index crashed inside assimp, and one past the last vertex was read out
    of bounds: assimp's validation refuses both, and the message says why."""
    good = tmp_path / "good.ply"
    good.write_text(PLY_TRIANGLE.format(last=2))
    assert root.mesh_manager.load("good", "General", str(good)).triangle_count == 1
    for name, last in (("negative", -5), ("past_the_end", 7)):
        path = tmp_path / f"{name}.ply"
        path.write_text(PLY_TRIANGLE.format(last=last))
        with pytest.raises(kiln.InvalidArgumentError, match="out of range"):
            root.mesh_manager.load(name, "General", str(path))


def test_headers_that_declare_more_than_the_file_holds_are_refused_at_once(root, tmp_path):
    """A PLY file declaring ten million faces with one present loaded as ten million
    triangles, and an OFF file declaring billions of vertices took all memory; a header
    is now held to what the file's size can hold."""
    big_ply = tmp_path / "ten_million.ply"
    big_ply.write_text(PLY_TRIANGLE.format(last=2).replace("element face 1", "element face 10000000"))
    big_off = tmp_path / "billions.off"
    big_off.write_text("OFF\n3535352358 1 0\n0 0 0\n1 0 0\n0 1 0\n3 0 1 2\n")
    binary = tmp_path / "binary.ply"
    binary.write_bytes(b"ply\nformat binary_little_endian 1.0\nelement vertex 5000000\nproperty float x\n"
                       b"property float y\nproperty float z\nend_header\n" + bytes(36))
    for path, what in ((big_ply, "10000000 elements"), (big_off, "3535352358 vertices"),
                       (binary, "5000000 elements")):
        start = time.perf_counter()
        with pytest.raises(kiln.InvalidArgumentError, match=f"declares {what}.*the file holds"):
            root.mesh_manager.load(path.stem, "General", str(path))
        assert time.perf_counter() - start < 1.0
    # Headers that fit their files load as before, comments and all.
    good = tmp_path / "good.off"
    good.write_text("OFF\n# a comment\n3 1 0\n0 0 0\n1 0 0\n0 1 0\n3 0 1 2\n")
    assert root.mesh_manager.load("good_off", "General", str(good)).triangle_count == 1
    good_binary = tmp_path / "good_binary.ply"
    good_binary.write_bytes(b"ply\nformat binary_little_endian 1.0\nelement vertex 3\nproperty float x\n"
                            b"property float y\nproperty float z\nelement face 1\n"
                            b"property list uchar int vertex_indices\nend_header\n"
                            + np.array([0, 0, 0, 1, 0, 0, 0, 1, 0], np.float32).tobytes()
                            + bytes([3]) + np.array([0, 1, 2], np.int32).tobytes())
    assert root.mesh_manager.load("good_binary", "General", str(good_binary)).triangle_count == 1


CORPUS = "/usr/share/assimp/models"


def framed_render(path, yaw):
    """Loads a model file and frames it from the front, turned by yaw. Returns (how many
    pixels its default culling and no culling draw at the same depth, the fraction of
    drawn pixels whose normal faces the camera, how many pixels are drawn)."""
    root = kiln.Root(num_threads=2)
    sm = root.create_scene_manager()
    mesh = root.mesh_manager.load("m", "General", path)
    entity = sm.create_entity("e", mesh)
    node = sm.root_scene_node.create_child_scene_node()
    node.attach_object(entity)
    box = mesh.bounding_box
    lo, hi = np.array(tuple(box.minimum)), np.array(tuple(box.maximum))
    size = float(np.linalg.norm(hi - lo))
    node.yaw(yaw)
    c, s = math.cos(yaw), math.sin(yaw)
    node.position = tuple(-(np.array([[c, 0, s], [0, 1, 0], [-s, 0, c]]) @ ((lo + hi) / 2)))
    camera = sm.create_camera("c")
    camera.near_clip_distance = size / 100
    camera.far_clip_distance = size * 10
    cam_node = sm.root_scene_node.create_child_scene_node()
    cam_node.attach_object(camera)
    cam_node.position = (0, 0, 1.5 * size)
    target = root.create_render_texture("t", 120, 90, kiln.PF_BYTE_RGB)
    target.add_viewport(camera)
    target.extra_buffers = kiln.BUFFER_NORMAL
    target.update()
    normals = target.read(buffer="normal")
    points = kiln.numpy.depth_to_points(target)
    culled = target.read(buffer="depth")
    # The same with every face drawn: a closed object's nearest faces face the camera,
    # so culling the others changes no depth when the winding is right.
    both = root.material_manager.create("both", "General")
    both.techniques[0].passes[0].culling_mode = kiln.CULL_NONE
    entity.material = both
    target.update()
    unculled = target.read(buffer="depth")
    drawn = ~np.isnan(points[..., 0])
    same = float((np.abs(culled - unculled) < 1e-6)[unculled < 1].mean())
    facing = float(((normals[drawn] * -points[drawn]).sum(axis=1) > 0).mean())
    return same, facing, int(drawn.sum())


@pytest.mark.parametrize("name, normals_face_out", [("X/test_cube_text.x", False), ("X/test_cube_binary.x", False),
                                                    ("FBX/cubes_with_mirroring_and_pivot.fbx", True),
                                                    ("STL/Wuson.stl", True)])
def test_mirrored_nodes_and_zero_normals_render_the_outside_of_their_objects(name, normals_face_out):
    """A node whose transform mirrors turned its faces inside out, and normals a file
    stores as zero were kept: the faces drawn are now those nearest the camera, and the
    normals face it where the file's do (the X cubes store inward normals on two faces,
    and keep them)."""
    for yaw in (0.0, 1.0, 2.0, 4.5):
        same, facing, drawn = framed_render(f"{CORPUS}/{name}", yaw)
        assert drawn > 300 and same > 0.97, (name, yaw, same, drawn)
        if normals_face_out:
            assert facing > 0.95, (name, yaw, facing)


def test_point_clouds_load_as_points_and_infinite_positions_are_refused(root):
    cloud = root.mesh_manager.load("cloud", "General", f"{CORPUS}/OBJ/point_cloud.obj")
    assert cloud.vertex_count > 0 and cloud.triangle_count == 0
    with pytest.raises(kiln.InvalidArgumentError, match="BoxWithInfinites.glb': vertex 0 of mesh .* not a finite "
                                                        "position"):
        root.mesh_manager.load("inf", "General", f"{CORPUS}/glTF2/BoxWithInfinites-glTF-Binary/BoxWithInfinites.glb")
