/* Memory streams: bytes owned by the stream or wrapped from someone else. */
#include "internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>

struct kiln_stream {
    kiln__refcount refs;
    unsigned char *data;
    size_t size;
    size_t position;
    bool read_only;
    bool owns_data;     /* data was allocated for the stream */
    bool data_inline;   /* ... in the same block as the stream, right after it */
    size_t block_bytes; /* of that block, when data_inline */
    /* For wrapped memory: tells the owner when the last reference is gone. */
    kiln_release_fn release;
    void *user_data;
};

/* strerror is not thread-safe; the XSI strerror_r fills a caller buffer. */
static const char *describe_errno(int code, char *buffer, size_t size) {
    if (strerror_r(code, buffer, size) != 0)
        snprintf(buffer, size, "error %d", code);
    return buffer;
}

static kiln_result new_stream(const char *what, kiln_stream **out) {
    kiln_stream *stream = kiln__calloc(1, sizeof *stream);
    if (!stream)
        return kiln__fail_oom(what, sizeof *stream);
    kiln__ref_init(&stream->refs);
    *out = stream;
    return KILN_OK;
}

/* An owning stream of size bytes, zeroed or copied from `source`; `caller` names the
 * public function in messages. */
/* The bytes of a stream that holds its data in the same block: the structure, padded
 * so that the data starts on a cache line of the block. */
#define KILN__STREAM_HEADER_BYTES ((sizeof(kiln_stream) + 63) & ~(size_t)63)

/* Copies of arrays are made and dropped at the rate of a data loader: the last few blocks
 * of moderate size are kept for the next copy, which then neither asks the allocator
 * nor touches new pages. Lock-free, so also safe in a child after fork. Sanitizer
 * builds free every block, so that a use after free is still caught. */
#if defined(__SANITIZE_ADDRESS__)
#define KILN__RECYCLED_BLOCKS 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define KILN__RECYCLED_BLOCKS 0
#endif
#endif
#ifndef KILN__RECYCLED_BLOCKS
#define KILN__RECYCLED_BLOCKS 4
#endif
#define KILN__RECYCLED_MIN_BYTES ((size_t)32 << 10)
#define KILN__RECYCLED_MAX_BYTES ((size_t)1 << 20)

#if KILN__RECYCLED_BLOCKS
static kiln_stream *recycled[KILN__RECYCLED_BLOCKS];

/* A kept block of at least `total` bytes and not much more, or NULL. */
static unsigned char *take_recycled(size_t total) {
    if (total < KILN__RECYCLED_MIN_BYTES || total > KILN__RECYCLED_MAX_BYTES)
        return NULL;
    for (int i = 0; i < KILN__RECYCLED_BLOCKS; i++) {
        kiln_stream *block = __atomic_load_n(&recycled[i], __ATOMIC_ACQUIRE);
        if (!block || block->block_bytes < total || block->block_bytes - total > total / 4)
            continue;
        if (!__atomic_compare_exchange_n(&recycled[i], &block, NULL, false, __ATOMIC_ACQ_REL,
                                         __ATOMIC_ACQUIRE))
            continue;
        /* Another thread may have swapped the slot's block meanwhile: check again. */
        if (block->block_bytes >= total && block->block_bytes - total <= total / 4)
            return (unsigned char *)block;
        kiln__free(block);
    }
    return NULL;
}

/* Keeps a stream's block for a later copy, or frees it. */
static void free_block(kiln_stream *block) {
    if (block->block_bytes >= KILN__RECYCLED_MIN_BYTES &&
        block->block_bytes <= KILN__RECYCLED_MAX_BYTES)
        for (int i = 0; i < KILN__RECYCLED_BLOCKS; i++) {
            kiln_stream *empty = NULL;
            if (__atomic_compare_exchange_n(&recycled[i], &empty, block, false, __ATOMIC_ACQ_REL,
                                            __ATOMIC_RELAXED))
                return;
        }
    kiln__free(block);
}
#else
static unsigned char *take_recycled(size_t total) {
    (void)total;
    return NULL;
}

static void free_block(kiln_stream *block) { kiln__free(block); }
#endif

static kiln_result create_owning(const char *caller, size_t size, const void *source,
                                 kiln_stream **out) {
    if (out == NULL)
        return kiln__fail(KILN_ERROR_INVALID_ARGUMENT, "%s: argument 'out' must not be NULL",
                          caller);
    *out = NULL;
    /* One block for the stream and its bytes. A copy overwrites every byte, so it
     * skips calloc's zeroing; its bytes start at the same offset within a cache line as
     * the source's, since copies between addresses that differ there run at little more
     * than half speed on some processors (string moves on AMD's). */
    size_t slack = source ? 63 : 0;
    if (size > SIZE_MAX - KILN__STREAM_HEADER_BYTES - slack)
        return kiln__fail_oom("the bytes of a memory stream", size);
    size_t total = KILN__STREAM_HEADER_BYTES + slack + size;
    unsigned char *block = NULL;
    size_t block_bytes = total;
    if (source) {
        block = take_recycled(total);
        if (block)
            block_bytes = ((kiln_stream *)(void *)block)->block_bytes;
        else
            block = kiln__malloc(total);
    } else {
        block = kiln__calloc(total, 1);
    }
    if (!block)
        return kiln__fail_oom("the bytes of a memory stream", size);
    kiln_stream *stream = (kiln_stream *)(void *)block;
    memset(stream, 0, sizeof *stream);
    kiln__ref_init(&stream->refs);
    stream->block_bytes = block_bytes;
    size_t offset = KILN__STREAM_HEADER_BYTES;
    if (source)
        offset += ((uintptr_t)source - (uintptr_t)(block + offset)) & 63;
    stream->data = size ? block + offset : NULL;
    if (source && size)
        kiln__copy_into_new(stream->data, source, size);
    stream->size = size;
    stream->owns_data = true;
    stream->data_inline = true;
    *out = stream;
    return KILN_OK;
}

KILN_API kiln_result kiln_stream_create_memory(size_t size, kiln_stream **out) {
    return create_owning(__func__, size, NULL, out);
}

KILN_API kiln_result kiln_stream_create_copy(const void *data, size_t size, kiln_stream **out) {
    if (out)
        *out = NULL;
    KILN__REQUIRE(data != NULL || size == 0,
                  "kiln_stream_create_copy: data is NULL but size is %zu bytes", size);
    return create_owning(__func__, size, data, out);
}

KILN_API kiln_result kiln_stream_wrap_memory(void *data, size_t size, bool read_only,
                                             kiln_release_fn release, void *user_data,
                                             kiln_stream **out) {
    KILN__REQUIRE_NOT_NULL(out);
    *out = NULL;
    KILN__REQUIRE(data != NULL || size == 0,
                  "kiln_stream_wrap_memory: data is NULL but size is %zu bytes; "
                  "pass a pointer to the memory or a size of 0",
                  size);
    kiln_stream *stream = NULL;
    KILN__CHECK(new_stream("a stream wrapping memory", &stream));
    stream->data = data;
    stream->size = size;
    stream->read_only = read_only;
    stream->release = release;
    stream->user_data = user_data;
    *out = stream;
    return KILN_OK;
}

KILN_API kiln_result kiln_stream_open_file(const char *path, kiln_stream **out) {
    KILN__REQUIRE_NOT_NULL(out);
    *out = NULL;
    KILN__REQUIRE_NOT_NULL(path);
    char reason[256];
    FILE *file = fopen(path, "rb");
    if (!file)
        return kiln__fail(KILN_ERROR_IO, "kiln_stream_open_file: cannot open '%s': %s", path,
                          describe_errno(errno, reason, sizeof reason));

    /* Reading in growing chunks works for files whose size is not known up front
     * (pipes, /proc) as well as for regular files. */
    size_t capacity = 0, size = 0;
    unsigned char *data = NULL;
    kiln_result result = KILN_OK;
    for (;;) {
        if (size == capacity) {
            result = kiln__grow(&data, &capacity, size + 1, 1, 65536, "the content of a file");
            if (result != KILN_OK)
                break;
        }
        size_t want = capacity - size;
        size_t got = fread(data + size, 1, want, file);
        size += got;
        /* A short read means the end of the file or an error. */
        if (got < want) {
            if (ferror(file))
                result = kiln__fail(KILN_ERROR_IO, "kiln_stream_open_file: cannot read '%s': %s",
                                    path, describe_errno(errno, reason, sizeof reason));
            break;
        }
    }
    fclose(file);
    if (result != KILN_OK) {
        kiln__free(data);
        return result;
    }
    kiln_stream *stream = NULL;
    result = new_stream("a file stream", &stream);
    if (result != KILN_OK) {
        kiln__free(data);
        return result;
    }
    if (size == 0) {
        kiln__free(data);
        data = NULL;
    } else if (size < capacity) {
        unsigned char *exact = kiln__realloc(data, size);
        if (exact)
            data = exact;
    }
    stream->data = data;
    stream->size = size;
    stream->owns_data = true;
    *out = stream;
    return KILN_OK;
}

KILN_API kiln_result kiln_stream_save_file(const kiln_stream *self, const char *path) {
    KILN__REQUIRE_NOT_NULL(self);
    KILN__REQUIRE_NOT_NULL(path);
    char reason[256];
    FILE *file = fopen(path, "wb");
    if (!file)
        return kiln__fail(KILN_ERROR_IO, "kiln_stream_save_file: cannot create '%s': %s", path,
                          describe_errno(errno, reason, sizeof reason));
    size_t written = self->size ? fwrite(self->data, 1, self->size, file) : 0;
    int write_error = written != self->size ? errno : 0;
    int close_failed = fclose(file) != 0;
    if (written != self->size || close_failed) {
        int code = write_error ? write_error : errno;
        return kiln__fail(KILN_ERROR_IO,
                          "kiln_stream_save_file: cannot write %zu bytes to '%s': %s", self->size,
                          path, describe_errno(code, reason, sizeof reason));
    }
    return KILN_OK;
}

KILN_API void kiln_stream_retain(kiln_stream *self) { kiln__ref_inc(&self->refs); }

KILN_API void kiln_stream_release(kiln_stream *self) {
    if (!self || !kiln__ref_dec(&self->refs))
        return;
    if (self->owns_data && !self->data_inline)
        kiln__free(self->data);
    else if (self->release)
        self->release(self->user_data);
    if (self->data_inline)
        free_block(self);
    else
        kiln__free(self);
}

KILN_API kiln_result kiln_stream_read(kiln_stream *self, void *buffer, size_t count,
                                      size_t *out_read) {
    if (out_read)
        *out_read = 0;
    KILN__REQUIRE_NOT_NULL(self);
    KILN__REQUIRE(buffer != NULL || count == 0,
                  "kiln_stream_read: buffer is NULL but %zu bytes were asked for", count);
    size_t available = self->size - self->position;
    size_t n = count < available ? count : available;
    if (n > 0)
        memcpy(buffer, self->data + self->position, n);
    self->position += n;
    if (out_read)
        *out_read = n;
    return KILN_OK;
}

KILN_API kiln_result kiln_stream_write(kiln_stream *self, const void *buffer, size_t count,
                                       size_t *out_written) {
    if (out_written)
        *out_written = 0;
    KILN__REQUIRE_NOT_NULL(self);
    KILN__REQUIRE(buffer != NULL || count == 0,
                  "kiln_stream_write: buffer is NULL but %zu bytes were to be written", count);
    if (self->read_only)
        return kiln__fail(KILN_ERROR_INVALID_STATE,
                          "kiln_stream_write: the stream is read-only (it wraps memory that was "
                          "marked read-only)");
    if (count > self->size - self->position)
        return kiln__fail(KILN_ERROR_OUT_OF_RANGE,
                          "kiln_stream_write: writing %zu bytes at position %zu would pass the end "
                          "of a %zu-byte stream, which does not grow",
                          count, self->position, self->size);
    if (count > 0)
        memcpy(self->data + self->position, buffer, count);
    self->position += count;
    if (out_written)
        *out_written = count;
    return KILN_OK;
}

KILN_API kiln_result kiln_stream_seek(kiln_stream *self, int64_t offset, kiln_seek_origin origin) {
    KILN__REQUIRE_NOT_NULL(self);
    size_t base;
    switch (origin) {
    case KILN_SEEK_SET:
        base = 0;
        break;
    case KILN_SEEK_CUR:
        base = self->position;
        break;
    case KILN_SEEK_END:
        base = self->size;
        break;
    default:
        return kiln__fail(KILN_ERROR_INVALID_ARGUMENT,
                          "kiln_stream_seek: origin %d is not KILN_SEEK_SET, KILN_SEEK_CUR or "
                          "KILN_SEEK_END",
                          (int)origin);
    }
    /* Unsigned magnitudes avoid overflow for any int64 offset, INT64_MIN included. */
    size_t target;
    if (offset < 0) {
        uint64_t back = (uint64_t)(-(offset + 1)) + 1;
        if (back > base)
            goto out_of_range;
        target = base - (size_t)back;
    } else {
        if ((uint64_t)offset > self->size - base)
            goto out_of_range;
        target = base + (size_t)offset;
    }
    self->position = target;
    return KILN_OK;

out_of_range:
    return kiln__fail(KILN_ERROR_OUT_OF_RANGE,
                      "kiln_stream_seek: offset %lld from position %zu leaves the stream, whose "
                      "positions are 0 to %zu",
                      (long long)offset, base, self->size);
}

KILN_API size_t kiln_stream_tell(const kiln_stream *self) { return self->position; }

KILN_API bool kiln_stream_eof(const kiln_stream *self) { return self->position >= self->size; }

KILN_API size_t kiln_stream_get_size(const kiln_stream *self) { return self->size; }

KILN_API bool kiln_stream_get_read_only(const kiln_stream *self) { return self->read_only; }

KILN_API void *kiln_stream_get_pointer(kiln_stream *self) {
    return self->size > 0 ? self->data : NULL;
}
