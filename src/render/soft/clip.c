#include "soft.h"

/* Clipping happens in homogeneous space, before the divide by w, where attributes
 * still vary linearly. x and y are clipped only against a guard band well outside
 * the viewport (KILN__GUARD_BAND), which keeps fixed-point screen coordinates small
 * without moving any edge that lies on screen. */

/* Signed distances to the planes: inside when >= 0. */
static inline float plane_distance(const kiln__soft_vertex *v, int plane) {
    const float *c = v->clip;
    switch (plane) {
    case 0:
        return c[2] + c[3]; /* near: z >= -w */
    case 1:
        return c[3] - c[2]; /* far: z <= w */
    case 2:
        return KILN__GUARD_BAND * c[3] + c[0];
    case 3:
        return KILN__GUARD_BAND * c[3] - c[0];
    case 4:
        return KILN__GUARD_BAND * c[3] + c[1];
    default:
        return KILN__GUARD_BAND * c[3] - c[1];
    }
}

static void lerp_vertex(const kiln__soft_vertex *a, const kiln__soft_vertex *b, float t,
                        kiln__soft_vertex *out) {
    for (int k = 0; k < 4; k++)
        out->clip[k] = a->clip[k] + (b->clip[k] - a->clip[k]) * t;
    for (int k = 0; k < KILN__NUM_VARYINGS; k++)
        out->varyings[k] = a->varyings[k] + (b->varyings[k] - a->varyings[k]) * t;
}

bool kiln__soft_vertex_inside(const kiln__soft_vertex *v) {
    const float *c = v->clip;
    float w = c[3], g = KILN__GUARD_BAND * c[3];
    return c[2] + w >= 0.0f && w - c[2] >= 0.0f && g + c[0] >= 0.0f && g - c[0] >= 0.0f &&
           g + c[1] >= 0.0f && g - c[1] >= 0.0f;
}

uint32_t kiln__soft_clip_triangle(const kiln__soft_vertex *v0, const kiln__soft_vertex *v1,
                                  const kiln__soft_vertex *v2, kiln__soft_vertex *out) {
    const kiln__soft_vertex *in[3] = {v0, v1, v2};
    if (!kiln__soft_position_finite(v0) || !kiln__soft_position_finite(v1) ||
        !kiln__soft_position_finite(v2))
        return 0;
    unsigned outside_any = 0;
    for (int plane = 0; plane < 6; plane++) {
        unsigned outside = 0;
        for (int i = 0; i < 3; i++)
            if (!(plane_distance(in[i], plane) >= 0.0f))
                outside |= 1u << i;
        if (outside == 7u)
            return 0; /* entirely outside one plane */
        if (outside)
            outside_any |= 1u << plane;
    }
    out[0] = *v0;
    out[1] = *v1;
    out[2] = *v2;
    if (!outside_any)
        return 3;

    /* Sutherland-Hodgman, one plane at a time, ping-ponging between two buffers. */
    kiln__soft_vertex buffer[KILN__MAX_CLIPPED_VERTICES];
    kiln__soft_vertex *src = out, *dst = buffer;
    uint32_t count = 3;
    for (int plane = 0; plane < 6 && count > 0; plane++) {
        if (!(outside_any & (1u << plane)))
            continue;
        uint32_t n = 0;
        for (uint32_t i = 0; i < count; i++) {
            const kiln__soft_vertex *a = &src[i], *b = &src[(i + 1) % count];
            float da = plane_distance(a, plane), db = plane_distance(b, plane);
            bool a_in = da >= 0.0f, b_in = db >= 0.0f;
            if (a_in && n < KILN__MAX_CLIPPED_VERTICES)
                dst[n++] = *a;
            if (a_in != b_in && n < KILN__MAX_CLIPPED_VERTICES) {
                /* Interpolate from the inside vertex so that shared edges clip to
                 * the same point in both triangles. */
                if (a_in)
                    lerp_vertex(a, b, da / (da - db), &dst[n++]);
                else
                    lerp_vertex(b, a, db / (db - da), &dst[n++]);
            }
        }
        count = n;
        kiln__soft_vertex *t = src;
        src = dst;
        dst = t;
    }
    if (src != out)
        for (uint32_t i = 0; i < count; i++)
            out[i] = src[i];
    return count >= 3 ? count : 0;
}

bool kiln__soft_clip_line(const kiln__soft_vertex *v0, const kiln__soft_vertex *v1,
                          kiln__soft_vertex out[2]) {
    if (!kiln__soft_position_finite(v0) || !kiln__soft_position_finite(v1))
        return false;
    /* Parametric clipping: the part of [0, 1] inside every plane. */
    float t0 = 0.0f, t1 = 1.0f;
    for (int plane = 0; plane < 6; plane++) {
        float d0 = plane_distance(v0, plane), d1 = plane_distance(v1, plane);
        bool in0 = d0 >= 0.0f, in1 = d1 >= 0.0f;
        if (!in0 && !in1)
            return false;
        if (in0 && in1)
            continue;
        float t = d0 / (d0 - d1);
        if (in0)
            t1 = t < t1 ? t : t1;
        else
            t0 = t > t0 ? t : t0;
    }
    if (!(t0 <= t1))
        return false;
    if (t0 > 0.0f)
        lerp_vertex(v0, v1, t0, &out[0]);
    else
        out[0] = *v0;
    if (t1 < 1.0f)
        lerp_vertex(v0, v1, t1, &out[1]);
    else
        out[1] = *v1;
    return true;
}
