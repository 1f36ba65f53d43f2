/* Kiln core: result codes, the thread-local error message, version.
 *
 * Every fallible call returns kiln_result (KILN_OK is 0) and hands results back
 * through out-parameters. On failure kiln_last_error_message() says, in words a
 * user can act on, what went wrong. */
#ifndef KILN_CORE_H
#define KILN_CORE_H

#ifndef KILN_CDEF
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#endif

#if defined(KILN_CDEF)
#define KILN_API
#elif defined(_WIN32)
#define KILN_API
#else
#define KILN_API __attribute__((visibility("default")))
#endif

typedef enum kiln_result {
    KILN_OK = 0,
    KILN_ERROR_INVALID_ARGUMENT = 1, /* a value is out of its domain (Python: ValueError) */
    KILN_ERROR_TYPE = 2,             /* an object of the wrong kind (Python: TypeError) */
    KILN_ERROR_OUT_OF_MEMORY = 3,    /* an allocation failed (Python: MemoryError) */
    KILN_ERROR_IO = 4,               /* a file could not be read or written (Python: OSError) */
    KILN_ERROR_NOT_FOUND = 5,        /* no resource of that name (Python: LookupError) */
    KILN_ERROR_UNSUPPORTED = 6,      /* valid, but not implemented (Python: NotImplementedError) */
    KILN_ERROR_INVALID_STATE = 7, /* the object is not ready for this call (Python: RuntimeError) */
    KILN_ERROR_OUT_OF_RANGE = 8   /* an index or size exceeds its bounds (Python: IndexError) */
} kiln_result;

/* The message of the last failure on the calling thread; "" if none. The string
 * belongs to the thread and stays valid until its next failing Kiln call. */
KILN_API const char *kiln_last_error_message(void);

/* The result code of the last failure on the calling thread; KILN_OK if none. */
KILN_API kiln_result kiln_last_error(void);

/* Forgets the calling thread's last failure. */
KILN_API void kiln_clear_error(void);

/* A static name for a result code, such as "KILN_ERROR_IO". */
KILN_API const char *kiln_result_name(kiln_result result);

/* The library version, "MAJOR.MINOR.PATCH"; static storage. */
KILN_API const char *kiln_version_string(void);

/* Fault injection, for tests of what happens when memory runs out: the nth allocation
 * of the library from now on (1: the next one) fails, once, on whichever thread makes
 * it; 0 cancels a failure not yet reached. The call that needed the memory fails with
 * KILN_ERROR_OUT_OF_MEMORY. */
KILN_API void kiln_fail_allocation(uint64_t nth);

/* How many allocations the library has made since it was loaded: a test runs its
 * scene once and then fails each of the allocations that run made. */
KILN_API uint64_t kiln_get_allocation_count(void);

#endif
