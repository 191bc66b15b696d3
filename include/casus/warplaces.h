/* casus/warplaces.h - where the attacks of a COW war took place, when not on
 * the territory of the state attacked.
 *
 * Read from world/war-places.csv (its sources in each row; world/README.md
 * describes it): a COW war, the state attacked (and optionally the
 * attacker), and the place casus evaluates such an attack at: a place of
 * world/places.csv, or a state's abbreviation for its home territory.  An
 * attack with no row is evaluated at the target's home territory.  A place
 * that is not the target's is an attack on its forces there (casus_who's
 * CASUS_WHO_ABROAD).
 *
 * Ownership: casus_war_places_parse() and casus_war_places_load_file()
 * create a table the caller frees with casus_war_places_free(); its memory
 * comes from the world's allocation hook and it points into the world's
 * places, so the world must outlive it.  A failing call creates nothing.
 * Thread-safety: a table is read-only after loading; concurrent readers are
 * safe. */
#ifndef CASUS_WARPLACES_H
#define CASUS_WARPLACES_H

#include <stddef.h>
#include "casus/error.h"
#include "casus/extern.h"
#include "casus/world.h"

#define CASUS_MAX_WAR_PLACES_FILE (1u << 20) /* bytes of world/war-places.csv */

typedef struct casus_war_place {
    int war;                  /* COW war number */
    int attacker;             /* ccode; 0: any attacker */
    int target;               /* ccode of the state attacked */
    const casus_place *place; /* where: a place of the world */
    const char *source;       /* why: COW's WhereFought and a public reference */
    int line;                 /* line in the file */
} casus_war_place;

typedef struct casus_war_places casus_war_places;

/* Parses the CSV text (header: war,attacker,target,place,source), resolving
 * states and places against the world.  Errors are `name:line:col: what`:
 * an unknown state or place, a place that is the target's home territory
 * (the default needs no row), a row given twice. */
CASUS_EXTERN casus_status casus_war_places_parse(const casus_world *world, const char *name, const char *text,
                                                 size_t len, casus_war_places **out /* OUT */, casus_error *err);
CASUS_EXTERN casus_status casus_war_places_load_file(const casus_world *world, const char *path,
                                                     casus_war_places **out /* OUT */, casus_error *err);
/* Frees the table; accepts NULL. */
CASUS_EXTERN void casus_war_places_free(casus_war_places *table);

/* The row for an attack by attacker on target in the war: the one naming
 * the attacker, else the one for any attacker; NULL when there is none (the
 * attack was on the target's home territory).  table may be NULL. */
CASUS_EXTERN const casus_war_place *casus_war_places_find(const casus_war_places *table, int war, int attacker,
                                                          int target);
CASUS_EXTERN size_t casus_war_places_count(const casus_war_places *table);
CASUS_EXTERN const casus_war_place *casus_war_places_at(const casus_war_places *table, size_t i);

#endif
