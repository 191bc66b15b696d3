/* CSV records with line numbers: libcsv does the quoting rules; we split
 * physical lines ourselves (LF, CRLF or bare CR) so every record knows the
 * line it starts on. */
#include <csv.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "csvread.h"
#include "text.h"

/* The record being gathered: its fields' text, each NUL-terminated, one
 * after another in `text` (reused from record to record, so reading a file
 * allocates only while the buffers grow), with each field's offset and
 * length. */
typedef struct reader {
    const casus_mem *mem;
    casus_vec text;     /* char */
    casus_vec offs;     /* size_t: where each field starts in text */
    casus_vec lens;     /* size_t */
    casus_vec ptrs;     /* const char *: the fields, built when the record is complete */
    int record_line;
    const char *record_raw;
    size_t record_raw_len;
    int cur_line;
    const char *cur_raw;
    size_t cur_raw_len;
    bool in_record;
    bool in_libcsv;     /* libcsv holds part of a record (a quoted field may span lines) */
    casus_status status;
    bool oom;
    casus_csv_fn fn;
    void *ud;
    casus_error *err;
} reader;

static void start_record(reader *r)
{
    r->in_record = true;
    r->record_line = r->cur_line;
    r->record_raw = r->cur_raw;
    r->record_raw_len = r->cur_raw_len;
    r->text.len = r->offs.len = r->lens.len = 0;
}

/* Appends a field of n bytes (s may be NULL for an empty one). */
static void add_field(reader *r, const char *s, size_t n)
{
    size_t at = r->text.len;
    size_t *off = casus__vec_reserve(&r->text, r->mem, at + n + 1) ? casus__vec_push(&r->offs, r->mem) : NULL;
    size_t *len = off ? casus__vec_push(&r->lens, r->mem) : NULL;
    if (!len) {
        r->oom = true;
        return;
    }
    char *d = (char *)r->text.data + at;
    if (n)
        memcpy(d, s, n);
    d[n] = '\0';
    r->text.len = at + n + 1;
    *off = at;
    *len = n;
}

static void on_field(void *s, size_t n, void *ud)
{
    reader *r = ud;
    if (r->status != CASUS_OK || r->oom)
        return;
    if (!r->in_record)
        start_record(r);
    add_field(r, s, s ? n : 0);
}

static void on_record(int c, void *ud)
{
    (void)c;
    reader *r = ud;
    r->in_libcsv = false;
    if (r->status != CASUS_OK || r->oom)
        return;
    if (!r->in_record) {
        /* An empty line: libcsv reports a record with no fields; skip it. */
        return;
    }
    size_t n = r->offs.len;
    if (!casus__vec_reserve(&r->ptrs, r->mem, n ? n : 1)) {
        r->oom = true;
        return;
    }
    const char **ptrs = r->ptrs.data;
    for (size_t i = 0; i < n; i++)
        ptrs[i] = (const char *)r->text.data + CASUS_VEC_AT(&r->offs, size_t, i);
    casus_csv_row row = {
        .fields = ptrs,
        .lens = (const size_t *)r->lens.data,
        .n = n,
        .line = r->record_line,
        .raw = r->record_raw,
        .raw_len = r->record_raw_len,
    };
    r->status = r->fn(r->ud, &row, r->err);
    r->in_record = false;
}

static bool is_blank(char c) { return c == ' ' || c == '\t'; }

/* A line with no quote character, outside any quoted field, holds a whole
 * record whose fields are the text between commas, with the spaces and tabs
 * around them removed: what libcsv makes of it, read without it.  The scan
 * of the line left the offsets of its commas in r->offs; the line is copied
 * once, its commas becoming the fields' NULs. */
static void plain_line(reader *r, const char *p, size_t n)
{
    size_t commas = r->offs.len, fields = commas + 1;
    if (commas == 0) {
        size_t i = 0;
        while (i < n && is_blank(p[i]))
            i++;
        if (i == n)
            return; /* an empty or blank line holds no record */
    }
    int line = r->cur_line;
    r->in_record = true;
    r->record_line = line;
    r->record_raw = r->cur_raw;
    r->record_raw_len = r->cur_raw_len;
    if (!casus__vec_reserve(&r->text, r->mem, n + 1) || !casus__vec_reserve(&r->offs, r->mem, fields) ||
        !casus__vec_reserve(&r->lens, r->mem, fields)) {
        r->oom = true;
        return;
    }
    char *d = r->text.data;
    size_t *offs = r->offs.data, *lens = r->lens.data;
    memcpy(d, p, n);
    size_t start = 0;
    for (size_t k = 0; k < fields; k++) {
        size_t a = start, b = k < commas ? offs[k] : n;
        d[b] = '\0';
        start = b + 1;
        if (a < b && (is_blank(d[a]) || is_blank(d[b - 1]))) {
            while (a < b && is_blank(d[a]))
                a++;
            while (b > a && is_blank(d[b - 1]))
                d[--b] = '\0';
        }
        offs[k] = a;
        lens[k] = b - a;
    }
    r->text.len = n + 1;
    r->offs.len = r->lens.len = fields;
    on_record('\n', r);
}

/* Byte classes for the scan of a line: 0 plain, 1 comma, 2 the quote or a
 * NUL, 3 a line end. */
static const unsigned char byte_class[256] = {[0] = 2, [','] = 1, ['"'] = 2, ['\n'] = 3, ['\r'] = 3};

casus_status casus__csv_parse(const casus_mem *mem, const char *name, const char *buf, size_t len,
                              casus_csv_fn fn, void *ud, casus_error *err)
{
    struct csv_parser p;
    if (csv_init(&p, CSV_APPEND_NULL) != 0)
        return casus_error_set(err, CASUS_NOMEM, name, 0, 0, "out of memory");
    reader r = {.mem = mem, .fn = fn, .ud = ud, .err = err, .status = CASUS_OK};
    casus__vec_init(&r.text, 1);
    casus__vec_init(&r.offs, sizeof(size_t));
    casus__vec_init(&r.lens, sizeof(size_t));
    casus__vec_init(&r.ptrs, sizeof(const char *));
    size_t pos = 0;
    int line = 0;
    while (pos < len && r.status == CASUS_OK && !r.oom) {
        const char *at = buf + pos;
        size_t end = pos;
        bool quoted = false, nul = false;
        /* One pass over the line: where it ends, whether it holds a quote or
         * a NUL, and where its commas are (for plain_line). */
        bool plain = !r.in_record && !r.in_libcsv; /* a record spanning lines goes on in libcsv */
        if (plain)
            r.offs.len = 0;
        for (; end < len; end++) {
            unsigned char k = byte_class[(unsigned char)buf[end]];
            if (k == 0)
                continue;
            if (k == 3)
                break;
            if (k == 1) {
                if (!plain || quoted)
                    continue;
                if (r.offs.len == r.offs.cap && !casus__vec_reserve(&r.offs, mem, r.offs.len + 1)) {
                    r.oom = true;
                    break;
                }
                ((size_t *)r.offs.data)[r.offs.len++] = end - pos;
                continue;
            }
            if (buf[end] == '"')
                quoted = true;
            else
                nul = true;
        }
        if (r.oom)
            break;
        line++;
        r.cur_line = line;
        r.cur_raw = at;
        r.cur_raw_len = end - pos;
        if (nul) {
            r.status = casus_error_set(err, CASUS_PARSE, name, line,
                                       (int)((const char *)memchr(at, '\0', end - pos) - at) + 1,
                                       "NUL byte in a text file");
            break;
        }
        if (plain && !quoted)
            plain_line(&r, at, end - pos);
        else {
            r.in_libcsv = true; /* until libcsv ends the record (on_record) */
            if (csv_parse(&p, at, end - pos, on_field, on_record, &r) != end - pos ||
                csv_parse(&p, "\n", 1, on_field, on_record, &r) != 1) {
                r.status = casus_error_set(err, CASUS_PARSE, name, line, 1, "malformed CSV: %s",
                                           csv_strerror(csv_error(&p)));
                break;
            }
        }
        if (end < len && buf[end] == '\r' && end + 1 < len && buf[end + 1] == '\n')
            end++;
        pos = end + 1;
    }
    if (r.status == CASUS_OK && !r.oom) {
        csv_fini(&p, on_field, on_record, &r);
        if (r.status == CASUS_OK && !r.oom && r.in_record)
            on_record(-1, &r);
    }
    csv_free(&p);
    casus__vec_free(&r.text, mem);
    casus__vec_free(&r.offs, mem);
    casus__vec_free(&r.lens, mem);
    casus__vec_free(&r.ptrs, mem);
    if (r.oom)
        return casus_error_set(err, CASUS_NOMEM, name, line, 0, "out of memory");
    return r.status;
}

int casus__csv_col(const casus_csv_row *row, size_t k)
{
    size_t i = 0, field = 0;
    bool quoted = false;
    while (i < row->raw_len && field < k) {
        char c = row->raw[i];
        if (c == '"')
            quoted = !quoted;
        else if (c == ',' && !quoted)
            field++;
        i++;
    }
    return (int)i + 1;
}

casus_status casus__csv_error(casus_error *err, casus_status status, const char *name,
                              const casus_csv_row *row, size_t k, const char *fmt, ...)
{
    if (!err)
        return status;
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    casus_error_set(err, status, name, row->line, casus__csv_col(row, k), "%s", msg);
    size_t n = row->raw_len < sizeof err->context - 1 ? row->raw_len : sizeof err->context - 1;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)row->raw[i];
        err->context[i] = c < 0x20 || c == 0x7f ? '?' : (char)c;
    }
    err->context[n] = '\0';
    return status;
}

bool casus__parse_int(const char *s, size_t n, int *out)
{
    size_t i = 0;
    while (i < n && s[i] == ' ')
        i++;
    while (n > i && s[n - 1] == ' ')
        n--;
    bool neg = false;
    if (i < n && (s[i] == '-' || s[i] == '+'))
        neg = s[i++] == '-';
    if (i >= n)
        return false;
    long v = 0;
    for (; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
        if (v > INT_MAX)
            return false;
    }
    *out = (int)(neg ? -v : v);
    return true;
}
