/* The world: states and their system membership, places, areas, treaties,
 * and the index of directed obligations built from the treaties' rules. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "world_internal.h"
#include "text.h"

#define MAX_CCODE CASUS__WORLD_MAX_CCODE

typedef struct spell {
    int ccode;
    casus_period period;
} spell;

typedef struct state_rec {
    casus_state pub;
    casus_day since; /* the current (last) spell in the world tables */
    casus_day until;
    casus_place home;
} state_rec;

struct casus_world {
    casus_mem mem;
    casus_arena arena;
    casus_vec states;      /* state_rec */
    int state_of[MAX_CCODE];/* index + 1 into states, 0 when none */
    casus_vec spells;      /* spell */
    casus_vec places;      /* casus_place */
    int home_override[MAX_CCODE]; /* index + 1 into places */
    casus_vec areas;       /* casus_area */
    casus_vec treaties;    /* const casus_treaty * */
    casus_vec obligations; /* casus_obligation */
    casus_vec coverage;    /* casus_coverage */
    size_t by_beneficiary[MAX_CCODE + 1]; /* offsets into obligations */
    size_t spells_of[MAX_CCODE + 1];      /* offsets into spells, sorted by state, once finished */
    void *datasets;        /* data.c's store, in the arena; NULL until loaded */
    casus_vec hand;        /* const casus_treaty *: the hand-encoded ones, built by finish */
    casus_day atop_end;    /* last day ATOP's data cover, built by finish */
    bool finished;
};

static bool ccode_ok(int ccode) { return ccode > 0 && ccode < MAX_CCODE; }

bool casus__ieq(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
            return false;
    return *a == *b;
}

bool casus__ieqn(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (tolower((unsigned char)a[i]) != tolower((unsigned char)b[i]))
            return false;
        if (!a[i])
            return true;
    }
    return true;
}

casus_status casus_world_create(casus_world **world, casus_error *err)
{
    return casus_world_create_with(casus__default_alloc, NULL, world, err);
}

casus_status casus_world_create_with(casus_alloc_fn fn, void *ud, casus_world **out,
                                     casus_error *err)
{
    casus_world *w = fn(ud, NULL, 0, sizeof *w);
    if (!w)
        return casus_error_set(err, CASUS_NOMEM, NULL, 0, 0, "out of memory creating the world");
    memset(w, 0, sizeof *w);
    w->mem.fn = fn;
    w->mem.ud = ud;
    casus__arena_init(&w->arena, &w->mem);
    casus__vec_init(&w->states, sizeof(state_rec *));
    casus__vec_init(&w->spells, sizeof(spell));
    casus__vec_init(&w->places, sizeof(casus_place *));
    casus__vec_init(&w->areas, sizeof(casus_area));
    casus__vec_init(&w->treaties, sizeof(const casus_treaty *));
    casus__vec_init(&w->obligations, sizeof(casus_obligation));
    casus__vec_init(&w->coverage, sizeof(casus_coverage));
    casus__vec_init(&w->hand, sizeof(const casus_treaty *));
    *out = w;
    return CASUS_OK;
}

void casus_world_free(casus_world *w)
{
    if (!w)
        return;
    const casus_mem mem = w->mem;
    casus__vec_free(&w->states, &mem);
    casus__vec_free(&w->spells, &mem);
    casus__vec_free(&w->places, &mem);
    casus__vec_free(&w->areas, &mem);
    casus__vec_free(&w->treaties, &mem);
    casus__vec_free(&w->obligations, &mem);
    casus__vec_free(&w->coverage, &mem);
    casus__vec_free(&w->hand, &mem);
    casus__arena_free(&w->arena);
    mem.fn(mem.ud, w, sizeof *w, 0);
}

const casus_mem *casus__world_mem(casus_world *w) { return &w->mem; }
casus_arena *casus__world_arena(casus_world *w) { return &w->arena; }
void *casus__world_datasets(const casus_world *w) { return w->datasets; }
void casus__world_set_datasets(casus_world *w, void *store) { w->datasets = store; }

casus_status casus__world_add_state(casus_world *w, int ccode, const char *abb, const char *name,
                                    casus_day since, casus_day until, const char *areas, casus_error *err)
{
    if (!ccode_ok(ccode))
        return casus_error_set(err, CASUS_RANGE, NULL, 0, 0, "state code %d is out of range", ccode);
    size_t alen = strlen(abb);
    if (alen < 2 || alen > 3)
        return casus_error_set(err, CASUS_INVALID, NULL, 0, 0, "state abbreviation '%s' must have 2 or 3 letters", abb);
    if (w->state_of[ccode])
        return CASUS_OK; /* already known: the first table that names a state wins */
    casus_arena_mark mark = casus__arena_mark(&w->arena);
    char *zName = casus__arena_strdup(&w->arena, name);
    char *zAreas = casus__arena_strdup(&w->arena, areas ? areas : "");
    state_rec *rec = zName && zAreas ? casus__arena_alloc(&w->arena, sizeof *rec) : NULL;
    state_rec **slot = rec ? casus__vec_push(&w->states, &w->mem) : NULL;
    if (!slot) {
        casus__arena_rollback(&w->arena, mark);
        return casus_error_set(err, CASUS_NOMEM, NULL, 0, 0, "out of memory adding a state");
    }
    *slot = rec;
    rec->pub.ccode = ccode;
    memcpy(rec->pub.abb, abb, alen + 1);
    rec->pub.name = zName;
    rec->pub.areas = zAreas;
    rec->since = since;
    rec->until = until;
    rec->home.id = rec->pub.abb;
    rec->home.name = zName;
    rec->home.kind = "home";
    rec->home.sovereign = ccode;
    rec->home.administrator = ccode;
    rec->home.areas = zAreas;
    rec->home.source = "world/states.csv";
    w->state_of[ccode] = (int)w->states.len;
    w->finished = false;
    return CASUS_OK;
}

casus_status casus_world_add_spell(casus_world *w, int ccode, casus_period period, casus_error *err)
{
    if (!ccode_ok(ccode))
        return casus_error_set(err, CASUS_RANGE, NULL, 0, 0, "state code %d is out of range", ccode);
    spell *s = casus__vec_push(&w->spells, &w->mem);
    if (!s)
        return casus_error_set(err, CASUS_NOMEM, NULL, 0, 0, "out of memory adding a spell");
    s->ccode = ccode;
    s->period = period;
    w->finished = false;
    return CASUS_OK;
}

/* The spells to look through for a state: after casus_world_finish() just
 * that state's (the index), before it every spell (callers filter). */
static size_t spell_range(const casus_world *w, int ccode, const spell **first)
{
    *first = w->spells.data;
    if (!w->finished)
        return w->spells.len;
    *first += w->spells_of[ccode];
    return w->spells_of[ccode + 1] - w->spells_of[ccode];
}

size_t casus_world_spells(const casus_world *w, int ccode, casus_period *out, size_t max)
{
    if (!ccode_ok(ccode))
        return 0;
    const spell *sp;
    size_t n = 0, len = spell_range(w, ccode, &sp);
    for (size_t i = 0; i < len; i++) {
        if (sp[i].ccode != ccode)
            continue;
        if (n < max)
            out[n] = sp[i].period;
        n++;
    }
    return n;
}

casus_truth casus_world_member(const casus_world *w, int ccode, casus_day day)
{
    if (!ccode_ok(ccode))
        return CASUS_FAILED;
    bool any = false;
    casus_truth best = CASUS_FAILED;
    const spell *sp;
    size_t len = spell_range(w, ccode, &sp);
    for (size_t i = 0; i < len; i++) {
        const spell *s = &sp[i];
        if (s->ccode != ccode)
            continue;
        any = true;
        casus_truth t = casus_period_contains(&s->period, day);
        if (t == CASUS_HELD)
            return CASUS_HELD;
        if (t == CASUS_UNKNOWN)
            best = CASUS_UNKNOWN;
    }
    if (any)
        return best;
    int idx = w->state_of[ccode];
    if (!idx)
        return CASUS_FAILED;
    const state_rec *rec = CASUS_VEC_AT(&w->states, state_rec *, idx - 1);
    return day >= rec->since && day <= rec->until ? CASUS_HELD : CASUS_FAILED;
}

size_t casus_world_state_count(const casus_world *w) { return w->states.len; }

const casus_state *casus_world_state_at(const casus_world *w, size_t i)
{
    return i < w->states.len ? &CASUS_VEC_AT(&w->states, state_rec *, i)->pub : NULL;
}

const casus_state *casus_world_state_by_abb(const casus_world *w, const char *abb)
{
    for (size_t i = 0; i < w->states.len; i++) {
        const state_rec *rec = CASUS_VEC_AT(&w->states, state_rec *, i);
        if (casus__ieq(rec->pub.abb, abb))
            return &rec->pub;
    }
    return NULL;
}

const casus_state *casus_world_state_by_ccode(const casus_world *w, int ccode)
{
    if (!ccode_ok(ccode) || !w->state_of[ccode])
        return NULL;
    return &CASUS_VEC_AT(&w->states, state_rec *, w->state_of[ccode] - 1)->pub;
}

const char *casus_world_abb(const casus_world *w, int ccode, char buf[12])
{
    const casus_state *s = casus_world_state_by_ccode(w, ccode);
    if (s)
        return s->abb;
    snprintf(buf, 12, "%d", ccode);
    return buf;
}

const casus_place *casus_world_home(const casus_world *w, int ccode)
{
    if (!ccode_ok(ccode))
        return NULL;
    if (w->home_override[ccode])
        return CASUS_VEC_AT(&w->places, casus_place *, w->home_override[ccode] - 1);
    if (!w->state_of[ccode])
        return NULL;
    return &CASUS_VEC_AT(&w->states, state_rec *, w->state_of[ccode] - 1)->home;
}

const casus_place *casus_world_place_find(const casus_world *w, const char *name)
{
    for (size_t i = 0; i < w->places.len; i++) {
        const casus_place *p = CASUS_VEC_AT(&w->places, casus_place *, i);
        if (casus__ieq(p->id, name) || casus__ieq(p->name, name))
            return p;
    }
    const casus_state *s = casus_world_state_by_abb(w, name);
    if (!s) {
        for (size_t i = 0; i < w->states.len && !s; i++) {
            const state_rec *rec = CASUS_VEC_AT(&w->states, state_rec *, i);
            if (casus__ieq(rec->pub.name, name))
                s = &rec->pub;
        }
    }
    return s ? casus_world_home(w, s->ccode) : NULL;
}

const casus_area *casus_world_area_find(const casus_world *w, const char *id)
{
    for (size_t i = 0; i < w->areas.len; i++) {
        const casus_area *a = &CASUS_VEC_AT(&w->areas, casus_area, i);
        if (strcmp(a->id, id) == 0)
            return a;
    }
    return NULL;
}

bool casus__area_list_has(const char *list, const char *area, bool *uncertain)
{
    size_t alen = strlen(area);
    const char *p = list;
    while (p && *p) {
        while (*p == ' ')
            p++;
        const char *e = p;
        while (*e && *e != ' ')
            e++;
        size_t n = (size_t)(e - p);
        bool q = n > 0 && p[n - 1] == '?';
        if ((q ? n - 1 : n) == alen && memcmp(p, area, alen) == 0) {
            if (uncertain)
                *uncertain = q;
            return true;
        }
        p = e;
    }
    return false;
}

casus_truth casus_world_place_in_area(const casus_world *w, const casus_place *place, const char *area)
{
    (void)w;
    bool uncertain = false;
    if (!casus__area_list_has(place->areas, area, &uncertain))
        return CASUS_FAILED;
    return uncertain ? CASUS_UNKNOWN : CASUS_HELD;
}

casus_status casus__world_add_place(casus_world *w, const casus_place *place, casus_error *err)
{
    casus_place *p = casus__arena_memdup(&w->arena, place, sizeof *place);
    casus_place **slot = p ? casus__vec_push(&w->places, &w->mem) : NULL;
    if (!slot)
        return casus_error_set(err, CASUS_NOMEM, NULL, 0, 0, "out of memory adding a place");
    *slot = p;
    if (strcmp(place->kind, "home") == 0 && ccode_ok(place->sovereign))
        w->home_override[place->sovereign] = (int)w->places.len;
    return CASUS_OK;
}

casus_status casus__world_add_area(casus_world *w, const casus_area *area, casus_error *err)
{
    casus_area *a = casus__vec_push(&w->areas, &w->mem);
    if (!a)
        return casus_error_set(err, CASUS_NOMEM, NULL, 0, 0, "out of memory adding an area");
    *a = *area;
    return CASUS_OK;
}

size_t casus_world_treaty_count(const casus_world *w) { return w->treaties.len; }

const casus_treaty *casus_world_treaty_at(const casus_world *w, size_t i)
{
    return i < w->treaties.len ? CASUS_VEC_AT(&w->treaties, const casus_treaty *, i) : NULL;
}

const casus_treaty *casus_world_treaty_find(const casus_world *w, const char *id)
{
    for (size_t i = 0; i < w->treaties.len; i++) {
        const casus_treaty *t = CASUS_VEC_AT(&w->treaties, const casus_treaty *, i);
        if (strcmp(t->id, id) == 0)
            return t;
    }
    return NULL;
}

casus_status casus__world_add_treaty(casus_world *w, const casus_treaty *t, casus_error *err)
{
    if (casus_world_treaty_find(w, t->id))
        return casus_error_set(err, CASUS_INVALID, t->file, 0, 0, "treaty '%s' is defined twice", t->id);
    const casus_treaty **slot = casus__vec_push(&w->treaties, &w->mem);
    if (!slot)
        return casus_error_set(err, CASUS_NOMEM, NULL, 0, 0, "out of memory adding a treaty");
    *slot = t;
    w->finished = false;
    return CASUS_OK;
}

/* ---- obligations -------------------------------------------------------- */

static bool in_list(const int *list, size_t n, int ccode)
{
    if (!list)
        return true;
    for (size_t i = 0; i < n; i++)
        if (list[i] == ccode)
            return true;
    return false;
}

static bool period_empty(const casus_period *p)
{
    return p->start.lo > p->end.hi;
}

static casus_status push_obligation(casus_world *w, const casus_obligation *ob)
{
    if (period_empty(&ob->valid))
        return CASUS_OK;
    casus_obligation *slot = casus__vec_push(&w->obligations, &w->mem);
    if (!slot)
        return CASUS_NOMEM;
    *slot = *ob;
    return CASUS_OK;
}

/* Removes the suspended stretches of ob's period, pushing what remains. */
static casus_status push_less_suspensions(casus_world *w, const casus_treaty *t, casus_obligation ob,
                                          size_t from)
{
    for (size_t i = from; i < t->n_suspensions; i++) {
        const casus_suspension *s = &t->suspensions[i];
        if (s->by != ob.obligor || s->toward != ob.beneficiary)
            continue;
        if (s->period.start.lo > ob.valid.end.hi || s->period.end.hi < ob.valid.start.lo)
            continue;
        casus_obligation before = ob, after = ob;
        before.valid.end = casus_span_day(s->period.start.lo - 1);
        if (before.valid.end.lo > ob.valid.end.lo)
            before.valid.end = ob.valid.end;
        casus_status st = push_less_suspensions(w, t, before, i + 1);
        if (st != CASUS_OK)
            return st;
        if (casus_span_is_open(s->period.end))
            return CASUS_OK;
        after.valid.start = casus_span_day(s->period.end.hi + 1);
        if (after.valid.start.lo < ob.valid.start.lo)
            after.valid.start = ob.valid.start;
        return push_less_suspensions(w, t, after, i + 1);
    }
    return push_obligation(w, &ob);
}

static casus_status build_treaty_obligations(casus_world *w, const casus_treaty *t)
{
    for (size_t a = 0; a < t->n_articles; a++) {
        const casus_article *art = &t->articles[a];
        for (size_t r = 0; r < art->n_rules; r++) {
            const casus_rule *rule = &art->rules[r];
            for (size_t i = 0; i < t->n_parties; i++) {
                const casus_party *po = &t->parties[i];
                if (!in_list(rule->owed_by, rule->n_owed_by, po->ccode))
                    continue;
                for (size_t j = 0; j < t->n_parties; j++) {
                    const casus_party *pb = &t->parties[j];
                    if (pb->ccode == po->ccode || !in_list(rule->owed_to, rule->n_owed_to, pb->ccode))
                        continue;
                    casus_obligation ob = {
                        .treaty = t, .article = art, .rule = rule,
                        .obligor = po->ccode, .beneficiary = pb->ccode,
                        .kind = rule->kind, .trigger = rule->trigger, .timing = rule->timing,
                        .actions = rule->actions, .conds = rule->conds, .n_conds = rule->n_conds,
                        .phase = rule->phase,
                    };
                    casus_period p = casus_period_intersect(&t->in_force, &po->member);
                    p = casus_period_intersect(&p, &pb->member);
                    ob.valid = casus_period_intersect(&p, &rule->valid);
                    casus_status st = push_less_suspensions(w, t, ob, 0);
                    if (st != CASUS_OK)
                        return st;
                }
            }
        }
    }
    return CASUS_OK;
}

static int cmp_spell(const void *pa, const void *pb)
{
    const spell *a = pa, *b = pb;
    if (a->ccode != b->ccode)
        return a->ccode < b->ccode ? -1 : 1;
    return (a->period.start.lo > b->period.start.lo) - (a->period.start.lo < b->period.start.lo);
}

static int cmp_obligation(const void *pa, const void *pb)
{
    const casus_obligation *a = pa, *b = pb;
    if (a->beneficiary != b->beneficiary)
        return a->beneficiary < b->beneficiary ? -1 : 1;
    if (a->obligor != b->obligor)
        return a->obligor < b->obligor ? -1 : 1;
    int c = a->treaty == b->treaty ? 0 : strcmp(a->treaty->id, b->treaty->id);
    if (c)
        return c;
    if (a->valid.start.lo != b->valid.start.lo)
        return a->valid.start.lo < b->valid.start.lo ? -1 : 1;
    if (a->article != b->article)
        return a->article < b->article ? -1 : 1;
    if (a->rule != b->rule)
        return a->rule < b->rule ? -1 : 1;
    return (a->kind > b->kind) - (a->kind < b->kind);
}

/* A treaty's reference to a state the world does not hold. */
static casus_status bad_state(const casus_treaty *t, const char *what, int ccode, casus_error *err)
{
    return casus_error_set(err, CASUS_INVALID, t->file, 0, 0, "treaty '%s': %s %d is not a state of the world",
                           t->id, what, ccode);
}

static casus_status check_states(const casus_world *w, const casus_treaty *t, const char *what, const int *list,
                                 size_t n, casus_error *err)
{
    for (size_t i = 0; list && i < n; i++)
        if (!casus_world_state_by_ccode(w, list[i]))
            return bad_state(t, what, list[i], err);
    return CASUS_OK;
}

/* Every state a treaty names (parties, suspensions, rules, conditions) is a
 * state of the world, and every area a condition names is one of its areas.
 * The treaty parser checks this for what it reads; the check here holds for
 * treaties from any loader. */
static casus_status check_treaty(const casus_world *w, const casus_treaty *t, casus_error *err)
{
    for (size_t i = 0; i < t->n_parties; i++)
        if (!casus_world_state_by_ccode(w, t->parties[i].ccode))
            return bad_state(t, "party", t->parties[i].ccode, err);
    for (size_t i = 0; i < t->n_suspensions; i++)
        if (!casus_world_state_by_ccode(w, t->suspensions[i].by) ||
            !casus_world_state_by_ccode(w, t->suspensions[i].toward))
            return bad_state(t, "suspension between", casus_world_state_by_ccode(w, t->suspensions[i].by)
                                                          ? t->suspensions[i].toward : t->suspensions[i].by, err);
    for (size_t a = 0; a < t->n_articles; a++) {
        const casus_article *art = &t->articles[a];
        for (size_t r = 0; r < art->n_rules; r++) {
            const casus_rule *rule = &art->rules[r];
            casus_status st = check_states(w, t, "obligor", rule->owed_by, rule->n_owed_by, err);
            if (st == CASUS_OK)
                st = check_states(w, t, "beneficiary", rule->owed_to, rule->n_owed_to, err);
            if (st == CASUS_OK && rule->n_conds > CASUS_MAX_RULE_CONDITIONS)
                st = casus_error_set(err, CASUS_INVALID, t->file, rule->line, 0,
                                     "treaty '%s': a rule with %zu conditions (at most %d)", t->id, rule->n_conds,
                                     CASUS_MAX_RULE_CONDITIONS);
            for (size_t k = 0; st == CASUS_OK && k < rule->n_conds; k++) {
                const casus_condition *c = &rule->conds[k];
                st = check_states(w, t, "state in a condition", c->states, c->n_states, err);
                if (st == CASUS_OK && c->kind == CASUS_COND_PLACE_AREA && (!c->area || !casus_world_area_find(w, c->area)))
                    st = casus_error_set(err, CASUS_INVALID, t->file, rule->line, 0,
                                         "treaty '%s': unknown area '%s'", t->id, c->area ? c->area : "");
            }
            if (st != CASUS_OK)
                return st;
        }
    }
    return CASUS_OK;
}

casus_status casus_world_finish(casus_world *w, casus_error *err)
{
    /* Until this call succeeds the world is not finished, whatever it was. */
    w->finished = false;
    w->obligations.len = 0;
    w->hand.len = 0;
    for (size_t i = 0; i < w->treaties.len; i++) {
        casus_status st = check_treaty(w, CASUS_VEC_AT(&w->treaties, const casus_treaty *, i), err);
        if (st != CASUS_OK)
            return st;
    }
    for (size_t i = 0; i < w->treaties.len; i++) {
        casus_status st = build_treaty_obligations(w, CASUS_VEC_AT(&w->treaties, const casus_treaty *, i));
        if (st != CASUS_OK) {
            w->obligations.len = 0;
            return casus_error_set(err, st, NULL, 0, 0, "out of memory building obligations");
        }
    }
    if (w->obligations.len)
        qsort(w->obligations.data, w->obligations.len, sizeof(casus_obligation), cmp_obligation);
    /* Spells by state, then start: a state's spells stay in time order. */
    if (w->spells.len)
        qsort(w->spells.data, w->spells.len, sizeof(spell), cmp_spell);
    for (size_t c = 0, i = 0; c <= MAX_CCODE; c++) {
        while (i < w->spells.len && CASUS_VEC_AT(&w->spells, spell, i).ccode < (int)c)
            i++;
        w->spells_of[c] = i;
    }
    size_t k = 0;
    for (int c = 0; c <= MAX_CCODE; c++) {
        while (k < w->obligations.len && CASUS_VEC_AT(&w->obligations, casus_obligation, k).beneficiary < c)
            k++;
        w->by_beneficiary[c] = k;
    }
    /* What every `who` query needs about the whole world, worked out once:
     * the hand-encoded treaties (they supersede ATOP records) and where
     * ATOP's data end. */
    w->hand.len = 0;
    for (size_t i = 0; i < w->treaties.len; i++) {
        const casus_treaty *t = CASUS_VEC_AT(&w->treaties, const casus_treaty *, i);
        const casus_treaty **slot = t->from_atop ? NULL : casus__vec_push(&w->hand, &w->mem);
        if (!t->from_atop && !slot) {
            w->obligations.len = w->hand.len = 0;
            return casus_error_set(err, CASUS_NOMEM, NULL, 0, 0, "out of memory building the treaty index");
        }
        if (slot)
            *slot = t;
    }
    w->atop_end = CASUS_DAY_NEVER_AFTER;
    for (size_t i = 0; i < w->coverage.len; i++)
        if (CASUS_VEC_AT(&w->coverage, casus_coverage, i).kind == CASUS_COVERAGE_ATOP)
            w->atop_end = CASUS_VEC_AT(&w->coverage, casus_coverage, i).to;
    w->finished = true;
    return CASUS_OK;
}

size_t casus_world_obligations_to(const casus_world *w, int beneficiary, const casus_obligation **first)
{
    if (!w->finished || !ccode_ok(beneficiary)) {
        *first = NULL;
        return 0;
    }
    size_t a = w->by_beneficiary[beneficiary], b = w->by_beneficiary[beneficiary + 1];
    *first = (const casus_obligation *)w->obligations.data + a;
    return b - a;
}

size_t casus_world_obligation_count(const casus_world *w) { return w->finished ? w->obligations.len : 0; }

const casus_obligation *casus_world_obligation_at(const casus_world *w, size_t i)
{
    return w->finished && i < w->obligations.len ? &CASUS_VEC_AT(&w->obligations, casus_obligation, i) : NULL;
}

casus_status casus__world_add_coverage(casus_world *w, casus_coverage_kind kind, const char *what,
                                       casus_day from, casus_day to, casus_error *err)
{
    char *zWhat = casus__arena_strdup(&w->arena, what);
    casus_coverage *c = zWhat ? casus__vec_push(&w->coverage, &w->mem) : NULL;
    if (!c)
        return casus_error_set(err, CASUS_NOMEM, NULL, 0, 0, "out of memory");
    w->finished = false; /* finish reads where ATOP's coverage ends */
    c->kind = kind;
    c->what = zWhat;
    c->from = from;
    c->to = to;
    return CASUS_OK;
}

size_t casus__world_coverage(const casus_world *w, const casus_coverage **first)
{
    *first = w->coverage.data;
    return w->coverage.len;
}

size_t casus__world_hand_treaties(const casus_world *w, const casus_treaty *const **first)
{
    *first = w->hand.data;
    return w->finished ? w->hand.len : 0;
}

casus_day casus__world_atop_end(const casus_world *w)
{
    return w->atop_end;
}

void casus__world_begin(const casus_world *w, casus_world_tx *tx)
{
    tx->arena = casus__arena_mark(&w->arena);
    tx->states = w->states.len;
    tx->spells = w->spells.len;
    tx->places = w->places.len;
    tx->areas = w->areas.len;
    tx->treaties = w->treaties.len;
    tx->coverage = w->coverage.len;
    tx->datasets = w->datasets;
    tx->finished = w->finished;
    memcpy(tx->home_override, w->home_override, sizeof tx->home_override);
}

void casus__world_rollback(casus_world *w, const casus_world_tx *tx)
{
    /* A state is only ever added, never replaced: forget the new ones. */
    for (size_t i = tx->states; i < w->states.len; i++)
        w->state_of[CASUS_VEC_AT(&w->states, state_rec *, i)->pub.ccode] = 0;
    memcpy(w->home_override, tx->home_override, sizeof w->home_override);
    w->states.len = tx->states;
    w->spells.len = tx->spells;
    w->places.len = tx->places;
    w->areas.len = tx->areas;
    w->treaties.len = tx->treaties;
    w->coverage.len = tx->coverage;
    w->datasets = tx->datasets;
    casus__arena_rollback(&w->arena, tx->arena);
    /* The obligation and spell indexes were built from what is there again,
     * and loading only appends to the arrays they index. */
    w->finished = tx->finished;
}


casus_world_counts casus__world_counts(const casus_world *w)
{
    casus_world_counts c = {
        .states = w->states.len, .spells = w->spells.len, .places = w->places.len, .areas = w->areas.len,
        .treaties = w->treaties.len, .coverage = w->coverage.len, .arena_bytes = w->arena.used,
        .finished = w->finished,
    };
    casus__data_counts(w, &c.datasets, &c.dataset_records);
    return c;
}

bool casus__world_finished(const casus_world *w)
{
    return w->finished;
}
