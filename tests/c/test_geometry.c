/* Geometry: manual objects built vertex by vertex, meshes from arrays and from files
 * (through assimp), entities, their bounds, and drawing them through a camera with
 * frustum culling. */
#include <kiln/kiln.h>

#include "render/render_internal.h"
#include "scene/geometry_internal.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

/* ---- fixtures ---- */

typedef struct world {
    kiln_root *root;
    kiln_scene_manager *scene;
    kiln_material_manager *materials;
    kiln_mesh_manager *meshes;
} world;

static void world_create(world *w) {
    memset(w, 0, sizeof *w);
    kiln_root_desc desc = {.num_threads = 1};
    assert_int_equal(kiln_root_create(&desc, &w->root), KILN_OK);
    assert_int_equal(kiln_root_create_scene_manager(w->root, &w->scene), KILN_OK);
    w->materials = kiln_root_get_material_manager(w->root);
    w->meshes = kiln_root_get_mesh_manager(w->root);
    assert_non_null(w->meshes);
}

static void world_destroy(world *w) { kiln_root_destroy(w->root); }

/* A material whose single pass is unlit (so vertex colours show). */
static kiln_material *unlit_material(world *w, const char *name) {
    kiln_material *material = NULL;
    assert_int_equal(kiln_material_manager_create(w->materials, name, "General", &material),
                     KILN_OK);
    kiln_technique *technique = NULL;
    kiln_pass *pass = NULL;
    assert_int_equal(kiln_material_get_technique(material, 0, &technique), KILN_OK);
    assert_int_equal(kiln_technique_get_pass(technique, 0, &pass), KILN_OK);
    kiln_pass_set_lighting_enabled(pass, false);
    /* Unlit, vertex colours show only when tracked, as in the original engine. */
    assert_int_equal(kiln_pass_set_vertex_colour_tracking(pass, KILN_TVC_DIFFUSE), KILN_OK);
    return material;
}

static void assert_message_contains(const char *needle) {
    const char *message = kiln_last_error_message();
    if (!strstr(message, needle))
        fail_msg("expected '%s' in the error message '%s'", needle, message);
}

static void assert_vector(kiln_vector3 v, float x, float y, float z) {
    assert_float_equal(v.x, x, 1e-5);
    assert_float_equal(v.y, y, 1e-5);
    assert_float_equal(v.z, z, 1e-5);
}

static void assert_box(kiln_aabb box, float x0, float y0, float z0, float x1, float y1, float z1) {
    assert_vector(box.minimum, x0, y0, z0);
    assert_vector(box.maximum, x1, y1, z1);
}

static bool box_is_empty(kiln_aabb box) {
    return box.minimum.x > box.maximum.x || box.minimum.y > box.maximum.y ||
           box.minimum.z > box.maximum.z;
}

/* ---- manual objects ---- */

static void manual_objects_are_named_movable_objects(void **state) {
    (void)state;
    world w;
    world_create(&w);
    kiln_manual_object *object = NULL;
    assert_int_equal(kiln_scene_manager_create_manual_object(w.scene, "shape", &object), KILN_OK);
    kiln_movable_object *movable = kiln_manual_object_as_movable_object(object);
    assert_string_equal(kiln_movable_object_get_name(movable), "shape");
    assert_string_equal(kiln_movable_object_get_movable_type(movable), "ManualObject");
    assert_int_equal(kiln_manual_object_get_num_sections(object), 0);
    assert_true(box_is_empty(kiln_manual_object_get_bounding_box(object)));
    assert_int_equal(kiln_scene_manager_create_manual_object(w.scene, "shape", NULL),
                     KILN_ERROR_INVALID_ARGUMENT);
    assert_message_contains("'shape'");
    /* The object outlives its scene; it can no longer look materials up. */
    world_destroy(&w);
    assert_int_equal(kiln_manual_object_begin(object, "BaseWhite", KILN_OT_TRIANGLE_LIST),
                     KILN_ERROR_INVALID_STATE);
    kiln_manual_object_release(object);
}

static void building_follows_begin_and_end(void **state) {
    (void)state;
    world w;
    world_create(&w);
    kiln_manual_object *object = NULL;
    assert_int_equal(kiln_scene_manager_create_manual_object(w.scene, "shape", &object), KILN_OK);
    assert_int_equal(kiln_manual_object_position(object, 0, 0, 0), KILN_ERROR_INVALID_STATE);
    assert_message_contains("kiln_manual_object_begin");
    assert_int_equal(kiln_manual_object_colour(object, 1, 1, 1, 1), KILN_ERROR_INVALID_STATE);
    assert_int_equal(kiln_manual_object_index(object, 0), KILN_ERROR_INVALID_STATE);
    assert_int_equal(kiln_manual_object_end(object), KILN_ERROR_INVALID_STATE);

    assert_int_equal(kiln_manual_object_begin(object, "NoSuchMaterial", KILN_OT_TRIANGLE_LIST),
                     KILN_ERROR_NOT_FOUND);
    assert_message_contains("'NoSuchMaterial'");
    assert_int_equal(kiln_manual_object_begin(object, "BaseWhite", (kiln_operation_type)7),
                     KILN_ERROR_INVALID_ARGUMENT);
    assert_int_equal(kiln_manual_object_begin(object, NULL, KILN_OT_TRIANGLE_LIST),
                     KILN_ERROR_INVALID_ARGUMENT);

    assert_int_equal(kiln_manual_object_begin(object, "BaseWhite", KILN_OT_LINE_LIST), KILN_OK);
    assert_int_equal(kiln_manual_object_begin(object, "BaseWhite", KILN_OT_LINE_LIST),
                     KILN_ERROR_INVALID_STATE);
    /* Triangles and quads belong to triangle lists only. */
    assert_int_equal(kiln_manual_object_triangle(object, 0, 1, 2), KILN_ERROR_INVALID_STATE);
    assert_int_equal(kiln_manual_object_quad(object, 0, 1, 2, 3), KILN_ERROR_INVALID_STATE);
    assert_int_equal(kiln_manual_object_position(object, 0, 0, 0), KILN_OK);
    assert_int_equal(kiln_manual_object_position(object, 1, 0, 0), KILN_OK);
    assert_int_equal(kiln_manual_object_end(object), KILN_OK);
    assert_int_equal(kiln_manual_object_get_num_sections(object), 1);
    assert_int_equal(object->sections[0].operation, KILN_OT_LINE_LIST);

    /* A section without vertices is dropped, as in the original engine. */
    assert_int_equal(kiln_manual_object_begin(object, "BaseWhite", KILN_OT_TRIANGLE_LIST), KILN_OK);
    assert_int_equal(kiln_manual_object_end(object), KILN_OK);
    assert_int_equal(kiln_manual_object_get_num_sections(object), 1);

    kiln_manual_object_clear(object);
    assert_int_equal(kiln_manual_object_get_num_sections(object), 0);
    assert_true(box_is_empty(kiln_manual_object_get_bounding_box(object)));
    kiln_manual_object_release(object);
    world_destroy(&w);
}

static void the_first_vertex_fixes_the_attributes_of_the_section(void **state) {
    (void)state;
    world w;
    world_create(&w);
    kiln_manual_object *object = NULL;
    assert_int_equal(kiln_scene_manager_create_manual_object(w.scene, "shape", &object), KILN_OK);
    assert_int_equal(kiln_manual_object_begin(object, "BaseWhite", KILN_OT_TRIANGLE_LIST), KILN_OK);
    /* First vertex: position, colour and two texture coordinate sets. */
    assert_int_equal(kiln_manual_object_position(object, 0, 0, 0), KILN_OK);
    assert_int_equal(kiln_manual_object_colour(object, 1, 0, 0, 1), KILN_OK);
    assert_int_equal(kiln_manual_object_texture_coord(object, 0.5f, 0.25f), KILN_OK);
    assert_int_equal(kiln_manual_object_texture_coord(object, 0.125f, 0.75f), KILN_OK);
    /* Second: only a position and the first set; the rest repeats the first vertex. */
    assert_int_equal(kiln_manual_object_position(object, 1, 0, 0), KILN_OK);
    assert_int_equal(kiln_manual_object_texture_coord(object, 1.0f, 0.0f), KILN_OK);
    /* Third: a normal, which the layout lacks, is ignored; a new colour is kept. */
    assert_int_equal(kiln_manual_object_position(object, 0, 1, 0), KILN_OK);
    assert_int_equal(kiln_manual_object_normal(object, 0, 0, 1), KILN_OK);
    assert_int_equal(kiln_manual_object_colour(object, 0, 0, 1, 0.5f), KILN_OK);
    assert_int_equal(kiln_manual_object_end(object), KILN_OK);

    assert_int_equal(kiln_manual_object_get_num_sections(object), 1);
    const kiln__manual_section *s = &object->sections[0];
    const kiln__vertex_arrays *a = &s->arrays;
    assert_int_equal(a->vertex_count, 3);
    assert_null(a->normals);
    assert_non_null(a->colours);
    assert_int_equal(s->num_uv_sets, 2);
    assert_null(a->uvs[2]);
    assert_null(a->indices);
    const float colours[3][4] = {{1, 0, 0, 1}, {1, 0, 0, 1}, {0, 0, 1, 0.5f}};
    const float uv0[3][2] = {{0.5f, 0.25f}, {1, 0}, {1, 0}};
    const float uv1[3][2] = {{0.125f, 0.75f}, {0.125f, 0.75f}, {0.125f, 0.75f}};
    for (int v = 0; v < 3; v++) {
        for (int k = 0; k < 4; k++)
            assert_float_equal(a->colours[v * 4 + k], colours[v][k], 0);
        for (int k = 0; k < 2; k++) {
            assert_float_equal(a->uvs[0][v * 2 + k], uv0[v][k], 0);
            assert_float_equal(a->uvs[1][v * 2 + k], uv1[v][k], 0);
        }
    }
    assert_float_equal(a->positions[2 * 3 + 1], 1.0f, 0);

    /* A vertex carries at most four texture coordinate sets. */
    assert_int_equal(kiln_manual_object_begin(object, "BaseWhite", KILN_OT_POINT_LIST), KILN_OK);
    assert_int_equal(kiln_manual_object_position(object, 0, 0, 0), KILN_OK);
    for (int k = 0; k < 4; k++)
        assert_int_equal(kiln_manual_object_texture_coord(object, 0, 0), KILN_OK);
    assert_int_equal(kiln_manual_object_texture_coord(object, 0, 0), KILN_ERROR_INVALID_ARGUMENT);
    assert_message_contains("4");
    assert_int_equal(kiln_manual_object_end(object), KILN_OK);
    assert_int_equal(object->sections[1].num_uv_sets, 4);
    kiln_manual_object_release(object);
    world_destroy(&w);
}

static void indices_are_checked_at_end_and_bounds_cover_every_section(void **state) {
    (void)state;
    world w;
    world_create(&w);
    kiln_manual_object *object = NULL;
    assert_int_equal(kiln_scene_manager_create_manual_object(w.scene, "shape", &object), KILN_OK);

    assert_int_equal(kiln_manual_object_begin(object, "BaseWhite", KILN_OT_TRIANGLE_LIST), KILN_OK);
    assert_int_equal(kiln_manual_object_position(object, -1, -2, 0), KILN_OK);
    assert_int_equal(kiln_manual_object_position(object, 1, -2, 0), KILN_OK);
    assert_int_equal(kiln_manual_object_position(object, 1, 2, 0), KILN_OK);
    assert_int_equal(kiln_manual_object_position(object, -1, 2, 0), KILN_OK);
    assert_int_equal(kiln_manual_object_quad(object, 0, 1, 2, 3), KILN_OK);
    assert_int_equal(kiln_manual_object_end(object), KILN_OK);
    const kiln__vertex_arrays *a = &object->sections[0].arrays;
    const uint32_t quad[6] = {0, 1, 2, 2, 3, 0};
    assert_int_equal(a->index_count, 6);
    for (int i = 0; i < 6; i++)
        assert_int_equal(a->indices[i], quad[i]);
    assert_box(kiln_manual_object_get_bounding_box(object), -1, -2, 0, 1, 2, 0);

    /* An index past the last vertex fails at end, naming both, and drops the section. */
    assert_int_equal(kiln_manual_object_begin(object, "BaseWhite", KILN_OT_TRIANGLE_LIST), KILN_OK);
    assert_int_equal(kiln_manual_object_position(object, 50, 50, 50), KILN_OK);
    assert_int_equal(kiln_manual_object_position(object, 51, 50, 50), KILN_OK);
    assert_int_equal(kiln_manual_object_position(object, 50, 51, 50), KILN_OK);
    assert_int_equal(kiln_manual_object_triangle(object, 0, 1, 3), KILN_OK);
    assert_int_equal(kiln_manual_object_end(object), KILN_ERROR_OUT_OF_RANGE);
    assert_message_contains("index 3");
    assert_message_contains("3 vertices");
    assert_int_equal(kiln_manual_object_get_num_sections(object), 1);
    assert_box(kiln_manual_object_get_bounding_box(object), -1, -2, 0, 1, 2, 0);
    /* The failed section is closed: a new one can begin. */
    assert_int_equal(kiln_manual_object_begin(object, "BaseWhite", KILN_OT_LINE_STRIP), KILN_OK);
    assert_int_equal(kiln_manual_object_position(object, 0, 0, -5), KILN_OK);
    assert_int_equal(kiln_manual_object_position(object, 3, 0, 1), KILN_OK);
    assert_int_equal(kiln_manual_object_end(object), KILN_OK);
    assert_int_equal(kiln_manual_object_get_num_sections(object), 2);
    assert_box(kiln_manual_object_get_bounding_box(object), -1, -2, -5, 3, 2, 1);
    kiln_manual_object_release(object);
    world_destroy(&w);
}

/* ---- meshes from data ---- */

static const float cube_positions[8 * 3] = {-1, -1, -1, 1, -1, -1, 1, 1, -1, -1, 1, -1,
                                            -1, -1, 3,  1, -1, 3,  1, 1, 3,  -1, 1, 3};

static void meshes_from_data_are_copied_and_counted(void **state) {
    (void)state;
    world w;
    world_create(&w);
    float positions[8 * 3];
    memcpy(positions, cube_positions, sizeof positions);
    const uint16_t indices[6] = {0, 1, 2, 4, 5, 6};
    kiln_mesh_data data = {0};
    data.vertex_count = 8;
    data.positions = positions;
    data.indices = indices;
    data.index_count = 6;
    data.index_type = KILN_IT_16BIT;
    kiln_mesh *mesh = NULL;
    assert_int_equal(kiln_mesh_manager_create_from_data(w.meshes, "cube", NULL, &data, &mesh),
                     KILN_OK);
    positions[0] = 100.0f; /* the mesh holds its own copy */
    assert_string_equal(kiln_mesh_get_name(mesh), "cube");
    assert_int_equal(kiln_mesh_get_num_sub_meshes(mesh), 1);
    assert_int_equal(kiln_mesh_get_vertex_count(mesh), 8);
    assert_int_equal(kiln_mesh_get_triangle_count(mesh), 2);
    assert_box(kiln_mesh_get_bounding_box(mesh), -1, -1, -1, 1, 1, 3);
    assert_int_equal(mesh->sub_meshes[0].operation, KILN_OT_TRIANGLE_LIST);
    assert_int_equal(mesh->sub_meshes[0].arrays.indices[3], 4);
    assert_float_equal(mesh->sub_meshes[0].arrays.positions[0], -1.0f, 0);

    assert_true(kiln_mesh_manager_resource_exists(w.meshes, "cube", "General"));
    kiln_mesh *found = NULL;
    assert_int_equal(kiln_mesh_manager_get_by_name(w.meshes, "cube", NULL, &found), KILN_OK);
    assert_ptr_equal(found, mesh);
    kiln_mesh_release(found);
    assert_int_equal(kiln_mesh_manager_create_from_data(w.meshes, "cube", NULL, &data, NULL),
                     KILN_ERROR_INVALID_ARGUMENT);
    assert_message_contains("'cube'");

    /* A strip of 5 vertices in order makes 3 triangles. */
    data = (kiln_mesh_data){0};
    data.operation = KILN_OT_TRIANGLE_STRIP;
    data.vertex_count = 5;
    data.positions = cube_positions;
    assert_int_equal(kiln_mesh_manager_create_from_data(w.meshes, "strip", "Other", &data, NULL),
                     KILN_OK);
    assert_false(kiln_mesh_manager_resource_exists(w.meshes, "strip", "General"));
    assert_int_equal(kiln_mesh_manager_get_by_name(w.meshes, "strip", "Other", &found), KILN_OK);
    assert_int_equal(kiln_mesh_get_triangle_count(found), 3);
    kiln_mesh_release(found);

    /* Removing drops the manager's reference; the caller's stays valid. */
    assert_int_equal(kiln_mesh_manager_remove(w.meshes, "cube", NULL), KILN_OK);
    assert_false(kiln_mesh_manager_resource_exists(w.meshes, "cube", NULL));
    assert_int_equal(kiln_mesh_manager_remove(w.meshes, "cube", NULL), KILN_ERROR_NOT_FOUND);
    assert_int_equal(kiln_mesh_manager_get_by_name(w.meshes, "cube", NULL, &found),
                     KILN_ERROR_NOT_FOUND);
    assert_int_equal(kiln_mesh_get_vertex_count(mesh), 8);
    world_destroy(&w);
    assert_int_equal(kiln_mesh_get_triangle_count(mesh), 2);
    kiln_mesh_release(mesh);
}

static void meshes_from_data_are_validated(void **state) {
    (void)state;
    world w;
    world_create(&w);
    kiln_mesh_data data = {0};
    data.vertex_count = 8;
    assert_int_equal(kiln_mesh_manager_create_from_data(w.meshes, "m", NULL, &data, NULL),
                     KILN_ERROR_INVALID_ARGUMENT);
    assert_message_contains("positions");
    assert_int_equal(kiln_mesh_manager_create_from_data(w.meshes, "m", NULL, NULL, NULL),
                     KILN_ERROR_INVALID_ARGUMENT);

    data.positions = cube_positions;
    assert_int_equal(kiln_mesh_manager_create_from_data(w.meshes, "m", NULL, &data, NULL),
                     KILN_ERROR_INVALID_ARGUMENT);
    assert_message_contains("not 8"); /* 8 vertices are no whole number of triangles */

    const uint32_t indices[6] = {0, 1, 2, 3, 4, 8};
    data.indices = indices;
    data.index_type = KILN_IT_32BIT;
    data.index_count = 6;
    assert_int_equal(kiln_mesh_manager_create_from_data(w.meshes, "m", NULL, &data, NULL),
                     KILN_ERROR_OUT_OF_RANGE);
    assert_message_contains("index 8");
    assert_message_contains("8 vertices");

    data.index_count = 5;
    assert_int_equal(kiln_mesh_manager_create_from_data(w.meshes, "m", NULL, &data, NULL),
                     KILN_ERROR_INVALID_ARGUMENT);
    assert_message_contains("not 5");

    data.operation = KILN_OT_LINE_LIST;
    assert_int_equal(kiln_mesh_manager_create_from_data(w.meshes, "m", NULL, &data, NULL),
                     KILN_ERROR_INVALID_ARGUMENT);
    assert_message_contains("even");
    data.index_count = 4;
    assert_int_equal(kiln_mesh_manager_create_from_data(w.meshes, "m", NULL, &data, NULL), KILN_OK);

    data.operation = (kiln_operation_type)9;
    assert_int_equal(kiln_mesh_manager_create_from_data(w.meshes, "n", NULL, &data, NULL),
                     KILN_ERROR_INVALID_ARGUMENT);
    data.operation = KILN_OT_POINT_LIST;
    data.indices = NULL;
    assert_int_equal(kiln_mesh_manager_create_from_data(w.meshes, "n", NULL, &data, NULL),
                     KILN_ERROR_INVALID_ARGUMENT);
    assert_message_contains("index_count");
    data.index_count = 0;
    data.index_type = (kiln_index_type)2;
    assert_int_equal(kiln_mesh_manager_create_from_data(w.meshes, "n", NULL, &data, NULL),
                     KILN_ERROR_INVALID_ARGUMENT);
    data.index_type = KILN_IT_16BIT;
    data.vertex_count = 0;
    assert_int_equal(kiln_mesh_manager_create_from_data(w.meshes, "n", NULL, &data, NULL),
                     KILN_ERROR_INVALID_ARGUMENT);
    assert_false(kiln_mesh_manager_resource_exists(w.meshes, "n", NULL));
    world_destroy(&w);
}

/* ---- meshes from files ---- */

static char temp_dir[256];

static const char *temp_path(const char *name) {
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", temp_dir, name);
    return path;
}

static void write_file(const char *name, const void *data, size_t size) {
    FILE *f = fopen(temp_path(name), "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, size, f), size);
    fclose(f);
}

static void write_text(const char *name, const char *text) { write_file(name, text, strlen(text)); }

static int make_temp_dir(void **state) {
    (void)state;
    const char *base = getenv("TMPDIR");
    snprintf(temp_dir, sizeof temp_dir, "%s/kiln_geometry_XXXXXX", base ? base : "/tmp");
    return mkdtemp(temp_dir) ? 0 : -1;
}

static int remove_temp_dir(void **state) {
    (void)state;
    static const char *files[] = {"quad.obj", "quad.mtl",     "tetra.ply",   "square.stl",
                                  "tri.gltf", "garbage.gltf", "garbage.obj", "subdir"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
        remove(temp_path(files[i]));
    return rmdir(temp_dir);
}

/* The sub-mesh vertex at position p, or -1. */
static int find_vertex(const kiln__sub_mesh *sub, float x, float y, float z) {
    for (uint32_t v = 0; v < sub->arrays.vertex_count; v++) {
        const float *p = sub->arrays.positions + (size_t)v * 3;
        if (fabsf(p[0] - x) < 1e-5f && fabsf(p[1] - y) < 1e-5f && fabsf(p[2] - z) < 1e-5f)
            return (int)v;
    }
    return -1;
}

static void an_obj_file_loads_with_flipped_uvs_and_its_materials(void **state) {
    (void)state;
    world w;
    world_create(&w);
    write_text("quad.mtl", "newmtl Red\nKd 1 0 0\n");
    write_text("quad.obj", "mtllib quad.mtl\n"
                           "o quad\n"
                           "v 0 0 0\nv 2 0 0\nv 2 1 0\nv 0 1 -0.5\n"
                           "vt 0.25 0.1\nvt 0.75 0.1\nvt 0.75 0.6\nvt 0.25 0.6\n"
                           "usemtl Red\n"
                           "f 1/1 2/2 3/3 4/4\n");
    /* The file's material "Red" maps to "<mesh name>/Red" when that material exists. */
    kiln_material *red = unlit_material(&w, "quad/Red");
    kiln_mesh *mesh = NULL;
    assert_int_equal(kiln_mesh_manager_load(w.meshes, "quad", NULL, temp_path("quad.obj"), &mesh),
                     KILN_OK);
    assert_int_equal(kiln_mesh_get_num_sub_meshes(mesh), 1);
    assert_int_equal(kiln_mesh_get_vertex_count(mesh), 4);
    assert_int_equal(kiln_mesh_get_triangle_count(mesh), 2);
    assert_box(kiln_mesh_get_bounding_box(mesh), 0, 0, -0.5f, 2, 1, 0);
    const kiln__sub_mesh *sub = &mesh->sub_meshes[0];
    assert_string_equal(sub->material_name, "quad/Red");
    assert_non_null(sub->arrays.normals); /* generated */
    assert_non_null(sub->arrays.uvs[0]);
    assert_null(sub->arrays.uvs[1]);
    /* OBJ's v runs up from the bottom; Kiln's (0, 0) is the texture's top row. */
    int v = find_vertex(sub, 0, 0, 0);
    assert_true(v >= 0);
    assert_float_equal(sub->arrays.uvs[0][v * 2], 0.25f, 1e-6);
    assert_float_equal(sub->arrays.uvs[0][v * 2 + 1], 0.9f, 1e-6);
    v = find_vertex(sub, 2, 1, 0);
    assert_true(v >= 0);
    assert_float_equal(sub->arrays.uvs[0][v * 2], 0.75f, 1e-6);
    assert_float_equal(sub->arrays.uvs[0][v * 2 + 1], 0.4f, 1e-6);

    /* An entity of it shows the file's material. */
    kiln_entity *entity = NULL;
    assert_int_equal(kiln_scene_manager_create_entity(w.scene, "quad", mesh, &entity), KILN_OK);
    kiln_material *material = NULL;
    assert_int_equal(kiln_entity_get_material(entity, &material), KILN_OK);
    assert_ptr_equal(material, red);
    kiln_material_release(material);
    kiln_entity_release(entity);

    /* Under another name there is no such material: one is made from the file's. */
    kiln_mesh *other = NULL;
    assert_int_equal(kiln_mesh_manager_load(w.meshes, "other", NULL, temp_path("quad.obj"), &other),
                     KILN_OK);
    assert_string_equal(other->sub_meshes[0].material_name, "other/Red");
    assert_string_equal(kiln_mesh_get_sub_mesh_material_name(other, 0), "other/Red");
    assert_null(kiln_mesh_get_sub_mesh_material_name(other, 1));
    assert_true(kiln_material_manager_resource_exists(w.materials, "other/Red", NULL));
    assert_int_equal(kiln_mesh_manager_load(w.meshes, "other", NULL, temp_path("quad.obj"), NULL),
                     KILN_ERROR_INVALID_ARGUMENT);
    kiln_mesh_release(other);
    kiln_mesh_release(mesh);
    kiln_material_release(red);
    world_destroy(&w);
}

static void ply_and_stl_files_load(void **state) {
    (void)state;
    world w;
    world_create(&w);
    write_text("tetra.ply", "ply\n"
                            "format ascii 1.0\n"
                            "element vertex 4\n"
                            "property float x\nproperty float y\nproperty float z\n"
                            "element face 4\n"
                            "property list uchar int vertex_indices\n"
                            "end_header\n"
                            "0 0 0\n1 0 0\n0 2 0\n0 0 3\n"
                            "3 0 2 1\n3 0 1 3\n3 0 3 2\n3 1 2 3\n");
    kiln_mesh *mesh = NULL;
    assert_int_equal(kiln_mesh_manager_load(w.meshes, "tetra", NULL, temp_path("tetra.ply"), &mesh),
                     KILN_OK);
    assert_int_equal(kiln_mesh_get_triangle_count(mesh), 4);
    /* Smooth normals are shared per position, so the corners stay joined. */
    assert_int_equal(kiln_mesh_get_vertex_count(mesh), 4);
    assert_box(kiln_mesh_get_bounding_box(mesh), 0, 0, 0, 1, 2, 3);
    assert_non_null(mesh->sub_meshes[0].arrays.normals);
    assert_null(mesh->sub_meshes[0].arrays.uvs[0]);
    kiln_mesh_release(mesh);

    write_text("square.stl", "solid square\n"
                             "facet normal 0 0 1\n outer loop\n"
                             "  vertex 0 0 0\n  vertex 1 0 0\n  vertex 1 1 0\n"
                             " endloop\nendfacet\n"
                             "facet normal 0 0 1\n outer loop\n"
                             "  vertex 0 0 0\n  vertex 1 1 0\n  vertex 0 1 0\n"
                             " endloop\nendfacet\n"
                             "endsolid square\n");
    assert_int_equal(
        kiln_mesh_manager_load(w.meshes, "square", NULL, temp_path("square.stl"), &mesh), KILN_OK);
    assert_int_equal(kiln_mesh_get_triangle_count(mesh), 2);
    assert_int_equal(kiln_mesh_get_vertex_count(mesh), 4); /* the diagonal's ends are shared */
    assert_box(kiln_mesh_get_bounding_box(mesh), 0, 0, 0, 1, 1, 0);
    const kiln__sub_mesh *sub = &mesh->sub_meshes[0];
    int v = find_vertex(sub, 1, 1, 0);
    assert_true(v >= 0);
    assert_float_equal(sub->arrays.normals[v * 3 + 2], 1.0f, 1e-6);
    kiln_mesh_release(mesh);
    world_destroy(&w);
}

static char *base64(const uint8_t *data, size_t size) {
    static const char digits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char *out = malloc((size + 2) / 3 * 4 + 1), *p = out;
    assert_non_null(out);
    for (size_t i = 0; i < size; i += 3) {
        uint32_t n = (uint32_t)data[i] << 16;
        if (i + 1 < size)
            n |= (uint32_t)data[i + 1] << 8;
        if (i + 2 < size)
            n |= data[i + 2];
        *p++ = digits[(n >> 18) & 63];
        *p++ = digits[(n >> 12) & 63];
        *p++ = i + 1 < size ? digits[(n >> 6) & 63] : '=';
        *p++ = i + 2 < size ? digits[n & 63] : '=';
    }
    *p = '\0';
    return out;
}

static void a_gltf_file_loads_in_its_node_space_with_its_uvs(void **state) {
    (void)state;
    world w;
    world_create(&w);
    /* One triangle: positions then uvs in an embedded buffer, under a node that
     * moves it by (10, 0, 0) and scales it by 2 in y. */
    const float buffer[15] = {0, 0, 0, 1, 0, 0, 0, 1, 0, 0.25f, 0.1f, 0.75f, 0.1f, 0.25f, 0.6f};
    char *encoded = base64((const uint8_t *)buffer, sizeof buffer);
    char json[2048];
    snprintf(
        json, sizeof json,
        "{\"asset\":{\"version\":\"2.0\"},\"scene\":0,\"scenes\":[{\"nodes\":[0]}],"
        "\"nodes\":[{\"mesh\":0,\"translation\":[10,0,0],\"scale\":[1,2,1]}],"
        "\"meshes\":[{\"primitives\":[{\"attributes\":{\"POSITION\":0,\"TEXCOORD_0\":1}}]}],"
        "\"buffers\":[{\"byteLength\":60,\"uri\":\"data:application/octet-stream;base64,%s\"}],"
        "\"bufferViews\":[{\"buffer\":0,\"byteOffset\":0,\"byteLength\":36},"
        "{\"buffer\":0,\"byteOffset\":36,\"byteLength\":24}],"
        "\"accessors\":[{\"bufferView\":0,\"componentType\":5126,\"count\":3,\"type\":\"VEC3\","
        "\"min\":[0,0,0],\"max\":[1,1,0]},"
        "{\"bufferView\":1,\"componentType\":5126,\"count\":3,\"type\":\"VEC2\"}]}",
        encoded);
    free(encoded);
    write_text("tri.gltf", json);
    kiln_mesh *mesh = NULL;
    assert_int_equal(kiln_mesh_manager_load(w.meshes, "tri", NULL, temp_path("tri.gltf"), &mesh),
                     KILN_OK);
    assert_int_equal(kiln_mesh_get_num_sub_meshes(mesh), 1);
    assert_int_equal(kiln_mesh_get_vertex_count(mesh), 3);
    assert_int_equal(kiln_mesh_get_triangle_count(mesh), 1);
    assert_box(kiln_mesh_get_bounding_box(mesh), 10, 0, 0, 11, 2, 0);
    const kiln__sub_mesh *sub = &mesh->sub_meshes[0];
    /* glTF's (0, 0) is already the texture's top left: the values come through. */
    int v = find_vertex(sub, 10, 2, 0);
    assert_true(v >= 0);
    assert_float_equal(sub->arrays.uvs[0][v * 2], 0.25f, 1e-6);
    assert_float_equal(sub->arrays.uvs[0][v * 2 + 1], 0.6f, 1e-6);
    /* The generated normal faces +z (anticlockwise winding). */
    assert_float_equal(sub->arrays.normals[v * 3 + 2], 1.0f, 1e-5);
    /* glTF's default material, made for it. */
    assert_string_equal(sub->material_name, "tri/material0");
    kiln_mesh_release(mesh);
    world_destroy(&w);
}

static void unreadable_and_malformed_files_fail_cleanly(void **state) {
    (void)state;
    world w;
    world_create(&w);
    const char *missing = temp_path("missing.obj");
    assert_int_equal(kiln_mesh_manager_load(w.meshes, "m", NULL, missing, NULL), KILN_ERROR_IO);
    assert_message_contains(missing);
    assert_int_equal(mkdir(temp_path("subdir"), 0700), 0);
    assert_int_equal(kiln_mesh_manager_load(w.meshes, "m", NULL, temp_path("subdir"), NULL),
                     KILN_ERROR_IO);

    write_text("garbage.gltf", "{ this is not json");
    assert_int_equal(kiln_mesh_manager_load(w.meshes, "m", NULL, temp_path("garbage.gltf"), NULL),
                     KILN_ERROR_INVALID_ARGUMENT);
    assert_message_contains("garbage.gltf");
    uint8_t noise[512];
    for (size_t i = 0; i < sizeof noise; i++)
        noise[i] = (uint8_t)(i * 7919u >> 3);
    write_file("garbage.obj", noise, sizeof noise);
    assert_int_equal(kiln_mesh_manager_load(w.meshes, "m", NULL, temp_path("garbage.obj"), NULL),
                     KILN_ERROR_INVALID_ARGUMENT);
    assert_false(kiln_mesh_manager_resource_exists(w.meshes, "m", NULL));
    assert_int_equal(kiln_mesh_manager_load(w.meshes, "m", NULL, NULL, NULL),
                     KILN_ERROR_INVALID_ARGUMENT);
    world_destroy(&w);
}

/* ---- entities ---- */

static kiln_mesh *cube_mesh(world *w, const char *name, const char *material) {
    kiln_mesh_data data = {0};
    data.operation = KILN_OT_POINT_LIST;
    data.vertex_count = 8;
    data.positions = cube_positions;
    data.material_name = material;
    kiln_mesh *mesh = NULL;
    assert_int_equal(kiln_mesh_manager_create_from_data(w->meshes, name, NULL, &data, &mesh),
                     KILN_OK);
    return mesh;
}

static void entities_show_meshes_with_materials_and_bounds(void **state) {
    (void)state;
    world w;
    world_create(&w);
    kiln_mesh *mesh = cube_mesh(&w, "cube", NULL);
    kiln_entity *entity = NULL;
    assert_int_equal(kiln_scene_manager_create_entity(w.scene, "e", mesh, &entity), KILN_OK);
    kiln_movable_object *movable = kiln_entity_as_movable_object(entity);
    assert_string_equal(kiln_movable_object_get_movable_type(movable), "Entity");
    assert_string_equal(kiln_movable_object_get_name(movable), "e");
    assert_int_equal(kiln_scene_manager_create_entity(w.scene, "e", mesh, NULL),
                     KILN_ERROR_INVALID_ARGUMENT);
    assert_message_contains("'e'");
    assert_int_equal(kiln_scene_manager_create_entity(w.scene, "f", NULL, NULL),
                     KILN_ERROR_INVALID_ARGUMENT);
    kiln_mesh *got = NULL;
    assert_int_equal(kiln_entity_get_mesh(entity, &got), KILN_OK);
    assert_ptr_equal(got, mesh);
    kiln_mesh_release(got);

    /* Without a material of its own, a sub-mesh shows BaseWhite: lit and white. */
    kiln_material *material = NULL;
    assert_int_equal(kiln_entity_get_material(entity, &material), KILN_OK);
    assert_non_null(material);
    assert_string_equal(kiln_material_get_name(material), "BaseWhite");
    assert_string_equal(kiln_material_get_group(material), "General");
    kiln_technique *technique = NULL;
    kiln_pass *pass = NULL;
    assert_int_equal(kiln_material_get_technique(material, 0, &technique), KILN_OK);
    assert_int_equal(kiln_technique_get_pass(technique, 0, &pass), KILN_OK);
    assert_true(kiln_pass_get_lighting_enabled(pass));
    kiln_colour diffuse = kiln_pass_get_diffuse(pass);
    assert_true(diffuse.r == 1 && diffuse.g == 1 && diffuse.b == 1 && diffuse.a == 1);
    kiln_material_release(material);

    /* A named material, and the override. */
    kiln_material *blue = unlit_material(&w, "Blue");
    kiln_mesh *named = cube_mesh(&w, "named", "Blue");
    kiln_entity *second = NULL;
    assert_int_equal(kiln_scene_manager_create_entity(w.scene, "second", named, &second), KILN_OK);
    assert_int_equal(kiln_entity_get_material(second, &material), KILN_OK);
    assert_ptr_equal(material, blue);
    kiln_material_release(material);
    kiln_entity_set_material(entity, blue);
    assert_int_equal(kiln_entity_get_material(entity, &material), KILN_OK);
    assert_ptr_equal(material, blue);
    kiln_material_release(material);
    kiln_entity_set_material(entity, NULL);
    assert_int_equal(kiln_entity_get_material(entity, &material), KILN_OK);
    assert_string_equal(kiln_material_get_name(material), "BaseWhite");
    kiln_material_release(material);

    /* Bounds: the mesh's, then through the node's full transform. */
    assert_box(kiln_entity_get_bounding_box(entity), -1, -1, -1, 1, 1, 3);
    assert_box(kiln_entity_get_world_bounding_box(entity), -1, -1, -1, 1, 1, 3);
    kiln_scene_node *parent = NULL, *node = NULL;
    assert_int_equal(kiln_scene_node_create_child_scene_node(
                         kiln_scene_manager_get_root_scene_node(w.scene), &parent),
                     KILN_OK);
    assert_int_equal(kiln_scene_node_create_child_scene_node(parent, &node), KILN_OK);
    kiln_scene_node_set_position(parent, &(kiln_vector3){100, 0, 0});
    kiln_scene_node_set_scale(node, &(kiln_vector3){2, 1, 1});
    /* A quarter turn about y carries +z to +x and +x to -z. */
    kiln_quaternion turn = kiln_quaternion_from_angle_axis(1.57079632679f, (kiln_vector3){0, 1, 0});
    kiln_scene_node_set_orientation(node, &turn);
    assert_int_equal(kiln_scene_node_attach_object(node, movable), KILN_OK);
    /* Scaled: x in [-2, 2], y [-1, 1], z [-1, 3]; turned: x = z, z = -x. */
    assert_box(kiln_entity_get_world_bounding_box(entity), 99, -1, -2, 103, 1, 2);
    assert_box(kiln_entity_get_bounding_box(entity), -1, -1, -1, 1, 1, 3);

    kiln_entity_release(second);
    kiln_mesh_release(named);
    kiln_material_release(blue);
    kiln_mesh_release(mesh);
    world_destroy(&w);
    /* The entity outlives its scene and keeps its mesh. */
    assert_box(kiln_entity_get_bounding_box(entity), -1, -1, -1, 1, 1, 3);
    kiln_entity_release(entity);
}

/* ---- drawing ---- */

/* Counts the draw calls reaching the backend by wrapping its draw entry. */
static kiln__render_system_ops counting_ops;
static const kiln__render_system_ops *real_ops;
static uint32_t draw_calls;

static kiln_result counting_draw(kiln__render_system *self, const kiln__draw_call *call) {
    draw_calls++;
    return real_ops->draw(self, call);
}

static void count_draws(kiln_root *root) {
    real_ops = root->render_system->ops;
    counting_ops = *real_ops;
    counting_ops.draw = counting_draw;
    root->render_system->ops = &counting_ops;
}

static void stop_counting(kiln_root *root) { root->render_system->ops = real_ops; }

typedef struct stage {
    world w;
    kiln_camera *camera;
    kiln_render_target *target;
    kiln_viewport *viewport;
    kiln_scene_node *node;
} stage;

/* A 64x64 target seen by a camera at the origin looking down -z with a 90 degree
 * field of view, and a node for the objects under test. */
static void stage_create(stage *s) {
    world_create(&s->w);
    assert_int_equal(kiln_scene_manager_create_camera(s->w.scene, "camera", &s->camera), KILN_OK);
    assert_int_equal(kiln_camera_set_fov_y(s->camera, 1.57079632679f), KILN_OK);
    assert_int_equal(kiln_camera_set_near_clip_distance(s->camera, 0.5f), KILN_OK);
    assert_int_equal(kiln_camera_set_far_clip_distance(s->camera, 100.0f), KILN_OK);
    assert_int_equal(kiln_root_create_render_texture(s->w.root, "target", 64, 64, NULL, &s->target),
                     KILN_OK);
    assert_int_equal(kiln_render_target_add_viewport(s->target, s->camera, NULL, &s->viewport),
                     KILN_OK);
    kiln_colour grey = {0.2f, 0.2f, 0.2f, 1.0f};
    kiln_viewport_set_background_colour(s->viewport, &grey);
    assert_int_equal(kiln_scene_node_create_child_scene_node(
                         kiln_scene_manager_get_root_scene_node(s->w.scene), &s->node),
                     KILN_OK);
    count_draws(s->w.root);
}

static void stage_destroy(stage *s) {
    stop_counting(s->w.root);
    kiln_camera_release(s->camera);
    world_destroy(&s->w);
}

static uint8_t *render_rgb(stage *s) {
    draw_calls = 0;
    assert_int_equal(kiln_root_render_one_frame(s->w.root), KILN_OK);
    kiln_stream *stream = NULL;
    assert_int_equal(kiln_stream_create_memory(64 * 64 * 3, &stream), KILN_OK);
    kiln_pixelbox *box = NULL;
    assert_int_equal(kiln_pixelbox_create(64, 64, 1, KILN_PF_BYTE_RGB, stream, &box), KILN_OK);
    kiln_box all = {0, 0, 0, 64, 64, 1};
    assert_int_equal(kiln_render_target_copy_contents_to_memory(s->target, &all, box), KILN_OK);
    uint8_t *copy = malloc(64 * 64 * 3);
    assert_non_null(copy);
    memcpy(copy, kiln_stream_get_pointer(stream), 64 * 64 * 3);
    kiln_pixelbox_release(box);
    kiln_stream_release(stream);
    return copy;
}

static void assert_pixel(const uint8_t *rgb, int x, int y, uint8_t r, uint8_t g, uint8_t b) {
    const uint8_t *p = rgb + ((size_t)y * 64 + (size_t)x) * 3;
    if (p[0] != r || p[1] != g || p[2] != b)
        fail_msg("pixel (%d, %d) is (%d, %d, %d), expected (%d, %d, %d)", x, y, p[0], p[1], p[2], r,
                 g, b);
}

/* A 2x2 square at distance 2 through a 90 degree field of view covers the middle
 * half of the target: pixels 16 to 47 in both directions. */
static void add_square(kiln_manual_object *object, float z) {
    assert_int_equal(kiln_manual_object_begin(object, "Unlit", KILN_OT_TRIANGLE_LIST), KILN_OK);
    assert_int_equal(kiln_manual_object_position(object, -1, -1, z), KILN_OK);
    assert_int_equal(kiln_manual_object_colour(object, 1, 0, 0, 1), KILN_OK);
    assert_int_equal(kiln_manual_object_position(object, 1, -1, z), KILN_OK);
    assert_int_equal(kiln_manual_object_position(object, 1, 1, z), KILN_OK);
    assert_int_equal(kiln_manual_object_position(object, -1, 1, z), KILN_OK);
    assert_int_equal(kiln_manual_object_quad(object, 0, 1, 2, 3), KILN_OK);
    assert_int_equal(kiln_manual_object_end(object), KILN_OK);
}

static void a_manual_object_draws_through_a_perspective_camera(void **state) {
    (void)state;
    stage s;
    stage_create(&s);
    kiln_material *unlit = unlit_material(&s.w, "Unlit");
    kiln_manual_object *object = NULL;
    assert_int_equal(kiln_scene_manager_create_manual_object(s.w.scene, "square", &object),
                     KILN_OK);
    add_square(object, -2.0f);
    assert_int_equal(
        kiln_scene_node_attach_object(s.node, kiln_manual_object_as_movable_object(object)),
        KILN_OK);
    uint8_t *rgb = render_rgb(&s);
    assert_int_equal(draw_calls, 1);
    for (int i = 16; i < 48; i += 31) {
        assert_pixel(rgb, i, 32, 255, 0, 0);
        assert_pixel(rgb, 32, i, 255, 0, 0);
    }
    assert_pixel(rgb, 15, 32, 51, 51, 51);
    assert_pixel(rgb, 48, 32, 51, 51, 51);
    assert_pixel(rgb, 32, 15, 51, 51, 51);
    assert_pixel(rgb, 32, 48, 51, 51, 51);
    free(rgb);

    /* The node's transform applies: moved right by 1 (a quarter of the view). */
    kiln_scene_node_set_position(s.node, &(kiln_vector3){1, 0, 0});
    rgb = render_rgb(&s);
    assert_pixel(rgb, 31, 32, 51, 51, 51);
    assert_pixel(rgb, 32, 32, 255, 0, 0);
    assert_pixel(rgb, 63, 32, 255, 0, 0);
    free(rgb);

    /* Line and point sections draw as lines and points: row 40's pixel centres lie at
     * y = -0.53125 at distance 2, and column 20's at x = -0.71875. */
    kiln_scene_node_set_position(s.node, &(kiln_vector3){0, 0, 0});
    kiln_manual_object_clear(object);
    assert_int_equal(kiln_manual_object_begin(object, "Unlit", KILN_OT_LINE_LIST), KILN_OK);
    assert_int_equal(kiln_manual_object_position(object, -1, -0.53125f, -2), KILN_OK);
    assert_int_equal(kiln_manual_object_colour(object, 0, 1, 0, 1), KILN_OK);
    assert_int_equal(kiln_manual_object_position(object, 1, -0.53125f, -2), KILN_OK);
    assert_int_equal(kiln_manual_object_end(object), KILN_OK);
    assert_int_equal(kiln_manual_object_begin(object, "Unlit", KILN_OT_POINT_LIST), KILN_OK);
    assert_int_equal(kiln_manual_object_position(object, -0.71875f, 0.53125f, -2), KILN_OK);
    assert_int_equal(kiln_manual_object_colour(object, 0, 0, 1, 1), KILN_OK);
    assert_int_equal(kiln_manual_object_end(object), KILN_OK);
    rgb = render_rgb(&s);
    assert_int_equal(draw_calls, 2);
    assert_pixel(rgb, 32, 40, 0, 255, 0);
    assert_pixel(rgb, 20, 40, 0, 255, 0);
    assert_pixel(rgb, 32, 39, 51, 51, 51);
    assert_pixel(rgb, 32, 41, 51, 51, 51);
    assert_pixel(rgb, 20, 23, 0, 0, 255);
    assert_pixel(rgb, 21, 23, 51, 51, 51);
    assert_pixel(rgb, 20, 24, 51, 51, 51);
    free(rgb);

    /* Hidden objects draw nothing. */
    kiln_movable_object_set_visible(kiln_manual_object_as_movable_object(object), false);
    free(render_rgb(&s));
    assert_int_equal(draw_calls, 0);

    kiln_manual_object_release(object);
    kiln_material_release(unlit);
    stage_destroy(&s);
}

static void objects_outside_the_frustum_are_not_drawn(void **state) {
    (void)state;
    stage s;
    stage_create(&s);
    kiln_material *unlit = unlit_material(&s.w, "Unlit");
    kiln_manual_object *object = NULL;
    assert_int_equal(kiln_scene_manager_create_manual_object(s.w.scene, "square", &object),
                     KILN_OK);
    add_square(object, 0.0f);
    assert_int_equal(
        kiln_scene_node_attach_object(s.node, kiln_manual_object_as_movable_object(object)),
        KILN_OK);
    const struct {
        kiln_vector3 position;
        uint32_t draws;
    } cases[] = {
        {{0, 0, -2}, 1},     /* in front */
        {{0, 0, 5}, 0},      /* behind the camera */
        {{0, 0, -0.2f}, 0},  /* between the camera and the near plane */
        {{-20, 0, -2}, 0},   /* beyond the left plane */
        {{0, 20, -2}, 0},    /* above the top plane */
        {{0, 0, -150}, 0},   /* beyond the far plane */
        {{0, 0, -99.5f}, 1}, /* just inside the far plane */
        {{2.5f, 0, -2}, 1},  /* partly inside the right plane */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        kiln_scene_node_set_position(s.node, &cases[i].position);
        free(render_rgb(&s));
        if (draw_calls != cases[i].draws)
            fail_msg("case %zu: %u draw calls, expected %u", i, draw_calls, cases[i].draws);
    }
    /* An infinite far plane culls nothing in the distance. */
    assert_int_equal(kiln_camera_set_far_clip_distance(s.camera, 0.0f), KILN_OK);
    kiln_scene_node_set_position(s.node, &(kiln_vector3){0, 0, -1.0e6f});
    free(render_rgb(&s));
    assert_int_equal(draw_calls, 1);
    kiln_scene_node_set_position(s.node, &(kiln_vector3){0, 0, 5});
    free(render_rgb(&s));
    assert_int_equal(draw_calls, 0);

    kiln_manual_object_release(object);
    kiln_material_release(unlit);
    stage_destroy(&s);
}

static void entities_draw_each_sub_mesh_with_its_material(void **state) {
    (void)state;
    stage s;
    stage_create(&s);
    /* BaseWhite is lit: with white ambient light and no lights, it shows white. */
    kiln_colour white = {1, 1, 1, 1};
    kiln_scene_manager_set_ambient_light(s.w.scene, &white);
    const float positions[4 * 3] = {-1, -1, -2, 1, -1, -2, 1, 1, -2, -1, 1, -2};
    const uint32_t indices[6] = {0, 1, 2, 2, 3, 0};
    kiln_mesh_data data = {0};
    data.vertex_count = 4;
    data.positions = positions;
    data.indices = indices;
    data.index_count = 6;
    data.index_type = KILN_IT_32BIT;
    kiln_mesh *mesh = NULL;
    assert_int_equal(kiln_mesh_manager_create_from_data(s.w.meshes, "square", NULL, &data, &mesh),
                     KILN_OK);
    kiln_entity *entity = NULL;
    assert_int_equal(kiln_scene_manager_create_entity(s.w.scene, "square", mesh, &entity), KILN_OK);
    assert_int_equal(kiln_scene_node_attach_object(s.node, kiln_entity_as_movable_object(entity)),
                     KILN_OK);
    uint8_t *rgb = render_rgb(&s);
    assert_int_equal(draw_calls, 1);
    assert_pixel(rgb, 32, 32, 255, 255, 255);
    assert_pixel(rgb, 16, 16, 255, 255, 255);
    assert_pixel(rgb, 15, 15, 51, 51, 51);
    free(rgb);

    /* An override whose material has two passes draws twice; the second pass's
     * emissive green shows (lit, no ambient in its pass). */
    kiln_material *two = NULL;
    assert_int_equal(kiln_material_manager_create(s.w.materials, "Two", NULL, &two), KILN_OK);
    kiln_technique *technique = NULL;
    kiln_pass *second = NULL;
    assert_int_equal(kiln_material_get_technique(two, 0, &technique), KILN_OK);
    assert_int_equal(kiln_technique_create_pass(technique, &second), KILN_OK);
    kiln_pass_set_ambient(second, &(kiln_colour){0, 0, 0, 1});
    kiln_pass_set_emissive(second, &(kiln_colour){0, 1, 0, 1});
    kiln_entity_set_material(entity, two);
    rgb = render_rgb(&s);
    assert_int_equal(draw_calls, 2);
    assert_pixel(rgb, 32, 32, 0, 255, 0);
    free(rgb);

    kiln_material_release(two);
    kiln_entity_release(entity);
    kiln_mesh_release(mesh);
    stage_destroy(&s);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(manual_objects_are_named_movable_objects),
        cmocka_unit_test(building_follows_begin_and_end),
        cmocka_unit_test(the_first_vertex_fixes_the_attributes_of_the_section),
        cmocka_unit_test(indices_are_checked_at_end_and_bounds_cover_every_section),
        cmocka_unit_test(meshes_from_data_are_copied_and_counted),
        cmocka_unit_test(meshes_from_data_are_validated),
        cmocka_unit_test(an_obj_file_loads_with_flipped_uvs_and_its_materials),
        cmocka_unit_test(ply_and_stl_files_load),
        cmocka_unit_test(a_gltf_file_loads_in_its_node_space_with_its_uvs),
        cmocka_unit_test(unreadable_and_malformed_files_fail_cleanly),
        cmocka_unit_test(entities_show_meshes_with_materials_and_bounds),
        cmocka_unit_test(a_manual_object_draws_through_a_perspective_camera),
        cmocka_unit_test(objects_outside_the_frustum_are_not_drawn),
        cmocka_unit_test(entities_draw_each_sub_mesh_with_its_material),
    };
    return cmocka_run_group_tests(tests, make_temp_dir, remove_temp_dir);
}
