"""Texel generators shared by the golden-image generator and the Kiln test.

Both sides build their texture from a scene's JSON ``texture`` entry through
:func:`make_texture`, so the reference engine and Kiln sample exactly the same
texels. Only NumPy is used, and only integer arithmetic whose result does not
depend on the NumPy version (no ``numpy.random``), because the goldens are made
with Debian's NumPy and tested with the project's.

Every generator returns a C-contiguous ``(height, width, 3)`` uint8 array,
row 0 at the top, in RGB order, except the RGBA kinds (RGBA_KINDS), which return
``(height, width, 4)`` in RGBA order.
"""

import hashlib

import numpy as np

KINDS = ("gradient", "checker", "noise", "rgb", "rings")
# Kinds with an alpha channel: upload them as PF_BYTE_RGBA.
RGBA_KINDS = ("rings",)


def gradient(width, height):
    """The seed tutorial's texture: black with green equal to the column index."""
    arr = np.zeros((height, width, 3), dtype=np.uint8)
    arr[:, :, 1] = (np.arange(width) % 256).astype(np.uint8)[np.newaxis, :]
    return arr


def checker(width, height):
    """An 8x8 board of flat squares, each with its own colour.

    Red grows with the square's column, green with its row and blue runs through
    all 64 squares, so any two squares differ and neighbours differ by at least
    32 in red or green.
    """
    if width % 8 or height % 8:
        raise ValueError(f"checker: {width}x{height} is not divisible into 8x8 squares")
    col = np.arange(width) // (width // 8)
    row = np.arange(height) // (height // 8)
    c, r = np.meshgrid(col, row)
    arr = np.empty((height, width, 3), dtype=np.uint8)
    arr[:, :, 0] = 16 + 32 * c
    arr[:, :, 1] = 16 + 32 * r
    arr[:, :, 2] = 255 - 4 * (8 * r + c)
    return arr


def _splitmix64(x):
    # A fixed integer hash: unlike numpy.random its output can never change
    # between NumPy releases. uint64 arithmetic on arrays wraps silently.
    x = x + np.uint64(0x9E3779B97F4A7C15)
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def noise(width, height, seed):
    """Uniform random RGB texels, a pure function of (seed, row, column, channel)."""
    index = np.arange(height * width * 3, dtype=np.uint64)
    keyed = index + np.uint64(seed) * np.uint64(0x100000000)
    return (_splitmix64(keyed) >> np.uint64(56)).astype(np.uint8).reshape(height, width, 3)


def rgb(width, height):
    """Smooth ramps in all three channels: red across, green down, blue falling diagonally."""
    x = np.arange(width) * 255 // max(width - 1, 1)
    y = np.arange(height) * 255 // max(height - 1, 1)
    xx, yy = np.meshgrid(x, y)
    arr = np.empty((height, width, 3), dtype=np.uint8)
    arr[:, :, 0] = xx
    arr[:, :, 1] = yy
    arr[:, :, 2] = 255 - (xx + yy) // 2
    return arr


def rings(width, height):
    """The checker's colours under concentric rings of alpha, opaque and clear in turn.

    Alpha is 255 where the distance of the texel centre from the texture's centre,
    in eighths of the width, has an even integer part, and 0 where it is odd:
    hard edges, so alpha rejection and blending draw sharp rings. The middle disc
    is opaque and the corners, beyond four eighths, alternate too.
    """
    arr = np.empty((height, width, 4), dtype=np.uint8)
    arr[:, :, :3] = checker(width, height)
    # Integer arithmetic only: squared distances in units of 1/2 texel, compared with
    # squared ring radii, so the pattern cannot depend on floating-point rounding.
    x = 2 * np.arange(width, dtype=np.int64) + 1 - width
    y = 2 * np.arange(height, dtype=np.int64) + 1 - height
    d2 = x[np.newaxis, :] ** 2 + y[:, np.newaxis] ** 2
    ring = np.zeros(d2.shape, dtype=np.int64)
    for k in range(1, 16):
        # radius k eighths of the width = k * width / 8 texels = k * width / 4 half texels
        ring += (16 * d2 >= (k * width) ** 2).astype(np.int64)
    arr[:, :, 3] = np.where(ring % 2 == 0, 255, 0).astype(np.uint8)
    return arr


def make_texture(spec):
    """Build the texels described by a scene's ``texture`` entry.

    ``spec`` is a mapping with ``kind`` (one of KINDS), ``width``, ``height`` and
    ``seed`` (used by ``noise`` only).
    """
    kind = spec["kind"]
    width = int(spec["width"])
    height = int(spec["height"])
    if width <= 0 or height <= 0:
        raise ValueError(f"texture size must be positive, got {width}x{height}")
    if kind == "gradient":
        arr = gradient(width, height)
    elif kind == "checker":
        arr = checker(width, height)
    elif kind == "noise":
        arr = noise(width, height, int(spec.get("seed", 0)))
    elif kind == "rgb":
        arr = rgb(width, height)
    elif kind == "rings":
        arr = rings(width, height)
    else:
        raise ValueError(f"unknown texture kind {kind!r}; expected one of {KINDS}")
    return np.ascontiguousarray(arr)


def texels_sha256(arr):
    """Fingerprint of the texels, stored in the JSON to catch a generator that drifted."""
    return hashlib.sha256(np.ascontiguousarray(arr, dtype=np.uint8).tobytes()).hexdigest()
