#include "span.h"

static void prepare(const kiln__draw_call *call, const kiln__soft_state *state,
                    kiln__soft_vertex_setup *setup) {
    setup->mvp = kiln_matrix4_identity();
    if (!call->identity_transform)
        setup->mvp =
            kiln_matrix4_multiply(call->projection, kiln_matrix4_multiply(call->view, call->world));
    setup->light_vertices = state->pass.lighting && state->colour_varies && !state->lit_per_pixel;
    setup->need_world = setup->light_vertices || state->lit_per_pixel;
    setup->world = call->identity_transform ? kiln_matrix4_identity() : call->world;
    if (setup->need_world) {
        kiln_matrix4 inverse;
        bool invertible = kiln_matrix4_inverse(setup->world, &inverse) == KILN_OK;
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
                setup->normal_matrix[i][j] = invertible ? inverse.m[j][i] : setup->world.m[i][j];
    }
    setup->stride = KILN__SOFT_VERTEX_BYTES(state->num_varyings);
    setup->num_sets = kiln__soft_varying_sets(state->num_varyings);
}

void kiln__soft_vertex_other_varyings(const kiln__draw_call *call, const kiln__soft_state *state,
                                      const kiln__soft_vertex_setup *setup, uint32_t i,
                                      kiln__soft_vertex *v, const float world_position[3],
                                      const float normal[3]) {
    for (uint32_t set = 0; set < setup->num_sets; set++) {
        float *uv = &v->varyings[KILN__VARYING_UV(set)];
        if (call->uvs[set]) {
            const float *t = kiln__soft_element(call->uvs[set], call->uv_strides[set], i);
            uv[0] = t[0];
            uv[1] = t[1];
        } else {
            uv[0] = 0.0f;
            uv[1] = 0.0f;
        }
    }
    if (state->num_varyings > KILN__VARYING_SPECULAR && !state->has_specular)
        for (int k = 0; k < 3; k++)
            v->varyings[KILN__VARYING_SPECULAR + k] = 0.0f;
    if (world_position && normal) {
        for (int k = 0; k < 3; k++) {
            v->varyings[KILN__VARYING_POSITION + k] = world_position[k];
            v->varyings[KILN__VARYING_NORMAL + k] = normal[k];
        }
    }
}

void kiln__soft_vertex_stage(kiln_simd simd, const kiln__draw_call *call,
                             const kiln__soft_state *state, uint32_t first, uint32_t count,
                             void *out) {
    kiln__soft_vertex_setup setup;
    prepare(call, state, &setup);
    uint32_t done = 0;
#if KILN__HAVE_SPANS
    if (simd != KILN_SIMD_SCALAR) {
        const kiln__soft_span_table *table =
            simd == KILN_SIMD_AVX2 ? &kiln__soft_spans_avx2 : &kiln__soft_spans_sse2;
        done = table->vertices(call, state, &setup, first, count, out);
    }
#else
    (void)simd;
#endif
    for (uint32_t i = first + done; i < first + count; i++) {
        const float *p = kiln__soft_element(call->positions, call->position_stride, i);
        kiln_vector4 object = {p[0], p[1], p[2], call->position_components > 3 ? p[3] : 1.0f};
        kiln_vector4 position = object;
        if (!call->identity_transform)
            position = kiln_matrix4_transform(setup.mvp, object);
        kiln__soft_vertex *v = (kiln__soft_vertex *)(void *)((uint8_t *)out + setup.stride * i);
        v->clip[0] = position.x;
        v->clip[1] = position.y;
        v->clip[2] = position.z;
        v->clip[3] = position.w;
        const float *c =
            call->colours ? kiln__soft_element(call->colours, call->colour_stride, i) : NULL;
        float world_position[3] = {0, 0, 0}, normal[3] = {0, 0, 0};
        if (setup.need_world) {
            kiln_vector4 w = kiln_matrix4_transform(setup.world, object);
            float inv_w = w.w != 0.0f ? 1.0f / w.w : 1.0f;
            world_position[0] = w.x * inv_w;
            world_position[1] = w.y * inv_w;
            world_position[2] = w.z * inv_w;
            if (call->normals) {
                const float *n = kiln__soft_element(call->normals, call->normal_stride, i);
                for (int k = 0; k < 3; k++)
                    normal[k] = setup.normal_matrix[k][0] * n[0] +
                                setup.normal_matrix[k][1] * n[1] + setup.normal_matrix[k][2] * n[2];
            }
        }
        if (setup.light_vertices) {
            float specular[3];
            kiln__soft_lighting(state, world_position, normal, c, &v->varyings[KILN__VARYING_R],
                                specular);
            if (state->has_specular)
                for (int k = 0; k < 3; k++)
                    v->varyings[KILN__VARYING_SPECULAR + k] = specular[k];
        } else if (state->colour_varies) {
            for (int k = 0; k < 4; k++)
                v->varyings[KILN__VARYING_R + k] = c[k];
        } else {
            for (int k = 0; k < 4; k++)
                v->varyings[KILN__VARYING_R + k] = state->colour[k];
        }
        kiln__soft_vertex_other_varyings(call, state, &setup, i, v,
                                         state->lit_per_pixel ? world_position : NULL,
                                         state->lit_per_pixel ? normal : NULL);
        v->inside = kiln__soft_vertex_inside(v);
        kiln__soft_vertex_to_window(&state->viewport, v);
    }
}
