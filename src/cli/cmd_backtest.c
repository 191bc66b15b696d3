/* casus backtest: the join model and five baselines scored on held-out wars. */
#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "casus/backtest.h"
#include "backtest_report.h"
#include "casus/who.h" /* casus_format */
#include "fitcommon.h"

int cmd_backtest(int argc, char **argv);

/* The penalty when none is given: cross-validated inside every training
 * set, so that the held-out war plays no part in choosing it (docs/fit.md). */
#define DEFAULT_PENALTY (-1.0)

const char cmd_backtest_usage[] =
    "Usage: casus backtest [--split war|era] [--war N] [--trials N] [--seed S] [--threads T]\n"
    "                      [--penalty L|cv] [--window DAYS] [--format text|json] [--output FILE]\n"
    "                      [--war-places FILE|none] [--report DIR] [--data DIR] [--share DIR]\n"
    "\n"
    "Scores the join model on wars it was not fitted to.  --split war (default):\n"
    "each war is held out and the model fitted on the other 94; --split era: the\n"
    "wars begun before 1946 are scored by a fit on the later ones, and the reverse.\n"
    "For each held-out war the cascade engine runs from its first day, with its\n"
    "real opening belligerents, to its real end, and forecasts for every state at\n"
    "risk P(joins), the side and P(by day 7, 30, 365).  Five baselines fitted on the\n"
    "same training wars are scored beside it: climatology, literal reading (0.95 /\n"
    "0.05), ally-or-neighbour, capability (logit on CINC) and static logit (the join\n"
    "model's features on day 0).  Scores: Brier, log score, skill against\n"
    "climatology, ROC-AUC pooled and within war, average precision, side accuracy,\n"
    "war-level AUC of P(any joiner), a reliability table and the PIT of entry days,\n"
    "with 95% intervals from resampling wars.\n"
    "\n"
    "      --split war|era    how wars are held out (default war)\n"
    "      --war N            score war N only, from a fit without it\n"
    "      --trials N         cascade trials per war (default 10000)\n"
    "      --seed S           Philox seed of the trials and the bootstrap (default 1)\n"
    "      --threads T        threads (default 1; same output for any T): the fits, then\n"
    "                         T held-out wars at a time (one war: its compile and trials\n"
    "                         on T)\n"
    "      --penalty L|cv     the fits' L2 penalty (default cv: cross-validated\n"
    "                         inside each training set, the held-out war in no fold)\n"
    "      --window DAYS      first-day rule: entrants within DAYS count as day 0\n"
    "      --war-places F     where the attacks on the first day's states took place,\n"
    "                         when not on the territory of the state attacked\n"
    "                         (default: world/war-places.csv of the share\n"
    "                         directory); none: every attack at the target's home\n"
    "  -f, --format FMT       text (default) or json\n"
    "  -o, --output FILE      write there (atomically) instead of standard output\n"
    "      --report DIR       also write a Markdown report with figures (SVG, PNG) into\n"
    "                         DIR, created if missing (docs/backtest.md, Report)\n"
    "      --data DIR, --share DIR, --treaties DIR  as for 'casus fit'\n"
    "\n"
    "Exit status: 0 on success, 1 when the work failed, 2 for bad input.\n"
    "More: docs/backtest.md.  Example:\n"
    "  casus backtest --war 175 --trials 1000\n";

enum { OPT_SPLIT = 256, OPT_WAR, OPT_TRIALS, OPT_SEED, OPT_THREADS, OPT_PENALTY, OPT_WINDOW, OPT_REPORT, OPT_WAR_PLACES };

static json_t *num(double v)
{
    return isfinite(v) ? json_real(v) : json_null();
}

static json_t *pair_json(double a, double b)
{
    return json_pack("[o, o]", num(a), num(b));
}

static json_t *write_json(const cli_fit_env *env, const casus_bt_result *r)
{
    json_t *models = json_object();
    for (int m = 0; m < CASUS_BT_MODEL_COUNT; m++) {
        const casus_bt_scores *s = &r->scores[m];
        json_object_set_new(
            models, casus_bt_model_str((casus_bt_model)m),
            json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "brier", num(s->brier),
                      "log_score", num(s->log_score), "roc_auc", num(s->roc_auc), "roc_auc_within_war",
                      num(s->roc_auc_within_war), "average_precision", num(s->average_precision), "side_accuracy",
                      num(s->side_accuracy), "skill_brier", num(s->skill_brier), "skill_log", num(s->skill_log),
                      "war_auc", num(s->war_auc), "joiners_forecast", num(s->joiners_forecast), "brier_ci95",
                      pair_json(s->brier_ci[0], s->brier_ci[1]), "log_score_ci95",
                      pair_json(s->log_ci[0], s->log_ci[1]), "roc_auc_within_war_ci95",
                      pair_json(s->auc_within_ci[0], s->auc_within_ci[1]), "average_precision_ci95",
                      pair_json(s->ap_ci[0], s->ap_ci[1])));
    }
    json_t *rel = json_array();
    for (int b = 0; b < 10; b++)
        json_array_append_new(rel, json_pack("{s:o, s:o, s:o, s:o, s:I}", "lo", num(r->reliability[b].lo), "hi",
                                             num(r->reliability[b].hi), "mean_forecast",
                                             num(r->reliability[b].mean_forecast), "observed",
                                             num(r->reliability[b].observed), "count",
                                             (json_int_t)r->reliability[b].count));
    json_t *pit = json_array();
    for (int b = 0; b < 10; b++)
        json_array_append_new(pit, json_integer((json_int_t)r->pit_hist[b]));
    json_t *wars = json_array();
    for (size_t k = 0; k < r->n_wars; k++)
        json_array_append_new(wars, json_pack("{s:i, s:o, s:o, s:I}", "war", r->war_numbers[k], "p_any",
                                              num(r->war_p_any[k]), "joiners_forecast", num(r->war_forecast[k]),
                                              "joiners", (json_int_t)r->war_observed[k]));
    json_t *fits = json_array();
    for (size_t k = 0; k < r->n_fits; k++) {
        const casus_fit_result *f = &r->fits[k].fit;
        json_t *cv = json_object(), *beta = json_object();
        for (size_t p = 0; p < CASUS_FIT_N_PENALTIES; p++) {
            char key[32];
            snprintf(key, sizeof key, "%g", casus_fit_penalty(p));
            json_object_set_new(cv, key, num(f->cv_loglik[p]));
        }
        for (int j = 0; j < CASUS_JM_FEATURE_COUNT; j++)
            json_object_set_new(beta, casus_jm_feature_name((casus_jm_feature)j), json_real(f->beta[j]));
        json_array_append_new(fits, json_pack("{s:o, s:o, s:o, s:o, s:o, s:i, s:b, s:o}", "held_out",
                                              r->fits[k].held_out ? json_integer(r->fits[k].held_out) : json_null(),
                                              "era", r->fits[k].era ? json_integer(r->fits[k].era) : json_null(),
                                              "penalty", json_real(f->penalty), "cv_loglik", cv, "loglik",
                                              num(f->loglik), "iterations", (int)f->iterations, "converged",
                                              f->converged, "beta", beta));
    }
    json_t *fc = json_array();
    for (size_t i = 0; i < r->n_pairs; i++) {
        const casus_bt_pair *p = &r->pairs[i];
        char abb[12];
        double s1 = p->p_side1[CASUS_BT_CASUS];
        int side = s1 > 0.5 ? 1 : 2;
        json_t *pm = json_object();
        for (int m = 1; m < CASUS_BT_MODEL_COUNT; m++)
            json_object_set_new(pm, casus_bt_model_str((casus_bt_model)m), num(p->p[m]));
        json_array_append_new(
            fc, json_pack("{s:i, s:s, s:i, s:o, s:o, s:b, s:o, s:o, s:[o,o,o], s:o, s:b, s:o}", "war", p->war, "state",
                          casus_world_abb(env->world, p->ccode, abb), "side", side, "p", num(p->p[CASUS_BT_CASUS]),
                          "p_side", num(side == 1 ? s1 : 1 - s1), "joined", p->joined, "joined_side",
                          p->joined ? json_integer(p->joined_side) : json_null(), "entry_day",
                          p->joined ? json_integer(p->entry_day) : json_null(), "p_by_day_7_30_365", num(p->p_by[0]),
                          num(p->p_by[1]), num(p->p_by[2]), "pit", num(p->pit), "candidate", p->candidate,
                          "baselines", pm));
    }
    return json_pack("{s:s, s:i, s:I, s:I, s:I, s:o, s:i, s:o, s:I, s:I, s:o, s:o, s:o, s:o, s:o, s:o}", "split",
                     r->opts.split == CASUS_BT_SPLIT_ERA ? "era" : "war", "day0_window", env->window, "wars",
                     (json_int_t)r->n_wars, "pairs", (json_int_t)r->n_pairs, "joiners", (json_int_t)r->n_joiners,
                     "base_rate", num(r->base_rate), "war", r->opts.war, "penalty",
                     r->opts.penalty < 0 ? json_string("cv") : json_real(r->opts.penalty), "trials",
                     (json_int_t)r->opts.trials, "seed", (json_int_t)r->opts.seed, "models", models, "reliability",
                     rel, "pit_histogram", pit, "per_war", wars, "fits", fits, "forecasts", fc);
}

static void fmt_ci(char *buf, size_t n, const double ci[2])
{
    if (isfinite(ci[0]))
        snprintf(buf, n, "[%.3f, %.3f]", ci[0], ci[1]);
    else
        snprintf(buf, n, "[-]");
}

static void write_text(FILE *fp, const cli_fit_env *env, const casus_bt_result *r)
{
    fprintf(fp, "casus backtest: split %s%s, %zu held-out war%s, %zu states at risk, %zu joined (base rate %.4f)\n",
            r->opts.split == CASUS_BT_SPLIT_ERA ? "era" : "war", r->opts.war ? " (one war)" : "", r->n_wars,
            r->n_wars == 1 ? "" : "s", r->n_pairs, r->n_joiners, r->base_rate);
    char lam[64] = "";
    if (r->n_fits == 1)
        snprintf(lam, sizeof lam, " (lambda %g)", r->fits[0].fit.penalty);
    fprintf(fp, "first-day rule: %s; penalty %s%s; %llu trials per war, seed %llu\n\n",
            env->window ? "entrants within the window count as day 0" : "only the states fighting on the first day",
            r->opts.penalty < 0 ? "cross-validated in each training set" : "fixed", lam,
            (unsigned long long)r->opts.trials, (unsigned long long)r->opts.seed);
    fprintf(fp, "%-18s %7s %-16s %8s %-18s %6s %7s %-16s %6s %-16s %6s %7s %9s\n", "model", "Brier", "  95%", "log",
            "  95%", "skill", "AUC", "AUC within war", "", "avg precision", "side", "war AUC", "joiners");
    for (int m = 0; m < CASUS_BT_MODEL_COUNT; m++) {
        const casus_bt_scores *s = &r->scores[m];
        char a[40], b[40], c[40], d[40];
        fmt_ci(a, sizeof a, s->brier_ci);
        fmt_ci(b, sizeof b, s->log_ci);
        fmt_ci(c, sizeof c, s->auc_within_ci);
        fmt_ci(d, sizeof d, s->ap_ci);
        fprintf(fp, "%-18s %7.4f %-16s %8.4f %-18s %6.3f %7.3f %6.3f %-16s %6.3f %-16s %6.3f %7.3f %9.1f\n",
                casus_bt_model_str((casus_bt_model)m), s->brier, a, s->log_score, b, s->skill_brier, s->roc_auc,
                s->roc_auc_within_war, c, s->average_precision, d, s->side_accuracy, s->war_auc, s->joiners_forecast);
    }
    fprintf(fp, "(skill: Brier skill against climatology; joiners: forecast sum, observed %zu)\n\n", r->n_joiners);
    fprintf(fp, "reliability of casus (10 bins):\n  %-11s %9s %9s %7s\n", "forecast", "mean", "observed", "count");
    for (int k = 0; k < 10; k++) {
        const casus_score_bin *bn = &r->reliability[k];
        fprintf(fp, "  %.1f-%.1f     %9.4f %9.4f %7zu\n", bn->lo, bn->hi, bn->mean_forecast, bn->observed, bn->count);
    }
    fprintf(fp, "\nPIT of the entry days of joiners (casus, 10 bins; uniform when calibrated):\n ");
    for (int k = 0; k < 10; k++)
        fprintf(fp, " %zu", r->pit_hist[k]);
    fprintf(fp, "\n\njoiners per war (casus forecast, observed), P(any joiner):\n");
    for (size_t k = 0; k < r->n_wars; k++)
        fprintf(fp, "  war %3d  %6.2f %3zu   %.3f\n", r->war_numbers[k], r->war_forecast[k], r->war_observed[k],
                r->war_p_any[k]);
    if (r->opts.war) {
        fprintf(fp, "\nforecasts (casus; baselines in --format json):\n");
        for (size_t i = 0; i < r->n_pairs; i++) {
            const casus_bt_pair *p = &r->pairs[i];
            char abb[12];
            if (p->p[CASUS_BT_CASUS] < 0.005 && !p->joined)
                continue;
            fprintf(fp, "  %-4s P(joins) %.3f  P(side 1 | joins) %.2f  by day 7/30/365 %.3f %.3f %.3f  %s\n",
                    casus_world_abb(env->world, p->ccode, abb), p->p[CASUS_BT_CASUS], p->p_side1[CASUS_BT_CASUS],
                    p->p_by[0], p->p_by[1], p->p_by[2], p->joined ? "joined" : "stayed out");
            if (p->joined)
                fprintf(fp, "        joined side %d on day %d\n", p->joined_side, p->entry_day);
        }
        fprintf(fp, "  (states with P(joins) below 0.005 that stayed out are not listed)\n");
    }
}

int cmd_backtest(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"split", required_argument, NULL, OPT_SPLIT},     {"war", required_argument, NULL, OPT_WAR},
        {"trials", required_argument, NULL, OPT_TRIALS},   {"seed", required_argument, NULL, OPT_SEED},
        {"threads", required_argument, NULL, OPT_THREADS}, {"penalty", required_argument, NULL, OPT_PENALTY},
        {"window", required_argument, NULL, OPT_WINDOW},   {"report", required_argument, NULL, OPT_REPORT},
        {"war-places", required_argument, NULL, OPT_WAR_PLACES},
        CLI_LONGOPT_FORMAT,
        CLI_LONGOPT_OUTPUT,                                CLI_LONGOPT_DATA,
        CLI_LONGOPT_SHARE,                                 CLI_LONGOPT_TREATIES,
        CLI_LONGOPT_HELP,                                  CLI_LONGOPT_END};
    cli_world_opts wo = {0};
    casus_bt_options bo = {.penalty = DEFAULT_PENALTY, .trials = 10000, .seed = 1};
    const char *output = NULL, *report_dir = NULL, *places_opt = NULL;
    int format = CASUS_FORMAT_TEXT, c, window = 0;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "f:o:h", longopts, NULL)) != -1) {
        char *end = NULL;
        switch (c) {
        case OPT_SPLIT:
            if (strcmp(optarg, "war") == 0)
                bo.split = CASUS_BT_SPLIT_WAR;
            else if (strcmp(optarg, "era") == 0)
                bo.split = CASUS_BT_SPLIT_ERA;
            else
                return cli_usage_error("backtest", "--split takes war or era, not '%s'", optarg);
            break;
        case OPT_WAR: {
            int rc = cli_war_number("backtest", optarg, &bo.war);
            if (rc != EXIT_OK)
                return rc;
            break;
        }
        case OPT_TRIALS: {
            unsigned long long v = strtoull(optarg, &end, 10);
            if (!optarg[0] || *end || v < 1 || v > 100000000ull)
                return cli_usage_error("backtest", "--trials takes 1 to 100000000, not '%s'", optarg);
            bo.trials = v;
            break;
        }
        case OPT_SEED: {
            unsigned long long v = strtoull(optarg, &end, 10);
            if (!optarg[0] || *end || v == 0)
                return cli_usage_error("backtest", "--seed takes a positive whole number, not '%s'", optarg);
            bo.seed = v;
            break;
        }
        case OPT_THREADS: {
            long v = strtol(optarg, &end, 10);
            if (!optarg[0] || *end || v < 1 || v > 256)
                return cli_usage_error("backtest", "--threads takes 1 to 256, not '%s'", optarg);
            bo.threads = (unsigned)v;
            break;
        }
        case OPT_PENALTY:
            if (strcmp(optarg, "cv") == 0) {
                bo.penalty = -1;
            } else {
                bo.penalty = strtod(optarg, &end);
                if (!optarg[0] || *end || !(bo.penalty >= 0) || !isfinite(bo.penalty))
                    return cli_usage_error("backtest", "--penalty takes a number >= 0 or cv, not '%s'", optarg);
            }
            break;
        case OPT_WINDOW: {
            long v = strtol(optarg, &end, 10);
            if (!optarg[0] || *end || v < 0 || v > 365)
                return cli_usage_error("backtest", "--window takes 0 to 365, not '%s'", optarg);
            window = (int)v;
            break;
        }
        case 'f':
            format = casus_format_from_str(optarg);
            if (format != CASUS_FORMAT_TEXT && format != CASUS_FORMAT_JSON)
                return cli_usage_error("backtest", "--format takes text or json, not '%s'", optarg);
            break;
        case 'o': output = optarg; break;
        case OPT_REPORT: report_dir = optarg; break;
        case OPT_WAR_PLACES: places_opt = optarg; break;
        case 'h': fputs(cmd_backtest_usage, stdout); return EXIT_OK;
        default:
            if (cli_world_option(c, optarg, &wo))
                break;
            return cli_usage_error("backtest", "unknown or incomplete option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return cli_usage_error("backtest", "unexpected argument '%s'", argv[optind]);
    /* The report's directory is tried before the work, so that one that
     * cannot be written costs no back-test. */
    cli_report rep = {0};
    if (report_dir && cli_report_begin(report_dir, &rep) != EXIT_OK)
        return EXIT_USAGE;
    clock_t t0 = clock();
    cli_fit_env env;
    int rc = cli_fit_env_load(&wo, window, places_opt, &env);
    if (rc != EXIT_OK) {
        cli_report_abort(&rep);
        return rc;
    }
    if (bo.war && casus_fit_data_find(env.data, bo.war) < 0) {
        cli_report_abort(&rep);
        cli_fit_env_free(&env);
        return cli_usage_error("backtest", "no war numbered %d (see 'casus wars list')", bo.war);
    }
    double load_s = (double)(clock() - t0) / CLOCKS_PER_SEC;
    casus_error err;
    casus_error_clear(&err);
    casus_bt_result *r = NULL;
    if (casus_bt_run(env.world, env.data, &bo, &r, &err) != CASUS_OK) {
        rc = cli_fail(&err);
        goto done;
    }
    cli_output out;
    if ((rc = cli_output_open(&out, output, &err)) != EXIT_OK)
        goto done;
    if (format == CASUS_FORMAT_JSON) {
        if ((rc = cli_output_json(&out, write_json(&env, r),
                                  JSON_INDENT(1) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6), &err)) != EXIT_OK)
            goto done;
    } else {
        write_text(out.fp, &env, r);
    }
    rc = cli_output_commit(&out, &err);
    if (rc == EXIT_OK && report_dir)
        rc = cli_report_finish(&rep, &env, r);
    /* CPU times go to stderr, not into the output, so runs compare byte for byte. */
    fprintf(stderr,
            "%s backtest: CPU time: load and replay %.1f s, %zu fits and baselines %.1f s, compile %.1f s, trials %.1f s"
            " (wall: fits %.1f s, compile and trials %.1f s)\n",
            cli_prog, load_s, r->n_fits, r->fit_seconds, r->compile_seconds, r->sim_seconds, r->fit_wall_seconds,
            r->sim_wall_seconds);
done:
    cli_report_abort(&rep);
    casus_bt_free(r);
    cli_fit_env_free(&env);
    return rc;
}
