/* The resolution file parser (docs/sanctions.md): recursive descent over
 * the line tokens of linelex.c, with file:line:col errors.  Each parse
 * function carries the grammar rule it implements.  The grammar nests only
 * file > paragraph > passage | measure, so there is no recursion to guard;
 * the input size is capped by CASUS_MAX_SANCTIONS_FILE, every list by
 * CASUS_MAX_SANCTIONS_LIST and every count of items by
 * CASUS_MAX_SANCTIONS_ITEMS. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "casus/sanctions.h"
#include "linelex.h"

struct casus_sanctions {
    casus_mem mem;
    casus_arena arena;
    casus_vec resolutions; /* const casus_resolution * */
};

typedef struct parser {
    casus_lx lx;
    casus_sanctions *s;
    casus_arena *arena;
    casus_resolution *r;
    casus_vec sources, paragraphs, passages, measures, text, list;
    bool seen_symbol, seen_title, seen_adopted, seen_meeting, seen_note;
    /* the paragraph under construction */
    bool in_par;
    casus_paragraph par;
    /* the passage under construction */
    bool in_passage;
    casus_passage passage;
    int passage_line, passage_col;
    /* the measure under construction */
    bool in_measure;
    casus_measure m;
    unsigned seen; /* bit per measure statement */
    int measure_col;
    casus_vec exempt, undecidable, caps;
} parser;

static const casus_mem *pmem(parser *ps) { return &ps->s->mem; }

#define LX (&ps->lx)
#define TOK (ps->lx.tok)
#define FAIL_TOK(tk, ...) casus__lx_fail(LX, (tk).line, (tk).col, __VA_ARGS__)

/* ---- names ----------------------------------------------------------------- */

static const char *const what_names[] = {
#define XX(n, s) s,
    CASUS_WHAT_MAP(XX)
#undef XX
};

const char *casus_what_str(casus_what what)
{
    return (unsigned)what < CASUS_WHAT_COUNT ? what_names[what] : "?";
}

int casus_what_from_str(const char *s, size_t n)
{
    for (int i = 0; i < CASUS_WHAT_COUNT; i++)
        if (strlen(what_names[i]) == n && memcmp(what_names[i], s, n) == 0)
            return i;
    return -1;
}

const char *casus_measure_kind_str(casus_measure_kind kind)
{
    switch (kind) {
    case CASUS_MEASURE_BAN: return "ban";
    case CASUS_MEASURE_CAP: return "cap";
    case CASUS_MEASURE_MANDATE: return "mandate";
    }
    return "?";
}

const char *casus_flow_str(casus_flow flow)
{
    switch (flow) {
    case CASUS_FLOW_TO_DPRK: return "to-dprk";
    case CASUS_FLOW_FROM_DPRK: return "from-dprk";
    case CASUS_FLOW_BOTH: return "both";
    default: return "none";
    }
}

/* ---- helpers ---------------------------------------------------------------- */

static casus_status oom(parser *ps) { return casus__lx_oom(LX); }

static bool push(parser *ps, casus_vec *v, const void *item)
{
    if (v->len >= CASUS_MAX_SANCTIONS_ITEMS) {
        FAIL_TOK(TOK, "too many items in one file (at most %d)", CASUS_MAX_SANCTIONS_ITEMS);
        return false;
    }
    void *slot = casus__vec_push(v, pmem(ps));
    if (!slot) {
        oom(ps);
        return false;
    }
    memcpy(slot, item, v->elem);
    return true;
}

static void *freeze(parser *ps, casus_vec *v, size_t *n)
{
    *n = v->len;
    if (v->len == 0)
        return NULL;
    void *p = casus__arena_memdup(ps->arena, v->data, v->len * v->elem);
    if (!p)
        oom(ps);
    v->len = 0;
    return p;
}

static const casus_source *find_source(parser *ps, const char *key, size_t n)
{
    for (size_t i = 0; i < ps->sources.len; i++) {
        const casus_source *src = &CASUS_VEC_AT(&ps->sources, casus_source, i);
        if (strlen(src->key) == n && memcmp(src->key, key, n) == 0)
            return src;
    }
    return NULL;
}

/* ---- closing what is open ----------------------------------------------------- */

static casus_status close_passage(parser *ps)
{
    if (!ps->in_passage)
        return ps->lx.status;
    ps->in_passage = false;
    if (ps->text.len == 0)
        return casus__lx_fail(LX, ps->passage_line, ps->passage_col, "a 'text' needs at least one '>' line beneath it");
    char nul = '\0';
    if (!casus__vec_push(&ps->text, pmem(ps)))
        return oom(ps);
    CASUS_VEC_AT(&ps->text, char, ps->text.len - 1) = nul;
    ps->passage.text = casus__arena_strndup(ps->arena, ps->text.data, ps->text.len - 1);
    ps->text.len = 0;
    if (!ps->passage.text)
        return oom(ps);
    push(ps, &ps->passages, &ps->passage);
    return ps->lx.status;
}

enum {
    SEEN_KIND = 1u << 0, SEEN_FLOW = 1u << 1, SEEN_COVERS = 1u << 2, SEEN_BINDS = 1u << 3,
    SEEN_FROM = 1u << 4, SEEN_UNTIL = 1u << 5, SEEN_CAP = 1u << 6,
};

static casus_status close_measure(parser *ps)
{
    if (!ps->in_measure)
        return ps->lx.status;
    ps->in_measure = false;
    casus_measure *m = &ps->m;
    int line = m->line, col = ps->measure_col;
    if (!(ps->seen & SEEN_KIND))
        return casus__lx_fail(LX, line, col, "measure '%s' needs a 'kind' (ban, cap or mandate)", m->id);
    if (!(ps->seen & SEEN_BINDS))
        return casus__lx_fail(LX, line, col, "measure '%s' needs 'binds' (who is bound)", m->id);
    if (m->kind != CASUS_MEASURE_MANDATE) {
        if (!(ps->seen & SEEN_FLOW))
            return casus__lx_fail(LX, line, col, "measure '%s' needs a 'flow' (to-dprk, from-dprk or both)", m->id);
        if (!(ps->seen & SEEN_COVERS))
            return casus__lx_fail(LX, line, col, "measure '%s' needs 'covers' (what it prohibits or caps)", m->id);
    } else if (ps->seen & (SEEN_FLOW | SEEN_COVERS | SEEN_CAP)) {
        return casus__lx_fail(LX, line, col, "a mandate takes no 'flow', 'covers' or 'cap'");
    }
    if (m->kind == CASUS_MEASURE_CAP && !(ps->seen & SEEN_CAP))
        return casus__lx_fail(LX, line, col,
                              "measure '%s' is a cap: give 'cap N UNIT per 12-months from DATE' "
                              "or 'cap N UNIT from DATE until DATE'",
                              m->id);
    if (m->kind != CASUS_MEASURE_CAP && (ps->seen & SEEN_CAP))
        return casus__lx_fail(LX, line, col, "only a measure of kind cap takes a 'cap'");
    if (!(ps->seen & SEEN_FROM))
        m->in_force.start = casus_span_day(ps->r->adopted);
    if (!(ps->seen & SEEN_UNTIL))
        m->in_force.end = casus_span_open();
    m->exempt = freeze(ps, &ps->exempt, &m->n_exempt);
    m->undecidable = freeze(ps, &ps->undecidable, &m->n_undecidable);
    m->caps = freeze(ps, &ps->caps, &m->n_caps);
    if (ps->lx.status != CASUS_OK)
        return ps->lx.status;
    for (size_t i = 0; i < ps->measures.len; i++)
        if (strcmp(CASUS_VEC_AT(&ps->measures, casus_measure, i).id, m->id) == 0)
            return casus__lx_fail(LX, line, col, "measure '%s' given twice in this paragraph", m->id);
    push(ps, &ps->measures, m);
    return ps->lx.status;
}

static casus_status close_paragraph(parser *ps)
{
    if (close_passage(ps) != CASUS_OK || close_measure(ps) != CASUS_OK || !ps->in_par)
        return ps->lx.status;
    ps->in_par = false;
    if (ps->passages.len == 0)
        return casus__lx_fail(LX, ps->par.line, 1, "paragraph %s has no text: quote it with 'text STATUS SOURCE'",
                              ps->par.number);
    ps->par.passages = freeze(ps, &ps->passages, &ps->par.n_passages);
    ps->par.measures = freeze(ps, &ps->measures, &ps->par.n_measures);
    if (ps->lx.status == CASUS_OK)
        push(ps, &ps->paragraphs, &ps->par);
    return ps->lx.status;
}

/* ---- statements ---------------------------------------------------------------- */

/* source -> 'source' KEY STRING */
static casus_status parse_source(parser *ps)
{
    casus__lx_next(LX);
    casus_lx_token at = TOK;
    casus_source src = {0};
    if (casus__lx_word(LX, ps->arena, "a source key", &src.key) != CASUS_OK)
        return ps->lx.status;
    if (find_source(ps, src.key, strlen(src.key)))
        return FAIL_TOK(at, "source '%s' declared twice", src.key);
    if (casus__lx_string(LX, ps->arena, &src.text) != CASUS_OK)
        return ps->lx.status;
    push(ps, &ps->sources, &src);
    return casus__lx_eol(LX);
}

/* paragraph -> 'paragraph' NUMBER [STRING] */
static casus_status parse_paragraph(parser *ps)
{
    if (close_paragraph(ps) != CASUS_OK)
        return ps->lx.status;
    casus__lx_next(LX);
    memset(&ps->par, 0, sizeof ps->par);
    ps->par.line = TOK.line;
    casus_lx_token at = TOK;
    if (casus__lx_word(LX, ps->arena, "the paragraph's number (8(a)(i), 26)", &ps->par.number) != CASUS_OK)
        return ps->lx.status;
    for (size_t i = 0; i < ps->paragraphs.len; i++)
        if (strcmp(CASUS_VEC_AT(&ps->paragraphs, casus_paragraph, i).number, ps->par.number) == 0)
            return FAIL_TOK(at, "paragraph %s given twice", ps->par.number);
    if (TOK.kind == LX_STRING && casus__lx_string(LX, ps->arena, &ps->par.title) != CASUS_OK)
        return ps->lx.status;
    ps->in_par = true;
    return casus__lx_eol(LX);
}

/* passage -> 'text' STATUS KEY [STRING] eol { TEXT eol } */
static casus_status parse_text(parser *ps)
{
    casus_lx_token kw = TOK;
    if (!ps->in_par)
        return FAIL_TOK(kw, "'text' must stand under a 'paragraph'");
    if (close_passage(ps) != CASUS_OK || close_measure(ps) != CASUS_OK)
        return ps->lx.status;
    casus__lx_next(LX);
    memset(&ps->passage, 0, sizeof ps->passage);
    ps->passage_line = kw.line;
    ps->passage_col = kw.col;
    if (TOK.kind != LX_WORD)
        return casus__lx_expected(LX, "a text status (verbatim, verbatim-partial, translation, paraphrase)");
    int st = casus_text_status_from_str(TOK.p, TOK.n);
    if (st < 0 || st == CASUS_TEXT_CODED)
        return FAIL_TOK(TOK, "unknown text status '%.*s' (verbatim, verbatim-partial, translation, paraphrase)",
                        (int)(TOK.n > 40 ? 40 : TOK.n), TOK.p);
    ps->passage.status = (casus_text_status)st;
    casus__lx_next(LX);
    if (TOK.kind != LX_WORD)
        return casus__lx_expected(LX, "a source key");
    const casus_source *src = find_source(ps, TOK.p, TOK.n);
    if (!src)
        return FAIL_TOK(TOK, "source '%.*s' is not declared (declare it with 'source' before the first paragraph)",
                        (int)(TOK.n > 40 ? 40 : TOK.n), TOK.p);
    ps->passage.source = src->key;
    casus__lx_next(LX);
    if (TOK.kind == LX_STRING && casus__lx_string(LX, ps->arena, &ps->passage.note) != CASUS_OK)
        return ps->lx.status;
    if (casus__lx_eol(LX) != CASUS_OK)
        return ps->lx.status;
    ps->in_passage = true;
    while (TOK.kind == LX_TEXT && ps->lx.status == CASUS_OK) {
        if (!casus__vec_reserve(&ps->text, pmem(ps), ps->text.len + TOK.n + 2))
            return oom(ps);
        if (ps->text.len > 0)
            ((char *)ps->text.data)[ps->text.len++] = ' ';
        memcpy((char *)ps->text.data + ps->text.len, TOK.p, TOK.n);
        ps->text.len += TOK.n;
        casus__lx_next(LX);
        if (casus__lx_eol(LX) != CASUS_OK)
            return ps->lx.status;
    }
    return close_passage(ps);
}

/* measure -> 'measure' NAME */
static casus_status parse_measure(parser *ps)
{
    casus_lx_token kw = TOK;
    if (!ps->in_par)
        return FAIL_TOK(kw, "'measure' must stand under a 'paragraph'");
    if (close_passage(ps) != CASUS_OK || close_measure(ps) != CASUS_OK)
        return ps->lx.status;
    casus__lx_next(LX);
    memset(&ps->m, 0, sizeof ps->m);
    ps->m.line = kw.line;
    ps->measure_col = kw.col;
    ps->seen = 0;
    if (TOK.kind != LX_WORD || !casus__lx_is_name(TOK.p, TOK.n))
        return casus__lx_expected(LX, "a measure name (lower case letters, digits and '-')");
    if (casus__lx_word(LX, ps->arena, "a measure name", &ps->m.id) != CASUS_OK)
        return ps->lx.status;
    ps->in_measure = true;
    return casus__lx_eol(LX);
}

static bool once(parser *ps, unsigned bit, casus_lx_token kw)
{
    if (ps->seen & bit) {
        FAIL_TOK(kw, "'%.*s' given twice in measure '%s'", (int)kw.n, kw.p, ps->m.id);
        return false;
    }
    ps->seen |= bit;
    return true;
}

/* words -> NAME { NAME }   (to end of line) */
static casus_status parse_names(parser *ps, const char *what, const char *const **out, size_t *n_out)
{
    ps->list.len = 0;
    if (TOK.kind != LX_WORD)
        return casus__lx_expected(LX, what);
    while (TOK.kind == LX_WORD && ps->lx.status == CASUS_OK) {
        if (ps->list.len == CASUS_MAX_SANCTIONS_LIST)
            return FAIL_TOK(TOK, "too many words in one list (at most %d)", CASUS_MAX_SANCTIONS_LIST);
        if (!casus__lx_is_name(TOK.p, TOK.n))
            return FAIL_TOK(TOK, "'%.*s' is not a name (lower case letters, digits and '-')",
                            (int)(TOK.n > 40 ? 40 : TOK.n), TOK.p);
        const char *w;
        if (casus__lx_word(LX, ps->arena, what, &w) != CASUS_OK || !push(ps, &ps->list, &w))
            return ps->lx.status;
    }
    *out = freeze(ps, &ps->list, n_out);
    return ps->lx.status;
}

/* A full date (a cap's period is counted in days). */
static casus_status full_date(parser *ps, const char *what, casus_day *out)
{
    casus_span d;
    casus_lx_token at = TOK;
    if (casus__lx_date(LX, &d) != CASUS_OK)
        return ps->lx.status;
    if (d.lo != d.hi)
        return FAIL_TOK(at, "%s must be a full date (YYYY-MM-DD)", what);
    *out = d.lo;
    return CASUS_OK;
}

/* Whether two limits in one unit may cover the same day. */
static bool caps_overlap(const casus_cap *a, const casus_cap *b)
{
    casus_day a_hi = a->until, b_hi = b->until; /* CASUS_DAY_NEVER_AFTER for 12-month periods */
    return a->from <= b_hi && b->from <= a_hi;
}

/* cap -> 'cap' (N | 'unstated') UNIT ('per' '12-months' 'from' date | 'from' date 'until' date) [STRING] */
static casus_status parse_cap(parser *ps)
{
    casus_cap c = {.line = TOK.line};
    casus_lx_token at = TOK;
    if (casus__lx_is(LX, "unstated")) {
        c.limit = CASUS_CAP_UNSTATED;
    } else if (TOK.kind != LX_WORD || !casus__lx_parse_count(TOK.p, TOK.n, &c.limit) || c.limit == 0) {
        return casus__lx_expected(LX, "the cap (a whole number above 0, or 'unstated')");
    }
    casus__lx_next(LX);
    if (TOK.kind != LX_WORD || !casus__lx_is_name(TOK.p, TOK.n))
        return casus__lx_expected(LX, "the cap's unit (barrels, tonnes, usd, ...)");
    if (casus__lx_word(LX, ps->arena, "a unit", &c.unit) != CASUS_OK)
        return ps->lx.status;
    if (casus__lx_is(LX, "per")) {
        casus__lx_next(LX);
        if (!casus__lx_is(LX, "12-months"))
            return casus__lx_expected(LX, "'12-months' (the only repeating period casus knows)");
        casus__lx_next(LX);
        if (!casus__lx_is(LX, "from"))
            return casus__lx_expected(LX, "'from DATE' (the first day of the first period)");
        casus__lx_next(LX);
        if (full_date(ps, "the first day of a cap's period", &c.from) != CASUS_OK)
            return ps->lx.status;
        c.until = CASUS_DAY_NEVER_AFTER;
    } else if (casus__lx_is(LX, "from")) {
        casus__lx_next(LX);
        if (full_date(ps, "the first day of a cap's period", &c.from) != CASUS_OK)
            return ps->lx.status;
        if (!casus__lx_is(LX, "until"))
            return casus__lx_expected(LX, "'until DATE' (the last day of the period)");
        casus__lx_next(LX);
        casus_lx_token u = TOK;
        if (full_date(ps, "the last day of a cap's period", &c.until) != CASUS_OK)
            return ps->lx.status;
        if (c.until < c.from)
            return FAIL_TOK(u, "a cap's period cannot end before it begins");
    } else {
        return casus__lx_expected(LX, "'per 12-months from DATE' or 'from DATE until DATE'");
    }
    if (TOK.kind == LX_STRING && casus__lx_string(LX, ps->arena, &c.note) != CASUS_OK)
        return ps->lx.status;
    if (c.limit == CASUS_CAP_UNSTATED && !c.note)
        return FAIL_TOK(at, "an unstated cap needs a note saying how the resolution sets it");
    for (size_t i = 0; i < ps->caps.len; i++) {
        const casus_cap *o = &CASUS_VEC_AT(&ps->caps, casus_cap, i);
        if (strcmp(o->unit, c.unit) == 0 && caps_overlap(o, &c))
            return FAIL_TOK(at, "measure '%s' has two limits in %s for the same days (the other on line %d)",
                            ps->m.id, c.unit, o->line);
    }
    push(ps, &ps->caps, &c);
    return ps->lx.status;
}

/* mstmt -> 'kind' KIND | 'flow' FLOW | 'covers' WHAT {WHAT} | 'binds' NAME {NAME}
 *        | 'from' date | 'until' date [STRING] | cap | 'exempt' STRING | 'undecidable' STRING */
static casus_status parse_measure_stmt(parser *ps)
{
    casus_lx_token kw = TOK;
    casus_measure *m = &ps->m;
    casus__lx_next(LX);
    #define KW(w) (kw.n == sizeof(w) - 1 && memcmp(kw.p, w, kw.n) == 0)
    if (KW("kind")) {
        if (!once(ps, SEEN_KIND, kw))
            return ps->lx.status;
        if (casus__lx_is(LX, "ban"))
            m->kind = CASUS_MEASURE_BAN;
        else if (casus__lx_is(LX, "cap"))
            m->kind = CASUS_MEASURE_CAP;
        else if (casus__lx_is(LX, "mandate"))
            m->kind = CASUS_MEASURE_MANDATE;
        else
            return casus__lx_expected(LX, "a kind (ban, cap or mandate)");
        casus__lx_next(LX);
    } else if (KW("flow")) {
        if (!once(ps, SEEN_FLOW, kw))
            return ps->lx.status;
        if (casus__lx_is(LX, "to-dprk"))
            m->flow = CASUS_FLOW_TO_DPRK;
        else if (casus__lx_is(LX, "from-dprk"))
            m->flow = CASUS_FLOW_FROM_DPRK;
        else if (casus__lx_is(LX, "both"))
            m->flow = CASUS_FLOW_BOTH;
        else
            return casus__lx_expected(LX, "a flow (to-dprk, from-dprk or both)");
        casus__lx_next(LX);
    } else if (KW("covers")) {
        if (!once(ps, SEEN_COVERS, kw))
            return ps->lx.status;
        if (TOK.kind != LX_WORD)
            return casus__lx_expected(LX, "what the measure covers (arms, munitions, coal, ...)");
        while (TOK.kind == LX_WORD) {
            int w = casus_what_from_str(TOK.p, TOK.n);
            if (w < 0)
                return FAIL_TOK(TOK, "unknown kind of exchange '%.*s' (see docs/sanctions.md)",
                                (int)(TOK.n > 40 ? 40 : TOK.n), TOK.p);
            m->covers |= 1u << w;
            casus__lx_next(LX);
        }
    } else if (KW("binds")) {
        if (!once(ps, SEEN_BINDS, kw) || parse_names(ps, "who is bound (all-states, dprk, ...)", &m->binds,
                                                     &m->n_binds) != CASUS_OK)
            return ps->lx.status;
    } else if (KW("from")) {
        casus_lx_token at = TOK;
        if (!once(ps, SEEN_FROM, kw) || casus__lx_date(LX, &m->in_force.start) != CASUS_OK)
            return ps->lx.status;
        if (m->in_force.start.hi < ps->r->adopted)
            return FAIL_TOK(at, "a measure cannot take effect before its resolution was adopted");
    } else if (KW("until")) {
        casus_lx_token at = TOK;
        if (!once(ps, SEEN_UNTIL, kw) || casus__lx_date(LX, &m->in_force.end) != CASUS_OK)
            return ps->lx.status;
        casus_span start = (ps->seen & SEEN_FROM) ? m->in_force.start : casus_span_day(ps->r->adopted);
        if (m->in_force.end.hi < start.lo)
            return FAIL_TOK(at, "a measure cannot end before it takes effect");
        if (TOK.kind == LX_STRING && casus__lx_string(LX, ps->arena, &m->end_note) != CASUS_OK)
            return ps->lx.status;
    } else if (KW("cap")) {
        ps->seen |= SEEN_CAP;
        if (parse_cap(ps) != CASUS_OK)
            return ps->lx.status;
    } else if (KW("exempt")) {
        const char *s;
        if (casus__lx_string(LX, ps->arena, &s) != CASUS_OK || !push(ps, &ps->exempt, &s))
            return ps->lx.status;
    } else if (KW("undecidable")) {
        const char *s;
        if (casus__lx_string(LX, ps->arena, &s) != CASUS_OK || !push(ps, &ps->undecidable, &s))
            return ps->lx.status;
    } else {
        return FAIL_TOK(kw, "unknown statement '%.*s' in a measure", (int)(kw.n > 40 ? 40 : kw.n), kw.p);
    }
#undef KW
    return casus__lx_eol(LX);
}

/* hstmt -> 'symbol' STRING | 'title' STRING | 'adopted' date | 'meeting' N | 'note' STRING | source */
static casus_status parse_header_stmt(parser *ps)
{
    casus_lx_token kw = TOK;
    casus_resolution *r = ps->r;
    if (ps->in_par)
        return FAIL_TOK(kw, "'%.*s' belongs before the first paragraph", (int)kw.n, kw.p);
    bool *seen;
    if (casus__lx_is(LX, "source"))
        return parse_source(ps);
    else if (casus__lx_is(LX, "symbol"))
        seen = &ps->seen_symbol;
    else if (casus__lx_is(LX, "title"))
        seen = &ps->seen_title;
    else if (casus__lx_is(LX, "adopted"))
        seen = &ps->seen_adopted;
    else if (casus__lx_is(LX, "meeting"))
        seen = &ps->seen_meeting;
    else if (casus__lx_is(LX, "note"))
        seen = &ps->seen_note;
    else
        return FAIL_TOK(kw, "unknown statement '%.*s'", (int)(kw.n > 40 ? 40 : kw.n), kw.p);
    if (*seen)
        return FAIL_TOK(kw, "'%.*s' given twice", (int)kw.n, kw.p);
    *seen = true;
    casus__lx_next(LX);
    if (seen == &ps->seen_symbol) {
        casus_lx_token at = TOK;
        if (casus__lx_string(LX, ps->arena, &r->symbol) != CASUS_OK)
            return ps->lx.status;
        if (strncmp(r->symbol, "S/RES/", 6) != 0)
            return FAIL_TOK(at, "a resolution's symbol starts with S/RES/ (\"S/RES/1718 (2006)\")");
    } else if (seen == &ps->seen_title) {
        if (casus__lx_string(LX, ps->arena, &r->title) != CASUS_OK)
            return ps->lx.status;
    } else if (seen == &ps->seen_adopted) {
        casus_span d;
        casus_lx_token at = TOK;
        if (casus__lx_date(LX, &d) != CASUS_OK)
            return ps->lx.status;
        if (d.lo != d.hi)
            return FAIL_TOK(at, "the day of adoption must be a full date");
        r->adopted = d.lo;
    } else if (seen == &ps->seen_meeting) {
        int64_t n;
        if (TOK.kind != LX_WORD || !casus__lx_parse_count(TOK.p, TOK.n, &n) || n <= 0 || n > 1000000)
            return casus__lx_expected(LX, "the meeting's number");
        r->meeting = (int)n;
        casus__lx_next(LX);
    } else {
        if (casus__lx_string(LX, ps->arena, &r->notes) != CASUS_OK)
            return ps->lx.status;
    }
    return casus__lx_eol(LX);
}

/* file -> 'resolution' NAME eol { hstmt | paragraph | passage | measure | mstmt | eol } */
static casus_status parse_file(parser *ps)
{
    while (TOK.kind == LX_NL)
        casus__lx_next(LX);
    if (!casus__lx_is(LX, "resolution"))
        return casus__lx_expected(LX, "'resolution ID' as the first statement");
    casus__lx_next(LX);
    if (TOK.kind != LX_WORD || !casus__lx_is_name(TOK.p, TOK.n))
        return casus__lx_expected(LX, "the resolution's id (unsc-1718-2006)");
    for (size_t i = 0; i < ps->s->resolutions.len; i++) {
        const casus_resolution *o = CASUS_VEC_AT(&ps->s->resolutions, const casus_resolution *, i);
        if (strlen(o->id) == TOK.n && memcmp(o->id, TOK.p, TOK.n) == 0)
            return FAIL_TOK(TOK, "resolution '%s' is already loaded (from %s)", o->id, o->file);
    }
    if (casus__lx_word(LX, ps->arena, "an id", &ps->r->id) != CASUS_OK || casus__lx_eol(LX) != CASUS_OK)
        return ps->lx.status;
    static const char *const measure_words[] = {"kind", "flow", "covers", "binds", "from", "until",
                                                "cap", "exempt", "undecidable", NULL};
    while (TOK.kind != LX_EOF && ps->lx.status == CASUS_OK) {
        if (TOK.kind == LX_NL) {
            casus__lx_next(LX);
            continue;
        }
        if (TOK.kind == LX_TEXT)
            return FAIL_TOK(TOK, "a '>' text line must follow a 'text' statement");
        if (TOK.kind != LX_WORD)
            return casus__lx_expected(LX, "a statement");
        if (casus__lx_is(LX, "paragraph")) {
            if (!ps->seen_symbol || !ps->seen_title || !ps->seen_adopted)
                return FAIL_TOK(TOK, "give 'symbol', 'title' and 'adopted' before the first paragraph");
            parse_paragraph(ps);
            continue;
        }
        if (casus__lx_is(LX, "text")) {
            parse_text(ps);
            continue;
        }
        if (casus__lx_is(LX, "measure")) {
            parse_measure(ps);
            continue;
        }
        bool is_mstmt = false;
        for (size_t i = 0; measure_words[i]; i++)
            is_mstmt |= casus__lx_is(LX, measure_words[i]);
        if (is_mstmt) {
            if (!ps->in_measure)
                return FAIL_TOK(TOK, "'%.*s' must stand under a 'measure'", (int)TOK.n, TOK.p);
            parse_measure_stmt(ps);
            continue;
        }
        if (ps->in_measure)
            return FAIL_TOK(TOK, "unknown statement '%.*s' in a measure", (int)(TOK.n > 40 ? 40 : TOK.n), TOK.p);
        parse_header_stmt(ps);
    }
    if (ps->lx.status != CASUS_OK || close_paragraph(ps) != CASUS_OK)
        return ps->lx.status;
    if (!ps->seen_symbol || !ps->seen_title || !ps->seen_adopted)
        return casus__lx_fail(LX, 1, 1, "a resolution needs 'symbol', 'title' and 'adopted'");
    if (ps->paragraphs.len == 0)
        return casus__lx_fail(LX, 1, 1, "a resolution needs at least one 'paragraph'");
    ps->r->sources = freeze(ps, &ps->sources, &ps->r->n_sources);
    ps->r->paragraphs = freeze(ps, &ps->paragraphs, &ps->r->n_paragraphs);
    return ps->lx.status;
}

/* ---- the set --------------------------------------------------------------------- */

casus_status casus_sanctions_create(casus_alloc_fn fn, void *ud, casus_sanctions **out, casus_error *err)
{
    casus_mem mem = {fn ? fn : casus__default_alloc, fn ? ud : NULL};
    casus_sanctions *s = casus__mem_alloc(&mem, sizeof *s);
    if (!s)
        return casus_error_set(err, CASUS_NOMEM, NULL, 0, 0, "out of memory");
    memset(s, 0, sizeof *s);
    s->mem = mem;
    casus__arena_init(&s->arena, &s->mem);
    casus__vec_init(&s->resolutions, sizeof(const casus_resolution *));
    *out = s;
    return CASUS_OK;
}

void casus_sanctions_free(casus_sanctions *s)
{
    if (!s)
        return;
    casus_mem mem = s->mem;
    casus__vec_free(&s->resolutions, &s->mem);
    casus__arena_free(&s->arena);
    casus__mem_free(&mem, s, sizeof *s);
}

casus_status casus_sanctions_load_text(casus_sanctions *s, const char *name, const char *buf, size_t len,
                                       casus_error *err)
{
    if (!name)
        name = "<text>";
    if (len > CASUS_MAX_SANCTIONS_FILE)
        return casus_error_set(err, CASUS_TOOBIG, name, 0, 0, "file is larger than the size limit (%u bytes)",
                               CASUS_MAX_SANCTIONS_FILE);
    casus_arena_mark mark = casus__arena_mark(&s->arena);
    parser ps;
    memset(&ps, 0, sizeof ps);
    ps.s = s;
    ps.arena = &s->arena;
    casus__vec_init(&ps.sources, sizeof(casus_source));
    casus__vec_init(&ps.paragraphs, sizeof(casus_paragraph));
    casus__vec_init(&ps.passages, sizeof(casus_passage));
    casus__vec_init(&ps.measures, sizeof(casus_measure));
    casus__vec_init(&ps.text, 1);
    casus__vec_init(&ps.list, sizeof(const char *));
    casus__vec_init(&ps.exempt, sizeof(const char *));
    casus__vec_init(&ps.undecidable, sizeof(const char *));
    casus__vec_init(&ps.caps, sizeof(casus_cap));
    ps.r = casus__arena_alloc(&s->arena, sizeof *ps.r);
    casus_status st;
    if (!ps.r) {
        st = casus_error_set(err, CASUS_NOMEM, name, 0, 0, "out of memory");
    } else {
        ps.r->file = casus__arena_strdup(&s->arena, name);
        casus__lx_init(&ps.lx, ps.r->file ? ps.r->file : name, buf, len, err, "the resolution file");
        if (!ps.r->file)
            casus__lx_oom(&ps.lx);
        else
            parse_file(&ps);
        st = ps.lx.status;
        if (st == CASUS_OK && !casus__vec_push(&s->resolutions, &s->mem))
            st = casus_error_set(err, CASUS_NOMEM, name, 0, 0, "out of memory");
        if (st == CASUS_OK)
            CASUS_VEC_AT(&s->resolutions, const casus_resolution *, s->resolutions.len - 1) = ps.r;
    }
    /* Errors name the file as the caller gave it, not the arena copy. */
    if (st != CASUS_OK && err)
        snprintf(err->file, sizeof err->file, "%s", name);
    const casus_mem *mem = &s->mem;
    casus__vec_free(&ps.sources, mem);
    casus__vec_free(&ps.paragraphs, mem);
    casus__vec_free(&ps.passages, mem);
    casus__vec_free(&ps.measures, mem);
    casus__vec_free(&ps.text, mem);
    casus__vec_free(&ps.list, mem);
    casus__vec_free(&ps.exempt, mem);
    casus__vec_free(&ps.undecidable, mem);
    casus__vec_free(&ps.caps, mem);
    if (st != CASUS_OK)
        casus__arena_rollback(&s->arena, mark);
    return st;
}

casus_status casus_sanctions_load_file(casus_sanctions *s, const char *path, casus_error *err)
{
    char *buf = NULL;
    size_t len = 0;
    casus_status st = casus__read_file(&s->mem, path, CASUS_MAX_SANCTIONS_FILE, &buf, &len, err);
    if (st != CASUS_OK)
        return st;
    st = casus_sanctions_load_text(s, path, buf, len, err);
    casus__mem_free(&s->mem, buf, 0);
    return st;
}

casus_status casus_sanctions_load_dir(casus_sanctions *s, const char *dir, casus_error *err)
{
    casus_vec paths;
    casus_status st = casus__lx_dir_files(&s->mem, dir, ".sanctions", "resolutions", &paths, err);
    for (size_t i = 0; i < paths.len && st == CASUS_OK; i++)
        st = casus_sanctions_load_file(s, CASUS_VEC_AT(&paths, char *, i), err);
    casus__lx_free_paths(&s->mem, &paths);
    return st;
}

size_t casus_sanctions_count(const casus_sanctions *s) { return s ? s->resolutions.len : 0; }

const casus_mem *casus__sanctions_mem(const casus_sanctions *s) { return &s->mem; }

const casus_resolution *casus_sanctions_at(const casus_sanctions *s, size_t i)
{
    return s && i < s->resolutions.len ? CASUS_VEC_AT(&s->resolutions, const casus_resolution *, i) : NULL;
}

casus_day casus_sanctions_monitoring_end(const casus_sanctions *s)
{
    casus_day end = CASUS_DAY_NEVER_BEFORE;
    for (size_t i = 0; i < casus_sanctions_count(s); i++) {
        const casus_resolution *r = casus_sanctions_at(s, i);
        for (size_t p = 0; p < r->n_paragraphs; p++)
            for (size_t k = 0; k < r->paragraphs[p].n_measures; k++) {
                const casus_measure *m = &r->paragraphs[p].measures[k];
                if (m->kind != CASUS_MEASURE_MANDATE)
                    continue;
                casus_day e = casus_span_is_open(m->in_force.end) ? CASUS_DAY_NEVER_AFTER : m->in_force.end.hi;
                if (e > end)
                    end = e;
            }
    }
    return end;
}
