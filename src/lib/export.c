/* The directed dyad table: the state system expanded to directed dyads by
 * peacesciencer's rules, with ATOP's obligation flags derived from the
 * world's member-level obligations.  docs/export.md states each rule and
 * where it comes from; the comments here point there.
 *
 * The work is in three steps.  First each system state gets its spells (as
 * day intervals) and, per year, whether it is absent, present on some days,
 * or present all year.  Second every obligation and every co-membership of
 * the chosen treaties is marked on its directed pair: per year in a small
 * byte array per allied pair (unit YEAR), or as day intervals (unit DAY).
 * Third the pairs are walked in (ccode1, ccode2) order and the rows handed
 * to the caller. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "casus/csv.h"
#include "casus/export.h"
#include "world_internal.h"

#define CCODE_LIMIT 1000 /* COW codes run from 2 to 990 */
#define FLAG_BITS 0x3fu  /* alliance and the five obligations */

typedef struct ival {
    casus_day lo, hi; /* inclusive */
} ival;

/* An interval of days on which a directed pair carries flag bits (unit DAY). */
typedef struct mark_rec {
    int32_t i, j; /* dense state indices */
    casus_day lo, hi;
    unsigned bits;
} mark_rec;

enum { ABSENT = 0, PART_YEAR = 1, WHOLE_YEAR = 2 };

typedef struct ctx {
    const casus_world *w;
    const casus_mem *mem;
    casus_dyads_opts o;
    casus_day d_from, d_to;  /* January 1 of from_year, December 31 of to_year */
    int n_years;
    casus_day *jan1;         /* n_years + 1: January 1 of each year of the range, and of the year after */
    int n;                   /* system states */
    int idx_of[CCODE_LIMIT]; /* dense index by ccode, -1 when not a system state */
    int *ccode;              /* n, ascending */
    ival *spells;            /* spells of state k: spells[spell_off[k] .. spell_off[k + 1]) */
    size_t *spell_off;
    uint8_t *present;        /* n * n_years: ABSENT, PART_YEAR, WHOLE_YEAR */
    int *first, *last;       /* years with presence, per state (last < first when none) */
    int32_t *slot;           /* n * n: index of the pair's year bytes, -1 when none (unit YEAR) */
    casus_vec cube;          /* uint8_t, n_years per slot */
    casus_vec recs;          /* mark_rec (unit DAY) */
    const casus_treaty *const *hand; /* the world's hand-encoded treaties (source CASUS) */
    size_t n_hand;
    bool na;                 /* flags outside [cov_from, cov_to] are NA */
    casus_day cov_from, cov_to;
} ctx;

static int year_of(casus_day d)
{
    int y, m, md;
    casus_day_to_ymd(d, &y, &m, &md);
    return y;
}

/* The year of a day inside the range, by the table of January firsts: a
 * guess from the mean year length, then a step or two. */
static int range_year(const ctx *c, casus_day d)
{
    long k = (long)(d - c->d_from) * 400 / 146097;
    if (k < 0)
        k = 0;
    if (k >= c->n_years)
        k = c->n_years - 1;
    while (k > 0 && c->jan1[k] > d)
        k--;
    while (k + 1 < c->n_years && c->jan1[k + 1] <= d)
        k++;
    return c->o.from_year + (int)k;
}

static casus_day max_day(casus_day a, casus_day b) { return a > b ? a : b; }
static casus_day min_day(casus_day a, casus_day b) { return a < b ? a : b; }

static void *scratch(ctx *c, size_t n, size_t size)
{
    if (n && size > SIZE_MAX / n)
        return NULL;
    size_t bytes = n * size > 0 ? n * size : 1;
    void *p = casus__mem_alloc(c->mem, bytes);
    if (p)
        memset(p, 0, bytes);
    return p;
}

static void ctx_free(ctx *c)
{
    casus__mem_free(c->mem, c->jan1, 0);
    casus__mem_free(c->mem, c->ccode, 0);
    casus__mem_free(c->mem, c->spells, 0);
    casus__mem_free(c->mem, c->spell_off, 0);
    casus__mem_free(c->mem, c->present, 0);
    casus__mem_free(c->mem, c->first, 0);
    casus__mem_free(c->mem, c->last, 0);
    casus__mem_free(c->mem, c->slot, 0);
    casus__vec_free(&c->cube, c->mem);
    casus__vec_free(&c->recs, c->mem);
}

/* ---- step 1: the state system ------------------------------------------- */

/* A spell as the days it may cover.  A partial date counts by its widest
 * reading (the first day its start may denote to the last day its end may
 * denote), so that a state is in the system in every year it may have been. */
static ival spell_days(const casus_period *p)
{
    ival v = {p->start.lo, casus_span_is_open(p->end) ? CASUS_DAY_NEVER_AFTER : p->end.hi};
    return v;
}

static casus_status build_system(ctx *c, casus_error *err)
{
    size_t total = 0;
    int n = 0;
    for (int cc = 1; cc < CCODE_LIMIT; cc++) {
        size_t k = casus_world_spells(c->w, cc, NULL, 0);
        c->idx_of[cc] = k ? n++ : -1;
        total += k;
    }
    if (n == 0)
        return casus_error_set(err, CASUS_INVALID, NULL, 0, 0,
                               "the world holds no state-system spells: load the COW state system (--data DIR)");
    c->n = n;
    c->ccode = scratch(c, (size_t)n, sizeof *c->ccode);
    c->spells = scratch(c, total, sizeof *c->spells);
    c->spell_off = scratch(c, (size_t)n + 1, sizeof *c->spell_off);
    c->present = scratch(c, (size_t)n * (size_t)c->n_years, 1);
    c->first = scratch(c, (size_t)n, sizeof *c->first);
    c->last = scratch(c, (size_t)n, sizeof *c->last);
    if (!c->ccode || !c->spells || !c->spell_off || !c->present || !c->first || !c->last)
        return casus_error_set(err, CASUS_NOMEM, NULL, 0, 0, "out of memory building the state system");

    /* The spells, and the last year any closed spell ends in. */
    size_t at = 0;
    int last_end_year = 0;
    for (int cc = 1; cc < CCODE_LIMIT; cc++) {
        int k = c->idx_of[cc];
        if (k < 0)
            continue;
        c->ccode[k] = cc;
        c->spell_off[k] = at;
        casus_period buf[64];
        size_t m = casus_world_spells(c->w, cc, buf, 64);
        if (m > 64)
            return casus_error_set(err, CASUS_TOOBIG, NULL, 0, 0, "state %d has %zu system spells (at most 64)", cc, m);
        for (size_t s = 0; s < m; s++) {
            ival v = spell_days(&buf[s]);
            if (v.hi != CASUS_DAY_NEVER_AFTER && year_of(v.hi) > last_end_year)
                last_end_year = year_of(v.hi);
            c->spells[at++] = v;
        }
    }
    c->spell_off[n] = at;
    /* The COW list's last year: its coverage when the loader recorded it
     * (the loader leaves the spells of states alive at the end open). */
    const casus_coverage *cov;
    for (size_t k = 0, nc = casus__world_coverage(c->w, &cov); k < nc; k++)
        if (cov[k].kind == CASUS_COVERAGE_COW_SYSTEM)
            last_end_year = year_of(cov[k].to);

    /* peacesciencer (create_dyadyears, mry = TRUE) treats a spell that ends
     * in December of the list's last year as still running: the COW list
     * stops on 2016-12-31 with every living state ending there.  Those
     * spells, and open ones, run on to the end of the requested range;
     * without the carry they stop at the end of the list. */
    bool carry = !(c->o.flags & CASUS_DYADS_NO_CARRY);
    for (size_t s = 0; s < at; s++) {
        ival *v = &c->spells[s];
        if (v->hi == CASUS_DAY_NEVER_AFTER) {
            if (!carry && last_end_year > 0)
                v->hi = casus_day_from_ymd(last_end_year, 12, 31);
            continue;
        }
        int y, m, md;
        casus_day_to_ymd(v->hi, &y, &m, &md);
        if (carry && y == last_end_year && m == 12)
            v->hi = max_day(v->hi, c->d_to);
    }

    /* Presence by year.  peacesciencer tests system membership at the
     * granularity of the year: a state is in year y when y lies between the
     * calendar years of a spell's start and end. */
    for (int k = 0; k < n; k++) {
        uint8_t *row = c->present + (size_t)k * (size_t)c->n_years;
        for (size_t s = c->spell_off[k]; s < c->spell_off[k + 1]; s++) {
            ival v = c->spells[s];
            if (v.lo > c->d_to || v.hi < c->d_from || v.lo > v.hi)
                continue;
            /* Offsets into the range: year from_year + off. */
            int off0 = year_of(max_day(v.lo, c->d_from)) - c->o.from_year;
            int off1 = year_of(min_day(v.hi, c->d_to)) - c->o.from_year;
            for (int off = off0; off <= off1; off++) {
                bool whole = v.lo <= c->jan1[off] && v.hi >= c->jan1[off + 1] - 1;
                uint8_t val = whole ? WHOLE_YEAR : PART_YEAR;
                if (row[off] < val)
                    row[off] = val;
            }
        }
        c->first[k] = c->o.to_year + 1;
        c->last[k] = c->o.from_year - 1;
        for (int y = 0; y < c->n_years; y++) {
            if (!row[y])
                continue;
            if (c->first[k] > c->o.from_year + y)
                c->first[k] = c->o.from_year + y;
            c->last[k] = c->o.from_year + y;
        }
    }
    return CASUS_OK;
}

/* Whether states i and j are both members on some day of year y.  Pairs
 * that share a year but no day are the "false dyads" peacesciencer removes
 * (its false_cow_dyads table, Suriname and South Vietnam in 1975); they are
 * found here from the day-precision spells instead of read from a list. */
static bool share_a_day(const ctx *c, int i, int j, int y)
{
    casus_day y0 = c->jan1[y - c->o.from_year], y1 = c->jan1[y - c->o.from_year + 1] - 1;
    for (size_t a = c->spell_off[i]; a < c->spell_off[i + 1]; a++)
        for (size_t b = c->spell_off[j]; b < c->spell_off[j + 1]; b++) {
            casus_day lo = max_day(max_day(c->spells[a].lo, c->spells[b].lo), y0);
            casus_day hi = min_day(min_day(c->spells[a].hi, c->spells[b].hi), y1);
            if (lo <= hi)
                return true;
        }
    return false;
}

/* ---- step 2: obligations and co-memberships ----------------------------- */

static casus_status mark(ctx *c, int ci, int cj, casus_day lo, casus_day hi, unsigned bits)
{
    if (ci <= 0 || ci >= CCODE_LIMIT || cj <= 0 || cj >= CCODE_LIMIT || ci == cj)
        return CASUS_OK;
    int i = c->idx_of[ci], j = c->idx_of[cj];
    if (i < 0 || j < 0)
        return CASUS_OK; /* never a system state: ATOP rows outside the system fall away */
    lo = max_day(lo, c->d_from);
    hi = min_day(hi, c->d_to);
    if (lo > hi)
        return CASUS_OK;
    if (c->o.unit == CASUS_DYADS_DAY) {
        mark_rec *r = casus__vec_push(&c->recs, c->mem);
        if (!r)
            return CASUS_NOMEM;
        *r = (mark_rec){i, j, lo, hi, bits};
        return CASUS_OK;
    }
    int32_t *s = &c->slot[(size_t)i * (size_t)c->n + (size_t)j];
    if (*s < 0) {
        size_t need = (c->cube.len + (size_t)c->n_years);
        if (!casus__vec_reserve(&c->cube, c->mem, need))
            return CASUS_NOMEM;
        *s = (int32_t)(c->cube.len / (size_t)c->n_years);
        memset((uint8_t *)c->cube.data + c->cube.len, 0, (size_t)c->n_years);
        c->cube.len = need;
    }
    uint8_t *row = (uint8_t *)c->cube.data + (size_t)*s * (size_t)c->n_years;
    for (int y = range_year(c, lo), y1 = range_year(c, hi); y <= y1; y++)
        row[y - c->o.from_year] |= (uint8_t)bits;
    return CASUS_OK;
}

/* Marks [lo, hi] less the stretches in cuts (the periods a hand-encoded
 * treaty replaces the ATOP record, as casus who does). */
static casus_status mark_less(ctx *c, int ci, int cj, casus_day lo, casus_day hi, unsigned bits,
                              const ival *cuts, size_t n_cuts)
{
    if (lo > hi)
        return CASUS_OK;
    if (n_cuts == 0)
        return mark(c, ci, cj, lo, hi, bits);
    ival cut = cuts[0];
    if (cut.hi < lo || cut.lo > hi)
        return mark_less(c, ci, cj, lo, hi, bits, cuts + 1, n_cuts - 1);
    casus_status st = CASUS_OK;
    if (cut.lo > lo)
        st = mark_less(c, ci, cj, lo, cut.lo - 1, bits, cuts + 1, n_cuts - 1);
    if (st == CASUS_OK && cut.hi < hi)
        st = mark_less(c, ci, cj, cut.hi + 1, hi, bits, cuts + 1, n_cuts - 1);
    return st;
}

static unsigned kind_bit(casus_kind kind)
{
    switch (kind) {
    case CASUS_KIND_DEFENSE: return CASUS_DYAD_DEFENSE;
    case CASUS_KIND_OFFENSE: return CASUS_DYAD_OFFENSE;
    case CASUS_KIND_NEUTRALITY: return CASUS_DYAD_NEUTRAL;
    case CASUS_KIND_NONAGGRESSION: return CASUS_DYAD_NONAGG;
    case CASUS_KIND_CONSULTATION: return CASUS_DYAD_CONSUL;
    default: return 0;
    }
}

#define MAX_CUTS 16

/* The stretches during which hand-encoded treaties replace ATOP treaty t
 * (source CASUS only); at most MAX_CUTS. */
static size_t cuts_for(const ctx *c, const casus_treaty *t, ival *cuts)
{
    if (c->o.source != CASUS_DYADS_CASUS || !t->from_atop || t->n_atop == 0)
        return 0;
    size_t n = 0;
    for (size_t k = 0; k < c->n_hand && n < MAX_CUTS; k++) {
        const casus_treaty *h = c->hand[k];
        for (size_t a = 0; a < h->n_atop; a++)
            if (h->atop[a] == t->atop[0] && n < MAX_CUTS)
                cuts[n++] = spell_days(&h->in_force);
    }
    return n;
}

static bool wanted(const ctx *c, const casus_treaty *t)
{
    return c->o.source == CASUS_DYADS_CASUS || t->from_atop;
}

static casus_status mark_all(ctx *c)
{
    ival cuts[MAX_CUTS];
    /* atop_alliance: the two states are members of the same alliance on some
     * day (ATOP codebook 2.7: pairs of members in a year, less those where
     * one joined after the other had left in that same year). */
    for (size_t k = 0, nt = casus_world_treaty_count(c->w); k < nt; k++) {
        const casus_treaty *t = casus_world_treaty_at(c->w, k);
        if (!wanted(c, t))
            continue;
        size_t n_cuts = cuts_for(c, t, cuts);
        for (size_t a = 0; a < t->n_parties; a++)
            for (size_t b = 0; b < t->n_parties; b++) {
                const casus_party *pa = &t->parties[a], *pb = &t->parties[b];
                if (pa->ccode == pb->ccode)
                    continue;
                casus_period p = casus_period_intersect(&t->in_force, &pa->member);
                p = casus_period_intersect(&p, &pb->member);
                ival v = spell_days(&p);
                casus_status st = mark_less(c, pa->ccode, pb->ccode, v.lo, v.hi, CASUS_DYAD_ALLIANCE, cuts, n_cuts);
                if (st != CASUS_OK)
                    return st;
            }
    }
    /* The five obligations, directed: ccode1 owes ccode2 (codebook 2.7,
     * DEFENSE ... CONSUL "State A has ... obligation toward State B"), on
     * some day of the year; phases fold into the year by "or". */
    const casus_treaty *last = NULL;
    size_t n_cuts = 0;
    for (size_t k = 0, no = casus_world_obligation_count(c->w); k < no; k++) {
        const casus_obligation *ob = casus_world_obligation_at(c->w, k);
        if (!wanted(c, ob->treaty))
            continue;
        if (ob->treaty != last) {
            last = ob->treaty;
            n_cuts = cuts_for(c, last, cuts);
        }
        ival v = spell_days(&ob->valid);
        casus_status st = mark_less(c, ob->obligor, ob->beneficiary, v.lo, v.hi,
                                    kind_bit(ob->kind) | CASUS_DYAD_ALLIANCE, cuts, n_cuts);
        if (st != CASUS_OK)
            return st;
    }
    return CASUS_OK;
}

/* ---- step 3: the rows --------------------------------------------------- */

static bool year_na(const ctx *c, int k)
{
    return c->na && (c->jan1[k + 1] - 1 < c->cov_from || c->jan1[k] > c->cov_to);
}

static casus_status emit_years(ctx *c, casus_dyad_fn fn, void *ud)
{
    bool keep_false = (c->o.flags & CASUS_DYADS_KEEP_FALSE) != 0;
    uint8_t *na = scratch(c, (size_t)c->n_years, 1);
    if (!na)
        return CASUS_NOMEM;
    const casus_day *jan1 = c->jan1;
    for (int k = 0; k < c->n_years; k++)
        na[k] = year_na(c, k);
    casus_status st = CASUS_OK;
    casus_dyad row;
    for (int i = 0; i < c->n && st == CASUS_OK; i++) {
        const uint8_t *pi = c->present + (size_t)i * (size_t)c->n_years;
        row.ccode1 = c->ccode[i];
        for (int j = 0; j < c->n && st == CASUS_OK; j++) {
            if (j == i)
                continue;
            const uint8_t *pj = c->present + (size_t)j * (size_t)c->n_years;
            int32_t s = c->slot[(size_t)i * (size_t)c->n + (size_t)j];
            const uint8_t *fl = s < 0 ? NULL : (const uint8_t *)c->cube.data + (size_t)s * (size_t)c->n_years;
            int y0 = c->first[i] > c->first[j] ? c->first[i] : c->first[j];
            int y1 = c->last[i] < c->last[j] ? c->last[i] : c->last[j];
            row.ccode2 = c->ccode[j];
            for (int y = y0; y <= y1; y++) {
                int k = y - c->o.from_year;
                if (!pi[k] || !pj[k])
                    continue;
                if (pi[k] == PART_YEAR && pj[k] == PART_YEAR && !keep_false && !share_a_day(c, i, j, y))
                    continue;
                row.year = y;
                row.start = jan1[k];
                row.end = jan1[k + 1] - 1;
                row.flags = na[k] ? CASUS_DYAD_NA : fl ? fl[k] : 0;
                if ((st = fn(ud, &row)) != CASUS_OK)
                    break;
            }
        }
    }
    casus__mem_free(c->mem, na, 0);
    return st;
}

static int cmp_rec(const void *pa, const void *pb)
{
    const mark_rec *a = pa, *b = pb;
    if (a->i != b->i)
        return a->i < b->i ? -1 : 1;
    if (a->j != b->j)
        return a->j < b->j ? -1 : 1;
    return (a->lo > b->lo) - (a->lo < b->lo);
}

static int cmp_ival(const void *pa, const void *pb)
{
    const ival *a = pa, *b = pb;
    return (a->lo > b->lo) - (a->lo < b->lo);
}

static int cmp_day(const void *pa, const void *pb)
{
    casus_day a = *(const casus_day *)pa, b = *(const casus_day *)pb;
    return (a > b) - (a < b);
}

/* Emits the constant-flag stretches of one co-membership interval [L, H]
 * of pair (i, j); recs are the pair's marks, cut points go to `cuts`. */
static casus_status emit_interval(ctx *c, casus_dyad *row, casus_day L, casus_day H, const mark_rec *recs,
                                  size_t n_recs, casus_day *cuts, casus_dyad_fn fn, void *ud)
{
    size_t m = 0;
    cuts[m++] = L;
    cuts[m++] = H + 1;
    for (size_t r = 0; r < n_recs; r++) {
        if (recs[r].lo > L && recs[r].lo <= H)
            cuts[m++] = recs[r].lo;
        if (recs[r].hi >= L && recs[r].hi < H)
            cuts[m++] = recs[r].hi + 1;
    }
    if (c->na) {
        if (c->cov_from > L && c->cov_from <= H)
            cuts[m++] = c->cov_from;
        if (c->cov_to >= L && c->cov_to < H)
            cuts[m++] = c->cov_to + 1;
    }
    qsort(cuts, m, sizeof *cuts, cmp_day);
    bool open = false;
    for (size_t k = 0; k + 1 < m; k++) {
        casus_day lo = cuts[k], hi = cuts[k + 1] - 1;
        if (lo > hi)
            continue; /* a repeated cut */
        unsigned bits = 0;
        if (c->na && (lo < c->cov_from || lo > c->cov_to))
            bits = CASUS_DYAD_NA;
        else
            for (size_t r = 0; r < n_recs; r++)
                if (recs[r].lo <= lo && recs[r].hi >= lo)
                    bits |= recs[r].bits;
        if (open && bits == row->flags) {
            row->end = hi;
            continue;
        }
        if (open) {
            casus_status st = fn(ud, row);
            if (st != CASUS_OK)
                return st;
        }
        row->start = lo;
        row->end = hi;
        row->year = year_of(lo);
        row->flags = bits;
        open = true;
    }
    return open ? fn(ud, row) : CASUS_OK;
}

static casus_status emit_days(ctx *c, casus_dyad_fn fn, void *ud)
{
    if (c->recs.len)
        qsort(c->recs.data, c->recs.len, sizeof(mark_rec), cmp_rec);
    const mark_rec *recs = c->recs.data;
    size_t max_spells = 0;
    for (int k = 0; k < c->n; k++)
        if (c->spell_off[k + 1] - c->spell_off[k] > max_spells)
            max_spells = c->spell_off[k + 1] - c->spell_off[k];
    size_t max_recs = 0;
    for (size_t a = 0, b; a < c->recs.len; a = b) {
        for (b = a; b < c->recs.len && recs[b].i == recs[a].i && recs[b].j == recs[a].j; b++)
            ;
        if (b - a > max_recs)
            max_recs = b - a;
    }
    ival *both = scratch(c, max_spells * max_spells + 1, sizeof *both);
    casus_day *cuts = scratch(c, 2 * max_recs + 4, sizeof *cuts);
    casus_status st = both && cuts ? CASUS_OK : CASUS_NOMEM;
    size_t r = 0;
    for (int i = 0; i < c->n && st == CASUS_OK; i++) {
        for (int j = 0; j < c->n && st == CASUS_OK; j++) {
            if (j == i)
                continue;
            while (r < c->recs.len && (recs[r].i < i || (recs[r].i == i && recs[r].j < j)))
                r++;
            size_t r_end = r;
            while (r_end < c->recs.len && recs[r_end].i == i && recs[r_end].j == j)
                r_end++;
            /* The days both are members, within the range. */
            size_t nb = 0;
            for (size_t a = c->spell_off[i]; a < c->spell_off[i + 1]; a++)
                for (size_t b = c->spell_off[j]; b < c->spell_off[j + 1]; b++) {
                    casus_day lo = max_day(max_day(c->spells[a].lo, c->spells[b].lo), c->d_from);
                    casus_day hi = min_day(min_day(c->spells[a].hi, c->spells[b].hi), c->d_to);
                    if (lo <= hi)
                        both[nb++] = (ival){lo, hi};
                }
            if (nb > 1)
                qsort(both, nb, sizeof *both, cmp_ival);
            casus_dyad row = {.ccode1 = c->ccode[i], .ccode2 = c->ccode[j]};
            for (size_t k = 0; k < nb && st == CASUS_OK; k++) {
                ival v = both[k];
                while (k + 1 < nb && both[k + 1].lo <= v.hi + 1) /* overlapping or adjacent spells */
                    v.hi = max_day(v.hi, both[++k].hi);
                st = emit_interval(c, &row, v.lo, v.hi, recs + r, r_end - r, cuts, fn, ud);
            }
            r = r_end;
        }
    }
    casus__mem_free(c->mem, both, 0);
    casus__mem_free(c->mem, cuts, 0);
    return st;
}

/* ---- the public calls --------------------------------------------------- */

/* The ATOP coverage the loaders recorded, if any: flags outside it are NA,
 * as add_atop_alliance() leaves them outside 1815-2018. */
static void find_coverage(ctx *c)
{
    const casus_coverage *cov;
    size_t n = casus__world_coverage(c->w, &cov);
    for (size_t k = 0; k < n; k++)
        if (cov[k].kind == CASUS_COVERAGE_ATOP) {
            c->na = true;
            c->cov_from = cov[k].from;
            c->cov_to = cov[k].to;
        }
}

casus_status casus_dyads_scan(const casus_world *w, const casus_dyads_opts *opts, casus_dyad_fn fn, void *ud,
                              casus_error *err)
{
    if (!casus__world_finished(w))
        return casus_error_set(err, CASUS_UNFINISHED, NULL, 0, 0,
                               "the world is not finished: call casus_world_finish() after loading");
    if (opts->from_year < CASUS_DYADS_MIN_YEAR || opts->to_year > CASUS_DYADS_MAX_YEAR ||
        opts->from_year > opts->to_year)
        return casus_error_set(err, CASUS_INVALID, NULL, 0, 0, "years must run from %d to %d, first before last",
                               CASUS_DYADS_MIN_YEAR, CASUS_DYADS_MAX_YEAR);
    if (opts->unit != CASUS_DYADS_YEAR && opts->unit != CASUS_DYADS_DAY)
        return casus_error_set(err, CASUS_INVALID, NULL, 0, 0, "unknown unit");
    if (opts->source != CASUS_DYADS_ATOP && opts->source != CASUS_DYADS_CASUS)
        return casus_error_set(err, CASUS_INVALID, NULL, 0, 0, "unknown source");
    ctx *c = casus__mem_alloc(casus__world_mem((casus_world *)w), sizeof *c);
    if (!c)
        return casus_error_set(err, CASUS_NOMEM, NULL, 0, 0, "out of memory");
    memset(c, 0, sizeof *c);
    c->w = w;
    /* Reading the hook does not change the world; the accessor is simply not const. */
    c->mem = casus__world_mem((casus_world *)w);
    c->o = *opts;
    c->d_from = casus_day_from_ymd(opts->from_year, 1, 1);
    c->d_to = casus_day_from_ymd(opts->to_year, 12, 31);
    c->n_years = opts->to_year - opts->from_year + 1;
    casus__vec_init(&c->cube, 1);
    casus__vec_init(&c->recs, sizeof(mark_rec));
    if (opts->source == CASUS_DYADS_ATOP)
        find_coverage(c);

    casus_status st = CASUS_OK;
    c->jan1 = scratch(c, (size_t)c->n_years + 1, sizeof *c->jan1);
    if (!c->jan1)
        st = casus_error_set(err, CASUS_NOMEM, NULL, 0, 0, "out of memory");
    for (int y = 0; st == CASUS_OK && y <= c->n_years; y++)
        c->jan1[y] = casus_day_from_ymd(opts->from_year + y, 1, 1);
    if (st == CASUS_OK && opts->source == CASUS_DYADS_ATOP) {
        bool any = false;
        for (size_t k = 0, nt = casus_world_treaty_count(w); k < nt && !any; k++)
            any = casus_world_treaty_at(w, k)->from_atop != 0;
        if (!any)
            st = casus_error_set(err, CASUS_INVALID, NULL, 0, 0,
                                 "the world holds no ATOP alliance: load ATOP 5.1 (--data DIR)");
    }
    if (opts->source == CASUS_DYADS_CASUS)
        c->n_hand = casus__world_hand_treaties(w, &c->hand);
    if (st == CASUS_OK)
        st = build_system(c, err);
    if (st == CASUS_OK && opts->unit == CASUS_DYADS_YEAR) {
        c->slot = scratch(c, (size_t)c->n * (size_t)c->n, sizeof *c->slot);
        if (!c->slot)
            st = casus_error_set(err, CASUS_NOMEM, NULL, 0, 0, "out of memory");
        else
            memset(c->slot, 0xff, (size_t)c->n * (size_t)c->n * sizeof *c->slot); /* all -1 */
    }
    if (st == CASUS_OK && (st = mark_all(c)) != CASUS_OK)
        casus_error_set(err, st, NULL, 0, 0, "out of memory marking obligations");
    if (st == CASUS_OK) {
        st = opts->unit == CASUS_DYADS_YEAR ? emit_years(c, fn, ud) : emit_days(c, fn, ud);
        if (st == CASUS_NOMEM)
            casus_error_set(err, st, NULL, 0, 0, "out of memory");
    }
    ctx_free(c);
    casus__mem_free(c->mem, c, sizeof *c);
    return st;
}

static const char *const year_columns[] = {"ccode1", "ccode2", "year", "atop_alliance", "atop_defense",
                                           "atop_offense", "atop_neutral", "atop_nonagg", "atop_consul", NULL};
static const char *const day_columns[] = {"ccode1", "ccode2", "start", "end", "atop_alliance", "atop_defense",
                                          "atop_offense", "atop_neutral", "atop_nonagg", "atop_consul", NULL};

const char *const *casus_dyads_columns(casus_dyads_unit unit)
{
    return unit == CASUS_DYADS_DAY ? day_columns : year_columns;
}

/* ---- writing ------------------------------------------------------------ */

/* A buffered writer that formats numbers by hand: the full table is about
 * two million rows, and printf would take most of the time. */
typedef struct writer {
    casus_dyads_format format;
    casus_dyads_unit unit;
    size_t rows;
    char flag_text[65][128]; /* the six flag columns of each flag value (64: NA), with the row's end */
    unsigned char flag_len[65];
    char num_text[CASUS_DYADS_MAX_YEAR + 1][4]; /* 0 .. 2999 as text, for codes and years */
    unsigned char num_len[CASUS_DYADS_MAX_YEAR + 1];
    casus_csv_writer csv; /* the output buffer (casus/csv.h), for JSON too */
} writer;

static casus_status flush(writer *wr)
{
    return casus_csv_flush(&wr->csv);
}

static void put_mem(writer *wr, const char *s, size_t n)
{
    memcpy(wr->csv.buf + wr->csv.len, s, n);
    wr->csv.len += n;
}

static void put_str(writer *wr, const char *s) { put_mem(wr, s, strlen(s)); }

/* Never on the hot path (codes and years come from the table below), and
 * kept out of line so that num_at stays small enough to inline. */
static __attribute__((noinline)) void put_int(writer *wr, int v)
{
    char tmp[12];
    int n = 0;
    unsigned u = v < 0 ? 0u - (unsigned)v : (unsigned)v;
    do
        tmp[n++] = (char)('0' + u % 10);
    while ((u /= 10) != 0);
    if (v < 0)
        wr->csv.buf[wr->csv.len++] = '-';
    while (n)
        wr->csv.buf[wr->csv.len++] = tmp[--n];
}

/* A state code or a year, written at p; returns the end.  The hot path of
 * the full table: a fixed-size copy from the table of texts, its length
 * added, through a local pointer (wr->csv.len would be reloaded after every
 * copy, as the copy might alias it). */
static char *num_at(writer *wr, char *p, int v)
{
    if (v < 0 || v > CASUS_DYADS_MAX_YEAR) {
        wr->csv.len = (size_t)(p - wr->csv.buf);
        put_int(wr, v);
        return wr->csv.buf + wr->csv.len;
    }
    memcpy(p, wr->num_text[v], 4);
    return p + wr->num_len[v];
}

static void put_num(writer *wr, int v)
{
    wr->csv.len = (size_t)(num_at(wr, wr->csv.buf + wr->csv.len, v) - wr->csv.buf);
}

/* YYYY-MM-DD written at p; returns the end. */
static char *date_at(char *p, casus_day d)
{
    char tmp[11];
    casus_date_format(d, tmp);
    memcpy(p, tmp, 10);
    return p + 10;
}

static void put_date(writer *wr, casus_day d)
{
    wr->csv.len = (size_t)(date_at(wr->csv.buf + wr->csv.len, d) - wr->csv.buf);
}

/* The flag columns as text, once per value: CSV ",1,0,0,0,0,0\n", JSON
 * ",\"atop_alliance\":1,...}". */
static void writer_init(writer *wr, FILE *out, casus_dyads_format format, casus_dyads_unit unit)
{
    const char *const *cols = casus_dyads_columns(unit);
    size_t first = unit == CASUS_DYADS_YEAR ? 3 : 4;
    casus_csv_init(&wr->csv, out, CASUS_CSV_QUOTE_NEEDED);
    wr->format = format;
    wr->unit = unit;
    wr->rows = 0;
    memset(wr->flag_text, 0, sizeof wr->flag_text);
    for (int v = 0; v <= CASUS_DYADS_MAX_YEAR; v++) {
        char tmp[8];
        int n = snprintf(tmp, sizeof tmp, "%d", v);
        memcpy(wr->num_text[v], tmp, 4);
        wr->num_len[v] = (unsigned char)n;
    }
    for (unsigned v = 0; v <= 64; v++) {
        char *p = wr->flag_text[v];
        size_t n = 0;
        for (unsigned bit = 0; bit < 6; bit++) {
            const char *val = v == 64 ? (format == CASUS_DYADS_JSON ? "null" : "NA") : (v >> bit & 1u) ? "1" : "0";
            if (format == CASUS_DYADS_JSON)
                n += (size_t)snprintf(p + n, sizeof wr->flag_text[v] - n, ",\"%s\":%s", cols[first + bit], val);
            else
                n += (size_t)snprintf(p + n, sizeof wr->flag_text[v] - n, ",%s", val);
        }
        if (format == CASUS_DYADS_CSV)
            p[n++] = '\n';
        wr->flag_len[v] = (unsigned char)n;
    }
}

static casus_status write_csv_row(void *ud, const casus_dyad *row)
{
    writer *wr = ud;
    if (wr->csv.len > CASUS_CSV_BUFFER - 128 && flush(wr) != CASUS_OK)
        return CASUS_IO;
    char *p = num_at(wr, wr->csv.buf + wr->csv.len, row->ccode1);
    *p++ = ',';
    p = num_at(wr, p, row->ccode2);
    *p++ = ',';
    if (wr->unit == CASUS_DYADS_DAY) {
        p = date_at(p, row->start);
        *p++ = ',';
        p = date_at(p, row->end);
    } else
        p = num_at(wr, p, row->year);
    unsigned v = row->flags & CASUS_DYAD_NA ? 64 : row->flags & FLAG_BITS;
    memcpy(p, wr->flag_text[v], 32); /* the CSV texts are shorter; the buffer has room */
    wr->csv.len = (size_t)(p - wr->csv.buf) + wr->flag_len[v];
    wr->rows++;
    return CASUS_OK;
}

static casus_status write_json_row(void *ud, const casus_dyad *row)
{
    writer *wr = ud;
    if (wr->csv.len > CASUS_CSV_BUFFER - 512 && flush(wr) != CASUS_OK)
        return CASUS_IO;
    put_str(wr, wr->rows ? ",\n{\"ccode1\":" : "{\"ccode1\":");
    put_num(wr, row->ccode1);
    put_str(wr, ",\"ccode2\":");
    put_num(wr, row->ccode2);
    if (wr->unit == CASUS_DYADS_YEAR) {
        put_str(wr, ",\"year\":");
        put_num(wr, row->year);
    } else {
        put_str(wr, ",\"start\":\"");
        put_date(wr, row->start);
        put_str(wr, "\",\"end\":\"");
        put_date(wr, row->end);
        put_str(wr, "\"");
    }
    unsigned v = row->flags & CASUS_DYAD_NA ? 64 : row->flags & FLAG_BITS;
    put_mem(wr, wr->flag_text[v], wr->flag_len[v]);
    wr->csv.buf[wr->csv.len++] = '}';
    wr->rows++;
    return CASUS_OK;
}

casus_status casus_dyads_write(const casus_world *w, const casus_dyads_opts *opts, casus_dyads_format format,
                               FILE *out, casus_error *err)
{
    if (format != CASUS_DYADS_CSV && format != CASUS_DYADS_JSON)
        return casus_error_set(err, CASUS_INVALID, NULL, 0, 0, "unknown format");
    if (!casus__world_finished(w))
        return casus_error_set(err, CASUS_UNFINISHED, NULL, 0, 0,
                               "the world is not finished: call casus_world_finish() after loading");
    writer *wr = casus__mem_alloc(casus__world_mem((casus_world *)w), sizeof *wr);
    if (!wr)
        return casus_error_set(err, CASUS_NOMEM, NULL, 0, 0, "out of memory");
    writer_init(wr, out, format, opts->unit);
    if (format == CASUS_DYADS_CSV) {
        const char *const *cols = casus_dyads_columns(opts->unit);
        for (int k = 0; cols[k]; k++)
            casus_csv_str(&wr->csv, cols[k]);
        casus_csv_end(&wr->csv);
    } else
        put_str(wr, "[\n");
    casus_status st =
        casus_dyads_scan(w, opts, format == CASUS_DYADS_CSV ? write_csv_row : write_json_row, wr, err);
    if (st == CASUS_OK) {
        if (format == CASUS_DYADS_JSON)
            put_str(wr, wr->rows ? "\n]\n" : "]\n");
        st = flush(wr);
        if (st == CASUS_OK && (fflush(out) != 0 || ferror(out)))
            st = CASUS_IO;
        if (st != CASUS_OK)
            casus_error_set(err, st, NULL, 0, 0, "write error");
    } else if (st == CASUS_IO)
        casus_error_set(err, st, NULL, 0, 0, "write error");
    casus__mem_free(casus__world_mem((casus_world *)w), wr, sizeof *wr);
    return st;
}
