/* Internal to libcasus: the compiled scenario (the flat obligation graph)
 * and a trial's scratch, shared by sim.c (compile, trials), sim_run.c
 * (threads, tallies) and sim_write.c (the report). */
#ifndef CASUS_SIM_INTERNAL_H
#define CASUS_SIM_INTERNAL_H

#include <stdint.h>

#include "casus/sim.h"
#include "joinmodel_internal.h"

/* One obligation an attack sets off: which tie, and how strongly. */
typedef struct sim_hit {
    int32_t tie;
    int16_t obligor; /* the tie's, here so that hits on belligerents are skipped without loading the tie */
    uint8_t status;  /* 1 conditional, 2 binding */
} sim_hit;

/* An obligation in one role (defend / join / pledge) from one obligor. */
typedef struct sim_tie {
    int32_t obligor;     /* state index */
    int32_t beneficiary; /* state index */
    uint8_t cls;         /* 0 defend-target, 1 join-attacker, 2 neutrality / non-aggression */
    uint8_t timing;      /* JM_TIMING_* */
    uint8_t atop;        /* from an ATOP record */
    int32_t pair;        /* the (obligor, beneficiary, cls) group */
    int32_t rank;        /* order among causes (casus__jm_cause_cmp at equal status) */
    int32_t cause;       /* index of its (treaty, article) among the obligor's cause slots */
    const casus_obligation *ob;
} sim_tie;

/* A timed change inside the run. */
typedef enum sim_change_kind { CH_OPENING, CH_FORCED } sim_change_kind;
typedef struct sim_change {
    double day;          /* days since day 0 */
    sim_change_kind kind;
    int32_t index;       /* opening attack or forced entry */
} sim_change;

typedef struct sim_forced {
    int32_t state, ally; /* state indices */
    double day;
} sim_forced;

typedef struct sim_opening {
    int32_t attacker, target;
    double day;
} sim_opening;

/* Exponents whose exp a scratch remembers. */
#define SIM_EXP_MEMO 4

/* A trial's state.  The template (the war after its day-0 events) is one of
 * these; each worker copies it once, and each trial restores only what it
 * changed. */
typedef struct sim_scratch {
    uint8_t *side;            /* n: 0, 1, 2 */
    double *entry;            /* n */
    int32_t *cause;           /* n: tie index, or -1 none, -2 opening, -3 event */
    uint8_t *tie_st;          /* n_ties */
    uint8_t *pair_st;         /* n_pairs */
    casus_jm_counts *cnt;     /* n * 2: toward side 1, side 2 */
    int16_t *relc;            /* n: belligerents related to it */
    double *g;                /* n * 2: local hazard toward side 1, 2 */
    int32_t *bell;            /* belligerents in order of entry */
    int32_t n_bell;
    int32_t *active;          /* ties set off */
    int32_t n_active;
    uint8_t *touched;         /* n: changed since the template */
    int32_t *touched_list;
    int32_t n_touched;
    uint8_t *tie_touched;     /* n_ties */
    int32_t *tie_touched_list;
    int32_t n_tie_touched;
    uint32_t *seg_seen;       /* n_segs: stamp when the segment was last applied */
    uint32_t stamp;           /* changes whenever obligations are reset (a trial's start, a new epoch's rebuild) */
    uint8_t *dirty;           /* n: g to recompute at the end of the event */
    int32_t *dirty_list;
    int32_t n_dirty;
    double S[2];              /* sums of g by side */
    double cinc[2];           /* CINC totals by side */
    int32_t epoch;
    double memo_d[SIM_EXP_MEMO], memo_g[SIM_EXP_MEMO]; /* exp(memo_d[k]) = memo_g[k] */
    int memo_next;
    /* randomness */
    uint64_t seed, trial, block, buf[4];
    int left;
    uint64_t draws;
} sim_scratch;

struct casus_sim {
    const casus_world *world;
    const casus_scenario *scenario;
    casus_jm_params params;
    casus_mem mem;
    casus_arena arena;
    int horizon;
    casus_day start;
    int n;                    /* states */
    int32_t *ccode;           /* n */
    uint8_t *major, *nuclear, *member, *held, *committed; /* n; committed: an opener or forced entrant */
    double *cinc;             /* n */
    uint8_t *opener;          /* n: 1 when in an opening attack */
    int16_t idx[CASUS_JM_MAX_CCODE]; /* ccode -> index + 1 */
    /* relations: CSR over states */
    int32_t *rel_off;         /* n + 1 */
    int32_t *rel_to;
    uint8_t *rel_bits;        /* 1 related, 2 allied, 4 MID, 8 land, 16 sea */
    /* epochs */
    int n_epochs;
    double *epoch_day;        /* n_epochs */
    uint8_t *declared;        /* n_epochs * n */
    uint8_t *epoch_changed;   /* n_epochs * n: what is owed to the state changes on the epoch's first day */
    int32_t *neutral_states;  /* states with a neutrality event */
    int n_neutral_states;
    /* hits: per epoch, per ordered pair (a attacks b at b's home), the
     * index of a list (rows[row_of[epoch * n + a] + b]); a list is a sequence of segments, a segment a
     * sequence of hits, each stored once (most attacks on a state set off
     * what every other attack on it does).  A pair whose obligations do not
     * change from one epoch to the next keeps its list.  List 0 is empty. */
    int32_t *row_of;          /* n_epochs * n: where the row of (epoch, attacker) starts in rows */
    int32_t *rows;            /* per distinct row, n lists: the target's */
    int32_t *list_off;        /* n_lists + 1: CSR into list_seg */
    int32_t *list_seg;
    int32_t n_lists;
    int32_t *seg_off;         /* n_segs + 1: CSR into hits */
    sim_hit *hits;
    int32_t n_segs;
    size_t n_hits;            /* hits over all slots, as if each slot had its own */
    /* per epoch, per opening attack */
    int32_t *open_off;        /* n_epochs * n_openings + 1 */
    sim_hit *open_hits;
    size_t n_open_hits;
    sim_opening *openings;
    int n_openings;
    sim_forced *forced;
    int n_forced;
    sim_change *changes;      /* openings and forced entries after day 0, by day */
    int n_changes;
    /* ties */
    sim_tie *ties;
    int32_t n_ties;
    int32_t n_pairs;
    int32_t *tie_off;         /* n + 1: ties by obligor (pull ties only) */
    int32_t *tie_by_obligor;
    /* causes: per state, slots [0] none (free), [1] event, then its (treaty, article)s */
    int32_t *cause_off;       /* n + 1 */
    const casus_obligation **cause_ob; /* a representative obligation per slot (NULL for 0, 1) */
    int32_t n_cause_slots;
    /* the model */
    double beta_local[CASUS_JM_FEATURE_COUNT]; /* beta without the side-total and band terms */
    bool counts_zero;         /* beta is 0 for every count feature after oblig_any (local_d stops early) */
    double band_factor[4];    /* exp(beta) for week, month, year, later */
    casus_jm_static *stat;    /* n */
    double *static_dot;       /* n: beta . x over intercept, major_power, log_cinc, post_1945 */
    sim_scratch tmpl;         /* the war after day 0 */
    /* tallies */
    int bin_width;            /* days per entry-day bin */
    int n_bins;
    int n_checkpoints;
    int checkpoints[16];      /* days of the timeline */
    size_t t_trials, t_joined, t_hist, t_cause, t_size, t_major, t_nuclear, t_timeline, t_total;
    bool has_nuclear;
};

/* casus_sim_compile, with a theatre for some states: every attack on such a
 * state that the scenario gives no place is evaluated at its theatre (with
 * CASUS_WHO_ABROAD), not at its home (the back-test's held-out wars;
 * docs/backtest.md).  theatres may be NULL when n_theatres is 0; it is read
 * during the call only. */
CASUS_HIDDEN casus_status casus__sim_compile_theatres(const casus_world *w, const casus_scenario *sc,
                                                      const casus_jm_params *params, const casus_nuclear *nuclear,
                                                      const casus_jm_theatre *theatres, size_t n_theatres,
                                                      unsigned threads, casus_sim **out, casus_error *err);
CASUS_HIDDEN casus_status casus__sim_scratch_init(const casus_sim *sim, sim_scratch *s, const casus_mem *mem);
CASUS_HIDDEN void casus__sim_scratch_free(const casus_sim *sim, sim_scratch *s, const casus_mem *mem);
/* Fills the template: the war after its day-0 events (scratch freshly initialised). */
CASUS_HIDDEN void casus__sim_template(const casus_sim *sim, sim_scratch *s);
/* A worker's scratch: a copy of the template. */
CASUS_HIDDEN casus_status casus__sim_worker_scratch(const casus_sim *sim, sim_scratch *s, const casus_mem *mem);
/* Runs one trial on scratch (restored from the template first). */
CASUS_HIDDEN void casus__sim_run_trial(const casus_sim *sim, sim_scratch *s, uint64_t seed, uint64_t trial);
/* Adds the finished trial in s to the tally counters. */
CASUS_HIDDEN void casus__sim_tally_trial(const casus_sim *sim, const sim_scratch *s, uint64_t *t);
/* Runs a trial up to (not including) day `until` and writes x of a state
 * toward a side as the engine's counts make it, and the engine's g (for
 * tests against casus_jm_rows and exp(beta . x)). */
CASUS_HIDDEN casus_status casus__sim_x_at(const casus_sim *sim, uint64_t seed, uint64_t trial, double until,
                                          int ccode, int side, double x[CASUS_JM_FEATURE_COUNT], bool *candidate,
                                          double *g);

#endif
