/* Geometry: ManualObject (built vertex by vertex), Mesh (from arrays or files) and
 * Entity (a mesh placed in a scene), with their bounding boxes.
 *
 * Meshes are reference counted resources of the Root's mesh manager (the manager
 * holds one reference while the mesh is registered; out-parameters give the caller
 * its own). Manual objects and entities are movable objects: reference counted,
 * created by a scene manager which keeps a reference to each by name. */
#ifndef KILN_GEOMETRY_H
#define KILN_GEOMETRY_H

#include "core.h"
#include "maths.h"
#include "resource.h"
#include "scene.h"

typedef struct kiln_manual_object kiln_manual_object;
typedef struct kiln_mesh kiln_mesh;
typedef struct kiln_mesh_manager kiln_mesh_manager;
typedef struct kiln_entity kiln_entity;

/* How vertices make primitives (the original engine's RenderOperation types). */
typedef enum kiln_operation_type {
    KILN_OT_POINT_LIST = 1,
    KILN_OT_LINE_LIST = 2,
    KILN_OT_LINE_STRIP = 3,
    KILN_OT_TRIANGLE_LIST = 4,
    KILN_OT_TRIANGLE_STRIP = 5,
    KILN_OT_TRIANGLE_FAN = 6
} kiln_operation_type;

typedef enum kiln_index_type { KILN_IT_16BIT = 0, KILN_IT_32BIT = 1 } kiln_index_type;

/* An axis-aligned box; empty when any minimum exceeds its maximum. */
typedef struct kiln_aabb {
    kiln_vector3 minimum;
    kiln_vector3 maximum;
} kiln_aabb;

/* Vertex and index arrays for kiln_mesh_manager_create_from_data. Zero or NULL means
 * absent; every array has vertex_count entries. The arrays are copied. */
typedef struct kiln_mesh_data {
    kiln_operation_type operation; /* 0: KILN_OT_TRIANGLE_LIST */
    uint32_t vertex_count;
    const float *positions;         /* x, y, z per vertex (required) */
    const float *normals;           /* x, y, z per vertex */
    const float *colours;           /* r, g, b, a per vertex */
    const float *texture_coords[4]; /* u, v per vertex, for up to 4 sets */
    const void *indices;            /* NULL: vertices in order */
    uint32_t index_count;
    kiln_index_type index_type;
    const char *material_name; /* NULL or "": the entity decides (default BaseWhite) */
} kiln_mesh_data;

/* ---- manual objects ---- */

/* A manual object named `name` (unique among the scene's manual objects). The
 * caller owns the reference in *out. */
KILN_API kiln_result kiln_scene_manager_create_manual_object(kiln_scene_manager *self,
                                                             const char *name,
                                                             kiln_manual_object **out);

/* The manual object as a movable object, for calls that take any (the same object:
 * no new reference); NULL for NULL. */
KILN_API kiln_movable_object *kiln_manual_object_as_movable_object(kiln_manual_object *self);

/* Adds a reference, or drops one; the last release frees the object and its
 * sections. Both accept NULL and are thread-safe. */
KILN_API void kiln_manual_object_retain(kiln_manual_object *self);
KILN_API void kiln_manual_object_release(kiln_manual_object *self);

/* Starts a section drawn with the material `material_name` (group "General") as
 * primitives of `operation`. KILN_ERROR_NOT_FOUND names an unknown material;
 * KILN_ERROR_INVALID_STATE if a section is already open.
 * Default: operation = KILN_OT_TRIANGLE_LIST */
KILN_API kiln_result kiln_manual_object_begin(kiln_manual_object *self, const char *material_name,
                                              kiln_operation_type operation);

/* Adds a vertex; the attributes that follow (normal, colour, texture_coord) belong
 * to it. Every vertex of a section must have the same attributes as its first: a
 * missing one takes the value of the previous vertex. KILN_ERROR_INVALID_STATE
 * outside begin/end. */
KILN_API kiln_result kiln_manual_object_position(kiln_manual_object *self, float x, float y,
                                                 float z);
KILN_API kiln_result kiln_manual_object_normal(kiln_manual_object *self, float x, float y, float z);

/* Sets the current vertex's colour (linear RGBA; alpha is optional in Python).
 * Default: a = 1.0 */
KILN_API kiln_result kiln_manual_object_colour(kiln_manual_object *self, float r, float g, float b,
                                               float a);

/* Gives the vertex its next texture coordinate set: the first call after position
 * sets set 0, the next set 1, up to set 3 (a fifth fails with
 * KILN_ERROR_INVALID_ARGUMENT). KILN_ERROR_INVALID_STATE outside begin/end. */
KILN_API kiln_result kiln_manual_object_texture_coord(kiln_manual_object *self, float u, float v);

/* Adds an index; a section with indices draws through them. Indices must name
 * vertices of the section (checked at end). */
KILN_API kiln_result kiln_manual_object_index(kiln_manual_object *self, uint32_t index);
KILN_API kiln_result kiln_manual_object_triangle(kiln_manual_object *self, uint32_t i0, uint32_t i1,
                                                 uint32_t i2);
KILN_API kiln_result kiln_manual_object_quad(kiln_manual_object *self, uint32_t i0, uint32_t i1,
                                             uint32_t i2, uint32_t i3);

/* Closes the section. Fails (and drops the section) on an index past the last
 * vertex, naming both. */
KILN_API kiln_result kiln_manual_object_end(kiln_manual_object *self);

/* Drops every section. */
KILN_API void kiln_manual_object_clear(kiln_manual_object *self);

/* How many sections the object has (each ended by kiln_manual_object_end). */
KILN_API uint32_t kiln_manual_object_get_num_sections(const kiln_manual_object *self);

/* The bounds of every vertex, in the object's space. */
KILN_API kiln_aabb kiln_manual_object_get_bounding_box(const kiln_manual_object *self);

/* ---- meshes ---- */

/* A mesh from arrays (copied). Fails on a taken name, missing positions, index
 * values past vertex_count, or a count that does not fit the operation. */
KILN_API kiln_result kiln_mesh_manager_create_from_data(kiln_mesh_manager *self, const char *name,
                                                        const char *group,
                                                        const kiln_mesh_data *data,
                                                        kiln_mesh **out);

/* Loads a mesh file through assimp (OBJ, glTF/GLB, PLY, STL, FBX, ...): one sub-mesh
 * per assimp mesh, triangulated, with normals generated where the file has none.
 * KILN_ERROR_IO for an unreadable file, KILN_ERROR_INVALID_ARGUMENT with assimp's
 * reason for one it cannot parse. assimp reads the file in a child process of its
 * own (see kiln_mesh_manager_set_isolated_import), so that a file that crashes it,
 * makes it ask for more memory or time than the import limits allow (by default 64
 * times the file's size, at least 4 GiB, and 120 seconds) is refused with
 * KILN_ERROR_INVALID_ARGUMENT naming what happened, and the caller's process goes on. */
KILN_API kiln_result kiln_mesh_manager_load(kiln_mesh_manager *self, const char *name,
                                            const char *group, const char *path, kiln_mesh **out);

/* Whether kiln_mesh_manager_load reads files in a child process (default true). Off,
 * assimp runs in the calling process: a little faster for many small files, but a
 * file that crashes assimp then takes the process down. Only for trusted files. */
KILN_API bool kiln_mesh_manager_get_isolated_import(const kiln_mesh_manager *self);
KILN_API void kiln_mesh_manager_set_isolated_import(kiln_mesh_manager *self, bool isolated);

/* How long an isolated kiln_mesh_manager_load lets assimp read a file before the
 * helper is stopped and the file refused (default 120 seconds; a positive finite
 * number of seconds), and how much memory it may take for one file (0, the default:
 * 64 times the file's size, at least 4 GiB). */
KILN_API float kiln_mesh_manager_get_import_time_limit(const kiln_mesh_manager *self);
KILN_API kiln_result kiln_mesh_manager_set_import_time_limit(kiln_mesh_manager *self,
                                                             float seconds);
KILN_API uint64_t kiln_mesh_manager_get_import_memory_limit(const kiln_mesh_manager *self);
KILN_API void kiln_mesh_manager_set_import_memory_limit(kiln_mesh_manager *self, uint64_t bytes);

/* Finds a mesh (a NULL group means "General"); KILN_ERROR_NOT_FOUND names it if
 * there is none. The caller owns the reference in *out.
 * Default: group = NULL */
KILN_API kiln_result kiln_mesh_manager_get_by_name(kiln_mesh_manager *self, const char *name,
                                                   const char *group, kiln_mesh **out);

/* True when a mesh `name` is registered in `group` (NULL means "General"); false for
 * a NULL name.
 * Default: group = NULL */
KILN_API bool kiln_mesh_manager_resource_exists(const kiln_mesh_manager *self, const char *name,
                                                const char *group);

/* Unregisters a mesh; KILN_ERROR_NOT_FOUND names it if there is none. Entities
 * showing it keep their reference.
 * Default: group = NULL */
KILN_API kiln_result kiln_mesh_manager_remove(kiln_mesh_manager *self, const char *name,
                                              const char *group);

/* Adds a reference, or drops one; the last release frees the mesh and its vertex
 * data. Both accept NULL and are thread-safe. */
KILN_API void kiln_mesh_retain(kiln_mesh *self);
KILN_API void kiln_mesh_release(kiln_mesh *self);

/* The name the mesh was registered under; the string belongs to the mesh and lives
 * as long as it does. */
KILN_API const char *kiln_mesh_get_name(const kiln_mesh *self);

/* The sub-meshes: one for a mesh made from data, one per assimp mesh for a file. */
KILN_API uint32_t kiln_mesh_get_num_sub_meshes(const kiln_mesh *self);

/* The name of the material sub-mesh `index` is drawn with ("" when the entity decides:
 * BaseWhite), or NULL past the last sub-mesh. A mesh loaded from a file names the
 * materials made from the file's ("<mesh name>/<file's material name>"). */
KILN_API const char *kiln_mesh_get_sub_mesh_material_name(const kiln_mesh *self, uint32_t index);

/* What loading the mesh's file approximated or left out (a PBR material drawn by its
 * base colour, a normal map, a texture that could not be decoded), one line each; ""
 * when nothing was. */
KILN_API const char *kiln_mesh_get_import_warnings(const kiln_mesh *self);

/* The vertices of all sub-meshes (UINT32_MAX if there are more). */
KILN_API uint32_t kiln_mesh_get_vertex_count(const kiln_mesh *self);

/* The triangles of all sub-meshes, counted from their indices (or vertices when
 * they have none); point and line sub-meshes count none (UINT32_MAX if there are
 * more). */
KILN_API uint32_t kiln_mesh_get_triangle_count(const kiln_mesh *self);

/* The bounds of every vertex of every sub-mesh, in the mesh's own space. */
KILN_API kiln_aabb kiln_mesh_get_bounding_box(const kiln_mesh *self);

/* ---- entities ---- */

/* An entity showing `mesh` (the entity takes a reference). The caller owns the
 * reference in *out. */
KILN_API kiln_result kiln_scene_manager_create_entity(kiln_scene_manager *self, const char *name,
                                                      kiln_mesh *mesh, kiln_entity **out);

/* The entity as a movable object, for calls that take any (the same object: no new
 * reference); NULL for NULL. */
KILN_API kiln_movable_object *kiln_entity_as_movable_object(kiln_entity *self);

/* Adds a reference, or drops one; the last release frees the entity and its
 * references to its mesh and materials. Both accept NULL and are thread-safe. */
KILN_API void kiln_entity_retain(kiln_entity *self);
KILN_API void kiln_entity_release(kiln_entity *self);

/* The mesh the entity shows; the caller owns the reference in *out. */
KILN_API kiln_result kiln_entity_get_mesh(const kiln_entity *self, kiln_mesh **out);

/* The material of every sub-mesh (the entity takes a reference); NULL goes back to
 * each sub-mesh's own material. The getter gives the first sub-mesh's material. */
KILN_API kiln_result kiln_entity_get_material(const kiln_entity *self, kiln_material **out);
KILN_API void kiln_entity_set_material(kiln_entity *self, kiln_material *material);

/* The material sub-mesh `index` is drawn with when no material is set for the whole
 * entity (the caller owns the reference in *out), and setting it (the entity takes a
 * reference). KILN_ERROR_OUT_OF_RANGE past the last sub-mesh; setting NULL is
 * KILN_ERROR_INVALID_ARGUMENT. */
KILN_API kiln_result kiln_entity_get_sub_material(const kiln_entity *self, uint32_t index,
                                                  kiln_material **out);
KILN_API kiln_result kiln_entity_set_sub_material(kiln_entity *self, uint32_t index,
                                                  kiln_material *material);

/* Bounds in the entity's space, and in world space (transformed by its node). */
KILN_API kiln_aabb kiln_entity_get_bounding_box(const kiln_entity *self);
KILN_API kiln_aabb kiln_entity_get_world_bounding_box(const kiln_entity *self);

#endif
