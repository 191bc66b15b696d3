/* What `casus fit` and `casus backtest` share: the world with every dataset
 * the join model reads, the wars replayed as fit data, the choice of wars
 * from the command line, and the provenance a parameter file states.
 * Uses the public API only. */
#ifndef CASUS_CLI_FITCOMMON_H
#define CASUS_CLI_FITCOMMON_H

#include <stdbool.h>
#include <stddef.h>

#include "casus/fit.h"
#include "casus/history.h"
#include "casus/warplaces.h"
#include "casus/wars.h"
#include "casus/world.h"
#include "common.h"

typedef struct cli_fit_env {
    casus_world *world;
    casus_wars *wars;
    casus_history *history;
    casus_fit_data *data;
    casus_war_places *places; /* --war-places, or world/war-places.csv of the share directory; NULL: none */
    const char *places_opt;   /* --war-places as given; NULL: the share directory's */
    char data_dir[4096];
    int window;           /* the first-day rule's window, days */
} cli_fit_env;

/* Loads the world (tables, treaties, COW, ATOP, contiguity, NMC, MID, the
 * dyadic war data), the wars, their histories under the window, the war
 * places (places_opt: --war-places FILE|none, NULL for the share
 * directory's), and replays them.  Returns an exit code; on failure
 * everything is freed. */
int cli_fit_env_load(const cli_world_opts *wo, int window, const char *places_opt, cli_fit_env *env);
void cli_fit_env_free(cli_fit_env *env);

/* Parses "1,7,106" or ranges "100-110" into war indices of env's data;
 * exit code 2 (with a message) for a number that is no war's. */
int cli_fit_parse_wars(const cli_fit_env *env, const char *cmd, const char *list, size_t **out, size_t *n);

/* The provenance lines of a fit (no trailing newline), written into buf:
 * the method, the wars, the first-day rule, the penalty and its
 * cross-validation, the log-likelihood and iterations, and the SHA-256 of
 * every dataset file read.  Same inputs, same text. */
int cli_fit_provenance(const cli_fit_env *env, const size_t *wars, size_t n_wars, const casus_fit_result *r,
                       char *buf, size_t size);

#endif
