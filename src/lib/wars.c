/* The COW inter-state wars (Inter-State War Data v4.0): one file, one row
 * per participant, grouped here into wars.  The codes and their meanings
 * follow the codebook, Sarkees, "Inter-state Wars (Version 4.0):
 * Definitions and Variables", section "Variables Layout". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "casus/wars.h"
#include "csvread.h"
#include "text.h"

/* A war file has a few hundred rows; these caps only stop hostile input. */
#define MAX_ROWS 100000
#define MAX_NAME 200
#define MAX_WARNUM 99999
#define MAX_DEATHS 100000000L

/* COW's war data cover 1816-2007 (codebook, first paragraph); a year
 * outside is a typing error, not history. */
#define FIRST_YEAR 1816
#define LAST_YEAR 2007

enum { N_COLUMNS = 25 };
static const char *const columns[N_COLUMNS] = {
    "WarNum",      "WarName",     "WarType",    "ccode",      "StateName",  "Side",        "StartMonth1",
    "StartDay1",   "StartYear1",  "EndMonth1",  "EndDay1",    "EndYear1",   "StartMonth2", "StartDay2",
    "StartYear2",  "EndMonth2",   "EndDay2",    "EndYear2",   "TransFrom",  "WhereFought", "Initiator",
    "Outcome",     "TransTo",     "BatDeath",   "Version",
};
enum {
    C_WARNUM, C_WARNAME, C_WARTYPE, C_CCODE, C_STATENAME, C_SIDE, C_START1, C_END1 = 9, C_START2 = 12,
    C_END2 = 15, C_TRANSFROM = 18, C_WHERE, C_INITIATOR, C_OUTCOME, C_TRANSTO, C_BATDEATH, C_VERSION
};

/* The codebook's special values. */
enum { ONGOING = -7, NOT_APPLICABLE = -8, UNKNOWN = -9 };

struct casus_wars {
    casus_mem mem;
    casus_arena arena;
    casus_war *wars; /* in the arena, sorted by number */
    size_t n;
};

typedef struct row_rec {
    int number;
    const char *war_name;
    casus_war_participant p;
} row_rec;

typedef struct load_ctx {
    casus_wars *wars;
    const char *name;
    bool header_seen;
    casus_vec rows; /* row_rec */
} load_ctx;

static const char *const outcome_names[] = {
    "?", "winner", "loser", "compromise or tie", "transformed into another type of war",
    "ongoing on 2007-12-31", "stalemate", "continued below war level", "changed sides",
};

const char *casus_war_outcome_str(casus_war_outcome outcome)
{
    if ((int)outcome < 1 || (int)outcome > 8)
        return outcome_names[0];
    return outcome_names[outcome];
}

void casus_war_date_format(const casus_war_date *date, char buf[40])
{
    switch (date->kind) {
    case CASUS_WAR_DATE_NONE:
        buf[0] = '\0';
        return;
    case CASUS_WAR_DATE_UNKNOWN:
        snprintf(buf, 40, "unknown");
        return;
    case CASUS_WAR_DATE_ONGOING:
        snprintf(buf, 40, "ongoing on 2007-12-31");
        return;
    case CASUS_WAR_DATE_KNOWN:
        break;
    }
    if (date->month == 0)
        snprintf(buf, 40, "%04d-?\?-?\? (month and day unknown)", date->year);
    else if (date->day == 0)
        snprintf(buf, 40, "%04d-%02d-?\? (day unknown)", date->year, date->month);
    else
        snprintf(buf, 40, "%04d-%02d-%02d", date->year, date->month, date->day);
}

void casus_war_date_iso(const casus_war_date *date, char buf[16])
{
    buf[0] = '\0';
    if (date->kind == CASUS_WAR_DATE_ONGOING)
        snprintf(buf, 16, "ongoing");
    else if (date->kind != CASUS_WAR_DATE_KNOWN)
        return;
    else if (date->month == 0)
        snprintf(buf, 16, "%04d", date->year);
    else if (date->day == 0)
        snprintf(buf, 16, "%04d-%02d", date->year, date->month);
    else
        snprintf(buf, 16, "%04d-%02d-%02d", date->year, date->month, date->day);
}

casus_status casus_wars_create_with(casus_alloc_fn fn, void *ud, casus_wars **out, casus_error *err)
{
    *out = NULL;
    casus_wars *w = fn(ud, NULL, 0, sizeof *w);
    if (!w)
        return casus_error_set(err, CASUS_NOMEM, NULL, 0, 0, "out of memory");
    memset(w, 0, sizeof *w);
    w->mem.fn = fn;
    w->mem.ud = ud;
    casus__arena_init(&w->arena, &w->mem);
    *out = w;
    return CASUS_OK;
}

casus_status casus_wars_create(casus_wars **out, casus_error *err)
{
    return casus_wars_create_with(casus__default_alloc, NULL, out, err);
}

void casus_wars_free(casus_wars *w)
{
    if (!w)
        return;
    casus__arena_free(&w->arena);
    casus__mem_free(&w->mem, w, sizeof *w);
}

size_t casus_wars_count(const casus_wars *w) { return w ? w->n : 0; }

const casus_war *casus_wars_at(const casus_wars *w, size_t i)
{
    return w && i < w->n ? &w->wars[i] : NULL;
}

const casus_war *casus_wars_find(const casus_wars *w, int number)
{
    if (!w)
        return NULL;
    size_t lo = 0, hi = w->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (w->wars[mid].number < number)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < w->n && w->wars[lo].number == number ? &w->wars[lo] : NULL;
}

/* Reads a whole-number field into *v; false (with err set) when it is not one. */
static bool int_field(load_ctx *c, const casus_csv_row *row, size_t k, int *v, casus_error *err)
{
    if (casus__parse_int(row->fields[k], row->lens[k], v))
        return true;
    casus__csv_error(err, CASUS_PARSE, c->name, row, k, "%s: '%s' is not a whole number", columns[k],
                     row->fields[k]);
    return false;
}

/* One date from its three fields (month, day, year, in that order in the
 * file).  The codebook allows -9 (unknown) in each part, -7 (ongoing) in the
 * parts of an end date, and -8 (not applicable) in the second spell. */
static casus_status date_fields(load_ctx *c, const casus_csv_row *row, size_t k, bool is_end, bool second,
                                casus_war_date *d, casus_error *err)
{
    int month, day, year;
    if (!int_field(c, row, k, &month, err) || !int_field(c, row, k + 1, &day, err) ||
        !int_field(c, row, k + 2, &year, err))
        return CASUS_PARSE;
    memset(d, 0, sizeof *d);
    d->span = casus_span_open();
    if (year == NOT_APPLICABLE || month == NOT_APPLICABLE || day == NOT_APPLICABLE) {
        if (!second)
            return casus__csv_error(err, CASUS_PARSE, c->name, row, k,
                                    "%s: -8 (not applicable) is only allowed in the second spell", columns[k]);
        if (year != NOT_APPLICABLE || month != NOT_APPLICABLE || day != NOT_APPLICABLE)
            return casus__csv_error(err, CASUS_PARSE, c->name, row, k,
                                    "%s: a date is either wholly -8 (not applicable) or not at all", columns[k]);
        d->kind = CASUS_WAR_DATE_NONE;
        return CASUS_OK;
    }
    if (year == ONGOING || month == ONGOING || day == ONGOING) {
        if (!is_end)
            return casus__csv_error(err, CASUS_PARSE, c->name, row, k,
                                    "%s: -7 (ongoing) is only allowed in an end date", columns[k]);
        if (year != ONGOING || (month != ONGOING && month != UNKNOWN) || (day != ONGOING && day != UNKNOWN))
            return casus__csv_error(err, CASUS_PARSE, c->name, row, k + 2,
                                    "%s: an ongoing end date has -7 in its year and -7 or -9 in month and day",
                                    columns[k + 2]);
        d->kind = CASUS_WAR_DATE_ONGOING;
        return CASUS_OK;
    }
    if (year == UNKNOWN) {
        if (month != UNKNOWN || day != UNKNOWN)
            return casus__csv_error(err, CASUS_PARSE, c->name, row, k,
                                    "%s: a month or day is given for an unknown (-9) year", columns[k]);
        d->kind = CASUS_WAR_DATE_UNKNOWN;
        return CASUS_OK;
    }
    if (year < FIRST_YEAR || year > LAST_YEAR)
        return casus__csv_error(err, CASUS_RANGE, c->name, row, k + 2, "%s: year %d is outside %d-%d",
                                columns[k + 2], year, FIRST_YEAR, LAST_YEAR);
    if (month != UNKNOWN && (month < 1 || month > 12))
        return casus__csv_error(err, CASUS_RANGE, c->name, row, k, "%s: %d is not a month (1-12, or -9)",
                                columns[k], month);
    if (day != UNKNOWN && (day < 1 || day > 31))
        return casus__csv_error(err, CASUS_RANGE, c->name, row, k + 1, "%s: %d is not a day (1-31, or -9)",
                                columns[k + 1], day);
    if (month == UNKNOWN && day != UNKNOWN)
        return casus__csv_error(err, CASUS_PARSE, c->name, row, k + 1, "%s: a day is given without its month",
                                columns[k + 1]);
    if (day != UNKNOWN && !casus_date_valid(year, month, day))
        return casus__csv_error(err, CASUS_RANGE, c->name, row, k + 1, "%s: %04d-%02d-%02d does not exist",
                                columns[k + 1], year, month, day);
    d->kind = CASUS_WAR_DATE_KNOWN;
    d->year = year;
    d->month = month == UNKNOWN ? 0 : month;
    d->day = day == UNKNOWN ? 0 : day;
    d->span = casus_span_partial(d->year, d->month, d->day);
    return CASUS_OK;
}

/* Whether a spell may run from a to b: false only when both are known and
 * b surely comes before a. */
static bool in_order(const casus_war_date *a, const casus_war_date *b)
{
    return a->kind != CASUS_WAR_DATE_KNOWN || b->kind != CASUS_WAR_DATE_KNOWN || a->span.lo <= b->span.hi;
}

static casus_status check_header(load_ctx *c, const casus_csv_row *row, casus_error *err)
{
    if (row->n != N_COLUMNS)
        return casus__csv_error(err, CASUS_PARSE, c->name, row, 0,
                                "expected the %d columns of Inter-State War Data v4.0 in the header, found %zu",
                                N_COLUMNS, row->n);
    for (size_t i = 0; i < row->n; i++)
        if (strcmp(row->fields[i], columns[i]) != 0)
            return casus__csv_error(err, CASUS_PARSE, c->name, row, i, "expected column '%s', found '%s'",
                                    columns[i], row->fields[i]);
    c->header_seen = true;
    return CASUS_OK;
}

/* TransFrom holds "-8" or one or more war numbers ("404, 410"). */
static bool trans_from_ok(const char *s, size_t n)
{
    if (n == 2 && memcmp(s, "-8", 2) == 0)
        return true;
    bool digit = false;
    for (size_t i = 0; i < n; i++) {
        if (s[i] >= '0' && s[i] <= '9')
            digit = true;
        else if (s[i] != ',' && s[i] != ' ')
            return false;
    }
    return digit;
}

static casus_status war_row(void *ud, const casus_csv_row *row, casus_error *err)
{
    load_ctx *c = ud;
    if (!c->header_seen)
        return check_header(c, row, err);
    if (row->n != N_COLUMNS)
        return casus__csv_error(err, CASUS_PARSE, c->name, row, row->n < N_COLUMNS ? row->n : N_COLUMNS,
                                "expected %d fields, found %zu", N_COLUMNS, row->n);
    if (c->rows.len >= MAX_ROWS)
        return casus__csv_error(err, CASUS_TOOBIG, c->name, row, 0, "more than %d rows", MAX_ROWS);
    row_rec r;
    memset(&r, 0, sizeof r);
    r.p.line = row->line;
    int v;
    if (!int_field(c, row, C_WARNUM, &r.number, err))
        return CASUS_PARSE;
    if (r.number < 1 || r.number > MAX_WARNUM)
        return casus__csv_error(err, CASUS_RANGE, c->name, row, C_WARNUM, "WarNum: %d is not a war number",
                                r.number);
    static const size_t names[] = {C_WARNAME, C_STATENAME};
    for (size_t i = 0; i < 2; i++) {
        size_t k = names[i];
        if (row->lens[k] == 0 || row->lens[k] > MAX_NAME)
            return casus__csv_error(err, CASUS_PARSE, c->name, row, k, "%s: empty or longer than %d bytes",
                                    columns[k], MAX_NAME);
    }
    if (!int_field(c, row, C_WARTYPE, &v, err))
        return CASUS_PARSE;
    if (v != 1)
        return casus__csv_error(err, CASUS_PARSE, c->name, row, C_WARTYPE,
                                "WarType: %d is not 1 (inter-state war)", v);
    if (!int_field(c, row, C_CCODE, &r.p.ccode, err))
        return CASUS_PARSE;
    if (r.p.ccode < 1 || r.p.ccode > 999)
        return casus__csv_error(err, CASUS_RANGE, c->name, row, C_CCODE, "ccode: %d is not a state code (1-999)",
                                r.p.ccode);
    if (!int_field(c, row, C_SIDE, &r.p.side, err))
        return CASUS_PARSE;
    if (r.p.side != 1 && r.p.side != 2)
        return casus__csv_error(err, CASUS_RANGE, c->name, row, C_SIDE, "Side: %d is not 1 or 2", r.p.side);
    casus_status st;
    if ((st = date_fields(c, row, C_START1, false, false, &r.p.start1, err)) != CASUS_OK ||
        (st = date_fields(c, row, C_END1, true, false, &r.p.end1, err)) != CASUS_OK ||
        (st = date_fields(c, row, C_START2, false, true, &r.p.start2, err)) != CASUS_OK ||
        (st = date_fields(c, row, C_END2, true, true, &r.p.end2, err)) != CASUS_OK)
        return st;
    if ((r.p.start2.kind == CASUS_WAR_DATE_NONE) != (r.p.end2.kind == CASUS_WAR_DATE_NONE))
        return casus__csv_error(err, CASUS_PARSE, c->name, row, C_START2,
                                "the second spell has a start without an end, or an end without a start");
    if (!in_order(&r.p.start1, &r.p.end1))
        return casus__csv_error(err, CASUS_RANGE, c->name, row, C_END1, "the first spell ends before it starts");
    if (r.p.end1.kind == CASUS_WAR_DATE_ONGOING && r.p.start2.kind != CASUS_WAR_DATE_NONE)
        return casus__csv_error(err, CASUS_PARSE, c->name, row, C_START2,
                                "a second spell follows a first spell that is still ongoing");
    if (!in_order(&r.p.end1, &r.p.start2) || !in_order(&r.p.start2, &r.p.end2))
        return casus__csv_error(err, CASUS_RANGE, c->name, row, C_START2,
                                "the second spell does not follow the first, or ends before it starts");
    if (!trans_from_ok(row->fields[C_TRANSFROM], row->lens[C_TRANSFROM]))
        return casus__csv_error(err, CASUS_PARSE, c->name, row, C_TRANSFROM,
                                "TransFrom: '%s' is neither -8 nor a list of war numbers", row->fields[C_TRANSFROM]);
    if (!int_field(c, row, C_WHERE, &r.p.where_fought, err))
        return CASUS_PARSE;
    if (r.p.where_fought < 1 || r.p.where_fought > 19)
        return casus__csv_error(err, CASUS_RANGE, c->name, row, C_WHERE, "WhereFought: %d is not a region code (1-19)",
                                r.p.where_fought);
    if (!int_field(c, row, C_INITIATOR, &v, err))
        return CASUS_PARSE;
    if (v != 1 && v != 2)
        return casus__csv_error(err, CASUS_RANGE, c->name, row, C_INITIATOR, "Initiator: %d is not 1 (yes) or 2 (no)",
                                v);
    r.p.initiator = v == 1;
    if (!int_field(c, row, C_OUTCOME, &v, err))
        return CASUS_PARSE;
    if (v < 1 || v > 8)
        return casus__csv_error(err, CASUS_RANGE, c->name, row, C_OUTCOME, "Outcome: %d is not an outcome code (1-8)",
                                v);
    r.p.outcome = (casus_war_outcome)v;
    if (!int_field(c, row, C_TRANSTO, &v, err))
        return CASUS_PARSE;
    if (v != NOT_APPLICABLE && (v < 1 || v > MAX_WARNUM))
        return casus__csv_error(err, CASUS_RANGE, c->name, row, C_TRANSTO, "TransTo: %d is neither -8 nor a war number",
                                v);
    r.p.trans_to = v == NOT_APPLICABLE ? 0 : v;
    if (!int_field(c, row, C_BATDEATH, &v, err))
        return CASUS_PARSE;
    if (v != UNKNOWN && (v < 0 || v > MAX_DEATHS))
        return casus__csv_error(err, CASUS_RANGE, c->name, row, C_BATDEATH,
                                "BatDeath: %d is neither a count nor -9 (unknown)", v);
    r.p.bat_deaths = v == UNKNOWN ? -1 : v;
    if (strcmp(row->fields[C_VERSION], "4") != 0 && strcmp(row->fields[C_VERSION], "4.0") != 0)
        return casus__csv_error(err, CASUS_PARSE, c->name, row, C_VERSION,
                                "Version: '%s' is not 4 (Inter-State War Data v4.0)", row->fields[C_VERSION]);

    casus_arena *a = &c->wars->arena;
    r.war_name = casus__arena_strndup(a, row->fields[C_WARNAME], row->lens[C_WARNAME]);
    r.p.state_name = casus__arena_strndup(a, row->fields[C_STATENAME], row->lens[C_STATENAME]);
    r.p.trans_from = strcmp(row->fields[C_TRANSFROM], "-8") == 0
                         ? ""
                         : casus__arena_strndup(a, row->fields[C_TRANSFROM], row->lens[C_TRANSFROM]);
    row_rec *slot = casus__vec_push(&c->rows, &c->wars->mem);
    if (!r.war_name || !r.p.state_name || !r.p.trans_from || !slot)
        return casus_error_set(err, CASUS_NOMEM, c->name, row->line, 0, "out of memory");
    *slot = r;
    return CASUS_OK;
}

static int by_number(const void *a, const void *b)
{
    const row_rec *x = a, *y = b;
    if (x->number != y->number)
        return x->number < y->number ? -1 : 1;
    /* Within a war keep the file's order, which qsort alone would not. */
    return (x->p.line > y->p.line) - (x->p.line < y->p.line);
}

/* The last day a participant fought: the end of its second spell when it
 * has one. */
static const casus_war_date *last_end(const casus_war_participant *p)
{
    return p->end2.kind != CASUS_WAR_DATE_NONE ? &p->end2 : &p->end1;
}

/* Groups the sorted rows into wars; every row of a war must carry the same
 * name. */
static casus_status build(load_ctx *c, casus_error *err)
{
    casus_wars *w = c->wars;
    row_rec *rows = c->rows.data;
    size_t n_rows = c->rows.len;
    if (n_rows == 0)
        return casus_error_set(err, CASUS_PARSE, c->name, 0, 0, "no wars in the file");
    qsort(rows, n_rows, sizeof *rows, by_number);
    size_t n_wars = 0;
    for (size_t i = 0; i < n_rows; i++)
        if (i == 0 || rows[i].number != rows[i - 1].number)
            n_wars++;
    casus_war *wars = casus__arena_alloc(&w->arena, n_wars * sizeof *wars);
    casus_war_participant *parts = casus__arena_alloc(&w->arena, n_rows * sizeof *parts);
    if (!wars || !parts)
        return casus_error_set(err, CASUS_NOMEM, c->name, 0, 0, "out of memory");
    size_t k = 0;
    for (size_t i = 0; i < n_rows;) {
        casus_war *war = &wars[k++];
        war->number = rows[i].number;
        war->name = rows[i].war_name;
        war->participants = &parts[i];
        bool ongoing = false;
        size_t j = i;
        for (; j < n_rows && rows[j].number == war->number; j++) {
            const casus_war_participant *p = &rows[j].p;
            if (strcmp(rows[j].war_name, war->name) != 0)
                return casus_error_set(err, CASUS_PARSE, c->name, p->line, 2,
                                       "war %d is named '%s' here but '%s' on line %d", war->number,
                                       rows[j].war_name, war->name, rows[i].p.line);
            parts[j] = *p;
            war->n_side[p->side - 1]++;
            if (p->start1.kind == CASUS_WAR_DATE_KNOWN &&
                (war->start.kind != CASUS_WAR_DATE_KNOWN || p->start1.span.lo < war->start.span.lo))
                war->start = p->start1;
            const casus_war_date *e = last_end(p);
            if (e->kind == CASUS_WAR_DATE_ONGOING)
                ongoing = true;
            else if (e->kind == CASUS_WAR_DATE_KNOWN &&
                     (war->end.kind != CASUS_WAR_DATE_KNOWN || e->span.hi > war->end.span.hi))
                war->end = *e;
        }
        war->n_participants = j - i;
        if (war->start.kind != CASUS_WAR_DATE_KNOWN) {
            war->start.kind = CASUS_WAR_DATE_UNKNOWN;
            war->start.span = casus_span_open();
        }
        if (ongoing) {
            memset(&war->end, 0, sizeof war->end);
            war->end.kind = CASUS_WAR_DATE_ONGOING;
            war->end.span = casus_span_open();
        } else if (war->end.kind != CASUS_WAR_DATE_KNOWN) {
            war->end.kind = CASUS_WAR_DATE_UNKNOWN;
            war->end.span = casus_span_open();
        }
        i = j;
    }
    w->wars = wars;
    w->n = n_wars;
    return CASUS_OK;
}

casus_status casus_wars_load_text(casus_wars *w, const char *name, const char *text, size_t len,
                                  casus_error *err)
{
    if (w->n)
        return casus_error_set(err, CASUS_INVALID, name, 0, 0, "wars are already loaded");
    if (len > CASUS_MAX_DATA_FILE)
        return casus_error_set(err, CASUS_TOOBIG, name, 0, 0, "larger than %u bytes", CASUS_MAX_DATA_FILE);
    load_ctx c = {.wars = w, .name = name};
    casus__vec_init(&c.rows, sizeof(row_rec));
    casus_arena_mark mark = casus__arena_mark(&w->arena);
    casus_status st = casus__csv_parse(&w->mem, name, text, len, war_row, &c, err);
    if (st == CASUS_OK && !c.header_seen)
        st = casus_error_set(err, CASUS_PARSE, name, 0, 0, "empty file: expected the header of Inter-State War Data v4.0");
    if (st == CASUS_OK)
        st = build(&c, err);
    casus__vec_free(&c.rows, &w->mem);
    if (st != CASUS_OK) {
        casus__arena_rollback(&w->arena, mark);
        w->wars = NULL;
        w->n = 0;
    }
    return st;
}

casus_status casus_wars_load_file(casus_wars *w, const char *path, casus_error *err)
{
    char *data = NULL;
    size_t len = 0;
    casus_status st = casus__read_file(&w->mem, path, CASUS_MAX_DATA_FILE, &data, &len, err);
    if (st != CASUS_OK)
        return st;
    st = casus_wars_load_text(w, path, data, len, err);
    casus__mem_free(&w->mem, data, 0);
    return st;
}

casus_status casus_wars_load_dir(casus_wars *w, const char *data_dir, casus_error *err)
{
    char path[4096];
    int n = snprintf(path, sizeof path, "%s/%s", data_dir, CASUS_WARS_FILE);
    if (n < 0 || (size_t)n >= sizeof path)
        return casus_error_set(err, CASUS_INVALID, NULL, 0, 0, "data directory path too long");
    return casus_wars_load_file(w, path, err);
}
