#include "soft.h"

static inline const float *element(const float *base, size_t stride, uint32_t index) {
    return (const float *)((const uint8_t *)base + stride * index);
}

void kiln__soft_vertex_stage(const kiln__draw_call *call, const kiln__soft_state *state,
                             kiln__soft_vertex *out) {
    kiln_matrix4 mvp = kiln_matrix4_identity();
    if (!call->identity_transform)
        mvp =
            kiln_matrix4_multiply(call->projection, kiln_matrix4_multiply(call->view, call->world));
    for (uint32_t i = 0; i < call->vertex_count; i++) {
        const float *p = element(call->positions, call->position_stride, i);
        kiln_vector4 position = {p[0], p[1], p[2], call->position_components > 3 ? p[3] : 1.0f};
        if (!call->identity_transform)
            position = kiln_matrix4_transform(mvp, position);
        kiln__soft_vertex *v = &out[i];
        v->clip[0] = position.x;
        v->clip[1] = position.y;
        v->clip[2] = position.z;
        v->clip[3] = position.w;
        if (state->colour_varies) {
            const float *c = element(call->colours, call->colour_stride, i);
            for (int k = 0; k < 4; k++)
                v->varyings[KILN__VARYING_R + k] = c[k];
        } else {
            for (int k = 0; k < 4; k++)
                v->varyings[KILN__VARYING_R + k] = state->colour[k];
        }
        if (call->uvs[0]) {
            const float *t = element(call->uvs[0], call->uv_strides[0], i);
            v->varyings[KILN__VARYING_U] = t[0];
            v->varyings[KILN__VARYING_V] = t[1];
        } else {
            v->varyings[KILN__VARYING_U] = 0.0f;
            v->varyings[KILN__VARYING_V] = 0.0f;
        }
    }
}
