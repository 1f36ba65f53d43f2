#include "geometry_internal.h"

#include <math.h>
#include <string.h>

static const char *group_name(const char *group) { return group ? group : KILN__DEFAULT_GROUP; }

/* ---- shared helpers ---- */

kiln_aabb kiln__aabb_empty(void) {
    return (kiln_aabb){{INFINITY, INFINITY, INFINITY}, {-INFINITY, -INFINITY, -INFINITY}};
}

bool kiln__aabb_is_empty(const kiln_aabb *box) {
    return !(box->minimum.x <= box->maximum.x && box->minimum.y <= box->maximum.y &&
             box->minimum.z <= box->maximum.z);
}

void kiln__aabb_merge_point(kiln_aabb *box, const float *p) {
    box->minimum.x = fminf(box->minimum.x, p[0]);
    box->minimum.y = fminf(box->minimum.y, p[1]);
    box->minimum.z = fminf(box->minimum.z, p[2]);
    box->maximum.x = fmaxf(box->maximum.x, p[0]);
    box->maximum.y = fmaxf(box->maximum.y, p[1]);
    box->maximum.z = fmaxf(box->maximum.z, p[2]);
}

kiln_aabb kiln__aabb_transform(const kiln_aabb *box, const kiln_matrix4 *m) {
    if (kiln__aabb_is_empty(box))
        return *box;
    kiln_aabb out = kiln__aabb_empty();
    for (int corner = 0; corner < 8; corner++) {
        const float c[3] = {corner & 1 ? box->maximum.x : box->minimum.x,
                            corner & 2 ? box->maximum.y : box->minimum.y,
                            corner & 4 ? box->maximum.z : box->minimum.z};
        float p[3];
        for (int i = 0; i < 3; i++)
            p[i] = m->m[i][0] * c[0] + m->m[i][1] * c[1] + m->m[i][2] * c[2] + m->m[i][3];
        /* A projective matrix divides by w; node transforms are affine (w = 1). */
        float w = m->m[3][0] * c[0] + m->m[3][1] * c[1] + m->m[3][2] * c[2] + m->m[3][3];
        if (w != 1.0f && w != 0.0f)
            for (int i = 0; i < 3; i++)
                p[i] /= w;
        kiln__aabb_merge_point(&out, p);
    }
    return out;
}

void kiln__vertex_arrays_free(kiln__vertex_arrays *arrays) {
    kiln__free(arrays->positions);
    kiln__free(arrays->normals);
    kiln__free(arrays->colours);
    for (int k = 0; k < KILN__GEOMETRY_UV_SETS; k++)
        kiln__free(arrays->uvs[k]);
    kiln__free(arrays->indices);
    *arrays = (kiln__vertex_arrays){0};
}

uint32_t kiln__triangle_count(kiln_operation_type operation, uint32_t count) {
    switch (operation) {
    case KILN_OT_TRIANGLE_LIST:
        return count / 3;
    case KILN_OT_TRIANGLE_STRIP:
    case KILN_OT_TRIANGLE_FAN:
        return count >= 3 ? count - 2 : 0;
    default:
        return 0;
    }
}

kiln_result kiln__check_primitive_count(kiln_operation_type operation, uint32_t count,
                                        const char *function, const char *what) {
    switch (operation) {
    case KILN_OT_POINT_LIST:
        if (count < 1)
            return kiln__fail(KILN_ERROR_INVALID_ARGUMENT,
                              "%s: a point list needs at least 1 %s, not 0", function, what);
        return KILN_OK;
    case KILN_OT_LINE_LIST:
        if (count < 2 || count % 2 != 0)
            return kiln__fail(KILN_ERROR_INVALID_ARGUMENT,
                              "%s: a line list needs a positive even number of %s, not %u",
                              function, what, count);
        return KILN_OK;
    case KILN_OT_LINE_STRIP:
        if (count < 2)
            return kiln__fail(KILN_ERROR_INVALID_ARGUMENT,
                              "%s: a line strip needs at least 2 %s, not %u", function, what,
                              count);
        return KILN_OK;
    case KILN_OT_TRIANGLE_LIST:
        if (count < 3 || count % 3 != 0)
            return kiln__fail(KILN_ERROR_INVALID_ARGUMENT,
                              "%s: a triangle list needs a positive multiple of 3 %s, not %u",
                              function, what, count);
        return KILN_OK;
    case KILN_OT_TRIANGLE_STRIP:
    case KILN_OT_TRIANGLE_FAN:
        if (count < 3)
            return kiln__fail(KILN_ERROR_INVALID_ARGUMENT,
                              "%s: a triangle %s needs at least 3 %s, not %u", function,
                              operation == KILN_OT_TRIANGLE_STRIP ? "strip" : "fan", what, count);
        return KILN_OK;
    }
    return kiln__fail(KILN_ERROR_INVALID_ARGUMENT,
                      "%s: %d is not a kiln_operation_type value (1 to 6)", function,
                      (int)operation);
}

kiln_material *kiln__find_material(const kiln_material_manager *materials, const char *name,
                                   const char *group) {
    if (!materials || !name || !name[0])
        return NULL;
    kiln_material *material = kiln__registry_find(&materials->materials, name, group);
    if (!material)
        material = kiln__registry_find(&materials->materials, name, KILN__DEFAULT_GROUP);
    return material;
}

/* ---- meshes ---- */

static void sub_mesh_free(kiln__sub_mesh *sub) {
    kiln__vertex_arrays_free(&sub->arrays);
    kiln__free(sub->material_name);
    sub->material_name = NULL;
}

static void mesh_free(kiln_mesh *self) {
    for (uint32_t i = 0; i < self->num_sub_meshes; i++)
        sub_mesh_free(&self->sub_meshes[i]);
    kiln__free(self->sub_meshes);
    kiln__free(self->name);
    kiln__free(self->group);
    kiln__free(self->warnings);
    kiln__free(self);
}

kiln_result kiln__mesh_create(const char *name, const char *group, kiln__sub_mesh *sub_meshes,
                              uint32_t num_sub_meshes, kiln_mesh **out) {
    *out = NULL;
    kiln_mesh *mesh = kiln__calloc(1, sizeof *mesh);
    if (mesh) {
        mesh->name = kiln__strdup(name);
        mesh->group = kiln__strdup(group_name(group));
        mesh->sub_meshes =
            kiln__calloc(num_sub_meshes ? num_sub_meshes : 1, sizeof(kiln__sub_mesh));
    }
    if (!mesh || !mesh->name || !mesh->group || !mesh->sub_meshes) {
        for (uint32_t i = 0; i < num_sub_meshes; i++)
            sub_mesh_free(&sub_meshes[i]);
        if (mesh)
            mesh_free(mesh);
        return kiln__fail_oom("a mesh", sizeof *mesh);
    }
    kiln__ref_init(&mesh->ref);
    mesh->bounds = kiln__aabb_empty();
    for (uint32_t i = 0; i < num_sub_meshes; i++) {
        const kiln__vertex_arrays *a = &sub_meshes[i].arrays;
        for (uint32_t v = 0; v < a->vertex_count; v++)
            kiln__aabb_merge_point(&mesh->bounds, a->positions + (size_t)v * 3);
        mesh->sub_meshes[i] = sub_meshes[i];
        sub_meshes[i] = (kiln__sub_mesh){0};
    }
    mesh->num_sub_meshes = num_sub_meshes;
    *out = mesh;
    return KILN_OK;
}

KILN_API void kiln_mesh_retain(kiln_mesh *self) {
    if (self)
        kiln__ref_inc(&self->ref);
}

KILN_API void kiln_mesh_release(kiln_mesh *self) {
    if (self && kiln__ref_dec(&self->ref))
        mesh_free(self);
}

KILN_API const char *kiln_mesh_get_name(const kiln_mesh *self) { return self->name; }

KILN_API uint32_t kiln_mesh_get_num_sub_meshes(const kiln_mesh *self) {
    return self->num_sub_meshes;
}

KILN_API const char *kiln_mesh_get_sub_mesh_material_name(const kiln_mesh *self, uint32_t index) {
    if (!self || index >= self->num_sub_meshes)
        return NULL;
    return self->sub_meshes[index].material_name;
}

KILN_API const char *kiln_mesh_get_import_warnings(const kiln_mesh *self) {
    return self->warnings ? self->warnings : "";
}

KILN_API uint32_t kiln_mesh_get_vertex_count(const kiln_mesh *self) {
    uint64_t n = 0;
    for (uint32_t i = 0; i < self->num_sub_meshes; i++)
        n += self->sub_meshes[i].arrays.vertex_count;
    return n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
}

KILN_API uint32_t kiln_mesh_get_triangle_count(const kiln_mesh *self) {
    uint64_t n = 0;
    for (uint32_t i = 0; i < self->num_sub_meshes; i++) {
        const kiln__sub_mesh *sub = &self->sub_meshes[i];
        uint32_t count = sub->arrays.indices ? sub->arrays.index_count : sub->arrays.vertex_count;
        n += kiln__triangle_count(sub->operation, count);
    }
    return n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
}

KILN_API kiln_aabb kiln_mesh_get_bounding_box(const kiln_mesh *self) { return self->bounds; }

/* ---- the manager ---- */

kiln_result kiln__mesh_manager_create(kiln_material_manager *materials,
                                      kiln_texture_manager *textures, kiln_mesh_manager **out) {
    kiln_mesh_manager *self = kiln__calloc(1, sizeof *self);
    if (!self)
        return kiln__fail_oom("a mesh manager", sizeof *self);
    self->materials = materials;
    self->textures = textures;
    *out = self;
    return KILN_OK;
}

void kiln__mesh_manager_destroy(kiln_mesh_manager *self) {
    if (!self)
        return;
    for (uint32_t i = 0; i < self->meshes.count; i++)
        kiln_mesh_release(self->meshes.entries[i].item);
    kiln__registry_free(&self->meshes);
    kiln__free(self);
}

kiln_result kiln__mesh_manager_add(kiln_mesh_manager *self, kiln_mesh *mesh, const char *function) {
    if (kiln__registry_find(&self->meshes, mesh->name, mesh->group))
        return kiln__fail(KILN_ERROR_INVALID_ARGUMENT,
                          "%s: a mesh named '%s' already exists in group '%s'", function,
                          mesh->name, mesh->group);
    KILN__CHECK(kiln__registry_add(&self->meshes, mesh->name, mesh->group, mesh));
    kiln_mesh_retain(mesh);
    return KILN_OK;
}

/* Copies `count` vertices of `components` floats, or leaves *out NULL for no array. */
static kiln_result copy_floats(const float *src, uint32_t count, uint32_t components, float **out) {
    *out = NULL;
    if (!src)
        return KILN_OK;
    size_t bytes = (size_t)count * components * sizeof(float);
    *out = kiln__malloc(bytes ? bytes : 1);
    if (!*out)
        return kiln__fail_oom("mesh vertices", bytes);
    memcpy(*out, src, bytes);
    return KILN_OK;
}

/* Checks the description against the rules of kiln_mesh_manager_create_from_data
 * and copies its arrays into sub. */
static kiln_result copy_mesh_data(const kiln_mesh_data *data, kiln__sub_mesh *sub) {
    static const char *fn = "kiln_mesh_manager_create_from_data";
    kiln_operation_type operation = data->operation ? data->operation : KILN_OT_TRIANGLE_LIST;
    if (operation < KILN_OT_POINT_LIST || operation > KILN_OT_TRIANGLE_FAN)
        return kiln__fail(KILN_ERROR_INVALID_ARGUMENT,
                          "%s: %d is not a kiln_operation_type value (1 to 6, or 0 for a "
                          "triangle list)",
                          fn, (int)data->operation);
    if (!data->positions)
        return kiln__fail(KILN_ERROR_INVALID_ARGUMENT,
                          "%s: positions are required, but the data's positions are NULL", fn);
    if (data->vertex_count == 0)
        return kiln__fail(KILN_ERROR_INVALID_ARGUMENT,
                          "%s: vertex_count is 0; a mesh needs "
                          "vertices",
                          fn);
    if (!data->indices && data->index_count != 0)
        return kiln__fail(KILN_ERROR_INVALID_ARGUMENT, "%s: index_count is %u but indices is NULL",
                          fn, data->index_count);
    if (data->index_type != KILN_IT_16BIT && data->index_type != KILN_IT_32BIT)
        return kiln__fail(KILN_ERROR_INVALID_ARGUMENT,
                          "%s: %d is not a kiln_index_type value (0 or 1)", fn,
                          (int)data->index_type);
    if (data->indices)
        KILN__CHECK(kiln__check_primitive_count(operation, data->index_count, fn, "indices"));
    else
        KILN__CHECK(kiln__check_primitive_count(operation, data->vertex_count, fn, "vertices"));

    *sub = (kiln__sub_mesh){0};
    sub->operation = operation;
    kiln__vertex_arrays *a = &sub->arrays;
    a->vertex_count = data->vertex_count;
    kiln_result r = copy_floats(data->positions, data->vertex_count, 3, &a->positions);
    if (r == KILN_OK)
        r = copy_floats(data->normals, data->vertex_count, 3, &a->normals);
    if (r == KILN_OK)
        r = copy_floats(data->colours, data->vertex_count, 4, &a->colours);
    for (int k = 0; r == KILN_OK && k < KILN__GEOMETRY_UV_SETS; k++)
        r = copy_floats(data->texture_coords[k], data->vertex_count, 2, &a->uvs[k]);
    if (r == KILN_OK && data->indices) {
        a->index_count = data->index_count;
        a->indices = kiln__malloc_array(data->index_count, sizeof(uint32_t));
        if (!a->indices)
            r = kiln__fail_oom("mesh indices", (size_t)data->index_count * sizeof(uint32_t));
        for (uint32_t i = 0; r == KILN_OK && i < data->index_count; i++) {
            uint32_t index = data->index_type == KILN_IT_16BIT
                                 ? ((const uint16_t *)data->indices)[i]
                                 : ((const uint32_t *)data->indices)[i];
            if (index >= data->vertex_count)
                r = kiln__fail(KILN_ERROR_OUT_OF_RANGE,
                               "%s: index %u (at position %u) is past the last vertex; the mesh "
                               "has %u vertices",
                               fn, index, i, data->vertex_count);
            else
                a->indices[i] = index;
        }
    }
    if (r == KILN_OK) {
        const char *material = data->material_name ? data->material_name : "";
        sub->material_name = kiln__strdup(material);
        if (!sub->material_name)
            r = kiln__fail_oom("a material name", strlen(material) + 1);
    }
    if (r != KILN_OK)
        sub_mesh_free(sub);
    return r;
}

KILN_API kiln_result kiln_mesh_manager_create_from_data(kiln_mesh_manager *self, const char *name,
                                                        const char *group,
                                                        const kiln_mesh_data *data,
                                                        kiln_mesh **out) {
    KILN__REQUIRE_NOT_NULL(self);
    KILN__REQUIRE_NOT_NULL(name);
    KILN__REQUIRE_NOT_NULL(data);
    if (out)
        *out = NULL;
    if (kiln__registry_find(&self->meshes, name, group))
        return kiln__fail(KILN_ERROR_INVALID_ARGUMENT,
                          "kiln_mesh_manager_create_from_data: a mesh named '%s' already exists "
                          "in group '%s'",
                          name, group_name(group));
    kiln__sub_mesh sub;
    KILN__CHECK(copy_mesh_data(data, &sub));
    kiln_mesh *mesh = NULL;
    KILN__CHECK(kiln__mesh_create(name, group, &sub, 1, &mesh));
    kiln_result r = kiln__mesh_manager_add(self, mesh, "kiln_mesh_manager_create_from_data");
    if (r == KILN_OK && out) {
        kiln_mesh_retain(mesh);
        *out = mesh;
    }
    kiln_mesh_release(mesh);
    return r;
}

KILN_API kiln_result kiln_mesh_manager_get_by_name(kiln_mesh_manager *self, const char *name,
                                                   const char *group, kiln_mesh **out) {
    KILN__REQUIRE_NOT_NULL(self);
    KILN__REQUIRE_NOT_NULL(name);
    KILN__REQUIRE_NOT_NULL(out);
    *out = NULL;
    kiln_mesh *mesh = kiln__registry_find(&self->meshes, name, group);
    if (!mesh)
        return kiln__fail(KILN_ERROR_NOT_FOUND,
                          "kiln_mesh_manager_get_by_name: no mesh named '%s' in group '%s'", name,
                          group_name(group));
    kiln_mesh_retain(mesh);
    *out = mesh;
    return KILN_OK;
}

KILN_API bool kiln_mesh_manager_resource_exists(const kiln_mesh_manager *self, const char *name,
                                                const char *group) {
    return self && name && kiln__registry_find(&self->meshes, name, group) != NULL;
}

KILN_API kiln_result kiln_mesh_manager_remove(kiln_mesh_manager *self, const char *name,
                                              const char *group) {
    KILN__REQUIRE_NOT_NULL(self);
    KILN__REQUIRE_NOT_NULL(name);
    kiln_mesh *mesh = kiln__registry_remove(&self->meshes, name, group);
    if (!mesh)
        return kiln__fail(KILN_ERROR_NOT_FOUND,
                          "kiln_mesh_manager_remove: no mesh named '%s' in group '%s'", name,
                          group_name(group));
    kiln_mesh_release(mesh);
    return KILN_OK;
}
