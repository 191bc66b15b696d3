/* A parallel loop over independent jobs (parallel.h). */
#include <pthread.h>
#include <stdatomic.h>

#include "parallel.h"

/* More threads than this gain nothing on the fits' few dozen jobs. */
#define MAX_THREADS 64

typedef struct loop {
    void (*fn)(void *, size_t);
    void *ud;
    size_t n;
    atomic_size_t next;
} loop;

static void *worker(void *arg)
{
    loop *l = arg;
    for (;;) {
        size_t i = atomic_fetch_add(&l->next, 1);
        if (i >= l->n)
            break;
        l->fn(l->ud, i);
    }
    return NULL;
}

void casus__parallel_for(unsigned threads, size_t n, void (*fn)(void *ud, size_t i), void *ud)
{
    loop l = {.fn = fn, .ud = ud, .n = n};
    atomic_init(&l.next, 0);
    unsigned nt = threads ? threads : 1;
    if (nt > MAX_THREADS)
        nt = MAX_THREADS;
    if (nt > n)
        nt = n ? (unsigned)n : 1;
    pthread_t tid[MAX_THREADS];
    unsigned started = 0;
    for (unsigned k = 1; k < nt; k++) {
        if (pthread_create(&tid[started], NULL, worker, &l) != 0)
            break; /* the threads already started and this one share the rest */
        started++;
    }
    worker(&l);
    for (unsigned k = 0; k < started; k++)
        pthread_join(tid[k], NULL);
}
