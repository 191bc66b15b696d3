/* casus_who latency on a world with the world tables, the hand-encoded
 * treaties, COW and ATOP loaded: N random queries (default 1,000,000),
 * each an attacker and a target drawn from the members of the state system
 * on a random day of 1816-2024, timed one by one around casus_who and
 * casus_who_free.  Prints the median and the 99th percentile in
 * microseconds.  Usage: bench-who [DATA_DIR [N]] */
#include <string.h>

#include "bench_common.h"
#include "casus/who.h"

#define SEED 20240601u

int main(int argc, char **argv)
{
    char dir[4096], path[4096];
    bench_data_dir(argc > 1 ? argv[1] : NULL, dir, sizeof dir);
    size_t n = argc > 2 ? strtoul(argv[2], NULL, 10) : 1000000;
    if (n < 1)
        n = 1;
    casus_world *w = NULL;
    casus_error err;
    casus_status st = casus_world_create(&w, &err);
    if (st == CASUS_OK)
        snprintf(path, sizeof path, "%s/world", bench_share_dir()), st = casus_world_load_tables(w, path, &err);
    if (st == CASUS_OK)
        snprintf(path, sizeof path, "%s/treaties", bench_share_dir()), st = casus_world_load_treaty_dir(w, path, &err);
    if (st == CASUS_OK)
        st = casus_data_load(w, dir, CASUS_DATA_COW | CASUS_DATA_ATOP, &err);
    if (st == CASUS_OK)
        st = casus_world_finish(w, &err);
    if (st != CASUS_OK) {
        fprintf(stderr, "%s:%d:%d: %s\n", err.file, err.line, err.col, err.message);
        return 1;
    }
    size_t n_states = casus_world_state_count(w);
    casus_day first = casus_day_from_ymd(1816, 1, 1), last = casus_day_from_ymd(2024, 12, 31);
    double *us = malloc(n * sizeof *us);
    if (!us)
        return 1;
    uint64_t rng = SEED;
    size_t found = 0, draws = 0;
    for (size_t q = 0; q < n; q++) {
        casus_attack a = {0};
        /* A day, then two distinct members of the system that day. */
        for (;;) {
            a.day = first + (casus_day)(bench_next(&rng) % (uint64_t)(last - first + 1));
            int picked[2], k = 0;
            for (int tries = 0; tries < 200 && k < 2; tries++) {
                const casus_state *s = casus_world_state_at(w, bench_next(&rng) % n_states);
                draws++;
                if ((k == 1 && s->ccode == picked[0]) || casus_world_member(w, s->ccode, a.day) != CASUS_HELD)
                    continue;
                picked[k++] = s->ccode;
            }
            if (k == 2) {
                a.attacker = picked[0];
                a.target = picked[1];
                break;
            }
        }
        casus_who_result *r = NULL;
        double t0 = bench_now();
        st = casus_who(w, &a, 0, &r, &err);
        if (st == CASUS_OK)
            found += r->n_findings;
        casus_who_free(r);
        double t1 = bench_now();
        if (st != CASUS_OK) {
            fprintf(stderr, "casus_who: %s\n", err.message);
            return 1;
        }
        us[q] = (t1 - t0) * 1e6;
    }
    double sum = 0;
    for (size_t q = 0; q < n; q++)
        sum += us[q];
    printf("bench-who: %zu queries (seed %u, splitmix64), %zu obligations in the world\n", n, SEED,
           casus_world_obligation_count(w));
    printf("findings per query: %.2f on average\n", (double)found / (double)n);
    printf("mean %.2f us\n", sum / (double)n);
    double p99 = bench_quantile(us, n, 0.99);
    printf("median %.2f us, p99 %.2f us, max %.2f us\n", bench_quantile(us, n, 0.5), p99, us[n - 1]);
    free(us);
    casus_world_free(w);
    return 0;
}
