#include "sample.h"

#include <math.h>

/* A vertex in screen space: float position for attribute planes, fixed-point
 * position for coverage. */
typedef struct screen_vertex {
    double x, y, z, inv_w;
    int64_t fx, fy;
    const kiln__soft_vertex *v;
} screen_vertex;

static inline int64_t floor_div(int64_t a, int64_t b) {
    int64_t q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

static kiln__soft_plane make_plane(const screen_vertex s[3], double a0, double a1, double a2,
                                   double inv_det) {
    double x10 = s[1].x - s[0].x, y10 = s[1].y - s[0].y;
    double x20 = s[2].x - s[0].x, y20 = s[2].y - s[0].y;
    double dx = ((a1 - a0) * y20 - (a2 - a0) * y10) * inv_det;
    double dy = ((a2 - a0) * x10 - (a1 - a0) * x20) * inv_det;
    return (kiln__soft_plane){(float)(a0 - dx * s[0].x - dy * s[0].y), (float)dx, (float)dy};
}

static kiln_result push_triangle(kiln__soft_frame *frame, kiln__soft_triangle **out,
                                 uint32_t *index) {
    if (frame->num_triangles == frame->triangles_capacity) {
        uint32_t capacity = frame->triangles_capacity ? frame->triangles_capacity * 2 : 256;
        kiln__soft_triangle *triangles =
            kiln__realloc_array(frame->triangles, capacity, sizeof *triangles);
        if (!triangles)
            return kiln__fail_oom("triangle setup data", (size_t)capacity * sizeof *triangles);
        frame->triangles = triangles;
        frame->triangles_capacity = capacity;
    }
    *index = frame->num_triangles++;
    *out = &frame->triangles[*index];
    return KILN_OK;
}

/* True when no pixel centre of the tile can be inside the edge: the edge function
 * at the tile's most favourable corner is negative. */
static inline bool tile_outside_edge(const kiln__soft_triangle *t, int e, int64_t x0, int64_t y0,
                                     int64_t x1, int64_t y1) {
    int64_t x = t->edge_a[e] > 0 ? x1 : x0;
    int64_t y = t->edge_b[e] > 0 ? y1 : y0;
    return t->edge_a[e] * x + t->edge_b[e] * y + t->edge_c[e] < 0;
}

kiln_result kiln__soft_setup_triangle(kiln__soft_frame *frame, uint32_t state_index,
                                      const kiln__soft_vertex *v0, const kiln__soft_vertex *v1,
                                      const kiln__soft_vertex *v2) {
    const kiln__soft_state *state = &frame->states[state_index];
    const kiln__rect *vp = &state->viewport;
    const kiln__soft_vertex *in[3] = {v0, v1, v2};
    screen_vertex s[3];
    for (int i = 0; i < 3; i++) {
        const float *c = in[i]->clip;
        double inv_w = 1.0 / (double)c[3];
        /* NDC [-1, 1] spans the viewport's pixel edges; NDC y up is row 0 at the top. */
        s[i].x = vp->x + ((double)c[0] * inv_w * 0.5 + 0.5) * vp->width;
        s[i].y = vp->y + (0.5 - (double)c[1] * inv_w * 0.5) * vp->height;
        s[i].z = (double)c[2] * inv_w * 0.5 + 0.5;
        s[i].inv_w = inv_w;
        s[i].fx = (int64_t)floor(s[i].x * KILN__SUBPIXEL_ONE + 0.5);
        s[i].fy = (int64_t)floor(s[i].y * KILN__SUBPIXEL_ONE + 0.5);
        s[i].v = in[i];
    }
    int64_t area =
        (s[1].fx - s[0].fx) * (s[2].fy - s[0].fy) - (s[2].fx - s[0].fx) * (s[1].fy - s[0].fy);
    if (area == 0)
        return KILN_OK;
    /* With y pointing down, a positive area is clockwise as seen in the y-up
     * convention of the original engine. */
    if ((state->pass.culling == KILN_CULL_CLOCKWISE && area > 0) ||
        (state->pass.culling == KILN_CULL_ANTICLOCKWISE && area < 0))
        return KILN_OK;
    if (area < 0) {
        screen_vertex t = s[1];
        s[1] = s[2];
        s[2] = t;
    }

    /* The pixels that may be covered, within the scissor rectangle. */
    int64_t min_fx = s[0].fx, max_fx = s[0].fx, min_fy = s[0].fy, max_fy = s[0].fy;
    for (int i = 1; i < 3; i++) {
        min_fx = s[i].fx < min_fx ? s[i].fx : min_fx;
        max_fx = s[i].fx > max_fx ? s[i].fx : max_fx;
        min_fy = s[i].fy < min_fy ? s[i].fy : min_fy;
        max_fy = s[i].fy > max_fy ? s[i].fy : max_fy;
    }
    const kiln__rect *sc = &state->scissor;
    int64_t min_x = floor_div(min_fx, KILN__SUBPIXEL_ONE);
    int64_t min_y = floor_div(min_fy, KILN__SUBPIXEL_ONE);
    int64_t max_x = floor_div(max_fx, KILN__SUBPIXEL_ONE) + 1;
    int64_t max_y = floor_div(max_fy, KILN__SUBPIXEL_ONE) + 1;
    min_x = min_x < sc->x ? sc->x : min_x;
    min_y = min_y < sc->y ? sc->y : min_y;
    max_x = max_x > sc->x + sc->width ? sc->x + sc->width : max_x;
    max_y = max_y > sc->y + sc->height ? sc->y + sc->height : max_y;
    if (min_x >= max_x || min_y >= max_y)
        return KILN_OK;

    double det = (s[1].x - s[0].x) * (s[2].y - s[0].y) - (s[2].x - s[0].x) * (s[1].y - s[0].y);
    if (det == 0.0 || !isfinite(det))
        return KILN_OK;
    double inv_det = 1.0 / det;

    kiln__soft_triangle *t = NULL;
    uint32_t index = 0;
    KILN__CHECK(push_triangle(frame, &t, &index));
    t->state = state_index;
    t->min_x = (int32_t)min_x;
    t->min_y = (int32_t)min_y;
    t->max_x = (int32_t)max_x;
    t->max_y = (int32_t)max_y;
    for (int e = 0; e < 3; e++) {
        const screen_vertex *a = &s[e], *b = &s[(e + 1) % 3];
        int64_t dx = b->fx - a->fx, dy = b->fy - a->fy;
        bool top_left = dy < 0 || (dy == 0 && dx > 0);
        t->edge_a[e] = -dy;
        t->edge_b[e] = dx;
        t->edge_c[e] = dy * a->fx - dx * a->fy - (top_left ? 0 : 1);
    }
    t->depth = make_plane(s, s[0].z, s[1].z, s[2].z, inv_det);
    t->perspective = !(s[0].v->clip[3] == s[1].v->clip[3] && s[1].v->clip[3] == s[2].v->clip[3]);
    t->inv_w = make_plane(s, s[0].inv_w, s[1].inv_w, s[2].inv_w, inv_det);
    for (int k = 0; k < KILN__NUM_VARYINGS; k++) {
        double a[3];
        for (int i = 0; i < 3; i++)
            a[i] = (double)s[i].v->varyings[k] * (t->perspective ? s[i].inv_w : 1.0);
        t->varyings[k] = make_plane(s, a[0], a[1], a[2], inv_det);
    }
    /* Without perspective the texel footprint is the same at every pixel. */
    for (uint32_t u = 0; u < state->pass.num_units; u++)
        t->lod[u] = t->perspective || !state->pass.units[u].levels
                        ? (kiln__soft_lod){0.0f, 0.0f}
                        : kiln__soft_sample_lod(
                              &state->pass.units[u], t->varyings[KILN__VARYING_U].dx,
                              t->varyings[KILN__VARYING_V].dx, t->varyings[KILN__VARYING_U].dy,
                              t->varyings[KILN__VARYING_V].dy);

    /* Bin into every tile that the triangle may touch. */
    kiln__soft_command command = {KILN__SOFT_COMMAND_TRIANGLE, index};
    uint32_t tx0 = (uint32_t)t->min_x >> KILN__TILE_SHIFT;
    uint32_t ty0 = (uint32_t)t->min_y >> KILN__TILE_SHIFT;
    uint32_t tx1 = (uint32_t)(t->max_x - 1) >> KILN__TILE_SHIFT;
    uint32_t ty1 = (uint32_t)(t->max_y - 1) >> KILN__TILE_SHIFT;
    for (uint32_t ty = ty0; ty <= ty1; ty++) {
        for (uint32_t tx = tx0; tx <= tx1; tx++) {
            int64_t x0 =
                ((int64_t)tx << KILN__TILE_SHIFT) * KILN__SUBPIXEL_ONE + KILN__SUBPIXEL_ONE / 2;
            int64_t y0 =
                ((int64_t)ty << KILN__TILE_SHIFT) * KILN__SUBPIXEL_ONE + KILN__SUBPIXEL_ONE / 2;
            int64_t x1 = x0 + (KILN__TILE_SIZE - 1) * KILN__SUBPIXEL_ONE;
            int64_t y1 = y0 + (KILN__TILE_SIZE - 1) * KILN__SUBPIXEL_ONE;
            if (tile_outside_edge(t, 0, x0, y0, x1, y1) ||
                tile_outside_edge(t, 1, x0, y0, x1, y1) || tile_outside_edge(t, 2, x0, y0, x1, y1))
                continue;
            KILN__CHECK(kiln__soft_bin_push(frame, tx, ty, command));
        }
    }
    return KILN_OK;
}
