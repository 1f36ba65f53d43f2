/* The Image object: dynamic images over streams, flips, resizing and conversion. */
#include <kiln/kiln.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

/* An image of the given pixels, in a stream of its own. */
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

static const unsigned char *pixels_of(const kiln_image *image) {
    return kiln_stream_get_pointer(kiln_image_get_stream(image));
}

static int release_calls;
static void count_release(void *user_data) {
    (void)user_data;
    ++release_calls;
}

static void a_new_image_is_empty(void **state) {
    (void)state;
    kiln_image *image = NULL;
    assert_int_equal(kiln_image_create(&image), KILN_OK);
    assert_int_equal(kiln_image_get_width(image), 0);
    assert_int_equal(kiln_image_get_height(image), 0);
    assert_int_equal(kiln_image_get_format(image), KILN_PF_UNKNOWN);
    assert_int_equal(kiln_image_get_size(image), 0);
    assert_null(kiln_image_get_stream(image));

    kiln_pixelbox *box = NULL;
    assert_int_equal(kiln_image_get_pixel_box(image, &box), KILN_ERROR_INVALID_STATE);
    assert_null(box);
    assert_int_equal(kiln_image_flip_around_x(image), KILN_ERROR_INVALID_STATE);
    assert_int_equal(kiln_image_flip_around_y(image), KILN_ERROR_INVALID_STATE);
    assert_int_equal(kiln_image_resize(image, 2, 2, KILN_IMAGE_FILTER_BILINEAR),
                     KILN_ERROR_INVALID_STATE);
    assert_int_equal(kiln_image_convert(image, KILN_PF_L8), KILN_ERROR_INVALID_STATE);
    assert_non_null(strstr(kiln_last_error_message(), "empty"));
    kiln_image_release(image);
    kiln_image_release(NULL);
    assert_int_equal(kiln_image_create(NULL), KILN_ERROR_INVALID_ARGUMENT);
}

static void a_dynamic_image_uses_the_stream_memory_without_copying(void **state) {
    (void)state;
    kiln_stream *stream = NULL;
    assert_int_equal(kiln_stream_create_memory(4 * 2 * 3, &stream), KILN_OK);
    unsigned char *memory = kiln_stream_get_pointer(stream);
    for (int i = 0; i < 24; ++i)
        memory[i] = (unsigned char)i;

    kiln_image *image = NULL;
    assert_int_equal(kiln_image_create(&image), KILN_OK);
    assert_int_equal(kiln_image_load_dynamic_image(image, stream, 4, 2, KILN_PF_BYTE_RGB), KILN_OK);
    assert_int_equal(kiln_image_get_width(image), 4);
    assert_int_equal(kiln_image_get_height(image), 2);
    assert_int_equal(kiln_image_get_depth(image), 1);
    assert_int_equal(kiln_image_get_format(image), KILN_PF_BYTE_RGB);
    assert_int_equal(kiln_image_get_size(image), 24);
    assert_ptr_equal(kiln_image_get_stream(image), stream);
    assert_ptr_equal(pixels_of(image), memory);

    /* Writes through the stream show in the image: the memory is the same. */
    memory[5] = 200;
    assert_int_equal(pixels_of(image)[5], 200);
    kiln_image_release(image);
    kiln_stream_release(stream);
}

static void a_dynamic_image_keeps_its_stream_alive(void **state) {
    (void)state;
    unsigned char pixels[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
    kiln_stream *stream = NULL;
    release_calls = 0;
    assert_int_equal(
        kiln_stream_wrap_memory(pixels, sizeof pixels, false, count_release, NULL, &stream),
        KILN_OK);
    kiln_image *image = NULL;
    assert_int_equal(kiln_image_create(&image), KILN_OK);
    assert_int_equal(kiln_image_load_dynamic_image(image, stream, 4, 4, KILN_PF_L8), KILN_OK);
    kiln_stream_release(stream);
    assert_int_equal(release_calls, 0);
    assert_int_equal(pixels_of(image)[15], 16);

    /* A PixelBox shares the memory and keeps it alive on its own. */
    kiln_pixelbox *box = NULL;
    assert_int_equal(kiln_image_get_pixel_box(image, &box), KILN_OK);
    assert_ptr_equal(kiln_pixelbox_get_data(box), pixels);
    assert_int_equal(kiln_pixelbox_get_width(box), 4);
    assert_int_equal(kiln_pixelbox_get_height(box), 4);
    assert_int_equal(kiln_pixelbox_get_depth(box), 1);
    assert_int_equal(kiln_pixelbox_get_format(box), KILN_PF_L8);
    kiln_image_release(image);
    assert_int_equal(release_calls, 0);
    kiln_pixelbox_release(box);
    assert_int_equal(release_calls, 1);
}

static void reloading_the_same_stream_keeps_it_alive(void **state) {
    (void)state;
    kiln_stream *stream = NULL;
    assert_int_equal(kiln_stream_create_memory(16, &stream), KILN_OK);
    kiln_image *image = NULL;
    assert_int_equal(kiln_image_create(&image), KILN_OK);
    assert_int_equal(kiln_image_load_dynamic_image(image, stream, 4, 4, KILN_PF_L8), KILN_OK);
    kiln_stream_release(stream);
    assert_int_equal(kiln_image_load_dynamic_image(image, stream, 2, 2, KILN_PF_BYTE_RGBA),
                     KILN_OK);
    assert_int_equal(kiln_image_get_width(image), 2);
    assert_int_equal(kiln_stream_get_size(kiln_image_get_stream(image)), 16);
    kiln_image_release(image);
}

static void a_stream_too_small_fails_naming_both_sizes(void **state) {
    (void)state;
    kiln_stream *stream = NULL;
    assert_int_equal(kiln_stream_create_memory(100, &stream), KILN_OK);
    kiln_image *image = make_image(1, 1, KILN_PF_L8, "\x2a");

    assert_int_equal(kiln_image_load_dynamic_image(image, stream, 256, 256, KILN_PF_BYTE_RGB),
                     KILN_ERROR_INVALID_ARGUMENT);
    const char *message = kiln_last_error_message();
    assert_non_null(strstr(message, "100"));
    assert_non_null(strstr(message, "196608"));
    assert_non_null(strstr(message, "256x256"));

    /* A failed load leaves the image as it was. */
    assert_int_equal(kiln_image_get_width(image), 1);
    assert_int_equal(kiln_image_get_format(image), KILN_PF_L8);
    assert_int_equal(pixels_of(image)[0], 0x2a);
    kiln_image_release(image);
    kiln_stream_release(stream);
}

static void bad_dynamic_image_arguments_fail(void **state) {
    (void)state;
    kiln_stream *stream = NULL;
    assert_int_equal(kiln_stream_create_memory(64, &stream), KILN_OK);
    kiln_image *image = NULL;
    assert_int_equal(kiln_image_create(&image), KILN_OK);
    assert_int_equal(kiln_image_load_dynamic_image(image, stream, 0, 4, KILN_PF_L8),
                     KILN_ERROR_INVALID_ARGUMENT);
    assert_int_equal(kiln_image_load_dynamic_image(image, stream, 4, 0, KILN_PF_L8),
                     KILN_ERROR_INVALID_ARGUMENT);
    assert_int_equal(kiln_image_load_dynamic_image(image, stream, 4, 4, KILN_PF_UNKNOWN),
                     KILN_ERROR_INVALID_ARGUMENT);
    assert_int_equal(kiln_image_load_dynamic_image(image, stream, 4, 4, (kiln_pixel_format)77),
                     KILN_ERROR_INVALID_ARGUMENT);
    assert_non_null(strstr(kiln_last_error_message(), "77"));
    assert_int_equal(kiln_image_load_dynamic_image(image, NULL, 4, 4, KILN_PF_L8),
                     KILN_ERROR_INVALID_ARGUMENT);
    assert_int_equal(kiln_image_load_dynamic_image(NULL, stream, 4, 4, KILN_PF_L8),
                     KILN_ERROR_INVALID_ARGUMENT);
    /* Sizes whose byte count overflows are refused rather than wrapped. */
    assert_int_equal(
        kiln_image_load_dynamic_image(image, stream, UINT32_MAX, UINT32_MAX, KILN_PF_FLOAT32_RGBA),
        KILN_ERROR_INVALID_ARGUMENT);
    assert_null(kiln_image_get_stream(image));
    kiln_image_release(image);
    kiln_stream_release(stream);
}

static void flip_around_x_reverses_the_rows_in_place(void **state) {
    (void)state;
    const unsigned char pixels[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
    kiln_image *image = make_image(2, 3, KILN_PF_BYTE_LA, pixels);
    const unsigned char *before = pixels_of(image);
    assert_int_equal(kiln_image_flip_around_x(image), KILN_OK);
    const unsigned char expected[] = {9, 10, 11, 12, 5, 6, 7, 8, 1, 2, 3, 4};
    assert_memory_equal(pixels_of(image), expected, sizeof expected);
    assert_ptr_equal(pixels_of(image), before);
    kiln_image_release(image);
}

static void flip_around_y_reverses_whole_pixels(void **state) {
    (void)state;
    /* Two rows of three RGB pixels: columns swap, the bytes of a pixel keep order. */
    const unsigned char pixels[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18};
    kiln_image *image = make_image(3, 2, KILN_PF_BYTE_RGB, pixels);
    assert_int_equal(kiln_image_flip_around_y(image), KILN_OK);
    const unsigned char expected[] = {7,  8,  9,  4,  5,  6,  1,  2,  3,
                                      16, 17, 18, 13, 14, 15, 10, 11, 12};
    assert_memory_equal(pixels_of(image), expected, sizeof expected);
    kiln_image_release(image);
}

static void flipping_twice_restores_the_image(void **state) {
    (void)state;
    uint16_t pixels[5 * 4 * 4];
    for (size_t i = 0; i < sizeof pixels / sizeof pixels[0]; ++i)
        pixels[i] = (uint16_t)(i * 977);
    kiln_image *image = make_image(5, 4, KILN_PF_SHORT_RGBA, pixels);
    assert_int_equal(kiln_image_flip_around_x(image), KILN_OK);
    assert_int_equal(kiln_image_flip_around_y(image), KILN_OK);
    const uint16_t *flipped = (const uint16_t *)pixels_of(image);
    /* Pixel (x, y) is now the old pixel (4 - x, 3 - y). */
    assert_int_equal(flipped[(1 * 5 + 2) * 4 + 3], pixels[(2 * 5 + 2) * 4 + 3]);
    assert_int_equal(flipped[0], pixels[(3 * 5 + 4) * 4]);
    assert_int_equal(kiln_image_flip_around_y(image), KILN_OK);
    assert_int_equal(kiln_image_flip_around_x(image), KILN_OK);
    assert_memory_equal(pixels_of(image), pixels, sizeof pixels);
    kiln_image_release(image);
}

static void a_flip_never_writes_read_only_memory(void **state) {
    (void)state;
    unsigned char pixels[] = {1, 2, 3, 4, 5, 6};
    kiln_stream *stream = NULL;
    release_calls = 0;
    assert_int_equal(
        kiln_stream_wrap_memory(pixels, sizeof pixels, true, count_release, NULL, &stream),
        KILN_OK);
    kiln_image *image = NULL;
    assert_int_equal(kiln_image_create(&image), KILN_OK);
    assert_int_equal(kiln_image_load_dynamic_image(image, stream, 3, 2, KILN_PF_L8), KILN_OK);
    kiln_stream_release(stream);

    assert_int_equal(kiln_image_flip_around_x(image), KILN_OK);
    const unsigned char rows_flipped[] = {4, 5, 6, 1, 2, 3};
    assert_memory_equal(pixels_of(image), rows_flipped, sizeof rows_flipped);
    /* The flip went to new memory and let go of the read-only stream. */
    assert_ptr_not_equal(pixels_of(image), pixels);
    assert_int_equal(release_calls, 1);
    const unsigned char untouched[] = {1, 2, 3, 4, 5, 6};
    assert_memory_equal(pixels, untouched, sizeof untouched);

    /* The new memory is the image's own, so the next flip is in place. */
    const unsigned char *own = pixels_of(image);
    assert_int_equal(kiln_image_flip_around_y(image), KILN_OK);
    assert_ptr_equal(pixels_of(image), own);
    const unsigned char both_flipped[] = {6, 5, 4, 3, 2, 1};
    assert_memory_equal(pixels_of(image), both_flipped, sizeof both_flipped);
    kiln_image_release(image);

    /* The same for a column flip straight on read-only memory. */
    assert_int_equal(kiln_stream_wrap_memory(pixels, sizeof pixels, true, NULL, NULL, &stream),
                     KILN_OK);
    assert_int_equal(kiln_image_create(&image), KILN_OK);
    assert_int_equal(kiln_image_load_dynamic_image(image, stream, 3, 2, KILN_PF_L8), KILN_OK);
    kiln_stream_release(stream);
    assert_int_equal(kiln_image_flip_around_y(image), KILN_OK);
    const unsigned char columns_flipped[] = {3, 2, 1, 6, 5, 4};
    assert_memory_equal(pixels_of(image), columns_flipped, sizeof columns_flipped);
    assert_memory_equal(pixels, untouched, sizeof untouched);
    kiln_image_release(image);
}

static void bilinear_upscale_samples_pixel_centres(void **state) {
    (void)state;
    /* Destination x samples source (x + 0.5) * 2 / 4 - 0.5 = -0.25, 0.25, 0.75, 1.25;
     * the ends clamp to the edge pixels. */
    const unsigned char pixels[] = {0, 100};
    kiln_image *image = make_image(2, 1, KILN_PF_L8, pixels);
    assert_int_equal(kiln_image_resize(image, 4, 1, KILN_IMAGE_FILTER_BILINEAR), KILN_OK);
    assert_int_equal(kiln_image_get_width(image), 4);
    assert_int_equal(kiln_image_get_height(image), 1);
    assert_int_equal(kiln_image_get_size(image), 4);
    const unsigned char expected[] = {0, 25, 75, 100};
    assert_memory_equal(pixels_of(image), expected, sizeof expected);
    kiln_image_release(image);
}

static void bilinear_downscale_averages_neighbours(void **state) {
    (void)state;
    /* Destination x samples source 0.5 and 2.5. */
    const unsigned char pixels[] = {0, 10, 20, 30};
    kiln_image *image = make_image(4, 1, KILN_PF_L8, pixels);
    assert_int_equal(kiln_image_resize(image, 2, 1, KILN_IMAGE_FILTER_BILINEAR), KILN_OK);
    const unsigned char expected[] = {5, 25};
    assert_memory_equal(pixels_of(image), expected, sizeof expected);
    kiln_image_release(image);
}

static void bilinear_filters_both_axes_and_every_channel(void **state) {
    (void)state;
    /* 2x2 RGBA to 3x3: the samples are at -1/6, 1/2 and 7/6 on each axis, so the
     * corners keep the source pixels, edges average two, the centre all four. */
    const unsigned char pixels[] = {
        0,  0,  0, 0,   60,  120, 240, 30, /* row 0 */
        90, 30, 0, 255, 150, 90,  12,  3,  /* row 1 */
    };
    kiln_image *image = make_image(2, 2, KILN_PF_BYTE_RGBA, pixels);
    assert_int_equal(kiln_image_resize(image, 3, 3, KILN_IMAGE_FILTER_BILINEAR), KILN_OK);
    const unsigned char *p = pixels_of(image);
    const unsigned char top_left[] = {0, 0, 0, 0};
    const unsigned char top_middle[] = {30, 60, 120, 15};
    const unsigned char middle_left[] = {45, 15, 0, 128}; /* 127.5 rounds up */
    const unsigned char centre[] = {75, 60, 63, 72};      /* (0+60+90+150)/4, ... */
    const unsigned char bottom_right[] = {150, 90, 12, 3};
    assert_memory_equal(p + 0, top_left, 4);
    assert_memory_equal(p + 4, top_middle, 4);
    assert_memory_equal(p + 12, middle_left, 4);
    assert_memory_equal(p + 16, centre, 4);
    assert_memory_equal(p + 32, bottom_right, 4);
    kiln_image_release(image);
}

static void bilinear_works_through_float_for_wider_formats(void **state) {
    (void)state;
    const uint16_t shorts[] = {0, 40000, 65535, 65535, 40000, 0, 0, 65535};
    kiln_image *image = make_image(2, 1, KILN_PF_SHORT_RGBA, shorts);
    assert_int_equal(kiln_image_resize(image, 4, 1, KILN_IMAGE_FILTER_BILINEAR), KILN_OK);
    const uint16_t *s = (const uint16_t *)pixels_of(image);
    const uint16_t expected_shorts[] = {0,     40000, 65535, 65535, 10000, 30000, 49151, 65535,
                                        30000, 10000, 16384, 65535, 40000, 0,     0,     65535};
    assert_memory_equal(s, expected_shorts, sizeof expected_shorts);
    kiln_image_release(image);

    const float floats[] = {0.0f, 1.0f, -2.0f, 6.0f};
    image = make_image(2, 2, KILN_PF_FLOAT32_R, floats);
    assert_int_equal(kiln_image_resize(image, 4, 1, KILN_IMAGE_FILTER_BILINEAR), KILN_OK);
    /* Row sample 0.5 averages the rows: -1, 3.5; then columns as in the byte case. */
    const float *f = (const float *)pixels_of(image);
    assert_float_equal(f[0], -1.0f, 1e-6f);
    assert_float_equal(f[1], 0.125f, 1e-6f);
    assert_float_equal(f[2], 2.375f, 1e-6f);
    assert_float_equal(f[3], 3.5f, 1e-6f);
    kiln_image_release(image);
}

static void the_byte_path_agrees_with_the_float_path(void **state) {
    (void)state;
    /* 8-bit formats are filtered directly on bytes; the result must match filtering
     * the same pixels in float (up to rounding of exact halves). */
    unsigned char pixels[5 * 3 * 4];
    for (size_t i = 0; i < sizeof pixels; ++i)
        pixels[i] = (unsigned char)(i * 89 + 17);
    kiln_image *bytes = make_image(5, 3, KILN_PF_BYTE_RGBA, pixels);
    kiln_image *floats = make_image(5, 3, KILN_PF_BYTE_RGBA, pixels);
    assert_int_equal(kiln_image_convert(floats, KILN_PF_FLOAT32_RGBA), KILN_OK);
    assert_int_equal(kiln_image_resize(bytes, 8, 7, KILN_IMAGE_FILTER_BILINEAR), KILN_OK);
    assert_int_equal(kiln_image_resize(floats, 8, 7, KILN_IMAGE_FILTER_BILINEAR), KILN_OK);
    assert_int_equal(kiln_image_convert(floats, KILN_PF_BYTE_RGBA), KILN_OK);
    const unsigned char *a = pixels_of(bytes), *b = pixels_of(floats);
    for (size_t i = 0; i < 8 * 7 * 4; ++i)
        assert_in_range(a[i] - b[i] + 1, 0, 2);
    kiln_image_release(bytes);
    kiln_image_release(floats);
}

static void nearest_picks_the_covering_source_pixel(void **state) {
    (void)state;
    const unsigned char pixels[] = {10, 20, 30};
    kiln_image *image = make_image(3, 1, KILN_PF_L8, pixels);
    assert_int_equal(kiln_image_resize(image, 6, 2, KILN_IMAGE_FILTER_NEAREST), KILN_OK);
    const unsigned char expected[] = {10, 10, 20, 20, 30, 30, 10, 10, 20, 20, 30, 30};
    assert_memory_equal(pixels_of(image), expected, sizeof expected);
    assert_int_equal(kiln_image_resize(image, 4, 1, KILN_IMAGE_FILTER_NEAREST), KILN_OK);
    /* Centres 0.75, 2.25, 3.75, 5.25 of the 6 columns. */
    const unsigned char shrunk[] = {10, 20, 20, 30};
    assert_memory_equal(pixels_of(image), shrunk, sizeof shrunk);
    kiln_image_release(image);

    const float floats[] = {1.5f, -3.0f};
    image = make_image(2, 1, KILN_PF_FLOAT32_R, floats);
    assert_int_equal(kiln_image_resize(image, 3, 1, KILN_IMAGE_FILTER_NEAREST), KILN_OK);
    const float *f = (const float *)pixels_of(image);
    assert_true(f[0] == 1.5f && f[1] == -3.0f && f[2] == -3.0f);
    kiln_image_release(image);
}

static void resize_moves_to_new_memory_and_releases_the_old(void **state) {
    (void)state;
    unsigned char pixels[4] = {1, 2, 3, 4};
    kiln_stream *stream = NULL;
    release_calls = 0;
    assert_int_equal(
        kiln_stream_wrap_memory(pixels, sizeof pixels, false, count_release, NULL, &stream),
        KILN_OK);
    kiln_image *image = NULL;
    assert_int_equal(kiln_image_create(&image), KILN_OK);
    assert_int_equal(kiln_image_load_dynamic_image(image, stream, 2, 2, KILN_PF_L8), KILN_OK);
    kiln_stream_release(stream);
    assert_int_equal(kiln_image_resize(image, 2, 2, KILN_IMAGE_FILTER_BILINEAR), KILN_OK);
    assert_int_equal(release_calls, 1);
    assert_memory_equal(pixels_of(image), pixels, sizeof pixels);
    kiln_image_release(image);
}

static void bad_resize_arguments_fail_and_keep_the_image(void **state) {
    (void)state;
    const unsigned char pixels[] = {1, 2, 3, 4};
    kiln_image *image = make_image(2, 2, KILN_PF_L8, pixels);
    assert_int_equal(kiln_image_resize(image, 0, 2, KILN_IMAGE_FILTER_BILINEAR),
                     KILN_ERROR_INVALID_ARGUMENT);
    assert_non_null(strstr(kiln_last_error_message(), "0x2"));
    assert_int_equal(kiln_image_resize(image, 2, 0, KILN_IMAGE_FILTER_NEAREST),
                     KILN_ERROR_INVALID_ARGUMENT);
    assert_int_equal(kiln_image_resize(image, 3, 3, (kiln_image_filter)9),
                     KILN_ERROR_INVALID_ARGUMENT);
    assert_int_equal(kiln_image_resize(NULL, 3, 3, KILN_IMAGE_FILTER_NEAREST),
                     KILN_ERROR_INVALID_ARGUMENT);
    assert_int_equal(kiln_image_get_width(image), 2);
    assert_memory_equal(pixels_of(image), pixels, sizeof pixels);
    kiln_image_release(image);

    /* A size whose byte count overflows is refused rather than wrapped. */
    const float rgba[] = {0.0f, 0.25f, 0.5f, 1.0f};
    image = make_image(1, 1, KILN_PF_FLOAT32_RGBA, rgba);
    assert_int_equal(kiln_image_resize(image, UINT32_MAX, UINT32_MAX, KILN_IMAGE_FILTER_NEAREST),
                     KILN_ERROR_INVALID_ARGUMENT);
    assert_non_null(strstr(kiln_last_error_message(), "4294967295x4294967295"));
    assert_int_equal(kiln_image_get_width(image), 1);
    kiln_image_release(image);
}

static void convert_changes_the_format_into_new_memory(void **state) {
    (void)state;
    const unsigned char pixels[] = {255, 0, 51, 0, 102, 255};
    kiln_image *image = make_image(2, 1, KILN_PF_BYTE_RGB, pixels);
    const unsigned char *before = pixels_of(image);
    assert_int_equal(kiln_image_convert(image, KILN_PF_BYTE_BGRA), KILN_OK);
    assert_int_equal(kiln_image_get_format(image), KILN_PF_BYTE_BGRA);
    assert_int_equal(kiln_image_get_size(image), 8);
    assert_ptr_not_equal(pixels_of(image), before);
    /* A missing alpha reads as opaque. */
    const unsigned char bgra[] = {51, 0, 255, 255, 255, 102, 0, 255};
    assert_memory_equal(pixels_of(image), bgra, sizeof bgra);

    assert_int_equal(kiln_image_convert(image, KILN_PF_FLOAT32_RGBA), KILN_OK);
    const float *f = (const float *)pixels_of(image);
    assert_float_equal(f[0], 1.0f, 1e-6f);
    assert_float_equal(f[2], 0.2f, 1e-6f);
    assert_float_equal(f[5], 0.4f, 1e-6f);
    assert_float_equal(f[7], 1.0f, 1e-6f);

    assert_int_equal(kiln_image_convert(image, KILN_PF_BYTE_RGB), KILN_OK);
    assert_memory_equal(pixels_of(image), pixels, sizeof pixels);
    assert_int_equal(kiln_image_get_width(image), 2);
    assert_int_equal(kiln_image_get_height(image), 1);

    assert_int_equal(kiln_image_convert(image, (kiln_pixel_format)5), KILN_ERROR_INVALID_ARGUMENT);
    assert_int_equal(kiln_image_get_format(image), KILN_PF_BYTE_RGB);
    kiln_image_release(image);
}

static void retain_and_release_count_references(void **state) {
    (void)state;
    const unsigned char pixels[] = {7};
    kiln_image *image = make_image(1, 1, KILN_PF_L8, pixels);
    kiln_image_retain(image);
    kiln_image_release(image);
    assert_int_equal(pixels_of(image)[0], 7);
    kiln_image_release(image);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_new_image_is_empty),
        cmocka_unit_test(a_dynamic_image_uses_the_stream_memory_without_copying),
        cmocka_unit_test(a_dynamic_image_keeps_its_stream_alive),
        cmocka_unit_test(reloading_the_same_stream_keeps_it_alive),
        cmocka_unit_test(a_stream_too_small_fails_naming_both_sizes),
        cmocka_unit_test(bad_dynamic_image_arguments_fail),
        cmocka_unit_test(flip_around_x_reverses_the_rows_in_place),
        cmocka_unit_test(flip_around_y_reverses_whole_pixels),
        cmocka_unit_test(flipping_twice_restores_the_image),
        cmocka_unit_test(a_flip_never_writes_read_only_memory),
        cmocka_unit_test(bilinear_upscale_samples_pixel_centres),
        cmocka_unit_test(bilinear_downscale_averages_neighbours),
        cmocka_unit_test(bilinear_filters_both_axes_and_every_channel),
        cmocka_unit_test(bilinear_works_through_float_for_wider_formats),
        cmocka_unit_test(the_byte_path_agrees_with_the_float_path),
        cmocka_unit_test(nearest_picks_the_covering_source_pixel),
        cmocka_unit_test(resize_moves_to_new_memory_and_releases_the_old),
        cmocka_unit_test(bad_resize_arguments_fail_and_keep_the_image),
        cmocka_unit_test(convert_changes_the_format_into_new_memory),
        cmocka_unit_test(retain_and_release_count_references),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
