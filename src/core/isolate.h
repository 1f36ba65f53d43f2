/* Work in a helper process: for third-party code that may crash, hang or exhaust
 * memory on hostile input. */
#ifndef KILN_CORE_ISOLATE_H
#define KILN_CORE_ISOLATE_H

#include "internal.h"

/* A growing run of bytes. */
typedef struct kiln__bytes {
    uint8_t *data;
    size_t size, capacity;
} kiln__bytes;

kiln_result kiln__bytes_put(kiln__bytes *b, const void *data, size_t size);
void kiln__bytes_free(kiln__bytes *b);

/* Reads bytes in order; past the end it gives zeros and sets `failed`. */
typedef struct kiln__bytes_reader {
    const uint8_t *data;
    size_t size, at;
    bool failed;
} kiln__bytes_reader;
bool kiln__bytes_take(kiln__bytes_reader *r, void *out, size_t size);

/* What runs in the helper: reads the request's bytes, fills out, or fails with Kiln's
 * error, which the caller gets back as it was. */
typedef kiln_result (*kiln__isolated_fn)(const uint8_t *request, size_t size, kiln__bytes *out);

/* Runs work(request) in the process's helper process (forked from it at the first
 * call, serving one request at a time; see isolate.c) with its address space allowed
 * to grow by memory_limit bytes (0: no limit; none under AddressSanitizer, which needs
 * more), and gives the caller the bytes it wrote. A helper that crashes, stops early
 * or takes longer than `seconds` (it is then killed) is KILN_ERROR_INVALID_ARGUMENT,
 * with `what` naming the work in the message; the next call starts a new one. The
 * helper runs only the forking thread, so work must not wait for other threads or
 * for locks they may have held. */
kiln_result kiln__run_isolated(const char *what, size_t memory_limit, double seconds,
                               kiln__isolated_fn work, const void *request, size_t request_size,
                               kiln__bytes *out);

#endif
