/* `casus backtest --report DIR`: the back-test as a Markdown report with
 * figures, each as SVG and PNG, drawn with PLplot (its cairo drivers).
 * The command draws, not the library, so that libcasus needs no plotting
 * library.  Uses the public API only; not thread-safe (PLplot's streams
 * are process-wide).
 *
 * The directory is written all at once or not at all: the files are made in
 * a temporary directory beside DIR, which is renamed to DIR when DIR does
 * not exist, or whose files are each renamed into DIR when it does (files
 * of DIR the report does not write are left alone). */
#ifndef CASUS_CLI_BACKTEST_REPORT_H
#define CASUS_CLI_BACKTEST_REPORT_H

#include "casus/backtest.h"
#include "fitcommon.h"

typedef struct cli_report {
    char *dir; /* DIR as given */
    char *tmp; /* the temporary directory beside it */
} cli_report;

/* Makes the temporary directory beside dir, before the back-test runs, so
 * that a directory that cannot be written is reported at once: "casus:
 * DIR: cannot write the report there: REASON", exit 2. */
int cli_report_begin(const char *dir, cli_report *rep);
/* Writes report.md and the figures into the temporary directory and moves
 * them into DIR.  Returns an exit code; on failure nothing of DIR changed
 * and the temporary directory is removed.  Frees rep either way. */
int cli_report_finish(cli_report *rep, const cli_fit_env *env, const casus_bt_result *r);
/* Removes the temporary directory and frees rep; accepts a rep never begun. */
void cli_report_abort(cli_report *rep);

/* The figures (backtest_figures.c): each name gets NAME.svg and NAME.png
 * in dir.  Returns 0, or -1 when a file could not be written. */
typedef struct cli_report_figure {
    const char *name;    /* file name without extension */
    const char *caption; /* for report.md */
} cli_report_figure;
extern const cli_report_figure cli_report_figures[];
extern const size_t cli_report_n_figures;
int cli_report_draw(const char *dir, const casus_bt_result *r);

#endif
