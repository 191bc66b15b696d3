/* Internal to libcasus: a small table of the world's read from CSV -- a
 * header of fixed columns, then rows of one struct each, kept with their
 * strings in the table's own arena (world/nuclear.csv,
 * world/war-places.csv).  The public handle of each such table is a struct
 * whose first and only member is a casus_rowtable. */
#ifndef CASUS_ROWTABLE_H
#define CASUS_ROWTABLE_H

#include "internal.h"

typedef struct casus_rowtable {
    casus_mem mem;
    casus_arena arena;
    const void *rows; /* n_rows structs of the spec's elem bytes */
    size_t n_rows;
} casus_rowtable;

struct casus_rowtable_spec;

/* A load under way: what a row function sees. */
typedef struct casus_rowtable_load {
    const casus_world *world;
    casus_rowtable *table;
    const char *name;
    casus_vec rows; /* the rows so far, of elem bytes */
    const struct casus_rowtable_spec *spec;
    bool header_seen;
} casus_rowtable_load;

typedef struct casus_rowtable_spec {
    const char *default_name; /* "nuclear.csv" */
    const char *what;         /* "nuclear table", for the size error */
    unsigned max_bytes;
    size_t max_rows;
    const char *const *columns;
    size_t n_columns;
    size_t elem; /* bytes a row */
    /* One data row, its number of fields checked: parses it into a struct,
     * its strings into c->table->arena, and pushes it onto c->rows. */
    casus_status (*row)(casus_rowtable_load *c, const casus_csv_row *row, casus_error *err);
} casus_rowtable_spec;

/* All or nothing: *out is the new table, or NULL with err set. */
CASUS_HIDDEN casus_status casus__rowtable_parse(const casus_rowtable_spec *spec, const casus_world *world,
                                                const char *name, const char *text, size_t len,
                                                casus_rowtable **out, casus_error *err);
CASUS_HIDDEN casus_status casus__rowtable_load_file(const casus_rowtable_spec *spec, const casus_world *world,
                                                    const char *path, casus_rowtable **out, casus_error *err);
CASUS_HIDDEN void casus__rowtable_free(casus_rowtable *table);

#endif
