/* The treaty file parser: hand-written recursive descent over a line-
 * oriented token stream, with file:line:col errors.  The format is
 * documented in docs/treaty-format.md; each parse function carries the
 * grammar rule it implements.
 *
 * The grammar has no nesting beyond file > article > rule, so there is no
 * recursion to guard; the input size is capped by CASUS_MAX_TREATY_FILE and
 * every list by MAX_LIST. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "linelex.h"
#include "text.h"
#include "world_internal.h"

#define MAX_LIST 256 /* states in one list, parties, passages, ... */

typedef struct parser {
    casus_world *world;
    casus_arena *arena;
    casus_lx lx;
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
    casus_lx_token clause; /* the keyword of the clause being read, for errors */
    bool rule_actions_set;
    int rule_col;
    /* header fields seen */
    bool seen_title, seen_signed, seen_in_force, seen_ends;
} parser;

#define LX (&ps->lx)
#define TOK (ps->lx.tok)
#define FAIL_TOK(tk, ...) casus__lx_fail(LX, (tk).line, (tk).col, __VA_ARGS__)

/* The lexer is linelex.c's. */

/* ---- names -------------------------------------------------------------- */

static casus_status take_state(parser *ps, int *ccode)
{
    if (TOK.kind != LX_WORD)
        return casus__lx_expected(LX, "a state (COW abbreviation)");
    char abb[8];
    if (TOK.n > 3 || TOK.n < 2)
        return FAIL_TOK(TOK, "'%.*s' is not a COW state abbreviation", (int)(TOK.n > 40 ? 40 : TOK.n), TOK.p);
    snprintf(abb, sizeof abb, "%.*s", (int)TOK.n, TOK.p);
    const casus_state *s = casus_world_state_by_abb(ps->world, abb);
    if (!s || strcmp(s->abb, abb) != 0)
        return FAIL_TOK(TOK, "unknown state '%s' (not in the world's state table)", abb);
    *ccode = s->ccode;
    casus__lx_next(LX);
    return ps->lx.status;
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
    if (TOK.kind != LX_WORD)
        return casus__lx_expected(LX, "a state (COW abbreviation)");
    while (TOK.kind == LX_WORD && ps->lx.status == CASUS_OK) {
        casus_lx_token at = TOK;
        if (n == MAX_LIST)
            return FAIL_TOK(at, "too many states in one list (at most %d)", MAX_LIST);
        if (take_state(ps, &list[n]) != CASUS_OK)
            return ps->lx.status;
        if (must_be_party && !find_party(ps, list[n]))
            return FAIL_TOK(at, "'%.*s' is not a party to this treaty (declare it with 'party' first)", (int)at.n, at.p);
        n++;
    }
    *out = casus__arena_memdup(ps->arena, list, n * sizeof *list);
    if (!*out)
        return casus__lx_oom(LX);
    *n_out = n;
    return ps->lx.status;
}

/* ---- header ------------------------------------------------------------- */

static bool span_before(casus_span a, casus_span b) /* a certainly after b? no: a ends before b starts */
{
    return a.hi < b.lo;
}

/* ends -> 'ends' ( 'never' | date CAUSE [string] ) */
static casus_status parse_ends(parser *ps)
{
    casus_lx_token kw = TOK;
    casus__lx_next(LX);
    if (ps->seen_ends)
        return FAIL_TOK(kw, "'ends' given twice");
    ps->seen_ends = true;
    if (casus__lx_is(LX, "never")) {
        ps->t->in_force.end = casus_span_open();
        ps->t->end_cause = CASUS_END_NONE;
        casus__lx_next(LX);
        return casus__lx_eol(LX);
    }
    casus_span end;
    casus_lx_token at = TOK;
    if (casus__lx_calendar_date(LX, NULL, &end) != CASUS_OK)
        return ps->lx.status;
    if (ps->seen_in_force && span_before(end, ps->t->in_force.start))
        return FAIL_TOK(at, "the treaty cannot end before it entered into force");
    ps->t->in_force.end = end;
    if (TOK.kind != LX_WORD)
        return casus__lx_expected(LX, "how it ended (lapse, denunciation, replaced, terminated, unknown)");
    int cause = casus_end_from_str(TOK.p, TOK.n);
    if (cause < 0 || cause == CASUS_END_NONE)
        return FAIL_TOK(TOK, "unknown end cause '%.*s' (lapse, denunciation, replaced, terminated, unknown)",
                        (int)(TOK.n > 40 ? 40 : TOK.n), TOK.p);
    ps->t->end_cause = (casus_end)cause;
    casus__lx_next(LX);
    if (TOK.kind == LX_STRING && casus__lx_string(LX, ps->arena, &ps->t->end_note) != CASUS_OK)
        return ps->lx.status;
    return casus__lx_eol(LX);
}

/* party -> 'party' ABB CCODE 'joined' date [ 'left' date [string] ] */
static casus_status parse_party(parser *ps)
{
    casus__lx_next(LX);
    casus_party p = {0};
    casus_lx_token abb_tok = TOK;
    if (abb_tok.kind != LX_WORD)
        return casus__lx_expected(LX, "a state abbreviation");
    char abb[8];
    snprintf(abb, sizeof abb, "%.*s", (int)(abb_tok.n > 7 ? 7 : abb_tok.n), abb_tok.p);
    casus__lx_next(LX);
    casus_lx_token code_tok = TOK;
    int ccode = 0;
    if (code_tok.kind != LX_WORD || !casus__parse_int(code_tok.p, code_tok.n, &ccode) || ccode <= 0)
        return FAIL_TOK(code_tok, "party '%s' needs its COW state code (a number) after the abbreviation", abb);
    const casus_state *s = casus_world_state_by_ccode(ps->world, ccode);
    if (!s)
        return FAIL_TOK(code_tok, "unknown COW state code %d", ccode);
    if (abb_tok.n > 3 || strcmp(s->abb, abb) != 0)
        return FAIL_TOK(abb_tok, "COW code %d is %s, not '%s'", ccode, s->abb, abb);
    casus__lx_next(LX);
    p.ccode = ccode;
    memcpy(p.abb, s->abb, sizeof p.abb);
    if (!casus__lx_is(LX, "joined"))
        return casus__lx_expected(LX, "'joined DATE'");
    casus__lx_next(LX);
    casus_lx_token jt = TOK;
    if (casus__lx_calendar_date(LX, NULL, &p.member.start) != CASUS_OK)
        return ps->lx.status;
    if (ps->seen_in_force && span_before(p.member.start, ps->t->in_force.start))
        return FAIL_TOK(jt, "%s cannot join before the treaty entered into force", abb);
    p.member.end = ps->t->in_force.end;
    if (casus__lx_is(LX, "left")) {
        casus__lx_next(LX);
        casus_lx_token lt = TOK;
        if (casus__lx_calendar_date(LX, NULL, &p.member.end) != CASUS_OK)
            return ps->lx.status;
        if (span_before(p.member.end, p.member.start))
            return FAIL_TOK(lt, "%s cannot leave before it joined", abb);
        if (ps->seen_ends && span_before(ps->t->in_force.end, p.member.end))
            return FAIL_TOK(lt, "%s cannot leave after the treaty ended", abb);
        if (TOK.kind == LX_STRING && casus__lx_string(LX, ps->arena, &p.note) != CASUS_OK)
            return ps->lx.status;
    }
    for (size_t i = 0; i < ps->parties.len; i++) {
        const casus_party *q = &CASUS_VEC_AT(&ps->parties, casus_party, i);
        /* A state may have several spells as a party, but they must not overlap. */
        if (q->ccode == ccode && !(span_before(q->member.end, p.member.start) || span_before(p.member.end, q->member.start)))
            return FAIL_TOK(abb_tok, "%s is already a party for part of that period", abb);
    }
    if (ps->parties.len >= MAX_LIST)
        return FAIL_TOK(abb_tok, "too many parties (at most %d)", MAX_LIST);
    casus_party *slot = casus__vec_push(&ps->parties, casus__world_mem(ps->world));
    if (!slot)
        return casus__lx_oom(LX);
    *slot = p;
    return casus__lx_eol(LX);
}

/* suspend -> 'suspend' ABB 'toward' ABB 'from' date [ 'until' date ] [string] */
static casus_status parse_suspend(parser *ps)
{
    casus__lx_next(LX);
    casus_suspension s = {0};
    casus_lx_token by = TOK;
    if (take_state(ps, &s.by) != CASUS_OK)
        return ps->lx.status;
    if (!find_party(ps, s.by))
        return FAIL_TOK(by, "'%.*s' is not a party to this treaty", (int)by.n, by.p);
    if (!casus__lx_is(LX, "toward"))
        return casus__lx_expected(LX, "'toward'");
    casus__lx_next(LX);
    casus_lx_token tw = TOK;
    if (take_state(ps, &s.toward) != CASUS_OK)
        return ps->lx.status;
    if (!find_party(ps, s.toward))
        return FAIL_TOK(tw, "'%.*s' is not a party to this treaty", (int)tw.n, tw.p);
    if (s.by == s.toward)
        return FAIL_TOK(tw, "a party cannot suspend its obligations toward itself");
    if (!casus__lx_is(LX, "from"))
        return casus__lx_expected(LX, "'from DATE'");
    casus__lx_next(LX);
    casus_lx_token ft = TOK;
    if (casus__lx_calendar_date(LX, NULL, &s.period.start) != CASUS_OK)
        return ps->lx.status;
    if (span_before(s.period.start, ps->t->in_force.start))
        return FAIL_TOK(ft, "a suspension cannot start before the treaty entered into force");
    s.period.end = casus_span_open();
    if (casus__lx_is(LX, "until")) {
        casus__lx_next(LX);
        casus_lx_token ut = TOK;
        if (casus__lx_calendar_date(LX, NULL, &s.period.end) != CASUS_OK)
            return ps->lx.status;
        if (span_before(s.period.end, s.period.start))
            return FAIL_TOK(ut, "a suspension cannot end before it starts");
    }
    if (TOK.kind == LX_STRING && casus__lx_string(LX, ps->arena, &s.note) != CASUS_OK)
        return ps->lx.status;
    casus_suspension *slot = casus__vec_push(&ps->suspensions, casus__world_mem(ps->world));
    if (!slot)
        return casus__lx_oom(LX);
    *slot = s;
    return casus__lx_eol(LX);
}

/* ---- articles, passages, rules ------------------------------------------ */

static casus_status close_passage(parser *ps)
{
    if (!ps->in_passage)
        return ps->lx.status;
    ps->in_passage = false;
    ps->cur_passage.text = casus__arena_strndup(ps->arena, ps->text.data ? ps->text.data : "", ps->text.len);
    if (!ps->cur_passage.text)
        return casus__lx_oom(LX);
    ps->text.len = 0;
    casus_passage *slot = casus__vec_push(&ps->passages, casus__world_mem(ps->world));
    if (!slot)
        return casus__lx_oom(LX);
    *slot = ps->cur_passage;
    return ps->lx.status;
}

static casus_status close_rule(parser *ps)
{
    if (!ps->in_rule)
        return ps->lx.status;
    ps->in_rule = false;
    casus_rule *r = &ps->cur_rule;
    if (!(ps->rule_seen & (1u << 1)))
        return casus__lx_fail(LX, r->line, ps->rule_col, "rule %s has no 'trigger'", casus_kind_str(r->kind));
    if (!(ps->rule_seen & (1u << 2)))
        return casus__lx_fail(LX, r->line, ps->rule_col, "rule %s has no 'timing'", casus_kind_str(r->kind));
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
        return casus__lx_oom(LX);
    r->n_conds = ps->conds.len;
    ps->conds.len = 0;
    casus_rule *slot = casus__vec_push(&ps->rules, casus__world_mem(ps->world));
    if (!slot)
        return casus__lx_oom(LX);
    *slot = *r;
    return ps->lx.status;
}

static casus_status close_article(parser *ps)
{
    if (!ps->in_article)
        return ps->lx.status;
    if (close_passage(ps) != CASUS_OK || close_rule(ps) != CASUS_OK)
        return ps->lx.status;
    ps->in_article = false;
    if (ps->passages.len == 0)
        return casus__lx_fail(LX, ps->article_line, 1, "article %s has no text (add a 'text' passage)", ps->article_number);
    casus_article *a = casus__vec_push(&ps->articles, casus__world_mem(ps->world));
    if (!a)
        return casus__lx_oom(LX);
    a->number = ps->article_number;
    a->title = ps->article_title;
    a->passages = casus__arena_memdup(ps->arena, ps->passages.data, ps->passages.len * sizeof(casus_passage));
    a->n_passages = ps->passages.len;
    a->rules = casus__arena_memdup(ps->arena, ps->rules.data, ps->rules.len * sizeof(casus_rule));
    a->n_rules = ps->rules.len;
    if (!a->passages || !a->rules)
        return casus__lx_oom(LX);
    ps->passages.len = 0;
    ps->rules.len = 0;
    return ps->lx.status;
}

/* article -> 'article' NUMBER [string] */
static casus_status parse_article(parser *ps)
{
    if (close_article(ps) != CASUS_OK)
        return ps->lx.status;
    casus_lx_token kw = TOK;
    casus__lx_next(LX);
    if (TOK.kind != LX_WORD && TOK.kind != LX_STRING)
        return casus__lx_expected(LX, "the article's number");
    for (size_t i = 0; i < ps->articles.len; i++) {
        const casus_article *a = &CASUS_VEC_AT(&ps->articles, casus_article, i);
        if (strlen(a->number) == TOK.n && memcmp(a->number, TOK.p, TOK.n) == 0)
            return FAIL_TOK(TOK, "article %.*s is given twice", (int)TOK.n, TOK.p);
    }
    if (TOK.kind == LX_STRING) {
        if (casus__lx_string(LX, ps->arena, &ps->article_number) != CASUS_OK)
            return ps->lx.status;
    } else if (casus__lx_word(LX, ps->arena, "the article's number", &ps->article_number) != CASUS_OK)
        return ps->lx.status;
    ps->article_title = NULL;
    if (TOK.kind == LX_STRING && casus__lx_string(LX, ps->arena, &ps->article_title) != CASUS_OK)
        return ps->lx.status;
    ps->in_article = true;
    ps->article_line = kw.line;
    return casus__lx_eol(LX);
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
    casus_lx_token kw = TOK;
    if (!ps->in_article)
        return FAIL_TOK(kw, "'text' outside an article (start one with 'article NUMBER')");
    if (close_rule(ps) != CASUS_OK || close_passage(ps) != CASUS_OK)
        return ps->lx.status;
    casus__lx_next(LX);
    if (TOK.kind != LX_WORD)
        return casus__lx_expected(LX, "the passage's status (verbatim, verbatim-partial, translation, paraphrase)");
    int st = casus_text_status_from_str(TOK.p, TOK.n);
    if (st < 0 || st == CASUS_TEXT_CODED)
        return FAIL_TOK(TOK, "unknown text status '%.*s' (verbatim, verbatim-partial, translation, paraphrase)",
                        (int)(TOK.n > 40 ? 40 : TOK.n), TOK.p);
    casus__lx_next(LX);
    memset(&ps->cur_passage, 0, sizeof ps->cur_passage);
    ps->cur_passage.status = (casus_text_status)st;
    casus_lx_token src = TOK;
    if (casus__lx_word(LX, ps->arena, "the source key", &ps->cur_passage.source) != CASUS_OK)
        return ps->lx.status;
    if (!source_declared(ps, ps->cur_passage.source))
        return FAIL_TOK(src, "source '%s' is not declared (add 'source %s \"citation\"')",
                        ps->cur_passage.source, ps->cur_passage.source);
    if (TOK.kind == LX_STRING && casus__lx_string(LX, ps->arena, &ps->cur_passage.note) != CASUS_OK)
        return ps->lx.status;
    ps->in_passage = true;
    return casus__lx_eol(LX);
}

static casus_status parse_text_line(parser *ps)
{
    if (!ps->in_passage)
        return FAIL_TOK(TOK, "a '>' text line must follow a 'text' statement");
    const casus_mem *mem = casus__world_mem(ps->world);
    size_t need = ps->text.len + TOK.n + 2;
    if (!casus__vec_reserve(&ps->text, mem, need))
        return casus__lx_oom(LX);
    char *d = ps->text.data;
    /* Lines are joined with single spaces: line breaks are not significant. */
    size_t n = casus__lx_text_len(&TOK);
    if (ps->text.len && n)
        d[ps->text.len++] = ' ';
    memcpy(d + ps->text.len, TOK.p, n);
    ps->text.len += n;
    casus__lx_next(LX);
    return casus__lx_eol(LX);
}

/* rule -> 'rule' KIND */
static casus_status parse_rule(parser *ps)
{
    casus_lx_token kw = TOK;
    if (!ps->in_article)
        return FAIL_TOK(kw, "a rule must stand under the article it encodes (no 'article' before it)");
    if (close_passage(ps) != CASUS_OK || close_rule(ps) != CASUS_OK)
        return ps->lx.status;
    casus__lx_next(LX);
    if (TOK.kind != LX_WORD)
        return casus__lx_expected(LX, "the rule's kind (defense, offense, neutrality, nonaggression, consultation)");
    int kind = casus_kind_from_str(TOK.p, TOK.n);
    if (kind < 0)
        return FAIL_TOK(TOK, "unknown rule kind '%.*s' (defense, offense, neutrality, nonaggression, consultation)",
                        (int)(TOK.n > 40 ? 40 : TOK.n), TOK.p);
    casus__lx_next(LX);
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
    return casus__lx_eol(LX);
}

static casus_status add_cond(parser *ps, const casus_condition *c)
{
    if (ps->conds.len >= CASUS_MAX_RULE_CONDITIONS)
        return FAIL_TOK(ps->clause, "too many conditions in one rule (at most %d)", CASUS_MAX_RULE_CONDITIONS);
    casus_condition *slot = casus__vec_push(&ps->conds, casus__world_mem(ps->world));
    if (!slot)
        return casus__lx_oom(LX);
    *slot = *c;
    return ps->lx.status;
}

/* place -> 'anywhere' | term { 'and' term }
 * term  -> 'territory-of' 'beneficiary' | 'administered-by' ('beneficiary' | ABB)
 *        | 'in' AREA | 'recognized-by' 'obligor' */
static casus_status parse_place(parser *ps)
{
    if (casus__lx_is(LX, "anywhere")) {
        casus__lx_next(LX);
        casus_condition c = {.kind = CASUS_COND_PLACE_ANYWHERE};
        return add_cond(ps, &c);
    }
    for (;;) {
        casus_condition c = {0};
        if (casus__lx_is(LX, "territory-of")) {
            casus__lx_next(LX);
            if (!casus__lx_is(LX, "beneficiary"))
                return casus__lx_expected(LX, "'beneficiary'");
            casus__lx_next(LX);
            c.kind = CASUS_COND_PLACE_TERRITORY;
        } else if (casus__lx_is(LX, "administered-by")) {
            casus__lx_next(LX);
            c.kind = CASUS_COND_PLACE_ADMINISTERED;
            if (casus__lx_is(LX, "beneficiary"))
                casus__lx_next(LX);
            else {
                int *one = casus__arena_alloc(ps->arena, sizeof *one);
                if (!one)
                    return casus__lx_oom(LX);
                if (take_state(ps, one) != CASUS_OK)
                    return ps->lx.status;
                c.states = one;
                c.n_states = 1;
            }
        } else if (casus__lx_is(LX, "in")) {
            casus__lx_next(LX);
            casus_lx_token at = TOK;
            const char *area = NULL;
            if (casus__lx_word(LX, ps->arena, "an area id", &area) != CASUS_OK)
                return ps->lx.status;
            if (!casus_world_area_find(ps->world, area))
                return FAIL_TOK(at, "unknown area '%s' (not in world/areas.csv)", area);
            c.kind = CASUS_COND_PLACE_AREA;
            c.area = area;
        } else if (casus__lx_is(LX, "recognized-by")) {
            casus__lx_next(LX);
            if (!casus__lx_is(LX, "obligor"))
                return casus__lx_expected(LX, "'obligor'");
            casus__lx_next(LX);
            c.kind = CASUS_COND_PLACE_RECOGNIZED;
        } else {
            return casus__lx_expected(LX, "a place term (anywhere, territory-of beneficiary, administered-by ..., in AREA, recognized-by obligor)");
        }
        if (add_cond(ps, &c) != CASUS_OK)
            return ps->lx.status;
        if (!casus__lx_is(LX, "and"))
            return ps->lx.status;
        casus__lx_next(LX);
    }
}

/* adversary -> 'any' | 'non-party' | 'external' | 'one-of' state-list */
static casus_status parse_adversary(parser *ps)
{
    casus_condition c = {0};
    if (casus__lx_is(LX, "any"))
        c.kind = CASUS_COND_ADVERSARY_ANY;
    else if (casus__lx_is(LX, "non-party"))
        c.kind = CASUS_COND_ADVERSARY_NONPARTY;
    else if (casus__lx_is(LX, "external"))
        c.kind = CASUS_COND_ADVERSARY_EXTERNAL;
    else if (casus__lx_is(LX, "one-of")) {
        casus__lx_next(LX);
        c.kind = CASUS_COND_ADVERSARY_STATES;
        if (take_state_list(ps, false, &c.states, &c.n_states) != CASUS_OK)
            return ps->lx.status;
        return add_cond(ps, &c);
    } else
        return casus__lx_expected(LX, "any, non-party, external or one-of STATES");
    casus__lx_next(LX);
    return add_cond(ps, &c);
}

/* action -> ACTION { ACTION } */
static casus_status parse_action(parser *ps)
{
    static const char *const names[] = {"military", "other", "consult", "abstain", "refrain"};
    unsigned acts = 0;
    if (TOK.kind != LX_WORD)
        return casus__lx_expected(LX, "an action (military, other, consult, abstain, refrain)");
    while (TOK.kind == LX_WORD) {
        unsigned bit = 0;
        for (unsigned i = 0; i < 5; i++)
            if (casus__lx_is(LX, names[i]))
                bit = 1u << i;
        if (!bit)
            return FAIL_TOK(TOK, "unknown action '%.*s' (military, other, consult, abstain, refrain)",
                            (int)(TOK.n > 40 ? 40 : TOK.n), TOK.p);
        acts |= bit;
        casus__lx_next(LX);
    }
    ps->cur_rule.actions = acts;
    ps->rule_actions_set = true;
    return ps->lx.status;
}

/* clause -> owed-by | owed-to | trigger | adversary | place | when-attacked
 *         | action | timing | valid | undecidable */
static casus_status parse_clause(parser *ps)
{
    static const char *const clauses[] = {"owed-by", "owed-to", "trigger", "timing", "adversary", "place",
                                          "when-attacked", "action", "valid", "undecidable"};
    casus_lx_token kw = TOK;
    ps->clause = kw;
    int which = -1;
    for (int i = 0; i < (int)(sizeof clauses / sizeof *clauses); i++)
        if (casus__lx_is(LX, clauses[i]))
            which = i;
    /* bits: 0 owed-by, 1 trigger, 2 timing (required ones), then the others */
    static const int bit_of[] = {0, 3, 1, 2, 4, 5, 6, 7, 8, -1};
    if (which < 0)
        return FAIL_TOK(kw, "unknown statement '%.*s'%s", (int)(kw.n > 40 ? 40 : kw.n), kw.p,
                        ps->in_rule ? " in a rule" : " in an article");
    if (!ps->in_rule)
        return FAIL_TOK(kw, "'%s' outside a rule (start one with 'rule KIND')", clauses[which]);
    int bit = bit_of[which];
    if (bit >= 0) {
        if (ps->rule_seen & (1u << bit))
            return FAIL_TOK(kw, "'%s' given twice in one rule", clauses[which]);
        ps->rule_seen |= 1u << bit;
    }
    casus__lx_next(LX);
    casus_rule *r = &ps->cur_rule;
    switch (which) {
    case 0: /* owed-by each | state-list */
        if (casus__lx_is(LX, "each"))
            casus__lx_next(LX);
        else if (take_state_list(ps, true, &r->owed_by, &r->n_owed_by) != CASUS_OK)
            return ps->lx.status;
        break;
    case 1: /* owed-to others | state-list */
        if (casus__lx_is(LX, "others"))
            casus__lx_next(LX);
        else if (take_state_list(ps, true, &r->owed_to, &r->n_owed_to) != CASUS_OK)
            return ps->lx.status;
        break;
    case 2: {
        int v = TOK.kind == LX_WORD ? casus_trigger_from_str(TOK.p, TOK.n) : -1;
        if (v < 0)
            return casus__lx_expected(LX, "a trigger (armed-attack, war-by-invasion, aggression, threat, unspecified)");
        r->trigger = (casus_trigger)v;
        casus__lx_next(LX);
        break;
    }
    case 3: {
        int v = TOK.kind == LX_WORD ? casus_timing_from_str(TOK.p, TOK.n) : -1;
        if (v < 0)
            return casus__lx_expected(LX, "a timing (immediate, as-deemed-necessary, constitutional-processes, after-consultation, unspecified)");
        r->timing = (casus_timing)v;
        casus__lx_next(LX);
        break;
    }
    case 4:
        if (parse_adversary(ps) != CASUS_OK)
            return ps->lx.status;
        break;
    case 5:
        if (parse_place(ps) != CASUS_OK)
            return ps->lx.status;
        break;
    case 6: {
        casus_condition c = {.kind = CASUS_COND_BENEFICIARY_ATTACKED};
        if (add_cond(ps, &c) != CASUS_OK)
            return ps->lx.status;
        break;
    }
    case 7:
        if (parse_action(ps) != CASUS_OK)
            return ps->lx.status;
        break;
    case 8: /* valid from date [until date] */
        if (!casus__lx_is(LX, "from"))
            return casus__lx_expected(LX, "'from DATE'");
        casus__lx_next(LX);
        if (casus__lx_calendar_date(LX, NULL, &r->valid.start) != CASUS_OK)
            return ps->lx.status;
        if (casus__lx_is(LX, "until")) {
            casus__lx_next(LX);
            casus_lx_token ut = TOK;
            if (casus__lx_calendar_date(LX, NULL, &r->valid.end) != CASUS_OK)
                return ps->lx.status;
            if (span_before(r->valid.end, r->valid.start))
                return FAIL_TOK(ut, "a rule cannot cease to apply before it starts");
        }
        break;
    case 9: {
        casus_condition c = {.kind = CASUS_COND_UNDECIDABLE};
        if (casus__lx_string(LX, ps->arena, &c.text) != CASUS_OK)
            return ps->lx.status;
        if (add_cond(ps, &c) != CASUS_OK)
            return ps->lx.status;
        break;
    }
    default:
        break;
    }
    return casus__lx_eol(LX);
}

/* header-stmt -> title string | signed date | in-force date | ends ... | atop ... | source KEY string | note string */
static casus_status parse_header_stmt(parser *ps)
{
    casus_lx_token kw = TOK;
    if (ps->in_article || ps->parties.len)
        if (!casus__lx_is(LX, "note") && !casus__lx_is(LX, "source"))
            return FAIL_TOK(kw, "'%.*s' belongs in the treaty's header, before the parties", (int)kw.n, kw.p);
    if (casus__lx_is(LX, "title")) {
        casus__lx_next(LX);
        if (ps->seen_title)
            return FAIL_TOK(kw, "'title' given twice");
        ps->seen_title = true;
        if (casus__lx_string(LX, ps->arena, &ps->t->title) != CASUS_OK)
            return ps->lx.status;
    } else if (casus__lx_is(LX, "signed")) {
        casus__lx_next(LX);
        if (ps->seen_signed)
            return FAIL_TOK(kw, "'signed' given twice");
        ps->seen_signed = true;
        if (casus__lx_calendar_date(LX, NULL, &ps->t->signed_on) != CASUS_OK)
            return ps->lx.status;
    } else if (casus__lx_is(LX, "in-force")) {
        casus__lx_next(LX);
        if (ps->seen_in_force)
            return FAIL_TOK(kw, "'in-force' given twice");
        ps->seen_in_force = true;
        casus_lx_token at = TOK;
        if (casus__lx_calendar_date(LX, NULL, &ps->t->in_force.start) != CASUS_OK)
            return ps->lx.status;
        if (ps->seen_signed && span_before(ps->t->in_force.start, ps->t->signed_on))
            return FAIL_TOK(at, "the treaty cannot enter into force before it was signed");
    } else if (casus__lx_is(LX, "ends")) {
        return parse_ends(ps);
    } else if (casus__lx_is(LX, "atop")) {
        casus__lx_next(LX);
        if (casus__lx_is(LX, "none"))
            casus__lx_next(LX);
        else {
            if (TOK.kind != LX_WORD)
                return casus__lx_expected(LX, "ATOP alliance ids or 'none'");
            while (TOK.kind == LX_WORD) {
                int id;
                if (!casus__parse_int(TOK.p, TOK.n, &id) || id < 1000 || id > 9999)
                    return FAIL_TOK(TOK, "'%.*s' is not an ATOP alliance id (1000-9999)", (int)(TOK.n > 40 ? 40 : TOK.n), TOK.p);
                int *slot = casus__vec_push(&ps->atop, casus__world_mem(ps->world));
                if (!slot)
                    return casus__lx_oom(LX);
                *slot = id;
                casus__lx_next(LX);
            }
        }
    } else if (casus__lx_is(LX, "source")) {
        casus__lx_next(LX);
        casus_source s;
        casus_lx_token key = TOK;
        if (casus__lx_word(LX, ps->arena, "a source key", &s.key) != CASUS_OK)
            return ps->lx.status;
        if (source_declared(ps, s.key))
            return FAIL_TOK(key, "source '%s' is declared twice", s.key);
        if (casus__lx_string(LX, ps->arena, &s.text) != CASUS_OK)
            return ps->lx.status;
        casus_source *slot = casus__vec_push(&ps->sources, casus__world_mem(ps->world));
        if (!slot)
            return casus__lx_oom(LX);
        *slot = s;
    } else if (casus__lx_is(LX, "note")) {
        casus__lx_next(LX);
        const char *note;
        if (casus__lx_string(LX, ps->arena, &note) != CASUS_OK)
            return ps->lx.status;
        ps->t->notes = ps->t->notes ? casus__arena_printf(ps->arena, "%s\n%s", ps->t->notes, note) : note;
        if (!ps->t->notes)
            return casus__lx_oom(LX);
    } else {
        return FAIL_TOK(kw, "unknown statement '%.*s'", (int)(kw.n > 40 ? 40 : kw.n), kw.p);
    }
    return casus__lx_eol(LX);
}

/* file -> { NL } 'treaty' ID eol { statement eol } EOF */
static casus_status parse_file(parser *ps)
{
    if (casus__lx_opening(LX, ps->arena, "treaty", &ps->t->id, NULL) != CASUS_OK)
        return ps->lx.status;
    ps->t->in_force.end = casus_span_open();
    while (ps->lx.status == CASUS_OK && TOK.kind != LX_EOF) {
        if (TOK.kind == LX_NL) {
            casus__lx_next(LX);
            continue;
        }
        if (TOK.kind == LX_TEXT) {
            parse_text_line(ps);
            continue;
        }
        if (TOK.kind != LX_WORD) {
            casus__lx_expected(LX, "a statement");
            break;
        }
        if (ps->in_passage && !casus__lx_is(LX, "text") && !casus__lx_is(LX, "rule") && !casus__lx_is(LX, "article")) {
            /* a passage ends at its first non-text line */
            if (close_passage(ps) != CASUS_OK)
                break;
        }
        if (casus__lx_is(LX, "party") || casus__lx_is(LX, "suspend")) {
            if (!ps->seen_title || !ps->seen_signed || !ps->seen_in_force || !ps->seen_ends)
                return FAIL_TOK(TOK, "the header must give title, signed, in-force and ends before the parties");
            if (ps->in_article)
                return FAIL_TOK(TOK, "parties are declared before the first article");
            if (casus__lx_is(LX, "party"))
                parse_party(ps);
            else
                parse_suspend(ps);
        } else if (casus__lx_is(LX, "article")) {
            if (ps->parties.len == 0)
                return FAIL_TOK(TOK, "declare the parties before the first article");
            parse_article(ps);
        } else if (casus__lx_is(LX, "text"))
            parse_text(ps);
        else if (casus__lx_is(LX, "rule"))
            parse_rule(ps);
        else if (ps->in_rule || ps->in_article)
            parse_clause(ps);
        else
            parse_header_stmt(ps);
    }
    if (ps->lx.status != CASUS_OK)
        return ps->lx.status;
    if (close_article(ps) != CASUS_OK)
        return ps->lx.status;
    if (!ps->seen_title || !ps->seen_signed || !ps->seen_in_force || !ps->seen_ends)
        return casus__lx_fail(LX, 1, 1, "treaty %s lacks %s", ps->t->id,
                       !ps->seen_title ? "a title" : !ps->seen_signed ? "'signed'" : !ps->seen_in_force ? "'in-force'" : "'ends'");
    if (ps->parties.len == 0)
        return casus__lx_fail(LX, 1, 1, "treaty %s has no parties", ps->t->id);
    if (ps->articles.len == 0)
        return casus__lx_fail(LX, 1, 1, "treaty %s has no articles", ps->t->id);
    return ps->lx.status;
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
    parser ps = {.world = w, .arena = arena};
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
    casus_status st;
    if (ps.t) {
        casus__lx_init_ex(&ps.lx, name, text, len, err, "a treaty file", LX_NUL_INSIDE_TOKENS);
        st = parse_file(&ps);
    } else {
        st = casus_error_set(err, CASUS_NOMEM, name, 1, 0, "out of memory");
    }
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
            st = casus__lx_oom(&ps.lx);
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

casus_status casus_world_load_treaty_dir(casus_world *w, const char *dir, casus_error *err)
{
    const casus_mem *mem = casus__world_mem(w);
    casus_vec paths;
    casus_status st = casus__lx_dir_files(mem, dir, ".treaty", "treaty", &paths, err);
    if (st != CASUS_OK)
        return st;
    /* One bad file leaves none of the directory's treaties behind. */
    casus_world_tx *tx = casus__mem_alloc(mem, sizeof *tx);
    if (!tx) {
        casus__lx_free_paths(mem, &paths);
        return casus_error_set(err, CASUS_NOMEM, dir, 0, 0, "out of memory");
    }
    casus__world_begin(w, tx);
    for (size_t i = 0; i < paths.len && st == CASUS_OK; i++)
        st = casus_world_load_treaty_file(w, CASUS_VEC_AT(&paths, char *, i), err);
    casus__lx_free_paths(mem, &paths);
    if (st != CASUS_OK)
        casus__world_rollback(w, tx);
    casus__mem_free(mem, tx, sizeof *tx);
    return st;
}
