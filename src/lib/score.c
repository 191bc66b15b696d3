/* Scores of probability forecasts (docs/scoring.md).  The weighted forms
 * are the implementation; the plain ones give every row weight 1.  Ties
 * are handled in blocks of equal forecasts, so that the order of tied rows
 * never changes a score. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <Random123/philox.h>

#include "casus/score.h"

static double w_of(const double *weight, size_t i)
{
    return weight ? weight[i] : 1.0;
}

double casus_score_brier_w(const double *p, const unsigned char *y, const double *weight, size_t n)
{
    double s = 0, w = 0;
    for (size_t i = 0; i < n; i++) {
        double d = p[i] - (y[i] ? 1.0 : 0.0);
        s += w_of(weight, i) * d * d;
        w += w_of(weight, i);
    }
    return w > 0 ? s / w : NAN;
}

double casus_score_log_w(const double *p, const unsigned char *y, const double *weight, size_t n)
{
    double s = 0, w = 0;
    for (size_t i = 0; i < n; i++) {
        double q = p[i] < CASUS_SCORE_EPS ? CASUS_SCORE_EPS : p[i] > 1 - CASUS_SCORE_EPS ? 1 - CASUS_SCORE_EPS : p[i];
        s += w_of(weight, i) * (y[i] ? log(q) : log1p(-q));
        w += w_of(weight, i);
    }
    return w > 0 ? s / w : NAN;
}

double casus_score_brier(const double *p, const unsigned char *y, size_t n)
{
    return casus_score_brier_w(p, y, NULL, n);
}

double casus_score_log(const double *p, const unsigned char *y, size_t n)
{
    return casus_score_log_w(p, y, NULL, n);
}

double casus_score_skill(double score, double reference)
{
    return reference == 0 ? NAN : 1.0 - score / reference;
}

/* Sorting indices by (group, forecast), ascending.  qsort has no context
 * argument, so the arrays travel in a file-local struct per call site. */
typedef struct sort_key {
    int group;
    double p;
    size_t i;
} sort_key;

static int cmp_key(const void *pa, const void *pb)
{
    const sort_key *a = pa, *b = pb;
    if (a->group != b->group)
        return a->group < b->group ? -1 : 1;
    if (a->p != b->p)
        return a->p < b->p ? -1 : 1;
    return (a->i > b->i) - (a->i < b->i);
}

static sort_key *sorted_keys(const double *p, const int *group, size_t n)
{
    sort_key *k = malloc((n ? n : 1) * sizeof *k);
    if (!k)
        return NULL;
    for (size_t i = 0; i < n; i++)
        k[i] = (sort_key){group ? group[i] : 0, p[i], i};
    qsort(k, n, sizeof *k, cmp_key);
    return k;
}

/* Concordant pairs (ties one half) and all pairs, summed over groups. */
static double auc_core(const double *p, const unsigned char *y, const int *group, const double *weight, size_t n)
{
    sort_key *k = sorted_keys(p, group, n);
    if (!k)
        return NAN;
    double conc = 0, pairs = 0;
    size_t a = 0;
    while (a < n) {
        size_t b = a;
        while (b < n && k[b].group == k[a].group)
            b++;
        /* One group: k[a..b) by forecast. */
        double neg_below = 0, pos = 0, neg = 0;
        size_t s = a;
        while (s < b) {
            size_t e = s;
            double w1 = 0, w0 = 0;
            while (e < b && k[e].p == k[s].p) {
                double w = w_of(weight, k[e].i);
                if (y[k[e].i])
                    w1 += w;
                else
                    w0 += w;
                e++;
            }
            conc += w1 * neg_below + 0.5 * w1 * w0;
            neg_below += w0;
            pos += w1;
            neg += w0;
            s = e;
        }
        pairs += pos * neg;
        a = b;
    }
    free(k);
    return pairs > 0 ? conc / pairs : NAN;
}

double casus_score_auc_w(const double *p, const unsigned char *y, const double *weight, size_t n)
{
    return auc_core(p, y, NULL, weight, n);
}

double casus_score_auc_within_w(const double *p, const unsigned char *y, const int *group, const double *weight,
                                size_t n)
{
    return auc_core(p, y, group, weight, n);
}

double casus_score_auc(const double *p, const unsigned char *y, size_t n)
{
    return auc_core(p, y, NULL, NULL, n);
}

double casus_score_auc_within(const double *p, const unsigned char *y, const int *group, size_t n)
{
    return auc_core(p, y, group, NULL, n);
}

double casus_score_average_precision_w(const double *p, const unsigned char *y, const double *weight, size_t n)
{
    sort_key *k = sorted_keys(p, NULL, n);
    if (!k)
        return NAN;
    double tp = 0, all = 0, total_pos = 0, ap = 0;
    for (size_t i = 0; i < n; i++)
        if (y[i])
            total_pos += w_of(weight, i);
    /* From the highest forecast down, a tied block at a time. */
    size_t e = n;
    while (e > 0) {
        size_t s = e;
        double w1 = 0, w = 0;
        while (s > 0 && k[s - 1].p == k[e - 1].p) {
            s--;
            double wi = w_of(weight, k[s].i);
            w += wi;
            if (y[k[s].i])
                w1 += wi;
        }
        tp += w1;
        all += w;
        if (w1 > 0)
            ap += w1 * (tp / all);
        e = s;
    }
    free(k);
    return total_pos > 0 ? ap / total_pos : NAN;
}

double casus_score_side_accuracy(const double *p_side1, const int *side, size_t n)
{
    if (n == 0)
        return NAN;
    double right = 0;
    for (size_t i = 0; i < n; i++)
        right += p_side1[i] == 0.5 ? 0.5 : (p_side1[i] > 0.5 ? 1 : 2) == side[i];
    return right / (double)n;
}

double casus_score_average_precision(const double *p, const unsigned char *y, size_t n)
{
    return casus_score_average_precision_w(p, y, NULL, n);
}

void casus_score_reliability(const double *p, const unsigned char *y, size_t n, size_t n_bins, casus_score_bin *out)
{
    if (n_bins == 0)
        return;
    double *sum_p = calloc(n_bins, sizeof *sum_p), *sum_y = calloc(n_bins, sizeof *sum_y);
    for (size_t b = 0; b < n_bins; b++)
        out[b] = (casus_score_bin){(double)b / (double)n_bins, (double)(b + 1) / (double)n_bins, NAN, NAN, 0};
    if (!sum_p || !sum_y) {
        free(sum_p);
        free(sum_y);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        double q = p[i] < 0 ? 0 : p[i] > 1 ? 1 : p[i];
        size_t b = (size_t)(q * (double)n_bins);
        if (b >= n_bins)
            b = n_bins - 1;
        sum_p[b] += p[i];
        sum_y[b] += y[i] ? 1 : 0;
        out[b].count++;
    }
    for (size_t b = 0; b < n_bins; b++)
        if (out[b].count) {
            out[b].mean_forecast = sum_p[b] / (double)out[b].count;
            out[b].observed = sum_y[b] / (double)out[b].count;
        }
    free(sum_p);
    free(sum_y);
}

double casus_score_pit(double cdf_before, double cdf_at, double u)
{
    return cdf_before + u * (cdf_at - cdf_before);
}

static int cmp_double(const void *pa, const void *pb)
{
    double a = *(const double *)pa, b = *(const double *)pb;
    return (a > b) - (a < b);
}

/* The q-quantile of sorted values, interpolating linearly (Hyndman and
 * Fan's type 7, R's default). */
static double quantile(const double *v, size_t n, double q)
{
    double h = (double)(n - 1) * q;
    size_t lo = (size_t)floor(h);
    size_t hi = lo + 1 < n ? lo + 1 : lo;
    return v[lo] + (h - (double)lo) * (v[hi] - v[lo]);
}

casus_status casus_score_bootstrap(const int *group, size_t n, size_t n_groups, size_t reps, uint64_t seed,
                                   double level, casus_score_stat_fn stat, void *ud, double *lo, double *hi)
{
    *lo = *hi = NAN;
    if (reps == 0 || n_groups == 0 || !(level > 0 && level < 1) || n_groups > UINT32_MAX)
        return CASUS_INVALID;
    for (size_t i = 0; i < n; i++)
        if (group[i] < 0 || (size_t)group[i] >= n_groups)
            return CASUS_INVALID;
    double *weight = malloc((n ? n : 1) * sizeof *weight);
    double *drawn = malloc(n_groups * sizeof *drawn);
    double *values = malloc(reps * sizeof *values);
    if (!weight || !drawn || !values) {
        free(weight);
        free(drawn);
        free(values);
        return CASUS_NOMEM;
    }
    size_t n_def = 0;
    philox4x32_key_t key = {{(uint32_t)seed, (uint32_t)(seed >> 32)}};
    for (size_t r = 0; r < reps; r++) {
        memset(drawn, 0, n_groups * sizeof *drawn);
        /* Draw k uses counter (r, k / 4) and word k % 4 of the block. */
        philox4x32_ctr_t ctr = {{(uint32_t)r, (uint32_t)((uint64_t)r >> 32), 0, 0}};
        philox4x32_ctr_t block = {{0, 0, 0, 0}};
        for (size_t k = 0; k < n_groups; k++) {
            if (k % 4 == 0) {
                ctr.v[2] = (uint32_t)(k / 4);
                block = philox4x32(ctr, key);
            }
            /* A uniform index by multiply-and-shift (Lemire 2019); the bias
             * is below n_groups / 2^32. */
            uint32_t g = (uint32_t)(((uint64_t)block.v[k % 4] * (uint64_t)n_groups) >> 32);
            drawn[g] += 1;
        }
        for (size_t i = 0; i < n; i++)
            weight[i] = drawn[group[i]];
        double v = stat(ud, weight, n);
        if (!isnan(v))
            values[n_def++] = v;
    }
    if (n_def > 0) {
        qsort(values, n_def, sizeof *values, cmp_double);
        *lo = quantile(values, n_def, (1 - level) / 2);
        *hi = quantile(values, n_def, (1 + level) / 2);
    }
    free(weight);
    free(drawn);
    free(values);
    return CASUS_OK;
}
