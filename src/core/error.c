#include "internal.h"

#include <stdarg.h>
#include <stdio.h>

static _Thread_local char last_message[1024];
static _Thread_local kiln_result last_code = KILN_OK;

kiln_result kiln__fail(kiln_result code, const char *format, ...) {
    va_list args;
    va_start(args, format);
    vsnprintf(last_message, sizeof last_message, format, args);
    va_end(args);
    last_code = code;
    return code;
}

kiln_result kiln__fail_oom(const char *what, size_t bytes) {
    return kiln__fail(KILN_ERROR_OUT_OF_MEMORY, "out of memory allocating %zu bytes for %s", bytes,
                      what);
}

const char *kiln_last_error_message(void) { return last_message; }

kiln_result kiln_last_error(void) { return last_code; }

void kiln_clear_error(void) {
    last_message[0] = '\0';
    last_code = KILN_OK;
}

const char *kiln_result_name(kiln_result result) {
    switch (result) {
    case KILN_OK:
        return "KILN_OK";
    case KILN_ERROR_INVALID_ARGUMENT:
        return "KILN_ERROR_INVALID_ARGUMENT";
    case KILN_ERROR_TYPE:
        return "KILN_ERROR_TYPE";
    case KILN_ERROR_OUT_OF_MEMORY:
        return "KILN_ERROR_OUT_OF_MEMORY";
    case KILN_ERROR_IO:
        return "KILN_ERROR_IO";
    case KILN_ERROR_NOT_FOUND:
        return "KILN_ERROR_NOT_FOUND";
    case KILN_ERROR_UNSUPPORTED:
        return "KILN_ERROR_UNSUPPORTED";
    case KILN_ERROR_INVALID_STATE:
        return "KILN_ERROR_INVALID_STATE";
    case KILN_ERROR_OUT_OF_RANGE:
        return "KILN_ERROR_OUT_OF_RANGE";
    }
    return "KILN_ERROR_UNKNOWN";
}

const char *kiln_version_string(void) { return KILN_VERSION_STRING; }
