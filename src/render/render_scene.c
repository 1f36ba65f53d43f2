#include "render_internal.h"

#include <stdlib.h>

#include <math.h>
#include <string.h>

/* The lights that may light a viewport's objects: every visible light attached to a
 * node of the scene, in world space, ordered by name as the original engine keeps
 * them (that order decides between lights at the same distance). */
typedef struct scene_lights {
    kiln__light_state *items;
    const char **names;
    uint32_t count, capacity;
} scene_lights;

static void scene_lights_free(scene_lights *lights) {
    kiln__free(lights->items);
    kiln__free(lights->names);
    *lights = (scene_lights){0};
}

static kiln__light_state light_state(const kiln_light *light) {
    kiln_vector3 position, direction;
    kiln__light_get_world(light, &position, &direction);
    kiln__light_state l = {0};
    l.type = light->type;
    l.position[0] = position.x;
    l.position[1] = position.y;
    l.position[2] = position.z;
    l.direction[0] = direction.x;
    l.direction[1] = direction.y;
    l.direction[2] = direction.z;
    const float d[3] = {light->diffuse.r, light->diffuse.g, light->diffuse.b};
    const float s[3] = {light->specular.r, light->specular.g, light->specular.b};
    for (int k = 0; k < 3; k++) {
        l.diffuse[k] = d[k] * light->power;
        l.specular[k] = s[k] * light->power;
    }
    l.range = light->range;
    l.constant = light->constant;
    l.linear = light->linear;
    l.quadratic = light->quadratic;
    l.spot_cos_inner = cosf(0.5f * light->spot_inner);
    l.spot_cos_outer = cosf(0.5f * light->spot_outer);
    l.spot_falloff = light->spot_falloff;
    return l;
}

static kiln_result gather_lights(const kiln_scene_node *node, scene_lights *lights) {
    for (uint32_t i = 0; i < node->num_objects; i++) {
        const kiln_movable_object *object = node->objects[i];
        if (object->type != KILN__MOVABLE_LIGHT || !object->visible)
            continue;
        if (lights->count == lights->capacity) {
            /* Two arrays of the same room: it is the smaller of what each has. */
            uint32_t items = lights->capacity, names = lights->capacity;
            KILN__CHECK(kiln__grow32(&lights->items, &items, lights->count + 1,
                                     sizeof *lights->items, 8, "the scene's light list"));
            KILN__CHECK(kiln__grow32(&lights->names, &names, lights->count + 1,
                                     sizeof *lights->names, 8, "the scene's light list"));
            lights->capacity = items < names ? items : names;
        }
        const char *name = object->name ? object->name : "";
        uint32_t at = lights->count;
        while (at > 0 && strcmp(lights->names[at - 1], name) > 0) {
            lights->items[at] = lights->items[at - 1];
            lights->names[at] = lights->names[at - 1];
            at--;
        }
        lights->items[at] = light_state((const kiln_light *)object);
        lights->names[at] = name;
        lights->count++;
    }
    return KILN_OK;
}

/* Every light of the tree under root. */
static kiln_result gather_all_lights(const kiln_scene_node *root, scene_lights *lights) {
    for (const kiln_scene_node *n = root; n; n = kiln__scene_node_next(n, root))
        KILN__CHECK(gather_lights(n, lights));
    return KILN_OK;
}

/* An object's place for choosing its lights: its origin in the world and the radius
 * around it that holds its bounds. */
typedef struct light_target {
    float centre[3];
    float radius;
} light_target;

/* Up to `max` lights for an object, as the original engine picks them: directional
 * lights first, then the others by distance from the object's origin, leaving out
 * those whose range does not reach its bounds; ties keep the name order. */
static void choose_lights(const scene_lights *lights, const light_target *target, uint32_t max,
                          kiln__pass_state *out) {
    out->num_lights = 0;
    if (!lights || !target || lights->count == 0)
        return;
    float distance2[KILN__MAX_LIGHTS];
    for (uint32_t i = 0; i < lights->count; i++) {
        const kiln__light_state *l = &lights->items[i];
        float d2 = 0.0f;
        if (l->type != KILN_LT_DIRECTIONAL) {
            float dx = l->position[0] - target->centre[0];
            float dy = l->position[1] - target->centre[1];
            float dz = l->position[2] - target->centre[2];
            d2 = dx * dx + dy * dy + dz * dz;
            float reach = l->range + target->radius;
            if (d2 > reach * reach)
                continue;
        }
        /* Insertion into the sorted few, stable for equal distances. */
        uint32_t n = out->num_lights;
        uint32_t at = n;
        while (at > 0 && distance2[at - 1] > d2)
            at--;
        if (at >= max)
            continue;
        uint32_t last = n < max ? n : max - 1;
        for (uint32_t j = last; j > at; j--) {
            out->lights[j] = out->lights[j - 1];
            distance2[j] = distance2[j - 1];
        }
        out->lights[at] = *l;
        distance2[at] = d2;
        if (n < max)
            out->num_lights++;
    }
}

/* The texture coordinate transform of a unit as the original engine builds it:
 * scale about the centre, then scroll, then rotate about the centre. */
static void unit_transform(const kiln_texture_unit_state *unit, kiln__unit_state *out) {
    out->has_transform = unit->scroll_u != 0.0f || unit->scroll_v != 0.0f ||
                         unit->scale_u != 1.0f || unit->scale_v != 1.0f || unit->rotate != 0.0f;
    if (!out->has_transform)
        return;
    float su = unit->scale_u != 0.0f ? 1.0f / unit->scale_u : 0.0f;
    float sv = unit->scale_v != 0.0f ? 1.0f / unit->scale_v : 0.0f;
    /* scale, then scroll: u' = su u + (0.5 - 0.5 su) + scroll_u */
    float a[2][3] = {{su, 0.0f, 0.5f - 0.5f * su + unit->scroll_u},
                     {0.0f, sv, 0.5f - 0.5f * sv + unit->scroll_v}};
    float c = cosf(unit->rotate), s = sinf(unit->rotate);
    float r[2][3] = {{c, -s, 0.5f - 0.5f * c + 0.5f * s}, {s, c, 0.5f - 0.5f * s - 0.5f * c}};
    for (int i = 0; i < 2; i++) {
        out->transform[i][0] = r[i][0] * a[0][0] + r[i][1] * a[1][0];
        out->transform[i][1] = r[i][0] * a[0][1] + r[i][1] * a[1][1];
        out->transform[i][2] = r[i][0] * a[0][2] + r[i][1] * a[1][2] + r[i][2];
    }
}

/* Fills the part of a draw call that comes from a pass; lights and target may be
 * NULL (no lights). */
static void pass_state(const kiln_pass *pass, const kiln_scene_manager *scene,
                       const scene_lights *lights, const light_target *target,
                       kiln__pass_state *out) {
    *out = (kiln__pass_state){0};
    out->depth_check = pass->depth_check;
    out->depth_write = pass->depth_write;
    out->depth_function = pass->depth_function;
    out->culling = pass->culling;
    out->lighting = pass->lighting;
    out->ambient = pass->ambient;
    out->diffuse = pass->diffuse;
    out->specular = pass->specular;
    out->emissive = pass->emissive;
    out->shininess = pass->shininess;
    out->scene_ambient = scene->ambient;
    uint32_t n = 0;
    for (uint32_t i = 0; i < pass->num_units && n < KILN__MAX_TEXTURE_UNITS; i++) {
        const kiln_texture_unit_state *unit = pass->units[i];
        if (!unit->texture)
            continue; /* a unit without a texture leaves the colour as it is */
        out->units[n] = (kiln__sampler_state){unit->texture->levels, unit->texture->num_levels,
                                              unit->filtering, unit->addressing};
        out->unit_ops[n].colour_operation = unit->colour_operation;
        out->unit_ops[n].coord_set = unit->coord_set;
        unit_transform(unit, &out->unit_ops[n]);
        n++;
    }
    out->num_units = n;
    out->vertex_colour_tracking = pass->vertex_colour_tracking;
    out->source_blend = pass->source_blend;
    out->dest_blend = pass->dest_blend;
    out->blending = !(pass->source_blend == KILN_SBF_ONE && pass->dest_blend == KILN_SBF_ZERO);
    out->alpha_function = pass->alpha_function;
    out->alpha_value = pass->alpha_value;
    out->alpha_rejection = pass->alpha_function != KILN_CMPF_ALWAYS_PASS;
    out->depth_bias_constant = pass->depth_bias_constant;
    out->depth_bias_slope_scale = pass->depth_bias_slope_scale;
    out->flat_shading = pass->shading == KILN_SO_FLAT;
    out->per_pixel_lighting = pass->shading == KILN_SO_PHONG;
    out->point_size = pass->point_size;
    if (pass->lighting)
        choose_lights(lights, target,
                      pass->max_lights < KILN__MAX_LIGHTS ? pass->max_lights : KILN__MAX_LIGHTS,
                      out);
}

/* What the drawing of every object of one viewport shares. */
typedef struct scene_walk {
    kiln__render_system *rs;
    const kiln_scene_manager *scene;
    kiln__render_mode mode;
    kiln_matrix4 view;
    kiln_matrix4 projection;
    float planes[6][4]; /* a x + b y + c z + d >= 0 inside, in world space */
    uint32_t num_planes;
    scene_lights lights;
    kiln_vector3 eye;            /* the camera's world position */
    struct deferred_list *later; /* transparent draws, made after the opaque ones */
} scene_walk;

/* ---- ground truth ---- */

/* Whether the pass blends what it draws with what is under it. */
static bool pass_blends(const kiln_pass *pass) {
    kiln_scene_blend_factor src = pass->source_blend;
    return pass->dest_blend != KILN_SBF_ZERO || src == KILN_SBF_DEST_COLOUR ||
           src == KILN_SBF_ONE_MINUS_DEST_COLOUR || src == KILN_SBF_DEST_ALPHA ||
           src == KILN_SBF_ONE_MINUS_DEST_ALPHA;
}

/* A constant colour, drawn exactly: unlit but for the emissive colour (fixed-function
 * lighting without lights is the emissive colour, alpha from the diffuse one). */
static void constant_colour(kiln__pass_state *s, const float rgba[4]) {
    s->lighting = true;
    s->num_lights = 0;
    s->scene_ambient = (kiln_colour){0, 0, 0, 1};
    s->ambient = (kiln_colour){0, 0, 0, 1};
    s->emissive = (kiln_colour){rgba[0], rgba[1], rgba[2], 1};
    s->diffuse = (kiln_colour){0, 0, 0, rgba[3]};
    s->vertex_colour_tracking = 0;
}

/* The draw state of a ground-truth render of an object drawn with `pass`: its depth
 * and culling, nothing blended, textured or lit. False for a pass that blends, which
 * the ground truth leaves out, unless it says it writes ids: it then tests and writes
 * depth as an opaque pass does. */
static bool truth_state(const scene_walk *walk, const kiln_pass *pass,
                        const kiln_movable_object *object, kiln__pass_state *s) {
    const bool blends = pass_blends(pass);
    if (blends && !pass->writes_ids)
        return false;
    pass_state(pass, walk->scene, NULL, NULL, s);
    if (blends) {
        s->depth_check = true;
        s->depth_write = true;
    }
    /* A pass that rejects by alpha keeps its units and its test, for alpha alone:
     * what it cuts out records what lies behind it. The alpha tested is the diffuse
     * alpha (lit) or 1 (unlit) times the texels' alphas. */
    const bool cuts_out = s->alpha_rejection && s->alpha_function != KILN_CMPF_ALWAYS_PASS;
    s->units_alpha_only = cuts_out;
    s->units_alpha_base = s->lighting ? s->diffuse.a : 1.0f;
    if (!cuts_out) {
        s->num_units = 0;
        s->alpha_rejection = false;
        s->alpha_function = KILN_CMPF_ALWAYS_PASS;
    }
    s->blending = false;
    s->source_blend = KILN_SBF_ONE;
    s->dest_blend = KILN_SBF_ZERO;
    s->flat_shading = false;
    s->per_pixel_lighting = false;
    s->specular = (kiln_colour){0, 0, 0, 1};
    if (walk->mode == KILN__RENDER_NORMAL) {
        /* The colours are the normals (normals_as_colours), or, without normals, the
         * colour of no normal. */
        s->lighting = false;
        s->vertex_colour_tracking = KILN_TVC_DIFFUSE;
        return true;
    }
    uint32_t id = walk->mode == KILN__RENDER_INSTANCE_ID ? object->instance_id : object->class_id;
    /* Four bytes, each k / 255: the 8-bit conversion gives k back exactly. */
    const float rgba[4] = {(float)(id & 255u) / 255.0f, (float)((id >> 8) & 255u) / 255.0f,
                           (float)((id >> 16) & 255u) / 255.0f, (float)(id >> 24) / 255.0f};
    constant_colour(s, rgba);
    return true;
}

/* Per vertex, (n + 1) / 2 of the camera-space unit normal, alpha 1: normals carried
 * by the inverse transpose of view * world (right for any scale), or (0.5, 0.5, 0.5, 1),
 * no normal, where one has no length. NULL when out of memory. */
static float *normals_as_colours(const kiln__vertex_arrays *a, const kiln_matrix4 *world,
                                 const kiln_matrix4 *view) {
    kiln_matrix4 mv = kiln_matrix4_multiply(*view, *world);
    float n[3][3];
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) {
            int i1 = (i + 1) % 3, i2 = (i + 2) % 3, j1 = (j + 1) % 3, j2 = (j + 2) % 3;
            n[i][j] = mv.m[i1][j1] * mv.m[i2][j2] - mv.m[i1][j2] * mv.m[i2][j1];
        }
    float *colours = kiln__malloc_array((size_t)a->vertex_count * 4, sizeof(float));
    if (!colours)
        return NULL;
    for (uint32_t v = 0; v < a->vertex_count; v++) {
        const float *in = a->normals + (size_t)v * 3;
        float c[3];
        for (int i = 0; i < 3; i++)
            c[i] = n[i][0] * in[0] + n[i][1] * in[1] + n[i][2] * in[2];
        float length = sqrtf(c[0] * c[0] + c[1] * c[1] + c[2] * c[2]);
        float *out = colours + (size_t)v * 4;
        for (int i = 0; i < 3; i++)
            out[i] = length > 0.0f && isfinite(length) ? 0.5f * (c[i] / length + 1.0f) : 0.5f;
        out[3] = 1.0f;
    }
    return colours;
}

static kiln_result draw_rectangle2d(const scene_walk *walk, const kiln_rectangle2d *rect) {
    kiln__render_system *rs = walk->rs;
    const kiln_scene_manager *scene = walk->scene;
    if (!rect->material || rect->material->num_techniques == 0)
        return KILN_OK;
    /* A triangle strip anticlockwise on screen, at the near plane, in clip space. */
    const float positions[4][3] = {{rect->left, rect->top, -1.0f},
                                   {rect->left, rect->bottom, -1.0f},
                                   {rect->right, rect->top, -1.0f},
                                   {rect->right, rect->bottom, -1.0f}};
    const float uvs[4][2] = {{0, 0}, {0, 1}, {1, 0}, {1, 1}};
    kiln__draw_call call = {0};
    call.primitive = KILN__PRIMITIVE_TRIANGLE_STRIP;
    call.vertex_count = 4;
    call.positions = &positions[0][0];
    call.position_components = 3;
    call.position_stride = sizeof positions[0];
    call.uvs[0] = rect->has_uvs ? &uvs[0][0] : NULL;
    call.uv_strides[0] = sizeof uvs[0];
    call.identity_transform = true;
    const kiln_technique *technique = rect->material->techniques[0];
    if (walk->mode != KILN__RENDER_COLOUR) {
        /* Once, as its first pass draws it; its normal faces the camera. */
        if (technique->num_passes == 0 ||
            !truth_state(walk, technique->passes[0], &rect->base, &call.state))
            return KILN_OK;
        if (walk->mode == KILN__RENDER_NORMAL)
            constant_colour(&call.state, (const float[4]){0.5f, 0.5f, 1.0f, 1.0f});
        return rs->ops->draw(rs, &call);
    }
    for (uint32_t p = 0; p < technique->num_passes; p++) {
        pass_state(technique->passes[p], scene, NULL, NULL, &call.state);
        KILN__CHECK(rs->ops->draw(rs, &call));
    }
    return KILN_OK;
}

/* A draw of a transparent material, kept until every opaque one is made. */
typedef struct deferred_draw {
    const kiln_movable_object *object;
    const kiln__vertex_arrays *arrays;
    kiln_operation_type operation;
    const kiln_material *material;
    kiln_matrix4 world;
    kiln_aabb box;
    float depth; /* squared distance from the camera to the object's origin */
    uint32_t order;
} deferred_draw;

typedef struct deferred_list {
    deferred_draw *items;
    uint32_t count;
    uint32_t capacity;
} deferred_list;

/* Whether the original engine queues a material with the sorted transparent
 * renderables: its first pass blends with what is already in the target (as
 * Pass::isTransparent says) and does not both test and write depth. A blending pass
 * that writes depth is drawn with the opaque ones, in the order of the scene. */
static bool is_sorted_transparent(const kiln_material *material) {
    const kiln_technique *technique = material->techniques[0];
    if (technique->num_passes == 0)
        return false;
    const kiln_pass *pass = technique->passes[0];
    return pass_blends(pass) && (!pass->depth_write || !pass->depth_check);
}

/* Farthest first, as the original engine sorts transparent renderables; equal depths
 * keep the order of the scene walk. */
static int farthest_first(const void *a, const void *b) {
    const deferred_draw *x = a, *y = b;
    if (x->depth != y->depth)
        return x->depth < y->depth ? 1 : -1;
    return x->order < y->order ? -1 : (x->order > y->order);
}

/* The frustum's planes from projection * view: each is the sum or difference of the
 * w row and one of the x, y, z rows of clip space. An infinite far plane has none. */
static void frustum_planes(scene_walk *walk, bool infinite_far) {
    kiln_matrix4 m = kiln_matrix4_multiply(walk->projection, walk->view);
    static const int rows[6] = {0, 0, 1, 1, 2, 2};
    static const float signs[6] = {1, -1, 1, -1, 1, -1};
    walk->num_planes = 0;
    for (int p = 0; p < 6; p++) {
        if (p == 5 && infinite_far)
            continue;
        float *plane = walk->planes[walk->num_planes++];
        for (int j = 0; j < 4; j++)
            plane[j] = m.m[3][j] + signs[p] * m.m[rows[p]][j];
    }
}

/* True when box (world space) lies entirely outside one of the frustum's planes. */
static bool outside_frustum(const scene_walk *walk, const kiln_aabb *box) {
    if (kiln__aabb_is_empty(box))
        return true;
    for (uint32_t p = 0; p < walk->num_planes; p++) {
        const float *n = walk->planes[p];
        /* The corner furthest along the plane's normal. */
        float x = n[0] >= 0.0f ? box->maximum.x : box->minimum.x;
        float y = n[1] >= 0.0f ? box->maximum.y : box->minimum.y;
        float z = n[2] >= 0.0f ? box->maximum.z : box->minimum.z;
        if (n[0] * x + n[1] * y + n[2] * z + n[3] < 0.0f)
            return true;
    }
    return false;
}

static kiln__primitive_type primitive_of(kiln_operation_type operation) {
    switch (operation) {
    case KILN_OT_POINT_LIST:
        return KILN__PRIMITIVE_POINT_LIST;
    case KILN_OT_LINE_LIST:
        return KILN__PRIMITIVE_LINE_LIST;
    case KILN_OT_LINE_STRIP:
        return KILN__PRIMITIVE_LINE_STRIP;
    case KILN_OT_TRIANGLE_STRIP:
        return KILN__PRIMITIVE_TRIANGLE_STRIP;
    case KILN_OT_TRIANGLE_FAN:
        return KILN__PRIMITIVE_TRIANGLE_FAN;
    case KILN_OT_TRIANGLE_LIST:
        break;
    }
    return KILN__PRIMITIVE_TRIANGLE_LIST;
}

/* One draw call per pass of the material's first technique (for the ground truth: one
 * of its first pass). */
static kiln_result draw_geometry(const scene_walk *walk, const kiln_movable_object *object,
                                 const kiln__vertex_arrays *a, kiln_operation_type operation,
                                 const kiln_material *material, const kiln_matrix4 *world,
                                 const kiln_aabb *box) {
    if (!material || material->num_techniques == 0 || a->vertex_count == 0)
        return KILN_OK;
    deferred_list *later = walk->later;
    if (later && is_sorted_transparent(material)) {
        KILN__CHECK(kiln__grow32(&later->items, &later->capacity, later->count + 1,
                                 sizeof *later->items, 16, "the list of transparent draws"));
        float dx = world->m[0][3] - walk->eye.x, dy = world->m[1][3] - walk->eye.y,
              dz = world->m[2][3] - walk->eye.z;
        later->items[later->count] = (deferred_draw){
            object,      a, operation, material, *world, *box, dx * dx + dy * dy + dz * dz,
            later->count};
        later->count++;
        return KILN_OK;
    }
    kiln__draw_call call = {0};
    call.primitive = primitive_of(operation);
    call.vertex_count = a->vertex_count;
    call.positions = a->positions;
    call.position_components = 3;
    call.position_stride = 3 * sizeof(float);
    call.normals = a->normals;
    call.normal_stride = 3 * sizeof(float);
    call.colours = a->colours;
    call.colour_stride = 4 * sizeof(float);
    for (int k = 0; k < KILN__GEOMETRY_UV_SETS && k < KILN__MAX_TEXTURE_COORD_SETS; k++) {
        call.uvs[k] = a->uvs[k];
        call.uv_strides[k] = 2 * sizeof(float);
    }
    call.indices = a->indices;
    call.index_count = a->index_count;
    call.world = *world;
    call.view = walk->view;
    call.projection = walk->projection;
    const kiln_technique *technique = material->techniques[0];
    if (walk->mode != KILN__RENDER_COLOUR) {
        if (technique->num_passes == 0 ||
            !truth_state(walk, technique->passes[0], object, &call.state))
            return KILN_OK;
        call.colours = NULL;
        float *colours = NULL;
        if (walk->mode == KILN__RENDER_NORMAL) {
            if (a->normals) {
                colours = normals_as_colours(a, world, &walk->view);
                if (!colours)
                    return kiln__fail_oom("the normals of a draw",
                                          (size_t)a->vertex_count * 4 * sizeof(float));
                call.colours = colours;
            } else {
                constant_colour(&call.state, (const float[4]){0.5f, 0.5f, 0.5f, 1.0f});
            }
        }
        kiln_result r = walk->rs->ops->draw(walk->rs, &call);
        kiln__free(colours);
        return r;
    }
    /* Lights are chosen, as the original engine does, by their distance from the
     * object's origin (its node's position), and reach it when they reach the
     * sphere around that origin that holds its world bounds. */
    light_target target = {{world->m[0][3], world->m[1][3], world->m[2][3]}, 0.0f};
    float ex =
        fmaxf(fabsf(box->minimum.x - target.centre[0]), fabsf(box->maximum.x - target.centre[0]));
    float ey =
        fmaxf(fabsf(box->minimum.y - target.centre[1]), fabsf(box->maximum.y - target.centre[1]));
    float ez =
        fmaxf(fabsf(box->minimum.z - target.centre[2]), fabsf(box->maximum.z - target.centre[2]));
    target.radius = sqrtf(ex * ex + ey * ey + ez * ez);
    for (uint32_t p = 0; p < technique->num_passes; p++) {
        pass_state(technique->passes[p], walk->scene, &walk->lights, &target, &call.state);
        KILN__CHECK(walk->rs->ops->draw(walk->rs, &call));
    }
    return KILN_OK;
}

static kiln_result draw_manual_object(const scene_walk *walk, const kiln_manual_object *object,
                                      const kiln_matrix4 *world) {
    kiln_aabb box = kiln__aabb_transform(&object->bounds, world);
    if (outside_frustum(walk, &box))
        return KILN_OK;
    for (uint32_t i = 0; i < object->num_sections; i++) {
        const kiln__manual_section *section = &object->sections[i];
        KILN__CHECK(draw_geometry(walk, &object->base, &section->arrays, section->operation,
                                  section->material, world, &box));
    }
    return KILN_OK;
}

static kiln_result draw_entity(const scene_walk *walk, const kiln_entity *entity,
                               const kiln_matrix4 *world) {
    const kiln_mesh *mesh = entity->mesh;
    kiln_aabb box = kiln__aabb_transform(&mesh->bounds, world);
    if (outside_frustum(walk, &box))
        return KILN_OK;
    for (uint32_t i = 0; i < mesh->num_sub_meshes; i++) {
        const kiln__sub_mesh *sub = &mesh->sub_meshes[i];
        const kiln_material *material =
            entity->material ? entity->material : entity->sub_materials[i];
        KILN__CHECK(draw_geometry(walk, &entity->base, &sub->arrays, sub->operation, material,
                                  world, &box));
    }
    return KILN_OK;
}

static kiln_result draw_node(const scene_walk *walk, const kiln_scene_node *node) {
    bool have_world = false;
    kiln_matrix4 world;
    for (uint32_t i = 0; i < node->num_objects; i++) {
        const kiln_movable_object *object = node->objects[i];
        if (!object->visible)
            continue;
        if (object->type == KILN__MOVABLE_RECTANGLE2D) {
            KILN__CHECK(draw_rectangle2d(walk, (const kiln_rectangle2d *)object));
            continue;
        }
        if (object->type != KILN__MOVABLE_MANUAL_OBJECT && object->type != KILN__MOVABLE_ENTITY)
            continue;
        if (!have_world) {
            world = kiln_scene_node_get_full_transform(node);
            have_world = true;
        }
        if (object->type == KILN__MOVABLE_MANUAL_OBJECT)
            KILN__CHECK(draw_manual_object(walk, (const kiln_manual_object *)object, &world));
        else
            KILN__CHECK(draw_entity(walk, (const kiln_entity *)object, &world));
    }
    return KILN_OK;
}

/* Every node of the tree under root, each before its children. */
static kiln_result draw_tree(const scene_walk *walk, const kiln_scene_node *root) {
    for (const kiln_scene_node *n = root; n; n = kiln__scene_node_next(n, root))
        KILN__CHECK(draw_node(walk, n));
    return KILN_OK;
}

kiln_result kiln__render_scene(kiln__render_system *rs, const kiln_viewport *viewport,
                               kiln__render_mode mode) {
    const kiln_camera *camera = viewport->camera;
    const kiln_scene_manager *scene = camera->scene;
    if (!scene)
        return KILN_OK;
    scene_walk walk = {0};
    walk.rs = rs;
    walk.scene = scene;
    walk.mode = mode;
    walk.view = kiln_camera_get_view_matrix(camera);
    walk.projection = kiln_camera_get_projection_matrix(camera);
    frustum_planes(&walk, kiln__camera_has_infinite_far(camera));
    walk.eye = kiln_camera_get_derived_position(camera);
    deferred_list later = {0};
    /* The ground truth draws what it records as opaque (depth tested and written):
     * nothing to sort. */
    walk.later = mode == KILN__RENDER_COLOUR ? &later : NULL;
    kiln_result r =
        mode == KILN__RENDER_COLOUR ? gather_all_lights(scene->root_node, &walk.lights) : KILN_OK;
    if (r == KILN_OK)
        r = draw_tree(&walk, scene->root_node);
    /* Then the transparent ones, farthest first, so that each blends over what lies
     * behind it. */
    if (r == KILN_OK && later.count > 0) {
        qsort(later.items, later.count, sizeof *later.items, farthest_first);
        walk.later = NULL;
        for (uint32_t i = 0; i < later.count && r == KILN_OK; i++) {
            const deferred_draw *d = &later.items[i];
            r = draw_geometry(&walk, d->object, d->arrays, d->operation, d->material, &d->world,
                              &d->box);
        }
    }
    kiln__free(later.items);
    scene_lights_free(&walk.lights);
    return r;
}
