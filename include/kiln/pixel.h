/* Pixel formats, PixelBox and bulk conversion.
 *
 * Format numbers and meanings follow the original engine. Packed formats
 * (R8G8B8, A8R8G8B8, ...) name the components of a native-endian integer from the
 * most significant bits down, so on a little-endian machine PF_R8G8B8 lies in memory
 * as B,G,R. The PF_BYTE_* aliases name the memory order instead: PF_BYTE_RGB is
 * R,G,B in memory, the layout of a NumPy (h, w, 3) uint8 array. Kiln supports
 * little-endian machines only. */
#ifndef KILN_PIXEL_H
#define KILN_PIXEL_H

#include "core.h"
#include "stream.h"

typedef enum kiln_pixel_format {
    KILN_PF_UNKNOWN = 0,
    KILN_PF_L8 = 1,            /* 8-bit luminance */
    KILN_PF_L16 = 2,           /* 16-bit luminance */
    KILN_PF_A8 = 3,            /* 8-bit alpha */
    KILN_PF_BYTE_LA = 4,       /* 8-bit luminance then 8-bit alpha in memory */
    KILN_PF_R8G8B8 = 9,        /* packed 24-bit; memory B,G,R */
    KILN_PF_B8G8R8 = 10,       /* packed 24-bit; memory R,G,B */
    KILN_PF_A8R8G8B8 = 11,     /* packed 32-bit; memory B,G,R,A */
    KILN_PF_A8B8G8R8 = 12,     /* packed 32-bit; memory R,G,B,A */
    KILN_PF_B8G8R8A8 = 13,     /* packed 32-bit; memory A,R,G,B */
    KILN_PF_FLOAT16_RGB = 21,  /* three half floats R,G,B */
    KILN_PF_FLOAT16_RGBA = 22, /* four half floats R,G,B,A */
    KILN_PF_FLOAT32_RGB = 23,  /* three floats R,G,B */
    KILN_PF_FLOAT32_RGBA = 24, /* four floats R,G,B,A */
    KILN_PF_X8R8G8B8 = 25,     /* packed 32-bit, alpha unused; memory B,G,R,X */
    KILN_PF_R8G8B8A8 = 27,     /* packed 32-bit; memory A,B,G,R */
    KILN_PF_DEPTH16 = 28,      /* 16-bit normalised depth */
    KILN_PF_SHORT_RGBA = 29,   /* four 16-bit unsigned R,G,B,A */
    KILN_PF_FLOAT16_R = 31,    /* one half float */
    KILN_PF_FLOAT32_R = 32,    /* one float */
    KILN_PF_SHORT_GR = 33,     /* two 16-bit unsigned G,R */
    KILN_PF_FLOAT16_GR = 34,   /* two half floats G,R */
    KILN_PF_FLOAT32_GR = 35,   /* two floats G,R */
    KILN_PF_SHORT_RGB = 36,    /* three 16-bit unsigned R,G,B */
    KILN_PF_DEPTH32F = 108,    /* 32-bit float depth */
    /* Memory-order aliases (little-endian). */
    KILN_PF_BYTE_L = 1,
    KILN_PF_BYTE_A = 3,
    KILN_PF_SHORT_L = 2,
    KILN_PF_BYTE_RGB = 10,
    KILN_PF_BYTE_BGR = 9,
    KILN_PF_BYTE_RGBA = 12,
    KILN_PF_BYTE_BGRA = 11,
    KILN_PF_BYTE_ARGB = 13,
    KILN_PF_BYTE_ABGR = 27
} kiln_pixel_format;

typedef enum kiln_pixel_format_flags {
    KILN_PFF_HASALPHA = 1,
    KILN_PFF_FLOAT = 2,
    KILN_PFF_DEPTH = 4,
    KILN_PFF_LUMINANCE = 8,
    KILN_PFF_NATIVEENDIAN = 16 /* a packed integer, see above */
} kiln_pixel_format_flags;

typedef enum kiln_pixel_component_type {
    KILN_PCT_BYTE = 0,    /* uint8, normalised */
    KILN_PCT_SHORT = 1,   /* uint16, normalised */
    KILN_PCT_FLOAT16 = 2, /* IEEE half */
    KILN_PCT_FLOAT32 = 3  /* IEEE single */
} kiln_pixel_component_type;

/* A box of pixels: left/top/front included, right/bottom/back excluded. */
typedef struct kiln_box {
    uint32_t left;
    uint32_t top;
    uint32_t front;
    uint32_t right;
    uint32_t bottom;
    uint32_t back;
} kiln_box;

/* True for every format this header names (aliases included), false otherwise. */
KILN_API bool kiln_pixel_format_is_valid(kiln_pixel_format format);

/* "PF_R8G8B8" and so on; "PF_UNKNOWN" for an invalid format. Static storage. */
KILN_API const char *kiln_pixel_format_get_name(kiln_pixel_format format);

/* The format of a name as given by kiln_pixel_format_get_name, or an alias such as
 * "PF_BYTE_RGB". KILN_ERROR_INVALID_ARGUMENT for an unknown name. */
KILN_API kiln_result kiln_pixel_format_from_name(const char *name, kiln_pixel_format *out);

/* Bytes per pixel; 0 for an invalid format. */
KILN_API uint32_t kiln_pixel_format_get_num_elem_bytes(kiln_pixel_format format);

/* Components per pixel in memory (an X channel counts); 0 for an invalid format. */
KILN_API uint32_t kiln_pixel_format_get_component_count(kiln_pixel_format format);

/* The type of each component (all components of a format share it). */
KILN_API kiln_pixel_component_type kiln_pixel_format_get_component_type(kiln_pixel_format format);

/* A combination of kiln_pixel_format_flags; 0 for an invalid format. */
KILN_API uint32_t kiln_pixel_format_get_flags(kiln_pixel_format format);

/* Bytes needed for a tightly packed volume; fails on an invalid format or overflow. */
KILN_API kiln_result kiln_pixel_format_get_memory_size(uint32_t width, uint32_t height,
                                                       uint32_t depth, kiln_pixel_format format,
                                                       size_t *out);

/* Converts count pixels from src (in src_format) to dst (in dst_format). Normalised
 * values keep their meaning (byte 255 is short 65535 is float 1.0); a missing
 * alpha reads as opaque; luminance reads as R=G=B and writes R. Exact for every
 * pair where the destination can hold the source's values. */
KILN_API kiln_result kiln_pixel_convert_pixels(const void *src, kiln_pixel_format src_format,
                                               void *dst, kiln_pixel_format dst_format,
                                               size_t count);

/* A reference-counted description of pixel memory: an extent (kiln_box) in a
 * buffer whose pixel (0,0,0) is at byte offset `offset` of a stream, with row and
 * slice pitches in pixels. The PixelBox holds a reference to its stream. */
typedef struct kiln_pixelbox kiln_pixelbox;

/* A PixelBox of width x height x depth pixels over storage, tightly packed from
 * byte 0. storage may be NULL: then a new zeroed stream is allocated. Fails if
 * storage is smaller than the box needs. The caller owns the reference in *out. */
KILN_API kiln_result kiln_pixelbox_create(uint32_t width, uint32_t height, uint32_t depth,
                                          kiln_pixel_format format, kiln_stream *storage,
                                          kiln_pixelbox **out);

/* The general form: extent within a buffer of the given pitches (in pixels; 0 means
 * tightly packed) whose pixel (0,0,0) lies at byte offset of storage. Fails if any
 * pixel of the extent would fall outside the stream. */
KILN_API kiln_result kiln_pixelbox_create_over(const kiln_box *extent, kiln_pixel_format format,
                                               kiln_stream *storage, size_t offset,
                                               size_t row_pitch, size_t slice_pitch,
                                               kiln_pixelbox **out);

/* Adds a reference (self must not be NULL), or drops one (NULL is accepted); the
 * last release frees the PixelBox and its reference to the stream. Thread-safe. */
KILN_API void kiln_pixelbox_retain(kiln_pixelbox *self);
KILN_API void kiln_pixelbox_release(kiln_pixelbox *self);

/* The box of pixels described, in the coordinates of the buffer (whose pixel
 * (0,0,0) lies at get_offset). */
KILN_API kiln_box kiln_pixelbox_get_extent(const kiln_pixelbox *self);

/* The extent's size in pixels: right - left, bottom - top, back - front. */
KILN_API uint32_t kiln_pixelbox_get_width(const kiln_pixelbox *self);
KILN_API uint32_t kiln_pixelbox_get_height(const kiln_pixelbox *self);
KILN_API uint32_t kiln_pixelbox_get_depth(const kiln_pixelbox *self);

/* The format of every pixel of the box. */
KILN_API kiln_pixel_format kiln_pixelbox_get_format(const kiln_pixelbox *self);

/* Pitches in pixels between rows and between slices. */
KILN_API size_t kiln_pixelbox_get_row_pitch(const kiln_pixelbox *self);
KILN_API size_t kiln_pixelbox_get_slice_pitch(const kiln_pixelbox *self);

/* True when the extent's rows and slices follow each other without gaps. */
KILN_API bool kiln_pixelbox_get_is_consecutive(const kiln_pixelbox *self);

/* Bytes from the first to one past the last pixel of the extent. */
KILN_API size_t kiln_pixelbox_get_consecutive_size(const kiln_pixelbox *self);

/* The address of pixel (left, top, front) of the extent. Valid while the PixelBox
 * (or its stream) is referenced. */
KILN_API void *kiln_pixelbox_get_data(const kiln_pixelbox *self);

/* The stream holding the pixels; borrowed. */
KILN_API kiln_stream *kiln_pixelbox_get_storage(const kiln_pixelbox *self);

/* Byte offset of pixel (0,0,0) of the coordinate system in the stream. */
KILN_API size_t kiln_pixelbox_get_offset(const kiln_pixelbox *self);

/* A PixelBox over the part `box` (in this box's coordinates, inside its extent)
 * sharing the same memory. The caller owns the reference in *out. */
KILN_API kiln_result kiln_pixelbox_get_sub_volume(const kiln_pixelbox *self, const kiln_box *box,
                                                  kiln_pixelbox **out);

/* Converts the pixels of src into dst (both extents of the same size), honouring
 * each box's format and pitches. The boxes may not overlap in memory unless they
 * are the same box. */
KILN_API kiln_result kiln_pixelbox_convert_to(const kiln_pixelbox *src, kiln_pixelbox *dst);

#endif
