/* The events file parser (docs/sanctions.md, "Events"): recursive descent
 * over the line tokens of linelex.c, with file:line:col errors.  Each parse
 * function carries the grammar rule it implements.  No nesting beyond
 * file > event; the input is capped by CASUS_MAX_SANCTIONS_FILE and the
 * number of events, sources and claims by CASUS_MAX_SANCTIONS_ITEMS. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "casus/sanctions.h"
#include "linelex.h"

struct casus_events {
    casus_mem mem;
    casus_arena arena;
    casus_vec events; /* casus_event */
};

typedef struct parser {
    casus_lx lx;
    casus_events *ev;
    casus_arena *arena;
    casus_vec sources; /* casus_source */
    casus_vec dates;   /* casus_span, beside sources */
    casus_vec events;  /* casus_event, this file's */
    casus_vec claims;  /* casus_claim, the event's */
    casus_vec within_tok; /* casus_lx_token, beside events: where 'within' was given */
    casus_vec overlaps_tok; /* casus_lx_token, beside events: where 'overlaps' was given */
    bool seen_title, seen_note;
    bool in_event;
    casus_event e;
    casus_lx_token e_tok, within_at, overlaps_at;
    unsigned seen;
} parser;

#define LX (&ps->lx)
#define TOK (ps->lx.tok)
#define FAIL_TOK(tk, ...) casus__lx_fail(LX, (tk).line, (tk).col, __VA_ARGS__)

static bool push(parser *ps, casus_vec *v, const void *item)
{
    if (v->len >= CASUS_MAX_SANCTIONS_ITEMS) {
        FAIL_TOK(TOK, "too many items in one file (at most %d)", CASUS_MAX_SANCTIONS_ITEMS);
        return false;
    }
    void *slot = casus__vec_push(v, &ps->ev->mem);
    if (!slot) {
        casus__lx_oom(LX);
        return false;
    }
    memcpy(slot, item, v->elem);
    return true;
}

static const casus_event *find_event(parser *ps, const char *id)
{
    for (size_t i = 0; i < ps->events.len; i++)
        if (strcmp(CASUS_VEC_AT(&ps->events, casus_event, i).id, id) == 0)
            return &CASUS_VEC_AT(&ps->events, casus_event, i);
    for (size_t i = 0; i < ps->ev->events.len; i++)
        if (strcmp(CASUS_VEC_AT(&ps->ev->events, casus_event, i).id, id) == 0)
            return &CASUS_VEC_AT(&ps->ev->events, casus_event, i);
    return NULL;
}

enum {
    SEEN_FROM = 1u << 0, SEEN_TO = 1u << 1, SEEN_WHAT = 1u << 2, SEEN_AMOUNT = 1u << 3, SEEN_WHEN = 1u << 4,
    SEEN_PLACE = 1u << 5, SEEN_WITHIN = 1u << 6, SEEN_NOTE = 1u << 7, SEEN_AGAINST = 1u << 8, SEEN_FRONT = 1u << 9,
    SEEN_OVERLAPS = 1u << 10,
};

static casus_status close_event(parser *ps)
{
    if (!ps->in_event)
        return ps->lx.status;
    ps->in_event = false;
    casus_event *e = &ps->e;
    casus_lx_token at = ps->e_tok;
    static const struct { unsigned bit; const char *what; } need[] = {
        {SEEN_FROM, "'from ABB'"}, {SEEN_TO, "'to ABB'"}, {SEEN_WHAT, "'what KIND'"}, {SEEN_WHEN, "'when DATE'"}};
    for (size_t i = 0; i < sizeof need / sizeof need[0]; i++)
        if (!(ps->seen & need[i].bit))
            return FAIL_TOK(at, "event '%s' needs %s", e->id, need[i].what);
    if (ps->claims.len == 0)
        return FAIL_TOK(at, "event '%s' needs at least one 'claim SOURCE' (every figure is cited)", e->id);
    if (strcmp(e->from, e->to) == 0)
        return FAIL_TOK(at, "event '%s' goes from %s to itself", e->id, e->from);
    if ((e->against[0] || e->front) && e->what != CASUS_WHAT_TROOPS)
        return FAIL_TOK(at, "event '%s': only troops fight 'against' a state or at a 'front'", e->id);
    if (e->front && !e->against[0])
        return FAIL_TOK(at, "event '%s' names a front but not whom the troops fight 'against'", e->id);
    if (e->against[0] && (strcmp(e->against, e->from) == 0 || strcmp(e->against, e->to) == 0))
        return FAIL_TOK(at, "event '%s': the troops cannot fight against %s, a side of the exchange", e->id,
                        e->against);
    e->n_claims = ps->claims.len;
    e->claims = casus__arena_memdup(ps->arena, ps->claims.data, ps->claims.len * sizeof(casus_claim));
    ps->claims.len = 0;
    if (!e->claims)
        return casus__lx_oom(LX);
    if (e->within && e->overlaps)
        return FAIL_TOK(at, "event '%s' is 'within' one event and 'overlaps' another: give one of them", e->id);
    if (push(ps, &ps->events, e) && push(ps, &ps->within_tok, &ps->within_at))
        push(ps, &ps->overlaps_tok, &ps->overlaps_at);
    return ps->lx.status;
}

/* state -> ABB   (two or three capital letters: a COW abbreviation) */
static casus_status take_state(parser *ps, char out[4])
{
    if (TOK.kind != LX_WORD)
        return casus__lx_expected(LX, "a state (COW abbreviation: PRK, RUS, UKR)");
    bool ok = TOK.n >= 2 && TOK.n <= 3;
    for (size_t i = 0; ok && i < TOK.n; i++)
        ok = isupper((unsigned char)TOK.p[i]) != 0;
    if (!ok)
        return FAIL_TOK(TOK, "'%.*s' is not a COW state abbreviation (two or three capital letters)",
                        (int)(TOK.n > 40 ? 40 : TOK.n), TOK.p);
    memcpy(out, TOK.p, TOK.n);
    out[TOK.n] = '\0';
    casus__lx_next(LX);
    return ps->lx.status;
}

/* amount -> 'unknown' | [ 'about' | 'at-least' | 'more-than' ] N UNIT | N..M UNIT */
static casus_status parse_amount(parser *ps, casus_amount *a)
{
    memset(a, 0, sizeof *a);
    if (casus__lx_is(LX, "unknown")) {
        a->kind = CASUS_AMOUNT_UNKNOWN;
        casus__lx_next(LX);
        return ps->lx.status;
    }
    a->kind = CASUS_AMOUNT_EXACT;
    if (casus__lx_is(LX, "about"))
        a->kind = CASUS_AMOUNT_ABOUT;
    else if (casus__lx_is(LX, "at-least"))
        a->kind = CASUS_AMOUNT_AT_LEAST;
    else if (casus__lx_is(LX, "more-than"))
        a->kind = CASUS_AMOUNT_MORE_THAN;
    if (a->kind != CASUS_AMOUNT_EXACT)
        casus__lx_next(LX);
    if (TOK.kind != LX_WORD)
        return casus__lx_expected(LX, "a figure (a whole number, or N..M)");
    const char *dots = casus__lx_find_dots(TOK.p, TOK.n);
    if (dots) {
        size_t n1 = (size_t)(dots - TOK.p);
        if (a->kind != CASUS_AMOUNT_EXACT)
            return FAIL_TOK(TOK, "a range N..M takes no 'about', 'at-least' or 'more-than'");
        if (!casus__lx_parse_count(TOK.p, n1, &a->lo) || !casus__lx_parse_count(dots + 2, TOK.n - n1 - 2, &a->hi))
            return FAIL_TOK(TOK, "'%.*s' is not a range of whole numbers N..M (at most %lld)",
                            (int)(TOK.n > 40 ? 40 : TOK.n), TOK.p, (long long)CASUS_MAX_AMOUNT);
        if (a->hi < a->lo)
            return FAIL_TOK(TOK, "the range %.*s runs backwards", (int)(TOK.n > 40 ? 40 : TOK.n), TOK.p);
        a->kind = CASUS_AMOUNT_RANGE;
    } else {
        if (!casus__lx_parse_count(TOK.p, TOK.n, &a->lo))
            return FAIL_TOK(TOK, "'%.*s' is not a whole number from 0 to %lld (write 3000000, not 3e6 or 3,000,000)",
                            (int)(TOK.n > 40 ? 40 : TOK.n), TOK.p, (long long)CASUS_MAX_AMOUNT);
        a->hi = a->lo;
    }
    casus__lx_next(LX);
    if (TOK.kind != LX_WORD || !casus__lx_is_name(TOK.p, TOK.n))
        return casus__lx_expected(LX, "a unit (shells, missiles, persons, barrels, tonnes, usd, containers)");
    return casus__lx_word(LX, ps->arena, "a unit", &a->unit);
}

/* span -> DATE [ '..' DATE ]   (one word) */
static casus_status parse_span(parser *ps, casus_span *out)
{
    if (TOK.kind != LX_WORD)
        return casus__lx_expected(LX, "a date or a span DATE..DATE");
    const char *dots = casus__lx_find_dots(TOK.p, TOK.n);
    casus_span a, b;
    if (!dots) {
        if (!casus__lx_parse_date(TOK.p, TOK.n, &a))
            return FAIL_TOK(TOK, "'%.*s' is not a date (YYYY-MM-DD, YYYY-MM or YYYY) or a span DATE..DATE",
                            (int)(TOK.n > 40 ? 40 : TOK.n), TOK.p);
        *out = a;
    } else {
        size_t n1 = (size_t)(dots - TOK.p);
        if (!casus__lx_parse_date(TOK.p, n1, &a) || !casus__lx_parse_date(dots + 2, TOK.n - n1 - 2, &b))
            return FAIL_TOK(TOK, "'%.*s' is not a span of two dates DATE..DATE", (int)(TOK.n > 40 ? 40 : TOK.n),
                            TOK.p);
        if (b.hi < a.lo)
            return FAIL_TOK(TOK, "the span %.*s ends before it begins", (int)(TOK.n > 40 ? 40 : TOK.n), TOK.p);
        out->lo = a.lo;
        out->hi = b.hi;
    }
    casus__lx_next(LX);
    return ps->lx.status;
}

static bool once(parser *ps, unsigned bit, casus_lx_token kw)
{
    if (ps->seen & bit) {
        FAIL_TOK(kw, "'%.*s' given twice in event '%s'", (int)kw.n, kw.p, ps->e.id);
        return false;
    }
    ps->seen |= bit;
    return true;
}

/* estmt -> 'from' state | 'to' state | 'what' WHAT [NAME] | 'amount' amount | 'when' span
 *        | 'place' STRING | 'claim' KEY [STRING] | 'within' NAME | 'overlaps' NAME | 'note' STRING */
static casus_status parse_event_stmt(parser *ps)
{
    casus_lx_token kw = TOK;
    casus_event *e = &ps->e;
    casus__lx_next(LX);
#define KW(s) (kw.n == sizeof(s) - 1 && memcmp(kw.p, s, kw.n) == 0)
    if (KW("from")) {
        if (!once(ps, SEEN_FROM, kw) || take_state(ps, e->from) != CASUS_OK)
            return ps->lx.status;
    } else if (KW("to")) {
        if (!once(ps, SEEN_TO, kw) || take_state(ps, e->to) != CASUS_OK)
            return ps->lx.status;
    } else if (KW("what")) {
        if (!once(ps, SEEN_WHAT, kw))
            return ps->lx.status;
        if (TOK.kind != LX_WORD)
            return casus__lx_expected(LX, "what was exchanged (troops, munitions, coal, ...)");
        int w = casus_what_from_str(TOK.p, TOK.n);
        if (w < 0)
            return FAIL_TOK(TOK, "unknown kind of exchange '%.*s' (see docs/sanctions.md)",
                            (int)(TOK.n > 40 ? 40 : TOK.n), TOK.p);
        e->what = (casus_what)w;
        casus__lx_next(LX);
        if (TOK.kind == LX_WORD) {
            if (!casus__lx_is_name(TOK.p, TOK.n))
                return FAIL_TOK(TOK, "'%.*s' is not a name (lower case letters, digits and '-')",
                                (int)(TOK.n > 40 ? 40 : TOK.n), TOK.p);
            if (casus__lx_word(LX, ps->arena, "a type", &e->kind) != CASUS_OK)
                return ps->lx.status;
        }
    } else if (KW("amount")) {
        if (!once(ps, SEEN_AMOUNT, kw) || parse_amount(ps, &e->amount) != CASUS_OK)
            return ps->lx.status;
    } else if (KW("when")) {
        if (!once(ps, SEEN_WHEN, kw) || parse_span(ps, &e->when) != CASUS_OK)
            return ps->lx.status;
    } else if (KW("place")) {
        if (!once(ps, SEEN_PLACE, kw) || casus__lx_string(LX, ps->arena, &e->place) != CASUS_OK)
            return ps->lx.status;
    } else if (KW("against")) {
        if (!once(ps, SEEN_AGAINST, kw) || take_state(ps, e->against) != CASUS_OK)
            return ps->lx.status;
    } else if (KW("front")) {
        if (!once(ps, SEEN_FRONT, kw))
            return ps->lx.status;
        if (TOK.kind != LX_WORD || !casus__lx_is_name(TOK.p, TOK.n))
            return casus__lx_expected(LX, "a place of the world (kursk, crimea, ...)");
        if (casus__lx_word(LX, ps->arena, "a place", &e->front) != CASUS_OK)
            return ps->lx.status;
    } else if (KW("note")) {
        if (!once(ps, SEEN_NOTE, kw) || casus__lx_string(LX, ps->arena, &e->note) != CASUS_OK)
            return ps->lx.status;
    } else if (KW("within")) {
        ps->within_at = TOK;
        if (!once(ps, SEEN_WITHIN, kw))
            return ps->lx.status;
        if (TOK.kind != LX_WORD || !casus__lx_is_name(TOK.p, TOK.n))
            return casus__lx_expected(LX, "the id of the event whose figure includes this one");
        if (casus__lx_word(LX, ps->arena, "an event id", &e->within) != CASUS_OK)
            return ps->lx.status;
    } else if (KW("overlaps")) {
        ps->overlaps_at = TOK;
        if (!once(ps, SEEN_OVERLAPS, kw))
            return ps->lx.status;
        if (TOK.kind != LX_WORD || !casus__lx_is_name(TOK.p, TOK.n))
            return casus__lx_expected(LX, "the id of the event whose figure may count some of the same deliveries");
        if (casus__lx_word(LX, ps->arena, "an event id", &e->overlaps) != CASUS_OK)
            return ps->lx.status;
    } else if (KW("claim")) {
        if (TOK.kind != LX_WORD)
            return casus__lx_expected(LX, "a source key");
        casus_claim c = {0};
        for (size_t i = 0; i < ps->sources.len && !c.source; i++) {
            const casus_source *src = &CASUS_VEC_AT(&ps->sources, casus_source, i);
            if (strlen(src->key) == TOK.n && memcmp(src->key, TOK.p, TOK.n) == 0) {
                c.source = src;
                c.source_date_lo = CASUS_VEC_AT(&ps->dates, casus_span, i).lo;
                c.source_date_hi = CASUS_VEC_AT(&ps->dates, casus_span, i).hi;
            }
        }
        if (!c.source)
            return FAIL_TOK(TOK, "source '%.*s' is not declared (declare it with 'source' before the first event)",
                            (int)(TOK.n > 40 ? 40 : TOK.n), TOK.p);
        casus__lx_next(LX);
        if (TOK.kind == LX_STRING && casus__lx_string(LX, ps->arena, &c.quote) != CASUS_OK)
            return ps->lx.status;
        if (!push(ps, &ps->claims, &c))
            return ps->lx.status;
    } else {
        return FAIL_TOK(kw, "unknown statement '%.*s' in an event", (int)(kw.n > 40 ? 40 : kw.n), kw.p);
    }
#undef KW
    return casus__lx_eol(LX);
}

/* event -> 'event' NAME */
static casus_status parse_event(parser *ps)
{
    if (close_event(ps) != CASUS_OK)
        return ps->lx.status;
    casus__lx_next(LX);
    memset(&ps->e, 0, sizeof ps->e);
    memset(&ps->within_at, 0, sizeof ps->within_at);
    memset(&ps->overlaps_at, 0, sizeof ps->overlaps_at);
    ps->seen = 0;
    ps->e_tok = TOK;
    ps->e.line = TOK.line;
    if (TOK.kind != LX_WORD || !casus__lx_is_name(TOK.p, TOK.n))
        return casus__lx_expected(LX, "an event id (lower case letters, digits and '-')");
    char id[80];
    snprintf(id, sizeof id, "%.*s", (int)TOK.n, TOK.p);
    if (find_event(ps, id))
        return FAIL_TOK(TOK, "event '%s' given twice", id);
    if (casus__lx_word(LX, ps->arena, "an event id", &ps->e.id) != CASUS_OK)
        return ps->lx.status;
    ps->in_event = true;
    return casus__lx_eol(LX);
}

/* hstmt -> 'title' STRING | 'note' STRING | 'source' KEY DATE STRING */
static casus_status parse_header_stmt(parser *ps)
{
    casus_lx_token kw = TOK;
    if (casus__lx_is(LX, "source")) {
        casus__lx_next(LX);
        casus_lx_token at = TOK;
        casus_source src = {0};
        casus_span date;
        if (casus__lx_word(LX, ps->arena, "a source key", &src.key) != CASUS_OK)
            return ps->lx.status;
        for (size_t i = 0; i < ps->sources.len; i++)
            if (strcmp(CASUS_VEC_AT(&ps->sources, casus_source, i).key, src.key) == 0)
                return FAIL_TOK(at, "source '%s' declared twice", src.key);
        if (casus__lx_date(LX, &date) != CASUS_OK || casus__lx_string(LX, ps->arena, &src.text) != CASUS_OK)
            return ps->lx.status;
        if (push(ps, &ps->sources, &src))
            push(ps, &ps->dates, &date);
        return casus__lx_eol(LX);
    }
    bool *seen;
    if (casus__lx_is(LX, "title"))
        seen = &ps->seen_title;
    else if (casus__lx_is(LX, "note"))
        seen = &ps->seen_note;
    else
        return FAIL_TOK(kw, "unknown statement '%.*s'", (int)(kw.n > 40 ? 40 : kw.n), kw.p);
    if (*seen)
        return FAIL_TOK(kw, "'%.*s' given twice", (int)kw.n, kw.p);
    *seen = true;
    casus__lx_next(LX);
    const char *s;
    if (casus__lx_string(LX, ps->arena, &s) != CASUS_OK)
        return ps->lx.status;
    return casus__lx_eol(LX);
}

/* file -> 'events' NAME eol { hstmt } { event { estmt } } */
static casus_status parse_file(parser *ps)
{
    while (TOK.kind == LX_NL)
        casus__lx_next(LX);
    if (!casus__lx_is(LX, "events"))
        return casus__lx_expected(LX, "'events ID' as the first statement");
    casus__lx_next(LX);
    if (TOK.kind != LX_WORD || !casus__lx_is_name(TOK.p, TOK.n))
        return casus__lx_expected(LX, "the file's id (lower case letters, digits and '-')");
    casus__lx_next(LX);
    if (casus__lx_eol(LX) != CASUS_OK)
        return ps->lx.status;
    static const char *const event_words[] = {"from", "to", "what", "amount", "when", "place",
                                              "claim", "within", "overlaps", "against", "front", NULL};
    while (TOK.kind != LX_EOF && ps->lx.status == CASUS_OK) {
        if (TOK.kind == LX_NL) {
            casus__lx_next(LX);
            continue;
        }
        if (TOK.kind != LX_WORD)
            return casus__lx_expected(LX, "a statement");
        if (casus__lx_is(LX, "event")) {
            if (!ps->seen_title)
                return FAIL_TOK(TOK, "give the file a 'title' before the first event");
            parse_event(ps);
            continue;
        }
        bool is_estmt = casus__lx_is(LX, "note") && ps->in_event;
        for (size_t i = 0; event_words[i]; i++)
            is_estmt |= casus__lx_is(LX, event_words[i]);
        if (is_estmt) {
            if (!ps->in_event)
                return FAIL_TOK(TOK, "'%.*s' must stand under an 'event'", (int)TOK.n, TOK.p);
            parse_event_stmt(ps);
            continue;
        }
        if (ps->in_event)
            return FAIL_TOK(TOK, "unknown statement '%.*s' in an event", (int)(TOK.n > 40 ? 40 : TOK.n), TOK.p);
        parse_header_stmt(ps);
    }
    if (ps->lx.status != CASUS_OK || close_event(ps) != CASUS_OK)
        return ps->lx.status;
    if (!ps->seen_title)
        return casus__lx_fail(LX, 1, 1, "an events file needs a 'title'");
    /* 'within' names an event of this file or one loaded before, of the same
     * kind, direction and unit, so that totals can leave the part out. */
    for (size_t i = 0; i < ps->events.len; i++) {
        const casus_event *e = &CASUS_VEC_AT(&ps->events, casus_event, i);
        casus_lx_token at = CASUS_VEC_AT(&ps->within_tok, casus_lx_token, i);
        if (!e->within)
            continue;
        const casus_event *o = find_event(ps, e->within);
        if (!o)
            return FAIL_TOK(at, "event '%s' names no event '%s' to be within", e->id, e->within);
        if (o == e || o->within)
            return FAIL_TOK(at, "event '%s' cannot be within '%s' (itself, or an event that is itself within another)",
                            e->id, e->within);
        if (o->what != e->what || strcmp(o->from, e->from) != 0 || strcmp(o->to, e->to) != 0 ||
            (e->amount.unit && o->amount.unit && strcmp(e->amount.unit, o->amount.unit) != 0))
            return FAIL_TOK(at, "event '%s' is within '%s' but differs from it in what, from, to or unit", e->id,
                            e->within);
    }
    /* 'overlaps' likewise, between events counted on their own: totals
     * then add the larger of the two certain figures, not both. */
    for (size_t i = 0; i < ps->events.len; i++) {
        const casus_event *e = &CASUS_VEC_AT(&ps->events, casus_event, i);
        casus_lx_token at = CASUS_VEC_AT(&ps->overlaps_tok, casus_lx_token, i);
        if (!e->overlaps)
            continue;
        const casus_event *o = find_event(ps, e->overlaps);
        if (!o)
            return FAIL_TOK(at, "event '%s' names no event '%s' to overlap", e->id, e->overlaps);
        if (o == e || o->within)
            return FAIL_TOK(at, "event '%s' cannot overlap '%s' (itself, or an event that is within another)", e->id,
                            e->overlaps);
        if (o->what != e->what || strcmp(o->from, e->from) != 0 || strcmp(o->to, e->to) != 0 ||
            (e->amount.unit && o->amount.unit && strcmp(e->amount.unit, o->amount.unit) != 0))
            return FAIL_TOK(at, "event '%s' overlaps '%s' but differs from it in what, from, to or unit", e->id,
                            e->overlaps);
    }
    return ps->lx.status;
}

/* ---- the set --------------------------------------------------------------------- */

casus_status casus_events_create(casus_alloc_fn fn, void *ud, casus_events **out, casus_error *err)
{
    casus_mem mem = {fn ? fn : casus__default_alloc, fn ? ud : NULL};
    casus_events *ev = casus__mem_alloc(&mem, sizeof *ev);
    if (!ev)
        return casus_error_set(err, CASUS_NOMEM, NULL, 0, 0, "out of memory");
    memset(ev, 0, sizeof *ev);
    ev->mem = mem;
    casus__arena_init(&ev->arena, &ev->mem);
    casus__vec_init(&ev->events, sizeof(casus_event));
    *out = ev;
    return CASUS_OK;
}

void casus_events_free(casus_events *ev)
{
    if (!ev)
        return;
    casus_mem mem = ev->mem;
    casus__vec_free(&ev->events, &ev->mem);
    casus__arena_free(&ev->arena);
    casus__mem_free(&mem, ev, sizeof *ev);
}

casus_status casus_events_load_text(casus_events *ev, const char *name, const char *buf, size_t len,
                                    casus_error *err)
{
    if (!name)
        name = "<text>";
    if (len > CASUS_MAX_SANCTIONS_FILE)
        return casus_error_set(err, CASUS_TOOBIG, name, 0, 0, "file is larger than the size limit (%u bytes)",
                               CASUS_MAX_SANCTIONS_FILE);
    casus_arena_mark mark = casus__arena_mark(&ev->arena);
    parser ps;
    memset(&ps, 0, sizeof ps);
    ps.ev = ev;
    ps.arena = &ev->arena;
    casus__vec_init(&ps.sources, sizeof(casus_source));
    casus__vec_init(&ps.dates, sizeof(casus_span));
    casus__vec_init(&ps.events, sizeof(casus_event));
    casus__vec_init(&ps.claims, sizeof(casus_claim));
    casus__vec_init(&ps.within_tok, sizeof(casus_lx_token));
    casus__vec_init(&ps.overlaps_tok, sizeof(casus_lx_token));
    casus__lx_init(&ps.lx, name, buf, len, err, "the events file");
    parse_file(&ps);
    casus_status st = ps.lx.status;
    /* Sources live in the parser's array until now: move them to the arena
     * and repoint the claims. */
    casus_source *srcs = NULL;
    if (st == CASUS_OK && ps.sources.len) {
        srcs = casus__arena_memdup(&ev->arena, ps.sources.data, ps.sources.len * sizeof(casus_source));
        if (!srcs)
            st = casus_error_set(err, CASUS_NOMEM, name, 0, 0, "out of memory");
    }
    if (st == CASUS_OK && !casus__vec_reserve(&ev->events, &ev->mem, ev->events.len + ps.events.len))
        st = casus_error_set(err, CASUS_NOMEM, name, 0, 0, "out of memory");
    if (st == CASUS_OK) {
        const casus_source *old = ps.sources.data;
        for (size_t i = 0; i < ps.events.len; i++) {
            casus_event *e = &CASUS_VEC_AT(&ps.events, casus_event, i);
            for (size_t k = 0; k < e->n_claims; k++) {
                casus_claim *c = (casus_claim *)&e->claims[k];
                c->source = srcs + (c->source - old);
            }
            *(casus_event *)casus__vec_push(&ev->events, &ev->mem) = *e; /* room reserved above */
        }
    }
    casus__vec_free(&ps.sources, &ev->mem);
    casus__vec_free(&ps.dates, &ev->mem);
    casus__vec_free(&ps.events, &ev->mem);
    casus__vec_free(&ps.claims, &ev->mem);
    casus__vec_free(&ps.within_tok, &ev->mem);
    casus__vec_free(&ps.overlaps_tok, &ev->mem);
    if (st != CASUS_OK)
        casus__arena_rollback(&ev->arena, mark);
    return st;
}

casus_status casus_events_load_file(casus_events *ev, const char *path, casus_error *err)
{
    char *buf = NULL;
    size_t len = 0;
    casus_status st = casus__read_file(&ev->mem, path, CASUS_MAX_SANCTIONS_FILE, &buf, &len, err);
    if (st != CASUS_OK)
        return st;
    st = casus_events_load_text(ev, path, buf, len, err);
    casus__mem_free(&ev->mem, buf, 0);
    return st;
}

size_t casus_events_count(const casus_events *ev) { return ev ? ev->events.len : 0; }

const casus_event *casus_events_at(const casus_events *ev, size_t i)
{
    return ev && i < ev->events.len ? &CASUS_VEC_AT(&ev->events, casus_event, i) : NULL;
}
