/* The lexer shared by the resolution and events parsers (linelex.h).  It
 * reads the treaty format's tokens; the treaty parser keeps its own copy of
 * the same rules. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "casus/sanctions.h"
#include "linelex.h"

static bool is_space(char c) { return c == ' ' || c == '\t'; }
static bool is_eol(char c) { return c == '\n' || c == '\r'; }

void casus__lx_init(casus_lx *lx, const char *name, const char *buf, size_t len, casus_error *err, const char *what)
{
    memset(lx, 0, sizeof *lx);
    lx->name = name;
    lx->buf = buf;
    lx->len = len;
    lx->line = 1;
    lx->err = err;
    lx->status = CASUS_OK;
    lx->what = what;
    casus__lx_next(lx);
}

casus_status casus__lx_fail(casus_lx *lx, int line, int col, const char *fmt, ...)
{
    if (lx->status != CASUS_OK)
        return lx->status;
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    casus_error_set(lx->err, CASUS_PARSE, lx->name, line, col, "%s", msg);
    casus_error_set_context(lx->err, lx->buf, lx->len, line);
    lx->status = CASUS_PARSE;
    return CASUS_PARSE;
}

casus_status casus__lx_oom(casus_lx *lx)
{
    if (lx->status == CASUS_OK) {
        casus_error_set(lx->err, CASUS_NOMEM, lx->name, lx->line, 0, "out of memory");
        lx->status = CASUS_NOMEM;
    }
    return lx->status;
}

/* token -> WORD | STRING | TEXT | NL | EOF */
void casus__lx_next(casus_lx *lx)
{
    casus_lx_token *t = &lx->tok;
    if (lx->status != CASUS_OK) {
        t->kind = LX_EOF;
        t->n = 0;
        return;
    }
    while (lx->pos < lx->len && is_space(lx->buf[lx->pos]))
        lx->pos++;
    if (lx->pos < lx->len && lx->buf[lx->pos] == '#')
        while (lx->pos < lx->len && !is_eol(lx->buf[lx->pos]))
            lx->pos++;
    t->line = lx->line;
    t->col = (int)(lx->pos - lx->line_start) + 1;
    t->p = lx->buf + lx->pos;
    t->n = 0;
    if (lx->pos >= lx->len) {
        t->kind = LX_EOF;
        return;
    }
    char c = lx->buf[lx->pos];
    if (is_eol(c)) {
        t->kind = LX_NL;
        t->n = 1;
        lx->pos++;
        if (c == '\r' && lx->pos < lx->len && lx->buf[lx->pos] == '\n')
            lx->pos++;
        lx->line++;
        lx->line_start = lx->pos;
        return;
    }
    if (c == '\0') {
        casus__lx_fail(lx, t->line, t->col, "NUL byte in the %s", lx->what);
        t->kind = LX_EOF;
        return;
    }
    if (c == '>') {
        /* Leading blanks after '>' are layout, not text. */
        while (++lx->pos < lx->len && is_space(lx->buf[lx->pos]))
            ;
        size_t start = lx->pos;
        while (lx->pos < lx->len && !is_eol(lx->buf[lx->pos])) {
            if (lx->buf[lx->pos] == '\0') {
                casus__lx_fail(lx, t->line, (int)(lx->pos - lx->line_start) + 1, "NUL byte in the %s", lx->what);
                t->kind = LX_EOF;
                return;
            }
            lx->pos++;
        }
        t->kind = LX_TEXT;
        t->p = lx->buf + start;
        t->n = lx->pos - start;
        return;
    }
    if (c == '"') {
        size_t start = ++lx->pos;
        while (lx->pos < lx->len && lx->buf[lx->pos] != '"' && !is_eol(lx->buf[lx->pos])) {
            if (lx->buf[lx->pos] == '\0') {
                casus__lx_fail(lx, t->line, (int)(lx->pos - lx->line_start) + 1, "NUL byte in the %s", lx->what);
                t->kind = LX_EOF;
                return;
            }
            if (lx->buf[lx->pos] == '\\' && lx->pos + 1 < lx->len && !is_eol(lx->buf[lx->pos + 1]))
                lx->pos++;
            lx->pos++;
        }
        if (lx->pos >= lx->len || lx->buf[lx->pos] != '"') {
            casus__lx_fail(lx, t->line, t->col, "unterminated string");
            t->kind = LX_EOF;
            return;
        }
        t->kind = LX_STRING;
        t->p = lx->buf + start;
        t->n = lx->pos - start;
        lx->pos++;
        return;
    }
    size_t start = lx->pos;
    while (lx->pos < lx->len && !is_space(lx->buf[lx->pos]) && !is_eol(lx->buf[lx->pos]) &&
           lx->buf[lx->pos] != '"' && lx->buf[lx->pos] != '#' && lx->buf[lx->pos] != '\0')
        lx->pos++;
    t->kind = LX_WORD;
    t->p = lx->buf + start;
    t->n = lx->pos - start;
}

bool casus__lx_is(const casus_lx *lx, const char *word)
{
    return lx->tok.kind == LX_WORD && strlen(word) == lx->tok.n && memcmp(lx->tok.p, word, lx->tok.n) == 0;
}

casus_status casus__lx_expected(casus_lx *lx, const char *what)
{
    const casus_lx_token *t = &lx->tok;
    switch (t->kind) {
    case LX_NL:
        return casus__lx_fail(lx, t->line, t->col, "expected %s, found end of line", what);
    case LX_EOF:
        return casus__lx_fail(lx, t->line, t->col, "expected %s, found end of file", what);
    case LX_TEXT:
        return casus__lx_fail(lx, t->line, t->col, "expected %s, found a text line", what);
    case LX_STRING:
        return casus__lx_fail(lx, t->line, t->col, "expected %s, found \"%.*s\"", what, (int)(t->n > 40 ? 40 : t->n),
                              t->p);
    default:
        return casus__lx_fail(lx, t->line, t->col, "expected %s, found '%.*s'", what, (int)(t->n > 40 ? 40 : t->n),
                              t->p);
    }
}

casus_status casus__lx_eol(casus_lx *lx)
{
    if (lx->tok.kind == LX_NL) {
        casus__lx_next(lx);
        return lx->status;
    }
    if (lx->tok.kind == LX_EOF)
        return lx->status;
    return casus__lx_expected(lx, "end of line");
}

casus_status casus__lx_string(casus_lx *lx, casus_arena *arena, const char **out)
{
    if (lx->tok.kind != LX_STRING)
        return casus__lx_expected(lx, "a quoted string");
    char *s = casus__arena_alloc(arena, lx->tok.n + 1);
    if (!s)
        return casus__lx_oom(lx);
    size_t k = 0;
    for (size_t i = 0; i < lx->tok.n; i++) {
        char c = lx->tok.p[i];
        if (c == '\\') {
            char d = i + 1 < lx->tok.n ? lx->tok.p[i + 1] : '\0';
            if (d != '"' && d != '\\')
                return casus__lx_fail(lx, lx->tok.line, lx->tok.col + 1 + (int)i,
                                      "unknown escape '\\%c' (only \\\" and \\\\)", d ? d : ' ');
            c = d;
            i++;
        }
        s[k++] = c;
    }
    s[k] = '\0';
    *out = s;
    casus__lx_next(lx);
    return lx->status;
}

casus_status casus__lx_word(casus_lx *lx, casus_arena *arena, const char *what, const char **out)
{
    if (lx->tok.kind != LX_WORD)
        return casus__lx_expected(lx, what);
    *out = casus__arena_strndup(arena, lx->tok.p, lx->tok.n);
    if (!*out)
        return casus__lx_oom(lx);
    casus__lx_next(lx);
    return lx->status;
}

bool casus__lx_parse_date(const char *p, size_t n, casus_span *out)
{
    if (n != 4 && n != 7 && n != 10)
        return false;
    for (size_t i = 0; i < n; i++) {
        bool dash = (i == 4 || i == 7);
        if (dash ? p[i] != '-' : !isdigit((unsigned char)p[i]))
            return false;
    }
    int y = (p[0] - '0') * 1000 + (p[1] - '0') * 100 + (p[2] - '0') * 10 + (p[3] - '0');
    int m = n >= 7 ? (p[5] - '0') * 10 + (p[6] - '0') : 0;
    int d = n == 10 ? (p[8] - '0') * 10 + (p[9] - '0') : 0;
    if (y < 1000 || (n >= 7 && (m < 1 || m > 12)) || (n == 10 && !casus_date_valid(y, m, d)))
        return false;
    *out = casus_span_partial(y, m, d);
    return true;
}

casus_status casus__lx_date(casus_lx *lx, casus_span *out)
{
    if (lx->tok.kind != LX_WORD)
        return casus__lx_expected(lx, "a date (YYYY-MM-DD, YYYY-MM or YYYY)");
    if (!casus__lx_parse_date(lx->tok.p, lx->tok.n, out))
        return casus__lx_fail(lx, lx->tok.line, lx->tok.col, "'%.*s' is not a date (YYYY-MM-DD, YYYY-MM or YYYY)",
                              (int)(lx->tok.n > 40 ? 40 : lx->tok.n), lx->tok.p);
    casus__lx_next(lx);
    return lx->status;
}

bool casus__lx_parse_count(const char *p, size_t n, int64_t *out)
{
    if (n == 0 || n > 16)
        return false;
    int64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isdigit((unsigned char)p[i]))
            return false;
        v = v * 10 + (p[i] - '0');
    }
    if (v > CASUS_MAX_AMOUNT)
        return false;
    *out = v;
    return true;
}

bool casus__lx_is_name(const char *p, size_t n)
{
    if (n == 0 || n > 64 || !(islower((unsigned char)p[0]) || isdigit((unsigned char)p[0])))
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        if (!(islower(c) || isdigit(c) || c == '-' || c == '(' || c == ')' || c == '.'))
            return false;
    }
    return true;
}
