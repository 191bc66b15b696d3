/* Shared by the casus benchmarks and compare-dyads: finding the source
 * tree and the data directory, loading a world, wall and CPU clocks, a
 * fixed-seed generator, and medians. */
#ifndef CASUS_BENCH_COMMON_H
#define CASUS_BENCH_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "casus/data.h"

#ifndef CASUS_SOURCE_DIR
#define CASUS_SOURCE_DIR "."
#endif

static inline double bench_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* CPU time of the process: on a shared machine wall time also counts the
 * other processes' turns, so benchmarks print both. */
static inline double bench_cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* splitmix64 (Steele, Lea and Flood 2014): small, fast, and enough to pick
 * queries; the seed is fixed and printed so runs can be repeated. */
static inline uint64_t bench_next(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

/* An allocator hook (casus_alloc_fn) that counts, into the
 * bench_alloc_count its ud points at, the allocations (and growths) and
 * the bytes asked for. */
typedef struct bench_alloc_count {
    size_t calls, bytes;
} bench_alloc_count;

static inline void *bench_counting_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    bench_alloc_count *c = ud;
    (void)osize;
    if (nsize == 0) {
        free(ptr);
        return NULL;
    }
    c->calls++;
    c->bytes += nsize;
    return realloc(ptr, nsize);
}

static inline int bench_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The q-quantile (0..1) of v, which is sorted in place. */
static inline double bench_quantile(double *v, size_t n, double q)
{
    qsort(v, n, sizeof *v, bench_cmp_double);
    size_t k = (size_t)(q * (double)(n - 1) + 0.5);
    return v[k];
}

/* The median of v (sorted in place): for an even n the mean of the two
 * middle values, where bench_quantile takes the nearer one. */
static inline double bench_median(double *v, size_t n)
{
    qsort(v, n, sizeof *v, bench_cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* The data directory: argv, then CASUS_DATA and the defaults. */
static inline const char *bench_data_dir(const char *arg, char *buf, size_t size)
{
    casus_error err;
    if (casus_data_find_dir(arg, NULL, buf, size, &err) != CASUS_OK || !buf[0]) {
        fprintf(stderr, "no data directory: give it as the first argument or set CASUS_DATA\n");
        exit(2);
    }
    return buf;
}

/* A new world with the datasets of `what` (CASUS_DATA_*) from dir,
 * finished; NULL, after a message on stderr naming prog, when it cannot. */
static inline casus_world *bench_load_world(const char *prog, const char *dir, unsigned what)
{
    casus_world *w = NULL;
    casus_error err;
    if (casus_world_create(&w, &err) != CASUS_OK || casus_data_load(w, dir, what, &err) != CASUS_OK ||
        casus_world_finish(w, &err) != CASUS_OK) {
        char buf[1024];
        casus_error_format(&err, buf, sizeof buf);
        fprintf(stderr, "%s: %s\n", prog, buf);
        casus_world_free(w);
        return NULL;
    }
    return w;
}

static inline const char *bench_share_dir(void)
{
    const char *s = getenv("CASUS_SHARE");
    return s && *s ? s : CASUS_SOURCE_DIR;
}

/* The shipped world (world/ tables and treaties/) with the datasets `what`
 * from dir, finished; exits with the error on failure. */
static inline casus_world *bench_load_shipped_world(const char *prog, const char *dir, unsigned what)
{
    char path[4096];
    casus_world *w = NULL;
    casus_error err;
    casus_status st = casus_world_create(&w, &err);
    if (st == CASUS_OK)
        snprintf(path, sizeof path, "%s/world", bench_share_dir()), st = casus_world_load_tables(w, path, &err);
    if (st == CASUS_OK)
        snprintf(path, sizeof path, "%s/treaties", bench_share_dir()), st = casus_world_load_treaty_dir(w, path, &err);
    if (st == CASUS_OK)
        st = casus_data_load(w, dir, what, &err);
    if (st == CASUS_OK)
        st = casus_world_finish(w, &err);
    if (st != CASUS_OK) {
        char buf[1024];
        casus_error_format(&err, buf, sizeof buf);
        fprintf(stderr, "%s: %s\n", prog, buf);
        exit(1);
    }
    return w;
}

#endif
