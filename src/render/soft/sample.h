/* Texture sampling: addressing (wrap, mirror, clamp, border), nearest and bilinear
 * filtering with 8-bit fixed-point weights, and mipmap selection, following the
 * reference rasterizer's rules. */
#ifndef KILN_RENDER_SOFT_SAMPLE_H
#define KILN_RENDER_SOFT_SAMPLE_H

#include "soft.h"

/* The level of detail at a pixel with the given texture coordinate derivatives. */
kiln__soft_lod kiln__soft_sample_lod(const kiln__sampler_state *sampler, float dudx, float dvdx,
                                     float dudy, float dvdy);

/* The RGBA8 texel colour at (u, v) for a footprint of `lod`. */
void kiln__soft_sample(const kiln__sampler_state *sampler, float u, float v, kiln__soft_lod lod,
                       uint8_t out[4]);

#endif
