/* casus fit: the join model fitted to the COW wars by maximum likelihood. */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "casus/fit.h"
#include "casus/joinmodel.h"
#include "fitcommon.h"

int cmd_fit(int argc, char **argv);

const char cmd_fit_usage[] =
    "Usage: casus fit [--wars LIST | --exclude-war N | --from Y --to Y] [--penalty L]\n"
    "                 [--threads T] [--window DAYS] [--war-places FILE|none] [--output FILE]\n"
    "                 [--data DIR] [--share DIR]\n"
    "\n"
    "Fits the join model (the hazard of each state joining each side of a war,\n"
    "h = exp(beta . x)) to the COW inter-state wars by maximum likelihood: every\n"
    "training war is replayed from its first day with the features as they were\n"
    "each day (the belligerents change as states join), exactly, since the hazards\n"
    "are constant between changes.  An L2 penalty is chosen by 5-fold\n"
    "cross-validation over wars unless given; GSL's BFGS optimises; standard errors\n"
    "come from the Hessian.  Writes a parameter file whose header states its\n"
    "provenance: the wars, the penalty, the log-likelihood, the iterations and the\n"
    "SHA-256 of every dataset read.  Same inputs, same bytes.\n"
    "\n"
    "      --wars LIST        fit on these wars only: 1,7,106 or 100-139\n"
    "      --exclude-war N    fit on every war but N\n"
    "      --from Y, --to Y   fit on the wars begun in these years\n"
    "      --penalty L        the L2 penalty (default: cross-validated)\n"
    "      --threads T        threads for the cross-validation's folds (default 1;\n"
    "                         the same bytes for any T)\n"
    "      --window DAYS      first-day rule: entrants within DAYS of the first day\n"
    "                         fight on day 0 (default 0)\n"
    "      --war-places F     where the attacks on the first day's states took place,\n"
    "                         when not on the territory of the state attacked\n"
    "                         (default: world/war-places.csv of the share\n"
    "                         directory); none: every attack at the target's home\n"
    "  -o, --output FILE      write there (atomically) instead of standard output\n"
    "      --data DIR         the data directory (ATOP 5.1, COW)\n"
    "      --share DIR, --treaties DIR  as for 'casus who'\n"
    "\n"
    "Exit status: 0 on success, 1 when the work failed, 2 for bad input.\n"
    "The engine's default, params/default.params, is 'casus fit' on all 95 wars.\n"
    "More: docs/fit.md.  Example:\n"
    "  casus fit --wars 100-139 --penalty 30\n";

enum { OPT_WARS = 256, OPT_EXCLUDE, OPT_FROM, OPT_TO, OPT_PENALTY, OPT_WINDOW, OPT_THREADS, OPT_WAR_PLACES };

static int int_arg(const char *s, long lo, long hi, const char *what, long *out)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (!s[0] || *end || v < lo || v > hi)
        return cli_usage_error("fit", "%s takes %ld to %ld, not '%s'", what, lo, hi, s);
    *out = v;
    return EXIT_OK;
}

int cmd_fit(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"wars", required_argument, NULL, OPT_WARS},       {"exclude-war", required_argument, NULL, OPT_EXCLUDE},
        {"from", required_argument, NULL, OPT_FROM},       {"to", required_argument, NULL, OPT_TO},
        {"penalty", required_argument, NULL, OPT_PENALTY}, {"window", required_argument, NULL, OPT_WINDOW},
        {"threads", required_argument, NULL, OPT_THREADS}, {"war-places", required_argument, NULL, OPT_WAR_PLACES},
        CLI_LONGOPT_OUTPUT,                                CLI_LONGOPT_DATA,
        CLI_LONGOPT_SHARE,                                 CLI_LONGOPT_TREATIES,
        CLI_LONGOPT_HELP,                                  CLI_LONGOPT_END};
    cli_world_opts wo = {0};
    const char *output = NULL, *wars_list = NULL, *places_opt = NULL;
    long exclude = 0, from = 0, to = 0, window = 0, threads = 1;
    double penalty = -1;
    int c, rc;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
        switch (c) {
        case OPT_WARS: wars_list = optarg; break;
        case OPT_EXCLUDE:
            if ((rc = int_arg(optarg, 1, 99999, "--exclude-war", &exclude)) != EXIT_OK)
                return rc;
            break;
        case OPT_FROM:
            if ((rc = int_arg(optarg, 1816, 2100, "--from", &from)) != EXIT_OK)
                return rc;
            break;
        case OPT_TO:
            if ((rc = int_arg(optarg, 1816, 2100, "--to", &to)) != EXIT_OK)
                return rc;
            break;
        case OPT_WINDOW:
            if ((rc = int_arg(optarg, 0, 365, "--window", &window)) != EXIT_OK)
                return rc;
            break;
        case OPT_THREADS:
            if ((rc = int_arg(optarg, 1, 256, "--threads", &threads)) != EXIT_OK)
                return rc;
            break;
        case OPT_PENALTY: {
            char *end;
            penalty = strtod(optarg, &end);
            if (!optarg[0] || *end || !(penalty >= 0) || !isfinite(penalty))
                return cli_usage_error("fit", "--penalty takes a number >= 0, not '%s'", optarg);
            break;
        }
        case 'o': output = optarg; break;
        case OPT_WAR_PLACES: places_opt = optarg; break;
        case 'h': fputs(cmd_fit_usage, stdout); return EXIT_OK;
        default:
            if (cli_world_option(c, optarg, &wo))
                break;
            return cli_usage_error("fit", "unknown or incomplete option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return cli_usage_error("fit", "unexpected argument '%s'", argv[optind]);
    if ((wars_list != NULL) + (exclude != 0) + (from || to) > 1)
        return cli_usage_error("fit", "give one of --wars, --exclude-war, --from/--to");
    if (from && to && from > to)
        return cli_usage_error("fit", "--from %ld is after --to %ld", from, to);

    cli_fit_env env;
    if ((rc = cli_fit_env_load(&wo, (int)window, places_opt, &env)) != EXIT_OK)
        return rc;
    size_t nw = casus_fit_data_count(env.data), n_train = 0;
    size_t *train = NULL;
    if (wars_list) {
        if ((rc = cli_fit_parse_wars(&env, "fit", wars_list, &train, &n_train)) != EXIT_OK)
            goto done;
    } else {
        train = malloc((nw + 1) * sizeof *train);
        if (!train) {
            rc = EXIT_WORK;
            goto done;
        }
        if (exclude && casus_fit_data_find(env.data, (int)exclude) < 0) {
            rc = cli_usage_error("fit", "no war numbered %ld (see 'casus wars list')", exclude);
            goto done;
        }
        for (size_t i = 0; i < nw; i++) {
            const casus_war_history *h = casus_fit_data_war(env.data, i)->history;
            int y;
            casus_day_to_ymd(h->first_day.lo, &y, NULL, NULL);
            if (h->war->number == exclude || (from && y < from) || (to && y > to))
                continue;
            train[n_train++] = i;
        }
        if (n_train == 0) {
            rc = cli_usage_error("fit", "no war begun in %ld-%ld", from, to);
            goto done;
        }
    }
    casus_fit_options fo = {.wars = train, .n_wars = n_train, .penalty = penalty, .threads = (unsigned)threads};
    casus_fit_result fr;
    casus_error err;
    casus_error_clear(&err);
    if (casus_fit_run(env.data, &fo, &fr, &err) != CASUS_OK) {
        rc = cli_fail(&err);
        goto done;
    }
    casus_jm_params params;
    memset(&params, 0, sizeof params);
    memcpy(params.beta, fr.beta, sizeof params.beta);
    memcpy(params.se, fr.se, sizeof params.se);
    if ((rc = cli_fit_provenance(&env, train, n_train, &fr, params.provenance, sizeof params.provenance)) != EXIT_OK) {
        fprintf(stderr, "%s fit: the provenance does not fit in %d bytes\n", cli_prog, CASUS_JM_PROVENANCE_MAX);
        goto done;
    }
    cli_output out;
    if ((rc = cli_output_open(&out, output, &err)) != EXIT_OK)
        goto done;
    if (casus_jm_params_write(&params, out.fp, &err) != CASUS_OK) {
        cli_output_abort(&out);
        rc = cli_fail(&err);
        goto done;
    }
    rc = cli_output_commit(&out, &err);
    if (rc == EXIT_OK && output)
        fprintf(stderr, "%s fit: %zu wars, %zu entries, log-likelihood %.3f, lambda %g, %u iterations%s -> %s\n",
                cli_prog, fr.n_wars, fr.n_events, fr.loglik, fr.penalty, fr.iterations,
                fr.converged ? "" : " (NOT converged)", output);
done:
    free(train);
    cli_fit_env_free(&env);
    return rc;
}
