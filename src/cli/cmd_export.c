/* casus export: tables for other tools.  Only `dyads` for now: the directed
 * dyad table of the state system with ATOP obligation flags. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "casus/export.h"
#include "common.h"

extern const char cmd_export_usage[];
const char cmd_export_usage[] =
    "Usage: casus export dyads --directed [--unit year|day] [--from YEAR] [--to YEAR]\n"
    "                          [--format csv|json] [--output FILE] [--source atop|casus]\n"
    "                          [--no-carry] [--keep-false-dyads]\n"
    "                          [--share DIR] [--treaties DIR] [--data DIR]\n"
    "\n"
    "The directed dyads of the Correlates of War state system with ATOP alliance\n"
    "flags: the table peacesciencer makes with create_dyadyears(directed = TRUE) and\n"
    "add_atop_alliance(), same columns and codes, sorted by ccode1, ccode2, year:\n"
    "ccode1, ccode2, year, atop_alliance, atop_defense, atop_offense, atop_neutral,\n"
    "atop_nonagg, atop_consul.  atop_defense is 1 when ccode1 owes ccode2 defense on\n"
    "some day of the year, and so on; NA outside ATOP's years.  docs/export.md gives\n"
    "every rule and how the table differs from peacesciencer's.\n"
    "\n"
    "      --directed       directed dyads (required: the only kind so far)\n"
    "  -u, --unit UNIT      year (default): one row per dyad-year; day: one row per\n"
    "                       stretch of days over which the dyad's flags stay the same,\n"
    "                       with columns start and end (inclusive) instead of year\n"
    "      --from YEAR      first year (default 1816)\n"
    "      --to YEAR        last year (default 2018, ATOP's last); states alive at the\n"
    "                       end of the COW list (2016) are carried to it\n"
    "  -f, --format FMT     csv (default) or json (an array of objects, one per row;\n"
    "                       NA as null)\n"
    "  -o, --output FILE    write there (atomically) instead of standard output\n"
    "      --source SRC     atop (default): ATOP alliances only; casus: every treaty,\n"
    "                       hand-encoded treaties replacing the ATOP records they name\n"
    "      --no-carry       do not carry states alive at the end of 2016 forward\n"
    "      --keep-false-dyads  keep dyad-years whose states share the year but no day\n"
    "      --share DIR      directory with world/ and treaties/\n"
    "      --treaties DIR   read treaty files from DIR\n"
    "      --data DIR       dataset directory (ATOP, COW); default: CASUS_DATA\n"
    "\n"
    "Exit status: 0 when the table was written, 1 when the work failed, 2 for bad\n"
    "options or input.\n"
    "\n"
    "Example (the whole table is: --from 1816 --to 2018 --output atop_ddy.csv):\n"
    "  casus export dyads --directed --from 1832 --to 1833\n";

enum { OPT_DIRECTED = 256, OPT_FROM, OPT_TO, OPT_SOURCE, OPT_NO_CARRY, OPT_KEEP_FALSE };

static bool parse_year(const char *s, int *out)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (end == s || *end || v < CASUS_DYADS_MIN_YEAR || v > CASUS_DYADS_MAX_YEAR)
        return false;
    *out = (int)v;
    return true;
}

static int export_dyads(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"directed", no_argument, NULL, OPT_DIRECTED}, {"unit", required_argument, NULL, 'u'},
        {"from", required_argument, NULL, OPT_FROM},   {"to", required_argument, NULL, OPT_TO},
        {"format", required_argument, NULL, 'f'},      {"output", required_argument, NULL, 'o'},
        {"source", required_argument, NULL, OPT_SOURCE}, {"no-carry", no_argument, NULL, OPT_NO_CARRY},
        {"keep-false-dyads", no_argument, NULL, OPT_KEEP_FALSE}, CLI_LONGOPT_SHARE, CLI_LONGOPT_TREATIES,
        CLI_LONGOPT_DATA, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    casus_dyads_opts o = {.from_year = 1816, .to_year = 2018, .unit = CASUS_DYADS_YEAR, .source = CASUS_DYADS_ATOP};
    casus_dyads_format format = CASUS_DYADS_CSV;
    const char *output = NULL;
    bool directed = false;
    cli_world_opts wo = {0};
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "u:f:o:h", longopts, NULL)) != -1) {
        switch (c) {
        case OPT_DIRECTED: directed = true; break;
        case 'u':
            if (strcmp(optarg, "year") == 0)
                o.unit = CASUS_DYADS_YEAR;
            else if (strcmp(optarg, "day") == 0)
                o.unit = CASUS_DYADS_DAY;
            else
                return cli_usage_error("export", "unknown unit '%s' (year or day)", optarg);
            break;
        case OPT_FROM:
        case OPT_TO:
            if (!parse_year(optarg, c == OPT_FROM ? &o.from_year : &o.to_year))
                return cli_usage_error("export", "'%s' is not a year from %d to %d", optarg, CASUS_DYADS_MIN_YEAR,
                                       CASUS_DYADS_MAX_YEAR);
            break;
        case 'f':
            if (strcmp(optarg, "csv") == 0)
                format = CASUS_DYADS_CSV;
            else if (strcmp(optarg, "json") == 0)
                format = CASUS_DYADS_JSON;
            else
                return cli_usage_error("export", "unknown format '%s' (csv or json)", optarg);
            break;
        case 'o': output = optarg; break;
        case OPT_SOURCE:
            if (strcmp(optarg, "atop") == 0)
                o.source = CASUS_DYADS_ATOP;
            else if (strcmp(optarg, "casus") == 0)
                o.source = CASUS_DYADS_CASUS;
            else
                return cli_usage_error("export", "unknown source '%s' (atop or casus)", optarg);
            break;
        case OPT_NO_CARRY: o.flags |= CASUS_DYADS_NO_CARRY; break;
        case OPT_KEEP_FALSE: o.flags |= CASUS_DYADS_KEEP_FALSE; break;
        case 'h': cli_print_help(cli_find("export"), stdout); return EXIT_OK;
        default:
            if (cli_world_option(c, optarg, &wo))
                break;
            return cli_usage_error("export", "unknown or incomplete option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return cli_usage_error("export", "unexpected argument '%s'", argv[optind]);
    if (!directed)
        return cli_usage_error("export", "only directed dyads are made so far: give --directed");
    if (o.from_year > o.to_year)
        return cli_usage_error("export", "--from %d is after --to %d", o.from_year, o.to_year);

    casus_error err;
    casus_error_clear(&err);
    casus_world *w = NULL;
    int rc = cli_load_world(&wo, &w, &err);
    if (rc != EXIT_OK)
        return rc;
    cli_output out;
    rc = cli_output_open(&out, output, &err);
    if (rc == EXIT_OK) {
        casus_status st = casus_dyads_write(w, &o, format, out.fp, &err);
        if (st != CASUS_OK) {
            cli_output_abort(&out);
            rc = st == CASUS_INVALID ? cli_usage_error("export", "%s", err.message) : cli_fail(&err);
        } else
            rc = cli_output_commit(&out, &err);
    }
    casus_world_free(w);
    return rc;
}

int cmd_export(int argc, char **argv);
int cmd_export(int argc, char **argv)
{
    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        cli_print_help(cli_find("export"), stdout);
        return EXIT_OK;
    }
    if (argc < 2)
        return cli_usage_error("export", "what to export? (dyads)");
    if (strcmp(argv[1], "dyads") == 0)
        return export_dyads(argc - 1, argv + 1);
    return cli_usage_error("export", "unknown table '%s' (dyads)", argv[1]);
}
