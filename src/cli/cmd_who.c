/* casus who: who is bound when A attacks B at P on D. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "casus/names.h"
#include "casus/who.h"
#include "common.h"

enum { OPT_ALL = 256 };

int cmd_who(int argc, char **argv);
int cmd_who(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"attacker", required_argument, NULL, 'a'}, {"target", required_argument, NULL, 't'},
        {"place", required_argument, NULL, 'p'},    {"date", required_argument, NULL, 'd'},
        {"format", required_argument, NULL, 'f'},   {"output", required_argument, NULL, 'o'},
        {"all", no_argument, NULL, OPT_ALL},        CLI_WORLD_LONGOPTS,
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    const char *attacker = NULL, *target = NULL, *place = NULL, *date = NULL, *output = NULL;
    int format = CASUS_FORMAT_TEXT;
    unsigned flags = 0;
    cli_world_opts wo = {0};
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "a:t:p:d:f:o:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'a': attacker = optarg; break;
        case 't': target = optarg; break;
        case 'p': place = optarg; break;
        case 'd': date = optarg; break;
        case 'o': output = optarg; break;
        case 'f':
            format = casus_format_from_str(optarg);
            if (format < 0)
                return cli_usage_error("who", "unknown format '%s' (text, csv or json)", optarg);
            break;
        case OPT_ALL: flags |= CASUS_WHO_ALL; break;
        case 'h': cli_print_help(cli_find("who"), stdout); return EXIT_OK;
        default:
            if (cli_world_option(c, optarg, &wo))
                break;
            return cli_usage_error("who", "unknown or incomplete option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return cli_usage_error("who", "unexpected argument '%s'", argv[optind]);
    if (!attacker || !target)
        return cli_usage_error("who", "--attacker and --target are required");

    casus_error err;
    casus_error_clear(&err);
    casus_day day;
    if (date) {
        casus_status st = casus_date_parse(date, strlen(date), &day);
        if (st == CASUS_PARSE)
            return cli_usage_error("who", "'%s' is not a date: use YYYY-MM-DD", date);
        if (st != CASUS_OK)
            return cli_usage_error("who", "%s is not a day of the calendar", date);
    } else {
        time_t now = time(NULL);
        struct tm tm;
        gmtime_r(&now, &tm);
        day = casus_day_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
    }
    if (day < casus_day_from_ymd(1816, 1, 1))
        return cli_usage_error("who", "%s is before 1816-01-01, where casus's data begin", date);

    casus_world *w = NULL;
    int rc = cli_load_world(&wo, &w, &err);
    if (rc != EXIT_OK)
        return rc;
    /* States as people type them: COW or ISO code, COW number, English name. */
    const casus_state *a = NULL, *b = NULL;
    casus_names *names = NULL;
    const char *note_a = NULL, *note_b = NULL;
    char npath[4096];
    snprintf(npath, sizeof npath, "%s/world/state-names.csv", cli_share_dir(wo.share));
    casus_status nst = casus_names_load(w, npath, &names, &err);
    if (nst == CASUS_OK && (nst = casus_names_resolve(names, w, attacker, &a, &note_a, &err)) == CASUS_OK)
        nst = casus_names_resolve(names, w, target, &b, &note_b, &err);
    if (nst == CASUS_OK) {
        if (note_a)
            fprintf(stderr, "%s who: note: %s\n", cli_prog, note_a);
        if (note_b)
            fprintf(stderr, "%s who: note: %s\n", cli_prog, note_b);
    }
    casus_names_free(names);
    if (nst != CASUS_OK) {
        casus_world_free(w);
        return nst == CASUS_NOTFOUND ? cli_usage_error("who", "%s", err.message) : cli_fail(&err);
    }
    casus_attack att = {.attacker = a->ccode, .target = b->ccode, .day = day};
    if (place) {
        att.place = casus_world_place_find(w, place);
        if (!att.place) {
            casus_world_free(w);
            return cli_usage_error("who", "unknown place '%s' (see world/places.csv, or a state's abbreviation)", place);
        }
    }
    casus_who_result *res = NULL;
    casus_status st = casus_who(w, &att, flags, &res, &err);
    if (st != CASUS_OK) {
        casus_world_free(w);
        return st == CASUS_INVALID ? cli_usage_error("who", "%s", err.message) : cli_fail(&err);
    }
    cli_output out;
    rc = cli_output_open(&out, output, &err);
    if (rc == EXIT_OK) {
        st = casus_who_write(w, res, (casus_format)format, out.fp, &err);
        if (st != CASUS_OK) {
            cli_output_abort(&out);
            rc = cli_fail(&err);
        } else
            rc = cli_output_commit(&out, &err);
    }
    casus_who_free(res);
    casus_world_free(w);
    return rc;
}
