#include "texture.h"

#include "pixel/convert.h"

#include <math.h>
#include <string.h>

/* ---- the manager ---- */

kiln_result kiln__texture_manager_create(kiln_texture_manager **out) {
    kiln_texture_manager *self = kiln__calloc(1, sizeof *self);
    if (!self)
        return kiln__fail_oom("a texture manager", sizeof *self);
    kiln__ref_init(&self->ref);
    self->alive = true;
    *out = self;
    return KILN_OK;
}

void kiln__texture_manager_shutdown(kiln_texture_manager *self) {
    if (!self)
        return;
    for (uint32_t i = 0; i < self->textures.count; i++)
        kiln_texture_release(self->textures.entries[i].item);
    kiln__registry_free(&self->textures);
    self->alive = false;
    kiln__texture_manager_release(self);
}

void kiln__texture_manager_retain(kiln_texture_manager *self) { kiln__ref_inc(&self->ref); }

void kiln__texture_manager_release(kiln_texture_manager *self) {
    if (self && kiln__ref_dec(&self->ref)) {
        kiln__registry_free(&self->textures);
        kiln__free(self);
    }
}

/* ---- mipmaps ---- */

/* Linear interpolation of 8-bit values with an 8-bit weight, rounded, the way the
 * reference rasterizer's fixed-point filter does it. */
static inline int lerp8(int a, int b, int w) { return a + (((b - a) * w + 128) >> 8); }

void kiln__texture_downsample(const kiln__texture_level *src, kiln__texture_level *dst) {
    /* Each destination texel centre maps to a source position; sampling there
     * bilinearly (with clamping) is the exact 2x2 box for even sizes. Positions are
     * in 8.8 fixed point. */
    for (uint32_t y = 0; y < dst->height; y++) {
        int64_t fy = ((int64_t)(2 * y + 1) * src->height * 256) / (2 * dst->height) - 128;
        int y0 = (int)(fy >> 8), wy = (int)(fy & 255);
        int y1 = y0 + 1;
        y0 = y0 < 0 ? 0 : y0;
        y1 = y1 >= (int)src->height ? (int)src->height - 1 : y1;
        for (uint32_t x = 0; x < dst->width; x++) {
            int64_t fx = ((int64_t)(2 * x + 1) * src->width * 256) / (2 * dst->width) - 128;
            int x0 = (int)(fx >> 8), wx = (int)(fx & 255);
            int x1 = x0 + 1;
            x0 = x0 < 0 ? 0 : x0;
            x1 = x1 >= (int)src->width ? (int)src->width - 1 : x1;
            const uint8_t *t00 = src->texels + ((size_t)y0 * src->width + (size_t)x0) * 4;
            const uint8_t *t01 = src->texels + ((size_t)y0 * src->width + (size_t)x1) * 4;
            const uint8_t *t10 = src->texels + ((size_t)y1 * src->width + (size_t)x0) * 4;
            const uint8_t *t11 = src->texels + ((size_t)y1 * src->width + (size_t)x1) * 4;
            uint8_t *d = dst->texels + ((size_t)y * dst->width + x) * 4;
            for (int c = 0; c < 4; c++) {
                int top = lerp8(t00[c], t01[c], wx);
                int bottom = lerp8(t10[c], t11[c], wx);
                d[c] = (uint8_t)lerp8(top, bottom, wy);
            }
        }
    }
}

void kiln__texture_downsample_float(const kiln__texture_level *src, kiln__texture_level *dst) {
    for (uint32_t y = 0; y < dst->height; y++) {
        /* The destination texel centre in source texels, from the source's centres. */
        double sy = ((double)(2 * y + 1) * src->height) / (2.0 * dst->height) - 0.5;
        double fy = floor(sy);
        float wy = (float)(sy - fy);
        int y0 = (int)fy, y1 = y0 + 1;
        y0 = y0 < 0 ? 0 : y0;
        y1 = y1 >= (int)src->height ? (int)src->height - 1 : y1;
        for (uint32_t x = 0; x < dst->width; x++) {
            double sx = ((double)(2 * x + 1) * src->width) / (2.0 * dst->width) - 0.5;
            double fx = floor(sx);
            float wx = (float)(sx - fx);
            int x0 = (int)fx, x1 = x0 + 1;
            x0 = x0 < 0 ? 0 : x0;
            x1 = x1 >= (int)src->width ? (int)src->width - 1 : x1;
            const float *t00 = src->texelsf + ((size_t)y0 * src->width + (size_t)x0) * 4;
            const float *t01 = src->texelsf + ((size_t)y0 * src->width + (size_t)x1) * 4;
            const float *t10 = src->texelsf + ((size_t)y1 * src->width + (size_t)x0) * 4;
            const float *t11 = src->texelsf + ((size_t)y1 * src->width + (size_t)x1) * 4;
            float *d = dst->texelsf + ((size_t)y * dst->width + x) * 4;
            for (int c = 0; c < 4; c++) {
                float top = t00[c] + wx * (t01[c] - t00[c]);
                float bottom = t10[c] + wx * (t11[c] - t10[c]);
                d[c] = top + wy * (bottom - top);
            }
        }
    }
}

static void texture_free(kiln_texture *self) {
    if (self->levels)
        for (uint32_t i = 0; i < self->num_levels; i++) {
            kiln__free(self->levels[i].texels);
            kiln__free(self->levels[i].texelsf);
        }
    kiln__free(self->levels);
    kiln__free(self->name);
    kiln__free(self->group);
    kiln__free(self);
}

static kiln_result texture_create(const char *name, const char *group, const kiln_image *image,
                                  kiln_texture **out) {
    uint32_t width = kiln_image_get_width(image);
    uint32_t height = kiln_image_get_height(image);
    uint32_t depth = kiln_image_get_depth(image);
    kiln_pixel_format format = kiln_image_get_format(image);
    if (width == 0 || height == 0 || format == KILN_PF_UNKNOWN)
        return kiln__fail(KILN_ERROR_INVALID_ARGUMENT,
                          "kiln_texture_manager_load_image: the image for texture '%s' is empty",
                          name);
    if (depth != 1)
        return kiln__fail(KILN_ERROR_UNSUPPORTED,
                          "kiln_texture_manager_load_image: the image for texture '%s' has depth "
                          "%u; only 2D textures (depth 1) are supported",
                          name, depth);
    if (kiln_pixel_format_get_flags(format) & KILN_PFF_DEPTH)
        return kiln__fail(KILN_ERROR_UNSUPPORTED,
                          "kiln_texture_manager_load_image: texture '%s' has the depth format %s, "
                          "which cannot be sampled",
                          name, kiln_pixel_format_get_name(format));

    uint32_t num_levels = 1;
    for (uint32_t w = width, h = height; w > 1 || h > 1; num_levels++) {
        w = w > 1 ? w / 2 : 1;
        h = h > 1 ? h / 2 : 1;
    }
    kiln_texture *self = kiln__calloc(1, sizeof *self);
    if (!self)
        return kiln__fail_oom("a texture", sizeof *self);
    kiln__ref_init(&self->ref);
    self->format = format;
    self->name = kiln__strdup(name);
    self->group = kiln__strdup(group ? group : KILN__DEFAULT_GROUP);
    self->levels = kiln__calloc(num_levels, sizeof *self->levels);
    if (!self->name || !self->group || !self->levels) {
        texture_free(self);
        return kiln__fail_oom("a texture", sizeof *self);
    }
    self->num_levels = num_levels;
    /* More than 8 bits a channel: float texels too. */
    const bool precise = kiln_pixel_format_get_component_type(format) != KILN_PCT_BYTE;
    uint32_t w = width, h = height;
    for (uint32_t i = 0; i < num_levels; i++) {
        size_t bytes;
        if (!kiln__mul_size((size_t)w * h, 4, &bytes) ||
            !(self->levels[i].texels = kiln__malloc(bytes)) ||
            (precise &&
             !(self->levels[i].texelsf = kiln__malloc_array((size_t)w * h * 4, sizeof(float))))) {
            texture_free(self);
            return kiln__fail_oom("texture texels", (size_t)w * h * (precise ? 20 : 4));
        }
        self->levels[i].width = w;
        self->levels[i].height = h;
        w = w > 1 ? w / 2 : 1;
        h = h > 1 ? h / 2 : 1;
    }
    /* Converted row by row through the image's PixelBox, so that any row pitch works. */
    kiln_pixelbox *box = NULL;
    kiln_result r = kiln_image_get_pixel_box(image, &box);
    if (r == KILN_OK) {
        const uint8_t *pixels = kiln_pixelbox_get_data(box);
        size_t pitch =
            kiln_pixelbox_get_row_pitch(box) * kiln_pixel_format_get_num_elem_bytes(format);
        for (uint32_t y = 0; y < height && r == KILN_OK; y++) {
            r = kiln_pixel_convert_pixels(pixels + y * pitch, format,
                                          self->levels[0].texels + (size_t)y * width * 4,
                                          KILN_PF_BYTE_RGBA, width);
            if (r == KILN_OK && precise)
                r = kiln_pixel_convert_pixels(pixels + y * pitch, format,
                                              self->levels[0].texelsf + (size_t)y * width * 4,
                                              KILN_PF_FLOAT32_RGBA, width);
        }
        kiln_pixelbox_release(box);
    }
    if (r != KILN_OK) {
        texture_free(self);
        return r;
    }
    for (uint32_t i = 1; i < num_levels; i++) {
        kiln__texture_downsample(&self->levels[i - 1], &self->levels[i]);
        if (precise)
            kiln__texture_downsample_float(&self->levels[i - 1], &self->levels[i]);
    }
    *out = self;
    return KILN_OK;
}

KILN_API kiln_result kiln_texture_manager_load_image(kiln_texture_manager *self, const char *name,
                                                     const char *group, const kiln_image *image,
                                                     kiln_texture **out) {
    KILN__REQUIRE_NOT_NULL(self);
    KILN__REQUIRE_NOT_NULL(name);
    KILN__REQUIRE_NOT_NULL(image);
    if (out)
        *out = NULL;
    if (!self->alive)
        return kiln__fail(KILN_ERROR_INVALID_STATE,
                          "kiln_texture_manager_load_image: the texture manager's root is gone");
    if (kiln__registry_find(&self->textures, name, group))
        return kiln__fail(KILN_ERROR_INVALID_ARGUMENT,
                          "kiln_texture_manager_load_image: a texture named '%s' already exists "
                          "in group '%s'",
                          name, group ? group : KILN__DEFAULT_GROUP);
    kiln_texture *texture = NULL;
    KILN__CHECK(texture_create(name, group, image, &texture));
    kiln_result r = kiln__registry_add(&self->textures, name, group, texture);
    if (r != KILN_OK) {
        texture_free(texture);
        return r;
    }
    if (out) {
        kiln_texture_retain(texture);
        *out = texture;
    }
    return KILN_OK;
}

KILN_API kiln_result kiln_texture_manager_get_by_name(kiln_texture_manager *self, const char *name,
                                                      const char *group, kiln_texture **out) {
    KILN__REQUIRE_NOT_NULL(self);
    KILN__REQUIRE_NOT_NULL(name);
    KILN__REQUIRE_NOT_NULL(out);
    *out = NULL;
    kiln_texture *texture = kiln__registry_find(&self->textures, name, group);
    if (!texture)
        return kiln__fail(KILN_ERROR_NOT_FOUND,
                          "kiln_texture_manager_get_by_name: no texture named '%s' in group '%s'",
                          name, group ? group : KILN__DEFAULT_GROUP);
    kiln_texture_retain(texture);
    *out = texture;
    return KILN_OK;
}

KILN_API bool kiln_texture_manager_resource_exists(const kiln_texture_manager *self,
                                                   const char *name, const char *group) {
    return self && name && kiln__registry_find(&self->textures, name, group) != NULL;
}

KILN_API kiln_result kiln_texture_manager_remove(kiln_texture_manager *self, const char *name,
                                                 const char *group) {
    KILN__REQUIRE_NOT_NULL(self);
    KILN__REQUIRE_NOT_NULL(name);
    kiln_texture *texture = kiln__registry_remove(&self->textures, name, group);
    if (!texture)
        return kiln__fail(KILN_ERROR_NOT_FOUND,
                          "kiln_texture_manager_remove: no texture named '%s' in group '%s'", name,
                          group ? group : KILN__DEFAULT_GROUP);
    kiln_texture_release(texture);
    return KILN_OK;
}

/* ---- the texture ---- */

KILN_API void kiln_texture_retain(kiln_texture *self) {
    if (self)
        kiln__ref_inc(&self->ref);
}

KILN_API void kiln_texture_release(kiln_texture *self) {
    if (self && kiln__ref_dec(&self->ref))
        texture_free(self);
}

KILN_API const char *kiln_texture_get_name(const kiln_texture *self) { return self->name; }
KILN_API uint32_t kiln_texture_get_width(const kiln_texture *self) { return self->levels[0].width; }
KILN_API uint32_t kiln_texture_get_height(const kiln_texture *self) {
    return self->levels[0].height;
}
KILN_API kiln_pixel_format kiln_texture_get_format(const kiln_texture *self) {
    return self->format;
}
KILN_API uint32_t kiln_texture_get_num_mipmaps(const kiln_texture *self) {
    return self->num_levels - 1;
}

KILN_API kiln_result kiln_texture_convert_to_image(const kiln_texture *self, uint32_t level,
                                                   kiln_image **out) {
    KILN__REQUIRE_NOT_NULL(self);
    KILN__REQUIRE_NOT_NULL(out);
    *out = NULL;
    if (level >= self->num_levels)
        return kiln__fail(KILN_ERROR_OUT_OF_RANGE,
                          "kiln_texture_convert_to_image: level %u requested but texture '%s' "
                          "has levels 0 to %u",
                          level, self->name, self->num_levels - 1);
    const kiln__texture_level *l = &self->levels[level];
    /* Formats convert back from what is sampled: 8-bit ones from RGBA8, the others from
     * their float texels (16-bit and float values exactly). */
    kiln_pixel_format format = self->format;
    const kiln_pixel_format sampled = l->texelsf ? KILN_PF_FLOAT32_RGBA : KILN_PF_BYTE_RGBA;
    kiln__row_converter converter;
    if (!kiln__row_converter_init(&converter, sampled, format))
        format = sampled;
    size_t bytes;
    KILN__CHECK(kiln_pixel_format_get_memory_size(l->width, l->height, 1, format, &bytes));
    kiln_stream *stream = NULL;
    kiln_image *image = NULL;
    kiln_result r = kiln_stream_create_memory(bytes, &stream);
    if (r == KILN_OK)
        r = kiln_pixel_convert_pixels(l->texelsf ? (const void *)l->texelsf : l->texels, sampled,
                                      kiln_stream_get_pointer(stream), format,
                                      (size_t)l->width * l->height);
    if (r == KILN_OK)
        r = kiln_image_create(&image);
    if (r == KILN_OK)
        r = kiln_image_load_dynamic_image(image, stream, l->width, l->height, format);
    kiln_stream_release(stream);
    if (r != KILN_OK) {
        kiln_image_release(image);
        return r;
    }
    *out = image;
    return KILN_OK;
}
