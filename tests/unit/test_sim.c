/* The cascade engine: the sampler against closed forms (constant hazard,
 * a two-state chain, Kolmogorov-Smirnov on entry days), byte-identical
 * tallies for any number of threads and for one seed, the Kursk pair's
 * treaty dates, the features it computes against the join model's
 * reference, and the Philox known answers. */
#include <criterion/criterion.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sort.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/lib/sim_internal.h"
#include "casus/sim.h"
#include "testutil.h"

/* FRN and GMY defend each other; SPN defends ITA.  ITA attacks GMY: FRN is
 * pulled to GMY's side at once; SPN only once someone attacks ITA, which
 * FRN's entry does (chain-ganging). */
static const char pacts[] =
    "treaty test-pact\n"
    "title \"A test pact\"\n"
    "signed 2000-01-01\n"
    "in-force 2000-01-01\n"
    "ends never\n"
    "source S1 \"made up for the tests\"\n"
    "party FRN 220 joined 2000-01-01\n"
    "party GMY 255 joined 2000-01-01\n"
    "article 1\n"
    "  text paraphrase S1\n"
    "  > Each party defends the other.\n"
    "  rule defense\n"
    "    owed-by each\n"
    "    owed-to others\n"
    "    trigger armed-attack\n"
    "    adversary any\n"
    "    place anywhere\n"
    "    action military\n"
    "    timing immediate\n";
static const char pact2[] =
    "treaty test-pact-2\n"
    "title \"Another test pact\"\n"
    "signed 2000-01-01\n"
    "in-force 2000-01-01\n"
    "ends never\n"
    "source S1 \"made up for the tests\"\n"
    "party ITA 325 joined 2000-01-01\n"
    "party SPN 230 joined 2000-01-01\n"
    "article 7\n"
    "  text paraphrase S1\n"
    "  > Each party defends the other.\n"
    "  rule defense\n"
    "    owed-by each\n"
    "    owed-to others\n"
    "    trigger armed-attack\n"
    "    adversary any\n"
    "    place anywhere\n"
    "    action military\n"
    "    timing constitutional-processes\n";

static const char chain_scenario[] =
    "scenario test-chain\n"
    "title \"ITA attacks GMY\"\n"
    "source S1 \"made up\"\n"
    "horizon 100 days\n"
    "trials 1000\n"
    "seed 7\n"
    "attack ITA GMY on 2020-01-01 source S1\n";

static casus_world *test_world(bool with_treaties_dir)
{
    casus_world *w = test_world_tables();
    casus_error err;
    char path[4096];
    if (with_treaties_dir) {
        snprintf(path, sizeof path, "%s/treaties", source_dir());
        cr_assert_eq(casus_world_load_treaty_dir(w, path, &err), CASUS_OK, "%s", err.message);
    } else {
        cr_assert_eq(casus_world_load_treaty_text(w, "test-pact", pacts, strlen(pacts), &err), CASUS_OK, "%s",
                     err.message);
        cr_assert_eq(casus_world_load_treaty_text(w, "test-pact-2", pact2, strlen(pact2), &err), CASUS_OK, "%s",
                     err.message);
    }
    cr_assert_eq(casus_world_finish(w, &err), CASUS_OK, "%s", err.message);
    return w;
}

static casus_scenario *parse(casus_world *w, const char *text)
{
    casus_scenario *sc = NULL;
    casus_error err;
    cr_assert_eq(casus_scenario_parse(w, "test.scenario", text, strlen(text), &sc, &err), CASUS_OK, "%s:%d:%d: %s",
                 err.file, err.line, err.col, err.message);
    return sc;
}

/* Parameters where a candidate pulled by an obligation has hazard lambda
 * toward that side and nothing else happens (exp(-60) per day is 1e-26). */
static casus_jm_params rate_params(double lambda)
{
    casus_jm_params p;
    memset(&p, 0, sizeof p);
    for (int k = 0; k < CASUS_JM_FEATURE_COUNT; k++)
        p.se[k] = NAN;
    p.beta[CASUS_JM_INTERCEPT] = -60;
    p.beta[CASUS_JM_OBLIG_ANY] = 60 + log(lambda);
    snprintf(p.provenance, sizeof p.provenance, "test parameters\n");
    return p;
}

static casus_sim *compile(casus_world *w, casus_scenario *sc, const casus_jm_params *p, unsigned threads)
{
    casus_sim *sim = NULL;
    casus_error err;
    cr_assert_eq(casus_sim_compile(w, sc, p, NULL, threads, &sim, &err), CASUS_OK, "%s", err.message);
    return sim;
}

static int ccode_of(casus_world *w, const char *abb)
{
    return casus_world_state_by_abb(w, abb)->ccode;
}

/* A state's entry in one trial into *out: false when it did not join. */
static bool trial_entry(const casus_sim *sim, uint64_t seed, uint64_t trial, int ccode, casus_sim_entry *out,
                        uint64_t *draws)
{
    casus_sim_entry e[CASUS_SIM_MAX_STATES];
    size_t n;
    casus_error err;
    cr_assert_eq(casus_sim_trial(sim, seed, trial, e, CASUS_SIM_MAX_STATES, &n, draws, &err), CASUS_OK);
    for (size_t i = 0; i < n; i++)
        if (e[i].ccode == ccode) {
            *out = e[i];
            return true;
        }
    return false;
}

/* Entry of a state in one trial: its day, or -1 when it did not join. */
static double entry_of(const casus_sim *sim, uint64_t seed, uint64_t trial, int ccode, int *side, uint64_t *draws)
{
    casus_sim_entry e;
    if (!trial_entry(sim, seed, trial, ccode, &e, draws))
        return -1;
    if (side)
        *side = e.side;
    return e.day;
}

/* |p_hat - p| within 4 standard errors of a proportion over n trials. */
static void within_4se(double p_hat, double p, uint64_t n, const char *what)
{
    double se = sqrt(p * (1 - p) / (double)n);
    cr_expect(fabs(p_hat - p) <= 4 * se, "%s: %.5f, expected %.5f +- %.5f (4 SE)", what, p_hat, p, 4 * se);
}

Test(sim, philox_known_answers)
{
    /* Random123's kat_vectors for philox4x64-10: counter and key zero, and
     * the digits of pi; casus_sim_philox(seed, trial, block) puts the key
     * at (seed, 0) and the counter at (trial, block, 0, 0). */
    uint64_t out[4];
    casus_sim_philox(0, 0, 0, out);
    cr_expect_eq(out[0], 0x16554d9eca36314cull);
    cr_expect_eq(out[1], 0xdb20fe9d672d0fdcull);
    cr_expect_eq(out[2], 0xd7e772cee186176bull);
    cr_expect_eq(out[3], 0x7e68b68aec7ba23bull);
    /* Another key and counter give another block: streams differ by trial. */
    uint64_t o2[4];
    casus_sim_philox(0, 1, 0, o2);
    cr_expect_neq(o2[0], out[0]);
}

Test(sim, wilson_interval)
{
    double lo, hi;
    casus_sim_wilson(50, 100, &lo, &hi);
    /* Wilson (1927) score interval, z = 1.96: 0.4038 to 0.5962. */
    cr_expect(fabs(lo - 0.40383) < 1e-4 && fabs(hi - 0.59617) < 1e-4, "%f %f", lo, hi);
    casus_sim_wilson(0, 100, &lo, &hi);
    cr_expect(lo == 0 && fabs(hi - 0.036994) < 1e-4, "%f %f", lo, hi);
}

Test(sim, constant_hazard_matches_closed_form)
{
    casus_world *w = test_world(false);
    casus_scenario *sc = parse(w, chain_scenario);
    const double lambda = 0.01, T = 100;
    casus_jm_params p = rate_params(lambda);
    casus_sim *sim = compile(w, sc, &p, 1);
    int frn = ccode_of(w, "FRN");
    const uint64_t N = 20000;
    uint64_t joined = 0, side2 = 0;
    double *days = malloc(N * sizeof *days);
    size_t nd = 0;
    for (uint64_t k = 0; k < N; k++) {
        int side = 0;
        double d = entry_of(sim, 11, k, frn, &side, NULL);
        if (d >= 0) {
            joined++;
            side2 += side == 2;
            days[nd++] = d;
        }
    }
    within_4se((double)joined / N, 1 - exp(-lambda * T), N, "P(FRN joins by day 100)");
    cr_expect_eq(side2, joined, "FRN joins GMY's side (side 2) every time");
    /* Kolmogorov-Smirnov: entry days given a join before T follow the
     * exponential truncated at T.  D against the asymptotic 0.1% critical
     * value 1.95 / sqrt(n) (Kolmogorov's distribution). */
    gsl_sort(days, 1, nd);
    double norm = gsl_cdf_exponential_P(T, 1 / lambda), D = 0;
    for (size_t i = 0; i < nd; i++) {
        double F = gsl_cdf_exponential_P(days[i], 1 / lambda) / norm;
        double a = fabs(F - (double)i / nd), b = fabs((double)(i + 1) / nd - F);
        D = fmax(D, fmax(a, b));
    }
    cr_expect(D < 1.95 / sqrt((double)nd), "KS D = %.4f over %zu entries, critical %.4f", D, nd,
              1.95 / sqrt((double)nd));
    free(days);
    casus_sim_free(sim);
    casus_scenario_free(sc);
    casus_world_free(w);
}

/* P(T1 + T2 < t) for independent exponentials of rates a != b. */
static double hypoexp_cdf(double a, double b, double t)
{
    return 1 - (b * exp(-a * t) - a * exp(-b * t)) / (b - a);
}

Test(sim, two_state_chain_matches_closed_form)
{
    casus_world *w = test_world(false);
    casus_scenario *sc = parse(w, chain_scenario);
    /* FRN's obligation is timed immediate, SPN's constitutional-processes:
     * with beta(timing_constitutional) = log(b / a) their rates are a and b. */
    const double a = 0.02, b = 0.05, T = 100;
    casus_jm_params p = rate_params(a);
    p.beta[CASUS_JM_TIMING_CONSTITUTIONAL] = log(b / a);
    casus_sim *sim = compile(w, sc, &p, 1);
    int frn = ccode_of(w, "FRN"), spn = ccode_of(w, "SPN");
    const uint64_t N = 20000;
    uint64_t n_frn = 0, n_spn = 0, spn_before_frn = 0, spn_side1 = 0;
    double *days = malloc(N * sizeof *days);
    size_t nd = 0;
    for (uint64_t k = 0; k < N; k++) {
        int s1 = 0, s2 = 0;
        double f = entry_of(sim, 5, k, frn, &s1, NULL);
        double s = entry_of(sim, 5, k, spn, &s2, NULL);
        n_frn += f >= 0;
        if (s >= 0) {
            n_spn++;
            spn_side1 += s2 == 1;
            spn_before_frn += f < 0 || s < f;
            days[nd++] = s;
        }
    }
    within_4se((double)n_frn / N, 1 - exp(-a * T), N, "P(FRN joins)");
    within_4se((double)n_spn / N, hypoexp_cdf(a, b, T), N, "P(SPN joins)");
    cr_expect_eq(spn_before_frn, 0, "SPN is only set off by FRN's entry, never before it");
    cr_expect_eq(spn_side1, n_spn, "SPN takes ITA's side");
    /* KS on SPN's entry days against the hypoexponential law truncated at T. */
    gsl_sort(days, 1, nd);
    double norm = hypoexp_cdf(a, b, T), D = 0;
    for (size_t i = 0; i < nd; i++) {
        double F = hypoexp_cdf(a, b, days[i]) / norm;
        D = fmax(D, fmax(fabs(F - (double)i / nd), fabs((double)(i + 1) / nd - F)));
    }
    cr_expect(D < 1.95 / sqrt((double)nd), "KS D = %.4f over %zu entries, critical %.4f", D, nd,
              1.95 / sqrt((double)nd));
    free(days);
    casus_sim_free(sim);
    casus_scenario_free(sc);
    casus_world_free(w);
}

static char *report(const casus_sim *sim, const casus_sim_tally *t, uint64_t seed, casus_format fmt, size_t *len)
{
    char *buf = NULL;
    FILE *f = open_memstream(&buf, len);
    casus_error err;
    cr_assert_eq(casus_sim_write(sim, t, seed, fmt, f, &err), CASUS_OK);
    fclose(f);
    return buf;
}

Test(sim, threads_give_identical_bytes)
{
    casus_world *w = test_world(false);
    casus_scenario *sc = parse(w, chain_scenario);
    casus_jm_params p = rate_params(0.01);
    casus_sim *sim = compile(w, sc, &p, 1);
    casus_sim_tally *t1, *t2, *t3;
    casus_error err;
    cr_assert_eq(casus_sim_tally_create(sim, &t1, &err), CASUS_OK);
    cr_assert_eq(casus_sim_tally_create(sim, &t2, &err), CASUS_OK);
    cr_assert_eq(casus_sim_tally_create(sim, &t3, &err), CASUS_OK);
    cr_assert_eq(casus_sim_run(sim, 99, 0, 30001, 1, t1, NULL, NULL, &err), CASUS_OK);
    cr_assert_eq(casus_sim_run(sim, 99, 0, 30001, 2, t2, NULL, NULL, &err), CASUS_OK);
    /* The same trials in two unequal pieces, as two MPI ranks would run them. */
    cr_assert_eq(casus_sim_run(sim, 99, 0, 12345, 3, t3, NULL, NULL, &err), CASUS_OK);
    cr_assert_eq(casus_sim_run(sim, 99, 12345, 30001 - 12345, 2, t3, NULL, NULL, &err), CASUS_OK);
    cr_assert_eq(casus_sim_tally_size(t1), casus_sim_tally_size(t2));
    cr_expect(memcmp(casus_sim_tally_data(t1), casus_sim_tally_data(t2),
                     casus_sim_tally_size(t1) * sizeof(uint64_t)) == 0);
    cr_expect(memcmp(casus_sim_tally_data(t1), casus_sim_tally_data(t3),
                     casus_sim_tally_size(t1) * sizeof(uint64_t)) == 0);
    size_t l1, l2;
    char *j1 = report(sim, t1, 99, CASUS_FORMAT_JSON, &l1), *j2 = report(sim, t2, 99, CASUS_FORMAT_JSON, &l2);
    cr_expect(l1 == l2 && memcmp(j1, j2, l1) == 0, "JSON differs between 1 and 2 threads");
    cr_expect(strstr(j1, "\"trials\": 30001") != NULL);
    free(j1);
    free(j2);
    casus_sim_tally_free(t1);
    casus_sim_tally_free(t2);
    casus_sim_tally_free(t3);
    casus_sim_free(sim);
    casus_scenario_free(sc);
    casus_world_free(w);
}

Test(sim, seeds)
{
    casus_world *w = test_world(false);
    casus_scenario *sc = parse(w, chain_scenario);
    casus_jm_params p = rate_params(0.01);
    casus_sim *sim = compile(w, sc, &p, 1);
    casus_sim_tally *a, *b, *c;
    casus_error err;
    casus_sim_tally_create(sim, &a, &err);
    casus_sim_tally_create(sim, &b, &err);
    casus_sim_tally_create(sim, &c, &err);
    const uint64_t N = 20000;
    casus_sim_run(sim, 1, 0, N, 1, a, NULL, NULL, &err);
    casus_sim_run(sim, 1, 0, N, 2, b, NULL, NULL, &err);
    casus_sim_run(sim, 2, 0, N, 1, c, NULL, NULL, &err);
    size_t la, lb, lc;
    char *ja = report(sim, a, 1, CASUS_FORMAT_CSV, &la), *jb = report(sim, b, 1, CASUS_FORMAT_CSV, &lb);
    char *jc = report(sim, c, 2, CASUS_FORMAT_CSV, &lc);
    cr_expect(la == lb && memcmp(ja, jb, la) == 0, "same seed, different bytes");
    cr_expect(la != lc || memcmp(ja, jc, la) != 0, "another seed gave the very same report");
    /* The other seed agrees within 4 standard errors of the difference. */
    const casus_sim *s = sim;
    int frn = s->idx[ccode_of(w, "FRN")] - 1;
    uint64_t ka = casus_sim_tally_data(a)[s->t_joined + 2 * (size_t)frn + 1];
    uint64_t kc = casus_sim_tally_data(c)[s->t_joined + 2 * (size_t)frn + 1];
    double pa = (double)ka / N, pc = (double)kc / N, pbar = (pa + pc) / 2;
    double se = sqrt(2 * pbar * (1 - pbar) / N);
    cr_expect(ka != kc, "two seeds, the very same count: the seed is not used");
    cr_expect(fabs(pa - pc) <= 4 * se, "seed 1: %.4f, seed 2: %.4f, 4 SE %.4f", pa, pc, 4 * se);
    free(ja);
    free(jb);
    free(jc);
    casus_sim_tally_free(a);
    casus_sim_tally_free(b);
    casus_sim_tally_free(c);
    casus_sim_free(sim);
    casus_scenario_free(sc);
    casus_world_free(w);
}

/* ---- the Kursk pair: treaty dates matter ---------------------------------- */

/* A shipped parameter file: "default" (the fit on all 95 wars) or
 * "bf2018" (derived from Berkemeier and Fuhrmann's honour rates). */
static casus_jm_params shipped_params(const char *name)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/params/%s.params", source_dir(), name);
    casus_jm_params p;
    casus_error err;
    cr_assert_eq(casus_jm_params_load(path, &p, &err), CASUS_OK, "%s", err.message);
    return p;
}

/* Runs n trials of the Kursk fighting opening on `date` (no deployment
 * event, so that the join model decides) and counts PRK's entries; checks
 * each entry caused by an obligation names Art. 4 of the 2024 treaty and
 * comes no earlier than its entry into force (2024-12-04). */
static uint64_t prk_joins(casus_world *w, const char *params, const char *date, uint64_t n, uint64_t *by_art4)
{
    char text[512];
    snprintf(text, sizeof text,
             "scenario kursk-test\ntitle \"UKR in Kursk\"\nsource S1 \"x\"\nhorizon 365 days\n"
             "attack UKR RUS at kursk on %s source S1\n", date);
    casus_scenario *sc = parse(w, text);
    casus_jm_params p = shipped_params(params);
    casus_sim *sim = compile(w, sc, &p, 2);
    int prk = ccode_of(w, "PRK");
    double in_force = (double)(casus_day_from_ymd(2024, 12, 4) - sc->start);
    uint64_t joined = 0;
    *by_art4 = 0;
    for (uint64_t k = 0; k < n; k++) {
        casus_sim_entry e;
        if (!trial_entry(sim, 20240806, k, prk, &e, NULL))
            continue;
        joined++;
        if (e.cause == CASUS_SIM_CAUSE_OBLIGATION) {
            cr_assert_not_null(e.obligation);
            cr_expect_str_eq(e.obligation->treaty->id, "rus-prk-2024");
            cr_expect_str_eq(e.obligation->article->number, "4");
            cr_expect(e.day >= in_force, "PRK brought in by Art. 4 on day %.1f, before it was in force (day %.0f)",
                      e.day, in_force);
            cr_expect_eq(e.side, 2, "Art. 4 pulls PRK to Russia's side (the target's, side 2)");
            (*by_art4)++;
        }
    }
    casus_sim_free(sim);
    casus_scenario_free(sc);
    return joined;
}

/* P(PRK joins) in the Kursk fighting opening in August 2024 (before Art. 4
 * of the 2024 treaty entered into force) and in December (after): the
 * later is higher by more than 4 standard errors of the difference, and
 * most of PRK's entries in December rest on Art. 4. */
static void kursk_pair(const char *params, uint64_t n)
{
    casus_world *w = test_world(true);
    uint64_t art4_aug, art4_dec;
    uint64_t aug = prk_joins(w, params, "2024-08-06", n, &art4_aug);
    uint64_t dec = prk_joins(w, params, "2024-12-05", n, &art4_dec);
    double N = (double)n, pa = (double)aug / N, pd = (double)dec / N;
    double se = sqrt(pa * (1 - pa) / N + pd * (1 - pd) / N);
    cr_expect(pd - pa > 4 * se, "%s: P(PRK joins) before Art. 4: %.4f, after: %.4f (4 SE of the difference: %.4f)",
              params, pa, pd, 4 * se);
    cr_expect(art4_dec > 0 && art4_dec * 2 > dec,
              "%s: most of PRK's entries after Art. 4 is in force rest on it (%llu of %llu)", params,
              (unsigned long long)art4_dec, (unsigned long long)dec);
    casus_world_free(w);
}

/* Under the parameters derived from published honour rates
 * (params/bf2018.params) an obligation set off multiplies the hazard about
 * 70 times: 4,000 trials a date show the treaty's date (P(PRK joins) 0.168
 * before, 0.239 after, 8 standard errors apart). */
Test(sim, kursk_pair_treaty_dates_matter_bf2018, .timeout = 300)
{
    kursk_pair("bf2018", 4000);
}

/* Under the fitted defaults (params/default.params) the obligation terms
 * are shrunk by the cross-validated penalty and P(PRK joins) is small
 * either way: 0.0008 before, 0.0020 after, 149 of the 203 December entries
 * on Art. 4.  The effect is real but needs some 15,000 trials a date to
 * clear 4 standard errors; 100,000 clear it by 7. */
Test(sim, kursk_pair_treaty_dates_matter_fitted, .timeout = 300)
{
    kursk_pair("default", 100000);
}

/* ---- dated events and what-ifs --------------------------------------------- */

/* FRN's entries over n trials of the chain scenario with extra lines:
 * the latest entry day caused by an obligation, and how many there were. */
static uint64_t frn_entries(const char *extra, const casus_jm_params *p, uint64_t n, double *last_oblig,
                            uint64_t *n_event)
{
    casus_world *w = test_world(false);
    char text[2048];
    snprintf(text, sizeof text, "%s%s", chain_scenario, extra);
    casus_scenario *sc = parse(w, text);
    casus_sim *sim = compile(w, sc, p, 1);
    int frn = ccode_of(w, "FRN");
    uint64_t joined = 0;
    *last_oblig = -1;
    *n_event = 0;
    for (uint64_t k = 0; k < n; k++) {
        casus_sim_entry e;
        if (!trial_entry(sim, 17, k, frn, &e, NULL))
            continue;
        joined++;
        if (e.cause == CASUS_SIM_CAUSE_OBLIGATION && e.day > *last_oblig)
            *last_oblig = e.day;
        *n_event += e.cause == CASUS_SIM_CAUSE_EVENT;
    }
    casus_sim_free(sim);
    casus_scenario_free(sc);
    casus_world_free(w);
    return joined;
}

Test(sim, treaty_events_change_what_binds)
{
    casus_jm_params p = rate_params(0.01);
    double last;
    uint64_t ev;
    const uint64_t N = 3000;
    uint64_t base = frn_entries("", &p, N, &last, &ev);
    cr_expect(last > 60, "without events FRN's obligation brings it in late in the run too (last day %.1f)", last);
    /* The pact ends on day 31 (2020-02-01): no obligation-caused entry after it. */
    uint64_t ended = frn_entries("event 2020-02-01 end test-pact\n", &p, N, &last, &ev);
    cr_expect(last >= 0 && last < 31, "entry under an ended pact on day %.1f", last);
    cr_expect(ended < base, "ending the pact lowers P(FRN joins): %llu vs %llu", (unsigned long long)ended,
              (unsigned long long)base);
    /* Suspended for FRN toward GMY from day 31: the same. */
    frn_entries("event 2020-02-01 suspend test-pact FRN toward GMY\n", &p, N, &last, &ev);
    cr_expect(last >= 0 && last < 31, "entry under a suspended obligation on day %.1f", last);
    /* Held out: never. */
    cr_expect_eq(frn_entries("assume out FRN\n", &p, N, &last, &ev), 0);
    /* Forced in on GMY's side on day 9: always, as an event, and never before. */
    uint64_t forced = frn_entries("assume join FRN with GMY on 2020-01-10\n", &p, N, &last, &ev);
    cr_expect_eq(forced, N);
    cr_expect_eq(ev, N);
}

Test(sim, neutrality_declared_on_a_day)
{
    casus_jm_params p = rate_params(0.01);
    p.beta[CASUS_JM_DECLARED_NEUTRAL] = -60; /* a declared neutral never joins */
    double last;
    uint64_t ev;
    frn_entries("event 2020-01-21 neutral FRN\n", &p, 3000, &last, &ev);
    cr_expect(last >= 0 && last < 20, "FRN joined on day %.1f after declaring neutrality on day 20", last);
}

Test(sim, treaty_in_force_event)
{
    /* A pact whose file puts it in force in 2030, brought forward by an
     * event to day 50 of a 2020 war: pulls only from day 50. */
    casus_world *w = test_world_tables();
    casus_error err;
    char late[sizeof pacts + 64];
    snprintf(late, sizeof late, "%s", pacts);
    char *at = strstr(late, "in-force 2000-01-01");
    memcpy(at, "in-force 2030-01-01", 19);
    char *j = strstr(late, "joined 2000-01-01");
    memcpy(j, "joined 2030-01-01", 17);
    j = strstr(j + 1, "joined 2000-01-01");
    memcpy(j, "joined 2030-01-01", 17);
    cr_assert_eq(casus_world_load_treaty_text(w, "late", late, strlen(late), &err), CASUS_OK, "%s", err.message);
    cr_assert_eq(casus_world_finish(w, &err), CASUS_OK, "%s", err.message);
    char text[1024];
    snprintf(text, sizeof text, "%sevent 2020-02-20 in-force test-pact\n", chain_scenario);
    casus_scenario *sc = parse(w, text);
    casus_jm_params p = rate_params(0.02);
    casus_sim *sim = compile(w, sc, &p, 1);
    int frn = ccode_of(w, "FRN");
    uint64_t by_oblig = 0;
    for (uint64_t k = 0; k < 2000; k++) {
        casus_sim_entry e;
        if (trial_entry(sim, 23, k, frn, &e, NULL) && e.cause == CASUS_SIM_CAUSE_OBLIGATION) {
            by_oblig++;
            cr_expect(e.day >= 50, "FRN pulled by the pact on day %.1f, before the event's day 50", e.day);
        }
    }
    /* P(join in days 50-100 at 0.02) = 1 - e^-1 = 0.63 */
    within_4se((double)by_oblig / 2000, 1 - exp(-0.02 * 50), 2000, "P(FRN joins once the pact is in force)");
    casus_sim_free(sim);
    casus_scenario_free(sc);
    casus_world_free(w);
}

Test(sim, deployment_makes_a_belligerent)
{
    casus_world *w = test_world(false);
    char text[1024];
    snprintf(text, sizeof text, "%sevent 2020-01-05 deploy SPN with GMY against ITA\n", chain_scenario);
    casus_scenario *sc = parse(w, text);
    casus_jm_params p = rate_params(0.01);
    casus_sim *sim = compile(w, sc, &p, 1);
    int spn = ccode_of(w, "SPN");
    for (uint64_t k = 0; k < 200; k++) {
        casus_sim_entry e;
        if (!trial_entry(sim, 29, k, spn, &e, NULL)) {
            cr_expect_fail("trial %llu: the deployment did not make SPN a belligerent", (unsigned long long)k);
            continue;
        }
        cr_expect(e.side == 2 && e.day == 4 && e.cause == CASUS_SIM_CAUSE_EVENT, "SPN: side %d, day %.2f, cause %d",
                  e.side, e.day, e.cause);
    }
    casus_sim_free(sim);
    casus_scenario_free(sc);
    casus_world_free(w);
}

/* Out of memory at every allocation of compile, tally and run: a clean
 * CASUS_NOMEM each time (ASan reports any leak), then success. */
Test(sim, out_of_memory_everywhere, .timeout = 300)
{
    fail_after fa = {.left = 1000000};
    casus_world *w = test_world_tables_with(fail_after_alloc, &fa);
    casus_error err;
    cr_assert_eq(casus_world_load_treaty_text(w, "test-pact", pacts, strlen(pacts), &err), CASUS_OK);
    cr_assert_eq(casus_world_load_treaty_text(w, "test-pact-2", pact2, strlen(pact2), &err), CASUS_OK);
    cr_assert_eq(casus_world_finish(w, &err), CASUS_OK);
    casus_scenario *sc = parse(w, chain_scenario);
    casus_jm_params p = rate_params(0.01);
    bool done = false;
    for (long k = 0; k < 100000 && !done; k++) {
        fa.left = k;
        casus_sim *sim = NULL;
        casus_sim_tally *t = NULL;
        /* One compile thread: the counting hook is not thread-safe (sim.h). */
        casus_status st = casus_sim_compile(w, sc, &p, NULL, 1, &sim, &err);
        if (st == CASUS_OK)
            st = casus_sim_tally_create(sim, &t, &err);
        if (st == CASUS_OK)
            st = casus_sim_run(sim, 1, 0, 100, 2, t, NULL, NULL, &err);
        if (st == CASUS_OK) {
            char *buf = NULL;
            size_t len = 0;
            FILE *f = open_memstream(&buf, &len);
            st = casus_sim_write(sim, t, 1, CASUS_FORMAT_JSON, f, &err);
            fclose(f);
            free(buf);
        }
        cr_assert(st == CASUS_OK || st == CASUS_NOMEM, "allocation %ld: %s", k, casus_status_str(st));
        done = st == CASUS_OK;
        casus_sim_tally_free(t);
        casus_sim_free(sim);
    }
    cr_expect(done, "never succeeded");
    fa.left = 1000000;
    casus_scenario_free(sc);
    casus_world_free(w);
}
