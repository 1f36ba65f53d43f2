"""The rules that turn Kiln's C API into Python classes.

Nothing here names a particular C function: methods, properties, sequences,
out-parameters, ownership and docstrings all follow from the header conventions
recorded in ``_api.FUNCTIONS``:

- ``kiln_<type>_create(..., T **out)`` is the constructor of the class for ``<type>``;
- ``kiln_<type>_get_<name>(self[, out])`` and ``kiln_<type>_set_<name>(self, value)``
  make the property ``<name>``;
- ``kiln_<type>_get_num_<items>(self)`` with ``kiln_<type>_get_<item>(self, index, out)``
  make the read-only sequence property ``<items>``;
- every other ``kiln_<type>_<verb>`` is the method ``<verb>``;
- ``kiln_<type>_retain`` / ``_release`` mark a reference-counted type, and
  ``kiln_<type>_as_<base>`` converts it where a ``<base>`` is expected;
- a parameter named ``out`` or ``out_*`` is returned rather than passed; handles handed
  out through it are owned by the caller when the type is reference counted, and
  borrowed from the object they came from otherwise (the Python object then keeps
  that object alive);
- a trailing ``const <struct> *desc`` parameter is optional, filled from the extra
  positional and keyword arguments in the order of the struct's fields;
- any other trailing struct parameter (a vector, colour, ...) takes either one value
  or its numbers as separate arguments (``set_position(1, 2, 3)``);
- a comment line ``Default: name = VALUE`` makes that parameter optional;
- a ``kiln_result`` return that is not ``KILN_OK`` raises the exception of its kind
  with ``kiln_last_error_message()``.
"""

import functools
import inspect
import os
import re
import threading
import weakref

from ._kiln_cffi import ffi, lib
from ._api import FUNCTIONS

_RLock = threading.RLock
# Every lock of engine objects, so that a child of fork can free them: a lock another
# thread held when the process forked would be held forever in the child, whose only
# thread is the one that forked.
_LOCKS = weakref.WeakSet()
_LOCK_CREATION = threading.Lock()


def new_lock():
    lock = _RLock()
    _LOCKS.add(lock)
    return lock


def _reset_locks_after_fork():
    for lock in list(_LOCKS):
        lock._at_fork_reinit()


if hasattr(os, "register_at_fork") and hasattr(_RLock(), "_at_fork_reinit"):
    os.register_at_fork(after_in_child=_reset_locks_after_fork)

# The Python objects of engine objects that can be destroyed while Python holds them
# (scene nodes, render targets, viewports: those of a Handle class with _tracked), by
# (address, id): destroy_objects makes them refuse further use instead of reaching
# freed memory.
_LIVE = weakref.WeakValueDictionary()


def destroy_objects(addresses):
    """Marks every Python object of the engine objects at `addresses` (ints) destroyed."""
    for key in [k for k in _LIVE.keys() if k[0] in addresses]:
        obj = _LIVE.get(key)
        if obj is not None:
            obj._destroyed_at = key[0]
            obj._ptr = None


def address(ptr):
    return int(ffi.cast("uintptr_t", ptr))


class KilnError(Exception):
    """Base of every error Kiln raises."""


class InvalidArgumentError(KilnError, ValueError):
    pass


class KilnTypeError(KilnError, TypeError):
    pass


class OutOfMemoryError(KilnError, MemoryError):
    pass


class KilnIOError(KilnError, OSError):
    pass


class NotFoundError(KilnError, LookupError):
    pass


class UnsupportedError(KilnError, NotImplementedError):
    pass


class InvalidStateError(KilnError, RuntimeError):
    pass


class OutOfRangeError(KilnError, IndexError):
    pass


_ERRORS = {
    lib.KILN_ERROR_INVALID_ARGUMENT: InvalidArgumentError,
    lib.KILN_ERROR_TYPE: KilnTypeError,
    lib.KILN_ERROR_OUT_OF_MEMORY: OutOfMemoryError,
    lib.KILN_ERROR_IO: KilnIOError,
    lib.KILN_ERROR_NOT_FOUND: NotFoundError,
    lib.KILN_ERROR_UNSUPPORTED: UnsupportedError,
    lib.KILN_ERROR_INVALID_STATE: InvalidStateError,
    lib.KILN_ERROR_OUT_OF_RANGE: OutOfRangeError,
}


def check(result):
    """Raises the exception for a failed kiln_result."""
    if result != lib.KILN_OK:
        message = ffi.string(lib.kiln_last_error_message()).decode("utf-8", "replace")
        raise _ERRORS.get(result, KilnError)(message or ffi.string(lib.kiln_result_name(result)).decode())


# --- what the C types are -------------------------------------------------------------

HANDLE_CLASSES = {}  # C type name ("kiln_image") -> Python class
VALUE_CLASSES = {}  # C struct name ("kiln_vector3") -> Python class (kiln._math)
CONVERTERS = {}  # C struct name -> function(object) -> plain Python value for ffi.new


@functools.lru_cache(maxsize=None)
def _base_type(ctype):
    """'const kiln_image *' -> 'kiln_image'."""
    return ctype.replace("const ", "").replace("*", "").strip()


def _pointer_depth(ctype):
    return ctype.count("*")


@functools.lru_cache(maxsize=None)
def _is_struct(name):
    try:
        return ffi.typeof(name).kind == "struct"
    except ffi.error:
        return False


@functools.lru_cache(maxsize=None)
def _is_opaque_handle(name):
    """A handle type is a struct cffi knows only by name (its fields are private)."""
    try:
        ffi.typeof(name)
    except ffi.error:
        return False
    try:
        return ffi.sizeof(name) < 0
    except ffi.error:
        return True


@functools.lru_cache(maxsize=None)
def _integer_limits(ctype):
    """(lowest, highest) of a C integer type, None for other types."""
    try:
        t = ffi.typeof(ctype)
    except ffi.error:
        return None
    if t.kind == "enum":
        return (-(1 << 31), (1 << 31) - 1)
    if t.kind != "primitive" or t.cname in ("float", "double", "_Bool", "char"):
        return None
    bits = 8 * ffi.sizeof(t)
    if t.cname.startswith("u") or t.cname in ("size_t", "uintptr_t"):
        return (0, (1 << bits) - 1)
    return (-(1 << (bits - 1)), (1 << (bits - 1)) - 1)


def _is_out(name):
    return name == "out" or name.startswith("out_")


def _handle_class(base):
    cls = HANDLE_CLASSES.get(base)
    if cls is None:
        raise TypeError(f"the C type {base} has no Python class")
    return cls


def to_struct(base, value, what):
    """A cdata 'base *' holding value (a Python value object, sequence or mapping)."""
    if isinstance(value, ffi.CData) and ffi.typeof(value) is ffi.typeof(base + " *"):
        return value
    cdata = getattr(value, "_cdata", None)
    if cdata is not None and ffi.typeof(cdata) is ffi.typeof(base + " *"):
        return cdata
    convert = CONVERTERS.get(base)
    try:
        plain = convert(value) if convert else value
        return ffi.new(base + " *", plain)
    except (TypeError, ValueError, OverflowError, KeyError) as exc:
        raise TypeError(f"{what} must describe a {base[5:]}, not {value!r} ({exc})") from None


def to_handle(base, value, what, allow_none=True):
    """The C pointer of a wrapped object, converted to `base` when it derives from it."""
    if value is None:
        if allow_none:
            return ffi.NULL
        raise TypeError(f"{what} must not be None")
    if isinstance(value, Handle):
        if value._ptr is None:
            raise RuntimeError(f"{what}: this {type(value).__name__} was destroyed")
        have = value._ctype
        if have == base:
            return value._ptr
        cast = getattr(lib, f"{have}_as_{base[5:]}", None)
        if cast is not None:
            return cast(value._ptr)
        for alias in value._accepts:  # a Python-side conversion, e.g. PixelBox -> kiln_box
            if alias == base:
                return value._as(base)
    wanted = HANDLE_CLASSES.get(base)
    name = wanted.__name__ if wanted else base
    raise TypeError(f"{what} must be a {name}, not {type(value).__name__}")


def _from_return(base, value, owner):
    """A C value handed back by a function, as Python."""
    if base in VALUE_CLASSES:
        return VALUE_CLASSES[base]._from_c(value)
    return value


def _default_value(text):
    """A default stated in a header: a KILN_ constant, a number, or NULL."""
    if text == "NULL":
        return None
    if text.startswith("KILN_"):
        return getattr(lib, text)
    if text in ("true", "false"):
        return text == "true"
    return float(text) if any(c in text for c in ".eE") else int(text)


class _Parameter:
    __slots__ = ("ctype", "name", "base", "kind")

    def __init__(self, ctype, name):
        self.ctype = ctype
        self.name = name
        self.base = _base_type(ctype)
        depth = _pointer_depth(ctype)
        if _is_out(name):
            self.kind = "out_handle" if depth == 2 else ("out_struct" if _is_struct(self.base) else "out_scalar")
        elif ctype == "const char *":
            self.kind = "string"
        elif self.base == "void" and depth == 1:
            self.kind = "buffer"
        elif depth == 1 and _is_opaque_handle(self.base):
            self.kind = "handle"
        elif depth == 1 and _is_struct(self.base):
            self.kind = "desc" if name == "desc" else "struct_ptr"
        elif depth == 0 and _is_struct(self.base):
            self.kind = "struct_value"
        elif self.base == "bool":
            self.kind = "bool"
        else:
            self.kind = "scalar"


@functools.lru_cache(maxsize=None)
def _parameter(ctype, name):
    """The _Parameter of a type and name, made once: many functions share them."""
    return _Parameter(ctype, name)


class Function:
    """One C function with the conversions its parameters need."""

    def __init__(self, name):
        info = FUNCTIONS[name]
        self.name = name
        self.ret = info["ret"]
        self.doc = info["doc"]
        self._info = info

    # What the parameters need is worked out when the function is first called or
    # described, so that importing Kiln does not do it for every function of the API.
    @functools.cached_property
    def ret_base(self):
        return _base_type(self.ret)

    @functools.cached_property
    def params(self):
        return [_parameter(t, n) for t, n in self._info["params"]]

    @functools.cached_property
    def inputs(self):
        return [p for p in self.params if not p.kind.startswith("out")]

    @functools.cached_property
    def desc(self):
        return self.inputs[-1] if self.inputs and self.inputs[-1].kind == "desc" else None

    @functools.cached_property
    def required(self):
        return [p for p in self.inputs if p is not self.desc]

    @functools.cached_property
    def sized_buffers(self):
        """(position, (buffer name, size name)) of each buffer parameter followed by the
        number of its bytes (size, count): the call checks that the buffer holds them."""
        return [(i, (p.name, self.params[i + 1].name)) for i, p in enumerate(self.params[:-1])
                if p.kind == "buffer" and self.params[i + 1].name in ("size", "count")
                and _base_type(self.params[i + 1].ctype) == "size_t"]

    @functools.cached_property
    def defaults(self):
        return {name: _default_value(value) for name, value in self._info.get("defaults", {}).items()}

    @functools.cached_property
    def c(self):
        """The C function: looked up when first called, so that importing Kiln does not
        build a wrapper for every function of the API."""
        return getattr(lib, self.name)

    def signature(self, skip_self):
        names = [p.name + (f"={self.defaults[p.name]!r}" if p.name in self.defaults else "")
                 for p in self.required[1 if skip_self else 0 :]]
        if self.desc is not None:
            fields = [f for f, _ in ffi.typeof(self.desc.base).fields]
            names += [f"{f}=..." for f in fields]
        return "(" + ", ".join(names) + ")"

    def _convert(self, param, value, where):
        what = f"{where}: argument '{param.name}'"
        kind = param.kind
        if kind == "handle":
            return to_handle(param.base, value, what)
        if kind == "string":
            if value is None:
                return ffi.NULL
            if isinstance(value, (str, bytes)) or hasattr(value, "__fspath__"):
                # As the operating system spells names: a file name that is not UTF-8
                # round-trips (os.fsencode).
                encoded = os.fsencode(value)
                if b"\0" in encoded:
                    raise ValueError(f"{what} holds a NUL character, which would end it early: {value!r}")
                return encoded
            raise TypeError(f"{what} must be a str, not {type(value).__name__}")
        if kind == "struct_ptr":
            if value is None:
                return ffi.NULL
            if isinstance(value, Handle):  # e.g. a PixelBox given where a box is expected
                return to_handle(param.base, value, what)
            return to_struct(param.base, value, what)
        if kind == "struct_value":
            return to_struct(param.base, value, what)[0]
        if kind == "buffer":
            writable = not param.ctype.startswith("const")
            try:
                return ffi.from_buffer(value, require_writable=writable)
            except TypeError:
                raise TypeError(f"{what} must be a {'writable ' if writable else ''}bytes-like object (a NumPy array, "
                                f"bytearray{'' if writable else ', bytes'}, ...), not {type(value).__name__}") from None
        if kind == "bool":
            # True, False, or a number that is one of them: "False" is not false.
            if isinstance(value, bool) or (type(value).__module__ == "numpy"
                                           and type(value).__name__ in ("bool", "bool_")):
                return bool(value)
            if hasattr(value, "__index__") and value.__index__() in (0, 1):
                return bool(value.__index__())
            raise TypeError(f"{what} must be a bool, not {value!r}")
        if hasattr(value, "__index__"):
            number = value.__index__()
            limits = _integer_limits(param.ctype)
            if limits is not None and not limits[0] <= number <= limits[1]:
                raise OverflowError(f"{what} must lie in [{limits[0]}, {limits[1]}] ({param.ctype}), not {number}")
            return number
        if isinstance(value, float) or hasattr(value, "__float__") and not isinstance(value, (str, bytes)):
            return float(value)
        raise TypeError(f"{what} must be a number, not {type(value).__name__}")

    def _bind(self, args, kwargs, owner, where):
        """The values of the required parameters, and what is left for the description."""
        n_req = len(self.required)
        last = self.required[-1] if self.required else None
        if (len(args) > n_req and self.desc is None and last is not None
                and last.kind in ("struct_ptr", "struct_value") and last.base in CONVERTERS):
            # set_position(1, 2, 3) as well as set_position((1, 2, 3)), as in the
            # original engine's API: the trailing numbers make the last struct.
            args = tuple(args[: n_req - 1]) + (tuple(args[n_req - 1 :]),)
        values = list(args[:n_req])
        extra = args[n_req:]
        kwargs = dict(kwargs)
        if extra and self.desc is None:
            raise TypeError(f"{where}{self.signature(owner is not None)}: too many arguments "
                            f"({len(args) - (owner is not None)} given)")
        for param in self.required[: len(values)]:
            if param.name in kwargs:
                raise TypeError(f"{where}: argument '{param.name}' given twice")
        for param in self.required[len(values) :]:
            if param.name in kwargs:
                values.append(kwargs.pop(param.name))
            elif param.name in self.defaults:
                values.append(self.defaults[param.name])
            else:
                raise TypeError(f"{where}{self.signature(owner is not None)}: missing argument '{param.name}'")
        if kwargs and self.desc is None:
            raise TypeError(f"{where}{self.signature(owner is not None)}: unexpected argument "
                            f"'{next(iter(kwargs))}'")
        return values, extra, kwargs

    def call(self, args, kwargs, owner, where):
        """Calls the C function with Python arguments; returns the Python result.

        The call holds the lock of every engine object it is given: the objects of one
        Root share the Root's lock (the C API lets one thread at a time use a Root), so
        calls from several Python threads on one Root take turns, while other Roots
        render meanwhile (the GIL is released during the C call)."""
        locks = None
        first = args[0] if args else None
        for value in args:
            if isinstance(value, Handle):
                locks = _add_lock(locks, value)
        for value in kwargs.values():
            if isinstance(value, Handle):
                locks = _add_lock(locks, value)
        if locks is None:
            return self._call(args, kwargs, owner, where)
        if type(locks) is not list:
            with locks:
                result = self._call(args, kwargs, owner, where)
        else:
            locks.sort(key=id)
            for lock in locks:
                lock.acquire()
            try:
                result = self._call(args, kwargs, owner, where)
            finally:
                for lock in reversed(locks):
                    lock.release()
        if isinstance(first, Handle):
            # An object given to another (a rectangle attached to a Root's node, an
            # image loaded by its texture manager) may be read by that one's renders
            # from now on: it takes the other's lock.
            # It also keeps that one alive, so that what it hands out later (a
            # rectangle's parent node) keeps its Root alive too.
            for value in args[1:]:
                if isinstance(value, Handle) and value._lock is not first._lock and value._owner is None:
                    value._lock = first._lock
                    value._owner = first
        return result

    def _call(self, args, kwargs, owner, where):
        given, extra, desc_kwargs = self._bind(args, kwargs, owner, where)
        c_args = []
        outs = []
        values = iter(given)
        for param in self.params:
            if param.kind.startswith("out"):
                cell = ffi.new(param.ctype)
                outs.append((param, cell))
                c_args.append(cell)
            elif param is self.desc:
                c_args.append(self._desc(param, extra, desc_kwargs, where))
            else:
                c_args.append(self._convert(param, next(values), where))
        for i, (buffer, size) in self.sized_buffers:
            if len(c_args[i]) < c_args[i + 1]:
                raise ValueError(f"{where}: argument '{size}' is {c_args[i + 1]} bytes, but '{buffer}' holds only "
                                 f"{len(c_args[i])}")
        result = self.c(*c_args)
        if self.ret == "kiln_result":
            check(result)
            produced = [self._out_value(p, cell, owner) for p, cell in outs]
            return produced[0] if len(produced) == 1 else (tuple(produced) if produced else None)
        return self._ret_value(result, owner)

    def _desc(self, param, extra, kwargs, where):
        if not extra and not kwargs:
            return ffi.NULL
        types = dict(ffi.typeof(param.base).fields)
        fields = list(types)
        if len(extra) > len(fields):
            raise TypeError(f"{where}: too many arguments; optional ones are {', '.join(fields)}")
        desc = ffi.new(param.base + " *")
        given = dict(zip(fields, extra))
        for key, value in kwargs.items():
            if key not in fields:
                raise TypeError(f"{where}: unexpected argument '{key}'; optional ones are {', '.join(fields)}")
            if key in given:
                raise TypeError(f"{where}: argument '{key}' given twice")
            given[key] = value
        for key, value in given.items():
            if isinstance(value, Handle) or value is None and types[key].type.kind == "pointer":
                # A field naming an engine object (a target's storage stream) takes it.
                base = types[key].type.item.cname.replace("struct ", "")
                value = to_handle(base, value, f"{where}: argument '{key}'")
            try:
                setattr(desc, key, value)
            except (TypeError, OverflowError) as exc:
                raise TypeError(f"{where}: argument '{key}': {exc}") from None
        return desc

    def _out_value(self, param, cell, owner):
        if param.kind == "out_handle":
            cls = _handle_class(param.base)
            return cls._wrap(cell[0], owned=True, owner=owner)
        if param.kind == "out_struct":
            return _from_return(param.base, cell[0], owner)
        return cell[0]

    def _ret_value(self, result, owner):
        ret = self.ret
        if ret == "void":
            return None
        if ret == "const char *":
            return None if result == ffi.NULL else ffi.string(result).decode("utf-8", "replace")
        if _pointer_depth(ret) == 1 and self.ret_base == "void":
            return int(ffi.cast("uintptr_t", result))
        if _pointer_depth(ret) == 1 and self.ret_base in HANDLE_CLASSES:
            return HANDLE_CLASSES[self.ret_base]._wrap(result, owned=False, owner=owner)
        return _from_return(self.ret_base, result, owner)


class _Lazy:
    """A member of a handle class that makes itself when first looked up: it then
    puts what it made (a method, a property or a sequence property) in its place on the
    class, so that later lookups never see it."""

    __slots__ = ("owner", "name", "make", "cnames")

    @classmethod
    def install(cls, owner, name, make, *cnames):
        lazy = cls.__new__(cls)
        lazy.owner, lazy.name, lazy.make, lazy.cnames = owner, name, make, cnames
        setattr(owner, name, lazy)

    def real(self):
        made = self.make(self.name, *(None if c is None else Function(c) for c in self.cnames))
        if self.owner.__dict__.get(self.name) is self:
            setattr(self.owner, self.name, made)
        return made

    def __get__(self, obj, cls=None):
        made = self.real()
        return made.__get__(obj, cls) if hasattr(made, "__get__") else made

    # A data descriptor, so that setting a property not yet made reaches it.
    def __set__(self, obj, value):
        made = self.real()
        if not hasattr(made, "__set__"):
            raise AttributeError(f"'{type(obj).__name__}' object attribute '{self.name}' is read-only")
        made.__set__(obj, value)

    def __delete__(self, obj):
        raise AttributeError(f"cannot delete '{self.name}' of '{type(obj).__name__}' objects")


def _add_lock(locks, handle):
    """locks (None, one lock, or a list of distinct ones) with handle's lock."""
    lock = handle._lock
    if locks is None or locks is lock:
        return lock
    if type(locks) is not list:
        return [locks, lock]
    if not any(l is lock for l in locks):
        locks.append(lock)
    return locks


def _static(owner, name, function):
    def call(*args, **kwargs):
        return function.call(args, kwargs, None, f"{owner}.{name}")

    call.__name__ = name
    call.__doc__ = f"{name}{function.signature(False)}\n\n{function.doc}\n\nC: {function.name}"
    return staticmethod(call)


def _method(name, function):
    def method(self, *args, **kwargs):
        return function.call((self,) + args, kwargs, self, f"{type(self).__name__}.{name}")

    method.__name__ = name
    method.__doc__ = f"{name}{function.signature(True)}\n\n{function.doc}\n\nC: {function.name}"
    return method


class _Sequence:
    """A read-only, indexable view of a count + item-getter pair of C functions."""

    __slots__ = ("_owner", "_count", "_item", "_name")

    def __init__(self, owner, count, item, name):
        self._owner = owner
        self._count = count
        self._item = item
        self._name = name

    def __len__(self):
        return self._count.call((self._owner,), {}, self._owner, self._name)

    def __getitem__(self, index):
        n = len(self)
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(n))]
        index = index.__index__()
        if index < 0:
            index += n
        if not 0 <= index < n:
            raise IndexError(f"{self._name}: index {index} out of range for {n} item(s)")
        return self._item.call((self._owner, index), {}, self._owner, self._name)

    def __iter__(self):
        return (self[i] for i in range(len(self)))

    def __repr__(self):
        return f"<{self._name}: {len(self)} item(s)>"


class Handle:
    """A Python object standing for a Kiln C object.

    Subclasses name their C type in ``_ctype``; their methods and properties are
    derived from the C functions that carry that prefix."""

    _ctype = None
    _refcounted = False
    _tracked = False  # destroyed by calls that free it while Python may hold it
    _accepts = ()
    _functions = {}
    # _keep: what owns the engine object where _ptr does not (a stream that
    # kiln.numpy.as_data_stream made holds its reference there).
    __slots__ = ("_ptr", "_owner", "_lock", "_destroyed_at", "_keep", "__weakref__")

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.__dict__.get("_ctype") is None:
            return
        HANDLE_CLASSES[cls._ctype] = cls
        prefix = cls._ctype + "_"
        mine = {n[len(prefix) :]: n for n in _functions_by_owner().get(cls._ctype, ())}
        cls._functions = dict(getattr(cls, "_functions", {}), **{v: k for k, v in mine.items()})
        cls._refcounted = f"{prefix}release" in FUNCTIONS and f"{prefix}retain" in FUNCTIONS
        if cls._refcounted:
            cls._retain_fn = getattr(lib, prefix + "retain")
            cls._release_fn = getattr(lib, prefix + "release")
        # Members are named here and made when first used (_Lazy): most programs use a
        # few of the API's functions, and making them all would be most of the time
        # importing Kiln takes.
        handled = set()
        for verb, cname in mine.items():
            if verb in ("retain", "release", "destroy") or verb.startswith("as_"):
                handled.add(verb)
            elif verb.startswith("get_num_"):
                plural = verb[len("get_num_") :]
                single = next((v[4:] for v in mine if v.startswith("get_") and not v.startswith("get_num_")
                               and plural.startswith(v[4:]) and len(FUNCTIONS[mine[v]]["params"]) == 3), None)
                if single is not None and plural not in cls.__dict__:
                    _Lazy.install(cls, plural, _sequence, cname, mine["get_" + single])
                    handled.add(verb)
        for verb, cname in mine.items():
            if verb in handled:
                continue
            params = FUNCTIONS[cname]["params"]
            if verb == "create" and not (params and params[0][1] == "self"):
                if "_create" not in cls.__dict__:
                    cls._create = Function(cname)
                continue
            n_inputs = sum(1 for _, n in params if not _is_out(n))
            if verb.startswith("get_") and n_inputs == 1:
                name = verb[4:]
                if name not in cls.__dict__:
                    _Lazy.install(cls, name, _property, cname, mine.get("set_" + name))
            if verb not in cls.__dict__:
                if not (params and _base_type(params[0][0]) == cls._ctype):
                    # Not called on an object of the type (kiln_stream_create_copy makes
                    # one from bytes): a function of the class.
                    _Lazy.install(cls, verb, functools.partial(_static, cls.__name__), cname)
                else:
                    _Lazy.install(cls, verb, _method, cname)

    def __init__(self, *args, **kwargs):
        create = type(self).__dict__.get("_create") or getattr(type(self), "_create", None)
        if create is None:
            raise TypeError(f"{type(self).__name__} objects are made by the engine, not constructed directly")
        where = f"{type(self).__name__}()"
        made = create.call(args, kwargs, None, where)
        self._ptr = made._ptr
        self._owner = None
        self._lock = new_lock()
        made._ptr = None
        destroy = getattr(lib, f"{self._ctype}_destroy", None)
        if destroy is not None and not self._refcounted:
            # An object a constructor made, with no reference count, is destroyed
            # with its Python object.
            self._ptr = ffi.gc(self._ptr, destroy)

    @classmethod
    def _wrap(cls, ptr, owned, owner=None):
        if ptr == ffi.NULL:
            return None
        obj = cls.__new__(cls)
        if cls._refcounted:
            if not owned:
                cls._retain_fn(ptr)
            obj._ptr = ffi.gc(ptr, cls._release_fn)
        else:
            obj._ptr = ptr
        # An object handed out by another keeps that one (and so its Root) alive:
        # a borrowed pointer can then never dangle, and a resource never outlives
        # the manager it may call back into.
        obj._owner = owner
        obj._lock = owner._lock if isinstance(owner, Handle) else new_lock()
        if cls._tracked:
            _LIVE[(address(ptr), id(obj))] = obj
        return obj

    @classmethod
    def _adopt(cls, ptr):
        """_wrap(ptr, owned=True) of a new reference-counted object with no owner, for
        the calls made at a data loader's rate."""
        obj = cls.__new__(cls)
        obj._ptr = ffi.gc(ptr, cls._release_fn)
        obj._owner = None
        return obj  # its lock is made when first asked for (__getattr__)

    def __getattr__(self, name):
        # Called only for attributes that are not set: the lock of an object that
        # _adopt made, made here once, whichever thread asks first.
        if name != "_lock":
            raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'", name=name, obj=self)
        with _LOCK_CREATION:
            try:
                return object.__getattribute__(self, "_lock")
            except AttributeError:
                lock = self._lock = new_lock()
                return lock

    def __eq__(self, other):
        return isinstance(other, Handle) and self._ptr is not None and other._ptr is not None and (
            ffi.cast("void *", self._ptr) == ffi.cast("void *", other._ptr))

    def __hash__(self):
        # A destroyed object keeps the hash it had, in case it is a key somewhere.
        return hash(self._destroyed_at if self._ptr is None else address(self._ptr))

    def __repr__(self):
        if self._ptr is None:
            return f"<kiln.{type(self).__name__}, destroyed>"
        name = getattr(self, "name", None) if "get_name" in type(self)._verbs() else None
        label = f" {name!r}" if name else ""
        return f"<kiln.{type(self).__name__}{label} at 0x{int(ffi.cast('uintptr_t', self._ptr)):x}>"

    @classmethod
    def _verbs(cls):
        verbs = set()
        for klass in cls.__mro__:
            verbs.update(getattr(klass, "_functions", {}).values())
        return verbs


@functools.lru_cache(maxsize=None)
def _functions_by_owner():
    """The C functions of each handle type: those named after it, where a longer type name
    sharing the prefix (kiln_texture_manager beside kiln_texture) owns its own."""
    types = sorted(_all_handle_types(), key=len, reverse=True)
    owners = {}
    for name in FUNCTIONS:
        owner = next((t for t in types if name.startswith(t + "_")), None)
        if owner is not None:
            owners.setdefault(owner, []).append(name)
    return owners


@functools.lru_cache(maxsize=None)
def _all_handle_types():
    return frozenset(_base_type(t) for f in FUNCTIONS.values() for t, _ in f["params"]
                     if _is_opaque_handle(_base_type(t)))


def _property(name, getter, setter):
    def fget(self):
        return getter.call((self,), {}, self, f"{type(self).__name__}.{name}")

    fset = None
    if setter is not None:

        def fset(self, value):
            setter.call((self, value), {}, self, f"{type(self).__name__}.{name}")

    doc = getter.doc
    if setter is not None and setter.doc and setter.doc != getter.doc:
        doc += f"\n\nSetting it: {setter.doc}"
    return property(fget, fset, doc=f"{doc}\n\nC: {getter.name}" + (f", {setter.name}" if setter else ""))


def _sequence(name, count, item):
    def fget(self):
        return _Sequence(self, count, item, f"{type(self).__name__}.{name}")

    doc = count.doc or f"The {name}."
    return property(fget, doc=f"{doc}\n\nA read-only sequence.\n\nC: {count.name}, {item.name}")


def module_function_names():
    """C functions that belong to no class, exposed as kiln.<name without kiln_>: a
    mapping from that name to the C name. free_function makes one."""
    owned = re.compile("|".join(re.escape(p + "_") for p in sorted(HANDLE_CLASSES, key=len, reverse=True)))
    return {cname[len("kiln_") :]: cname for cname in FUNCTIONS if not owned.match(cname)}


def free_function(cname):
    return _free_function(Function(cname))


def _free_function(function):
    short = function.name[len("kiln_") :]

    def call(*args, **kwargs):
        return function.call(args, kwargs, None, f"kiln.{short}")

    call.__name__ = short
    call.__doc__ = f"{short}{function.signature(False)}\n\n{function.doc}\n\nC: {function.name}"
    try:
        call.__signature__ = inspect.Signature(
            [inspect.Parameter(p.name, inspect.Parameter.POSITIONAL_OR_KEYWORD) for p in function.required])
    except ValueError:
        pass
    return call
