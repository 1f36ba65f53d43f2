/* Pixel conversion: half floats, known values for every format, clamping, exact
 * round trips for every lossless pair, and shortcuts that agree with the float
 * path. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pixel/convert.h"

static uint32_t float_bits(float f) {
    uint32_t u;
    memcpy(&u, &f, 4);
    return u;
}

static float bits_float(uint32_t u) {
    float f;
    memcpy(&f, &u, 4);
    return f;
}

/* ---- half floats ------------------------------------------------------------ */

static void test_float_to_half_known_values(void **state) {
    (void)state;
    const struct {
        float value;
        uint16_t half;
    } cases[] = {
        {0.0f, 0x0000},
        {-0.0f, 0x8000},
        {1.0f, 0x3c00},
        {-2.0f, 0xc000},
        {0.5f, 0x3800},
        {0.1f, 0x2e66},
        {65504.0f, 0x7bff},                   /* the largest half */
        {65519.996f, 0x7bff},                 /* just below the midpoint to infinity */
        {65520.0f, 0x7c00},                   /* the midpoint rounds to even: infinity */
        {1e10f, 0x7c00},                      /* overflow */
        {-1e10f, 0xfc00},                     /* negative overflow */
        {INFINITY, 0x7c00},                   /* infinities stay infinite */
        {-INFINITY, 0xfc00},                  /* */
        {0x1p-14f, 0x0400},                   /* the smallest normal */
        {0x1p-24f, 0x0001},                   /* the smallest subnormal */
        {0x1p-25f, 0x0000},                   /* halfway to the smallest: ties to even 0 */
        {0x1.8p-25f, 0x0001},                 /* above halfway */
        {0x1p-26f, 0x0000},                   /* underflow */
        {-0x1p-30f, 0x8000},                  /* negative underflow keeps the sign */
        {0x3p-25f, 0x0002},                   /* 1.5 units: ties to even 2 */
        {0x5p-25f, 0x0002},                   /* 2.5 units: ties to even 2 */
        {0x3ffp-24f, 0x03ff},                 /* the largest subnormal */
        {0x7ffp-25f, 0x0400},                 /* 1023.5 units rounds up into the normals */
        {1.0f + 0x1p-11f, 0x3c00},            /* tie, even stays */
        {1.0f + 0x3p-11f, 0x3c02},            /* tie, odd rounds up */
        {1.0f + 0x1p-11f + 0x1p-20f, 0x3c01}, /* just above a tie */
        {2047.0f, 0x67ff},
        {2049.0f, 0x6800}, /* integers above 2048 are even only: tie to even */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint16_t got = kiln__float_to_half(cases[i].value);
        if (got != cases[i].half)
            fail_msg("float %a (0x%08x) gave half 0x%04x, expected 0x%04x", (double)cases[i].value,
                     float_bits(cases[i].value), got, cases[i].half);
    }
}

static void test_half_to_float_known_values(void **state) {
    (void)state;
    assert_true(kiln__half_to_float(0x0000) == 0.0f);
    assert_int_equal(float_bits(kiln__half_to_float(0x8000)), 0x80000000u);
    assert_true(kiln__half_to_float(0x3c00) == 1.0f);
    assert_true(kiln__half_to_float(0x3555) == 0.333251953125f);
    assert_true(kiln__half_to_float(0x7bff) == 65504.0f);
    assert_true(kiln__half_to_float(0x0001) == 0x1p-24f);
    assert_true(kiln__half_to_float(0x03ff) == 0x3ffp-24f);
    assert_true(kiln__half_to_float(0x8001) == -0x1p-24f);
    assert_true(kiln__half_to_float(0x0400) == 0x1p-14f);
    assert_true(isinf(kiln__half_to_float(0x7c00)) && kiln__half_to_float(0x7c00) > 0);
    assert_true(isinf(kiln__half_to_float(0xfc00)) && kiln__half_to_float(0xfc00) < 0);
    assert_true(isnan(kiln__half_to_float(0x7e00)));
    assert_true(isnan(kiln__half_to_float(0x7c01)));
    assert_true(signbit(kiln__half_to_float(0xfe00)));
}

static void test_nans_stay_nans(void **state) {
    (void)state;
    const uint32_t nans[] = {0x7fc00000u, 0xffc00000u, 0x7f800001u, 0x7f802000u, 0x7fffffffu};
    for (size_t i = 0; i < sizeof nans / sizeof nans[0]; i++) {
        uint16_t h = kiln__float_to_half(bits_float(nans[i]));
        assert_int_equal(h & 0x7c00, 0x7c00);
        assert_int_not_equal(h & 0x03ff, 0);
        assert_int_equal(h >> 15, nans[i] >> 31);
    }
}

static void test_every_half_survives_a_trip_through_float(void **state) {
    (void)state;
    for (uint32_t h = 0; h <= 0xffff; h++) {
        uint16_t back = kiln__float_to_half(kiln__half_to_float((uint16_t)h));
        if (back != h)
            fail_msg("half 0x%04x came back as 0x%04x", h, back);
    }
}

/* Every half value is exact as a float, and conversion is monotonic: a check that
 * needs no reference implementation. */
static void test_half_to_float_is_exact_and_ordered(void **state) {
    (void)state;
    float previous = kiln__half_to_float(0x0000);
    for (uint32_t h = 1; h < 0x7c00; h++) {
        float f = kiln__half_to_float((uint16_t)h);
        assert_true(f > previous);
        assert_true(kiln__half_to_float((uint16_t)(h | 0x8000)) == -f);
        previous = f;
    }
    assert_true(previous == 65504.0f);
}

#if defined(__FLT16_MAX__)
__extension__ typedef _Float16 reference_half;

/* The compiler's own conversion (round to nearest even) as an independent
 * reference, over a sweep of float bit patterns dense around the half range. */
static void test_float_to_half_agrees_with_the_compiler(void **state) {
    (void)state;
    uint64_t checked = 0;
    for (uint64_t u = 0; u <= 0xffffffffu;
         u += (u >= 0x33000000u && u < 0x47800000u) ? 97 : 65537) {
        for (int negate = 0; negate < 2; negate++) {
            float f = bits_float((uint32_t)u ^ (negate ? 0x80000000u : 0u));
            if (isnan(f))
                continue;
            reference_half r = (reference_half)f;
            uint16_t expect;
            memcpy(&expect, &r, 2);
            uint16_t got = kiln__float_to_half(f);
            if (got != expect)
                fail_msg("float 0x%08x: got half 0x%04x, the compiler says 0x%04x", float_bits(f),
                         got, expect);
            checked++;
        }
    }
    assert_true(checked > 1000000);
}
#endif

/* ---- known values for each format ------------------------------------------ */

static void decode_one(const void *pixel, kiln_pixel_format format, float rgba[4]) {
    assert_int_equal(kiln_pixel_convert_pixels(pixel, format, rgba, KILN_PF_FLOAT32_RGBA, 1),
                     KILN_OK);
}

static void assert_rgba(const float got[4], float r, float g, float b, float a) {
    if (got[0] != r || got[1] != g || got[2] != b || got[3] != a)
        fail_msg("got (%.9g, %.9g, %.9g, %.9g), expected (%.9g, %.9g, %.9g, %.9g)", (double)got[0],
                 (double)got[1], (double)got[2], (double)got[3], (double)r, (double)g, (double)b,
                 (double)a);
}

static void test_each_format_reads_as_specified(void **state) {
    (void)state;
    float px[4];
    const float v2 = 0.2f, v4 = 0.4f, v6 = 0.6f; /* 51, 102, 153 out of 255 */

    decode_one((const uint8_t[]){51}, KILN_PF_L8, px);
    assert_rgba(px, v2, v2, v2, 1.0f);
    decode_one((const uint16_t[]){65535}, KILN_PF_L16, px);
    assert_rgba(px, 1.0f, 1.0f, 1.0f, 1.0f);
    decode_one((const uint8_t[]){51}, KILN_PF_A8, px);
    assert_rgba(px, 0.0f, 0.0f, 0.0f, v2);
    decode_one((const uint8_t[]){51, 102}, KILN_PF_BYTE_LA, px);
    assert_rgba(px, v2, v2, v2, v4);

    const uint8_t bytes[4] = {51, 102, 153, 0};
    decode_one(bytes, KILN_PF_R8G8B8, px); /* memory B,G,R */
    assert_rgba(px, v6, v4, v2, 1.0f);
    decode_one(bytes, KILN_PF_B8G8R8, px); /* memory R,G,B */
    assert_rgba(px, v2, v4, v6, 1.0f);
    decode_one(bytes, KILN_PF_A8R8G8B8, px); /* memory B,G,R,A */
    assert_rgba(px, v6, v4, v2, 0.0f);
    decode_one(bytes, KILN_PF_A8B8G8R8, px); /* memory R,G,B,A */
    assert_rgba(px, v2, v4, v6, 0.0f);
    decode_one(bytes, KILN_PF_B8G8R8A8, px); /* memory A,R,G,B */
    assert_rgba(px, v4, v6, 0.0f, v2);
    decode_one(bytes, KILN_PF_R8G8B8A8, px); /* memory A,B,G,R */
    assert_rgba(px, 0.0f, v6, v4, v2);
    decode_one(bytes, KILN_PF_X8R8G8B8, px); /* memory B,G,R,X: X is not alpha */
    assert_rgba(px, v6, v4, v2, 1.0f);

    decode_one((const uint16_t[]){0x3800, 0xc000, 0x3c00}, KILN_PF_FLOAT16_RGB, px);
    assert_rgba(px, 0.5f, -2.0f, 1.0f, 1.0f);
    decode_one((const uint16_t[]){0x3800, 0xc000, 0x3c00, 0x3400}, KILN_PF_FLOAT16_RGBA, px);
    assert_rgba(px, 0.5f, -2.0f, 1.0f, 0.25f);
    decode_one((const float[]){1.5f, -1.0f, 3.0f}, KILN_PF_FLOAT32_RGB, px);
    assert_rgba(px, 1.5f, -1.0f, 3.0f, 1.0f); /* floats are raw, not clamped */
    decode_one((const float[]){1.5f, -1.0f, 3.0f, 0.75f}, KILN_PF_FLOAT32_RGBA, px);
    assert_rgba(px, 1.5f, -1.0f, 3.0f, 0.75f);
    decode_one((const uint16_t[]){0, 65535, 13107, 39321}, KILN_PF_SHORT_RGBA, px);
    assert_rgba(px, 0.0f, 1.0f, v2, v6);
    decode_one((const uint16_t[]){13107}, KILN_PF_DEPTH16, px);
    assert_rgba(px, v2, 0.0f, 0.0f, 1.0f);
    decode_one((const float[]){2.5f}, KILN_PF_DEPTH32F, px);
    assert_rgba(px, 2.5f, 0.0f, 0.0f, 1.0f);
    decode_one((const uint16_t[]){0xc000}, KILN_PF_FLOAT16_R, px);
    assert_rgba(px, -2.0f, 0.0f, 0.0f, 1.0f);
    decode_one((const float[]){-3.0f}, KILN_PF_FLOAT32_R, px);
    assert_rgba(px, -3.0f, 0.0f, 0.0f, 1.0f);
    decode_one((const uint16_t[]){0x3800, 0x3c00}, KILN_PF_FLOAT16_GR, px); /* G then R */
    assert_rgba(px, 1.0f, 0.5f, 0.0f, 1.0f);
    decode_one((const float[]){0.25f, 0.75f}, KILN_PF_FLOAT32_GR, px);
    assert_rgba(px, 0.75f, 0.25f, 0.0f, 1.0f);
    decode_one((const uint16_t[]){13107, 65535}, KILN_PF_SHORT_GR, px); /* G then R */
    assert_rgba(px, 1.0f, v2, 0.0f, 1.0f);
    decode_one((const uint16_t[]){39321, 0, 13107}, KILN_PF_SHORT_RGB, px);
    assert_rgba(px, v6, 0.0f, v2, 1.0f);
}

static void convert_one(const void *src, kiln_pixel_format sf, kiln_pixel_format df, void *dst) {
    assert_int_equal(kiln_pixel_convert_pixels(src, sf, dst, df, 1), KILN_OK);
}

#define ASSERT_BYTES(format, ...)                                                                  \
    do {                                                                                           \
        const uint8_t want[] = {__VA_ARGS__};                                                      \
        uint8_t got[16];                                                                           \
        memset(got, 0xCD, sizeof got);                                                             \
        convert_one(rgba, KILN_PF_BYTE_RGBA, format, got);                                         \
        assert_memory_equal(got, want, sizeof want);                                               \
        assert_int_equal(got[sizeof want], 0xCD); /* nothing written past the pixel */             \
    } while (0)

static void test_each_format_writes_as_specified(void **state) {
    (void)state;
    const uint8_t rgba[4] = {10, 20, 30, 40}; /* R, G, B, A in memory */
    ASSERT_BYTES(KILN_PF_R8G8B8, 30, 20, 10);
    ASSERT_BYTES(KILN_PF_B8G8R8, 10, 20, 30);
    ASSERT_BYTES(KILN_PF_A8R8G8B8, 30, 20, 10, 40);
    ASSERT_BYTES(KILN_PF_A8B8G8R8, 10, 20, 30, 40);
    ASSERT_BYTES(KILN_PF_B8G8R8A8, 40, 10, 20, 30);
    ASSERT_BYTES(KILN_PF_R8G8B8A8, 40, 30, 20, 10);
    ASSERT_BYTES(KILN_PF_X8R8G8B8, 30, 20, 10, 255); /* X is written opaque */
    ASSERT_BYTES(KILN_PF_L8, 10);                    /* luminance is written from R */
    ASSERT_BYTES(KILN_PF_A8, 40);
    ASSERT_BYTES(KILN_PF_BYTE_LA, 10, 40);

    uint16_t shorts[4];
    convert_one(rgba, KILN_PF_BYTE_RGBA, KILN_PF_SHORT_RGBA, shorts);
    assert_int_equal(shorts[0], 10 * 257);
    assert_int_equal(shorts[1], 20 * 257);
    assert_int_equal(shorts[2], 30 * 257);
    assert_int_equal(shorts[3], 40 * 257);
    convert_one(rgba, KILN_PF_BYTE_RGBA, KILN_PF_L16, shorts);
    assert_int_equal(shorts[0], 10 * 257);
    convert_one(rgba, KILN_PF_BYTE_RGBA, KILN_PF_DEPTH16, shorts);
    assert_int_equal(shorts[0], 10 * 257);

    float floats[4];
    convert_one(rgba, KILN_PF_BYTE_RGBA, KILN_PF_FLOAT32_RGBA, floats);
    assert_rgba(floats, 10.0f / 255.0f, 20.0f / 255.0f, 30.0f / 255.0f, 40.0f / 255.0f);
    convert_one(rgba, KILN_PF_BYTE_RGBA, KILN_PF_FLOAT32_GR, floats);
    assert_true(floats[0] == 20.0f / 255.0f && floats[1] == 10.0f / 255.0f);
    convert_one(rgba, KILN_PF_BYTE_RGBA, KILN_PF_DEPTH32F, floats);
    assert_true(floats[0] == 10.0f / 255.0f);

    uint16_t halves[4];
    convert_one(rgba, KILN_PF_BYTE_RGBA, KILN_PF_FLOAT16_GR, halves);
    assert_int_equal(halves[0], kiln__float_to_half(20.0f / 255.0f));
    assert_int_equal(halves[1], kiln__float_to_half(10.0f / 255.0f));
    convert_one(rgba, KILN_PF_BYTE_RGBA, KILN_PF_FLOAT16_RGB, halves);
    assert_int_equal(halves[2], kiln__float_to_half(30.0f / 255.0f));

    /* A source without alpha writes opaque alpha everywhere. */
    const uint8_t rgb[3] = {1, 2, 3};
    uint8_t out[4];
    convert_one(rgb, KILN_PF_BYTE_RGB, KILN_PF_BYTE_RGBA, out);
    assert_memory_equal(out, ((const uint8_t[]){1, 2, 3, 255}), 4);
    convert_one(rgb, KILN_PF_BYTE_RGB, KILN_PF_FLOAT16_RGBA, halves);
    assert_int_equal(halves[3], 0x3c00);
    convert_one(rgb, KILN_PF_BYTE_RGB, KILN_PF_SHORT_RGBA, shorts);
    assert_int_equal(shorts[3], 65535);
    /* Luminance reads as grey. */
    convert_one((const uint8_t[]){77}, KILN_PF_L8, KILN_PF_BYTE_RGBA, out);
    assert_memory_equal(out, ((const uint8_t[]){77, 77, 77, 255}), 4);
    /* Alpha only reads as black with that alpha. */
    convert_one((const uint8_t[]){77}, KILN_PF_A8, KILN_PF_BYTE_RGBA, out);
    assert_memory_equal(out, ((const uint8_t[]){0, 0, 0, 77}), 4);
}

static void test_floats_round_to_nearest_and_clamp(void **state) {
    (void)state;
    const float in[8] = {-0.5f, 1.5f, 0.5f, NAN, INFINITY, -INFINITY, 100.4f / 255, 100.6f / 255};
    uint8_t bytes[8];
    assert_int_equal(kiln_pixel_convert_pixels(in, KILN_PF_FLOAT32_R, bytes, KILN_PF_L8, 8),
                     KILN_OK);
    assert_memory_equal(bytes, ((const uint8_t[]){0, 255, 128, 0, 255, 0, 100, 101}), 8);

    uint16_t shorts[8];
    assert_int_equal(kiln_pixel_convert_pixels(in, KILN_PF_FLOAT32_R, shorts, KILN_PF_L16, 8),
                     KILN_OK);
    assert_int_equal(shorts[0], 0);
    assert_int_equal(shorts[1], 65535);
    assert_int_equal(shorts[2], 32768);
    assert_int_equal(shorts[3], 0);
    assert_int_equal(shorts[4], 65535);
    assert_int_equal(shorts[5], 0);

    /* Short to byte rounds to nearest: 257 * v +- 128 stays v. */
    const uint16_t s[4] = {257 * 9 + 128, 257 * 9 + 129, 257 * 9 - 128, 257 * 9 - 129};
    assert_int_equal(kiln_pixel_convert_pixels(s, KILN_PF_SHORT_RGBA, bytes, KILN_PF_BYTE_RGBA, 1),
                     KILN_OK);
    assert_memory_equal(bytes, ((const uint8_t[]){9, 10, 9, 8}), 4);

    /* Half floats from floats: overflow to infinity, underflow to zero. */
    const float f[4] = {1.0f, 65536.0f, 1e-8f, -0.0f};
    uint16_t h[4];
    assert_int_equal(kiln_pixel_convert_pixels(f, KILN_PF_FLOAT32_RGBA, h, KILN_PF_FLOAT16_RGBA, 1),
                     KILN_OK);
    assert_int_equal(h[0], 0x3c00);
    assert_int_equal(h[1], 0x7c00);
    assert_int_equal(h[2], 0x0000);
    assert_int_equal(h[3], 0x8000);
}

/* ---- exact round trips for every lossless pair ----------------------------- */

/* The intermediate channels a format keeps when it is written (luminance keeps R). */
static unsigned kept_channels(const kiln__pixel_format_desc *d) {
    unsigned kept = 0;
    for (int ch = 0; ch < 4; ch++)
        if (d->offset[ch] >= 0)
            kept |= 1u << ch;
    if (d->offset[KILN__CH_L] >= 0)
        kept |= 1u << KILN__CH_R;
    return kept;
}

/* Whether every value of a component of type a is a value of type b. */
static bool type_holds(kiln_pixel_component_type a, kiln_pixel_component_type b) {
    if (a == b || b == KILN_PCT_FLOAT32)
        return true;
    if (a == KILN_PCT_BYTE)
        return true; /* 256 levels fit in short, and v/255 fits in a half exactly enough */
    return false;    /* short and half each hold values the other cannot */
}

static bool lossless(const kiln__pixel_format_desc *a, const kiln__pixel_format_desc *b) {
    unsigned ka = kept_channels(a), kb = kept_channels(b);
    return (ka & kb) == ka && type_holds(a->component_type, b->component_type);
}

#define TRIP_PIXELS 65536

/* Source pixels for a format that cover every value of each component (byte and
 * short components, and every half pattern), or a spread of floats. X bytes are
 * 255, the only value a conversion writes there. */
static void fill_source(const kiln__pixel_format_desc *d, uint8_t *px, size_t count) {
    uint32_t size = kiln__component_size(d->component_type);
    uint32_t seed = 12345;
    for (size_t i = 0; i < count; i++) {
        for (uint32_t c = 0; c < d->component_count; c++) {
            uint8_t *p = px + i * d->num_bytes + c * size;
            switch (d->component_type) {
            case KILN_PCT_BYTE:
                *p = (uint8_t)(i + c * 85);
                break;
            case KILN_PCT_SHORT:
            case KILN_PCT_FLOAT16: {
                uint16_t v = (uint16_t)(i + c * 16411);
                memcpy(p, &v, 2);
                break;
            }
            case KILN_PCT_FLOAT32: {
                seed = seed * 1664525u + 1013904223u;
                float v;
                if (i % 4 == 0)
                    v = (float)((int)(seed >> 8) - (1 << 23)) / 4096.0f; /* ordinary values */
                else
                    v = bits_float(seed); /* any bit pattern at all */
                memcpy(p, &v, 4);
                break;
            }
            }
        }
        if (d->offset[KILN__CH_X] >= 0)
            px[i * d->num_bytes + d->offset[KILN__CH_X]] = 255;
    }
}

static void test_every_lossless_pair_round_trips_exactly(void **state) {
    (void)state;
    size_t n;
    const kiln__pixel_format_desc *table = kiln__pixel_format_table(&n);
    uint8_t *src = malloc(TRIP_PIXELS * 16), *mid = malloc(TRIP_PIXELS * 16),
            *back = malloc(TRIP_PIXELS * 16);
    assert_non_null(src);
    assert_non_null(mid);
    assert_non_null(back);
    size_t pairs = 0;
    for (size_t i = 0; i < n; i++) {
        const kiln__pixel_format_desc *a = &table[i];
        fill_source(a, src, TRIP_PIXELS);
        for (size_t j = 0; j < n; j++) {
            const kiln__pixel_format_desc *b = &table[j];
            if (!lossless(a, b))
                continue;
            pairs++;
            assert_int_equal(kiln_pixel_convert_pixels(src, a->format, mid, b->format, TRIP_PIXELS),
                             KILN_OK);
            assert_int_equal(
                kiln_pixel_convert_pixels(mid, b->format, back, a->format, TRIP_PIXELS), KILN_OK);
            for (size_t p = 0; p < TRIP_PIXELS; p++)
                if (memcmp(src + p * a->num_bytes, back + p * a->num_bytes, a->num_bytes) != 0)
                    fail_msg("%s -> %s -> %s changed pixel %zu", a->name, b->name, a->name, p);
        }
    }
    /* The generator found the pairs the specification promises, and more. */
    assert_true(pairs > 150);
    free(src);
    free(mid);
    free(back);
}

static void test_the_lossless_rule_covers_the_promised_pairs(void **state) {
    (void)state;
    const kiln_pixel_format promised[][2] = {
        {KILN_PF_BYTE_RGBA, KILN_PF_FLOAT32_RGBA},
        {KILN_PF_BYTE_RGBA, KILN_PF_FLOAT16_RGBA},
        {KILN_PF_BYTE_RGBA, KILN_PF_SHORT_RGBA},
        {KILN_PF_BYTE_RGBA, KILN_PF_BYTE_BGRA},
        {KILN_PF_BYTE_RGB, KILN_PF_X8R8G8B8},
        {KILN_PF_BYTE_RGB, KILN_PF_BYTE_ABGR},
        {KILN_PF_L8, KILN_PF_FLOAT16_R},
        {KILN_PF_L8, KILN_PF_BYTE_RGB},
        {KILN_PF_A8, KILN_PF_BYTE_LA},
        {KILN_PF_BYTE_LA, KILN_PF_FLOAT32_RGBA},
        {KILN_PF_L16, KILN_PF_FLOAT32_R},
        {KILN_PF_DEPTH16, KILN_PF_SHORT_RGBA},
        {KILN_PF_FLOAT16_RGBA, KILN_PF_FLOAT32_RGBA},
        {KILN_PF_FLOAT16_GR, KILN_PF_FLOAT32_RGB},
        {KILN_PF_DEPTH32F, KILN_PF_FLOAT32_GR},
    };
    for (size_t i = 0; i < sizeof promised / sizeof promised[0]; i++)
        assert_true(lossless(kiln__pixel_format_describe(promised[i][0]),
                             kiln__pixel_format_describe(promised[i][1])));
    /* And it is a real test: a lossy pair does change pixels. */
    assert_false(lossless(kiln__pixel_format_describe(KILN_PF_SHORT_RGBA),
                          kiln__pixel_format_describe(KILN_PF_FLOAT16_RGBA)));
    uint16_t s[4] = {1, 2, 3, 65534}, h[4], back[4];
    assert_int_equal(kiln_pixel_convert_pixels(s, KILN_PF_SHORT_RGBA, h, KILN_PF_FLOAT16_RGBA, 1),
                     KILN_OK);
    assert_int_equal(
        kiln_pixel_convert_pixels(h, KILN_PF_FLOAT16_RGBA, back, KILN_PF_SHORT_RGBA, 1), KILN_OK);
    assert_memory_not_equal(s, back, sizeof s);
}

/* ---- shortcuts agree with the float path ---------------------------------- */

static void test_shortcuts_give_the_same_bytes_as_the_float_path(void **state) {
    (void)state;
    size_t n;
    const kiln__pixel_format_desc *table = kiln__pixel_format_table(&n);
    enum { COUNT = 1000 };
    uint8_t *src = malloc(COUNT * 16), *fast = malloc(COUNT * 16), *slow = malloc(COUNT * 16);
    assert_non_null(src);
    assert_non_null(fast);
    assert_non_null(slow);
    size_t swizzles = 0;
    for (size_t i = 0; i < n; i++) {
        fill_source(&table[i], src, COUNT);
        for (size_t j = 0; j < n; j++) {
            const kiln__pixel_format_desc *a = &table[i], *b = &table[j];
            bool bytes = a->component_type == KILN_PCT_BYTE && b->component_type == KILN_PCT_BYTE;
            /* Identical floats compare bitwise only without NaNs: not part of the deal. */
            if (!bytes && (a != b || a->component_type == KILN_PCT_FLOAT32 ||
                           a->component_type == KILN_PCT_FLOAT16))
                continue;
            kiln__row_converter cf, cs;
            assert_true(kiln__row_converter_init(&cf, a->format, b->format));
            assert_true(kiln__row_converter_init_generic(&cs, a->format, b->format));
            memset(fast, 0xAB, COUNT * 16);
            memset(slow, 0xAB, COUNT * 16);
            kiln__row_convert(&cf, src, fast, COUNT);
            kiln__row_convert(&cs, src, slow, COUNT);
            if (memcmp(fast, slow, COUNT * 16) != 0)
                fail_msg("the shortcut for %s -> %s differs from the float path", a->name, b->name);
            swizzles += bytes;
        }
    }
    assert_int_equal(swizzles, 10 * 10); /* every pair of the 10 byte formats */
    free(src);
    free(fast);
    free(slow);
}

static void test_the_render_target_case_is_a_shortcut(void **state) {
    (void)state;
    kiln__row_converter c;
    assert_true(kiln__row_converter_init(&c, KILN_PF_BYTE_RGBA, KILN_PF_BYTE_RGB));
    kiln__row_converter g;
    assert_true(kiln__row_converter_init_generic(&g, KILN_PF_BYTE_RGBA, KILN_PF_BYTE_RGB));
    assert_ptr_not_equal(c.run, g.run);
    const uint8_t in[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    uint8_t out[6];
    kiln__row_convert(&c, in, out, 2);
    assert_memory_equal(out, ((const uint8_t[]){1, 2, 3, 5, 6, 7}), 6);
    assert_false(kiln__row_converter_init(&c, KILN_PF_UNKNOWN, KILN_PF_BYTE_RGB));
    assert_false(kiln__row_converter_init(&c, KILN_PF_BYTE_RGB, (kiln_pixel_format)77));
}

/* ---- the public call's arguments ------------------------------------------- */

static void test_convert_pixels_rejects_bad_arguments(void **state) {
    (void)state;
    uint8_t a[16] = {0}, b[16] = {0};
    assert_int_equal(kiln_pixel_convert_pixels(a, (kiln_pixel_format)5, b, KILN_PF_L8, 1),
                     KILN_ERROR_INVALID_ARGUMENT);
    assert_non_null(strstr(kiln_last_error_message(), "src_format"));
    assert_int_equal(kiln_pixel_convert_pixels(a, KILN_PF_L8, b, KILN_PF_UNKNOWN, 1),
                     KILN_ERROR_INVALID_ARGUMENT);
    assert_non_null(strstr(kiln_last_error_message(), "dst_format"));
    assert_int_equal(kiln_pixel_convert_pixels(NULL, KILN_PF_L8, b, KILN_PF_L8, 1),
                     KILN_ERROR_INVALID_ARGUMENT);
    assert_int_equal(kiln_pixel_convert_pixels(a, KILN_PF_L8, NULL, KILN_PF_L8, 1),
                     KILN_ERROR_INVALID_ARGUMENT);
    /* Nothing to convert needs no memory. */
    assert_int_equal(kiln_pixel_convert_pixels(NULL, KILN_PF_L8, NULL, KILN_PF_BYTE_RGB, 0),
                     KILN_OK);
    /* Overlapping memory, other than converting in place to a smaller format. */
    assert_int_equal(kiln_pixel_convert_pixels(a, KILN_PF_L8, a + 1, KILN_PF_BYTE_RGB, 4),
                     KILN_ERROR_INVALID_ARGUMENT);
    assert_non_null(strstr(kiln_last_error_message(), "overlap"));
    assert_int_equal(kiln_pixel_convert_pixels(a, KILN_PF_L8, a, KILN_PF_BYTE_RGB, 4),
                     KILN_ERROR_INVALID_ARGUMENT);
    assert_int_equal(kiln_pixel_convert_pixels(a, KILN_PF_BYTE_RGB, b, KILN_PF_BYTE_RGB, SIZE_MAX),
                     KILN_ERROR_OUT_OF_RANGE);
}

static void test_converting_in_place_to_a_smaller_format(void **state) {
    (void)state;
    enum { COUNT = 300 }; /* several chunks of the float path */
    uint8_t px[COUNT * 4];
    for (int i = 0; i < COUNT * 4; i++)
        px[i] = (uint8_t)(i * 3);
    uint8_t expect[COUNT * 3];
    assert_int_equal(
        kiln_pixel_convert_pixels(px, KILN_PF_BYTE_RGBA, expect, KILN_PF_BYTE_RGB, COUNT), KILN_OK);
    assert_int_equal(kiln_pixel_convert_pixels(px, KILN_PF_BYTE_RGBA, px, KILN_PF_BYTE_RGB, COUNT),
                     KILN_OK);
    assert_memory_equal(px, expect, sizeof expect);

    float f[COUNT * 4];
    for (int i = 0; i < COUNT * 4; i++)
        f[i] = (float)i / 7.0f;
    uint16_t h[COUNT * 4];
    assert_int_equal(
        kiln_pixel_convert_pixels(f, KILN_PF_FLOAT32_RGBA, h, KILN_PF_FLOAT16_RGBA, COUNT),
        KILN_OK);
    assert_int_equal(
        kiln_pixel_convert_pixels(f, KILN_PF_FLOAT32_RGBA, f, KILN_PF_FLOAT16_RGBA, COUNT),
        KILN_OK);
    assert_memory_equal(f, h, sizeof h);
    /* The same format in place is a no-op. */
    assert_int_equal(
        kiln_pixel_convert_pixels(h, KILN_PF_FLOAT16_RGBA, h, KILN_PF_FLOAT16_RGBA, COUNT),
        KILN_OK);
    assert_memory_equal(f, h, sizeof h);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_float_to_half_known_values),
        cmocka_unit_test(test_half_to_float_known_values),
        cmocka_unit_test(test_nans_stay_nans),
        cmocka_unit_test(test_every_half_survives_a_trip_through_float),
        cmocka_unit_test(test_half_to_float_is_exact_and_ordered),
#if defined(__FLT16_MAX__)
        cmocka_unit_test(test_float_to_half_agrees_with_the_compiler),
#endif
        cmocka_unit_test(test_each_format_reads_as_specified),
        cmocka_unit_test(test_each_format_writes_as_specified),
        cmocka_unit_test(test_floats_round_to_nearest_and_clamp),
        cmocka_unit_test(test_every_lossless_pair_round_trips_exactly),
        cmocka_unit_test(test_the_lossless_rule_covers_the_promised_pairs),
        cmocka_unit_test(test_shortcuts_give_the_same_bytes_as_the_float_path),
        cmocka_unit_test(test_the_render_target_case_is_a_shortcut),
        cmocka_unit_test(test_convert_pixels_rejects_bad_arguments),
        cmocka_unit_test(test_converting_in_place_to_a_smaller_format),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
