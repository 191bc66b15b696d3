/* Exchanges in the cascade: a scenario's events file adds its troop
 * deployments to the scenario, and the engine makes the sender a belligerent
 * from that day; supplies change nothing. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "casus/sanctions.h"
#include "casus/scenario.h"
#include "casus/joinmodel.h"
#include "casus/sim.h"
#include "testutil.h"

static casus_scenario *scenario(const casus_world *w, const char *name)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/scenarios/%s", source_dir(), name);
    casus_scenario *sc = NULL;
    casus_error err;
    cr_assert_eq(casus_scenario_load_file(w, path, &sc, &err), CASUS_OK, "%s:%d:%d: %s", err.file, err.line, err.col,
                 err.message);
    return sc;
}

static casus_events *founding(void)
{
    casus_events *ev = NULL;
    char path[4096];
    snprintf(path, sizeof path, "%s/events/rus-prk-2022.events", source_dir());
    casus_error err;
    cr_assert_eq(casus_events_create(NULL, NULL, &ev, NULL), CASUS_OK);
    cr_assert_eq(casus_events_load_file(ev, path, &err), CASUS_OK, "%s", err.message);
    return ev;
}

Test(events_scenario, the_troops_event_with_a_side_becomes_a_deployment)
{
    casus_world *w = test_world_full(0);
    casus_scenario *sc = scenario(w, "kursk-2024-12-events.scenario");
    cr_assert_str_eq(sc->events_file, "../events/rus-prk-2022.events");
    casus_events *ev = founding();
    casus_scenario *m = NULL;
    size_t added = 99;
    casus_error err;
    cr_assert_eq(casus_events_scenario(w, sc, ev, &m, &added, &err), CASUS_OK, "%s", err.message);
    cr_expect_eq(added, 1, "only troops-2024-11 names whom it fights against");
    cr_assert_eq(m->n_events, sc->n_events + 1);
    const casus_scenario_event *d = NULL;
    for (size_t i = 0; i < m->n_events; i++)
        if (m->events[i].kind == CASUS_EVENT_DEPLOYMENT)
            d = &m->events[i];
    cr_assert_not_null(d);
    cr_expect_eq(d->state, 731);
    cr_expect_eq(d->ally, 365);
    cr_expect_eq(d->other, 369);
    cr_assert_not_null(d->place);
    cr_expect_str_eq(d->place->id, "kursk");
    cr_expect_eq(d->on.lo, casus_day_from_ymd(2024, 10, 1));
    cr_expect_eq(d->on.hi, casus_day_from_ymd(2024, 11, 30));
    cr_expect_str_eq(d->note, "events file: troops-2024-11");
    cr_expect_eq(m->start, sc->start);
    cr_expect_eq(m->attacks, sc->attacks, "everything else is the scenario's");
    casus_events_scenario_free(m);
    casus_events_free(ev);
    casus_scenario_free(sc);
    casus_world_free(w);
}

Test(events_scenario, an_unknown_front_or_state_is_refused)
{
    casus_world *w = test_world_full(0);
    casus_scenario *sc = scenario(w, "kursk-2024-12-events.scenario");
    static const char *const bad[] = {
        "events x\ntitle \"t\"\nsource S 2024 \"s\"\nevent a\n  from PRK\n  to RUS\n  what troops\n"
        "  against UKR\n  front atlantis\n  when 2024-10\n  claim S\n",
        "events x\ntitle \"t\"\nsource S 2024 \"s\"\nevent a\n  from PRK\n  to RUS\n  what troops\n"
        "  against XYZ\n  when 2024-10\n  claim S\n",
    };
    static const char *const want[] = {
        "event 'a': unknown front 'atlantis' (not a place of world/places.csv)",
        "event 'a': unknown state 'XYZ' (not in the world's state table)",
    };
    for (size_t i = 0; i < 2; i++) {
        casus_events *ev = NULL;
        casus_error err;
        cr_assert_eq(casus_events_create(NULL, NULL, &ev, NULL), CASUS_OK);
        cr_assert_eq(casus_events_load_text(ev, "x.events", bad[i], strlen(bad[i]), &err), CASUS_OK, "%s",
                     err.message);
        casus_scenario *m = NULL;
        cr_expect_eq(casus_events_scenario(w, sc, ev, &m, NULL, &err), CASUS_INVALID);
        cr_expect_null(m);
        cr_expect_str_eq(err.message, want[i]);
        cr_expect_eq(err.line, 4);
        casus_events_free(ev);
    }
    casus_scenario_free(sc);
    casus_world_free(w);
}

Test(events_scenario, only_troops_fight_and_only_against_a_third_state)
{
    static const struct {
        const char *text;
        const char *want;
    } bad[] = {
        {"events x\ntitle \"t\"\nsource S 2024 \"s\"\nevent a\n  from RUS\n  to PRK\n  what coal\n  against UKR\n"
         "  when 2024\n  claim S\n",
         "x.events:4:7: event 'a': only troops fight 'against' a state or at a 'front'"},
        {"events x\ntitle \"t\"\nsource S 2024 \"s\"\nevent a\n  from PRK\n  to RUS\n  what troops\n  against RUS\n"
         "  when 2024\n  claim S\n",
         "x.events:4:7: event 'a': the troops cannot fight against RUS, a side of the exchange"},
        {"events x\ntitle \"t\"\nsource S 2024 \"s\"\nevent a\n  from PRK\n  to RUS\n  what troops\n  front kursk\n"
         "  when 2024\n  claim S\n",
         "x.events:4:7: event 'a' names a front but not whom the troops fight 'against'"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        casus_events *ev = NULL;
        casus_error err;
        cr_assert_eq(casus_events_create(NULL, NULL, &ev, NULL), CASUS_OK);
        cr_assert_eq(casus_events_load_text(ev, "x.events", bad[i].text, strlen(bad[i].text), &err), CASUS_PARSE);
        expect_error_line(&err, bad[i].want, i);
        casus_events_free(ev);
    }
}

/* The engine sees the deployment: in every trial North Korea is at war on
 * Russia's side, brought in by the event, from the first day of October 2024
 * (before day 0, so from day 0). */
Test(events_scenario, the_engine_makes_the_sender_a_belligerent)
{
    casus_world *w = test_world_full(0);
    casus_scenario *sc = scenario(w, "kursk-2024-12-events.scenario");
    casus_events *ev = founding();
    casus_scenario *m = NULL;
    casus_error err;
    cr_assert_eq(casus_events_scenario(w, sc, ev, &m, NULL, &err), CASUS_OK);
    char path[4096];
    snprintf(path, sizeof path, "%s/params/default.params", source_dir());
    casus_jm_params params;
    cr_assert_eq(casus_jm_params_load(path, &params, &err), CASUS_OK, "%s", err.message);
    for (int with = 0; with < 2; with++) {
        casus_sim *sim = NULL;
        cr_assert_eq(casus_sim_compile(w, with ? m : sc, &params, NULL, 1, &sim, &err), CASUS_OK, "%s", err.message);
        for (uint64_t t = 0; t < 20; t++) {
            casus_sim_entry out[CASUS_SIM_MAX_STATES];
            size_t n = 0;
            cr_assert_eq(casus_sim_trial(sim, 7, t, out, CASUS_SIM_MAX_STATES, &n, NULL, &err), CASUS_OK);
            int rus_side = 0;
            const casus_sim_entry *prk = NULL;
            for (size_t k = 0; k < n; k++) {
                if (out[k].ccode == 365)
                    rus_side = out[k].side;
                if (out[k].ccode == 731)
                    prk = &out[k];
            }
            if (with) {
                cr_assert_not_null(prk, "trial %llu: North Korea is not at war", (unsigned long long)t);
                cr_expect_eq(prk->cause, CASUS_SIM_CAUSE_EVENT);
                cr_expect_eq(prk->side, rus_side);
                cr_expect_eq(prk->day, 0.0);
            } else if (prk) {
                cr_expect_neq(prk->cause, CASUS_SIM_CAUSE_EVENT, "without the events file no event brings it in");
            }
        }
        casus_sim_free(sim);
    }
    casus_events_scenario_free(m);
    casus_events_free(ev);
    casus_scenario_free(sc);
    casus_world_free(w);
}

/* The merge allocates through the world's hook: out of memory at each
 * allocation fails cleanly and leaks nothing. */
Test(events_scenario, out_of_memory_at_every_allocation_fails_cleanly)
{
    fail_once f = {.countdown = -1};
    casus_world *w = test_world_tables_with(fail_once_alloc, &f);
    casus_error err;
    casus_scenario *sc = scenario(w, "kursk-2024-12-events.scenario");
    casus_events *ev = founding();
    long n;
    for (n = 0;; n++) {
        casus_scenario *m = NULL;
        f.countdown = n;
        casus_status st = casus_events_scenario(w, sc, ev, &m, NULL, &err);
        f.countdown = -1;
        if (st == CASUS_OK) {
            cr_expect_eq(m->n_events, sc->n_events + 1);
            casus_events_scenario_free(m);
            break;
        }
        cr_assert_eq(st, CASUS_NOMEM, "allocation %ld: %s", n, err.message);
        cr_assert_null(m);
    }
    cr_expect_geq(n, 2, "the copy, its events and a note need allocations");
    casus_events_free(ev);
    casus_scenario_free(sc);
    casus_world_free(w);
}
