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

/* Finds a texture; KILN_ERROR_NOT_FOUND names it if there is none. */
KILN_API kiln_result kiln_texture_manager_get_by_name(kiln_texture_manager *self, const char *name,
                                                      const char *group, kiln_texture **out);

KILN_API bool kiln_texture_manager_resource_exists(const kiln_texture_manager *self,
                                                   const char *name, const char *group);

/* Unregisters a texture; materials using it keep their reference. */
KILN_API kiln_result kiln_texture_manager_remove(kiln_texture_manager *self, const char *name,
                                                 const char *group);

KILN_API void kiln_texture_retain(kiln_texture *self);
KILN_API void kiln_texture_release(kiln_texture *self);
KILN_API const char *kiln_texture_get_name(const kiln_texture *self);
KILN_API uint32_t kiln_texture_get_width(const kiln_texture *self);
KILN_API uint32_t kiln_texture_get_height(const kiln_texture *self);
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

KILN_API kiln_result kiln_material_manager_get_by_name(kiln_material_manager *self,
                                                       const char *name, const char *group,
                                                       kiln_material **out);
KILN_API bool kiln_material_manager_resource_exists(const kiln_material_manager *self,
                                                    const char *name, const char *group);
KILN_API kiln_result kiln_material_manager_remove(kiln_material_manager *self, const char *name,
                                                  const char *group);

KILN_API void kiln_material_retain(kiln_material *self);
KILN_API void kiln_material_release(kiln_material *self);
KILN_API const char *kiln_material_get_name(const kiln_material *self);
KILN_API const char *kiln_material_get_group(const kiln_material *self);
KILN_API uint32_t kiln_material_get_num_techniques(const kiln_material *self);

/* The technique at index (borrowed: it lives as long as the material). */
KILN_API kiln_result kiln_material_get_technique(const kiln_material *self, uint32_t index,
                                                 kiln_technique **out);
KILN_API kiln_result kiln_material_create_technique(kiln_material *self, kiln_technique **out);

KILN_API uint32_t kiln_technique_get_num_passes(const kiln_technique *self);
KILN_API kiln_result kiln_technique_get_pass(const kiln_technique *self, uint32_t index,
                                             kiln_pass **out);
KILN_API kiln_result kiln_technique_create_pass(kiln_technique *self, kiln_pass **out);

KILN_API bool kiln_pass_get_lighting_enabled(const kiln_pass *self);
KILN_API void kiln_pass_set_lighting_enabled(kiln_pass *self, bool enabled);
KILN_API kiln_colour kiln_pass_get_ambient(const kiln_pass *self);
KILN_API void kiln_pass_set_ambient(kiln_pass *self, const kiln_colour *colour);
KILN_API kiln_colour kiln_pass_get_diffuse(const kiln_pass *self);
KILN_API void kiln_pass_set_diffuse(kiln_pass *self, const kiln_colour *colour);
KILN_API kiln_colour kiln_pass_get_specular(const kiln_pass *self);
KILN_API void kiln_pass_set_specular(kiln_pass *self, const kiln_colour *colour);
KILN_API kiln_colour kiln_pass_get_emissive(const kiln_pass *self);
KILN_API void kiln_pass_set_emissive(kiln_pass *self, const kiln_colour *colour);
KILN_API float kiln_pass_get_shininess(const kiln_pass *self);
KILN_API void kiln_pass_set_shininess(kiln_pass *self, float shininess);
KILN_API bool kiln_pass_get_depth_check_enabled(const kiln_pass *self);
KILN_API void kiln_pass_set_depth_check_enabled(kiln_pass *self, bool enabled);
KILN_API bool kiln_pass_get_depth_write_enabled(const kiln_pass *self);
KILN_API void kiln_pass_set_depth_write_enabled(kiln_pass *self, bool enabled);
KILN_API kiln_compare_function kiln_pass_get_depth_function(const kiln_pass *self);
KILN_API kiln_result kiln_pass_set_depth_function(kiln_pass *self, kiln_compare_function function);
KILN_API kiln_culling_mode kiln_pass_get_culling_mode(const kiln_pass *self);
KILN_API kiln_result kiln_pass_set_culling_mode(kiln_pass *self, kiln_culling_mode mode);

/* Adds a texture unit sampling the texture `texture_name` (group "General"), or no
 * texture when texture_name is NULL or "". KILN_ERROR_NOT_FOUND names an unknown
 * texture. The unit belongs to the pass (borrowed). */
KILN_API kiln_result kiln_pass_create_texture_unit_state(kiln_pass *self, const char *texture_name,
                                                         kiln_texture_unit_state **out);
KILN_API uint32_t kiln_pass_get_num_texture_unit_states(const kiln_pass *self);
KILN_API kiln_result kiln_pass_get_texture_unit_state(const kiln_pass *self, uint32_t index,
                                                      kiln_texture_unit_state **out);

KILN_API const char *kiln_texture_unit_state_get_texture_name(const kiln_texture_unit_state *self);
KILN_API kiln_result kiln_texture_unit_state_set_texture_name(kiln_texture_unit_state *self,
                                                              const char *texture_name);
KILN_API kiln_texture_filter_options
kiln_texture_unit_state_get_texture_filtering(const kiln_texture_unit_state *self);
KILN_API kiln_result kiln_texture_unit_state_set_texture_filtering(
    kiln_texture_unit_state *self, kiln_texture_filter_options filtering);
KILN_API kiln_texture_addressing_mode
kiln_texture_unit_state_get_texture_addressing_mode(const kiln_texture_unit_state *self);
KILN_API kiln_result kiln_texture_unit_state_set_texture_addressing_mode(
    kiln_texture_unit_state *self, kiln_texture_addressing_mode mode);

#endif
