/* Shared by casus fit and casus backtest: see fitcommon.h. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "casus/data.h"
#include "casus/fetch.h"
#include "casus/warplaces.h"
#include "fitcommon.h"

int cli_load_wars(const char *data_opt, casus_wars **out);

/* Every dataset the fit reads: the wars and the state system (histories),
 * and what the join model's features read. */
static const char *const fit_files[] = {
    CASUS_WARS_FILE,          "cow/states2016.csv",   "cow/system2016.csv", "cow/majors2016.csv",
    "cow/contdir.csv",        "cow/NMC-60-abridged.csv", "atop/atop5_1a.csv", "atop/atop5_1aph.csv",
    "atop/atop5_1m.csv",      "cow/MIDA_5.0.csv",     "cow/MIDB_5.0.csv",   "cow/directed_dyadic_war.csv",
};

int cli_fit_env_load(const cli_world_opts *wo, int window, const char *places_opt, cli_fit_env *env)
{
    memset(env, 0, sizeof *env);
    env->window = window;
    env->places_opt = places_opt;
    casus_error err;
    casus_error_clear(&err);
    int rc = cli_load_world_data(wo,
                                 CASUS_DATA_COW | CASUS_DATA_ATOP | CASUS_DATA_CONTIGUITY | CASUS_DATA_NMC |
                                     CASUS_DATA_MID | CASUS_DATA_WARS,
                                 "", env->data_dir, sizeof env->data_dir, &env->world, &err);
    if (rc != EXIT_OK) {
        cli_fit_env_free(env);
        return rc;
    }
    rc = cli_load_wars(env->data_dir, &env->wars);
    if (rc != EXIT_OK) {
        cli_fit_env_free(env);
        return rc;
    }
    /* Where the attacks on the states fighting on a war's first day took
     * place (docs/fit.md): --war-places, or the shipped table when it is
     * there; "none" or without the file, at their home territories. */
    rc = cli_load_war_places(env->world, wo->share, places_opt, &env->places);
    if (rc != EXIT_OK) {
        cli_fit_env_free(env);
        return rc;
    }
    casus_history_options ho = {.day0_window = window};
    if (casus_history_build(env->world, env->wars, &ho, &env->history, &err) != CASUS_OK ||
        casus_fit_data_build(env->world, env->history, env->places, &env->data, &err) != CASUS_OK) {
        cli_fit_env_free(env);
        return cli_fail(&err);
    }
    return EXIT_OK;
}

void cli_fit_env_free(cli_fit_env *env)
{
    casus_fit_data_free(env->data);
    casus_war_places_free(env->places);
    casus_history_free(env->history);
    casus_wars_free(env->wars);
    casus_world_free(env->world);
    memset(env, 0, sizeof *env);
}

int cli_fit_parse_wars(const cli_fit_env *env, const char *cmd, const char *list, size_t **out, size_t *n)
{
    size_t cap = casus_fit_data_count(env->data) + 1, k = 0;
    size_t *v = malloc(cap * sizeof *v);
    if (!v)
        return EXIT_WORK;
    const char *s = list;
    while (*s) {
        char *end;
        long a = strtol(s, &end, 10), b = a;
        if (end == s)
            goto bad;
        if (*end == '-') {
            const char *t = end + 1;
            b = strtol(t, &end, 10);
            if (end == t || b < a)
                goto bad;
        }
        for (long w = a; w <= b; w++) {
            long i = casus_fit_data_find(env->data, (int)w);
            if (i < 0) {
                if (a == b) {
                    free(v);
                    return cli_usage_error(cmd, "no war numbered %ld (see 'casus wars list')", w);
                }
                continue;
            }
            bool dup = false;
            for (size_t j = 0; j < k; j++)
                dup |= v[j] == (size_t)i;
            if (!dup && k < cap)
                v[k++] = (size_t)i;
        }
        if (*end == ',')
            end++;
        else if (*end)
            goto bad;
        s = end;
    }
    if (k == 0) {
        free(v);
        return cli_usage_error(cmd, "'%s' names no war", list);
    }
    *out = v;
    *n = k;
    return EXIT_OK;
bad:
    free(v);
    return cli_usage_error(cmd, "'%s' is not a list of war numbers (1,7,106 or 100-110)", list);
}

static size_t add(char *buf, size_t size, size_t n, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static size_t add(char *buf, size_t size, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(buf + (n < size ? n : size), n < size ? size - n : 0, fmt, ap);
    va_end(ap);
    return n + (k > 0 ? (size_t)k : 0);
}

int cli_fit_provenance(const cli_fit_env *env, const size_t *wars, size_t n_wars, const casus_fit_result *r,
                       char *buf, size_t size)
{
    size_t n = 0;
    n = add(buf, size, n, "casus join-model parameters: fitted by `casus fit`, maximum likelihood of the join\n"
                          "model's hazards over the COW inter-state wars replayed day by day (docs/fit.md).\n");
    n = add(buf, size, n, "wars: %zu of %zu (COW Inter-State War Data v4.0, Sarkees and Wayman 2010):", n_wars,
            casus_fit_data_count(env->data));
    if (n_wars == casus_fit_data_count(env->data)) {
        n = add(buf, size, n, " all\n");
    } else {
        size_t col = 0;
        for (size_t i = 0; i < n_wars; i++) {
            if (col == 0)
                n = add(buf, size, n, "\n ");
            n = add(buf, size, n, " %d", casus_fit_data_war(env->data, wars[i])->history->war->number);
            col = (col + 1) % 20;
        }
        n = add(buf, size, n, "\n");
    }
    if (env->window)
        n = add(buf, size, n, "first-day rule: entrants within %d days count as fighting on day 0\n", env->window);
    else
        n = add(buf, size, n, "first-day rule: only the states fighting on the war's first day are openers\n");
    size_t th = 0;
    for (size_t i = 0; i < n_wars; i++)
        th += casus_fit_data_war(env->data, wars ? wars[i] : i)->n_theatres;
    if (env->places)
        n = add(buf, size, n, "places: attacks on %zu day-0 states at their rows of %s, "
                              "every other attack at the target's home\n",
                th, env->places_opt ? env->places_opt : "world/war-places.csv");
    else if (env->places_opt)
        n = add(buf, size, n, "places: every attack at the target's home (--war-places none)\n");
    else
        n = add(buf, size, n, "places: every attack at the target's home (no world/war-places.csv)\n");
    n = add(buf, size, n, "events: %zu entries in the likelihood, %zu by states the model has no candidate for; "
                          "%zu candidate-side rows\n",
            r->n_events, r->n_unmodelled, r->n_rows);
    n = add(buf, size, n, "penalty: L2, lambda %.6g on every coefficient but the baseline hazard (", r->penalty);
    for (int j = 0, k = 0; j < CASUS_JM_FEATURE_COUNT; j++)
        if (!r->penalised[j])
            n = add(buf, size, n, "%s%s", k++ ? ", " : "", casus_jm_feature_name((casus_jm_feature)j));
    n = add(buf, size, n, ")");
    if (!isnan(r->cv_loglik[0])) {
        n = add(buf, size, n, ",\n  chosen by 5-fold cross-validation over wars (war i of COW's list in fold i mod 5);\n"
                              "  held-out log-likelihood by lambda:");
        for (int p = 0; p < CASUS_FIT_N_PENALTIES; p++)
            n = add(buf, size, n, " %g: %.4f%s", casus_fit_penalty((size_t)p), r->cv_loglik[p],
                    p + 1 < CASUS_FIT_N_PENALTIES ? "," : "");
    }
    n = add(buf, size, n, "\n");
    n = add(buf, size, n, "log-likelihood: %.6f (unpenalised, training wars); GSL BFGS (vector_bfgs2), %u iterations, %s\n",
            r->loglik, r->iterations, r->converged ? "converged" : "NOT converged");
    n = add(buf, size, n, "  (norm of the penalised gradient at the estimate: %.1e)\n", r->gradient_norm);
    n = add(buf, size, n, "standard errors: inverse of the penalised Hessian\n");
    n = add(buf, size, n, "datasets (SHA-256):");
    for (size_t i = 0; i < sizeof fit_files / sizeof fit_files[0]; i++) {
        char path[4400];
        snprintf(path, sizeof path, "%s/%s", env->data_dir, fit_files[i]);
        uint8_t h[32];
        uint64_t bytes;
        casus_error err;
        n = add(buf, size, n, "\n  %-30s ", fit_files[i]);
        if (casus_sha256_file(path, h, &bytes, &err) != CASUS_OK) {
            n = add(buf, size, n, "(not read)");
            continue;
        }
        for (int k = 0; k < 32; k++)
            n = add(buf, size, n, "%02x", h[k]);
    }
    if (n >= size)
        return EXIT_WORK;
    return EXIT_OK;
}
