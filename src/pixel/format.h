/* The pixel format table, shared by the format queries and the converters. */
#ifndef KILN_PIXEL_FORMAT_H
#define KILN_PIXEL_FORMAT_H

#include "core/internal.h"

/* Channels a format may hold, as indices into kiln__pixel_format_desc.offset. */
enum {
    KILN__CH_R = 0,
    KILN__CH_G = 1,
    KILN__CH_B = 2,
    KILN__CH_A = 3,
    KILN__CH_L = 4, /* luminance: reads as R = G = B, written from R */
    KILN__CH_X = 5, /* unused padding: written as the maximum (opaque) */
    KILN__CH_COUNT = 6
};

typedef struct kiln__pixel_format_desc {
    const char *name;
    kiln_pixel_format format;
    uint8_t num_bytes;       /* bytes per pixel */
    uint8_t component_count; /* components in memory, X included */
    kiln_pixel_component_type component_type;
    uint32_t flags; /* kiln_pixel_format_flags */
    /* Byte position of each channel within the pixel in memory, -1 when the format
     * has no such channel. */
    int8_t offset[KILN__CH_COUNT];
} kiln__pixel_format_desc;

/* The description of a format, or NULL for an invalid one. */
const kiln__pixel_format_desc *kiln__pixel_format_describe(kiln_pixel_format format);

/* Every valid format once (aliases share their format's entry), for tests and
 * exhaustive loops; *out_count receives the number of entries. */
const kiln__pixel_format_desc *kiln__pixel_format_table(size_t *out_count);

/* Bytes of one component of the given type. */
static inline uint32_t kiln__component_size(kiln_pixel_component_type type) {
    return type == KILN_PCT_BYTE ? 1u : type == KILN_PCT_FLOAT32 ? 4u : 2u;
}

#endif
