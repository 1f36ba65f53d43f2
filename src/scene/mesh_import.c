#include "assimp.h"
#include "geometry_internal.h"

#include "core/isolate.h"

#include <assimp/postprocess.h>

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Assimp gives texture coordinates with (0, 0) at the bottom left, as OpenGL does;
 * Kiln's (0, 0) is the first (top) row of a texture, as in Direct3D and the original
 * engine, so the import flips them. */
/* ValidateDataStructure first: a broken file (a face naming a vertex it does not have, a
 * negative index) is refused by assimp before any other step reads it. */
#define IMPORT_FLAGS                                                                               \
    (aiProcess_ValidateDataStructure | aiProcess_Triangulate | aiProcess_JoinIdenticalVertices |   \
     aiProcess_GenSmoothNormals | aiProcess_SortByPType | aiProcess_FlipUVs)

/* A material of the file as the import makes it (import_material), read where the
 * file was read: plain values, which travel from an isolated reader whole. */
typedef struct imported_material {
    bool used; /* some sub-mesh is drawn with it: the rest is set */
    kiln_colour diffuse, ambient, specular, emissive;
    bool has_specular, has_emissive;
    float shininess;
    char texture[1024]; /* the colour texture's path in the file, or "" */
    uint32_t texture_uv;
    kiln_texture_addressing_mode addressing;
    /* A texture the file embeds ("*<index>"): its bytes, a compressed image (height 0)
     * or width x height texels of four bytes, b, g, r, a; NULL when it has none. */
    uint32_t embedded_width, embedded_height;
    size_t embedded_size;
    uint8_t *embedded;
} imported_material;

/* A file being read (ai, scene, path, mesh_name), and what is read from it: the
 * sub-meshes, the materials they use and the warnings. Then, where the mesh is made,
 * the manager and group it goes into. */
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
    /* Per sub-mesh: the file's material it is drawn with (UINT32_MAX: none). */
    uint32_t *material_index;
    uint32_t material_capacity;
    /* The file's materials, by index. */
    imported_material *materials;
    uint32_t num_materials;
    /* What the import approximated or left out, a line each (kiln_mesh warnings). */
    char *warnings;
    size_t warnings_size, warnings_capacity;
} import_state;

/* Frees what was read. */
static void free_read(import_state *st) {
    for (uint32_t i = 0; i < st->num_sub_meshes; i++) {
        kiln__vertex_arrays_free(&st->sub_meshes[i].arrays);
        kiln__free(st->sub_meshes[i].material_name);
    }
    kiln__free(st->sub_meshes);
    kiln__free(st->material_index);
    for (uint32_t i = 0; i < st->num_materials; i++)
        kiln__free(st->materials[i].embedded);
    kiln__free(st->materials);
    kiln__free(st->warnings);
    st->sub_meshes = NULL;
    st->material_index = NULL;
    st->materials = NULL;
    st->warnings = NULL;
    st->num_sub_meshes = st->num_materials = 0;
}

/* Adds a line to the import's warnings (kept quiet when memory runs out: a warning is
 * not worth failing the load for). */
static void warn(import_state *st, const char *format, ...) __attribute__((format(printf, 2, 3)));
static void warn(import_state *st, const char *format, ...) {
    char line[512];
    va_list args;
    va_start(args, format);
    int n = vsnprintf(line, sizeof line, format, args);
    va_end(args);
    if (n < 0)
        return;
    size_t length = strlen(line);
    if (kiln__grow(&st->warnings, &st->warnings_capacity, st->warnings_size + length + 2, 1, 256,
                   "import warnings") != KILN_OK)
        return;
    if (st->warnings_size > 0)
        st->warnings[st->warnings_size++] = '\n';
    memcpy(st->warnings + st->warnings_size, line, length + 1);
    st->warnings_size += length;
}

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

/* "<mesh name>/<material name>" of the mesh's material in the file ("<mesh
 * name>/material<index>" when it has no name), or "" when it has none. */
static kiln_result material_name_for(const import_state *st, const struct aiMesh *mesh,
                                     char **out) {
    *out = NULL;
    if (mesh->mMaterialIndex >= st->scene->mNumMaterials || !st->scene->mMaterials ||
        !st->scene->mMaterials[mesh->mMaterialIndex]) {
        *out = kiln__strdup("");
        return *out ? KILN_OK : kiln__fail_oom("a material name", 1);
    }
    struct aiString name;
    char index[32];
    const char *material = index;
    int length = 0;
    if (st->ai->GetMaterialString(st->scene->mMaterials[mesh->mMaterialIndex], AI_MATKEY_NAME,
                                  &name) == aiReturn_SUCCESS &&
        name.length > 0) {
        material = name.data;
        length = (int)name.length;
    } else {
        length = snprintf(index, sizeof index, "material%u", mesh->mMaterialIndex);
    }
    size_t n = strlen(st->mesh_name) + 1 + (size_t)length + 1;
    *out = kiln__malloc(n);
    if (!*out)
        return kiln__fail_oom("a material name", n);
    snprintf(*out, n, "%s/%.*s", st->mesh_name, length, material);
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
    if (r == KILN_OK)
        r = kiln__grow32(&st->material_index, &st->material_capacity, st->num_sub_meshes + 1,
                         sizeof *st->material_index, 4, "sub-mesh materials");
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
    st->material_index[st->num_sub_meshes] =
        sub->material_name[0] ? mesh->mMaterialIndex : UINT32_MAX;
    st->num_sub_meshes++;
    return KILN_OK;
}

/* ---- materials ---- */

static bool material_colour(const import_state *st, const struct aiMaterial *m, const char *key,
                            kiln_colour *out) {
    struct aiColor4D c;
    if (st->ai->GetMaterialColor(m, key, 0, 0, &c) != aiReturn_SUCCESS)
        return false;
    *out = (kiln_colour){c.r, c.g, c.b, c.a};
    return isfinite(c.r) && isfinite(c.g) && isfinite(c.b) && isfinite(c.a);
}

static bool material_float(const import_state *st, const struct aiMaterial *m, const char *key,
                           float *out) {
    ai_real v = 0;
    unsigned int one = 1;
    if (st->ai->GetMaterialFloatArray(m, key, 0, 0, &v, &one) != aiReturn_SUCCESS || one != 1 ||
        !isfinite(v))
        return false;
    *out = (float)v;
    return true;
}

/* Reads the file's material `index` into st->materials as import_material makes it:
 * lit, the base (or diffuse) colour times the opacity, the specular colour and
 * shininess, the emissive colour, the base colour (or diffuse) texture in its
 * coordinate set (its bytes too when the file embeds it). What it cannot show is named
 * in a warning. */
static kiln_result read_material(import_state *st, uint32_t index, const char *name) {
    imported_material *d = &st->materials[index];
    if (d->used)
        return KILN_OK;
    d->used = true;
    const struct aiMaterial *m = st->scene->mMaterials[index];
    d->diffuse = (kiln_colour){1, 1, 1, 1};
    if (!material_colour(st, m, "$clr.base", &d->diffuse))
        material_colour(st, m, "$clr.diffuse", &d->diffuse);
    float opacity = 1.0f;
    if (material_float(st, m, "$mat.opacity", &opacity) && opacity >= 0.0f && opacity < 1.0f)
        d->diffuse.a *= opacity;
    d->ambient = d->diffuse;
    kiln_colour colour;
    if (material_colour(st, m, "$clr.ambient", &colour) &&
        (colour.r > 0.0f || colour.g > 0.0f || colour.b > 0.0f))
        d->ambient = colour;
    float shininess = 0.0f;
    if (material_colour(st, m, "$clr.specular", &colour) &&
        material_float(st, m, "$mat.shininess", &shininess) && shininess > 0.0f) {
        d->has_specular = true;
        d->specular = colour;
        d->shininess = shininess > 128.0f ? 128.0f : shininess;
    }
    d->has_emissive = material_colour(st, m, "$clr.emissive", &d->emissive);
    /* The colour texture: glTF's base colour, or the diffuse map of the others. */
    const enum aiTextureType kinds[2] = {aiTextureType_BASE_COLOR, aiTextureType_DIFFUSE};
    for (int k = 0; k < 2; k++) {
        if (st->ai->GetMaterialTextureCount(m, kinds[k]) == 0)
            continue;
        struct aiString path;
        unsigned int uv = 0;
        enum aiTextureMapMode modes[2] = {aiTextureMapMode_Wrap, aiTextureMapMode_Wrap};
        if (st->ai->GetMaterialTexture(m, kinds[k], 0, &path, NULL, &uv, NULL, NULL, modes, NULL) !=
                aiReturn_SUCCESS ||
            path.length == 0)
            break;
        snprintf(d->texture, sizeof d->texture, "%s", path.data);
        d->texture_uv = uv;
        d->addressing = modes[0] == aiTextureMapMode_Clamp    ? KILN_TAM_CLAMP
                        : modes[0] == aiTextureMapMode_Mirror ? KILN_TAM_MIRROR
                                                              : KILN_TAM_WRAP;
        if (d->texture[0] != '*')
            break;
        char *end = NULL;
        unsigned long i = strtoul(d->texture + 1, &end, 10);
        const struct aiTexture *t =
            i < st->scene->mNumTextures && st->scene->mTextures ? st->scene->mTextures[i] : NULL;
        if (!t || !t->pcData || *end != '\0')
            break;
        size_t bytes = t->mHeight == 0 ? t->mWidth : 0;
        if (t->mHeight != 0 && !kiln__mul_size((size_t)t->mWidth * 4, t->mHeight, &bytes))
            break;
        d->embedded = kiln__malloc(bytes ? bytes : 1);
        if (!d->embedded)
            return kiln__fail_oom("an embedded texture", bytes);
        memcpy(d->embedded, t->pcData, bytes);
        d->embedded_size = bytes;
        d->embedded_width = t->mWidth;
        d->embedded_height = t->mHeight;
        break;
    }
    /* What fixed-function lighting cannot show. */
    float metallic = 0.0f, roughness = 1.0f;
    if (material_float(st, m, "$mat.metallicFactor", &metallic)) {
        material_float(st, m, "$mat.roughnessFactor", &roughness);
        warn(st,
             "material '%s': PBR metallic-roughness (metallic %g, roughness %g) is drawn as "
             "Blinn-Phong lighting of its base colour",
             name, (double)metallic, (double)roughness);
    }
    if (st->ai->GetMaterialTextureCount(m, aiTextureType_NORMALS) > 0 ||
        st->ai->GetMaterialTextureCount(m, aiTextureType_NORMAL_CAMERA) > 0)
        warn(st, "material '%s': its normal map is left out; the mesh's normals are used", name);
    return KILN_OK;
}

/* The texture a material names, decoded into the texture manager as "<mesh
 * name>/<path>" (once per mesh): embedded in the file or a file beside it. Writes the
 * texture's name to `name` (size bytes); false, with a warning, when it cannot be
 * had. */
static bool import_texture(import_state *st, const char *material, const imported_material *d,
                           char *name, size_t size) {
    kiln_texture_manager *textures = st->manager->textures;
    const char *path = d->texture;
    snprintf(name, size, "%s/%s", st->mesh_name, path);
    if (kiln_texture_manager_resource_exists(textures, name, st->group))
        return true;
    kiln_image *image = NULL;
    kiln_result r = kiln_image_create(&image);
    if (r == KILN_OK && path[0] == '*') {
        kiln_stream *bytes = NULL;
        if (!d->embedded)
            r = kiln__fail(KILN_ERROR_NOT_FOUND, "the file embeds no texture %s", path);
        else if ((size_t)d->embedded_width * d->embedded_height > (size_t)UINT32_MAX / 4)
            r = kiln__fail(KILN_ERROR_INVALID_ARGUMENT, "the embedded texture is too large");
        else
            r = kiln_stream_wrap_memory(d->embedded, d->embedded_size, true, NULL, NULL, &bytes);
        if (r == KILN_OK)
            r = d->embedded_height == 0
                    ? kiln_image_load_stream(image, bytes)
                    : kiln_image_load_dynamic_image(image, bytes, d->embedded_width,
                                                    d->embedded_height, KILN_PF_BYTE_BGRA);
        kiln_stream_release(bytes);
    } else if (r == KILN_OK) {
        /* Beside the model: relative to its directory, with DOS separators turned. */
        const char *slash = strrchr(st->path, '/');
        size_t dir = path[0] == '/' || !slash ? 0 : (size_t)(slash - st->path) + 1;
        size_t n = dir + strlen(path) + 1;
        char *full = kiln__malloc(n);
        if (!full) {
            r = kiln__fail_oom("a texture path", n);
        } else {
            memcpy(full, st->path, dir);
            memcpy(full + dir, path, strlen(path) + 1);
            for (char *c = full + dir; *c; c++)
                if (*c == '\\')
                    *c = '/';
            r = kiln_image_load(image, full);
            kiln__free(full);
        }
    }
    if (r == KILN_OK)
        r = kiln_texture_manager_load_image(textures, name, st->group, image, NULL);
    kiln_image_release(image);
    if (r == KILN_OK)
        return true;
    warn(st, "texture '%s' of material '%s' is left out: %s", path, material,
         kiln_last_error_message());
    return false;
}

/* The material `name` made from what read_material read, as the original engine's
 * assimp importer makes it, with vertex colours tracked where the sub-mesh has them. */
static kiln_result import_material(import_state *st, const imported_material *d, const char *name,
                                   bool has_colours) {
    kiln_material *material = NULL;
    KILN__CHECK(kiln_material_manager_create(st->manager->materials, name, st->group, &material));
    kiln_technique *technique = NULL;
    kiln_pass *pass = NULL;
    kiln_result r = kiln_material_get_technique(material, 0, &technique);
    if (r == KILN_OK)
        r = kiln_technique_get_pass(technique, 0, &pass);
    if (r != KILN_OK) {
        kiln_material_release(material);
        return r;
    }
    kiln_pass_set_lighting_enabled(pass, true);
    kiln_pass_set_diffuse(pass, &d->diffuse);
    kiln_pass_set_ambient(pass, &d->ambient);
    if (d->has_specular) {
        kiln_pass_set_specular(pass, &d->specular);
        kiln_pass_set_shininess(pass, d->shininess);
    }
    if (d->has_emissive)
        kiln_pass_set_emissive(pass, &d->emissive);
    if (d->diffuse.a < 1.0f) {
        kiln_pass_set_scene_blending(pass, KILN_SBT_TRANSPARENT_ALPHA);
        kiln_pass_set_depth_write_enabled(pass, false);
    }
    if (has_colours)
        kiln_pass_set_vertex_colour_tracking(pass, KILN_TVC_AMBIENT | KILN_TVC_DIFFUSE);
    char texture[1100];
    if (d->texture[0] && import_texture(st, name, d, texture, sizeof texture)) {
        kiln_texture_unit_state *unit = NULL;
        r = kiln_pass_create_texture_unit_state(pass, texture, &unit);
        if (r == KILN_OK && d->texture_uv > 0 && d->texture_uv < KILN__GEOMETRY_UV_SETS)
            r = kiln_texture_unit_state_set_texture_coord_set(unit, d->texture_uv);
        if (r == KILN_OK)
            r = kiln_texture_unit_state_set_texture_addressing_mode(unit, d->addressing);
    }
    kiln_material_release(material);
    return r;
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

/* Reads the file at st->path with assimp into st: its sub-meshes, the materials they
 * use and the warnings. Everything that runs assimp's code is here, so that it can run
 * in a process of its own. */
static kiln_result read_file(import_state *st) {
    const kiln__assimp *ai = st->ai;
    const char *path = st->path;
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
    st->scene = scene;
    kiln_result r = KILN_OK;
    if ((scene->mFlags & AI_SCENE_FLAGS_INCOMPLETE) || !scene->mRootNode)
        r = kiln__fail(KILN_ERROR_INVALID_ARGUMENT,
                       "kiln_mesh_manager_load: '%s' holds no complete scene", path);
    if (r == KILN_OK && scene->mNumMaterials > 0) {
        st->materials = kiln__calloc(scene->mNumMaterials, sizeof *st->materials);
        st->num_materials = st->materials ? scene->mNumMaterials : 0;
        if (!st->materials)
            r = kiln__fail_oom("the file's materials",
                               (size_t)scene->mNumMaterials * sizeof *st->materials);
    }
    struct aiMatrix4x4 identity = {1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1};
    if (r == KILN_OK)
        r = convert_node(st, scene->mRootNode, &identity, 0);
    if (r == KILN_OK && st->num_sub_meshes == 0)
        r = kiln__fail(KILN_ERROR_INVALID_ARGUMENT,
                       "kiln_mesh_manager_load: '%s' holds no geometry (%u meshes, none with "
                       "faces)",
                       path, scene->mNumMeshes);
    for (uint32_t i = 0; r == KILN_OK && i < st->num_sub_meshes; i++)
        if (st->material_index[i] != UINT32_MAX)
            r = read_material(st, st->material_index[i], st->sub_meshes[i].material_name);
    ai->ReleaseImport(scene);
    st->scene = NULL;
    return r;
}

/* ---- what was read, as bytes: from an isolated reader to the caller ---- */

static kiln_result put_string(kiln__bytes *out, const char *text) {
    uint32_t n = text ? (uint32_t)strlen(text) : 0;
    KILN__CHECK(kiln__bytes_put(out, &n, sizeof n));
    return kiln__bytes_put(out, text, n);
}

/* NULL when the reader is past its end, or out of memory (failed set either way). */
static char *take_string(kiln__bytes_reader *in) {
    uint32_t n = 0;
    if (!kiln__bytes_take(in, &n, sizeof n) || n > in->size - in->at) {
        in->failed = true;
        return NULL;
    }
    char *text = kiln__malloc((size_t)n + 1);
    if (!text) {
        in->failed = true;
        return NULL;
    }
    kiln__bytes_take(in, text, n);
    text[n] = '\0';
    return text;
}

/* A vertex array of count x per floats (or indices), when present. */
static kiln_result put_array(kiln__bytes *out, const void *data, size_t count, size_t item) {
    return data ? kiln__bytes_put(out, data, count * item) : KILN_OK;
}
static void *take_array(kiln__bytes_reader *in, bool present, size_t count, size_t item) {
    if (!present || in->failed)
        return NULL;
    size_t bytes = 0;
    if (!kiln__mul_size(count, item, &bytes) || bytes > in->size - in->at || bytes == 0) {
        in->failed = true;
        return NULL;
    }
    void *data = kiln__malloc(bytes);
    if (!data) {
        in->failed = true;
        return NULL;
    }
    kiln__bytes_take(in, data, bytes);
    return data;
}

static kiln_result encode_read(const import_state *st, kiln__bytes *out) {
    KILN__CHECK(put_string(out, st->warnings));
    KILN__CHECK(kiln__bytes_put(out, &st->num_sub_meshes, sizeof st->num_sub_meshes));
    for (uint32_t i = 0; i < st->num_sub_meshes; i++) {
        const kiln__sub_mesh *sub = &st->sub_meshes[i];
        const kiln__vertex_arrays *a = &sub->arrays;
        uint32_t head[5] = {(uint32_t)sub->operation, a->vertex_count, a->index_count,
                            st->material_index[i], 0};
        head[4] = (a->normals ? 1u : 0u) | (a->colours ? 2u : 0u) | (a->indices ? 4u : 0u);
        for (int k = 0; k < KILN__GEOMETRY_UV_SETS; k++)
            head[4] |= a->uvs[k] ? 8u << k : 0u;
        KILN__CHECK(kiln__bytes_put(out, head, sizeof head));
        KILN__CHECK(put_array(out, a->positions, a->vertex_count, 3 * sizeof(float)));
        KILN__CHECK(put_array(out, a->normals, a->vertex_count, 3 * sizeof(float)));
        KILN__CHECK(put_array(out, a->colours, a->vertex_count, 4 * sizeof(float)));
        for (int k = 0; k < KILN__GEOMETRY_UV_SETS; k++)
            KILN__CHECK(put_array(out, a->uvs[k], a->vertex_count, 2 * sizeof(float)));
        KILN__CHECK(put_array(out, a->indices, a->index_count, sizeof(uint32_t)));
        KILN__CHECK(put_string(out, sub->material_name));
    }
    KILN__CHECK(kiln__bytes_put(out, &st->num_materials, sizeof st->num_materials));
    for (uint32_t i = 0; i < st->num_materials; i++) {
        const imported_material *d = &st->materials[i];
        KILN__CHECK(kiln__bytes_put(out, d, sizeof *d)); /* its pointer is not read back */
        KILN__CHECK(put_array(out, d->embedded, d->embedded_size, 1));
    }
    return KILN_OK;
}

static kiln_result decode_read(const kiln__bytes *bytes, import_state *st) {
    kiln__bytes_reader in = {bytes->data, bytes->size, 0, false};
    st->warnings = take_string(&in);
    st->warnings_size = st->warnings ? strlen(st->warnings) : 0;
    st->warnings_capacity = st->warnings ? st->warnings_size + 1 : 0;
    uint32_t count = 0;
    kiln__bytes_take(&in, &count, sizeof count);
    /* Every sub-mesh takes more than a header's bytes: a count beyond that is broken. */
    if (count > (in.size - in.at) / 20)
        in.failed = true;
    if (!in.failed && count > 0) {
        st->sub_meshes = kiln__calloc(count, sizeof *st->sub_meshes);
        st->material_index = kiln__calloc(count, sizeof *st->material_index);
        in.failed = !st->sub_meshes || !st->material_index;
    }
    for (uint32_t i = 0; i < count && !in.failed; i++) {
        kiln__sub_mesh *sub = &st->sub_meshes[i];
        kiln__vertex_arrays *a = &sub->arrays;
        uint32_t head[5];
        kiln__bytes_take(&in, head, sizeof head);
        st->num_sub_meshes = i + 1;
        sub->operation = (kiln_operation_type)head[0];
        a->vertex_count = head[1];
        a->index_count = head[2];
        st->material_index[i] = head[3];
        a->positions = take_array(&in, true, a->vertex_count, 3 * sizeof(float));
        a->normals = take_array(&in, head[4] & 1u, a->vertex_count, 3 * sizeof(float));
        a->colours = take_array(&in, head[4] & 2u, a->vertex_count, 4 * sizeof(float));
        for (int k = 0; k < KILN__GEOMETRY_UV_SETS; k++)
            a->uvs[k] = take_array(&in, head[4] & (8u << k), a->vertex_count, 2 * sizeof(float));
        a->indices = take_array(&in, head[4] & 4u, a->index_count, sizeof(uint32_t));
        sub->material_name = take_string(&in);
        /* Indices past the vertices would be read by the renderer. */
        for (uint32_t j = 0; !in.failed && a->indices && j < a->index_count; j++)
            in.failed = a->indices[j] >= a->vertex_count;
    }
    uint32_t materials = 0;
    kiln__bytes_take(&in, &materials, sizeof materials);
    if (!in.failed && materials > (in.size - in.at) / sizeof(imported_material))
        in.failed = true;
    if (!in.failed && materials > 0) {
        st->materials = kiln__calloc(materials, sizeof *st->materials);
        in.failed = !st->materials;
    }
    for (uint32_t i = 0; i < materials && !in.failed; i++) {
        imported_material *d = &st->materials[i];
        kiln__bytes_take(&in, d, sizeof *d);
        d->embedded = NULL;
        st->num_materials = i + 1;
        d->texture[sizeof d->texture - 1] = '\0';
        d->embedded = take_array(&in, d->embedded_size > 0, d->embedded_size, 1);
    }
    for (uint32_t i = 0; i < st->num_sub_meshes && !in.failed; i++)
        in.failed =
            st->material_index[i] != UINT32_MAX && (st->material_index[i] >= st->num_materials ||
                                                    !st->materials[st->material_index[i]].used);
    if (in.failed || in.at != in.size)
        return kiln__fail(KILN_ERROR_INVALID_ARGUMENT,
                          "kiln_mesh_manager_load: what was read from '%s' came back broken",
                          st->path);
    return KILN_OK;
}

/* The isolated reader: reads the file the request names ([path]\0[mesh name]\0) and
 * sends what it read. */
static kiln_result read_in_helper(const uint8_t *request, size_t size, kiln__bytes *out) {
    const char *path = (const char *)request;
    size_t path_length = strnlen(path, size);
    if (path_length + 1 >= size)
        return kiln__fail(KILN_ERROR_INVALID_ARGUMENT, "a broken request to read a mesh file");
    import_state st = {0};
    st.path = path;
    st.mesh_name = path + path_length + 1;
    if (strnlen(st.mesh_name, size - path_length - 1) == size - path_length - 1)
        return kiln__fail(KILN_ERROR_INVALID_ARGUMENT, "a broken request to read a mesh file");
    KILN__CHECK(kiln__assimp_get("kiln_mesh_manager_load", &st.ai));
    kiln_result r = read_file(&st);
    if (r == KILN_OK)
        r = encode_read(&st, out);
    free_read(&st);
    return r;
}

/* How much an isolated reader may take by default: a generous multiple of the file's
 * size, and never less than 4 GiB; and how long. */
#define KILN__IMPORT_MEMORY_FLOOR ((size_t)4 << 30)
#define KILN__IMPORT_MEMORY_PER_BYTE 64
#define KILN__IMPORT_SECONDS 120.0

KILN_API float kiln_mesh_manager_get_import_time_limit(const kiln_mesh_manager *self) {
    return self->import_seconds > 0.0f ? self->import_seconds : (float)KILN__IMPORT_SECONDS;
}
KILN_API kiln_result kiln_mesh_manager_set_import_time_limit(kiln_mesh_manager *self,
                                                             float seconds) {
    KILN__REQUIRE_NOT_NULL(self);
    if (!(seconds > 0.0f) || !isfinite(seconds))
        return kiln__fail(KILN_ERROR_INVALID_ARGUMENT,
                          "kiln_mesh_manager_set_import_time_limit: %g is not a positive, finite "
                          "number of seconds",
                          (double)seconds);
    self->import_seconds = seconds;
    return KILN_OK;
}
KILN_API uint64_t kiln_mesh_manager_get_import_memory_limit(const kiln_mesh_manager *self) {
    return self->import_bytes;
}
KILN_API void kiln_mesh_manager_set_import_memory_limit(kiln_mesh_manager *self, uint64_t bytes) {
    self->import_bytes = bytes;
}

KILN_API bool kiln_mesh_manager_get_isolated_import(const kiln_mesh_manager *self) {
    return !self->in_process;
}
KILN_API void kiln_mesh_manager_set_isolated_import(kiln_mesh_manager *self, bool isolated) {
    self->in_process = !isolated;
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
    long file_size = fseek(file, 0, SEEK_END) == 0 ? ftell(file) : 0;
    fclose(file);
    if (unreadable)
        return kiln__fail(KILN_ERROR_IO, "kiln_mesh_manager_load: cannot read '%s': %s", path,
                          strerror(error));
    KILN__CHECK(kiln__check_mesh_file_counts("kiln_mesh_manager_load", path));
    /* The library is loaded here, in this process, before any reader starts. */
    const kiln__assimp *ai;
    KILN__CHECK(kiln__assimp_get("kiln_mesh_manager_load", &ai));
    import_state st = {0};
    st.ai = ai;
    st.manager = self;
    st.mesh_name = name;
    st.group = group;
    st.path = path;
    kiln_result r;
    if (self->in_process) {
        r = read_file(&st);
    } else {
        /* assimp runs in a helper process: a file that crashes it, makes it ask for
         * more memory than the limit or never finishes is refused, and this process
         * goes on. */
        char what[1200];
        snprintf(what, sizeof what, "kiln_mesh_manager_load: assimp reading '%s'", path);
        size_t limit = KILN__IMPORT_MEMORY_FLOOR;
        if (file_size > 0 && (size_t)file_size < SIZE_MAX / KILN__IMPORT_MEMORY_PER_BYTE &&
            (size_t)file_size * KILN__IMPORT_MEMORY_PER_BYTE > limit)
            limit = (size_t)file_size * KILN__IMPORT_MEMORY_PER_BYTE;
        if (self->import_bytes > 0)
            limit = self->import_bytes < SIZE_MAX ? (size_t)self->import_bytes : SIZE_MAX;
        kiln__bytes request = {0}, bytes = {0};
        r = kiln__bytes_put(&request, path, strlen(path) + 1);
        if (r == KILN_OK)
            r = kiln__bytes_put(&request, name, strlen(name) + 1);
        if (r == KILN_OK)
            r = kiln__run_isolated(what, limit, kiln_mesh_manager_get_import_time_limit(self),
                                   read_in_helper, request.data, request.size, &bytes);
        kiln__bytes_free(&request);
        if (r == KILN_OK)
            r = decode_read(&bytes, &st);
        kiln__bytes_free(&bytes);
    }
    /* The file's materials, those the sub-meshes use and no material of that name
     * exists for yet (one made by the caller beforehand wins). */
    for (uint32_t i = 0; r == KILN_OK && i < st.num_sub_meshes; i++) {
        const kiln__sub_mesh *sub = &st.sub_meshes[i];
        if (st.material_index[i] == UINT32_MAX ||
            kiln__find_material(self->materials, sub->material_name, group))
            continue;
        r = import_material(&st, &st.materials[st.material_index[i]], sub->material_name,
                            sub->arrays.colours != NULL);
    }
    kiln_mesh *mesh = NULL;
    if (r == KILN_OK) {
        r = kiln__mesh_create(name, group, st.sub_meshes, st.num_sub_meshes, &mesh);
        /* The mesh took the sub-meshes, or freed them; their array is left. */
        st.num_sub_meshes = 0;
    }
    if (r == KILN_OK) {
        mesh->warnings = st.warnings;
        st.warnings = NULL;
    }
    free_read(&st);
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
