/* Small CSV tables of the world's (rowtable.h): the header, the row count
 * and size limits, the arena and the all-or-nothing load, written once. */
#include <stdio.h>
#include <string.h>

#include "rowtable.h"

static casus_status row_fn(void *ud, const casus_csv_row *row, casus_error *err)
{
    casus_rowtable_load *c = ud;
    const casus_rowtable_spec *sp = c->spec;
    if (!c->header_seen) {
        if (row->n != sp->n_columns)
            return casus__csv_error(err, CASUS_PARSE, c->name, row, 0, "expected %zu columns in the header, found %zu",
                                    sp->n_columns, row->n);
        for (size_t i = 0; i < row->n; i++)
            if (strcmp(row->fields[i], sp->columns[i]) != 0)
                return casus__csv_error(err, CASUS_PARSE, c->name, row, i, "expected column '%s', found '%s'",
                                        sp->columns[i], row->fields[i]);
        c->header_seen = true;
        return CASUS_OK;
    }
    if (row->n != sp->n_columns)
        return casus__csv_error(err, CASUS_PARSE, c->name, row, row->n < sp->n_columns ? row->n : sp->n_columns,
                                "expected %zu fields, found %zu", sp->n_columns, row->n);
    if (c->rows.len >= sp->max_rows)
        return casus__csv_error(err, CASUS_TOOBIG, c->name, row, 0, "too many rows (at most %zu)", sp->max_rows);
    return sp->row(c, row, err);
}

/* "empty file (expected the header a,b,c)" */
static casus_status empty_error(const casus_rowtable_spec *sp, const char *name, casus_error *err)
{
    char header[256];
    size_t used = 0;
    for (size_t i = 0; i < sp->n_columns && used < sizeof header; i++)
        used += (size_t)snprintf(header + used, sizeof header - used, "%s%s", i ? "," : "", sp->columns[i]);
    return casus_error_set(err, CASUS_PARSE, name, 1, 1, "empty file (expected the header %s)", header);
}

casus_status casus__rowtable_parse(const casus_rowtable_spec *sp, const casus_world *world, const char *name,
                                   const char *text, size_t len, casus_rowtable **out, casus_error *err)
{
    *out = NULL;
    if (!name)
        name = sp->default_name;
    if (len > sp->max_bytes)
        return casus_error_set(err, CASUS_TOOBIG, name, 0, 0, "%s is larger than %u bytes", sp->what, sp->max_bytes);
    /* Loading only reads the world; the hook is taken from it as it is. */
    const casus_mem *wmem = casus__world_mem((casus_world *)world);
    casus_rowtable *t = casus__mem_alloc(wmem, sizeof *t);
    if (!t)
        return casus_error_set(err, CASUS_NOMEM, name, 0, 0, "out of memory");
    memset(t, 0, sizeof *t);
    t->mem = *wmem;
    casus__arena_init(&t->arena, &t->mem);
    casus_rowtable_load c = {.world = world, .table = t, .name = name, .spec = sp};
    casus__vec_init(&c.rows, sp->elem);
    casus_status st = casus__csv_parse(&t->mem, name, text, len, row_fn, &c, err);
    if (st == CASUS_OK && !c.header_seen)
        st = empty_error(sp, name, err);
    if (st == CASUS_OK) {
        t->rows = casus__arena_memdup(&t->arena, c.rows.data, c.rows.len * sp->elem);
        t->n_rows = c.rows.len;
        if (!t->rows)
            st = casus_error_set(err, CASUS_NOMEM, name, 0, 0, "out of memory");
    }
    casus__vec_free(&c.rows, &t->mem);
    if (st != CASUS_OK) {
        casus__rowtable_free(t);
        return st;
    }
    *out = t;
    return CASUS_OK;
}

casus_status casus__rowtable_load_file(const casus_rowtable_spec *sp, const casus_world *world, const char *path,
                                       casus_rowtable **out, casus_error *err)
{
    *out = NULL;
    const casus_mem *mem = casus__world_mem((casus_world *)world);
    char *buf = NULL;
    size_t len = 0;
    casus_status st = casus__read_file(mem, path, sp->max_bytes, &buf, &len, err);
    if (st != CASUS_OK)
        return st;
    st = casus__rowtable_parse(sp, world, path, buf, len, out, err);
    casus__mem_free(mem, buf, 0);
    return st;
}

void casus__rowtable_free(casus_rowtable *table)
{
    if (!table)
        return;
    casus_mem mem = table->mem;
    casus__arena_free(&table->arena);
    casus__mem_free(&mem, table, sizeof *table);
}
