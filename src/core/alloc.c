#include "internal.h"

#include <stdlib.h>
#include <string.h>

void *kiln__malloc(size_t size) { return malloc(size ? size : 1); }

void *kiln__calloc(size_t count, size_t size) {
    if (count == 0 || size == 0)
        return calloc(1, 1);
    return calloc(count, size);
}

void *kiln__realloc(void *ptr, size_t size) { return realloc(ptr, size ? size : 1); }

void *kiln__malloc_array(size_t count, size_t size) {
    size_t total;
    if (!kiln__mul_size(count, size, &total))
        return NULL;
    return kiln__malloc(total);
}

void *kiln__realloc_array(void *ptr, size_t count, size_t size) {
    size_t total;
    if (!kiln__mul_size(count, size, &total))
        return NULL;
    return kiln__realloc(ptr, total);
}

void kiln__free(void *ptr) { free(ptr); }

char *kiln__strdup(const char *s) {
    size_t n = strlen(s) + 1;
    char *copy = kiln__malloc(n);
    if (copy)
        memcpy(copy, s, n);
    return copy;
}
