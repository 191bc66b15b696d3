/* The nuclear-armed states table (world/nuclear.csv; sources in
 * world/README.md) and the look-up "nuclear-armed on day D". */
#include <stdio.h>
#include <string.h>

#include "casus/nuclear.h"
#include "internal.h"
#include "linelex.h"

#define MAX_ROWS 1000 /* far more states than have ever held the bomb */

struct casus_nuclear {
    casus_mem mem;
    casus_arena arena;
    const casus_nuclear_state *rows;
    size_t n_rows;
};

static const char *const COLUMNS[] = {"ccode", "abb", "from", "until", "estimated", "basis", "source"};
#define N_COLUMNS (sizeof COLUMNS / sizeof *COLUMNS)

typedef struct load_ctx {
    const casus_world *world;
    casus_nuclear *table;
    const char *name;
    casus_vec rows;
    bool header_seen;
} load_ctx;

static casus_status row_fn(void *ud, const casus_csv_row *row, casus_error *err)
{
    load_ctx *c = ud;
    if (!c->header_seen) {
        if (row->n != N_COLUMNS)
            return casus__csv_error(err, CASUS_PARSE, c->name, row, 0, "expected %zu columns in the header, found %zu",
                                    N_COLUMNS, row->n);
        for (size_t i = 0; i < row->n; i++)
            if (strcmp(row->fields[i], COLUMNS[i]) != 0)
                return casus__csv_error(err, CASUS_PARSE, c->name, row, i, "expected column '%s', found '%s'",
                                        COLUMNS[i], row->fields[i]);
        c->header_seen = true;
        return CASUS_OK;
    }
    if (row->n != N_COLUMNS)
        return casus__csv_error(err, CASUS_PARSE, c->name, row, row->n < N_COLUMNS ? row->n : N_COLUMNS,
                                "expected %zu fields, found %zu", N_COLUMNS, row->n);
    if (c->rows.len >= MAX_ROWS)
        return casus__csv_error(err, CASUS_TOOBIG, c->name, row, 0, "too many rows (at most %d)", MAX_ROWS);
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

casus_status casus_nuclear_parse(const casus_world *world, const char *name, const char *text, size_t len,
                                 casus_nuclear **out, casus_error *err)
{
    *out = NULL;
    if (!name)
        name = "nuclear.csv";
    if (len > CASUS_MAX_NUCLEAR_FILE)
        return casus_error_set(err, CASUS_TOOBIG, name, 0, 0, "nuclear table is larger than %u bytes",
                               CASUS_MAX_NUCLEAR_FILE);
    /* Loading only reads the world; the hook is taken from it as it is. */
    const casus_mem *wmem = casus__world_mem((casus_world *)world);
    casus_nuclear *t = casus__mem_alloc(wmem, sizeof *t);
    if (!t)
        return casus_error_set(err, CASUS_NOMEM, name, 0, 0, "out of memory");
    memset(t, 0, sizeof *t);
    t->mem = *wmem;
    casus__arena_init(&t->arena, &t->mem);
    load_ctx c = {.world = world, .table = t, .name = name};
    casus__vec_init(&c.rows, sizeof(casus_nuclear_state));
    casus_status st = casus__csv_parse(&t->mem, name, text, len, row_fn, &c, err);
    if (st == CASUS_OK && !c.header_seen)
        st = casus_error_set(err, CASUS_PARSE, name, 1, 1, "empty file (expected the header %s,%s,%s,%s,%s,%s,%s)",
                             COLUMNS[0], COLUMNS[1], COLUMNS[2], COLUMNS[3], COLUMNS[4], COLUMNS[5], COLUMNS[6]);
    if (st == CASUS_OK) {
        t->rows = casus__arena_memdup(&t->arena, c.rows.data, c.rows.len * sizeof(casus_nuclear_state));
        t->n_rows = c.rows.len;
        if (!t->rows)
            st = casus_error_set(err, CASUS_NOMEM, name, 0, 0, "out of memory");
    }
    casus__vec_free(&c.rows, &t->mem);
    if (st != CASUS_OK) {
        casus_nuclear_free(t);
        return st;
    }
    *out = t;
    return CASUS_OK;
}

casus_status casus_nuclear_load_file(const casus_world *world, const char *path, casus_nuclear **out,
                                     casus_error *err)
{
    *out = NULL;
    const casus_mem *mem = casus__world_mem((casus_world *)world);
    char *buf = NULL;
    size_t len = 0;
    casus_status st = casus__read_file(mem, path, CASUS_MAX_NUCLEAR_FILE, &buf, &len, err);
    if (st != CASUS_OK)
        return st;
    st = casus_nuclear_parse(world, path, buf, len, out, err);
    casus__mem_free(mem, buf, 0);
    return st;
}

void casus_nuclear_free(casus_nuclear *table)
{
    if (!table)
        return;
    casus_mem mem = table->mem;
    casus__arena_free(&table->arena);
    casus__mem_free(&mem, table, sizeof *table);
}

casus_truth casus_nuclear_armed(const casus_nuclear *table, int ccode, casus_day day)
{
    casus_truth best = CASUS_FAILED;
    for (size_t i = 0; i < table->n_rows; i++) {
        if (table->rows[i].ccode != ccode)
            continue;
        casus_truth t = casus_period_contains(&table->rows[i].armed, day);
        if (t == CASUS_HELD)
            return CASUS_HELD;
        if (t == CASUS_UNKNOWN)
            best = CASUS_UNKNOWN;
    }
    return best;
}

size_t casus_nuclear_count(const casus_nuclear *table)
{
    return table->n_rows;
}

const casus_nuclear_state *casus_nuclear_at(const casus_nuclear *table, size_t i)
{
    return i < table->n_rows ? &table->rows[i] : NULL;
}
