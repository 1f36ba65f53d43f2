/* The helper process that isolated work runs in (src/core/isolate.c): results and
 * Kiln errors come back; a crash, an early exit, a hang or a request for too much
 * memory comes back as an error naming it, and the next request gets a new helper;
 * the helper serves request after request; a forked process and several threads each
 * get their answers. */
#define _GNU_SOURCE

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/isolate.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* The request's bytes back to front. */
static kiln_result reverse(const uint8_t *request, size_t size, kiln__bytes *out) {
    for (size_t i = 0; i < size; i++)
        KILN__CHECK(kiln__bytes_put(out, &request[size - 1 - i], 1));
    return KILN_OK;
}

/* The helper's pid. */
static kiln_result whoami(const uint8_t *request, size_t size, kiln__bytes *out) {
    (void)request;
    (void)size;
    pid_t pid = getpid();
    return kiln__bytes_put(out, &pid, sizeof pid);
}

static kiln_result fails(const uint8_t *request, size_t size, kiln__bytes *out) {
    (void)out;
    return kiln__fail(KILN_ERROR_NOT_FOUND, "no %.*s here", (int)size, (const char *)request);
}

static kiln_result crashes(const uint8_t *request, size_t size, kiln__bytes *out) {
    (void)request;
    (void)size;
    (void)out;
    raise(SIGSEGV);
    return KILN_OK;
}

static kiln_result exits(const uint8_t *request, size_t size, kiln__bytes *out) {
    (void)request;
    (void)size;
    (void)out;
    _exit(7);
}

static kiln_result hangs(const uint8_t *request, size_t size, kiln__bytes *out) {
    (void)request;
    (void)size;
    (void)out;
    for (;;)
        pause();
    return KILN_OK;
}

/* Asks for 1 GiB: fails under a limit of 256 MiB. */
static kiln_result greedy(const uint8_t *request, size_t size, kiln__bytes *out) {
    (void)request;
    (void)size;
    void *p = malloc((size_t)1 << 30);
    uint8_t got = p != NULL;
    free(p);
    return kiln__bytes_put(out, &got, 1);
}

static pid_t helper(void) {
    kiln__bytes out = {0};
    assert_int_equal(kiln__run_isolated("whoami", 0, 10.0, whoami, "", 0, &out), KILN_OK);
    assert_int_equal(out.size, sizeof(pid_t));
    pid_t pid;
    memcpy(&pid, out.data, sizeof pid);
    kiln__bytes_free(&out);
    return pid;
}

static void results_and_errors_come_back(void **state) {
    (void)state;
    kiln__bytes out = {0};
    assert_int_equal(kiln__run_isolated("reverse", 0, 10.0, reverse, "kiln", 4, &out), KILN_OK);
    assert_int_equal(out.size, 4);
    assert_memory_equal(out.data, "nlik", 4);
    kiln__bytes_free(&out);
    assert_int_equal(kiln__run_isolated("fails", 0, 10.0, fails, "mesh", 4, &out),
                     KILN_ERROR_NOT_FOUND);
    assert_string_equal(kiln_last_error_message(), "no mesh here");
    assert_int_equal(out.size, 0);
    /* One helper serves them all, and it is not this process. */
    pid_t first = helper();
    assert_int_not_equal(first, getpid());
    assert_int_equal(helper(), first);
}

static void crashes_exits_and_hangs_are_errors_and_a_new_helper_follows(void **state) {
    (void)state;
    kiln__bytes out = {0};
    pid_t before = helper();
    assert_int_equal(kiln__run_isolated("reading 'bad.md5mesh'", 0, 10.0, crashes, "", 0, &out),
                     KILN_ERROR_INVALID_ARGUMENT);
    assert_non_null(strstr(kiln_last_error_message(), "reading 'bad.md5mesh' crashed (signal 11"));
    pid_t after = helper();
    assert_int_not_equal(after, before);
    assert_int_equal(kiln__run_isolated("exits", 0, 10.0, exits, "", 0, &out),
                     KILN_ERROR_INVALID_ARGUMENT);
    assert_non_null(strstr(kiln_last_error_message(), "exits stopped before it finished (exit "
                                                      "status 7)"));
    assert_int_equal(kiln__run_isolated("hangs", 0, 0.3, hangs, "", 0, &out),
                     KILN_ERROR_INVALID_ARGUMENT);
    assert_string_equal(kiln_last_error_message(), "hangs did not finish within 0.3 seconds");
    assert_int_equal(kiln__run_isolated("reverse", 0, 10.0, reverse, "ab", 2, &out), KILN_OK);
    assert_memory_equal(out.data, "ba", 2);
    kiln__bytes_free(&out);
}

static void the_memory_limit_holds(void **state) {
    (void)state;
    kiln__bytes out = {0};
    assert_int_equal(kiln__run_isolated("greedy", (size_t)256 << 20, 10.0, greedy, "", 0, &out),
                     KILN_OK);
    assert_int_equal(out.size, 1);
#if defined(__SANITIZE_ADDRESS__)
    /* The sanitizer's shadow memory needs more address space: no limit under it. */
    assert_int_equal(out.data[0], 1);
#else
    assert_int_equal(out.data[0], 0);
#endif
    kiln__bytes_free(&out);
    /* Each request has its own limit: without one the same work gets its memory. */
    assert_int_equal(kiln__run_isolated("greedy", 0, 10.0, greedy, "", 0, &out), KILN_OK);
    assert_int_equal(out.data[0], 1);
    kiln__bytes_free(&out);
}

static void a_forked_process_gets_a_helper_of_its_own(void **state) {
    (void)state;
    pid_t parents = helper();
    pid_t child = fork();
    assert_true(child >= 0);
    if (child == 0) {
        kiln__bytes out = {0};
        kiln_result r = kiln__run_isolated("whoami", 0, 10.0, whoami, "", 0, &out);
        pid_t pid = 0;
        if (r == KILN_OK && out.size == sizeof pid)
            memcpy(&pid, out.data, sizeof pid);
        _exit(r == KILN_OK && pid != parents && pid != getpid() ? 0 : 1);
    }
    int status = 0;
    assert_int_equal(waitpid(child, &status, 0), child);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    assert_int_equal(helper(), parents);
}

static void *ask_many(void *arg) {
    (void)arg;
    for (int i = 0; i < 50; i++) {
        char request[16];
        int n = snprintf(request, sizeof request, "%d", i * 7919);
        kiln__bytes out = {0};
        if (kiln__run_isolated("reverse", 0, 10.0, reverse, request, (size_t)n, &out) != KILN_OK ||
            out.size != (size_t)n)
            return (void *)1;
        for (int k = 0; k < n; k++)
            if (out.data[k] != (uint8_t)request[n - 1 - k])
                return (void *)1;
        kiln__bytes_free(&out);
    }
    return NULL;
}

static void threads_take_turns(void **state) {
    (void)state;
    pthread_t threads[4];
    for (int i = 0; i < 4; i++)
        assert_int_equal(pthread_create(&threads[i], NULL, ask_many, NULL), 0);
    for (int i = 0; i < 4; i++) {
        void *failed = NULL;
        pthread_join(threads[i], &failed);
        assert_null(failed);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(results_and_errors_come_back),
        cmocka_unit_test(crashes_exits_and_hangs_are_errors_and_a_new_helper_follows),
        cmocka_unit_test(the_memory_limit_holds),
        cmocka_unit_test(a_forked_process_gets_a_helper_of_its_own),
        cmocka_unit_test(threads_take_turns),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
