/* casus/score.h - scoring probability forecasts of yes/no events against
 * what happened: Brier and log scores, skill against a reference, ROC-AUC
 * (pooled and within groups), average precision, a reliability table, the
 * probability integral transform for entry days, and intervals from
 * resampling whole groups (wars) with a Philox stream.
 *
 * Forecasts are arrays: p[i] the probability of event i, y[i] 1 when it
 * happened and 0 when not, group[i] the war it belongs to.  docs/scoring.md
 * gives each definition, with the tie rules.
 *
 * Ownership: the caller owns every array.  Thread-safety: every function is
 * pure (the bootstrap allocates its own scratch through the C library's
 * allocator) and may run concurrently. */
#ifndef CASUS_SCORE_H
#define CASUS_SCORE_H

#include <stddef.h>
#include <stdint.h>
#include "casus/extern.h"
#include "casus/status.h"

/* Probabilities are clipped to [CASUS_SCORE_EPS, 1 - CASUS_SCORE_EPS] in the
 * log score, so that one confident miss costs a finite amount (ln 1e-4 =
 * -9.2) instead of minus infinity. */
#define CASUS_SCORE_EPS 1e-4

/* Mean of (p - y)^2; NAN when n is 0. */
CASUS_EXTERN double casus_score_brier(const double *p, const unsigned char *y, size_t n);
/* Mean of y ln p + (1 - y) ln(1 - p), p clipped: higher is better, 0 at
 * best; NAN when n is 0. */
CASUS_EXTERN double casus_score_log(const double *p, const unsigned char *y, size_t n);
/* Skill of a score against a reference score: 1 - score / reference for a
 * loss such as Brier (1 perfect, 0 no better, negative worse).  For the log
 * score (negative, higher better) the same formula gives the fraction of
 * the reference's log loss removed.  NAN when reference is 0. */
CASUS_EXTERN double casus_score_skill(double score, double reference);

/* ROC-AUC: the probability that a random event gets a higher forecast than
 * a random non-event, ties counting one half (the Mann-Whitney statistic
 * over the product of the class sizes).  NAN when a class is empty. */
CASUS_EXTERN double casus_score_auc(const double *p, const unsigned char *y, size_t n);
/* The same over pairs in the same group only: every (event, non-event)
 * pair of one group, pooled over groups.  Groups with one class add no
 * pair.  NAN when no group has both. */
CASUS_EXTERN double casus_score_auc_within(const double *p, const unsigned char *y, const int *group, size_t n);
/* Average precision: the mean, over events, of the precision at the
 * forecast of each event, with tied forecasts ranked together (precision
 * of the whole tied block).  NAN when there is no event. */
CASUS_EXTERN double casus_score_average_precision(const double *p, const unsigned char *y, size_t n);

/* Side accuracy among joiners: the share whose more likely side, by
 * p_side1 = P(side 1 | joins), is the side they took (1 or 2); a forecast
 * of exactly 0.5 names neither side and counts one half.  NAN when n is 0. */
CASUS_EXTERN double casus_score_side_accuracy(const double *p_side1, const int *side, size_t n);

/* One bin of a reliability table: forecasts in [lo, hi) (the last bin
 * includes 1), their mean, the observed rate, how many. */
typedef struct casus_score_bin {
    double lo, hi;
    double mean_forecast; /* NAN when empty */
    double observed;      /* NAN when empty */
    size_t count;
} casus_score_bin;
/* Equal-width bins over [0, 1]; out holds n_bins entries. */
CASUS_EXTERN void casus_score_reliability(const double *p, const unsigned char *y, size_t n, size_t n_bins,
                                          casus_score_bin *out /* OUT */);

/* The randomised probability integral transform of an observed count-like
 * outcome t under a forecast CDF: F(t-1) + u (F(t) - F(t-1)), u in [0, 1).
 * Under a calibrated forecast it is uniform on [0, 1]. */
CASUS_EXTERN double casus_score_pit(double cdf_before, double cdf_at, double u);

/* A statistic of the forecasts whose rows are weight[i] copies of row i
 * (the bootstrap's resample); NAN when undefined on that resample. */
typedef double (*casus_score_stat_fn)(void *ud, const double *weight, size_t n);

/* Percentile interval of a statistic over resamples of whole groups: each
 * of `reps` resamples draws as many groups as there are, with replacement,
 * from a Philox4x32 stream keyed by (seed, resample index), and gives each
 * row the number of times its group was drawn.  group[i] must lie in
 * [0, n_groups).  Writes the (1-level)/2 and (1+level)/2 quantiles of the
 * defined values; NAN when none is.  CASUS_NOMEM, CASUS_INVALID (bad
 * group, level outside (0, 1), reps 0). */
CASUS_EXTERN casus_status casus_score_bootstrap(const int *group, size_t n, size_t n_groups, size_t reps,
                                                uint64_t seed, double level, casus_score_stat_fn stat, void *ud,
                                                double *lo /* OUT */, double *hi /* OUT */);

/* Weighted forms of the scores, for statistics under the bootstrap: row i
 * counts weight[i] times (weight NULL: once). */
CASUS_EXTERN double casus_score_brier_w(const double *p, const unsigned char *y, const double *weight, size_t n);
CASUS_EXTERN double casus_score_log_w(const double *p, const unsigned char *y, const double *weight, size_t n);
CASUS_EXTERN double casus_score_auc_w(const double *p, const unsigned char *y, const double *weight, size_t n);
CASUS_EXTERN double casus_score_auc_within_w(const double *p, const unsigned char *y, const int *group,
                                             const double *weight, size_t n);
CASUS_EXTERN double casus_score_average_precision_w(const double *p, const unsigned char *y, const double *weight,
                                                    size_t n);

#endif
