/* casus/world.h - the world casus reasons about: states, their system
 * membership, places and areas, and the treaties binding them.
 *
 * A world is built in two steps: load (states, places, treaty files, and
 * optionally the historical datasets), then casus_world_finish(), which
 * checks cross-references and builds the obligation index.  After finish the
 * world is read-only and may be shared between threads (thread-safety below;
 * tested by tests/threads/who_threads.c, under ThreadSanitizer too).
 *
 * Ownership: the world owns everything loaded into it; pointers it returns
 * live until casus_world_free().  Every load call (the tables, a treaty text,
 * file or directory, a spell, and the dataset loaders of casus/data.h) is all
 * or nothing: when it fails, out of memory included, the world is exactly as
 * it was before the call (finished or not), and the same call can be made
 * again.
 *
 * Thread-safety: loading and casus_world_finish() change the world and need
 * it to themselves.  Once finished, any number of threads may read it and
 * query it (casus_who and casus_who_eval, each thread with its own scratch;
 * casus_dyads_scan).  Queries on a world that is not
 * finished are refused with CASUS_UNFINISHED. */
#ifndef CASUS_WORLD_H
#define CASUS_WORLD_H

#include <stdbool.h>
#include <stddef.h>
#include "casus/extern.h"
#include "casus/date.h"
#include "casus/error.h"
#include "casus/treaty.h"

typedef struct casus_world casus_world;

/* The allocation hook (after lua_Alloc): nsize == 0 frees ptr and returns
 * NULL; otherwise behaves as realloc(ptr, nsize).  osize is the old size
 * when known, else 0.  Returning NULL for nsize > 0 is an allocation
 * failure, which the call reports as CASUS_NOMEM; freeing cannot fail.
 *
 * Thread-safety of the hook: it is called on the thread making the library
 * call, never from a thread of the library's own.  Loading calls it from one
 * thread at a time; queries on a finished world (casus_who,
 * casus_dyads_scan) allocate their scratch through it, so when several
 * threads query one world the hook is called from all of them at once and
 * must be thread-safe, as malloc is (the default hook is malloc's family).
 * Every allocation a query makes is freed before it returns or by the free
 * function of what it returns. */
typedef void *(*casus_alloc_fn)(void *ud, void *ptr, size_t osize, size_t nsize);

/* Hard caps on input, so that a hostile file cannot exhaust memory. */
#define CASUS_MAX_TREATY_FILE (4u << 20)   /* bytes of one treaty file */
#define CASUS_MAX_DATA_FILE (64u << 20)    /* bytes of one dataset file */

typedef struct casus_state {
    int ccode;         /* Correlates of War state code */
    char abb[4];       /* COW abbreviation, e.g. "RUS" */
    const char *name;
    const char *areas; /* areas its home territory lies in, space-separated; "?" suffix: uncertain */
} casus_state;

typedef struct casus_place {
    const char *id;        /* "kursk" */
    const char *name;      /* "Kursk oblast" */
    const char *kind;      /* "home", "region", "island", "territory" */
    int sovereign;         /* ccode, 0 when none */
    int administrator;     /* ccode of the state administering it */
    const int *claimants;  /* other states claiming it */
    size_t n_claimants;
    const char *areas;     /* as casus_state.areas */
    const char *source;
} casus_place;

typedef struct casus_area {
    const char *id;    /* "nato-art6" */
    const char *name;
    const char *source;
} casus_area;

CASUS_EXTERN casus_status casus_world_create(casus_world **world /* OUT */, casus_error *err);
/* As casus_world_create, with every allocation going through fn. */
CASUS_EXTERN casus_status casus_world_create_with(casus_alloc_fn fn, void *ud, casus_world **world /* OUT */,
                                     casus_error *err);
/* Frees the world and all it owns; accepts NULL; cannot fail. */
CASUS_EXTERN void casus_world_free(casus_world *world);

/* Reads the world tables of the project (world/states.csv, world/areas.csv,
 * world/places.csv) from dir. */
CASUS_EXTERN casus_status casus_world_load_tables(casus_world *world, const char *dir, casus_error *err);
/* Parses one treaty file and adds the treaty.  name is used in messages. */
CASUS_EXTERN casus_status casus_world_load_treaty_text(casus_world *world, const char *name, const char *text,
                                          size_t len, casus_error *err);
CASUS_EXTERN casus_status casus_world_load_treaty_file(casus_world *world, const char *path, casus_error *err);
/* Every *.treaty file in dir, in name order. */
CASUS_EXTERN casus_status casus_world_load_treaty_dir(casus_world *world, const char *dir, casus_error *err);
/* Checks references: every state a treaty names (parties, suspensions, the
 * obligors and beneficiaries of rules, states in conditions) is a state of
 * the world, every area a condition names is one of its areas, and no rule
 * has more than CASUS_MAX_RULE_CONDITIONS conditions; CASUS_INVALID naming
 * the treaty otherwise.  Then builds the obligation index.  Any load after it
 * makes the world unfinished until it is called again; on failure the world
 * is left unfinished. */
CASUS_EXTERN casus_status casus_world_finish(casus_world *world, casus_error *err);

/* Adds a state system membership spell (COW).  Until any spell is added for
 * a state, the state counts as a member from its `since` date in the world
 * tables. */
CASUS_EXTERN casus_status casus_world_add_spell(casus_world *world, int ccode, casus_period spell, casus_error *err);
/* The system membership spells added for a state (COW), at most max of
 * them written to out; returns how many there are. */
CASUS_EXTERN size_t casus_world_spells(const casus_world *world, int ccode, casus_period *out, size_t max);
/* Whether the state is a member of the state system on day. */
CASUS_EXTERN casus_truth casus_world_member(const casus_world *world, int ccode, casus_day day);

CASUS_EXTERN size_t casus_world_state_count(const casus_world *world);
CASUS_EXTERN const casus_state *casus_world_state_at(const casus_world *world, size_t i);
/* Case-insensitive COW abbreviation; NULL when unknown. */
CASUS_EXTERN const casus_state *casus_world_state_by_abb(const casus_world *world, const char *abb);
CASUS_EXTERN const casus_state *casus_world_state_by_ccode(const casus_world *world, int ccode);
/* "RUS" for 365, or "365" when unknown; buf needs 12 bytes. */
CASUS_EXTERN const char *casus_world_abb(const casus_world *world, int ccode, char buf[12]);

/* A place by id or name (case-insensitive), or a state's abbreviation for
 * its home territory; NULL when unknown. */
CASUS_EXTERN const casus_place *casus_world_place_find(const casus_world *world, const char *name);
/* The home territory of a state (never NULL for a known state). */
CASUS_EXTERN const casus_place *casus_world_home(const casus_world *world, int ccode);
CASUS_EXTERN const casus_area *casus_world_area_find(const casus_world *world, const char *id);
/* Whether the place lies in the area (unknown where the tables say "?"). */
CASUS_EXTERN casus_truth casus_world_place_in_area(const casus_world *world, const casus_place *place,
                                      const char *area);

CASUS_EXTERN size_t casus_world_treaty_count(const casus_world *world);
CASUS_EXTERN const casus_treaty *casus_world_treaty_at(const casus_world *world, size_t i);
CASUS_EXTERN const casus_treaty *casus_world_treaty_find(const casus_world *world, const char *id);

/* Obligations owed to `beneficiary`, in the index order (obligor, start);
 * valid after casus_world_finish(). */
CASUS_EXTERN size_t casus_world_obligations_to(const casus_world *world, int beneficiary,
                                  const casus_obligation **first /* OUT */);
CASUS_EXTERN size_t casus_world_obligation_count(const casus_world *world);
CASUS_EXTERN const casus_obligation *casus_world_obligation_at(const casus_world *world, size_t i);

#endif
