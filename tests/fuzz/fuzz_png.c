/* PNG decoding: any bytes either fail to decode with a Kiln error, leaving the image
 * empty and the stream where it was, or decode to an image that encodes to a PNG
 * which decodes to the same size, format and pixels. Flipping a decoded image twice
 * around each axis gives its pixels back. */
#include <kiln/kiln.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A broken promise of the library: stops the run so that libFuzzer keeps the input. */
static void check(bool ok, const char *what) {
    if (!ok) {
        fprintf(stderr, "fuzz_png: %s (last error: %s)\n", what, kiln_last_error_message());
        abort();
    }
}

static bool same_pixels(const kiln_image *a, const kiln_image *b) {
    if (kiln_image_get_width(a) != kiln_image_get_width(b) ||
        kiln_image_get_height(a) != kiln_image_get_height(b) ||
        kiln_image_get_format(a) != kiln_image_get_format(b) ||
        kiln_image_get_size(a) != kiln_image_get_size(b))
        return false;
    const void *pa = kiln_stream_get_pointer(kiln_image_get_stream(a));
    const void *pb = kiln_stream_get_pointer(kiln_image_get_stream(b));
    return memcmp(pa, pb, kiln_image_get_size(a)) == 0;
}

/* Flips img around one axis twice: the pixels must come back. */
static void check_flips(kiln_image *img, const kiln_image *original) {
    check(kiln_image_flip_around_x(img) == KILN_OK, "flip_around_x failed");
    check(kiln_image_flip_around_x(img) == KILN_OK, "flip_around_x failed");
    check(same_pixels(img, original), "flipping around x twice changed the pixels");
    check(kiln_image_flip_around_y(img) == KILN_OK, "flip_around_y failed");
    check(kiln_image_flip_around_y(img) == KILN_OK, "flip_around_y failed");
    check(same_pixels(img, original), "flipping around y twice changed the pixels");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    kiln_stream *source = NULL, *encoded = NULL;
    kiln_image *image = NULL, *decoded_again = NULL;
    kiln_clear_error();
    check(kiln_stream_create_copy(data, size, &source) == KILN_OK, "copying the input failed");
    check(kiln_image_create(&image) == KILN_OK, "creating an image failed");

    if (kiln_image_load_stream(image, source) != KILN_OK) {
        check(kiln_last_error() != KILN_OK, "a failed decode left no error");
        check(kiln_stream_tell(source) == 0, "a failed decode moved the stream");
        check(kiln_image_get_stream(image) == NULL && kiln_image_get_width(image) == 0,
              "a failed decode changed the image");
        goto done;
    }
    uint32_t width = kiln_image_get_width(image), height = kiln_image_get_height(image);
    kiln_pixel_format format = kiln_image_get_format(image);
    size_t bytes = 0;
    check(width > 0 && height > 0 && kiln_image_get_depth(image) == 1,
          "a decoded image has no pixels");
    check(kiln_pixel_format_get_memory_size(width, height, 1, format, &bytes) == KILN_OK &&
              bytes == kiln_image_get_size(image),
          "a decoded image's size does not match its dimensions and format");
    check(kiln_stream_get_size(kiln_image_get_stream(image)) >= bytes,
          "a decoded image's stream is smaller than its pixels");

    check(kiln_image_encode(image, &encoded) == KILN_OK, "encoding a decoded image failed");
    check(kiln_image_create(&decoded_again) == KILN_OK, "creating an image failed");
    check(kiln_image_load_stream(decoded_again, encoded) == KILN_OK,
          "decoding an encoded image failed");
    check(same_pixels(image, decoded_again),
          "an image decoded, encoded and decoded again differs from the first decode");
    check(kiln_stream_eof(encoded), "decoding an encoded image left bytes unread");

    /* Flips rewrite the pixels in place; the second copy keeps the reference. */
    check_flips(image, decoded_again);

done:
    kiln_image_release(decoded_again);
    kiln_image_release(image);
    kiln_stream_release(encoded);
    kiln_stream_release(source);
    return 0;
}
