/* The manifest, the fetcher (src/lib/fetch.c) and `casus data`, against a
 * libmicrohttpd server on 127.0.0.1 that serves the test datasets
 * (CASUS_TEST_DATA) and can spoil them on purpose.  Nothing leaves the
 * loopback interface. */
#define _GNU_SOURCE
#include <archive.h>
#include <archive_entry.h>
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <ftw.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "casus/fetch.h"
#include "testutil.h"

/* ---- the loopback server ---- */

typedef struct server {
    struct MHD_Daemon *daemon;
    unsigned port;
    char base[64];          /* "http://127.0.0.1:PORT" */
    const char *root;       /* files are served from here */
    const char *corrupt;    /* this path gets one byte changed */
    const char *missing;    /* this path is 404 */
    const char *cut;        /* announced at full length, connection dropped halfway */
    const char *half;       /* sent without a length, only half, ending cleanly */
    const char *longer;     /* sent with bytes added */
    const char *extra_name; /* an in-memory file (a zip built by the test) */
    const char *extra_data;
    size_t extra_len;
    int extra_requests;
} server;

typedef struct partial_body {
    char *data;
    size_t limit;
    bool drop; /* end with an error (connection closed) rather than cleanly */
} partial_body;

static ssize_t read_partial(void *cls, uint64_t pos, char *buf, size_t max)
{
    partial_body *b = cls;
    if (pos >= b->limit)
        return b->drop ? MHD_CONTENT_READER_END_WITH_ERROR : MHD_CONTENT_READER_END_OF_STREAM;
    size_t n = b->limit - (size_t)pos < max ? b->limit - (size_t)pos : max;
    memcpy(buf, b->data + pos, n);
    return (ssize_t)n;
}

static void free_partial(void *cls)
{
    partial_body *b = cls;
    free(b->data);
    free(b);
}

static enum MHD_Result send_status(struct MHD_Connection *c, unsigned code, const char *text)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(strlen(text), (void *)text, MHD_RESPMEM_MUST_COPY);
    enum MHD_Result ret = MHD_queue_response(c, code, r);
    MHD_destroy_response(r);
    return ret;
}

static bool is(const char *want, const char *path) { return want && strcmp(want, path) == 0; }

static enum MHD_Result serve(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                             const char *version, const char *upload, size_t *upload_size, void **state)
{
    server *s = cls;
    (void)version;
    (void)upload;
    (void)upload_size;
    (void)state;
    if (strcmp(method, "GET") != 0)
        return send_status(c, MHD_HTTP_METHOD_NOT_ALLOWED, "GET only\n");
    if (url[0] != '/' || strstr(url, ".."))
        return send_status(c, MHD_HTTP_BAD_REQUEST, "bad path\n");
    if (strncmp(url, "/redir/", 7) == 0) {
        struct MHD_Response *r = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
        MHD_add_response_header(r, "Location", url + 6);
        enum MHD_Result ret = MHD_queue_response(c, MHD_HTTP_FOUND, r);
        MHD_destroy_response(r);
        return ret;
    }
    const char *path = url + 1;
    if (is(s->missing, path))
        return send_status(c, MHD_HTTP_NOT_FOUND, "not here\n");
    size_t len = 0;
    char *data;
    if (is(s->extra_name, path)) {
        __atomic_fetch_add(&s->extra_requests, 1, __ATOMIC_SEQ_CST);
        data = malloc(s->extra_len + 1);
        memcpy(data, s->extra_data, s->extra_len);
        len = s->extra_len;
    } else {
        char file[4096];
        snprintf(file, sizeof file, "%s/%s", s->root, path);
        data = slurp(file, &len);
        if (!data)
            return send_status(c, MHD_HTTP_NOT_FOUND, "no such file\n");
    }
    if (is(s->corrupt, path))
        data[len / 2] ^= 0x20;
    if (is(s->longer, path)) {
        data = realloc(data, len + 10);
        memset(data + len, 'x', 10);
        len += 10;
    }
    struct MHD_Response *r;
    if (is(s->cut, path) || is(s->half, path)) {
        partial_body *b = malloc(sizeof *b);
        b->data = data;
        b->limit = len / 2;
        b->drop = is(s->cut, path);
        r = MHD_create_response_from_callback(b->drop ? len : MHD_SIZE_UNKNOWN, 4096, read_partial, b, free_partial);
    } else {
        r = MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
    }
    enum MHD_Result ret = MHD_queue_response(c, MHD_HTTP_OK, r);
    MHD_destroy_response(r);
    return ret;
}

/* Starts the server on 127.0.0.1 with a port the kernel picks; bounded:
 * a few connections, each timed out after 10 s of silence. */
static void server_start(server *s)
{
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = 0;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (!s->root)
        s->root = test_data_dir();
    s->daemon = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL, serve, s, MHD_OPTION_SOCK_ADDR,
                                 (struct sockaddr *)&sa, MHD_OPTION_CONNECTION_LIMIT, 16u,
                                 MHD_OPTION_CONNECTION_TIMEOUT, 10u, MHD_OPTION_END);
    cr_assert_not_null(s->daemon, "cannot start the test server on 127.0.0.1");
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
    cr_assert_not_null(info);
    s->port = info->port;
    cr_assert_gt(s->port, 0);
    snprintf(s->base, sizeof s->base, "http://127.0.0.1:%u", s->port);
    /* A proxy set in the environment must not see loopback traffic. */
    setenv("no_proxy", "127.0.0.1,localhost", 1);
    setenv("NO_PROXY", "127.0.0.1,localhost", 1);
}

static void server_stop(server *s)
{
    if (s->daemon)
        MHD_stop_daemon(s->daemon);
    s->daemon = NULL;
}

/* ---- helpers ---- */

static int n_hidden;
static int count_hidden(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    if (ftw->level > 0 && path[ftw->base] == '.')
        n_hidden++;
    return 0;
}

/* Temporary files and scratch directories are hidden names; none may stay. */
static int hidden_entries(const char *dir)
{
    n_hidden = 0;
    nftw(dir, count_hidden, 16, FTW_PHYS);
    return n_hidden;
}

static bool exists(const char *dir, const char *file)
{
    char path[8200];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", dir, file);
    return stat(path, &st) == 0;
}

static bool same_as_test_data(const char *dir, const char *file)
{
    char a[4096], b[4096];
    snprintf(a, sizeof a, "%s/%s", dir, file);
    snprintf(b, sizeof b, "%s/%s", test_data_dir(), file);
    size_t la, lb;
    char *x = slurp(a, &la), *y = slurp(b, &lb);
    bool same = x && y && la == lb && memcmp(x, y, la) == 0;
    free(x);
    free(y);
    return same;
}

/* Fetches one file from `from` into a fresh data directory; the command
 * must exit with `status`, say `says` on standard error, and leave neither
 * the file nor any hidden leftover behind. */
static void expect_fetch_fails(const char *from, const char *file, int status, const char *says)
{
    char *dir = make_temp_dir();
    run_result r = run_casus("data", "fetch", "--from", from, "--data", dir, file, NULL);
    cr_assert_eq(r.status, status, "%s", r.err);
    cr_assert(strstr(r.err, says), "%s", r.err);
    cr_assert(!exists(dir, file));
    cr_assert_eq(hidden_entries(dir), 0);
    run_free(&r);
    rm_temp_dir(dir);
}

/* Fetches one or two files (file2 may be NULL) from the local copy of the
 * test data into dir; that must work. */
static void fetch_local(const char *dir, const char *file, const char *file2)
{
    run_result r = run_casus("data", "fetch", "--from", test_data_dir(), "--data", dir, file, file2, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    run_free(&r);
}

/* ---- the manifest ---- */

static casus_manifest *project_manifest(void)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/data/manifest.csv", source_dir());
    casus_manifest *m = NULL;
    casus_error err;
    cr_assert_eq(casus_manifest_load(path, &m, &err), CASUS_OK, "%s:%d:%d: %s", err.file, err.line, err.col,
                 err.message);
    return m;
}

/* The manifest's checksums are those of the shared data (PROVENANCE.md):
 * every file it names verifies against CASUS_TEST_DATA. */
Test(manifest, project_manifest_matches_the_test_data)
{
    casus_manifest *m = project_manifest();
    cr_assert_eq(casus_manifest_count(m), 14);
    for (size_t i = 0; i < casus_manifest_count(m); i++) {
        const casus_dataset_file *f = casus_manifest_at(m, i);
        casus_error err;
        cr_assert_eq(casus_dataset_verify(test_data_dir(), f, &err), CASUS_OK, "%s: %s", f->file, err.message);
        cr_assert(strncmp(f->url, "http://www.atopdata.org/", 24) == 0 ||
                      strncmp(f->url, "https://correlatesofwar.org/", 28) == 0,
                  "%s: %s", f->file, f->url);
        cr_assert_neq(f->citation[0], '\0');
    }
    const casus_dataset_file *f = casus_manifest_find(m, "atop/atop5_1m.csv");
    cr_assert_not_null(f);
    cr_assert_str_eq(f->member, "ATOP 5.1 (.csv)/atop5_1m.csv");
    cr_assert_str_eq(f->sha256_hex, "0e3c803f65275c3cb9309d08c04710416dff16aee936c8b4f887c7b67ee5b55b");
    cr_assert_eq(f->bytes, 568197);
    f = casus_manifest_find(m, "cow/Inter-StateWarData_v4.0.csv");
    cr_assert_str_eq(f->member, "");
    cr_assert_null(casus_manifest_find(m, "cow/nothing.csv"));
    cr_assert_null(casus_manifest_at(m, 14));
    casus_manifest_free(m);
    casus_manifest_free(NULL);
}

Test(manifest, bad_entries_are_errors)
{
    static const char head[] = "file,sha256,bytes,url,member,citation\n";
    static const char sha[] = "eafd146fa5c5bc2737ae829288c87d01c990a55fbc82dcc2dc08b94c0d7b5b7d";
    static const struct {
        const char *file, *sha, *bytes, *url, *member;
        int col;
        const char *says;
    } cases[] = {
        {"../etc/passwd", sha, "10", "https://x.org/a", "", 1, "relative path"},
        {"/etc/passwd", sha, "10", "https://x.org/a", "", 1, "relative path"},
        {"cow/.hidden.csv", sha, "10", "https://x.org/a", "", 1, "relative path"},
        {"cow/a b.csv", sha, "10", "https://x.org/a", "", 1, "relative path"},
        {"cow/a.csv", "abc", "10", "https://x.org/a", "", 11, "64 hex digits"},
        {"cow/a.csv", "zafd146fa5c5bc2737ae829288c87d01c990a55fbc82dcc2dc08b94c0d7b5b7d", "10", "https://x.org/a", "", 11,
         "hexadecimal"},
        {"cow/a.csv", sha, "0", "https://x.org/a", "", 76, "outside"},
        {"cow/a.csv", sha, "12x", "https://x.org/a", "", 76, "size in bytes"},
        {"cow/a.csv", sha, "10", "ftp://x.org/a", "", 79, "http or https"},
        {"cow/a.csv", sha, "10", "https://x.org/a b", "", 79, "http or https"},
        {"cow/a.csv", sha, "10", "https://x.org/a", "!inner.csv", 95, "member"},
        {"cow/a.csv", sha, "10", "https://x.org/a", "a!b!c!d!e", 95, "member"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char text[1024];
        snprintf(text, sizeof text, "%s%s,%s,%s,%s,%s,cite\n", head, cases[i].file, cases[i].sha, cases[i].bytes,
                 cases[i].url, cases[i].member);
        casus_manifest *m = (casus_manifest *)1;
        casus_error err;
        casus_error_clear(&err);
        cr_assert_eq(casus_manifest_parse("m.csv", text, strlen(text), &m, &err), i == 6 ? CASUS_RANGE :
                     CASUS_PARSE, "case %zu: %s", i, err.message);
        cr_assert_null(m);
        cr_assert_eq(err.line, 2, "case %zu", i);
        cr_assert_eq(err.col, cases[i].col, "case %zu: col %d: %s", i, err.col, err.message);
        cr_assert(strstr(err.message, cases[i].says), "case %zu: %s", i, err.message);
    }
    casus_manifest *m = NULL;
    casus_error err;
    char text[1024];
    snprintf(text, sizeof text, "%scow/a.csv,%s,1,https://x.org/a,,c\ncow/a.csv,%s,1,https://x.org/b,,c\n", head, sha, sha);
    cr_assert_eq(casus_manifest_parse("m.csv", text, strlen(text), &m, &err), CASUS_PARSE);
    cr_assert(strstr(err.message, "listed twice"));
    cr_assert_eq(err.line, 3);
    cr_assert_eq(casus_manifest_parse("m.csv", head, strlen(head), &m, &err), CASUS_PARSE);
    cr_assert(strstr(err.message, "no entries"));
    cr_assert_eq(casus_manifest_parse("m.csv", "file,sha\n", 9, &m, &err), CASUS_PARSE);
    cr_assert_eq(err.line, 1);
    cr_assert_eq(casus_manifest_load("/nonexistent/manifest.csv", &m, &err), CASUS_IO);
    /* A nested member is fine, as is a bare file. */
    snprintf(text, sizeof text, "%scow/a.csv,%s,1,https://x.org/a.zip,outer.zip!dir/a.csv,c\n", head, sha);
    cr_assert_eq(casus_manifest_parse("m.csv", text, strlen(text), &m, &err), CASUS_OK, "%s", err.message);
    cr_assert_str_eq(casus_manifest_at(m, 0)->member, "outer.zip!dir/a.csv");
    casus_manifest_free(m);
}

/* Truncated and garbled copies of the manifest: errors, never crashes. */
Test(manifest, truncated_and_garbled_copies)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/data/manifest.csv", source_dir());
    size_t len;
    char *text = slurp(path, &len);
    cr_assert_not_null(text);
    for (size_t cut = 0; cut < len; cut += 37) {
        casus_manifest *m = NULL;
        casus_error err;
        if (casus_manifest_parse("cut.csv", text, cut, &m, &err) == CASUS_OK)
            cr_assert_leq(casus_manifest_count(m), 14);
        else
            cr_assert_neq(err.message[0], '\0');
        casus_manifest_free(m);
    }
    unsigned seed = 7;
    for (int round = 0; round < 200; round++) {
        char *copy = malloc(len);
        memcpy(copy, text, len);
        seed = seed * 1103515245u + 12345u;
        copy[(seed >> 8) % len] = "\"/,.!\n\0x"[round % 8];
        casus_manifest *m = NULL;
        casus_error err;
        if (casus_manifest_parse("garbled.csv", copy, len, &m, &err) == CASUS_OK) {
            for (size_t i = 0; i < casus_manifest_count(m); i++)
                cr_assert_null(strstr(casus_manifest_at(m, i)->file, ".."));
        } else {
            cr_assert_neq(err.message[0], '\0', "round %d: an error without a message", round);
        }
        casus_manifest_free(m);
        free(copy);
    }
    free(text);
}

Test(manifest, sha256_known_answer)
{
    char *dir = make_temp_dir();
    char path[4096];
    snprintf(path, sizeof path, "%s/abc", dir);
    cr_assert_eq(spit(path, "abc", 3), 0);
    uint8_t sha[32];
    uint64_t bytes = 0;
    casus_error err;
    cr_assert_eq(casus_sha256_file(path, sha, &bytes, &err), CASUS_OK);
    cr_assert_eq(bytes, 3);
    /* FIPS 180-2, appendix B.1. */
    static const uint8_t want[32] = {0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40,
                                     0xde, 0x5d, 0xae, 0x22, 0x23, 0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17,
                                     0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad};
    cr_assert_arr_eq(sha, want, 32);
    snprintf(path, sizeof path, "%s/none", dir);
    cr_assert_eq(casus_sha256_file(path, sha, &bytes, &err), CASUS_NOTFOUND);
    rm_temp_dir(dir);
}

/* ---- fetching over HTTP ---- */

Test(fetch, every_file_over_http_then_skipped)
{
    server s = {0};
    server_start(&s);
    char *dir = make_temp_dir();
    run_result r = run_casus("data", "fetch", "--from", s.base, "--data", dir, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_eq(count_of(r.out, "\nfetched  ") + (strncmp(r.out, "fetched  ", 9) == 0), 14, "%s", r.out);
    cr_assert(strstr(r.out, "14 files: 14 fetched, 0 already good, 0 failed"), "%s", r.out);
    casus_manifest *m = project_manifest();
    for (size_t i = 0; i < casus_manifest_count(m); i++) {
        const casus_dataset_file *f = casus_manifest_at(m, i);
        casus_error err;
        cr_assert_eq(casus_dataset_verify(dir, f, &err), CASUS_OK, "%s", err.message);
        cr_assert(same_as_test_data(dir, f->file), "%s", f->file);
    }
    casus_manifest_free(m);
    cr_assert_eq(hidden_entries(dir), 0);
    run_free(&r);

    r = run_casus("data", "fetch", "--from", s.base, "--data", dir, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_eq(count_of(r.out, "skipped  "), 14);
    run_free(&r);
    r = run_casus("data", "verify", "--data", dir, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.out, "14 files: 14 good"));
    run_free(&r);
    server_stop(&s);
    rm_temp_dir(dir);
}

Test(fetch, corrupted_file_is_rejected_and_nothing_left)
{
    server s = {.corrupt = "cow/states2016.csv"};
    server_start(&s);
    char *dir = make_temp_dir();
    run_result r = run_casus("data", "fetch", "--from", s.base, "--data", dir, "cow/majors2016.csv",
                             "cow/states2016.csv", NULL);
    cr_assert_eq(r.status, 2, "%s", r.err);
    cr_assert(strstr(r.err, "cow/states2016.csv: SHA-256 mismatch for http://127.0.0.1:"), "%s", r.err);
    cr_assert(strstr(r.err, "/cow/states2016.csv: got "), "%s", r.err);
    cr_assert(strstr(r.err, "expected 3d78d333ea75a7791bf5772b203d2ab96b27e70ed52825f5293c474195f47888"));
    cr_assert(!exists(dir, "cow/states2016.csv"));
    cr_assert(exists(dir, "cow/majors2016.csv"));
    cr_assert(strstr(r.out, "2 files: 1 fetched, 0 already good, 1 failed"), "%s", r.out);
    cr_assert_eq(hidden_entries(dir), 0);
    run_free(&r);
    server_stop(&s);
    rm_temp_dir(dir);
}

/* A forced fetch that fails leaves the good copy already there alone. */
Test(fetch, failed_forced_fetch_keeps_the_old_file)
{
    char *dir = make_temp_dir();
    fetch_local(dir, "cow/majors2016.csv", NULL);
    server s = {.corrupt = "cow/majors2016.csv"};
    server_start(&s);
    run_result r = run_casus("data", "fetch", "--force", "--from", s.base, "--data", dir, "cow/majors2016.csv", NULL);
    cr_assert_eq(r.status, 2);
    cr_assert(same_as_test_data(dir, "cow/majors2016.csv"));
    cr_assert_eq(hidden_entries(dir), 0);
    run_free(&r);
    server_stop(&s);
    rm_temp_dir(dir);
}

Test(fetch, not_found_is_an_error)
{
    server s = {.missing = "cow/majors2016.csv"};
    server_start(&s);
    expect_fetch_fails(s.base, "cow/majors2016.csv", 1, "cow/majors2016.csv: HTTP status 404 from http://127.0.0.1:");
    server_stop(&s);
}

Test(fetch, truncated_downloads_are_errors)
{
    server s = {.cut = "cow/contdir.csv", .half = "cow/states2016.csv"};
    server_start(&s);
    /* The connection drops before the announced length: a transfer error. */
    expect_fetch_fails(s.base, "cow/contdir.csv", 1, "cow/contdir.csv: ");
    /* No length announced and a clean end after half: the size is wrong. */
    expect_fetch_fails(s.base, "cow/states2016.csv", 2, "gave 5422 bytes, expected 10845");
    server_stop(&s);
}

Test(fetch, longer_than_expected_is_refused)
{
    server s = {.longer = "cow/majors2016.csv"};
    server_start(&s);
    expect_fetch_fails(s.base, "cow/majors2016.csv", 2, "more than the 539 bytes expected");
    server_stop(&s);
}

Test(fetch, redirects_are_followed)
{
    server s = {0};
    server_start(&s);
    char *dir = make_temp_dir();
    char from[128];
    snprintf(from, sizeof from, "%s/redir/", s.base);
    run_result r = run_casus("data", "fetch", "--from", from, "--data", dir, "cow/majors2016.csv", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(same_as_test_data(dir, "cow/majors2016.csv"));
    run_free(&r);
    server_stop(&s);
    rm_temp_dir(dir);
}

Test(fetch, connection_refused_is_a_network_error)
{
    server s = {0};
    server_start(&s);
    char base[64];
    snprintf(base, sizeof base, "%s", s.base);
    server_stop(&s); /* nobody listens on that port any more */
    expect_fetch_fails(base, "cow/majors2016.csv", 1, "cow/majors2016.csv: cannot fetch http://127.0.0.1:");
}

Test(fetch, from_a_local_directory)
{
    char *dir = make_temp_dir();
    run_result r = run_casus("data", "fetch", "--from", test_data_dir(), "--data", dir, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.out, "14 fetched"));
    run_free(&r);
    /* A mirror without the file: bad input. */
    char *empty = make_temp_dir();
    r = run_casus("data", "fetch", "--force", "--from", empty, "--data", dir, "cow/majors2016.csv", NULL);
    cr_assert_eq(r.status, 2, "%s", r.err);
    cr_assert(strstr(r.err, "cow/majors2016.csv: cannot open "), "%s", r.err);
    cr_assert(same_as_test_data(dir, "cow/majors2016.csv"));
    cr_assert_eq(hidden_entries(dir), 0);
    run_free(&r);
    rm_temp_dir(empty);
    rm_temp_dir(dir);
}

/* Builds a zip in memory; returns its size. */
static size_t make_zip(char *buf, size_t cap, int n, const char *const *names, const char *const *data,
                       const size_t *lens)
{
    struct archive *a = archive_write_new();
    cr_assert_eq(archive_write_set_format_zip(a), ARCHIVE_OK);
    size_t used = 0;
    cr_assert_eq(archive_write_open_memory(a, buf, cap, &used), ARCHIVE_OK);
    for (int i = 0; i < n; i++) {
        struct archive_entry *e = archive_entry_new();
        archive_entry_set_pathname(e, names[i]);
        archive_entry_set_size(e, (la_int64_t)lens[i]);
        archive_entry_set_filetype(e, AE_IFREG);
        archive_entry_set_perm(e, 0644);
        cr_assert_eq(archive_write_header(a, e), ARCHIVE_OK);
        cr_assert_eq(archive_write_data(a, data[i], lens[i]), (la_ssize_t)lens[i]);
        archive_entry_free(e);
    }
    cr_assert_eq(archive_write_close(a), ARCHIVE_OK);
    archive_write_free(a);
    return used;
}

/* The official path: archives downloaded once, members (nested too)
 * extracted, bare files taken as they are.  The addresses are the test
 * server's, through a manifest written here. */
Test(fetch, archive_members_with_a_manifest)
{
    size_t lstates, lmajors;
    char *states = slurp_test_data("cow/states2016.csv", &lstates);
    char *majors = slurp_test_data("cow/majors2016.csv", &lmajors);
    static char inner[1 << 16], outer[1 << 17];
    const char *in_names[] = {"majors2016.csv"};
    const char *in_data[] = {majors};
    size_t inner_len = make_zip(inner, sizeof inner, 1, in_names, in_data, &lmajors);
    const char *out_names[] = {"readme.txt", "Dir With Spaces/states2016.csv", "inner.zip"};
    const char *out_data[] = {"hello", states, inner};
    size_t out_lens[] = {5, lstates, inner_len};
    size_t outer_len = make_zip(outer, sizeof outer, 3, out_names, out_data, out_lens);

    server s = {.extra_name = "pkg.zip", .extra_data = outer, .extra_len = outer_len};
    server_start(&s);
    char *dir = make_temp_dir();
    char manifest[4096], text[4096];
    snprintf(manifest, sizeof manifest, "%s/manifest.csv", dir);
    snprintf(text, sizeof text,
             "file,sha256,bytes,url,member,citation\n"
             "cow/states2016.csv,3d78d333ea75a7791bf5772b203d2ab96b27e70ed52825f5293c474195f47888,10845,%s/pkg.zip,"
             "Dir With Spaces/states2016.csv,COW\n"
             "cow/majors2016.csv,6ba42de12f2f63401ff5a61e6d0037d17b5dd03ed9aca07d0bc16660e03694eb,539,%s/pkg.zip,"
             "inner.zip!majors2016.csv,COW\n"
             "cow/contdir.csv,62f3714d1a75c940887bf15b40b256aeeb41545734ab13abe96ab3f49a980362,89528,"
             "%s/cow/contdir.csv,,COW\n",
             s.base, s.base, s.base);
    cr_assert_eq(spit(manifest, text, strlen(text)), 0);
    char data[4096];
    snprintf(data, sizeof data, "%s/data", dir);
    run_result r = run_casus("data", "fetch", "--manifest", manifest, "--data", data, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.out, "[Dir With Spaces/states2016.csv]"), "%s", r.out);
    cr_assert(same_as_test_data(data, "cow/states2016.csv"));
    cr_assert(same_as_test_data(data, "cow/majors2016.csv"));
    cr_assert(same_as_test_data(data, "cow/contdir.csv"));
    cr_assert_eq(__atomic_load_n(&s.extra_requests, __ATOMIC_SEQ_CST), 1, "the archive was downloaded more than once");
    cr_assert_eq(hidden_entries(data), 0);
    run_free(&r);

    /* A member the archive does not have: bad input, nothing written. */
    snprintf(text, sizeof text,
             "file,sha256,bytes,url,member,citation\n"
             "cow/states2016.csv,3d78d333ea75a7791bf5772b203d2ab96b27e70ed52825f5293c474195f47888,10845,%s/pkg.zip,"
             "states2016.csv,COW\n",
             s.base);
    cr_assert_eq(spit(manifest, text, strlen(text)), 0);
    r = run_casus("data", "fetch", "--force", "--manifest", manifest, "--data", data, NULL);
    cr_assert_eq(r.status, 2, "%s", r.err);
    cr_assert(strstr(r.err, "pkg.zip has no member 'states2016.csv'"), "%s", r.err);
    cr_assert(same_as_test_data(data, "cow/states2016.csv"));
    cr_assert_eq(hidden_entries(data), 0);
    run_free(&r);

    /* Something that is not a zip at the archive's address. */
    snprintf(text, sizeof text,
             "file,sha256,bytes,url,member,citation\n"
             "cow/states2016.csv,3d78d333ea75a7791bf5772b203d2ab96b27e70ed52825f5293c474195f47888,10845,"
             "%s/cow/majors2016.csv,states2016.csv,COW\n",
             s.base);
    cr_assert_eq(spit(manifest, text, strlen(text)), 0);
    r = run_casus("data", "fetch", "--force", "--manifest", manifest, "--data", data, NULL);
    cr_assert_eq(r.status, 2, "%s", r.err);
    cr_assert_eq(hidden_entries(data), 0);
    run_free(&r);
    server_stop(&s);
    rm_temp_dir(dir);
    free(states);
    free(majors);
}

Test(fetch, verify_finds_changed_and_missing_files)
{
    char *dir = make_temp_dir();
    fetch_local(dir, "cow/majors2016.csv", "cow/states2016.csv");
    char path[4096];
    snprintf(path, sizeof path, "%s/cow/majors2016.csv", dir);
    cr_assert_eq(spit(path, "changed\n", 8), 0);
    run_result r = run_casus("data", "verify", "--data", dir, "cow/majors2016.csv", "cow/states2016.csv", "cow/contdir.csv", NULL);
    cr_assert_eq(r.status, 2);
    cr_assert(strstr(r.err, "cow/majors2016.csv: checksum mismatch"), "%s", r.err);
    cr_assert(strstr(r.err, "cow/contdir.csv: missing from"), "%s", r.err);
    cr_assert(strstr(r.out, "3 files: 1 good, 2 missing or different"), "%s", r.out);
    run_free(&r);
    /* fetch repairs what verify found. */
    r = run_casus("data", "fetch", "--from", test_data_dir(), "--data", dir, "cow/majors2016.csv", NULL);
    cr_assert_eq(r.status, 0);
    cr_assert(strstr(r.out, "fetched  cow/majors2016.csv"));
    cr_assert(same_as_test_data(dir, "cow/majors2016.csv"));
    run_free(&r);
    rm_temp_dir(dir);
}

Test(fetch, data_dir_from_the_environment)
{
    char *dir = make_temp_dir();
    char xdg[4096];
    snprintf(xdg, sizeof xdg, "%s/xdg", dir);
    unsetenv("CASUS_DATA");
    setenv("XDG_DATA_HOME", xdg, 1);
    run_result r = run_casus("data", "fetch", "--from", test_data_dir(), "cow/majors2016.csv", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(exists(xdg, "casus/cow/majors2016.csv"));
    run_free(&r);
    setenv("CASUS_DATA", dir, 1);
    r = run_casus("data", "fetch", "--from", test_data_dir(), "cow/majors2016.csv", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(exists(dir, "cow/majors2016.csv"));
    run_free(&r);
    rm_temp_dir(dir);
}

Test(fetch, command_misuse)
{
    expect_casus_exit(2, "data", NULL);
    expect_casus_exit(2, "data", "pull", NULL);
    run_result r = run_casus("data", "fetch", "--from", "ftp://example.org/x", "--data", "/tmp/casus-never", NULL);
    cr_assert_eq(r.status, 2);
    cr_assert(strstr(r.err, "only http and https"), "%s", r.err);
    run_free(&r);
    expect_casus_exit(2, "data", "fetch", "--from", "/nonexistent-mirror", "--data", "/tmp/casus-never", NULL);
    r = run_casus("data", "fetch", "--data", "/tmp/casus-never", "cow/nothing.csv", NULL);
    cr_assert_eq(r.status, 2);
    cr_assert(strstr(r.err, "'cow/nothing.csv' is not a file of the manifest"), "%s", r.err);
    run_free(&r);
    expect_casus_exit(2, "data", "verify", "--force", NULL);
    expect_casus_exit(1, "data", "fetch", "--manifest", "/nonexistent/m.csv", NULL);
    r = run_casus("data", "--help", NULL);
    cr_assert_eq(r.status, 0);
    cr_assert(strstr(r.out, "Usage: casus data fetch"));
    run_free(&r);
    r = run_casus("data", "list", NULL);
    cr_assert_eq(r.status, 0);
    cr_assert(strstr(r.out, "atop/atop5_1a.csv\n  183543 bytes"), "%s", r.out);
    cr_assert(strstr(r.out, "[member ATOP 5.1 (.csv)/atop5_1a.csv]"));
    run_free(&r);
}

Test(fetch, library_options)
{
    casus_fetcher *f = (casus_fetcher *)1;
    casus_error err;
    casus_fetch_opts o = {.data_dir = NULL};
    cr_assert_eq(casus_fetcher_create(&o, &f, &err), CASUS_INVALID);
    cr_assert_null(f);
    char *dir = make_temp_dir();
    o.data_dir = dir;
    o.from = "file:///etc";
    cr_assert_eq(casus_fetcher_create(&o, &f, &err), CASUS_INVALID);
    o.from = "http:///nohost";
    cr_assert_eq(casus_fetcher_create(&o, &f, &err), CASUS_INVALID);
    o.from = "https://mirror.example.org/casus/";
    cr_assert_eq(casus_fetcher_create(&o, &f, &err), CASUS_OK);
    casus_manifest *m = project_manifest();
    char src[512];
    casus_fetcher_source(f, casus_manifest_find(m, "cow/contdir.csv"), src, sizeof src);
    cr_assert_str_eq(src, "https://mirror.example.org/casus/cow/contdir.csv");
    casus_fetcher_free(f);
    o.from = NULL;
    cr_assert_eq(casus_fetcher_create(&o, &f, &err), CASUS_OK);
    casus_fetcher_source(f, casus_manifest_find(m, "cow/contdir.csv"), src, sizeof src);
    cr_assert_str_eq(src, "https://correlatesofwar.org/wp-content/uploads/DirectContiguity320.zip "
                          "[DirectContiguity320/contdir.csv]");
    casus_fetcher_free(f);
    casus_fetcher_free(NULL);
    casus_manifest_free(m);
    rm_temp_dir(dir);
}
