"""Write the PNG seeds of tests/fuzz/corpus/png/ that no file on a Debian system
provides in a small size: 16-bit samples, bit depths below 8, Adam7 interlacing,
transparency chunks, and a file with ancillary chunks, a split IDAT and bytes after
IEND. Python's zlib and struct only; the pixels are a fixed pattern, so a run always
writes the same bytes.

Usage: python3 tests/fuzz/make_png_seeds.py [output directory]
"""

import os
import struct
import sys
import zlib

SIGNATURE = b"\x89PNG\r\n\x1a\n"
GREY, RGB, PALETTE, GREY_ALPHA, RGBA = 0, 2, 3, 4, 6
CHANNELS = {GREY: 1, RGB: 3, PALETTE: 1, GREY_ALPHA: 2, RGBA: 4}
# Adam7: (x start, y start, x step, y step) of each pass.
ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2),
         (0, 1, 1, 2)]


def chunk(tag, data):
    body = tag + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))


def sample(x, y, c, depth):
    return (x * 37 + y * 91 + c * 53 + x * y) % (1 << depth)


def row_bytes(pixels, depth):
    """One row of samples (a list of per-pixel tuples) in PNG order."""
    samples = [s for p in pixels for s in p]
    if depth == 16:
        return b"".join(struct.pack(">H", s) for s in samples)
    if depth == 8:
        return bytes(samples)
    out, bits, acc = bytearray(), 0, 0
    for s in samples:
        acc = (acc << depth) | s
        bits += depth
        if bits == 8:
            out.append(acc)
            bits, acc = 0, 0
    if bits:
        out.append(acc << (8 - bits))
    return bytes(out)


def image_data(width, height, colour, depth, interlaced):
    channels = CHANNELS[colour]
    limit = depth if colour != PALETTE else min(depth, 3)  # palette indices 0..7

    def pixel(x, y):
        return tuple(sample(x, y, c, limit) for c in range(channels))

    raw = bytearray()
    passes = ADAM7 if interlaced else [(0, 0, 1, 1)]
    for x0, y0, dx, dy in passes:
        xs = range(x0, width, dx)
        if not xs:
            continue
        for y in range(y0, height, dy):
            raw += b"\x00" + row_bytes([pixel(x, y) for x in xs], depth)
    return zlib.compress(bytes(raw), 9)


def png(width, height, colour, depth, interlaced=False, extra=(), split_idat=False, tail=b""):
    ihdr = struct.pack(">IIBBBBB", width, height, depth, colour, 0, 0, 1 if interlaced else 0)
    out = SIGNATURE + chunk(b"IHDR", ihdr)
    for tag, data in extra:
        out += chunk(tag, data)
    idat = image_data(width, height, colour, depth, interlaced)
    if split_idat:
        half = len(idat) // 2
        out += chunk(b"IDAT", idat[:half]) + chunk(b"IDAT", idat[half:])
    else:
        out += chunk(b"IDAT", idat)
    return out + chunk(b"IEND", b"") + tail


PALETTE_RGB = bytes(range(0, 24))
SEEDS = {
    "gen-grey1.png": png(9, 5, GREY, 1),
    "gen-grey2-interlaced.png": png(10, 9, GREY, 2, interlaced=True),
    "gen-grey16.png": png(7, 4, GREY, 16),
    "gen-grey16-trns.png": png(5, 4, GREY, 16, extra=[(b"tRNS", struct.pack(">H", 91))]),
    "gen-grey8-trns.png": png(6, 3, GREY, 8, extra=[(b"tRNS", struct.pack(">H", 37))]),
    "gen-greyalpha16.png": png(5, 3, GREY_ALPHA, 16),
    "gen-rgb16.png": png(6, 3, RGB, 16),
    "gen-rgb16-trns.png": png(4, 3, RGB, 16, extra=[(b"tRNS", struct.pack(">HHH", 0, 91, 182))]),
    "gen-rgb8-trns.png": png(4, 4, RGB, 8, extra=[(b"tRNS", struct.pack(">HHH", 0, 91, 182))]),
    "gen-rgba16.png": png(4, 4, RGBA, 16),
    "gen-rgb8-interlaced.png": png(11, 9, RGB, 8, interlaced=True),
    "gen-rgba16-interlaced.png": png(9, 10, RGBA, 16, interlaced=True),
    "gen-palette4-trns.png": png(8, 8, PALETTE, 4,
                                 extra=[(b"PLTE", PALETTE_RGB), (b"tRNS", bytes([0, 128, 255]))]),
    "gen-rgb8-chunks-tail.png": png(7, 6, RGB, 8, split_idat=True, tail=b"trailing bytes",
                                    extra=[(b"gAMA", struct.pack(">I", 45455)),
                                           (b"tEXt", b"Comment\x00seed"),
                                           (b"pHYs", struct.pack(">IIB", 2835, 2835, 1))]),
}


def main():
    directory = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "corpus", "png")
    os.makedirs(directory, exist_ok=True)
    for name, data in SEEDS.items():
        with open(os.path.join(directory, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
