"""Writes the type stubs of the kiln package (kiln/__init__.pyi) from the built package.

The classes, their members and the module functions are the ones the class layer
derives from the headers (kiln/_binding.py); their types follow from the C types
recorded in kiln/_api.py: numbers, str, bool, the handle classes, the value classes
(Vector3, ColourValue, ...), and what out-parameters hand back. Members written in
Python (PixelBox.from_array, RenderTarget.read, ...) keep their parameter names and
defaults, typed Any where the code says no more.

Run by the build after the extension:
    python gen_stubs.py --package BUILD/python --out BUILD/python/kiln/__init__.pyi
"""

import argparse
import inspect
import pathlib
import sys

NUMBERS = {"float": "float", "double": "float", "bool": "bool"}
INTEGERS = ("int", "uint", "size_t", "int8_t", "uint8_t", "int16_t", "uint16_t", "int32_t", "uint32_t",
            "int64_t", "uint64_t", "unsigned", "long")


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--package", required=True, type=pathlib.Path, help="the directory holding kiln/")
    parser.add_argument("--out", required=True, type=pathlib.Path)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(args.package.resolve()))
    sys.dont_write_bytecode = True
    import kiln
    from kiln import _binding, _math
    from kiln._kiln_cffi import ffi

    handles = {ctype: cls.__name__ for ctype, cls in _binding.HANDLE_CLASSES.items()}
    values = {ctype: cls.__name__ for ctype, cls in _binding.VALUE_CLASSES.items()}

    def ctype_name(ctype):
        base = _binding._base_type(ctype)
        depth = ctype.count("*")
        if base in handles and depth >= 1:
            return handles[base]
        if base in values:
            return values[base]
        if ctype == "const char *":
            return "str"
        if base == "void":
            return "None" if depth == 0 else "int"
        if base in NUMBERS:
            return NUMBERS[base]
        if base in INTEGERS or base.startswith(("kiln_", "enum")) or base.endswith("_t"):
            return "int"  # enums and sizes
        return "Any"

    def param_type(param):
        kind = param.kind
        if kind == "handle":
            return f"{ctype_name(param.ctype)} | None"
        if kind == "string":
            return "str | bytes | os.PathLike[str] | None"
        if kind == "buffer":
            return "Any"
        if kind in ("struct_ptr", "struct_value"):
            name = values.get(param.base)
            return f"{name} | Sequence[float]" if name else "Any"
        return ctype_name(param.ctype)

    def return_type(function):
        if function.ret == "kiln_result":
            outs = [p for p in function.params if p.kind.startswith("out")]
            types = []
            for p in outs:
                pointed = p.ctype[: p.ctype.rindex("*")].strip()
                types.append(ctype_name(pointed))
            if not types:
                return "None"
            return types[0] if len(types) == 1 else f"tuple[{', '.join(types)}]"
        name = ctype_name(function.ret)
        if _binding._pointer_depth(function.ret) == 1 and _binding._base_type(function.ret) in handles:
            return f"{name} | None"
        return name

    def signature(function, skip_self):
        parts = ["self"] if skip_self else []
        for p in function.required[1 if skip_self else 0:]:
            text = f"{p.name}: {param_type(p)}"
            if p.name in function.defaults:
                text += " = ..."
            parts.append(text)
        if function.desc is not None:
            parts.append("*args: Any")
            for field, _ in ffi.typeof(function.desc.base).fields:
                parts.append(f"{field}: Any = ...")
        return f"({', '.join(parts)}) -> {return_type(function)}"

    def python_signature(fn, skip_self, name=""):
        try:
            sig = inspect.signature(fn)
        except (TypeError, ValueError):
            return "(self, *args: Any, **kwargs: Any) -> Any" if skip_self else "(*args: Any, **kwargs: Any) -> Any"
        parts = []
        for p in sig.parameters.values():
            if p.name == "self":
                parts.append("self")
                continue
            if p.name == "cls":
                continue
            prefix = "*" if p.kind == p.VAR_POSITIONAL else ("**" if p.kind == p.VAR_KEYWORD else "")
            text = f"{prefix}{p.name}: Any"
            if p.default is not p.empty:
                text += " = ..."
            parts.append(text)
        return f"({', '.join(parts)}) -> {'None' if name == '__init__' else 'Any'}"

    lines = ['"""Type stubs of the kiln package, generated from its C headers by python/gen_stubs.py."""',
             "", "import os", "from typing import Any, Iterator, Sequence", "", "__version__: str", ""]
    # The exceptions, as _binding defines them, and the warning kiln defines.
    for name in ("KilnError", "InvalidArgumentError", "KilnTypeError", "OutOfMemoryError", "KilnIOError",
                 "NotFoundError", "UnsupportedError", "InvalidStateError", "OutOfRangeError", "KilnWarning"):
        error = getattr(kiln, name)
        bases = ", ".join(b.__name__ for b in error.__bases__)
        lines.append(f"class {name}({bases}): ...")
    lines += ["", "class Handle:", "    def __eq__(self, other: object) -> bool: ...", "    def __hash__(self) -> int: ...",
              ""]
    # The value classes of _math: their fields are numbers.
    for cls in (kiln.Vector2, kiln.Vector3, kiln.Vector4, kiln.ColourValue, kiln.Quaternion, kiln.Matrix3,
                kiln.Matrix4, kiln.Box, kiln.AxisAlignedBox):
        lines.append(f"class {cls.__name__}:")
        number = "int" if cls is kiln.Box else "float"
        inherited = {}
        for klass in reversed(cls.__mro__[:-1]):
            inherited.update(vars(klass))
        inherited.setdefault("__init__", None)
        for field in cls._fields:
            if not isinstance(inherited.get(field), property):
                lines.append(f"    {field}: {number}")
        for name, member in inherited.items():
            if name.startswith("_") and name not in ("__init__", "__len__", "__iter__", "__getitem__", "__add__",
                                                     "__sub__", "__mul__", "__neg__", "__matmul__", "__eq__"):
                continue
            if member is None:
                lines.append("    def __init__(self, *values: Any) -> None: ...")
                continue
            if isinstance(member, property):
                lines.append(f"    @property\n    def {name}(self) -> Any: ...")
            elif isinstance(member, (classmethod, staticmethod)):
                lines.append(f"    @{type(member).__name__}\n    def {name}(*args: Any, **kwargs: Any) -> Any: ...")
            elif inspect.isfunction(member):
                lines.append(f"    def {name}{python_signature(member, True, name)}: ...")
        lines.append("")

    def members(cls):
        out = []
        for name, member in cls.__dict__.items():
            if name.startswith("__") and name not in ("__init__", "__len__", "__array_interface__"):
                continue
            if name.startswith("_") and not name.startswith("__") and name != "_repr_png_":
                continue
            if isinstance(member, _binding._Lazy):
                functions = [None if c is None else _binding.Function(c) for c in member.cnames]
                if member.make is _binding._method:
                    out.append(f"    def {name}{signature(functions[0], True)}: ...")
                elif getattr(member.make, "func", None) is _binding._static:
                    out.append("    @staticmethod")
                    out.append(f"    def {name}{signature(functions[0], False)}: ...")
                elif member.make is _binding._property:
                    getter, setter = functions
                    kind = return_type(getter)
                    out.append("    @property")
                    out.append(f"    def {name}(self) -> {kind}: ...")
                    if setter is not None:
                        value = param_type(setter.required[1]) if len(setter.required) > 1 else kind
                        out.append(f"    @{name}.setter")
                        out.append(f"    def {name}(self, value: {value}) -> None: ...")
                else:  # a sequence
                    item = return_type(functions[1])
                    out.append("    @property")
                    out.append(f"    def {name}(self) -> Sequence[{item}]: ...")
            elif isinstance(member, property):
                out.append("    @property")
                out.append(f"    def {name}(self) -> Any: ...")
                if member.fset is not None:
                    out.append(f"    @{name}.setter")
                    out.append(f"    def {name}(self, value: Any) -> None: ...")
            elif isinstance(member, classmethod):
                out.append("    @classmethod")
                out.append(f"    def {name}{python_signature(member.__func__, False).replace('(', '(cls, ', 1)}: ..."
                           .replace("(cls, )", "(cls)"))
            elif inspect.isfunction(member):
                out.append(f"    def {name}{python_signature(member, True, name)}: ...")
        create = cls.__dict__.get("_create")
        if create is not None and "__init__" not in cls.__dict__:
            out.insert(0, f"    def __init__{signature(create, False).replace('(', '(self, ', 1).replace('(self, )', '(self)').rsplit(' -> ', 1)[0]} -> None: ...")
        return out

    classes = [cls for cls in vars(kiln).values()
               if isinstance(cls, type) and issubclass(cls, _binding.Handle) and cls is not _binding.Handle
               and cls.__module__ == "kiln"]
    seen = set()
    for cls in classes:
        if cls in seen:
            continue
        seen.add(cls)
        bases = ", ".join(b.__name__ for b in cls.__bases__ if b.__name__ != "_Pixels") or "Handle"
        lines.append(f"class {cls.__name__}({bases}):")
        body = members(cls)
        if any(b.__name__ == "_Pixels" for b in cls.__bases__):
            body += ["    @property", "    def __array_interface__(self) -> dict[str, Any]: ...",
                     "    def __dlpack__(self, *, stream: Any = ..., max_version: Any = ..., dl_device: Any = ...,"
                     " copy: Any = ...) -> Any: ...",
                     "    def __dlpack_device__(self) -> tuple[int, int]: ...",
                     "    def _repr_png_(self) -> bytes: ...",
                     "    def tobytes(self) -> bytes: ..."]
        lines.extend(body or ["    ..."])
        lines.append("")
    for name, cls in vars(kiln).items():
        if isinstance(cls, type) and cls.__name__ != name and cls in seen:
            lines.append(f"{name} = {cls.__name__}")
    lines.append("")
    for short, cname in sorted(kiln._FREE_FUNCTIONS.items()):
        lines.append(f"def {short}{signature(_binding.Function(cname), False)}: ...")
    lines.append("")
    for name in sorted(vars(kiln)):
        if name.isupper() and isinstance(getattr(kiln, name), int):
            lines.append(f"{name}: int")
    lines.append("")
    del _math
    args.out.write_text("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
