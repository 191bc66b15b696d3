/* casus sanctions: time to load the nine resolution files, to load the
 * founding events file, and to check the events against them (the whole of
 * `casus sanctions check` but the output), each repeated and reported as
 * median wall and CPU time, with the bytes allocated.  No peer does this
 * check, so no peer figure is printed.
 *   bench-sanctions [REPEATS]   (default 200) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_common.h"
#include "casus/sanctions.h"

/* Counts the bytes asked of the allocator. */
static bench_alloc_count g_count;

int main(int argc, char **argv)
{
    int repeats = argc > 1 ? atoi(argv[1]) : 200;
    if (repeats < 1)
        repeats = 1;
    char dir[4096], events[4096];
    snprintf(dir, sizeof dir, "%s/sanctions", CASUS_SOURCE_DIR);
    snprintf(events, sizeof events, "%s/events/rus-prk-2022.events", CASUS_SOURCE_DIR);
    double *wl = malloc(sizeof(double) * (size_t)repeats), *cl = malloc(sizeof(double) * (size_t)repeats);
    double *we = malloc(sizeof(double) * (size_t)repeats), *ce = malloc(sizeof(double) * (size_t)repeats);
    double *wc = malloc(sizeof(double) * (size_t)repeats), *cc = malloc(sizeof(double) * (size_t)repeats);
    size_t bytes_load = 0, bytes_check = 0, findings = 0;
    for (int i = 0; i < repeats; i++) {
        casus_sanctions *s = NULL;
        casus_events *ev = NULL;
        casus_sanctions_report *r = NULL;
        casus_error err;
        g_count.bytes = 0;
        double t0 = bench_now(), c0 = bench_cpu_now();
        if (casus_sanctions_create(bench_counting_alloc, &g_count, &s, &err) != CASUS_OK ||
            casus_sanctions_load_dir(s, dir, &err) != CASUS_OK) {
            fprintf(stderr, "bench-sanctions: %s: %s\n", err.file, err.message);
            return 1;
        }
        double t1 = bench_now(), c1 = bench_cpu_now();
        bytes_load = g_count.bytes;
        if (casus_events_create(NULL, NULL, &ev, &err) != CASUS_OK || casus_events_load_file(ev, events, &err) != CASUS_OK) {
            fprintf(stderr, "bench-sanctions: %s: %s\n", err.file, err.message);
            return 1;
        }
        double t2 = bench_now(), c2 = bench_cpu_now();
        g_count.bytes = 0;
        if (casus_sanctions_check(s, ev, &r, &err) != CASUS_OK) {
            fprintf(stderr, "bench-sanctions: %s\n", err.message);
            return 1;
        }
        double t3 = bench_now(), c3 = bench_cpu_now();
        bytes_check = g_count.bytes;
        findings = r->n_findings;
        wl[i] = t1 - t0, cl[i] = c1 - c0;
        we[i] = t2 - t1, ce[i] = c2 - c1;
        wc[i] = t3 - t2, cc[i] = c3 - c2;
        casus_sanctions_report_free(r);
        casus_events_free(ev);
        casus_sanctions_free(s);
    }
    printf("bench-sanctions: %d repeats (medians; wall time counts other processes' turns on a shared machine)\n",
           repeats);
    printf("  load 9 resolution files   wall %8.1f us  cpu %8.1f us  %zu bytes allocated\n", bench_median(wl, (size_t)repeats) * 1e6,
           bench_median(cl, (size_t)repeats) * 1e6, bytes_load);
    printf("  load the events file      wall %8.1f us  cpu %8.1f us\n", bench_median(we, (size_t)repeats) * 1e6,
           bench_median(ce, (size_t)repeats) * 1e6);
    printf("  check (%zu findings)      wall %8.1f us  cpu %8.1f us  %zu bytes allocated\n", findings,
           bench_median(wc, (size_t)repeats) * 1e6, bench_median(cc, (size_t)repeats) * 1e6, bytes_check);
    free(wl), free(cl), free(we), free(ce), free(wc), free(cc);
    return 0;
}
