/* The treaty file parser: hand-written recursive descent over a line-
 * oriented token stream, with file:line:col errors.  The format is
 * documented in docs/treaty-format.md; each parse function carries the
 * grammar rule it implements.
 *
 * The grammar has no nesting beyond file > article > rule, so there is no
 * recursion to guard; the input size is capped by CASUS_MAX_TREATY_FILE and
 * every list by MAX_LIST. */
#include <ctype.h>
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "world_internal.h"

#define MAX_LIST 256 /* states in one list, parties, passages, ... */

typedef enum tok_kind { T_WORD, T_STRING, T_TEXT, T_NL, T_EOF } tok_kind;

typedef struct token {
    tok_kind kind;
    const char *p; /* WORD: the word; STRING: content between quotes (escapes kept); TEXT: after '>' */
    size_t n;
    int line, col;
} token;

typedef struct parser {
    casus_world *world;
    casus_arena *arena;
    const char *name;
    const char *buf;
    size_t len;
    size_t pos;
    int line;
    size_t line_start;
    token tok;      /* current token */
    casus_error *err;
    casus_status status;
    /* the treaty under construction */
    casus_treaty *t;
    casus_vec parties, suspensions, articles, sources, atop;
    /* the article under construction */
    casus_vec passages, rules;
    bool in_article;
    const char *article_number, *article_title;
    int article_line;
    /* the passage under construction: its text grows line by line */
    casus_vec text;  /* char */
    bool in_passage;
    casus_passage cur_passage;
    /* the rule under construction */
    bool in_rule;
    casus_rule cur_rule;
    casus_vec conds;
    unsigned rule_seen; /* bit per clause, to reject a clause given twice */
    token clause;       /* the keyword of the clause being read, for errors */
    bool rule_actions_set;
    int rule_col;
    /* header fields seen */
    bool seen_title, seen_signed, seen_in_force, seen_ends;
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
    if (ps->pos >= ps->len) {
        t->kind = T_EOF;
        t->p = ps->buf + ps->pos;
        t->n = 0;
        return;
    }
    char c = ps->buf[ps->pos];
    if (is_eol(c)) {
        t->kind = T_NL;
        t->p = ps->buf + ps->pos;
        t->n = 1;
        ps->pos++;
        if (c == '\r' && ps->pos < ps->len && ps->buf[ps->pos] == '\n')
            ps->pos++;
        ps->line++;
        ps->line_start = ps->pos;
        return;
    }
    if (c == '\0') {
        fail_at(ps, t->line, t->col, "NUL byte in a treaty file");
        t->kind = T_EOF;
        return;
    }
    if (c == '>') {
        /* Leading blanks after '>' are layout, not text. */
        while (++ps->pos < ps->len && is_space(ps->buf[ps->pos]))
            ;
        size_t start = ps->pos;
        while (ps->pos < ps->len && !is_eol(ps->buf[ps->pos]))
            ps->pos++;
        t->kind = T_TEXT;
        t->p = ps->buf + start;
        t->n = ps->pos - start;
        return;
    }
    if (c == '"') {
        size_t start = ++ps->pos;
        while (ps->pos < ps->len && ps->buf[ps->pos] != '"' && !is_eol(ps->buf[ps->pos])) {
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
           ps->buf[ps->pos] != '"' && ps->buf[ps->pos] != '#')
        ps->pos++;
    t->kind = T_WORD;
    t->p = ps->buf + start;
    t->n = ps->pos - start;
}

static bool tok_is(const parser *ps, const char *word)
{
    return ps->tok.kind == T_WORD && strlen(word) == ps->tok.n && memcmp(ps->tok.p, word, ps->tok.n) == 0;
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
        snprintf(buf, size, "\"%.*s\"", (int)(t->n > 40 ? 40 : t->n), t->p);
        return buf;
    default:
        snprintf(buf, size, "'%.*s'", (int)(t->n > 40 ? 40 : t->n), t->p);
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
                return fail_at(ps, ps->tok.line, ps->tok.col + 1 + (int)i, "unknown escape '\\%c' (only \\\" and \\\\)", d ? d : ' ');
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
static casus_status take_date(parser *ps, casus_span *out)
{
    if (ps->tok.kind != T_WORD)
        return expected(ps, "a date (YYYY-MM-DD, YYYY-MM or YYYY)");
    const char *p = ps->tok.p;
    size_t n = ps->tok.n;
    int y = 0, m = 0, d = 0;
    bool ok = (n == 4 || n == 7 || n == 10);
    for (size_t i = 0; ok && i < n; i++) {
        bool dash = (i == 4 || i == 7);
        if (dash ? p[i] != '-' : !isdigit((unsigned char)p[i]))
            ok = false;
    }
    if (!ok)
        return FAIL_TOK(ps, ps->tok, "'%.*s' is not a date (YYYY-MM-DD, YYYY-MM or YYYY)", (int)(n > 40 ? 40 : n), p);
    y = (p[0] - '0') * 1000 + (p[1] - '0') * 100 + (p[2] - '0') * 10 + (p[3] - '0');
    if (n >= 7)
        m = (p[5] - '0') * 10 + (p[6] - '0');
    if (n == 10)
        d = (p[8] - '0') * 10 + (p[9] - '0');
    if (y < 1000 || (n >= 7 && (m < 1 || m > 12)) || (n == 10 && !casus_date_valid(y, m, d)))
        return FAIL_TOK(ps, ps->tok, "%.*s is not a day of the calendar", (int)n, p);
    *out = casus_span_partial(y, n >= 7 ? m : 0, n == 10 ? d : 0);
    next(ps);
    return ps->status;
}

/* ---- names -------------------------------------------------------------- */

static casus_status take_state(parser *ps, int *ccode)
{
    if (ps->tok.kind != T_WORD)
        return expected(ps, "a state (COW abbreviation)");
    char abb[8];
    if (ps->tok.n > 3 || ps->tok.n < 2)
        return FAIL_TOK(ps, ps->tok, "'%.*s' is not a COW state abbreviation", (int)(ps->tok.n > 40 ? 40 : ps->tok.n), ps->tok.p);
    snprintf(abb, sizeof abb, "%.*s", (int)ps->tok.n, ps->tok.p);
    const casus_state *s = casus_world_state_by_abb(ps->world, abb);
    if (!s || strcmp(s->abb, abb) != 0)
        return FAIL_TOK(ps, ps->tok, "unknown state '%s' (not in the world's state table)", abb);
    *ccode = s->ccode;
    next(ps);
    return ps->status;
}

static const casus_party *find_party(const parser *ps, int ccode)
{
    for (size_t i = 0; i < ps->parties.len; i++)
        if (CASUS_VEC_AT(&ps->parties, casus_party, i).ccode == ccode)
            return &CASUS_VEC_AT(&ps->parties, casus_party, i);
    return NULL;
}

/* state-list -> state { state }   (up to end of line) */
static casus_status take_state_list(parser *ps, bool must_be_party, const int **out, size_t *n_out)
{
    int list[MAX_LIST];
    size_t n = 0;
    if (ps->tok.kind != T_WORD)
        return expected(ps, "a state (COW abbreviation)");
    while (ps->tok.kind == T_WORD && ps->status == CASUS_OK) {
        token at = ps->tok;
        if (n == MAX_LIST)
            return FAIL_TOK(ps, at, "too many states in one list (at most %d)", MAX_LIST);
        if (take_state(ps, &list[n]) != CASUS_OK)
            return ps->status;
        if (must_be_party && !find_party(ps, list[n]))
            return FAIL_TOK(ps, at, "'%.*s' is not a party to this treaty (declare it with 'party' first)", (int)at.n, at.p);
        n++;
    }
    *out = casus__arena_memdup(ps->arena, list, n * sizeof *list);
    if (!*out)
        return oom(ps);
    *n_out = n;
    return ps->status;
}

/* ---- header ------------------------------------------------------------- */

static bool span_before(casus_span a, casus_span b) /* a certainly after b? no: a ends before b starts */
{
    return a.hi < b.lo;
}

/* ends -> 'ends' ( 'never' | date CAUSE [string] ) */
static casus_status parse_ends(parser *ps)
{
    token kw = ps->tok;
    next(ps);
    if (ps->seen_ends)
        return FAIL_TOK(ps, kw, "'ends' given twice");
    ps->seen_ends = true;
    if (tok_is(ps, "never")) {
        ps->t->in_force.end = casus_span_open();
        ps->t->end_cause = CASUS_END_NONE;
        next(ps);
        return expect_eol(ps);
    }
    casus_span end;
    token at = ps->tok;
    if (take_date(ps, &end) != CASUS_OK)
        return ps->status;
    if (ps->seen_in_force && span_before(end, ps->t->in_force.start))
        return FAIL_TOK(ps, at, "the treaty cannot end before it entered into force");
    ps->t->in_force.end = end;
    if (ps->tok.kind != T_WORD)
        return expected(ps, "how it ended (lapse, denunciation, replaced, terminated, unknown)");
    int cause = casus_end_from_str(ps->tok.p, ps->tok.n);
    if (cause < 0 || cause == CASUS_END_NONE)
        return FAIL_TOK(ps, ps->tok, "unknown end cause '%.*s' (lapse, denunciation, replaced, terminated, unknown)",
                        (int)(ps->tok.n > 40 ? 40 : ps->tok.n), ps->tok.p);
    ps->t->end_cause = (casus_end)cause;
    next(ps);
    if (ps->tok.kind == T_STRING && take_string(ps, &ps->t->end_note) != CASUS_OK)
        return ps->status;
    return expect_eol(ps);
}

/* party -> 'party' ABB CCODE 'joined' date [ 'left' date [string] ] */
static casus_status parse_party(parser *ps)
{
    next(ps);
    casus_party p = {0};
    token abb_tok = ps->tok;
    if (abb_tok.kind != T_WORD)
        return expected(ps, "a state abbreviation");
    char abb[8];
    snprintf(abb, sizeof abb, "%.*s", (int)(abb_tok.n > 7 ? 7 : abb_tok.n), abb_tok.p);
    next(ps);
    token code_tok = ps->tok;
    int ccode = 0;
    if (code_tok.kind != T_WORD || !casus__parse_int(code_tok.p, code_tok.n, &ccode) || ccode <= 0)
        return FAIL_TOK(ps, code_tok, "party '%s' needs its COW state code (a number) after the abbreviation", abb);
    const casus_state *s = casus_world_state_by_ccode(ps->world, ccode);
    if (!s)
        return FAIL_TOK(ps, code_tok, "unknown COW state code %d", ccode);
    if (abb_tok.n > 3 || strcmp(s->abb, abb) != 0)
        return FAIL_TOK(ps, abb_tok, "COW code %d is %s, not '%s'", ccode, s->abb, abb);
    next(ps);
    p.ccode = ccode;
    memcpy(p.abb, s->abb, sizeof p.abb);
    if (!tok_is(ps, "joined"))
        return expected(ps, "'joined DATE'");
    next(ps);
    token jt = ps->tok;
    if (take_date(ps, &p.member.start) != CASUS_OK)
        return ps->status;
    if (ps->seen_in_force && span_before(p.member.start, ps->t->in_force.start))
        return FAIL_TOK(ps, jt, "%s cannot join before the treaty entered into force", abb);
    p.member.end = ps->t->in_force.end;
    if (tok_is(ps, "left")) {
        next(ps);
        token lt = ps->tok;
        if (take_date(ps, &p.member.end) != CASUS_OK)
            return ps->status;
        if (span_before(p.member.end, p.member.start))
            return FAIL_TOK(ps, lt, "%s cannot leave before it joined", abb);
        if (ps->seen_ends && span_before(ps->t->in_force.end, p.member.end))
            return FAIL_TOK(ps, lt, "%s cannot leave after the treaty ended", abb);
        if (ps->tok.kind == T_STRING && take_string(ps, &p.note) != CASUS_OK)
            return ps->status;
    }
    for (size_t i = 0; i < ps->parties.len; i++) {
        const casus_party *q = &CASUS_VEC_AT(&ps->parties, casus_party, i);
        /* A state may have several spells as a party, but they must not overlap. */
        if (q->ccode == ccode && !(span_before(q->member.end, p.member.start) || span_before(p.member.end, q->member.start)))
            return FAIL_TOK(ps, abb_tok, "%s is already a party for part of that period", abb);
    }
    if (ps->parties.len >= MAX_LIST)
        return FAIL_TOK(ps, abb_tok, "too many parties (at most %d)", MAX_LIST);
    casus_party *slot = casus__vec_push(&ps->parties, casus__world_mem(ps->world));
    if (!slot)
        return oom(ps);
    *slot = p;
    return expect_eol(ps);
}

/* suspend -> 'suspend' ABB 'toward' ABB 'from' date [ 'until' date ] [string] */
static casus_status parse_suspend(parser *ps)
{
    next(ps);
    casus_suspension s = {0};
    token by = ps->tok;
    if (take_state(ps, &s.by) != CASUS_OK)
        return ps->status;
    if (!find_party(ps, s.by))
        return FAIL_TOK(ps, by, "'%.*s' is not a party to this treaty", (int)by.n, by.p);
    if (!tok_is(ps, "toward"))
        return expected(ps, "'toward'");
    next(ps);
    token tw = ps->tok;
    if (take_state(ps, &s.toward) != CASUS_OK)
        return ps->status;
    if (!find_party(ps, s.toward))
        return FAIL_TOK(ps, tw, "'%.*s' is not a party to this treaty", (int)tw.n, tw.p);
    if (s.by == s.toward)
        return FAIL_TOK(ps, tw, "a party cannot suspend its obligations toward itself");
    if (!tok_is(ps, "from"))
        return expected(ps, "'from DATE'");
    next(ps);
    token ft = ps->tok;
    if (take_date(ps, &s.period.start) != CASUS_OK)
        return ps->status;
    if (span_before(s.period.start, ps->t->in_force.start))
        return FAIL_TOK(ps, ft, "a suspension cannot start before the treaty entered into force");
    s.period.end = casus_span_open();
    if (tok_is(ps, "until")) {
        next(ps);
        token ut = ps->tok;
        if (take_date(ps, &s.period.end) != CASUS_OK)
            return ps->status;
        if (span_before(s.period.end, s.period.start))
            return FAIL_TOK(ps, ut, "a suspension cannot end before it starts");
    }
    if (ps->tok.kind == T_STRING && take_string(ps, &s.note) != CASUS_OK)
        return ps->status;
    casus_suspension *slot = casus__vec_push(&ps->suspensions, casus__world_mem(ps->world));
    if (!slot)
        return oom(ps);
    *slot = s;
    return expect_eol(ps);
}

/* ---- articles, passages, rules ------------------------------------------ */

static casus_status close_passage(parser *ps)
{
    if (!ps->in_passage)
        return ps->status;
    ps->in_passage = false;
    ps->cur_passage.text = casus__arena_strndup(ps->arena, ps->text.data ? ps->text.data : "", ps->text.len);
    if (!ps->cur_passage.text)
        return oom(ps);
    ps->text.len = 0;
    casus_passage *slot = casus__vec_push(&ps->passages, casus__world_mem(ps->world));
    if (!slot)
        return oom(ps);
    *slot = ps->cur_passage;
    return ps->status;
}

static casus_status close_rule(parser *ps)
{
    if (!ps->in_rule)
        return ps->status;
    ps->in_rule = false;
    casus_rule *r = &ps->cur_rule;
    if (!(ps->rule_seen & (1u << 1)))
        return fail_at(ps, r->line, ps->rule_col, "rule %s has no 'trigger'", casus_kind_str(r->kind));
    if (!(ps->rule_seen & (1u << 2)))
        return fail_at(ps, r->line, ps->rule_col, "rule %s has no 'timing'", casus_kind_str(r->kind));
    if (!ps->rule_actions_set) {
        static const unsigned by_kind[CASUS_KIND_COUNT] = {
            [CASUS_KIND_DEFENSE] = CASUS_ACT_MILITARY,
            [CASUS_KIND_OFFENSE] = CASUS_ACT_MILITARY,
            [CASUS_KIND_NEUTRALITY] = CASUS_ACT_ABSTAIN,
            [CASUS_KIND_NONAGGRESSION] = CASUS_ACT_REFRAIN,
            [CASUS_KIND_CONSULTATION] = CASUS_ACT_CONSULT,
        };
        r->actions = by_kind[r->kind];
    }
    r->conds = casus__arena_memdup(ps->arena, ps->conds.data, ps->conds.len * sizeof(casus_condition));
    if (!r->conds)
        return oom(ps);
    r->n_conds = ps->conds.len;
    ps->conds.len = 0;
    casus_rule *slot = casus__vec_push(&ps->rules, casus__world_mem(ps->world));
    if (!slot)
        return oom(ps);
    *slot = *r;
    return ps->status;
}

static casus_status close_article(parser *ps)
{
    if (!ps->in_article)
        return ps->status;
    if (close_passage(ps) != CASUS_OK || close_rule(ps) != CASUS_OK)
        return ps->status;
    ps->in_article = false;
    if (ps->passages.len == 0)
        return fail_at(ps, ps->article_line, 1, "article %s has no text (add a 'text' passage)", ps->article_number);
    casus_article *a = casus__vec_push(&ps->articles, casus__world_mem(ps->world));
    if (!a)
        return oom(ps);
    a->number = ps->article_number;
    a->title = ps->article_title;
    a->passages = casus__arena_memdup(ps->arena, ps->passages.data, ps->passages.len * sizeof(casus_passage));
    a->n_passages = ps->passages.len;
    a->rules = casus__arena_memdup(ps->arena, ps->rules.data, ps->rules.len * sizeof(casus_rule));
    a->n_rules = ps->rules.len;
    if (!a->passages || !a->rules)
        return oom(ps);
    ps->passages.len = 0;
    ps->rules.len = 0;
    return ps->status;
}

/* article -> 'article' NUMBER [string] */
static casus_status parse_article(parser *ps)
{
    if (close_article(ps) != CASUS_OK)
        return ps->status;
    token kw = ps->tok;
    next(ps);
    if (ps->tok.kind != T_WORD && ps->tok.kind != T_STRING)
        return expected(ps, "the article's number");
    for (size_t i = 0; i < ps->articles.len; i++) {
        const casus_article *a = &CASUS_VEC_AT(&ps->articles, casus_article, i);
        if (strlen(a->number) == ps->tok.n && memcmp(a->number, ps->tok.p, ps->tok.n) == 0)
            return FAIL_TOK(ps, ps->tok, "article %.*s is given twice", (int)ps->tok.n, ps->tok.p);
    }
    if (ps->tok.kind == T_STRING) {
        if (take_string(ps, &ps->article_number) != CASUS_OK)
            return ps->status;
    } else if (take_word(ps, "the article's number", &ps->article_number) != CASUS_OK)
        return ps->status;
    ps->article_title = NULL;
    if (ps->tok.kind == T_STRING && take_string(ps, &ps->article_title) != CASUS_OK)
        return ps->status;
    ps->in_article = true;
    ps->article_line = kw.line;
    return expect_eol(ps);
}

static bool source_declared(const parser *ps, const char *key)
{
    for (size_t i = 0; i < ps->sources.len; i++)
        if (strcmp(CASUS_VEC_AT(&ps->sources, casus_source, i).key, key) == 0)
            return true;
    return false;
}

/* passage -> 'text' STATUS SOURCE [string] NL { TEXT NL } */
static casus_status parse_text(parser *ps)
{
    token kw = ps->tok;
    if (!ps->in_article)
        return FAIL_TOK(ps, kw, "'text' outside an article (start one with 'article NUMBER')");
    if (close_rule(ps) != CASUS_OK || close_passage(ps) != CASUS_OK)
        return ps->status;
    next(ps);
    if (ps->tok.kind != T_WORD)
        return expected(ps, "the passage's status (verbatim, verbatim-partial, translation, paraphrase)");
    int st = casus_text_status_from_str(ps->tok.p, ps->tok.n);
    if (st < 0 || st == CASUS_TEXT_CODED)
        return FAIL_TOK(ps, ps->tok, "unknown text status '%.*s' (verbatim, verbatim-partial, translation, paraphrase)",
                        (int)(ps->tok.n > 40 ? 40 : ps->tok.n), ps->tok.p);
    next(ps);
    memset(&ps->cur_passage, 0, sizeof ps->cur_passage);
    ps->cur_passage.status = (casus_text_status)st;
    token src = ps->tok;
    if (take_word(ps, "the source key", &ps->cur_passage.source) != CASUS_OK)
        return ps->status;
    if (!source_declared(ps, ps->cur_passage.source))
        return FAIL_TOK(ps, src, "source '%s' is not declared (add 'source %s \"citation\"')",
                        ps->cur_passage.source, ps->cur_passage.source);
    if (ps->tok.kind == T_STRING && take_string(ps, &ps->cur_passage.note) != CASUS_OK)
        return ps->status;
    ps->in_passage = true;
    return expect_eol(ps);
}

static casus_status parse_text_line(parser *ps)
{
    if (!ps->in_passage)
        return FAIL_TOK(ps, ps->tok, "a '>' text line must follow a 'text' statement");
    const casus_mem *mem = casus__world_mem(ps->world);
    size_t need = ps->text.len + ps->tok.n + 2;
    if (!casus__vec_reserve(&ps->text, mem, need))
        return oom(ps);
    char *d = ps->text.data;
    /* Lines are joined with single spaces: line breaks are not significant. */
    size_t n = ps->tok.n;
    while (n && is_space(ps->tok.p[n - 1]))
        n--;
    if (ps->text.len && n)
        d[ps->text.len++] = ' ';
    memcpy(d + ps->text.len, ps->tok.p, n);
    ps->text.len += n;
    next(ps);
    return expect_eol(ps);
}

/* rule -> 'rule' KIND */
static casus_status parse_rule(parser *ps)
{
    token kw = ps->tok;
    if (!ps->in_article)
        return FAIL_TOK(ps, kw, "a rule must stand under the article it encodes (no 'article' before it)");
    if (close_passage(ps) != CASUS_OK || close_rule(ps) != CASUS_OK)
        return ps->status;
    next(ps);
    if (ps->tok.kind != T_WORD)
        return expected(ps, "the rule's kind (defense, offense, neutrality, nonaggression, consultation)");
    int kind = casus_kind_from_str(ps->tok.p, ps->tok.n);
    if (kind < 0)
        return FAIL_TOK(ps, ps->tok, "unknown rule kind '%.*s' (defense, offense, neutrality, nonaggression, consultation)",
                        (int)(ps->tok.n > 40 ? 40 : ps->tok.n), ps->tok.p);
    next(ps);
    memset(&ps->cur_rule, 0, sizeof ps->cur_rule);
    ps->cur_rule.kind = (casus_kind)kind;
    ps->cur_rule.line = kw.line;
    ps->cur_rule.valid.start.lo = ps->cur_rule.valid.start.hi = CASUS_DAY_NEVER_BEFORE;
    ps->cur_rule.valid.end = casus_span_open();
    ps->rule_col = kw.col;
    ps->rule_seen = 0;
    ps->rule_actions_set = false;
    ps->conds.len = 0;
    ps->in_rule = true;
    return expect_eol(ps);
}

static casus_status add_cond(parser *ps, const casus_condition *c)
{
    if (ps->conds.len >= CASUS_MAX_RULE_CONDITIONS)
        return FAIL_TOK(ps, ps->clause, "too many conditions in one rule (at most %d)", CASUS_MAX_RULE_CONDITIONS);
    casus_condition *slot = casus__vec_push(&ps->conds, casus__world_mem(ps->world));
    if (!slot)
        return oom(ps);
    *slot = *c;
    return ps->status;
}

/* place -> 'anywhere' | term { 'and' term }
 * term  -> 'territory-of' 'beneficiary' | 'administered-by' ('beneficiary' | ABB)
 *        | 'in' AREA | 'recognized-by' 'obligor' */
static casus_status parse_place(parser *ps)
{
    if (tok_is(ps, "anywhere")) {
        next(ps);
        casus_condition c = {.kind = CASUS_COND_PLACE_ANYWHERE};
        return add_cond(ps, &c);
    }
    for (;;) {
        casus_condition c = {0};
        if (tok_is(ps, "territory-of")) {
            next(ps);
            if (!tok_is(ps, "beneficiary"))
                return expected(ps, "'beneficiary'");
            next(ps);
            c.kind = CASUS_COND_PLACE_TERRITORY;
        } else if (tok_is(ps, "administered-by")) {
            next(ps);
            c.kind = CASUS_COND_PLACE_ADMINISTERED;
            if (tok_is(ps, "beneficiary"))
                next(ps);
            else {
                int *one = casus__arena_alloc(ps->arena, sizeof *one);
                if (!one)
                    return oom(ps);
                if (take_state(ps, one) != CASUS_OK)
                    return ps->status;
                c.states = one;
                c.n_states = 1;
            }
        } else if (tok_is(ps, "in")) {
            next(ps);
            token at = ps->tok;
            const char *area = NULL;
            if (take_word(ps, "an area id", &area) != CASUS_OK)
                return ps->status;
            if (!casus_world_area_find(ps->world, area))
                return FAIL_TOK(ps, at, "unknown area '%s' (not in world/areas.csv)", area);
            c.kind = CASUS_COND_PLACE_AREA;
            c.area = area;
        } else if (tok_is(ps, "recognized-by")) {
            next(ps);
            if (!tok_is(ps, "obligor"))
                return expected(ps, "'obligor'");
            next(ps);
            c.kind = CASUS_COND_PLACE_RECOGNIZED;
        } else {
            return expected(ps, "a place term (anywhere, territory-of beneficiary, administered-by ..., in AREA, recognized-by obligor)");
        }
        if (add_cond(ps, &c) != CASUS_OK)
            return ps->status;
        if (!tok_is(ps, "and"))
            return ps->status;
        next(ps);
    }
}

/* adversary -> 'any' | 'non-party' | 'external' | 'one-of' state-list */
static casus_status parse_adversary(parser *ps)
{
    casus_condition c = {0};
    if (tok_is(ps, "any"))
        c.kind = CASUS_COND_ADVERSARY_ANY;
    else if (tok_is(ps, "non-party"))
        c.kind = CASUS_COND_ADVERSARY_NONPARTY;
    else if (tok_is(ps, "external"))
        c.kind = CASUS_COND_ADVERSARY_EXTERNAL;
    else if (tok_is(ps, "one-of")) {
        next(ps);
        c.kind = CASUS_COND_ADVERSARY_STATES;
        if (take_state_list(ps, false, &c.states, &c.n_states) != CASUS_OK)
            return ps->status;
        return add_cond(ps, &c);
    } else
        return expected(ps, "any, non-party, external or one-of STATES");
    next(ps);
    return add_cond(ps, &c);
}

/* action -> ACTION { ACTION } */
static casus_status parse_action(parser *ps)
{
    static const char *const names[] = {"military", "other", "consult", "abstain", "refrain"};
    unsigned acts = 0;
    if (ps->tok.kind != T_WORD)
        return expected(ps, "an action (military, other, consult, abstain, refrain)");
    while (ps->tok.kind == T_WORD) {
        unsigned bit = 0;
        for (unsigned i = 0; i < 5; i++)
            if (tok_is(ps, names[i]))
                bit = 1u << i;
        if (!bit)
            return FAIL_TOK(ps, ps->tok, "unknown action '%.*s' (military, other, consult, abstain, refrain)",
                            (int)(ps->tok.n > 40 ? 40 : ps->tok.n), ps->tok.p);
        acts |= bit;
        next(ps);
    }
    ps->cur_rule.actions = acts;
    ps->rule_actions_set = true;
    return ps->status;
}

/* clause -> owed-by | owed-to | trigger | adversary | place | when-attacked
 *         | action | timing | valid | undecidable */
static casus_status parse_clause(parser *ps)
{
    static const char *const clauses[] = {"owed-by", "owed-to", "trigger", "timing", "adversary", "place",
                                          "when-attacked", "action", "valid", "undecidable"};
    token kw = ps->tok;
    ps->clause = kw;
    int which = -1;
    for (int i = 0; i < (int)(sizeof clauses / sizeof *clauses); i++)
        if (tok_is(ps, clauses[i]))
            which = i;
    /* bits: 0 owed-by, 1 trigger, 2 timing (required ones), then the others */
    static const int bit_of[] = {0, 3, 1, 2, 4, 5, 6, 7, 8, -1};
    if (which < 0)
        return FAIL_TOK(ps, kw, "unknown statement '%.*s'%s", (int)(kw.n > 40 ? 40 : kw.n), kw.p,
                        ps->in_rule ? " in a rule" : " in an article");
    if (!ps->in_rule)
        return FAIL_TOK(ps, kw, "'%s' outside a rule (start one with 'rule KIND')", clauses[which]);
    int bit = bit_of[which];
    if (bit >= 0) {
        if (ps->rule_seen & (1u << bit))
            return FAIL_TOK(ps, kw, "'%s' given twice in one rule", clauses[which]);
        ps->rule_seen |= 1u << bit;
    }
    next(ps);
    casus_rule *r = &ps->cur_rule;
    switch (which) {
    case 0: /* owed-by each | state-list */
        if (tok_is(ps, "each"))
            next(ps);
        else if (take_state_list(ps, true, &r->owed_by, &r->n_owed_by) != CASUS_OK)
            return ps->status;
        break;
    case 1: /* owed-to others | state-list */
        if (tok_is(ps, "others"))
            next(ps);
        else if (take_state_list(ps, true, &r->owed_to, &r->n_owed_to) != CASUS_OK)
            return ps->status;
        break;
    case 2: {
        int v = ps->tok.kind == T_WORD ? casus_trigger_from_str(ps->tok.p, ps->tok.n) : -1;
        if (v < 0)
            return expected(ps, "a trigger (armed-attack, war-by-invasion, aggression, threat, unspecified)");
        r->trigger = (casus_trigger)v;
        next(ps);
        break;
    }
    case 3: {
        int v = ps->tok.kind == T_WORD ? casus_timing_from_str(ps->tok.p, ps->tok.n) : -1;
        if (v < 0)
            return expected(ps, "a timing (immediate, as-deemed-necessary, constitutional-processes, after-consultation, unspecified)");
        r->timing = (casus_timing)v;
        next(ps);
        break;
    }
    case 4:
        if (parse_adversary(ps) != CASUS_OK)
            return ps->status;
        break;
    case 5:
        if (parse_place(ps) != CASUS_OK)
            return ps->status;
        break;
    case 6: {
        casus_condition c = {.kind = CASUS_COND_BENEFICIARY_ATTACKED};
        if (add_cond(ps, &c) != CASUS_OK)
            return ps->status;
        break;
    }
    case 7:
        if (parse_action(ps) != CASUS_OK)
            return ps->status;
        break;
    case 8: /* valid from date [until date] */
        if (!tok_is(ps, "from"))
            return expected(ps, "'from DATE'");
        next(ps);
        if (take_date(ps, &r->valid.start) != CASUS_OK)
            return ps->status;
        if (tok_is(ps, "until")) {
            next(ps);
            token ut = ps->tok;
            if (take_date(ps, &r->valid.end) != CASUS_OK)
                return ps->status;
            if (span_before(r->valid.end, r->valid.start))
                return FAIL_TOK(ps, ut, "a rule cannot cease to apply before it starts");
        }
        break;
    case 9: {
        casus_condition c = {.kind = CASUS_COND_UNDECIDABLE};
        if (take_string(ps, &c.text) != CASUS_OK)
            return ps->status;
        if (add_cond(ps, &c) != CASUS_OK)
            return ps->status;
        break;
    }
    default:
        break;
    }
    return expect_eol(ps);
}

/* header-stmt -> title string | signed date | in-force date | ends ... | atop ... | source KEY string | note string */
static casus_status parse_header_stmt(parser *ps)
{
    token kw = ps->tok;
    if (ps->in_article || ps->parties.len)
        if (!tok_is(ps, "note") && !tok_is(ps, "source"))
            return FAIL_TOK(ps, kw, "'%.*s' belongs in the treaty's header, before the parties", (int)kw.n, kw.p);
    if (tok_is(ps, "title")) {
        next(ps);
        if (ps->seen_title)
            return FAIL_TOK(ps, kw, "'title' given twice");
        ps->seen_title = true;
        if (take_string(ps, &ps->t->title) != CASUS_OK)
            return ps->status;
    } else if (tok_is(ps, "signed")) {
        next(ps);
        if (ps->seen_signed)
            return FAIL_TOK(ps, kw, "'signed' given twice");
        ps->seen_signed = true;
        if (take_date(ps, &ps->t->signed_on) != CASUS_OK)
            return ps->status;
    } else if (tok_is(ps, "in-force")) {
        next(ps);
        if (ps->seen_in_force)
            return FAIL_TOK(ps, kw, "'in-force' given twice");
        ps->seen_in_force = true;
        token at = ps->tok;
        if (take_date(ps, &ps->t->in_force.start) != CASUS_OK)
            return ps->status;
        if (ps->seen_signed && span_before(ps->t->in_force.start, ps->t->signed_on))
            return FAIL_TOK(ps, at, "the treaty cannot enter into force before it was signed");
    } else if (tok_is(ps, "ends")) {
        return parse_ends(ps);
    } else if (tok_is(ps, "atop")) {
        next(ps);
        if (tok_is(ps, "none"))
            next(ps);
        else {
            if (ps->tok.kind != T_WORD)
                return expected(ps, "ATOP alliance ids or 'none'");
            while (ps->tok.kind == T_WORD) {
                int id;
                if (!casus__parse_int(ps->tok.p, ps->tok.n, &id) || id < 1000 || id > 9999)
                    return FAIL_TOK(ps, ps->tok, "'%.*s' is not an ATOP alliance id (1000-9999)", (int)(ps->tok.n > 40 ? 40 : ps->tok.n), ps->tok.p);
                int *slot = casus__vec_push(&ps->atop, casus__world_mem(ps->world));
                if (!slot)
                    return oom(ps);
                *slot = id;
                next(ps);
            }
        }
    } else if (tok_is(ps, "source")) {
        next(ps);
        casus_source s;
        token key = ps->tok;
        if (take_word(ps, "a source key", &s.key) != CASUS_OK)
            return ps->status;
        if (source_declared(ps, s.key))
            return FAIL_TOK(ps, key, "source '%s' is declared twice", s.key);
        if (take_string(ps, &s.text) != CASUS_OK)
            return ps->status;
        casus_source *slot = casus__vec_push(&ps->sources, casus__world_mem(ps->world));
        if (!slot)
            return oom(ps);
        *slot = s;
    } else if (tok_is(ps, "note")) {
        next(ps);
        const char *note;
        if (take_string(ps, &note) != CASUS_OK)
            return ps->status;
        ps->t->notes = ps->t->notes ? casus__arena_printf(ps->arena, "%s\n%s", ps->t->notes, note) : note;
        if (!ps->t->notes)
            return oom(ps);
    } else {
        return FAIL_TOK(ps, kw, "unknown statement '%.*s'", (int)(kw.n > 40 ? 40 : kw.n), kw.p);
    }
    return expect_eol(ps);
}

/* file -> { NL } 'treaty' ID eol { statement eol } EOF */
static casus_status parse_file(parser *ps)
{
    next(ps);
    while (ps->tok.kind == T_NL)
        next(ps);
    if (!tok_is(ps, "treaty"))
        return expected(ps, "'treaty ID' to open the file");
    next(ps);
    token idt = ps->tok;
    if (take_word(ps, "the treaty's id", &ps->t->id) != CASUS_OK)
        return ps->status;
    for (const char *c = ps->t->id; *c; c++)
        if (!(islower((unsigned char)*c) || isdigit((unsigned char)*c) || *c == '-'))
            return FAIL_TOK(ps, idt, "treaty id '%s' may hold only lower-case letters, digits and '-'", ps->t->id);
    if (expect_eol(ps) != CASUS_OK)
        return ps->status;
    ps->t->in_force.end = casus_span_open();
    while (ps->status == CASUS_OK && ps->tok.kind != T_EOF) {
        if (ps->tok.kind == T_NL) {
            next(ps);
            continue;
        }
        if (ps->tok.kind == T_TEXT) {
            parse_text_line(ps);
            continue;
        }
        if (ps->tok.kind != T_WORD) {
            char b[64];
            FAIL_TOK(ps, ps->tok, "expected a statement, found %s", tok_desc(&ps->tok, b, sizeof b));
            break;
        }
        if (ps->in_passage && !tok_is(ps, "text") && !tok_is(ps, "rule") && !tok_is(ps, "article")) {
            /* a passage ends at its first non-text line */
            if (close_passage(ps) != CASUS_OK)
                break;
        }
        if (tok_is(ps, "party") || tok_is(ps, "suspend")) {
            if (!ps->seen_title || !ps->seen_signed || !ps->seen_in_force || !ps->seen_ends)
                return FAIL_TOK(ps, ps->tok, "the header must give title, signed, in-force and ends before the parties");
            if (ps->in_article)
                return FAIL_TOK(ps, ps->tok, "parties are declared before the first article");
            if (tok_is(ps, "party"))
                parse_party(ps);
            else
                parse_suspend(ps);
        } else if (tok_is(ps, "article")) {
            if (ps->parties.len == 0)
                return FAIL_TOK(ps, ps->tok, "declare the parties before the first article");
            parse_article(ps);
        } else if (tok_is(ps, "text"))
            parse_text(ps);
        else if (tok_is(ps, "rule"))
            parse_rule(ps);
        else if (ps->in_rule || ps->in_article)
            parse_clause(ps);
        else
            parse_header_stmt(ps);
    }
    if (ps->status != CASUS_OK)
        return ps->status;
    if (close_article(ps) != CASUS_OK)
        return ps->status;
    if (!ps->seen_title || !ps->seen_signed || !ps->seen_in_force || !ps->seen_ends)
        return fail_at(ps, 1, 1, "treaty %s lacks %s", ps->t->id,
                       !ps->seen_title ? "a title" : !ps->seen_signed ? "'signed'" : !ps->seen_in_force ? "'in-force'" : "'ends'");
    if (ps->parties.len == 0)
        return fail_at(ps, 1, 1, "treaty %s has no parties", ps->t->id);
    if (ps->articles.len == 0)
        return fail_at(ps, 1, 1, "treaty %s has no articles", ps->t->id);
    return ps->status;
}

static void parser_free(parser *ps)
{
    const casus_mem *mem = casus__world_mem(ps->world);
    casus__vec_free(&ps->parties, mem);
    casus__vec_free(&ps->suspensions, mem);
    casus__vec_free(&ps->articles, mem);
    casus__vec_free(&ps->sources, mem);
    casus__vec_free(&ps->atop, mem);
    casus__vec_free(&ps->passages, mem);
    casus__vec_free(&ps->rules, mem);
    casus__vec_free(&ps->text, mem);
    casus__vec_free(&ps->conds, mem);
}

casus_status casus_world_load_treaty_text(casus_world *w, const char *name, const char *text, size_t len,
                                          casus_error *err)
{
    if (len > CASUS_MAX_TREATY_FILE)
        return casus_error_set(err, CASUS_TOOBIG, name, 0, 0, "treaty file is larger than %u bytes",
                               CASUS_MAX_TREATY_FILE);
    casus_arena *arena = casus__world_arena(w);
    casus_world_tx tx;
    casus__world_begin(w, &tx);
    parser ps = {.world = w, .arena = arena, .name = name, .buf = text, .len = len, .line = 1, .err = err};
    casus__vec_init(&ps.parties, sizeof(casus_party));
    casus__vec_init(&ps.suspensions, sizeof(casus_suspension));
    casus__vec_init(&ps.articles, sizeof(casus_article));
    casus__vec_init(&ps.sources, sizeof(casus_source));
    casus__vec_init(&ps.atop, sizeof(int));
    casus__vec_init(&ps.passages, sizeof(casus_passage));
    casus__vec_init(&ps.rules, sizeof(casus_rule));
    casus__vec_init(&ps.text, 1);
    casus__vec_init(&ps.conds, sizeof(casus_condition));
    ps.t = casus__arena_alloc(arena, sizeof *ps.t);
    casus_status st = ps.t ? parse_file(&ps) : oom(&ps);
    if (st == CASUS_OK) {
        casus_treaty *t = ps.t;
        t->file = casus__arena_strdup(arena, name);
        t->parties = casus__arena_memdup(arena, ps.parties.data, ps.parties.len * sizeof(casus_party));
        t->n_parties = ps.parties.len;
        t->suspensions = casus__arena_memdup(arena, ps.suspensions.data, ps.suspensions.len * sizeof(casus_suspension));
        t->n_suspensions = ps.suspensions.len;
        t->articles = casus__arena_memdup(arena, ps.articles.data, ps.articles.len * sizeof(casus_article));
        t->n_articles = ps.articles.len;
        t->sources = casus__arena_memdup(arena, ps.sources.data, ps.sources.len * sizeof(casus_source));
        t->n_sources = ps.sources.len;
        t->atop = casus__arena_memdup(arena, ps.atop.data, ps.atop.len * sizeof(int));
        t->n_atop = ps.atop.len;
        if (!t->file || !t->parties || !t->suspensions || !t->articles || !t->sources || !t->atop)
            st = oom(&ps);
        else
            st = casus__world_add_treaty(w, t, err);
    }
    parser_free(&ps);
    if (st != CASUS_OK)
        casus__world_rollback(w, &tx);
    return st;
}

casus_status casus_world_load_treaty_file(casus_world *w, const char *path, casus_error *err)
{
    char *buf = NULL;
    size_t len = 0;
    casus_status st = casus__read_file(casus__world_mem(w), path, CASUS_MAX_TREATY_FILE, &buf, &len, err);
    if (st != CASUS_OK)
        return st;
    st = casus_world_load_treaty_text(w, path, buf, len, err);
    casus__mem_free(casus__world_mem(w), buf, 0);
    return st;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

casus_status casus_world_load_treaty_dir(casus_world *w, const char *dir, casus_error *err)
{
    DIR *d = opendir(dir);
    if (!d)
        return casus_error_set(err, CASUS_IO, dir, 0, 0, "cannot open the treaty directory");
    const casus_mem *mem = casus__world_mem(w);
    casus_vec names;
    casus__vec_init(&names, sizeof(char *));
    casus_status st = CASUS_OK;
    /* One bad file leaves none of the directory's treaties behind. */
    casus_world_tx *tx = casus__mem_alloc(mem, sizeof *tx);
    if (!tx) {
        closedir(d);
        return casus_error_set(err, CASUS_NOMEM, dir, 0, 0, "out of memory");
    }
    casus__world_begin(w, tx);
    struct dirent *e;
    while (st == CASUS_OK && (e = readdir(d)) != NULL) {
        size_t n = strlen(e->d_name);
        if (n <= 7 || strcmp(e->d_name + n - 7, ".treaty") != 0 || e->d_name[0] == '.')
            continue;
        char **slot = casus__vec_push(&names, mem);
        char *path = slot ? casus__mem_alloc(mem, strlen(dir) + n + 2) : NULL;
        if (!path) {
            st = casus_error_set(err, CASUS_NOMEM, dir, 0, 0, "out of memory");
            if (slot)
                names.len--;
            break;
        }
        sprintf(path, "%s/%s", dir, e->d_name);
        *slot = path;
    }
    closedir(d);
    if (names.len)
        qsort(names.data, names.len, sizeof(char *), cmp_names);
    for (size_t i = 0; i < names.len; i++) {
        char *path = CASUS_VEC_AT(&names, char *, i);
        if (st == CASUS_OK)
            st = casus_world_load_treaty_file(w, path, err);
        casus__mem_free(mem, path, 0);
    }
    casus__vec_free(&names, mem);
    if (st != CASUS_OK)
        casus__world_rollback(w, tx);
    casus__mem_free(mem, tx, sizeof *tx);
    return st;
}
