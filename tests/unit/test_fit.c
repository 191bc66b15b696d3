/* The fit (src/lib/fit.c), `casus fit` and `casus backtest`: the likelihood
 * against its gradient, the shipped default parameters against a fresh fit,
 * the same bytes twice, and the out-of-sample promise of the back-test. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "casus/backtest.h"
#include "casus/data.h"
#include "casus/fit.h"
#include "casus/history.h"
#include "casus/warplaces.h"
#include "casus/wars.h"
#include "testutil.h"

Test(fit, likelihood_gradient_and_counts)
{
    casus_world *w =
        test_world_full(CASUS_DATA_COW | CASUS_DATA_ATOP | CASUS_DATA_CONTIGUITY | CASUS_DATA_NMC | CASUS_DATA_MID);
    casus_wars *wars = test_wars();
    casus_history *h = NULL;
    casus_fit_data *d = NULL;
    casus_error err;
    cr_assert_eq(casus_history_build(w, wars, NULL, &h, &err), CASUS_OK);
    cr_assert_eq(casus_fit_data_build(w, h, NULL, &d, &err), CASUS_OK, "%s", err.message);
    cr_assert_eq(casus_fit_data_count(d), 95);
    /* Every one of the 98 later entrants is in the likelihood or counted
     * as unmodelled. */
    size_t ev = 0, un = 0;
    for (size_t i = 0; i < 95; i++) {
        ev += casus_fit_data_war(d, i)->n_events;
        un += casus_fit_data_war(d, i)->n_unmodelled;
    }
    cr_expect_eq(ev + un, 98);
    /* World War I: Austria-Hungary (initiator, COW side 2) is side 1. */
    const casus_fit_war *fw = casus_fit_data_war(d, (size_t)casus_fit_data_find(d, 106));
    cr_expect_eq(fw->side1_cow, 2);
    cr_assert_eq(fw->n_openings, 1);
    cr_expect_eq(fw->openings[0].attacker, 300);
    cr_expect_eq(fw->openings[0].target, 345);
    /* The gradient against central differences, at an arbitrary beta. */
    double beta[CASUS_JM_FEATURE_COUNT], g[CASUS_JM_FEATURE_COUNT];
    for (int j = 0; j < CASUS_JM_FEATURE_COUNT; j++)
        beta[j] = j == 0 ? -9 : 0.05 * (j % 5) - 0.1;
    size_t some[] = {0, 10, 40, 70, 94};
    casus_fit_loglik(d, some, 5, beta, g);
    for (int j = 0; j < CASUS_JM_FEATURE_COUNT; j++) {
        double b0 = beta[j], hstep = 1e-5;
        beta[j] = b0 + hstep;
        double up = casus_fit_loglik(d, some, 5, beta, NULL);
        beta[j] = b0 - hstep;
        double down = casus_fit_loglik(d, some, 5, beta, NULL);
        beta[j] = b0;
        double num = (up - down) / (2 * hstep);
        cr_expect(fabs(num - g[j]) <= 1e-4 * (1 + fabs(g[j])), "feature %d: gradient %g, numeric %g", j, g[j], num);
    }
    /* A fit on five wars with a fixed penalty converges, and raises the
     * penalised log-likelihood above the start's. */
    casus_fit_options o = {.wars = some, .n_wars = 5, .penalty = 1};
    casus_fit_result r;
    cr_assert_eq(casus_fit_run(d, &o, &r, &err), CASUS_OK);
    cr_expect(r.converged);
    cr_expect_eq(r.n_wars, 5);
    cr_expect(isnan(r.cv_loglik[0]));
    double start[CASUS_JM_FEATURE_COUNT] = {0};
    start[0] = -9;
    cr_expect_gt(r.loglik, casus_fit_loglik(d, some, 5, start, NULL));
    for (int j = 0; j < CASUS_JM_FEATURE_COUNT; j++)
        cr_expect(r.se[j] > 0 && isfinite(r.se[j]), "se[%d] = %g", j, r.se[j]);
    /* The baseline hazard is not penalised: the intercept and the bands,
     * a priori; every other coefficient is. */
    for (int j = 0; j < CASUS_JM_FEATURE_COUNT; j++)
        cr_expect_eq(casus_fit_penalised((casus_jm_feature)j),
                     j != CASUS_JM_INTERCEPT && j != CASUS_JM_BAND_WEEK && j != CASUS_JM_BAND_MONTH &&
                         j != CASUS_JM_BAND_YEAR,
                     "%s", casus_jm_feature_name((casus_jm_feature)j));
    /* Wars 22 and 28 have entries in the first week, the first year and
     * after it, none in days 7-29: that band's coefficient would go to
     * minus infinity unpenalised, so the fit penalises it, and converges
     * with finite standard errors. */
    size_t two[] = {(size_t)casus_fit_data_find(d, 22), (size_t)casus_fit_data_find(d, 28)};
    o = (casus_fit_options){.wars = two, .n_wars = 2, .penalty = 0.3};
    cr_assert_eq(casus_fit_run(d, &o, &r, &err), CASUS_OK);
    cr_expect(r.converged, "gradient norm %g", r.gradient_norm);
    cr_expect(!r.penalised[CASUS_JM_INTERCEPT] && !r.penalised[CASUS_JM_BAND_WEEK] && !r.penalised[CASUS_JM_BAND_YEAR]);
    cr_expect(r.penalised[CASUS_JM_BAND_MONTH]);
    cr_expect(r.penalised[CASUS_JM_OBLIG_ANY]);
    for (int j = 0; j < CASUS_JM_FEATURE_COUNT; j++)
        cr_expect(isfinite(r.beta[j]) && fabs(r.beta[j]) < 20 && r.se[j] > 0 && isfinite(r.se[j]), "%s: %g (%g)",
                  casus_jm_feature_name((casus_jm_feature)j), r.beta[j], r.se[j]);
    /* On all 95 wars every band has entries: all three unpenalised. */
    o = (casus_fit_options){.penalty = 30};
    cr_assert_eq(casus_fit_run(d, &o, &r, &err), CASUS_OK);
    cr_expect(r.converged);
    cr_expect(!r.penalised[CASUS_JM_BAND_WEEK] && !r.penalised[CASUS_JM_BAND_MONTH] && !r.penalised[CASUS_JM_BAND_YEAR]);
    size_t bad[] = {95};
    o.wars = bad;
    o.n_wars = 1;
    cr_expect_eq(casus_fit_run(d, &o, &r, &err), CASUS_INVALID);
    casus_fit_data_free(d);
    casus_history_free(h);
    casus_wars_free(wars);
    casus_world_free(w);
}

/* The shipped default parameters (params/default.params) are what `casus
 * fit` writes with its defaults -- the fit on all 95 wars -- byte for byte,
 * and a second fit gives the same bytes. */
Test(fit, shipped_fit_is_the_full_fit, .timeout = 600)
{
    char *dir = make_temp_dir();
    char out1[4200], out2[4200], shipped[4200];
    snprintf(out1, sizeof out1, "%s/a.params", dir);
    snprintf(out2, sizeof out2, "%s/b.params", dir);
    snprintf(shipped, sizeof shipped, "%s/params/default.params", source_dir());
    expect_casus_exit(0, "fit", "--data", test_data_dir(), "--output", out1, NULL);
    size_t la, lb, ls;
    char *a = slurp(out1, &la), *s = slurp(shipped, &ls);
    cr_assert(a && s);
    cr_expect(la == ls && memcmp(a, s, la) == 0, "params/default.params is not what `casus fit` writes");
    cr_expect(strstr(a, "wars: 95 of 95"), "%s", a);
    expect_casus_exit(0, "fit", "--data", test_data_dir(), "--wars", "1-50", "--penalty", "3", "--output", out1,
                      NULL);
    expect_casus_exit(0, "fit", "--data", test_data_dir(), "--wars", "1-50", "--penalty", "3", "--output", out2,
                      NULL);
    /* The folds on two threads: the same bytes as the shipped fit. */
    char out3[4200];
    snprintf(out3, sizeof out3, "%s/c.params", dir);
    expect_casus_exit(0, "fit", "--data", test_data_dir(), "--threads", "2", "--output", out3, NULL);
    size_t lc;
    char *c3 = slurp(out3, &lc);
    cr_expect(c3 && lc == ls && memcmp(c3, s, ls) == 0, "casus fit --threads 2 differs from one thread");
    free(c3);
    free(a);
    a = slurp(out1, &la);
    char *b = slurp(out2, &lb);
    cr_expect(la == lb && memcmp(a, b, la) == 0, "same inputs, different bytes");
    cr_expect(strstr(a, "lambda 3 on every"));
    free(a), free(b), free(s);
    expect_casus_exit(2, "fit", "--data", test_data_dir(), "--exclude-war", "9999", NULL);
    expect_casus_exit(2, "fit", "--data", test_data_dir(), "--penalty", "-1", NULL);
    expect_casus_exit(2, "fit", "--data", test_data_dir(), "--threads", "0", NULL);
    expect_casus_exit(2, "fit", "--data", test_data_dir(), "--wars", "1", "--exclude-war", "7", NULL);
    rm_temp_dir(dir);
}

/* --war-places: none puts every attack at the target's home, which the
 * fit's places: line says; a bad table is refused by fit and backtest with
 * its line and column, exit 2, nothing written. */
Test(fit, command_war_places, .timeout = 600)
{
    char *dir = make_temp_dir(), out[4200], path[4200];
    snprintf(out, sizeof out, "%s/a.params", dir);
    expect_casus_exit(0, "fit", "--data", test_data_dir(), "--wars", "1-20", "--penalty", "3", "--output", out, NULL);
    size_t n;
    char *a = slurp(out, &n);
    cr_assert_not_null(a);
    cr_expect(strstr(a, "at their rows of world/war-places.csv"), "%s", a);
    free(a);
    expect_casus_exit(0, "fit", "--data", test_data_dir(), "--wars", "1-20", "--penalty", "3", "--war-places", "none",
                      "--output", out, NULL);
    a = slurp(out, &n);
    cr_assert_not_null(a);
    cr_expect(strstr(a, "places: every attack at the target's home (--war-places none)"), "%s", a);
    cr_expect_null(strstr(a, "world/war-places.csv"), "%s", a);
    free(a);
    unlink(out);

    snprintf(path, sizeof path, "%s/bad-war-places.csv", dir);
    const char *bad = "war,attacker,target,place,source\n202,,UKG,atlantis,s\n";
    cr_assert_eq(spit(path, bad, strlen(bad)), 0);
    const char *cmds[] = {"fit", "backtest"};
    for (int k = 0; k < 2; k++) {
        run_result r = run_casus(cmds[k], "--data", test_data_dir(), "--war-places", path, "--output", out, NULL);
        cr_expect_eq(r.status, 2, "%s", cmds[k]);
        cr_expect(strstr(r.err, "bad-war-places.csv:2:10: unknown place 'atlantis'"), "%s: %s", cmds[k], r.err);
        char *written = slurp(out, &n);
        cr_expect_null(written, "%s: nothing written", cmds[k]);
        free(written);
        run_free(&r);
    }
    rm_temp_dir(dir);
}

/* text with the first `from` replaced by `to` (a new string). */
static char *replace_once(const char *text, const char *from, const char *to)
{
    const char *c = strstr(text, from);
    cr_assert_not_null(c, "'%s' not found", from);
    size_t n = strlen(text) - strlen(from) + strlen(to) + 1;
    char *out = malloc(n);
    cr_assert_not_null(out);
    snprintf(out, n, "%.*s%s%s", (int)(c - text), text, to, c + strlen(from));
    return out;
}

/* The rows of war_text for one state in one war go, up to and with their
 * bare CR (the file's line ends). */
static void drop_row(char *text, const char *row_start)
{
    char *t = strstr(text, row_start);
    cr_assert_not_null(t, "'%s' not found", row_start);
    char *e = strchr(t, '\r');
    cr_assert_not_null(e);
    memmove(t, e + 1, strlen(e + 1) + 1);
}

/* A copy of the data directory: every file copied, but the war file
 * replaced by war_text. */
static char *data_copy(const char *war_text)
{
    char *dir = make_temp_dir();
    const char *subs[] = {"cow", "atop"};
    for (int i = 0; i < 2; i++) {
        char p[4200];
        snprintf(p, sizeof p, "%s/%s", dir, subs[i]);
        cr_assert_eq(mkdir(p, 0755), 0);
    }
    /* Copies, not links: the loaders take regular files only. */
    for (int k = 0; k < CASUS_DATASET_COUNT; k++) {
        char to[4200];
        size_t n;
        char *bytes = slurp_test_data(casus_dataset_path((casus_dataset)k), &n);
        snprintf(to, sizeof to, "%s/%s", dir, casus_dataset_path((casus_dataset)k));
        cr_assert_eq(spit(to, bytes, n), 0, "%s", to);
        free(bytes);
    }
    char p[4200];
    snprintf(p, sizeof p, "%s/%s", dir, CASUS_WARS_FILE);
    cr_assert_eq(spit(p, war_text, strlen(war_text)), 0);
    return dir;
}

static json_t *backtest_json(const char *data)
{
    run_result r = run_casus("backtest", "--war", "155", "--trials", "400", "--format", "json", "--data", data, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    json_error_t jerr;
    json_t *root = json_loads(r.out, 0, &jerr);
    cr_assert(root, "%s", jerr.text);
    run_free(&r);
    return root;
}

/* Out of sample means out of sample: rewriting what happened in the Sinai
 * War (155) after its first day -- Britain enters on Egypt's side a day
 * later, France never enters -- changes none of the forecasts of `casus
 * backtest --war 155`, only what they are scored against.  (A short war, so
 * that the test stays quick under the sanitizers.) */
Test(fit, backtest_forecasts_do_not_see_the_held_out_war, .timeout = 600)
{
    size_t len;
    char *orig = slurp_test_data(CASUS_WARS_FILE, &len);
    char *text = replace_once(orig, "155,Sinai War,1,200,United Kingdom,1,10,31,1956,",
                              "155,Sinai War,1,200,United Kingdom,2,11,1,1956,");
    drop_row(text, "155,Sinai War,1,220,France,");
    char *dir = data_copy(text);
    free(orig);
    free(text);

    json_t *a = backtest_json(test_data_dir());
    json_t *b = backtest_json(dir);
    json_t *fa = json_object_get(a, "forecasts"), *fb = json_object_get(b, "forecasts");
    cr_assert_eq(json_array_size(fa), json_array_size(fb));
    cr_assert_gt(json_array_size(fa), 50);
    size_t changed = 0;
    for (size_t i = 0; i < json_array_size(fa); i++) {
        json_t *x = json_array_get(fa, i), *y = json_array_get(fb, i);
        const char *keys[] = {"state", "side", "p", "p_side", "p_by_day_7_30_365", "baselines", "candidate"};
        for (int k = 0; k < 7; k++)
            cr_expect(json_equal(json_object_get(x, keys[k]), json_object_get(y, keys[k])), "%s of %s differs", keys[k],
                      json_string_value(json_object_get(x, "state")));
        changed += !json_equal(json_object_get(x, "joined"), json_object_get(y, "joined")) ||
                   !json_equal(json_object_get(x, "joined_side"), json_object_get(y, "joined_side")) ||
                   !json_equal(json_object_get(x, "entry_day"), json_object_get(y, "entry_day"));
    }
    /* What happened did change: Britain (side and day) and France. */
    cr_expect_eq(changed, 2);
    cr_expect_eq(json_integer_value(json_object_get(a, "joiners")) - 1,
                 json_integer_value(json_object_get(b, "joiners")));
    json_decref(a);
    json_decref(b);
    rm_temp_dir(dir);
}

/* The shipped world/war-places.csv. */
static casus_war_places *war_places(const casus_world *w)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/world/war-places.csv", source_dir());
    casus_war_places *t = NULL;
    casus_error err;
    cr_assert_eq(casus_war_places_load_file(w, path, &t, &err), CASUS_OK, "%s", err.message);
    return t;
}

/* The theatres of the replay: the war-places rows naming no attacker of
 * the states fighting on a war's first day, and only those.  The opening
 * attacks on such a state are evaluated there. */
Test(fit, theatres_are_the_day0_states_rows)
{
    casus_world *w =
        test_world_full(CASUS_DATA_COW | CASUS_DATA_ATOP | CASUS_DATA_CONTIGUITY | CASUS_DATA_NMC | CASUS_DATA_MID);
    casus_wars *wars = test_wars();
    casus_war_places *places = war_places(w);
    casus_history *h = NULL;
    casus_fit_data *d = NULL, *home = NULL;
    casus_error err;
    cr_assert_eq(casus_history_build(w, wars, NULL, &h, &err), CASUS_OK);
    cr_assert_eq(casus_fit_data_build(w, h, places, &d, &err), CASUS_OK, "%s", err.message);
    cr_assert_eq(casus_fit_data_build(w, h, NULL, &home, &err), CASUS_OK, "%s", err.message);
    size_t with = 0, opened_abroad = 0;
    for (size_t i = 0; i < casus_fit_data_count(d); i++) {
        const casus_fit_war *fw = casus_fit_data_war(d, i);
        const casus_war_history *wh = fw->history;
        cr_expect_eq(casus_fit_data_war(home, i)->n_theatres, 0);
        with += fw->n_theatres;
        for (size_t k = 0; k < fw->n_theatres; k++) {
            const casus_jm_theatre *t = &fw->theatres[k];
            const casus_war_place *row = casus_war_places_find(places, wh->war->number, 0, t->ccode);
            cr_expect(row && row->attacker == 0 && row->place == t->place, "war %d, state %d", wh->war->number,
                      t->ccode);
            bool day0 = false;
            for (size_t b = 0; b < wh->n_day0; b++)
                day0 |= wh->belligerents[b].ccode == t->ccode;
            cr_expect(day0, "war %d: state %d does not fight on day 0", wh->war->number, t->ccode);
            cr_expect(k == 0 || fw->theatres[k - 1].ccode < t->ccode);
        }
        for (size_t k = 0; k < fw->n_openings; k++) {
            const casus_place *want = NULL;
            for (size_t q = 0; q < fw->n_theatres; q++)
                if (fw->theatres[q].ccode == fw->openings[k].target)
                    want = fw->theatres[q].place;
            cr_expect(fw->openings[k].place == want);
            opened_abroad += want != NULL;
        }
        /* Every day-0 state with such a row has its theatre. */
        for (size_t b = 0; b < wh->n_day0; b++) {
            const casus_war_place *row = casus_war_places_find(places, wh->war->number, 0, wh->belligerents[b].ccode);
            if (row && row->attacker == 0) {
                bool found = false;
                for (size_t q = 0; q < fw->n_theatres; q++)
                    found |= fw->theatres[q].ccode == wh->belligerents[b].ccode;
                cr_expect(found, "war %d: state %d has no theatre", wh->war->number, wh->belligerents[b].ccode);
            }
        }
    }
    cr_expect_gt(with, 0);
    cr_expect_gt(opened_abroad, 0);
    /* The Sinai War: Britain and France entered on its third day, so their
     * rows are not read. */
    cr_expect_eq(casus_fit_data_war(d, (size_t)casus_fit_data_find(d, 155))->n_theatres, 0);
    casus_fit_data_free(d);
    casus_fit_data_free(home);
    casus_war_places_free(places);
    casus_history_free(h);
    casus_wars_free(wars);
    casus_world_free(w);
}

/* The back-test of one war, in process, on the wars of war_text, with the
 * shipped war places. */
static casus_bt_result *backtest_war(const casus_world *w, const char *war_text, int war)
{
    casus_wars *wars = NULL;
    casus_history *h = NULL;
    casus_fit_data *d = NULL;
    casus_bt_result *r = NULL;
    casus_error err;
    cr_assert_eq(casus_wars_create(&wars, &err), CASUS_OK);
    cr_assert_eq(casus_wars_load_text(wars, "wars.csv", war_text, strlen(war_text), &err), CASUS_OK, "%s", err.message);
    casus_war_places *places = war_places(w);
    cr_assert_eq(casus_history_build(w, wars, NULL, &h, &err), CASUS_OK, "%s", err.message);
    cr_assert_eq(casus_fit_data_build(w, h, places, &d, &err), CASUS_OK, "%s", err.message);
    /* The default penalty: cross-validated inside the training set. */
    casus_bt_options o = {.war = war, .trials = 200, .seed = 1, .threads = 2, .penalty = -1, .bootstrap = 20};
    cr_assert_eq(casus_bt_run(w, d, &o, &r, &err), CASUS_OK, "%s", err.message);
    casus_fit_data_free(d);
    casus_war_places_free(places);
    casus_history_free(h);
    casus_wars_free(wars);
    return r;
}

/* What the back-test of a held-out war computed from the training wars --
 * the penalty cross-validation chose, the held-out log-likelihood of every
 * penalty, every coefficient, and every forecast -- is the same to the last
 * bit when what happened in that war after its first day is rewritten;
 * only the outcomes differ, in `changed` pairs. */
static void expect_out_of_sample(const casus_world *w, const char *orig, const char *rewritten, int war,
                                 size_t changed)
{
    casus_bt_result *a = backtest_war(w, orig, war), *b = backtest_war(w, rewritten, war);
    cr_assert_eq(a->n_fits, 1);
    cr_assert_eq(b->n_fits, 1);
    const casus_fit_result *fa = &a->fits[0].fit, *fb = &b->fits[0].fit;
    cr_expect_eq(a->fits[0].held_out, war);
    cr_expect(isnan(fa->cv_loglik[0]) == false, "war %d: the penalty was not cross-validated", war);
    cr_expect(fa->penalty == fb->penalty, "war %d: lambda %g, rewritten %g", war, fa->penalty, fb->penalty);
    cr_expect(memcmp(fa->cv_loglik, fb->cv_loglik, sizeof fa->cv_loglik) == 0, "war %d: the folds' scores differ", war);
    for (int j = 0; j < CASUS_JM_FEATURE_COUNT; j++)
        cr_expect(fa->beta[j] == fb->beta[j], "war %d: %s %.17g, rewritten %.17g", war,
                  casus_jm_feature_name((casus_jm_feature)j), fa->beta[j], fb->beta[j]);
    cr_expect(fa->n_wars == 94 && fb->n_wars == 94);
    cr_assert_eq(a->n_pairs, b->n_pairs);
    size_t n_changed = 0;
    for (size_t i = 0; i < a->n_pairs; i++) {
        const casus_bt_pair *p = &a->pairs[i], *q = &b->pairs[i];
        cr_expect_eq(p->ccode, q->ccode);
        cr_expect(memcmp(p->p, q->p, sizeof p->p) == 0 && memcmp(p->p_side1, q->p_side1, sizeof p->p_side1) == 0 &&
                      memcmp(p->p_by, q->p_by, sizeof p->p_by) == 0,
                  "war %d: the forecasts of state %d differ", war, p->ccode);
        n_changed += p->joined != q->joined || p->joined_side != q->joined_side || p->entry_day != q->entry_day;
    }
    cr_expect_eq(n_changed, changed, "war %d: %zu outcomes changed", war, n_changed);
    casus_bt_free(a);
    casus_bt_free(b);
}

/* Two held-out wars rewritten after their first day: the Sinai War (155;
 * Britain enters on Egypt's side a day later, France never enters) and the
 * Yom Kippur War (181; Jordan enters on Israel's side four days later than
 * it entered on Syria's, Saudi Arabia never enters).  Neither the fit on the
 * other 94 wars (its cross-validated penalty and coefficients) nor any
 * forecast changes.  (The back-test reads no other file that records the
 * held-out war: COW's directed dyadic war data serve `casus reliability`
 * only.) */
Test(fit, backtest_fit_and_forecasts_do_not_see_the_held_out_war, .timeout = 900)
{
    casus_world *w =
        test_world_full(CASUS_DATA_COW | CASUS_DATA_ATOP | CASUS_DATA_CONTIGUITY | CASUS_DATA_NMC | CASUS_DATA_MID);
    size_t len;
    char *orig = slurp_test_data(CASUS_WARS_FILE, &len);
    char *sinai = replace_once(orig, "155,Sinai War,1,200,United Kingdom,1,10,31,1956,",
                               "155,Sinai War,1,200,United Kingdom,2,11,1,1956,");
    drop_row(sinai, "155,Sinai War,1,220,France,");
    expect_out_of_sample(w, orig, sinai, 155, 2);
    char *yom = replace_once(orig, "181,Yom Kippur War,1,663,Jordan,2,10,10,1973,",
                             "181,Yom Kippur War,1,663,Jordan,1,10,14,1973,");
    drop_row(yom, "181,Yom Kippur War,1,670,Saudi Arabia,");
    expect_out_of_sample(w, orig, yom, 181, 2);
    free(sinai), free(yom), free(orig);
    casus_world_free(w);
}

/* The war file's header and the rows of the listed wars only (a new string). */
static char *wars_only(const char *text, const int *wars, size_t n_wars)
{
    char *out = malloc(strlen(text) + 1);
    cr_assert_not_null(out);
    size_t o = 0;
    const char *line = text;
    bool header = true;
    while (*line) {
        const char *end = strchr(line, '\r');
        size_t len = end ? (size_t)(end - line) + 1 : strlen(line);
        bool keep = header;
        for (size_t k = 0; k < n_wars && !keep; k++)
            keep = atoi(line) == wars[k] && line[0] != '\n';
        if (keep) {
            memcpy(out + o, line, len);
            o += len;
        }
        header = false;
        line += len;
    }
    out[o] = '\0';
    return out;
}

/* The back-test's fits and forecasts are the same bits on one thread and
 * on two, which spread the held-out wars' fits (and their folds) between
 * them: --split war and --split era over twelve short wars. */
Test(fit, backtest_same_bits_for_any_thread_count, .timeout = 900)
{
    casus_world *w =
        test_world_full(CASUS_DATA_COW | CASUS_DATA_ATOP | CASUS_DATA_CONTIGUITY | CASUS_DATA_NMC | CASUS_DATA_MID);
    size_t len;
    char *orig = slurp_test_data(CASUS_WARS_FILE, &len);
    static const int keep[] = {1, 22, 28, 52, 55, 155, 158, 169, 181, 186, 187, 190};
    char *text = wars_only(orig, keep, sizeof keep / sizeof keep[0]);
    casus_wars *wars = NULL;
    casus_history *h = NULL;
    casus_fit_data *d = NULL;
    casus_error err;
    cr_assert_eq(casus_wars_create(&wars, &err), CASUS_OK);
    cr_assert_eq(casus_wars_load_text(wars, "wars.csv", text, strlen(text), &err), CASUS_OK, "%s", err.message);
    cr_assert_eq(casus_history_build(w, wars, NULL, &h, &err), CASUS_OK, "%s", err.message);
    cr_assert_eq(casus_fit_data_build(w, h, NULL, &d, &err), CASUS_OK, "%s", err.message);
    cr_assert_eq(casus_fit_data_count(d), 12);
    for (int split = 0; split < 2; split++) {
        casus_bt_result *r[2];
        for (unsigned t = 0; t < 2; t++) {
            casus_bt_options o = {.split = split ? CASUS_BT_SPLIT_ERA : CASUS_BT_SPLIT_WAR, .trials = 20, .seed = 3,
                                  .threads = t + 1, .penalty = -1, .bootstrap = 20};
            cr_assert_eq(casus_bt_run(w, d, &o, &r[t], &err), CASUS_OK, "%s", err.message);
        }
        cr_assert_eq(r[0]->n_fits, split ? 2 : 12);
        cr_assert_eq(r[1]->n_fits, r[0]->n_fits);
        for (size_t k = 0; k < r[0]->n_fits; k++) {
            const casus_bt_fit *a = &r[0]->fits[k], *b = &r[1]->fits[k];
            cr_expect(a->held_out == b->held_out && a->era == b->era && a->fit.penalty == b->fit.penalty &&
                          memcmp(a->fit.beta, b->fit.beta, sizeof a->fit.beta) == 0 &&
                          memcmp(a->fit.cv_loglik, b->fit.cv_loglik, sizeof a->fit.cv_loglik) == 0,
                      "split %d, fit %zu: one thread and two differ", split, k);
        }
        cr_assert_eq(r[0]->n_pairs, r[1]->n_pairs);
        for (size_t i = 0; i < r[0]->n_pairs; i++)
            cr_expect(memcmp(r[0]->pairs[i].p, r[1]->pairs[i].p, sizeof r[0]->pairs[i].p) == 0 &&
                          memcmp(r[0]->pairs[i].p_side1, r[1]->pairs[i].p_side1, sizeof r[0]->pairs[i].p_side1) == 0,
                      "split %d: the forecasts of pair %zu differ", split, i);
        cr_expect(memcmp(&r[0]->scores, &r[1]->scores, sizeof r[0]->scores) == 0, "split %d: the scores differ", split);
        casus_bt_free(r[0]);
        casus_bt_free(r[1]);
    }
    casus_fit_data_free(d);
    casus_history_free(h);
    casus_wars_free(wars);
    free(text), free(orig);
    casus_world_free(w);
}

static char *backtest_bytes(const char *data, const char *split, const char *war, const char *threads)
{
    run_result r = war ? run_casus("backtest", "--war", war, "--trials", "300", "--threads", threads, "--format", "json",
                                   "--data", data, NULL)
                       : run_casus("backtest", "--split", split, "--trials", "300", "--threads", threads, "--format",
                                   "json", "--data", data, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    char *out = strdup(r.out);
    run_free(&r);
    return out;
}

/* The same bytes for any --threads: held-out wars run several at a time,
 * and one war's trials split over threads.  (Six short wars, so that the
 * test stays quick under the sanitizers.) */
Test(fit, backtest_threads_give_identical_bytes, .timeout = 600)
{
    size_t len;
    char *orig = slurp_test_data(CASUS_WARS_FILE, &len);
    static const int wars[] = {1, 4, 7, 10, 155, 13};
    char *text = wars_only(orig, wars, sizeof wars / sizeof wars[0]);
    char *dir = data_copy(text);
    free(orig);
    free(text);
    char *a = backtest_bytes(dir, "war", NULL, "1"), *b = backtest_bytes(dir, "war", NULL, "3");
    cr_expect_str_eq(a, b, "--split war: --threads 1 and 3 differ");
    cr_expect(strstr(a, "\"wars\": 6"), "six held-out wars expected");
    char *c = backtest_bytes(dir, "era", NULL, "1"), *d = backtest_bytes(dir, "era", NULL, "2");
    cr_expect_str_eq(c, d, "--split era: --threads 1 and 2 differ");
    char *e = backtest_bytes(dir, NULL, "155", "1"), *f = backtest_bytes(dir, NULL, "155", "4");
    cr_expect_str_eq(e, f, "--war 155: --threads 1 and 4 differ");
    free(a), free(b), free(c), free(d), free(e), free(f);
    rm_temp_dir(dir);
}
