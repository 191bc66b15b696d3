/* casus/treaty.h - treaties, their articles and rules, and the directed,
 * dated, conditional obligations the rules produce.
 *
 * A treaty is read from a literate treaty file (docs/treaty-format.md) or
 * imported from an ATOP alliance record; both end up in the same structures.
 * Every obligation points back to its treaty, article and rule, so every
 * answer casus gives can quote the text it rests on.
 *
 * Ownership: all structures here are owned by the casus_world they were
 * loaded into and live until casus_world_free(); callers only read them.
 * Thread-safety: read-only after casus_world_finish(); concurrent readers
 * are safe. */
#ifndef CASUS_TREATY_H
#define CASUS_TREATY_H

#include <stddef.h>
#include "casus/extern.h"
#include "casus/date.h"

/* What a rule obliges the obligor to do (ATOP's five obligation types). */
#define CASUS_KIND_MAP(XX)                \
    XX(DEFENSE, "defense")                \
    XX(OFFENSE, "offense")                \
    XX(NEUTRALITY, "neutrality")          \
    XX(NONAGGRESSION, "nonaggression")    \
    XX(CONSULTATION, "consultation")

/* The event that sets the rule off. */
#define CASUS_TRIGGER_MAP(XX)                 \
    XX(ARMED_ATTACK, "armed-attack")          \
    XX(WAR_BY_INVASION, "war-by-invasion")    \
    XX(AGGRESSION, "aggression")              \
    XX(THREAT, "threat")                      \
    XX(UNSPECIFIED, "unspecified")

/* How fast: the text's own words, classed. */
#define CASUS_TIMING_MAP(XX)                           \
    XX(IMMEDIATE, "immediate")                         \
    XX(AS_DEEMED_NECESSARY, "as-deemed-necessary")     \
    XX(CONSTITUTIONAL, "constitutional-processes")     \
    XX(AFTER_CONSULTATION, "after-consultation")       \
    XX(UNSPECIFIED, "unspecified")

/* How a treaty ended, or not. */
#define CASUS_END_MAP(XX)                 \
    XX(NONE, "none")                      \
    XX(LAPSE, "lapse")                    \
    XX(DENUNCIATION, "denunciation")      \
    XX(REPLACED, "replaced")              \
    XX(TERMINATED, "terminated")          \
    XX(UNKNOWN, "unknown")

/* How far a passage of text could be verified (treaties/README legend). */
#define CASUS_TEXT_MAP(XX)                    \
    XX(VERBATIM, "verbatim")                  \
    XX(VERBATIM_PARTIAL, "verbatim-partial")  \
    XX(TRANSLATION, "translation")            \
    XX(PARAPHRASE, "paraphrase")              \
    XX(CODED, "coded")

#define CASUS__ENUM_KIND(n, s) CASUS_KIND_##n,
typedef enum casus_kind { CASUS_KIND_MAP(CASUS__ENUM_KIND) CASUS_KIND_COUNT } casus_kind;
#undef CASUS__ENUM_KIND
#define CASUS__ENUM_TRIGGER(n, s) CASUS_TRIGGER_##n,
typedef enum casus_trigger { CASUS_TRIGGER_MAP(CASUS__ENUM_TRIGGER) CASUS_TRIGGER_COUNT } casus_trigger;
#undef CASUS__ENUM_TRIGGER
#define CASUS__ENUM_TIMING(n, s) CASUS_TIMING_##n,
typedef enum casus_timing { CASUS_TIMING_MAP(CASUS__ENUM_TIMING) CASUS_TIMING_COUNT } casus_timing;
#undef CASUS__ENUM_TIMING
#define CASUS__ENUM_END(n, s) CASUS_END_##n,
typedef enum casus_end { CASUS_END_MAP(CASUS__ENUM_END) CASUS_END_COUNT } casus_end;
#undef CASUS__ENUM_END
#define CASUS__ENUM_TEXT(n, s) CASUS_TEXT_##n,
typedef enum casus_text_status { CASUS_TEXT_MAP(CASUS__ENUM_TEXT) CASUS_TEXT_COUNT } casus_text_status;
#undef CASUS__ENUM_TEXT

CASUS_EXTERN const char *casus_kind_str(casus_kind kind);
CASUS_EXTERN const char *casus_trigger_str(casus_trigger trigger);
CASUS_EXTERN const char *casus_timing_str(casus_timing timing);
CASUS_EXTERN const char *casus_end_str(casus_end end);
CASUS_EXTERN const char *casus_text_status_str(casus_text_status status);
/* Reverse look-ups; return -1 when the word is not one of the names. */
CASUS_EXTERN int casus_kind_from_str(const char *s, size_t n);
CASUS_EXTERN int casus_trigger_from_str(const char *s, size_t n);
CASUS_EXTERN int casus_timing_from_str(const char *s, size_t n);
CASUS_EXTERN int casus_end_from_str(const char *s, size_t n);
CASUS_EXTERN int casus_text_status_from_str(const char *s, size_t n);

/* What the obligor must do (a bit set). */
enum {
    CASUS_ACT_MILITARY = 1u << 0, /* military assistance */
    CASUS_ACT_OTHER = 1u << 1,    /* other (non-military) assistance */
    CASUS_ACT_CONSULT = 1u << 2,  /* consult */
    CASUS_ACT_ABSTAIN = 1u << 3,  /* not aid the adversary (neutrality) */
    CASUS_ACT_REFRAIN = 1u << 4,  /* not attack the beneficiary (non-aggression) */
};
/* Writes the action names ("military other") into buf. */
CASUS_EXTERN void casus_actions_format(unsigned actions, char *buf, size_t size);

/* A condition the event must meet for the rule to bind. */
typedef enum casus_cond_kind {
    CASUS_COND_ADVERSARY_ANY,       /* any state */
    CASUS_COND_ADVERSARY_STATES,    /* only the states listed in `states` */
    CASUS_COND_ADVERSARY_NONPARTY,  /* the attacker is not a party to the treaty */
    CASUS_COND_ADVERSARY_EXTERNAL,  /* an external attack: not by the beneficiary's own claimants' civil war etc. */
    CASUS_COND_PLACE_ANYWHERE,      /* no place condition */
    CASUS_COND_PLACE_TERRITORY,     /* the place is the beneficiary's (sovereign) territory */
    CASUS_COND_PLACE_ADMINISTERED,  /* the place is under the administration of `states[0]`, or of the beneficiary when none */
    CASUS_COND_PLACE_AREA,          /* the place lies in the area `area` */
    CASUS_COND_PLACE_RECOGNIZED,    /* the obligor recognizes the place as lawfully the beneficiary's */
    CASUS_COND_BENEFICIARY_ATTACKED,/* the beneficiary is the one attacked (ATOP neucoatt) */
    CASUS_COND_UNDECIDABLE,         /* a condition no event can decide; `text` says which */
    CASUS_COND_COUNT
} casus_cond_kind;

/* At most this many conditions in one rule: the treaty parser refuses a
 * rule with more (file:line:col), casus_world_finish() a world holding one,
 * and casus_who() evaluates every one of them. */
#define CASUS_MAX_RULE_CONDITIONS 256

typedef struct casus_condition {
    casus_cond_kind kind;
    const int *states;  /* ccodes, for ADVERSARY_STATES and PLACE_ADMINISTERED */
    size_t n_states;
    const char *area;   /* area id, for PLACE_AREA */
    const char *text;   /* for UNDECIDABLE: what cannot be decided, in words */
} casus_condition;

/* A rule under an article: kind, who owes whom, trigger, conditions, action,
 * timing.  owed_by/owed_to of NULL mean "each party" and "each other party". */
typedef struct casus_rule {
    casus_kind kind;
    casus_trigger trigger;
    casus_timing timing;
    unsigned actions;
    const int *owed_by;  /* ccodes, or NULL for every party */
    size_t n_owed_by;
    const int *owed_to;  /* ccodes, or NULL for every other party */
    size_t n_owed_to;
    casus_period valid;  /* when the rule itself applies (amendments); open by default */
    const casus_condition *conds;
    size_t n_conds;
    int line;            /* line in the treaty file, 0 for imported rules */
    int phase;           /* ATOP phase of an imported rule (codebook 1.53); 0 otherwise */
} casus_rule;

/* One passage of an article's text, with how far it is verified. */
typedef struct casus_passage {
    casus_text_status status;
    const char *source;  /* key of a casus_source, or a free citation */
    const char *note;    /* e.g. the translator; may be NULL */
    const char *text;    /* lines joined with single spaces */
} casus_passage;

typedef struct casus_article {
    const char *number;  /* as numbered in the treaty: "4", "II", "5" */
    const char *title;   /* may be NULL */
    const casus_passage *passages;
    size_t n_passages;
    const casus_rule *rules;
    size_t n_rules;
} casus_article;

/* Obligations of `by` toward `toward` suspended for `period` (ANZUS, 1986). */
typedef struct casus_suspension {
    int by;
    int toward;
    casus_period period;
    const char *note;
} casus_suspension;

typedef struct casus_party {
    int ccode;
    char abb[4];
    casus_period member;  /* accession (or entry into force for it) to withdrawal */
    const char *note;     /* e.g. how it left; may be NULL */
} casus_party;

typedef struct casus_source {
    const char *key;   /* "S1" */
    const char *text;  /* full citation, with address */
} casus_source;

typedef struct casus_treaty {
    const char *id;     /* "nato-1949", "atop-1335" */
    const char *title;
    const char *file;   /* where it was read from */
    casus_span signed_on;
    casus_period in_force;  /* entry into force to end */
    casus_end end_cause;
    const char *end_note;
    const int *atop;        /* ATOP alliance ids this treaty covers (supersedes) */
    size_t n_atop;
    const casus_party *parties;
    size_t n_parties;
    const casus_suspension *suspensions;
    size_t n_suspensions;
    const casus_article *articles;
    size_t n_articles;
    const casus_source *sources;
    size_t n_sources;
    const char *notes;  /* free text; may be NULL */
    int from_atop;      /* 1 when imported from ATOP */
} casus_treaty;

/* A directed obligation: obligor owes beneficiary `kind` when `trigger`
 * happens under `conds`, during `valid`.  Produced from rules by
 * casus_world_finish(). */
typedef struct casus_obligation {
    const casus_treaty *treaty;
    const casus_article *article;
    const casus_rule *rule;
    int obligor;
    int beneficiary;
    casus_kind kind;
    casus_trigger trigger;
    casus_timing timing;
    unsigned actions;
    casus_period valid;  /* treaty in force, both memberships, rule validity, less suspensions */
    const casus_condition *conds;
    size_t n_conds;
    int phase;           /* ATOP phase; 0 for hand-encoded treaties */
} casus_obligation;

#endif
