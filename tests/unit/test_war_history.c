/* War histories (src/lib/history.c) and `casus wars history`: the first-day
 * rule and its window, partial dates, second spells, side changes, states
 * entering and leaving the system during a war; on a synthetic war whose
 * every number is worked out by hand in the comments, and on the real file. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "casus/data.h"
#include "casus/history.h"
#include "casus/wars.h"
#include "testutil.h"

static const char war_header[] =
    "WarNum,WarName,WarType,ccode,StateName,Side,StartMonth1,StartDay1,StartYear1,EndMonth1,EndDay1,EndYear1,"
    "StartMonth2,StartDay2,StartYear2,EndMonth2,EndDay2,EndYear2,TransFrom,WhereFought,Initiator,Outcome,TransTo,"
    "BatDeath,Version\n";

/* War 1 begins 1900-03-01 and ends 1900-12-31: 306 days, day 0 to 305.
 * AAA (2) attacks BBB (20) on day 0; BBB is no initiator but fights on the
 * first day.  CCC enters on 1900-03-05 (day 4).  DDD in April 1900, day
 * unknown: days 31-60.  EEE in March 1900, day unknown: days 0-30.  FFF
 * enters on side 1 on 1900-06-01 (day 92) and changes to side 2 on
 * 1900-09-01.  GGG fights 1900-05-01 (day 61) to 06-01 and again from
 * 08-01: a second spell. */
static const char war_rows[] =
    "1,Test War,1,2,Aland,1,3,1,1900,12,31,1900,-8,-8,-8,-8,-8,-8,-8,2,1,1,-8,100,4\n"
    "1,Test War,1,20,Bland,2,3,1,1900,12,31,1900,-8,-8,-8,-8,-8,-8,-8,2,2,2,-8,100,4\n"
    "1,Test War,1,31,Cland,2,3,5,1900,12,31,1900,-8,-8,-8,-8,-8,-8,-8,2,2,2,-8,100,4\n"
    "1,Test War,1,40,Dland,1,4,-9,1900,12,31,1900,-8,-8,-8,-8,-8,-8,-8,2,2,1,-8,100,4\n"
    "1,Test War,1,41,Eland,1,3,-9,1900,12,31,1900,-8,-8,-8,-8,-8,-8,-8,2,2,1,-8,100,4\n"
    "1,Test War,1,51,Fland,2,9,1,1900,12,31,1900,-8,-8,-8,-8,-8,-8,-8,2,2,2,-8,100,4\n"
    "1,Test War,1,51,Fland,1,6,1,1900,8,31,1900,-8,-8,-8,-8,-8,-8,-8,2,2,8,-8,100,4\n"
    "1,Test War,1,52,Gland,2,5,1,1900,6,1,1900,8,1,1900,12,31,1900,-8,2,2,2,-8,100,4\n";

/* The system: everyone from 1816, except HHH (60), a member from
 * 1900-07-01 (day 122), and III (70), out of the system from 1900-05-02
 * (its spell ends 1900-05-01, day 61) to 1900-10-01 (day 214). */
static const char states_csv[] =
    "stateabb,ccode,statenme,styear,stmonth,stday,endyear,endmonth,endday,version\n"
    "AAA,2,Aland,1816,1,1,2016,12,31,2016\n"
    "BBB,20,Bland,1816,1,1,2016,12,31,2016\n"
    "CCC,31,Cland,1816,1,1,2016,12,31,2016\n"
    "DDD,40,Dland,1816,1,1,2016,12,31,2016\n"
    "EEE,41,Eland,1816,1,1,2016,12,31,2016\n"
    "FFF,51,Fland,1816,1,1,2016,12,31,2016\n"
    "GGG,52,Gland,1816,1,1,2016,12,31,2016\n"
    "HHH,60,Hland,1900,7,1,2016,12,31,2016\n"
    "III,70,Iland,1816,1,1,1900,5,1,2016\n"
    "III,70,Iland,1900,10,1,2016,12,31,2016\n"
    "JJJ,80,Jland,1816,1,1,2016,12,31,2016\n";

static casus_world *synthetic_world(void)
{
    casus_world *w = NULL;
    casus_error err;
    cr_assert_eq(casus_world_create(&w, &err), CASUS_OK);
    cr_assert_eq(casus_data_load_text(w, CASUS_DATASET_COW_STATES, "states.csv", states_csv, strlen(states_csv), &err),
                 CASUS_OK, "%s", err.message);
    cr_assert_eq(casus_world_finish(w, &err), CASUS_OK, "%s", err.message);
    return w;
}

static casus_wars *synthetic_wars(void)
{
    char text[4096];
    snprintf(text, sizeof text, "%s%s", war_header, war_rows);
    casus_wars *wars = NULL;
    casus_error err;
    cr_assert_eq(casus_wars_create(&wars, &err), CASUS_OK);
    cr_assert_eq(casus_wars_load_text(wars, "wars.csv", text, strlen(text), &err), CASUS_OK, "%d:%d: %s", err.line,
                 err.col, err.message);
    return wars;
}

static casus_history *build(const casus_world *w, const casus_wars *wars, int window)
{
    casus_history *h = NULL;
    casus_error err;
    casus_history_options o = {.day0_window = window};
    cr_assert_eq(casus_history_build(w, wars, &o, &h, &err), CASUS_OK, "%s", err.message);
    return h;
}

static const casus_history_belligerent *bel(const casus_war_history *h, int cc)
{
    const casus_history_belligerent *b = casus_war_history_belligerent(h, cc);
    cr_assert_not_null(b, "war %d: no belligerent %d", h->war->number, cc);
    return b;
}

/* The i-th at-risk stretch of state cc (0 the first). */
static const casus_history_risk *risk(const casus_war_history *h, int cc, int i)
{
    for (size_t k = 0; k < h->n_at_risk; k++)
        if (h->at_risk[k].ccode == cc && i-- == 0)
            return &h->at_risk[k];
    cr_assert_fail("war %d: no at-risk stretch %d of %d", h->war->number, i, cc);
    return NULL;
}

static size_t stretches(const casus_war_history *h, int cc)
{
    size_t n = 0;
    for (size_t k = 0; k < h->n_at_risk; k++)
        n += h->at_risk[k].ccode == cc;
    return n;
}

static void expect_risk(const casus_war_history *h, int cc, int i, int from, int until, casus_history_exit ex,
                        bool entered)
{
    const casus_history_risk *r = risk(h, cc, i);
    cr_expect_eq(r->from, from, "%d[%d]: from %d, want %d", cc, i, r->from, from);
    cr_expect_eq(r->until, until, "%d[%d]: until %d, want %d", cc, i, r->until, until);
    cr_expect_eq(r->exit, ex, "%d[%d]: exit %s", cc, i, casus_history_exit_str(r->exit));
    cr_expect_eq(r->entered_system, entered, "%d[%d]: entered_system", cc, i);
    if (ex == CASUS_HISTORY_JOINED)
        cr_expect_eq(h->belligerents[r->joined].ccode, cc);
    else
        cr_expect_eq(r->joined, -1);
}

Test(war_history, synthetic_strict_rule)
{
    casus_world *w = synthetic_world();
    casus_wars *wars = synthetic_wars();
    casus_history *hist = build(w, wars, 0);
    cr_assert_eq(casus_history_count(hist), 1);
    const casus_war_history *h = casus_history_find(hist, 1);
    cr_assert_not_null(h);
    cr_expect_eq(h->first_day.lo, casus_day_from_ymd(1900, 3, 1));
    cr_expect_eq(h->last_day, casus_day_from_ymd(1900, 12, 31));
    cr_expect_eq(h->length, 306);
    cr_assert_eq(h->n_belligerents, 7);
    cr_assert_eq(h->n_day0, 2);
    /* Day 0: the initiator and its target, which did not initiate. */
    cr_expect_eq(h->belligerents[0].ccode, 2);
    cr_expect(h->belligerents[0].initiator);
    cr_expect_eq(h->belligerents[1].ccode, 20);
    cr_expect_not(h->belligerents[1].initiator);
    cr_expect(h->belligerents[1].day0);
    /* Entrants by earliest entry day: EEE (0-30), CCC (4), DDD (31-60),
     * GGG (61), FFF (92). */
    int order[] = {41, 31, 40, 52, 51};
    for (int i = 0; i < 5; i++)
        cr_expect_eq(h->belligerents[2 + i].ccode, order[i], "entrant %d is %d", i, h->belligerents[2 + i].ccode);
    const casus_history_belligerent *e = bel(h, 41);
    cr_expect_eq(e->offset_lo, 0);
    cr_expect_eq(e->offset_hi, 30);
    cr_expect_not(e->day0, "a March entry may be 30 days late: no invented first day");
    e = bel(h, 40);
    cr_expect_eq(e->offset_lo, 31);
    cr_expect_eq(e->offset_hi, 60);
    cr_expect_eq(e->entry.lo, casus_day_from_ymd(1900, 4, 1));
    cr_expect_eq(e->entry.hi, casus_day_from_ymd(1900, 4, 30));
    e = bel(h, 31);
    cr_expect_eq(e->offset_lo, 4);
    cr_expect_eq(e->offset_hi, 4);
    cr_expect_eq(e->side, 2);
    /* FFF: the later row (side 2) is a change of sides, not a new entry. */
    e = bel(h, 51);
    cr_expect_eq(e->side, 1);
    cr_expect_eq(e->offset_lo, 92);
    cr_expect_eq(e->switched_to, 2);
    cr_expect_eq(e->switched_on.lo, casus_day_from_ymd(1900, 9, 1));
    cr_expect_not(e->second_spell);
    /* GGG: the second spell does not make a second entry. */
    e = bel(h, 52);
    cr_expect(e->second_spell);
    cr_expect_eq(e->offset_lo, 61);
    cr_expect_eq(e->switched_to, 0);

    cr_expect_eq(stretches(h, 2), 0, "day-0 belligerents are not at risk");
    cr_expect_eq(stretches(h, 20), 0);
    expect_risk(h, 31, 0, 0, 4, CASUS_HISTORY_JOINED, false);
    expect_risk(h, 40, 0, 0, 31, CASUS_HISTORY_JOINED, false);
    expect_risk(h, 41, 0, 0, 0, CASUS_HISTORY_JOINED, false);
    expect_risk(h, 51, 0, 0, 92, CASUS_HISTORY_JOINED, false);
    expect_risk(h, 52, 0, 0, 61, CASUS_HISTORY_JOINED, false);
    cr_expect_eq(stretches(h, 60), 1);
    expect_risk(h, 60, 0, 122, 305, CASUS_HISTORY_WAR_ENDED, true);
    cr_expect_eq(stretches(h, 70), 2);
    expect_risk(h, 70, 0, 0, 61, CASUS_HISTORY_LEFT_SYSTEM, false);
    expect_risk(h, 70, 1, 214, 305, CASUS_HISTORY_WAR_ENDED, true);
    expect_risk(h, 80, 0, 0, 305, CASUS_HISTORY_WAR_ENDED, false);
    cr_expect_eq(h->n_at_risk, 9);
    casus_history_free(hist);
    casus_wars_free(wars);
    casus_world_free(w);
}

Test(war_history, synthetic_seven_day_window)
{
    casus_world *w = synthetic_world();
    casus_wars *wars = synthetic_wars();
    casus_history *hist = build(w, wars, 7);
    const casus_war_history *h = casus_history_at(hist, 0);
    /* CCC (day 4) now fights on day 0; EEE (days 0-30) still does not:
     * its entry is not certainly within 7 days. */
    cr_assert_eq(h->n_day0, 3);
    cr_expect_eq(h->belligerents[2].ccode, 31);
    cr_expect(bel(h, 31)->day0);
    cr_expect_not(bel(h, 41)->day0);
    cr_expect_eq(stretches(h, 31), 0);
    cr_expect_eq(h->n_at_risk, 8);
    casus_history_free(hist);
    /* A window of 30 takes EEE in as well. */
    hist = build(w, wars, 30);
    cr_expect_eq(casus_history_at(hist, 0)->n_day0, 4);
    casus_history_free(hist);
    casus_wars_free(wars);
    casus_world_free(w);
}

Test(war_history, refuses_bad_options_and_missing_system)
{
    casus_wars *wars = synthetic_wars();
    casus_world *w = synthetic_world();
    casus_history *h = (casus_history *)1;
    casus_error err;
    casus_history_options o = {.day0_window = 366};
    cr_expect_eq(casus_history_build(w, wars, &o, &h, &err), CASUS_INVALID);
    cr_expect_null(h);
    o.day0_window = -1;
    cr_expect_eq(casus_history_build(w, wars, &o, &h, &err), CASUS_INVALID);
    casus_world_free(w);
    cr_assert_eq(casus_world_create(&w, &err), CASUS_OK);
    cr_assert_eq(casus_world_finish(w, &err), CASUS_OK);
    cr_expect_eq(casus_history_build(w, wars, NULL, &h, &err), CASUS_INVALID);
    cr_expect(strstr(err.message, "COW state system"), "%s", err.message);
    casus_world_free(w);
    casus_wars_free(wars);
}

Test(war_history, out_of_memory_at_every_allocation)
{
    casus_world *w = synthetic_world();
    casus_wars *wars = synthetic_wars();
    casus_status st = CASUS_NOMEM;
    long k;
    for (k = 0; k < 1000 && st == CASUS_NOMEM; k++) {
        fail_after fa = {k};
        casus_history_options o = {.alloc = fail_after_alloc, .alloc_ud = &fa};
        casus_history *h = NULL;
        casus_error err;
        st = casus_history_build(w, wars, &o, &h, &err);
        if (st == CASUS_OK) {
            cr_expect_eq(casus_history_at(h, 0)->n_at_risk, 9);
            casus_history_free(h);
        } else {
            cr_expect_null(h);
        }
    }
    cr_expect_eq(st, CASUS_OK, "still failing after %ld allocations", k);
    cr_expect_gt(k, 2, "the build allocates more than once");
    casus_wars_free(wars);
    casus_world_free(w);
}

/* ---- the real file -------------------------------------------------------- */

static casus_world *cow_world(void)
{
    casus_world *w = NULL;
    casus_error err;
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/world", source_dir());
    cr_assert_eq(casus_world_create(&w, &err), CASUS_OK);
    cr_assert_eq(casus_world_load_tables(w, dir, &err), CASUS_OK, "%s", err.message);
    cr_assert_eq(casus_data_load(w, test_data_dir(), CASUS_DATA_COW, &err), CASUS_OK, "%s", err.message);
    cr_assert_eq(casus_world_finish(w, &err), CASUS_OK, "%s", err.message);
    return w;
}

static casus_wars *real_wars(void)
{
    casus_wars *wars = NULL;
    casus_error err;
    cr_assert_eq(casus_wars_create(&wars, &err), CASUS_OK);
    cr_assert_eq(casus_wars_load_dir(wars, test_data_dir(), &err), CASUS_OK, "%s", err.message);
    return wars;
}

Test(war_history, real_totals_under_both_rules)
{
    casus_world *w = cow_world();
    casus_wars *wars = real_wars();
    /* Counted separately from the file (one record per state, its first
     * row): 332 states in 95 wars, 234 on the first day (125 of them not
     * initiators), 98 later; 19 of these within 7 days. */
    for (int window = 0; window <= 7; window += 7) {
        casus_history *hist = build(w, wars, window);
        cr_assert_eq(casus_history_count(hist), 95);
        size_t n = 0, n0 = 0, nonin = 0, joined = 0;
        for (size_t i = 0; i < 95; i++) {
            const casus_war_history *h = casus_history_at(hist, i);
            n += h->n_belligerents;
            n0 += h->n_day0;
            for (size_t k = 0; k < h->n_day0; k++)
                nonin += !h->belligerents[k].initiator && h->belligerents[k].offset_hi == 0;
            for (size_t k = 0; k < h->n_at_risk; k++)
                joined += h->at_risk[k].exit == CASUS_HISTORY_JOINED;
        }
        cr_expect_eq(n, 332);
        cr_expect_eq(n0, window ? 253 : 234, "window %d: %zu on day 0", window, n0);
        cr_expect_eq(nonin, 125);
        cr_expect_eq(joined, n - n0, "every later entrant ends exactly one at-risk stretch by joining");
        casus_history_free(hist);
    }
    casus_wars_free(wars);
    casus_world_free(w);
}

Test(war_history, first_and_second_world_wars)
{
    casus_world *w = cow_world();
    casus_wars *wars = real_wars();
    casus_history *hist = build(w, wars, 0);
    const casus_war_history *h = casus_history_find(hist, 106);
    cr_assert_not_null(h);
    /* 1914-07-29: Austria-Hungary (300) and Serbia (345) alone. */
    cr_assert_eq(h->n_day0, 2);
    cr_expect(bel(h, 300)->day0 && bel(h, 300)->initiator);
    cr_expect(bel(h, 345)->day0);
    cr_expect_eq(bel(h, 255)->offset_lo, 3);  /* Germany, 1914-08-01 */
    cr_expect_eq(bel(h, 200)->offset_lo, 7);  /* Britain, 1914-08-05 */
    cr_expect_eq(bel(h, 2)->offset_lo, 993);  /* the United States, 1917-04-17 */
    cr_expect_eq(h->length, 1567);
    expect_risk(h, 2, 0, 0, 993, CASUS_HISTORY_JOINED, false);
    expect_risk(h, 290, 0, 1558, 1566, CASUS_HISTORY_WAR_ENDED, true); /* Poland, 1918-11-03 */
    cr_expect_null(casus_war_history_belligerent(h, 390));
    expect_risk(h, 390, 0, 0, 1566, CASUS_HISTORY_WAR_ENDED, false); /* Denmark stayed out */

    h = casus_history_find(hist, 139);
    cr_assert_not_null(h);
    /* France: side 1 from 1939-09-03, Vichy on side 2 from 1940-07-07, and
     * a second spell from 1944-10-23. */
    const casus_history_belligerent *f = bel(h, 220);
    cr_expect_eq(f->side, 1);
    cr_expect_eq(f->offset_lo, 2);
    cr_expect_eq(f->switched_to, 2);
    cr_expect_eq(f->switched_on.lo, casus_day_from_ymd(1940, 7, 7));
    cr_expect(f->second_spell);
    /* Romania entered on the Axis side (2) on 1941-06-22 and changed sides. */
    const casus_history_belligerent *r = bel(h, 360);
    cr_expect_eq(r->side, 2);
    cr_expect_eq(r->entry.lo, casus_day_from_ymd(1941, 6, 22));
    cr_expect_eq(r->switched_to, 1);
    cr_expect_eq(r->switched_on.lo, casus_day_from_ymd(1944, 9, 9));
    /* The USSR's August 1945 war on Japan is its second spell. */
    cr_expect(bel(h, 365)->second_spell);
    cr_expect_eq(bel(h, 365)->switched_to, 0);
    /* Denmark left the system on 1940-04-09 and came back in 1945. */
    cr_expect_eq(stretches(h, 390), 2);
    cr_expect_eq(risk(h, 390, 0)->exit, CASUS_HISTORY_LEFT_SYSTEM);
    cr_expect_eq(risk(h, 390, 1)->exit, CASUS_HISTORY_WAR_ENDED);
    cr_expect(risk(h, 390, 1)->entered_system);
    casus_history_free(hist);
    casus_wars_free(wars);
    casus_world_free(w);
}

Test(war_history, command_json_and_window)
{
    run_result r = run_casus("wars", "history", "106", "--data", test_data_dir(), "--format", "json", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    json_error_t jerr;
    json_t *root = json_loads(r.out, 0, &jerr);
    cr_assert(root, "%s", jerr.text);
    cr_expect_eq(json_integer_value(json_object_get(root, "war")), 106);
    cr_expect_str_eq(json_string_value(json_object_get(root, "first_day")), "1914-07-29");
    cr_expect_eq(json_array_size(json_object_get(root, "day0")), 2);
    json_t *ent = json_object_get(root, "entrants");
    cr_assert_eq(json_array_size(ent), 13);
    json_t *gmy = json_array_get(ent, 0);
    cr_expect_str_eq(json_string_value(json_object_get(gmy, "state")), "GMY");
    cr_expect_eq(json_integer_value(json_object_get(gmy, "offset_lo")), 3);
    cr_expect_eq(json_integer_value(json_object_get(gmy, "side")), 2);
    json_decref(root);
    run_free(&r);

    r = run_casus("wars", "history", "106", "--window", "7", "--data", test_data_dir(), "--format", "json", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    root = json_loads(r.out, 0, &jerr);
    cr_assert(root);
    /* Germany, Russia, France, Belgium and Britain all entered by day 7. */
    cr_expect_eq(json_array_size(json_object_get(root, "day0")), 7);
    cr_expect_eq(json_integer_value(json_object_get(root, "day0_window")), 7);
    json_decref(root);
    run_free(&r);

    expect_casus_exit(2, "wars", "history", "9999", "--data", test_data_dir(), NULL);
    expect_casus_exit(2, "wars", "history", "106", "--window", "-1", "--data", test_data_dir(), NULL);
    expect_casus_exit(2, "wars", "history", "106", "--format", "csv", "--data", test_data_dir(), NULL);
}
