"""Kiln: a 3D rendering engine with a CPU rasterizer, from Python.

The classes below are derived from the C API (include/kiln/*.h) by the rules in
kiln._binding; each class body holds only what those rules cannot say."""

import warnings as _warnings

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
from ._math import AxisAlignedBox, Box, ColourValue, Matrix3, Matrix4, Quaternion, Vector2, Vector3, Vector4

__version__ = ffi.string(lib.kiln_version_string()).decode()

# The few calls whose Python form the naming rules cannot derive.
_ROOT_CREATE_RENDER_TEXTURE = _binding.Function("kiln_root_create_render_texture")
_ROOT_DESTROY_RENDER_TARGET = _binding.Function("kiln_root_destroy_render_target")
_SCENE_DESTROY_NODE = _binding.Function("kiln_scene_manager_destroy_scene_node")
_MESH_LOAD = _binding.Function("kiln_mesh_manager_load")


class KilnWarning(UserWarning):
    """What Kiln did that the caller may not expect: a mesh file's feature approximated
    or left out."""
_CAMERA_GET_EXTENTS = _binding.Function("kiln_camera_get_frustum_extents")
_CAMERA_SET_INTRINSICS = _binding.Function("kiln_camera_set_intrinsics")
_STREAM_READ = _binding.Function("kiln_stream_read")
_STREAM_WRITE = _binding.Function("kiln_stream_write")
_MESH_CREATE = _binding.Function("kiln_mesh_manager_create_from_data")


class _Pixels:
    """What an engine object holding pixels (Image, PixelBox, render target) offers the
    Python ecosystem: the array interface and DLPack, so that np.asarray,
    np.from_dlpack, torch.from_dlpack, Pillow and matplotlib take it without a copy;
    a PNG of itself for Jupyter; a repr with its size and format."""

    __slots__ = ()

    def _pixels(self):
        from . import numpy as _np

        return _np.view(self)

    @property
    def __array_interface__(self):
        # NumPy keeps this object as the array's base; the view kept here holds the
        # memory, also after an image is loaded anew.
        view = self._pixels()
        interface = dict(view.__array_interface__, strides=view.strides)
        self.__dict__.setdefault("_exported", {})[interface["data"][0]] = view
        return interface

    def tobytes(self):
        """A copy of the pixels as bytes, rows in order (as ndarray.tobytes), which
        Pillow's Image.fromarray reads through the array interface's strides."""
        return self._pixels().tobytes()

    def __dlpack__(self, *, stream=None, max_version=None, dl_device=None, copy=None):
        """A DLPack capsule of the pixels (CPU memory, no copy), kept alive by it."""
        kwargs = {"stream": stream}
        if max_version is not None:
            kwargs["max_version"] = max_version
        if dl_device is not None:
            kwargs["dl_device"] = dl_device
        if copy is not None:
            kwargs["copy"] = copy
        return self._pixels().__dlpack__(**kwargs)

    def __dlpack_device__(self):
        return (1, 0)  # kDLCPU, device 0

    def _repr_png_(self):
        """The pixels as PNG bytes (8-bit, or 16-bit for 16-bit formats), for Jupyter."""
        return _png_of(self)

    def __repr__(self):
        if self.width == 0:
            return f"<kiln.{type(self).__name__} empty>"
        name = getattr(self, "name", None) if isinstance(self, RenderTarget) else None
        size = f"{self.width}x{self.height}" + (f"x{self.depth}" if getattr(self, "depth", 1) != 1 else "")
        label = f" {name!r}" if name else ""
        from . import numpy as _np

        fmt = _np._ALIASES.get(self.format) or ffi.string(lib.kiln_pixel_format_get_name(self.format)).decode()
        return f"<kiln.{type(self).__name__}{label} {size} {fmt}>"


def _png_of(obj):
    from . import numpy as _np

    if isinstance(obj, RenderTarget):
        flags = lib.kiln_pixel_format_get_flags(obj.format)
        pixels = obj.read(format=PF_BYTE_RGBA if flags & lib.KILN_PFF_HASALPHA else PF_BYTE_RGB)
        image = Image.from_array(pixels)
    elif isinstance(obj, PixelBox):
        if obj.depth != 1:
            raise ValueError("a volume has no single picture")
        image = Image()
        image.load_dynamic_image(_np.as_data_stream(_np.view(obj)), obj.width, obj.height, obj.format)
    else:
        image = obj
    stream = image.encode()
    return stream.read()


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


class PixelBox(_Pixels, Handle):
    """PixelBox(width, height, depth, format, stream=None): pixels of format in
    stream (a new zeroed stream when None), tightly packed (C: kiln_pixelbox)."""

    _ctype = "kiln_pixelbox"
    _accepts = ("kiln_box",)

    def __init__(self, width, height, depth=1, format=None, stream=None):
        if format is None:
            raise TypeError("PixelBox() needs a pixel format, e.g. kiln.PF_BYTE_RGB")
        super().__init__(width, height, depth, format, stream)

    @classmethod
    def from_array(cls, arr, format=None):
        """A PixelBox over an array's pixels, without copying; it keeps the array alive.

        arr is (h, w), (h, w, c) or (d, h, w, c) with 1 to 4 channels of uint8, uint16,
        float16 or float32; the format follows from dtype and channels (PF_L8,
        PF_BYTE_LA, PF_BYTE_RGB, PF_BYTE_RGBA, PF_L16, PF_SHORT_GR, ...), or is given
        and checked against them. Padded rows and slices become the box's pitches;
        a layout a PixelBox cannot describe is refused, never copied."""
        from . import numpy as _np

        return _np.pixelbox_from_array(arr, format)

    def _as(self, ctype):
        return self.extent._cdata

    @property
    def size(self):
        """Bytes from the first to one past the last pixel (the consecutive size)."""
        return self.consecutive_size


class Image(_Pixels, Handle):
    _ctype = "kiln_image"

    @classmethod
    def from_array(cls, arr, format=None):
        """An Image over an (h, w) or (h, w, c) array's pixels, without copying; it keeps
        the array alive. The format follows from dtype and channels, or is given and
        checked against them (as for PixelBox.from_array). The rows must lie side by
        side: an image has no row pitch."""
        from . import numpy as _np

        return _np.image_from_array(arr, format)


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


class Mesh(Handle):
    _ctype = "kiln_mesh"


class MeshManager(Handle):
    _ctype = "kiln_mesh_manager"

    def create_from_arrays(self, name, group, positions, normals=None, colours=None, texture_coords=(),
                           indices=None, operation=lib.KILN_OT_TRIANGLE_LIST, material_name=None):
        """A mesh from NumPy arrays (copied): positions float32 (n, 3); optional normals
        (n, 3), colours (n, 3) or (n, 4), up to 4 texture-coordinate sets (n, 2) (one
        array or a sequence of them), indices uint16 or uint32 (any shape, flattened)."""
        import numpy as np

        def vertex_array(value, what, widths):
            arr = np.ascontiguousarray(value, dtype=np.float32)
            if arr.ndim != 2 or arr.shape[1] not in widths:
                raise ValueError(f"create_from_arrays: {what} must have shape (n, {' or '.join(map(str, widths))}), "
                                 f"not {arr.shape}")
            return arr

        pos = vertex_array(positions, "positions", (3,))
        n = pos.shape[0]
        keep = [pos]
        data = ffi.new("kiln_mesh_data *")
        data.operation = operation
        data.vertex_count = n
        data.positions = ffi.cast("const float *", ffi.from_buffer(pos))
        if normals is not None:
            arr = vertex_array(normals, "normals", (3,))
            if arr.shape[0] != n:
                raise ValueError(f"create_from_arrays: {arr.shape[0]} normals for {n} positions")
            keep.append(arr)
            data.normals = ffi.cast("const float *", ffi.from_buffer(arr))
        if colours is not None:
            arr = vertex_array(colours, "colours", (3, 4))
            if arr.shape[0] != n:
                raise ValueError(f"create_from_arrays: {arr.shape[0]} colours for {n} positions")
            if arr.shape[1] == 3:
                arr = np.ascontiguousarray(np.concatenate([arr, np.ones((n, 1), np.float32)], axis=1))
            keep.append(arr)
            data.colours = ffi.cast("const float *", ffi.from_buffer(arr))
        if isinstance(texture_coords, np.ndarray) and texture_coords.ndim == 2:
            texture_coords = [texture_coords]
        texture_coords = list(texture_coords or ())
        if len(texture_coords) > 4:
            raise ValueError(f"create_from_arrays: at most 4 texture coordinate sets, not {len(texture_coords)}")
        for i, uv in enumerate(texture_coords):
            arr = vertex_array(uv, f"texture_coords[{i}]", (2,))
            if arr.shape[0] != n:
                raise ValueError(f"create_from_arrays: {arr.shape[0]} texture coordinates in set {i} "
                                 f"for {n} positions")
            keep.append(arr)
            data.texture_coords[i] = ffi.cast("const float *", ffi.from_buffer(arr))
        if indices is not None:
            idx = np.asarray(indices)
            if idx.dtype not in (np.uint16, np.uint32):
                if idx.dtype.kind not in "iu":
                    raise TypeError(f"create_from_arrays: indices must be integers, not {idx.dtype}")
                if idx.size and (idx.min() < 0 or idx.max() > 0xFFFFFFFF):
                    raise ValueError("create_from_arrays: indices must lie in [0, 2**32)")
                idx = idx.astype(np.uint32)
            idx = np.ascontiguousarray(idx.ravel())
            keep.append(idx)
            data.indices = ffi.cast("const void *", ffi.from_buffer(idx))
            data.index_count = idx.size
            data.index_type = lib.KILN_IT_16BIT if idx.dtype == np.uint16 else lib.KILN_IT_32BIT
        name_c = ffi.new("char[]", material_name.encode()) if material_name else ffi.NULL
        data.material_name = name_c
        return _MESH_CREATE.call((self, name, group, data), {}, self, "MeshManager.create_from_arrays")

    def load(self, name, group, path):
        """Loads a mesh file through assimp (OBJ, glTF/GLB, PLY, STL, FBX, ...): one
        sub-mesh per assimp mesh, triangulated, with normals made where the file has
        none, and the file's materials made as "<name>/<material>" (colours, colour
        texture, vertex colours). What the file has that Kiln cannot show is named in a
        kiln.KilnWarning (and in mesh.import_warnings).

        C: kiln_mesh_manager_load"""
        mesh = _MESH_LOAD.call((self, name, group, path), {}, self, "MeshManager.load")
        for line in filter(None, mesh.import_warnings.split("\n")):
            _warnings.warn(f"{path}: {line}", KilnWarning, stacklevel=2)
        return mesh


class SceneManager(Handle):
    _ctype = "kiln_scene_manager"

    def destroy_scene_node(self, node):
        """Destroys a node of the scene with all the nodes below it, detaching (and
        releasing) the objects attached to them. The Python objects of those nodes
        refuse any further use (RuntimeError). ValueError for the root node (destroyed
        with its scene manager) or a node of another scene manager.

        C: kiln_scene_manager_destroy_scene_node"""
        with self._lock:  # the Root's: the tree does not change while it is read
            doomed = _subtree(node) if isinstance(node, SceneNode) and node._ptr is not None else set()
            _SCENE_DESTROY_NODE.call((self, node), {}, None, "SceneManager.destroy_scene_node")
            _binding.destroy_objects(doomed)


def _subtree(node):
    """The addresses of a node and of every node below it."""
    found, todo = set(), [node._ptr]
    child = ffi.new("kiln_scene_node **")
    while todo:
        ptr = todo.pop()
        found.add(_binding.address(ptr))
        for i in range(lib.kiln_scene_node_get_num_children(ptr)):
            _binding.check(lib.kiln_scene_node_get_child(ptr, i, child))
            todo.append(child[0])
    return found


class SceneNode(Handle):
    _ctype = "kiln_scene_node"
    _tracked = True


class MovableObject(Handle):
    _ctype = "kiln_movable_object"


class Camera(MovableObject):
    _ctype = "kiln_camera"

    @property
    def ortho_window(self):
        """(width, height) of the orthographic view volume; setting it also sets the
        aspect ratio, as set_ortho_window does."""
        return (self.ortho_window_width, self.ortho_window_height)

    @ortho_window.setter
    def ortho_window(self, size):
        width, height = size
        self.set_ortho_window(width, height)

    @property
    def frustum_extents(self):
        """(left, right, top, bottom) of the frustum: tangents for a perspective camera,
        view-space positions for an orthographic one; setting it is set_frustum_extents.

        C: kiln_camera_get_frustum_extents, kiln_camera_set_frustum_extents"""
        return _CAMERA_GET_EXTENTS.call((self,), {}, self, "Camera.frustum_extents")

    @frustum_extents.setter
    def frustum_extents(self, extents):
        left, right, top, bottom = extents
        self.set_frustum_extents(left, right, top, bottom)

    def set_intrinsics(self, *args, width=None, height=None, K=None):
        """A pinhole camera's intrinsics, as OpenCV gives them: set_intrinsics(fx, fy, cx,
        cy, width, height), or set_intrinsics(K, width, height) with K the 3x3 matrix
        [[fx, 0, cx], [0, fy, cy], [0, 0, 1]] (a skew K[0][1] is refused). Pixel centres
        are at whole coordinates; a point K projects to (u, v) is drawn in the pixel whose
        centre is (u, v) of a width x height viewport.

        C: kiln_camera_set_intrinsics"""
        if K is not None or (len(args) in (1, 3) and not isinstance(args[0], (int, float))):
            matrix = args[0] if K is None else K
            rest = args[1:] if K is None else args
            if len(rest) == 2:
                width, height = rest
            elif rest:
                raise TypeError("Camera.set_intrinsics: give K, width and height")
            import numpy as _numpy

            k = _numpy.asarray(matrix, dtype=_numpy.float64)
            if k.shape != (3, 3):
                raise ValueError(f"Camera.set_intrinsics: K must be a 3x3 matrix, not shape {k.shape}")
            if k[0, 1] != 0 or k[1, 0] != 0 or tuple(k[2]) != (0, 0, 1):
                raise ValueError(f"Camera.set_intrinsics: K must be [[fx, 0, cx], [0, fy, cy], [0, 0, 1]] "
                                 f"(no skew), not {k.tolist()}")
            if width is None or height is None:
                raise TypeError("Camera.set_intrinsics: give the image's width and height with K")
            args = (float(k[0, 0]), float(k[1, 1]), float(k[0, 2]), float(k[1, 2]), width, height)
        elif width is not None or height is not None:
            args = args + tuple(v for v in (width, height) if v is not None)
        return _CAMERA_SET_INTRINSICS.call((self,) + tuple(args), {}, self, "Camera.set_intrinsics")

    def intrinsics_matrix(self, width, height):
        """The 3x3 K of the camera's frustum for a width x height image, as a NumPy array.

        C: kiln_camera_get_intrinsics"""
        import numpy as _numpy

        fx, fy, cx, cy = self.get_intrinsics(width, height)
        return _numpy.array([[fx, 0.0, cx], [0.0, fy, cy], [0.0, 0.0, 1.0]])


class Light(MovableObject):
    _ctype = "kiln_light"


class ManualObject(MovableObject):
    _ctype = "kiln_manual_object"


class Entity(MovableObject):
    _ctype = "kiln_entity"


class Rectangle2D(MovableObject):
    """Rectangle2D(include_texture_coords=True): a rectangle in screen space."""

    _ctype = "kiln_rectangle2d"

    def __init__(self, include_texture_coords=True):
        super().__init__(include_texture_coords)


class Root(Handle):
    """Root(num_threads=0): the engine; 0 threads means one per core."""

    _ctype = "kiln_root"

    def create_render_texture(self, name, width=None, height=None, format=None, storage=None, array=None,
                              fsaa=0):
        """An offscreen colour + depth target owned by the root: width x height pixels
        of format (PF_BYTE_RGBA by default), or, with array=, over that (h, w) or
        (h, w, c) array: its size and format (from dtype and channels, or format,
        checked) are the target's, and every frame lands in it with no copy. The
        target keeps the array alive. fsaa (0 or 1: none; 2, 4 or 8 samples per pixel)
        anti-aliases the colour; depth and the extra buffers stay exact.

        C: kiln_root_create_render_texture"""
        if array is not None:
            if width is not None or height is not None or storage is not None:
                raise TypeError("create_render_texture: with array=, the size comes from the array; give no "
                                "width, height or storage")
            from . import numpy as _np

            return _np.render_texture_over(self, name, array, format, fsaa)
        if width is None or height is None:
            raise TypeError("create_render_texture: give width and height, or array=")
        extra = {"fsaa": fsaa}
        if format is not None:
            extra["format"] = format
        if storage is not None:
            extra["storage"] = storage
        return _ROOT_CREATE_RENDER_TEXTURE.call((self, name, width, height), extra, self,
                                                "Root.create_render_texture")

    def destroy_render_target(self, target):
        """Destroys a render target of the root and its viewports; the name is free
        again. The Python objects of the target and its viewports refuse any further
        use (RuntimeError); arrays that view its colour buffer, or that it rendered
        into, stay valid. ValueError for a target of another root.

        C: kiln_root_destroy_render_target"""
        with self._lock:
            doomed = set()
            if isinstance(target, RenderTarget) and target._ptr is not None:
                doomed.add(_binding.address(target._ptr))
                viewport = ffi.new("kiln_viewport **")
                for i in range(lib.kiln_render_target_get_num_viewports(target._ptr)):
                    _binding.check(lib.kiln_render_target_get_viewport(target._ptr, i, viewport))
                    doomed.add(_binding.address(viewport[0]))
            _ROOT_DESTROY_RENDER_TARGET.call((self, target), {}, None, "Root.destroy_render_target")
            _binding.destroy_objects(doomed)


class RenderTarget(_Pixels, Handle):
    _ctype = "kiln_render_target"
    _tracked = True

    def read(self, out=None, format=None, buffer="colour", space="camera"):
        """The frame as an array: a new one, or `out` filled and returned.

        buffer="colour" converts to `format` (the target's own when None and no out;
        else the format out's dtype and channels stand for): (h, w, c), or (h, w) for
        one channel. buffer="depth" gives float32 (h, w) window depth in [0, 1], 1
        where nothing was drawn. With target.extra_buffers enabled before the update:
        buffer="instance_id" and "class_id" give uint32 (h, w), 0 where nothing was
        drawn; buffer="normal" gives float32 (h, w, 3) unit normals in camera space
        (or space="world"), NaN where nothing was drawn."""
        from . import numpy as _np

        return _np.read(self, out=out, format=format, buffer=buffer, space=space)

    def update_poses(self, positions=None, orientations=None, out=None, format=None):
        """Renders one frame per pose of the first viewport's camera node, in one call
        that holds the GIL for none of it, into out: an (N, h, w, c) array (a new one
        of `format`, the target's own by default, when None), which is returned.

        positions: (N, 3) floats, orientations: (N, 4) quaternions (w, x, y, z), in
        the node's parent space; either may be None to keep that part of the pose.
        The node gets its pose back afterwards.

        C: kiln_render_target_update_poses"""
        from . import numpy as _np

        return _np.update_batch(self, positions=positions, orientations=orientations, out=out, format=format)

    def update_cameras(self, cameras, out=None, format=None):
        """Renders one frame per camera of `cameras` through the first viewport, in one
        call that holds the GIL for none of it, into out (as update_poses), which is
        returned. The viewport gets its camera back afterwards.

        C: kiln_render_target_update_cameras"""
        from . import numpy as _np

        return _np.update_batch(self, cameras=cameras, out=out, format=format)


RenderTexture = RenderTarget


class Viewport(Handle):
    _ctype = "kiln_viewport"
    _tracked = True


def _export():
    names = globals()
    for name in dir(lib):
        if name.startswith("KILN_") and not name.startswith("KILN_ERROR_") and name != "KILN_OK":
            names[name[len("KILN_") :]] = getattr(lib, name)
    names["OK"] = lib.KILN_OK


_export()
del _export

_PIXEL_CONVERT = _binding.Function("kiln_pixel_convert_pixels")


def pixel_convert_pixels(src, src_format, dst, dst_format, count):
    """Converts count pixels from src (of src_format) into dst (of dst_format), both
    bytes-like objects (NumPy arrays, bytes, bytearray, memoryview): dst must be
    writable, and each must hold count pixels of its format.

    C: kiln_pixel_convert_pixels"""
    what = "kiln.pixel_convert_pixels"
    count = count.__index__()
    if count < 0:
        raise ValueError(f"{what}: argument 'count' must not be negative, not {count}")
    for name, buffer, fmt, writable in (("src", src, src_format, False), ("dst", dst, dst_format, True)):
        try:
            view = memoryview(buffer)
        except TypeError:
            raise TypeError(f"{what}: argument '{name}' must be a bytes-like object, not "
                            f"{type(buffer).__name__}") from None
        if writable and view.readonly:
            raise ValueError(f"{what}: argument 'dst' is read-only")
        needed = count * lib.kiln_pixel_format_get_num_elem_bytes(fmt.__index__())
        if view.nbytes < needed:
            raise ValueError(f"{what}: {count} pixels of {ffi.string(lib.kiln_pixel_format_get_name(fmt)).decode()} "
                             f"need {needed} bytes, but '{name}' holds {view.nbytes}")
    return _PIXEL_CONVERT.call((src, src_format, dst, dst_format, count), {}, None, what)


# The C functions of no class, made when first looked up (PEP 562).
_FREE_FUNCTIONS = _binding.module_function_names()


def __getattr__(name):
    cname = _FREE_FUNCTIONS.get(name)
    if cname is None:
        raise AttributeError(f"module 'kiln' has no attribute {name!r}")
    function = globals()[name] = _binding.free_function(cname)
    return function


def __dir__():
    return sorted(set(globals()) | set(_FREE_FUNCTIONS))


__all__ = [name for name in globals() if not name.startswith("_")] + sorted(set(_FREE_FUNCTIONS) - set(globals()))
