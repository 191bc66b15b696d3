/* The scenario file parser: hand-written recursive descent over a line-
 * oriented token stream, with file:line:col errors.  The format is
 * documented in docs/scenario-format.md; each parse function carries the
 * grammar rule it implements.  The lexical conventions are the treaty
 * format's, read by the shared lexer (src/lib/linelex.c): words, quoted
 * strings with \" and \\, '#' comments, '>' prose lines, dates YYYY-MM-DD,
 * YYYY-MM or YYYY.
 *
 * The grammar is flat (file > statement; no statement holds another), so
 * the parser never recurses and there is no depth to guard.  The input is
 * capped by CASUS_MAX_SCENARIO_FILE and every list by
 * CASUS_SCENARIO_MAX_ITEMS.  All memory comes from the world's allocation
 * hook: lists grow in vectors and are copied into the scenario's own arena
 * at the end, so a failure anywhere frees everything. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "casus/scenario.h"
#include "internal.h"
#include "linelex.h"

#define MAX_ITEMS CASUS_SCENARIO_MAX_ITEMS

/* The scenario and what owns its memory; the public part comes first so
 * that casus_scenario_free() can find the rest. */
typedef struct scenario_owned {
    casus_scenario pub;
    casus_mem mem;
    casus_arena arena;
} scenario_owned;

typedef struct parser {
    const casus_world *world;
    const casus_mem *mem;
    casus_arena *arena;
    casus_lx lx;
    casus_scenario *sc;
    casus_vec sources, attacks, events, assumes;
    casus_vec text;        /* char: the prose */
    bool text_break;       /* a paragraph break is due before the next prose line */
    bool seen_title, seen_horizon, seen_trials, seen_seed, seen_events_file;
    casus_day first_day, last_day; /* of the opening attacks so far */
} parser;

#define LX (&ps->lx)
#define TOK (ps->lx.tok)
#define FAIL_TOK(tk, ...) casus__lx_fail(LX, (tk).line, (tk).col, __VA_ARGS__)
#define SHOW(tk) (int)((tk).n > 40 ? 40 : (tk).n), (tk).p

/* ---- lexer (linelex.c), and what only scenarios need ------------------- */

static bool tok_is_word(casus_lx_token t, const char *word)
{
    return t.kind == LX_WORD && strlen(word) == t.n && memcmp(t.p, word, t.n) == 0;
}

/* number -> DIGITS, in [lo, hi] */
static casus_status take_u64(parser *ps, const char *what, uint64_t lo, uint64_t hi, uint64_t *out)
{
    if (TOK.kind != LX_WORD)
        return casus__lx_expected(LX, what);
    uint64_t v = 0;
    bool ok = TOK.n > 0 && TOK.n <= 20;
    for (size_t i = 0; ok && i < TOK.n; i++) {
        unsigned dgt = (unsigned)(TOK.p[i] - '0');
        if (dgt > 9 || v > (UINT64_MAX - dgt) / 10)
            ok = false;
        else
            v = v * 10 + dgt;
    }
    if (!ok || v < lo || v > hi)
        return FAIL_TOK(TOK, "'%.*s' is not %s (a whole number from %llu to %llu)", SHOW(TOK), what,
                        (unsigned long long)lo, (unsigned long long)hi);
    *out = v;
    casus__lx_next(LX);
    return ps->lx.status;
}

/* ---- names -------------------------------------------------------------- */

/* state -> ABB   (a COW abbreviation of the world's state table) */
static casus_status take_state(parser *ps, int *ccode)
{
    if (TOK.kind != LX_WORD)
        return casus__lx_expected(LX, "a state (COW abbreviation)");
    if (TOK.n > 3 || TOK.n < 2)
        return FAIL_TOK(TOK, "'%.*s' is not a COW state abbreviation", SHOW(TOK));
    char abb[4];
    snprintf(abb, sizeof abb, "%.*s", (int)TOK.n, TOK.p);
    const casus_state *s = casus_world_state_by_abb(ps->world, abb);
    if (!s || strcmp(s->abb, abb) != 0)
        return FAIL_TOK(TOK, "unknown state '%s' (not in the world's state table)", abb);
    *ccode = s->ccode;
    casus__lx_next(LX);
    return ps->lx.status;
}

/* place -> WORD | STRING   (a place id or name, or a state's abbreviation for its home) */
static casus_status take_place(parser *ps, const casus_place **out)
{
    if (TOK.kind != LX_WORD && TOK.kind != LX_STRING)
        return casus__lx_expected(LX, "a place (an id of world/places.csv)");
    char name[128];
    if (TOK.n >= sizeof name)
        return FAIL_TOK(TOK, "unknown place '%.*s'", SHOW(TOK));
    snprintf(name, sizeof name, "%.*s", (int)TOK.n, TOK.p);
    const casus_place *p = strchr(name, '\\') ? NULL : casus_world_place_find(ps->world, name);
    if (!p)
        return FAIL_TOK(TOK, "unknown place '%s' (not in the world's places)", name);
    *out = p;
    casus__lx_next(LX);
    return ps->lx.status;
}

/* treaty -> ID   (a treaty loaded into the world) */
static casus_status take_treaty(parser *ps, const casus_treaty **out)
{
    if (TOK.kind != LX_WORD)
        return casus__lx_expected(LX, "a treaty id");
    char id[128];
    if (TOK.n >= sizeof id)
        return FAIL_TOK(TOK, "unknown treaty '%.*s'", SHOW(TOK));
    snprintf(id, sizeof id, "%.*s", (int)TOK.n, TOK.p);
    const casus_treaty *t = casus_world_treaty_find(ps->world, id);
    if (!t)
        return FAIL_TOK(TOK, "unknown treaty '%s' (not among the world's treaties)", id);
    *out = t;
    casus__lx_next(LX);
    return ps->lx.status;
}

static bool is_party(const casus_treaty *t, int ccode)
{
    for (size_t i = 0; i < t->n_parties; i++)
        if (t->parties[i].ccode == ccode)
            return true;
    return false;
}

/* party -> state, a party to the treaty */
static casus_status take_party(parser *ps, const casus_treaty *t, int *ccode)
{
    casus_lx_token at = TOK;
    if (take_state(ps, ccode) != CASUS_OK)
        return ps->lx.status;
    if (!is_party(t, *ccode))
        return FAIL_TOK(at, "%.*s is not a party to %s", SHOW(at), t->id);
    return ps->lx.status;
}

static const casus_source *find_source(const parser *ps, const char *key, size_t n)
{
    for (size_t i = 0; i < ps->sources.len; i++) {
        const casus_source *s = &CASUS_VEC_AT(&ps->sources, casus_source, i);
        if (strlen(s->key) == n && memcmp(s->key, key, n) == 0)
            return s;
    }
    return NULL;
}

/* trailer -> [ 'source' KEY ] [ string ] eol */
static casus_status parse_trailer(parser *ps, const char **source, const char **note)
{
    if (casus__lx_is(LX, "source")) {
        casus__lx_next(LX);
        if (TOK.kind != LX_WORD)
            return casus__lx_expected(LX, "a source key");
        const casus_source *s = find_source(ps, TOK.p, TOK.n);
        if (!s)
            return FAIL_TOK(TOK, "source '%.*s' is not declared (add 'source %.*s \"citation\"' before it)",
                            SHOW(TOK), SHOW(TOK));
        *source = s->key;
        casus__lx_next(LX);
    }
    if (TOK.kind == LX_STRING) {
        if (!note)
            return casus__lx_expected(LX, "end of line");
        if (casus__lx_string(LX, ps->arena, note) != CASUS_OK)
            return ps->lx.status;
    }
    return casus__lx_eol(LX);
}

static void *push(parser *ps, casus_vec *vec, const casus_lx_token *at, const char *what)
{
    if (vec->len >= MAX_ITEMS) {
        FAIL_TOK(*at, "too many %s (at most %d)", what, MAX_ITEMS);
        return NULL;
    }
    void *slot = casus__vec_push(vec, ps->mem);
    if (!slot)
        casus__lx_oom(LX);
    return slot;
}

static bool opens(const parser *ps, int ccode)
{
    for (size_t i = 0; i < ps->attacks.len; i++) {
        const casus_scenario_attack *a = &CASUS_VEC_AT(&ps->attacks, casus_scenario_attack, i);
        if (a->attacker == ccode || a->target == ccode)
            return true;
    }
    return false;
}

static casus_day horizon_end(const parser *ps)
{
    return ps->first_day + ps->sc->horizon;
}

/* ---- statements --------------------------------------------------------- */

/* attack -> 'attack' state state [ 'at' place ] 'on' date trailer */
static casus_status parse_attack(parser *ps)
{
    casus_lx_token kw = TOK;
    casus__lx_next(LX);
    casus_scenario_attack a = {.line = kw.line};
    casus_lx_token at = TOK;
    if (take_state(ps, &a.attacker) != CASUS_OK)
        return ps->lx.status;
    casus_lx_token tt = TOK;
    if (take_state(ps, &a.target) != CASUS_OK)
        return ps->lx.status;
    if (a.attacker == a.target)
        return FAIL_TOK(tt, "a state cannot attack itself");
    if (casus__lx_is(LX, "at")) {
        casus__lx_next(LX);
        casus_lx_token pt = TOK;
        if (take_place(ps, &a.place) != CASUS_OK)
            return ps->lx.status;
        if (a.place == casus_world_home(ps->world, a.target))
            a.place = NULL;
        else {
            bool theirs = a.place->sovereign == a.target || a.place->administrator == a.target;
            for (size_t i = 0; i < a.place->n_claimants; i++)
                theirs = theirs || a.place->claimants[i] == a.target;
            if (!theirs) {
                char b[12];
                return FAIL_TOK(pt, "%s is not %s's (neither its sovereign, administrator nor a claimant)",
                                a.place->id, casus_world_abb(ps->world, a.target, b));
            }
        }
    }
    if (!casus__lx_is(LX, "on"))
        return casus__lx_expected(LX, "'on DATE'");
    casus__lx_next(LX);
    casus_lx_token dt = TOK;
    casus_span day;
    if (casus__lx_calendar_date(LX, "an opening attack", &day) != CASUS_OK)
        return ps->lx.status;
    a.day = day.lo;
    for (size_t i = 0; i < ps->attacks.len; i++) {
        const casus_scenario_attack *b = &CASUS_VEC_AT(&ps->attacks, casus_scenario_attack, i);
        if (b->attacker == a.attacker && b->target == a.target && b->place == a.place && b->day == a.day)
            return FAIL_TOK(at, "this attack is given twice (line %d)", b->line);
    }
    casus_day first = ps->attacks.len && ps->first_day < a.day ? ps->first_day : a.day;
    casus_day last = ps->attacks.len && ps->last_day > a.day ? ps->last_day : a.day;
    if (last - first > ps->sc->horizon)
        return FAIL_TOK(dt, "the opening attacks lie %d days apart, beyond the horizon of %d days",
                        (int)(last - first), ps->sc->horizon);
    if (parse_trailer(ps, &a.source, NULL) != CASUS_OK)
        return ps->lx.status;
    casus_scenario_attack *slot = push(ps, &ps->attacks, &kw, "opening attacks");
    if (!slot)
        return ps->lx.status;
    *slot = a;
    ps->first_day = first;
    ps->last_day = last;
    return ps->lx.status;
}

/* event -> 'event' date ( 'in-force' treaty
 *                       | 'suspend' treaty party [ 'toward' party ]
 *                       | 'end' treaty [ 'for' party ]
 *                       | 'neutral' state
 *                       | 'deploy' state 'with' state 'against' state [ 'at' place ] ) trailer */
static casus_status parse_event(parser *ps)
{
    casus_lx_token kw = TOK;
    casus__lx_next(LX);
    casus_scenario_event e = {.line = kw.line};
    casus_lx_token dt = TOK;
    if (casus__lx_calendar_date(LX, NULL, &e.on) != CASUS_OK)
        return ps->lx.status;
    if (e.on.lo > horizon_end(ps)) {
        char b[11];
        casus_date_format(horizon_end(ps), b);
        return FAIL_TOK(dt, "the event lies after the horizon's last day (%s)", b);
    }
    casus_lx_token kt = TOK;
    int kind = TOK.kind == LX_WORD ? casus_event_kind_from_str(TOK.p, TOK.n) : -1;
    if (kind < 0)
        return casus__lx_expected(LX, "an event (in-force, suspend, end, neutral, deploy)");
    e.kind = (casus_event_kind)kind;
    casus__lx_next(LX);
    switch (e.kind) {
    case CASUS_EVENT_TREATY_IN_FORCE:
        if (take_treaty(ps, &e.treaty) != CASUS_OK)
            return ps->lx.status;
        break;
    case CASUS_EVENT_TREATY_SUSPENDED:
        if (take_treaty(ps, &e.treaty) != CASUS_OK || take_party(ps, e.treaty, &e.state) != CASUS_OK)
            return ps->lx.status;
        if (casus__lx_is(LX, "toward")) {
            casus__lx_next(LX);
            casus_lx_token tw = TOK;
            if (take_party(ps, e.treaty, &e.other) != CASUS_OK)
                return ps->lx.status;
            if (e.other == e.state)
                return FAIL_TOK(tw, "a party cannot suspend its obligations toward itself");
        }
        break;
    case CASUS_EVENT_TREATY_ENDS:
        if (take_treaty(ps, &e.treaty) != CASUS_OK)
            return ps->lx.status;
        if (casus__lx_is(LX, "for")) {
            casus__lx_next(LX);
            if (take_party(ps, e.treaty, &e.state) != CASUS_OK)
                return ps->lx.status;
        }
        break;
    case CASUS_EVENT_NEUTRALITY: {
        casus_lx_token st = TOK;
        if (take_state(ps, &e.state) != CASUS_OK)
            return ps->lx.status;
        if (opens(ps, e.state))
            return FAIL_TOK(st, "%.*s opens the war; it cannot declare neutrality in it", SHOW(st));
        break;
    }
    case CASUS_EVENT_DEPLOYMENT: {
        casus_lx_token st = TOK;
        if (take_state(ps, &e.state) != CASUS_OK)
            return ps->lx.status;
        if (!casus__lx_is(LX, "with"))
            return casus__lx_expected(LX, "'with STATE' (whose side it fights on)");
        casus__lx_next(LX);
        casus_lx_token wt = TOK;
        if (take_state(ps, &e.ally) != CASUS_OK)
            return ps->lx.status;
        if (e.ally == e.state)
            return FAIL_TOK(wt, "%.*s cannot fight on its own side as a deployment", SHOW(st));
        if (!casus__lx_is(LX, "against"))
            return casus__lx_expected(LX, "'against STATE'");
        casus__lx_next(LX);
        casus_lx_token ag = TOK;
        if (take_state(ps, &e.other) != CASUS_OK)
            return ps->lx.status;
        if (e.other == e.state || e.other == e.ally)
            return FAIL_TOK(ag, "a deployment's enemy must differ from the state deployed and its ally");
        if (casus__lx_is(LX, "at")) {
            casus__lx_next(LX);
            if (take_place(ps, &e.place) != CASUS_OK)
                return ps->lx.status;
        }
        break;
    }
    default:
        return FAIL_TOK(kt, "unknown event");
    }
    if (parse_trailer(ps, &e.source, &e.note) != CASUS_OK)
        return ps->lx.status;
    casus_scenario_event *slot = push(ps, &ps->events, &kw, "events");
    if (!slot)
        return ps->lx.status;
    *slot = e;
    return ps->lx.status;
}

static const casus_scenario_assume *find_assume(const parser *ps, int ccode)
{
    for (size_t i = 0; i < ps->assumes.len; i++) {
        const casus_scenario_assume *a = &CASUS_VEC_AT(&ps->assumes, casus_scenario_assume, i);
        if (a->state == ccode)
            return a;
    }
    return NULL;
}

/* assume -> 'assume' ( 'out' state | 'join' state 'with' state 'on' date ) trailer */
static casus_status parse_assume(parser *ps)
{
    casus_lx_token kw = TOK;
    casus__lx_next(LX);
    casus_scenario_assume a = {.line = kw.line};
    if (casus__lx_is(LX, "out"))
        a.kind = CASUS_ASSUME_OUT;
    else if (casus__lx_is(LX, "join"))
        a.kind = CASUS_ASSUME_JOIN;
    else
        return casus__lx_expected(LX, "'out' or 'join'");
    casus__lx_next(LX);
    casus_lx_token st = TOK;
    if (take_state(ps, &a.state) != CASUS_OK)
        return ps->lx.status;
    if (opens(ps, a.state))
        return FAIL_TOK(st, "%.*s opens the war; it cannot be assumed %s", SHOW(st),
                        a.kind == CASUS_ASSUME_OUT ? "out of it" : "to join it");
    const casus_scenario_assume *prev = find_assume(ps, a.state);
    if (prev)
        return FAIL_TOK(st, "an assumption about %.*s is already made (line %d)", SHOW(st), prev->line);
    if (a.kind == CASUS_ASSUME_JOIN) {
        if (!casus__lx_is(LX, "with"))
            return casus__lx_expected(LX, "'with STATE' (whose side it joins)");
        casus__lx_next(LX);
        casus_lx_token wt = TOK;
        if (take_state(ps, &a.ally) != CASUS_OK)
            return ps->lx.status;
        if (a.ally == a.state)
            return FAIL_TOK(wt, "a state cannot join on its own side");
        if (!casus__lx_is(LX, "on"))
            return casus__lx_expected(LX, "'on DATE'");
        casus__lx_next(LX);
        casus_lx_token dt = TOK;
        if (casus__lx_calendar_date(LX, NULL, &a.on) != CASUS_OK)
            return ps->lx.status;
        char b[11];
        if (a.on.lo < ps->first_day) {
            casus_date_format(ps->first_day, b);
            return FAIL_TOK(dt, "a state cannot join before the war opens (%s)", b);
        }
        if (a.on.lo > horizon_end(ps)) {
            casus_date_format(horizon_end(ps), b);
            return FAIL_TOK(dt, "the join lies after the horizon's last day (%s)", b);
        }
    }
    if (parse_trailer(ps, &a.source, &a.note) != CASUS_OK)
        return ps->lx.status;
    casus_scenario_assume *slot = push(ps, &ps->assumes, &kw, "assumptions");
    if (!slot)
        return ps->lx.status;
    *slot = a;
    return ps->lx.status;
}

/* prose -> TEXT   ('>' lines: joined with spaces; an empty one, or a
 * statement between, starts a new paragraph) */
static casus_status parse_text_line(parser *ps)
{
    size_t n = casus__lx_text_len(&TOK);
    if (n == 0) {
        ps->text_break = true;
        casus__lx_next(LX);
        return casus__lx_eol(LX);
    }
    if (!casus__vec_reserve(&ps->text, ps->mem, ps->text.len + n + 2))
        return casus__lx_oom(LX);
    char *d = ps->text.data;
    if (ps->text.len)
        d[ps->text.len++] = ps->text_break ? '\n' : ' ';
    memcpy(d + ps->text.len, TOK.p, n);
    ps->text.len += n;
    ps->text_break = false;
    casus__lx_next(LX);
    return casus__lx_eol(LX);
}

/* header -> 'title' string | 'source' KEY string | 'note' string
 *         | 'horizon' DAYS | 'trials' N | 'seed' N | 'events-file' string */
static casus_status parse_header(parser *ps)
{
    casus_lx_token kw = TOK;
    bool anywhere = casus__lx_is(LX, "note") || casus__lx_is(LX, "source");
    static const char *const known[] = {"title", "source", "note", "horizon", "trials", "seed", "events-file"};
    bool is_known = false;
    for (size_t i = 0; i < sizeof known / sizeof *known; i++)
        is_known = is_known || casus__lx_is(LX, known[i]);
    if (!is_known)
        return FAIL_TOK(kw, "unknown statement '%.*s'", SHOW(kw));
    if (!anywhere && ps->attacks.len)
        return FAIL_TOK(kw, "'%.*s' belongs in the scenario's header, before the first attack", SHOW(kw));
    casus__lx_next(LX);
    casus_scenario *sc = ps->sc;
    if (tok_is_word(kw, "title")) {
        if (ps->seen_title)
            return FAIL_TOK(kw, "'title' given twice");
        ps->seen_title = true;
        if (casus__lx_string(LX, ps->arena, &sc->title) != CASUS_OK)
            return ps->lx.status;
    } else if (tok_is_word(kw, "source")) {
        casus_source s;
        casus_lx_token key = TOK;
        if (key.kind == LX_WORD && find_source(ps, key.p, key.n))
            return FAIL_TOK(key, "source '%.*s' is declared twice", SHOW(key));
        if (casus__lx_word(LX, ps->arena, "a source key", &s.key) != CASUS_OK || casus__lx_string(LX, ps->arena, &s.text) != CASUS_OK)
            return ps->lx.status;
        casus_source *slot = push(ps, &ps->sources, &kw, "sources");
        if (!slot)
            return ps->lx.status;
        *slot = s;
    } else if (tok_is_word(kw, "note")) {
        const char *note;
        if (casus__lx_string(LX, ps->arena, &note) != CASUS_OK)
            return ps->lx.status;
        sc->notes = sc->notes ? casus__arena_printf(ps->arena, "%s\n%s", sc->notes, note) : note;
        if (!sc->notes)
            return casus__lx_oom(LX);
    } else if (tok_is_word(kw, "horizon")) {
        if (ps->seen_horizon)
            return FAIL_TOK(kw, "'horizon' given twice");
        ps->seen_horizon = true;
        uint64_t v;
        if (take_u64(ps, "a horizon in days", 1, CASUS_SCENARIO_MAX_HORIZON, &v) != CASUS_OK)
            return ps->lx.status;
        sc->horizon = (int)v;
        if (casus__lx_is(LX, "days"))
            casus__lx_next(LX);
    } else if (tok_is_word(kw, "trials")) {
        if (ps->seen_trials)
            return FAIL_TOK(kw, "'trials' given twice");
        ps->seen_trials = true;
        if (take_u64(ps, "a number of trials", 1, CASUS_SCENARIO_MAX_TRIALS, &sc->trials) != CASUS_OK)
            return ps->lx.status;
    } else if (tok_is_word(kw, "seed")) {
        if (ps->seen_seed)
            return FAIL_TOK(kw, "'seed' given twice");
        ps->seen_seed = true;
        if (take_u64(ps, "a seed", 0, UINT64_MAX, &sc->seed) != CASUS_OK)
            return ps->lx.status;
    } else {
        if (ps->seen_events_file)
            return FAIL_TOK(kw, "'events-file' given twice");
        ps->seen_events_file = true;
        casus_lx_token ft = TOK;
        if (casus__lx_string(LX, ps->arena, &sc->events_file) != CASUS_OK)
            return ps->lx.status;
        if (!sc->events_file[0])
            return FAIL_TOK(ft, "the events file's name is empty");
    }
    return casus__lx_eol(LX);
}

/* file -> { NL | prose } 'scenario' ID eol { ( header | attack | event | assume | prose | NL ) } EOF */
static casus_status parse_file(parser *ps)
{
    casus_lx_token idt;
    if (casus__lx_opening(LX, ps->arena, "scenario", &ps->sc->id, &idt) != CASUS_OK)
        return ps->lx.status;
    while (ps->lx.status == CASUS_OK && TOK.kind != LX_EOF) {
        if (TOK.kind == LX_NL) {
            casus__lx_next(LX);
            continue;
        }
        if (TOK.kind == LX_TEXT) {
            parse_text_line(ps);
            continue;
        }
        ps->text_break = true;
        if (TOK.kind != LX_WORD)
            return casus__lx_expected(LX, "a statement");
        if (casus__lx_is(LX, "attack")) {
            if (ps->events.len || ps->assumes.len)
                return FAIL_TOK(TOK, "the opening attacks come before the events and assumptions");
            parse_attack(ps);
        } else if (casus__lx_is(LX, "event") || casus__lx_is(LX, "assume")) {
            if (!ps->attacks.len)
                return FAIL_TOK(TOK, "'%.*s' before the first attack (give the opening attacks first)",
                                SHOW(TOK));
            if (casus__lx_is(LX, "event"))
                parse_event(ps);
            else
                parse_assume(ps);
        } else
            parse_header(ps);
    }
    if (ps->lx.status != CASUS_OK)
        return ps->lx.status;
    if (!ps->seen_title)
        return casus__lx_fail(LX, idt.line, idt.col, "scenario %s lacks a title", ps->sc->id);
    if (!ps->sources.len)
        return casus__lx_fail(LX, idt.line, idt.col, "scenario %s cites no source (add 'source KEY \"citation\"')",
                       ps->sc->id);
    if (!ps->attacks.len)
        return casus__lx_fail(LX, idt.line, idt.col, "scenario %s has no opening attack (add 'attack STATE STATE on DATE')",
                       ps->sc->id);
    return ps->lx.status;
}

/* Events in the order they take effect: by first possible day, then as
 * written (insertion sort: stable, and the list is short). */
static void sort_events(casus_scenario_event *ev, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        casus_scenario_event x = ev[i];
        size_t j = i;
        while (j > 0 && ev[j - 1].on.lo > x.on.lo) {
            ev[j] = ev[j - 1];
            j--;
        }
        ev[j] = x;
    }
}

static casus_status finish(parser *ps)
{
    casus_scenario *sc = ps->sc;
    sort_events(ps->events.data, ps->events.len);
    sc->file = casus__arena_strdup(ps->arena, ps->lx.name);
    sc->sources = casus__arena_memdup(ps->arena, ps->sources.data, ps->sources.len * sizeof(casus_source));
    sc->n_sources = ps->sources.len;
    sc->attacks = casus__arena_memdup(ps->arena, ps->attacks.data, ps->attacks.len * sizeof(casus_scenario_attack));
    sc->n_attacks = ps->attacks.len;
    sc->events = casus__arena_memdup(ps->arena, ps->events.data, ps->events.len * sizeof(casus_scenario_event));
    sc->n_events = ps->events.len;
    sc->assumes = casus__arena_memdup(ps->arena, ps->assumes.data, ps->assumes.len * sizeof(casus_scenario_assume));
    sc->n_assumes = ps->assumes.len;
    if (ps->text.len) {
        sc->text = casus__arena_strndup(ps->arena, ps->text.data, ps->text.len);
        if (!sc->text)
            return casus__lx_oom(LX);
    }
    if (!sc->file || !sc->sources || !sc->attacks || !sc->events || !sc->assumes)
        return casus__lx_oom(LX);
    sc->start = ps->first_day;
    return CASUS_OK;
}

casus_status casus_scenario_parse(const casus_world *world, const char *name, const char *text, size_t len,
                                  casus_scenario **out, casus_error *err)
{
    *out = NULL;
    if (!name)
        name = "(scenario)";
    if (len > CASUS_MAX_SCENARIO_FILE)
        return casus_error_set(err, CASUS_TOOBIG, name, 0, 0, "scenario file is larger than %u bytes",
                               CASUS_MAX_SCENARIO_FILE);
    /* Parsing only reads the world; the hook is taken from it as it is. */
    const casus_mem *wmem = casus__world_mem((casus_world *)world);
    scenario_owned *own = casus__mem_alloc(wmem, sizeof *own);
    if (!own)
        return casus_error_set(err, CASUS_NOMEM, name, 0, 0, "out of memory");
    memset(own, 0, sizeof *own);
    own->mem = *wmem;
    casus__arena_init(&own->arena, &own->mem);
    casus_scenario *sc = &own->pub;
    sc->horizon = CASUS_SCENARIO_DEFAULT_HORIZON;
    sc->trials = CASUS_SCENARIO_DEFAULT_TRIALS;
    sc->seed = CASUS_SCENARIO_DEFAULT_SEED;
    parser ps = {.world = world, .mem = &own->mem, .arena = &own->arena, .sc = sc};
    casus__lx_init(&ps.lx, name, text, len, err, "a scenario file");
    casus__vec_init(&ps.sources, sizeof(casus_source));
    casus__vec_init(&ps.attacks, sizeof(casus_scenario_attack));
    casus__vec_init(&ps.events, sizeof(casus_scenario_event));
    casus__vec_init(&ps.assumes, sizeof(casus_scenario_assume));
    casus__vec_init(&ps.text, 1);
    casus_status st = parse_file(&ps);
    if (st == CASUS_OK)
        st = finish(&ps);
    casus__vec_free(&ps.sources, ps.mem);
    casus__vec_free(&ps.attacks, ps.mem);
    casus__vec_free(&ps.events, ps.mem);
    casus__vec_free(&ps.assumes, ps.mem);
    casus__vec_free(&ps.text, ps.mem);
    if (st != CASUS_OK) {
        casus_scenario_free(sc);
        return st;
    }
    *out = sc;
    return CASUS_OK;
}

casus_status casus_scenario_load_file(const casus_world *world, const char *path, casus_scenario **out,
                                      casus_error *err)
{
    *out = NULL;
    const casus_mem *mem = casus__world_mem((casus_world *)world);
    char *buf = NULL;
    size_t len = 0;
    casus_status st = casus__read_file(mem, path, CASUS_MAX_SCENARIO_FILE, &buf, &len, err);
    if (st != CASUS_OK)
        return st;
    st = casus_scenario_parse(world, path, buf, len, out, err);
    casus__mem_free(mem, buf, 0);
    return st;
}

void casus_scenario_free(casus_scenario *scenario)
{
    if (!scenario)
        return;
    scenario_owned *own = (scenario_owned *)scenario;
    casus_mem mem = own->mem;
    casus__arena_free(&own->arena);
    casus__mem_free(&mem, own, sizeof *own);
}

const casus_source *casus_scenario_source(const casus_scenario *scenario, const char *key)
{
    for (size_t i = 0; i < scenario->n_sources; i++)
        if (strcmp(scenario->sources[i].key, key) == 0)
            return &scenario->sources[i];
    return NULL;
}

casus_status casus_scenario_events_path(const casus_scenario *scenario, char *buf, size_t size)
{
    if (!scenario->events_file)
        return CASUS_NOTFOUND;
    const char *slash = strrchr(scenario->file, '/');
    int n;
    if (scenario->events_file[0] == '/' || !slash)
        n = snprintf(buf, size, "%s", scenario->events_file);
    else
        n = snprintf(buf, size, "%.*s/%s", (int)(slash - scenario->file), scenario->file, scenario->events_file);
    return n >= 0 && (size_t)n < size ? CASUS_OK : CASUS_RANGE;
}

bool casus_scenario_opens(const casus_scenario *scenario, int ccode)
{
    for (size_t i = 0; i < scenario->n_attacks; i++)
        if (scenario->attacks[i].attacker == ccode || scenario->attacks[i].target == ccode)
            return true;
    return false;
}

#define CASUS__EVENT_STR(n, s, d) s,
static const char *const event_names[] = {CASUS_EVENT_MAP(CASUS__EVENT_STR)};
#undef CASUS__EVENT_STR
#define CASUS__EVENT_DESC(n, s, d) d,
static const char *const event_descs[] = {CASUS_EVENT_MAP(CASUS__EVENT_DESC)};
#undef CASUS__EVENT_DESC

const char *casus_event_kind_str(casus_event_kind kind)
{
    return (unsigned)kind < CASUS_EVENT_COUNT ? event_names[kind] : "?";
}

const char *casus_event_kind_describe(casus_event_kind kind)
{
    return (unsigned)kind < CASUS_EVENT_COUNT ? event_descs[kind] : "?";
}

int casus_event_kind_from_str(const char *s, size_t n)
{
    for (int i = 0; i < CASUS_EVENT_COUNT; i++)
        if (strlen(event_names[i]) == n && memcmp(event_names[i], s, n) == 0)
            return i;
    return -1;
}
