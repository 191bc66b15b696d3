/* The check of events against resolutions, and its writers.
 *
 * Each measure is read as an obligation of the states it binds: a ban holds
 * while no covered exchange goes the way it forbids; a cap holds while the
 * total for each of its periods stays within its limits.  An event is
 * judged against every ban and cap that covers its kind of exchange and is
 * in force on some day the event may have taken place:
 *   - failed (breached): the exchange goes the forbidden way, on days the
 *     ban is certainly in force, and no condition the event cannot settle
 *     stands in the way; for a cap, the event is counted in a period whose
 *     total exceeds one of the cap's limits;
 *   - not decidable: the event's dates straddle the ban's start or end, a
 *     condition of the paragraph cannot be settled from the event, or, for
 *     a cap, no limit is shown exceeded (a cap is breached by the sum over
 *     all supplying states, which a list of reported events cannot show to
 *     be within it);
 *   - held: the paragraph covers this kind of exchange but only the other
 *     way (coal from the DPRK, not to it).
 * Totals are low and high bounds per period and unit (casus_sanctions_total
 * in casus/sanctions.h says how each kind of figure adds to them). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "casus/csv.h"
#include "casus/sanctions.h"
#include "linelex.h"

typedef struct report_impl {
    casus_sanctions_report pub;
    casus_mem mem;
    casus_arena arena;
    casus_vec findings, totals, notes;
} report_impl;

typedef struct measure_ref {
    const casus_resolution *r;
    const casus_paragraph *p;
    const casus_measure *m;
} measure_ref;

static bool is_dprk(const char *abb) { return strcmp(abb, "PRK") == 0; }

/* ---- dates and periods ------------------------------------------------------- */

static casus_day add_years(casus_day anchor, int k)
{
    int y, m, d;
    casus_day_to_ymd(anchor, &y, &m, &d);
    int dim = casus_days_in_month(y + k, m);
    return casus_day_from_ymd(y + k, m, d > dim ? dim : d);
}

/* The 12-month period of a cap (counted from anchor) that holds day. */
static void period_of(casus_day anchor, casus_day day, casus_day *lo, casus_day *hi)
{
    int ya, yd, m, d;
    casus_day_to_ymd(anchor, &ya, &m, &d);
    casus_day_to_ymd(day, &yd, &m, &d);
    int k = yd - ya;
    while (add_years(anchor, k) > day)
        k--;
    while (add_years(anchor, k + 1) <= day)
        k++;
    *lo = add_years(anchor, k);
    *hi = add_years(anchor, k + 1) - 1;
}

static void fmt_day(casus_day d, char buf[11]) { casus_date_format(d, buf); }

/* ---- words --------------------------------------------------------------------- */

static void amount_str(const casus_amount *a, char *buf, size_t size)
{
    switch (a->kind) {
    case CASUS_AMOUNT_UNKNOWN: snprintf(buf, size, "amount unknown"); break;
    case CASUS_AMOUNT_EXACT: snprintf(buf, size, "%lld %s", (long long)a->lo, a->unit); break;
    case CASUS_AMOUNT_ABOUT: snprintf(buf, size, "about %lld %s", (long long)a->lo, a->unit); break;
    case CASUS_AMOUNT_AT_LEAST: snprintf(buf, size, "at least %lld %s", (long long)a->lo, a->unit); break;
    case CASUS_AMOUNT_MORE_THAN: snprintf(buf, size, "more than %lld %s", (long long)a->lo, a->unit); break;
    case CASUS_AMOUNT_RANGE:
        snprintf(buf, size, "%lld to %lld %s", (long long)a->lo, (long long)a->hi, a->unit);
        break;
    }
}

static void what_str(const casus_event *e, char *buf, size_t size)
{
    if (e->kind)
        snprintf(buf, size, "%s (%s)", casus_what_str(e->what), e->kind);
    else
        snprintf(buf, size, "%s", casus_what_str(e->what));
}

static void binds_str(const casus_measure *m, char *buf, size_t size)
{
    size_t k = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < m->n_binds && k + 1 < size; i++)
        k += (size_t)snprintf(buf + k, size - k, "%s%s", i ? ", " : "", m->binds[i]);
}

static const char *flow_words(casus_flow f)
{
    switch (f) {
    case CASUS_FLOW_TO_DPRK: return "to the DPRK";
    case CASUS_FLOW_FROM_DPRK: return "from the DPRK";
    case CASUS_FLOW_BOTH: return "to or from the DPRK";
    default: return "";
    }
}

/* A growing sentence in a fixed buffer. */
typedef struct sbuf {
    char b[2048];
    size_t n;
} sbuf;

static void sb_add(sbuf *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_add(sbuf *s, const char *fmt, ...)
{
    if (s->n >= sizeof s->b - 1)
        return;
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(s->b + s->n, sizeof s->b - s->n, fmt, ap);
    va_end(ap);
    if (k > 0)
        s->n += (size_t)k < sizeof s->b - s->n ? (size_t)k : sizeof s->b - 1 - s->n;
}

static void event_desc(sbuf *s, const casus_event *e)
{
    char w[128], a[96], d[24];
    what_str(e, w, sizeof w);
    amount_str(&e->amount, a, sizeof a);
    casus_span_format(e->when, d);
    sb_add(s, "%s to %s: %s, %s, %s.", e->from, e->to, w, a, d);
}

static void add_conditions(sbuf *s, const casus_measure *m)
{
    for (size_t i = 0; i < m->n_undecidable; i++)
        sb_add(s, " Not decidable from the event: %s.", m->undecidable[i]);
    for (size_t i = 0; i < m->n_exempt; i++)
        sb_add(s, " Exemption: %s.", m->exempt[i]);
}

/* ---- building the report ------------------------------------------------------------ */

static casus_status oom(casus_error *err) { return casus_error_set(err, CASUS_NOMEM, NULL, 0, 0, "out of memory"); }

static casus_status add_finding(report_impl *ri, const casus_event *e, const measure_ref *mr, casus_truth truth,
                                const sbuf *why, int after, casus_error *err)
{
    casus_sanctions_finding *f = casus__vec_push(&ri->findings, &ri->mem);
    if (!f)
        return oom(err);
    f->event = e;
    f->resolution = mr->r;
    f->paragraph = mr->p;
    f->measure = mr->m;
    f->truth = truth;
    f->after_monitoring = after;
    f->why = casus__arena_strndup(&ri->arena, why->b, why->n);
    return f->why ? CASUS_OK : oom(err);
}

static casus_status add_note(report_impl *ri, const char *text, casus_error *err)
{
    const char **slot = casus__vec_push(&ri->notes, &ri->mem);
    if (!slot)
        return oom(err);
    *slot = casus__arena_strdup(&ri->arena, text);
    return *slot ? CASUS_OK : oom(err);
}

/* Whether the measure is in force on every day of span (HELD), on none
 * (FAILED), or on some (UNKNOWN). */
static casus_truth in_force_over(const casus_measure *m, casus_span span)
{
    casus_day start_lo = m->in_force.start.lo;
    casus_day end_hi = casus_span_is_open(m->in_force.end) ? CASUS_DAY_NEVER_AFTER : m->in_force.end.hi;
    if (span.hi < start_lo || span.lo > end_hi)
        return CASUS_FAILED;
    casus_truth a = casus_period_contains(&m->in_force, span.lo);
    casus_truth b = casus_period_contains(&m->in_force, span.hi);
    return a == CASUS_HELD && b == CASUS_HELD ? CASUS_HELD : CASUS_UNKNOWN;
}

static bool flow_matches(casus_flow f, const casus_event *e)
{
    bool to = is_dprk(e->to), from = is_dprk(e->from);
    return (f == CASUS_FLOW_TO_DPRK && to) || (f == CASUS_FLOW_FROM_DPRK && from) ||
           (f == CASUS_FLOW_BOTH && (to || from));
}

/* Whether some ban or cap in force covers the event's kind of exchange in
 * the direction it went: then the paragraphs covering the other direction
 * only are not worth a 'held'. */
static bool covered_its_way(const casus_sanctions *s, const casus_event *e)
{
    for (size_t i = 0; i < casus_sanctions_count(s); i++) {
        const casus_resolution *r = casus_sanctions_at(s, i);
        for (size_t p = 0; p < r->n_paragraphs; p++)
            for (size_t k = 0; k < r->paragraphs[p].n_measures; k++) {
                const casus_measure *m = &r->paragraphs[p].measures[k];
                if (m->kind != CASUS_MEASURE_MANDATE && (m->covers & (1u << e->what)) && flow_matches(m->flow, e) &&
                    in_force_over(m, e->when) != CASUS_FAILED)
                    return true;
            }
    }
    return false;
}

static const casus_event *containing(const casus_events *ev, const casus_event *e)
{
    if (!e->within)
        return e;
    for (size_t i = 0; i < casus_events_count(ev); i++)
        if (strcmp(casus_events_at(ev, i)->id, e->within) == 0)
            return casus_events_at(ev, i);
    return e;
}

/* ---- caps: periods and totals ---------------------------------------------------------- */

/* The period of limit c that holds day, or false when none does. */
static bool cap_period(const casus_cap *c, casus_day day, casus_day *lo, casus_day *hi)
{
    if (day < c->from)
        return false;
    if (c->until != CASUS_DAY_NEVER_AFTER) {
        if (day > c->until)
            return false;
        *lo = c->from;
        *hi = c->until;
        return true;
    }
    period_of(c->from, day, lo, hi);
    return true;
}

/* The period cut to the days the measure is in force. */
static void clip_period(const casus_measure *m, casus_day *lo, casus_day *hi)
{
    if (*lo < m->in_force.start.lo)
        *lo = m->in_force.start.lo;
    if (!casus_span_is_open(m->in_force.end) && *hi > m->in_force.end.hi)
        *hi = m->in_force.end.hi;
}

/* Where an event falls for a cap. */
typedef enum placement {
    PLACE_NONE,       /* no period of the cap holds any of its days */
    PLACE_COUNTED,    /* one period, a limit in its unit */
    PLACE_OTHER_UNIT, /* one period, a figure in a unit the cap sets no limit in */
    PLACE_UNCOUNTED,  /* no figure, or dates straddling a period's bounds */
} placement;

typedef struct place {
    placement how;
    const casus_cap *cap; /* COUNTED: the limit; else the limit whose period holds the event's first day */
    casus_day lo, hi;     /* the period, clipped */
} place;

static place place_event(const casus_measure *m, const casus_event *e)
{
    place pl = {PLACE_NONE, NULL, 0, 0};
    const char *unit = e->amount.kind == CASUS_AMOUNT_UNKNOWN ? NULL : e->amount.unit;
    /* A limit in the event's unit whose one period holds all its days. */
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < m->n_caps; i++) {
            const casus_cap *c = &m->caps[i];
            bool same_unit = unit && strcmp(c->unit, unit) == 0;
            if (pass == 0 && !same_unit)
                continue;
            casus_day lo, hi, lo2, hi2;
            bool a = cap_period(c, e->when.lo, &lo, &hi), b = cap_period(c, e->when.hi, &lo2, &hi2);
            if (a && b && lo == lo2) {
                pl.how = !unit ? PLACE_UNCOUNTED : same_unit ? PLACE_COUNTED : PLACE_OTHER_UNIT;
                /* In another unit: counted only if no limit in its own unit exists at all. */
                if (pl.how == PLACE_OTHER_UNIT)
                    for (size_t j = 0; j < m->n_caps; j++)
                        if (strcmp(m->caps[j].unit, unit) == 0)
                            pl.how = PLACE_UNCOUNTED;
                pl.cap = c;
                pl.lo = lo;
                pl.hi = hi;
                clip_period(m, &pl.lo, &pl.hi);
                return pl;
            }
            if ((a || b) && pl.how == PLACE_NONE) {
                pl.how = PLACE_UNCOUNTED;
                pl.cap = c;
                if (a) {
                    pl.lo = lo;
                    pl.hi = hi;
                } else {
                    pl.lo = lo2;
                    pl.hi = hi2;
                }
                clip_period(m, &pl.lo, &pl.hi);
            }
        }
    return pl;
}

static casus_sanctions_total *find_total(report_impl *ri, const casus_measure *m, const char *unit, casus_day lo)
{
    for (size_t i = 0; i < ri->totals.len; i++) {
        casus_sanctions_total *t = &CASUS_VEC_AT(&ri->totals, casus_sanctions_total, i);
        if (t->measure == m && t->period_lo == lo && strcmp(t->unit, unit) == 0)
            return t;
    }
    return NULL;
}

static casus_sanctions_total *get_total(report_impl *ri, const measure_ref *mr, const casus_cap *cap, const char *unit,
                                        casus_day lo, casus_day hi)
{
    casus_sanctions_total *t = find_total(ri, mr->m, unit, lo);
    if (t)
        return t;
    t = casus__vec_push(&ri->totals, &ri->mem);
    if (!t)
        return NULL;
    memset(t, 0, sizeof *t);
    t->resolution = mr->r;
    t->paragraph = mr->p;
    t->measure = mr->m;
    t->cap = cap;
    t->unit = unit;
    t->period_lo = lo;
    t->period_hi = hi;
    t->truth = CASUS_UNKNOWN;
    return t;
}

/* The rows of every limit whose period is the one given (the cap's units
 * for that period), made if missing. */
static bool rows_of_period(report_impl *ri, const measure_ref *mr, casus_day lo, casus_day hi)
{
    for (size_t i = 0; i < mr->m->n_caps; i++) {
        const casus_cap *c = &mr->m->caps[i];
        casus_day clo, chi;
        if (!cap_period(c, lo, &clo, &chi))
            continue;
        clip_period(mr->m, &clo, &chi);
        if (clo == lo && chi == hi && !get_total(ri, mr, c, c->unit, lo, hi))
            return false;
    }
    return true;
}

/* Saturating sums: the figures are at most 10^15 each, but there may be
 * thousands of them. */
static int64_t sat_add(int64_t a, int64_t b) { return a > INT64_MAX - b ? INT64_MAX : a + b; }

/* One event's bounds. */
static void event_bounds(const casus_amount *a, int64_t *low, int *low_open, int64_t *high, int *high_open)
{
    *low = 0;
    *low_open = 0;
    *high = 0;
    *high_open = 0;
    switch (a->kind) {
    case CASUS_AMOUNT_EXACT: *low = *high = a->lo; break;
    case CASUS_AMOUNT_RANGE:
        *low = a->lo;
        *high = a->hi;
        break;
    case CASUS_AMOUNT_AT_LEAST: *low = a->lo; *high_open = 1; break;
    case CASUS_AMOUNT_MORE_THAN:
        *low = a->lo;
        *low_open = 1;
        *high_open = 1;
        break;
    case CASUS_AMOUNT_ABOUT: *high_open = 1; break; /* nothing certain either way */
    case CASUS_AMOUNT_UNKNOWN: *high_open = 1; break;
    }
}

/* An event counted in a row, before the sums. */
typedef struct counted {
    size_t row;
    const casus_event *e;
} counted;

static size_t uf_find(size_t *parent, size_t x)
{
    while (parent[x] != x)
        x = parent[x] = parent[parent[x]];
    return x;
}

static bool linked(const casus_event *a, const casus_event *b)
{
    return (a->overlaps && strcmp(a->overlaps, b->id) == 0) || (b->overlaps && strcmp(b->overlaps, a->id) == 0);
}

/* Sums one row.  Events linked by 'overlaps' (within the row: a partner
 * counted in another row does not join) form a group, which adds the
 * largest of its low bounds and the sum of its high bounds. */
static void sum_row(casus_sanctions_total *t, size_t row, const counted *c, size_t n, size_t *parent)
{
    for (size_t i = 0; i < n; i++) {
        if (c[i].row != row || uf_find(parent, i) != i)
            continue;
        int64_t glow = 0, ghigh = 0, gnom = 0;
        int glow_open = 0, ghigh_open = 0;
        for (size_t j = 0; j < n; j++) {
            if (c[j].row != row || uf_find(parent, j) != i)
                continue;
            int64_t lo, hi;
            int lo_open, hi_open;
            event_bounds(&c[j].e->amount, &lo, &lo_open, &hi, &hi_open);
            if (lo > glow || (lo == glow && lo_open))
                glow = lo, glow_open = lo_open;
            ghigh = sat_add(ghigh, hi);
            ghigh_open |= hi_open;
            if (c[j].e->amount.lo > gnom)
                gnom = c[j].e->amount.lo;
        }
        t->total_low = sat_add(t->total_low, glow);
        t->low_open |= glow_open;
        t->total_high = sat_add(t->total_high, ghigh);
        t->high_open |= ghigh_open;
        t->nominal = sat_add(t->nominal, gnom);
    }
}

static casus_status build_totals(report_impl *ri, const measure_ref *mr, const casus_events *ev, casus_error *err)
{
    const casus_measure *m = mr->m;
    size_t first_row = ri->totals.len;
    casus_vec cnt;
    casus__vec_init(&cnt, sizeof(counted));
    casus_status st = CASUS_OK;
    for (size_t i = 0; st == CASUS_OK && i < casus_events_count(ev); i++) {
        const casus_event *e = casus_events_at(ev, i);
        if (!(m->covers & (1u << e->what)) || !flow_matches(m->flow, e) || in_force_over(m, e->when) == CASUS_FAILED)
            continue;
        if (e->within)
            continue; /* its figure is part of the containing event's */
        place pl = place_event(m, e);
        if (pl.how == PLACE_NONE)
            continue;
        if (!rows_of_period(ri, mr, pl.lo, pl.hi)) {
            st = oom(err);
            break;
        }
        /* Every limit of the period learns of an event it cannot count: one
         * without a figure or straddling the period's bounds, or one whose
         * figure is in another unit (a limit in tonnes learns nothing from
         * barrels). */
        for (size_t k = first_row; k < ri->totals.len; k++) {
            casus_sanctions_total *t = &CASUS_VEC_AT(&ri->totals, casus_sanctions_total, k);
            if (t->period_lo != pl.lo || !t->cap)
                continue;
            if (pl.how == PLACE_UNCOUNTED)
                t->n_unplaced++;
            else if (strcmp(t->unit, e->amount.unit) != 0)
                t->n_other_unit++;
        }
        if (pl.how == PLACE_UNCOUNTED)
            continue;
        const casus_cap *cap = pl.how == PLACE_COUNTED ? pl.cap : NULL;
        casus_sanctions_total *t = get_total(ri, mr, cap, e->amount.unit, pl.lo, pl.hi);
        counted *slot = t ? casus__vec_push(&cnt, &ri->mem) : NULL;
        if (!slot) {
            st = oom(err);
            break;
        }
        t->n_events++;
        slot->row = (size_t)(t - &CASUS_VEC_AT(&ri->totals, casus_sanctions_total, 0));
        slot->e = e;
    }
    /* Groups of events whose figures may overlap, within a row. */
    size_t *parent = NULL;
    if (st == CASUS_OK && cnt.len) {
        parent = casus__mem_alloc(&ri->mem, cnt.len * sizeof *parent);
        if (!parent)
            st = oom(err);
    }
    const counted *c = cnt.data;
    for (size_t i = 0; st == CASUS_OK && i < cnt.len; i++)
        parent[i] = i;
    for (size_t i = 0; st == CASUS_OK && i < cnt.len; i++)
        for (size_t j = 0; j < i; j++)
            if (c[i].row == c[j].row && linked(c[i].e, c[j].e))
                parent[uf_find(parent, i)] = uf_find(parent, j);
    for (size_t k = first_row; st == CASUS_OK && k < ri->totals.len; k++) {
        casus_sanctions_total *t = &CASUS_VEC_AT(&ri->totals, casus_sanctions_total, k);
        sum_row(t, k, c, cnt.len, parent);
        if (!t->cap || t->cap->limit == CASUS_CAP_UNSTATED)
            t->truth = CASUS_UNKNOWN;
        else if (t->total_low > t->cap->limit || (t->total_low == t->cap->limit && t->low_open))
            t->truth = CASUS_FAILED;
        else if (!t->high_open && t->total_high <= t->cap->limit && t->n_unplaced == 0 && t->n_other_unit == 0)
            t->truth = CASUS_HELD;
        else
            t->truth = CASUS_UNKNOWN;
    }
    if (parent)
        casus__mem_free(&ri->mem, parent, cnt.len * sizeof *parent);
    casus__vec_free(&cnt, &ri->mem);
    return st;
}

/* Whether some limit of the measure is exceeded in the period starting lo. */
static const casus_sanctions_total *exceeded_in(report_impl *ri, const casus_measure *m, casus_day lo)
{
    for (size_t i = 0; i < ri->totals.len; i++) {
        const casus_sanctions_total *t = &CASUS_VEC_AT(&ri->totals, casus_sanctions_total, i);
        if (t->measure == m && t->period_lo == lo && t->truth == CASUS_FAILED)
            return t;
    }
    return NULL;
}

static void bounds_words(sbuf *s, const casus_sanctions_total *t)
{
    if (!t->high_open && t->total_high == t->total_low && !t->low_open)
        sb_add(s, "%lld %s", (long long)t->total_low, t->unit);
    else if (!t->high_open)
        sb_add(s, "%s%lld to %lld %s", t->low_open ? "more than " : "", (long long)t->total_low,
               (long long)t->total_high, t->unit);
    else
        sb_add(s, "%s %lld %s", t->low_open ? "more than" : "at least", (long long)t->total_low, t->unit);
}

static void cap_words(sbuf *s, const casus_cap *c)
{
    if (c->limit == CASUS_CAP_UNSTATED)
        sb_add(s, "a cap in %s the resolution states no figure for (%s)", c->unit, c->note);
    else
        sb_add(s, "a cap of %lld %s", (long long)c->limit, c->unit);
}

static casus_status judge(report_impl *ri, const casus_events *ev, const casus_event *e, const measure_ref *mr,
                          int after, casus_error *err)
{
    const casus_measure *m = mr->m;
    if (!(m->covers & (1u << e->what)))
        return CASUS_OK;
    casus_truth force = in_force_over(m, e->when);
    if (force == CASUS_FAILED)
        return CASUS_OK;
    sbuf why = {.n = 0};
    char binds[256], d1[11], d2[11], span[24];
    binds_str(m, binds, sizeof binds);
    event_desc(&why, e);
    if (!flow_matches(m->flow, e)) {
        if ((!is_dprk(e->from) && !is_dprk(e->to)) || covered_its_way(ri->pub.sanctions, e))
            return CASUS_OK;
        sb_add(&why, " The paragraph covers %s %s only; this went %s.", casus_what_str(e->what),
               flow_words(m->flow), is_dprk(e->to) ? "to the DPRK" : "from the DPRK");
        return add_finding(ri, e, mr, CASUS_HELD, &why, after, err);
    }
    casus_truth truth = CASUS_FAILED;
    if (m->kind == CASUS_MEASURE_BAN) {
        casus_span_format(m->in_force.start, span);
        if (m->n_undecidable)
            sb_add(&why, " The paragraph reaches %s %s only on a condition the event does not settle; it binds %s, "
                         "from %s.",
                   casus_what_str(e->what), flow_words(m->flow), binds, span);
        else
            sb_add(&why, " The paragraph prohibits %s %s and binds %s, from %s.", casus_what_str(e->what),
                   flow_words(m->flow), binds, span);
        if (force == CASUS_UNKNOWN) {
            truth = CASUS_UNKNOWN;
            sb_add(&why, " The event's dates straddle the measure's start or end.");
        }
        if (m->n_undecidable)
            truth = CASUS_UNKNOWN;
        add_conditions(&why, m);
        if (truth == CASUS_FAILED)
            sb_add(&why, " Breached on the event's own terms.");
        return add_finding(ri, e, mr, truth, &why, after, err);
    }
    /* A cap: judged from the period's total. */
    const casus_event *whole = containing(ev, e);
    place pl = place_event(m, whole);
    if (pl.how == PLACE_NONE) {
        sb_add(&why, " The measure is in force on its dates but no period of its cap holds them.");
        add_conditions(&why, m);
        return add_finding(ri, e, mr, CASUS_UNKNOWN, &why, after, err);
    }
    fmt_day(pl.lo, d1);
    fmt_day(pl.hi, d2);
    if (whole != e)
        sb_add(&why, " Its figure is part of event '%s'.", whole->id);
    const casus_sanctions_total *over = exceeded_in(ri, m, pl.lo);
    if (pl.how == PLACE_UNCOUNTED || pl.how == PLACE_OTHER_UNIT) {
        sb_add(&why, " The cap is judged per period (%s..%s); the event %s, so it is not counted in one period's "
                     "total.",
               d1, d2,
               pl.how == PLACE_OTHER_UNIT                   ? "gives its figure in a unit the cap sets no limit in"
               : whole->amount.kind == CASUS_AMOUNT_UNKNOWN ? "gives no figure"
                                                            : "spans two of the cap's periods or lies partly "
                                                              "outside them");
        if (over && pl.how == PLACE_OTHER_UNIT) {
            sb_add(&why, " The events of the period exceed ");
            cap_words(&why, over->cap);
            sb_add(&why, ", but which deliveries went over it is not decidable.");
        }
        add_conditions(&why, m);
        return add_finding(ri, e, mr, CASUS_UNKNOWN, &why, after, err);
    }
    const casus_sanctions_total *t = find_total(ri, m, whole->amount.unit, pl.lo);
    sb_add(&why, " In the period %s..%s the events give ", d1, d2);
    if (t)
        bounds_words(&why, t);
    else
        sb_add(&why, "no countable figure");
    sb_add(&why, " against ");
    cap_words(&why, pl.cap);
    sb_add(&why, " binding %s:", binds);
    if (over) {
        if (over->cap != pl.cap) {
            sb_add(&why, " the cap's other limit, ");
            cap_words(&why, over->cap);
            sb_add(&why, ", is exceeded (");
            bounds_words(&why, over);
            sb_add(&why, "), so the cap is exceeded.");
        } else {
            sb_add(&why, " the cap is exceeded.");
        }
    } else {
        truth = CASUS_UNKNOWN;
        if (pl.cap->limit == CASUS_CAP_UNSTATED)
            sb_add(&why, " without the figure no total can be judged.");
        else if (t && t->truth == CASUS_HELD)
            sb_add(&why, " within the cap by these events; a breach turns on the total supplied by all states in "
                         "the period, which they do not give.");
        else
            sb_add(&why, " not shown exceeded by these events; a breach turns on the total supplied by all states "
                         "in the period, which they do not give.");
    }
    add_conditions(&why, m);
    return add_finding(ri, e, mr, truth, &why, after, err);
}

static int after_monitoring(const casus_event *e, casus_day end)
{
    if (end == CASUS_DAY_NEVER_BEFORE || end == CASUS_DAY_NEVER_AFTER)
        return 0;
    for (size_t i = 0; i < e->n_claims; i++)
        if (e->claims[i].source_date_lo <= end)
            return 0;
    return 1;
}

static casus_status event_notes(report_impl *ri, const casus_event *e, size_t first, casus_error *err)
{
    size_t failed = 0, unknown = 0, held = 0;
    for (size_t i = first; i < ri->findings.len; i++) {
        casus_truth t = CASUS_VEC_AT(&ri->findings, casus_sanctions_finding, i).truth;
        failed += t == CASUS_FAILED;
        unknown += t == CASUS_UNKNOWN;
        held += t == CASUS_HELD;
    }
    char w[128], buf[640];
    what_str(e, w, sizeof w);
    if (failed + unknown + held == 0) {
        snprintf(buf, sizeof buf,
                 "Event '%s' (%s, %s to %s): no paragraph of the resolutions loaded covers it on its dates.", e->id,
                 w, e->from, e->to);
        return add_note(ri, buf, err);
    }
    if (failed == 0 && unknown > 0) {
        snprintf(buf, sizeof buf,
                 "Event '%s' (%s, %s to %s): no paragraph of the resolutions loaded prohibits it in terms; "
                 "%zu paragraph%s may reach it, on conditions the event does not settle.",
                 e->id, w, e->from, e->to, unknown, unknown == 1 ? "" : "s");
        return add_note(ri, buf, err);
    }
    return CASUS_OK;
}

casus_status casus_sanctions_check(const casus_sanctions *s, const casus_events *ev, casus_sanctions_report **out,
                                   casus_error *err)
{
    const casus_mem *mem = casus__sanctions_mem(s);
    report_impl *ri = casus__mem_alloc(mem, sizeof *ri);
    if (!ri)
        return oom(err);
    memset(ri, 0, sizeof *ri);
    ri->mem = *mem;
    casus__arena_init(&ri->arena, &ri->mem);
    casus__vec_init(&ri->findings, sizeof(casus_sanctions_finding));
    casus__vec_init(&ri->totals, sizeof(casus_sanctions_total));
    casus__vec_init(&ri->notes, sizeof(const char *));
    ri->pub.sanctions = s;
    ri->pub.events = ev;
    ri->pub.monitoring_end = casus_sanctions_monitoring_end(s);
    casus_status st = CASUS_OK;
    /* Totals first: a cap's verdict on one event depends on all of them. */
    for (size_t i = 0; st == CASUS_OK && i < casus_sanctions_count(s); i++) {
        const casus_resolution *r = casus_sanctions_at(s, i);
        for (size_t p = 0; st == CASUS_OK && p < r->n_paragraphs; p++)
            for (size_t k = 0; st == CASUS_OK && k < r->paragraphs[p].n_measures; k++) {
                measure_ref mr = {r, &r->paragraphs[p], &r->paragraphs[p].measures[k]};
                if (mr.m->kind == CASUS_MEASURE_CAP)
                    st = build_totals(ri, &mr, ev, err);
            }
    }
    for (size_t i = 0; st == CASUS_OK && i < casus_events_count(ev); i++) {
        const casus_event *e = casus_events_at(ev, i);
        int after = after_monitoring(e, ri->pub.monitoring_end);
        size_t first = ri->findings.len;
        for (size_t j = 0; st == CASUS_OK && j < casus_sanctions_count(s); j++) {
            const casus_resolution *r = casus_sanctions_at(s, j);
            for (size_t p = 0; st == CASUS_OK && p < r->n_paragraphs; p++)
                for (size_t k = 0; st == CASUS_OK && k < r->paragraphs[p].n_measures; k++) {
                    measure_ref mr = {r, &r->paragraphs[p], &r->paragraphs[p].measures[k]};
                    if (mr.m->kind != CASUS_MEASURE_MANDATE)
                        st = judge(ri, ev, e, &mr, after, err);
                }
        }
        if (st == CASUS_OK)
            st = event_notes(ri, e, first, err);
    }
    if (st == CASUS_OK && ri->pub.monitoring_end != CASUS_DAY_NEVER_BEFORE &&
        ri->pub.monitoring_end != CASUS_DAY_NEVER_AFTER) {
        char d[11], buf[400];
        fmt_day(ri->pub.monitoring_end, d);
        snprintf(buf, sizeof buf,
                 "The panel of experts was mandated until %s; findings marked 'after the panel' rest only on "
                 "sources dated after that day, when no UN body monitored the measures.",
                 d);
        st = add_note(ri, buf, err);
    }
    if (st != CASUS_OK) {
        casus_sanctions_report_free(&ri->pub);
        return st;
    }
    ri->pub.findings = ri->findings.data;
    ri->pub.n_findings = ri->findings.len;
    ri->pub.totals = ri->totals.data;
    ri->pub.n_totals = ri->totals.len;
    ri->pub.notes = ri->notes.data;
    ri->pub.n_notes = ri->notes.len;
    *out = &ri->pub;
    return CASUS_OK;
}

void casus_sanctions_report_free(casus_sanctions_report *r)
{
    if (!r)
        return;
    report_impl *ri = (report_impl *)r;
    casus_mem mem = ri->mem;
    casus__vec_free(&ri->findings, &mem);
    casus__vec_free(&ri->totals, &mem);
    casus__vec_free(&ri->notes, &mem);
    casus__arena_free(&ri->arena);
    casus__mem_free(&mem, ri, sizeof *ri);
}

/* ---- writers ------------------------------------------------------------------------ */

/* The paragraph's first passage, marked with its status when it is not a
 * verbatim quote. */
static void quote_of(const casus_paragraph *p, char *buf, size_t size)
{
    const casus_passage *ps = &p->passages[0];
    if (ps->status == CASUS_TEXT_VERBATIM)
        snprintf(buf, size, "%s", ps->text);
    else
        snprintf(buf, size, "[%s] %s", casus_text_status_str(ps->status), ps->text);
}

static const char *truth_label(casus_truth t)
{
    switch (t) {
    case CASUS_FAILED: return "failed (breached)";
    case CASUS_HELD: return "held";
    default: return "not decidable (may be breached)";
    }
}

/* The kinds of exchange a measure covers, joined by spaces. */
static void goods_str(const casus_measure *m, char *buf, size_t size)
{
    size_t k = 0;
    buf[0] = '\0';
    for (int w = 0; w < CASUS_WHAT_COUNT && k + 1 < size; w++)
        if (m->covers & (1u << w))
            k += (size_t)snprintf(buf + k, size - k, "%s%s", k ? " " : "", casus_what_str((casus_what)w));
}

static const char *total_verdict(casus_truth t)
{
    switch (t) {
    case CASUS_FAILED: return "exceeded";
    case CASUS_HELD: return "within (the events counted; not all states' supply)";
    default: return "not decidable";
    }
}

static void write_text(const casus_sanctions_report *r, FILE *out)
{
    const casus_events *ev = r->events;
    size_t n_measures = 0;
    for (size_t i = 0; i < casus_sanctions_count(r->sanctions); i++) {
        const casus_resolution *res = casus_sanctions_at(r->sanctions, i);
        for (size_t p = 0; p < res->n_paragraphs; p++)
            n_measures += res->paragraphs[p].n_measures;
    }
    fprintf(out, "%zu events against %zu resolutions (%zu measures): %zu findings\n", casus_events_count(ev),
            casus_sanctions_count(r->sanctions), n_measures, r->n_findings);
    char quote[8192];
    for (size_t i = 0; i < casus_events_count(ev); i++) {
        const casus_event *e = casus_events_at(ev, i);
        char w[128], a[96], d[24];
        what_str(e, w, sizeof w);
        amount_str(&e->amount, a, sizeof a);
        casus_span_format(e->when, d);
        fprintf(out, "\nevent %s: %s -> %s, %s, %s, %s\n", e->id, e->from, e->to, w, a, d);
        for (size_t k = 0; k < e->n_claims; k++) {
            const casus_claim *c = &e->claims[k];
            fprintf(out, "  source %s: %s\n", c->source->key, c->source->text);
            if (c->quote)
                fprintf(out, "    \"%s\"\n", c->quote);
        }
        for (size_t k = 0; k < r->n_findings; k++) {
            const casus_sanctions_finding *f = &r->findings[k];
            if (f->event != e)
                continue;
            quote_of(f->paragraph, quote, sizeof quote);
            fprintf(out, "  %s: %s paragraph %s (%s %s, %s)%s\n", truth_label(f->truth), f->resolution->symbol,
                    f->paragraph->number, casus_measure_kind_str(f->measure->kind), f->measure->id,
                    casus_flow_str(f->measure->flow), f->after_monitoring ? " [after the panel]" : "");
            fprintf(out, "    \"%s\"\n", quote);
            fprintf(out, "    why: %s\n", f->why);
        }
    }
    if (r->n_totals) {
        fprintf(out, "\ntotals against caps (low..high bound of the events' total in each period):\n");
        for (size_t i = 0; i < r->n_totals; i++) {
            const casus_sanctions_total *t = &r->totals[i];
            char d1[11], d2[11], goods[256];
            fmt_day(t->period_lo, d1);
            fmt_day(t->period_hi, d2);
            goods_str(t->measure, goods, sizeof goods);
            sbuf b = {.n = 0};
            bounds_words(&b, t);
            fprintf(out, "  %s paragraph %s (%s), %s..%s: %s (as given %lld); ", t->resolution->symbol,
                    t->paragraph->number, goods, d1, d2, b.b, (long long)t->nominal);
            if (!t->cap)
                fprintf(out, "no limit in %s: reported, not summed with the cap's units", t->unit);
            else if (t->cap->limit == CASUS_CAP_UNSTATED)
                fprintf(out, "cap unstated (%s): not decidable", t->cap->note);
            else
                fprintf(out, "cap %lld %s: %s", (long long)t->cap->limit, t->unit, total_verdict(t->truth));
            fprintf(out, " (events counted: %zu, not countable: %zu, in another unit: %zu)\n", t->n_events,
                    t->n_unplaced, t->n_other_unit);
        }
    }
    if (r->n_notes) {
        fprintf(out, "\nnotes:\n");
        for (size_t i = 0; i < r->n_notes; i++)
            fprintf(out, "  - %s\n", r->notes[i]);
    }
}

static int write_csv(const casus_sanctions_report *r, FILE *out)
{
    char quote[8192];
    casus_csv_writer w;
    casus_csv_init(&w, out, CASUS_CSV_QUOTE_ALL);
    static const char head[] = "event,resolution,paragraph,truth,quote,why,after_panel";
    casus_csv_plain(&w, head, sizeof head - 1);
    casus_csv_end(&w);
    for (size_t i = 0; i < r->n_findings; i++) {
        const casus_sanctions_finding *f = &r->findings[i];
        quote_of(f->paragraph, quote, sizeof quote);
        casus_csv_str(&w, f->event->id);
        casus_csv_str(&w, f->resolution->symbol);
        casus_csv_str(&w, f->paragraph->number);
        casus_csv_str(&w, casus_truth_str(f->truth));
        casus_csv_str(&w, quote);
        casus_csv_str(&w, f->why);
        casus_csv_str(&w, f->after_monitoring ? "yes" : "no");
        casus_csv_end(&w);
    }
    return casus_csv_flush(&w) == CASUS_OK ? 0 : -1;
}

static int write_totals_csv(const casus_sanctions_report *r, FILE *out)
{
    casus_csv_writer w;
    casus_csv_init(&w, out, CASUS_CSV_QUOTE_ALL);
    static const char head[] = "resolution,paragraph,measure,good,from,until,cap,unit,total_low,total_low_exceeded,"
                               "total_high,as_given,events,not_countable,other_unit,truth";
    casus_csv_plain(&w, head, sizeof head - 1);
    casus_csv_end(&w);
    for (size_t i = 0; i < r->n_totals; i++) {
        const casus_sanctions_total *t = &r->totals[i];
        char d1[11], d2[11], goods[256], num[32];
        fmt_day(t->period_lo, d1);
        fmt_day(t->period_hi, d2);
        goods_str(t->measure, goods, sizeof goods);
        casus_csv_str(&w, t->resolution->symbol);
        casus_csv_str(&w, t->paragraph->number);
        casus_csv_str(&w, t->measure->id);
        casus_csv_str(&w, goods);
        casus_csv_str(&w, d1);
        casus_csv_str(&w, d2);
        if (t->cap && t->cap->limit != CASUS_CAP_UNSTATED)
            snprintf(num, sizeof num, "%lld", (long long)t->cap->limit);
        else
            num[0] = '\0';
        casus_csv_str(&w, num);
        casus_csv_str(&w, t->unit);
        snprintf(num, sizeof num, "%lld", (long long)t->total_low);
        casus_csv_str(&w, num);
        casus_csv_str(&w, t->low_open ? "yes" : "no");
        if (t->high_open)
            num[0] = '\0';
        else
            snprintf(num, sizeof num, "%lld", (long long)t->total_high);
        casus_csv_str(&w, num);
        snprintf(num, sizeof num, "%lld", (long long)t->nominal);
        casus_csv_str(&w, num);
        snprintf(num, sizeof num, "%zu", t->n_events);
        casus_csv_str(&w, num);
        snprintf(num, sizeof num, "%zu", t->n_unplaced);
        casus_csv_str(&w, num);
        snprintf(num, sizeof num, "%zu", t->n_other_unit);
        casus_csv_str(&w, num);
        casus_csv_str(&w, casus_truth_str(t->truth));
        casus_csv_end(&w);
    }
    return casus_csv_flush(&w) == CASUS_OK ? 0 : -1;
}

static int write_json(const casus_sanctions_report *r, FILE *out)
{
    char quote[8192];
    json_t *root = json_object();
    json_t *events = json_array();
    for (size_t i = 0; i < casus_events_count(r->events); i++) {
        const casus_event *e = casus_events_at(r->events, i);
        char w[128], d[24];
        what_str(e, w, sizeof w);
        casus_span_format(e->when, d);
        json_t *o = json_object();
        json_object_set_new(o, "id", json_string(e->id));
        json_object_set_new(o, "date", json_string(d));
        json_object_set_new(o, "from", json_string(e->from));
        json_object_set_new(o, "to", json_string(e->to));
        json_object_set_new(o, "what", json_string(w));
        json_array_append_new(events, o);
    }
    json_object_set_new(root, "events", events);
    json_t *findings = json_array();
    for (size_t i = 0; i < r->n_findings; i++) {
        const casus_sanctions_finding *f = &r->findings[i];
        quote_of(f->paragraph, quote, sizeof quote);
        json_t *o = json_object();
        json_object_set_new(o, "event", json_string(f->event->id));
        json_object_set_new(o, "resolution", json_string(f->resolution->symbol));
        json_object_set_new(o, "paragraph", json_string(f->paragraph->number));
        json_object_set_new(o, "truth", json_string(casus_truth_str(f->truth)));
        json_object_set_new(o, "quote", json_string(quote));
        char why[2300];
        snprintf(why, sizeof why, "%s%s", f->why,
                 f->after_monitoring ? " Rests only on sources dated after the panel of experts' mandate ended." : "");
        json_object_set_new(o, "why", json_string(why));
        json_array_append_new(findings, o);
    }
    json_object_set_new(root, "findings", findings);
    json_t *totals = json_array();
    for (size_t i = 0; i < r->n_totals; i++) {
        const casus_sanctions_total *t = &r->totals[i];
        char d1[11], d2[11], period[24], goods[256];
        fmt_day(t->period_lo, d1);
        fmt_day(t->period_hi, d2);
        snprintf(period, sizeof period, "%s..%s", d1, d2);
        goods_str(t->measure, goods, sizeof goods);
        bool limit = t->cap && t->cap->limit != CASUS_CAP_UNSTATED;
        json_t *o = json_object();
        json_object_set_new(o, "resolution", json_string(t->resolution->symbol));
        json_object_set_new(o, "paragraph", json_string(t->paragraph->number));
        json_object_set_new(o, "measure", json_string(t->measure->id));
        json_object_set_new(o, "good", json_string(goods));
        json_object_set_new(o, "period", json_string(period));
        json_object_set_new(o, "cap", limit ? json_integer(t->cap->limit) : json_null());
        json_object_set_new(o, "unit", json_string(t->unit));
        json_object_set_new(o, "total_low", json_integer(t->total_low));
        json_object_set_new(o, "total_low_exceeded", json_boolean(t->low_open));
        json_object_set_new(o, "total_high", t->high_open ? json_null() : json_integer(t->total_high));
        json_object_set_new(o, "as_given", json_integer(t->nominal));
        json_object_set_new(o, "events", json_integer((json_int_t)t->n_events));
        json_object_set_new(o, "not_countable", json_integer((json_int_t)t->n_unplaced));
        json_object_set_new(o, "other_unit", json_integer((json_int_t)t->n_other_unit));
        json_object_set_new(o, "truth", json_string(casus_truth_str(t->truth)));
        json_array_append_new(totals, o);
    }
    json_object_set_new(root, "totals", totals);
    json_t *notes = json_array();
    for (size_t i = 0; i < r->n_notes; i++)
        json_array_append_new(notes, json_string(r->notes[i]));
    json_object_set_new(root, "notes", notes);
    int rc = json_dumpf(root, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    fputc('\n', out);
    json_decref(root);
    return rc;
}

casus_status casus_sanctions_report_write(const casus_sanctions_report *r, casus_format format, FILE *out,
                                          casus_error *err)
{
    int rc = 0;
    switch (format) {
    case CASUS_FORMAT_CSV: rc = write_csv(r, out); break;
    case CASUS_FORMAT_JSON: rc = write_json(r, out); break;
    default: write_text(r, out); break;
    }
    if (rc != 0 || ferror(out))
        return casus_error_set(err, CASUS_IO, NULL, 0, 0, "write error");
    return CASUS_OK;
}

casus_status casus_sanctions_totals_write_csv(const casus_sanctions_report *r, FILE *out, casus_error *err)
{
    if (write_totals_csv(r, out) != 0 || ferror(out))
        return casus_error_set(err, CASUS_IO, NULL, 0, 0, "write error");
    return CASUS_OK;
}

static void list_measure(FILE *out, const casus_resolution *r, const casus_paragraph *p, const casus_measure *m)
{
    char binds[256], s[24], e[24];
    binds_str(m, binds, sizeof binds);
    casus_span_format(m->in_force.start, s);
    casus_span_format(m->in_force.end, e);
    fprintf(out, "  %s paragraph %s: %s %s", r->symbol, p->number, casus_measure_kind_str(m->kind), m->id);
    if (m->kind != CASUS_MEASURE_MANDATE) {
        fprintf(out, ", %s:", casus_flow_str(m->flow));
        for (int w = 0; w < CASUS_WHAT_COUNT; w++)
            if (m->covers & (1u << w))
                fprintf(out, " %s", casus_what_str((casus_what)w));
    }
    for (size_t i = 0; i < m->n_caps; i++) {
        const casus_cap *c = &m->caps[i];
        char a[11], b[11];
        fmt_day(c->from, a);
        fprintf(out, "%s", i ? " or" : ", cap");
        if (c->limit == CASUS_CAP_UNSTATED)
            fprintf(out, " unstated %s", c->unit);
        else
            fprintf(out, " %lld %s", (long long)c->limit, c->unit);
        if (c->until == CASUS_DAY_NEVER_AFTER) {
            fprintf(out, " per 12 months from %s", a);
        } else {
            fmt_day(c->until, b);
            fprintf(out, " from %s to %s", a, b);
        }
    }
    fprintf(out, "; binds %s; %s..%s\n", binds, s, e);
    if (m->end_note)
        fprintf(out, "      %s\n", m->end_note);
}

casus_status casus_sanctions_list_write(const casus_sanctions *s, casus_day day, FILE *out, casus_error *err)
{
    char d[11];
    fmt_day(day, d);
    for (int pass = 0; pass < 3; pass++) {
        static const char *const heads[] = {"in force on", "\nnot decidable on", "\nended by"};
        bool any = false;
        for (size_t i = 0; i < casus_sanctions_count(s); i++) {
            const casus_resolution *r = casus_sanctions_at(s, i);
            for (size_t p = 0; p < r->n_paragraphs; p++)
                for (size_t k = 0; k < r->paragraphs[p].n_measures; k++) {
                    const casus_measure *m = &r->paragraphs[p].measures[k];
                    casus_truth t = casus_period_contains(&m->in_force, day);
                    bool ended = t == CASUS_FAILED && !casus_span_is_open(m->in_force.end) &&
                                 m->in_force.end.hi < day;
                    bool show = pass == 0 ? t == CASUS_HELD : pass == 1 ? t == CASUS_UNKNOWN : ended;
                    if (!show)
                        continue;
                    if (!any)
                        fprintf(out, "%s %s:\n", heads[pass], d);
                    any = true;
                    list_measure(out, r, &r->paragraphs[p], m);
                    if (pass == 2 && m->kind == CASUS_MEASURE_MANDATE) {
                        char e[11];
                        fmt_day(m->in_force.end.hi, e);
                        fprintf(out, "      no longer mandated: the mandate ended on %s\n", e);
                    }
                }
        }
        if (!any && pass == 0)
            fprintf(out, "in force on %s: none\n", d);
    }
    if (ferror(out))
        return casus_error_set(err, CASUS_IO, NULL, 0, 0, "write error");
    return CASUS_OK;
}
