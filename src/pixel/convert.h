/* Row conversion between pixel formats, for code that converts pixels without a
 * PixelBox (the rasterizer's resolve, image codecs).
 *
 * A converter is prepared once for a pair of formats and then converts any number
 * of rows. Every pair goes through a float RGBA intermediate whose meaning is the
 * specification; byte-to-byte pairs and identical formats take exact shortcuts
 * that give the same bytes. */
#ifndef KILN_PIXEL_CONVERT_H
#define KILN_PIXEL_CONVERT_H

#include "pixel/format.h"

typedef struct kiln__row_converter kiln__row_converter;

typedef void (*kiln__convert_row_fn)(const kiln__row_converter *self, const void *src, void *dst,
                                     size_t count);

struct kiln__row_converter {
    kiln__convert_row_fn run;
    const kiln__pixel_format_desc *src;
    const kiln__pixel_format_desc *dst;
    /* Decoding: byte position of R, G, B, A in a source pixel (luminance fills R, G
     * and B), or -1 to use default_value. */
    int8_t src_offset[4];
    float default_value[4];
    /* Encoding: byte position in a destination pixel and the intermediate channel
     * (0..3) written there, or -1 for the maximum value (an X channel). */
    uint8_t dst_count;
    int8_t dst_offset[4];
    int8_t dst_channel[4];
    /* Byte swizzles: where each destination byte comes from, an index into the
     * source pixel's bytes followed by the constants 0 and 255. */
    uint8_t byte_map[4];
    /* The four-to-three byte swizzle of kiln__swizzle_4_3_ssse3: the byte shuffle that
     * turns four source pixels into twelve destination bytes (zero after them). */
    int8_t shuffle_4_3[16];
};

/* Prepares conv for converting src_format to dst_format. Returns false, recording
 * nothing, when either format is invalid. */
bool kiln__row_converter_init(kiln__row_converter *conv, kiln_pixel_format src_format,
                              kiln_pixel_format dst_format);

/* The same converter without shortcuts: always through the float intermediate.
 * It is the reference the shortcuts are tested against. */
bool kiln__row_converter_init_generic(kiln__row_converter *conv, kiln_pixel_format src_format,
                                      kiln_pixel_format dst_format);

/* Converts count pixels. src and dst must not overlap, except that they may start
 * at the same address when a destination pixel is no larger than a source pixel
 * (converting in place). */
static inline void kiln__row_convert(const kiln__row_converter *conv, const void *src, void *dst,
                                     size_t count) {
    conv->run(conv, src, dst, count);
}

/* convert_ssse3.c: the four-to-three-byte swizzle of conv's byte map (every byte taken
 * from the source pixel) with SSSE3, on processors that have it. */
void kiln__swizzle_4_3_ssse3(const kiln__row_converter *conv, const void *src, void *dst,
                             size_t count);

/* IEEE 754 binary16 <-> binary32. float to half rounds to nearest even, overflows
 * to infinity, produces subnormals, and keeps NaNs NaN (with their top payload
 * bits); half to float is exact. */
uint16_t kiln__float_to_half(float value);
float kiln__half_to_float(uint16_t half);

#endif
