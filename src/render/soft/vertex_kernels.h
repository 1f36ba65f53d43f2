/* The vertex stage W vertices at a time, included by span_kernels.h into each
 * instruction set's file. Each step is vertex.c's and light.c's, operation for
 * operation in the same order, so that every path gives the same bytes. It covers
 * vertices lit without highlights by directional and point lights, with or without
 * vertex colours (not tracked by the material), and unlit vertices; other draws take
 * the scalar code. */

/* light.c clamp01: NaN stays NaN. */
static inline vf clamp01(vf v) {
    vf zero = vf_setzero(), one = vf_set1(1.0f);
    return vf_select(vf_lt(v, zero), zero, vf_select(vf_gt(v, one), one, v));
}

/* light.c dot3: (a0 b0 + a1 b1) + a2 b2. */
static inline vf dot3(const vf a[3], const vf b[3]) {
    return vf_add(vf_add(vf_mul(a[0], b[0]), vf_mul(a[1], b[1])), vf_mul(a[2], b[2]));
}

/* light.c normalise3: v / |v|, or zero. */
static inline void normalise3(const vf v[3], vf out[3]) {
    vf length2 = dot3(v, v);
    vf inv = vf_and(vf_gt(length2, vf_setzero()), vf_div(vf_set1(1.0f), vf_sqrt(length2)));
    for (int k = 0; k < 3; k++)
        out[k] = vf_mul(v[k], inv);
}

/* maths.c kiln_matrix4_transform, row r: ((m0 x + m1 y) + m2 z) + m3 w. */
static inline vf transform_row(const kiln_matrix4 *m, int r, const vf o[4]) {
    return vf_add(
        vf_add(vf_add(vf_mul(vf_set1(m->m[r][0]), o[0]), vf_mul(vf_set1(m->m[r][1]), o[1])),
               vf_mul(vf_set1(m->m[r][2]), o[2])),
        vf_mul(vf_set1(m->m[r][3]), o[3]));
}

/* True when the kernel computes this draw's vertices as the scalar code does. */
static bool vertices_covered(const kiln__draw_call *call, const kiln__soft_state *state,
                             const kiln__soft_vertex_setup *setup) {
    if (state->lit_per_pixel || call->position_components < 3)
        return false;
    if (!setup->light_vertices)
        return true;
    const kiln__pass_state *p = &state->pass;
    if (call->colours && p->vertex_colour_tracking)
        return false;
    /* No highlight is computed: no light has a specular colour, or specular is off. */
    if (state->specular_enabled && state->lights_shine)
        return false;
    for (uint32_t i = 0; i < p->num_lights; i++)
        if (p->lights[i].type != KILN_LT_DIRECTIONAL && p->lights[i].type != KILN_LT_POINT)
            return false;
    return true;
}

/* light.c kiln__soft_lighting for the covered case: colour in, colour out. */
static inline void light_lanes(const kiln__soft_state *state, const vf position[3],
                               const vf normal[3], vf colour[4]) {
    const kiln__pass_state *p = &state->pass;
    for (int k = 0; k < 4; k++)
        colour[k] = vf_set1(state->lit_base[k]);
    vf n[3];
    normalise3(normal, n);
    const bool with_specular = state->specular_enabled;
    for (uint32_t i = 0; i < p->num_lights; i++) {
        const kiln__light_state *l = &p->lights[i];
        const float *d = state->light_diffuse[i];
        if (l->type == KILN_LT_DIRECTIONAL) {
            const vf to_light[3] = {vf_set1(-l->direction[0]), vf_set1(-l->direction[1]),
                                    vf_set1(-l->direction[2])};
            vf n_dot_l = dot3(n, to_light);
            if (!with_specular) {
                vf w = clamp01(n_dot_l);
                for (int k = 0; k < 3; k++)
                    colour[k] = clamp01(vf_add(colour[k], vf_mul(vf_set1(d[k]), w)));
                continue;
            }
            vf lit = vf_gt(n_dot_l, vf_setzero());
            for (int k = 0; k < 3; k++)
                colour[k] = vf_select(
                    lit, clamp01(vf_add(colour[k], vf_mul(vf_set1(d[k]), n_dot_l))), colour[k]);
            continue;
        }
        const vf offset[3] = {vf_sub(vf_set1(l->position[0]), position[0]),
                              vf_sub(vf_set1(l->position[1]), position[1]),
                              vf_sub(vf_set1(l->position[2]), position[2])};
        vf distance = vf_sqrt(dot3(offset, offset));
        vf to_light[3];
        normalise3(offset, to_light);
        vf n_dot_l = dot3(n, to_light);
        vf lit = vf_and(vf_gt(n_dot_l, vf_setzero()), vf_le(distance, vf_set1(l->range)));
        if (!vi_any(vf_as_vi(lit)))
            continue;
        vf factor =
            vf_div(vf_set1(1.0f),
                   vf_add(vf_add(vf_set1(l->constant), vf_mul(vf_set1(l->linear), distance)),
                          vf_mul(vf_mul(vf_set1(l->quadratic), distance), distance)));
        for (int k = 0; k < 3; k++)
            colour[k] = vf_select(
                lit, clamp01(vf_add(colour[k], vf_mul(vf_mul(vf_set1(d[k]), n_dot_l), factor))),
                colour[k]);
    }
}

/* setup.c kiln__soft_vertex_to_window and clip.c kiln__soft_vertex_inside for W
 * vertices: the window position in double precision, D lanes at a time, then depth and
 * 1 / w rounded to float. */
#ifdef KILN__SPAN_AVX2
#define D 4
typedef __m256d vd;
#define vd_set1 _mm256_set1_pd
#define vd_add _mm256_add_pd
#define vd_sub _mm256_sub_pd
#define vd_mul _mm256_mul_pd
#define vd_div _mm256_div_pd
#define vd_and _mm256_and_pd
#define vd_from_floats(p) _mm256_cvtps_pd(_mm_loadu_ps(p))
#define vd_store_floats(p, a) _mm_storeu_ps(p, _mm256_cvtpd_ps(a))
#define vd_gt(a, b) _mm256_cmp_pd(a, b, _CMP_GT_OQ)
#define vd_lt(a, b) _mm256_cmp_pd(a, b, _CMP_LT_OQ)
#define vd_trunc_i32(a) _mm256_cvttpd_epi32(a)
#define vd_from_i32(a) _mm256_cvtepi32_pd(a)
#define vd_store_i32(p, a) _mm_storeu_si128((__m128i *)(void *)(p), a)
#else
#define D 2
typedef __m128d vd;
#define vd_set1 _mm_set1_pd
#define vd_add _mm_add_pd
#define vd_sub _mm_sub_pd
#define vd_mul _mm_mul_pd
#define vd_div _mm_div_pd
#define vd_and _mm_and_pd
#define vd_from_floats(p)                                                                          \
    _mm_cvtps_pd(_mm_castpd_ps(_mm_load_sd((const double *)(const void *)(p))))
#define vd_store_floats(p, a) _mm_store_sd((double *)(void *)(p), _mm_castps_pd(_mm_cvtpd_ps(a)))
#define vd_gt(a, b) _mm_cmpgt_pd(a, b)
#define vd_lt(a, b) _mm_cmplt_pd(a, b)
#define vd_trunc_i32(a) _mm_cvttpd_epi32(a)
#define vd_from_i32(a) _mm_cvtepi32_pd(a)
#define vd_store_i32(p, a) _mm_storel_epi64((__m128i *)(void *)(p), a)
#endif

/* setup.c snap: floor(p * KILN__SUBPIXEL_ONE + 0.5), 0 outside +-2e9. */
static inline void snap_lanes(vd p, int32_t *out) {
    vd scaled = vd_add(vd_mul(p, vd_set1(KILN__SUBPIXEL_ONE)), vd_set1(0.5));
    vd valid = vd_and(vd_gt(scaled, vd_set1(-2.0e9)), vd_lt(scaled, vd_set1(2.0e9)));
    scaled = vd_and(valid, scaled);
    vd t = vd_from_i32(vd_trunc_i32(scaled));
    t = vd_sub(t, vd_and(vd_gt(t, scaled), vd_set1(1.0)));
    vd_store_i32(out, vd_trunc_i32(t));
}

typedef struct placed_lanes {
    float depth[W], inv_w[W];
    int32_t fixed[2][W];
    int32_t inside[W];
} placed_lanes;

static inline void place_lanes(const kiln__rect *vp, const vf clip[4], float lane_clip[4][W],
                               placed_lanes *out) {
    const vf w = clip[3], g = vf_mul(vf_set1(KILN__GUARD_BAND), clip[3]), zero = vf_setzero();
    vf inside = vf_and(vf_ge(vf_add(clip[2], w), zero), vf_ge(vf_sub(w, clip[2]), zero));
    inside =
        vf_and(inside, vf_and(vf_ge(vf_add(g, clip[0]), zero), vf_ge(vf_sub(g, clip[0]), zero)));
    inside =
        vf_and(inside, vf_and(vf_ge(vf_add(g, clip[1]), zero), vf_ge(vf_sub(g, clip[1]), zero)));
    vi_storeu(out->inside, vf_as_vi(inside));
    const vd half = vd_set1(0.5), one = vd_set1(1.0);
    const vd x0 = vd_set1((double)vp->x), y0 = vd_set1((double)vp->y);
    const vd width = vd_set1((double)vp->width), height = vd_set1((double)vp->height);
    for (int j = 0; j < W; j += D) {
        vd inv_w = vd_div(one, vd_from_floats(&lane_clip[3][j]));
        vd x = vd_add(
            x0, vd_mul(vd_add(vd_mul(vd_mul(vd_from_floats(&lane_clip[0][j]), inv_w), half), half),
                       width));
        vd y = vd_add(
            y0, vd_mul(vd_sub(half, vd_mul(vd_mul(vd_from_floats(&lane_clip[1][j]), inv_w), half)),
                       height));
        vd z = vd_add(vd_mul(vd_mul(vd_from_floats(&lane_clip[2][j]), inv_w), half), half);
        vd_store_floats(&out->depth[j], z);
        vd_store_floats(&out->inv_w[j], inv_w);
        snap_lanes(x, &out->fixed[0][j]);
        snap_lanes(y, &out->fixed[1][j]);
    }
}

static uint32_t vertices(const kiln__draw_call *call, const kiln__soft_state *state,
                         const kiln__soft_vertex_setup *setup, uint32_t first, uint32_t count,
                         void *out) {
    if (!vertices_covered(call, state, setup))
        return 0;
    const uint32_t end = first + count;
    for (uint32_t i = first; i < end; i += W) {
        /* The last vector repeats the last vertex in the lanes past the end. */
        float in[4][W], lane_colour[4][W];
        for (int j = 0; j < W; j++) {
            uint32_t at = i + (uint32_t)j < end ? i + (uint32_t)j : end - 1;
            const float *p = kiln__soft_element(call->positions, call->position_stride, at);
            in[0][j] = p[0];
            in[1][j] = p[1];
            in[2][j] = p[2];
            in[3][j] = call->position_components > 3 ? p[3] : 1.0f;
        }
        vf object[4], clip[4];
        for (int k = 0; k < 4; k++)
            object[k] = vf_loadu(in[k]);
        for (int k = 0; k < 4; k++)
            clip[k] = call->identity_transform ? object[k] : transform_row(&setup->mvp, k, object);
        vf colour[4];
        if (setup->light_vertices) {
            vf w[4];
            for (int k = 0; k < 4; k++)
                w[k] = transform_row(&setup->world, k, object);
            vf inv_w =
                vf_select(vf_neq(w[3], vf_setzero()), vf_div(vf_set1(1.0f), w[3]), vf_set1(1.0f));
            const vf position[3] = {vf_mul(w[0], inv_w), vf_mul(w[1], inv_w), vf_mul(w[2], inv_w)};
            vf normal[3] = {vf_setzero(), vf_setzero(), vf_setzero()};
            if (call->normals) {
                float nv[3][W];
                for (int j = 0; j < W; j++) {
                    uint32_t at = i + (uint32_t)j < end ? i + (uint32_t)j : end - 1;
                    const float *n = kiln__soft_element(call->normals, call->normal_stride, at);
                    nv[0][j] = n[0];
                    nv[1][j] = n[1];
                    nv[2][j] = n[2];
                }
                const vf nin[3] = {vf_loadu(nv[0]), vf_loadu(nv[1]), vf_loadu(nv[2])};
                const float(*m)[3] = setup->normal_matrix;
                for (int k = 0; k < 3; k++)
                    normal[k] = vf_add(
                        vf_add(vf_mul(vf_set1(m[k][0]), nin[0]), vf_mul(vf_set1(m[k][1]), nin[1])),
                        vf_mul(vf_set1(m[k][2]), nin[2]));
            }
            light_lanes(state, position, normal, colour);
        }
        float lane_clip[4][W];
        for (int k = 0; k < 4; k++) {
            vf_storeu(lane_clip[k], clip[k]);
            if (setup->light_vertices)
                vf_storeu(lane_colour[k], colour[k]);
        }
        placed_lanes placed;
        place_lanes(&state->viewport, clip, lane_clip, &placed);
        for (int j = 0; j < W && i + (uint32_t)j < end; j++) {
            const uint32_t at = i + (uint32_t)j;
            kiln__soft_vertex *v =
                (kiln__soft_vertex *)(void *)((uint8_t *)out + setup->stride * at);
            for (int k = 0; k < 4; k++)
                v->clip[k] = lane_clip[k][j];
            float *c = &v->varyings[KILN__VARYING_R];
            if (setup->light_vertices) {
                for (int k = 0; k < 4; k++)
                    c[k] = lane_colour[k][j];
                if (state->has_specular)
                    for (int k = 0; k < 3; k++)
                        v->varyings[KILN__VARYING_SPECULAR + k] = 0.0f;
            } else if (state->colour_varies) {
                const float *vc = kiln__soft_element(call->colours, call->colour_stride, at);
                for (int k = 0; k < 4; k++)
                    c[k] = vc[k];
            } else {
                for (int k = 0; k < 4; k++)
                    c[k] = state->colour[k];
            }
            kiln__soft_vertex_other_varyings(call, state, setup, at, v, NULL, NULL);
            v->depth = placed.depth[j];
            v->inv_w = placed.inv_w[j];
            v->fixed[0] = placed.fixed[0][j];
            v->fixed[1] = placed.fixed[1][j];
            v->inside = placed.inside[j] != 0;
        }
    }
    return count;
}
