/* PixelBox extents and pitches: boxes of input-chosen sizes, formats, byte offsets,
 * pitches and sub-volumes, over storage of input-chosen size (memory of a stream's
 * own, or wrapped memory, writable or read-only).
 *
 * A box must be accepted exactly when its pixels fit the storage without sharing
 * memory. For every accepted box each byte it claims is written and read, through the
 * addresses its getters give, so that AddressSanitizer stops at any extent the library
 * gets wrong; its data pointer, consecutive size and consecutiveness are checked
 * against the same arithmetic. Conversions between accepted boxes are checked row by
 * row against kiln_pixel_convert_pixels. */
#define FUZZ_TARGET "fuzz_pixelbox"
#include "fuzz_input.h"

#include <kiln/kiln.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_STORAGE ((size_t)1 << 16)
/* kiln_pixelbox_create without storage allocates what the box needs: no more than this. */
#define MAX_OWN_BYTES ((size_t)16 << 20)

/* Mostly small numbers, sometimes up to 16, 32 or 64 bits. */
static uint64_t take_number(input *in) {
    uint8_t s = take_u8(in);
    if (s < 0xC0)
        return s & 0x3F;
    if (s < 0xE0)
        return take_bytes(in, 2);
    if (s < 0xF8)
        return take_bytes(in, 4);
    return take_bytes(in, 8);
}

static uint32_t take_u32(input *in) { return (uint32_t)take_number(in); }

static kiln_pixel_format valid_formats[256];
static size_t num_valid_formats;

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
    for (int f = 0; f < 256; f++)
        if (kiln_pixel_format_is_valid((kiln_pixel_format)f))
            valid_formats[num_valid_formats++] = (kiln_pixel_format)f;
    return 0;
}

/* Mostly a valid format; a selector from 0xF8 gives the raw number of the next byte. */
static kiln_pixel_format take_format(input *in) {
    uint8_t s = take_u8(in);
    if (s >= 0xF8)
        return (kiln_pixel_format)take_u8(in);
    return valid_formats[s % num_valid_formats];
}

/* The storage of a box: a stream with memory of its own, or one wrapping malloc'd
 * memory (whose end AddressSanitizer knows exactly). */
static void release_buffer(void *p) { free(p); }

static kiln_stream *take_storage(input *in) {
    uint8_t kind = take_u8(in);
    size_t size = take_number(in) % (MAX_STORAGE + 1);
    kiln_stream *s = NULL;
    if (kind & 1) {
        check(kiln_stream_create_memory(size, &s) == KILN_OK, "creating a memory stream failed");
    } else {
        uint8_t *p = malloc(size ? size : 1);
        check(p != NULL, "out of memory in the fuzzer");
        memset(p, 0, size);
        check(kiln_stream_wrap_memory(p, size, (kind & 2) != 0, release_buffer, p, &s) == KILN_OK,
              "wrapping memory failed");
    }
    return s;
}

/* a * b + c without overflow, or false. */
static bool mul_add(size_t a, size_t b, size_t c, size_t *out) {
    size_t m;
    return !__builtin_mul_overflow(a, b, &m) && !__builtin_add_overflow(m, c, out);
}

/* Byte offset in the storage of pixel (x, y, z) of a box, or false on overflow. */
static bool pixel_offset(const kiln_pixelbox *box, size_t x, size_t y, size_t z, size_t *out) {
    size_t bpp = kiln_pixel_format_get_num_elem_bytes(kiln_pixelbox_get_format(box));
    size_t i;
    return mul_add(z, kiln_pixelbox_get_slice_pitch(box), 0, &i) &&
           mul_add(y, kiln_pixelbox_get_row_pitch(box), i, &i) &&
           !__builtin_add_overflow(i, x, &i) && mul_add(i, bpp, kiln_pixelbox_get_offset(box), out);
}

/* Where the bytes read from boxes go, so that the reads are made. */
static volatile unsigned read_sink;

/* Reads and writes every byte the box claims; checks the getters against them. */
static void touch(const kiln_pixelbox *box, uint8_t seed) {
    kiln_stream *storage = kiln_pixelbox_get_storage(box);
    uint8_t *base = kiln_stream_get_pointer(storage);
    size_t size = kiln_stream_get_size(storage);
    kiln_box e = kiln_pixelbox_get_extent(box);
    check(e.left <= e.right && e.top <= e.bottom && e.front <= e.back,
          "an accepted box is inverted");
    uint32_t w = e.right - e.left, h = e.bottom - e.top, d = e.back - e.front;
    check(kiln_pixelbox_get_width(box) == w && kiln_pixelbox_get_height(box) == h &&
              kiln_pixelbox_get_depth(box) == d,
          "a box's size is not that of its extent");
    size_t bpp = kiln_pixel_format_get_num_elem_bytes(kiln_pixelbox_get_format(box));
    check(bpp > 0, "an accepted box has an invalid format");
    check(kiln_pixelbox_get_offset(box) <= size, "an accepted box starts past its storage");
    if (w == 0 || h == 0 || d == 0) {
        check(kiln_pixelbox_get_data(box) == NULL && kiln_pixelbox_get_consecutive_size(box) == 0,
              "an empty box has data");
        return;
    }
    size_t first = 0, last = 0;
    check(pixel_offset(box, e.left, e.top, e.front, &first) &&
              pixel_offset(box, e.right - 1u, e.bottom - 1u, e.back - 1u, &last),
          "an accepted box has pixels past the end of memory");
    check(last + bpp <= size, "an accepted box has pixels past the end of its storage");
    check(kiln_pixelbox_get_data(box) == base + first, "a box's data is not its first pixel");
    size_t span = last + bpp - first;
    check(kiln_pixelbox_get_consecutive_size(box) == span,
          "a box's consecutive size is not the span of its pixels");
    check(kiln_pixelbox_get_is_consecutive(box) == (span == (size_t)w * h * d * bpp),
          "a box's consecutiveness does not match its span");

    size_t row_bytes = (size_t)w * bpp, claimed = 0;
    unsigned sum = 0;
    for (uint32_t z = e.front; z < e.back; z++)
        for (uint32_t y = e.top; y < e.bottom; y++) {
            size_t start;
            check(pixel_offset(box, e.left, y, z, &start) && start + row_bytes <= size,
                  "a row of an accepted box lies outside its storage");
            uint8_t *row = base + start;
            for (size_t i = 0; i < row_bytes; i++) {
                sum += row[i];
                row[i] = (uint8_t)(seed + i * 13u + y * 7u + z * 3u);
            }
            claimed += row_bytes;
            check(claimed <= size, "the rows of an accepted box share memory");
        }
    read_sink = sum;
}

/* Whether the library must accept create_over with these arguments: 1 yes, 0 no, -1
 * when the arithmetic leaves the box's fate to the library (an empty box whose default
 * pitches overflow). */
static int expected_over(const kiln_box *e, kiln_pixel_format format, size_t storage_size,
                         size_t offset, size_t row_pitch, size_t slice_pitch) {
    size_t bpp = kiln_pixel_format_get_num_elem_bytes(format);
    if (bpp == 0 || e->left > e->right || e->top > e->bottom || e->front > e->back)
        return 0;
    if (offset > storage_size)
        return 0;
    size_t w = e->right - e->left, h = e->bottom - e->top, d = e->back - e->front;
    bool empty = w == 0 || h == 0 || d == 0;
    size_t rp = row_pitch ? row_pitch : w, sp = slice_pitch;
    if (sp == 0 && __builtin_mul_overflow(rp, h, &sp))
        return empty ? -1 : 0;
    if (h > 1 && rp < w)
        return 0;
    if (empty)
        return 1;
    size_t slice_span;
    if (d > 1 && !(mul_add(h - 1, rp, w, &slice_span) && sp >= slice_span))
        return 0;
    size_t last;
    if (!mul_add(e->back - 1u, sp, 0, &last) || !mul_add(e->bottom - 1u, rp, last, &last) ||
        __builtin_add_overflow(last, (size_t)e->right, &last) || !mul_add(last, bpp, 0, &last) ||
        __builtin_add_overflow(last, offset, &last))
        return 0;
    return last <= storage_size;
}

/* A number from lo to hi (both included); lo when hi < lo. */
static uint32_t take_between(input *in, uint32_t lo, uint32_t hi) {
    if (hi <= lo)
        return lo;
    return lo + (uint32_t)(take_number(in) % ((uint64_t)hi - lo + 1));
}

static kiln_box take_box(input *in, const kiln_box *near) {
    kiln_box b;
    uint8_t mode = take_u8(in);
    if (near && (mode & 3) != 0) {
        /* Inside near, most of the time. */
        b.left = take_between(in, near->left, near->right);
        b.right = take_between(in, b.left, near->right);
        b.top = take_between(in, near->top, near->bottom);
        b.bottom = take_between(in, b.top, near->bottom);
        b.front = take_between(in, near->front, near->back);
        b.back = take_between(in, b.front, near->back);
        if ((mode & 3) == 3) {
            /* Nudged by one: possibly outside or inverted. */
            uint32_t *c[6] = {&b.left, &b.top, &b.front, &b.right, &b.bottom, &b.back};
            uint32_t *which = c[(mode >> 2) % 6];
            *which += (mode & 0x80) ? 1u : (uint32_t)-1;
        }
        return b;
    }
    b.left = take_u32(in);
    b.top = take_u32(in);
    b.front = take_u32(in);
    b.right = b.left + take_u32(in);
    b.bottom = b.top + take_u32(in);
    b.back = b.front + take_u32(in);
    if (mode & 4)
        b.right = take_u32(in); /* anything, inverted included */
    return b;
}

static bool inside(const kiln_box *b, const kiln_box *e) {
    return b->left <= b->right && b->top <= b->bottom && b->front <= b->back &&
           b->left >= e->left && b->top >= e->top && b->front >= e->front && b->right <= e->right &&
           b->bottom <= e->bottom && b->back <= e->back;
}

/* A first box, from kiln_pixelbox_create or kiln_pixelbox_create_over. */
static kiln_pixelbox *take_first_box(input *in, kiln_stream *storage) {
    kiln_pixelbox *box = (kiln_pixelbox *)&box; /* must become NULL on failure */
    kiln_pixel_format format = take_format(in);
    size_t storage_size = kiln_stream_get_size(storage);
    kiln_result r;
    if (take_u8(in) & 1) {
        uint32_t w = take_u32(in), h = take_u32(in), d = take_u32(in);
        bool use_storage = take_u8(in) & 1;
        size_t needed = 0;
        bool fits = kiln_pixel_format_get_memory_size(w, h, d, format, &needed) == KILN_OK;
        if (!use_storage && fits && needed > MAX_OWN_BYTES)
            return NULL;
        r = kiln_pixelbox_create(w, h, d, format, use_storage ? storage : NULL, &box);
        bool expected = fits && (!use_storage || needed <= storage_size);
        check((r == KILN_OK) == expected, "kiln_pixelbox_create accepted a box it should not "
                                          "have, or refused one it should have accepted");
        if (r == KILN_OK) {
            kiln_box e = kiln_pixelbox_get_extent(box);
            check(e.left == 0 && e.top == 0 && e.front == 0 && e.right == w && e.bottom == h &&
                      e.back == d,
                  "kiln_pixelbox_create made a box of another extent");
            check(kiln_pixelbox_get_storage(box) == storage || !use_storage,
                  "kiln_pixelbox_create did not use the storage it was given");
        }
    } else {
        kiln_box e = take_box(in, NULL);
        size_t offset = take_number(in), row_pitch = take_number(in), slice_pitch = take_number(in);
        r = kiln_pixelbox_create_over(&e, format, storage, offset, row_pitch, slice_pitch, &box);
        int expected = expected_over(&e, format, storage_size, offset, row_pitch, slice_pitch);
        if (expected >= 0)
            check((r == KILN_OK) == (expected == 1),
                  "kiln_pixelbox_create_over accepted a box it should not have, or refused one "
                  "it should have accepted");
    }
    if (r != KILN_OK) {
        check(box == NULL, "a failed box left something in *out");
        return NULL;
    }
    return box;
}

/* Converts src into a box of the same size over dst_storage, and checks each row. */
static void check_convert(input *in, const kiln_pixelbox *src, kiln_stream *dst_storage) {
    kiln_box se = kiln_pixelbox_get_extent(src);
    uint32_t w = se.right - se.left, h = se.bottom - se.top, d = se.back - se.front;
    kiln_box de = {0};
    de.left = take_u32(in);
    de.top = take_u32(in);
    de.front = take_u32(in);
    if (__builtin_add_overflow(de.left, w, &de.right) ||
        __builtin_add_overflow(de.top, h, &de.bottom) ||
        __builtin_add_overflow(de.front, d, &de.back))
        return;
    kiln_pixel_format df = take_format(in);
    size_t offset = take_number(in), rp = take_number(in), sp = take_number(in);
    kiln_pixelbox *dst = NULL;
    if (kiln_pixelbox_create_over(&de, df, dst_storage, offset, rp, sp, &dst) != KILN_OK)
        return;
    touch(dst, take_u8(in));
    const uint8_t *s0 = kiln_pixelbox_get_data(src), *d0 = kiln_pixelbox_get_data(dst);
    size_t s_span = kiln_pixelbox_get_consecutive_size(src);
    size_t d_span = kiln_pixelbox_get_consecutive_size(dst);
    bool overlap = s0 && d0 && s0 < d0 + d_span && d0 < s0 + s_span;
    kiln_result r = kiln_pixelbox_convert_to(src, dst);
    if (kiln_stream_get_read_only(dst_storage))
        check(r == KILN_ERROR_INVALID_STATE, "converting into read-only storage did not fail");
    else if (!overlap)
        check(r == KILN_OK, "converting between boxes that do not overlap failed");
    if (r == KILN_OK && w && h && d) {
        kiln_pixel_format sf = kiln_pixelbox_get_format(src);
        size_t sb = kiln_pixel_format_get_num_elem_bytes(sf),
               db = kiln_pixel_format_get_num_elem_bytes(df);
        uint8_t *expected = malloc((size_t)w * db);
        check(expected != NULL, "out of memory in the fuzzer");
        for (uint32_t z = 0; z < d && !overlap; z++)
            for (uint32_t y = 0; y < h; y++) {
                const uint8_t *srow = s0 + ((size_t)z * kiln_pixelbox_get_slice_pitch(src) +
                                            (size_t)y * kiln_pixelbox_get_row_pitch(src)) *
                                               sb;
                const uint8_t *drow = d0 + ((size_t)z * kiln_pixelbox_get_slice_pitch(dst) +
                                            (size_t)y * kiln_pixelbox_get_row_pitch(dst)) *
                                               db;
                check(kiln_pixel_convert_pixels(srow, sf, expected, df, w) == KILN_OK,
                      "converting a row failed");
                check(memcmp(expected, drow, (size_t)w * db) == 0,
                      "a converted box differs from its rows converted one by one");
            }
        free(expected);
    }
    kiln_pixelbox_release(dst);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    input in = {data, size};
    kiln_clear_error();
    kiln_stream *storage = take_storage(&in);
    kiln_pixelbox *box = take_first_box(&in, storage);
    if (box)
        touch(box, take_u8(&in));

    /* A little program: sub-volumes of the current box, and conversions. */
    for (int step = 0; box && step < 16 && in.size > 0; step++) {
        uint8_t op = take_u8(&in);
        if (op & 1) {
            kiln_box e = kiln_pixelbox_get_extent(box);
            kiln_box b = take_box(&in, &e);
            kiln_pixelbox *sub = (kiln_pixelbox *)&sub;
            kiln_result r = kiln_pixelbox_get_sub_volume(box, &b, &sub);
            check((r == KILN_OK) == inside(&b, &e),
                  "get_sub_volume accepted a box outside the extent or refused one inside");
            if (r != KILN_OK) {
                check(sub == NULL, "a failed sub-volume left something in *out");
                continue;
            }
            check(kiln_pixelbox_get_storage(sub) == kiln_pixelbox_get_storage(box),
                  "a sub-volume has other storage");
            touch(sub, take_u8(&in));
            if (op & 2) {
                kiln_pixelbox_release(box);
                box = sub;
            } else {
                kiln_pixelbox_release(sub);
            }
        } else if (op & 2) {
            kiln_stream *other = take_storage(&in);
            check_convert(&in, box, other);
            kiln_stream_release(other);
        } else {
            check_convert(&in, box, kiln_pixelbox_get_storage(box));
        }
    }
    kiln_pixelbox_release(box);
    kiln_stream_release(storage);
    return 0;
}
