/* casus/fit.h - fitting the join model (casus/joinmodel.h) to the COW wars
 * by maximum likelihood.
 *
 * Each war of a history (casus/history.h) is replayed once: its days are cut
 * into segments at every change of what the features can see (a state
 * enters, a time band begins, a state enters or leaves the system), and on
 * each segment casus_jm_rows gives every candidate's x for each side, as
 * the cascade engine computes it.  The hazards are constant on a segment,
 * so the log-likelihood is exact:
 *
 *   log L(beta) = sum over entries  beta . x(entrant, its side, just before)
 *               - sum over segments, candidates, sides  (length) exp(beta . x)
 *
 * An entrant that was no candidate when it entered (neither a major power
 * nor related to a belligerent) has hazard 0 under the model: it is counted
 * as unmodelled and left out of the first sum.  The fit maximises log L
 * minus an L2 penalty (lambda / 2) sum beta_j^2 over every feature but the
 * baseline hazard, with GSL's BFGS (gsl_multimin_fdfminimizer_vector_bfgs2).
 * The baseline hazard -- the intercept and the three time bands (first
 * week, first month, first year) -- is left unpenalised, decided before any
 * fit: it is the shape of the hazard over a war's life, which the data
 * estimate well and no prior says is flat; shrinking it toward 0 made the
 * entry days come too late.  A band with no entry in the training wars, or
 * training wars with no entry after day 365, would have an infinite
 * coefficient; then that band is penalised like the rest.  lambda is chosen
 * by cross-validation over wars when not given; standard errors come from
 * the inverse of the penalised Hessian.  docs/fit.md.
 *
 * Sides: the join model's side 1 is the side of the war's first opening
 * attacker; in COW's file the side numbers are arbitrary, so the side of the
 * day-0 initiators is mapped to 1.
 *
 * Ownership: a casus_fit_data owns its arrays and borrows the history, which
 * must outlive it.  Thread-safety: a built casus_fit_data is read-only, and
 * casus_fit_loglik and casus_fit_run may run on it concurrently. */
#ifndef CASUS_FIT_H
#define CASUS_FIT_H

#include <stdbool.h>
#include <stddef.h>
#include "casus/error.h"
#include "casus/extern.h"
#include "casus/history.h"
#include "casus/joinmodel.h"
#include "casus/warplaces.h"
#include "casus/world.h"

typedef struct casus_fit_data casus_fit_data;

/* Replays every war of the history.  The world must hold the datasets the
 * join model reads (COW, contiguity, NMC, MID, ATOP) and be finished.
 * places (world/war-places.csv; may be NULL: every attack at the target's
 * home) gives each war's theatres: an attack on a state that fought on the
 * war's first day is evaluated at the war's row for that state naming no
 * attacker, when there is one (docs/fit.md).  The data points into places,
 * which must outlive it.  CASUS_NOMEM, or what casus_jm_rows returns. */
CASUS_EXTERN casus_status casus_fit_data_build(const casus_world *world, const casus_history *history,
                                               const casus_war_places *places, casus_fit_data **out /* OUT */,
                                               casus_error *err);
CASUS_EXTERN void casus_fit_data_free(casus_fit_data *data);

/* What one war contributes. */
typedef struct casus_fit_war {
    const casus_war_history *history;
    int side1_cow;          /* the COW side that is the join model's side 1 */
    size_t n_segments;
    size_t n_rows;          /* candidate-side rows over all segments */
    size_t n_events;        /* entries with a candidate row: in the likelihood */
    size_t n_unmodelled;    /* entries by states that were no candidate */
    const casus_attack *openings; /* the opening attacks: each day-0 state of side 1 on each of side 2 */
    size_t n_openings;
    /* The day-0 states attacked elsewhere than at home (by ccode): where
     * every attack on them is evaluated, in the replay and the forecast. */
    const casus_jm_theatre *theatres;
    size_t n_theatres;
    /* The rows of day 0 (the first segment), two per candidate, by ccode:
     * what the static baselines and the day-0 forecasts read. */
    const casus_jm_row *day0_rows;
    size_t n_day0_rows;
} casus_fit_war;

CASUS_EXTERN size_t casus_fit_data_count(const casus_fit_data *data);
CASUS_EXTERN const casus_fit_war *casus_fit_data_war(const casus_fit_data *data, size_t i);
/* The index of the war with that number; -1 when there is none. */
CASUS_EXTERN long casus_fit_data_find(const casus_fit_data *data, int war_number);

/* The log-likelihood of beta over the wars with the given indices (NULL:
 * all); grad (may be NULL) receives its gradient. */
CASUS_EXTERN double casus_fit_loglik(const casus_fit_data *data, const size_t *wars, size_t n_wars,
                                     const double beta[CASUS_JM_FEATURE_COUNT],
                                     double grad[CASUS_JM_FEATURE_COUNT] /* OUT; may be NULL */);

/* The penalties cross-validation chooses among: casus_fit_penalty(i) for
 * i < CASUS_FIT_N_PENALTIES (NAN beyond). */
#define CASUS_FIT_N_PENALTIES 6
CASUS_EXTERN double casus_fit_penalty(size_t i);

/* Whether the penalty shrinks feature f: every one but the intercept and
 * the time bands (the baseline hazard).  A fit penalises a band after all
 * when its training wars leave the band's coefficient infinite
 * (casus_fit_result.penalised says which). */
CASUS_EXTERN bool casus_fit_penalised(casus_jm_feature f);

/* Cross-validation: fold f holds the training wars whose index in the data
 * (COW's order of the wars) is f modulo folds, so a war's fold depends on
 * the war alone, not on which others are in the training set; wars outside
 * the training set (a back-test's held-out war) are in no fold.  Each fold
 * fits its other training wars along the penalties from the largest to the
 * smallest, each fit starting from the one before, and the chosen penalty's
 * final fit on all the training wars starts from the mean of the folds'
 * fits at that penalty.  The folds run on opts.threads threads; the result
 * is the same for any number. */
typedef struct casus_fit_options {
    const size_t *wars;     /* indices of the training wars; NULL: all */
    size_t n_wars;
    double penalty;         /* lambda; negative: choose by cross-validation */
    unsigned folds;         /* cross-validation folds over wars (0: 5); war i goes to fold i mod folds */
    unsigned max_iter;      /* BFGS iterations per fit (0: 1000) */
    unsigned threads;       /* for the cross-validation folds (0: 1) */
} casus_fit_options;

typedef struct casus_fit_result {
    double beta[CASUS_JM_FEATURE_COUNT];
    double se[CASUS_JM_FEATURE_COUNT];  /* from the inverse penalised Hessian */
    double loglik;          /* unpenalised, at beta, on the training wars */
    double penalty;         /* lambda used */
    double cv_loglik[CASUS_FIT_N_PENALTIES]; /* held-out log-likelihood per penalty; NAN when not cross-validated */
    bool penalised[CASUS_JM_FEATURE_COUNT]; /* which coefficients the penalty shrank */
    unsigned iterations;    /* of the final fit */
    bool converged;         /* the gradient's norm fell below 1e-6 (1e-4 where rounding stopped BFGS) */
    double gradient_norm;   /* of the penalised objective at beta */
    size_t n_wars, n_events, n_unmodelled, n_rows;
} casus_fit_result;

/* Fits.  CASUS_INVALID for a war index out of range or no training war;
 * CASUS_NOMEM. */
CASUS_EXTERN casus_status casus_fit_run(const casus_fit_data *data, const casus_fit_options *opts,
                                        casus_fit_result *out /* OUT */, casus_error *err);

#endif
