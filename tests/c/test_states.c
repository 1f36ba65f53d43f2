/* The pass states of the fixed-function pipeline in the rasterizer: scene blending,
 * alpha rejection, depth functions and bias, culling, texture colour operations and
 * coordinate transforms, lines and points, all against hand-computed pixels, and
 * the same output for any number of threads with everything on. */
#include "core/threads.h"
#include "render/soft/soft.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define W 16
#define H 16

typedef struct raster {
    kiln__thread_pool *pool;
    kiln__render_system *rs;
    kiln__surface *surface;
} raster;

static void raster_create(raster *r, uint32_t threads, kiln_pixel_format format) {
    assert_int_equal(kiln__thread_pool_create(threads, &r->pool), KILN_OK);
    assert_int_equal(kiln__soft_render_system_create(r->pool, KILN_SIMD_AUTO, &r->rs), KILN_OK);
    assert_int_equal(r->rs->ops->create_surface(r->rs, W, H, format, NULL, 1, &r->surface),
                     KILN_OK);
}

static void raster_destroy(raster *r) {
    r->rs->ops->destroy_surface(r->rs, r->surface);
    r->rs->ops->destroy(r->rs);
    kiln__thread_pool_destroy(r->pool);
}

static int setup(void **state) {
    static raster r;
    raster_create(&r, 2, KILN_PF_BYTE_RGBA);
    *state = &r;
    return 0;
}

static int teardown(void **state) {
    raster_destroy(*state);
    return 0;
}

/* NDC of a pixel-space point (y down). */
#define NX(x) ((float)(x) / W * 2.0f - 1.0f)
#define NY(y) (1.0f - (float)(y) / H * 2.0f)

/* Two triangles over the whole surface at NDC depth z (window depth z / 2 + 1 / 2),
 * anticlockwise on screen, with texture coordinates (0, 0) at the top left. */
typedef struct quad {
    float positions[6][3];
    float uvs[6][2];
} quad;

static quad make_quad(float z) {
    quad q = {{{-1, 1, z}, {-1, -1, z}, {1, -1, z}, {-1, 1, z}, {1, -1, z}, {1, 1, z}},
              {{0, 0}, {0, 1}, {1, 1}, {0, 0}, {1, 1}, {1, 0}}};
    return q;
}

/* An unlit-looking draw of q: lit with no lights, so the emissive colour (with the
 * diffuse alpha) is the colour. */
static kiln__draw_call flat_call(const quad *q, float r, float g, float b, float a) {
    kiln__draw_call call = {0};
    call.primitive = KILN__PRIMITIVE_TRIANGLE_LIST;
    call.vertex_count = 6;
    call.positions = &q->positions[0][0];
    call.position_components = 3;
    call.position_stride = sizeof q->positions[0];
    call.uvs[0] = &q->uvs[0][0];
    call.uv_strides[0] = sizeof q->uvs[0];
    call.identity_transform = true;
    kiln__pass_state *s = &call.state;
    s->depth_check = true;
    s->depth_write = true;
    s->depth_function = KILN_CMPF_LESS_EQUAL;
    s->culling = KILN_CULL_CLOCKWISE;
    s->lighting = true;
    s->diffuse = (kiln_colour){1, 1, 1, a};
    s->emissive = (kiln_colour){r, g, b, 0};
    return call;
}

static void render(raster *r, const kiln_colour *background, const kiln__draw_call *calls,
                   int count) {
    kiln__rect all = {0, 0, (int32_t)r->surface->width, (int32_t)r->surface->height};
    kiln_colour black = {0, 0, 0, 1};
    assert_int_equal(r->rs->ops->begin_frame(r->rs, r->surface), KILN_OK);
    assert_int_equal(
        r->rs->ops->begin_viewport(r->rs, &all, true, background ? background : &black, true, 1.0f),
        KILN_OK);
    for (int i = 0; i < count; i++)
        assert_int_equal(r->rs->ops->draw(r->rs, &calls[i]), KILN_OK);
    assert_int_equal(r->rs->ops->end_frame(r->rs), KILN_OK);
}

static const uint8_t *pixel(const raster *r, int x, int y) {
    return r->surface->colour + ((size_t)y * W + (size_t)x) * 4;
}

static void assert_rgba(const uint8_t *p, int r, int g, int b, int a) {
    if (p[0] != r || p[1] != g || p[2] != b || p[3] != a)
        fail_msg("pixel (%u, %u, %u, %u), expected (%d, %d, %d, %d)", p[0], p[1], p[2], p[3], r, g,
                 b, a);
}

/* ---- blending ---- */

static void blend(raster *r, kiln_scene_blend_factor source, kiln_scene_blend_factor dest) {
    /* Source (0.8, 0.6, 0.4, 0.5) = 8-bit (204, 153, 102, 128) over the background
     * (0.2, 0.4, 0.6, 1) = (51, 102, 153, 255). */
    kiln_colour background = {0.2f, 0.4f, 0.6f, 1.0f};
    quad q = make_quad(0);
    kiln__draw_call call = flat_call(&q, 0.8f, 0.6f, 0.4f, 0.5f);
    call.state.blending = true;
    call.state.source_blend = source;
    call.state.dest_blend = dest;
    render(r, &background, &call, 1);
}

static void scene_blending_combines_source_and_target_in_eight_bits(void **state) {
    raster *r = *state;
    /* Replace: the source. */
    blend(r, KILN_SBF_ONE, KILN_SBF_ZERO);
    assert_rgba(pixel(r, 3, 3), 204, 153, 102, 128);
    /* Add: 51 + 204, 102 + 153, 153 + 102, 255 + 128 saturated. */
    blend(r, KILN_SBF_ONE, KILN_SBF_ONE);
    assert_rgba(pixel(r, 3, 3), 255, 255, 255, 255);
    /* Transparent alpha, each product rounded: 204*128/255 = 102.4 and 51*127/255
     * = 25.4 give 127; 76.8 + 50.8 give 128; 51.2 + 76.2 give 127; 64.3 + 127. */
    blend(r, KILN_SBF_SOURCE_ALPHA, KILN_SBF_ONE_MINUS_SOURCE_ALPHA);
    assert_rgba(pixel(r, 3, 3), 127, 128, 127, 191);
    /* Transparent colour: 204*204/255 = 163.2 and 51*51/255 = 10.2 give 173;
     * 91.8 + 40.8 give 133; 40.8 + 91.8 give 133; 64.3 + 127. */
    blend(r, KILN_SBF_SOURCE_COLOUR, KILN_SBF_ONE_MINUS_SOURCE_COLOUR);
    assert_rgba(pixel(r, 3, 3), 173, 133, 133, 191);
    /* Modulate: 204*51/255 = 40.8, 153*102/255 = 61.2, 102*153/255 = 61.2. */
    blend(r, KILN_SBF_DEST_COLOUR, KILN_SBF_ZERO);
    assert_rgba(pixel(r, 3, 3), 41, 61, 61, 128);
    /* Destination alpha (255) and one minus destination colour:
     * 204 + 51*204/255 = 204 + 40.8, 153 + 61.2, 102 + 61.2, 128 + 0. */
    blend(r, KILN_SBF_DEST_ALPHA, KILN_SBF_ONE_MINUS_DEST_COLOUR);
    assert_rgba(pixel(r, 3, 3), 245, 214, 163, 128);
}

static void float_targets_blend_in_float_and_targets_without_alpha_read_one(void **state) {
    (void)state;
    raster f;
    raster_create(&f, 1, KILN_PF_FLOAT32_RGBA);
    blend(&f, KILN_SBF_SOURCE_ALPHA, KILN_SBF_ONE_MINUS_SOURCE_ALPHA);
    const float *p = (const float *)f.surface->colour + (3 * W + 3) * 4;
    assert_float_equal(p[0], 0.8f * 0.5f + 0.2f * 0.5f, 1e-6);
    assert_float_equal(p[1], 0.6f * 0.5f + 0.4f * 0.5f, 1e-6);
    assert_float_equal(p[2], 0.4f * 0.5f + 0.6f * 0.5f, 1e-6);
    assert_float_equal(p[3], 0.5f * 0.5f + 1.0f * 0.5f, 1e-6);
    raster_destroy(&f);

    raster rgb;
    raster_create(&rgb, 1, KILN_PF_BYTE_RGB);
    /* The stored alpha is not the target's: destination alpha reads as one. */
    kiln_colour background = {0.2f, 0.4f, 0.6f, 0.0f};
    quad q = make_quad(0);
    kiln__draw_call call = flat_call(&q, 0.8f, 0.6f, 0.4f, 0.5f);
    call.state.blending = true;
    call.state.source_blend = KILN_SBF_DEST_ALPHA;
    call.state.dest_blend = KILN_SBF_ZERO;
    render(&rgb, &background, &call, 1);
    const uint8_t *c = pixel(&rgb, 3, 3);
    assert_int_equal(c[0], 204);
    assert_int_equal(c[1], 153);
    raster_destroy(&rgb);
}

/* ---- alpha rejection and depth ---- */

static void alpha_rejection_discards_colour_and_depth(void **state) {
    raster *r = *state;
    quad near = make_quad(-0.5f), far = make_quad(0.5f);
    kiln__draw_call calls[2] = {flat_call(&near, 1, 0, 0, 0.5f), flat_call(&far, 0, 0, 1, 1)};
    /* Alpha 0.5 against 127 / 255 = 0.498: passes. */
    calls[0].state.alpha_rejection = true;
    calls[0].state.alpha_function = KILN_CMPF_GREATER;
    calls[0].state.alpha_value = 127;
    render(r, NULL, calls, 2);
    assert_rgba(pixel(r, 5, 5), 255, 0, 0, 128);
    /* Against 128 / 255 = 0.502: rejected, and the far quad shows through because
     * no depth was written. */
    calls[0].state.alpha_value = 128;
    render(r, NULL, calls, 2);
    assert_rgba(pixel(r, 5, 5), 0, 0, 255, 255);
    assert_float_equal(*kiln__soft_surface_depth_at(r->surface, 5, 5), 0.75f, 1e-6);
    calls[0].state.alpha_function = KILN_CMPF_LESS_EQUAL;
    render(r, NULL, calls, 2);
    assert_rgba(pixel(r, 5, 5), 255, 0, 0, 128);
    calls[0].state.alpha_function = KILN_CMPF_ALWAYS_FAIL;
    render(r, NULL, calls, 2);
    assert_rgba(pixel(r, 5, 5), 0, 0, 255, 255);
}

static void depth_functions_compare_with_the_stored_depth(void **state) {
    raster *r = *state;
    const struct {
        kiln_compare_function function;
        bool nearer, equal, further;
    } cases[] = {
        {KILN_CMPF_ALWAYS_FAIL, false, false, false}, {KILN_CMPF_ALWAYS_PASS, true, true, true},
        {KILN_CMPF_LESS, true, false, false},         {KILN_CMPF_LESS_EQUAL, true, true, false},
        {KILN_CMPF_EQUAL, false, true, false},        {KILN_CMPF_NOT_EQUAL, true, false, true},
        {KILN_CMPF_GREATER_EQUAL, false, true, true}, {KILN_CMPF_GREATER, false, false, true},
    };
    quad first = make_quad(0.0f);
    const float depths[3] = {-0.5f, 0.0f, 0.5f};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        for (int d = 0; d < 3; d++) {
            quad second = make_quad(depths[d]);
            kiln__draw_call calls[2] = {flat_call(&first, 1, 0, 0, 1),
                                        flat_call(&second, 0, 1, 0, 1)};
            calls[1].state.depth_function = cases[i].function;
            render(r, NULL, calls, 2);
            bool expected = d == 0 ? cases[i].nearer : (d == 1 ? cases[i].equal : cases[i].further);
            assert_int_equal(pixel(r, 8, 8)[1] == 255, expected);
        }
}

static void depth_bias_pulls_toward_the_camera_by_resolution_units_and_slope(void **state) {
    raster *r = *state;
    quad q = make_quad(0.0f);
    kiln__draw_call calls[2] = {flat_call(&q, 1, 0, 0, 1), flat_call(&q, 0, 1, 0, 1)};
    calls[1].state.depth_function = KILN_CMPF_LESS;
    render(r, NULL, calls, 2);
    assert_int_equal(pixel(r, 8, 8)[1], 0); /* coplanar: not less */
    /* One unit of the float depth buffer's resolution at depth 0.5 is 2^-24. */
    calls[1].state.depth_bias_constant = 1.0f;
    render(r, NULL, calls, 2);
    assert_int_equal(pixel(r, 8, 8)[1], 255);
    assert_float_equal(*kiln__soft_surface_depth_at(r->surface, 8, 8), 0.5f - 0x1p-24f, 0);
    calls[1].state.depth_bias_constant = -1.0f;
    render(r, NULL, calls, 2);
    assert_int_equal(pixel(r, 8, 8)[1], 0);
    /* A sloped quad: depth rises 0.5 / 16 per pixel along x; the slope bias moves it
     * by that much times the scale. */
    quad sloped = make_quad(0.0f);
    for (int i = 0; i < 6; i++)
        sloped.positions[i][2] = 0.5f * sloped.positions[i][0];
    kiln__draw_call slope_calls[2] = {flat_call(&sloped, 1, 0, 0, 1),
                                      flat_call(&sloped, 0, 1, 0, 1)};
    slope_calls[1].state.depth_function = KILN_CMPF_LESS;
    slope_calls[1].state.depth_bias_slope_scale = 1.0f;
    render(r, NULL, slope_calls, 2);
    assert_int_equal(pixel(r, 3, 8)[1], 255);
    float expected = 0.5f + 0.25f * NX(3.5f) - 0.5f / 16.0f;
    assert_float_equal(*kiln__soft_surface_depth_at(r->surface, 3, 8), expected, 1e-6);
}

static void culling_modes_keep_the_chosen_windings(void **state) {
    raster *r = *state;
    /* Anticlockwise on screen (y up) is front-facing in the original engine. */
    const float acw[9] = {-0.5f, 0.5f, 0, -0.5f, -0.5f, 0, 0.5f, 0.5f, 0};
    const float cw[9] = {-0.5f, 0.5f, 0, 0.5f, 0.5f, 0, -0.5f, -0.5f, 0};
    const struct {
        kiln_culling_mode mode;
        bool draws_acw, draws_cw;
    } cases[] = {{KILN_CULL_NONE, true, true},
                 {KILN_CULL_CLOCKWISE, true, false},
                 {KILN_CULL_ANTICLOCKWISE, false, true}};
    quad q = make_quad(0);
    for (size_t i = 0; i < 3; i++)
        for (int winding = 0; winding < 2; winding++) {
            kiln__draw_call call = flat_call(&q, 1, 1, 1, 1);
            call.positions = winding ? cw : acw;
            call.vertex_count = 3;
            call.uvs[0] = NULL;
            call.state.culling = cases[i].mode;
            render(r, NULL, &call, 1);
            assert_int_equal(pixel(r, 6, 6)[0] == 255,
                             winding ? cases[i].draws_cw : cases[i].draws_acw);
        }
}

/* ---- texture units ---- */

static uint8_t texel_a[4] = {102, 153, 51, 255}, texel_b[4] = {100, 50, 200, 128};
static kiln__texture_level level_a = {1, 1, texel_a, NULL}, level_b = {1, 1, texel_b, NULL};

static void texture_units_combine_by_their_colour_operation(void **state) {
    raster *r = *state;
    const struct {
        kiln_layer_blend_operation op;
        uint8_t rgba[4];
    } cases[] = {
        /* 102*100/255 = 40, 153*50/255 = 30, 51*200/255 = 40; alpha 255*128/255. */
        {KILN_LBO_MODULATE, {40, 30, 40, 128}},
        {KILN_LBO_ADD, {202, 203, 251, 128}},
        {KILN_LBO_REPLACE, {100, 50, 200, 128}},
        /* By the texel's alpha a = 128/255: 100a + 102(1 - a) = 100.996,
         * 50a + 153(1 - a) = 101.3, 200a + 51(1 - a) = 125.8. */
        {KILN_LBO_ALPHA_BLEND, {101, 101, 126, 128}},
    };
    quad q = make_quad(0);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        kiln__draw_call call = flat_call(&q, 0, 0, 0, 1);
        call.state.lighting = false; /* white */
        call.state.num_units = 2;
        call.state.units[0] = (kiln__sampler_state){&level_a, 1, KILN_TFO_NONE, KILN_TAM_WRAP};
        call.state.units[1] = (kiln__sampler_state){&level_b, 1, KILN_TFO_NONE, KILN_TAM_WRAP};
        call.state.unit_ops[0].colour_operation = KILN_LBO_MODULATE;
        call.state.unit_ops[1].colour_operation = cases[i].op;
        render(r, NULL, &call, 1);
        const uint8_t *e = cases[i].rgba;
        assert_rgba(pixel(r, 7, 9), e[0], e[1], e[2], e[3]);
    }
}

/* A 2x2 texture: red, green / blue, white. */
static uint8_t quad_texels[16] = {255, 0, 0,   255, 0,   255, 0,   255,
                                  0,   0, 255, 255, 255, 255, 255, 255};
static kiln__texture_level quad_level = {2, 2, quad_texels, NULL};

/* Which of the four texels (0 red, 1 green, 2 blue, 3 white) a pixel shows. */
static int texel_at(const raster *r, int x, int y) {
    const uint8_t *p = pixel(r, x, y);
    if (p[0] == 255 && p[1] == 255)
        return 3;
    return p[0] == 255 ? 0 : (p[1] == 255 ? 1 : 2);
}

static void texture_coordinates_come_from_the_units_set_through_its_transform(void **state) {
    raster *r = *state;
    quad q = make_quad(0);
    float shifted[6][2];
    for (int i = 0; i < 6; i++) {
        shifted[i][0] = q.uvs[i][0] + 0.5f;
        shifted[i][1] = q.uvs[i][1];
    }
    kiln__draw_call call = flat_call(&q, 0, 0, 0, 1);
    call.state.lighting = false;
    call.state.num_units = 1;
    call.state.units[0] = (kiln__sampler_state){&quad_level, 1, KILN_TFO_NONE, KILN_TAM_WRAP};
    call.state.unit_ops[0].colour_operation = KILN_LBO_MODULATE;
    render(r, NULL, &call, 1);
    assert_int_equal(texel_at(r, 2, 2), 0);
    assert_int_equal(texel_at(r, 13, 2), 1);
    assert_int_equal(texel_at(r, 2, 13), 2);
    /* Set 2, shifted by half the texture. */
    call.uvs[2] = &shifted[0][0];
    call.uv_strides[2] = sizeof shifted[0];
    call.state.unit_ops[0].coord_set = 2;
    render(r, NULL, &call, 1);
    assert_int_equal(texel_at(r, 2, 2), 1);
    assert_int_equal(texel_at(r, 13, 2), 0);
    /* A transform (here a quarter turn, u' = 1 - v, v' = u, as the original engine
     * builds one from a rotation of pi / 2) applies to those coordinates. */
    call.state.unit_ops[0].coord_set = 0;
    call.state.unit_ops[0].has_transform = true;
    const float turn[2][3] = {{0, -1, 1}, {1, 0, 0}};
    memcpy(call.state.unit_ops[0].transform, turn, sizeof turn);
    render(r, NULL, &call, 1);
    assert_int_equal(texel_at(r, 2, 2), 1);   /* (u, v) = (0.1, 0.1) -> (0.9, 0.1) */
    assert_int_equal(texel_at(r, 13, 2), 3);  /* (0.8, 0.1) -> (0.9, 0.8) */
    assert_int_equal(texel_at(r, 2, 13), 0);  /* (0.1, 0.8) -> (0.2, 0.1) */
    assert_int_equal(texel_at(r, 13, 13), 2); /* (0.8, 0.8) -> (0.2, 0.8) */
}

/* ---- lines and points ---- */

static kiln__draw_call primitive_call(kiln__primitive_type type, const float *positions,
                                      uint32_t count) {
    kiln__draw_call call = {0};
    call.primitive = type;
    call.vertex_count = count;
    call.positions = positions;
    call.position_components = 3;
    call.position_stride = 3 * sizeof(float);
    call.identity_transform = true;
    call.state.depth_check = true;
    call.state.depth_write = true;
    call.state.depth_function = KILN_CMPF_LESS_EQUAL;
    return call; /* unlit, no colours: white */
}

static int count_lit(const raster *r) {
    int n = 0;
    for (int i = 0; i < W * H; i++)
        n += r->surface->colour[i * 4] != 0;
    return n;
}

static void lines_cover_one_pixel_per_step_along_their_major_axis(void **state) {
    raster *r = *state;
    /* From the centre of pixel (2, 5) to the centre of (10, 5): the start's pixel
     * is drawn, the end's is not (the diamond-exit rule). */
    const float horizontal[6] = {NX(2.5f), NY(5.5f), 0, NX(10.5f), NY(5.5f), 0};
    kiln__draw_call call = primitive_call(KILN__PRIMITIVE_LINE_LIST, horizontal, 2);
    render(r, NULL, &call, 1);
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++)
            assert_int_equal(pixel(r, x, y)[0] != 0, y == 5 && x >= 2 && x < 10);
    /* Slope 1/2 from (1.5, 1.5) to (9.5, 5.5): one pixel per column, in the row
     * where the line crosses the column's centre. */
    const float diagonal[6] = {NX(1.5f), NY(1.5f), 0, NX(9.5f), NY(5.5f), 0};
    call = primitive_call(KILN__PRIMITIVE_LINE_LIST, diagonal, 2);
    render(r, NULL, &call, 1);
    const int rows[8] = {1, 2, 2, 3, 3, 4, 4, 5}; /* floor(1.5 + (x - 1) / 2) */
    assert_int_equal(count_lit(r), 8);
    for (int x = 1; x < 9; x++)
        assert_int_not_equal(pixel(r, x, rows[x - 1])[0], 0);
    /* Steep lines step along y. */
    const float steep[6] = {NX(3.5f), NY(2.5f), 0, NX(5.5f), NY(12.5f), 0};
    call = primitive_call(KILN__PRIMITIVE_LINE_LIST, steep, 2);
    render(r, NULL, &call, 1);
    assert_int_equal(count_lit(r), 10);
    for (int y = 2; y < 12; y++)
        assert_int_not_equal(pixel(r, (int)floorf(3.5f + (y - 2) * 0.2f), y)[0], 0);
}

static void line_strips_join_without_drawing_a_pixel_twice(void **state) {
    raster *r = *state;
    const float strip[12] = {NX(1.5f), NY(1.5f),  0, NX(12.5f), NY(4.5f), 0,
                             NX(6.5f), NY(13.5f), 0, NX(1.7f),  NY(7.2f), 0};
    static const float colours[4][4] = {
        {0.25f, 0, 0, 1}, {0.25f, 0, 0, 1}, {0.25f, 0, 0, 1}, {0.25f, 0, 0, 1}};
    kiln__draw_call call = primitive_call(KILN__PRIMITIVE_LINE_STRIP, strip, 4);
    call.colours = &colours[0][0];
    call.colour_stride = sizeof colours[0];
    call.state.vertex_colour_tracking = KILN_TVC_DIFFUSE;
    call.state.blending = true; /* adding: a pixel drawn twice would be brighter */
    call.state.source_blend = KILN_SBF_ONE;
    call.state.dest_blend = KILN_SBF_ONE;
    call.state.depth_check = false;
    render(r, NULL, &call, 1);
    int lit = 0;
    for (int i = 0; i < W * H; i++) {
        uint8_t red = r->surface->colour[i * 4];
        assert_true(red == 0 || red == 64);
        lit += red != 0;
    }
    /* Columns 1 to 11, rows 4 to 12, rows 7 to 13: each segment starts on its first
     * pixel's centre and stops short of the next's; the last ends on the edge of its
     * pixel's diamond, outside it, so that pixel is drawn. */
    assert_int_equal(lit, 11 + 9 + 7);
}

static void points_cover_a_square_of_their_size_and_test_depth(void **state) {
    raster *r = *state;
    const float points[6] = {NX(4.3f), NY(6.7f), 0, NX(10.5f), NY(10.5f), 0};
    kiln__draw_call call = primitive_call(KILN__PRIMITIVE_POINT_LIST, points, 2);
    render(r, NULL, &call, 1);
    assert_int_equal(count_lit(r), 2);
    assert_int_not_equal(pixel(r, 4, 6)[0], 0);
    assert_int_not_equal(pixel(r, 10, 10)[0], 0);
    call.state.point_size = 3.0f;
    render(r, NULL, &call, 1);
    assert_int_equal(count_lit(r), 18);
    for (int y = 9; y < 12; y++)
        for (int x = 9; x < 12; x++)
            assert_int_not_equal(pixel(r, x, y)[0], 0);
    /* Behind a quad, points and lines are hidden. */
    quad q = make_quad(-0.5f);
    kiln__draw_call calls[3] = {flat_call(&q, 0, 0, 1, 1), call,
                                primitive_call(KILN__PRIMITIVE_LINE_LIST, points, 2)};
    render(r, NULL, calls, 3);
    assert_int_equal(count_lit(r), 0);
}

/* ---- bad input ---- */

static void a_draw_with_an_index_past_its_vertices_draws_nothing_and_names_it(void **state) {
    raster *r = *state;
    static const float positions[4][3] = {{-1, -1, 0}, {1, -1, 0}, {1, 1, 0}, {-1, 1, 0}};
    /* Positions in the vectorised part and in the tail, and an index with its top bit
     * set, which a signed comparison would take for a small one. */
    /* A large draw's indices are checked in ranges on both threads: the first bad one is
     * named whichever range holds it, also when a later range holds another. */
    enum { SMALL = 36, LARGE = 60000 };
    const struct {
        uint32_t count, at, index, later;
    } bad[] = {{SMALL, 0, 4, 0},
               {SMALL, 29, 7, 0},
               {SMALL, 31, 0x80000000u, 0},
               {SMALL, 35, UINT32_MAX, 0},
               {LARGE, 0, 5, LARGE - 1},
               {LARGE, 41235, 9, 41236},
               {LARGE, 59000, 0x80000001u, 59999},
               {LARGE, LARGE - 1, 4, 0}};
    static uint32_t indices[LARGE];
    for (size_t b = 0; b < sizeof bad / sizeof bad[0]; b++) {
        for (uint32_t i = 0; i < bad[b].count; i++)
            indices[i] = (uint32_t[]){0, 1, 2, 0, 2, 3}[i % 6];
        indices[bad[b].at] = bad[b].index;
        if (bad[b].later)
            indices[bad[b].later] = 1000;
        kiln__draw_call call = {0};
        call.primitive = KILN__PRIMITIVE_TRIANGLE_LIST;
        call.vertex_count = 4;
        call.positions = &positions[0][0];
        call.position_components = 3;
        call.position_stride = sizeof positions[0];
        call.indices = indices;
        call.index_count = bad[b].count;
        call.world = call.view = call.projection = kiln_matrix4_identity();
        call.state.culling = KILN_CULL_NONE;
        call.state.depth_function = KILN_CMPF_ALWAYS_PASS;
        kiln__rect all = {0, 0, (int32_t)r->surface->width, (int32_t)r->surface->height};
        kiln_colour black = {0, 0, 0, 1};
        assert_int_equal(r->rs->ops->begin_frame(r->rs, r->surface), KILN_OK);
        assert_int_equal(r->rs->ops->begin_viewport(r->rs, &all, true, &black, true, 1.0f),
                         KILN_OK);
        assert_int_equal(r->rs->ops->draw(r->rs, &call), KILN_ERROR_OUT_OF_RANGE);
        char expected[128];
        snprintf(expected, sizeof expected, "index %u at position %u but the draw has 4 vertices",
                 bad[b].index, bad[b].at);
        assert_non_null(strstr(kiln_last_error_message(), expected));
        assert_int_equal(r->rs->ops->end_frame(r->rs), KILN_OK);
        assert_int_equal(count_lit(r), 0);
    }
}

/* ---- determinism ---- */

static void render_everything(raster *r) {
    /* Lit per pixel with two lights, blended over an opaque lit quad, a textured
     * unit with a transform, alpha rejection, depth bias, lines and points. */
    static const float positions[4][3] = {
        {-0.9f, -0.8f, 0.1f}, {0.95f, -0.7f, -0.2f}, {0.8f, 0.9f, 0.3f}, {-0.7f, 0.85f, 0}};
    static const float normals[4][3] = {{0, 0, 1}, {0.3f, 0, 1}, {0, 0.4f, 1}, {-0.2f, 0.1f, 1}};
    static const float colours[4][4] = {
        {1, 0.5f, 0, 1}, {0, 1, 0.5f, 0.7f}, {0.2f, 0.3f, 1, 0.4f}, {1, 1, 1, 1}};
    static const float uvs[4][2] = {{0, 0}, {2, 0}, {2, 2}, {0, 2}};
    static const uint32_t indices[6] = {0, 1, 2, 0, 2, 3};
    kiln__draw_call call = {0};
    call.primitive = KILN__PRIMITIVE_TRIANGLE_LIST;
    call.vertex_count = 4;
    call.positions = &positions[0][0];
    call.position_components = 3;
    call.position_stride = sizeof positions[0];
    call.normals = &normals[0][0];
    call.normal_stride = sizeof normals[0];
    call.colours = &colours[0][0];
    call.colour_stride = sizeof colours[0];
    call.uvs[0] = &uvs[0][0];
    call.uv_strides[0] = sizeof uvs[0];
    call.indices = indices;
    call.index_count = 6;
    call.world = kiln_matrix4_identity();
    call.view = kiln_matrix4_identity();
    call.view.m[2][3] = -2.0f;
    call.projection = kiln_matrix4_identity();
    call.projection.m[2][2] = -0.25f;
    kiln__pass_state *s = &call.state;
    s->depth_check = true;
    s->depth_write = true;
    s->depth_function = KILN_CMPF_LESS_EQUAL;
    s->culling = KILN_CULL_NONE;
    s->lighting = true;
    s->ambient = (kiln_colour){1, 1, 1, 1};
    s->diffuse = (kiln_colour){0.8f, 0.8f, 0.8f, 0.9f};
    s->specular = (kiln_colour){1, 1, 1, 1};
    s->shininess = 12.0f;
    s->scene_ambient = (kiln_colour){0.1f, 0.1f, 0.1f, 1};
    s->vertex_colour_tracking = KILN_TVC_DIFFUSE;
    s->num_lights = 2;
    s->lights[0] = (kiln__light_state){.type = KILN_LT_POINT,
                                       .position = {0.3f, 0.2f, 0.7f},
                                       .diffuse = {1, 0.8f, 0.6f},
                                       .specular = {1, 1, 1},
                                       .range = 10,
                                       .constant = 1,
                                       .linear = 0.2f};
    s->lights[1] = (kiln__light_state){.type = KILN_LT_SPOTLIGHT,
                                       .position = {-0.4f, 0, 1},
                                       .direction = {0.2f, 0, -0.98f},
                                       .diffuse = {0.2f, 0.4f, 1},
                                       .range = 10,
                                       .constant = 1,
                                       .spot_cos_inner = 0.95f,
                                       .spot_cos_outer = 0.8f,
                                       .spot_falloff = 1.5f};
    s->num_units = 1;
    s->units[0] = (kiln__sampler_state){&quad_level, 1, KILN_TFO_BILINEAR, KILN_TAM_MIRROR};
    s->unit_ops[0] =
        (kiln__unit_state){KILN_LBO_ALPHA_BLEND, 0, true, {{0.9f, -0.3f, 0.1f}, {0.3f, 0.9f, 0}}};
    kiln__draw_call calls[5] = {call, call, call, call, call};
    calls[0].state.per_pixel_lighting = true;
    calls[1].state.blending = true;
    calls[1].state.source_blend = KILN_SBF_SOURCE_ALPHA;
    calls[1].state.dest_blend = KILN_SBF_ONE_MINUS_SOURCE_ALPHA;
    calls[1].state.depth_bias_constant = 4.0f;
    calls[1].state.depth_bias_slope_scale = 1.0f;
    calls[1].state.alpha_rejection = true;
    calls[1].state.alpha_function = KILN_CMPF_GREATER;
    calls[1].state.alpha_value = 100;
    calls[1].world.m[0][3] = 0.1f;
    calls[2].primitive = KILN__PRIMITIVE_LINE_STRIP;
    calls[2].state.depth_function = KILN_CMPF_ALWAYS_PASS;
    calls[3].primitive = KILN__PRIMITIVE_POINT_LIST;
    calls[3].state.point_size = 5.0f;
    calls[3].state.depth_function = KILN_CMPF_ALWAYS_PASS;
    calls[4].state.flat_shading = true;
    calls[4].state.blending = true;
    calls[4].state.source_blend = KILN_SBF_DEST_COLOUR;
    calls[4].state.dest_blend = KILN_SBF_ONE;
    calls[4].world.m[2][3] = 0.2f;
    kiln_colour background = {0.1f, 0.2f, 0.3f, 1};
    render(r, &background, calls, 5);
}

static void output_is_identical_for_any_number_of_threads_with_every_state_on(void **state) {
    (void)state;
    /* Wider than one tile, so that the tiles run on different threads. */
    const uint32_t size = 150;
    uint8_t *first = NULL;
    for (uint32_t threads = 1; threads <= 3; threads++) {
        raster r;
        assert_int_equal(kiln__thread_pool_create(threads, &r.pool), KILN_OK);
        assert_int_equal(kiln__soft_render_system_create(r.pool, KILN_SIMD_AUTO, &r.rs), KILN_OK);
        assert_int_equal(
            r.rs->ops->create_surface(r.rs, size, size, KILN_PF_BYTE_RGBA, NULL, 1, &r.surface),
            KILN_OK);
        render_everything(&r);
        size_t bytes = (size_t)size * size * 4;
        int lit = 0;
        for (size_t i = 0; i < bytes; i += 4)
            lit += memcmp(r.surface->colour + i, r.surface->colour, 4) != 0;
        assert_true(lit > 1000);
        if (!first) {
            first = malloc(bytes);
            assert_non_null(first);
            memcpy(first, r.surface->colour, bytes);
        } else {
            assert_memory_equal(first, r.surface->colour, bytes);
        }
        raster_destroy(&r);
    }
    free(first);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(scene_blending_combines_source_and_target_in_eight_bits),
        cmocka_unit_test(float_targets_blend_in_float_and_targets_without_alpha_read_one),
        cmocka_unit_test(alpha_rejection_discards_colour_and_depth),
        cmocka_unit_test(depth_functions_compare_with_the_stored_depth),
        cmocka_unit_test(depth_bias_pulls_toward_the_camera_by_resolution_units_and_slope),
        cmocka_unit_test(culling_modes_keep_the_chosen_windings),
        cmocka_unit_test(texture_units_combine_by_their_colour_operation),
        cmocka_unit_test(texture_coordinates_come_from_the_units_set_through_its_transform),
        cmocka_unit_test(lines_cover_one_pixel_per_step_along_their_major_axis),
        cmocka_unit_test(line_strips_join_without_drawing_a_pixel_twice),
        cmocka_unit_test(points_cover_a_square_of_their_size_and_test_depth),
        cmocka_unit_test(output_is_identical_for_any_number_of_threads_with_every_state_on),
        cmocka_unit_test(a_draw_with_an_index_past_its_vertices_draws_nothing_and_names_it),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
