/* What the fuzz targets share: stopping on a broken promise, and reading the input as a
 * sequence of numbers. A target defines FUZZ_TARGET (its name, for messages) before it
 * includes this. */
#ifndef KILN_FUZZ_INPUT_H
#define KILN_FUZZ_INPUT_H

#include <kiln/kiln.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* A broken promise of the library: stops the run so that libFuzzer keeps the input. */
static void check(bool ok, const char *what) {
    if (!ok) {
        fprintf(stderr, FUZZ_TARGET ": %s (last error: %s)\n", what, kiln_last_error_message());
        abort();
    }
}

/* The input, read from the front; past its end every byte reads as 0. */
typedef struct input {
    const uint8_t *data;
    size_t size;
} input;

static uint8_t take_u8(input *in) {
    if (in->size == 0)
        return 0;
    in->size--;
    return *in->data++;
}

/* n bytes, little-endian. */
static uint64_t take_bytes(input *in, int n) {
    uint64_t v = 0;
    for (int i = 0; i < n; i++)
        v |= (uint64_t)take_u8(in) << (8 * i);
    return v;
}

#endif
