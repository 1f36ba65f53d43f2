/* The CPU rasterizer's shared structures. A frame is recorded first (vertex stage,
 * clipping, triangle setup, binning into 64x64 tiles) and then every tile is
 * rasterized and shaded on the thread pool, each tile running its bin in
 * submission order, so that the output does not depend on the number of threads. */
#ifndef KILN_RENDER_SOFT_H
#define KILN_RENDER_SOFT_H

#include "pixel/convert.h"
#include "render/render_system.h"

#include <math.h>
#include <stddef.h>
#include <string.h>

#define KILN__TILE_SHIFT 6
#define KILN__TILE_SIZE (1 << KILN__TILE_SHIFT)
#define KILN__SUBPIXEL_BITS 8
#define KILN__SUBPIXEL_ONE (1 << KILN__SUBPIXEL_BITS)

/* Varyings carried from the vertex stage to the pixels: colour (r, g, b, a), texture
 * coordinate set 0 (u, v), the specular light added after texturing, the other
 * coordinate sets, and for lighting per pixel the world position and normal. A draw
 * interpolates only the prefix it uses (kiln__soft_state.num_varyings): the common
 * lit, textured draw carries nine. */
enum {
    KILN__VARYING_R = 0,
    KILN__VARYING_G,
    KILN__VARYING_B,
    KILN__VARYING_A,
    KILN__VARYING_U, /* set 0; set k is at KILN__VARYING_UV(k) */
    KILN__VARYING_V,
    KILN__VARYING_SPECULAR,                          /* r, g, b */
    KILN__VARYING_SETS = KILN__VARYING_SPECULAR + 3, /* sets 1.. */
    KILN__VARYING_POSITION =
        KILN__VARYING_SETS + 2 * (KILN__MAX_TEXTURE_COORD_SETS - 1), /* x, y, z */
    KILN__VARYING_NORMAL = KILN__VARYING_POSITION + 3,               /* x, y, z */
    KILN__NUM_VARYINGS = KILN__VARYING_NORMAL + 3
};
#define KILN__VARYING_UV(set)                                                                      \
    ((set) == 0 ? (uint32_t)KILN__VARYING_U : (uint32_t)KILN__VARYING_SETS + 2 * ((set)-1))

/* The texture coordinate sets within the first num_varyings varyings. */
static inline uint32_t kiln__soft_varying_sets(uint32_t num_varyings) {
    if (num_varyings <= KILN__VARYING_SPECULAR)
        return num_varyings > KILN__VARYING_U ? 1 : 0;
    uint32_t sets = 1 + (num_varyings - KILN__VARYING_SETS) / 2;
    return sets > KILN__MAX_TEXTURE_COORD_SETS ? KILN__MAX_TEXTURE_COORD_SETS : sets;
}

/* A vertex after the vertex stage: clip-space position and its varyings. */
typedef struct kiln__soft_vertex {
    /* Where it lands on the target (kiln__soft_vertex_to_window), meaningful inside the
     * clip volume only: x, y in fixed point (setup sets up planes from these positions,
     * the ones the edges use), window depth and 1 / w. With the clip-space position and
     * six varyings (a textured state's colour and coordinates) a vertex fills one cache
     * line: setup reads most of a frame's vertices from memory. */
    int32_t fixed[2];
    float depth, inv_w;
    float clip[4];
    bool inside; /* kiln__soft_vertex_inside, as the vertex stage found it */
    float varyings[KILN__NUM_VARYINGS];
} kiln__soft_vertex;

/* The vertex stage stores a draw's vertices with the varyings it computes only, each
 * this many bytes apart (a multiple of 8); kiln__soft_vertex_expand makes a whole
 * vertex of one, with the other varyings zero, for the code that blends them all. */
#define KILN__SOFT_VERTEX_BYTES(num_varyings)                                                      \
    ((offsetof(kiln__soft_vertex, varyings) + (size_t)(num_varyings) * sizeof(float) + 7) &        \
     ~(size_t)7)
static inline const kiln__soft_vertex *kiln__soft_vertex_at(const void *vertices, size_t stride,
                                                            uint32_t i) {
    return (const kiln__soft_vertex *)(const void *)((const uint8_t *)vertices + stride * i);
}
static inline void kiln__soft_vertex_expand(kiln__soft_vertex *out, const kiln__soft_vertex *v,
                                            uint32_t num_varyings) {
    memcpy(out, v, offsetof(kiln__soft_vertex, varyings) + num_varyings * sizeof(float));
    for (uint32_t k = num_varyings; k < KILN__NUM_VARYINGS; k++)
        out->varyings[k] = 0.0f;
}

/* The guard band clip.c clips x and y against: this many times w. */
#define KILN__GUARD_BAND 4.0f

/* An element of a vertex attribute array, `stride` bytes apart. */
static inline const float *kiln__soft_element(const float *base, size_t stride, uint32_t index) {
    return (const float *)(const void *)((const uint8_t *)base + stride * index);
}

/* clip.c: inside the near and far planes and the guard band (false for NaN). */
bool kiln__soft_vertex_inside(const kiln__soft_vertex *v);

/* setup.c: the window position of a vertex in the viewport, computed once per vertex
 * for every triangle that shares it. */
void kiln__soft_vertex_to_window(const kiln__rect *viewport, kiln__soft_vertex *v);

/* Colour and depth memory of a target. The colour lives in a stream in the target's
 * own pixel format, rows `row_pitch` bytes apart, so that reading it into a PixelBox
 * of that format is one copy per row. Tiles are shaded in a working format (RGBA8,
 * memory R,G,B,A, or RGBA float32 for float targets) in memory of their own and
 * stored into the colour when they are done. Depth is float32 in [0, 1]; a tile whose
 * depth was cleared and not drawn since holds no depth pixels of its own, only the
 * value it was cleared to (`tile_depth`), until something reads or tests it. */
typedef struct kiln__soft_stored_tile {
    bool uniform; /* the tile's pixels are all this clear colour */
    uint8_t colour8[4];
    float colourf[4];
} kiln__soft_stored_tile;

struct kiln__surface {
    uint32_t width;
    uint32_t height;
    kiln_pixel_format format; /* the target's, and the colour memory's */
    uint32_t pixel_size;      /* bytes per pixel of format */
    bool is_float;            /* shaded in float RGBA, otherwise in RGBA8 */
    kiln_stream *stream;      /* owns the colour memory */
    uint8_t *colour;
    size_t row_pitch;
    /* Depth by tile: tile i's 64x64 values, rows KILN__TILE_SIZE apart, start at
     * depth + i * KILN__TILE_DEPTH_FLOATS (kiln__soft_surface_depth_at). */
    float *depth;
    uint32_t tiles_x, tiles_y;
    float *tile_depth;     /* per tile: the value of its whole depth when uniform */
    uint8_t *tile_uniform; /* per tile: nonzero while its depth is tile_depth */
    /* Per tile: what its colour memory holds when that is one clear colour, so that a
     * tile cleared to it again and left so is not stored again (only the soft render
     * system writes the surface's colour memory). */
    kiln__soft_stored_tile *stored;
    /* The colour memory may be written by others (it is the caller's, or a view of it
     * was handed out): every tile is stored, whatever the memory held. */
    bool shared;
    kiln__row_converter to_storage;   /* working format -> format */
    kiln__row_converter from_storage; /* format -> working format */
    /* Blending reads the target's alpha (otherwise it is 1): format has alpha, or the
     * multisampled surface this one holds a sample of does. */
    bool has_alpha;
    /* Multisampling (samples > 1): a surface of one sample in the working format per
     * sample, coverage and depth found at that sample's position; the surface's own
     * depth is the pixel centre's, and its colour the samples' average. */
    uint32_t samples;
    struct kiln__surface *sample[KILN__MAX_SAMPLES];
};

/* A tile's depth block, with room for a vector of 8 pixels past its last one (the
 * span kernels load and store whole vectors, masked). */
#define KILN__TILE_DEPTH_FLOATS (KILN__TILE_SIZE * KILN__TILE_SIZE + 8)

static inline float *kiln__soft_surface_depth_at(const kiln__surface *surface, int32_t x,
                                                 int32_t y) {
    size_t tile =
        (size_t)(y >> KILN__TILE_SHIFT) * surface->tiles_x + (size_t)(x >> KILN__TILE_SHIFT);
    return surface->depth + tile * KILN__TILE_DEPTH_FLOATS +
           (size_t)(y & (KILN__TILE_SIZE - 1)) * KILN__TILE_SIZE +
           (size_t)(x & (KILN__TILE_SIZE - 1));
}

/* Writes the depth value of every uniform tile that box (in pixels) touches into
 * the depth memory, so that its pixels can be read. */
void kiln__soft_surface_materialise_depth(kiln__surface *surface, const kiln__rect *box);

/* What a tile's working colour holds while its commands run. */
typedef enum kiln__soft_tile_colour {
    KILN__TILE_IN_SURFACE = 0, /* nothing yet: the surface's colour is current */
    KILN__TILE_UNIFORM = 1,    /* every pixel is the clear colour; the memory is not written */
    KILN__TILE_LOADED = 2      /* the working memory holds the pixels */
} kiln__soft_tile_colour;

/* One tile while its bin runs: the pixels it covers and the memory it is shaded in. */
typedef struct kiln__soft_tile {
    kiln__rect rect;
    kiln__surface *surface;
    uint32_t index; /* in the surface's tiles */
    /* Working colour, KILN__TILE_SIZE pixels a row, starting at (rect.x, rect.y). */
    uint8_t *colour8;
    float *colourf;
    kiln__soft_tile_colour colour_state;
    uint8_t clear8[4]; /* the colour of a uniform tile */
    float clearf[4];
    /* The tile's depth block in the surface, tested and written in place; it holds
     * the tile's own values once loaded (a uniform tile's value is written in first). */
    float *depth;
    bool depth_loaded;
    struct kiln__soft_span_cache *spans; /* span.h: what the last state's spans need */
    /* Where triangles' coverage and depth are found, relative to the pixel centre: in
     * fixed point for the edges, in pixels for depth (zero but in a sample surface). */
    bool at_sample;
    int32_t sample_fixed[2];
    float sample_offset[2];
    /* In a sample's run: room for KILN__SOFT_MOVED_RING primitives moved to the
     * sample (KILN__SOFT_MOVED_WORDS each), and the next to use. */
    uint64_t *moved;
    uint32_t moved_next;
} kiln__soft_tile;

/* Working memory of a thread: float colour for one tile, and room for a vector of 8
 * pixels to run past the last one (the span kernels load and store whole vectors,
 * masked). */
#define KILN__TILE_PIXELS (KILN__TILE_SIZE * KILN__TILE_SIZE)
#define KILN__TILE_WORKING_BYTES (KILN__TILE_PIXELS * 4 * sizeof(float) + 8 * 4 * sizeof(float))
/* The most threads whose bins a tile merges: the thread pool's limit. */
#define KILN__MAX_MERGED_BINS 256

/* tile.c: runs the bin of tile `index` of the frame in working memory of at least
 * KILN__TILE_WORKING_BYTES (aligned to 64 bytes), then stores the tile. */
struct kiln__soft_frame;
void kiln__soft_run_tile(const struct kiln__soft_frame *frame, uint32_t index, void *working);

/* tile.c: makes the tile's working colour hold its pixels, and its depth (when
 * `depth` is set) hold pixels of its own, before a primitive draws into it. */
void kiln__soft_tile_prepare(kiln__soft_tile *tile, bool depth);

static inline uint8_t *kiln__soft_tile_colour8(const kiln__soft_tile *tile, int32_t x, int32_t y) {
    return tile->colour8 +
           ((size_t)(y - tile->rect.y) * KILN__TILE_SIZE + (size_t)(x - tile->rect.x)) * 4;
}
static inline float *kiln__soft_tile_colourf(const kiln__soft_tile *tile, int32_t x, int32_t y) {
    return tile->colourf +
           ((size_t)(y - tile->rect.y) * KILN__TILE_SIZE + (size_t)(x - tile->rect.x)) * 4;
}
/* The working pixel at (x, y) in the tile's working format. */
static inline void *kiln__soft_tile_working(const kiln__soft_tile *tile, int32_t x, int32_t y) {
    return tile->surface->is_float ? (void *)kiln__soft_tile_colourf(tile, x, y)
                                   : (void *)kiln__soft_tile_colour8(tile, x, y);
}
/* Narrows the pixels [*x0, *x1) x [*y0, *y1) to those of the tile; false when none
 * are left. */
static inline bool kiln__soft_clip_to_tile(const kiln__soft_tile *tile, int32_t *x0, int32_t *y0,
                                           int32_t *x1, int32_t *y1) {
    const kiln__rect *r = &tile->rect;
    *x0 = *x0 > r->x ? *x0 : r->x;
    *y0 = *y0 > r->y ? *y0 : r->y;
    *x1 = *x1 < r->x + r->width ? *x1 : r->x + r->width;
    *y1 = *y1 < r->y + r->height ? *y1 : r->y + r->height;
    return *x0 < *x1 && *y0 < *y1;
}
static inline float *kiln__soft_tile_depth(const kiln__soft_tile *tile, int32_t x, int32_t y) {
    return tile->depth + (size_t)(y - tile->rect.y) * KILN__TILE_SIZE + (size_t)(x - tile->rect.x);
}

/* The state of one draw as the tile stage needs it. */
typedef struct kiln__soft_state {
    kiln__pass_state pass;
    kiln__rect viewport; /* where NDC [-1, 1] lands */
    kiln__rect scissor;  /* the viewport, clipped to the surface */
    bool colour_varies;  /* otherwise `colour` holds the colour of every pixel */
    bool colour_is_white;
    float colour[4];
    uint32_t num_varyings;              /* the vertex stage computes this prefix of the varyings */
    uint8_t planes[KILN__NUM_VARYINGS]; /* of those, the ones pixels read: set up */
    uint32_t num_planes;
    bool planes_in_run; /* planes[i] == planes[0] + i: the common case */
    bool has_specular;  /* the specular varyings hold light to add after texturing */
    bool lit_per_pixel; /* lighting at each pixel from position and normal varyings */
    bool tracks_colour; /* lit per pixel, the colour varyings hold the vertex colour */
    bool fast_texture;  /* the colour is unit 0's texel, read as it is */
    bool simple_write;  /* no alpha rejection and no blending */
    bool float_texels;  /* some unit samples float texels (the span kernels read RGBA8) */
    float eye[3];       /* the camera's world position */
    /* Lighting terms that do not change within the draw (light.c). */
    bool specular_enabled;
    bool lights_shine;    /* some light has a specular colour, or vertex colours give one */
    float lit_base[4];    /* ambient * scene ambient + emissive; diffuse alpha */
    float lit_ambient[3]; /* ambient * scene ambient */
    float lit_scene[4];   /* the scene's ambient light */
    float lit_emissive[4];
    float light_diffuse[KILN__MAX_LIGHTS][3]; /* light's times the pass's */
    float light_specular[KILN__MAX_LIGHTS][3];
} kiln__soft_state;

/* The level of detail: log2 of the footprint of a pixel in texels of level 0
 * (lambda in the OpenGL specification), from the texture coordinate derivatives
 * along x and y. The reference rasterizer picks the nearest level from the exact
 * value but blends levels by a piecewise-linear log2 of the squared footprint;
 * both are kept so that each filter matches it. */
typedef struct kiln__soft_lod {
    float nearest; /* exact lambda; -inf for a zero footprint */
    float linear;  /* 0.5 * approximate log2 of the squared footprint */
} kiln__soft_lod;

/* value(x, y) = c + dx * x + dy * y at pixel coordinates (pixel centres at +0.5). */
typedef struct kiln__soft_plane {
    float c;
    float dx;
    float dy;
} kiln__soft_plane;

typedef enum kiln__soft_primitive_kind {
    KILN__SOFT_TRIANGLE = 0,
    KILN__SOFT_LINE = 1,
    KILN__SOFT_POINT = 2
} kiln__soft_primitive_kind;

/* A primitive ready for the tiles. Lines and points use the same planes (constant
 * across a point, varying along a line's major axis only) so that they shade as
 * triangles do. */
typedef struct kiln__soft_triangle {
    uint8_t kind; /* kiln__soft_primitive_kind */
    bool perspective;
    bool x_major; /* a line that steps along x */
    uint32_t state;
    int32_t min_x, min_y, max_x, max_y; /* pixels that may be covered; max excluded */
    union {
        /* A triangle's edge functions E = a * X + b * Y + c over fixed-point pixel
         * centres, biased so that E >= 0 means covered under the top-left rule. a and b
         * are differences of fixed-point positions inside the guard band, so 32 bits
         * hold them. */
        struct {
            int32_t edge_a[3], edge_b[3];
            int64_t edge_c[3];
        };
        /* A line's window-space end points (a point's centre in x0, y0 and half its
         * size in x1), and the pixels it draws where coverage is found at pixel
         * centres: min x, min y, max x, max y (max excluded). The primitive's bounds
         * are these, or with multisampling the pixels that its rectangle (a line one
         * pixel wide, a point's square) may reach. */
        struct {
            float line_x0, line_y0, line_x1, line_y1;
            int32_t centre_bounds[4];
        };
    };
    kiln__soft_plane depth; /* window depth in [0, 1] */
    kiln__soft_plane inv_w; /* 1 / w, for perspective-correct varyings; the varyings follow */
    /* The varyings up to the highest the state uses (only those the state lists in
     * kiln__soft_state.planes are set up; divided by w when perspective), then the
     * level of detail of each texture unit (kiln__soft_triangle_lods). */
    kiln__soft_plane varyings[];
} kiln__soft_triangle;
/* The span kernels read 1 / w and the varyings after it as one run of floats. */
_Static_assert(offsetof(kiln__soft_triangle, varyings) ==
                   offsetof(kiln__soft_triangle, inv_w) + sizeof(kiln__soft_plane),
               "the varyings follow 1 / w");

/* The largest primitive record: every varying and a level of detail per unit; in
 * 8-byte words, and how many a tile keeps moved to a sample at once. */
#define KILN__SOFT_TRIANGLE_MAX_BYTES                                                              \
    (offsetof(kiln__soft_triangle, varyings) + KILN__NUM_VARYINGS * sizeof(kiln__soft_plane) +     \
     KILN__MAX_TEXTURE_UNITS * sizeof(kiln__soft_lod))
#define KILN__SOFT_MOVED_WORDS ((KILN__SOFT_TRIANGLE_MAX_BYTES + 7) / 8)
#define KILN__SOFT_MOVED_RING 64

/* The bytes of a primitive of state s: the header, the varyings up to the highest the
 * state uses, and a level of detail per unit. */
#define KILN__SOFT_TRIANGLE_BYTES(s)                                                               \
    (offsetof(kiln__soft_triangle, varyings) +                                                     \
     (size_t)(s)->num_varyings * sizeof(kiln__soft_plane) +                                        \
     (size_t)(s)->pass.num_units * sizeof(kiln__soft_lod))
/* Of those, the levels of detail, which a triangle with perspective does not keep. */
#define KILN__SOFT_TRIANGLE_LOD_BYTES(s) ((size_t)(s)->pass.num_units * sizeof(kiln__soft_lod))

/* The level of detail of each unit of a primitive of state s, where it is the same at
 * every pixel (without perspective): just after its varyings. */
static inline kiln__soft_lod *kiln__soft_triangle_lods(kiln__soft_triangle *t,
                                                       const kiln__soft_state *s) {
    return (kiln__soft_lod *)(void *)(t->varyings + s->num_varyings);
}
static inline const kiln__soft_lod *kiln__soft_triangle_lods_of(const kiln__soft_triangle *t,
                                                                const kiln__soft_state *s) {
    return (const kiln__soft_lod *)(const void *)(t->varyings + s->num_varyings);
}

/* One entry of a tile's bin: a clear (no triangle) or a primitive, and its place in
 * the frame's order of submission. */
typedef struct kiln__soft_command {
    uint32_t seq;                        /* smaller first */
    uint32_t clear;                      /* a clear: into the frame's clears */
    const kiln__soft_triangle *triangle; /* a primitive, in one of the frame's arenas */
} kiln__soft_command;

/* Memory for a frame's primitives: blocks that never move, so that a primitive is
 * written once where it is set up and the bins point at it; reset, not freed,
 * between frames. Each thread appends to an arena of its own. */
typedef struct kiln__soft_block {
    struct kiln__soft_block *next;
    size_t used, capacity;
    uint64_t data[]; /* 8-byte aligned records */
} kiln__soft_block;

typedef struct kiln__soft_arena {
    kiln__soft_block *first;
    kiln__soft_block *current;
} kiln__soft_arena;

/* arena.c: `bytes` (rounded up to 8) at the end of the arena, or NULL when memory
 * runs out; kiln__soft_arena_pop gives back the last allocation of that size. */
void *kiln__soft_arena_alloc(kiln__soft_arena *arena, size_t bytes);
void kiln__soft_arena_pop(kiln__soft_arena *arena, size_t bytes);
/* Room for `bytes` at the end of the arena, not yet taken (NULL when memory runs out):
 * a primitive is set up there and kiln__soft_arena_commit takes it only when it is
 * drawn. */
static inline void *kiln__soft_arena_reserve(kiln__soft_arena *arena, size_t bytes) {
    kiln__soft_block *b = arena->current;
    bytes = (bytes + 7) & ~(size_t)7;
    if (b && b->capacity - b->used >= bytes)
        return (uint8_t *)b->data + b->used;
    void *p = kiln__soft_arena_alloc(arena, bytes);
    if (p)
        kiln__soft_arena_pop(arena, bytes);
    return p;
}
static inline void kiln__soft_arena_commit(kiln__soft_arena *arena, size_t bytes) {
    arena->current->used += (bytes + 7) & ~(size_t)7;
}
void kiln__soft_arena_reset(kiln__soft_arena *arena);
void kiln__soft_arena_free(kiln__soft_arena *arena);

typedef struct kiln__soft_clear {
    kiln__rect rect;
    bool clear_colour;
    bool clear_depth;
    uint8_t colour8[4];
    float colourf[4];
    float depth;
} kiln__soft_clear;

typedef struct kiln__soft_bin {
    kiln__soft_command *commands;
    uint32_t count;
    uint32_t capacity;
} kiln__soft_bin;

/* Everything recorded for the frame being drawn; the arrays are kept between frames
 * and only their counts reset. */
typedef struct kiln__soft_frame {
    kiln__surface *surface;
    kiln_simd simd; /* the instruction set the tiles draw with */
    uint32_t tiles_x, tiles_y;
    /* Each thread bins what it sets up into bins of its own, in order of submission:
     * bin (thread, tile) is bins[thread * bins_per_thread + tile], and a tile runs the
     * commands of all threads' bins merged by their sequence numbers. */
    kiln__soft_bin *bins;
    uint32_t bins_per_thread;
    uint32_t next_seq;        /* of the next command submitted */
    kiln__soft_arena *arenas; /* one per thread; the recording thread uses the first */
    uint32_t num_arenas;
    kiln__soft_state *states;
    uint32_t num_states, states_capacity;
    kiln__soft_clear *clears;
    uint32_t num_clears, clears_capacity;
} kiln__soft_frame;

/* ---- stages ---- */

/* vertex.c: transforms vertices [first, first + count) of call to clip space and
 * computes their varyings into out (KILN__SOFT_VERTEX_BYTES(state->num_varyings) apart), with the
 * vertex kernels of the instruction set where they cover the draw (the same bytes as the scalar
 * code). Vertices are independent, so ranges may run on different threads. */
void kiln__soft_vertex_stage(kiln_simd simd, const kiln__draw_call *call,
                             const kiln__soft_state *state, uint32_t first, uint32_t count,
                             void *out);

/* What the vertex stage computes once per draw. */
typedef struct kiln__soft_vertex_setup {
    kiln_matrix4 mvp;   /* object to clip space */
    kiln_matrix4 world; /* object to world space */
    /* Normals go through the inverse transpose of the world matrix, so that they stay
     * perpendicular under non-uniform scale. */
    float normal_matrix[3][3];
    bool light_vertices; /* lit at each vertex */
    bool need_world;     /* world positions and normals are needed */
    uint32_t num_sets;   /* texture coordinate sets carried */
    size_t stride;       /* KILN__SOFT_VERTEX_BYTES of the state */
} kiln__soft_vertex_setup;

/* vertex.c: the varyings of vertex i after its colour: texture coordinates, the
 * specular light's when it is unused, the world position and normal (for lighting
 * per pixel; NULL otherwise). */
void kiln__soft_vertex_other_varyings(const kiln__draw_call *call, const kiln__soft_state *state,
                                      const kiln__soft_vertex_setup *setup, uint32_t i,
                                      kiln__soft_vertex *v, const float world_position[3],
                                      const float normal[3]);

/* True when the vertex's clip-space position is finite. A primitive with a NaN or
 * infinite position (from bad input) has no defined pixels and is not drawn; other
 * non-finite varyings are made safe where they are used (the sampler folds texture
 * coordinates, colours clamp). */
static inline bool kiln__soft_position_finite(const kiln__soft_vertex *v) {
    /* x * 0 is 0 for every finite x, and NaN for NaN and infinities. */
    float sum = v->clip[0] * 0.0f + v->clip[1] * 0.0f + v->clip[2] * 0.0f + v->clip[3] * 0.0f;
    return sum == 0.0f;
}

/* True when every vertex of the triangle is finite and inside the near and
 * far planes and the guard band (by their `inside`), so that it can be set up as it
 * is (the common case, which then skips the copies of the clipper). */
static inline bool kiln__soft_triangle_needs_no_clipping(const kiln__soft_vertex *v0,
                                                         const kiln__soft_vertex *v1,
                                                         const kiln__soft_vertex *v2) {
    return v0->inside && v1->inside && v2->inside;
}

/* Twice the signed area of a triangle in fixed point (positive: clockwise on the
 * screen, y down), and whether the state culls a triangle of that area: none covers
 * any pixel when it is zero. Meaningful for vertices inside the clip volume. */
static inline int64_t kiln__soft_fixed_area(const kiln__soft_vertex *v0,
                                            const kiln__soft_vertex *v1,
                                            const kiln__soft_vertex *v2) {
    const int64_t x0 = v0->fixed[0], y0 = v0->fixed[1];
    return ((int64_t)v1->fixed[0] - x0) * ((int64_t)v2->fixed[1] - y0) -
           ((int64_t)v2->fixed[0] - x0) * ((int64_t)v1->fixed[1] - y0);
}
static inline bool kiln__soft_area_culled(kiln_culling_mode culling, int64_t area) {
    /* With y pointing down, a positive area is clockwise as seen in the y-up
     * convention of the original engine. */
    return area == 0 || (culling == KILN_CULL_CLOCKWISE && area > 0) ||
           (culling == KILN_CULL_ANTICLOCKWISE && area < 0);
}

/* clip.c: clips a triangle against the near and far planes and a guard band in x
 * and y. Writes the clipped polygon (at most KILN__MAX_CLIPPED_VERTICES vertices,
 * in the input's winding) to out and returns its vertex count (0: nothing left). */
#define KILN__MAX_CLIPPED_VERTICES 12
uint32_t kiln__soft_clip_triangle(const kiln__soft_vertex *v0, const kiln__soft_vertex *v1,
                                  const kiln__soft_vertex *v2, kiln__soft_vertex *out);

/* clip.c: clips a line against the near and far planes and the guard band; false
 * when nothing is left. */
bool kiln__soft_clip_line(const kiln__soft_vertex *v0, const kiln__soft_vertex *v1,
                          kiln__soft_vertex out[2]);

/* setup.c: culls, snaps and sets up a clipped triangle into *t; false when it covers
 * no pixel. Reads the frame's states only, so it may run on any thread. */
bool kiln__soft_setup_triangle_into(const kiln__soft_frame *frame, uint32_t state,
                                    const kiln__soft_vertex *v0, const kiln__soft_vertex *v1,
                                    const kiln__soft_vertex *v2, kiln__soft_triangle *t);

/* setup.c: bins a set-up triangle, which stays where it is until the frame ends, into
 * the bins of thread `worker`. */
kiln_result kiln__soft_bin_triangle(const kiln__soft_frame *frame, uint32_t worker,
                                    const kiln__soft_triangle *t, uint32_t seq);

/* setup.c: a clipped line, one pixel wide, and a point `point_size` pixels square. */
kiln_result kiln__soft_setup_line(kiln__soft_frame *frame, uint32_t state,
                                  const kiln__soft_vertex *v0, const kiln__soft_vertex *v1);
kiln_result kiln__soft_setup_point(kiln__soft_frame *frame, uint32_t state,
                                   const kiln__soft_vertex *v);

/* light.c: the draw-constant lighting terms of s, and the lit colour and specular
 * light at a world position with a normal (any length; zero lights nothing).
 * vertex_colour is NULL when the draw has no colours (nothing is tracked). */
void kiln__soft_lighting_prepare(kiln__soft_state *s);
void kiln__soft_lighting(const kiln__soft_state *s, const float position[3], const float normal[3],
                         const float *vertex_colour, float colour[4], float specular[3]);

/* bin.c: the per-tile command lists, one set per thread. */
kiln_result kiln__soft_bins_begin(kiln__soft_frame *frame, uint32_t width, uint32_t height);
/* Appends command to the bin of thread `worker` for tile (tx, ty), or for every tile
 * that a rectangle of pixels touches. Only that thread may append to its bins. */
kiln_result kiln__soft_bin_grow(kiln__soft_bin *bin);
static inline kiln_result kiln__soft_bin_push(const kiln__soft_frame *frame, uint32_t worker,
                                              uint32_t tx, uint32_t ty,
                                              kiln__soft_command command) {
    kiln__soft_bin *bin =
        &frame->bins[(size_t)worker * frame->bins_per_thread + ty * frame->tiles_x + tx];
    if (bin->count == bin->capacity)
        KILN__CHECK(kiln__soft_bin_grow(bin));
    bin->commands[bin->count++] = command;
    return KILN_OK;
}
kiln_result kiln__soft_bin_rect(const kiln__soft_frame *frame, uint32_t worker,
                                const kiln__rect *pixels, kiln__soft_command command);
void kiln__soft_bins_free(kiln__soft_frame *frame);

/* raster.c: one tile's share of a triangle, a line or a point, drawn into a
 * prepared tile (kiln__soft_tile_prepare). */
void kiln__soft_raster_triangle(const kiln__soft_frame *frame, const kiln__soft_triangle *tri,
                                kiln__soft_tile *tile);
void kiln__soft_raster_line(const kiln__soft_frame *frame, const kiln__soft_triangle *line,
                            kiln__soft_tile *tile);
void kiln__soft_raster_point(const kiln__soft_frame *frame, const kiln__soft_triangle *point,
                             kiln__soft_tile *tile);

/* The pixel row (x-major) or column of a line at pixel `major` along its major axis:
 * where the line crosses that pixel's centre line. */
static inline int32_t kiln__soft_line_minor(const kiln__soft_triangle *t, int32_t major) {
    float a0 = t->x_major ? t->line_x0 : t->line_y0, a1 = t->x_major ? t->line_x1 : t->line_y1;
    float b0 = t->x_major ? t->line_y0 : t->line_x0, b1 = t->x_major ? t->line_y1 : t->line_x1;
    /* A line too short along its major axis for its ends to differ in float (its
     * length is in double) crosses one pixel centre line, at its start. */
    float m = a1 != a0 ? b0 + ((float)major + 0.5f - a0) * ((b1 - b0) / (a1 - a0)) : b0;
    if (!(m > -1.0e9f && m < 1.0e9f)) /* far outside any target, or NaN */
        return m > 0.0f ? INT32_MAX : INT32_MIN;
    return (int32_t)floorf(m);
}

/* Float to unorm8 with round-half-to-even in float32, as the reference rasterizer
 * converts colours (0.3 becomes 76). */
static inline uint8_t kiln__soft_unorm8(float v) {
    if (!(v > 0.0f))
        return 0;
    if (v >= 1.0f)
        return 255;
    float scaled = v * 255.0f;
    /* Adding 1.5 * 2^23 makes the FPU round to an integer in the default mode. */
    float rounded = scaled + 12582912.0f;
    return (uint8_t)(int)(rounded - 12582912.0f);
}

#endif
