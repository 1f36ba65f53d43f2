"""kiln.numpy: copying arrays into engine memory, wrapping them, and viewing engine
memory as arrays without copying."""

import gc
import resource
import weakref

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from hypothesis.extra import numpy as hnp

import kiln
import kiln.numpy


# --- as_data_stream -------------------------------------------------------------------

@pytest.mark.parametrize("dtype", [np.uint8, np.int8, np.uint16, np.int32, np.float16, np.float32,
                                   np.float64, np.complex64, np.bool_])
def test_as_data_stream_copies_any_dtype(dtype):
    arr = (np.arange(24) % 7).astype(dtype).reshape(2, 3, 4)
    mem = kiln.numpy.as_data_stream(arr)
    assert isinstance(mem, kiln.MemoryDataStream)
    assert mem.size == arr.nbytes
    assert mem.read() == arr.tobytes()


def test_as_data_stream_copies_non_contiguous_arrays_in_c_order():
    base = np.arange(64, dtype=np.uint16).reshape(8, 8)
    for arr in (base[::2, 1::3], base.T, base[:, ::-1], np.broadcast_to(base[0], (3, 8))):
        mem = kiln.numpy.as_data_stream(arr)
        assert mem.read() == np.ascontiguousarray(arr).tobytes()


def test_as_data_stream_is_a_copy():
    arr = np.zeros(16, np.uint8)
    mem = kiln.numpy.as_data_stream(arr)
    arr[:] = 9
    assert mem.read() == bytes(16)


def test_as_data_stream_lives_on_in_what_holds_it():
    # The stream's Python object owns its reference until it goes; a PixelBox holds its
    # own, so the bytes stay after the object is collected.
    kiln.numpy.as_data_stream(np.zeros(1, np.uint8))  # the fast path is set up by the first call
    arr = (np.arange(64 * 48 * 3) % 251).astype(np.uint8).reshape(48, 64, 3)
    mem = kiln.numpy.as_data_stream(arr)
    box = kiln.PixelBox(64, 48, 1, kiln.PF_BYTE_RGB, mem)
    del mem
    gc.collect()
    np.testing.assert_array_equal(kiln.numpy.view(box), arr)


def test_as_data_stream_gives_its_memory_back():
    # 48 streams of 32 MiB made and dropped: kept, they would be 1.5 GiB.
    arr = np.ones(32 << 20, np.uint8)
    for _ in range(3):
        kiln.numpy.as_data_stream(arr)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for _ in range(48):
        assert kiln.numpy.as_data_stream(arr).size == arr.nbytes
    grown_mib = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mib < 512, f"peak resident memory grew by {grown_mib:.0f} MiB"


def test_as_data_stream_of_empty_and_scalar_arrays():
    assert kiln.numpy.as_data_stream(np.zeros((0, 3), np.uint8)).size == 0
    assert kiln.numpy.as_data_stream(np.float32(1.5)).read() == np.float32(1.5).tobytes()


def test_as_data_stream_rejects_object_arrays():
    with pytest.raises(TypeError, match="objects"):
        kiln.numpy.as_data_stream(np.array([object()]))
    with pytest.raises(TypeError, match="objects"):
        kiln.numpy.as_data_stream(np.zeros(3, [("n", np.int32), ("o", object)]))


def test_as_data_stream_copies_records_and_large_arrays():
    """Records (a field named with an O, as an object's code is) and arrays of megabytes
    (copied while other Python threads run) are copied whole, into streams that work as
    any other: given to an image, which keeps them."""
    records = np.zeros(5, [("Order", np.int32), ("x", np.float32)])
    records["Order"] = np.arange(5)
    assert kiln.numpy.as_data_stream(records).read() == records.tobytes()
    big = (np.arange(3 << 20) % 251).astype(np.uint8).reshape(1024, 1024, 3)
    mem = kiln.numpy.as_data_stream(big)
    assert mem.size == big.nbytes and np.array_equal(kiln.numpy.view(mem).reshape(big.shape), big)
    img = kiln.Image()
    img.load_dynamic_image(mem, 1024, 1024, kiln.PF_BYTE_RGB)
    del mem
    assert np.array_equal(kiln.numpy.view(img), big)


@settings(max_examples=50, deadline=None)
@given(hnp.arrays(dtype=hnp.scalar_dtypes(), shape=hnp.array_shapes(min_dims=0, max_dims=4, max_side=6)))
def test_as_data_stream_round_trips_through_view(arr):
    mem = kiln.numpy.as_data_stream(arr)
    back = kiln.numpy.view(mem)
    assert back.tobytes() == np.ascontiguousarray(arr).tobytes()


# --- view of pixel boxes --------------------------------------------------------------

FORMATS = {
    "PF_L8": (np.uint8, 1), "PF_L16": (np.uint16, 1), "PF_A8": (np.uint8, 1),
    "PF_BYTE_LA": (np.uint8, 2), "PF_R8G8B8": (np.uint8, 3), "PF_B8G8R8": (np.uint8, 3),
    "PF_A8R8G8B8": (np.uint8, 4), "PF_A8B8G8R8": (np.uint8, 4), "PF_B8G8R8A8": (np.uint8, 4),
    "PF_R8G8B8A8": (np.uint8, 4), "PF_X8R8G8B8": (np.uint8, 4), "PF_SHORT_RGBA": (np.uint16, 4),
    "PF_FLOAT16_R": (np.float16, 1), "PF_FLOAT16_GR": (np.float16, 2),
    "PF_FLOAT16_RGB": (np.float16, 3), "PF_FLOAT16_RGBA": (np.float16, 4),
    "PF_FLOAT32_R": (np.float32, 1), "PF_FLOAT32_GR": (np.float32, 2),
    "PF_FLOAT32_RGB": (np.float32, 3), "PF_FLOAT32_RGBA": (np.float32, 4),
    "PF_DEPTH16": (np.uint16, 1), "PF_DEPTH32F": (np.float32, 1),
}


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_view_dtype_and_shape_follow_the_format(name):
    fmt = getattr(kiln, name)
    dtype, channels = FORMATS[name]
    pb = kiln.PixelBox(5, 3, 1, fmt)
    view = kiln.numpy.view(pb)
    assert view.dtype == dtype
    assert view.shape == ((3, 5) if channels == 1 else (3, 5, channels))
    assert view.strides[0] == 5 * kiln.pixel_format_get_num_elem_bytes(fmt)


def test_view_is_zero_copy_and_writable():
    mem = kiln.MemoryDataStream(4 * 2 * 3)
    pb = kiln.PixelBox(4, 2, 1, kiln.PF_BYTE_RGB, mem)
    view = kiln.numpy.view(pb)
    view[1, 3] = (7, 8, 9)
    mem.seek(((1 * 4) + 3) * 3, kiln.SEEK_SET)
    assert mem.read(3) == bytes([7, 8, 9])
    assert view.__array_interface__["data"][0] == mem.pointer


def test_view_of_a_sub_volume_uses_the_row_pitch():
    pb = kiln.PixelBox(6, 4, 1, kiln.PF_L16)
    full = kiln.numpy.view(pb)
    full[:] = np.arange(24, dtype=np.uint16).reshape(4, 6)
    sub = pb.get_sub_volume(kiln.Box(2, 1, 5, 3))
    view = kiln.numpy.view(sub)
    assert view.shape == (2, 3)
    assert view.strides == (12, 2)
    np.testing.assert_array_equal(view, full[1:3, 2:5])


def test_view_keeps_the_memory_alive():
    pb = kiln.PixelBox(16, 16, 1, kiln.PF_FLOAT32_RGBA)
    view = kiln.numpy.view(pb)
    view[:] = 0.25
    ref = weakref.ref(pb)
    del pb
    gc.collect()
    assert ref() is None
    # The stream is still referenced by the view: writing and reading is safe.
    view[:] += 0.5
    assert float(view.sum()) == pytest.approx(16 * 16 * 4 * 0.75)


def test_view_of_an_image_and_of_its_stream():
    arr = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    img = kiln.Image()
    mem = kiln.numpy.as_data_stream(arr)
    img.load_dynamic_image(mem, 3, 2, kiln.PF_BYTE_RGBA)
    np.testing.assert_array_equal(kiln.numpy.view(img), arr)
    np.testing.assert_array_equal(kiln.numpy.view(mem), arr.ravel())
    del mem
    gc.collect()
    np.testing.assert_array_equal(kiln.numpy.view(img), arr)


@pytest.mark.parametrize("value,shape", [
    (kiln.Vector2(1, 2), (2,)), (kiln.Vector3(1, 2, 3), (3,)), (kiln.Vector4(1, 2, 3, 4), (4,)),
    (kiln.ColourValue(0.1, 0.2, 0.3, 0.4), (4,)), (kiln.Quaternion(1, 0, 0, 0), (4,)),
    (kiln.Matrix3(), (3, 3)), (kiln.Matrix4(), (4, 4)),
])
def test_view_of_math_values(value, shape):
    view = kiln.numpy.view(value)
    assert view.shape == shape and view.dtype == np.float32
    np.testing.assert_allclose(view, np.array(list(value), dtype=np.float32))
    view.flat[0] = 42
    assert next(iter(np.ravel(list(value)))) == 42


def test_view_rejects_other_objects():
    with pytest.raises(TypeError, match="view"):
        kiln.numpy.view(np.zeros(3))


# --- wrap -----------------------------------------------------------------------------

def test_wrap_shares_the_array_memory():
    arr = np.zeros((4, 4, 3), np.uint8)
    mem = kiln.numpy.wrap(arr)
    img = kiln.Image()
    img.load_dynamic_image(mem, 4, 4, kiln.PF_BYTE_RGB)
    arr[2, 1] = (10, 20, 30)
    assert tuple(kiln.numpy.view(img)[2, 1]) == (10, 20, 30)


def test_wrap_keeps_the_array_alive_until_the_engine_lets_go():
    class Tracked(np.ndarray):
        pass

    arr = np.arange(16, dtype=np.uint8).view(Tracked)
    ref = weakref.ref(arr)
    mem = kiln.numpy.wrap(arr)
    img = kiln.Image()
    img.load_dynamic_image(mem, 4, 4, kiln.PF_L8)
    del arr, mem
    gc.collect()
    assert ref() is not None
    assert kiln.numpy.view(img)[3, 3] == 15
    del img
    gc.collect()
    assert ref() is None


def test_wrap_of_a_read_only_array_is_read_only():
    arr = np.arange(8, dtype=np.uint8)
    arr.flags.writeable = False
    mem = kiln.numpy.wrap(arr)
    assert mem.read_only
    with pytest.raises(Exception):
        mem.write(b"x")
    assert not kiln.numpy.view(mem).flags.writeable


def test_wrap_rejects_non_contiguous_arrays():
    with pytest.raises(ValueError, match="contiguous"):
        kiln.numpy.wrap(np.zeros((4, 4), np.uint8)[:, ::2])


def test_views_of_one_pixelbox_are_separate_arrays_over_the_same_memory():
    """view builds the array over a PixelBox once and hands out a new array each call:
    they share memory, but each has its own shape and outlives the box."""
    import gc

    pb = kiln.PixelBox(4, 3, 1, kiln.PF_BYTE_RGB)
    a, b = kiln.numpy.view(pb), kiln.numpy.view(pb)
    assert a is not b and a.__array_interface__["data"][0] == b.__array_interface__["data"][0]
    b.shape = (12, 3)
    assert a.shape == (3, 4, 3)
    a[2, 3] = (7, 8, 9)
    del pb
    gc.collect()
    assert tuple(b[11]) == (7, 8, 9)
