/* The JSON API of casus serve: the same objects the command line writes,
 * and errors with the same messages it prints. */
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../cli/wars_json.h"
#include "casus/who.h"
#include "serve.h"

static const char json_mime[] = "application/json; charset=utf-8";

/* Messages echo what the client sent: keep them printable ASCII, so they
 * are valid JSON strings whatever bytes came in. */
static void printable(char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
            *s = '?';
}

void serve_error(serve_response *out, int status, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    printable(msg);
    json_t *o = json_pack("{s:s, s:i}", "error", msg, "status", status);
    char *text = o ? json_dumps(o, JSON_PRESERVE_ORDER) : NULL;
    json_decref(o);
    out->status = status;
    out->type = json_mime;
    free(out->body);
    out->body = NULL;
    out->len = 0;
    if (text) {
        size_t n = strlen(text);
        out->body = realloc(text, n + 2);
        if (!out->body) {
            free(text);
            return;
        }
        out->body[n] = '\n';
        out->body[n + 1] = '\0';
        out->len = n + 1;
    }
}

void serve_reply_json(serve_response *out, int status, json_t *root)
{
    if (!root) {
        serve_error(out, 500, "out of memory");
        return;
    }
    char *text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(root);
    size_t n = text ? strlen(text) : 0;
    char *body = text ? realloc(text, n + 2) : NULL;
    if (!body) {
        free(text);
        serve_error(out, 500, "out of memory");
        return;
    }
    body[n] = '\n';
    body[n + 1] = '\0';
    out->status = status;
    out->type = json_mime;
    out->body = body;
    out->len = n + 1;
}

/* The query parameters an endpoint takes: each at most once, no others,
 * no NUL bytes.  Fills values[i] for names[i] (NULL when absent). */
static bool take_params(serve_response *out, const serve_param *params, size_t n_params, const char *const *names,
                        const char **values, size_t n_names)
{
    for (size_t k = 0; k < n_names; k++)
        values[k] = NULL;
    for (size_t i = 0; i < n_params; i++) {
        size_t k = 0;
        while (k < n_names && strcmp(params[i].name, names[k]) != 0)
            k++;
        if (k == n_names) {
            serve_error(out, 400, "unknown parameter '%s'", params[i].name);
            return false;
        }
        if (values[k]) {
            serve_error(out, 400, "parameter '%s' given twice", names[k]);
            return false;
        }
        if (strlen(params[i].value) != params[i].len) {
            serve_error(out, 400, "parameter '%s' holds a NUL byte", names[k]);
            return false;
        }
        values[k] = params[i].value;
    }
    return true;
}

/* A day from a date parameter, with the command line's messages; today
 * (UTC) when absent. */
static bool take_day(serve_response *out, const char *date, casus_day *day)
{
    if (!date) {
        time_t now = time(NULL);
        struct tm tm;
        gmtime_r(&now, &tm);
        *day = casus_day_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
        return true;
    }
    casus_status st = casus_date_parse(date, strlen(date), day);
    if (st == CASUS_PARSE) {
        serve_error(out, 400, "'%s' is not a date: use YYYY-MM-DD", date);
        return false;
    }
    if (st != CASUS_OK) {
        serve_error(out, 400, "%s is not a day of the calendar", date);
        return false;
    }
    if (*day < casus_day_from_ymd(1816, 1, 1)) {
        serve_error(out, 400, "%s is before 1816-01-01, where casus's data begin", date);
        return false;
    }
    return true;
}

/* GET /api/who?attacker=&target=&date=&place=&all=: the bytes of
 * `casus who --format json` for the same query (casus_who_write). */
static void api_who(const serve_ctx *ctx, const serve_param *params, size_t n_params, serve_response *out)
{
    static const char *const names[] = {"attacker", "target", "date", "place", "all"};
    const char *v[5];
    if (!take_params(out, params, n_params, names, v, 5))
        return;
    unsigned flags = 0;
    if (v[4]) {
        if (strcmp(v[4], "1") == 0 || strcmp(v[4], "true") == 0)
            flags |= CASUS_WHO_ALL;
        else if (strcmp(v[4], "0") != 0 && strcmp(v[4], "false") != 0)
            { serve_error(out, 400, "'%s' is not a value of 'all' (true or false)", v[4]); return; }
    }
    if (!v[0] || !v[1] || !*v[0] || !*v[1])
        { serve_error(out, 400, "attacker and target are required"); return; }
    casus_day day;
    if (!take_day(out, v[2], &day))
        return;
    const casus_state *a = NULL, *b = NULL;
    const char *note_a = NULL, *note_b = NULL;
    casus_error err;
    casus_error_clear(&err);
    if (casus_names_resolve(ctx->names, ctx->world, v[0], &a, &note_a, &err) != CASUS_OK ||
        casus_names_resolve(ctx->names, ctx->world, v[1], &b, &note_b, &err) != CASUS_OK)
        { serve_error(out, 400, "%s", err.message); return; }
    snprintf(out->note, sizeof out->note, "%s%s%s", note_a ? note_a : "", note_a && note_b ? "; " : "",
             note_b ? note_b : "");
    casus_attack att = {.attacker = a->ccode, .target = b->ccode, .day = day};
    if (v[3] && *v[3]) {
        att.place = casus_world_place_find(ctx->world, v[3]);
        if (!att.place)
            { serve_error(out, 400, "unknown place '%s' (see world/places.csv, or a state's abbreviation)", v[3]); return; }
    }
    casus_who_result *res = NULL;
    casus_status st = casus_who(ctx->world, &att, flags, &res, &err);
    if (st != CASUS_OK)
        { serve_error(out, st == CASUS_INVALID ? 400 : 500, "%s", err.message); return; }
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    if (!fp) {
        casus_who_free(res);
        { serve_error(out, 500, "out of memory"); return; }
    }
    st = casus_who_write(ctx->world, res, CASUS_FORMAT_JSON, fp, &err);
    casus_who_free(res);
    if (fclose(fp) != 0 || st != CASUS_OK) {
        free(buf);
        { serve_error(out, 500, "%s", st != CASUS_OK ? err.message : "cannot write the answer"); return; }
    }
    out->status = 200;
    out->type = json_mime;
    out->body = buf;
    out->len = len;
}

static json_t *span_json(casus_span span)
{
    char buf[24];
    if (casus_span_is_open(span))
        return json_null();
    casus_span_format(span, buf);
    return json_string(buf);
}

static json_t *period_json(casus_period p)
{
    return json_pack("{s:o, s:o}", "start", span_json(p.start), "end", span_json(p.end));
}

static json_t *abbs_json(const casus_world *w, const int *ccodes, size_t n)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        char buf[12];
        json_array_append_new(arr, json_string(casus_world_abb(w, ccodes[i], buf)));
    }
    return arr;
}

static const char *base_name(const char *path)
{
    const char *slash = path ? strrchr(path, '/') : NULL;
    return slash ? slash + 1 : path;
}

static json_t *treaty_summary_json(const casus_world *w, const casus_treaty *t)
{
    char a[24];
    casus_span_format(t->signed_on, a);
    json_t *parties = json_array();
    for (size_t i = 0; i < t->n_parties; i++)
        json_array_append_new(parties, json_string(t->parties[i].abb));
    return json_pack("{s:s, s:s, s:s, s:o, s:s, s:o, s:I, s:b}", "id", t->id, "title", t->title ? t->title : "",
                     "signed", a, "in_force", period_json(t->in_force), "end_cause", casus_end_str(t->end_cause),
                     "parties", parties, "articles", (json_int_t)t->n_articles, "atop", t->from_atop);
}

static const char *const cond_names[] = {
    "adversary any",  "adversary one-of", "adversary non-party", "adversary external", "place anywhere",
    "place territory-of beneficiary", "place administered-by", "place in", "place recognized-by obligor",
    "when-attacked", "undecidable"};

static json_t *rule_json(const casus_world *w, const casus_rule *r)
{
    char acts[64];
    casus_actions_format(r->actions, acts, sizeof acts);
    json_t *conds = json_array();
    for (size_t j = 0; j < r->n_conds; j++) {
        const casus_condition *c = &r->conds[j];
        json_t *o = json_pack("{s:s, s:o}", "condition",
                              (size_t)c->kind < sizeof cond_names / sizeof *cond_names ? cond_names[c->kind] : "?",
                              "states", abbs_json(w, c->states, c->n_states));
        if (c->area)
            json_object_set_new(o, "area", json_string(c->area));
        if (c->text)
            json_object_set_new(o, "text", json_string(c->text));
        json_array_append_new(conds, o);
    }
    return json_pack("{s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:i}", "kind", casus_kind_str(r->kind), "trigger",
                     casus_trigger_str(r->trigger), "timing", casus_timing_str(r->timing), "actions", acts, "owed_by",
                     r->owed_by ? abbs_json(w, r->owed_by, r->n_owed_by) : json_string("each party"), "owed_to",
                     r->owed_to ? abbs_json(w, r->owed_to, r->n_owed_to) : json_string("each other party"), "valid",
                     period_json(r->valid), "conditions", conds, "line", r->line);
}

/* The literate file of a hand-encoded treaty, as written; NULL when it
 * cannot be read (or is an ATOP record, which has none). */
static json_t *file_text_json(const casus_treaty *t)
{
    if (t->from_atop || !t->file)
        return json_null();
    FILE *fp = fopen(t->file, "rb");
    if (!fp)
        return json_null();
    char *buf = malloc(CASUS_MAX_TREATY_FILE + 1);
    size_t n = buf ? fread(buf, 1, CASUS_MAX_TREATY_FILE, fp) : 0;
    fclose(fp);
    json_t *s = buf ? json_stringn(buf, n) : NULL;
    free(buf);
    return s ? s : json_null();
}

/* GET /api/treaties/ID: what `casus treaty show ID` prints, as an object:
 * dates, parties, each article's passages (with their verification status)
 * beside its rules, sources, notes, and the literate file itself. */
static json_t *treaty_json(const casus_world *w, const casus_treaty *t)
{
    json_t *root = treaty_summary_json(w, t);
    json_object_set_new(root, "file", t->file && !t->from_atop ? json_string(base_name(t->file)) : json_null());
    json_object_set_new(root, "end_note", t->end_note ? json_string(t->end_note) : json_null());
    json_t *atop = json_array();
    for (size_t i = 0; i < t->n_atop; i++)
        json_array_append_new(atop, json_integer(t->atop[i]));
    json_object_set_new(root, "atop_ids", atop);
    json_t *parties = json_array();
    for (size_t i = 0; i < t->n_parties; i++) {
        const casus_party *p = &t->parties[i];
        const casus_state *s = casus_world_state_by_ccode(w, p->ccode);
        json_array_append_new(parties, json_pack("{s:s, s:i, s:s, s:o, s:o}", "abb", p->abb, "ccode", p->ccode,
                                                 "name", s ? s->name : "", "member", period_json(p->member), "note",
                                                 p->note ? json_string(p->note) : json_null()));
    }
    json_object_set_new(root, "parties", parties);
    json_t *susp = json_array();
    for (size_t i = 0; i < t->n_suspensions; i++) {
        const casus_suspension *s = &t->suspensions[i];
        char x[12], y[12];
        json_array_append_new(susp, json_pack("{s:s, s:s, s:o, s:o}", "by", casus_world_abb(w, s->by, x), "toward",
                                              casus_world_abb(w, s->toward, y), "period", period_json(s->period),
                                              "note", s->note ? json_string(s->note) : json_null()));
    }
    json_object_set_new(root, "suspensions", susp);
    json_t *arts = json_array();
    for (size_t i = 0; i < t->n_articles; i++) {
        const casus_article *art = &t->articles[i];
        json_t *passages = json_array();
        for (size_t k = 0; k < art->n_passages; k++) {
            const casus_passage *ps = &art->passages[k];
            json_array_append_new(passages, json_pack("{s:s, s:s, s:o, s:s}", "status",
                                                      casus_text_status_str(ps->status), "source",
                                                      ps->source ? ps->source : "", "note",
                                                      ps->note ? json_string(ps->note) : json_null(), "text",
                                                      ps->text ? ps->text : ""));
        }
        json_t *rules = json_array();
        for (size_t k = 0; k < art->n_rules; k++)
            json_array_append_new(rules, rule_json(w, &art->rules[k]));
        json_array_append_new(arts, json_pack("{s:s, s:o, s:o, s:o}", "number", art->number, "title",
                                              art->title ? json_string(art->title) : json_null(), "passages",
                                              passages, "rules", rules));
    }
    json_object_set_new(root, "articles", arts);
    json_t *sources = json_array();
    for (size_t i = 0; i < t->n_sources; i++)
        json_array_append_new(sources,
                              json_pack("{s:s, s:s}", "key", t->sources[i].key, "text", t->sources[i].text));
    json_object_set_new(root, "sources", sources);
    json_object_set_new(root, "notes", t->notes ? json_string(t->notes) : json_null());
    json_object_set_new(root, "text", file_text_json(t));
    return root;
}

static void api_treaties(const serve_ctx *ctx, const char *id, const serve_param *params, size_t n_params,
                         serve_response *out)
{
    if (!take_params(out, params, n_params, NULL, NULL, 0))
        return;
    if (id) {
        const casus_treaty *t = casus_world_treaty_find(ctx->world, id);
        if (!t)
            { serve_error(out, 404, "no treaty with id '%s' (try 'casus treaty list')", id); return; }
        { serve_reply_json(out, 200, treaty_json(ctx->world, t)); return; }
    }
    /* The hand-encoded treaties, as `casus treaty list`; ATOP's records are
     * reached by id (atop-NNNN). */
    json_t *arr = json_array();
    for (size_t i = 0; i < casus_world_treaty_count(ctx->world); i++) {
        const casus_treaty *t = casus_world_treaty_at(ctx->world, i);
        if (!t->from_atop)
            json_array_append_new(arr, treaty_summary_json(ctx->world, t));
    }
    serve_reply_json(out, 200, json_pack("{s:o}", "treaties", arr));
}

static void api_wars(const serve_ctx *ctx, const char *num, const serve_param *params, size_t n_params,
                     serve_response *out)
{
    if (!take_params(out, params, n_params, NULL, NULL, 0))
        return;
    if (!ctx->wars)
    {
        serve_error(out, 404, "no COW war data (%s) in the data directory; run 'casus data fetch' first",
                    CASUS_WARS_FILE);
        return;
    }
    if (!num)
        { serve_reply_json(out, 200, cli_wars_list_json(ctx->wars)); return; }
    char *end;
    long v = strtol(num, &end, 10);
    if (!num[0] || *end || v < 1 || v > 99999)
        { serve_error(out, 400, "'%s' is not a war number", num); return; }
    const casus_war *war = casus_wars_find(ctx->wars, (int)v);
    if (!war)
        { serve_error(out, 404, "no war numbered %ld among the %zu wars (see 'casus wars list')", v,
                           casus_wars_count(ctx->wars)); return; }
    serve_reply_json(out, 200, cli_war_json(war));
}

/* The last membership spell of a state: its current one, or its last.
 * Without the COW data the world holds one spell per state (world/
 * states.csv) and no spell list: its start is then found by bisection on
 * casus_world_member, which is monotone within a single spell. */
static casus_period last_spell(const casus_world *w, const casus_state *s, casus_day today)
{
    casus_period spells[64];
    size_t n = casus_world_spells(w, s->ccode, spells, 64);
    if (n > 0 && n <= 64)
        return spells[n - 1];
    casus_day lo = casus_day_from_ymd(1816, 1, 1), hi = today;
    casus_day end = casus_world_member(w, s->ccode, today) == CASUS_FAILED ? hi : CASUS_DAY_NEVER_AFTER;
    if (end != CASUS_DAY_NEVER_AFTER) /* ended: find the last day, then the first */
        while (lo < hi) {
            casus_day mid = lo + (hi - lo + 1) / 2;
            if (casus_world_member(w, s->ccode, mid) != CASUS_FAILED)
                lo = mid;
            else
                hi = mid - 1;
        }
    casus_day last = end == CASUS_DAY_NEVER_AFTER ? today : lo;
    lo = casus_day_from_ymd(1816, 1, 1), hi = last;
    while (lo < hi) {
        casus_day mid = lo + (hi - lo) / 2;
        if (casus_world_member(w, s->ccode, mid) != CASUS_FAILED)
            hi = mid;
        else
            lo = mid + 1;
    }
    return casus_period_make(casus_span_day(lo), end == CASUS_DAY_NEVER_AFTER ? casus_span_open() : casus_span_day(last));
}

/* GET /api/states?date=D: the state system that day, with what the page's
 * map needs: each member's ISO codes (the shapes are today's, keyed by ISO
 * 3166 numeric), and whether it can be drawn with today's outline: it must
 * have one, and the day must fall in its last membership spell (Germany in
 * 1939 is not today's Germany).  "borders_differ" is true for a day before
 * the latest entry into the system of a state the map draws: borders then
 * were not today's. */
static void api_states(const serve_ctx *ctx, const serve_param *params, size_t n_params, serve_response *out)
{
    static const char *const names[] = {"date"};
    const char *v[1];
    if (!take_params(out, params, n_params, names, v, 1))
        return;
    casus_day day;
    if (!take_day(out, v[0], &day))
        return;
    json_t *arr = json_array(), *cannot = json_array();
    casus_day latest = CASUS_DAY_NEVER_BEFORE, now;
    take_day(out, NULL, &now);
    for (size_t i = 0; i < casus_world_state_count(ctx->world); i++) {
        const casus_state *s = casus_world_state_at(ctx->world, i);
        const char *num = casus_names_iso_numeric(ctx->names, s->ccode);
        casus_period spell = last_spell(ctx->world, s, now);
        if (num && casus_span_is_open(spell.end) && spell.start.lo > latest)
            latest = spell.start.lo;
        casus_truth member = casus_world_member(ctx->world, s->ccode, day);
        if (member == CASUS_FAILED)
            continue;
        bool drawable = num && casus_period_contains(&spell, day) != CASUS_FAILED;
        const char *iso3 = casus_names_iso3(ctx->names, s->ccode);
        json_array_append_new(arr, json_pack("{s:i, s:s, s:s, s:s, s:o, s:o, s:b}", "ccode", s->ccode, "abb", s->abb,
                                             "name", s->name, "member", casus_truth_str(member), "iso3",
                                             iso3 ? json_string(iso3) : json_null(), "iso_numeric",
                                             num ? json_string(num) : json_null(), "drawable", drawable));
        if (!drawable)
            json_array_append_new(cannot, json_pack("{s:s, s:s}", "abb", s->abb, "name", s->name));
    }
    char date[11], since[11];
    casus_date_format(day, date);
    casus_date_format(latest, since);
    serve_reply_json(out, 200, json_pack("{s:s, s:s, s:o, s:b, s:s, s:o, s:o}", "date", date, "source",
                              ctx->have_data ? "COW State System Membership v2016 (spells)"
                                             : "world/states.csv (last spell of each state)",
                              "states", arr, "borders_differ", day < latest, "borders_as_of", since, "cannot_draw",
                              cannot, "shapes", json_string("world-atlas 2.0.2 (Natural Earth 1:50m, today's borders)")));
}

/* The last word of path after prefix ("/api/wars/" "106" -> "106"), or
 * NULL when path is not prefix followed by one non-empty word. */
static const char *word_after(const char *path, const char *prefix)
{
    size_t n = strlen(prefix);
    if (strncmp(path, prefix, n) != 0)
        return NULL;
    const char *rest = path + n;
    return *rest && !strchr(rest, '/') ? rest : NULL;
}

void serve_api(const serve_ctx *ctx, const char *path, const serve_param *params, size_t n_params,
               serve_response *out)
{
    const char *rest;
    if (strcmp(path, "/api/who") == 0)
        api_who(ctx, params, n_params, out);
    else if (strcmp(path, "/api/states") == 0)
        api_states(ctx, params, n_params, out);
    else if (strcmp(path, "/api/treaties") == 0)
        api_treaties(ctx, NULL, params, n_params, out);
    else if ((rest = word_after(path, "/api/treaties/")))
        api_treaties(ctx, rest, params, n_params, out);
    else if (strcmp(path, "/api/wars") == 0)
        api_wars(ctx, NULL, params, n_params, out);
    else if ((rest = word_after(path, "/api/wars/")))
        api_wars(ctx, rest, params, n_params, out);
    else if (strcmp(path, "/api/scenarios") == 0) {
        if (take_params(out, params, n_params, NULL, NULL, 0))
            serve_scenarios(ctx, out);
    } else if ((rest = word_after(path, "/api/simulate/"))) {
        if (take_params(out, params, n_params, NULL, NULL, 0))
            serve_sim_get(ctx, rest, false, out);
    } else if (strncmp(path, "/api/simulate/", 14) == 0 && strlen(path) > 21 &&
               strcmp(path + strlen(path) - 7, "/result") == 0 && !memchr(path + 14, '/', strlen(path) - 21)) {
        char id[32];
        snprintf(id, sizeof id, "%.*s", (int)(strlen(path) - 21), path + 14);
        if (take_params(out, params, n_params, NULL, NULL, 0))
            serve_sim_get(ctx, id, true, out);
    } else if (strcmp(path, "/api/simulate") == 0)
        serve_error(out, 405, "POST a scenario to /api/simulate (see docs/serve.md)");
    else
        serve_error(out, 404, "no such endpoint '%s' (see docs/serve.md)", path);
}
