#include "render_internal.h"

/* Fills the part of a draw call that comes from a pass. */
static void pass_state(const kiln_pass *pass, const kiln_scene_manager *scene,
                       kiln__pass_state *out) {
    *out = (kiln__pass_state){0};
    out->depth_check = pass->depth_check;
    out->depth_write = pass->depth_write;
    out->depth_function = pass->depth_function;
    out->culling = pass->culling;
    out->lighting = pass->lighting;
    out->ambient = pass->ambient;
    out->diffuse = pass->diffuse;
    out->specular = pass->specular;
    out->emissive = pass->emissive;
    out->shininess = pass->shininess;
    out->scene_ambient = scene->ambient;
    uint32_t n = 0;
    for (uint32_t i = 0; i < pass->num_units && n < KILN__MAX_TEXTURE_UNITS; i++) {
        const kiln_texture_unit_state *unit = pass->units[i];
        if (!unit->texture)
            continue; /* a unit without a texture leaves the colour as it is */
        out->units[n++] = (kiln__sampler_state){unit->texture->levels, unit->texture->num_levels,
                                                unit->filtering, unit->addressing};
    }
    out->num_units = n;
}

static kiln_result draw_rectangle2d(kiln__render_system *rs, const kiln_rectangle2d *rect,
                                    const kiln_scene_manager *scene) {
    if (!rect->material || rect->material->num_techniques == 0)
        return KILN_OK;
    /* A triangle strip anticlockwise on screen, at the near plane, in clip space. */
    const float positions[4][3] = {{rect->left, rect->top, -1.0f},
                                   {rect->left, rect->bottom, -1.0f},
                                   {rect->right, rect->top, -1.0f},
                                   {rect->right, rect->bottom, -1.0f}};
    const float uvs[4][2] = {{0, 0}, {0, 1}, {1, 0}, {1, 1}};
    kiln__draw_call call = {0};
    call.primitive = KILN__PRIMITIVE_TRIANGLE_STRIP;
    call.vertex_count = 4;
    call.positions = &positions[0][0];
    call.position_components = 3;
    call.position_stride = sizeof positions[0];
    call.uvs[0] = rect->has_uvs ? &uvs[0][0] : NULL;
    call.uv_strides[0] = sizeof uvs[0];
    call.identity_transform = true;
    const kiln_technique *technique = rect->material->techniques[0];
    for (uint32_t p = 0; p < technique->num_passes; p++) {
        pass_state(technique->passes[p], scene, &call.state);
        KILN__CHECK(rs->ops->draw(rs, &call));
    }
    return KILN_OK;
}

static kiln_result draw_node(kiln__render_system *rs, const kiln_scene_node *node,
                             const kiln_scene_manager *scene) {
    for (uint32_t i = 0; i < node->num_objects; i++) {
        const kiln_movable_object *object = node->objects[i];
        if (!object->visible)
            continue;
        if (object->type == KILN__MOVABLE_RECTANGLE2D)
            KILN__CHECK(draw_rectangle2d(rs, (const kiln_rectangle2d *)object, scene));
    }
    for (uint32_t i = 0; i < node->num_children; i++)
        KILN__CHECK(draw_node(rs, node->children[i], scene));
    return KILN_OK;
}

kiln_result kiln__render_scene(kiln__render_system *rs, const kiln_viewport *viewport) {
    const kiln_scene_manager *scene = viewport->camera->scene;
    if (!scene)
        return KILN_OK;
    return draw_node(rs, scene->root_node, scene);
}
