#include "assimp.h"
#include "geometry_internal.h"

#include <assimp/postprocess.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* Assimp gives texture coordinates with (0, 0) at the bottom left, as OpenGL does;
 * Kiln's (0, 0) is the first (top) row of a texture, as in Direct3D and the original
 * engine, so the import flips them. */
/* ValidateDataStructure first: a broken file (a face naming a vertex it does not have, a
 * negative index) is refused by assimp before any other step reads it. */
#define IMPORT_FLAGS                                                                               \
    (aiProcess_ValidateDataStructure | aiProcess_Triangulate | aiProcess_JoinIdenticalVertices |   \
     aiProcess_GenSmoothNormals | aiProcess_SortByPType | aiProcess_FlipUVs)

typedef struct import_state {
    const kiln__assimp *ai;
    const struct aiScene *scene;
    const kiln_mesh_manager *manager;
    const char *mesh_name;
    const char *group;
    const char *path;
    kiln__sub_mesh *sub_meshes;
    uint32_t num_sub_meshes;
    uint32_t capacity;
} import_state;

/* parent * child, both row-major with the translation in the last column. */
static struct aiMatrix4x4 matrix_multiply(const struct aiMatrix4x4 *a,
                                          const struct aiMatrix4x4 *b) {
    float pa[4][4], pb[4][4], po[4][4];
    _Static_assert(sizeof pa == sizeof *a, "aiMatrix4x4 holds 16 floats");
    memcpy(pa, a, sizeof pa);
    memcpy(pb, b, sizeof pb);
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++) {
            float s = 0.0f;
            for (int k = 0; k < 4; k++)
                s += pa[i][k] * pb[k][j];
            po[i][j] = s;
        }
    struct aiMatrix4x4 out;
    memcpy(&out, po, sizeof out);
    return out;
}

/* The matrix that carries normals: the inverse transpose of m's 3x3 part (its
 * cofactor matrix; the scale it adds goes away when the normal is normalised). */
static void normal_matrix(const struct aiMatrix4x4 *m, float out[3][3]) {
    const float a[3][3] = {{m->a1, m->a2, m->a3}, {m->b1, m->b2, m->b3}, {m->c1, m->c2, m->c3}};
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) {
            int i1 = (i + 1) % 3, i2 = (i + 2) % 3, j1 = (j + 1) % 3, j2 = (j + 2) % 3;
            out[i][j] = a[i1][j1] * a[i2][j2] - a[i1][j2] * a[i2][j1];
        }
}

/* "<mesh name>/<material name>" when the material manager has such a material,
 * else "" (the entity then shows BaseWhite). */
static kiln_result material_name_for(const import_state *st, const struct aiMesh *mesh,
                                     char **out) {
    *out = NULL;
    const char *chosen = "";
    char *candidate = NULL;
    if (mesh->mMaterialIndex < st->scene->mNumMaterials) {
        struct aiString name;
        if (st->ai->GetMaterialString(st->scene->mMaterials[mesh->mMaterialIndex], AI_MATKEY_NAME,
                                      &name) == aiReturn_SUCCESS &&
            name.length > 0) {
            size_t n = strlen(st->mesh_name) + 1 + name.length + 1;
            candidate = kiln__malloc(n);
            if (!candidate)
                return kiln__fail_oom("a material name", n);
            snprintf(candidate, n, "%s/%.*s", st->mesh_name, (int)name.length, name.data);
            if (kiln__find_material(st->manager->materials, candidate, st->group))
                chosen = candidate;
        }
    }
    *out = kiln__strdup(chosen);
    kiln__free(candidate);
    if (!*out)
        return kiln__fail_oom("a material name", strlen(chosen) + 1);
    return KILN_OK;
}

/* Makes one sub-mesh of mesh, its vertices carried into the file's space by m. */
/* The normals of zero length (or not finite) among a's, made from the faces: the sum
 * of the area-weighted normals of the triangles around each such vertex, normalised.
 * Vertices with a normal keep it. */
static void smooth_missing_normals(kiln__vertex_arrays *a) {
    bool *missing = kiln__calloc(a->vertex_count, sizeof *missing);
    if (!missing)
        return; /* they stay zero: drawn unlit-dark, never wrong elsewhere */
    for (uint32_t v = 0; v < a->vertex_count; v++) {
        float *nn = a->normals + (size_t)v * 3;
        float len = sqrtf(nn[0] * nn[0] + nn[1] * nn[1] + nn[2] * nn[2]);
        if (!(len > 0.0f) || !isfinite(len)) {
            missing[v] = true;
            nn[0] = nn[1] = nn[2] = 0.0f;
        }
    }
    for (uint32_t t = 0; t + 2 < a->index_count; t += 3) {
        const uint32_t *tri = a->indices + t;
        if (!missing[tri[0]] && !missing[tri[1]] && !missing[tri[2]])
            continue;
        const float *p0 = a->positions + (size_t)tri[0] * 3;
        const float *p1 = a->positions + (size_t)tri[1] * 3;
        const float *p2 = a->positions + (size_t)tri[2] * 3;
        const float e1[3] = {p1[0] - p0[0], p1[1] - p0[1], p1[2] - p0[2]};
        const float e2[3] = {p2[0] - p0[0], p2[1] - p0[1], p2[2] - p0[2]};
        const float face[3] = {e1[1] * e2[2] - e1[2] * e2[1], e1[2] * e2[0] - e1[0] * e2[2],
                               e1[0] * e2[1] - e1[1] * e2[0]};
        for (int k = 0; k < 3; k++)
            if (missing[tri[k]])
                for (int i = 0; i < 3; i++)
                    a->normals[(size_t)tri[k] * 3 + i] += face[i];
    }
    for (uint32_t v = 0; v < a->vertex_count; v++) {
        if (!missing[v])
            continue;
        float *nn = a->normals + (size_t)v * 3;
        float len = sqrtf(nn[0] * nn[0] + nn[1] * nn[1] + nn[2] * nn[2]);
        if (len > 0.0f && isfinite(len))
            for (int i = 0; i < 3; i++)
                nn[i] /= len;
    }
    kiln__free(missing);
}

static kiln_result convert_mesh(import_state *st, const struct aiMesh *mesh,
                                const struct aiMatrix4x4 *m) {
    kiln_operation_type operation;
    uint32_t corners;
    if (mesh->mPrimitiveTypes == aiPrimitiveType_POINT) {
        operation = KILN_OT_POINT_LIST;
        corners = 1;
    } else if (mesh->mPrimitiveTypes == aiPrimitiveType_LINE) {
        operation = KILN_OT_LINE_LIST;
        corners = 2;
    } else {
        operation = KILN_OT_TRIANGLE_LIST;
        corners = 3;
    }
    if (mesh->mNumVertices == 0)
        return KILN_OK;
    /* Vertices without faces (a PLY point cloud): points, in the order of the file. */
    const bool cloud = mesh->mNumFaces == 0;
    if (cloud) {
        operation = KILN_OT_POINT_LIST;
        corners = 1;
    }
    KILN__CHECK(kiln__grow32(&st->sub_meshes, &st->capacity, st->num_sub_meshes + 1,
                             sizeof *st->sub_meshes, 4, "sub-meshes"));
    kiln__sub_mesh *sub = &st->sub_meshes[st->num_sub_meshes];
    *sub = (kiln__sub_mesh){0};
    sub->operation = operation;
    kiln__vertex_arrays *a = &sub->arrays;
    uint32_t n = mesh->mNumVertices;
    a->vertex_count = n;
    bool ok = (a->positions = kiln__malloc_array((size_t)n * 3, sizeof(float))) != NULL;
    if (mesh->mNormals)
        ok = ok && (a->normals = kiln__malloc_array((size_t)n * 3, sizeof(float)));
    if (mesh->mColors[0])
        ok = ok && (a->colours = kiln__malloc_array((size_t)n * 4, sizeof(float)));
    for (int k = 0; k < KILN__GEOMETRY_UV_SETS && k < AI_MAX_NUMBER_OF_TEXTURECOORDS; k++)
        if (mesh->mTextureCoords[k])
            ok = ok && (a->uvs[k] = kiln__malloc_array((size_t)n * 2, sizeof(float)));
    a->indices =
        kiln__malloc_array(cloud ? n : (size_t)mesh->mNumFaces * corners, sizeof(uint32_t));
    ok = ok && a->indices;
    kiln_result r = ok ? KILN_OK : kiln__fail_oom("imported vertices", (size_t)n * 64);
    if (r == KILN_OK)
        r = material_name_for(st, mesh, &sub->material_name);
    if (r != KILN_OK) {
        kiln__vertex_arrays_free(a);
        kiln__free(sub->material_name);
        return r;
    }

    float nm[3][3];
    normal_matrix(m, nm);
    /* A transform that mirrors (negative determinant) turns faces inside out: their
     * winding is reversed to match, and the cofactor matrix, which is the determinant
     * times the inverse transpose, carries normals the wrong way round. */
    const float det = m->a1 * (m->b2 * m->c3 - m->b3 * m->c2) -
                      m->a2 * (m->b1 * m->c3 - m->b3 * m->c1) +
                      m->a3 * (m->b1 * m->c2 - m->b2 * m->c1);
    const bool mirrors = det < 0.0f;
    if (mirrors)
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
                nm[i][j] = -nm[i][j];
    bool zero_normals = false;
    for (uint32_t v = 0; v < n; v++) {
        const struct aiVector3D p = mesh->mVertices[v];
        if (!isfinite(p.x) || !isfinite(p.y) || !isfinite(p.z)) {
            kiln__vertex_arrays_free(a);
            kiln__free(sub->material_name);
            return kiln__fail(KILN_ERROR_INVALID_ARGUMENT,
                              "kiln_mesh_manager_load: '%s': vertex %u of mesh '%s' is at (%g, "
                              "%g, %g), which is not a finite position",
                              st->path, v, mesh->mName.data, (double)p.x, (double)p.y, (double)p.z);
        }
        float *out = a->positions + (size_t)v * 3;
        out[0] = m->a1 * p.x + m->a2 * p.y + m->a3 * p.z + m->a4;
        out[1] = m->b1 * p.x + m->b2 * p.y + m->b3 * p.z + m->b4;
        out[2] = m->c1 * p.x + m->c2 * p.y + m->c3 * p.z + m->c4;
        if (a->normals) {
            const struct aiVector3D q = mesh->mNormals[v];
            float *nn = a->normals + (size_t)v * 3;
            for (int i = 0; i < 3; i++)
                nn[i] = nm[i][0] * q.x + nm[i][1] * q.y + nm[i][2] * q.z;
            float len = sqrtf(nn[0] * nn[0] + nn[1] * nn[1] + nn[2] * nn[2]);
            if (len > 0.0f && isfinite(len))
                for (int i = 0; i < 3; i++)
                    nn[i] /= len;
            else
                zero_normals = true;
        }
        if (a->colours) {
            const struct aiColor4D c = mesh->mColors[0][v];
            float *cc = a->colours + (size_t)v * 4;
            cc[0] = c.r;
            cc[1] = c.g;
            cc[2] = c.b;
            cc[3] = c.a;
        }
        for (int k = 0; k < KILN__GEOMETRY_UV_SETS; k++)
            if (a->uvs[k]) {
                a->uvs[k][(size_t)v * 2] = mesh->mTextureCoords[k][v].x;
                a->uvs[k][(size_t)v * 2 + 1] = mesh->mTextureCoords[k][v].y;
            }
    }
    /* Faces of another size (left when a file mixes kinds of primitive) are skipped. */
    uint32_t count = 0;
    if (cloud)
        for (uint32_t v = 0; v < n; v++)
            a->indices[count++] = v;
    for (uint32_t f = 0; f < mesh->mNumFaces; f++) {
        const struct aiFace *face = &mesh->mFaces[f];
        if (face->mNumIndices != corners)
            continue;
        bool valid = true;
        for (uint32_t i = 0; i < corners; i++)
            valid = valid && face->mIndices[i] < n;
        if (!valid)
            continue;
        for (uint32_t i = 0; i < corners; i++)
            a->indices[count++] = face->mIndices[mirrors && corners == 3 ? (3 - i) % 3 : i];
    }
    a->index_count = count;
    /* Normals the file gives as zero (common in STL) are made from the faces. */
    if (zero_normals && corners == 3)
        smooth_missing_normals(a);
    if (count == 0) {
        kiln__vertex_arrays_free(a);
        kiln__free(sub->material_name);
        return KILN_OK;
    }
    st->num_sub_meshes++;
    return KILN_OK;
}

static kiln_result convert_node(import_state *st, const struct aiNode *node,
                                const struct aiMatrix4x4 *parent, unsigned depth) {
    /* Files can nest deeply, but not without bound: a cycle would be a broken file. */
    if (depth > 1024)
        return kiln__fail(KILN_ERROR_INVALID_ARGUMENT,
                          "kiln_mesh_manager_load: '%s' nests its nodes more than 1024 deep",
                          st->path);
    struct aiMatrix4x4 m = matrix_multiply(parent, &node->mTransformation);
    /* Each placement of an assimp mesh becomes a sub-mesh in the file's space (a mesh
     * placed by two nodes appears twice). */
    for (unsigned i = 0; i < node->mNumMeshes; i++) {
        unsigned index = node->mMeshes[i];
        if (index < st->scene->mNumMeshes)
            KILN__CHECK(convert_mesh(st, st->scene->mMeshes[index], &m));
    }
    for (unsigned i = 0; i < node->mNumChildren; i++)
        if (node->mChildren && node->mChildren[i]) /* some importers leave holes */
            KILN__CHECK(convert_node(st, node->mChildren[i], &m, depth + 1));
    return KILN_OK;
}

KILN_API kiln_result kiln_mesh_manager_load(kiln_mesh_manager *self, const char *name,
                                            const char *group, const char *path, kiln_mesh **out) {
    KILN__REQUIRE_NOT_NULL(self);
    KILN__REQUIRE_NOT_NULL(name);
    KILN__REQUIRE_NOT_NULL(path);
    if (out)
        *out = NULL;
    if (kiln__registry_find(&self->meshes, name, group))
        return kiln__fail(KILN_ERROR_INVALID_ARGUMENT,
                          "kiln_mesh_manager_load: a mesh named '%s' already exists in group "
                          "'%s'",
                          name, group ? group : KILN__DEFAULT_GROUP);
    /* Assimp reports a missing file like a malformed one; opening it first tells
     * the two apart. */
    FILE *file = fopen(path, "rb");
    if (!file)
        return kiln__fail(KILN_ERROR_IO, "kiln_mesh_manager_load: cannot open '%s': %s", path,
                          strerror(errno));
    errno = 0;
    bool unreadable = fgetc(file) == EOF && ferror(file);
    int error = errno;
    fclose(file);
    if (unreadable)
        return kiln__fail(KILN_ERROR_IO, "kiln_mesh_manager_load: cannot read '%s': %s", path,
                          strerror(error));
    KILN__CHECK(kiln__check_mesh_file_counts("kiln_mesh_manager_load", path));
    const kiln__assimp *ai;
    KILN__CHECK(kiln__assimp_get("kiln_mesh_manager_load", &ai));
    const struct aiScene *scene = ai->ImportFile(path, IMPORT_FLAGS);
    if (!scene && strstr(ai->GetErrorString(), "contains no faces")) {
        /* Validation refuses meshes of vertices alone, which are point clouds: such a
         * file is read again without it and taken only if no mesh has faces, so that
         * nothing unvalidated reads an index. */
        scene = ai->ImportFile(path, IMPORT_FLAGS & ~(unsigned)aiProcess_ValidateDataStructure);
        for (unsigned i = 0; scene && i < scene->mNumMeshes; i++)
            if (!scene->mMeshes || !scene->mMeshes[i] || scene->mMeshes[i]->mNumFaces != 0 ||
                !scene->mMeshes[i]->mVertices) {
                ai->ReleaseImport(scene);
                scene = NULL;
                return kiln__fail(KILN_ERROR_INVALID_ARGUMENT,
                                  "kiln_mesh_manager_load: cannot read '%s' as a mesh: a mesh "
                                  "without faces beside meshes with them",
                                  path);
            }
    }
    if (!scene)
        return kiln__fail(KILN_ERROR_INVALID_ARGUMENT,
                          "kiln_mesh_manager_load: cannot read '%s' as a mesh: %s", path,
                          ai->GetErrorString());
    import_state st = {ai, scene, self, name, group, path, NULL, 0, 0};
    kiln_result r = KILN_OK;
    if ((scene->mFlags & AI_SCENE_FLAGS_INCOMPLETE) || !scene->mRootNode)
        r = kiln__fail(KILN_ERROR_INVALID_ARGUMENT,
                       "kiln_mesh_manager_load: '%s' holds no complete scene", path);
    struct aiMatrix4x4 identity = {1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1};
    if (r == KILN_OK)
        r = convert_node(&st, scene->mRootNode, &identity, 0);
    if (r == KILN_OK && st.num_sub_meshes == 0)
        r = kiln__fail(KILN_ERROR_INVALID_ARGUMENT,
                       "kiln_mesh_manager_load: '%s' holds no geometry (%u meshes, none with "
                       "faces)",
                       path, scene->mNumMeshes);
    ai->ReleaseImport(scene);
    kiln_mesh *mesh = NULL;
    if (r == KILN_OK)
        r = kiln__mesh_create(name, group, st.sub_meshes, st.num_sub_meshes, &mesh);
    else
        for (uint32_t i = 0; i < st.num_sub_meshes; i++) {
            kiln__vertex_arrays_free(&st.sub_meshes[i].arrays);
            kiln__free(st.sub_meshes[i].material_name);
        }
    kiln__free(st.sub_meshes);
    if (r != KILN_OK)
        return r;
    r = kiln__mesh_manager_add(self, mesh, "kiln_mesh_manager_load");
    if (r == KILN_OK && out) {
        kiln_mesh_retain(mesh);
        *out = mesh;
    }
    kiln_mesh_release(mesh);
    return r;
}
