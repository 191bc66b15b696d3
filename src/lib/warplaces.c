/* Where the attacks of a COW war took place (world/war-places.csv; see
 * casus/warplaces.h and world/README.md). */
#include <stdio.h>
#include <string.h>

#include "casus/warplaces.h"
#include "internal.h"

#define MAX_ROWS 10000 /* far more than the wars have participants */

struct casus_war_places {
    casus_mem mem;
    casus_arena arena;
    const casus_war_place *rows;
    size_t n_rows;
};

static const char *const COLUMNS[] = {"war", "attacker", "target", "place", "source"};
#define N_COLUMNS (sizeof COLUMNS / sizeof *COLUMNS)

typedef struct load_ctx {
    const casus_world *world;
    casus_war_places *table;
    const char *name;
    casus_vec rows;
    bool header_seen;
} load_ctx;

/* The state of abbreviation field k; NULL (with err set) when unknown. */
static const casus_state *state_field(load_ctx *c, const casus_csv_row *row, size_t k, casus_error *err)
{
    const casus_state *s = row->lens[k] <= 3 ? casus_world_state_by_abb(c->world, row->fields[k]) : NULL;
    if (!s)
        casus__csv_error(err, CASUS_PARSE, c->name, row, k, "unknown state '%s' (a COW abbreviation of world/states.csv)",
                         row->fields[k]);
    return s;
}

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
    casus_war_place r = {.line = row->line};
    if (!casus__parse_int(row->fields[0], row->lens[0], &r.war) || r.war <= 0 || r.war > 99999)
        return casus__csv_error(err, CASUS_PARSE, c->name, row, 0, "'%s' is not a COW war number", row->fields[0]);
    const casus_state *s;
    if (row->lens[1]) {
        if (!(s = state_field(c, row, 1, err)))
            return CASUS_PARSE;
        r.attacker = s->ccode;
    }
    if (row->lens[2] == 0)
        return casus__csv_error(err, CASUS_PARSE, c->name, row, 2, "empty target (the state attacked)");
    if (!(s = state_field(c, row, 2, err)))
        return CASUS_PARSE;
    r.target = s->ccode;
    if (r.attacker == r.target)
        return casus__csv_error(err, CASUS_PARSE, c->name, row, 2, "%s cannot attack itself", s->abb);
    if (row->lens[3] == 0 || !(r.place = casus_world_place_find(c->world, row->fields[3])))
        return casus__csv_error(err, CASUS_PARSE, c->name, row, 3,
                                "unknown place '%s' (an id of world/places.csv, or a state's abbreviation)",
                                row->fields[3]);
    if (r.place == casus_world_home(c->world, r.target))
        return casus__csv_error(err, CASUS_PARSE, c->name, row, 3,
                                "'%s' is %s's home territory, where an attack with no row is evaluated", row->fields[3],
                                s->abb);
    if (row->lens[4] == 0)
        return casus__csv_error(err, CASUS_PARSE, c->name, row, 4,
                                "empty source (COW's WhereFought and a public reference)");
    for (size_t i = 0; i < c->rows.len; i++) {
        const casus_war_place *q = &CASUS_VEC_AT(&c->rows, casus_war_place, i);
        if (q->war == r.war && q->attacker == r.attacker && q->target == r.target)
            return casus__csv_error(err, CASUS_PARSE, c->name, row, 0,
                                    "war %d, target %s, %s is already given on line %d", r.war, s->abb,
                                    r.attacker ? "this attacker" : "any attacker", q->line);
    }
    r.source = casus__arena_strdup(&c->table->arena, row->fields[4]);
    casus_war_place *slot = r.source ? casus__vec_push(&c->rows, &c->table->mem) : NULL;
    if (!slot)
        return casus_error_set(err, CASUS_NOMEM, c->name, row->line, 0, "out of memory");
    *slot = r;
    return CASUS_OK;
}

casus_status casus_war_places_parse(const casus_world *world, const char *name, const char *text, size_t len,
                                    casus_war_places **out, casus_error *err)
{
    *out = NULL;
    if (!name)
        name = "war-places.csv";
    if (len > CASUS_MAX_WAR_PLACES_FILE)
        return casus_error_set(err, CASUS_TOOBIG, name, 0, 0, "war places table is larger than %u bytes",
                               CASUS_MAX_WAR_PLACES_FILE);
    /* Loading only reads the world; the hook is taken from it as it is. */
    const casus_mem *wmem = casus__world_mem((casus_world *)world);
    casus_war_places *t = casus__mem_alloc(wmem, sizeof *t);
    if (!t)
        return casus_error_set(err, CASUS_NOMEM, name, 0, 0, "out of memory");
    memset(t, 0, sizeof *t);
    t->mem = *wmem;
    casus__arena_init(&t->arena, &t->mem);
    load_ctx c = {.world = world, .table = t, .name = name};
    casus__vec_init(&c.rows, sizeof(casus_war_place));
    casus_status st = casus__csv_parse(&t->mem, name, text, len, row_fn, &c, err);
    if (st == CASUS_OK && !c.header_seen)
        st = casus_error_set(err, CASUS_PARSE, name, 1, 1, "empty file (expected the header %s,%s,%s,%s,%s)",
                             COLUMNS[0], COLUMNS[1], COLUMNS[2], COLUMNS[3], COLUMNS[4]);
    if (st == CASUS_OK) {
        t->rows = casus__arena_memdup(&t->arena, c.rows.data, c.rows.len * sizeof(casus_war_place));
        t->n_rows = c.rows.len;
        if (!t->rows)
            st = casus_error_set(err, CASUS_NOMEM, name, 0, 0, "out of memory");
    }
    casus__vec_free(&c.rows, &t->mem);
    if (st != CASUS_OK) {
        casus_war_places_free(t);
        return st;
    }
    *out = t;
    return CASUS_OK;
}

casus_status casus_war_places_load_file(const casus_world *world, const char *path, casus_war_places **out,
                                        casus_error *err)
{
    *out = NULL;
    const casus_mem *mem = casus__world_mem((casus_world *)world);
    char *buf = NULL;
    size_t len = 0;
    casus_status st = casus__read_file(mem, path, CASUS_MAX_WAR_PLACES_FILE, &buf, &len, err);
    if (st != CASUS_OK)
        return st;
    st = casus_war_places_parse(world, path, buf, len, out, err);
    casus__mem_free(mem, buf, 0);
    return st;
}

void casus_war_places_free(casus_war_places *table)
{
    if (!table)
        return;
    casus_mem mem = table->mem;
    casus__arena_free(&table->arena);
    casus__mem_free(&mem, table, sizeof *table);
}

const casus_war_place *casus_war_places_find(const casus_war_places *table, int war, int attacker, int target)
{
    const casus_war_place *any = NULL;
    for (size_t i = 0; table && i < table->n_rows; i++) {
        const casus_war_place *r = &table->rows[i];
        if (r->war != war || r->target != target)
            continue;
        if (r->attacker == attacker)
            return r;
        if (r->attacker == 0)
            any = r;
    }
    return any;
}

size_t casus_war_places_count(const casus_war_places *table)
{
    return table ? table->n_rows : 0;
}

const casus_war_place *casus_war_places_at(const casus_war_places *table, size_t i)
{
    return table && i < table->n_rows ? &table->rows[i] : NULL;
}
