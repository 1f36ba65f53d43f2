/* PixelBox: extent, pitches and offset over a stream; sub-volumes; bounds; the
 * stream's lifetime; conversion between boxes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include <kiln/kiln.h>

static kiln_box make_box(uint32_t l, uint32_t t, uint32_t f, uint32_t r, uint32_t b, uint32_t k) {
    kiln_box box = {l, t, f, r, b, k};
    return box;
}

static void assert_box(kiln_box got, kiln_box want) {
    assert_memory_equal(&got, &want, sizeof got);
}

/* ---- construction -------------------------------------------------------------- */

static void test_create_allocates_a_zeroed_packed_stream(void **state) {
    (void)state;
    kiln_pixelbox *box = NULL;
    assert_int_equal(kiln_pixelbox_create(4, 3, 2, KILN_PF_BYTE_RGB, NULL, &box), KILN_OK);
    assert_int_equal(kiln_pixelbox_get_width(box), 4);
    assert_int_equal(kiln_pixelbox_get_height(box), 3);
    assert_int_equal(kiln_pixelbox_get_depth(box), 2);
    assert_int_equal(kiln_pixelbox_get_format(box), KILN_PF_BYTE_RGB);
    assert_box(kiln_pixelbox_get_extent(box), make_box(0, 0, 0, 4, 3, 2));
    assert_int_equal(kiln_pixelbox_get_row_pitch(box), 4);
    assert_int_equal(kiln_pixelbox_get_slice_pitch(box), 12);
    assert_int_equal(kiln_pixelbox_get_offset(box), 0);
    assert_true(kiln_pixelbox_get_is_consecutive(box));
    assert_int_equal(kiln_pixelbox_get_consecutive_size(box), 4 * 3 * 2 * 3);

    kiln_stream *storage = kiln_pixelbox_get_storage(box);
    assert_non_null(storage);
    assert_int_equal(kiln_stream_get_size(storage), 72);
    assert_ptr_equal(kiln_pixelbox_get_data(box), kiln_stream_get_pointer(storage));
    const uint8_t zeros[72] = {0};
    assert_memory_equal(kiln_pixelbox_get_data(box), zeros, 72);
    kiln_pixelbox_release(box);
}

static void test_create_over_given_storage_uses_it(void **state) {
    (void)state;
    kiln_stream *s = NULL;
    assert_int_equal(kiln_stream_create_memory(100, &s), KILN_OK); /* larger than needed */
    kiln_pixelbox *box = NULL;
    assert_int_equal(kiln_pixelbox_create(5, 5, 1, KILN_PF_A8R8G8B8, s, &box), KILN_OK);
    assert_ptr_equal(kiln_pixelbox_get_storage(box), s);
    assert_ptr_equal(kiln_pixelbox_get_data(box), kiln_stream_get_pointer(s));
    kiln_pixelbox_release(box);
    kiln_stream_release(s);
}

static void test_create_fails_when_the_stream_is_too_small(void **state) {
    (void)state;
    kiln_stream *s = NULL;
    assert_int_equal(kiln_stream_create_memory(47, &s), KILN_OK);
    kiln_pixelbox *box = (kiln_pixelbox *)s;
    assert_int_equal(kiln_pixelbox_create(4, 4, 1, KILN_PF_BYTE_RGB, s, &box),
                     KILN_ERROR_INVALID_ARGUMENT);
    assert_null(box);
    const char *msg = kiln_last_error_message();
    assert_non_null(strstr(msg, "4x4x1"));
    assert_non_null(strstr(msg, "PF_B8G8R8"));
    assert_non_null(strstr(msg, "48 bytes"));
    assert_non_null(strstr(msg, "47"));
    kiln_stream_release(s);
}

static void test_create_rejects_bad_arguments(void **state) {
    (void)state;
    kiln_pixelbox *box = NULL;
    assert_int_equal(kiln_pixelbox_create(4, 4, 1, (kiln_pixel_format)5, NULL, &box),
                     KILN_ERROR_INVALID_ARGUMENT);
    assert_int_equal(kiln_pixelbox_create(4, 4, 1, KILN_PF_L8, NULL, NULL),
                     KILN_ERROR_INVALID_ARGUMENT);
    assert_int_equal(
        kiln_pixelbox_create(UINT32_MAX, UINT32_MAX, UINT32_MAX, KILN_PF_FLOAT32_RGBA, NULL, &box),
        KILN_ERROR_OUT_OF_RANGE);
    assert_null(box);
    kiln_box extent = make_box(0, 0, 0, 1, 1, 1);
    kiln_stream *s = NULL;
    assert_int_equal(kiln_stream_create_memory(4, &s), KILN_OK);
    assert_int_equal(kiln_pixelbox_create_over(NULL, KILN_PF_L8, s, 0, 0, 0, &box),
                     KILN_ERROR_INVALID_ARGUMENT);
    assert_int_equal(kiln_pixelbox_create_over(&extent, KILN_PF_L8, NULL, 0, 0, 0, &box),
                     KILN_ERROR_INVALID_ARGUMENT);
    assert_int_equal(kiln_pixelbox_create_over(&extent, KILN_PF_UNKNOWN, s, 0, 0, 0, &box),
                     KILN_ERROR_INVALID_ARGUMENT);
    assert_null(box);
    kiln_stream_release(s);
    kiln_pixelbox_release(NULL);
}

static void test_an_empty_box_is_allowed(void **state) {
    (void)state;
    kiln_pixelbox *box = NULL;
    assert_int_equal(kiln_pixelbox_create(0, 0, 1, KILN_PF_BYTE_RGBA, NULL, &box), KILN_OK);
    assert_int_equal(kiln_pixelbox_get_width(box), 0);
    assert_int_equal(kiln_pixelbox_get_consecutive_size(box), 0);
    assert_null(kiln_pixelbox_get_data(box));
    assert_int_equal(kiln_stream_get_size(kiln_pixelbox_get_storage(box)), 0);
    kiln_pixelbox_release(box);
}

/* ---- the general form: extent, offset and pitches ------------------------------- */

static void test_data_points_at_the_extents_first_pixel(void **state) {
    (void)state;
    /* A 10x8x3 buffer of BYTE_RGBA starting 16 bytes into the stream; the box
     * covers x 2..6, y 1..4, z 1..2. */
    kiln_stream *s = NULL;
    assert_int_equal(kiln_stream_create_memory(16 + 10 * 8 * 3 * 4, &s), KILN_OK);
    kiln_box extent = make_box(2, 1, 1, 7, 5, 3);
    kiln_pixelbox *box = NULL;
    assert_int_equal(kiln_pixelbox_create_over(&extent, KILN_PF_BYTE_RGBA, s, 16, 10, 80, &box),
                     KILN_OK);
    assert_int_equal(kiln_pixelbox_get_width(box), 5);
    assert_int_equal(kiln_pixelbox_get_height(box), 4);
    assert_int_equal(kiln_pixelbox_get_depth(box), 2);
    assert_int_equal(kiln_pixelbox_get_row_pitch(box), 10);
    assert_int_equal(kiln_pixelbox_get_slice_pitch(box), 80);
    assert_int_equal(kiln_pixelbox_get_offset(box), 16);
    uint8_t *base = kiln_stream_get_pointer(s);
    assert_ptr_equal(kiln_pixelbox_get_data(box), base + 16 + (2 + 1 * 10 + 1 * 80) * 4);
    assert_false(kiln_pixelbox_get_is_consecutive(box));
    /* From pixel (2,1,1) to one past pixel (6,4,2). */
    assert_int_equal(kiln_pixelbox_get_consecutive_size(box),
                     ((2 * 80 + 4 * 10 + 6 + 1) - (1 * 80 + 1 * 10 + 2)) * 4);
    kiln_pixelbox_release(box);
    kiln_stream_release(s);
}

static void test_zero_pitches_mean_tightly_packed_extent(void **state) {
    (void)state;
    kiln_stream *s = NULL;
    assert_int_equal(kiln_stream_create_memory(1000, &s), KILN_OK);
    kiln_box extent = make_box(0, 0, 0, 6, 4, 2);
    kiln_pixelbox *box = NULL;
    assert_int_equal(kiln_pixelbox_create_over(&extent, KILN_PF_L16, s, 0, 0, 0, &box), KILN_OK);
    assert_int_equal(kiln_pixelbox_get_row_pitch(box), 6);
    assert_int_equal(kiln_pixelbox_get_slice_pitch(box), 24);
    assert_true(kiln_pixelbox_get_is_consecutive(box));
    assert_int_equal(kiln_pixelbox_get_consecutive_size(box), 6 * 4 * 2 * 2);
    kiln_pixelbox_release(box);
    /* A given row pitch with a zero slice pitch: slices of that many rows. */
    assert_int_equal(kiln_pixelbox_create_over(&extent, KILN_PF_L16, s, 0, 8, 0, &box), KILN_OK);
    assert_int_equal(kiln_pixelbox_get_slice_pitch(box), 32);
    assert_false(kiln_pixelbox_get_is_consecutive(box));
    kiln_pixelbox_release(box);
    kiln_stream_release(s);
}

static void test_a_single_row_is_consecutive_whatever_its_pitch(void **state) {
    (void)state;
    kiln_stream *s = NULL;
    assert_int_equal(kiln_stream_create_memory(64, &s), KILN_OK);
    kiln_box row = make_box(1, 2, 0, 5, 3, 1);
    kiln_pixelbox *box = NULL;
    assert_int_equal(kiln_pixelbox_create_over(&row, KILN_PF_L8, s, 0, 8, 64, &box), KILN_OK);
    assert_true(kiln_pixelbox_get_is_consecutive(box));
    assert_int_equal(kiln_pixelbox_get_consecutive_size(box), 4);
    kiln_pixelbox_release(box);
    kiln_stream_release(s);
}

static void test_every_pixel_of_the_extent_must_lie_in_the_stream(void **state) {
    (void)state;
    /* 4x3x2 FLOAT32_R with row pitch 5 and slice pitch 16 at offset 8: the last
     * pixel (3,2,1) starts at 8 + (3 + 2*5 + 1*16)*4 = 124, so 128 bytes fit. */
    kiln_box extent = make_box(0, 0, 0, 4, 3, 2);
    kiln_stream *fits = NULL, *short_by_one = NULL;
    assert_int_equal(kiln_stream_create_memory(128, &fits), KILN_OK);
    assert_int_equal(kiln_stream_create_memory(127, &short_by_one), KILN_OK);
    kiln_pixelbox *box = NULL;
    assert_int_equal(kiln_pixelbox_create_over(&extent, KILN_PF_FLOAT32_R, fits, 8, 5, 16, &box),
                     KILN_OK);
    kiln_pixelbox_release(box);
    box = NULL;
    assert_int_equal(
        kiln_pixelbox_create_over(&extent, KILN_PF_FLOAT32_R, short_by_one, 8, 5, 16, &box),
        KILN_ERROR_INVALID_ARGUMENT);
    assert_null(box);
    const char *msg = kiln_last_error_message();
    assert_non_null(strstr(msg, "kiln_pixelbox_create_over"));
    assert_non_null(strstr(msg, "at least 128 bytes"));
    assert_non_null(strstr(msg, "holds 127"));
    /* An offset past the end is refused too. */
    assert_int_equal(kiln_pixelbox_create_over(&extent, KILN_PF_FLOAT32_R, fits, 129, 5, 16, &box),
                     KILN_ERROR_INVALID_ARGUMENT);
    kiln_stream_release(fits);
    kiln_stream_release(short_by_one);
}

static void test_pitches_too_small_or_too_large_fail(void **state) {
    (void)state;
    kiln_stream *s = NULL;
    assert_int_equal(kiln_stream_create_memory(4096, &s), KILN_OK);
    kiln_box extent = make_box(0, 0, 0, 8, 4, 2);
    kiln_pixelbox *box = NULL;
    assert_int_equal(kiln_pixelbox_create_over(&extent, KILN_PF_L8, s, 0, 7, 0, &box),
                     KILN_ERROR_INVALID_ARGUMENT);
    assert_non_null(strstr(kiln_last_error_message(), "row pitch (7 pixels)"));
    assert_int_equal(kiln_pixelbox_create_over(&extent, KILN_PF_L8, s, 0, 8, 31, &box),
                     KILN_ERROR_INVALID_ARGUMENT);
    assert_non_null(strstr(kiln_last_error_message(), "slice pitch (31 pixels)"));
    assert_int_equal(kiln_pixelbox_create_over(&extent, KILN_PF_L8, s, 0, SIZE_MAX / 2, 0, &box),
                     KILN_ERROR_OUT_OF_RANGE);
    assert_int_equal(kiln_pixelbox_create_over(&extent, KILN_PF_L8, s, 0, 8, SIZE_MAX - 2, &box),
                     KILN_ERROR_OUT_OF_RANGE);
    assert_non_null(strstr(kiln_last_error_message(), "more bytes than memory can address"));
    /* Representable, but far beyond the stream. */
    assert_int_equal(kiln_pixelbox_create_over(&extent, KILN_PF_L8, s, 0, 8, SIZE_MAX / 2, &box),
                     KILN_ERROR_INVALID_ARGUMENT);
    assert_null(box);
    kiln_stream_release(s);
}

static void test_an_inverted_extent_fails(void **state) {
    (void)state;
    kiln_stream *s = NULL;
    assert_int_equal(kiln_stream_create_memory(64, &s), KILN_OK);
    kiln_box inverted = make_box(3, 0, 0, 2, 1, 1);
    kiln_pixelbox *box = NULL;
    assert_int_equal(kiln_pixelbox_create_over(&inverted, KILN_PF_L8, s, 0, 0, 0, &box),
                     KILN_ERROR_INVALID_ARGUMENT);
    assert_non_null(strstr(kiln_last_error_message(), "(3,0,0)-(2,1,1)"));
    kiln_stream_release(s);
}

/* ---- sub-volumes ------------------------------------------------------------ */

static void test_a_sub_volume_shares_memory_and_coordinates(void **state) {
    (void)state;
    kiln_pixelbox *box = NULL;
    assert_int_equal(kiln_pixelbox_create(8, 6, 3, KILN_PF_BYTE_RGB, NULL, &box), KILN_OK);
    kiln_box part = make_box(2, 1, 1, 5, 4, 3);
    kiln_pixelbox *sub = NULL;
    assert_int_equal(kiln_pixelbox_get_sub_volume(box, &part, &sub), KILN_OK);
    assert_box(kiln_pixelbox_get_extent(sub), part); /* the same coordinate system */
    assert_int_equal(kiln_pixelbox_get_width(sub), 3);
    assert_int_equal(kiln_pixelbox_get_height(sub), 3);
    assert_int_equal(kiln_pixelbox_get_depth(sub), 2);
    assert_int_equal(kiln_pixelbox_get_row_pitch(sub), 8);
    assert_int_equal(kiln_pixelbox_get_slice_pitch(sub), 48);
    assert_int_equal(kiln_pixelbox_get_offset(sub), 0);
    assert_ptr_equal(kiln_pixelbox_get_storage(sub), kiln_pixelbox_get_storage(box));
    assert_false(kiln_pixelbox_get_is_consecutive(sub));
    uint8_t *base = kiln_pixelbox_get_data(box);
    assert_ptr_equal(kiln_pixelbox_get_data(sub), base + (2 + 1 * 8 + 1 * 48) * 3);

    /* Writing through the sub-volume is seen by the parent. */
    uint8_t *p = kiln_pixelbox_get_data(sub);
    p[0] = 42;
    assert_int_equal(base[(2 + 8 + 48) * 3], 42);

    /* A sub-volume of a sub-volume, in the same coordinates. */
    kiln_box inner = make_box(3, 2, 2, 4, 3, 3);
    kiln_pixelbox *subsub = NULL;
    assert_int_equal(kiln_pixelbox_get_sub_volume(sub, &inner, &subsub), KILN_OK);
    assert_ptr_equal(kiln_pixelbox_get_data(subsub), base + (3 + 2 * 8 + 2 * 48) * 3);
    assert_int_equal(kiln_pixelbox_get_consecutive_size(subsub), 3);

    kiln_pixelbox_release(subsub);
    kiln_pixelbox_release(sub);
    kiln_pixelbox_release(box);
}

static void test_a_sub_volume_must_lie_inside_the_extent(void **state) {
    (void)state;
    kiln_pixelbox *box = NULL;
    assert_int_equal(kiln_pixelbox_create(8, 6, 1, KILN_PF_L8, NULL, &box), KILN_OK);
    kiln_box part = make_box(2, 2, 0, 4, 4, 1);
    kiln_pixelbox *sub = NULL;
    assert_int_equal(kiln_pixelbox_get_sub_volume(box, &part, &sub), KILN_OK);

    /* Inside the parent's storage, but outside this sub-volume's extent. */
    kiln_box outside = make_box(1, 2, 0, 4, 4, 1);
    kiln_pixelbox *bad = NULL;
    assert_int_equal(kiln_pixelbox_get_sub_volume(sub, &outside, &bad), KILN_ERROR_OUT_OF_RANGE);
    assert_null(bad);
    assert_non_null(strstr(kiln_last_error_message(), "(1,2,0)-(4,4,1)"));
    assert_non_null(strstr(kiln_last_error_message(), "(2,2,0)-(4,4,1)"));
    kiln_box too_deep = make_box(0, 0, 0, 8, 6, 2);
    assert_int_equal(kiln_pixelbox_get_sub_volume(box, &too_deep, &bad), KILN_ERROR_OUT_OF_RANGE);
    kiln_box inverted = make_box(3, 3, 0, 2, 4, 1);
    assert_int_equal(kiln_pixelbox_get_sub_volume(box, &inverted, &bad),
                     KILN_ERROR_INVALID_ARGUMENT);
    assert_int_equal(kiln_pixelbox_get_sub_volume(box, NULL, &bad), KILN_ERROR_INVALID_ARGUMENT);
    assert_int_equal(kiln_pixelbox_get_sub_volume(box, &part, NULL), KILN_ERROR_INVALID_ARGUMENT);

    /* The whole extent, and an empty part, are fine. */
    kiln_box whole = kiln_pixelbox_get_extent(box);
    assert_int_equal(kiln_pixelbox_get_sub_volume(box, &whole, &bad), KILN_OK);
    assert_ptr_equal(kiln_pixelbox_get_data(bad), kiln_pixelbox_get_data(box));
    kiln_pixelbox_release(bad);
    kiln_box empty = make_box(8, 6, 1, 8, 6, 1);
    assert_int_equal(kiln_pixelbox_get_sub_volume(box, &empty, &bad), KILN_OK);
    assert_int_equal(kiln_pixelbox_get_consecutive_size(bad), 0);
    assert_null(kiln_pixelbox_get_data(bad));
    kiln_pixelbox_release(bad);

    kiln_pixelbox_release(sub);
    kiln_pixelbox_release(box);
}

/* ---- lifetime ---------------------------------------------------------------- */

static int released;

static void count_release(void *user_data) {
    (void)user_data;
    released++;
}

static void test_the_stream_lives_as_long_as_a_box_holds_it(void **state) {
    (void)state;
    static uint8_t foreign[4 * 4 * 4];
    released = 0;
    kiln_stream *s = NULL;
    assert_int_equal(
        kiln_stream_wrap_memory(foreign, sizeof foreign, false, count_release, NULL, &s), KILN_OK);
    kiln_pixelbox *box = NULL;
    assert_int_equal(kiln_pixelbox_create(4, 4, 1, KILN_PF_BYTE_RGBA, s, &box), KILN_OK);
    kiln_stream_release(s); /* the creator lets go */
    assert_int_equal(released, 0);
    assert_ptr_equal(kiln_pixelbox_get_data(box), foreign);

    kiln_box part = make_box(1, 1, 0, 3, 3, 1);
    kiln_pixelbox *sub = NULL;
    assert_int_equal(kiln_pixelbox_get_sub_volume(box, &part, &sub), KILN_OK);
    kiln_pixelbox_retain(box);
    kiln_pixelbox_release(box);
    assert_int_equal(released, 0);
    kiln_pixelbox_release(box); /* the sub-volume still holds the stream */
    assert_int_equal(released, 0);
    uint8_t *p = kiln_pixelbox_get_data(sub);
    p[0] = 9;
    assert_int_equal(foreign[(1 + 4) * 4], 9);
    kiln_pixelbox_release(sub);
    assert_int_equal(released, 1);
}

static void test_a_box_created_without_storage_owns_its_stream(void **state) {
    (void)state;
    kiln_pixelbox *box = NULL;
    assert_int_equal(kiln_pixelbox_create(2, 2, 1, KILN_PF_L8, NULL, &box), KILN_OK);
    kiln_stream *s = kiln_pixelbox_get_storage(box);
    kiln_stream_retain(s); /* keep the storage after the box is gone */
    kiln_pixelbox_release(box);
    assert_int_equal(kiln_stream_get_size(s), 4);
    ((uint8_t *)kiln_stream_get_pointer(s))[3] = 1; /* still valid memory */
    kiln_stream_release(s);
}

/* ---- conversion between boxes ---------------------------------------------------- */

static void test_convert_to_honours_pitches_and_leaves_padding_alone(void **state) {
    (void)state;
    /* Source: a 3x2x2 window of a 5x4x2 BYTE_RGBA buffer. */
    kiln_pixelbox *src_all = NULL;
    assert_int_equal(kiln_pixelbox_create(5, 4, 2, KILN_PF_BYTE_RGBA, NULL, &src_all), KILN_OK);
    uint8_t *sp = kiln_pixelbox_get_data(src_all);
    for (int i = 0; i < 5 * 4 * 2 * 4; i++)
        sp[i] = (uint8_t)i;
    kiln_box window = make_box(1, 1, 0, 4, 3, 2);
    kiln_pixelbox *src = NULL;
    assert_int_equal(kiln_pixelbox_get_sub_volume(src_all, &window, &src), KILN_OK);

    /* Destination: BYTE_RGB rows of 4 pixels (one of padding), slices of 3 rows. */
    kiln_stream *ds = NULL;
    assert_int_equal(kiln_stream_create_memory(4 * 3 * 2 * 3, &ds), KILN_OK);
    memset(kiln_stream_get_pointer(ds), 0xEE, 4 * 3 * 2 * 3);
    kiln_box dext = make_box(0, 0, 0, 3, 2, 2);
    kiln_pixelbox *dst = NULL;
    assert_int_equal(kiln_pixelbox_create_over(&dext, KILN_PF_BYTE_RGB, ds, 0, 4, 12, &dst),
                     KILN_OK);

    assert_int_equal(kiln_pixelbox_convert_to(src, dst), KILN_OK);
    const uint8_t *dp = kiln_stream_get_pointer(ds);
    for (int z = 0; z < 4 * 3 * 2 / 12; z++)
        for (int y = 0; y < 3; y++)
            for (int x = 0; x < 4; x++) {
                const uint8_t *d = dp + (z * 12 + y * 4 + x) * 3;
                if (x < 3 && y < 2) {
                    const uint8_t *s = sp + ((z * 20) + (y + 1) * 5 + (x + 1)) * 4;
                    assert_memory_equal(d, s, 3);
                } else {
                    assert_memory_equal(d, ((const uint8_t[]){0xEE, 0xEE, 0xEE}), 3);
                }
            }
    kiln_pixelbox_release(dst);
    kiln_stream_release(ds);
    kiln_pixelbox_release(src);
    kiln_pixelbox_release(src_all);
}

static void test_convert_to_between_consecutive_boxes(void **state) {
    (void)state;
    kiln_pixelbox *a = NULL, *b = NULL, *c = NULL;
    assert_int_equal(kiln_pixelbox_create(16, 16, 1, KILN_PF_BYTE_BGRA, NULL, &a), KILN_OK);
    assert_int_equal(kiln_pixelbox_create(16, 16, 1, KILN_PF_FLOAT16_RGBA, NULL, &b), KILN_OK);
    assert_int_equal(kiln_pixelbox_create(16, 16, 1, KILN_PF_BYTE_BGRA, NULL, &c), KILN_OK);
    uint8_t *pa = kiln_pixelbox_get_data(a);
    for (int i = 0; i < 16 * 16 * 4; i++)
        pa[i] = (uint8_t)(i * 13);
    assert_int_equal(kiln_pixelbox_convert_to(a, b), KILN_OK);
    assert_int_equal(kiln_pixelbox_convert_to(b, c), KILN_OK);
    assert_memory_equal(kiln_pixelbox_get_data(c), pa, 16 * 16 * 4);
    kiln_pixelbox_release(a);
    kiln_pixelbox_release(b);
    kiln_pixelbox_release(c);
}

static void test_convert_to_needs_the_same_size(void **state) {
    (void)state;
    kiln_pixelbox *a = NULL, *b = NULL;
    assert_int_equal(kiln_pixelbox_create(4, 3, 1, KILN_PF_L8, NULL, &a), KILN_OK);
    assert_int_equal(kiln_pixelbox_create(3, 4, 1, KILN_PF_L8, NULL, &b), KILN_OK);
    assert_int_equal(kiln_pixelbox_convert_to(a, b), KILN_ERROR_INVALID_ARGUMENT);
    assert_non_null(strstr(kiln_last_error_message(), "4x3x1"));
    assert_non_null(strstr(kiln_last_error_message(), "3x4x1"));
    assert_int_equal(kiln_pixelbox_convert_to(NULL, b), KILN_ERROR_INVALID_ARGUMENT);
    assert_int_equal(kiln_pixelbox_convert_to(a, NULL), KILN_ERROR_INVALID_ARGUMENT);
    kiln_pixelbox_release(a);
    kiln_pixelbox_release(b);
}

static void test_convert_to_refuses_a_read_only_destination(void **state) {
    (void)state;
    static uint8_t foreign[4];
    kiln_stream *ro = NULL;
    assert_int_equal(kiln_stream_wrap_memory(foreign, 4, true, NULL, NULL, &ro), KILN_OK);
    kiln_pixelbox *src = NULL, *dst = NULL;
    assert_int_equal(kiln_pixelbox_create(2, 2, 1, KILN_PF_L8, NULL, &src), KILN_OK);
    memset(kiln_pixelbox_get_data(src), 7, 4);
    assert_int_equal(kiln_pixelbox_create(2, 2, 1, KILN_PF_L8, ro, &dst), KILN_OK);
    assert_int_equal(kiln_pixelbox_convert_to(src, dst), KILN_ERROR_INVALID_STATE);
    assert_non_null(strstr(kiln_last_error_message(), "read-only"));
    assert_int_equal(foreign[0], 0);
    /* Reading from read-only storage is fine. */
    assert_int_equal(kiln_pixelbox_convert_to(dst, src), KILN_OK);
    kiln_pixelbox_release(src);
    kiln_pixelbox_release(dst);
    kiln_stream_release(ro);
}

static void test_convert_to_refuses_overlapping_boxes(void **state) {
    (void)state;
    kiln_pixelbox *box = NULL;
    assert_int_equal(kiln_pixelbox_create(8, 1, 1, KILN_PF_L8, NULL, &box), KILN_OK);
    kiln_box left = make_box(0, 0, 0, 5, 1, 1), right = make_box(3, 0, 0, 8, 1, 1);
    kiln_pixelbox *a = NULL, *b = NULL, *same = NULL;
    assert_int_equal(kiln_pixelbox_get_sub_volume(box, &left, &a), KILN_OK);
    assert_int_equal(kiln_pixelbox_get_sub_volume(box, &right, &b), KILN_OK);
    assert_int_equal(kiln_pixelbox_convert_to(a, b), KILN_ERROR_INVALID_ARGUMENT);
    assert_non_null(strstr(kiln_last_error_message(), "overlap"));
    /* Converting a box into itself, or into another description of the same
     * pixels, changes nothing and succeeds. */
    assert_int_equal(kiln_pixelbox_convert_to(box, box), KILN_OK);
    kiln_box whole = kiln_pixelbox_get_extent(box);
    assert_int_equal(kiln_pixelbox_get_sub_volume(box, &whole, &same), KILN_OK);
    assert_int_equal(kiln_pixelbox_convert_to(box, same), KILN_OK);
    kiln_pixelbox_release(same);
    kiln_pixelbox_release(a);
    kiln_pixelbox_release(b);
    kiln_pixelbox_release(box);
}

static void test_convert_to_with_empty_boxes_does_nothing(void **state) {
    (void)state;
    kiln_pixelbox *a = NULL, *b = NULL;
    assert_int_equal(kiln_pixelbox_create(0, 5, 1, KILN_PF_L8, NULL, &a), KILN_OK);
    assert_int_equal(kiln_pixelbox_create(0, 5, 1, KILN_PF_FLOAT32_RGBA, NULL, &b), KILN_OK);
    assert_int_equal(kiln_pixelbox_convert_to(a, b), KILN_OK);
    kiln_pixelbox_release(a);
    kiln_pixelbox_release(b);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_create_allocates_a_zeroed_packed_stream),
        cmocka_unit_test(test_create_over_given_storage_uses_it),
        cmocka_unit_test(test_create_fails_when_the_stream_is_too_small),
        cmocka_unit_test(test_create_rejects_bad_arguments),
        cmocka_unit_test(test_an_empty_box_is_allowed),
        cmocka_unit_test(test_data_points_at_the_extents_first_pixel),
        cmocka_unit_test(test_zero_pitches_mean_tightly_packed_extent),
        cmocka_unit_test(test_a_single_row_is_consecutive_whatever_its_pitch),
        cmocka_unit_test(test_every_pixel_of_the_extent_must_lie_in_the_stream),
        cmocka_unit_test(test_pitches_too_small_or_too_large_fail),
        cmocka_unit_test(test_an_inverted_extent_fails),
        cmocka_unit_test(test_a_sub_volume_shares_memory_and_coordinates),
        cmocka_unit_test(test_a_sub_volume_must_lie_inside_the_extent),
        cmocka_unit_test(test_the_stream_lives_as_long_as_a_box_holds_it),
        cmocka_unit_test(test_a_box_created_without_storage_owns_its_stream),
        cmocka_unit_test(test_convert_to_honours_pitches_and_leaves_padding_alone),
        cmocka_unit_test(test_convert_to_between_consecutive_boxes),
        cmocka_unit_test(test_convert_to_needs_the_same_size),
        cmocka_unit_test(test_convert_to_refuses_a_read_only_destination),
        cmocka_unit_test(test_convert_to_refuses_overlapping_boxes),
        cmocka_unit_test(test_convert_to_with_empty_boxes_does_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
