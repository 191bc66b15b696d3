/* casus/wars.h - the Correlates of War inter-state wars, 1816-2007
 * (Inter-State War Data v4.0; Sarkees and Wayman 2010, "Resort to War").
 *
 * The data file has one row per participant in a war: a state, its side,
 * when it fought (up to two spells, the second after a break in the
 * fighting), its outcome and its battle deaths.  A state that changed sides
 * has two rows, one per side (Romania and Bulgaria in the Second World
 * War).  Loading groups the rows into wars, in war-number order.
 *
 * Dates in the file may be partial: the codebook writes -9 for an unknown
 * month, day or year, -7 for "still ongoing on 2007-12-31" and -8 for "not
 * applicable" (no second spell).  casus keeps each date's parts as written
 * and says which of them are unknown; it never invents a day.
 *
 * Ownership: a casus_wars handle owns everything loaded into it; the
 * pointers it returns live until casus_wars_free().  A failing load leaves
 * the handle as it was before the call.  Thread-safety: after loading, a
 * handle may be read from any number of threads. */
#ifndef CASUS_WARS_H
#define CASUS_WARS_H

#include <stdbool.h>
#include <stddef.h>
#include "casus/extern.h"
#include "casus/date.h"
#include "casus/error.h"
#include "casus/world.h"

typedef struct casus_wars casus_wars;

/* The path of the war file under a data directory. */
#define CASUS_WARS_FILE "cow/Inter-StateWarData_v4.0.csv"

/* How much of a date the file gives. */
typedef enum casus_war_date_kind {
    CASUS_WAR_DATE_NONE = 0,  /* -8: not applicable (no such spell) */
    CASUS_WAR_DATE_KNOWN,     /* a year, perhaps without month or day (see month, day) */
    CASUS_WAR_DATE_UNKNOWN,   /* -9 in the year: not known at all */
    CASUS_WAR_DATE_ONGOING    /* -7: the war went on past 2007-12-31 */
} casus_war_date_kind;

/* A date as the file gives it.  For KNOWN dates year is set and month and
 * day are 0 when the file says -9; span is the days the date may denote.
 * For other kinds the parts are 0 and span is open. */
typedef struct casus_war_date {
    casus_war_date_kind kind;
    int year, month, day;
    casus_span span;
} casus_war_date;

/* Formats a date for people: "1914-07-29"; a partial date with question
 * marks for the parts the file does not give and a note saying so
 * ("day unknown", "month and day unknown"); "unknown"; "ongoing on
 * 2007-12-31"; or "" for NONE.  buf needs 40 bytes. */
CASUS_EXTERN void casus_war_date_format(const casus_war_date *date, char buf[40]);
/* The same as ISO-like text for machines: "1914-07-29", "1848-04",
 * "1848", "" for unknown or none, "ongoing".  buf needs 16 bytes. */
CASUS_EXTERN void casus_war_date_iso(const casus_war_date *date, char buf[16]);

/* A participant's outcome (codebook, "Outcome"). */
typedef enum casus_war_outcome {
    CASUS_WAR_WINNER = 1,
    CASUS_WAR_LOSER = 2,
    CASUS_WAR_COMPROMISE = 3,    /* compromise or tied */
    CASUS_WAR_TRANSFORMED = 4,   /* became another type of war */
    CASUS_WAR_ONGOING = 5,       /* ongoing on 2007-12-31 */
    CASUS_WAR_STALEMATE = 6,
    CASUS_WAR_BELOW_WAR = 7,     /* conflict went on below the war threshold */
    CASUS_WAR_CHANGED_SIDES = 8
} casus_war_outcome;
/* "winner", "loser", "compromise", ...; "?" for a value outside the list. */
CASUS_EXTERN const char *casus_war_outcome_str(casus_war_outcome outcome);

/* One row of the file: a state's part in a war on one side. */
typedef struct casus_war_participant {
    int ccode;              /* COW state code */
    const char *state_name; /* as the file spells it ("USSR", "Turkey") */
    int side;               /* 1 or 2 */
    casus_war_date start1, end1; /* first spell of fighting */
    casus_war_date start2, end2; /* second spell; kind NONE when there is none */
    bool initiator;         /* whether it began the war */
    casus_war_outcome outcome;
    long bat_deaths;        /* battle-related combatant deaths; -1 when unknown (-9) */
    int where_fought;       /* region code 1-19 (codebook, "WhereFought") */
    const char *trans_from; /* war number(s) this war grew out of, "" when none */
    int trans_to;           /* war number this war became; 0 when none */
    int line;               /* line of the row in the file */
} casus_war_participant;

typedef struct casus_war {
    int number;             /* WarNum */
    const char *name;       /* WarName */
    casus_war_date start;   /* the earliest start of any participant */
    casus_war_date end;     /* the latest end of any participant */
    const casus_war_participant *participants; /* in file order */
    size_t n_participants;
    size_t n_side[2];       /* rows on side 1 and side 2 */
} casus_war;

/* Creates an empty handle; the _with form routes every allocation through
 * fn (see casus_alloc_fn in casus/world.h). */
CASUS_EXTERN casus_status casus_wars_create(casus_wars **wars /* OUT */, casus_error *err);
CASUS_EXTERN casus_status casus_wars_create_with(casus_alloc_fn fn, void *ud, casus_wars **wars /* OUT */,
                                    casus_error *err);
/* Frees the handle and all it owns; accepts NULL; cannot fail. */
CASUS_EXTERN void casus_wars_free(casus_wars *wars);

/* Parses the text of an Inter-State War Data v4.0 file (name is used in
 * messages).  A handle holds one file: loading into a handle that already
 * holds wars is CASUS_INVALID. */
CASUS_EXTERN casus_status casus_wars_load_text(casus_wars *wars, const char *name, const char *text, size_t len,
                                  casus_error *err);
CASUS_EXTERN casus_status casus_wars_load_file(casus_wars *wars, const char *path, casus_error *err);
/* Loads CASUS_WARS_FILE under the data directory data_dir. */
CASUS_EXTERN casus_status casus_wars_load_dir(casus_wars *wars, const char *data_dir, casus_error *err);

CASUS_EXTERN size_t casus_wars_count(const casus_wars *wars);
/* The i-th war in war-number order; NULL when i is out of range. */
CASUS_EXTERN const casus_war *casus_wars_at(const casus_wars *wars, size_t i);
/* The war with that WarNum; NULL when there is none. */
CASUS_EXTERN const casus_war *casus_wars_find(const casus_wars *wars, int number);

#endif
