"""Value types: vectors, quaternions, matrices, colours and boxes.

Each holds its C struct (``_cdata``), so that ``kiln.numpy.view`` can show it as an
array without copying and C functions take it without conversion."""

from ._kiln_cffi import ffi, lib
from . import _binding


class Value:
    _ctype = None
    _fields = ()
    __slots__ = ("_cdata", "__weakref__")

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls._ctype:
            _binding.VALUE_CLASSES[cls._ctype] = cls
            _binding.CONVERTERS[cls._ctype] = cls._plain

    def __init__(self, *values):
        if len(values) == 1 and not isinstance(values[0], (int, float)):
            values = values[0]
        self._cdata = ffi.new(self._ctype + " *", self._plain(values))

    @classmethod
    def _from_c(cls, struct):
        obj = cls.__new__(cls)
        obj._cdata = ffi.new(cls._ctype + " *", struct)
        return obj

    @classmethod
    def _plain(cls, value):
        """A Python value cffi can initialise the struct from."""
        if isinstance(value, cls):
            return value._cdata[0]
        if isinstance(value, dict):
            return value
        values = [float(v) for v in _flatten(value)]
        if len(values) != len(cls._fields):
            raise ValueError(f"{cls.__name__} takes {len(cls._fields)} numbers, got {len(values)}")
        return dict(zip(cls._fields, values))

    def __len__(self):
        return len(self._fields)

    def __iter__(self):
        return (getattr(self._cdata, f) for f in self._fields)

    def __getitem__(self, index):
        return tuple(self)[index]

    def __getattr__(self, name):
        if name in type(self)._fields:
            return getattr(self._cdata, name)
        raise AttributeError(f"{type(self).__name__} has no attribute {name!r}")

    def __setattr__(self, name, value):
        if name in type(self)._fields:
            setattr(self._cdata, name, value)
        else:
            object.__setattr__(self, name, value)

    def __eq__(self, other):
        try:
            return tuple(self) == tuple(type(self)(other))
        except (TypeError, ValueError):
            return NotImplemented

    __hash__ = None

    def __repr__(self):
        return f"{type(self).__name__}({', '.join(f'{v:g}' for v in self)})"


def _flatten(value):
    for item in value:
        if hasattr(item, "__iter__") and not isinstance(item, (str, bytes)):
            yield from _flatten(item)
        else:
            yield item


class _Vector(Value):
    __slots__ = ()

    def __add__(self, other):
        return type(self)([a + b for a, b in zip(self, type(self)(other))])

    def __sub__(self, other):
        return type(self)([a - b for a, b in zip(self, type(self)(other))])

    def __mul__(self, scalar):
        return type(self)([a * scalar for a in self])

    __rmul__ = __mul__

    def __neg__(self):
        return type(self)([-a for a in self])


class Vector2(_Vector):
    _ctype = "kiln_vector2"
    _fields = ("x", "y")
    __slots__ = ()


class Vector3(_Vector):
    _ctype = "kiln_vector3"
    _fields = ("x", "y", "z")
    __slots__ = ()


class Vector4(_Vector):
    _ctype = "kiln_vector4"
    _fields = ("x", "y", "z", "w")
    __slots__ = ()


class ColourValue(Value):
    """An RGBA colour; three numbers mean an opaque colour."""

    _ctype = "kiln_colour"
    _fields = ("r", "g", "b", "a")
    __slots__ = ()

    @classmethod
    def _plain(cls, value):
        if not isinstance(value, (cls, dict)):
            values = [float(v) for v in value]
            if len(values) == 3:
                values.append(1.0)
            value = values
        return super()._plain(value)


class Quaternion(Value):
    """A rotation as (w, x, y, z); Quaternion() is the identity."""

    _ctype = "kiln_quaternion"
    _fields = ("w", "x", "y", "z")
    __slots__ = ()

    def __init__(self, *values):
        super().__init__(*(values or (1.0, 0.0, 0.0, 0.0)))

    @classmethod
    def from_angle_axis(cls, angle, axis):
        return cls._from_c(lib.kiln_quaternion_from_angle_axis(angle, Vector3(axis)._cdata[0]))

    def __mul__(self, other):
        if isinstance(other, Quaternion):
            return Quaternion._from_c(lib.kiln_quaternion_multiply(self._cdata[0], other._cdata[0]))
        return Vector3._from_c(lib.kiln_quaternion_rotate(self._cdata[0], Vector3(other)._cdata[0]))


class _Matrix(Value):
    __slots__ = ()
    _size = 0

    @classmethod
    def _plain(cls, value):
        if isinstance(value, cls):
            return value._cdata[0]
        values = [float(v) for v in _flatten(value)]
        n = cls._size
        if len(values) != n * n:
            raise ValueError(f"{cls.__name__} takes {n * n} numbers, got {len(values)}")
        return {"m": [values[r * n : (r + 1) * n] for r in range(n)]}

    def __init__(self, *values):
        if not values:
            n = self._size
            values = ([1.0 if r == c else 0.0 for c in range(n)] for r in range(n))
            values = list(values)
        elif len(values) == 1:
            values = values[0]
        self._cdata = ffi.new(self._ctype + " *", self._plain(values))

    def __len__(self):
        return self._size

    def __iter__(self):
        return (tuple(self._cdata.m[r]) for r in range(self._size))

    def __getitem__(self, index):
        if isinstance(index, tuple):
            return self._cdata.m[index[0]][index[1]]
        return tuple(self._cdata.m[index])

    def __repr__(self):
        return f"{type(self).__name__}({[list(r) for r in self]})"


class Matrix3(_Matrix):
    _ctype = "kiln_matrix3"
    _size = 3
    __slots__ = ()


class Matrix4(_Matrix):
    _ctype = "kiln_matrix4"
    _size = 4
    __slots__ = ()

    def __mul__(self, other):
        if isinstance(other, Matrix4):
            return Matrix4._from_c(lib.kiln_matrix4_multiply(self._cdata[0], other._cdata[0]))
        return Vector4._from_c(lib.kiln_matrix4_transform(self._cdata[0], Vector4(other)._cdata[0]))

    def inverse(self):
        out = ffi.new("kiln_matrix4 *")
        _binding.check(lib.kiln_matrix4_inverse(self._cdata[0], out))
        return Matrix4._from_c(out[0])


class Box(Value):
    """A box of pixels: Box(left, top, right, bottom) or Box(left, top, front, right,
    bottom, back); left/top/front included, right/bottom/back excluded."""

    _ctype = "kiln_box"
    _fields = ("left", "top", "front", "right", "bottom", "back")
    __slots__ = ()

    @classmethod
    def _plain(cls, value):
        if isinstance(value, cls):
            return value._cdata[0]
        if isinstance(value, dict):
            return value
        extent = getattr(value, "extent", None)
        if isinstance(extent, Box):
            return extent._cdata[0]
        values = [int(v) for v in value]
        if len(values) == 4:
            left, top, right, bottom = values
            values = [left, top, 0, right, bottom, 1]
        if len(values) != 6:
            raise ValueError(f"Box takes 4 or 6 numbers, got {len(values)}")
        if any(v < 0 for v in values):
            raise ValueError(f"Box coordinates must not be negative: {values}")
        return dict(zip(cls._fields, values))

    @property
    def width(self):
        return self._cdata.right - self._cdata.left

    @property
    def height(self):
        return self._cdata.bottom - self._cdata.top

    @property
    def depth(self):
        return self._cdata.back - self._cdata.front

    def __repr__(self):
        return f"Box({', '.join(str(v) for v in self)})"


class AxisAlignedBox(Value):
    """An axis-aligned box given by its minimum and maximum corners; empty when any
    minimum exceeds its maximum."""

    _ctype = "kiln_aabb"
    _fields = ("minimum", "maximum")
    __slots__ = ()

    def __init__(self, minimum=(1.0, 1.0, 1.0), maximum=(-1.0, -1.0, -1.0)):
        self._cdata = ffi.new("kiln_aabb *", self._plain((minimum, maximum)))

    @classmethod
    def _plain(cls, value):
        if isinstance(value, cls):
            return value._cdata[0]
        minimum, maximum = value
        return {"minimum": Vector3._plain(minimum), "maximum": Vector3._plain(maximum)}

    @property
    def minimum(self):
        return Vector3._from_c(self._cdata.minimum)

    @property
    def maximum(self):
        return Vector3._from_c(self._cdata.maximum)

    @property
    def is_empty(self):
        lo, hi = self._cdata.minimum, self._cdata.maximum
        return lo.x > hi.x or lo.y > hi.y or lo.z > hi.z

    @property
    def size(self):
        return self.maximum - self.minimum

    @property
    def centre(self):
        return (self.minimum + self.maximum) * 0.5

    def __iter__(self):
        return iter((self.minimum, self.maximum))

    def __len__(self):
        return 2

    def __getattr__(self, name):
        raise AttributeError(f"AxisAlignedBox has no attribute {name!r}")

    def __repr__(self):
        return f"AxisAlignedBox({tuple(self.minimum)}, {tuple(self.maximum)})"
