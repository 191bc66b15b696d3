/* casus serve over real sockets on 127.0.0.1: the API answers with the
 * command line's bytes and messages, and hostile requests (path traversal
 * raw and encoded, links out of the asset directory, oversize targets and
 * bodies, malformed parameters, wrong methods) get the right status and
 * never a file from outside the assets.  SIGTERM stops it cleanly. */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"

typedef struct server {
    pid_t pid;
    int port;
    char *dir;       /* temporary: assets/ and a secret beside it */
    char err_path[4200];
} server;

static server srv;

/* Starts casus serve on a free port with a small asset directory holding
 * index.html, and beside it (outside the assets) a file no request may reach,
 * with a link to it from inside. */
static void start(bool with_data)
{
    srv.dir = make_temp_dir();
    char assets[4200], path[4300];
    snprintf(assets, sizeof assets, "%s/assets", srv.dir);
    cr_assert_eq(mkdir(assets, 0755), 0);
    snprintf(path, sizeof path, "%s/index.html", assets);
    cr_assert_eq(spit(path, "<!doctype html><title>casus</title>\n", 36), 0);
    snprintf(path, sizeof path, "%s/secret.txt", srv.dir);
    cr_assert_eq(spit(path, "SECRET-OUTSIDE-THE-ASSETS\n", 26), 0);
    char link[4300];
    snprintf(link, sizeof link, "%s/leak.txt", assets);
    cr_assert_eq(symlink(path, link), 0);
    snprintf(srv.err_path, sizeof srv.err_path, "%s/stderr.txt", srv.dir);

    int po[2];
    cr_assert_eq(pipe(po), 0);
    srv.pid = fork();
    if (srv.pid == 0) {
        dup2(po[1], 1);
        close(po[0]);
        close(po[1]);
        FILE *e = freopen(srv.err_path, "w", stderr);
        (void)e;
        const char *bin = getenv("CASUS_BIN");
        if (with_data)
            execl(bin, bin, "serve", "--port", "0", "--assets", assets, "--data", test_data_dir(), (char *)NULL);
        else
            execl(bin, bin, "serve", "--port", "0", "--assets", assets, "--no-data", (char *)NULL);
        _exit(127);
    }
    close(po[1]);
    char buf[1024];
    size_t len = 0;
    while (len < sizeof buf - 1) {
        ssize_t n = read(po[0], buf + len, sizeof buf - 1 - len);
        if (n <= 0)
            break;
        len += (size_t)n;
        buf[len] = '\0';
        if (strchr(buf, '\n'))
            break;
    }
    close(po[0]);
    buf[len] = '\0';
    cr_assert(sscanf(buf, "casus serve: listening on http://127.0.0.1:%d/", &srv.port) == 1, "serve said: %s", buf);
}

static void start_plain(void) { start(false); }
static void start_data(void) { start(true); }

static void stop(void)
{
    if (srv.pid > 0) {
        kill(srv.pid, SIGTERM);
        waitpid(srv.pid, NULL, 0);
        srv.pid = 0;
    }
    rm_temp_dir(srv.dir);
}

typedef struct reply {
    int status;
    char *raw;  /* the whole response, NUL-terminated */
    size_t len;
    const char *body;
} reply;

/* Sends the bytes as they are (no client normalising the path) and reads
 * the answer until the server closes. */
static reply send_raw(const char *req, size_t n)
{
    reply r = {0};
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    cr_assert(fd >= 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)srv.port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    cr_assert_eq(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
    for (size_t off = 0; off < n;) {
        ssize_t k = send(fd, req + off, n - off, MSG_NOSIGNAL);
        if (k <= 0)
            break; /* the server may answer and close before reading it all */
        off += (size_t)k;
    }
    size_t cap = 65536;
    r.raw = malloc(cap);
    for (;;) {
        if (r.len + 4096 > cap)
            r.raw = realloc(r.raw, cap *= 2);
        ssize_t k = recv(fd, r.raw + r.len, cap - r.len - 1, 0);
        if (k <= 0)
            break;
        r.len += (size_t)k;
    }
    r.raw[r.len] = '\0';
    close(fd);
    sscanf(r.raw, "HTTP/1.1 %d", &r.status);
    const char *b = strstr(r.raw, "\r\n\r\n");
    r.body = b ? b + 4 : "";
    return r;
}

static reply get(const char *target)
{
    char req[16384];
    int n = snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", target);
    cr_assert(n > 0 && (size_t)n < sizeof req);
    return send_raw(req, (size_t)n);
}

static void expect_error(const char *target, int status, const char *message)
{
    reply r = get(target);
    char want[2048];
    snprintf(want, sizeof want, "{\"error\": \"%s\", \"status\": %d}\n", message, status);
    cr_expect_eq(r.status, status, "%s: status %d", target, r.status);
    cr_expect_str_eq(r.body, want, "%s", target);
    free(r.raw);
}

/* What `casus who` prints on standard output for the arguments. */
static char *cli_who(const char *a, const char *t, const char *d, const char *extra)
{
    run_result c = extra ? run_casus("who", "-a", a, "-t", t, "-d", d, "--format", "json", "--data", test_data_dir(),
                                     extra, NULL)
                         : run_casus("who", "-a", a, "-t", t, "-d", d, "--format", "json", "--data", test_data_dir(),
                                     NULL);
    cr_assert_eq(c.status, 0, "%s", c.err);
    char *out = c.out;
    c.out = NULL;
    run_free(&c);
    return out;
}

Test(serve, who_answers_with_the_bytes_of_the_command_line, .init = start_data, .fini = stop, .timeout = 120)
{
    static const struct {
        const char *url, *a, *t, *d, *extra;
    } cases[] = {
        {"/api/who?attacker=ROK&target=PRK&date=2025-03-01", "ROK", "PRK", "2025-03-01", NULL},
        {"/api/who?attacker=South+Korea&target=North%20Korea&date=2025-03-01", "ROK", "PRK", "2025-03-01", NULL},
        {"/api/who?attacker=ROK&target=PRK&date=2024-11-01", "ROK", "PRK", "2024-11-01", NULL},
        {"/api/who?attacker=USA&target=PRK&date=1975-06-01&all=true", "USA", "PRK", "1975-06-01", "--all"},
        {"/api/who?attacker=GMY&target=POL&date=1939-09-01", "GMY", "POL", "1939-09-01", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        reply r = get(cases[i].url);
        char *want = cli_who(cases[i].a, cases[i].t, cases[i].d, cases[i].extra);
        cr_expect_eq(r.status, 200, "%s", cases[i].url);
        cr_expect(strstr(r.raw, "Content-Type: application/json; charset=utf-8\r\n") != NULL);
        cr_expect_eq(strlen(r.body), strlen(want), "%s", cases[i].url);
        cr_expect_str_eq(r.body, want, "%s", cases[i].url);
        free(want);
        free(r.raw);
    }
}

Test(serve, errors_carry_the_command_lines_messages, .init = start_plain, .fini = stop)
{
    static const struct {
        const char *url, *a, *t, *d;
    } cases[] = {
        {"/api/who?attacker=SERBA&target=PRK&date=2025-03-01", "SERBA", "PRK", "2025-03-01"},
        {"/api/who?attacker=ROK&target=XYZZY&date=2025-03-01", "ROK", "XYZZY", "2025-03-01"},
        {"/api/who?attacker=ROK&target=PRK&date=2025-02-30", "ROK", "PRK", "2025-02-30"},
        {"/api/who?attacker=ROK&target=PRK&date=yesterday", "ROK", "PRK", "yesterday"},
        {"/api/who?attacker=ROK&target=PRK&date=1700-01-01", "ROK", "PRK", "1700-01-01"},
        {"/api/who?attacker=ROK&target=ROK&date=2025-03-01", "ROK", "ROK", "2025-03-01"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        run_result c = run_casus("who", "-a", cases[i].a, "-t", cases[i].t, "-d", cases[i].d, "--no-data", NULL);
        cr_assert_eq(c.status, 2);
        const char *prefix = "casus who: ";
        cr_assert(strncmp(c.err, prefix, strlen(prefix)) == 0, "%s", c.err);
        char msg[1024];
        snprintf(msg, sizeof msg, "%.*s", (int)strcspn(c.err + strlen(prefix), "\n"), c.err + strlen(prefix));
        expect_error(cases[i].url, 400, msg);
        run_free(&c);
    }
    expect_error("/api/who?attacker=ROK&target=PRK&place=mars", 400,
                 "unknown place 'mars' (see world/places.csv, or a state's abbreviation)");
    expect_error("/api/treaties/no-such-treaty", 404, "no treaty with id 'no-such-treaty' (try 'casus treaty list')");
    expect_error("/api/wars", 404,
                 "no COW war data (cow/Inter-StateWarData_v4.0.csv) in the data directory; run 'casus data fetch' first");
    expect_error("/api/nothing", 404, "no such endpoint '/api/nothing' (see docs/serve.md)");
}

Test(serve, malformed_parameters_are_refused, .init = start_plain, .fini = stop)
{
    expect_error("/api/who?attacker=ROK", 400, "attacker and target are required");
    expect_error("/api/who?attacker=&target=PRK", 400, "attacker and target are required");
    expect_error("/api/who?attacker=ROK&target=PRK&colour=red", 400, "unknown parameter 'colour'");
    expect_error("/api/who?attacker=ROK&attacker=USA&target=PRK", 400, "parameter 'attacker' given twice");
    expect_error("/api/who?attacker=RO%00K&target=PRK", 400, "parameter 'attacker' holds a NUL byte");
    expect_error("/api/who?attacker=%ff%fe%01&target=PRK", 400,
                 "unknown state '?\?\?' (use a COW abbreviation such as USA, RUS, PRK)");
    expect_error("/api/who?attacker=ROK&target=PRK&all=maybe", 400, "'maybe' is not a value of 'all' (true or false)");
    expect_error("/api/states?date=2025-3-1", 400, "'2025-3-1' is not a date: use YYYY-MM-DD");
    expect_error("/api/treaties?x=1", 400, "unknown parameter 'x'");
    expect_error("/api/who?a=1&b=2&c=3&d=4&e=5&f=6&g=7&h=8&i=9&j=10&k=11&l=12&m=13&n=14&o=15&p=16&q=17", 400,
                 "more than 16 query parameters");
    char name[200];
    memset(name, 'A', 150);
    name[150] = '\0';
    char url[400];
    snprintf(url, sizeof url, "/api/who?attacker=%s&target=PRK", name);
    expect_error(url, 400, "unknown state: a name of 150 bytes is longer than 128");
}

Test(serve, traversal_never_leaves_the_assets, .init = start_plain, .fini = stop)
{
    static const char *const attempts[] = {
        "/../secret.txt",
        "/../../../../etc/passwd",
        "/%2e%2e/secret.txt",
        "/%2E%2E%2Fsecret.txt",
        "/..%2fsecret.txt",
        "/%252e%252e/secret.txt",
        "/index.html/../../secret.txt",
        "/./../secret.txt",
        "/..\\secret.txt",
        "/%5c..%5csecret.txt",
        "/leak.txt",
        "/index.html%00.txt",
        "//etc/passwd",
        "/.hidden",
        "/api/../../secret.txt",
        "/api/treaties/..%2f..%2fsecret.txt",
    };
    for (size_t i = 0; i < sizeof attempts / sizeof *attempts; i++) {
        reply r = get(attempts[i]);
        cr_expect(r.status == 400 || r.status == 404, "%s: status %d", attempts[i], r.status);
        cr_expect(!strstr(r.raw, "SECRET-OUTSIDE"), "%s served the secret", attempts[i]);
        cr_expect(!strstr(r.raw, "root:"), "%s served /etc/passwd", attempts[i]);
        free(r.raw);
    }
    expect_error("/../secret.txt", 400, "path '/../secret.txt' is not allowed");
    expect_error("/%2e%2e/secret.txt", 400, "path '/../secret.txt' is not allowed (no percent-encoding in paths)");
    expect_error("/leak.txt", 400, "path '/leak.txt' is not allowed");
    expect_error("/missing.html", 404, "no file '/missing.html'");
    reply r = get("/");
    cr_expect_eq(r.status, 200);
    cr_expect_str_eq(r.body, "<!doctype html><title>casus</title>\n");
    cr_expect(strstr(r.raw, "Content-Security-Policy: default-src 'self'") != NULL);
    free(r.raw);
}

Test(serve, oversize_targets_and_bodies_are_refused, .init = start_plain, .fini = stop)
{
    /* Over casus's 4 KiB limit: 414 with casus's message. */
    char *url = malloc(6000);
    cr_assert_not_null(url);
    strcpy(url, "/api/who?attacker=ROK&target=PRK&place=");
    size_t n = strlen(url);
    memset(url + n, 'x', 5000);
    url[n + 5000] = '\0';
    expect_error(url, 414, "request target longer than 4096 bytes");
    free(url);
    /* Far over libmicrohttpd's own buffer: still refused, nothing served. */
    size_t big = 200000;
    char *req = malloc(big + 100);
    cr_assert_not_null(req);
    n = (size_t)sprintf(req, "GET /");
    memset(req + n, 'a', big);
    n += big;
    n += (size_t)sprintf(req + n, " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    reply r = send_raw(req, n);
    cr_expect(r.status == 414 || r.status == 431 || r.status == 400, "status %d", r.status);
    free(r.raw);
    free(req);
    /* A body over 64 KiB, announced or sent chunked. */
    static const char post[] = "POST /api/who HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\nConnection: close\r\n\r\n";
    r = send_raw(post, sizeof post - 1);
    cr_expect_eq(r.status, 413);
    cr_expect_str_eq(r.body, "{\"error\": \"request body larger than 65536 bytes\", \"status\": 413}\n");
    free(r.raw);
    size_t chunk = 16384, chunks = 6;
    req = malloc(200 + chunks * (chunk + 16));
    cr_assert_not_null(req);
    n = (size_t)sprintf(req, "POST /api/who HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n");
    for (size_t i = 0; i < chunks; i++) {
        n += (size_t)sprintf(req + n, "%zx\r\n", chunk);
        memset(req + n, 'b', chunk);
        n += chunk;
        n += (size_t)sprintf(req + n, "\r\n");
    }
    n += (size_t)sprintf(req + n, "0\r\n\r\n");
    r = send_raw(req, n);
    cr_expect_eq(r.status, 413);
    free(r.raw);
    free(req);
    /* A small body to a GET-only API: the method is refused. */
    static const char del[] = "DELETE /api/who HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    r = send_raw(del, sizeof del - 1);
    cr_expect_eq(r.status, 405);
    cr_expect(strstr(r.raw, "Allow: GET, HEAD\r\n") != NULL);
    cr_expect_str_eq(r.body, "{\"error\": \"method DELETE is not allowed (GET or HEAD)\", \"status\": 405}\n");
    free(r.raw);
}

Test(serve, treaties_states_and_a_clean_stop, .init = start_plain, .fini = stop)
{
    reply r = get("/api/treaties/chn-prk-1961");
    cr_assert_eq(r.status, 200);
    cr_expect(strstr(r.body, "\"id\": \"chn-prk-1961\"") != NULL);
    cr_expect(strstr(r.body, "\"number\": \"II\"") != NULL);
    cr_expect(strstr(r.body, "\"status\": \"verbatim-partial\"") != NULL);
    cr_expect(strstr(r.body, "\"file\": \"chn-prk-1961.treaty\"") != NULL);
    cr_expect(!strstr(r.body, "\"file\": \"/"), "no path of the machine");
    free(r.raw);
    r = get("/api/states?date=2025-03-01");
    cr_assert_eq(r.status, 200);
    cr_expect(strstr(r.body, "\"abb\": \"ROK\",\n      \"name\": \"South Korea\",\n      \"member\": \"held\",\n"
                             "      \"iso3\": \"KOR\",\n      \"iso_numeric\": \"410\",\n      \"drawable\": true") != NULL,
              "%.400s", r.body);
    cr_expect(strstr(r.body, "\"borders_differ\": false") != NULL);
    free(r.raw);
    r = get("/api/states?date=1914-07-28");
    cr_expect(strstr(r.body, "\"borders_differ\": true") != NULL);
    cr_expect(strstr(r.body, "{\n      \"abb\": \"AUH\",\n      \"name\": \"Austria-Hungary\"\n    }") != NULL);
    free(r.raw);
    cr_assert_eq(kill(srv.pid, SIGTERM), 0);
    int status = 0;
    cr_assert_eq(waitpid(srv.pid, &status, 0), srv.pid);
    srv.pid = 0;
    cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %d", status);
    size_t len;
    char *err = slurp(srv.err_path, &len);
    cr_expect_str_eq(err, "casus serve: stopped (SIGTERM)\n");
    free(err);
}

Test(serve, bad_options)
{
    run_result r = run_casus("serve", "--bind", "localhost", NULL);
    cr_expect_eq(r.status, 2);
    cr_expect_str_eq(r.err, "casus serve: 'localhost' is not an IPv4 or IPv6 address\n"
                            "Try 'casus serve --help' for more information.\n");
    run_free(&r);
    r = run_casus("serve", "--port", "70000", NULL);
    cr_expect_eq(r.status, 2);
    cr_expect_str_eq(r.err, "casus serve: '70000' is not a port (0-65535)\nTry 'casus serve --help' for more information.\n");
    run_free(&r);
}

static reply post(const char *target, const char *body)
{
    char req[16384];
    int n = snprintf(req, sizeof req,
                     "POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n"
                     "Connection: close\r\n\r\n%s",
                     target, strlen(body), body);
    cr_assert(n > 0 && (size_t)n < sizeof req);
    return send_raw(req, (size_t)n);
}

static void expect_post_error(const char *body, int status, const char *message)
{
    reply r = post("/api/simulate", body);
    char want[2048];
    snprintf(want, sizeof want, "{\"error\": \"%s\", \"status\": %d}\n", message, status);
    cr_expect_eq(r.status, status, "%s: status %d", body, r.status);
    cr_expect_str_eq(r.body, want, "%s", body);
    free(r.raw);
}

Test(serve, a_simulation_answers_with_the_bytes_of_casus_simulate, .init = start_plain, .fini = stop, .timeout = 180)
{
    reply r = post("/api/simulate", "{\"scenario\": \"korea-dmz-2025\", \"trials\": 300}");
    cr_assert_eq(r.status, 202, "%s", r.raw);
    cr_expect(strstr(r.body, "\"job\": 1,\n  \"scenario\": \"korea-dmz-2025\",\n") != NULL, "%s", r.body);
    cr_expect(strstr(r.body, "\"trials\": 300,") != NULL);
    free(r.raw);
    bool done = false;
    for (int i = 0; i < 1500 && !done; i++) {
        r = get("/api/simulate/1");
        cr_assert_eq(r.status, 200);
        done = strstr(r.body, "\"status\": \"done\"") != NULL;
        cr_assert(!strstr(r.body, "\"status\": \"failed\""), "%s", r.body);
        free(r.raw);
        if (!done)
            usleep(100000);
    }
    cr_assert(done, "the simulation did not end");
    r = get("/api/simulate/1/result");
    char file[4200];
    snprintf(file, sizeof file, "%s/scenarios/korea-dmz-2025.scenario", source_dir());
    run_result c = run_casus("simulate", file, "--trials", "300", "--no-data", "--format",
                             "json", NULL);
    cr_assert_eq(c.status, 0, "%s", c.err);
    cr_expect_eq(r.status, 200);
    cr_expect_str_eq(r.body, c.out);
    run_free(&c);
    free(r.raw);
    expect_error("/api/simulate/2", 404, "no simulation 2 (the last 32 are kept)");
    expect_error("/api/simulate/x", 400, "'x' is not a simulation number");
    expect_error("/api/simulate", 405, "POST a scenario to /api/simulate (see docs/serve.md)");
}

Test(serve, simulations_are_capped_and_checked, .init = start_plain, .fini = stop, .timeout = 180)
{
    expect_post_error("{\"scenario\": \"korea-dmz-2025\", \"trials\": 20001}", 400,
                      "'trials' takes a whole number from 1 to 20000 (this server's cap), 'seed' one from 0");
    expect_post_error("{\"scenario\": \"nowhere-2030\"}", 404, "no scenario 'nowhere-2030' (see /api/scenarios)");
    expect_post_error("{\"scenario\": \"korea-dmz-2025\", \"text\": \"x\"}", 400,
                      "give 'scenario' (the id of a shipped scenario) or 'text' (a scenario), as a string");
    expect_post_error("{\"scenario\": \"korea-dmz-2025\", \"colour\": 1}", 400,
                      "unknown field 'colour' (scenario, text, trials, seed)");
    expect_post_error("{\"text\": \"scenario x\\nbogus\\n\"}", 400, "scenario:2:1: unknown statement 'bogus'");
    expect_post_error("[1]", 400, "the body must be a JSON object such as {\\\"scenario\\\": \\\"korea-dmz-2025\\\"}");
    /* Two long runs take both places; a third is refused until one ends. */
    for (int i = 0; i < 2; i++) {
        reply r = post("/api/simulate", "{\"scenario\": \"korea-dmz-2025\", \"trials\": 20000}");
        cr_expect_eq(r.status, 202);
        free(r.raw);
    }
    expect_post_error("{\"scenario\": \"korea-dmz-2025\", \"trials\": 10}", 429,
                      "2 simulations are running, as many as this server runs at once; try again when one has ended");
}
