/* casus treaty: check treaty files, list and show treaties. */
#include <getopt.h>
#include <string.h>

#include "casus/treaty.h"
#include "casus/world.h"
#include "common.h"


static int load_tables(const char *share, casus_world **w, casus_error *err)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/world", cli_share_dir(share));
    casus_status st = casus_world_create(w, err);
    if (st == CASUS_OK)
        st = casus_world_load_tables(*w, path, err);
    if (st != CASUS_OK) {
        casus_world_free(*w);
        *w = NULL;
        return cli_fail(err);
    }
    return EXIT_OK;
}

static int treaty_check(int argc, char **argv, const char *share)
{
    if (argc < 1)
        return cli_usage_error("treaty", "check needs at least one FILE");
    casus_world *w = NULL;
    casus_error err;
    casus_error_clear(&err);
    int rc = load_tables(share, &w, &err);
    if (rc != EXIT_OK)
        return rc;
    int worst = EXIT_OK;
    for (int i = 0; i < argc; i++) {
        casus_status st = casus_world_load_treaty_file(w, argv[i], &err);
        if (st != CASUS_OK) {
            int r = cli_fail(&err);
            if (r > worst)
                worst = r;
            continue;
        }
        const casus_treaty *t = casus_world_treaty_at(w, casus_world_treaty_count(w) - 1);
        size_t rules = 0;
        for (size_t k = 0; k < t->n_articles; k++)
            rules += t->articles[k].n_rules;
        printf("%s: ok: %s, %zu parties, %zu articles, %zu rules\n", argv[i], t->id, t->n_parties, t->n_articles,
               rules);
    }
    casus_world_free(w);
    return worst;
}

static void print_period(const char *label, casus_period p)
{
    char a[24], b[24];
    casus_span_format(p.start, a);
    casus_span_format(p.end, b);
    printf("%s%s to %s", label, a, casus_span_is_open(p.end) ? "(no end)" : b);
}

/* The columns a word takes: one per UTF-8 character, not per byte, so
 * Cyrillic and other non-ASCII text wraps at the same width as English. */
static size_t columns(const char *s, size_t n)
{
    size_t cols = 0;
    for (size_t i = 0; i < n; i++)
        cols += ((unsigned char)s[i] & 0xC0) != 0x80;
    return cols;
}

static void wrap(const char *indent, const char *text, size_t width)
{
    size_t col = 0;
    const char *p = text;
    fputs(indent, stdout);
    while (*p) {
        const char *e = p;
        while (*e && *e != ' ')
            e++;
        size_t n = (size_t)(e - p);
        size_t w = columns(p, n);
        if (col && col + 1 + w > width) {
            printf("\n%s", indent);
            col = 0;
        } else if (col) {
            putchar(' ');
            col++;
        }
        fwrite(p, 1, n, stdout);
        col += w;
        p = *e ? e + 1 : e;
    }
    putchar('\n');
}

static void show(const casus_world *w, const casus_treaty *t)
{
    char buf[64], a[24];
    printf("%s: %s\n", t->id, t->title ? t->title : "");
    if (t->file)
        printf("file: %s\n", t->file);
    casus_span_format(t->signed_on, a);
    printf("signed: %s\n", a);
    print_period("in force: ", t->in_force);
    if (t->end_cause != CASUS_END_NONE)
        printf(" (%s%s%s)", casus_end_str(t->end_cause), t->end_note ? ": " : "", t->end_note ? t->end_note : "");
    putchar('\n');
    if (t->n_atop) {
        printf("ATOP:");
        for (size_t i = 0; i < t->n_atop; i++)
            printf(" %d", t->atop[i]);
        putchar('\n');
    }
    printf("parties (%zu):\n", t->n_parties);
    for (size_t i = 0; i < t->n_parties; i++) {
        const casus_party *p = &t->parties[i];
        const casus_state *s = casus_world_state_by_ccode(w, p->ccode);
        printf("  %-3s %3d  %-28s ", p->abb, p->ccode, s ? s->name : "");
        print_period("", p->member);
        if (p->note)
            printf(" (%s)", p->note);
        putchar('\n');
    }
    for (size_t i = 0; i < t->n_suspensions; i++) {
        const casus_suspension *s = &t->suspensions[i];
        char x[12], y[12];
        printf("suspended: %s toward %s, ", casus_world_abb(w, s->by, x), casus_world_abb(w, s->toward, y));
        print_period("", s->period);
        if (s->note)
            printf(" (%s)", s->note);
        putchar('\n');
    }
    for (size_t i = 0; i < t->n_articles; i++) {
        const casus_article *art = &t->articles[i];
        printf("\nArticle %s%s%s\n", art->number, art->title ? ": " : "", art->title ? art->title : "");
        for (size_t k = 0; k < art->n_passages; k++) {
            const casus_passage *ps = &art->passages[k];
            printf("  [%s, %s%s%s]\n", casus_text_status_str(ps->status), ps->source, ps->note ? ", " : "",
                   ps->note ? ps->note : "");
            wrap("    ", ps->text, 76);
        }
        for (size_t k = 0; k < art->n_rules; k++) {
            const casus_rule *r = &art->rules[k];
            casus_actions_format(r->actions, buf, sizeof buf);
            printf("  rule %s: trigger %s, timing %s, action %s\n", casus_kind_str(r->kind),
                   casus_trigger_str(r->trigger), casus_timing_str(r->timing), buf);
            printf("    owed by ");
            if (!r->owed_by)
                printf("each party");
            for (size_t j = 0; j < r->n_owed_by; j++) {
                char x[12];
                printf("%s%s", j ? " " : "", casus_world_abb(w, r->owed_by[j], x));
            }
            printf(", to ");
            if (!r->owed_to)
                printf("each other party");
            for (size_t j = 0; j < r->n_owed_to; j++) {
                char x[12];
                printf("%s%s", j ? " " : "", casus_world_abb(w, r->owed_to[j], x));
            }
            putchar('\n');
            for (size_t j = 0; j < r->n_conds; j++) {
                const casus_condition *c = &r->conds[j];
                static const char *const names[] = {"adversary any", "adversary one-of", "adversary non-party",
                                                    "adversary external", "place anywhere", "place territory-of beneficiary",
                                                    "place administered-by", "place in", "place recognized-by obligor",
                                                    "when-attacked", "undecidable"};
                printf("    %s", names[c->kind]);
                for (size_t s = 0; s < c->n_states; s++) {
                    char x[12];
                    printf(" %s", casus_world_abb(w, c->states[s], x));
                }
                if (c->kind == CASUS_COND_PLACE_ADMINISTERED && !c->n_states)
                    printf(" beneficiary");
                if (c->area)
                    printf(" %s", c->area);
                if (c->text)
                    printf(" \"%s\"", c->text);
                putchar('\n');
            }
        }
    }
    if (t->n_sources) {
        printf("\nsources:\n");
        for (size_t i = 0; i < t->n_sources; i++)
            printf("  %s  %s\n", t->sources[i].key, t->sources[i].text);
    }
    if (t->notes) {
        printf("\nnotes:\n");
        wrap("  ", t->notes, 76);
    }
}

int cmd_treaty(int argc, char **argv);
int cmd_treaty(int argc, char **argv)
{
    static const struct option longopts[] = {CLI_LONGOPT_SHARE, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    cli_world_opts shared = {0};
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
        if (c == 'h') {
            cli_print_help(cli_find("treaty"), stdout);
            return EXIT_OK;
        }
        if (!cli_world_option(c, optarg, &shared))
            return cli_usage_error("treaty", "unknown or incomplete option '%s'", argv[optind - 1]);
    }
    if (optind >= argc)
        return cli_usage_error("treaty", "expected check, list or show");
    const char *share = shared.share;
    const char *sub = argv[optind++];
    if (strcmp(sub, "check") == 0)
        return treaty_check(argc - optind, argv + optind, share);
    if (strcmp(sub, "list") != 0 && strcmp(sub, "show") != 0)
        return cli_usage_error("treaty", "unknown subcommand '%s' (check, list or show)", sub);
    cli_world_opts wo = {.share = share, .no_data = true};
    casus_world *w = NULL;
    casus_error err;
    casus_error_clear(&err);
    if (strcmp(sub, "show") == 0 && optind + 1 != argc)
        return cli_usage_error("treaty", "show needs exactly one treaty ID");
    int rc = cli_load_world(&wo, &w, &err);
    if (rc != EXIT_OK)
        return rc;
    if (strcmp(sub, "list") == 0) {
        for (size_t i = 0; i < casus_world_treaty_count(w); i++) {
            const casus_treaty *t = casus_world_treaty_at(w, i);
            char a[24];
            casus_span_format(t->in_force.start, a);
            printf("%-16s %-10s %3zu parties  %s\n", t->id, a, t->n_parties, t->title);
        }
    } else {
        const casus_treaty *t = casus_world_treaty_find(w, argv[optind]);
        if (!t) {
            casus_world_free(w);
            return cli_usage_error("treaty", "no treaty with id '%s' (try 'casus treaty list')", argv[optind]);
        }
        show(w, t);
    }
    casus_world_free(w);
    return EXIT_OK;
}
