/* casus/backtest.h - the join model scored on wars it was not fitted to,
 * beside five baselines fitted on the same training wars.
 *
 * For each held-out war, casus fits the join model on the training wars
 * (casus/fit.h), runs the cascade engine (casus/sim.h) from the war's first
 * day with its real opening belligerents to its real end, and forecasts for
 * every state at risk (casus/history.h) P(joins), the side, and P(by day 7,
 * 30, 365).  Nothing of the held-out war after its first day is read: its
 * opening belligerents, first day and length are.  The baselines:
 *
 *   climatology        the training wars' joining rate
 *   literal            0.95 for a state a defence or offence obligation set off
 *                      on day 0 pulls to a side, 0.05 for the others
 *   ally-or-neighbour  the training rate of its cell: allied to a day-0
 *                      belligerent or not, times contiguous to one or not
 *                      (Siverson and Starr 1991)
 *   capability         a logit on log10 CINC (the state's share of the
 *                      system's material capabilities)
 *   static-logit       a logit on the join model's features on day 0, one
 *                      utility per side (no cascade, no time)
 *
 * docs/backtest.md gives the scores' definitions and the results.
 *
 * The fits of the held-out wars run on opts.threads threads; every result
 * is the same for any number of threads.
 *
 * Ownership: a result owns its arrays.  Thread-safety: a run reads the world
 * and fit data only. */
#ifndef CASUS_BACKTEST_H
#define CASUS_BACKTEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "casus/error.h"
#include "casus/extern.h"
#include "casus/fit.h"
#include "casus/score.h"
#include "casus/world.h"

#define CASUS_BT_MODEL_MAP(XX)              \
    XX(CASUS, "casus")                      \
    XX(CLIMATOLOGY, "climatology")          \
    XX(LITERAL, "literal")                  \
    XX(ALLY_NEIGHBOUR, "ally-or-neighbour") \
    XX(CAPABILITY, "capability")            \
    XX(STATIC_LOGIT, "static-logit")
#define CASUS__ENUM_BT(n, s) CASUS_BT_##n,
typedef enum casus_bt_model { CASUS_BT_MODEL_MAP(CASUS__ENUM_BT) CASUS_BT_MODEL_COUNT } casus_bt_model;
#undef CASUS__ENUM_BT
CASUS_EXTERN const char *casus_bt_model_str(casus_bt_model model);

typedef enum casus_bt_split {
    CASUS_BT_SPLIT_WAR = 0, /* each war held out, fitted on all the others */
    CASUS_BT_SPLIT_ERA      /* wars begun before 1946 scored by a fit on the later ones, and the reverse */
} casus_bt_split;

typedef struct casus_bt_options {
    casus_bt_split split;
    int war;            /* score this war only (its number); 0: every war */
    uint64_t trials;    /* cascade trials per war (0: 10000) */
    uint64_t seed;      /* Philox seed of the trials and the bootstrap (0: 1) */
    unsigned threads;   /* threads (0: 1): the fits (held-out wars, then folds); then the held-out wars'
                           forecasts several at a time, one thread each (a single war compiles and runs
                           its trials on all of them); the bootstrap.  Results do not depend on it. */
    double penalty;     /* L2 penalty of the fits; negative: cross-validated within each training set */
    size_t bootstrap;   /* resamples of wars for the intervals (0: 1000) */
} casus_bt_options;

/* One state at risk in one held-out war, and what each model forecast. */
typedef struct casus_bt_pair {
    int war;            /* war number */
    size_t war_index;   /* index into the fit data */
    int ccode;
    bool candidate;     /* the join model had a row for it on day 0 */
    bool joined;
    int joined_side;    /* 1 or 2 (the join model's sides); 0 */
    int entry_day;      /* days after the first day; -1 */
    double p[CASUS_BT_MODEL_COUNT];      /* P(joins during the war) */
    double p_side1[CASUS_BT_MODEL_COUNT]; /* P(side 1 | joins) */
    double p_by[3];     /* casus: P(joined by day 7, 30, 365) */
    double pit;         /* casus: mid-PIT of the entry day given joining; NAN when not joined or never simulated */
} casus_bt_pair;

typedef struct casus_bt_scores {
    double brier, log_score, skill_brier, skill_log;
    double roc_auc, roc_auc_within_war, average_precision;
    double side_accuracy;     /* joiners whose more likely side was the side they took; a 0.5 forecast counts half */
    double war_auc;           /* wars with a later entrant against wars without, by P(any joiner) */
    double joiners_forecast;  /* sum of p */
    double brier_ci[2], log_ci[2], auc_within_ci[2], ap_ci[2]; /* 95% intervals from resampling wars */
} casus_bt_scores;

/* The join model's fit for one held-out war (--split war) or era. */
typedef struct casus_bt_fit {
    casus_fit_result fit;
    int held_out;       /* --split war: the number of the war held out; 0 */
    int era;            /* --split era: 1 for the fit that scores the wars begun before 1946, 2 after; 0 */
} casus_bt_fit;

typedef struct casus_bt_result {
    casus_bt_options opts;
    casus_bt_pair *pairs;
    size_t n_pairs;
    size_t n_wars;            /* held-out wars scored */
    size_t n_joiners;
    double base_rate;         /* joiners / pairs */
    casus_bt_scores scores[CASUS_BT_MODEL_COUNT];
    casus_score_bin reliability[10]; /* casus */
    size_t pit_hist[10];      /* casus: PIT of joiners' entry days, 10 bins */
    /* Per held-out war: number, P(any joiner) by casus, forecast and
     * observed joiners. */
    int *war_numbers;
    double *war_p_any;
    double *war_forecast;
    size_t *war_observed;
    /* CPU time (all threads) of the fits and baselines, of the engine's
     * compile step (casus_sim_compile) and of the trials. */
    double fit_seconds, compile_seconds, sim_seconds;
    double fit_wall_seconds, sim_wall_seconds; /* wall time of the fits, and of the compile steps and trials */
    casus_bt_fit *fits; /* in the order of the wars they score */
    size_t n_fits;
} casus_bt_result;

/* Runs the back-test on the wars of data (built on this world).
 * CASUS_INVALID for a war number that is no war's; CASUS_NOMEM. */
CASUS_EXTERN casus_status casus_bt_run(const casus_world *world, const casus_fit_data *data,
                                       const casus_bt_options *opts, casus_bt_result **out /* OUT */,
                                       casus_error *err);
CASUS_EXTERN void casus_bt_free(casus_bt_result *result);

#endif
