/* Internal to libcasus: the counts the join model's features are made of,
 * shared by the reference computation (joinmodel.c, for the fit) and the
 * simulation's incremental one (sim.c), so both make x the same way. */
#ifndef CASUS_JOINMODEL_INTERNAL_H
#define CASUS_JOINMODEL_INTERNAL_H

#include <math.h>
#include <stdint.h>

#include "casus/joinmodel.h"
#include "internal.h"

/* The largest COW state code plus one. */
#define CASUS_JM_MAX_CCODE 1000

/* Timing classes as the features group them. */
enum { JM_TIMING_IMMEDIATE, JM_TIMING_DEEMED, JM_TIMING_CONSTITUTIONAL, JM_TIMING_OTHER, JM_TIMING_N };
CASUS_HIDDEN int casus__jm_timing_class(casus_timing timing);

/* What one candidate has toward one side, as counts. */
typedef struct casus_jm_counts {
    int16_t defend[2];   /* belligerents of the side it must defend: [0] conditional only, [1] binding */
    int16_t join[2];     /* belligerents of the side it must join in attack: likewise */
    int16_t timing[JM_TIMING_N]; /* obligations set off toward the side, by timing class */
    int16_t hand, atop;  /* ... by source */
    int16_t pledge;      /* neutrality / non-aggression owed to belligerents of the other side */
    int16_t contig_land, contig_sea; /* belligerents of the other side contiguous by land, by sea */
    int16_t allies;      /* belligerents of the side allied to it */
    int16_t mid;         /* belligerents of the other side it was a MID rival of */
} casus_jm_counts;

/* log10 of a CINC share, floored at CASUS_JM_CINC_FLOOR. */
static inline double casus__jm_log_cinc(double c)
{
    return log10(c > CASUS_JM_CINC_FLOOR ? c : CASUS_JM_CINC_FLOOR);
}

/* The obligations set off pulling toward the side (defend and join, either kind). */
static inline int casus__jm_pull(const casus_jm_counts *c)
{
    return c->defend[0] + c->defend[1] + c->join[0] + c->join[1];
}

/* What does not depend on the side. */
typedef struct casus_jm_static {
    bool major;
    double cinc;
    bool post1945;
    bool declared_neutral;
} casus_jm_static;

/* x for one candidate and side: its counts toward the side (mine) and the
 * other side (theirs), the CINC totals of the side and the other side, and
 * the day since the war began. */
CASUS_HIDDEN void casus__jm_x(const casus_jm_counts *mine, const casus_jm_counts *theirs,
                              const casus_jm_static *st, double cinc_side, double cinc_other, int war_day,
                              double x[CASUS_JM_FEATURE_COUNT]);
/* The time-band features of a war day (which of BAND_WEEK/MONTH/YEAR is 1, or -1 for none). */
CASUS_HIDDEN int casus__jm_band(int war_day);

/* The order in which obligations compete to be "the one that brought a
 * state in": binding before conditional, hand-encoded before ATOP, then
 * treaty id, article, beneficiary.  status is 1 (conditional) or 2 (binding). */
CASUS_HIDDEN int casus__jm_cause_cmp(const casus_obligation *a, int status_a, const casus_obligation *b, int status_b);

#endif
