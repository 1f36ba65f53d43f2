"""Read and write 8-bit RGB PNG files with zlib and NumPy only.

The golden generator runs under Debian's Python, which has neither Pillow nor
matplotlib, and the Kiln test should not need them either, so both use this.
Reading supports every PNG row filter (the reference images use Sub, Up and
Paeth) but only non-interlaced 8-bit RGB, which is all the goldens contain.
"""

import struct
import zlib

import numpy as np

_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _chunk(tag, data):
    body = tag + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def write_png(path, arr):
    """Write a ``(height, width, 3)`` uint8 array as an RGB PNG.

    Each row is stored with whichever of the None, Sub and Up filters makes its
    bytes smallest in magnitude, the usual heuristic for compact files.
    """
    arr = np.ascontiguousarray(arr)
    if arr.dtype != np.uint8 or arr.ndim != 3 or arr.shape[2] != 3:
        raise ValueError(f"write_png needs a (h, w, 3) uint8 array, got {arr.shape} {arr.dtype}")
    height, width, _ = arr.shape
    rows = arr.reshape(height, width * 3).astype(np.int16)
    up = np.vstack([np.zeros((1, width * 3), np.int16), rows[:-1]])
    left = np.hstack([np.zeros((height, 3), np.int16), rows[:, :-3]])
    candidates = [rows, rows - left, rows - up]
    out = bytearray()
    for y in range(height):
        filtered = [(c[y] & 0xFF).astype(np.uint8) for c in candidates]
        cost = [np.abs(f.astype(np.int8).astype(np.int32)).sum() for f in filtered]
        best = int(np.argmin(cost))
        out.append(best)
        out += filtered[best].tobytes()
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    with open(path, "wb") as f:
        f.write(_SIGNATURE)
        f.write(_chunk(b"IHDR", header))
        f.write(_chunk(b"IDAT", zlib.compress(bytes(out), 9)))
        f.write(_chunk(b"IEND", b""))


def _unfilter_slow(kind, line, prior, bpp):
    # Average and Paeth depend on the byte just reconstructed, so they go byte by byte.
    out = bytearray(line)
    for i in range(len(out)):
        a = out[i - bpp] if i >= bpp else 0
        b = prior[i]
        if kind == 3:
            out[i] = (out[i] + ((a + b) >> 1)) & 0xFF
        else:
            c = prior[i - bpp] if i >= bpp else 0
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
            out[i] = (out[i] + pred) & 0xFF
    return np.frombuffer(bytes(out), dtype=np.uint8)


def read_png(path):
    """Read an 8-bit RGB, non-interlaced PNG into a ``(height, width, 3)`` uint8 array."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != _SIGNATURE:
        raise ValueError(f"{path}: not a PNG file")
    pos = 8
    idat = bytearray()
    header = None
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        tag = data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if tag == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif tag == b"IDAT":
            idat += body
        elif tag == b"IEND":
            break
    if header is None:
        raise ValueError(f"{path}: no IHDR chunk")
    width, height, depth, colour, _, _, interlace = header
    if depth != 8 or colour != 2 or interlace != 0:
        raise ValueError(
            f"{path}: only 8-bit non-interlaced RGB is supported "
            f"(bit depth {depth}, colour type {colour}, interlace {interlace})"
        )
    bpp = 3
    stride = width * bpp
    raw = np.frombuffer(zlib.decompress(bytes(idat)), dtype=np.uint8)
    if raw.size != height * (stride + 1):
        raise ValueError(f"{path}: image data holds {raw.size} bytes, expected {height * (stride + 1)}")
    raw = raw.reshape(height, stride + 1)
    img = np.zeros((height, stride), dtype=np.uint8)
    prior = np.zeros(stride, dtype=np.uint8)
    for y in range(height):
        kind = int(raw[y, 0])
        line = raw[y, 1:]
        if kind == 0:
            row = line.copy()
        elif kind == 1:
            # Sub: a running sum along the row, per channel, modulo 256.
            sums = np.cumsum(line.reshape(width, bpp).astype(np.int64), axis=0)
            row = (sums & 0xFF).astype(np.uint8).reshape(stride)
        elif kind == 2:
            row = (line.astype(np.uint16) + prior).astype(np.uint8)
        elif kind in (3, 4):
            row = _unfilter_slow(kind, line.tobytes(), prior.tobytes(), bpp)
        else:
            raise ValueError(f"{path}: row {y} has unknown filter type {kind}")
        img[y] = row
        prior = row
    return img.reshape(height, width, 3)
