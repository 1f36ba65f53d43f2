/* Core services: result names, the thread-local error, version, allocation and
 * reference counts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "core/internal.h"

static void test_every_result_has_its_name(void **state) {
    (void)state;
    assert_string_equal(kiln_result_name(KILN_OK), "KILN_OK");
    assert_string_equal(kiln_result_name(KILN_ERROR_INVALID_ARGUMENT),
                        "KILN_ERROR_INVALID_ARGUMENT");
    assert_string_equal(kiln_result_name(KILN_ERROR_TYPE), "KILN_ERROR_TYPE");
    assert_string_equal(kiln_result_name(KILN_ERROR_OUT_OF_MEMORY), "KILN_ERROR_OUT_OF_MEMORY");
    assert_string_equal(kiln_result_name(KILN_ERROR_IO), "KILN_ERROR_IO");
    assert_string_equal(kiln_result_name(KILN_ERROR_NOT_FOUND), "KILN_ERROR_NOT_FOUND");
    assert_string_equal(kiln_result_name(KILN_ERROR_UNSUPPORTED), "KILN_ERROR_UNSUPPORTED");
    assert_string_equal(kiln_result_name(KILN_ERROR_INVALID_STATE), "KILN_ERROR_INVALID_STATE");
    assert_string_equal(kiln_result_name(KILN_ERROR_OUT_OF_RANGE), "KILN_ERROR_OUT_OF_RANGE");
}

static void test_an_unknown_result_still_has_a_name(void **state) {
    (void)state;
    assert_string_equal(kiln_result_name((kiln_result)99), "KILN_ERROR_UNKNOWN");
    assert_string_equal(kiln_result_name((kiln_result)-1), "KILN_ERROR_UNKNOWN");
}

static void test_version_is_major_minor_patch(void **state) {
    (void)state;
    const char *v = kiln_version_string();
    assert_non_null(v);
    unsigned major, minor, patch;
    char rest;
    assert_int_equal(sscanf(v, "%u.%u.%u%c", &major, &minor, &patch, &rest), 3);
    assert_ptr_equal(kiln_version_string(), v); /* static storage */
}

static void test_a_failure_records_code_and_message(void **state) {
    (void)state;
    kiln_clear_error();
    assert_int_equal(kiln_last_error(), KILN_OK);
    assert_string_equal(kiln_last_error_message(), "");

    kiln_result r = kiln__fail(KILN_ERROR_IO, "cannot open %s: %d", "x.png", 2);
    assert_int_equal(r, KILN_ERROR_IO);
    assert_int_equal(kiln_last_error(), KILN_ERROR_IO);
    assert_string_equal(kiln_last_error_message(), "cannot open x.png: 2");

    /* The next failure replaces the message. */
    kiln__fail(KILN_ERROR_TYPE, "second");
    assert_int_equal(kiln_last_error(), KILN_ERROR_TYPE);
    assert_string_equal(kiln_last_error_message(), "second");

    kiln_clear_error();
    assert_int_equal(kiln_last_error(), KILN_OK);
    assert_string_equal(kiln_last_error_message(), "");
}

static void test_a_very_long_message_is_truncated_not_overflowed(void **state) {
    (void)state;
    char long_text[4000];
    memset(long_text, 'x', sizeof long_text - 1);
    long_text[sizeof long_text - 1] = '\0';
    kiln__fail(KILN_ERROR_INVALID_ARGUMENT, "%s", long_text);
    size_t n = strlen(kiln_last_error_message());
    assert_true(n > 100);
    assert_true(n < sizeof long_text - 1);
    assert_memory_equal(kiln_last_error_message(), long_text, n);
}

static void test_out_of_memory_names_what_and_how_much(void **state) {
    (void)state;
    assert_int_equal(kiln__fail_oom("a frame buffer", 12345), KILN_ERROR_OUT_OF_MEMORY);
    assert_non_null(strstr(kiln_last_error_message(), "a frame buffer"));
    assert_non_null(strstr(kiln_last_error_message(), "12345"));
}

static void *fail_on_another_thread(void *arg) {
    (void)arg;
    /* A fresh thread starts without a failure... */
    static int ok;
    ok = kiln_last_error() == KILN_OK && kiln_last_error_message()[0] == '\0';
    /* ...and its own failure stays on it. */
    kiln__fail(KILN_ERROR_NOT_FOUND, "thread failure");
    ok = ok && kiln_last_error() == KILN_ERROR_NOT_FOUND;
    return &ok;
}

static void test_the_error_belongs_to_the_calling_thread(void **state) {
    (void)state;
    kiln__fail(KILN_ERROR_IO, "main thread failure");
    pthread_t thread;
    assert_int_equal(pthread_create(&thread, NULL, fail_on_another_thread, NULL), 0);
    void *result;
    assert_int_equal(pthread_join(thread, &result), 0);
    assert_true(*(int *)result);
    assert_int_equal(kiln_last_error(), KILN_ERROR_IO);
    assert_string_equal(kiln_last_error_message(), "main thread failure");
}

static kiln_result require_not_null(const void *widget) {
    KILN__REQUIRE_NOT_NULL(widget);
    return KILN_OK;
}

static kiln_result require_positive(int count) {
    KILN__REQUIRE(count > 0, "count is %d; it must be positive", count);
    return KILN_OK;
}

static void test_argument_checks_name_the_function_and_argument(void **state) {
    (void)state;
    assert_int_equal(require_not_null(NULL), KILN_ERROR_INVALID_ARGUMENT);
    assert_non_null(strstr(kiln_last_error_message(), "require_not_null"));
    assert_non_null(strstr(kiln_last_error_message(), "'widget'"));
    int x = 0;
    assert_int_equal(require_not_null(&x), KILN_OK);

    assert_int_equal(require_positive(-3), KILN_ERROR_INVALID_ARGUMENT);
    assert_string_equal(kiln_last_error_message(), "count is -3; it must be positive");
    assert_int_equal(require_positive(1), KILN_OK);
}

static void test_public_calls_report_null_out_parameters(void **state) {
    (void)state;
    kiln_clear_error();
    assert_int_equal(kiln_stream_create_memory(4, NULL), KILN_ERROR_INVALID_ARGUMENT);
    assert_int_equal(kiln_last_error(), KILN_ERROR_INVALID_ARGUMENT);
    assert_non_null(strstr(kiln_last_error_message(), "kiln_stream_create_memory"));
}

static void test_size_arithmetic_detects_overflow(void **state) {
    (void)state;
    size_t out = 7;
    assert_true(kiln__mul_size(1000, 1000, &out));
    assert_int_equal(out, 1000000);
    assert_true(kiln__mul_size(0, SIZE_MAX, &out));
    assert_int_equal(out, 0);
    assert_false(kiln__mul_size(SIZE_MAX / 2 + 1, 2, &out));
    assert_null(kiln__malloc_array(SIZE_MAX / 4, 8));
    void *p = kiln__malloc_array(0, 8); /* a zero-size request still gives memory */
    assert_non_null(p);
    kiln__free(p);
}

static void test_strdup_copies(void **state) {
    (void)state;
    const char *original = "PF_BYTE_RGB";
    char *copy = kiln__strdup(original);
    assert_non_null(copy);
    assert_ptr_not_equal(copy, original);
    assert_string_equal(copy, original);
    kiln__free(copy);
}

static void test_reference_counts_start_at_one_and_report_the_last_release(void **state) {
    (void)state;
    kiln__refcount r;
    kiln__ref_init(&r);
    kiln__ref_inc(&r);
    kiln__ref_inc(&r);
    assert_false(kiln__ref_dec(&r));
    assert_false(kiln__ref_dec(&r));
    assert_true(kiln__ref_dec(&r));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_result_has_its_name),
        cmocka_unit_test(test_an_unknown_result_still_has_a_name),
        cmocka_unit_test(test_version_is_major_minor_patch),
        cmocka_unit_test(test_a_failure_records_code_and_message),
        cmocka_unit_test(test_a_very_long_message_is_truncated_not_overflowed),
        cmocka_unit_test(test_out_of_memory_names_what_and_how_much),
        cmocka_unit_test(test_the_error_belongs_to_the_calling_thread),
        cmocka_unit_test(test_argument_checks_name_the_function_and_argument),
        cmocka_unit_test(test_public_calls_report_null_out_parameters),
        cmocka_unit_test(test_size_arithmetic_detects_overflow),
        cmocka_unit_test(test_strdup_copies),
        cmocka_unit_test(test_reference_counts_start_at_one_and_report_the_last_release),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
