/* Internal to the dataset loaders (data.c, data_cow.c, data_atop.c): the
 * store hung on the world, and the helpers every loader shares for header
 * checks, field parsing and errors.  Not installed. */
#ifndef CASUS_DATA_INTERNAL_H
#define CASUS_DATA_INTERNAL_H

#include "casus/data.h"
#include "csvread.h"
#include "text.h"
#include "world_internal.h"

#define DATA_MAX_CCODE 1000  /* COW codes run from 2 to 990 */
#define DATA_FIRST_YEAR 1816 /* COW's state system begins on 1816-01-01 */
#define DATA_LAST_YEAR 2016  /* and v2016 ends on 2016-12-31 */
#define DATA_MAX_WIDTH 256   /* columns in a header; ATOP's widest file has 134 */

typedef struct data_major {
    int ccode;
    casus_period period;
} data_major;

typedef struct data_contig {
    int a, b; /* a < b */
    int type;
    casus_period period;
} data_contig;

typedef struct data_nmc {
    int ccode;
    int year;
    casus_nmc v;
} data_nmc;

/* An ATOP alliance or alliance phase (atop5_1a, atop5_1aph). */
typedef struct data_atop_span {
    int atopid;
    int phase;
    casus_period period;
    int ineffect;
    int term; /* TERM (codebook 2.32); -1 missing */
} data_atop_span;

struct casus_table {
    const char *name;
    const char *const *columns;
    size_t n_cols;
    size_t n_rows;
    const char *const *cells; /* n_rows * n_cols */
};

/* Everything loaded, in the world's arena.  Arrays are replaced whole on a
 * successful load, so a failed load leaves the previous ones in place. */
typedef struct data_store {
    unsigned loaded; /* bit per casus_dataset */
    unsigned char *system; /* bit per (ccode, year - 1816) */
    const data_major *majors;
    size_t n_majors;
    const data_contig *contig; /* sorted by (a, b) */
    size_t n_contig;
    const data_nmc *nmc;       /* sorted by (ccode, year) */
    size_t n_nmc;
    const data_atop_span *alliances; /* sorted by atopid */
    size_t n_alliances;
    const data_atop_span *phases;    /* sorted by (atopid, phase) */
    size_t n_phases;
    const casus_table *tables[3];    /* directed_dyadic_war, MIDA, MIDB */
} data_store;

/* The store, created on first use; NULL on OOM. */
CASUS_HIDDEN data_store *casus__data_store(casus_world *world);
CASUS_HIDDEN const data_store *casus__data_store_get(const casus_world *world);

/* A file being read: its name, the columns found in its header, and where
 * each wanted column sits. */
typedef struct data_file {
    casus_world *world;
    const char *name;
    const char *const *want; /* column names the loader needs */
    size_t n_want;
    int *idx;                /* index of want[i] in the file's rows */
    const char *const *text; /* NULL-terminated columns that may hold text, when every
                                other column must be numeric; NULL: check wanted ones only */
    unsigned char is_text[DATA_MAX_WIDTH];
    size_t width;            /* fields in the header */
    bool header_seen;
    int rows;
} data_file;

/* Checks the header by column name: every wanted column must be present
 * (in any order) and no name may repeat. */
CASUS_HIDDEN casus_status casus__data_header(data_file *f, const casus_csv_row *row, casus_error *err);
/* Checks a data row has as many fields as the header. */
CASUS_HIDDEN casus_status casus__data_width(const data_file *f, const casus_csv_row *row, casus_error *err);

/* Field k (a wanted-column index) of a row as an int in [lo, hi].  Blank,
 * and -8/-9 when cow_missing, set *missing (when missing is not NULL;
 * otherwise they are errors).  Errors name file, line and column. */
CASUS_HIDDEN casus_status casus__data_int(const data_file *f, const casus_csv_row *row, size_t k, int lo, int hi,
                                          int *out, bool *missing, bool cow_missing, casus_error *err);
/* As casus__data_int for a decimal number ("4.6681293e-06", ".0397"). */
CASUS_HIDDEN casus_status casus__data_double(const data_file *f, const casus_csv_row *row, size_t k, double *out,
                                             bool *missing, casus_error *err);
/* Field k must be exactly `expect` (the dataset's version column). */
CASUS_HIDDEN casus_status casus__data_expect(const data_file *f, const casus_csv_row *row, size_t k,
                                             const char *expect, casus_error *err);
/* When f->text is set, every field of the row, wanted or not, must be a
 * whole number or blank, except the text columns; so garbled bytes in
 * columns casus does not read are still caught.  casus__data_parse calls
 * it on every data row. */
CASUS_HIDDEN casus_status casus__data_all_numeric(const data_file *f, const casus_csv_row *row, casus_error *err);
/* Parses the file with fn called on data rows only (the header is checked
 * here first).  An empty file is an error. */
CASUS_HIDDEN casus_status casus__data_parse(data_file *f, const char *buf, size_t len, casus_csv_fn fn, void *ud,
                                            casus_error *err);

/* A loader that gathers fixed-size records (one or more per data row) in
 * scratch memory, and only once the whole file is read copies them into the
 * world's arena, so a failed load leaves the world as it was. */
typedef struct data_rows {
    data_file f;
    size_t elem;                                   /* bytes of one record */
    int (*cmp)(const void *a, const void *b);      /* order to sort them in; NULL: file order */
    /* Called on the sorted records before they are kept (NULL: none); a
     * status other than CASUS_OK (with err filled) rejects the file. */
    casus_status (*check)(void *ud, const void *recs, size_t n, casus_error *err);
    casus_vec v;                                   /* the records; fn pushes onto it */
    const casus_mem *mem;                          /* the world's, for pushing */
} data_rows;

/* Appends a copy of the record rec (r->elem bytes) to r->v. */
CASUS_HIDDEN casus_status casus__data_push(data_rows *r, const casus_csv_row *row, const void *rec, casus_error *err);
/* Parses the file with fn (given ud) on each data row, sorts and checks
 * the records, and copies them into the world's arena: *recs (a valid
 * pointer even for none) and *n.  r->v is freed in every case. */
CASUS_HIDDEN casus_status casus__data_rows(data_rows *r, const char *buf, size_t len, casus_csv_fn fn, void *ud,
                                           const void **recs /* OUT */, size_t *n /* OUT */, casus_error *err);

/* The loaders (data_cow.c, data_atop.c), one per row of CASUS_DATASET_MAP,
 * whose third column names each: casus__data_load_<name>.  They change the
 * world only when the whole file was read without error, and data.c wraps
 * each call in a transaction as well. */
typedef casus_status (*data_loader)(casus_world *w, casus_dataset which, const char *name, const char *buf, size_t len,
                                    casus_error *err);
#define CASUS__DATA_LOADER_DECL(n, f, l) \
    CASUS_HIDDEN casus_status casus__data_load_##l(casus_world *w, casus_dataset which, const char *name, \
                                                   const char *buf, size_t len, casus_error *err);
CASUS_DATASET_MAP(CASUS__DATA_LOADER_DECL)
#undef CASUS__DATA_LOADER_DECL

#endif
