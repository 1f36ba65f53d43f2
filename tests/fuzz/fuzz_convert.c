/* Pixel format conversion: input-chosen pairs of formats (now and then an invalid one)
 * and pixel counts, with buffers of exactly count times each format's bytes. A
 * conversion must equal the one through PF_FLOAT32_RGBA (the intermediate that defines
 * it), or be a copy when both formats are the same, and converting in place must give
 * what converting into separate memory gives. Also: format names from input strings,
 * and the overflow checks of kiln_pixel_format_get_memory_size. */
#define FUZZ_TARGET "fuzz_convert"
#include "fuzz_input.h"

#include <kiln/kiln.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PIXELS 2048u

static uint32_t take_u32(input *in) { return (uint32_t)take_bytes(in, 4); }

static kiln_pixel_format valid_formats[256];
static size_t num_valid_formats;

/* Numbers that name no format. */
static const int invalid_formats[] = {0, 5, 8, 14, 26, 30, 37, 107, 109, 255, -1, 1 << 20};

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
    for (int f = 0; f < 256; f++)
        if (kiln_pixel_format_is_valid((kiln_pixel_format)f))
            valid_formats[num_valid_formats++] = (kiln_pixel_format)f;
    return 0;
}

/* Mostly a valid format; one selector value in sixteen gives an invalid one. */
static kiln_pixel_format take_format(input *in) {
    uint8_t s = take_u8(in);
    if (s >= 0xF0)
        return (kiln_pixel_format)
            invalid_formats[(s - 0xF0u) % (sizeof invalid_formats / sizeof invalid_formats[0])];
    return valid_formats[s % num_valid_formats];
}

static void check_format_queries(kiln_pixel_format f) {
    bool valid = kiln_pixel_format_is_valid(f);
    const char *name = kiln_pixel_format_get_name(f);
    check(name != NULL, "a format has no name");
    check(valid == (strcmp(name, "PF_UNKNOWN") != 0), "only invalid formats are PF_UNKNOWN");
    uint32_t bytes = kiln_pixel_format_get_num_elem_bytes(f);
    uint32_t components = kiln_pixel_format_get_component_count(f);
    if (!valid) {
        check(bytes == 0 && components == 0 && kiln_pixel_format_get_flags(f) == 0,
              "an invalid format has a size, components or flags");
        return;
    }
    check(bytes >= 1 && bytes <= 16 && components >= 1 && components <= 4 && bytes >= components,
          "a valid format's size and component count disagree");
    kiln_pixel_format back = KILN_PF_UNKNOWN;
    check(kiln_pixel_format_from_name(name, &back) == KILN_OK && back == f,
          "a format's name does not give the format back");
}

/* Names from input bytes: whatever is accepted is a valid format whose name, less the
 * optional "PF_" and compared regardless of case, is the input or one of its aliases. */
static void check_name(input *in) {
    char name[40];
    size_t n = take_u8(in) % sizeof name;
    for (size_t i = 0; i < n; i++)
        name[i] = (char)take_u8(in);
    name[n] = '\0';
    kiln_pixel_format f = (kiln_pixel_format)12345;
    kiln_result r = kiln_pixel_format_from_name(name, &f);
    if (r == KILN_OK)
        check(kiln_pixel_format_is_valid(f), "a name gave an invalid format");
    else
        check(r == KILN_ERROR_INVALID_ARGUMENT && f == KILN_PF_UNKNOWN,
              "an unknown name did not fail cleanly");
}

static void check_memory_size(input *in, kiln_pixel_format f) {
    uint32_t w = take_u32(in), h = take_u32(in), d = take_u32(in);
    size_t size = 1, expected;
    kiln_result r = kiln_pixel_format_get_memory_size(w, h, d, f, &size);
    uint32_t bytes = kiln_pixel_format_get_num_elem_bytes(f);
    bool fits = !__builtin_mul_overflow((size_t)w, (size_t)h, &expected) &&
                !__builtin_mul_overflow(expected, (size_t)d, &expected) &&
                !__builtin_mul_overflow(expected, (size_t)bytes, &expected);
    if (!kiln_pixel_format_is_valid(f))
        check(r == KILN_ERROR_INVALID_ARGUMENT && size == 0, "an invalid format has a size");
    else if (fits)
        check(r == KILN_OK && size == expected, "get_memory_size gave the wrong size");
    else
        check(r == KILN_ERROR_OUT_OF_RANGE && size == 0, "get_memory_size missed an overflow");
}

/* A buffer of exactly n bytes (ASan knows its end); malloc(0) is avoided. */
static uint8_t *buffer(size_t n) {
    uint8_t *p = malloc(n ? n : 1);
    check(p != NULL, "out of memory in the fuzzer");
    return p;
}

/* Checks that two conversions of src gave the same pixels, naming the first that differ. */
static void check_same(const uint8_t *src, kiln_pixel_format sf, const uint8_t *a, const uint8_t *b,
                       kiln_pixel_format df, size_t count, const char *how) {
    size_t sb = kiln_pixel_format_get_num_elem_bytes(sf);
    size_t db = kiln_pixel_format_get_num_elem_bytes(df);
    for (size_t i = 0; i < count * db; i++) {
        if (a[i] == b[i])
            continue;
        size_t p = i / db;
        fprintf(stderr, "fuzz_convert: pixel %zu of %s to %s:", p, kiln_pixel_format_get_name(sf),
                kiln_pixel_format_get_name(df));
        for (size_t k = 0; k < sb; k++)
            fprintf(stderr, " %02x", src[p * sb + k]);
        fprintf(stderr, " gives");
        for (size_t k = 0; k < db; k++)
            fprintf(stderr, " %02x", a[p * db + k]);
        fprintf(stderr, " directly but");
        for (size_t k = 0; k < db; k++)
            fprintf(stderr, " %02x", b[p * db + k]);
        fprintf(stderr, " %s\n", how);
        check(false, "two ways of making the same conversion differ");
    }
}

static void check_conversion(input *in) {
    kiln_pixel_format sf = take_format(in), df = take_format(in);
    uint8_t flags = take_u8(in);
    size_t count = (take_u8(in) | (size_t)take_u8(in) << 8) % (MAX_PIXELS + 1);
    bool valid = kiln_pixel_format_is_valid(sf) && kiln_pixel_format_is_valid(df);
    size_t sb = kiln_pixel_format_get_num_elem_bytes(sf);
    size_t db = kiln_pixel_format_get_num_elem_bytes(df);

    uint8_t *src = buffer(count * sb), *dst = buffer(count * db);
    for (size_t i = 0; i < count * sb; i++)
        src[i] = in->size ? take_u8(in) : (uint8_t)(i * 37u + 11u);
    memset(dst, 0xA5, count * db);

    kiln_result r = kiln_pixel_convert_pixels(src, sf, dst, df, count);
    if (!valid) {
        check(r == KILN_ERROR_INVALID_ARGUMENT, "converting an invalid format did not fail");
        goto done;
    }
    check(r == KILN_OK, "converting between valid formats failed");
    /* Into the same format: a copy (X channels included, which the float path would
     * set to the maximum). */
    if (sf == df)
        check(memcmp(src, dst, count * db) == 0, "converting into the same format is no copy");

    /* A count whose bytes overflow fails before touching either buffer. */
    size_t larger = sb > db ? sb : db;
    if ((flags & 1) && larger > 1) {
        r = kiln_pixel_convert_pixels(src, sf, dst, df, SIZE_MAX / larger + 1);
        check(r == KILN_ERROR_OUT_OF_RANGE, "an overflowing pixel count did not fail");
    }

    /* The definition: through the float RGBA intermediate. */
    if ((flags & 2) && sf != df) {
        float *mid = (float *)(void *)buffer(count * 16);
        uint8_t *ref = buffer(count * db);
        check(kiln_pixel_convert_pixels(src, sf, mid, KILN_PF_FLOAT32_RGBA, count) == KILN_OK,
              "converting to PF_FLOAT32_RGBA failed");
        check(kiln_pixel_convert_pixels(mid, KILN_PF_FLOAT32_RGBA, ref, df, count) == KILN_OK,
              "converting from PF_FLOAT32_RGBA failed");
        check_same(src, sf, dst, ref, df, count, "through PF_FLOAT32_RGBA");
        free(ref);
        free(mid);
    }

    /* In place: allowed into a format no larger, and then the same bytes. */
    if (flags & 4) {
        uint8_t *same = buffer(count * sb);
        memcpy(same, src, count * sb);
        r = kiln_pixel_convert_pixels(same, sf, same, df, count);
        if (db <= sb) {
            check(r == KILN_OK, "an in-place conversion into a smaller format failed");
            check_same(src, sf, dst, same, df, count, "in place");
        } else {
            check(r == KILN_ERROR_INVALID_ARGUMENT || count == 0,
                  "an in-place conversion into a larger format did not fail");
        }
        free(same);
    }

    /* Partly overlapping buffers are refused, except exactly in place. */
    if ((flags & 8) && count > 1) {
        size_t span = count * (sb > db ? sb : db);
        uint8_t *shared = buffer(span + 1);
        memset(shared, 0, span + 1);
        r = kiln_pixel_convert_pixels(shared, sf, shared + 1, df, count);
        check(r == KILN_ERROR_INVALID_ARGUMENT, "an overlapping conversion did not fail");
        free(shared);
    }

done:
    free(dst);
    free(src);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    input in = {data, size};
    kiln_clear_error();
    check_format_queries((kiln_pixel_format)(int32_t)take_u32(&in));
    check_format_queries(take_format(&in));
    check_name(&in);
    check_memory_size(&in, take_format(&in));
    check_conversion(&in);
    return 0;
}
