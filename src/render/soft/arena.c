/* The frame's primitive memory: blocks appended to and reset, never moved. */
#include "soft.h"

/* The first block holds at least this many bytes, thousands of primitives; the next
 * ones, for large frames, four times as many in huge pages: the tiles read a frame's
 * primitives in an order of their own, across all of its blocks. */
#define KILN__ARENA_BLOCK_BYTES ((size_t)1 << 20)
#define KILN__ARENA_LARGE_BLOCK_BYTES ((size_t)4 << 20)

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
        const size_t header = sizeof(kiln__soft_block);
        const size_t block = b ? KILN__ARENA_LARGE_BLOCK_BYTES : KILN__ARENA_BLOCK_BYTES;
        size_t wanted = bytes > block - header ? bytes + header : block;
        size_t whole = 0;
        kiln__soft_block *fresh = wanted < bytes ? NULL : kiln__huge_alloc(wanted, &whole);
        if (!fresh)
            return NULL;
        fresh->next = NULL;
        fresh->used = 0;
        fresh->capacity = whole - sizeof *fresh;
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
        kiln__aligned_free(b);
        b = next;
    }
    arena->first = arena->current = NULL;
}
