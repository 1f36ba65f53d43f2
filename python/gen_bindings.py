"""Generates Kiln's Python extension source from the public C headers.

The headers in include/kiln/ are the single source of truth. This script
1. preprocesses include/kiln/kiln.h with the C compiler (KILN_CDEF defined, so the
   headers hide system includes and attributes) and gives the result to cffi as its
   cdef, emitting the C source of the `kiln._kiln_cffi` extension (API mode);
2. parses every `KILN_API` declaration with its
   parameter names and the comment above it, and writes them to `kiln/_api.py`, from
   which the class layer derives methods, properties, out-parameters and docstrings.

Usage: gen_bindings.py --include DIR --out-c FILE --out-api FILE -- CC [CC ARGS...]
"""

import argparse
import pathlib
import pprint
import re
import subprocess
import sys

import cffi

# The one hand-written declaration: the callback through which a stream wrapping a
# Python object (a NumPy array) lets go of it.
PYTHON_CALLBACKS = 'extern "Python" void kiln__py_release_callback(void *);\n'

DECLARATION = re.compile(r"^KILN_API\s+(?P<ret>[^()]*?)\s*\b(?P<name>kiln_\w+)\s*\((?P<params>[^()]*)\)\s*;\s*$")
PARAMETER = re.compile(r"^(?P<type>.*?)\s*\b(?P<name>\w+)$")


def preprocess(cc, include_dir):
    header = include_dir / "kiln" / "kiln.h"
    cmd = list(cc) + ["-E", "-P", "-DKILN_CDEF", "-I", str(include_dir), str(header)]
    text = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return "\n".join(line for line in text.splitlines() if line.strip()) + "\n"


def parse_parameters(text, where):
    text = text.strip()
    if text in ("", "void"):
        return []
    params = []
    for piece in text.split(","):
        match = PARAMETER.match(" ".join(piece.split()))
        if not match:
            raise SystemExit(f"{where}: cannot parse parameter '{piece.strip()}'")
        ctype = match["type"].replace(" *", "*").replace("*", " *").strip()
        ctype = re.sub(r"\s+", " ", ctype).replace("* *", "**")
        params.append((ctype, match["name"]))
    return params


DEFAULTS = re.compile(r"\bDefaults?: ((?:\w+ = [\w.+-]+(?:, )?)+)")


def parse_defaults(doc, params, where):
    """Default values stated in a comment as "Default: name = VALUE, name = VALUE"; they
    make trailing parameters optional in Python."""
    names = [name for _, name in params]
    defaults = {}
    for group in DEFAULTS.findall(doc):
        for item in group.split(","):
            name, value = (part.strip() for part in item.split("="))
            if name not in names:
                raise SystemExit(f"{where}: the default names '{name}', which is not a parameter")
            defaults[name] = value
    return defaults


def parse_headers(include_dir):
    functions = {}
    for header in sorted((include_dir / "kiln").glob("*.h")):
        comment = []
        in_block = False
        pending = ""
        comment_used = False
        for number, line in enumerate(header.read_text().splitlines(), 1):
            stripped = line.strip()
            where = f"{header.name}:{number}"
            if in_block:
                comment.append(stripped.rstrip("*/").lstrip("* ").rstrip())
                if stripped.endswith("*/"):
                    in_block = False
                continue
            if stripped.startswith("/*"):
                comment_used = False
                comment = [stripped[2:].rstrip("*/").lstrip("* ").rstrip()]
                in_block = not stripped.endswith("*/")
                continue
            if pending or stripped.startswith("KILN_API "):
                # A declaration may wrap; it ends at its semicolon.
                pending = f"{pending} {stripped}".strip()
                if not pending.endswith(";"):
                    continue
                stripped, pending = pending, ""
                match = DECLARATION.match(stripped)
                if not match:
                    raise SystemExit(f"{where}: cannot parse the KILN_API declaration: {stripped}")
                ret = " ".join(match["ret"].split()).replace(" *", "*").replace("*", " *")
                doc = " ".join(c for c in comment if c).strip()
                params = parse_parameters(match["params"], where)
                # A comment's defaults belong to the declaration right below it only.
                first_below = not comment_used
                comment_used = True
                functions[match["name"]] = {
                    "ret": ret.strip(),
                    "params": params,
                    "doc": doc,
                    "defaults": parse_defaults(doc, params, where) if first_below else {},
                    "header": header.name,
                }
                continue
            if stripped == "" or not stripped.startswith("KILN_API"):
                # A comment documents the declarations that follow it up to a blank line.
                if stripped == "":
                    comment = []
    return functions


def main(argv):
    parser = argparse.ArgumentParser()
    parser.add_argument("--include", required=True, type=pathlib.Path)
    parser.add_argument("--out-c", required=True, type=pathlib.Path)
    parser.add_argument("--out-api", required=True, type=pathlib.Path)
    parser.add_argument("cc", nargs="+")
    args = parser.parse_args(argv)

    cdef = preprocess(args.cc, args.include)
    ffi = cffi.FFI()
    ffi.cdef(cdef + PYTHON_CALLBACKS)
    ffi.set_source("kiln._kiln_cffi", "#include <kiln/kiln.h>\n")
    ffi.emit_c_code(str(args.out_c))

    functions = parse_headers(args.include)
    args.out_api.write_text(
        '"""Kiln\'s public C functions, generated from include/kiln/*.h by gen_bindings.py."""\n\n'
        "FUNCTIONS = " + pprint.pformat(functions, width=100, sort_dicts=True) + "\n"
    )


if __name__ == "__main__":
    main(sys.argv[1:])
