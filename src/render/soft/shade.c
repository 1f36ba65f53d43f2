#include "shade.h"

#include "sample.h"

static inline float eval(const kiln__soft_plane *p, float x, float y) {
    return p->c + p->dx * x + p->dy * y;
}

/* The pixel's colour before conversion: the interpolated (or constant) colour
 * modulated by every texture unit, in [0, 1]. */
static void shade_float(const kiln__soft_triangle *t, const kiln__soft_state *s, float x, float y,
                        float out[4]) {
    float q = 1.0f;
    if (t->perspective)
        q = 1.0f / eval(&t->inv_w, x, y);
    if (s->colour_varies) {
        for (int k = 0; k < 4; k++)
            out[k] = eval(&t->varyings[KILN__VARYING_R + k], x, y) * q;
    } else {
        for (int k = 0; k < 4; k++)
            out[k] = s->colour[k];
    }
    if (s->pass.num_units == 0)
        return;
    float u = eval(&t->varyings[KILN__VARYING_U], x, y) * q;
    float v = eval(&t->varyings[KILN__VARYING_V], x, y) * q;
    float dudx = 0, dvdx = 0, dudy = 0, dvdy = 0;
    if (t->perspective) {
        /* d(U/Q) = (dU - u dQ) / Q with U = u/w and Q = 1/w both affine. */
        const kiln__soft_plane *pu = &t->varyings[KILN__VARYING_U];
        const kiln__soft_plane *pv = &t->varyings[KILN__VARYING_V];
        dudx = (pu->dx - u * t->inv_w.dx) * q;
        dvdx = (pv->dx - v * t->inv_w.dx) * q;
        dudy = (pu->dy - u * t->inv_w.dy) * q;
        dvdy = (pv->dy - v * t->inv_w.dy) * q;
    }
    for (uint32_t i = 0; i < s->pass.num_units; i++) {
        const kiln__sampler_state *unit = &s->pass.units[i];
        if (!unit->levels)
            continue;
        kiln__soft_lod lod =
            t->perspective ? kiln__soft_sample_lod(unit, dudx, dvdx, dudy, dvdy) : t->lod[i];
        uint8_t texel[4];
        kiln__soft_sample(unit, u, v, lod, texel);
        for (int k = 0; k < 4; k++)
            out[k] *= (float)texel[k] * (1.0f / 255.0f);
    }
}

void kiln__soft_shade8(const kiln__soft_triangle *t, const kiln__soft_state *s, float x, float y,
                       uint8_t out[4]) {
    /* The common unlit textured case passes texels through untouched. */
    if (s->colour_is_white && s->pass.num_units == 1 && s->pass.units[0].levels &&
        !t->perspective) {
        float u = eval(&t->varyings[KILN__VARYING_U], x, y);
        float v = eval(&t->varyings[KILN__VARYING_V], x, y);
        kiln__soft_sample(&s->pass.units[0], u, v, t->lod[0], out);
        return;
    }
    float colour[4];
    shade_float(t, s, x, y, colour);
    for (int k = 0; k < 4; k++)
        out[k] = kiln__soft_unorm8(colour[k]);
}

void kiln__soft_shadef(const kiln__soft_triangle *t, const kiln__soft_state *s, float x, float y,
                       float out[4]) {
    shade_float(t, s, x, y, out);
}
