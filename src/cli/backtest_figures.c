/* The figures of `casus backtest --report`, drawn with PLplot through its
 * cairo drivers (svgcairo, pngcairo): the same drawing code makes the SVG
 * and the PNG.  Neither driver writes a date or a host into its file, so
 * the same run gives the same bytes. */
#include <math.h>
#include <plplot.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backtest_report.h"
#include "casus/score.h"

const cli_report_figure cli_report_figures[] = {
    {"reliability", "Reliability: mean forecast against observed rate in 10 bins, casus and the baselines; "
                    "below, how many of casus's forecasts fall in each bin"},
    {"precision-recall", "Precision against recall of casus and the five baselines; the dashed line is the base rate"},
    {"separation", "Separation plot of casus: every state at risk, sorted by its forecast (the black line); "
                   "the red stripes are the states that joined"},
    {"joiners", "Joiners per war: casus's forecast number (sum of P(joins)) against the observed number, "
                "one point per war, the wars farthest from the diagonal numbered"},
    {"pit", "PIT of the entry days of joiners under casus's forecast; flat when calibrated"},
};
const size_t cli_report_n_figures = sizeof cli_report_figures / sizeof cli_report_figures[0];

enum { WIDTH = 1120, HEIGHT = 720 };

/* Colour map 0: 0 the background, 1 the axes and text, 2-7 the models
 * (Okabe and Ito's palette, told apart by colour-blind readers), 8 a light
 * grey (grids, backgrounds), 9 red, 10 a middle grey (reference lines). */
enum { COL_BG = 0, COL_FG = 1, COL_MODEL = 2, COL_GREY = 8, COL_RED = 9, COL_MID = 10 };
static const int palette[][3] = {
    {255, 255, 255}, {0, 0, 0},     {213, 94, 0},    {120, 120, 120}, {0, 114, 178},
    {0, 158, 115},   {230, 159, 0}, {204, 121, 167}, {228, 228, 228}, {200, 30, 30},  {140, 140, 140},
};
#define N_PALETTE (sizeof palette / sizeof palette[0])

/* The temporary directory being written, removed by the exit handler:
 * PLplot ends the process on a fatal error (plexit), and nothing half
 * written must stay behind. */
static const char *drawing_dir;
/* Set when a figure could not get its memory: the figure is left out and
 * the report fails. */
static bool out_of_memory;

static int on_plplot_exit(const char *message)
{
    fprintf(stderr, "casus: cannot draw the report's figures: %s\n", message ? message : "PLplot failed");
    if (drawing_dir) {
        for (size_t f = 0; f < cli_report_n_figures; f++)
            for (int e = 0; e < 2; e++) {
                char path[4200];
                snprintf(path, sizeof path, "%s/%s.%s", drawing_dir, cli_report_figures[f].name, e ? "png" : "svg");
                remove(path);
            }
        char path[4200];
        snprintf(path, sizeof path, "%s/report.md", drawing_dir);
        remove(path);
        rmdir(drawing_dir);
    }
    return 1; /* the exit status: the work failed */
}

static void page_begin(const char *device, const char *path)
{
    plsdev(device);
    plsfnam(path);
    plspage(0, 0, WIDTH, HEIGHT, 0, 0);
    plscmap0n((PLINT)N_PALETTE);
    for (size_t i = 0; i < N_PALETTE; i++)
        plscol0((PLINT)i, palette[i][0], palette[i][1], palette[i][2]);
    plinit();
    pladv(0);
    plschr(0, 0.95);
    plcol0(COL_FG);
}

/* A legend at `position` (PL_POSITION_* flags) of the viewport. */
static void legend(PLINT position, int n, const char *const *text, const PLINT *colours, bool symbols)
{
    PLINT opt[CASUS_BT_MODEL_COUNT + 2], styles[CASUS_BT_MODEL_COUNT + 2], numbers[CASUS_BT_MODEL_COUNT + 2];
    PLFLT widths[CASUS_BT_MODEL_COUNT + 2], scales[CASUS_BT_MODEL_COUNT + 2];
    const char *glyphs[CASUS_BT_MODEL_COUNT + 2];
    PLINT text_colours[CASUS_BT_MODEL_COUNT + 2];
    for (int i = 0; i < n; i++) {
        opt[i] = PL_LEGEND_LINE | (symbols ? PL_LEGEND_SYMBOL : 0);
        styles[i] = 1;
        widths[i] = 2.0;
        numbers[i] = 1;
        scales[i] = 1.0;
        glyphs[i] = "#(850)"; /* a filled dot (Hershey glyph 850) */
        text_colours[i] = COL_FG;
    }
    PLFLT w, h;
    pllegend(&w, &h, PL_LEGEND_BACKGROUND | PL_LEGEND_BOUNDING_BOX, position, 0.02, 0.0, 0.06,
             COL_BG, COL_FG, 1, 0, 0, n, opt, 0.8, 0.85, 2.0, 0.0, text_colours, text, NULL, NULL, NULL, NULL,
             colours, styles, widths, colours, scales, numbers, glyphs);
}

/* A light grid under what follows (ticks every xtick, ytick; 0: PLplot
 * chooses). */
static void grid(double xtick, double ytick)
{
    plcol0(COL_GREY);
    plbox("g", xtick, 0, "g", ytick, 0);
    plcol0(COL_FG);
}

static void model_names(const char **names, PLINT *colours)
{
    for (int m = 0; m < CASUS_BT_MODEL_COUNT; m++) {
        names[m] = casus_bt_model_str((casus_bt_model)m);
        colours[m] = COL_MODEL + m;
    }
}

/* ---- 1. reliability ------------------------------------------------------ */

static void draw_reliability(const casus_bt_result *r)
{
    double *p = calloc(r->n_pairs + 1, sizeof *p);
    unsigned char *y = calloc(r->n_pairs + 1, 1);
    if (!p || !y) {
        free(p);
        free(y);
        out_of_memory = true;
        return;
    }
    for (size_t i = 0; i < r->n_pairs; i++)
        y[i] = r->pairs[i].joined;
    /* Upper panel: observed rate against mean forecast. */
    plvpor(0.1, 0.7, 0.43, 0.93);
    plwind(0, 1, 0, 1);
    grid(0.1, 0.2);
    plcol0(COL_MID);
    pllsty(2);
    pljoin(0, 0, 1, 1);
    pllsty(1);
    plcol0(COL_FG);
    plbox("bcst", 0.1, 0, "bcnstv", 0.2, 0);
    plmtex("l", 4.0, 0.5, 0.5, "observed rate");
    plmtex("t", 1.5, 0.5, 0.5, "Reliability (10 bins; the diagonal is perfect calibration)");
    const char *names[CASUS_BT_MODEL_COUNT];
    PLINT colours[CASUS_BT_MODEL_COUNT];
    model_names(names, colours);
    for (int m = CASUS_BT_MODEL_COUNT - 1; m >= 0; m--) {
        for (size_t i = 0; i < r->n_pairs; i++)
            p[i] = r->pairs[i].p[m];
        casus_score_bin bins[10];
        casus_score_reliability(p, y, r->n_pairs, 10, bins);
        PLFLT xs[10], ys[10];
        PLINT n = 0;
        for (int b = 0; b < 10; b++)
            if (bins[b].count > 0) {
                xs[n] = bins[b].mean_forecast;
                ys[n] = bins[b].observed;
                n++;
            }
        plcol0(colours[m]);
        plwidth(m == CASUS_BT_CASUS ? 2.5 : 1.5);
        if (n > 1)
            plline(n, xs, ys);
        plssym(0, m == CASUS_BT_CASUS ? 1.2 : 0.9);
        plstring(n, xs, ys, "#(850)");
    }
    plwidth(1);
    plcol0(COL_FG);
    legend(PL_POSITION_RIGHT | PL_POSITION_OUTSIDE, CASUS_BT_MODEL_COUNT, names, colours, true);
    /* Lower panel: how many casus forecasts fall in each bin, on a log
     * scale, with the count written over each bar. */
    size_t max_count = 1;
    for (int b = 0; b < 10; b++)
        if (r->reliability[b].count > max_count)
            max_count = r->reliability[b].count;
    double top = ceil(log10((double)max_count) + 0.5);
    plvpor(0.1, 0.7, 0.1, 0.33);
    plwind(0, 1, 0, top);
    for (int b = 0; b < 10; b++) {
        size_t c = r->reliability[b].count;
        if (c == 0)
            continue;
        double lo = r->reliability[b].lo + 0.01, hi = r->reliability[b].hi - 0.01;
        double h = log10((double)c) + 0.05; /* a count of 1 still shows */
        PLFLT bx[4] = {lo, hi, hi, lo}, by[4] = {0, 0, h, h};
        plcol0(COL_MODEL + CASUS_BT_CASUS);
        plfill(4, bx, by);
        char label[32];
        snprintf(label, sizeof label, "%zu", c);
        plcol0(COL_FG);
        plptex((lo + hi) / 2, h + top * 0.1, 1, 0, 0.5, label);
    }
    plcol0(COL_FG);
    plbox("bcnst", 0.1, 0, "bclnstv", 1, 0);
    plmtex("b", 3.0, 0.5, 0.5, "mean forecast P(joins)");
    plmtex("l", 4.0, 0.5, 0.5, "casus count");
    free(p);
    free(y);
}

/* ---- 2. precision-recall ------------------------------------------------- */

static const double *sort_key;
static int by_key_desc(const void *a, const void *b)
{
    size_t i = *(const size_t *)a, j = *(const size_t *)b;
    if (sort_key[i] != sort_key[j])
        return sort_key[i] > sort_key[j] ? -1 : 1;
    return i < j ? -1 : i > j;
}
static int by_key_asc(const void *a, const void *b)
{
    size_t i = *(const size_t *)a, j = *(const size_t *)b;
    if (sort_key[i] != sort_key[j])
        return sort_key[i] < sort_key[j] ? -1 : 1;
    return i < j ? -1 : i > j;
}

/* The pairs' indices ordered by key (ties by index, so the order is the
 * same on every run). */
static size_t *order_by(const double *key, size_t n, bool descending)
{
    size_t *idx = calloc(n + 1, sizeof *idx);
    if (!idx)
        return NULL;
    for (size_t i = 0; i < n; i++)
        idx[i] = i;
    sort_key = key;
    qsort(idx, n, sizeof *idx, descending ? by_key_desc : by_key_asc);
    sort_key = NULL;
    return idx;
}

/* The precision-recall curve of model m into xs, ys (n + 2 each): one
 * point after each block of tied forecasts, since the threshold moves past
 * the whole block at once, and a first point at recall 0.  Returns the
 * number of points; -1 out of memory. */
static long pr_curve(const casus_bt_result *r, int m, double *p, PLFLT *xs, PLFLT *ys)
{
    size_t n = r->n_pairs;
    if (r->n_joiners == 0 || n == 0)
        return 0;
    for (size_t i = 0; i < n; i++)
        p[i] = r->pairs[i].p[m];
    size_t *idx = order_by(p, n, true);
    if (!idx)
        return -1;
    long k = 0;
    size_t tp = 0, fp = 0;
    for (size_t a = 0; a < n;) {
        size_t b = a;
        while (b < n && p[idx[b]] == p[idx[a]]) {
            if (r->pairs[idx[b]].joined)
                tp++;
            else
                fp++;
            b++;
        }
        double precision = (double)tp / (double)(tp + fp), recall = (double)tp / (double)r->n_joiners;
        if (k == 0) {
            xs[k] = 0;
            ys[k] = precision;
            k++;
        }
        xs[k] = recall;
        ys[k] = precision;
        k++;
        a = b;
    }
    free(idx);
    return k;
}

static void draw_precision_recall(const casus_bt_result *r)
{
    size_t n = r->n_pairs;
    double *p = calloc(n + 1, sizeof *p);
    PLFLT *xs = calloc(n + 2, sizeof *xs), *ys = calloc(n + 2, sizeof *ys);
    if (!p || !xs || !ys) {
        out_of_memory = true;
        goto done;
    }
    /* The vertical range: up to the highest precision any curve reaches
     * (at least 0.2), so that curves near the base rate are not flattened. */
    double top = 0.2;
    for (int m = 0; m < CASUS_BT_MODEL_COUNT; m++) {
        long k = pr_curve(r, m, p, xs, ys);
        if (k < 0) {
            out_of_memory = true;
            goto done;
        }
        for (long i = 0; i < k; i++)
            top = fmax(top, ys[i]);
    }
    top = fmin(1.0, ceil(top * 10.5) / 10);
    plvpor(0.1, 0.62, 0.1, 0.92);
    plwind(0, 1, 0, top);
    grid(0.1, top > 0.5 ? 0.1 : 0.05);
    plcol0(COL_FG);
    plbox("bcnst", 0.1, 0, "bcnstv", top > 0.5 ? 0.1 : 0.05, 0);
    pllab("recall (share of the joiners above the threshold)", "precision (share of joiners above it)",
          "Precision-recall (AP: average precision)");
    plcol0(COL_MID);
    pllsty(2);
    pljoin(0, r->base_rate, 1, r->base_rate);
    pllsty(1);
    const char *names[CASUS_BT_MODEL_COUNT];
    char labels[CASUS_BT_MODEL_COUNT][64];
    PLINT colours[CASUS_BT_MODEL_COUNT];
    model_names(names, colours);
    for (int m = CASUS_BT_MODEL_COUNT - 1; m >= 0; m--) {
        snprintf(labels[m], sizeof labels[m], "%s (AP %.3f)", names[m], r->scores[m].average_precision);
        names[m] = labels[m];
        long k = pr_curve(r, m, p, xs, ys);
        if (k < 0) {
            out_of_memory = true;
            goto done;
        }
        plcol0(colours[m]);
        plwidth(m == CASUS_BT_CASUS ? 2.5 : 1.5);
        if (k > 1)
            plline((PLINT)k, xs, ys);
    }
    plwidth(1);
    plcol0(COL_FG);
    legend(PL_POSITION_RIGHT | PL_POSITION_OUTSIDE, CASUS_BT_MODEL_COUNT, names, colours, false);
done:
    free(p);
    free(xs);
    free(ys);
}

/* ---- 3. separation plot (Greenhill, Ward and Sacks 2011) ------------------ */

static void draw_separation(const casus_bt_result *r)
{
    size_t n = r->n_pairs;
    double *p = calloc(n + 1, sizeof *p);
    PLFLT *xs = calloc(n + 1, sizeof *xs), *ys = calloc(n + 1, sizeof *ys);
    size_t *idx = NULL;
    if (p && xs && ys) {
        for (size_t i = 0; i < n; i++)
            p[i] = r->pairs[i].p[CASUS_BT_CASUS];
        idx = order_by(p, n, false);
    }
    if (!idx) {
        out_of_memory = true;
        goto done;
    }
    double xmax = n ? (double)n : 1;
    plvpor(0.1, 0.9, 0.14, 0.9);
    plwind(0, xmax, 0, 1);
    plcol0(COL_GREY);
    PLFLT bx[4] = {0, xmax, xmax, 0}, by[4] = {0, 0, 1, 1};
    plfill(4, bx, by);
    /* Each joiner a stripe at least one thousandth of the width wide, so
     * that it shows among thousands of pairs. */
    double half = fmax(0.5, xmax / 2000);
    plcol0(COL_RED);
    for (size_t k = 0; k < n; k++)
        if (r->pairs[idx[k]].joined) {
            PLFLT sx[4] = {k + 0.5 - half, k + 0.5 + half, k + 0.5 + half, k + 0.5 - half};
            plfill(4, sx, by);
        }
    for (size_t k = 0; k < n; k++) {
        xs[k] = (double)k + 0.5;
        ys[k] = p[idx[k]];
    }
    plcol0(COL_FG);
    plwidth(2.0);
    if (n > 1)
        plline((PLINT)n, xs, ys);
    plwidth(1);
    plbox("bcnst", 0, 0, "bcnstv", 0.2, 0);
    char title[160];
    snprintf(title, sizeof title, "Separation plot of casus: %zu states at risk, %zu joined (red), %.1f forecast", n,
             r->n_joiners, r->scores[CASUS_BT_CASUS].joiners_forecast);
    pllab("states at risk, sorted by casus's P(joins)", "P(joins)", title);
done:
    free(p);
    free(xs);
    free(ys);
    free(idx);
}

/* ---- 4. joiners per war --------------------------------------------------- */

static void draw_joiners(const casus_bt_result *r)
{
    size_t n = r->n_wars, *idx = NULL;
    PLFLT *xs = calloc(n + 1, sizeof *xs), *ys = calloc(n + 1, sizeof *ys);
    double *miss = calloc(n + 1, sizeof *miss);
    if (!xs || !ys || !miss) {
        out_of_memory = true;
        goto done;
    }
    double top = 1;
    for (size_t k = 0; k < n; k++) {
        xs[k] = (double)r->war_observed[k];
        ys[k] = r->war_forecast[k];
        miss[k] = fabs(ys[k] - xs[k]);
        top = fmax(top, fmax(xs[k], ys[k]));
    }
    top = ceil(top * 1.1 + 0.5);
    plvpor(0.1, 0.9, 0.1, 0.92);
    plwind(0, top, 0, top);
    grid(0, 0);
    plcol0(COL_MID);
    pllsty(2);
    pljoin(0, 0, top, top);
    pllsty(1);
    plcol0(COL_FG);
    plbox("bcnst", 0, 0, "bcnstv", 0, 0);
    pllab("observed joiners", "forecast joiners (sum of casus's P(joins))",
          "Joiners per war: forecast against observed (dashed: equal)");
    plcol0(COL_MODEL + CASUS_BT_CASUS);
    plssym(0, 1.1);
    plstring((PLINT)n, xs, ys, "#(850)");
    if (!(idx = order_by(miss, n, true))) {
        out_of_memory = true;
        goto done;
    }
    /* The ten wars farthest from the diagonal get their number, unless
     * the label would fall on one already written (the table of joiners
     * per war in report.md has them all). */
    plcol0(COL_FG);
    plschr(0, 0.75);
    PLFLT done_x[10], done_y[10];
    size_t n_done = 0;
    for (size_t k = 0; k < n && k < 10; k++) {
        double x = xs[idx[k]], y = ys[idx[k]];
        bool clash = false;
        for (size_t j = 0; j < n_done; j++)
            clash |= fabs(done_x[j] - x) < top * 0.05 && fabs(done_y[j] - y) < top * 0.03;
        if (clash)
            continue;
        char label[16];
        snprintf(label, sizeof label, " %d", r->war_numbers[idx[k]]);
        plptex(x, y, 1, 0, 0, label);
        done_x[n_done] = x;
        done_y[n_done] = y;
        n_done++;
    }
    plschr(0, 0.95);
done:
    free(idx);
    free(xs);
    free(ys);
    free(miss);
}

/* ---- 5. PIT histogram ----------------------------------------------------- */

static void draw_pit(const casus_bt_result *r)
{
    size_t total = 0, max_count = 1;
    for (int b = 0; b < 10; b++) {
        total += r->pit_hist[b];
        if (r->pit_hist[b] > max_count)
            max_count = r->pit_hist[b];
    }
    double top = ceil((double)max_count * 1.15 + 0.5);
    plvpor(0.1, 0.9, 0.1, 0.92);
    plwind(0, 1, 0, top);
    for (int b = 0; b < 10; b++) {
        PLFLT bx[4] = {b * 0.1 + 0.005, b * 0.1 + 0.095, b * 0.1 + 0.095, b * 0.1 + 0.005};
        PLFLT by[4] = {0, 0, (double)r->pit_hist[b], (double)r->pit_hist[b]};
        plcol0(COL_MODEL + CASUS_BT_CASUS);
        if (r->pit_hist[b])
            plfill(4, bx, by);
    }
    plcol0(COL_FG);
    pllsty(2);
    pljoin(0, (double)total / 10, 1, (double)total / 10);
    pllsty(1);
    plbox("bcnst", 0.1, 0, "bcnstv", 0, 0);
    char title[120];
    snprintf(title, sizeof title, "PIT of the entry days of %zu joiners (dashed: uniform)", total);
    pllab("PIT of the entry day under casus's forecast", "joiners", title);
}

/* ---- the pages ------------------------------------------------------------- */

static int write_one(const char *dir, const char *name, const char *ext, const char *device,
                     void (*draw)(const casus_bt_result *), const casus_bt_result *r)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s.%s", dir, name, ext);
    page_begin(device, path);
    draw(r);
    plend1();
    struct stat st;
    return !out_of_memory && stat(path, &st) == 0 && st.st_size > 0 ? 0 : -1;
}

int cli_report_draw(const char *dir, const casus_bt_result *r)
{
    static void (*const draws[])(const casus_bt_result *) = {draw_reliability, draw_precision_recall,
                                                             draw_separation, draw_joiners, draw_pit};
    drawing_dir = dir;
    out_of_memory = false;
    plsexit(on_plplot_exit);
    int rc = 0;
    for (size_t f = 0; f < cli_report_n_figures && rc == 0; f++) {
        if (write_one(dir, cli_report_figures[f].name, "svg", "svgcairo", draws[f], r) != 0 ||
            write_one(dir, cli_report_figures[f].name, "png", "pngcairo", draws[f], r) != 0)
            rc = -1;
    }
    plend();
    plsexit(NULL);
    drawing_dir = NULL;
    return rc;
}
