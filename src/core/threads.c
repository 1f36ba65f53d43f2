#define _GNU_SOURCE
#include "threads.h"

#include <pthread.h>
#include <sched.h>
#include <time.h>
#include <unistd.h>

/* Bumped in the child of every fork: a pool made before it has no workers there (fork
 * copies only the thread that called it), and starts new ones on its next loop. */
static atomic_uint fork_generation;
static pthread_once_t fork_handler_once = PTHREAD_ONCE_INIT;

static void count_fork(void) { atomic_fetch_add(&fork_generation, 1); }
static void install_fork_handler(void) { (void)pthread_atfork(NULL, NULL, count_fork); }

struct kiln__thread_pool {
    uint32_t size;    /* threads that work on a loop, the caller included */
    unsigned born_in; /* the fork generation its workers were started in */
    bool serial;      /* after a fork, no worker could be started: the caller does all */
    pthread_t *threads;
    pthread_mutex_t lock;
    pthread_cond_t work_ready;
    pthread_cond_t work_done;
    _Atomic uint64_t generation; /* bumped for every loop, wakes the workers */
    atomic_int shutting_down;
    /* the current loop */
    kiln__parallel_fn fn;
    void *context;
    uint32_t count;
    atomic_uint next_index;
    atomic_uint busy_workers;
};

/* A thread that runs out of work looks for more for this long before it sleeps: a
 * frame's loops follow each other closely, and waking a sleeping thread takes tens of
 * microseconds on bare metal and hundreds in a virtual machine, whose idle processor
 * has to be scheduled again. Looking costs the waiting thread's core, which has nothing
 * else of the pool's to do. */
#define KILN__POOL_SPIN_NS 1000000

static inline void pause_briefly(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

static uint64_t now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/* Waits, without sleeping, for at most KILN__POOL_SPIN_NS until done(pool, arg) holds.
 * The clock is read once every few pauses. */
static void spin_until(const kiln__thread_pool *pool,
                       bool (*done)(const kiln__thread_pool *, uint64_t), uint64_t arg) {
    if (done(pool, arg))
        return;
    const uint64_t start = now_ns();
    for (;;) {
        for (int i = 0; i < 32; i++) {
            pause_briefly();
            if (done(pool, arg))
                return;
        }
        if (now_ns() - start > KILN__POOL_SPIN_NS)
            return;
    }
}

typedef struct worker_start {
    kiln__thread_pool *pool;
    uint32_t worker;
} worker_start;

/* A loop after loop `seen` has started, or the pool is stopping. */
static bool new_loop(const kiln__thread_pool *pool, uint64_t seen) {
    return atomic_load(&pool->generation) != seen || atomic_load(&pool->shutting_down);
}

static bool workers_done(const kiln__thread_pool *pool, uint64_t unused) {
    (void)unused;
    return atomic_load(&pool->busy_workers) == 0;
}

static void run_indices(kiln__thread_pool *pool, uint32_t worker) {
    for (;;) {
        uint32_t i = atomic_fetch_add_explicit(&pool->next_index, 1, memory_order_relaxed);
        if (i >= pool->count)
            return;
        pool->fn(pool->context, i, worker);
    }
}

static void *worker_main(void *arg) {
    kiln__thread_pool *pool = ((worker_start *)arg)->pool;
    uint32_t worker = ((worker_start *)arg)->worker;
    kiln__free(arg);
    uint64_t seen = 0;
    for (;;) {
        spin_until(pool, new_loop, seen);
        pthread_mutex_lock(&pool->lock);
        while (!new_loop(pool, seen))
            pthread_cond_wait(&pool->work_ready, &pool->lock);
        if (pool->shutting_down) {
            pthread_mutex_unlock(&pool->lock);
            break;
        }
        seen = atomic_load(&pool->generation);
        pthread_mutex_unlock(&pool->lock);
        run_indices(pool, worker);
        pthread_mutex_lock(&pool->lock);
        if (atomic_fetch_sub(&pool->busy_workers, 1) == 1)
            pthread_cond_signal(&pool->work_done);
        pthread_mutex_unlock(&pool->lock);
    }
    return NULL;
}

uint32_t kiln__cpu_count(void) {
#ifdef CPU_COUNT
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0)
        return (uint32_t)CPU_COUNT(&set);
#endif
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (uint32_t)n : 1;
}

/* Starts the pool's workers; false (and the pool runs loops on the caller alone) if
 * the first cannot be started, destroying those started when a later one cannot. */
static bool start_workers(kiln__thread_pool *pool) {
    for (uint32_t i = 0; i + 1 < pool->size; i++) {
        worker_start *start = kiln__malloc(sizeof *start);
        if (start) {
            start->pool = pool;
            start->worker = i + 1;
        }
        if (!start || pthread_create(&pool->threads[i], NULL, worker_main, start) != 0) {
            kiln__free(start);
            /* Stop the ones started. */
            pthread_mutex_lock(&pool->lock);
            pool->shutting_down = 1;
            pthread_cond_broadcast(&pool->work_ready);
            pthread_mutex_unlock(&pool->lock);
            for (uint32_t j = 0; j < i; j++)
                pthread_join(pool->threads[j], NULL);
            pool->shutting_down = 0;
            return false;
        }
    }
    return true;
}

/* In the child of a fork: the workers are gone and the lock may have been held by one
 * of them. New synchronisation objects and new workers, or the caller alone. */
static void restart_after_fork(kiln__thread_pool *pool) {
    pool->born_in = atomic_load(&fork_generation);
    pthread_mutex_init(&pool->lock, NULL);
    pthread_cond_init(&pool->work_ready, NULL);
    pthread_cond_init(&pool->work_done, NULL);
    atomic_store(&pool->generation, 0);
    atomic_store(&pool->busy_workers, 0);
    pool->shutting_down = 0;
    pool->serial = !start_workers(pool);
}

kiln_result kiln__thread_pool_create(uint32_t num_threads, kiln__thread_pool **out) {
    pthread_once(&fork_handler_once, install_fork_handler);
    if (num_threads == 0)
        num_threads = kiln__cpu_count();
    if (num_threads > 256)
        return kiln__fail(
            KILN_ERROR_INVALID_ARGUMENT,
            "kiln_root_create: num_threads is %u; at most 256 worker threads are supported",
            num_threads);
    kiln__thread_pool *pool = kiln__calloc(1, sizeof *pool);
    if (!pool)
        return kiln__fail_oom("a thread pool", sizeof *pool);
    pool->size = num_threads;
    pool->born_in = atomic_load(&fork_generation);
    pthread_mutex_init(&pool->lock, NULL);
    pthread_cond_init(&pool->work_ready, NULL);
    pthread_cond_init(&pool->work_done, NULL);
    atomic_init(&pool->next_index, 0);
    if (num_threads > 1) {
        pool->threads = kiln__calloc(num_threads - 1, sizeof *pool->threads);
        if (!pool->threads) {
            kiln__thread_pool_destroy(pool);
            return kiln__fail_oom("worker threads", (num_threads - 1) * sizeof(pthread_t));
        }
        if (!start_workers(pool)) {
            pool->serial = true; /* none left running */
            kiln__thread_pool_destroy(pool);
            return kiln__fail(KILN_ERROR_OUT_OF_MEMORY,
                              "could not start %u worker threads: out of memory or past the "
                              "system's limit on threads",
                              num_threads - 1);
        }
    }
    *out = pool;
    return KILN_OK;
}

void kiln__thread_pool_destroy(kiln__thread_pool *pool) {
    if (!pool)
        return;
    if (pool->born_in != atomic_load(&fork_generation) || pool->serial) {
        /* Made before a fork and never used since, or without workers: none to stop. */
        kiln__free(pool->threads);
        kiln__free(pool);
        return;
    }
    pthread_mutex_lock(&pool->lock);
    pool->shutting_down = 1;
    pthread_cond_broadcast(&pool->work_ready);
    pthread_mutex_unlock(&pool->lock);
    if (pool->threads)
        for (uint32_t i = 0; i + 1 < pool->size; i++)
            pthread_join(pool->threads[i], NULL);
    kiln__free(pool->threads);
    pthread_cond_destroy(&pool->work_done);
    pthread_cond_destroy(&pool->work_ready);
    pthread_mutex_destroy(&pool->lock);
    kiln__free(pool);
}

uint32_t kiln__thread_pool_size(const kiln__thread_pool *pool) { return pool->size; }

void kiln__thread_pool_run(kiln__thread_pool *pool, uint32_t count, kiln__parallel_fn fn,
                           void *context) {
    if (count == 0)
        return;
    if (pool->size > 1 && pool->born_in != atomic_load(&fork_generation))
        restart_after_fork(pool);
    if (pool->size == 1 || count == 1 || pool->serial) {
        for (uint32_t i = 0; i < count; i++)
            fn(context, i, 0);
        return;
    }
    pthread_mutex_lock(&pool->lock);
    pool->fn = fn;
    pool->context = context;
    pool->count = count;
    atomic_store(&pool->next_index, 0);
    atomic_store(&pool->busy_workers, pool->size - 1);
    atomic_fetch_add(&pool->generation, 1);
    pthread_cond_broadcast(&pool->work_ready);
    pthread_mutex_unlock(&pool->lock);

    run_indices(pool, 0);

    spin_until(pool, workers_done, 0);
    pthread_mutex_lock(&pool->lock);
    while (!workers_done(pool, 0))
        pthread_cond_wait(&pool->work_done, &pool->lock);
    pthread_mutex_unlock(&pool->lock);
}
