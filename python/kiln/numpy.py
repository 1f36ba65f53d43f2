"""NumPy bridge: copy arrays into engine memory, wrap them without copying, and view
engine pixel memory as arrays without copying.

A view never owns a raw pointer alone: it holds a reference to the engine stream whose
memory it shows, so it stays valid after the object that produced it is gone."""

import itertools

import numpy as np

from ._kiln_cffi import ffi, lib
from . import _kiln_fast as _fast
from . import _binding
from ._math import Value

__all__ = ["as_data_stream", "view", "wrap", "dtype_of", "format_of", "read_pixels", "read_depth", "depth_to_points",
           "read_view_distance"]

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


_STREAM_CLASS = []
_copy_array = _fast.copy_array


def _stream_class():
    if not _STREAM_CLASS:
        import kiln

        _STREAM_CLASS.append(kiln.MemoryDataStream)
        _fast.setup(int(ffi.cast("uintptr_t", ffi.addressof(lib, "kiln_stream_create_copy"))),
                    int(ffi.cast("uintptr_t", ffi.addressof(lib, "kiln_stream_release"))),
                    kiln.MemoryDataStream, ffi.cast, ffi.typeof("kiln_stream *"))
    return _STREAM_CLASS[0]


def _new_stream(nbytes):
    out = ffi.new("kiln_stream **")
    _binding.check(lib.kiln_stream_create_memory(nbytes, out))
    return _stream_class()._wrap(out[0], owned=True)


def as_data_stream(arr):
    """Copies any array (any dtype, any layout) into a new MemoryDataStream, in C order."""
    if type(arr) is np.ndarray and _STREAM_CLASS:
        # A C-contiguous array, the path of a data loader's every batch: one copy, in
        # C, into memory that need not be zeroed first (fast.c).
        stream = _copy_array(arr)
        if stream is not None:
            return stream
    if type(arr) is not np.ndarray:
        arr = np.asarray(arr)
    if arr.dtype.hasobject:
        raise TypeError("as_data_stream: arrays of Python objects have no byte representation")
    nbytes = arr.nbytes
    if arr.flags.c_contiguous:
        out = ffi.new("kiln_stream **")
        result = lib.kiln_stream_create_copy(ffi.from_buffer("char[]", arr, False) if nbytes else ffi.NULL,
                                             nbytes, out)
        if result:
            _binding.check(result)
        return _stream_class()._adopt(out[0])
    stream = _new_stream(nbytes)
    if nbytes:
        target = np.frombuffer(ffi.buffer(lib.kiln_stream_get_pointer(stream._ptr), nbytes), dtype=arr.dtype)
        np.copyto(target.reshape(arr.shape), arr, casting="no")
    return stream


for _fmt in range(0, 256):
    if lib.kiln_pixel_format_is_valid(_fmt):
        _FORMAT_LAYOUT[_fmt] = dtype_of(_fmt)
del _fmt

# The format an array of each component dtype and channel count stands for, channels
# in memory order: grey, grey and alpha (two floats or shorts: G, R), RGB, RGBA.
_FORMAT_OF = {
    (np.dtype(np.uint8), 1): lib.KILN_PF_L8,
    (np.dtype(np.uint8), 2): lib.KILN_PF_BYTE_LA,
    (np.dtype(np.uint8), 3): lib.KILN_PF_BYTE_RGB,
    (np.dtype(np.uint8), 4): lib.KILN_PF_BYTE_RGBA,
    (np.dtype(np.uint16), 1): lib.KILN_PF_L16,
    (np.dtype(np.uint16), 2): lib.KILN_PF_SHORT_GR,
    (np.dtype(np.uint16), 3): lib.KILN_PF_SHORT_RGB,
    (np.dtype(np.uint16), 4): lib.KILN_PF_SHORT_RGBA,
    (np.dtype(np.float16), 1): lib.KILN_PF_FLOAT16_R,
    (np.dtype(np.float16), 2): lib.KILN_PF_FLOAT16_GR,
    (np.dtype(np.float16), 3): lib.KILN_PF_FLOAT16_RGB,
    (np.dtype(np.float16), 4): lib.KILN_PF_FLOAT16_RGBA,
    (np.dtype(np.float32), 1): lib.KILN_PF_FLOAT32_R,
    (np.dtype(np.float32), 2): lib.KILN_PF_FLOAT32_GR,
    (np.dtype(np.float32), 3): lib.KILN_PF_FLOAT32_RGB,
    (np.dtype(np.float32), 4): lib.KILN_PF_FLOAT32_RGBA,
}


# The memory-order names of formats whose canonical names are packed integers'
# (PF_BYTE_RGB for PF_B8G8R8), which messages give beside the canonical one.
_ALIASES = {}
for _name in dir(lib):
    if _name.startswith(("KILN_PF_BYTE_", "KILN_PF_SHORT_L")) and _name != "KILN_PF_BYTE_LA":
        _ALIASES.setdefault(getattr(lib, _name), _name[len("KILN_") :])
del _name


def _format_name(format):
    name = ffi.string(lib.kiln_pixel_format_get_name(format)).decode()
    alias = _ALIASES.get(format)
    return f"{name} ({alias})" if alias and alias != name else name


def _as_array(obj, what):
    """obj as an ndarray over its own memory: arrays and objects with the buffer or
    array interface; never a copy (a list or a number has no memory to share)."""
    if isinstance(obj, np.ndarray):
        return obj
    if isinstance(obj, (str, list, tuple, int, float, complex)) or obj is None:
        raise TypeError(f"{what}: expected an array, not {type(obj).__name__} (np.asarray(...) copies one into "
                        "an array)")
    if hasattr(obj, "__array_interface__") or hasattr(obj, "__array_struct__") or hasattr(obj, "__array__"):
        return np.asarray(obj)
    try:
        memoryview(obj)
    except TypeError:
        raise TypeError(f"{what}: expected an array, not {type(obj).__name__}") from None
    return np.frombuffer(obj, dtype=np.uint8)


def _channels_of(arr, what):
    """(depth, height, width, channels) of an array of pixels: (h, w), (h, w, c) or
    (d, h, w, c) with c in 1..4."""
    if arr.ndim == 2:
        return 1, arr.shape[0], arr.shape[1], 1
    if arr.ndim == 3:
        if not 1 <= arr.shape[2] <= 4:
            raise ValueError(f"{what}: an (h, w, c) array has 1 to 4 channels, not {arr.shape[2]} (shape "
                             f"{arr.shape}; a one-channel volume is (d, h, w, 1))")
        return 1, arr.shape[0], arr.shape[1], arr.shape[2]
    if arr.ndim == 4:
        if not 1 <= arr.shape[3] <= 4:
            raise ValueError(f"{what}: a (d, h, w, c) array has 1 to 4 channels, not {arr.shape[3]}")
        return arr.shape[0], arr.shape[1], arr.shape[2], arr.shape[3]
    raise ValueError(f"{what}: pixels are an (h, w), (h, w, c) or (d, h, w, c) array, not {arr.ndim}-D "
                     f"(shape {arr.shape})")


def _checked_format(format, what):
    """format as a pixel format number, or a ValueError naming what was given."""
    fmt = format.__index__()
    if fmt not in _FORMAT_LAYOUT or fmt == lib.KILN_PF_UNKNOWN:
        raise ValueError(f"{what}: {format!r} is not a pixel format")
    return fmt


def _new_frames(target, format, what, count=None):
    """A new array for the target's frames in `format` (the target's own when None):
    (h, w, c), (h, w) for one channel, with (count, ...) in front for a batch."""
    fmt = target.format if format is None else _checked_format(format, what)
    dtype, channels = _FORMAT_LAYOUT[fmt]
    shape = (target.height, target.width) + ((channels,) if channels > 1 else ())
    return np.empty(shape if count is None else (count,) + shape, dtype)


def format_of(arr, format=None, what="format_of"):
    """The pixel format of an array of pixels: inferred from its dtype (uint8, uint16,
    float16, float32) and channel count, or `format` checked against them. A format
    whose components are not the array's dtype, or whose channel count is not the
    array's, is an error: the bytes are never reinterpreted."""
    arr = _as_array(arr, what)
    _, _, _, channels = _channels_of(arr, what)
    if not arr.dtype.isnative:
        raise TypeError(f"{what}: the array's {arr.dtype} components are not in this machine's byte order "
                        "(arr.astype(arr.dtype.newbyteorder('=')) converts them)")
    if format is None:
        fmt = _FORMAT_OF.get((arr.dtype, channels))
        if fmt is None:
            raise TypeError(f"{what}: no pixel format holds {channels}-channel {arr.dtype} pixels; pixels are "
                            "uint8, uint16, float16 or float32")
        return fmt
    fmt = _checked_format(format, what)
    want_dtype, want_channels = _FORMAT_LAYOUT[fmt]
    if arr.dtype != want_dtype or channels != want_channels:
        raise TypeError(f"{what}: {_format_name(fmt)} pixels are {want_channels} {want_dtype} component(s), but "
                        f"the array holds {channels}-channel {arr.dtype} pixels (shape {arr.shape})")
    return fmt


def _pixel_layout(arr, format, what):
    """(format, (width, height, depth), row pitch, slice pitch in pixels, bytes from
    the first pixel to one past the last) of an array of pixels, refusing layouts a
    PixelBox cannot describe: pixels must lie side by side in each row, channels side
    by side in each pixel, rows and slices a whole number of pixels apart, forwards."""
    fmt = format_of(arr, format, what)
    depth, height, width, channels = _channels_of(arr, what)
    if width == 0 or height == 0 or depth == 0:
        raise ValueError(f"{what}: the array has no pixels (shape {arr.shape})")
    bpp = arr.dtype.itemsize * channels
    strides = arr.strides
    if arr.ndim == 2:
        row, pixel, component, slice_ = strides[0], strides[1], arr.dtype.itemsize, None
    elif arr.ndim == 3:
        row, pixel, component, slice_ = strides[0], strides[1], strides[2], None
    else:
        slice_, row, pixel, component = strides
    layout = (f"{what}: a PixelBox needs each pixel's channels side by side and each row's pixels side by side, "
              f"rows and slices a whole number of pixels apart, in increasing memory; this array's strides are "
              f"{strides} for {bpp}-byte pixels (np.ascontiguousarray copies it into such an array)")
    if (channels > 1 and component != arr.dtype.itemsize) or (width > 1 and pixel != bpp):
        raise ValueError(layout)
    row_pitch = width if height == 1 else row // bpp
    if height > 1 and (row % bpp or row_pitch < width):
        raise ValueError(layout)
    slice_pitch = row_pitch * height
    if depth > 1:
        if slice_ % bpp or slice_ // bpp < row_pitch * (height - 1) + width:
            raise ValueError(layout)
        slice_pitch = slice_ // bpp
    span = ((depth - 1) * slice_pitch + (height - 1) * row_pitch + width) * bpp
    return fmt, (width, height, depth), row_pitch, slice_pitch, span


def _stream_over(arr, nbytes, what):
    """A stream over nbytes of an array's memory from its first element, holding the
    array (and so whatever owns its memory) until the engine lets go."""
    import kiln

    key = next(_keys)  # unique, also when threads wrap at once
    _wrapped[key] = arr
    out = ffi.new("kiln_stream **")
    address = arr.__array_interface__["data"][0]
    try:
        _binding.check(lib.kiln_stream_wrap_memory(ffi.cast("void *", address), nbytes, not arr.flags.writeable,
                                                   lib.kiln__py_release_callback, ffi.cast("void *", key), out))
    except BaseException:
        _wrapped.pop(key, None)
        raise
    return kiln.MemoryDataStream._wrap(out[0], owned=True)


def pixelbox_from_array(arr, format=None, what="PixelBox.from_array"):
    """A PixelBox over an array's pixels, without copying (see kiln.PixelBox.from_array)."""
    import kiln

    arr = _as_array(arr, what)
    fmt, (width, height, depth), row_pitch, slice_pitch, span = _pixel_layout(arr, format, what)
    stream = _stream_over(arr, span, what)
    extent = ffi.new("kiln_box *", {"left": 0, "top": 0, "front": 0, "right": width, "bottom": height,
                                    "back": depth})
    out = ffi.new("kiln_pixelbox **")
    _binding.check(lib.kiln_pixelbox_create_over(extent, fmt, stream._ptr, 0, row_pitch, slice_pitch, out))
    box = kiln.PixelBox._wrap(out[0], owned=True)
    return box


def image_from_array(arr, format=None, what="Image.from_array"):
    """An Image over an array's pixels, without copying (see kiln.Image.from_array)."""
    import kiln

    arr = _as_array(arr, what)
    fmt, (width, height, depth), row_pitch, _, span = _pixel_layout(arr, format, what)
    if depth != 1:
        raise ValueError(f"{what}: an Image is 2D; a (d, h, w, c) volume goes into a PixelBox "
                         "(kiln.PixelBox.from_array)")
    if row_pitch != width:
        raise ValueError(f"{what}: an Image's rows lie side by side, but this array's rows are {row_pitch} pixels "
                         f"apart for {width} pixels (kiln.PixelBox.from_array takes padded rows; "
                         "np.ascontiguousarray copies them together)")
    image = kiln.Image()
    image.load_dynamic_image(_stream_over(arr, span, what), width, height, fmt)
    return image


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
    """A zero-copy ndarray over the memory of a PixelBox, an Image, a render target's
    colour buffer, a MemoryDataStream or a math value (Vector2/3/4, Quaternion,
    Matrix3/4, ColourValue).

    Pixels give shape (height, width, channels), or (height, width) for one channel
    ((depth, ...) in front for volumes), with the dtype of the format's components
    (uint8, uint16, float16, float32) and the strides of the box's pitches. The array
    keeps the memory alive as long as it exists."""
    import kiln

    if isinstance(obj, kiln.PixelBox):
        return _pixelbox_array(obj)
    if isinstance(obj, kiln.RenderTarget):
        # The target's colour buffer itself: after each update() it holds the frame.
        return _pixelbox_array(obj.pixel_box)
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
    raise TypeError(f"view: cannot view a {type(obj).__name__}; expected a PixelBox, Image, render target, "
                    "MemoryDataStream or math value")


_wrapped = {}  # key -> the array a stream shows, until the engine releases the stream
_keys = itertools.count(1)


@ffi.def_extern()
def kiln__py_release_callback(handle):
    _wrapped.pop(int(ffi.cast("uintptr_t", handle)), None)


def wrap(arr):
    """A MemoryDataStream over the memory of a C-contiguous array (or any object with
    the buffer protocol: bytes, bytearray, memoryview), without copying.

    The stream keeps the memory alive (and a bytearray's size fixed) until the engine
    lets go of the stream; read-only memory makes a read-only stream."""
    arr = _as_array(arr, "wrap")
    if not arr.flags.c_contiguous:
        raise ValueError("wrap: the array must be C-contiguous (use as_data_stream to copy it)")
    if arr.dtype.hasobject:
        raise TypeError("wrap: arrays of Python objects have no byte representation")
    return _stream_over(arr, arr.nbytes, "wrap")


def _box_of(target, box):
    import kiln

    if box is None:
        return kiln.Box(0, 0, target.width, target.height)
    return box if isinstance(box, kiln.Box) else kiln.Box(box)


_BUFFERS = ("colour", "color", "depth", "instance_id", "class_id", "normal")


def read(target, out=None, format=None, buffer="colour", space="camera"):
    """The frame in a render target as an array: a new one, or `out` filled and
    returned. buffer="colour" (the default) converts to `format` (the target's own
    format when None and no `out`; else the format out's dtype and channels mean),
    giving (h, w, c) or (h, w) for one channel; buffer="depth" gives float32 (h, w)
    window depth in [0, 1], 1 where nothing was drawn. `out` may have padded rows.

    The extra buffers (enabled with target.extra_buffers before the update):
    buffer="instance_id" or "class_id" gives uint32 (h, w), 0 where nothing was drawn;
    buffer="normal" gives float32 (h, w, 3) unit normals in the first viewport's camera
    space (space="camera", OGRE's axes: X right, Y up, +Z towards the camera) or the
    world's (space="world"), NaN where nothing was drawn."""
    import kiln

    if not isinstance(target, kiln.RenderTarget):
        raise TypeError(f"read: expected a render target, not {type(target).__name__}")
    if buffer not in _BUFFERS:
        raise ValueError(f"read: buffer must be one of {', '.join(map(repr, _BUFFERS))}, not {buffer!r}")
    width, height = target.width, target.height
    if buffer in ("instance_id", "class_id", "normal"):
        return _read_extra(target, buffer, out, format, space, width, height)
    if buffer == "depth":
        if format is not None and format.__index__() != lib.KILN_PF_FLOAT32_R:
            raise ValueError("read: depth is float32 (kiln.PF_FLOAT32_R); leave format out")
        if out is None:
            out = np.empty((height, width), np.float32)
        box = pixelbox_from_array(out, lib.KILN_PF_FLOAT32_R, "read(out=...)")
        _check_out(out, box, width, height)
        target.copy_depth_to_memory(None, box)
        return out
    if out is None:
        out = _new_frames(target, format, "read")
    box = pixelbox_from_array(out, format, "read(out=...)")
    _check_out(out, box, width, height)
    target.copy_contents_to_memory(None, box)
    return out


def _read_extra(target, buffer, out, format, space, width, height):
    import kiln

    if format is not None:
        raise ValueError(f"read: the {buffer} buffer has a format of its own; leave format out")
    if space not in ("camera", "world"):
        raise ValueError(f"read: space must be 'camera' or 'world', not {space!r}")
    flag = {"instance_id": kiln.BUFFER_INSTANCE_ID, "class_id": kiln.BUFFER_CLASS_ID,
            "normal": kiln.BUFFER_NORMAL}[buffer]
    pixels = view(target.get_extra_buffer(flag))
    if buffer == "normal":
        value = pixels[..., :3].astype(np.float32) * 2.0 - 1.0
        length = np.sqrt((value * value).sum(axis=-1, keepdims=True))
        with np.errstate(invalid="ignore", divide="ignore"):
            value = value / length
        value[(pixels[..., 3] == 0) | (length[..., 0] == 0)] = np.nan
        if space == "world":
            camera = target.viewports[0].camera
            rotation = _camera_world_matrix(camera)[:3, :3]
            value = (value.astype(np.float64) @ rotation.T).astype(np.float32)
        shape, dtype = (height, width, 3), np.float32
    else:
        value = np.ascontiguousarray(pixels).view("<u4").reshape(height, width)
        shape, dtype = (height, width), np.uint32
    if out is None:
        return np.array(value, dtype=dtype)
    out_array = _as_array(out, "read(out=...)")
    if out_array.shape != shape or out_array.dtype != dtype:
        raise ValueError(f"read(out=...): the {buffer} buffer is {np.dtype(dtype).name} of shape {shape}, not "
                         f"{out_array.dtype.name} of shape {out_array.shape}")
    if not out_array.flags.writeable:
        raise ValueError("read(out=...): the array is read-only")
    np.copyto(out_array, value)
    return out


def _check_out(out, box, width, height):
    if not out.flags.writeable:
        raise ValueError("read(out=...): the array is read-only")
    if (box.width, box.height, box.depth) != (width, height, 1):
        raise ValueError(f"read(out=...): the target is {width}x{height} but the array holds "
                         f"{box.width}x{box.height}" + (f"x{box.depth}" if box.depth != 1 else "") +
                         f" pixels (shape {out.shape})")


def update_batch(target, positions=None, orientations=None, cameras=None, out=None, format=None):
    """RenderTarget.update_poses and update_cameras."""
    import kiln

    what = "update_cameras" if cameras is not None else "update_poses"
    keep = []
    if cameras is not None:
        cameras = list(cameras)
        for i, camera in enumerate(cameras):
            if not isinstance(camera, kiln.Camera):
                raise TypeError(f"{what}: camera {i} is a {type(camera).__name__}, not a kiln.Camera")
        count = len(cameras)
        pointers = ffi.new("kiln_camera *[]", [c._ptr for c in cameras] or 1)
    else:
        count = None
        arrays = {}
        for name, value, width in (("positions", positions, 3), ("orientations", orientations, 4)):
            if value is None:
                continue
            arr = np.ascontiguousarray(value, dtype=np.float32)
            if arr.ndim != 2 or arr.shape[1] != width:
                raise ValueError(f"{what}: {name} must have shape (N, {width}), not {arr.shape}")
            if count is not None and arr.shape[0] != count:
                raise ValueError(f"{what}: {count} positions but {arr.shape[0]} orientations")
            count = arr.shape[0]
            keep.append(arr)
            arrays[name] = arr
        if count is None:
            raise TypeError(f"{what}: give positions, orientations or both")
    if count == 0:
        raise ValueError(f"{what}: a batch needs at least one frame")
    if out is None:
        out = _new_frames(target, format, what, count)
    out_array = _as_array(out, f"{what}(out=...)")
    volume = out_array[..., None] if out_array.ndim == 3 else out_array  # (N, h, w): one channel
    if volume.ndim != 4 or volume.shape[1:3] != (target.height, target.width) or volume.shape[0] != count:
        raise ValueError(f"{what}(out=...): {count} frames of {target.width}x{target.height} need an (N, h, w, c) "
                         f"array of shape ({count}, {target.height}, {target.width}, c), not {out_array.shape}")
    if not out_array.flags.writeable:
        raise ValueError(f"{what}(out=...): the array is read-only")
    box = pixelbox_from_array(volume, format, f"{what}(out=...)")
    with target._lock:  # the Root's: one thread at a time renders it
        if target._ptr is None:
            raise RuntimeError(f"{what}: this RenderTarget was destroyed")
        if cameras is not None:
            _binding.check(lib.kiln_render_target_update_cameras(target._ptr, pointers, count, box._ptr))
        else:
            p = arrays.get("positions")
            o = arrays.get("orientations")
            _binding.check(lib.kiln_render_target_update_poses(
                target._ptr, ffi.NULL if p is None else ffi.cast("kiln_vector3 *", ffi.from_buffer(p)),
                ffi.NULL if o is None else ffi.cast("kiln_quaternion *", ffi.from_buffer(o)), count, box._ptr))
    return out


def render_texture_over(root, name, array, format=None, fsaa=0):
    """A render target whose colour buffer is `array` (see kiln.Root.create_render_texture)."""
    what = "create_render_texture(array=...)"
    arr = _as_array(array, what)
    fmt, (width, height, depth), row_pitch, _, span = _pixel_layout(arr, format, what)
    if depth != 1:
        raise ValueError(f"{what}: a render target is 2D; the array is a volume (shape {arr.shape})")
    if row_pitch != width:
        raise ValueError(f"{what}: frames land in rows side by side, but this array's rows are {row_pitch} pixels "
                         f"apart for {width} pixels (np.ascontiguousarray makes such an array)")
    if not arr.flags.writeable:
        raise ValueError(f"{what}: the array is read-only")
    stream = _stream_over(arr, span, what)
    import kiln

    return kiln._ROOT_CREATE_RENDER_TEXTURE.call((root, name, width, height),
                                                 {"format": fmt, "storage": stream, "fsaa": fsaa}, root,
                                                 "Root.create_render_texture")


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


def depth_to_points(target_or_viewport, space="camera", axes="ogre"):
    """The point drawn at each pixel of a viewport (a render target's first, when given
    a target), back-projected from its view distance through the camera's projection:
    an (h, w, 3) float32 array, NaN where nothing was drawn.

    space="camera" gives points in the camera's space, "world" in the world's.
    axes="ogre" gives camera-space points in the camera's own axes (X right, Y up, the
    camera looking down -Z); axes="opencv" in OpenCV's (X right, Y down, looking down
    +Z, so that z is the depth along the view axis). World points do not depend on axes.
    Pixel centres are taken, so points on a plane land exactly on it."""
    import kiln

    viewport = target_or_viewport
    if isinstance(target_or_viewport, kiln.RenderTarget):
        if not target_or_viewport.viewports:
            raise ValueError("depth_to_points: the render target has no viewport")
        viewport = target_or_viewport.viewports[0]
    if not isinstance(viewport, kiln.Viewport):
        raise TypeError(f"depth_to_points: give a RenderTarget or a Viewport, not {type(viewport).__name__}")
    if space not in ("camera", "world"):
        raise ValueError(f"depth_to_points: space must be 'camera' or 'world', not {space!r}")
    if axes not in ("ogre", "opencv"):
        raise ValueError(f"depth_to_points: axes must be 'ogre' or 'opencv', not {axes!r}")
    camera = viewport.camera
    distance = read_view_distance(viewport).astype(np.float64)
    h, w = distance.shape
    inverse = np.linalg.inv(np.array(camera.projection_matrix, dtype=np.float64).reshape(4, 4))
    # The line through each pixel centre: two points of it unprojected from clip space
    # (at NDC depths -1 and 0), then the point of it at the view distance (z = -d).
    xs = (np.arange(w) + 0.5) / w * 2.0 - 1.0
    ys = 1.0 - (np.arange(h) + 0.5) / h * 2.0
    ndc_x, ndc_y = np.meshgrid(xs, ys)

    def unproject(ndc_z):
        clip = np.stack([ndc_x, ndc_y, np.full_like(ndc_x, ndc_z), np.ones_like(ndc_x)], axis=-1)
        p = clip @ inverse.T
        return p[..., :3] / p[..., 3:4]

    a, b = unproject(-1.0), unproject(0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        t = (-distance - a[..., 2]) / (b[..., 2] - a[..., 2])
        points = a + (b - a) * t[..., None]
    points[~np.isfinite(distance)] = np.nan
    if space == "world":
        pose = _camera_world_matrix(camera)
        points = points @ pose[:3, :3].T + pose[:3, 3]
    elif axes == "opencv":
        points[..., 1:] *= -1.0
    return points.astype(np.float32)


def _camera_world_matrix(camera):
    """The camera's camera-to-world transform (its own axes) as a 4x4 float64 array."""
    view_matrix = np.array(camera.view_matrix, dtype=np.float64).reshape(4, 4)
    return np.linalg.inv(view_matrix)
