#define _GNU_SOURCE
#include "internal.h"
#include "threads.h"

#include <pthread.h>

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* Large buffers (frames, textures, copied arrays) are touched page by page right
 * after allocation; transparent huge pages make that one fault per 2 MiB instead of
 * one per 4 KiB, as NumPy does for its own large arrays. */
#define KILN__HUGE_PAGE_THRESHOLD ((size_t)4 << 20)

static void *advise_huge_pages(void *ptr, size_t size) {
#ifdef MADV_HUGEPAGE
    if (ptr && size >= KILN__HUGE_PAGE_THRESHOLD) {
        uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
        uintptr_t start = ((uintptr_t)ptr + page - 1) & ~(page - 1);
        uintptr_t end = ((uintptr_t)ptr + size) & ~(page - 1);
        if (end > start)
            (void)madvise((void *)start, end - start, MADV_HUGEPAGE); /* a hint only */
    }
#else
    (void)size;
#endif
    return ptr;
}

/* Fault injection (kiln_fail_allocation): allocations are counted, and the one whose
 * number is fail_at fails. */
static uint64_t allocation_count;
static uint64_t fail_at;

KILN_API void kiln_fail_allocation(uint64_t nth) {
    uint64_t at = nth ? __atomic_load_n(&allocation_count, __ATOMIC_RELAXED) + nth : 0;
    __atomic_store_n(&fail_at, at, __ATOMIC_RELAXED);
}

KILN_API uint64_t kiln_get_allocation_count(void) {
    return __atomic_load_n(&allocation_count, __ATOMIC_RELAXED);
}

/* Counts an allocation; true if it is the one to fail. */
static bool injected_failure(void) {
    uint64_t n = __atomic_add_fetch(&allocation_count, 1, __ATOMIC_RELAXED);
    uint64_t at = __atomic_load_n(&fail_at, __ATOMIC_RELAXED);
    return at != 0 && n == at &&
           __atomic_compare_exchange_n(&fail_at, &at, 0, false, __ATOMIC_RELAXED, __ATOMIC_RELAXED);
}

void *kiln__malloc(size_t size) {
    if (injected_failure())
        return NULL;
    return advise_huge_pages(malloc(size ? size : 1), size);
}

void *kiln__calloc(size_t count, size_t size) {
    if (injected_failure())
        return NULL;
    if (count == 0 || size == 0)
        return calloc(1, 1);
    size_t total;
    if (!kiln__mul_size(count, size, &total))
        return NULL;
    return advise_huge_pages(calloc(count, size), total);
}

void *kiln__realloc(void *ptr, size_t size) {
    if (injected_failure())
        return NULL;
    return realloc(ptr, size ? size : 1);
}

kiln_result kiln__grow(void *items_address, size_t *capacity, size_t needed, size_t item_size,
                       size_t initial, const char *what) {
    if (needed <= *capacity)
        return KILN_OK;
    size_t room = *capacity ? *capacity : (initial ? initial : 1);
    while (room < needed)
        room = room > SIZE_MAX / 2 ? needed : room * 2;
    size_t bytes;
    if (!kiln__mul_size(room, item_size, &bytes)) {
        /* Doubling went past what can be counted: exactly what is needed, if that can. */
        room = needed;
        if (!kiln__mul_size(room, item_size, &bytes))
            return kiln__fail(KILN_ERROR_OUT_OF_MEMORY,
                              "%s: %zu items of %zu bytes are more than memory can hold", what,
                              needed, item_size);
    }
    void *items;
    memcpy(&items, items_address, sizeof items);
    void *grown = kiln__realloc(items, bytes);
    if (!grown)
        return kiln__fail_oom(what, bytes);
    memcpy(items_address, &grown, sizeof grown);
    *capacity = room;
    return KILN_OK;
}

kiln_result kiln__grow32(void *items_address, uint32_t *capacity, uint32_t needed, size_t item_size,
                         uint32_t initial, const char *what) {
    if (needed <= *capacity)
        return KILN_OK;
    size_t room = *capacity;
    KILN__CHECK(kiln__grow(items_address, &room, needed, item_size, initial, what));
    /* The array may have room for more than UINT32_MAX items; it counts that many. */
    *capacity = room > UINT32_MAX ? UINT32_MAX : (uint32_t)room;
    return KILN_OK;
}

void *kiln__malloc_array(size_t count, size_t size) {
    size_t total;
    if (!kiln__mul_size(count, size, &total))
        return NULL;
    return kiln__malloc(total);
}

void *kiln__realloc_array(void *ptr, size_t count, size_t size) {
    size_t total;
    if (!kiln__mul_size(count, size, &total))
        return NULL;
    return kiln__realloc(ptr, total);
}

void kiln__free(void *ptr) { free(ptr); }

char *kiln__strdup(const char *s) {
    size_t n = strlen(s) + 1;
    char *copy = kiln__malloc(n);
    if (copy)
        memcpy(copy, s, n);
    return copy;
}

void *kiln__aligned_alloc(size_t alignment, size_t size) {
    if (injected_failure())
        return NULL;
    void *ptr = NULL;
    if (posix_memalign(&ptr, alignment, size ? size : 1) != 0)
        return NULL;
    return advise_huge_pages(ptr, size);
}

void kiln__aligned_free(void *ptr) { free(ptr); }

void *kiln__huge_alloc(size_t size, size_t *capacity) {
    *capacity = 0;
    if (size < KILN__HUGE_PAGE_BYTES) {
        /* Less than a huge page is not worth one (it would be resident whole). */
        void *ptr = kiln__aligned_alloc(64, size);
        *capacity = ptr ? size : 0;
        return ptr;
    }
    if (size > SIZE_MAX - KILN__HUGE_PAGE_BYTES)
        return NULL;
    size_t whole = (size + KILN__HUGE_PAGE_BYTES - 1) & ~(KILN__HUGE_PAGE_BYTES - 1);
    if (injected_failure())
        return NULL;
    void *ptr = NULL;
    if (posix_memalign(&ptr, KILN__HUGE_PAGE_BYTES, whole) != 0)
        return NULL;
#ifdef MADV_HUGEPAGE
    (void)madvise(ptr, whole, MADV_HUGEPAGE); /* a hint only */
#endif
    *capacity = whole;
    return ptr;
}

/* A copy of this many bytes or more into memory just allocated is shared with a second
 * thread: most of its time is the first touch of the destination's pages. */
#define KILN__PARALLEL_COPY_BYTES ((size_t)16 << 20)

typedef struct copy_part {
    void *dst;
    const void *src;
    size_t size;
} copy_part;

static void *copy_part_main(void *arg) {
    const copy_part *part = arg;
    memcpy(part->dst, part->src, part->size);
    return NULL;
}

void kiln__copy_into_new(void *dst, const void *src, size_t size) {
    if (size >= KILN__PARALLEL_COPY_BYTES && kiln__cpu_count() > 1) {
        /* The second half on a thread of its own, split at a page. */
        size_t half = (size / 2) & ~(size_t)4095;
        copy_part part = {(uint8_t *)dst + half, (const uint8_t *)src + half, size - half};
        pthread_t thread;
        if (pthread_create(&thread, NULL, copy_part_main, &part) == 0) {
            memcpy(dst, src, half);
            pthread_join(thread, NULL);
            return;
        }
    }
    memcpy(dst, src, size);
}
