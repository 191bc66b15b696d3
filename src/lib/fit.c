/* Maximum likelihood for the join model over replayed wars (casus/fit.h,
 * docs/fit.md).  The replay calls casus_jm_rows, the join model's own
 * feature code, so a fitted beta means what the engine means by it. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_eigen.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_multimin.h>

#include "casus/fit.h"
#include "internal.h"
#include "parallel.h"

enum { F = CASUS_JM_FEATURE_COUNT };

/* The linear predictor is capped here, so that a wild BFGS trial step
 * gives a huge but finite objective instead of an overflow. */
#define ETA_MAX 50.0
/* BFGS stops when every gradient component of the objective is below this
 * (the objective is a log-likelihood over hundreds of events). */
#define GRAD_TOL 1e-6

static const double penalties[CASUS_FIT_N_PENALTIES] = {0.3, 1.0, 3.0, 10.0, 30.0, 100.0};

double casus_fit_penalty(size_t i)
{
    return i < CASUS_FIT_N_PENALTIES ? penalties[i] : NAN;
}

/* One exposure row: x and how many days it was at risk. */
typedef struct fit_row {
    double x[F];
    double exposure;
    int band;          /* 0-3: which band (set when the rows are grouped) */
} fit_row;

/* A non-zero value of a row's x. */
typedef struct fit_entry {
    double val;
    int col;
} fit_entry;

/* The time bands: band_first_week, _month, _year, and the days after
 * (all three 0). */
enum { NB = 4 };
static const int band_feature[NB - 1] = {CASUS_JM_BAND_WEEK, CASUS_JM_BAND_MONTH, CASUS_JM_BAND_YEAR};

/* The rows of a war, as the likelihood reads them.  A row enters only
 * through exposure * exp(beta . x), so rows whose x is the same but for
 * the time band are one group, with the exposure in each band: then
 * exp(beta . x) = exp(beta . x without the bands) * exp(beta_band), one
 * exp per group where there was one per row (a candidate's x mostly stays
 * as it was across the segments of a war, the band apart).  The rest of x
 * is kept sparse: some 6 non-zero values of 28, and the likelihood, its
 * gradient and its Hessian visit only those. */
typedef struct war_data {
    casus_fit_war info;
    size_t n_groups;
    double (*exposure)[NB]; /* n_groups: days at risk in each band */
    size_t *start;     /* n_groups + 1: group i's values are entries[start[i] .. start[i + 1]) */
    fit_entry *entries; /* x's non-zero values, the bands' apart */
    double *events;    /* n_events * F */
} war_data;

struct casus_fit_data {
    casus_mem mem;
    war_data *wars;
    size_t n;
};

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

/* Rows in the order of their x, byte by byte, then of their band: any
 * fixed order will do, so that rows of the same group are neighbours. */
static int cmp_row(const void *a, const void *b)
{
    const fit_row *x = a, *y = b;
    int c = memcmp(x->x, y->x, sizeof x->x);
    return c ? c : (x->band > y->band) - (x->band < y->band);
}

/* The COW side of the day-0 initiators: the join model's side 1.  When no
 * day-0 state initiated, or initiators stand on both sides, COW's side 1. */
static int initiator_side(const casus_war_history *h)
{
    int s = 0;
    for (size_t i = 0; i < h->n_day0; i++)
        if (h->belligerents[i].initiator) {
            if (s && s != h->belligerents[i].side)
                return 1;
            s = h->belligerents[i].side;
        }
    return s ? s : 1;
}

static void free_war(const casus_mem *mem, war_data *w)
{
    casus__mem_free(mem, w->exposure, 0);
    casus__mem_free(mem, w->start, 0);
    casus__mem_free(mem, w->entries, 0);
    casus__mem_free(mem, w->events, 0);
    casus__mem_free(mem, (void *)w->info.openings, 0);
    casus__mem_free(mem, (void *)w->info.day0_rows, 0);
    casus__mem_free(mem, (void *)w->info.theatres, 0);
}

/* The row of a state and side among rows sorted by ccode; NULL when the
 * state is no candidate. */
static const casus_jm_row *find_row(const casus_jm_row *rows, size_t n, int ccode, int side)
{
    size_t lo = 0, hi = n / 2;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = rows[2 * mid].ccode;
        if (c == ccode)
            return &rows[2 * mid + (size_t)(side - 1)];
        if (c < ccode)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* Replays one war. */
static casus_status build_war(const casus_mem *mem, const casus_world *world, const casus_war_history *h,
                              const casus_war_places *places, war_data *out, casus_error *err)
{
    memset(out, 0, sizeof *out);
    out->info.history = h;
    int s1 = initiator_side(h);
    out->info.side1_cow = s1;
    size_t nb = h->n_belligerents;
    casus_day start = h->first_day.lo;
    casus_status st = CASUS_OK;
    casus_jm_data *jd = NULL;
    casus_jm_row *prev = NULL;
    size_t n_prev = 0;
    casus_vec rows, events;
    casus__vec_init(&rows, sizeof(fit_row));
    casus__vec_init(&events, sizeof(double) * F);
    casus_attack *open = casus__mem_alloc(mem, (h->n_day0 * h->n_day0 + 1) * sizeof *open);
    casus_jm_belligerent *bel = casus__mem_alloc(mem, (nb + 1) * sizeof *bel);
    int *cuts = casus__mem_alloc(mem, (2 * h->n_at_risk + nb + 8) * sizeof *cuts);
    casus_jm_theatre *th = casus__mem_alloc(mem, (h->n_day0 + 1) * sizeof *th);
    if (!open || !bel || !cuts || !th) {
        casus__mem_free(mem, th, 0);
        st = casus_error_set(err, CASUS_NOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }

    /* Theatres: a state fighting on day 0 is attacked at the war's row for
     * it that names no attacker, when there is one; rows for later entrants
     * or for one attacker's attacks are not read, so that the forecast of a
     * war reads nothing after its first day. */
    size_t n_th = 0;
    for (size_t i = 0; i < h->n_day0; i++) {
        const casus_war_place *row = casus_war_places_find(places, h->war->number, 0, h->belligerents[i].ccode);
        if (row && row->attacker == 0)
            th[n_th++] = (casus_jm_theatre){h->belligerents[i].ccode, row->place};
    }
    qsort(th, n_th, sizeof *th, cmp_int); /* ccode first */
    out->info.theatres = th;
    out->info.n_theatres = n_th;
    if ((st = casus_jm_data_create(world, start, &jd, err)) != CASUS_OK)
        goto done;

    /* Openings: every state fighting on day 0 on the initiators' side
     * attacks every state fighting on day 0 on the other side, so that all
     * of them are in the war from its first moment (the engine takes the
     * opening attacks as its only way in on day 0). */
    size_t n_open = 0;
    for (size_t i = 0; i < h->n_day0; i++) {
        const casus_history_belligerent *a = &h->belligerents[i];
        if (a->side != s1)
            continue;
        for (size_t j = 0; j < h->n_day0; j++)
            if (h->belligerents[j].side != s1) {
                casus_jm_war tw = {.theatres = th, .n_theatres = n_th};
                open[n_open++] = (casus_attack){.attacker = a->ccode, .target = h->belligerents[j].ccode,
                                                .place = casus_jm_theatre_of(&tw, h->belligerents[j].ccode),
                                                .day = start};
            }
    }
    out->info.openings = open;
    out->info.n_openings = n_open;
    open = NULL;
    for (size_t i = 0; i < nb; i++) {
        const casus_history_belligerent *b = &h->belligerents[i];
        bel[i] = (casus_jm_belligerent){b->ccode, b->side == s1 ? 1 : 2, start + (b->day0 ? 0 : b->offset_lo)};
    }

    /* Cut points: entries, time bands, system entries and exits. */
    int L = h->length;
    size_t nc = 0;
    cuts[nc++] = 0;
    for (size_t i = h->n_day0; i < nb; i++)
        cuts[nc++] = h->belligerents[i].offset_lo;
    cuts[nc++] = CASUS_JM_BAND_MONTH_DAY;
    cuts[nc++] = CASUS_JM_BAND_YEAR_DAY;
    cuts[nc++] = CASUS_JM_BAND_LATER_DAY;
    for (size_t i = 0; i < h->n_at_risk; i++) {
        cuts[nc++] = h->at_risk[i].from;
        if (h->at_risk[i].exit == CASUS_HISTORY_LEFT_SYSTEM)
            cuts[nc++] = h->at_risk[i].until + 1;
    }
    qsort(cuts, nc, sizeof *cuts, cmp_int);
    size_t nu = 0;
    for (size_t i = 0; i < nc; i++)
        if (cuts[i] >= 0 && cuts[i] < L && (nu == 0 || cuts[nu - 1] != cuts[i]))
            cuts[nu++] = cuts[i];
    out->info.n_segments = nu;

    /* Each segment [t0, t1): the rows of its first day, with the states
     * that entered on or before it as belligerents.  bel is in entry order
     * (day 0 first, then by entry day), so those are its first n_in. */
    size_t next_entrant = h->n_day0;
    for (size_t k = 0; k < nu && st == CASUS_OK; k++) {
        int t0 = cuts[k], t1 = k + 1 < nu ? cuts[k + 1] : L;
        /* Entries at t0 happen now: each is scored with the rows of the
         * segment before (x just before it entered). */
        while (next_entrant < nb && h->belligerents[next_entrant].offset_lo <= t0) {
            const casus_history_belligerent *e = &h->belligerents[next_entrant++];
            const casus_jm_row *r = prev ? find_row(prev, n_prev, e->ccode, e->side == s1 ? 1 : 2) : NULL;
            if (!r || e->offset_lo == 0) {
                out->info.n_unmodelled++;
                continue;
            }
            double *ev = casus__vec_push(&events, mem);
            if (!ev) {
                st = casus_error_set(err, CASUS_NOMEM, NULL, 0, 0, "out of memory");
                break;
            }
            memcpy(ev, r->x, sizeof(double) * F);
            out->info.n_events++;
        }
        if (st != CASUS_OK)
            break;
        size_t n_in = h->n_day0;
        while (n_in < nb && h->belligerents[n_in].offset_lo <= t0)
            n_in++;
        casus_jm_war war = {.openings = out->info.openings, .n_openings = n_open, .belligerents = bel,
                            .n_belligerents = n_in, .start = start, .day = start + t0,
                            .theatres = out->info.theatres, .n_theatres = out->info.n_theatres};
        casus_jm_row *r = NULL;
        size_t n_r = 0;
        if ((st = casus_jm_rows(jd, &war, &r, &n_r, err)) != CASUS_OK)
            break;
        for (size_t i = 0; i < n_r; i++) {
            fit_row *fr = casus__vec_push(&rows, mem);
            if (!fr) {
                st = casus_error_set(err, CASUS_NOMEM, NULL, 0, 0, "out of memory");
                break;
            }
            memcpy(fr->x, r[i].x, sizeof fr->x);
            fr->exposure = (double)(t1 - t0);
        }
        if (k == 0) {
            /* Day 0's rows are kept for the forecasts and the baselines. */
            casus_jm_row *copy = casus__mem_alloc(mem, (n_r + 1) * sizeof *copy);
            if (!copy) {
                casus_jm_rows_free(jd, r, n_r);
                st = casus_error_set(err, CASUS_NOMEM, NULL, 0, 0, "out of memory");
                break;
            }
            if (n_r)
                memcpy(copy, r, n_r * sizeof *copy);
            out->info.day0_rows = copy;
            out->info.n_day0_rows = n_r;
        }
        casus_jm_rows_free(jd, prev, n_prev);
        prev = r;
        n_prev = n_r;
    }
    /* Entries after the last cut cannot be: every entry is a cut. */
done:
    casus_jm_rows_free(jd, prev, n_prev);
    casus_jm_data_free(jd);
    casus__mem_free(mem, open, 0);
    casus__mem_free(mem, bel, 0);
    casus__mem_free(mem, cuts, 0);
    if (st == CASUS_OK) {
        /* The groups: rows sorted by x without the bands (kept aside in
         * exposure's band slot), equal neighbours merged. */
        fit_row *fr = rows.data;
        size_t nr = rows.len, m = 0;
        for (size_t i = 0; i < nr; i++) {
            int band = NB - 1;
            for (int b = 0; b < NB - 1; b++)
                if (fr[i].x[band_feature[b]] != 0) {
                    band = b;
                    fr[i].x[band_feature[b]] = 0;
                }
            fr[i].band = band;
        }
        if (nr)
            qsort(fr, nr, sizeof *fr, cmp_row);
        size_t nnz = 0;
        for (size_t i = 0; i < nr; i++)
            if (i == 0 || memcmp(fr[i - 1].x, fr[i].x, sizeof fr[i].x) != 0) {
                m++;
                for (int j = 0; j < F; j++)
                    nnz += fr[i].x[j] != 0;
            }
        out->exposure = casus__mem_alloc(mem, (m + 1) * sizeof *out->exposure);
        out->start = casus__mem_alloc(mem, (m + 1) * sizeof *out->start);
        out->entries = casus__mem_alloc(mem, (nnz + 1) * sizeof *out->entries);
        if (out->exposure && out->start && out->entries) {
            size_t e = 0, g = 0;
            for (size_t i = 0; i < nr; i++) {
                if (i == 0 || memcmp(fr[i - 1].x, fr[i].x, sizeof fr[i].x) != 0) {
                    g++;
                    memset(out->exposure[g - 1], 0, sizeof out->exposure[g - 1]);
                    out->start[g - 1] = e;
                    for (int j = 0; j < F; j++)
                        if (fr[i].x[j] != 0)
                            out->entries[e++] = (fit_entry){fr[i].x[j], j};
                }
                out->exposure[g - 1][fr[i].band] += fr[i].exposure;
            }
            out->start[m] = e;
            casus__vec_free(&rows, mem);
            out->info.n_rows = nr;
            out->n_groups = m;
            out->events = events.data;
            return CASUS_OK;
        }
        st = casus_error_set(err, CASUS_NOMEM, NULL, 0, 0, "out of memory");
    }
    casus__vec_free(&rows, mem);
    casus__vec_free(&events, mem);
    free_war(mem, out);
    memset(out, 0, sizeof *out);
    return st;
}

casus_status casus_fit_data_build(const casus_world *world, const casus_history *history,
                                  const casus_war_places *places, casus_fit_data **out, casus_error *err)
{
    *out = NULL;
    const casus_mem *wmem = casus__world_mem((casus_world *)world);
    casus_fit_data *d = casus__mem_alloc(wmem, sizeof *d);
    if (!d)
        return casus_error_set(err, CASUS_NOMEM, NULL, 0, 0, "out of memory");
    memset(d, 0, sizeof *d);
    d->mem = *wmem;
    size_t n = casus_history_count(history);
    d->wars = casus__mem_alloc(&d->mem, (n + 1) * sizeof *d->wars);
    if (!d->wars) {
        casus__mem_free(&d->mem, d, sizeof *d);
        return casus_error_set(err, CASUS_NOMEM, NULL, 0, 0, "out of memory");
    }
    memset(d->wars, 0, (n + 1) * sizeof *d->wars);
    for (size_t i = 0; i < n; i++) {
        casus_status st = build_war(&d->mem, world, casus_history_at(history, i), places, &d->wars[i], err);
        if (st != CASUS_OK) {
            d->n = i;
            casus_fit_data_free(d);
            return st;
        }
    }
    d->n = n;
    *out = d;
    return CASUS_OK;
}

void casus_fit_data_free(casus_fit_data *d)
{
    if (!d)
        return;
    casus_mem mem = d->mem;
    for (size_t i = 0; i < d->n; i++)
        free_war(&mem, &d->wars[i]);
    casus__mem_free(&mem, d->wars, 0);
    casus__mem_free(&mem, d, sizeof *d);
}

size_t casus_fit_data_count(const casus_fit_data *d)
{
    return d ? d->n : 0;
}

const casus_fit_war *casus_fit_data_war(const casus_fit_data *d, size_t i)
{
    return d && i < d->n ? &d->wars[i].info : NULL;
}

long casus_fit_data_find(const casus_fit_data *d, int number)
{
    for (size_t i = 0; d && i < d->n; i++)
        if (d->wars[i].info.history->war->number == number)
            return (long)i;
    return -1;
}

static double dot(const double *b, const double *x)
{
    double s = 0;
    for (int j = 0; j < F; j++)
        s += b[j] * x[j];
    return s;
}

/* beta . x of group i, the bands apart. */
static double group_eta(const war_data *w, size_t i, const double *beta)
{
    double eta = 0;
    for (size_t e = w->start[i]; e < w->start[i + 1]; e++)
        eta += beta[w->entries[e].col] * w->entries[e].val;
    return eta;
}

/* The bands' terms for one beta: each band's coefficient (0 for the later
 * days), its exp, and the largest. */
typedef struct band_terms {
    double beta[NB], exp[NB], max;
} band_terms;

static void band_factors(const double *beta, band_terms *t)
{
    t->max = 0;
    for (int b = 0; b < NB; b++) {
        t->beta[b] = b < NB - 1 ? beta[band_feature[b]] : 0;
        t->exp[b] = exp(t->beta[b]);
        t->max = fmax(t->max, t->beta[b]);
    }
}

/* m[b] = exposure in band b * exp(eta + beta_band b), each exponent capped
 * at ETA_MAX; returns their sum. */
static double group_hazards(const war_data *w, size_t i, const double *beta, const band_terms *t, double *m)
{
    double eta = group_eta(w, i, beta), sum = 0;
    const double *band_beta = t->beta;
    if (eta + t->max < ETA_MAX) {
        double base = exp(eta);
        for (int b = 0; b < NB; b++) {
            m[b] = w->exposure[i][b] * base * t->exp[b];
            sum += m[b];
        }
    } else {
        for (int b = 0; b < NB; b++) {
            double v = eta + band_beta[b];
            m[b] = w->exposure[i][b] * exp(v < ETA_MAX ? v : ETA_MAX);
            sum += m[b];
        }
    }
    return sum;
}

static double loglik_war(const war_data *w, const double *beta, double *grad)
{
    double ll = 0;
    band_terms band_beta;
    band_factors(beta, &band_beta);
    for (size_t e = 0; e < w->info.n_events; e++) {
        const double *x = &w->events[e * F];
        ll += dot(beta, x);
        if (grad)
            for (int j = 0; j < F; j++)
                grad[j] += x[j];
    }
    for (size_t i = 0; i < w->n_groups; i++) {
        double m[NB];
        double sum = group_hazards(w, i, beta, &band_beta, m);
        ll -= sum;
        if (grad) {
            for (size_t e = w->start[i]; e < w->start[i + 1]; e++)
                grad[w->entries[e].col] -= sum * w->entries[e].val;
            for (int b = 0; b < NB - 1; b++)
                grad[band_feature[b]] -= m[b];
        }
    }
    return ll;
}

double casus_fit_loglik(const casus_fit_data *d, const size_t *wars, size_t n_wars, const double beta[CASUS_JM_FEATURE_COUNT],
                        double grad[CASUS_JM_FEATURE_COUNT])
{
    if (grad)
        memset(grad, 0, sizeof(double) * F);
    double ll = 0;
    size_t n = wars ? n_wars : d->n;
    for (size_t k = 0; k < n; k++) {
        size_t i = wars ? wars[k] : k;
        if (i < d->n)
            ll += loglik_war(&d->wars[i], beta, grad);
    }
    return ll;
}

/* The penalised Hessian of minus the log-likelihood at beta:
 * sum exposure exp(beta . x) x x' + diag(pen), into H (F x F). */
static void hessian(const casus_fit_data *d, const size_t *wars, size_t n_wars, const double *pen,
                    const double *beta, gsl_matrix *H)
{
    double h[F][F];
    band_terms band_beta;
    memset(h, 0, sizeof h);
    band_factors(beta, &band_beta);
    for (size_t k = 0; k < n_wars; k++) {
        const war_data *w = &d->wars[wars[k]];
        for (size_t i = 0; i < w->n_groups; i++) {
            double m[NB];
            double sum = group_hazards(w, i, beta, &band_beta, m);
            for (size_t a = w->start[i]; a < w->start[i + 1]; a++) {
                int ca = w->entries[a].col;
                double va = w->entries[a].val;
                for (size_t b = w->start[i]; b < w->start[i + 1]; b++)
                    h[ca][w->entries[b].col] += sum * va * w->entries[b].val;
                /* The bands are indicators, one at a time. */
                for (int b = 0; b < NB - 1; b++) {
                    h[ca][band_feature[b]] += m[b] * va;
                    h[band_feature[b]][ca] += m[b] * va;
                }
            }
            for (int b = 0; b < NB - 1; b++)
                h[band_feature[b]][band_feature[b]] += m[b];
        }
    }
    for (int a = 0; a < F; a++)
        for (int b = 0; b < F; b++)
            gsl_matrix_set(H, (size_t)a, (size_t)b, h[a][b] + (a == b ? pen[a] : 0));
}

/* The objective GSL minimises: minus the penalised log-likelihood, with
 * pen[j] the penalty on beta_j (lambda, or 0 for the baseline hazard), in
 * preconditioned coordinates z: beta = beta0 + T z, where T = V D^(-1/2)
 * from the eigendecomposition V D V' of the Hessian at the start beta0.
 * The coefficients differ in scale by orders of magnitude (the intercept
 * near -10, the obligation counts near 0), and BFGS from an identity
 * matrix spends most of its iterations learning that; in z the Hessian at
 * the start is the identity, and a warm start near the optimum converges
 * in a few iterations.  The minimum is the same point. */
typedef struct objective {
    const casus_fit_data *d;
    const size_t *wars;
    size_t n_wars;
    const double *pen;
    double beta0[F];
    double T[F][F];
    double sqrt_d[F];   /* D^(1/2): gradients back from z to beta */
    double V[F][F];
    /* The last point evaluated, with the objective and its gradient in z
     * there: GSL's line search asks for f and then df at the same point,
     * and each costs an exp per row. */
    bool cached;
    double z_last[F], f_last, gz_last[F];
} objective;

static void z_to_beta(const objective *o, const gsl_vector *z, double *beta)
{
    for (int j = 0; j < F; j++) {
        double v = o->beta0[j];
        for (int k = 0; k < F; k++)
            v += o->T[j][k] * gsl_vector_get(z, (size_t)k);
        beta[j] = v;
    }
}

/* Minus the penalised log-likelihood at beta; grad (may be NULL) its
 * gradient with respect to beta. */
static double objective_beta(const objective *o, const double *beta, double *grad)
{
    double f = -casus_fit_loglik(o->d, o->wars, o->n_wars, beta, grad);
    for (int j = 0; j < F; j++) {
        f += 0.5 * o->pen[j] * beta[j] * beta[j];
        if (grad)
            grad[j] = -grad[j] + o->pen[j] * beta[j];
    }
    return f;
}

static double obj_fdf(const gsl_vector *v, void *ud, gsl_vector *g)
{
    objective *o = ud;
    bool same = o->cached;
    for (int k = 0; k < F && same; k++)
        same = gsl_vector_get(v, (size_t)k) == o->z_last[k];
    if (!same) {
        double beta[F], grad[F];
        z_to_beta(o, v, beta);
        o->f_last = objective_beta(o, beta, grad);
        for (int k = 0; k < F; k++) { /* d f / d z = T' grad */
            double v2 = 0;
            for (int j = 0; j < F; j++)
                v2 += o->T[j][k] * grad[j];
            o->gz_last[k] = v2;
            o->z_last[k] = gsl_vector_get(v, (size_t)k);
        }
        o->cached = true;
    }
    if (g)
        for (int k = 0; k < F; k++)
            gsl_vector_set(g, (size_t)k, o->gz_last[k]);
    return o->f_last;
}

static double obj_f(const gsl_vector *v, void *ud)
{
    return obj_fdf(v, ud, NULL);
}

static void obj_df(const gsl_vector *v, void *ud, gsl_vector *g)
{
    obj_fdf(v, ud, g);
}

static void obj_both(const gsl_vector *v, void *ud, double *f, gsl_vector *g)
{
    *f = obj_fdf(v, ud, g);
}

/* The Euclidean norm of the gradient with respect to beta, from the one
 * with respect to z: grad_beta = V D^(1/2) grad_z. */
static double beta_gradient_norm(const objective *o, const gsl_vector *gz)
{
    double s = 0;
    for (int j = 0; j < F; j++) {
        double v = 0;
        for (int k = 0; k < F; k++)
            v += o->V[j][k] * o->sqrt_d[k] * gsl_vector_get(gz, (size_t)k);
        s += v * v;
    }
    return sqrt(s);
}

static bool is_band(int j)
{
    return j == CASUS_JM_BAND_WEEK || j == CASUS_JM_BAND_MONTH || j == CASUS_JM_BAND_YEAR;
}

bool casus_fit_penalised(casus_jm_feature f)
{
    return f != CASUS_JM_INTERCEPT && !is_band((int)f);
}

/* The penalty on each coefficient for these training wars.  The baseline
 * hazard -- the intercept (days 365 on) and the three time bands -- is not
 * penalised: nothing about the alliances says a war's first week should look
 * like its second year, so there is no reason to shrink the bands toward the
 * later rate.  A band's maximum-likelihood coefficient is finite only when
 * the training wars have an entry in it and one in the reference period
 * (day 365 on); when either has none, the band is penalised like the other
 * coefficients, which keeps it finite. */
static void penalty_of(const casus_fit_data *d, const size_t *wars, size_t n_wars, double lambda, double *pen)
{
    size_t in_band[F] = {0}, in_ref = 0;
    for (size_t k = 0; k < n_wars; k++) {
        const war_data *w = &d->wars[wars[k]];
        for (size_t e = 0; e < w->info.n_events; e++) {
            const double *x = &w->events[e * F];
            bool any = false;
            for (int j = 0; j < F; j++)
                if (is_band(j) && x[j] != 0) {
                    in_band[j]++;
                    any = true;
                }
            in_ref += !any;
        }
    }
    for (int j = 0; j < F; j++)
        pen[j] = !casus_fit_penalised((casus_jm_feature)j) && (!is_band(j) || (in_band[j] > 0 && in_ref > 0))
                     ? 0
                     : lambda;
}

/* The rate-only start: the intercept at the pooled rate (entries per
 * candidate-side day), every other coefficient 0. */
static void rate_start(const casus_fit_data *d, const size_t *wars, size_t n_wars, double *beta)
{
    double events = 0, exposure = 0;
    for (size_t k = 0; k < n_wars; k++) {
        const war_data *w = &d->wars[wars[k]];
        events += (double)w->info.n_events;
        for (size_t i = 0; i < w->n_groups; i++)
            for (int b = 0; b < NB; b++)
                exposure += w->exposure[i][b];
    }
    memset(beta, 0, sizeof(double) * F);
    beta[0] = events > 0 && exposure > 0 ? log(events / exposure) : -20;
}

/* The eigendecomposition of the penalised Hessian at beta, eigenvalues
 * ascending in e, vectors in the columns of V.  GSL's symmetric
 * eigensolver reports a singular matrix through its eigenvalues, not
 * through GSL's process-wide error handler: fits run on several threads. */
static bool eigen_hessian(const casus_fit_data *d, const size_t *wars, size_t n_wars, const double *pen,
                          const double *beta, gsl_vector *e, gsl_matrix *V)
{
    gsl_matrix *H = gsl_matrix_alloc(F, F);
    gsl_eigen_symmv_workspace *ws = gsl_eigen_symmv_alloc(F);
    bool ok = H && ws;
    if (ok) {
        hessian(d, wars, n_wars, pen, beta, H);
        ok = gsl_eigen_symmv(H, e, V, ws) == GSL_SUCCESS;
    }
    if (ok)
        gsl_eigen_symmv_sort(e, V, GSL_EIGEN_SORT_VAL_ASC);
    gsl_eigen_symmv_free(ws);
    gsl_matrix_free(H);
    return ok;
}

/* Which features are non-zero on some row or entry of these wars. */
static void features_seen(const casus_fit_data *d, const size_t *wars, size_t n_wars, bool *seen)
{
    memset(seen, 0, sizeof(bool) * F);
    for (size_t k = 0; k < n_wars; k++) {
        const war_data *w = &d->wars[wars[k]];
        for (size_t e = 0; e < w->start[w->n_groups]; e++)
            seen[w->entries[e].col] = true;
        for (size_t i = 0; i < w->n_groups; i++)
            for (int b = 0; b < NB - 1; b++)
                seen[band_feature[b]] |= w->exposure[i][b] > 0;
        for (size_t e = 0; e < w->info.n_events * F; e++)
            if (w->events[e] != 0)
                seen[e % F] = true;
    }
}

/* The Euclidean norm of the objective's gradient at beta. */
static double gradient_norm(const objective *o, const double *beta)
{
    double g[F], s = 0;
    objective_beta(o, beta, g);
    for (int j = 0; j < F; j++)
        s += g[j] * g[j];
    return sqrt(s);
}

/* Sets the preconditioner of o for a start at beta (o->beta0).  A
 * direction the data and the penalty leave flat gets a floor, so that T
 * stays finite; a feature that is 0 on every row and entry of these wars
 * is held at 0, its penalised optimum (the rotation would otherwise leave
 * rounding noise in it, or keep a warm start's value that the penalty
 * pulls on and no step may change). */
static void precondition(objective *o, const double *beta, gsl_vector *e, gsl_matrix *V)
{
    o->cached = false;
    memcpy(o->beta0, beta, sizeof o->beta0);
    bool have = eigen_hessian(o->d, o->wars, o->n_wars, o->pen, beta, e, V);
    double top = have ? gsl_vector_get(e, F - 1) : 0;
    for (int k = 0; k < F; k++) {
        double ev = have ? gsl_vector_get(e, (size_t)k) : 1;
        double floor = top > 0 ? 1e-8 * top : 1;
        if (!(ev > floor))
            ev = floor;
        o->sqrt_d[k] = sqrt(ev);
        for (int j = 0; j < F; j++) {
            o->V[j][k] = have ? gsl_matrix_get(V, (size_t)j, (size_t)k) : j == k;
            o->T[j][k] = o->V[j][k] / o->sqrt_d[k];
        }
    }
    bool seen[F];
    features_seen(o->d, o->wars, o->n_wars, seen);
    for (int j = 0; j < F; j++)
        if (!seen[j]) {
            o->beta0[j] = 0;
            for (int k = 0; k < F; k++)
                o->T[j][k] = 0;
        }
}

/* BFGS stopped without progress while the gradient is still above this:
 * it starts again from where it stopped, with the Hessian there. */
#define RESTART_TOL 1e-4
#define MAX_ROUNDS 4

/* One penalised fit from the start in beta, which receives the result.
 * Returns the iterations; *converged says whether the gradient (with
 * respect to beta) fell below GRAD_TOL, or below 1e-4 when BFGS could make
 * no more progress (the objective's rounding). */
static unsigned fit_once(const casus_fit_data *d, const size_t *wars, size_t n_wars, const double *pen,
                         unsigned max_iter, double *beta, bool *converged)
{
    objective *o = malloc(sizeof *o);
    gsl_vector *x = gsl_vector_alloc(F), *e = gsl_vector_alloc(F);
    gsl_matrix *V = gsl_matrix_alloc(F, F);
    gsl_multimin_fdfminimizer *m = gsl_multimin_fdfminimizer_alloc(gsl_multimin_fdfminimizer_vector_bfgs2, F);
    *converged = false;
    unsigned it = 0;
    if (!o || !x || !e || !V || !m)
        goto out;
    *o = (objective){.d = d, .wars = wars, .n_wars = n_wars, .pen = pen};
    gsl_multimin_function_fdf fn = {.n = F, .f = obj_f, .df = obj_df, .fdf = obj_both, .params = o};
    for (int round = 0; round < MAX_ROUNDS && it < max_iter; round++) {
        precondition(o, beta, e, V);
        gsl_vector_set_zero(x);
        /* The first trial step: the length of the Newton step, which in z
         * is the gradient's (the Hessian at the start is the identity). */
        double g0 = 0;
        obj_fdf(x, o, NULL);
        for (int k = 0; k < F; k++)
            g0 += o->gz_last[k] * o->gz_last[k];
        g0 = sqrt(g0);
        gsl_multimin_fdfminimizer_set(m, &fn, x, g0 > 1e-8 ? (g0 < 10 ? g0 : 10) : 1e-8, 0.1);
        /* A warm start may already be at the optimum. */
        if (beta_gradient_norm(o, gsl_multimin_fdfminimizer_gradient(m)) < GRAD_TOL) {
            z_to_beta(o, x, beta);
            *converged = true;
            break;
        }
        while (it < max_iter) {
            it++;
            int status = gsl_multimin_fdfminimizer_iterate(m);
            if (beta_gradient_norm(o, gsl_multimin_fdfminimizer_gradient(m)) < GRAD_TOL) {
                *converged = true;
                break;
            }
            if (status) /* no progress possible: at the optimum to rounding, or stuck */
                break;
        }
        z_to_beta(o, gsl_multimin_fdfminimizer_x(m), beta);
        if (*converged || gradient_norm(o, beta) < RESTART_TOL)
            break;
    }
    if (!*converged)
        *converged = gradient_norm(o, beta) < RESTART_TOL;
out:
    gsl_multimin_fdfminimizer_free(m);
    gsl_matrix_free(V);
    gsl_vector_free(e);
    gsl_vector_free(x);
    free(o);
    return it;
}

/* Standard errors: the square roots of the diagonal of the inverse of the
 * penalised Hessian, from its eigendecomposition; NAN when it is singular. */
static bool standard_errors(const casus_fit_data *d, const size_t *wars, size_t n_wars, const double *pen,
                            const double *beta, double *se)
{
    for (int j = 0; j < F; j++)
        se[j] = NAN;
    gsl_matrix *V = gsl_matrix_alloc(F, F);
    gsl_vector *e = gsl_vector_alloc(F);
    bool ok = V && e && eigen_hessian(d, wars, n_wars, pen, beta, e, V);
    if (ok)
        ok = gsl_vector_get(e, 0) > 1e-12 * gsl_vector_get(e, F - 1);
    if (ok)
        for (int j = 0; j < F; j++) {
            double v = 0;
            for (int k = 0; k < F; k++) {
                double q = gsl_matrix_get(V, (size_t)j, (size_t)k);
                v += q * q / gsl_vector_get(e, (size_t)k);
            }
            se[j] = sqrt(v);
        }
    gsl_vector_free(e);
    gsl_matrix_free(V);
    return ok;
}

/* Cross-validation: fold f holds the training wars whose index in the
 * data is f modulo the number of folds.  Each fold fits its other wars
 * along the penalties from the largest to the smallest, each fit starting
 * from the one before (the first from the fit on all the training wars at
 * the largest penalty), and scores the fold's own wars. */
typedef struct cv_plan {
    const casus_fit_data *d;
    const size_t *all;
    size_t n;
    unsigned folds, max_iter;
    const double *start; /* F: the fit on all the training wars at the largest penalty */
    double *sol;  /* folds * CASUS_FIT_N_PENALTIES * F */
    double *held; /* folds * CASUS_FIT_N_PENALTIES; NAN for a fold with no wars on either side */
    bool *nomem;  /* folds */
} cv_plan;

static void cv_fold(void *ud, size_t f)
{
    const cv_plan *c = ud;
    enum { NP = CASUS_FIT_N_PENALTIES };
    for (int p = 0; p < NP; p++)
        c->held[f * NP + (size_t)p] = NAN;
    size_t *train = malloc((c->n + 1) * sizeof *train), *test = malloc((c->n + 1) * sizeof *test);
    if (!train || !test) {
        c->nomem[f] = true;
        free(train), free(test);
        return;
    }
    size_t ntr = 0, nte = 0;
    for (size_t k = 0; k < c->n; k++) {
        if (c->all[k] % c->folds == f)
            test[nte++] = c->all[k];
        else
            train[ntr++] = c->all[k];
    }
    if (nte && ntr) {
        double beta[F], pen[F];
        bool conv;
        memcpy(beta, c->start, sizeof beta);
        for (int p = NP - 1; p >= 0; p--) {
            penalty_of(c->d, train, ntr, penalties[p], pen);
            fit_once(c->d, train, ntr, pen, c->max_iter, beta, &conv);
            memcpy(&c->sol[(f * NP + (size_t)p) * F], beta, sizeof beta);
            c->held[f * NP + (size_t)p] = casus_fit_loglik(c->d, test, nte, beta, NULL);
        }
    }
    free(train), free(test);
}

casus_status casus_fit_run(const casus_fit_data *d, const casus_fit_options *opts, casus_fit_result *out,
                           casus_error *err)
{
    enum { NP = CASUS_FIT_N_PENALTIES };
    memset(out, 0, sizeof *out);
    casus_fit_options o = opts ? *opts : (casus_fit_options){.penalty = -1};
    unsigned folds = o.folds ? o.folds : 5;
    unsigned max_iter = o.max_iter ? o.max_iter : 1000;
    size_t n = o.wars ? o.n_wars : d->n;
    if (n == 0)
        return casus_error_set(err, CASUS_INVALID, NULL, 0, 0, "no war to fit on");
    size_t *all = malloc((n + 1) * sizeof *all);
    if (!all)
        return casus_error_set(err, CASUS_NOMEM, NULL, 0, 0, "out of memory");
    for (size_t k = 0; k < n; k++) {
        all[k] = o.wars ? o.wars[k] : k;
        if (all[k] >= d->n) {
            size_t bad = all[k];
            free(all);
            return casus_error_set(err, CASUS_INVALID, NULL, 0, 0, "war index %zu out of range", bad);
        }
    }
    for (int p = 0; p < NP; p++)
        out->cv_loglik[p] = NAN;
    double lambda = o.penalty;
    double beta[F], pen[F];
    rate_start(d, all, n, beta);
    if (lambda < 0) {
        double top[F];
        bool conv;
        memcpy(top, beta, sizeof top);
        penalty_of(d, all, n, penalties[NP - 1], pen);
        fit_once(d, all, n, pen, max_iter, top, &conv);
        cv_plan c = {d, all, n, folds, max_iter, top, malloc(((size_t)folds * NP * F + 1) * sizeof(double)),
                     malloc(((size_t)folds * NP + 1) * sizeof(double)), calloc(folds + 1, sizeof(bool))};
        bool nomem = !c.sol || !c.held || !c.nomem;
        if (!nomem)
            casus__parallel_for(o.threads, folds, cv_fold, &c);
        for (unsigned f = 0; !nomem && f < folds; f++)
            nomem = c.nomem[f];
        if (nomem) {
            free(c.sol), free(c.held), free(c.nomem), free(all);
            return casus_error_set(err, CASUS_NOMEM, NULL, 0, 0, "out of memory");
        }
        /* The held-out log-likelihoods summed over folds, in fold order; the
         * penalty with the highest wins (the smaller on a tie). */
        int best = 0;
        for (int p = 0; p < NP; p++) {
            double held = 0;
            for (unsigned f = 0; f < folds; f++)
                if (!isnan(c.held[(size_t)f * NP + (size_t)p]))
                    held += c.held[(size_t)f * NP + (size_t)p];
            out->cv_loglik[p] = held;
            if (held > out->cv_loglik[best])
                best = p;
        }
        lambda = penalties[best];
        /* The final fit starts from the mean of the folds' fits at that
         * penalty. */
        size_t used = 0;
        double mean[F] = {0};
        for (unsigned f = 0; f < folds; f++)
            if (!isnan(c.held[(size_t)f * NP + (size_t)best])) {
                used++;
                for (int j = 0; j < F; j++)
                    mean[j] += c.sol[((size_t)f * NP + (size_t)best) * F + (size_t)j];
            }
        if (used)
            for (int j = 0; j < F; j++)
                beta[j] = mean[j] / (double)used;
        free(c.sol), free(c.held), free(c.nomem);
    }
    out->penalty = lambda;
    penalty_of(d, all, n, 1, pen);
    for (int j = 0; j < F; j++)
        out->penalised[j] = pen[j] > 0;
    penalty_of(d, all, n, lambda, pen);
    out->iterations = fit_once(d, all, n, pen, max_iter, beta, &out->converged);
    memcpy(out->beta, beta, sizeof beta);
    objective og = {.d = d, .wars = all, .n_wars = n, .pen = pen};
    out->gradient_norm = gradient_norm(&og, out->beta);
    out->loglik = casus_fit_loglik(d, all, n, out->beta, NULL);
    standard_errors(d, all, n, pen, out->beta, out->se);
    out->n_wars = n;
    for (size_t k = 0; k < n; k++) {
        const war_data *w = &d->wars[all[k]];
        out->n_events += w->info.n_events;
        out->n_unmodelled += w->info.n_unmodelled;
        out->n_rows += w->info.n_rows;
    }
    free(all);
    return CASUS_OK;
}
