/* casus serve: the viewer.  Loads the world once, then answers the JSON API
 * and serves the page's files over HTTP (libmicrohttpd), on 127.0.0.1
 * unless told otherwise, until SIGTERM or SIGINT. */
#include <arpa/inet.h>
#include <dirent.h>
#include <getopt.h>
#include <limits.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../cli/common.h"
#include "casus/data.h"
#include "serve.h"

#ifndef CASUS_INSTALL_SHARE
#define CASUS_INSTALL_SHARE "/usr/local/share/casus"
#endif
#ifndef CASUS_BUILD_ASSETS
#define CASUS_BUILD_ASSETS ""
#endif

int cmd_serve(int argc, char **argv);

const char cmd_serve_usage[] =
    "Usage: casus serve [--bind ADDR] [--port N] [--data DIR] [--share DIR]\n"
    "                   [--assets DIR] [--no-data]\n"
    "\n"
    "Serves the page (a map and a graph of who is bound, and the treaty reader)\n"
    "and its JSON API over HTTP, from the same library as the command line:\n"
    "  GET /api/who?attacker=A&target=B&date=D&place=P   as 'casus who --format json'\n"
    "  GET /api/treaties, /api/treaties/ID                 the treaties; one with its text and rules\n"
    "  GET /api/wars, /api/wars/N                          as 'casus wars list|show --format json'\n"
    "  GET /api/states?date=D                              the state system that day\n"
    "  GET /api/scenarios                                  the shipped scenarios\n"
    "  POST /api/simulate {\"scenario\": ID} or {\"text\": SCENARIO}, optional \"trials\"\n"
    "       (at most 20000) and \"seed\": starts a simulation (202); GET\n"
    "       /api/simulate/N its progress, /api/simulate/N/result the bytes of\n"
    "       'casus simulate --format json'.  At most 2 run at once (429 beyond).\n"
    "Errors are JSON {\"error\": MESSAGE, \"status\": N} with the command line's message\n"
    "and status 400 (bad parameter), 404, 405, 409, 413 (body over 64 KiB), 414 (request\n"
    "target over 4 KiB) or 429.  States may be given as in 'casus who' (ROK, 732, KOR,\n"
    "\"South Korea\").  SIGTERM or SIGINT stops it.\n"
    "\n"
    "  -b, --bind ADDR      the address to listen on (default 127.0.0.1; an IPv6\n"
    "                       address such as ::1 works too).  Anything but a\n"
    "                       loopback address exposes the server to the network.\n"
    "  -p, --port N         the TCP port (default 7816; 0: any free port, printed)\n"
    "      --data DIR       dataset directory (ATOP, COW), as for 'casus who'\n"
    "      --share DIR      directory with world/ and treaties/, as for 'casus who'\n"
    "      --assets DIR     the page's files (default: CASUS_ASSETS, then the build\n"
    "                       tree, then the installed SHARE/web)\n"
    "      --no-data        do not read datasets\n"
    "\n"
    "It prints 'casus serve: listening on http://ADDR:PORT/' when ready.  Exit\n"
    "status: 0 after a clean stop, 1 when it cannot listen, 2 for bad options or\n"
    "input.  More: docs/serve.md.  To serve on port 8080, then open\n"
    "http://127.0.0.1:8080/ in a browser:\n"
    "    casus serve --port 8080\n";

enum { OPT_DATA = 256, OPT_SHARE, OPT_ASSETS, OPT_NO_DATA };

/* What MHD keeps per request: the raw request target's length (from the
 * URI log callback, before decoding) and how much body has come. */
typedef struct request {
    char *data;        /* the body, when it fits SERVE_MAX_BODY */
    size_t uri_len;
    bool path_escaped; /* a '%' in the path: nothing casus serves needs one */
    size_t body;
    bool seen;
} request;

static int by_name(const void *a, const void *b)
{
    const char *x = *(char *const *)a, *y = *(char *const *)b;
    return strcmp(x ? x : "", y ? y : "");
}

static void *uri_log(void *cls, const char *uri, struct MHD_Connection *con)
{
    request *r = calloc(1, sizeof *r);
    if (r) {
        r->uri_len = strlen(uri);
        size_t path_len = strcspn(uri, "?");
        r->path_escaped = memchr(uri, '%', path_len) != NULL;
    }
    return r;
}

static void completed(void *cls, struct MHD_Connection *con, void **req_cls, enum MHD_RequestTerminationCode toe)
{
    request *r = *req_cls;
    if (r)
        free(r->data);
    free(r);
    *req_cls = NULL;
}

static enum MHD_Result send_response(struct MHD_Connection *con, serve_response *res)
{
    struct MHD_Response *r =
        MHD_create_response_from_buffer(res->len, res->body ? res->body : (void *)"", res->body ? MHD_RESPMEM_MUST_FREE
                                                                                                 : MHD_RESPMEM_PERSISTENT);
    if (!r) {
        free(res->body);
        return MHD_NO;
    }
    res->body = NULL;
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, res->type ? res->type : "application/json");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    if (res->note[0])
        MHD_add_response_header(r, "X-Casus-Note", res->note);
    if (res->status == MHD_HTTP_METHOD_NOT_ALLOWED)
        MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
    if (res->status == MHD_HTTP_CONTENT_TOO_LARGE || res->status == MHD_HTTP_URI_TOO_LONG)
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONNECTION, "close");
    enum MHD_Result ok = MHD_queue_response(con, (unsigned)res->status, r);
    MHD_destroy_response(r);
    return ok;
}

static enum MHD_Result send_error(struct MHD_Connection *con, int status, const char *message)
{
    serve_response res = {0};
    serve_error(&res, status, "%s", message);
    return send_response(con, &res);
}

typedef struct param_list {
    serve_param items[SERVE_MAX_PARAMS];
    size_t n;
    bool too_many;
} param_list;

static enum MHD_Result add_param(void *cls, enum MHD_ValueKind kind, const char *key, size_t key_size,
                                 const char *value, size_t value_size)
{
    param_list *l = cls;
    if (l->n == SERVE_MAX_PARAMS) {
        l->too_many = true;
        return MHD_NO;
    }
    l->items[l->n++] = (serve_param){key ? key : "", value ? value : "", value ? value_size : 0};
    return MHD_YES;
}

static enum MHD_Result serve_file(const serve_ctx *ctx, struct MHD_Connection *con, const char *url)
{
    const char *type = NULL;
    size_t size = 0;
    int status = 404;
    int fd = serve_asset_open(ctx, url, &type, &size, &status);
    if (fd < 0) {
        serve_response res = {0};
        if (status == 400)
            serve_error(&res, status, "path '%s' is not allowed", url);
        else
            serve_error(&res, status, "no file '%s'", url);
        return send_response(con, &res);
    }
    struct MHD_Response *r = MHD_create_response_from_fd(size, fd);
    if (!r) {
        close(fd);
        return MHD_NO;
    }
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache");
    /* The page loads nothing from elsewhere: no CDN, no inline script. */
    MHD_add_response_header(r, "Content-Security-Policy",
                            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
                            "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
    enum MHD_Result ok = MHD_queue_response(con, MHD_HTTP_OK, r);
    MHD_destroy_response(r);
    return ok;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *con, const char *url, const char *method,
                              const char *version, const char *upload_data, size_t *upload_data_size, void **req_cls)
{
    const serve_ctx *ctx = cls;
    request *req = *req_cls;
    if (!req)
        return MHD_NO; /* out of memory in uri_log: drop the connection */
    if (!req->seen) {
        req->seen = true;
        if (req->uri_len > SERVE_MAX_URI)
            return send_error(con, MHD_HTTP_URI_TOO_LONG, "request target longer than 4096 bytes");
        const char *cl = MHD_lookup_connection_value(con, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
        if (cl && strtoull(cl, NULL, 10) > SERVE_MAX_BODY)
            return send_error(con, MHD_HTTP_CONTENT_TOO_LARGE, "request body larger than 65536 bytes");
        return MHD_YES;
    }
    if (*upload_data_size) {
        size_t n = *upload_data_size;
        if (req->body + n <= SERVE_MAX_BODY) {
            char *grown = realloc(req->data, req->body + n);
            if (!grown)
                return MHD_NO;
            memcpy(grown + req->body, upload_data, n);
            req->data = grown;
        }
        req->body += n;
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (req->body > SERVE_MAX_BODY)
        return send_error(con, MHD_HTTP_CONTENT_TOO_LARGE, "request body larger than 65536 bytes");
    if (strcmp(method, MHD_HTTP_METHOD_POST) == 0 && strcmp(url, "/api/simulate") == 0 && !req->path_escaped) {
        serve_response res = {0};
        serve_sim_post(ctx, req->data ? req->data : "", req->body, &res);
        return send_response(con, &res);
    }
    if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 && strcmp(method, MHD_HTTP_METHOD_HEAD) != 0)
    {
        serve_response res = {0};
        serve_error(&res, MHD_HTTP_METHOD_NOT_ALLOWED, "method %s is not allowed (GET or HEAD)", method);
        return send_response(con, &res);
    }
    if (req->path_escaped) {
        serve_response res = {0};
        serve_error(&res, MHD_HTTP_BAD_REQUEST, "path '%s' is not allowed (no percent-encoding in paths)", url);
        return send_response(con, &res);
    }
    if (strncmp(url, "/api/", 5) != 0)
        return serve_file(ctx, con, url);
    param_list params = {.n = 0};
    MHD_get_connection_values_n(con, MHD_GET_ARGUMENT_KIND, add_param, &params);
    if (params.too_many)
        return send_error(con, MHD_HTTP_BAD_REQUEST, "more than 16 query parameters");
    serve_response res = {0};
    serve_api(ctx, url, params.items, params.n, &res);
    return send_response(con, &res);
}

/* Everything the server reads once: the world (tables, treaties, and the
 * datasets: COW and ATOP for the answers, contiguity, capabilities and
 * MIDs for the join model), the state names, the wars, the join-model
 * parameters, the nuclear table and the shipped scenarios.  What is
 * missing only turns off what needs it. */
static casus_status load_all(serve_ctx *ctx, const cli_world_opts *wo, casus_error *err)
{
    const char *share = cli_share_dir(wo->share);
    char path[4200], dir[4096] = "";
    casus_status st = casus_world_create(&ctx->world, err);
    if (st == CASUS_OK) {
        snprintf(path, sizeof path, "%s/world", share);
        st = casus_world_load_tables(ctx->world, path, err);
    }
    if (st == CASUS_OK) {
        snprintf(path, sizeof path, "%s/treaties", share);
        st = casus_world_load_treaty_dir(ctx->world, wo->treaties ? wo->treaties : path, err);
    }
    if (st == CASUS_OK && !wo->no_data) {
        st = casus_data_find_dir(wo->data, CASUS_INSTALL_SHARE, dir, sizeof dir, err);
        if (st == CASUS_OK && dir[0]) {
            ctx->have_data = true;
            st = casus_data_load(ctx->world, dir,
                                 CASUS_DATA_COW | CASUS_DATA_ATOP | CASUS_DATA_CONTIGUITY | CASUS_DATA_NMC |
                                     CASUS_DATA_MID,
                                 err);
        }
    }
    if (st == CASUS_OK)
        st = casus_world_finish(ctx->world, err);
    if (st == CASUS_OK) {
        snprintf(path, sizeof path, "%s/world/state-names.csv", share);
        st = casus_names_load(ctx->world, path, &ctx->names, err);
    }
    struct stat sb;
    if (st == CASUS_OK && ctx->have_data) {
        snprintf(path, sizeof path, "%s/%s", dir, CASUS_WARS_FILE);
        if (stat(path, &sb) == 0 && (st = casus_wars_create(&ctx->wars, err)) == CASUS_OK)
            st = casus_wars_load_file(ctx->wars, path, err);
    }
    if (st == CASUS_OK) {
        snprintf(path, sizeof path, "%s/world/nuclear.csv", share);
        if (stat(path, &sb) == 0)
            st = casus_nuclear_load_file(ctx->world, path, &ctx->nuclear_owned, err);
        ctx->nuclear = ctx->nuclear_owned;
    }
    if (st == CASUS_OK) {
        snprintf(path, sizeof path, "%s/params/default.params", share);
        if (stat(path, &sb) == 0 && (st = casus_jm_params_load(path, &ctx->params_owned, err)) == CASUS_OK)
            ctx->params = &ctx->params_owned;
    }
    if (st == CASUS_OK && ctx->params) {
        snprintf(path, sizeof path, "%s/scenarios", share);
        DIR *d = opendir(path);
        struct dirent *e;
        char *names[SERVE_MAX_SCENARIOS];
        size_t n = 0;
        while (d && (e = readdir(d)) && n < SERVE_MAX_SCENARIOS) {
            size_t len = strlen(e->d_name);
            if (len > 9 && strcmp(e->d_name + len - 9, ".scenario") == 0 && e->d_name[0] != '.')
                names[n++] = strdup(e->d_name);
        }
        if (d)
            closedir(d);
        qsort(names, n, sizeof *names, by_name);
        for (size_t i = 0; i < n; i++) {
            char file[4500];
            snprintf(file, sizeof file, "%s/%s", path, names[i]);
            if (st == CASUS_OK && names[i] &&
                (st = casus_scenario_load_file(ctx->world, file, &ctx->scenarios[ctx->n_scenarios], err)) == CASUS_OK)
                ctx->n_scenarios++;
            free(names[i]);
        }
        if (st == CASUS_OK && !(ctx->sims = serve_sims_create()))
            st = casus_error_set(err, CASUS_NOMEM, NULL, 0, 0, "out of memory");
    }
    return st;
}

static void free_all(serve_ctx *ctx)
{
    serve_sims_free(ctx->sims); /* first: its threads read the rest */
    for (size_t i = 0; i < ctx->n_scenarios; i++)
        casus_scenario_free(ctx->scenarios[i]);
    casus_nuclear_free(ctx->nuclear_owned);
    casus_wars_free(ctx->wars);
    casus_names_free(ctx->names);
    casus_world_free(ctx->world);
}

/* The page's files: --assets, CASUS_ASSETS, the build tree, the install. */
static bool find_assets(const char *opt, char out[4096])
{
    const char *cands[] = {opt, getenv("CASUS_ASSETS"), CASUS_BUILD_ASSETS, CASUS_INSTALL_SHARE "/web"};
    for (size_t i = 0; i < sizeof cands / sizeof *cands; i++) {
        char real[PATH_MAX], index[PATH_MAX + 16];
        struct stat st;
        if (!cands[i] || !cands[i][0] || !realpath(cands[i], real))
            continue;
        snprintf(index, sizeof index, "%s/index.html", real);
        if (stat(index, &st) == 0 && S_ISREG(st.st_mode)) {
            snprintf(out, 4096, "%s", real);
            return true;
        }
        if (opt && i == 0)
            return false; /* a directory named on the command line must hold the page */
    }
    out[0] = '\0';
    return true;
}

int cmd_serve(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"bind", required_argument, NULL, 'b'},      {"port", required_argument, NULL, 'p'},
        {"data", required_argument, NULL, OPT_DATA}, {"share", required_argument, NULL, OPT_SHARE},
        {"assets", required_argument, NULL, OPT_ASSETS}, {"no-data", no_argument, NULL, OPT_NO_DATA},
        {"help", no_argument, NULL, 'h'},            {NULL, 0, NULL, 0}};
    const char *bind = "127.0.0.1", *assets = NULL;
    long port = 7816;
    cli_world_opts wo = {0};
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "b:p:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'b': bind = optarg; break;
        case 'p': {
            char *end;
            port = strtol(optarg, &end, 10);
            if (!optarg[0] || *end || port < 0 || port > 65535)
                return cli_usage_error("serve", "'%s' is not a port (0-65535)", optarg);
            break;
        }
        case OPT_DATA: wo.data = optarg; break;
        case OPT_SHARE: wo.share = optarg; break;
        case OPT_ASSETS: assets = optarg; break;
        case OPT_NO_DATA: wo.no_data = true; break;
        case 'h': cli_print_help(cli_find("serve"), stdout); return EXIT_OK;
        default: return cli_usage_error("serve", "unknown or incomplete option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return cli_usage_error("serve", "unexpected argument '%s'", argv[optind]);

    struct sockaddr_in in4 = {0};
    struct sockaddr_in6 in6 = {0};
    const struct sockaddr *addr;
    bool v6 = false;
    if (inet_pton(AF_INET, bind, &in4.sin_addr) == 1) {
        in4.sin_family = AF_INET;
        in4.sin_port = htons((uint16_t)port);
        addr = (const struct sockaddr *)&in4;
    } else if (inet_pton(AF_INET6, bind, &in6.sin6_addr) == 1) {
        in6.sin6_family = AF_INET6;
        in6.sin6_port = htons((uint16_t)port);
        addr = (const struct sockaddr *)&in6;
        v6 = true;
    } else
        return cli_usage_error("serve", "'%s' is not an IPv4 or IPv6 address", bind);

    serve_ctx ctx = {0};
    if (!find_assets(assets, ctx.assets))
        return cli_usage_error("serve", "'%s' holds no index.html", assets);
    casus_error err;
    casus_error_clear(&err);
    if (load_all(&ctx, &wo, &err) != CASUS_OK) {
        free_all(&ctx);
        return cli_fail(&err);
    }

    /* SIGTERM and SIGINT are taken by sigwait below, in this thread only:
     * block them before MHD starts its threads, which inherit the mask. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);

    unsigned flags = MHD_USE_AUTO | MHD_USE_INTERNAL_POLLING_THREAD | (v6 ? MHD_USE_IPv6 : 0);
    struct MHD_Daemon *d = MHD_start_daemon(
        flags, (uint16_t)port, NULL, NULL, handle, &ctx, MHD_OPTION_SOCK_ADDR, addr, MHD_OPTION_URI_LOG_CALLBACK,
        uri_log, NULL, MHD_OPTION_NOTIFY_COMPLETED, completed, NULL, MHD_OPTION_THREAD_POOL_SIZE, 4u,
        MHD_OPTION_CONNECTION_LIMIT, 512u, MHD_OPTION_CONNECTION_TIMEOUT, 30u, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
        (size_t)32768, MHD_OPTION_END);
    if (!d) {
        fprintf(stderr, "%s serve: cannot listen on %s port %ld (in use, or not an address of this machine)\n",
                cli_prog, bind, port);
        free_all(&ctx);
        return EXIT_WORK;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    unsigned actual = info ? info->port : (unsigned)port;
    printf("%s serve: listening on http://%s%s%s:%u/\n", cli_prog, v6 ? "[" : "", bind, v6 ? "]" : "", actual);
    if (!ctx.assets[0])
        printf("%s serve: no page files found (build them, or give --assets): the API only\n", cli_prog);
    if (!ctx.have_data)
        printf("%s serve: no datasets found: the hand-encoded treaties only\n", cli_prog);
    fflush(stdout);

    int sig = 0;
    sigwait(&stop, &sig);
    MHD_stop_daemon(d);
    free_all(&ctx);
    fprintf(stderr, "%s serve: stopped (%s)\n", cli_prog, sig == SIGTERM ? "SIGTERM" : "SIGINT");
    return EXIT_OK;
}
