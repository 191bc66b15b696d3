/* Internal to libcasus: allocation through the world's hook, arenas (many
 * allocations freed in one call, rolled back to a mark), growable arrays,
 * and reading a whole file.  Not installed. */
#ifndef CASUS_MEM_H
#define CASUS_MEM_H

#include <stdbool.h>
#include <stddef.h>

#include "casus/status.h"
#include "casus/error.h"
#include "casus/world.h"

#define CASUS_HIDDEN __attribute__((visibility("hidden")))

/* The allocation hook and the counters tests read. */
typedef struct casus_mem {
    casus_alloc_fn fn;
    void *ud;
} casus_mem;

CASUS_HIDDEN void *casus__mem_alloc(const casus_mem *mem, size_t size);
CASUS_HIDDEN void *casus__mem_realloc(const casus_mem *mem, void *ptr, size_t osize, size_t nsize);
CASUS_HIDDEN void casus__mem_free(const casus_mem *mem, void *ptr, size_t size);
CASUS_HIDDEN void *casus__default_alloc(void *ud, void *ptr, size_t osize, size_t nsize);

/* An arena: many allocations freed in one call.  Used for everything a
 * world or a result owns. */
typedef struct casus_arena_block casus_arena_block;
typedef struct casus_arena {
    const casus_mem *mem;
    casus_arena_block *head;
    size_t used;   /* bytes handed out, for reports */
} casus_arena;

CASUS_HIDDEN void casus__arena_init(casus_arena *arena, const casus_mem *mem);
CASUS_HIDDEN void *casus__arena_alloc(casus_arena *arena, size_t size); /* zeroed, 16-aligned; NULL on OOM */
CASUS_HIDDEN char *casus__arena_strndup(casus_arena *arena, const char *s, size_t n);
CASUS_HIDDEN char *casus__arena_strdup(casus_arena *arena, const char *s);
CASUS_HIDDEN char *casus__arena_printf(casus_arena *arena, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
CASUS_HIDDEN void *casus__arena_memdup(casus_arena *arena, const void *p, size_t size);
CASUS_HIDDEN void casus__arena_free(casus_arena *arena);
/* Marks and rollback: a failing loader rolls the arena back to where it
 * started, so a failed call leaves the world as it was. */
typedef struct casus_arena_mark {
    casus_arena_block *head;
    size_t head_used;
    size_t used;
} casus_arena_mark;
CASUS_HIDDEN casus_arena_mark casus__arena_mark(const casus_arena *arena);
CASUS_HIDDEN void casus__arena_rollback(casus_arena *arena, casus_arena_mark mark);

/* A growable array of fixed-size elements, allocated through mem. */
typedef struct casus_vec {
    void *data;
    size_t len;
    size_t cap;
    size_t elem;
} casus_vec;
CASUS_HIDDEN void casus__vec_init(casus_vec *vec, size_t elem);
CASUS_HIDDEN void *casus__vec_push(casus_vec *vec, const casus_mem *mem); /* zeroed slot; NULL on OOM */
CASUS_HIDDEN bool casus__vec_reserve(casus_vec *vec, const casus_mem *mem, size_t cap);
CASUS_HIDDEN void casus__vec_free(casus_vec *vec, const casus_mem *mem);
#define CASUS_VEC_AT(vec, type, i) (((type *)(vec)->data)[i])

/* Reads a whole file (at most max bytes) into a buffer from mem. */
CASUS_HIDDEN casus_status casus__read_file(const casus_mem *mem, const char *path, size_t max,
                                           char **data /* OUT */, size_t *len /* OUT */,
                                           casus_error *err);

#endif
