/* Allocation through the world's hook; arenas and growable arrays on top. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>

#include "mem.h"

void *casus__default_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    (void)ud;
    (void)osize;
    if (nsize == 0) {
        free(ptr);
        return NULL;
    }
    return realloc(ptr, nsize);
}

void *casus__mem_alloc(const casus_mem *mem, size_t size)
{
    return mem->fn(mem->ud, NULL, 0, size ? size : 1);
}

void *casus__mem_realloc(const casus_mem *mem, void *ptr, size_t osize, size_t nsize)
{
    return mem->fn(mem->ud, ptr, osize, nsize ? nsize : 1);
}

void casus__mem_free(const casus_mem *mem, void *ptr, size_t size)
{
    if (ptr)
        mem->fn(mem->ud, ptr, size, 0);
}

struct casus_arena_block {
    casus_arena_block *next;
    size_t size;
    size_t used;
    _Alignas(16) unsigned char data[];
};

#define ARENA_BLOCK (64u * 1024u)

void casus__arena_init(casus_arena *arena, const casus_mem *mem)
{
    arena->mem = mem;
    arena->head = NULL;
    arena->used = 0;
}

void *casus__arena_alloc(casus_arena *arena, size_t size)
{
    size = (size + 15u) & ~(size_t)15u;
    if (size == 0)
        size = 16;
    casus_arena_block *b = arena->head;
    if (!b || b->size - b->used < size) {
        size_t bsize = size > ARENA_BLOCK ? size : ARENA_BLOCK;
        casus_arena_block *nb = casus__mem_alloc(arena->mem, sizeof *nb + bsize);
        if (!nb)
            return NULL;
        nb->next = b;
        nb->size = bsize;
        nb->used = 0;
        arena->head = b = nb;
    }
    void *p = b->data + b->used;
    b->used += size;
    arena->used += size;
    memset(p, 0, size);
    return p;
}

char *casus__arena_strndup(casus_arena *arena, const char *s, size_t n)
{
    char *p = casus__arena_alloc(arena, n + 1);
    if (!p)
        return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *casus__arena_strdup(casus_arena *arena, const char *s)
{
    return casus__arena_strndup(arena, s, strlen(s));
}

void *casus__arena_memdup(casus_arena *arena, const void *p, size_t size)
{
    void *q = casus__arena_alloc(arena, size);
    if (q && size)
        memcpy(q, p, size);
    return q;
}

char *casus__arena_printf(casus_arena *arena, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return NULL;
    char *p = casus__arena_alloc(arena, (size_t)n + 1);
    if (!p)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

void casus__arena_free(casus_arena *arena)
{
    casus_arena_block *b = arena->head;
    while (b) {
        casus_arena_block *next = b->next;
        casus__mem_free(arena->mem, b, sizeof *b + b->size);
        b = next;
    }
    arena->head = NULL;
    arena->used = 0;
}

casus_arena_mark casus__arena_mark(const casus_arena *arena)
{
    casus_arena_mark m = {arena->head, arena->head ? arena->head->used : 0, arena->used};
    return m;
}

void casus__arena_rollback(casus_arena *arena, casus_arena_mark mark)
{
    while (arena->head && arena->head != mark.head) {
        casus_arena_block *next = arena->head->next;
        casus__mem_free(arena->mem, arena->head, sizeof *arena->head + arena->head->size);
        arena->head = next;
    }
    if (arena->head)
        arena->head->used = mark.head_used;
    arena->used = mark.used;
}

void casus__vec_init(casus_vec *vec, size_t elem)
{
    vec->data = NULL;
    vec->len = vec->cap = 0;
    vec->elem = elem;
}

bool casus__vec_reserve(casus_vec *vec, const casus_mem *mem, size_t cap)
{
    if (cap <= vec->cap)
        return true;
    size_t ncap = vec->cap ? vec->cap : 8;
    while (ncap < cap)
        ncap *= 2;
    void *p = casus__mem_realloc(mem, vec->data, vec->cap * vec->elem, ncap * vec->elem);
    if (!p)
        return false;
    vec->data = p;
    vec->cap = ncap;
    return true;
}

void *casus__vec_push(casus_vec *vec, const casus_mem *mem)
{
    if (!casus__vec_reserve(vec, mem, vec->len + 1))
        return NULL;
    void *slot = (unsigned char *)vec->data + vec->len * vec->elem;
    memset(slot, 0, vec->elem);
    vec->len++;
    return slot;
}

void casus__vec_free(casus_vec *vec, const casus_mem *mem)
{
    casus__mem_free(mem, vec->data, vec->cap * vec->elem);
    vec->data = NULL;
    vec->len = vec->cap = 0;
}

casus_status casus__read_file(const casus_mem *mem, const char *path, size_t max, char **data, size_t *len,
                              casus_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return casus_error_set(err, CASUS_IO, path, 0, 0, "cannot open: %s", strerror(errno));
    size_t cap = 64 * 1024, n = 0;
    char *buf = casus__mem_alloc(mem, cap + 1);
    casus_status st = buf ? CASUS_OK : CASUS_NOMEM;
    while (st == CASUS_OK) {
        if (n == cap) {
            /* Full: either the file ends exactly here, or it needs more room. */
            int c = fgetc(f);
            if (c == EOF)
                break;
            if (cap >= max) {
                st = CASUS_TOOBIG;
                break;
            }
            size_t ncap = cap * 2 > max ? max : cap * 2;
            char *nb = casus__mem_realloc(mem, buf, cap + 1, ncap + 1);
            if (!nb) {
                st = CASUS_NOMEM;
                break;
            }
            buf = nb;
            cap = ncap;
            buf[n++] = (char)c;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    if (st == CASUS_OK && ferror(f))
        st = CASUS_IO;
    fclose(f);
    if (st != CASUS_OK) {
        casus__mem_free(mem, buf, buf ? cap + 1 : 0);
        return casus_error_set(err, st, path, 0, 0, "%s",
                               st == CASUS_TOOBIG ? "file is larger than the size limit"
                               : st == CASUS_NOMEM ? "out of memory reading the file" : "read error");
    }
    /* Callers free the buffer with casus__mem_free(mem, data, 0): the size is
     * a hint the hook may ignore, and the default one does. */
    buf[n] = '\0';
    *data = buf;
    *len = n;
    return CASUS_OK;
}
