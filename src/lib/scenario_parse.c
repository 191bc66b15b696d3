/* The scenario file parser: hand-written recursive descent over a line-
 * oriented token stream, with file:line:col errors.  The format is
 * documented in docs/scenario-format.md; each parse function carries the
 * grammar rule it implements.  The lexical conventions are the treaty
 * format's (src/lib/treaty_parse.c): words, quoted strings with \" and \\,
 * '#' comments, '>' prose lines, dates YYYY-MM-DD, YYYY-MM or YYYY.
 *
 * The grammar is flat (file > statement; no statement holds another), so
 * the parser never recurses and there is no depth to guard.  The input is
 * capped by CASUS_MAX_SCENARIO_FILE and every list by
 * CASUS_SCENARIO_MAX_ITEMS.  All memory comes from the world's allocation
 * hook: lists grow in vectors and are copied into the scenario's own arena
 * at the end, so a failure anywhere frees everything. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "casus/scenario.h"
#include "internal.h"

#define MAX_ITEMS CASUS_SCENARIO_MAX_ITEMS

/* The scenario and what owns its memory; the public part comes first so
 * that casus_scenario_free() can find the rest. */
typedef struct scenario_owned {
    casus_scenario pub;
    casus_mem mem;
    casus_arena arena;
} scenario_owned;

typedef enum tok_kind { T_WORD, T_STRING, T_TEXT, T_NL, T_EOF } tok_kind;

typedef struct token {
    tok_kind kind;
    const char *p; /* WORD: the word; STRING: content between quotes (escapes kept); TEXT: after '>' */
    size_t n;
    int line, col;
} token;

typedef struct parser {
    const casus_world *world;
    const casus_mem *mem;
    casus_arena *arena;
    const char *name;
    const char *buf;
    size_t len;
    size_t pos;
    int line;
    size_t line_start;
    token tok;
    casus_error *err;
    casus_status status;
    casus_scenario *sc;
    casus_vec sources, attacks, events, assumes;
    casus_vec text;        /* char: the prose */
    bool text_break;       /* a paragraph break is due before the next prose line */
    bool seen_title, seen_horizon, seen_trials, seen_seed, seen_events_file;
    casus_day first_day, last_day; /* of the opening attacks so far */
} parser;

/* ---- errors ------------------------------------------------------------- */

static casus_status fail_at(parser *ps, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static casus_status fail_at(parser *ps, int line, int col, const char *fmt, ...)
{
    if (ps->status != CASUS_OK)
        return ps->status;
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    casus_error_set(ps->err, CASUS_PARSE, ps->name, line, col, "%s", msg);
    casus_error_set_context(ps->err, ps->buf, ps->len, line);
    ps->status = CASUS_PARSE;
    return CASUS_PARSE;
}

#define FAIL_TOK(ps, tk, ...) fail_at((ps), (tk).line, (tk).col, __VA_ARGS__)
#define SHOW(tk) (int)((tk).n > 40 ? 40 : (tk).n), (tk).p

static casus_status oom(parser *ps)
{
    if (ps->status == CASUS_OK) {
        casus_error_set(ps->err, CASUS_NOMEM, ps->name, ps->line, 0, "out of memory");
        ps->status = CASUS_NOMEM;
    }
    return ps->status;
}

/* ---- lexer -------------------------------------------------------------- */

static bool is_space(char c) { return c == ' ' || c == '\t'; }
static bool is_eol(char c) { return c == '\n' || c == '\r'; }

/* token -> WORD | STRING | TEXT | NL | EOF */
static void next(parser *ps)
{
    if (ps->status != CASUS_OK) {
        ps->tok.kind = T_EOF;
        return;
    }
    while (ps->pos < ps->len && is_space(ps->buf[ps->pos]))
        ps->pos++;
    if (ps->pos < ps->len && ps->buf[ps->pos] == '#')
        while (ps->pos < ps->len && !is_eol(ps->buf[ps->pos]))
            ps->pos++;
    token *t = &ps->tok;
    t->line = ps->line;
    t->col = (int)(ps->pos - ps->line_start) + 1;
    t->p = ps->buf + ps->pos;
    t->n = 0;
    if (ps->pos >= ps->len) {
        t->kind = T_EOF;
        return;
    }
    char c = ps->buf[ps->pos];
    if (is_eol(c)) {
        t->kind = T_NL;
        t->n = 1;
        ps->pos++;
        if (c == '\r' && ps->pos < ps->len && ps->buf[ps->pos] == '\n')
            ps->pos++;
        ps->line++;
        ps->line_start = ps->pos;
        return;
    }
    if (c == '\0') {
        fail_at(ps, t->line, t->col, "NUL byte in a scenario file");
        t->kind = T_EOF;
        return;
    }
    if (c == '>') {
        /* Leading blanks after '>' are layout, not text. */
        while (++ps->pos < ps->len && is_space(ps->buf[ps->pos]))
            ;
        size_t start = ps->pos;
        while (ps->pos < ps->len && !is_eol(ps->buf[ps->pos])) {
            if (ps->buf[ps->pos] == '\0') {
                fail_at(ps, t->line, (int)(ps->pos - ps->line_start) + 1, "NUL byte in a scenario file");
                t->kind = T_EOF;
                return;
            }
            ps->pos++;
        }
        t->kind = T_TEXT;
        t->p = ps->buf + start;
        t->n = ps->pos - start;
        return;
    }
    if (c == '"') {
        size_t start = ++ps->pos;
        while (ps->pos < ps->len && ps->buf[ps->pos] != '"' && !is_eol(ps->buf[ps->pos])) {
            if (ps->buf[ps->pos] == '\0') {
                fail_at(ps, t->line, (int)(ps->pos - ps->line_start) + 1, "NUL byte in a scenario file");
                t->kind = T_EOF;
                return;
            }
            if (ps->buf[ps->pos] == '\\' && ps->pos + 1 < ps->len && !is_eol(ps->buf[ps->pos + 1]))
                ps->pos++;
            ps->pos++;
        }
        if (ps->pos >= ps->len || ps->buf[ps->pos] != '"') {
            fail_at(ps, t->line, t->col, "unterminated string");
            t->kind = T_EOF;
            return;
        }
        t->kind = T_STRING;
        t->p = ps->buf + start;
        t->n = ps->pos - start;
        ps->pos++;
        return;
    }
    size_t start = ps->pos;
    while (ps->pos < ps->len && !is_space(ps->buf[ps->pos]) && !is_eol(ps->buf[ps->pos]) &&
           ps->buf[ps->pos] != '"' && ps->buf[ps->pos] != '#' && ps->buf[ps->pos] != '\0')
        ps->pos++;
    t->kind = T_WORD;
    t->p = ps->buf + start;
    t->n = ps->pos - start;
}

static bool tok_is(const parser *ps, const char *word)
{
    return ps->tok.kind == T_WORD && strlen(word) == ps->tok.n && memcmp(ps->tok.p, word, ps->tok.n) == 0;
}

static bool tok_is_word(token t, const char *word)
{
    return t.kind == T_WORD && strlen(word) == t.n && memcmp(t.p, word, t.n) == 0;
}

static const char *tok_desc(const token *t, char *buf, size_t size)
{
    switch (t->kind) {
    case T_NL:
        return "end of line";
    case T_EOF:
        return "end of file";
    case T_TEXT:
        return "a text line";
    case T_STRING:
        snprintf(buf, size, "\"%.*s\"", SHOW(*t));
        return buf;
    default:
        snprintf(buf, size, "'%.*s'", SHOW(*t));
        return buf;
    }
}

static casus_status expected(parser *ps, const char *what)
{
    char b[64];
    return FAIL_TOK(ps, ps->tok, "expected %s, found %s", what, tok_desc(&ps->tok, b, sizeof b));
}

/* eol -> NL | EOF */
static casus_status expect_eol(parser *ps)
{
    if (ps->tok.kind == T_NL) {
        next(ps);
        return ps->status;
    }
    if (ps->tok.kind == T_EOF)
        return ps->status;
    return expected(ps, "end of line");
}

/* string -> STRING   (unescapes \" and \\) */
static casus_status take_string(parser *ps, const char **out)
{
    if (ps->tok.kind != T_STRING)
        return expected(ps, "a quoted string");
    char *s = casus__arena_alloc(ps->arena, ps->tok.n + 1);
    if (!s)
        return oom(ps);
    size_t k = 0;
    for (size_t i = 0; i < ps->tok.n; i++) {
        char c = ps->tok.p[i];
        if (c == '\\') {
            char d = i + 1 < ps->tok.n ? ps->tok.p[i + 1] : '\0';
            if (d != '"' && d != '\\')
                return fail_at(ps, ps->tok.line, ps->tok.col + 1 + (int)i,
                               "unknown escape '\\%c' (only \\\" and \\\\)", d ? d : ' ');
            c = d;
            i++;
        }
        s[k++] = c;
    }
    s[k] = '\0';
    *out = s;
    next(ps);
    return ps->status;
}

static casus_status take_word(parser *ps, const char *what, const char **out)
{
    if (ps->tok.kind != T_WORD)
        return expected(ps, what);
    *out = casus__arena_strndup(ps->arena, ps->tok.p, ps->tok.n);
    if (!*out)
        return oom(ps);
    next(ps);
    return ps->status;
}

/* date -> YYYY-MM-DD | YYYY-MM | YYYY */
static casus_status take_date(parser *ps, bool full_only, casus_span *out)
{
    if (ps->tok.kind != T_WORD)
        return expected(ps, full_only ? "a date (YYYY-MM-DD)" : "a date (YYYY-MM-DD, YYYY-MM or YYYY)");
    const char *p = ps->tok.p;
    size_t n = ps->tok.n;
    bool ok = (n == 4 || n == 7 || n == 10);
    for (size_t i = 0; ok && i < n; i++) {
        bool dash = (i == 4 || i == 7);
        if (dash ? p[i] != '-' : !isdigit((unsigned char)p[i]))
            ok = false;
    }
    if (!ok)
        return FAIL_TOK(ps, ps->tok, "'%.*s' is not a date (YYYY-MM-DD, YYYY-MM or YYYY)", SHOW(ps->tok));
    int y = (p[0] - '0') * 1000 + (p[1] - '0') * 100 + (p[2] - '0') * 10 + (p[3] - '0');
    int m = n >= 7 ? (p[5] - '0') * 10 + (p[6] - '0') : 0;
    int d = n == 10 ? (p[8] - '0') * 10 + (p[9] - '0') : 0;
    if (y < 1000 || (n >= 7 && (m < 1 || m > 12)) || (n == 10 && !casus_date_valid(y, m, d)))
        return FAIL_TOK(ps, ps->tok, "%.*s is not a day of the calendar", (int)n, p);
    if (full_only && n != 10)
        return FAIL_TOK(ps, ps->tok, "an opening attack needs a full date (YYYY-MM-DD), not %.*s", (int)n, p);
    *out = casus_span_partial(y, m, d);
    next(ps);
    return ps->status;
}

/* number -> DIGITS, in [lo, hi] */
static casus_status take_u64(parser *ps, const char *what, uint64_t lo, uint64_t hi, uint64_t *out)
{
    if (ps->tok.kind != T_WORD)
        return expected(ps, what);
    uint64_t v = 0;
    bool ok = ps->tok.n > 0 && ps->tok.n <= 20;
    for (size_t i = 0; ok && i < ps->tok.n; i++) {
        unsigned dgt = (unsigned)(ps->tok.p[i] - '0');
        if (dgt > 9 || v > (UINT64_MAX - dgt) / 10)
            ok = false;
        else
            v = v * 10 + dgt;
    }
    if (!ok || v < lo || v > hi)
        return FAIL_TOK(ps, ps->tok, "'%.*s' is not %s (a whole number from %llu to %llu)", SHOW(ps->tok), what,
                        (unsigned long long)lo, (unsigned long long)hi);
    *out = v;
    next(ps);
    return ps->status;
}

/* ---- names -------------------------------------------------------------- */

/* state -> ABB   (a COW abbreviation of the world's state table) */
static casus_status take_state(parser *ps, int *ccode)
{
    if (ps->tok.kind != T_WORD)
        return expected(ps, "a state (COW abbreviation)");
    if (ps->tok.n > 3 || ps->tok.n < 2)
        return FAIL_TOK(ps, ps->tok, "'%.*s' is not a COW state abbreviation", SHOW(ps->tok));
    char abb[4];
    snprintf(abb, sizeof abb, "%.*s", (int)ps->tok.n, ps->tok.p);
    const casus_state *s = casus_world_state_by_abb(ps->world, abb);
    if (!s || strcmp(s->abb, abb) != 0)
        return FAIL_TOK(ps, ps->tok, "unknown state '%s' (not in the world's state table)", abb);
    *ccode = s->ccode;
    next(ps);
    return ps->status;
}

/* place -> WORD | STRING   (a place id or name, or a state's abbreviation for its home) */
static casus_status take_place(parser *ps, const casus_place **out)
{
    if (ps->tok.kind != T_WORD && ps->tok.kind != T_STRING)
        return expected(ps, "a place (an id of world/places.csv)");
    char name[128];
    if (ps->tok.n >= sizeof name)
        return FAIL_TOK(ps, ps->tok, "unknown place '%.*s'", SHOW(ps->tok));
    snprintf(name, sizeof name, "%.*s", (int)ps->tok.n, ps->tok.p);
    const casus_place *p = strchr(name, '\\') ? NULL : casus_world_place_find(ps->world, name);
    if (!p)
        return FAIL_TOK(ps, ps->tok, "unknown place '%s' (not in the world's places)", name);
    *out = p;
    next(ps);
    return ps->status;
}

/* treaty -> ID   (a treaty loaded into the world) */
static casus_status take_treaty(parser *ps, const casus_treaty **out)
{
    if (ps->tok.kind != T_WORD)
        return expected(ps, "a treaty id");
    char id[128];
    if (ps->tok.n >= sizeof id)
        return FAIL_TOK(ps, ps->tok, "unknown treaty '%.*s'", SHOW(ps->tok));
    snprintf(id, sizeof id, "%.*s", (int)ps->tok.n, ps->tok.p);
    const casus_treaty *t = casus_world_treaty_find(ps->world, id);
    if (!t)
        return FAIL_TOK(ps, ps->tok, "unknown treaty '%s' (not among the world's treaties)", id);
    *out = t;
    next(ps);
    return ps->status;
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
    token at = ps->tok;
    if (take_state(ps, ccode) != CASUS_OK)
        return ps->status;
    if (!is_party(t, *ccode))
        return FAIL_TOK(ps, at, "%.*s is not a party to %s", SHOW(at), t->id);
    return ps->status;
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
    if (tok_is(ps, "source")) {
        next(ps);
        if (ps->tok.kind != T_WORD)
            return expected(ps, "a source key");
        const casus_source *s = find_source(ps, ps->tok.p, ps->tok.n);
        if (!s)
            return FAIL_TOK(ps, ps->tok, "source '%.*s' is not declared (add 'source %.*s \"citation\"' before it)",
                            SHOW(ps->tok), SHOW(ps->tok));
        *source = s->key;
        next(ps);
    }
    if (ps->tok.kind == T_STRING) {
        if (!note)
            return expected(ps, "end of line");
        if (take_string(ps, note) != CASUS_OK)
            return ps->status;
    }
    return expect_eol(ps);
}

static void *push(parser *ps, casus_vec *vec, const token *at, const char *what)
{
    if (vec->len >= MAX_ITEMS) {
        FAIL_TOK(ps, *at, "too many %s (at most %d)", what, MAX_ITEMS);
        return NULL;
    }
    void *slot = casus__vec_push(vec, ps->mem);
    if (!slot)
        oom(ps);
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
    token kw = ps->tok;
    next(ps);
    casus_scenario_attack a = {.line = kw.line};
    token at = ps->tok;
    if (take_state(ps, &a.attacker) != CASUS_OK)
        return ps->status;
    token tt = ps->tok;
    if (take_state(ps, &a.target) != CASUS_OK)
        return ps->status;
    if (a.attacker == a.target)
        return FAIL_TOK(ps, tt, "a state cannot attack itself");
    if (tok_is(ps, "at")) {
        next(ps);
        token pt = ps->tok;
        if (take_place(ps, &a.place) != CASUS_OK)
            return ps->status;
        if (a.place == casus_world_home(ps->world, a.target))
            a.place = NULL;
        else {
            bool theirs = a.place->sovereign == a.target || a.place->administrator == a.target;
            for (size_t i = 0; i < a.place->n_claimants; i++)
                theirs = theirs || a.place->claimants[i] == a.target;
            if (!theirs) {
                char b[12];
                return FAIL_TOK(ps, pt, "%s is not %s's (neither its sovereign, administrator nor a claimant)",
                                a.place->id, casus_world_abb(ps->world, a.target, b));
            }
        }
    }
    if (!tok_is(ps, "on"))
        return expected(ps, "'on DATE'");
    next(ps);
    token dt = ps->tok;
    casus_span day;
    if (take_date(ps, true, &day) != CASUS_OK)
        return ps->status;
    a.day = day.lo;
    for (size_t i = 0; i < ps->attacks.len; i++) {
        const casus_scenario_attack *b = &CASUS_VEC_AT(&ps->attacks, casus_scenario_attack, i);
        if (b->attacker == a.attacker && b->target == a.target && b->place == a.place && b->day == a.day)
            return FAIL_TOK(ps, at, "this attack is given twice (line %d)", b->line);
    }
    casus_day first = ps->attacks.len && ps->first_day < a.day ? ps->first_day : a.day;
    casus_day last = ps->attacks.len && ps->last_day > a.day ? ps->last_day : a.day;
    if (last - first > ps->sc->horizon)
        return FAIL_TOK(ps, dt, "the opening attacks lie %d days apart, beyond the horizon of %d days",
                        (int)(last - first), ps->sc->horizon);
    if (parse_trailer(ps, &a.source, NULL) != CASUS_OK)
        return ps->status;
    casus_scenario_attack *slot = push(ps, &ps->attacks, &kw, "opening attacks");
    if (!slot)
        return ps->status;
    *slot = a;
    ps->first_day = first;
    ps->last_day = last;
    return ps->status;
}

/* event -> 'event' date ( 'in-force' treaty
 *                       | 'suspend' treaty party [ 'toward' party ]
 *                       | 'end' treaty [ 'for' party ]
 *                       | 'neutral' state
 *                       | 'deploy' state 'with' state 'against' state [ 'at' place ] ) trailer */
static casus_status parse_event(parser *ps)
{
    token kw = ps->tok;
    next(ps);
    casus_scenario_event e = {.line = kw.line};
    token dt = ps->tok;
    if (take_date(ps, false, &e.on) != CASUS_OK)
        return ps->status;
    if (e.on.lo > horizon_end(ps)) {
        char b[11];
        casus_date_format(horizon_end(ps), b);
        return FAIL_TOK(ps, dt, "the event lies after the horizon's last day (%s)", b);
    }
    token kt = ps->tok;
    int kind = ps->tok.kind == T_WORD ? casus_event_kind_from_str(ps->tok.p, ps->tok.n) : -1;
    if (kind < 0)
        return expected(ps, "an event (in-force, suspend, end, neutral, deploy)");
    e.kind = (casus_event_kind)kind;
    next(ps);
    switch (e.kind) {
    case CASUS_EVENT_TREATY_IN_FORCE:
        if (take_treaty(ps, &e.treaty) != CASUS_OK)
            return ps->status;
        break;
    case CASUS_EVENT_TREATY_SUSPENDED:
        if (take_treaty(ps, &e.treaty) != CASUS_OK || take_party(ps, e.treaty, &e.state) != CASUS_OK)
            return ps->status;
        if (tok_is(ps, "toward")) {
            next(ps);
            token tw = ps->tok;
            if (take_party(ps, e.treaty, &e.other) != CASUS_OK)
                return ps->status;
            if (e.other == e.state)
                return FAIL_TOK(ps, tw, "a party cannot suspend its obligations toward itself");
        }
        break;
    case CASUS_EVENT_TREATY_ENDS:
        if (take_treaty(ps, &e.treaty) != CASUS_OK)
            return ps->status;
        if (tok_is(ps, "for")) {
            next(ps);
            if (take_party(ps, e.treaty, &e.state) != CASUS_OK)
                return ps->status;
        }
        break;
    case CASUS_EVENT_NEUTRALITY: {
        token st = ps->tok;
        if (take_state(ps, &e.state) != CASUS_OK)
            return ps->status;
        if (opens(ps, e.state))
            return FAIL_TOK(ps, st, "%.*s opens the war; it cannot declare neutrality in it", SHOW(st));
        break;
    }
    case CASUS_EVENT_DEPLOYMENT: {
        token st = ps->tok;
        if (take_state(ps, &e.state) != CASUS_OK)
            return ps->status;
        if (!tok_is(ps, "with"))
            return expected(ps, "'with STATE' (whose side it fights on)");
        next(ps);
        token wt = ps->tok;
        if (take_state(ps, &e.ally) != CASUS_OK)
            return ps->status;
        if (e.ally == e.state)
            return FAIL_TOK(ps, wt, "%.*s cannot fight on its own side as a deployment", SHOW(st));
        if (!tok_is(ps, "against"))
            return expected(ps, "'against STATE'");
        next(ps);
        token ag = ps->tok;
        if (take_state(ps, &e.other) != CASUS_OK)
            return ps->status;
        if (e.other == e.state || e.other == e.ally)
            return FAIL_TOK(ps, ag, "a deployment's enemy must differ from the state deployed and its ally");
        if (tok_is(ps, "at")) {
            next(ps);
            if (take_place(ps, &e.place) != CASUS_OK)
                return ps->status;
        }
        break;
    }
    default:
        return FAIL_TOK(ps, kt, "unknown event");
    }
    if (parse_trailer(ps, &e.source, &e.note) != CASUS_OK)
        return ps->status;
    casus_scenario_event *slot = push(ps, &ps->events, &kw, "events");
    if (!slot)
        return ps->status;
    *slot = e;
    return ps->status;
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
    token kw = ps->tok;
    next(ps);
    casus_scenario_assume a = {.line = kw.line};
    if (tok_is(ps, "out"))
        a.kind = CASUS_ASSUME_OUT;
    else if (tok_is(ps, "join"))
        a.kind = CASUS_ASSUME_JOIN;
    else
        return expected(ps, "'out' or 'join'");
    next(ps);
    token st = ps->tok;
    if (take_state(ps, &a.state) != CASUS_OK)
        return ps->status;
    if (opens(ps, a.state))
        return FAIL_TOK(ps, st, "%.*s opens the war; it cannot be assumed %s", SHOW(st),
                        a.kind == CASUS_ASSUME_OUT ? "out of it" : "to join it");
    const casus_scenario_assume *prev = find_assume(ps, a.state);
    if (prev)
        return FAIL_TOK(ps, st, "an assumption about %.*s is already made (line %d)", SHOW(st), prev->line);
    if (a.kind == CASUS_ASSUME_JOIN) {
        if (!tok_is(ps, "with"))
            return expected(ps, "'with STATE' (whose side it joins)");
        next(ps);
        token wt = ps->tok;
        if (take_state(ps, &a.ally) != CASUS_OK)
            return ps->status;
        if (a.ally == a.state)
            return FAIL_TOK(ps, wt, "a state cannot join on its own side");
        if (!tok_is(ps, "on"))
            return expected(ps, "'on DATE'");
        next(ps);
        token dt = ps->tok;
        if (take_date(ps, false, &a.on) != CASUS_OK)
            return ps->status;
        char b[11];
        if (a.on.lo < ps->first_day) {
            casus_date_format(ps->first_day, b);
            return FAIL_TOK(ps, dt, "a state cannot join before the war opens (%s)", b);
        }
        if (a.on.lo > horizon_end(ps)) {
            casus_date_format(horizon_end(ps), b);
            return FAIL_TOK(ps, dt, "the join lies after the horizon's last day (%s)", b);
        }
    }
    if (parse_trailer(ps, &a.source, &a.note) != CASUS_OK)
        return ps->status;
    casus_scenario_assume *slot = push(ps, &ps->assumes, &kw, "assumptions");
    if (!slot)
        return ps->status;
    *slot = a;
    return ps->status;
}

/* prose -> TEXT   ('>' lines: joined with spaces; an empty one, or a
 * statement between, starts a new paragraph) */
static casus_status parse_text_line(parser *ps)
{
    size_t n = ps->tok.n;
    while (n && is_space(ps->tok.p[n - 1]))
        n--;
    if (n == 0) {
        ps->text_break = true;
        next(ps);
        return expect_eol(ps);
    }
    if (!casus__vec_reserve(&ps->text, ps->mem, ps->text.len + n + 2))
        return oom(ps);
    char *d = ps->text.data;
    if (ps->text.len)
        d[ps->text.len++] = ps->text_break ? '\n' : ' ';
    memcpy(d + ps->text.len, ps->tok.p, n);
    ps->text.len += n;
    ps->text_break = false;
    next(ps);
    return expect_eol(ps);
}

/* header -> 'title' string | 'source' KEY string | 'note' string
 *         | 'horizon' DAYS | 'trials' N | 'seed' N | 'events-file' string */
static casus_status parse_header(parser *ps)
{
    token kw = ps->tok;
    bool anywhere = tok_is(ps, "note") || tok_is(ps, "source");
    static const char *const known[] = {"title", "source", "note", "horizon", "trials", "seed", "events-file"};
    bool is_known = false;
    for (size_t i = 0; i < sizeof known / sizeof *known; i++)
        is_known = is_known || tok_is(ps, known[i]);
    if (!is_known)
        return FAIL_TOK(ps, kw, "unknown statement '%.*s'", SHOW(kw));
    if (!anywhere && ps->attacks.len)
        return FAIL_TOK(ps, kw, "'%.*s' belongs in the scenario's header, before the first attack", SHOW(kw));
    next(ps);
    casus_scenario *sc = ps->sc;
    if (tok_is_word(kw, "title")) {
        if (ps->seen_title)
            return FAIL_TOK(ps, kw, "'title' given twice");
        ps->seen_title = true;
        if (take_string(ps, &sc->title) != CASUS_OK)
            return ps->status;
    } else if (tok_is_word(kw, "source")) {
        casus_source s;
        token key = ps->tok;
        if (key.kind == T_WORD && find_source(ps, key.p, key.n))
            return FAIL_TOK(ps, key, "source '%.*s' is declared twice", SHOW(key));
        if (take_word(ps, "a source key", &s.key) != CASUS_OK || take_string(ps, &s.text) != CASUS_OK)
            return ps->status;
        casus_source *slot = push(ps, &ps->sources, &kw, "sources");
        if (!slot)
            return ps->status;
        *slot = s;
    } else if (tok_is_word(kw, "note")) {
        const char *note;
        if (take_string(ps, &note) != CASUS_OK)
            return ps->status;
        sc->notes = sc->notes ? casus__arena_printf(ps->arena, "%s\n%s", sc->notes, note) : note;
        if (!sc->notes)
            return oom(ps);
    } else if (tok_is_word(kw, "horizon")) {
        if (ps->seen_horizon)
            return FAIL_TOK(ps, kw, "'horizon' given twice");
        ps->seen_horizon = true;
        uint64_t v;
        if (take_u64(ps, "a horizon in days", 1, CASUS_SCENARIO_MAX_HORIZON, &v) != CASUS_OK)
            return ps->status;
        sc->horizon = (int)v;
        if (tok_is(ps, "days"))
            next(ps);
    } else if (tok_is_word(kw, "trials")) {
        if (ps->seen_trials)
            return FAIL_TOK(ps, kw, "'trials' given twice");
        ps->seen_trials = true;
        if (take_u64(ps, "a number of trials", 1, CASUS_SCENARIO_MAX_TRIALS, &sc->trials) != CASUS_OK)
            return ps->status;
    } else if (tok_is_word(kw, "seed")) {
        if (ps->seen_seed)
            return FAIL_TOK(ps, kw, "'seed' given twice");
        ps->seen_seed = true;
        if (take_u64(ps, "a seed", 0, UINT64_MAX, &sc->seed) != CASUS_OK)
            return ps->status;
    } else {
        if (ps->seen_events_file)
            return FAIL_TOK(ps, kw, "'events-file' given twice");
        ps->seen_events_file = true;
        token ft = ps->tok;
        if (take_string(ps, &sc->events_file) != CASUS_OK)
            return ps->status;
        if (!sc->events_file[0])
            return FAIL_TOK(ps, ft, "the events file's name is empty");
    }
    return expect_eol(ps);
}

/* file -> { NL | prose } 'scenario' ID eol { ( header | attack | event | assume | prose | NL ) } EOF */
static casus_status parse_file(parser *ps)
{
    next(ps);
    while (ps->tok.kind == T_NL)
        next(ps);
    if (!tok_is(ps, "scenario"))
        return expected(ps, "'scenario ID' to open the file");
    next(ps);
    token idt = ps->tok;
    if (take_word(ps, "the scenario's id", &ps->sc->id) != CASUS_OK)
        return ps->status;
    for (const char *c = ps->sc->id; *c; c++)
        if (!(islower((unsigned char)*c) || isdigit((unsigned char)*c) || *c == '-'))
            return FAIL_TOK(ps, idt, "scenario id '%s' may hold only lower-case letters, digits and '-'", ps->sc->id);
    if (expect_eol(ps) != CASUS_OK)
        return ps->status;
    while (ps->status == CASUS_OK && ps->tok.kind != T_EOF) {
        if (ps->tok.kind == T_NL) {
            next(ps);
            continue;
        }
        if (ps->tok.kind == T_TEXT) {
            parse_text_line(ps);
            continue;
        }
        ps->text_break = true;
        if (ps->tok.kind != T_WORD) {
            char b[64];
            return FAIL_TOK(ps, ps->tok, "expected a statement, found %s", tok_desc(&ps->tok, b, sizeof b));
        }
        if (tok_is(ps, "attack")) {
            if (ps->events.len || ps->assumes.len)
                return FAIL_TOK(ps, ps->tok, "the opening attacks come before the events and assumptions");
            parse_attack(ps);
        } else if (tok_is(ps, "event") || tok_is(ps, "assume")) {
            if (!ps->attacks.len)
                return FAIL_TOK(ps, ps->tok, "'%.*s' before the first attack (give the opening attacks first)",
                                SHOW(ps->tok));
            if (tok_is(ps, "event"))
                parse_event(ps);
            else
                parse_assume(ps);
        } else
            parse_header(ps);
    }
    if (ps->status != CASUS_OK)
        return ps->status;
    if (!ps->seen_title)
        return fail_at(ps, idt.line, idt.col, "scenario %s lacks a title", ps->sc->id);
    if (!ps->sources.len)
        return fail_at(ps, idt.line, idt.col, "scenario %s cites no source (add 'source KEY \"citation\"')",
                       ps->sc->id);
    if (!ps->attacks.len)
        return fail_at(ps, idt.line, idt.col, "scenario %s has no opening attack (add 'attack STATE STATE on DATE')",
                       ps->sc->id);
    return ps->status;
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
    sc->file = casus__arena_strdup(ps->arena, ps->name);
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
            return oom(ps);
    }
    if (!sc->file || !sc->sources || !sc->attacks || !sc->events || !sc->assumes)
        return oom(ps);
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
    parser ps = {.world = world, .mem = &own->mem, .arena = &own->arena, .name = name, .buf = text,
                 .len = len, .line = 1, .err = err, .sc = sc};
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
