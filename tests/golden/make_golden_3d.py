"""Render Kiln's 3D golden images with the reference engine, OGRE 1.12.

Each scene shows one feature of OGRE's fixed-function pipeline (as OGRE's run-time
shader system emulates it on GL3+): depth testing, culling, perspective texturing,
orthographic projection, lights, blending, alpha rejection, texture units, lines and
points, viewports, depth state, near-plane clipping. For every scene this writes,
into 3d/ beside this file,

    <name>.png   the render, read back from the GPU as 8-bit RGB
    <name>.json  the scene in the declarative format of 3d/README.md

tests/python/test_golden_3d.py draws every JSON file again with Kiln. Both sides
build vertices with shapes3d.py and texels with textures.py.

Regenerate from the repository root with Debian's Python (packages
python3-ogre-1.12, python3-numpy, xvfb, libgl1-mesa-dri):

    /usr/bin/python3 tests/golden/make_golden_3d.py              # all scenes
    /usr/bin/python3 tests/golden/make_golden_3d.py light_spot   # only some
    /usr/bin/python3 tests/golden/make_golden_3d.py --list       # scene names

Like make_golden.py (whose Xvfb, configuration and renderer set-up it reuses) it
starts its own Xvfb, renders with the "OpenGL 3+ Rendering Subsystem" on Mesa's
llvmpipe into an offscreen render texture and stops Xvfb. It exits non-zero when a
render is a single flat colour (a scene that drew nothing by accident) or when the
device is not llvmpipe.
"""

import json
import math
import sys
from pathlib import Path

import numpy as np

import make_golden
import pngio
import shapes3d
import textures

GOLDEN_DIR = Path(__file__).resolve().parent
OUT_DIR = GOLDEN_DIR / "3d"

# The comparison each scene is held to; the limits are in tests/python/kiln_scenes_3d.py:
# "flat" (untextured, unlit: mean |diff| <= 1.0, >= 99.5% of pixels within 3) and
# "shaded" (textured in perspective, or lit: mean |diff| <= 4, >= 95% within 16).
TOLERANCES = ("flat", "shaded")

# The order of keys in a scene file.
SCENE_KEYS = (
    "name",
    "description",
    "tolerance",
    "size",
    "fsaa",
    "ambient",
    "textures",
    "materials",
    "lights",
    "objects",
    "cameras",
    "viewports",
)

# ---------------------------------------------------------------- scene helpers

WHITE = [1.0, 1.0, 1.0, 1.0]
RED = [1.0, 0.0, 0.0, 1.0]
GREEN = [0.0, 1.0, 0.0, 1.0]
BLUE = [0.0, 0.0, 1.0, 1.0]
YELLOW = [1.0, 1.0, 0.0, 1.0]
CYAN = [0.0, 1.0, 1.0, 1.0]
MAGENTA = [1.0, 0.0, 1.0, 1.0]
GREY_BG = [0.3, 0.3, 0.3]
DARK_BG = [0.1, 0.1, 0.15]

# OGRE's run-time shaders ignore vertex colours unless the pass tracks them, lighting
# on or off, so every unlit vertex-coloured material here tracks diffuse.
VC = {"lighting": False, "vertex_colour_tracking": ["diffuse"]}
CHECKER_256 = {"kind": "checker", "width": 256, "height": 256, "seed": 0}
RGB_256 = {"kind": "rgb", "width": 256, "height": 256, "seed": 0}
RINGS_64 = {"kind": "rings", "width": 64, "height": 64, "seed": 0}
NOISE_16 = {"kind": "noise", "width": 16, "height": 16, "seed": 4}


def camera(position, look_at, fov_y=45.0, near=0.1, far=100.0, **extra):
    """A perspective camera; extra may set projection="orthographic" and ortho_height."""
    cam = {"position": position, "look_at": look_at, "fov_y": fov_y, "near": near, "far": far}
    cam.update(extra)
    return cam


def viewport(cam="main", z_order=0, rect=(0.0, 0.0, 1.0, 1.0), bg=GREY_BG, clear=("colour", "depth")):
    return {"camera": cam, "z_order": z_order, "rect": list(rect), "bg": bg, "clear": list(clear)}


def obj(name, sections, position=(0.0, 0.0, 0.0), orientation=(1.0, 0.0, 0.0, 0.0), scale=(1.0, 1.0, 1.0)):
    return {
        "name": name,
        "position": list(position),
        "orientation": list(orientation),
        "scale": list(scale),
        "sections": sections,
    }


def section(material, geometry, operation="triangle_list"):
    return {"material": material, "operation": operation, "geometry": geometry}


def axis_angle(degrees, axis):
    """Quaternion (w, x, y, z) rotating by degrees about axis, rounded for the JSON."""
    half = math.radians(degrees) / 2.0
    norm = math.sqrt(sum(a * a for a in axis))
    s = math.sin(half) / norm
    return [round(math.cos(half), 9), round(axis[0] * s, 9), round(axis[1] * s, 9), round(axis[2] * s, 9)]


def quat_mul(a, b):
    aw, ax, ay, az = a
    bw, bx, by, bz = b
    q = [
        aw * bw - ax * bx - ay * by - az * bz,
        aw * bx + ax * bw + ay * bz - az * by,
        aw * by - ax * bz + ay * bw + az * bx,
        aw * bz + ax * by - ay * bx + az * bw,
    ]
    return [round(c, 9) for c in q]


def tri(p0, p1, p2, colour):
    """One flat-coloured triangle, listed in the given order."""
    return {"positions": [p0, p1, p2], "colours": [colour, colour, colour]}


def tris(*triangles):
    """Several triangles of tri() in one vertex list, drawn in order."""
    out = {"positions": [], "colours": []}
    for t in triangles:
        out["positions"] += t["positions"]
        out["colours"] += t["colours"]
    return out


def quad(width, height, uv=((0.0, 0.0), (1.0, 1.0)), colour=None, extra_uv=None, z=0.0):
    """A rectangle in the XY plane facing +Z, centred on the origin, as 4 indexed vertices.

    Texture coordinates run from uv[0] at the top-left to uv[1] at the bottom-right;
    extra_uv, when given, is a second coordinate set laid out the same way.
    """
    w, h = width / 2.0, height / 2.0
    corners = [(-w, h), (-w, -h), (w, -h), (w, h)]
    (u0, v0), (u1, v1) = uv
    geo = {
        "positions": [[x, y, z] for x, y in corners],
        "normals": [[0.0, 0.0, 1.0]] * 4,
        "texcoords": [[[u0, v0], [u0, v1], [u1, v1], [u1, v0]]],
        "indices": [0, 1, 2, 0, 2, 3],
    }
    if extra_uv is not None:
        (s0, t0), (s1, t1) = extra_uv
        geo["texcoords"].append([[s0, t0], [s0, t1], [s1, t1], [s1, t0]])
    if colour is not None:
        geo["colours"] = [colour] * 4 if isinstance(colour[0], float) else list(colour)
    return geo


def scene(name, description, tolerance, objects, cameras, viewports=None, size=(320, 240), **rest):
    out = {
        "name": name,
        "description": description,
        "tolerance": tolerance,
        "size": list(size),
        "objects": objects,
        "cameras": cameras,
        "viewports": viewports if viewports is not None else [viewport()],
    }
    out.update(rest)
    return out


FRONT_CAM = {"main": camera([0.0, 0.0, 5.0], [0.0, 0.0, 0.0])}
SPHERE = {"generator": "sphere", "radius": 1.0, "rings": 16, "segments": 32}


def _cull_scene(name, mode, hidden):
    # Two triangles of each winding; the material's culling mode decides which show.
    ccw_red = tri([-2.2, -1.0, 0.0], [-0.4, -1.0, 0.0], [-1.3, 1.2, 0.0], RED)
    cw_green = tri([0.4, -1.0, 0.0], [1.3, 1.2, 0.0], [2.2, -1.0, 0.0], GREEN)
    ccw_blue = tri([-1.0, 1.6, -1.0], [0.0, 0.4, -1.0], [1.0, 1.6, -1.0], BLUE)
    cw_yellow = tri([-1.0, -1.6, -1.0], [0.0, -0.4, -1.0], [1.0, -1.6, -1.0], YELLOW)
    return scene(
        name,
        f"Two anticlockwise (red, blue) and two clockwise (green, yellow) triangles with culling "
        f"mode {mode}: {hidden}.",
        "flat",
        [obj("tris", [section("m", tris(ccw_red, cw_green, ccw_blue, cw_yellow))])],
        FRONT_CAM,
        materials={"m": dict(VC, culling=mode)},
    )


def _ground_scene(name, filtering):
    return scene(
        name,
        f"A checker-textured ground plane (one quad 400 units across, the texture repeated 200 "
        f"times, squares a quarter unit wide) receding to the horizon, lighting off, {filtering} filtering.",
        "shaded",
        [
            obj(
                "ground",
                [
                    section(
                        "ground",
                        {"generator": "grid", "width": 400.0, "depth": 400.0, "uv_repeat": [200.0, 200.0]},
                    )
                ],
            )
        ],
        {"main": camera([0.0, 1.0, 0.0], [0.3, 0.0, -5.0], fov_y=60.0, near=0.5, far=1000.0)},
        viewports=[viewport(bg=[0.5, 0.7, 0.9])],
        textures={"checker": CHECKER_256},
        materials={"ground": {"lighting": False, "texture_units": [{"texture": "checker", "filtering": filtering}]}},
    )


def _sphere_light_scene(name, description, material, lights, ambient=None, sphere=SPHERE, camera_z=4.0):
    objects = [obj("ball", [section("ball", sphere)])]
    rest = {"materials": {"ball": material}, "lights": lights}
    if ambient is not None:
        rest["ambient"] = ambient
    cameras = {"main": camera([0.0, 0.0, camera_z], [0.0, 0.0, 0.0])}
    return scene(name, description, "shaded", objects, cameras, **rest)


def unit(v):
    """v normalised and rounded for the JSON.

    OGRE 1.12 lights with a directional light's direction as given, unnormalised (a
    direction twice as long doubles N.L before the clamp), so every direction here
    is a unit vector and the scenes test the lighting model, not that quirk.
    """
    length = math.sqrt(sum(c * c for c in v))
    return [round(c / length, 6) for c in v]


SUN = {"name": "sun", "type": "directional", "direction": unit([-0.5, -0.6, -1.0]), "diffuse": [0.8, 0.75, 0.7]}
# Light from the side puts the terminator across the middle of the sphere, where
# per-vertex and per-pixel lighting differ most: on this coarse sphere the two
# renders are not within the shaded tolerance of each other (89% of pixels within 16).
SIDE_SUN = {"name": "sun", "type": "directional", "direction": unit([-1.0, -0.3, -0.3]), "diffuse": [1.0, 0.95, 0.9]}
COARSE_SPHERE = {"generator": "sphere", "radius": 1.0, "rings": 6, "segments": 8}


def _blend_scene(name, description, blend):
    # An opaque background of four colour bands, and three quads in front with
    # different colours and alphas that use the blending under test.
    bands = {
        "positions": [],
        "colours": [],
        "indices": [],
    }
    band_colours = [[0.9, 0.1, 0.1, 1.0], [0.1, 0.8, 0.2, 1.0], [0.2, 0.3, 0.9, 1.0], [0.9, 0.9, 0.9, 1.0]]
    for i, c in enumerate(band_colours):
        y0 = 1.6 - 0.8 * i
        y1 = y0 - 0.8
        base = len(bands["positions"])
        bands["positions"] += [[-2.6, y0, 0.0], [-2.6, y1, 0.0], [2.6, y1, 0.0], [2.6, y0, 0.0]]
        bands["colours"] += [c] * 4
        bands["indices"] += [base, base + 1, base + 2, base, base + 2, base + 3]
    fronts = [
        ([-1.6, 0.0, 1.0], [1.0, 1.0, 0.0, 0.25]),
        ([0.0, 0.0, 1.0], [0.0, 0.6, 1.0, 0.5]),
        ([1.6, 0.0, 1.0], [0.5, 0.5, 0.5, 0.75]),
    ]
    objects = [obj("background", [section("opaque", bands)])]
    for i, (pos, colour) in enumerate(fronts):
        objects.append(obj(f"front{i}", [section("blend", quad(1.2, 3.0, colour=colour))], position=pos))
    material = dict(VC, depth_write=False)
    material.update(blend)
    return scene(
        name,
        description,
        "flat",
        objects,
        {"main": camera([0.0, 0.0, 6.0], [0.0, 0.0, 0.0])},
        materials={"opaque": dict(VC), "blend": material},
    )


def _depth_panel(x, material, order):
    """Triangles drawn in `order` (names of red / green / blue) in one section at x."""
    shapes = {
        # red and green share their vertices exactly: the same depth at every pixel
        "red": tri([x - 0.6, -0.8, 0.0], [x + 0.6, -0.8, 0.0], [x, 0.8, 0.0], RED),
        "green": tri([x - 0.6, -0.8, 0.0], [x + 0.6, -0.8, 0.0], [x, 0.8, 0.0], GREEN),
        # blue is nearer the camera and overlaps the lower half
        "blue": tri([x - 0.5, -1.2, 0.5], [x + 0.5, -1.2, 0.5], [x, 0.1, 0.5], BLUE),
    }
    return obj(f"panel_{material}", [section(material, tris(*(shapes[n] for n in order)))])


def _build_scenes():
    scenes = []

    # -- depth testing of flat colours
    scenes.append(
        scene(
            "tri_depth",
            "Three flat-coloured triangles, lighting off: red and green pass through each other "
            "(the depth test cuts them along a line), blue lies behind both.",
            "flat",
            [
                obj(
                    "tris",
                    [
                        section(
                            "vc",
                            tris(
                                tri([-2.0, -1.2, -1.0], [1.6, -0.6, 1.0], [-0.4, 1.5, 0.0], RED),
                                tri([-1.6, 0.8, 1.0], [-0.8, -1.5, -1.0], [2.0, 0.2, 0.0], GREEN),
                                tri([-0.5, -1.8, -2.0], [2.5, -1.6, -2.0], [1.0, 1.8, -2.0], BLUE),
                            ),
                        )
                    ],
                )
            ],
            FRONT_CAM,
            materials={"vc": dict(VC, culling="none")},
        )
    )

    # -- culling
    scenes.append(_cull_scene("cull_none", "none", "all four show"))
    scenes.append(_cull_scene("cull_clockwise", "clockwise", "the clockwise ones are hidden (the default)"))
    scenes.append(_cull_scene("cull_anticlockwise", "anticlockwise", "the anticlockwise ones are hidden"))

    # -- perspective texturing
    scenes.append(_ground_scene("ground_trilinear", "trilinear"))
    scenes.append(_ground_scene("ground_bilinear", "bilinear"))

    # -- orthographic projection
    face_colours = [RED, CYAN, GREEN, MAGENTA, BLUE, YELLOW]
    scenes.append(
        scene(
            "ortho_cube",
            "A cube with one flat colour per face, turned 30 degrees about Y and 20 about X, seen "
            "by an orthographic camera (window 3 units high) from an oblique direction; lighting off.",
            "flat",
            [
                obj(
                    "cube",
                    [section("vc", {"generator": "cube", "size": 1.5, "face_colours": face_colours})],
                    orientation=quat_mul(axis_angle(20.0, (1, 0, 0)), axis_angle(30.0, (0, 1, 0))),
                )
            ],
            {
                "main": camera(
                    [5.0, 4.0, 4.0], [0.0, 0.0, 0.0], near=1.0, far=20.0, projection="orthographic", ortho_height=3.0
                )
            },
            materials={"vc": dict(VC)},
        )
    )

    # -- lighting
    scenes.append(
        _sphere_light_scene(
            "light_directional_vertex",
            "A coarse white sphere (6 rings, 8 segments) lit per vertex (Gouraud) by a directional "
            "light from the right, with a little scene ambient light: the shading shows the facets.",
            {"diffuse": [1.0, 1.0, 1.0, 1.0], "ambient": [1.0, 1.0, 1.0, 1.0]},
            [SIDE_SUN],
            ambient=[0.05, 0.05, 0.05],
            sphere=COARSE_SPHERE,
            camera_z=3.0,
        )
    )
    scenes.append(
        _sphere_light_scene(
            "light_directional_pixel",
            "The sphere of light_directional_vertex lit per pixel (shading mode phong): smooth "
            "shading inside the polygonal outline.",
            {"diffuse": [1.0, 1.0, 1.0, 1.0], "ambient": [1.0, 1.0, 1.0, 1.0], "shading": "phong"},
            [SIDE_SUN],
            ambient=[0.05, 0.05, 0.05],
            sphere=COARSE_SPHERE,
            camera_z=3.0,
        )
    )
    scenes.append(
        scene(
            "light_point_attenuation",
            "A finely divided ground plane and a sphere lit per vertex by a point light just above "
            "the plane, attenuated (range 10, constant 0.5, linear 0.3, quadratic 0.2).",
            "shaded",
            [
                obj("ground", [section("ground", {"generator": "grid", "width": 8.0, "depth": 8.0,
                                                  "cells_x": 48, "cells_z": 48})], position=[0.0, -1.0, 0.0]),
                obj("ball", [section("ball", SPHERE)], position=[1.2, -0.4, -0.5], scale=[0.6, 0.6, 0.6]),
            ],
            {"main": camera([0.0, 2.5, 5.0], [0.0, -0.5, 0.0])},
            materials={
                "ground": {"diffuse": [0.9, 0.9, 0.9, 1.0]},
                "ball": {"diffuse": [1.0, 0.6, 0.3, 1.0]},
            },
            lights=[
                {
                    "name": "bulb",
                    "type": "point",
                    "position": [-0.5, -0.3, 0.3],
                    "diffuse": [1.0, 1.0, 0.9],
                    "attenuation": [10.0, 0.5, 0.3, 0.2],
                }
            ],
        )
    )
    scenes.append(
        scene(
            "light_spot",
            "A spotlight shining down at an angle onto a ground plane and a sphere, lit per pixel: "
            "inner cone 20 degrees, outer 35, falloff 1.",
            "shaded",
            [
                obj("ground", [section("ground", {"generator": "grid", "width": 8.0, "depth": 8.0,
                                                  "cells_x": 8, "cells_z": 8})], position=[0.0, -1.0, 0.0]),
                obj("ball", [section("ball", SPHERE)], position=[0.6, -0.5, 0.0], scale=[0.5, 0.5, 0.5]),
            ],
            {"main": camera([0.0, 3.0, 5.0], [0.0, -0.8, 0.0])},
            materials={
                "ground": {"diffuse": [0.9, 0.9, 0.9, 1.0], "shading": "phong"},
                "ball": {"diffuse": [0.3, 0.6, 1.0, 1.0], "shading": "phong"},
            },
            lights=[
                {
                    "name": "spot",
                    "type": "spotlight",
                    "position": [-1.5, 3.0, 1.0],
                    "direction": unit([0.4, -1.0, -0.3]),
                    "diffuse": [1.0, 1.0, 1.0],
                    "spot": [20.0, 35.0, 1.0],
                }
            ],
            ambient=[0.05, 0.05, 0.05],
        )
    )
    scenes.append(
        _sphere_light_scene(
            "light_specular",
            "A dark red sphere with a white specular highlight (shininess 32), lit per pixel by a "
            "directional light with white specular colour.",
            {
                "diffuse": [0.6, 0.1, 0.1, 1.0],
                "specular": [1.0, 1.0, 1.0, 1.0],
                "shininess": 32.0,
                "shading": "phong",
            },
            [dict(SUN, diffuse=[1.0, 1.0, 1.0], specular=[1.0, 1.0, 1.0])],
        )
    )
    scenes.append(
        _sphere_light_scene(
            "emissive_ambient",
            "A sphere with no light but the scene's ambient (0.4, 0.4, 0.4): material ambient "
            "(0.2, 0.5, 1.0) times the ambient light plus emissive (0.3, 0.1, 0.0): one flat colour.",
            {"ambient": [0.2, 0.5, 1.0, 1.0], "diffuse": [1.0, 1.0, 1.0, 1.0], "emissive": [0.3, 0.1, 0.0, 1.0]},
            [],
            ambient=[0.4, 0.4, 0.4],
        )
    )
    scenes.append(
        _sphere_light_scene(
            "vertex_colour_tracking",
            "A sphere whose vertex colours (from the normals) replace the material's diffuse "
            "colour (tracking diffuse), lit per vertex by a directional light and some ambient.",
            {"diffuse": [0.2, 0.2, 0.2, 1.0], "ambient": [0.5, 0.5, 0.5, 1.0], "vertex_colour_tracking": ["diffuse"]},
            [dict(SUN, diffuse=[1.0, 1.0, 1.0])],
            ambient=[0.2, 0.2, 0.2],
            sphere=dict(SPHERE, colour="normal"),
        )
    )

    # -- scene blending
    scenes.append(
        _blend_scene(
            "blend_alpha",
            "Three vertex-coloured quads with alphas 0.25, 0.5 and 0.75 blended (transparent alpha) "
            "over an opaque background of four colour bands; lighting off, no depth write.",
            {"blend": "transparent_alpha"},
        )
    )
    scenes.append(
        _blend_scene(
            "blend_add",
            "The quads of blend_alpha added to the background (scene blend add).",
            {"blend": "add"},
        )
    )
    scenes.append(
        _blend_scene(
            "blend_modulate",
            "The quads of blend_alpha multiplying the background (scene blend modulate).",
            {"blend": "modulate"},
        )
    )
    scenes.append(
        _blend_scene(
            "blend_factors",
            "The quads of blend_alpha blended with explicit factors: source one minus destination "
            "colour, destination one (a screen-like blend).",
            {"blend_factors": ["one_minus_dest_colour", "one"]},
        )
    )

    corner_colours = [[0.2, 0.2, 0.6, 1.0], [0.6, 0.2, 0.2, 1.0], [0.2, 0.6, 0.2, 1.0], [0.6, 0.6, 0.2, 1.0]]
    # Transparent objects made before the opaque one behind them, overlapping each other
    # at different depths: drawn right only when transparent renderables (those that
    # blend and do not write depth) come after opaque ones, farthest first.
    scenes.append(
        scene(
            "blend_sorting",
            "Two half-transparent quads (red nearest, green behind it; no depth write) made "
            "before an opaque vertex-coloured wall behind both: the original engine draws "
            "opaque renderables first, then transparent ones farthest first.",
            "flat",
            [
                obj("red_glass", [section("glass", quad(2.0, 2.0, colour=[1.0, 0.0, 0.0, 0.5]))],
                    position=[-0.5, 0.3, 1.0]),
                obj("green_glass", [section("glass", quad(2.0, 2.0, colour=[0.0, 1.0, 0.0, 0.5]))],
                    position=[0.5, -0.3, 0.5]),
                obj("wall", [section("opaque", quad(8.0, 6.0, colour=corner_colours))],
                    position=[0.0, 0.0, -1.0]),
            ],
            FRONT_CAM,
            materials={"opaque": dict(VC), "glass": dict(VC, blend="transparent_alpha", depth_write=False)},
        )
    )

    # -- the calls of the example, as a user would write them: vertex-coloured,
    # textured triangles with alpha, no culling, transparent-alpha blending (writing
    # depth, so drawn with the opaque ones in scene order), seen from (0, 2, 4)
    # looking at (0, 0, -10).
    def example_triangles(lit):
        a = 0.7
        geo = {
            "positions": [[-1.5, -1.0, 0.0], [1.5, -1.0, 0.0], [0.0, 1.0, 0.0],
                          [-1.0, -0.5, -1.5], [2.0, -0.5, -1.5], [0.5, 1.5, -1.5],
                          [-2.5, 0.0, -3.0], [-0.5, 0.0, -3.0], [-1.5, 2.0, -3.0]],
            "colours": [[1.0, 0.0, 0.0, 1.0], [0.0, 1.0, 0.0, 1.0], [0.0, 0.0, 1.0, 1.0],
                        [1.0, 1.0, 0.0, a], [0.0, 1.0, 1.0, a], [1.0, 0.0, 1.0, a],
                        [1.0, 1.0, 1.0, 1.0], [1.0, 0.5, 0.0, 1.0], [0.5, 0.0, 1.0, 1.0]],
            "texcoords": [[[0.0, 0.0], [1.0, 0.0], [0.5, 1.0]] * 3],
        }
        if lit:
            geo["normals"] = [[0.0, 0.0, 1.0]] * 3 + [[0.0, 0.6, 0.8]] * 3 + [[0.6, 0.0, 0.8]] * 3
        material = {"vertex_colour_tracking": ["diffuse"], "culling": "none", "blend": "transparent_alpha",
                    "texture_units": [{"texture": "checker"}]}
        material["lighting"] = lit
        return geo, material

    for lit in (False, True):
        geo, material = example_triangles(lit)
        extra = {}
        if lit:
            extra["ambient"] = [0.25, 0.25, 0.25]
            extra["lights"] = [{"name": "sun", "type": "directional", "direction": list(unit([-0.3, -0.5, -0.8])),
                                "diffuse": [1.0, 1.0, 1.0]}]
        scenes.append(
            scene(
                "example_lit" if lit else "example_unlit",
                "The issue's example calls: three vertex-coloured, textured triangles (the middle one "
                "half transparent) at increasing depth, no culling, transparent-alpha blending, "
                "camera at (0, 2, 4) looking at (0, 0, -10), fov 45, near 0.1, far 100"
                + (", lit by a directional light and ambient light." if lit else ", lighting off."),
                "shaded",
                [obj("tris", [section("vc_mat", geo)])],
                {"main": camera([0.0, 2.0, 4.0], [0.0, 0.0, -10.0])},
                textures={"checker": CHECKER_256},
                materials={"vc_mat": material},
                **extra,
            )
        )

    # -- alpha rejection
    scenes.append(
        scene(
            "alpha_rejection",
            "A quad with the 'rings' texture (alpha 255 or 0 in rings), tilted back, over a "
            "vertex-coloured background: texels with alpha < 128 are rejected; lighting off.",
            "shaded",
            [
                obj("background", [section("back", quad(8.0, 6.0, colour=corner_colours))], position=[0.0, 0.0, -2.0]),
                obj("rings", [section("rings", quad(3.0, 3.0))], orientation=axis_angle(-35.0, (1, 0, 0))),
            ],
            FRONT_CAM,
            textures={"rings": RINGS_64},
            materials={
                "back": dict(VC),
                "rings": {
                    "lighting": False,
                    "culling": "none",
                    "alpha_rejection": ["greater_equal", 128],
                    "texture_units": [{"texture": "rings"}],
                },
            },
        )
    )

    # -- texture units
    scenes.append(
        scene(
            "texture_units",
            "Two quads with two texture units each, the second reading coordinate set 1 (the "
            "noise texture twice across): left modulates, right adds; lighting off.",
            "shaded",
            [
                obj("left", [section("modulate", quad(2.2, 2.2, extra_uv=((0.0, 0.0), (2.0, 2.0))))],
                    position=[-1.2, 0.0, 0.0]),
                obj("right", [section("add", quad(2.2, 2.2, extra_uv=((0.0, 0.0), (2.0, 2.0))))],
                    position=[1.2, 0.0, 0.0]),
            ],
            FRONT_CAM,
            textures={"rgb": RGB_256, "noise": NOISE_16},
            materials={
                "modulate": {
                    "lighting": False,
                    "texture_units": [
                        {"texture": "rgb"},
                        {"texture": "noise", "coord_set": 1, "colour_op": "modulate"},
                    ],
                },
                "add": {
                    "lighting": False,
                    "texture_units": [
                        {"texture": "rgb"},
                        {"texture": "noise", "coord_set": 1, "colour_op": "add"},
                    ],
                },
            },
        )
    )
    scenes.append(
        scene(
            "texture_transform",
            "Four quads with the checker texture: untransformed, scrolled by (0.25, 0.125), "
            "scaled by (2, 0.5), rotated 30 degrees; lighting off.",
            "shaded",
            [
                obj("plain", [section("plain", quad(1.8, 1.8))], position=[-1.0, 1.0, 0.0]),
                obj("scroll", [section("scroll", quad(1.8, 1.8))], position=[1.0, 1.0, 0.0]),
                obj("scale", [section("scale", quad(1.8, 1.8))], position=[-1.0, -1.0, 0.0]),
                obj("rotate", [section("rotate", quad(1.8, 1.8))], position=[1.0, -1.0, 0.0]),
            ],
            {"main": camera([0.0, 0.0, 5.5], [0.0, 0.0, 0.0])},
            textures={"checker": CHECKER_256},
            materials={
                "plain": {"lighting": False, "texture_units": [{"texture": "checker"}]},
                "scroll": {"lighting": False, "texture_units": [{"texture": "checker", "scroll": [0.25, 0.125]}]},
                "scale": {"lighting": False, "texture_units": [{"texture": "checker", "scale": [2.0, 0.5]}]},
                "rotate": {"lighting": False, "texture_units": [{"texture": "checker", "rotate": 30.0}]},
            },
        )
    )

    # -- lines and points
    star = {"positions": [], "colours": []}
    for i in range(12):
        a = 2.0 * math.pi * i / 12
        tip = [round(-1.4 + 1.1 * math.cos(a), 6), round(0.6 + 1.1 * math.sin(a), 6), 0.0]
        star["positions"] += [[-1.4, 0.6, 0.0], tip]
        star["colours"] += [WHITE, [round(0.5 + 0.5 * math.cos(a), 6), round(0.5 + 0.5 * math.sin(a), 6), 0.5, 1.0]]
    zigzag = {
        "positions": [[0.3 + 0.35 * i, 1.4 if i % 2 else 0.2, 0.0] for i in range(8)],
        "colours": [YELLOW if i % 2 else CYAN for i in range(8)],
    }
    points = {"positions": [], "colours": []}
    for i in range(10):
        for j in range(4):
            points["positions"].append([round(-2.2 + 0.45 * i, 6), round(-0.6 - 0.35 * j, 6), 0.0])
            points["colours"].append([1.0, round(0.1 * i, 6), round(0.25 * j, 6), 1.0])
    big_points = {
        "positions": [[round(-2.0 + 0.8 * i, 6), -2.0, 0.0] for i in range(6)],
        "colours": [MAGENTA, GREEN, RED, BLUE, YELLOW, CYAN],
    }
    scenes.append(
        scene(
            "lines_points",
            "A star of 12 lines (line list), a zigzag (line strip), 40 one-pixel points and 6 "
            "points of size 5, all vertex-coloured with lighting off.",
            "flat",
            [
                obj(
                    "lines",
                    [
                        section("vc", star, "line_list"),
                        section("vc", zigzag, "line_strip"),
                        section("vc", points, "point_list"),
                        section("big", big_points, "point_list"),
                    ],
                )
            ],
            {"main": camera([0.0, 0.0, 6.0], [0.0, 0.0, 0.0])},
            viewports=[viewport(bg=DARK_BG)],
            materials={"vc": dict(VC), "big": dict(VC, point_size=5.0)},
        )
    )

    # -- viewports
    scenes.append(
        scene(
            "viewports",
            "Three viewports onto one scene of two flat-coloured cubes: the whole target from the "
            "front; a picture in picture (top right, z-order 1) from above with its own background; "
            "and a strip along the bottom (z-order 2) that clears only depth, so it draws over the first.",
            "flat",
            [
                obj("cube_a", [section("vc", {"generator": "cube", "size": 1.2, "face_colours": face_colours})],
                    position=[-0.9, 0.0, 0.0], orientation=axis_angle(25.0, (0, 1, 0))),
                obj("cube_b", [section("vc", {"generator": "cube", "size": 0.8, "face_colours": face_colours[::-1]})],
                    position=[0.9, -0.4, -0.8], orientation=axis_angle(-40.0, (1, 1, 0))),
            ],
            {
                "main": camera([0.0, 1.0, 5.0], [0.0, 0.0, 0.0]),
                "top": camera([0.5, 6.0, 0.5], [0.0, 0.0, 0.0], fov_y=40.0),
                "strip": camera([-4.0, 0.5, 3.0], [0.0, 0.0, 0.0], fov_y=30.0),
            },
            viewports=[
                viewport("main", 0),
                viewport("top", 1, rect=(0.7, 0.05, 0.25, 0.25), bg=[0.0, 0.2, 0.1]),
                viewport("strip", 2, rect=(0.0, 0.75, 0.5, 0.25), clear=("depth",)),
            ],
            materials={"vc": dict(VC)},
        )
    )

    # -- depth state
    scenes.append(
        scene(
            "depth_write_check_off",
            "Left: a section drawn without depth writes, red (near) then green (far): green covers "
            "red. Middle: the same with the depth check off. Right: the same with the defaults, "
            "where red stays in front. Lighting off.",
            "flat",
            [
                obj("nowrite", [section("nowrite", tris(
                    tri([-2.9, -0.6, 0.5], [-1.5, -0.6, 0.5], [-2.2, 0.9, 0.5], RED),
                    tri([-2.7, -1.0, -0.5], [-1.3, -1.0, -0.5], [-2.0, 0.5, -0.5], GREEN)))]),
                obj("nocheck", [section("nocheck", tris(
                    tri([-0.7, -0.6, 0.5], [0.7, -0.6, 0.5], [0.0, 0.9, 0.5], RED),
                    tri([-0.5, -1.0, -0.5], [0.9, -1.0, -0.5], [0.2, 0.5, -0.5], GREEN)))]),
                obj("default", [section("default", tris(
                    tri([1.5, -0.6, 0.5], [2.9, -0.6, 0.5], [2.2, 0.9, 0.5], RED),
                    tri([1.7, -1.0, -0.5], [3.1, -1.0, -0.5], [2.4, 0.5, -0.5], GREEN)))]),
            ],
            {"main": camera([0.0, 0.0, 6.0], [0.0, 0.0, 0.0])},
            materials={
                "nowrite": dict(VC, depth_write=False),
                "nocheck": dict(VC, depth_check=False),
                "default": dict(VC),
            },
        )
    )
    scenes.append(
        scene(
            "depth_function",
            "Four panels, each one section drawing red, then green over exactly the same pixels and "
            "depths, then a nearer blue, with depth functions less (red, blue), less_equal "
            "(green, blue), always_pass (green, blue, drawn in order) and greater (nothing, "
            "against the cleared depth 1).",
            "flat",
            [
                _depth_panel(-2.4, "less", ["red", "green", "blue"]),
                _depth_panel(-0.8, "less_equal", ["red", "green", "blue"]),
                _depth_panel(0.8, "always_pass", ["blue", "red", "green"]),
                _depth_panel(2.4, "greater", ["red", "green", "blue"]),
            ],
            {"main": camera([0.0, 0.0, 6.0], [0.0, 0.0, 0.0])},
            materials={
                "less": dict(VC, depth_function="less"),
                "less_equal": dict(VC, depth_function="less_equal"),
                "always_pass": dict(VC, depth_function="always_pass"),
                "greater": dict(VC, depth_function="greater"),
            },
        )
    )

    # -- near-plane clipping
    scenes.append(
        scene(
            "near_clip",
            "A large triangle with a different colour at each corner, one corner behind the camera, "
            "clipped by the near plane (0.5); lighting off, culling none.",
            "flat",
            [
                obj("tri", [section("vc", {
                    "positions": [[-3.0, -1.0, -6.0], [3.0, -1.5, -4.0], [0.5, 0.8, 2.0]],
                    "colours": [RED, GREEN, BLUE],
                })])
            ],
            {"main": camera([0.0, 0.0, 1.0], [0.0, 0.0, -10.0], fov_y=60.0, near=0.5, far=50.0)},
            materials={"vc": dict(VC, culling="none")},
        )
    )
    # -- anti-aliasing: scenes above again with FSAA 4 (the original engine's render
    # texture parameter), edges of every kind: flat triangles cut by the depth test,
    # faces of a cube, a lit sphere's outline, a textured plane to the horizon,
    # blended quads, a clipped triangle, lines and points
    by_name = {s["name"]: s for s in scenes}
    for base in FSAA_SCENES:
        copy = json.loads(json.dumps(by_name[base]))
        copy["name"] = "fsaa4_" + base
        copy["description"] = f"{base} with FSAA 4: " + copy["description"][0].lower() + copy["description"][1:]
        copy["fsaa"] = 4
        scenes.append(copy)
    return scenes


# The scenes drawn again with FSAA 4.
FSAA_SCENES = (
    "tri_depth",
    "cull_none",
    "ortho_cube",
    "light_directional_pixel",
    "ground_trilinear",
    "blend_alpha",
    "example_lit",
    "depth_function",
    "near_clip",
    "lines_points",
    "viewports",
)

SCENES = _build_scenes()

# ---------------------------------------------------------------- OGRE side


def _enum(Ogre, prefix, name):
    # Light types live in the Light class, everything else at module level.
    owner = Ogre.Light if prefix == "LT_" else Ogre
    value = getattr(owner, prefix + name.upper(), None)
    if value is None:
        raise ValueError(f"unknown OGRE constant {prefix}{name.upper()}")
    return value


def _colour(Ogre, c):
    return Ogre.ColourValue(*[float(v) for v in c])


class Renderer3D(make_golden.Renderer):
    """The 2D generator's OGRE set-up, drawing the declarative 3D scenes."""

    def render(self, scene):
        Ogre = self.Ogre
        self.count += 1
        tag = f"{scene['name']}_{self.count}"
        scn = self.root.createSceneManager()
        self.shadergen.addSceneManager(scn)
        names = {"texture": [], "material": [], "rt": []}
        try:
            return self._draw(scene, scn, tag, names)
        finally:
            self.shadergen.removeSceneManager(scn)
            self.root.destroySceneManager(scn)
            texmgr = Ogre.TextureManager.getSingleton()
            matmgr = Ogre.MaterialManager.getSingleton()
            for name in names["material"]:
                mat = matmgr.getByName(name, "General")
                if mat is not None:
                    self.shadergen.removeAllShaderBasedTechniques(name, "General")
                    matmgr.remove(name, "General")
            for name in names["texture"] + names["rt"]:
                if texmgr.resourceExists(name, "General"):
                    texmgr.remove(name, "General")

    def _material(self, name, spec, tex_names):
        Ogre = self.Ogre
        mat = Ogre.MaterialManager.getSingleton().create(name, "General")
        p = mat.getTechnique(0).getPass(0)
        if "lighting" in spec:
            p.setLightingEnabled(bool(spec["lighting"]))
        for key, setter in (
            ("ambient", p.setAmbient),
            ("diffuse", p.setDiffuse),
            ("specular", p.setSpecular),
            ("emissive", p.setSelfIllumination),
        ):
            if key in spec:
                setter(_colour(Ogre, spec[key]))
        if "shininess" in spec:
            p.setShininess(float(spec["shininess"]))
        if "vertex_colour_tracking" in spec:
            mask = 0
            for t in spec["vertex_colour_tracking"]:
                mask |= _enum(Ogre, "TVC_", t)
            p.setVertexColourTracking(mask)
        if "culling" in spec:
            p.setCullingMode(_enum(Ogre, "CULL_", spec["culling"]))
        if "blend" in spec:
            p.setSceneBlending(_enum(Ogre, "SBT_", spec["blend"]))
        if "blend_factors" in spec:
            src, dst = spec["blend_factors"]
            p.setSceneBlending(_enum(Ogre, "SBF_", src), _enum(Ogre, "SBF_", dst))
        if "depth_check" in spec:
            p.setDepthCheckEnabled(bool(spec["depth_check"]))
        if "depth_write" in spec:
            p.setDepthWriteEnabled(bool(spec["depth_write"]))
        if "depth_function" in spec:
            p.setDepthFunction(_enum(Ogre, "CMPF_", spec["depth_function"]))
        if "alpha_rejection" in spec:
            func, value = spec["alpha_rejection"]
            p.setAlphaRejectSettings(_enum(Ogre, "CMPF_", func), int(value))
        if "shading" in spec:
            p.setShadingMode(_enum(Ogre, "SO_", spec["shading"]))
        if "point_size" in spec:
            p.setPointSize(float(spec["point_size"]))
        for unit in spec.get("texture_units", []):
            tus = p.createTextureUnitState(tex_names[unit["texture"]])
            if "filtering" in unit:
                tus.setTextureFiltering(_enum(Ogre, "TFO_", unit["filtering"]))
            if "addressing" in unit:
                tus.setTextureAddressingMode(_enum(Ogre, "TAM_", unit["addressing"]))
            if "colour_op" in unit:
                tus.setColourOperation(_enum(Ogre, "LBO_", unit["colour_op"]))
            if "coord_set" in unit:
                tus.setTextureCoordSet(int(unit["coord_set"]))
            if "scroll" in unit:
                tus.setTextureScroll(*[float(v) for v in unit["scroll"]])
            if "scale" in unit:
                tus.setTextureScale(*[float(v) for v in unit["scale"]])
            if "rotate" in unit:
                tus.setTextureRotate(Ogre.Radian(math.radians(float(unit["rotate"]))))
        if spec.get("lighting", True):
            self._lighting_stage(mat, name, spec.get("shading", "gouraud"))
        return mat

    def _lighting_stage(self, mat, name, shading):
        """Make OGRE light the material per vertex or per pixel as its shading mode says.

        GL3+ has no fixed-function pipeline: the run-time shader system draws every
        pass, and this build's default render state lights per pixel whatever the
        shading mode. The material's own render state overrides the lighting stage:
        FFP_Lighting (per vertex) for gouraud and flat, SGX_PerPixelLighting for phong.
        """
        import Ogre.RTShader as RTShader

        stage = RTShader.PerPixelLighting_Type_get() if shading == "phong" else RTShader.FFPLighting_Type_get()
        scheme = RTShader.ShaderGenerator_DEFAULT_SCHEME_NAME_get()
        self.shadergen.createShaderBasedTechnique(mat.getTechnique(0), scheme)
        state = self.shadergen.getRenderState(scheme, name, "General", 0)
        state.addTemplateSubRenderState(self.shadergen.createSubRenderState(stage))
        self.shadergen.validateMaterial(scheme, name, "General")

    def _draw(self, scene, scn, tag, names):
        Ogre = self.Ogre
        width, height = scene["size"]
        texmgr = Ogre.TextureManager.getSingleton()
        root_node = scn.getRootSceneNode()
        if "ambient" in scene:
            scn.setAmbientLight(_colour(Ogre, scene["ambient"]))

        tex_names = {}
        keep = []  # the texel arrays must outlive the upload
        for key, spec in scene.get("textures", {}).items():
            arr = textures.make_texture(spec)
            keep.append(arr)
            fmt = Ogre.PF_BYTE_RGBA if arr.shape[2] == 4 else Ogre.PF_BYTE_RGB
            mem = self.Numpy.AsDataStream(arr)
            img = Ogre.Image()
            img.loadDynamicImage(mem.getPtr(), spec["width"], spec["height"], fmt)
            tex_names[key] = f"tex_{key}_{tag}"
            texmgr.loadImage(tex_names[key], "General", img)
            names["texture"].append(tex_names[key])

        mat_names = {}
        for key, spec in scene.get("materials", {}).items():
            mat_names[key] = f"mat_{key}_{tag}"
            names["material"].append(mat_names[key])
            self._material(mat_names[key], spec, tex_names)

        for light_spec in scene.get("lights", []):
            light = scn.createLight(light_spec["name"])
            light.setType(_enum(Ogre, "LT_", light_spec["type"]))
            if "diffuse" in light_spec:
                light.setDiffuseColour(_colour(Ogre, light_spec["diffuse"]))
            if "specular" in light_spec:
                light.setSpecularColour(_colour(Ogre, light_spec["specular"]))
            if "direction" in light_spec:
                light.setDirection(Ogre.Vector3(*[float(v) for v in light_spec["direction"]]))
            if "attenuation" in light_spec:
                light.setAttenuation(*[float(v) for v in light_spec["attenuation"]])
            if "spot" in light_spec:
                inner, outer, falloff = light_spec["spot"]
                light.setSpotlightRange(
                    Ogre.Radian(math.radians(inner)), Ogre.Radian(math.radians(outer)), float(falloff)
                )
            node = root_node.createChildSceneNode()
            node.setPosition(*[float(v) for v in light_spec.get("position", [0.0, 0.0, 0.0])])
            node.attachObject(light)

        op_types = {
            "point_list": Ogre.RenderOperation.OT_POINT_LIST,
            "line_list": Ogre.RenderOperation.OT_LINE_LIST,
            "line_strip": Ogre.RenderOperation.OT_LINE_STRIP,
            "triangle_list": Ogre.RenderOperation.OT_TRIANGLE_LIST,
            "triangle_strip": Ogre.RenderOperation.OT_TRIANGLE_STRIP,
            "triangle_fan": Ogre.RenderOperation.OT_TRIANGLE_FAN,
        }
        for spec in scene["objects"]:
            mo = scn.createManualObject(spec["name"])
            for sec in spec["sections"]:
                geo = shapes3d.build(sec["geometry"])
                mo.begin(mat_names[sec["material"]], op_types[sec.get("operation", "triangle_list")], "General")
                for pos, normal, colour, uvs in shapes3d.vertices(geo):
                    mo.position(*[float(v) for v in pos])
                    if normal is not None:
                        mo.normal(*[float(v) for v in normal])
                    if colour is not None:
                        mo.colour(*[float(v) for v in colour])
                    for uv in uvs:
                        mo.textureCoord(*[float(v) for v in uv])
                for index in geo.get("indices", []):
                    mo.index(int(index))
                mo.end()
            node = root_node.createChildSceneNode()
            node.setPosition(*[float(v) for v in spec.get("position", [0.0, 0.0, 0.0])])
            node.setOrientation(Ogre.Quaternion(*[float(v) for v in spec.get("orientation", [1.0, 0.0, 0.0, 0.0])]))
            node.setScale(*[float(v) for v in spec.get("scale", [1.0, 1.0, 1.0])])
            node.attachObject(mo)

        cams = {}
        for key, spec in scene["cameras"].items():
            cam = scn.createCamera(key)
            cam.setNearClipDistance(float(spec.get("near", 0.1)))
            cam.setFarClipDistance(float(spec.get("far", 100.0)))
            cam.setFOVy(Ogre.Radian(math.radians(float(spec.get("fov_y", 45.0)))))
            cam.setAutoAspectRatio(True)
            if spec.get("projection", "perspective") == "orthographic":
                cam.setProjectionType(Ogre.PT_ORTHOGRAPHIC)
                cam.setOrthoWindowHeight(float(spec["ortho_height"]))
            node = root_node.createChildSceneNode()
            node.attachObject(cam)
            node.setPosition(*[float(v) for v in spec["position"]])
            # Cameras stay level: a fixed yaw axis, which the Kiln side sets too.
            node.setFixedYawAxis(True)
            node.lookAt(Ogre.Vector3(*[float(v) for v in spec["look_at"]]), Ogre.Node.TS_WORLD)
            cams[key] = cam

        rt_name = "rt_" + tag
        names["rt"].append(rt_name)
        rtt = texmgr.createManual(
            rt_name, "General", Ogre.TEX_TYPE_2D, width, height, 1, 0, Ogre.PF_BYTE_RGB, Ogre.TU_RENDERTARGET,
            None, False, int(scene.get("fsaa", 0))
        )
        target = rtt.getBuffer().getRenderTarget()
        target.setAutoUpdated(False)
        for spec in scene["viewports"]:
            left, top, w, h = [float(v) for v in spec["rect"]]
            vp = target.addViewport(cams[spec["camera"]], int(spec["z_order"]), left, top, w, h)
            vp.setBackgroundColour(_colour(Ogre, spec["bg"]))
            buffers = 0
            for b in spec["clear"]:
                buffers |= _enum(Ogre, "FBT_", b)
            vp.setClearEveryFrame(True, buffers)
        target.update()

        out_mem = Ogre.MemoryDataStream(width * height * 3)
        pb = Ogre.PixelBox(width, height, 1, Ogre.PF_BYTE_RGB, out_mem.getPtr())
        target.copyContentsToMemory(pb, pb)
        out = self.Numpy.view(pb).copy()
        target.removeAllViewports()
        return out


# ---------------------------------------------------------------- files


def scene_record(scene):
    """The scene as written to its JSON file, texture fingerprints included."""
    record = {key: scene[key] for key in SCENE_KEYS if key in scene}
    if "textures" in record:
        record["textures"] = {
            key: dict(spec, sha256=textures.texels_sha256(textures.make_texture(spec)))
            for key, spec in record["textures"].items()
        }
    return record


def to_json(record):
    """One top-level key per line, like make_golden.to_json, but lists of scene parts one
    item per line so the files stay readable and diff well."""
    lines = []
    for key, value in record.items():
        if isinstance(value, list) and value and isinstance(value[0], dict):
            items = ",\n".join(f"    {json.dumps(v)}" for v in value)
            lines.append(f"  {json.dumps(key)}: [\n{items}\n  ]")
        elif isinstance(value, dict) and value:
            items = ",\n".join(f"    {json.dumps(k)}: {json.dumps(v)}" for k, v in value.items())
            lines.append(f"  {json.dumps(key)}: {{\n{items}\n  }}")
        else:
            lines.append(f"  {json.dumps(key)}: {json.dumps(value)}")
    return "{\n" + ",\n".join(lines) + "\n}\n"


def main(argv=None):
    parser, scenes, out_dir = make_golden.parse_arguments(argv, __doc__.split("\n\n")[0], SCENES, OUT_DIR)
    if scenes is None:
        return 0
    for s in scenes:
        if s["tolerance"] not in TOLERANCES:
            parser.error(f"{s['name']}: tolerance {s['tolerance']!r} is not one of {sorted(TOLERANCES)}")
        width, height = s["size"]
        if width > 320 or height > 240:
            parser.error(f"{s['name']}: {width}x{height} is larger than 320x240")
    out_dir.mkdir(parents=True, exist_ok=True)

    errors = []
    with make_golden.ogre_session("kiln-golden3d-ogre-", Renderer3D, errors) as renderer:
        for s in scenes:
            # Round trip through JSON first: OGRE draws exactly what the file says.
            record = json.loads(to_json(scene_record(s)))
            out = renderer.render(record)
            colours = np.unique(out.reshape(-1, 3), axis=0)
            note = f"{len(colours)} colours"
            if len(colours) < 2:
                errors.append(f"{s['name']}: the render is one flat colour {colours[0].tolist()}")
                note += "  BLANK"
            pngio.write_png(out_dir / (s["name"] + ".png"), out)
            (out_dir / (s["name"] + ".json")).write_text(to_json(record))
            print(f"{s['name']:28s} {s['size'][0]}x{s['size'][1]}  {note}", flush=True)

    for problem in errors:
        print("error: " + problem, file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
