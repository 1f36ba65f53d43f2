/* The span kernels, written once over the operations of simd.h and compiled once
 * per instruction set (span_sse2.c, span_avx2.c), which name the table they fill
 * with KILN__SPAN_TABLE. Each step mirrors the per-pixel code it replaces; the
 * comments name it. */
#include "simd.h"
#include "sample.h"
#include "span.h"

#include <float.h>
#include <math.h>
#include <string.h>

/* plane.c + plane.dx * x + plane.dy * y, in that order (shade.c eval). */
static inline __attribute__((always_inline)) vf plane_at(const kiln__soft_plane *p, vf x, vf y) {
    return vf_add(vf_add(vf_set1(p->c), vf_mul(vf_set1(p->dx), x)), vf_mul(vf_set1(p->dy), y));
}

/* The planes of the varyings a kernel reads. With lanes NULL they are the triangle's
 * (sp->t), the same at every lane; otherwise each lane's own triangle's, transposed
 * into vectors (queued fragments): lanes[3 * (k + 1) + j] is coefficient j (c, dx, dy)
 * of varying k, and varying KILN__INV_W is 1 / w, which comes first in the triangle. */
#define KILN__INV_W (-1)
static inline __attribute__((always_inline)) vf coefficient(const kiln__soft_span *sp,
                                                            const vf *lanes, int k, int j) {
    if (lanes)
        return lanes[3 * (k + 1) + j];
    const kiln__soft_plane *p = k == KILN__INV_W ? &sp->t->inv_w : &sp->t->varyings[k];
    return vf_set1(j == 0 ? p->c : (j == 1 ? p->dx : p->dy));
}

/* Varying k at the lanes, as plane_at. */
static inline __attribute__((always_inline)) vf varying_at(const kiln__soft_span *sp,
                                                           const vf *lanes, int k, vf x, vf y) {
    return vf_add(vf_add(coefficient(sp, lanes, k, 0), vf_mul(coefficient(sp, lanes, k, 1), x)),
                  vf_mul(coefficient(sp, lanes, k, 2), y));
}

/* sample.c texel_space. */
static inline __attribute__((always_inline)) vf texel_space(vf t, int32_t size, uint32_t wrap) {
    vf s = vf_mul(t, vf_set1((float)size));
    const vf limit = vf_set1(4194304.0f);
    vf in_range = vf_and(vf_gt(s, vf_sub(vf_setzero(), limit)), vf_lt(s, limit));
    s = vf_select(in_range, s, vf_and(vf_gt(s, vf_setzero()), limit));
    if (wrap) {
        vf period = vf_set1((float)size);
        vf outside = vf_or(vf_lt(s, vf_setzero()), vf_ge(s, period));
        if (!vi_any(vf_as_vi(outside)))
            return s;
        vf folded = vf_sub(s, vf_mul(vf_floor(vf_div(s, period)), period));
        return vf_select(outside, folded, s);
    }
    vf lo = vf_set1(-2.0f), hi = vf_set1((float)size + 2.0f);
    s = vf_select(vf_lt(s, lo), lo, s);
    return vf_select(vf_gt(s, hi), hi, s);
}

/* sample.c address, for wrap and clamp. */
static inline __attribute__((always_inline)) vi address(vi i, int32_t size, uint32_t wrap) {
    vi n = vi_set1(size);
    if (wrap) {
        vi below = vi_gt(vi_zero(), i);
        vi above = vi_gt(i, vi_set1(size - 1));
        return vi_add(i, vi_sub(vi_and(below, n), vi_and(above, n)));
    }
    return vi_min(vi_max(i, vi_zero()), vi_set1(size - 1));
}

static inline vi nearest(const kiln__soft_span_level *l, vf u, vf v, uint32_t wrap) {
    vi x = vf_to_vi_trunc(vf_floor(texel_space(u, l->width, wrap)));
    vi y = vf_to_vi_trunc(vf_floor(texel_space(v, l->height, wrap)));
    x = address(x, l->width, wrap);
    y = address(y, l->height, wrap);
    return vi_gather(l->texels, vi_add(vi_mullo(y, vi_set1(l->width)), x));
}

/* a + (((b - a) * w + 128) >> 8) per 8-bit channel (sample.c lerp8), computed as
 * (a * (256 - w) + b * w + 128) >> 8, which is the same number and stays within 16
 * bits. a and b hold two pixels' channels each, w each pixel's weight four times. */
static inline __attribute__((always_inline)) vi lerp16(vi a, vi b, vi w) {
    vi inv = vi_sub16(vi_set1_16(256), w);
    vi sum = vi_add16(vi_add16(vi_mullo16(a, inv), vi_mullo16(b, w)), vi_set1_16(128));
    return vi_srli16(sum, 8);
}

/* Per-pixel weights (0..255 in 32-bit lanes) spread over the 16-bit channels of the
 * low and high halves that vi_unpacklo8 / vi_unpackhi8 give. */
static inline __attribute__((always_inline)) void spread_weights(vi w, vi *lo, vi *hi) {
    vi twice = vi_or(w, vi_slli(w, 16));
    *lo = vi_unpacklo32(twice, twice);
    *hi = vi_unpackhi32(twice, twice);
}

/* lerp8 of packed RGBA8 texels, channel by channel. */
static inline __attribute__((always_inline)) vi lerp_texels(vi a, vi b, vi w) {
    vi wlo, whi;
    spread_weights(w, &wlo, &whi);
    vi lo = lerp16(vi_unpacklo8(a, vi_zero()), vi_unpacklo8(b, vi_zero()), wlo);
    vi hi = lerp16(vi_unpackhi8(a, vi_zero()), vi_unpackhi8(b, vi_zero()), whi);
    return vi_packus16(lo, hi);
}

/* lerp_texels(lerp_texels(t00, t01, wx), lerp_texels(t10, t11, wx), wy): a lerp of two
 * 8-bit values is an 8-bit value again, so the rows' results stay in 16-bit lanes
 * between the steps instead of being packed and unpacked. */
static inline __attribute__((always_inline)) vi bilerp_texels(vi t00, vi t01, vi t10, vi t11, vi wx,
                                                              vi wy) {
    vi xlo, xhi, ylo, yhi;
    spread_weights(wx, &xlo, &xhi);
    spread_weights(wy, &ylo, &yhi);
    const vi z = vi_zero();
    vi lo = lerp16(lerp16(vi_unpacklo8(t00, z), vi_unpacklo8(t01, z), xlo),
                   lerp16(vi_unpacklo8(t10, z), vi_unpacklo8(t11, z), xlo), ylo);
    vi hi = lerp16(lerp16(vi_unpackhi8(t00, z), vi_unpackhi8(t01, z), xhi),
                   lerp16(vi_unpackhi8(t10, z), vi_unpackhi8(t11, z), xhi), yhi);
    return vi_packus16(lo, hi);
}

/* sample.c sample_bilinear (wrap and clamp: the 8-bit fixed-point path), in two parts:
 * what depends on v alone (the two texel rows and their weight), which is the same for
 * a whole row of pixels where v does not change along it, and the rest. */
typedef struct texel_rows {
    vi row0, row1, wy;
} texel_rows;

static inline __attribute__((always_inline)) texel_rows
bilinear_rows(const kiln__soft_span_level *l, vf v, uint32_t wrap) {
    const vf f256 = vf_set1(256.0f), half = vf_set1(0.5f);
    vi fy = vi_sub(
        vf_to_vi_trunc(vf_floor(vf_add(vf_mul(texel_space(v, l->height, wrap), f256), half))),
        vi_set1(128));
    vi y0 = vi_srai(fy, 8);
    vi ay0 = address(y0, l->height, wrap), ay1 = address(vi_add(y0, vi_set1(1)), l->height, wrap);
    return (texel_rows){vi_mullo(ay0, vi_set1(l->width)), vi_mullo(ay1, vi_set1(l->width)),
                        vi_and(fy, vi_set1(255))};
}

/* The columns of the lanes' texel pairs at u and the weight of the second. */
typedef struct texel_columns {
    vi ax0, ax1, wx;
} texel_columns;

static inline __attribute__((always_inline)) texel_columns
bilinear_columns(const kiln__soft_span_level *l, vf u, uint32_t wrap) {
    const vf f256 = vf_set1(256.0f), half = vf_set1(0.5f);
    vi fx =
        vi_sub(vf_to_vi_trunc(vf_floor(vf_add(vf_mul(texel_space(u, l->width, wrap), f256), half))),
               vi_set1(128));
    vi x0 = vi_srai(fx, 8);
    return (texel_columns){address(x0, l->width, wrap),
                           address(vi_add(x0, vi_set1(1)), l->width, wrap),
                           vi_and(fx, vi_set1(255))};
}

/* Whether every lane's two texels are neighbours in memory. */
static inline __attribute__((always_inline)) int columns_adjacent(const texel_columns *c) {
    return !vi_any(vi_andnot(vi_eq(c->ax1, vi_add(c->ax0, vi_set1(1))), vi_set1(-1)));
}

/* The texel pairs at columns c of the texel row starting at texel `row`. */
static inline __attribute__((always_inline)) void row_pairs(const kiln__soft_span_level *l,
                                                            const texel_columns *c, int32_t row,
                                                            vi *first, vi *second) {
    if (columns_adjacent(c)) {
        int32_t base;
        vi at;
        if (vi_pairs_window(l->width, c->ax0, &base, &at))
            vi_pairs_at(l->texels + row, base, at, first, second);
        else
            vi_gather_pairs(l->texels, vi_add(vi_set1(row), c->ax0), first, second);
        return;
    }
    *first = vi_gather(l->texels, vi_add(vi_set1(row), c->ax0));
    *second = vi_gather(l->texels, vi_add(vi_set1(row), c->ax1));
}

static inline __attribute__((always_inline)) vi bilinear_in_rows(const kiln__soft_span_level *l,
                                                                 vf u, const texel_rows *r,
                                                                 uint32_t wrap, int same_rows) {
    const texel_columns c = bilinear_columns(l, u, wrap);
    vi t00, t01, t10, t11;
    if (same_rows) {
        /* Where every lane reads the same two rows (v is constant along the pixels'
         * row): loads and permutations where the texels lie close together. */
        row_pairs(l, &c, vi_first(r->row0), &t00, &t01);
        row_pairs(l, &c, vi_first(r->row1), &t10, &t11);
    } else if (columns_adjacent(&c)) {
        /* Every lane's two texels are neighbours in memory: one load for both. */
        vi_gather_pairs(l->texels, vi_add(r->row0, c.ax0), &t00, &t01);
        vi_gather_pairs(l->texels, vi_add(r->row1, c.ax0), &t10, &t11);
    } else {
        t00 = vi_gather(l->texels, vi_add(r->row0, c.ax0));
        t01 = vi_gather(l->texels, vi_add(r->row0, c.ax1));
        t10 = vi_gather(l->texels, vi_add(r->row1, c.ax0));
        t11 = vi_gather(l->texels, vi_add(r->row1, c.ax1));
    }
    return bilerp_texels(t00, t01, t10, t11, c.wx, r->wy);
}

static inline vi bilinear(const kiln__soft_span_level *l, vf u, vf v, uint32_t wrap) {
    texel_rows r = bilinear_rows(l, v, wrap);
    return bilinear_in_rows(l, u, &r, wrap, 0);
}

/* shade.c kiln__soft_unorm8, per lane, into 0..255. */
static inline __attribute__((always_inline)) vi unorm8(vf v) {
    const vf magic = vf_set1(12582912.0f);
    vi rounded = vf_to_vi_trunc(vf_sub(vf_add(vf_mul(v, vf_set1(255.0f)), magic), magic));
    vi r = vi_select(vf_as_vi(vf_ge(v, vf_set1(1.0f))), vi_set1(255), rounded);
    return vi_and(r, vf_as_vi(vf_gt(v, vf_setzero())));
}

static inline __attribute__((always_inline)) vf channel(vi texel, int k) {
    return vf_mul(vi_to_vf(vi_and(vi_srli(texel, 8 * k), vi_set1(255))), vf_set1(1.0f / 255.0f));
}

/* sample.h kiln__soft_log2, per lane. */
static inline vf vf_log2(vf x) {
    vi bits = vf_as_vi(x);
    vi e = vi_sub(vi_and(vi_srli(bits, 23), vi_set1(255)), vi_set1(127));
    vi mantissa = vi_or(vi_and(bits, vi_set1(0x7FFFFF)), vi_set1(0x3F800000));
    vi big = vi_gt(mantissa, vi_set1((int)KILN__LOG2_SQRT2_BITS));
    mantissa = vi_sub(mantissa, vi_and(big, vi_set1(0x00800000)));
    e = vi_sub(e, big);
    vf m = vi_as_vf(mantissa), one = vf_set1(1.0f);
    vf t = vf_div(vf_sub(m, one), vf_add(m, one)), t2 = vf_mul(t, t);
    vf ln = vf_add(vf_set1(0.2857143f), vf_mul(t2, vf_set1(0.2222222f)));
    ln = vf_add(vf_set1(0.4f), vf_mul(t2, ln));
    ln = vf_add(vf_set1(0.6666667f), vf_mul(t2, ln));
    ln = vf_mul(t, vf_add(vf_set1(2.0f), vf_mul(t2, ln)));
    return vf_add(vi_to_vf(e), vf_mul(ln, vf_set1(1.442695041f)));
}

/* sample.c kiln__soft_sample_lod at every lane: the exact and the blending lambda,
 * -inf where the footprint is zero or not finite. */
static inline __attribute__((always_inline)) void lods(const kiln__soft_span *sp, const vf *lanes,
                                                       vf u, vf v, vf q, vf *nearest, vf *linear) {
    const vf iw_dx = coefficient(sp, lanes, KILN__INV_W, 1);
    const vf iw_dy = coefficient(sp, lanes, KILN__INV_W, 2);
    vf dudx = vf_mul(vf_sub(coefficient(sp, lanes, KILN__VARYING_U, 1), vf_mul(u, iw_dx)), q);
    vf dvdx = vf_mul(vf_sub(coefficient(sp, lanes, KILN__VARYING_V, 1), vf_mul(v, iw_dx)), q);
    vf dudy = vf_mul(vf_sub(coefficient(sp, lanes, KILN__VARYING_U, 2), vf_mul(u, iw_dy)), q);
    vf dvdy = vf_mul(vf_sub(coefficient(sp, lanes, KILN__VARYING_V, 2), vf_mul(v, iw_dy)), q);
    vf w = vf_set1(sp->width0), h = vf_set1(sp->height0);
    vf xx = vf_mul(dudx, w), xy = vf_mul(dvdx, h), yx = vf_mul(dudy, w), yy = vf_mul(dvdy, h);
    vf a = vf_add(vf_mul(xx, xx), vf_mul(xy, xy)), b = vf_add(vf_mul(yx, yx), vf_mul(yy, yy));
    /* fmaxf: the larger, or the one that is not NaN. */
    vf rho2 = vf_select(vf_or(vf_gt(b, a), vf_neq(a, a)), b, a);
    vf valid = vf_and(vf_gt(rho2, vf_setzero()), vf_le(rho2, vf_set1(FLT_MAX)));
    const vf minus_infinity = vf_set1(-INFINITY), half = vf_set1(0.5f);
    *nearest = vf_select(valid, vf_mul(half, vf_log2(rho2)), minus_infinity);
    /* frexpf's exponent and mantissa of a normal float, from its bits. */
    vi bits = vf_as_vi(rho2);
    vf exponent = vi_to_vf(vi_sub(vi_and(vi_srli(bits, 23), vi_set1(255)), vi_set1(127)));
    vf mantissa = vf_sub(vi_as_vf(vi_or(vi_and(bits, vi_set1(0x7FFFFF)), vi_set1(0x3F800000))),
                         vf_set1(1.0f));
    *linear = vf_select(valid, vf_mul(half, vf_add(exponent, mantissa)), minus_infinity);
}

/* The bilinear texels of each lane's own level; one pass per level the active lanes
 * use. */
static inline vi bilinear_levels(const kiln__soft_span *sp, vi level, vf u, vf v, vi active) {
    uint32_t pending = vi_bits(active);
    if (!pending)
        return vi_zero();
    int32_t lv[W];
    vi_storeu(lv, level);
    vi out = vi_zero();
    bool first = true;
    while (pending) {
        int32_t l = lv[__builtin_ctz(pending)];
        const kiln__texture_level *m = &sp->mips[l];
        kiln__soft_span_level one = {(const uint32_t *)(const void *)m->texels, (int32_t)m->width,
                                     (int32_t)m->height};
        vi same = vi_eq(level, vi_set1(l));
        uint32_t lanes = vi_bits(same) & pending;
        /* The common case: every active lane reads the same level. */
        if (first && lanes == pending)
            return bilinear(&one, u, v, sp->wrap);
        out = vi_select(same, bilinear(&one, u, v, sp->wrap), out);
        pending &= ~lanes;
        first = false;
    }
    return out;
}

/* sample.c kiln__soft_sample for TFO_BILINEAR and TFO_TRILINEAR with a lambda at
 * every lane. */
static inline __attribute__((always_inline)) vi
sample_mipmapped(const kiln__soft_span *sp, const vf *lanes, int tex, vf u, vf v, vf q, vi active) {
    vf nearest, linear;
    lods(sp, lanes, u, v, q, &nearest, &linear);
    const vi last = vi_set1(sp->last_level);
    const vf last_f = vf_set1((float)sp->last_level);
    if (tex == KILN__SPAN_TEX_BILINEAR) {
        vi rounded = vf_to_vi_trunc(vf_floor(vf_add(nearest, vf_set1(0.5f))));
        vi level = vi_select(vf_as_vi(vf_ge(nearest, last_f)), last, rounded);
        level = vi_and(level, vf_as_vi(vf_gt(nearest, vf_set1(0.5f))));
        return bilinear_levels(sp, level, u, v, active);
    }
    if (sp->last_level == 0)
        return bilinear_levels(sp, vi_zero(), u, v, active);
    vi positive = vf_as_vi(vf_gt(linear, vf_setzero()));
    vi top = vf_as_vi(vf_ge(linear, last_f));
    vf floor_lambda = vf_floor(linear);
    vi blend = vi_andnot(top, positive);
    vi level = vi_and(positive, vi_select(top, last, vf_to_vi_trunc(floor_lambda)));
    vi weight =
        vi_and(blend, vf_to_vi_trunc(vf_mul(vf_sub(linear, floor_lambda), vf_set1(256.0f))));
    vi a = bilinear_levels(sp, level, u, v, active);
    vi both = vi_and(active, blend);
    if (!vi_any(both))
        return a;
    vi b = bilinear_levels(sp, vi_min(vi_add(level, vi_set1(1)), last), u, v, both);
    return lerp_texels(a, b, weight);
}

/* The depth test (and write, into *depth) of the lanes of mask whose window depth
 * (before the clamp) is z: the lanes that pass. */
static inline __attribute__((always_inline)) vi depth_test_at(const kiln__soft_span *sp, vf z,
                                                              vf *depth, vi mask, int depth_test) {
    /* raster.c: window depth clamped to [0, 1], then the test. */
    z = vf_select(vf_lt(z, vf_setzero()), vf_setzero(), z);
    z = vf_select(vf_gt(z, vf_set1(1.0f)), vf_set1(1.0f), z);
    vf stored = *depth;
    if (depth_test == KILN__SPAN_DEPTH_LESS_EQUAL) {
        /* less or equal (both comparisons ordered, as the masks are) */
        mask = vi_and(mask, vf_as_vi(vf_le(z, stored)));
        *depth = vf_select(vi_as_vf(mask), z, stored);
        return mask;
    }
    vi pass = vi_and(vf_as_vi(vf_lt(z, stored)), vi_set1((int)sp->pass_lt));
    pass = vi_or(pass, vi_and(vf_as_vi(vf_eq(z, stored)), vi_set1((int)sp->pass_eq)));
    pass = vi_or(pass, vi_and(vf_as_vi(vf_gt(z, stored)), vi_set1((int)sp->pass_gt)));
    pass = vi_or(pass, vi_and(vf_as_vi(vf_neq(z, stored)), vi_set1((int)sp->pass_neq)));
    pass = vi_or(pass, vi_set1((int)sp->pass_always));
    mask = vi_and(mask, pass);
    vi write = vi_and(mask, vi_set1((int)sp->depth_write));
    *depth = vf_select(vi_as_vf(write), z, stored);
    return mask;
}

/* depth_test_at of the lanes at pixel centres (xc, yc). */
static inline __attribute__((always_inline)) vi depth_lanes(const kiln__soft_span *sp, vf xc, vf yc,
                                                            vf *depth, vi mask, int depth_test) {
    return depth_test_at(sp, plane_at(&sp->t->depth, xc, yc), depth, mask, depth_test);
}

/* The colour of the lanes at pixel centres (xc, yc), those of mask drawn: shading
 * (shade.c) and the conversion to 8 bits. lanes as for coefficient. */
static inline __attribute__((always_inline)) vi
shade_colour(const kiln__soft_span *sp, const vf *lanes, vf xc, vf yc, vi mask,
             const texel_rows *rows, const vi *given, int persp, int tex, int source) {
    /* shade.c: 1 / w for perspective-correct varyings. */
    const vf q =
        persp ? vf_div(vf_set1(1.0f), varying_at(sp, lanes, KILN__INV_W, xc, yc)) : vf_set1(1.0f);
    vi texel = vi_zero();
    if (given) {
        texel = *given; /* sampled by the caller */
    } else if (tex != KILN__SPAN_TEX_NONE && persp) {
        vf u = vf_mul(varying_at(sp, lanes, KILN__VARYING_U, xc, yc), q),
           v = vf_mul(varying_at(sp, lanes, KILN__VARYING_V, xc, yc), q);
        if (tex == KILN__SPAN_TEX_NEAREST)
            texel = nearest(&sp->level[0], u, v, sp->wrap);
        else
            texel = sample_mipmapped(sp, lanes, tex, u, v, q, mask);
    } else if (tex != KILN__SPAN_TEX_NONE) {
        vf u = varying_at(sp, lanes, KILN__VARYING_U, xc, yc),
           v = varying_at(sp, lanes, KILN__VARYING_V, xc, yc);
        if (tex == KILN__SPAN_TEX_NEAREST) {
            texel = nearest(&sp->level[0], u, v, sp->wrap);
        } else if (rows && tex == KILN__SPAN_TEX_BILINEAR) {
            texel = bilinear_in_rows(&sp->level[0], u, rows, sp->wrap, 1);
        } else {
            texel = bilinear(&sp->level[0], u, v, sp->wrap);
            if (tex == KILN__SPAN_TEX_TRILINEAR)
                texel = lerp_texels(texel, bilinear(&sp->level[1], u, v, sp->wrap),
                                    vi_set1(sp->level_weight));
        }
    }
    if (source == KILN__SPAN_COLOUR_TEXEL)
        return texel;
    vf c[4];
    for (int k = 0; k < 4; k++)
        c[k] = source == KILN__SPAN_COLOUR_CONSTANT ? vf_set1(sp->constant[k])
               : persp ? vf_mul(varying_at(sp, lanes, KILN__VARYING_R + k, xc, yc), q)
                       : varying_at(sp, lanes, KILN__VARYING_R + k, xc, yc);
    if (tex != KILN__SPAN_TEX_NONE) {
        /* shade.c combine. */
        if (sp->operation == KILN_LBO_MODULATE) {
            for (int k = 0; k < 3; k++)
                c[k] = vf_mul(c[k], channel(texel, k));
        } else if (sp->operation == KILN_LBO_REPLACE) {
            for (int k = 0; k < 3; k++)
                c[k] = channel(texel, k);
        } else {
            for (int k = 0; k < 3; k++)
                c[k] = vf_add(c[k], channel(texel, k));
        }
        c[3] = vf_mul(c[3], channel(texel, 3));
    }
    if (source == KILN__SPAN_COLOUR_VARYING && sp->add_specular)
        for (int k = 0; k < 3; k++)
            c[k] = vf_add(
                c[k], persp ? vf_mul(varying_at(sp, lanes, KILN__VARYING_SPECULAR + k, xc, yc), q)
                            : varying_at(sp, lanes, KILN__VARYING_SPECULAR + k, xc, yc));
    return vi_or(vi_or(unorm8(c[0]), vi_slli(unorm8(c[1]), 8)),
                 vi_or(vi_slli(unorm8(c[2]), 16), vi_slli(unorm8(c[3]), 24)));
}

/* The pixels at (xi, yi), W at a time, given their colour and depth and the mask of
 * those covered: updates *colour and *depth in registers. Returns false when no
 * pixel is drawn (nothing changed). */
static inline __attribute__((always_inline)) bool
shade_lanes(const kiln__soft_span *sp, vi xi, vi yi, vi *colour, vf *depth, vi mask,
            const texel_rows *rows, int depth_test, int persp, int tex, int source) {
    const vf xc = vf_add(vi_to_vf(xi), vf_set1(0.5f));
    const vf yc = vf_add(vi_to_vf(yi), vf_set1(0.5f));
    if (depth_test) {
        mask = depth_lanes(sp, xc, yc, depth, mask, depth_test);
        if (!vi_any(mask))
            return false;
    }
    *colour = vi_select(mask, shade_colour(sp, NULL, xc, yc, mask, rows, NULL, persp, tex, source),
                        *colour);
    return true;
}

/* W pixels of row y from x, those of mask covered. */
static inline __attribute__((always_inline)) void
span_pixels(const kiln__soft_span *sp, uint32_t *colour, float *depth, vi mask, int32_t x,
            int32_t y, const texel_rows *rows, int depth_test, int persp, int tex, int source) {
    vi c = vi_loadu(colour);
    vf d = depth_test ? vf_loadu(depth) : vf_setzero();
    if (!shade_lanes(sp, vi_add(vi_set1(x), vi_lanes()), vi_set1(y), &c, &d, mask, rows, depth_test,
                     persp, tex, source))
        return;
    vi_storeu(colour, c);
    if (depth_test)
        vf_storeu(depth, d);
}

/* Pixels [x0, x1) of row y, a vector at a time; the lanes of the last one past x1 are
 * masked off. Colour and depth are the tile's own working memory, which has room
 * for a vector past its last pixel, so the whole vector may be loaded and stored. */
static inline __attribute__((always_inline)) void
span_pixels_of_row(const kiln__soft_span *sp, int32_t y, int32_t x0, int32_t x1, int depth_test,
                   int persp, int tex, int source) {
    kiln__soft_tile *tile = sp->tile;
    uint32_t *colour = (uint32_t *)(void *)kiln__soft_tile_colour8(tile, x0, y);
    float *depth = kiln__soft_tile_depth(tile, x0, y);
    const vi all = vi_set1(-1);
    /* Where v does not change along the row (a quad aligned with the screen), the
     * texel rows are the same for every pixel of it. */
    texel_rows row_texels, *rows = NULL;
    if (!persp && tex == KILN__SPAN_TEX_BILINEAR && sp->v_along_rows_constant) {
        const vf xc = vf_add(vi_to_vf(vi_add(vi_set1(x0), vi_lanes())), vf_set1(0.5f));
        const vf yc = vf_set1((float)y + 0.5f);
        row_texels = bilinear_rows(&sp->level[0],
                                   plane_at(&sp->t->varyings[KILN__VARYING_V], xc, yc), sp->wrap);
        rows = &row_texels;
    }
    int32_t x = x0;
    for (; x + W <= x1; x += W, colour += W, depth += W)
        span_pixels(sp, colour, depth, all, x, y, rows, depth_test, persp, tex, source);
    if (x < x1)
        span_pixels(sp, colour, depth, vi_lanes_below(x, x1), x, y, rows, depth_test, persp, tex,
                    source);
}

/* span_pixels_of_row, compiled for each state where the triangles are large (without
 * perspective: quads facing the screen, the tutorial's) and shared with perspective,
 * whose triangles are mostly the queued small ones. */
static void span_row(const kiln__soft_span *sp, int32_t y, int32_t x0, int32_t x1, int depth_test,
                     int persp, int tex, int source) {
    span_pixels_of_row(sp, y, x0, x1, depth_test, persp, tex, source);
}

/* A block of W / 2 x 2 pixels from (x, y): the lanes inside the triangle's edges and
 * its bounds in the tile. On the tile's last row the second row is row 0 again, with
 * its lanes off. */
static inline __attribute__((always_inline)) vi block_mask(const kiln__soft_span *sp, int32_t x,
                                                           int32_t y, const int32_t edge[3]) {
    const vi bx = vi_block_x(), by = vi_block_y();
    vi outside = vi_zero();
    for (int i = 0; i < 3; i++)
        outside =
            vi_or(outside, vi_add(vi_set1(edge[i]),
                                  vi_add(vi_mullo(vi_set1(sp->block_a[i]), bx),
                                         vi_and(vi_set1(sp->block_b[i]), vi_sub(vi_zero(), by)))));
    /* Covered: every edge function >= 0 (no sign bit in their or), and inside the
     * bounds. */
    vi mask = vi_gt(outside, vi_set1(-1));
    mask = vi_and(mask, vi_gt(vi_set1(sp->x_end - x), bx));
    return vi_and(mask, vi_gt(vi_set1(sp->y_end - y), by));
}

static inline void block_pixels(const kiln__soft_span *sp, int32_t x, int32_t y,
                                const int32_t edge[3], int depth_test, int persp, int tex,
                                int source) {
    const vi bx = vi_block_x(), by = vi_block_y();
    vi mask = block_mask(sp, x, y, edge);
    if (!vi_any(mask))
        return;
    kiln__soft_tile *tile = sp->tile;
    const int32_t y1 = y + 1 < sp->y_end ? y + 1 : y;
    uint32_t *c0 = (uint32_t *)(void *)kiln__soft_tile_colour8(tile, x, y);
    uint32_t *c1 = (uint32_t *)(void *)kiln__soft_tile_colour8(tile, x, y1);
    float *d0 = kiln__soft_tile_depth(tile, x, y), *d1 = kiln__soft_tile_depth(tile, x, y1);
    vi c = vi_load_rows(c0, c1);
    vf d = depth_test ? vi_as_vf(vi_load_rows(d0, d1)) : vf_setzero();
    if (!shade_lanes(sp, vi_add(vi_set1(x), bx), vi_add(vi_set1(y), by), &c, &d, mask, NULL,
                     depth_test, persp, tex, source))
        return;
    if (y1 == y) {
        /* The tile's last row: its second row was row 0 again, and is not stored. */
        vi_store_first_row(c0, c);
        if (depth_test)
            vi_store_first_row(d0, vf_as_vi(d));
        return;
    }
    vi_store_rows(c0, c1, c);
    if (depth_test)
        vi_store_rows(d0, d1, vf_as_vi(d));
}

/* The lanes of mask of the block at (x, y), as block_pixels draws them up to the
 * depth test and write; those that pass join the tile's queue (span.pending), to be
 * shaded with the fragments of other triangles. */
static inline __attribute__((always_inline)) void queue_lanes(const kiln__soft_span *sp, int32_t x,
                                                              int32_t y, vi mask, int depth_test) {
    if (depth_test) {
        kiln__soft_tile *tile = sp->tile;
        const int32_t y1 = y + 1 < sp->y_end ? y + 1 : y;
        float *d0 = kiln__soft_tile_depth(tile, x, y), *d1 = kiln__soft_tile_depth(tile, x, y1);
        vf d = vi_as_vf(vi_load_rows(d0, d1));
        const vf xc = vf_add(vi_to_vf(vi_add(vi_set1(x), vi_block_x())), vf_set1(0.5f));
        const vf yc = vf_add(vi_to_vf(vi_add(vi_set1(y), vi_block_y())), vf_set1(0.5f));
        mask = depth_lanes(sp, xc, yc, &d, mask, depth_test);
        if (!vi_any(mask))
            return;
        if (y1 == y)
            vi_store_first_row(d0, vf_as_vi(d));
        else
            vi_store_rows(d0, d1, vf_as_vi(d));
    }
    kiln__soft_pending *q = sp->pending;
    if (q->count > KILN__SOFT_PENDING - W)
        sp->shade_pending(sp, q);
    uint32_t bits = vi_bits(mask), n = q->count;
    const kiln__soft_triangle *t = sp->t;
    while (bits) {
        const int32_t j = __builtin_ctz(bits);
        bits &= bits - 1;
        q->x[n] = x + j % (W / 2);
        q->y[n] = y + j / (W / 2);
        q->t[n] = t;
        n++;
    }
    q->count = n;
}

static inline __attribute__((always_inline)) void queue_block(const kiln__soft_span *sp, int32_t x,
                                                              int32_t y, const int32_t edge[3],
                                                              int depth_test) {
    vi mask = block_mask(sp, x, y, edge);
    if (vi_any(mask))
        queue_lanes(sp, x, y, mask, depth_test);
}

/* Every block of [x0, span.x_end) x [y0, span.y_end), for a triangle whose edge
 * functions stay within 32 bits there (edge: at the pixel centre of (x0, y0)): the
 * edge functions of a block's lanes are those of the last block plus a step. */
static inline __attribute__((always_inline)) void queue_triangle(const kiln__soft_span *sp,
                                                                 int32_t x0, int32_t y0,
                                                                 const int32_t edge[3],
                                                                 int depth_test) {
    const vi bx = vi_block_x(), by = vi_block_y();
    vi row[3], step_x[3], step_y[3];
    for (int i = 0; i < 3; i++) {
        const vi a = vi_set1(sp->block_a[i]), b = vi_set1(sp->block_b[i]);
        row[i] =
            vi_add(vi_set1(edge[i]), vi_add(vi_mullo(a, bx), vi_and(b, vi_sub(vi_zero(), by))));
        step_x[i] = vi_set1(sp->block_a[i] * (W / 2));
        step_y[i] = vi_add(b, b);
    }
    for (int32_t y = y0; y < sp->y_end; y += 2) {
        vi e[3] = {row[0], row[1], row[2]};
        const vi rows_in = vi_gt(vi_set1(sp->y_end - y), by);
        for (int32_t x = x0; x < sp->x_end; x += W / 2) {
            /* Covered: every edge function >= 0 (no sign bit in their or), and inside
             * the bounds. */
            vi mask = vi_gt(vi_or(vi_or(e[0], e[1]), e[2]), vi_set1(-1));
            mask = vi_and(mask, vi_and(rows_in, vi_gt(vi_set1(sp->x_end - x), bx)));
            if (vi_any(mask))
                queue_lanes(sp, x, y, mask, depth_test);
            for (int i = 0; i < 3; i++)
                e[i] = vi_add(e[i], step_x[i]);
        }
        for (int i = 0; i < 3; i++)
            row[i] = vi_add(row[i], step_y[i]);
    }
}

/* Shades the queued fragments W at a time, each lane with its own triangle's planes,
 * and stores their colours in the order they were queued. */
static inline __attribute__((always_inline)) void
shade_queue(const kiln__soft_span *sp, kiln__soft_pending *q, int tex, int source) {
    const uint32_t n = q->count;
    /* The lanes past the last fragment repeat it, and are not stored. */
    for (uint32_t j = n; j < n + W; j++) {
        q->x[j] = q->x[n - 1];
        q->y[j] = q->y[n - 1];
        q->t[j] = q->t[n - 1];
    }
    const uint32_t floats = sp->pending_floats;
    kiln__soft_tile *tile = sp->tile;
    for (uint32_t i = 0; i < n; i += W) {
        /* Each lane's planes from 1 / w on, W floats of every lane at a time. */
        vf lanes[3 * (KILN__VARYING_SPECULAR + 4)];
        const float *rows[W];
        for (int j = 0; j < W; j++)
            rows[j] = &q->t[i + (uint32_t)j]->inv_w.c;
        for (uint32_t g = 0; g < floats; g += W) {
            const uint32_t at = g + W <= floats ? g : floats - W;
            vf_transpose(rows, at, lanes + at);
        }
        const vi xi = vi_loadu(q->x + i), yi = vi_loadu(q->y + i);
        const vf xc = vf_add(vi_to_vf(xi), vf_set1(0.5f));
        const vf yc = vf_add(vi_to_vf(yi), vf_set1(0.5f));
        uint32_t colour[W];
        vi_storeu(colour, shade_colour(sp, lanes, xc, yc, vi_lanes_below((int32_t)i, (int32_t)n),
                                       NULL, NULL, 1, tex, source));
        const uint32_t m = n - i < W ? n - i : W;
        for (uint32_t j = 0; j < m; j++)
            memcpy(kiln__soft_tile_colour8(tile, q->x[i + j], q->y[i + j]), &colour[j], 4);
    }
    q->count = 0;
}

/* How a vector of columns of sp->separable reads its texel pairs. */
enum { PAIRS_WINDOW, PAIRS_ADJACENT, PAIRS_APART };

/* The columns of sp->separable: those of the triangle's part of the tile from
 * span.row_x0, a vector at a time. u does not change down, so the row of pixels it
 * is found at does not matter. */
static inline __attribute__((always_inline)) void separable_columns(const kiln__soft_span *sp,
                                                                    float yc) {
    kiln__soft_separable *s = sp->separable;
    const kiln__soft_span_level *l = &sp->level[0];
    const kiln__soft_plane *u = &sp->t->varyings[KILN__VARYING_U];
    for (int32_t x = sp->row_x0, g = 0; x < sp->row_x1; x += W, g++) {
        const vf xc = vf_add(vi_to_vf(vi_add(vi_set1(x), vi_lanes())), vf_set1(0.5f));
        const texel_columns c = bilinear_columns(l, plane_at(u, xc, vf_set1(yc)), sp->wrap);
        vi first = c.ax0, wlo, whi;
        int32_t base = 0;
        if (!columns_adjacent(&c))
            s->reading[g] = PAIRS_APART;
        else if (vi_pairs_window(l->width, c.ax0, &base, &first))
            s->reading[g] = PAIRS_WINDOW;
        else
            s->reading[g] = PAIRS_ADJACENT;
        s->base[g] = base;
        vi_storeu(s->first + g * W, first);
        vi_storeu(s->second + g * W, c.ax1);
        spread_weights(c.wx, &wlo, &whi);
        vi_storeu(s->weights + g * W * 4, wlo);
        vi_storeu(s->weights + g * W * 4 + W * 2, whi);
        /* plane_at's first sum for the depth, which the rows finish. */
        const kiln__soft_plane *z = &sp->t->depth;
        vf_storeu(s->depth_across + g * W, vf_add(vf_set1(z->c), vf_mul(vf_set1(z->dx), xc)));
    }
    s->columns_found = true;
}

/* The slot of sp->separable that holds texel row `row` lerped across, filling the one
 * that does not hold `keep` when neither does. */
static inline __attribute__((always_inline)) int
separable_slot(const kiln__soft_span *sp, int32_t row, int32_t keep, float yc) {
    kiln__soft_separable *s = sp->separable;
    if (s->row[0] == row)
        return 0;
    if (s->row[1] == row)
        return 1;
    if (!s->columns_found)
        separable_columns(sp, yc);
    const int slot = s->row[0] == keep ? 1 : 0;
    const kiln__soft_span_level *l = &sp->level[0];
    const vi z = vi_zero();
    vi *out = (vi *)(void *)s->lerped[slot];
    for (int32_t x = sp->row_x0, g = 0; x < sp->row_x1; x += W, g++, out += 2) {
        const vi first = vi_loadu(s->first + g * W);
        vi a, b;
        if (s->reading[g] == PAIRS_WINDOW) {
            vi_pairs_at(l->texels + row, s->base[g], first, &a, &b);
        } else if (s->reading[g] == PAIRS_ADJACENT) {
            vi_gather_pairs(l->texels, vi_add(vi_set1(row), first), &a, &b);
        } else {
            a = vi_gather(l->texels, vi_add(vi_set1(row), first));
            b = vi_gather(l->texels, vi_add(vi_set1(row), vi_loadu(s->second + g * W)));
        }
        out[0] = lerp16(vi_unpacklo8(a, z), vi_unpacklo8(b, z), vi_loadu(s->weights + g * W * 4));
        out[1] = lerp16(vi_unpackhi8(a, z), vi_unpackhi8(b, z),
                        vi_loadu(s->weights + g * W * 4 + W * 2));
    }
    s->row[slot] = row;
    return slot;
}

/* Pixels [x0, x1) of row y of a triangle whose bilinear texture faces the screen: each
 * vector of columns from span.row_x0 lerps down between the two texel rows lerped
 * across (bilerp_texels, in the same steps), the lanes outside [x0, x1) masked off. */
static inline __attribute__((always_inline)) void separable_row(const kiln__soft_span *sp,
                                                                int32_t y, int32_t x0, int32_t x1,
                                                                int depth_test, int source) {
    const kiln__soft_span_level *l = &sp->level[0];
    const float yc = (float)y + 0.5f;
    const texel_rows r = bilinear_rows(
        l,
        plane_at(&sp->t->varyings[KILN__VARYING_V],
                 vf_add(vi_to_vf(vi_add(vi_set1(x0), vi_lanes())), vf_set1(0.5f)), vf_set1(yc)),
        sp->wrap);
    const int32_t row0 = vi_first(r.row0), row1 = vi_first(r.row1);
    const int slot0 = separable_slot(sp, row0, row1, yc);
    const int slot1 = separable_slot(sp, row1, row0, yc);
    const int32_t first = x0 - (x0 - sp->row_x0) % W;
    const vi *h0 =
        (const vi *)(const void *)sp->separable->lerped[slot0] + 2 * ((first - sp->row_x0) / W);
    const vi *h1 =
        (const vi *)(const void *)sp->separable->lerped[slot1] + 2 * ((first - sp->row_x0) / W);
    vi ylo, yhi;
    spread_weights(r.wy, &ylo, &yhi);
    kiln__soft_tile *tile = sp->tile;
    uint32_t *colour = (uint32_t *)(void *)kiln__soft_tile_colour8(tile, first, y);
    float *depth = kiln__soft_tile_depth(tile, first, y);
    /* The slots above found the columns, with their depth sums, if no row before had. */
    const float *across = sp->separable->depth_across + (first - sp->row_x0);
    const vf down = vf_mul(vf_set1(sp->t->depth.dy), vf_set1(yc));
    for (int32_t x = first; x < x1;
         x += W, colour += W, depth += W, across += W, h0 += 2, h1 += 2) {
        vi mask = vi_lanes_below(x, x1);
        if (x < x0)
            mask = vi_andnot(vi_lanes_below(x, x0), mask);
        vf d = vf_setzero();
        if (depth_test) {
            d = vf_loadu(depth);
            /* plane_at: the columns' sums, then the row's term. */
            mask = depth_test_at(sp, vf_add(vf_loadu(across), down), &d, mask, depth_test);
            if (!vi_any(mask))
                continue;
        }
        const vi texel = vi_packus16(lerp16(h0[0], h1[0], ylo), lerp16(h0[1], h1[1], yhi));
        const vf xc = vf_add(vi_to_vf(vi_add(vi_set1(x), vi_lanes())), vf_set1(0.5f));
        vi c = vi_loadu(colour);
        c = vi_select(mask,
                      shade_colour(sp, NULL, xc, vf_set1(yc), mask, NULL, &texel, 0,
                                   KILN__SPAN_TEX_BILINEAR, source),
                      c);
        vi_storeu(colour, c);
        if (depth_test)
            vf_storeu(depth, d);
    }
}

#define KILN__SPAN_KERNEL(D, P, T, S)                                                              \
    static void span_##D##_##P##_##T##_##S(const kiln__soft_span *sp, int32_t y, int32_t x0,       \
                                           int32_t x1) {                                           \
        if (P == 0)                                                                                \
            span_pixels_of_row(sp, y, x0, x1, D, 0, T, S);                                         \
        else                                                                                       \
            span_row(sp, y, x0, x1, D, P, T, S);                                                   \
    }
/* Blocks of triangles without perspective; those with it queue their fragments. */
#define KILN__BLOCK_KERNEL(D, T, S)                                                                \
    static void block_##D##_##T##_##S(const kiln__soft_span *sp, int32_t x, int32_t y,             \
                                      const int32_t edge[3]) {                                     \
        block_pixels(sp, x, y, edge, D, 0, T, S);                                                  \
    }
#define KILN__SPAN_KERNELS_OF(D, P, T)                                                             \
    KILN__SPAN_KERNEL(D, P, T, 0) KILN__SPAN_KERNEL(D, P, T, 1) KILN__SPAN_KERNEL(D, P, T, 2)
#define KILN__SPAN_KERNELS(D, P)                                                                   \
    KILN__SPAN_KERNELS_OF(D, P, 0)                                                                 \
    KILN__SPAN_KERNELS_OF(D, P, 1) KILN__SPAN_KERNELS_OF(D, P, 2) KILN__SPAN_KERNELS_OF(D, P, 3)
#define KILN__BLOCK_KERNELS_OF(D, T)                                                               \
    KILN__BLOCK_KERNEL(D, T, 0) KILN__BLOCK_KERNEL(D, T, 1) KILN__BLOCK_KERNEL(D, T, 2)
#define KILN__BLOCK_KERNELS(D)                                                                     \
    KILN__BLOCK_KERNELS_OF(D, 0)                                                                   \
    KILN__BLOCK_KERNELS_OF(D, 1) KILN__BLOCK_KERNELS_OF(D, 2) KILN__BLOCK_KERNELS_OF(D, 3)
KILN__SPAN_KERNELS(0, 0)
KILN__SPAN_KERNELS(0, 1)
KILN__SPAN_KERNELS(1, 0)
KILN__SPAN_KERNELS(1, 1)
KILN__SPAN_KERNELS(2, 0)
KILN__SPAN_KERNELS(2, 1)
KILN__BLOCK_KERNELS(0)
KILN__BLOCK_KERNELS(1)
KILN__BLOCK_KERNELS(2)
#define KILN__SEPARABLE_KERNEL(D, S)                                                               \
    static void separable_##D##_##S(const kiln__soft_span *sp, int32_t y, int32_t x0,              \
                                    int32_t x1) {                                                  \
        separable_row(sp, y, x0, x1, D, S);                                                        \
    }
#define KILN__SEPARABLE_KERNELS(D)                                                                 \
    KILN__SEPARABLE_KERNEL(D, 0) KILN__SEPARABLE_KERNEL(D, 1) KILN__SEPARABLE_KERNEL(D, 2)
KILN__SEPARABLE_KERNELS(0)
KILN__SEPARABLE_KERNELS(1)
KILN__SEPARABLE_KERNELS(2)

#define KILN__QUEUE_KERNELS(T)                                                                     \
    static void pending_##T##_0(const kiln__soft_span *sp, kiln__soft_pending *q) {                \
        shade_queue(sp, q, T, 0);                                                                  \
    }                                                                                              \
    static void pending_##T##_1(const kiln__soft_span *sp, kiln__soft_pending *q) {                \
        shade_queue(sp, q, T, 1);                                                                  \
    }                                                                                              \
    static void pending_##T##_2(const kiln__soft_span *sp, kiln__soft_pending *q) {                \
        shade_queue(sp, q, T, 2);                                                                  \
    }
KILN__QUEUE_KERNELS(0)
KILN__QUEUE_KERNELS(1)
KILN__QUEUE_KERNELS(2)
KILN__QUEUE_KERNELS(3)
static void queue_triangle_0(const kiln__soft_span *sp, int32_t x, int32_t y,
                             const int32_t edge[3]) {
    queue_triangle(sp, x, y, edge, 0);
}
static void queue_triangle_1(const kiln__soft_span *sp, int32_t x, int32_t y,
                             const int32_t edge[3]) {
    queue_triangle(sp, x, y, edge, 1);
}
static void queue_triangle_2(const kiln__soft_span *sp, int32_t x, int32_t y,
                             const int32_t edge[3]) {
    queue_triangle(sp, x, y, edge, 2);
}
static void queue_0(const kiln__soft_span *sp, int32_t x, int32_t y, const int32_t edge[3]) {
    queue_block(sp, x, y, edge, 0);
}
static void queue_1(const kiln__soft_span *sp, int32_t x, int32_t y, const int32_t edge[3]) {
    queue_block(sp, x, y, edge, 1);
}
static void queue_2(const kiln__soft_span *sp, int32_t x, int32_t y, const int32_t edge[3]) {
    queue_block(sp, x, y, edge, 2);
}

#include "vertex_kernels.h"

#define KILN__SPAN_ROW(K, D, P, T)                                                                 \
    { K##_##D##_##P##_##T##_0, K##_##D##_##P##_##T##_1, K##_##D##_##P##_##T##_2 }
#define KILN__SPAN_PERSPECTIVE(K, D, P)                                                            \
    {                                                                                              \
        KILN__SPAN_ROW(K, D, P, 0), KILN__SPAN_ROW(K, D, P, 1), KILN__SPAN_ROW(K, D, P, 2),        \
            KILN__SPAN_ROW(K, D, P, 3)                                                             \
    }
#define KILN__SPAN_DEPTH(K, D)                                                                     \
    { KILN__SPAN_PERSPECTIVE(K, D, 0), KILN__SPAN_PERSPECTIVE(K, D, 1) }
#define KILN__BLOCK_ROW(D, T)                                                                      \
    { block_##D##_##T##_0, block_##D##_##T##_1, block_##D##_##T##_2 }
#define KILN__BLOCK_DEPTH(D)                                                                       \
    { KILN__BLOCK_ROW(D, 0), KILN__BLOCK_ROW(D, 1), KILN__BLOCK_ROW(D, 2), KILN__BLOCK_ROW(D, 3) }

const kiln__soft_span_table KILN__SPAN_TABLE = {
    {KILN__SPAN_DEPTH(span, 0), KILN__SPAN_DEPTH(span, 1), KILN__SPAN_DEPTH(span, 2)},
    {KILN__BLOCK_DEPTH(0), KILN__BLOCK_DEPTH(1), KILN__BLOCK_DEPTH(2)},
    {{separable_0_0, separable_0_1, separable_0_2},
     {separable_1_0, separable_1_1, separable_1_2},
     {separable_2_0, separable_2_1, separable_2_2}},
    {queue_0, queue_1, queue_2},
    {queue_triangle_0, queue_triangle_1, queue_triangle_2},
    {{pending_0_0, pending_0_1, pending_0_2},
     {pending_1_0, pending_1_1, pending_1_2},
     {pending_2_0, pending_2_1, pending_2_2},
     {pending_3_0, pending_3_1, pending_3_2}},
    W / 2,
    vertices,
};
