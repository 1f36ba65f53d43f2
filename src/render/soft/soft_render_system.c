#include "soft.h"

#include "core/threads.h"
#include "span.h"

#include <stdatomic.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <string.h>

typedef struct kiln__soft_render_system {
    kiln__render_system base;
    kiln__thread_pool *pool; /* borrowed from the Root */
    kiln__soft_frame frame;
    bool in_frame;
    uint32_t current_state; /* UINT32_MAX before the first draw */
    kiln__rect viewport;
    void *vertices; /* scratch for the vertex stage */
    /* A draw's ranges for the pool: of its vertices, of its indices (checked in the
     * vertex stage's loop) and of its triangles, each max_ranges + 1 starts; and the
     * first index out of range that each range of indices found. */
    uint32_t max_ranges;
    uint32_t *vertex_starts, *index_starts, *triangle_starts, *first_bad;
    uint8_t *working;         /* a tile's working memory for each thread */
    size_t vertices_capacity; /* bytes */
} kiln__soft_render_system;

/* Where one range of a draw's triangles goes: written once into the arena of the
 * thread that sets it up, and binned into that thread's bins with each triangle's
 * place in the frame's order, so that the tiles see the same triangles in the same
 * order for any number of threads. */
typedef struct setup_target {
    const kiln__soft_frame *frame;
    kiln__soft_arena *arena;
    uint32_t worker;
    uint32_t seq; /* of the triangle being set up (its clipped pieces share it) */
    bool out_of_memory;
} setup_target;

static kiln__soft_render_system *soft(kiln__render_system *self) {
    return (kiln__soft_render_system *)self;
}

/* ---- surfaces ---- */

static void destroy_surface(kiln__render_system *self, kiln__surface *surface) {
    (void)self;
    if (!surface)
        return;
    for (uint32_t k = 0; k < KILN__MAX_SAMPLES; k++)
        destroy_surface(self, surface->sample[k]);
    kiln_stream_release(surface->stream);
    kiln__free(surface->depth);
    kiln__free(surface->tile_depth);
    kiln__free(surface->tile_uniform);
    kiln__free(surface->stored);
    kiln__free(surface);
}

static kiln_result create_surface(kiln__render_system *self, uint32_t width, uint32_t height,
                                  kiln_pixel_format format, kiln_stream *storage, uint32_t samples,
                                  kiln__surface **out) {
    if (!kiln__sample_positions(samples) && samples != 1)
        return kiln__fail(KILN_ERROR_INVALID_ARGUMENT,
                          "a render surface has 1, 2, 4 or 8 samples per pixel, not %u", samples);
    kiln__surface *surface = kiln__calloc(1, sizeof *surface);
    if (!surface)
        return kiln__fail_oom("a render surface", sizeof *surface);
    surface->width = width;
    surface->height = height;
    surface->format = format;
    surface->samples = samples;
    surface->has_alpha = (kiln_pixel_format_get_flags(format) & KILN_PFF_HASALPHA) != 0;
    surface->is_float = (kiln_pixel_format_get_flags(format) & KILN_PFF_FLOAT) != 0;
    surface->pixel_size = kiln_pixel_format_get_num_elem_bytes(format);
    surface->row_pitch = (size_t)width * surface->pixel_size;
    const kiln_pixel_format working = surface->is_float ? KILN_PF_FLOAT32_RGBA : KILN_PF_BYTE_RGBA;
    if (!kiln__row_converter_init(&surface->to_storage, working, format) ||
        !kiln__row_converter_init(&surface->from_storage, format, working)) {
        destroy_surface(self, surface);
        return kiln__fail(KILN_ERROR_INVALID_ARGUMENT, "a render surface cannot have format %d",
                          (int)format);
    }
    surface->tiles_x = (width + KILN__TILE_SIZE - 1) >> KILN__TILE_SHIFT;
    surface->tiles_y = (height + KILN__TILE_SIZE - 1) >> KILN__TILE_SHIFT;
    size_t tiles = (size_t)surface->tiles_x * surface->tiles_y;
    size_t pixels = (size_t)width * height;
    const size_t bytes = surface->row_pitch * height;
    kiln_result r = KILN_OK;
    if (storage) {
        if (kiln_stream_get_read_only(storage))
            r = kiln__fail(KILN_ERROR_INVALID_ARGUMENT,
                           "a render target's storage must be writable; this stream is read-only");
        else if (kiln_stream_get_size(storage) < bytes)
            r = kiln__fail(KILN_ERROR_INVALID_ARGUMENT,
                           "a %ux%u %s render target needs %zu bytes of storage; the stream holds "
                           "%zu",
                           width, height, kiln_pixel_format_get_name(format), bytes,
                           kiln_stream_get_size(storage));
        if (r == KILN_OK) {
            kiln_stream_retain(storage);
            surface->stream = storage;
            surface->shared = true;
        }
    } else {
        r = kiln_stream_create_memory(bytes, &surface->stream);
    }
    if (r != KILN_OK) {
        destroy_surface(self, surface);
        return r;
    }
    surface->colour = kiln_stream_get_pointer(surface->stream);
    surface->depth = kiln__malloc_array(tiles * KILN__TILE_DEPTH_FLOATS, sizeof(float));
    surface->tile_depth = kiln__malloc_array(tiles, sizeof(float));
    surface->tile_uniform = kiln__malloc_array(tiles, 1);
    surface->stored = kiln__calloc(tiles, sizeof *surface->stored);
    if (!surface->depth || !surface->tile_depth || !surface->tile_uniform || !surface->stored) {
        const size_t wanted = pixels * (surface->pixel_size + 4);
        destroy_surface(self, surface);
        return kiln__fail_oom("a render surface", wanted);
    }
    /* A new target reads as cleared: black (opaque) and the far depth. */
    const uint8_t black8[4] = {0, 0, 0, 255};
    const float blackf[4] = {0.0f, 0.0f, 0.0f, 1.0f};
    uint8_t pixel[16];
    kiln__row_convert(&surface->to_storage, surface->is_float ? (const void *)blackf : black8,
                      pixel, 1);
    for (uint32_t y = 0; y < height; y++) {
        uint8_t *row = surface->colour + (size_t)y * surface->row_pitch;
        if (y > 0) {
            memcpy(row, surface->colour, surface->row_pitch);
            continue;
        }
        for (uint32_t x = 0; x < width; x++)
            memcpy(row + (size_t)x * surface->pixel_size, pixel, surface->pixel_size);
    }
    for (size_t i = 0; i < tiles; i++) {
        surface->tile_depth[i] = 1.0f;
        surface->tile_uniform[i] = 1;
        surface->stored[i].uniform = true;
        memcpy(surface->stored[i].colour8, black8, sizeof black8);
        memcpy(surface->stored[i].colourf, blackf, sizeof blackf);
    }
    /* The samples: surfaces of their own in the working format, whose blending reads
     * the target's alpha as the target would. */
    for (uint32_t k = 0; k < samples && samples > 1; k++) {
        r = create_surface(self, width, height, working, NULL, 1, &surface->sample[k]);
        if (r != KILN_OK) {
            destroy_surface(self, surface);
            return r;
        }
        surface->sample[k]->has_alpha = surface->has_alpha;
    }
    *out = surface;
    return KILN_OK;
}

/* ---- recording ---- */

static kiln_result begin_frame(kiln__render_system *base, kiln__surface *surface) {
    kiln__soft_render_system *self = soft(base);
    kiln__soft_frame *frame = &self->frame;
    frame->surface = surface;
    for (uint32_t i = 0; i < frame->num_arenas; i++)
        kiln__soft_arena_reset(&frame->arenas[i]);
    frame->num_states = 0;
    frame->num_clears = 0;
    self->in_frame = true;
    self->viewport = (kiln__rect){0, 0, (int32_t)surface->width, (int32_t)surface->height};
    return kiln__soft_bins_begin(frame, surface->width, surface->height);
}

static kiln__rect intersect_surface(const kiln__rect *r, const kiln__surface *surface) {
    int32_t x0 = r->x < 0 ? 0 : r->x, y0 = r->y < 0 ? 0 : r->y;
    int64_t x1 = (int64_t)r->x + r->width, y1 = (int64_t)r->y + r->height;
    x1 = x1 > surface->width ? surface->width : x1;
    y1 = y1 > surface->height ? surface->height : y1;
    kiln__rect out = {x0, y0, (int32_t)(x1 - x0), (int32_t)(y1 - y0)};
    if (out.width < 0)
        out.width = 0;
    if (out.height < 0)
        out.height = 0;
    return out;
}

static kiln_result begin_viewport(kiln__render_system *base, const kiln__rect *viewport,
                                  bool clear_colour, const kiln_colour *colour, bool clear_depth,
                                  float depth) {
    kiln__soft_render_system *self = soft(base);
    kiln__soft_frame *frame = &self->frame;
    if (!self->in_frame)
        return kiln__fail(KILN_ERROR_INVALID_STATE, "begin_viewport called outside a frame");
    self->viewport = *viewport;
    if (!clear_colour && !clear_depth)
        return KILN_OK;
    KILN__CHECK(kiln__grow32(&frame->clears, &frame->clears_capacity, frame->num_clears + 1,
                             sizeof *frame->clears, 8, "a clear command"));
    uint32_t index = frame->num_clears++;
    kiln__soft_clear *c = &frame->clears[index];
    *c = (kiln__soft_clear){0};
    c->rect = intersect_surface(viewport, frame->surface);
    c->clear_colour = clear_colour;
    c->clear_depth = clear_depth;
    c->depth = depth;
    if (clear_colour) {
        const float rgba[4] = {colour->r, colour->g, colour->b, colour->a};
        for (int k = 0; k < 4; k++) {
            c->colourf[k] = rgba[k];
            c->colour8[k] = kiln__soft_unorm8(rgba[k]);
        }
    }
    return kiln__soft_bin_rect(frame, 0, &c->rect,
                               (kiln__soft_command){frame->next_seq++, index, NULL});
}

static kiln_result push_state(kiln__soft_render_system *self, const kiln__draw_call *call,
                              uint32_t *out) {
    kiln__soft_frame *frame = &self->frame;
    KILN__CHECK(kiln__grow32(&frame->states, &frame->states_capacity, frame->num_states + 1,
                             sizeof *frame->states, 64, "draw states"));
    kiln__soft_state *s = &frame->states[frame->num_states];
    memset(s, 0, sizeof *s);
    s->pass = call->state;
    if (s->pass.num_units > KILN__MAX_TEXTURE_UNITS)
        s->pass.num_units = KILN__MAX_TEXTURE_UNITS;
    s->viewport = self->viewport;
    s->scissor = intersect_surface(&self->viewport, frame->surface);
    if (s->pass.num_lights > KILN__MAX_LIGHTS)
        s->pass.num_lights = KILN__MAX_LIGHTS;
    const kiln__pass_state *p = &s->pass;
    const bool tracks = p->vertex_colour_tracking != 0 && call->colours != NULL;
    if (p->lighting) {
        kiln__soft_lighting_prepare(s);
        s->lights_shine = tracks && (p->vertex_colour_tracking & KILN_TVC_SPECULAR);
        for (uint32_t i = 0; i < p->num_lights; i++)
            for (int k = 0; k < 3; k++)
                s->lights_shine = s->lights_shine || s->light_specular[i][k] != 0.0f;
        if (!call->identity_transform) {
            /* The eye, for specular light: the origin of view space in the world. */
            kiln_matrix4 inverse;
            if (kiln_matrix4_inverse(call->view, &inverse) == KILN_OK)
                for (int k = 0; k < 3; k++)
                    s->eye[k] = inverse.m[k][3];
        }
    }
    if (p->lighting && (p->num_lights > 0 || tracks)) {
        /* Lit per pixel from interpolated positions and normals, or per vertex into
         * the colour (and specular) varyings. */
        if (p->per_pixel_lighting) {
            s->lit_per_pixel = true;
            s->tracks_colour = tracks;
            s->colour_varies = tracks;
        } else {
            s->colour_varies = true;
            /* Specular light is carried only when some light can add it: lights
             * without a specular colour (the default) add exactly nothing. */
            s->has_specular = s->specular_enabled && s->lights_shine;
        }
    } else if (p->lighting) {
        /* Without lights, fixed-function lighting leaves the scene's ambient light
         * times the pass's ambient, plus the emissive colour; alpha comes from the
         * diffuse colour. */
        const float rgb[3][3] = {{p->scene_ambient.r, p->ambient.r, p->emissive.r},
                                 {p->scene_ambient.g, p->ambient.g, p->emissive.g},
                                 {p->scene_ambient.b, p->ambient.b, p->emissive.b}};
        for (int k = 0; k < 3; k++) {
            float v = rgb[k][0] * rgb[k][1] + rgb[k][2];
            s->colour[k] = v < 0.0f ? 0.0f : (v > 1.0f ? 1.0f : v);
        }
        float a = p->diffuse.a;
        s->colour[3] = a < 0.0f ? 0.0f : (a > 1.0f ? 1.0f : a);
    } else if (tracks) {
        /* Unlit, the original engine (its shader generator) draws vertex colours only
         * when the pass tracks them; otherwise white. */
        s->colour_varies = true;
    } else {
        s->colour[0] = s->colour[1] = s->colour[2] = s->colour[3] = 1.0f;
    }
    s->colour_is_white = !s->colour_varies && !s->lit_per_pixel && s->colour[0] == 1.0f &&
                         s->colour[1] == 1.0f && s->colour[2] == 1.0f && s->colour[3] == 1.0f;
    /* The varyings to interpolate: colour and set 0 always, then the specular light,
     * up to the highest coordinate set a unit reads, the position and normal. */
    uint32_t sets = 1;
    for (uint32_t i = 0; i < p->num_units; i++) {
        if (s->pass.unit_ops[i].coord_set >= KILN__MAX_TEXTURE_COORD_SETS)
            s->pass.unit_ops[i].coord_set = 0;
        if (p->unit_ops[i].coord_set + 1 > sets)
            sets = p->unit_ops[i].coord_set + 1;
    }
    s->num_varyings = sets > 1 ? KILN__VARYING_UV(sets) : KILN__VARYING_V + 1;
    if (s->has_specular && sets == 1)
        s->num_varyings = KILN__VARYING_SPECULAR + 3;
    if (s->lit_per_pixel)
        s->num_varyings = KILN__NUM_VARYINGS;
    /* Of those, what pixels read: the colour when it varies, the coordinate sets of
     * the units, the specular light, and the position and normal when lit per pixel. */
    s->num_planes = 0;
    if (s->colour_varies)
        for (uint8_t k = 0; k < 4; k++)
            s->planes[s->num_planes++] = (uint8_t)(KILN__VARYING_R + k);
    for (uint32_t set = 0; set < sets; set++) {
        bool read = false;
        for (uint32_t i = 0; i < p->num_units; i++)
            read = read || p->unit_ops[i].coord_set == set;
        if (read) {
            s->planes[s->num_planes++] = (uint8_t)KILN__VARYING_UV(set);
            s->planes[s->num_planes++] = (uint8_t)(KILN__VARYING_UV(set) + 1);
        }
    }
    if (s->has_specular)
        for (uint8_t k = 0; k < 3; k++)
            s->planes[s->num_planes++] = (uint8_t)(KILN__VARYING_SPECULAR + k);
    if (s->lit_per_pixel)
        for (uint8_t k = 0; k < 6; k++)
            s->planes[s->num_planes++] = (uint8_t)(KILN__VARYING_POSITION + k);
    s->planes_in_run = s->num_planes > 0;
    for (uint32_t i = 1; i < s->num_planes; i++)
        s->planes_in_run = s->planes_in_run && s->planes[i] == s->planes[0] + i;
    for (uint32_t i = 0; i < p->num_units; i++)
        s->float_texels = s->float_texels || (p->units[i].levels && p->units[i].levels[0].texelsf);
    const kiln__unit_state *unit0 = &p->unit_ops[0];
    s->fast_texture = !s->float_texels && s->colour_is_white && p->num_units == 1 &&
                      unit0->coord_set == 0 && !unit0->has_transform &&
                      (unit0->colour_operation == KILN_LBO_MODULATE ||
                       unit0->colour_operation == KILN_LBO_REPLACE);
    s->simple_write = !p->blending && !p->alpha_rejection;
    *out = frame->num_states++;
    return KILN_OK;
}

/* With flat shading every vertex of a primitive takes the colour and specular light
 * of its first vertex (in submission order). */
static bool flat_colours(const kiln__soft_state *s) {
    return s->pass.flat_shading && s->colour_varies && !s->lit_per_pixel;
}

/* first is stored with the state's varyings only (num_varyings of them). */
static void take_colour(kiln__soft_vertex *v, const kiln__soft_vertex *first,
                        uint32_t num_varyings) {
    for (int k = 0; k < 4; k++)
        v->varyings[KILN__VARYING_R + k] = first->varyings[KILN__VARYING_R + k];
    for (uint32_t k = KILN__VARYING_SPECULAR; k < KILN__VARYING_SPECULAR + 3; k++)
        v->varyings[k] = k < num_varyings ? first->varyings[k] : 0.0f;
}

static inline __attribute__((always_inline)) void setup_into(setup_target *target, uint32_t state,
                                                             const kiln__soft_vertex *a,
                                                             const kiln__soft_vertex *b,
                                                             const kiln__soft_vertex *c) {
    if (target->out_of_memory)
        return;
    size_t bytes = KILN__SOFT_TRIANGLE_BYTES(&target->frame->states[state]);
    kiln__soft_triangle *t = kiln__soft_arena_reserve(target->arena, bytes);
    if (!t) {
        target->out_of_memory = true;
        return;
    }
    if (!kiln__soft_setup_triangle_into(target->frame, state, a, b, c, t))
        return;
    /* With perspective the pixels choose their levels of detail: none are kept. */
    kiln__soft_arena_commit(
        target->arena, t->perspective
                           ? bytes - KILN__SOFT_TRIANGLE_LOD_BYTES(&target->frame->states[state])
                           : bytes);
    if (kiln__soft_bin_triangle(target->frame, target->worker, t, target->seq) != KILN_OK)
        target->out_of_memory = true;
}

/* A triangle with flat colours or to be clipped: both work on whole vertices. Kept
 * out of line, with its room for whole vertices, away from the common case. */
static __attribute__((noinline)) void
assemble_whole(setup_target *target, uint32_t state, bool flat, bool clip,
               const kiln__soft_vertex *a, const kiln__soft_vertex *b, const kiln__soft_vertex *c,
               const kiln__soft_vertex *first) {
    const kiln__soft_state *s = &target->frame->states[state];
    kiln__soft_vertex v[3];
    kiln__soft_vertex_expand(&v[0], a, s->num_varyings);
    kiln__soft_vertex_expand(&v[1], b, s->num_varyings);
    kiln__soft_vertex_expand(&v[2], c, s->num_varyings);
    if (flat)
        for (int i = 0; i < 3; i++)
            take_colour(&v[i], first, s->num_varyings);
    if (!clip) {
        setup_into(target, state, &v[0], &v[1], &v[2]);
        return;
    }
    kiln__soft_vertex polygon[KILN__MAX_CLIPPED_VERTICES];
    uint32_t n = kiln__soft_clip_triangle(&v[0], &v[1], &v[2], polygon);
    for (uint32_t i = 0; i < n; i++)
        kiln__soft_vertex_to_window(&s->viewport, &polygon[i]);
    /* The clipped polygon is convex and keeps the winding: a fan covers it. */
    for (uint32_t i = 1; i + 1 < n; i++)
        setup_into(target, state, &polygon[0], &polygon[i], &polygon[i + 1]);
}

/* Clips and sets up one triangle of a draw (flat: flat_colours of its state); reads
 * only shared state. */
static inline void assemble_triangle(setup_target *target, uint32_t state, bool flat,
                                     const kiln__soft_vertex *a, const kiln__soft_vertex *b,
                                     const kiln__soft_vertex *c, const kiln__soft_vertex *first) {
    const bool clip = !kiln__soft_triangle_needs_no_clipping(a, b, c);
    /* Facing first: half of a closed mesh's triangles end here. */
    if (!clip && kiln__soft_area_culled(target->frame->states[state].pass.culling,
                                        kiln__soft_fixed_area(a, b, c)))
        return;
    if (!flat && !clip)
        setup_into(target, state, a, b, c);
    else
        assemble_whole(target, state, flat, clip, a, b, c, first);
}

/* The work of one draw's front end, shared by the threads that run its ranges. */
typedef struct front_end {
    kiln__soft_render_system *self;
    const kiln__draw_call *call;
    uint32_t state;
    /* The vertex stage's loop: num_ranges ranges of vertices from starts, then
     * num_index_ranges of indices from index_starts. Setup: ranges of triangles. */
    const uint32_t *starts;
    uint32_t num_ranges;
    const uint32_t *index_starts;
    uint32_t num_index_ranges;
    uint32_t seq; /* setup: the sequence number of the draw's first triangle */
    atomic_bool *out_of_memory;
} front_end;

static uint32_t first_out_of_range(const uint32_t *indices, uint32_t count, uint32_t limit);

/* A range of the vertex stage, or of the indices checked beside it. */
static void vertex_range(void *context, uint32_t index, uint32_t worker) {
    (void)worker;
    const front_end *f = context;
    if (index >= f->num_ranges) {
        index -= f->num_ranges;
        uint32_t first = f->index_starts[index], n = f->index_starts[index + 1] - first;
        uint32_t bad = first_out_of_range((const uint32_t *)f->call->indices + first, n,
                                          f->call->vertex_count);
        f->self->first_bad[index] = bad < n ? first + bad : UINT32_MAX;
        return;
    }
    uint32_t first = f->starts[index];
    kiln__soft_vertex_stage(f->self->frame.simd, f->call, &f->self->frame.states[f->state], first,
                            f->starts[index + 1] - first, f->self->vertices);
}

/* The vertices of triangle i of a list, strip or fan, and its first vertex (for flat
 * shading). Every other triangle of a strip swaps its first two vertices to keep the
 * winding. */
static void triangle_vertices(const kiln__draw_call *call, const void *v, size_t stride, uint32_t i,
                              const kiln__soft_vertex *out[4]) {
    const uint32_t *indices = call->indices;
#define VERTEX(k) kiln__soft_vertex_at(v, stride, indices ? indices[k] : (k))
    switch (call->primitive) {
    case KILN__PRIMITIVE_TRIANGLE_STRIP:
        out[0] = VERTEX(i + (i & 1));
        out[1] = VERTEX(i + 1 - (i & 1));
        out[2] = VERTEX(i + 2);
        out[3] = VERTEX(i);
        break;
    case KILN__PRIMITIVE_TRIANGLE_FAN:
        out[0] = VERTEX(0);
        out[1] = VERTEX(i + 1);
        out[2] = VERTEX(i + 2);
        out[3] = VERTEX(0);
        break;
    default:
        out[0] = VERTEX(3 * i);
        out[1] = VERTEX(3 * i + 1);
        out[2] = VERTEX(3 * i + 2);
        out[3] = VERTEX(3 * i);
        break;
    }
#undef VERTEX
}

static void setup_range(void *context, uint32_t index, uint32_t worker) {
    const front_end *f = context;
    setup_target target = {&f->self->frame, &f->self->frame.arenas[worker], worker, 0, false};
    const uint32_t first = f->starts[index], end = f->starts[index + 1];
    const size_t stride = KILN__SOFT_VERTEX_BYTES(f->self->frame.states[f->state].num_varyings);
    /* The vertices of a triangle a few ahead are fetched while this one is set up:
     * setup waits on little else. */
    enum { AHEAD = 8 };
    const kiln__draw_call *call = f->call;
    const void *v = f->self->vertices;
    const bool flat = flat_colours(&f->self->frame.states[f->state]);
    /* Indexed lists, the common case, name their vertices without the choices of
     * triangle_vertices. */
    const uint32_t *list = call->primitive == KILN__PRIMITIVE_TRIANGLE_LIST ? call->indices : NULL;
    for (uint32_t i = first; i < end; i++) {
        const kiln__soft_vertex *t[4];
        if (list) {
            if (i + AHEAD < end)
                for (int k = 0; k < 3; k++)
                    __builtin_prefetch(kiln__soft_vertex_at(v, stride, list[3 * (i + AHEAD) + k]));
            for (int k = 0; k < 3; k++)
                t[k] = kiln__soft_vertex_at(v, stride, list[3 * i + k]);
            t[3] = t[0];
        } else {
            if (i + AHEAD < end) {
                triangle_vertices(call, v, stride, i + AHEAD, t);
                for (int k = 0; k < 3; k++)
                    __builtin_prefetch(t[k]);
            }
            triangle_vertices(call, v, stride, i, t);
        }
        target.seq = f->seq + i;
        assemble_triangle(&target, f->state, flat, t[0], t[1], t[2], t[3]);
    }
    if (target.out_of_memory)
        atomic_store(f->out_of_memory, true);
}

/* Draws of fewer than twice this many vertices, indices or triangles are not shared out:
 * they are not worth the hand-over. */
#define KILN__FRONT_END_MIN_RANGE 2048u
/* The smallest range of a shared draw, the last ones: a few tens of microseconds. */
#define KILN__FRONT_END_TAIL_RANGE 256u
/* The largest, a few hundred microseconds: a thread that the system stops for a while
 * (a shared machine's neighbours) holds back no more than that of the others' work. */
#define KILN__FRONT_END_MAX_RANGE 8192u

/* Splits count items into ranges for the pool and returns their number, writing their
 * starts (and the end) to starts, room for self->max_ranges + 1. Each range takes a
 * quarter of a thread's share of what is left (at most KILN__FRONT_END_MAX_RANGE), so
 * the ranges shrink as the work runs out and the threads finish together: the last
 * range to be taken is short. */
static uint32_t split(const kiln__soft_render_system *self, uint32_t count, uint32_t *starts) {
    starts[0] = 0;
    if (count == 0)
        return 0;
    uint32_t threads = kiln__thread_pool_size(self->pool);
    uint32_t n = 0;
    if (threads == 1 || count < 2 * KILN__FRONT_END_MIN_RANGE) {
        starts[++n] = count;
        return n;
    }
    /* A huge draw takes larger ranges, so that half of the ranges there is room for
     * cover it. */
    uint32_t largest = count / (self->max_ranges / 2) + 1;
    if (largest < KILN__FRONT_END_MAX_RANGE)
        largest = KILN__FRONT_END_MAX_RANGE;
    uint32_t done = 0;
    while (done < count) {
        uint32_t left = count - done;
        uint32_t size = (left + 4 * threads - 1) / (4 * threads);
        if (size < KILN__FRONT_END_TAIL_RANGE)
            size = KILN__FRONT_END_TAIL_RANGE;
        if (size > largest)
            size = largest;
        if (size > left || n + 1 == self->max_ranges)
            size = left;
        done += size;
        starts[++n] = done;
    }
    return n;
}

/* Sets up and bins every triangle of a list, strip or fan, in ranges in parallel. */
static kiln_result draw_triangles(kiln__soft_render_system *self, const kiln__draw_call *call,
                                  uint32_t state, uint32_t triangles) {
    atomic_bool out_of_memory;
    atomic_init(&out_of_memory, false);
    front_end f = {
        self, call, state, self->triangle_starts, 0, NULL, 0, self->frame.next_seq, &out_of_memory};
    self->frame.next_seq += triangles;
    f.num_ranges = split(self, triangles, self->triangle_starts);
    kiln__thread_pool_run(self->pool, f.num_ranges, setup_range, &f);
    if (atomic_load(&out_of_memory))
        return kiln__fail_oom("triangle setup data", sizeof(kiln__soft_triangle));
    return KILN_OK;
}

static kiln_result assemble_line(kiln__soft_render_system *self, uint32_t state,
                                 const kiln__soft_vertex *a, const kiln__soft_vertex *b) {
    const uint32_t n = self->frame.states[state].num_varyings;
    kiln__soft_vertex ends[2];
    kiln__soft_vertex_expand(&ends[0], a, n);
    kiln__soft_vertex_expand(&ends[1], b, n);
    if (flat_colours(&self->frame.states[state]))
        take_colour(&ends[1], a, n);
    kiln__soft_vertex clipped[2];
    if (!kiln__soft_clip_line(&ends[0], &ends[1], clipped))
        return KILN_OK;
    return kiln__soft_setup_line(&self->frame, state, &clipped[0], &clipped[1]);
}

/* The position of the first of count indices at or past limit, or count when there is
 * none. SSE2 compares sixteen at a time, unsigned by flipping the sign bits. */
static uint32_t first_out_of_range(const uint32_t *indices, uint32_t count, uint32_t limit) {
    uint32_t i = 0;
#ifdef __SSE2__
    if (limit > 0) {
        const __m128i flip = _mm_set1_epi32(INT32_MIN);
        const __m128i last = _mm_set1_epi32((int32_t)((limit - 1) ^ 0x80000000u));
        for (; i + 16 <= count; i += 16) {
            __m128i over = _mm_setzero_si128();
            for (int k = 0; k < 4; k++) {
                __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(indices + i + 4 * k));
                over = _mm_or_si128(over, _mm_cmpgt_epi32(_mm_xor_si128(v, flip), last));
            }
            if (_mm_movemask_epi8(over))
                break;
        }
    }
#endif
    for (; i < count; i++)
        if (indices[i] >= limit)
            return i;
    return count;
}

static kiln_result draw(kiln__render_system *base, const kiln__draw_call *call) {
    kiln__soft_render_system *self = soft(base);
    if (!self->in_frame)
        return kiln__fail(KILN_ERROR_INVALID_STATE, "draw called outside a frame");
    if (call->vertex_count == 0 || !call->positions)
        return KILN_OK;
    uint32_t state = 0;
    KILN__CHECK(push_state(self, call, &state));
    const size_t stride = KILN__SOFT_VERTEX_BYTES(self->frame.states[state].num_varyings);
    if ((size_t)call->vertex_count * stride > self->vertices_capacity) {
        /* In huge pages: setup reads the vertices in the order of the indices. */
        kiln__aligned_free(self->vertices);
        self->vertices =
            kiln__huge_alloc((size_t)call->vertex_count * stride, &self->vertices_capacity);
        if (!self->vertices)
            return kiln__fail_oom("transformed vertices", (size_t)call->vertex_count * stride);
    }
    uint32_t count = call->indices ? call->index_count : call->vertex_count;
    const uint32_t *indices = call->indices;
    /* The vertex stage, and beside it the check that every index names a vertex. */
    front_end vertices = {self, call, state, self->vertex_starts, 0, self->index_starts,
                          0,    0,    NULL};
    vertices.num_ranges = split(self, call->vertex_count, self->vertex_starts);
    if (indices)
        vertices.num_index_ranges = split(self, count, self->index_starts);
    kiln__thread_pool_run(self->pool, vertices.num_ranges + vertices.num_index_ranges, vertex_range,
                          &vertices);
    for (uint32_t r = 0; r < vertices.num_index_ranges; r++)
        if (self->first_bad[r] != UINT32_MAX) {
            uint32_t i = self->first_bad[r];
            return kiln__fail(KILN_ERROR_OUT_OF_RANGE,
                              "draw: index %u at position %u but the draw has %u vertices",
                              indices[i], i, call->vertex_count);
        }
    const void *v = self->vertices;
#define VERTEX(i) kiln__soft_vertex_at(v, stride, indices ? indices[i] : (i))
    switch (call->primitive) {
    case KILN__PRIMITIVE_TRIANGLE_LIST:
        return draw_triangles(self, call, state, count / 3);
    case KILN__PRIMITIVE_TRIANGLE_STRIP:
    case KILN__PRIMITIVE_TRIANGLE_FAN:
        return draw_triangles(self, call, state, count >= 3 ? count - 2 : 0);
    case KILN__PRIMITIVE_LINE_LIST:
        for (uint32_t i = 0; i + 1 < count; i += 2)
            KILN__CHECK(assemble_line(self, state, VERTEX(i), VERTEX(i + 1)));
        break;
    case KILN__PRIMITIVE_LINE_STRIP:
        for (uint32_t i = 0; i + 1 < count; i++)
            KILN__CHECK(assemble_line(self, state, VERTEX(i), VERTEX(i + 1)));
        break;
    case KILN__PRIMITIVE_POINT_LIST:
        for (uint32_t i = 0; i < count; i++)
            KILN__CHECK(kiln__soft_setup_point(&self->frame, state, VERTEX(i)));
        break;
    }
#undef VERTEX
    return KILN_OK;
}

/* ---- tile execution ---- */

static void run_tile(void *context, uint32_t index, uint32_t worker) {
    kiln__soft_render_system *self = context;
    kiln__soft_run_tile(&self->frame, index,
                        self->working + (size_t)worker * KILN__TILE_WORKING_BYTES);
}

static kiln_result end_frame(kiln__render_system *base) {
    kiln__soft_render_system *self = soft(base);
    if (!self->in_frame)
        return kiln__fail(KILN_ERROR_INVALID_STATE, "end_frame called outside a frame");
    self->in_frame = false;
    kiln__soft_frame *frame = &self->frame;
    if (!self->working) {
        /* Working memory for one tile per thread, each on its own cache lines. */
        size_t bytes = (size_t)kiln__thread_pool_size(self->pool) * KILN__TILE_WORKING_BYTES;
        self->working = kiln__aligned_alloc(64, bytes);
        if (!self->working)
            return kiln__fail_oom("tile working memory", bytes);
    }
    kiln__thread_pool_run(self->pool, frame->tiles_x * frame->tiles_y, run_tile, self);
    return KILN_OK;
}

/* ---- read back ---- */

/* A read back split into bands of rows, copied or converted on the Root's threads. */
typedef struct read_bands {
    const kiln_pixelbox *from, *to; /* the same size */
    uint32_t rows_per_band, height;
    bool stream; /* a large copy in one format: streamed past the caches */
    kiln_result *results;
} read_bands;

/* Copies rows of the same format with stores that bypass the caches, for a read back too
 * large for them: the destination's memory is then not read first. */
static bool stream_rows(const kiln_pixelbox *from, const kiln_pixelbox *to) {
#ifdef __SSE2__
    const size_t pixel = kiln_pixel_format_get_num_elem_bytes(kiln_pixelbox_get_format(from));
    const size_t row = (size_t)kiln_pixelbox_get_width(from) * pixel;
    const uint8_t *s = kiln_pixelbox_get_data(from);
    uint8_t *d = kiln_pixelbox_get_data(to);
    const size_t sp = kiln_pixelbox_get_row_pitch(from) * pixel;
    const size_t dp = kiln_pixelbox_get_row_pitch(to) * pixel;
    for (uint32_t y = 0; y < kiln_pixelbox_get_height(from); y++, s += sp, d += dp) {
        /* Up to the first 16-byte boundary, the aligned middle, and the rest. */
        size_t head = (16 - ((uintptr_t)d & 15)) & 15;
        head = head < row ? head : row;
        memcpy(d, s, head);
        size_t i = head;
        for (; i + 64 <= row; i += 64)
            for (int k = 0; k < 4; k++)
                _mm_stream_si128((__m128i *)(void *)(d + i + 16 * k),
                                 _mm_loadu_si128((const __m128i *)(const void *)(s + i + 16 * k)));
        memcpy(d + i, s + i, row - i);
    }
    _mm_sfence();
    return true;
#else
    (void)from, (void)to;
    return false;
#endif
}

static void read_band(void *context, uint32_t index, uint32_t worker) {
    (void)worker;
    const read_bands *b = context;
    uint32_t top = index * b->rows_per_band;
    uint32_t bottom = top + b->rows_per_band < b->height ? top + b->rows_per_band : b->height;
    kiln_box fe = kiln_pixelbox_get_extent(b->from), te = kiln_pixelbox_get_extent(b->to);
    kiln_box fb = {fe.left, fe.top + top, fe.front, fe.right, fe.top + bottom, fe.back};
    kiln_box tb = {te.left, te.top + top, te.front, te.right, te.top + bottom, te.back};
    kiln_pixelbox *from = NULL, *to = NULL;
    kiln_result r = kiln_pixelbox_get_sub_volume(b->from, &fb, &from);
    if (r == KILN_OK)
        r = kiln_pixelbox_get_sub_volume(b->to, &tb, &to);
    if (r == KILN_OK && !(b->stream && stream_rows(from, to)))
        r = kiln_pixelbox_convert_to(from, to);
    kiln_pixelbox_release(to);
    kiln_pixelbox_release(from);
    b->results[index] = r;
}

/* Reads of at least this many bytes are shared out in bands. */
#define KILN__READ_BAND_BYTES ((size_t)1 << 20)
#define KILN__MAX_READ_BANDS 64
/* Reads of at least this many bytes in the surface's own format are streamed past the
 * caches: a smaller frame and its copy both stay in the last level, where the caller
 * reads the copy next. */
#define KILN__READ_STREAM_BYTES ((size_t)16 << 20)

static kiln_result read_pixels(kiln__render_system *base, kiln__surface *surface,
                               const kiln_box *src, kiln_pixelbox *dst) {
    kiln__soft_render_system *self = soft(base);
    /* The surface's memory, seen as a PixelBox over its own stream. */
    kiln_pixelbox *whole = NULL, *dst_part = NULL;
    kiln_result r =
        kiln_pixelbox_create_over(src, surface->format, surface->stream, 0, surface->width,
                                  (size_t)surface->width * surface->height, &whole);
    if (r == KILN_OK) {
        kiln_box dst_extent = kiln_pixelbox_get_extent(dst);
        kiln_box part = {dst_extent.left,
                         dst_extent.top,
                         dst_extent.front,
                         dst_extent.left + (src->right - src->left),
                         dst_extent.top + (src->bottom - src->top),
                         dst_extent.front + (src->back - src->front)};
        r = kiln_pixelbox_get_sub_volume(dst, &part, &dst_part);
    }
    uint32_t height = src->bottom - src->top;
    size_t bytes = (size_t)(src->right - src->left) * height * surface->pixel_size;
    uint32_t threads = kiln__thread_pool_size(self->pool);
    uint32_t bands = bytes >= KILN__READ_BAND_BYTES && threads > 1 ? threads * 2 : 1;
    bands = bands > KILN__MAX_READ_BANDS ? KILN__MAX_READ_BANDS : bands;
    bands = bands > height ? height : bands;
    /* Beyond this the frame and its copy do not both stay in the caches. */
    const bool stream = r == KILN_OK && bytes >= KILN__READ_STREAM_BYTES &&
                        kiln_pixelbox_get_format(dst_part) == surface->format &&
                        kiln_pixelbox_get_depth(dst_part) == 1 &&
                        !kiln_stream_get_read_only(kiln_pixelbox_get_storage(dst_part));
    if (r == KILN_OK && bands <= 1) {
        if (!(stream && stream_rows(whole, dst_part)))
            r = kiln_pixelbox_convert_to(whole, dst_part);
    } else if (r == KILN_OK) {
        kiln_result results[KILN__MAX_READ_BANDS];
        read_bands b = {whole, dst_part, (height + bands - 1) / bands, height, stream, results};
        bands = (height + b.rows_per_band - 1) / b.rows_per_band;
        kiln__thread_pool_run(self->pool, bands, read_band, &b);
        bool failed = false;
        for (uint32_t i = 0; i < bands; i++)
            failed = failed || results[i] != KILN_OK;
        /* A failure's message belongs to the thread that met it: meet it again here,
         * whole, so that the caller reads it. */
        if (failed)
            r = kiln_pixelbox_convert_to(whole, dst_part);
    }
    kiln_pixelbox_release(dst_part);
    kiln_pixelbox_release(whole);
    return r;
}

static kiln_result read_depth(kiln__render_system *self, kiln__surface *surface,
                              const kiln_box *src, float *dst, size_t dst_row_pitch) {
    (void)self;
    size_t width = src->right - src->left;
    kiln__rect box = {(int32_t)src->left, (int32_t)src->top, (int32_t)width,
                      (int32_t)(src->bottom - src->top)};
    kiln__soft_surface_materialise_depth(surface, &box);
    /* Row by row, each row a piece from every tile it crosses. */
    for (uint32_t y = src->top; y < src->bottom; y++) {
        float *out = (float *)(void *)((char *)dst + (y - src->top) * dst_row_pitch);
        for (uint32_t x = src->left; x < src->right;) {
            uint32_t end = ((x >> KILN__TILE_SHIFT) + 1) << KILN__TILE_SHIFT;
            end = end < src->right ? end : src->right;
            memcpy(out + (x - src->left),
                   kiln__soft_surface_depth_at(surface, (int32_t)x, (int32_t)y),
                   (end - x) * sizeof(float));
            x = end;
        }
    }
    return KILN_OK;
}

static kiln_result colour_pixel_box(kiln__render_system *self, kiln__surface *surface,
                                    kiln_pixelbox **out) {
    (void)self;
    /* Whoever holds the box may write the memory: tiles are stored from now on. */
    surface->shared = true;
    return kiln_pixelbox_create(surface->width, surface->height, 1, surface->format,
                                surface->stream, out);
}

/* ---- the system ---- */

static void destroy(kiln__render_system *base) {
    kiln__soft_render_system *self = soft(base);
    if (!self)
        return;
    kiln__soft_bins_free(&self->frame);
    for (uint32_t i = 0; i < self->frame.num_arenas; i++)
        kiln__soft_arena_free(&self->frame.arenas[i]);
    kiln__free(self->frame.arenas);
    kiln__free(self->frame.states);
    kiln__free(self->frame.clears);
    kiln__aligned_free(self->vertices);
    kiln__free(self->vertex_starts);
    kiln__aligned_free(self->working);
    kiln__free(self);
}

static const kiln__render_system_ops soft_ops = {
    .name = "Software Rasterizer",
    .destroy = destroy,
    .create_surface = create_surface,
    .destroy_surface = destroy_surface,
    .colour_pixel_box = colour_pixel_box,
    .begin_frame = begin_frame,
    .begin_viewport = begin_viewport,
    .draw = draw,
    .end_frame = end_frame,
    .read_pixels = read_pixels,
    .read_depth = read_depth,
};

kiln_result kiln__soft_render_system_create(struct kiln__thread_pool *pool, kiln_simd simd,
                                            kiln__render_system **out) {
    kiln__soft_render_system *self = kiln__calloc(1, sizeof *self);
    if (!self)
        return kiln__fail_oom("the software rasterizer", sizeof *self);
    self->base.ops = &soft_ops;
    self->pool = pool;
    self->frame.simd = kiln__soft_resolve_simd(simd);
    uint32_t threads = kiln__thread_pool_size(pool);
    self->frame.arenas = kiln__calloc(threads, sizeof *self->frame.arenas);
    if (!self->frame.arenas) {
        destroy(&self->base);
        return kiln__fail_oom("the software rasterizer", sizeof *self);
    }
    self->frame.num_arenas = threads;
    /* Room for the ranges of a draw: split makes about 4 * threads * ln(count / 2048)
     * of them, so that this many fit any draw but the largest, whose last range then
     * takes the rest. */
    self->max_ranges = 64 * threads;
    size_t starts = (size_t)self->max_ranges + 1;
    self->vertex_starts = kiln__malloc_array(4 * starts, sizeof *self->vertex_starts);
    if (!self->vertex_starts) {
        destroy(&self->base);
        return kiln__fail_oom("the software rasterizer", 4 * starts * sizeof(uint32_t));
    }
    self->index_starts = self->vertex_starts + starts;
    self->triangle_starts = self->index_starts + starts;
    self->first_bad = self->triangle_starts + starts;
    *out = &self->base;
    return KILN_OK;
}

kiln_simd kiln__soft_render_system_get_simd(const kiln__render_system *base) {
    return ((const kiln__soft_render_system *)base)->frame.simd;
}
