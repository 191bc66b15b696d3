/* casus/data.h - the historical datasets: COW state system, major powers,
 * direct contiguity, national material capabilities, ATOP 5.1 alliances,
 * and plain tables of the war and dispute files.
 *
 * The files are read exactly as distributed (docs/data.md lists them and
 * their quirks: bare CR or CRLF endings, no final newline, COW's -8/-9
 * missing codes, ATOP's blanks).  Loading adds to a world before
 * casus_world_finish(): COW membership spells (casus_world_member then
 * answers from them), ATOP alliances as treaties `atop-<atopid>` with one
 * article per phase, and coverage records so that answers say what they
 * rest on.  Outside a dataset's years a value is missing, never zero: the
 * look-ups below say so with CASUS_NOTFOUND (and NAN) or CASUS_UNKNOWN.
 *
 * Ownership: everything loaded belongs to the world and lives until
 * casus_world_free().  Every load is all or nothing: a failing
 * casus_data_load_text() leaves the world as it was before the call, and a
 * failing casus_data_load() leaves none of the files it read (out of memory
 * included; the same call can then be made again).  Thread-safety: loading
 * mutates the world; the look-ups only read it and may run concurrently once
 * loading is done. */
#ifndef CASUS_DATA_H
#define CASUS_DATA_H

#include <stddef.h>
#include "casus/extern.h"
#include "casus/date.h"
#include "casus/error.h"
#include "casus/world.h"

/* One dataset file each; casus_data_load takes a bit set of them.  Columns:
 * the name (CASUS_DATASET_<name>), the file under the data directory, and
 * the library's loader for it (internal). */
#define CASUS_DATASET_MAP(XX)                                         \
    XX(COW_STATES, "cow/states2016.csv", cow_states)                  \
    XX(COW_SYSTEM, "cow/system2016.csv", cow_system)                  \
    XX(COW_MAJORS, "cow/majors2016.csv", cow_majors)                  \
    XX(CONTIGUITY, "cow/contdir.csv", contiguity)                     \
    XX(NMC, "cow/NMC-60-abridged.csv", nmc)                           \
    XX(ATOP_ALLIANCES, "atop/atop5_1a.csv", atop_spans)               \
    XX(ATOP_PHASES, "atop/atop5_1aph.csv", atop_spans)                \
    XX(ATOP_MEMBERS, "atop/atop5_1m.csv", atop_members)               \
    XX(DYADIC_WAR, "cow/directed_dyadic_war.csv", table)              \
    XX(MIDA, "cow/MIDA_5.0.csv", table)                               \
    XX(MIDB, "cow/MIDB_5.0.csv", table)

#define CASUS__ENUM_DATASET(n, f, l) CASUS_DATASET_##n,
typedef enum casus_dataset { CASUS_DATASET_MAP(CASUS__ENUM_DATASET) CASUS_DATASET_COUNT } casus_dataset;
#undef CASUS__ENUM_DATASET

/* The file of a dataset, relative to the data directory. */
CASUS_EXTERN const char *casus_dataset_path(casus_dataset which);

enum {
    CASUS_DATA_COW = (1u << CASUS_DATASET_COW_STATES) | (1u << CASUS_DATASET_COW_SYSTEM) |
                     (1u << CASUS_DATASET_COW_MAJORS),
    CASUS_DATA_CONTIGUITY = 1u << CASUS_DATASET_CONTIGUITY,
    CASUS_DATA_NMC = 1u << CASUS_DATASET_NMC,
    CASUS_DATA_ATOP = (1u << CASUS_DATASET_ATOP_ALLIANCES) | (1u << CASUS_DATASET_ATOP_PHASES) |
                      (1u << CASUS_DATASET_ATOP_MEMBERS),
    CASUS_DATA_WARS = 1u << CASUS_DATASET_DYADIC_WAR,
    CASUS_DATA_MID = (1u << CASUS_DATASET_MIDA) | (1u << CASUS_DATASET_MIDB),
    CASUS_DATA_ALL = (1u << CASUS_DATASET_COUNT) - 1,
};

/* The user-level data directory: $XDG_DATA_HOME/casus (when absolute),
 * else $HOME/.local/share/casus; NULL when neither is set or buf is too
 * small.  Where `casus data fetch` writes by default. */
CASUS_EXTERN const char *casus_data_user_dir(char *buf, size_t size);

/* Finds the data directory: explicit_dir when given, else $CASUS_DATA, else
 * $XDG_DATA_HOME/casus (or ~/.local/share/casus), else share_dir (may be
 * NULL).  A directory qualifies when it holds cow/states2016.csv or
 * atop/atop5_1m.csv.  An explicit or $CASUS_DATA directory that does not
 * qualify is an error (CASUS_NOTFOUND naming it); when no default
 * qualifies, out is "" and the status CASUS_OK. */
CASUS_EXTERN casus_status casus_data_find_dir(const char *explicit_dir, const char *share_dir, char *out /* OUT */,
                                 size_t size, casus_error *err);

/* Loads the datasets of `what` (a CASUS_DATA_* bit set) from dir, in the
 * order of CASUS_DATASET_MAP: COW states first (they add the states ATOP
 * names), ATOP members after the alliance and phase files. */
CASUS_EXTERN casus_status casus_data_load(casus_world *world, const char *dir, unsigned what, casus_error *err);

/* Loads one dataset from text in memory; name is used in messages.  The
 * ATOP member file may be loaded without the alliance and phase files: the
 * alliances' dates then come from the member rows.  Every member it names
 * must be a state of the world (COW's states file, or the world tables),
 * else CASUS_PARSE at the row. */
CASUS_EXTERN casus_status casus_data_load_text(casus_world *world, casus_dataset which, const char *name,
                                  const char *text, size_t len, casus_error *err);

/* Whether the dataset has been loaded into the world. */
CASUS_EXTERN bool casus_data_loaded(const casus_world *world, casus_dataset which);

/* COW major power status on day (majors2016): UNKNOWN outside 1816-01-01 to
 * 2016-12-31 or when the file is not loaded. */
CASUS_EXTERN casus_truth casus_data_major(const casus_world *world, int ccode, casus_day day);

/* COW system membership in a year (system2016): UNKNOWN outside 1816-2016
 * or when the file is not loaded. */
CASUS_EXTERN casus_truth casus_data_system_year(const casus_world *world, int ccode, int year);

/* COW direct contiguity of a and b on day (contdir): *type is the closest
 * contiguity in force (1 land, 2-5 water up to 12, 24, 150 and 400 miles;
 * 0 none).  *certainty is UNKNOWN when the record's month-precision dates
 * leave the day in doubt.  CASUS_NOTFOUND outside 1816-01-01 to 2016-12-31
 * or when the file is not loaded. */
CASUS_EXTERN casus_status casus_data_contiguity(const casus_world *world, int a, int b, casus_day day, int *type /* OUT */,
                                   casus_truth *certainty /* OUT; may be NULL */);

/* One state-year of COW National Material Capabilities 6.0; NAN where the
 * file has -9 (missing). */
typedef struct casus_nmc {
    double milex, milper, irst, pec, tpop, upop, cinc;
} casus_nmc;
/* CASUS_NOTFOUND (and every field NAN) when there is no such state-year. */
CASUS_EXTERN casus_status casus_data_nmc(const casus_world *world, int ccode, int year, casus_nmc *out /* OUT */);
/* The CINC score; CASUS_NOTFOUND and *cinc = NAN when missing. */
CASUS_EXTERN casus_status casus_data_cinc(const casus_world *world, int ccode, int year, double *cinc /* OUT */);

/* A plain table (directed_dyadic_war, MIDA, MIDB): cells as text. */
typedef struct casus_table casus_table;
/* "directed_dyadic_war", "MIDA" or "MIDB"; NULL when not loaded. */
CASUS_EXTERN const casus_table *casus_data_table(const casus_world *world, const char *name);
CASUS_EXTERN size_t casus_table_rows(const casus_table *table);
CASUS_EXTERN size_t casus_table_cols(const casus_table *table);
CASUS_EXTERN const char *casus_table_column_name(const casus_table *table, size_t col);
/* The index of a column, or -1. */
CASUS_EXTERN int casus_table_column(const casus_table *table, const char *name);
/* The cell's text; NULL when out of range. */
CASUS_EXTERN const char *casus_table_cell(const casus_table *table, size_t row, size_t col);
/* The cell as a whole number: CASUS_NOTFOUND when blank, -8 or -9 (COW's
 * missing codes), CASUS_PARSE when not a whole number that fits an int,
 * CASUS_RANGE when row or col is out of range. */
CASUS_EXTERN casus_status casus_table_int(const casus_table *table, size_t row, size_t col, long *out /* OUT */);

#endif
