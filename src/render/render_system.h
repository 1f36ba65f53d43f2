/* The render-system interface: what the Root asks of a backend, as a table of
 * function pointers. The software rasterizer (src/render/soft/) is the first
 * implementation; a GPU backend fits behind the same table.
 *
 * A frame is: begin_frame(surface), then for each viewport begin_viewport (which
 * clears) followed by draw calls, then end_frame, which finishes every pixel of the
 * surface. Everything a draw call points to must stay valid until end_frame. */
#ifndef KILN_RENDER_SYSTEM_H
#define KILN_RENDER_SYSTEM_H

#include "scene/texture.h"

#define KILN__MAX_TEXTURE_UNITS 8
#define KILN__MAX_TEXTURE_COORD_SETS 4

typedef struct kiln__render_system kiln__render_system;

/* Multisampling: the most samples a pixel has, and where they lie for n samples (2,
 * 4 or 8), as x, y fractions of the pixel from its top-left corner: the standard
 * positions of Direct3D and of OpenGL implementations (Mesa's among them), all on a
 * 1/16 pixel grid. */
#define KILN__MAX_SAMPLES 8
const float (*kiln__sample_positions(uint32_t samples))[2];
typedef struct kiln__surface kiln__surface; /* a colour + depth target of the backend */

/* A rectangle of pixels: x, y of the top-left corner, row 0 at the top. */
typedef struct kiln__rect {
    int32_t x;
    int32_t y;
    int32_t width;
    int32_t height;
} kiln__rect;

typedef enum kiln__primitive_type {
    KILN__PRIMITIVE_TRIANGLE_LIST = 0,
    KILN__PRIMITIVE_TRIANGLE_STRIP = 1,
    KILN__PRIMITIVE_TRIANGLE_FAN = 2,
    KILN__PRIMITIVE_LINE_LIST = 3,
    KILN__PRIMITIVE_POINT_LIST = 4,
    KILN__PRIMITIVE_LINE_STRIP = 5
} kiln__primitive_type;

/* How one texture unit samples. */
typedef struct kiln__sampler_state {
    const kiln__texture_level *levels; /* level 0 is the full size */
    uint32_t num_levels;
    kiln_texture_filter_options filtering;
    kiln_texture_addressing_mode addressing;
} kiln__sampler_state;

#define KILN__MAX_LIGHTS 8

/* How one texture unit's texel joins the colour so far, and which coordinates it
 * reads. A zeroed value replaces the colour with the texel from set 0. */
typedef struct kiln__unit_state {
    kiln_layer_blend_operation colour_operation; /* the alpha is always modulated */
    uint32_t coord_set;
    bool has_transform; /* otherwise the coordinates are read as they are */
    /* u' = t[0][0] u + t[0][1] v + t[0][2], v' = t[1][0] u + t[1][1] v + t[1][2] */
    float transform[2][3];
} kiln__unit_state;

/* One light in world space, its colours already scaled by its power. */
typedef struct kiln__light_state {
    kiln_light_type type;
    float position[3];
    float direction[3]; /* unit length: where the light shines */
    float diffuse[3];
    float specular[3];
    float range, constant, linear, quadratic;
    float spot_cos_inner; /* cosines of half the cone angles */
    float spot_cos_outer;
    float spot_falloff;
} kiln__light_state;

/* The fixed-function state of a pass, flattened for the backend. A zeroed field
 * is the state that does nothing: no blending, no alpha rejection, no bias,
 * smooth shading with lighting per vertex. */
typedef struct kiln__pass_state {
    bool depth_check;
    bool depth_write;
    kiln_compare_function depth_function;
    kiln_culling_mode culling;
    bool lighting;
    kiln_colour ambient;
    kiln_colour diffuse;
    kiln_colour specular;
    kiln_colour emissive;
    float shininess;
    kiln_colour scene_ambient;
    uint32_t num_units;
    kiln__sampler_state units[KILN__MAX_TEXTURE_UNITS];
    kiln__unit_state unit_ops[KILN__MAX_TEXTURE_UNITS]; /* beside units, index for index */
    uint32_t vertex_colour_tracking;                    /* kiln_track_vertex_colour bits */
    bool blending; /* otherwise the colour replaces the target's */
    kiln_scene_blend_factor source_blend;
    kiln_scene_blend_factor dest_blend;
    bool alpha_rejection; /* discard where alpha_function(alpha * 255, value) fails */
    kiln_compare_function alpha_function;
    uint32_t alpha_value;
    /* Ground truth of a pass that rejects by alpha: the texture units give alpha only,
     * the alpha tested is units_alpha_base times their texels' alphas, and the colour
     * written is the colour before the units, exactly. */
    bool units_alpha_only;
    float units_alpha_base;
    float depth_bias_constant; /* in units of the depth buffer's resolution */
    float depth_bias_slope_scale;
    bool flat_shading;       /* every triangle takes its first vertex's colour */
    bool per_pixel_lighting; /* lighting at every pixel instead of every vertex */
    float point_size;        /* pixels; 0 means 1 */
    uint32_t num_lights;
    kiln__light_state lights[KILN__MAX_LIGHTS];
} kiln__pass_state;

/* One draw: vertex arrays (with byte strides), optional indices, the matrices and
 * the pass state. Positions have `position_components` (3 or 4; a missing w is 1)
 * floats; uvs and colours may be NULL (uv 0 and white). */
typedef struct kiln__draw_call {
    kiln__primitive_type primitive;
    uint32_t vertex_count;
    const float *positions;
    uint32_t position_components;
    size_t position_stride;
    const float *normals; /* x, y, z per vertex, or NULL */
    size_t normal_stride;
    const float *uvs[KILN__MAX_TEXTURE_COORD_SETS]; /* u, v per vertex, per set, or NULL */
    size_t uv_strides[KILN__MAX_TEXTURE_COORD_SETS];
    const float *colours;
    size_t colour_stride;
    const uint32_t *indices; /* NULL: vertices in order */
    uint32_t index_count;
    /* When identity_transform, positions are already in clip space (as for
     * Rectangle2D); otherwise clip = projection * view * world * position. */
    bool identity_transform;
    kiln_matrix4 world;
    kiln_matrix4 view;
    kiln_matrix4 projection;
    kiln__pass_state state;
} kiln__draw_call;

typedef struct kiln__render_system_ops {
    const char *name;
    void (*destroy)(kiln__render_system *self);
    /* A colour + depth surface; format is the target's pixel format (the backend
     * chooses how to store it), storage the memory the colour must land in (packed
     * rows of format; the surface holds a reference) or NULL. With samples 2, 4 or 8
     * (KILN__MAX_SAMPLES at most) it is multisampled at the standard sample positions
     * (kiln__sample_positions): coverage and depth are found at every sample, colour
     * is shaded once per pixel at its centre, and end_frame resolves the samples'
     * average into the colour; the depth that read_depth gives stays exact, the
     * pixel centre's, as a surface of one sample would hold it. */
    kiln_result (*create_surface)(kiln__render_system *self, uint32_t width, uint32_t height,
                                  kiln_pixel_format format, kiln_stream *storage, uint32_t samples,
                                  kiln__surface **out);
    /* The colour buffer as a PixelBox (caller owns it), or NULL where it is not in
     * memory the caller can address (the colour then has to be read back). */
    kiln_result (*colour_pixel_box)(kiln__render_system *self, kiln__surface *surface,
                                    kiln_pixelbox **out);
    void (*destroy_surface)(kiln__render_system *self, kiln__surface *surface);
    kiln_result (*begin_frame)(kiln__render_system *self, kiln__surface *surface);
    /* Sets the viewport of the following draws and clears it when asked. */
    kiln_result (*begin_viewport)(kiln__render_system *self, const kiln__rect *viewport,
                                  bool clear_colour, const kiln_colour *colour, bool clear_depth,
                                  float depth);
    kiln_result (*draw)(kiln__render_system *self, const kiln__draw_call *call);
    /* Finishes the frame: after it the surface holds the pixels. */
    kiln_result (*end_frame)(kiln__render_system *self);
    /* Copies src (inside the surface) into dst, converting to dst's format. */
    kiln_result (*read_pixels)(kiln__render_system *self, kiln__surface *surface,
                               const kiln_box *src, kiln_pixelbox *dst);
    /* Copies the window depth ([0, 1], 1 where nothing was drawn) of src (inside the
     * surface) into dst as float32, rows dst_row_pitch bytes apart. */
    kiln_result (*read_depth)(kiln__render_system *self, kiln__surface *surface,
                              const kiln_box *src, float *dst, size_t dst_row_pitch);
} kiln__render_system_ops;

/* Every backend embeds this first. */
struct kiln__render_system {
    const kiln__render_system_ops *ops;
};

/* The CPU rasterizer, drawing on the given thread pool (borrowed). */
struct kiln__thread_pool;
kiln_result kiln__soft_render_system_create(struct kiln__thread_pool *pool, kiln_simd simd,
                                            kiln__render_system **out);
/* The instruction set a CPU rasterizer draws with. */
kiln_simd kiln__soft_render_system_get_simd(const kiln__render_system *self);

#endif
