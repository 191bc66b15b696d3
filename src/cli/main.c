/* The casus command: a table of subcommands and a thin main(). */
#include <stdio.h>
#include <string.h>

#include "common.h"

int cmd_who(int argc, char **argv);
int cmd_treaty(int argc, char **argv);
int cmd_scenario(int argc, char **argv);
int cmd_simulate(int argc, char **argv);
extern const char cmd_simulate_usage[];
int cmd_wars(int argc, char **argv);
extern const char cmd_wars_usage[];
int cmd_data(int argc, char **argv);
extern const char cmd_data_usage[];
int cmd_export(int argc, char **argv);
extern const char cmd_export_usage[];
int cmd_reliability(int argc, char **argv);
int cmd_fit(int argc, char **argv);
extern const char cmd_fit_usage[];
int cmd_backtest(int argc, char **argv);
extern const char cmd_backtest_usage[];
extern const char cmd_reliability_usage[];
int cmd_sanctions(int argc, char **argv);
extern const char cmd_sanctions_usage[];
int cmd_serve(int argc, char **argv);
extern const char cmd_serve_usage[];
static int cmd_help(int argc, char **argv);
static int cmd_version(int argc, char **argv);

const cli_command cli_commands[] = {
    {"who", cmd_who, "who is bound when A attacks B at P on D",
     "Usage: casus who --attacker ABB --target ABB [--place NAME] [--date YYYY-MM-DD]\n"
     "                 [--format text|csv|json] [--output FILE] [--all]\n"
     "                 [--share DIR] [--treaties DIR] [--data DIR] [--no-data]\n"
     "\n"
     "Every obligation the attack sets off on that day: obligor, beneficiary, treaty,\n"
     "article, kind, timing, the article's text, and a trace of each condition (held,\n"
     "failed, or not decidable from the event).  Obligations running toward the\n"
     "attacker (offence, neutrality, non-aggression, consultation) are listed too, and\n"
     "states bound on both sides are reported as conflicts.  The text starts with a\n"
     "summary (by role, how many obligations bind and who owes them; the states bound\n"
     "on both sides) and lists the obligors of one ATOP record together when nothing\n"
     "but the obligor and its date of joining differs; --all lists every record apart.\n"
     "\n"
     "  -a, --attacker ABB   the attacking state: COW abbreviation (RUS, PRK, USA),\n"
     "                       COW code (365), ISO 3166 alpha-3 (KOR) or English\n"
     "                       name (\"South Korea\"); see world/state-names.csv\n"
     "  -t, --target ABB     the state attacked\n"
     "  -p, --place NAME     where: a place of world/places.csv (kursk, crimea, hawaii,\n"
     "                       guam, okinawa, senkaku, taiwan, ...) or a state's\n"
     "                       abbreviation for its home territory; default: the target's\n"
     "                       home territory.  It must be the target's (sovereign,\n"
     "                       administrator or claimant).\n"
     "  -d, --date DATE      the day of the attack, 1816-01-01 or later; default: today\n"
     "  -f, --format FMT     text (default), csv (one row per obligation) or json\n"
     "                       (one object with an array \"obligations\")\n"
     "  -o, --output FILE    write there (atomically) instead of standard output\n"
     "      --all            also list obligations whose conditions failed, and list\n"
     "                       every ATOP record apart\n"
     "      --share DIR      directory with world/ and treaties/ (default: CASUS_SHARE,\n"
     "                       then the source tree, then the installed copy)\n"
     "      --treaties DIR   read treaty files from DIR instead of SHARE/treaties\n"
     "      --data DIR       dataset directory (ATOP, COW); default: CASUS_DATA, then\n"
     "                       $XDG_DATA_HOME/casus or ~/.local/share/casus\n"
     "      --no-data        do not read datasets\n"
     "\n"
     "Exit status: 0 when the query ran (even with no obligation), 1 when the work\n"
     "failed, 2 for bad input (unknown state, impossible date, a place that is not the\n"
     "target's, a malformed treaty file).\n"
     "\n"
     "Example:\n"
     "  casus who --attacker ROK --target PRK --date 2025-03-01\n"},
    {"treaty", cmd_treaty, "check, list and show treaty files",
     "Usage: casus treaty check FILE...\n"
     "       casus treaty list\n"
     "       casus treaty show ID\n"
     "       (each also takes --share DIR)\n"
     "\n"
     "check  parses each treaty file against the world tables and reports\n"
     "       file:line:col: message for the first error in each (exit 2), or a\n"
     "       one-line summary per good file (exit 0).\n"
     "list   lists the treaties casus ships.\n"
     "show   prints a treaty: dates, parties, each article's text and its rules.\n"
     "\n"
     "The format: docs/treaty-format.md.\n"},
    {"scenario", cmd_scenario, "check, list and show scenario files",
     "Usage: casus scenario check FILE...\n"
     "       casus scenario list\n"
     "       casus scenario show ID\n"
     "       (each also takes --share DIR, --treaties DIR, --data DIR;\n"
     "        list and show also --scenarios DIR)\n"
     "\n"
     "check  parses each scenario file against the world (states, places,\n"
     "       treaties) and reports file:line:col: message for the first error in\n"
     "       each (exit 2), or a one-line summary per good file (exit 0).\n"
     "list   lists the scenarios casus ships (SHARE/scenarios): id, day 0,\n"
     "       horizon, title.\n"
     "show   prints a scenario: its opening attacks, dated events, assumptions,\n"
     "       prose, sources and notes.\n"
     "\n"
     "      --share DIR      directory with world/, treaties/ and scenarios/\n"
     "      --treaties DIR   read treaty files from DIR instead of SHARE/treaties\n"
     "      --data DIR       also read the datasets there, so that ATOP treaties\n"
     "                       (atop-NNNN) may be named\n"
     "      --scenarios DIR  list or show the scenarios of DIR\n"
     "\n"
     "The format: docs/scenario-format.md.\n"
     "\n"
     "Example:\n"
     "  casus scenario show kursk-2024-12\n"},
    {"export", cmd_export, "export tables for R and Python (directed dyads with ATOP flags)", cmd_export_usage},
    {"wars", cmd_wars, "list the COW inter-state wars, or show one", cmd_wars_usage},
    {"data", cmd_data, "fetch and verify the datasets (ATOP 5.1, COW)", cmd_data_usage},
    {"reliability", cmd_reliability, "were the alliances the COW wars set off honoured? case by case, with rates",
     cmd_reliability_usage},
    {"fit", cmd_fit, "fit the join model to the COW wars by maximum likelihood", cmd_fit_usage},
    {"backtest", cmd_backtest, "score the join model and five baselines on wars held out of the fit",
     cmd_backtest_usage},
    {"sanctions", cmd_sanctions, "UN sanctions on the DPRK: check events against them, list those in force", cmd_sanctions_usage},
    {"serve", cmd_serve, "serve the page and the JSON API on 127.0.0.1", cmd_serve_usage},
    {"simulate", cmd_simulate, "simulate how far a scenario's war spreads, and how fast", cmd_simulate_usage},
    {"help", cmd_help, "show help for a command", "Usage: casus help [COMMAND]\n"},
    {"version", cmd_version, "print the version", "Usage: casus version\n"},
    {NULL, NULL, NULL, NULL},
};

static void overview(FILE *out)
{
    fprintf(out, "Usage: casus <command> [options] [args]\n\n"
                 "casus: a casus foederis engine. Treaties as code; who is bound when A attacks B.\n\n"
                 "Commands:\n");
    for (const cli_command *c = cli_commands; c->name; c++)
        fprintf(out, "  %-9s %s\n", c->name, c->summary);
    fprintf(out, "\nRun 'casus <command> --help' for a command's options.\n");
}

static int cmd_help(int argc, char **argv)
{
    if (argc < 2) {
        overview(stdout);
        return EXIT_OK;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        cli_print_help(cli_find("help"), stdout);
        return EXIT_OK;
    }
    const cli_command *c = cli_find(argv[1]);
    if (!c)
        return cli_usage_error(NULL, "no command '%s'", argv[1]);
    cli_print_help(c, stdout);
    return EXIT_OK;
}

static int cmd_version(int argc, char **argv)
{
    if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        cli_print_help(cli_find("version"), stdout);
        return EXIT_OK;
    }
    printf("casus %s\n", CASUS_VERSION);
    return EXIT_OK;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        overview(stderr);
        return EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        overview(stdout);
        return EXIT_OK;
    }
    if (strcmp(argv[1], "--version") == 0)
        return cmd_version(0, NULL);
    const cli_command *c = cli_find(argv[1]);
    if (!c)
        return cli_usage_error(NULL, "unknown command '%s'", argv[1]);
    return c->run(argc - 1, argv + 1);
}
