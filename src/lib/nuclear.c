/* The nuclear-armed states table (world/nuclear.csv; sources in
 * world/README.md) and the look-up "nuclear-armed on day D". */
#include <stdio.h>
#include <string.h>

#include "casus/nuclear.h"
#include "internal.h"
#include "rowtable.h"
#include "linelex.h"

#define MAX_ROWS 1000 /* far more states than have ever held the bomb */

struct casus_nuclear {
    casus_rowtable base; /* rows of casus_nuclear_state */
};

static const char *const COLUMNS[] = {"ccode", "abb", "from", "until", "estimated", "basis", "source"};
#define N_COLUMNS (sizeof COLUMNS / sizeof *COLUMNS)

static casus_status row_fn(casus_rowtable_load *c, const casus_csv_row *row, casus_error *err)
{
    casus_nuclear_state s = {.line = row->line};
    const casus_state *state = NULL;
    if (!casus__parse_int(row->fields[0], row->lens[0], &s.ccode) || s.ccode <= 0 ||
        !(state = casus_world_state_by_ccode(c->world, s.ccode)))
        return casus__csv_error(err, CASUS_PARSE, c->name, row, 0, "'%s' is not a state code of the world",
                                row->fields[0]);
    if (strcmp(row->fields[1], state->abb) != 0)
        return casus__csv_error(err, CASUS_PARSE, c->name, row, 1, "COW code %d is %s, not '%s'", s.ccode, state->abb,
                                row->fields[1]);
    if (!casus__lx_parse_span(row->fields[2], row->lens[2], &s.armed.start))
        return casus__csv_error(err, CASUS_PARSE, c->name, row, 2,
                                "'%s' is not a date (YYYY-MM-DD, YYYY-MM, YYYY, or a range A..B)", row->fields[2]);
    s.armed.end = casus_span_open();
    if (row->lens[3]) {
        if (!casus__lx_parse_span(row->fields[3], row->lens[3], &s.armed.end))
            return casus__csv_error(err, CASUS_PARSE, c->name, row, 3,
                                    "'%s' is not a date (YYYY-MM-DD, YYYY-MM, YYYY, or a range A..B)", row->fields[3]);
        if (s.armed.end.hi < s.armed.start.lo)
            return casus__csv_error(err, CASUS_PARSE, c->name, row, 3, "'until' is before 'from'");
    }
    if (strcmp(row->fields[4], "yes") == 0)
        s.estimated = true;
    else if (strcmp(row->fields[4], "no") != 0)
        return casus__csv_error(err, CASUS_PARSE, c->name, row, 4, "'estimated' must be yes or no, not '%s'",
                                row->fields[4]);
    if (row->lens[5] == 0)
        return casus__csv_error(err, CASUS_PARSE, c->name, row, 5, "empty basis (say which test, or which estimate)");
    if (row->lens[6] == 0)
        return casus__csv_error(err, CASUS_PARSE, c->name, row, 6, "empty source (a key of world/README.md)");
    for (size_t i = 0; i < c->rows.len; i++) {
        const casus_nuclear_state *q = &CASUS_VEC_AT(&c->rows, casus_nuclear_state, i);
        if (q->ccode == s.ccode && !(q->armed.end.hi < s.armed.start.lo || s.armed.end.hi < q->armed.start.lo))
            return casus__csv_error(err, CASUS_PARSE, c->name, row, 0, "%s is already listed for part of that period (line %d)",
                                    state->abb, q->line);
    }
    s.basis = casus__arena_strdup(&c->table->arena, row->fields[5]);
    s.source = casus__arena_strdup(&c->table->arena, row->fields[6]);
    casus_nuclear_state *slot = s.basis && s.source ? casus__vec_push(&c->rows, &c->table->mem) : NULL;
    if (!slot)
        return casus_error_set(err, CASUS_NOMEM, c->name, row->line, 0, "out of memory");
    *slot = s;
    return CASUS_OK;
}

static const casus_rowtable_spec SPEC = {
    .default_name = "nuclear.csv",
    .what = "nuclear table",
    .max_bytes = CASUS_MAX_NUCLEAR_FILE,
    .max_rows = MAX_ROWS,
    .columns = COLUMNS,
    .n_columns = N_COLUMNS,
    .elem = sizeof(casus_nuclear_state),
    .row = row_fn,
};

casus_status casus_nuclear_parse(const casus_world *world, const char *name, const char *text, size_t len,
                                 casus_nuclear **out, casus_error *err)
{
    casus_rowtable *t = NULL;
    casus_status st = casus__rowtable_parse(&SPEC, world, name, text, len, &t, err);
    *out = (casus_nuclear *)t; /* a handle is its row table, its first and only member */
    return st;
}

casus_status casus_nuclear_load_file(const casus_world *world, const char *path, casus_nuclear **out, casus_error *err)
{
    casus_rowtable *t = NULL;
    casus_status st = casus__rowtable_load_file(&SPEC, world, path, &t, err);
    *out = (casus_nuclear *)t;
    return st;
}

void casus_nuclear_free(casus_nuclear *table)
{
    casus__rowtable_free(table ? &table->base : NULL);
}

static const casus_nuclear_state *rows_of(const casus_nuclear *table)
{
    return table->base.rows;
}

casus_truth casus_nuclear_armed(const casus_nuclear *table, int ccode, casus_day day)
{
    casus_truth best = CASUS_FAILED;
    for (size_t i = 0; i < table->base.n_rows; i++) {
        if (rows_of(table)[i].ccode != ccode)
            continue;
        casus_truth t = casus_period_contains(&rows_of(table)[i].armed, day);
        if (t == CASUS_HELD)
            return CASUS_HELD;
        if (t == CASUS_UNKNOWN)
            best = CASUS_UNKNOWN;
    }
    return best;
}

size_t casus_nuclear_count(const casus_nuclear *table)
{
    return table->base.n_rows;
}

const casus_nuclear_state *casus_nuclear_at(const casus_nuclear *table, size_t i)
{
    return i < table->base.n_rows ? &rows_of(table)[i] : NULL;
}
