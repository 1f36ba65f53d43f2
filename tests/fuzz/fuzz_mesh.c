/* Mesh files: the first byte of the input picks a file extension, so that the input's
 * other bytes reach each of assimp's importers; they are written to a file loaded with
 * kiln_mesh_manager_load (the import every user gets, but in this process) through a
 * Root of one thread.
 * A file either fails with a Kiln error or gives a registered mesh with geometry,
 * which is then drawn once into a small render texture. */
#define _POSIX_C_SOURCE 200809L

#include <kiln/kiln.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Indexed by the input's first byte (modulo the count); the seed corpus's README names
 * the index of each seed's format. Left out: Collada (dae), MD5 (md5mesh) and 3MF, whose
 * importers in assimp 5.2 exhaust memory, crash or abort on files one byte away from
 * valid ones, without Kiln, so a run would only find them again. */
static const char *const extensions[] = {
    "obj", "ply", "stl", "off", "gltf", "glb",  "3ds", "x",    "md2", "ac",      "nff",
    "smd", "raw", "amf", "ase", "lwo",  "ms3d", "m3d", "ogex", "dxf", "b3d",     "md3",
    "mdl", "x3d", "xgl", "zgl", "cob",  "3d",   "uc",  "csm",  "q3o", "irrmesh", "fbx",
};
#define NUM_EXTENSIONS (sizeof extensions / sizeof extensions[0])

/* A broken promise of the library: stops the run so that libFuzzer keeps the input. */
static void check(bool ok, const char *what) {
    if (!ok) {
        fprintf(stderr, "fuzz_mesh: %s (last error: %s)\n", what, kiln_last_error_message());
        abort();
    }
}

static char directory[64];
static char path[96];

static void remove_directory(void) {
    unlink(path);
    rmdir(directory);
}

static void write_file(const char *extension, const uint8_t *data, size_t size) {
    snprintf(path, sizeof path, "%s/mesh.%s", directory, extension);
    FILE *file = fopen(path, "wb");
    check(file != NULL, "cannot create the mesh file");
    check((size == 0 || fwrite(data, 1, size, file) == size) && fclose(file) == 0,
          "cannot write the mesh file");
}

/* Draws the mesh once: the camera frames its bounds when they are finite. */
static void render(kiln_root *root, kiln_mesh *mesh) {
    kiln_scene_manager *scene;
    kiln_entity *entity = NULL;
    kiln_camera *camera = NULL;
    kiln_scene_node *node, *camera_node;
    kiln_render_target *target;
    if (kiln_root_create_scene_manager(root, &scene) != KILN_OK ||
        kiln_scene_manager_create_entity(scene, "mesh", mesh, &entity) != KILN_OK ||
        kiln_scene_node_create_child_scene_node(kiln_scene_manager_get_root_scene_node(scene),
                                                &node) != KILN_OK ||
        kiln_scene_node_attach_object(node, kiln_entity_as_movable_object(entity)) != KILN_OK ||
        kiln_scene_manager_create_camera(scene, "camera", &camera) != KILN_OK ||
        kiln_scene_node_create_child_scene_node(kiln_scene_manager_get_root_scene_node(scene),
                                                &camera_node) != KILN_OK ||
        kiln_scene_node_attach_object(camera_node, kiln_camera_as_movable_object(camera)) !=
            KILN_OK)
        goto done;

    kiln_aabb b = kiln_mesh_get_bounding_box(mesh);
    float lo[3] = {b.minimum.x, b.minimum.y, b.minimum.z};
    float hi[3] = {b.maximum.x, b.maximum.y, b.maximum.z};
    float centre[3] = {0.0f, 0.0f, 0.0f}, radius = 1.0f;
    bool finite = true;
    for (int i = 0; i < 3; i++)
        finite = finite && isfinite(lo[i]) && isfinite(hi[i]) && isfinite(hi[i] - lo[i]);
    if (finite) {
        float r = 0.0f;
        for (int i = 0; i < 3; i++) {
            centre[i] = lo[i] * 0.5f + hi[i] * 0.5f;
            r = fmaxf(r, (hi[i] - lo[i]) * 0.5f);
        }
        if (r > 1e-6f && r < 1e30f)
            radius = r;
    }
    kiln_vector3 eye = {centre[0], centre[1], centre[2] + 3.0f * radius};
    if (!isfinite(eye.z))
        eye.z = centre[2];
    kiln_scene_node_set_position(camera_node, &eye);
    kiln_camera_set_near_clip_distance(camera, radius * 0.01f);
    kiln_camera_set_far_clip_distance(camera, radius * 10.0f);

    if (kiln_root_create_render_texture(root, "target", 24, 16, NULL, &target) == KILN_OK &&
        kiln_render_target_add_viewport(target, camera, NULL, NULL) == KILN_OK)
        kiln_root_render_one_frame(root);
done:
    kiln_camera_release(camera);
    kiln_entity_release(entity);
}

/* Loads path into a new Root; returns the result of kiln_mesh_manager_load. */
static kiln_result load(bool draw) {
    kiln_root_desc desc = {.num_threads = 1};
    kiln_root *root = NULL;
    check(kiln_root_create(&desc, &root) == KILN_OK, "creating a root failed");
    kiln_mesh_manager *meshes = kiln_root_get_mesh_manager(root);
    /* assimp in this process, where the fuzzer sees its coverage (users' loads run it in
     * a child process, which a crash there does not take down). */
    kiln_mesh_manager_set_isolated_import(meshes, false);
    kiln_mesh *mesh = (kiln_mesh *)&mesh; /* must become NULL on failure */
    kiln_result r = kiln_mesh_manager_load(meshes, "mesh", NULL, path, &mesh);
    if (r != KILN_OK) {
        check(mesh == NULL, "a failed load left something in *out");
        check(kiln_last_error() == r && kiln_last_error_message()[0] != '\0',
              "a failed load left no error message");
        check(!kiln_mesh_manager_resource_exists(meshes, "mesh", NULL),
              "a failed load registered a mesh");
    } else {
        check(kiln_mesh_get_num_sub_meshes(mesh) > 0 && kiln_mesh_get_vertex_count(mesh) > 0,
              "a loaded mesh has no geometry");
        check(strcmp(kiln_mesh_get_name(mesh), "mesh") == 0, "a loaded mesh has another name");
        kiln_mesh *found = NULL;
        check(kiln_mesh_manager_get_by_name(meshes, "mesh", NULL, &found) == KILN_OK &&
                  found == mesh,
              "a loaded mesh is not registered");
        kiln_mesh_release(found);
        (void)kiln_mesh_get_triangle_count(mesh);
        if (draw)
            render(root, mesh);
        check(kiln_mesh_manager_remove(meshes, "mesh", NULL) == KILN_OK,
              "removing a loaded mesh failed");
        kiln_mesh_release(mesh);
    }
    kiln_root_destroy(root);
    return r;
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
    snprintf(directory, sizeof directory, "/tmp/kiln-fuzz-mesh-XXXXXX");
    check(mkdtemp(directory) != NULL, "cannot create a temporary directory");
    atexit(remove_directory);
    /* assimp is loaded on the first import: one that must work shows that it can be. */
    static const char triangle[] = "v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 3\n";
    write_file("obj", (const uint8_t *)triangle, sizeof triangle - 1);
    check(load(false) == KILN_OK, "a one-triangle OBJ does not load: is assimp loadable?");
    unlink(path);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size == 0)
        return 0;
    kiln_clear_error();
    write_file(extensions[data[0] % NUM_EXTENSIONS], data + 1, size - 1);
    load(true);
    unlink(path);
    return 0;
}
