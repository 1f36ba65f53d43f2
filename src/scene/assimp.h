/* assimp, loaded when a mesh file is first imported rather than with Kiln: the library
 * and the C++ runtime it brings take longer to load than the rest of Kiln, and most
 * programs never import a mesh file. */
#ifndef KILN_SCENE_ASSIMP_H
#define KILN_SCENE_ASSIMP_H

#include "kiln/core.h"

#include <assimp/cimport.h>
#include <assimp/material.h>
#include <assimp/scene.h>

/* The assimp functions Kiln calls, named as in assimp without the "ai". */
typedef struct kiln__assimp {
    const struct aiScene *(*ImportFile)(const char *path, unsigned int flags);
    void (*ReleaseImport)(const struct aiScene *scene);
    const char *(*GetErrorString)(void);
    enum aiReturn (*GetMaterialString)(const struct aiMaterial *material, const char *key,
                                       unsigned int type, unsigned int index, struct aiString *out);
    enum aiReturn (*GetMaterialColor)(const struct aiMaterial *material, const char *key,
                                      unsigned int type, unsigned int index, struct aiColor4D *out);
    enum aiReturn (*GetMaterialFloatArray)(const struct aiMaterial *material, const char *key,
                                           unsigned int type, unsigned int index, ai_real *out,
                                           unsigned int *max);
    unsigned int (*GetMaterialTextureCount)(const struct aiMaterial *material,
                                            enum aiTextureType type);
    enum aiReturn (*GetMaterialTexture)(const struct aiMaterial *material, enum aiTextureType type,
                                        unsigned int index, struct aiString *path,
                                        enum aiTextureMapping *mapping, unsigned int *uvindex,
                                        ai_real *blend, enum aiTextureOp *op,
                                        enum aiTextureMapMode *mapmode, unsigned int *flags);
} kiln__assimp;

/* The functions, loading the library on the first call (from any thread). A library
 * that cannot be loaded is KILN_ERROR_UNSUPPORTED naming it and why; `what` names the
 * call for the message. */
kiln_result kiln__assimp_get(const char *what, const kiln__assimp **out);

#endif
