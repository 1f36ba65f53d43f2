/* Choosing a span kernel for a triangle, and the instruction set. */
#include "span.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

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

/* With perspective the level is chosen at every pixel: the kernels read all of them. */
static bool choose_filter(const kiln__sampler_state *unit, kiln__soft_span *span, int *tex) {
    switch (unit->filtering) {
    case KILN_TFO_NONE:
        *tex = KILN__SPAN_TEX_NEAREST;
        break;
    case KILN_TFO_BILINEAR:
        *tex = KILN__SPAN_TEX_BILINEAR;
        break;
    case KILN_TFO_TRILINEAR:
    case KILN_TFO_ANISOTROPIC:
        *tex = KILN__SPAN_TEX_TRILINEAR;
        break;
    default:
        return false;
    }
    span->level[0] = span_level(&unit->levels[0]);
    span->mips = unit->levels;
    span->last_level = (int32_t)unit->num_levels - 1;
    span->width0 = (float)unit->levels[0].width;
    span->height0 = (float)unit->levels[0].height;
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

/* The decisions that depend on the state alone. */
static void prepare_state(kiln_simd simd, const kiln__soft_state *s, const kiln__soft_tile *tile,
                          kiln__soft_span_cache *cache) {
    const kiln__pass_state *p = &s->pass;
    kiln__soft_span *span = &cache->span;
    cache->covered = false;
    if (simd == KILN_SIMD_SCALAR || !KILN__HAVE_SPANS || tile->surface->is_float ||
        !s->simple_write || s->lit_per_pixel || s->float_texels)
        return;
    /* At most one unit with texels, reading set 0 without a transform. */
    cache->unit = -1;
    cache->tex_perspective = KILN__SPAN_TEX_NONE;
    for (uint32_t i = 0; i < p->num_units; i++) {
        if (!p->units[i].levels)
            continue;
        if (cache->unit >= 0)
            return;
        cache->unit = (int)i;
    }
    const kiln__sampler_state *unit = cache->unit >= 0 ? &p->units[cache->unit] : NULL;
    if (unit) {
        const kiln__unit_state *op = &p->unit_ops[cache->unit];
        if (op->coord_set != 0 || op->has_transform)
            return;
        if (unit->addressing != KILN_TAM_WRAP && unit->addressing != KILN_TAM_CLAMP)
            return;
        if (op->colour_operation != KILN_LBO_MODULATE && op->colour_operation != KILN_LBO_REPLACE &&
            op->colour_operation != KILN_LBO_ADD)
            return;
        if (!choose_filter(unit, span, &cache->tex_perspective))
            return;
        span->wrap = unit->addressing == KILN_TAM_WRAP;
        span->operation = op->colour_operation;
    }
    if (s->colour_varies) {
        cache->source_affine = cache->source_perspective = KILN__SPAN_COLOUR_VARYING;
        span->add_specular = s->has_specular;
    } else {
        cache->source_affine = cache->source_perspective = KILN__SPAN_COLOUR_CONSTANT;
        memcpy(span->constant, s->colour, sizeof span->constant);
    }
    if (s->fast_texture && unit)
        cache->source_affine = KILN__SPAN_COLOUR_TEXEL;
    depth_masks(p->depth_function, span);
    span->depth_write = p->depth_write ? UINT32_MAX : 0;
    cache->depth_test = !p->depth_check ? KILN__SPAN_DEPTH_NONE
                        : p->depth_function == KILN_CMPF_LESS_EQUAL && p->depth_write
                            ? KILN__SPAN_DEPTH_LESS_EQUAL
                            : KILN__SPAN_DEPTH_ANY;
#if KILN__HAVE_SPANS
    cache->table = simd == KILN_SIMD_AVX2 ? &kiln__soft_spans_avx2 : &kiln__soft_spans_sse2;
#endif
    /* Small perspective triangles queue their fragments. The shading reads 1 / w and
     * the varyings up to the last it uses, and at least 8 floats (a vector of the
     * widest instruction set; every triangle has the colour and set 0 after 1 / w). */
    uint32_t planes = 1;
    if (cache->tex_perspective != KILN__SPAN_TEX_NONE)
        planes = 1 + KILN__VARYING_V + 1;
    if (cache->source_perspective == KILN__SPAN_COLOUR_VARYING) {
        uint32_t colour =
            1 + (span->add_specular ? KILN__VARYING_SPECULAR + 3 : KILN__VARYING_A + 1);
        planes = colour > planes ? colour : planes;
    }
    span->pending_floats = 3 * planes < 8 ? 8 : 3 * planes;
    span->pending = &cache->pending;
    span->separable = &cache->separable;
    span->shade_pending = cache->table->pending[cache->tex_perspective][cache->source_perspective];
    cache->covered = true;
}

void kiln__soft_span_prepare_state(kiln_simd simd, const kiln__soft_state *s, uint32_t state,
                                   kiln__soft_tile *tile, kiln__soft_span_cache *cache) {
    /* The queue is shaded with the state it was queued under. */
    kiln__soft_span_flush(cache);
    cache->state = state;
    prepare_state(simd, s, tile, cache);
    if (!cache->covered)
        return;
    cache->span.tile = tile;
    const int d = cache->depth_test;
    cache->row_perspective =
        cache->table->rows[d][1][cache->tex_perspective][cache->source_perspective];
    cache->queue_block = cache->table->queue_blocks[d];
    cache->queue_triangle = cache->table->queue_triangles[d];
}

kiln__soft_span_fn kiln__soft_span_prepare_affine(const kiln__soft_triangle *t,
                                                  const kiln__soft_state *s,
                                                  kiln__soft_span_cache *cache) {
    kiln__soft_span *span = &cache->span;
    span->v_along_rows_constant = t->varyings[KILN__VARYING_V].dx == 0.0f;
    /* Without perspective the level is the triangle's. */
    int tex = KILN__SPAN_TEX_NONE;
    if (cache->unit >= 0 &&
        !choose_levels(&s->pass.units[cache->unit], kiln__soft_triangle_lods_of(t, s)[cache->unit],
                       span, &tex))
        return NULL;
    const int d = cache->depth_test;
    cache->block = cache->table->blocks[d][tex][cache->source_affine];
    /* A bilinear texture that faces the screen and is magnified down the rows (or
     * drawn texel for pixel): each texel row lerped across serves several rows. */
    if (tex == KILN__SPAN_TEX_BILINEAR && span->v_along_rows_constant &&
        t->varyings[KILN__VARYING_U].dy == 0.0f &&
        fabsf(t->varyings[KILN__VARYING_V].dy) * (float)span->level[0].height <= 1.0f) {
        span->separable->row[0] = span->separable->row[1] = -1;
        span->separable->columns_found = false;
        return cache->table->separable[d][cache->source_affine];
    }
    return cache->table->rows[d][0][tex][cache->source_affine];
}
