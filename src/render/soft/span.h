/* Span kernels: the pixels of one row of a triangle within a tile, shaded W at a
 * time by a function chosen once per draw state from a table, so that the pixel
 * loop has no branch on state. Each kernel computes exactly what the per-pixel
 * code of raster.c and shade.c computes, operation for operation, so that every
 * path gives the same bytes; states the kernels do not cover take that code.
 *
 * Kernels cover 8-bit working colour, no blending and no alpha rejection, with or
 * without perspective, with colour passed through from a texture, constant or
 * interpolated per vertex (with its specular light), times at most one texture
 * unit read from set 0 without a transform (nearest, bilinear on one level or
 * between two, wrapping or clamping), with any depth test. */
#ifndef KILN_RENDER_SOFT_SPAN_H
#define KILN_RENDER_SOFT_SPAN_H

#include "soft.h"

/* The kernels are built for x86-64 (span_sse2.c, span_avx2.c); elsewhere every draw
 * takes the scalar code. */
#if defined(__x86_64__) || defined(_M_X64)
#define KILN__HAVE_SPANS 1
#else
#define KILN__HAVE_SPANS 0
#endif

/* How the texel of a span is read. */
enum {
    KILN__SPAN_TEX_NONE = 0,
    KILN__SPAN_TEX_NEAREST,   /* level 0, nearest texel */
    KILN__SPAN_TEX_BILINEAR,  /* one level */
    KILN__SPAN_TEX_TRILINEAR, /* two levels blended by an 8-bit weight */
    KILN__SPAN_TEX_COUNT
};
/* How depth is tested. */
enum {
    KILN__SPAN_DEPTH_NONE = 0,
    KILN__SPAN_DEPTH_ANY,        /* any function (span.pass_*), written or not */
    KILN__SPAN_DEPTH_LESS_EQUAL, /* the default: less or equal passes, and is written */
    KILN__SPAN_DEPTH_COUNT
};
/* Where the colour comes from. */
enum {
    KILN__SPAN_COLOUR_TEXEL = 0, /* the texel as it is */
    KILN__SPAN_COLOUR_CONSTANT,  /* the state's colour, combined with the texel */
    KILN__SPAN_COLOUR_VARYING,   /* interpolated colour and specular light, combined */
    KILN__SPAN_COLOUR_COUNT
};

/* One texture level as the kernels read it. */
typedef struct kiln__soft_span_level {
    const uint32_t *texels; /* RGBA8 texels, one uint32 each */
    int32_t width, height;
} kiln__soft_span_level;

/* Fragments of small triangles that passed their depth test (which wrote their
 * depth), waiting to be shaded W at a time whatever triangle each comes from: a
 * triangle of a pixel or two fills few lanes of a block of its own. In the order they
 * were drawn, so that where two land on one pixel the later colour is stored last. */
#define KILN__SOFT_PENDING 64
typedef struct kiln__soft_pending {
    uint32_t count;
    /* Room for a vector past the last fragment, padded with copies of it. */
    int32_t x[KILN__SOFT_PENDING + 8], y[KILN__SOFT_PENDING + 8];
    const kiln__soft_triangle *t[KILN__SOFT_PENDING + 8];
} kiln__soft_pending;

/* The horizontal half of bilinear filtering for a texture that faces the screen (u
 * changes across only, v down only): the lerps across of a texel row's pairs at every
 * column of the triangle's part of a tile, kept for the two texel rows used last. A
 * magnified texture reads each texel row for several rows of pixels, which then only
 * lerp down between two kept rows. Each slot holds, per vector of columns from
 * span.row_x0,
 * the 16-bit channels of its low and high halves as lerp_texels arranges them. */
typedef struct kiln__soft_separable {
    int32_t row[2];     /* the offset of the texel row in each slot, or -1 */
    bool columns_found; /* the columns below are the triangle's in this tile */
    /* Per vector of columns: how its texel pairs are read (the kernels' own codes),
     * the first texel of its window of neighbours, each lane's texel (within the
     * window, or in the row) and the one after it, and its weights spread as
     * lerp_texels spreads them (16-bit, low half then high half). */
    uint8_t reading[KILN__TILE_SIZE];
    int32_t base[KILN__TILE_SIZE];
    _Alignas(64) int32_t first[KILN__TILE_SIZE], second[KILN__TILE_SIZE];
    _Alignas(64) uint16_t weights[KILN__TILE_SIZE * 4];
    /* Its depth plane's c + dx * x at the pixel centres of each column. */
    _Alignas(64) float depth_across[KILN__TILE_SIZE];
    _Alignas(64) uint16_t lerped[2][KILN__TILE_SIZE * 4];
} kiln__soft_separable;

struct kiln__soft_span;
/* Shades and stores every pending fragment, and empties the queue. */
typedef void (*kiln__soft_pending_fn)(const struct kiln__soft_span *span,
                                      kiln__soft_pending *pending);

/* Everything a kernel reads for one triangle in one tile. */
typedef struct kiln__soft_span {
    kiln__soft_tile *tile;
    const kiln__soft_triangle *t; /* its planes */
    /* Depth test as masks of the comparisons that pass (all ones or zero), and the
     * depth write. */
    uint32_t pass_lt, pass_eq, pass_gt, pass_neq, pass_always;
    uint32_t depth_write;
    kiln__soft_span_level level[2];
    int32_t level_weight; /* trilinear: the weight of level[1], 0..255 */
    /* With perspective the level is chosen at every pixel from all of them. */
    const kiln__texture_level *mips;
    int32_t last_level;
    float width0, height0;      /* of level 0 */
    uint32_t wrap;              /* addressing: wrap when set, clamp to edge otherwise */
    bool v_along_rows_constant; /* the triangle's v plane has no x term */
    uint32_t operation;         /* kiln_layer_blend_operation of the unit */
    float constant[4];
    uint32_t add_specular;
    /* Blocks: each edge function's step to the next pixel across and down, and the
     * end of the pixels to draw (the triangle's bounds in the tile). */
    int32_t block_a[3], block_b[3];
    int32_t x_end, y_end;
    /* Blocks that queue their fragments: the queue, the kernel that shades it, and the
     * floats of each triangle that kernel reads, from 1 / w on. */
    kiln__soft_pending *pending;
    kiln__soft_pending_fn shade_pending;
    uint32_t pending_floats;
    /* Rows of a texture that faces the screen: the columns [row_x0, row_x1) of the
     * triangle in the tile, and its lerped texel rows. */
    int32_t row_x0, row_x1;
    kiln__soft_separable *separable;
} kiln__soft_span;

typedef void (*kiln__soft_span_fn)(const kiln__soft_span *span, int32_t y, int32_t x0, int32_t x1);
/* The pixels of a block (block_width x 2, top-left (x, y)) that the triangle covers;
 * edge[i] is edge function i at the pixel centre of (x, y) (span.block_a and block_b
 * hold its steps to the other pixels). */
typedef void (*kiln__soft_block_fn)(const kiln__soft_span *span, int32_t x, int32_t y,
                                    const int32_t edge[3]);

/* The kernel tables of each instruction set: [depth test][perspective][texture][colour]
 * for rows, and for the blocks of small triangles ([depth test][texture][colour]
 * without perspective; with it, blocks queue their fragments and the queue is shaded
 * by [texture][colour]). With perspective the texture kinds choose their levels at
 * every pixel, and the colour is never the texel as it is. */
typedef struct kiln__soft_span_table {
    kiln__soft_span_fn rows[KILN__SPAN_DEPTH_COUNT][2][KILN__SPAN_TEX_COUNT]
                           [KILN__SPAN_COLOUR_COUNT];
    kiln__soft_block_fn blocks[KILN__SPAN_DEPTH_COUNT][KILN__SPAN_TEX_COUNT]
                              [KILN__SPAN_COLOUR_COUNT]; /* without perspective */
    /* Rows of a bilinear texture that faces the screen, magnified down the rows
     * (span.separable), without perspective. */
    kiln__soft_span_fn separable[KILN__SPAN_DEPTH_COUNT][KILN__SPAN_COLOUR_COUNT];
    /* Blocks of perspective triangles that test depth, then queue their fragments
     * (span.pending), and the kernels that shade a queue. */
    kiln__soft_block_fn queue_blocks[KILN__SPAN_DEPTH_COUNT];
    /* All the blocks of a small triangle at once (edges at its first pixel, its end in
     * span.x_end, span.y_end), for triangles within a tile each way. */
    kiln__soft_block_fn queue_triangles[KILN__SPAN_DEPTH_COUNT];
    kiln__soft_pending_fn pending[KILN__SPAN_TEX_COUNT][KILN__SPAN_COLOUR_COUNT];
    int32_t block_width; /* blocks are this wide and 2 tall */
    /* The vertex stage of vertices [first, first + count), W at a time, where the
     * kernels cover the draw (vertex_kernels.h): returns how many of the first it
     * did, 0 when it covers none. */
    uint32_t (*vertices)(const kiln__draw_call *call, const kiln__soft_state *state,
                         const kiln__soft_vertex_setup *setup, uint32_t first, uint32_t count,
                         void *out);
} kiln__soft_span_table;
extern const kiln__soft_span_table kiln__soft_spans_sse2;
extern const kiln__soft_span_table kiln__soft_spans_avx2;

/* The instruction set to draw with for a request: KILN_SIMD_AUTO is the KILN_SIMD
 * environment variable's choice (scalar, sse2 or avx2) or else the best the
 * processor has; any choice is lowered to what the processor has. */
kiln_simd kiln__soft_resolve_simd(kiln_simd requested);

/* What a tile keeps of the state it last prepared spans for, so that the triangles
 * of one draw after the first only name themselves. */
typedef struct kiln__soft_span_cache {
    uint32_t state; /* the state prepared, or UINT32_MAX */
    bool covered;   /* some kernel covers the state */
    int source_affine, source_perspective;
    int tex_perspective; /* the texture kind with a level at every pixel */
    int unit;            /* the unit with texels, or -1 */
    int depth_test;
    const kiln__soft_span_table *table;
    kiln__soft_block_fn block; /* the block kernel of the last triangle prepared */
    /* The kernels of the state's triangles with perspective. */
    kiln__soft_span_fn row_perspective;
    kiln__soft_block_fn queue_block, queue_triangle;
    kiln__soft_pending pending; /* of small perspective triangles (queue_blocks) */
    kiln__soft_separable separable;
    kiln__soft_span span;
} kiln__soft_span_cache;

/* Shades the fragments the tile's small triangles queued: before anything else draws
 * into the tile, and before the tile is stored. */
static inline void kiln__soft_span_flush(kiln__soft_span_cache *cache) {
    if (cache->pending.count)
        cache->span.shade_pending(&cache->span, &cache->pending);
}

/* span.c: the choices of kiln__soft_span_prepare that depend on the state, and those for
 * a triangle without perspective. */
void kiln__soft_span_prepare_state(kiln_simd simd, const kiln__soft_state *s, uint32_t state,
                                   kiln__soft_tile *tile, kiln__soft_span_cache *cache);
kiln__soft_span_fn kiln__soft_span_prepare_affine(const kiln__soft_triangle *t,
                                                  const kiln__soft_state *s,
                                                  kiln__soft_span_cache *cache);

/* Readies cache->span for triangle t of state s in tile and returns
 * its row kernel of the instruction set simd (and sets cache->block to its block
 * kernel), or NULL when no kernel covers the state or the triangle (the per-pixel code
 * draws it). */
static inline kiln__soft_span_fn
kiln__soft_span_prepare(kiln_simd simd, const kiln__soft_triangle *t, const kiln__soft_state *s,
                        kiln__soft_tile *tile, kiln__soft_span_cache *cache) {
    if (cache->state != t->state)
        kiln__soft_span_prepare_state(simd, s, t->state, tile, cache);
    if (!cache->covered || t->kind != KILN__SOFT_TRIANGLE)
        return NULL;
    cache->span.t = t;
    if (t->perspective) {
        cache->block = cache->queue_block;
        return cache->row_perspective;
    }
    return kiln__soft_span_prepare_affine(t, s, cache);
}

#endif
