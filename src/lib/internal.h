/* Internal to libcasus: the allocator, arenas, growable arrays, and the
 * world's mutation API used by the loaders.  Not installed; the CLI and the
 * viewer never include it. */
#ifndef CASUS_INTERNAL_H
#define CASUS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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

/* The world's internals the loaders need. */
CASUS_HIDDEN const casus_mem *casus__world_mem(casus_world *world);
CASUS_HIDDEN casus_arena *casus__world_arena(casus_world *world);
/* The dataset store of data.c (memory from the world's arena); NULL until a dataset is loaded. */
CASUS_HIDDEN void *casus__world_datasets(const casus_world *world);
CASUS_HIDDEN void casus__world_set_datasets(casus_world *world, void *store);
/* Adds a fully built treaty whose memory comes from the world's arena. */
CASUS_HIDDEN casus_status casus__world_add_treaty(casus_world *world, const casus_treaty *treaty,
                                                  casus_error *err);
CASUS_HIDDEN casus_status casus__world_add_state(casus_world *world, int ccode, const char *abb,
                                                 const char *name, casus_day since, casus_day until,
                                                 const char *areas, casus_error *err);
/* Records what a dataset covers, so answers can say what they rest on. */
typedef enum casus_coverage_kind {
    CASUS_COVERAGE_ATOP,       /* ATOP alliances: where their obligations end */
    CASUS_COVERAGE_COW_SYSTEM, /* the COW state system */
    CASUS_COVERAGE_OTHER,
} casus_coverage_kind;
typedef struct casus_coverage {
    casus_coverage_kind kind;
    const char *what;  /* "ATOP 5.1 alliances", for people */
    casus_day from, to;
} casus_coverage;
CASUS_HIDDEN casus_status casus__world_add_coverage(casus_world *world, casus_coverage_kind kind, const char *what,
                                                    casus_day from, casus_day to, casus_error *err);
CASUS_HIDDEN size_t casus__world_coverage(const casus_world *world, const casus_coverage **first /* OUT */);
/* Built by casus_world_finish(): the hand-encoded (not ATOP) treaties, and
 * the last day ATOP's data cover (CASUS_DAY_NEVER_AFTER when not loaded). */
CASUS_HIDDEN size_t casus__world_hand_treaties(const casus_world *world, const casus_treaty *const **first /* OUT */);
CASUS_HIDDEN casus_day casus__world_atop_end(const casus_world *world);
/* All-or-nothing loading: every load entry point takes a snapshot of what
 * the world holds before it changes anything and, on any failure, rolls the
 * world back to it, so the same call can be retried.  Loaders only append
 * (states, spells, places, areas, treaties, coverage, arena memory), so the
 * snapshot is a set of lengths plus the few values a load may overwrite. */
#define CASUS__WORLD_MAX_CCODE 1000 /* COW codes run from 2 to 990 */
typedef struct casus_world_tx {
    casus_arena_mark arena;
    size_t states, spells, places, areas, treaties, coverage;
    void *datasets;
    bool finished;
    int home_override[CASUS__WORLD_MAX_CCODE];
} casus_world_tx;
CASUS_HIDDEN void casus__world_begin(const casus_world *world, casus_world_tx *tx /* OUT */);
CASUS_HIDDEN void casus__world_rollback(casus_world *world, const casus_world_tx *tx);
/* What a world holds, counted, for the tests of all-or-nothing loading:
 * two worlds with equal counts hold the same things. */
typedef struct casus_world_counts {
    size_t states, spells, places, areas, treaties, coverage;
    size_t arena_bytes;     /* bytes handed out by the world's arena */
    unsigned datasets;      /* bit per casus_dataset loaded */
    size_t dataset_records; /* records and table cells held by the dataset store */
    bool finished;
} casus_world_counts;
CASUS_HIDDEN casus_world_counts casus__world_counts(const casus_world *world);
CASUS_HIDDEN void casus__data_counts(const casus_world *world, unsigned *loaded /* OUT */, size_t *records /* OUT */);
/* Whether casus_world_finish() has run since the last change. */
CASUS_HIDDEN bool casus__world_is_finished(const casus_world *world);
CASUS_HIDDEN bool casus__area_list_has(const char *list, const char *area, bool *uncertain);
CASUS_HIDDEN bool casus__ieq(const char *a, const char *b);
CASUS_HIDDEN bool casus__ieqn(const char *a, const char *b, size_t n);

#endif

/* CSV reading (libcsv underneath) with the line and column of every field,
 * so loaders can say `file:line:col: what is wrong`.  Line endings may be
 * LF, CRLF or bare CR; a missing final newline is fine. */
typedef struct casus_csv_row {
    const char *const *fields; /* NUL-terminated field texts */
    const size_t *lens;
    size_t n;
    int line;                  /* line the record starts on (1-based) */
    const char *raw;           /* the raw text of that line, for columns and context */
    size_t raw_len;
} casus_csv_row;

/* Called once per record (the header too); return CASUS_OK to go on, or a
 * status (with err filled) to stop. */
typedef casus_status (*casus_csv_fn)(void *ud, const casus_csv_row *row, casus_error *err);

CASUS_HIDDEN casus_status casus__csv_parse(const casus_mem *mem, const char *name, const char *buf,
                                           size_t len, casus_csv_fn fn, void *ud, casus_error *err);
/* 1-based column where field k (0-based) starts in the row's raw line. */
CASUS_HIDDEN int casus__csv_col(const casus_csv_row *row, size_t k);
/* Sets err to "name:line:col: message" for field k of row, with context. */
CASUS_HIDDEN casus_status casus__csv_error(casus_error *err, casus_status status, const char *name,
                                           const casus_csv_row *row, size_t k, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
/* Parses a whole-number field; false when it is not one (or out of int range). */
CASUS_HIDDEN bool casus__parse_int(const char *s, size_t n, int *out);
