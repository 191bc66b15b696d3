/* The lexer shared by the line-oriented parsers (linelex.h): scenario,
 * resolution and events files, in the treaty format's tokens. */
#include <ctype.h>
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "casus/sanctions.h"
#include "linelex.h"

static bool is_space(char c) { return c == ' ' || c == '\t'; }
static bool is_eol(char c) { return c == '\n' || c == '\r'; }

void casus__lx_init(casus_lx *lx, const char *name, const char *buf, size_t len, casus_error *err, const char *what)
{
    casus__lx_init_ex(lx, name, buf, len, err, what, 0);
}

void casus__lx_init_ex(casus_lx *lx, const char *name, const char *buf, size_t len, casus_error *err,
                       const char *what, unsigned flags)
{
    memset(lx, 0, sizeof *lx);
    lx->flags = flags;
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
    bool nul_inside = (lx->flags & LX_NUL_INSIDE_TOKENS) != 0;
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
        casus__lx_fail(lx, t->line, t->col, "NUL byte in %s", lx->what);
        t->kind = LX_EOF;
        return;
    }
    if (c == '>') {
        /* Leading blanks after '>' are layout, not text. */
        while (++lx->pos < lx->len && is_space(lx->buf[lx->pos]))
            ;
        size_t start = lx->pos;
        while (lx->pos < lx->len && !is_eol(lx->buf[lx->pos])) {
            if (lx->buf[lx->pos] == '\0' && !nul_inside) {
                casus__lx_fail(lx, t->line, (int)(lx->pos - lx->line_start) + 1, "NUL byte in %s", lx->what);
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
            if (lx->buf[lx->pos] == '\0' && !nul_inside) {
                casus__lx_fail(lx, t->line, (int)(lx->pos - lx->line_start) + 1, "NUL byte in %s", lx->what);
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
           lx->buf[lx->pos] != '"' && lx->buf[lx->pos] != '#' && (lx->buf[lx->pos] != '\0' || nul_inside))
        lx->pos++;
    t->kind = LX_WORD;
    t->p = lx->buf + start;
    t->n = lx->pos - start;
}

bool casus__lx_is(const casus_lx *lx, const char *word)
{
    return lx->tok.kind == LX_WORD && strlen(word) == lx->tok.n && memcmp(lx->tok.p, word, lx->tok.n) == 0;
}

/* How a token reads in a message: 'word' or "string" cut at 40 bytes. */
static const char *describe(const casus_lx_token *t, char *buf, size_t size)
{
    switch (t->kind) {
    case LX_NL:
        return "end of line";
    case LX_EOF:
        return "end of file";
    case LX_TEXT:
        return "a text line";
    case LX_STRING:
        snprintf(buf, size, "\"%.*s\"", (int)(t->n > 40 ? 40 : t->n), t->p);
        return buf;
    default:
        snprintf(buf, size, "'%.*s'", (int)(t->n > 40 ? 40 : t->n), t->p);
        return buf;
    }
}

size_t casus__lx_text_len(const casus_lx_token *t)
{
    size_t n = t->n;
    while (n && is_space(t->p[n - 1]))
        n--;
    return n;
}

casus_status casus__lx_expected(casus_lx *lx, const char *what)
{
    char b[64];
    return casus__lx_fail(lx, lx->tok.line, lx->tok.col, "expected %s, found %s", what,
                          describe(&lx->tok, b, sizeof b));
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

/* A malformed date, told from one well formed but not a day of the calendar;
 * *out is set when OK. */
typedef enum date_check { LX_DATE_OK, LX_DATE_MALFORMED, LX_DATE_NOT_A_DAY } date_check;

static date_check check_date(const char *p, size_t n, casus_span *out)
{
    if (n != 4 && n != 7 && n != 10)
        return LX_DATE_MALFORMED;
    for (size_t i = 0; i < n; i++) {
        bool dash = (i == 4 || i == 7);
        if (dash ? p[i] != '-' : !isdigit((unsigned char)p[i]))
            return LX_DATE_MALFORMED;
    }
    int y = (p[0] - '0') * 1000 + (p[1] - '0') * 100 + (p[2] - '0') * 10 + (p[3] - '0');
    int m = n >= 7 ? (p[5] - '0') * 10 + (p[6] - '0') : 0;
    int d = n == 10 ? (p[8] - '0') * 10 + (p[9] - '0') : 0;
    if (y < 1000 || (n >= 7 && (m < 1 || m > 12)) || (n == 10 && !casus_date_valid(y, m, d)))
        return LX_DATE_NOT_A_DAY;
    *out = casus_span_partial(y, m, d);
    return LX_DATE_OK;
}

bool casus__lx_parse_date(const char *p, size_t n, casus_span *out)
{
    return check_date(p, n, out) == LX_DATE_OK;
}

casus_status casus__lx_calendar_date(casus_lx *lx, const char *full_only, casus_span *out)
{
    const casus_lx_token *t = &lx->tok;
    if (t->kind != LX_WORD)
        return casus__lx_expected(lx, full_only ? "a date (YYYY-MM-DD)" : "a date (YYYY-MM-DD, YYYY-MM or YYYY)");
    casus_span span;
    switch (check_date(t->p, t->n, &span)) {
    case LX_DATE_MALFORMED:
        return casus__lx_fail(lx, t->line, t->col, "'%.*s' is not a date (YYYY-MM-DD, YYYY-MM or YYYY)",
                              (int)(t->n > 40 ? 40 : t->n), t->p);
    case LX_DATE_NOT_A_DAY:
        return casus__lx_fail(lx, t->line, t->col, "%.*s is not a day of the calendar", (int)t->n, t->p);
    case LX_DATE_OK:
        break;
    }
    if (full_only && t->n != 10)
        return casus__lx_fail(lx, t->line, t->col, "%s needs a full date (YYYY-MM-DD), not %.*s", full_only,
                              (int)t->n, t->p);
    *out = span;
    casus__lx_next(lx);
    return lx->status;
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

casus_status casus__lx_opening(casus_lx *lx, casus_arena *arena, const char *keyword, const char **id,
                               casus_lx_token *id_tok)
{
    while (lx->tok.kind == LX_NL)
        casus__lx_next(lx);
    char what[64];
    if (!casus__lx_is(lx, keyword)) {
        snprintf(what, sizeof what, "'%s ID' to open the file", keyword);
        return casus__lx_expected(lx, what);
    }
    casus__lx_next(lx);
    casus_lx_token idt = lx->tok;
    if (id_tok)
        *id_tok = idt;
    snprintf(what, sizeof what, "the %s's id", keyword);
    if (casus__lx_word(lx, arena, what, id) != CASUS_OK)
        return lx->status;
    for (const char *c = *id; *c; c++)
        if (!(islower((unsigned char)*c) || isdigit((unsigned char)*c) || *c == '-'))
            return casus__lx_fail(lx, idt.line, idt.col, "%s id '%s' may hold only lower-case letters, digits and '-'",
                                  keyword, *id);
    return casus__lx_eol(lx);
}

const char *casus__lx_find_dots(const char *p, size_t n)
{
    for (size_t i = 0; i + 1 < n; i++)
        if (p[i] == '.' && p[i + 1] == '.')
            return p + i;
    return NULL;
}

bool casus__lx_parse_span(const char *p, size_t n, casus_span *out)
{
    const char *dots = casus__lx_find_dots(p, n);
    if (!dots)
        return casus__lx_parse_date(p, n, out);
    size_t n1 = (size_t)(dots - p);
    casus_span a, b;
    if (!casus__lx_parse_date(p, n1, &a) || !casus__lx_parse_date(dots + 2, n - n1 - 2, &b) || b.hi < a.lo)
        return false;
    out->lo = a.lo;
    out->hi = b.hi;
    return true;
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

static int cmp_paths(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

casus_status casus__lx_dir_files(const casus_mem *mem, const char *dir, const char *ext, const char *what,
                                 casus_vec *out, casus_error *err)
{
    casus__vec_init(out, sizeof(char *));
    DIR *d = opendir(dir);
    if (!d)
        return casus_error_set(err, CASUS_IO, dir, 0, 0, "cannot open the %s directory", what);
    size_t n_ext = strlen(ext);
    casus_status st = CASUS_OK;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t n = strlen(e->d_name);
        if (n <= n_ext || strcmp(e->d_name + n - n_ext, ext) != 0 || e->d_name[0] == '.')
            continue;
        char **slot = casus__vec_push(out, mem);
        char *path = slot ? casus__mem_alloc(mem, strlen(dir) + n + 2) : NULL;
        if (!path) {
            st = casus_error_set(err, CASUS_NOMEM, dir, 0, 0, "out of memory");
            if (slot)
                out->len--;
            break;
        }
        sprintf(path, "%s/%s", dir, e->d_name);
        *slot = path;
    }
    closedir(d);
    if (st != CASUS_OK) {
        casus__lx_free_paths(mem, out);
        return st;
    }
    if (out->len)
        qsort(out->data, out->len, sizeof(char *), cmp_paths);
    return CASUS_OK;
}

void casus__lx_free_paths(const casus_mem *mem, casus_vec *paths)
{
    for (size_t i = 0; i < paths->len; i++)
        casus__mem_free(mem, CASUS_VEC_AT(paths, char *, i), 0);
    casus__vec_free(paths, mem);
}
