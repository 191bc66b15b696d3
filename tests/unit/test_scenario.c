/* The scenario parser: a complete file read field by field, every error
 * with its exact file:line:col text (golden), the caps, out-of-memory at
 * every allocation, the shipped scenarios, and `casus scenario`. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "casus/scenario.h"
#include "casus/world.h"
#include "testutil.h"

static casus_world *world(void)
{
    return test_world_full(0);
}

static const char GOOD[] =
    "# an example\n"
    "\n"
    "scenario ex-1\n"
    "title \"An \\\"example\\\"\"\n"
    "source S1 \"first source\"\n"
    "source S2 \"second source\"\n"
    "note \"n1\"\n"
    "horizon 100 days\n"
    "trials 5000\n"
    "seed 18446744073709551615\n"
    "events-file \"ex.events\"\n"
    "> Paragraph one\n"
    ">   continues.   \n"
    ">\n"
    "> Paragraph two.\n"
    "attack PRK ROK on 2025-03-05 source S1\n"
    "attack CHN TAW at taiwan on 2025-03-01\n"
    "attack UKR RUS at kursk on 2025-03-02   # a comment\n"
    "note \"n2\"\n"
    "> After the attacks.\n"
    "event 2025-04 suspend anzus-1951 USA toward NEW source S2 \"paused\"\n"
    "event 2025-03-20 in-force rus-blr-2024\n"
    "event 2024-10 deploy PRK with RUS against UKR at kursk\n"
    "event 2025-05-01 end nato-1949 for TUR\n"
    "event 2025-05-01 end anzus-1951\n"
    "event 2025-03-10 neutral SWD\n"
    "assume out JPN source S1\n"
    "assume join BLR with RUS on 2025-03 \"a what-if\"\n";

Test(scenario, reads_a_complete_file)
{
    casus_world *w = world();
    casus_scenario *sc = NULL;
    casus_error err;
    cr_assert_eq(casus_scenario_parse(w, "ex.scenario", GOOD, strlen(GOOD), &sc, &err), CASUS_OK, "%s:%d:%d: %s",
                 err.file, err.line, err.col, err.message);
    cr_assert_str_eq(sc->id, "ex-1");
    cr_assert_str_eq(sc->title, "An \"example\"");
    cr_assert_str_eq(sc->file, "ex.scenario");
    cr_assert_eq(sc->n_sources, 2);
    cr_assert_str_eq(sc->sources[1].key, "S2");
    cr_assert_str_eq(sc->sources[1].text, "second source");
    cr_assert_str_eq(sc->notes, "n1\nn2");
    cr_assert_str_eq(sc->text, "Paragraph one continues.\nParagraph two.\nAfter the attacks.");
    cr_assert_eq(sc->horizon, 100);
    cr_assert_eq(sc->trials, 5000);
    cr_assert_eq(sc->seed, UINT64_MAX);
    cr_assert_str_eq(sc->events_file, "ex.events");
    cr_assert_eq(sc->start, casus_day_from_ymd(2025, 3, 1), "day 0 is the earliest attack's");

    cr_assert_eq(sc->n_attacks, 3);
    cr_assert_eq(sc->attacks[0].attacker, 731);
    cr_assert_eq(sc->attacks[0].target, 732);
    cr_assert_null(sc->attacks[0].place);
    cr_assert_eq(sc->attacks[0].day, casus_day_from_ymd(2025, 3, 5));
    cr_assert_str_eq(sc->attacks[0].source, "S1");
    cr_assert_eq(sc->attacks[0].line, 16);
    cr_assert_null(sc->attacks[1].place, "Taiwan's home territory is written as NULL");
    cr_assert_not_null(sc->attacks[2].place);
    cr_assert_str_eq(sc->attacks[2].place->id, "kursk");
    cr_assert_null(sc->attacks[2].source);

    /* Events in the order they take effect, file order among equals. */
    cr_assert_eq(sc->n_events, 6);
    const casus_scenario_event *e = sc->events;
    cr_assert_eq(e[0].kind, CASUS_EVENT_DEPLOYMENT);
    cr_assert_eq(e[0].on.lo, casus_day_from_ymd(2024, 10, 1));
    cr_assert_eq(e[0].on.hi, casus_day_from_ymd(2024, 10, 31));
    cr_assert(e[0].state == 731 && e[0].ally == 365 && e[0].other == 369);
    cr_assert_str_eq(e[0].place->id, "kursk");
    cr_assert_eq(e[1].kind, CASUS_EVENT_NEUTRALITY);
    cr_assert_eq(e[1].state, 380);
    cr_assert_eq(e[2].kind, CASUS_EVENT_TREATY_IN_FORCE);
    cr_assert_str_eq(e[2].treaty->id, "rus-blr-2024");
    cr_assert_eq(e[2].on.lo, casus_day_from_ymd(2025, 3, 20));
    cr_assert_eq(e[2].on.hi, e[2].on.lo);
    cr_assert_eq(e[3].kind, CASUS_EVENT_TREATY_SUSPENDED);
    cr_assert(e[3].state == 2 && e[3].other == 920);
    cr_assert_str_eq(e[3].source, "S2");
    cr_assert_str_eq(e[3].note, "paused");
    cr_assert_eq(e[3].line, 21);
    cr_assert_eq(e[4].kind, CASUS_EVENT_TREATY_ENDS);
    cr_assert_str_eq(e[4].treaty->id, "nato-1949");
    cr_assert_eq(e[4].state, 640);
    cr_assert_eq(e[5].kind, CASUS_EVENT_TREATY_ENDS);
    cr_assert_str_eq(e[5].treaty->id, "anzus-1951");
    cr_assert_eq(e[5].state, 0, "the whole treaty ends");

    cr_assert_eq(sc->n_assumes, 2);
    cr_assert_eq(sc->assumes[0].kind, CASUS_ASSUME_OUT);
    cr_assert_eq(sc->assumes[0].state, 740);
    cr_assert_str_eq(sc->assumes[0].source, "S1");
    cr_assert_eq(sc->assumes[1].kind, CASUS_ASSUME_JOIN);
    cr_assert(sc->assumes[1].state == 370 && sc->assumes[1].ally == 365);
    cr_assert_eq(sc->assumes[1].on.hi, casus_day_from_ymd(2025, 3, 31));
    cr_assert_str_eq(sc->assumes[1].note, "a what-if");

    cr_assert_str_eq(casus_scenario_source(sc, "S1")->text, "first source");
    cr_assert_null(casus_scenario_source(sc, "S3"));
    cr_assert(casus_scenario_opens(sc, 713));
    cr_assert_not(casus_scenario_opens(sc, 740));
    casus_scenario_free(sc);
    casus_world_free(w);
}

Test(scenario, defaults_when_the_file_does_not_say)
{
    casus_world *w = world();
    const char *text = "scenario s\ntitle \"t\"\nsource S1 \"c\"\nattack RUS EST on 2025-03-01\n";
    casus_scenario *sc = NULL;
    cr_assert_eq(casus_scenario_parse(w, "d.scenario", text, strlen(text), &sc, NULL), CASUS_OK);
    cr_assert_eq(sc->horizon, 365);
    cr_assert_eq(sc->trials, 100000);
    cr_assert_eq(sc->seed, 1);
    cr_assert_null(sc->events_file);
    cr_assert_null(sc->notes);
    cr_assert_null(sc->text);
    cr_assert_eq(sc->n_events, 0);
    cr_assert_not_null(sc->events, "empty lists are empty arrays, not NULL");
    casus_scenario_free(sc);
    casus_world_free(w);
}

Test(scenario, event_kind_names_round_trip)
{
    for (int k = 0; k < CASUS_EVENT_COUNT; k++) {
        const char *s = casus_event_kind_str((casus_event_kind)k);
        cr_assert_eq(casus_event_kind_from_str(s, strlen(s)), k);
    }
    cr_assert_str_eq(casus_event_kind_str(CASUS_EVENT_DEPLOYMENT), "deploy");
    cr_assert_eq(casus_event_kind_from_str("deployx", 7), -1);
    cr_assert_eq(casus_event_kind_from_str("deployx", 6), CASUS_EVENT_DEPLOYMENT);
}

#define H "scenario s\ntitle \"t\"\nsource S1 \"c\"\n"
#define A H "attack PRK ROK on 2025-03-01\n"

/* Each case: a file's text (len 0: strlen) and the exact first line of the error. */
static const struct {
    const char *text;
    size_t len;
    const char *expect;
} BAD[] = {
    {"", 0, "bad.scenario:1:1: expected 'scenario ID' to open the file, found end of file"},
    {"scenario X\n", 0, "bad.scenario:1:10: scenario id 'X' may hold only lower-case letters, digits and '-'"},
    {"scenario s extra\n", 0, "bad.scenario:1:12: expected end of line, found 'extra'"},
    {"scenario s\ntitle \"a\"\ntitle \"b\"\n", 0, "bad.scenario:3:1: 'title' given twice"},
    {"scenario s\ntitle \"a\n", 0, "bad.scenario:2:7: unterminated string"},
    {"scenario s\ntitle \"a\\q\"\n", 0, "bad.scenario:2:9: unknown escape '\\q' (only \\\" and \\\\)"},
    {"scenario s\ntitle \"a\"\0\n", 22, "bad.scenario:2:10: NUL byte in a scenario file"},
    {"scenario s\n> pro\0se\n", 20, "bad.scenario:2:6: NUL byte in a scenario file"},
    {"scenario s\nwhatever 1\n", 0, "bad.scenario:2:1: unknown statement 'whatever'"},
    {"scenario s\n\"loose\"\n", 0, "bad.scenario:2:1: expected a statement, found \"loose\""},
    {"scenario s\nhorizon 0\n", 0, "bad.scenario:2:9: '0' is not a horizon in days (a whole number from 1 to 36525)"},
    {"scenario s\nhorizon 12d\n", 0, "bad.scenario:2:9: '12d' is not a horizon in days (a whole number from 1 to 36525)"},
    {"scenario s\ntrials 1000000001\n", 0,
     "bad.scenario:2:8: '1000000001' is not a number of trials (a whole number from 1 to 1000000000)"},
    {"scenario s\nseed 18446744073709551616\n", 0,
     "bad.scenario:2:6: '18446744073709551616' is not a seed (a whole number from 0 to 18446744073709551615)"},
    {"scenario s\nevents-file \"\"\n", 0, "bad.scenario:2:13: the events file's name is empty"},
    {"scenario s\nevents-file \"a\"\nevents-file \"b\"\n", 0, "bad.scenario:3:1: 'events-file' given twice"},
    {H "source S1 \"again\"\n", 0, "bad.scenario:4:8: source 'S1' is declared twice"},
    {H "attack PRK XXX on 2025-03-01\n", 0, "bad.scenario:4:12: unknown state 'XXX' (not in the world's state table)"},
    {H "attack PRK ROKK on 2025-03-01\n", 0, "bad.scenario:4:12: 'ROKK' is not a COW state abbreviation"},
    {H "attack PRK PRK on 2025-03-01\n", 0, "bad.scenario:4:12: a state cannot attack itself"},
    {H "attack PRK ROK on 2025-03\n", 0,
     "bad.scenario:4:19: an opening attack needs a full date (YYYY-MM-DD), not 2025-03"},
    {H "attack PRK ROK on 2025-02-30\n", 0, "bad.scenario:4:19: 2025-02-30 is not a day of the calendar"},
    {H "attack PRK ROK on 03/01/2025\n", 0,
     "bad.scenario:4:19: '03/01/2025' is not a date (YYYY-MM-DD, YYYY-MM or YYYY)"},
    {H "attack PRK ROK at atlantis on 2025-03-01\n", 0,
     "bad.scenario:4:19: unknown place 'atlantis' (not in the world's places)"},
    {H "attack PRK ROK at kursk on 2025-03-01\n", 0,
     "bad.scenario:4:19: kursk is not ROK's (neither its sovereign, administrator nor a claimant)"},
    {H "attack PRK ROK 2025-03-01\n", 0, "bad.scenario:4:16: expected 'on DATE', found '2025-03-01'"},
    {H "attack PRK ROK on 2025-03-01 source S9\n", 0,
     "bad.scenario:4:37: source 'S9' is not declared (add 'source S9 \"citation\"' before it)"},
    {H "attack PRK ROK on 2025-03-01 \"note\"\n", 0, "bad.scenario:4:30: expected end of line, found \"note\""},
    {A "attack PRK ROK on 2025-03-01\n", 0, "bad.scenario:5:8: this attack is given twice (line 4)"},
    {H "horizon 10\nattack PRK ROK on 2025-03-01\nattack CHN TAW on 2025-03-20\n", 0,
     "bad.scenario:6:19: the opening attacks lie 19 days apart, beyond the horizon of 10 days"},
    {A "horizon 10\n", 0, "bad.scenario:5:1: 'horizon' belongs in the scenario's header, before the first attack"},
    {H "event 2025-03-02 neutral SWD\n", 0,
     "bad.scenario:4:1: 'event' before the first attack (give the opening attacks first)"},
    {A "event 2025-03-02 neutral SWD\nattack CHN TAW on 2025-03-01\n", 0,
     "bad.scenario:6:1: the opening attacks come before the events and assumptions"},
    {A "event 2025-03-02 neutral ROK\n", 0, "bad.scenario:5:26: ROK opens the war; it cannot declare neutrality in it"},
    {A "event 2026-03-02 neutral SWD\n", 0, "bad.scenario:5:7: the event lies after the horizon's last day (2026-03-01)"},
    {A "event 2025-03-02 explode SWD\n", 0,
     "bad.scenario:5:18: expected an event (in-force, suspend, end, neutral, deploy), found 'explode'"},
    {A "event 2025-03-02 in-force no-such-treaty\n", 0,
     "bad.scenario:5:27: unknown treaty 'no-such-treaty' (not among the world's treaties)"},
    {A "event 2025-03-02 suspend nato-1949 JPN\n", 0, "bad.scenario:5:36: JPN is not a party to nato-1949"},
    {A "event 2025-03-02 suspend nato-1949 USA toward USA\n", 0,
     "bad.scenario:5:47: a party cannot suspend its obligations toward itself"},
    {A "event 2025-03-02 end nato-1949 for JPN\n", 0, "bad.scenario:5:36: JPN is not a party to nato-1949"},
    {A "event 2025-03-02 deploy PRK with PRK against UKR\n", 0,
     "bad.scenario:5:34: PRK cannot fight on its own side as a deployment"},
    {A "event 2025-03-02 deploy PRK with RUS UKR\n", 0, "bad.scenario:5:38: expected 'against STATE', found 'UKR'"},
    {A "event 2025-03-02 deploy PRK with RUS against RUS\n", 0,
     "bad.scenario:5:46: a deployment's enemy must differ from the state deployed and its ally"},
    {A "assume out ROK\n", 0, "bad.scenario:5:12: ROK opens the war; it cannot be assumed out of it"},
    {A "assume maybe JPN\n", 0, "bad.scenario:5:8: expected 'out' or 'join', found 'maybe'"},
    {A "assume out JPN\nassume join JPN with USA on 2025-03-02\n", 0,
     "bad.scenario:6:13: an assumption about JPN is already made (line 5)"},
    {A "assume join JPN with USA on 2025-02-01\n", 0,
     "bad.scenario:5:29: a state cannot join before the war opens (2025-03-01)"},
    {A "assume join JPN with USA on 2026-03-05\n", 0,
     "bad.scenario:5:29: the join lies after the horizon's last day (2026-03-01)"},
    {A "assume join JPN with JPN on 2025-03-02\n", 0, "bad.scenario:5:22: a state cannot join on its own side"},
    {"scenario s\nsource S1 \"c\"\nattack PRK ROK on 2025-03-01\n", 0, "bad.scenario:1:10: scenario s lacks a title"},
    {"scenario s\ntitle \"t\"\n", 0, "bad.scenario:1:10: scenario s cites no source (add 'source KEY \"citation\"')"},
    {H, 0, "bad.scenario:1:10: scenario s has no opening attack (add 'attack STATE STATE on DATE')"},
};

Test(scenario, errors_name_file_line_and_column)
{
    casus_world *w = world();
    for (size_t i = 0; i < sizeof BAD / sizeof *BAD; i++) {
        casus_error err;
        casus_error_clear(&err);
        casus_scenario *sc = (casus_scenario *)&err; /* must be reset to NULL */
        size_t len = BAD[i].len ? BAD[i].len : strlen(BAD[i].text);
        casus_status st = casus_scenario_parse(w, "bad.scenario", BAD[i].text, len, &sc, &err);
        cr_assert_eq(st, CASUS_PARSE, "case %zu: status %d", i, st);
        cr_assert_null(sc, "case %zu", i);
        expect_error_line(&err, BAD[i].expect, i);
    }
    casus_world_free(w);
}

Test(scenario, error_shows_the_line_and_a_caret)
{
    casus_world *w = world();
    const char *text = A "event 2025-03-02 neutral ROK\n";
    casus_error err;
    casus_scenario *sc = NULL;
    cr_assert_eq(casus_scenario_parse(w, "c.scenario", text, strlen(text), &sc, &err), CASUS_PARSE);
    char buf[1024];
    casus_error_format(&err, buf, sizeof buf);
    cr_assert_str_eq(buf, "c.scenario:5:26: ROK opens the war; it cannot declare neutrality in it\n"
                          "    event 2025-03-02 neutral ROK\n"
                          "                             ^");
    casus_world_free(w);
}

Test(scenario, caps_on_size_and_list_length)
{
    casus_world *w = world();
    casus_error err;
    casus_scenario *sc = NULL;
    size_t big = CASUS_MAX_SCENARIO_FILE + 1;
    char *text = malloc(big);
    cr_assert_not_null(text);
    memset(text, '\n', big);
    cr_assert_eq(casus_scenario_parse(w, "big.scenario", text, big, &sc, &err), CASUS_TOOBIG);
    cr_assert_str_eq(err.message, "scenario file is larger than 1048576 bytes");
    free(text);

    /* 257 sources: one more than the cap. */
    size_t cap = 64 + 257 * 24;
    text = malloc(cap);
    cr_assert_not_null(text);
    size_t n = (size_t)snprintf(text, cap, "scenario s\n");
    for (int i = 0; i <= CASUS_SCENARIO_MAX_ITEMS; i++)
        n += (size_t)snprintf(text + n, cap - n, "source S%d \"c\"\n", i);
    cr_assert_eq(casus_scenario_parse(w, "many.scenario", text, n, &sc, &err), CASUS_PARSE);
    cr_assert_str_eq(err.message, "too many sources (at most 256)");
    cr_assert_eq(err.line, 2 + CASUS_SCENARIO_MAX_ITEMS);
    free(text);
    casus_world_free(w);
}

Test(scenario, out_of_memory_at_every_allocation_fails_cleanly)
{
    long n;
    fail_after f = {.left = 1L << 40};
    casus_world *w = test_world_full_with(fail_after_alloc, &f, 0);
    size_t treaties = casus_world_treaty_count(w), obligations = casus_world_obligation_count(w);
    for (n = 0;; n++) {
        casus_error err;
        casus_scenario *sc = NULL;
        f.left = n;
        casus_status st = casus_scenario_parse(w, "ex.scenario", GOOD, strlen(GOOD), &sc, &err);
        f.left = 1L << 40;
        if (st == CASUS_OK) {
            cr_assert_eq(sc->n_events, 6);
            casus_scenario_free(sc);
            break;
        }
        cr_assert_eq(st, CASUS_NOMEM, "allocation %ld: %s", n, err.message);
        cr_assert_null(sc);
        cr_assert_str_eq(err.message, "out of memory");
        cr_assert_eq(casus_world_treaty_count(w), treaties);
        cr_assert_eq(casus_world_obligation_count(w), obligations);
    }
    cr_assert_gt(n, 5, "the parse should need several allocations, not %ld", n);
    casus_world_free(w); /* ASan checks that nothing leaked */
}

/* Every scenario shipped parses against the default world (tables and
 * treaty files, no datasets), with the dates its file states. */
Test(scenario, shipped_scenarios_all_parse)
{
    static const struct {
        const char *id;
        int y, m, d;
        size_t n_attacks, n_events;
        int attacker, target;
    } SHIPPED[] = {
        {"baltic-2025", 2025, 3, 1, 1, 0, 365, 366},      {"july-1914", 1914, 7, 28, 1, 0, 300, 345},
        {"korea-1950", 1950, 6, 25, 1, 0, 731, 732},      {"korea-dmz-2025", 2025, 3, 1, 1, 0, 731, 732},
        {"korea-strike-2025", 2025, 3, 1, 1, 0, 732, 731}, {"kursk-2024-08", 2024, 8, 6, 1, 0, 369, 365},
        {"kursk-2024-12", 2024, 12, 5, 1, 0, 369, 365},
        {"kursk-2024-12-deployed", 2024, 12, 5, 1, 1, 369, 365},   {"poland-1939", 1939, 9, 1, 1, 0, 255, 290},
        {"two-fronts-2025", 2025, 3, 1, 2, 0, 710, 713},
    };
    casus_world *w = world();
    for (size_t i = 0; i < sizeof SHIPPED / sizeof *SHIPPED; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/scenarios/%s.scenario", source_dir(), SHIPPED[i].id);
        casus_error err;
        casus_scenario *sc = NULL;
        cr_assert_eq(casus_scenario_load_file(w, path, &sc, &err), CASUS_OK, "%s:%d:%d: %s", err.file, err.line,
                     err.col, err.message);
        cr_expect_str_eq(sc->id, SHIPPED[i].id);
        cr_expect_eq(sc->start, casus_day_from_ymd(SHIPPED[i].y, SHIPPED[i].m, SHIPPED[i].d), "%s", SHIPPED[i].id);
        cr_expect_eq(sc->n_attacks, SHIPPED[i].n_attacks, "%s", SHIPPED[i].id);
        cr_expect_eq(sc->n_events, SHIPPED[i].n_events, "%s", SHIPPED[i].id);
        cr_expect_eq(sc->attacks[0].attacker, SHIPPED[i].attacker, "%s", SHIPPED[i].id);
        cr_expect_eq(sc->attacks[0].target, SHIPPED[i].target, "%s", SHIPPED[i].id);
        cr_expect_gt(sc->n_sources, 0, "%s", SHIPPED[i].id);
        /* Every attack and event names the source it rests on. */
        for (size_t k = 0; k < sc->n_attacks; k++)
            cr_expect_not_null(sc->attacks[k].source, "%s attack %zu", SHIPPED[i].id, k);
        for (size_t k = 0; k < sc->n_events; k++)
            cr_expect_not_null(sc->events[k].source, "%s event %zu", SHIPPED[i].id, k);
        casus_scenario_free(sc);
    }
    /* The North Korean deployment of October 2024, by month. */
    char path[4096];
    snprintf(path, sizeof path, "%s/scenarios/kursk-2024-12-deployed.scenario", source_dir());
    casus_scenario *sc = NULL;
    cr_assert_eq(casus_scenario_load_file(w, path, &sc, NULL), CASUS_OK);
    cr_assert_eq(sc->events[0].kind, CASUS_EVENT_DEPLOYMENT);
    cr_assert_eq(sc->events[0].on.lo, casus_day_from_ymd(2024, 10, 1));
    cr_assert_eq(sc->events[0].on.hi, casus_day_from_ymd(2024, 10, 31));
    cr_assert(sc->events[0].state == 731 && sc->events[0].ally == 365 && sc->events[0].other == 369);
    casus_scenario_free(sc);
    casus_world_free(w);
}

Test(scenario, load_file_reports_a_missing_file)
{
    casus_world *w = world();
    casus_error err;
    casus_scenario *sc = NULL;
    cr_assert_eq(casus_scenario_load_file(w, "no/such.scenario", &sc, &err), CASUS_IO);
    cr_assert_null(sc);
    cr_assert_str_eq(err.file, "no/such.scenario");
    casus_world_free(w);
}

Test(scenario_cli, check_reports_each_file)
{
    char *dir = make_temp_dir();
    char bad[4096], good[4096];
    snprintf(bad, sizeof bad, "%s/bad.scenario", dir);
    snprintf(good, sizeof good, "%s/good.scenario", dir);
    const char *bad_text = A "event 2025-03-02 neutral ROK\n";
    const char *good_text = A "assume out JPN\n";
    cr_assert_eq(spit(bad, bad_text, strlen(bad_text)), 0);
    cr_assert_eq(spit(good, good_text, strlen(good_text)), 0);
    run_result r = run_casus("scenario", "check", good, bad, NULL);
    cr_assert_eq(r.status, 2, "%s", r.err);
    char want[8192];
    snprintf(want, sizeof want,
             "%s: ok: s, 1 attack from 2025-03-01, 0 events, 1 assumption, horizon 365 days\n", good);
    cr_assert_str_eq(r.out, want);
    snprintf(want, sizeof want,
             "%s:5:26: ROK opens the war; it cannot declare neutrality in it\n"
             "    event 2025-03-02 neutral ROK\n"
             "                             ^\n",
             bad);
    cr_assert_str_eq(r.err, want);
    run_free(&r);
    rm_temp_dir(dir);
}

Test(scenario_cli, list_and_show_the_shipped_scenarios)
{
    run_result r = run_casus("scenario", "list", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_eq(count_of(r.out, "\n"), 11); /* with kursk-2024-12-events (events file) */
    cr_assert_not_null(strstr(r.out, "kursk-2024-12      2024-12-05  365 days  "
                                     "Ukraine's forces in Kursk oblast, 5 December 2024, Article 4 in force\n"));
    run_free(&r);
    r = run_casus("scenario", "show", "kursk-2024-12-deployed", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_not_null(strstr(r.out, "  2024-12-05  UKR attacks RUS at kursk [K3]\n"));
    cr_assert_not_null(strstr(r.out, "  2024-10    PRK fights with RUS against UKR at kursk [D2]"));
    run_free(&r);
    r = run_casus("scenario", "show", "atlantis-2030", NULL);
    cr_assert_eq(r.status, 2);
    run_free(&r);
    expect_casus_exit(2, "scenario", NULL);
    expect_casus_exit(2, "scenario", "frobnicate", NULL);
    expect_casus_exit(0, "scenario", "--help", NULL);
}

/* The complete example of docs/scenario-format.md (its first ``` block)
 * parses, so the documentation cannot drift from the parser. */
Test(scenario, the_documented_example_parses)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/docs/scenario-format.md", source_dir());
    size_t len = 0;
    char *doc = slurp(path, &len);
    cr_assert_not_null(doc);
    char *start = strstr(doc, "```\n");
    cr_assert_not_null(start);
    start += 4;
    char *end = strstr(start, "```\n");
    cr_assert_not_null(end);
    casus_world *w = world();
    casus_scenario *sc = NULL;
    casus_error err;
    cr_assert_eq(casus_scenario_parse(w, "scenario-format.md", start, (size_t)(end - start), &sc, &err), CASUS_OK,
                 "%s:%d:%d: %s", err.file, err.line, err.col, err.message);
    cr_assert_str_eq(sc->id, "example-2025");
    cr_assert_eq(sc->n_attacks, 2);
    cr_assert_eq(sc->n_events, 5);
    cr_assert_eq(sc->n_assumes, 2);
    cr_assert_str_eq(sc->events_file, "example.events");
    casus_scenario_free(sc);
    casus_world_free(w);
    free(doc);
}

Test(scenario, events_path_is_relative_to_the_scenario_file)
{
    casus_world *w = world();
    const char *text = "scenario s\ntitle \"t\"\nsource S1 \"c\"\nevents-file \"x.events\"\nattack RUS EST on 2025-03-01\n";
    casus_scenario *sc = NULL;
    char buf[64];
    cr_assert_eq(casus_scenario_parse(w, "dir/sub/s.scenario", text, strlen(text), &sc, NULL), CASUS_OK);
    cr_assert_eq(casus_scenario_events_path(sc, buf, sizeof buf), CASUS_OK);
    cr_assert_str_eq(buf, "dir/sub/x.events");
    cr_assert_eq(casus_scenario_events_path(sc, buf, 16), CASUS_RANGE);
    casus_scenario_free(sc);
    cr_assert_eq(casus_scenario_parse(w, "s.scenario", text, strlen(text), &sc, NULL), CASUS_OK);
    cr_assert_eq(casus_scenario_events_path(sc, buf, sizeof buf), CASUS_OK);
    cr_assert_str_eq(buf, "x.events");
    casus_scenario_free(sc);
    text = "scenario s\ntitle \"t\"\nsource S1 \"c\"\nattack RUS EST on 2025-03-01\n";
    cr_assert_eq(casus_scenario_parse(w, "dir/s.scenario", text, strlen(text), &sc, NULL), CASUS_OK);
    cr_assert_eq(casus_scenario_events_path(sc, buf, sizeof buf), CASUS_NOTFOUND);
    casus_scenario_free(sc);
    casus_world_free(w);
}

/* With --data (before or after the subcommand) ATOP treaties may be named. */
Test(scenario_cli, check_with_the_datasets_knows_atop_treaties)
{
    char *dir = make_temp_dir();
    char path[4096];
    snprintf(path, sizeof path, "%s/atop.scenario", dir);
    const char *text = "scenario t\ntitle \"t\"\nsource S1 \"c\"\nattack AUH YUG on 1914-07-28\n"
                       "event 1914-08-01 end atop-1225\n";
    cr_assert_eq(spit(path, text, strlen(text)), 0);
    run_result r = run_casus("scenario", "check", path, NULL);
    cr_assert_eq(r.status, 2, "without the datasets there is no ATOP treaty");
    cr_assert_not_null(strstr(r.err, ":5:22: unknown treaty 'atop-1225'"), "%s", r.err);
    run_free(&r);
    r = run_casus("scenario", "check", path, "--data", test_data_dir(), NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    char want[4200];
    snprintf(want, sizeof want, "%s: ok: t, 1 attack from 1914-07-28, 1 event, 0 assumptions, horizon 365 days\n", path);
    cr_assert_str_eq(r.out, want);
    run_free(&r);
    rm_temp_dir(dir);
}
