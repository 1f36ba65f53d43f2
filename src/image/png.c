/* PNG decoding and encoding through libpng's classic API.
 *
 * libpng reports errors by longjmp. Each codec keeps everything it allocates in a
 * context struct owned by a caller frame; only a small function that calls libpng
 * (and nothing else that allocates) sets the jump target. After a failure the
 * caller frees whatever the context holds, so a longjmp never skips a free. */
#include "image_internal.h"
#include "pixel/convert.h"

#include <png.h>

#include <errno.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>

/* Deflate cannot compress better than 1032:1, so a PNG whose declared pixels need
 * more than this many times its remaining bytes is truncated or lying about its size;
 * refusing it early keeps a forged header from making us allocate gigabytes. */
#define PNG_MAX_DEFLATE_RATIO 1032u
#define PNG_RATIO_SLACK 4096u

typedef struct png_codec {
    png_structp png;
    png_infop info;
    char reason[256];    /* libpng's message when it failed */
    kiln_result failure; /* non-zero when a Kiln call failed inside the codec */
} png_codec;

static void png_on_error(png_structp png, png_const_charp message) {
    png_codec *codec = png_get_error_ptr(png);
    snprintf(codec->reason, sizeof codec->reason, "%s", message ? message : "unknown error");
    png_longjmp(png, 1);
}

/* Warnings (unknown chunks, bad ancillary CRCs, odd profiles) do not stop decoding. */
static void png_on_warning(png_structp png, png_const_charp message) {
    (void)png;
    (void)message;
}

/* libpng's own memory (its mem_ptr is the codec): when it runs out, the codec fails
 * with KILN_ERROR_OUT_OF_MEMORY, not with libpng's message as a decoding error. */
static png_voidp png_on_malloc(png_structp png, png_alloc_size_t size) {
    png_voidp ptr = kiln__malloc(size);
    png_codec *codec = png_get_mem_ptr(png);
    if (!ptr && codec && codec->failure == KILN_OK)
        codec->failure = kiln__fail_oom("libpng's working memory", size);
    return ptr;
}

static void png_on_free(png_structp png, png_voidp ptr) {
    (void)png;
    kiln__free(ptr);
}

/* ------------------------------------------------------------------------------------------ */
/* Decoding */

typedef struct png_reader {
    png_codec codec;
    kiln_stream *source;
    size_t available; /* bytes from the source's position to its end */
    png_bytep *rows;
    kiln_stream *pixels;
    uint32_t width;
    uint32_t height;
    kiln_pixel_format format;
} png_reader;

static void png_read_from_stream(png_structp png, png_bytep data, size_t length) {
    png_reader *reader = png_get_io_ptr(png);
    size_t got = 0;
    if (kiln_stream_read(reader->source, data, length, &got) != KILN_OK || got != length)
        png_error(png, "unexpected end of data: the PNG is truncated");
}

static kiln_pixel_format png_decoded_format(int color_type, int bit_depth) {
    if (bit_depth == 8) {
        switch (color_type) {
        case PNG_COLOR_TYPE_GRAY:
            return KILN_PF_L8;
        case PNG_COLOR_TYPE_GRAY_ALPHA:
            return KILN_PF_BYTE_LA;
        case PNG_COLOR_TYPE_RGB:
            return KILN_PF_BYTE_RGB;
        case PNG_COLOR_TYPE_RGB_ALPHA:
            return KILN_PF_BYTE_RGBA;
        default:
            return KILN_PF_UNKNOWN;
        }
    }
    if (bit_depth == 16 && color_type == PNG_COLOR_TYPE_GRAY)
        return KILN_PF_L16;
    if (bit_depth == 16 && color_type == PNG_COLOR_TYPE_RGB_ALPHA)
        return KILN_PF_SHORT_RGBA;
    return KILN_PF_UNKNOWN;
}

/* Asks libpng for the transforms that turn any PNG into one of the formats above:
 * palettes and low bit depths expand to 8 bits, transparency chunks to alpha, 16-bit
 * samples to native order, and 16-bit images other than plain grey to RGBA. */
static void png_request_transforms(png_structp png, png_infop info) {
    int color_type = png_get_color_type(png, info);
    int bit_depth = png_get_bit_depth(png, info);
    bool has_trns = png_get_valid(png, info, PNG_INFO_tRNS) != 0;

    if (color_type == PNG_COLOR_TYPE_PALETTE)
        png_set_palette_to_rgb(png);
    if (color_type == PNG_COLOR_TYPE_GRAY && bit_depth < 8)
        png_set_expand_gray_1_2_4_to_8(png);
    if (has_trns)
        png_set_tRNS_to_alpha(png);
    if (bit_depth == 16) {
        png_set_swap(png);
        bool grey = (color_type & PNG_COLOR_MASK_COLOR) == 0;
        bool alpha = (color_type & PNG_COLOR_MASK_ALPHA) != 0 || has_trns;
        if (grey && alpha)
            png_set_gray_to_rgb(png);
        else if (!grey && !alpha)
            png_set_add_alpha(png, 0xFFFF, PNG_FILLER_AFTER);
    }
    png_set_interlace_handling(png);
}

/* Everything that may longjmp. Returns false on failure: reader->codec.failure holds a
 * Kiln error if one caused it, otherwise codec.reason holds libpng's message. */
static bool png_decode_run(png_reader *reader) {
    png_structp png = reader->codec.png;
    png_infop info = reader->codec.info;
    if (setjmp(png_jmpbuf(png)))
        return false;

    /* Only the chunks the pixels need are read (IHDR, PLTE, tRNS, IDAT, IEND); the others
     * are skipped unread. libpng allocates the length an ancillary chunk declares before
     * reading it, and a length past its limit is only a warning for such a chunk, so a
     * few forged bytes would otherwise have it allocate up to 2 GB. */
    png_set_keep_unknown_chunks(png, PNG_HANDLE_CHUNK_NEVER, NULL, -1);
    png_read_info(png, info);
    uint32_t width = png_get_image_width(png, info);
    uint32_t height = png_get_image_height(png, info);
    uint64_t file_rows = (uint64_t)height * ((uint64_t)png_get_rowbytes(png, info) + 1);
    uint64_t bound = (uint64_t)reader->available * PNG_MAX_DEFLATE_RATIO + PNG_RATIO_SLACK;
    if (file_rows > bound) {
        char message[160];
        snprintf(message, sizeof message,
                 "the PNG declares %ux%u pixels but holds only %zu bytes, so it is truncated "
                 "or corrupt",
                 (unsigned)width, (unsigned)height, reader->available);
        png_error(png, message);
    }

    png_request_transforms(png, info);
    png_read_update_info(png, info);
    kiln_pixel_format format =
        png_decoded_format(png_get_color_type(png, info), png_get_bit_depth(png, info));
    if (format == KILN_PF_UNKNOWN)
        png_error(png, "this combination of colour type and bit depth is not supported");

    size_t row_bytes = (size_t)width * kiln_pixel_format_get_num_elem_bytes(format);
    if (png_get_rowbytes(png, info) != row_bytes)
        png_error(png, "libpng produced rows of an unexpected length");
    size_t size;
    if (kiln_pixel_format_get_memory_size(width, height, 1, format, &size) != KILN_OK)
        png_error(png, "the image is too large to address");
    if (kiln_stream_create_memory(size, &reader->pixels) != KILN_OK) {
        reader->codec.failure = kiln__fail_oom("the decoded PNG pixels", size);
        return false;
    }
    reader->rows = kiln__malloc_array(height, sizeof *reader->rows);
    if (reader->rows == NULL) {
        reader->codec.failure = kiln__fail_oom("PNG row pointers", height * sizeof(png_bytep));
        return false;
    }
    unsigned char *pixels = kiln_stream_get_pointer(reader->pixels);
    for (uint32_t y = 0; y < height; ++y)
        reader->rows[y] = pixels + (size_t)y * row_bytes;

    png_read_image(png, reader->rows);
    png_read_end(png, NULL);
    reader->width = width;
    reader->height = height;
    reader->format = format;
    return true;
}

/* Decodes the PNG at the source's position into self. `function` and `origin` name
 * the call and the data in messages. On failure the source's position is restored. */
static kiln_result png_decode(kiln_image *self, kiln_stream *source, const char *function,
                              const char *origin) {
    png_reader reader;
    memset(&reader, 0, sizeof reader);
    size_t start = kiln_stream_tell(source);
    reader.source = source;
    reader.available = kiln_stream_get_size(source) - start;
    if (reader.available == 0)
        return kiln__fail(KILN_ERROR_INVALID_ARGUMENT, "%s: cannot decode PNG %s: no bytes left",
                          function, origin);

    reader.codec.png =
        png_create_read_struct_2(PNG_LIBPNG_VER_STRING, &reader.codec, png_on_error, png_on_warning,
                                 &reader.codec, png_on_malloc, png_on_free);
    if (reader.codec.png != NULL)
        reader.codec.info = png_create_info_struct(reader.codec.png);
    if (reader.codec.png == NULL || reader.codec.info == NULL) {
        png_destroy_read_struct(&reader.codec.png, NULL, NULL);
        return kiln__fail(KILN_ERROR_OUT_OF_MEMORY, "%s: out of memory creating a PNG decoder",
                          function);
    }
    png_set_read_fn(reader.codec.png, &reader, png_read_from_stream);

    bool ok = png_decode_run(&reader);
    png_destroy_read_struct(&reader.codec.png, &reader.codec.info, NULL);
    kiln__free(reader.rows);
    if (!ok) {
        kiln_stream_release(reader.pixels);
        kiln_stream_seek(source, (int64_t)start, KILN_SEEK_SET);
        if (reader.codec.failure != KILN_OK)
            return reader.codec.failure;
        return kiln__fail(KILN_ERROR_INVALID_ARGUMENT, "%s: cannot decode PNG %s: %s", function,
                          origin, reader.codec.reason);
    }
    kiln_result r = kiln_image_load_dynamic_image(self, reader.pixels, reader.width, reader.height,
                                                  reader.format);
    kiln_stream_release(reader.pixels);
    return r;
}

/* A PNG or a JPEG, told apart by their first bytes. */
static kiln_result decode(kiln_image *self, kiln_stream *source, const char *function,
                          const char *origin) {
    size_t start = kiln_stream_tell(source), size = kiln_stream_get_size(source);
    const unsigned char *bytes = kiln_stream_get_pointer(source);
    if (bytes && start < size && kiln__is_jpeg(bytes + start, size - start))
        return kiln__jpeg_decode(self, source, function, origin);
    return png_decode(self, source, function, origin);
}

KILN_API kiln_result kiln_image_load_stream(kiln_image *self, kiln_stream *stream) {
    KILN__REQUIRE_NOT_NULL(self);
    KILN__REQUIRE_NOT_NULL(stream);
    return decode(self, stream, __func__, "from the stream");
}

KILN_API kiln_result kiln_image_load(kiln_image *self, const char *path) {
    KILN__REQUIRE_NOT_NULL(self);
    KILN__REQUIRE_NOT_NULL(path);
    kiln_stream *file;
    KILN__CHECK(kiln_stream_open_file(path, &file));
    size_t length = strlen(path) + 3;
    char *origin = kiln__malloc(length);
    if (origin == NULL) {
        kiln_stream_release(file);
        return kiln__fail_oom("kiln_image_load: a path", length);
    }
    snprintf(origin, length, "'%s'", path);
    kiln_result r = decode(self, file, __func__, origin);
    kiln__free(origin);
    kiln_stream_release(file);
    return r;
}

/* ------------------------------------------------------------------------------------------ */
/* Encoding */

typedef struct png_writer {
    png_codec codec;
    unsigned char *data; /* the encoded bytes so far */
    size_t size;
    size_t capacity;
    unsigned char *row; /* one converted row, for formats PNG cannot hold as they are */
    kiln__row_converter converter;
} png_writer;

static void png_write_to_buffer(png_structp png, png_bytep data, size_t length) {
    png_writer *writer = png_get_io_ptr(png);
    if (length > SIZE_MAX - writer->size)
        png_error(png, "the encoded PNG is too large");
    kiln_result grown = kiln__grow(&writer->data, &writer->capacity, writer->size + length, 1, 4096,
                                   "the encoded PNG");
    if (grown != KILN_OK) {
        writer->codec.failure = grown;
        png_error(png, "out of memory");
    }
    memcpy(writer->data + writer->size, data, length);
    writer->size += length;
}

static void png_flush_buffer(png_structp png) { (void)png; }

/* How a Kiln format is stored: the PNG colour type and depth, and the Kiln format whose
 * memory layout matches the PNG row (after byte swapping for 16 bits). */
typedef struct png_layout {
    int color_type;
    int bit_depth;
    kiln_pixel_format row_format;
} png_layout;

static png_layout png_layout_for(kiln_pixel_format format) {
    switch (format) {
    case KILN_PF_L8:
        return (png_layout){PNG_COLOR_TYPE_GRAY, 8, KILN_PF_L8};
    case KILN_PF_L16:
        return (png_layout){PNG_COLOR_TYPE_GRAY, 16, KILN_PF_L16};
    case KILN_PF_BYTE_LA:
        return (png_layout){PNG_COLOR_TYPE_GRAY_ALPHA, 8, KILN_PF_BYTE_LA};
    case KILN_PF_BYTE_RGB:
        return (png_layout){PNG_COLOR_TYPE_RGB, 8, KILN_PF_BYTE_RGB};
    case KILN_PF_BYTE_RGBA:
        return (png_layout){PNG_COLOR_TYPE_RGB_ALPHA, 8, KILN_PF_BYTE_RGBA};
    case KILN_PF_SHORT_RGBA:
        return (png_layout){PNG_COLOR_TYPE_RGB_ALPHA, 16, KILN_PF_SHORT_RGBA};
    default:
        if (kiln_pixel_format_get_flags(format) & KILN_PFF_HASALPHA)
            return (png_layout){PNG_COLOR_TYPE_RGB_ALPHA, 8, KILN_PF_BYTE_RGBA};
        return (png_layout){PNG_COLOR_TYPE_RGB, 8, KILN_PF_BYTE_RGB};
    }
}

typedef struct png_source {
    const unsigned char *pixels;
    uint32_t width;
    uint32_t height;
    kiln_pixel_format format;
    png_layout layout;
} png_source;

/* Everything that may longjmp; see png_decode_run. */
static bool png_encode_run(png_writer *writer, const png_source *source) {
    png_structp png = writer->codec.png;
    png_infop info = writer->codec.info;
    if (setjmp(png_jmpbuf(png)))
        return false;

    /* The read-side limits guard against forged headers; an image we hold is real. */
    png_set_user_limits(png, PNG_UINT_31_MAX, PNG_UINT_31_MAX);
    png_set_IHDR(png, info, source->width, source->height, source->layout.bit_depth,
                 source->layout.color_type, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
                 PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    if (source->layout.bit_depth == 16)
        png_set_swap(png);

    size_t row_bytes = (size_t)source->width * kiln_pixel_format_get_num_elem_bytes(source->format);
    for (uint32_t y = 0; y < source->height; ++y) {
        const unsigned char *row = source->pixels + (size_t)y * row_bytes;
        if (writer->row != NULL) {
            kiln__row_convert(&writer->converter, row, writer->row, source->width);
            row = writer->row;
        }
        png_write_row(png, row);
    }
    png_write_end(png, NULL);
    return true;
}

/* Encodes the image into a buffer the caller frees with kiln__free. */
static kiln_result png_encode(const kiln_image *self, const char *function, unsigned char **data,
                              size_t *size) {
    if (kiln_image_get_stream(self) == NULL)
        return kiln__fail(KILN_ERROR_INVALID_STATE,
                          "%s: the image is empty (0x0); there is nothing to encode", function);
    png_source source = {
        .pixels = kiln_stream_get_pointer(kiln_image_get_stream(self)),
        .width = kiln_image_get_width(self),
        .height = kiln_image_get_height(self),
        .format = kiln_image_get_format(self),
    };
    source.layout = png_layout_for(source.format);
    if (source.width > PNG_UINT_31_MAX || source.height > PNG_UINT_31_MAX)
        return kiln__fail(KILN_ERROR_UNSUPPORTED, "%s: PNG cannot hold a %ux%u image", function,
                          (unsigned)source.width, (unsigned)source.height);

    png_writer writer;
    memset(&writer, 0, sizeof writer);
    if (source.layout.row_format != source.format) {
        size_t row_bytes =
            (size_t)source.width * kiln_pixel_format_get_num_elem_bytes(source.layout.row_format);
        if (!kiln__row_converter_init(&writer.converter, source.format, source.layout.row_format))
            return kiln__fail(KILN_ERROR_INVALID_STATE, "%s: the image has an invalid format %d",
                              function, (int)source.format);
        writer.row = kiln__malloc(row_bytes);
        if (writer.row == NULL)
            return kiln__fail_oom("a converted PNG row", row_bytes);
    }
    writer.codec.png =
        png_create_write_struct_2(PNG_LIBPNG_VER_STRING, &writer.codec, png_on_error,
                                  png_on_warning, &writer.codec, png_on_malloc, png_on_free);
    if (writer.codec.png != NULL)
        writer.codec.info = png_create_info_struct(writer.codec.png);
    if (writer.codec.png == NULL || writer.codec.info == NULL) {
        png_destroy_write_struct(&writer.codec.png, NULL);
        kiln__free(writer.row);
        return kiln__fail(KILN_ERROR_OUT_OF_MEMORY, "%s: out of memory creating a PNG encoder",
                          function);
    }
    png_set_write_fn(writer.codec.png, &writer, png_write_to_buffer, png_flush_buffer);

    bool ok = png_encode_run(&writer, &source);
    png_destroy_write_struct(&writer.codec.png, &writer.codec.info);
    kiln__free(writer.row);
    if (!ok) {
        kiln__free(writer.data);
        if (writer.codec.failure != KILN_OK)
            return writer.codec.failure;
        return kiln__fail(KILN_ERROR_INVALID_ARGUMENT, "%s: cannot encode PNG: %s", function,
                          writer.codec.reason);
    }
    *data = writer.data;
    *size = writer.size;
    return KILN_OK;
}

static void free_encoded(void *data) { kiln__free(data); }

KILN_API kiln_result kiln_image_encode(const kiln_image *self, kiln_stream **out) {
    KILN__REQUIRE_NOT_NULL(self);
    KILN__REQUIRE_NOT_NULL(out);
    unsigned char *data;
    size_t size;
    KILN__CHECK(png_encode(self, __func__, &data, &size));
    kiln_result r = kiln_stream_wrap_memory(data, size, false, free_encoded, data, out);
    if (r != KILN_OK)
        kiln__free(data);
    return r;
}

static kiln_result io_failure(const char *function, const char *verb, const char *path, int error) {
    char reason[128];
    if (strerror_r(error, reason, sizeof reason) != 0)
        snprintf(reason, sizeof reason, "error %d", error);
    return kiln__fail(KILN_ERROR_IO, "%s: cannot %s '%s': %s", function, verb, path, reason);
}

KILN_API kiln_result kiln_image_save(const kiln_image *self, const char *path) {
    KILN__REQUIRE_NOT_NULL(self);
    KILN__REQUIRE_NOT_NULL(path);
    unsigned char *data;
    size_t size;
    KILN__CHECK(png_encode(self, __func__, &data, &size));

    kiln_result r = KILN_OK;
    FILE *file = fopen(path, "wb");
    if (file == NULL) {
        r = io_failure(__func__, "create", path, errno);
    } else {
        bool written = fwrite(data, 1, size, file) == size;
        int error = errno;
        if (fclose(file) != 0 && written) {
            written = false;
            error = errno;
        }
        if (!written) {
            r = io_failure(__func__, "write", path, error);
            /* A partial PNG would only fail later and further from the cause. */
            remove(path);
        }
    }
    kiln__free(data);
    return r;
}
