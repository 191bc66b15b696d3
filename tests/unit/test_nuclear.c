/* The nuclear-armed states table: the shipped file and the look-up by day,
 * partial dates and ranges, every error with its exact text (golden), and
 * out-of-memory at every allocation. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "casus/nuclear.h"
#include "casus/world.h"
#include "testutil.h"

static casus_nuclear *shipped(casus_world *w)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/world/nuclear.csv", source_dir());
    casus_nuclear *n = NULL;
    casus_error err;
    cr_assert_eq(casus_nuclear_load_file(w, path, &n, &err), CASUS_OK, "%s:%d:%d: %s", err.file, err.line, err.col,
                 err.message);
    return n;
}

static casus_day ymd(int y, int m, int d)
{
    return casus_day_from_ymd(y, m, d);
}

Test(nuclear, the_shipped_table_dates_each_first_test)
{
    casus_world *w = test_world_tables();
    casus_nuclear *n = shipped(w);
    cr_assert_eq(casus_nuclear_count(n), 10);
    static const struct {
        int ccode;
        int y, m, d;
    } FIRST[] = {{2, 1945, 7, 16},  {365, 1949, 8, 29}, {200, 1952, 10, 3}, {220, 1960, 2, 13},
                 {710, 1964, 10, 16}, {750, 1974, 5, 18}, {770, 1998, 5, 28}, {731, 2006, 10, 9}};
    for (size_t i = 0; i < sizeof FIRST / sizeof *FIRST; i++) {
        casus_day day = ymd(FIRST[i].y, FIRST[i].m, FIRST[i].d);
        cr_expect_eq(casus_nuclear_armed(n, FIRST[i].ccode, day - 1), CASUS_FAILED, "%d", FIRST[i].ccode);
        cr_expect_eq(casus_nuclear_armed(n, FIRST[i].ccode, day), CASUS_HELD, "%d", FIRST[i].ccode);
        cr_expect_eq(casus_nuclear_armed(n, FIRST[i].ccode, ymd(2025, 3, 1)), CASUS_HELD, "%d", FIRST[i].ccode);
    }
    /* Israel: an estimate, May-June 1967: not decidable inside it. */
    cr_assert_eq(casus_nuclear_armed(n, 666, ymd(1967, 4, 30)), CASUS_FAILED);
    cr_assert_eq(casus_nuclear_armed(n, 666, ymd(1967, 6, 5)), CASUS_UNKNOWN);
    cr_assert_eq(casus_nuclear_armed(n, 666, ymd(1967, 7, 1)), CASUS_HELD);
    /* South Africa: from December 1982 to some day between 1990 and July 1991. */
    cr_assert_eq(casus_nuclear_armed(n, 560, ymd(1982, 11, 30)), CASUS_FAILED);
    cr_assert_eq(casus_nuclear_armed(n, 560, ymd(1985, 1, 1)), CASUS_HELD);
    cr_assert_eq(casus_nuclear_armed(n, 560, ymd(1990, 6, 1)), CASUS_UNKNOWN);
    cr_assert_eq(casus_nuclear_armed(n, 560, ymd(1991, 8, 1)), CASUS_FAILED);
    /* States never armed, and the ones that are not states of the table. */
    cr_assert_eq(casus_nuclear_armed(n, 732, ymd(2025, 3, 1)), CASUS_FAILED);
    cr_assert_eq(casus_nuclear_armed(n, 740, ymd(2025, 3, 1)), CASUS_FAILED);
    for (size_t i = 0; i < casus_nuclear_count(n); i++) {
        const casus_nuclear_state *s = casus_nuclear_at(n, i);
        cr_expect_eq(s->estimated, s->ccode == 666 || s->ccode == 560, "%d", s->ccode);
        cr_expect_neq(s->basis[0], '\0');
        cr_expect_eq(s->source[0], 'N');
    }
    cr_assert_null(casus_nuclear_at(n, 10));
    cr_assert_eq(casus_nuclear_at(n, 0)->line, 2);
    casus_nuclear_free(n);
    casus_world_free(w);
}

#define HDR "ccode,abb,from,until,estimated,basis,source\n"

static const struct {
    const char *text;
    const char *expect;
} BAD[] = {
    {"", "bad.csv:1:1: empty file (expected the header ccode,abb,from,until,estimated,basis,source)"},
    {"ccode,abb,from\n", "bad.csv:1:1: expected 7 columns in the header, found 3"},
    {"ccode,abb,from,to,estimated,basis,source\n", "bad.csv:1:16: expected column 'until', found 'to'"},
    {HDR "2,USA,1945-07-16,,no,b\n", "bad.csv:2:23: expected 7 fields, found 6"},
    {HDR "9999,USA,1945-07-16,,no,b,N1\n", "bad.csv:2:1: '9999' is not a state code of the world"},
    {HDR "2,RUS,1945-07-16,,no,b,N1\n", "bad.csv:2:3: COW code 2 is USA, not 'RUS'"},
    {HDR "2,USA,1945-07-32,,no,b,N1\n",
     "bad.csv:2:7: '1945-07-32' is not a date (YYYY-MM-DD, YYYY-MM, YYYY, or a range A..B)"},
    {HDR "2,USA,1967-06..1967-05,,no,b,N1\n",
     "bad.csv:2:7: '1967-06..1967-05' is not a date (YYYY-MM-DD, YYYY-MM, YYYY, or a range A..B)"},
    {HDR "2,USA,1945-07-16,1940,no,b,N1\n", "bad.csv:2:18: 'until' is before 'from'"},
    {HDR "2,USA,1945-07-16,,maybe,b,N1\n", "bad.csv:2:19: 'estimated' must be yes or no, not 'maybe'"},
    {HDR "2,USA,1945-07-16,,no,,N1\n", "bad.csv:2:22: empty basis (say which test, or which estimate)"},
    {HDR "2,USA,1945-07-16,,no,b,\n", "bad.csv:2:24: empty source (a key of world/README.md)"},
    {HDR "2,USA,1945-07-16,,no,b,N1\n2,USA,1950,,no,b,N1\n",
     "bad.csv:3:1: USA is already listed for part of that period (line 2)"},
};

Test(nuclear, errors_name_file_line_and_column)
{
    casus_world *w = test_world_tables();
    for (size_t i = 0; i < sizeof BAD / sizeof *BAD; i++) {
        casus_error err;
        casus_error_clear(&err);
        casus_nuclear *n = (casus_nuclear *)&err;
        cr_assert_eq(casus_nuclear_parse(w, "bad.csv", BAD[i].text, strlen(BAD[i].text), &n, &err), CASUS_PARSE,
                     "case %zu", i);
        cr_assert_null(n, "case %zu", i);
        expect_error_line(&err, BAD[i].expect, i);
    }
    casus_world_free(w);
}

Test(nuclear, a_state_may_have_two_spells)
{
    casus_world *w = test_world_tables();
    const char *text = HDR "560,SAF,1982,1990,yes,b,N6\n560,SAF,2030-01-01,,no,b,N0\n";
    casus_nuclear *n = NULL;
    cr_assert_eq(casus_nuclear_parse(w, "two.csv", text, strlen(text), &n, NULL), CASUS_OK);
    cr_assert_eq(casus_nuclear_armed(n, 560, ymd(1982, 6, 1)), CASUS_UNKNOWN);
    cr_assert_eq(casus_nuclear_armed(n, 560, ymd(1985, 6, 1)), CASUS_HELD);
    cr_assert_eq(casus_nuclear_armed(n, 560, ymd(2000, 6, 1)), CASUS_FAILED);
    cr_assert_eq(casus_nuclear_armed(n, 560, ymd(2030, 1, 1)), CASUS_HELD);
    casus_nuclear_free(n);
    casus_world_free(w);
}

Test(nuclear, out_of_memory_at_every_allocation_fails_cleanly)
{
    fail_after f = {.left = 1L << 40};
    casus_world *w = test_world_tables_with(fail_after_alloc, &f);
    char path[4096];
    snprintf(path, sizeof path, "%s/world/nuclear.csv", source_dir());
    long k;
    for (k = 0;; k++) {
        casus_nuclear *n = NULL;
        casus_error err;
        f.left = k;
        casus_status st = casus_nuclear_load_file(w, path, &n, &err);
        f.left = 1L << 40;
        if (st == CASUS_OK) {
            cr_assert_eq(casus_nuclear_count(n), 10);
            casus_nuclear_free(n);
            break;
        }
        cr_assert_eq(st, CASUS_NOMEM, "allocation %ld: %s", k, err.message);
        cr_assert_null(n);
    }
    cr_assert_gt(k, 3, "the load should need several allocations, not %ld", k);
    casus_world_free(w);
}
