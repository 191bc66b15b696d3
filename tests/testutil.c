/* Test helpers (see testutil.h). */
#define _GNU_SOURCE
#include "testutil.h"

#include "casus/data.h"

#include <criterion/criterion.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void drain(int fd, char **buf, size_t *len, size_t *cap)
{
    char tmp[8192];
    ssize_t n = read(fd, tmp, sizeof tmp);
    if (n <= 0)
        return;
    if (*len + (size_t)n + 1 > *cap) {
        while (*len + (size_t)n + 1 > *cap)
            *cap = *cap ? *cap * 2 : 16384;
        *buf = realloc(*buf, *cap);
    }
    memcpy(*buf + *len, tmp, (size_t)n);
    *len += (size_t)n;
    (*buf)[*len] = '\0';
}

run_result run_argv(char *const argv[])
{
    run_result r = {0};
    int po[2], pe[2];
    if (pipe(po) || pipe(pe)) {
        r.status = -1;
        return r;
    }
    pid_t pid = fork();
    if (pid == 0) {
        dup2(po[1], 1);
        dup2(pe[1], 2);
        close(po[0]);
        close(pe[0]);
        close(po[1]);
        close(pe[1]);
        int devnull = open("/dev/null", O_RDONLY);
        if (devnull >= 0)
            dup2(devnull, 0);
        execv(argv[0], argv);
        _exit(127);
    }
    close(po[1]);
    close(pe[1]);
    size_t ocap = 0, ecap = 0;
    r.out = calloc(1, 1);
    r.err = calloc(1, 1);
    ocap = ecap = 1;
    struct pollfd fds[2] = {{po[0], POLLIN, 0}, {pe[0], POLLIN, 0}};
    int open_fds = 2;
    while (open_fds > 0) {
        if (poll(fds, 2, -1) < 0)
            break;
        for (int i = 0; i < 2; i++) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP)))
                continue;
            size_t before = i == 0 ? r.out_len : r.err_len;
            if (i == 0)
                drain(fds[i].fd, &r.out, &r.out_len, &ocap);
            else
                drain(fds[i].fd, &r.err, &r.err_len, &ecap);
            size_t after = i == 0 ? r.out_len : r.err_len;
            if (after == before) {
                close(fds[i].fd);
                fds[i].fd = -1;
                open_fds--;
            }
        }
    }
    int st = 0;
    waitpid(pid, &st, 0);
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    return r;
}

static run_result run_casus_v(const char *arg0, va_list ap)
{
    char *argv[64];
    int n = 0;
    const char *bin = getenv("CASUS_BIN");
    argv[n++] = (char *)(bin ? bin : "casus");
    for (const char *a = arg0; a; a = va_arg(ap, const char *)) {
        cr_assert_lt(n, 63, "too many arguments for run_casus");
        argv[n++] = (char *)a;
    }
    argv[n] = NULL;
    return run_argv(argv);
}

run_result run_casus(const char *arg0, ...)
{
    va_list ap;
    va_start(ap, arg0);
    run_result r = run_casus_v(arg0, ap);
    va_end(ap);
    return r;
}

void expect_casus_exit(int status, const char *arg0, ...)
{
    va_list ap;
    va_start(ap, arg0);
    run_result r = run_casus_v(arg0, ap);
    va_end(ap);
    cr_assert_eq(r.status, status, "casus %s ...: exit %d, expected %d: %s", arg0, r.status, status, r.err);
    run_free(&r);
}

void run_free(run_result *r)
{
    free(r->out);
    free(r->err);
    r->out = r->err = NULL;
}

const char *source_dir(void)
{
    const char *s = getenv("CASUS_SOURCE_DIR");
    return s ? s : ".";
}

/* The dataset directory as an absolute path, so that tests which link to
 * it from a temporary directory work whether CASUS_TEST_DATA is relative or
 * not. */
const char *test_data_dir(void)
{
    static char resolved[4096];
    const char *s = getenv("CASUS_TEST_DATA");
    if (!s || !*s)
        s = "../shared/data";
    if (!resolved[0] && !realpath(s, resolved))
        return s;
    return resolved;
}

char *make_temp_dir(void)
{
    char *t = strdup("/tmp/casus-test-XXXXXX");
    cr_assert_not_null(t);
    cr_assert_not_null(mkdtemp(t), "cannot make a temporary directory");
    return t;
}

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

void rm_rf(const char *path)
{
    nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

void rm_temp_dir(char *dir)
{
    if (dir)
        rm_rf(dir);
    free(dir);
}

char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 65536, n = 0;
    char *buf = malloc(cap + 1);
    size_t got;
    while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap)
            buf = realloc(buf, (cap *= 2) + 1);
    }
    fclose(f);
    buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}

size_t count_of(const char *s, const char *what)
{
    size_t n = 0;
    for (const char *p = s; (p = strstr(p, what)) != NULL; p += strlen(what))
        n++;
    return n;
}

int spit(const char *path, const char *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    size_t w = fwrite(data, 1, len, f);
    return fclose(f) == 0 && w == len ? 0 : -1;
}

char *slurp_test_data(const char *rel, size_t *len)
{
    char path[4096];
    int n = snprintf(path, sizeof path, "%s/%s", test_data_dir(), rel);
    cr_assert(n >= 0 && (size_t)n < sizeof path, "path too long: %s/%s", test_data_dir(), rel);
    char *text = slurp(path, len);
    cr_assert_not_null(text, "cannot read %s (CASUS_TEST_DATA)", path);
    return text;
}

char *slurp_source(const char *rel, size_t *len)
{
    char path[4096];
    int n = snprintf(path, sizeof path, "%s/%s", source_dir(), rel);
    cr_assert(n >= 0 && (size_t)n < sizeof path, "path too long: %s/%s", source_dir(), rel);
    char *text = slurp(path, len);
    cr_assert_not_null(text, "cannot read %s (CASUS_SOURCE_DIR)", path);
    return text;
}

void *fail_after_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    fail_after *f = ud;
    (void)osize;
    if (nsize == 0) {
        free(ptr);
        return NULL;
    }
    if (f->left-- <= 0)
        return NULL;
    return realloc(ptr, nsize);
}

void *fail_once_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    fail_once *f = ud;
    (void)osize;
    if (nsize == 0) {
        free(ptr);
        return NULL;
    }
    f->calls++;
    if (f->countdown-- == 0)
        return NULL;
    return realloc(ptr, nsize);
}

casus_world *test_world_tables(void)
{
    return test_world_tables_with(NULL, NULL);
}

casus_world *test_world_tables_with(casus_alloc_fn fn, void *ud)
{
    casus_world *w = NULL;
    casus_error err;
    char dir[4096];
    cr_assert_eq(fn ? casus_world_create_with(fn, ud, &w, &err) : casus_world_create(&w, &err), CASUS_OK);
    snprintf(dir, sizeof dir, "%s/world", source_dir());
    cr_assert_eq(casus_world_load_tables(w, dir, &err), CASUS_OK, "%s", err.message);
    return w;
}

casus_world *test_world_full(unsigned data)
{
    return test_world_full_with(NULL, NULL, data);
}

casus_world *test_world_full_with(casus_alloc_fn fn, void *ud, unsigned data)
{
    casus_world *w = test_world_tables_with(fn, ud);
    casus_error err;
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/treaties", source_dir());
    cr_assert_eq(casus_world_load_treaty_dir(w, dir, &err), CASUS_OK, "%s:%d: %s", err.file, err.line, err.message);
    if (data)
        cr_assert_eq(casus_data_load(w, test_data_dir(), data, &err), CASUS_OK, "%s", err.message);
    cr_assert_eq(casus_world_finish(w, &err), CASUS_OK, "%s", err.message);
    return w;
}

casus_wars *test_wars(void)
{
    casus_wars *wars = NULL;
    casus_error err;
    cr_assert_eq(casus_wars_create(&wars, &err), CASUS_OK);
    cr_assert_eq(casus_wars_load_dir(wars, test_data_dir(), &err), CASUS_OK, "%s", err.message);
    return wars;
}

void expect_error_line(const casus_error *err, const char *expect, size_t i)
{
    char buf[2048];
    casus_error_format(err, buf, sizeof buf);
    char *nl = strchr(buf, '\n');
    if (nl)
        *nl = '\0';
    cr_expect_str_eq(buf, expect, "case %zu", i);
}
