#include "sample.h"

#include <math.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define KILN__SETUP_AVX 1
#else
#define KILN__SETUP_AVX 0
#endif

/* What every plane of a triangle shares: its edges from vertex 0 and 1 / the
 * determinant. */
typedef struct plane_basis {
    double x0, y0, x10, y10, x20, y20, inv_det;
} plane_basis;

static inline kiln__soft_plane make_plane(const plane_basis *b, double a0, double a1, double a2) {
    double dx = ((a1 - a0) * b->y20 - (a2 - a0) * b->y10) * b->inv_det;
    double dy = ((a2 - a0) * b->x10 - (a1 - a0) * b->x20) * b->inv_det;
    return (kiln__soft_plane){(float)(a0 - dx * b->x0 - dy * b->y0), (float)dx, (float)dy};
}

/* floor(p * KILN__SUBPIXEL_ONE + 0.5): a window coordinate in fixed point, which 32 bits
 * hold anywhere inside the guard band. Outside the clip volume the position means
 * nothing; the conversion stays defined (0). */
static inline int32_t snap(double p) {
    double scaled = p * KILN__SUBPIXEL_ONE + 0.5;
    if (!(scaled > -2.0e9 && scaled < 2.0e9))
        return 0;
    int32_t i = (int32_t)scaled; /* toward zero; one less below zero unless exact */
    return (double)i > scaled ? i - 1 : i;
}

void kiln__soft_vertex_to_window(const kiln__rect *vp, kiln__soft_vertex *v) {
    const float *c = v->clip;
    double inv_w = 1.0 / (double)c[3];
    /* NDC [-1, 1] spans the viewport's pixel edges; NDC y up is row 0 at the top. */
    double x = vp->x + ((double)c[0] * inv_w * 0.5 + 0.5) * vp->width;
    double y = vp->y + (0.5 - (double)c[1] * inv_w * 0.5) * vp->height;
    v->depth = (float)((double)c[2] * inv_w * 0.5 + 0.5);
    v->inv_w = (float)inv_w;
    v->fixed[0] = snap(x);
    v->fixed[1] = snap(y);
}

#ifdef __SSE2__
/* The planes of two values at the vertices at once, a0..a2 holding them (low lane the
 * first), with make_plane's operations in each lane. */
static inline void plane_pair(const plane_basis *b, __m128d a0, __m128d a1, __m128d a2,
                              kiln__soft_plane *first, kiln__soft_plane *second) {
    __m128d d1 = _mm_sub_pd(a1, a0), d2 = _mm_sub_pd(a2, a0);
    __m128d dx = _mm_mul_pd(
        _mm_sub_pd(_mm_mul_pd(d1, _mm_set1_pd(b->y20)), _mm_mul_pd(d2, _mm_set1_pd(b->y10))),
        _mm_set1_pd(b->inv_det));
    __m128d dy = _mm_mul_pd(
        _mm_sub_pd(_mm_mul_pd(d2, _mm_set1_pd(b->x10)), _mm_mul_pd(d1, _mm_set1_pd(b->x20))),
        _mm_set1_pd(b->inv_det));
    __m128d c = _mm_sub_pd(_mm_sub_pd(a0, _mm_mul_pd(dx, _mm_set1_pd(b->x0))),
                           _mm_mul_pd(dy, _mm_set1_pd(b->y0)));
    float cf[4], dxf[4], dyf[4];
    _mm_storeu_ps(cf, _mm_cvtpd_ps(c));
    _mm_storeu_ps(dxf, _mm_cvtpd_ps(dx));
    _mm_storeu_ps(dyf, _mm_cvtpd_ps(dy));
    *first = (kiln__soft_plane){cf[0], dxf[0], dyf[0]};
    *second = (kiln__soft_plane){cf[1], dxf[1], dyf[1]};
}

/* make_plane for varyings k and m at once. */
static inline void make_plane_pair(const plane_basis *b, const kiln__soft_vertex *const s[3],
                                   const double w[3], uint32_t k, uint32_t m,
                                   kiln__soft_triangle *t) {
    __m128d a[3];
    for (int j = 0; j < 3; j++)
        a[j] = _mm_mul_pd(_mm_set_pd((double)s[j]->varyings[m], (double)s[j]->varyings[k]),
                          _mm_set1_pd(w[j]));
    plane_pair(b, a[0], a[1], a[2], &t->varyings[k], &t->varyings[m]);
}
#endif

#if KILN__SETUP_AVX
/* make_plane for the four varyings from k at once, with AVX. */
__attribute__((target("avx"))) static inline void
make_plane_quad(const plane_basis *b, const kiln__soft_vertex *const s[3], const double w[3],
                uint32_t k, kiln__soft_triangle *t) {
    __m256d a[3];
    for (int j = 0; j < 3; j++)
        a[j] =
            _mm256_mul_pd(_mm256_cvtps_pd(_mm_loadu_ps(&s[j]->varyings[k])), _mm256_set1_pd(w[j]));
    __m256d d1 = _mm256_sub_pd(a[1], a[0]), d2 = _mm256_sub_pd(a[2], a[0]);
    __m256d dx = _mm256_mul_pd(_mm256_sub_pd(_mm256_mul_pd(d1, _mm256_set1_pd(b->y20)),
                                             _mm256_mul_pd(d2, _mm256_set1_pd(b->y10))),
                               _mm256_set1_pd(b->inv_det));
    __m256d dy = _mm256_mul_pd(_mm256_sub_pd(_mm256_mul_pd(d2, _mm256_set1_pd(b->x10)),
                                             _mm256_mul_pd(d1, _mm256_set1_pd(b->x20))),
                               _mm256_set1_pd(b->inv_det));
    __m256d cd = _mm256_sub_pd(_mm256_sub_pd(a[0], _mm256_mul_pd(dx, _mm256_set1_pd(b->x0))),
                               _mm256_mul_pd(dy, _mm256_set1_pd(b->y0)));
    /* c, dx and dy of the four planes, interleaved as the planes are stored. */
    __m128 c = _mm256_cvtpd_ps(cd), x = _mm256_cvtpd_ps(dx), y = _mm256_cvtpd_ps(dy);
    __m128 lo = _mm_unpacklo_ps(c, x), hi = _mm_unpackhi_ps(c, x); /* c0 x0 c1 x1, c2 x2 c3 x3 */
    float *out = &t->varyings[k].c;
    _mm_storeu_ps(out, _mm_shuffle_ps(lo, _mm_shuffle_ps(y, lo, _MM_SHUFFLE(2, 2, 0, 0)),
                                      _MM_SHUFFLE(2, 0, 1, 0)));
    _mm_storeu_ps(out + 4, _mm_shuffle_ps(_mm_shuffle_ps(lo, y, _MM_SHUFFLE(1, 1, 3, 3)), hi,
                                          _MM_SHUFFLE(1, 0, 2, 0)));
    _mm_storeu_ps(out + 8, _mm_shuffle_ps(_mm_shuffle_ps(y, hi, _MM_SHUFFLE(2, 2, 2, 2)),
                                          _mm_shuffle_ps(hi, y, _MM_SHUFFLE(3, 3, 3, 3)),
                                          _MM_SHUFFLE(2, 0, 2, 0)));
}

/* The varyings' planes where the state's are one run (state->planes_in_run), four at
 * a time with AVX, then two and one: the same numbers as the pairs below. */
__attribute__((target("avx"))) static void
make_planes_avx(const plane_basis *b, const kiln__soft_state *state,
                const kiln__soft_vertex *const s[3], const double w[3], kiln__soft_triangle *t) {
    uint32_t i = 0, n = state->num_planes, first = state->planes[0];
    for (; i + 4 <= n; i += 4)
        make_plane_quad(b, s, w, first + i, t);
    for (; i + 2 <= n; i += 2)
        make_plane_pair(b, s, w, first + i, first + i + 1, t);
    for (; i < n; i++) {
        const uint32_t k = first + i;
        t->varyings[k] =
            make_plane(b, (double)s[0]->varyings[k] * w[0], (double)s[1]->varyings[k] * w[1],
                       (double)s[2]->varyings[k] * w[2]);
    }
}
#endif

/* A primitive of the given state in the recording thread's arena. */
static kiln_result new_primitive(kiln__soft_frame *frame, uint32_t state,
                                 kiln__soft_triangle **out) {
    size_t bytes = KILN__SOFT_TRIANGLE_BYTES(&frame->states[state]);
    *out = kiln__soft_arena_alloc(&frame->arenas[0], bytes);
    if (!*out)
        return kiln__fail_oom("primitive setup data", bytes);
    return KILN_OK;
}

/* The level of detail of each unit where it is the same at every pixel (no
 * perspective), from the derivatives of the unit's coordinates after its
 * transform. */
static void constant_lods(const kiln__soft_state *state, kiln__soft_triangle *t) {
    for (uint32_t u = 0; u < state->pass.num_units; u++) {
        const kiln__sampler_state *sampler = &state->pass.units[u];
        if (t->perspective || !sampler->levels) {
            kiln__soft_triangle_lods(t, state)[u] = (kiln__soft_lod){0.0f, 0.0f};
            continue;
        }
        const kiln__unit_state *op = &state->pass.unit_ops[u];
        const kiln__soft_plane *pu = &t->varyings[KILN__VARYING_UV(op->coord_set)];
        const kiln__soft_plane *pv = pu + 1;
        float dudx = pu->dx, dvdx = pv->dx, dudy = pu->dy, dvdy = pv->dy;
        if (op->has_transform) {
            const float(*m)[3] = op->transform;
            float a = m[0][0] * dudx + m[0][1] * dvdx, b = m[1][0] * dudx + m[1][1] * dvdx;
            float c = m[0][0] * dudy + m[0][1] * dvdy, d = m[1][0] * dudy + m[1][1] * dvdy;
            dudx = a;
            dvdx = b;
            dudy = c;
            dvdy = d;
        }
        kiln__soft_triangle_lods(t, state)[u] =
            kiln__soft_sample_lod(sampler, dudx, dvdx, dudy, dvdy);
    }
}

/* True when some pixel centre of the triangle's bounds is inside all three edges. */
static bool covers_a_pixel(const kiln__soft_triangle *t) {
    const int64_t one = KILN__SUBPIXEL_ONE, half = KILN__SUBPIXEL_ONE / 2;
    const int64_t px = (int64_t)t->min_x * one + half, py = (int64_t)t->min_y * one + half;
    int64_t row[3], step_x[3], step_y[3];
    for (int e = 0; e < 3; e++) {
        row[e] = t->edge_a[e] * px + t->edge_b[e] * py + t->edge_c[e];
        step_x[e] = t->edge_a[e] * one;
        step_y[e] = t->edge_b[e] * one;
    }
    /* Every edge function >= 0: no sign bit in their or. */
    for (int32_t y = t->min_y; y < t->max_y; y++) {
        int64_t e0 = row[0], e1 = row[1], e2 = row[2];
        for (int32_t x = t->min_x; x < t->max_x; x++) {
            if ((e0 | e1 | e2) >= 0)
                return true;
            e0 += step_x[0];
            e1 += step_x[1];
            e2 += step_x[2];
        }
        for (int e = 0; e < 3; e++)
            row[e] += step_y[e];
    }
    return false;
}

/* The depth bias of the pass for a primitive whose window depth has the given
 * largest value and slope: constant units of the float depth buffer's resolution
 * at that depth, plus the scaled slope, toward the camera as the original engine
 * sets it. */
static float depth_bias(const kiln__soft_state *state, float max_z, float slope) {
    const kiln__pass_state *p = &state->pass;
    if (p->depth_bias_constant == 0.0f && p->depth_bias_slope_scale == 0.0f)
        return 0.0f;
    int e = 0;
    float resolution = 0.0f;
    if (max_z > 0.0f) {
        frexpf(max_z, &e); /* max_z = m * 2^e, m in [0.5, 1) */
        resolution = ldexpf(1.0f, e - 1 - 23);
    }
    return -(p->depth_bias_constant * resolution + p->depth_bias_slope_scale * slope);
}

/* Lines and points are set up by the recording thread, in the first thread's bins. */
static kiln_result bin_bounds(kiln__soft_frame *frame, const kiln__soft_triangle *t) {
    kiln__rect r = {t->min_x, t->min_y, t->max_x - t->min_x, t->max_y - t->min_y};
    return kiln__soft_bin_rect(frame, 0, &r, (kiln__soft_command){frame->next_seq++, 0, t});
}

/* True when no pixel centre of the tile can be inside the edge: the edge function
 * at the tile's most favourable corner is negative. */
static inline bool tile_outside_edge(const kiln__soft_triangle *t, int e, int64_t x0, int64_t y0,
                                     int64_t x1, int64_t y1) {
    int64_t x = t->edge_a[e] > 0 ? x1 : x0;
    int64_t y = t->edge_b[e] > 0 ? y1 : y0;
    return t->edge_a[e] * x + t->edge_b[e] * y + t->edge_c[e] < 0;
}

/* floor(p / KILN__SUBPIXEL_ONE) of a fixed-point coordinate: the pixel it lies in. */
static inline int64_t pixel_of(int64_t p) {
    return p >= 0 ? p >> KILN__SUBPIXEL_BITS
                  : -((-p + KILN__SUBPIXEL_ONE - 1) >> KILN__SUBPIXEL_BITS);
}

/* Edge function e of the triangle, from vertex a to vertex b (fixed point). */
static inline void set_edge(kiln__soft_triangle *t, int e, int64_t ax, int64_t ay, int64_t bx,
                            int64_t by) {
    int64_t dx = bx - ax, dy = by - ay;
    bool top_left = dy < 0 || (dy == 0 && dx > 0);
    t->edge_a[e] = (int32_t)-dy;
    t->edge_b[e] = (int32_t)dx;
    t->edge_c[e] = dy * ax - dx * ay - (top_left ? 0 : 1);
}

bool kiln__soft_setup_triangle_into(const kiln__soft_frame *frame, uint32_t state_index,
                                    const kiln__soft_vertex *v0, const kiln__soft_vertex *v1,
                                    const kiln__soft_vertex *v2, kiln__soft_triangle *t) {
    const kiln__soft_state *state = &frame->states[state_index];
    /* Facing first, from the fixed-point positions alone: half of a closed mesh's
     * triangles end here. */
    const int64_t area = kiln__soft_fixed_area(v0, v1, v2);
    if (kiln__soft_area_culled(state->pass.culling, area))
        return false;
    /* In clockwise order on the screen. */
    const kiln__soft_vertex *s[3] = {v0, area < 0 ? v2 : v1, area < 0 ? v1 : v2};
    const int64_t fx0 = s[0]->fixed[0], fy0 = s[0]->fixed[1];
    const int64_t fx1 = s[1]->fixed[0], fy1 = s[1]->fixed[1];
    const int64_t fx2 = s[2]->fixed[0], fy2 = s[2]->fixed[1];

    /* The pixels that may be covered, within the scissor rectangle. */
    int64_t min_fx = fx0 < fx1 ? fx0 : fx1, max_fx = fx0 < fx1 ? fx1 : fx0;
    int64_t min_fy = fy0 < fy1 ? fy0 : fy1, max_fy = fy0 < fy1 ? fy1 : fy0;
    min_fx = fx2 < min_fx ? fx2 : min_fx;
    max_fx = fx2 > max_fx ? fx2 : max_fx;
    min_fy = fy2 < min_fy ? fy2 : min_fy;
    max_fy = fy2 > max_fy ? fy2 : max_fy;
    const kiln__rect *sc = &state->scissor;
    int64_t min_x = pixel_of(min_fx), min_y = pixel_of(min_fy);
    int64_t max_x = pixel_of(max_fx) + 1, max_y = pixel_of(max_fy) + 1;
    min_x = min_x < sc->x ? sc->x : min_x;
    min_y = min_y < sc->y ? sc->y : min_y;
    max_x = max_x > sc->x + sc->width ? sc->x + sc->width : max_x;
    max_y = max_y > sc->y + sc->height ? sc->y + sc->height : max_y;
    if (min_x >= max_x || min_y >= max_y)
        return false;

    t->state = state_index;
    t->kind = KILN__SOFT_TRIANGLE;
    t->min_x = (int32_t)min_x;
    t->min_y = (int32_t)min_y;
    t->max_x = (int32_t)max_x;
    t->max_y = (int32_t)max_y;
    set_edge(t, 0, fx0, fy0, fx1, fy1);
    set_edge(t, 1, fx1, fy1, fx2, fy2);
    set_edge(t, 2, fx2, fy2, fx0, fy0);
    /* A triangle within a few pixels often covers no pixel centre (a sliver along a
     * dense mesh's outline): test them all, up to 3x3 of them, as the rasterizer would,
     * and drop it before its planes are set up and stored. */
    if ((max_x - min_x) * (max_y - min_y) <= 9 && frame->surface->samples <= 1 &&
        !covers_a_pixel(t))
        return false;
    /* The planes' basis: the positions in pixels that the edges use (exact in double). */
    const double unit = 1.0 / KILN__SUBPIXEL_ONE;
    const double x10 = (double)(fx1 - fx0) * unit, y10 = (double)(fy1 - fy0) * unit;
    const double x20 = (double)(fx2 - fx0) * unit, y20 = (double)(fy2 - fy0) * unit;
    double det = x10 * y20 - x20 * y10;
    if (det == 0.0 || !isfinite(det))
        return false;
    const plane_basis basis = {(double)fx0 * unit, (double)fy0 * unit, x10, y10, x20, y20,
                               1.0 / det};
#ifdef __SSE2__
    /* Depth and 1 / w lie side by side in a vertex. */
#define KILN__DEPTH_INV_W(v) _mm_cvtps_pd(_mm_castpd_ps(_mm_load_sd((const double *)&(v)->depth)))
    plane_pair(&basis, KILN__DEPTH_INV_W(s[0]), KILN__DEPTH_INV_W(s[1]), KILN__DEPTH_INV_W(s[2]),
               &t->depth, &t->inv_w);
#undef KILN__DEPTH_INV_W
#else
    t->depth = make_plane(&basis, s[0]->depth, s[1]->depth, s[2]->depth);
    t->inv_w = make_plane(&basis, s[0]->inv_w, s[1]->inv_w, s[2]->inv_w);
#endif
    if (state->pass.depth_bias_constant != 0.0f || state->pass.depth_bias_slope_scale != 0.0f) {
        float max_z = s[0]->depth > s[1]->depth ? s[0]->depth : s[1]->depth;
        max_z = s[2]->depth > max_z ? s[2]->depth : max_z;
        float slope = fmaxf(fabsf(t->depth.dx), fabsf(t->depth.dy));
        t->depth.c += depth_bias(state, max_z, slope);
    }
    t->perspective = !(s[0]->clip[3] == s[1]->clip[3] && s[1]->clip[3] == s[2]->clip[3]);
    const double w[3] = {t->perspective ? s[0]->inv_w : 1.0, t->perspective ? s[1]->inv_w : 1.0,
                         t->perspective ? s[2]->inv_w : 1.0};
    uint32_t i = 0;
#if KILN__SETUP_AVX
    if (frame->simd == KILN_SIMD_AVX2 && state->planes_in_run) {
        make_planes_avx(&basis, state, s, w, t);
        i = state->num_planes;
    }
#endif
#ifdef __SSE2__
    for (; i + 2 <= state->num_planes; i += 2)
        make_plane_pair(&basis, s, w, state->planes[i], state->planes[i + 1], t);
#endif
    for (; i < state->num_planes; i++) {
        const uint32_t k = state->planes[i];
        double a[3];
        for (int j = 0; j < 3; j++)
            a[j] = (double)s[j]->varyings[k] * w[j];
        t->varyings[k] = make_plane(&basis, a[0], a[1], a[2]);
    }
    /* Without perspective the texel footprint is the same at every pixel; with it,
     * the pixels work it out. */
    if (!t->perspective)
        constant_lods(state, t);

    return true;
}

kiln_result kiln__soft_bin_triangle(const kiln__soft_frame *frame, uint32_t worker,
                                    const kiln__soft_triangle *t, uint32_t seq) {
    /* Bin into every tile that the triangle may touch. */
    kiln__soft_command command = {seq, 0, t};
    uint32_t tx0 = (uint32_t)t->min_x >> KILN__TILE_SHIFT;
    uint32_t ty0 = (uint32_t)t->min_y >> KILN__TILE_SHIFT;
    uint32_t tx1 = (uint32_t)(t->max_x - 1) >> KILN__TILE_SHIFT;
    uint32_t ty1 = (uint32_t)(t->max_y - 1) >> KILN__TILE_SHIFT;
    /* A triangle within one tile touches that tile: setup found a covered pixel (or,
     * multisampled, may have: the tile tests it). */
    if (tx0 == tx1 && ty0 == ty1)
        return kiln__soft_bin_push(frame, worker, tx0, ty0, command);
    const int64_t inset = frame->surface->samples > 1 ? 0 : KILN__SUBPIXEL_ONE / 2;
    for (uint32_t ty = ty0; ty <= ty1; ty++) {
        for (uint32_t tx = tx0; tx <= tx1; tx++) {
            /* The tile's first and last pixel centres, or with multisampling its
             * corners, beyond which no sample lies. */
            int64_t x0 = ((int64_t)tx << KILN__TILE_SHIFT) * KILN__SUBPIXEL_ONE + inset;
            int64_t y0 = ((int64_t)ty << KILN__TILE_SHIFT) * KILN__SUBPIXEL_ONE + inset;
            int64_t x1 = x0 + KILN__TILE_SIZE * KILN__SUBPIXEL_ONE - 2 * inset;
            int64_t y1 = y0 + KILN__TILE_SIZE * KILN__SUBPIXEL_ONE - 2 * inset;
            if (tile_outside_edge(t, 0, x0, y0, x1, y1) ||
                tile_outside_edge(t, 1, x0, y0, x1, y1) || tile_outside_edge(t, 2, x0, y0, x1, y1))
                continue;
            KILN__CHECK(kiln__soft_bin_push(frame, worker, tx, ty, command));
        }
    }
    return KILN_OK;
}

/* A vertex in window space (pixel units, depth in [0, 1]). */
static void to_window(const kiln__soft_state *state, const kiln__soft_vertex *v, double *x,
                      double *y, double *z, double *inv_w) {
    const kiln__rect *vp = &state->viewport;
    *inv_w = 1.0 / (double)v->clip[3];
    *x = vp->x + ((double)v->clip[0] * *inv_w * 0.5 + 0.5) * vp->width;
    *y = vp->y + (0.5 - (double)v->clip[1] * *inv_w * 0.5) * vp->height;
    *z = (double)v->clip[2] * *inv_w * 0.5 + 0.5;
}

/* Keeps a line's or point's bounds as its pixels at their centres, and on a
 * multisampled surface widens them to the pixels of window rectangle [x0, x1] x
 * [y0, y1], which holds every sample it covers (within the scissor rectangle). */
static void set_sample_bounds(const kiln__soft_frame *frame, const kiln__soft_state *state,
                              kiln__soft_triangle *t, double x0, double y0, double x1, double y1) {
    t->centre_bounds[0] = t->min_x;
    t->centre_bounds[1] = t->min_y;
    t->centre_bounds[2] = t->max_x;
    t->centre_bounds[3] = t->max_y;
    if (frame->surface->samples <= 1)
        return;
    const kiln__rect *sc = &state->scissor;
    double lo_x = floor(x0), lo_y = floor(y0), hi_x = floor(x1) + 1.0, hi_y = floor(y1) + 1.0;
    lo_x = lo_x < sc->x ? sc->x : lo_x;
    lo_y = lo_y < sc->y ? sc->y : lo_y;
    hi_x = hi_x > sc->x + sc->width ? sc->x + sc->width : hi_x;
    hi_y = hi_y > sc->y + sc->height ? sc->y + sc->height : hi_y;
    /* Never narrower than the pixels at the centres. */
    t->min_x = lo_x < t->min_x ? (int32_t)lo_x : t->min_x;
    t->min_y = lo_y < t->min_y ? (int32_t)lo_y : t->min_y;
    t->max_x = hi_x > t->max_x ? (int32_t)hi_x : t->max_x;
    t->max_y = hi_y > t->max_y ? (int32_t)hi_y : t->max_y;
}

kiln_result kiln__soft_setup_line(kiln__soft_frame *frame, uint32_t state_index,
                                  const kiln__soft_vertex *v0, const kiln__soft_vertex *v1) {
    const kiln__soft_state *state = &frame->states[state_index];
    double x0, y0, z0, w0, x1, y1, z1, w1;
    to_window(state, v0, &x0, &y0, &z0, &w0);
    to_window(state, v1, &x1, &y1, &z1, &w1);
    /* Ends that are not finite (huge positions, w of zero) have no defined pixels. */
    if (!isfinite(x0) || !isfinite(y0) || !isfinite(x1) || !isfinite(y1) || !isfinite(z0) ||
        !isfinite(z1) || !isfinite(w0) || !isfinite(w1))
        return KILN_OK;
    double dx = x1 - x0, dy = y1 - y0;
    if (dx == 0.0 && dy == 0.0)
        return KILN_OK;
    bool x_major = fabs(dx) >= fabs(dy);
    /* The pixels whose centre along the major axis lies in [start, end) in the
     * direction of travel, so that joined segments share no pixel. */
    double a0 = x_major ? x0 : y0, a1 = x_major ? x1 : y1;
    double first, last;
    if (a1 > a0) {
        first = ceil(a0 - 0.5);
        last = ceil(a1 - 0.5) - 1.0;
    } else {
        first = floor(a1 - 0.5) + 1.0;
        last = floor(a0 - 0.5);
    }
    /* The diamond-exit rule at the ends: a pixel whose diamond (|dx| + |dy| < 1/2
     * around its centre) holds the start is drawn, one that holds the end is not. */
    double b0 = x_major ? y0 : x0, b1 = x_major ? y1 : x1;
    double start_major = floor(a0), end_major = floor(a1);
    if (fabs(a0 - (start_major + 0.5)) + fabs(b0 - (floor(b0) + 0.5)) < 0.5) {
        if (a1 > a0 && start_major < first)
            first = start_major;
        if (a1 < a0 && start_major > last)
            last = start_major;
    }
    if (fabs(a1 - (end_major + 0.5)) + fabs(b1 - (floor(b1) + 0.5)) < 0.5) {
        if (a1 > a0 && end_major == last)
            last -= 1.0;
        if (a1 < a0 && end_major == first)
            first += 1.0;
    }
    const kiln__rect *sc = &state->scissor;
    double lo = x_major ? sc->x : sc->y,
           hi = (x_major ? sc->x + sc->width : sc->y + sc->height) - 1;
    first = first < lo ? lo : first;
    last = last > hi ? hi : last;
    if (first > last)
        return KILN_OK;
    kiln__soft_triangle *t = NULL;
    KILN__CHECK(new_primitive(frame, state_index, &t));
    t->state = state_index;
    t->kind = KILN__SOFT_LINE;
    t->x_major = x_major;
    t->line_x0 = (float)x0;
    t->line_y0 = (float)y0;
    t->line_x1 = (float)x1;
    t->line_y1 = (float)y1;
    /* The minor coordinate at both ends of the pixel range bounds the rest. */
    double m0 = kiln__soft_line_minor(t, (int32_t)first),
           m1 = kiln__soft_line_minor(t, (int32_t)last);
    double mlo = m0 < m1 ? m0 : m1, mhi = m0 < m1 ? m1 : m0;
    double slo = x_major ? sc->y : sc->x, shi = (x_major ? sc->y + sc->height : sc->x + sc->width);
    mlo = mlo < slo ? slo : mlo;
    mhi = mhi + 1 > shi ? shi : mhi + 1;
    if (mlo >= mhi) {
        kiln__soft_arena_pop(&frame->arenas[0], KILN__SOFT_TRIANGLE_BYTES(state));
        return KILN_OK;
    }
    if (x_major) {
        t->min_x = (int32_t)first;
        t->max_x = (int32_t)last + 1;
        t->min_y = (int32_t)mlo;
        t->max_y = (int32_t)mhi;
    } else {
        t->min_y = (int32_t)first;
        t->max_y = (int32_t)last + 1;
        t->min_x = (int32_t)mlo;
        t->max_x = (int32_t)mhi;
    }
    set_sample_bounds(frame, state, t, fmin(x0, x1) - 0.5, fmin(y0, y1) - 0.5, fmax(x0, x1) + 0.5,
                      fmax(y0, y1) + 0.5);
    /* Attributes vary along the major axis only. */
    double inv_len = 1.0 / (a1 - a0);
    t->perspective = v0->clip[3] != v1->clip[3];
#define LINE_PLANE(A0, A1)                                                                         \
    (x_major ? (kiln__soft_plane){(float)((A0) - ((A1) - (A0)) * inv_len * a0),                    \
                                  (float)(((A1) - (A0)) * inv_len), 0.0f}                          \
             : (kiln__soft_plane){(float)((A0) - ((A1) - (A0)) * inv_len * a0), 0.0f,              \
                                  (float)(((A1) - (A0)) * inv_len)})
    t->depth = LINE_PLANE(z0, z1);
    t->depth.c += depth_bias(state, (float)(z0 > z1 ? z0 : z1), 0.0f);
    t->inv_w = LINE_PLANE(w0, w1);
    for (uint32_t i = 0; i < state->num_planes; i++) {
        const uint32_t k = state->planes[i];
        double p0 = v0->varyings[k] * (t->perspective ? w0 : 1.0);
        double p1 = v1->varyings[k] * (t->perspective ? w1 : 1.0);
        t->varyings[k] = LINE_PLANE(p0, p1);
    }
#undef LINE_PLANE
    constant_lods(state, t);
    return bin_bounds(frame, t);
}

kiln_result kiln__soft_setup_point(kiln__soft_frame *frame, uint32_t state_index,
                                   const kiln__soft_vertex *v) {
    const kiln__soft_state *state = &frame->states[state_index];
    const float *c = v->clip;
    /* A point is drawn whole or not at all: its centre must be inside the view
     * volume. */
    if (!kiln__soft_position_finite(v) || !(c[3] > 0.0f) || !(c[0] >= -c[3] && c[0] <= c[3]) ||
        !(c[1] >= -c[3] && c[1] <= c[3]) || !(c[2] >= -c[3] && c[2] <= c[3]))
        return KILN_OK;
    double x, y, z, inv_w;
    to_window(state, v, &x, &y, &z, &inv_w);
    double size = state->pass.point_size > 0.0f ? state->pass.point_size : 1.0;
    /* Pixels whose centre lies in the size x size square around the point. */
    double x0 = ceil(x - 0.5 * size - 0.5), x1 = ceil(x + 0.5 * size - 0.5);
    double y0 = ceil(y - 0.5 * size - 0.5), y1 = ceil(y + 0.5 * size - 0.5);
    const kiln__rect *sc = &state->scissor;
    x0 = x0 < sc->x ? sc->x : x0;
    y0 = y0 < sc->y ? sc->y : y0;
    x1 = x1 > sc->x + sc->width ? sc->x + sc->width : x1;
    y1 = y1 > sc->y + sc->height ? sc->y + sc->height : y1;
    if (x0 >= x1 || y0 >= y1)
        return KILN_OK;
    kiln__soft_triangle *t = NULL;
    KILN__CHECK(new_primitive(frame, state_index, &t));
    t->state = state_index;
    t->kind = KILN__SOFT_POINT;
    t->min_x = (int32_t)x0;
    t->min_y = (int32_t)y0;
    t->max_x = (int32_t)x1;
    t->max_y = (int32_t)y1;
    t->line_x0 = (float)x;
    t->line_y0 = (float)y;
    t->line_x1 = (float)(0.5 * size);
    set_sample_bounds(frame, state, t, x - 0.5 * size, y - 0.5 * size, x + 0.5 * size,
                      y + 0.5 * size);
    t->perspective = false;
    t->depth = (kiln__soft_plane){(float)z + depth_bias(state, (float)z, 0.0f), 0.0f, 0.0f};
    t->inv_w = (kiln__soft_plane){(float)inv_w, 0.0f, 0.0f};
    for (uint32_t i = 0; i < state->num_planes; i++)
        t->varyings[state->planes[i]] =
            (kiln__soft_plane){v->varyings[state->planes[i]], 0.0f, 0.0f};
    constant_lods(state, t);
    return bin_bounds(frame, t);
}
