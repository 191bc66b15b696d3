/* casus/nuclear.h - the nuclear-armed states and the day each became one.
 *
 * Read from world/nuclear.csv (sources in world/README.md): a state, the day
 * it became nuclear-armed (its first nuclear test, or where there was none a
 * commonly cited estimate, flagged as such), possibly a partial date or a
 * range, and the day it ceased to be (empty: still is).
 *
 * Ownership: casus_nuclear_parse() and casus_nuclear_load_file() create a
 * table the caller frees with casus_nuclear_free(); its memory comes from the
 * world's allocation hook, so the world must outlive it.  A failing call
 * creates nothing.  Thread-safety: a table is read-only after loading;
 * concurrent readers are safe. */
#ifndef CASUS_NUCLEAR_H
#define CASUS_NUCLEAR_H

#include <stdbool.h>
#include <stddef.h>
#include "casus/date.h"
#include "casus/error.h"
#include "casus/extern.h"
#include "casus/world.h"

#define CASUS_MAX_NUCLEAR_FILE (1u << 20) /* bytes of world/nuclear.csv */

typedef struct casus_nuclear_state {
    int ccode;
    casus_period armed;     /* start: first test (or the estimate's span); end: open or when disarmed */
    bool estimated;         /* the start is an estimate, not a test */
    const char *basis;      /* "first test: Trinity", "estimate: ..." */
    const char *source;     /* citation key of world/README.md */
    int line;               /* line in the file */
} casus_nuclear_state;

typedef struct casus_nuclear casus_nuclear;

/* Parses the CSV text (header: ccode,abb,from,until,estimated,basis,source),
 * resolving states against the world. */
CASUS_EXTERN casus_status casus_nuclear_parse(const casus_world *world, const char *name, const char *text,
                                              size_t len, casus_nuclear **out /* OUT */, casus_error *err);
CASUS_EXTERN casus_status casus_nuclear_load_file(const casus_world *world, const char *path,
                                                  casus_nuclear **out /* OUT */, casus_error *err);
/* Frees the table; accepts NULL. */
CASUS_EXTERN void casus_nuclear_free(casus_nuclear *table);

/* Whether the state is nuclear-armed on day: HELD, FAILED, or UNKNOWN when
 * the day falls in the uncertainty of an estimated or partial date.  FAILED
 * for a state not in the table. */
CASUS_EXTERN casus_truth casus_nuclear_armed(const casus_nuclear *table, int ccode, casus_day day);
CASUS_EXTERN size_t casus_nuclear_count(const casus_nuclear *table);
CASUS_EXTERN const casus_nuclear_state *casus_nuclear_at(const casus_nuclear *table, size_t i);

#endif
