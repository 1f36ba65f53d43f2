/* Textures as the renderer reads them: every mipmap level in RGBA8 (memory R,G,B,A),
 * whatever the format the texture was created from, and for formats of more than 8
 * bits a channel (16-bit, half and float) in RGBA float32 as well, which is what is
 * sampled then, so that they keep their precision. */
#ifndef KILN_SCENE_TEXTURE_H
#define KILN_SCENE_TEXTURE_H

#include "registry.h"

typedef struct kiln__texture_level {
    uint32_t width;
    uint32_t height;
    uint8_t *texels; /* width * height RGBA8 texels, rows top to bottom */
    float *texelsf;  /* the same as RGBA float32 for precise formats, or NULL */
} kiln__texture_level;

struct kiln_texture {
    kiln__refcount ref;
    char *name;
    char *group;
    kiln_pixel_format format; /* the format of the image it was loaded from */
    uint32_t num_levels;      /* 1 + the number of mipmaps */
    kiln__texture_level *levels;
};

/* The texture manager is reference counted internally: materials hold a reference
 * so that a material outliving its Root can still be used (lookups then fail
 * cleanly instead of reading freed memory). */
struct kiln_texture_manager {
    kiln__refcount ref;
    bool alive; /* false once its Root is gone */
    kiln__registry textures;
};

kiln_result kiln__texture_manager_create(kiln_texture_manager **out);

/* Drops every registered texture and marks the manager dead, then releases the
 * Root's reference. */
void kiln__texture_manager_shutdown(kiln_texture_manager *self);

void kiln__texture_manager_retain(kiln_texture_manager *self);
void kiln__texture_manager_release(kiln_texture_manager *self);

/* Builds the level below src with a 2x2 box filter (for odd sizes, each destination
 * texel averages the source bilinearly around its centre, as a linear blit does).
 * dst->width/height must be set and dst->texels allocated. */
void kiln__texture_downsample(const kiln__texture_level *src, kiln__texture_level *dst);
/* The same for the float texels (both levels have them), with exact weights. */
void kiln__texture_downsample_float(const kiln__texture_level *src, kiln__texture_level *dst);

#endif
