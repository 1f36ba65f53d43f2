"""Textures of more than 8 bits a channel keep their precision: 16-bit, half and float
images (from arrays or 16-bit PNG files) are sampled as float texels, filtered with
exact weights, and land in a float target as they are (values above 1 included), where
an 8-bit texture would have rounded them to 1/255."""

import numpy as np
import pytest

import kiln
import kiln.numpy


def draw(texture_array, width, height, filtering=kiln.TFO_NONE, fmt=None, corners=(-1, 1, 1, -1), image=None):
    """The texture on a full-target Rectangle2D, unlit, read from a float target."""
    root = kiln.Root(num_threads=1)
    sm = root.create_scene_manager()
    img = image if image is not None else kiln.Image.from_array(texture_array, format=fmt)
    tex = root.texture_manager.load_image("tex", "General", img)
    mat = root.material_manager.create("mat", "General")
    rpass = mat.techniques[0].passes[0]
    rpass.lighting_enabled = False
    rpass.create_texture_unit_state("tex").texture_filtering = filtering
    rect = kiln.Rectangle2D(True)
    rect.set_corners(*corners)
    rect.material = mat
    sm.root_scene_node.create_child_scene_node().attach_object(rect)
    target = root.create_render_texture("t", width, height, kiln.PF_FLOAT32_RGBA)
    target.add_viewport(sm.create_camera("c")).background_colour = (0, 0, 0)
    target.update()
    return target.read(format=kiln.PF_FLOAT32_RGBA), tex


def test_16_bit_texels_keep_every_value():
    values = np.array([1000, 1001, 1002, 30000, 65534, 65535, 0, 12345], np.uint16)
    texels = np.zeros((1, 8, 3), np.uint16)
    texels[0, :, 0] = values
    texels[0, :, 1] = 65535 - values
    frame, _ = draw(texels, 8, 1)
    np.testing.assert_allclose(frame[0, :, 0], values / 65535.0, rtol=0, atol=1e-7)
    np.testing.assert_allclose(frame[0, :, 1], (65535 - values) / 65535.0, rtol=0, atol=1e-7)
    # 1000, 1001 and 1002 are one 8-bit step apart from nothing: all three stay apart.
    assert len(set(frame[0, :3, 0].tolist())) == 3


def test_float_texels_land_as_they_are():
    texels = np.array([[[0.123456, 2.5, -0.25, 1.0], [1e-5, 0.5, 100.0, 0.75]]], np.float32)
    frame, _ = draw(texels, 2, 1)
    np.testing.assert_array_equal(frame[0], texels[0])


def test_half_texels():
    texels = np.array([[[0.1, 0.2, 0.3], [1.5, 0.001, 0.999]]], np.float16)
    frame, _ = draw(texels, 2, 1)
    np.testing.assert_array_equal(frame[0, :, :3], texels[0].astype(np.float32))


def test_bilinear_weights_are_exact():
    # Two texels, 0 and 1, magnified 8 times: each pixel centre's exact interpolation
    # (the edge halves are wrapped, the default addressing, so only the middle is checked).
    texels = np.array([[[0.0, 0.0, 0.0], [1.0, 1.0, 1.0]]], np.float32)
    frame, _ = draw(texels, 16, 1, filtering=kiln.TFO_BILINEAR)
    x = (np.arange(16) + 0.5) / 16 * 2 - 0.5  # in texels from texel 0's centre
    middle = slice(4, 12)
    np.testing.assert_allclose(frame[0, middle, 0], x[middle], rtol=0, atol=1e-6)
    # An 8-bit texture rounds the same ramp to 8-bit steps with 8-bit weights.
    eight, _ = draw((texels * 255).astype(np.uint8), 16, 1, filtering=kiln.TFO_BILINEAR)
    assert np.all(np.abs(eight[0, middle, 0] * 255 - np.round(eight[0, middle, 0] * 255)) < 1e-4)
    assert not np.allclose(eight[0, middle, 0], x[middle], atol=1e-6)


def test_mipmaps_average_in_float():
    # A 64x64 checker of 0.25 and 0.7501 squares of 1 texel, minified to 4x4 with
    # trilinear filtering: every pixel is their mean, kept to float precision.
    checker = np.where((np.indices((64, 64)).sum(axis=0) % 2) == 0, 0.25, 0.7501).astype(np.float32)
    texels = np.repeat(checker[:, :, None], 3, axis=2)
    frame, _ = draw(texels, 4, 4, filtering=kiln.TFO_TRILINEAR)
    np.testing.assert_allclose(frame[:, :, 0], (0.25 + 0.7501) / 2, rtol=0, atol=1e-5)


def test_a_16_bit_png_file_keeps_its_precision(tmp_path):
    values = (np.arange(64, dtype=np.uint32) * 1021 % 65536).astype(np.uint16).reshape(8, 8)
    texels = np.stack([values, values[::-1], values.T, np.full_like(values, 65535)], axis=2)
    path = tmp_path / "sixteen.png"
    kiln.Image.from_array(texels).save(str(path))
    image = kiln.Image()
    image.load(str(path))
    assert image.format == kiln.PF_SHORT_RGBA
    frame, tex = draw(None, 8, 8, image=image)
    np.testing.assert_allclose(frame[:, :, :3], texels[:, :, :3] / 65535.0, rtol=0, atol=1e-7)
    # The texture gives its 16-bit texels back exactly.
    back = tex.convert_to_image(0)
    assert back.format == kiln.PF_SHORT_RGBA
    np.testing.assert_array_equal(kiln.numpy.view(back.pixel_box), texels)


@pytest.mark.parametrize("dtype", [np.uint16, np.float32])
def test_an_8_bit_target_rounds_precise_texels_once(dtype):
    """Into an 8-bit target the float texel is converted once, as the target stores it."""
    scale = 65535 if dtype == np.uint16 else 1.0
    v = np.array([0.3, 0.5019, 0.998])
    texels = np.zeros((1, 3, 3), dtype)
    texels[0, :, 0] = (v * scale).astype(dtype)
    root = kiln.Root(num_threads=1)
    sm = root.create_scene_manager()
    root.texture_manager.load_image("tex", "General", kiln.Image.from_array(texels))
    mat = root.material_manager.create("mat", "General")
    rpass = mat.techniques[0].passes[0]
    rpass.lighting_enabled = False
    rpass.create_texture_unit_state("tex").texture_filtering = kiln.TFO_NONE
    rect = kiln.Rectangle2D(True)
    rect.set_corners(-1, 1, 1, -1)
    rect.material = mat
    sm.root_scene_node.create_child_scene_node().attach_object(rect)
    target = root.create_render_texture("t", 3, 1, kiln.PF_BYTE_RGB)
    target.add_viewport(sm.create_camera("c"))
    target.update()
    stored = texels[0, :, 0].astype(np.float64) / scale
    np.testing.assert_array_equal(target.read()[0, :, 0], np.round(stored.astype(np.float32) * 255))
