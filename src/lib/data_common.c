/* What the dataset loaders share (data_internal.h): the store hung on the
 * world, header checks, field parsing with file:line:col errors, and the
 * parse-sort-check-copy path of loaders that gather fixed-size records.
 * The loaders call these; none of them calls a loader, so data.c, the
 * loaders and this file form no circle. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "data_internal.h"

/* ---- the store ---------------------------------------------------------- */

data_store *casus__data_store(casus_world *w)
{
    data_store *s = casus__world_datasets(w);
    if (!s) {
        s = casus__arena_alloc(casus__world_arena(w), sizeof *s);
        if (s)
            casus__world_set_datasets(w, s);
    }
    return s;
}

const data_store *casus__data_store_get(const casus_world *w)
{
    return casus__world_datasets(w);
}

/* ---- helpers for the loaders ------------------------------------------- */

casus_status casus__data_header(data_file *f, const casus_csv_row *row, casus_error *err)
{
    if (row->n > DATA_MAX_WIDTH)
        return casus__csv_error(err, CASUS_PARSE, f->name, row, 0, "header has %zu columns; at most %d are allowed",
                                row->n, DATA_MAX_WIDTH);
    for (size_t i = 0; i < f->n_want; i++)
        f->idx[i] = -1;
    for (size_t c = 0; c < row->n; c++) {
        for (size_t p = 0; p < c; p++)
            if (strcmp(row->fields[p], row->fields[c]) == 0)
                return casus__csv_error(err, CASUS_PARSE, f->name, row, c, "column '%s' appears twice in the header",
                                        row->fields[c]);
        for (size_t i = 0; i < f->n_want; i++)
            if (strcmp(row->fields[c], f->want[i]) == 0)
                f->idx[i] = (int)c;
        f->is_text[c] = 0;
        for (const char *const *t = f->text; t && *t; t++)
            if (strcmp(row->fields[c], *t) == 0)
                f->is_text[c] = 1;
    }
    for (size_t i = 0; i < f->n_want; i++)
        if (f->idx[i] < 0)
            return casus__csv_error(err, CASUS_PARSE, f->name, row, row->n ? row->n - 1 : 0,
                                    "header lacks the column '%s'", f->want[i]);
    f->width = row->n;
    f->header_seen = true;
    return CASUS_OK;
}

casus_status casus__data_width(const data_file *f, const casus_csv_row *row, casus_error *err)
{
    if (row->n != f->width)
        return casus__csv_error(err, CASUS_PARSE, f->name, row, row->n < f->width ? row->n : f->width,
                                "expected %zu fields as in the header, found %zu", f->width, row->n);
    return CASUS_OK;
}

static bool blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ')
            return false;
    return true;
}

casus_status casus__data_int(const data_file *f, const casus_csv_row *row, size_t k, int lo, int hi, int *out,
                             bool *missing, bool cow_missing, casus_error *err)
{
    size_t c = (size_t)f->idx[k];
    const char *s = row->fields[c];
    size_t n = row->lens[c];
    int v = 0;
    if (missing)
        *missing = false;
    if (blank(s, n)) {
        if (missing) {
            *missing = true;
            *out = 0;
            return CASUS_OK;
        }
        return casus__csv_error(err, CASUS_PARSE, f->name, row, c, "%s is blank", f->want[k]);
    }
    if (!casus__parse_int(s, n, &v))
        return casus__csv_error(err, CASUS_PARSE, f->name, row, c, "%s: '%s' is not a whole number", f->want[k], s);
    if (cow_missing && (v == -8 || v == -9)) {
        if (!missing)
            return casus__csv_error(err, CASUS_PARSE, f->name, row, c, "%s is missing (%d) where a value is needed",
                                    f->want[k], v);
        *missing = true;
        *out = 0;
        return CASUS_OK;
    }
    if (v < lo || v > hi)
        return casus__csv_error(err, CASUS_RANGE, f->name, row, c, "%s: %d is outside %d..%d", f->want[k], v, lo, hi);
    *out = v;
    return CASUS_OK;
}

casus_status casus__data_double(const data_file *f, const casus_csv_row *row, size_t k, double *out, bool *missing,
                                casus_error *err)
{
    size_t c = (size_t)f->idx[k];
    const char *s = row->fields[c];
    size_t n = row->lens[c];
    *missing = false;
    if (blank(s, n) || strcmp(s, "-9") == 0 || strcmp(s, "-8") == 0) {
        *missing = true;
        *out = NAN;
        return CASUS_OK;
    }
    /* strtod accepts "inf", "nan" and hex floats; the files hold none, so
     * only digits, sign, point and exponent are let through. */
    if (strspn(s, "0123456789.eE+-") != n)
        return casus__csv_error(err, CASUS_PARSE, f->name, row, c, "%s: '%s' is not a number", f->want[k], s);
    char *end = NULL;
    errno = 0;
    double v = strtod(s, &end);
    if (end != s + n || errno != 0 || !isfinite(v))
        return casus__csv_error(err, CASUS_PARSE, f->name, row, c, "%s: '%s' is not a number", f->want[k], s);
    *out = v;
    return CASUS_OK;
}

casus_status casus__data_expect(const data_file *f, const casus_csv_row *row, size_t k, const char *expect,
                                casus_error *err)
{
    size_t c = (size_t)f->idx[k];
    if (strcmp(row->fields[c], expect) != 0)
        return casus__csv_error(err, CASUS_PARSE, f->name, row, c, "%s: expected '%s', found '%s'", f->want[k], expect,
                                row->fields[c]);
    return CASUS_OK;
}

/* A whole number of at most nine digits, possibly signed: most fields, told
 * apart without converting them. */
static bool short_whole(const char *s, size_t n)
{
    size_t i = n && (s[0] == '-' || s[0] == '+');
    if (i >= n || n - i > 9)
        return false;
    for (; i < n; i++)
        if ((unsigned)(s[i] - '0') > 9)
            return false;
    return true;
}

casus_status casus__data_all_numeric(const data_file *f, const casus_csv_row *row, casus_error *err)
{
    if (!f->text)
        return CASUS_OK;
    for (size_t c = 0; c < row->n && c < f->width; c++) {
        int v;
        if (f->is_text[c] || row->lens[c] == 0 || short_whole(row->fields[c], row->lens[c]) ||
            blank(row->fields[c], row->lens[c]))
            continue;
        if (!casus__parse_int(row->fields[c], row->lens[c], &v))
            return casus__csv_error(err, CASUS_PARSE, f->name, row, c, "'%s' is not a whole number", row->fields[c]);
    }
    return CASUS_OK;
}

typedef struct parse_tramp {
    data_file *f;
    casus_csv_fn fn;
    void *ud;
} parse_tramp;

static casus_status tramp_row(void *ud, const casus_csv_row *row, casus_error *err)
{
    parse_tramp *t = ud;
    if (!t->f->header_seen)
        return casus__data_header(t->f, row, err);
    casus_status st = casus__data_width(t->f, row, err);
    if (st == CASUS_OK)
        st = casus__data_all_numeric(t->f, row, err);
    if (st == CASUS_OK)
        st = t->fn(t->ud, row, err);
    t->f->rows++;
    return st;
}

casus_status casus__data_parse(data_file *f, const char *buf, size_t len, casus_csv_fn fn, void *ud,
                               casus_error *err)
{
    parse_tramp t = {.f = f, .fn = fn, .ud = ud};
    casus_status st = casus__csv_parse(casus__world_mem(f->world), f->name, buf, len, tramp_row, &t, err);
    if (st == CASUS_OK && !f->header_seen)
        st = casus_error_set(err, CASUS_PARSE, f->name, 1, 1, "empty file: expected a header line");
    if (st == CASUS_OK && f->rows == 0)
        st = casus_error_set(err, CASUS_PARSE, f->name, 2, 1, "no data rows after the header");
    return st;
}

casus_status casus__data_push(data_rows *r, const casus_csv_row *row, const void *rec, casus_error *err)
{
    void *slot = casus__vec_push(&r->v, r->mem);
    if (!slot)
        return casus_error_set(err, CASUS_NOMEM, r->f.name, row->line, 0, "out of memory");
    memcpy(slot, rec, r->elem);
    return CASUS_OK;
}

casus_status casus__data_rows(data_rows *r, const char *buf, size_t len, casus_csv_fn fn, void *ud, const void **recs,
                              size_t *n, casus_error *err)
{
    r->mem = casus__world_mem(r->f.world);
    casus__vec_init(&r->v, r->elem);
    casus_status st = casus__data_parse(&r->f, buf, len, fn, ud, err);
    if (st == CASUS_OK && r->cmp && r->v.len > 1)
        qsort(r->v.data, r->v.len, r->elem, r->cmp);
    if (st == CASUS_OK && r->check)
        st = r->check(ud, r->v.data, r->v.len, err);
    if (st == CASUS_OK) {
        casus_arena *arena = casus__world_arena(r->f.world);
        *recs = r->v.len ? casus__arena_memdup(arena, r->v.data, r->v.len * r->elem) : casus__arena_alloc(arena, 1);
        *n = r->v.len;
        if (!*recs)
            st = casus_error_set(err, CASUS_NOMEM, r->f.name, 0, 0, "out of memory");
    }
    casus__vec_free(&r->v, r->mem);
    return st;
}
