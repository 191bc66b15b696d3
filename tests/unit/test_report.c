/* `casus backtest --report DIR` (src/cli/backtest_report.c,
 * backtest_figures.c): every file there, the SVGs well-formed XML with an
 * <svg> root (libxml2, no recovery), the PNGs decodable (libpng) at the
 * figures' size, report.md's tables equal to the JSON of the same run, the
 * same bytes from the same seed, and a directory that cannot be written
 * refused before the work with exit 2.  On the Sinai War (155) with 200
 * trials, so that it stays quick under the sanitizers. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <jansson.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <math.h>
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "testutil.h"

static const char *const figures[] = {"reliability", "precision-recall", "separation", "joiners", "pit"};
#define N_FIGURES (sizeof figures / sizeof figures[0])

/* Runs the back-test of war 155 with the report into dir and the JSON into
 * json_path. */
static void run_report(const char *dir, const char *json_path)
{
    run_result r = run_casus("backtest", "--war", "155", "--trials", "200", "--seed", "7", "--report", dir, "--format",
                             "json", "--output", json_path, "--data", test_data_dir(), NULL);
    cr_assert_eq(r.status, 0, "exit %d: %s", r.status, r.err);
    run_free(&r);
}

static void check_svg(const char *path)
{
    /* No XML_PARSE_RECOVER: a document that is not well-formed fails. */
    xmlDocPtr doc = xmlReadFile(path, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    cr_assert_not_null(doc, "%s is not well-formed XML", path);
    xmlNodePtr root = xmlDocGetRootElement(doc);
    cr_assert_not_null(root, "%s has no root element", path);
    cr_expect_str_eq((const char *)root->name, "svg", "%s", path);
    cr_expect(root->ns && strcmp((const char *)root->ns->href, "http://www.w3.org/2000/svg") == 0,
              "%s: the root is not in the SVG namespace", path);
    xmlFreeDoc(doc);
}

static void check_png(const char *path)
{
    FILE *fp = fopen(path, "rb");
    cr_assert_not_null(fp, "%s", path);
    unsigned char sig[8];
    cr_assert_eq(fread(sig, 1, 8, fp), 8, "%s is too short", path);
    fclose(fp);
    cr_assert_eq(png_sig_cmp(sig, 0, 8), 0, "%s has no PNG signature", path);
    /* Decoding the whole image checks every chunk's CRC and the data. */
    png_image image;
    memset(&image, 0, sizeof image);
    image.version = PNG_IMAGE_VERSION;
    cr_assert(png_image_begin_read_from_file(&image, path), "%s: %s", path, image.message);
    cr_expect(image.width >= 400 && image.width <= 4000, "%s: width %u", path, image.width);
    cr_expect(image.height >= 300 && image.height <= 4000, "%s: height %u", path, image.height);
    image.format = PNG_FORMAT_RGBA;
    void *buf = malloc(PNG_IMAGE_SIZE(image));
    cr_assert_not_null(buf);
    cr_assert(png_image_finish_read(&image, NULL, buf, 0, NULL), "%s: %s", path, image.message);
    /* Not blank: some pixel differs from the first. */
    const unsigned char *px = buf;
    size_t n = PNG_IMAGE_SIZE(image), differ = 0;
    for (size_t i = 4; i < n; i++)
        differ += px[i] != px[i % 4];
    cr_expect_gt(differ, 1000, "%s looks blank", path);
    free(buf);
}

/* The cells of the Markdown table row that begins "| key |" after the
 * heading `section`: cells[0] is key.  Returns how many. */
static size_t row_cells(const char *md, const char *section, const char *key, char cells[][64], size_t max)
{
    const char *s = strstr(md, section);
    cr_assert_not_null(s, "no section %s", section);
    char start[96];
    snprintf(start, sizeof start, "\n| %s |", key);
    const char *row = strstr(s, start);
    cr_assert_not_null(row, "no row %s in %s", key, section);
    row += 3;
    size_t n = 0;
    while (*row && *row != '\n' && n < max) {
        const char *bar = strchr(row, '|');
        cr_assert_not_null(bar);
        size_t len = (size_t)(bar - row);
        while (len && row[len - 1] == ' ')
            len--;
        cr_assert_lt(len, 64);
        memcpy(cells[n], row, len);
        cells[n][len] = '\0';
        n++;
        row = bar + 1;
        while (*row == ' ')
            row++;
    }
    return n;
}

/* A table cell printed with `digits` decimals against the JSON's number:
 * equal to the printed precision ("-" for null). */
static void expect_cell(const char *cell, json_t *v, int digits, const char *what)
{
    if (json_is_null(v)) {
        cr_expect_str_eq(cell, "-", "%s: '%s' for null", what, cell);
        return;
    }
    cr_assert(json_is_number(v), "%s is not a number", what);
    char *end;
    double got = strtod(cell, &end);
    cr_assert(end != cell && *end == '\0', "%s: '%s' is not a number", what, cell);
    double want = json_number_value(v);
    cr_expect_leq(fabs(got - want), 0.5 * pow(10, -digits) + 1e-9, "%s: report %s, JSON %.9g", what, cell, want);
}

/* "[lo, hi]" against a JSON pair. */
static void expect_interval(const char *cell, json_t *pair, const char *what)
{
    if (json_is_null(json_array_get(pair, 0))) {
        cr_expect_str_eq(cell, "-", "%s", what);
        return;
    }
    char lo[64], hi[64];
    cr_assert_eq(sscanf(cell, "[%63[^,], %63[^]]]", lo, hi), 2, "%s: '%s'", what, cell);
    expect_cell(lo, json_array_get(pair, 0), 4, what);
    expect_cell(hi, json_array_get(pair, 1), 4, what);
}

Test(report, backtest_report_files_tables_and_bytes, .timeout = 600)
{
    char *tmp = make_temp_dir();
    char dir[4200], json_path[4200], path[4300];
    snprintf(dir, sizeof dir, "%s/report", tmp);
    snprintf(json_path, sizeof json_path, "%s/run.json", tmp);
    run_report(dir, json_path);

    /* Every file, well-formed. */
    for (size_t f = 0; f < N_FIGURES; f++) {
        snprintf(path, sizeof path, "%s/%s.svg", dir, figures[f]);
        check_svg(path);
        snprintf(path, sizeof path, "%s/%s.png", dir, figures[f]);
        check_png(path);
    }
    snprintf(path, sizeof path, "%s/report.md", dir);
    size_t md_len;
    char *md = slurp(path, &md_len);
    cr_assert_not_null(md, "%s", path);
    /* Each figure linked, relatively. */
    for (size_t f = 0; f < N_FIGURES; f++) {
        char link[96];
        snprintf(link, sizeof link, "](%s.svg)", figures[f]);
        cr_expect_not_null(strstr(md, link), "report.md does not embed %s", link);
    }

    /* The scores table says what the JSON says. */
    json_error_t jerr;
    json_t *root = json_load_file(json_path, 0, &jerr);
    cr_assert_not_null(root, "%s", jerr.text);
    json_t *models = json_object_get(root, "models");
    cr_assert_eq(json_object_size(models), 6);
    const char *key;
    json_t *m;
    json_object_foreach(models, key, m)
    {
        char cells[16][64];
        size_t n = row_cells(md, "## Scores", key, cells, 16);
        cr_assert_eq(n, 14, "%zu cells in the row of %s", n, key);
        expect_cell(cells[1], json_object_get(m, "brier"), 4, "brier");
        expect_interval(cells[2], json_object_get(m, "brier_ci95"), "brier_ci95");
        expect_cell(cells[3], json_object_get(m, "log_score"), 4, "log_score");
        expect_interval(cells[4], json_object_get(m, "log_score_ci95"), "log_score_ci95");
        expect_cell(cells[5], json_object_get(m, "skill_brier"), 4, "skill_brier");
        expect_cell(cells[6], json_object_get(m, "roc_auc"), 4, "roc_auc");
        expect_cell(cells[7], json_object_get(m, "roc_auc_within_war"), 4, "roc_auc_within_war");
        expect_interval(cells[8], json_object_get(m, "roc_auc_within_war_ci95"), "roc_auc_within_war_ci95");
        expect_cell(cells[9], json_object_get(m, "average_precision"), 4, "average_precision");
        expect_interval(cells[10], json_object_get(m, "average_precision_ci95"), "average_precision_ci95");
        expect_cell(cells[11], json_object_get(m, "side_accuracy"), 4, "side_accuracy");
        expect_cell(cells[12], json_object_get(m, "war_auc"), 4, "war_auc");
        expect_cell(cells[13], json_object_get(m, "joiners_forecast"), 2, "joiners_forecast");
    }
    /* The reliability table too, bin by bin. */
    json_t *rel = json_object_get(root, "reliability");
    cr_assert_eq(json_array_size(rel), 10);
    for (size_t b = 0; b < 10; b++) {
        json_t *bin = json_array_get(rel, b);
        char label[32], cells[8][64];
        snprintf(label, sizeof label, "%.1f-%.1f", json_number_value(json_object_get(bin, "lo")),
                 json_number_value(json_object_get(bin, "hi")));
        cr_assert_eq(row_cells(md, "## Reliability of casus", label, cells, 8), 4);
        expect_cell(cells[1], json_object_get(bin, "mean_forecast"), 4, "mean_forecast");
        expect_cell(cells[2], json_object_get(bin, "observed"), 4, "observed");
        cr_expect_eq(strtoll(cells[3], NULL, 10), json_integer_value(json_object_get(bin, "count")), "count");
    }
    /* The run's header: pairs and joiners as in the JSON. */
    char head[160];
    snprintf(head, sizeof head, "states at risk (pairs): %lld; joiners: %lld;",
             (long long)json_integer_value(json_object_get(root, "pairs")),
             (long long)json_integer_value(json_object_get(root, "joiners")));
    cr_expect_not_null(strstr(md, head), "report.md lacks '%s'", head);
    /* The war explained, with the obligations of its opening attacks. */
    cr_expect_not_null(strstr(md, "### War 155: Sinai War"));
    cr_expect_not_null(strstr(md, "| attack | obligor | treaty | article | role | status |"));
    json_decref(root);

    /* The same seed again, into the existing directory holding a file of
     * its own: the same bytes, the other file kept, no temporary left. */
    snprintf(path, sizeof path, "%s/notes.txt", dir);
    cr_assert_eq(spit(path, "mine\n", 5), 0);
    char **before = calloc(2 * N_FIGURES + 1, sizeof *before);
    size_t before_len[2 * N_FIGURES + 1];
    for (size_t f = 0; f < 2 * N_FIGURES; f++) {
        snprintf(path, sizeof path, "%s/%s.%s", dir, figures[f / 2], f % 2 ? "png" : "svg");
        before[f] = slurp(path, &before_len[f]);
        cr_assert_not_null(before[f]);
    }
    snprintf(json_path, sizeof json_path, "%s/run2.json", tmp);
    run_report(dir, json_path);
    snprintf(path, sizeof path, "%s/report.md", dir);
    size_t md2_len;
    char *md2 = slurp(path, &md2_len);
    cr_assert_not_null(md2);
    cr_expect(md_len == md2_len && memcmp(md, md2, md_len) == 0, "report.md differs between two runs with one seed");
    for (size_t f = 0; f < 2 * N_FIGURES; f++) {
        size_t len;
        snprintf(path, sizeof path, "%s/%s.%s", dir, figures[f / 2], f % 2 ? "png" : "svg");
        char *after = slurp(path, &len);
        cr_assert_not_null(after);
        cr_expect(len == before_len[f] && memcmp(after, before[f], len) == 0, "%s differs between two runs", path);
        free(after);
        free(before[f]);
    }
    free(before);
    snprintf(path, sizeof path, "%s/notes.txt", dir);
    size_t notes_len;
    char *notes = slurp(path, &notes_len);
    cr_expect(notes && notes_len == 5, "the directory's own file is gone");
    free(notes);
    DIR *d = opendir(tmp);
    cr_assert_not_null(d);
    struct dirent *e;
    while ((e = readdir(d)))
        cr_expect(!strstr(e->d_name, ".tmp"), "a temporary was left behind: %s", e->d_name);
    closedir(d);
    free(md);
    free(md2);
    rm_temp_dir(tmp);
}

/* A directory that cannot be made (its parent is a file) is refused before
 * the work: exit 2, the reason, nothing written. */
Test(report, unwritable_directory_exits_2, .timeout = 120)
{
    char *tmp = make_temp_dir();
    char file[4200], dir[4300], json_path[4300];
    snprintf(file, sizeof file, "%s/plain", tmp);
    cr_assert_eq(spit(file, "x", 1), 0);
    snprintf(dir, sizeof dir, "%s/report", file);
    snprintf(json_path, sizeof json_path, "%s/run.json", tmp);
    run_result r = run_casus("backtest", "--war", "155", "--trials", "10", "--report", dir, "--format", "json",
                             "--output", json_path, "--data", test_data_dir(), NULL);
    cr_expect_eq(r.status, 2, "exit %d", r.status);
    cr_expect_not_null(strstr(r.err, "cannot write the report there"), "%s", r.err);
    cr_expect_not_null(strstr(r.err, "Not a directory"), "%s", r.err);
    cr_expect_eq(r.out_len, 0);
    struct stat st;
    cr_expect_neq(stat(json_path, &st), 0, "the JSON was written although the report could not be");
    run_free(&r);
    /* DIR naming an existing file is refused too. */
    r = run_casus("backtest", "--war", "155", "--trials", "10", "--report", file, "--data", test_data_dir(), NULL);
    cr_expect_eq(r.status, 2, "exit %d", r.status);
    cr_expect_not_null(strstr(r.err, "is not a directory"), "%s", r.err);
    run_free(&r);
    rm_temp_dir(tmp);
}
