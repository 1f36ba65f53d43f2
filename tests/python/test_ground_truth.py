"""Ground truth for vision: instance and class ids that are exact whatever else is on
(textures, lighting, blending), and unit normals in camera or world space, right for
non-uniform scales, checked against analytic planes and spheres."""

import numpy as np
import pytest

import kiln
import kiln.numpy

W, H = 96, 72


def scene():
    root = kiln.Root(num_threads=2)
    sm = root.create_scene_manager()
    camera = sm.create_camera("camera")
    camera.near_clip_distance = 0.1
    camera.far_clip_distance = 100
    target = root.create_render_texture("target", W, H, kiln.PF_BYTE_RGB)
    target.add_viewport(camera).background_colour = (0.2, 0.3, 0.4)
    target.extra_buffers = kiln.BUFFER_INSTANCE_ID | kiln.BUFFER_CLASS_ID | kiln.BUFFER_NORMAL
    return root, sm, camera, target


def textured_lit_material(root, name):
    texels = (np.random.default_rng(1).random((16, 16, 3)) * 255).astype(np.uint8)
    root.texture_manager.load_image(f"{name}_tex", "General", kiln.Image.from_array(texels))
    mat = root.material_manager.create(name, "General")
    rpass = mat.techniques[0].passes[0]
    rpass.lighting_enabled = True
    rpass.create_texture_unit_state(f"{name}_tex")
    return mat


def quad(sm, name, material, corners, normal=(0, 0, 1)):
    mo = sm.create_manual_object(name)
    mo.begin(material, kiln.OT_TRIANGLE_LIST)
    for i, c in enumerate(corners):
        mo.position(*c)
        mo.normal(*normal)
        mo.texture_coord(i % 2, i // 2)
    mo.quad(0, 1, 2, 3)
    mo.end()
    sm.root_scene_node.create_child_scene_node().attach_object(mo)
    return mo


def test_ids_are_exact_under_textures_lighting_and_blending():
    root, sm, camera, target = scene()
    sm.ambient_light = (0.3, 0.3, 0.3)
    lamp = sm.create_light("lamp")
    sm.root_scene_node.create_child_scene_node().attach_object(lamp)
    textured_lit_material(root, "stone")
    back = quad(sm, "back", "stone", [(-2, -2, -6), (2, -2, -6), (2, 2, -6), (-2, 2, -6)])
    front = quad(sm, "front", "stone", [(-0.5, -0.5, -3), (0.5, -0.5, -3), (0.5, 0.5, -3), (-0.5, 0.5, -3)])
    glass = root.material_manager.create("glass", "General")
    glass.techniques[0].passes[0].set_scene_blending(kiln.SBT_TRANSPARENT_ALPHA)
    glass.techniques[0].passes[0].depth_write_enabled = False
    pane = quad(sm, "pane", "glass", [(0, -3, -2), (3, -3, -2), (3, 3, -2), (0, 3, -2)])
    back.class_id, front.class_id, pane.class_id = 3, 5, 9
    front.instance_id = 0xDEADBEEF  # all 32 bits survive
    assert len({back.instance_id, pane.instance_id}) == 2 and 0 not in (back.instance_id, pane.instance_id)
    target.update()
    ids, classes = target.read(buffer="instance_id"), target.read(buffer="class_id")
    assert ids.dtype == np.uint32 and ids.shape == (H, W)
    # Only whole ids, never a mixture: the pane blends and is left out, so what lies
    # under it shows; the front quad hides the back one.
    assert set(np.unique(ids)) == {0, back.instance_id, front.instance_id}
    assert set(np.unique(classes)) == {0, 3, 5}
    assert ids[H // 2, W // 2] == 0xDEADBEEF and classes[H // 2, W // 2] == 5
    assert ids[0, 0] == 0 and classes[0, 0] == 0
    # The class buffer agrees with the instance buffer pixel by pixel.
    lookup = {0: 0, back.instance_id: 3, front.instance_id: 5}
    np.testing.assert_array_equal(np.vectorize(lookup.get)(ids), classes)
    # The colour frame is lit, textured and blended all the same (many colours).
    assert len(np.unique(target.read().reshape(-1, 3), axis=0)) > 50


@pytest.mark.parametrize("pane_first", [False, True])
def test_a_blending_pass_that_writes_ids_is_recorded_as_opaque(pane_first):
    """pass.writes_ids: a window recorded in the ids and normals where it covers, in
    front of what lies behind it, whatever the order of drawing; without it (the
    default) the window is left out."""
    root, sm, camera, target = scene()
    wall = root.material_manager.create("wall", "General")
    wall.techniques[0].passes[0].lighting_enabled = False
    glass = root.material_manager.create("glass", "General")
    gpass = glass.techniques[0].passes[0]
    gpass.set_scene_blending(kiln.SBT_TRANSPARENT_ALPHA)
    gpass.depth_write_enabled = False
    gpass.set_diffuse(1, 1, 1, 0.5)  # lit by no light: black at half alpha
    assert gpass.writes_ids is False
    def make_pane():
        return quad(sm, "pane", "glass", [(0, -3, -2), (3, -3, -2), (3, 3, -2), (0, 3, -2)], normal=(0, 1, 0))

    def make_back():
        return quad(sm, "back", "wall", [(-4, -4, -6), (4, -4, -6), (4, 4, -6), (-4, 4, -6)])

    if pane_first:
        pane, back = make_pane(), make_back()
    else:
        back, pane = make_back(), make_pane()
    target.update()
    ids = target.read(buffer="instance_id")
    assert set(np.unique(ids)) == {back.instance_id}
    gpass.writes_ids = True
    target.update()
    ids, normals = target.read(buffer="instance_id"), target.read(buffer="normal")
    right, left = (H // 2, W - 5), (H // 2, 5)
    assert ids[right] == pane.instance_id and ids[left] == back.instance_id
    np.testing.assert_allclose(normals[right], (0, 1, 0), atol=1e-5)
    assert set(np.unique(ids)) == {back.instance_id, pane.instance_id}
    # The colour frame still blends the pane over the wall.
    colour = target.read()
    assert 0 < colour[right][0] < 255


@pytest.mark.parametrize("lit", [False, True])
def test_cut_out_texels_record_what_lies_behind_them(lit):
    """A pass with alpha rejection cuts its texels out of the ids and normals as it
    does out of the colour: where its texture's alpha fails the test, the pixels
    record the surface behind it."""
    root, sm, camera, target = scene()
    lamp = sm.create_light("lamp")
    sm.root_scene_node.create_child_scene_node().attach_object(lamp)
    texels = np.zeros((8, 8, 4), np.uint8)
    texels[:, :, 0] = 200
    texels[:, 4:, 3] = 255  # the right half is opaque, the left half cut out
    root.texture_manager.load_image("fence_tex", "General", kiln.Image.from_array(texels))
    fence = root.material_manager.create("fence", "General")
    rpass = fence.techniques[0].passes[0]
    rpass.lighting_enabled = lit
    rpass.create_texture_unit_state("fence_tex").texture_filtering = kiln.TFO_NONE
    rpass.set_alpha_rejection(kiln.CMPF_GREATER_EQUAL, 128)
    wall = root.material_manager.create("wall", "General")
    wall.techniques[0].passes[0].lighting_enabled = False
    back = quad(sm, "back", "wall", [(-4, -4, -6), (4, -4, -6), (4, 4, -6), (-4, 4, -6)], normal=(0, 0, 1))
    front = sm.create_manual_object("front")
    front.begin("fence", kiln.OT_TRIANGLE_LIST)
    for (x, y), (u, v) in zip([(-1, -1), (1, -1), (1, 1), (-1, 1)], [(0, 1), (1, 1), (1, 0), (0, 0)]):
        front.position(x, y, -3)
        front.normal(0.6, 0, 0.8)
        front.texture_coord(u, v)
    front.quad(0, 1, 2, 3)
    front.end()
    sm.root_scene_node.create_child_scene_node().attach_object(front)
    target.update()
    ids, normals, colour = target.read(buffer="instance_id"), target.read(buffer="normal"), target.read()
    # The fence covers the middle third or so of the view; the columns left of its
    # middle are cut out, those right of it are not.
    cols = np.nonzero(ids[H // 2] == front.instance_id)[0]
    assert len(cols) > 5
    middle = W // 2
    assert cols.min() >= middle - 1, "cut-out texels recorded the fence's id"
    left, right = (H // 2, middle - 5), (H // 2, middle + 5)
    assert ids[left] == back.instance_id and ids[right] == front.instance_id
    np.testing.assert_allclose(normals[left], (0, 0, 1), atol=1e-5)
    np.testing.assert_allclose(normals[right], (0.6, 0, 0.8), atol=1e-5)
    # The colour frame cuts the same texels out: the wall's white shows at left.
    assert tuple(colour[left]) == (255, 255, 255) and colour[right][0] != 255
    # Exactly the pixels where the fence's colour shows (the white wall fills the rest
    # of the view) carry its id.
    assert np.all(ids != 0)
    np.testing.assert_array_equal(np.any(colour != 255, axis=2), ids == front.instance_id)


def test_normals_of_a_plane_and_of_a_non_uniformly_scaled_tilted_plane():
    root, sm, camera, target = scene()
    root.material_manager.create("plain", "General")
    mo = sm.create_manual_object("plane")
    mo.begin("plain", kiln.OT_TRIANGLE_LIST)
    # The plane y = z through the origin of its node, normal (0, 1, -1) / sqrt 2.
    for p in ((-1, -1, -1), (1, -1, -1), (1, 1, 1), (-1, 1, 1)):
        mo.position(*p)
        mo.normal(0, 1 / np.sqrt(2), -1 / np.sqrt(2))
    mo.quad(0, 1, 2, 3)
    mo.quad(0, 3, 2, 1)
    mo.end()
    node = sm.root_scene_node.create_child_scene_node()
    node.attach_object(mo)
    node.position = (0, 0, -6)
    node.scale = (1, 3, 1)  # the plane becomes y = 3 z: its normal is (0, 1, -3) / sqrt 10
    cam_node = sm.root_scene_node.create_child_scene_node()
    cam_node.attach_object(camera)
    cam_node.yaw(0.3)
    target.update()
    world = target.read(buffer="normal", space="world")
    drawn = ~np.isnan(world[..., 0])
    assert drawn.sum() > 200
    expected = np.array([0, 1, -3]) / np.sqrt(10)
    got = world[drawn]
    # Either face: the double-sided plane shows its front or its back.
    sign = np.sign(got @ expected)[:, None]
    np.testing.assert_allclose(got * sign, np.broadcast_to(expected, got.shape), atol=1e-5)
    # In camera space it is the world normal turned by the camera's rotation.
    cam = target.read(buffer="normal")
    rotation = np.linalg.inv(np.array(camera.view_matrix, np.float64))[:3, :3]
    np.testing.assert_allclose(cam[drawn] @ rotation.T, world[drawn], atol=1e-5)
    assert np.isnan(cam[~drawn]).all()
    np.testing.assert_allclose(np.linalg.norm(cam[drawn], axis=1), 1, atol=1e-5)


def sphere_mesh(root, n=64):
    t, p = np.meshgrid(np.linspace(0, np.pi, n), np.linspace(0, 2 * np.pi, n), indexing="ij")
    normals = np.stack([np.sin(t) * np.cos(p), np.cos(t), np.sin(t) * np.sin(p)], -1).reshape(-1, 3)
    i, j = np.meshgrid(np.arange(n - 1), np.arange(n - 1), indexing="ij")
    a = (i * n + j).ravel()
    tris = np.stack([np.stack([a, a + n, a + 1], 1), np.stack([a + 1, a + n, a + n + 1], 1)], 1)
    return root.mesh_manager.create_from_arrays("sphere", "General", normals.astype(np.float32),
                                                normals=normals.astype(np.float32),
                                                indices=tris.reshape(-1).astype(np.uint32))


def test_normals_of_a_sphere_match_the_analytic_ones():
    root, sm, camera, target = scene()
    mesh = sphere_mesh(root)
    mat = root.material_manager.create("plain", "General")
    mat.techniques[0].passes[0].culling_mode = kiln.CULL_NONE
    entity = sm.create_entity("ball", mesh)
    entity.material = mat
    node = sm.root_scene_node.create_child_scene_node()
    node.attach_object(entity)
    node.position = (0.3, -0.2, -4)
    target.update()
    normals = target.read(buffer="normal")
    points = kiln.numpy.depth_to_points(target)
    drawn = ~np.isnan(normals[..., 0])
    assert drawn.sum() > 500
    np.testing.assert_array_equal(drawn, ~np.isnan(points[..., 0]))
    analytic = points[drawn] - np.array([0.3, -0.2, -4])
    analytic /= np.linalg.norm(analytic, axis=1, keepdims=True)
    cosine = np.clip((normals[drawn] * analytic).sum(axis=1), -1, 1)
    # Interpolated vertex normals of a 64 x 64 sphere: within a degree of the truth,
    # except at the silhouette where the facets leave the sphere.
    angles = np.degrees(np.arccos(cosine))
    assert np.median(angles) < 0.5 and np.percentile(angles, 95) < 2.0


def test_extra_buffers_must_be_enabled_and_rendered_before_they_are_read():
    root, sm, camera, target = scene()
    target.extra_buffers = kiln.BUFFER_NORMAL
    with pytest.raises(RuntimeError, match="has not rendered its normal buffer"):
        target.read(buffer="normal")
    target.update()
    assert target.read(buffer="normal").shape == (H, W, 3)
    with pytest.raises(RuntimeError, match="does not render its instance id buffer"):
        target.read(buffer="instance_id")
    with pytest.raises(ValueError, match="not a combination"):
        target.extra_buffers = 64
    out = np.zeros((H, W), np.uint32)
    target.extra_buffers = kiln.BUFFER_INSTANCE_ID
    target.update()
    assert target.read(out=out, buffer="instance_id") is out
    with pytest.raises(ValueError, match="uint32 of shape"):
        target.read(out=np.zeros((H, W), np.float32), buffer="instance_id")


def test_the_ground_truth_sample_agrees_with_itself(tmp_path):
    """samples/ground_truth.py (run by make demo): its buffers tell one story."""
    import os
    import runpy

    sample = os.path.join(os.path.dirname(__file__), "..", "..", "samples", "ground_truth.py")
    module = runpy.run_path(sample, run_name="sample")
    colour, ids, classes, normals, distance, points = module["main"](str(tmp_path))
    assert (tmp_path / "ground_truth.png").stat().st_size > 20_000
    drawn = ids > 0
    # Every buffer agrees on what was drawn, and all four objects are in view.
    np.testing.assert_array_equal(drawn, np.isfinite(distance))
    np.testing.assert_array_equal(drawn, ~np.isnan(normals[..., 0]))
    np.testing.assert_array_equal(drawn, ~np.isnan(points[..., 0]))
    assert len(np.unique(ids[drawn])) == 4 and set(np.unique(classes)) == {0, 1, 2, 3}
    # One class per instance; the floor (class 3) lies on the plane y = 0, facing up.
    for instance in np.unique(ids[drawn]):
        assert len(np.unique(classes[ids == instance])) == 1
    floor = classes == 3
    np.testing.assert_allclose(points[floor][:, 1], 0, atol=1e-3)
    world_normals = normals  # camera space; the floor's normal is the camera's view of +Y
    assert np.ptp(world_normals[floor], axis=0).max() < 1e-4
