/* What the headers promise, one test each where no other file already holds
 * it (docs/library.md lists every promise and the test that holds it):
 * casus_world_finish checks references; queries on an unfinished world are
 * refused; every condition of a rule is evaluated, up to the limit the
 * parser enforces; the allocation hook's thread-safety; free functions
 * accept NULL; the error record's formatting; status names. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "casus/data.h"
#include "casus/export.h"
#include "casus/wars.h"
#include "casus/who.h"
#include "casus/world.h"
#include "testutil.h"

/* A treaty between USA and CAN whose one defense rule carries n
 * `undecidable` conditions and then, when `failing`, one adversary
 * condition the attack fails (the attacker is RUS, the rule names CHN). */
static char *treaty_with_conditions(int n, bool failing)
{
    size_t cap = 4096 + (size_t)n * 64;
    char *s = malloc(cap);
    int k = snprintf(s, cap,
                     "treaty many-1\ntitle \"many conditions\"\nsigned 2000-01-01\nin-force 2000-01-01\nends never\n"
                     "source S1 \"test\"\nparty USA 2 joined 2000-01-01\nparty CAN 20 joined 2000-01-01\n"
                     "article 1\n  text paraphrase S1\n  > x\n  rule defense\n    owed-by each\n    owed-to others\n"
                     "    trigger armed-attack\n    timing immediate\n");
    for (int i = 0; i < n; i++)
        k += snprintf(s + k, cap - (size_t)k, "    undecidable \"condition %d\"\n", i + 1);
    if (failing)
        k += snprintf(s + k, cap - (size_t)k, "    adversary one-of CHN\n");
    return s;
}

/* ---- the limit on conditions -------------------------------------------- */

/* Loads the treaty text into w, finishes it, and asks who owes what when
 * Russia attacks Canada on 2020-01-01; the answer must hold one finding. */
static casus_who_result *russia_attacks_canada(casus_world *w, const char *name, const char *text)
{
    casus_error err;
    cr_assert_eq(casus_world_load_treaty_text(w, name, text, strlen(text), &err), CASUS_OK, "%s:%d:%d: %s",
                 err.file, err.line, err.col, err.message);
    cr_assert_eq(casus_world_finish(w, &err), CASUS_OK, "%s", err.message);
    casus_attack a = {.attacker = 365, .target = 20, .day = casus_day_from_ymd(2020, 1, 1)};
    casus_who_result *r = NULL;
    cr_assert_eq(casus_who(w, &a, CASUS_WHO_ALL, &r, &err), CASUS_OK, "%s", err.message);
    cr_assert_eq(r->n_findings, 1);
    return r;
}

Test(promises, every_condition_up_to_the_limit_is_evaluated)
{
    /* The last condition, the limit's own, fails: the obligation must fail. */
    casus_world *w = test_world_tables();
    char *text = treaty_with_conditions(CASUS_MAX_RULE_CONDITIONS - 1, true);
    casus_who_result *r = russia_attacks_canada(w, "many.treaty", text);
    const casus_finding *f = &r->findings[0];
    cr_expect_eq(f->obligation->n_conds, CASUS_MAX_RULE_CONDITIONS);
    cr_expect_eq(f->status, CASUS_FAILED, "a failing condition at the limit was not evaluated");
    size_t conds = 0;
    for (size_t i = 0; i < f->n_traces; i++)
        conds += strcmp(f->traces[i].what, "condition") == 0 || strcmp(f->traces[i].what, "adversary") == 0;
    cr_expect_eq(conds, CASUS_MAX_RULE_CONDITIONS, "%zu conditions traced", conds);
    cr_expect_str_eq(f->traces[f->n_traces - 1].what, "adversary");
    casus_who_free(r);
    casus_world_free(w);
    free(text);
}

/* who.h: a trace's detail is "the condition in words and why it held or
 * failed" -- whole, however long the treaty's wording or the list of states. */
Test(promises, trace_details_are_never_cut)
{
    casus_world *w = test_world_tables();
    char cond[901];
    memset(cond, 'w', sizeof cond - 1);
    cond[sizeof cond - 1] = '\0';
    memcpy(cond + sizeof cond - 5, "END!", 4);
    const char *states = "CHN RUS PRK JPN ROK GMY FRN UKG ITA SPN POR NTH BEL LUX DEN NOR SWD FIN POL CZR SLO HUN "
                         "ROM BUL GRC TUR CYP AUS SWZ IRE ICE EST LAT LIT UKR BLR MLD GRG ARM AZE IND PAK BNG";
    char *text = malloc(8192);
    snprintf(text, 8192,
             "treaty long-1\ntitle \"long words\"\nsigned 2000-01-01\nin-force 2000-01-01\nends never\n"
             "source S1 \"test\"\nparty USA 2 joined 2000-01-01\nparty CAN 20 joined 2000-01-01\n"
             "article 1\n  text paraphrase S1\n  > x\n  rule defense\n    owed-by each\n    owed-to others\n"
             "    trigger armed-attack\n    timing immediate\n    undecidable \"%s\"\n    adversary one-of %s\n",
             cond, states);
    casus_who_result *r = russia_attacks_canada(w, "long.treaty", text);
    const casus_finding *f = &r->findings[0];
    bool saw_cond = false, saw_list = false;
    for (size_t i = 0; i < f->n_traces; i++) {
        const char *d = f->traces[i].detail;
        if (strstr(d, "END!: not decidable from the event")) {
            cr_expect_eq(strlen(d), strlen(cond) + strlen(": not decidable from the event"));
            saw_cond = true;
        }
        if (strncmp(d, "one of ", 7) == 0) {
            cr_expect(strstr(d, "BLR MLD GRG ARM AZE IND PAK BNG: RUS is"), "%s", d);
            saw_list = true;
        }
    }
    cr_expect(saw_cond, "the 900-byte condition is not traced whole");
    cr_expect(saw_list, "the list of 43 adversaries is not traced whole");
    casus_who_free(r);
    casus_world_free(w);
    free(text);
}

Test(promises, the_parser_refuses_a_rule_past_the_limit)
{
    char *dir = make_temp_dir();
    char path[4096];
    snprintf(path, sizeof path, "%s/many.treaty", dir);
    char *text = treaty_with_conditions(CASUS_MAX_RULE_CONDITIONS, true);
    cr_assert_eq(spit(path, text, strlen(text)), 0);
    run_result r = run_casus("treaty", "check", path, NULL);
    cr_assert_eq(r.status, 2);
    /* The condition past the limit is the adversary clause after the 16
     * lines of the treaty's head and CASUS_MAX_RULE_CONDITIONS lines of
     * `undecidable`. */
    char expect[4300];
    snprintf(expect, sizeof expect,
             "%s:%d:5: too many conditions in one rule (at most %d)\n"
             "        adversary one-of CHN\n"
             "        ^\n",
             path, 16 + CASUS_MAX_RULE_CONDITIONS + 1, CASUS_MAX_RULE_CONDITIONS);
    cr_expect_str_eq(r.err, expect);
    cr_expect_eq(r.out_len, 0);
    run_free(&r);
    free(text);
    rm_temp_dir(dir);
}

/* ---- casus_world_finish checks references ------------------------------- */

Test(promises, finish_refuses_an_atop_member_the_world_lacks_at_load)
{
    /* The member file names state 200 (UKG) in its first row; a world
     * without COW's state list has no such state, and the loader says so
     * at the row instead of leaving finish an alliance it cannot name. */
    casus_world *w = NULL;
    casus_error err;
    cr_assert_eq(casus_world_create(&w, NULL), CASUS_OK);
    size_t len;
    char *m = slurp_test_data("atop/atop5_1m.csv", &len);
    cr_expect_eq(casus_data_load_text(w, CASUS_DATASET_ATOP_MEMBERS, "m.csv", m, len, &err), CASUS_PARSE);
    cr_expect_str_eq(err.message, "member 200 is not a state of the world (load cow/states2016.csv first)");
    cr_expect_eq(err.line, 2);
    cr_expect_eq(casus_world_treaty_count(w), 0);
    free(m);
    casus_world_free(w);
}

Test(promises, finish_succeeds_and_is_needed_for_the_index)
{
    casus_world *w = test_world_tables();
    casus_error err;
    char path[4096];
    snprintf(path, sizeof path, "%s/treaties/rus-prk-2024.treaty", source_dir());
    cr_assert_eq(casus_world_load_treaty_file(w, path, &err), CASUS_OK, "%s", err.message);
    const casus_obligation *first = NULL;
    /* Before finish the index is empty; after it, RUS owes PRK (731). */
    cr_expect_eq(casus_world_obligations_to(w, 731, &first), 0);
    cr_expect_eq(casus_world_obligation_count(w), 0);
    cr_assert_eq(casus_world_finish(w, &err), CASUS_OK, "%s", err.message);
    cr_expect_gt(casus_world_obligations_to(w, 731, &first), 0);
    cr_expect_eq(first->beneficiary, 731);
    cr_expect_eq(first->obligor, 365);
    /* A new load makes it unfinished again until the next finish. */
    snprintf(path, sizeof path, "%s/treaties/chn-prk-1961.treaty", source_dir());
    cr_assert_eq(casus_world_load_treaty_file(w, path, &err), CASUS_OK, "%s", err.message);
    cr_expect_eq(casus_world_obligation_count(w), 0);
    cr_assert_eq(casus_world_finish(w, &err), CASUS_OK);
    cr_expect_gt(casus_world_obligation_count(w), 1);
    casus_world_free(w);
}

/* ---- queries on an unfinished world ------------------------------------- */

static casus_status count_row(void *ud, const casus_dyad *d)
{
    (void)d;
    ++*(size_t *)ud;
    return CASUS_OK;
}

Test(promises, export_refuses_an_unfinished_world)
{
    casus_world *w = test_world_tables();
    casus_error err;
    casus_dyads_opts o = {.from_year = 2000, .to_year = 2000, .unit = CASUS_DYADS_YEAR, .source = CASUS_DYADS_CASUS};
    size_t rows = 0;
    cr_expect_eq(casus_dyads_scan(w, &o, count_row, &rows, &err), CASUS_UNFINISHED);
    cr_expect_str_eq(err.message, "the world is not finished: call casus_world_finish() after loading");
    cr_expect_eq(rows, 0);
    FILE *f = tmpfile();
    cr_expect_eq(casus_dyads_write(w, &o, CASUS_DYADS_CSV, f, &err), CASUS_UNFINISHED);
    cr_expect_eq(ftell(f), 0, "nothing written");
    fclose(f);
    cr_expect_str_eq(casus_status_name(CASUS_UNFINISHED), "UNFINISHED");
    cr_expect_str_eq(casus_status_str(CASUS_UNFINISHED), "the world is not finished");
    casus_world_free(w);
}

/* ---- the allocation hook and threads ------------------------------------ */

/* world.h: the hook is called only from the thread making a call on the
 * world, and read-only calls on a finished world that allocate (casus_who,
 * casus_dyads_scan) may call it from several threads at once, so a hook
 * shared by threads must be thread-safe.  This hook counts with atomics
 * and checks the balance of allocations and frees. */
typedef struct counting {
    atomic_long live;
    atomic_long calls;
} counting;

static void *counting_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    counting *c = ud;
    (void)osize;
    atomic_fetch_add(&c->calls, 1);
    if (nsize == 0) {
        if (ptr)
            atomic_fetch_sub(&c->live, 1);
        free(ptr);
        return NULL;
    }
    void *p = realloc(ptr, nsize);
    if (p && !ptr)
        atomic_fetch_add(&c->live, 1);
    return p;
}

typedef struct query_job {
    const casus_world *w;
    size_t findings;
    int failures;
} query_job;

static void *run_queries(void *arg)
{
    query_job *j = arg;
    for (int i = 0; i < 200; i++) {
        casus_attack a = {.attacker = 732, .target = 731, .day = casus_day_from_ymd(2025, 3, 1)};
        casus_who_result *r = NULL;
        casus_error err;
        if (casus_who(j->w, &a, 0, &r, &err) != CASUS_OK) {
            j->failures++;
            continue;
        }
        j->findings += r->n_findings;
        casus_who_free(r);
    }
    return NULL;
}

Test(promises, the_allocation_hook_is_called_from_the_querying_threads)
{
    counting c = {0};
    casus_world *w = test_world_full_with(counting_alloc, &c, 0);
    long live = atomic_load(&c.live);
    pthread_t t[4];
    query_job jobs[4];
    for (int i = 0; i < 4; i++) {
        jobs[i] = (query_job){.w = w};
        cr_assert_eq(pthread_create(&t[i], NULL, run_queries, &jobs[i]), 0);
    }
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    for (int i = 0; i < 4; i++) {
        cr_expect_eq(jobs[i].failures, 0);
        /* ROK attacks PRK: 5 obligations, as README's example shows. */
        cr_expect_eq(jobs[i].findings, 200 * 5, "thread %d: %zu findings", i, jobs[i].findings);
    }
    /* Every allocation the queries made was freed: the world holds what it
     * held before them. */
    cr_expect_eq(atomic_load(&c.live), live);
    casus_world_free(w);
    cr_expect_eq(atomic_load(&c.live), 0, "the world freed all it allocated");
}

/* ---- small promises ----------------------------------------------------- */

Test(promises, free_functions_accept_null)
{
    casus_world_free(NULL);
    casus_who_free(NULL);
    casus_wars_free(NULL);
}

Test(promises, error_format_leaves_out_unknown_parts)
{
    casus_error err;
    casus_error_clear(&err);
    char buf[1024];
    casus_error_set(&err, CASUS_PARSE, NULL, 0, 0, "bad %s", "thing");
    cr_expect_eq(err.status, CASUS_PARSE);
    casus_error_format(&err, buf, sizeof buf);
    cr_expect_str_eq(buf, "bad thing");
    casus_error_set(&err, CASUS_PARSE, "f.csv", 3, 0, "bad");
    casus_error_format(&err, buf, sizeof buf);
    cr_expect_str_eq(buf, "f.csv:3: bad");
    /* A NULL record is allowed and the status still comes back. */
    cr_expect_eq(casus_error_set(NULL, CASUS_IO, "x", 1, 1, "y"), CASUS_IO);
}

Test(promises, status_names_and_messages_come_from_one_table)
{
    for (int s = 0; s < CASUS_STATUS_COUNT; s++) {
        cr_expect_not_null(casus_status_str((casus_status)s));
        cr_expect_str_neq(casus_status_name((casus_status)s), "UNKNOWN");
    }
    cr_expect_str_eq(casus_status_name(CASUS_NOMEM), "NOMEM");
    cr_expect_str_eq(casus_status_str(CASUS_NOMEM), "out of memory");
    cr_expect_str_eq(casus_status_name(CASUS_STATUS_COUNT), "UNKNOWN");
}

/* ---- world.h accessors -------------------------------------------------- */

Test(promises, world_look_ups_do_what_world_h_says)
{
    casus_world *w = test_world_tables();
    char buf[12];
    /* Abbreviations are case-insensitive; an unknown code prints as a number. */
    const casus_state *rus = casus_world_state_by_abb(w, "rus");
    cr_assert_not_null(rus);
    cr_expect_eq(rus->ccode, 365);
    cr_expect_null(casus_world_state_by_abb(w, "XXX"));
    cr_expect_str_eq(casus_world_abb(w, 365, buf), "RUS");
    cr_expect_str_eq(casus_world_abb(w, 999, buf), "999");
    /* A place by id, by name (any case), or a state's abbreviation for its home. */
    const casus_place *kursk = casus_world_place_find(w, "kursk");
    cr_assert_not_null(kursk);
    cr_expect_eq(casus_world_place_find(w, "KURSK OBLAST"), kursk);
    cr_expect_eq(casus_world_place_find(w, "PRK"), casus_world_home(w, 731));
    cr_expect_null(casus_world_place_find(w, "atlantis"));
    /* The home territory of every known state exists. */
    for (size_t i = 0; i < casus_world_state_count(w); i++)
        cr_expect_not_null(casus_world_home(w, casus_world_state_at(w, i)->ccode));
    cr_expect_null(casus_world_state_at(w, casus_world_state_count(w)));
    /* Without spells a state is a member from its `since` date on. */
    casus_day before = casus_day_from_ymd(1947, 1, 1), after = casus_day_from_ymd(2000, 1, 1);
    const casus_state *rok = casus_world_state_by_abb(w, "ROK");
    cr_assert_not_null(rok);
    cr_expect_eq(casus_world_member(w, rok->ccode, after), CASUS_HELD);
    cr_expect_eq(casus_world_member(w, rok->ccode, before), CASUS_FAILED);
    /* With spells, the spells decide; casus_world_spells counts beyond max. */
    casus_error err;
    casus_period p1 = casus_period_make(casus_span_day(casus_day_from_ymd(1950, 1, 1)),
                                        casus_span_day(casus_day_from_ymd(1960, 1, 1)));
    casus_period p2 = casus_period_make(casus_span_day(casus_day_from_ymd(1970, 1, 1)), casus_span_open());
    cr_assert_eq(casus_world_add_spell(w, rok->ccode, p1, &err), CASUS_OK);
    cr_assert_eq(casus_world_add_spell(w, rok->ccode, p2, &err), CASUS_OK);
    cr_expect_eq(casus_world_member(w, rok->ccode, casus_day_from_ymd(1965, 1, 1)), CASUS_FAILED);
    cr_expect_eq(casus_world_member(w, rok->ccode, after), CASUS_HELD);
    casus_period out[1];
    cr_expect_eq(casus_world_spells(w, rok->ccode, out, 1), 2);
    /* A spell for an impossible code is refused and changes nothing. */
    cr_expect_eq(casus_world_add_spell(w, 5000, p1, &err), CASUS_RANGE);
    casus_world_free(w);
}

/* ---- export.h ----------------------------------------------------------- */

typedef struct scan_job {
    const casus_world *w;
    size_t rows;
    casus_status st;
} scan_job;

static void *run_scan(void *arg)
{
    scan_job *j = arg;
    casus_dyads_opts o = {.from_year = 1990, .to_year = 1995, .unit = CASUS_DYADS_YEAR, .source = CASUS_DYADS_CASUS};
    j->st = casus_dyads_scan(j->w, &o, count_row, &j->rows, NULL);
    return NULL;
}

Test(promises, export_frees_its_scratch_and_may_run_in_threads)
{
    /* export.h: scratch memory comes from the world's hook and is released
     * before each call returns; concurrent calls on a finished world are
     * safe and agree. */
    counting c = {0};
    casus_world *w = test_world_full_with(counting_alloc, &c, CASUS_DATA_COW);
    long live = atomic_load(&c.live), calls = atomic_load(&c.calls);
    scan_job serial = {.w = w};
    run_scan(&serial);
    cr_assert_eq(serial.st, CASUS_OK);
    cr_expect_gt(serial.rows, 1000);
    cr_expect_gt(atomic_load(&c.calls), calls, "the scan's scratch came through the hook");
    cr_expect_eq(atomic_load(&c.live), live, "the scan freed its scratch");
    pthread_t t[3];
    scan_job jobs[3];
    for (int i = 0; i < 3; i++) {
        jobs[i] = (scan_job){.w = w};
        cr_assert_eq(pthread_create(&t[i], NULL, run_scan, &jobs[i]), 0);
    }
    for (int i = 0; i < 3; i++) {
        pthread_join(t[i], NULL);
        cr_expect_eq(jobs[i].st, CASUS_OK);
        cr_expect_eq(jobs[i].rows, serial.rows);
    }
    cr_expect_eq(atomic_load(&c.live), live);
    casus_world_free(w);
}

/* ---- wars.h ------------------------------------------------------------- */

Test(promises, a_wars_handle_holds_one_file)
{
    casus_wars *wars = NULL;
    casus_error err;
    cr_assert_eq(casus_wars_create(&wars, &err), CASUS_OK);
    cr_assert_eq(casus_wars_load_dir(wars, test_data_dir(), &err), CASUS_OK, "%s", err.message);
    size_t n = casus_wars_count(wars);
    cr_expect_eq(n, 95);
    cr_expect_eq(casus_wars_load_dir(wars, test_data_dir(), &err), CASUS_INVALID);
    cr_expect_eq(casus_wars_count(wars), n, "the refused load changed nothing");
    cr_expect_null(casus_wars_at(wars, n));
    cr_expect_null(casus_wars_find(wars, -1));
    casus_wars_free(wars);
}

/* ---- error.h ------------------------------------------------------------ */

Test(promises, error_context_and_caret)
{
    casus_error err;
    casus_error_clear(&err);
    static const char text[] = "first\nsecond line\nthird";
    casus_error_set(&err, CASUS_PARSE, "t.txt", 2, 8, "bad word");
    casus_error_set_context(&err, text, sizeof text - 1, 2);
    cr_expect_str_eq(err.context, "second line");
    char buf[1024];
    int n = casus_error_format(&err, buf, sizeof buf);
    cr_expect_str_eq(buf, "t.txt:2:8: bad word\n    second line\n           ^");
    cr_expect_eq(n, (int)strlen(buf));
}
