"""Kiln's renders against the original engine's, scene by scene.

Goldens: tests/golden/<name>.png with the scene's parameters in <name>.json, rendered
by OGRE 1.12.10 (Debian's python3-ogre-1.12, GL3+ render system on Mesa llvmpipe under
Xvfb) from the seed tutorial's scene with one thing changed each: target size,
rectangle corners, texture, background colour, texture filtering, addressing mode.
Regenerate them from the repository root with Debian's Python:

    /usr/bin/python3 tests/golden/make_golden.py

The tutorial's own scene is also compared with the original engine's renders that the
project started from, tests/golden/reference/seed_*.png.

Tolerance (the issue's): mean absolute difference over all pixels and channels
<= 1.0, and at least 99.5% of pixels within 3 in every channel. A failure saves
Kiln's render, the golden and an amplified difference in a temporary folder and
names it in the message.
"""

from pathlib import Path

import pytest

import kiln_scenes
from conftest import REFERENCE_DIR

# The original engine's renders the project started from; listed, not globbed, so that a missing
# folder fails instead of quietly collecting nothing.
REFERENCE_NAMES = ["seed_1280x1024", "seed_640x480"]

GOLDEN_FILES = kiln_scenes.golden_scene_files()


def check_scene(scene, expected_png):
    expected = kiln_scenes.pngio.read_png(expected_png)
    actual = kiln_scenes.render_scene(scene)
    assert actual.shape == expected.shape, (
        f"{scene['name']}: Kiln rendered {actual.shape}, {expected_png} is {expected.shape}"
    )
    result = kiln_scenes.compare(actual, expected)
    if not result.ok:
        folder = kiln_scenes.write_failure_images(scene["name"], actual, expected)
        pytest.fail(
            f"{scene['name']}: {result}; Kiln's render, the golden and 8x their difference are in {folder}",
            pytrace=False,
        )


def test_goldens_exist():
    assert GOLDEN_FILES, f"no golden scenes (*.json) in {kiln_scenes.GOLDEN_DIR}"
    for path in GOLDEN_FILES:
        assert path.with_suffix(".png").exists(), f"{path} has no image {path.with_suffix('.png').name} beside it"


@pytest.mark.parametrize("scene_file", GOLDEN_FILES, ids=[p.stem for p in GOLDEN_FILES])
def test_golden(scene_file):
    scene = kiln_scenes.load_scene(scene_file)
    check_scene(scene, scene_file.with_suffix(".png"))


@pytest.mark.parametrize("name", REFERENCE_NAMES)
def test_reference(name):
    folder = Path(REFERENCE_DIR)
    png = folder / f"{name}.png"
    scene_file = folder / f"{name}.json"
    if not png.exists() or not scene_file.exists():
        pytest.fail(
            f"reference render {name} (.png and .json) not found in {folder}",
            pytrace=False,
        )
    check_scene(kiln_scenes.load_scene(scene_file), png)
