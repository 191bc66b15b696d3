/* Where the attacks of a COW war took place (world/war-places.csv; see
 * casus/warplaces.h and world/README.md). */
#include <stdio.h>
#include <string.h>

#include "casus/warplaces.h"
#include "internal.h"
#include "rowtable.h"

#define MAX_ROWS 10000 /* far more than the wars have participants */

struct casus_war_places {
    casus_rowtable base; /* rows of casus_war_place */
};

static const char *const COLUMNS[] = {"war", "attacker", "target", "place", "source"};
#define N_COLUMNS (sizeof COLUMNS / sizeof *COLUMNS)

/* The state of abbreviation field k; NULL (with err set) when unknown. */
static const casus_state *state_field(casus_rowtable_load *c, const casus_csv_row *row, size_t k, casus_error *err)
{
    const casus_state *s = row->lens[k] <= 3 ? casus_world_state_by_abb(c->world, row->fields[k]) : NULL;
    if (!s)
        casus__csv_error(err, CASUS_PARSE, c->name, row, k, "unknown state '%s' (a COW abbreviation of world/states.csv)",
                         row->fields[k]);
    return s;
}

static casus_status row_fn(casus_rowtable_load *c, const casus_csv_row *row, casus_error *err)
{
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

static const casus_rowtable_spec SPEC = {
    .default_name = "war-places.csv",
    .what = "war places table",
    .max_bytes = CASUS_MAX_WAR_PLACES_FILE,
    .max_rows = MAX_ROWS,
    .columns = COLUMNS,
    .n_columns = N_COLUMNS,
    .elem = sizeof(casus_war_place),
    .row = row_fn,
};

casus_status casus_war_places_parse(const casus_world *world, const char *name, const char *text, size_t len,
                                    casus_war_places **out, casus_error *err)
{
    casus_rowtable *t = NULL;
    casus_status st = casus__rowtable_parse(&SPEC, world, name, text, len, &t, err);
    *out = (casus_war_places *)t; /* a handle is its row table, its first and only member */
    return st;
}

casus_status casus_war_places_load_file(const casus_world *world, const char *path, casus_war_places **out,
                                        casus_error *err)
{
    casus_rowtable *t = NULL;
    casus_status st = casus__rowtable_load_file(&SPEC, world, path, &t, err);
    *out = (casus_war_places *)t;
    return st;
}

void casus_war_places_free(casus_war_places *table)
{
    casus__rowtable_free(table ? &table->base : NULL);
}

static const casus_war_place *rows_of(const casus_war_places *table)
{
    return table->base.rows;
}

const casus_war_place *casus_war_places_find(const casus_war_places *table, int war, int attacker, int target)
{
    const casus_war_place *any = NULL;
    for (size_t i = 0; table && i < table->base.n_rows; i++) {
        const casus_war_place *r = &rows_of(table)[i];
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
    return table ? table->base.n_rows : 0;
}

const casus_war_place *casus_war_places_at(const casus_war_places *table, size_t i)
{
    return table && i < table->base.n_rows ? &rows_of(table)[i] : NULL;
}
