/* casus/names.h - the names people type for a state: COW abbreviation, COW
 * code, ISO 3166-1 alpha-3 (and the former codes of ISO 3166-3), English
 * name and common alternates, resolved to one state of the world.
 *
 * The table is world/state-names.csv (its sources: world/README.md); the COW
 * abbreviations, codes and names come from the world itself.  A COW
 * abbreviation always wins over an ISO code spelt the same (AUS is COW's
 * Austria, ISO's Australia): casus_names_resolve() then says so in a note.
 *
 * Ownership: a casus_names borrows the world it was loaded for (which must
 * outlive it) and allocates through the world's hook; free it with
 * casus_names_free().  Thread-safety: after loading it is read-only, and
 * concurrent casus_names_resolve() calls are safe. */
#ifndef CASUS_NAMES_H
#define CASUS_NAMES_H

#include "casus/error.h"
#include "casus/extern.h"
#include "casus/world.h"

typedef struct casus_names casus_names;

/* Hard cap on the names table, and on a name looked up. */
#define CASUS_MAX_NAMES_FILE (1u << 20)
#define CASUS_MAX_NAME_LEN 128

/* Reads the names table at path (world/state-names.csv) for the world, whose
 * tables must be loaded.  CASUS_PARSE (file:line:col) for a malformed row or
 * a state the world does not know; CASUS_IO when it cannot be read. */
CASUS_EXTERN casus_status casus_names_load(casus_world *world, const char *path, casus_names **names /* OUT */,
                                           casus_error *err);
/* As casus_names_load, from text in memory (len bytes; name is used in
 * messages).  CASUS_TOOBIG beyond CASUS_MAX_NAMES_FILE; *names is NULL on
 * any failure. */
CASUS_EXTERN casus_status casus_names_parse(casus_world *world, const char *name, const char *text, size_t len,
                                            casus_names **names /* OUT */, casus_error *err);
/* Frees the table; accepts NULL; cannot fail. */
CASUS_EXTERN void casus_names_free(casus_names *names);

/* Resolves what a person typed: a COW abbreviation (RUS), a COW code (365),
 * an ISO 3166 alpha-3 code (KOR, and former codes such as SUN), or an
 * English name or alternate (South Korea, Soviet Union), ignoring case,
 * spaces and punctuation.  names may be NULL: then only the world's COW
 * abbreviations, codes and names are tried.
 *
 * On success *state is set, and *note (when note is not NULL) to NULL or to
 * a sentence for the person, owned by names, when what was typed is also
 * another state's code ("AUS is the COW abbreviation of Austria; ISO 3166 AUS,
 * Australia, is AUL").  On a miss CASUS_NOTFOUND, with err->message
 * "unknown state 'SERBA': did you mean YUG (Serbia)?" when some name is
 * near, else "unknown state 'XYZZY' (use a COW abbreviation such as USA,
 * RUS, PRK)". */
CASUS_EXTERN casus_status casus_names_resolve(const casus_names *names, const casus_world *world, const char *text,
                                              const casus_state **state /* OUT */, const char **note /* OUT */,
                                              casus_error *err);

/* The state's current ISO 3166-1 alpha-3 code ("KOR" for 732) and numeric
 * code ("410"), as the table gives them; NULL when it has none (states that
 * no longer exist).  The numeric code keys the shapes of a world map. */
CASUS_EXTERN const char *casus_names_iso3(const casus_names *names, int ccode);
CASUS_EXTERN const char *casus_names_iso_numeric(const casus_names *names, int ccode);

#endif
