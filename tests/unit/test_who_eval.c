/* The evaluator of casus/who.h: it agrees with the traced answer, allocates
 * nothing per query, refuses what it cannot answer (an unfinished world, a
 * scratch of another world, bad attacks), and evaluates every condition of
 * a rule, the last as well as the first. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "casus/who.h"
#include "testutil.h"

/* Counts every allocation (and growth) the library asks the hook for. */
static size_t n_allocs;
static void *counting_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    (void)ud;
    (void)osize;
    if (nsize == 0) {
        free(ptr);
        return NULL;
    }
    n_allocs++;
    return realloc(ptr, nsize);
}

/* The world tables and the shipped treaties, not yet finished. */
static casus_world *shipped_unfinished(void)
{
    char dir[4096];
    casus_error err;
    casus_world *w = NULL;
    cr_assert_eq(casus_world_create_with(counting_alloc, NULL, &w, &err), CASUS_OK);
    snprintf(dir, sizeof dir, "%s/world", source_dir());
    cr_assert_eq(casus_world_load_tables(w, dir, &err), CASUS_OK, "%s", err.message);
    snprintf(dir, sizeof dir, "%s/treaties", source_dir());
    cr_assert_eq(casus_world_load_treaty_dir(w, dir, &err), CASUS_OK, "%s:%d: %s", err.file, err.line, err.message);
    return w;
}

static casus_world *shipped(void)
{
    casus_world *w = shipped_unfinished();
    casus_error err;
    cr_assert_eq(casus_world_finish(w, &err), CASUS_OK, "%s", err.message);
    return w;
}

static int cc(const casus_world *w, const char *abb)
{
    const casus_state *s = casus_world_state_by_abb(w, abb);
    cr_assert_not_null(s, "%s", abb);
    return s->ccode;
}

static casus_attack attack(const casus_world *w, const char *a, const char *b, const char *place, int y, int m, int d)
{
    casus_attack att = {.attacker = cc(w, a), .target = cc(w, b), .day = casus_day_from_ymd(y, m, d)};
    if (place) {
        att.place = casus_world_place_find(w, place);
        cr_assert_not_null(att.place, "%s", place);
    }
    return att;
}

Test(who_eval, an_unfinished_world_is_refused)
{
    casus_world *w = shipped_unfinished();
    casus_attack a = attack(w, "ROK", "PRK", NULL, 2025, 3, 1);
    casus_error err;
    casus_who_result *r = (casus_who_result *)&err; /* must be reset to NULL */
    cr_assert_eq(casus_who(w, &a, 0, &r, &err), CASUS_UNFINISHED);
    cr_assert_null(r);
    cr_assert_eq(err.status, CASUS_UNFINISHED);
    cr_assert_not_null(strstr(err.message, "casus_world_finish"), "%s", err.message);
    casus_who_scratch *s = NULL;
    cr_assert_eq(casus_who_scratch_create(w, &s, &err), CASUS_UNFINISHED);
    cr_assert_null(s);

    /* Finished, it answers; loaded into again, it refuses again. */
    cr_assert_eq(casus_world_finish(w, &err), CASUS_OK);
    cr_assert_eq(casus_who(w, &a, 0, &r, &err), CASUS_OK);
    cr_assert_gt(r->n_findings, 0);
    casus_who_free(r);
    cr_assert_eq(casus_who_scratch_create(w, &s, &err), CASUS_OK);
    static const char more[] = "treaty extra\ntitle \"x\"\nsigned 2000-01-01\nin-force 2000-01-01\nends never\natop none\n"
                               "source S1 \"made up\"\nparty USA 2 joined 2000-01-01\nparty CAN 20 joined 2000-01-01\n"
                               "article 1\n  text paraphrase S1\n  > They consult.\n  rule consultation\n"
                               "    trigger threat\n    timing unspecified\n";
    cr_assert_eq(casus_world_load_treaty_text(w, "extra.treaty", more, sizeof more - 1, &err), CASUS_OK, "%s:%d: %s",
                 err.file, err.line, err.message);
    cr_assert_eq(casus_who(w, &a, 0, &r, &err), CASUS_UNFINISHED);
    const casus_binding *b = (const casus_binding *)&err;
    size_t n = 99;
    cr_assert_eq(casus_who_eval(w, &a, 0, s, &b, &n, &err), CASUS_UNFINISHED);
    cr_assert_null(b);
    cr_assert_eq(n, 0);
    casus_who_scratch_free(s);
    casus_world_free(w);
}

/* The evaluator's bindings and the traced findings, matched by obligation:
 * the same set, the same role, status and supersession, and one check per
 * trace line with the same truth. */
static void expect_agree(const casus_world *w, const casus_attack *a, unsigned flags, casus_who_scratch *s)
{
    casus_error err;
    casus_who_result *r = NULL;
    cr_assert_eq(casus_who(w, a, flags, &r, &err), CASUS_OK, "%s", err.message);
    const casus_binding *b;
    size_t n;
    cr_assert_eq(casus_who_eval(w, a, flags | CASUS_WHO_CHECKS, s, &b, &n, &err), CASUS_OK, "%s", err.message);
    cr_assert_eq(n, r->n_findings, "day %d: %zu bindings, %zu findings", (int)a->day, n, r->n_findings);
    for (size_t i = 0; i < n; i++) {
        const casus_finding *f = NULL;
        for (size_t k = 0; k < r->n_findings && !f; k++)
            if (r->findings[k].obligation == b[i].obligation)
                f = &r->findings[k];
        cr_assert_not_null(f, "binding %zu (%s) has no finding", i, b[i].obligation->treaty->id);
        cr_assert_eq(b[i].role, f->role);
        cr_assert_eq(b[i].status, f->status);
        cr_assert_eq(b[i].superseded_by, f->superseded_by);
        cr_assert_eq(b[i].obligor, f->obligation->obligor);
        cr_assert_eq(b[i].beneficiary, f->obligation->beneficiary);
        cr_assert_eq(b[i].kind, f->obligation->kind);
        cr_assert_eq(b[i].timing, f->obligation->timing);
        cr_assert_eq(b[i].n_checks, f->n_traces, "%s: %zu checks, %zu traces", f->obligation->treaty->id,
                     b[i].n_checks, f->n_traces);
        for (size_t k = 0; k < b[i].n_checks; k++) {
            cr_assert_eq(b[i].checks[k].truth, f->traces[k].truth);
            if (b[i].checks[k].kind != CASUS_CHECK_CONDITION)
                cr_assert_str_eq(casus_check_str((casus_check_kind)b[i].checks[k].kind), f->traces[k].what);
        }
    }
    /* Without CASUS_WHO_CHECKS: the same bindings, no checks. */
    casus_binding *copy = malloc((n ? n : 1) * sizeof *copy);
    memcpy(copy, b, n * sizeof *copy);
    size_t m;
    cr_assert_eq(casus_who_eval(w, a, flags, s, &b, &m, &err), CASUS_OK);
    cr_assert_eq(m, n);
    for (size_t i = 0; i < m; i++) {
        cr_assert_eq(b[i].obligation, copy[i].obligation);
        cr_assert_eq(b[i].status, copy[i].status);
        cr_assert_null(b[i].checks);
        cr_assert_eq(b[i].n_checks, 0);
    }
    free(copy);
    casus_who_free(r);
}

Test(who_eval, agrees_with_the_traced_answer)
{
    casus_world *w = shipped();
    casus_who_scratch *s = NULL;
    casus_error err;
    cr_assert_eq(casus_who_scratch_create(w, &s, &err), CASUS_OK, "%s", err.message);
    const casus_attack fixed[] = {
        attack(w, "ROK", "PRK", NULL, 2025, 3, 1),     attack(w, "PRK", "ROK", NULL, 2025, 3, 1),
        attack(w, "RUS", "EST", NULL, 2025, 3, 1),     attack(w, "UKR", "RUS", "kursk", 2024, 8, 6),
        attack(w, "UKR", "RUS", "kursk", 2024, 12, 5), attack(w, "CHN", "JPN", "senkaku", 2025, 3, 1),
        attack(w, "CHN", "USA", "guam", 2025, 3, 1),   attack(w, "CHN", "USA", "hawaii", 1985, 3, 1),
    };
    for (size_t i = 0; i < sizeof fixed / sizeof *fixed; i++) {
        expect_agree(w, &fixed[i], 0, s);
        expect_agree(w, &fixed[i], CASUS_WHO_ALL, s);
    }
    /* Pairs of the states the shipped treaties name, on days of 1950-2025. */
    static const char *const states[] = {"USA", "RUS", "PRK", "ROK", "CHN", "JPN", "EST", "UKR", "UKG", "FRN", "AUL", "NEW"};
    const size_t ns = sizeof states / sizeof *states;
    uint64_t x = 12345;
    for (int q = 0; q < 300; q++) {
        x = x * 6364136223846793005u + 1442695040888963407u;
        size_t i = (x >> 33) % ns, j = (x >> 45) % ns;
        if (i == j)
            continue;
        casus_attack a = {.attacker = cc(w, states[i]), .target = cc(w, states[j]),
                          .day = casus_day_from_ymd(1950, 1, 1) + (casus_day)((x >> 20) % (76 * 365))};
        expect_agree(w, &a, q % 2 ? CASUS_WHO_ALL : 0, s);
    }
    casus_who_scratch_free(s);
    casus_world_free(w);
}

Test(who_eval, a_query_allocates_nothing)
{
    casus_world *w = shipped();
    casus_who_scratch *s = NULL;
    casus_error err;
    cr_assert_eq(casus_who_scratch_create(w, &s, &err), CASUS_OK);
    casus_attack a = attack(w, "RUS", "EST", NULL, 2025, 3, 1);
    size_t before = n_allocs, total = 0;
    for (int i = 0; i < 100; i++) {
        const casus_binding *b;
        size_t n;
        unsigned flags = (unsigned)i % 4; /* ALL and CHECKS, each way */
        cr_assert_eq(casus_who_eval(w, &a, flags, s, &b, &n, &err), CASUS_OK);
        total += n;
    }
    cr_assert_eq(n_allocs - before, 0, "%zu allocations in 100 queries", n_allocs - before);
    cr_assert_gt(total, 0);
    /* The counter counts: the traced answer allocates. */
    casus_who_result *r = NULL;
    cr_assert_eq(casus_who(w, &a, 0, &r, &err), CASUS_OK);
    cr_assert_gt(n_allocs - before, 0);
    casus_who_free(r);
    casus_who_scratch_free(s);
    casus_world_free(w);
}

Test(who_eval, refuses_bad_attacks_and_a_scratch_of_another_world)
{
    casus_world *w = shipped(), *v = shipped();
    casus_who_scratch *s = NULL;
    casus_error err;
    cr_assert_eq(casus_who_scratch_create(v, &s, &err), CASUS_OK);
    const casus_binding *b;
    size_t n;
    casus_attack a = attack(w, "ROK", "PRK", NULL, 2025, 3, 1);
    cr_assert_eq(casus_who_eval(w, &a, 0, s, &b, &n, &err), CASUS_INVALID);
    cr_assert_not_null(strstr(err.message, "another world"), "%s", err.message);
    cr_assert_eq(n, 0);
    casus_who_scratch_free(s);
    cr_assert_eq(casus_who_scratch_create(w, &s, &err), CASUS_OK);
    casus_attack self = attack(w, "ROK", "ROK", NULL, 2025, 3, 1);
    cr_assert_eq(casus_who_eval(w, &self, 0, s, &b, &n, &err), CASUS_INVALID);
    cr_assert_str_eq(err.message, "a state cannot attack itself");
    casus_attack unknown = {.attacker = 999, .target = cc(w, "PRK"), .day = a.day};
    cr_assert_eq(casus_who_eval(w, &unknown, 0, s, &b, &n, &err), CASUS_INVALID);
    cr_assert_str_eq(err.message, "unknown attacker (COW code 999)");
    casus_attack elsewhere = attack(w, "CHN", "PRK", "guam", 2025, 3, 1);
    cr_assert_eq(casus_who_eval(w, &elsewhere, 0, s, &b, &n, NULL), CASUS_INVALID);
    cr_assert_eq(n, 0);
    cr_assert_eq(casus_who_eval(w, &a, 0, s, &b, &n, &err), CASUS_OK);
    cr_assert_gt(n, 0);
    casus_who_scratch_free(s);
    casus_who_scratch_free(NULL);
    casus_world_free(v);
    casus_world_free(w);
}

/* A defence rule with as many conditions as a rule may have
 * (CASUS_MAX_RULE_CONDITIONS): undecidable ones, then an adversary
 * condition, which is evaluated like the first. */
static casus_world *many_conditions(const char *adversary)
{
    char *text = malloc(16384);
    size_t n = (size_t)snprintf(text, 16384,
                                "treaty many-conds\ntitle \"A test treaty\"\nsigned 2000-01-01\nin-force 2000-01-01\n"
                                "ends never\natop none\nsource S1 \"made up for the tests\"\n"
                                "party USA 2 joined 2000-01-01\nparty CAN 20 joined 2000-01-01\n"
                                "article 1\n  text paraphrase S1\n  > The United States defends Canada.\n"
                                "  rule defense\n    owed-by USA\n    owed-to CAN\n    trigger armed-attack\n"
                                "    timing immediate\n");
    for (int i = 1; i < CASUS_MAX_RULE_CONDITIONS; i++)
        n += (size_t)snprintf(text + n, 16384 - n, "    undecidable \"condition %d\"\n", i);
    n += (size_t)snprintf(text + n, 16384 - n, "    adversary one-of %s\n", adversary);
    char dir[4096];
    casus_error err;
    casus_world *w = NULL;
    cr_assert_eq(casus_world_create(&w, &err), CASUS_OK);
    snprintf(dir, sizeof dir, "%s/world", source_dir());
    cr_assert_eq(casus_world_load_tables(w, dir, &err), CASUS_OK, "%s", err.message);
    cr_assert_eq(casus_world_load_treaty_text(w, "many.treaty", text, n, &err), CASUS_OK, "%s:%d: %s", err.file,
                 err.line, err.message);
    cr_assert_eq(casus_world_finish(w, &err), CASUS_OK, "%s", err.message);
    free(text);
    return w;
}

Test(who_eval, the_last_condition_a_rule_may_have_counts)
{
    casus_world *w = many_conditions("CHN");
    const casus_obligation *ob;
    cr_assert_eq(casus_world_obligations_to(w, cc(w, "CAN"), &ob), 1);
    cr_assert_eq(ob->n_conds, CASUS_MAX_RULE_CONDITIONS);
    casus_attack a = attack(w, "RUS", "CAN", NULL, 2025, 3, 1);
    casus_error err;
    casus_who_result *r = NULL;
    cr_assert_eq(casus_who(w, &a, 0, &r, &err), CASUS_OK);
    cr_assert_eq(r->n_findings, 0, "the last condition (adversary one of CHN) fails for RUS");
    casus_who_free(r);
    cr_assert_eq(casus_who(w, &a, CASUS_WHO_ALL, &r, &err), CASUS_OK);
    cr_assert_eq(r->n_findings, 1);
    const casus_finding *f = &r->findings[0];
    cr_assert_eq(f->status, CASUS_FAILED);
    const size_t last = 1 + CASUS_MAX_RULE_CONDITIONS; /* after in force and trigger */
    cr_assert_eq(f->n_traces, last + 1);
    cr_assert_eq(f->traces[last].truth, CASUS_FAILED);
    cr_assert_str_eq(f->traces[last].what, "adversary");
    cr_assert_str_eq(f->traces[last].detail, "one of CHN: RUS is not");
    cr_assert_eq(f->traces[last - 1].truth, CASUS_UNKNOWN);
    casus_who_free(r);
    casus_who_scratch *s = NULL;
    cr_assert_eq(casus_who_scratch_create(w, &s, &err), CASUS_OK);
    const casus_binding *b;
    size_t n;
    cr_assert_eq(casus_who_eval(w, &a, CASUS_WHO_ALL | CASUS_WHO_CHECKS, s, &b, &n, &err), CASUS_OK);
    cr_assert_eq(n, 1);
    cr_assert_eq(b[0].n_checks, last + 1);
    cr_assert_eq(b[0].checks[last].kind, CASUS_CHECK_CONDITION);
    cr_assert_eq(b[0].checks[last].cond, CASUS_MAX_RULE_CONDITIONS - 1);
    cr_assert_eq(b[0].checks[last].truth, CASUS_FAILED);
    casus_who_scratch_free(s);
    casus_world_free(w);

    /* The same rule against an adversary it names: conditional. */
    w = many_conditions("RUS");
    a = attack(w, "RUS", "CAN", NULL, 2025, 3, 1);
    cr_assert_eq(casus_who(w, &a, 0, &r, &err), CASUS_OK);
    cr_assert_eq(r->n_findings, 1);
    cr_assert_eq(r->findings[0].status, CASUS_UNKNOWN);
    casus_who_free(r);
    casus_world_free(w);
}

/* Out of memory at the first, second, third ... allocation of casus_who,
 * casus_who_scratch_create and casus_who_write: each fails cleanly with
 * CASUS_NOMEM (nothing leaks: the suite runs under ASan) until it has what it
 * needs, and then answers as it does with memory to spare. */
Test(who_eval, out_of_memory_at_every_allocation)
{
    fail_after fa = {.left = 1L << 40};
    char dir[4096];
    casus_error err;
    casus_world *w = NULL;
    cr_assert_eq(casus_world_create_with(fail_after_alloc, &fa, &w, &err), CASUS_OK);
    snprintf(dir, sizeof dir, "%s/world", source_dir());
    cr_assert_eq(casus_world_load_tables(w, dir, &err), CASUS_OK, "%s", err.message);
    snprintf(dir, sizeof dir, "%s/treaties", source_dir());
    cr_assert_eq(casus_world_load_treaty_dir(w, dir, &err), CASUS_OK, "%s", err.message);
    cr_assert_eq(casus_world_finish(w, &err), CASUS_OK);
    casus_attack a = attack(w, "RUS", "EST", NULL, 2025, 3, 1);
    casus_who_result *full = NULL;
    cr_assert_eq(casus_who(w, &a, 0, &full, &err), CASUS_OK);

    long k;
    casus_who_result *r = NULL;
    for (k = 0;; k++) {
        fa.left = k;
        casus_status st = casus_who(w, &a, 0, &r, &err);
        if (st == CASUS_OK)
            break;
        cr_assert_eq(st, CASUS_NOMEM, "allocation %ld: %s", k, err.message);
        cr_assert_null(r);
    }
    cr_assert_geq(k, 3, "casus_who made only %ld allocations", k);
    cr_assert_eq(r->n_findings, full->n_findings);
    cr_assert_eq(r->n_notes, full->n_notes);

    FILE *sink = fopen("/dev/null", "w");
    cr_assert_not_null(sink);
    for (int format = CASUS_FORMAT_TEXT; format <= CASUS_FORMAT_CSV; format++) {
        for (k = 0;; k++) {
            fa.left = k;
            casus_status st = casus_who_write(w, r, (casus_format)format, sink, &err);
            if (st == CASUS_OK)
                break;
            cr_assert_eq(st, CASUS_NOMEM, "format %d, allocation %ld: %s", format, k, err.message);
        }
        cr_assert_geq(k, 1);
    }
    fclose(sink);

    casus_who_scratch *s = NULL;
    for (k = 0;; k++) {
        fa.left = k;
        casus_status st = casus_who_scratch_create(w, &s, &err);
        if (st == CASUS_OK)
            break;
        cr_assert_eq(st, CASUS_NOMEM);
        cr_assert_null(s);
    }
    cr_assert_geq(k, 1);
    fa.left = 0; /* the evaluator needs none */
    const casus_binding *b;
    size_t n;
    cr_assert_eq(casus_who_eval(w, &a, CASUS_WHO_CHECKS, s, &b, &n, &err), CASUS_OK);
    cr_assert_eq(n, full->n_findings);
    fa.left = 1L << 40;
    casus_who_scratch_free(s);
    casus_who_free(r);
    casus_who_free(full);
    casus_world_free(w);
}
