/* The dataset loaders (casus/data.h): each file as distributed, the
 * quirks of the files, missing values, partial dates, ATOP as treaties, and
 * errors on truncated and garbled copies. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "casus/data.h"
#include "casus/who.h"
#include "testutil.h"

static casus_day ymd(int y, int m, int d) { return casus_day_from_ymd(y, m, d); }

static casus_world *empty_world(void)
{
    casus_world *w = NULL;
    cr_assert_eq(casus_world_create(&w, NULL), CASUS_OK);
    return w;
}

/* An empty world with the COW states, which the ATOP member file names. */
static casus_world *states_world(void)
{
    casus_world *w = empty_world();
    size_t len;
    char *buf = slurp_test_data("cow/states2016.csv", &len);
    casus_error err;
    cr_assert_eq(casus_data_load_text(w, CASUS_DATASET_COW_STATES, "states2016.csv", buf, len, &err), CASUS_OK, "%s",
                 err.message);
    free(buf);
    return w;
}

/* The world a file of the dataset loads into on its own. */
static casus_world *world_for(casus_dataset which)
{
    return which == CASUS_DATASET_ATOP_MEMBERS ? states_world() : empty_world();
}

static casus_status load_text(casus_world *w, casus_dataset which, const char *text, casus_error *err)
{
    return casus_data_load_text(w, which, "test.csv", text, strlen(text), err);
}

/* A world with the world tables and the datasets of `what` (CASUS_DATA_*),
 * finished.  Criterion runs every test in a process of its own, so nothing
 * loaded here outlives its test: each test asks only for the datasets its
 * assertions read (all of them cost several times more, most under the
 * sanitizers), and atop_obligation_count keeps a world with everything.
 * The world stays, reachable, to the end of the test process. */
static casus_world *data_world(unsigned what)
{
    static casus_world *w;
    cr_assert_null(w, "one data world a test");
    casus_error err;
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/world", source_dir());
    w = empty_world();
    cr_assert_eq(casus_world_load_tables(w, dir, &err), CASUS_OK, "%s", err.message);
    casus_status st = casus_data_load(w, test_data_dir(), what, &err);
    cr_assert_eq(st, CASUS_OK, "%s:%d:%d: %s", err.file, err.line, err.col, err.message);
    cr_assert_eq(casus_world_finish(w, &err), CASUS_OK);
    return w;
}

/* A world made of one dataset given as text, which must load. */
static casus_world *text_world(casus_dataset which, const char *text)
{
    casus_world *w = empty_world();
    casus_error err;
    cr_assert_eq(load_text(w, which, text, &err), CASUS_OK, "%s", err.message);
    return w;
}

/* ---- COW ---------------------------------------------------------------- */

Test(data, cow_spells_drive_membership)
{
    casus_world *w = data_world(CASUS_DATA_COW);
    casus_period sp[8];
    /* Germany: 1816-1945 and from 1990-10-03 (states2016). */
    size_t n = casus_world_spells(w, 255, sp, 8);
    cr_expect_eq(n, 2);
    cr_expect_eq(casus_world_member(w, 255, ymd(1939, 9, 1)), CASUS_HELD);
    cr_expect_eq(casus_world_member(w, 255, ymd(1950, 1, 1)), CASUS_FAILED);
    cr_expect_eq(casus_world_member(w, 255, ymd(1990, 10, 3)), CASUS_HELD);
    /* A spell censored on 2016-12-31 goes on: the end of the data is not
     * the end of the state. */
    cr_expect_eq(casus_world_member(w, 255, ymd(2024, 1, 1)), CASUS_HELD);
    cr_expect_eq(casus_world_member(w, 300, ymd(1918, 11, 12)), CASUS_HELD);
    cr_expect_eq(casus_world_member(w, 300, ymd(1918, 11, 13)), CASUS_FAILED);
    cr_expect(casus_data_loaded(w, CASUS_DATASET_COW_STATES));
}

Test(data, states_missing_from_world_tables_are_added)
{
    casus_world *w = text_world(CASUS_DATASET_COW_STATES,
                                "stateabb,ccode,statenme,styear,stmonth,stday,endyear,endmonth,endday,version\r\n"
                                "BAV,245,Bavaria,1816,1,1,1871,1,18,2016");
    const casus_state *s = casus_world_state_by_ccode(w, 245);
    cr_assert(s);
    cr_expect_str_eq(s->abb, "BAV");
    cr_expect_str_eq(s->name, "Bavaria");
    cr_expect_eq(casus_world_member(w, 245, ymd(1871, 1, 18)), CASUS_HELD);
    cr_expect_eq(casus_world_member(w, 245, ymd(1871, 1, 19)), CASUS_FAILED);
    casus_world_free(w);
}

Test(data, cow_missing_day_gives_a_partial_date)
{
    /* -9: the day is unknown (State System Membership codebook v2016). */
    casus_world *w = text_world(CASUS_DATASET_COW_STATES,
                                "stateabb,ccode,statenme,styear,stmonth,stday,endyear,endmonth,endday,version\n"
                                "XXX,998,Testland,1900,6,-9,1910,-9,-9,2016\n");
    casus_period p;
    cr_assert_eq(casus_world_spells(w, 998, &p, 1), 1);
    cr_expect_eq(p.start.lo, ymd(1900, 6, 1));
    cr_expect_eq(p.start.hi, ymd(1900, 6, 30));
    cr_expect_eq(p.end.lo, ymd(1910, 1, 1));
    cr_expect_eq(p.end.hi, ymd(1910, 12, 31));
    cr_expect_eq(casus_world_member(w, 998, ymd(1900, 6, 15)), CASUS_UNKNOWN);
    cr_expect_eq(casus_world_member(w, 998, ymd(1905, 1, 1)), CASUS_HELD);
    cr_expect_eq(casus_world_member(w, 998, ymd(1910, 7, 1)), CASUS_UNKNOWN);
    casus_world_free(w);
}

Test(data, line_endings_and_final_newline)
{
    size_t len;
    char *buf = slurp_test_data("cow/states2016.csv", &len);
    /* CRLF as distributed, no final newline; then bare CR; then LF. */
    char *cr = malloc(len + 2), *lf = malloc(len + 2);
    size_t ncr = 0, nlf = 0;
    for (size_t i = 0; i < len; i++) {
        if (buf[i] == '\r' && i + 1 < len && buf[i + 1] == '\n')
            continue;
        cr[ncr++] = buf[i] == '\n' ? '\r' : buf[i];
        lf[nlf++] = buf[i];
    }
    lf[nlf++] = '\n';
    const char *texts[] = {buf, cr, lf};
    size_t lens[] = {len, ncr, nlf};
    for (int k = 0; k < 3; k++) {
        casus_world *w = empty_world();
        casus_error err;
        cr_assert_eq(casus_data_load_text(w, CASUS_DATASET_COW_STATES, "s.csv", texts[k], lens[k], &err), CASUS_OK,
                     "variant %d: %s:%d: %s", k, err.file, err.line, err.message);
        cr_expect_eq(casus_world_state_count(w), 217, "variant %d", k);
        casus_period p[4];
        cr_expect_eq(casus_world_spells(w, 990, p, 4), 1, "variant %d: the last row (Samoa) was lost", k);
        casus_world_free(w);
    }
    free(buf);
    free(cr);
    free(lf);
}

Test(data, header_is_checked_by_name)
{
    casus_world *w = empty_world();
    casus_error err;
    /* Columns in another order are fine... */
    const char *swapped = "ccode,stateabb,statenme,styear,stmonth,stday,endyear,endmonth,endday,version\n"
                          "998,XXX,Testland,1900,6,1,1910,1,1,2016\n";
    cr_expect_eq(load_text(w, CASUS_DATASET_COW_STATES, swapped, &err), CASUS_OK, "%s", err.message);
    casus_world_free(w);
    /* ...a missing one is named. */
    w = empty_world();
    const char *missing = "ccode,stateabb,statenme,styear,stmonth,stday,endyear,endmonth,version\n"
                          "998,XXX,Testland,1900,6,1,1910,1,2016\n";
    cr_expect_eq(load_text(w, CASUS_DATASET_COW_STATES, missing, &err), CASUS_PARSE);
    cr_expect_eq(err.line, 1);
    cr_expect(strstr(err.message, "endday"), "%s", err.message);
    casus_world_free(w);
}

Test(data, errors_name_file_line_and_column)
{
    casus_world *w = empty_world();
    casus_error err;
    const char *text = "stateabb,ccode,statenme,styear,stmonth,stday,endyear,endmonth,endday,version\n"
                       "USA,2,United States of America,1816,1,1,2016,12,31,2016\n"
                       "CAN,20,Canada,1920,13,10,2016,12,31,2016\n";
    cr_assert_eq(load_text(w, CASUS_DATASET_COW_STATES, text, &err), CASUS_RANGE);
    cr_expect_str_eq(err.file, "test.csv");
    cr_expect_eq(err.line, 3);
    cr_expect_eq(err.col, 20); /* stmonth */
    cr_expect(strstr(err.message, "stmonth"), "%s", err.message);
    /* The failed load left nothing behind. */
    cr_expect_eq(casus_world_state_count(w), 0);
    cr_expect(!casus_data_loaded(w, CASUS_DATASET_COW_STATES));
    casus_world_free(w);
}

Test(data, system_years_and_majors)
{
    casus_world *w = data_world(CASUS_DATA_COW);
    cr_expect_eq(casus_data_system_year(w, 255, 1939), CASUS_HELD);
    cr_expect_eq(casus_data_system_year(w, 255, 1950), CASUS_FAILED);
    cr_expect_eq(casus_data_system_year(w, 255, 2017), CASUS_UNKNOWN); /* past the data: missing */
    cr_expect_eq(casus_data_major(w, 2, ymd(1898, 8, 12)), CASUS_FAILED);
    cr_expect_eq(casus_data_major(w, 2, ymd(1898, 8, 13)), CASUS_HELD);
    cr_expect_eq(casus_data_major(w, 2, ymd(2020, 1, 1)), CASUS_UNKNOWN);
    cr_expect_eq(casus_data_major(w, 740, ymd(1950, 1, 1)), CASUS_FAILED);
}

Test(data, contiguity)
{
    casus_world *w = data_world(CASUS_DATA_COW | CASUS_DATA_CONTIGUITY);
    int type;
    casus_truth sure;
    cr_assert_eq(casus_data_contiguity(w, 20, 2, ymd(1950, 1, 1), &type, &sure), CASUS_OK);
    cr_expect_eq(type, 1); /* land border */
    cr_expect_eq(sure, CASUS_HELD);
    /* USA-CAN begins 192001, with Canada's system entry: within that
     * month the day is in doubt, before it there is no record. */
    cr_assert_eq(casus_data_contiguity(w, 2, 20, ymd(1919, 12, 31), &type, &sure), CASUS_OK);
    cr_expect_eq(type, 0);
    cr_assert_eq(casus_data_contiguity(w, 2, 20, ymd(1920, 1, 5), &type, &sure), CASUS_OK);
    cr_expect_eq(sure, CASUS_UNKNOWN);
    cr_expect_eq(casus_data_contiguity(w, 2, 20, ymd(2020, 1, 1), &type, &sure), CASUS_NOTFOUND);
    cr_expect_eq(casus_data_contiguity(w, 2, 365, ymd(1815, 1, 1), &type, NULL), CASUS_NOTFOUND);
}

Test(data, nmc_and_missing_values)
{
    casus_world *w = data_world(CASUS_DATA_COW | CASUS_DATA_NMC);
    double cinc;
    cr_assert_eq(casus_data_cinc(w, 2, 1816, &cinc), CASUS_OK);
    cr_expect_float_eq(cinc, 0.039697491, 1e-12);
    /* Outside the data's years the value is missing, not zero. */
    cr_expect_eq(casus_data_cinc(w, 2, 2017, &cinc), CASUS_NOTFOUND);
    cr_expect(isnan(cinc));
    cr_expect_eq(casus_data_cinc(w, 255, 1950, &cinc), CASUS_NOTFOUND);
    cr_expect(isnan(cinc));
    casus_nmc v;
    cr_assert_eq(casus_data_nmc(w, 2, 1816, &v), CASUS_OK);
    cr_expect_float_eq(v.milex, 3823, 1e-9);
    /* -9 in a field is NAN in that field only. */
    casus_world *t = text_world(CASUS_DATASET_NMC, "stateabb,ccode,year,milex,milper,irst,pec,tpop,upop,cinc,version\r\n"
                                                   "USA,2,1816,-9,17,80,254,8659,-9,.039697491,2021\r\n");
    cr_assert_eq(casus_data_nmc(t, 2, 1816, &v), CASUS_OK);
    cr_expect(isnan(v.milex));
    cr_expect(isnan(v.upop));
    cr_expect_float_eq(v.milper, 17, 1e-9);
    casus_world_free(t);
}

Test(data, plain_tables)
{
    casus_world *w = data_world(CASUS_DATA_WARS | CASUS_DATA_MID);
    const casus_table *b = casus_data_table(w, "MIDB");
    cr_assert(b);
    cr_expect_eq(casus_table_rows(b), 5883);
    cr_expect_eq(casus_table_cols(b), 19);
    int stabb = casus_table_column(b, "stabb"), stday = casus_table_column(b, "stday");
    cr_assert(stabb >= 0 && stday >= 0);
    cr_expect_str_eq(casus_table_cell(b, 0, (size_t)stabb), "UKG");
    long v;
    cr_expect_eq(casus_table_int(b, 0, (size_t)stday, &v), CASUS_NOTFOUND); /* -9 */
    cr_expect_eq(casus_table_int(b, 0, 0, &v), CASUS_OK);
    cr_expect_eq(v, 2);
    cr_expect_null(casus_table_cell(b, 5883, 0));
    cr_expect_eq(casus_table_rows(casus_data_table(w, "MIDA")), 2436);
    const casus_table *d = casus_data_table(w, "directed_dyadic_war");
    cr_expect_eq(casus_table_rows(d), 1364);
    cr_expect_eq(casus_table_column(d, "nope"), -1);
    cr_expect_null(casus_data_table(w, "nope"));
}

/* ---- ATOP --------------------------------------------------------------- */

Test(data, atop_alliance_as_treaty)
{
    casus_world *w = data_world(CASUS_DATA_COW | CASUS_DATA_ATOP);
    const casus_treaty *t = casus_world_treaty_find(w, "atop-1335");
    cr_assert(t);
    cr_expect_eq(t->from_atop, 1);
    cr_assert_eq(t->n_atop, 1);
    cr_expect_eq(t->atop[0], 1335);
    cr_expect_str_eq(t->title, "ATOP alliance 1335");
    cr_expect_eq(t->in_force.start.lo, ymd(1879, 10, 7));
    cr_expect_eq(t->in_force.end.hi, ymd(1918, 11, 3));
    cr_expect_eq(t->n_parties, 2);
    cr_expect_eq(t->n_articles, 1);
    cr_expect_str_eq(t->articles[0].number, "ATOP");
    cr_assert_eq(t->articles[0].n_passages, 1);
    cr_expect_eq(t->articles[0].passages[0].status, CASUS_TEXT_CODED);
    /* defense and neutral for each of the two members */
    cr_assert_eq(t->articles[0].n_rules, 4);
    const casus_rule *r = &t->articles[0].rules[0];
    cr_expect_eq(r->kind, CASUS_KIND_DEFENSE);
    cr_expect_eq(r->n_owed_by, 1);
    cr_assert_eq(r->n_conds, 1);
    cr_expect_eq(r->conds[0].kind, CASUS_COND_UNDECIDABLE);
    cr_expect(strstr(r->conds[0].text, "ATOP does not name"));
    /* NEUCOATT becomes a decidable condition. */
    const casus_rule *n = &t->articles[0].rules[1];
    cr_expect_eq(n->kind, CASUS_KIND_NEUTRALITY);
    bool att = false;
    for (size_t i = 0; i < n->n_conds; i++)
        att |= n->conds[i].kind == CASUS_COND_BENEFICIARY_ATTACKED;
    cr_expect(att);
    /* 789 alliances in ATOP 5.1. */
    size_t natop = 0;
    for (size_t i = 0; i < casus_world_treaty_count(w); i++)
        natop += casus_world_treaty_at(w, i)->from_atop;
    cr_expect_eq(natop, 789);
}

Test(data, atop_phases_become_articles)
{
    casus_world *w = data_world(CASUS_DATA_COW | CASUS_DATA_ATOP);
    const casus_treaty *t = casus_world_treaty_find(w, "atop-2440");
    cr_assert(t);
    cr_assert_eq(t->n_articles, 2);
    cr_expect_str_eq(t->articles[0].number, "phase 1");
    cr_expect_str_eq(t->articles[1].number, "phase 2");
    cr_expect_eq(t->articles[1].rules[0].phase, 2);
    /* UKG and POL each go on from phase 1 into phase 2: one party each. */
    cr_expect_eq(t->n_parties, 2);
    const casus_obligation *first;
    size_t n = casus_world_obligations_to(w, 290, &first);
    bool phase2 = false;
    for (size_t i = 0; i < n; i++)
        if (first[i].treaty == t && first[i].obligor == 200 && first[i].kind == CASUS_KIND_DEFENSE)
            phase2 |= first[i].phase == 2 && first[i].valid.start.lo == ymd(1939, 8, 25);
    cr_expect(phase2);
}

Test(data, atop_partial_dates)
{
    casus_world *w = data_world(CASUS_DATA_COW | CASUS_DATA_ATOP);
    /* ATOP 1115: UKG and RUS sign in June 1844, day unknown (DAYENT blank). */
    const casus_treaty *t = casus_world_treaty_find(w, "atop-1115");
    cr_assert(t);
    cr_assert(t->n_parties >= 1);
    cr_expect_eq(t->parties[0].member.start.lo, ymd(1844, 6, 1));
    cr_expect_eq(t->parties[0].member.start.hi, ymd(1844, 6, 30));
    /* ATOP 1040 ends in March 1820, day unknown (DAYEXIT blank). */
    t = casus_world_treaty_find(w, "atop-1040");
    cr_assert(t);
    cr_expect_eq(t->in_force.end.lo, ymd(1820, 3, 1));
    cr_expect_eq(t->in_force.end.hi, ymd(1820, 3, 31));
    /* Still in effect on 2018-12-31: an open end. */
    t = casus_world_treaty_find(w, "atop-3180");
    cr_assert(t);
    cr_expect(casus_span_is_open(t->in_force.end));
}

Test(data, atop_member_left_and_came_back)
{
    casus_world *w = data_world(CASUS_DATA_COW | CASUS_DATA_ATOP);
    /* Member 651 (Egypt) has two rows in phase 0 of ATOP 3015: two
     * stretches of membership, two party entries. */
    const casus_treaty *t = casus_world_treaty_find(w, "atop-3015");
    cr_assert(t);
    size_t n = 0;
    for (size_t i = 0; i < t->n_parties; i++)
        n += t->parties[i].ccode == 651;
    cr_expect_eq(n, 2);
}

Test(data, atop_obvary_is_marked)
{
    casus_world *w = data_world(CASUS_DATA_COW | CASUS_DATA_ATOP);
    const casus_treaty *t = casus_world_treaty_find(w, "atop-1355");
    cr_assert(t);
    bool marked = false;
    for (size_t a = 0; a < t->n_articles; a++)
        for (size_t r = 0; r < t->articles[a].n_rules; r++)
            for (size_t c = 0; c < t->articles[a].rules[r].n_conds; c++)
                marked |= strstr(t->articles[a].rules[r].conds[c].text, "OBVARY") != NULL;
    cr_expect(marked);
}

Test(data, atop_member_without_cow_code_is_dropped)
{
    casus_world *w = data_world(CASUS_DATA_COW | CASUS_DATA_ATOP);
    /* ATOP 1320: France and Annam (8152, no COW code). */
    const casus_treaty *t = casus_world_treaty_find(w, "atop-1320");
    cr_assert(t);
    cr_expect_eq(t->n_parties, 1);
    cr_expect_eq(t->parties[0].ccode, 220);
}

Test(data, atop_obligation_count)
{
    casus_world *w = data_world(CASUS_DATA_ALL);
    size_t n = casus_world_obligation_count(w);
    /* 789 alliances make some tens of thousands of directed obligations. */
    cr_expect(n > 20000 && n < 200000, "%zu obligations", n);
}

Test(data, atop_member_file_alone)
{
    size_t len;
    char *buf = slurp_test_data("atop/atop5_1m.csv", &len);
    casus_world *w = states_world();
    casus_error err;
    cr_assert_eq(casus_data_load_text(w, CASUS_DATASET_ATOP_MEMBERS, "m.csv", buf, len, &err), CASUS_OK, "%s",
                 err.message);
    cr_assert_eq(casus_world_finish(w, &err), CASUS_OK);
    const casus_treaty *t = casus_world_treaty_find(w, "atop-1335");
    cr_assert(t);
    cr_expect_eq(t->in_force.start.lo, ymd(1879, 10, 7));
    /* Loading it twice is refused. */
    cr_expect_eq(casus_data_load_text(w, CASUS_DATASET_ATOP_MEMBERS, "m.csv", buf, len, &err), CASUS_INVALID);
    casus_world_free(w);
    free(buf);
}

Test(data, atop_members_must_match_alliance_file)
{
    casus_world *w = states_world();
    casus_error err;
    size_t len;
    char *a = slurp_test_data("atop/atop5_1a.csv", &len);
    /* Only the header and the first alliance (1005). */
    char *nl = strchr(strchr(a, '\n') + 1, '\n');
    cr_assert_eq(casus_data_load_text(w, CASUS_DATASET_ATOP_ALLIANCES, "a.csv", a, (size_t)(nl + 1 - a), &err), CASUS_OK,
                 "%s", err.message);
    free(a);
    char *m = slurp_test_data("atop/atop5_1m.csv", &len);
    cr_expect_eq(casus_data_load_text(w, CASUS_DATASET_ATOP_MEMBERS, "m.csv", m, len, &err), CASUS_PARSE);
    cr_expect(strstr(err.message, "not in atop/atop5_1a.csv"), "%s", err.message);
    cr_expect_gt(err.line, 1);
    cr_expect_eq(casus_world_treaty_count(w), 0);
    free(m);
    casus_world_free(w);
}

/* ---- the data directory ------------------------------------------------- */

Test(data, find_dir)
{
    char out[4096];
    casus_error err;
    unsetenv("CASUS_DATA");
    cr_expect_eq(casus_data_find_dir(test_data_dir(), NULL, out, sizeof out, &err), CASUS_OK);
    cr_expect_str_eq(out, test_data_dir());
    cr_expect_eq(casus_data_find_dir("/nonexistent/dir", NULL, out, sizeof out, &err), CASUS_NOTFOUND);
    cr_expect_str_eq(err.file, "/nonexistent/dir");
    setenv("CASUS_DATA", test_data_dir(), 1);
    cr_expect_eq(casus_data_find_dir(NULL, NULL, out, sizeof out, &err), CASUS_OK);
    cr_expect_str_eq(out, test_data_dir());
    setenv("CASUS_DATA", "/nonexistent/env", 1);
    cr_expect_eq(casus_data_find_dir(NULL, NULL, out, sizeof out, &err), CASUS_NOTFOUND);
    unsetenv("CASUS_DATA");
    /* XDG default, then the share directory, then nothing. */
    char *tmp = make_temp_dir();
    char path[4096];
    snprintf(path, sizeof path, "%s/casus", tmp);
    cr_assert_eq(symlink(test_data_dir(), path), 0);
    setenv("XDG_DATA_HOME", tmp, 1);
    cr_expect_eq(casus_data_find_dir(NULL, NULL, out, sizeof out, &err), CASUS_OK);
    cr_expect_str_eq(out, path);
    setenv("XDG_DATA_HOME", "/nonexistent", 1);
    setenv("HOME", "/nonexistent", 1);
    cr_expect_eq(casus_data_find_dir(NULL, test_data_dir(), out, sizeof out, &err), CASUS_OK);
    cr_expect_str_eq(out, test_data_dir());
    cr_expect_eq(casus_data_find_dir(NULL, "/nonexistent/share", out, sizeof out, &err), CASUS_OK);
    cr_expect_str_eq(out, "");
    rm_rf(tmp);
    free(tmp);
}

Test(data, missing_file_is_named)
{
    char *tmp = make_temp_dir();
    casus_world *w = empty_world();
    casus_error err;
    cr_expect_eq(casus_data_load(w, tmp, CASUS_DATA_COW, &err), CASUS_NOTFOUND);
    cr_expect(strstr(err.file, "cow/states2016.csv"), "%s", err.file);
    casus_world_free(w);
    rm_rf(tmp);
    free(tmp);
}

Test(data, a_directory_in_a_files_place_is_named_as_such)
{
    char *tmp = make_temp_dir();
    char path[4096];
    snprintf(path, sizeof path, "%s/cow", tmp);
    cr_assert_eq(mkdir(path, 0755), 0);
    snprintf(path, sizeof path, "%s/cow/states2016.csv", tmp);
    cr_assert_eq(mkdir(path, 0755), 0);
    casus_world *w = empty_world();
    casus_error err;
    cr_expect_eq(casus_data_load(w, tmp, CASUS_DATA_COW, &err), CASUS_NOTFOUND);
    cr_expect_str_eq(err.file, path);
    cr_expect_str_eq(err.message, "missing dataset file: not a regular file");
    casus_world_free(w);
    rm_rf(tmp);
    free(tmp);
}

/* ---- truncated and garbled copies ---------------------------------------- */

static const struct {
    casus_dataset which;
    const char *file;
} all_files[] = {
    {CASUS_DATASET_COW_STATES, "cow/states2016.csv"}, {CASUS_DATASET_COW_SYSTEM, "cow/system2016.csv"},
    {CASUS_DATASET_COW_MAJORS, "cow/majors2016.csv"}, {CASUS_DATASET_CONTIGUITY, "cow/contdir.csv"},
    {CASUS_DATASET_NMC, "cow/NMC-60-abridged.csv"},   {CASUS_DATASET_ATOP_ALLIANCES, "atop/atop5_1a.csv"},
    {CASUS_DATASET_ATOP_PHASES, "atop/atop5_1aph.csv"}, {CASUS_DATASET_ATOP_MEMBERS, "atop/atop5_1m.csv"},
    {CASUS_DATASET_DYADIC_WAR, "cow/directed_dyadic_war.csv"}, {CASUS_DATASET_MIDA, "cow/MIDA_5.0.csv"},
    {CASUS_DATASET_MIDB, "cow/MIDB_5.0.csv"},
};
#define N_FILES (sizeof all_files / sizeof *all_files)

/* Loads a mutated copy; it must fail with the file and a line named, and
 * leave the world as it was. */
static void expect_error(size_t k, const char *buf, size_t len, const char *what)
{
    casus_world *w = world_for(all_files[k].which);
    casus_error err;
    casus_error_clear(&err);
    casus_status st = casus_data_load_text(w, all_files[k].which, all_files[k].file, buf, len, &err);
    cr_expect_neq(st, CASUS_OK, "%s: %s was accepted", all_files[k].file, what);
    if (st != CASUS_OK) {
        cr_expect_str_eq(err.file, all_files[k].file);
        cr_expect_gt(err.line, 0, "%s: %s: no line in '%s'", all_files[k].file, what, err.message);
    }
    cr_expect_eq(casus_world_treaty_count(w), 0);
    cr_expect(!casus_data_loaded(w, all_files[k].which));
    casus_world_free(w);
}

/* The offset of the start of line `line` (1-based). */
static size_t line_start(const char *buf, size_t len, int line)
{
    size_t i = 0;
    for (int l = 1; l < line && i < len; i++)
        if (buf[i] == '\n' || (buf[i] == '\r' && !(i + 1 < len && buf[i + 1] == '\n')))
            l++;
    return i;
}

Test(data, every_real_file_loads)
{
    for (size_t k = 0; k < N_FILES; k++) {
        size_t len;
        char *buf = slurp_test_data(all_files[k].file, &len);
        casus_world *w = world_for(all_files[k].which);
        casus_error err;
        cr_expect_eq(casus_data_load_text(w, all_files[k].which, all_files[k].file, buf, len, &err), CASUS_OK,
                     "%s:%d:%d: %s", err.file, err.line, err.col, err.message);
        cr_expect_eq(casus_world_finish(w, &err), CASUS_OK);
        casus_world_free(w);
        free(buf);
    }
}

Test(data, truncated_copies_fail)
{
    for (size_t k = 0; k < N_FILES; k++) {
        size_t len;
        char *buf = slurp_test_data(all_files[k].file, &len);
        /* Cut a few bytes into a data line: the last record is short. */
        const int lines[] = {2, 3, 10, 50};
        for (size_t c = 0; c < 4; c++) {
            size_t at = line_start(buf, len, lines[c]);
            if (at + 3 >= len)
                continue;
            expect_error(k, buf, at + 3, "a copy cut in a line");
        }
        /* Cut inside the header. */
        expect_error(k, buf, 5, "a copy cut in the header");
        /* Nothing at all, and the header alone. */
        expect_error(k, buf, 0, "an empty copy");
        expect_error(k, buf, line_start(buf, len, 2), "the header alone");
        free(buf);
    }
}

Test(data, garbled_copies_fail)
{
    for (size_t k = 0; k < N_FILES; k++) {
        size_t len;
        char *buf = slurp_test_data(all_files[k].file, &len);
        char *copy = malloc(len + 1);
        /* A digit of the first field of a data line turned into a letter. */
        for (int line = 2; line <= 40; line += 19) {
            memcpy(copy, buf, len);
            size_t at = line_start(copy, len, line);
            if (at >= len)
                continue;
            copy[at] = 'x';
            expect_error(k, copy, len, "a letter in a number");
        }
        /* A field removed from a data line. */
        memcpy(copy, buf, len);
        size_t at = line_start(copy, len, 7);
        char *comma = memchr(copy + at, ',', len - at);
        cr_assert(comma);
        memmove(comma, comma + 1, len - (size_t)(comma + 1 - copy));
        expect_error(k, copy, len - 1, "a removed field");
        /* A byte of the header flipped. */
        memcpy(copy, buf, len);
        copy[1] ^= 0x20;
        expect_error(k, copy, len, "a garbled header");
        /* A NUL byte. */
        memcpy(copy, buf, len);
        copy[line_start(copy, len, 3) + 1] = '\0';
        expect_error(k, copy, len, "a NUL byte");
        free(copy);
        free(buf);
    }
}
