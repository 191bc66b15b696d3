/* casus/reliability.h - alliance reliability in the COW inter-state wars:
 * for every (war, ATOP alliance) pair in which a member fought, whether the
 * war set off the alliance's pledges (the casus foederis arose) and whether
 * the members bound honoured them, case by case, with rates.
 *
 * The pledges are evaluated by casus_who (casus/who.h) on each attack of
 * the war, taken from COW's directed dyadic war data (who initiated each
 * dyad, and when), at the place casus/warplaces.h gives for it (else the
 * target's home); what the members then did comes from the war history
 * (casus/history.h).  docs/reliability.md states the rules and compares
 * the rates with Leeds, Long & Mitchell (2000) and Berkemeier & Fuhrmann
 * (2018).
 *
 * Ownership: a casus_reliability result owns its cases and strings; it
 * borrows the world (obligations, states), which must outlive it.
 * Thread-safety: building reads the world and the wars only; a built
 * result may be read from any number of threads. */
#ifndef CASUS_RELIABILITY_H
#define CASUS_RELIABILITY_H

#include <stdbool.h>
#include <stddef.h>
#include "casus/error.h"
#include "casus/extern.h"
#include "casus/treaty.h"
#include "casus/warplaces.h"
#include "casus/wars.h"
#include "casus/who.h"
#include "casus/world.h"

/* Whose reading of invocation, and whose period (docs/reliability.md). */
typedef enum casus_reliability_rule {
    /* Leeds, Long & Mitchell (2000), 1816-1944: a pledge is set off only
     * when its conditions (adversary, place, ...) are shown to hold. */
    CASUS_RELIABILITY_LEEDS2000 = 0,
    /* Berkemeier & Fuhrmann (2018), 1816-2003: also a pledge with a
     * condition casus cannot decide from the event. */
    CASUS_RELIABILITY_BF2018
} casus_reliability_rule;

/* Which pledges count as set off; DEFAULT: the rule's. */
typedef enum casus_reliability_conditions {
    CASUS_RELIABILITY_CONDITIONS_DEFAULT = 0,
    CASUS_RELIABILITY_CONDITIONS_HELD,          /* every condition held */
    CASUS_RELIABILITY_CONDITIONS_UNDECIDABLE    /* held, or not decidable from the event */
} casus_reliability_conditions;
/* "leeds2000", "bf2018"; from_str gives -1 for anything else. */
CASUS_EXTERN const char *casus_reliability_rule_str(casus_reliability_rule rule);
CASUS_EXTERN int casus_reliability_rule_from_str(const char *s);

typedef struct casus_reliability_options {
    casus_reliability_rule rule;
    int from, to;   /* years of the wars' first days, inclusive; 0: the rule's default */
    casus_reliability_conditions conditions;
    /* Where the attacks took place (world/war-places.csv); NULL: every
     * attack at the target's home territory.  Borrowed: it must outlive
     * the result. */
    const casus_war_places *places;
} casus_reliability_options;

/* One obligation a war set off: who owed what to whom, the attack that
 * set it off, and what the obligor did. */
typedef struct casus_reliability_duty {
    const casus_obligation *obligation;
    casus_role role;       /* DEFEND_TARGET, JOIN_ATTACKER, NEUTRAL, REFRAIN or BREACHED */
    casus_truth status;    /* HELD, or UNKNOWN (a condition not decidable) under CONDITIONS_UNDECIDABLE */
    casus_attack attack;   /* attack.place: where it was evaluated (NULL: the target's home) */
    const casus_war_place *place_row; /* the row of world/war-places.csv that gave the place, or NULL */
    bool honoured;
    const char *why;       /* one sentence */
} casus_reliability_duty;

typedef struct casus_reliability_case {
    int war;               /* COW war number */
    int war_year;          /* the year of the war's first day */
    int atop;              /* ATOP alliance id */
    const int *members;    /* the alliance's members that fought in the war */
    size_t n_members;
    bool invoked;          /* some pledge was set off */
    bool honoured;         /* invoked, and every duty honoured */
    unsigned kinds;        /* bit (1u << casus_kind) per kind of pledge set off */
    unsigned kinds_violated; /* the kinds with a duty not honoured */
    const casus_reliability_duty *duties;
    size_t n_duties;
    const char *why;       /* the case in one or two sentences */
} casus_reliability_case;

typedef struct casus_reliability_rate {
    size_t invoked, honoured;
} casus_reliability_rate;

typedef struct casus_reliability casus_reliability;

/* Evaluates every (war, alliance) pair of the wars begun in the years.
 * The world must hold the COW state system, ATOP 5.1 and the directed
 * dyadic war data (CASUS_DATA_COW | CASUS_DATA_ATOP | CASUS_DATA_WARS) and
 * be finished.  CASUS_INVALID when a dataset is missing or the options are
 * out of range; CASUS_NOMEM. */
CASUS_EXTERN casus_status casus_reliability_build(const casus_world *world, const casus_wars *wars,
                                                  const casus_reliability_options *opts,
                                                  casus_reliability **out /* OUT */, casus_error *err);
CASUS_EXTERN void casus_reliability_free(casus_reliability *rel);

/* The options as applied (defaults filled in: years, conditions). */
CASUS_EXTERN casus_reliability_options casus_reliability_options_used(const casus_reliability *rel);
/* The cases, by war then alliance. */
CASUS_EXTERN size_t casus_reliability_count(const casus_reliability *rel);
CASUS_EXTERN const casus_reliability_case *casus_reliability_at(const casus_reliability *rel, size_t i);
/* The case of (war, atop); NULL when there is none. */
CASUS_EXTERN const casus_reliability_case *casus_reliability_find(const casus_reliability *rel, int war, int atop);

/* Rates over the cases: overall; by era (0: wars begun 1816-1944, 1:
 * 1945-2003); by kind (invoked: cases that set off a pledge of that kind;
 * honoured: those in which every duty of that kind was honoured). */
CASUS_EXTERN casus_reliability_rate casus_reliability_overall(const casus_reliability *rel);
CASUS_EXTERN casus_reliability_rate casus_reliability_by_era(const casus_reliability *rel, int era);
CASUS_EXTERN casus_reliability_rate casus_reliability_by_kind(const casus_reliability *rel, casus_kind kind);

#endif
