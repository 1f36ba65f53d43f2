/* DataStream: bytes in memory with a read/write position.
 *
 * A stream is reference counted. It either owns its bytes (kiln_stream_create_memory)
 * or wraps someone else's (kiln_stream_wrap_memory), in which case the release
 * callback runs once the last reference is gone. Images, pixel boxes and NumPy views
 * hold references to the stream whose memory they use, so that memory never dangles.
 * A stream may be used by one thread at a time; retain/release are thread-safe. */
#ifndef KILN_STREAM_H
#define KILN_STREAM_H

#include "core.h"

typedef struct kiln_stream kiln_stream;

typedef void (*kiln_release_fn)(void *user_data);

typedef enum kiln_seek_origin {
    KILN_SEEK_SET = 0,
    KILN_SEEK_CUR = 1,
    KILN_SEEK_END = 2
} kiln_seek_origin;

/* Allocates a zero-filled stream of size bytes (size may be 0). The caller owns
 * the reference in *out: release it with kiln_stream_release. */
KILN_API kiln_result kiln_stream_create_memory(size_t size, kiln_stream **out);

/* Allocates a stream holding a copy of the size bytes at data. The caller owns the
 * reference in *out. */
KILN_API kiln_result kiln_stream_create_copy(const void *data, size_t size, kiln_stream **out);

/* Wraps size bytes at data without copying. release(user_data) runs when the last
 * reference goes (release may be NULL). On failure release is NOT called. A
 * read-only stream refuses writes. The caller owns the reference in *out. */
KILN_API kiln_result kiln_stream_wrap_memory(void *data, size_t size, bool read_only,
                                             kiln_release_fn release, void *user_data,
                                             kiln_stream **out);

/* Reads a whole file into a new memory stream. Fails with KILN_ERROR_IO naming the
 * path. The caller owns the reference in *out. */
KILN_API kiln_result kiln_stream_open_file(const char *path, kiln_stream **out);

/* Writes the whole content of the stream to a file. */
KILN_API kiln_result kiln_stream_save_file(const kiln_stream *self, const char *path);

/* Adds a reference, to be dropped with kiln_stream_release. self must not be NULL.
 * Thread-safe. */
KILN_API void kiln_stream_retain(kiln_stream *self);

/* Drops a reference; the last one frees the stream. Accepts NULL. */
KILN_API void kiln_stream_release(kiln_stream *self);

/* Reads up to count bytes from the position into buffer; *out_read tells how many. */
KILN_API kiln_result kiln_stream_read(kiln_stream *self, void *buffer, size_t count,
                                      size_t *out_read);

/* Writes count bytes at the position. A memory stream does not grow: writing past
 * its end fails with KILN_ERROR_OUT_OF_RANGE and writes nothing. */
KILN_API kiln_result kiln_stream_write(kiln_stream *self, const void *buffer, size_t count,
                                       size_t *out_written);

/* Moves the position; it must stay within [0, size]. */
KILN_API kiln_result kiln_stream_seek(kiln_stream *self, int64_t offset, kiln_seek_origin origin);

/* The position in bytes from the start, from 0 to the size. */
KILN_API size_t kiln_stream_tell(const kiln_stream *self);

/* True when the position is at the end, where a read gets no bytes. */
KILN_API bool kiln_stream_eof(const kiln_stream *self);

/* The size in bytes, fixed when the stream is made (a stream never grows). */
KILN_API size_t kiln_stream_get_size(const kiln_stream *self);

/* True for wrapped memory marked read-only: writes to it fail with
 * KILN_ERROR_INVALID_STATE. Owning streams are writable. */
KILN_API bool kiln_stream_get_read_only(const kiln_stream *self);

/* The first byte of the stream's memory (NULL for an empty stream). Valid for as
 * long as the caller holds a reference. */
KILN_API void *kiln_stream_get_pointer(kiln_stream *self);

#endif
