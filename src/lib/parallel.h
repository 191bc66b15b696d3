/* parallel.h - a parallel loop over independent jobs, for the fits
 * (fit.c) and the back-test (backtest.c).  Not installed.
 *
 * casus__parallel_for(threads, n, fn, ud) calls fn(ud, i) once for every i
 * in [0, n), on up to `threads` threads (the calling thread is one of them),
 * and returns when all calls have returned.  Which thread runs which i is
 * not fixed, so fn must write its result to a slot of its own (indexed by
 * i) and the caller combine the slots in the order of i: then the outcome
 * does not depend on the number of threads.  When a thread cannot be
 * started the others (at least the calling one) do its share. */
#ifndef CASUS_PARALLEL_H
#define CASUS_PARALLEL_H

#include <stddef.h>

void casus__parallel_for(unsigned threads, size_t n, void (*fn)(void *ud, size_t i), void *ud)
    __attribute__((visibility("hidden")));

#endif
