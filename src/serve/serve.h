/* casus serve: the pieces of the viewer's HTTP server.  Uses the public API
 * of libcasus only (and the command's shared helpers).  After start-up
 * everything a serve_ctx holds is read-only, so request threads share it. */
#ifndef CASUS_SERVE_H
#define CASUS_SERVE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "casus/joinmodel.h"
#include "casus/names.h"
#include "casus/nuclear.h"
#include "casus/scenario.h"
#include "casus/wars.h"
#include "casus/world.h"

/* Hard caps on what a request may carry. */
#define SERVE_MAX_URI 4096       /* bytes of the request target, query included: 414 beyond */
#define SERVE_MAX_BODY 65536     /* bytes of a request body: 413 beyond */
#define SERVE_MAX_PARAMS 16      /* query parameters: 400 beyond */
#define SERVE_MAX_PATH 255       /* bytes of an asset path */
#define SERVE_MAX_TRIALS 20000   /* trials of one simulation */
#define SERVE_MAX_SIMS 2         /* simulations running at once: 429 beyond */
#define SERVE_MAX_JOBS 32        /* simulations kept, finished or not */
#define SERVE_MAX_SCENARIOS 64   /* shipped scenarios read at start-up */

typedef struct serve_sims serve_sims; /* the simulations (serve_sim.c); locked inside */

typedef struct serve_ctx {
    casus_world *world;
    casus_names *names;
    casus_wars *wars;    /* NULL when the COW war data are not found */
    char assets[4096];   /* real path of the asset directory; "" when none */
    bool have_data;      /* whether the datasets (COW, ATOP) were loaded */
    const casus_jm_params *params;   /* the join model's; NULL: no simulations */
    const casus_nuclear *nuclear;    /* may be NULL */
    casus_scenario *scenarios[SERVE_MAX_SCENARIOS]; /* the shipped ones */
    size_t n_scenarios;
    serve_sims *sims;
    casus_jm_params params_owned;    /* storage behind params */
    casus_nuclear *nuclear_owned;
} serve_ctx;

typedef struct serve_response {
    int status;
    char *body;          /* malloc'd; may be NULL for an empty body */
    size_t len;
    const char *type;    /* Content-Type */
    char note[512];      /* X-Casus-Note; "" when none */
} serve_response;

typedef struct serve_param {
    const char *name;
    const char *value;
    size_t len;          /* of value; a NUL inside makes strlen(value) < len */
} serve_param;

/* Answers GET /api/...: path is the decoded path ("/api/who"). */
void serve_api(const serve_ctx *ctx, const char *path, const serve_param *params, size_t n_params,
               serve_response *out);
/* POST /api/simulate with its body; GET /api/simulate/N[/result];
 * GET /api/scenarios. */
serve_sims *serve_sims_create(void);
/* Ends running simulations after their current chunk of trials, waits for
 * them, and frees everything; accepts NULL. */
void serve_sims_free(serve_sims *sims);
void serve_sim_post(const serve_ctx *ctx, const char *body, size_t len, serve_response *out);
void serve_sim_get(const serve_ctx *ctx, const char *id, bool result, serve_response *out);
void serve_scenarios(const serve_ctx *ctx, serve_response *out);

/* Fills out with a JSON error {"error": message, "status": status}. */
void serve_error(serve_response *out, int status, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Fills out with a JSON value (consumed) written as the command line does:
 * two-space indent, keys in order, a final newline; 500 "out of memory"
 * when root is NULL or cannot be written. */
void serve_reply_json(serve_response *out, int status, json_t *root);

/* Checks an asset path (decoded) and opens the file under ctx->assets.
 * Returns an open descriptor and sets *type and *size, or -1 with the
 * status to answer (400 for a path that tries to leave the directory, 404
 * for one that is not there). */
int serve_asset_open(const serve_ctx *ctx, const char *path, const char **type, size_t *size, int *status);

#endif
