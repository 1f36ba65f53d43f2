"""The NumPy bridge both ways: arrays into the engine without copying (Image.from_array,
PixelBox.from_array), frames into arrays (a render target over a caller's array,
RenderTarget.read with and without out=, kiln.numpy.view of a target), the formats
arrays stand for, lifetimes, threads and bad input."""

import gc
import threading
import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kiln
import kiln.numpy

DTYPES = [np.uint8, np.uint16, np.float16, np.float32]
FORMAT_OF = {
    (np.uint8, 1): kiln.PF_L8, (np.uint8, 2): kiln.PF_BYTE_LA,
    (np.uint8, 3): kiln.PF_BYTE_RGB, (np.uint8, 4): kiln.PF_BYTE_RGBA,
    (np.uint16, 1): kiln.PF_L16, (np.uint16, 2): kiln.PF_SHORT_GR,
    (np.uint16, 3): kiln.PF_SHORT_RGB, (np.uint16, 4): kiln.PF_SHORT_RGBA,
    (np.float16, 1): kiln.PF_FLOAT16_R, (np.float16, 2): kiln.PF_FLOAT16_GR,
    (np.float16, 3): kiln.PF_FLOAT16_RGB, (np.float16, 4): kiln.PF_FLOAT16_RGBA,
    (np.float32, 1): kiln.PF_FLOAT32_R, (np.float32, 2): kiln.PF_FLOAT32_GR,
    (np.float32, 3): kiln.PF_FLOAT32_RGB, (np.float32, 4): kiln.PF_FLOAT32_RGBA,
}


def random_pixels(rng, dtype, shape):
    if np.dtype(dtype).kind == "u":
        return rng.integers(0, np.iinfo(dtype).max, size=shape, endpoint=True).astype(dtype)
    return rng.uniform(-2, 2, size=shape).astype(dtype)


def pixel_shape(depth, height, width, channels, squeeze):
    shape = (height, width) if channels == 1 and squeeze else (height, width, channels)
    return shape if depth == 1 else (depth, height, width, channels)


@st.composite
def pixel_arrays(draw, volumes=True, padding=True):
    """An array of pixels of any dtype and channel count, (h, w) for one channel or
    not, a volume or not, and a view into a larger array (padded rows and slices,
    an offset first pixel) or not."""
    dtype = draw(st.sampled_from(DTYPES))
    channels = draw(st.integers(1, 4))
    depth = draw(st.integers(2, 3)) if volumes and draw(st.booleans()) else 1
    height, width = draw(st.integers(1, 9)), draw(st.integers(1, 9))
    squeeze = draw(st.booleans())
    pad_x = draw(st.integers(0, 3)) if padding else 0
    pad_y = draw(st.integers(0, 2)) if padding and depth > 1 else 0
    offset = draw(st.integers(0, 2)) if padding else 0
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    big = random_pixels(rng, dtype, pixel_shape(depth, height + pad_y, width + pad_x + offset, channels, False))
    if depth == 1:
        arr = big[:height, offset:offset + width]
    else:
        arr = big[:, :height, offset:offset + width]
    if channels == 1 and squeeze and depth == 1:
        arr = arr[..., 0]
    return arr, dtype, channels


@settings(max_examples=150, deadline=None)
@given(pixel_arrays())
def test_a_pixelbox_over_an_array_shares_its_memory_and_views_it_unchanged(case):
    arr, dtype, channels = case
    box = kiln.PixelBox.from_array(arr)
    depth, height, width = (1,) + arr.shape[:2] if arr.ndim < 4 else arr.shape[:3]
    assert (box.format, box.width, box.height, box.depth) == (FORMAT_OF[(dtype, channels)], width, height, depth)
    seen = kiln.numpy.view(box)
    assert np.shares_memory(seen, arr)
    np.testing.assert_array_equal(seen.reshape(arr.shape), arr)
    # The box is the array's memory: what the engine writes through it shows in the
    # array, every pixel, and nothing outside the array changes.
    if depth == 1:
        source = random_pixels(np.random.default_rng(1), dtype, seen.shape)
        parent = arr.base if arr.base is not None else arr
        before = parent.copy()
        kiln.PixelBox.from_array(source, box.format).convert_to(box)
        np.testing.assert_array_equal(arr.reshape(seen.shape), source)
        inside = np.zeros(parent.shape, bool)
        offset = arr.__array_interface__["data"][0] - parent.__array_interface__["data"][0]
        np.ndarray(arr.shape, bool, inside, offset // arr.itemsize,
                   tuple(stride // arr.itemsize for stride in arr.strides))[...] = True
        np.testing.assert_array_equal(parent[~inside], before[~inside])


@settings(max_examples=100, deadline=None)
@given(pixel_arrays(volumes=False, padding=False))
def test_an_image_over_an_array_shares_its_memory(case):
    arr, dtype, channels = case
    img = kiln.Image.from_array(arr)
    assert (img.width, img.height, img.format) == (arr.shape[1], arr.shape[0], FORMAT_OF[(dtype, channels)])
    seen = kiln.numpy.view(img)
    assert np.shares_memory(seen, arr)
    np.testing.assert_array_equal(seen.reshape(arr.shape), arr)
    # As the tutorial's copy does, the same pixels come in by copy too.
    copied = kiln.Image()
    copied.load_dynamic_image(kiln.numpy.as_data_stream(arr), arr.shape[1], arr.shape[0], img.format)
    assert not np.shares_memory(kiln.numpy.view(copied), arr)
    np.testing.assert_array_equal(kiln.numpy.view(copied), seen)


def background_root(width, height, colour, array=None, format=None):
    root = kiln.Root(num_threads=2)
    scene = root.create_scene_manager()
    if array is not None:
        target = root.create_render_texture("t", array=array, format=format)
    else:
        target = root.create_render_texture("t", width, height, format)
    target.add_viewport(scene.create_camera("cam")).background_colour = colour
    return root, target


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(DTYPES), st.integers(1, 4), st.integers(1, 70), st.integers(1, 70), st.booleans(),
       st.tuples(*[st.floats(0, 1, width=32)] * 3))
def test_frames_land_in_the_callers_array_as_the_engine_renders_them(dtype, channels, width, height, squeeze,
                                                                     colour):
    out = np.full(pixel_shape(1, height, width, channels, squeeze), 7, dtype)
    root, target = background_root(width, height, colour, array=out)
    assert (target.width, target.height, target.format) == (width, height, FORMAT_OF[(dtype, channels)])
    _, reference = background_root(width, height, colour, format=target.format)
    for frame in range(4):
        # Whatever the caller writes between frames, the frame replaces: all of it, or
        # a pixel here and there in a background the engine would not store again.
        if frame < 2:
            out[...] = 7
        else:
            out.reshape(-1)[[0, out.size // 2, out.size - 1]] = 7 if frame == 2 else 1
        target.update()
        reference.update()
        expected = reference.read()
        np.testing.assert_array_equal(out.reshape(expected.shape), expected)
    live = kiln.numpy.view(target)
    assert np.shares_memory(live, out)
    # read() without out is a new array; with out it fills and returns that array.
    fresh = target.read()
    assert not np.shares_memory(fresh, out)
    np.testing.assert_array_equal(fresh, expected)
    rgba = np.zeros((height + 2, width, 4), np.float32)[1:-1]
    assert target.read(out=rgba) is rgba
    np.testing.assert_array_equal(rgba, reference.read(format=kiln.PF_FLOAT32_RGBA))


def test_read_converts_reads_depth_and_checks_out():
    root, target = background_root(32, 24, (0.2, 0.4, 0.6), format=kiln.PF_BYTE_RGBA)
    target.update()
    rgb = target.read(format=kiln.PF_BYTE_RGB)
    assert rgb.shape == (24, 32, 3) and rgb.dtype == np.uint8
    assert tuple(rgb[5, 5]) == (51, 102, 153)
    assert target.read(out=rgb, format=kiln.PF_BYTE_RGB) is rgb
    grey = target.read(format=kiln.PF_FLOAT32_R)
    assert grey.shape == (24, 32) and grey.dtype == np.float32
    depth = target.read(buffer="depth")
    assert depth.shape == (24, 32) and depth.dtype == np.float32 and (depth == 1.0).all()
    with pytest.raises(ValueError, match="32x24"):
        target.read(out=np.zeros((24, 31, 3), np.uint8))
    with pytest.raises(TypeError, match="PF_BYTE_RGB"):
        target.read(out=np.zeros((24, 32, 3), np.float32), format=kiln.PF_BYTE_RGB)
    frozen = np.zeros((24, 32, 3), np.uint8)
    frozen.flags.writeable = False
    with pytest.raises(ValueError, match="read-only"):
        target.read(out=frozen)
    with pytest.raises(ValueError, match="buffer"):
        target.read(buffer="normals")
    with pytest.raises(ValueError, match="float32"):
        target.read(buffer="depth", format=kiln.PF_BYTE_RGB)


def test_a_view_of_a_target_follows_its_frames():
    root, target = background_root(16, 8, (1, 0, 0), format=kiln.PF_BYTE_RGB)
    live = kiln.numpy.view(target)
    target.update()
    assert tuple(live[3, 3]) == (255, 0, 0)
    target.viewports[0].background_colour = (0, 0, 1)
    target.update()
    assert tuple(live[3, 3]) == (0, 0, 255)


def test_an_explicit_format_is_checked_never_reinterpreted():
    rgb = np.zeros((4, 5, 3), np.float32)
    box = kiln.PixelBox.from_array(rgb, format=kiln.PF_FLOAT32_RGB)
    assert box.format == kiln.PF_FLOAT32_RGB
    with pytest.raises(TypeError, match=r"PF_B8G8R8 \(PF_BYTE_RGB\) pixels are 3 uint8"):
        kiln.PixelBox.from_array(rgb, format=kiln.PF_BYTE_RGB)
    with pytest.raises(TypeError, match="uint32"):
        kiln.Image.from_array(np.zeros((4, 4), np.uint32), format=kiln.PF_BYTE_RGBA)
    with pytest.raises(TypeError, match="no pixel format"):
        kiln.PixelBox.from_array(np.zeros((4, 4, 3), np.int16))
    with pytest.raises(TypeError, match="byte order"):
        kiln.PixelBox.from_array(np.zeros((4, 4), ">u2"))
    # A memory-order format of the same components is the caller's to choose.
    assert kiln.PixelBox.from_array(np.zeros((2, 2, 3), np.uint8), format=kiln.PF_BYTE_BGR).format == \
        kiln.PF_BYTE_BGR
    assert kiln.PixelBox.from_array(np.zeros((2, 2), np.uint8), format=kiln.PF_A8).format == kiln.PF_A8


def test_layouts_a_pixelbox_cannot_describe_are_refused_with_a_reason():
    base = np.zeros((6, 8, 4), np.uint8)
    with pytest.raises(ValueError, match="strides"):
        kiln.PixelBox.from_array(base[:, ::2])  # pixels not side by side
    with pytest.raises(ValueError, match="strides"):
        kiln.PixelBox.from_array(base[:, :, ::2])  # channels not side by side
    with pytest.raises(ValueError, match="strides"):
        kiln.PixelBox.from_array(base[::-1])  # rows backwards
    with pytest.raises(ValueError, match="strides"):
        kiln.PixelBox.from_array(np.zeros((3, 4, 3), np.uint8).transpose(1, 0, 2))
    with pytest.raises(ValueError, match="rows are 8 pixels apart"):
        kiln.Image.from_array(base[:, :5])
    with pytest.raises(ValueError, match="rows are 8 pixels apart"):
        kiln.Root().create_render_texture("t", array=base[:, :5])
    with pytest.raises(ValueError, match="no pixels"):
        kiln.PixelBox.from_array(np.zeros((0, 4, 3), np.uint8))
    with pytest.raises(ValueError, match="1 to 4 channels"):
        kiln.PixelBox.from_array(np.zeros((4, 4, 5), np.uint8))
    with pytest.raises(ValueError, match="1-D"):
        kiln.Image.from_array(np.zeros(16, np.uint8))
    with pytest.raises(ValueError, match="2D"):
        kiln.Image.from_array(np.zeros((2, 3, 3, 4), np.uint8))
    for not_an_array in ("pixels", [[1, 2], [3, 4]], 3.0, None):
        with pytest.raises(TypeError, match="expected an array"):
            kiln.PixelBox.from_array(not_an_array)
    frozen = np.zeros((4, 4, 3), np.uint8)
    frozen.flags.writeable = False
    with pytest.raises(ValueError, match="read-only"):
        kiln.Root().create_render_texture("t", array=frozen)
    with pytest.raises(TypeError, match="size comes from the array"):
        kiln.Root().create_render_texture("t", 4, 4, array=np.zeros((4, 4, 3), np.uint8))
    # Read-only memory is taken for reading, and viewed read-only.
    box = kiln.PixelBox.from_array(frozen)
    assert not kiln.numpy.view(box).flags.writeable


def test_views_and_boxes_keep_the_callers_memory_alive_after_every_engine_object_is_gone():
    arr = np.arange(4 * 5 * 3, dtype=np.uint8).reshape(4, 5, 3)
    expected = arr.copy()
    img = kiln.Image.from_array(arr)
    seen = kiln.numpy.view(img)
    del arr, img
    gc.collect()
    np.testing.assert_array_equal(seen, expected)
    out = np.zeros((8, 8, 3), np.uint8)
    root, target = background_root(8, 8, (0, 1, 0), array=out)
    target.update()
    live = kiln.numpy.view(target)
    box = target.pixel_box
    del root, target, out
    gc.collect()
    assert (live[..., 1] == 255).all()
    assert (kiln.numpy.view(box)[..., 1] == 255).all()


def test_wrap_holds_the_memory_it_shows():
    data = bytearray(b"\x01\x02\x03\x04")
    stream = kiln.numpy.wrap(data)
    with pytest.raises(BufferError):
        data.extend(b"more")  # the stream holds the bytearray's buffer
    assert kiln.numpy.view(stream).tolist() == [1, 2, 3, 4]
    frozen = kiln.numpy.wrap(b"abcd")
    assert frozen.read_only and kiln.numpy.view(frozen).tobytes() == b"abcd"
    with pytest.raises(TypeError, match="expected an array"):
        kiln.numpy.wrap([1, 2, 3])
    del stream
    gc.collect()
    data.extend(b"more")  # released with the stream


def ticks_during(work):
    """How many times another Python thread ran a loop iteration while work(), one call
    into the engine, ran."""
    ticks = []
    stop = threading.Event()

    def count():
        while not stop.is_set():
            ticks.append(time.perf_counter())

    counter = threading.Thread(target=count)
    counter.start()
    try:
        start = time.perf_counter()
        work()
        end = time.perf_counter()
    finally:
        stop.set()
        counter.join()
    return len([t for t in ticks if start < t < end])


def test_the_gil_is_released_while_a_frame_renders_and_roots_render_in_parallel():
    size = 1024
    roots = [background_root(size, size, (0.1 * i, 0.5, 0.9)) for i in range(2)]
    for _, target in roots:
        target.update()
    # One call, a large frame: holding the GIL through it, the other thread would not
    # run at all while it lasts.
    _, large = background_root(4096, 4096, (0.5, 0.5, 0.5))
    large.update()
    large.viewports[0].background_colour = (0.25, 0.5, 0.75)  # every tile is stored anew
    assert ticks_during(large.update) > 100, "the other thread hardly ran while a frame rendered"

    results = {}

    def render(i):
        root, target = roots[i]
        for _ in range(5):
            target.update()
        results[i] = target.read(format=kiln.PF_BYTE_RGB)

    threads = [threading.Thread(target=render, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for i in range(2):
        assert tuple(results[i][100, 100]) == (round(25.5 * i), 128, 230)


def test_the_ecosystem_takes_images_boxes_and_targets_without_copies():
    import io

    import matplotlib
    from PIL import Image as PILImage

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    root, target = background_root(12, 10, (0.2, 0.4, 0.6), format=kiln.PF_BYTE_RGB)
    target.update()
    pixels = np.arange(10 * 12 * 3, dtype=np.uint8).reshape(10, 12, 3)
    objects = [target, kiln.Image.from_array(pixels), kiln.PixelBox.from_array(pixels[:, 2:9])]
    for obj in objects:
        seen = kiln.numpy.view(obj)
        as_array = np.asarray(obj)
        assert np.shares_memory(as_array, seen) and as_array.shape == seen.shape
        from_dlpack = np.from_dlpack(obj)
        assert np.shares_memory(from_dlpack, seen)
        np.testing.assert_array_equal(from_dlpack, seen)
        assert obj.__dlpack_device__() == (1, 0)
        np.testing.assert_array_equal(np.asarray(PILImage.fromarray(obj)), seen)
        decoded = np.asarray(PILImage.open(io.BytesIO(obj._repr_png_())))
        np.testing.assert_array_equal(decoded, seen)
        figure = plt.figure()
        plt.imshow(obj)
        plt.savefig(io.BytesIO(), format="png")
        plt.close(figure)
    assert repr(target) == "<kiln.RenderTarget 't' 12x10 PF_BYTE_RGB>"
    assert repr(objects[1]) == "<kiln.Image 12x10 PF_BYTE_RGB>"
    assert repr(objects[2]) == "<kiln.PixelBox 7x10 PF_BYTE_RGB>"
    assert repr(kiln.Image()) == "<kiln.Image empty>"
    # A float target's picture is made 8-bit for Jupyter.
    _, hdr = background_root(4, 4, (0.5, 1.0, 0.0), format=kiln.PF_FLOAT32_RGBA)
    hdr.update()
    assert tuple(np.asarray(PILImage.open(io.BytesIO(hdr._repr_png_())))[0, 0]) == (128, 255, 0, 255)


def test_an_array_taken_from_an_image_outlives_the_images_next_load():
    img = kiln.Image.from_array(np.full((4, 4, 3), 9, np.uint8))
    taken = np.asarray(img)
    img.load_dynamic_image(kiln.numpy.as_data_stream(np.zeros((2, 2), np.uint8)), 2, 2, kiln.PF_L8)
    gc.collect()
    assert (taken == 9).all() and taken.shape == (4, 4, 3)


def batch_scene(width=48, height=36):
    """A lit, textured-free cube seen by a camera on a node, and a second camera."""
    root = kiln.Root(num_threads=2)
    scene = root.create_scene_manager()
    positions = np.array([[x, y, z] for x in (-1, 1) for y in (-1, 1) for z in (-1, 1)], np.float32)
    colours = np.abs(positions) * 0.5 + np.array([0.5, 0.0, 0.0], np.float32) * (positions > 0)
    faces = [(0, 1, 3, 2), (4, 6, 7, 5), (0, 4, 5, 1), (2, 3, 7, 6), (0, 2, 6, 4), (1, 5, 7, 3)]
    indices = np.array([[a, b, c, a, c, d] for a, b, c, d in faces], np.uint32)
    mesh = root.mesh_manager.create_from_arrays("cube", "General", positions, colours=colours, indices=indices)
    mat = root.material_manager.create("flat", "General")
    mat.techniques[0].passes[0].lighting_enabled = False
    mat.techniques[0].passes[0].vertex_colour_tracking = kiln.TVC_DIFFUSE
    mat.techniques[0].passes[0].culling_mode = kiln.CULL_NONE
    entity = scene.create_entity("cube", mesh)
    entity.material = mat
    scene.root_scene_node.create_child_scene_node().attach_object(entity)
    cam = scene.create_camera("cam")
    cam.near_clip_distance = 0.1
    node = scene.root_scene_node.create_child_scene_node()
    node.attach_object(cam)
    node.position = (0, 0, 6)
    target = root.create_render_texture("t", width, height, kiln.PF_BYTE_RGB)
    target.add_viewport(cam).background_colour = (0.1, 0.2, 0.3)
    return root, scene, node, target


def test_a_batch_of_poses_renders_what_each_pose_renders_alone():
    root, scene, node, target = batch_scene()
    rng = np.random.default_rng(3)
    positions = rng.uniform(-1.5, 1.5, (6, 3)).astype(np.float32) + np.array([0, 0, 6], np.float32)
    angles = rng.uniform(-0.4, 0.4, 6)
    orientations = np.stack([np.cos(angles / 2), np.zeros(6), np.sin(angles / 2), np.zeros(6)], 1)
    frames = target.update_poses(positions, orientations)
    assert frames.shape == (6, 36, 48, 3) and frames.dtype == np.uint8
    assert tuple(node.position) == (0, 0, 6)  # the pose is given back
    for i in range(6):
        node.position = tuple(positions[i])
        node.orientation = kiln.Quaternion(*orientations[i])
        target.update()
        np.testing.assert_array_equal(frames[i], target.read())
    assert len({frames[i].tobytes() for i in range(6)}) == 6
    # Into a caller's (N, h, w, c) array of another format, with padded rows; the
    # positions alone.
    node.orientation = kiln.Quaternion(1, 0, 0, 0)
    big = np.zeros((6, 36, 50, 4), np.float32)
    out = big[:, :, 1:49]
    assert target.update_poses(positions=positions, out=out) is out
    node.position = tuple(positions[2])
    target.update()
    np.testing.assert_array_equal(out[2], target.read(format=kiln.PF_FLOAT32_RGBA))
    assert not big[:, :, 0].any() and not big[:, :, 49].any()


def test_a_batch_of_cameras_renders_what_each_camera_renders_alone():
    root, scene, node, target = batch_scene()
    cameras = []
    for i in range(4):
        cam = scene.create_camera(f"extra{i}")
        cam.near_clip_distance = 0.1
        n = scene.root_scene_node.create_child_scene_node()
        n.attach_object(cam)
        n.position = (i - 1.5, 0.5, 5 + i)
        cameras.append(cam)
    grey = target.update_cameras(cameras, format=kiln.PF_L8)
    assert grey.shape == (4, 36, 48) and grey.dtype == np.uint8
    assert target.viewports[0].camera == scene.get_camera("cam")
    for i, cam in enumerate(cameras):
        target.viewports[0].camera = cam
        target.update()
        np.testing.assert_array_equal(grey[i], target.read(format=kiln.PF_L8))


def test_a_batch_refuses_bad_arguments_before_it_renders():
    root, scene, node, target = batch_scene()
    before = target.frame_count
    with pytest.raises(ValueError, match=r"shape \(N, 3\)"):
        target.update_poses(positions=np.zeros((3, 2)))
    with pytest.raises(ValueError, match="3 positions but 2 orientations"):
        target.update_poses(np.zeros((3, 3)), np.ones((2, 4)))
    with pytest.raises(kiln.InvalidArgumentError, match="position 1 is not finite"):
        target.update_poses(positions=[[0, 0, 5], [0, np.inf, 5]])
    with pytest.raises(kiln.InvalidArgumentError, match="orientation 0"):
        target.update_poses(orientations=np.zeros((1, 4)))
    with pytest.raises(ValueError, match="at least one frame"):
        target.update_poses(positions=np.zeros((0, 3)))
    with pytest.raises(ValueError, match=r"shape \(2, 36, 48, c\)"):
        target.update_poses(positions=np.zeros((2, 3)), out=np.zeros((3, 36, 48, 3), np.uint8))
    with pytest.raises(TypeError, match="camera 1 is a str"):
        target.update_cameras([scene.get_camera("cam"), "cam"])
    other = kiln.Root().create_scene_manager().create_camera("elsewhere")
    with pytest.raises(kiln.KilnError):
        target.update_cameras([other])
    assert target.frame_count == before


def test_a_batch_releases_the_gil_for_all_its_frames():
    root, scene, node, target = batch_scene(640, 480)
    positions = np.tile(np.array([[0, 0, 6]], np.float32), (40, 1))
    assert ticks_during(lambda: target.update_poses(positions=positions)) > 100


def test_threads_that_share_a_root_take_turns():
    """One thread renders a Root while another changes its scene and materials: the
    calls take turns (the Root's lock), so nothing is freed or changed under a frame."""
    root = kiln.Root(num_threads=2)
    scene = root.create_scene_manager()
    img = kiln.Image.from_array(np.full((8, 8, 3), 200, np.uint8))
    root.texture_manager.load_image("grey", "General", img)
    mat = root.material_manager.create("m", "General")
    rpass = mat.techniques[0].passes[0]
    rpass.lighting_enabled = False
    target = root.create_render_texture("t", 320, 240, kiln.PF_BYTE_RGB)
    target.add_viewport(scene.create_camera("cam")).background_colour = (0, 0, 0)
    errors = []
    done = threading.Event()

    def render():
        try:
            for _ in range(60):
                target.update()
                target.read()
        except Exception as exc:  # noqa: BLE001  (reported below)
            errors.append(exc)
        finally:
            done.set()

    def change():
        try:
            i = 0
            while not done.is_set():
                rect = kiln.Rectangle2D(True)
                rect.set_corners(-0.9 + 0.01 * (i % 50), 0.9, 0.9, -0.9)
                rect.material = mat
                node = scene.root_scene_node.create_child_scene_node()
                node.attach_object(rect)
                rpass.create_texture_unit_state("grey")
                target.viewports[0].background_colour = (i % 2, 0, 0)
                rect.set_corners(-0.5, 0.5, 0.5, -0.5)
                node.detach_object(rect)
                i += 1
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=render), threading.Thread(target=change)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert target.frame_count >= 60


def test_an_object_given_to_a_roots_node_keeps_the_root_alive():
    def attached_rectangle():
        root = kiln.Root()
        scene = root.create_scene_manager()
        rect = kiln.Rectangle2D(True)
        scene.root_scene_node.create_child_scene_node().attach_object(rect)
        return rect

    rect = attached_rectangle()
    gc.collect()
    node = rect.parent_scene_node
    node.position = (1, 2, 3)
    assert tuple(node.position) == (1, 2, 3)
    child = node.create_child_scene_node()  # the node's scene is still there
    assert tuple(child.derived_position) == (1, 2, 3)


FORK_SCRIPT = """
import multiprocessing, os, sys, warnings
import numpy as np
import kiln

warnings.simplefilter("ignore", DeprecationWarning)  # fork with threads: what DataLoader does
root = kiln.Root(num_threads=2)
scene = root.create_scene_manager()
target = root.create_render_texture("t", 300, 200, kiln.PF_BYTE_RGB)
target.add_viewport(scene.create_camera("cam")).background_colour = (0.2, 0.4, 0.6)
target.update()

def colour_in_child(i):
    target.viewports[0].background_colour = (i / 4, 0, 0)
    target.update()
    return tuple(int(c) for c in target.read()[7, 9])

pid = os.fork()
if pid == 0:
    os._exit(0 if colour_in_child(4) == (255, 0, 0) else 3)
_, status = os.waitpid(pid, 0)
assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, status
with multiprocessing.get_context("fork").Pool(2) as pool:
    got = pool.map(colour_in_child, range(4))
assert [g[0] for g in got] == [0, 64, 128, 191], got
target.update()  # the parent's own threads still render
assert tuple(target.read()[7, 9]) == (51, 102, 153)
print("forked fine")
"""


def test_a_root_made_before_a_fork_renders_in_the_children():
    """After os.fork (and multiprocessing's fork start method, how PyTorch's DataLoader
    starts its workers) a child renders with the parent's Root: its workers start anew
    there. A hang fails the test by its timeout."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", FORK_SCRIPT], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "forked fine" in done.stdout, done.stdout + done.stderr


FORK_WHILE_LOCKED_SCRIPT = """
import os, threading, warnings
import kiln

warnings.simplefilter("ignore", DeprecationWarning)
root = kiln.Root(num_threads=2)
scene = root.create_scene_manager()
target = root.create_render_texture("t", 64, 48, kiln.PF_BYTE_RGB)
target.add_viewport(scene.create_camera("cam")).background_colour = (1, 0, 0)
# Another thread is inside a call on the Root (it holds the Root's lock) when the
# process forks.
inside, leave = threading.Event(), threading.Event()

def hold():
    with target._lock:
        inside.set()
        leave.wait()

holder = threading.Thread(target=hold)
holder.start()
inside.wait()
pid = os.fork()
if pid == 0:
    target.update()
    os._exit(0 if tuple(target.read()[0, 0]) == (255, 0, 0) else 3)
leave.set()
holder.join()
_, status = os.waitpid(pid, 0)
assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, status
print("forked fine")
"""


def test_a_fork_while_another_thread_uses_the_root_leaves_the_child_free_to_use_it():
    """The lock a thread held at the fork would be held forever in the child, where that
    thread does not exist: the child's locks are made free again. A hang fails the test
    by its timeout."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", FORK_WHILE_LOCKED_SCRIPT], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0 and "forked fine" in done.stdout, done.stdout + done.stderr


def test_a_target_renders_into_a_stream_given_as_its_storage():
    stream = kiln.MemoryDataStream(6 * 4 * 3)
    root = kiln.Root()
    target = root.create_render_texture("t", 6, 4, kiln.PF_BYTE_RGB, storage=stream)
    target.add_viewport(root.create_scene_manager().create_camera("c")).background_colour = (1, 0, 0)
    target.update()
    assert kiln.numpy.view(stream).reshape(4, 6, 3)[..., 0].min() == 255
    with pytest.raises(TypeError, match="'storage' must be a DataStream, not Image"):
        root.create_render_texture("u", 6, 4, kiln.PF_BYTE_RGB, storage=kiln.Image())
