/* Fuzz target: casus_who and the evaluator, on random attacks against the
 * project's world (its tables and shipped treaties, and COW and ATOP when a
 * data directory is given by CASUS_TEST_DATA or CASUS_DATA).  The input is
 * read ten bytes an attack: attacker and target (two bytes each, an index
 * into the states), place (an index into world/places.csv, 0: the target's
 * home), day (three bytes, from 1816-01-01 on), flags, and a byte that may
 * turn the attack into one casus must refuse.  Checked for each attack:
 * both paths accept or refuse alike; every finding names an obligation of
 * the world owed to the attacker or the target, with a trace; the
 * evaluator's bindings are the traced findings, check for trace; the
 * writers succeed. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "casus/data.h"
#include "casus/who.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_PLACES 64

static casus_world *g_world;
static casus_who_scratch *g_scratch;
static const casus_place *g_places[MAX_PLACES];
static size_t g_n_places;
static FILE *g_sink;

static void fail(const char *what)
{
    fprintf(stderr, "fuzz_who: %s\n", what);
    abort();
}

static void setup(void)
{
    const char *dir = getenv("CASUS_WORLD_DIR");
    char world_dir[2048], path[4096];
    snprintf(world_dir, sizeof world_dir, "%s", dir ? dir : CASUS_WORLD_DIR_DEFAULT);
    casus_error err;
    if (casus_world_create(&g_world, NULL) != CASUS_OK || casus_world_load_tables(g_world, world_dir, &err) != CASUS_OK)
        fail("cannot load the world tables");
    snprintf(path, sizeof path, "%s/../treaties", world_dir);
    if (casus_world_load_treaty_dir(g_world, path, &err) != CASUS_OK)
        fail("cannot load the shipped treaties");
    const char *data = getenv("CASUS_TEST_DATA");
    if (!data || !*data)
        data = getenv("CASUS_DATA");
    if (data && *data && casus_data_load(g_world, data, CASUS_DATA_COW | CASUS_DATA_ATOP, &err) != CASUS_OK)
        fail("cannot load the datasets");
    if (casus_world_finish(g_world, &err) != CASUS_OK || casus_who_scratch_create(g_world, &g_scratch, &err) != CASUS_OK)
        fail("cannot finish the world");
    /* The places, by the ids of world/places.csv. */
    snprintf(path, sizeof path, "%s/places.csv", world_dir);
    FILE *f = fopen(path, "r");
    char line[4096];
    while (f && fgets(line, sizeof line, f) && g_n_places < MAX_PLACES) {
        line[strcspn(line, ",\n")] = '\0';
        const casus_place *p = casus_world_place_find(g_world, line);
        if (p)
            g_places[g_n_places++] = p;
    }
    if (f)
        fclose(f);
    if (g_n_places == 0)
        fail("no places");
    g_sink = fopen("/dev/null", "w");
    if (!g_sink)
        fail("cannot open /dev/null");
}

static int cmp_ptr(const void *a, const void *b)
{
    const void *x = *(const void *const *)a, *y = *(const void *const *)b;
    return (x > y) - (x < y);
}

static void check_attack(const casus_attack *a, unsigned flags)
{
    casus_world *w = g_world;
    casus_error err;
    casus_who_result *r = NULL;
    casus_status st = casus_who(w, a, flags, &r, &err);
    const casus_binding *b = NULL;
    size_t n = 0;
    casus_status se = casus_who_eval(w, a, flags | CASUS_WHO_CHECKS, g_scratch, &b, &n, &err);
    if (st != se)
        fail("casus_who and casus_who_eval disagree on accepting the attack");
    if (st != CASUS_OK) {
        if (st != CASUS_INVALID || r || n)
            fail("a refused attack must be CASUS_INVALID with nothing returned");
        return;
    }
    const casus_obligation *base = casus_world_obligation_at(w, 0);
    size_t count = casus_world_obligation_count(w);
    for (size_t i = 0; i < r->n_findings; i++) {
        const casus_finding *f = &r->findings[i];
        const casus_obligation *ob = f->obligation;
        if (!ob || ob < base || ob >= base + count)
            fail("a finding's obligation is not one of the world's");
        if (ob->beneficiary != a->attacker && ob->beneficiary != a->target)
            fail("a finding's obligation is owed to neither belligerent");
        if ((unsigned)f->role >= CASUS_ROLE_COUNT || (unsigned)f->status > CASUS_UNKNOWN)
            fail("a finding's role or status is out of range");
        if (f->status == CASUS_FAILED && !(flags & CASUS_WHO_ALL))
            fail("a failed obligation reported without CASUS_WHO_ALL");
        if (f->n_traces == 0 || strcmp(f->traces[0].what, "in force") != 0)
            fail("a finding's trace does not start with 'in force'");
        for (size_t k = 0; k < f->n_traces; k++)
            if (!f->traces[k].what || !f->traces[k].detail || (unsigned)f->traces[k].truth > CASUS_UNKNOWN)
                fail("a trace line is incomplete");
        if (i && f->role < r->findings[i - 1].role)
            fail("findings are not sorted by role");
    }
    for (size_t i = 0; i < r->n_conflicts; i++) {
        const casus_conflict *c = &r->conflicts[i];
        if (c->finding_a >= r->n_findings || c->finding_b >= r->n_findings ||
            r->findings[c->finding_a].obligation->obligor != c->state ||
            r->findings[c->finding_b].obligation->obligor != c->state)
            fail("a conflict does not point at two findings of its state");
    }
    /* The evaluator's bindings are the findings, matched by obligation. */
    if (n != r->n_findings)
        fail("the evaluator and casus_who count different findings");
    const casus_obligation **fob = malloc((n + 1) * sizeof *fob), **bob = malloc((n + 1) * sizeof *bob);
    if (!fob || !bob)
        fail("out of memory");
    for (size_t i = 0; i < n; i++) {
        fob[i] = r->findings[i].obligation;
        bob[i] = b[i].obligation;
    }
    qsort(fob, n, sizeof *fob, cmp_ptr);
    qsort(bob, n, sizeof *bob, cmp_ptr);
    for (size_t i = 0; i < n; i++)
        if (fob[i] != bob[i])
            fail("the evaluator and casus_who report different obligations");
    for (size_t i = 0; i < n; i++) {
        const casus_finding *f = NULL;
        for (size_t k = 0; k < n && !f; k++)
            if (r->findings[k].obligation == b[i].obligation)
                f = &r->findings[k];
        if (!f || f->role != b[i].role || f->status != b[i].status || f->superseded_by != b[i].superseded_by ||
            f->n_traces != b[i].n_checks)
            fail("a binding differs from its finding");
        for (size_t k = 0; k < f->n_traces; k++)
            if ((unsigned)f->traces[k].truth != b[i].checks[k].truth)
                fail("a check's truth differs from its trace line");
        if (n > 256)
            break; /* the rest was matched as a set; spare the quadratic walk */
    }
    free(fob);
    free(bob);
    /* Without checks: the same bindings in the same order. */
    const casus_obligation **order = malloc((n + 1) * sizeof *order);
    if (!order)
        fail("out of memory");
    for (size_t i = 0; i < n; i++)
        order[i] = b[i].obligation;
    size_t m;
    if (casus_who_eval(w, a, flags & ~(unsigned)CASUS_WHO_CHECKS, g_scratch, &b, &m, &err) != CASUS_OK || m != n)
        fail("the evaluator without checks answers differently");
    for (size_t i = 0; i < m; i++)
        if (b[i].obligation != order[i] || b[i].checks || b[i].n_checks)
            fail("the evaluator without checks answers differently");
    free(order);
    /* With CASUS_WHO_ALL, the obligations that do not fail are those reported without it. */
    if (flags & CASUS_WHO_ALL) {
        size_t held = 0;
        for (size_t i = 0; i < r->n_findings; i++)
            held += r->findings[i].status != CASUS_FAILED;
        if (casus_who_eval(w, a, flags & ~(unsigned)CASUS_WHO_ALL, g_scratch, &b, &m, &err) != CASUS_OK || m != held)
            fail("CASUS_WHO_ALL changes which obligations bind");
    }
    for (int fmt = CASUS_FORMAT_TEXT; fmt <= CASUS_FORMAT_JSON; fmt++)
        if (casus_who_write(w, r, (casus_format)fmt, g_sink, &err) != CASUS_OK)
            fail("casus_who_write failed");
    casus_who_free(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!g_world)
        setup();
    size_t n_states = casus_world_state_count(g_world);
    casus_day first = casus_day_from_ymd(1816, 1, 1), span = casus_day_from_ymd(2030, 12, 31) - first + 1;
    for (size_t at = 0; at + 10 <= size && at < 10 * 32; at += 10) {
        const uint8_t *p = data + at;
        const casus_state *A = casus_world_state_at(g_world, (size_t)(p[0] | p[1] << 8) % n_states);
        const casus_state *B = casus_world_state_at(g_world, (size_t)(p[2] | p[3] << 8) % n_states);
        casus_attack a = {.attacker = A->ccode, .target = B->ccode};
        size_t place = p[4] % (g_n_places + 1);
        a.place = place ? g_places[place - 1] : NULL;
        a.day = first + (casus_day)((uint32_t)(p[5] | p[6] << 8 | p[7] << 16) % (uint32_t)span);
        unsigned flags = p[8] & (CASUS_WHO_ALL | CASUS_WHO_CHECKS);
        if (p[9] == 0xff)
            a.attacker = a.target; /* refused: a state cannot attack itself */
        else if (p[9] == 0xfe)
            a.attacker = 999; /* refused: no such state */
        check_attack(&a, flags);
    }
    return 0;
}
