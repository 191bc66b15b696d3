/* compare-dyads: casus's directed dyad-year table against peacesciencer's
 * reference output (atop_ddy_1816_2018.csv.gz, from create_dyadyears() and
 * add_atop_alliance()).  Prints the difference of the two row sets, the
 * agreement of each flag, and every class of disagreement with the ATOP
 * alliances behind it and examples.  docs/export.md explains the classes.
 *
 * Usage: compare-dyads [DATA_DIR] [--examples N]
 * DATA_DIR defaults to $CASUS_DATA and then casus's own defaults; it holds
 * cow/, atop/ and peacesciencer/. */
#include <stdbool.h>
#include <string.h>
#include <zlib.h>

#include "bench_common.h"
#include "casus/export.h"

typedef struct ref_row {
    short c1, c2, year;
    unsigned char flags;
} ref_row;

typedef struct table {
    ref_row *v;
    size_t n, cap;
} table;

static int push(table *t, int c1, int c2, int year, unsigned flags)
{
    if (t->n == t->cap) {
        t->cap = t->cap ? 2 * t->cap : 1 << 16;
        ref_row *p = realloc(t->v, t->cap * sizeof *p);
        if (!p)
            return -1;
        t->v = p;
    }
    t->v[t->n++] = (ref_row){(short)c1, (short)c2, (short)year, (unsigned char)flags};
    return 0;
}

static casus_status collect(void *ud, const casus_dyad *row)
{
    return push(ud, row->ccode1, row->ccode2, row->year, row->flags & 0x7fu) ? CASUS_NOMEM : CASUS_OK;
}

static int read_reference(const char *path, table *t)
{
    gzFile gz = gzopen(path, "rb");
    if (!gz)
        return -1;
    gzbuffer(gz, 1 << 17);
    char line[256];
    if (!gzgets(gz, line, sizeof line) || strncmp(line, "\"ccode1\"", 8) != 0) {
        fprintf(stderr, "%s: unexpected header\n", path);
        gzclose(gz);
        return -1;
    }
    while (gzgets(gz, line, sizeof line)) {
        int v[9];
        if (sscanf(line, "%d,%d,%d,%d,%d,%d,%d,%d,%d", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7],
                   &v[8]) != 9) {
            fprintf(stderr, "%s: bad line: %s", path, line);
            gzclose(gz);
            return -1;
        }
        unsigned f = 0;
        for (int b = 0; b < 6; b++)
            f |= (v[3 + b] ? 1u : 0u) << b;
        if (push(t, v[0], v[1], v[2], f)) {
            gzclose(gz);
            return -1;
        }
    }
    gzclose(gz);
    return 0;
}

static int key_cmp(const ref_row *a, const ref_row *b)
{
    if (a->c1 != b->c1)
        return a->c1 < b->c1 ? -1 : 1;
    if (a->c2 != b->c2)
        return a->c2 < b->c2 ? -1 : 1;
    return (a->year > b->year) - (a->year < b->year);
}

static const char *const flag_names[6] = {"atop_alliance", "atop_defense", "atop_offense",
                                          "atop_neutral",  "atop_nonagg",  "atop_consul"};

/* The ATOP alliances (ids, comma-separated) under which ccode1 owes ccode2
 * the flag's kind (or, for the alliance flag, shares a membership) in year. */
static void alliances_behind(const casus_world *w, int c1, int c2, int year, int flag, char *out, size_t size)
{
    static const casus_kind kinds[6] = {0, CASUS_KIND_DEFENSE, CASUS_KIND_OFFENSE, CASUS_KIND_NEUTRALITY,
                                        CASUS_KIND_NONAGGRESSION, CASUS_KIND_CONSULTATION};
    casus_day y0 = casus_day_from_ymd(year, 1, 1), y1 = casus_day_from_ymd(year, 12, 31);
    size_t len = 0;
    out[0] = '\0';
    int ids[16];
    size_t n_ids = 0;
    const casus_obligation *first;
    size_t n = casus_world_obligations_to(w, c2, &first);
    for (size_t k = 0; k < n; k++) {
        const casus_obligation *ob = &first[k];
        if (ob->obligor != c1 || !ob->treaty->from_atop || ob->treaty->n_atop == 0)
            continue;
        if (flag > 0 && ob->kind != kinds[flag])
            continue;
        if (ob->valid.start.lo > y1 || ob->valid.end.hi < y0)
            continue;
        int id = ob->treaty->atop[0];
        bool seen = false;
        for (size_t m = 0; m < n_ids && !seen; m++)
            seen = ids[m] == id;
        if (seen || n_ids == 16)
            continue;
        ids[n_ids++] = id;
        if (len + 12 < size)
            len += (size_t)snprintf(out + len, size - len, "%s%d", len ? "," : "", id);
    }
    if (!out[0])
        snprintf(out, size, "none");
}

/* The number of states ever party to the ATOP alliance. */
static size_t party_count(const casus_world *w, int atopid)
{
    char id[32];
    snprintf(id, sizeof id, "atop-%d", atopid);
    const casus_treaty *t = casus_world_treaty_find(w, id);
    if (!t)
        return 0;
    size_t n = 0;
    for (size_t i = 0; i < t->n_parties; i++) {
        bool seen = false;
        for (size_t j = 0; j < i && !seen; j++)
            seen = t->parties[j].ccode == t->parties[i].ccode;
        n += !seen;
    }
    return n;
}

typedef struct dis_class {
    int flag;
    int casus_value;
    char alliances[128];
    size_t rows;
    char examples[256];
    size_t n_examples;
} dis_class;

int main(int argc, char **argv)
{
    const char *dir_arg = NULL;
    size_t max_examples = 5;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--examples") == 0 && i + 1 < argc)
            max_examples = (size_t)atoi(argv[++i]);
        else
            dir_arg = argv[i];
    }
    char dir_buf[4096];
    const char *dir = bench_data_dir(dir_arg, dir_buf, sizeof dir_buf);
    casus_world *w = bench_load_world("compare-dyads", dir, CASUS_DATA_COW | CASUS_DATA_ATOP);
    if (!w)
        return 1;
    casus_error err;
    table mine = {0}, ref = {0};
    casus_dyads_opts o = {.from_year = 1816, .to_year = 2018};
    if (casus_dyads_scan(w, &o, collect, &mine, &err) != CASUS_OK) {
        fprintf(stderr, "compare-dyads: %s\n", err.message);
        return 1;
    }
    char path[sizeof dir_buf + 64];
    snprintf(path, sizeof path, "%s/peacesciencer/atop_ddy_1816_2018.csv.gz", dir);
    if (read_reference(path, &ref)) {
        fprintf(stderr, "compare-dyads: cannot read %s\n", path);
        return 1;
    }

    size_t i = 0, j = 0, only_mine = 0, only_ref = 0, both = 0, all_agree = 0;
    size_t agree[6] = {0}, mine_only[6] = {0}, ref_only[6] = {0};
    dis_class classes[256];
    size_t n_classes = 0;
    printf("rows: casus %zu, peacesciencer %zu\n", mine.n, ref.n);
    while (i < mine.n || j < ref.n) {
        int c = i == mine.n ? 1 : j == ref.n ? -1 : key_cmp(&mine.v[i], &ref.v[j]);
        if (c < 0) {
            if (only_mine++ < max_examples)
                printf("  only in casus: %d,%d,%d\n", mine.v[i].c1, mine.v[i].c2, mine.v[i].year);
            i++;
            continue;
        }
        if (c > 0) {
            if (only_ref++ < max_examples)
                printf("  only in peacesciencer: %d,%d,%d\n", ref.v[j].c1, ref.v[j].c2, ref.v[j].year);
            j++;
            continue;
        }
        const ref_row *a = &mine.v[i++], *b = &ref.v[j++];
        both++;
        all_agree += a->flags == b->flags;
        for (int f = 0; f < 6; f++) {
            int x = a->flags >> f & 1, y = b->flags >> f & 1;
            if (x == y) {
                agree[f]++;
                continue;
            }
            if (x)
                mine_only[f]++;
            else
                ref_only[f]++;
            char ids[128];
            alliances_behind(w, a->c1, a->c2, a->year, x ? f : 0, ids, sizeof ids);
            dis_class *k = NULL;
            for (size_t m = 0; m < n_classes && !k; m++)
                if (classes[m].flag == f && classes[m].casus_value == x && strcmp(classes[m].alliances, ids) == 0)
                    k = &classes[m];
            if (!k && n_classes < 256) {
                k = &classes[n_classes++];
                memset(k, 0, sizeof *k);
                k->flag = f;
                k->casus_value = x;
                snprintf(k->alliances, sizeof k->alliances, "%s", ids);
            }
            if (!k)
                continue;
            k->rows++;
            if (k->n_examples++ < 3) {
                size_t l = strlen(k->examples);
                snprintf(k->examples + l, sizeof k->examples - l, "%s%d,%d,%d", l ? " " : "", a->c1, a->c2, a->year);
            }
        }
    }
    printf("row sets: %zu in both, %zu only in casus, %zu only in peacesciencer\n", both, only_mine, only_ref);
    printf("\n%-14s %9s %8s %12s %12s\n", "flag", "agree", "%", "casus 1/ps 0", "casus 0/ps 1");
    for (int f = 0; f < 6; f++)
        printf("%-14s %9zu %8.4f %12zu %12zu\n", flag_names[f], agree[f], both ? 100.0 * (double)agree[f] / (double)both : 0.0,
               mine_only[f], ref_only[f]);
    printf("%-14s %9zu %8.4f\n", "all six", all_agree, both ? 100.0 * (double)all_agree / (double)both : 0.0);

    /* Largest classes first. */
    for (size_t a = 1; a < n_classes; a++)
        for (size_t b = a; b > 0 && classes[b].rows > classes[b - 1].rows; b--) {
            dis_class t = classes[b];
            classes[b] = classes[b - 1];
            classes[b - 1] = t;
        }
    printf("\nclasses of disagreement (flag, which side has 1, ATOP alliances behind casus's 1, members):\n");
    for (size_t k = 0; k < n_classes; k++) {
        const dis_class *d = &classes[k];
        size_t members = d->casus_value && strchr(d->alliances, ',') == NULL && strcmp(d->alliances, "none")
                             ? party_count(w, atoi(d->alliances))
                             : 0;
        printf("  %-13s %-14s atop %-12s %3zu members  %5zu rows  e.g. %s\n", flag_names[d->flag],
               d->casus_value ? "casus 1, ps 0" : "casus 0, ps 1", d->alliances, members, d->rows, d->examples);
    }
    free(mine.v);
    free(ref.v);
    casus_world_free(w);
    return 0;
}
