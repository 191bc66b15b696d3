/* casus/sanctions.h - UN Security Council sanctions as literate rule files,
 * exchanges between states as dated events, and the check of the one
 * against the other.
 *
 * A resolution file (docs/sanctions.md) holds one resolution: its symbol,
 * its operative paragraphs quoted with how far each quote is verified, and
 * under each paragraph the measures it imposes (a ban, a cap with its
 * period, a mandate).  An events file holds exchanges: who sent what to
 * whom, how much, when, and the sources that claim it.  casus_sanctions_check
 * judges every event against every measure, three-valued, as obligations.
 *
 * Ownership: a casus_sanctions (resolutions) and a casus_events (events)
 * each own everything loaded into them, in one arena, until freed; the
 * structures below are read-only views into them.  A report owns its
 * findings and totals and points into the sanctions and events it was built
 * from, which must outlive it.  A failed load leaves the set as it was.
 * Thread-safety: a set may be read from many threads once loading is done;
 * loading is not thread-safe. */
#ifndef CASUS_SANCTIONS_H
#define CASUS_SANCTIONS_H

#include <stdint.h>
#include <stdio.h>

#include "casus/date.h"
#include "casus/error.h"
#include "casus/extern.h"
#include "casus/treaty.h"
#include "casus/who.h"
#include "casus/world.h"

#define CASUS_MAX_SANCTIONS_FILE (1u << 20) /* bytes of one resolution or events file */
#define CASUS_MAX_SANCTIONS_LIST 64         /* words in one list (covers, binds) */
#define CASUS_MAX_SANCTIONS_ITEMS 4096      /* paragraphs, measures, events, sources in one file */
#define CASUS_MAX_AMOUNT 1000000000000000LL /* largest amount an event may give */

/* What moves between states: the event vocabulary, which measures cover. */
#define CASUS_WHAT_MAP(XX)                              \
    XX(TROOPS, "troops")                                \
    XX(MUNITIONS, "munitions")                          \
    XX(MISSILES, "missiles")                            \
    XX(ARMS, "arms")                                    \
    XX(MILITARY_TECHNOLOGY, "military-technology")      \
    XX(SPACE_TECHNOLOGY, "space-technology")            \
    XX(NUCLEAR_TECHNOLOGY, "nuclear-technology")        \
    XX(CRUDE_OIL, "crude-oil")                          \
    XX(REFINED_PETROLEUM, "refined-petroleum")          \
    XX(AVIATION_FUEL, "aviation-fuel")                  \
    XX(COAL, "coal")                                    \
    XX(IRON, "iron")                                    \
    XX(SEAFOOD, "seafood")                              \
    XX(TEXTILES, "textiles")                            \
    XX(LUXURY_GOODS, "luxury-goods")                    \
    XX(MACHINERY, "machinery")                          \
    XX(VESSELS, "vessels")                              \
    XX(WORKERS, "workers")                              \
    XX(MONEY, "money")                                  \
    XX(JOINT_VENTURES, "joint-ventures")                \
    XX(FOOD, "food")                                    \
    XX(NATURAL_GAS_LIQUIDS, "natural-gas-liquids")

#define CASUS__ENUM_WHAT(n, s) CASUS_WHAT_##n,
typedef enum casus_what { CASUS_WHAT_MAP(CASUS__ENUM_WHAT) CASUS_WHAT_COUNT } casus_what;
#undef CASUS__ENUM_WHAT

CASUS_EXTERN const char *casus_what_str(casus_what what);
/* -1 when the word is not one of the names. */
CASUS_EXTERN int casus_what_from_str(const char *s, size_t n);

/* What a measure does. */
typedef enum casus_measure_kind {
    CASUS_MEASURE_BAN,     /* a prohibition: any covered exchange in force breaches it */
    CASUS_MEASURE_CAP,     /* an aggregate limit per period: decidable only from totals */
    CASUS_MEASURE_MANDATE, /* a body's mandate (the panel of experts): listed, not checked */
} casus_measure_kind;
CASUS_EXTERN const char *casus_measure_kind_str(casus_measure_kind kind);

/* Which way the covered goods, services or persons go. */
typedef enum casus_flow {
    CASUS_FLOW_NONE,      /* mandates */
    CASUS_FLOW_TO_DPRK,   /* supply, sale or transfer to the DPRK */
    CASUS_FLOW_FROM_DPRK, /* supply by the DPRK; procurement from it */
    CASUS_FLOW_BOTH,
} casus_flow;
CASUS_EXTERN const char *casus_flow_str(casus_flow flow);

/* One limit of a cap: N units in each period.  A period is either the
 * 12 months from 'from' (and each 12 months after) or, when 'until' is
 * set, the one span from..until.  A measure may carry several limits:
 * in other units for the same periods ("4 million barrels or 525,000
 * tons", "US$ ... or ... metric tons, whichever is lower": exceeding any
 * of them breaches the cap), or for other periods (a first, shorter
 * period). */
typedef struct casus_cap {
    int64_t limit;    /* above 0; CASUS_CAP_UNSTATED when the resolution states no figure */
    const char *unit; /* "barrels", "tonnes", "usd" */
    casus_day from;   /* first day of the first period */
    casus_day until;  /* last day of the single period, or CASUS_DAY_NEVER_AFTER: 12-month periods */
    const char *note; /* how the resolution sets an unstated limit; may be NULL */
    int line;
} casus_cap;
#define CASUS_CAP_UNSTATED (-1)

/* A measure under an operative paragraph. */
typedef struct casus_measure {
    const char *id;            /* unique within its resolution */
    casus_measure_kind kind;
    casus_flow flow;
    uint32_t covers;           /* bit (1u << casus_what) per covered kind of exchange */
    const char *const *binds;  /* who is bound: "all-states", "dprk", "secretary-general", ... */
    size_t n_binds;
    casus_period in_force;     /* from .. until (open end when none) */
    const char *end_note;      /* why it ended; may be NULL */
    const casus_cap *caps;     /* CAP: its limits, at least one */
    size_t n_caps;
    const char *const *exempt; /* exemptions, in words (informational) */
    size_t n_exempt;
    const char *const *undecidable; /* conditions no event can settle: make a breach not decidable */
    size_t n_undecidable;
    int line;
} casus_measure;

typedef struct casus_paragraph {
    const char *number;  /* "8(a)(i)", "26" */
    const char *title;   /* may be NULL */
    const casus_passage *passages; /* the text, as in treaty files */
    size_t n_passages;
    const casus_measure *measures;
    size_t n_measures;
    int line;
} casus_paragraph;

typedef struct casus_resolution {
    const char *id;      /* "unsc-1718-2006" */
    const char *symbol;  /* "S/RES/1718 (2006)" */
    const char *title;
    const char *file;
    casus_day adopted;
    int meeting;         /* 0 when not given */
    const casus_source *sources;
    size_t n_sources;
    const casus_paragraph *paragraphs;
    size_t n_paragraphs;
    const char *notes;   /* may be NULL */
} casus_resolution;

typedef struct casus_sanctions casus_sanctions;

/* A set of resolutions.  fn NULL: the C allocator. */
CASUS_EXTERN casus_status casus_sanctions_create(casus_alloc_fn fn, void *ud, casus_sanctions **out /* OUT */,
                                                 casus_error *err);
CASUS_EXTERN void casus_sanctions_free(casus_sanctions *s);
/* Parses one resolution file's text and adds it; all or nothing. */
CASUS_EXTERN casus_status casus_sanctions_load_text(casus_sanctions *s, const char *name, const char *buf,
                                                    size_t len, casus_error *err);
CASUS_EXTERN casus_status casus_sanctions_load_file(casus_sanctions *s, const char *path, casus_error *err);
/* Loads every *.sanctions file of dir, in name order. */
CASUS_EXTERN casus_status casus_sanctions_load_dir(casus_sanctions *s, const char *dir, casus_error *err);
CASUS_EXTERN size_t casus_sanctions_count(const casus_sanctions *s);
CASUS_EXTERN const casus_resolution *casus_sanctions_at(const casus_sanctions *s, size_t i);
/* The last day any mandate measure (the panel of experts) ran, or
 * CASUS_DAY_NEVER_BEFORE when none is loaded; CASUS_DAY_NEVER_AFTER when one
 * is still open. */
CASUS_EXTERN casus_day casus_sanctions_monitoring_end(const casus_sanctions *s);

/* ---- events -------------------------------------------------------------- */

/* How sure a figure is. */
typedef enum casus_amount_kind {
    CASUS_AMOUNT_UNKNOWN,   /* no figure */
    CASUS_AMOUNT_EXACT,     /* N */
    CASUS_AMOUNT_ABOUT,     /* about N: neither bound is certain */
    CASUS_AMOUNT_AT_LEAST,  /* at least N */
    CASUS_AMOUNT_MORE_THAN, /* more than N */
    CASUS_AMOUNT_RANGE,     /* N..M */
} casus_amount_kind;

typedef struct casus_amount {
    casus_amount_kind kind;
    int64_t lo, hi;   /* EXACT: lo == hi; ABOUT: lo == hi == N; AT_LEAST/MORE_THAN: hi unused */
    const char *unit; /* "shells", "barrels", "usd", "persons"; NULL when UNKNOWN */
} casus_amount;

/* One claim: a source and, optionally, the words of it the event rests on. */
typedef struct casus_claim {
    const casus_source *source;
    casus_day source_date_lo, source_date_hi; /* when the source said it (a partial date's span) */
    const char *quote; /* may be NULL */
} casus_claim;

typedef struct casus_event {
    const char *id;
    char from[4], to[4]; /* COW abbreviations */
    casus_what what;
    const char *kind;    /* "artillery-shells", or NULL */
    casus_amount amount;
    casus_span when;     /* the days the exchange may have taken place in */
    const char *place;   /* may be NULL */
    char against[4];     /* troops: the state they fight against ("UKR"), or "" */
    const char *front;   /* troops: where they fight, a place of world/places.csv ("kursk"), or NULL */
    const char *within;  /* id of an event whose amount includes this one's, or NULL */
    const char *overlaps; /* id of an event whose figure may count some of the same deliveries, or NULL */
    const casus_claim *claims;
    size_t n_claims;
    const char *note;    /* may be NULL */
    int line;
} casus_event;

typedef struct casus_events casus_events;

CASUS_EXTERN casus_status casus_events_create(casus_alloc_fn fn, void *ud, casus_events **out /* OUT */,
                                              casus_error *err);
CASUS_EXTERN void casus_events_free(casus_events *ev);
/* Parses one events file's text and adds its events; all or nothing. */
CASUS_EXTERN casus_status casus_events_load_text(casus_events *ev, const char *name, const char *buf, size_t len,
                                                 casus_error *err);
CASUS_EXTERN casus_status casus_events_load_file(casus_events *ev, const char *path, casus_error *err);
CASUS_EXTERN size_t casus_events_count(const casus_events *ev);
CASUS_EXTERN const casus_event *casus_events_at(const casus_events *ev, size_t i);

/* ---- events in the cascade ------------------------------------------------ */

struct casus_scenario;

/* A copy of the scenario with the deployments of the events added: every
 * troops event that names the side it fights against ('against') becomes a
 * deployment event of the scenario (casus/scenario.h, CASUS_EVENT_DEPLOYMENT):
 * the sender's forces fight on the side of the receiver against that state,
 * from the first day the event may have taken place, at its 'front' (a place
 * of the world) when it names one.  Events whose first possible day lies
 * after the run's last day are left out, as are all other kinds of exchange
 * (supplies change no obligation).  The copy
 * shares everything else with the scenario, which must outlive it; free it
 * with casus_events_scenario_free().  CASUS_INVALID (with the event's line)
 * when a state or front is not in the world. */
CASUS_EXTERN casus_status casus_events_scenario(const casus_world *world, const struct casus_scenario *scenario,
                                                const casus_events *ev, struct casus_scenario **out /* OUT */,
                                                size_t *n_added /* OUT, may be NULL */, casus_error *err);
CASUS_EXTERN void casus_events_scenario_free(struct casus_scenario *merged);

/* ---- the check ------------------------------------------------------------ */

/* One event against one measure.  truth is the obligation's: HELD (not
 * breached), FAILED (breached) or UNKNOWN (may be breached: not decidable). */
typedef struct casus_sanctions_finding {
    const casus_event *event;
    const casus_resolution *resolution;
    const casus_paragraph *paragraph;
    const casus_measure *measure;
    casus_truth truth;
    const char *why;
    int after_monitoring; /* 1 when every claim is dated after the last day a panel was mandated */
} casus_sanctions_finding;

/* The events' total in one unit for one period of a cap.  The bounds
 * follow each figure's uncertainty: N adds N to both; N..M adds N to the
 * low and M to the high bound; "at least N" and "more than N" add N to the
 * low bound and leave the high one open; "about N" adds nothing certain to
 * the low bound and leaves the high one open.  Events whose figures may
 * overlap ('overlaps') add the largest of their low bounds, not the sum.
 * A unit in which the cap sets no limit gets a total of its own with cap
 * NULL: such figures are reported, never added to another unit's. */
typedef struct casus_sanctions_total {
    const casus_resolution *resolution;
    const casus_paragraph *paragraph;
    const casus_measure *measure;
    const casus_cap *cap;   /* the limit in this unit for this period; NULL: no limit in this unit */
    const char *unit;
    casus_day period_lo, period_hi; /* the period, cut to the days the measure is in force */
    int64_t total_low;     /* certain lower bound of the events' total */
    int low_open;          /* 1 when the total certainly exceeds total_low ("more than") */
    int64_t total_high;    /* upper bound; meaningless when high_open */
    int high_open;         /* 1 when no upper bound follows from the figures */
    int64_t nominal;       /* the figures as given ("about" at face value, a range at its low end) */
    size_t n_events;       /* events counted (those 'within' another are counted in it) */
    size_t n_unplaced;     /* covered events in the period that cannot be counted: no figure, or dates
                              straddling the period's bounds */
    size_t n_other_unit;   /* covered events in the period whose figure is in another unit */
    casus_truth truth;     /* FAILED: the limit is exceeded (the low bound is over it); HELD: every
                              covered event of the period is counted and the high bound is within it
                              (the events' total, not all states' supply); UNKNOWN otherwise */
} casus_sanctions_total;

typedef struct casus_sanctions_report {
    const casus_sanctions *sanctions;
    const casus_events *events;
    const casus_sanctions_finding *findings;
    size_t n_findings;
    const casus_sanctions_total *totals;
    size_t n_totals;
    const char *const *notes; /* what the findings rest on, in sentences */
    size_t n_notes;
    casus_day monitoring_end;
} casus_sanctions_report;

/* Judges every event against every ban and cap of the loaded resolutions. */
CASUS_EXTERN casus_status casus_sanctions_check(const casus_sanctions *s, const casus_events *ev,
                                                casus_sanctions_report **out /* OUT */, casus_error *err);
CASUS_EXTERN void casus_sanctions_report_free(casus_sanctions_report *r);
/* Writes the report as text, CSV (one row per finding) or JSON. */
CASUS_EXTERN casus_status casus_sanctions_report_write(const casus_sanctions_report *r, casus_format format,
                                                       FILE *out, casus_error *err);
/* Writes the totals against caps as CSV, one row per total. */
CASUS_EXTERN casus_status casus_sanctions_totals_write_csv(const casus_sanctions_report *r, FILE *out,
                                                           casus_error *err);
/* Writes the measures in force on day, then those ended by then. */
CASUS_EXTERN casus_status casus_sanctions_list_write(const casus_sanctions *s, casus_day day, FILE *out,
                                                     casus_error *err);

#endif
