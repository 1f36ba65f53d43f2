/* Materials: Material > Technique > Pass > TextureUnitState, and their manager. */
#ifndef KILN_SCENE_MATERIAL_H
#define KILN_SCENE_MATERIAL_H

#include "texture.h"

struct kiln_texture_unit_state {
    kiln_pass *pass;
    char *texture_name;    /* "" for none */
    kiln_texture *texture; /* a reference; NULL for none */
    kiln_texture_filter_options filtering;
    kiln_texture_addressing_mode addressing;
    kiln_layer_blend_operation colour_operation;
    uint32_t coord_set;
    float scroll_u, scroll_v;
    float scale_u, scale_v;
    float rotate; /* radians */
};

struct kiln_pass {
    kiln_technique *technique;
    bool lighting;
    kiln_colour ambient;
    kiln_colour diffuse;
    kiln_colour specular;
    kiln_colour emissive;
    float shininess;
    bool depth_check;
    bool depth_write;
    bool writes_ids; /* recorded in the extra buffers even when it blends */
    kiln_compare_function depth_function;
    kiln_culling_mode culling;
    uint32_t vertex_colour_tracking; /* kiln_track_vertex_colour bits */
    kiln_scene_blend_factor source_blend;
    kiln_scene_blend_factor dest_blend;
    kiln_compare_function alpha_function;
    uint32_t alpha_value; /* 0-255 */
    float depth_bias_constant;
    float depth_bias_slope_scale;
    kiln_shade_options shading;
    uint32_t max_lights;
    float point_size;
    kiln_texture_unit_state **units;
    uint32_t num_units;
};

struct kiln_technique {
    kiln_material *material;
    kiln_pass **passes;
    uint32_t num_passes;
};

struct kiln_material {
    kiln__refcount ref;
    char *name;
    char *group;
    kiln_texture_manager *textures; /* a reference, to resolve texture names */
    kiln_technique **techniques;
    uint32_t num_techniques;
};

struct kiln_material_manager {
    kiln_texture_manager *textures; /* a reference */
    kiln__registry materials;
};

kiln_result kiln__material_manager_create(kiln_texture_manager *textures,
                                          kiln_material_manager **out);

/* Releases every registered material and frees the manager. */
void kiln__material_manager_destroy(kiln_material_manager *self);

#endif
