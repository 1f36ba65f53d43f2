/* The frame's primitive memory: blocks appended to and reset, never moved. */
#include "soft.h"

/* Blocks hold at least this many bytes: thousands of primitives each. */
#define KILN__ARENA_BLOCK_BYTES ((size_t)1 << 20)

void *kiln__soft_arena_alloc(kiln__soft_arena *arena, size_t bytes) {
    bytes = (bytes + 7) & ~(size_t)7;
    kiln__soft_block *b = arena->current;
    while (b && b->capacity - b->used < bytes) {
        /* The next block, already there from an earlier frame, or a new one. */
        if (!b->next)
            break;
        b = b->next;
        b->used = 0;
        arena->current = b;
    }
    if (!b || b->capacity - b->used < bytes) {
        size_t capacity = bytes > KILN__ARENA_BLOCK_BYTES ? bytes : KILN__ARENA_BLOCK_BYTES;
        kiln__soft_block *fresh = kiln__malloc(sizeof *fresh + capacity);
        if (!fresh)
            return NULL;
        fresh->next = NULL;
        fresh->used = 0;
        fresh->capacity = capacity;
        if (b)
            b->next = fresh;
        else
            arena->first = fresh;
        arena->current = b = fresh;
    }
    void *p = (uint8_t *)b->data + b->used;
    b->used += bytes;
    return p;
}

void kiln__soft_arena_pop(kiln__soft_arena *arena, size_t bytes) {
    arena->current->used -= (bytes + 7) & ~(size_t)7;
}

void kiln__soft_arena_reset(kiln__soft_arena *arena) {
    arena->current = arena->first;
    if (arena->first)
        arena->first->used = 0;
}

void kiln__soft_arena_free(kiln__soft_arena *arena) {
    kiln__soft_block *b = arena->first;
    while (b) {
        kiln__soft_block *next = b->next;
        kiln__free(b);
        b = next;
    }
    arena->first = arena->current = NULL;
}
