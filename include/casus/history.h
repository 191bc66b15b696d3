/* casus/history.h - each COW inter-state war as the join model learns from
 * it: its first day, who fought that day on which side, who entered later
 * (side and day, a span when the date is partial), and which other members
 * of the state system were at risk of joining, and for how long.
 *
 * Built from the wars (casus/wars.h) and a world holding the COW state
 * system (casus_data_load with CASUS_DATA_COW).  docs/history.md states each
 * rule: the first-day rule and its 7-day variant, partial dates, second
 * spells, states that change sides, and states entering or leaving the
 * system during a war.
 *
 * Days inside a war are counted from its first day: day 0 is the first day,
 * day 1 the next.  When the first day itself is known only to the month or
 * year, offsets count from the earliest day it may be.
 *
 * Ownership: a casus_history owns everything it returns and borrows the
 * wars handle (whose participants its records point at), which must
 * outlive it.  The world is read only while building.  Thread-safety: a
 * built history may be read from any number of threads. */
#ifndef CASUS_HISTORY_H
#define CASUS_HISTORY_H

#include <stdbool.h>
#include <stddef.h>
#include "casus/date.h"
#include "casus/error.h"
#include "casus/extern.h"
#include "casus/wars.h"
#include "casus/world.h"

typedef struct casus_history casus_history;

typedef struct casus_history_options {
    /* The first-day rule.  0: only the states whose first spell starts on
     * the war's first day fight on day 0.  7 (say): a state whose entry is
     * certainly within 7 days of the first day also counts as fighting on
     * day 0.  At most 365. */
    int day0_window;
    /* The allocation hook (casus_alloc_fn, casus/world.h) and its argument;
     * NULL: the C library's. */
    casus_alloc_fn alloc;
    void *alloc_ud;
} casus_history_options;

/* A state that fought in the war. */
typedef struct casus_history_belligerent {
    int ccode;
    int side;               /* the side it fought on first: 1 or 2 */
    casus_span entry;       /* the days its first spell may have begun */
    int offset_lo, offset_hi; /* entry in days after the first day: earliest, latest */
    bool day0;              /* counts as fighting on day 0 under the rule */
    bool initiator;         /* COW's Initiator flag */
    bool second_spell;      /* it fought again after a break (StartYear2) */
    int switched_to;        /* 0, or the side it fought on later (a second row) */
    casus_span switched_on; /* when it began on that side; {0, 0} when it never switched */
    const casus_war_participant *row; /* the row of its first side */
} casus_history_belligerent;

/* Why a state stopped being at risk. */
typedef enum casus_history_exit {
    CASUS_HISTORY_WAR_ENDED = 0, /* it stayed out until the war's last day */
    CASUS_HISTORY_JOINED,        /* it entered the war */
    CASUS_HISTORY_LEFT_SYSTEM    /* its system membership ended during the war */
} casus_history_exit;
/* "war ended", "joined", "left the system". */
CASUS_EXTERN const char *casus_history_exit_str(casus_history_exit exit);

/* One stretch of days in which a state not (yet) fighting was a system
 * member and could have joined: days from..until, inclusive, counted from
 * the first day.  A state that left the system and came back during the
 * war has one record per stretch.  For a joiner, until is the earliest day
 * its entry may be (offset_lo) and the belligerent's record gives the span. */
typedef struct casus_history_risk {
    int ccode;
    int from, until;
    casus_history_exit exit;
    bool entered_system;    /* from > 0 because it became a member during the war */
    long joined;            /* index into the war's belligerents, or -1 */
} casus_history_risk;

typedef struct casus_war_history {
    const casus_war *war;
    casus_span first_day;   /* the war's first day (the earliest start of any row) */
    casus_day last_day;     /* the latest day its end may be */
    int length;             /* days from the first day to the last, inclusive */
    /* Every state that fought, once each: those fighting on day 0 first (in
     * the file's order), then the later entrants by entry day and code. */
    const casus_history_belligerent *belligerents;
    size_t n_belligerents;
    size_t n_day0;          /* the first n_day0 belligerents fight on day 0 */
    const casus_history_risk *at_risk; /* by state code, then from */
    size_t n_at_risk;
} casus_war_history;

/* Builds the histories of all wars.  opts may be NULL (the strict rule).
 * CASUS_INVALID when the world holds no COW state system or the options
 * are out of range; CASUS_NOMEM. */
CASUS_EXTERN casus_status casus_history_build(const casus_world *world, const casus_wars *wars,
                                              const casus_history_options *opts,
                                              casus_history **out /* OUT */, casus_error *err);
/* Frees the history; accepts NULL; cannot fail. */
CASUS_EXTERN void casus_history_free(casus_history *history);

CASUS_EXTERN size_t casus_history_count(const casus_history *history);
/* The i-th war in war-number order; NULL when out of range. */
CASUS_EXTERN const casus_war_history *casus_history_at(const casus_history *history, size_t i);
/* The war with that number; NULL when there is none. */
CASUS_EXTERN const casus_war_history *casus_history_find(const casus_history *history, int number);
/* The belligerent record of a state in a war; NULL when it did not fight. */
CASUS_EXTERN const casus_history_belligerent *casus_war_history_belligerent(const casus_war_history *war,
                                                                            int ccode);

#endif
