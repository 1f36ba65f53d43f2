#include "assimp.h"

#include "core/internal.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#ifndef KILN_ASSIMP_SONAME
#error "KILN_ASSIMP_SONAME names the assimp library to load, for example \"libassimp.so.5\""
#endif

static pthread_once_t once = PTHREAD_ONCE_INIT;
static kiln__assimp api;
static bool loaded;
static char failure[512];

/* A symbol as a function pointer: ISO C has no conversion from the object pointer
 * dlsym returns, so its bytes are copied (POSIX guarantees they are the same). */
static bool resolve(void *library, const char *name, void *slot, size_t size) {
    void *symbol = dlsym(library, name);
    if (!symbol) {
        const char *why = dlerror();
        snprintf(failure, sizeof failure, "%s has no %s (%s)", KILN_ASSIMP_SONAME, name,
                 why ? why : "symbol not found");
        return false;
    }
    memcpy(slot, &symbol, size);
    return true;
}

#define RESOLVE(library, field) resolve(library, "ai" #field, &api.field, sizeof api.field)

static void load(void) {
    /* RTLD_LOCAL: assimp's symbols stay out of the global namespace, as when linked. */
    void *library = dlopen(KILN_ASSIMP_SONAME, RTLD_NOW | RTLD_LOCAL);
    if (!library) {
        const char *why = dlerror();
        snprintf(failure, sizeof failure,
                 "cannot load %s (%s); install assimp (Debian: apt-get "
                 "install libassimp5)",
                 KILN_ASSIMP_SONAME, why ? why : "unknown reason");
        return;
    }
    if (RESOLVE(library, ImportFile) && RESOLVE(library, ReleaseImport) &&
        RESOLVE(library, GetErrorString) && RESOLVE(library, GetMaterialString) &&
        RESOLVE(library, GetMaterialColor) && RESOLVE(library, GetMaterialFloatArray) &&
        RESOLVE(library, GetMaterialTextureCount) && RESOLVE(library, GetMaterialTexture))
        loaded = true;
    /* The library stays loaded for the life of the process, as a linked one would. */
}

kiln_result kiln__assimp_get(const char *what, const kiln__assimp **out) {
    *out = NULL;
    pthread_once(&once, load);
    if (!loaded)
        return kiln__fail(KILN_ERROR_UNSUPPORTED, "%s: %s", what, failure);
    *out = &api;
    return KILN_OK;
}
