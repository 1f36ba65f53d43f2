/* Internal services every module uses: failure reporting, allocation, reference
 * counts. Nothing here is part of the public API. */
#ifndef KILN_CORE_INTERNAL_H
#define KILN_CORE_INTERNAL_H

#include <kiln/kiln.h>

#include <math.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#if defined(__GNUC__)
#define KILN__PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define KILN__PRINTF(fmt, args)
#endif

/* Records a failure for kiln_last_error_message() and returns code, so that a
 * failing path reads `return kiln__fail(KILN_ERROR_IO, "cannot open %s", path);`. */
kiln_result kiln__fail(kiln_result code, const char *format, ...) KILN__PRINTF(2, 3);

/* Returns early with the result of expr when it failed. */
#define KILN__CHECK(expr)                                                                          \
    do {                                                                                           \
        kiln_result kiln__r = (expr);                                                              \
        if (kiln__r != KILN_OK)                                                                    \
            return kiln__r;                                                                        \
    } while (0)

/* All heap memory of the library goes through these, so that one place decides
 * the allocator. They return NULL on failure (and on overflow for the _array
 * forms) without recording an error: callers say what they were allocating. */
void *kiln__malloc(size_t size);
/* memcpy into memory just allocated; large copies are shared with a second thread. */
void kiln__copy_into_new(void *dst, const void *src, size_t size);
void *kiln__calloc(size_t count, size_t size);
void *kiln__realloc(void *ptr, size_t size);
void *kiln__malloc_array(size_t count, size_t size);
void *kiln__realloc_array(void *ptr, size_t count, size_t size);
void kiln__free(void *ptr);
/* Memory aligned to `alignment` (a power of two, a multiple of sizeof(void *)); freed
 * with kiln__aligned_free. */
void *kiln__aligned_alloc(size_t alignment, size_t size);
void kiln__aligned_free(void *ptr);
/* At least `size` bytes in whole huge pages (2 MiB, aligned to them), asked of the
 * kernel as transparent huge pages, for large buffers read out of order (a frame's
 * primitives, its transformed vertices): each 2 MiB then takes one TLB entry, where
 * 4 KiB pages would miss the TLB on most reads. Less than a huge page is plain memory
 * aligned to 64 bytes. *capacity is the size given; freed with kiln__aligned_free. */
#define KILN__HUGE_PAGE_BYTES ((size_t)2 << 20)
void *kiln__huge_alloc(size_t size, size_t *capacity);
char *kiln__strdup(const char *s);

/* Makes room for `needed` items of item_size bytes in an array that has room for
 * *capacity: items_address is the address of the array's pointer (NULL while there is
 * no array). The room doubles from `initial` until it holds them, and the items move as
 * kiln__realloc moves them. On failure (out of memory, or a size past size_t) nothing
 * changes and the error names `what`. The one place arrays grow, so that every growth
 * has the same tested failure path. */
kiln_result kiln__grow(void *items_address, size_t *capacity, size_t needed, size_t item_size,
                       size_t initial, const char *what);
/* kiln__grow for a capacity counted in 32 bits: the room stops at UINT32_MAX items. */
kiln_result kiln__grow32(void *items_address, uint32_t *capacity, uint32_t needed, size_t item_size,
                         uint32_t initial, const char *what);

/* Fails with KILN_ERROR_OUT_OF_MEMORY naming what could not be allocated. */
kiln_result kiln__fail_oom(const char *what, size_t bytes);

/* Checked size arithmetic: false on overflow. */
static inline int kiln__mul_size(size_t a, size_t b, size_t *out) {
    if (a != 0 && b > SIZE_MAX / a)
        return 0;
    *out = a * b;
    return 1;
}

/* True when each of the n floats from v is finite (neither NaN nor infinite). */
static inline bool kiln__finite_floats(const float *v, int n) {
    for (int i = 0; i < n; i++)
        if (!isfinite(v[i]))
            return false;
    return true;
}

/* An atomic reference count; objects start at 1. */
typedef struct kiln__refcount {
    atomic_int count;
} kiln__refcount;

static inline void kiln__ref_init(kiln__refcount *r) { atomic_init(&r->count, 1); }
static inline void kiln__ref_inc(kiln__refcount *r) {
    atomic_fetch_add_explicit(&r->count, 1, memory_order_relaxed);
}
/* True when the count reached zero and the caller must free the object. */
static inline int kiln__ref_dec(kiln__refcount *r) {
    return atomic_fetch_sub_explicit(&r->count, 1, memory_order_acq_rel) == 1;
}

/* Argument checks that fail with a message naming the function and argument. */
#define KILN__REQUIRE(cond, ...)                                                                   \
    do {                                                                                           \
        if (!(cond))                                                                               \
            return kiln__fail(KILN_ERROR_INVALID_ARGUMENT, __VA_ARGS__);                           \
    } while (0)

#define KILN__REQUIRE_NOT_NULL(ptr)                                                                \
    do {                                                                                           \
        if ((ptr) == NULL)                                                                         \
            return kiln__fail(KILN_ERROR_INVALID_ARGUMENT, "%s: argument '%s' must not be NULL",   \
                              __func__, #ptr);                                                     \
    } while (0)

#endif
