"""The tutorial's acceptance code, run exactly as written, and its output compared
with the original engine's render of the same scene.

Reference: tests/golden/reference/seed_1280x1024.png, rendered by OGRE 1.12.10 (GL3+ on Mesa
llvmpipe). Tolerance: mean absolute difference over all pixels and channels <= 1.0, and
at least 99.5% of pixels within 3 in every channel."""

import os

import numpy as np
import pytest
from matplotlib import image as mpimg

from conftest import REFERENCE_DIR

ACCEPTANCE_CODE = '''
import numpy as np
from matplotlib import pyplot
import kiln
import kiln.numpy

root = kiln.Root()
scene = root.create_scene_manager()

arr = np.zeros((256, 256, 3), dtype=np.uint8)
arr[:, :, 1] = np.mgrid[0:256, 0:256][1]

mem = kiln.numpy.as_data_stream(arr)
img = kiln.Image()
img.load_dynamic_image(mem, 256, 256, kiln.PF_BYTE_RGB)
root.texture_manager.load_image("gradient", "General", img)

mat = root.material_manager.create("gradient_mat", "General")
rpass = mat.techniques[0].passes[0]
rpass.lighting_enabled = False
tus = rpass.create_texture_unit_state("gradient")
tus.texture_filtering = kiln.TFO_BILINEAR        # also kiln.TFO_NONE, kiln.TFO_TRILINEAR
tus.texture_addressing_mode = kiln.TAM_WRAP      # also kiln.TAM_CLAMP, kiln.TAM_MIRROR

rect = kiln.Rectangle2D(True)
rect.set_corners(-0.5, 0.5, 0.5, -0.5)
rect.material = mat
scene.root_scene_node.create_child_scene_node().attach_object(rect)

cam = scene.create_camera("cam")
win = root.create_render_texture("window", 1280, 1024)
vp = win.add_viewport(cam)
vp.background_colour = (0.3, 0.3, 0.3)

root.render_one_frame()

mem = kiln.MemoryDataStream(win.width * win.height * 3)
pb = kiln.PixelBox(win.width, win.height, 1, kiln.PF_BYTE_RGB, mem)
win.copy_contents_to_memory(pb, pb)

pyplot.imsave("numpy_final.png", kiln.numpy.view(pb))
win.write_contents_to_file("final.png")
'''


def png_rgb8(path):
    """A PNG file as an (h, w, 3) uint8 array."""
    pixels = mpimg.imread(path)
    if pixels.dtype != np.uint8:
        pixels = np.round(pixels * 255).astype(np.uint8)
    return pixels[:, :, :3]


def assert_matches(actual, expected, what):
    assert actual.shape == expected.shape, f"{what}: shape {actual.shape} != {expected.shape}"
    diff = np.abs(actual.astype(np.int16) - expected.astype(np.int16))
    mean = diff.mean()
    within = (diff.max(axis=2) <= 3).mean()
    assert mean <= 1.0, f"{what}: mean absolute difference {mean:.3f} > 1.0"
    assert within >= 0.995, f"{what}: only {within:.2%} of pixels within 3"


@pytest.fixture
def ran(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    namespace = {}
    exec(compile(ACCEPTANCE_CODE, "acceptance", "exec"), namespace)
    return tmp_path, namespace


def test_acceptance_code_writes_both_pictures(ran):
    out, _ = ran
    assert (out / "numpy_final.png").stat().st_size > 0
    assert (out / "final.png").stat().st_size > 0


def test_acceptance_render_matches_the_original_engine(ran):
    out, ns = ran
    reference = REFERENCE_DIR / "seed_1280x1024.png"
    assert reference.exists(), f"missing reference image {reference}"
    expected = png_rgb8(reference)
    assert_matches(png_rgb8(out / "numpy_final.png"), expected, "numpy_final.png")
    assert_matches(png_rgb8(out / "final.png"), expected, "final.png")


def test_acceptance_view_shows_the_engine_memory(ran):
    _, ns = ran
    import kiln.numpy

    view = kiln.numpy.view(ns["pb"])
    assert view.shape == (1024, 1280, 3) and view.dtype == np.uint8
    # Zero copy: the array's memory is the stream's memory.
    assert view.__array_interface__["data"][0] == ns["mem"].pointer
    view[0, 0] = (1, 2, 3)
    assert ns["mem"].read(3) == bytes([1, 2, 3])


def test_acceptance_scene_details(ran):
    _, ns = ran
    view = ns["kiln"].numpy.view(ns["pb"])
    # Background 0.3 becomes 76; the rectangle covers [W/4, 3W/4) x [H/4, 3H/4).
    assert tuple(view[0, 0]) == (76, 76, 76)
    assert tuple(view[255, 320]) == (76, 76, 76)
    assert tuple(view[256, 319]) == (76, 76, 76)
    assert view[256, 320, 0] == 0 and view[256, 320, 2] == 0
    assert tuple(view[768, 640]) == (76, 76, 76)
    # Wrap + bilinear: the first column blends with the texture's last one.
    assert abs(int(view[512, 320, 1]) - 77) <= 1
    assert abs(int(view[512, 959, 1]) - 178) <= 1


def test_sample_writes_the_tutorial_pictures(tmp_path):
    import runpy

    sample = os.path.join(os.path.dirname(__file__), "..", "..", "samples", "numpy_sample.py")
    runpy.run_path(sample, run_name="sample")["main"](str(tmp_path))
    arr = png_rgb8(tmp_path / "numpy_arr.png")
    assert arr.shape == (256, 256, 3)
    assert (arr[:, :, 1] == np.arange(256)).all() and not arr[:, :, [0, 2]].any()
    expected = png_rgb8(REFERENCE_DIR / "seed_1280x1024.png")
    assert_matches(png_rgb8(tmp_path / "numpy_final.png"), expected, "sample numpy_final.png")
