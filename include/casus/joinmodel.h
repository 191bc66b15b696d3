/* casus/joinmodel.h - the join model: for a state not yet at war, its
 * hazard per day of joining each side, h = exp(beta . x).
 *
 * A war at some moment is its opening attacks and its belligerents in the
 * order they entered.  For every candidate (a state not fighting, and
 * politically relevant to the war: see casus_jm_rows) and each side, x is
 * the feature vector of CASUS_JM_FEATURE_MAP; the side chosen is a
 * competing risk, so the hazard of joining at all is h(side 1) + h(side 2).
 * The features, the rule that makes a candidate and the chain-ganging rule
 * (who attacked whom) are written down in docs/cascade.md; the simulation
 * (casus/sim.h) computes the same x incrementally, and `casus fit` replays
 * history through casus_jm_rows, so fitted parameters mean the same thing
 * in both.
 *
 * Parameters live in a plain text file: one line per feature, "name value
 * stderr" ("-" for a value that was not fitted), after a header of '#'
 * lines stating where the numbers come from (params/default.params).
 *
 * Ownership: casus_jm_data borrows the world (which must outlive it) and is
 * freed with casus_jm_data_free; rows from casus_jm_rows are freed with
 * casus_jm_rows_free.  Thread-safety: a finished casus_jm_data is read-only;
 * concurrent casus_jm_rows calls on it are safe. */
#ifndef CASUS_JOINMODEL_H
#define CASUS_JOINMODEL_H

#include <stdbool.h>
#include <stdio.h>
#include "casus/extern.h"
#include "casus/who.h"
#include "casus/world.h"

/* The features: enum name, name in the parameter file, definition.  "The
 * side" is the side the hazard is for; "the other side" the one the
 * candidate would fight.  Obligations "set off" are the findings of
 * casus_who for the war's attacks on the day x is for (docs/cascade.md). */
#define CASUS_JM_FEATURE_MAP(XX)                                                                        \
    XX(INTERCEPT, "intercept", "1 for every candidate and side")                                        \
    XX(OBLIG_ANY, "oblig_any",                                                                          \
       "1 when the war sets off at least one obligation pulling the candidate to the side "             \
       "(defend-target toward a belligerent of the side that was attacked, join-attacker toward one "   \
       "that attacked), binding or conditional")                                                        \
    XX(DEFEND_BINDING, "defend_binding",                                                                \
       "number of belligerents of the side the candidate must defend (defend-target, every condition " \
       "held)")                                                                                         \
    XX(DEFEND_CONDITIONAL, "defend_conditional",                                                        \
       "number of belligerents of the side the candidate must defend only if conditions no event "      \
       "decides hold (and not bindingly)")                                                              \
    XX(JOIN_BINDING, "join_binding",                                                                    \
       "number of belligerents of the side the candidate must join in their attack (join-attacker, "   \
       "every condition held)")                                                                         \
    XX(JOIN_CONDITIONAL, "join_conditional",                                                            \
       "number of belligerents of the side the candidate must join only if undecidable conditions "     \
       "hold")                                                                                          \
    XX(TIMING_IMMEDIATE, "timing_immediate",                                                            \
       "1 when an obligation pulling the candidate to the side is timed immediate (without delay)")     \
    XX(TIMING_DEEMED, "timing_as_deemed", "1 when one is timed as-deemed-necessary")                     \
    XX(TIMING_CONSTITUTIONAL, "timing_constitutional", "1 when one is timed constitutional-processes")   \
    XX(TIMING_OTHER, "timing_other", "1 when one is timed after-consultation or unspecified")            \
    XX(OBLIG_HAND, "oblig_hand", "1 when an obligation pulling to the side is from a hand-encoded treaty") \
    XX(OBLIG_ATOP, "oblig_atop", "1 when one is from an ATOP 5.1 record")                               \
    XX(BOTH_SIDES, "oblig_both_sides",                                                                  \
       "1 when obligations set off pull the candidate to the other side as well")                      \
    XX(PLEDGE_OTHER, "pledge_other_side",                                                               \
       "1 when the war sets off a neutrality or non-aggression obligation the candidate owes a "        \
       "belligerent of the other side (joining would breach it)")                                       \
    XX(DECLARED_NEUTRAL, "declared_neutral",                                                            \
       "1 when the candidate has declared its neutrality in this war (a dated scenario event)")        \
    XX(CONTIG_LAND, "contig_land_other",                                                                \
       "1 when the candidate is land-contiguous (COW type 1) to a belligerent of the other side")       \
    XX(CONTIG_SEA, "contig_sea_other",                                                                  \
       "1 when it is contiguous by sea (COW types 2-5, up to 400 miles) to one, and by land to none")   \
    XX(MAJOR, "major_power", "1 when the candidate is a COW major power")                               \
    XX(LOG_CINC, "log_cinc", "log10 of the candidate's CINC (floor 1e-6)")                              \
    XX(LOG_CINC_SIDE, "log_cinc_side", "log10 of the summed CINC of the side's belligerents (floor 1e-6)") \
    XX(LOG_CINC_OTHER, "log_cinc_other", "log10 of the summed CINC of the other side's belligerents")   \
    XX(ALLIES_ON_SIDE, "allies_on_side",                                                                \
       "number of the side's belligerents allied to the candidate (a defence or offence obligation "    \
       "in force between them, either way, on the war's first day)")                                    \
    XX(MID_OTHER, "mid_other_side",                                                                     \
       "1 when the candidate stood on the opposite side of a militarised dispute (MID 5.0) from a "     \
       "belligerent of the other side in the 10 years before the war")                                  \
    XX(BAND_WEEK, "band_first_week", "1 on days 0-6 of the war (day 0: the first opening attack)")      \
    XX(BAND_MONTH, "band_first_month", "1 on days 7-29")                                                \
    XX(BAND_YEAR, "band_first_year", "1 on days 30-364 (later days: all three bands 0)")                \
    XX(POST1945, "post_1945", "1 when the war begins after 1945-12-31")                                 \
    XX(OBLIG_POST1945, "oblig_post_1945", "oblig_any times post_1945")

#define CASUS__ENUM_JM(n, s, d) CASUS_JM_##n,
typedef enum casus_jm_feature { CASUS_JM_FEATURE_MAP(CASUS__ENUM_JM) CASUS_JM_FEATURE_COUNT } casus_jm_feature;
#undef CASUS__ENUM_JM

/* The first day of each time band after the first (days since the war began). */
#define CASUS_JM_BAND_MONTH_DAY 7
#define CASUS_JM_BAND_YEAR_DAY 30
#define CASUS_JM_BAND_LATER_DAY 365
/* The window of militarised disputes before the war, in years. */
#define CASUS_JM_MID_YEARS 10
/* CINC below this counts as this (log10 of zero is not a number). */
#define CASUS_JM_CINC_FLOOR 1e-6

CASUS_EXTERN const char *casus_jm_feature_name(casus_jm_feature f);     /* "oblig_any" */
CASUS_EXTERN const char *casus_jm_feature_describe(casus_jm_feature f); /* the definition */
/* The feature of a parameter-file name; -1 when there is none. */
CASUS_EXTERN int casus_jm_feature_from_str(const char *s, size_t n);

/* The parameters: beta and, for fitted values, the standard error (NAN when
 * not fitted).  provenance holds the file's header lines without the '#'. */
#define CASUS_JM_PROVENANCE_MAX 4096
typedef struct casus_jm_params {
    double beta[CASUS_JM_FEATURE_COUNT];
    double se[CASUS_JM_FEATURE_COUNT];
    char provenance[CASUS_JM_PROVENANCE_MAX];
} casus_jm_params;

/* Hard cap on a parameter file. */
#define CASUS_JM_MAX_PARAMS_FILE (1u << 20)

/* Parses a parameter file's text (name is used in messages): every feature
 * exactly once, as "name value stderr" with stderr a number or "-";
 * comments from '#' to the end of a line; header comments before the first
 * parameter become the provenance.  CASUS_PARSE with file:line:col on a bad
 * line, an unknown or repeated name, a missing feature, a non-finite value. */
CASUS_EXTERN casus_status casus_jm_params_parse(const char *name, const char *text, size_t len,
                                                casus_jm_params *out /* OUT */, casus_error *err);
CASUS_EXTERN casus_status casus_jm_params_load(const char *path, casus_jm_params *out /* OUT */,
                                               casus_error *err);
/* Writes the parameters in the file format (the provenance as the header);
 * what it writes parses back to the same numbers.  CASUS_IO on a write error. */
CASUS_EXTERN casus_status casus_jm_params_write(const casus_jm_params *p, FILE *out, casus_error *err);

/* exp(beta . x), the hazard per day. */
CASUS_EXTERN double casus_jm_hazard(const casus_jm_params *p, const double x[CASUS_JM_FEATURE_COUNT]);

/* A belligerent: state, side (1: the side of the first opening attacker; 2:
 * its target's), and the day it entered. */
typedef struct casus_jm_belligerent {
    int ccode;
    int side;
    casus_day entered;
} casus_jm_belligerent;

/* Where the attacks on a state are evaluated in a war, when not at its home
 * territory: a place of the world, possibly not the state's (its forces
 * abroad, casus_who's CASUS_WHO_ABROAD).  docs/cascade.md gives the rule
 * (the war's row in world/war-places.csv for a state fighting on day 0). */
typedef struct casus_jm_theatre {
    int ccode;
    const casus_place *place;
} casus_jm_theatre;

/* A war at one moment. */
typedef struct casus_jm_war {
    const casus_attack *openings;   /* the opening attacks; their attackers are side 1, their targets side 2 */
    size_t n_openings;
    const casus_jm_belligerent *belligerents; /* in order of entry, opening belligerents first */
    size_t n_belligerents;
    casus_day start;                /* the day the war began (the first opening attack) */
    casus_day day;                  /* the day x is for */
    const int *declared_neutral;    /* states that declared neutrality on or before `day` */
    size_t n_declared_neutral;
    const casus_jm_theatre *theatres; /* states attacked elsewhere than at home; NULL: none */
    size_t n_theatres;
} casus_jm_war;

/* Look-ups for one war start, made once: COW major status, CINC (the latest
 * NMC year on or before the start, at most 10 years back), direct
 * contiguity, alliances and MID rivals, each carried forward from the last
 * day its dataset covers when the war is later (docs/cascade.md). */
typedef struct casus_jm_data casus_jm_data;
CASUS_EXTERN casus_status casus_jm_data_create(const casus_world *world, casus_day start,
                                               casus_jm_data **out /* OUT */, casus_error *err);
CASUS_EXTERN void casus_jm_data_free(casus_jm_data *data);
/* The static look-ups of a state (for the engine and the tests). */
CASUS_EXTERN bool casus_jm_data_major(const casus_jm_data *data, int ccode);
CASUS_EXTERN double casus_jm_data_cinc(const casus_jm_data *data, int ccode); /* 0 when missing */
/* 0 none, 1 land, 2 sea (COW contiguity types 2-5). */
CASUS_EXTERN int casus_jm_data_contiguity(const casus_jm_data *data, int a, int b);
CASUS_EXTERN bool casus_jm_data_allied(const casus_jm_data *data, int a, int b);
CASUS_EXTERN bool casus_jm_data_mid(const casus_jm_data *data, int a, int b);
/* Whether a and b are related: contiguous, bound by any obligation in force
 * (any kind, either way, not failed) on the war's first day, or MID rivals. */
CASUS_EXTERN bool casus_jm_data_related(const casus_jm_data *data, int a, int b);

/* One row of the design matrix: a candidate, a side, x, and the obligation
 * that pulls it to the side most strongly (binding before conditional,
 * hand-encoded before ATOP, then treaty id and article order; NULL when none). */
typedef struct casus_jm_row {
    int ccode;
    int side;
    double x[CASUS_JM_FEATURE_COUNT];
    const casus_obligation *top;
} casus_jm_row;

/* The rows of every candidate at this moment, two per candidate (side 1,
 * side 2), by ccode.  A candidate is a member of the state system on `day`
 * that is not a belligerent and is a major power, related to a
 * belligerent, or pulled to a side by an obligation the war sets off.
 * Evaluates the war's attacks with casus_who (chain-ganging:
 * docs/cascade.md). */
CASUS_EXTERN casus_status casus_jm_rows(const casus_jm_data *data, const casus_jm_war *war,
                                        casus_jm_row **rows /* OUT */, size_t *n_rows /* OUT */,
                                        casus_error *err);
CASUS_EXTERN void casus_jm_rows_free(const casus_jm_data *data, casus_jm_row *rows, size_t n_rows);

/* The attacks of a war under the chain-ganging rule: the opening attacks,
 * then, for each pair of belligerents on opposite sides not already an
 * opening pair, the later entrant attacking the earlier at the earlier's
 * theatre in the war (war->theatres), else on its home territory.  Writes at most max and returns how many there are. */
/* The theatre of a state in the war; NULL: its home territory. */
CASUS_EXTERN const casus_place *casus_jm_theatre_of(const casus_jm_war *war, int ccode);
CASUS_EXTERN size_t casus_jm_attacks(const casus_jm_war *war, casus_attack *out, size_t max);

#endif
