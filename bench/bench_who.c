/* casus_who latency and allocations on a world with the world tables, the
 * hand-encoded treaties, COW and ATOP loaded: N random queries (default
 * 1,000,000), each an attacker and a target drawn from the members of the
 * state system on a random day of 1816-2024 (splitmix64, fixed seed), the
 * same queries for each path, each timed one by one:
 *   result     casus_who + casus_who_free (the traced answer `casus who` prints)
 *   evaluator  casus_who_eval with a scratch made once (no text)
 * Prints, per path, the median and the 99th percentile in microseconds and
 * the allocations a query makes, counted through the world's allocation
 * hook.  Usage: bench-who [DATA_DIR [N [PATH]]], PATH being result,
 * evaluator or both (default); one path alone suits callgrind. */
#include <string.h>

#include "bench_common.h"
#include "casus/who.h"

#define SEED 20240601u

static bench_alloc_count g_count; /* allocations (and growths) through the hook */

static casus_world *load(const char *dir)
{
    char path[4096];
    casus_world *w = NULL;
    casus_error err;
    casus_status st = casus_world_create_with(bench_counting_alloc, &g_count, &w, &err);
    if (st == CASUS_OK)
        snprintf(path, sizeof path, "%s/world", bench_share_dir()), st = casus_world_load_tables(w, path, &err);
    if (st == CASUS_OK)
        snprintf(path, sizeof path, "%s/treaties", bench_share_dir()), st = casus_world_load_treaty_dir(w, path, &err);
    if (st == CASUS_OK)
        st = casus_data_load(w, dir, CASUS_DATA_COW | CASUS_DATA_ATOP, &err);
    if (st == CASUS_OK)
        st = casus_world_finish(w, &err);
    if (st != CASUS_OK) {
        fprintf(stderr, "bench-who: %s:%d:%d: %s\n", err.file, err.line, err.col, err.message);
        exit(1);
    }
    return w;
}

/* A day, then two distinct members of the system that day. */
static casus_attack draw(const casus_world *w, uint64_t *rng)
{
    size_t n_states = casus_world_state_count(w);
    casus_day first = casus_day_from_ymd(1816, 1, 1), last = casus_day_from_ymd(2024, 12, 31);
    casus_attack a = {0};
    for (;;) {
        a.day = first + (casus_day)(bench_next(rng) % (uint64_t)(last - first + 1));
        int picked[2], k = 0;
        for (int tries = 0; tries < 200 && k < 2; tries++) {
            const casus_state *s = casus_world_state_at(w, bench_next(rng) % n_states);
            if ((k == 1 && s->ccode == picked[0]) || casus_world_member(w, s->ccode, a.day) != CASUS_HELD)
                continue;
            picked[k++] = s->ccode;
        }
        if (k == 2) {
            a.attacker = picked[0];
            a.target = picked[1];
            return a;
        }
    }
}

static void report(const char *what, double *us, size_t n, size_t allocs, size_t found)
{
    double sum = 0;
    for (size_t q = 0; q < n; q++)
        sum += us[q];
    double mean = sum / (double)n, p99 = bench_quantile(us, n, 0.99), median = bench_quantile(us, n, 0.5);
    printf("%-10s median %6.2f us, p99 %7.2f us, mean %6.2f us, max %8.2f us; %.2f allocations a query; "
           "%.2f findings a query\n",
           what, median, p99, mean, us[n - 1], (double)allocs / (double)n, (double)found / (double)n);
}

static void run_result(const casus_world *w, const casus_attack *qs, size_t n, double *us)
{
    casus_error err;
    size_t found = 0, allocs0 = g_count.calls;
    for (size_t q = 0; q < n; q++) {
        casus_who_result *r = NULL;
        double t0 = bench_now();
        casus_status st = casus_who(w, &qs[q], 0, &r, &err);
        if (st == CASUS_OK)
            found += r->n_findings;
        casus_who_free(r);
        double t1 = bench_now();
        if (st != CASUS_OK) {
            fprintf(stderr, "casus_who: %s\n", err.message);
            exit(1);
        }
        us[q] = (t1 - t0) * 1e6;
    }
    report("result", us, n, g_count.calls - allocs0, found);
}

static void run_eval(const casus_world *w, const casus_attack *qs, size_t n, double *us)
{
    casus_error err;
    casus_who_scratch *s = NULL;
    if (casus_who_scratch_create(w, &s, &err) != CASUS_OK) {
        fprintf(stderr, "casus_who_scratch_create: %s\n", err.message);
        exit(1);
    }
    size_t found = 0, allocs0 = g_count.calls;
    for (size_t q = 0; q < n; q++) {
        const casus_binding *b;
        size_t nb;
        double t0 = bench_now();
        casus_status st = casus_who_eval(w, &qs[q], 0, s, &b, &nb, &err);
        double t1 = bench_now();
        if (st != CASUS_OK) {
            fprintf(stderr, "casus_who_eval: %s\n", err.message);
            exit(1);
        }
        found += nb;
        us[q] = (t1 - t0) * 1e6;
    }
    report("evaluator", us, n, g_count.calls - allocs0, found);
    casus_who_scratch_free(s);
}

int main(int argc, char **argv)
{
    char dir[4096];
    bench_data_dir(argc > 1 ? argv[1] : NULL, dir, sizeof dir);
    size_t n = argc > 2 ? strtoul(argv[2], NULL, 10) : 1000000;
    const char *path = argc > 3 ? argv[3] : "both";
    if (n < 1)
        n = 1;
    casus_world *w = load(dir);
    casus_attack *qs = malloc(n * sizeof *qs);
    double *us = malloc(n * sizeof *us);
    if (!qs || !us)
        return 1;
    uint64_t rng = SEED;
    for (size_t q = 0; q < n; q++)
        qs[q] = draw(w, &rng);
    printf("bench-who: %zu queries (seed %u, splitmix64), %zu obligations in the world\n", n, SEED,
           casus_world_obligation_count(w));
    if (strcmp(path, "evaluator") != 0)
        run_result(w, qs, n, us);
    if (strcmp(path, "result") != 0)
        run_eval(w, qs, n, us);
    free(us);
    free(qs);
    casus_world_free(w);
    return 0;
}
