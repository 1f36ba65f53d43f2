#include "soft.h"

kiln_result kiln__soft_bins_begin(kiln__soft_frame *frame, uint32_t width, uint32_t height) {
    uint32_t tiles_x = (width + KILN__TILE_SIZE - 1) >> KILN__TILE_SHIFT;
    uint32_t tiles_y = (height + KILN__TILE_SIZE - 1) >> KILN__TILE_SHIFT;
    uint32_t tiles = tiles_x * tiles_y;
    if (tiles > frame->bins_per_thread) {
        /* Grown for every thread at once; the bins keep their memory between frames. */
        size_t count = (size_t)tiles * frame->num_arenas;
        kiln__soft_bin *bins = kiln__calloc(count, sizeof *bins);
        if (!bins)
            return kiln__fail_oom("tile bins", count * sizeof *bins);
        kiln__soft_bins_free(frame);
        frame->bins = bins;
        frame->bins_per_thread = tiles;
    }
    for (size_t i = 0; i < (size_t)frame->bins_per_thread * frame->num_arenas; i++)
        frame->bins[i].count = 0;
    frame->tiles_x = tiles_x;
    frame->tiles_y = tiles_y;
    frame->next_seq = 0;
    return KILN_OK;
}

kiln_result kiln__soft_bin_grow(kiln__soft_bin *bin) {
    return kiln__grow32(&bin->commands, &bin->capacity, bin->capacity + 1, sizeof *bin->commands,
                        16, "a tile bin");
}

kiln_result kiln__soft_bin_rect(const kiln__soft_frame *frame, uint32_t worker,
                                const kiln__rect *pixels, kiln__soft_command command) {
    if (pixels->width <= 0 || pixels->height <= 0)
        return KILN_OK;
    uint32_t tx0 = (uint32_t)pixels->x >> KILN__TILE_SHIFT;
    uint32_t ty0 = (uint32_t)pixels->y >> KILN__TILE_SHIFT;
    uint32_t tx1 = (uint32_t)(pixels->x + pixels->width - 1) >> KILN__TILE_SHIFT;
    uint32_t ty1 = (uint32_t)(pixels->y + pixels->height - 1) >> KILN__TILE_SHIFT;
    for (uint32_t ty = ty0; ty <= ty1; ty++)
        for (uint32_t tx = tx0; tx <= tx1; tx++)
            KILN__CHECK(kiln__soft_bin_push(frame, worker, tx, ty, command));
    return KILN_OK;
}

void kiln__soft_bins_free(kiln__soft_frame *frame) {
    for (size_t i = 0; i < (size_t)frame->bins_per_thread * frame->num_arenas; i++)
        kiln__free(frame->bins[i].commands);
    kiln__free(frame->bins);
    frame->bins = NULL;
    frame->bins_per_thread = 0;
}
