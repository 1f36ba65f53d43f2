"""Kiln: a 3D rendering engine with a CPU rasterizer, from Python.

The classes below are derived from the C API (include/kiln/*.h) by the rules in
kiln._binding; each class body holds only what those rules cannot say."""

from ._kiln_cffi import ffi, lib
from . import _binding
from ._binding import (
    Handle,
    InvalidArgumentError,
    InvalidStateError,
    KilnError,
    KilnIOError,
    KilnTypeError,
    NotFoundError,
    OutOfMemoryError,
    OutOfRangeError,
    UnsupportedError,
)
from ._math import Box, ColourValue, Matrix3, Matrix4, Quaternion, Vector2, Vector3, Vector4

__version__ = ffi.string(lib.kiln_version_string()).decode()

# The few calls whose Python form the naming rules cannot derive.
_STREAM_READ = _binding.Function("kiln_stream_read")
_STREAM_WRITE = _binding.Function("kiln_stream_write")


class DataStream(Handle):
    """Bytes in memory with a read/write position (C: kiln_stream)."""

    _ctype = "kiln_stream"

    def read(self, count=-1):
        """Reads up to count bytes (all that remain when count < 0) and returns them."""
        remaining = self.size - self.tell()
        count = remaining if count < 0 else min(count, remaining)
        buffer = bytearray(count)
        got = _STREAM_READ.call((self, buffer, count), {}, self, "DataStream.read")
        return bytes(buffer[:got])

    def write(self, data):
        """Writes a bytes-like object at the position; returns the number of bytes."""
        view = memoryview(data).cast("B")
        return _STREAM_WRITE.call((self, view, view.nbytes), {}, self, "DataStream.write")

    def __len__(self):
        return self.size


class MemoryDataStream(DataStream):
    """MemoryDataStream(size): size zeroed bytes owned by the engine."""

    _create = _binding.Function("kiln_stream_create_memory")


class PixelBox(Handle):
    """PixelBox(width, height, depth, format, stream=None): pixels of format in
    stream (a new zeroed stream when None), tightly packed (C: kiln_pixelbox)."""

    _ctype = "kiln_pixelbox"
    _accepts = ("kiln_box",)

    def __init__(self, width, height, depth=1, format=None, stream=None):
        if format is None:
            raise TypeError("PixelBox() needs a pixel format, e.g. kiln.PF_BYTE_RGB")
        super().__init__(width, height, depth, format, stream)

    def _as(self, ctype):
        return self.extent._cdata

    @property
    def size(self):
        """Bytes from the first to one past the last pixel (the consecutive size)."""
        return self.consecutive_size


class Image(Handle):
    _ctype = "kiln_image"


class Texture(Handle):
    _ctype = "kiln_texture"


class TextureManager(Handle):
    _ctype = "kiln_texture_manager"


class Material(Handle):
    _ctype = "kiln_material"


class MaterialManager(Handle):
    _ctype = "kiln_material_manager"


class Technique(Handle):
    _ctype = "kiln_technique"


class Pass(Handle):
    _ctype = "kiln_pass"


class TextureUnitState(Handle):
    _ctype = "kiln_texture_unit_state"


class SceneManager(Handle):
    _ctype = "kiln_scene_manager"


class SceneNode(Handle):
    _ctype = "kiln_scene_node"


class MovableObject(Handle):
    _ctype = "kiln_movable_object"


class Camera(MovableObject):
    _ctype = "kiln_camera"


class Rectangle2D(MovableObject):
    """Rectangle2D(include_texture_coords=True): a rectangle in screen space."""

    _ctype = "kiln_rectangle2d"

    def __init__(self, include_texture_coords=True):
        super().__init__(include_texture_coords)


class Root(Handle):
    """Root(num_threads=0): the engine; 0 threads means one per core."""

    _ctype = "kiln_root"


class RenderTarget(Handle):
    _ctype = "kiln_render_target"


RenderTexture = RenderTarget


class Viewport(Handle):
    _ctype = "kiln_viewport"


def _export():
    names = globals()
    for name in dir(lib):
        if name.startswith("KILN_") and not name.startswith("KILN_ERROR_") and name != "KILN_OK":
            names[name[len("KILN_") :]] = getattr(lib, name)
    names["OK"] = lib.KILN_OK
    names.update(_binding.module_functions())


_export()
del _export
