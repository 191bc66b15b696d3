/* The cascade engine's speed: compile time of a scenario, trials per
 * second per core with 1 and 2 threads, the cost of one trial in Philox
 * calls and nanoseconds, and the Philox floor (blocks per second) measured
 * in the same run.  Usage: bench-sim [DATA_DIR [TRIALS [SCENARIO...]]]
 * (default: 1,000,000 trials of korea-dmz-2025 and july-1914). */
#include <string.h>

#include "bench_common.h"
#include "casus/nuclear.h"
#include "casus/scenario.h"
#include "casus/sim.h"

/* Philox blocks per second, one thread: the random-number floor. */
static double philox_floor(void)
{
    uint64_t out[4], sink = 0;
    const uint64_t n = 20000000;
    double t0 = bench_cpu_now();
    for (uint64_t i = 0; i < n; i++) {
        casus_sim_philox(42, i, 0, out);
        sink ^= out[0] ^ out[3];
    }
    double dt = bench_cpu_now() - t0;
    if (sink == 1)
        printf(" ");
    return (double)n / dt;
}

static void run(casus_world *w, const casus_jm_params *p, const casus_nuclear *nuc, const char *file, uint64_t trials,
                double floor_rate)
{
    casus_error err;
    casus_scenario *sc = NULL;
    if (casus_scenario_load_file(w, file, &sc, &err) != CASUS_OK) {
        fprintf(stderr, "%s:%d:%d: %s\n", err.file, err.line, err.col, err.message);
        exit(1);
    }
    for (unsigned threads = 1; threads <= 2; threads++) {
        casus_sim *sim = NULL;
        double w0 = bench_now(), c0 = bench_cpu_now();
        if (casus_sim_compile(w, sc, p, nuc, threads, &sim, &err) != CASUS_OK) {
            fprintf(stderr, "compile: %s\n", err.message);
            exit(1);
        }
        double cw = bench_now() - w0, cc = bench_cpu_now() - c0;
        casus_sim_info info;
        casus_sim_get_info(sim, &info);
        if (threads == 1) {
            printf("%s: %zu states, %zu epochs, %zu ties, %zu findings\n", sc->id, info.n_states, info.n_epochs,
                   info.n_ties, info.n_findings);
            /* Philox calls per trial, over the first 10,000 trials. */
            uint64_t draws = 0;
            casus_sim_entry e[CASUS_SIM_MAX_STATES];
            size_t ne;
            for (uint64_t k = 0; k < 10000; k++) {
                uint64_t d;
                casus_sim_trial(sim, 1, k, e, CASUS_SIM_MAX_STATES, &ne, &d, &err);
                draws += d;
            }
            printf("  Philox calls per trial: %.2f (mean of 10,000 trials)\n", (double)draws / 10000.0);
        }
        printf("  compile with %u thread%s: %.2f s wall, %.2f s CPU\n", threads, threads > 1 ? "s" : "", cw, cc);
        casus_sim_tally *t = NULL;
        casus_sim_tally_create(sim, &t, &err);
        w0 = bench_now();
        c0 = bench_cpu_now();
        casus_sim_run(sim, 1, 0, trials, threads, t, NULL, NULL, &err);
        double rw = bench_now() - w0, rc = bench_cpu_now() - c0;
        printf("  %llu trials, %u thread%s: %.3f s wall, %.3f s CPU: %.0f trials/s, %.0f trials/s per core (CPU), "
               "%.0f ns per trial per core\n",
               (unsigned long long)trials, threads, threads > 1 ? "s" : "", rw, rc, (double)trials / rw,
               (double)trials / rc, rc / (double)trials * 1e9);
        if (threads == 1)
            printf("  Philox floor: %.0f blocks/s (%.1f ns a block); a trial costs %.1f blocks' time\n", floor_rate,
                   1e9 / floor_rate, rc / (double)trials * floor_rate);
        casus_sim_tally_free(t);
        casus_sim_free(sim);
    }
    casus_scenario_free(sc);
}

int main(int argc, char **argv)
{
    char dir[4096], path[4096];
    bench_data_dir(argc > 1 ? argv[1] : NULL, dir, sizeof dir);
    uint64_t trials = argc > 2 ? strtoull(argv[2], NULL, 10) : 1000000;
    casus_world *w = bench_load_shipped_world("bench-sim", dir,
                                              CASUS_DATA_COW | CASUS_DATA_ATOP | CASUS_DATA_CONTIGUITY |
                                                  CASUS_DATA_NMC | CASUS_DATA_MID);
    casus_jm_params p;
    casus_error err;
    snprintf(path, sizeof path, "%s/params/default.params", bench_share_dir());
    if (casus_jm_params_load(path, &p, &err) != CASUS_OK) {
        fprintf(stderr, "%s: %s\n", path, err.message);
        return 1;
    }
    casus_nuclear *nuc = NULL;
    snprintf(path, sizeof path, "%s/world/nuclear.csv", bench_share_dir());
    casus_nuclear_load_file(w, path, &nuc, &err);
    double floor_rate = philox_floor();
    printf("Philox4x64-10 floor on this machine: %.0f blocks/s, one thread (4 draws a block)\n", floor_rate);
    if (argc > 3) {
        for (int i = 3; i < argc; i++)
            run(w, &p, nuc, argv[i], trials, floor_rate);
    } else {
        snprintf(path, sizeof path, "%s/scenarios/korea-dmz-2025.scenario", bench_share_dir());
        run(w, &p, nuc, path, trials, floor_rate);
        snprintf(path, sizeof path, "%s/scenarios/july-1914.scenario", bench_share_dir());
        run(w, &p, nuc, path, trials, floor_rate);
    }
    casus_nuclear_free(nuc);
    casus_world_free(w);
    return 0;
}
