/* Golden files: `casus who` in text, CSV and JSON on the queries listed in
 * tests/golden/who/queries must reproduce the stored output byte for byte.
 * scripts/golden regenerates them after a deliberate change. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

#define MAX_ARGS 40

/* The first line where a and b differ (1-based), for the message. */
static size_t first_diff_line(const char *a, size_t na, const char *b, size_t nb)
{
    size_t line = 1;
    for (size_t i = 0; i < na && i < nb; i++) {
        if (a[i] != b[i])
            return line;
        line += a[i] == '\n';
    }
    return line;
}

/* Whether s[0..n) is well-formed UTF-8 (no sequence cut short, no stray
 * continuation byte), the offset of the first bad byte in *bad. */
static bool valid_utf8(const char *s, size_t n, size_t *bad)
{
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        size_t len = u[i] < 0x80                ? 1
                     : (u[i] & 0xE0) == 0xC0 ? 2
                     : (u[i] & 0xF0) == 0xE0 ? 3
                     : (u[i] & 0xF8) == 0xF0 ? 4
                                             : 0;
        if (len == 0 || i + len > n) {
            *bad = i;
            return false;
        }
        for (size_t k = 1; k < len; k++)
            if ((u[i + k] & 0xC0) != 0x80) {
                *bad = i;
                return false;
            }
        i += len;
    }
    return true;
}

static void check_query(const char *name, char *args)
{
    static const char *const fmts[][2] = {{"text", "txt"}, {"csv", "csv"}, {"json", "json"}};
    for (size_t f = 0; f < 3; f++) {
        char *argv[MAX_ARGS + 6];
        char *copy = strdup(args);
        int n = 0;
        const char *bin = getenv("CASUS_BIN");
        argv[n++] = (char *)(bin ? bin : "casus");
        argv[n++] = "who";
        for (char *save = NULL, *w = strtok_r(copy, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
            cr_assert_lt(n, MAX_ARGS, "%s: too many arguments", name);
            argv[n++] = strcmp(w, "@DATA") == 0 ? (char *)test_data_dir() : w;
        }
        argv[n++] = "--format";
        argv[n++] = (char *)fmts[f][0];
        argv[n] = NULL;
        run_result r = run_argv(argv);
        cr_assert_eq(r.status, 0, "%s (%s): exit %d: %s", name, fmts[f][0], r.status, r.err);
        /* Quotes cut short end between characters (Cyrillic, Korean, Chinese). */
        size_t bad = 0;
        cr_expect(valid_utf8(r.out, r.out_len, &bad), "%s (%s): not UTF-8 at byte %zu", name, fmts[f][0], bad);
        char path[4096];
        snprintf(path, sizeof path, "%s/tests/golden/who/%s.%s", source_dir(), name, fmts[f][1]);
        size_t len = 0;
        char *want = slurp(path, &len);
        cr_assert_not_null(want, "cannot read %s", path);
        cr_expect(len == r.out_len && memcmp(want, r.out, len) == 0,
                  "%s: casus who --format %s differs from the golden file (%zu bytes, want %zu) from line %zu",
                  name, fmts[f][0], r.out_len, len, first_diff_line(r.out, r.out_len, want, len));
        free(want);
        run_free(&r);
        free(copy);
    }
}

Test(golden, who_text_csv_json, .timeout = 300)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/tests/golden/who/queries", source_dir());
    char *list = slurp(path, NULL);
    cr_assert_not_null(list, "cannot read %s", path);
    size_t queries = 0;
    for (char *save = NULL, *line = strtok_r(list, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (line[0] == '#' || line[0] == '\0')
            continue;
        char *sp = strchr(line, ' ');
        cr_assert_not_null(sp, "queries: '%s' has no arguments", line);
        *sp = '\0';
        check_query(line, sp + 1);
        queries++;
    }
    /* The list itself is checked: dropping queries would make the test pass vacuously. */
    cr_assert_geq(queries, 12, "only %zu golden queries", queries);
    free(list);
}
