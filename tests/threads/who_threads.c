/* Several threads querying one finished world (world tables, shipped
 * treaties, COW and ATOP), each with its own scratch: every answer is the
 * one a single thread gets, through the evaluator and through the traced
 * casus_who.  A plain program rather than a Criterion test, so that
 * scripts/test can also build and run it under ThreadSanitizer (Criterion's
 * runner itself crashes under TSan).  Exit status 0 when every answer
 * agrees; 1, with a message per failure on stderr, otherwise.  Reads the
 * environment the Criterion tests read (CASUS_SOURCE_DIR, CASUS_TEST_DATA). */
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "casus/data.h"
#include "casus/who.h"

static int failures;
#define CHECK(cond, ...)                                                     \
    do {                                                                     \
        if (!(cond)) {                                                       \
            fprintf(stderr, "who-threads: %s:%d: ", __FILE__, __LINE__);    \
            fprintf(stderr, __VA_ARGS__);                                    \
            fputc('\n', stderr);                                             \
            failures++;                                                      \
        }                                                                    \
    } while (0)
/* As CHECK, and the program stops at a failure; cond is evaluated once. */
#define REQUIRE(cond, ...)                                                   \
    do {                                                                     \
        int before_ = failures;                                              \
        CHECK(cond, __VA_ARGS__);                                            \
        if (failures != before_)                                             \
            exit(1);                                                         \
    } while (0)

static const char *env_or(const char *name, const char *dflt)
{
    const char *s = getenv(name);
    return s && *s ? s : dflt;
}

#define THREADS 4
#define QUERIES 600
#define TRACED_EVERY 10 /* every tenth query also through casus_who */

static casus_world *W;
static casus_attack Q[QUERIES];
static uint64_t serial_eval[QUERIES], serial_traced[QUERIES];

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 0x100000001b3u;
    return h;
}

static uint64_t fnv_str(uint64_t h, const char *s) { return fnv(h, s, strlen(s) + 1); }

/* Everything the evaluator answers, as one number. */
static uint64_t eval_digest(casus_who_scratch *s, const casus_attack *a, unsigned flags)
{
    const casus_binding *b;
    size_t n;
    casus_error err;
    if (casus_who_eval(W, a, flags | CASUS_WHO_CHECKS, s, &b, &n, &err) != CASUS_OK)
        return 1;
    uint64_t h = fnv(0xcbf29ce484222325u, &n, sizeof n);
    const casus_obligation *base = casus_world_obligation_at(W, 0);
    for (size_t i = 0; i < n; i++) {
        size_t idx = (size_t)(b[i].obligation - base);
        int v[4] = {(int)b[i].role, (int)b[i].status, b[i].superseded_by != NULL, (int)b[i].n_checks};
        h = fnv(h, &idx, sizeof idx);
        h = fnv(h, v, sizeof v);
        for (size_t k = 0; k < b[i].n_checks; k++) {
            int c[4] = {b[i].checks[k].kind, b[i].checks[k].truth, b[i].checks[k].detail, b[i].checks[k].cond};
            h = fnv(h, c, sizeof c);
        }
    }
    return h;
}

/* Everything casus_who answers, words included, as one number. */
static uint64_t traced_digest(const casus_attack *a, unsigned flags)
{
    casus_who_result *r = NULL;
    casus_error err;
    if (casus_who(W, a, flags, &r, &err) != CASUS_OK)
        return 1;
    uint64_t h = fnv(0xcbf29ce484222325u, &r->n_findings, sizeof r->n_findings);
    for (size_t i = 0; i < r->n_findings; i++) {
        const casus_finding *f = &r->findings[i];
        h = fnv_str(h, f->obligation->treaty->id);
        int v[4] = {f->obligation->obligor, f->obligation->beneficiary, (int)f->role, (int)f->status};
        h = fnv(h, v, sizeof v);
        for (size_t k = 0; k < f->n_traces; k++)
            h = fnv_str(fnv_str(h, f->traces[k].what), f->traces[k].detail);
    }
    for (size_t i = 0; i < r->n_conflicts; i++)
        h = fnv(h, &r->conflicts[i], sizeof r->conflicts[i]);
    for (size_t i = 0; i < r->n_notes; i++)
        h = fnv_str(h, r->notes[i]);
    casus_who_free(r);
    return h;
}

static unsigned flags_of(size_t q) { return q % 3 == 0 ? CASUS_WHO_ALL : 0; }

static void load(void)
{
    char dir[4096];
    casus_error err;
    const char *src = env_or("CASUS_SOURCE_DIR", ".");
    REQUIRE(casus_world_create(&W, &err) == CASUS_OK, "cannot create a world");
    snprintf(dir, sizeof dir, "%s/world", src);
    REQUIRE(casus_world_load_tables(W, dir, &err) == CASUS_OK, "%s", err.message);
    snprintf(dir, sizeof dir, "%s/treaties", src);
    REQUIRE(casus_world_load_treaty_dir(W, dir, &err) == CASUS_OK, "%s", err.message);
    REQUIRE(casus_data_load(W, env_or("CASUS_TEST_DATA", "../shared/data"), CASUS_DATA_COW | CASUS_DATA_ATOP, &err) ==
                CASUS_OK, "%s:%d: %s", err.file, err.line, err.message);
    REQUIRE(casus_world_finish(W, &err) == CASUS_OK, "%s", err.message);
    /* Random attacks between members of the system on days of 1816-2024
     * (a fixed linear congruential sequence: the same queries every run). */
    size_t n_states = casus_world_state_count(W);
    casus_day first = casus_day_from_ymd(1816, 1, 1), span = casus_day_from_ymd(2024, 12, 31) - first + 1;
    uint64_t x = 20240601;
    for (size_t q = 0; q < QUERIES;) {
        x = x * 6364136223846793005u + 1442695040888963407u;
        casus_day day = first + (casus_day)((x >> 24) % (uint64_t)span);
        x = x * 6364136223846793005u + 1442695040888963407u;
        const casus_state *a = casus_world_state_at(W, (x >> 33) % n_states);
        const casus_state *b = casus_world_state_at(W, (x >> 13) % n_states);
        if (a == b || casus_world_member(W, a->ccode, day) != CASUS_HELD ||
            casus_world_member(W, b->ccode, day) != CASUS_HELD)
            continue;
        Q[q++] = (casus_attack){.attacker = a->ccode, .target = b->ccode, .day = day};
    }
}

typedef struct worker {
    int id;
    pthread_barrier_t *start;
    size_t mismatches;
    size_t first_bad;
    int failed_setup;
} worker;

static void *run(void *arg)
{
    worker *wk = arg;
    casus_who_scratch *s = NULL;
    wk->failed_setup = casus_who_scratch_create(W, &s, NULL) != CASUS_OK;
    wk->first_bad = QUERIES;
    pthread_barrier_wait(wk->start);
    if (wk->failed_setup)
        return NULL;
    /* Each thread walks the queries from its own starting point. */
    for (size_t k = 0; k < QUERIES; k++) {
        size_t q = (k + (size_t)wk->id * (QUERIES / THREADS)) % QUERIES;
        bool bad = eval_digest(s, &Q[q], flags_of(q)) != serial_eval[q];
        if (q % TRACED_EVERY == 0)
            bad |= traced_digest(&Q[q], flags_of(q)) != serial_traced[q];
        if (bad) {
            wk->mismatches++;
            if (q < wk->first_bad)
                wk->first_bad = q;
        }
    }
    casus_who_scratch_free(s);
    return NULL;
}

int main(void)
{
    load();
    casus_who_scratch *s = NULL;
    casus_error err;
    REQUIRE(casus_who_scratch_create(W, &s, &err) == CASUS_OK, "%s", err.message);
    size_t found = 0;
    for (size_t q = 0; q < QUERIES; q++) {
        serial_eval[q] = eval_digest(s, &Q[q], flags_of(q));
        REQUIRE(serial_eval[q] != 1, "query %zu refused", q);
        if (q % TRACED_EVERY == 0) {
            serial_traced[q] = traced_digest(&Q[q], flags_of(q));
            REQUIRE(serial_traced[q] != 1, "query %zu refused by casus_who", q);
        }
        const casus_binding *b;
        size_t n;
        REQUIRE(casus_who_eval(W, &Q[q], 0, s, &b, &n, &err) == CASUS_OK, "%s", err.message);
        found += n;
    }
    casus_who_scratch_free(s);
    /* The queries are not vacuous: with ATOP loaded most have findings. */
    REQUIRE(found > QUERIES, "only %zu bindings in %d queries", found, QUERIES);

    pthread_barrier_t start;
    pthread_barrier_init(&start, NULL, THREADS);
    pthread_t th[THREADS];
    worker wk[THREADS];
    for (int t = 0; t < THREADS; t++) {
        wk[t] = (worker){.id = t, .start = &start};
        REQUIRE(pthread_create(&th[t], NULL, run, &wk[t]) == 0, "cannot start thread %d", t);
    }
    for (int t = 0; t < THREADS; t++)
        pthread_join(th[t], NULL);
    pthread_barrier_destroy(&start);
    for (int t = 0; t < THREADS; t++) {
        CHECK(wk[t].failed_setup == 0, "thread %d could not make its scratch", t);
        CHECK(wk[t].mismatches == 0, "thread %d: %zu answers differ from the serial ones (first: query %zu)", t,
              wk[t].mismatches, wk[t].first_bad);
    }
    casus_world_free(W);
    if (failures == 0)
        printf("who-threads: %d threads x %d queries (%zu bindings serially), every answer as in one thread\n", THREADS,
               QUERIES, found);
    return failures ? 1 : 0;
}
