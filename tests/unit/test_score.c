/* Forecast scores (src/lib/score.c) on small examples worked out by hand
 * in the comments, ties included. */
#include <criterion/criterion.h>
#include <math.h>

#include "casus/score.h"

/* Five forecasts, two tied pairs:
 *   p  0.2 0.2 0.6 0.6 0.9
 *   y  0   1   0   1   1                                                  */
static const double P[] = {0.2, 0.2, 0.6, 0.6, 0.9};
static const unsigned char Y[] = {0, 1, 0, 1, 1};

Test(score, brier_and_log)
{
    /* (0.04 + 0.64 + 0.36 + 0.16 + 0.01) / 5 = 1.21 / 5 */
    cr_expect_float_eq(casus_score_brier(P, Y, 5), 0.242, 1e-12);
    double want = (log(0.8) + log(0.2) + log(0.4) + log(0.6) + log(0.9)) / 5;
    cr_expect_float_eq(casus_score_log(P, Y, 5), want, 1e-12);
    /* A certain miss costs ln(1e-4), not minus infinity. */
    const double p0[] = {0.0};
    const unsigned char y1[] = {1};
    cr_expect_float_eq(casus_score_log(p0, y1, 1), log(1e-4), 1e-12);
    cr_expect(isnan(casus_score_brier(P, Y, 0)));
    cr_expect_float_eq(casus_score_skill(0.15, 0.2), 0.25, 1e-12);
    cr_expect(isnan(casus_score_skill(0.1, 0)));
}

Test(score, auc_with_ties)
{
    /* Positives 0.2, 0.6, 0.9 against negatives 0.2, 0.6:
     * 0.2: 0.5 + 0;  0.6: 1 + 0.5;  0.9: 1 + 1  -> 4 of 6 pairs. */
    cr_expect_float_eq(casus_score_auc(P, Y, 5), 4.0 / 6.0, 1e-12);
    /* The textbook case: 0.1- 0.4- 0.35+ 0.8+ -> 3 of 4. */
    const double p[] = {0.1, 0.4, 0.35, 0.8};
    const unsigned char y[] = {0, 0, 1, 1};
    cr_expect_float_eq(casus_score_auc(p, y, 4), 0.75, 1e-12);
    /* Order of tied rows does not matter. */
    const double q[] = {0.9, 0.6, 0.6, 0.2, 0.2};
    const unsigned char z[] = {1, 1, 0, 1, 0};
    cr_expect_float_eq(casus_score_auc(q, z, 5), 4.0 / 6.0, 1e-12);
    const unsigned char none[] = {0, 0, 0, 0, 0};
    cr_expect(isnan(casus_score_auc(P, none, 5)));
}

Test(score, auc_within_groups)
{
    /* Groups 0 0 0 1 1: group 0 has 0.2-, 0.2+, 0.6-: the positive ties
     * one negative (0.5) and loses to the other (0) -> 0.5 of 2 pairs;
     * group 1 (0.6+, 0.9+) has no negative and adds no pair. */
    const int g[] = {0, 0, 0, 1, 1};
    cr_expect_float_eq(casus_score_auc_within(P, Y, g, 5), 0.25, 1e-12);
    /* One group: the pooled AUC. */
    const int one[] = {7, 7, 7, 7, 7};
    cr_expect_float_eq(casus_score_auc_within(P, Y, one, 5), 4.0 / 6.0, 1e-12);
    /* No group with both classes. */
    const int apart[] = {0, 1, 0, 1, 1};
    cr_expect(isnan(casus_score_auc_within(P, Y, apart, 5)));
}

Test(score, average_precision_with_ties)
{
    /* From the top: {0.9: +} precision 1/1; {0.6: +, -} 2/3; {0.2: +, -}
     * 3/5.  AP = (1 + 2/3 + 3/5) / 3. */
    cr_expect_float_eq(casus_score_average_precision(P, Y, 5), (1.0 + 2.0 / 3.0 + 0.6) / 3.0, 1e-12);
    /* Weights: counting row 4 (0.9, +) twice: {0.9: 2+} 2/2, {0.6} 3/4,
     * {0.2} 4/6 -> (2*1 + 3/4 + 4/6) / 4. */
    const double w[] = {1, 1, 1, 1, 2};
    cr_expect_float_eq(casus_score_average_precision_w(P, Y, w, 5), (2.0 + 0.75 + 4.0 / 6.0) / 4.0, 1e-12);
}

Test(score, side_accuracy_counts_a_tie_as_half)
{
    /* Right (0.8 for side 1), wrong (0.3 but side 1), a tie (0.5, either
     * side), right (0.1 for side 2): (1 + 0 + 0.5 + 1) / 4. */
    const double p1[] = {0.8, 0.3, 0.5, 0.1};
    const int side[] = {1, 1, 2, 2};
    cr_expect_float_eq(casus_score_side_accuracy(p1, side, 4), 2.5 / 4, 1e-12);
    /* A tie is half right whichever side was taken. */
    const int other[] = {1, 1, 1, 2};
    cr_expect_float_eq(casus_score_side_accuracy(p1, other, 4), 2.5 / 4, 1e-12);
    /* Only ties: one half, not 0 (a tie once counted as side 2) nor 1. */
    const double half[] = {0.5, 0.5};
    const int ones[] = {1, 1};
    cr_expect_float_eq(casus_score_side_accuracy(half, ones, 2), 0.5, 1e-12);
    cr_expect(isnan(casus_score_side_accuracy(p1, side, 0)));
}

Test(score, reliability_table)
{
    casus_score_bin b[10];
    casus_score_reliability(P, Y, 5, 10, b);
    cr_expect_eq(b[2].count, 2);
    cr_expect_float_eq(b[2].mean_forecast, 0.2, 1e-12);
    cr_expect_float_eq(b[2].observed, 0.5, 1e-12);
    cr_expect_eq(b[6].count, 2);
    cr_expect_eq(b[9].count, 1);
    cr_expect_float_eq(b[9].observed, 1.0, 1e-12);
    cr_expect_eq(b[0].count, 0);
    cr_expect(isnan(b[0].mean_forecast));
    cr_expect_float_eq(b[3].lo, 0.3, 1e-12);
    /* A forecast of exactly 1 falls in the last bin. */
    const double one[] = {1.0};
    casus_score_reliability(one, Y + 1, 1, 10, b);
    cr_expect_eq(b[9].count, 1);
}

Test(score, pit)
{
    cr_expect_float_eq(casus_score_pit(0.2, 0.6, 0.5), 0.4, 1e-12);
    cr_expect_float_eq(casus_score_pit(0.2, 0.6, 0.0), 0.2, 1e-12);
}

/* Statistic: the weighted share of rows with y = 1. */
static double share(void *ud, const double *w, size_t n)
{
    const unsigned char *y = ud;
    double a = 0, b = 0;
    for (size_t i = 0; i < n; i++) {
        a += w[i] * y[i];
        b += w[i];
    }
    return b > 0 ? a / b : NAN;
}

static double constant(void *ud, const double *w, size_t n)
{
    (void)ud, (void)w, (void)n;
    return 3.5;
}

Test(score, bootstrap_by_group)
{
    /* Two groups: rows 0-2 (no event) and rows 3-4 (events).  A resample
     * draws two groups: both of the first (share 0), one of each (2/5), or
     * both of the second (1), with probabilities 1/4, 1/2, 1/4. */
    const unsigned char y[] = {0, 0, 0, 1, 1};
    const int g[] = {0, 0, 0, 1, 1};
    double lo, hi, lo2, hi2;
    cr_assert_eq(casus_score_bootstrap(g, 5, 2, 2000, 42, 0.9, share, (void *)y, &lo, &hi), CASUS_OK);
    cr_expect_float_eq(lo, 0.0, 1e-12);
    cr_expect_float_eq(hi, 1.0, 1e-12);
    /* Same seed, same interval; the middle half is 2/5. */
    cr_assert_eq(casus_score_bootstrap(g, 5, 2, 2000, 42, 0.9, share, (void *)y, &lo2, &hi2), CASUS_OK);
    cr_expect_eq(lo, lo2);
    cr_expect_eq(hi, hi2);
    cr_assert_eq(casus_score_bootstrap(g, 5, 2, 2000, 42, 0.4, share, (void *)y, &lo, &hi), CASUS_OK);
    cr_expect_float_eq(lo, 0.4, 1e-12);
    cr_expect_float_eq(hi, 0.4, 1e-12);
    cr_assert_eq(casus_score_bootstrap(g, 5, 2, 10, 1, 0.95, constant, NULL, &lo, &hi), CASUS_OK);
    cr_expect_float_eq(lo, 3.5, 1e-12);
    cr_expect_float_eq(hi, 3.5, 1e-12);
    const int bad[] = {0, 0, 2, 1, 1};
    cr_expect_eq(casus_score_bootstrap(bad, 5, 2, 10, 1, 0.95, share, (void *)y, &lo, &hi), CASUS_INVALID);
    cr_expect_eq(casus_score_bootstrap(g, 5, 2, 0, 1, 0.95, share, (void *)y, &lo, &hi), CASUS_INVALID);
    cr_expect_eq(casus_score_bootstrap(g, 5, 2, 10, 1, 1.0, share, (void *)y, &lo, &hi), CASUS_INVALID);
}

/* The share of resamples drawing group 1 twice should be near 1/4: the
 * Philox draws are uniform over the groups. */
static double both_second(void *ud, const double *w, size_t n)
{
    (void)ud, (void)n;
    return w[0] == 0 ? 1.0 : 0.0;
}

Test(score, bootstrap_draws_are_uniform)
{
    const int g[] = {0, 1};
    /* Quantiles of a 0/1 statistic: with 20000 resamples, the 0.74
     * quantile is 0 and the 0.76 one is 1 when P(1) = 1/4 (the standard
     * error of the share is 0.003). */
    double lo, hi;
    cr_assert_eq(casus_score_bootstrap(g, 2, 2, 20000, 7, 0.48, both_second, NULL, &lo, &hi), CASUS_OK);
    /* level 0.48: quantiles 0.26 and 0.74 */
    cr_expect_float_eq(lo, 0.0, 1e-12);
    cr_expect_float_eq(hi, 0.0, 1e-12);
    cr_assert_eq(casus_score_bootstrap(g, 2, 2, 20000, 7, 0.52, both_second, NULL, &lo, &hi), CASUS_OK);
    /* level 0.52: quantiles 0.24 and 0.76 */
    cr_expect_float_eq(hi, 1.0, 1e-12);
}
