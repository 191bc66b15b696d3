/* casus/who.h - casus foederis: given an attack, who is bound, under which
 * article, how fast, and which conditions held.
 *
 * Two ways to ask:
 *   - casus_who_eval(): the evaluator.  It decides the role of each
 *     candidate obligation and the truth of each of its conditions as codes,
 *     writes no text and allocates nothing: its answers live in a scratch
 *     the caller made once with casus_who_scratch_create().  For programs
 *     that ask millions of questions (a Monte Carlo engine, a server).
 *   - casus_who(): the traced answer `casus who` prints, built on the
 *     evaluator: every finding with its conditions in words, the states bound
 *     on both sides, and what the answer rests on.  It allocates a result.
 *
 * Ownership: a casus_who_result is created by casus_who() and freed with
 * casus_who_free(); a casus_who_scratch is created by
 * casus_who_scratch_create() and freed with casus_who_scratch_free().  Both
 * borrow from the world, which must outlive them.  What casus_who_eval()
 * returns lives in the scratch until the next call with that scratch.
 *
 * Thread-safety: both only read the world, which must be finished
 * (casus_world_finish; otherwise CASUS_UNFINISHED); concurrent calls on one
 * finished world are safe as long as each thread uses its own scratch (a
 * scratch is not to be shared between threads at the same time).  Loading
 * into the world or finishing it again while queries run is not safe.
 * casus_who, casus_who_write and casus_who_scratch_create allocate through
 * the world's hook from the calling thread, so the hook of a world queried
 * by several threads must be thread-safe (the default one is);
 * casus_who_eval never calls it. */
#ifndef CASUS_WHO_H
#define CASUS_WHO_H

#include <stdio.h>
#include "casus/extern.h"
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
CASUS_EXTERN const char *casus_role_str(casus_role role);
CASUS_EXTERN const char *casus_role_describe(casus_role role);

enum {
    CASUS_WHO_ALL = 1u << 0,    /* also report obligations whose conditions failed */
    CASUS_WHO_CHECKS = 1u << 1, /* casus_who_eval: record every check of each binding (casus_binding.checks) */
    /* The place may lie outside the target's territory: the attack is on the
     * target's forces there (a war fought abroad, as the Korean War for the
     * United States).  Without it such a place is refused.  Conditions on
     * the beneficiary's territory or administration then fail, area
     * conditions are read from the place, and an armed invasion of the
     * target is not what happened (the trigger fails). */
    CASUS_WHO_ABROAD = 1u << 2,
};

/* ---- the evaluator -------------------------------------------------------- */

/* What a check of an obligation looks at, in the order they are made:
 * in force that day; the obligor a member of the state system (recorded only
 * when not plainly held); the trigger (for the roles that act, or when the
 * rule names one); for an armed invasion, whether the target is "in a state
 * of war"; each of the rule's conditions; and whether a hand-encoded treaty
 * sets the (ATOP) obligation aside (recorded only when one does). */
#define CASUS_CHECK_MAP(XX)                \
    XX(IN_FORCE, "in force")               \
    XX(STATE_SYSTEM, "state system")       \
    XX(TRIGGER, "trigger")                 \
    XX(STATE_OF_WAR, "state of war")       \
    XX(CONDITION, "condition")             \
    XX(SUPERSEDED, "superseded")

#define CASUS__ENUM_CHECK(n, s) CASUS_CHECK_##n,
typedef enum casus_check_kind { CASUS_CHECK_MAP(CASUS__ENUM_CHECK) CASUS_CHECK_COUNT } casus_check_kind;
#undef CASUS__ENUM_CHECK
CASUS_EXTERN const char *casus_check_str(casus_check_kind kind);

/* One check, as codes.  `cond` indexes the obligation's conds for
 * CASUS_CHECK_CONDITION.  `detail` says which case decided it, for the words:
 * for IN_FORCE, CASUS_CHECK_ATOP_ENDED when the obligation is unknown only
 * because ATOP's data end before the day; for the PLACE_TERRITORY and
 * PLACE_RECOGNIZED conditions, the casus_truth of "the place is the
 * beneficiary's territory"; 0 otherwise. */
typedef struct casus_check {
    unsigned char kind;   /* casus_check_kind */
    unsigned char truth;  /* casus_truth */
    unsigned char detail;
    unsigned short cond;
} casus_check;
#define CASUS_CHECK_ATOP_ENDED 1

/* One obligation the attack sets off, decided.  The copies of the
 * obligation's fields save the caller a pointer chase. */
typedef struct casus_binding {
    const casus_obligation *obligation;
    int obligor;
    int beneficiary;
    casus_role role;
    casus_truth status;   /* HELD: binds; UNKNOWN: binds if the undecidable conditions hold; FAILED: does not bind */
    casus_kind kind;
    casus_timing timing;
    const casus_treaty *superseded_by; /* for an ATOP obligation set aside by a hand-encoded treaty; else NULL */
    const casus_check *checks;         /* with CASUS_WHO_CHECKS: every check, in order; else NULL */
    size_t n_checks;
} casus_binding;

/* A caller-owned workspace for casus_who_eval() (as GSL's workspaces): made
 * once per thread, sized for the world's largest query, reused for every
 * query so that a query allocates nothing.  With COW and ATOP loaded it
 * takes about 450 KB, most of it the first and last day of each obligation,
 * which a query scans instead of the obligations. */
typedef struct casus_who_scratch casus_who_scratch;

/* Makes a scratch for queries on world, which must be finished
 * (CASUS_UNFINISHED otherwise); its memory comes from the world's
 * allocation hook.  If the world is loaded into and finished again, make a
 * new scratch. */
CASUS_EXTERN casus_status casus_who_scratch_create(const casus_world *world, casus_who_scratch **scratch /* OUT */,
                                                   casus_error *err);
/* Accepts NULL; cannot fail. */
CASUS_EXTERN void casus_who_scratch_free(casus_who_scratch *scratch);

/* Decides every obligation the attack sets off: *bindings points at *n of
 * them, in the world's candidate order (obligations owed to the target, then
 * to the attacker, each by obligor and start), valid until the next call with
 * this scratch.  Without CASUS_WHO_ALL only binding and conditional ones
 * (status HELD or UNKNOWN) are returned, and a candidate is dropped at its
 * first failing check; with CASUS_WHO_CHECKS each binding lists its checks.
 * Allocates nothing.  Fails with CASUS_UNFINISHED on an unfinished world;
 * CASUS_INVALID for the bad attacks casus_who() refuses, or a scratch made
 * for another world; CASUS_RANGE when the world grew since the scratch was
 * made.  On failure *n is 0.  err may be NULL. */
CASUS_EXTERN casus_status casus_who_eval(const casus_world *world, const casus_attack *attack, unsigned flags,
                                         casus_who_scratch *scratch, const casus_binding **bindings /* OUT */,
                                         size_t *n /* OUT */, casus_error *err);

/* ---- the traced answer ---------------------------------------------------- */

/* One evaluated condition, in words. */
typedef struct casus_trace {
    const char *what;   /* "place", "adversary", "in force", "trigger", ... */
    const char *detail; /* the condition in words and why it held or failed, whole */
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
    unsigned flags;                    /* the flags of the query (CASUS_WHO_ALL: the text lists every record apart) */
} casus_who_result;

/* Evaluates the attack and traces every finding in words.  CASUS_INVALID
 * (with a message in err) when the attacker or target is unknown, they are
 * the same state, or the place is not the target's (neither sovereign,
 * administrator nor claimant) and CASUS_WHO_ABROAD is not given;
 * CASUS_UNFINISHED on a world never finished. */
CASUS_EXTERN casus_status casus_who(const casus_world *world, const casus_attack *attack, unsigned flags,
                                    casus_who_result **result /* OUT */, casus_error *err);
/* Accepts NULL. */
CASUS_EXTERN void casus_who_free(casus_who_result *result);

typedef enum casus_format { CASUS_FORMAT_TEXT, CASUS_FORMAT_CSV, CASUS_FORMAT_JSON } casus_format;
/* Parses "text", "csv" or "json"; -1 otherwise. */
CASUS_EXTERN int casus_format_from_str(const char *s);

/* Writes the result in the format to out.  CASUS_IO on a write error,
 * CASUS_NOMEM when the text's or the CSV's working memory cannot be had. */
CASUS_EXTERN casus_status casus_who_write(const casus_world *world, const casus_who_result *result,
                                          casus_format format, FILE *out, casus_error *err);

#endif
