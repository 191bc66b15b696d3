/* Running many trials: tallies, worker threads, progress.
 *
 * Trials are split into contiguous blocks, one per thread; each thread
 * tallies into its own integer counters, which are added at the end.  Since
 * trial k depends only on (seed, k) and integer addition is exact, the sums
 * are the same for any number of threads (or processes, adding the flat
 * arrays). */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "sim_internal.h"

struct casus_sim_tally {
    casus_mem mem;
    size_t n;
    uint64_t *c;
};

casus_status casus_sim_tally_create(const casus_sim *sim, casus_sim_tally **out, casus_error *err)
{
    *out = NULL;
    casus_sim_tally *t = casus__mem_alloc(&sim->mem, sizeof *t);
    if (!t)
        return casus_error_set(err, CASUS_NOMEM, NULL, 0, 0, "out of memory");
    t->mem = sim->mem;
    t->n = sim->t_total;
    t->c = casus__mem_alloc(&sim->mem, t->n * sizeof *t->c);
    if (!t->c) {
        casus__mem_free(&sim->mem, t, sizeof *t);
        return casus_error_set(err, CASUS_NOMEM, NULL, 0, 0, "out of memory");
    }
    memset(t->c, 0, t->n * sizeof *t->c);
    *out = t;
    return CASUS_OK;
}

void casus_sim_tally_free(casus_sim_tally *t)
{
    if (!t)
        return;
    casus_mem mem = t->mem;
    casus__mem_free(&mem, t->c, t->n * sizeof *t->c);
    casus__mem_free(&mem, t, sizeof *t);
}

uint64_t *casus_sim_tally_data(casus_sim_tally *t)
{
    return t->c;
}

size_t casus_sim_tally_size(const casus_sim_tally *t)
{
    return t->n;
}

void casus_sim_tally_add(casus_sim_tally *into, const casus_sim_tally *from)
{
    size_t n = into->n < from->n ? into->n : from->n;
    for (size_t i = 0; i < n; i++)
        into->c[i] += from->c[i];
}

typedef struct job {
    const casus_sim *sim;
    uint64_t seed, first, count;
    sim_scratch scratch;
    uint64_t *tally;
    _Atomic uint64_t *done;
} job;

static void run_range(job *j, uint64_t first, uint64_t count)
{
    uint64_t since = 0;
    for (uint64_t k = 0; k < count; k++) {
        casus__sim_run_trial(j->sim, &j->scratch, j->seed, first + k);
        casus__sim_tally_trial(j->sim, &j->scratch, j->tally);
        if (++since == 4096) {
            atomic_fetch_add(j->done, since);
            since = 0;
        }
    }
    atomic_fetch_add(j->done, since);
}

static void *run_job(void *arg)
{
    job *j = arg;
    run_range(j, j->first, j->count);
    return NULL;
}

#define MAX_THREADS 256

casus_status casus_sim_run(const casus_sim *sim, uint64_t seed, uint64_t first, uint64_t count, unsigned threads,
                           casus_sim_tally *into, casus_sim_progress_fn progress, void *ud, casus_error *err)
{
    unsigned nt = threads < 1 ? 1 : threads > MAX_THREADS ? MAX_THREADS : threads;
    if (nt > count && count > 0)
        nt = (unsigned)count;
    job *jobs = casus__mem_alloc(&sim->mem, nt * sizeof *jobs);
    if (!jobs)
        return casus_error_set(err, CASUS_NOMEM, NULL, 0, 0, "out of memory");
    memset(jobs, 0, nt * sizeof *jobs);
    _Atomic uint64_t done = 0;
    casus_status st = CASUS_OK;
    for (unsigned k = 0; k < nt; k++) {
        job *j = &jobs[k];
        j->sim = sim;
        j->seed = seed;
        j->first = first + count * k / nt;
        j->count = first + count * (k + 1) / nt - j->first;
        j->done = &done;
        j->tally = casus__mem_alloc(&sim->mem, sim->t_total * sizeof *j->tally);
        if (!j->tally || casus__sim_worker_scratch(sim, &j->scratch, &sim->mem) != CASUS_OK) {
            st = casus_error_set(err, CASUS_NOMEM, NULL, 0, 0, "out of memory for the workers' scratch");
            break;
        }
        memset(j->tally, 0, sim->t_total * sizeof *j->tally);
    }
    pthread_t tid[MAX_THREADS];
    unsigned started = 0;
    if (st == CASUS_OK) {
        for (unsigned k = 1; k < nt; k++) {
            if (pthread_create(&tid[k], NULL, run_job, &jobs[k]) != 0) {
                st = casus_error_set(err, CASUS_IO, NULL, 0, 0, "cannot start a worker thread");
                break;
            }
            started = k;
        }
        if (st == CASUS_OK) {
            if (progress) {
                /* The calling thread runs its block in slices and reports between them. */
                job *j = &jobs[0];
                for (uint64_t at = 0; at < j->count;) {
                    uint64_t step = j->count - at < 16384 ? j->count - at : 16384;
                    run_range(j, j->first + at, step);
                    at += step;
                    progress(ud, atomic_load(&done), count);
                }
            } else
                run_job(&jobs[0]);
        }
        for (unsigned k = 1; k <= started; k++)
            pthread_join(tid[k], NULL);
        if (progress && st == CASUS_OK)
            progress(ud, atomic_load(&done), count);
    }
    if (st == CASUS_OK)
        for (unsigned k = 0; k < nt; k++)
            for (size_t i = 0; i < sim->t_total; i++)
                into->c[i] += jobs[k].tally[i];
    for (unsigned k = 0; k < nt; k++) {
        if (jobs[k].tally)
            casus__mem_free(&sim->mem, jobs[k].tally, sim->t_total * sizeof *jobs[k].tally);
        if (jobs[k].scratch.side)
            casus__sim_scratch_free(sim, &jobs[k].scratch, &sim->mem);
    }
    casus__mem_free(&sim->mem, jobs, nt * sizeof *jobs);
    return st;
}
