#include "material.h"

#include <math.h>
#include <string.h>

static const char *group_name(const char *group) { return group ? group : KILN__DEFAULT_GROUP; }

/* ---- texture unit states ---- */

static void unit_free(kiln_texture_unit_state *self) {
    if (!self)
        return;
    kiln_texture_release(self->texture);
    kiln__free(self->texture_name);
    kiln__free(self);
}

/* Looks a texture up by name in the "General" group of the material's manager;
 * an empty or NULL name means no texture. */
static kiln_result resolve_texture(const kiln_pass *pass, const char *function, const char *name,
                                   kiln_texture **out) {
    *out = NULL;
    if (!name || !name[0])
        return KILN_OK;
    kiln_texture_manager *textures = pass->technique->material->textures;
    if (!textures->alive)
        return kiln__fail(KILN_ERROR_INVALID_STATE,
                          "%s: the root that owned material '%s' has been destroyed, so texture "
                          "'%s' cannot be looked up",
                          function, pass->technique->material->name, name);
    kiln_texture *texture = kiln__registry_find(&textures->textures, name, KILN__DEFAULT_GROUP);
    if (!texture)
        return kiln__fail(KILN_ERROR_NOT_FOUND,
                          "%s: no texture named '%s' in group '%s'; load it with "
                          "kiln_texture_manager_load_image first",
                          function, name, KILN__DEFAULT_GROUP);
    kiln_texture_retain(texture);
    *out = texture;
    return KILN_OK;
}

KILN_API kiln_result kiln_pass_create_texture_unit_state(kiln_pass *self, const char *texture_name,
                                                         kiln_texture_unit_state **out) {
    KILN__REQUIRE_NOT_NULL(self);
    if (out)
        *out = NULL;
    kiln_texture *texture = NULL;
    KILN__CHECK(resolve_texture(self, __func__, texture_name, &texture));
    kiln_texture_unit_state *unit = kiln__calloc(1, sizeof *unit);
    char *name_copy = kiln__strdup(texture_name ? texture_name : "");
    kiln_texture_unit_state **units =
        kiln__realloc_array(self->units, self->num_units + 1, sizeof *units);
    if (units)
        self->units = units;
    if (!unit || !name_copy || !units) {
        kiln__free(unit);
        kiln__free(name_copy);
        kiln_texture_release(texture);
        return kiln__fail_oom("a texture unit state", sizeof *unit);
    }
    unit->pass = self;
    unit->texture = texture;
    unit->texture_name = name_copy;
    unit->filtering = KILN_TFO_BILINEAR;
    unit->addressing = KILN_TAM_WRAP;
    unit->colour_operation = KILN_LBO_MODULATE;
    unit->scale_u = 1.0f;
    unit->scale_v = 1.0f;
    self->units[self->num_units++] = unit;
    if (out)
        *out = unit;
    return KILN_OK;
}

KILN_API uint32_t kiln_pass_get_num_texture_unit_states(const kiln_pass *self) {
    return self->num_units;
}

KILN_API kiln_result kiln_pass_get_texture_unit_state(const kiln_pass *self, uint32_t index,
                                                      kiln_texture_unit_state **out) {
    KILN__REQUIRE_NOT_NULL(self);
    KILN__REQUIRE_NOT_NULL(out);
    *out = NULL;
    if (index >= self->num_units)
        return kiln__fail(KILN_ERROR_OUT_OF_RANGE,
                          "kiln_pass_get_texture_unit_state: index %u but the pass has %u "
                          "texture unit states",
                          index, self->num_units);
    *out = self->units[index];
    return KILN_OK;
}

KILN_API const char *kiln_texture_unit_state_get_texture_name(const kiln_texture_unit_state *self) {
    return self->texture_name;
}

KILN_API kiln_result kiln_texture_unit_state_set_texture_name(kiln_texture_unit_state *self,
                                                              const char *texture_name) {
    KILN__REQUIRE_NOT_NULL(self);
    kiln_texture *texture = NULL;
    KILN__CHECK(resolve_texture(self->pass, __func__, texture_name, &texture));
    char *name_copy = kiln__strdup(texture_name ? texture_name : "");
    if (!name_copy) {
        kiln_texture_release(texture);
        return kiln__fail_oom("a texture name", strlen(texture_name) + 1);
    }
    kiln_texture_release(self->texture);
    kiln__free(self->texture_name);
    self->texture = texture;
    self->texture_name = name_copy;
    return KILN_OK;
}

KILN_API kiln_texture_filter_options
kiln_texture_unit_state_get_texture_filtering(const kiln_texture_unit_state *self) {
    return self->filtering;
}

KILN_API kiln_result kiln_texture_unit_state_set_texture_filtering(
    kiln_texture_unit_state *self, kiln_texture_filter_options filtering) {
    KILN__REQUIRE_NOT_NULL(self);
    KILN__REQUIRE(filtering >= KILN_TFO_NONE && filtering <= KILN_TFO_ANISOTROPIC,
                  "kiln_texture_unit_state_set_texture_filtering: %d is not a "
                  "kiln_texture_filter_options value (0 to 3)",
                  (int)filtering);
    self->filtering = filtering;
    return KILN_OK;
}

KILN_API kiln_texture_addressing_mode
kiln_texture_unit_state_get_texture_addressing_mode(const kiln_texture_unit_state *self) {
    return self->addressing;
}

KILN_API kiln_result kiln_texture_unit_state_set_texture_addressing_mode(
    kiln_texture_unit_state *self, kiln_texture_addressing_mode mode) {
    KILN__REQUIRE_NOT_NULL(self);
    KILN__REQUIRE(mode >= KILN_TAM_WRAP && mode <= KILN_TAM_BORDER,
                  "kiln_texture_unit_state_set_texture_addressing_mode: %d is not a "
                  "kiln_texture_addressing_mode value (0 to 3)",
                  (int)mode);
    self->addressing = mode;
    return KILN_OK;
}

/* ---- passes ---- */

static void pass_free(kiln_pass *self) {
    if (!self)
        return;
    for (uint32_t i = 0; i < self->num_units; i++)
        unit_free(self->units[i]);
    kiln__free(self->units);
    kiln__free(self);
}

KILN_API bool kiln_pass_get_lighting_enabled(const kiln_pass *self) { return self->lighting; }
KILN_API void kiln_pass_set_lighting_enabled(kiln_pass *self, bool enabled) {
    self->lighting = enabled;
}
KILN_API kiln_colour kiln_pass_get_ambient(const kiln_pass *self) { return self->ambient; }
KILN_API void kiln_pass_set_ambient(kiln_pass *self, const kiln_colour *colour) {
    if (colour)
        self->ambient = *colour;
}
KILN_API kiln_colour kiln_pass_get_diffuse(const kiln_pass *self) { return self->diffuse; }
KILN_API void kiln_pass_set_diffuse(kiln_pass *self, const kiln_colour *colour) {
    if (colour)
        self->diffuse = *colour;
}
KILN_API kiln_colour kiln_pass_get_specular(const kiln_pass *self) { return self->specular; }
KILN_API void kiln_pass_set_specular(kiln_pass *self, const kiln_colour *colour) {
    if (colour)
        self->specular = *colour;
}
KILN_API kiln_colour kiln_pass_get_emissive(const kiln_pass *self) { return self->emissive; }
KILN_API void kiln_pass_set_emissive(kiln_pass *self, const kiln_colour *colour) {
    if (colour)
        self->emissive = *colour;
}
KILN_API float kiln_pass_get_shininess(const kiln_pass *self) { return self->shininess; }
KILN_API void kiln_pass_set_shininess(kiln_pass *self, float shininess) {
    self->shininess = shininess;
}
KILN_API bool kiln_pass_get_depth_check_enabled(const kiln_pass *self) { return self->depth_check; }
KILN_API void kiln_pass_set_depth_check_enabled(kiln_pass *self, bool enabled) {
    self->depth_check = enabled;
}
KILN_API bool kiln_pass_get_writes_ids(const kiln_pass *self) { return self->writes_ids; }
KILN_API void kiln_pass_set_writes_ids(kiln_pass *self, bool enabled) {
    self->writes_ids = enabled;
}
KILN_API bool kiln_pass_get_depth_write_enabled(const kiln_pass *self) { return self->depth_write; }
KILN_API void kiln_pass_set_depth_write_enabled(kiln_pass *self, bool enabled) {
    self->depth_write = enabled;
}
KILN_API kiln_compare_function kiln_pass_get_depth_function(const kiln_pass *self) {
    return self->depth_function;
}
KILN_API kiln_result kiln_pass_set_depth_function(kiln_pass *self, kiln_compare_function function) {
    KILN__REQUIRE_NOT_NULL(self);
    KILN__REQUIRE(function >= KILN_CMPF_ALWAYS_FAIL && function <= KILN_CMPF_GREATER,
                  "kiln_pass_set_depth_function: %d is not a kiln_compare_function value (0 to "
                  "7)",
                  (int)function);
    self->depth_function = function;
    return KILN_OK;
}
KILN_API kiln_culling_mode kiln_pass_get_culling_mode(const kiln_pass *self) {
    return self->culling;
}
KILN_API kiln_result kiln_pass_set_culling_mode(kiln_pass *self, kiln_culling_mode mode) {
    KILN__REQUIRE_NOT_NULL(self);
    KILN__REQUIRE(mode >= KILN_CULL_NONE && mode <= KILN_CULL_ANTICLOCKWISE,
                  "kiln_pass_set_culling_mode: %d is not a kiln_culling_mode value (1 to 3)",
                  (int)mode);
    self->culling = mode;
    return KILN_OK;
}

/* ---- pass and texture unit properties of the fixed-function pipeline ---- */

KILN_API uint32_t kiln_pass_get_vertex_colour_tracking(const kiln_pass *self) {
    return self->vertex_colour_tracking;
}
KILN_API kiln_result kiln_pass_set_vertex_colour_tracking(kiln_pass *self, uint32_t tracking) {
    KILN__REQUIRE_NOT_NULL(self);
    KILN__REQUIRE((tracking & ~15u) == 0,
                  "kiln_pass_set_vertex_colour_tracking: %u is not a combination of "
                  "kiln_track_vertex_colour bits (0 to 15)",
                  tracking);
    self->vertex_colour_tracking = tracking;
    return KILN_OK;
}

static bool valid_blend_factor(kiln_scene_blend_factor factor) {
    return factor >= KILN_SBF_ONE && factor <= KILN_SBF_ONE_MINUS_SOURCE_ALPHA;
}

KILN_API kiln_result kiln_pass_set_scene_blending(kiln_pass *self, kiln_scene_blend_type type) {
    KILN__REQUIRE_NOT_NULL(self);
    /* The factors each named type stands for, as in the original engine. */
    static const kiln_scene_blend_factor factors[5][2] = {
        {KILN_SBF_SOURCE_ALPHA, KILN_SBF_ONE_MINUS_SOURCE_ALPHA},
        {KILN_SBF_SOURCE_COLOUR, KILN_SBF_ONE_MINUS_SOURCE_COLOUR},
        {KILN_SBF_ONE, KILN_SBF_ONE},
        {KILN_SBF_DEST_COLOUR, KILN_SBF_ZERO},
        {KILN_SBF_ONE, KILN_SBF_ZERO},
    };
    KILN__REQUIRE(type >= KILN_SBT_TRANSPARENT_ALPHA && type <= KILN_SBT_REPLACE,
                  "kiln_pass_set_scene_blending: %d is not a kiln_scene_blend_type value (0 to "
                  "4)",
                  (int)type);
    self->source_blend = factors[type][0];
    self->dest_blend = factors[type][1];
    return KILN_OK;
}

KILN_API kiln_result kiln_pass_set_scene_blending_factors(kiln_pass *self,
                                                          kiln_scene_blend_factor source_factor,
                                                          kiln_scene_blend_factor dest_factor) {
    KILN__REQUIRE_NOT_NULL(self);
    KILN__REQUIRE(valid_blend_factor(source_factor),
                  "kiln_pass_set_scene_blending_factors: source factor %d is not a "
                  "kiln_scene_blend_factor value (0 to 9)",
                  (int)source_factor);
    KILN__REQUIRE(valid_blend_factor(dest_factor),
                  "kiln_pass_set_scene_blending_factors: destination factor %d is not a "
                  "kiln_scene_blend_factor value (0 to 9)",
                  (int)dest_factor);
    self->source_blend = source_factor;
    self->dest_blend = dest_factor;
    return KILN_OK;
}

KILN_API kiln_scene_blend_factor kiln_pass_get_source_blend_factor(const kiln_pass *self) {
    return self->source_blend;
}
KILN_API kiln_scene_blend_factor kiln_pass_get_dest_blend_factor(const kiln_pass *self) {
    return self->dest_blend;
}

KILN_API kiln_result kiln_pass_set_alpha_rejection(kiln_pass *self, kiln_compare_function function,
                                                   uint32_t value) {
    KILN__REQUIRE_NOT_NULL(self);
    KILN__REQUIRE(function >= KILN_CMPF_ALWAYS_FAIL && function <= KILN_CMPF_GREATER,
                  "kiln_pass_set_alpha_rejection: %d is not a kiln_compare_function value (0 to "
                  "7)",
                  (int)function);
    KILN__REQUIRE(value <= 255, "kiln_pass_set_alpha_rejection: value %u is outside 0 to 255",
                  value);
    self->alpha_function = function;
    self->alpha_value = value;
    return KILN_OK;
}
KILN_API kiln_compare_function kiln_pass_get_alpha_rejection_function(const kiln_pass *self) {
    return self->alpha_function;
}
KILN_API uint32_t kiln_pass_get_alpha_rejection_value(const kiln_pass *self) {
    return self->alpha_value;
}

KILN_API kiln_result kiln_pass_set_depth_bias(kiln_pass *self, float constant_bias,
                                              float slope_scale_bias) {
    KILN__REQUIRE_NOT_NULL(self);
    KILN__REQUIRE(isfinite(constant_bias) && isfinite(slope_scale_bias),
                  "kiln_pass_set_depth_bias: %g and %g must be finite", (double)constant_bias,
                  (double)slope_scale_bias);
    self->depth_bias_constant = constant_bias;
    self->depth_bias_slope_scale = slope_scale_bias;
    return KILN_OK;
}
KILN_API float kiln_pass_get_depth_bias_constant(const kiln_pass *self) {
    return self->depth_bias_constant;
}
KILN_API float kiln_pass_get_depth_bias_slope_scale(const kiln_pass *self) {
    return self->depth_bias_slope_scale;
}

KILN_API kiln_shade_options kiln_pass_get_shading_mode(const kiln_pass *self) {
    return self->shading;
}
KILN_API kiln_result kiln_pass_set_shading_mode(kiln_pass *self, kiln_shade_options mode) {
    KILN__REQUIRE_NOT_NULL(self);
    KILN__REQUIRE(mode >= KILN_SO_FLAT && mode <= KILN_SO_PHONG,
                  "kiln_pass_set_shading_mode: %d is not a kiln_shade_options value (0 to 2)",
                  (int)mode);
    self->shading = mode;
    return KILN_OK;
}

KILN_API uint32_t kiln_pass_get_max_simultaneous_lights(const kiln_pass *self) {
    return self->max_lights;
}
KILN_API kiln_result kiln_pass_set_max_simultaneous_lights(kiln_pass *self, uint32_t count) {
    KILN__REQUIRE_NOT_NULL(self);
    KILN__REQUIRE(count >= 1 && count <= 8,
                  "kiln_pass_set_max_simultaneous_lights: %u is outside 1 to 8", count);
    self->max_lights = count;
    return KILN_OK;
}

KILN_API float kiln_pass_get_point_size(const kiln_pass *self) { return self->point_size; }
KILN_API kiln_result kiln_pass_set_point_size(kiln_pass *self, float size) {
    KILN__REQUIRE_NOT_NULL(self);
    KILN__REQUIRE(size > 0.0f && size <= 1024.0f,
                  "kiln_pass_set_point_size: %g pixels is outside (0, 1024]", (double)size);
    self->point_size = size;
    return KILN_OK;
}

KILN_API kiln_layer_blend_operation
kiln_texture_unit_state_get_colour_operation(const kiln_texture_unit_state *self) {
    return self->colour_operation;
}
KILN_API kiln_result kiln_texture_unit_state_set_colour_operation(
    kiln_texture_unit_state *self, kiln_layer_blend_operation operation) {
    KILN__REQUIRE_NOT_NULL(self);
    KILN__REQUIRE(operation >= KILN_LBO_REPLACE && operation <= KILN_LBO_ALPHA_BLEND,
                  "kiln_texture_unit_state_set_colour_operation: %d is not a "
                  "kiln_layer_blend_operation value (0 to 3)",
                  (int)operation);
    self->colour_operation = operation;
    return KILN_OK;
}

KILN_API uint32_t
kiln_texture_unit_state_get_texture_coord_set(const kiln_texture_unit_state *self) {
    return self->coord_set;
}
KILN_API kiln_result kiln_texture_unit_state_set_texture_coord_set(kiln_texture_unit_state *self,
                                                                   uint32_t set) {
    KILN__REQUIRE_NOT_NULL(self);
    KILN__REQUIRE(set <= 3,
                  "kiln_texture_unit_state_set_texture_coord_set: set %u is outside 0 to 3", set);
    self->coord_set = set;
    return KILN_OK;
}

KILN_API void kiln_texture_unit_state_set_texture_scroll(kiln_texture_unit_state *self, float u,
                                                         float v) {
    self->scroll_u = u;
    self->scroll_v = v;
}
KILN_API void kiln_texture_unit_state_set_texture_scale(kiln_texture_unit_state *self, float u,
                                                        float v) {
    self->scale_u = u;
    self->scale_v = v;
}
KILN_API void kiln_texture_unit_state_set_texture_rotate(kiln_texture_unit_state *self,
                                                         float angle) {
    self->rotate = angle;
}
KILN_API kiln_vector2
kiln_texture_unit_state_get_texture_scroll(const kiln_texture_unit_state *self) {
    return (kiln_vector2){self->scroll_u, self->scroll_v};
}
KILN_API kiln_vector2
kiln_texture_unit_state_get_texture_scale(const kiln_texture_unit_state *self) {
    return (kiln_vector2){self->scale_u, self->scale_v};
}
KILN_API float kiln_texture_unit_state_get_texture_rotate(const kiln_texture_unit_state *self) {
    return self->rotate;
}

/* ---- techniques ---- */

static void technique_free(kiln_technique *self) {
    if (!self)
        return;
    for (uint32_t i = 0; i < self->num_passes; i++)
        pass_free(self->passes[i]);
    kiln__free(self->passes);
    kiln__free(self);
}

KILN_API uint32_t kiln_technique_get_num_passes(const kiln_technique *self) {
    return self->num_passes;
}

KILN_API kiln_result kiln_technique_get_pass(const kiln_technique *self, uint32_t index,
                                             kiln_pass **out) {
    KILN__REQUIRE_NOT_NULL(self);
    KILN__REQUIRE_NOT_NULL(out);
    *out = NULL;
    if (index >= self->num_passes)
        return kiln__fail(KILN_ERROR_OUT_OF_RANGE,
                          "kiln_technique_get_pass: index %u but the technique has %u passes",
                          index, self->num_passes);
    *out = self->passes[index];
    return KILN_OK;
}

KILN_API kiln_result kiln_technique_create_pass(kiln_technique *self, kiln_pass **out) {
    KILN__REQUIRE_NOT_NULL(self);
    if (out)
        *out = NULL;
    kiln_pass *pass = kiln__calloc(1, sizeof *pass);
    kiln_pass **passes = kiln__realloc_array(self->passes, self->num_passes + 1, sizeof *passes);
    if (passes)
        self->passes = passes;
    if (!pass || !passes) {
        kiln__free(pass);
        return kiln__fail_oom("a pass", sizeof *pass);
    }
    /* The original engine's Pass defaults. */
    pass->technique = self;
    pass->lighting = true;
    pass->ambient = (kiln_colour){1, 1, 1, 1};
    pass->diffuse = (kiln_colour){1, 1, 1, 1};
    pass->specular = (kiln_colour){0, 0, 0, 0};
    pass->emissive = (kiln_colour){0, 0, 0, 0};
    pass->shininess = 0.0f;
    pass->depth_check = true;
    pass->depth_write = true;
    pass->depth_function = KILN_CMPF_LESS_EQUAL;
    pass->culling = KILN_CULL_CLOCKWISE;
    pass->vertex_colour_tracking = KILN_TVC_NONE;
    pass->source_blend = KILN_SBF_ONE;
    pass->dest_blend = KILN_SBF_ZERO;
    pass->alpha_function = KILN_CMPF_ALWAYS_PASS;
    pass->alpha_value = 0;
    pass->shading = KILN_SO_GOURAUD;
    pass->max_lights = 8;
    pass->point_size = 1.0f;
    self->passes[self->num_passes++] = pass;
    if (out)
        *out = pass;
    return KILN_OK;
}

/* ---- materials ---- */

static void material_free(kiln_material *self) {
    for (uint32_t i = 0; i < self->num_techniques; i++)
        technique_free(self->techniques[i]);
    kiln__free(self->techniques);
    kiln__texture_manager_release(self->textures);
    kiln__free(self->name);
    kiln__free(self->group);
    kiln__free(self);
}

KILN_API void kiln_material_retain(kiln_material *self) {
    if (self)
        kiln__ref_inc(&self->ref);
}

KILN_API void kiln_material_release(kiln_material *self) {
    if (self && kiln__ref_dec(&self->ref))
        material_free(self);
}

KILN_API const char *kiln_material_get_name(const kiln_material *self) { return self->name; }
KILN_API const char *kiln_material_get_group(const kiln_material *self) { return self->group; }
KILN_API uint32_t kiln_material_get_num_techniques(const kiln_material *self) {
    return self->num_techniques;
}

KILN_API kiln_result kiln_material_get_technique(const kiln_material *self, uint32_t index,
                                                 kiln_technique **out) {
    KILN__REQUIRE_NOT_NULL(self);
    KILN__REQUIRE_NOT_NULL(out);
    *out = NULL;
    if (index >= self->num_techniques)
        return kiln__fail(KILN_ERROR_OUT_OF_RANGE,
                          "kiln_material_get_technique: index %u but material '%s' has %u "
                          "techniques",
                          index, self->name, self->num_techniques);
    *out = self->techniques[index];
    return KILN_OK;
}

KILN_API kiln_result kiln_material_create_technique(kiln_material *self, kiln_technique **out) {
    KILN__REQUIRE_NOT_NULL(self);
    if (out)
        *out = NULL;
    kiln_technique *technique = kiln__calloc(1, sizeof *technique);
    kiln_technique **techniques =
        kiln__realloc_array(self->techniques, self->num_techniques + 1, sizeof *techniques);
    if (techniques)
        self->techniques = techniques;
    if (!technique || !techniques) {
        kiln__free(technique);
        return kiln__fail_oom("a technique", sizeof *technique);
    }
    technique->material = self;
    self->techniques[self->num_techniques++] = technique;
    if (out)
        *out = technique;
    return KILN_OK;
}

/* ---- the manager ---- */

kiln_result kiln__material_manager_create(kiln_texture_manager *textures,
                                          kiln_material_manager **out) {
    kiln_material_manager *self = kiln__calloc(1, sizeof *self);
    if (!self)
        return kiln__fail_oom("a material manager", sizeof *self);
    kiln__texture_manager_retain(textures);
    self->textures = textures;
    /* The original engine's default material, which geometry without a material of
     * its own shows: one pass, lit, white. */
    kiln_result r = kiln_material_manager_create(self, "BaseWhite", KILN__DEFAULT_GROUP, NULL);
    if (r != KILN_OK) {
        kiln__material_manager_destroy(self);
        return r;
    }
    *out = self;
    return KILN_OK;
}

void kiln__material_manager_destroy(kiln_material_manager *self) {
    if (!self)
        return;
    for (uint32_t i = 0; i < self->materials.count; i++)
        kiln_material_release(self->materials.entries[i].item);
    kiln__registry_free(&self->materials);
    kiln__texture_manager_release(self->textures);
    kiln__free(self);
}

KILN_API kiln_result kiln_material_manager_create(kiln_material_manager *self, const char *name,
                                                  const char *group, kiln_material **out) {
    KILN__REQUIRE_NOT_NULL(self);
    KILN__REQUIRE_NOT_NULL(name);
    if (out)
        *out = NULL;
    if (kiln__registry_find(&self->materials, name, group))
        return kiln__fail(KILN_ERROR_INVALID_ARGUMENT,
                          "kiln_material_manager_create: a material named '%s' already exists in "
                          "group '%s'",
                          name, group_name(group));
    kiln_material *material = kiln__calloc(1, sizeof *material);
    if (!material)
        return kiln__fail_oom("a material", sizeof *material);
    kiln__ref_init(&material->ref);
    kiln__texture_manager_retain(self->textures);
    material->textures = self->textures;
    material->name = kiln__strdup(name);
    material->group = kiln__strdup(group_name(group));
    kiln_result r = (material->name && material->group)
                        ? KILN_OK
                        : kiln__fail_oom("a material name", strlen(name) + 1);
    kiln_technique *technique = NULL;
    if (r == KILN_OK)
        r = kiln_material_create_technique(material, &technique);
    if (r == KILN_OK)
        r = kiln_technique_create_pass(technique, NULL);
    if (r == KILN_OK)
        r = kiln__registry_add(&self->materials, name, group, material);
    if (r != KILN_OK) {
        material_free(material);
        return r;
    }
    if (out) {
        kiln_material_retain(material);
        *out = material;
    }
    return KILN_OK;
}

KILN_API kiln_result kiln_material_manager_get_by_name(kiln_material_manager *self,
                                                       const char *name, const char *group,
                                                       kiln_material **out) {
    KILN__REQUIRE_NOT_NULL(self);
    KILN__REQUIRE_NOT_NULL(name);
    KILN__REQUIRE_NOT_NULL(out);
    *out = NULL;
    kiln_material *material = kiln__registry_find(&self->materials, name, group);
    if (!material)
        return kiln__fail(KILN_ERROR_NOT_FOUND,
                          "kiln_material_manager_get_by_name: no material named '%s' in group '%s'",
                          name, group_name(group));
    kiln_material_retain(material);
    *out = material;
    return KILN_OK;
}

KILN_API bool kiln_material_manager_resource_exists(const kiln_material_manager *self,
                                                    const char *name, const char *group) {
    return self && name && kiln__registry_find(&self->materials, name, group) != NULL;
}

KILN_API kiln_result kiln_material_manager_remove(kiln_material_manager *self, const char *name,
                                                  const char *group) {
    KILN__REQUIRE_NOT_NULL(self);
    KILN__REQUIRE_NOT_NULL(name);
    kiln_material *material = kiln__registry_remove(&self->materials, name, group);
    if (!material)
        return kiln__fail(KILN_ERROR_NOT_FOUND,
                          "kiln_material_manager_remove: no material named '%s' in group '%s'",
                          name, group_name(group));
    kiln_material_release(material);
    return KILN_OK;
}
