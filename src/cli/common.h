/* Shared helpers of the casus command: the command table, loading the
 * world, error reporting and atomic output.  Uses the public API only. */
#ifndef CASUS_CLI_COMMON_H
#define CASUS_CLI_COMMON_H

#include <getopt.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "casus/error.h"
#include "casus/warplaces.h"
#include "casus/world.h"

/* Exit codes (documented in casus(1)). */
enum { EXIT_OK = 0, EXIT_WORK = 1, EXIT_USAGE = 2 };

typedef struct cli_command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
    const char *usage; /* full help text */
} cli_command;

extern const cli_command cli_commands[];
extern const char *cli_prog;

/* Prints "casus: message" (or the formatted error with file:line:col) to
 * stderr and returns the exit code for the status. */
int cli_fail(const casus_error *err);
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void cli_print_help(const cli_command *cmd, FILE *out);
const cli_command *cli_find(const char *name);

/* Parses a COW war number (1 to 99999) into out; otherwise reports
 * "'S' is not a war number" as a usage error of cmd and returns its code. */
int cli_war_number(const char *cmd, const char *s, int *out);

/* Options every world-reading command takes. */
typedef struct cli_world_opts {
    const char *share;    /* --share: directory holding world/ and treaties/ */
    const char *treaties; /* --treaties: treaty directory (default SHARE/treaties) */
    const char *data;     /* --data: dataset directory; NULL: CASUS_DATA, then defaults */
    bool no_data;         /* --no-data: do not read datasets even if found */
} cli_world_opts;

/* The options the commands share, parsed in one place: the getopt_long
 * entries (CLI_WORLD_LONGOPTS for the four, or one at a time) and their
 * codes, which each command hands to cli_world_option(). */
enum { CLI_OPT_SHARE = 0x1000, CLI_OPT_TREATIES, CLI_OPT_DATA, CLI_OPT_NO_DATA };
#define CLI_LONGOPT_SHARE {"share", required_argument, NULL, CLI_OPT_SHARE}
#define CLI_LONGOPT_TREATIES {"treaties", required_argument, NULL, CLI_OPT_TREATIES}
#define CLI_LONGOPT_DATA {"data", required_argument, NULL, CLI_OPT_DATA}
#define CLI_LONGOPT_NO_DATA {"no-data", no_argument, NULL, CLI_OPT_NO_DATA}
#define CLI_LONGOPT_FORMAT {"format", required_argument, NULL, 'f'}
#define CLI_LONGOPT_OUTPUT {"output", required_argument, NULL, 'o'}
#define CLI_LONGOPT_HELP {"help", no_argument, NULL, 'h'}
#define CLI_LONGOPT_END {NULL, 0, NULL, 0}
#define CLI_WORLD_LONGOPTS CLI_LONGOPT_SHARE, CLI_LONGOPT_TREATIES, CLI_LONGOPT_DATA, CLI_LONGOPT_NO_DATA
/* Takes option c (with its argument) into opts when it is one of the
 * shared ones; false otherwise. */
bool cli_world_option(int c, const char *arg, cli_world_opts *opts);

/* Finds the directory holding world/ and treaties/. */
const char *cli_share_dir(const char *opt);
/* The war places of --war-places opt: the file given; "none": none (every
 * attack at the target's home); NULL: world/war-places.csv of the share
 * directory when it is there, else none.  *out is NULL for none.  Returns
 * an exit code (a bad file: its file:line:col message, 2). */
int cli_load_war_places(const casus_world *world, const char *share, const char *opt, casus_war_places **out);
/* Loads tables, treaties (and COW and ATOP when found) and finishes the world. */
int cli_load_world(const cli_world_opts *opts, casus_world **world, casus_error *err);
/* The same with the datasets data (CASUS_DATA_* bits).  need_data NULL:
 * they are read when a data directory is found (not with --no-data).
 * Otherwise the command cannot run without them: the installed share
 * directory is not searched, --no-data does not apply, and no directory
 * is reported as "casus[ need_data]: no data directory ..." with exit 1.
 * dir (dir_size bytes) receives the directory read, "" when none. */
int cli_load_world_data(const cli_world_opts *opts, unsigned data, const char *need_data, char *dir, size_t dir_size,
                        casus_world **world, casus_error *err);

/* Output written atomically: to a temporary file beside the target, renamed
 * into place on success, removed on failure.  path NULL or "-": stdout. */
typedef struct cli_output {
    FILE *fp;
    char *tmp;
    const char *path;
} cli_output;
int cli_output_open(cli_output *out, const char *path, casus_error *err);
int cli_output_commit(cli_output *out, casus_error *err);
void cli_output_abort(cli_output *out);
/* Writes root (whose reference it takes; NULL counts as a failure) with
 * json_dumpf's flags and a newline; on failure aborts out, reports
 * "cannot write JSON" and returns its exit code. */
int cli_output_json(cli_output *out, json_t *root, size_t flags, casus_error *err);

#endif
