/* Named resources: textures and materials (Material > Technique > Pass >
 * TextureUnitState).
 *
 * Managers belong to the Root. Textures and materials are reference counted: the
 * manager holds one reference while the resource is registered, and every
 * kiln_*_manager_* call that hands a resource out through an out-parameter gives
 * the caller a reference of its own to release. Techniques, passes and texture
 * unit states belong to their material and live as long as it does. Resources
 * may be used by one thread at a time; rendering only reads them. */
#ifndef KILN_RESOURCE_H
#define KILN_RESOURCE_H

#include "core.h"
#include "image.h"
#include "maths.h"
#include "pixel.h"

typedef struct kiln_texture kiln_texture;
typedef struct kiln_texture_manager kiln_texture_manager;
typedef struct kiln_material kiln_material;
typedef struct kiln_material_manager kiln_material_manager;
typedef struct kiln_technique kiln_technique;
typedef struct kiln_pass kiln_pass;
typedef struct kiln_texture_unit_state kiln_texture_unit_state;

typedef enum kiln_texture_filter_options {
    KILN_TFO_NONE = 0,      /* nearest texel, no mipmaps */
    KILN_TFO_BILINEAR = 1,  /* linear within the nearest mipmap level (the default) */
    KILN_TFO_TRILINEAR = 2, /* linear within and between mipmap levels */
    KILN_TFO_ANISOTROPIC = 3
} kiln_texture_filter_options;

typedef enum kiln_texture_addressing_mode {
    KILN_TAM_WRAP = 0, /* the default */
    KILN_TAM_MIRROR = 1,
    KILN_TAM_CLAMP = 2,
    KILN_TAM_BORDER = 3
} kiln_texture_addressing_mode;

typedef enum kiln_culling_mode {
    KILN_CULL_NONE = 1,
    KILN_CULL_CLOCKWISE = 2, /* the default: clockwise triangles on screen are hidden */
    KILN_CULL_ANTICLOCKWISE = 3
} kiln_culling_mode;

typedef enum kiln_compare_function {
    KILN_CMPF_ALWAYS_FAIL = 0,
    KILN_CMPF_ALWAYS_PASS = 1,
    KILN_CMPF_LESS = 2,
    KILN_CMPF_LESS_EQUAL = 3, /* the default depth function */
    KILN_CMPF_EQUAL = 4,
    KILN_CMPF_NOT_EQUAL = 5,
    KILN_CMPF_GREATER_EQUAL = 6,
    KILN_CMPF_GREATER = 7
} kiln_compare_function;

/* ---- textures ---- */

/* Uploads image as the texture `name` in `group` with a full mipmap chain. Fails
 * if the name is taken in the group or the image is empty. The caller owns the
 * reference in *out (out may be NULL when the caller does not want it). */
KILN_API kiln_result kiln_texture_manager_load_image(kiln_texture_manager *self, const char *name,
                                                     const char *group, const kiln_image *image,
                                                     kiln_texture **out);

/* Finds a texture; KILN_ERROR_NOT_FOUND names it if there is none.
 * Default: group = NULL */
KILN_API kiln_result kiln_texture_manager_get_by_name(kiln_texture_manager *self, const char *name,
                                                      const char *group, kiln_texture **out);

/* True when a texture `name` is registered in `group` (NULL means "General"); false
 * for a NULL name.
 * Default: group = NULL */
KILN_API bool kiln_texture_manager_resource_exists(const kiln_texture_manager *self,
                                                   const char *name, const char *group);

/* Unregisters a texture; materials using it keep their reference.
 * Default: group = NULL */
KILN_API kiln_result kiln_texture_manager_remove(kiln_texture_manager *self, const char *name,
                                                 const char *group);

/* Adds a reference, or drops one; the last release frees the texture and its
 * mipmaps. Both accept NULL and are thread-safe. */
KILN_API void kiln_texture_retain(kiln_texture *self);
KILN_API void kiln_texture_release(kiln_texture *self);

/* The name the texture was loaded under; the string belongs to the texture and
 * lives as long as it does. */
KILN_API const char *kiln_texture_get_name(const kiln_texture *self);

/* The size of the top mipmap level in pixels (that of the image it came from). */
KILN_API uint32_t kiln_texture_get_width(const kiln_texture *self);
KILN_API uint32_t kiln_texture_get_height(const kiln_texture *self);

/* The format of the image the texture was loaded from. Whatever it is, the texels
 * are kept and sampled as 8-bit RGBA. */
KILN_API kiln_pixel_format kiln_texture_get_format(const kiln_texture *self);

/* Mipmap levels below the top one (a 256x256 texture has 8). */
KILN_API uint32_t kiln_texture_get_num_mipmaps(const kiln_texture *self);

/* A copy of mipmap level `level` (0 is the full size) as a new image. */
KILN_API kiln_result kiln_texture_convert_to_image(const kiln_texture *self, uint32_t level,
                                                   kiln_image **out);

/* ---- materials ---- */

/* A new material with one technique holding one pass (lighting on, white
 * diffuse, no texture units). Fails if the name is taken in the group. The
 * caller owns the reference in *out. */
KILN_API kiln_result kiln_material_manager_create(kiln_material_manager *self, const char *name,
                                                  const char *group, kiln_material **out);

/* Finds a material (a NULL group means "General"); KILN_ERROR_NOT_FOUND names it if
 * there is none. The caller owns the reference in *out.
 * Default: group = NULL */
KILN_API kiln_result kiln_material_manager_get_by_name(kiln_material_manager *self,
                                                       const char *name, const char *group,
                                                       kiln_material **out);

/* True when a material `name` is registered in `group` (NULL means "General"); false
 * for a NULL name.
 * Default: group = NULL */
KILN_API bool kiln_material_manager_resource_exists(const kiln_material_manager *self,
                                                    const char *name, const char *group);

/* Unregisters a material; KILN_ERROR_NOT_FOUND names it if there is none. Entities,
 * manual objects and rectangles using it keep their reference; later lookups of its
 * name fail.
 * Default: group = NULL */
KILN_API kiln_result kiln_material_manager_remove(kiln_material_manager *self, const char *name,
                                                  const char *group);

/* Adds a reference, or drops one; the last release frees the material with its
 * techniques, passes and texture units. Both accept NULL and are thread-safe. */
KILN_API void kiln_material_retain(kiln_material *self);
KILN_API void kiln_material_release(kiln_material *self);

/* The name and the group ("General" when created with a NULL group) the material
 * was created with; the strings belong to the material and live as long as it does. */
KILN_API const char *kiln_material_get_name(const kiln_material *self);
KILN_API const char *kiln_material_get_group(const kiln_material *self);

/* How many techniques the material has (1 when created); rendering uses the first. */
KILN_API uint32_t kiln_material_get_num_techniques(const kiln_material *self);

/* The technique at index (borrowed: it lives as long as the material). */
KILN_API kiln_result kiln_material_get_technique(const kiln_material *self, uint32_t index,
                                                 kiln_technique **out);

/* Adds an empty technique (kiln_technique_create_pass adds its passes) after the
 * others (borrowed: it lives as long as the material). */
KILN_API kiln_result kiln_material_create_technique(kiln_material *self, kiln_technique **out);

/* How many passes the technique has; each draws the geometry once, in order. */
KILN_API uint32_t kiln_technique_get_num_passes(const kiln_technique *self);

/* The pass at index (borrowed: it lives as long as the material);
 * KILN_ERROR_OUT_OF_RANGE past the last one. */
KILN_API kiln_result kiln_technique_get_pass(const kiln_technique *self, uint32_t index,
                                             kiln_pass **out);

/* Appends a pass with every pass property at its default (lit, white, depth tested
 * and written, no blending, no texture units). The pass belongs to the material
 * (borrowed); out may be NULL. */
KILN_API kiln_result kiln_technique_create_pass(kiln_technique *self, kiln_pass **out);

/* Whether the pass is lit (default true). Lit, its colour is the scene's ambient
 * light times the ambient colour, plus the emissive colour, plus each light times
 * the diffuse and specular colours. Unlit, it is white (or the vertex colours the
 * pass tracks) and the material colours are ignored. Texture units apply on top. */
KILN_API bool kiln_pass_get_lighting_enabled(const kiln_pass *self);
KILN_API void kiln_pass_set_lighting_enabled(kiln_pass *self, bool enabled);

/* The colour reflecting the scene's ambient light (default white). Used when lit;
 * setting NULL changes nothing. */
KILN_API kiln_colour kiln_pass_get_ambient(const kiln_pass *self);
KILN_API void kiln_pass_set_ambient(kiln_pass *self, const kiln_colour *colour);

/* The colour reflecting the lights' diffuse light (default white); its alpha is the
 * lit pass's alpha. Used when lit; setting NULL changes nothing. */
KILN_API kiln_colour kiln_pass_get_diffuse(const kiln_pass *self);
KILN_API void kiln_pass_set_diffuse(kiln_pass *self, const kiln_colour *colour);

/* The colour reflecting the lights' specular light (default black, which turns
 * highlights off). Used when lit; setting NULL changes nothing. */
KILN_API kiln_colour kiln_pass_get_specular(const kiln_pass *self);
KILN_API void kiln_pass_set_specular(kiln_pass *self, const kiln_colour *colour);

/* The colour the pass gives off by itself, added to the lit colour (default
 * black). Used when lit; setting NULL changes nothing. */
KILN_API kiln_colour kiln_pass_get_emissive(const kiln_pass *self);
KILN_API void kiln_pass_set_emissive(kiln_pass *self, const kiln_colour *colour);

/* The exponent of specular highlights: larger is smaller and sharper (default 0;
 * 0 or less turns highlights off). Any value is accepted. */
KILN_API float kiln_pass_get_shininess(const kiln_pass *self);
KILN_API void kiln_pass_set_shininess(kiln_pass *self, float shininess);

/* Whether pixels are tested against the depth buffer with the depth function
 * (default true). Without the test the pass does not write depth either. */
KILN_API bool kiln_pass_get_depth_check_enabled(const kiln_pass *self);
KILN_API void kiln_pass_set_depth_check_enabled(kiln_pass *self, bool enabled);

/* Whether the pixels drawn write their depth (default true); only with the depth
 * check on. */
KILN_API bool kiln_pass_get_depth_write_enabled(const kiln_pass *self);
KILN_API void kiln_pass_set_depth_write_enabled(kiln_pass *self, bool enabled);

/* Whether a pass that blends records its object in a render target's extra buffers
 * (instance and class ids, normals) as an opaque pass would, testing and writing depth
 * there (default false: a blending pass is left out of them, so they record what
 * lies under it). A pass that does not blend always records its object. */
KILN_API bool kiln_pass_get_writes_ids(const kiln_pass *self);
KILN_API void kiln_pass_set_writes_ids(kiln_pass *self, bool enabled);

/* A pixel is drawn when its depth compared with the depth buffer's passes this
 * function (default KILN_CMPF_LESS_EQUAL: nearer or as near).
 * KILN_ERROR_INVALID_ARGUMENT for a value that is not a kiln_compare_function. */
KILN_API kiln_compare_function kiln_pass_get_depth_function(const kiln_pass *self);
KILN_API kiln_result kiln_pass_set_depth_function(kiln_pass *self, kiln_compare_function function);

/* Which triangles are hidden by their winding on screen (default
 * KILN_CULL_CLOCKWISE, so anticlockwise triangles are seen; KILN_CULL_NONE shows
 * both sides). KILN_ERROR_INVALID_ARGUMENT for a value that is not a
 * kiln_culling_mode. */
KILN_API kiln_culling_mode kiln_pass_get_culling_mode(const kiln_pass *self);
KILN_API kiln_result kiln_pass_set_culling_mode(kiln_pass *self, kiln_culling_mode mode);

/* Adds a texture unit sampling the texture `texture_name` (group "General"), or no
 * texture when texture_name is NULL or "". KILN_ERROR_NOT_FOUND names an unknown
 * texture. The unit belongs to the pass (borrowed). */
KILN_API kiln_result kiln_pass_create_texture_unit_state(kiln_pass *self, const char *texture_name,
                                                         kiln_texture_unit_state **out);

/* The pass's texture units, in the order they were added (borrowed). */
KILN_API uint32_t kiln_pass_get_num_texture_unit_states(const kiln_pass *self);
KILN_API kiln_result kiln_pass_get_texture_unit_state(const kiln_pass *self, uint32_t index,
                                                      kiln_texture_unit_state **out);

/* The name of the texture the unit samples, "" for none (the string belongs to the
 * unit: valid until the name changes or the material goes). Setting it looks the
 * texture up in group "General": NULL or "" means none, KILN_ERROR_NOT_FOUND names
 * an unknown texture, KILN_ERROR_INVALID_STATE follows the Root's destruction. */
KILN_API const char *kiln_texture_unit_state_get_texture_name(const kiln_texture_unit_state *self);
KILN_API kiln_result kiln_texture_unit_state_set_texture_name(kiln_texture_unit_state *self,
                                                              const char *texture_name);

/* How texels are filtered (default KILN_TFO_BILINEAR); KILN_TFO_ANISOTROPIC
 * filters as KILN_TFO_TRILINEAR does. KILN_ERROR_INVALID_ARGUMENT for a value that
 * is not a kiln_texture_filter_options. */
KILN_API kiln_texture_filter_options
kiln_texture_unit_state_get_texture_filtering(const kiln_texture_unit_state *self);
KILN_API kiln_result kiln_texture_unit_state_set_texture_filtering(
    kiln_texture_unit_state *self, kiln_texture_filter_options filtering);

/* What texture coordinates outside [0, 1] sample (default KILN_TAM_WRAP;
 * KILN_TAM_BORDER samples opaque black). KILN_ERROR_INVALID_ARGUMENT for a value
 * that is not a kiln_texture_addressing_mode. */
KILN_API kiln_texture_addressing_mode
kiln_texture_unit_state_get_texture_addressing_mode(const kiln_texture_unit_state *self);
KILN_API kiln_result kiln_texture_unit_state_set_texture_addressing_mode(
    kiln_texture_unit_state *self, kiln_texture_addressing_mode mode);

typedef enum kiln_track_vertex_colour {
    KILN_TVC_NONE = 0,
    KILN_TVC_AMBIENT = 1,
    KILN_TVC_DIFFUSE = 2,
    KILN_TVC_SPECULAR = 4,
    KILN_TVC_EMISSIVE = 8
} kiln_track_vertex_colour;

typedef enum kiln_scene_blend_type {
    KILN_SBT_TRANSPARENT_ALPHA = 0,  /* source alpha, one minus source alpha */
    KILN_SBT_TRANSPARENT_COLOUR = 1, /* source colour, one minus source colour */
    KILN_SBT_ADD = 2,                /* one, one */
    KILN_SBT_MODULATE = 3,           /* destination colour, zero */
    KILN_SBT_REPLACE = 4             /* one, zero: the default */
} kiln_scene_blend_type;

typedef enum kiln_scene_blend_factor {
    KILN_SBF_ONE = 0,
    KILN_SBF_ZERO = 1,
    KILN_SBF_DEST_COLOUR = 2,
    KILN_SBF_SOURCE_COLOUR = 3,
    KILN_SBF_ONE_MINUS_DEST_COLOUR = 4,
    KILN_SBF_ONE_MINUS_SOURCE_COLOUR = 5,
    KILN_SBF_DEST_ALPHA = 6,
    KILN_SBF_SOURCE_ALPHA = 7,
    KILN_SBF_ONE_MINUS_DEST_ALPHA = 8,
    KILN_SBF_ONE_MINUS_SOURCE_ALPHA = 9
} kiln_scene_blend_factor;

/* How a texture unit combines its texel with the colour so far. */
typedef enum kiln_layer_blend_operation {
    KILN_LBO_REPLACE = 0,
    KILN_LBO_ADD = 1,
    KILN_LBO_MODULATE = 2, /* the default */
    KILN_LBO_ALPHA_BLEND = 3
} kiln_layer_blend_operation;

typedef enum kiln_shade_options {
    KILN_SO_FLAT = 0,
    KILN_SO_GOURAUD = 1, /* lighting per vertex: the default */
    KILN_SO_PHONG = 2    /* lighting per pixel */
} kiln_shade_options;

/* -- pass -- */

/* Which material colours follow the vertex colour: a combination of
 * kiln_track_vertex_colour (default KILN_TVC_NONE). With lighting off, a pass draws
 * its vertex colours only when it tracks them (otherwise white), as the original
 * engine does. */
KILN_API uint32_t kiln_pass_get_vertex_colour_tracking(const kiln_pass *self);
KILN_API kiln_result kiln_pass_set_vertex_colour_tracking(kiln_pass *self, uint32_t tracking);

/* Blending of the pass's output with the target: a named type, or factors
 * (result = source * src_factor + destination * dest_factor). */
KILN_API kiln_result kiln_pass_set_scene_blending(kiln_pass *self, kiln_scene_blend_type type);
KILN_API kiln_result kiln_pass_set_scene_blending_factors(kiln_pass *self,
                                                          kiln_scene_blend_factor source_factor,
                                                          kiln_scene_blend_factor dest_factor);

/* The blending factors in force (default KILN_SBF_ONE and KILN_SBF_ZERO: no
 * blending). */
KILN_API kiln_scene_blend_factor kiln_pass_get_source_blend_factor(const kiln_pass *self);
KILN_API kiln_scene_blend_factor kiln_pass_get_dest_blend_factor(const kiln_pass *self);

/* Pixels whose alpha (0-255) fails `function` against `value` are discarded
 * (default KILN_CMPF_ALWAYS_PASS, 0). */
KILN_API kiln_result kiln_pass_set_alpha_rejection(kiln_pass *self, kiln_compare_function function,
                                                   uint32_t value);

/* The alpha rejection in force: its function and value. */
KILN_API kiln_compare_function kiln_pass_get_alpha_rejection_function(const kiln_pass *self);
KILN_API uint32_t kiln_pass_get_alpha_rejection_value(const kiln_pass *self);

/* Depth bias added to window depth: constant_bias in units of the depth buffer's
 * resolution plus slope_scale_bias times the triangle's depth slope; both must be
 * finite.
 * Default: slope_scale_bias = 0.0 */
KILN_API kiln_result kiln_pass_set_depth_bias(kiln_pass *self, float constant_bias,
                                              float slope_scale_bias);
KILN_API float kiln_pass_get_depth_bias_constant(const kiln_pass *self);
KILN_API float kiln_pass_get_depth_bias_slope_scale(const kiln_pass *self);

/* Per-vertex (KILN_SO_GOURAUD, the default) or per-pixel (KILN_SO_PHONG) lighting;
 * KILN_SO_FLAT lights each triangle with its first vertex. */
KILN_API kiln_shade_options kiln_pass_get_shading_mode(const kiln_pass *self);
KILN_API kiln_result kiln_pass_set_shading_mode(kiln_pass *self, kiln_shade_options mode);

/* At most this many lights (nearest first) light an object (1 to 8; default 8). */
KILN_API uint32_t kiln_pass_get_max_simultaneous_lights(const kiln_pass *self);
KILN_API kiln_result kiln_pass_set_max_simultaneous_lights(kiln_pass *self, uint32_t count);

/* Size of points in pixels (default 1). */
KILN_API float kiln_pass_get_point_size(const kiln_pass *self);
KILN_API kiln_result kiln_pass_set_point_size(kiln_pass *self, float size);

/* -- texture unit -- */

/* How the unit combines its texel with the colour so far (default
 * KILN_LBO_MODULATE); the alpha is always multiplied by the texel's.
 * KILN_ERROR_INVALID_ARGUMENT for a value that is not a kiln_layer_blend_operation. */
KILN_API kiln_layer_blend_operation
kiln_texture_unit_state_get_colour_operation(const kiln_texture_unit_state *self);
KILN_API kiln_result kiln_texture_unit_state_set_colour_operation(
    kiln_texture_unit_state *self, kiln_layer_blend_operation operation);

/* Which texture coordinate set of the vertices the unit reads (0 to 3). */
KILN_API uint32_t
kiln_texture_unit_state_get_texture_coord_set(const kiln_texture_unit_state *self);
KILN_API kiln_result kiln_texture_unit_state_set_texture_coord_set(kiln_texture_unit_state *self,
                                                                   uint32_t set);

/* Texture coordinate transform, as the original engine applies it: scale about the
 * centre (0.5, 0.5), rotate (radians, anticlockwise) about it, then scroll. */
KILN_API void kiln_texture_unit_state_set_texture_scroll(kiln_texture_unit_state *self, float u,
                                                         float v);
KILN_API void kiln_texture_unit_state_set_texture_scale(kiln_texture_unit_state *self, float u,
                                                        float v);
KILN_API void kiln_texture_unit_state_set_texture_rotate(kiln_texture_unit_state *self,
                                                         float angle);
KILN_API kiln_vector2
kiln_texture_unit_state_get_texture_scroll(const kiln_texture_unit_state *self);
KILN_API kiln_vector2
kiln_texture_unit_state_get_texture_scale(const kiln_texture_unit_state *self);
KILN_API float kiln_texture_unit_state_get_texture_rotate(const kiln_texture_unit_state *self);

#endif
