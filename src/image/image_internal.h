/* The image codecs, for image.c's and png.c's loaders. */
#ifndef KILN_IMAGE_INTERNAL_H
#define KILN_IMAGE_INTERNAL_H

#include "core/internal.h"

/* jpeg.c: whether bytes start as a JPEG does (SOI and a marker). */
bool kiln__is_jpeg(const unsigned char *bytes, size_t size);

/* jpeg.c: decodes the JPEG at the source's position into self (PF_L8 or PF_BYTE_RGB)
 * and moves the position past it; `function` and `origin` name the call and the data
 * in messages. On failure the position is left where it was. */
kiln_result kiln__jpeg_decode(kiln_image *self, kiln_stream *source, const char *function,
                              const char *origin);

#endif
