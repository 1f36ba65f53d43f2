/* Texture sampling: addressing (wrap, mirror, clamp, border), nearest and bilinear
 * filtering with 8-bit fixed-point weights, and mipmap selection, following the
 * reference rasterizer's rules. */
#ifndef KILN_RENDER_SOFT_SAMPLE_H
#define KILN_RENDER_SOFT_SAMPLE_H

#include "soft.h"

/* log2 of the footprint of a pixel in texels of level 0, from the texture
 * coordinate derivatives along x and y (lambda in the OpenGL specification). */
float kiln__soft_sample_lod(const kiln__sampler_state *sampler, float dudx, float dvdx, float dudy,
                            float dvdy);

/* The RGBA8 texel colour at (u, v) for a footprint of `lod`. */
void kiln__soft_sample(const kiln__sampler_state *sampler, float u, float v, float lod,
                       uint8_t out[4]);

#endif
