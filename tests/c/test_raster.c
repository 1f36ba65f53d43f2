/* The CPU rasterizer's stages: coverage under the top-left fill rule, clipping,
 * culling, depth, and texture sampling against hand-computed values. */
#include "core/threads.h"
#include "render/soft/sample.h"
#include "render/soft/soft.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

typedef struct raster {
    kiln__thread_pool *pool;
    kiln__render_system *rs;
    kiln__surface *surface;
} raster;

static int setup(void **state) {
    static raster r;
    if (kiln__thread_pool_create(2, &r.pool) != KILN_OK ||
        kiln__soft_render_system_create(r.pool, KILN_SIMD_AUTO, &r.rs) != KILN_OK ||
        r.rs->ops->create_surface(r.rs, 40, 30, KILN_PF_BYTE_RGBA, NULL, 1, &r.surface) != KILN_OK)
        return -1;
    *state = &r;
    return 0;
}

static int teardown(void **state) {
    raster *r = *state;
    r->rs->ops->destroy_surface(r->rs, r->surface);
    r->rs->ops->destroy(r->rs);
    kiln__thread_pool_destroy(r->pool);
    return 0;
}

/* A flat-coloured draw of triangles given in NDC (x, y, z). */
typedef struct flat_draw {
    const float *positions;
    uint32_t vertex_count;
    kiln_culling_mode culling;
    float red;
} flat_draw;

static kiln__draw_call make_call(const flat_draw *d) {
    kiln__draw_call call = {0};
    call.primitive = KILN__PRIMITIVE_TRIANGLE_LIST;
    call.vertex_count = d->vertex_count;
    call.positions = d->positions;
    call.position_components = 3;
    call.position_stride = 3 * sizeof(float);
    call.identity_transform = true;
    call.state.depth_check = true;
    call.state.depth_write = true;
    call.state.depth_function = KILN_CMPF_LESS_EQUAL;
    call.state.culling = d->culling ? d->culling : KILN_CULL_NONE;
    /* Lit with no lights: the emissive colour is the colour. */
    call.state.lighting = true;
    call.state.diffuse = (kiln_colour){1, 1, 1, 1};
    call.state.emissive = (kiln_colour){d->red, 1, 0, 1};
    return call;
}

/* Renders draws over a black, far-cleared surface and returns the red channel. */
static void render(raster *r, const flat_draw *draws, int count, uint8_t *red) {
    kiln__rect all = {0, 0, (int32_t)r->surface->width, (int32_t)r->surface->height};
    kiln_colour black = {0, 0, 0, 1};
    assert_int_equal(r->rs->ops->begin_frame(r->rs, r->surface), KILN_OK);
    assert_int_equal(r->rs->ops->begin_viewport(r->rs, &all, true, &black, true, 1.0f), KILN_OK);
    for (int i = 0; i < count; i++) {
        kiln__draw_call call = make_call(&draws[i]);
        assert_int_equal(r->rs->ops->draw(r->rs, &call), KILN_OK);
    }
    assert_int_equal(r->rs->ops->end_frame(r->rs), KILN_OK);
    size_t n = (size_t)r->surface->width * r->surface->height;
    for (size_t i = 0; i < n; i++)
        red[i] = r->surface->colour[i * 4];
}

#define W 40
#define H 30

/* NDC of a pixel-space point on the 40x30 surface (y down). */
#define NX(x) ((float)(x) / W * 2.0f - 1.0f)
#define NY(y) (1.0f - (float)(y) / H * 2.0f)

static void triangles_sharing_an_edge_cover_each_pixel_once(void **state) {
    raster *r = *state;
    /* Quads whose diagonals pass through pixel centres, corners and arbitrary points. */
    const float quads[][8] = {
        {3.3f, 2.7f, 35.9f, 4.1f, 31.2f, 27.6f, 5.5f, 24.25f},
        {0.5f, 0.5f, 20.5f, 0.5f, 20.5f, 20.5f, 0.5f, 20.5f},
        {10, 5, 30, 5, 30, 25, 10, 25},
        {-5, -5, 45, 2, 38.5f, 33.5f, 1, 20},
    };
    for (size_t q = 0; q < sizeof quads / sizeof quads[0]; q++) {
        const float *c = quads[q];
        float a[9] = {NX(c[0]), NY(c[1]), 0, NX(c[2]), NY(c[3]), 0, NX(c[4]), NY(c[5]), 0};
        float b[9] = {NX(c[0]), NY(c[1]), 0, NX(c[4]), NY(c[5]), 0, NX(c[6]), NY(c[7]), 0};
        float both[18];
        memcpy(both, a, sizeof a);
        memcpy(both + 9, b, sizeof b);
        uint8_t ra[W * H], rb[W * H], rboth[W * H];
        flat_draw da = {a, 3, 0, 1.0f}, db = {b, 3, 0, 1.0f}, dboth = {both, 6, 0, 1.0f};
        render(r, &da, 1, ra);
        render(r, &db, 1, rb);
        render(r, &dboth, 1, rboth);
        int covered = 0;
        for (int i = 0; i < W * H; i++) {
            assert_false(ra[i] && rb[i]);                 /* never twice */
            assert_int_equal(ra[i] || rb[i], !!rboth[i]); /* no gap along the diagonal */
            covered += !!rboth[i];
        }
        assert_true(covered > 100);
    }
}

static void a_fan_around_a_centre_covers_each_pixel_once(void **state) {
    raster *r = *state;
    /* Eight triangles around (20.5, 15) with rim vertices on pixel centres and edges. */
    const float rim[8][2] = {{20.5f, 2},  {32, 4.5f}, {36.5f, 15}, {32, 26},
                             {20.5f, 28}, {8, 26},    {4.5f, 15},  {8, 4.5f}};
    uint8_t sum[W * H] = {0}, one[W * H];
    float all[8 * 9];
    for (int i = 0; i < 8; i++) {
        const float *p = rim[i], *q = rim[(i + 1) % 8];
        float t[9] = {NX(20.5f), NY(15.0f), 0, NX(p[0]), NY(p[1]), 0, NX(q[0]), NY(q[1]), 0};
        memcpy(all + i * 9, t, sizeof t);
        flat_draw d = {t, 3, 0, 1.0f};
        render(r, &d, 1, one);
        for (int k = 0; k < W * H; k++)
            sum[k] += !!one[k];
    }
    flat_draw d = {all, 24, 0, 1.0f};
    render(r, &d, 1, one);
    for (int k = 0; k < W * H; k++) {
        assert_true(sum[k] <= 1);
        assert_int_equal(sum[k], !!one[k]);
    }
}

static void a_rectangle_covers_the_pixels_whose_centres_lie_inside(void **state) {
    raster *r = *state;
    /* x in [10, 30) exactly; y from 7.5 to 22.5: pixel centres on the top edge are
     * in, those on the bottom edge out. */
    float quad[18] = {NX(10), NY(7.5f), 0, NX(10), NY(22.5f), 0, NX(30), NY(7.5f),  0,
                      NX(30), NY(7.5f), 0, NX(10), NY(22.5f), 0, NX(30), NY(22.5f), 0};
    uint8_t red[W * H];
    flat_draw d = {quad, 6, KILN_CULL_CLOCKWISE, 1.0f};
    render(r, &d, 1, red);
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++)
            assert_int_equal(!!red[y * W + x], x >= 10 && x < 30 && y >= 7 && y < 22);
}

static void clockwise_triangles_are_culled_by_default(void **state) {
    raster *r = *state;
    /* Anticlockwise on screen (y up) is front-facing. */
    float ccw[9] = {-0.5f, 0.5f, 0, -0.5f, -0.5f, 0, 0.5f, 0.5f, 0};
    float cw[9] = {-0.5f, 0.5f, 0, 0.5f, 0.5f, 0, -0.5f, -0.5f, 0};
    uint8_t red[W * H];
    int centre = 13 * W + 13;
    flat_draw d = {ccw, 3, KILN_CULL_CLOCKWISE, 1.0f};
    render(r, &d, 1, red);
    assert_int_equal(red[centre], 255);
    d.positions = cw;
    render(r, &d, 1, red);
    assert_int_equal(red[centre], 0);
    d.culling = KILN_CULL_ANTICLOCKWISE;
    render(r, &d, 1, red);
    assert_int_equal(red[centre], 255);
    d.positions = ccw;
    render(r, &d, 1, red);
    assert_int_equal(red[centre], 0);
}

static void the_depth_test_keeps_the_nearest_surface(void **state) {
    raster *r = *state;
    float near[9] = {-1, 1, -0.5f, -1, -1, -0.5f, 1, 1, -0.5f};
    float far[9] = {-1, 1, 0.5f, -1, -1, 0.5f, 1, 1, 0.5f};
    uint8_t red[W * H];
    flat_draw draws[2] = {{near, 3, 0, 1.0f}, {far, 3, 0, 0.2f}};
    render(r, draws, 2, red);
    assert_int_equal(red[5 * W + 5], 255);
    /* Window depth 0.25 was written. */
    assert_float_equal(*kiln__soft_surface_depth_at(r->surface, 5, 5), 0.25f, 1e-6);
    flat_draw reversed[2] = {{far, 3, 0, 0.2f}, {near, 3, 0, 1.0f}};
    render(r, reversed, 2, red);
    assert_int_equal(red[5 * W + 5], 255);
}

static void clipping_removes_what_lies_beyond_near_and_far(void **state) {
    raster *r = *state;
    uint8_t red[W * H];
    /* Entirely beyond the far plane. */
    float beyond[9] = {-1, 1, 1.5f, -1, -1, 1.5f, 1, 1, 1.5f};
    flat_draw d = {beyond, 3, 0, 1.0f};
    render(r, &d, 1, red);
    for (int i = 0; i < W * H; i++)
        assert_int_equal(red[i], 0);
    /* Crossing the near plane along x: only the part with z >= -1 stays (x >= 0). */
    float crossing[18] = {-1, 1, -3, -1, -1, -3, 1, 1, 1, 1, 1, 1, -1, -1, -3, 1, -1, 1};
    d = (flat_draw){crossing, 6, 0, 1.0f};
    render(r, &d, 1, red);
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++)
            assert_int_equal(!!red[y * W + x], x >= 20);
    /* Far outside the guard band in x and y, the covered part is still exact. */
    float huge[9] = {-1000, 1000, 0, -1000, -3000, 0, 3000, 1000, 0};
    d = (flat_draw){huge, 3, 0, 1.0f};
    render(r, &d, 1, red);
    for (int i = 0; i < W * H; i++)
        assert_int_equal(red[i], 255);
}

/* ---- sampling ---- */

/* A 4x1 texture with red 0, 100, 200, 255 and opaque alpha. */
static uint8_t row_texels[16] = {0, 0, 0, 255, 100, 0, 0, 255, 200, 0, 0, 255, 255, 0, 0, 255};

static uint8_t sample_red(kiln_texture_filter_options filter, kiln_texture_addressing_mode mode,
                          float u) {
    kiln__texture_level level = {4, 1, row_texels, NULL};
    kiln__sampler_state s = {&level, 1, filter, mode};
    uint8_t out[4];
    kiln__soft_sample(&s, u, 0.5f, (kiln__soft_lod){0, 0}, out);
    return out[0];
}

static void nearest_sampling_picks_the_texel_under_the_point(void **state) {
    (void)state;
    assert_int_equal(sample_red(KILN_TFO_NONE, KILN_TAM_WRAP, 0.3f), 100);
    assert_int_equal(sample_red(KILN_TFO_NONE, KILN_TAM_WRAP, 0.99f), 255);
    assert_int_equal(sample_red(KILN_TFO_NONE, KILN_TAM_WRAP, 1.3f), 100);
    assert_int_equal(sample_red(KILN_TFO_NONE, KILN_TAM_WRAP, -0.2f), 255);
    assert_int_equal(sample_red(KILN_TFO_NONE, KILN_TAM_CLAMP, 1.7f), 255);
    assert_int_equal(sample_red(KILN_TFO_NONE, KILN_TAM_CLAMP, -0.7f), 0);
    assert_int_equal(sample_red(KILN_TFO_NONE, KILN_TAM_MIRROR, 1.3f), 200);
    assert_int_equal(sample_red(KILN_TFO_NONE, KILN_TAM_MIRROR, -0.3f), 100);
    kiln__texture_level level = {4, 1, row_texels, NULL};
    kiln__sampler_state s = {&level, 1, KILN_TFO_NONE, KILN_TAM_BORDER};
    uint8_t out[4];
    kiln__soft_sample(&s, -0.1f, 0.5f, (kiln__soft_lod){0, 0}, out);
    assert_int_equal(out[0] + out[1] + out[2], 0);
    assert_int_equal(out[3], 255);
}

static void bilinear_sampling_weighs_the_two_nearest_texel_centres(void **state) {
    (void)state;
    /* At a texel centre: that texel. */
    assert_int_equal(sample_red(KILN_TFO_BILINEAR, KILN_TAM_WRAP, 0.375f), 100);
    /* Halfway between centres 0 and 1: 0 + (100 * 128 + 128) / 256 = 50. */
    assert_int_equal(sample_red(KILN_TFO_BILINEAR, KILN_TAM_WRAP, 0.25f), 50);
    /* u = 0.3 lies 0.7 of the way (weight 179/256): (100 * 179 + 128) >> 8 = 70. */
    assert_int_equal(sample_red(KILN_TFO_BILINEAR, KILN_TAM_WRAP, 0.3f), 70);
    /* At the left edge wrap blends texel 3 and texel 0 equally: 255 - 127 = 128. */
    assert_int_equal(sample_red(KILN_TFO_BILINEAR, KILN_TAM_WRAP, 0.0f), 128);
    /* Clamp repeats the edge texel. */
    assert_int_equal(sample_red(KILN_TFO_BILINEAR, KILN_TAM_CLAMP, 0.0f), 0);
    assert_int_equal(sample_red(KILN_TFO_BILINEAR, KILN_TAM_CLAMP, 1.0f), 255);
    /* Mirror reflects at the edge: texels -1 and 0 are both texel 0. */
    assert_int_equal(sample_red(KILN_TFO_BILINEAR, KILN_TAM_MIRROR, 0.0f), 0);
    assert_int_equal(sample_red(KILN_TFO_BILINEAR, KILN_TAM_MIRROR, 1.0f), 255);
    /* Beyond 1 the mirror runs backwards: u = 1.25 lies between texels 3 and 2. */
    assert_int_equal(sample_red(KILN_TFO_BILINEAR, KILN_TAM_MIRROR, 1.25f), 228);
    /* Border blends with opaque black. */
    assert_int_equal(sample_red(KILN_TFO_BILINEAR, KILN_TAM_BORDER, 1.0f), 128);
}

static void mipmap_levels_follow_the_footprint(void **state) {
    (void)state;
    /* An 8x8 texture whose levels are flat: 8x8 red 0, 4x4 red 40, 2x2 red 80, 1x1 red 120. */
    uint8_t l0[8 * 8 * 4] = {0}, l1[4 * 4 * 4] = {0}, l2[2 * 2 * 4] = {0}, l3[4] = {0};
    uint8_t *texels[4] = {l0, l1, l2, l3};
    kiln__texture_level levels[4];
    for (uint32_t i = 0; i < 4; i++) {
        uint32_t size = 8u >> i;
        levels[i] = (kiln__texture_level){size, size, texels[i], NULL};
        for (uint32_t k = 0; k < size * size; k++)
            texels[i][k * 4] = (uint8_t)(40 * i);
    }
    kiln__sampler_state s = {levels, 4, KILN_TFO_BILINEAR, KILN_TAM_WRAP};
    /* Two texels per pixel along x: lambda 1. */
    kiln__soft_lod lod = kiln__soft_sample_lod(&s, 2.0f / 8, 0, 0, 1.0f / 8);
    assert_float_equal(lod.nearest, 1.0f, 1e-6);
    assert_float_equal(lod.linear, 1.0f, 1e-6);
    /* Between powers of two the blending lambda follows a piecewise-linear log2 of
     * the squared footprint, as the reference does: 2.56^2 = 6.5536 = 1.6384 * 4
     * gives (2 + 0.6384) / 2. */
    lod = kiln__soft_sample_lod(&s, 2.56f / 8, 0, 0, 0);
    assert_float_equal(lod.nearest, 1.356144f, 1e-5);
    assert_float_equal(lod.linear, 1.3192f, 1e-5);
    uint8_t out[4];
    const float lods[] = {-2.0f, 0.4f, 0.6f, 1.4f, 1.6f, 2.5f, 9.0f};
    const uint8_t bilinear[] = {0, 0, 40, 40, 80, 120, 120};
    for (int i = 0; i < 7; i++) {
        kiln__soft_sample(&s, 0.3f, 0.6f, (kiln__soft_lod){lods[i], lods[i]}, out);
        assert_int_equal(out[0], bilinear[i]);
    }
    /* Trilinear blends the two levels around lambda. */
    s.filtering = KILN_TFO_TRILINEAR;
    kiln__soft_sample(&s, 0.3f, 0.6f, (kiln__soft_lod){1.5f, 1.5f}, out);
    assert_int_equal(out[0], 60);
    kiln__soft_sample(&s, 0.3f, 0.6f, (kiln__soft_lod){1.25f, 1.25f}, out);
    assert_int_equal(out[0], 50);
    kiln__soft_sample(&s, 0.3f, 0.6f, (kiln__soft_lod){-1.0f, -1.0f}, out);
    assert_int_equal(out[0], 0);
    /* TFO_NONE never uses the mipmaps. */
    s.filtering = KILN_TFO_NONE;
    kiln__soft_sample(&s, 0.3f, 0.6f, (kiln__soft_lod){3.0f, 3.0f}, out);
    assert_int_equal(out[0], 0);
}

/* A line whose length along its major axis is under a float's step at its position
 * (its ends differ in double, not in float) draws the one pixel it crosses; found by
 * fuzzing mesh files, where it was a float-to-int conversion of NaN. */
static void a_line_shorter_than_a_float_step_draws_its_pixel(void **state) {
    raster *r = *state;
    /* Window x 30.5000007 and 30.4999995 on the 40x30 surface, both 30.5 in float:
     * the pixel centre 30.5 lies between them. */
    const float positions[2][4] = {{1.0500001f, 0.0f, 0.0f, 2.0f},
                                   {1.0500001f, 0.0f, 0.0f, 2.0000002f}};
    kiln__draw_call call = make_call(&(flat_draw){&positions[0][0], 2, KILN_CULL_NONE, 1.0f});
    call.primitive = KILN__PRIMITIVE_LINE_LIST;
    call.position_components = 4;
    call.position_stride = sizeof positions[0];
    kiln__rect all = {0, 0, (int32_t)r->surface->width, (int32_t)r->surface->height};
    kiln_colour black = {0, 0, 0, 1};
    assert_int_equal(r->rs->ops->begin_frame(r->rs, r->surface), KILN_OK);
    assert_int_equal(r->rs->ops->begin_viewport(r->rs, &all, true, &black, true, 1.0f), KILN_OK);
    assert_int_equal(r->rs->ops->draw(r->rs, &call), KILN_OK);
    assert_int_equal(r->rs->ops->end_frame(r->rs), KILN_OK);
    int drawn = 0;
    for (uint32_t i = 0; i < r->surface->width * r->surface->height; i++)
        drawn += r->surface->colour[i * 4] == 255;
    assert_int_equal(drawn, 1);
    assert_int_equal(r->surface->colour[(15 * r->surface->width + 30) * 4], 255);
}

/* A line with an end whose window position is not finite (both ends at the eye, where
 * clip space is all zero; positions beyond float's range) draws nothing, and
 * converts no NaN to a pixel (the sanitizer build stops there); found by fuzzing mesh
 * files. */
static void a_line_without_finite_ends_draws_nothing(void **state) {
    raster *r = *state;
    const float positions[3][2][4] = {
        {{0.0f, 0.0f, 0.0f, 0.0f}, {0.0f, 0.0f, 0.0f, 0.0f}}, /* a point at the eye */
        {{3e38f, 0.0f, 0.0f, 1e-30f}, {0.5f, 0.5f, 0.0f, 1.0f}},
        {{0.25f, 0.0f, 0.0f, 1.0f}, {0.5f, 0.25f, 0.0f, 1e-38f}},
    };
    for (int k = 0; k < 3; k++) {
        kiln__draw_call call =
            make_call(&(flat_draw){&positions[k][0][0], 2, KILN_CULL_NONE, 1.0f});
        call.primitive = KILN__PRIMITIVE_LINE_LIST;
        call.position_components = 4;
        call.position_stride = sizeof positions[k][0];
        kiln__rect all = {0, 0, (int32_t)r->surface->width, (int32_t)r->surface->height};
        kiln_colour black = {0, 0, 0, 1};
        assert_int_equal(r->rs->ops->begin_frame(r->rs, r->surface), KILN_OK);
        assert_int_equal(r->rs->ops->begin_viewport(r->rs, &all, true, &black, true, 1.0f),
                         KILN_OK);
        assert_int_equal(r->rs->ops->draw(r->rs, &call), KILN_OK);
        assert_int_equal(r->rs->ops->end_frame(r->rs), KILN_OK);
    }
}

static void colour_conversion_rounds_half_to_even(void **state) {
    (void)state;
    assert_int_equal(kiln__soft_unorm8(0.3f), 76);
    assert_int_equal(kiln__soft_unorm8(0.0f), 0);
    assert_int_equal(kiln__soft_unorm8(1.0f), 255);
    assert_int_equal(kiln__soft_unorm8(-3.0f), 0);
    assert_int_equal(kiln__soft_unorm8(7.0f), 255);
    assert_int_equal(kiln__soft_unorm8(0.5f), 128); /* 127.5 rounds to even 128 */
    assert_int_equal(kiln__soft_unorm8(100.0f / 255.0f), 100);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(triangles_sharing_an_edge_cover_each_pixel_once),
        cmocka_unit_test(a_fan_around_a_centre_covers_each_pixel_once),
        cmocka_unit_test(a_rectangle_covers_the_pixels_whose_centres_lie_inside),
        cmocka_unit_test(clockwise_triangles_are_culled_by_default),
        cmocka_unit_test(the_depth_test_keeps_the_nearest_surface),
        cmocka_unit_test(clipping_removes_what_lies_beyond_near_and_far),
        cmocka_unit_test(nearest_sampling_picks_the_texel_under_the_point),
        cmocka_unit_test(bilinear_sampling_weighs_the_two_nearest_texel_centres),
        cmocka_unit_test(mipmap_levels_follow_the_footprint),
        cmocka_unit_test(a_line_shorter_than_a_float_step_draws_its_pixel),
        cmocka_unit_test(a_line_without_finite_ends_draws_nothing),
        cmocka_unit_test(colour_conversion_rounds_half_to_even),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
