"""Kiln's 3D renders against the original engine's, scene by scene.

Goldens: tests/golden/3d/<name>.png with the scene in <name>.json (format in
tests/golden/3d/README.md), rendered by OGRE 1.12.10 (Debian's python3-ogre-1.12, the
"OpenGL 3+ Rendering Subsystem" with its run-time shader system, on Mesa llvmpipe under
Xvfb). Each scene shows one feature: depth testing, culling, perspective texturing,
orthographic projection, directional/point/spot lights per vertex and per pixel,
specular, emissive and ambient light, vertex colour tracking, scene blending, alpha
rejection, two texture units, texture transforms, lines and points, several
viewports, depth write/check/function, near-plane clipping, and anti-aliasing (eleven
of those scenes again with FSAA 4, fsaa4_*). Regenerate them from the
repository root with Debian's Python:

    /usr/bin/python3 tests/golden/make_golden_3d.py

Tolerances (the issue's), named by each scene file's "tolerance" key:
- "flat", untextured unlit scenes (depth-tested flat-coloured triangles, culling,
  blending of vertex colours, lines and points, viewports, depth state, clipping):
  mean absolute difference over all pixels and channels <= 1.0, and at least 99.5%
  of pixels within 3 in every channel;
- "shaded", textured perspective scenes and lit scenes: mean absolute difference
  <= 4, and at least 95% of pixels within 16 in every channel.
A failure saves Kiln's render, the golden and 8x their difference in a temporary
folder and names it in the message.
"""

import pytest

import kiln_scenes_3d as ks

GOLDEN_FILES = ks.golden_scene_files()
IDS = [p.stem for p in GOLDEN_FILES]


def test_goldens_exist():
    assert GOLDEN_FILES, f"no 3D golden scenes (*.json) in {ks.GOLDEN_3D_DIR}"
    for path in GOLDEN_FILES:
        assert path.with_suffix(".png").exists(), f"{path} has no image {path.with_suffix('.png').name} beside it"


@pytest.mark.parametrize("scene_file", GOLDEN_FILES, ids=IDS)
def test_scene_file_is_consistent(scene_file):
    """The file's geometry and textures rebuild (no Kiln needed): a broken shared
    generator shows here rather than as a mysterious render difference."""
    scene = ks.load_scene(scene_file)
    ks.scene_texels(scene)
    materials = scene.get("materials", {})
    for obj in scene["objects"]:
        for section in obj["sections"]:
            assert section["material"] in materials, f"{obj['name']}: unknown material {section['material']!r}"
            ks.shapes3d.build(section["geometry"])
    for vp in scene["viewports"]:
        assert vp["camera"] in scene["cameras"], f"viewport names unknown camera {vp['camera']!r}"


@pytest.mark.parametrize("scene_file", GOLDEN_FILES, ids=IDS)
def test_golden_3d(scene_file):
    scene = ks.load_scene(scene_file)
    expected = ks.pngio.read_png(scene_file.with_suffix(".png"))
    actual = ks.render_scene(scene)
    assert actual.shape == expected.shape, (
        f"{scene['name']}: Kiln rendered {actual.shape}, {scene_file.with_suffix('.png')} is {expected.shape}"
    )
    result = ks.compare(actual, expected, scene["tolerance"])
    if not result.ok:
        folder = ks.write_failure_images(scene["name"], actual, expected)
        pytest.fail(
            f"{scene['name']}: {result}; Kiln's render, the golden and 8x their difference are in {folder}",
            pytrace=False,
        )
