/* DataStream: the input is a little program of reads, writes, seeks, queries, extra
 * references, replacements of the stream (memory of its own, a copy, wrapped memory,
 * writable or read-only, a file read back) run against a model of what the stream
 * must hold: its bytes, size, position and whether it may be written. */
#define _POSIX_C_SOURCE 200809L

#define FUZZ_TARGET "fuzz_stream"
#include "fuzz_input.h"

#include <kiln/kiln.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_STREAM ((size_t)1 << 16)
#define MAX_STEPS 256

/* Mostly small numbers, sometimes up to 16, 32 or 64 bits. */
static uint64_t take_number(input *in) {
    uint8_t s = take_u8(in);
    if (s < 0xA0)
        return s & 0x3F;
    if (s < 0xE0)
        return take_bytes(in, 2);
    if (s < 0xF8)
        return take_bytes(in, 4);
    return take_bytes(in, 8);
}

static void *xmalloc(size_t n) {
    void *p = malloc(n ? n : 1);
    check(p != NULL, "out of memory in the fuzzer");
    return p;
}

/* Where kiln_stream_save_file writes; removed at exit. */
static char save_path[64];

static void remove_save_path(void) { unlink(save_path); }

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
    snprintf(save_path, sizeof save_path, "/tmp/kiln-fuzz-stream-XXXXXX");
    int fd = mkstemp(save_path);
    check(fd >= 0, "cannot create a temporary file");
    close(fd);
    atexit(remove_save_path);
    return 0;
}

/* Wrapped memory tells its owner when the last reference is gone. */
static int buffers_wrapped, buffers_released;

static void release_buffer(void *p) {
    free(p);
    buffers_released++;
}

/* What the stream must be. */
typedef struct model {
    kiln_stream *stream;
    uint8_t *bytes;
    size_t size;
    size_t position;
    bool read_only;
} model;

static void model_drop(model *m) {
    kiln_stream_release(m->stream);
    free(m->bytes);
    *m = (model){0};
    check(buffers_released == buffers_wrapped, "wrapped memory was not released exactly once");
}

/* Replaces the stream by a new one: zeroed, copied from the input, or wrapped. */
static void model_replace(model *m, input *in) {
    uint8_t kind = take_u8(in) % 4;
    size_t size = take_number(in) % (MAX_STREAM + 1);
    uint8_t *bytes = xmalloc(size);
    for (size_t i = 0; i < size; i++)
        bytes[i] = kind == 0 ? 0 : (uint8_t)(take_u8(in) + i);
    model_drop(m);
    kiln_stream *s = (kiln_stream *)&s;
    bool read_only = false;
    switch (kind) {
    case 0:
        check(kiln_stream_create_memory(size, &s) == KILN_OK, "create_memory failed");
        break;
    case 1:
        check(kiln_stream_create_copy(size ? bytes : NULL, size, &s) == KILN_OK,
              "create_copy failed");
        break;
    default: {
        read_only = kind == 3;
        uint8_t *memory = xmalloc(size);
        memcpy(memory, bytes, size);
        check(kiln_stream_wrap_memory(memory, size, read_only, release_buffer, memory, &s) ==
                  KILN_OK,
              "wrap_memory failed");
        buffers_wrapped++;
        check(kiln_stream_get_pointer(s) == (size ? memory : NULL),
              "a wrapped stream does not point at its memory");
        break;
    }
    }
    *m = (model){s, bytes, size, 0, read_only};
    if (size)
        check(memcmp(kiln_stream_get_pointer(s), bytes, size) == 0,
              "a new stream does not hold the bytes it was made with");
}

static void step_read(model *m, input *in) {
    size_t count = take_number(in) % (MAX_STREAM + 64);
    uint8_t *buffer = xmalloc(count);
    size_t got = SIZE_MAX;
    check(kiln_stream_read(m->stream, buffer, count, &got) == KILN_OK, "a read failed");
    size_t expected = count < m->size - m->position ? count : m->size - m->position;
    check(got == expected, "a read gave the wrong number of bytes");
    check(got == 0 || memcmp(buffer, m->bytes + m->position, got) == 0,
          "a read gave the wrong bytes");
    m->position += got;
    free(buffer);
}

static void step_write(model *m, input *in) {
    size_t count = take_number(in) % (MAX_STREAM + 64);
    uint8_t *buffer = xmalloc(count);
    uint8_t fill = take_u8(in);
    for (size_t i = 0; i < count; i++)
        buffer[i] = (uint8_t)(fill + i * 7u);
    size_t written = SIZE_MAX;
    kiln_result r = kiln_stream_write(m->stream, buffer, count, &written);
    if (m->read_only) {
        check(r == KILN_ERROR_INVALID_STATE && written == 0,
              "a write to read-only memory did not fail");
    } else if (count > m->size - m->position) {
        check(r == KILN_ERROR_OUT_OF_RANGE && written == 0, "a write past the end did not fail");
    } else {
        check(r == KILN_OK && written == count, "a write that fits failed");
        if (count)
            memcpy(m->bytes + m->position, buffer, count);
        m->position += count;
    }
    free(buffer);
}

static void step_seek(model *m, input *in) {
    uint8_t how = take_u8(in);
    int64_t offset = (int64_t)take_number(in);
    if ((how & 4) && offset != INT64_MIN)
        offset = -offset;
    if ((how & 0x18) == 0x18)
        offset = (how & 0x20) ? INT64_MIN : INT64_MAX;
    int origin = (how & 3) == 3 ? (int)(how >> 6) + 3 : how & 3;
    kiln_result r = kiln_stream_seek(m->stream, offset, (kiln_seek_origin)origin);
    if (origin > 2) {
        check(r == KILN_ERROR_INVALID_ARGUMENT, "seeking from an invalid origin did not fail");
        check(kiln_stream_tell(m->stream) == m->position, "a failed seek moved the stream");
        return;
    }
    size_t base = origin == 0 ? 0 : origin == 1 ? m->position : m->size;
    __int128 target = (__int128)base + offset;
    if (target < 0 || target > (__int128)m->size) {
        check(r == KILN_ERROR_OUT_OF_RANGE, "a seek out of the stream did not fail");
        check(kiln_stream_tell(m->stream) == m->position, "a failed seek moved the stream");
    } else {
        check(r == KILN_OK, "a seek within the stream failed");
        m->position = (size_t)target;
    }
}

static void step_query(const model *m) {
    check(kiln_stream_tell(m->stream) == m->position, "tell is not the position");
    check(kiln_stream_eof(m->stream) == (m->position == m->size), "eof is wrong");
    check(kiln_stream_get_size(m->stream) == m->size, "get_size is wrong");
    check(kiln_stream_get_read_only(m->stream) == m->read_only, "get_read_only is wrong");
    const uint8_t *p = kiln_stream_get_pointer(m->stream);
    check((p == NULL) == (m->size == 0), "get_pointer is NULL exactly for an empty stream");
    check(m->size == 0 || memcmp(p, m->bytes, m->size) == 0, "the stream's bytes are wrong");
}

/* Arguments the calls refuse. */
static void step_misuse(model *m) {
    size_t n = SIZE_MAX;
    check(kiln_stream_read(m->stream, NULL, 1, &n) == KILN_ERROR_INVALID_ARGUMENT && n == 0,
          "reading into NULL did not fail");
    check(kiln_stream_read(m->stream, NULL, 0, &n) == KILN_OK && n == 0,
          "reading nothing into NULL failed");
    n = SIZE_MAX;
    check(kiln_stream_write(m->stream, NULL, 1, &n) == KILN_ERROR_INVALID_ARGUMENT && n == 0,
          "writing from NULL did not fail");
    kiln_stream *s = (kiln_stream *)&s;
    check(kiln_stream_create_copy(NULL, 1, &s) == KILN_ERROR_INVALID_ARGUMENT && s == NULL,
          "copying from NULL did not fail");
    s = (kiln_stream *)&s;
    check(kiln_stream_wrap_memory(NULL, 1, false, NULL, NULL, &s) == KILN_ERROR_INVALID_ARGUMENT &&
              s == NULL,
          "wrapping NULL did not fail");
    check(kiln_stream_create_memory(0, NULL) == KILN_ERROR_INVALID_ARGUMENT,
          "create_memory without out did not fail");
    check(kiln_stream_create_memory(SIZE_MAX, &s) == KILN_ERROR_OUT_OF_MEMORY && s == NULL,
          "a stream of SIZE_MAX bytes did not fail");
    check(kiln_stream_tell(m->stream) == m->position, "a refused call moved the stream");
}

/* Writes the stream to a file and continues with the file read back, a stream that
 * owns memory allocated apart from it. */
static void step_file(model *m) {
    check(kiln_stream_save_file(m->stream, save_path) == KILN_OK, "save_file failed");
    kiln_stream *s = NULL;
    check(kiln_stream_open_file(save_path, &s) == KILN_OK, "open_file failed");
    check(kiln_stream_get_size(s) == m->size && kiln_stream_tell(s) == 0 &&
              !kiln_stream_get_read_only(s),
          "a file read back has the wrong size, position or access");
    check(m->size == 0 || memcmp(kiln_stream_get_pointer(s), m->bytes, m->size) == 0,
          "a file read back has the wrong bytes");
    uint8_t *bytes = xmalloc(m->size);
    memcpy(bytes, m->bytes, m->size);
    size_t size = m->size;
    model_drop(m);
    *m = (model){s, bytes, size, 0, false};
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    input in = {data, size};
    kiln_clear_error();
    buffers_wrapped = buffers_released = 0;
    model m = {0};
    model_replace(&m, &in);
    for (int step = 0; step < MAX_STEPS && in.size > 0; step++) {
        switch (take_u8(&in) % 10) {
        case 0:
        case 1:
            step_read(&m, &in);
            break;
        case 2:
        case 3:
            step_write(&m, &in);
            break;
        case 4:
        case 5:
            step_seek(&m, &in);
            break;
        case 6:
            step_query(&m);
            break;
        case 7: {
            /* Another reference, dropped again: the stream stays. */
            int released = buffers_released;
            kiln_stream_retain(m.stream);
            kiln_stream_release(m.stream);
            check(buffers_released == released, "dropping an extra reference released memory");
            step_misuse(&m);
            break;
        }
        case 8:
            model_replace(&m, &in);
            break;
        default:
            if (take_u8(&in) < 16)
                step_file(&m);
            break;
        }
    }
    step_query(&m);
    model_drop(&m);
    return 0;
}
