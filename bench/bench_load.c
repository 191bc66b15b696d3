/* Time to load every dataset casus reads (COW, contiguity, NMC, ATOP, the
 * war and dispute tables) into a fresh world and finish it: the median of
 * five runs, in milliseconds.  Usage: bench-load [DATA_DIR] */
#include "bench_common.h"

#define RUNS 5

int main(int argc, char **argv)
{
    char dir[4096];
    bench_data_dir(argc > 1 ? argv[1] : NULL, dir, sizeof dir);
    double ms[RUNS], ms_who[RUNS];
    size_t obligations = 0, treaties = 0;
    for (int run = 0; run < RUNS; run++) {
        for (int part = 0; part < 2; part++) {
            casus_world *w = NULL;
            casus_error err;
            if (casus_world_create(&w, &err) != CASUS_OK)
                return 1;
            /* Part 0: everything; part 1: what `casus who` loads. */
            unsigned what = part == 0 ? CASUS_DATA_ALL : CASUS_DATA_COW | CASUS_DATA_ATOP;
            double t0 = bench_now();
            casus_status st = casus_data_load(w, dir, what, &err);
            if (st == CASUS_OK)
                st = casus_world_finish(w, &err);
            double t1 = bench_now();
            if (st != CASUS_OK) {
                fprintf(stderr, "%s:%d:%d: %s\n", err.file, err.line, err.col, err.message);
                return 1;
            }
            (part == 0 ? ms : ms_who)[run] = (t1 - t0) * 1e3;
            obligations = casus_world_obligation_count(w);
            treaties = casus_world_treaty_count(w);
            casus_world_free(w);
        }
    }
    printf("bench-load: data %s\n", dir);
    printf("load all datasets + finish: median %.1f ms of %d runs\n", bench_quantile(ms, RUNS, 0.5), RUNS);
    printf("load COW + ATOP + finish (what casus who loads): median %.1f ms of %d runs\n",
           bench_quantile(ms_who, RUNS, 0.5), RUNS);
    printf("treaties %zu, obligations %zu\n", treaties, obligations);
    return 0;
}
