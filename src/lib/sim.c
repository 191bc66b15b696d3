/* The cascade engine: compiling a scenario into a flat obligation graph,
 * and one trial's exact next-event simulation on it.
 *
 * Compile: the states the war can draw in (the closure of the opening
 * belligerents under "major power or related": casus_jm_data_related), the
 * epochs (the days inside the run where an obligation's dates or the
 * scenario's events change what an attack sets off), and for each epoch and
 * each attack the war can hold (the opening attacks; a attacks b at b's
 * home for every other pair) the obligations it sets off, from
 * casus_who_eval (sim_compile.c).
 * Then the war after its day-0 events, as the template every trial starts
 * from.
 *
 * A trial: the hazards h(c, s) = B(t) F(s) g(c, s), where g holds the
 * candidate's own features, F(s) the side totals of CINC and B(t) the time
 * band (casus/joinmodel.h).  Between change points (epochs, bands, timed
 * entries) they are constant, so the next join is exponential with rate
 * R = B (F1 S1 + F2 S2), S(s) the sum of g over candidates; if it falls past
 * the next change point the trial moves there (memorylessness makes that
 * exact) and draws again.  The rules are in docs/cascade.md. */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <Random123/philox.h>

#include "sim_internal.h"

/* ---- randomness ------------------------------------------------------- */

void casus_sim_philox(uint64_t seed, uint64_t trial, uint64_t block, uint64_t out[4])
{
    philox4x64_ctr_t c = {{trial, block, 0, 0}};
    philox4x64_key_t k = {{seed, 0}};
    philox4x64_ctr_t r = philox4x64_R(10, c, k);
    for (int i = 0; i < 4; i++)
        out[i] = r.v[i];
}

/* A uniform on (0, 1]: 53 bits, never 0, so -log(u) is finite. */
static double uniform(sim_scratch *s)
{
    if (s->left == 0) {
        casus_sim_philox(s->seed, s->trial, s->block++, s->buf);
        s->left = 4;
        s->draws++;
    }
    uint64_t x = s->buf[--s->left];
    return (double)((x >> 11) + 1) * 0x1p-53;
}

void casus_sim_wilson(uint64_t k, uint64_t n, double *lo, double *hi)
{
    if (n == 0) {
        *lo = 0;
        *hi = 1;
        return;
    }
    const double z = 1.959963984540054; /* the 97.5% normal quantile */
    double p = (double)k / (double)n, nn = (double)n;
    double den = 1 + z * z / nn;
    double mid = (p + z * z / (2 * nn)) / den;
    double half = z * sqrt(p * (1 - p) / nn + z * z / (4 * nn * nn)) / den;
    *lo = mid - half < 0 ? 0 : mid - half;
    *hi = mid + half > 1 ? 1 : mid + half;
    if (k == 0)
        *lo = 0;
    if (k == n)
        *hi = 1;
}

/* ---- a trial ----------------------------------------------------------- */

static int sidx(const casus_sim *sim, int ccode)
{
    if (ccode <= 0 || ccode >= CASUS_JM_MAX_CCODE)
        return -1;
    return sim->idx[ccode] - 1;
}

static void touch(sim_scratch *s, int i)
{
    if (!s->touched[i]) {
        s->touched[i] = 1;
        s->touched_list[s->n_touched++] = i;
    }
}

static void touch_tie(sim_scratch *s, int k)
{
    if (!s->tie_touched[k]) {
        s->tie_touched[k] = 1;
        s->tie_touched_list[s->n_tie_touched++] = k;
    }
}

/* The obligations set off pulling state i to either side. */
static int pulls(const sim_scratch *s, int i)
{
    return casus__jm_pull(&s->cnt[2 * i]) + casus__jm_pull(&s->cnt[2 * i + 1]);
}

/* A candidate: not at war, not held out or scheduled, a member of the
 * state system, and a major power, related to a belligerent, or pulled in
 * by an obligation the war sets off (casus_jm_rows says the same). */
static bool candidate(const casus_sim *sim, const sim_scratch *s, int i)
{
    return !s->side[i] && !sim->held[i] && !sim->committed[i] && sim->member[i] &&
           (s->relc[i] > 0 || sim->major[i] || pulls(s, i) > 0);
}

/* The exponent of g: beta . x without the side-total and band terms, which
 * the trial applies as factors.  The same sum as casus__jm_x makes x (a test
 * compares them), with the static terms summed once at compile time. */
static double local_d(const casus_sim *sim, const sim_scratch *s, int i, int side)
{
    const double *b = sim->params.beta;
    const casus_jm_counts *m = &s->cnt[2 * i + side - 1], *t = &s->cnt[2 * i + 2 - side];
    int pull = casus__jm_pull(m);
    int pull_o = casus__jm_pull(t);
    double d = sim->static_dot[i];
    if (sim->declared[(size_t)s->epoch * (size_t)sim->n + (size_t)i])
        d += b[CASUS_JM_DECLARED_NEUTRAL];
    /* With every coefficient below 0, the terms below add (+ or -) 0: d
     * is what they would leave, and so is exp(d). */
    if (sim->counts_zero && pull == 0)
        return d;
    if (pull > 0) {
        d += b[CASUS_JM_OBLIG_ANY] + (sim->stat[i].post1945 ? b[CASUS_JM_OBLIG_POST1945] : 0);
        if (sim->counts_zero)
            return d;
        d += b[CASUS_JM_DEFEND_BINDING] * m->defend[1] + b[CASUS_JM_DEFEND_CONDITIONAL] * m->defend[0] +
             b[CASUS_JM_JOIN_BINDING] * m->join[1] + b[CASUS_JM_JOIN_CONDITIONAL] * m->join[0];
        if (pull_o > 0)
            d += b[CASUS_JM_BOTH_SIDES];
    }
    if (m->timing[JM_TIMING_IMMEDIATE])
        d += b[CASUS_JM_TIMING_IMMEDIATE];
    if (m->timing[JM_TIMING_DEEMED])
        d += b[CASUS_JM_TIMING_DEEMED];
    if (m->timing[JM_TIMING_CONSTITUTIONAL])
        d += b[CASUS_JM_TIMING_CONSTITUTIONAL];
    if (m->timing[JM_TIMING_OTHER])
        d += b[CASUS_JM_TIMING_OTHER];
    if (m->hand)
        d += b[CASUS_JM_OBLIG_HAND];
    if (m->atop)
        d += b[CASUS_JM_OBLIG_ATOP];
    if (m->pledge)
        d += b[CASUS_JM_PLEDGE_OTHER];
    if (m->contig_land)
        d += b[CASUS_JM_CONTIG_LAND];
    else if (m->contig_sea)
        d += b[CASUS_JM_CONTIG_SEA];
    if (m->mid)
        d += b[CASUS_JM_MID_OTHER];
    d += b[CASUS_JM_ALLIES_ON_SIDE] * m->allies;
    return d;
}

/* exp(d), remembering the last few exponents: with most coefficients 0 a
 * war's states share a handful of exponents, and exp is a pure function of
 * its argument, so a remembered value is the same double. */
static double memo_exp(sim_scratch *s, double d)
{
    for (int k = 0; k < SIM_EXP_MEMO; k++)
        if (s->memo_d[k] == d)
            return s->memo_g[k];
    int k = s->memo_next;
    s->memo_next = (k + 1) % SIM_EXP_MEMO;
    s->memo_d[k] = d;
    s->memo_g[k] = exp(d);
    return s->memo_g[k];
}

/* Recomputes g of state i toward both sides and the sums. */
static void update_g(const casus_sim *sim, sim_scratch *s, int i)
{
    touch(s, i);
    bool c = candidate(sim, s, i);
    for (int side = 1; side <= 2; side++) {
        double v = c ? memo_exp(s, local_d(sim, s, i, side)) : 0;
        s->S[side - 1] += v - s->g[2 * i + side - 1];
        s->g[2 * i + side - 1] = v;
    }
    if (s->S[0] < 0)
        s->S[0] = 0;
    if (s->S[1] < 0)
        s->S[1] = 0;
}

static bool nz(const casus_sim *sim, casus_jm_feature k)
{
    return sim->params.beta[k] != 0;
}

/* Marks g of state i for recomputation at the end of the event. */
static void mark(sim_scratch *s, int i)
{
    touch(s, i);
    if (!s->dirty[i]) {
        s->dirty[i] = 1;
        s->dirty_list[s->n_dirty++] = i;
    }
}

static void flush(const casus_sim *sim, sim_scratch *s)
{
    for (int32_t q = 0; q < s->n_dirty; q++) {
        int i = s->dirty_list[q];
        s->dirty[i] = 0;
        update_g(sim, s, i);
    }
    s->n_dirty = 0;
}

static double side_factor(const casus_sim *sim, const sim_scratch *s, int side)
{
    /* With both coefficients 0 the exponent is a signed zero and the
     * factor exactly 1: no logarithm needed. */
    if (sim->params.beta[CASUS_JM_LOG_CINC_SIDE] == 0 && sim->params.beta[CASUS_JM_LOG_CINC_OTHER] == 0)
        return 1;
    double a = s->cinc[side - 1], b = s->cinc[2 - side];
    double la = casus__jm_log_cinc(a), lb = casus__jm_log_cinc(b);
    return exp(sim->params.beta[CASUS_JM_LOG_CINC_SIDE] * la + sim->params.beta[CASUS_JM_LOG_CINC_OTHER] * lb);
}

/* Applies the obligations an attack sets off (hits[lo..hi)). */
static void apply_hits(const casus_sim *sim, sim_scratch *s, const sim_hit *h, size_t n)
{
    /* Locals, since stores through uint8_t pointers would make the
     * compiler reload the arrays' addresses on every hit. */
    const uint8_t *side = s->side, *held = sim->held;
    const uint8_t *tie_st = s->tie_st;
    for (size_t k = 0; k < n; k++) {
        int o = h[k].obligor;
        if (side[o] || held[o])
            continue;
        uint8_t old = tie_st[h[k].tie];
        if (h[k].status <= old)
            continue;
        const sim_tie *t = &sim->ties[h[k].tie];
        touch_tie(s, h[k].tie);
        s->tie_st[h[k].tie] = h[k].status;
        if (old == 0)
            s->active[s->n_active++] = h[k].tie;
        int sx = s->side[t->beneficiary];
        uint8_t pold = s->pair_st[t->pair];
        /* Recompute g only when x can change where beta is not 0: with the
         * defaults, only when the first obligation toward a side appears. */
        bool matters = false;
        if (t->cls < 2) {
            casus_jm_counts *c = &s->cnt[2 * o + sx - 1];
            if (old == 0) {
                static const casus_jm_feature tf[JM_TIMING_N] = {CASUS_JM_TIMING_IMMEDIATE, CASUS_JM_TIMING_DEEMED,
                                                                 CASUS_JM_TIMING_CONSTITUTIONAL, CASUS_JM_TIMING_OTHER};
                matters |= ++c->timing[t->timing] == 1 && nz(sim, tf[t->timing]);
                if (t->atop)
                    matters |= ++c->atop == 1 && nz(sim, CASUS_JM_OBLIG_ATOP);
                else
                    matters |= ++c->hand == 1 && nz(sim, CASUS_JM_OBLIG_HAND);
            }
            if (h[k].status > pold) {
                s->pair_st[t->pair] = h[k].status;
                int16_t *arr = t->cls == 0 ? c->defend : c->join;
                if (pold)
                    arr[pold - 1]--;
                arr[h[k].status - 1]++;
                casus_jm_feature fb = t->cls == 0 ? CASUS_JM_DEFEND_BINDING : CASUS_JM_JOIN_BINDING;
                casus_jm_feature fc = t->cls == 0 ? CASUS_JM_DEFEND_CONDITIONAL : CASUS_JM_JOIN_CONDITIONAL;
                matters |= nz(sim, fb) || nz(sim, fc);
                if (pold == 0) /* the pull toward the side grew */
                    matters |= casus__jm_pull(c) == 1;
            }
        } else if (pold == 0) {
            s->pair_st[t->pair] = h[k].status;
            matters |= ++s->cnt[2 * o + (3 - sx) - 1].pledge == 1 && nz(sim, CASUS_JM_PLEDGE_OTHER);
        } else if (h[k].status > pold)
            s->pair_st[t->pair] = h[k].status;
        if (matters)
            mark(s, o);
    }
}

/* Forgets which segments were applied: the obligations were reset. */
static void new_stamp(const casus_sim *sim, sim_scratch *s)
{
    if (++s->stamp == 0) {
        memset(s->seg_seen, 0, ((size_t)sim->n_segs + 1) * sizeof *s->seg_seen);
        s->stamp = 1;
    }
}

static void apply_pair(const casus_sim *sim, sim_scratch *s, int a, int b)
{
    int32_t l = sim->rows[sim->row_of[(size_t)s->epoch * (size_t)sim->n + (size_t)a] + b];
    for (int32_t q = sim->list_off[l]; q < sim->list_off[l + 1]; q++) {
        int32_t g = sim->list_seg[q];
        /* Since the last reset, obligations only grow and belligerents stay
         * in: a segment applied once since then sets off nothing new. */
        if (s->seg_seen[g] == s->stamp)
            continue;
        s->seg_seen[g] = s->stamp;
        apply_hits(sim, s, sim->hits + sim->seg_off[g], (size_t)(sim->seg_off[g + 1] - sim->seg_off[g]));
    }
}

static void apply_opening(const casus_sim *sim, sim_scratch *s, int k)
{
    size_t slot = (size_t)s->epoch * (size_t)sim->n_openings + (size_t)k;
    apply_hits(sim, s, sim->open_hits + sim->open_off[slot], (size_t)(sim->open_off[slot + 1] - sim->open_off[slot]));
}

static bool opening_pair(const casus_sim *sim, int a, int b)
{
    for (int k = 0; k < sim->n_openings; k++) {
        const sim_opening *o = &sim->openings[k];
        if ((o->attacker == a && o->target == b) || (o->attacker == b && o->target == a))
            return true;
    }
    return false;
}

/* The chain attacks of a new belligerent i: on each belligerent of the other side. */
static void chain_attacks(const casus_sim *sim, sim_scratch *s, int i)
{
    int side = s->side[i];
    for (int k = 0; k < s->n_bell; k++) {
        int j = s->bell[k];
        if (j == i || s->side[j] == side || opening_pair(sim, i, j) || (sim->opener[i] && sim->opener[j]))
            continue;
        apply_pair(sim, s, i, j);
    }
}

/* State i enters on side at time t; the chain attacks follow unless
 * attacks=false (an opener, whose opening attack the caller applies). */
static void enter(const casus_sim *sim, sim_scratch *s, int i, int side, double t, int32_t cause)
{
    touch(s, i);
    s->side[i] = (uint8_t)side;
    s->entry[i] = t;
    s->cause[i] = cause;
    s->bell[s->n_bell++] = i;
    s->S[0] -= s->g[2 * i];
    s->S[1] -= s->g[2 * i + 1];
    s->g[2 * i] = s->g[2 * i + 1] = 0;
    if (s->S[0] < 0)
        s->S[0] = 0;
    if (s->S[1] < 0)
        s->S[1] = 0;
    s->cinc[side - 1] += sim->cinc[i];
    for (int32_t r = sim->rel_off[i]; r < sim->rel_off[i + 1]; r++) {
        int z = sim->rel_to[r];
        uint8_t bits = sim->rel_bits[r];
        if (bits == 1) { /* only candidacy: relc is restored whole after each trial */
            if (++s->relc[z] == 1)
                mark(s, z);
            continue;
        }
        bool matters = false;
        touch(s, z);
        casus_jm_counts *mine = &s->cnt[2 * z + side - 1], *other = &s->cnt[2 * z + (3 - side) - 1];
        if (bits & 1)
            matters |= ++s->relc[z] == 1; /* it becomes a candidate */
        if (bits & 2) {
            mine->allies++;
            matters |= nz(sim, CASUS_JM_ALLIES_ON_SIDE);
        }
        if (bits & 4)
            matters |= ++other->mid == 1 && nz(sim, CASUS_JM_MID_OTHER);
        if (bits & 8)
            matters |= ++other->contig_land == 1 && (nz(sim, CASUS_JM_CONTIG_LAND) || nz(sim, CASUS_JM_CONTIG_SEA));
        if (bits & 16)
            matters |= ++other->contig_sea == 1 && other->contig_land == 0 && nz(sim, CASUS_JM_CONTIG_SEA);
        if (matters)
            mark(s, z);
    }
    chain_attacks(sim, s, i);
    flush(sim, s);
}

/* The tie that brought state i in on side: the strongest pull set off. */
static int32_t cause_of(const casus_sim *sim, const sim_scratch *s, int i, int side)
{
    int32_t best = -1;
    for (int32_t r = sim->tie_off[i]; r < sim->tie_off[i + 1]; r++) {
        int32_t k = sim->tie_by_obligor[r];
        const sim_tie *t = &sim->ties[k];
        uint8_t st = s->tie_st[k];
        if (!st || s->side[t->beneficiary] != side)
            continue;
        if (best < 0 || st > s->tie_st[best] || (st == s->tie_st[best] && t->rank < sim->ties[best].rank))
            best = k;
    }
    return best;
}

static void open_attack(const casus_sim *sim, sim_scratch *s, int k, double t)
{
    const sim_opening *o = &sim->openings[k];
    if (!s->side[o->attacker])
        enter(sim, s, o->attacker, 1, t, -2);
    if (!s->side[o->target])
        enter(sim, s, o->target, 2, t, -2);
    apply_opening(sim, s, k);
    flush(sim, s);
}

static void forced_entry(const casus_sim *sim, sim_scratch *s, int k, double t)
{
    const sim_forced *f = &sim->forced[k];
    if (s->side[f->state] || !s->side[f->ally])
        return; /* already in, or the side it would take is not at war: docs/cascade.md */
    enter(sim, s, f->state, s->side[f->ally], t, -3);
}

/* Everything the attacks set off, re-evaluated for a new epoch. */
static void switch_epoch(const casus_sim *sim, sim_scratch *s, int e)
{
    /* When nothing owed to a belligerent changes in the epochs crossed,
     * every attack sets off what it did: only the epoch number moves. */
    bool any = false;
    for (int f = s->epoch + 1; f <= e && !any; f++)
        for (int q = 0; q < s->n_bell && !any; q++)
            any = sim->epoch_changed[(size_t)f * (size_t)sim->n + (size_t)s->bell[q]];
    if (!any) {
        s->epoch = e;
        for (int q = 0; q < sim->n_neutral_states; q++)
            mark(s, sim->neutral_states[q]);
        flush(sim, s);
        return;
    }
    for (int32_t a = 0; a < s->n_active; a++) {
        int32_t k = s->active[a];
        const sim_tie *t = &sim->ties[k];
        touch_tie(s, k);
        s->tie_st[k] = 0;
        s->pair_st[t->pair] = 0;
        int o = t->obligor;
        mark(s, o);
        for (int side = 0; side < 2; side++) {
            casus_jm_counts *c = &s->cnt[2 * o + side];
            memset(c->defend, 0, sizeof c->defend);
            memset(c->join, 0, sizeof c->join);
            memset(c->timing, 0, sizeof c->timing);
            c->hand = c->atop = c->pledge = 0;
        }
    }
    s->n_active = 0;
    s->epoch = e;
    new_stamp(sim, s);
    for (int k = 0; k < sim->n_openings; k++)
        if (s->side[sim->openings[k].attacker] && s->side[sim->openings[k].target] &&
            sim->openings[k].day <= sim->epoch_day[e])
            apply_opening(sim, s, k);
    for (int q = 0; q < s->n_bell; q++) {
        int j = s->bell[q];
        for (int p = 0; p < q; p++) {
            int i = s->bell[p];
            if (s->side[i] == s->side[j] || opening_pair(sim, i, j) || (sim->opener[i] && sim->opener[j]))
                continue;
            apply_pair(sim, s, j, i);
        }
    }
    /* Obligors whose ties are gone or new (all marked), and declared
     * neutrals, get new hazards. */
    for (int q = 0; q < sim->n_neutral_states; q++)
        mark(s, sim->neutral_states[q]);
    flush(sim, s);
}

static void restore(const casus_sim *sim, sim_scratch *s)
{
    const sim_scratch *t = &sim->tmpl;
    new_stamp(sim, s);
    for (int32_t q = 0; q < s->n_touched; q++) {
        int i = s->touched_list[q];
        s->touched[i] = 0;
        s->side[i] = t->side[i];
        s->entry[i] = t->entry[i];
        s->cause[i] = t->cause[i];
        s->cnt[2 * i] = t->cnt[2 * i];
        s->cnt[2 * i + 1] = t->cnt[2 * i + 1];
        s->g[2 * i] = t->g[2 * i];
        s->g[2 * i + 1] = t->g[2 * i + 1];
    }
    s->n_touched = 0;
    memcpy(s->relc, t->relc, (size_t)sim->n * sizeof *s->relc);
    for (int32_t q = 0; q < s->n_tie_touched; q++) {
        int k = s->tie_touched_list[q];
        s->tie_touched[k] = 0;
        s->tie_st[k] = t->tie_st[k];
        s->pair_st[sim->ties[k].pair] = t->pair_st[sim->ties[k].pair];
    }
    s->n_tie_touched = 0;
    memcpy(s->active, t->active, (size_t)t->n_active * sizeof *s->active);
    s->n_active = t->n_active;
    s->n_bell = t->n_bell;
    s->S[0] = t->S[0];
    s->S[1] = t->S[1];
    s->cinc[0] = t->cinc[0];
    s->cinc[1] = t->cinc[1];
    s->epoch = t->epoch;
}

static int band_index(double t)
{
    if (t < CASUS_JM_BAND_MONTH_DAY)
        return 0;
    if (t < CASUS_JM_BAND_YEAR_DAY)
        return 1;
    if (t < CASUS_JM_BAND_LATER_DAY)
        return 2;
    return 3;
}

static double band_end(int b)
{
    static const double ends[4] = {CASUS_JM_BAND_MONTH_DAY, CASUS_JM_BAND_YEAR_DAY, CASUS_JM_BAND_LATER_DAY, INFINITY};
    return ends[b];
}

/* Picks the candidate whose g toward side makes up the share v of S(side). */
static int pick(const casus_sim *sim, const sim_scratch *s, int side, double v)
{
    int last = -1;
    double acc = 0;
    for (int i = 0; i < sim->n; i++) {
        double g = s->g[2 * i + side - 1];
        if (g <= 0)
            continue;
        acc += g;
        last = i;
        if (v < acc)
            return i;
    }
    return last; /* rounding: the sum fell short of S by an ulp */
}

/* Runs the trial from the template to the horizon, stopping early at
 * `until` (for the feature tests). */
static void run_until(const casus_sim *sim, sim_scratch *s, uint64_t seed, uint64_t trial, double until)
{
    restore(sim, s);
    s->seed = seed;
    s->trial = trial;
    s->block = 0;
    s->left = 0;
    s->draws = 0;
    double H = sim->horizon < until ? sim->horizon : until;
    double t = 0;
    int band = 0;
    int next_change = 0;
    while (next_change < sim->n_changes && sim->changes[next_change].day <= 0)
        next_change++;
    double F[2] = {side_factor(sim, s, 1), side_factor(sim, s, 2)};
    for (;;) {
        double tc = band_end(band);
        if (s->epoch + 1 < sim->n_epochs && sim->epoch_day[s->epoch + 1] < tc)
            tc = sim->epoch_day[s->epoch + 1];
        if (next_change < sim->n_changes && sim->changes[next_change].day < tc)
            tc = sim->changes[next_change].day;
        if (H < tc)
            tc = H;
        double a1 = F[0] * s->S[0], a2 = F[1] * s->S[1];
        double tot = a1 + a2;
        double R = sim->band_factor[band] * tot;
        double dt = R > 0 ? -log(uniform(s)) / R : INFINITY;
        if (t + dt >= tc) {
            t = tc;
            if (t >= H)
                break;
            if (t >= band_end(band))
                band = band_index(t);
            if (s->epoch + 1 < sim->n_epochs && sim->epoch_day[s->epoch + 1] <= t) {
                int e = s->epoch;
                while (e + 1 < sim->n_epochs && sim->epoch_day[e + 1] <= t)
                    e++;
                switch_epoch(sim, s, e);
            }
            while (next_change < sim->n_changes && sim->changes[next_change].day <= t) {
                const sim_change *c = &sim->changes[next_change++];
                if (c->kind == CH_OPENING)
                    open_attack(sim, s, c->index, t);
                else
                    forced_entry(sim, s, c->index, t);
            }
            F[0] = side_factor(sim, s, 1);
            F[1] = side_factor(sim, s, 2);
            continue;
        }
        t += dt;
        double v = uniform(s) * tot;
        int side = v < a1 ? 1 : 2;
        double w = side == 1 ? v / F[0] : (v - a1) / F[1];
        int i = pick(sim, s, side, w);
        if (i < 0)
            continue; /* cannot happen while tot > 0 */
        int32_t cause = cause_of(sim, s, i, side);
        enter(sim, s, i, side, t, cause >= 0 ? cause : -1);
        F[0] = side_factor(sim, s, 1);
        F[1] = side_factor(sim, s, 2);
    }
}

void casus__sim_template(const casus_sim *sim, sim_scratch *s)
{
    s->epoch = 0;
    for (int i = 0; i < sim->n; i++)
        update_g(sim, s, i);
    for (int k = 0; k < sim->n_changes && sim->changes[k].day <= 0; k++) {
        const sim_change *c = &sim->changes[k];
        if (c->kind == CH_OPENING)
            open_attack(sim, s, c->index, 0);
        else
            forced_entry(sim, s, c->index, 0);
    }
    /* A worker's copy starts with nothing touched. */
    for (int32_t q = 0; q < s->n_touched; q++)
        s->touched[s->touched_list[q]] = 0;
    s->n_touched = 0;
    for (int32_t q = 0; q < s->n_tie_touched; q++)
        s->tie_touched[s->tie_touched_list[q]] = 0;
    s->n_tie_touched = 0;
}

void casus__sim_run_trial(const casus_sim *sim, sim_scratch *s, uint64_t seed, uint64_t trial)
{
    run_until(sim, s, seed, trial, INFINITY);
}

/* ---- scratch ----------------------------------------------------------- */

#define ARR(field, count)                                                          \
    do {                                                                           \
        s->field = casus__mem_alloc(mem, ((size_t)(count) + 1) * sizeof *s->field); \
        if (!s->field)                                                             \
            goto oom;                                                              \
        memset(s->field, 0, ((size_t)(count) + 1) * sizeof *s->field);             \
    } while (0)

casus_status casus__sim_scratch_init(const casus_sim *sim, sim_scratch *s, const casus_mem *mem)
{
    memset(s, 0, sizeof *s);
    size_t n = (size_t)sim->n;
    ARR(side, n);
    ARR(entry, n);
    ARR(cause, n);
    ARR(tie_st, sim->n_ties);
    ARR(pair_st, sim->n_pairs);
    ARR(cnt, 2 * n);
    ARR(relc, n);
    ARR(g, 2 * n);
    ARR(bell, n);
    ARR(active, sim->n_ties);
    ARR(touched, n);
    ARR(touched_list, n);
    ARR(tie_touched, sim->n_ties);
    ARR(tie_touched_list, sim->n_ties);
    ARR(dirty, n);
    ARR(dirty_list, n);
    ARR(seg_seen, sim->n_segs);
    s->stamp = 1;
    for (int k = 0; k < SIM_EXP_MEMO; k++)
        s->memo_d[k] = NAN; /* equal to no exponent */
    return CASUS_OK;
oom:
    casus__sim_scratch_free(sim, s, mem);
    return CASUS_NOMEM;
}
#undef ARR

#define FREE(field, count) casus__mem_free(mem, s->field, ((size_t)(count) + 1) * sizeof *s->field)
void casus__sim_scratch_free(const casus_sim *sim, sim_scratch *s, const casus_mem *mem)
{
    size_t n = (size_t)sim->n;
    FREE(side, n);
    FREE(entry, n);
    FREE(cause, n);
    FREE(tie_st, sim->n_ties);
    FREE(pair_st, sim->n_pairs);
    FREE(cnt, 2 * n);
    FREE(relc, n);
    FREE(g, 2 * n);
    FREE(bell, n);
    FREE(active, sim->n_ties);
    FREE(touched, n);
    FREE(touched_list, n);
    FREE(tie_touched, sim->n_ties);
    FREE(tie_touched_list, sim->n_ties);
    FREE(dirty, n);
    FREE(dirty_list, n);
    FREE(seg_seen, sim->n_segs);
    memset(s, 0, sizeof *s);
}
#undef FREE

/* A worker's scratch: the template's full state, with nothing touched. */
static casus_status scratch_from_template(const casus_sim *sim, sim_scratch *s, const casus_mem *mem)
{
    casus_status st = casus__sim_scratch_init(sim, s, mem);
    if (st != CASUS_OK)
        return st;
    const sim_scratch *t = &sim->tmpl;
    size_t n = (size_t)sim->n;
    memcpy(s->side, t->side, n * sizeof *s->side);
    memcpy(s->entry, t->entry, n * sizeof *s->entry);
    memcpy(s->cause, t->cause, n * sizeof *s->cause);
    memcpy(s->tie_st, t->tie_st, (size_t)sim->n_ties * sizeof *s->tie_st);
    memcpy(s->pair_st, t->pair_st, (size_t)sim->n_pairs * sizeof *s->pair_st);
    memcpy(s->cnt, t->cnt, 2 * n * sizeof *s->cnt);
    memcpy(s->relc, t->relc, n * sizeof *s->relc);
    memcpy(s->g, t->g, 2 * n * sizeof *s->g);
    memcpy(s->bell, t->bell, n * sizeof *s->bell);
    memcpy(s->active, t->active, (size_t)sim->n_ties * sizeof *s->active);
    s->n_bell = t->n_bell;
    s->n_active = t->n_active;
    s->S[0] = t->S[0];
    s->S[1] = t->S[1];
    s->cinc[0] = t->cinc[0];
    s->cinc[1] = t->cinc[1];
    s->epoch = t->epoch;
    return CASUS_OK;
}

casus_status casus__sim_worker_scratch(const casus_sim *sim, sim_scratch *s, const casus_mem *mem)
{
    return scratch_from_template(sim, s, mem);
}

casus_status casus_sim_trial(const casus_sim *sim, uint64_t seed, uint64_t trial, casus_sim_entry *out, size_t max,
                             size_t *n_out, uint64_t *draws, casus_error *err)
{
    sim_scratch s;
    if (scratch_from_template(sim, &s, &sim->mem) != CASUS_OK)
        return casus_error_set(err, CASUS_NOMEM, NULL, 0, 0, "out of memory");
    casus__sim_run_trial(sim, &s, seed, trial);
    *n_out = (size_t)s.n_bell;
    for (int q = 0; q < s.n_bell && (size_t)q < max; q++) {
        int i = s.bell[q];
        casus_sim_entry *e = &out[q];
        e->ccode = sim->ccode[i];
        e->side = s.side[i];
        e->day = s.entry[i];
        e->obligation = NULL;
        if (s.cause[i] >= 0) {
            e->cause = CASUS_SIM_CAUSE_OBLIGATION;
            e->obligation = sim->ties[s.cause[i]].ob;
        } else
            e->cause = s.cause[i] == -1 ? CASUS_SIM_CAUSE_FREE : s.cause[i] == -2 ? CASUS_SIM_CAUSE_OPENING
                                                                                    : CASUS_SIM_CAUSE_EVENT;
    }
    if (draws)
        *draws = s.draws;
    casus__sim_scratch_free(sim, &s, &sim->mem);
    return CASUS_OK;
}

casus_status casus__sim_x_at(const casus_sim *sim, uint64_t seed, uint64_t trial, double until, int ccode, int side,
                             double x[CASUS_JM_FEATURE_COUNT], bool *cand, double *g)
{
    int i = sidx(sim, ccode);
    if (i < 0)
        return CASUS_NOTFOUND;
    sim_scratch s;
    if (scratch_from_template(sim, &s, &sim->mem) != CASUS_OK)
        return CASUS_NOMEM;
    run_until(sim, &s, seed, trial, until);
    *cand = candidate(sim, &s, i);
    *g = s.g[2 * i + side - 1];
    casus_jm_static st = sim->stat[i];
    st.declared_neutral = sim->declared[(size_t)s.epoch * (size_t)sim->n + (size_t)i];
    casus__jm_x(&s.cnt[2 * i + side - 1], &s.cnt[2 * i + 2 - side], &st, s.cinc[side - 1], s.cinc[2 - side],
                (int)floor(until), x);
    casus__sim_scratch_free(sim, &s, &sim->mem);
    return CASUS_OK;
}

/* ---- tallies of one trial ---------------------------------------------- */

void casus__sim_tally_trial(const casus_sim *sim, const sim_scratch *s, uint64_t *t)
{
    t[sim->t_trials]++;
    for (int q = 0; q < s->n_bell; q++) {
        int i = s->bell[q];
        if (sim->opener[i] && s->cause[i] == -2)
            continue;
        t[sim->t_joined + 2 * (size_t)i + s->side[i] - 1]++;
        int bin = (int)(s->entry[i] / sim->bin_width);
        if (bin >= sim->n_bins)
            bin = sim->n_bins - 1;
        t[sim->t_hist + (size_t)i * (size_t)sim->n_bins + (size_t)bin]++;
        int slot = s->cause[i] >= 0 ? sim->ties[s->cause[i]].cause : s->cause[i] == -1 ? 0 : 1;
        t[sim->t_cause + (size_t)sim->cause_off[i] + (size_t)slot]++;
    }
    t[sim->t_size + (size_t)s->n_bell]++;
    bool mm = false, nn = false;
    for (int q = 0; q < s->n_bell; q++)
        for (int p = 0; p < q; p++) {
            int a = s->bell[p], b = s->bell[q];
            if (s->side[a] == s->side[b])
                continue;
            mm |= sim->major[a] && sim->major[b];
            nn |= sim->nuclear[a] && sim->nuclear[b];
        }
    t[sim->t_major] += mm;
    t[sim->t_nuclear] += nn;
    for (int k = 0; k < sim->n_checkpoints; k++) {
        int c = 0;
        for (int q = 0; q < s->n_bell; q++)
            c += s->entry[s->bell[q]] < sim->checkpoints[k];
        t[sim->t_timeline + (size_t)k * (size_t)(sim->n + 1) + (size_t)c]++;
    }
}
