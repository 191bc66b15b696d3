/* casus/export.h - tables for other tools: the directed dyads of the state
 * system with the alliance obligations between them.
 *
 * By default the table is the one peacesciencer builds with
 * create_dyadyears(directed = TRUE) followed by add_atop_alliance(): the COW
 * state system expanded to directed dyad-years by peacesciencer's rules, and
 * ATOP's five obligation flags plus the alliance dummy, derived here from the
 * member-level obligations of the world (docs/export.md lists every rule).
 *
 * The world must be finished (casus_world_finish) and must hold state-system
 * spells; it is only read.  Scratch memory comes from the world's allocation
 * hook and is released before each call returns.  Thread-safety: concurrent
 * calls on one finished world are safe. */
#ifndef CASUS_EXPORT_H
#define CASUS_EXPORT_H

#include <stdio.h>

#include "casus/extern.h"
#include "casus/date.h"
#include "casus/error.h"
#include "casus/world.h"

typedef enum casus_dyads_unit {
    CASUS_DYADS_YEAR, /* one row per directed dyad per year */
    CASUS_DYADS_DAY,  /* one row per directed dyad per stretch of days with constant flags */
} casus_dyads_unit;

typedef enum casus_dyads_source {
    CASUS_DYADS_ATOP,  /* ATOP alliances only (from_atop treaties): the peacesciencer table */
    CASUS_DYADS_CASUS, /* every treaty; a hand-encoded treaty replaces the ATOP records it names while in force */
} casus_dyads_source;

typedef enum casus_dyads_format { CASUS_DYADS_CSV, CASUS_DYADS_JSON } casus_dyads_format;

/* Switches that turn peacesciencer's rules off (all rules apply at 0). */
enum {
    CASUS_DYADS_NO_CARRY = 1u << 0,   /* do not carry states alive at the end of the COW list to later years */
    CASUS_DYADS_KEEP_FALSE = 1u << 1, /* keep dyad-years whose states share the year but no day of it */
};

/* The flag bits of a row, in the order of the columns. */
enum {
    CASUS_DYAD_ALLIANCE = 1u << 0, /* co-members of an alliance on some day */
    CASUS_DYAD_DEFENSE = 1u << 1,  /* ccode1 owes ccode2 defense on some day */
    CASUS_DYAD_OFFENSE = 1u << 2,
    CASUS_DYAD_NEUTRAL = 1u << 3,
    CASUS_DYAD_NONAGG = 1u << 4,
    CASUS_DYAD_CONSUL = 1u << 5,
    CASUS_DYAD_NA = 1u << 6,       /* outside the alliance data's coverage: flags unknown (NA) */
};

typedef struct casus_dyads_opts {
    int from_year;  /* first year, 1816 or later */
    int to_year;    /* last year, at most CASUS_DYADS_MAX_YEAR */
    casus_dyads_unit unit;
    casus_dyads_source source;
    unsigned flags; /* CASUS_DYADS_NO_CARRY | CASUS_DYADS_KEEP_FALSE */
} casus_dyads_opts;

#define CASUS_DYADS_MIN_YEAR 1816
#define CASUS_DYADS_MAX_YEAR 2999

typedef struct casus_dyad {
    int ccode1;
    int ccode2;
    int year;         /* unit YEAR: the year; unit DAY: the year of start */
    casus_day start;  /* unit YEAR: January 1; unit DAY: first day of the stretch */
    casus_day end;    /* unit YEAR: December 31; unit DAY: last day, inclusive */
    unsigned flags;   /* CASUS_DYAD_* bits */
} casus_dyad;

/* Called once per row, in the order ccode1, ccode2, then year or start;
 * return CASUS_OK to go on, anything else stops the scan and is returned. */
typedef casus_status (*casus_dyad_fn)(void *ud, const casus_dyad *row);

/* Produces the rows.  CASUS_INVALID when the options are out of range or
 * the world holds no state-system spells (or, for the ATOP source, no ATOP
 * alliance), with a message in err. */
CASUS_EXTERN casus_status casus_dyads_scan(const casus_world *world, const casus_dyads_opts *opts, casus_dyad_fn fn,
                              void *ud, casus_error *err);

/* Writes the rows as CSV (a header line, then one line per row) or JSON (an
 * array of objects, one per row; NA as null).  CASUS_IO on a write error. */
CASUS_EXTERN casus_status casus_dyads_write(const casus_world *world, const casus_dyads_opts *opts,
                               casus_dyads_format format, FILE *out, casus_error *err);

/* The column names, NULL-terminated: ccode1, ccode2, year (or start, end),
 * atop_alliance ... atop_consul. */
CASUS_EXTERN const char *const *casus_dyads_columns(casus_dyads_unit unit);

#endif
