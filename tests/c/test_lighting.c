/* Fixed-function lighting: the rasterizer's lit colours against values computed by
 * hand from the model (emissive + scene ambient * ambient + the sum over lights of
 * attenuation * spot * (diffuse * N.L + specular * N.H^shininess)), and lights
 * through the public API: defaults, validation and which lights reach an object. */
#include "core/threads.h"
#include "render/soft/soft.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#define W 16
#define H 16

typedef struct raster {
    kiln__thread_pool *pool;
    kiln__render_system *rs;
    kiln__surface *surface;
} raster;

static int setup(void **state) {
    static raster r;
    if (kiln__thread_pool_create(2, &r.pool) != KILN_OK ||
        kiln__soft_render_system_create(r.pool, KILN_SIMD_AUTO, &r.rs) != KILN_OK ||
        r.rs->ops->create_surface(r.rs, W, H, KILN_PF_BYTE_RGBA, NULL, 1, &r.surface) != KILN_OK)
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

/* A quad covering the whole surface in the plane z = 0 of the world, facing +z,
 * seen by an orthographic camera at (0, 0, 2): world x and y are NDC x and y, so
 * pixel (x, y) shows the world point ((x + 0.5) / 8 - 1, 1 - (y + 0.5) / 8, 0). */
static const float quad_positions[6][3] = {{-1, -1, 0}, {1, -1, 0}, {1, 1, 0},
                                           {-1, -1, 0}, {1, 1, 0},  {-1, 1, 0}};
static const float quad_normals[6][3] = {{0, 0, 1}, {0, 0, 1}, {0, 0, 1},
                                         {0, 0, 1}, {0, 0, 1}, {0, 0, 1}};

static float world_x(int x) { return ((float)x + 0.5f) / 8.0f - 1.0f; }
static float world_y(int y) { return 1.0f - ((float)y + 0.5f) / 8.0f; }

static kiln__draw_call lit_quad(void) {
    kiln__draw_call call = {0};
    call.primitive = KILN__PRIMITIVE_TRIANGLE_LIST;
    call.vertex_count = 6;
    call.positions = &quad_positions[0][0];
    call.position_components = 3;
    call.position_stride = sizeof quad_positions[0];
    call.normals = &quad_normals[0][0];
    call.normal_stride = sizeof quad_normals[0];
    call.world = kiln_matrix4_identity();
    call.view = kiln_matrix4_identity();
    call.view.m[2][3] = -2.0f; /* the camera at z = 2 */
    call.projection = kiln_matrix4_identity();
    call.projection.m[2][2] = -0.25f; /* view depth 2 maps into the clip volume */
    kiln__pass_state *s = &call.state;
    s->depth_check = true;
    s->depth_write = true;
    s->depth_function = KILN_CMPF_LESS_EQUAL;
    s->culling = KILN_CULL_CLOCKWISE;
    s->lighting = true;
    s->ambient = (kiln_colour){1, 1, 1, 1};
    s->diffuse = (kiln_colour){1, 1, 1, 1};
    s->scene_ambient = (kiln_colour){0, 0, 0, 1};
    return call;
}

static kiln__light_state light(kiln_light_type type, float px, float py, float pz, float dx,
                               float dy, float dz) {
    kiln__light_state l = {0};
    l.type = type;
    l.position[0] = px;
    l.position[1] = py;
    l.position[2] = pz;
    float length = sqrtf(dx * dx + dy * dy + dz * dz);
    if (length > 0.0f) {
        l.direction[0] = dx / length;
        l.direction[1] = dy / length;
        l.direction[2] = dz / length;
    }
    l.diffuse[0] = l.diffuse[1] = l.diffuse[2] = 1.0f;
    l.range = 100000.0f;
    l.constant = 1.0f;
    l.spot_cos_inner = 1.0f;
    return l;
}

static void render(raster *r, const kiln__draw_call *calls, int count) {
    kiln__rect all = {0, 0, W, H};
    kiln_colour black = {0, 0, 0, 1};
    assert_int_equal(r->rs->ops->begin_frame(r->rs, r->surface), KILN_OK);
    assert_int_equal(r->rs->ops->begin_viewport(r->rs, &all, true, &black, true, 1.0f), KILN_OK);
    for (int i = 0; i < count; i++)
        assert_int_equal(r->rs->ops->draw(r->rs, &calls[i]), KILN_OK);
    assert_int_equal(r->rs->ops->end_frame(r->rs), KILN_OK);
}

static const uint8_t *pixel(const raster *r, int x, int y) {
    return r->surface->colour + ((size_t)y * W + (size_t)x) * 4;
}

/* Within one 8-bit step of value in [0, 1] (float rounding of the model). */
static void assert_channel(uint8_t actual, double value) {
    double expected = value < 0.0 ? 0.0 : (value > 1.0 ? 255.0 : value * 255.0);
    if (fabs((double)actual - expected) > 1.0)
        fail_msg("channel %u, expected %.2f", actual, expected);
}

static void a_directional_light_adds_diffuse_times_n_dot_l_to_the_ambient(void **state) {
    raster *r = *state;
    for (int per_pixel = 0; per_pixel < 2; per_pixel++) {
        kiln__draw_call call = lit_quad();
        call.state.per_pixel_lighting = per_pixel;
        call.state.scene_ambient = (kiln_colour){0.2f, 0.2f, 0.2f, 1};
        call.state.diffuse = (kiln_colour){1.0f, 0.5f, 0.25f, 1};
        /* Shining down and away: N.L = 0.8 everywhere on the flat quad. */
        call.state.lights[0] = light(KILN_LT_DIRECTIONAL, 0, 0, 0, 0, -0.6f, -0.8f);
        call.state.num_lights = 1;
        render(r, &call, 1);
        for (int y = 0; y < H; y += 5)
            for (int x = 0; x < W; x += 5) {
                /* 0.2 + (1, 0.5, 0.25) * 0.8 = (1.0, 0.6, 0.4); alpha is the diffuse alpha. */
                const uint8_t *p = pixel(r, x, y);
                assert_int_equal(p[0], 255);
                assert_int_equal(p[1], 153);
                assert_int_equal(p[2], 102);
                assert_int_equal(p[3], 255);
            }
        /* A light from behind leaves the ambient alone. */
        call.state.lights[0] = light(KILN_LT_DIRECTIONAL, 0, 0, 0, 0, 0, 1);
        render(r, &call, 1);
        assert_int_equal(pixel(r, 8, 8)[0], 51);
    }
}

/* The point light of the model at world point (x, y, 0), facing +z. */
static double point_light(double lx, double ly, double lz, double x, double y, double c, double l,
                          double q, double range) {
    double dx = lx - x, dy = ly - y, dz = lz;
    double d = sqrt(dx * dx + dy * dy + dz * dz);
    if (d > range || dz <= 0.0)
        return 0.0;
    return (dz / d) / (c + l * d + q * d * d);
}

static void point_lights_fade_with_distance_and_stop_at_their_range(void **state) {
    raster *r = *state;
    kiln__draw_call call = lit_quad();
    call.state.per_pixel_lighting = true;
    call.state.lights[0] = light(KILN_LT_POINT, 0.25f, -0.1f, 1.0f, 0, 0, 0);
    call.state.lights[0].constant = 1.0f;
    call.state.lights[0].linear = 0.5f;
    call.state.lights[0].quadratic = 0.25f;
    call.state.num_lights = 1;
    render(r, &call, 1);
    for (int y = 0; y < H; y += 3)
        for (int x = 0; x < W; x += 3)
            assert_channel(pixel(r, x, y)[0], point_light(0.25, -0.1, 1.0, world_x(x), world_y(y),
                                                          1.0, 0.5, 0.25, 1e9));
    /* At (0.3125, -0.0625): d = 1.0027, N.L = 0.9973, attenuation 1 / 1.7527: 0.5691. */
    assert_int_equal(pixel(r, 10, 8)[0], 145);
    /* Beyond the range nothing is added. */
    call.state.lights[0].range = 1.5f;
    render(r, &call, 1);
    assert_int_equal(pixel(r, 0, 0)[0], 0);    /* d = 1.88 */
    assert_int_equal(pixel(r, 10, 8)[0], 145); /* d = 1.00 */
}

static void spotlights_light_inside_the_cone_and_fade_to_its_edge(void **state) {
    raster *r = *state;
    kiln__draw_call call = lit_quad();
    call.state.per_pixel_lighting = true;
    /* Straight down from (0, 0, 1); cone 60 degrees inside, 90 outside. */
    kiln__light_state *l = &call.state.lights[0];
    *l = light(KILN_LT_SPOTLIGHT, 0, 0, 1, 0, 0, -1);
    l->spot_cos_inner = cosf(30.0f * 3.14159265f / 180.0f);
    l->spot_cos_outer = cosf(45.0f * 3.14159265f / 180.0f);
    l->spot_falloff = 1.0f;
    call.state.num_lights = 1;
    render(r, &call, 1);
    /* Inside the inner cone: the point light's value, N.L = cos(angle). */
    assert_channel(pixel(r, 8, 8)[0], point_light(0, 0, 1, world_x(8), world_y(8), 1, 0, 0, 1e9));
    assert_channel(pixel(r, 8, 8)[0], 0.9961);
    /* (-0.9375, -0.0625): 43.2 degrees off the axis, between the cones:
     * rho = 0.7292, (rho - cos 45) / (cos 30 - cos 45) = 0.1389, times N.L 0.7292. */
    assert_channel(pixel(r, 0, 8)[0], 0.7292 * 0.1389);
    /* The corner is 53 degrees off the axis: outside the cone. */
    assert_int_equal(pixel(r, 0, 0)[0], 0);
    /* A steeper falloff darkens the transition only. */
    l->spot_falloff = 2.0f;
    render(r, &call, 1);
    assert_channel(pixel(r, 0, 8)[0], 0.7292 * 0.1389 * 0.1389);
    assert_channel(pixel(r, 8, 8)[0], 0.9961);
}

static void the_specular_highlight_sits_where_the_light_reflects_to_the_eye(void **state) {
    raster *r = *state;
    kiln__draw_call call = lit_quad();
    call.state.per_pixel_lighting = true;
    call.state.diffuse = (kiln_colour){0, 0, 0, 1};
    call.state.specular = (kiln_colour){1, 1, 1, 1};
    call.state.shininess = 200.0f;
    /* Towards the light L = (0.2137, 0, 0.9769): the half vector of L and the view
     * from the eye at (0, 0, 2) is the normal at x = 0.4375, the centre of column 11. */
    kiln__light_state *l = &call.state.lights[0];
    *l = light(KILN_LT_DIRECTIONAL, 0, 0, 0, -0.2137f, 0, -0.9769f);
    l->specular[0] = l->specular[1] = l->specular[2] = 1.0f;
    call.state.num_lights = 1;
    render(r, &call, 1);
    for (int y = 6; y < 10; y++) {
        int brightest = 0;
        for (int x = 0; x < W; x++)
            if (pixel(r, x, y)[0] > pixel(r, brightest, y)[0])
                brightest = x;
        assert_int_equal(brightest, 11);
    }
    /* Half a pixel off the peak vertically: N.H = 0.99988, to the 200th: 0.976. */
    assert_true(pixel(r, 11, 7)[0] >= 248);
    assert_true(pixel(r, 7, 7)[0] < 100);
    /* Without a specular colour, or without shininess, there is no highlight. */
    call.state.specular = (kiln_colour){0, 0, 0, 1};
    render(r, &call, 1);
    assert_int_equal(pixel(r, 11, 7)[0], 0);
    call.state.specular = (kiln_colour){1, 1, 1, 1};
    call.state.shininess = 0.0f;
    render(r, &call, 1);
    assert_int_equal(pixel(r, 11, 7)[0], 0);
}

static void lighting_per_pixel_finds_what_lighting_per_vertex_misses(void **state) {
    raster *r = *state;
    kiln__draw_call call = lit_quad();
    /* A point light close above the middle of a two-triangle quad: every corner
     * is lit alike, d = sqrt(2.25), N.L = 0.5 / 1.5 = 0.3333. */
    call.state.lights[0] = light(KILN_LT_POINT, 0, 0, 0.5f, 0, 0, 0);
    call.state.num_lights = 1;
    render(r, &call, 1);
    for (int y = 0; y < H; y += 3)
        for (int x = 0; x < W; x += 3)
            assert_channel(pixel(r, x, y)[0], 1.0 / 3.0);
    call.state.per_pixel_lighting = true;
    render(r, &call, 1);
    assert_channel(pixel(r, 8, 8)[0], point_light(0, 0, 0.5, world_x(8), world_y(8), 1, 0, 0, 1e9));
    assert_true(pixel(r, 8, 8)[0] > 240);
    assert_channel(pixel(r, 0, 0)[0], point_light(0, 0, 0.5, world_x(0), world_y(0), 1, 0, 0, 1e9));
    /* Flat shading lights each triangle with its first vertex: here the same. */
    call.state.per_pixel_lighting = false;
    call.state.flat_shading = true;
    render(r, &call, 1);
    assert_channel(pixel(r, 8, 8)[0], 1.0 / 3.0);
}

static void vertex_colours_replace_the_tracked_material_colours(void **state) {
    raster *r = *state;
    static const float colours[6][4] = {{0.8f, 0.6f, 0.2f, 0.6f}, {0.8f, 0.6f, 0.2f, 0.6f},
                                        {0.8f, 0.6f, 0.2f, 0.6f}, {0.8f, 0.6f, 0.2f, 0.6f},
                                        {0.8f, 0.6f, 0.2f, 0.6f}, {0.8f, 0.6f, 0.2f, 0.6f}};
    for (int per_pixel = 0; per_pixel < 2; per_pixel++) {
        kiln__draw_call call = lit_quad();
        call.state.per_pixel_lighting = per_pixel;
        call.colours = &colours[0][0];
        call.colour_stride = sizeof colours[0];
        call.state.scene_ambient = (kiln_colour){0.2f, 0.2f, 0.2f, 1};
        call.state.ambient = (kiln_colour){0.25f, 0.25f, 0.25f, 1};
        call.state.diffuse = (kiln_colour){0.5f, 0.5f, 0.5f, 0.5f};
        call.state.lights[0] = light(KILN_LT_DIRECTIONAL, 0, 0, 0, 0, 0, -1);
        for (int k = 0; k < 3; k++)
            call.state.lights[0].diffuse[k] = 0.5f;
        call.state.num_lights = 1;
        /* Untracked, the vertex colour is ignored: 0.05 + 0.25. */
        render(r, &call, 1);
        assert_channel(pixel(r, 4, 4)[0], 0.3);
        assert_channel(pixel(r, 4, 4)[2], 0.3);
        /* Diffuse tracked: 0.05 + 0.5 * (0.8, 0.6, 0.2) = (0.45, 0.35, 0.15); the alpha
         * stays the pass's diffuse alpha, as in the original engine. */
        call.state.vertex_colour_tracking = KILN_TVC_DIFFUSE;
        render(r, &call, 1);
        const uint8_t *p = pixel(r, 4, 4);
        assert_int_equal(p[0], 115);
        assert_int_equal(p[1], 89);
        assert_int_equal(p[2], 38);
        assert_int_equal(p[3], 128);
        /* Ambient tracked: 0.2 * (0.8, 0.6, 0.2) + 0.25 = (0.41, 0.37, 0.29), alpha the
         * scene's ambient alpha times the vertex alpha. */
        call.state.vertex_colour_tracking = KILN_TVC_AMBIENT;
        render(r, &call, 1);
        assert_channel(p[0], 0.41);
        assert_channel(p[1], 0.37);
        assert_channel(p[2], 0.29);
        assert_channel(p[3], 0.6);
        /* Emissive tracked: 0.05 + (0.8, 0.6, 0.2) + 0.25. */
        call.state.vertex_colour_tracking = KILN_TVC_EMISSIVE;
        render(r, &call, 1);
        assert_channel(p[0], 1.0);
        assert_channel(p[1], 0.9);
        assert_channel(p[2], 0.5);
    }
    /* Lighting off: the vertex colour itself when tracked, else white (as the original
     * engine's shader generator draws it). */
    kiln__draw_call call = lit_quad();
    call.state.lighting = false;
    call.colours = &colours[0][0];
    call.colour_stride = sizeof colours[0];
    call.state.vertex_colour_tracking = KILN_TVC_DIFFUSE;
    render(r, &call, 1);
    assert_channel(pixel(r, 4, 4)[1], 0.6);
    assert_channel(pixel(r, 4, 4)[3], 0.6);
    call.state.vertex_colour_tracking = KILN_TVC_NONE;
    render(r, &call, 1);
    assert_channel(pixel(r, 4, 4)[1], 1.0);
    assert_channel(pixel(r, 4, 4)[3], 1.0);
}

static void flat_shading_colours_a_triangle_with_its_first_vertex(void **state) {
    raster *r = *state;
    static const float colours[6][4] = {{1, 0, 0, 1}, {0, 1, 0, 1}, {0, 0, 1, 1},
                                        {0, 0, 1, 1}, {0, 1, 0, 1}, {1, 0, 0, 1}};
    kiln__draw_call call = lit_quad();
    call.state.lighting = false;
    call.colours = &colours[0][0];
    call.colour_stride = sizeof colours[0];
    call.state.vertex_colour_tracking = KILN_TVC_DIFFUSE;
    call.state.flat_shading = true;
    render(r, &call, 1);
    /* The lower-right triangle starts with red, the upper-left one with blue. */
    const uint8_t *a = pixel(r, 12, 12), *b = pixel(r, 2, 2);
    assert_int_equal(a[0], 255);
    assert_int_equal(a[1], 0);
    assert_int_equal(b[2], 255);
    assert_int_equal(b[0], 0);
    /* Smooth shading blends the three. */
    call.state.flat_shading = false;
    render(r, &call, 1);
    a = pixel(r, 12, 12);
    assert_true(a[0] > 0 && a[1] > 0 && a[2] > 0);
}

/* ---- through the public API ---- */

static kiln_light *make_light(kiln_scene_manager *scene, const char *name) {
    kiln_light *l = NULL;
    assert_int_equal(kiln_scene_manager_create_light(scene, name, &l), KILN_OK);
    return l;
}

static void lights_have_the_original_engines_defaults_and_check_their_arguments(void **state) {
    (void)state;
    kiln_root *root = NULL;
    assert_int_equal(kiln_root_create(NULL, &root), KILN_OK);
    kiln_scene_manager *scene = NULL;
    assert_int_equal(kiln_root_create_scene_manager(root, &scene), KILN_OK);
    kiln_light *l = make_light(scene, "sun");
    assert_int_equal(kiln_light_get_type(l), KILN_LT_POINT);
    kiln_colour d = kiln_light_get_diffuse_colour(l), s = kiln_light_get_specular_colour(l);
    assert_true(d.r == 1 && d.g == 1 && d.b == 1);
    assert_true(s.r == 0 && s.g == 0 && s.b == 0);
    assert_float_equal(kiln_light_get_attenuation_range(l), 100000.0f, 0);
    assert_float_equal(kiln_light_get_attenuation_constant(l), 1.0f, 0);
    assert_float_equal(kiln_light_get_attenuation_linear(l), 0.0f, 0);
    assert_float_equal(kiln_light_get_attenuation_quadratic(l), 0.0f, 0);
    assert_float_equal(kiln_light_get_spotlight_inner_angle(l), 30.0f * 3.14159265f / 180, 1e-6);
    assert_float_equal(kiln_light_get_spotlight_outer_angle(l), 40.0f * 3.14159265f / 180, 1e-6);
    assert_float_equal(kiln_light_get_spotlight_falloff(l), 1.0f, 0);
    assert_float_equal(kiln_light_get_power_scale(l), 1.0f, 0);
    kiln_vector3 p = kiln_light_get_position(l), dir = kiln_light_get_direction(l);
    assert_true(p.x == 0 && p.y == 0 && p.z == 0);
    assert_true(dir.x == 0 && dir.y == 0 && dir.z == -1);
    assert_string_equal(kiln_movable_object_get_movable_type(kiln_light_as_movable_object(l)),
                        "Light");

    kiln_vector3 zero = {0, 0, 0}, slanted = {3, 0, 4};
    assert_int_equal(kiln_light_set_direction(l, &zero), KILN_ERROR_INVALID_ARGUMENT);
    assert_int_equal(kiln_light_set_direction(l, &slanted), KILN_OK);
    /* Kept as given, not normalised, as the original engine keeps it. */
    dir = kiln_light_get_direction(l);
    assert_float_equal(dir.x, 3.0f, 0);
    assert_float_equal(dir.z, 4.0f, 0);
    assert_int_equal(kiln_light_set_type(l, (kiln_light_type)3), KILN_ERROR_INVALID_ARGUMENT);
    assert_non_null(strstr(kiln_last_error_message(), "3"));
    assert_int_equal(kiln_light_set_attenuation(l, 10, 0, 0, 0), KILN_ERROR_INVALID_ARGUMENT);
    assert_int_equal(kiln_light_set_attenuation(l, -1, 1, 0, 0), KILN_ERROR_INVALID_ARGUMENT);
    assert_int_equal(kiln_light_set_attenuation(l, 50, 1, 0.5f, 0.25f), KILN_OK);
    assert_float_equal(kiln_light_get_attenuation_quadratic(l), 0.25f, 0);
    assert_int_equal(kiln_light_set_spotlight_range(l, 1.0f, 0.5f, 1.0f),
                     KILN_ERROR_INVALID_ARGUMENT);
    assert_int_equal(kiln_light_set_spotlight_range(l, 0.5f, 1.0f, -1.0f),
                     KILN_ERROR_INVALID_ARGUMENT);
    assert_int_equal(kiln_light_set_spotlight_range(l, 0.5f, 1.0f, 2.0f), KILN_OK);

    kiln_light *same = NULL;
    assert_int_equal(kiln_scene_manager_create_light(scene, "sun", &same),
                     KILN_ERROR_INVALID_ARGUMENT);
    assert_int_equal(kiln_scene_manager_get_light(scene, "sun", &same), KILN_OK);
    assert_ptr_equal(same, l);
    kiln_light_release(same);
    assert_int_equal(kiln_scene_manager_get_light(scene, "moon", &same), KILN_ERROR_NOT_FOUND);
    assert_null(same);
    /* The light outlives the scene that made it. */
    kiln_root_destroy(root);
    assert_float_equal(kiln_light_get_spotlight_falloff(l), 2.0f, 0);
    kiln_light_release(l);
}

/* A 5x5-unit quad at z = -5 facing a default camera at the origin (which looks down
 * -z), lit per pixel; returns the colour at the centre of a 16x16 target. */
typedef struct lit_scene {
    kiln_root *root;
    kiln_scene_manager *scene;
    kiln_render_target *target;
    kiln_pass *pass;
} lit_scene;

static void lit_scene_create(lit_scene *t) {
    assert_int_equal(kiln_root_create(NULL, &t->root), KILN_OK);
    assert_int_equal(kiln_root_create_scene_manager(t->root, &t->scene), KILN_OK);
    kiln_material *material = NULL;
    kiln_technique *technique = NULL;
    assert_int_equal(kiln_material_manager_create(kiln_root_get_material_manager(t->root), "lit",
                                                  "General", &material),
                     KILN_OK);
    assert_int_equal(kiln_material_get_technique(material, 0, &technique), KILN_OK);
    assert_int_equal(kiln_technique_get_pass(technique, 0, &t->pass), KILN_OK);
    assert_int_equal(kiln_pass_set_shading_mode(t->pass, KILN_SO_PHONG), KILN_OK);
    kiln_material_release(material);
    kiln_manual_object *quad = NULL;
    assert_int_equal(kiln_scene_manager_create_manual_object(t->scene, "quad", &quad), KILN_OK);
    assert_int_equal(kiln_manual_object_begin(quad, "lit", KILN_OT_TRIANGLE_LIST), KILN_OK);
    const float corners[4][2] = {{-2.5f, -2.5f}, {2.5f, -2.5f}, {2.5f, 2.5f}, {-2.5f, 2.5f}};
    for (int i = 0; i < 4; i++) {
        assert_int_equal(kiln_manual_object_position(quad, corners[i][0], corners[i][1], -5),
                         KILN_OK);
        assert_int_equal(kiln_manual_object_normal(quad, 0, 0, 1), KILN_OK);
    }
    assert_int_equal(kiln_manual_object_quad(quad, 0, 1, 2, 3), KILN_OK);
    assert_int_equal(kiln_manual_object_end(quad), KILN_OK);
    kiln_scene_node *root_node = kiln_scene_manager_get_root_scene_node(t->scene);
    assert_int_equal(
        kiln_scene_node_attach_object(root_node, kiln_manual_object_as_movable_object(quad)),
        KILN_OK);
    kiln_manual_object_release(quad);
    kiln_camera *camera = NULL;
    assert_int_equal(kiln_scene_manager_create_camera(t->scene, "camera", &camera), KILN_OK);
    assert_int_equal(kiln_camera_set_near_clip_distance(camera, 0.1f), KILN_OK);
    assert_int_equal(kiln_camera_set_aspect_ratio(camera, 1.0f), KILN_OK);
    assert_int_equal(kiln_root_create_render_texture(t->root, "target", 16, 16, NULL, &t->target),
                     KILN_OK);
    kiln_viewport *viewport = NULL;
    assert_int_equal(kiln_render_target_add_viewport(t->target, camera, NULL, &viewport), KILN_OK);
    kiln_camera_release(camera);
}

static void centre_colour(lit_scene *t, uint8_t out[3]) {
    assert_int_equal(kiln_root_render_one_frame(t->root), KILN_OK);
    kiln_stream *stream = NULL;
    kiln_pixelbox *box = NULL;
    assert_int_equal(kiln_stream_create_memory(16 * 16 * 3, &stream), KILN_OK);
    assert_int_equal(kiln_pixelbox_create(16, 16, 1, KILN_PF_BYTE_RGB, stream, &box), KILN_OK);
    assert_int_equal(kiln_render_target_copy_contents_to_memory(t->target, NULL, box), KILN_OK);
    memcpy(out, (uint8_t *)kiln_stream_get_pointer(stream) + (8 * 16 + 8) * 3, 3);
    kiln_pixelbox_release(box);
    kiln_stream_release(stream);
}

static kiln_light *attached_light(lit_scene *t, const char *name, float r, float g, float b,
                                  float x, float y, float z) {
    kiln_light *l = make_light(t->scene, name);
    kiln_colour c = {r, g, b, 1};
    kiln_light_set_diffuse_colour(l, &c);
    kiln_scene_node *node = NULL;
    assert_int_equal(kiln_scene_node_create_child_scene_node(
                         kiln_scene_manager_get_root_scene_node(t->scene), &node),
                     KILN_OK);
    kiln_vector3 position = {x, y, z};
    kiln_scene_node_set_position(node, &position);
    assert_int_equal(kiln_scene_node_attach_object(node, kiln_light_as_movable_object(l)), KILN_OK);
    return l;
}

static void objects_take_directional_lights_first_then_the_nearest(void **state) {
    (void)state;
    lit_scene t;
    lit_scene_create(&t);
    uint8_t c[3];
    centre_colour(&t, c);
    assert_int_equal(c[0] + c[1] + c[2], 0); /* no light, no ambient */
    /* A red light 3 units in front of the quad, a green one 1 unit in front but
     * further from the quad's origin (the world origin), where the original engine
     * measures from. */
    kiln_light *red = attached_light(&t, "red", 1, 0, 0, 0, 0, -2);
    kiln_light *green = attached_light(&t, "green", 0, 1, 0, 0, 0, -4);
    centre_colour(&t, c);
    assert_true(c[0] > 200 && c[1] > 200);
    assert_int_equal(kiln_pass_set_max_simultaneous_lights(t.pass, 1), KILN_OK);
    centre_colour(&t, c);
    assert_true(c[0] > 200);
    assert_int_equal(c[1], 0);
    /* A hidden light does not count. */
    kiln_movable_object_set_visible(kiln_light_as_movable_object(red), false);
    centre_colour(&t, c);
    assert_int_equal(c[0], 0);
    assert_true(c[1] > 200);
    kiln_movable_object_set_visible(kiln_light_as_movable_object(red), true);
    /* A directional light comes before any point light; its node turns it. */
    kiln_light *blue = attached_light(&t, "blue", 0, 0, 1, 0, 0, 0);
    assert_int_equal(kiln_light_set_type(blue, KILN_LT_DIRECTIONAL), KILN_OK);
    centre_colour(&t, c);
    assert_int_equal(c[0], 0);
    assert_int_equal(c[2], 255);
    kiln_scene_node *blue_node =
        kiln_movable_object_get_parent_scene_node(kiln_light_as_movable_object(blue));
    kiln_scene_node_yaw(blue_node, 3.14159265f, KILN_TS_LOCAL); /* now shines along +z */
    centre_colour(&t, c);
    assert_int_equal(c[2], 0);
    /* A point light's node position applies; the attenuation range cuts it off. */
    assert_int_equal(kiln_pass_set_max_simultaneous_lights(t.pass, 8), KILN_OK);
    assert_int_equal(kiln_light_set_attenuation(red, 2.9f, 1, 0, 0), KILN_OK);
    centre_colour(&t, c);
    assert_int_equal(c[0], 0);
    assert_true(c[1] > 200);
    kiln_light_release(red);
    kiln_light_release(green);
    kiln_light_release(blue);
    kiln_root_destroy(t.root);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_directional_light_adds_diffuse_times_n_dot_l_to_the_ambient),
        cmocka_unit_test(point_lights_fade_with_distance_and_stop_at_their_range),
        cmocka_unit_test(spotlights_light_inside_the_cone_and_fade_to_its_edge),
        cmocka_unit_test(the_specular_highlight_sits_where_the_light_reflects_to_the_eye),
        cmocka_unit_test(lighting_per_pixel_finds_what_lighting_per_vertex_misses),
        cmocka_unit_test(vertex_colours_replace_the_tracked_material_colours),
        cmocka_unit_test(flat_shading_colours_a_triangle_with_its_first_vertex),
        cmocka_unit_test(lights_have_the_original_engines_defaults_and_check_their_arguments),
        cmocka_unit_test(objects_take_directional_lights_first_then_the_nearest),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
