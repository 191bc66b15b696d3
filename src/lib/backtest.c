/* The back-test (casus/backtest.h, docs/backtest.md): fit on training wars,
 * forecast each held-out war from its first day with the cascade engine,
 * fit the baselines on the same training wars, score all of them. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gsl/gsl_multimin.h>

#include "casus/backtest.h"
#include "casus/data.h"
#include "casus/scenario.h"
#include "casus/sim.h"
#include "parallel.h"
#include "sim_internal.h"

enum { F = CASUS_JM_FEATURE_COUNT, NM = CASUS_BT_MODEL_COUNT };

/* The literal reading's two probabilities (the rule). */
#define LITERAL_YES 0.95
#define LITERAL_NO 0.05
/* Wars begun before this year are the early era of --split era. */
#define ERA_YEAR 1946

#define CASUS__BT_NAME(n, s) s,
static const char *const model_names[] = {CASUS_BT_MODEL_MAP(CASUS__BT_NAME)};
#undef CASUS__BT_NAME

const char *casus_bt_model_str(casus_bt_model m)
{
    return (unsigned)m < NM ? model_names[m] : "?";
}

/* What the baselines read of a pair: its day-0 rows and a few facts. */
typedef struct pair_info {
    const casus_jm_row *row[3]; /* [1], [2]: the day-0 rows; NULL when no candidate */
    double log_cinc;
    bool ally, neighbour;
    int ally_side;              /* the only side with allies fighting, else 0 */
    int pull_side;              /* 1, 2 (the only side an obligation pulls to), 3 both, 0 none */
} pair_info;

typedef struct war_pairs {
    casus_bt_pair *pairs;       /* forecasts filled for held-out wars only */
    pair_info *info;
    size_t n;
    int year;
} war_pairs;

static const casus_jm_row *find_row(const casus_jm_row *rows, size_t n, int ccode, int side)
{
    for (size_t i = 0; i + 1 < n + 1 && i < n; i += 2)
        if (rows[i].ccode == ccode)
            return &rows[i + (size_t)(side - 1)];
    return NULL;
}

static double pull(const casus_jm_row *r)
{
    return r ? r->x[CASUS_JM_DEFEND_BINDING] + r->x[CASUS_JM_DEFEND_CONDITIONAL] + r->x[CASUS_JM_JOIN_BINDING] +
                   r->x[CASUS_JM_JOIN_CONDITIONAL]
             : 0;
}

/* The pairs of one war: every state with an at-risk stretch, once. */
static casus_status build_pairs(const casus_world *world, const casus_fit_data *data, size_t wi, war_pairs *out)
{
    const casus_fit_war *fw = casus_fit_data_war(data, wi);
    const casus_war_history *h = fw->history;
    memset(out, 0, sizeof *out);
    int y;
    casus_day_to_ymd(h->first_day.lo, &y, NULL, NULL);
    out->year = y;
    out->pairs = calloc(h->n_at_risk + 1, sizeof *out->pairs);
    out->info = calloc(h->n_at_risk + 1, sizeof *out->info);
    if (!out->pairs || !out->info)
        return CASUS_NOMEM;
    for (size_t k = 0; k < h->n_at_risk; k++) {
        const casus_history_risk *r = &h->at_risk[k];
        casus_bt_pair *p = out->n ? &out->pairs[out->n - 1] : NULL;
        if (!p || p->ccode != r->ccode) {
            p = &out->pairs[out->n++];
            *p = (casus_bt_pair){.war = h->war->number, .war_index = wi, .ccode = r->ccode, .entry_day = -1,
                                 .pit = NAN};
        }
        if (r->exit == CASUS_HISTORY_JOINED && r->joined >= 0) {
            const casus_history_belligerent *b = &h->belligerents[r->joined];
            p->joined = true;
            p->joined_side = b->side == fw->side1_cow ? 1 : 2;
            p->entry_day = b->offset_lo;
        }
    }
    for (size_t i = 0; i < out->n; i++) {
        casus_bt_pair *p = &out->pairs[i];
        pair_info *in = &out->info[i];
        in->row[1] = find_row(fw->day0_rows, fw->n_day0_rows, p->ccode, 1);
        in->row[2] = find_row(fw->day0_rows, fw->n_day0_rows, p->ccode, 2);
        p->candidate = in->row[1] != NULL;
        double cinc = 0;
        for (int k = 0; k <= 10; k++)
            if (casus_data_cinc(world, p->ccode, y - k, &cinc) == CASUS_OK)
                break;
        in->log_cinc = log10(cinc > 1e-6 ? cinc : 1e-6);
        if (p->candidate) {
            double a1 = in->row[1]->x[CASUS_JM_ALLIES_ON_SIDE], a2 = in->row[2]->x[CASUS_JM_ALLIES_ON_SIDE];
            in->ally = a1 + a2 > 0;
            in->ally_side = a1 > 0 && a2 == 0 ? 1 : a2 > 0 && a1 == 0 ? 2 : 0;
            in->neighbour = in->row[1]->x[CASUS_JM_CONTIG_LAND] + in->row[1]->x[CASUS_JM_CONTIG_SEA] +
                                in->row[2]->x[CASUS_JM_CONTIG_LAND] + in->row[2]->x[CASUS_JM_CONTIG_SEA] >
                            0;
            bool p1 = pull(in->row[1]) > 0, p2 = pull(in->row[2]) > 0;
            in->pull_side = p1 && p2 ? 3 : p1 ? 1 : p2 ? 2 : 0;
        }
    }
    return CASUS_OK;
}

/* ---- baselines ----------------------------------------------------------- */

typedef struct baselines {
    double rate, side1;          /* climatology */
    double cell[4], cell_side;   /* ally-or-neighbour: rate by ally*2 + neighbour; P(joins its allies' side) */
    double cap[2];               /* capability logit: a, b */
    double stat[F];              /* static logit */
    double noncand_rate;         /* static logit: the rate among states with no day-0 row */
} baselines;

static double sigmoid(double z)
{
    return z >= 0 ? 1 / (1 + exp(-z)) : exp(z) / (1 + exp(z));
}

typedef struct train_set {
    war_pairs *wp;
    const size_t *wars;
    size_t n_wars;
    double lambda;
} train_set;

/* Capability: minus the log-likelihood of the logit a + b log10 CINC. */
static double cap_fdf(const gsl_vector *v, void *ud, gsl_vector *g)
{
    const train_set *t = ud;
    double a = gsl_vector_get(v, 0), b = gsl_vector_get(v, 1), f = 0, ga = 0, gb = 0;
    for (size_t k = 0; k < t->n_wars; k++) {
        const war_pairs *w = &t->wp[t->wars[k]];
        for (size_t i = 0; i < w->n; i++) {
            double x = w->info[i].log_cinc, q = sigmoid(a + b * x);
            double y = w->pairs[i].joined ? 1 : 0;
            f -= y ? log(q > 1e-300 ? q : 1e-300) : log1p(-(q < 1 - 1e-16 ? q : 1 - 1e-16));
            ga -= y - q;
            gb -= (y - q) * x;
        }
    }
    if (g) {
        gsl_vector_set(g, 0, ga);
        gsl_vector_set(g, 1, gb);
    }
    return f;
}

/* Static logit: one utility per side, u_s = beta . x_s, against staying out
 * (utility 0): P(side s) = exp(u_s) / (1 + exp(u_1) + exp(u_2)). */
static double stat_fdf(const gsl_vector *v, void *ud, gsl_vector *g)
{
    const train_set *t = ud;
    double beta[F], grad[F], f = 0;
    for (int j = 0; j < F; j++) {
        beta[j] = gsl_vector_get(v, (size_t)j);
        grad[j] = 0;
    }
    for (size_t k = 0; k < t->n_wars; k++) {
        const war_pairs *w = &t->wp[t->wars[k]];
        for (size_t i = 0; i < w->n; i++) {
            const pair_info *in = &w->info[i];
            if (!in->row[1])
                continue;
            double u[3] = {0, 0, 0}, m = 0;
            for (int s = 1; s <= 2; s++) {
                for (int j = 0; j < F; j++)
                    u[s] += beta[j] * in->row[s]->x[j];
                if (u[s] > m)
                    m = u[s];
            }
            double z = exp(-m) + exp(u[1] - m) + exp(u[2] - m);
            double pr[3] = {exp(-m) / z, exp(u[1] - m) / z, exp(u[2] - m) / z};
            int y = w->pairs[i].joined ? w->pairs[i].joined_side : 0;
            f -= (y ? u[y] : 0) - (m + log(z));
            for (int s = 1; s <= 2; s++)
                for (int j = 0; j < F; j++)
                    grad[j] -= ((y == s) - pr[s]) * in->row[s]->x[j];
        }
    }
    for (int j = 1; j < F; j++) {
        f += 0.5 * t->lambda * beta[j] * beta[j];
        grad[j] += t->lambda * beta[j];
    }
    if (g)
        for (int j = 0; j < F; j++)
            gsl_vector_set(g, (size_t)j, grad[j]);
    return f;
}

typedef double (*fdf_fn)(const gsl_vector *, void *, gsl_vector *);
typedef struct min_ctx {
    fdf_fn fn;
    void *ud;
} min_ctx;
static double m_f(const gsl_vector *v, void *ud)
{
    const min_ctx *c = ud;
    return c->fn(v, c->ud, NULL);
}
static void m_df(const gsl_vector *v, void *ud, gsl_vector *g)
{
    const min_ctx *c = ud;
    c->fn(v, c->ud, g);
}
static void m_fdf(const gsl_vector *v, void *ud, double *f, gsl_vector *g)
{
    const min_ctx *c = ud;
    *f = c->fn(v, c->ud, g);
}

/* Minimises fn from x0 (n values) with GSL's BFGS; x0 receives the result. */
static void minimise(fdf_fn fn, void *ud, double *x0, size_t n)
{
    min_ctx c = {fn, ud};
    gsl_multimin_function_fdf f = {.n = n, .f = m_f, .df = m_df, .fdf = m_fdf, .params = &c};
    gsl_vector *x = gsl_vector_alloc(n);
    gsl_multimin_fdfminimizer *m = gsl_multimin_fdfminimizer_alloc(gsl_multimin_fdfminimizer_vector_bfgs2, n);
    if (!x || !m)
        goto out;
    for (size_t j = 0; j < n; j++)
        gsl_vector_set(x, j, x0[j]);
    gsl_multimin_fdfminimizer_set(m, &f, x, 0.01, 0.1);
    for (int it = 0; it < 1000; it++) {
        int st = gsl_multimin_fdfminimizer_iterate(m);
        if (gsl_multimin_test_gradient(gsl_multimin_fdfminimizer_gradient(m), 1e-6) == GSL_SUCCESS || st)
            break;
    }
    for (size_t j = 0; j < n; j++)
        x0[j] = gsl_vector_get(gsl_multimin_fdfminimizer_x(m), j);
out:
    gsl_multimin_fdfminimizer_free(m);
    gsl_vector_free(x);
}

static void fit_baselines(war_pairs *wp, const size_t *wars, size_t n_wars, double lambda, baselines *b)
{
    memset(b, 0, sizeof *b);
    double n = 0, j = 0, j1 = 0, cn[4] = {0}, cj[4] = {0}, an = 0, aj = 0, nn = 0, nj = 0;
    for (size_t k = 0; k < n_wars; k++) {
        const war_pairs *w = &wp[wars[k]];
        for (size_t i = 0; i < w->n; i++) {
            const casus_bt_pair *p = &w->pairs[i];
            const pair_info *in = &w->info[i];
            n++;
            j += p->joined;
            j1 += p->joined && p->joined_side == 1;
            int c = (in->ally ? 2 : 0) + (in->neighbour ? 1 : 0);
            cn[c]++;
            cj[c] += p->joined;
            if (p->joined && in->ally_side) {
                an++;
                aj += p->joined_side == in->ally_side;
            }
            if (!in->row[1]) {
                nn++;
                nj += p->joined;
            }
        }
    }
    /* Rates with half a success and half a failure added (Jeffreys), so
     * that no cell forecasts 0 or 1 from a handful of cases. */
    b->rate = (j + 0.5) / (n + 1);
    b->side1 = (j1 + 0.5) / (j + 1);
    for (int c = 0; c < 4; c++)
        b->cell[c] = (cj[c] + 0.5) / (cn[c] + 1);
    b->cell_side = (aj + 0.5) / (an + 1);
    b->noncand_rate = (nj + 0.5) / (nn + 1);
    train_set t = {wp, wars, n_wars, lambda};
    b->cap[0] = log(b->rate / (1 - b->rate));
    b->cap[1] = 0;
    minimise(cap_fdf, &t, b->cap, 2);
    b->stat[0] = log(b->rate / 2);
    minimise(stat_fdf, &t, b->stat, F);
}

static void forecast_baselines(const baselines *b, war_pairs *w)
{
    for (size_t i = 0; i < w->n; i++) {
        casus_bt_pair *p = &w->pairs[i];
        const pair_info *in = &w->info[i];
        p->p[CASUS_BT_CLIMATOLOGY] = b->rate;
        p->p_side1[CASUS_BT_CLIMATOLOGY] = b->side1;
        p->p[CASUS_BT_LITERAL] = in->pull_side ? LITERAL_YES : LITERAL_NO;
        p->p_side1[CASUS_BT_LITERAL] = in->pull_side == 1 ? LITERAL_YES
                                       : in->pull_side == 2 ? 1 - LITERAL_YES
                                       : in->pull_side == 3 ? 0.5
                                                            : b->side1;
        p->p[CASUS_BT_ALLY_NEIGHBOUR] = b->cell[(in->ally ? 2 : 0) + (in->neighbour ? 1 : 0)];
        p->p_side1[CASUS_BT_ALLY_NEIGHBOUR] = in->ally_side == 1   ? b->cell_side
                                              : in->ally_side == 2 ? 1 - b->cell_side
                                                                   : b->side1;
        p->p[CASUS_BT_CAPABILITY] = sigmoid(b->cap[0] + b->cap[1] * in->log_cinc);
        p->p_side1[CASUS_BT_CAPABILITY] = b->side1;
        if (in->row[1]) {
            double u[3] = {0, 0, 0}, m = 0;
            for (int s = 1; s <= 2; s++) {
                for (int j = 0; j < F; j++)
                    u[s] += b->stat[j] * in->row[s]->x[j];
                if (u[s] > m)
                    m = u[s];
            }
            double z = exp(-m) + exp(u[1] - m) + exp(u[2] - m);
            p->p[CASUS_BT_STATIC_LOGIT] = (exp(u[1] - m) + exp(u[2] - m)) / z;
            p->p_side1[CASUS_BT_STATIC_LOGIT] = exp(u[1] - m) / (exp(u[1] - m) + exp(u[2] - m));
        } else {
            p->p[CASUS_BT_STATIC_LOGIT] = b->noncand_rate;
            p->p_side1[CASUS_BT_STATIC_LOGIT] = b->side1;
        }
    }
}

/* ---- casus: the cascade engine from the first day ------------------------ */

typedef struct tally {
    uint64_t join, side1, by[3], before, at;
} tally;

/* A block of trials on one thread, tallied into integers of its own, so
 * that the sums are the same for any number of threads. */
typedef struct trial_job {
    const casus_sim *sim;
    const war_pairs *w;
    const int32_t *pair_of; /* the engine's state index -> pair, or -1 */
    uint64_t seed, first, count;
    tally *t;
    uint64_t any;
    casus_status st;
} trial_job;

static void run_block(void *ud, size_t block)
{
    trial_job *j = &((trial_job *)ud)[block];
    const casus_sim *sim = j->sim;
    sim_scratch s;
    if (casus__sim_worker_scratch(sim, &s, &sim->mem) != CASUS_OK) {
        j->st = CASUS_NOMEM;
        return;
    }
    for (uint64_t k = j->first; k < j->first + j->count; k++) {
        casus__sim_run_trial(sim, &s, j->seed, k);
        bool joined_any = false;
        for (int q = 0; q < s.n_bell; q++) {
            int i = s.bell[q];
            if (s.cause[i] == -2 || j->pair_of[i] < 0)
                continue; /* an opener, or no state at risk */
            joined_any = true;
            tally *ty = &j->t[j->pair_of[i]];
            const casus_bt_pair *p = &j->w->pairs[j->pair_of[i]];
            double d = s.entry[i];
            ty->join++;
            ty->side1 += s.side[i] == 1;
            ty->by[0] += d < 7 + 1;
            ty->by[1] += d < 30 + 1;
            ty->by[2] += d < 365 + 1;
            if (p->joined) {
                ty->before += d < p->entry_day;
                ty->at += d < p->entry_day + 1;
            }
        }
        j->any += joined_any;
    }
    casus__sim_scratch_free(sim, &s, &sim->mem);
}

/* The thread's CPU time, in seconds. */
static double thread_cpu(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
        return 0;
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

#define MAX_THREADS 256

/* The CPU times of a fold: on the calling thread alone when it is one of
 * several fold workers (each running everything on itself), else of the
 * process (the calling thread and the threads it starts). */
typedef struct cpu_clock {
    bool own;
} cpu_clock;

static double cpu_now(const cpu_clock *c)
{
    return c->own ? thread_cpu() : (double)clock() / CLOCKS_PER_SEC;
}

static casus_status forecast_casus(const casus_world *world, const casus_fit_war *fw, const casus_jm_params *params,
                                   const casus_bt_options *o, unsigned threads, const cpu_clock *cc, war_pairs *w,
                                   double *p_any, double *compile_s, double *trials_s, casus_error *err)
{
    const casus_war_history *h = fw->history;
    unsigned nt = threads < 1 ? 1 : threads > MAX_THREADS ? MAX_THREADS : threads;
    if (o->trials < nt)
        nt = o->trials ? (unsigned)o->trials : 1;
    casus_scenario_attack *att = calloc(fw->n_openings + 1, sizeof *att);
    tally *t = calloc((w->n + 1) * nt, sizeof *t);
    trial_job *jobs = calloc(nt, sizeof *jobs);
    int32_t *pair_of = calloc(CASUS_SIM_MAX_STATES, sizeof *pair_of);
    if (!att || !t || !jobs || !pair_of) {
        free(att), free(t), free(jobs), free(pair_of);
        return casus_error_set(err, CASUS_NOMEM, NULL, 0, 0, "out of memory");
    }
    for (size_t i = 0; i < fw->n_openings; i++)
        att[i] = (casus_scenario_attack){.attacker = fw->openings[i].attacker, .target = fw->openings[i].target,
                                         .place = NULL, .day = fw->openings[i].day};
    casus_source src = {"COW", "Correlates of War, Inter-State War Data v4.0 (Sarkees and Wayman 2010)"};
    casus_scenario sc = {.id = "cow-war", .title = h->war->name, .file = h->war->name, .sources = &src,
                         .n_sources = 1, .attacks = att, .n_attacks = fw->n_openings, .start = h->first_day.lo,
                         .horizon = h->length - 1, .trials = o->trials, .seed = o->seed};
    casus_sim *sim = NULL;
    double c0 = cpu_now(cc);
    /* The openings stay without a place: the theatres give the day-0
     * states' places, to them and to the attacks of the simulated entrants. */
    casus_status st = casus__sim_compile_theatres(world, &sc, params, NULL, fw->theatres, fw->n_theatres, nt, &sim, err);
    double c1 = cpu_now(cc);
    *compile_s += c1 - c0;
    uint64_t any = 0;
    if (st == CASUS_OK) {
        /* The pair of each of the engine's states (pairs are sorted by ccode). */
        for (int i = 0; i < sim->n; i++) {
            size_t lo = 0, hi = w->n;
            while (lo < hi) {
                size_t mid = (lo + hi) / 2;
                if (w->pairs[mid].ccode < sim->ccode[i])
                    lo = mid + 1;
                else
                    hi = mid;
            }
            pair_of[i] = lo < w->n && w->pairs[lo].ccode == sim->ccode[i] ? (int32_t)lo : -1;
        }
        for (unsigned k = 0; k < nt; k++)
            jobs[k] = (trial_job){.sim = sim, .w = w, .pair_of = pair_of, .seed = o->seed,
                                  .first = o->trials * k / nt, .count = o->trials * (k + 1) / nt - o->trials * k / nt,
                                  .t = t + (w->n + 1) * k};
        casus__parallel_for(nt, nt, run_block, jobs);
        for (unsigned k = 0; k < nt && st == CASUS_OK; k++)
            if (jobs[k].st != CASUS_OK)
                st = casus_error_set(err, jobs[k].st, NULL, 0, 0, "out of memory for the trials");
        for (unsigned k = 0; k < nt; k++)
            any += jobs[k].any;
        /* Integer sums: the same for any split of the trials. */
        for (unsigned k = 1; k < nt; k++)
            for (size_t i = 0; i < w->n; i++) {
                tally *a = &t[i], *b = &t[(w->n + 1) * k + i];
                a->join += b->join;
                a->side1 += b->side1;
                for (int q = 0; q < 3; q++)
                    a->by[q] += b->by[q];
                a->before += b->before;
                a->at += b->at;
            }
    }
    casus_sim_free(sim);
    *trials_s += cpu_now(cc) - c1;
    if (st == CASUS_OK) {
        double T = (double)o->trials;
        for (size_t i = 0; i < w->n; i++) {
            casus_bt_pair *p = &w->pairs[i];
            const tally *ty = &t[i];
            p->p[CASUS_BT_CASUS] = (double)ty->join / T;
            p->p_side1[CASUS_BT_CASUS] = ty->join ? (double)ty->side1 / (double)ty->join : 0.5;
            for (int k = 0; k < 3; k++)
                p->p_by[k] = (double)ty->by[k] / T;
            if (p->joined && ty->join)
                p->pit = casus_score_pit((double)ty->before / (double)ty->join, (double)ty->at / (double)ty->join, 0.5);
        }
        *p_any = (double)any / T;
    }
    free(att), free(t), free(jobs), free(pair_of);
    return st;
}

/* ---- scoring -------------------------------------------------------------- */

typedef struct stat_ctx {
    const double *p;
    const unsigned char *y;
    const int *group;
    int which; /* 0 brier, 1 log, 2 auc within, 3 ap */
} stat_ctx;

static double stat_fn(void *ud, const double *w, size_t n)
{
    const stat_ctx *c = ud;
    switch (c->which) {
    case 0: return casus_score_brier_w(c->p, c->y, w, n);
    case 1: return casus_score_log_w(c->p, c->y, w, n);
    case 2: return casus_score_auc_within_w(c->p, c->y, c->group, w, n);
    default: return casus_score_average_precision_w(c->p, c->y, w, n);
    }
}

/* The bootstrap intervals: one job per model and statistic, independent of
 * each other, run on the back-test's threads. */
typedef struct boot_ctx {
    casus_bt_result *r;
    const double *p;            /* NM * n */
    const unsigned char *y;
    const int *g;
} boot_ctx;

static void boot_job(void *ud, size_t j)
{
    boot_ctx *c = ud;
    casus_bt_result *r = c->r;
    int m = (int)j / 4, which = (int)j % 4;
    casus_bt_scores *s = &r->scores[m];
    double *ci[4] = {s->brier_ci, s->log_ci, s->auc_within_ci, s->ap_ci};
    stat_ctx sc = {c->p + (size_t)m * r->n_pairs, c->y, c->g, which};
    if (casus_score_bootstrap(c->g, r->n_pairs, r->n_wars, r->opts.bootstrap, r->opts.seed, 0.95, stat_fn, &sc,
                              &ci[which][0], &ci[which][1]) != CASUS_OK)
        ci[which][0] = ci[which][1] = NAN;
}

static void score_all(casus_bt_result *r, const double *war_p_any_models, const unsigned char *war_obs,
                      unsigned threads)
{
    size_t n = r->n_pairs;
    double *pm = malloc((NM * n + 1) * sizeof *pm);
    unsigned char *y = malloc(n + 1);
    int *g = malloc((n + 1) * sizeof *g), *side_y = malloc((n + 1) * sizeof *side_y);
    double *side_p = malloc((n + 1) * sizeof *side_p);
    if (!pm || !y || !g || !side_y || !side_p) {
        free(pm), free(y), free(g), free(side_y), free(side_p);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        const casus_bt_pair *q = &r->pairs[i];
        y[i] = q->joined;
        /* the held-out war's position among the scored wars */
        size_t k = 0;
        while (k < r->n_wars && r->war_numbers[k] != q->war)
            k++;
        g[i] = (int)k;
    }
    for (int m = 0; m < NM; m++) {
        casus_bt_scores *s = &r->scores[m];
        double *p = pm + (size_t)m * n;
        size_t side_n = 0;
        s->joiners_forecast = 0;
        for (size_t i = 0; i < n; i++) {
            const casus_bt_pair *q = &r->pairs[i];
            p[i] = q->p[m];
            s->joiners_forecast += q->p[m];
            if (q->joined) {
                side_p[side_n] = q->p_side1[m];
                side_y[side_n++] = q->joined_side;
            }
        }
        s->brier = casus_score_brier(p, y, n);
        s->log_score = casus_score_log(p, y, n);
        s->roc_auc = casus_score_auc(p, y, n);
        s->roc_auc_within_war = casus_score_auc_within(p, y, g, n);
        s->average_precision = casus_score_average_precision(p, y, n);
        s->side_accuracy = casus_score_side_accuracy(side_p, side_y, side_n);
        s->war_auc = casus_score_auc(&war_p_any_models[(size_t)m * r->n_wars], war_obs, r->n_wars);
        if (m == CASUS_BT_CASUS)
            casus_score_reliability(p, y, n, 10, r->reliability);
    }
    boot_ctx bc = {.r = r, .p = pm, .y = y, .g = g};
    casus__parallel_for(threads, NM * 4, boot_job, &bc);
    for (int m = 1; m < NM; m++) {
        r->scores[m].skill_brier = casus_score_skill(r->scores[m].brier, r->scores[CASUS_BT_CLIMATOLOGY].brier);
        r->scores[m].skill_log = casus_score_skill(r->scores[m].log_score, r->scores[CASUS_BT_CLIMATOLOGY].log_score);
    }
    r->scores[0].skill_brier = casus_score_skill(r->scores[0].brier, r->scores[CASUS_BT_CLIMATOLOGY].brier);
    r->scores[0].skill_log = casus_score_skill(r->scores[0].log_score, r->scores[CASUS_BT_CLIMATOLOGY].log_score);
    for (size_t i = 0; i < n; i++)
        if (!isnan(r->pairs[i].pit)) {
            int b = (int)(r->pairs[i].pit * 10);
            r->pit_hist[b > 9 ? 9 : b < 0 ? 0 : b]++;
        }
    free(pm), free(y), free(g), free(side_y), free(side_p);
}

/* ---- the run --------------------------------------------------------------- */

static double wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* One fold of the back-test: its fit and baselines, and the wars it scores. */
typedef struct fold_slot {
    bool needed;
    casus_status st;
    casus_error err;
    casus_fit_result fit;
    baselines b;
    size_t *test;         /* the wars it scores */
    size_t n_test;
} fold_slot;

typedef struct fold_plan {
    const casus_fit_data *data;
    war_pairs *wp;
    const casus_bt_options *o;
    size_t n_wars;
    long only;            /* --war: its index; -1 */
    unsigned fit_threads; /* for each fit's cross-validation */
    fold_slot *folds;
} fold_plan;

/* The wars fold f scores and trains on, into test and train when not NULL
 * (each room for n_wars).  Returns whether the fold is needed: it scores a
 * war (the --war one, when given) and has training wars. */
static bool fold_sets(const fold_plan *p, size_t f, size_t *test, size_t *n_test, size_t *train, size_t *n_train)
{
    size_t ntr = 0, nte = 0;
    bool has_only = false;
    for (size_t i = 0; i < p->n_wars; i++) {
        bool is_test = p->o->split == CASUS_BT_SPLIT_ERA ? ((p->wp[i].year < ERA_YEAR) == (f == 0)) : i == f;
        if (is_test) {
            has_only |= (long)i == p->only;
            if (test)
                test[nte] = i;
            nte++;
        } else {
            if (train)
                train[ntr] = i;
            ntr++;
        }
    }
    if (p->only >= 0) {
        if (!has_only)
            return false;
        if (test)
            test[0] = (size_t)p->only;
        nte = 1;
    }
    if (n_test)
        *n_test = nte;
    if (n_train)
        *n_train = ntr;
    return nte && ntr;
}

static void fit_fold(void *ud, size_t f)
{
    const fold_plan *p = ud;
    fold_slot *fs = &p->folds[f];
    fs->st = CASUS_OK;
    casus_error_clear(&fs->err);
    if (!fold_sets(p, f, NULL, NULL, NULL, NULL))
        return;
    size_t *train = malloc((p->n_wars + 1) * sizeof *train), ntr = 0;
    fs->test = malloc((p->n_wars + 1) * sizeof *fs->test);
    if (!train || !fs->test) {
        free(train);
        fs->st = casus_error_set(&fs->err, CASUS_NOMEM, NULL, 0, 0, "out of memory");
        return;
    }
    fold_sets(p, f, fs->test, &fs->n_test, train, &ntr);
    fs->needed = true;
    casus_fit_options fo = {.wars = train, .n_wars = ntr, .penalty = p->o->penalty, .threads = p->fit_threads};
    fs->st = casus_fit_run(p->data, &fo, &fs->fit, &fs->err);
    if (fs->st == CASUS_OK)
        fit_baselines(p->wp, train, ntr, fs->fit.penalty, &fs->b);
    free(train);
}


/* One forecast: a fold's held-out war, with its own CPU times and error. */
typedef struct forecast_job {
    const fold_slot *fold;
    size_t war;
    casus_status st;
    casus_error err;
    double compile_s, trials_s; /* CPU time */
} forecast_job;

typedef struct forecast_plan {
    const casus_world *world;
    const casus_fit_data *data;
    const casus_bt_options *o;
    war_pairs *wp;
    forecast_job *jobs;   /* in fold order, each fold's wars in its order */
    const size_t *order;  /* the jobs, longest first */
    unsigned inner;       /* threads for a job's compile and trials */
    cpu_clock clock;
    bool *tested;
    double *war_p_any;
} forecast_plan;

static void forecast_war(void *ud, size_t k)
{
    const forecast_plan *p = ud;
    forecast_job *j = &p->jobs[p->order[k]];
    const fold_slot *fs = j->fold;
    size_t i = j->war;
    casus_error_clear(&j->err);
    casus_jm_params params;
    memset(&params, 0, sizeof params);
    memcpy(params.beta, fs->fit.beta, sizeof params.beta);
    memcpy(params.se, fs->fit.se, sizeof params.se);
    forecast_baselines(&fs->b, &p->wp[i]);
    j->st = forecast_casus(p->world, casus_fit_data_war(p->data, i), &params, p->o, p->inner, &p->clock, &p->wp[i],
                           &p->war_p_any[i], &j->compile_s, &j->trials_s, &j->err);
    p->tested[i] = true;
}

casus_status casus_bt_run(const casus_world *world, const casus_fit_data *data, const casus_bt_options *opts,
                          casus_bt_result **out, casus_error *err)
{
    *out = NULL;
    casus_bt_options o = opts ? *opts : (casus_bt_options){.penalty = -1};
    if (!o.trials)
        o.trials = 10000;
    if (!o.seed)
        o.seed = 1;
    if (!o.bootstrap)
        o.bootstrap = 1000;
    size_t nw = casus_fit_data_count(data);
    long only = -1;
    if (o.war && (only = casus_fit_data_find(data, o.war)) < 0)
        return casus_error_set(err, CASUS_INVALID, NULL, 0, 0, "no war numbered %d", o.war);
    casus_bt_result *r = calloc(1, sizeof *r);
    war_pairs *wp = calloc(nw + 1, sizeof *wp);
    double *p_any = calloc((nw + 1) * NM, sizeof *p_any);
    casus_status st = CASUS_OK;
    if (!r || !wp || !p_any) {
        st = casus_error_set(err, CASUS_NOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
    r->opts = o;
    for (size_t i = 0; i < nw && st == CASUS_OK; i++)
        if (build_pairs(world, data, i, &wp[i]) != CASUS_OK)
            st = casus_error_set(err, CASUS_NOMEM, NULL, 0, 0, "out of memory");
    if (st != CASUS_OK)
        goto done;
    /* Folds: (test wars, training wars).  The fits of all folds come
     * first, spread over the threads (each fold's fit and baselines read
     * the shared data only and write a slot of their own), then the
     * forecasts, in fold order. */
    size_t n_folds = o.split == CASUS_BT_SPLIT_ERA ? 2 : nw;
    bool *tested = calloc(nw + 1, sizeof *tested);
    double *war_p_any = calloc(nw + 1, sizeof *war_p_any);
    fold_plan plan = {.data = data, .wp = wp, .o = &o, .n_wars = nw, .only = only,
                      .folds = calloc(n_folds + 1, sizeof *plan.folds)};
    if (!tested || !war_p_any || !plan.folds) {
        free(tested), free(war_p_any), free(plan.folds);
        st = casus_error_set(err, CASUS_NOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
    size_t n_needed = 0;
    for (size_t f = 0; f < n_folds; f++)
        n_needed += fold_sets(&plan, f, NULL, NULL, NULL, NULL);
    unsigned threads = o.threads ? o.threads : 1;
    /* Threads the fold jobs leave idle go to the cross-validation inside
     * each fit (one held-out war: all of them). */
    plan.fit_threads = n_needed && n_needed < threads ? (unsigned)(threads / n_needed) : 1;
    clock_t c0 = clock();
    double w0 = wall_now();
    casus__parallel_for(threads, n_folds, fit_fold, &plan);
    clock_t c1 = clock();
    double w1 = wall_now();
    for (size_t f = 0; f < n_folds && st == CASUS_OK; f++)
        if (plan.folds[f].st != CASUS_OK) {
            st = plan.folds[f].st;
            if (err)
                *err = plan.folds[f].err;
        }
    if (st == CASUS_OK) {
        r->fits = calloc(n_needed + 1, sizeof *r->fits);
        if (!r->fits)
            st = casus_error_set(err, CASUS_NOMEM, NULL, 0, 0, "out of memory");
    }
    /* The forecasts: one job per held-out war of each fold, several at once
     * (each compiling and running its trials on one thread), the longest
     * first so that none starts last; a single job compiles and runs its
     * trials on all the threads.  Each writes its own war's forecasts and
     * its job; the CPU times and errors are gathered in fold order. */
    size_t n_jobs = 0;
    for (size_t f = 0; f < n_folds; f++)
        if (plan.folds[f].needed)
            n_jobs += plan.folds[f].n_test;
    forecast_job *jobs = calloc(n_jobs + 1, sizeof *jobs);
    size_t *order = calloc(n_jobs + 1, sizeof *order);
    double *cost = calloc(n_jobs + 1, sizeof *cost);
    if (st == CASUS_OK && (!jobs || !order || !cost))
        st = casus_error_set(err, CASUS_NOMEM, NULL, 0, 0, "out of memory");
    size_t n_order = 0;
    for (size_t f = 0; f < n_folds && st == CASUS_OK; f++) {
        fold_slot *fs = &plan.folds[f];
        if (!fs->needed)
            continue;
        casus_bt_fit *bf = &r->fits[r->n_fits++];
        bf->fit = fs->fit;
        bf->held_out = o.split == CASUS_BT_SPLIT_WAR ? casus_fit_data_war(data, f)->history->war->number : 0;
        bf->era = o.split == CASUS_BT_SPLIT_ERA ? (int)f + 1 : 0;
        for (size_t t = 0; t < fs->n_test; t++) {
            size_t i = fs->test[t];
            /* the work grows with a war's days and states at risk */
            double c = (double)casus_fit_data_war(data, i)->history->length * (double)(wp[i].n + 1);
            size_t at = n_order++;
            jobs[at] = (forecast_job){.fold = fs, .war = i};
            size_t pos = at;
            while (pos > 0 && cost[pos - 1] < c) {
                order[pos] = order[pos - 1];
                cost[pos] = cost[pos - 1];
                pos--;
            }
            order[pos] = at;
            cost[pos] = c;
        }
    }
    if (st == CASUS_OK) {
        unsigned workers = n_order < threads ? (unsigned)n_order : threads;
        forecast_plan fp = {.world = world, .data = data, .o = &o, .wp = wp, .jobs = jobs, .order = order,
                            .inner = workers > 1 ? 1 : threads, .clock = {.own = workers > 1}, .tested = tested,
                            .war_p_any = war_p_any};
        casus__parallel_for(workers, n_order, forecast_war, &fp);
        for (size_t k = 0; k < n_order; k++) {
            r->compile_seconds += jobs[k].compile_s;
            r->sim_seconds += jobs[k].trials_s;
            if (st == CASUS_OK && jobs[k].st != CASUS_OK) {
                st = jobs[k].st;
                if (err)
                    *err = jobs[k].err;
            }
        }
    }
    free(jobs), free(order), free(cost);
    r->fit_wall_seconds = w1 - w0;
    r->sim_wall_seconds = wall_now() - w1;
    for (size_t f = 0; f < n_folds; f++)
        free(plan.folds[f].test);
    free(plan.folds);
    r->fit_seconds = (double)(c1 - c0) / CLOCKS_PER_SEC;
    if (st != CASUS_OK) {
        free(tested), free(war_p_any);
        goto done;
    }
    /* Gather the held-out pairs, in war order. */
    size_t np = 0;
    for (size_t i = 0; i < nw; i++)
        if (tested[i]) {
            np += wp[i].n;
            r->n_wars++;
        }
    r->pairs = calloc(np + 1, sizeof *r->pairs);
    r->war_numbers = calloc(r->n_wars + 1, sizeof *r->war_numbers);
    r->war_p_any = calloc(r->n_wars + 1, sizeof *r->war_p_any);
    r->war_forecast = calloc(r->n_wars + 1, sizeof *r->war_forecast);
    r->war_observed = calloc(r->n_wars + 1, sizeof *r->war_observed);
    unsigned char *war_obs = calloc(r->n_wars + 1, 1);
    if (!r->pairs || !r->war_numbers || !r->war_p_any || !r->war_forecast || !r->war_observed || !war_obs) {
        free(tested), free(war_p_any), free(war_obs);
        st = casus_error_set(err, CASUS_NOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
    size_t k = 0;
    for (size_t i = 0; i < nw; i++) {
        if (!tested[i])
            continue;
        r->war_numbers[k] = casus_fit_data_war(data, i)->history->war->number;
        r->war_p_any[k] = war_p_any[i];
        p_any[(size_t)CASUS_BT_CASUS * r->n_wars + k] = war_p_any[i];
        for (int m = 1; m < NM; m++) {
            double none = 1;
            for (size_t j = 0; j < wp[i].n; j++)
                none *= 1 - wp[i].pairs[j].p[m];
            p_any[(size_t)m * r->n_wars + k] = 1 - none;
        }
        for (size_t j = 0; j < wp[i].n; j++) {
            r->pairs[r->n_pairs++] = wp[i].pairs[j];
            r->war_forecast[k] += wp[i].pairs[j].p[CASUS_BT_CASUS];
            r->war_observed[k] += wp[i].pairs[j].joined;
            r->n_joiners += wp[i].pairs[j].joined;
        }
        war_obs[k] = r->war_observed[k] > 0;
        k++;
    }
    r->base_rate = r->n_pairs ? (double)r->n_joiners / (double)r->n_pairs : NAN;
    score_all(r, p_any, war_obs, threads);
    free(tested), free(war_p_any), free(war_obs);
done:
    for (size_t i = 0; wp && i < nw; i++) {
        free(wp[i].pairs);
        free(wp[i].info);
    }
    free(wp), free(p_any);
    if (st != CASUS_OK) {
        casus_bt_free(r);
        return st;
    }
    *out = r;
    return CASUS_OK;
}

void casus_bt_free(casus_bt_result *r)
{
    if (!r)
        return;
    free(r->pairs);
    free(r->war_numbers);
    free(r->war_p_any);
    free(r->war_forecast);
    free(r->war_observed);
    free(r->fits);
    free(r);
}
