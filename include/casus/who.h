/* casus/who.h - casus foederis: given an attack, who is bound, under which
 * article, how fast, and which conditions held.
 *
 * Ownership: a casus_who_result is created by casus_who() and freed with
 * casus_who_free(); it borrows from the world, which must outlive it.
 * Thread-safety: casus_who() only reads the world; concurrent calls on one
 * finished world are safe. */
#ifndef CASUS_WHO_H
#define CASUS_WHO_H

#include <stdio.h>
#include "casus/world.h"

typedef struct casus_attack {
    int attacker;                 /* ccode */
    int target;                   /* ccode */
    const casus_place *place;     /* NULL: the target's home territory */
    casus_day day;
} casus_attack;

/* Where an obligation puts its obligor relative to the attack. */
#define CASUS_ROLE_MAP(XX)                                                           \
    XX(DEFEND_TARGET, "defend-target", "must assist the state attacked")             \
    XX(JOIN_ATTACKER, "join-attacker", "must join the attacker")                     \
    XX(NEUTRAL, "neutral", "must stay neutral / not aid the other side")             \
    XX(REFRAIN, "refrain", "must not attack the beneficiary")                        \
    XX(CONSULT, "consult", "must consult the beneficiary")                           \
    XX(BREACHED, "breached", "the attack itself breaks this obligation")

#define CASUS__ENUM_ROLE(n, s, d) CASUS_ROLE_##n,
typedef enum casus_role { CASUS_ROLE_MAP(CASUS__ENUM_ROLE) CASUS_ROLE_COUNT } casus_role;
#undef CASUS__ENUM_ROLE
const char *casus_role_str(casus_role role);
const char *casus_role_describe(casus_role role);

/* One evaluated condition. */
typedef struct casus_trace {
    const char *what;   /* "place", "adversary", "in force", "trigger", ... */
    const char *detail; /* the condition in words and why it held or failed */
    casus_truth truth;
} casus_trace;

/* One obligation the attack sets off, with its trace. */
typedef struct casus_finding {
    const casus_obligation *obligation;
    casus_role role;
    casus_truth status;          /* HELD: binds; UNKNOWN: binds if the undecidable conditions hold; FAILED: does not bind */
    const casus_trace *traces;
    size_t n_traces;
    const casus_treaty *superseded_by; /* for an ATOP obligation set aside by a hand-encoded treaty */
} casus_finding;

/* A state bound on both sides of the attack. */
typedef struct casus_conflict {
    int state;
    size_t finding_a;  /* index of a finding siding with the target */
    size_t finding_b;  /* index of a finding siding with the attacker */
} casus_conflict;

typedef struct casus_who_result {
    casus_attack attack;
    const casus_place *place;          /* the place, resolved */
    const casus_finding *findings;     /* sorted by role, obligor, treaty, article */
    size_t n_findings;
    const casus_conflict *conflicts;
    size_t n_conflicts;
    const char *const *notes;          /* what the answer rests on (data coverage) */
    size_t n_notes;
} casus_who_result;

enum {
    CASUS_WHO_ALL = 1u << 0,  /* also report obligations whose conditions failed */
};

/* Evaluates the attack.  CASUS_INVALID (with a message in err) when the
 * attacker or target is unknown, they are the same state, or the place is
 * not the target's (neither sovereign, administrator nor claimant). */
casus_status casus_who(const casus_world *world, const casus_attack *attack, unsigned flags,
                       casus_who_result **result /* OUT */, casus_error *err);
void casus_who_free(casus_who_result *result);

typedef enum casus_format { CASUS_FORMAT_TEXT, CASUS_FORMAT_CSV, CASUS_FORMAT_JSON } casus_format;
/* Parses "text", "csv" or "json"; -1 otherwise. */
int casus_format_from_str(const char *s);

/* Writes the result in the format to out.  CASUS_IO on a write error. */
casus_status casus_who_write(const casus_world *world, const casus_who_result *result,
                             casus_format format, FILE *out, casus_error *err);

#endif
