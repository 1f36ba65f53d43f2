/* Texture sampling: addressing (wrap, mirror, clamp, border), nearest and bilinear
 * filtering with 8-bit fixed-point weights, and mipmap selection, following the
 * reference rasterizer's rules. */
#ifndef KILN_RENDER_SOFT_SAMPLE_H
#define KILN_RENDER_SOFT_SAMPLE_H

#include "soft.h"

#include <string.h>

/* log2 of a positive normal float: its exponent plus log2 of its mantissa, taken into
 * [sqrt(1/2), sqrt(2)) and expanded as 2 atanh((m - 1) / (m + 1)) / ln 2. Exact at
 * powers of two and within 1e-6 elsewhere; the span kernels repeat these operations,
 * so both give the same value. */
#define KILN__LOG2_SQRT2_BITS 0x3FB504F3u /* the mantissa above which m is halved */
static inline float kiln__soft_log2(float x) {
    uint32_t bits;
    memcpy(&bits, &x, sizeof bits);
    int32_t e = (int32_t)((bits >> 23) & 255u) - 127;
    uint32_t mantissa = (bits & 0x7FFFFFu) | 0x3F800000u;
    if (mantissa > KILN__LOG2_SQRT2_BITS) {
        mantissa -= 0x00800000u;
        e += 1;
    }
    float m;
    memcpy(&m, &mantissa, sizeof m);
    float t = (m - 1.0f) / (m + 1.0f), t2 = t * t;
    float ln = t * (2.0f + t2 * (0.6666667f + t2 * (0.4f + t2 * (0.2857143f + t2 * 0.2222222f))));
    return (float)e + ln * 1.442695041f;
}

/* The level of detail at a pixel with the given texture coordinate derivatives. */
kiln__soft_lod kiln__soft_sample_lod(const kiln__sampler_state *sampler, float dudx, float dvdx,
                                     float dudy, float dvdy);

/* The RGBA8 texel colour at (u, v) for a footprint of `lod`. */
void kiln__soft_sample(const kiln__sampler_state *sampler, float u, float v, kiln__soft_lod lod,
                       uint8_t out[4]);

/* The float texel colour at (u, v) of a texture with float texels (levels[0].texelsf),
 * filtered with exact weights. */
void kiln__soft_samplef(const kiln__sampler_state *sampler, float u, float v, kiln__soft_lod lod,
                        float out[4]);

#endif
