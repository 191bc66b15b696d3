/* Internal to libcasus: the world's internals the loaders, the evaluator
 * and the export need, and all-or-nothing loading.  Not installed. */
#ifndef CASUS_WORLD_INTERNAL_H
#define CASUS_WORLD_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "casus/world.h"
#include "mem.h"

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
CASUS_HIDDEN bool casus__world_finished(const casus_world *world);
/* Whether the space-separated list of area ids holds area (*uncertain set
 * when it carries the "?" suffix). */
CASUS_HIDDEN bool casus__area_list_has(const char *list, const char *area, bool *uncertain);
/* casus_world_load_tables() from the texts of areas.csv, states.csv and
 * places.csv (in that order; name[k] is used in messages): for the fuzz
 * targets of the world tables. */
CASUS_HIDDEN casus_status casus__world_load_tables_text(casus_world *world, const char *const name[3],
                                                        const char *const text[3], const size_t len[3],
                                                        casus_error *err);
/* Added by the world tables' loader (tables.c). */
CASUS_HIDDEN casus_status casus__world_add_place(casus_world *world, const casus_place *place, casus_error *err);
CASUS_HIDDEN casus_status casus__world_add_area(casus_world *world, const casus_area *area, casus_error *err);

#endif
