"""Anti-aliasing: create_render_texture(fsaa=N) multisamples coverage and depth at the
standard sample positions and resolves the colour to the samples' average, while the
depth read back and the id and normal buffers stay exact (the pixel centre's, as
without FSAA). The original engine's FSAA 4 renders are in the 3D goldens
(tests/golden/3d/fsaa4_*, compared by test_golden_3d.py); these tests pin what the
goldens cannot: exact coverage fractions, every sample count, exactness of the truth
buffers, float targets, caller arrays and refusals."""

import numpy as np
import pytest

import kiln
import kiln.numpy
import kiln_scenes_3d as ks

W, H = 40, 8


def edge_scene(fsaa, edge_x, fmt=kiln.PF_BYTE_RGB, **target_args):
    """A white unlit rectangle over a black background, covering x < edge_x (in
    pixels) of a W x H target: every pixel of column floor(edge_x) is covered by the
    samples left of the edge."""
    root = kiln.Root(num_threads=2)
    sm = root.create_scene_manager()
    camera = sm.create_camera("camera")
    if target_args:
        target = root.create_render_texture("t", fsaa=fsaa, **target_args)
    else:
        target = root.create_render_texture("t", W, H, fmt, fsaa=fsaa)
    target.add_viewport(camera).background_colour = (0, 0, 0)
    mat = root.material_manager.create("white", "General")
    mat.techniques[0].passes[0].lighting_enabled = False
    rect = kiln.Rectangle2D(True)
    rect.set_corners(-1.0, 1.0, edge_x / (W / 2) - 1.0, -1.0)
    rect.material = mat
    sm.root_scene_node.create_child_scene_node().attach_object(rect)
    return root, target, rect


# The standard positions' x, in sixteenths of a pixel (Direct3D's, also Mesa's).
SAMPLE_X = {2: [12, 4], 4: [6, 14, 2, 10], 8: [9, 7, 13, 5, 3, 1, 11, 15]}


@pytest.mark.parametrize("fsaa", [2, 4, 8])
@pytest.mark.parametrize("fraction", [0.3, 0.5, 0.7])
def test_edge_pixel_is_the_covered_fraction_of_its_samples(fsaa, fraction):
    edge = 10 + fraction
    root, target, _ = edge_scene(fsaa, edge)
    target.update()
    frame = target.read()
    covered = sum(x / 16 < fraction for x in SAMPLE_X[fsaa])
    # The average of the samples, rounded: white where covered, black elsewhere.
    expected = (255 * covered + fsaa // 2) // fsaa
    assert 0 < covered < fsaa
    np.testing.assert_array_equal(frame[:, 10], expected)
    np.testing.assert_array_equal(frame[:, :10], 255)
    np.testing.assert_array_equal(frame[:, 11:], 0)
    # Without FSAA the same pixel is all or nothing (its centre decides).
    root1, target1, _ = edge_scene(0, edge)
    target1.update()
    assert target1.read()[0, 10, 0] == (255 if fraction > 0.5 else 0)


def test_float_target_resolves_in_float():
    root, target, _ = edge_scene(4, 10.5, kiln.PF_FLOAT32_RGBA)
    target.update()
    frame = target.read(format=kiln.PF_FLOAT32_RGBA)
    np.testing.assert_array_equal(frame[:, 10, :3], 0.5)
    np.testing.assert_array_equal(frame[:, 10, 3], 1.0)


def test_frames_land_in_the_callers_array():
    out = np.zeros((H, W, 4), np.uint8)
    root, target, _ = edge_scene(4, 10.5, array=out)
    target.update()
    np.testing.assert_array_equal(out[:, 10, :3], 128)
    np.testing.assert_array_equal(out, target.read(format=kiln.PF_BYTE_RGBA))


def test_fsaa_is_reported_and_bad_values_are_refused():
    root = kiln.Root(num_threads=1)
    assert root.create_render_texture("none", 8, 8).fsaa == 1
    assert root.create_render_texture("zero", 8, 8, fsaa=0).fsaa == 1
    assert root.create_render_texture("four", 8, 8, fsaa=4).fsaa == 4
    for bad in (3, 5, 16, 2**31):
        with pytest.raises(kiln.InvalidArgumentError, match=f"fsaa {bad} for 'bad' is not one of"):
            root.create_render_texture("bad", 8, 8, fsaa=bad)
    for bad in ("4", 4.0, None):
        with pytest.raises(TypeError, match="fsaa"):
            root.create_render_texture("bad", 8, 8, fsaa=bad)
    with pytest.raises((TypeError, OverflowError, ValueError), match="fsaa"):
        root.create_render_texture("bad", 8, 8, fsaa=-1)
    # Nothing was made by the refusals: the name is free.
    root.create_render_texture("bad", 8, 8, fsaa=8)


def golden_scene(name, fsaa):
    scene = ks.load_scene(ks.GOLDEN_3D_DIR / f"{name}.json")
    scene["fsaa"] = fsaa
    return scene


def test_goldens_need_the_antialiasing():
    """Rendered without FSAA, a flat FSAA golden fails its tolerance: the goldens tell
    anti-aliased edges from aliased ones."""
    for name in ("fsaa4_tri_depth", "fsaa4_ortho_cube", "fsaa4_lines_points"):
        expected = ks.pngio.read_png(ks.GOLDEN_3D_DIR / f"{name}.png")
        assert ks.compare(ks.render_scene(golden_scene(name, 4)), expected, "flat").ok
        assert not ks.compare(ks.render_scene(golden_scene(name, 0)), expected, "flat").ok, name


def truth_render(fsaa):
    """A lit sphere in front of a tilted textured quad, with every extra buffer."""
    root = kiln.Root(num_threads=2)
    sm = root.create_scene_manager()
    sm.ambient_light = (0.2, 0.2, 0.2)
    camera = sm.create_camera("camera")
    camera.near_clip_distance = 0.5
    camera.far_clip_distance = 50
    target = root.create_render_texture("target", 96, 72, kiln.PF_BYTE_RGB, fsaa=fsaa)
    target.add_viewport(camera).background_colour = (0.1, 0.2, 0.3)
    target.extra_buffers = kiln.BUFFER_INSTANCE_ID | kiln.BUFFER_CLASS_ID | kiln.BUFFER_NORMAL
    lamp = sm.create_light("lamp")
    lamp.type = kiln.LT_DIRECTIONAL
    lamp.direction = (-1, -1, -1)
    sm.root_scene_node.create_child_scene_node().attach_object(lamp)
    mat = root.material_manager.create("lit", "General")
    mat.techniques[0].passes[0].lighting_enabled = True
    objects = []
    for name, corners in (
        ("wall", [(-3, -2, -8), (3, -2, -6), (3, 2, -6), (-3, 2, -8)]),
        ("plate", [(-1, -1.5, -4), (1.2, -1, -4.5), (1.1, 1, -4.2), (-0.9, 1.4, -4)]),
    ):
        mo = sm.create_manual_object(name)
        mo.begin("lit", kiln.OT_TRIANGLE_LIST)
        for c in corners:
            mo.position(*c)
            mo.normal(0, 0, 1)
        mo.quad(0, 1, 2, 3)
        mo.end()
        sm.root_scene_node.create_child_scene_node().attach_object(mo)
        objects.append(mo)
    objects[0].class_id, objects[1].class_id = 1, 2
    target.update()
    return target, objects


def object_index(target, objects):
    """The instance id buffer with each id replaced by its object's index + 1."""
    ids = target.read(buffer="instance_id")
    out = np.zeros(ids.shape, np.int64)
    for i, mo in enumerate(objects):
        out[ids == mo.instance_id] = i + 1
    assert np.all((out > 0) == (ids > 0)), "an id that is no object's"
    return out


def test_depth_ids_and_normals_stay_exact_under_fsaa():
    (plain, plain_objects), (smooth, smooth_objects) = truth_render(0), truth_render(4)
    # The colour is anti-aliased: edge pixels take values neither side has.
    colour0, colour4 = plain.read(), smooth.read()
    changed = np.any(colour0 != colour4, axis=2)
    assert 30 < changed.sum() < 0.2 * changed.size
    assert len(np.unique(colour4.reshape(-1, 3), axis=0)) > len(np.unique(colour0.reshape(-1, 3), axis=0))
    # Depth, ids and normals are the pixel centre's, bit for bit the same as without.
    np.testing.assert_array_equal(smooth.read(buffer="depth"), plain.read(buffer="depth"))
    np.testing.assert_array_equal(object_index(smooth, smooth_objects), object_index(plain, plain_objects))
    np.testing.assert_array_equal(smooth.read(buffer="class_id"), plain.read(buffer="class_id"))
    np.testing.assert_array_equal(smooth.read(buffer="normal"), plain.read(buffer="normal"))
    assert set(np.unique(smooth.read(buffer="class_id"))) == {0, 1, 2}


def test_batches_render_with_fsaa():
    root, target, rect = edge_scene(4, 10.5)
    rect_node = rect.parent_scene_node
    rect_node.parent.create_child_scene_node().attach_object(target.viewports[0].camera)
    frames = target.update_poses(positions=[(0, 0, 0)] * 3)
    assert frames.shape == (3, H, W, 3)
    np.testing.assert_array_equal(frames[:, :, 10], 128)
