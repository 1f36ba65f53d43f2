"""Every instruction set and every thread count draws the same bytes.

The CPU rasterizer shades with per-pixel scalar code or with span kernels of SSE2
or AVX2 (kiln.Root(simd=...), or the KILN_SIMD environment variable for a whole
run). The kernels repeat the scalar code's arithmetic operation for operation, so
every golden scene, 2D and 3D, must come out byte for byte the same whichever path
and however many threads draw it. The reference here is the scalar path on one
thread; the goldens themselves are compared at their tolerance by test_golden*.py."""

import os

import numpy as np
import pytest

import kiln
import kiln_scenes
import kiln_scenes_3d

SIMD = [kiln.SIMD_SCALAR, kiln.SIMD_SSE2, kiln.SIMD_AVX2]
NAMES = {kiln.SIMD_SCALAR: "scalar", kiln.SIMD_SSE2: "sse2", kiln.SIMD_AVX2: "avx2"}

SCENES = [(kiln_scenes, p) for p in kiln_scenes.golden_scene_files()] + [
    (kiln_scenes_3d, p) for p in kiln_scenes_3d.golden_scene_files()
]


def available():
    """The instruction sets this processor runs (a request is lowered to these)."""
    return sorted({kiln.Root(num_threads=1, simd=s).simd for s in SIMD})


def test_a_request_is_lowered_to_what_the_processor_has():
    sets = available()
    assert kiln.SIMD_SCALAR in sets and kiln.SIMD_SSE2 in sets  # SSE2 is x86-64's baseline
    for simd in SIMD:
        assert kiln.Root(simd=simd).simd == max(s for s in sets if s <= simd)
    # Automatic: the environment's choice, or the best there is.
    wanted = {"scalar": kiln.SIMD_SCALAR, "sse2": kiln.SIMD_SSE2}.get(os.environ.get("KILN_SIMD"), max(sets))
    assert kiln.Root().simd == min(wanted, max(sets))
    with pytest.raises(kiln.InvalidArgumentError, match="simd"):
        kiln.Root(simd=7)


@pytest.mark.parametrize("module, path", SCENES, ids=[p.stem for _, p in SCENES])
def test_every_path_draws_the_same_bytes(module, path):
    scene = module.load_scene(path)
    reference = module.render_scene(scene, num_threads=1, simd=kiln.SIMD_SCALAR)
    for simd in available():
        for threads in (1, 2, 3):
            if simd == kiln.SIMD_SCALAR and threads == 1:
                continue
            actual = module.render_scene(scene, num_threads=threads, simd=simd)
            diff = np.argwhere((actual != reference).any(axis=2))
            assert not len(diff), (
                f"{path.stem}: {NAMES[simd]} on {threads} threads differs from scalar on one "
                f"thread in {len(diff)} pixels, first at (row, column) {tuple(diff[0])}: "
                f"{tuple(actual[tuple(diff[0])])} != {tuple(reference[tuple(diff[0])])}"
            )
