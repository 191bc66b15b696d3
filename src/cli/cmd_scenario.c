/* casus scenario: check scenario files, list and show the scenarios shipped. */
#include <dirent.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "casus/scenario.h"
#include "casus/world.h"
#include "common.h"

enum { OPT_SHARE = 256, OPT_TREATIES, OPT_DATA, OPT_SCENARIOS };

static int check(const casus_world *w, int argc, char **argv)
{
    if (argc < 1)
        return cli_usage_error("scenario", "check needs at least one FILE");
    int worst = EXIT_OK;
    for (int i = 0; i < argc; i++) {
        casus_error err;
        casus_error_clear(&err);
        casus_scenario *sc = NULL;
        if (casus_scenario_load_file(w, argv[i], &sc, &err) != CASUS_OK) {
            int r = cli_fail(&err);
            if (r > worst)
                worst = r;
            continue;
        }
        char day[11];
        casus_date_format(sc->start, day);
        printf("%s: ok: %s, %zu attack%s from %s, %zu event%s, %zu assumption%s, horizon %d days\n", argv[i], sc->id,
               sc->n_attacks, sc->n_attacks == 1 ? "" : "s", day, sc->n_events, sc->n_events == 1 ? "" : "s",
               sc->n_assumes, sc->n_assumes == 1 ? "" : "s", sc->horizon);
        casus_scenario_free(sc);
    }
    return worst;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The *.scenario files of dir, in name order; NULL-terminated, malloc'd. */
static char **scenario_files(const char *dir, size_t *n_out)
{
    DIR *d = opendir(dir);
    if (!d)
        return NULL;
    size_t n = 0, cap = 16;
    char **names = malloc(cap * sizeof *names);
    struct dirent *e;
    while (names && (e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (e->d_name[0] == '.' || len <= 9 || strcmp(e->d_name + len - 9, ".scenario") != 0)
            continue;
        if (n + 1 >= cap) {
            char **more = realloc(names, (cap *= 2) * sizeof *names);
            if (!more)
                break;
            names = more;
        }
        size_t size = strlen(dir) + len + 2;
        if (!(names[n] = malloc(size)))
            break;
        snprintf(names[n++], size, "%s/%s", dir, e->d_name);
    }
    closedir(d);
    if (!names)
        return NULL;
    qsort(names, n, sizeof *names, cmp_names);
    names[n] = NULL;
    *n_out = n;
    return names;
}

static void free_files(char **files)
{
    for (size_t i = 0; files && files[i]; i++)
        free(files[i]);
    free(files);
}

/* Prints text wrapped at width: first line after `first`, the others
 * after `indent` (both the same width); '\n' starts a new paragraph. */
static void wrap(const char *first, const char *indent, const char *text, size_t width)
{
    size_t col = 0;
    const char *p = text;
    fputs(first, stdout);
    while (*p) {
        if (*p == '\n') {
            printf("\n\n%s", indent);
            col = 0;
            p++;
            continue;
        }
        const char *e = p;
        while (*e && *e != ' ' && *e != '\n')
            e++;
        size_t n = (size_t)(e - p);
        if (col && col + 1 + n > width) {
            printf("\n%s", indent);
            col = 0;
        } else if (col) {
            putchar(' ');
            col++;
        }
        fwrite(p, 1, n, stdout);
        col += n;
        p = *e == ' ' ? e + 1 : e;
    }
    putchar('\n');
}

static void trailer(const char *source, const char *note)
{
    if (source)
        printf(" [%s]", source);
    if (note)
        printf(" (%s)", note);
    putchar('\n');
}

static void show(const casus_world *w, const casus_scenario *sc)
{
    char a[12], b[12], c[12], day[24];
    printf("%s: %s\n", sc->id, sc->title);
    printf("file: %s\n", sc->file);
    casus_date_format(sc->start, day);
    printf("day 0: %s; horizon %d days; %llu trials, seed %llu by default\n", day, sc->horizon,
           (unsigned long long)sc->trials, (unsigned long long)sc->seed);
    if (sc->events_file)
        printf("events file: %s\n", sc->events_file);
    printf("opening attacks (%zu):\n", sc->n_attacks);
    for (size_t i = 0; i < sc->n_attacks; i++) {
        const casus_scenario_attack *at = &sc->attacks[i];
        casus_date_format(at->day, day);
        printf("  %s  %s attacks %s %s%s", day, casus_world_abb(w, at->attacker, a), casus_world_abb(w, at->target, b),
               at->place ? "at " : "on its home territory", at->place ? at->place->id : "");
        trailer(at->source, NULL);
    }
    if (sc->n_events)
        printf("events (%zu):\n", sc->n_events);
    for (size_t i = 0; i < sc->n_events; i++) {
        const casus_scenario_event *e = &sc->events[i];
        casus_span_format(e->on, day);
        printf("  %-10s ", day);
        switch (e->kind) {
        case CASUS_EVENT_TREATY_IN_FORCE:
            printf("%s enters into force", e->treaty->id);
            break;
        case CASUS_EVENT_TREATY_SUSPENDED:
            printf("%s suspended for %s", e->treaty->id, casus_world_abb(w, e->state, a));
            if (e->other)
                printf(" toward %s", casus_world_abb(w, e->other, b));
            break;
        case CASUS_EVENT_TREATY_ENDS:
            if (e->state)
                printf("%s leaves %s", casus_world_abb(w, e->state, a), e->treaty->id);
            else
                printf("%s ends", e->treaty->id);
            break;
        case CASUS_EVENT_NEUTRALITY:
            printf("%s declares its neutrality", casus_world_abb(w, e->state, a));
            break;
        case CASUS_EVENT_DEPLOYMENT:
            printf("%s fights with %s against %s", casus_world_abb(w, e->state, a), casus_world_abb(w, e->ally, b),
                   casus_world_abb(w, e->other, c));
            if (e->place)
                printf(" at %s", e->place->id);
            break;
        default:
            break;
        }
        trailer(e->source, e->note);
    }
    if (sc->n_assumes)
        printf("assumptions (%zu):\n", sc->n_assumes);
    for (size_t i = 0; i < sc->n_assumes; i++) {
        const casus_scenario_assume *as = &sc->assumes[i];
        if (as->kind == CASUS_ASSUME_OUT)
            printf("  %s stays out", casus_world_abb(w, as->state, a));
        else {
            casus_span_format(as->on, day);
            printf("  %s joins with %s on %s", casus_world_abb(w, as->state, a), casus_world_abb(w, as->ally, b), day);
        }
        trailer(as->source, as->note);
    }
    if (sc->text) {
        putchar('\n');
        wrap("  ", "  ", sc->text, 76);
    }
    printf("\nsources:\n");
    for (size_t i = 0; i < sc->n_sources; i++)
        printf("  %s  %s\n", sc->sources[i].key, sc->sources[i].text);
    if (sc->notes) {
        printf("\nnotes:\n");
        const char *p = sc->notes;
        while (*p) {
            const char *e = strchr(p, '\n');
            size_t n = e ? (size_t)(e - p) : strlen(p);
            char *line = strndup(p, n);
            if (line) {
                wrap("  - ", "    ", line, 74);
                free(line);
            }
            p += n + (e ? 1 : 0);
        }
    }
}

/* list and show read every scenario of the directory; a bad file is an
 * input error (exit 2), as it is for check. */
static int list_or_show(const casus_world *w, const char *dir, const char *id)
{
    size_t n = 0;
    char **files = scenario_files(dir, &n);
    if (!files) {
        fprintf(stderr, "%s: cannot read the scenario directory %s\n", cli_prog, dir);
        return EXIT_WORK;
    }
    int rc = EXIT_OK;
    bool found = false;
    for (size_t i = 0; i < n && rc == EXIT_OK && !found; i++) {
        casus_error err;
        casus_error_clear(&err);
        casus_scenario *sc = NULL;
        if (casus_scenario_load_file(w, files[i], &sc, &err) != CASUS_OK) {
            rc = cli_fail(&err);
            break;
        }
        if (!id) {
            char day[11];
            casus_date_format(sc->start, day);
            printf("%-18s %s %4d days  %s\n", sc->id, day, sc->horizon, sc->title);
        } else if (strcmp(sc->id, id) == 0) {
            show(w, sc);
            found = true;
        }
        casus_scenario_free(sc);
    }
    free_files(files);
    if (rc == EXIT_OK && id && !found)
        return cli_usage_error("scenario", "no scenario with id '%s' (try 'casus scenario list')", id);
    return rc;
}

int cmd_scenario(int argc, char **argv);
int cmd_scenario(int argc, char **argv)
{
    static const struct option longopts[] = {{"share", required_argument, NULL, OPT_SHARE},
                                             {"treaties", required_argument, NULL, OPT_TREATIES},
                                             {"data", required_argument, NULL, OPT_DATA},
                                             {"scenarios", required_argument, NULL, OPT_SCENARIOS},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    cli_world_opts wo = {.no_data = true};
    const char *scen_dir = NULL;
    int c;
    optind = 1;
    opterr = 0;
    /* Options may stand before or after the subcommand and its files
     * (getopt permutes them to the front). */
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case 'h':
            cli_print_help(cli_find("scenario"), stdout);
            return EXIT_OK;
        case OPT_SHARE:
            wo.share = optarg;
            break;
        case OPT_TREATIES:
            wo.treaties = optarg;
            break;
        case OPT_DATA:
            wo.data = optarg;
            wo.no_data = false;
            break;
        case OPT_SCENARIOS:
            scen_dir = optarg;
            break;
        default:
            return cli_usage_error("scenario", "unknown or incomplete option '%s'", argv[optind - 1]);
        }
    }
    if (optind >= argc)
        return cli_usage_error("scenario", "expected check, list or show");
    const char *sub = argv[optind++];
    bool is_check = strcmp(sub, "check") == 0, is_list = strcmp(sub, "list") == 0,
         is_show = strcmp(sub, "show") == 0;
    if (!is_check && !is_list && !is_show)
        return cli_usage_error("scenario", "unknown subcommand '%s' (check, list or show)", sub);
    if (is_check && optind >= argc)
        return cli_usage_error("scenario", "check needs at least one FILE");
    if (is_list && optind != argc)
        return cli_usage_error("scenario", "list takes no argument");
    if (is_show && optind + 1 != argc)
        return cli_usage_error("scenario", "show needs exactly one scenario ID");
    casus_world *w = NULL;
    casus_error err;
    casus_error_clear(&err);
    int rc = cli_load_world(&wo, &w, &err);
    if (rc != EXIT_OK)
        return rc;
    if (is_check)
        rc = check(w, argc - optind, argv + optind);
    else {
        char dir[4096];
        if (scen_dir)
            snprintf(dir, sizeof dir, "%s", scen_dir);
        else
            snprintf(dir, sizeof dir, "%s/scenarios", cli_share_dir(wo.share));
        rc = list_or_show(w, dir, is_show ? argv[optind] : NULL);
    }
    casus_world_free(w);
    return rc;
}
