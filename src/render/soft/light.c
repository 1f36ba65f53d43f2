#include "soft.h"

#include <math.h>

void kiln__soft_lighting_prepare(kiln__soft_state *s) {
    const kiln__pass_state *p = &s->pass;
    /* The colour before any light: the scene's ambient light reflected by the ambient
     * colour, plus the emissive colour; alpha from the diffuse colour. */
    const float scene[4] = {p->scene_ambient.r, p->scene_ambient.g, p->scene_ambient.b,
                            p->scene_ambient.a};
    const float ambient[3] = {p->ambient.r, p->ambient.g, p->ambient.b};
    const float emissive[4] = {p->emissive.r, p->emissive.g, p->emissive.b, p->emissive.a};
    for (int k = 0; k < 3; k++) {
        s->lit_ambient[k] = scene[k] * ambient[k];
        s->lit_scene[k] = scene[k];
        s->lit_emissive[k] = emissive[k];
        s->lit_base[k] = s->lit_ambient[k] + emissive[k];
    }
    s->lit_scene[3] = scene[3];
    s->lit_emissive[3] = emissive[3];
    s->lit_base[3] = p->diffuse.a;
    const float diffuse[3] = {p->diffuse.r, p->diffuse.g, p->diffuse.b};
    const float specular[3] = {p->specular.r, p->specular.g, p->specular.b};
    /* As in the original engine, a black specular colour (or no shininess) turns
     * specular light off, even when the vertex colour would replace it. */
    s->specular_enabled = p->num_lights > 0 && p->shininess > 0.0f &&
                          (specular[0] != 0.0f || specular[1] != 0.0f || specular[2] != 0.0f);
    for (uint32_t i = 0; i < p->num_lights && i < KILN__MAX_LIGHTS; i++) {
        for (int k = 0; k < 3; k++) {
            s->light_diffuse[i][k] = p->lights[i].diffuse[k] * diffuse[k];
            s->light_specular[i][k] = p->lights[i].specular[k] * specular[k];
        }
    }
}

static inline float clamp01(float v) { return v < 0.0f ? 0.0f : (v > 1.0f ? 1.0f : v); }

static inline float dot3(const float a[3], const float b[3]) {
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

/* v / |v|, or zero for a zero vector. */
static inline void normalise3(const float v[3], float out[3]) {
    float length2 = dot3(v, v);
    float inv = length2 > 0.0f ? 1.0f / sqrtf(length2) : 0.0f;
    out[0] = v[0] * inv;
    out[1] = v[1] * inv;
    out[2] = v[2] * inv;
}

void kiln__soft_lighting(const kiln__soft_state *s, const float position[3], const float normal[3],
                         const float *vertex_colour, float colour[4], float specular[3]) {
    const kiln__pass_state *p = &s->pass;
    const uint32_t tracking = vertex_colour ? p->vertex_colour_tracking : 0;
    const float *vc = vertex_colour;
    /* The starting colour, with the original engine's rules for the tracked colours
     * (including where its alpha comes from). */
    if (tracking & KILN_TVC_EMISSIVE) {
        const float *ambient = s->lit_ambient;
        float tracked_ambient[3];
        if (tracking & KILN_TVC_AMBIENT) {
            for (int k = 0; k < 3; k++)
                tracked_ambient[k] = s->lit_scene[k] * vc[k];
            ambient = tracked_ambient;
        }
        for (int k = 0; k < 3; k++)
            colour[k] = ambient[k] + vc[k];
        colour[3] = vc[3] + vc[3];
    } else if (tracking & KILN_TVC_AMBIENT) {
        for (int k = 0; k < 4; k++)
            colour[k] = s->lit_scene[k] * vc[k] + s->lit_emissive[k];
    } else {
        for (int k = 0; k < 4; k++)
            colour[k] = s->lit_base[k];
    }
    specular[0] = specular[1] = specular[2] = 0.0f;

    float n[3], view[3] = {0.0f, 0.0f, 0.0f};
    normalise3(normal, n);
    const bool with_specular = s->specular_enabled;
    if (with_specular && s->lights_shine) {
        const float to_eye[3] = {s->eye[0] - position[0], s->eye[1] - position[1],
                                 s->eye[2] - position[2]};
        normalise3(to_eye, view);
    }
    for (uint32_t i = 0; i < p->num_lights; i++) {
        const kiln__light_state *l = &p->lights[i];
        float d[3], sc[3];
        for (int k = 0; k < 3; k++) {
            d[k] = (tracking & KILN_TVC_DIFFUSE) ? l->diffuse[k] * vc[k] : s->light_diffuse[i][k];
            sc[k] =
                (tracking & KILN_TVC_SPECULAR) ? l->specular[k] * vc[k] : s->light_specular[i][k];
        }
        /* A light without specular colour adds no highlight: skip computing it. */
        const bool shines = sc[0] != 0.0f || sc[1] != 0.0f || sc[2] != 0.0f;
        float to_light[3], factor = 1.0f;
        if (l->type == KILN_LT_DIRECTIONAL) {
            to_light[0] = -l->direction[0];
            to_light[1] = -l->direction[1];
            to_light[2] = -l->direction[2];
            float n_dot_l = dot3(n, to_light);
            if (!with_specular) {
                /* The diffuse-only form clamps the sum whether or not it added. */
                float w = clamp01(n_dot_l);
                for (int k = 0; k < 3; k++)
                    colour[k] = clamp01(colour[k] + d[k] * w);
                continue;
            }
            if (!(n_dot_l > 0.0f))
                continue;
            for (int k = 0; k < 3; k++)
                colour[k] = clamp01(colour[k] + d[k] * n_dot_l);
            if (shines) {
                float half[3] = {view[0] + to_light[0], view[1] + to_light[1],
                                 view[2] + to_light[2]};
                normalise3(half, half);
                float highlight = powf(clamp01(dot3(n, half)), p->shininess);
                for (int k = 0; k < 3; k++)
                    specular[k] = clamp01(specular[k] + sc[k] * highlight);
            }
            continue;
        }
        const float offset[3] = {l->position[0] - position[0], l->position[1] - position[1],
                                 l->position[2] - position[2]};
        float distance = sqrtf(dot3(offset, offset));
        normalise3(offset, to_light);
        float n_dot_l = dot3(n, to_light);
        if (!(n_dot_l > 0.0f) || !(distance <= l->range))
            continue;
        factor = 1.0f / (l->constant + l->linear * distance + l->quadratic * distance * distance);
        if (l->type == KILN_LT_SPOTLIGHT) {
            const float back[3] = {-l->direction[0], -l->direction[1], -l->direction[2]};
            float rho = dot3(back, to_light);
            float width = l->spot_cos_inner - l->spot_cos_outer;
            /* Equal angles make a hard edge instead of a division by zero. */
            float e = width > 0.0f ? clamp01((rho - l->spot_cos_outer) / width)
                                   : (rho >= l->spot_cos_outer ? 1.0f : 0.0f);
            factor *= powf(e, l->spot_falloff);
        }
        for (int k = 0; k < 3; k++)
            colour[k] = clamp01(colour[k] + d[k] * n_dot_l * factor);
        if (with_specular && shines) {
            float half[3] = {view[0] + to_light[0], view[1] + to_light[1], view[2] + to_light[2]};
            normalise3(half, half);
            float highlight = powf(clamp01(dot3(n, half)), p->shininess) * factor;
            for (int k = 0; k < 3; k++)
                specular[k] = clamp01(specular[k] + sc[k] * highlight);
        }
    }
}
