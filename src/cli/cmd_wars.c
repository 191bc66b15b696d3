/* casus wars: the COW inter-state wars, listed or one by one. */
#include <getopt.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "casus/csv.h"
#include "casus/data.h"
#include "casus/wars.h"
#include "casus/who.h" /* casus_format */
#include "common.h"
#include "wars_json.h"

int cmd_wars(int argc, char **argv);
int cmd_wars_history(int argc, char **argv);
int cli_load_wars(const char *data_opt, casus_wars **out);

const char cmd_wars_usage[] =
    "Usage: casus wars list [--format text|csv|json] [--data DIR] [--output FILE]\n"
    "       casus wars show N [--format text|json] [--data DIR] [--output FILE]\n"
    "       casus wars history N [--window DAYS] [--format text|json] [--data DIR] [--output FILE]\n"
    "\n"
    "The inter-state wars of the Correlates of War project, 1816-2007 (Inter-State\n"
    "War Data v4.0: 95 wars), read from DATA/cow/Inter-StateWarData_v4.0.csv.\n"
    "\n"
    "list  one line per war: number, name, first start and last end of any\n"
    "      participant, and how many participants fought on side 1 and side 2\n"
    "      (a state that changed sides counts on both).\n"
    "show  one war: each participant by side, with the spells it fought (a\n"
    "      second spell after a break in the fighting), whether it began the\n"
    "      war, its outcome and its battle deaths.  Dates the data do not give\n"
    "      in full are shown as such: 1848-04-?? (day unknown), unknown, or\n"
    "      ongoing on 2007-12-31.\n"
    "history  one war as the join model learns from it: its first day, the\n"
    "      states fighting that day by side, each later entrant with its side\n"
    "      and entry day (days after the first), and every other system member\n"
    "      at risk of joining, day by day, until it joined, left the system or\n"
    "      the war ended (docs/history.md).  --window DAYS: entrants certainly\n"
    "      within DAYS of the first day count as fighting on day 0 (default 0).\n"
    "\n"
    "  -f, --format FMT     text (default), csv (list only) or json\n"
    "  -o, --output FILE    write there (atomically) instead of standard output\n"
    "      --data DIR       the data directory ('casus data fetch' fills it);\n"
    "                       default: CASUS_DATA, then $XDG_DATA_HOME/casus or\n"
    "                       ~/.local/share/casus, then the installed share\n"
    "                       directory, as for 'casus who'\n"
    "\n"
    "Exit status: 0 on success, 1 when the data cannot be read, 2 for bad input\n"
    "(no war numbered N, a malformed data file, unknown options).\n"
    "\n"
    "More: docs/wars.md.  Example:\n"
    "  casus wars show 106\n";

#ifndef CASUS_INSTALL_SHARE
#define CASUS_INSTALL_SHARE "/usr/local/share/casus"
#endif


static const char *date_text(const casus_war_date *d, char buf[40])
{
    casus_war_date_format(d, buf);
    return buf;
}

/* A JSON value for a date: "1914-07-29", "1848-04" or "1848" for partial
 * dates, "ongoing", or null when unknown or absent. */
static json_t *date_json(const casus_war_date *d)
{
    char iso[16];
    casus_war_date_iso(d, iso);
    return iso[0] ? json_string(iso) : json_null();
}

static const char *precision(const casus_war_date *d)
{
    if (d->kind == CASUS_WAR_DATE_ONGOING)
        return "ongoing";
    if (d->kind != CASUS_WAR_DATE_KNOWN)
        return "unknown";
    return d->day ? "day" : d->month ? "month" : "year";
}

static void list_text(FILE *fp, const casus_wars *w)
{
    char a[40], b[40];
    /* Columns as wide as their widest entry, so partial dates still line up. */
    int wname = 4, wdate = 5;
    for (size_t i = 0; i < casus_wars_count(w); i++) {
        const casus_war *war = casus_wars_at(w, i);
        int n = (int)strlen(war->name);
        wname = n > wname ? n : wname;
        n = (int)strlen(date_text(&war->start, a));
        wdate = n > wdate ? n : wdate;
        n = (int)strlen(date_text(&war->end, b));
        wdate = n > wdate ? n : wdate;
    }
    fprintf(fp, "%5s  %-*s  %-*s  %-*s  %6s  %6s\n", "war", wname, "name", wdate, "start", wdate, "end", "side 1",
            "side 2");
    for (size_t i = 0; i < casus_wars_count(w); i++) {
        const casus_war *war = casus_wars_at(w, i);
        fprintf(fp, "%5d  %-*s  %-*s  %-*s  %6zu  %6zu\n", war->number, wname, war->name, wdate,
                date_text(&war->start, a), wdate, date_text(&war->end, b), war->n_side[0], war->n_side[1]);
    }
    fprintf(fp, "%zu wars (COW Inter-State War Data v4.0; Sarkees and Wayman 2010)\n", casus_wars_count(w));
}

/* Text quoted only where it must be (casus/csv.h). */
static int list_csv(FILE *fp, const casus_wars *w)
{
    static const char *const header[] = {"war", "name", "start", "end", "side1", "side2"};
    char a[16], b[16];
    casus_csv_writer *csv = malloc(sizeof *csv);
    if (!csv)
        return -1;
    casus_csv_init(csv, fp, CASUS_CSV_QUOTE_NEEDED);
    for (size_t k = 0; k < sizeof header / sizeof *header; k++)
        casus_csv_str(csv, header[k]);
    casus_csv_end(csv);
    for (size_t i = 0; i < casus_wars_count(w); i++) {
        const casus_war *war = casus_wars_at(w, i);
        casus_war_date_iso(&war->start, a);
        casus_war_date_iso(&war->end, b);
        casus_csv_int(csv, war->number);
        casus_csv_str(csv, war->name);
        casus_csv_plain(csv, a, strlen(a));
        casus_csv_plain(csv, b, strlen(b));
        casus_csv_int(csv, (long long)war->n_side[0]);
        casus_csv_int(csv, (long long)war->n_side[1]);
        casus_csv_end(csv);
    }
    int rc = casus_csv_flush(csv) == CASUS_OK ? 0 : -1;
    free(csv);
    return rc;
}

static json_t *war_summary_json(const casus_war *war)
{
    return json_pack("{s:i, s:s, s:o, s:o, s:{s:I, s:I}}", "number", war->number, "name", war->name, "start",
                     date_json(&war->start), "end", date_json(&war->end), "sides", "side1",
                     (json_int_t)war->n_side[0], "side2", (json_int_t)war->n_side[1]);
}

static json_t *spell_json(const casus_war_date *s, const casus_war_date *e)
{
    return json_pack("{s:o, s:s, s:o, s:s}", "start", date_json(s), "start_precision", precision(s), "end",
                     date_json(e), "end_precision", precision(e));
}

static json_t *war_json(const casus_war *war)
{
    json_t *root = war_summary_json(war);
    json_t *parts = json_array();
    for (size_t i = 0; i < war->n_participants; i++) {
        const casus_war_participant *p = &war->participants[i];
        json_t *spells = json_array();
        json_array_append_new(spells, spell_json(&p->start1, &p->end1));
        if (p->start2.kind != CASUS_WAR_DATE_NONE)
            json_array_append_new(spells, spell_json(&p->start2, &p->end2));
        json_t *o = json_pack("{s:i, s:s, s:i, s:o, s:b, s:s, s:o, s:i}", "ccode", p->ccode, "state", p->state_name,
                              "side", p->side, "spells", spells, "initiator", p->initiator, "outcome",
                              casus_war_outcome_str(p->outcome), "battle_deaths",
                              p->bat_deaths < 0 ? json_null() : json_integer(p->bat_deaths), "line", p->line);
        if (p->trans_from[0])
            json_object_set_new(o, "transformed_from", json_string(p->trans_from));
        if (p->trans_to)
            json_object_set_new(o, "transformed_into", json_integer(p->trans_to));
        json_array_append_new(parts, o);
    }
    json_object_set_new(root, "participants", parts);
    return root;
}

json_t *cli_war_json(const casus_war *war) { return war_json(war); }

json_t *cli_wars_list_json(const casus_wars *w)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < casus_wars_count(w); i++)
        json_array_append_new(arr, war_summary_json(casus_wars_at(w, i)));
    return json_pack("{s:s, s:o}", "source", "COW Inter-State War Data v4.0", "wars", arr);
}

static void spell_text(char *buf, size_t size, const casus_war_date *s, const casus_war_date *e)
{
    char a[40], b[40];
    snprintf(buf, size, "%s to %s", date_text(s, a), date_text(e, b));
}

static void show_text(FILE *fp, const casus_war *war)
{
    char a[40], b[40];
    fprintf(fp, "War %d: %s\n", war->number, war->name);
    fprintf(fp, "fought %s to %s; %zu participant%s on side 1, %zu on side 2\n", date_text(&war->start, a),
            date_text(&war->end, b), war->n_side[0], war->n_side[0] == 1 ? "" : "s", war->n_side[1]);
    for (int side = 1; side <= 2; side++) {
        fprintf(fp, "\nSide %d:\n", side);
        for (size_t i = 0; i < war->n_participants; i++) {
            const casus_war_participant *p = &war->participants[i];
            if (p->side != side)
                continue;
            char s1[100], s2[100] = "", deaths[32];
            spell_text(s1, sizeof s1, &p->start1, &p->end1);
            if (p->start2.kind != CASUS_WAR_DATE_NONE)
                spell_text(s2, sizeof s2, &p->start2, &p->end2);
            if (p->bat_deaths < 0)
                snprintf(deaths, sizeof deaths, "unknown");
            else
                snprintf(deaths, sizeof deaths, "%ld", p->bat_deaths);
            fprintf(fp, "  %3d  %-26s  %s%s%s\n", p->ccode, p->state_name, s1, s2[0] ? ", then " : "", s2);
            fprintf(fp, "       %-26s  outcome: %s; battle deaths: %s%s", "", casus_war_outcome_str(p->outcome),
                    deaths, p->initiator ? "; initiator" : "");
            if (p->trans_from[0])
                fprintf(fp, "; came from war %s", p->trans_from);
            if (p->trans_to)
                fprintf(fp, "; became war %d", p->trans_to);
            fputc('\n', fp);
        }
    }
}

/* The data directory is found as for every command that reads the
 * datasets (casus_data_find_dir: --data, CASUS_DATA, the XDG default, the
 * installed share directory). */
static int load(const char *data_opt, casus_wars **out)
{
    char dir[4096], path[4200];
    casus_error err;
    casus_error_clear(&err);
    if (casus_data_find_dir(data_opt, CASUS_INSTALL_SHARE, dir, sizeof dir, &err) != CASUS_OK)
        return cli_fail(&err);
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", dir, CASUS_WARS_FILE);
    if (!dir[0] || stat(path, &st) != 0) {
        fprintf(stderr, "%s wars: no COW war data (%s) in %s; run 'casus data fetch' first\n", cli_prog,
                CASUS_WARS_FILE, dir[0] ? dir : "any data directory (--data, CASUS_DATA, ~/.local/share/casus)");
        return EXIT_WORK;
    }
    casus_wars *w = NULL;
    casus_status s = casus_wars_create(&w, &err);
    if (s == CASUS_OK)
        s = casus_wars_load_file(w, path, &err);
    if (s != CASUS_OK) {
        casus_wars_free(w);
        return cli_fail(&err);
    }
    *out = w;
    return EXIT_OK;
}

int cmd_wars(int argc, char **argv)
{
    static const struct option longopts[] = {{"format", required_argument, NULL, 'f'},
                                             {"output", required_argument, NULL, 'o'},
                                             CLI_LONGOPT_DATA,
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    if (argc < 2)
        return cli_usage_error("wars", "which? list or show N");
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        fputs(cmd_wars_usage, stdout);
        return EXIT_OK;
    }
    const char *sub = argv[1];
    if (strcmp(sub, "history") == 0)
        return cmd_wars_history(argc, argv);
    bool is_list = strcmp(sub, "list") == 0;
    if (!is_list && strcmp(sub, "show") != 0)
        return cli_usage_error("wars", "unknown subcommand '%s' (list or show N)", sub);
    cli_world_opts shared = {0};
    const char *output = NULL;
    int format = CASUS_FORMAT_TEXT, c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc - 1, argv + 1, "f:o:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'f':
            format = casus_format_from_str(optarg);
            if (format < 0)
                return cli_usage_error("wars", "unknown format '%s' (text, csv or json)", optarg);
            break;
        case 'o': output = optarg; break;
        case 'h': fputs(cmd_wars_usage, stdout); return EXIT_OK;
        default:
            if (cli_world_option(c, optarg, &shared))
                break;
            return cli_usage_error("wars", "unknown or incomplete option '%s'", argv[optind]);
        }
    }
    int n_args = argc - 1 - optind;
    char **args = argv + 1 + optind;
    int number = 0;
    if (is_list && n_args > 0)
        return cli_usage_error("wars", "unexpected argument '%s'", args[0]);
    if (!is_list) {
        if (n_args != 1)
            return cli_usage_error("wars", "show takes one war number");
        char *end;
        long v = strtol(args[0], &end, 10);
        if (!args[0][0] || *end || v < 1 || v > 99999)
            return cli_usage_error("wars", "'%s' is not a war number", args[0]);
        number = (int)v;
        if (format == CASUS_FORMAT_CSV)
            return cli_usage_error("wars", "show writes text or json, not csv");
    }
    casus_wars *w = NULL;
    int rc = load(shared.data, &w);
    if (rc != EXIT_OK)
        return rc;
    const casus_war *war = NULL;
    if (!is_list && !(war = casus_wars_find(w, number))) {
        fprintf(stderr, "%s wars: no war numbered %d among the %zu wars (see 'casus wars list')\n", cli_prog, number,
                casus_wars_count(w));
        casus_wars_free(w);
        return EXIT_USAGE;
    }
    casus_error err;
    casus_error_clear(&err);
    cli_output out;
    rc = cli_output_open(&out, output, &err);
    if (rc != EXIT_OK) {
        casus_wars_free(w);
        return rc;
    }
    if (format == CASUS_FORMAT_JSON) {
        json_t *root = is_list ? cli_wars_list_json(w) : cli_war_json(war);
        if (!root || json_dumpf(root, out.fp, JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0) {
            json_decref(root);
            cli_output_abort(&out);
            casus_wars_free(w);
            casus_error_set(&err, CASUS_NOMEM, NULL, 0, 0, "cannot write JSON");
            return cli_fail(&err);
        }
        fputc('\n', out.fp);
        json_decref(root);
    } else if (is_list) {
        if (format == CASUS_FORMAT_CSV) {
            if (list_csv(out.fp, w) != 0) {
                cli_output_abort(&out);
                casus_wars_free(w);
                casus_error_set(&err, CASUS_IO, NULL, 0, 0, "cannot write the CSV");
                return cli_fail(&err);
            }
        } else
            list_text(out.fp, w);
    } else {
        show_text(out.fp, war);
    }
    rc = cli_output_commit(&out, &err);
    casus_wars_free(w);
    return rc;
}

/* The war file, found and loaded as `casus wars` does; for the commands
 * that replay the wars (wars history, reliability). */
int cli_load_wars(const char *data_opt, casus_wars **out)
{
    return load(data_opt, out);
}
