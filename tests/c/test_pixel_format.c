/* Pixel formats: every format's description, names in both directions, aliases
 * and invalid formats. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "pixel/format.h"

#define A KILN_PFF_HASALPHA
#define F KILN_PFF_FLOAT
#define D KILN_PFF_DEPTH
#define L KILN_PFF_LUMINANCE
#define N KILN_PFF_NATIVEENDIAN

/* The specification, written out independently of the library's table. `memory`
 * lists the channels in memory order, one letter per component. */
static const struct expected_format {
    kiln_pixel_format format;
    const char *name;
    uint32_t bytes;
    uint32_t components;
    kiln_pixel_component_type type;
    uint32_t flags;
    const char *memory;
} expected[] = {
    {KILN_PF_L8, "PF_L8", 1, 1, KILN_PCT_BYTE, L | N, "L"},
    {KILN_PF_L16, "PF_L16", 2, 1, KILN_PCT_SHORT, L | N, "L"},
    {KILN_PF_A8, "PF_A8", 1, 1, KILN_PCT_BYTE, A | N, "A"},
    {KILN_PF_BYTE_LA, "PF_BYTE_LA", 2, 2, KILN_PCT_BYTE, A | L, "LA"},
    {KILN_PF_R8G8B8, "PF_R8G8B8", 3, 3, KILN_PCT_BYTE, N, "BGR"},
    {KILN_PF_B8G8R8, "PF_B8G8R8", 3, 3, KILN_PCT_BYTE, N, "RGB"},
    {KILN_PF_A8R8G8B8, "PF_A8R8G8B8", 4, 4, KILN_PCT_BYTE, A | N, "BGRA"},
    {KILN_PF_A8B8G8R8, "PF_A8B8G8R8", 4, 4, KILN_PCT_BYTE, A | N, "RGBA"},
    {KILN_PF_B8G8R8A8, "PF_B8G8R8A8", 4, 4, KILN_PCT_BYTE, A | N, "ARGB"},
    {KILN_PF_FLOAT16_RGB, "PF_FLOAT16_RGB", 6, 3, KILN_PCT_FLOAT16, F, "RGB"},
    {KILN_PF_FLOAT16_RGBA, "PF_FLOAT16_RGBA", 8, 4, KILN_PCT_FLOAT16, A | F, "RGBA"},
    {KILN_PF_FLOAT32_RGB, "PF_FLOAT32_RGB", 12, 3, KILN_PCT_FLOAT32, F, "RGB"},
    {KILN_PF_FLOAT32_RGBA, "PF_FLOAT32_RGBA", 16, 4, KILN_PCT_FLOAT32, A | F, "RGBA"},
    {KILN_PF_X8R8G8B8, "PF_X8R8G8B8", 4, 4, KILN_PCT_BYTE, N, "BGRX"},
    {KILN_PF_R8G8B8A8, "PF_R8G8B8A8", 4, 4, KILN_PCT_BYTE, A | N, "ABGR"},
    {KILN_PF_DEPTH16, "PF_DEPTH16", 2, 1, KILN_PCT_SHORT, D, "R"},
    {KILN_PF_SHORT_RGBA, "PF_SHORT_RGBA", 8, 4, KILN_PCT_SHORT, A, "RGBA"},
    {KILN_PF_FLOAT16_R, "PF_FLOAT16_R", 2, 1, KILN_PCT_FLOAT16, F, "R"},
    {KILN_PF_FLOAT32_R, "PF_FLOAT32_R", 4, 1, KILN_PCT_FLOAT32, F, "R"},
    {KILN_PF_FLOAT16_GR, "PF_FLOAT16_GR", 4, 2, KILN_PCT_FLOAT16, F, "GR"},
    {KILN_PF_FLOAT32_GR, "PF_FLOAT32_GR", 8, 2, KILN_PCT_FLOAT32, F, "GR"},
    {KILN_PF_DEPTH32F, "PF_DEPTH32F", 4, 1, KILN_PCT_FLOAT32, D | F, "R"},
    {KILN_PF_SHORT_GR, "PF_SHORT_GR", 4, 2, KILN_PCT_SHORT, 0, "GR"},
    {KILN_PF_SHORT_RGB, "PF_SHORT_RGB", 6, 3, KILN_PCT_SHORT, 0, "RGB"},
};

#define EXPECTED_COUNT (sizeof expected / sizeof expected[0])

static void test_every_format_is_described_as_specified(void **state) {
    (void)state;
    for (size_t i = 0; i < EXPECTED_COUNT; i++) {
        const struct expected_format *e = &expected[i];
        assert_true(kiln_pixel_format_is_valid(e->format));
        assert_string_equal(kiln_pixel_format_get_name(e->format), e->name);
        assert_int_equal(kiln_pixel_format_get_num_elem_bytes(e->format), e->bytes);
        assert_int_equal(kiln_pixel_format_get_component_count(e->format), e->components);
        assert_int_equal(kiln_pixel_format_get_component_type(e->format), e->type);
        if (kiln_pixel_format_get_flags(e->format) != e->flags)
            fail_msg("%s has flags %u, expected %u", e->name,
                     kiln_pixel_format_get_flags(e->format), e->flags);
        /* Bytes are components times the component size. */
        assert_int_equal(e->bytes, e->components * kiln__component_size(e->type));
    }
}

static void test_channels_lie_where_the_memory_order_says(void **state) {
    (void)state;
    static const char letters[KILN__CH_COUNT] = {'R', 'G', 'B', 'A', 'L', 'X'};
    for (size_t i = 0; i < EXPECTED_COUNT; i++) {
        const struct expected_format *e = &expected[i];
        const kiln__pixel_format_desc *d = kiln__pixel_format_describe(e->format);
        assert_non_null(d);
        assert_int_equal(strlen(e->memory), e->components);
        uint32_t size = kiln__component_size(e->type);
        for (int ch = 0; ch < KILN__CH_COUNT; ch++) {
            const char *at = strchr(e->memory, letters[ch]);
            int want = at ? (int)((at - e->memory) * size) : -1;
            if (d->offset[ch] != want)
                fail_msg("%s: channel %c at byte %d, expected %d", e->name, letters[ch],
                         d->offset[ch], want);
        }
    }
}

static void test_packed_formats_are_native_endian_integers(void **state) {
    (void)state;
    /* PF_A8R8G8B8 is the integer 0xAARRGGBB; on this machine its bytes are B,G,R,A. */
    const uint32_t argb = 0x80402010u; /* A=0x80 R=0x40 G=0x20 B=0x10 */
    const kiln__pixel_format_desc *d = kiln__pixel_format_describe(KILN_PF_A8R8G8B8);
    unsigned char bytes[4];
    memcpy(bytes, &argb, 4);
    assert_int_equal(bytes[d->offset[KILN__CH_A]], 0x80);
    assert_int_equal(bytes[d->offset[KILN__CH_R]], 0x40);
    assert_int_equal(bytes[d->offset[KILN__CH_G]], 0x20);
    assert_int_equal(bytes[d->offset[KILN__CH_B]], 0x10);

    /* PF_R8G8B8A8 is 0xRRGGBBAA. */
    const uint32_t rgba = 0x10204080u; /* R=0x10 G=0x20 B=0x40 A=0x80 */
    d = kiln__pixel_format_describe(KILN_PF_R8G8B8A8);
    memcpy(bytes, &rgba, 4);
    assert_int_equal(bytes[d->offset[KILN__CH_R]], 0x10);
    assert_int_equal(bytes[d->offset[KILN__CH_G]], 0x20);
    assert_int_equal(bytes[d->offset[KILN__CH_B]], 0x40);
    assert_int_equal(bytes[d->offset[KILN__CH_A]], 0x80);
}

static void test_the_table_holds_exactly_the_valid_formats(void **state) {
    (void)state;
    size_t count = 0;
    const kiln__pixel_format_desc *table = kiln__pixel_format_table(&count);
    assert_int_equal(count, EXPECTED_COUNT);
    for (size_t i = 0; i < count; i++)
        assert_ptr_equal(kiln__pixel_format_describe(table[i].format), &table[i]);
    /* No other number is a valid format. */
    size_t valid = 0;
    for (int f = -300; f <= 300; f++)
        if (kiln_pixel_format_is_valid((kiln_pixel_format)f))
            valid++;
    assert_int_equal(valid, EXPECTED_COUNT);
}

static void test_names_map_back_to_their_formats(void **state) {
    (void)state;
    for (size_t i = 0; i < EXPECTED_COUNT; i++) {
        kiln_pixel_format f = KILN_PF_UNKNOWN;
        assert_int_equal(kiln_pixel_format_from_name(expected[i].name, &f), KILN_OK);
        assert_int_equal(f, expected[i].format);
    }
}

static void test_memory_order_aliases(void **state) {
    (void)state;
    const struct {
        const char *name;
        kiln_pixel_format format;
        const char *canonical;
    } aliases[] = {
        {"PF_BYTE_RGB", KILN_PF_BYTE_RGB, "PF_B8G8R8"},
        {"PF_BYTE_BGR", KILN_PF_BYTE_BGR, "PF_R8G8B8"},
        {"PF_BYTE_RGBA", KILN_PF_BYTE_RGBA, "PF_A8B8G8R8"},
        {"PF_BYTE_BGRA", KILN_PF_BYTE_BGRA, "PF_A8R8G8B8"},
        {"PF_BYTE_ARGB", KILN_PF_BYTE_ARGB, "PF_B8G8R8A8"},
        {"PF_BYTE_ABGR", KILN_PF_BYTE_ABGR, "PF_R8G8B8A8"},
        {"PF_BYTE_L", KILN_PF_BYTE_L, "PF_L8"},
        {"PF_BYTE_A", KILN_PF_BYTE_A, "PF_A8"},
        {"PF_SHORT_L", KILN_PF_SHORT_L, "PF_L16"},
    };
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++) {
        kiln_pixel_format f = KILN_PF_UNKNOWN;
        assert_int_equal(kiln_pixel_format_from_name(aliases[i].name, &f), KILN_OK);
        assert_int_equal(f, aliases[i].format);
        /* An alias is the same format, so it has the canonical name. */
        assert_string_equal(kiln_pixel_format_get_name(f), aliases[i].canonical);
    }
    /* An alias names the memory order: PF_BYTE_RGB lies R,G,B in memory. */
    const kiln__pixel_format_desc *d = kiln__pixel_format_describe(KILN_PF_BYTE_RGB);
    assert_int_equal(d->offset[KILN__CH_R], 0);
    assert_int_equal(d->offset[KILN__CH_G], 1);
    assert_int_equal(d->offset[KILN__CH_B], 2);
    d = kiln__pixel_format_describe(KILN_PF_BYTE_BGRA);
    assert_int_equal(d->offset[KILN__CH_B], 0);
    assert_int_equal(d->offset[KILN__CH_A], 3);
}

static void test_names_without_prefix_or_in_lower_case(void **state) {
    (void)state;
    kiln_pixel_format f = KILN_PF_UNKNOWN;
    assert_int_equal(kiln_pixel_format_from_name("BYTE_RGB", &f), KILN_OK);
    assert_int_equal(f, KILN_PF_BYTE_RGB);
    assert_int_equal(kiln_pixel_format_from_name("a8r8g8b8", &f), KILN_OK);
    assert_int_equal(f, KILN_PF_A8R8G8B8);
    assert_int_equal(kiln_pixel_format_from_name("pf_float32_rgba", &f), KILN_OK);
    assert_int_equal(f, KILN_PF_FLOAT32_RGBA);
    assert_int_equal(kiln_pixel_format_from_name("DEPTH32F", &f), KILN_OK);
    assert_int_equal(f, KILN_PF_DEPTH32F);
}

static void test_unknown_names_fail_with_the_name_in_the_message(void **state) {
    (void)state;
    const char *bad[] = {"",        "PF_",         "PF_UNKNOWN", "PF_R8G8B", "PF_R8G8B8X",
                         "RGB",     "PF_PF_L8",    " PF_L8",     "PF_L8 ",   "PF_FLOAT64_R",
                         "PF_A4L4", "PF_BYTE_XYZ", "PF_DEPTH24", "PF_L8\t"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        kiln_pixel_format f = KILN_PF_L8;
        if (kiln_pixel_format_from_name(bad[i], &f) != KILN_ERROR_INVALID_ARGUMENT)
            fail_msg("'%s' was accepted as a format name", bad[i]);
        assert_int_equal(f, KILN_PF_UNKNOWN);
        char quoted[64];
        snprintf(quoted, sizeof quoted, "'%s'", bad[i]);
        assert_non_null(strstr(kiln_last_error_message(), quoted));
    }
    kiln_pixel_format f;
    assert_int_equal(kiln_pixel_format_from_name(NULL, &f), KILN_ERROR_INVALID_ARGUMENT);
    assert_int_equal(kiln_pixel_format_from_name("PF_L8", NULL), KILN_ERROR_INVALID_ARGUMENT);
}

static void test_invalid_formats_describe_as_nothing(void **state) {
    (void)state;
    const int invalid[] = {0, 5, 6, 7, 8, 14, 20, 26, 30, 37, 107, 109, -1, 1000};
    for (size_t i = 0; i < sizeof invalid / sizeof invalid[0]; i++) {
        kiln_pixel_format f = (kiln_pixel_format)invalid[i];
        assert_false(kiln_pixel_format_is_valid(f));
        assert_string_equal(kiln_pixel_format_get_name(f), "PF_UNKNOWN");
        assert_int_equal(kiln_pixel_format_get_num_elem_bytes(f), 0);
        assert_int_equal(kiln_pixel_format_get_component_count(f), 0);
        assert_int_equal(kiln_pixel_format_get_flags(f), 0);
        assert_null(kiln__pixel_format_describe(f));
    }
    assert_false(kiln_pixel_format_is_valid(KILN_PF_UNKNOWN));
}

static void test_memory_size_of_a_packed_volume(void **state) {
    (void)state;
    size_t size = 1;
    assert_int_equal(kiln_pixel_format_get_memory_size(4, 3, 2, KILN_PF_BYTE_RGB, &size), KILN_OK);
    assert_int_equal(size, 4 * 3 * 2 * 3);
    assert_int_equal(kiln_pixel_format_get_memory_size(640, 480, 1, KILN_PF_FLOAT32_RGBA, &size),
                     KILN_OK);
    assert_int_equal(size, 640 * 480 * 16);
    assert_int_equal(kiln_pixel_format_get_memory_size(0, 480, 1, KILN_PF_L8, &size), KILN_OK);
    assert_int_equal(size, 0);
}

static void test_memory_size_fails_on_invalid_format_or_overflow(void **state) {
    (void)state;
    size_t size = 1;
    assert_int_equal(kiln_pixel_format_get_memory_size(4, 4, 1, (kiln_pixel_format)5, &size),
                     KILN_ERROR_INVALID_ARGUMENT);
    assert_non_null(strstr(kiln_last_error_message(), "5"));
    assert_int_equal(size, 0);
    if (sizeof(size_t) == 8) {
        assert_int_equal(kiln_pixel_format_get_memory_size(UINT32_MAX, UINT32_MAX, UINT32_MAX,
                                                           KILN_PF_FLOAT32_RGBA, &size),
                         KILN_ERROR_OUT_OF_RANGE);
        assert_non_null(strstr(kiln_last_error_message(), "PF_FLOAT32_RGBA"));
    }
    assert_int_equal(kiln_pixel_format_get_memory_size(1, 1, 1, KILN_PF_L8, NULL),
                     KILN_ERROR_INVALID_ARGUMENT);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_format_is_described_as_specified),
        cmocka_unit_test(test_channels_lie_where_the_memory_order_says),
        cmocka_unit_test(test_packed_formats_are_native_endian_integers),
        cmocka_unit_test(test_the_table_holds_exactly_the_valid_formats),
        cmocka_unit_test(test_names_map_back_to_their_formats),
        cmocka_unit_test(test_memory_order_aliases),
        cmocka_unit_test(test_names_without_prefix_or_in_lower_case),
        cmocka_unit_test(test_unknown_names_fail_with_the_name_in_the_message),
        cmocka_unit_test(test_invalid_formats_describe_as_nothing),
        cmocka_unit_test(test_memory_size_of_a_packed_volume),
        cmocka_unit_test(test_memory_size_fails_on_invalid_format_or_overflow),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
