/* PNG through libpng: round trips for each PNG kind, the expansion of palettes and
 * low bit depths, the byte order of 16-bit samples, and clean failures.
 *
 * The PNGs under test are written (and inspected) here with libpng directly, so the
 * test controls exactly what is in the file. */
#include <kiln/kiln.h>

#include <png.h>

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

/* ------------------------------------------------------------------------------------------ */
/* Helpers: PNGs written and read with libpng, independently of Kiln's codec */

typedef struct byte_buffer {
    unsigned char *data;
    size_t size;
    size_t capacity;
} byte_buffer;

static void buffer_write(png_structp png, png_bytep data, size_t length) {
    byte_buffer *buffer = png_get_io_ptr(png);
    if (buffer->size + length > buffer->capacity) {
        buffer->capacity = (buffer->size + length) * 2;
        buffer->data = realloc(buffer->data, buffer->capacity);
        assert_non_null(buffer->data);
    }
    memcpy(buffer->data + buffer->size, data, length);
    buffer->size += length;
}

static void buffer_flush(png_structp png) { (void)png; }

/* What to write: rows are in file order (big-endian 16-bit samples, packed low bit
 * depths), each PNG_ROWBYTES long. */
typedef struct png_spec {
    uint32_t width;
    uint32_t height;
    int color_type;
    int bit_depth;
    bool interlaced;
    const void *rows;
    const png_color *palette;
    int palette_size;
    const png_byte *palette_alpha;
    int palette_alpha_count;
    const png_color_16 *transparent_colour;
} png_spec;

static void write_png_run(png_structp png, png_infop info, const png_spec *spec) {
    if (setjmp(png_jmpbuf(png)))
        fail_msg("libpng could not write the test PNG");
    png_set_IHDR(png, info, spec->width, spec->height, spec->bit_depth, spec->color_type,
                 spec->interlaced ? PNG_INTERLACE_ADAM7 : PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    if (spec->palette)
        png_set_PLTE(png, info, spec->palette, spec->palette_size);
    if (spec->palette_alpha || spec->transparent_colour)
        png_set_tRNS(png, info, spec->palette_alpha, spec->palette_alpha_count,
                     spec->transparent_colour);
    png_write_info(png, info);
    size_t row_bytes = png_get_rowbytes(png, info);
    int passes = png_set_interlace_handling(png);
    for (int pass = 0; pass < passes; ++pass)
        for (uint32_t y = 0; y < spec->height; ++y)
            png_write_row(png, (png_const_bytep)spec->rows + y * row_bytes);
    png_write_end(png, info);
}

static kiln_stream *write_png(const png_spec *spec) {
    byte_buffer buffer = {NULL, 0, 0};
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png_create_info_struct(png);
    assert_non_null(info);
    png_set_write_fn(png, &buffer, buffer_write, buffer_flush);
    write_png_run(png, info, spec);
    png_destroy_write_struct(&png, &info);

    kiln_stream *stream = NULL;
    assert_int_equal(kiln_stream_create_memory(buffer.size, &stream), KILN_OK);
    memcpy(kiln_stream_get_pointer(stream), buffer.data, buffer.size);
    free(buffer.data);
    return stream;
}

typedef struct memory_reader {
    const unsigned char *data;
    size_t size;
    size_t position;
} memory_reader;

static void memory_read(png_structp png, png_bytep data, size_t length) {
    memory_reader *reader = png_get_io_ptr(png);
    if (length > reader->size - reader->position)
        png_error(png, "truncated");
    memcpy(data, reader->data + reader->position, length);
    reader->position += length;
}

/* What a file holds, without any transform: the header and the raw rows. */
typedef struct png_raw {
    uint32_t width;
    uint32_t height;
    int color_type;
    int bit_depth;
    size_t row_bytes;
    unsigned char *rows; /* free() it */
} png_raw;

static void read_png_run(png_structp png, png_infop info, png_raw *raw) {
    if (setjmp(png_jmpbuf(png)))
        fail_msg("libpng could not read the PNG Kiln wrote");
    png_read_info(png, info);
    raw->width = png_get_image_width(png, info);
    raw->height = png_get_image_height(png, info);
    raw->color_type = png_get_color_type(png, info);
    raw->bit_depth = png_get_bit_depth(png, info);
    raw->row_bytes = png_get_rowbytes(png, info);
    raw->rows = malloc(raw->row_bytes * raw->height);
    assert_non_null(raw->rows);
    for (uint32_t y = 0; y < raw->height; ++y)
        png_read_row(png, raw->rows + y * raw->row_bytes, NULL);
    png_read_end(png, NULL);
}

static png_raw read_png_raw(kiln_stream *stream) {
    memory_reader reader = {kiln_stream_get_pointer(stream), kiln_stream_get_size(stream), 0};
    png_raw raw;
    memset(&raw, 0, sizeof raw);
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png_create_info_struct(png);
    assert_non_null(info);
    png_set_read_fn(png, &reader, memory_read);
    read_png_run(png, info, &raw);
    png_destroy_read_struct(&png, &info, NULL);
    return raw;
}

static kiln_image *make_image(uint32_t width, uint32_t height, kiln_pixel_format format,
                              const void *pixels) {
    size_t size = 0;
    assert_int_equal(kiln_pixel_format_get_memory_size(width, height, 1, format, &size), KILN_OK);
    kiln_stream *stream = NULL;
    assert_int_equal(kiln_stream_create_memory(size, &stream), KILN_OK);
    memcpy(kiln_stream_get_pointer(stream), pixels, size);
    kiln_image *image = NULL;
    assert_int_equal(kiln_image_create(&image), KILN_OK);
    assert_int_equal(kiln_image_load_dynamic_image(image, stream, width, height, format), KILN_OK);
    kiln_stream_release(stream);
    return image;
}

static kiln_image *decode(kiln_stream *stream) {
    kiln_image *image = NULL;
    assert_int_equal(kiln_image_create(&image), KILN_OK);
    if (kiln_image_load_stream(image, stream) != KILN_OK)
        fail_msg("decoding failed: %s", kiln_last_error_message());
    return image;
}

static const unsigned char *pixels_of(const kiln_image *image) {
    return kiln_stream_get_pointer(kiln_image_get_stream(image));
}

/* ------------------------------------------------------------------------------------------ */
/* Round trips */

/* Encodes pixels of format, checks the PNG kind in the file, decodes it back and
 * expects the same bytes. */
static void check_round_trip(kiln_pixel_format format, int color_type, int bit_depth) {
    const uint32_t width = 7, height = 5;
    size_t size = 0;
    assert_int_equal(kiln_pixel_format_get_memory_size(width, height, 1, format, &size), KILN_OK);
    unsigned char *pixels = malloc(size);
    assert_non_null(pixels);
    /* Every byte differs from its neighbours, and the extremes 0 and 255 occur. */
    for (size_t i = 0; i < size; ++i)
        pixels[i] = (unsigned char)(i * 73 + (i >> 3));
    pixels[0] = 0;
    pixels[size - 1] = 255;
    kiln_image *image = make_image(width, height, format, pixels);

    kiln_stream *encoded = NULL;
    assert_int_equal(kiln_image_encode(image, &encoded), KILN_OK);
    png_raw raw = read_png_raw(encoded);
    assert_int_equal(raw.width, width);
    assert_int_equal(raw.height, height);
    assert_int_equal(raw.color_type, color_type);
    assert_int_equal(raw.bit_depth, bit_depth);
    free(raw.rows);

    kiln_image *decoded = decode(encoded);
    assert_int_equal(kiln_image_get_width(decoded), width);
    assert_int_equal(kiln_image_get_height(decoded), height);
    assert_int_equal(kiln_image_get_format(decoded), format);
    assert_int_equal(kiln_image_get_size(decoded), size);
    assert_memory_equal(pixels_of(decoded), pixels, size);
    /* Decoding consumed the whole PNG. */
    assert_true(kiln_stream_eof(encoded));

    kiln_image_release(decoded);
    kiln_image_release(image);
    kiln_stream_release(encoded);
    free(pixels);
}

static void grey_8_round_trips(void **state) {
    (void)state;
    check_round_trip(KILN_PF_L8, PNG_COLOR_TYPE_GRAY, 8);
}

static void grey_16_round_trips(void **state) {
    (void)state;
    check_round_trip(KILN_PF_L16, PNG_COLOR_TYPE_GRAY, 16);
}

static void grey_alpha_8_round_trips(void **state) {
    (void)state;
    check_round_trip(KILN_PF_BYTE_LA, PNG_COLOR_TYPE_GRAY_ALPHA, 8);
}

static void rgb_8_round_trips(void **state) {
    (void)state;
    check_round_trip(KILN_PF_BYTE_RGB, PNG_COLOR_TYPE_RGB, 8);
}

static void rgba_8_round_trips(void **state) {
    (void)state;
    check_round_trip(KILN_PF_BYTE_RGBA, PNG_COLOR_TYPE_RGB_ALPHA, 8);
}

static void rgba_16_round_trips(void **state) {
    (void)state;
    check_round_trip(KILN_PF_SHORT_RGBA, PNG_COLOR_TYPE_RGB_ALPHA, 16);
}

static void sixteen_bit_samples_are_big_endian_in_the_file(void **state) {
    (void)state;
    /* Kiln memory is native (little-endian); the file is big-endian. */
    const uint16_t grey[] = {0x1234, 0xABCD};
    kiln_image *image = make_image(2, 1, KILN_PF_L16, grey);
    kiln_stream *encoded = NULL;
    assert_int_equal(kiln_image_encode(image, &encoded), KILN_OK);
    png_raw raw = read_png_raw(encoded);
    const unsigned char file_bytes[] = {0x12, 0x34, 0xAB, 0xCD};
    assert_memory_equal(raw.rows, file_bytes, sizeof file_bytes);
    free(raw.rows);
    kiln_stream_release(encoded);
    kiln_image_release(image);

    const unsigned char rows[] = {0xFE, 0xDC, 0x00, 0x01};
    png_spec spec = {
        .width = 2, .height = 1, .color_type = PNG_COLOR_TYPE_GRAY, .bit_depth = 16, .rows = rows};
    kiln_stream *written = write_png(&spec);
    kiln_image *decoded = decode(written);
    assert_int_equal(kiln_image_get_format(decoded), KILN_PF_L16);
    const uint16_t *values = (const uint16_t *)pixels_of(decoded);
    assert_int_equal(values[0], 0xFEDC);
    assert_int_equal(values[1], 0x0001);
    kiln_image_release(decoded);
    kiln_stream_release(written);
}

/* ------------------------------------------------------------------------------------------ */
/* Kinds that are expanded on decoding */

static void low_bit_depth_grey_expands_to_l8(void **state) {
    (void)state;
    /* 1 bit: 1,0,1,1,0 packed from the most significant bit. */
    const unsigned char one_bit[] = {0xB0};
    png_spec spec = {.width = 5,
                     .height = 1,
                     .color_type = PNG_COLOR_TYPE_GRAY,
                     .bit_depth = 1,
                     .rows = one_bit};
    kiln_stream *stream = write_png(&spec);
    kiln_image *image = decode(stream);
    assert_int_equal(kiln_image_get_format(image), KILN_PF_L8);
    const unsigned char expected_one[] = {255, 0, 255, 255, 0};
    assert_memory_equal(pixels_of(image), expected_one, sizeof expected_one);
    kiln_image_release(image);
    kiln_stream_release(stream);

    /* 4 bits: 0..15 scale to 0..255 in steps of 17. */
    unsigned char four_bit[8];
    for (int i = 0; i < 8; ++i)
        four_bit[i] = (unsigned char)((2 * i) << 4 | (2 * i + 1));
    spec = (png_spec){.width = 16,
                      .height = 1,
                      .color_type = PNG_COLOR_TYPE_GRAY,
                      .bit_depth = 4,
                      .rows = four_bit};
    stream = write_png(&spec);
    image = decode(stream);
    assert_int_equal(kiln_image_get_format(image), KILN_PF_L8);
    for (int i = 0; i < 16; ++i)
        assert_int_equal(pixels_of(image)[i], i * 17);
    kiln_image_release(image);
    kiln_stream_release(stream);
}

static void palette_images_expand_to_rgb(void **state) {
    (void)state;
    const png_color palette[] = {{255, 0, 0}, {0, 128, 0}, {1, 2, 3}};
    /* 2 bits per index, 3x2: rows 0,1,2 and 2,2,1. */
    const unsigned char rows[] = {0x18, 0xA4};
    png_spec spec = {.width = 3,
                     .height = 2,
                     .color_type = PNG_COLOR_TYPE_PALETTE,
                     .bit_depth = 2,
                     .rows = rows,
                     .palette = palette,
                     .palette_size = 3};
    kiln_stream *stream = write_png(&spec);
    kiln_image *image = decode(stream);
    assert_int_equal(kiln_image_get_format(image), KILN_PF_BYTE_RGB);
    const unsigned char expected[] = {255, 0, 0, 0, 128, 0, 1, 2, 3, 1, 2, 3, 1, 2, 3, 0, 128, 0};
    assert_memory_equal(pixels_of(image), expected, sizeof expected);
    kiln_image_release(image);
    kiln_stream_release(stream);
}

static void palette_transparency_becomes_alpha(void **state) {
    (void)state;
    const png_color palette[] = {{10, 20, 30}, {40, 50, 60}};
    const png_byte alpha[] = {0, 128};
    const unsigned char rows[] = {0, 1, 1};
    png_spec spec = {.width = 3,
                     .height = 1,
                     .color_type = PNG_COLOR_TYPE_PALETTE,
                     .bit_depth = 8,
                     .rows = rows,
                     .palette = palette,
                     .palette_size = 2,
                     .palette_alpha = alpha,
                     .palette_alpha_count = 2};
    kiln_stream *stream = write_png(&spec);
    kiln_image *image = decode(stream);
    assert_int_equal(kiln_image_get_format(image), KILN_PF_BYTE_RGBA);
    const unsigned char expected[] = {10, 20, 30, 0, 40, 50, 60, 128, 40, 50, 60, 128};
    assert_memory_equal(pixels_of(image), expected, sizeof expected);
    kiln_image_release(image);
    kiln_stream_release(stream);
}

static void a_transparent_grey_becomes_grey_alpha(void **state) {
    (void)state;
    const png_color_16 transparent = {.gray = 7};
    const unsigned char rows[] = {7, 8};
    png_spec spec = {.width = 2,
                     .height = 1,
                     .color_type = PNG_COLOR_TYPE_GRAY,
                     .bit_depth = 8,
                     .rows = rows,
                     .transparent_colour = &transparent};
    kiln_stream *stream = write_png(&spec);
    kiln_image *image = decode(stream);
    assert_int_equal(kiln_image_get_format(image), KILN_PF_BYTE_LA);
    const unsigned char expected[] = {7, 0, 8, 255};
    assert_memory_equal(pixels_of(image), expected, sizeof expected);
    kiln_image_release(image);
    kiln_stream_release(stream);
}

static void sixteen_bit_rgb_gains_an_opaque_alpha(void **state) {
    (void)state;
    const unsigned char rows[] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06};
    png_spec spec = {
        .width = 1, .height = 1, .color_type = PNG_COLOR_TYPE_RGB, .bit_depth = 16, .rows = rows};
    kiln_stream *stream = write_png(&spec);
    kiln_image *image = decode(stream);
    assert_int_equal(kiln_image_get_format(image), KILN_PF_SHORT_RGBA);
    const uint16_t expected[] = {0x0102, 0x0304, 0x0506, 0xFFFF};
    assert_memory_equal(pixels_of(image), expected, sizeof expected);
    kiln_image_release(image);
    kiln_stream_release(stream);
}

static void sixteen_bit_grey_alpha_becomes_rgba(void **state) {
    (void)state;
    const unsigned char rows[] = {0x12, 0x34, 0x80, 0x01, 0xFF, 0xFF, 0x00, 0x00};
    png_spec spec = {.width = 2,
                     .height = 1,
                     .color_type = PNG_COLOR_TYPE_GRAY_ALPHA,
                     .bit_depth = 16,
                     .rows = rows};
    kiln_stream *stream = write_png(&spec);
    kiln_image *image = decode(stream);
    assert_int_equal(kiln_image_get_format(image), KILN_PF_SHORT_RGBA);
    const uint16_t expected[] = {0x1234, 0x1234, 0x1234, 0x8001, 0xFFFF, 0xFFFF, 0xFFFF, 0};
    assert_memory_equal(pixels_of(image), expected, sizeof expected);
    kiln_image_release(image);
    kiln_stream_release(stream);
}

static void interlaced_images_decode_in_full(void **state) {
    (void)state;
    enum { W = 9, H = 10 };
    unsigned char rows[W * H * 3];
    for (size_t i = 0; i < sizeof rows; ++i)
        rows[i] = (unsigned char)(i * 31 + 7);
    png_spec spec = {.width = W,
                     .height = H,
                     .color_type = PNG_COLOR_TYPE_RGB,
                     .bit_depth = 8,
                     .interlaced = true,
                     .rows = rows};
    kiln_stream *stream = write_png(&spec);
    kiln_image *image = decode(stream);
    assert_int_equal(kiln_image_get_format(image), KILN_PF_BYTE_RGB);
    assert_memory_equal(pixels_of(image), rows, sizeof rows);
    kiln_image_release(image);
    kiln_stream_release(stream);
}

/* ------------------------------------------------------------------------------------------ */
/* Saving formats PNG cannot hold as they are */

static void other_formats_are_converted_to_8_bit_rgb_or_rgba(void **state) {
    (void)state;
    /* Memory B,G,R,A: written as R,G,B,A. */
    const unsigned char bgra[] = {30, 20, 10, 40};
    kiln_image *image = make_image(1, 1, KILN_PF_BYTE_BGRA, bgra);
    kiln_stream *encoded = NULL;
    assert_int_equal(kiln_image_encode(image, &encoded), KILN_OK);
    png_raw raw = read_png_raw(encoded);
    assert_int_equal(raw.color_type, PNG_COLOR_TYPE_RGB_ALPHA);
    assert_int_equal(raw.bit_depth, 8);
    const unsigned char rgba[] = {10, 20, 30, 40};
    assert_memory_equal(raw.rows, rgba, sizeof rgba);
    free(raw.rows);
    kiln_stream_release(encoded);
    kiln_image_release(image);

    /* Floats without alpha: 8-bit RGB, clamped and rounded. */
    const float floats[] = {0.0f, 0.5f, 1.0f, 2.0f, -1.0f, 0.2f};
    image = make_image(2, 1, KILN_PF_FLOAT32_RGB, floats);
    assert_int_equal(kiln_image_encode(image, &encoded), KILN_OK);
    raw = read_png_raw(encoded);
    assert_int_equal(raw.color_type, PNG_COLOR_TYPE_RGB);
    assert_int_equal(raw.bit_depth, 8);
    assert_int_equal(raw.rows[0], 0);
    assert_in_range(raw.rows[1], 127, 128);
    assert_int_equal(raw.rows[2], 255);
    assert_int_equal(raw.rows[3], 255);
    assert_int_equal(raw.rows[4], 0);
    assert_int_equal(raw.rows[5], 51);
    free(raw.rows);
    kiln_stream_release(encoded);
    kiln_image_release(image);

    /* Packed R8G8B8 lies in memory as B,G,R. */
    const unsigned char packed[] = {3, 2, 1};
    image = make_image(1, 1, KILN_PF_R8G8B8, packed);
    assert_int_equal(kiln_image_encode(image, &encoded), KILN_OK);
    raw = read_png_raw(encoded);
    assert_int_equal(raw.color_type, PNG_COLOR_TYPE_RGB);
    const unsigned char rgb[] = {1, 2, 3};
    assert_memory_equal(raw.rows, rgb, sizeof rgb);
    free(raw.rows);
    kiln_stream_release(encoded);
    kiln_image_release(image);
}

/* ------------------------------------------------------------------------------------------ */
/* Files */

static void saving_and_loading_a_file_round_trips(void **state) {
    (void)state;
    char dir[] = "/tmp/kiln-test-png-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[256];
    snprintf(path, sizeof path, "%s/image.png", dir);

    const unsigned char pixels[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
    kiln_image *image = make_image(2, 2, KILN_PF_BYTE_RGB, pixels);
    assert_int_equal(kiln_image_save(image, path), KILN_OK);

    kiln_image *loaded = NULL;
    assert_int_equal(kiln_image_create(&loaded), KILN_OK);
    assert_int_equal(kiln_image_load(loaded, path), KILN_OK);
    assert_int_equal(kiln_image_get_format(loaded), KILN_PF_BYTE_RGB);
    assert_int_equal(kiln_image_get_width(loaded), 2);
    assert_memory_equal(pixels_of(loaded), pixels, sizeof pixels);

    /* A file that is not a PNG fails naming the path. */
    FILE *text = fopen(path, "wb");
    assert_non_null(text);
    fputs("plain text, not an image\n", text);
    fclose(text);
    assert_int_equal(kiln_image_load(loaded, path), KILN_ERROR_INVALID_ARGUMENT);
    assert_non_null(strstr(kiln_last_error_message(), path));
    assert_memory_equal(pixels_of(loaded), pixels, sizeof pixels);

    assert_int_equal(remove(path), 0);
    assert_int_equal(kiln_image_load(loaded, path), KILN_ERROR_IO);
    assert_non_null(strstr(kiln_last_error_message(), path));
    assert_int_equal(rmdir(dir), 0);
    kiln_image_release(loaded);
    kiln_image_release(image);
}

static void saving_to_an_unwritable_path_fails_with_io(void **state) {
    (void)state;
    const unsigned char pixels[] = {9};
    kiln_image *image = make_image(1, 1, KILN_PF_L8, pixels);
    const char *path = "/nonexistent-kiln-directory/out.png";
    assert_int_equal(kiln_image_save(image, path), KILN_ERROR_IO);
    assert_int_equal(kiln_last_error(), KILN_ERROR_IO);
    assert_non_null(strstr(kiln_last_error_message(), path));
    assert_non_null(strstr(kiln_last_error_message(), strerror(ENOENT)));
    kiln_image_release(image);
}

static void an_empty_image_cannot_be_saved(void **state) {
    (void)state;
    kiln_image *image = NULL;
    assert_int_equal(kiln_image_create(&image), KILN_OK);
    kiln_stream *encoded = NULL;
    assert_int_equal(kiln_image_encode(image, &encoded), KILN_ERROR_INVALID_STATE);
    assert_null(encoded);
    assert_int_equal(kiln_image_save(image, "/tmp/never-written.png"), KILN_ERROR_INVALID_STATE);
    assert_non_null(strstr(kiln_last_error_message(), "empty"));
    kiln_image_release(image);
}

static void null_arguments_fail(void **state) {
    (void)state;
    kiln_image *image = NULL;
    assert_int_equal(kiln_image_create(&image), KILN_OK);
    kiln_stream *stream = NULL;
    assert_int_equal(kiln_image_load(image, NULL), KILN_ERROR_INVALID_ARGUMENT);
    assert_int_equal(kiln_image_load(NULL, "x.png"), KILN_ERROR_INVALID_ARGUMENT);
    assert_int_equal(kiln_image_load_stream(image, NULL), KILN_ERROR_INVALID_ARGUMENT);
    assert_int_equal(kiln_image_save(image, NULL), KILN_ERROR_INVALID_ARGUMENT);
    assert_int_equal(kiln_image_save(NULL, "x.png"), KILN_ERROR_INVALID_ARGUMENT);
    assert_int_equal(kiln_image_encode(image, NULL), KILN_ERROR_INVALID_ARGUMENT);
    assert_int_equal(kiln_image_encode(NULL, &stream), KILN_ERROR_INVALID_ARGUMENT);
    kiln_image_release(image);
}

/* ------------------------------------------------------------------------------------------ */
/* Streams and damaged data */

static void consecutive_pngs_decode_from_one_stream(void **state) {
    (void)state;
    const unsigned char grey[] = {1, 2, 3};
    const unsigned char rgba[] = {4, 5, 6, 7};
    kiln_image *first = make_image(3, 1, KILN_PF_L8, grey);
    kiln_image *second = make_image(1, 1, KILN_PF_BYTE_RGBA, rgba);
    kiln_stream *a = NULL, *b = NULL;
    assert_int_equal(kiln_image_encode(first, &a), KILN_OK);
    assert_int_equal(kiln_image_encode(second, &b), KILN_OK);

    /* Three junk bytes, then both PNGs. */
    size_t size_a = kiln_stream_get_size(a), size_b = kiln_stream_get_size(b);
    kiln_stream *both = NULL;
    assert_int_equal(kiln_stream_create_memory(3 + size_a + size_b, &both), KILN_OK);
    unsigned char *bytes = kiln_stream_get_pointer(both);
    memcpy(bytes + 3, kiln_stream_get_pointer(a), size_a);
    memcpy(bytes + 3 + size_a, kiln_stream_get_pointer(b), size_b);
    assert_int_equal(kiln_stream_seek(both, 3, KILN_SEEK_SET), KILN_OK);

    kiln_image *decoded = decode(both);
    assert_int_equal(kiln_image_get_format(decoded), KILN_PF_L8);
    assert_memory_equal(pixels_of(decoded), grey, sizeof grey);
    assert_int_equal(kiln_stream_tell(both), 3 + size_a);
    assert_int_equal(kiln_image_load_stream(decoded, both), KILN_OK);
    assert_int_equal(kiln_image_get_format(decoded), KILN_PF_BYTE_RGBA);
    assert_memory_equal(pixels_of(decoded), rgba, sizeof rgba);
    assert_true(kiln_stream_eof(both));

    /* Nothing left to decode. */
    assert_int_equal(kiln_image_load_stream(decoded, both), KILN_ERROR_INVALID_ARGUMENT);
    assert_memory_equal(pixels_of(decoded), rgba, sizeof rgba);

    kiln_image_release(decoded);
    kiln_image_release(first);
    kiln_image_release(second);
    kiln_stream_release(a);
    kiln_stream_release(b);
    kiln_stream_release(both);
}

static void data_that_is_not_png_fails_cleanly(void **state) {
    (void)state;
    const char text[] = "GIF89a and then some bytes that are certainly not a PNG";
    kiln_stream *stream = NULL;
    assert_int_equal(kiln_stream_wrap_memory((void *)text, sizeof text, true, NULL, NULL, &stream),
                     KILN_OK);
    const unsigned char pixels[] = {42};
    kiln_image *image = make_image(1, 1, KILN_PF_L8, pixels);
    assert_int_equal(kiln_image_load_stream(image, stream), KILN_ERROR_INVALID_ARGUMENT);
    assert_non_null(strstr(kiln_last_error_message(), "PNG"));
    /* The image and the stream's position are as they were. */
    assert_int_equal(kiln_image_get_format(image), KILN_PF_L8);
    assert_int_equal(pixels_of(image)[0], 42);
    assert_int_equal(kiln_stream_tell(stream), 0);
    kiln_stream_release(stream);

    assert_int_equal(kiln_stream_create_memory(0, &stream), KILN_OK);
    assert_int_equal(kiln_image_load_stream(image, stream), KILN_ERROR_INVALID_ARGUMENT);
    kiln_stream_release(stream);
    kiln_image_release(image);
}

static kiln_stream *sample_png(void) {
    enum { W = 13, H = 11 };
    unsigned char pixels[W * H * 4];
    for (size_t i = 0; i < sizeof pixels; ++i)
        pixels[i] = (unsigned char)(i * 13 ^ (i >> 2));
    kiln_image *image = make_image(W, H, KILN_PF_BYTE_RGBA, pixels);
    kiln_stream *encoded = NULL;
    assert_int_equal(kiln_image_encode(image, &encoded), KILN_OK);
    kiln_image_release(image);
    return encoded;
}

static void every_truncation_fails_cleanly(void **state) {
    (void)state;
    kiln_stream *full = sample_png();
    size_t size = kiln_stream_get_size(full);
    const unsigned char pixels[] = {42};
    kiln_image *image = make_image(1, 1, KILN_PF_L8, pixels);
    for (size_t length = 0; length < size; ++length) {
        kiln_stream *cut = NULL;
        assert_int_equal(
            kiln_stream_wrap_memory(kiln_stream_get_pointer(full), length, true, NULL, NULL, &cut),
            KILN_OK);
        if (kiln_image_load_stream(image, cut) != KILN_ERROR_INVALID_ARGUMENT)
            fail_msg("a PNG cut to %zu of %zu bytes did not fail as invalid", length, size);
        assert_int_equal(kiln_stream_tell(cut), 0);
        kiln_stream_release(cut);
    }
    assert_int_equal(kiln_image_get_format(image), KILN_PF_L8);
    assert_int_equal(pixels_of(image)[0], 42);
    kiln_image_release(image);
    kiln_stream_release(full);
}

static void corrupt_bytes_fail_cleanly_or_decode(void **state) {
    (void)state;
    kiln_stream *full = sample_png();
    size_t size = kiln_stream_get_size(full);
    unsigned char *copy = malloc(size);
    assert_non_null(copy);
    size_t failures = 0;
    for (size_t at = 0; at < size; ++at) {
        memcpy(copy, kiln_stream_get_pointer(full), size);
        copy[at] ^= 0x5A;
        kiln_stream *damaged = NULL;
        assert_int_equal(kiln_stream_wrap_memory(copy, size, true, NULL, NULL, &damaged), KILN_OK);
        kiln_image *image = NULL;
        assert_int_equal(kiln_image_create(&image), KILN_OK);
        kiln_result r = kiln_image_load_stream(image, damaged);
        if (r != KILN_OK) {
            assert_int_equal(r, KILN_ERROR_INVALID_ARGUMENT);
            assert_null(kiln_image_get_stream(image));
            ++failures;
        }
        kiln_image_release(image);
        kiln_stream_release(damaged);
    }
    /* Signature, header and image data are all checked (CRCs cover the chunks). */
    assert_true(failures > size / 2);
    free(copy);
    kiln_stream_release(full);
}

static uint32_t crc32_of(const unsigned char *data, size_t length) {
    uint32_t crc = 0xFFFFFFFFu;
    for (size_t i = 0; i < length; ++i) {
        crc ^= data[i];
        for (int bit = 0; bit < 8; ++bit)
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

static void put_be32(unsigned char *at, uint32_t value) {
    at[0] = (unsigned char)(value >> 24);
    at[1] = (unsigned char)(value >> 16);
    at[2] = (unsigned char)(value >> 8);
    at[3] = (unsigned char)value;
}

static void a_forged_huge_size_fails_before_allocating(void **state) {
    (void)state;
    kiln_stream *stream = sample_png();
    /* IHDR follows the 8-byte signature: length, "IHDR", width, height, ..., CRC. */
    unsigned char *bytes = kiln_stream_get_pointer(stream);
    assert_memory_equal(bytes + 12, "IHDR", 4);
    put_be32(bytes + 16, 900000);
    put_be32(bytes + 20, 900000);
    put_be32(bytes + 29, crc32_of(bytes + 12, 17));

    kiln_image *image = NULL;
    assert_int_equal(kiln_image_create(&image), KILN_OK);
    assert_int_equal(kiln_image_load_stream(image, stream), KILN_ERROR_INVALID_ARGUMENT);
    assert_non_null(strstr(kiln_last_error_message(), "900000x900000"));
    kiln_image_release(image);
    kiln_stream_release(stream);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(grey_8_round_trips),
        cmocka_unit_test(grey_16_round_trips),
        cmocka_unit_test(grey_alpha_8_round_trips),
        cmocka_unit_test(rgb_8_round_trips),
        cmocka_unit_test(rgba_8_round_trips),
        cmocka_unit_test(rgba_16_round_trips),
        cmocka_unit_test(sixteen_bit_samples_are_big_endian_in_the_file),
        cmocka_unit_test(low_bit_depth_grey_expands_to_l8),
        cmocka_unit_test(palette_images_expand_to_rgb),
        cmocka_unit_test(palette_transparency_becomes_alpha),
        cmocka_unit_test(a_transparent_grey_becomes_grey_alpha),
        cmocka_unit_test(sixteen_bit_rgb_gains_an_opaque_alpha),
        cmocka_unit_test(sixteen_bit_grey_alpha_becomes_rgba),
        cmocka_unit_test(interlaced_images_decode_in_full),
        cmocka_unit_test(other_formats_are_converted_to_8_bit_rgb_or_rgba),
        cmocka_unit_test(saving_and_loading_a_file_round_trips),
        cmocka_unit_test(saving_to_an_unwritable_path_fails_with_io),
        cmocka_unit_test(an_empty_image_cannot_be_saved),
        cmocka_unit_test(null_arguments_fail),
        cmocka_unit_test(consecutive_pngs_decode_from_one_stream),
        cmocka_unit_test(data_that_is_not_png_fails_cleanly),
        cmocka_unit_test(every_truncation_fails_cleanly),
        cmocka_unit_test(corrupt_bytes_fail_cleanly_or_decode),
        cmocka_unit_test(a_forged_huge_size_fails_before_allocating),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
