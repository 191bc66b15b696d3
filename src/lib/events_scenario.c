/* Exchanges in the cascade: the troop deployments of an events file added to
 * a scenario as deployment events, which the engine (sim_compile.c) turns
 * into forced entries: the sender is a belligerent on the receiver's side
 * from that day.  Supplies (munitions, oil, money, technology, workers)
 * change no obligation and are not added; docs/sanctions.md says so. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "casus/sanctions.h"
#include "casus/scenario.h"
#include "internal.h"

/* The copy owns only its events array and notes; the rest is the scenario's. */
typedef struct merged {
    casus_scenario pub;
    casus_mem mem;
    casus_arena arena;
    casus_scenario_event *events;
    size_t cap;
} merged;

static int cmp_event(const void *a, const void *b)
{
    const casus_scenario_event *x = a, *y = b;
    if (x->on.lo != y->on.lo)
        return x->on.lo < y->on.lo ? -1 : 1;
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1; /* file order; added events carry line 0 */
    if (x->state != y->state)
        return x->state < y->state ? -1 : 1;
    return x->ally < y->ally ? -1 : x->ally > y->ally;
}

void casus_events_scenario_free(casus_scenario *sc)
{
    if (!sc)
        return;
    merged *m = (merged *)sc;
    casus_mem mem = m->mem;
    casus__mem_free(&mem, m->events, m->cap * sizeof *m->events);
    casus__arena_free(&m->arena);
    casus__mem_free(&mem, m, sizeof *m);
}

static casus_status bad_state(casus_error *err, const casus_event *e, const char *abb)
{
    return casus_error_set(err, CASUS_INVALID, NULL, e->line, 0,
                           "event '%s': unknown state '%s' (not in the world's state table)", e->id, abb);
}

casus_status casus_events_scenario(const casus_world *w, const casus_scenario *sc, const casus_events *ev,
                                   casus_scenario **out, size_t *n_added, casus_error *err)
{
    *out = NULL;
    const casus_mem *wmem = casus__world_mem((casus_world *)w);
    merged *m = casus__mem_alloc(wmem, sizeof *m);
    if (!m)
        return casus_error_set(err, CASUS_NOMEM, NULL, 0, 0, "out of memory");
    memset(m, 0, sizeof *m);
    m->mem = *wmem;
    casus__arena_init(&m->arena, &m->mem);
    m->pub = *sc;
    m->cap = sc->n_events + casus_events_count(ev);
    if (m->cap) {
        m->events = casus__mem_alloc(&m->mem, m->cap * sizeof *m->events);
        if (!m->events) {
            m->cap = 0;
            casus_events_scenario_free(&m->pub);
            return casus_error_set(err, CASUS_NOMEM, NULL, 0, 0, "out of memory");
        }
        if (sc->n_events)
            memcpy(m->events, sc->events, sc->n_events * sizeof *m->events);
    }
    size_t n = sc->n_events, added = 0;
    casus_day last = sc->start + sc->horizon;
    for (size_t i = 0; i < casus_events_count(ev); i++) {
        const casus_event *e = casus_events_at(ev, i);
        if (e->what != CASUS_WHAT_TROOPS || !e->against[0] || e->when.lo > last)
            continue;
        const casus_state *from = casus_world_state_by_abb(w, e->from);
        const casus_state *to = casus_world_state_by_abb(w, e->to);
        const casus_state *against = casus_world_state_by_abb(w, e->against);
        casus_status st = CASUS_OK;
        if (!from)
            st = bad_state(err, e, e->from);
        else if (!to)
            st = bad_state(err, e, e->to);
        else if (!against)
            st = bad_state(err, e, e->against);
        const casus_place *place = NULL;
        if (st == CASUS_OK && e->front) {
            place = casus_world_place_find(w, e->front);
            if (!place)
                st = casus_error_set(err, CASUS_INVALID, NULL, e->line, 0,
                                     "event '%s': unknown front '%s' (not a place of world/places.csv)", e->id,
                                     e->front);
        }
        const char *note = st == CASUS_OK ? casus__arena_printf(&m->arena, "events file: %s", e->id) : NULL;
        if (st == CASUS_OK && !note)
            st = casus_error_set(err, CASUS_NOMEM, NULL, 0, 0, "out of memory");
        if (st != CASUS_OK) {
            casus_events_scenario_free(&m->pub);
            return st;
        }
        m->events[n++] = (casus_scenario_event){.kind = CASUS_EVENT_DEPLOYMENT,
                                                .on = e->when,
                                                .state = from->ccode,
                                                .ally = to->ccode,
                                                .other = against->ccode,
                                                .place = place,
                                                .note = note,
                                                .line = 0};
        added++;
    }
    if (n)
        qsort(m->events, n, sizeof *m->events, cmp_event);
    m->pub.events = m->events;
    m->pub.n_events = n;
    if (n_added)
        *n_added = added;
    *out = &m->pub;
    return CASUS_OK;
}
