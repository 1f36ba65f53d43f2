"""Each step of the tutorial's workflow from Python, and the errors each step gives
for bad input: a clear exception naming the problem, never a crash."""

import os

import numpy as np
import pytest

import kiln
import kiln.numpy


def gradient():
    arr = np.zeros((256, 256, 3), dtype=np.uint8)
    arr[:, :, 1] = np.mgrid[0:256, 0:256][1]
    return arr


@pytest.fixture
def root():
    return kiln.Root()


@pytest.fixture
def textured(root):
    img = kiln.Image()
    img.load_dynamic_image(kiln.numpy.as_data_stream(gradient()), 256, 256, kiln.PF_BYTE_RGB)
    root.texture_manager.load_image("gradient", "General", img)
    return root


# --- streams --------------------------------------------------------------------------

def test_memory_stream_read_write_seek_tell():
    mem = kiln.MemoryDataStream(8)
    assert (mem.size, mem.tell(), mem.eof()) == (8, 0, False)
    assert mem.write(b"abc") == 3
    assert mem.tell() == 3
    mem.seek(0, kiln.SEEK_SET)
    assert mem.read(5) == b"abc\0\0"
    mem.seek(-2, kiln.SEEK_END)
    assert mem.read() == b"\0\0" and mem.eof()


def test_memory_stream_errors():
    mem = kiln.MemoryDataStream(4)
    with pytest.raises(IndexError):
        mem.write(b"too long")
    with pytest.raises((ValueError, IndexError)):
        mem.seek(5, kiln.SEEK_SET)
    with pytest.raises((ValueError, OverflowError, TypeError)):
        kiln.MemoryDataStream(-1)


# --- images ---------------------------------------------------------------------------

def test_dynamic_image_uses_the_stream_memory():
    mem = kiln.numpy.as_data_stream(gradient())
    img = kiln.Image()
    img.load_dynamic_image(mem, 256, 256, kiln.PF_BYTE_RGB)
    assert (img.width, img.height, img.format) == (256, 256, kiln.PF_BYTE_RGB)
    assert img.pixel_box.data == mem.pointer
    np.testing.assert_array_equal(kiln.numpy.view(img), gradient())


def test_dynamic_image_errors():
    img = kiln.Image()
    with pytest.raises(ValueError, match="196608"):  # the size the image needs
        img.load_dynamic_image(kiln.MemoryDataStream(1000), 256, 256, kiln.PF_BYTE_RGB)
    with pytest.raises(ValueError):
        img.load_dynamic_image(kiln.MemoryDataStream(1000), 0, 16, kiln.PF_BYTE_RGB)
    with pytest.raises(ValueError, match="format"):
        img.load_dynamic_image(kiln.MemoryDataStream(1000), 4, 4, 12345)


def test_png_round_trip(tmp_path):
    img = kiln.Image()
    img.load_dynamic_image(kiln.numpy.as_data_stream(gradient()), 256, 256, kiln.PF_BYTE_RGB)
    img.save(str(tmp_path / "g.png"))
    back = kiln.Image()
    back.load(str(tmp_path / "g.png"))
    assert back.format == kiln.PF_BYTE_RGB
    np.testing.assert_array_equal(kiln.numpy.view(back), gradient())


def test_image_save_to_an_unwritable_path_names_it():
    img = kiln.Image()
    img.load_dynamic_image(kiln.MemoryDataStream(12), 2, 2, kiln.PF_BYTE_RGB)
    with pytest.raises(OSError, match="no/such/dir"):
        img.save("/no/such/dir/x.png")


def test_image_flip_resize_convert():
    arr = np.arange(4 * 6, dtype=np.uint8).reshape(4, 6)
    img = kiln.Image()
    img.load_dynamic_image(kiln.numpy.as_data_stream(arr), 6, 4, kiln.PF_L8)
    img.flip_around_x()
    np.testing.assert_array_equal(kiln.numpy.view(img), arr[::-1])
    img.flip_around_y()
    np.testing.assert_array_equal(kiln.numpy.view(img), arr[::-1, ::-1])
    img.convert(kiln.PF_FLOAT32_R)
    np.testing.assert_allclose(kiln.numpy.view(img), arr[::-1, ::-1] / 255.0, rtol=1e-6)
    img.resize(3, 2)
    assert kiln.numpy.view(img).shape == (2, 3)


# --- resources ------------------------------------------------------------------------

def test_texture_has_a_full_mipmap_chain(textured):
    tex = textured.texture_manager.get_by_name("gradient", "General")
    assert (tex.width, tex.height, tex.num_mipmaps) == (256, 256, 8)
    level1 = kiln.numpy.view(tex.convert_to_image(1))
    assert level1.shape[:2] == (128, 128)
    # A 2x2 box filter of the gradient: column c of level 1 averages columns 2c, 2c+1.
    assert abs(int(level1[5, 10, 1]) - 20.5) <= 1


def test_texture_errors(root, textured):
    img = kiln.Image()
    with pytest.raises((ValueError, RuntimeError)):
        root.texture_manager.load_image("empty", "General", img)
    with pytest.raises(LookupError, match="missing"):
        root.texture_manager.get_by_name("missing", "General")
    other = kiln.Image()
    other.load_dynamic_image(kiln.MemoryDataStream(3), 1, 1, kiln.PF_BYTE_RGB)
    with pytest.raises(ValueError, match="gradient"):
        root.texture_manager.load_image("gradient", "General", other)


def test_material_structure_and_defaults(textured):
    mat = textured.material_manager.create("m", "General")
    assert len(mat.techniques) == 1 and len(mat.techniques[0].passes) == 1
    rpass = mat.techniques[0].passes[0]
    assert rpass.lighting_enabled is True
    rpass.lighting_enabled = False
    assert rpass.lighting_enabled is False
    tus = rpass.create_texture_unit_state("gradient")
    assert tus.texture_name == "gradient"
    assert tus.texture_filtering == kiln.TFO_BILINEAR
    assert tus.texture_addressing_mode == kiln.TAM_WRAP
    tus.texture_filtering = kiln.TFO_NONE
    tus.texture_addressing_mode = kiln.TAM_CLAMP
    assert (tus.texture_filtering, tus.texture_addressing_mode) == (kiln.TFO_NONE, kiln.TAM_CLAMP)
    assert len(rpass.texture_unit_states) == 1
    rpass.diffuse = (1, 0, 0)
    assert tuple(rpass.diffuse) == (1, 0, 0, 1)


def test_lookups_default_to_the_general_group(textured):
    assert textured.texture_manager.get_by_name("gradient").name == "gradient"
    assert textured.texture_manager.resource_exists("gradient")
    assert not textured.texture_manager.resource_exists("gradient", "Other")
    textured.material_manager.create("m", "General")
    assert textured.material_manager.get_by_name("m").name == "m"
    textured.material_manager.remove("m")
    with pytest.raises(LookupError, match="'m'"):
        textured.material_manager.get_by_name("m")


def test_material_errors(textured):
    mm = textured.material_manager
    mm.create("m", "General")
    with pytest.raises(ValueError, match="'m'"):
        mm.create("m", "General")
    with pytest.raises(LookupError, match="nope"):
        mm.get_by_name("nope", "General")
    rpass = mm.get_by_name("m", "General").techniques[0].passes[0]
    with pytest.raises(LookupError, match="no_such_texture"):
        rpass.create_texture_unit_state("no_such_texture")
    tus = rpass.create_texture_unit_state("gradient")
    with pytest.raises(ValueError):
        tus.texture_filtering = 99
    with pytest.raises(IndexError):
        mm.get_by_name("m", "General").techniques[3]


# --- scene ----------------------------------------------------------------------------

def test_scene_graph(root):
    scene = root.create_scene_manager()
    node = scene.root_scene_node.create_child_scene_node()
    assert len(scene.root_scene_node.children) == 1
    node.position = (1, 2, 3)
    assert tuple(node.position) == (1, 2, 3)
    node.scale = (2, 2, 2)
    node.orientation = kiln.Quaternion.from_angle_axis(np.pi / 2, (0, 1, 0))
    rect = kiln.Rectangle2D(True)
    node.attach_object(rect)
    assert len(node.attached_objects) == 1
    with pytest.raises(RuntimeError, match="already attached"):
        scene.root_scene_node.attach_object(rect)
    node.detach_object(rect)
    assert len(node.attached_objects) == 0


def test_camera(root):
    scene = root.create_scene_manager()
    cam = scene.create_camera("cam")
    assert cam.name == "cam"
    with pytest.raises(ValueError, match="cam"):
        scene.create_camera("cam")
    cam.near_clip_distance = 0.5
    assert cam.near_clip_distance == 0.5
    with pytest.raises(ValueError):
        cam.near_clip_distance = -1


# --- render ---------------------------------------------------------------------------

def scene_with_rect(root, size=(64, 48), corners=(-0.5, 0.5, 0.5, -0.5)):
    scene = root.create_scene_manager()
    mat = root.material_manager.create("mat", "General")
    rpass = mat.techniques[0].passes[0]
    rpass.lighting_enabled = False
    rpass.create_texture_unit_state("gradient")
    rect = kiln.Rectangle2D(True)
    rect.set_corners(*corners)
    rect.material = mat
    scene.root_scene_node.create_child_scene_node().attach_object(rect)
    win = root.create_render_texture("win", *size)
    vp = win.add_viewport(scene.create_camera("cam"))
    vp.background_colour = (0.3, 0.3, 0.3)
    return win


def read_rgb(win):
    pb = kiln.PixelBox(win.width, win.height, 1, kiln.PF_BYTE_RGB)
    win.copy_contents_to_memory(pb, pb)
    return kiln.numpy.view(pb)


def test_render_and_read_back(textured):
    win = scene_with_rect(textured)
    textured.render_one_frame()
    pixels = read_rgb(win)
    assert pixels.shape == (48, 64, 3)
    assert tuple(pixels[0, 0]) == (76, 76, 76)
    inside = pixels[12:36, 16:48]
    assert not inside[:, :, 0].any() and not inside[:, :, 2].any()
    assert (np.diff(inside[:, 1:-1, 1].astype(int), axis=1) >= 0).all()  # the gradient rises


def test_copy_contents_converts_to_the_destination_format(textured):
    win = scene_with_rect(textured)
    textured.render_one_frame()
    rgb = read_rgb(win)
    for fmt, to_bytes in ((kiln.PF_FLOAT32_RGB, 255.0), (kiln.PF_SHORT_RGBA, 1 / 257.0)):
        pb = kiln.PixelBox(win.width, win.height, 1, fmt)
        win.copy_contents_to_memory(pb, pb)
        got = kiln.numpy.view(pb)[:, :, :3].astype(np.float64) * to_bytes
        np.testing.assert_allclose(got, rgb, atol=0.51)
    bgr = kiln.PixelBox(win.width, win.height, 1, kiln.PF_BYTE_BGR)
    win.copy_contents_to_memory(bgr, bgr)
    np.testing.assert_array_equal(kiln.numpy.view(bgr), rgb[:, :, ::-1])


def test_copy_contents_of_a_sub_box(textured):
    win = scene_with_rect(textured)
    textured.render_one_frame()
    full = read_rgb(win)
    pb = kiln.PixelBox(10, 5, 1, kiln.PF_BYTE_RGB)
    win.copy_contents_to_memory(kiln.Box(20, 10, 30, 15), pb)
    np.testing.assert_array_equal(kiln.numpy.view(pb), full[10:15, 20:30])


def test_copy_contents_errors(textured):
    win = scene_with_rect(textured)
    textured.render_one_frame()
    small = kiln.PixelBox(10, 10, 1, kiln.PF_BYTE_RGB)
    with pytest.raises(ValueError, match="10"):
        win.copy_contents_to_memory(kiln.Box(0, 0, 64, 48), small)
    with pytest.raises(IndexError, match="leaves render target 'win'"):
        win.copy_contents_to_memory(kiln.Box(0, 0, 65, 48), kiln.PixelBox(65, 48, 1, kiln.PF_BYTE_RGB))
    with pytest.raises(ValueError, match="depth"):
        win.copy_contents_to_memory(kiln.Box(0, 0, 8, 8), kiln.PixelBox(8, 8, 1, kiln.PF_DEPTH16))
    with pytest.raises(ValueError, match="stream"):
        kiln.PixelBox(64, 48, 1, kiln.PF_BYTE_RGB, kiln.MemoryDataStream(100))


def test_write_contents_to_file(textured, tmp_path):
    win = scene_with_rect(textured)
    textured.render_one_frame()
    path = tmp_path / "out.png"
    win.write_contents_to_file(str(path))
    img = kiln.Image()
    img.load(str(path))
    np.testing.assert_array_equal(kiln.numpy.view(img)[:, :, :3], read_rgb(win))
    with pytest.raises(OSError, match="not/here"):
        win.write_contents_to_file("/not/here/out.png")


def test_render_target_errors(root):
    with pytest.raises(ValueError):
        root.create_render_texture("zero", 0, 10)
    with pytest.raises(ValueError):
        root.create_render_texture("depth", 8, 8, kiln.PF_DEPTH16)
    with pytest.raises(ValueError):
        root.create_render_texture("bad", 8, 8, 4242)
    root.create_render_texture("a", 8, 8)
    with pytest.raises(ValueError, match="'a'"):
        root.create_render_texture("a", 8, 8)


def test_output_is_identical_for_any_thread_count():
    renders = []
    for threads in (1, 2, 3):
        root = kiln.Root(num_threads=threads)
        img = kiln.Image()
        img.load_dynamic_image(kiln.numpy.as_data_stream(gradient()), 256, 256, kiln.PF_BYTE_RGB)
        root.texture_manager.load_image("gradient", "General", img)
        win = scene_with_rect(root, size=(300, 200), corners=(-0.9, 0.8, 0.7, -0.6))
        root.render_one_frame()
        renders.append(read_rgb(win).tobytes())
    assert renders[0] == renders[1] == renders[2]


def test_handles_keep_their_root_alive():
    import gc
    import weakref

    root = kiln.Root()
    mat = root.material_manager.create("kept", "General")
    rpass = mat.techniques[0].passes[0]
    node = root.create_scene_manager().root_scene_node.create_child_scene_node()
    ref = weakref.ref(root)
    del root
    gc.collect()
    assert ref() is not None  # still needed by mat, rpass and node
    rpass.lighting_enabled = False
    node.position = (1, 2, 3)
    del mat, rpass, node
    gc.collect()
    assert ref() is None


def test_standalone_objects_outlive_the_root():
    import gc

    root = kiln.Root()
    img = kiln.Image()
    img.load_dynamic_image(kiln.numpy.as_data_stream(gradient()), 256, 256, kiln.PF_BYTE_RGB)
    root.texture_manager.load_image("gradient", "General", img)
    mat = root.material_manager.create("m", "General")
    rect = kiln.Rectangle2D(True)
    rect.material = mat
    del mat, root
    gc.collect()
    assert rect.material.name == "m"
    assert img.width == 256
