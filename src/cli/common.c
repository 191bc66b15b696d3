/* Shared helpers of the casus command. */
#include "common.h"

#include "casus/data.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef CASUS_SOURCE_DIR
#define CASUS_SOURCE_DIR "."
#endif
#ifndef CASUS_INSTALL_SHARE
#define CASUS_INSTALL_SHARE "/usr/local/share/casus"
#endif

const char *cli_prog = "casus";

int cli_fail(const casus_error *err)
{
    char buf[2048];
    casus_error_format(err, buf, sizeof buf);
    if (err->file[0])
        fprintf(stderr, "%s\n", buf);
    else
        fprintf(stderr, "%s: %s\n", cli_prog, buf);
    switch (err->status) {
    case CASUS_PARSE:
    case CASUS_INVALID:
    case CASUS_RANGE:
    case CASUS_NOTFOUND:
    case CASUS_TOOBIG:
    case CASUS_CHECKSUM:
        return EXIT_USAGE;
    case CASUS_IO:
        return err->line > 0 ? EXIT_USAGE : EXIT_WORK;
    default:
        return EXIT_WORK;
    }
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s%s%s: ", cli_prog, cmd ? " " : "", cmd ? cmd : "");
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry '%s%s%s --help' for more information.\n", cli_prog, cmd ? " " : "", cmd ? cmd : "");
    return EXIT_USAGE;
}

void cli_print_help(const cli_command *cmd, FILE *out)
{
    fputs(cmd->usage, out);
}

const cli_command *cli_find(const char *name)
{
    for (const cli_command *c = cli_commands; c->name; c++)
        if (strcmp(c->name, name) == 0)
            return c;
    return NULL;
}

int cli_war_number(const char *cmd, const char *s, int *out)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (!s[0] || *end || v < 1 || v > 99999)
        return cli_usage_error(cmd, "'%s' is not a war number", s);
    *out = (int)v;
    return EXIT_OK;
}

bool cli_world_option(int c, const char *arg, cli_world_opts *opts)
{
    switch (c) {
    case CLI_OPT_SHARE: opts->share = arg; return true;
    case CLI_OPT_TREATIES: opts->treaties = arg; return true;
    case CLI_OPT_DATA: opts->data = arg; return true;
    case CLI_OPT_NO_DATA: opts->no_data = true; return true;
    default: return false;
    }
}

static bool has_tables(const char *dir)
{
    char path[4096];
    struct stat st;
    snprintf(path, sizeof path, "%s/world/states.csv", dir);
    return stat(path, &st) == 0;
}

const char *cli_share_dir(const char *opt)
{
    if (opt)
        return opt;
    const char *env = getenv("CASUS_SHARE");
    if (env && *env)
        return env;
    if (has_tables(CASUS_SOURCE_DIR))
        return CASUS_SOURCE_DIR;
    return CASUS_INSTALL_SHARE;
}

int cli_load_war_places(const casus_world *world, const char *share, const char *opt, casus_war_places **out)
{
    *out = NULL;
    if (opt && strcmp(opt, "none") == 0)
        return EXIT_OK;
    char path[4096];
    struct stat sb;
    if (opt) {
        snprintf(path, sizeof path, "%s", opt);
    } else {
        snprintf(path, sizeof path, "%s/world/war-places.csv", cli_share_dir(share));
        if (stat(path, &sb) != 0)
            return EXIT_OK;
    }
    casus_error err;
    casus_error_clear(&err);
    if (casus_war_places_load_file(world, path, out, &err) != CASUS_OK)
        return cli_fail(&err);
    return EXIT_OK;
}

int cli_load_world_data(const cli_world_opts *opts, unsigned data, const char *need_data, char *dir, size_t dir_size,
                        casus_world **out, casus_error *err)
{
    casus_world *w = NULL;
    const char *share = cli_share_dir(opts->share);
    char path[4096];
    dir[0] = 0;
    casus_status st = casus_world_create(&w, err);
    if (st == CASUS_OK) {
        snprintf(path, sizeof path, "%s/world", share);
        st = casus_world_load_tables(w, path, err);
    }
    if (st == CASUS_OK) {
        if (opts->treaties)
            snprintf(path, sizeof path, "%s", opts->treaties);
        else
            snprintf(path, sizeof path, "%s/treaties", share);
        st = casus_world_load_treaty_dir(w, path, err);
    }
    /* The datasets, when a data directory is found: --data, CASUS_DATA, the
     * XDG default, then (unless the command needs them) the installed share
     * directory.  A named directory that is not one is an error (exit 2),
     * not a silent skip. */
    if (st == CASUS_OK && (need_data || !opts->no_data)) {
        st = casus_data_find_dir(opts->data, need_data ? NULL : CASUS_INSTALL_SHARE, dir, dir_size, err);
        if (st == CASUS_OK && !dir[0] && need_data) {
            casus_world_free(w);
            fprintf(stderr, "%s%s%s: no data directory (ATOP, COW); run 'casus data fetch' or give --data\n", cli_prog,
                    need_data[0] ? " " : "", need_data);
            return EXIT_WORK;
        }
        if (st == CASUS_OK && dir[0])
            st = casus_data_load(w, dir, data, err);
    }
    if (st == CASUS_OK)
        st = casus_world_finish(w, err);
    if (st != CASUS_OK) {
        casus_world_free(w);
        return cli_fail(err);
    }
    *out = w;
    return EXIT_OK;
}

int cli_load_world(const cli_world_opts *opts, casus_world **out, casus_error *err)
{
    char dir[4096];
    return cli_load_world_data(opts, CASUS_DATA_COW | CASUS_DATA_ATOP, NULL, dir, sizeof dir, out, err);
}

int cli_output_open(cli_output *out, const char *path, casus_error *err)
{
    memset(out, 0, sizeof *out);
    if (!path || strcmp(path, "-") == 0) {
        out->fp = stdout;
        return EXIT_OK;
    }
    size_t n = strlen(path) + 16;
    out->tmp = malloc(n);
    if (!out->tmp)
        return cli_fail((casus_error_set(err, CASUS_NOMEM, NULL, 0, 0, "out of memory"), err));
    snprintf(out->tmp, n, "%s.tmpXXXXXX", path);
    const char *failed = NULL;
    int fd = mkstemp(out->tmp);
    if (fd < 0)
        failed = "cannot create a temporary file beside it";
    else {
        /* mkstemp creates the file 0600; give it the mode a plain fopen would. */
        mode_t mask = umask(0);
        umask(mask);
        if (fchmod(fd, 0666 & ~mask) != 0)
            failed = "cannot set the file's mode";
        else if (!(out->fp = fdopen(fd, "w")))
            failed = "cannot open";
    }
    if (failed) {
        int saved = errno;
        if (fd >= 0) {
            close(fd);
            unlink(out->tmp);
        }
        free(out->tmp);
        out->tmp = NULL;
        casus_error_set(err, CASUS_IO, path, 0, 0, "%s: %s", failed, strerror(saved));
        return cli_fail(err);
    }
    out->path = path;
    return EXIT_OK;
}

int cli_output_commit(cli_output *out, casus_error *err)
{
    if (!out->tmp) {
        if (fflush(out->fp) != 0) {
            casus_error_set(err, CASUS_IO, NULL, 0, 0, "write error on standard output");
            return cli_fail(err);
        }
        return EXIT_OK;
    }
    int bad = ferror(out->fp);
    bad |= fclose(out->fp) != 0;
    out->fp = NULL;
    if (bad || rename(out->tmp, out->path) != 0) {
        casus_error_set(err, CASUS_IO, out->path, 0, 0, "cannot write: %s", strerror(errno));
        unlink(out->tmp);
        free(out->tmp);
        out->tmp = NULL;
        return cli_fail(err);
    }
    free(out->tmp);
    out->tmp = NULL;
    return EXIT_OK;
}

int cli_output_json(cli_output *out, json_t *root, size_t flags, casus_error *err)
{
    if (!root || json_dumpf(root, out->fp, flags) != 0) {
        json_decref(root);
        cli_output_abort(out);
        casus_error_set(err, CASUS_NOMEM, NULL, 0, 0, "cannot write JSON");
        return cli_fail(err);
    }
    fputc('\n', out->fp);
    json_decref(root);
    return EXIT_OK;
}

void cli_output_abort(cli_output *out)
{
    if (out->tmp) {
        if (out->fp)
            fclose(out->fp);
        unlink(out->tmp);
        free(out->tmp);
        out->tmp = NULL;
    }
    out->fp = NULL;
}
