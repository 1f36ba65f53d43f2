#include "shade.h"

#include "sample.h"

static inline float eval(const kiln__soft_plane *p, float x, float y) {
    return p->c + p->dx * x + p->dy * y;
}

/* Combines a texel (values in [0, 1]) with the colour so far as the unit's operation
 * says; the alpha is always modulated, as the original engine leaves a unit's alpha
 * operation. */
static inline void combinef(kiln_layer_blend_operation op, const float texel[4], float out[4]) {
    switch (op) {
    case KILN_LBO_MODULATE:
        for (int k = 0; k < 3; k++)
            out[k] *= texel[k];
        break;
    case KILN_LBO_REPLACE:
        for (int k = 0; k < 3; k++)
            out[k] = texel[k];
        break;
    case KILN_LBO_ADD:
        for (int k = 0; k < 3; k++)
            out[k] += texel[k];
        break;
    case KILN_LBO_ALPHA_BLEND:
        for (int k = 0; k < 3; k++)
            out[k] = texel[k] * texel[3] + out[k] * (1.0f - texel[3]);
        break;
    }
    out[3] *= texel[3];
}

/* The same for an 8-bit texel, each value k / 255. */
static inline void combine(kiln_layer_blend_operation op, const uint8_t texel[4], float out[4]) {
    const float scaled[4] = {(float)texel[0] * (1.0f / 255.0f), (float)texel[1] * (1.0f / 255.0f),
                             (float)texel[2] * (1.0f / 255.0f), (float)texel[3] * (1.0f / 255.0f)};
    combinef(op, scaled, out);
}

/* The pixel's colour before conversion: the interpolated, constant or per-pixel lit
 * colour, combined with every texture unit, plus the specular light; or, for a state
 * whose units give alpha only, that colour as it is, and in *alpha the alpha its
 * units leave. */
static void shade_float(const kiln__soft_triangle *t, const kiln__soft_state *s, float x, float y,
                        float out[4], float *alpha) {
    float q = 1.0f;
    if (t->perspective)
        q = 1.0f / eval(&t->inv_w, x, y);
    float specular[3] = {0.0f, 0.0f, 0.0f};
    bool add_specular = false;
    if (alpha)
        *alpha = s->pass.units_alpha_base;
    if (s->lit_per_pixel) {
        float position[3], normal[3], vertex_colour[4];
        for (int k = 0; k < 3; k++) {
            position[k] = eval(&t->varyings[KILN__VARYING_POSITION + k], x, y) * q;
            normal[k] = eval(&t->varyings[KILN__VARYING_NORMAL + k], x, y) * q;
        }
        if (s->tracks_colour)
            for (int k = 0; k < 4; k++)
                vertex_colour[k] = eval(&t->varyings[KILN__VARYING_R + k], x, y) * q;
        kiln__soft_lighting(s, position, normal, s->tracks_colour ? vertex_colour : NULL, out,
                            specular);
        add_specular = s->specular_enabled;
    } else if (s->colour_varies) {
        for (int k = 0; k < 4; k++)
            out[k] = eval(&t->varyings[KILN__VARYING_R + k], x, y) * q;
        if (s->has_specular) {
            for (int k = 0; k < 3; k++)
                specular[k] = eval(&t->varyings[KILN__VARYING_SPECULAR + k], x, y) * q;
            add_specular = true;
        }
    } else {
        for (int k = 0; k < 4; k++)
            out[k] = s->colour[k];
    }
    for (uint32_t i = 0; i < s->pass.num_units; i++) {
        const kiln__sampler_state *unit = &s->pass.units[i];
        if (!unit->levels)
            continue;
        const kiln__unit_state *op = &s->pass.unit_ops[i];
        const kiln__soft_plane *pu = &t->varyings[KILN__VARYING_UV(op->coord_set)];
        const kiln__soft_plane *pv = pu + 1;
        float u = eval(pu, x, y) * q;
        float v = eval(pv, x, y) * q;
        kiln__soft_lod lod;
        if (!t->perspective) {
            lod = kiln__soft_triangle_lods_of(t, s)[i];
        } else {
            /* d(U/Q) = (dU - u dQ) / Q with U = u/w and Q = 1/w both affine. */
            float dudx = (pu->dx - u * t->inv_w.dx) * q;
            float dvdx = (pv->dx - v * t->inv_w.dx) * q;
            float dudy = (pu->dy - u * t->inv_w.dy) * q;
            float dvdy = (pv->dy - v * t->inv_w.dy) * q;
            if (op->has_transform) {
                const float(*m)[3] = op->transform;
                float a = m[0][0] * dudx + m[0][1] * dvdx, b = m[1][0] * dudx + m[1][1] * dvdx;
                float c = m[0][0] * dudy + m[0][1] * dvdy, d = m[1][0] * dudy + m[1][1] * dvdy;
                dudx = a;
                dvdx = b;
                dudy = c;
                dvdy = d;
            }
            lod = kiln__soft_sample_lod(unit, dudx, dvdx, dudy, dvdy);
        }
        if (op->has_transform) {
            const float(*m)[3] = op->transform;
            float tu = m[0][0] * u + m[0][1] * v + m[0][2];
            float tv = m[1][0] * u + m[1][1] * v + m[1][2];
            u = tu;
            v = tv;
        }
        if (unit->levels[0].texelsf) {
            float texel[4];
            kiln__soft_samplef(unit, u, v, lod, texel);
            if (alpha)
                *alpha *= texel[3];
            else
                combinef(op->colour_operation, texel, out);
            continue;
        }
        uint8_t texel[4];
        kiln__soft_sample(unit, u, v, lod, texel);
        if (alpha)
            *alpha *= (float)texel[3] * (1.0f / 255.0f);
        else
            combine(op->colour_operation, texel, out);
    }
    if (add_specular)
        for (int k = 0; k < 3; k++)
            out[k] += specular[k];
}

void kiln__soft_shade8(const kiln__soft_triangle *t, const kiln__soft_state *s, float x, float y,
                       uint8_t out[4]) {
    /* The common unlit textured case passes texels through untouched. */
    if (s->fast_texture && s->pass.units[0].levels && !t->perspective) {
        float u = eval(&t->varyings[KILN__VARYING_U], x, y);
        float v = eval(&t->varyings[KILN__VARYING_V], x, y);
        kiln__soft_sample(&s->pass.units[0], u, v, kiln__soft_triangle_lods_of(t, s)[0], out);
        return;
    }
    float colour[4];
    shade_float(t, s, x, y, colour, NULL);
    for (int k = 0; k < 4; k++)
        out[k] = kiln__soft_unorm8(colour[k]);
}

void kiln__soft_shadef(const kiln__soft_triangle *t, const kiln__soft_state *s, float x, float y,
                       float out[4]) {
    shade_float(t, s, x, y, out, NULL);
}

void kiln__soft_shade_alpha(const kiln__soft_triangle *t, const kiln__soft_state *s, float x,
                            float y, float out[4], float *alpha) {
    shade_float(t, s, x, y, out, alpha);
}
