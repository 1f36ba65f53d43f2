/* Image: pixels in CPU memory, with codecs (PNG, JPEG) and simple operations.
 *
 * An image is reference counted and keeps its pixels in a kiln_stream it holds a
 * reference to. An image may be used by one thread at a time. */
#ifndef KILN_IMAGE_H
#define KILN_IMAGE_H

#include "core.h"
#include "pixel.h"
#include "stream.h"

typedef struct kiln_image kiln_image;

typedef enum kiln_image_filter {
    KILN_IMAGE_FILTER_BILINEAR = 0, /* the default */
    KILN_IMAGE_FILTER_NEAREST = 1
} kiln_image_filter;

/* An empty image (0 x 0, PF_UNKNOWN). The caller owns the reference in *out. */
KILN_API kiln_result kiln_image_create(kiln_image **out);

/* Adds a reference, or drops one; the last release frees the image and its reference
 * to the pixel stream. Both accept NULL and are thread-safe. */
KILN_API void kiln_image_retain(kiln_image *self);
KILN_API void kiln_image_release(kiln_image *self);

/* Makes the image use the memory of stream (no copy; the image holds a reference)
 * as width x height pixels of format, tightly packed from the stream's start.
 * Fails if the stream is smaller than the image needs, naming both sizes. */
KILN_API kiln_result kiln_image_load_dynamic_image(kiln_image *self, kiln_stream *stream,
                                                   uint32_t width, uint32_t height,
                                                   kiln_pixel_format format);

/* Decodes an encoded image (PNG or JPEG, told apart by their first bytes) from a file
 * or from a stream's remaining bytes. PNG decodes to PF_L8, PF_L16, PF_BYTE_LA,
 * PF_BYTE_RGB, PF_BYTE_RGBA or PF_SHORT_RGBA (16-bit colour; 16-bit grey with alpha
 * becomes PF_SHORT_RGBA); JPEG to PF_L8 or PF_BYTE_RGB (CMYK JPEGs are
 * KILN_ERROR_UNSUPPORTED). A file that declares more pixels than its bytes can hold is
 * KILN_ERROR_INVALID_ARGUMENT. */
KILN_API kiln_result kiln_image_load(kiln_image *self, const char *path);
KILN_API kiln_result kiln_image_load_stream(kiln_image *self, kiln_stream *stream);

/* Encodes the image as PNG to a file or into a new stream (caller owns *out).
 * 8-bit grey, grey+alpha, RGB and RGBA formats are written as 8-bit PNG; L16,
 * SHORT_RGBA as 16-bit; other formats are converted to 8-bit RGB(A) first. */
KILN_API kiln_result kiln_image_save(const kiln_image *self, const char *path);
KILN_API kiln_result kiln_image_encode(const kiln_image *self, kiln_stream **out);

/* Mirrors the rows (top becomes bottom) or the columns (left becomes right). */
KILN_API kiln_result kiln_image_flip_around_x(kiln_image *self);
KILN_API kiln_result kiln_image_flip_around_y(kiln_image *self);

/* Rescales to width x height into new memory.
 * Default: filter = KILN_IMAGE_FILTER_BILINEAR */
KILN_API kiln_result kiln_image_resize(kiln_image *self, uint32_t width, uint32_t height,
                                       kiln_image_filter filter);

/* Converts the pixels to format into new memory. */
KILN_API kiln_result kiln_image_convert(kiln_image *self, kiln_pixel_format format);

/* The size in pixels: 0 x 0 x 0 for an empty image; the depth is 1 once the image
 * has pixels. */
KILN_API uint32_t kiln_image_get_width(const kiln_image *self);
KILN_API uint32_t kiln_image_get_height(const kiln_image *self);
KILN_API uint32_t kiln_image_get_depth(const kiln_image *self);

/* The format of the pixels; KILN_PF_UNKNOWN for an empty image. */
KILN_API kiln_pixel_format kiln_image_get_format(const kiln_image *self);

/* Bytes of pixel data. */
KILN_API size_t kiln_image_get_size(const kiln_image *self);

/* A PixelBox over the image's pixels (shared memory). Fails on an empty image.
 * The caller owns the reference in *out. */
KILN_API kiln_result kiln_image_get_pixel_box(const kiln_image *self, kiln_pixelbox **out);

/* The stream holding the pixels, borrowed; NULL for an empty image. */
KILN_API kiln_stream *kiln_image_get_stream(const kiln_image *self);

#endif
