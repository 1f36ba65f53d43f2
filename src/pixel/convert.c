/* Conversion between any two pixel formats.
 *
 * The meaning of a conversion is defined by a float RGBA intermediate: decoding
 * turns normalised integers into [0, 1], fills missing colour channels with 0 (or
 * with the luminance) and a missing alpha with 1; encoding rounds to nearest and
 * clamps for integers, writes luminance from R and X channels as opaque. Shortcuts
 * for identical formats and byte swizzles produce exactly the same bytes. */
#include "pixel/convert.h"

#include <string.h>

/* ---- IEEE half floats ------------------------------------------------------ */

uint16_t kiln__float_to_half(float value) {
    uint32_t bits;
    memcpy(&bits, &value, sizeof bits);
    uint16_t sign = (uint16_t)((bits >> 16) & 0x8000u);
    uint32_t magnitude = bits & 0x7fffffffu;

    if (magnitude >= 0x7f800000u) {
        if (magnitude == 0x7f800000u)
            return sign | 0x7c00u;
        /* Keep the top payload bits, and make sure a NaN stays a NaN. */
        uint16_t payload = (uint16_t)((magnitude >> 13) & 0x3ffu);
        return sign | 0x7c00u | (payload ? payload : 0x200u);
    }
    /* 65520 is halfway between the largest half (65504) and the next power of two;
     * ties go to even, which is infinity. */
    if (magnitude >= 0x477ff000u)
        return sign | 0x7c00u;
    if (magnitude >= 0x38800000u) {
        /* Normal half: rebias the exponent (127 -> 15) and round away 13 mantissa
         * bits to nearest even; a carry correctly bumps the exponent. */
        uint32_t rebiased = magnitude - 0x38000000u;
        uint32_t rounded = (rebiased + 0x0fffu + ((rebiased >> 13) & 1u)) >> 13;
        return sign | (uint16_t)rounded;
    }
    /* Below 2^-25 everything rounds to zero (2^-25 itself ties to the even zero). */
    if (magnitude < 0x33000000u)
        return sign;
    /* Subnormal half: the value in units of 2^-24, rounded to nearest even. */
    uint32_t exponent = magnitude >> 23; /* 102 .. 112 */
    uint32_t mantissa = (magnitude & 0x7fffffu) | 0x800000u;
    uint32_t shift = 126u - exponent; /* 14 .. 24 */
    uint32_t quotient = mantissa >> shift;
    uint32_t remainder = mantissa & ((1u << shift) - 1u);
    uint32_t halfway = 1u << (shift - 1u);
    if (remainder > halfway || (remainder == halfway && (quotient & 1u)))
        quotient++;
    return sign | (uint16_t)quotient;
}

float kiln__half_to_float(uint16_t half) {
    uint32_t sign = (uint32_t)(half & 0x8000u) << 16;
    uint32_t exponent = (half >> 10) & 0x1fu;
    uint32_t mantissa = half & 0x3ffu;
    uint32_t bits;
    if (exponent == 0x1fu) {
        bits = sign | 0x7f800000u | (mantissa << 13);
    } else if (exponent != 0) {
        bits = sign | ((exponent + 112u) << 23) | (mantissa << 13);
    } else if (mantissa == 0) {
        bits = sign;
    } else {
        /* Subnormal half: normalise, since every such value is a normal float. */
        exponent = 113;
        while (!(mantissa & 0x400u)) {
            mantissa <<= 1;
            exponent--;
        }
        bits = sign | (exponent << 23) | ((mantissa & 0x3ffu) << 13);
    }
    float value;
    memcpy(&value, &bits, sizeof value);
    return value;
}

/* ---- the float RGBA path ------------------------------------------------- */

/* Pixels decoded per step: small enough for the stack, large enough to amortise
 * the per-channel dispatch. */
#define CHUNK 64

static uint8_t to_unorm8(float f) {
    if (!(f > 0.0f)) /* also NaN */
        return 0;
    if (f >= 1.0f)
        return 255;
    return (uint8_t)(f * 255.0f + 0.5f);
}

static uint16_t to_unorm16(float f) {
    if (!(f > 0.0f))
        return 0;
    if (f >= 1.0f)
        return 65535;
    return (uint16_t)(f * 65535.0f + 0.5f);
}

static void decode(const kiln__row_converter *c, const uint8_t *src, float (*px)[4], size_t n) {
    const size_t bpp = c->src->num_bytes;
    for (int ch = 0; ch < 4; ch++) {
        int off = c->src_offset[ch];
        if (off < 0) {
            float v = c->default_value[ch];
            for (size_t i = 0; i < n; i++)
                px[i][ch] = v;
            continue;
        }
        const uint8_t *p = src + off;
        /* Division (not a reciprocal multiply) so that 255 and 65535 give exactly 1. */
        switch (c->src->component_type) {
        case KILN_PCT_BYTE:
            for (size_t i = 0; i < n; i++)
                px[i][ch] = (float)p[i * bpp] / 255.0f;
            break;
        case KILN_PCT_SHORT:
            for (size_t i = 0; i < n; i++) {
                uint16_t v;
                memcpy(&v, p + i * bpp, sizeof v);
                px[i][ch] = (float)v / 65535.0f;
            }
            break;
        case KILN_PCT_FLOAT16:
            for (size_t i = 0; i < n; i++) {
                uint16_t v;
                memcpy(&v, p + i * bpp, sizeof v);
                px[i][ch] = kiln__half_to_float(v);
            }
            break;
        case KILN_PCT_FLOAT32:
            for (size_t i = 0; i < n; i++)
                memcpy(&px[i][ch], p + i * bpp, sizeof(float));
            break;
        }
    }
}

static void encode(const kiln__row_converter *c, const float (*px)[4], uint8_t *dst, size_t n) {
    const size_t bpp = c->dst->num_bytes;
    for (int k = 0; k < c->dst_count; k++) {
        uint8_t *p = dst + c->dst_offset[k];
        int ch = c->dst_channel[k];
        switch (c->dst->component_type) {
        case KILN_PCT_BYTE:
            for (size_t i = 0; i < n; i++)
                p[i * bpp] = ch < 0 ? 255 : to_unorm8(px[i][ch]);
            break;
        case KILN_PCT_SHORT:
            for (size_t i = 0; i < n; i++) {
                uint16_t v = ch < 0 ? 65535 : to_unorm16(px[i][ch]);
                memcpy(p + i * bpp, &v, sizeof v);
            }
            break;
        case KILN_PCT_FLOAT16:
            for (size_t i = 0; i < n; i++) {
                uint16_t v = ch < 0 ? 0x3c00u : kiln__float_to_half(px[i][ch]);
                memcpy(p + i * bpp, &v, sizeof v);
            }
            break;
        case KILN_PCT_FLOAT32:
            for (size_t i = 0; i < n; i++) {
                float v = ch < 0 ? 1.0f : px[i][ch];
                memcpy(p + i * bpp, &v, sizeof v);
            }
            break;
        }
    }
}

static void convert_generic(const kiln__row_converter *c, const void *src, void *dst,
                            size_t count) {
    const uint8_t *s = src;
    uint8_t *d = dst;
    float px[CHUNK][4];
    /* Each chunk is fully decoded before it is encoded, so converting in place into
     * pixels no larger than the source's only overwrites bytes already read. */
    while (count > 0) {
        size_t n = count < CHUNK ? count : CHUNK;
        decode(c, s, px, n);
        encode(c, (const float(*)[4])px, d, n);
        s += n * c->src->num_bytes;
        d += n * c->dst->num_bytes;
        count -= n;
    }
}

/* ---- shortcuts ------------------------------------------------------------ */

static void convert_copy(const kiln__row_converter *c, const void *src, void *dst, size_t count) {
    if (src != dst && count > 0)
        memmove(dst, src, count * c->src->num_bytes);
}

/* Byte formats convert byte for byte: each destination byte is a source byte or a
 * constant. One function per pair of pixel sizes lets the compiler unroll. */
#define BYTE_CONST_0 4
#define BYTE_CONST_255 5

#define DEFINE_SWIZZLE(SB, DB)                                                                     \
    static void swizzle_##SB##_##DB(const kiln__row_converter *c, const void *src, void *dst,      \
                                    size_t count) {                                                \
        const uint8_t *s = src;                                                                    \
        uint8_t *d = dst;                                                                          \
        uint8_t map[DB];                                                                           \
        memcpy(map, c->byte_map, DB);                                                              \
        uint8_t pixel[6] = {0, 0, 0, 0, 0, 255};                                                   \
        for (size_t i = 0; i < count; i++, s += SB, d += DB) {                                     \
            memcpy(pixel, s, SB);                                                                  \
            for (int k = 0; k < DB; k++)                                                           \
                d[k] = pixel[map[k]];                                                              \
        }                                                                                          \
    }

DEFINE_SWIZZLE(1, 1)
DEFINE_SWIZZLE(1, 2)
DEFINE_SWIZZLE(1, 3)
DEFINE_SWIZZLE(1, 4)
DEFINE_SWIZZLE(2, 1)
DEFINE_SWIZZLE(2, 2)
DEFINE_SWIZZLE(2, 3)
DEFINE_SWIZZLE(2, 4)
DEFINE_SWIZZLE(3, 1)
DEFINE_SWIZZLE(3, 2)
DEFINE_SWIZZLE(3, 3)
DEFINE_SWIZZLE(3, 4)
DEFINE_SWIZZLE(4, 1)
DEFINE_SWIZZLE(4, 2)
DEFINE_SWIZZLE(4, 3)
DEFINE_SWIZZLE(4, 4)

/* Four bytes to three taken from the source pixel (RGBA to RGB, BGRA to RGB...): four
 * pixels at a time as three 32-bit words, a render target's most common read. */
static void swizzle_4_3_words(const kiln__row_converter *c, const void *src, void *dst,
                              size_t count) {
    const uint8_t *s = src;
    uint8_t *d = dst;
    const unsigned s0 = 8u * c->byte_map[0], s1 = 8u * c->byte_map[1], s2 = 8u * c->byte_map[2];
    const bool in_order = s0 == 0 && s1 == 8 && s2 == 16;
    size_t i = 0;
    for (; i + 4 <= count; i += 4, s += 16, d += 12) {
        uint32_t v[4];
        memcpy(v, s, sizeof v);
        for (int k = 0; k < 4; k++)
            v[k] = in_order ? (v[k] & 0xFFFFFFu)
                            : (((v[k] >> s0) & 255u) | (((v[k] >> s1) & 255u) << 8) |
                               (((v[k] >> s2) & 255u) << 16));
        const uint32_t w[3] = {v[0] | v[1] << 24, v[1] >> 8 | v[2] << 16, v[2] >> 16 | v[3] << 8};
        memcpy(d, w, sizeof w);
    }
    if (i < count)
        swizzle_4_3(c, s, d, count - i);
}

static const kiln__convert_row_fn swizzles[4][4] = {
    {swizzle_1_1, swizzle_1_2, swizzle_1_3, swizzle_1_4},
    {swizzle_2_1, swizzle_2_2, swizzle_2_3, swizzle_2_4},
    {swizzle_3_1, swizzle_3_2, swizzle_3_3, swizzle_3_4},
    {swizzle_4_1, swizzle_4_2, swizzle_4_3, swizzle_4_4},
};

/* ---- preparing a converter ------------------------------------------------ */

bool kiln__row_converter_init_generic(kiln__row_converter *conv, kiln_pixel_format src_format,
                                      kiln_pixel_format dst_format) {
    const kiln__pixel_format_desc *s = kiln__pixel_format_describe(src_format);
    const kiln__pixel_format_desc *d = kiln__pixel_format_describe(dst_format);
    if (!s || !d)
        return false;
    memset(conv, 0, sizeof *conv);
    conv->run = convert_generic;
    conv->src = s;
    conv->dst = d;

    for (int ch = 0; ch < 3; ch++)
        conv->src_offset[ch] = s->offset[ch] >= 0 ? s->offset[ch] : s->offset[KILN__CH_L];
    conv->src_offset[3] = s->offset[KILN__CH_A];
    conv->default_value[0] = conv->default_value[1] = conv->default_value[2] = 0.0f;
    conv->default_value[3] = 1.0f;

    static const int8_t written_from[KILN__CH_COUNT] = {0, 1, 2, 3, 0, -1};
    for (int ch = 0; ch < KILN__CH_COUNT; ch++) {
        if (d->offset[ch] < 0)
            continue;
        conv->dst_offset[conv->dst_count] = d->offset[ch];
        conv->dst_channel[conv->dst_count] = written_from[ch];
        conv->dst_count++;
    }
    return true;
}

bool kiln__row_converter_init(kiln__row_converter *conv, kiln_pixel_format src_format,
                              kiln_pixel_format dst_format) {
    if (!kiln__row_converter_init_generic(conv, src_format, dst_format))
        return false;
    const kiln__pixel_format_desc *s = conv->src;
    const kiln__pixel_format_desc *d = conv->dst;
    if (s == d) {
        conv->run = convert_copy;
        return true;
    }
    if (s->component_type == KILN_PCT_BYTE && d->component_type == KILN_PCT_BYTE) {
        /* The same mapping as the float path, expressed on bytes: byte -> [0,1] ->
         * byte is the identity, defaults 0 and 1 become the bytes 0 and 255. */
        for (int k = 0; k < 4; k++)
            conv->byte_map[k] = BYTE_CONST_0;
        for (int k = 0; k < conv->dst_count; k++) {
            int ch = conv->dst_channel[k];
            uint8_t from;
            if (ch < 0)
                from = BYTE_CONST_255;
            else if (conv->src_offset[ch] >= 0)
                from = (uint8_t)conv->src_offset[ch];
            else
                from = conv->default_value[ch] == 1.0f ? BYTE_CONST_255 : BYTE_CONST_0;
            conv->byte_map[conv->dst_offset[k]] = from;
        }
        conv->run = swizzles[s->num_bytes - 1][d->num_bytes - 1];
        const int one = 1;
        const bool little_endian = *(const char *)&one == 1;
        if (conv->run == swizzle_4_3 && little_endian && conv->byte_map[0] < 4 &&
            conv->byte_map[1] < 4 && conv->byte_map[2] < 4) {
            conv->run = swizzle_4_3_words;
#if defined(__x86_64__)
            __builtin_cpu_init();
            if (__builtin_cpu_supports("ssse3")) {
                conv->run = kiln__swizzle_4_3_ssse3;
                for (int p = 0; p < 4; p++)
                    for (int k = 0; k < 3; k++)
                        conv->shuffle_4_3[p * 3 + k] = (int8_t)(p * 4 + conv->byte_map[k]);
                for (int k = 12; k < 16; k++)
                    conv->shuffle_4_3[k] = -1; /* zero */
            }
#endif
        }
    }
    return true;
}

/* ---- public entry points ---------------------------------------------------- */

KILN_API kiln_result kiln_pixel_convert_pixels(const void *src, kiln_pixel_format src_format,
                                               void *dst, kiln_pixel_format dst_format,
                                               size_t count) {
    kiln__row_converter conv;
    if (!kiln__row_converter_init(&conv, src_format, dst_format)) {
        kiln_pixel_format bad = kiln_pixel_format_is_valid(src_format) ? dst_format : src_format;
        return kiln__fail(KILN_ERROR_INVALID_ARGUMENT,
                          "kiln_pixel_convert_pixels: %d is not a valid pixel format (as %s)",
                          (int)bad, bad == src_format ? "src_format" : "dst_format");
    }
    if (count == 0)
        return KILN_OK;
    KILN__REQUIRE_NOT_NULL(src);
    KILN__REQUIRE_NOT_NULL(dst);
    size_t src_bytes, dst_bytes;
    if (!kiln__mul_size(count, conv.src->num_bytes, &src_bytes) ||
        !kiln__mul_size(count, conv.dst->num_bytes, &dst_bytes))
        return kiln__fail(KILN_ERROR_OUT_OF_RANGE,
                          "kiln_pixel_convert_pixels: %zu pixels are more bytes than memory holds",
                          count);
    uintptr_t s0 = (uintptr_t)src, d0 = (uintptr_t)dst;
    bool overlap = s0 < d0 + dst_bytes && d0 < s0 + src_bytes;
    bool in_place = s0 == d0 && conv.dst->num_bytes <= conv.src->num_bytes;
    if (overlap && !in_place)
        return kiln__fail(KILN_ERROR_INVALID_ARGUMENT,
                          "kiln_pixel_convert_pixels: source and destination memory overlap; "
                          "only in-place conversion to a format no larger than %s (%u bytes) "
                          "is possible, and %s has %u bytes",
                          conv.src->name, conv.src->num_bytes, conv.dst->name, conv.dst->num_bytes);
    kiln__row_convert(&conv, src, dst, count);
    return KILN_OK;
}

KILN_API kiln_result kiln_pixelbox_convert_to(const kiln_pixelbox *src, kiln_pixelbox *dst) {
    KILN__REQUIRE_NOT_NULL(src);
    KILN__REQUIRE_NOT_NULL(dst);
    uint32_t w = kiln_pixelbox_get_width(src), h = kiln_pixelbox_get_height(src),
             z = kiln_pixelbox_get_depth(src);
    if (w != kiln_pixelbox_get_width(dst) || h != kiln_pixelbox_get_height(dst) ||
        z != kiln_pixelbox_get_depth(dst))
        return kiln__fail(KILN_ERROR_INVALID_ARGUMENT,
                          "kiln_pixelbox_convert_to: the source is %ux%ux%u pixels but the "
                          "destination is %ux%ux%u; both must have the same size",
                          w, h, z, kiln_pixelbox_get_width(dst), kiln_pixelbox_get_height(dst),
                          kiln_pixelbox_get_depth(dst));
    if (kiln_stream_get_read_only(kiln_pixelbox_get_storage(dst)))
        return kiln__fail(KILN_ERROR_INVALID_STATE,
                          "kiln_pixelbox_convert_to: the destination's storage is read-only");
    if (src == dst || w == 0 || h == 0 || z == 0)
        return KILN_OK;

    kiln_pixel_format sf = kiln_pixelbox_get_format(src), df = kiln_pixelbox_get_format(dst);
    const uint8_t *s = kiln_pixelbox_get_data(src);
    uint8_t *d = kiln_pixelbox_get_data(dst);
    size_t s_rp = kiln_pixelbox_get_row_pitch(src), s_sp = kiln_pixelbox_get_slice_pitch(src);
    size_t d_rp = kiln_pixelbox_get_row_pitch(dst), d_sp = kiln_pixelbox_get_slice_pitch(dst);

    uintptr_t s0 = (uintptr_t)s, d0 = (uintptr_t)d;
    size_t s_size = kiln_pixelbox_get_consecutive_size(src);
    size_t d_size = kiln_pixelbox_get_consecutive_size(dst);
    if (s0 < d0 + d_size && d0 < s0 + s_size) {
        /* Two descriptions of the same pixels: nothing to convert. */
        if (s0 == d0 && sf == df && s_rp == d_rp && (z == 1 || s_sp == d_sp))
            return KILN_OK;
        return kiln__fail(KILN_ERROR_INVALID_ARGUMENT,
                          "kiln_pixelbox_convert_to: the source and destination boxes overlap in "
                          "memory; convert into separate storage");
    }

    kiln__row_converter conv;
    kiln__row_converter_init(&conv, sf, df);
    if (kiln_pixelbox_get_is_consecutive(src) && kiln_pixelbox_get_is_consecutive(dst)) {
        kiln__row_convert(&conv, s, d, (size_t)w * h * z);
        return KILN_OK;
    }
    const size_t sb = conv.src->num_bytes, db = conv.dst->num_bytes;
    for (uint32_t slice = 0; slice < z; slice++)
        for (uint32_t row = 0; row < h; row++)
            kiln__row_convert(&conv, s + (slice * s_sp + row * s_rp) * sb,
                              d + (slice * d_sp + row * d_rp) * db, w);
    return KILN_OK;
}
