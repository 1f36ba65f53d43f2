"""Draw the 3D golden scenes (tests/golden/3d/*.json) with Kiln and compare renders.

The scene format is described in tests/golden/3d/README.md; the reference engine's
side is tests/golden/make_golden_3d.py. Both build vertices with
tests/golden/shapes3d.py and texels with tests/golden/textures.py, and both set only
what a scene file states, so everything a file leaves out is the engines' own default.

The same calls in the same order on both sides:
- textures: uploaded from textures.make_texture (PF_BYTE_RGBA for the RGBA kinds);
- materials: one technique, one pass, the stated properties, then the texture units;
- lights: created, typed, coloured, directed (in the light's own space), attenuated,
  then attached to a new node at the stated position;
- objects: a manual object per entry, one begin/end section per entry of
  "sections", every vertex as position, normal, colour, then one texture_coord
  call per coordinate set (the second call of a vertex feeds set 1), then the
  indices; attached to a node with the stated position, orientation and scale;
- cameras: near, far, fov_y, auto aspect ratio, projection and ortho window height,
  attached to a node at the stated position that then looks at the target in world
  space;
- viewports: added to one render texture with their z-order and rectangle,
  background colour and clear buffers, then one frame is rendered.
"""

import json
import math
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

GOLDEN_DIR = Path(__file__).resolve().parents[1] / "golden"
GOLDEN_3D_DIR = GOLDEN_DIR / "3d"
if str(GOLDEN_DIR) not in sys.path:
    sys.path.insert(0, str(GOLDEN_DIR))

import pngio  # noqa: E402  (lives in tests/golden, shared with the generator)
import shapes3d  # noqa: E402
import kiln_scenes  # noqa: E402  (the comparison shared with the 2D goldens)
import textures  # noqa: E402

# The two tolerances; each scene file names the one it is held to.
TOLERANCES = {
    # untextured and unlit (flat or interpolated vertex colours)
    "flat": {"max_mean": 1.0, "channel": 3, "min_fraction": 0.995},
    # textured in perspective, or lit
    "shaded": {"max_mean": 4.0, "channel": 16, "min_fraction": 0.95},
}


def golden_scene_files():
    """The scene files of the 3D goldens, sorted by name."""
    return sorted(GOLDEN_3D_DIR.glob("*.json"))


def load_scene(path):
    path = Path(path)
    with open(path) as f:
        scene = json.load(f)
    scene.setdefault("name", path.stem)
    if scene.get("tolerance") not in TOLERANCES:
        raise ValueError(f"{path}: tolerance {scene.get('tolerance')!r} is not one of {sorted(TOLERANCES)}")
    return scene


def scene_texels(scene):
    """{name: texels} of the scene's textures, each checked against its fingerprint."""
    out = {}
    for key, spec in scene.get("textures", {}).items():
        arr = textures.make_texture(spec)
        expected = spec.get("sha256")
        if expected is not None and textures.texels_sha256(arr) != expected:
            raise AssertionError(
                f"{scene['name']}: tests/golden/textures.py no longer produces the texels of texture "
                f"{key!r} ({spec}); regenerate the goldens (see tests/golden/3d/README.md) or restore "
                "the generator"
            )
        out[key] = arr
    return out


def _const(kiln, prefix, name):
    value = getattr(kiln, prefix + name.upper(), None)
    if value is None:
        raise ValueError(f"kiln has no constant {prefix}{name.upper()}")
    return value


def _vec(values):
    return tuple(float(v) for v in values)


def _material(kiln, root, name, spec, tex_names):
    mat = root.material_manager.create(name, "General")
    p = mat.techniques[0].passes[0]
    if "lighting" in spec:
        p.lighting_enabled = bool(spec["lighting"])
    if "ambient" in spec:
        p.ambient = _vec(spec["ambient"])
    if "diffuse" in spec:
        p.diffuse = _vec(spec["diffuse"])
    if "specular" in spec:
        p.specular = _vec(spec["specular"])
    if "emissive" in spec:
        p.emissive = _vec(spec["emissive"])
    if "shininess" in spec:
        p.shininess = float(spec["shininess"])
    if "vertex_colour_tracking" in spec:
        mask = 0
        for t in spec["vertex_colour_tracking"]:
            mask |= _const(kiln, "TVC_", t)
        p.vertex_colour_tracking = mask
    if "culling" in spec:
        p.culling_mode = _const(kiln, "CULL_", spec["culling"])
    if "blend" in spec:
        p.set_scene_blending(_const(kiln, "SBT_", spec["blend"]))
    if "blend_factors" in spec:
        src, dst = spec["blend_factors"]
        p.set_scene_blending_factors(_const(kiln, "SBF_", src), _const(kiln, "SBF_", dst))
    if "depth_check" in spec:
        p.depth_check_enabled = bool(spec["depth_check"])
    if "depth_write" in spec:
        p.depth_write_enabled = bool(spec["depth_write"])
    if "depth_function" in spec:
        p.depth_function = _const(kiln, "CMPF_", spec["depth_function"])
    if "alpha_rejection" in spec:
        func, value = spec["alpha_rejection"]
        p.set_alpha_rejection(_const(kiln, "CMPF_", func), int(value))
    if "shading" in spec:
        p.shading_mode = _const(kiln, "SO_", spec["shading"])
    if "point_size" in spec:
        p.point_size = float(spec["point_size"])
    for unit in spec.get("texture_units", []):
        tus = p.create_texture_unit_state(tex_names[unit["texture"]])
        if "filtering" in unit:
            tus.texture_filtering = _const(kiln, "TFO_", unit["filtering"])
        if "addressing" in unit:
            tus.texture_addressing_mode = _const(kiln, "TAM_", unit["addressing"])
        if "colour_op" in unit:
            tus.colour_operation = _const(kiln, "LBO_", unit["colour_op"])
        if "coord_set" in unit:
            tus.texture_coord_set = int(unit["coord_set"])
        if "scroll" in unit:
            tus.set_texture_scroll(*_vec(unit["scroll"]))
        if "scale" in unit:
            tus.set_texture_scale(*_vec(unit["scale"]))
        if "rotate" in unit:
            tus.set_texture_rotate(math.radians(float(unit["rotate"])))
    return mat


def render_scene(scene, **root_options):
    """Draw a scene file's scene with Kiln; return (h, w, 3) uint8 pixels.
    root_options go to kiln.Root (num_threads, simd)."""
    try:
        import kiln
        import kiln.numpy
    except ImportError as exc:
        raise ImportError(
            f"cannot import kiln ({exc}); build it and run with PYTHONPATH=build/python "
            "from the repository root"
        ) from exc

    width, height = scene["size"]
    root = kiln.Root(**root_options)
    scn = root.create_scene_manager()
    root_node = scn.root_scene_node
    if "ambient" in scene:
        scn.ambient_light = _vec(scene["ambient"])

    tex_names = {}
    keep = []  # texels and streams stay alive until the frame is drawn
    for key, arr in scene_texels(scene).items():
        height_t, width_t = arr.shape[:2]
        fmt = kiln.PF_BYTE_RGBA if arr.shape[2] == 4 else kiln.PF_BYTE_RGB
        mem = kiln.numpy.as_data_stream(arr)
        img = kiln.Image()
        img.load_dynamic_image(mem, width_t, height_t, fmt)
        tex_names[key] = "tex_" + key
        root.texture_manager.load_image(tex_names[key], "General", img)
        keep += [arr, mem, img]

    mat_names = {}
    for key, spec in scene.get("materials", {}).items():
        mat_names[key] = "mat_" + key
        keep.append(_material(kiln, root, mat_names[key], spec, tex_names))

    for spec in scene.get("lights", []):
        light = scn.create_light(spec["name"])
        light.type = _const(kiln, "LT_", spec["type"])
        if "diffuse" in spec:
            light.diffuse_colour = _vec(spec["diffuse"])
        if "specular" in spec:
            light.specular_colour = _vec(spec["specular"])
        if "direction" in spec:
            light.direction = _vec(spec["direction"])
        if "attenuation" in spec:
            light.set_attenuation(*_vec(spec["attenuation"]))
        if "spot" in spec:
            inner, outer, falloff = spec["spot"]
            light.set_spotlight_range(math.radians(inner), math.radians(outer), float(falloff))
        node = root_node.create_child_scene_node()
        node.position = _vec(spec.get("position", (0.0, 0.0, 0.0)))
        node.attach_object(light)
        keep.append(light)

    for spec in scene["objects"]:
        mo = scn.create_manual_object(spec["name"])
        for sec in spec["sections"]:
            geo = shapes3d.build(sec["geometry"])
            mo.begin(mat_names[sec["material"]], _const(kiln, "OT_", sec.get("operation", "triangle_list")))
            for pos, normal, colour, uvs in shapes3d.vertices(geo):
                mo.position(*_vec(pos))
                if normal is not None:
                    mo.normal(*_vec(normal))
                if colour is not None:
                    mo.colour(*_vec(colour))
                for uv in uvs:
                    mo.texture_coord(*_vec(uv))
            for index in geo.get("indices", []):
                mo.index(int(index))
            mo.end()
        node = root_node.create_child_scene_node()
        node.position = _vec(spec.get("position", (0.0, 0.0, 0.0)))
        node.orientation = kiln.Quaternion(*_vec(spec.get("orientation", (1.0, 0.0, 0.0, 0.0))))
        node.scale = _vec(spec.get("scale", (1.0, 1.0, 1.0)))
        node.attach_object(mo)
        keep.append(mo)

    cams = {}
    for key, spec in scene["cameras"].items():
        cam = scn.create_camera(key)
        cam.near_clip_distance = float(spec.get("near", 0.1))
        cam.far_clip_distance = float(spec.get("far", 100.0))
        cam.fov_y = math.radians(float(spec.get("fov_y", 45.0)))
        cam.auto_aspect_ratio = True
        if spec.get("projection", "perspective") == "orthographic":
            cam.projection_type = kiln.PT_ORTHOGRAPHIC
            cam.ortho_window_height = float(spec["ortho_height"])
        node = root_node.create_child_scene_node()
        node.attach_object(cam)
        node.position = _vec(spec["position"])
        node.set_fixed_yaw_axis(True)  # as make_golden_3d.py sets it on OGRE's camera nodes
        node.look_at(_vec(spec["look_at"]), kiln.TS_WORLD)
        cams[key] = cam

    win = root.create_render_texture("window", width, height, fsaa=int(scene.get("fsaa", 0)))
    for spec in scene["viewports"]:
        left, top, w, h = _vec(spec["rect"])
        vp = win.add_viewport(cams[spec["camera"]], z_order=int(spec["z_order"]), left=left, top=top, width=w, height=h)
        vp.background_colour = _vec(spec["bg"])
        buffers = 0
        for b in spec["clear"]:
            buffers |= _const(kiln, "FBT_", b)
        vp.clear_buffers = buffers

    root.render_one_frame()

    out_mem = kiln.MemoryDataStream(width * height * 3)
    pb = kiln.PixelBox(width, height, 1, kiln.PF_BYTE_RGB, out_mem)
    win.copy_contents_to_memory(pb, pb)
    # A copy, so the result outlives the engine objects of this scene.
    return np.array(kiln.numpy.view(pb), dtype=np.uint8, copy=True)


@dataclass
class Comparison:
    """How far a render is from its golden image, against one of TOLERANCES."""

    tolerance: str
    mean_abs_diff: float  # over all pixels and channels
    fraction_within: float  # pixels whose every channel is within the tolerance's channel limit
    max_abs_diff: int
    worst_pixel: tuple  # (x, y) of the largest difference

    @property
    def limits(self):
        return TOLERANCES[self.tolerance]

    @property
    def ok(self):
        return (
            self.mean_abs_diff <= self.limits["max_mean"] and self.fraction_within >= self.limits["min_fraction"]
        )

    def __str__(self):
        lim = self.limits
        return (
            f"mean abs diff {self.mean_abs_diff:.4f} (limit {lim['max_mean']}), "
            f"{100 * self.fraction_within:.3f}% of pixels within {lim['channel']} "
            f"(need {100 * lim['min_fraction']:.1f}%), largest difference {self.max_abs_diff} "
            f"at x={self.worst_pixel[0]} y={self.worst_pixel[1]} ({self.tolerance} tolerance)"
        )


def compare(actual, expected, tolerance):
    """Compare two (h, w, 3) uint8 images of the same shape under a named tolerance."""
    return Comparison(tolerance, *kiln_scenes.difference(actual, expected, TOLERANCES[tolerance]["channel"]))


def write_failure_images(name, actual, expected):
    """Save the render, the golden and an amplified difference; return the folder."""
    return kiln_scenes.write_failure_images(name, actual, expected, prefix="kiln-golden3d")
