"""The Python component is generated from the C headers: every public C function is
reachable, through the class layer, and failures become exceptions."""

import os
import pathlib
import re

import pytest

import kiln
from kiln import _binding
from kiln._kiln_cffi import lib

HEADERS = pathlib.Path(__file__).resolve().parents[2] / "include" / "kiln"


def declared_functions():
    """Every KILN_API function of include/kiln/, read from the headers themselves."""
    names = set()
    for header in HEADERS.glob("*.h"):
        text = re.sub(r"/\*.*?\*/", "", header.read_text(), flags=re.S)
        text = re.sub(r"^\s*#.*$", "", text, flags=re.M)
        for declaration in re.findall(r"KILN_API\s+([^;{#]*?)\(", text):
            names.add(declaration.split()[-1].lstrip("*"))
    return sorted(names)


FUNCTIONS = declared_functions()


def test_headers_declare_the_api():
    assert len(FUNCTIONS) > 150
    assert "kiln_image_load_dynamic_image" in FUNCTIONS


@pytest.mark.parametrize("name", FUNCTIONS)
def test_every_function_is_compiled_into_the_extension(name):
    assert hasattr(lib, name), f"{name} is declared but not in the cffi module"


def python_route(name):
    """Where the class layer exposes a C function, or None."""
    for cls in set(_binding.HANDLE_CLASSES.values()):
        prefix = cls._ctype + "_"
        if not name.startswith(prefix) or name not in cls._functions:
            continue
        verb = name[len(prefix):]
        if verb in ("retain", "release") and cls._refcounted:
            return f"{cls.__name__} reference counting"
        if verb == "destroy":
            return f"{cls.__name__} finaliser"
        if verb.startswith("as_"):
            return f"{cls.__name__} conversion"
        if verb == "create" or getattr(cls, "_create", None) is not None and cls._create.name == name:
            return f"{cls.__name__}()"
        if verb.startswith("get_num_"):
            plural = verb[len("get_num_"):]
            if isinstance(getattr(cls, plural, None), property):
                return f"{cls.__name__}.{plural}"
        if verb.startswith(("get_", "set_")) and isinstance(getattr(cls, verb[4:], None), property):
            return f"{cls.__name__}.{verb[4:]}"
        if callable(getattr(cls, verb, None)):
            return f"{cls.__name__}.{verb}"
    for cls in set(_binding.HANDLE_CLASSES.values()):
        create = getattr(cls, "_create", None)
        if create is not None and create.name == name:
            return f"{cls.__name__}()"
    short = name[len("kiln_"):]
    if callable(getattr(kiln, short, None)):
        return f"kiln.{short}"
    return None


@pytest.mark.parametrize("name", FUNCTIONS)
def test_every_function_is_reachable_from_the_class_layer(name):
    assert python_route(name) is not None, f"{name} has no Python route"


def test_constants_are_exported_without_prefix():
    assert kiln.PF_BYTE_RGB == lib.KILN_PF_BYTE_RGB == 10
    assert kiln.PF_BYTE_RGBA == 12
    assert kiln.TFO_BILINEAR == 1 and kiln.TAM_CLAMP == 2
    assert kiln.CULL_CLOCKWISE == 2


def test_failures_raise_the_exception_of_their_kind():
    with pytest.raises(ValueError, match="196608"):
        kiln.Image().load_dynamic_image(kiln.MemoryDataStream(10), 256, 256, kiln.PF_BYTE_RGB)
    with pytest.raises(LookupError, match="nosuch"):
        kiln.Root().texture_manager.get_by_name("nosuch", "General")
    with pytest.raises(OSError):
        kiln.Image().load("/nonexistent/dir/x.png")
    try:
        kiln.Image().load("/nonexistent/dir/x.png")
    except kiln.KilnError as exc:
        assert "/nonexistent/dir/x.png" in str(exc)


def test_wrong_argument_types_are_type_errors_naming_the_argument():
    img = kiln.Image()
    with pytest.raises(TypeError, match="stream"):
        img.load_dynamic_image("not a stream", 1, 1, kiln.PF_L8)
    with pytest.raises(TypeError, match="width"):
        img.load_dynamic_image(kiln.MemoryDataStream(1), "one", 1, kiln.PF_L8)
    with pytest.raises(TypeError):
        img.load_dynamic_image(kiln.MemoryDataStream(1))


def test_docstrings_come_from_the_headers():
    assert "no copy" in kiln.Image.load_dynamic_image.__doc__
    assert "kiln_image_load_dynamic_image" in kiln.Image.load_dynamic_image.__doc__


# A sample of members and the comment the header puts right above their declaration
# (read from the header text, below), including members that once took the comment
# of the declaration before them.
DOCUMENTED = {
    (kiln.Camera, "near_clip_distance"): "kiln_camera_get_near_clip_distance",
    (kiln.Camera, "fov_y"): "kiln_camera_get_fov_y",
    (kiln.Camera, "set_ortho_window"): "kiln_camera_set_ortho_window",
    (kiln.Material, "create_technique"): "kiln_material_create_technique",
    (kiln.Material, "techniques"): "kiln_material_get_num_techniques",
    (kiln.MovableObject, "visible"): "kiln_movable_object_get_visible",
    (kiln.Light, "spotlight_inner_angle"): "kiln_light_get_spotlight_inner_angle",
    (kiln.Light, "set_spotlight_range"): "kiln_light_set_spotlight_range",
    (kiln.ManualObject, "num_sections"): "kiln_manual_object_get_num_sections",
    (kiln.Pass, "texture_unit_states"): "kiln_pass_get_num_texture_unit_states",
    (kiln.Pass, "source_blend_factor"): "kiln_pass_get_source_blend_factor",
    (kiln.Pass, "alpha_rejection_function"): "kiln_pass_get_alpha_rejection_function",
    (kiln.Root, "get_render_target"): "kiln_root_get_render_target",
    (kiln.RenderTarget, "viewports"): "kiln_render_target_get_num_viewports",
    (kiln.RenderTarget, "pixel_box"): "kiln_render_target_get_pixel_box",
    (kiln.SceneManager, "get_camera"): "kiln_scene_manager_get_camera",
    (kiln.SceneManager, "has_camera"): "kiln_scene_manager_has_camera",
    (kiln.SceneManager, "get_light"): "kiln_scene_manager_get_light",
    (kiln.Viewport, "z_order"): "kiln_viewport_get_z_order",
    (kiln.Image, "load_dynamic_image"): "kiln_image_load_dynamic_image",
}


def subject(cname, owner):
    """What a function is about: its name after the owner's prefix and get_, set_ or
    get_num_ ("techniques" for kiln_material_get_num_techniques)."""
    rest = cname[len(owner) + 1:] if cname.startswith(owner + "_") else cname
    return re.sub(r"^(get_num_|get_|set_)", "", rest)


def same_subject(a, b):
    return a.startswith(b) or b.startswith(a)  # a sequence's count and its item


def comment_above(name):
    """The comment right above name's declaration, straight from the header text, where
    only declarations about the same thing (its getter, setter, count or item) stand
    between; "" when the nearest comment above is another declaration's."""
    owner = next(t for t in sorted(_binding._all_handle_types(), key=len, reverse=True)
                 if name.startswith(t + "_"))
    for header in HEADERS.glob("*.h"):
        lines = header.read_text().splitlines()
        for i, line in enumerate(lines):
            if re.search(rf"\b{name}\(", line) and line.lstrip().startswith("KILN_API"):
                j = i
                while j > 0 and lines[j - 1].strip() and not lines[j - 1].strip().endswith("*/"):
                    above = re.search(r"\b(kiln_\w+)\(", lines[j - 1])
                    if above and lines[j - 1].lstrip().startswith("KILN_API") and not same_subject(
                            subject(above[1], owner), subject(name, owner)):
                        return ""
                    j -= 1
                end = j - 1
                if end < 0 or not lines[end].strip().endswith("*/"):
                    return ""
                start = end
                while not lines[start].lstrip().startswith("/*"):
                    start -= 1
                text = " ".join(l.strip().lstrip("/*").rstrip("*/").strip() for l in lines[start:end + 1])
                return " ".join(text.split())
    raise AssertionError(f"{name} is not declared")


@pytest.mark.parametrize("member", sorted(DOCUMENTED, key=lambda m: (m[0].__name__, m[1])),
                         ids=lambda m: f"{m[0].__name__}.{m[1]}")
def test_each_docstring_is_its_own_declarations_comment(member):
    cls, attr = member
    cname = DOCUMENTED[member]
    comment = comment_above(cname)
    assert comment, f"{cname} has no comment of its own in its header"
    doc = " ".join(getattr(cls, attr).__doc__.split())
    # The comment's first sentence, without the defaults line the bindings read.
    first = comment.split(" Default:")[0][:60]
    assert first in doc, f"{cls.__name__}.{attr}: {doc[:80]!r} is not {cname}'s comment {first!r}"


def test_optional_description_fields():
    root = kiln.Root(num_threads=1)
    assert root.num_threads == 1
    target = root.create_render_texture("t", 8, 4, kiln.PF_FLOAT32_RGBA)
    assert target.format == kiln.PF_FLOAT32_RGBA
    target2 = root.create_render_texture("t2", 8, 4)
    assert target2.format == kiln.PF_BYTE_RGBA
    with pytest.raises(TypeError, match="colour"):
        root.create_render_texture("t3", 8, 4, colour=1)


def test_a_trailing_struct_may_be_given_as_separate_numbers():
    root = kiln.Root()
    node = root.create_scene_manager().root_scene_node.create_child_scene_node()
    node.set_position(1, 2, 3)
    assert tuple(node.position) == (1, 2, 3)
    node.set_position((4, 5, 6))
    assert tuple(node.position) == (4, 5, 6)
    rpass = root.material_manager.create("m", "General").techniques[0].passes[0]
    rpass.set_diffuse(1, 0, 0, 0.5)
    assert tuple(rpass.diffuse) == (1, 0, 0, 0.5)
    rpass.set_ambient(0.5, 0.5, 0.5)
    assert tuple(rpass.ambient) == (0.5, 0.5, 0.5, 1)
    with pytest.raises(TypeError):
        node.set_position(1, 2)


def test_buffers_are_checked_against_the_sizes_given_with_them():
    import numpy as np

    src = np.arange(16, dtype=np.uint8).reshape(4, 4)
    dst = np.zeros((4, 4, 3), np.uint8)
    kiln.pixel_convert_pixels(src, kiln.PF_L8, dst, kiln.PF_BYTE_RGB, 16)
    assert (dst[..., 1] == src).all()
    with pytest.raises(ValueError, match="need 48 bytes, but 'dst' holds 47"):
        kiln.pixel_convert_pixels(src, kiln.PF_L8, dst.reshape(-1)[:47], kiln.PF_BYTE_RGB, 16)
    with pytest.raises(ValueError, match="need 17 bytes, but 'src' holds 16"):
        kiln.pixel_convert_pixels(src, kiln.PF_L8, np.zeros(64, np.uint8), kiln.PF_BYTE_RGB, 17)
    with pytest.raises(ValueError, match="'dst' is read-only"):
        kiln.pixel_convert_pixels(src, kiln.PF_L8, bytes(48), kiln.PF_BYTE_RGB, 16)
    with pytest.raises(ValueError, match="must not be negative"):
        kiln.pixel_convert_pixels(src, kiln.PF_L8, dst, kiln.PF_BYTE_RGB, -1)
    with pytest.raises(TypeError, match="bytes-like"):
        kiln.pixel_convert_pixels([1, 2], kiln.PF_L8, dst, kiln.PF_BYTE_RGB, 1)
    # A buffer followed by its size in bytes, in any generated function.
    assert kiln.DataStream.create_copy(b"abcd", 4).read() == b"abcd"
    with pytest.raises(ValueError, match="'size' is 100000 bytes, but 'data' holds only 3"):
        kiln.DataStream.create_copy(b"abc", 100000)


def test_strings_with_a_nul_are_refused_and_file_names_need_not_be_utf8(tmp_path):
    with pytest.raises(ValueError, match="NUL"):
        kiln.Image().load("/etc/passwd\x00.png")
    with pytest.raises(ValueError, match="NUL"):
        kiln.pixel_format_from_name("PF_L8\x00junk")
    import numpy as np

    name = os.fsdecode(b"\xff\xfe picture.png")  # a legal Linux name that is not UTF-8
    path = tmp_path / name
    kiln.Image.from_array(np.full((2, 3, 3), 9, np.uint8)).save(path)
    assert (tmp_path / os.fsdecode(b"\xff\xfe picture.png")).exists()
    loaded = kiln.Image()
    loaded.load(path)
    assert (loaded.width, loaded.height) == (3, 2)


def test_booleans_and_integers_are_what_they_say():
    import numpy as np

    rpass = kiln.Root().material_manager.create("m", "General").techniques[0].passes[0]
    for value, expected in ((False, False), (True, True), (0, False), (1, True), (np.bool_(True), True)):
        rpass.lighting_enabled = value
        assert rpass.lighting_enabled is expected
    for wrong in ("False", 2, None, 0.0):
        with pytest.raises(TypeError, match="'enabled' must be a bool"):
            rpass.lighting_enabled = wrong
    with pytest.raises(OverflowError, match=r"'width' must lie in \[0, 4294967295\] \(uint32_t\), not -1"):
        kiln.PixelBox(-1, 2, 1, kiln.PF_L8)
    with pytest.raises(OverflowError, match="not 4294967296"):
        kiln.PixelBox(2**32, 2, 1, kiln.PF_L8)


def test_setters_refuse_what_is_not_finite_and_spaces_that_are_none():
    nan, inf = float("nan"), float("inf")
    root = kiln.Root()
    scene = root.create_scene_manager()
    node = scene.root_scene_node.create_child_scene_node()
    light = scene.create_light("l")
    rpass = root.material_manager.create("m", "General").techniques[0].passes[0]
    viewport = root.create_render_texture("t", 4, 4).add_viewport(scene.create_camera("c"))
    refused = [
        lambda: setattr(node, "position", (nan, 0, 0)),
        lambda: setattr(node, "scale", (1, inf, 1)),
        lambda: setattr(node, "orientation", kiln.Quaternion(nan, 0, 0, 0)),
        lambda: node.translate((0, 0, inf)),
        lambda: node.yaw(nan),
        lambda: node.yaw(1.0, 99),
        lambda: setattr(light, "power_scale", nan),
        lambda: setattr(light, "power_scale", -1.0),
        lambda: light.set_attenuation(inf, 1, 0, 0),
        lambda: rpass.set_depth_bias(nan, nan),
        lambda: setattr(viewport, "background_colour", (nan, 0, 0)),
    ]
    for attempt in refused:
        with pytest.raises(kiln.InvalidArgumentError, match="finite|not a kiln_transform_space|negative"):
            attempt()
    assert tuple(node.position) == (0, 0, 0) and tuple(node.scale) == (1, 1, 1)
    assert light.power_scale == 1.0 and rpass.depth_bias_constant == 0.0
    assert tuple(viewport.background_colour) == (0, 0, 0, 1)
