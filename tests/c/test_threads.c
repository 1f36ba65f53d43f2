/* The thread pool's parallel loop: every index runs exactly once, on a valid
 * worker, and the loop returns only when all are done. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "core/threads.h"

typedef struct loop_record {
    atomic_uint *runs;      /* times each index ran */
    atomic_uint *workers;   /* the worker of each index's last run */
    atomic_uint bad_worker; /* a worker number out of range was seen */
    uint32_t pool_size;
} loop_record;

static void count_index(void *context, uint32_t index, uint32_t worker) {
    loop_record *rec = context;
    atomic_fetch_add(&rec->runs[index], 1);
    atomic_store(&rec->workers[index], worker);
    if (worker >= rec->pool_size)
        atomic_store(&rec->bad_worker, 1);
}

static void run_and_check(kiln__thread_pool *pool, uint32_t count) {
    loop_record rec;
    rec.pool_size = kiln__thread_pool_size(pool);
    rec.runs = calloc(count ? count : 1, sizeof *rec.runs);
    rec.workers = calloc(count ? count : 1, sizeof *rec.workers);
    assert_non_null(rec.runs);
    assert_non_null(rec.workers);
    atomic_init(&rec.bad_worker, 0);
    kiln__thread_pool_run(pool, count, count_index, &rec);
    /* Everything must be done when run returns: no waiting here. */
    for (uint32_t i = 0; i < count; i++)
        if (atomic_load(&rec.runs[i]) != 1)
            fail_msg("with %u threads and %u indices, index %u ran %u times", rec.pool_size, count,
                     i, atomic_load(&rec.runs[i]));
    assert_int_equal(atomic_load(&rec.bad_worker), 0);
    free(rec.runs);
    free(rec.workers);
}

static const uint32_t thread_counts[] = {1, 2, 3, 8};
static const uint32_t loop_sizes[] = {0, 1, 2, 3, 7, 8, 9, 100, 1000, 65536};

static void test_every_index_runs_exactly_once(void **state) {
    (void)state;
    for (size_t t = 0; t < sizeof thread_counts / sizeof thread_counts[0]; t++) {
        kiln__thread_pool *pool = NULL;
        assert_int_equal(kiln__thread_pool_create(thread_counts[t], &pool), KILN_OK);
        assert_int_equal(kiln__thread_pool_size(pool), thread_counts[t]);
        for (size_t c = 0; c < sizeof loop_sizes / sizeof loop_sizes[0]; c++)
            run_and_check(pool, loop_sizes[c]);
        kiln__thread_pool_destroy(pool);
    }
}

static void test_a_pool_runs_many_loops_in_a_row(void **state) {
    (void)state;
    for (size_t t = 0; t < sizeof thread_counts / sizeof thread_counts[0]; t++) {
        kiln__thread_pool *pool = NULL;
        assert_int_equal(kiln__thread_pool_create(thread_counts[t], &pool), KILN_OK);
        for (uint32_t loop = 0; loop < 300; loop++)
            run_and_check(pool, loop % 37);
        kiln__thread_pool_destroy(pool);
    }
}

static void never_called(void *context, uint32_t index, uint32_t worker) {
    (void)index;
    (void)worker;
    *(int *)context = 1;
}

static void test_an_empty_loop_calls_nothing(void **state) {
    (void)state;
    for (size_t t = 0; t < sizeof thread_counts / sizeof thread_counts[0]; t++) {
        kiln__thread_pool *pool = NULL;
        assert_int_equal(kiln__thread_pool_create(thread_counts[t], &pool), KILN_OK);
        int called = 0;
        kiln__thread_pool_run(pool, 0, never_called, &called);
        assert_int_equal(called, 0);
        kiln__thread_pool_destroy(pool);
    }
}

typedef struct order_record {
    uint32_t seen[64];
    uint32_t n;
} order_record;

static void record_order(void *context, uint32_t index, uint32_t worker) {
    order_record *rec = context;
    assert_int_equal(worker, 0);
    rec->seen[rec->n++] = index;
}

static void test_one_thread_runs_indices_in_order_on_the_caller(void **state) {
    (void)state;
    kiln__thread_pool *pool = NULL;
    assert_int_equal(kiln__thread_pool_create(1, &pool), KILN_OK);
    order_record rec = {{0}, 0};
    kiln__thread_pool_run(pool, 64, record_order, &rec);
    assert_int_equal(rec.n, 64);
    for (uint32_t i = 0; i < 64; i++)
        assert_int_equal(rec.seen[i], i);
    kiln__thread_pool_destroy(pool);
}

typedef struct sum_record {
    uint64_t *partial; /* one slot per worker: the per-thread scratch idiom */
} sum_record;

static void add_index(void *context, uint32_t index, uint32_t worker) {
    sum_record *rec = context;
    rec->partial[worker] += index;
}

static void test_per_worker_scratch_adds_up(void **state) {
    (void)state;
    kiln__thread_pool *pool = NULL;
    assert_int_equal(kiln__thread_pool_create(8, &pool), KILN_OK);
    uint64_t partial[8];
    sum_record rec = {partial};
    for (int loop = 0; loop < 20; loop++) {
        memset(partial, 0, sizeof partial);
        kiln__thread_pool_run(pool, 10000, add_index, &rec);
        uint64_t total = 0;
        for (int w = 0; w < 8; w++)
            total += partial[w];
        assert_int_equal(total, (uint64_t)10000 * 9999 / 2);
    }
    kiln__thread_pool_destroy(pool);
}

static void test_zero_threads_means_one_per_core(void **state) {
    (void)state;
    kiln__thread_pool *pool = NULL;
    assert_int_equal(kiln__thread_pool_create(0, &pool), KILN_OK);
    assert_int_equal(kiln__thread_pool_size(pool), kiln__cpu_count());
    assert_true(kiln__cpu_count() >= 1);
    run_and_check(pool, 1000);
    kiln__thread_pool_destroy(pool);
}

static void test_too_many_threads_fail_with_a_message(void **state) {
    (void)state;
    kiln__thread_pool *pool = NULL;
    assert_int_equal(kiln__thread_pool_create(100000, &pool), KILN_ERROR_INVALID_ARGUMENT);
    assert_null(pool);
    assert_non_null(strstr(kiln_last_error_message(), "100000"));
}

static void test_destroying_nothing_is_harmless(void **state) {
    (void)state;
    kiln__thread_pool_destroy(NULL);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_index_runs_exactly_once),
        cmocka_unit_test(test_a_pool_runs_many_loops_in_a_row),
        cmocka_unit_test(test_an_empty_loop_calls_nothing),
        cmocka_unit_test(test_one_thread_runs_indices_in_order_on_the_caller),
        cmocka_unit_test(test_per_worker_scratch_adds_up),
        cmocka_unit_test(test_zero_threads_means_one_per_core),
        cmocka_unit_test(test_too_many_threads_fail_with_a_message),
        cmocka_unit_test(test_destroying_nothing_is_harmless),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
