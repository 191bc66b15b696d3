/* Compiling a scenario into the flat obligation graph the trials run on
 * (see sim.c for the whole picture, docs/cascade.md for the rules). */
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sim_internal.h"
#include "who_internal.h"

/* A raw hit before ties are numbered. */
typedef struct raw_hit {
    uint32_t slot;   /* epoch-major slot: pair or opening */
    uint32_t ob;     /* the obligation's index among the world's */
    int32_t rank;    /* the obligation's place in casus__who_ob_cmp's order (equal when they compare equal) */
    uint8_t cls;
    uint8_t status;
    uint8_t role;    /* casus_role, for the order of a slot's hits */
} raw_hit;

typedef struct compile_ctx {
    casus_sim *sim;
    const casus_scenario *sc;
    bool has_treaty_events;
    /* work split */
    size_t n_pair_slots;   /* n_epochs * n * n */
    size_t n_open_slots;   /* n_epochs * n_openings */
    uint8_t *changed;      /* n_epochs * n: obligations owed to the state change on that epoch's first day */
    const casus_obligation *ob0; /* the world's obligations */
    size_t n_ob;
    const int32_t *ob_rank; /* per obligation with an obligor among the states: its rank in casus__who_ob_cmp */
    const casus_jm_theatre *theatres; /* where attacks on these states are evaluated, when not at home */
    size_t n_theatres;
} compile_ctx;

typedef struct worker {
    compile_ctx *c;
    size_t lo, hi;         /* slots over pairs then openings: [0, n_pair_slots + n_open_slots) */
    casus_vec hits;        /* raw_hit */
    casus_mem mem;
    casus_status status;
    casus_error err;
} worker;

/* Whether a scenario's treaty event overrides whether ob binds on day;
 * returns -1 when none does, else the truth of "in force". */
static int event_in_force(const casus_scenario *sc, const casus_obligation *ob, casus_day day)
{
    int r = -1;
    for (size_t i = 0; i < sc->n_events; i++) {
        const casus_scenario_event *e = &sc->events[i];
        if (e->treaty != ob->treaty)
            continue;
        switch (e->kind) {
        case CASUS_EVENT_TREATY_IN_FORCE:
            if (day < e->on.lo)
                r = CASUS_FAILED;
            else if (r != CASUS_FAILED) {
                casus_period p = casus_period_make(casus_span_day(e->on.lo), ob->valid.end);
                r = casus_period_contains(&p, day);
            }
            break;
        case CASUS_EVENT_TREATY_SUSPENDED:
            if (day >= e->on.lo && ob->obligor == e->state && (e->other == 0 || ob->beneficiary == e->other))
                r = CASUS_FAILED;
            break;
        case CASUS_EVENT_TREATY_ENDS:
            if (day >= e->on.lo && (e->state == 0 || ob->obligor == e->state || ob->beneficiary == e->state))
                r = CASUS_FAILED;
            break;
        default:
            break;
        }
    }
    return r;
}

/* The status of a binding with the scenario's treaty events applied: the
 * override of "in force", then every other check as the evaluator made it. */
static casus_truth binding_status(const compile_ctx *c, const casus_binding *b, casus_day day)
{
    if (!c->has_treaty_events)
        return b->status;
    int ov = event_in_force(c->sc, b->obligation, day);
    if (ov < 0)
        return b->status;
    casus_truth st = (casus_truth)ov;
    for (size_t i = 0; i < b->n_checks; i++) {
        if (b->checks[i].kind == CASUS_CHECK_IN_FORCE)
            continue;
        if (b->checks[i].truth == CASUS_FAILED)
            st = CASUS_FAILED;
        else if (b->checks[i].truth == CASUS_UNKNOWN && st == CASUS_HELD)
            st = CASUS_UNKNOWN;
    }
    return st;
}

/* The order of casus_who's findings (role, then casus__who_ob_cmp): a
 * slot's hits keep it, since the trials apply them in that order.  The
 * order without the role is ranked once per compile; a slot's hits are
 * sorted by role and rank. */
static int cmp_ob_ptr(const void *pa, const void *pb)
{
    return casus__who_ob_cmp(*(const casus_obligation *const *)pa, *(const casus_obligation *const *)pb);
}

static bool hit_after(const raw_hit *a, const raw_hit *b)
{
    return a->role != b->role ? a->role > b->role : a->rank > b->rank;
}

/* A stable insertion sort of one slot's hits (a few dozen). */
static void sort_hits(raw_hit *h, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        raw_hit x = h[i];
        size_t j = i;
        while (j > 0 && hit_after(&h[j - 1], &x)) {
            h[j] = h[j - 1];
            j--;
        }
        h[j] = x;
    }
}

/* Whether the scenario holds the state out of the war. */
static bool held_out(const casus_scenario *sc, int ccode)
{
    for (size_t h = 0; h < sc->n_assumes; h++)
        if (sc->assumes[h].kind == CASUS_ASSUME_OUT && sc->assumes[h].state == ccode)
            return true;
    return false;
}

/* Whether an in-force event of the scenario dates the treaty. */
static bool brought_forward(const casus_scenario *sc, const casus_treaty *treaty)
{
    for (size_t e = 0; e < sc->n_events; e++)
        if (sc->events[e].kind == CASUS_EVENT_TREATY_IN_FORCE && sc->events[e].treaty == treaty)
            return true;
    return false;
}

static int sidx(const casus_sim *sim, int ccode)
{
    if (ccode <= 0 || ccode >= CASUS_JM_MAX_CCODE)
        return -1;
    return sim->idx[ccode] - 1;
}

/* What a pair slot (epoch e, a attacks b) needs. */
typedef enum slot_kind { SLOT_EVAL, SLOT_NONE, SLOT_COPY } slot_kind;
static slot_kind pair_slot(const compile_ctx *c, size_t slot, size_t *e, int *a, int *b)
{
    const casus_sim *sim = c->sim;
    size_t n = (size_t)sim->n;
    *e = slot / (n * n);
    *a = (int)((slot / n) % n);
    *b = (int)(slot % n);
    if (*a == *b || (sim->opener[*a] && sim->opener[*b]))
        return SLOT_NONE;
    if (*e > 0 && !c->changed[*e * n + (size_t)*a] && !c->changed[*e * n + (size_t)*b])
        return SLOT_COPY; /* nothing owed to a or b changes that day */
    return SLOT_EVAL;
}

static void *work(void *arg)
{
    worker *wk = arg;
    compile_ctx *c = wk->c;
    casus_sim *sim = c->sim;
    /* The allocation-free evaluator, with checks only where the treaty
     * events need them: the same bindings casus_who traces, without the
     * words. */
    unsigned flags = c->has_treaty_events ? CASUS_WHO_ALL | CASUS_WHO_CHECKS : 0;
    casus_who_scratch *ws = NULL;
    wk->status = casus_who_scratch_create(sim->world, &ws, &wk->err);
    for (size_t slot = wk->lo; slot < wk->hi && wk->status == CASUS_OK; slot++) {
        casus_attack att;
        size_t e;
        int a, b;
        if (slot < c->n_pair_slots) {
            if (pair_slot(c, slot, &e, &a, &b) != SLOT_EVAL)
                continue;
            att = (casus_attack){.attacker = sim->ccode[a], .target = sim->ccode[b], .place = NULL};
        } else {
            size_t k = slot - c->n_pair_slots;
            e = k / (size_t)sim->n_openings;
            const casus_scenario_attack *o = &c->sc->attacks[k % (size_t)sim->n_openings];
            a = sidx(sim, o->attacker);
            b = sidx(sim, o->target);
            att = (casus_attack){.attacker = o->attacker, .target = o->target, .place = o->place};
        }
        att.day = sim->start + (casus_day)sim->epoch_day[e];
        unsigned aflags = flags;
        if (!att.place) {
            /* A state whose theatre the caller gave is attacked there. */
            casus_jm_war tw = {.theatres = c->theatres, .n_theatres = c->n_theatres};
            att.place = casus_jm_theatre_of(&tw, att.target);
            if (att.place)
                aflags |= CASUS_WHO_ABROAD;
        }
        const casus_binding *bd;
        size_t nb;
        wk->status = casus_who_eval(sim->world, &att, aflags, ws, &bd, &nb, &wk->err);
        if (wk->status != CASUS_OK)
            break;
        size_t first = wk->hits.len;
        for (size_t f = 0; f < nb; f++) {
            const casus_binding *fd = &bd[f];
            const casus_obligation *ob = fd->obligation;
            int o = sidx(sim, ob->obligor);
            if (o < 0 || o == a || o == b)
                continue;
            uint8_t cls;
            if (fd->role == CASUS_ROLE_DEFEND_TARGET)
                cls = 0;
            else if (fd->role == CASUS_ROLE_JOIN_ATTACKER)
                cls = 1;
            else if ((fd->role == CASUS_ROLE_NEUTRAL || fd->role == CASUS_ROLE_REFRAIN) &&
                     sim->params.beta[CASUS_JM_PLEDGE_OTHER] != 0)
                cls = 2; /* with a zero coefficient a pledge changes no hazard: not compiled */
            else
                continue;
            casus_truth st = binding_status(c, fd, att.day);
            if (st == CASUS_FAILED)
                continue;
            uintptr_t at = (uintptr_t)ob, lo = (uintptr_t)c->ob0;
            if (!c->ob0 || at < lo || at >= lo + c->n_ob * sizeof *ob) {
                wk->status = casus_error_set(&wk->err, CASUS_INVALID, NULL, 0, 0,
                                             "an obligation set off is not one of the world's");
                break;
            }
            raw_hit *h = casus__vec_push(&wk->hits, &wk->mem);
            if (!h) {
                wk->status = casus_error_set(&wk->err, CASUS_NOMEM, NULL, 0, 0, "out of memory");
                break;
            }
            size_t oi = (size_t)(ob - c->ob0);
            *h = (raw_hit){.slot = (uint32_t)slot, .ob = (uint32_t)oi, .rank = c->ob_rank[oi], .cls = cls,
                           .status = st == CASUS_HELD ? 2 : 1, .role = (uint8_t)fd->role};
        }
        if (wk->status == CASUS_OK && wk->hits.len - first > 1)
            sort_hits(&CASUS_VEC_AT(&wk->hits, raw_hit, first), wk->hits.len - first);
    }
    casus_who_scratch_free(ws);
    return NULL;
}

/* ---- ties -------------------------------------------------------------- */

typedef struct tie_key {
    const casus_obligation *ob;
    uint8_t cls;
    int32_t obligor, beneficiary;
} tie_key;

static int cmp_tie_key(const void *pa, const void *pb)
{
    const tie_key *a = pa, *b = pb;
    if (a->obligor != b->obligor)
        return a->obligor < b->obligor ? -1 : 1;
    if (a->cls != b->cls)
        return a->cls < b->cls ? -1 : 1;
    if (a->beneficiary != b->beneficiary)
        return a->beneficiary < b->beneficiary ? -1 : 1;
    int k = casus__jm_cause_cmp(a->ob, 1, b->ob, 1);
    return k;
}

static int cmp_cause(const void *pa, const void *pb)
{
    const casus_obligation *a = *(const casus_obligation *const *)pa, *b = *(const casus_obligation *const *)pb;
    return casus__jm_cause_cmp(a, 1, b, 1);
}

/* ---- interning hit lists ------------------------------------------------- */

/* Distinct sequences, each stored once: of hits (the segments) or of
 * segment numbers (the lists), in CSR, found again by an open-addressing
 * table of their hashes.  Sized for the worst case (every sequence
 * new) up front, so that interning cannot fail. */
typedef struct interner {
    int32_t *off;      /* n + 1 */
    int32_t *len;      /* n: hits in the sequence (a list: over its segments) */
    sim_hit *hits;     /* segments */
    int32_t *ids;      /* lists */
    int32_t n;
    int32_t *table;    /* cap: sequence number + 1, or 0 */
    uint64_t *hash;    /* cap */
    size_t cap, max_items, max_seqs;
} interner;

static bool interner_init(interner *in, const casus_mem *mem, size_t max_items, size_t max_seqs)
{
    memset(in, 0, sizeof *in);
    in->max_items = max_items;
    in->max_seqs = max_seqs;
    in->cap = 16;
    while (in->cap < 2 * max_seqs)
        in->cap *= 2;
    in->off = casus__mem_alloc(mem, (max_seqs + 1) * sizeof *in->off);
    in->len = casus__mem_alloc(mem, (max_seqs + 1) * sizeof *in->len);
    in->hits = casus__mem_alloc(mem, (max_items + 1) * sizeof *in->hits);
    in->ids = casus__mem_alloc(mem, (max_items + 1) * sizeof *in->ids);
    in->table = casus__mem_alloc(mem, in->cap * sizeof *in->table);
    in->hash = casus__mem_alloc(mem, in->cap * sizeof *in->hash);
    if (!in->off || !in->len || !in->hits || !in->ids || !in->table || !in->hash)
        return false;
    memset(in->table, 0, in->cap * sizeof *in->table);
    in->off[0] = 0;
    return true;
}

static void interner_free(interner *in, const casus_mem *mem)
{
    if (in->off)
        casus__mem_free(mem, in->off, (in->max_seqs + 1) * sizeof *in->off);
    if (in->len)
        casus__mem_free(mem, in->len, (in->max_seqs + 1) * sizeof *in->len);
    if (in->hits)
        casus__mem_free(mem, in->hits, (in->max_items + 1) * sizeof *in->hits);
    if (in->ids)
        casus__mem_free(mem, in->ids, (in->max_items + 1) * sizeof *in->ids);
    if (in->table)
        casus__mem_free(mem, in->table, in->cap * sizeof *in->table);
    if (in->hash)
        casus__mem_free(mem, in->hash, in->cap * sizeof *in->hash);
    memset(in, 0, sizeof *in);
}

/* Mixes v into the hash h (a multiply-xorshift step). */
static uint64_t mix(uint64_t h, uint64_t v)
{
    h = (h ^ v) * 0x9e3779b97f4a7c15u;
    return h ^ (h >> 29);
}

/* Finds the sequence of hash h equal to the candidate (by eq), or adds the
 * candidate, already written after the last sequence, as a new one. */
static int32_t intern_at(interner *in, uint64_t h, size_t n_items, int32_t len,
                         bool (*eq)(const interner *, int32_t, size_t))
{
    size_t at = (size_t)h & (in->cap - 1);
    for (; in->table[at]; at = (at + 1) & (in->cap - 1)) {
        int32_t id = in->table[at] - 1;
        if (in->hash[at] == h && (size_t)(in->off[id + 1] - in->off[id]) == n_items && eq(in, id, n_items))
            return id;
    }
    int32_t id = in->n++;
    in->off[id + 1] = in->off[id] + (int32_t)n_items;
    in->len[id] = len;
    in->table[at] = id + 1;
    in->hash[at] = h;
    return id;
}

static bool hits_eq(const interner *in, int32_t id, size_t n)
{
    const sim_hit *a = in->hits + in->off[id], *b = in->hits + in->off[in->n];
    for (size_t k = 0; k < n; k++)
        if (a[k].tie != b[k].tie || a[k].status != b[k].status)
            return false;
    return true;
}

static bool ids_eq(const interner *in, int32_t id, size_t n)
{
    return memcmp(in->ids + in->off[id], in->ids + in->off[in->n], n * sizeof *in->ids) == 0;
}

/* The segment of the n hits written after the last segment's. */
static int32_t intern_hits(interner *in, size_t n)
{
    const sim_hit *c = in->hits + in->off[in->n];
    uint64_t h = 0x243f6a8885a308d3u;
    for (size_t k = 0; k < n; k++)
        h = mix(h, (uint64_t)(uint32_t)c[k].tie << 8 | c[k].status);
    return intern_at(in, h, n, (int32_t)n, hits_eq);
}

/* The list of segments segs[0 .. n). */
static int32_t intern_segs(interner *in, const int32_t *segs, int n, const interner *seg_in)
{
    int32_t *c = in->ids + in->off[in->n];
    uint64_t h = 0x243f6a8885a308d3u;
    int32_t len = 0;
    for (int k = 0; k < n; k++) {
        c[k] = segs[k];
        h = mix(h, (uint64_t)(uint32_t)segs[k]);
        len += seg_in->len[segs[k]];
    }
    return intern_at(in, h, (size_t)n, len, ids_eq);
}

/* The row of the n list numbers written after the last row's. */
static int32_t intern_ids(interner *in, size_t n)
{
    const int32_t *c = in->ids + in->off[in->n];
    uint64_t h = 0x243f6a8885a308d3u;
    for (size_t k = 0; k < n; k++)
        h = mix(h, (uint64_t)(uint32_t)c[k]);
    return intern_at(in, h, n, 0, ids_eq);
}

/* ---- compile ----------------------------------------------------------- */

static int cmp_double(const void *pa, const void *pb)
{
    double a = *(const double *)pa, b = *(const double *)pb;
    return (a > b) - (a < b);
}

static int cmp_change(const void *pa, const void *pb)
{
    const sim_change *a = pa, *b = pb;
    if (a->day != b->day)
        return a->day < b->day ? -1 : 1;
    if (a->kind != b->kind)
        return a->kind < b->kind ? -1 : 1;
    return (a->index > b->index) - (a->index < b->index);
}

#define NEW(ptr, count)                                                                     \
    do {                                                                                    \
        (ptr) = casus__arena_alloc(&sim->arena, ((size_t)(count) + 1) * sizeof *(ptr));     \
        if (!(ptr))                                                                         \
            goto oom;                                                                       \
    } while (0)

static casus_status add_state(casus_sim *sim, int ccode)
{
    if (ccode <= 0 || ccode >= CASUS_JM_MAX_CCODE)
        return CASUS_INVALID;
    if (sim->idx[ccode])
        return CASUS_OK;
    if (sim->n >= CASUS_SIM_MAX_STATES)
        return CASUS_TOOBIG;
    sim->ccode[sim->n] = ccode;
    sim->idx[ccode] = (int16_t)(sim->n + 1);
    sim->n++;
    return CASUS_OK;
}

static double rel_day(const casus_sim *sim, casus_day d)
{
    return (double)(d - sim->start);
}

casus_status casus_sim_compile(const casus_world *w, const casus_scenario *sc, const casus_jm_params *params,
                               const casus_nuclear *nuclear, unsigned threads, casus_sim **out, casus_error *err)
{
    return casus__sim_compile_theatres(w, sc, params, nuclear, NULL, 0, threads, out, err);
}

casus_status casus__sim_compile_theatres(const casus_world *w, const casus_scenario *sc, const casus_jm_params *params,
                                         const casus_nuclear *nuclear, const casus_jm_theatre *theatres,
                                         size_t n_theatres, unsigned threads, casus_sim **out, casus_error *err)
{
    *out = NULL;
    const casus_mem *wmem = casus__world_mem((casus_world *)w);
    casus_sim *sim = casus__mem_alloc(wmem, sizeof *sim);
    if (!sim)
        return casus_error_set(err, CASUS_NOMEM, NULL, 0, 0, "out of memory");
    memset(sim, 0, sizeof *sim);
    sim->world = w;
    sim->scenario = sc;
    sim->params = *params;
    sim->mem = *wmem;
    casus__arena_init(&sim->arena, &sim->mem);
    sim->horizon = sc->horizon;
    sim->start = sc->start;
    sim->has_nuclear = nuclear != NULL;
    casus_jm_data *jd = NULL;
    casus_status st = CASUS_OK;
    worker *wks = NULL;
    unsigned n_wk = 0;
    tie_key *keys = NULL;
    size_t n_keys_cap = 0;
    int32_t *tie_of = NULL;
    size_t n_tie_of = 0;
    interner seg_in = {0}, list_in = {0}, row_in = {0};
    int32_t *pair_list = NULL; /* n_epochs * n * n: a list per slot, before the rows are interned */
    int32_t *ob_rank = NULL;
    const casus_obligation **ob_order = NULL;
    size_t n_ob_rank = 0;

    /* The opening sides must not cross. */
    for (size_t i = 0; i < sc->n_attacks; i++)
        for (size_t j = 0; j < sc->n_attacks; j++)
            if (sc->attacks[i].attacker == sc->attacks[j].target) {
                char b[12];
                casus_sim_free(sim);
                return casus_error_set(err, CASUS_INVALID, sc->file, sc->attacks[j].line, 0,
                                       "%s attacks in one opening attack and is attacked in another: casus "
                                       "cannot put it on a side", casus_world_abb(w, sc->attacks[i].attacker, b));
            }

    st = casus_jm_data_create(w, sc->start, &jd, err);
    if (st != CASUS_OK) {
        casus_sim_free(sim);
        return st;
    }

    /* The states: openers, event states, then the closure. */
    NEW(sim->ccode, CASUS_SIM_MAX_STATES);
    for (size_t i = 0; i < sc->n_attacks && st == CASUS_OK; i++) {
        st = add_state(sim, sc->attacks[i].attacker);
        if (st == CASUS_OK)
            st = add_state(sim, sc->attacks[i].target);
    }
    for (size_t i = 0; i < sc->n_events && st == CASUS_OK; i++)
        if (sc->events[i].kind == CASUS_EVENT_DEPLOYMENT) {
            st = add_state(sim, sc->events[i].state);
            if (st == CASUS_OK)
                st = add_state(sim, sc->events[i].ally);
        }
    for (size_t i = 0; i < sc->n_assumes && st == CASUS_OK; i++)
        if (sc->assumes[i].kind == CASUS_ASSUME_JOIN) {
            st = add_state(sim, sc->assumes[i].state);
            if (st == CASUS_OK)
                st = add_state(sim, sc->assumes[i].ally);
        }
    {
        size_t ns = casus_world_state_count(w);
        for (int q = 0; q < sim->n && st == CASUS_OK; q++) {
            int a = sim->ccode[q];
            for (size_t k = 0; k < ns && st == CASUS_OK; k++) {
                int c = casus_world_state_at(w, k)->ccode;
                if (c <= 0 || c >= CASUS_JM_MAX_CCODE || sim->idx[c])
                    continue;
                if (casus_world_member(w, c, sc->start) == CASUS_FAILED)
                    continue;
                if (held_out(sc, c))
                    continue;
                if (casus_jm_data_major(jd, c) || casus_jm_data_related(jd, a, c))
                    st = add_state(sim, c);
            }
            /* A state bound to a by an obligation that comes into force
             * during the run can be pulled in too. */
            size_t no = casus_world_obligation_count(w);
            casus_day last = sc->start + sc->horizon;
            for (size_t k = 0; k < no && st == CASUS_OK; k++) {
                const casus_obligation *ob = casus_world_obligation_at(w, k);
                int c = ob->obligor == a ? ob->beneficiary : ob->beneficiary == a ? ob->obligor : 0;
                if (c <= 0 || c >= CASUS_JM_MAX_CCODE || sim->idx[c] ||
                    (ob->valid.start.lo > last && !brought_forward(sc, ob->treaty)) || ob->valid.end.hi < sc->start ||
                    casus_world_member(w, c, sc->start) == CASUS_FAILED)
                    continue;
                if (!held_out(sc, c))
                    st = add_state(sim, c);
            }
        }
    }
    if (st != CASUS_OK) {
        casus_jm_data_free(jd);
        casus_sim_free(sim);
        return st == CASUS_TOOBIG
                   ? casus_error_set(err, st, sc->file, 0, 0, "the war can draw in more than %d states", CASUS_SIM_MAX_STATES)
                   : casus_error_set(err, st, sc->file, 0, 0, "a state of the scenario is not a state of the world");
    }
    int n = sim->n;

    /* Static per state. */
    NEW(sim->major, n);
    NEW(sim->nuclear, n);
    NEW(sim->member, n);
    NEW(sim->held, n);
    NEW(sim->committed, n);
    NEW(sim->opener, n);
    NEW(sim->cinc, n);
    NEW(sim->stat, n);
    for (int i = 0; i < n; i++) {
        int c = sim->ccode[i];
        sim->major[i] = casus_jm_data_major(jd, c);
        sim->cinc[i] = casus_jm_data_cinc(jd, c);
        sim->member[i] = casus_world_member(w, c, sc->start) != CASUS_FAILED;
        sim->nuclear[i] = nuclear && casus_nuclear_armed(nuclear, c, sc->start) == CASUS_HELD;
        sim->opener[i] = casus_scenario_opens(sc, c);
        sim->committed[i] = sim->opener[i];
        sim->stat[i] = (casus_jm_static){.major = sim->major[i], .cinc = sim->cinc[i],
                                         .post1945 = sc->start > casus_day_from_ymd(1945, 12, 31)};
    }
    for (size_t h = 0; h < sc->n_assumes; h++) {
        int i = sidx(sim, sc->assumes[h].state);
        if (i >= 0 && sc->assumes[h].kind == CASUS_ASSUME_OUT)
            sim->held[i] = 1;
    }

    /* Relations. */
    NEW(sim->rel_off, n + 1);
    NEW(sim->rel_to, (size_t)n * (size_t)n);
    NEW(sim->rel_bits, (size_t)n * (size_t)n);
    {
        int32_t r = 0;
        for (int i = 0; i < n; i++) {
            sim->rel_off[i] = r;
            for (int j = 0; j < n; j++) {
                if (i == j)
                    continue;
                int a = sim->ccode[i], b = sim->ccode[j];
                uint8_t bits = 0;
                if (casus_jm_data_related(jd, a, b))
                    bits |= 1;
                if (casus_jm_data_allied(jd, a, b))
                    bits |= 2;
                if (casus_jm_data_mid(jd, a, b))
                    bits |= 4;
                int ct = casus_jm_data_contiguity(jd, a, b);
                if (ct == 1)
                    bits |= 8;
                else if (ct == 2)
                    bits |= 16;
                /* A relation whose features all have zero coefficients only
                 * makes a candidate (bit 1): its counts are not kept. */
                const double *beta = params->beta;
                uint8_t keep = 1 | (beta[CASUS_JM_ALLIES_ON_SIDE] != 0 ? 2 : 0) | (beta[CASUS_JM_MID_OTHER] != 0 ? 4 : 0) |
                               (beta[CASUS_JM_CONTIG_LAND] != 0 || beta[CASUS_JM_CONTIG_SEA] != 0 ? 8 : 0) |
                               (beta[CASUS_JM_CONTIG_SEA] != 0 ? 16 : 0);
                bits &= keep;
                if (bits) {
                    sim->rel_to[r] = j;
                    sim->rel_bits[r] = bits;
                    r++;
                }
            }
        }
        sim->rel_off[n] = r;
    }

    /* Openings, forced entries, timed changes. */
    sim->n_openings = (int)sc->n_attacks;
    NEW(sim->openings, sim->n_openings);
    for (int k = 0; k < sim->n_openings; k++)
        sim->openings[k] = (sim_opening){sidx(sim, sc->attacks[k].attacker), sidx(sim, sc->attacks[k].target),
                                         rel_day(sim, sc->attacks[k].day)};
    NEW(sim->forced, sc->n_events + sc->n_assumes);
    for (size_t i = 0; i < sc->n_events; i++)
        if (sc->events[i].kind == CASUS_EVENT_DEPLOYMENT) {
            double d = rel_day(sim, sc->events[i].on.lo);
            sim->forced[sim->n_forced++] = (sim_forced){sidx(sim, sc->events[i].state), sidx(sim, sc->events[i].ally),
                                                        d < 0 ? 0 : d};
        }
    for (size_t i = 0; i < sc->n_assumes; i++)
        if (sc->assumes[i].kind == CASUS_ASSUME_JOIN) {
            double d = rel_day(sim, sc->assumes[i].on.lo);
            sim->forced[sim->n_forced++] = (sim_forced){sidx(sim, sc->assumes[i].state),
                                                        sidx(sim, sc->assumes[i].ally), d < 0 ? 0 : d};
        }
    for (int k = 0; k < sim->n_forced; k++)
        sim->committed[sim->forced[k].state] = 1;
    NEW(sim->changes, sim->n_openings + sim->n_forced);
    for (int k = 0; k < sim->n_openings; k++)
        sim->changes[sim->n_changes++] = (sim_change){sim->openings[k].day, CH_OPENING, k};
    for (int k = 0; k < sim->n_forced; k++)
        sim->changes[sim->n_changes++] = (sim_change){sim->forced[k].day, CH_FORCED, k};
    qsort(sim->changes, (size_t)sim->n_changes, sizeof *sim->changes, cmp_change);

    /* Epochs: where an obligation among these states, a treaty event or a
     * neutrality event changes what the attacks set off. */
    {
        casus_vec days;
        casus__vec_init(&days, sizeof(double));
        double *d0 = casus__vec_push(&days, &sim->mem);
        if (!d0)
            goto oom;
        *d0 = 0;
        double H = sim->horizon;
        size_t no = casus_world_obligation_count(w);
        for (size_t k = 0; k < no; k++) {
            const casus_obligation *ob = casus_world_obligation_at(w, k);
            if (sidx(sim, ob->obligor) < 0 || sidx(sim, ob->beneficiary) < 0)
                continue;
            casus_day cand[4] = {ob->valid.start.lo, ob->valid.start.hi + 1, ob->valid.end.lo, ob->valid.end.hi + 1};
            for (int q = 0; q < 4; q++) {
                double r = (double)cand[q] - (double)sim->start;
                if (r > 0 && r < H) {
                    double *p = casus__vec_push(&days, &sim->mem);
                    if (!p) {
                        casus__vec_free(&days, &sim->mem);
                        goto oom;
                    }
                    *p = r;
                }
            }
        }
        casus_day atop_end = casus__world_atop_end(w);
        for (size_t i = 0; i <= sc->n_events; i++) {
            double r;
            if (i == sc->n_events)
                r = atop_end == CASUS_DAY_NEVER_AFTER ? -1 : (double)atop_end + 1 - (double)sim->start;
            else if (sc->events[i].kind == CASUS_EVENT_DEPLOYMENT)
                continue;
            else
                r = rel_day(sim, sc->events[i].on.lo);
            if (r > 0 && r < H) {
                double *p = casus__vec_push(&days, &sim->mem);
                if (!p) {
                    casus__vec_free(&days, &sim->mem);
                    goto oom;
                }
                *p = r;
            }
        }
        double *dv = days.data;
        qsort(dv, days.len, sizeof(double), cmp_double);
        size_t m = 0;
        for (size_t i = 0; i < days.len; i++)
            if (m == 0 || dv[i] != dv[m - 1])
                dv[m++] = dv[i];
        if (m > CASUS_SIM_MAX_EPOCHS) {
            casus__vec_free(&days, &sim->mem);
            casus_jm_data_free(jd);
            casus_sim_free(sim);
            return casus_error_set(err, CASUS_TOOBIG, sc->file, 0, 0,
                                   "more than %d days inside the run change the obligations in force",
                                   CASUS_SIM_MAX_EPOCHS);
        }
        sim->n_epochs = (int)m;
        sim->epoch_day = casus__arena_memdup(&sim->arena, dv, m * sizeof(double));
        casus__vec_free(&days, &sim->mem);
        if (!sim->epoch_day)
            goto oom;
    }
    NEW(sim->declared, (size_t)sim->n_epochs * (size_t)n);
    NEW(sim->neutral_states, sc->n_events);
    for (size_t i = 0; i < sc->n_events; i++) {
        if (sc->events[i].kind != CASUS_EVENT_NEUTRALITY)
            continue;
        int s = sidx(sim, sc->events[i].state);
        if (s < 0)
            continue;
        sim->neutral_states[sim->n_neutral_states++] = s;
        for (int e = 0; e < sim->n_epochs; e++)
            if (sim->start + (casus_day)sim->epoch_day[e] >= sc->events[i].on.lo)
                sim->declared[(size_t)e * (size_t)n + (size_t)s] = 1;
    }

    /* The attacks, evaluated in parallel over slots. */
    compile_ctx cc = {.sim = sim, .sc = sc, .theatres = theatres, .n_theatres = n_theatres};
    for (size_t i = 0; i < sc->n_events; i++)
        cc.has_treaty_events |= sc->events[i].treaty != NULL;
    cc.n_pair_slots = (size_t)sim->n_epochs * (size_t)n * (size_t)n;
    cc.n_open_slots = (size_t)sim->n_epochs * (size_t)sim->n_openings;
    NEW(cc.changed, (size_t)sim->n_epochs * (size_t)n);
    sim->epoch_changed = cc.changed;
    {
        /* Which states' owed obligations change at each epoch: only attacks
         * on or by them need evaluating again.  A scenario event or the end
         * of ATOP's data changes everything. */
        size_t no = casus_world_obligation_count(w);
        for (size_t k = 0; k < no; k++) {
            const casus_obligation *ob = casus_world_obligation_at(w, k);
            int bi = sidx(sim, ob->beneficiary);
            if (sidx(sim, ob->obligor) < 0 || bi < 0)
                continue;
            casus_day cand[4] = {ob->valid.start.lo, ob->valid.start.hi + 1, ob->valid.end.lo, ob->valid.end.hi + 1};
            for (int q = 0; q < 4; q++) {
                double r = (double)cand[q] - (double)sim->start;
                for (int e = 1; e < sim->n_epochs; e++)
                    if (sim->epoch_day[e] == r)
                        cc.changed[(size_t)e * (size_t)n + (size_t)bi] = 1;
            }
        }
        casus_day atop_end = casus__world_atop_end(w);
        for (int e = 1; e < sim->n_epochs; e++) {
            casus_day d = sim->start + (casus_day)sim->epoch_day[e];
            bool all = atop_end != CASUS_DAY_NEVER_AFTER && d == atop_end + 1;
            for (size_t i = 0; i < sc->n_events; i++)
                all |= sc->events[i].kind != CASUS_EVENT_DEPLOYMENT && sc->events[i].kind != CASUS_EVENT_NEUTRALITY &&
                       sc->events[i].on.lo == d;
            if (all)
                memset(cc.changed + (size_t)e * (size_t)n, 1, (size_t)n);
        }
    }
    {
        /* Ranks of the obligations a hit can name (an obligor among the
         * states) in the order of a slot's hits. */
        size_t n_ob = casus_world_obligation_count(w);
        cc.ob0 = n_ob ? casus_world_obligation_at(w, 0) : NULL;
        cc.n_ob = n_ob;
        if (n_ob > UINT32_MAX) {
            st = casus_error_set(err, CASUS_TOOBIG, sc->file, 0, 0, "the world holds more than 2^32 obligations");
            goto fail;
        }
        n_ob_rank = n_ob + 1;
        ob_rank = casus__mem_alloc(&sim->mem, n_ob_rank * sizeof *ob_rank);
        ob_order = casus__mem_alloc(&sim->mem, n_ob_rank * sizeof *ob_order);
        if (!ob_rank || !ob_order)
            goto oom;
        size_t m = 0;
        for (size_t k = 0; k < n_ob; k++) {
            ob_rank[k] = -1;
            if (sidx(sim, cc.ob0[k].obligor) >= 0)
                ob_order[m++] = &cc.ob0[k];
        }
        if (m)
            qsort(ob_order, m, sizeof *ob_order, cmp_ob_ptr);
        int32_t r = 0;
        for (size_t k = 0; k < m; k++) {
            if (k > 0 && casus__who_ob_cmp(ob_order[k - 1], ob_order[k]) != 0)
                r++;
            ob_rank[ob_order[k] - cc.ob0] = r;
        }
        cc.ob_rank = ob_rank;
    }
    size_t total = cc.n_pair_slots + cc.n_open_slots;
    n_wk = threads < 1 ? 1 : threads > 64 ? 64 : threads;
    wks = casus__mem_alloc(&sim->mem, n_wk * sizeof *wks);
    if (!wks)
        goto oom;
    memset(wks, 0, n_wk * sizeof *wks);
    for (unsigned k = 0; k < n_wk; k++) {
        wks[k].c = &cc;
        wks[k].lo = total * k / n_wk;
        wks[k].hi = total * (k + 1) / n_wk;
        wks[k].mem = sim->mem;
        casus__vec_init(&wks[k].hits, sizeof(raw_hit));
    }
    {
        pthread_t tid[64];
        unsigned started = 0;
        for (unsigned k = 1; k < n_wk; k++) {
            if (pthread_create(&tid[k], NULL, work, &wks[k]) != 0) {
                wks[k].status = casus_error_set(&wks[k].err, CASUS_IO, NULL, 0, 0, "cannot start a thread");
                break;
            }
            started = k;
        }
        work(&wks[0]);
        for (unsigned k = 1; k <= started; k++)
            pthread_join(tid[k], NULL);
    }
    for (unsigned k = 0; k < n_wk; k++)
        if (wks[k].status != CASUS_OK) {
            if (err)
                *err = wks[k].err;
            st = wks[k].status;
            goto fail;
        }

    /* Ties: distinct (obligation, class), sorted by obligor.  The world's
     * obligations are one array: an obligation's index in it (times 3, plus
     * the class) names a tie candidate, and tie_of maps it to the tie. */
    {
        size_t n_ob = casus_world_obligation_count(w);
        const casus_obligation *ob0 = n_ob ? casus_world_obligation_at(w, 0) : NULL;
        n_tie_of = 3 * n_ob + 1;
        tie_of = casus__mem_alloc(&sim->mem, n_tie_of * sizeof *tie_of);
        if (!tie_of)
            goto oom;
        memset(tie_of, 0, n_tie_of * sizeof *tie_of);
        size_t m = 0;
        for (unsigned k = 0; k < n_wk; k++)
            for (size_t i = 0; i < wks[k].hits.len; i++) {
                const raw_hit *h = &CASUS_VEC_AT(&wks[k].hits, raw_hit, i);
                size_t q = (size_t)h->ob * 3 + h->cls;
                if (!tie_of[q]) {
                    tie_of[q] = 1;
                    m++;
                }
            }
        n_keys_cap = m + 1;
        keys = casus__mem_alloc(&sim->mem, n_keys_cap * sizeof *keys);
        if (!keys)
            goto oom;
        size_t q = 0;
        for (size_t i = 0; i < 3 * n_ob; i++)
            if (tie_of[i]) {
                const casus_obligation *ob = ob0 + i / 3;
                keys[q++] = (tie_key){ob, (uint8_t)(i % 3), sidx(sim, ob->obligor), sidx(sim, ob->beneficiary)};
            }
        /* Distinct (obligation, class) keys: the order is strict. */
        if (m)
            qsort(keys, m, sizeof *keys, cmp_tie_key);
        for (size_t i = 0; i < m; i++)
            tie_of[(size_t)(keys[i].ob - ob0) * 3 + keys[i].cls] = (int32_t)i;
        sim->n_ties = (int32_t)m;
        NEW(sim->ties, m);
        int32_t pair = -1;
        for (size_t i = 0; i < m; i++) {
            sim_tie *t = &sim->ties[i];
            bool new_pair = i == 0 || keys[i].obligor != keys[i - 1].obligor || keys[i].cls != keys[i - 1].cls ||
                            keys[i].beneficiary != keys[i - 1].beneficiary;
            if (new_pair)
                pair++;
            *t = (sim_tie){.obligor = keys[i].obligor, .beneficiary = keys[i].beneficiary, .cls = keys[i].cls,
                           .timing = (uint8_t)casus__jm_timing_class(keys[i].ob->timing),
                           .atop = (uint8_t)(keys[i].ob->treaty->from_atop != 0), .pair = pair, .ob = keys[i].ob};
        }
        sim->n_pairs = pair + 1;
        /* Rank of each tie among all (cause order at equal status). */
        const casus_obligation **order;
        NEW(order, m);
        for (size_t i = 0; i < m; i++)
            order[i] = sim->ties[i].ob;
        qsort(order, m, sizeof *order, cmp_cause);
        for (size_t i = 0; i < m; i++) {
            /* Ties sharing an obligation (another class) share its rank. */
            size_t lo = 0, hi = m;
            while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if (cmp_cause(&order[mid], &sim->ties[i].ob) < 0)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            sim->ties[i].rank = (int32_t)lo;
        }
        /* Pull ties by obligor (they are sorted by obligor already). */
        NEW(sim->tie_off, n + 1);
        NEW(sim->tie_by_obligor, m);
        int32_t r = 0;
        size_t i = 0;
        for (int s = 0; s < n; s++) {
            sim->tie_off[s] = r;
            while (i < m && sim->ties[i].obligor == s) {
                if (sim->ties[i].cls < 2)
                    sim->tie_by_obligor[r++] = (int32_t)i;
                i++;
            }
        }
        sim->tie_off[n] = r;
        /* Cause slots: per state, none, event, then each (treaty, article). */
        NEW(sim->cause_off, n + 1);
        NEW(sim->cause_ob, 2 * (size_t)n + m);
        int32_t slot = 0;
        for (int s = 0; s < n; s++) {
            sim->cause_off[s] = slot;
            sim->cause_ob[slot++] = NULL;
            sim->cause_ob[slot++] = NULL;
            int32_t base = slot;
            for (int32_t k = sim->tie_off[s]; k < sim->tie_off[s + 1]; k++) {
                sim_tie *t = &sim->ties[sim->tie_by_obligor[k]];
                int32_t found = -1;
                for (int32_t z = base; z < slot && found < 0; z++)
                    if (sim->cause_ob[z]->treaty == t->ob->treaty && sim->cause_ob[z]->article == t->ob->article)
                        found = z;
                if (found < 0) {
                    found = slot;
                    sim->cause_ob[slot++] = t->ob;
                }
                t->cause = found - sim->cause_off[s];
            }
        }
        sim->cause_off[n] = slot;
        sim->n_cause_slots = slot;

        /* Hits, epoch-major, slot by slot: the raw hits come in slot order
         * (the workers' ranges are consecutive).  An evaluated pair slot's
         * hits are cut where the role changes into segments, and the slot
         * gets the list of its segments; segments and lists are interned,
         * since most attacks on a state set off what every other attack on
         * it does.  A copied slot shares the list of the same pair one
         * epoch before, and a slot with nothing set off has list 0, the
         * empty one.  Applying a list's segments in turn applies its hits in
         * their order. */
        size_t nn = (size_t)n * (size_t)n;
        size_t n_raw_pair = 0, n_open_hits = 0, n_eval = 0;
        {
            uint32_t prev = UINT32_MAX;
            for (unsigned k = 0; k < n_wk; k++)
                for (size_t h = 0; h < wks[k].hits.len; h++) {
                    uint32_t sl = CASUS_VEC_AT(&wks[k].hits, raw_hit, h).slot;
                    if (sl < cc.n_pair_slots) {
                        n_raw_pair++;
                        n_eval += sl != prev;
                        prev = sl;
                    } else
                        n_open_hits++;
                }
            if (n_raw_pair > INT32_MAX || n_open_hits > INT32_MAX) {
                st = casus_error_set(err, CASUS_TOOBIG, sc->file, 0, 0,
                                     "the war's attacks set off more than 2^31 obligations over its epochs");
                goto fail;
            }
        }
        if (!interner_init(&seg_in, &sim->mem, n_raw_pair, n_raw_pair + 1) ||
            !interner_init(&list_in, &sim->mem, n_raw_pair, n_eval + 1))
            goto oom;
        pair_list = casus__mem_alloc(&sim->mem, (cc.n_pair_slots + 1) * sizeof *pair_list);
        if (!pair_list)
            goto oom;
        NEW(sim->open_off, cc.n_open_slots);
        NEW(sim->open_hits, n_open_hits);
        /* List 0: no segments. */
        list_in.off[0] = list_in.off[1] = 0;
        list_in.len[0] = 0;
        list_in.n = 1;
        seg_in.off[0] = 0;
        size_t oh = 0, next_open = 0, findings = 0;
        int32_t segs[8];
        {
            unsigned wk_i = 0;
            size_t h_i = 0;
            for (size_t sl = 0; sl < cc.n_pair_slots + cc.n_open_slots; sl++) {
                if (sl < cc.n_pair_slots) {
                    size_t e;
                    int a, b;
                    slot_kind kind = pair_slot(&cc, sl, &e, &a, &b);
                    if (kind == SLOT_NONE) {
                        pair_list[sl] = 0;
                        continue;
                    }
                    if (kind == SLOT_COPY) {
                        int32_t l = pair_list[sl - nn];
                        pair_list[sl] = l;
                        findings += list_in.len[l];
                        continue;
                    }
                } else {
                    size_t os = sl - cc.n_pair_slots;
                    while (next_open <= os)
                        sim->open_off[next_open++] = (int32_t)oh;
                }
                int n_segs = 0;
                size_t len = 0;
                uint8_t role = 0;
                for (;;) {
                    while (wk_i < n_wk && h_i >= wks[wk_i].hits.len) {
                        wk_i++;
                        h_i = 0;
                    }
                    const raw_hit *x = wk_i < n_wk ? &CASUS_VEC_AT(&wks[wk_i].hits, raw_hit, h_i) : NULL;
                    bool more = x && x->slot == sl;
                    if (sl < cc.n_pair_slots && len && (!more || x->role != role)) {
                        /* the segment ends: intern it */
                        if (n_segs == (int)(sizeof segs / sizeof segs[0])) {
                            st = casus_error_set(err, CASUS_INVALID, sc->file, 0, 0, "an attack sets off more roles than casus knows");
                            goto fail;
                        }
                        segs[n_segs++] = intern_hits(&seg_in, len);
                        findings += len;
                        len = 0;
                    }
                    if (!more)
                        break;
                    int32_t tie = tie_of[(size_t)x->ob * 3 + x->cls];
                    sim_hit hit = {tie, (int16_t)sim->ties[tie].obligor, x->status};
                    if (sl < cc.n_pair_slots) {
                        seg_in.hits[seg_in.off[seg_in.n] + len++] = hit;
                        role = x->role;
                    } else
                        sim->open_hits[oh++] = hit;
                    h_i++;
                }
                if (sl < cc.n_pair_slots)
                    pair_list[sl] = n_segs ? intern_segs(&list_in, segs, n_segs, &seg_in) : 0;
            }
        }
        while (next_open <= cc.n_open_slots)
            sim->open_off[next_open++] = (int32_t)oh;
        sim->n_segs = seg_in.n;
        sim->n_lists = list_in.n;
        sim->seg_off = casus__arena_memdup(&sim->arena, seg_in.off, ((size_t)seg_in.n + 1) * sizeof *seg_in.off);
        sim->hits = casus__arena_memdup(&sim->arena, seg_in.hits, ((size_t)seg_in.off[seg_in.n] + 1) * sizeof *seg_in.hits);
        sim->list_off = casus__arena_memdup(&sim->arena, list_in.off, ((size_t)list_in.n + 1) * sizeof *list_in.off);
        sim->list_seg = casus__arena_memdup(&sim->arena, list_in.ids, ((size_t)list_in.off[list_in.n] + 1) * sizeof *list_in.ids);
        if (!sim->seg_off || !sim->hits || !sim->list_off || !sim->list_seg)
            goto oom;
        sim->n_hits = findings;
        sim->n_open_hits = oh;
        /* Rows: the lists of a's attacks on every state in one epoch, stored
         * once, since most rows repeat from epoch to epoch (and a trial
         * crossing epochs finds them in its cache). */
        size_t n_rows = (size_t)sim->n_epochs * (size_t)n;
        if (!interner_init(&row_in, &sim->mem, cc.n_pair_slots, n_rows + 1))
            goto oom;
        NEW(sim->row_of, n_rows);
        for (size_t ri = 0; ri < n_rows; ri++) {
            memcpy(row_in.ids + row_in.off[row_in.n], pair_list + ri * (size_t)n, (size_t)n * sizeof *pair_list);
            sim->row_of[ri] = intern_ids(&row_in, (size_t)n) * n;
        }
        sim->rows = casus__arena_memdup(&sim->arena, row_in.ids, ((size_t)row_in.off[row_in.n] + 1) * sizeof *row_in.ids);
        if (!sim->rows)
            goto oom;
    }
    interner_free(&seg_in, &sim->mem);
    interner_free(&list_in, &sim->mem);
    interner_free(&row_in, &sim->mem);
    casus__mem_free(&sim->mem, pair_list, (cc.n_pair_slots + 1) * sizeof *pair_list);
    pair_list = NULL;
    casus__mem_free(&sim->mem, tie_of, n_tie_of * sizeof *tie_of);
    tie_of = NULL;
    for (unsigned k = 0; k < n_wk; k++)
        casus__vec_free(&wks[k].hits, &sim->mem);
    casus__mem_free(&sim->mem, wks, n_wk * sizeof *wks);
    wks = NULL;
    casus__mem_free(&sim->mem, keys, n_keys_cap * sizeof *keys);
    keys = NULL;
    casus__mem_free(&sim->mem, ob_rank, n_ob_rank * sizeof *ob_rank);
    ob_rank = NULL;
    casus__mem_free(&sim->mem, ob_order, n_ob_rank * sizeof *ob_order);
    ob_order = NULL;
    casus_jm_data_free(jd);
    jd = NULL;

    /* The model's constants. */
    for (int k = 0; k < CASUS_JM_FEATURE_COUNT; k++)
        sim->beta_local[k] = params->beta[k];
    sim->beta_local[CASUS_JM_LOG_CINC_SIDE] = 0;
    sim->beta_local[CASUS_JM_LOG_CINC_OTHER] = 0;
    sim->beta_local[CASUS_JM_BAND_WEEK] = sim->beta_local[CASUS_JM_BAND_MONTH] = sim->beta_local[CASUS_JM_BAND_YEAR] = 0;
    sim->band_factor[0] = exp(params->beta[CASUS_JM_BAND_WEEK]);
    sim->band_factor[1] = exp(params->beta[CASUS_JM_BAND_MONTH]);
    sim->band_factor[2] = exp(params->beta[CASUS_JM_BAND_YEAR]);
    sim->band_factor[3] = 1;
    NEW(sim->static_dot, n);
    for (int i = 0; i < n; i++) {
        sim->static_dot[i] = params->beta[CASUS_JM_INTERCEPT] + (sim->major[i] ? params->beta[CASUS_JM_MAJOR] : 0) +
                             params->beta[CASUS_JM_LOG_CINC] * casus__jm_log_cinc(sim->cinc[i]) +
                             (sim->stat[i].post1945 ? params->beta[CASUS_JM_POST1945] : 0);
    }
    {
        static const casus_jm_feature counts[] = {
            CASUS_JM_DEFEND_BINDING, CASUS_JM_DEFEND_CONDITIONAL, CASUS_JM_JOIN_BINDING, CASUS_JM_JOIN_CONDITIONAL,
            CASUS_JM_BOTH_SIDES, CASUS_JM_TIMING_IMMEDIATE, CASUS_JM_TIMING_DEEMED, CASUS_JM_TIMING_CONSTITUTIONAL,
            CASUS_JM_TIMING_OTHER, CASUS_JM_OBLIG_HAND, CASUS_JM_OBLIG_ATOP, CASUS_JM_PLEDGE_OTHER,
            CASUS_JM_CONTIG_LAND, CASUS_JM_CONTIG_SEA, CASUS_JM_MID_OTHER, CASUS_JM_ALLIES_ON_SIDE};
        sim->counts_zero = true;
        for (size_t k = 0; k < sizeof counts / sizeof counts[0]; k++)
            sim->counts_zero &= params->beta[counts[k]] == 0;
    }

    /* Tally layout. */
    sim->bin_width = sim->horizon <= 4096 ? 1 : (sim->horizon + 4095) / 4096;
    sim->n_bins = sim->horizon / sim->bin_width + 1;
    static const int cps[] = {1, 7, 14, 30, 60, 90, 180, 365, 730, 1825, 3650};
    for (size_t k = 0; k < sizeof cps / sizeof cps[0]; k++)
        if (cps[k] < sim->horizon)
            sim->checkpoints[sim->n_checkpoints++] = cps[k];
    sim->checkpoints[sim->n_checkpoints++] = sim->horizon;
    size_t off = 0;
    sim->t_trials = off, off += 1;
    sim->t_joined = off, off += 2 * (size_t)n;
    sim->t_hist = off, off += (size_t)n * (size_t)sim->n_bins;
    sim->t_cause = off, off += (size_t)sim->n_cause_slots;
    sim->t_size = off, off += (size_t)n + 1;
    sim->t_major = off, off += 1;
    sim->t_nuclear = off, off += 1;
    sim->t_timeline = off, off += (size_t)sim->n_checkpoints * ((size_t)n + 1);
    sim->t_total = off;

    /* The template: the war after its day-0 events. */
    st = casus__sim_scratch_init(sim, &sim->tmpl, &sim->mem);
    if (st != CASUS_OK)
        goto oom;
    casus__sim_template(sim, &sim->tmpl);
    *out = sim;
    return CASUS_OK;

oom:
    st = casus_error_set(err, CASUS_NOMEM, NULL, 0, 0, "out of memory compiling the scenario");
fail:
    if (wks) {
        for (unsigned k = 0; k < n_wk; k++)
            casus__vec_free(&wks[k].hits, &sim->mem);
        casus__mem_free(&sim->mem, wks, n_wk * sizeof *wks);
    }
    if (keys)
        casus__mem_free(&sim->mem, keys, n_keys_cap * sizeof *keys);
    if (tie_of)
        casus__mem_free(&sim->mem, tie_of, n_tie_of * sizeof *tie_of);
    interner_free(&seg_in, &sim->mem);
    interner_free(&list_in, &sim->mem);
    interner_free(&row_in, &sim->mem);
    if (pair_list)
        casus__mem_free(&sim->mem, pair_list, (cc.n_pair_slots + 1) * sizeof *pair_list);
    if (ob_rank)
        casus__mem_free(&sim->mem, ob_rank, n_ob_rank * sizeof *ob_rank);
    if (ob_order)
        casus__mem_free(&sim->mem, ob_order, n_ob_rank * sizeof *ob_order);
    casus_jm_data_free(jd);
    casus_sim_free(sim);
    return st;
}
#undef NEW

void casus_sim_free(casus_sim *sim)
{
    if (!sim)
        return;
    casus_mem mem = sim->mem;
    if (sim->tmpl.side)
        casus__sim_scratch_free(sim, &sim->tmpl, &mem);
    casus__arena_free(&sim->arena);
    casus__mem_free(&mem, sim, sizeof *sim);
}

void casus_sim_get_info(const casus_sim *sim, casus_sim_info *info)
{
    info->n_states = (size_t)sim->n;
    info->n_epochs = (size_t)sim->n_epochs;
    info->n_findings = sim->n_hits + sim->n_open_hits;
    info->n_ties = (size_t)sim->n_ties;
    info->horizon = sim->horizon;
    info->start = sim->start;
}
