/* casus/scenario.h - a scenario: the opening attacks of a war, the dated
 * events during it, what-if assumptions, and how long and how often to run
 * it.
 *
 * A scenario is read from a literate scenario file (docs/scenario-format.md)
 * and resolved against a world: every state abbreviation, place and treaty it
 * names must exist in that world, so the world must have its tables and
 * treaty files loaded before a scenario is parsed (casus_world_finish() is
 * not required to parse, but is before the scenario is simulated).  The
 * parsed scenario holds plain data; states are COW codes, places and
 * treaties are pointers into the world.
 *
 * Ownership: casus_scenario_parse() and casus_scenario_load_file() create a
 * scenario; the caller frees it with casus_scenario_free().  Its memory comes
 * from the world's allocation hook, and it borrows places, treaties and the
 * hook from the world, which must outlive it.  A failing call creates
 * nothing and leaves the world untouched (parsing only reads the world).
 * Thread-safety: a parsed scenario is read-only; concurrent readers are
 * safe.  Parsing only reads the world, so several threads may parse against
 * one world that is not being loaded at the same time. */
#ifndef CASUS_SCENARIO_H
#define CASUS_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "casus/date.h"
#include "casus/error.h"
#include "casus/extern.h"
#include "casus/treaty.h"
#include "casus/world.h"

/* Hard caps on input. */
#define CASUS_MAX_SCENARIO_FILE (1u << 20)    /* bytes of one scenario file */
#define CASUS_SCENARIO_MAX_ITEMS 256          /* attacks, events, assumptions, sources: each */
#define CASUS_SCENARIO_MAX_HORIZON 36525      /* days (100 years) */
#define CASUS_SCENARIO_MAX_TRIALS 1000000000ull

/* Defaults when the file does not say. */
#define CASUS_SCENARIO_DEFAULT_HORIZON 365
#define CASUS_SCENARIO_DEFAULT_TRIALS 100000ull
#define CASUS_SCENARIO_DEFAULT_SEED 1ull

/* An opening attack.  The war's day 0 is the earliest opening attack's day. */
typedef struct casus_scenario_attack {
    int attacker;              /* ccode */
    int target;                /* ccode */
    const casus_place *place;  /* NULL: the target's home territory; else the
                                  target is its sovereign, administrator or a
                                  claimant (as casus_who() requires) */
    casus_day day;             /* a full date: an attack happens on one day */
    const char *source;        /* key of a casus_source of the scenario; may be NULL */
    int line;                  /* line in the scenario file */
} casus_scenario_attack;

/* What a dated event does. */
#define CASUS_EVENT_MAP(XX)                                                        \
    XX(TREATY_IN_FORCE, "in-force", "a treaty enters into force")                  \
    XX(TREATY_SUSPENDED, "suspend", "a treaty is suspended for a party or a pair") \
    XX(TREATY_ENDS, "end", "a treaty ends, for all parties or for one")            \
    XX(NEUTRALITY, "neutral", "a state declares its neutrality in this war")       \
    XX(DEPLOYMENT, "deploy", "a state's forces fight on one side against another")

#define CASUS__ENUM_EVENT(n, s, d) CASUS_EVENT_##n,
typedef enum casus_event_kind { CASUS_EVENT_MAP(CASUS__ENUM_EVENT) CASUS_EVENT_COUNT } casus_event_kind;
#undef CASUS__ENUM_EVENT
/* The directive word ("in-force") and a description in words. */
CASUS_EXTERN const char *casus_event_kind_str(casus_event_kind kind);
CASUS_EXTERN const char *casus_event_kind_describe(casus_event_kind kind);
/* Reverse look-up of the directive word; -1 when it is not one. */
CASUS_EXTERN int casus_event_kind_from_str(const char *s, size_t n);

/* A dated event.  Which fields are set depends on the kind:
 *   TREATY_IN_FORCE   treaty: it enters into force on `on` for all its
 *                     parties (for this run, replacing the file's date).
 *   TREATY_SUSPENDED  treaty, state (the party whose obligations are
 *                     suspended), other (toward whom; 0: toward every party),
 *                     from `on` to the end of the run.
 *   TREATY_ENDS       treaty, state (0: for all parties; else that party
 *                     withdraws), from `on`.
 *   NEUTRALITY        state declares neutrality in this war from `on`.
 *   DEPLOYMENT        state's forces fight on the side of `ally` against
 *                     `other` from `on`, at `place` (may be NULL).  The
 *                     state is a belligerent from that day; what that does
 *                     to its allies' obligations is the engine's rule
 *                     (docs/ describe it).
 * `on` may be a partial date ("2024-10"): the span of days it may denote.
 * An event may lie before day 0 (it is then in effect when the war opens)
 * but not after the horizon's last day. */
typedef struct casus_scenario_event {
    casus_event_kind kind;
    casus_span on;
    const casus_treaty *treaty; /* for the treaty events; NULL otherwise */
    int state;                  /* ccode; see above */
    int other;                  /* ccode; see above */
    int ally;                   /* ccode, for DEPLOYMENT */
    const casus_place *place;   /* for DEPLOYMENT; may be NULL */
    const char *source;         /* key of a casus_source of the scenario; may be NULL */
    const char *note;           /* may be NULL */
    int line;
} casus_scenario_event;

/* A what-if assumption. */
typedef enum casus_assume_kind {
    CASUS_ASSUME_OUT,   /* `state` never joins the war */
    CASUS_ASSUME_JOIN,  /* `state` joins on the side of `ally` on `on` */
    CASUS_ASSUME_COUNT
} casus_assume_kind;

typedef struct casus_scenario_assume {
    casus_assume_kind kind;
    int state;          /* ccode */
    int ally;           /* ccode, for JOIN: a state whose side it takes */
    casus_span on;      /* for JOIN; may be partial; within the horizon */
    const char *source; /* may be NULL */
    const char *note;   /* may be NULL */
    int line;
} casus_scenario_assume;

typedef struct casus_scenario {
    const char *id;        /* "korea-dmz-2025": lower-case letters, digits and '-' */
    const char *title;
    const char *file;      /* the name it was parsed under */
    const casus_source *sources; /* key + citation, as in treaties; at least one */
    size_t n_sources;
    const char *notes;     /* 'note' directives joined with newlines; may be NULL */
    const char *text;      /* the prose ('>' lines) joined with single spaces,
                              paragraphs (blank '>' lines) with newlines; may be NULL */
    const casus_scenario_attack *attacks; /* at least one; in file order */
    size_t n_attacks;
    const casus_scenario_event *events;   /* sorted by on.lo, then file order */
    size_t n_events;
    const casus_scenario_assume *assumes; /* in file order */
    size_t n_assumes;
    casus_day start;       /* day 0: the earliest opening attack's day */
    int horizon;           /* days simulated after day 0: the run covers
                              start .. start + horizon, inclusive */
    uint64_t trials;       /* default number of trials */
    uint64_t seed;         /* default seed */
    const char *events_file; /* 'events FILE' as written (relative to the
                                scenario file's directory), or NULL */
} casus_scenario;

/* Parses a scenario from text (len bytes; need not be NUL-terminated) and
 * resolves it against the world.  name is used in messages ("file:line:col:
 * message", with the line in err->context).  CASUS_PARSE for any error in
 * the text, CASUS_TOOBIG beyond CASUS_MAX_SCENARIO_FILE, CASUS_NOMEM when an
 * allocation fails; *out is then NULL. */
CASUS_EXTERN casus_status casus_scenario_parse(const casus_world *world, const char *name,
                                               const char *text, size_t len,
                                               casus_scenario **out /* OUT */, casus_error *err);
/* Reads and parses one scenario file (path used in messages). */
CASUS_EXTERN casus_status casus_scenario_load_file(const casus_world *world, const char *path,
                                                   casus_scenario **out /* OUT */, casus_error *err);
/* Frees a scenario; accepts NULL; cannot fail. */
CASUS_EXTERN void casus_scenario_free(casus_scenario *scenario);

/* The source with the key, or NULL. */
CASUS_EXTERN const casus_source *casus_scenario_source(const casus_scenario *scenario, const char *key);
/* The path of the scenario's events file: events_file as written when it
 * is absolute, else joined to the directory of the scenario's file name.
 * CASUS_NOTFOUND when the scenario names none, CASUS_RANGE when buf (of
 * size bytes) is too small; buf holds a NUL-terminated path on CASUS_OK. */
CASUS_EXTERN casus_status casus_scenario_events_path(const casus_scenario *scenario, char *buf, size_t size);
/* Whether the state is in an opening attack (as attacker or target). */
CASUS_EXTERN bool casus_scenario_opens(const casus_scenario *scenario, int ccode);

#endif
