/* A fixed pool of worker threads that runs parallel loops. The Root owns one. */
#ifndef KILN_CORE_THREADS_H
#define KILN_CORE_THREADS_H

#include "internal.h"

typedef struct kiln__thread_pool kiln__thread_pool;

/* Body of a parallel loop: called once per index in [0, count), on any thread.
 * `worker` is in [0, kiln__thread_pool_size(pool)) and names the calling thread,
 * for per-thread scratch memory. */
typedef void (*kiln__parallel_fn)(void *context, uint32_t index, uint32_t worker);

/* Starts num_threads - 1 threads (the caller of a loop works too); 0 means one per
 * core. */
kiln_result kiln__thread_pool_create(uint32_t num_threads, kiln__thread_pool **out);
void kiln__thread_pool_destroy(kiln__thread_pool *pool);
uint32_t kiln__thread_pool_size(const kiln__thread_pool *pool);

/* Runs fn for every index in [0, count) and returns when all are done. Indices are
 * handed out in increasing order; which thread runs which index is unspecified,
 * so fn must make its output depend on the index alone. */
void kiln__thread_pool_run(kiln__thread_pool *pool, uint32_t count, kiln__parallel_fn fn,
                           void *context);

/* Processors available to this process. */
uint32_t kiln__cpu_count(void);

#endif
