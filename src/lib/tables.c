/* The project's world tables: world/states.csv, world/areas.csv and
 * world/places.csv (their sources: world/README.md). */
#include <stdio.h>
#include <string.h>

#include "csvread.h"
#include "text.h"
#include "world_internal.h"

typedef struct table_ctx {
    casus_world *world;
    const char *name;
    const char *const *columns;
    size_t n_columns;
    bool header_seen;
} table_ctx;

static casus_status check_header(table_ctx *t, const casus_csv_row *row, casus_error *err)
{
    if (row->n != t->n_columns)
        return casus__csv_error(err, CASUS_PARSE, t->name, row, 0, "expected %zu columns in the header, found %zu",
                                t->n_columns, row->n);
    for (size_t i = 0; i < row->n; i++)
        if (strcmp(row->fields[i], t->columns[i]) != 0)
            return casus__csv_error(err, CASUS_PARSE, t->name, row, i, "expected column '%s', found '%s'",
                                    t->columns[i], row->fields[i]);
    t->header_seen = true;
    return CASUS_OK;
}

static casus_status check_width(table_ctx *t, const casus_csv_row *row, casus_error *err)
{
    if (row->n != t->n_columns)
        return casus__csv_error(err, CASUS_PARSE, t->name, row, row->n < t->n_columns ? row->n : t->n_columns,
                                "expected %zu fields, found %zu", t->n_columns, row->n);
    return CASUS_OK;
}

/* Every area in field k (space-separated ids, "?" suffix for uncertain)
 * must be one the areas table defines. */
static casus_status check_areas(table_ctx *t, const casus_csv_row *row, size_t k, casus_error *err)
{
    for (size_t i = 0; i < row->lens[k];) {
        const char *p = row->fields[k] + i;
        size_t n = strcspn(p, " ");
        size_t an = n && p[n - 1] == '?' ? n - 1 : n;
        char area[64];
        if (an >= sizeof area)
            return casus__csv_error(err, CASUS_PARSE, t->name, row, k, "area id too long");
        snprintf(area, sizeof area, "%.*s", (int)an, p);
        if (an && !casus_world_area_find(t->world, area))
            return casus__csv_error(err, CASUS_PARSE, t->name, row, k, "unknown area '%.*s'", (int)n, p);
        i += n + (p[n] == ' ');
    }
    return CASUS_OK;
}

static casus_status state_row(void *ud, const casus_csv_row *row, casus_error *err)
{
    table_ctx *t = ud;
    if (!t->header_seen)
        return check_header(t, row, err);
    casus_status st = check_width(t, row, err);
    if (st != CASUS_OK)
        return st;
    int ccode;
    if (!casus__parse_int(row->fields[0], row->lens[0], &ccode) || ccode <= 0 || ccode >= 1000)
        return casus__csv_error(err, CASUS_PARSE, t->name, row, 0, "'%s' is not a state code (1-999)", row->fields[0]);
    if (row->lens[1] < 2 || row->lens[1] > 3)
        return casus__csv_error(err, CASUS_PARSE, t->name, row, 1, "'%s' is not a COW abbreviation", row->fields[1]);
    casus_day since;
    st = casus_date_parse(row->fields[3], row->lens[3], &since);
    if (st != CASUS_OK)
        return casus__csv_error(err, CASUS_PARSE, t->name, row, 3, "'%s' is not a date (YYYY-MM-DD)", row->fields[3]);
    casus_day until = CASUS_DAY_NEVER_AFTER;
    if (row->lens[4] && casus_date_parse(row->fields[4], row->lens[4], &until) != CASUS_OK)
        return casus__csv_error(err, CASUS_PARSE, t->name, row, 4, "'%s' is not a date (YYYY-MM-DD)", row->fields[4]);
    if (until < since)
        return casus__csv_error(err, CASUS_PARSE, t->name, row, 4, "'until' is before 'since'");
    if (casus_world_state_by_ccode(t->world, ccode))
        return casus__csv_error(err, CASUS_PARSE, t->name, row, 0, "state %d is listed twice", ccode);
    if ((st = check_areas(t, row, 5, err)) != CASUS_OK)
        return st;
    st = casus__world_add_state(t->world, ccode, row->fields[1], row->fields[2], since, until, row->fields[5], err);
    if (st != CASUS_OK)
        return casus__csv_error(err, st, t->name, row, 0, "%s", err ? err->message : "cannot add the state");
    return CASUS_OK;
}

static casus_status area_row(void *ud, const casus_csv_row *row, casus_error *err)
{
    table_ctx *t = ud;
    if (!t->header_seen)
        return check_header(t, row, err);
    casus_status st = check_width(t, row, err);
    if (st != CASUS_OK)
        return st;
    if (row->lens[0] == 0)
        return casus__csv_error(err, CASUS_PARSE, t->name, row, 0, "empty area id");
    casus_arena *arena = casus__world_arena(t->world);
    casus_area a = {
        .id = casus__arena_strdup(arena, row->fields[0]),
        .name = casus__arena_strdup(arena, row->fields[1]),
        .source = casus__arena_strdup(arena, row->fields[2]),
    };
    if (!a.id || !a.name || !a.source)
        return casus_error_set(err, CASUS_NOMEM, t->name, row->line, 0, "out of memory");
    return casus__world_add_area(t->world, &a, err);
}

static casus_status resolve_state(table_ctx *t, const casus_csv_row *row, size_t k, const char *abb,
                                  size_t n, int *ccode, casus_error *err)
{
    char buf[8];
    if (n == 0) {
        *ccode = 0;
        return CASUS_OK;
    }
    snprintf(buf, sizeof buf, "%.*s", (int)(n < 7 ? n : 7), abb);
    const casus_state *s = n <= 3 ? casus_world_state_by_abb(t->world, buf) : NULL;
    if (!s)
        return casus__csv_error(err, CASUS_PARSE, t->name, row, k, "unknown state '%.*s'", (int)n, abb);
    *ccode = s->ccode;
    return CASUS_OK;
}

static casus_status place_row(void *ud, const casus_csv_row *row, casus_error *err)
{
    table_ctx *t = ud;
    if (!t->header_seen)
        return check_header(t, row, err);
    casus_status st = check_width(t, row, err);
    if (st != CASUS_OK)
        return st;
    casus_arena *arena = casus__world_arena(t->world);
    casus_place p = {0};
    if (row->lens[0] == 0)
        return casus__csv_error(err, CASUS_PARSE, t->name, row, 0, "empty place id");
    if ((st = resolve_state(t, row, 3, row->fields[3], row->lens[3], &p.sovereign, err)) != CASUS_OK ||
        (st = resolve_state(t, row, 4, row->fields[4], row->lens[4], &p.administrator, err)) != CASUS_OK)
        return st;
    if (!p.administrator)
        return casus__csv_error(err, CASUS_PARSE, t->name, row, 4, "a place needs an administering state");
    int claim[16];
    size_t nclaim = 0;
    for (size_t i = 0; i < row->lens[5];) {
        const char *q = row->fields[5] + i;
        size_t n = strcspn(q, " ");
        if (nclaim == 16)
            return casus__csv_error(err, CASUS_PARSE, t->name, row, 5, "too many claimants");
        if ((st = resolve_state(t, row, 5, q, n, &claim[nclaim], err)) != CASUS_OK)
            return st;
        if (claim[nclaim])
            nclaim++;
        i += n + (q[n] == ' ');
    }
    if ((st = check_areas(t, row, 6, err)) != CASUS_OK)
        return st;
    if (casus_world_place_find(t->world, row->fields[0]) &&
        strcmp(casus_world_place_find(t->world, row->fields[0])->kind, "home") != 0)
        return casus__csv_error(err, CASUS_PARSE, t->name, row, 0, "place '%s' is listed twice", row->fields[0]);
    p.id = casus__arena_strdup(arena, row->fields[0]);
    p.name = casus__arena_strdup(arena, row->fields[1]);
    p.kind = casus__arena_strdup(arena, row->fields[2]);
    p.claimants = casus__arena_memdup(arena, claim, nclaim * sizeof *claim);
    p.n_claimants = nclaim;
    p.areas = casus__arena_strdup(arena, row->fields[6]);
    p.source = casus__arena_strdup(arena, row->fields[7]);
    if (!p.id || !p.name || !p.kind || !p.claimants || !p.areas || !p.source)
        return casus_error_set(err, CASUS_NOMEM, t->name, row->line, 0, "out of memory");
    if (strcmp(p.kind, "home") == 0 && !p.sovereign)
        return casus__csv_error(err, CASUS_PARSE, t->name, row, 3, "a home territory needs a sovereign");
    return casus__world_add_place(t->world, &p, err);
}

static const char *const area_cols[] = {"id", "name", "source"};
static const char *const state_cols[] = {"ccode", "abb", "name", "since", "until", "areas"};
static const char *const place_cols[] = {"id", "name", "kind", "sovereign", "administrator", "claimants", "areas",
                                         "source"};

/* The three tables, in the order they load: states name areas, places name
 * states and areas. */
static const struct {
    const char *file;
    const char *const *columns;
    size_t n_columns;
    casus_csv_fn fn;
} tables[3] = {
    {"areas.csv", area_cols, 3, area_row},
    {"states.csv", state_cols, 6, state_row},
    {"places.csv", place_cols, 8, place_row},
};

static casus_status parse_table(casus_world *w, int k, const char *name, const char *buf, size_t len, casus_error *err)
{
    if (len > CASUS_MAX_DATA_FILE)
        return casus_error_set(err, CASUS_TOOBIG, name, 0, 0, "file is larger than the size limit");
    table_ctx t = {.world = w, .name = name, .columns = tables[k].columns, .n_columns = tables[k].n_columns};
    casus_status st = casus__csv_parse(casus__world_mem(w), name, buf, len, tables[k].fn, &t, err);
    if (st == CASUS_OK && !t.header_seen)
        st = casus_error_set(err, CASUS_PARSE, name, 1, 1, "empty table: expected a header line");
    return st;
}

casus_status casus__world_load_tables_text(casus_world *w, const char *const name[3], const char *const text[3],
                                           const size_t len[3], casus_error *err)
{
    casus_world_tx tx;
    casus__world_begin(w, &tx);
    casus_status st = CASUS_OK;
    for (int k = 0; k < 3 && st == CASUS_OK; k++)
        st = parse_table(w, k, name[k], text[k], len[k], err);
    if (st != CASUS_OK)
        casus__world_rollback(w, &tx); /* a failed load leaves the world as it was */
    return st;
}

casus_status casus_world_load_tables(casus_world *w, const char *dir, casus_error *err)
{
    char path[3][4096];
    char *buf[3] = {NULL, NULL, NULL};
    size_t len[3] = {0, 0, 0};
    casus_status st = CASUS_OK;
    for (int k = 0; k < 3 && st == CASUS_OK; k++) {
        if ((size_t)snprintf(path[k], sizeof path[k], "%s/%s", dir, tables[k].file) >= sizeof path[k])
            st = casus_error_set(err, CASUS_TOOBIG, dir, 0, 0, "directory path is too long");
        else
            st = casus__read_file(casus__world_mem(w), path[k], CASUS_MAX_DATA_FILE, &buf[k], &len[k], err);
    }
    if (st == CASUS_OK) {
        const char *const names[3] = {path[0], path[1], path[2]};
        const char *const texts[3] = {buf[0], buf[1], buf[2]};
        st = casus__world_load_tables_text(w, names, texts, len, err);
    }
    for (int k = 0; k < 3; k++)
        casus__mem_free(casus__world_mem(w), buf[k], 0);
    return st;
}
