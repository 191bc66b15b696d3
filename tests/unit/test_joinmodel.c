/* The join model: the parameter file (round trip and file:line:col
 * errors), the shipped defaults, the chain-ganging attacks, and the
 * features the engine computes incrementally against the reference that
 * replays a war through casus_who (what `casus fit` uses). */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/lib/sim_internal.h"
#include "casus/data.h"
#include "casus/joinmodel.h"
#include "casus/scenario.h"
#include "casus/sim.h"
#include "testutil.h"

/* A parameter file: a header, every feature but `skip`, then `override_line`. */
static char *params_text(const char *skip, const char *override_line)
{
    static char buf[8192];
    size_t u = (size_t)snprintf(buf, sizeof buf, "# test header\n# second line\n\n");
    for (int k = 0; k < CASUS_JM_FEATURE_COUNT; k++)
        if (!skip || strcmp(skip, casus_jm_feature_name((casus_jm_feature)k)) != 0)
            u += (size_t)snprintf(buf + u, sizeof buf - u, "%s %g -\n", casus_jm_feature_name((casus_jm_feature)k),
                                  0.5 * k);
    if (override_line)
        snprintf(buf + u, sizeof buf - u, "%s", override_line);
    return buf;
}

Test(joinmodel, params_parse_and_write_round_trip)
{
    casus_jm_params p, q;
    casus_error err;
    const char *text = params_text(NULL, "");
    cr_assert_eq(casus_jm_params_parse("t.params", text, strlen(text), &p, &err), CASUS_OK, "%s", err.message);
    cr_expect_eq(p.beta[CASUS_JM_OBLIG_ANY], 0.5 * CASUS_JM_OBLIG_ANY);
    cr_expect(isnan(p.se[0]));
    cr_expect_str_eq(p.provenance, "test header\nsecond line\n");
    p.se[3] = 0.25;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    cr_assert_eq(casus_jm_params_write(&p, f, &err), CASUS_OK);
    fclose(f);
    cr_assert_eq(casus_jm_params_parse("w.params", buf, len, &q, &err), CASUS_OK, "%s", err.message);
    for (int k = 0; k < CASUS_JM_FEATURE_COUNT; k++)
        cr_expect(q.beta[k] == p.beta[k] && (isnan(p.se[k]) ? isnan(q.se[k]) : q.se[k] == p.se[k]), "feature %d", k);
    cr_expect_str_eq(q.provenance, p.provenance);
    free(buf);
}

static void expect_error(const char *text, int line, int col, const char *msg)
{
    casus_jm_params p;
    casus_error err;
    cr_assert_eq(casus_jm_params_parse("t.params", text, strlen(text), &p, &err), CASUS_PARSE);
    cr_expect_eq(err.line, line, "line %d, expected %d (%s)", err.line, line, err.message);
    cr_expect_eq(err.col, col, "col %d, expected %d (%s)", err.col, col, err.message);
    cr_expect(strstr(err.message, msg) != NULL, "message '%s' lacks '%s'", err.message, msg);
}

Test(joinmodel, params_errors)
{
    int last = 3 + CASUS_JM_FEATURE_COUNT + 1;
    expect_error(params_text(NULL, "bogus 1 -\n"), last, 1, "unknown parameter 'bogus'");
    expect_error(params_text(NULL, "intercept 2 -\n"), last, 1, "parameter 'intercept' given twice (first on line 4)");
    expect_error(params_text("oblig_any", "  oblig_any nan -\n"), last - 1, 13, "not a finite number");
    expect_error(params_text("oblig_any", "oblig_any 1 -2\n"), last - 1, 13, "standard error");
    expect_error(params_text("oblig_any", "oblig_any 1\n"), last - 1, 11, "expected NAME VALUE STDERR");
    casus_jm_params p;
    casus_error err;
    const char *missing = "# header\nintercept 1 -\n";
    cr_assert_eq(casus_jm_params_parse("m.params", missing, strlen(missing), &p, &err), CASUS_PARSE);
    cr_expect(strstr(err.message, "parameter 'oblig_any' is missing") != NULL, "%s", err.message);
}

/* The shipped parameter files parse, with their provenance: the default
 * is the fit on all 95 wars (test_fit.c checks it byte for byte against
 * `casus fit`), the alternative is derived from published rates. */
Test(joinmodel, shipped_params_parse_with_provenance)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/params/default.params", source_dir());
    casus_jm_params p;
    casus_error err;
    cr_assert_eq(casus_jm_params_load(path, &p, &err), CASUS_OK, "%s", err.message);
    cr_expect(strstr(p.provenance, "fitted by `casus fit`") != NULL, "%s", p.provenance);
    cr_expect(strstr(p.provenance, "wars: 95 of 95") != NULL);
    for (int j = 0; j < CASUS_JM_FEATURE_COUNT; j++)
        cr_expect(isfinite(p.se[j]), "default.params: %s has no standard error", casus_jm_feature_name((casus_jm_feature)j));
    snprintf(path, sizeof path, "%s/params/bf2018.params", source_dir());
    cr_assert_eq(casus_jm_params_load(path, &p, &err), CASUS_OK, "%s", err.message);
    cr_expect(strstr(p.provenance, "Berkemeier") != NULL);
    /* Their own arithmetic: exp(intercept + oblig_any) is the pre-1945 rate
     * of Berkemeier and Fuhrmann's 66%, -ln(0.34)/365. */
    double pre = exp(p.beta[CASUS_JM_INTERCEPT] + p.beta[CASUS_JM_OBLIG_ANY]);
    cr_expect(fabs(pre - (-log(0.34) / 365)) < 1e-6, "%g", pre);
    double post = exp(p.beta[CASUS_JM_INTERCEPT] + p.beta[CASUS_JM_OBLIG_ANY] + p.beta[CASUS_JM_POST1945] +
                      p.beta[CASUS_JM_OBLIG_POST1945]);
    cr_expect(fabs(post - (-log(0.78) / 365)) < 1e-6, "%g", post);
}

Test(joinmodel, chain_ganging_attacks)
{
    casus_attack open[1] = {{.attacker = 300, .target = 345, .place = NULL, .day = 0}};
    casus_jm_belligerent b[4] = {{300, 1, 0}, {345, 2, 0}, {365, 2, 4}, {255, 1, 5}};
    casus_jm_war war = {.openings = open, .n_openings = 1, .belligerents = b, .n_belligerents = 4, .start = 0,
                        .day = 10};
    casus_attack a[8];
    size_t n = casus_jm_attacks(&war, a, 8);
    /* AUH-YUG (opening), RUS attacks AUH, GMY attacks YUG and RUS. */
    cr_assert_eq(n, 4);
    cr_expect(a[0].attacker == 300 && a[0].target == 345 && a[0].day == 10);
    cr_expect(a[1].attacker == 365 && a[1].target == 300);
    cr_expect(a[2].attacker == 255 && a[2].target == 345);
    cr_expect(a[3].attacker == 255 && a[3].target == 365);
    for (size_t i = 0; i < n; i++)
        cr_expect_null(a[i].place);
    /* Austria-Hungary's theatre: the later entrants' attacks on it are
     * evaluated there; the others stay at home. */
    casus_place where = {.name = "somewhere"};
    casus_jm_theatre th[1] = {{300, &where}};
    war.theatres = th;
    war.n_theatres = 1;
    cr_assert_eq(casus_jm_attacks(&war, a, 8), 4);
    cr_expect(a[1].target == 300 && a[1].place == &where);
    cr_expect_null(a[0].place); /* the opening keeps its own place */
    cr_expect_null(a[2].place);
    cr_expect_null(a[3].place);
    cr_expect(casus_jm_theatre_of(&war, 300) == &where);
    cr_expect_null(casus_jm_theatre_of(&war, 345));
}

/* The features the engine holds for a state after a trial has run to a
 * day equal the reference casus_jm_rows computes from the same war. */
/* A theatre for the reference and the engine: a state (ccode) and a place id. */
typedef struct theatre_spec {
    int ccode;
    const char *place;
} theatre_spec;

static void engine_equals_reference_at(bool data, const char *text, int trials, const theatre_spec *ts, size_t n_ts)
{
    casus_world *w = test_world_tables();
    casus_error err;
    char path[4096];
    snprintf(path, sizeof path, "%s/treaties", source_dir());
    cr_assert_eq(casus_world_load_treaty_dir(w, path, &err), CASUS_OK);
    if (data)
        cr_assert_eq(casus_data_load(w, test_data_dir(),
                                     CASUS_DATA_COW | CASUS_DATA_ATOP | CASUS_DATA_CONTIGUITY | CASUS_DATA_NMC |
                                         CASUS_DATA_MID,
                                     &err),
                     CASUS_OK, "%s", err.message);
    cr_assert_eq(casus_world_finish(w, &err), CASUS_OK);
    casus_scenario *sc = NULL;
    cr_assert_eq(casus_scenario_parse(w, "t.scenario", text, strlen(text), &sc, &err), CASUS_OK, "%s", err.message);
    casus_jm_params p;
    memset(&p, 0, sizeof p);
    /* Rates high enough that wars grow within the year. */
    p.beta[CASUS_JM_INTERCEPT] = -9;
    p.beta[CASUS_JM_OBLIG_ANY] = 4;
    p.beta[CASUS_JM_DEFEND_BINDING] = 0.5;
    p.beta[CASUS_JM_TIMING_IMMEDIATE] = 0.3;
    p.beta[CASUS_JM_ALLIES_ON_SIDE] = 0.2;
    p.beta[CASUS_JM_TIMING_CONSTITUTIONAL] = -0.4;
    p.beta[CASUS_JM_OBLIG_HAND] = 0.1;
    p.beta[CASUS_JM_BOTH_SIDES] = -0.7;
    p.beta[CASUS_JM_DEFEND_CONDITIONAL] = 0.25;
    p.beta[CASUS_JM_POST1945] = 0.05;
    p.beta[CASUS_JM_OBLIG_POST1945] = -0.3;
    p.beta[CASUS_JM_LOG_CINC] = 0.15;
    p.beta[CASUS_JM_CONTIG_LAND] = 0.6;
    p.beta[CASUS_JM_CONTIG_SEA] = 0.2;
    p.beta[CASUS_JM_MID_OTHER] = 0.35;
    p.beta[CASUS_JM_MAJOR] = 0.45;
    p.beta[CASUS_JM_PLEDGE_OTHER] = -0.5;
    p.beta[CASUS_JM_OBLIG_ATOP] = 0.3;
    casus_jm_theatre th[4];
    cr_assert_leq(n_ts, 4);
    for (size_t i = 0; i < n_ts; i++) {
        th[i] = (casus_jm_theatre){ts[i].ccode, casus_world_place_find(w, ts[i].place)};
        cr_assert_not_null(th[i].place, "%s", ts[i].place);
    }
    casus_sim *sim = NULL;
    cr_assert_eq(casus__sim_compile_theatres(w, sc, &p, NULL, th, n_ts, 1, &sim, &err), CASUS_OK, "%s", err.message);
    casus_jm_data *jd = NULL;
    cr_assert_eq(casus_jm_data_create(w, sc->start, &jd, &err), CASUS_OK);
    int compared = 0, with_oblig = 0, with_contig = 0, theatre_changed = 0;
    for (uint64_t trial = 0; trial < (uint64_t)trials; trial++) {
        double until = 10.5 + 360.0 * (double)trial / trials;
        casus_sim_entry e[CASUS_SIM_MAX_STATES];
        size_t ne;
        cr_assert_eq(casus_sim_trial(sim, 3, trial, e, CASUS_SIM_MAX_STATES, &ne, NULL, &err), CASUS_OK);
        casus_jm_belligerent b[CASUS_SIM_MAX_STATES];
        size_t nb = 0;
        for (size_t i = 0; i < ne; i++)
            if (e[i].day < until)
                b[nb++] = (casus_jm_belligerent){e[i].ccode, e[i].side, sc->start + (casus_day)e[i].day};
        casus_jm_war war = {.openings = NULL, .n_openings = 1, .belligerents = b, .n_belligerents = nb,
                            .start = sc->start, .day = sc->start + (casus_day)until, .theatres = th,
                            .n_theatres = n_ts};
        casus_attack open = {.attacker = sc->attacks[0].attacker, .target = sc->attacks[0].target,
                             .place = sc->attacks[0].place ? sc->attacks[0].place
                                                           : casus_jm_theatre_of(&war, sc->attacks[0].target),
                             .day = sc->start};
        war.openings = &open;
        casus_jm_row *rows = NULL;
        size_t nr = 0;
        cr_assert_eq(casus_jm_rows(jd, &war, &rows, &nr, &err), CASUS_OK, "%s", err.message);
        for (size_t r = 0; r < nr; r++) {
            double x[CASUS_JM_FEATURE_COUNT];
            bool cand = false;
            double g = 0;
            cr_assert_eq(casus__sim_x_at(sim, 3, trial, until, rows[r].ccode, rows[r].side, x, &cand, &g), CASUS_OK);
            /* g is exp(beta . x) without the side-total and band terms. */
            double dot = 0;
            for (int k = 0; k < CASUS_JM_FEATURE_COUNT; k++)
                if (k != CASUS_JM_LOG_CINC_SIDE && k != CASUS_JM_LOG_CINC_OTHER && k != CASUS_JM_BAND_WEEK &&
                    k != CASUS_JM_BAND_MONTH && k != CASUS_JM_BAND_YEAR)
                    dot += p.beta[k] * x[k];
            cr_expect(fabs(g - exp(dot)) <= 1e-12 * exp(dot), "state %d side %d: g %g, exp(beta . x) %g", rows[r].ccode,
                      rows[r].side, g, exp(dot));
            cr_expect(cand, "trial %llu: %d is a reference candidate but not the engine's", (unsigned long long)trial,
                      rows[r].ccode);
            for (int k = 0; k < CASUS_JM_FEATURE_COUNT; k++)
                cr_expect(fabs(x[k] - rows[r].x[k]) < 1e-12, "trial %llu, state %d side %d, %s: engine %g, reference %g",
                          (unsigned long long)trial, rows[r].ccode, rows[r].side,
                          casus_jm_feature_name((casus_jm_feature)k), x[k], rows[r].x[k]);
            compared++;
            with_oblig += rows[r].x[CASUS_JM_OBLIG_ANY] > 0;
            with_contig += rows[r].x[CASUS_JM_CONTIG_LAND] > 0;
        }
        if (n_ts) {
            /* The same moment with every attack at home: the theatres must
             * change some row, or this test would not see them ignored. */
            casus_jm_war home = war;
            casus_attack open_home = open;
            open_home.place = sc->attacks[0].place;
            home.openings = &open_home;
            home.theatres = NULL;
            home.n_theatres = 0;
            casus_jm_row *rows0 = NULL;
            size_t nr0 = 0;
            cr_assert_eq(casus_jm_rows(jd, &home, &rows0, &nr0, &err), CASUS_OK, "%s", err.message);
            bool differ = nr0 != nr;
            for (size_t r = 0; r < nr && !differ; r++)
                differ = rows0[r].ccode != rows[r].ccode || memcmp(rows0[r].x, rows[r].x, sizeof rows[r].x) != 0;
            theatre_changed += differ;
            casus_jm_rows_free(jd, rows0, nr0);
        }
        casus_jm_rows_free(jd, rows, nr);
    }
    cr_expect(!n_ts || theatre_changed > 0, "the theatres changed no row in %d trials", trials);
    cr_expect(compared > 200, "only %d rows compared", compared);
    cr_expect(with_oblig > 10, "only %d rows with an obligation", with_oblig);
    cr_expect(!data || with_contig > 10, "only %d rows with contiguity", with_contig);
    casus_jm_data_free(jd);
    casus_sim_free(sim);
    casus_scenario_free(sc);
    casus_world_free(w);
}

static void engine_equals_reference(bool data, const char *text, int trials)
{
    engine_equals_reference_at(data, text, trials, NULL, 0);
}

Test(joinmodel, engine_features_equal_reference, .timeout = 120)
{
    engine_equals_reference(false, "scenario t\ntitle \"t\"\nsource S1 \"x\"\nhorizon 365 days\n"
                                   "attack PRK ROK on 2025-03-01 source S1\n", 40);
}

/* With the datasets: contiguity, major powers, CINC, MID rivals and ATOP's
 * alliances of 1914. */
Test(joinmodel, engine_features_equal_reference_1914, .timeout = 300)
{
    engine_equals_reference(true, "scenario t\ntitle \"t\"\nsource S1 \"x\"\nhorizon 365 days\n"
                                  "attack AUH YUG on 1914-07-28 source S1\n", 12);
}

/* With theatres (the back-test's): the United States' forces attacked in
 * Kursk oblast (NATO's Article 6 area), Russia's in Greenland, by the
 * opening attack and by every later entrant; the engine's features still
 * equal the reference's. */
Test(joinmodel, engine_features_equal_reference_with_theatres, .timeout = 120)
{
    const theatre_spec ts[] = {{2, "kursk"}, {365, "greenland"}};
    engine_equals_reference_at(false, "scenario t\ntitle \"t\"\nsource S1 \"x\"\nhorizon 365 days\n"
                                      "attack RUS USA on 2025-03-01 source S1\n",
                               40, ts, 2);
}
