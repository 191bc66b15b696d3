/* casus reliability: were the alliances the COW wars set off honoured? */
#include <getopt.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "casus/data.h"
#include "casus/reliability.h"
#include "casus/warplaces.h"
#include "casus/wars.h"
#include "common.h"

int cmd_reliability(int argc, char **argv);
int cli_load_wars(const char *data_opt, casus_wars **out);

const char cmd_reliability_usage[] =
    "Usage: casus reliability [--rule leeds2000|bf2018] [--from Y] [--to Y]\n"
    "                         [--war-places FILE|none] [--format text|csv|json]\n"
    "                         [--output FILE] [--data DIR] [--share DIR] [--treaties DIR]\n"
    "\n"
    "Alliance reliability in the COW inter-state wars: every (war, ATOP alliance)\n"
    "pair in which a member of the alliance fought; whether the war set off the\n"
    "alliance's pledges (casus who on each attack of the war, taken from COW's\n"
    "directed dyadic war data: target, adversary and place conditions, pact\n"
    "type), and whether the members bound honoured them (defence and offence:\n"
    "fought on the ally's side; neutrality and non-aggression: did not fight the\n"
    "ally), with why; then the rates overall, by era (1816-1944, 1945-2003) and\n"
    "by pact type, beside the published ones.\n"
    "\n"
    "  -r, --rule RULE      bf2018 (default: Berkemeier & Fuhrmann 2018; wars begun\n"
    "                       1816-2003; a pledge with a condition casus cannot decide\n"
    "                       from the event counts as set off) or leeds2000 (Leeds,\n"
    "                       Long & Mitchell 2000; 1816-1944; only pledges whose\n"
    "                       every condition held)\n"
    "      --from Y, --to Y the years of the wars' first days (default: the rule's)\n"
    "      --conditions C   held or undecidable: override the rule's reading of\n"
    "                       conditions casus cannot decide\n"
    "      --war-places F   where the attacks took place, when not on the territory\n"
    "                       of the state attacked (default: world/war-places.csv of\n"
    "                       the share directory); none: every attack at the target's\n"
    "                       home territory\n"
    "  -f, --format FMT     text (default), csv (one row per case) or json\n"
    "  -o, --output FILE    write there (atomically) instead of standard output\n"
    "      --data DIR       the data directory (ATOP 5.1 and COW)\n"
    "      --share DIR, --treaties DIR  as for 'casus who'\n"
    "\n"
    "Exit status: 0 on success, 1 when the data cannot be read, 2 for bad input.\n"
    "\n"
    "More: docs/reliability.md.  Example:\n"
    "  casus reliability --rule leeds2000\n";

enum { OPT_FROM = 256, OPT_TO, OPT_CONDITIONS, OPT_WAR_PLACES };

/* The published rates, for the comparison printed beside ours. */
typedef struct published {
    const char *what;
    int invoked, honoured;
} published;
static const published bf2018_rates[] = {
    {"overall", 146, 73},     {"1816-1944", 92, 61},   {"1945-2003", 54, 12},       {"defense", 102, 42},
    {"offense", 42, 31},      {"neutrality", 45, 35},  {"nonaggression", 49, 18},
};

static const casus_kind kinds[] = {CASUS_KIND_DEFENSE, CASUS_KIND_OFFENSE, CASUS_KIND_NEUTRALITY,
                                   CASUS_KIND_NONAGGRESSION};

static double pct(casus_reliability_rate r)
{
    return r.invoked ? 100.0 * (double)r.honoured / (double)r.invoked : 0.0;
}

static void kinds_text(unsigned bits, char *buf, size_t size)
{
    buf[0] = 0;
    size_t n = 0;
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (bits & (1u << kinds[i]))
            n += (size_t)snprintf(buf + n, n < size ? size - n : 0, "%s%s", n ? "," : "", casus_kind_str(kinds[i]));
}

static void members_text(const casus_world *w, const casus_reliability_case *c, char *buf, size_t size)
{
    size_t n = 0;
    buf[0] = 0;
    for (size_t i = 0; i < c->n_members && n < size; i++) {
        char a[12];
        n += (size_t)snprintf(buf + n, size - n, "%s%s", i ? " " : "", casus_world_abb(w, c->members[i], a));
    }
}

static void rate_line(FILE *fp, const char *what, casus_reliability_rate r, const published *pub)
{
    fprintf(fp, "  %-14s %4zu invoked  %4zu honoured  %5.1f%%", what, r.invoked, r.honoured, pct(r));
    if (pub)
        fprintf(fp, "    published %3d/%3d = %5.1f%%", pub->honoured, pub->invoked,
                100.0 * pub->honoured / pub->invoked);
    fputc('\n', fp);
}

static const published *find_pub(casus_reliability_rule rule, const char *what)
{
    if (rule == CASUS_RELIABILITY_LEEDS2000)
        return NULL; /* Leeds et al. (2000) give the overall rate only: printed apart */
    for (size_t i = 0; i < sizeof bf2018_rates / sizeof bf2018_rates[0]; i++)
        if (strcmp(bf2018_rates[i].what, what) == 0)
            return &bf2018_rates[i];
    return NULL;
}

static void write_text(FILE *fp, const casus_world *w, const casus_reliability *rel)
{
    casus_reliability_options o = casus_reliability_options_used(rel);
    size_t n_inv = 0;
    for (size_t i = 0; i < casus_reliability_count(rel); i++) {
        const casus_reliability_case *c = casus_reliability_at(rel, i);
        char mem[512], ks[80];
        members_text(w, c, mem, sizeof mem);
        kinds_text(c->kinds, ks, sizeof ks);
        n_inv += c->invoked;
        fprintf(fp, "war %3d  atop %4d  %-9s %-30s  [%s]\n    %s\n", c->war, c->atop,
                !c->invoked ? "-" : c->honoured ? "honoured" : "violated", ks[0] ? ks : "not set off", mem, c->why);
    }
    fprintf(fp, "\n%zu (war, alliance) pairs with a member at war, %zu set off; rule %s, wars begun %d-%d; %s\n",
            casus_reliability_count(rel), n_inv, casus_reliability_rule_str(o.rule), o.from, o.to,
            o.conditions == CASUS_RELIABILITY_CONDITIONS_HELD ? "pledges whose every condition held"
                                                              : "pledges whose conditions held or are not decidable");
    if (o.places)
        fprintf(fp, "attacks evaluated where they took place: %zu rows of war places (the rest at the target's home)\n",
                casus_war_places_count(o.places));
    else
        fprintf(fp, "every attack evaluated at the target's home territory\n");
    fprintf(fp, "rates (honoured / invoked):\n");
    rate_line(fp, "overall", casus_reliability_overall(rel), find_pub(o.rule, "overall"));
    if (o.rule == CASUS_RELIABILITY_LEEDS2000)
        fprintf(fp, "    Leeds, Long & Mitchell (2000), 1816-1944: 74.5%%\n");
    rate_line(fp, "1816-1944", casus_reliability_by_era(rel, 0), find_pub(o.rule, "1816-1944"));
    rate_line(fp, "1945-2003", casus_reliability_by_era(rel, 1), find_pub(o.rule, "1945-2003"));
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        rate_line(fp, casus_kind_str(kinds[i]), casus_reliability_by_kind(rel, kinds[i]),
                  find_pub(o.rule, casus_kind_str(kinds[i])));
}

static void csv_field(FILE *fp, const char *s)
{
    fputc('"', fp);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', fp);
        fputc(*s, fp);
    }
    fputc('"', fp);
}

static void write_csv(FILE *fp, const casus_world *w, const casus_reliability *rel)
{
    fputs("war,year,atop,members,invoked,honoured,type,why\n", fp);
    for (size_t i = 0; i < casus_reliability_count(rel); i++) {
        const casus_reliability_case *c = casus_reliability_at(rel, i);
        char mem[512], ks[80];
        members_text(w, c, mem, sizeof mem);
        kinds_text(c->kinds, ks, sizeof ks);
        fprintf(fp, "%d,%d,%d,", c->war, c->war_year, c->atop);
        csv_field(fp, mem);
        fprintf(fp, ",%d,%s,", c->invoked, c->invoked ? (c->honoured ? "1" : "0") : "");
        csv_field(fp, ks);
        fputc(',', fp);
        csv_field(fp, c->why);
        fputc('\n', fp);
    }
}

static json_t *rate_json(casus_reliability_rate r)
{
    return json_pack("{s:I, s:I, s:o}", "invoked", (json_int_t)r.invoked, "honoured", (json_int_t)r.honoured, "rate",
                     r.invoked ? json_real((double)r.honoured / (double)r.invoked) : json_null());
}

static json_t *write_json(const casus_world *w, const casus_reliability *rel)
{
    casus_reliability_options o = casus_reliability_options_used(rel);
    json_t *cases = json_array();
    for (size_t i = 0; i < casus_reliability_count(rel); i++) {
        const casus_reliability_case *c = casus_reliability_at(rel, i);
        char ks[80], a[12];
        kinds_text(c->kinds, ks, sizeof ks);
        json_t *mem = json_array();
        for (size_t k = 0; k < c->n_members; k++)
            json_array_append_new(mem, json_string(casus_world_abb(w, c->members[k], a)));
        json_t *duties = json_array();
        for (size_t k = 0; k < c->n_duties; k++) {
            const casus_reliability_duty *d = &c->duties[k];
            char b[12], day[11];
            casus_date_format(d->attack.day, day);
            json_array_append_new(
                duties, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:b, s:s}", "obligor",
                                  casus_world_abb(w, d->obligation->obligor, a), "beneficiary",
                                  casus_world_abb(w, d->obligation->beneficiary, b), "kind",
                                  casus_kind_str(d->obligation->kind), "role", casus_role_str(d->role), "treaty",
                                  d->obligation->treaty->id, "article", d->obligation->article->number, "day", day,
                                  "place", d->attack.place ? json_string(d->attack.place->id) : json_null(),
                                  "honoured", d->honoured, "why", d->why));
        }
        json_array_append_new(cases, json_pack("{s:i, s:i, s:o, s:b, s:o, s:s, s:s, s:o}", "war", c->war, "atop",
                                               c->atop, "members", mem, "invoked", c->invoked, "honoured",
                                               c->invoked ? json_boolean(c->honoured) : json_null(), "type", ks, "why",
                                               c->why, "duties", duties));
    }
    json_t *by_type = json_object();
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        json_object_set_new(by_type, casus_kind_str(kinds[i]), rate_json(casus_reliability_by_kind(rel, kinds[i])));
    json_t *rates = json_pack("{s:o, s:{s:o, s:o}, s:o}", "overall", rate_json(casus_reliability_overall(rel)),
                              "by_era", "1816-1944", rate_json(casus_reliability_by_era(rel, 0)), "1945-2003",
                              rate_json(casus_reliability_by_era(rel, 1)), "by_type", by_type);
    return json_pack("{s:s, s:i, s:i, s:s, s:b, s:o, s:o}", "rule", casus_reliability_rule_str(o.rule), "from", o.from,
                     "to", o.to, "conditions",
                     o.conditions == CASUS_RELIABILITY_CONDITIONS_HELD ? "held" : "undecidable", "war_places",
                     o.places != NULL, "cases", cases, "rates", rates);
}

static int year_arg(const char *s, int *out)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (!s[0] || *end || v < 1816 || v > 2100)
        return cli_usage_error("reliability", "'%s' is not a year from 1816", s);
    *out = (int)v;
    return EXIT_OK;
}

int cmd_reliability(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"rule", required_argument, NULL, 'r'}, {"from", required_argument, NULL, OPT_FROM},
        {"to", required_argument, NULL, OPT_TO}, CLI_LONGOPT_FORMAT, CLI_LONGOPT_OUTPUT, CLI_LONGOPT_DATA,
        CLI_LONGOPT_SHARE, CLI_LONGOPT_TREATIES, {"conditions", required_argument, NULL, OPT_CONDITIONS},
        {"war-places", required_argument, NULL, OPT_WAR_PLACES},
        CLI_LONGOPT_HELP, CLI_LONGOPT_END};
    cli_world_opts wo = {0};
    casus_reliability_options ro = {.rule = CASUS_RELIABILITY_BF2018};
    const char *output = NULL, *places_opt = NULL;
    int format = CASUS_FORMAT_TEXT, c, rc;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "r:f:o:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'r': {
            int r = casus_reliability_rule_from_str(optarg);
            if (r < 0)
                return cli_usage_error("reliability", "unknown rule '%s' (leeds2000 or bf2018)", optarg);
            ro.rule = (casus_reliability_rule)r;
            break;
        }
        case OPT_FROM:
            if ((rc = year_arg(optarg, &ro.from)) != EXIT_OK)
                return rc;
            break;
        case OPT_TO:
            if ((rc = year_arg(optarg, &ro.to)) != EXIT_OK)
                return rc;
            break;
        case 'f':
            format = casus_format_from_str(optarg);
            if (format < 0)
                return cli_usage_error("reliability", "unknown format '%s' (text, csv or json)", optarg);
            break;
        case 'o': output = optarg; break;
        case OPT_CONDITIONS:
            if (strcmp(optarg, "held") == 0)
                ro.conditions = CASUS_RELIABILITY_CONDITIONS_HELD;
            else if (strcmp(optarg, "undecidable") == 0)
                ro.conditions = CASUS_RELIABILITY_CONDITIONS_UNDECIDABLE;
            else
                return cli_usage_error("reliability", "--conditions takes held or undecidable, not '%s'", optarg);
            break;
        case OPT_WAR_PLACES: places_opt = optarg; break;
        case 'h': fputs(cmd_reliability_usage, stdout); return EXIT_OK;
        default:
            if (cli_world_option(c, optarg, &wo))
                break;
            return cli_usage_error("reliability", "unknown or incomplete option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return cli_usage_error("reliability", "unexpected argument '%s'", argv[optind]);
    if (ro.from && ro.to && ro.from > ro.to)
        return cli_usage_error("reliability", "--from %d is after --to %d", ro.from, ro.to);

    casus_error err;
    casus_error_clear(&err);
    casus_world *world = NULL;
    casus_wars *wars = NULL;
    casus_reliability *rel = NULL;
    casus_war_places *places = NULL;
    char dir[4096];
    if ((rc = cli_load_world_data(&wo, CASUS_DATA_COW | CASUS_DATA_ATOP | CASUS_DATA_WARS, "reliability", dir, sizeof dir,
                                  &world, &err)) != EXIT_OK)
        return rc;
    if ((rc = cli_load_wars(wo.data, &wars)) != EXIT_OK)
        goto done;
    /* Where the attacks took place: the file given, or the shipped table
     * when it is there; "none": every attack at the target's home. */
    if ((rc = cli_load_war_places(world, wo.share, places_opt, &places)) != EXIT_OK)
        goto done;
    ro.places = places;
    if (casus_reliability_build(world, wars, &ro, &rel, &err) != CASUS_OK) {
        rc = cli_fail(&err);
        goto done;
    }
    cli_output out;
    if ((rc = cli_output_open(&out, output, &err)) != EXIT_OK)
        goto done;
    if (format == CASUS_FORMAT_JSON) {
        if ((rc = cli_output_json(&out, write_json(world, rel),
                                  JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(4), &err)) != EXIT_OK)
            goto done;
    } else if (format == CASUS_FORMAT_CSV) {
        write_csv(out.fp, world, rel);
    } else {
        write_text(out.fp, world, rel);
    }
    rc = cli_output_commit(&out, &err);
done:
    casus_reliability_free(rel);
    casus_war_places_free(places);
    casus_wars_free(wars);
    casus_world_free(world);
    return rc;
}
