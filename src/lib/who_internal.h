/* Internal to libcasus: what the evaluator (who_eval.c) shares with the
 * tracing layer (who.c). */
#ifndef CASUS_WHO_INTERNAL_H
#define CASUS_WHO_INTERNAL_H

#include "casus/who.h"
#include "internal.h"

struct casus_who_scratch {
    const casus_world *world;
    casus_mem mem;
    size_t size;         /* of the block it lives in */
    size_t cap_bindings; /* candidates of the largest query */
    size_t cap_checks;   /* checks those candidates can make */
    casus_binding *bindings;
    casus_check *checks;
    unsigned char *covered; /* a bit per ATOP id that a hand-encoded treaty names */
    size_t n_covered;       /* ids below this have a bit */
    /* For each obligation of the world (by its index), the first and last
     * day it can be in force: a query scans these 8 bytes a candidate, not
     * the obligations.  NULL in the scratch casus_who makes for one query. */
    const casus_obligation *base;
    casus_day (*window)[2];
    size_t n_window;
};

/* Checks that the world is finished and the attack sound, and resolves its
 * place (the target's home when attack->place is NULL); a place that is not
 * the target's is refused unless flags has CASUS_WHO_ABROAD. */
CASUS_HIDDEN casus_status casus__who_resolve(const casus_world *world, const casus_attack *attack, unsigned flags,
                                            const casus_place **place /* OUT */, casus_error *err);
/* Whether the place is the state's at all: sovereign, administrator or
 * claimant. */
CASUS_HIDDEN bool casus__place_of(const casus_place *place, int ccode);
/* The order of casus_who's findings of one role: obligor, treaty, article,
 * beneficiary, start, rule. */
CASUS_HIDDEN int casus__who_ob_cmp(const casus_obligation *x, const casus_obligation *y);
/* A scratch for cap_bindings candidates making at most cap_checks checks. */
CASUS_HIDDEN casus_status casus__who_scratch_make(const casus_world *world, size_t cap_bindings, size_t cap_checks,
                                                 casus_who_scratch **scratch /* OUT */, casus_error *err);
/* The most checks one obligation can make: in force, state system, trigger,
 * state of war, one per condition, superseded. */
static inline size_t casus__who_max_checks(const casus_obligation *ob)
{
    return 5 + ob->n_conds;
}

#endif
