/* casus serve: the pieces of the viewer's HTTP server.  Uses the public API
 * of libcasus only (and the command's shared helpers).  After start-up
 * everything a serve_ctx holds is read-only, so request threads share it. */
#ifndef CASUS_SERVE_H
#define CASUS_SERVE_H

#include <stdbool.h>
#include <stddef.h>

#include "casus/names.h"
#include "casus/wars.h"
#include "casus/world.h"

/* Hard caps on what a request may carry. */
#define SERVE_MAX_URI 4096       /* bytes of the request target, query included: 414 beyond */
#define SERVE_MAX_BODY 65536     /* bytes of a request body: 413 beyond */
#define SERVE_MAX_PARAMS 16      /* query parameters: 400 beyond */
#define SERVE_MAX_PATH 255       /* bytes of an asset path */

typedef struct serve_ctx {
    casus_world *world;
    casus_names *names;
    casus_wars *wars;    /* NULL when the COW war data are not found */
    char assets[4096];   /* real path of the asset directory; "" when none */
    bool have_data;      /* whether the datasets (COW, ATOP) were loaded */
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
/* Fills out with a JSON error {"error": message, "status": status}. */
void serve_error(serve_response *out, int status, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Checks an asset path (decoded) and opens the file under ctx->assets.
 * Returns an open descriptor and sets *type and *size, or -1 with the
 * status to answer (400 for a path that tries to leave the directory, 404
 * for one that is not there). */
int serve_asset_open(const serve_ctx *ctx, const char *path, const char **type, size_t *size, int *status);

#endif
