/* Geometry's structures (manual objects, meshes, entities), shared by the scene
 * module and the renderer that draws them. */
#ifndef KILN_SCENE_GEOMETRY_INTERNAL_H
#define KILN_SCENE_GEOMETRY_INTERNAL_H

#include "scene_internal.h"

/* The texture coordinate sets a vertex can carry. */
#define KILN__GEOMETRY_UV_SETS 4

/* Vertex arrays in separate, tightly packed streams; NULL for an absent attribute. */
typedef struct kiln__vertex_arrays {
    uint32_t vertex_count;
    float *positions;                   /* 3 floats per vertex */
    float *normals;                     /* 3 floats per vertex */
    float *colours;                     /* r, g, b, a per vertex */
    float *uvs[KILN__GEOMETRY_UV_SETS]; /* u, v per vertex */
    uint32_t *indices;                  /* NULL: vertices in order */
    uint32_t index_count;
} kiln__vertex_arrays;

typedef struct kiln__manual_section {
    kiln_material *material; /* a reference */
    kiln_operation_type operation;
    kiln__vertex_arrays arrays;
    uint32_t num_uv_sets;
} kiln__manual_section;

struct kiln_manual_object {
    kiln_movable_object base;
    kiln_scene_manager *scene; /* NULL once the scene is gone */
    kiln__manual_section *sections;
    uint32_t num_sections;
    kiln_aabb bounds;

    /* The section being built between begin and end. */
    bool building;
    kiln__manual_section current;
    uint32_t vertex_capacity;
    uint32_t index_capacity;
    /* The vertex whose attributes are still being given: its values persist, so a
     * later vertex that omits an attribute repeats the previous value. */
    bool vertex_pending;
    bool first_vertex; /* the pending vertex is the first: it defines the layout */
    bool has_normal, has_colour;
    uint32_t num_uv_sets; /* the layout's texture coordinate sets */
    uint32_t uv_index;    /* the next set texture_coord fills */
    float position[3], normal[3], colour[4], uv[KILN__GEOMETRY_UV_SETS][2];
};

typedef struct kiln__sub_mesh {
    kiln_operation_type operation;
    kiln__vertex_arrays arrays;
    char *material_name; /* "" when the entity decides */
} kiln__sub_mesh;

struct kiln_mesh {
    kiln__refcount ref;
    char *name;
    char *group;
    kiln__sub_mesh *sub_meshes;
    uint32_t num_sub_meshes;
    kiln_aabb bounds;
    char *warnings; /* what a file's import approximated or left out, a line each */
};

struct kiln_mesh_manager {
    kiln_material_manager *materials; /* borrowed: the Root owns all three */
    kiln_texture_manager *textures;
    kiln__registry meshes;
    bool in_process;       /* kiln_mesh_manager_set_isolated_import(false) */
    float import_seconds;  /* 0: the default */
    uint64_t import_bytes; /* 0: the default */
};

struct kiln_entity {
    kiln_movable_object base;
    kiln_scene_manager *scene;     /* NULL once the scene is gone */
    kiln_mesh *mesh;               /* a reference */
    kiln_material **sub_materials; /* a reference (or NULL) per sub-mesh */
    kiln_material *material;       /* the override: a reference, or NULL */
};

/* An empty box (every minimum above its maximum), and growing one by a point. */
kiln_aabb kiln__aabb_empty(void);
bool kiln__aabb_is_empty(const kiln_aabb *box);
void kiln__aabb_merge_point(kiln_aabb *box, const float *p);

/* The box holding the 8 corners of box transformed by m. */
kiln_aabb kiln__aabb_transform(const kiln_aabb *box, const kiln_matrix4 *m);

/* Frees the arrays (not the struct holding them). */
void kiln__vertex_arrays_free(kiln__vertex_arrays *arrays);

/* The number of triangles the operation makes of count vertices or indices. */
uint32_t kiln__triangle_count(kiln_operation_type operation, uint32_t count);

/* mesh_limits.c: refuses a mesh file whose header (OFF, PLY) declares more elements
 * than the file's size can hold, before an importer reserves memory for them; `function`
 * names the caller in the message. Other files, and files it cannot open, pass. */
kiln_result kiln__check_mesh_file_counts(const char *function, const char *path);

/* Checks that count vertices or indices make whole primitives of the operation;
 * otherwise fails naming function, the count and what would fit. */
kiln_result kiln__check_primitive_count(kiln_operation_type operation, uint32_t count,
                                        const char *function, const char *what);

/* The mesh manager of a Root, finding materials in `materials` (borrowed). */
kiln_result kiln__mesh_manager_create(kiln_material_manager *materials,
                                      kiln_texture_manager *textures, kiln_mesh_manager **out);
/* Releases every registered mesh and frees the manager. */
void kiln__mesh_manager_destroy(kiln_mesh_manager *self);

/* A mesh (reference count 1, unregistered) holding num_sub_meshes sub-meshes whose
 * arrays are taken over (the caller's sub_meshes array is left zeroed). */
kiln_result kiln__mesh_create(const char *name, const char *group, kiln__sub_mesh *sub_meshes,
                              uint32_t num_sub_meshes, kiln_mesh **out);

/* Registers mesh (the manager takes a reference) after checking the name is free. */
kiln_result kiln__mesh_manager_add(kiln_mesh_manager *self, kiln_mesh *mesh, const char *function);

/* A material named `name`, looked up in group first and then in "General"; NULL if
 * neither has one (no reference is taken). */
kiln_material *kiln__find_material(const kiln_material_manager *materials, const char *name,
                                   const char *group);

#endif
