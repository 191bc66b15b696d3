/* Simulations for casus serve: POST /api/simulate starts one (a shipped
 * scenario by id, or a scenario text) on a thread of its own, GET
 * /api/simulate/N reports its progress, GET /api/simulate/N/result gives
 * the bytes of `casus simulate --format json` for the same scenario, trials
 * and seed.  At most SERVE_MAX_SIMS run at once (429 beyond), each with at
 * most SERVE_MAX_TRIALS trials; the last SERVE_MAX_JOBS are kept.
 *
 * Trials run in chunks of casus_sim_run (tallies of disjoint trial ranges
 * add up to the tallies of their union), so that progress can be reported
 * and a stopping server can end a run between chunks. */
#include <inttypes.h>
#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "casus/sim.h"
#include "serve.h"

enum { JOB_COMPILING, JOB_RUNNING, JOB_DONE, JOB_FAILED };
static const char *const job_words[] = {"compiling", "running", "done", "failed"};

#define CHUNK 250 /* trials between progress reports */

typedef struct job {
    const serve_ctx *ctx;
    unsigned id;
    const casus_scenario *scenario; /* shipped (borrowed) or `owned` */
    casus_scenario *owned;
    uint64_t trials, seed;
    atomic_int state;
    atomic_uint_fast64_t done;
    char *result; /* JSON, once done */
    size_t len;
    char error[1024];
    pthread_t thread;
} job;

struct serve_sims {
    pthread_mutex_t lock;
    job *jobs[SERVE_MAX_JOBS]; /* slot id % SERVE_MAX_JOBS */
    unsigned next_id;
    int running;
    atomic_bool stopping;
};

serve_sims *serve_sims_create(void)
{
    serve_sims *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    pthread_mutex_init(&s->lock, NULL);
    s->next_id = 1;
    return s;
}

static void job_free(job *j)
{
    if (!j)
        return;
    pthread_join(j->thread, NULL);
    casus_scenario_free(j->owned);
    free(j->result);
    free(j);
}

void serve_sims_free(serve_sims *s)
{
    if (!s)
        return;
    atomic_store(&s->stopping, true); /* running jobs end after their chunk */
    for (size_t i = 0; i < SERVE_MAX_JOBS; i++)
        job_free(s->jobs[i]);
    pthread_mutex_destroy(&s->lock);
    free(s);
}

static void *job_main(void *arg)
{
    job *j = arg;
    const serve_ctx *ctx = j->ctx;
    casus_error err;
    casus_error_clear(&err);
    casus_sim *sim = NULL;
    casus_sim_tally *tally = NULL;
    casus_status st = casus_sim_compile(ctx->world, j->scenario, ctx->params, ctx->nuclear, 1, &sim, &err);
    if (st == CASUS_OK)
        st = casus_sim_tally_create(sim, &tally, &err);
    if (st == CASUS_OK)
        atomic_store(&j->state, JOB_RUNNING);
    for (uint64_t first = 0; st == CASUS_OK && first < j->trials; first += CHUNK) {
        if (atomic_load(&ctx->sims->stopping)) {
            st = casus_error_set(&err, CASUS_INVALID, NULL, 0, 0, "the server stopped before the simulation ended");
            break;
        }
        uint64_t n = j->trials - first < CHUNK ? j->trials - first : CHUNK;
        st = casus_sim_run(sim, j->seed, first, n, 1, tally, NULL, NULL, &err);
        if (st == CASUS_OK)
            atomic_store(&j->done, first + n);
    }
    char *buf = NULL;
    size_t len = 0;
    if (st == CASUS_OK) {
        FILE *fp = open_memstream(&buf, &len);
        if (!fp)
            st = casus_error_set(&err, CASUS_NOMEM, NULL, 0, 0, "out of memory");
        else {
            st = casus_sim_write(sim, tally, j->seed, CASUS_FORMAT_JSON, fp, &err);
            if (fclose(fp) != 0 && st == CASUS_OK)
                st = casus_error_set(&err, CASUS_NOMEM, NULL, 0, 0, "out of memory");
        }
    }
    casus_sim_tally_free(tally);
    casus_sim_free(sim);
    pthread_mutex_lock(&ctx->sims->lock);
    if (st == CASUS_OK) {
        j->result = buf;
        j->len = len;
        atomic_store(&j->state, JOB_DONE);
    } else {
        free(buf);
        casus_error_format(&err, j->error, sizeof j->error);
        j->error[strcspn(j->error, "\n")] = '\0';
        atomic_store(&j->state, JOB_FAILED);
    }
    ctx->sims->running--;
    pthread_mutex_unlock(&ctx->sims->lock);
    return NULL;
}

static const casus_scenario *shipped(const serve_ctx *ctx, const char *id)
{
    for (size_t i = 0; i < ctx->n_scenarios; i++)
        if (strcmp(ctx->scenarios[i]->id, id) == 0)
            return ctx->scenarios[i];
    return NULL;
}

static void reply_job(const job *j, int status, serve_response *out)
{
    int state = atomic_load(&j->state);
    char poll[64], result[80];
    snprintf(poll, sizeof poll, "/api/simulate/%u", j->id);
    snprintf(result, sizeof result, "/api/simulate/%u/result", j->id);
    json_t *o = json_pack("{s:i, s:s, s:s, s:I, s:I, s:I, s:s, s:o}", "job", (int)j->id, "scenario", j->scenario->id,
                          "status", job_words[state], "trials", (json_int_t)j->trials, "done",
                          (json_int_t)atomic_load(&j->done), "seed", (json_int_t)j->seed, "poll", poll, "result",
                          state == JOB_DONE ? json_string(result) : json_null());
    if (o && state == JOB_FAILED)
        json_object_set_new(o, "error", json_string(j->error));
    serve_reply_json(out, status, o);
}

/* POST /api/simulate, body {"scenario": ID} or {"text": SCENARIO}, with
 * optional "trials" (1 to SERVE_MAX_TRIALS; default the scenario's, capped)
 * and "seed" (default the scenario's). */
void serve_sim_post(const serve_ctx *ctx, const char *body, size_t len, serve_response *out)
{
    if (!ctx->sims || !ctx->params) {
        serve_error(out, 404, "simulations are not available: no join-model parameters (params/default.params)");
        return;
    }
    json_error_t jerr;
    json_t *req = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!req || !json_is_object(req)) {
        json_decref(req);
        serve_error(out, 400, "the body must be a JSON object such as {\"scenario\": \"korea-dmz-2025\"}%s%s",
                    req ? "" : ": ", req ? "" : jerr.text);
        return;
    }
    const char *key;
    json_t *value;
    json_object_foreach(req, key, value)
    {
        if (strcmp(key, "scenario") != 0 && strcmp(key, "text") != 0 && strcmp(key, "trials") != 0 &&
            strcmp(key, "seed") != 0) {
            serve_error(out, 400, "unknown field '%s' (scenario, text, trials, seed)", key);
            json_decref(req);
            return;
        }
    }
    json_t *jid = json_object_get(req, "scenario"), *jtext = json_object_get(req, "text");
    json_t *jtrials = json_object_get(req, "trials"), *jseed = json_object_get(req, "seed");
    if (!jid == !jtext || (jid && !json_is_string(jid)) || (jtext && !json_is_string(jtext))) {
        serve_error(out, 400, "give 'scenario' (the id of a shipped scenario) or 'text' (a scenario), as a string");
        json_decref(req);
        return;
    }
    if ((jtrials && (!json_is_integer(jtrials) || json_integer_value(jtrials) < 1 ||
                     json_integer_value(jtrials) > SERVE_MAX_TRIALS)) ||
        (jseed && (!json_is_integer(jseed) || json_integer_value(jseed) < 0))) {
        serve_error(out, 400, "'trials' takes a whole number from 1 to %d (this server's cap), 'seed' one from 0",
                    SERVE_MAX_TRIALS);
        json_decref(req);
        return;
    }
    job *j = calloc(1, sizeof *j);
    if (!j) {
        json_decref(req);
        serve_error(out, 500, "out of memory");
        return;
    }
    j->ctx = ctx;
    if (jid) {
        j->scenario = shipped(ctx, json_string_value(jid));
        if (!j->scenario) {
            serve_error(out, 404, "no scenario '%s' (see /api/scenarios)", json_string_value(jid));
            json_decref(req);
            free(j);
            return;
        }
    } else {
        casus_error err;
        casus_error_clear(&err);
        if (casus_scenario_parse(ctx->world, "scenario", json_string_value(jtext), json_string_length(jtext),
                                 &j->owned, &err) != CASUS_OK) {
            char msg[1024];
            casus_error_format(&err, msg, sizeof msg);
            msg[strcspn(msg, "\n")] = '\0'; /* file:line:col: message, without the caret display */
            serve_error(out, err.status == CASUS_TOOBIG ? 413 : 400, "%s", msg);
            json_decref(req);
            free(j);
            return;
        }
        j->scenario = j->owned;
    }
    j->trials = jtrials ? (uint64_t)json_integer_value(jtrials)
                        : (j->scenario->trials < SERVE_MAX_TRIALS ? j->scenario->trials : SERVE_MAX_TRIALS);
    j->seed = jseed ? (uint64_t)json_integer_value(jseed) : j->scenario->seed;
    json_decref(req);

    serve_sims *s = ctx->sims;
    pthread_mutex_lock(&s->lock);
    job *old = s->jobs[s->next_id % SERVE_MAX_JOBS];
    if (s->running >= SERVE_MAX_SIMS || (old && atomic_load(&old->state) <= JOB_RUNNING)) {
        pthread_mutex_unlock(&s->lock);
        serve_error(out, 429, "%d simulations are running, as many as this server runs at once; try again when one has ended",
                    s->running);
        casus_scenario_free(j->owned);
        free(j);
        return;
    }
    j->id = s->next_id;
    if (pthread_create(&j->thread, NULL, job_main, j) != 0) {
        pthread_mutex_unlock(&s->lock);
        serve_error(out, 500, "cannot start a thread for the simulation");
        casus_scenario_free(j->owned);
        free(j);
        return;
    }
    s->next_id++;
    s->running++;
    s->jobs[j->id % SERVE_MAX_JOBS] = j;
    pthread_mutex_unlock(&s->lock);
    job_free(old); /* ended: the join returns at once */
    reply_job(j, 202, out);
}

/* GET /api/simulate/N and /api/simulate/N/result. */
void serve_sim_get(const serve_ctx *ctx, const char *id, bool result, serve_response *out)
{
    char *end;
    unsigned long n = strtoul(id, &end, 10);
    if (!id[0] || *end || n == 0 || n > 4000000000ul) {
        serve_error(out, 400, "'%s' is not a simulation number", id);
        return;
    }
    if (!ctx->sims) {
        serve_error(out, 404, "no simulation %lu", n);
        return;
    }
    pthread_mutex_lock(&ctx->sims->lock);
    job *j = ctx->sims->jobs[n % SERVE_MAX_JOBS];
    if (!j || j->id != n) {
        pthread_mutex_unlock(&ctx->sims->lock);
        serve_error(out, 404, "no simulation %lu (the last %d are kept)", n, SERVE_MAX_JOBS);
        return;
    }
    int state = atomic_load(&j->state);
    if (!result)
        reply_job(j, 200, out);
    else if (state == JOB_DONE) {
        out->body = malloc(j->len);
        if (out->body) {
            memcpy(out->body, j->result, j->len);
            out->len = j->len;
            out->status = 200;
            out->type = "application/json; charset=utf-8";
        } else
            serve_error(out, 500, "out of memory");
    } else if (state == JOB_FAILED)
        serve_error(out, 409, "simulation %lu failed: %s", n, j->error);
    else
        serve_error(out, 409, "simulation %lu is %s (%" PRIu64 " of %" PRIu64 " trials done)", n, job_words[state],
                    (uint64_t)atomic_load(&j->done), j->trials);
    pthread_mutex_unlock(&ctx->sims->lock);
}

/* GET /api/scenarios: the shipped scenarios, with their prose. */
void serve_scenarios(const serve_ctx *ctx, serve_response *out)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < ctx->n_scenarios; i++) {
        const casus_scenario *sc = ctx->scenarios[i];
        char start[11];
        casus_date_format(sc->start, start);
        json_t *attacks = json_array();
        for (size_t k = 0; k < sc->n_attacks; k++) {
            char a[12], t[12], d[11];
            casus_date_format(sc->attacks[k].day, d);
            json_array_append_new(attacks, json_pack("{s:s, s:s, s:s, s:s}", "attacker",
                                                     casus_world_abb(ctx->world, sc->attacks[k].attacker, a),
                                                     "target", casus_world_abb(ctx->world, sc->attacks[k].target, t),
                                                     "place", sc->attacks[k].place ? sc->attacks[k].place->id : "",
                                                     "date", d));
        }
        json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:i, s:I, s:I, s:o, s:o}", "id", sc->id, "title",
                                             sc->title ? sc->title : "", "start", start, "horizon", sc->horizon,
                                             "trials", (json_int_t)sc->trials, "seed", (json_int_t)sc->seed,
                                             "attacks", attacks, "text",
                                             sc->text ? json_string(sc->text) : json_null()));
    }
    json_t *root = json_pack("{s:o, s:i}", "scenarios", arr, "max_trials", SERVE_MAX_TRIALS);
    serve_reply_json(out, 200, root);
}
