/* War histories for the join model: who fought on a war's first day, who
 * entered later and when, and who was at risk of entering.  The rules are
 * written down in docs/history.md; each is marked here where it is applied. */
#include <stdlib.h>
#include <string.h>

#include "casus/data.h"
#include "casus/history.h"
#include "internal.h"

/* No more system spells than this per state (COW has at most 3). */
#define MAX_SPELLS 32
/* A war that runs on past 2007-12-31 (codebook's -7) is at risk to the end
 * of the data: the last day COW's war file covers. */
#define DATA_END_YEAR 2007

struct casus_history {
    casus_mem mem;
    casus_arena arena;
    casus_war_history *wars;
    size_t n;
};

static const char *const exit_names[] = {"war ended", "joined", "left the system"};

const char *casus_history_exit_str(casus_history_exit exit)
{
    return (unsigned)exit < sizeof exit_names / sizeof exit_names[0] ? exit_names[exit] : "?";
}

static bool span_eq(casus_span a, casus_span b)
{
    return a.lo == b.lo && a.hi == b.hi;
}

static int cmp_entrant(const void *pa, const void *pb)
{
    const casus_history_belligerent *a = pa, *b = pb;
    if (a->offset_lo != b->offset_lo)
        return a->offset_lo < b->offset_lo ? -1 : 1;
    if (a->offset_hi != b->offset_hi)
        return a->offset_hi < b->offset_hi ? -1 : 1;
    return (a->ccode > b->ccode) - (a->ccode < b->ccode);
}

static int cmp_risk(const void *pa, const void *pb)
{
    const casus_history_risk *a = pa, *b = pb;
    if (a->ccode != b->ccode)
        return a->ccode < b->ccode ? -1 : 1;
    return (a->from > b->from) - (a->from < b->from);
}

/* The days a participant's first spell may have begun.  An unknown start
 * (-9 in the year) may be any day of the war: nothing is invented. */
static casus_span start_span(const casus_war_participant *p, casus_span first, casus_day last)
{
    if (p->start1.kind == CASUS_WAR_DATE_KNOWN)
        return p->start1.span;
    return (casus_span){first.lo, last};
}

/* Offsets of a span from the first day: earliest and latest. */
static void offsets(casus_span s, casus_span first, int *lo, int *hi)
{
    long a = (long)s.lo - first.hi, b = (long)s.hi - first.lo;
    *lo = a < 0 ? 0 : (int)a;
    *hi = b < 0 ? 0 : (int)b;
}

/* The belligerents of one war, one record per state.  A state with two
 * rows on different sides changed sides: its first row (by start) gives
 * its side and entry, the later one switched_to.  Two rows on the same side
 * (not in v4.0) are read as one state fighting twice: a second spell. */
static casus_status build_belligerents(casus_arena *arena, const casus_war *war, casus_war_history *h, int window,
                                       casus_error *err)
{
    size_t n = war->n_participants;
    casus_history_belligerent *b = casus__arena_alloc(arena, (n ? n : 1) * sizeof *b);
    if (!b)
        return casus_error_set(err, CASUS_NOMEM, "", 0, 0, "out of memory building war %d's history", war->number);
    size_t nb = 0;
    for (size_t i = 0; i < n; i++) {
        const casus_war_participant *p = &war->participants[i];
        casus_span s = start_span(p, h->first_day, h->last_day);
        size_t k = 0;
        while (k < nb && b[k].ccode != p->ccode)
            k++;
        if (k == nb) {
            b[nb++] = (casus_history_belligerent){.ccode = p->ccode, .side = p->side, .entry = s, .row = p};
            continue;
        }
        /* A second row of the same state: keep the earlier as the entry. */
        casus_history_belligerent *e = &b[k];
        const casus_war_participant *later = p;
        casus_span later_span = s;
        if (s.lo < e->entry.lo) {
            later = e->row;
            later_span = e->entry;
            e->side = p->side;
            e->entry = s;
            e->row = p;
        }
        if (later->side != e->side) {
            e->switched_to = later->side;
            e->switched_on = later_span;
        } else {
            e->second_spell = true;
        }
    }
    for (size_t k = 0; k < nb; k++) {
        casus_history_belligerent *e = &b[k];
        offsets(e->entry, h->first_day, &e->offset_lo, &e->offset_hi);
        e->initiator = e->row->initiator;
        if (e->row->start2.kind != CASUS_WAR_DATE_NONE)
            e->second_spell = true;
        /* The first-day rule: a state whose first spell begins on the war's
         * first day (the same date, as precisely as the file gives it)
         * fights on day 0; with a window, so does one whose entry is
         * certainly no later than `window` days after. */
        e->day0 = span_eq(e->entry, h->first_day) || e->offset_hi <= window;
    }
    /* Day-0 belligerents first, in file order; then entrants by entry. */
    casus_history_belligerent *sorted = casus__arena_alloc(arena, (nb ? nb : 1) * sizeof *sorted);
    if (!sorted)
        return casus_error_set(err, CASUS_NOMEM, "", 0, 0, "out of memory building war %d's history", war->number);
    size_t n0 = 0;
    for (size_t k = 0; k < nb; k++)
        if (b[k].day0)
            sorted[n0++] = b[k];
    size_t m = n0;
    for (size_t k = 0; k < nb; k++)
        if (!b[k].day0)
            sorted[m++] = b[k];
    qsort(sorted + n0, nb - n0, sizeof *sorted, cmp_entrant);
    h->belligerents = sorted;
    h->n_belligerents = nb;
    h->n_day0 = n0;
    return CASUS_OK;
}

/* The at-risk stretches of one war: every state not fighting on day 0,
 * for each of its system spells that overlaps the war, from the later of
 * the first day and the spell's start to the earliest of the war's last
 * day, the spell's end, and its own entry. */
static casus_status build_risk(casus_arena *arena, const casus_mem *mem, const casus_world *world,
                               casus_war_history *h, casus_error *err)
{
    casus_vec v;
    casus__vec_init(&v, sizeof(casus_history_risk));
    int last = h->length - 1;
    size_t n_states = casus_world_state_count(world);
    for (size_t si = 0; si < n_states; si++) {
        int cc = casus_world_state_at(world, si)->ccode;
        const casus_history_belligerent *bel = casus_war_history_belligerent(h, cc);
        if (bel && bel->day0)
            continue;
        long joined = bel ? (long)(bel - h->belligerents) : -1;
        casus_period spells[MAX_SPELLS];
        size_t ns = casus_world_spells(world, cc, spells, MAX_SPELLS);
        if (ns > MAX_SPELLS)
            ns = MAX_SPELLS;
        bool done = false, any = false;
        for (size_t k = 0; k < ns && !done; k++) {
            /* Membership from the earliest day its start may be, to the
             * latest day its end may be: a state is at risk whenever it may
             * have been a member (COW's system dates are full days). */
            long from = (long)spells[k].start.lo - h->first_day.lo;
            long until = casus_span_is_open(spells[k].end) ? last : (long)spells[k].end.hi - h->first_day.lo;
            casus_history_exit ex = CASUS_HISTORY_LEFT_SYSTEM;
            if (until >= last) {
                until = last;
                ex = CASUS_HISTORY_WAR_ENDED;
            }
            if (from < 0)
                from = 0;
            if (from > until)
                continue;
            if (bel) {
                if (bel->offset_lo < from)
                    continue; /* it entered before this spell: the stretch is not at risk */
                if (bel->offset_lo <= until) {
                    until = bel->offset_lo;
                    ex = CASUS_HISTORY_JOINED;
                    done = true;
                }
            }
            casus_history_risk *r = casus__vec_push(&v, mem);
            if (!r)
                goto oom;
            *r = (casus_history_risk){.ccode = cc, .from = (int)from, .until = (int)until, .exit = ex,
                                      .entered_system = from > 0, .joined = ex == CASUS_HISTORY_JOINED ? joined : -1};
            any = true;
        }
        /* A belligerent that was no system member when it entered (not in
         * v4.0) is at risk on its entry day only: the day it is seen. */
        if (bel && !done) {
            casus_history_risk *r = casus__vec_push(&v, mem);
            if (!r)
                goto oom;
            *r = (casus_history_risk){.ccode = cc, .from = bel->offset_lo, .until = bel->offset_lo,
                                      .exit = CASUS_HISTORY_JOINED, .entered_system = true, .joined = joined};
        }
        (void)any;
    }
    qsort(v.data, v.len, v.elem, cmp_risk);
    casus_history_risk *out = casus__arena_memdup(arena, v.data, (v.len ? v.len : 1) * v.elem);
    if (!out)
        goto oom;
    h->at_risk = out;
    h->n_at_risk = v.len;
    casus__vec_free(&v, mem);
    return CASUS_OK;
oom:
    casus__vec_free(&v, mem);
    return casus_error_set(err, CASUS_NOMEM, "", 0, 0, "out of memory building war %d's history", h->war->number);
}

casus_status casus_history_build(const casus_world *world, const casus_wars *wars, const casus_history_options *opts,
                                 casus_history **out, casus_error *err)
{
    *out = NULL;
    int window = opts ? opts->day0_window : 0;
    if (window < 0 || window > 365)
        return casus_error_set(err, CASUS_INVALID, "", 0, 0, "the first-day window must be 0 to 365 days, not %d",
                               window);
    if (!casus_data_loaded(world, CASUS_DATASET_COW_STATES))
        return casus_error_set(err, CASUS_INVALID, "", 0, 0,
                               "war histories need the COW state system (%s): it is not loaded",
                               casus_dataset_path(CASUS_DATASET_COW_STATES));
    casus_mem mem = {opts && opts->alloc ? opts->alloc : casus__default_alloc, opts ? opts->alloc_ud : NULL};
    casus_history *h = casus__mem_alloc(&mem, sizeof *h);
    if (!h)
        return casus_error_set(err, CASUS_NOMEM, "", 0, 0, "out of memory");
    memset(h, 0, sizeof *h);
    h->mem = mem;
    casus__arena_init(&h->arena, &h->mem);
    casus_status st = CASUS_OK;
    size_t n = casus_wars_count(wars);
    h->wars = casus__arena_alloc(&h->arena, (n ? n : 1) * sizeof *h->wars);
    if (!h->wars) {
        st = casus_error_set(err, CASUS_NOMEM, "", 0, 0, "out of memory");
        goto fail;
    }
    for (size_t i = 0; i < n; i++) {
        const casus_war *war = casus_wars_at(wars, i);
        casus_war_history *wh = &h->wars[i];
        wh->war = war;
        if (war->start.kind != CASUS_WAR_DATE_KNOWN) {
            st = casus_error_set(err, CASUS_INVALID, "", 0, 0,
                                 "war %d: no participant's start is known, so the war has no first day", war->number);
            goto fail;
        }
        wh->first_day = war->start.span;
        if (war->end.kind == CASUS_WAR_DATE_KNOWN) {
            wh->last_day = war->end.span.hi;
        } else if (war->end.kind == CASUS_WAR_DATE_ONGOING) {
            wh->last_day = casus_day_from_ymd(DATA_END_YEAR, 12, 31);
        } else {
            /* No end known: at risk only until the latest start seen. */
            wh->last_day = wh->first_day.hi;
            for (size_t k = 0; k < war->n_participants; k++)
                if (war->participants[k].start1.kind == CASUS_WAR_DATE_KNOWN &&
                    war->participants[k].start1.span.hi > wh->last_day)
                    wh->last_day = war->participants[k].start1.span.hi;
        }
        if (wh->last_day < wh->first_day.lo)
            wh->last_day = wh->first_day.lo;
        wh->length = (int)(wh->last_day - wh->first_day.lo) + 1;
        if ((st = build_belligerents(&h->arena, war, wh, window, err)) != CASUS_OK ||
            (st = build_risk(&h->arena, &h->mem, world, wh, err)) != CASUS_OK)
            goto fail;
    }
    h->n = n;
    *out = h;
    return CASUS_OK;
fail:
    casus_history_free(h);
    return st;
}

void casus_history_free(casus_history *history)
{
    if (!history)
        return;
    casus_mem mem = history->mem;
    casus__arena_free(&history->arena);
    casus__mem_free(&mem, history, sizeof *history);
}

size_t casus_history_count(const casus_history *history)
{
    return history ? history->n : 0;
}

const casus_war_history *casus_history_at(const casus_history *history, size_t i)
{
    return history && i < history->n ? &history->wars[i] : NULL;
}

const casus_war_history *casus_history_find(const casus_history *history, int number)
{
    if (!history)
        return NULL;
    size_t lo = 0, hi = history->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int m = history->wars[mid].war->number;
        if (m == number)
            return &history->wars[mid];
        if (m < number)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

const casus_history_belligerent *casus_war_history_belligerent(const casus_war_history *war, int ccode)
{
    for (size_t i = 0; i < war->n_belligerents; i++)
        if (war->belligerents[i].ccode == ccode)
            return &war->belligerents[i];
    return NULL;
}
