/* casus/sim.h - the cascade: Monte Carlo simulation of how far a war
 * spreads through the web of obligations, and how fast.
 *
 * A scenario is compiled once (casus_sim_compile) into a flat obligation
 * graph for the days of its run: every attack the war can hold, evaluated by
 * casus_who_eval (casus_who's findings, without the words) on every day
 * where an obligation's dates, or the scenario's events, change what it
 * sets off.  Each trial is then an exact next-event
 * simulation of the join model's hazards (casus/joinmodel.h), which are
 * piecewise constant: they change only when a state joins, a dated event
 * occurs or the war crosses a time band.  A state that joins is at war with
 * every belligerent of the other side, and its entry is an attack on each of
 * them (chain-ganging).  The rules are in docs/cascade.md.
 *
 * Randomness: trial k draws from the Random123 Philox4x64-10 stream keyed
 * by (seed, k), so it is the same trial whichever thread or process runs
 * it.  Tallies are integers, so merged tallies are the same for any split
 * of the trials: the output is byte-identical for any number of threads or
 * MPI ranks.
 *
 * Ownership: a model borrows the world, the scenario, the parameters and
 * the nuclear table (which must outlive it) and is freed with
 * casus_sim_free; tallies are freed with casus_sim_tally_free.  Nothing is
 * allocated inside the trial loop: each worker's scratch is allocated
 * before it starts.  Thread-safety: a compiled model is read-only; trials
 * may run on it from any number of threads, each with its own tally. */
#ifndef CASUS_SIM_H
#define CASUS_SIM_H

#include <stdint.h>
#include <stdio.h>
#include "casus/extern.h"
#include "casus/joinmodel.h"
#include "casus/nuclear.h"
#include "casus/scenario.h"
#include "casus/who.h"
#include "casus/world.h"

typedef struct casus_sim casus_sim;

/* Hard caps: states a war can draw in, epochs (days where what the attacks
 * set off changes) inside one run. */
#define CASUS_SIM_MAX_STATES 512
#define CASUS_SIM_MAX_EPOCHS 256

/* Compiles the scenario.  The world must be finished, with the datasets the
 * join model reads (COW, contiguity, NMC, MID, ATOP) loaded where available;
 * nuclear may be NULL (then P(nuclear-armed states on opposite sides) is not
 * reported).  threads > 1 evaluates the attacks in parallel, on worker
 * threads that allocate through the world's hook: pass 1 when the hook is
 * not thread-safe.
 * CASUS_INVALID when the scenario's opening attacks put a state on both
 * sides. */
CASUS_EXTERN casus_status casus_sim_compile(const casus_world *world, const casus_scenario *scenario,
                                            const casus_jm_params *params, const casus_nuclear *nuclear,
                                            unsigned threads, casus_sim **out /* OUT */, casus_error *err);
CASUS_EXTERN void casus_sim_free(casus_sim *sim);

/* What the compiled graph holds, for reports and benches. */
typedef struct casus_sim_info {
    size_t n_states;    /* states the war can draw in, openers included */
    size_t n_epochs;    /* day ranges with one obligation graph */
    size_t n_findings;  /* attack -> obligation entries, over all epochs */
    size_t n_ties;      /* distinct (obligation, role) pairs */
    int horizon;        /* days */
    casus_day start;
} casus_sim_info;
CASUS_EXTERN void casus_sim_get_info(const casus_sim *sim, casus_sim_info *info /* OUT */);

/* ---- one trial --------------------------------------------------------- */

/* Why a state entered the war. */
typedef enum casus_sim_cause_kind {
    CASUS_SIM_CAUSE_NONE = 0,     /* not at war by the horizon */
    CASUS_SIM_CAUSE_OPENING,      /* an opening attack of the scenario */
    CASUS_SIM_CAUSE_OBLIGATION,   /* the join model, with an obligation pulling it to that side */
    CASUS_SIM_CAUSE_FREE,         /* the join model, with no obligation pulling it to that side */
    CASUS_SIM_CAUSE_EVENT         /* a deployment event or a what-if assumption */
} casus_sim_cause_kind;

typedef struct casus_sim_entry {
    int ccode;
    int side;          /* 1 or 2 */
    double day;        /* days since day 0, continuous: the entry happened at this time */
    casus_sim_cause_kind cause;
    const casus_obligation *obligation; /* for CASUS_SIM_CAUSE_OBLIGATION: the one that brought it in */
} casus_sim_entry;

/* Runs trial `trial` of stream `seed` and writes its belligerents in order of
 * entry (openers first) into out (room for max); returns how many there
 * are.  Allocates scratch (use casus_sim_run for many trials).  *draws, when
 * not NULL, receives the number of Philox calls the trial made. */
CASUS_EXTERN casus_status casus_sim_trial(const casus_sim *sim, uint64_t seed, uint64_t trial,
                                          casus_sim_entry *out, size_t max, size_t *n_out /* OUT */,
                                          uint64_t *draws /* OUT; may be NULL */, casus_error *err);

/* ---- many trials ------------------------------------------------------- */

/* Integer tallies of a set of trials, as one flat array of counters, so that
 * tallies of disjoint sets of trials add up (casus_sim_tally_add, or an MPI
 * sum over casus_sim_tally_data) to the tallies of their union. */
typedef struct casus_sim_tally casus_sim_tally;
CASUS_EXTERN casus_status casus_sim_tally_create(const casus_sim *sim, casus_sim_tally **out /* OUT */,
                                                 casus_error *err);
CASUS_EXTERN void casus_sim_tally_free(casus_sim_tally *tally);
CASUS_EXTERN uint64_t *casus_sim_tally_data(casus_sim_tally *tally);
CASUS_EXTERN size_t casus_sim_tally_size(const casus_sim_tally *tally); /* counters */
CASUS_EXTERN void casus_sim_tally_add(casus_sim_tally *into, const casus_sim_tally *from);

/* Called from the calling thread now and then with trials done so far. */
typedef void (*casus_sim_progress_fn)(void *ud, uint64_t done, uint64_t total);

/* Runs trials first .. first + count - 1 of stream `seed` on `threads`
 * threads (0: 1) and adds their tallies to `into`.  Every trial's outcome
 * depends only on (seed, trial), so the tallies are the same for any
 * threads.  CASUS_NOMEM when scratch cannot be allocated, CASUS_IO when a
 * thread cannot be started. */
CASUS_EXTERN casus_status casus_sim_run(const casus_sim *sim, uint64_t seed, uint64_t first, uint64_t count,
                                        unsigned threads, casus_sim_tally *into, casus_sim_progress_fn progress,
                                        void *progress_ud, casus_error *err);

/* Writes the report of the tallies (trials, seed as run) in the format:
 * text (a summary, then tables), csv (one row per state) or json (keys in
 * docs/cascade.md).  Every probability carries its 95% Wilson score
 * interval.  Nothing about the machine or the time goes in, so runs compare
 * byte for byte.  CASUS_IO on a write error. */
CASUS_EXTERN casus_status casus_sim_write(const casus_sim *sim, const casus_sim_tally *tally, uint64_t seed,
                                          casus_format format, FILE *out, casus_error *err);

/* The Philox4x64-10 block for (seed, trial, block): four 64-bit words.  The
 * generator every trial draws from, exposed for known-answer tests and the
 * bench's random-number floor. */
CASUS_EXTERN void casus_sim_philox(uint64_t seed, uint64_t trial, uint64_t block, uint64_t out[4]);

/* The 95% Wilson score interval for k successes in n trials. */
CASUS_EXTERN void casus_sim_wilson(uint64_t k, uint64_t n, double *lo /* OUT */, double *hi /* OUT */);

#endif
