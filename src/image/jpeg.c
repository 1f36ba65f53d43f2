/* JPEG decoding with libjpeg(-turbo): baseline and progressive, grey or colour, into
 * PF_L8 or PF_BYTE_RGB images. libjpeg reports errors by calling error_exit, which
 * here jumps back to the decoder with the message; nothing that allocates sits
 * between the jump target and the call. */
#include "image_internal.h"

#include <setjmp.h>
#include <stdio.h>
#include <string.h>

#include <jpeglib.h>

/* A JPEG decodes to at most this many bytes per byte of the file (and 16 MiB more):
 * far above what real pictures reach, and far below what a few bytes declaring an
 * image of 65500 x 65500 pixels would make the decoder allocate. */
#define JPEG_MAX_RATIO 1024u
#define JPEG_RATIO_SLACK ((size_t)16 << 20)

typedef struct jpeg_failure {
    struct jpeg_error_mgr manager; /* first: libjpeg passes it for the whole */
    jmp_buf jump;
    char reason[JMSG_LENGTH_MAX];
} jpeg_failure;

static void on_error(j_common_ptr info) {
    jpeg_failure *failure = (jpeg_failure *)(void *)info->err;
    failure->manager.format_message(info, failure->reason);
    longjmp(failure->jump, 1);
}

/* Warnings (a corrupt marker it can skip) do not stop decoding. */
static void on_message(j_common_ptr info, int level) {
    (void)info;
    (void)level;
}

bool kiln__is_jpeg(const unsigned char *bytes, size_t size) {
    return size >= 3 && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[2] == 0xFF;
}

/* The state the decoder keeps across the jump: volatile where it changes after it. */
typedef struct jpeg_reader {
    struct jpeg_decompress_struct info;
    jpeg_failure failure;
    kiln_stream *pixels;
    kiln_result result; /* a Kiln failure inside the decoder, or KILN_OK */
} jpeg_reader;

static bool decode_run(jpeg_reader *r, const unsigned char *data, size_t size, const char *function,
                       const char *origin) {
    if (setjmp(r->failure.jump))
        return false;
    jpeg_create_decompress(&r->info);
    jpeg_mem_src(&r->info, data, (unsigned long)size);
    jpeg_read_header(&r->info, TRUE);
    J_COLOR_SPACE space = r->info.jpeg_color_space;
    if (space == JCS_CMYK || space == JCS_YCCK) {
        r->result = kiln__fail(KILN_ERROR_UNSUPPORTED,
                               "%s: cannot decode JPEG %s: CMYK pictures are not supported; "
                               "convert it to RGB",
                               function, origin);
        return false;
    }
    r->info.out_color_space = space == JCS_GRAYSCALE ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_start_decompress(&r->info);
    const size_t width = r->info.output_width, height = r->info.output_height;
    const size_t channels = (size_t)r->info.output_components;
    const size_t bytes = width * height * channels; /* at most 65535^2 x 3: no overflow */
    if (bytes > size * JPEG_MAX_RATIO + JPEG_RATIO_SLACK) {
        r->result = kiln__fail(KILN_ERROR_INVALID_ARGUMENT,
                               "%s: cannot decode JPEG %s: it declares %zux%zu pixels, more than "
                               "its %zu bytes can hold",
                               function, origin, width, height, size);
        return false;
    }
    r->result = kiln_stream_create_memory(bytes, &r->pixels);
    if (r->result != KILN_OK)
        return false;
    unsigned char *out = kiln_stream_get_pointer(r->pixels);
    while (r->info.output_scanline < r->info.output_height) {
        JSAMPROW row = out + (size_t)r->info.output_scanline * width * channels;
        jpeg_read_scanlines(&r->info, &row, 1);
    }
    jpeg_finish_decompress(&r->info);
    return true;
}

kiln_result kiln__jpeg_decode(kiln_image *self, kiln_stream *source, const char *function,
                              const char *origin) {
    size_t start = kiln_stream_tell(source);
    size_t size = kiln_stream_get_size(source) - start;
    if (size == 0)
        return kiln__fail(KILN_ERROR_INVALID_ARGUMENT, "%s: cannot decode JPEG %s: no bytes left",
                          function, origin);
    const unsigned char *data = (const unsigned char *)kiln_stream_get_pointer(source) + start;
    jpeg_reader *r = kiln__calloc(1, sizeof *r);
    if (!r)
        return kiln__fail_oom("a JPEG decoder", sizeof *r);
    r->info.err = jpeg_std_error(&r->failure.manager);
    r->failure.manager.error_exit = on_error;
    r->failure.manager.emit_message = on_message;
    bool ok = decode_run(r, data, size, function, origin);
    size_t used = ok ? size - r->info.src->bytes_in_buffer : 0;
    uint32_t width = r->info.output_width, height = r->info.output_height;
    kiln_pixel_format format = r->info.output_components == 1 ? KILN_PF_L8 : KILN_PF_BYTE_RGB;
    jpeg_destroy_decompress(&r->info);
    kiln_result result = r->result;
    kiln_stream *pixels = r->pixels;
    char reason[JMSG_LENGTH_MAX];
    memcpy(reason, r->failure.reason, sizeof reason);
    kiln__free(r);
    if (!ok) {
        kiln_stream_release(pixels);
        if (result != KILN_OK)
            return result;
        return kiln__fail(KILN_ERROR_INVALID_ARGUMENT, "%s: cannot decode JPEG %s: %s", function,
                          origin, reason);
    }
    kiln_stream_seek(source, (int64_t)(start + used), KILN_SEEK_SET);
    kiln_result loaded = kiln_image_load_dynamic_image(self, pixels, width, height, format);
    kiln_stream_release(pixels);
    return loaded;
}
