/* casus sanctions: the UN sanctions on the DPRK as rule files, checked
 * against dated events; and the measures in force on a day. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "casus/sanctions.h"
#include "casus/scenario.h"
#include "common.h"

int cmd_sanctions(int argc, char **argv);

const char cmd_sanctions_usage[] =
    "Usage: casus sanctions check EVENTS... [--format text|csv|json] [--table findings|totals]\n"
    "                                [--output FILE]\n"
    "       casus sanctions list [--date YYYY-MM-DD]\n"
    "       (each also takes --share DIR and --sanctions DIR)\n"
    "\n"
    "check  judges each event of the events files against every ban and cap of\n"
    "       the UN Security Council resolutions on the DPRK: for each paragraph\n"
    "       that covers the exchange, failed (breached), held, or not decidable\n"
    "       (may be breached), quoted, with why.  A cap is judged from the\n"
    "       events' total for each of its periods, a low and a high bound that\n"
    "       follow the figures' uncertainty: exceeded (the low bound is over the\n"
    "       cap), within (every event counted, the high bound within it), or not\n"
    "       decidable; totals are printed.  Findings that rest only on sources\n"
    "       dated after the panel of experts' mandate ended are marked.\n"
    "list   the measures in force on the day (default: today), those not\n"
    "       decidable on it, and those ended by then (the panel of experts after\n"
    "       2024-04-30).\n"
    "\n"
    "  -f, --format FMT     text (default), csv (one row per finding) or json\n"
    "                       (\"events\", \"findings\", \"totals\", \"notes\")\n"
    "  -t, --table T        with csv: findings (default) or totals (one row per\n"
    "                       cap, period and unit)\n"
    "  -o, --output FILE    write there (atomically) instead of standard output\n"
    "  -d, --date DATE      the day for list\n"
    "      --share DIR      directory holding sanctions/ (default: CASUS_SHARE, then\n"
    "                       the source tree, then the installed copy)\n"
    "      --sanctions DIR  read resolution files from DIR instead of SHARE/sanctions\n"
    "\n"
    "Exit status: 0 when the check or list ran, 1 when the work failed, 2 for bad\n"
    "input (a malformed events or resolution file: file:line:col: message).\n"
    "\n"
    "The formats: docs/sanctions.md.\n"
    "\n"
    "Examples:\n"
    "  casus sanctions check events/rus-prk-2022.events --format json\n"
    "  casus sanctions list --date 2024-05-01\n";

enum { OPT_SHARE = 256, OPT_SANCTIONS };

static int load_resolutions(const char *share, const char *dir, casus_sanctions **out, casus_error *err)
{
    char path[4096];
    if (!dir) {
        snprintf(path, sizeof path, "%s/sanctions", cli_share_dir(share));
        dir = path;
    }
    casus_sanctions *s = NULL;
    casus_status st = casus_sanctions_create(NULL, NULL, &s, err);
    if (st == CASUS_OK)
        st = casus_sanctions_load_dir(s, dir, err);
    if (st != CASUS_OK) {
        casus_sanctions_free(s);
        return cli_fail(err);
    }
    *out = s;
    return EXIT_OK;
}

int cmd_sanctions(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"format", required_argument, NULL, 'f'}, {"output", required_argument, NULL, 'o'},
        {"date", required_argument, NULL, 'd'},   {"share", required_argument, NULL, OPT_SHARE},
        {"table", required_argument, NULL, 't'},
        {"sanctions", required_argument, NULL, OPT_SANCTIONS}, {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    if (argc < 2) {
        cli_print_help(cli_find("sanctions"), stderr);
        return EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        cli_print_help(cli_find("sanctions"), stdout);
        return EXIT_OK;
    }
    const char *sub = argv[1];
    bool check = strcmp(sub, "check") == 0, list = strcmp(sub, "list") == 0;
    if (!check && !list)
        return cli_usage_error("sanctions", "unknown subcommand '%s' (check or list)", sub);
    const char *output = NULL, *date = NULL, *share = NULL, *dir = NULL, *table = NULL;
    int format = CASUS_FORMAT_TEXT;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc - 1, argv + 1, "f:o:d:t:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'f':
            format = casus_format_from_str(optarg);
            if (format < 0)
                return cli_usage_error("sanctions", "unknown format '%s' (text, csv or json)", optarg);
            break;
        case 'o': output = optarg; break;
        case 'd': date = optarg; break;
        case 't':
            if (strcmp(optarg, "findings") != 0 && strcmp(optarg, "totals") != 0)
                return cli_usage_error("sanctions", "unknown table '%s' (findings or totals)", optarg);
            table = optarg;
            break;
        case OPT_SHARE: share = optarg; break;
        case OPT_SANCTIONS: dir = optarg; break;
        case 'h': cli_print_help(cli_find("sanctions"), stdout); return EXIT_OK;
        default:
            return cli_usage_error("sanctions", "unknown or incomplete option '%s'", argv[optind]);
        }
    }
    int first = optind + 1;
    if (check && first >= argc)
        return cli_usage_error("sanctions", "check needs at least one events file");
    if (list && first < argc)
        return cli_usage_error("sanctions", "unexpected argument '%s'", argv[first]);
    if (check && date)
        return cli_usage_error("sanctions", "--date is for list; events carry their own dates");
    if (list && format != CASUS_FORMAT_TEXT)
        return cli_usage_error("sanctions", "list writes text only");
    if (table && (list || format != CASUS_FORMAT_CSV))
        return cli_usage_error("sanctions", "--table chooses the CSV table of check (--format csv)");
    bool totals = table && strcmp(table, "totals") == 0;

    casus_day day = 0;
    if (list) {
        if (date) {
            casus_status st = casus_date_parse(date, strlen(date), &day);
            if (st == CASUS_PARSE)
                return cli_usage_error("sanctions", "'%s' is not a date: use YYYY-MM-DD", date);
            if (st != CASUS_OK)
                return cli_usage_error("sanctions", "%s is not a day of the calendar", date);
        } else {
            time_t now = time(NULL);
            struct tm tm;
            gmtime_r(&now, &tm);
            day = casus_day_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
        }
    }

    casus_error err;
    casus_error_clear(&err);
    casus_sanctions *s = NULL;
    int rc = load_resolutions(share, dir, &s, &err);
    if (rc != EXIT_OK)
        return rc;
    casus_events *ev = NULL;
    casus_sanctions_report *report = NULL;
    if (check) {
        casus_status st = casus_events_create(NULL, NULL, &ev, &err);
        for (int i = first; st == CASUS_OK && i < argc; i++)
            st = casus_events_load_file(ev, argv[i], &err);
        if (st == CASUS_OK)
            st = casus_sanctions_check(s, ev, &report, &err);
        if (st != CASUS_OK) {
            rc = cli_fail(&err);
            casus_events_free(ev);
            casus_sanctions_free(s);
            return rc;
        }
    }
    cli_output out;
    rc = cli_output_open(&out, output, &err);
    if (rc == EXIT_OK) {
        casus_status st = !check   ? casus_sanctions_list_write(s, day, out.fp, &err)
                          : totals ? casus_sanctions_totals_write_csv(report, out.fp, &err)
                                   : casus_sanctions_report_write(report, (casus_format)format, out.fp, &err);
        if (st != CASUS_OK) {
            cli_output_abort(&out);
            rc = cli_fail(&err);
        } else {
            rc = cli_output_commit(&out, &err);
        }
    }
    casus_sanctions_report_free(report);
    casus_events_free(ev);
    casus_sanctions_free(s);
    return rc;
}

/* For casus simulate: when the scenario names an events file ('events-file',
 * relative to the scenario file's directory), its troop deployments join the
 * scenario's events.  *merged is the scenario to run (sc itself when there
 * is no events file); free it and *ev with cli_scenario_events_free. */
int cli_scenario_events(const casus_world *w, casus_scenario *sc, casus_events **ev, casus_scenario **merged,
                        casus_error *err);
void cli_scenario_events_free(casus_scenario *sc, casus_events *ev, casus_scenario *merged);

int cli_scenario_events(const casus_world *w, casus_scenario *sc, casus_events **ev, casus_scenario **merged,
                        casus_error *err)
{
    *ev = NULL;
    *merged = sc;
    char path[4096];
    casus_status st = casus_scenario_events_path(sc, path, sizeof path);
    if (st == CASUS_NOTFOUND)
        return EXIT_OK;
    if (st != CASUS_OK)
        st = casus_error_set(err, st, sc->file, 0, 0, "the events file's path is too long");
    if (st == CASUS_OK)
        st = casus_events_create(NULL, NULL, ev, err);
    if (st == CASUS_OK)
        st = casus_events_load_file(*ev, path, err);
    if (st == CASUS_OK) {
        st = casus_events_scenario(w, sc, *ev, merged, NULL, err);
        if (st != CASUS_OK) {
            *merged = sc;
            if (err->file[0] == '\0') {
                size_t n = strlen(path);
                if (n >= sizeof err->file)
                    n = sizeof err->file - 1;
                memcpy(err->file, path, n);
                err->file[n] = '\0';
            }
        }
    }
    if (st != CASUS_OK) {
        casus_events_free(*ev);
        *ev = NULL;
        return cli_fail(err);
    }
    return EXIT_OK;
}

void cli_scenario_events_free(casus_scenario *sc, casus_events *ev, casus_scenario *merged)
{
    if (merged != sc)
        casus_events_scenario_free(merged);
    casus_events_free(ev);
}
