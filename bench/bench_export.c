/* bench-export: time and peak memory of `casus export dyads` for 1816-2018
 * by year, beside peacesciencer's published figures for the same table.
 *
 * Usage: bench-export [DATA_DIR] [--runs N] [--output FILE]
 * DATA_DIR defaults to $CASUS_DATA and then casus's own defaults.  Three figures are timed, each the
 * median of N runs (default 11): loading the world (COW and ATOP files),
 * building the table in memory (the rows handed to a callback that counts
 * them: what peacesciencer's two calls do), and building it and writing the
 * CSV to FILE (default: a temporary file, removed afterwards). */
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "bench_common.h"
#include "casus/export.h"

static long peak_kb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

static casus_status count(void *ud, const casus_dyad *row)
{
    size_t *n = ud;
    (void)row;
    *n += 1;
    return CASUS_OK;
}

/* A compact in-memory table, one 8-byte row per dyad-year: what a program
 * holding the whole table (as R holds peacesciencer's data frame) keeps. */
typedef struct packed_row {
    short c1, c2, year;
    unsigned char flags, pad;
} packed_row;

typedef struct packed {
    packed_row *v;
    size_t n, cap;
} packed;

static casus_status store(void *ud, const casus_dyad *row)
{
    packed *t = ud;
    if (t->n == t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 1 << 20;
        packed_row *p = realloc(t->v, cap * sizeof *p);
        if (!p)
            return CASUS_NOMEM;
        t->v = p;
        t->cap = cap;
    }
    t->v[t->n++] = (packed_row){(short)row->ccode1, (short)row->ccode2, (short)row->year, (unsigned char)row->flags, 0};
    return CASUS_OK;
}

int main(int argc, char **argv)
{
    const char *dir_arg = NULL, *output = NULL;
    int runs = 11;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--runs") == 0 && i + 1 < argc)
            runs = atoi(argv[++i]);
        else if (strcmp(argv[i], "--output") == 0 && i + 1 < argc)
            output = argv[++i];
        else
            dir_arg = argv[i];
    }
    if (runs < 1 || runs > 1000) {
        fprintf(stderr, "usage: bench-export [DATA_DIR] [--runs N] [--output FILE]\n");
        return 2;
    }
    char dir_buf[4096];
    const char *dir = bench_data_dir(dir_arg, dir_buf, sizeof dir_buf);
    char tmp[] = "/tmp/casus-bench-export-XXXXXX";
    if (!output) {
        int fd = mkstemp(tmp);
        if (fd < 0) {
            perror("mkstemp");
            return 1;
        }
        close(fd);
        output = tmp;
    }
    /* t[clock][step][run]: clock 0 wall, 1 CPU; steps as in STEPS. */
    enum { LOAD, COUNT, TABLE, CSV, STEPS };
    double *t[2][STEPS];
    for (int a = 0; a < 2; a++)
        for (int b = 0; b < STEPS; b++)
            if (!(t[a][b] = calloc((size_t)runs, sizeof(double))))
                return 1;
    long rss_start = peak_kb(), rss_world = 0;
    size_t rows = 0;
    casus_dyads_opts o = {.from_year = 1816, .to_year = 2018};
    casus_error err;
    for (int r = 0; r < runs; r++) {
        double w0 = bench_now(), c0 = bench_cpu_now();
        casus_world *w = bench_load_world("bench-export", dir, CASUS_DATA_COW | CASUS_DATA_ATOP);
        if (!w)
            return 1;
        double w1 = bench_now(), c1 = bench_cpu_now();
        if (r == 0)
            rss_world = peak_kb();
        rows = 0;
        if (casus_dyads_scan(w, &o, count, &rows, &err) != CASUS_OK) {
            fprintf(stderr, "bench-export: %s\n", err.message);
            return 1;
        }
        double w2 = bench_now(), c2 = bench_cpu_now();
        packed table = {0};
        if (casus_dyads_scan(w, &o, store, &table, &err) != CASUS_OK || table.n != rows) {
            fprintf(stderr, "bench-export: %s\n", err.message);
            return 1;
        }
        double w3 = bench_now(), c3 = bench_cpu_now();
        free(table.v);
        double w4 = bench_now(), c4 = bench_cpu_now();
        FILE *fp = fopen(output, "w");
        if (!fp || casus_dyads_write(w, &o, CASUS_DYADS_CSV, fp, &err) != CASUS_OK) {
            fprintf(stderr, "bench-export: cannot write %s\n", output);
            return 1;
        }
        fclose(fp);
        double w5 = bench_now(), c5 = bench_cpu_now();
        t[0][LOAD][r] = w1 - w0, t[1][LOAD][r] = c1 - c0;
        t[0][COUNT][r] = w2 - w1, t[1][COUNT][r] = c2 - c1;
        t[0][TABLE][r] = w3 - w2, t[1][TABLE][r] = c3 - c2;
        t[0][CSV][r] = w5 - w4, t[1][CSV][r] = c5 - c4;
        casus_world_free(w);
    }
    long rss_peak = peak_kb();
    if (output == tmp)
        unlink(tmp);
    double m[2][STEPS];
    for (int a = 0; a < 2; a++)
        for (int b = 0; b < STEPS; b++)
            m[a][b] = bench_median(t[a][b], (size_t)runs) * 1e3;

    printf("casus export dyads --directed --unit year --from 1816 --to 2018 (%zu rows)\n", rows);
    printf("median of %d runs, in ms                      wall      CPU\n", runs);
    static const char *const names[STEPS] = {
        "load world (COW states, ATOP 5.1 files)  ", "build the table, rows streamed to a count",
        "build the table into memory (8-byte rows)", "build and write the CSV                  "};
    for (int b = 0; b < STEPS; b++)
        printf("  %s %8.1f %8.1f\n", names[b], m[0][b], m[1][b]);
    printf("  peak memory (ru_maxrss): %.1f MB (process start %.1f MB, after the first world load %.1f MB)\n",
           (double)rss_peak / 1024.0, (double)rss_start / 1024.0, (double)rss_world / 1024.0);
    printf("\npeacesciencer 1.2.9, create_dyadyears(directed = TRUE) + add_atop_alliance(), same table:\n"
           "  published figures of the peer (not measured by this program):\n"
           "  median 3.0 s (create_dyadyears 2.6 s, add_atop_alliance 0.64 s), peak memory near 2.0 GB\n");
    double table_ms = m[0][TABLE];
    double mem_ratio = 2.0 * 1024.0 * 1024.0 / (double)rss_peak;
    printf("\nratio (wall time of the table in memory): %.0fx faster (target 50x, <= 60 ms: %s), "
           "%.0fx less memory (target 20x, <= 100 MB: %s)\n",
           3000.0 / table_ms, table_ms <= 60.0 ? "met" : "NOT met", mem_ratio, rss_peak <= 100 * 1024 ? "met" : "NOT met");
    for (int a = 0; a < 2; a++)
        for (int b = 0; b < STEPS; b++)
            free(t[a][b]);
    return 0;
}
