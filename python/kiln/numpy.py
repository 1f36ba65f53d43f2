"""NumPy bridge: copy arrays into engine memory, wrap them without copying, and view
engine pixel memory as arrays without copying.

A view never owns a raw pointer alone: it holds a reference to the engine stream whose
memory it shows, so it stays valid after the object that produced it is gone."""

import numpy as np

from ._kiln_cffi import ffi, lib
from . import _binding
from ._math import Value

__all__ = ["as_data_stream", "view", "wrap", "dtype_of", "read_pixels", "read_depth", "read_view_distance"]

_COMPONENT_DTYPES = {
    lib.KILN_PCT_BYTE: np.dtype(np.uint8),
    lib.KILN_PCT_SHORT: np.dtype(np.uint16),
    lib.KILN_PCT_FLOAT16: np.dtype(np.float16),
    lib.KILN_PCT_FLOAT32: np.dtype(np.float32),
}


def dtype_of(format):
    """The NumPy dtype of one component of a pixel format, and the component count."""
    if not lib.kiln_pixel_format_is_valid(format):
        raise ValueError(f"unknown pixel format {format!r}")
    return (_COMPONENT_DTYPES[lib.kiln_pixel_format_get_component_type(format)],
            lib.kiln_pixel_format_get_component_count(format))


# (dtype, channels) of every valid format, so that view() asks C nothing per call.
_FORMAT_LAYOUT = {}


def _stream_class():
    import kiln

    return kiln.MemoryDataStream


def _new_stream(nbytes):
    out = ffi.new("kiln_stream **")
    _binding.check(lib.kiln_stream_create_memory(nbytes, out))
    return _stream_class()._wrap(out[0], owned=True)


def as_data_stream(arr):
    """Copies any array (any dtype, any layout) into a new MemoryDataStream, in C order."""
    arr = np.asarray(arr)
    if arr.dtype.hasobject:
        raise TypeError("as_data_stream: arrays of Python objects have no byte representation")
    if arr.flags.c_contiguous:
        # One copy, in C, into memory that need not be zeroed first.
        out = ffi.new("kiln_stream **")
        source = ffi.from_buffer(arr, require_writable=False) if arr.nbytes else ffi.NULL
        _binding.check(lib.kiln_stream_create_copy(source, arr.nbytes, out))
        return _stream_class()._wrap(out[0], owned=True)
    stream = _new_stream(arr.nbytes)
    if arr.nbytes:
        target = np.frombuffer(ffi.buffer(lib.kiln_stream_get_pointer(stream._ptr), arr.nbytes), dtype=arr.dtype)
        np.copyto(target.reshape(arr.shape), arr, casting="no")
    return stream


for _fmt in range(0, 256):
    if lib.kiln_pixel_format_is_valid(_fmt):
        _FORMAT_LAYOUT[_fmt] = dtype_of(_fmt)
del _fmt


class _Keeper:
    """Exposes engine memory through the array interface while holding the objects
    that keep it alive."""

    __slots__ = ("__array_interface__", "_keep")

    def __init__(self, interface, keep):
        self.__array_interface__ = interface
        self._keep = keep


def _array(address, shape, strides, dtype, readonly, keep):
    interface = {
        "version": 3,
        "shape": tuple(shape),
        "strides": tuple(strides) if strides is not None else None,
        "typestr": dtype.str,
        "data": (address, readonly),
    }
    return np.asarray(_Keeper(interface, keep))


def _stream_array(stream):
    size = lib.kiln_stream_get_size(stream._ptr)
    address = int(ffi.cast("uintptr_t", lib.kiln_stream_get_pointer(stream._ptr)))
    readonly = bool(lib.kiln_stream_get_read_only(stream._ptr))
    if size == 0:
        return np.zeros(0, dtype=np.uint8)
    return _array(address, (size,), None, np.dtype(np.uint8), readonly, stream)


def _pixelbox_array(box):
    # A PixelBox's layout and memory never change, so the array over them is built
    # once per box object and each view is a new array over it.
    base = getattr(box, "_view_base", None)
    if base is None:
        base = box._view_base = _pixelbox_base(box)
    return base.view()


def _pixelbox_base(box):
    import kiln

    ptr = box._ptr
    fmt = lib.kiln_pixelbox_get_format(ptr)
    dtype, channels = _FORMAT_LAYOUT.get(fmt) or dtype_of(fmt)
    bpp = lib.kiln_pixel_format_get_num_elem_bytes(fmt)
    width = lib.kiln_pixelbox_get_width(ptr)
    height = lib.kiln_pixelbox_get_height(ptr)
    depth = lib.kiln_pixelbox_get_depth(ptr)
    shape = [height, width]
    strides = [lib.kiln_pixelbox_get_row_pitch(ptr) * bpp, bpp]
    if depth != 1:
        shape.insert(0, depth)
        strides.insert(0, lib.kiln_pixelbox_get_slice_pitch(ptr) * bpp)
    if channels != 1:
        shape.append(channels)
        strides.append(dtype.itemsize)
    if width * height * depth == 0:
        return np.zeros(shape, dtype=dtype)
    storage = kiln.DataStream._wrap(lib.kiln_pixelbox_get_storage(ptr), owned=False)
    address = int(ffi.cast("uintptr_t", lib.kiln_pixelbox_get_data(ptr)))
    readonly = bool(lib.kiln_stream_get_read_only(storage._ptr))
    return _array(address, shape, strides, dtype, readonly, storage)


def view(obj):
    """A zero-copy ndarray over the memory of a PixelBox, an Image, a MemoryDataStream
    or a math value (Vector2/3/4, Quaternion, Matrix3/4, ColourValue).

    Pixels give shape (height, width, channels), or (height, width) for one channel
    ((depth, ...) in front for volumes), with the dtype of the format's components
    (uint8, uint16, float16, float32) and the strides of the box's pitches. The array
    keeps the memory alive as long as it exists."""
    import kiln

    if isinstance(obj, kiln.PixelBox):
        return _pixelbox_array(obj)
    if isinstance(obj, kiln.Image):
        if obj.width == 0:
            raise ValueError("view: the image is empty (load or create it first)")
        return _pixelbox_array(obj.pixel_box)
    if isinstance(obj, kiln.DataStream):
        return _stream_array(obj)
    if isinstance(obj, Value):
        cdata = obj._cdata
        size = ffi.sizeof(cdata[0])
        if obj._ctype.startswith("kiln_matrix"):
            shape = (len(obj), len(obj))
        elif obj._ctype == "kiln_aabb":
            shape = (2, 3)
        else:
            shape = (len(obj),)
        dtype = np.dtype(np.uint32 if obj._ctype == "kiln_box" else np.float32)
        if size != dtype.itemsize * int(np.prod(shape)):
            raise TypeError(f"view: {type(obj).__name__} has an unexpected layout")
        return _array(int(ffi.cast("uintptr_t", cdata)), shape, None, dtype, False, obj)
    raise TypeError(f"view: cannot view a {type(obj).__name__}; expected a PixelBox, Image, "
                    "MemoryDataStream or math value")


_wrapped = {}


@ffi.def_extern()
def kiln__py_release_callback(handle):
    _wrapped.pop(int(ffi.cast("uintptr_t", handle)), None)


def wrap(arr):
    """A MemoryDataStream over the memory of a C-contiguous array, without copying.

    The stream keeps the array alive until the engine lets go of the stream; a
    read-only array makes a read-only stream."""
    import kiln

    given = arr
    arr = np.asarray(arr)
    if not arr.flags.c_contiguous:
        raise ValueError("wrap: the array must be C-contiguous (use as_data_stream to copy it)")
    if arr.dtype.hasobject:
        raise TypeError("wrap: arrays of Python objects have no byte representation")
    key = id(arr)
    while key in _wrapped:
        key += 1
    _wrapped[key] = given  # the object the caller gave, which owns the memory
    out = ffi.new("kiln_stream **")
    address = arr.__array_interface__["data"][0]
    try:
        _binding.check(lib.kiln_stream_wrap_memory(ffi.cast("void *", address), arr.nbytes,
                                                   not arr.flags.writeable, lib.kiln__py_release_callback,
                                                   ffi.cast("void *", key), out))
    except BaseException:
        _wrapped.pop(key, None)
        raise
    return kiln.MemoryDataStream._wrap(out[0], owned=True)


def _box_of(target, box):
    import kiln

    if box is None:
        return kiln.Box(0, 0, target.width, target.height)
    return box if isinstance(box, kiln.Box) else kiln.Box(box)


def read_pixels(target, format=None, box=None):
    """The pixels of a render target (all of it, or box) as a new array in engine memory:
    copy_contents_to_memory into a fresh PixelBox of `format` (PF_BYTE_RGB by default),
    viewed without a further copy."""
    import kiln

    box = _box_of(target, box)
    pb = kiln.PixelBox(box.width, box.height, 1, kiln.PF_BYTE_RGB if format is None else format)
    target.copy_contents_to_memory(box, pb)
    return view(pb)


def read_depth(target, box=None):
    """The raw depth buffer of a render target (window depth in [0, 1], 1 where nothing
    was drawn) as a float32 (h, w) array."""
    import kiln

    box = _box_of(target, box)
    pb = kiln.PixelBox(box.width, box.height, 1, kiln.PF_FLOAT32_R)
    target.copy_depth_to_memory(box, pb)
    return view(pb)


def read_view_distance(viewport, box=None):
    """For each pixel of a viewport (or of box, in target coordinates, inside it), the
    distance from its camera's plane to what was drawn along the view axis, in world
    units (+inf where nothing was drawn), as a float32 (h, w) array."""
    import kiln

    if box is None:
        box = kiln.Box(viewport.actual_left, viewport.actual_top, viewport.actual_left + viewport.actual_width,
                       viewport.actual_top + viewport.actual_height)
    else:
        box = box if isinstance(box, kiln.Box) else kiln.Box(box)
    pb = kiln.PixelBox(box.width, box.height, 1, kiln.PF_FLOAT32_R)
    viewport.copy_view_distance_to_memory(box, pb)
    return view(pb)
