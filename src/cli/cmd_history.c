/* casus wars history N: one war as the join model learns from it. */
#include <getopt.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "casus/history.h"
#include "casus/wars.h"
#include "casus/who.h" /* casus_format */
#include "common.h"

int cmd_wars_history(int argc, char **argv);
int cli_load_wars(const char *data_opt, casus_wars **out);

enum { OPT_DATA = 256, OPT_WINDOW, OPT_SHARE };

static void span_text(casus_span s, char buf[24])
{
    casus_span_format(s, buf);
}

static const char *abb(const casus_world *world, int cc, char buf[12])
{
    return casus_world_abb(world, cc, buf);
}

static void write_text(FILE *fp, const casus_world *world, const casus_war_history *h, int window)
{
    char a[24], b[11], s[12];
    span_text(h->first_day, a);
    casus_date_format(h->last_day, b);
    fprintf(fp, "War %d: %s\n", h->war->number, h->war->name);
    fprintf(fp, "first day %s, last day %s (%d days); first-day rule: ", a, b, h->length);
    if (window)
        fprintf(fp, "entrants within %d days count as day 0\n", window);
    else
        fprintf(fp, "only states fighting on the first day\n");
    for (int side = 1; side <= 2; side++) {
        fprintf(fp, "day 0, side %d:", side);
        for (size_t i = 0; i < h->n_day0; i++) {
            const casus_history_belligerent *e = &h->belligerents[i];
            if (e->side == side)
                fprintf(fp, " %s%s", abb(world, e->ccode, s), e->initiator ? " (initiator)" : "");
        }
        fputc('\n', fp);
    }
    fprintf(fp, "\n%zu later entrant%s\n", h->n_belligerents - h->n_day0, h->n_belligerents - h->n_day0 == 1 ? "" : "s");
    for (size_t i = 0; i < h->n_belligerents; i++) {
        const casus_history_belligerent *e = &h->belligerents[i];
        if (e->day0 && !e->switched_to && !e->second_spell)
            continue;
        span_text(e->entry, a);
        fprintf(fp, "  %-3s  side %d  ", abb(world, e->ccode, s), e->side);
        if (e->day0)
            fprintf(fp, "day 0");
        else if (e->offset_lo == e->offset_hi)
            fprintf(fp, "day %d (%s)", e->offset_lo, a);
        else
            fprintf(fp, "day %d-%d (%s)", e->offset_lo, e->offset_hi, a);
        if (e->initiator)
            fprintf(fp, "; initiator");
        if (e->second_spell)
            fprintf(fp, "; fought a second spell");
        if (e->switched_to) {
            span_text(e->switched_on, a);
            fprintf(fp, "; changed to side %d on %s", e->switched_to, a);
        }
        fputc('\n', fp);
    }
    size_t counts[3] = {0, 0, 0};
    for (size_t i = 0; i < h->n_at_risk; i++)
        counts[h->at_risk[i].exit]++;
    fprintf(fp, "\nat risk: %zu stretches (%zu joined, %zu to the war's end, %zu left the system)\n", h->n_at_risk,
            counts[CASUS_HISTORY_JOINED], counts[CASUS_HISTORY_WAR_ENDED], counts[CASUS_HISTORY_LEFT_SYSTEM]);
    for (size_t i = 0; i < h->n_at_risk; i++) {
        const casus_history_risk *r = &h->at_risk[i];
        fprintf(fp, "  %-3s  days %d-%d  %s%s\n", abb(world, r->ccode, s), r->from, r->until,
                casus_history_exit_str(r->exit), r->entered_system ? "; entered the system during the war" : "");
    }
}

static json_t *span_json(casus_span sp)
{
    char a[24];
    casus_span_format(sp, a);
    return json_string(a);
}

static json_t *write_json(const casus_world *world, const casus_war_history *h, int window)
{
    char s[12], b[11];
    casus_date_format(h->last_day, b);
    json_t *day0 = json_array(), *ent = json_array(), *risk = json_array();
    for (size_t i = 0; i < h->n_belligerents; i++) {
        const casus_history_belligerent *e = &h->belligerents[i];
        json_t *o = json_pack("{s:s, s:i, s:i, s:o, s:i, s:i, s:b, s:b}", "state", abb(world, e->ccode, s), "ccode",
                              e->ccode, "side", e->side, "entry", span_json(e->entry), "offset_lo", e->offset_lo,
                              "offset_hi", e->offset_hi, "initiator", e->initiator, "second_spell", e->second_spell);
        if (e->switched_to) {
            json_object_set_new(o, "switched_to", json_integer(e->switched_to));
            json_object_set_new(o, "switched_on", span_json(e->switched_on));
        }
        json_array_append_new(e->day0 ? day0 : ent, o);
    }
    for (size_t i = 0; i < h->n_at_risk; i++) {
        const casus_history_risk *r = &h->at_risk[i];
        json_array_append_new(risk, json_pack("{s:s, s:i, s:i, s:i, s:s, s:b}", "state", abb(world, r->ccode, s),
                                              "ccode", r->ccode, "from", r->from, "until", r->until, "exit",
                                              casus_history_exit_str(r->exit), "entered_system",
                                              r->entered_system));
    }
    return json_pack("{s:i, s:s, s:o, s:s, s:i, s:i, s:o, s:o, s:o}", "war", h->war->number, "name", h->war->name,
                     "first_day", span_json(h->first_day), "last_day", b, "length", h->length, "day0_window",
                     window, "day0", day0, "entrants", ent, "at_risk", risk);
}

/* argv[0] is "wars", argv[1] "history". */
int cmd_wars_history(int argc, char **argv)
{
    static const struct option longopts[] = {{"format", required_argument, NULL, 'f'},
                                             {"output", required_argument, NULL, 'o'},
                                             {"data", required_argument, NULL, OPT_DATA},
                                             {"share", required_argument, NULL, OPT_SHARE},
                                             {"window", required_argument, NULL, OPT_WINDOW},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    const cli_command *self = cli_find("wars");
    cli_world_opts wo = {0};
    const char *output = NULL;
    int format = CASUS_FORMAT_TEXT, c, window = 0;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc - 1, argv + 1, "f:o:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'f':
            format = casus_format_from_str(optarg);
            if (format < 0 || format == CASUS_FORMAT_CSV)
                return cli_usage_error("wars", "history writes text or json, not '%s'", optarg);
            break;
        case 'o': output = optarg; break;
        case OPT_DATA: wo.data = optarg; break;
        case OPT_SHARE: wo.share = optarg; break;
        case OPT_WINDOW: {
            char *end;
            long v = strtol(optarg, &end, 10);
            if (!optarg[0] || *end || v < 0 || v > 365)
                return cli_usage_error("wars", "--window takes 0 to 365 days, not '%s'", optarg);
            window = (int)v;
            break;
        }
        case 'h': cli_print_help(self, stdout); return EXIT_OK;
        default: return cli_usage_error("wars", "unknown or incomplete option '%s'", argv[optind]);
        }
    }
    int n_args = argc - 1 - optind;
    char **args = argv + 1 + optind;
    if (n_args != 1)
        return cli_usage_error("wars", "history takes one war number");
    char *end;
    long v = strtol(args[0], &end, 10);
    if (!args[0][0] || *end || v < 1 || v > 99999)
        return cli_usage_error("wars", "'%s' is not a war number", args[0]);

    casus_error err;
    casus_error_clear(&err);
    casus_world *world = NULL;
    casus_wars *wars = NULL;
    casus_history *hist = NULL;
    int rc = cli_load_world(&wo, &world, &err);
    if (rc != EXIT_OK)
        return rc;
    rc = cli_load_wars(wo.data, &wars);
    if (rc != EXIT_OK)
        goto done;
    casus_history_options ho = {.day0_window = window};
    if (casus_history_build(world, wars, &ho, &hist, &err) != CASUS_OK) {
        rc = cli_fail(&err);
        goto done;
    }
    const casus_war_history *h = casus_history_find(hist, (int)v);
    if (!h) {
        fprintf(stderr, "%s wars: no war numbered %ld among the %zu wars (see 'casus wars list')\n", cli_prog, v,
                casus_history_count(hist));
        rc = EXIT_USAGE;
        goto done;
    }
    cli_output out;
    rc = cli_output_open(&out, output, &err);
    if (rc != EXIT_OK)
        goto done;
    if (format == CASUS_FORMAT_JSON) {
        json_t *root = write_json(world, h, window);
        if (!root || json_dumpf(root, out.fp, JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0) {
            json_decref(root);
            cli_output_abort(&out);
            casus_error_set(&err, CASUS_NOMEM, NULL, 0, 0, "cannot write JSON");
            rc = cli_fail(&err);
            goto done;
        }
        fputc('\n', out.fp);
        json_decref(root);
    } else {
        write_text(out.fp, world, h, window);
    }
    rc = cli_output_commit(&out, &err);
done:
    casus_history_free(hist);
    casus_wars_free(wars);
    casus_world_free(world);
    return rc;
}
