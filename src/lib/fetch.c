/* The dataset manifest, and fetching files into a data directory: libcurl
 * for HTTP(S), libarchive for zip members, nettle for SHA-256.  A file is
 * written to a temporary name beside its target, checked, then renamed, so
 * the data directory only ever holds verified files (and, after a crash,
 * hidden ".NAME.part-XXXXXX" leftovers that the next run ignores). */
#include <archive.h>
#include <archive_entry.h>
#include <ctype.h>
/* The calls below go through pointers resolved at run time (see "Opening
 * libcurl and libarchive"), which curl's type-checking macros cannot wrap. */
#define CURL_DISABLE_TYPECHECK
#include <curl/curl.h>
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <nettle/sha2.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "casus/fetch.h"
#include "csvread.h"
#include "text.h"

#define MAX_PATH_TEXT 255   /* a manifest path */
#define MAX_URL_TEXT 2000
#define MAX_CITATION 2000
#define MAX_NESTING 4       /* archives inside archives */

static const casus_mem default_mem = {casus__default_alloc, NULL};

/* ------------------------------------------------------------------ */
/* Opening libcurl and libarchive                                      */

/* libcurl and libarchive are opened when a fetch first needs them rather
 * than linked: with what they pull in (TLS, Kerberos, LDAP, ICU, ...) they
 * are some forty shared libraries, and loading them cost every casus
 * command and every program linking libcasus about 12 ms at start-up,
 * though only fetching uses them.  The sonames are those of the Debian
 * packages the build uses (libcurl4, libarchive13). */
static struct {
    pthread_once_t once;
    bool ok;
    char error[256];
    CURLcode (*curl_global_init)(long);
    void (*curl_global_cleanup)(void);
    CURL *(*curl_easy_init)(void);
    CURLcode (*curl_easy_setopt)(CURL *, CURLoption, ...);
    CURLcode (*curl_easy_perform)(CURL *);
    CURLcode (*curl_easy_getinfo)(CURL *, CURLINFO, ...);
    void (*curl_easy_cleanup)(CURL *);
    const char *(*curl_easy_strerror)(CURLcode);
    struct archive *(*archive_read_new)(void);
    int (*archive_read_support_format_zip)(struct archive *);
    int (*archive_read_open_filename)(struct archive *, const char *, size_t);
    int (*archive_read_next_header)(struct archive *, struct archive_entry **);
    la_ssize_t (*archive_read_data)(struct archive *, void *, size_t);
    int (*archive_read_free)(struct archive *);
    const char *(*archive_error_string)(struct archive *);
    const char *(*archive_entry_pathname)(struct archive_entry *);
    __LA_MODE_T (*archive_entry_filetype)(struct archive_entry *);
} libs = {.once = PTHREAD_ONCE_INIT};

/* Resolves name in lib into *slot (a function pointer's storage). */
static bool resolve(void *lib, const char *name, void *slot)
{
    void *p = lib ? dlsym(lib, name) : NULL;
    if (!p) {
        if (!libs.error[0])
            snprintf(libs.error, sizeof libs.error, "%s", lib ? dlerror() : "library not opened");
        return false;
    }
    memcpy(slot, &p, sizeof p);
    return true;
}

#define RESOLVE(lib, name) (resolve((lib), #name, &libs.name))

static void open_libs(void)
{
    void *curl = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
    if (!curl)
        snprintf(libs.error, sizeof libs.error, "%s", dlerror());
    void *archive = curl ? dlopen("libarchive.so.13", RTLD_NOW | RTLD_LOCAL) : NULL;
    if (curl && !archive)
        snprintf(libs.error, sizeof libs.error, "%s", dlerror());
    libs.ok = RESOLVE(curl, curl_global_init) & RESOLVE(curl, curl_global_cleanup) & RESOLVE(curl, curl_easy_init) &
              RESOLVE(curl, curl_easy_setopt) & RESOLVE(curl, curl_easy_perform) & RESOLVE(curl, curl_easy_getinfo) &
              RESOLVE(curl, curl_easy_cleanup) & RESOLVE(curl, curl_easy_strerror) &
              RESOLVE(archive, archive_read_new) & RESOLVE(archive, archive_read_support_format_zip) &
              RESOLVE(archive, archive_read_open_filename) & RESOLVE(archive, archive_read_next_header) &
              RESOLVE(archive, archive_read_data) & RESOLVE(archive, archive_read_free) &
              RESOLVE(archive, archive_error_string) & RESOLVE(archive, archive_entry_pathname) &
              RESOLVE(archive, archive_entry_filetype);
}

/* Opens both libraries once (thread-safe); CASUS_NETWORK when they cannot be. */
static casus_status need_libs(casus_error *err)
{
    pthread_once(&libs.once, open_libs);
    if (!libs.ok)
        return casus_error_set(err, CASUS_NETWORK, NULL, 0, 0, "cannot open libcurl and libarchive: %s", libs.error);
    return CASUS_OK;
}

/* From here on the calls go through the pointers. */
#define curl_global_init (*libs.curl_global_init)
#define curl_global_cleanup (*libs.curl_global_cleanup)
#define curl_easy_init (*libs.curl_easy_init)
#undef curl_easy_setopt
#define curl_easy_setopt (*libs.curl_easy_setopt)
#define curl_easy_perform (*libs.curl_easy_perform)
#undef curl_easy_getinfo
#define curl_easy_getinfo (*libs.curl_easy_getinfo)
#define curl_easy_cleanup (*libs.curl_easy_cleanup)
#define curl_easy_strerror (*libs.curl_easy_strerror)
#define archive_read_new (*libs.archive_read_new)
#define archive_read_support_format_zip (*libs.archive_read_support_format_zip)
#define archive_read_open_filename (*libs.archive_read_open_filename)
#define archive_read_next_header (*libs.archive_read_next_header)
#define archive_read_data (*libs.archive_read_data)
#define archive_read_free (*libs.archive_read_free)
#define archive_error_string (*libs.archive_error_string)
#define archive_entry_pathname (*libs.archive_entry_pathname)
#define archive_entry_filetype (*libs.archive_entry_filetype)

/* ------------------------------------------------------------------ */
/* The manifest                                                        */

struct casus_manifest {
    casus_arena arena;
    casus_vec files; /* casus_dataset_file */
};

typedef struct manifest_ctx {
    casus_manifest *m;
    const char *name;
    bool header_seen;
} manifest_ctx;

static const char *const manifest_columns[] = {"file", "sha256", "bytes", "url", "member", "citation"};
enum { M_FILE, M_SHA, M_BYTES, M_URL, M_MEMBER, M_CITATION, M_COLUMNS };

/* A path under the data directory: relative, plain characters, no "." or
 * ".." components, no hidden names (which are the fetcher's temporary
 * files), so a manifest can never write outside the directory. */
static bool safe_relative_path(const char *s, size_t n)
{
    if (n == 0 || n > MAX_PATH_TEXT || s[0] == '/' || s[n - 1] == '/')
        return false;
    bool at_start = true;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (at_start && (c == '.' || c == '/'))
            return false;
        if (!(isalnum(c) || c == '.' || c == '_' || c == '-' || c == '/'))
            return false;
        at_start = c == '/';
    }
    return true;
}

static bool printable(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            return false;
    return true;
}

static bool http_url(const char *s, size_t n)
{
    if (n > MAX_URL_TEXT)
        return false;
    size_t skip;
    if (n > 7 && casus__ieqn(s, "http://", 7))
        skip = 7;
    else if (n > 8 && casus__ieqn(s, "https://", 8))
        skip = 8;
    else
        return false;
    for (size_t i = skip; i < n; i++)
        if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f)
            return false;
    return s[skip] != '/';
}

/* An archive member: "dir/name.csv", or "inner.zip!dir/name.csv" for a
 * member of an archive that is itself a member. */
static bool member_ok(const char *s, size_t n)
{
    if (n == 0)
        return true;
    if (!printable(s, n) || n > MAX_PATH_TEXT)
        return false;
    int parts = 1;
    for (size_t i = 0; i < n; i++) {
        bool start = i == 0 || s[i - 1] == '!';
        if (start && (s[i] == '/' || s[i] == '!'))
            return false;
        if (s[i] == '!')
            parts++;
    }
    return s[n - 1] != '!' && parts <= MAX_NESTING;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static void to_hex(const uint8_t sha[32], char hex[65])
{
    static const char digits[] = "0123456789abcdef";
    for (int i = 0; i < 32; i++) {
        hex[2 * i] = digits[sha[i] >> 4];
        hex[2 * i + 1] = digits[sha[i] & 15];
    }
    hex[64] = '\0';
}

static casus_status manifest_row(void *ud, const casus_csv_row *row, casus_error *err)
{
    manifest_ctx *c = ud;
    if (!c->header_seen) {
        if (row->n != M_COLUMNS)
            return casus__csv_error(err, CASUS_PARSE, c->name, row, 0, "expected %d columns in the header, found %zu",
                                    M_COLUMNS, row->n);
        for (size_t i = 0; i < row->n; i++)
            if (strcmp(row->fields[i], manifest_columns[i]) != 0)
                return casus__csv_error(err, CASUS_PARSE, c->name, row, i, "expected column '%s', found '%s'",
                                        manifest_columns[i], row->fields[i]);
        c->header_seen = true;
        return CASUS_OK;
    }
    if (row->n != M_COLUMNS)
        return casus__csv_error(err, CASUS_PARSE, c->name, row, row->n < M_COLUMNS ? row->n : M_COLUMNS,
                                "expected %d fields, found %zu", M_COLUMNS, row->n);
    if (c->m->files.len >= CASUS_MAX_MANIFEST_ENTRIES)
        return casus__csv_error(err, CASUS_TOOBIG, c->name, row, 0, "more than %d entries",
                                CASUS_MAX_MANIFEST_ENTRIES);
    casus_dataset_file f;
    memset(&f, 0, sizeof f);
    f.line = row->line;
    if (!safe_relative_path(row->fields[M_FILE], row->lens[M_FILE]))
        return casus__csv_error(err, CASUS_PARSE, c->name, row, M_FILE,
                                "'%s' is not a plain relative path (letters, digits, '.', '_', '-', '/'; no "
                                "hidden or '..' components)",
                                row->fields[M_FILE]);
    if (casus_manifest_find(c->m, row->fields[M_FILE]))
        return casus__csv_error(err, CASUS_PARSE, c->name, row, M_FILE, "'%s' is listed twice", row->fields[M_FILE]);
    if (row->lens[M_SHA] != 64)
        return casus__csv_error(err, CASUS_PARSE, c->name, row, M_SHA, "a SHA-256 has 64 hex digits, not %zu",
                                row->lens[M_SHA]);
    for (int i = 0; i < 32; i++) {
        int hi = hexval(row->fields[M_SHA][2 * i]), lo = hexval(row->fields[M_SHA][2 * i + 1]);
        if (hi < 0 || lo < 0)
            return casus__csv_error(err, CASUS_PARSE, c->name, row, M_SHA, "'%s' is not hexadecimal",
                                    row->fields[M_SHA]);
        f.sha256[i] = (uint8_t)(hi << 4 | lo);
    }
    to_hex(f.sha256, f.sha256_hex);
    uint64_t bytes = 0;
    const char *b = row->fields[M_BYTES];
    if (row->lens[M_BYTES] == 0 || row->lens[M_BYTES] > 12)
        return casus__csv_error(err, CASUS_PARSE, c->name, row, M_BYTES, "'%s' is not a size in bytes", b);
    for (size_t i = 0; i < row->lens[M_BYTES]; i++) {
        if (b[i] < '0' || b[i] > '9')
            return casus__csv_error(err, CASUS_PARSE, c->name, row, M_BYTES, "'%s' is not a size in bytes", b);
        bytes = bytes * 10 + (uint64_t)(b[i] - '0');
    }
    if (bytes == 0 || bytes > CASUS_MAX_DATASET_BYTES)
        return casus__csv_error(err, CASUS_RANGE, c->name, row, M_BYTES, "size %s is outside 1-%llu", b,
                                (unsigned long long)CASUS_MAX_DATASET_BYTES);
    f.bytes = bytes;
    if (!http_url(row->fields[M_URL], row->lens[M_URL]))
        return casus__csv_error(err, CASUS_PARSE, c->name, row, M_URL, "'%s' is not an http or https address",
                                row->fields[M_URL]);
    if (!member_ok(row->fields[M_MEMBER], row->lens[M_MEMBER]))
        return casus__csv_error(err, CASUS_PARSE, c->name, row, M_MEMBER,
                                "'%s' is not an archive member path (PATH or OUTER!INNER, at most %d levels)",
                                row->fields[M_MEMBER], MAX_NESTING);
    if (!printable(row->fields[M_CITATION], row->lens[M_CITATION]) || row->lens[M_CITATION] > MAX_CITATION)
        return casus__csv_error(err, CASUS_PARSE, c->name, row, M_CITATION,
                                "the citation has control characters or is longer than %d bytes", MAX_CITATION);
    casus_arena *a = &c->m->arena;
    f.file = casus__arena_strndup(a, row->fields[M_FILE], row->lens[M_FILE]);
    f.url = casus__arena_strndup(a, row->fields[M_URL], row->lens[M_URL]);
    f.member = casus__arena_strndup(a, row->fields[M_MEMBER], row->lens[M_MEMBER]);
    f.citation = casus__arena_strndup(a, row->fields[M_CITATION], row->lens[M_CITATION]);
    casus_dataset_file *slot = casus__vec_push(&c->m->files, &default_mem);
    if (!f.file || !f.url || !f.member || !f.citation || !slot)
        return casus_error_set(err, CASUS_NOMEM, c->name, row->line, 0, "out of memory");
    *slot = f;
    return CASUS_OK;
}

casus_status casus_manifest_parse(const char *name, const char *text, size_t len, casus_manifest **out,
                                  casus_error *err)
{
    *out = NULL;
    if (len > CASUS_MAX_MANIFEST_FILE)
        return casus_error_set(err, CASUS_TOOBIG, name, 0, 0, "larger than %u bytes", CASUS_MAX_MANIFEST_FILE);
    casus_manifest *m = calloc(1, sizeof *m);
    if (!m)
        return casus_error_set(err, CASUS_NOMEM, name, 0, 0, "out of memory");
    casus__arena_init(&m->arena, &default_mem);
    casus__vec_init(&m->files, sizeof(casus_dataset_file));
    manifest_ctx c = {.m = m, .name = name};
    casus_status st = casus__csv_parse(&default_mem, name, text, len, manifest_row, &c, err);
    if (st == CASUS_OK && m->files.len == 0)
        st = casus_error_set(err, CASUS_PARSE, name, 0, 0, "no entries: expected a header (%s,...) and one line a file",
                             manifest_columns[0]);
    if (st != CASUS_OK) {
        casus_manifest_free(m);
        return st;
    }
    *out = m;
    return CASUS_OK;
}

casus_status casus_manifest_load(const char *path, casus_manifest **out, casus_error *err)
{
    char *data = NULL;
    size_t len = 0;
    *out = NULL;
    casus_status st = casus__read_file(&default_mem, path, CASUS_MAX_MANIFEST_FILE, &data, &len, err);
    if (st != CASUS_OK)
        return st;
    st = casus_manifest_parse(path, data, len, out, err);
    casus__mem_free(&default_mem, data, 0);
    return st;
}

void casus_manifest_free(casus_manifest *m)
{
    if (!m)
        return;
    casus__vec_free(&m->files, &default_mem);
    casus__arena_free(&m->arena);
    free(m);
}

size_t casus_manifest_count(const casus_manifest *m) { return m ? m->files.len : 0; }

const casus_dataset_file *casus_manifest_at(const casus_manifest *m, size_t i)
{
    return m && i < m->files.len ? &CASUS_VEC_AT(&m->files, casus_dataset_file, i) : NULL;
}

const casus_dataset_file *casus_manifest_find(const casus_manifest *m, const char *file)
{
    for (size_t i = 0; m && i < m->files.len; i++)
        if (strcmp(CASUS_VEC_AT(&m->files, casus_dataset_file, i).file, file) == 0)
            return &CASUS_VEC_AT(&m->files, casus_dataset_file, i);
    return NULL;
}

/* ------------------------------------------------------------------ */
/* Checksums                                                           */

casus_status casus_sha256_file(const char *path, uint8_t sha[32], uint64_t *bytes, casus_error *err)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return casus_error_set(err, errno == ENOENT ? CASUS_NOTFOUND : CASUS_IO, path, 0, 0, "cannot open: %s",
                               strerror(errno));
    struct sha256_ctx ctx;
    sha256_init(&ctx);
    unsigned char buf[65536];
    uint64_t n = 0;
    size_t got;
    while ((got = fread(buf, 1, sizeof buf, fp)) > 0) {
        sha256_update(&ctx, got, buf);
        n += got;
    }
    bool bad = ferror(fp);
    fclose(fp);
    if (bad)
        return casus_error_set(err, CASUS_IO, path, 0, 0, "read error");
    sha256_digest(&ctx, SHA256_DIGEST_SIZE, sha);
    *bytes = n;
    return CASUS_OK;
}

casus_status casus_dataset_verify(const char *data_dir, const casus_dataset_file *file, casus_error *err)
{
    char path[4096];
    if (snprintf(path, sizeof path, "%s/%s", data_dir, file->file) >= (int)sizeof path)
        return casus_error_set(err, CASUS_INVALID, file->file, 0, 0, "data directory path too long");
    uint8_t sha[32];
    uint64_t bytes;
    casus_status st = casus_sha256_file(path, sha, &bytes, err);
    if (st == CASUS_NOTFOUND)
        return casus_error_set(err, st, file->file, 0, 0, "missing from %s", data_dir);
    if (st != CASUS_OK)
        return st;
    if (bytes != file->bytes || memcmp(sha, file->sha256, 32) != 0) {
        char hex[65];
        to_hex(sha, hex);
        return casus_error_set(err, CASUS_CHECKSUM, file->file, 0, 0,
                               "checksum mismatch in %s: %llu bytes with SHA-256 %s, expected %llu bytes with %s",
                               data_dir, (unsigned long long)bytes, hex, (unsigned long long)file->bytes,
                               file->sha256_hex);
    }
    return CASUS_OK;
}

/* ------------------------------------------------------------------ */
/* The fetcher                                                         */

typedef enum source_mode { FROM_OFFICIAL, FROM_URL, FROM_DIR } source_mode;

typedef struct cached_archive {
    char *url;
    char *path; /* in the scratch directory */
} cached_archive;

struct casus_fetcher {
    char *data_dir;
    char *from;       /* without trailing slashes */
    source_mode mode;
    casus_fetch_opts opts;
    char *scratch;    /* created on first use */
    unsigned scratch_seq;
    cached_archive *cache;
    size_t n_cache;
    char **scratch_files;
    size_t n_scratch_files;
};

/* Bytes on their way to a file, counted and hashed, with a cap so that a
 * server (or a zip bomb) cannot fill the disk. */
typedef struct sink {
    FILE *fp;
    struct sha256_ctx sha;
    uint64_t n;
    uint64_t cap;
    bool over;
    bool io_error;
} sink;

static void sink_init(sink *s, FILE *fp, uint64_t cap)
{
    memset(s, 0, sizeof *s);
    s->fp = fp;
    s->cap = cap;
    sha256_init(&s->sha);
}

static bool sink_write(sink *s, const void *data, size_t n)
{
    if (n > s->cap - s->n) {
        s->over = true;
        return false;
    }
    if (fwrite(data, 1, n, s->fp) != n) {
        s->io_error = true;
        return false;
    }
    sha256_update(&s->sha, n, data);
    s->n += n;
    return true;
}

static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p)
        memcpy(p, s, n);
    return p;
}

/* mkdir -p for path (a directory). */
static casus_status make_dirs(const char *path, casus_error *err)
{
    char buf[4096];
    size_t n = strlen(path);
    if (n == 0 || n >= sizeof buf)
        return casus_error_set(err, CASUS_INVALID, path, 0, 0, "bad directory path");
    memcpy(buf, path, n + 1);
    for (size_t i = 1; i <= n; i++) {
        if (buf[i] != '/' && buf[i] != '\0')
            continue;
        char saved = buf[i];
        buf[i] = '\0';
        if (mkdir(buf, 0777) != 0 && errno != EEXIST)
            return casus_error_set(err, CASUS_IO, buf, 0, 0, "cannot create the directory: %s", strerror(errno));
        buf[i] = saved;
    }
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
        return casus_error_set(err, CASUS_IO, path, 0, 0, "not a directory");
    return CASUS_OK;
}

/* Whether s starts with "scheme://" (RFC 3986 section 3.1). */
static bool has_scheme(const char *s)
{
    if (!isalpha((unsigned char)s[0]))
        return false;
    size_t i = 1;
    while (isalnum((unsigned char)s[i]) || s[i] == '+' || s[i] == '-' || s[i] == '.')
        i++;
    return strncmp(s + i, "://", 3) == 0;
}

static void strip_slashes(char *s)
{
    size_t n = strlen(s);
    while (n > 1 && s[n - 1] == '/')
        s[--n] = '\0';
}

casus_status casus_fetcher_create(const casus_fetch_opts *opts, casus_fetcher **out, casus_error *err)
{
    *out = NULL;
    if (!opts || !opts->data_dir || !opts->data_dir[0])
        return casus_error_set(err, CASUS_INVALID, NULL, 0, 0, "no data directory given");
    source_mode mode = FROM_OFFICIAL;
    if (opts->from) {
        if (casus__ieqn(opts->from, "http://", 7) || casus__ieqn(opts->from, "https://", 8)) {
            if (!http_url(opts->from, strlen(opts->from)))
                return casus_error_set(err, CASUS_INVALID, NULL, 0, 0, "'%s' is not a usable address", opts->from);
            mode = FROM_URL;
        } else if (has_scheme(opts->from)) {
            return casus_error_set(err, CASUS_INVALID, NULL, 0, 0, "'%s': only http and https addresses are fetched",
                                   opts->from);
        } else {
            struct stat st;
            if (stat(opts->from, &st) != 0 || !S_ISDIR(st.st_mode))
                return casus_error_set(err, CASUS_NOTFOUND, opts->from, 0, 0, "no such directory to fetch from");
            mode = FROM_DIR;
        }
    }
    casus_status s = make_dirs(opts->data_dir, err);
    if (s != CASUS_OK)
        return s;
    casus_fetcher *f = calloc(1, sizeof *f);
    if (!f)
        return casus_error_set(err, CASUS_NOMEM, NULL, 0, 0, "out of memory");
    f->opts = *opts;
    f->mode = mode;
    f->data_dir = dup_str(opts->data_dir);
    f->from = opts->from ? dup_str(opts->from) : NULL;
    if (!f->data_dir || (opts->from && !f->from)) {
        casus_fetcher_free(f);
        return casus_error_set(err, CASUS_NOMEM, NULL, 0, 0, "out of memory");
    }
    strip_slashes(f->data_dir);
    if (f->from)
        strip_slashes(f->from);
    f->opts.data_dir = f->data_dir;
    f->opts.from = f->from;
    casus_status opened = mode != FROM_DIR ? need_libs(err) : CASUS_OK;
    if (mode != FROM_DIR && (opened != CASUS_OK || curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)) {
        f->mode = FROM_DIR; /* so that free does not clean up what was not set up */
        casus_fetcher_free(f);
        return opened != CASUS_OK ? opened : casus_error_set(err, CASUS_NETWORK, NULL, 0, 0, "cannot initialise libcurl");
    }
    *out = f;
    return CASUS_OK;
}

void casus_fetcher_free(casus_fetcher *f)
{
    if (!f)
        return;
    for (size_t i = 0; i < f->n_cache; i++) {
        unlink(f->cache[i].path);
        free(f->cache[i].path);
        free(f->cache[i].url);
    }
    free(f->cache);
    for (size_t i = 0; i < f->n_scratch_files; i++) {
        unlink(f->scratch_files[i]);
        free(f->scratch_files[i]);
    }
    free(f->scratch_files);
    if (f->scratch) {
        rmdir(f->scratch);
        free(f->scratch);
    }
    if (f->mode != FROM_DIR)
        curl_global_cleanup();
    free(f->data_dir);
    free(f->from);
    free(f);
}

void casus_fetcher_source(const casus_fetcher *f, const casus_dataset_file *file, char *buf, size_t size)
{
    if (f->mode != FROM_OFFICIAL)
        snprintf(buf, size, "%s/%s", f->from, file->file);
    else if (file->member[0])
        snprintf(buf, size, "%s [%s]", file->url, file->member);
    else
        snprintf(buf, size, "%s", file->url);
}

/* A new file name in the scratch directory (created on first use, hidden
 * inside the data directory so that it is on the same file system). */
static casus_status scratch_path(casus_fetcher *f, char **out, casus_error *err)
{
    if (!f->scratch) {
        char tmpl[4096];
        if (snprintf(tmpl, sizeof tmpl, "%s/.casus-fetch-XXXXXX", f->data_dir) >= (int)sizeof tmpl)
            return casus_error_set(err, CASUS_INVALID, f->data_dir, 0, 0, "path too long");
        if (!mkdtemp(tmpl))
            return casus_error_set(err, CASUS_IO, f->data_dir, 0, 0, "cannot create a scratch directory: %s",
                                   strerror(errno));
        f->scratch = dup_str(tmpl);
        if (!f->scratch) {
            rmdir(tmpl);
            return casus_error_set(err, CASUS_NOMEM, NULL, 0, 0, "out of memory");
        }
    }
    char path[4200];
    snprintf(path, sizeof path, "%s/part-%u", f->scratch, f->scratch_seq++);
    char **grown = realloc(f->scratch_files, (f->n_scratch_files + 1) * sizeof *grown);
    if (!grown)
        return casus_error_set(err, CASUS_NOMEM, NULL, 0, 0, "out of memory");
    f->scratch_files = grown;
    if (!(grown[f->n_scratch_files] = dup_str(path)))
        return casus_error_set(err, CASUS_NOMEM, NULL, 0, 0, "out of memory");
    *out = grown[f->n_scratch_files++];
    return CASUS_OK;
}

/* A new scratch file, open for writing through a sink capped at the
 * archive limit. */
static casus_status scratch_sink(casus_fetcher *f, char **path, sink *s, casus_error *err)
{
    casus_status st = scratch_path(f, path, err);
    if (st != CASUS_OK)
        return st;
    FILE *fp = fopen(*path, "wb");
    if (!fp)
        return casus_error_set(err, CASUS_IO, *path, 0, 0, "cannot create: %s", strerror(errno));
    sink_init(s, fp, CASUS_MAX_ARCHIVE_BYTES);
    return CASUS_OK;
}

/* Closes a scratch sink; st is what filling it gave, kept when not OK. */
static casus_status scratch_close(sink *s, const char *path, casus_status st, casus_error *err)
{
    if (fclose(s->fp) != 0 && st == CASUS_OK)
        st = casus_error_set(err, CASUS_IO, path, 0, 0, "cannot write: %s", strerror(errno));
    return st;
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *ud)
{
    sink *s = ud;
    size_t n = size * nmemb;
    return sink_write(s, data, n) ? n : 0;
}

/* Downloads url into the sink.  what names the file in messages. */
static casus_status http_get(const casus_fetcher *f, const char *url, sink *s, const char *what, casus_error *err)
{
    CURL *curl = curl_easy_init();
    if (!curl)
        return casus_error_set(err, CASUS_NETWORK, what, 0, 0, "cannot start libcurl for %s", url);
    char errbuf[CURL_ERROR_SIZE] = "";
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(curl, CURLOPT_MAXREDIRS, 10L);
    curl_easy_setopt(curl, CURLOPT_FAILONERROR, 1L);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, f->opts.connect_timeout > 0 ? f->opts.connect_timeout : 30L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, f->opts.timeout > 0 ? f->opts.timeout : 1800L);
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 100L);
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, f->opts.low_speed_time > 0 ? f->opts.low_speed_time : 60L);
    curl_easy_setopt(curl, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)s->cap);
    curl_easy_setopt(curl, CURLOPT_USERAGENT, "casus (dataset fetch)");
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, s);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
    /* A redirect must not lead to file:// or any other scheme. */
#if LIBCURL_VERSION_NUM >= 0x075500
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#else
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
    curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
    CURLcode rc = curl_easy_perform(curl);
    long code = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
    curl_easy_cleanup(curl);
    if (rc == CURLE_OK)
        return CASUS_OK;
    if (s->io_error)
        return casus_error_set(err, CASUS_IO, what, 0, 0, "cannot write what %s sends: %s", url, strerror(errno));
    if (s->over || rc == CURLE_FILESIZE_EXCEEDED)
        return casus_error_set(err, CASUS_TOOBIG, what, 0, 0, "%s sends more than the %llu bytes expected", url,
                               (unsigned long long)s->cap);
    if (rc == CURLE_HTTP_RETURNED_ERROR)
        return casus_error_set(err, CASUS_NETWORK, what, 0, 0, "HTTP status %ld from %s", code, url);
    if (rc == CURLE_PARTIAL_FILE)
        return casus_error_set(err, CASUS_NETWORK, what, 0, 0,
                               "the transfer from %s was cut short after %llu bytes", url, (unsigned long long)s->n);
    return casus_error_set(err, CASUS_NETWORK, what, 0, 0, "cannot fetch %s: %s", url,
                           errbuf[0] ? errbuf : curl_easy_strerror(rc));
}

/* The downloaded copy of an archive, fetched once per fetcher however many
 * members are taken from it (the ATOP zip holds four of our files). */
static casus_status archive_for(casus_fetcher *f, const char *url, const char *what, const char **path,
                                casus_error *err)
{
    for (size_t i = 0; i < f->n_cache; i++)
        if (strcmp(f->cache[i].url, url) == 0) {
            *path = f->cache[i].path;
            return CASUS_OK;
        }
    char *p;
    sink s;
    casus_status st = scratch_sink(f, &p, &s, err);
    if (st != CASUS_OK)
        return st;
    st = http_get(f, url, &s, what, err);
    st = scratch_close(&s, p, st, err);
    if (st != CASUS_OK) {
        unlink(p);
        return st;
    }
    cached_archive *grown = realloc(f->cache, (f->n_cache + 1) * sizeof *grown);
    if (!grown)
        return casus_error_set(err, CASUS_NOMEM, NULL, 0, 0, "out of memory");
    f->cache = grown;
    grown[f->n_cache].url = dup_str(url);
    grown[f->n_cache].path = dup_str(p);
    if (!grown[f->n_cache].url || !grown[f->n_cache].path) {
        free(grown[f->n_cache].url);
        free(grown[f->n_cache].path);
        return casus_error_set(err, CASUS_NOMEM, NULL, 0, 0, "out of memory");
    }
    *path = grown[f->n_cache++].path;
    return CASUS_OK;
}

/* Copies the member named `name` (n bytes) of the zip at path into s. */
static casus_status extract(const char *path, const char *name, size_t n, sink *s, const char *what,
                            const char *url, casus_error *err)
{
    casus_status opened = need_libs(err);
    if (opened != CASUS_OK)
        return opened;
    struct archive *a = archive_read_new();
    if (!a)
        return casus_error_set(err, CASUS_NOMEM, what, 0, 0, "out of memory");
    archive_read_support_format_zip(a);
    casus_status st = CASUS_OK;
    if (archive_read_open_filename(a, path, 65536) != ARCHIVE_OK) {
        st = casus_error_set(err, CASUS_PARSE, what, 0, 0, "%s is not a zip archive casus can read: %s", url,
                             archive_error_string(a));
        archive_read_free(a);
        return st;
    }
    struct archive_entry *entry;
    bool found = false;
    int r;
    while ((r = archive_read_next_header(a, &entry)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
        const char *p = archive_entry_pathname(entry);
        if (!p || strlen(p) != n || memcmp(p, name, n) != 0)
            continue; /* libarchive skips the data of the entries not read */
        found = true;
        if (archive_entry_filetype(entry) != AE_IFREG) {
            st = casus_error_set(err, CASUS_PARSE, what, 0, 0, "member '%.*s' of %s is not a regular file", (int)n,
                                 name, url);
            break;
        }
        char buf[65536];
        la_ssize_t got;
        while ((got = archive_read_data(a, buf, sizeof buf)) > 0)
            if (!sink_write(s, buf, (size_t)got))
                break;
        if (s->over)
            st = casus_error_set(err, CASUS_TOOBIG, what, 0, 0, "member '%.*s' of %s holds more than the %llu bytes "
                                 "expected", (int)n, name, url, (unsigned long long)s->cap);
        else if (s->io_error)
            st = casus_error_set(err, CASUS_IO, what, 0, 0, "write error: %s", strerror(errno));
        else if (got < 0)
            st = casus_error_set(err, CASUS_PARSE, what, 0, 0, "member '%.*s' of %s is damaged: %s", (int)n, name,
                                 url, archive_error_string(a));
        break;
    }
    if (st == CASUS_OK && !found)
        st = r == ARCHIVE_EOF
                 ? casus_error_set(err, CASUS_NOTFOUND, what, 0, 0, "%s has no member '%.*s'", url, (int)n, name)
                 : casus_error_set(err, CASUS_PARSE, what, 0, 0, "%s is damaged: %s", url, archive_error_string(a));
    archive_read_free(a);
    return st;
}

/* Takes the member path "a.zip!b/c.csv" from the archive at path: inner
 * archives go to scratch files, the last member into s. */
static casus_status extract_nested(casus_fetcher *f, const char *path, const char *member, sink *s,
                                   const char *what, const char *url, casus_error *err)
{
    const char *bang = strchr(member, '!');
    if (!bang)
        return extract(path, member, strlen(member), s, what, url, err);
    char *inner;
    sink is;
    casus_status st = scratch_sink(f, &inner, &is, err);
    if (st != CASUS_OK)
        return st;
    st = extract(path, member, (size_t)(bang - member), &is, what, url, err);
    st = scratch_close(&is, inner, st, err);
    if (st == CASUS_OK)
        st = extract_nested(f, inner, bang + 1, s, what, url, err);
    unlink(inner);
    return st;
}

static casus_status copy_local(const char *src, sink *s, const char *what, casus_error *err)
{
    FILE *in = fopen(src, "rb");
    if (!in)
        return casus_error_set(err, errno == ENOENT ? CASUS_NOTFOUND : CASUS_IO, what, 0, 0, "cannot open %s: %s", src,
                               strerror(errno));
    char buf[65536];
    size_t got;
    casus_status st = CASUS_OK;
    while ((got = fread(buf, 1, sizeof buf, in)) > 0)
        if (!sink_write(s, buf, got))
            break;
    if (s->over)
        st = casus_error_set(err, CASUS_TOOBIG, what, 0, 0, "%s holds more than the %llu bytes expected", src,
                             (unsigned long long)s->cap);
    else if (s->io_error)
        st = casus_error_set(err, CASUS_IO, what, 0, 0, "write error: %s", strerror(errno));
    else if (ferror(in))
        st = casus_error_set(err, CASUS_IO, what, 0, 0, "cannot read %s", src);
    fclose(in);
    return st;
}

casus_status casus_fetcher_get(casus_fetcher *f, const casus_dataset_file *file, casus_fetch_result *result,
                               casus_error *err)
{
    char target[4096], dir[4096], tmp[4200], source[4096 + 300];
    if (!safe_relative_path(file->file, strlen(file->file)))
        return casus_error_set(err, CASUS_INVALID, file->file, 0, 0, "not a plain relative path");
    if (snprintf(target, sizeof target, "%s/%s", f->data_dir, file->file) >= (int)sizeof target)
        return casus_error_set(err, CASUS_INVALID, file->file, 0, 0, "path too long");
    if (!f->opts.force && casus_dataset_verify(f->data_dir, file, NULL) == CASUS_OK) {
        *result = CASUS_FETCH_ALREADY_GOOD;
        return CASUS_OK;
    }
    snprintf(dir, sizeof dir, "%s", target);
    char *slash = strrchr(dir, '/');
    *slash = '\0';
    casus_status st = make_dirs(dir, err);
    if (st != CASUS_OK)
        return st;
    snprintf(tmp, sizeof tmp, "%s/.%s.part-XXXXXX", dir, slash + 1);
    int fd = mkstemp(tmp);
    if (fd < 0)
        return casus_error_set(err, CASUS_IO, file->file, 0, 0, "cannot create a temporary file in %s: %s", dir,
                               strerror(errno));
    (void)fchmod(fd, 0644); /* mkstemp makes it private; datasets are not secret */
    FILE *fp = fdopen(fd, "wb");
    if (!fp) {
        close(fd);
        unlink(tmp);
        return casus_error_set(err, CASUS_IO, file->file, 0, 0, "cannot open a temporary file: %s", strerror(errno));
    }
    sink s;
    sink_init(&s, fp, file->bytes);
    casus_fetcher_source(f, file, source, sizeof source);
    if (f->mode == FROM_DIR) {
        st = copy_local(source, &s, file->file, err);
    } else if (f->mode == FROM_URL) {
        st = http_get(f, source, &s, file->file, err);
    } else if (!file->member[0]) {
        st = http_get(f, file->url, &s, file->file, err);
    } else {
        const char *archive = NULL;
        st = archive_for(f, file->url, file->file, &archive, err);
        if (st == CASUS_OK)
            st = extract_nested(f, archive, file->member, &s, file->file, file->url, err);
    }
    if (fflush(fp) != 0 || fsync(fileno(fp)) != 0) {
        if (st == CASUS_OK)
            st = casus_error_set(err, CASUS_IO, file->file, 0, 0, "cannot write %s: %s", tmp, strerror(errno));
    }
    if (fclose(fp) != 0 && st == CASUS_OK)
        st = casus_error_set(err, CASUS_IO, file->file, 0, 0, "cannot write %s: %s", tmp, strerror(errno));
    if (st == CASUS_OK) {
        uint8_t sha[32];
        sha256_digest(&s.sha, SHA256_DIGEST_SIZE, sha);
        char hex[65];
        to_hex(sha, hex);
        if (s.n != file->bytes)
            st = casus_error_set(err, CASUS_CHECKSUM, file->file, 0, 0,
                                 "%s gave %llu bytes, expected %llu (SHA-256 %s); nothing was written", source,
                                 (unsigned long long)s.n, (unsigned long long)file->bytes, hex);
        else if (memcmp(sha, file->sha256, 32) != 0)
            st = casus_error_set(err, CASUS_CHECKSUM, file->file, 0, 0,
                                 "SHA-256 mismatch for %s: got %s, expected %s; nothing was written", source, hex,
                                 file->sha256_hex);
    }
    if (st == CASUS_OK && rename(tmp, target) != 0)
        st = casus_error_set(err, CASUS_IO, file->file, 0, 0, "cannot rename into place: %s", strerror(errno));
    if (st != CASUS_OK) {
        unlink(tmp);
        return st;
    }
    *result = CASUS_FETCH_FETCHED;
    return CASUS_OK;
}
