/* Choosing a span kernel for a triangle, and the instruction set. */
#include "span.h"

#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) || defined(_M_X64)
#define KILN__HAVE_SPANS 1
#else
#define KILN__HAVE_SPANS 0
#endif

static kiln_simd best_supported(void) {
#if KILN__HAVE_SPANS
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2"))
        return KILN_SIMD_AVX2;
    return KILN_SIMD_SSE2;
#else
    return KILN_SIMD_SCALAR;
#endif
}

kiln_simd kiln__soft_resolve_simd(kiln_simd requested) {
    if (requested == KILN_SIMD_AUTO) {
        const char *name = getenv("KILN_SIMD");
        requested = KILN_SIMD_AVX2;
        if (name && strcmp(name, "scalar") == 0)
            requested = KILN_SIMD_SCALAR;
        else if (name && strcmp(name, "sse2") == 0)
            requested = KILN_SIMD_SSE2;
    }
    kiln_simd best = best_supported();
    return (int)requested > (int)best ? best : requested;
}

static kiln__soft_span_level span_level(const kiln__texture_level *l) {
    return (kiln__soft_span_level){(const uint32_t *)(const void *)l->texels, (int32_t)l->width,
                                   (int32_t)l->height};
}

/* The level that sample.c reads for a footprint that is the same at every pixel,
 * as a texture kind and its levels. Returns false for what the kernels do not
 * cover. */
static bool choose_levels(const kiln__sampler_state *unit, kiln__soft_lod lod,
                          kiln__soft_span *span, int *tex) {
    int32_t last = (int32_t)unit->num_levels - 1;
    int32_t level = 0, second = -1;
    switch (unit->filtering) {
    case KILN_TFO_NONE:
        *tex = KILN__SPAN_TEX_NEAREST;
        break;
    case KILN_TFO_BILINEAR:
        if (lod.nearest > 0.5f)
            level = lod.nearest >= (float)last ? last : (int32_t)floorf(lod.nearest + 0.5f);
        *tex = KILN__SPAN_TEX_BILINEAR;
        break;
    case KILN_TFO_TRILINEAR:
    case KILN_TFO_ANISOTROPIC: {
        float lambda = lod.linear;
        *tex = KILN__SPAN_TEX_BILINEAR;
        if (!(lambda > 0.0f) || last == 0) {
            level = 0;
        } else if (lambda >= (float)last) {
            level = last;
        } else {
            level = (int32_t)floorf(lambda);
            second = level + 1;
            span->level_weight = (int32_t)((lambda - (float)level) * 256.0f);
            *tex = KILN__SPAN_TEX_TRILINEAR;
        }
        break;
    }
    default:
        return false;
    }
    span->level[0] = span_level(&unit->levels[level]);
    if (second >= 0)
        span->level[1] = span_level(&unit->levels[second]);
    return true;
}

static void depth_masks(kiln_compare_function f, kiln__soft_span *span) {
    const uint32_t all = UINT32_MAX;
    span->pass_lt = span->pass_eq = span->pass_gt = span->pass_neq = span->pass_always = 0;
    switch (f) {
    case KILN_CMPF_ALWAYS_FAIL:
        break;
    case KILN_CMPF_ALWAYS_PASS:
        span->pass_always = all;
        break;
    case KILN_CMPF_LESS:
        span->pass_lt = all;
        break;
    case KILN_CMPF_LESS_EQUAL:
        span->pass_lt = span->pass_eq = all;
        break;
    case KILN_CMPF_EQUAL:
        span->pass_eq = all;
        break;
    case KILN_CMPF_NOT_EQUAL:
        span->pass_neq = all;
        break;
    case KILN_CMPF_GREATER_EQUAL:
        span->pass_gt = span->pass_eq = all;
        break;
    case KILN_CMPF_GREATER:
        span->pass_gt = all;
        break;
    default:
        span->pass_always = all;
        break;
    }
}

kiln__soft_span_fn kiln__soft_span_prepare(kiln_simd simd, const kiln__soft_triangle *t,
                                           const kiln__soft_state *s, kiln__soft_tile *tile,
                                           kiln__soft_span *span) {
    if (simd == KILN_SIMD_SCALAR)
        return NULL;
    const kiln__pass_state *p = &s->pass;
    if (tile->surface->is_float || !s->simple_write || t->perspective || s->lit_per_pixel ||
        t->kind != KILN__SOFT_TRIANGLE)
        return NULL;
    /* At most one unit with texels, reading set 0 without a transform. */
    int units = 0, tex = KILN__SPAN_TEX_NONE;
    const kiln__sampler_state *unit = NULL;
    const kiln__unit_state *op = NULL;
    for (uint32_t i = 0; i < p->num_units; i++) {
        if (!p->units[i].levels)
            continue;
        units++;
        unit = &p->units[i];
        op = &p->unit_ops[i];
        if (!choose_levels(unit, t->lod[i], span, &tex))
            return NULL;
    }
    if (units > 1)
        return NULL;
    if (unit) {
        if (op->coord_set != 0 || op->has_transform)
            return NULL;
        if (unit->addressing != KILN_TAM_WRAP && unit->addressing != KILN_TAM_CLAMP)
            return NULL;
        if (op->colour_operation != KILN_LBO_MODULATE && op->colour_operation != KILN_LBO_REPLACE &&
            op->colour_operation != KILN_LBO_ADD)
            return NULL;
        span->wrap = unit->addressing == KILN_TAM_WRAP;
        span->operation = op->colour_operation;
        span->u = t->varyings[KILN__VARYING_U];
        span->v = t->varyings[KILN__VARYING_V];
    }
    int source;
    if (s->fast_texture && unit) {
        source = KILN__SPAN_COLOUR_TEXEL;
    } else if (s->colour_varies) {
        source = KILN__SPAN_COLOUR_VARYING;
        for (int k = 0; k < 4; k++)
            span->colour[k] = t->varyings[KILN__VARYING_R + k];
        span->add_specular = s->has_specular;
        if (s->has_specular)
            for (int k = 0; k < 3; k++)
                span->specular[k] = t->varyings[KILN__VARYING_SPECULAR + k];
    } else {
        source = KILN__SPAN_COLOUR_CONSTANT;
        memcpy(span->constant, s->colour, sizeof span->constant);
    }
    span->tile = tile;
    span->depth = t->depth;
    depth_masks(p->depth_function, span);
    span->depth_write = p->depth_write ? UINT32_MAX : 0;
#if KILN__HAVE_SPANS
    const kiln__soft_span_table *table =
        simd == KILN_SIMD_AVX2 ? &kiln__soft_spans_avx2 : &kiln__soft_spans_sse2;
    return (*table)[p->depth_check ? 1 : 0][tex][source];
#else
    return NULL;
#endif
}
