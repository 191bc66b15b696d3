/* Maximum likelihood for the join model over replayed wars (casus/fit.h,
 * docs/fit.md).  The replay calls casus_jm_rows, the join model's own
 * feature code, so a fitted beta means what the engine means by it. */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_multimin.h>

#include "casus/fit.h"
#include "internal.h"

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
} fit_row;

typedef struct war_data {
    casus_fit_war info;
    fit_row *rows;     /* n_rows */
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
    casus__mem_free(mem, w->rows, 0);
    casus__mem_free(mem, w->events, 0);
    casus__mem_free(mem, (void *)w->info.openings, 0);
    casus__mem_free(mem, (void *)w->info.day0_rows, 0);
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
                              war_data *out, casus_error *err)
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
    if (!open || !bel || !cuts) {
        st = casus_error_set(err, CASUS_NOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
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
            if (h->belligerents[j].side != s1)
                open[n_open++] = (casus_attack){.attacker = a->ccode, .target = h->belligerents[j].ccode,
                                                .place = NULL, .day = start};
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
                            .n_belligerents = n_in, .start = start, .day = start + t0};
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
        out->rows = rows.data;
        out->info.n_rows = rows.len;
        out->events = events.data;
        return CASUS_OK;
    }
    casus__vec_free(&rows, mem);
    casus__vec_free(&events, mem);
    free_war(mem, out);
    memset(out, 0, sizeof *out);
    return st;
}

casus_status casus_fit_data_build(const casus_world *world, const casus_history *history, casus_fit_data **out,
                                  casus_error *err)
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
        casus_status st = build_war(&d->mem, world, casus_history_at(history, i), &d->wars[i], err);
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

static double loglik_war(const war_data *w, const double *beta, double *grad)
{
    double ll = 0;
    for (size_t e = 0; e < w->info.n_events; e++) {
        const double *x = &w->events[e * F];
        ll += dot(beta, x);
        if (grad)
            for (int j = 0; j < F; j++)
                grad[j] += x[j];
    }
    for (size_t i = 0; i < w->info.n_rows; i++) {
        const fit_row *r = &w->rows[i];
        double eta = dot(beta, r->x);
        double m = r->exposure * exp(eta < ETA_MAX ? eta : ETA_MAX);
        ll -= m;
        if (grad)
            for (int j = 0; j < F; j++)
                grad[j] -= m * r->x[j];
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

/* The objective GSL minimises: minus the penalised log-likelihood. */
typedef struct objective {
    const casus_fit_data *d;
    const size_t *wars;
    size_t n_wars;
    double lambda;
} objective;

static double obj_fdf(const gsl_vector *v, void *ud, gsl_vector *g)
{
    const objective *o = ud;
    double beta[F], grad[F];
    for (int j = 0; j < F; j++)
        beta[j] = gsl_vector_get(v, (size_t)j);
    double f = -casus_fit_loglik(o->d, o->wars, o->n_wars, beta, g ? grad : NULL);
    for (int j = 1; j < F; j++) {
        f += 0.5 * o->lambda * beta[j] * beta[j];
        if (g)
            grad[j] -= o->lambda * beta[j];
    }
    if (g)
        for (int j = 0; j < F; j++)
            gsl_vector_set(g, (size_t)j, -grad[j]);
    return f;
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

/* One penalised fit from the rate-only start.  Returns the iterations;
 * *converged says whether the gradient test passed. */
static unsigned fit_once(const casus_fit_data *d, const size_t *wars, size_t n_wars, double lambda, unsigned max_iter,
                         double *beta, bool *converged)
{
    /* Start: the intercept at the overall rate (events per candidate-side
     * day), every other coefficient 0. */
    double events = 0, exposure = 0;
    for (size_t k = 0; k < n_wars; k++) {
        const war_data *w = &d->wars[wars[k]];
        events += (double)w->info.n_events;
        for (size_t i = 0; i < w->info.n_rows; i++)
            exposure += w->rows[i].exposure;
    }
    memset(beta, 0, sizeof(double) * F);
    beta[0] = events > 0 && exposure > 0 ? log(events / exposure) : -20;
    objective o = {d, wars, n_wars, lambda};
    gsl_multimin_function_fdf fn = {.n = F, .f = obj_f, .df = obj_df, .fdf = obj_both, .params = &o};
    gsl_vector *x = gsl_vector_alloc(F);
    gsl_multimin_fdfminimizer *m = gsl_multimin_fdfminimizer_alloc(gsl_multimin_fdfminimizer_vector_bfgs2, F);
    *converged = false;
    unsigned it = 0;
    if (!x || !m)
        goto out;
    for (int j = 0; j < F; j++)
        gsl_vector_set(x, (size_t)j, beta[j]);
    gsl_multimin_fdfminimizer_set(m, &fn, x, 0.01, 0.1);
    while (it < max_iter) {
        it++;
        int status = gsl_multimin_fdfminimizer_iterate(m);
        if (gsl_multimin_test_gradient(gsl_multimin_fdfminimizer_gradient(m), GRAD_TOL) == GSL_SUCCESS) {
            *converged = true;
            break;
        }
        if (status) /* no progress possible: at the optimum to machine precision, or stuck */
            break;
    }
    const gsl_vector *xm = gsl_multimin_fdfminimizer_x(m);
    for (int j = 0; j < F; j++)
        beta[j] = gsl_vector_get(xm, (size_t)j);
    if (!*converged) {
        gsl_vector *g = gsl_vector_alloc(F);
        if (g) {
            obj_df(xm, &o, g);
            *converged = gsl_multimin_test_gradient(g, 1e-4) == GSL_SUCCESS;
            gsl_vector_free(g);
        }
    }
out:
    gsl_multimin_fdfminimizer_free(m);
    gsl_vector_free(x);
    return it;
}

static pthread_mutex_t gsl_handler_lock = PTHREAD_MUTEX_INITIALIZER;

/* Standard errors: the square roots of the diagonal of the inverse of the
 * penalised Hessian, sum exposure exp(beta . x) x x' + lambda I (no
 * penalty on the intercept). */
static bool standard_errors(const casus_fit_data *d, const size_t *wars, size_t n_wars, double lambda,
                            const double *beta, double *se)
{
    gsl_matrix *H = gsl_matrix_calloc(F, F);
    if (!H)
        return false;
    for (size_t k = 0; k < n_wars; k++) {
        const war_data *w = &d->wars[wars[k]];
        for (size_t i = 0; i < w->info.n_rows; i++) {
            const fit_row *r = &w->rows[i];
            double eta = dot(beta, r->x);
            double m = r->exposure * exp(eta < ETA_MAX ? eta : ETA_MAX);
            for (int a = 0; a < F; a++) {
                if (r->x[a] == 0)
                    continue;
                for (int b = 0; b < F; b++)
                    *gsl_matrix_ptr(H, (size_t)a, (size_t)b) += m * r->x[a] * r->x[b];
            }
        }
    }
    for (int j = 1; j < F; j++)
        *gsl_matrix_ptr(H, (size_t)j, (size_t)j) += lambda;
    /* GSL's error handler is one for the process: fits running on several
     * threads (casus backtest) switch it off and back one at a time, so
     * that none restores it while another still needs it off. */
    pthread_mutex_lock(&gsl_handler_lock);
    gsl_error_handler_t *old = gsl_set_error_handler_off();
    bool ok = gsl_linalg_cholesky_decomp1(H) == GSL_SUCCESS && gsl_linalg_cholesky_invert(H) == GSL_SUCCESS;
    gsl_set_error_handler(old);
    pthread_mutex_unlock(&gsl_handler_lock);
    for (int j = 0; j < F; j++)
        se[j] = ok ? sqrt(gsl_matrix_get(H, (size_t)j, (size_t)j)) : NAN;
    gsl_matrix_free(H);
    return ok;
}

casus_status casus_fit_run(const casus_fit_data *d, const casus_fit_options *opts, casus_fit_result *out,
                           casus_error *err)
{
    memset(out, 0, sizeof *out);
    casus_fit_options o = opts ? *opts : (casus_fit_options){.penalty = -1};
    unsigned folds = o.folds ? o.folds : 5;
    unsigned max_iter = o.max_iter ? o.max_iter : 1000;
    size_t n = o.wars ? o.n_wars : d->n;
    size_t *all = malloc((n + 1) * sizeof *all), *train = malloc((n + 1) * sizeof *train),
           *test = malloc((n + 1) * sizeof *test);
    if (!all || !train || !test) {
        free(all), free(train), free(test);
        return casus_error_set(err, CASUS_NOMEM, NULL, 0, 0, "out of memory");
    }
    for (size_t k = 0; k < n; k++) {
        all[k] = o.wars ? o.wars[k] : k;
        if (all[k] >= d->n) {
            size_t bad = all[k];
            free(all), free(train), free(test);
            return casus_error_set(err, CASUS_INVALID, NULL, 0, 0, "war index %zu out of range", bad);
        }
    }
    if (n == 0) {
        free(all), free(train), free(test);
        return casus_error_set(err, CASUS_INVALID, NULL, 0, 0, "no war to fit on");
    }
    for (int p = 0; p < CASUS_FIT_N_PENALTIES; p++)
        out->cv_loglik[p] = NAN;
    double lambda = o.penalty;
    double beta[F];
    bool conv;
    if (lambda < 0) {
        /* Cross-validation over wars: fold f holds the training wars at
         * positions f, f + folds, ...; the penalty with the best held-out
         * log-likelihood, summed over folds, wins (the smaller on a tie). */
        int best = 0;
        for (int p = 0; p < CASUS_FIT_N_PENALTIES; p++) {
            double held = 0;
            for (unsigned f = 0; f < folds; f++) {
                size_t ntr = 0, nte = 0;
                for (size_t k = 0; k < n; k++) {
                    if (k % folds == f)
                        test[nte++] = all[k];
                    else
                        train[ntr++] = all[k];
                }
                if (!nte || !ntr)
                    continue;
                fit_once(d, train, ntr, penalties[p], max_iter, beta, &conv);
                held += casus_fit_loglik(d, test, nte, beta, NULL);
            }
            out->cv_loglik[p] = held;
            if (held > out->cv_loglik[best])
                best = p;
        }
        lambda = penalties[best];
    }
    out->penalty = lambda;
    out->iterations = fit_once(d, all, n, lambda, max_iter, out->beta, &out->converged);
    out->loglik = casus_fit_loglik(d, all, n, out->beta, NULL);
    standard_errors(d, all, n, lambda, out->beta, out->se);
    out->n_wars = n;
    for (size_t k = 0; k < n; k++) {
        const war_data *w = &d->wars[all[k]];
        out->n_events += w->info.n_events;
        out->n_unmodelled += w->info.n_unmodelled;
        out->n_rows += w->info.n_rows;
    }
    free(all), free(train), free(test);
    return CASUS_OK;
}
