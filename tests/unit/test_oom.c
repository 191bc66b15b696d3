/* All-or-nothing loading (world.h, data.h, wars.h: "a failing load leaves
 * the world as it was"), tested the way SQLite tests its out-of-memory
 * paths: for every load entry point, fail allocation 1, then 2, then 3, ...
 * until the call succeeds.  After each failure the world must be exactly as
 * before (every count the world keeps, and the bytes its arena handed out,
 * compared) and the same call on the same world, with memory back, must
 * succeed and give the world a clean load gives.
 *
 * Inputs are small (the heads of the real files, one treaty, the shipped
 * treaty directory) so that the loops, one load per allocation, stay within
 * a few seconds under the sanitizers. */
#include <criterion/criterion.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "casus/data.h"
#include "casus/wars.h"
#include "casus/world.h"
#include "world_internal.h"
#include "testutil.h"

/* Grants `left` allocations once armed, then refuses all; frees always work. */
typedef struct budget {
    long left;
    bool armed;
} budget;

static void *budget_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    budget *b = ud;
    (void)osize;
    if (nsize == 0) {
        free(ptr);
        return NULL;
    }
    if (b->armed && b->left-- <= 0)
        return NULL;
    return realloc(ptr, nsize);
}

static void expect_same(casus_world_counts a, casus_world_counts b, const char *what, long n)
{
    cr_expect_eq(a.states, b.states, "%s, allocation %ld failing: states %zu, before %zu", what, n, a.states, b.states);
    cr_expect_eq(a.spells, b.spells, "%s, allocation %ld failing: spells %zu, before %zu", what, n, a.spells, b.spells);
    cr_expect_eq(a.places, b.places, "%s, allocation %ld failing: places", what, n);
    cr_expect_eq(a.areas, b.areas, "%s, allocation %ld failing: areas", what, n);
    cr_expect_eq(a.treaties, b.treaties, "%s, allocation %ld failing: treaties %zu, before %zu", what, n, a.treaties,
                 b.treaties);
    cr_expect_eq(a.coverage, b.coverage, "%s, allocation %ld failing: coverage", what, n);
    cr_expect_eq(a.arena_bytes, b.arena_bytes, "%s, allocation %ld failing: arena %zu bytes, before %zu", what, n,
                 a.arena_bytes, b.arena_bytes);
    cr_expect_eq(a.datasets, b.datasets, "%s, allocation %ld failing: datasets %#x, before %#x", what, n, a.datasets,
                 b.datasets);
    cr_expect_eq(a.dataset_records, b.dataset_records, "%s, allocation %ld failing: dataset records", what, n);
    cr_expect_eq(a.finished, b.finished, "%s, allocation %ld failing: finished flag", what, n);
}

/* One load entry point under test: `setup` builds the world the call is
 * made on (with memory to spare), `call` is the call. */
typedef struct load_case {
    const char *name;
    void (*setup)(casus_world *w);
    casus_status (*call)(casus_world *w, casus_error *err);
    bool finish_first; /* setup ends with casus_world_finish */
} load_case;

static void finish(casus_world *w)
{
    casus_error err;
    cr_assert_eq(casus_world_finish(w, &err), CASUS_OK, "%s", err.message);
}

/* Runs the loop for one case; returns how many allocations the call needed. */
static long oom_loop(const load_case *c)
{
    /* The reference: the call with memory to spare. */
    budget rb = {0};
    casus_world *ref = NULL;
    casus_error err;
    cr_assert_eq(casus_world_create_with(budget_alloc, &rb, &ref, &err), CASUS_OK);
    if (c->setup)
        c->setup(ref);
    if (c->finish_first)
        finish(ref);
    cr_assert_eq(c->call(ref, &err), CASUS_OK, "%s: %s:%d: %s", c->name, err.file, err.line, err.message);
    casus_world_counts want = casus__world_counts(ref);
    casus_world_free(ref);

    for (long n = 0; n < 200000; n++) {
        budget b = {0};
        casus_world *w = NULL;
        cr_assert_eq(casus_world_create_with(budget_alloc, &b, &w, &err), CASUS_OK);
        if (c->setup)
            c->setup(w);
        if (c->finish_first)
            finish(w);
        casus_world_counts before = casus__world_counts(w);
        b.left = n;
        b.armed = true;
        casus_error_clear(&err);
        casus_status st = c->call(w, &err);
        b.armed = false;
        if (st == CASUS_OK) {
            expect_same(casus__world_counts(w), want, c->name, -1);
            casus_world_free(w);
            return n;
        }
        cr_assert_eq(st, CASUS_NOMEM, "%s, allocation %ld failing: status %s (%s)", c->name, n + 1,
                     casus_status_name(st), err.message);
        cr_assert(err.message[0], "%s: an out-of-memory failure with no message", c->name);
        expect_same(casus__world_counts(w), before, c->name, n + 1);
        /* The same call on the same world, memory back: it must succeed
         * and leave what a clean load leaves. */
        cr_assert_eq(c->call(w, &err), CASUS_OK, "%s: the retry after allocation %ld failed: %s:%d: %s", c->name,
                     n + 1, err.file, err.line, err.message);
        expect_same(casus__world_counts(w), want, c->name, n + 1);
        casus_world_free(w);
    }
    cr_assert_fail("%s never succeeded", c->name);
    return -1;
}

/* ---- inputs ------------------------------------------------------------- */

/* The first `lines` lines of a file of the shared data. */
static char *head_of(const char *rel, int lines, size_t *len)
{
    char *buf = slurp_test_data(rel, len);
    size_t i = 0;
    for (int l = 0; l < lines && i < *len; i++)
        if (buf[i] == '\n')
            l++;
    *len = i;
    buf[i] = '\0';
    return buf;
}

static void load_tables(casus_world *w)
{
    char dir[4096];
    casus_error err;
    snprintf(dir, sizeof dir, "%s/world", source_dir());
    cr_assert_eq(casus_world_load_tables(w, dir, &err), CASUS_OK, "%s", err.message);
}

static void load_states(casus_world *w)
{
    size_t len;
    char *buf = slurp_test_data("cow/states2016.csv", &len);
    casus_error err;
    cr_assert_eq(casus_data_load_text(w, CASUS_DATASET_COW_STATES, "states2016.csv", buf, len, &err), CASUS_OK, "%s",
                 err.message);
    free(buf);
}

static void load_tables_and_states(casus_world *w)
{
    load_tables(w);
    load_states(w);
}

static casus_status call_tables(casus_world *w, casus_error *err)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/world", source_dir());
    return casus_world_load_tables(w, dir, err);
}

static casus_status call_treaty_file(casus_world *w, casus_error *err)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/treaties/rus-prk-2024.treaty", source_dir());
    return casus_world_load_treaty_file(w, path, err);
}

static casus_status call_treaty_text(casus_world *w, casus_error *err)
{
    char path[4096];
    size_t len;
    snprintf(path, sizeof path, "%s/treaties/nato-1949.treaty", source_dir());
    char *text = slurp(path, &len);
    cr_assert(text);
    casus_status st = casus_world_load_treaty_text(w, "nato-1949.treaty", text, len, err);
    free(text);
    return st;
}

static casus_status call_treaty_dir(casus_world *w, casus_error *err)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/treaties", source_dir());
    return casus_world_load_treaty_dir(w, dir, err);
}

static casus_status call_finish(casus_world *w, casus_error *err)
{
    return casus_world_finish(w, err);
}

static void tables_and_treaties(casus_world *w)
{
    load_tables(w);
    casus_error err;
    cr_assert_eq(call_treaty_dir(w, &err), CASUS_OK, "%s", err.message);
}

/* One dataset from the head of its file. */
static const struct {
    casus_dataset which;
    int lines;
} heads[] = {
    {CASUS_DATASET_COW_STATES, 40},    {CASUS_DATASET_COW_SYSTEM, 40},    {CASUS_DATASET_COW_MAJORS, 40},
    {CASUS_DATASET_CONTIGUITY, 40},    {CASUS_DATASET_NMC, 40},           {CASUS_DATASET_ATOP_ALLIANCES, 40},
    {CASUS_DATASET_ATOP_PHASES, 40},   {CASUS_DATASET_ATOP_MEMBERS, 40},  {CASUS_DATASET_DYADIC_WAR, 40},
    {CASUS_DATASET_MIDA, 40},          {CASUS_DATASET_MIDB, 40},
};
static size_t current_head;

static casus_status call_dataset(casus_world *w, casus_error *err)
{
    size_t len;
    char *text = head_of(casus_dataset_path(heads[current_head].which), heads[current_head].lines, &len);
    casus_status st = casus_data_load_text(w, heads[current_head].which, "head.csv", text, len, err);
    free(text);
    return st;
}

static casus_status call_data_dir(casus_world *w, casus_error *err)
{
    return casus_data_load(w, test_data_dir(), CASUS_DATA_COW, err);
}

/* ---- the loops ---------------------------------------------------------- */

Test(oom, world_tables)
{
    load_case c = {"casus_world_load_tables", NULL, call_tables, false};
    cr_expect_gt(oom_loop(&c), 3);
}

Test(oom, treaty_text_file_and_dir)
{
    load_case text = {"casus_world_load_treaty_text", load_tables, call_treaty_text, false};
    load_case file = {"casus_world_load_treaty_file", load_tables, call_treaty_file, false};
    load_case dir = {"casus_world_load_treaty_dir", load_tables, call_treaty_dir, false};
    cr_expect_gt(oom_loop(&text), 3);
    cr_expect_gt(oom_loop(&file), 3);
    cr_expect_gt(oom_loop(&dir), 20);
}

Test(oom, loading_into_a_finished_world_leaves_it_finished)
{
    /* A failed load into a finished world leaves it finished: its index
     * still describes what it holds. */
    load_case c = {"casus_world_load_treaty_text after finish", load_tables, call_treaty_text, true};
    oom_loop(&c);
}

Test(oom, finish)
{
    load_case c = {"casus_world_finish", tables_and_treaties, call_finish, false};
    cr_expect_gt(oom_loop(&c), 0);
}

Test(oom, every_dataset_loader, .timeout = 600)
{
    for (current_head = 0; current_head < sizeof heads / sizeof *heads; current_head++) {
        char name[128];
        snprintf(name, sizeof name, "casus_data_load_text(%s)", casus_dataset_path(heads[current_head].which));
        load_case c = {name, heads[current_head].which == CASUS_DATASET_ATOP_MEMBERS ? load_tables_and_states : load_tables,
                       call_dataset, false};
        cr_expect_gt(oom_loop(&c), 0, "%s", name);
    }
}

Test(oom, data_directory)
{
    /* The three COW files in full, all or nothing together: a failure in
     * the last leaves none of the others (the ATOP files are covered one by
     * one above, and in full they would make this loop slow). */
    load_case c = {"casus_data_load(COW)", load_tables, call_data_dir, false};
    cr_expect_gt(oom_loop(&c), 10);
}

Test(oom, wars)
{
    char path[4096];
    size_t len;
    snprintf(path, sizeof path, "%s/%s", test_data_dir(), CASUS_WARS_FILE);
    char *text = slurp(path, &len);
    cr_assert(text);
    /* The first 60 rows: enough for several wars and both sides. */
    size_t cut = 0;
    for (int l = 0; l < 61 && cut < len; cut++)
        if (text[cut] == '\n')
            l++;
    for (long n = 0;; n++) {
        budget b = {0};
        casus_wars *wars = NULL;
        casus_error err;
        cr_assert_eq(casus_wars_create_with(budget_alloc, &b, &wars, &err), CASUS_OK);
        b.left = n;
        b.armed = true;
        casus_status st = casus_wars_load_text(wars, "wars.csv", text, cut, &err);
        b.armed = false;
        if (st == CASUS_OK) {
            cr_expect_gt(casus_wars_count(wars), 3);
            casus_wars_free(wars);
            cr_expect_gt(n, 2);
            break;
        }
        cr_assert_eq(st, CASUS_NOMEM, "allocation %ld: %s", n + 1, err.message);
        cr_expect_eq(casus_wars_count(wars), 0);
        cr_expect_null(casus_wars_at(wars, 0));
        cr_assert_eq(casus_wars_load_text(wars, "wars.csv", text, cut, &err), CASUS_OK, "retry after %ld: %s", n + 1,
                     err.message);
        casus_wars_free(wars);
    }
    free(text);
}

/* ---- failures other than memory ----------------------------------------- */

Test(oom, a_treaty_directory_with_one_bad_file_loads_none)
{
    char *tmp = make_temp_dir();
    char path[4096], src[4096];
    size_t len;
    snprintf(src, sizeof src, "%s/treaties/rus-prk-2024.treaty", source_dir());
    char *good = slurp(src, &len);
    cr_assert(good);
    snprintf(path, sizeof path, "%s/a-good.treaty", tmp);
    cr_assert_eq(spit(path, good, len), 0);
    snprintf(path, sizeof path, "%s/b-bad.treaty", tmp);
    cr_assert_eq(spit(path, "treaty x\nnonsense\n", 18), 0);
    casus_world *w = NULL;
    casus_error err;
    cr_assert_eq(casus_world_create(&w, &err), CASUS_OK);
    load_tables(w);
    casus_world_counts before = casus__world_counts(w);
    cr_expect_eq(casus_world_load_treaty_dir(w, tmp, &err), CASUS_PARSE);
    cr_expect(strstr(err.file, "b-bad.treaty"), "%s", err.file);
    expect_same(casus__world_counts(w), before, "a bad treaty file", 0);
    cr_expect_null(casus_world_treaty_find(w, "rus-prk-2024"));
    /* Without the bad file the directory loads. */
    cr_assert_eq(remove(path), 0);
    cr_expect_eq(casus_world_load_treaty_dir(w, tmp, &err), CASUS_OK, "%s", err.message);
    cr_expect_not_null(casus_world_treaty_find(w, "rus-prk-2024"));
    casus_world_free(w);
    free(good);
    rm_temp_dir(tmp);
}

Test(oom, a_clash_in_the_atop_member_file_leaves_the_world_as_it_was)
{
    casus_world *w = NULL;
    casus_error err;
    cr_assert_eq(casus_world_create(&w, &err), CASUS_OK);
    load_tables_and_states(w);
    /* A hand-made treaty that takes the id ATOP alliance 1005 would get. */
    static const char clash[] =
        "treaty atop-1005\ntitle \"clash\"\nsigned 1900-01-01\nin-force 1900-01-01\nends never\n"
        "source S1 \"test\"\nparty USA 2 joined 1900-01-01\nparty CAN 20 joined 1920-01-10\n"
        "article 1\n  text paraphrase S1\n  > x\n  rule consultation\n    owed-by each\n    owed-to others\n"
        "    trigger threat\n    action consult\n    timing unspecified\n";
    casus_status st = casus_world_load_treaty_text(w, "clash.treaty", clash, sizeof clash - 1, &err);
    cr_assert_eq(st, CASUS_OK, "%s:%d:%d: %s", err.file, err.line, err.col, err.message);
    casus_world_counts before = casus__world_counts(w);
    size_t len;
    char *m = head_of("atop/atop5_1m.csv", 40, &len);
    cr_expect_eq(casus_data_load_text(w, CASUS_DATASET_ATOP_MEMBERS, "m.csv", m, len, &err), CASUS_INVALID);
    cr_expect(strstr(err.message, "atop-1005"), "%s", err.message);
    expect_same(casus__world_counts(w), before, "a clashing id", 0);
    free(m);
    casus_world_free(w);
}
