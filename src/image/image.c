/* The Image object: pixels held in a reference-counted stream, with flips, resizing
 * and format conversion. Codecs live in png.c. */
#include "core/internal.h"
#include "pixel/convert.h"

#include <math.h>
#include <string.h>

struct kiln_image {
    kiln__refcount refs;
    uint32_t width;
    uint32_t height;
    uint32_t depth;
    kiln_pixel_format format;
    size_t size; /* bytes of pixel data, at the start of stream */
    kiln_stream *stream;
};

KILN_API kiln_result kiln_image_create(kiln_image **out) {
    KILN__REQUIRE_NOT_NULL(out);
    kiln_image *image = kiln__calloc(1, sizeof *image);
    if (image == NULL)
        return kiln__fail_oom("kiln_image_create: an image", sizeof *image);
    kiln__ref_init(&image->refs);
    image->format = KILN_PF_UNKNOWN;
    *out = image;
    return KILN_OK;
}

KILN_API void kiln_image_retain(kiln_image *self) {
    if (self != NULL)
        kiln__ref_inc(&self->refs);
}

KILN_API void kiln_image_release(kiln_image *self) {
    if (self == NULL || !kiln__ref_dec(&self->refs))
        return;
    kiln_stream_release(self->stream);
    kiln__free(self);
}

/* Makes the image describe width x height pixels at the start of stream, taking over
 * the caller's reference to stream and dropping the one to the old memory. */
static void image_adopt(kiln_image *self, kiln_stream *stream, uint32_t width, uint32_t height,
                        kiln_pixel_format format, size_t size) {
    kiln_stream *old = self->stream;
    self->stream = stream;
    self->width = width;
    self->height = height;
    self->depth = 1;
    self->format = format;
    self->size = size;
    kiln_stream_release(old);
}

static kiln_result require_pixels(const kiln_image *self, const char *function) {
    if (self->stream == NULL)
        return kiln__fail(KILN_ERROR_INVALID_STATE,
                          "%s: the image is empty (0x0); load pixels into it first", function);
    return KILN_OK;
}

static unsigned char *image_pixels(const kiln_image *self) {
    return kiln_stream_get_pointer(self->stream);
}

KILN_API kiln_result kiln_image_load_dynamic_image(kiln_image *self, kiln_stream *stream,
                                                   uint32_t width, uint32_t height,
                                                   kiln_pixel_format format) {
    KILN__REQUIRE_NOT_NULL(self);
    KILN__REQUIRE_NOT_NULL(stream);
    KILN__REQUIRE(kiln_pixel_format_is_valid(format) && format != KILN_PF_UNKNOWN,
                  "kiln_image_load_dynamic_image: %d is not a valid pixel format", (int)format);
    KILN__REQUIRE(width > 0 && height > 0,
                  "kiln_image_load_dynamic_image: an image needs a positive size, got %ux%u",
                  (unsigned)width, (unsigned)height);
    size_t needed;
    if (kiln_pixel_format_get_memory_size(width, height, 1, format, &needed) != KILN_OK)
        return kiln__fail(KILN_ERROR_INVALID_ARGUMENT,
                          "kiln_image_load_dynamic_image: a %ux%u %s image is too large to "
                          "address",
                          (unsigned)width, (unsigned)height, kiln_pixel_format_get_name(format));
    size_t available = kiln_stream_get_size(stream);
    if (available < needed)
        return kiln__fail(KILN_ERROR_INVALID_ARGUMENT,
                          "kiln_image_load_dynamic_image: stream holds %zu bytes but a %ux%u %s "
                          "image needs %zu",
                          available, (unsigned)width, (unsigned)height,
                          kiln_pixel_format_get_name(format), needed);
    /* Retain before adopting: the stream may be the one the image already holds. */
    kiln_stream_retain(stream);
    image_adopt(self, stream, width, height, format, needed);
    return KILN_OK;
}

/* ------------------------------------------------------------------------------------------ */
/* Flips */

/* Swaps n bytes between a and b through a small buffer, so that in-place flips of any
 * row length need no allocation. */
static void swap_bytes(unsigned char *a, unsigned char *b, size_t n) {
    unsigned char chunk[256];
    while (n > 0) {
        size_t step = n < sizeof chunk ? n : sizeof chunk;
        memcpy(chunk, a, step);
        memcpy(a, b, step);
        memcpy(b, chunk, step);
        a += step;
        b += step;
        n -= step;
    }
}

/* The memory a flip writes into: the image's own when it may be written, otherwise a
 * new stream (stored in *out_fresh), because read-only memory belongs to someone who
 * asked Kiln never to write it. */
static kiln_result flip_target(kiln_image *self, const char *function, kiln_stream **out_fresh) {
    *out_fresh = NULL;
    if (!kiln_stream_get_read_only(self->stream))
        return KILN_OK;
    if (kiln_stream_create_memory(self->size, out_fresh) != KILN_OK)
        return kiln__fail(KILN_ERROR_OUT_OF_MEMORY,
                          "%s: out of memory allocating %zu bytes for the flipped pixels", function,
                          self->size);
    return KILN_OK;
}

KILN_API kiln_result kiln_image_flip_around_x(kiln_image *self) {
    KILN__REQUIRE_NOT_NULL(self);
    KILN__CHECK(require_pixels(self, __func__));
    kiln_stream *fresh;
    KILN__CHECK(flip_target(self, __func__, &fresh));

    size_t row_bytes = self->size / self->height;
    unsigned char *src = image_pixels(self);
    uint32_t h = self->height;
    if (fresh == NULL) {
        for (uint32_t y = 0; y < h / 2; ++y)
            swap_bytes(src + (size_t)y * row_bytes, src + (size_t)(h - 1 - y) * row_bytes,
                       row_bytes);
        return KILN_OK;
    }
    unsigned char *dst = kiln_stream_get_pointer(fresh);
    for (uint32_t y = 0; y < h; ++y)
        memcpy(dst + (size_t)y * row_bytes, src + (size_t)(h - 1 - y) * row_bytes, row_bytes);
    image_adopt(self, fresh, self->width, self->height, self->format, self->size);
    return KILN_OK;
}

KILN_API kiln_result kiln_image_flip_around_y(kiln_image *self) {
    KILN__REQUIRE_NOT_NULL(self);
    KILN__CHECK(require_pixels(self, __func__));
    kiln_stream *fresh;
    KILN__CHECK(flip_target(self, __func__, &fresh));

    size_t bpp = kiln_pixel_format_get_num_elem_bytes(self->format);
    size_t row_bytes = self->size / self->height;
    uint32_t w = self->width;
    unsigned char *src = image_pixels(self);
    if (fresh == NULL) {
        for (uint32_t y = 0; y < self->height; ++y) {
            unsigned char *row = src + (size_t)y * row_bytes;
            for (uint32_t x = 0; x < w / 2; ++x)
                swap_bytes(row + x * bpp, row + (size_t)(w - 1 - x) * bpp, bpp);
        }
        return KILN_OK;
    }
    unsigned char *dst = kiln_stream_get_pointer(fresh);
    for (uint32_t y = 0; y < self->height; ++y) {
        const unsigned char *in = src + (size_t)y * row_bytes;
        unsigned char *row = dst + (size_t)y * row_bytes;
        for (uint32_t x = 0; x < w; ++x)
            memcpy(row + (size_t)x * bpp, in + (size_t)(w - 1 - x) * bpp, bpp);
    }
    image_adopt(self, fresh, self->width, self->height, self->format, self->size);
    return KILN_OK;
}

/* ------------------------------------------------------------------------------------------ */
/* Resize */

/* Where destination column (or row) i samples the source: the two neighbours and the
 * weight of the second. Bilinear sampling maps pixel centres onto pixel centres and
 * clamps to the edge; nearest picks the source pixel whose span holds the centre. */
typedef struct sample_tap {
    uint32_t i0;
    uint32_t i1;
    float weight;
} sample_tap;

static sample_tap *make_taps(uint32_t src, uint32_t dst, kiln_image_filter filter) {
    sample_tap *taps = kiln__malloc_array(dst, sizeof *taps);
    if (taps == NULL)
        return NULL;
    /* Multiplying before dividing keeps exact cases (such as halves) exact. */
    for (uint32_t i = 0; i < dst; ++i) {
        if (filter == KILN_IMAGE_FILTER_NEAREST) {
            double s = floor(((double)i + 0.5) * src / dst);
            uint32_t n = s >= (double)src ? src - 1 : (uint32_t)s;
            taps[i] = (sample_tap){n, n, 0.0f};
            continue;
        }
        double s = ((double)i + 0.5) * src / dst - 0.5;
        double base = floor(s);
        double frac = s - base;
        int64_t i0 = (int64_t)base;
        int64_t i1 = i0 + 1;
        int64_t last = (int64_t)src - 1;
        i0 = i0 < 0 ? 0 : (i0 > last ? last : i0);
        i1 = i1 < 0 ? 0 : (i1 > last ? last : i1);
        taps[i] = (sample_tap){(uint32_t)i0, (uint32_t)i1, (float)frac};
    }
    return taps;
}

typedef struct resize_job {
    const unsigned char *src;
    unsigned char *dst;
    uint32_t src_width;
    uint32_t dst_width;
    uint32_t dst_height;
    size_t bpp;
    const sample_tap *xs;
    const sample_tap *ys;
} resize_job;

/* Nearest neighbour copies whole pixels, which is exact for every format. */
static void resize_nearest(const resize_job *job) {
    size_t src_row = (size_t)job->src_width * job->bpp;
    size_t dst_row = (size_t)job->dst_width * job->bpp;
    for (uint32_t y = 0; y < job->dst_height; ++y) {
        const unsigned char *in = job->src + (size_t)job->ys[y].i0 * src_row;
        unsigned char *out = job->dst + (size_t)y * dst_row;
        for (uint32_t x = 0; x < job->dst_width; ++x)
            memcpy(out + (size_t)x * job->bpp, in + (size_t)job->xs[x].i0 * job->bpp, job->bpp);
    }
}

/* Bilinear on formats whose components are all bytes: each byte is a normalised
 * component, so it can be filtered on its own without a round trip through float. */
static void resize_bilinear_bytes(const resize_job *job) {
    size_t bpp = job->bpp;
    size_t src_row = (size_t)job->src_width * bpp;
    size_t dst_row = (size_t)job->dst_width * bpp;
    for (uint32_t y = 0; y < job->dst_height; ++y) {
        const sample_tap ty = job->ys[y];
        const unsigned char *r0 = job->src + (size_t)ty.i0 * src_row;
        const unsigned char *r1 = job->src + (size_t)ty.i1 * src_row;
        unsigned char *out = job->dst + (size_t)y * dst_row;
        for (uint32_t x = 0; x < job->dst_width; ++x) {
            const sample_tap tx = job->xs[x];
            const unsigned char *a = r0 + tx.i0 * bpp, *b = r0 + tx.i1 * bpp;
            const unsigned char *c = r1 + tx.i0 * bpp, *d = r1 + tx.i1 * bpp;
            for (size_t k = 0; k < bpp; ++k) {
                float top = (float)a[k] + ((float)b[k] - (float)a[k]) * tx.weight;
                float bottom = (float)c[k] + ((float)d[k] - (float)c[k]) * tx.weight;
                float v = top + (bottom - top) * ty.weight;
                out[x * bpp + k] = (unsigned char)(v + 0.5f);
            }
        }
    }
}

/* Bilinear for any format: two source rows at a time go to float RGBA, are filtered
 * there and converted back into the destination format. */
static kiln_result resize_bilinear_float(const resize_job *job, kiln_pixel_format format) {
    kiln__row_converter to_float, from_float;
    if (!kiln__row_converter_init(&to_float, format, KILN_PF_FLOAT32_RGBA) ||
        !kiln__row_converter_init(&from_float, KILN_PF_FLOAT32_RGBA, format))
        return kiln__fail(KILN_ERROR_INVALID_STATE, "kiln_image_resize: invalid pixel format %d",
                          (int)format);
    /* Rows 0 and 1 hold the two source rows last decoded, row 2 the filtered output. */
    size_t src_floats = (size_t)job->src_width * 4, dst_floats = (size_t)job->dst_width * 4;
    float *scratch = kiln__malloc_array(2 * src_floats + dst_floats, sizeof(float));
    if (scratch == NULL)
        return kiln__fail_oom("kiln_image_resize: float RGBA rows",
                              (2 * src_floats + dst_floats) * sizeof(float));
    float *r0 = scratch, *r1 = scratch + src_floats, *out = scratch + 2 * src_floats;
    int64_t decoded0 = -1, decoded1 = -1;
    size_t src_row = (size_t)job->src_width * job->bpp;
    size_t dst_row = (size_t)job->dst_width * job->bpp;
    for (uint32_t y = 0; y < job->dst_height; ++y) {
        const sample_tap ty = job->ys[y];
        /* Consecutive output rows mostly share source rows; decode each only once. */
        if (decoded0 != ty.i0) {
            if (decoded1 == ty.i0) {
                float *t = r0;
                r0 = r1;
                r1 = t;
                decoded1 = decoded0;
            } else {
                kiln__row_convert(&to_float, job->src + (size_t)ty.i0 * src_row, r0,
                                  job->src_width);
            }
            decoded0 = ty.i0;
        }
        if (decoded1 != ty.i1) {
            kiln__row_convert(&to_float, job->src + (size_t)ty.i1 * src_row, r1, job->src_width);
            decoded1 = ty.i1;
        }
        for (uint32_t x = 0; x < job->dst_width; ++x) {
            const sample_tap tx = job->xs[x];
            const float *a = r0 + (size_t)tx.i0 * 4, *b = r0 + (size_t)tx.i1 * 4;
            const float *c = r1 + (size_t)tx.i0 * 4, *d = r1 + (size_t)tx.i1 * 4;
            for (size_t k = 0; k < 4; ++k) {
                float top = a[k] + (b[k] - a[k]) * tx.weight;
                float bottom = c[k] + (d[k] - c[k]) * tx.weight;
                out[(size_t)x * 4 + k] = top + (bottom - top) * ty.weight;
            }
        }
        kiln__row_convert(&from_float, out, job->dst + (size_t)y * dst_row, job->dst_width);
    }
    kiln__free(scratch);
    return KILN_OK;
}

KILN_API kiln_result kiln_image_resize(kiln_image *self, uint32_t width, uint32_t height,
                                       kiln_image_filter filter) {
    KILN__REQUIRE_NOT_NULL(self);
    KILN__CHECK(require_pixels(self, __func__));
    KILN__REQUIRE(width > 0 && height > 0,
                  "kiln_image_resize: the new size must be positive, got %ux%u", (unsigned)width,
                  (unsigned)height);
    KILN__REQUIRE(filter == KILN_IMAGE_FILTER_BILINEAR || filter == KILN_IMAGE_FILTER_NEAREST,
                  "kiln_image_resize: %d is not a kiln_image_filter", (int)filter);
    size_t size;
    if (kiln_pixel_format_get_memory_size(width, height, 1, self->format, &size) != KILN_OK)
        return kiln__fail(KILN_ERROR_INVALID_ARGUMENT,
                          "kiln_image_resize: a %ux%u %s image is too large to address",
                          (unsigned)width, (unsigned)height,
                          kiln_pixel_format_get_name(self->format));

    kiln_stream *fresh = NULL;
    sample_tap *xs = make_taps(self->width, width, filter);
    sample_tap *ys = make_taps(self->height, height, filter);
    kiln_result r = KILN_OK;
    if (xs == NULL || ys == NULL)
        r = kiln__fail_oom("kiln_image_resize: sampling tables",
                           ((size_t)width + height) * sizeof(sample_tap));
    else if (kiln_stream_create_memory(size, &fresh) != KILN_OK)
        r = kiln__fail_oom("kiln_image_resize: the resized pixels", size);
    if (r == KILN_OK) {
        resize_job job = {
            .src = image_pixels(self),
            .dst = kiln_stream_get_pointer(fresh),
            .src_width = self->width,
            .dst_width = width,
            .dst_height = height,
            .bpp = kiln_pixel_format_get_num_elem_bytes(self->format),
            .xs = xs,
            .ys = ys,
        };
        if (filter == KILN_IMAGE_FILTER_NEAREST)
            resize_nearest(&job);
        else if (kiln_pixel_format_get_component_type(self->format) == KILN_PCT_BYTE)
            resize_bilinear_bytes(&job);
        else
            r = resize_bilinear_float(&job, self->format);
    }
    kiln__free(xs);
    kiln__free(ys);
    if (r != KILN_OK) {
        kiln_stream_release(fresh);
        return r;
    }
    image_adopt(self, fresh, width, height, self->format, size);
    return KILN_OK;
}

/* ------------------------------------------------------------------------------------------ */
/* Conversion */

KILN_API kiln_result kiln_image_convert(kiln_image *self, kiln_pixel_format format) {
    KILN__REQUIRE_NOT_NULL(self);
    KILN__REQUIRE(kiln_pixel_format_is_valid(format) && format != KILN_PF_UNKNOWN,
                  "kiln_image_convert: %d is not a valid pixel format", (int)format);
    KILN__CHECK(require_pixels(self, __func__));
    size_t size;
    if (kiln_pixel_format_get_memory_size(self->width, self->height, 1, format, &size) != KILN_OK)
        return kiln__fail(KILN_ERROR_INVALID_ARGUMENT,
                          "kiln_image_convert: a %ux%u %s image is too large to address",
                          (unsigned)self->width, (unsigned)self->height,
                          kiln_pixel_format_get_name(format));
    kiln_stream *fresh;
    if (kiln_stream_create_memory(size, &fresh) != KILN_OK)
        return kiln__fail_oom("kiln_image_convert: the converted pixels", size);
    kiln_result r =
        kiln_pixel_convert_pixels(image_pixels(self), self->format, kiln_stream_get_pointer(fresh),
                                  format, (size_t)self->width * self->height);
    if (r != KILN_OK) {
        kiln_stream_release(fresh);
        return r;
    }
    image_adopt(self, fresh, self->width, self->height, format, size);
    return KILN_OK;
}

/* ------------------------------------------------------------------------------------------ */
/* Properties */

KILN_API uint32_t kiln_image_get_width(const kiln_image *self) { return self->width; }
KILN_API uint32_t kiln_image_get_height(const kiln_image *self) { return self->height; }
KILN_API uint32_t kiln_image_get_depth(const kiln_image *self) { return self->depth; }
KILN_API kiln_pixel_format kiln_image_get_format(const kiln_image *self) { return self->format; }
KILN_API size_t kiln_image_get_size(const kiln_image *self) { return self->size; }
KILN_API kiln_stream *kiln_image_get_stream(const kiln_image *self) { return self->stream; }

KILN_API kiln_result kiln_image_get_pixel_box(const kiln_image *self, kiln_pixelbox **out) {
    KILN__REQUIRE_NOT_NULL(self);
    KILN__REQUIRE_NOT_NULL(out);
    KILN__CHECK(require_pixels(self, __func__));
    return kiln_pixelbox_create(self->width, self->height, self->depth, self->format, self->stream,
                                out);
}
