/* The fits' speed: replaying the 95 COW wars, one cross-validated fit on
 * all of them (what `casus fit` does), and the fits of a `casus backtest
 * --split war`, one per held-out war on the other 94: with the penalty
 * cross-validated inside each training set (the back-test's default) and
 * with it fixed, on 1 and 2 threads (the folds of each fit spread over
 * them).  CPU and wall time; the fits' results are checked to be the same
 * for 1 and 2 threads.  Usage: bench-fit [DATA_DIR] */
#include <math.h>
#include <string.h>

#include "bench_common.h"
#include "casus/fit.h"
#include "casus/history.h"
#include "casus/wars.h"

static void die(const char *what, const casus_error *err)
{
    fprintf(stderr, "bench-fit: %s: %s:%d:%d: %s\n", what, err->file, err->line, err->col, err->message);
    exit(1);
}

/* The fits of every training set of --split war; beta of each into out
 * (n * CASUS_JM_FEATURE_COUNT).  Returns the number of fits. */
static size_t leave_one_out(const casus_fit_data *d, double penalty, unsigned threads, double *out, double *lambda_sum)
{
    size_t n = casus_fit_data_count(d), *train = malloc(n * sizeof *train);
    casus_error err;
    *lambda_sum = 0;
    for (size_t h = 0; h < n; h++) {
        size_t k = 0;
        for (size_t i = 0; i < n; i++)
            if (i != h)
                train[k++] = i;
        casus_fit_options o = {.wars = train, .n_wars = k, .penalty = penalty, .threads = threads};
        casus_fit_result r;
        if (casus_fit_run(d, &o, &r, &err) != CASUS_OK)
            die("fit", &err);
        memcpy(&out[h * CASUS_JM_FEATURE_COUNT], r.beta, sizeof r.beta);
        *lambda_sum += r.penalty;
    }
    free(train);
    return n;
}

int main(int argc, char **argv)
{
    char dirbuf[4096];
    const char *dir = bench_data_dir(argc > 1 ? argv[1] : NULL, dirbuf, sizeof dirbuf);
    casus_world *w = bench_load_shipped_world("bench-fit", dir,
                                              CASUS_DATA_COW | CASUS_DATA_ATOP | CASUS_DATA_CONTIGUITY |
                                                  CASUS_DATA_NMC | CASUS_DATA_MID | CASUS_DATA_WARS);
    casus_wars *wars = NULL;
    casus_history *h = NULL;
    casus_fit_data *d = NULL;
    casus_error err;
    double c0 = bench_cpu_now(), w0 = bench_now();
    if (casus_wars_create(&wars, &err) != CASUS_OK || casus_wars_load_dir(wars, dir, &err) != CASUS_OK ||
        casus_history_build(w, wars, NULL, &h, &err) != CASUS_OK || casus_fit_data_build(w, h, NULL, &d, &err) != CASUS_OK)
        die("replay", &err);
    size_t n = casus_fit_data_count(d), rows = 0;
    for (size_t i = 0; i < n; i++)
        rows += casus_fit_data_war(d, i)->n_rows;
    printf("replay of %zu wars (%zu candidate-side rows): %.3f s CPU, %.3f s wall\n", n, rows, bench_cpu_now() - c0,
           bench_now() - w0);

    for (unsigned threads = 1; threads <= 2; threads++) {
        casus_fit_options o = {.penalty = -1, .threads = threads};
        casus_fit_result r;
        c0 = bench_cpu_now(), w0 = bench_now();
        if (casus_fit_run(d, &o, &r, &err) != CASUS_OK)
            die("fit", &err);
        printf("cross-validated fit on all %zu wars, %u thread%s: %.3f s CPU, %.3f s wall (lambda %g, "
               "log-likelihood %.3f, %u iterations)\n",
               n, threads, threads > 1 ? "s" : "", bench_cpu_now() - c0, bench_now() - w0, r.penalty, r.loglik,
               r.iterations);
    }

    double *beta1 = malloc(n * CASUS_JM_FEATURE_COUNT * sizeof *beta1),
           *beta2 = malloc(n * CASUS_JM_FEATURE_COUNT * sizeof *beta2), lam1, lam2;
    const double penalties[2] = {-1, 30};
    for (int k = 0; k < 2; k++) {
        for (unsigned threads = 1; threads <= 2; threads++) {
            c0 = bench_cpu_now(), w0 = bench_now();
            size_t fits = leave_one_out(d, penalties[k], threads, threads == 1 ? beta1 : beta2,
                                        threads == 1 ? &lam1 : &lam2);
            printf("%zu leave-one-war-out fits, penalty %s, %u thread%s: %.2f s CPU, %.2f s wall (mean lambda %.2f)\n",
                   fits, k ? "fixed at 30" : "cross-validated", threads, threads > 1 ? "s" : "",
                   bench_cpu_now() - c0, bench_now() - w0, (threads == 1 ? lam1 : lam2) / (double)fits);
        }
        if (memcmp(beta1, beta2, n * CASUS_JM_FEATURE_COUNT * sizeof *beta1) != 0 || lam1 != lam2) {
            fprintf(stderr, "bench-fit: the fits differ between 1 and 2 threads\n");
            return 1;
        }
    }
    free(beta1), free(beta2);
    casus_fit_data_free(d);
    casus_history_free(h);
    casus_wars_free(wars);
    casus_world_free(w);
    return 0;
}
