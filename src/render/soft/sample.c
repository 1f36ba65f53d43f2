#include "sample.h"

#include <math.h>

/* The border colour of TAM_BORDER: opaque black, the original engine's default. */
static const uint8_t border_texel[4] = {0, 0, 0, 255};

kiln__soft_lod kiln__soft_sample_lod(const kiln__sampler_state *sampler, float dudx, float dvdx,
                                     float dudy, float dvdy) {
    float w = (float)sampler->levels[0].width, h = (float)sampler->levels[0].height;
    float xx = dudx * w, xy = dvdx * h, yx = dudy * w, yy = dvdy * h;
    float rho2 = fmaxf(xx * xx + xy * xy, yx * yx + yy * yy);
    if (!(rho2 > 0.0f) || !isfinite(rho2))
        return (kiln__soft_lod){-INFINITY, -INFINITY};
    /* log2(m * 2^e) ~ e + (m - 1) for m in [1, 2): exact at powers of two. */
    int e;
    float m = frexpf(rho2, &e); /* m in [0.5, 1) */
    float fast = (float)(e - 1) + (2.0f * m - 1.0f);
    return (kiln__soft_lod){0.5f * kiln__soft_log2(rho2), 0.5f * fast};
}

/* Maps an integer texel coordinate into [0, size), or to -1 for the border. The
 * coordinate comes from texel_space below, so it lies within one period of the
 * folded range and a single correction replaces a division. */
static inline int32_t address(int32_t i, int32_t size, kiln_texture_addressing_mode mode) {
    switch (mode) {
    case KILN_TAM_WRAP:
        return i < 0 ? i + size : (i >= size ? i - size : i);
    case KILN_TAM_MIRROR: {
        int32_t period = 2 * size;
        int32_t r = i < 0 ? i + period : (i >= period ? i - period : i);
        return r < size ? r : period - 1 - r;
    }
    case KILN_TAM_CLAMP:
        return i < 0 ? 0 : (i >= size ? size - 1 : i);
    case KILN_TAM_BORDER:
        return (i < 0 || i >= size) ? -1 : i;
    }
    return 0;
}

static inline const uint8_t *texel(const kiln__texture_level *level, int32_t x, int32_t y) {
    if (x < 0 || y < 0)
        return border_texel;
    return level->texels + ((size_t)y * level->width + (size_t)x) * 4;
}

/* A texture coordinate in texels of a level of `size`, folded into a range that the
 * integer arithmetic below holds: repeating modes keep their phase, clamping modes
 * lose nothing that matters. */
static inline float texel_space(float t, int32_t size, kiln_texture_addressing_mode mode) {
    float s = t * (float)size;
    if (!(s > -4194304.0f && s < 4194304.0f)) /* huge or NaN */
        s = (s > 0.0f) ? 4194304.0f : 0.0f;
    if (mode == KILN_TAM_WRAP || mode == KILN_TAM_MIRROR) {
        float period = (float)(mode == KILN_TAM_WRAP ? size : 2 * size);
        if (s < 0.0f || s >= period)
            s -= floorf(s / period) * period;
    } else {
        s = s < -2.0f ? -2.0f : (s > (float)size + 2.0f ? (float)size + 2.0f : s);
    }
    return s;
}

static void sample_nearest(const kiln__texture_level *level, kiln_texture_addressing_mode mode,
                           float u, float v, uint8_t out[4]) {
    int32_t w = (int32_t)level->width, h = (int32_t)level->height;
    int32_t x = (int32_t)floorf(texel_space(u, w, mode));
    int32_t y = (int32_t)floorf(texel_space(v, h, mode));
    const uint8_t *t = texel(level, address(x, w, mode), address(y, h, mode));
    out[0] = t[0];
    out[1] = t[1];
    out[2] = t[2];
    out[3] = t[3];
}

/* a + (b - a) * w / 256, rounded, as an 8-bit fixed-point filter computes it. */
static inline int32_t lerp8(int32_t a, int32_t b, int32_t w) {
    return a + (((b - a) * w + 128) >> 8);
}

static void sample_bilinear(const kiln__texture_level *level, kiln_texture_addressing_mode mode,
                            float u, float v, uint8_t out[4]) {
    int32_t w = (int32_t)level->width, h = (int32_t)level->height;
    /* Positions relative to texel centres in 8.8 fixed point: the weights are the
     * low 8 bits. */
    int32_t fx = (int32_t)floorf(texel_space(u, w, mode) * 256.0f + 0.5f) - 128;
    int32_t fy = (int32_t)floorf(texel_space(v, h, mode) * 256.0f + 0.5f) - 128;
    int32_t x0 = fx >> 8, y0 = fy >> 8;
    int32_t wx = fx & 255, wy = fy & 255;
    int32_t ax0 = address(x0, w, mode), ax1 = address(x0 + 1, w, mode);
    int32_t ay0 = address(y0, h, mode), ay1 = address(y0 + 1, h, mode);
    const uint8_t *t00 = texel(level, ax0, ay0), *t01 = texel(level, ax1, ay0);
    const uint8_t *t10 = texel(level, ax0, ay1), *t11 = texel(level, ax1, ay1);
    for (int c = 0; c < 4; c++) {
        int32_t top = lerp8(t00[c], t01[c], wx);
        int32_t bottom = lerp8(t10[c], t11[c], wx);
        out[c] = (uint8_t)lerp8(top, bottom, wy);
    }
}

/* The reference rasterizer filters in 8-bit fixed point only for the repeat and
 * clamp-to-edge modes; mirror and border go through its float path, with exact
 * weights and one rounding at the end. */
/* The four texels of a bilinear sample with exact weights: their addressed columns
 * and rows (-1 for the border) and the weights of the second column and row. */
typedef struct bilinear_footprint {
    int32_t x0, x1, y0, y1;
    float wx, wy;
} bilinear_footprint;

static inline bilinear_footprint footprint(const kiln__texture_level *level,
                                           kiln_texture_addressing_mode mode, float u, float v) {
    int32_t w = (int32_t)level->width, h = (int32_t)level->height;
    float sx = texel_space(u, w, mode) - 0.5f, sy = texel_space(v, h, mode) - 0.5f;
    float fx0 = floorf(sx), fy0 = floorf(sy);
    int32_t x0 = (int32_t)fx0, y0 = (int32_t)fy0;
    return (bilinear_footprint){address(x0, w, mode),
                                address(x0 + 1, w, mode),
                                address(y0, h, mode),
                                address(y0 + 1, h, mode),
                                sx - fx0,
                                sy - fy0};
}

static void sample_bilinear_float(const kiln__texture_level *level,
                                  kiln_texture_addressing_mode mode, float u, float v,
                                  uint8_t out[4]) {
    const bilinear_footprint f = footprint(level, mode, u, v);
    const float wx = f.wx, wy = f.wy;
    const uint8_t *t00 = texel(level, f.x0, f.y0), *t01 = texel(level, f.x1, f.y0);
    const uint8_t *t10 = texel(level, f.x0, f.y1), *t11 = texel(level, f.x1, f.y1);
    for (int c = 0; c < 4; c++) {
        float a = (float)t00[c] * (1.0f / 255.0f), b = (float)t01[c] * (1.0f / 255.0f);
        float d = (float)t10[c] * (1.0f / 255.0f), e = (float)t11[c] * (1.0f / 255.0f);
        float top = a + wx * (b - a), bottom = d + wx * (e - d);
        out[c] = kiln__soft_unorm8(top + wy * (bottom - top));
    }
}

static inline void sample_linear(const kiln__texture_level *level,
                                 kiln_texture_addressing_mode mode, float u, float v,
                                 uint8_t out[4]) {
    if (mode == KILN_TAM_WRAP || mode == KILN_TAM_CLAMP)
        sample_bilinear(level, mode, u, v, out);
    else
        sample_bilinear_float(level, mode, u, v, out);
}

/* The levels a sample reads: nearest filtering reads level 0; bilinear the nearest
 * level (lambda rounded, level 0 when magnifying); trilinear the two around lambda,
 * blended by its fraction (*fraction), or one when lambda lies outside the levels.
 * Returns the number of levels, 1 or 2, from *level. */
static int pick_levels(const kiln__sampler_state *sampler, kiln__soft_lod lod, int32_t *level,
                       float *fraction) {
    int32_t last = (int32_t)sampler->num_levels - 1;
    *level = 0;
    *fraction = 0.0f;
    switch (sampler->filtering) {
    case KILN_TFO_NONE:
        return 1;
    case KILN_TFO_BILINEAR:
        if (lod.nearest > 0.5f)
            *level = lod.nearest >= (float)last ? last : (int32_t)floorf(lod.nearest + 0.5f);
        return 1;
    case KILN_TFO_TRILINEAR:
    case KILN_TFO_ANISOTROPIC:
        break;
    }
    float lambda = lod.linear;
    if (!(lambda > 0.0f) || last == 0)
        return 1;
    if (lambda >= (float)last) {
        *level = last;
        return 1;
    }
    *level = (int32_t)floorf(lambda);
    *fraction = lambda - (float)*level;
    return 2;
}

void kiln__soft_sample(const kiln__sampler_state *sampler, float u, float v, kiln__soft_lod lod,
                       uint8_t out[4]) {
    const kiln__texture_level *levels = sampler->levels;
    if (sampler->filtering == KILN_TFO_NONE) {
        sample_nearest(&levels[0], sampler->addressing, u, v, out);
        return;
    }
    int32_t level;
    float fraction;
    if (pick_levels(sampler, lod, &level, &fraction) == 1) {
        sample_linear(&levels[level], sampler->addressing, u, v, out);
        return;
    }
    /* The blend weight is the fraction truncated to 8 bits. */
    int32_t weight = (int32_t)(fraction * 256.0f);
    uint8_t a[4], b[4];
    sample_linear(&levels[level], sampler->addressing, u, v, a);
    sample_linear(&levels[level + 1], sampler->addressing, u, v, b);
    for (int c = 0; c < 4; c++)
        out[c] = (uint8_t)lerp8(a[c], b[c], weight);
}

/* ---- float texels (formats of more than 8 bits a channel) ---- */

static const float border_texelf[4] = {0.0f, 0.0f, 0.0f, 1.0f};

static inline const float *texelf(const kiln__texture_level *level, int32_t x, int32_t y) {
    if (x < 0 || y < 0)
        return border_texelf;
    return level->texelsf + ((size_t)y * level->width + (size_t)x) * 4;
}

static void sample_nearestf(const kiln__texture_level *level, kiln_texture_addressing_mode mode,
                            float u, float v, float out[4]) {
    int32_t w = (int32_t)level->width, h = (int32_t)level->height;
    int32_t x = (int32_t)floorf(texel_space(u, w, mode));
    int32_t y = (int32_t)floorf(texel_space(v, h, mode));
    memcpy(out, texelf(level, address(x, w, mode), address(y, h, mode)), 4 * sizeof(float));
}

/* Bilinear with exact weights, in float, for every addressing mode. */
static void sample_linearf(const kiln__texture_level *level, kiln_texture_addressing_mode mode,
                           float u, float v, float out[4]) {
    const bilinear_footprint f = footprint(level, mode, u, v);
    const float *t00 = texelf(level, f.x0, f.y0), *t01 = texelf(level, f.x1, f.y0);
    const float *t10 = texelf(level, f.x0, f.y1), *t11 = texelf(level, f.x1, f.y1);
    for (int c = 0; c < 4; c++) {
        float top = t00[c] + f.wx * (t01[c] - t00[c]);
        float bottom = t10[c] + f.wx * (t11[c] - t10[c]);
        out[c] = top + f.wy * (bottom - top);
    }
}

void kiln__soft_samplef(const kiln__sampler_state *sampler, float u, float v, kiln__soft_lod lod,
                        float out[4]) {
    const kiln__texture_level *levels = sampler->levels;
    if (sampler->filtering == KILN_TFO_NONE) {
        sample_nearestf(&levels[0], sampler->addressing, u, v, out);
        return;
    }
    int32_t level;
    float fraction;
    if (pick_levels(sampler, lod, &level, &fraction) == 1) {
        sample_linearf(&levels[level], sampler->addressing, u, v, out);
        return;
    }
    float a[4], b[4];
    sample_linearf(&levels[level], sampler->addressing, u, v, a);
    sample_linearf(&levels[level + 1], sampler->addressing, u, v, b);
    for (int c = 0; c < 4; c++)
        out[c] = a[c] + fraction * (b[c] - a[c]);
}
