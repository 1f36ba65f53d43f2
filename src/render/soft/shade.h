/* Pixel shading: the fixed-function colour of a covered pixel. */
#ifndef KILN_RENDER_SOFT_SHADE_H
#define KILN_RENDER_SOFT_SHADE_H

#include "soft.h"

/* The colour of the pixel whose centre is (x, y), as RGBA8 or as float RGBA. The
 * float colour is not clamped: an 8-bit target clamps it when it converts. */
void kiln__soft_shade8(const kiln__soft_triangle *t, const kiln__soft_state *s, float x, float y,
                       uint8_t out[4]);
void kiln__soft_shadef(const kiln__soft_triangle *t, const kiln__soft_state *s, float x, float y,
                       float out[4]);
/* For a state whose units give alpha only (kiln__pass_state.units_alpha_only): the
 * colour before the units, and in *alpha the alpha to test. */
void kiln__soft_shade_alpha(const kiln__soft_triangle *t, const kiln__soft_state *s, float x,
                            float y, float out[4], float *alpha);

#endif
