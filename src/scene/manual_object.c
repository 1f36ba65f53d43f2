#include "geometry_internal.h"

#include <string.h>

static void section_free(kiln__manual_section *section) {
    kiln_material_release(section->material);
    kiln__vertex_arrays_free(&section->arrays);
    memset(section, 0, sizeof *section);
}

static void manual_object_clear_sections(kiln_manual_object *self) {
    for (uint32_t i = 0; i < self->num_sections; i++)
        section_free(&self->sections[i]);
    kiln__free(self->sections);
    self->sections = NULL;
    self->num_sections = 0;
    self->bounds = kiln__aabb_empty();
}

static void manual_object_destroy(kiln_movable_object *object) {
    kiln_manual_object *self = (kiln_manual_object *)object;
    manual_object_clear_sections(self);
    section_free(&self->current);
    kiln__free(self);
}

KILN_API kiln_result kiln_scene_manager_create_manual_object(kiln_scene_manager *self,
                                                             const char *name,
                                                             kiln_manual_object **out) {
    KILN__REQUIRE_NOT_NULL(self);
    KILN__REQUIRE_NOT_NULL(name);
    if (out)
        *out = NULL;
    if (kiln__registry_find(&self->manual_objects, name, NULL))
        return kiln__fail(KILN_ERROR_INVALID_ARGUMENT,
                          "kiln_scene_manager_create_manual_object: a manual object named '%s' "
                          "already exists",
                          name);
    kiln_manual_object *object = kiln__calloc(1, sizeof *object);
    if (!object)
        return kiln__fail_oom("a manual object", sizeof *object);
    kiln__movable_object_init(&object->base, KILN__MOVABLE_MANUAL_OBJECT, manual_object_destroy);
    object->scene = self;
    object->bounds = kiln__aabb_empty();
    object->base.name = kiln__strdup(name);
    kiln_result r =
        object->base.name ? KILN_OK : kiln__fail_oom("a manual object name", strlen(name) + 1);
    if (r == KILN_OK)
        r = kiln__registry_add(&self->manual_objects, name, NULL, object);
    if (r != KILN_OK) {
        kiln_manual_object_release(object);
        return r;
    }
    if (out) {
        kiln_manual_object_retain(object);
        *out = object;
    }
    return KILN_OK;
}

KILN_API kiln_movable_object *kiln_manual_object_as_movable_object(kiln_manual_object *self) {
    return self ? &self->base : NULL;
}
KILN_API void kiln_manual_object_retain(kiln_manual_object *self) {
    if (self)
        kiln_movable_object_retain(&self->base);
}
KILN_API void kiln_manual_object_release(kiln_manual_object *self) {
    if (self)
        kiln_movable_object_release(&self->base);
}

static const char *object_name(const kiln_manual_object *self) {
    return kiln_movable_object_get_name(&self->base);
}

KILN_API kiln_result kiln_manual_object_begin(kiln_manual_object *self, const char *material_name,
                                              kiln_operation_type operation) {
    KILN__REQUIRE_NOT_NULL(self);
    KILN__REQUIRE_NOT_NULL(material_name);
    if (self->building)
        return kiln__fail(KILN_ERROR_INVALID_STATE,
                          "kiln_manual_object_begin: manual object '%s' already has a section "
                          "open; call kiln_manual_object_end first",
                          object_name(self));
    KILN__REQUIRE(operation >= KILN_OT_POINT_LIST && operation <= KILN_OT_TRIANGLE_FAN,
                  "kiln_manual_object_begin: %d is not a kiln_operation_type value (1 to 6)",
                  (int)operation);
    if (!self->scene || !self->scene->materials)
        return kiln__fail(KILN_ERROR_INVALID_STATE,
                          "kiln_manual_object_begin: the scene manager of manual object '%s' has "
                          "been destroyed, so material '%s' cannot be looked up",
                          object_name(self), material_name);
    kiln_material *material =
        kiln__registry_find(&self->scene->materials->materials, material_name, NULL);
    if (!material)
        return kiln__fail(KILN_ERROR_NOT_FOUND,
                          "kiln_manual_object_begin: no material named '%s' in group '%s'; "
                          "create it with kiln_material_manager_create first",
                          material_name, KILN__DEFAULT_GROUP);
    kiln_material_retain(material);
    self->current = (kiln__manual_section){0};
    self->current.material = material;
    self->current.operation = operation;
    self->vertex_capacity = 0;
    self->index_capacity = 0;
    self->building = true;
    self->vertex_pending = false;
    self->first_vertex = true;
    self->has_normal = self->has_colour = false;
    self->num_uv_sets = 0;
    self->uv_index = 0;
    return KILN_OK;
}

static kiln_result require_section(const kiln_manual_object *self, const char *function) {
    if (!self->building)
        return kiln__fail(KILN_ERROR_INVALID_STATE,
                          "%s: manual object '%s' has no open section; call "
                          "kiln_manual_object_begin first",
                          function, object_name(self));
    return KILN_OK;
}

/* Grows one array of the section, which holds `have` vertices of `components` floats,
 * to hold `want`. */
static kiln_result grow_array(float **array, uint32_t have, uint32_t want, uint32_t components) {
    if (!*array)
        return KILN_OK;
    size_t room = (size_t)have * components;
    return kiln__grow(array, &room, (size_t)want * components, sizeof(float), 0,
                      "manual object vertices");
}

/* Allocates the arrays the first vertex's layout asks for. */
static kiln_result allocate_layout(kiln_manual_object *self, uint32_t capacity) {
    kiln__vertex_arrays *a = &self->current.arrays;
    a->positions = kiln__malloc_array((size_t)capacity * 3, sizeof(float));
    bool ok = a->positions != NULL;
    if (self->has_normal)
        ok = ok && (a->normals = kiln__malloc_array((size_t)capacity * 3, sizeof(float)));
    if (self->has_colour)
        ok = ok && (a->colours = kiln__malloc_array((size_t)capacity * 4, sizeof(float)));
    for (uint32_t k = 0; k < self->num_uv_sets; k++)
        ok = ok && (a->uvs[k] = kiln__malloc_array((size_t)capacity * 2, sizeof(float)));
    if (!ok)
        return kiln__fail_oom("manual object vertices", (size_t)capacity * 64);
    self->current.num_uv_sets = self->num_uv_sets;
    self->vertex_capacity = capacity;
    return KILN_OK;
}

/* Appends the pending vertex to the section in the layout of the first vertex. */
static kiln_result commit_vertex(kiln_manual_object *self) {
    kiln__vertex_arrays *a = &self->current.arrays;
    if (a->vertex_count == UINT32_MAX)
        return kiln__fail(KILN_ERROR_OUT_OF_RANGE,
                          "manual object '%s': a section holds at most %u vertices",
                          object_name(self), UINT32_MAX);
    if (!a->positions) {
        KILN__CHECK(allocate_layout(self, 64));
    } else if (a->vertex_count == self->vertex_capacity) {
        uint32_t capacity =
            self->vertex_capacity > UINT32_MAX / 2 ? UINT32_MAX : self->vertex_capacity * 2;
        const uint32_t have = self->vertex_capacity;
        KILN__CHECK(grow_array(&a->positions, have, capacity, 3));
        KILN__CHECK(grow_array(&a->normals, have, capacity, 3));
        KILN__CHECK(grow_array(&a->colours, have, capacity, 4));
        for (uint32_t k = 0; k < self->current.num_uv_sets; k++)
            KILN__CHECK(grow_array(&a->uvs[k], have, capacity, 2));
        self->vertex_capacity = capacity;
    }
    size_t v = a->vertex_count;
    memcpy(a->positions + v * 3, self->position, sizeof self->position);
    if (a->normals)
        memcpy(a->normals + v * 3, self->normal, sizeof self->normal);
    if (a->colours)
        memcpy(a->colours + v * 4, self->colour, sizeof self->colour);
    for (uint32_t k = 0; k < self->current.num_uv_sets; k++)
        memcpy(a->uvs[k] + v * 2, self->uv[k], sizeof self->uv[k]);
    a->vertex_count++;
    self->first_vertex = false;
    self->vertex_pending = false;
    return KILN_OK;
}

KILN_API kiln_result kiln_manual_object_position(kiln_manual_object *self, float x, float y,
                                                 float z) {
    KILN__REQUIRE_NOT_NULL(self);
    KILN__CHECK(require_section(self, __func__));
    if (self->vertex_pending)
        KILN__CHECK(commit_vertex(self));
    self->position[0] = x;
    self->position[1] = y;
    self->position[2] = z;
    self->uv_index = 0;
    self->vertex_pending = true;
    return KILN_OK;
}

KILN_API kiln_result kiln_manual_object_normal(kiln_manual_object *self, float x, float y,
                                               float z) {
    KILN__REQUIRE_NOT_NULL(self);
    KILN__CHECK(require_section(self, __func__));
    /* Only the first vertex adds attributes to the layout; later vertices may only
     * give values for the attributes it has. */
    if (self->first_vertex)
        self->has_normal = true;
    self->normal[0] = x;
    self->normal[1] = y;
    self->normal[2] = z;
    return KILN_OK;
}

KILN_API kiln_result kiln_manual_object_colour(kiln_manual_object *self, float r, float g, float b,
                                               float a) {
    KILN__REQUIRE_NOT_NULL(self);
    KILN__CHECK(require_section(self, __func__));
    if (self->first_vertex)
        self->has_colour = true;
    self->colour[0] = r;
    self->colour[1] = g;
    self->colour[2] = b;
    self->colour[3] = a;
    return KILN_OK;
}

KILN_API kiln_result kiln_manual_object_texture_coord(kiln_manual_object *self, float u, float v) {
    KILN__REQUIRE_NOT_NULL(self);
    KILN__CHECK(require_section(self, __func__));
    if (self->uv_index >= KILN__GEOMETRY_UV_SETS)
        return kiln__fail(KILN_ERROR_INVALID_ARGUMENT,
                          "kiln_manual_object_texture_coord: manual object '%s': a vertex has at "
                          "most %d texture coordinate sets",
                          object_name(self), KILN__GEOMETRY_UV_SETS);
    if (self->first_vertex && self->uv_index >= self->num_uv_sets)
        self->num_uv_sets = self->uv_index + 1;
    self->uv[self->uv_index][0] = u;
    self->uv[self->uv_index][1] = v;
    self->uv_index++;
    return KILN_OK;
}

KILN_API kiln_result kiln_manual_object_index(kiln_manual_object *self, uint32_t index) {
    KILN__REQUIRE_NOT_NULL(self);
    KILN__CHECK(require_section(self, __func__));
    kiln__vertex_arrays *a = &self->current.arrays;
    if (a->index_count == UINT32_MAX)
        return kiln__fail(KILN_ERROR_OUT_OF_RANGE,
                          "kiln_manual_object_index: manual object '%s' has too many indices",
                          object_name(self));
    KILN__CHECK(kiln__grow32(&a->indices, &self->index_capacity, a->index_count + 1,
                             sizeof *a->indices, 64, "manual object indices"));
    a->indices[a->index_count++] = index;
    return KILN_OK;
}

static kiln_result require_triangle_list(const kiln_manual_object *self, const char *function) {
    KILN__CHECK(require_section(self, function));
    if (self->current.operation != KILN_OT_TRIANGLE_LIST)
        return kiln__fail(KILN_ERROR_INVALID_STATE,
                          "%s: manual object '%s': the open section is of operation type %d, but "
                          "triangles and quads need KILN_OT_TRIANGLE_LIST (4); use "
                          "kiln_manual_object_index",
                          function, object_name(self), (int)self->current.operation);
    return KILN_OK;
}

KILN_API kiln_result kiln_manual_object_triangle(kiln_manual_object *self, uint32_t i0, uint32_t i1,
                                                 uint32_t i2) {
    KILN__REQUIRE_NOT_NULL(self);
    KILN__CHECK(require_triangle_list(self, __func__));
    KILN__CHECK(kiln_manual_object_index(self, i0));
    KILN__CHECK(kiln_manual_object_index(self, i1));
    return kiln_manual_object_index(self, i2);
}

KILN_API kiln_result kiln_manual_object_quad(kiln_manual_object *self, uint32_t i0, uint32_t i1,
                                             uint32_t i2, uint32_t i3) {
    KILN__REQUIRE_NOT_NULL(self);
    KILN__CHECK(require_triangle_list(self, __func__));
    /* Two triangles sharing the i0-i2 diagonal, as in the original engine. */
    KILN__CHECK(kiln_manual_object_triangle(self, i0, i1, i2));
    return kiln_manual_object_triangle(self, i2, i3, i0);
}

KILN_API kiln_result kiln_manual_object_end(kiln_manual_object *self) {
    KILN__REQUIRE_NOT_NULL(self);
    KILN__CHECK(require_section(self, __func__));
    self->building = false;
    kiln_result r = self->vertex_pending ? commit_vertex(self) : KILN_OK;
    kiln__manual_section *section = &self->current;
    kiln__vertex_arrays *a = &section->arrays;
    for (uint32_t i = 0; r == KILN_OK && i < a->index_count; i++)
        if (a->indices[i] >= a->vertex_count)
            r = kiln__fail(KILN_ERROR_OUT_OF_RANGE,
                           "kiln_manual_object_end: manual object '%s': index %u (at position %u) "
                           "names a vertex past the last of the section's %u vertices; the "
                           "section was dropped",
                           object_name(self), a->indices[i], i, a->vertex_count);
    /* Like the original engine, a section without vertices (or with an index list
     * that stayed empty) is dropped without complaint. */
    bool empty = a->vertex_count == 0 || (a->indices && a->index_count == 0);
    if (r == KILN_OK && !empty) {
        kiln__manual_section *sections =
            kiln__realloc_array(self->sections, self->num_sections + 1, sizeof *sections);
        if (!sections) {
            r = kiln__fail_oom("a manual object section",
                               (self->num_sections + 1) * sizeof *sections);
        } else {
            self->sections = sections;
            for (uint32_t v = 0; v < a->vertex_count; v++)
                kiln__aabb_merge_point(&self->bounds, a->positions + (size_t)v * 3);
            sections[self->num_sections++] = *section;
            *section = (kiln__manual_section){0};
            return KILN_OK;
        }
    }
    section_free(section);
    return r;
}

KILN_API void kiln_manual_object_clear(kiln_manual_object *self) {
    manual_object_clear_sections(self);
    section_free(&self->current);
    self->building = false;
}

KILN_API uint32_t kiln_manual_object_get_num_sections(const kiln_manual_object *self) {
    return self->num_sections;
}

KILN_API kiln_aabb kiln_manual_object_get_bounding_box(const kiln_manual_object *self) {
    return self->bounds;
}
