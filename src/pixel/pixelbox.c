/* PixelBox: a reference-counted description of pixels inside a stream. */
#include "pixel/format.h"

struct kiln_pixelbox {
    kiln__refcount refs;
    kiln_box extent;
    const kiln__pixel_format_desc *format;
    kiln_stream *storage; /* a reference held for the box's whole life */
    size_t offset;        /* byte offset of pixel (0,0,0) in the stream */
    size_t row_pitch;     /* in pixels */
    size_t slice_pitch;   /* in pixels */
};

static uint32_t box_width(const kiln_box *b) { return b->right - b->left; }
static uint32_t box_height(const kiln_box *b) { return b->bottom - b->top; }
static uint32_t box_depth(const kiln_box *b) { return b->back - b->front; }
static bool box_is_empty(const kiln_box *b) {
    return b->left == b->right || b->top == b->bottom || b->front == b->back;
}

#define BOX_FMT "(%u,%u,%u)-(%u,%u,%u)"
#define BOX_ARGS(b) (b)->left, (b)->top, (b)->front, (b)->right, (b)->bottom, (b)->back

static kiln_result check_box_order(const char *fn, const kiln_box *b) {
    if (b->left > b->right || b->top > b->bottom || b->front > b->back)
        return kiln__fail(KILN_ERROR_INVALID_ARGUMENT,
                          "%s: the box " BOX_FMT " is inverted; left, top and front must not "
                          "exceed right, bottom and back",
                          fn, BOX_ARGS(b));
    return KILN_OK;
}

/* Byte offset, relative to pixel (0,0,0), one past the last pixel of the extent;
 * false on overflow. */
static bool extent_end(const kiln_box *e, size_t bpp, size_t row_pitch, size_t slice_pitch,
                       size_t *out) {
    size_t z, y, last;
    if (!kiln__mul_size(e->back - 1u, slice_pitch, &z) ||
        !kiln__mul_size(e->bottom - 1u, row_pitch, &y))
        return false;
    last = z + y;
    if (last < z || last + (e->right - 1u) < last)
        return false;
    last += e->right - 1u;
    if (last == SIZE_MAX || !kiln__mul_size(last + 1u, bpp, out))
        return false;
    return true;
}

static kiln_result make_box(const char *fn, const kiln_box *extent, kiln_pixel_format format,
                            kiln_stream *storage, size_t offset, size_t row_pitch,
                            size_t slice_pitch, kiln_pixelbox **out) {
    const kiln__pixel_format_desc *desc = kiln__pixel_format_describe(format);
    if (!desc)
        return kiln__fail(KILN_ERROR_INVALID_ARGUMENT, "%s: %d is not a valid pixel format", fn,
                          (int)format);
    KILN__CHECK(check_box_order(fn, extent));
    const uint32_t w = box_width(extent), h = box_height(extent), d = box_depth(extent);
    const size_t size = kiln_stream_get_size(storage);

    /* Zero pitches mean "tightly packed", as for the original engine's PixelBox. */
    if (row_pitch == 0)
        row_pitch = w;
    if (slice_pitch == 0 && !kiln__mul_size(row_pitch, h, &slice_pitch))
        return kiln__fail(KILN_ERROR_OUT_OF_RANGE,
                          "%s: a row pitch of %zu pixels times %u rows "
                          "overflows",
                          fn, row_pitch, h);
    /* Pitches too small would make different pixels of the extent share memory. */
    if (h > 1 && row_pitch < w)
        return kiln__fail(KILN_ERROR_INVALID_ARGUMENT,
                          "%s: the row pitch (%zu pixels) is smaller than the extent's width "
                          "(%u pixels)",
                          fn, row_pitch, w);
    if (d > 1 && !box_is_empty(extent)) {
        size_t slice_span;
        if (!kiln__mul_size((size_t)h - 1u, row_pitch, &slice_span) || slice_pitch < slice_span + w)
            return kiln__fail(KILN_ERROR_INVALID_ARGUMENT,
                              "%s: the slice pitch (%zu pixels) is smaller than a slice of the "
                              "extent (%u rows of %u pixels at a row pitch of %zu)",
                              fn, slice_pitch, h, w, row_pitch);
    }

    if (offset > size)
        return kiln__fail(KILN_ERROR_INVALID_ARGUMENT,
                          "%s: the byte offset %zu lies past the end of the %zu-byte stream", fn,
                          offset, size);
    if (!box_is_empty(extent)) {
        size_t end = 0;
        bool representable = extent_end(extent, desc->num_bytes, row_pitch, slice_pitch, &end) &&
                             end <= SIZE_MAX - offset;
        if (!representable)
            return kiln__fail(KILN_ERROR_OUT_OF_RANGE,
                              "%s: the extent " BOX_FMT " with a row pitch of %zu and a slice "
                              "pitch of %zu pixels spans more bytes than memory can address",
                              fn, BOX_ARGS(extent), row_pitch, slice_pitch);
        if (offset + end > size)
            return kiln__fail(KILN_ERROR_INVALID_ARGUMENT,
                              "%s: the extent " BOX_FMT " of %s pixels (%u bytes each) with a row "
                              "pitch of %zu and a slice pitch of %zu pixels, starting at byte "
                              "offset %zu, needs a stream of at least %zu bytes, but the stream "
                              "holds %zu",
                              fn, BOX_ARGS(extent), desc->name, (unsigned)desc->num_bytes,
                              row_pitch, slice_pitch, offset, offset + end, size);
    }

    kiln_pixelbox *box = kiln__calloc(1, sizeof *box);
    if (!box)
        return kiln__fail_oom("a pixel box", sizeof *box);
    kiln__ref_init(&box->refs);
    box->extent = *extent;
    box->format = desc;
    box->storage = storage;
    kiln_stream_retain(storage);
    box->offset = offset;
    box->row_pitch = row_pitch;
    box->slice_pitch = slice_pitch;
    *out = box;
    return KILN_OK;
}

KILN_API kiln_result kiln_pixelbox_create(uint32_t width, uint32_t height, uint32_t depth,
                                          kiln_pixel_format format, kiln_stream *storage,
                                          kiln_pixelbox **out) {
    KILN__REQUIRE_NOT_NULL(out);
    *out = NULL;
    const kiln__pixel_format_desc *desc = kiln__pixel_format_describe(format);
    if (!desc)
        return kiln__fail(KILN_ERROR_INVALID_ARGUMENT,
                          "kiln_pixelbox_create: %d is not a valid pixel format", (int)format);
    size_t needed;
    if (kiln_pixel_format_get_memory_size(width, height, depth, format, &needed) != KILN_OK)
        return kiln__fail(KILN_ERROR_OUT_OF_RANGE,
                          "kiln_pixelbox_create: %ux%ux%u pixels of %s need more bytes than "
                          "memory can hold",
                          width, height, depth, desc->name);
    kiln_box extent = {0, 0, 0, width, height, depth};
    if (storage) {
        if (kiln_stream_get_size(storage) < needed)
            return kiln__fail(KILN_ERROR_INVALID_ARGUMENT,
                              "kiln_pixelbox_create: a %ux%ux%u %s box needs %zu bytes but the "
                              "stream holds %zu",
                              width, height, depth, desc->name, needed,
                              kiln_stream_get_size(storage));
        return make_box("kiln_pixelbox_create", &extent, format, storage, 0, 0, 0, out);
    }
    kiln_stream *own;
    KILN__CHECK(kiln_stream_create_memory(needed, &own));
    kiln_result r = make_box("kiln_pixelbox_create", &extent, format, own, 0, 0, 0, out);
    kiln_stream_release(own); /* the box holds its own reference */
    return r;
}

KILN_API kiln_result kiln_pixelbox_create_over(const kiln_box *extent, kiln_pixel_format format,
                                               kiln_stream *storage, size_t offset,
                                               size_t row_pitch, size_t slice_pitch,
                                               kiln_pixelbox **out) {
    KILN__REQUIRE_NOT_NULL(out);
    *out = NULL;
    KILN__REQUIRE_NOT_NULL(extent);
    KILN__REQUIRE_NOT_NULL(storage);
    return make_box("kiln_pixelbox_create_over", extent, format, storage, offset, row_pitch,
                    slice_pitch, out);
}

KILN_API void kiln_pixelbox_retain(kiln_pixelbox *self) { kiln__ref_inc(&self->refs); }

KILN_API void kiln_pixelbox_release(kiln_pixelbox *self) {
    if (!self || !kiln__ref_dec(&self->refs))
        return;
    kiln_stream_release(self->storage);
    kiln__free(self);
}

KILN_API kiln_box kiln_pixelbox_get_extent(const kiln_pixelbox *self) { return self->extent; }

KILN_API uint32_t kiln_pixelbox_get_width(const kiln_pixelbox *self) {
    return box_width(&self->extent);
}

KILN_API uint32_t kiln_pixelbox_get_height(const kiln_pixelbox *self) {
    return box_height(&self->extent);
}

KILN_API uint32_t kiln_pixelbox_get_depth(const kiln_pixelbox *self) {
    return box_depth(&self->extent);
}

KILN_API kiln_pixel_format kiln_pixelbox_get_format(const kiln_pixelbox *self) {
    return self->format->format;
}

KILN_API size_t kiln_pixelbox_get_row_pitch(const kiln_pixelbox *self) { return self->row_pitch; }

KILN_API size_t kiln_pixelbox_get_slice_pitch(const kiln_pixelbox *self) {
    return self->slice_pitch;
}

KILN_API bool kiln_pixelbox_get_is_consecutive(const kiln_pixelbox *self) {
    uint32_t w = box_width(&self->extent), h = box_height(&self->extent),
             d = box_depth(&self->extent);
    return (h <= 1 || self->row_pitch == w) && (d <= 1 || self->slice_pitch == (size_t)w * h);
}

KILN_API size_t kiln_pixelbox_get_consecutive_size(const kiln_pixelbox *self) {
    const kiln_box *e = &self->extent;
    if (box_is_empty(e))
        return 0;
    /* The constructor checked that this fits in the stream, so it cannot overflow. */
    size_t first = e->front * self->slice_pitch + e->top * self->row_pitch + e->left;
    size_t end = 0;
    extent_end(e, 1, self->row_pitch, self->slice_pitch, &end);
    return (end - first) * self->format->num_bytes;
}

KILN_API void *kiln_pixelbox_get_data(const kiln_pixelbox *self) {
    const kiln_box *e = &self->extent;
    if (box_is_empty(e))
        return NULL;
    size_t first = e->front * self->slice_pitch + e->top * self->row_pitch + e->left;
    unsigned char *base = kiln_stream_get_pointer(self->storage);
    return base + self->offset + first * self->format->num_bytes;
}

KILN_API kiln_stream *kiln_pixelbox_get_storage(const kiln_pixelbox *self) { return self->storage; }

KILN_API size_t kiln_pixelbox_get_offset(const kiln_pixelbox *self) { return self->offset; }

KILN_API kiln_result kiln_pixelbox_get_sub_volume(const kiln_pixelbox *self, const kiln_box *box,
                                                  kiln_pixelbox **out) {
    KILN__REQUIRE_NOT_NULL(out);
    *out = NULL;
    KILN__REQUIRE_NOT_NULL(self);
    KILN__REQUIRE_NOT_NULL(box);
    KILN__CHECK(check_box_order("kiln_pixelbox_get_sub_volume", box));
    const kiln_box *e = &self->extent;
    if (box->left < e->left || box->top < e->top || box->front < e->front ||
        box->right > e->right || box->bottom > e->bottom || box->back > e->back)
        return kiln__fail(KILN_ERROR_OUT_OF_RANGE,
                          "kiln_pixelbox_get_sub_volume: the box " BOX_FMT
                          " is not inside the pixel box's extent " BOX_FMT,
                          BOX_ARGS(box), BOX_ARGS(e));
    /* Same stream, offset and pitches: the sub-volume keeps the coordinate system. */
    kiln_pixelbox *sub = kiln__calloc(1, sizeof *sub);
    if (!sub)
        return kiln__fail_oom("a pixel box", sizeof *sub);
    kiln__ref_init(&sub->refs);
    sub->extent = *box;
    sub->format = self->format;
    sub->storage = self->storage;
    kiln_stream_retain(sub->storage);
    sub->offset = self->offset;
    sub->row_pitch = self->row_pitch;
    sub->slice_pitch = self->slice_pitch;
    *out = sub;
    return KILN_OK;
}
