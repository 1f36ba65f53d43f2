"""The type stubs generated with the bindings (kiln/__init__.pyi): they name everything
the package offers, with the types of the C declarations, and a type checker reads
them."""

import ast
import pathlib
import subprocess
import sys
import textwrap

import kiln

STUBS = pathlib.Path(kiln.__file__).with_name("__init__.pyi")


def stub_tree():
    return ast.parse(STUBS.read_text())


def annotations(tree):
    """{(class, member): annotation text} of every method's return and property."""
    out = {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, ast.FunctionDef) and item.returns is not None:
                    key = (node.name, item.name)
                    if not any(isinstance(d, ast.Attribute) for d in item.decorator_list):  # not a setter
                        out[key] = ast.unparse(item.returns)
        elif isinstance(node, ast.FunctionDef):
            out[(None, node.name)] = ast.unparse(node.returns)
    return out


def test_the_stubs_name_every_public_class_function_and_constant():
    tree = stub_tree()
    named = set()
    for node in tree.body:
        if isinstance(node, (ast.ClassDef, ast.FunctionDef)):
            named.add(node.name)
        elif isinstance(node, ast.AnnAssign):
            named.add(node.target.id)
        elif isinstance(node, ast.Assign):
            named.update(t.id for t in node.targets)
        elif isinstance(node, ast.ImportFrom):
            named.update(a.asname or a.name for a in node.names)
    public = {name for name in dir(kiln) if not name.startswith("_") and name not in ("ffi", "lib")}
    missing = sorted(public - named - {"numpy"})
    assert not missing, f"the stubs lack {missing[:10]}"


def test_the_stubs_carry_the_c_types():
    found = annotations(stub_tree())
    expected = {
        ("Camera", "fov_y"): "float",
        ("Camera", "auto_aspect_ratio"): "bool",
        ("RenderTarget", "width"): "int",
        ("RenderTarget", "pixel_box"): "PixelBox",
        ("RenderTarget", "viewports"): "Sequence[Viewport]",
        ("Root", "create_scene_manager"): "SceneManager",
        ("SceneNode", "position"): "Vector3",
        ("Viewport", "background_colour"): "ColourValue",
        ("Image", "width"): "int",
        (None, "pixel_format_get_name"): "str",
    }
    for key, annotation in expected.items():
        assert found.get(key) == annotation, f"{key}: {found.get(key)!r}, not {annotation!r}"


def test_a_type_checker_reads_the_stubs_and_catches_misuse(tmp_path):
    good = tmp_path / "good.py"
    good.write_text(textwrap.dedent("""
        import kiln
        root = kiln.Root()
        scene = root.create_scene_manager()
        camera = scene.create_camera("cam")
        camera.fov_y = 0.8
        width: int = root.create_render_texture("t", 4, 4).width
        near: float = camera.near_clip_distance
    """))
    bad = tmp_path / "bad.py"
    bad.write_text(textwrap.dedent("""
        import kiln
        camera = kiln.Root().create_scene_manager().create_camera("cam")
        name: int = camera.name
        camera.fov_y = "wide"
    """))
    package = pathlib.Path(kiln.__file__).parents[1]
    env = {"MYPYPATH": str(package), "PATH": "/usr/bin:/bin"}
    command = [sys.executable, "-m", "mypy", "--no-incremental", "--ignore-missing-imports",
               "--cache-dir", str(tmp_path / "cache")]
    ok = subprocess.run(command + [str(good)], capture_output=True, text=True, env=env)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    failed = subprocess.run(command + [str(bad)], capture_output=True, text=True, env=env)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert 'Incompatible types in assignment (expression has type "str", variable has type "int")' in failed.stdout
    assert 'expression has type "str", variable has type "float"' in failed.stdout
