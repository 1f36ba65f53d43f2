#include "shade.h"
#include "span.h"

static inline bool depth_passes(kiln_compare_function f, float z, float stored) {
    switch (f) {
    case KILN_CMPF_ALWAYS_FAIL:
        return false;
    case KILN_CMPF_ALWAYS_PASS:
        return true;
    case KILN_CMPF_LESS:
        return z < stored;
    case KILN_CMPF_LESS_EQUAL:
        return z <= stored;
    case KILN_CMPF_EQUAL:
        return z == stored;
    case KILN_CMPF_NOT_EQUAL:
        return z != stored;
    case KILN_CMPF_GREATER_EQUAL:
        return z >= stored;
    case KILN_CMPF_GREATER:
        return z > stored;
    }
    return true;
}

/* a * b / 255 rounded, as an 8-bit blender multiplies. */
static inline uint32_t mul255(uint32_t a, uint32_t b) {
    uint32_t p = a * b + 128;
    return (p + (p >> 8)) >> 8;
}

static inline uint32_t factor8(kiln_scene_blend_factor f, const uint8_t src[4],
                               const uint8_t dst[4], int k) {
    switch (f) {
    case KILN_SBF_ONE:
        return 255;
    case KILN_SBF_ZERO:
        return 0;
    case KILN_SBF_DEST_COLOUR:
        return dst[k];
    case KILN_SBF_SOURCE_COLOUR:
        return src[k];
    case KILN_SBF_ONE_MINUS_DEST_COLOUR:
        return 255u - dst[k];
    case KILN_SBF_ONE_MINUS_SOURCE_COLOUR:
        return 255u - src[k];
    case KILN_SBF_DEST_ALPHA:
        return dst[3];
    case KILN_SBF_SOURCE_ALPHA:
        return src[3];
    case KILN_SBF_ONE_MINUS_DEST_ALPHA:
        return 255u - dst[3];
    case KILN_SBF_ONE_MINUS_SOURCE_ALPHA:
        return 255u - src[3];
    }
    return 0;
}

static inline float factorf(kiln_scene_blend_factor f, const float src[4], const float dst[4],
                            int k) {
    switch (f) {
    case KILN_SBF_ONE:
        return 1.0f;
    case KILN_SBF_ZERO:
        return 0.0f;
    case KILN_SBF_DEST_COLOUR:
        return dst[k];
    case KILN_SBF_SOURCE_COLOUR:
        return src[k];
    case KILN_SBF_ONE_MINUS_DEST_COLOUR:
        return 1.0f - dst[k];
    case KILN_SBF_ONE_MINUS_SOURCE_COLOUR:
        return 1.0f - src[k];
    case KILN_SBF_DEST_ALPHA:
        return dst[3];
    case KILN_SBF_SOURCE_ALPHA:
        return src[3];
    case KILN_SBF_ONE_MINUS_DEST_ALPHA:
        return 1.0f - dst[3];
    case KILN_SBF_ONE_MINUS_SOURCE_ALPHA:
        return 1.0f - src[3];
    }
    return 0.0f;
}

/* Everything after coverage for a pixel whose state needs more than the simple
 * path: depth test, shading, alpha rejection, depth write, then blending with the
 * target (an 8-bit target blends the 8-bit colour in 8-bit arithmetic, as the
 * reference rasterizer does; a float target blends in float). */
static void fragment(const kiln__soft_tile *tile, const kiln__soft_triangle *t,
                     const kiln__soft_state *s, int32_t x, int32_t y) {
    const kiln__pass_state *p = &s->pass;
    const kiln__surface *surface = tile->surface;
    float *stored = kiln__soft_tile_depth(tile, x, y);
    float xc = (float)x + 0.5f, yc = (float)y + 0.5f;
    float z = 0.0f;
    if (p->depth_check) {
        z = t->depth.c + t->depth.dx * xc + t->depth.dy * yc;
        z = z < 0.0f ? 0.0f : (z > 1.0f ? 1.0f : z);
        if (!depth_passes(p->depth_function, z, *stored))
            return;
    }
    float colour[4], alpha;
    if (p->units_alpha_only) {
        kiln__soft_shade_alpha(t, s, xc, yc, colour, &alpha);
    } else {
        kiln__soft_shadef(t, s, xc, yc, colour);
        alpha = colour[3];
    }
    if (p->alpha_rejection &&
        !depth_passes(p->alpha_function, alpha, (float)p->alpha_value / 255.0f))
        return;
    if (p->depth_check && p->depth_write)
        *stored = z;
    const bool dst_alpha = surface->has_alpha;
    if (surface->is_float) {
        float *d = kiln__soft_tile_colourf(tile, x, y);
        if (!p->blending) {
            for (int k = 0; k < 4; k++)
                d[k] = colour[k];
            return;
        }
        float dst[4] = {d[0], d[1], d[2], dst_alpha ? d[3] : 1.0f};
        for (int k = 0; k < 4; k++)
            d[k] = colour[k] * factorf(p->source_blend, colour, dst, k) +
                   dst[k] * factorf(p->dest_blend, colour, dst, k);
        return;
    }
    uint8_t *d = kiln__soft_tile_colour8(tile, x, y);
    uint8_t src[4];
    for (int k = 0; k < 4; k++)
        src[k] = kiln__soft_unorm8(colour[k]);
    if (!p->blending) {
        for (int k = 0; k < 4; k++)
            d[k] = src[k];
        return;
    }
    uint8_t dst[4] = {d[0], d[1], d[2], dst_alpha ? d[3] : 255};
    for (int k = 0; k < 4; k++) {
        uint32_t v = mul255(src[k], factor8(p->source_blend, src, dst, k)) +
                     mul255(dst[k], factor8(p->dest_blend, src, dst, k));
        d[k] = (uint8_t)(v > 255u ? 255u : v);
    }
}

/* The simple path: no alpha rejection and no blending. */
static inline void simple_fragment(const kiln__soft_tile *tile, const kiln__soft_triangle *t,
                                   const kiln__soft_state *s, int32_t x, int32_t y) {
    float xc = (float)x + 0.5f, yc = (float)y + 0.5f;
    if (s->pass.depth_check) {
        float z = t->depth.c + t->depth.dx * xc + t->depth.dy * yc;
        z = z < 0.0f ? 0.0f : (z > 1.0f ? 1.0f : z);
        float *stored = kiln__soft_tile_depth(tile, x, y);
        if (!depth_passes(s->pass.depth_function, z, *stored))
            return;
        if (s->pass.depth_write)
            *stored = z;
    }
    if (tile->surface->is_float)
        kiln__soft_shadef(t, s, xc, yc, kiln__soft_tile_colourf(tile, x, y));
    else
        kiln__soft_shade8(t, s, xc, yc, kiln__soft_tile_colour8(tile, x, y));
}

/* One edge along a row: E(x) = a * x + k >= 0 covers pixel x, with k for the row. */
typedef struct row_edge {
    int64_t a;    /* per pixel */
    int64_t b;    /* per row */
    int64_t k;    /* at pixel 0 of the current row */
    double inv_a; /* 1 / a, for a first guess at the crossing */
} row_edge;

/* Narrows [*lo, *hi) to the pixels inside the edge: the same set as testing
 * E(x) >= 0 at every pixel, found from a guess corrected by exact tests. */
static inline void clip_to_edge(const row_edge *e, int32_t *lo, int32_t *hi) {
    if (*lo >= *hi)
        return;
    if (e->a == 0) {
        if (e->k < 0)
            *hi = *lo;
        return;
    }
    /* Start from where the edge crosses the row (truncated; the steps below correct
     * it), or from the near end of a short row. */
    int32_t x = e->a > 0 ? *lo : *hi;
    if (*hi - *lo > 8) {
        double guess = -(double)e->k * e->inv_a;
        x = guess <= (double)*lo ? *lo : (guess >= (double)*hi ? *hi : (int32_t)guess);
    }
    if (e->a > 0) {
        /* The first covered pixel. */
        while (x > *lo && e->a * (x - 1) + e->k >= 0)
            x--;
        while (x < *hi && e->a * x + e->k < 0)
            x++;
        *lo = x;
    } else {
        /* One past the last covered pixel. */
        while (x > *lo && e->a * (x - 1) + e->k < 0)
            x--;
        while (x < *hi && e->a * x + e->k >= 0)
            x++;
        *hi = x;
    }
}

/* Rows [y0, y1) of the triangle within [x0, x1), each as the interval of pixels its
 * edges cover, drawn by a span kernel. */
static void draw_spans(const kiln__soft_triangle *t, kiln__soft_span_fn kernel,
                       const kiln__soft_span *span, int32_t x0, int32_t y0, int32_t x1,
                       int32_t y1) {
    const int64_t one = KILN__SUBPIXEL_ONE, half = KILN__SUBPIXEL_ONE / 2;
    row_edge e[3];
    for (int i = 0; i < 3; i++) {
        e[i].a = t->edge_a[i] * one;
        e[i].b = t->edge_b[i] * one;
        e[i].k = t->edge_a[i] * half + t->edge_b[i] * ((int64_t)y0 * one + half) + t->edge_c[i];
        e[i].inv_a = e[i].a && x1 - x0 > 8 ? 1.0 / (double)e[i].a : 0.0;
    }
    /* Inside every edge at the four corners of the part, it is inside them everywhere
     * in it (edge functions are linear): whole rows, nothing to narrow. */
    bool whole = true;
    for (int i = 0; i < 3 && whole; i++) {
        const int64_t last = e[i].k + e[i].b * (y1 - 1 - y0);
        whole = e[i].a * x0 + e[i].k >= 0 && e[i].a * (x1 - 1) + e[i].k >= 0 &&
                e[i].a * x0 + last >= 0 && e[i].a * (x1 - 1) + last >= 0;
    }
    if (whole) {
        for (int32_t y = y0; y < y1; y++)
            kernel(span, y, x0, x1);
        return;
    }
    for (int32_t y = y0; y < y1; y++) {
        int32_t lo = x0, hi = x1;
        for (int i = 0; i < 3; i++) {
            clip_to_edge(&e[i], &lo, &hi);
            e[i].k += e[i].b;
        }
        if (lo < hi)
            kernel(span, y, lo, hi);
    }
}

/* A small part of a triangle, [x0, x1) x [y0, y1), as blocks bw pixels wide and 2
 * tall drawn by a block kernel, with the edge functions in 32 bits. False, drawing
 * nothing, when the triangle's edges are too steep for that. */
static bool draw_blocks(const kiln__soft_triangle *t, kiln__soft_block_fn kernel,
                        kiln__soft_span *span, int32_t bw, int32_t x0, int32_t y0, int32_t x1,
                        int32_t y1) {
    const int64_t one = KILN__SUBPIXEL_ONE, half = KILN__SUBPIXEL_ONE / 2, limit = 1 << 30;
    for (int i = 0; i < 3; i++) {
        int64_t a = t->edge_a[i] * one, b = t->edge_b[i] * one;
        if ((a < 0 ? -a : a) * (bw - 1) + (b < 0 ? -b : b) >= limit)
            return false;
        span->block_a[i] = (int32_t)a;
        span->block_b[i] = (int32_t)b;
    }
    span->x_end = x1;
    span->y_end = y1;
    for (int32_t y = y0; y < y1; y += 2)
        for (int32_t x = x0; x < x1; x += bw) {
            /* Beyond +-2^30 an edge function keeps its sign at every lane; clamped there
             * it still does. */
            int32_t edge[3];
            for (int i = 0; i < 3; i++) {
                int64_t e = t->edge_a[i] * ((int64_t)x * one + half) +
                            t->edge_b[i] * ((int64_t)y * one + half) + t->edge_c[i];
                edge[i] = (int32_t)(e < -limit ? -limit : (e > limit ? limit : e));
            }
            kernel(span, x, y, edge);
        }
    return true;
}

/* [x0, x1) x [y0, y1) of a triangle within a tile each way, whose fragments are
 * queued: within a triangle's bounds an edge function is at most |a| w + |b| h for
 * bounds w x h in fixed point, under 2^30 here, so one call of the kernel steps
 * through all the blocks in 32 bits. */
static void queue_small(const kiln__soft_triangle *t, kiln__soft_block_fn kernel,
                        kiln__soft_span *span, int32_t x0, int32_t y0, int32_t x1, int32_t y1) {
    const int64_t one = KILN__SUBPIXEL_ONE, half = KILN__SUBPIXEL_ONE / 2;
    int32_t edge[3];
    for (int i = 0; i < 3; i++) {
        span->block_a[i] = t->edge_a[i] * (int32_t)one;
        span->block_b[i] = t->edge_b[i] * (int32_t)one;
        edge[i] = (int32_t)(t->edge_a[i] * ((int64_t)x0 * one + half) +
                            t->edge_b[i] * ((int64_t)y0 * one + half) + t->edge_c[i]);
    }
    span->x_end = x1;
    span->y_end = y1;
    kernel(span, x0, y0, edge);
}

static void raster_triangle(const kiln__soft_frame *frame, const kiln__soft_triangle *t,
                            kiln__soft_tile *tile) {
    const kiln__surface *surface = tile->surface;
    const kiln__soft_state *s = &frame->states[t->state];
    int32_t x0 = t->min_x, y0 = t->min_y, x1 = t->max_x, y1 = t->max_y;
    if (!kiln__soft_clip_to_tile(tile, &x0, &y0, &x1, &y1))
        return;
    kiln__soft_span_cache *spans = tile->spans;
    kiln__soft_span_fn kernel = kiln__soft_span_prepare(frame->simd, t, s, tile, spans);
    if (kernel) {
        const int32_t bw = spans->table->block_width;
        /* A small triangle's blocks queue their fragments when it has perspective and
         * draw them otherwise; whatever draws at once comes after the queue. */
        if (x1 - x0 <= 2 * bw && y1 - y0 <= 4) {
            if (t->perspective && t->max_x - t->min_x <= KILN__TILE_SIZE &&
                t->max_y - t->min_y <= KILN__TILE_SIZE) {
                queue_small(t, spans->queue_triangle, &spans->span, x0, y0, x1, y1);
                return;
            }
            if (!t->perspective)
                kiln__soft_span_flush(spans);
            if (draw_blocks(t, spans->block, &spans->span, bw, x0, y0, x1, y1))
                return;
        }
        kiln__soft_span_flush(spans);
        spans->span.row_x0 = x0;
        spans->span.row_x1 = x1;
        draw_spans(t, kernel, &spans->span, x0, y0, x1, y1);
        return;
    }
    kiln__soft_span_flush(spans);
    const bool depth_check = s->pass.depth_check;
    const bool depth_write = s->pass.depth_write;
    const bool simple = s->simple_write;
    const kiln_compare_function depth_function = s->pass.depth_function;
    const int64_t half = KILN__SUBPIXEL_ONE / 2;
    int64_t step[3];
    for (int e = 0; e < 3; e++)
        step[e] = (int64_t)t->edge_a[e] * KILN__SUBPIXEL_ONE;
    for (int32_t y = y0; y < y1; y++) {
        int64_t py = (int64_t)y * KILN__SUBPIXEL_ONE + half;
        int64_t px = (int64_t)x0 * KILN__SUBPIXEL_ONE + half;
        int64_t e0 = t->edge_a[0] * px + t->edge_b[0] * py + t->edge_c[0];
        int64_t e1 = t->edge_a[1] * px + t->edge_b[1] * py + t->edge_c[1];
        int64_t e2 = t->edge_a[2] * px + t->edge_b[2] * py + t->edge_c[2];
        float yc = (float)y + 0.5f;
        for (int32_t x = x0; x < x1; x++, e0 += step[0], e1 += step[1], e2 += step[2]) {
            if ((e0 | e1 | e2) < 0)
                continue;
            if (!simple) {
                fragment(tile, t, s, x, y);
                continue;
            }
            float xc = (float)x + 0.5f;
            if (depth_check) {
                /* Window depth is clamped to the depth range; as in OpenGL, with the
                 * test off the depth buffer is not written either. */
                float z = t->depth.c + t->depth.dx * xc + t->depth.dy * yc;
                z = z < 0.0f ? 0.0f : (z > 1.0f ? 1.0f : z);
                float *stored = kiln__soft_tile_depth(tile, x, y);
                if (!depth_passes(depth_function, z, *stored))
                    continue;
                if (depth_write)
                    *stored = z;
            }
            if (surface->is_float)
                kiln__soft_shadef(t, s, xc, yc, kiln__soft_tile_colourf(tile, x, y));
            else
                kiln__soft_shade8(t, s, xc, yc, kiln__soft_tile_colour8(tile, x, y));
        }
    }
}

/* A copy of primitive t in `copy` (KILN__SOFT_MOVED_WORDS), moved to the tile's sample:
 * its depth plane, and a triangle's edges, so that what they give at the pixel
 * centres is what they give at the sample (exact for the edges: sample positions lie
 * on the fixed-point grid). Its other planes stay as they are, so that colour is still
 * shaded at the pixel centre. */
static const kiln__soft_triangle *moved_to_sample(const kiln__soft_frame *frame,
                                                  const kiln__soft_triangle *t,
                                                  const kiln__soft_tile *tile, uint64_t *copy) {
    memcpy(copy, t, KILN__SOFT_TRIANGLE_BYTES(&frame->states[t->state]));
    kiln__soft_triangle *moved = (kiln__soft_triangle *)(void *)copy;
    if (t->kind == KILN__SOFT_TRIANGLE)
        for (int e = 0; e < 3; e++)
            moved->edge_c[e] += (int64_t)moved->edge_a[e] * tile->sample_fixed[0] +
                                (int64_t)moved->edge_b[e] * tile->sample_fixed[1];
    moved->depth.c +=
        moved->depth.dx * tile->sample_offset[0] + moved->depth.dy * tile->sample_offset[1];
    return moved;
}

void kiln__soft_raster_triangle(const kiln__soft_frame *frame, const kiln__soft_triangle *t,
                                kiln__soft_tile *tile) {
    if (!tile->at_sample) {
        raster_triangle(frame, t, tile);
        return;
    }
    /* A sample of a multisampled surface: the triangle moved to the sample. The copy
     * goes into the tile's ring of them, where it stays while fragments it queued
     * wait: the queue is shaded before the ring comes round to a copy again. */
    kiln__soft_span_cache *spans = tile->spans;
    if (spans->pending.count == 0 || tile->moved_next == KILN__SOFT_MOVED_RING) {
        kiln__soft_span_flush(spans);
        tile->moved_next = 0;
    }
    uint64_t *copy = tile->moved + (size_t)tile->moved_next++ * KILN__SOFT_MOVED_WORDS;
    raster_triangle(frame, moved_to_sample(frame, t, tile, copy), tile);
}

static inline void draw_fragment(const kiln__soft_tile *tile, const kiln__soft_triangle *t,
                                 const kiln__soft_state *s, int32_t x, int32_t y) {
    if (s->simple_write)
        simple_fragment(tile, t, s, x, y);
    else
        fragment(tile, t, s, x, y);
}

/* Whether a line or point covers the sample (px, py) pixels from its first end point
 * or its centre. Multisampled, a line covers the samples inside a rectangle one pixel
 * wide along it, from end to end, and a point those inside its square, as OpenGL
 * rasterizes them with multisampling. */
static inline bool sample_covered(const kiln__soft_triangle *t, double px, double py) {
    if (t->kind == KILN__SOFT_POINT) {
        const double half = t->line_x1;
        return px >= -half && px < half && py >= -half && py < half;
    }
    const double dx = (double)t->line_x1 - t->line_x0, dy = (double)t->line_y1 - t->line_y0;
    const double length2 = dx * dx + dy * dy;
    const double along = px * dx + py * dy, across = px * dy - py * dx;
    /* along in [0, length^2), |across| under half the width times the length */
    return along >= 0.0 && along < length2 && fabs(across) < 0.5 * sqrt(length2);
}

/* A line or point in a sample's run: its pixels whose sample it covers, shaded at
 * their centres, moved to the sample (moved_to_sample). */
static void raster_at_sample(const kiln__soft_frame *frame, const kiln__soft_triangle *t,
                             kiln__soft_tile *tile) {
    const kiln__soft_state *s = &frame->states[t->state];
    int32_t x0 = t->min_x, y0 = t->min_y, x1 = t->max_x, y1 = t->max_y;
    if (!kiln__soft_clip_to_tile(tile, &x0, &y0, &x1, &y1))
        return;
    uint64_t copy[KILN__SOFT_MOVED_WORDS];
    const kiln__soft_triangle *moved = moved_to_sample(frame, t, tile, copy);
    for (int32_t y = y0; y < y1; y++) {
        const double py = (double)y + 0.5 + tile->sample_offset[1] - t->line_y0;
        for (int32_t x = x0; x < x1; x++)
            if (sample_covered(t, (double)x + 0.5 + tile->sample_offset[0] - t->line_x0, py))
                draw_fragment(tile, moved, s, x, y);
    }
}

void kiln__soft_raster_line(const kiln__soft_frame *frame, const kiln__soft_triangle *t,
                            kiln__soft_tile *tile) {
    const kiln__soft_state *s = &frame->states[t->state];
    if (tile->at_sample) {
        raster_at_sample(frame, t, tile);
        return;
    }
    int32_t x0 = t->centre_bounds[0], y0 = t->centre_bounds[1];
    int32_t x1 = t->centre_bounds[2], y1 = t->centre_bounds[3];
    if (!kiln__soft_clip_to_tile(tile, &x0, &y0, &x1, &y1))
        return;
    int32_t first = t->x_major ? x0 : y0, last = t->x_major ? x1 : y1;
    int32_t lo = t->x_major ? y0 : x0, hi = t->x_major ? y1 : x1;
    for (int32_t major = first; major < last; major++) {
        int32_t minor = kiln__soft_line_minor(t, major);
        if (minor < lo || minor >= hi)
            continue;
        int32_t x = t->x_major ? major : minor, y = t->x_major ? minor : major;
        draw_fragment(tile, t, s, x, y);
    }
}

void kiln__soft_raster_point(const kiln__soft_frame *frame, const kiln__soft_triangle *t,
                             kiln__soft_tile *tile) {
    const kiln__soft_state *s = &frame->states[t->state];
    if (tile->at_sample) {
        raster_at_sample(frame, t, tile);
        return;
    }
    int32_t x0 = t->centre_bounds[0], y0 = t->centre_bounds[1];
    int32_t x1 = t->centre_bounds[2], y1 = t->centre_bounds[3];
    if (!kiln__soft_clip_to_tile(tile, &x0, &y0, &x1, &y1))
        return;
    for (int32_t y = y0; y < y1; y++)
        for (int32_t x = x0; x < x1; x++)
            draw_fragment(tile, t, s, x, y);
}
