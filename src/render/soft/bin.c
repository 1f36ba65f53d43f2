#include "soft.h"

kiln_result kiln__soft_bins_begin(kiln__soft_frame *frame, uint32_t width, uint32_t height) {
    uint32_t tiles_x = (width + KILN__TILE_SIZE - 1) >> KILN__TILE_SHIFT;
    uint32_t tiles_y = (height + KILN__TILE_SIZE - 1) >> KILN__TILE_SHIFT;
    uint32_t count = tiles_x * tiles_y;
    if (count > frame->bins_capacity) {
        kiln__soft_bin *bins = kiln__realloc_array(frame->bins, count, sizeof *bins);
        if (!bins)
            return kiln__fail_oom("tile bins", (size_t)count * sizeof *bins);
        for (uint32_t i = frame->bins_capacity; i < count; i++)
            bins[i] = (kiln__soft_bin){0};
        frame->bins = bins;
        frame->bins_capacity = count;
    }
    for (uint32_t i = 0; i < count; i++)
        frame->bins[i].count = 0;
    frame->tiles_x = tiles_x;
    frame->tiles_y = tiles_y;
    return KILN_OK;
}

kiln_result kiln__soft_bin_push(kiln__soft_frame *frame, uint32_t tx, uint32_t ty,
                                kiln__soft_command command) {
    kiln__soft_bin *bin = &frame->bins[ty * frame->tiles_x + tx];
    if (bin->count == bin->capacity) {
        uint32_t capacity = bin->capacity ? bin->capacity * 2 : 16;
        kiln__soft_command *commands =
            kiln__realloc_array(bin->commands, capacity, sizeof *commands);
        if (!commands)
            return kiln__fail_oom("a tile bin", (size_t)capacity * sizeof *commands);
        bin->commands = commands;
        bin->capacity = capacity;
    }
    bin->commands[bin->count++] = command;
    return KILN_OK;
}

kiln_result kiln__soft_bin_rect(kiln__soft_frame *frame, const kiln__rect *pixels,
                                kiln__soft_command command) {
    if (pixels->width <= 0 || pixels->height <= 0)
        return KILN_OK;
    uint32_t tx0 = (uint32_t)pixels->x >> KILN__TILE_SHIFT;
    uint32_t ty0 = (uint32_t)pixels->y >> KILN__TILE_SHIFT;
    uint32_t tx1 = (uint32_t)(pixels->x + pixels->width - 1) >> KILN__TILE_SHIFT;
    uint32_t ty1 = (uint32_t)(pixels->y + pixels->height - 1) >> KILN__TILE_SHIFT;
    for (uint32_t ty = ty0; ty <= ty1; ty++)
        for (uint32_t tx = tx0; tx <= tx1; tx++)
            KILN__CHECK(kiln__soft_bin_push(frame, tx, ty, command));
    return KILN_OK;
}

void kiln__soft_bins_free(kiln__soft_frame *frame) {
    for (uint32_t i = 0; i < frame->bins_capacity; i++)
        kiln__free(frame->bins[i].commands);
    kiln__free(frame->bins);
    frame->bins = NULL;
    frame->bins_capacity = 0;
}
