/* DataStream: memory streams that own or wrap bytes, their position, and files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>

#include <kiln/kiln.h>

/* ---- owned memory ---------------------------------------------------------- */

static void test_a_memory_stream_starts_zeroed_at_position_zero(void **state) {
    (void)state;
    kiln_stream *s = NULL;
    assert_int_equal(kiln_stream_create_memory(16, &s), KILN_OK);
    assert_non_null(s);
    assert_int_equal(kiln_stream_get_size(s), 16);
    assert_int_equal(kiln_stream_tell(s), 0);
    assert_false(kiln_stream_eof(s));
    assert_false(kiln_stream_get_read_only(s));
    const unsigned char zeros[16] = {0};
    assert_non_null(kiln_stream_get_pointer(s));
    assert_memory_equal(kiln_stream_get_pointer(s), zeros, 16);
    kiln_stream_release(s);
}

static void test_an_empty_stream_has_no_pointer_and_is_at_its_end(void **state) {
    (void)state;
    kiln_stream *s = NULL;
    assert_int_equal(kiln_stream_create_memory(0, &s), KILN_OK);
    assert_int_equal(kiln_stream_get_size(s), 0);
    assert_null(kiln_stream_get_pointer(s));
    assert_true(kiln_stream_eof(s));
    unsigned char byte;
    size_t n = 99;
    assert_int_equal(kiln_stream_read(s, &byte, 1, &n), KILN_OK);
    assert_int_equal(n, 0);
    assert_int_equal(kiln_stream_write(s, &byte, 1, &n), KILN_ERROR_OUT_OF_RANGE);
    assert_int_equal(kiln_stream_write(s, &byte, 0, &n), KILN_OK);
    kiln_stream_release(s);
}

static void test_write_then_read_back(void **state) {
    (void)state;
    kiln_stream *s = NULL;
    assert_int_equal(kiln_stream_create_memory(8, &s), KILN_OK);
    size_t n = 0;
    assert_int_equal(kiln_stream_write(s, "abc", 3, &n), KILN_OK);
    assert_int_equal(n, 3);
    assert_int_equal(kiln_stream_tell(s), 3);
    assert_int_equal(kiln_stream_write(s, "defgh", 5, &n), KILN_OK);
    assert_int_equal(kiln_stream_tell(s), 8);
    assert_true(kiln_stream_eof(s));
    assert_memory_equal(kiln_stream_get_pointer(s), "abcdefgh", 8);

    assert_int_equal(kiln_stream_seek(s, 2, KILN_SEEK_SET), KILN_OK);
    char buffer[8] = {0};
    assert_int_equal(kiln_stream_read(s, buffer, 4, &n), KILN_OK);
    assert_int_equal(n, 4);
    assert_memory_equal(buffer, "cdef", 4);
    assert_int_equal(kiln_stream_tell(s), 6);
    kiln_stream_release(s);
}

static void test_a_read_past_the_end_returns_what_is_there(void **state) {
    (void)state;
    unsigned char bytes[5] = {1, 2, 3, 4, 5};
    kiln_stream *s = NULL;
    assert_int_equal(kiln_stream_wrap_memory(bytes, 5, true, NULL, NULL, &s), KILN_OK);
    assert_int_equal(kiln_stream_seek(s, 3, KILN_SEEK_SET), KILN_OK);
    unsigned char buffer[10];
    memset(buffer, 0xEE, sizeof buffer);
    size_t n = 0;
    assert_int_equal(kiln_stream_read(s, buffer, 10, &n), KILN_OK);
    assert_int_equal(n, 2);
    assert_int_equal(buffer[0], 4);
    assert_int_equal(buffer[1], 5);
    assert_int_equal(buffer[2], 0xEE); /* nothing beyond what was read */
    assert_true(kiln_stream_eof(s));
    /* At the end, a read succeeds with nothing. */
    assert_int_equal(kiln_stream_read(s, buffer, 10, &n), KILN_OK);
    assert_int_equal(n, 0);
    /* The count may be ignored. */
    assert_int_equal(kiln_stream_seek(s, 0, KILN_SEEK_SET), KILN_OK);
    assert_int_equal(kiln_stream_read(s, buffer, 1, NULL), KILN_OK);
    assert_int_equal(kiln_stream_tell(s), 1);
    kiln_stream_release(s);
}

static void test_a_write_past_the_end_fails_and_writes_nothing(void **state) {
    (void)state;
    kiln_stream *s = NULL;
    assert_int_equal(kiln_stream_create_memory(4, &s), KILN_OK);
    assert_int_equal(kiln_stream_seek(s, 2, KILN_SEEK_SET), KILN_OK);
    size_t n = 77;
    assert_int_equal(kiln_stream_write(s, "xyz", 3, &n), KILN_ERROR_OUT_OF_RANGE);
    assert_int_equal(n, 0);
    assert_int_equal(kiln_stream_tell(s), 2);
    const unsigned char zeros[4] = {0};
    assert_memory_equal(kiln_stream_get_pointer(s), zeros, 4);
    assert_non_null(strstr(kiln_last_error_message(), "3 bytes at position 2"));
    assert_non_null(strstr(kiln_last_error_message(), "4-byte stream"));
    /* Exactly up to the end is fine. */
    assert_int_equal(kiln_stream_write(s, "xy", 2, &n), KILN_OK);
    assert_int_equal(n, 2);
    assert_int_equal(kiln_stream_get_size(s), 4);
    kiln_stream_release(s);
}

static void test_seek_stays_within_zero_and_size(void **state) {
    (void)state;
    kiln_stream *s = NULL;
    assert_int_equal(kiln_stream_create_memory(10, &s), KILN_OK);

    assert_int_equal(kiln_stream_seek(s, 10, KILN_SEEK_SET), KILN_OK);
    assert_int_equal(kiln_stream_tell(s), 10);
    assert_true(kiln_stream_eof(s));
    assert_int_equal(kiln_stream_seek(s, -10, KILN_SEEK_END), KILN_OK);
    assert_int_equal(kiln_stream_tell(s), 0);
    assert_int_equal(kiln_stream_seek(s, 4, KILN_SEEK_CUR), KILN_OK);
    assert_int_equal(kiln_stream_seek(s, -1, KILN_SEEK_CUR), KILN_OK);
    assert_int_equal(kiln_stream_tell(s), 3);
    assert_int_equal(kiln_stream_seek(s, -2, KILN_SEEK_END), KILN_OK);
    assert_int_equal(kiln_stream_tell(s), 8);

    /* Every failed seek leaves the position where it was. */
    const struct {
        int64_t offset;
        kiln_seek_origin origin;
    } outside[] = {
        {-1, KILN_SEEK_SET},        {11, KILN_SEEK_SET},        {1, KILN_SEEK_END},
        {-11, KILN_SEEK_END},       {3, KILN_SEEK_CUR},         {-9, KILN_SEEK_CUR},
        {INT64_MIN, KILN_SEEK_SET}, {INT64_MAX, KILN_SEEK_SET}, {INT64_MIN, KILN_SEEK_END},
        {INT64_MAX, KILN_SEEK_CUR},
    };
    for (size_t i = 0; i < sizeof outside / sizeof outside[0]; i++) {
        assert_int_equal(kiln_stream_seek(s, outside[i].offset, outside[i].origin),
                         KILN_ERROR_OUT_OF_RANGE);
        assert_int_equal(kiln_stream_tell(s), 8);
    }
    assert_non_null(strstr(kiln_last_error_message(), "0 to 10"));

    assert_int_equal(kiln_stream_seek(s, 0, (kiln_seek_origin)7), KILN_ERROR_INVALID_ARGUMENT);
    assert_int_equal(kiln_stream_tell(s), 8);
    kiln_stream_release(s);
}

static void test_null_arguments_fail_cleanly(void **state) {
    (void)state;
    kiln_stream *s = NULL;
    assert_int_equal(kiln_stream_create_memory(4, &s), KILN_OK);
    size_t n;
    assert_int_equal(kiln_stream_read(s, NULL, 1, &n), KILN_ERROR_INVALID_ARGUMENT);
    assert_int_equal(kiln_stream_write(s, NULL, 1, &n), KILN_ERROR_INVALID_ARGUMENT);
    assert_int_equal(kiln_stream_read(s, NULL, 0, &n), KILN_OK);
    assert_int_equal(kiln_stream_read(NULL, &n, 1, &n), KILN_ERROR_INVALID_ARGUMENT);
    assert_int_equal(kiln_stream_seek(NULL, 0, KILN_SEEK_SET), KILN_ERROR_INVALID_ARGUMENT);
    assert_int_equal(kiln_stream_save_file(s, NULL), KILN_ERROR_INVALID_ARGUMENT);
    assert_int_equal(kiln_stream_save_file(NULL, "/tmp/x"), KILN_ERROR_INVALID_ARGUMENT);
    kiln_stream *opened = s;
    assert_int_equal(kiln_stream_open_file(NULL, &opened), KILN_ERROR_INVALID_ARGUMENT);
    assert_null(opened); /* out is cleared on failure */
    kiln_stream_release(s);
    kiln_stream_release(NULL);
}

/* ---- wrapped memory ---------------------------------------------------------- */

typedef struct release_log {
    int calls;
    void *last_user_data;
} release_log;

static void log_release(void *user_data) {
    release_log *log = user_data;
    log->calls++;
    log->last_user_data = user_data;
}

static void test_a_copy_owns_its_own_bytes(void **state) {
    (void)state;
    unsigned char source[5] = {1, 2, 3, 4, 5};
    kiln_stream *stream = NULL;
    assert_int_equal(kiln_stream_create_copy(source, sizeof source, &stream), KILN_OK);
    assert_int_equal(kiln_stream_get_size(stream), 5);
    unsigned char *copy = kiln_stream_get_pointer(stream);
    assert_ptr_not_equal(copy, source);
    assert_memory_equal(copy, source, 5);
    source[0] = 9;
    assert_int_equal(copy[0], 1);
    assert_false(kiln_stream_get_read_only(stream));
    kiln_stream_release(stream);

    assert_int_equal(kiln_stream_create_copy(NULL, 0, &stream), KILN_OK);
    assert_int_equal(kiln_stream_get_size(stream), 0);
    kiln_stream_release(stream);
    assert_int_equal(kiln_stream_create_copy(NULL, 3, &stream), KILN_ERROR_INVALID_ARGUMENT);
    assert_null(stream);
    assert_non_null(strstr(kiln_last_error_message(), "NULL"));
}

static void test_a_large_copy_has_every_byte(void **state) {
    (void)state;
    /* Large copies are shared between two threads, split at a page: sizes on either
     * side of the threshold, and not a whole number of pages. */
    const size_t sizes[] = {((size_t)16 << 20) - 1, ((size_t)16 << 20) + 12345,
                            ((size_t)33 << 20) + 4097};
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        size_t size = sizes[k];
        unsigned char *source = malloc(size);
        assert_non_null(source);
        for (size_t i = 0; i < size; i++)
            source[i] = (unsigned char)((i * 2654435761u) >> 13);
        kiln_stream *stream = NULL;
        assert_int_equal(kiln_stream_create_copy(source, size, &stream), KILN_OK);
        assert_int_equal(kiln_stream_get_size(stream), size);
        assert_int_equal(memcmp(kiln_stream_get_pointer(stream), source, size), 0);
        kiln_stream_release(stream);
        free(source);
    }
}

/* Copies of moderate size reuse the blocks of released streams: one after another, of
 * sizes that do and do not fit the kept blocks, every copy has exactly its bytes, and a
 * new zeroed stream is zeroed however many blocks were kept. Returns what went wrong, or
 * NULL; it asserts nothing itself, so that threads may run it. */
static const char *check_copies(unsigned seed, int rounds) {
    const size_t sizes[] = {196608, 196608 + 4096, 150000, 40000, 1 << 20, (1 << 20) + 1, 196608};
    unsigned char *source = malloc((1 << 20) + 1);
    const char *problem = NULL;
    if (!source)
        return "out of memory";
    for (int round = 0; round < rounds && !problem; round++)
        for (size_t k = 0; k < sizeof sizes / sizeof sizes[0] && !problem; k++) {
            size_t size = sizes[k];
            for (size_t i = 0; i < size; i++)
                source[i] = (unsigned char)(((i + k + (size_t)round) * 2654435761u + seed) >> 11);
            kiln_stream *copies[2] = {NULL, NULL};
            for (int c = 0; c < 2; c++)
                if (kiln_stream_create_copy(source, size, &copies[c]) != KILN_OK)
                    problem = "a copy failed";
            if (!problem &&
                kiln_stream_get_pointer(copies[0]) == kiln_stream_get_pointer(copies[1]))
                problem = "two live copies share their bytes";
            for (int c = 0; c < 2 && !problem; c++)
                if (kiln_stream_get_size(copies[c]) != size ||
                    memcmp(kiln_stream_get_pointer(copies[c]), source, size) != 0)
                    problem = "a copy does not have the bytes it was made from";
            kiln_stream_release(copies[0]);
            kiln_stream_release(copies[1]);
            kiln_stream *zeroed = NULL;
            if (!problem && kiln_stream_create_memory(size, &zeroed) != KILN_OK)
                problem = "a new stream failed";
            const unsigned char *bytes = zeroed ? kiln_stream_get_pointer(zeroed) : NULL;
            for (size_t i = 0; bytes && i < size && !problem; i++)
                if (bytes[i] != 0)
                    problem = "a new stream is not zeroed";
            kiln_stream_release(zeroed);
        }
    free(source);
    return problem;
}

static void test_copies_after_released_streams_have_every_byte(void **state) {
    (void)state;
    const char *problem = check_copies(0, 3);
    if (problem)
        fail_msg("%s", problem);
}

static void *copy_thread(void *arg) { return (void *)check_copies((unsigned)(uintptr_t)arg, 20); }

static void test_threads_copying_at_once_each_get_their_own_bytes(void **state) {
    (void)state;
    pthread_t threads[3];
    for (uintptr_t t = 0; t < 3; t++)
        assert_int_equal(pthread_create(&threads[t], NULL, copy_thread, (void *)(t + 1)), 0);
    for (int t = 0; t < 3; t++) {
        void *problem = NULL;
        assert_int_equal(pthread_join(threads[t], &problem), 0);
        if (problem)
            fail_msg("thread %d: %s", t, (const char *)problem);
    }
}

static void test_wrapping_shares_memory_without_copying(void **state) {
    (void)state;
    unsigned char foreign[6] = {10, 20, 30, 40, 50, 60};
    kiln_stream *s = NULL;
    assert_int_equal(kiln_stream_wrap_memory(foreign, 6, false, NULL, NULL, &s), KILN_OK);
    assert_ptr_equal(kiln_stream_get_pointer(s), foreign);
    assert_int_equal(kiln_stream_get_size(s), 6);
    assert_int_equal(kiln_stream_write(s, "\x01\x02", 2, NULL), KILN_OK);
    assert_int_equal(foreign[0], 1); /* writes land in the foreign memory */
    assert_int_equal(foreign[1], 2);
    foreign[2] = 99; /* and the stream sees the owner's changes */
    unsigned char b;
    assert_int_equal(kiln_stream_read(s, &b, 1, NULL), KILN_OK);
    assert_int_equal(b, 99);
    kiln_stream_release(s);
}

static void test_the_release_callback_runs_once_at_the_last_release(void **state) {
    (void)state;
    unsigned char foreign[4] = {0};
    release_log log = {0, NULL};
    kiln_stream *s = NULL;
    assert_int_equal(kiln_stream_wrap_memory(foreign, 4, false, log_release, &log, &s), KILN_OK);
    kiln_stream_retain(s);
    kiln_stream_retain(s);
    kiln_stream_release(s);
    assert_int_equal(log.calls, 0);
    kiln_stream_release(s);
    assert_int_equal(log.calls, 0);
    kiln_stream_release(s);
    assert_int_equal(log.calls, 1);
    assert_ptr_equal(log.last_user_data, &log);
}

static void test_a_failed_wrap_does_not_call_release(void **state) {
    (void)state;
    release_log log = {0, NULL};
    kiln_stream *s = (kiln_stream *)&log;
    assert_int_equal(kiln_stream_wrap_memory(NULL, 5, false, log_release, &log, &s),
                     KILN_ERROR_INVALID_ARGUMENT);
    assert_null(s);
    assert_non_null(strstr(kiln_last_error_message(), "5 bytes"));
    unsigned char byte;
    assert_int_equal(kiln_stream_wrap_memory(&byte, 1, false, log_release, &log, NULL),
                     KILN_ERROR_INVALID_ARGUMENT);
    assert_int_equal(log.calls, 0);
}

static void test_wrapping_nothing_is_an_empty_stream(void **state) {
    (void)state;
    release_log log = {0, NULL};
    kiln_stream *s = NULL;
    assert_int_equal(kiln_stream_wrap_memory(NULL, 0, false, log_release, &log, &s), KILN_OK);
    assert_int_equal(kiln_stream_get_size(s), 0);
    assert_null(kiln_stream_get_pointer(s));
    kiln_stream_release(s);
    assert_int_equal(log.calls, 1);
}

static void test_a_read_only_stream_refuses_writes(void **state) {
    (void)state;
    unsigned char foreign[4] = {1, 2, 3, 4};
    kiln_stream *s = NULL;
    assert_int_equal(kiln_stream_wrap_memory(foreign, 4, true, NULL, NULL, &s), KILN_OK);
    assert_true(kiln_stream_get_read_only(s));
    size_t n = 5;
    assert_int_equal(kiln_stream_write(s, "ab", 2, &n), KILN_ERROR_INVALID_STATE);
    assert_int_equal(n, 0);
    assert_non_null(strstr(kiln_last_error_message(), "read-only"));
    assert_int_equal(foreign[0], 1);
    assert_int_equal(kiln_stream_tell(s), 0);
    /* Reading is fine. */
    unsigned char b[4];
    assert_int_equal(kiln_stream_read(s, b, 4, &n), KILN_OK);
    assert_memory_equal(b, foreign, 4);
    kiln_stream_release(s);
}

/* ---- files -------------------------------------------------------------------- */

static char temp_dir[64];

static int make_temp_dir(void **state) {
    (void)state;
    strcpy(temp_dir, "/tmp/kiln_test_stream_XXXXXX");
    return mkdtemp(temp_dir) ? 0 : -1;
}

static int remove_temp_dir(void **state) {
    (void)state;
    char command[128];
    snprintf(command, sizeof command, "rm -rf '%s'", temp_dir);
    return system(command) == 0 ? 0 : -1;
}

static void temp_path(char *out, size_t size, const char *name) {
    snprintf(out, size, "%s/%s", temp_dir, name);
}

static void test_save_then_open_gives_the_same_bytes(void **state) {
    (void)state;
    /* Larger than one read chunk, so that reading has to grow its buffer. */
    const size_t size = 300000;
    kiln_stream *s = NULL;
    assert_int_equal(kiln_stream_create_memory(size, &s), KILN_OK);
    unsigned char *p = kiln_stream_get_pointer(s);
    for (size_t i = 0; i < size; i++)
        p[i] = (unsigned char)(i * 7 + i / 251);
    char path[128];
    temp_path(path, sizeof path, "pattern.bin");
    assert_int_equal(kiln_stream_save_file(s, path), KILN_OK);

    kiln_stream *loaded = NULL;
    assert_int_equal(kiln_stream_open_file(path, &loaded), KILN_OK);
    assert_int_equal(kiln_stream_get_size(loaded), size);
    assert_int_equal(kiln_stream_tell(loaded), 0);
    assert_false(kiln_stream_get_read_only(loaded));
    assert_memory_equal(kiln_stream_get_pointer(loaded), p, size);
    kiln_stream_release(loaded);
    kiln_stream_release(s);
}

static void test_an_empty_file_opens_as_an_empty_stream(void **state) {
    (void)state;
    char path[128];
    temp_path(path, sizeof path, "empty.bin");
    kiln_stream *s = NULL;
    assert_int_equal(kiln_stream_create_memory(0, &s), KILN_OK);
    assert_int_equal(kiln_stream_save_file(s, path), KILN_OK);
    kiln_stream_release(s);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_size, 0);
    assert_int_equal(kiln_stream_open_file(path, &s), KILN_OK);
    assert_int_equal(kiln_stream_get_size(s), 0);
    assert_true(kiln_stream_eof(s));
    kiln_stream_release(s);
}

static void test_a_missing_file_fails_naming_path_and_reason(void **state) {
    (void)state;
    char path[128];
    temp_path(path, sizeof path, "no_such_file.png");
    kiln_stream *s = (kiln_stream *)path;
    assert_int_equal(kiln_stream_open_file(path, &s), KILN_ERROR_IO);
    assert_null(s);
    assert_int_equal(kiln_last_error(), KILN_ERROR_IO);
    assert_non_null(strstr(kiln_last_error_message(), path));
    assert_non_null(strstr(kiln_last_error_message(), "No such file or directory"));
}

static void test_a_directory_cannot_be_opened_as_a_file(void **state) {
    (void)state;
    kiln_stream *s = NULL;
    assert_int_equal(kiln_stream_open_file(temp_dir, &s), KILN_ERROR_IO);
    assert_null(s);
    assert_non_null(strstr(kiln_last_error_message(), temp_dir));
}

static void test_saving_into_a_missing_directory_fails_naming_the_path(void **state) {
    (void)state;
    char path[128];
    temp_path(path, sizeof path, "missing_dir/out.bin");
    kiln_stream *s = NULL;
    assert_int_equal(kiln_stream_create_memory(3, &s), KILN_OK);
    assert_int_equal(kiln_stream_save_file(s, path), KILN_ERROR_IO);
    assert_non_null(strstr(kiln_last_error_message(), path));
    assert_non_null(strstr(kiln_last_error_message(), "No such file or directory"));
    kiln_stream_release(s);
}

static void test_saving_a_read_only_stream_works(void **state) {
    (void)state;
    const char text[] = "read-only bytes";
    kiln_stream *s = NULL;
    assert_int_equal(kiln_stream_wrap_memory((void *)text, sizeof text, true, NULL, NULL, &s),
                     KILN_OK);
    char path[128];
    temp_path(path, sizeof path, "ro.bin");
    assert_int_equal(kiln_stream_save_file(s, path), KILN_OK);
    kiln_stream_release(s);
    assert_int_equal(kiln_stream_open_file(path, &s), KILN_OK);
    assert_int_equal(kiln_stream_get_size(s), sizeof text);
    assert_memory_equal(kiln_stream_get_pointer(s), text, sizeof text);
    kiln_stream_release(s);
}

int main(void) {
    const struct CMUnitTest memory_tests[] = {
        cmocka_unit_test(test_a_memory_stream_starts_zeroed_at_position_zero),
        cmocka_unit_test(test_an_empty_stream_has_no_pointer_and_is_at_its_end),
        cmocka_unit_test(test_write_then_read_back),
        cmocka_unit_test(test_a_read_past_the_end_returns_what_is_there),
        cmocka_unit_test(test_a_write_past_the_end_fails_and_writes_nothing),
        cmocka_unit_test(test_seek_stays_within_zero_and_size),
        cmocka_unit_test(test_null_arguments_fail_cleanly),
        cmocka_unit_test(test_a_copy_owns_its_own_bytes),
        cmocka_unit_test(test_a_large_copy_has_every_byte),
        cmocka_unit_test(test_copies_after_released_streams_have_every_byte),
        cmocka_unit_test(test_threads_copying_at_once_each_get_their_own_bytes),
        cmocka_unit_test(test_wrapping_shares_memory_without_copying),
        cmocka_unit_test(test_the_release_callback_runs_once_at_the_last_release),
        cmocka_unit_test(test_a_failed_wrap_does_not_call_release),
        cmocka_unit_test(test_wrapping_nothing_is_an_empty_stream),
        cmocka_unit_test(test_a_read_only_stream_refuses_writes),
    };
    const struct CMUnitTest file_tests[] = {
        cmocka_unit_test(test_save_then_open_gives_the_same_bytes),
        cmocka_unit_test(test_an_empty_file_opens_as_an_empty_stream),
        cmocka_unit_test(test_a_missing_file_fails_naming_path_and_reason),
        cmocka_unit_test(test_a_directory_cannot_be_opened_as_a_file),
        cmocka_unit_test(test_saving_into_a_missing_directory_fails_naming_the_path),
        cmocka_unit_test(test_saving_a_read_only_stream_works),
    };
    int failed = cmocka_run_group_tests(memory_tests, NULL, NULL);
    failed += cmocka_run_group_tests(file_tests, make_temp_dir, remove_temp_dir);
    return failed;
}
