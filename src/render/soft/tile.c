/* One tile's bin, run in working memory: clears become a uniform colour (and a
 * uniform depth) without touching memory, primitives load what they draw over, and
 * the finished tile is stored into the surface in the target's format while it is
 * still in cache. */
#include "span.h"

#include <math.h>
#include <string.h>

/* Every value of tile i's depth block. */
static void fill_depth(kiln__surface *surface, uint32_t i, float value) {
    float *d = surface->depth + (size_t)i * KILN__TILE_DEPTH_FLOATS;
    /* A row of values, then copies of what is written so far, doubling. */
    for (size_t k = 0; k < KILN__TILE_SIZE; k++)
        d[k] = value;
    for (size_t done = KILN__TILE_SIZE; done < KILN__TILE_PIXELS; done *= 2)
        memcpy(d + done, d,
               (done < KILN__TILE_PIXELS - done ? done : KILN__TILE_PIXELS - done) * sizeof *d);
}

/* The colour memory of pixel (x, y) of the surface. */
static uint8_t *surface_pixel(const kiln__surface *surface, int32_t x, int32_t y) {
    return surface->colour + (size_t)y * surface->row_pitch + (size_t)x * surface->pixel_size;
}

/* The pixels of tile (tx, ty) of the surface. */
static kiln__rect tile_rect(const kiln__surface *surface, uint32_t tx, uint32_t ty) {
    kiln__rect r = {(int32_t)(tx << KILN__TILE_SHIFT), (int32_t)(ty << KILN__TILE_SHIFT),
                    KILN__TILE_SIZE, KILN__TILE_SIZE};
    if (r.x + r.width > (int32_t)surface->width)
        r.width = (int32_t)surface->width - r.x;
    if (r.y + r.height > (int32_t)surface->height)
        r.height = (int32_t)surface->height - r.y;
    return r;
}

void kiln__soft_surface_materialise_depth(kiln__surface *surface, const kiln__rect *box) {
    if (box->width <= 0 || box->height <= 0)
        return;
    uint32_t tx0 = (uint32_t)box->x >> KILN__TILE_SHIFT;
    uint32_t ty0 = (uint32_t)box->y >> KILN__TILE_SHIFT;
    uint32_t tx1 = (uint32_t)(box->x + box->width - 1) >> KILN__TILE_SHIFT;
    uint32_t ty1 = (uint32_t)(box->y + box->height - 1) >> KILN__TILE_SHIFT;
    for (uint32_t ty = ty0; ty <= ty1; ty++)
        for (uint32_t tx = tx0; tx <= tx1; tx++) {
            uint32_t i = ty * surface->tiles_x + tx;
            if (!surface->tile_uniform[i])
                continue;
            fill_depth(surface, i, surface->tile_depth[i]);
            surface->tile_uniform[i] = 0;
        }
}

/* Fills rows [y0, y1) x [x0, x1) of the working colour with one colour. */
static void fill_colour(kiln__soft_tile *tile, int32_t x0, int32_t y0, int32_t x1, int32_t y1,
                        const uint8_t c8[4], const float cf[4]) {
    if (x0 >= x1 || y0 >= y1)
        return;
    /* The first row pixel by pixel, then copies of it, doubling. */
    const bool is_float = tile->surface->is_float;
    const size_t pixel = is_float ? 4 * sizeof(float) : 4;
    const size_t row = (size_t)(x1 - x0) * pixel;
    uint8_t *first = kiln__soft_tile_working(tile, x0, y0);
    memcpy(first, is_float ? (const void *)cf : (const void *)c8, pixel);
    for (size_t done = pixel; done < row; done *= 2)
        memcpy(first + done, first, done < row - done ? done : row - done);
    for (int32_t y = y0 + 1; y < y1; y++)
        memcpy(kiln__soft_tile_working(tile, x0, y), first, row);
}

static void load_colour(kiln__soft_tile *tile) {
    const kiln__surface *surface = tile->surface;
    const kiln__rect *r = &tile->rect;
    if (tile->colour_state == KILN__TILE_UNIFORM) {
        fill_colour(tile, r->x, r->y, r->x + r->width, r->y + r->height, tile->clear8,
                    tile->clearf);
    } else if (tile->colour_state == KILN__TILE_IN_SURFACE) {
        for (int32_t y = r->y; y < r->y + r->height; y++) {
            kiln__row_convert(&surface->from_storage, surface_pixel(surface, r->x, y),
                              kiln__soft_tile_working(tile, r->x, y), (size_t)r->width);
        }
    }
    tile->colour_state = KILN__TILE_LOADED;
}

/* Fills [x0, x1) x [y0, y1) of the working depth with one value. */
static void fill_working_depth(kiln__soft_tile *tile, int32_t x0, int32_t y0, int32_t x1,
                               int32_t y1, float value) {
    for (int32_t y = y0; y < y1; y++) {
        float *d = kiln__soft_tile_depth(tile, x0, y);
        for (int32_t x = x0; x < x1; x++)
            *d++ = value;
    }
}

/* Makes the tile's depth block hold its values: a uniform tile's value is written in. */
static void load_depth(kiln__soft_tile *tile) {
    kiln__surface *surface = tile->surface;
    if (surface->tile_uniform[tile->index]) {
        fill_depth(surface, tile->index, surface->tile_depth[tile->index]);
        surface->tile_uniform[tile->index] = 0;
    }
    tile->depth_loaded = true;
}

void kiln__soft_tile_prepare(kiln__soft_tile *tile, bool depth) {
    if (tile->colour_state != KILN__TILE_LOADED)
        load_colour(tile);
    if (depth && !tile->depth_loaded)
        load_depth(tile);
}

static void run_clear(kiln__soft_tile *tile, const kiln__soft_clear *clear) {
    const kiln__rect *r = &tile->rect;
    int32_t x0 = clear->rect.x, y0 = clear->rect.y;
    int32_t x1 = x0 + clear->rect.width, y1 = y0 + clear->rect.height;
    if (!kiln__soft_clip_to_tile(tile, &x0, &y0, &x1, &y1))
        return;
    const bool whole = x0 == r->x && y0 == r->y && x1 == r->x + r->width && y1 == r->y + r->height;
    kiln__surface *surface = tile->surface;
    if (clear->clear_colour) {
        if (whole) {
            tile->colour_state = KILN__TILE_UNIFORM;
            memcpy(tile->clear8, clear->colour8, sizeof tile->clear8);
            memcpy(tile->clearf, clear->colourf, sizeof tile->clearf);
        } else {
            if (tile->colour_state != KILN__TILE_LOADED)
                load_colour(tile);
            fill_colour(tile, x0, y0, x1, y1, clear->colour8, clear->colourf);
        }
    }
    if (clear->clear_depth) {
        if (whole) {
            /* The tile's depth is the value again, wherever it was loaded. */
            surface->tile_uniform[tile->index] = 1;
            surface->tile_depth[tile->index] = clear->depth;
            tile->depth_loaded = false;
        } else {
            kiln__soft_tile_prepare(tile, true);
            fill_working_depth(tile, x0, y0, x1, y1, clear->depth);
        }
    }
}

/* Stores the working colour into the surface in its format. */
static void store_colour(kiln__soft_tile *tile) {
    kiln__surface *surface = tile->surface;
    const kiln__rect *r = &tile->rect;
    const size_t row_bytes = (size_t)r->width * surface->pixel_size;
    uint8_t *dst = surface_pixel(surface, r->x, r->y);
    kiln__soft_stored_tile *stored = &surface->stored[tile->index];
    if (tile->colour_state == KILN__TILE_UNIFORM) {
        /* A tile cleared to what its memory already holds is not stored again: a
         * background unchanged from the last frame costs nothing. */
        const bool again = stored->uniform &&
                           memcmp(stored->colour8, tile->clear8, sizeof tile->clear8) == 0 &&
                           memcmp(stored->colourf, tile->clearf, sizeof tile->clearf) == 0;
        if (again && !surface->shared)
            return;
        stored->uniform = true;
        memcpy(stored->colour8, tile->clear8, sizeof tile->clear8);
        memcpy(stored->colourf, tile->clearf, sizeof tile->clearf);
        /* One row of the clear colour in the target's format, copied to every row. */
        uint8_t row[KILN__TILE_SIZE * 16];
        fill_colour(tile, r->x, r->y, r->x + r->width, r->y + 1, tile->clear8, tile->clearf);
        kiln__row_convert(&surface->to_storage, kiln__soft_tile_working(tile, r->x, r->y), row,
                          (size_t)r->width);
        /* Memory others may write is read first, and only rows that differ are
         * written: reading an unchanged background costs less than storing it. */
        for (int32_t y = 0; y < r->height; y++, dst += surface->row_pitch)
            if (!again || memcmp(dst, row, row_bytes) != 0)
                memcpy(dst, row, row_bytes);
        return;
    }
    stored->uniform = false;
    for (int32_t y = r->y; y < r->y + r->height; y++, dst += surface->row_pitch)
        kiln__row_convert(&surface->to_storage, kiln__soft_tile_working(tile, r->x, y), dst,
                          (size_t)r->width);
}

/* How many commands ahead a tile fetches the primitives it will draw. */
#define KILN__TILE_AHEAD 6

/* One command of a bin, in the tile. */
static inline void run_command(const kiln__soft_frame *frame, kiln__soft_tile *tile,
                               const kiln__soft_command *c) {
    if (!c->triangle) {
        kiln__soft_span_flush(tile->spans);
        run_clear(tile, &frame->clears[c->clear]);
        return;
    }
    const kiln__soft_triangle *t = c->triangle;
    kiln__soft_tile_prepare(tile, frame->states[t->state].pass.depth_check);
    if (t->kind == KILN__SOFT_TRIANGLE) {
        kiln__soft_raster_triangle(frame, t, tile);
        return;
    }
    kiln__soft_span_flush(tile->spans);
    if (t->kind == KILN__SOFT_LINE)
        kiln__soft_raster_line(frame, t, tile);
    else
        kiln__soft_raster_point(frame, t, tile);
}

/* Runs the tile's bins (`lists` of them) into tile `index` of surface, its coverage
 * and depth found at `sample` (NULL: the pixel centres) with room `moved` for the
 * primitives moved there, and stores its colour when `store` is set. */
static void run_bins(const kiln__soft_frame *frame, const kiln__soft_bin *const *bins,
                     uint32_t lists, uint32_t index, void *working, kiln__surface *surface,
                     const float *sample, uint64_t *moved, bool store) {
    uint32_t next[KILN__MAX_MERGED_BINS] = {0};
    kiln__soft_tile tile = {0};
    tile.surface = surface;
    tile.index = index;
    tile.rect = tile_rect(surface, index % frame->tiles_x, index / frame->tiles_x);
    tile.colour8 = working;
    tile.colourf = working;
    tile.depth = surface->depth + (size_t)index * KILN__TILE_DEPTH_FLOATS;
    tile.colour_state = KILN__TILE_IN_SURFACE;
    tile.moved = moved;
    if (sample) {
        tile.at_sample = true;
        for (int k = 0; k < 2; k++) {
            tile.sample_offset[k] = sample[k] - 0.5f;
            tile.sample_fixed[k] = (int32_t)lroundf(tile.sample_offset[k] * KILN__SUBPIXEL_ONE);
        }
    }
    kiln__soft_span_cache spans;
    spans.state = UINT32_MAX;
    spans.pending.count = 0;
    tile.spans = &spans;
    for (;;) {
        /* The bin whose next command comes first, and where the next of another bin
         * comes: its commands up to there run in one go (each thread sets up ranges of
         * a draw's triangles). */
        uint32_t from = lists, first = UINT32_MAX, limit = UINT32_MAX;
        for (uint32_t l = 0; l < lists; l++) {
            if (next[l] == bins[l]->count)
                continue;
            const uint32_t seq = bins[l]->commands[next[l]].seq;
            if (from == lists || seq < first) {
                limit = first;
                first = seq;
                from = l;
            } else if (seq < limit) {
                limit = seq;
            }
        }
        if (from == lists)
            break;
        const kiln__soft_bin *bin = bins[from];
        uint32_t i = next[from];
        /* The first runs whatever the others hold, so that no order of numbers stalls. */
        for (; i < bin->count && (i == next[from] || bin->commands[i].seq < limit); i++) {
            /* The primitive a few commands on is fetched while this one is drawn: setup
             * wrote it, often on another thread, long before. */
            if (i + 1 + KILN__TILE_AHEAD < bin->count) {
                const uint8_t *ahead =
                    (const uint8_t *)bin->commands[i + 1 + KILN__TILE_AHEAD].triangle;
                if (ahead)
                    for (int line = 0; line < 4; line++)
                        __builtin_prefetch(ahead + 64 * line);
            }
            run_command(frame, &tile, &bin->commands[i]);
        }
        next[from] = i;
    }
    kiln__soft_span_flush(&spans);
    if (store && tile.colour_state != KILN__TILE_IN_SURFACE)
        store_colour(&tile);
}

/* The samples' average into tile `index` of a multisampled surface, in its format. */
static void resolve_tile(kiln__surface *surface, uint32_t index, uint32_t tiles_x, void *working) {
    const kiln__rect r = tile_rect(surface, index % tiles_x, index / tiles_x);
    const uint32_t n = surface->samples;
    const size_t values = (size_t)r.width * 4;
    surface->stored[index].uniform = false;
    for (int32_t y = r.y; y < r.y + r.height; y++) {
        uint8_t *dst = surface_pixel(surface, r.x, y);
        if (surface->is_float) {
            float *sum = working;
            memset(sum, 0, values * sizeof *sum);
            for (uint32_t k = 0; k < n; k++) {
                const float *src =
                    (const float *)(const void *)surface_pixel(surface->sample[k], r.x, y);
                for (size_t i = 0; i < values; i++)
                    sum[i] += src[i];
            }
            const float scale = 1.0f / (float)n;
            for (size_t i = 0; i < values; i++)
                sum[i] *= scale;
            kiln__row_convert(&surface->to_storage, sum, dst, (size_t)r.width);
            continue;
        }
        uint16_t sum[KILN__TILE_SIZE * 4];
        for (size_t i = 0; i < values; i++)
            sum[i] = (uint16_t)(n / 2);
        for (uint32_t k = 0; k < n; k++) {
            const uint8_t *src = surface_pixel(surface->sample[k], r.x, y);
            for (size_t i = 0; i < values; i++)
                sum[i] = (uint16_t)(sum[i] + src[i]);
        }
        uint8_t *mean = working;
        for (size_t i = 0; i < values; i++)
            mean[i] = (uint8_t)(sum[i] / n);
        kiln__row_convert(&surface->to_storage, mean, dst, (size_t)r.width);
    }
}

void kiln__soft_run_tile(const kiln__soft_frame *frame, uint32_t index, void *working) {
    /* The tile's bin of every thread, merged in order of submission. */
    const uint32_t threads = frame->num_arenas;
    const kiln__soft_bin *bins[KILN__MAX_MERGED_BINS];
    uint32_t lists = 0;
    for (uint32_t w = 0; w < threads; w++) {
        const kiln__soft_bin *bin = &frame->bins[(size_t)w * frame->bins_per_thread + index];
        if (bin->count)
            bins[lists++] = bin;
    }
    if (lists == 0)
        return;
    kiln__surface *surface = frame->surface;
    if (surface->samples <= 1) {
        run_bins(frame, bins, lists, index, working, surface, NULL, NULL, true);
        return;
    }
    /* Multisampled: the pixel centres for the surface's own depth (its colour is the
     * resolve's), then each sample in a surface of its own, then their average. */
    run_bins(frame, bins, lists, index, working, surface, NULL, NULL, false);
    const float(*positions)[2] = kiln__sample_positions(surface->samples);
    uint64_t moved[KILN__SOFT_MOVED_RING * KILN__SOFT_MOVED_WORDS];
    for (uint32_t k = 0; k < surface->samples; k++)
        run_bins(frame, bins, lists, index, working, surface->sample[k], positions[k], moved, true);
    resolve_tile(surface, index, frame->tiles_x, working);
}
