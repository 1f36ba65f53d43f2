#include "shade.h"

#include <string.h>

void kiln__soft_raster_clear(const kiln__soft_frame *frame, const kiln__soft_clear *clear,
                             const kiln__rect *tile) {
    const kiln__surface *surface = frame->surface;
    int32_t x0 = clear->rect.x > tile->x ? clear->rect.x : tile->x;
    int32_t y0 = clear->rect.y > tile->y ? clear->rect.y : tile->y;
    int32_t x1 = clear->rect.x + clear->rect.width;
    int32_t y1 = clear->rect.y + clear->rect.height;
    x1 = x1 < tile->x + tile->width ? x1 : tile->x + tile->width;
    y1 = y1 < tile->y + tile->height ? y1 : tile->y + tile->height;
    for (int32_t y = y0; y < y1; y++) {
        size_t row = (size_t)y * surface->width;
        if (clear->clear_colour) {
            if (surface->is_float) {
                float *p = surface->colourf + (row + (size_t)x0) * 4;
                for (int32_t x = x0; x < x1; x++, p += 4)
                    for (int k = 0; k < 4; k++)
                        p[k] = clear->colourf[k];
            } else {
                uint32_t pattern;
                memcpy(&pattern, clear->colour8, 4);
                uint8_t *p = surface->colour8 + (row + (size_t)x0) * 4;
                for (int32_t x = x0; x < x1; x++, p += 4)
                    memcpy(p, &pattern, 4);
            }
        }
        if (clear->clear_depth) {
            float *d = surface->depth + row;
            for (int32_t x = x0; x < x1; x++)
                d[x] = clear->depth;
        }
    }
}

static inline bool depth_passes(kiln_compare_function f, float z, float stored) {
    switch (f) {
    case KILN_CMPF_ALWAYS_FAIL:
        return false;
    case KILN_CMPF_ALWAYS_PASS:
        return true;
    case KILN_CMPF_LESS:
        return z < stored;
    case KILN_CMPF_LESS_EQUAL:
        return z <= stored;
    case KILN_CMPF_EQUAL:
        return z == stored;
    case KILN_CMPF_NOT_EQUAL:
        return z != stored;
    case KILN_CMPF_GREATER_EQUAL:
        return z >= stored;
    case KILN_CMPF_GREATER:
        return z > stored;
    }
    return true;
}

void kiln__soft_raster_triangle(const kiln__soft_frame *frame, const kiln__soft_triangle *t,
                                const kiln__rect *tile) {
    const kiln__surface *surface = frame->surface;
    const kiln__soft_state *s = &frame->states[t->state];
    int32_t x0 = t->min_x > tile->x ? t->min_x : tile->x;
    int32_t y0 = t->min_y > tile->y ? t->min_y : tile->y;
    int32_t x1 = t->max_x < tile->x + tile->width ? t->max_x : tile->x + tile->width;
    int32_t y1 = t->max_y < tile->y + tile->height ? t->max_y : tile->y + tile->height;
    if (x0 >= x1 || y0 >= y1)
        return;
    const bool depth_check = s->pass.depth_check;
    const bool depth_write = s->pass.depth_write;
    const kiln_compare_function depth_function = s->pass.depth_function;
    const int64_t half = KILN__SUBPIXEL_ONE / 2;
    int64_t step[3];
    for (int e = 0; e < 3; e++)
        step[e] = t->edge_a[e] * KILN__SUBPIXEL_ONE;
    for (int32_t y = y0; y < y1; y++) {
        int64_t py = (int64_t)y * KILN__SUBPIXEL_ONE + half;
        int64_t px = (int64_t)x0 * KILN__SUBPIXEL_ONE + half;
        int64_t e0 = t->edge_a[0] * px + t->edge_b[0] * py + t->edge_c[0];
        int64_t e1 = t->edge_a[1] * px + t->edge_b[1] * py + t->edge_c[1];
        int64_t e2 = t->edge_a[2] * px + t->edge_b[2] * py + t->edge_c[2];
        float yc = (float)y + 0.5f;
        size_t row = (size_t)y * surface->width;
        for (int32_t x = x0; x < x1; x++, e0 += step[0], e1 += step[1], e2 += step[2]) {
            if ((e0 | e1 | e2) < 0)
                continue;
            float xc = (float)x + 0.5f;
            if (depth_check) {
                /* Window depth is clamped to the depth range; as in OpenGL, with the
                 * test off the depth buffer is not written either. */
                float z = t->depth.c + t->depth.dx * xc + t->depth.dy * yc;
                z = z < 0.0f ? 0.0f : (z > 1.0f ? 1.0f : z);
                float *stored = &surface->depth[row + (size_t)x];
                if (!depth_passes(depth_function, z, *stored))
                    continue;
                if (depth_write)
                    *stored = z;
            }
            if (surface->is_float)
                kiln__soft_shadef(t, s, xc, yc, surface->colourf + (row + (size_t)x) * 4);
            else
                kiln__soft_shade8(t, s, xc, yc, surface->colour8 + (row + (size_t)x) * 4);
        }
    }
}
