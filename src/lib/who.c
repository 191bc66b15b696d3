/* casus foederis: which obligations an attack sets off, and why.
 *
 * For an attack by A on B at place P on day D, the candidates are the
 * obligations owed to B or to A (the index is by beneficiary).  Each is
 * given a role by its kind and direction, then traced condition by
 * condition; the trace is three-valued, and an obligation binds when no
 * condition failed (docs/treaty-format.md, "How casus evaluates"). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "casus/who.h"
#include "internal.h"

#define MAX_TRACES 64

#define TRACE_TEXT 512

typedef struct who_ctx {
    const casus_world *world;
    const casus_attack *attack;
    const casus_place *place;
    casus_arena *arena;  /* the result's: what a kept finding points to lives there */
    casus_mem mem;
    casus_vec findings;  /* casus_finding */
    casus_vec notes;     /* const char * */
    casus_day atop_end;  /* last day ATOP records; CASUS_DAY_NEVER_AFTER when not loaded */
    /* The candidate under evaluation: its traces and their text stay here
     * and are copied into the arena only if the finding is kept, since most
     * candidates are dropped. */
    casus_trace traces[MAX_TRACES];
    char text[MAX_TRACES][TRACE_TEXT];
    size_t n_traces;
    bool oom;
} who_ctx;

struct who_result_impl {
    casus_who_result pub;
    casus_mem mem;
    casus_arena arena;
};

/* Every obligor and beneficiary is a state of the world (the loaders and the
 * parser see to that); "?" stands in should one not be. */
static const char *abb(const who_ctx *c, int ccode)
{
    const casus_state *s = casus_world_state_by_ccode(c->world, ccode);
    return s ? s->abb : "?";
}

static void trace(who_ctx *c, const char *what, casus_truth truth, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void trace(who_ctx *c, const char *what, casus_truth truth, const char *fmt, ...)
{
    if (c->n_traces == MAX_TRACES)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->text[c->n_traces], TRACE_TEXT, fmt, ap);
    va_end(ap);
    casus_trace *t = &c->traces[c->n_traces];
    t->what = what;
    t->detail = c->text[c->n_traces];
    t->truth = truth;
    c->n_traces++;
}

static void period_text(const casus_period *p, char *buf, size_t size)
{
    char a[24], b[24];
    casus_span_format(p->start, a);
    if (p->start.hi <= CASUS_DAY_NEVER_BEFORE)
        snprintf(a, sizeof a, "its start");
    casus_span_format(p->end, b);
    snprintf(buf, size, "%s to %s", a, casus_span_is_open(p->end) ? "today (no end)" : b);
}

static bool is_party_on(const casus_treaty *t, int ccode, casus_day day)
{
    for (size_t i = 0; i < t->n_parties; i++)
        if (t->parties[i].ccode == ccode && casus_period_contains(&t->parties[i].member, day) != CASUS_FAILED)
            return true;
    return false;
}

/* The place term "territory of X": sovereignty, with disputes kept visible. */
static casus_truth territory_of(const who_ctx *c, const casus_place *p, int x, char *why, size_t size)
{
    bool claims = false;
    for (size_t i = 0; i < p->n_claimants; i++)
        claims |= p->claimants[i] == x;
    if (p->sovereign == x && p->n_claimants == 0) {
        snprintf(why, size, "%s is %s territory", p->name, abb(c, x));
        return CASUS_HELD;
    }
    if (p->sovereign == x || claims || (p->administrator == x && p->sovereign == 0)) {
        snprintf(why, size, "%s: sovereignty disputed (sovereign %s, administered by %s, claimed by %zu other state%s)",
                 p->name, p->sovereign ? abb(c, p->sovereign) : "contested", abb(c, p->administrator),
                 p->n_claimants, p->n_claimants == 1 ? "" : "s");
        return CASUS_UNKNOWN;
    }
    snprintf(why, size, "%s is not %s territory (sovereign %s)", p->name, abb(c, x),
             p->sovereign ? abb(c, p->sovereign) : "contested");
    return CASUS_FAILED;
}

/* The adversary, seen from the beneficiary: the other belligerent. */
static int adversary_of(const who_ctx *c, int beneficiary)
{
    return beneficiary == c->attack->target ? c->attack->attacker : c->attack->target;
}

static void trace_trigger(who_ctx *c, const casus_obligation *ob)
{
    const casus_attack *a = c->attack;
    const char *A = abb(c, a->attacker), *B = abb(c, a->target);
    switch (ob->trigger) {
    case CASUS_TRIGGER_ARMED_ATTACK:
        trace(c, "trigger", CASUS_HELD, "armed attack: %s attacks %s", A, B);
        break;
    case CASUS_TRIGGER_AGGRESSION:
        trace(c, "trigger", CASUS_HELD,
              "aggression: an armed attack by %s on %s is an act of aggression (UNGA res. 3314, Art. 3(a)); "
              "claims of self-defence are not evaluated", A, B);
        break;
    case CASUS_TRIGGER_THREAT:
        trace(c, "trigger", CASUS_HELD, "threat: an armed attack by %s on %s is at least a threat", A, B);
        break;
    case CASUS_TRIGGER_UNSPECIFIED:
        trace(c, "trigger", CASUS_HELD, "the source does not code a trigger; an attack involving %s is taken as the event",
              abb(c, ob->beneficiary));
        break;
    case CASUS_TRIGGER_WAR_BY_INVASION: {
        const casus_place *p = c->place;
        if (ob->beneficiary != a->target) {
            trace(c, "trigger", CASUS_FAILED, "armed invasion: %s is the attacker, not invaded", abb(c, ob->beneficiary));
            break;
        }
        if (p->administrator == a->target)
            trace(c, "trigger", CASUS_HELD, "armed invasion: the attack is on %s, under %s administration", p->name, B);
        else
            trace(c, "trigger", CASUS_UNKNOWN, "armed invasion: %s is claimed by %s but administered by %s", p->name, B,
                  abb(c, p->administrator));
        trace(c, "state of war", CASUS_UNKNOWN,
              "whether the attack puts %s \"in a state of war\" is not decidable from the event", B);
        break;
    }
    default:
        break;
    }
}

static void trace_condition(who_ctx *c, const casus_obligation *ob, const casus_condition *k)
{
    const casus_place *p = c->place;
    int adv = adversary_of(c, ob->beneficiary);
    char why[400];
    switch (k->kind) {
    case CASUS_COND_ADVERSARY_ANY:
        trace(c, "adversary", CASUS_HELD, "any state: %s", abb(c, adv));
        break;
    case CASUS_COND_ADVERSARY_STATES: {
        bool in = false;
        size_t used = 0;
        why[0] = '\0';
        for (size_t i = 0; i < k->n_states; i++) {
            in |= k->states[i] == adv;
            used += (size_t)snprintf(why + used, used < sizeof why ? sizeof why - used : 0, "%s%s", i ? " " : "",
                                     abb(c, k->states[i]));
            if (used >= sizeof why)
                used = sizeof why - 1;
        }
        trace(c, "adversary", in ? CASUS_HELD : CASUS_FAILED, "one of %s: %s %s", why, abb(c, adv), in ? "is" : "is not");
        break;
    }
    case CASUS_COND_ADVERSARY_NONPARTY: {
        bool party = is_party_on(ob->treaty, adv, c->attack->day);
        trace(c, "adversary", party ? CASUS_FAILED : CASUS_HELD, "a state not party to %s: %s %s", ob->treaty->id,
              abb(c, adv), party ? "is a party" : "is not a party");
        break;
    }
    case CASUS_COND_ADVERSARY_EXTERNAL:
        trace(c, "adversary", adv != ob->beneficiary ? CASUS_HELD : CASUS_FAILED,
              "an external attack: %s is a state other than %s", abb(c, adv), abb(c, ob->beneficiary));
        break;
    case CASUS_COND_PLACE_ANYWHERE:
        trace(c, "place", CASUS_HELD, "anywhere: %s", p->name);
        break;
    case CASUS_COND_PLACE_TERRITORY: {
        casus_truth t = territory_of(c, p, ob->beneficiary, why, sizeof why);
        trace(c, "place", t, "territory of %s: %s", abb(c, ob->beneficiary), why);
        break;
    }
    case CASUS_COND_PLACE_ADMINISTERED: {
        int who = k->n_states ? k->states[0] : ob->beneficiary;
        bool held = p->administrator == who;
        trace(c, "place", held ? CASUS_HELD : CASUS_FAILED, "under the administration of %s: %s is administered by %s",
              abb(c, who), p->name, abb(c, p->administrator));
        break;
    }
    case CASUS_COND_PLACE_AREA: {
        const casus_area *area = casus_world_area_find(c->world, k->area);
        casus_truth t = casus_world_place_in_area(c->world, p, k->area);
        trace(c, "place", t, "in %s (%s): %s %s", k->area, area ? area->name : k->area, p->name,
              t == CASUS_HELD ? "lies in it" : t == CASUS_FAILED ? "lies outside it" : "may or may not lie in it (the area is not defined precisely there)");
        break;
    }
    case CASUS_COND_PLACE_RECOGNIZED: {
        casus_truth t = territory_of(c, p, ob->beneficiary, why, sizeof why);
        if (t == CASUS_HELD && p->administrator != ob->beneficiary)
            t = CASUS_UNKNOWN;
        trace(c, "place", t, "recognized by %s as lawfully under %s administration: %s", abb(c, ob->obligor),
              abb(c, ob->beneficiary), why);
        break;
    }
    case CASUS_COND_BENEFICIARY_ATTACKED:
        trace(c, "attacked", ob->beneficiary == c->attack->target ? CASUS_HELD : CASUS_FAILED,
              "only when %s is the one attacked: %s", abb(c, ob->beneficiary),
              ob->beneficiary == c->attack->target ? "it is" : "it is the attacker");
        break;
    case CASUS_COND_UNDECIDABLE:
        trace(c, "condition", CASUS_UNKNOWN, "%s: not decidable from the event", k->text);
        break;
    default:
        break;
    }
}

/* The role of an obligation in this attack, or -1 when the attack does not
 * concern it (defence owed to the attacker, offence owed to the target). */
static int role_of(const who_ctx *c, const casus_obligation *ob)
{
    int A = c->attack->attacker, B = c->attack->target;
    bool to_target = ob->beneficiary == B;
    int other = to_target ? A : B;
    switch (ob->kind) {
    case CASUS_KIND_DEFENSE:
        if (!to_target)
            return -1;
        return ob->obligor == A ? CASUS_ROLE_BREACHED : CASUS_ROLE_DEFEND_TARGET;
    case CASUS_KIND_OFFENSE:
        if (to_target || ob->obligor == B)
            return -1;
        return CASUS_ROLE_JOIN_ATTACKER;
    case CASUS_KIND_NEUTRALITY:
        if (ob->obligor == other)
            return to_target ? CASUS_ROLE_BREACHED : -1;
        return CASUS_ROLE_NEUTRAL;
    case CASUS_KIND_NONAGGRESSION:
        if (ob->obligor == other)
            return to_target ? CASUS_ROLE_BREACHED : -1; /* the target's defence breaks no pledge */
        return CASUS_ROLE_REFRAIN;
    case CASUS_KIND_CONSULTATION:
        return CASUS_ROLE_CONSULT;
    default:
        return -1;
    }
}

static bool superseded(const who_ctx *c, const casus_obligation *ob, const casus_treaty **by)
{
    if (!ob->treaty->from_atop || ob->treaty->n_atop == 0)
        return false;
    int id = ob->treaty->atop[0];
    /* Only hand-encoded treaties supersede; the world lists them once, so
     * this does not scan the hundreds of ATOP treaties per candidate. */
    const casus_treaty *const *hand;
    size_t n_hand = casus__world_hand_treaties(c->world, &hand);
    for (size_t i = 0; i < n_hand; i++) {
        const casus_treaty *t = hand[i];
        for (size_t k = 0; k < t->n_atop; k++)
            if (t->atop[k] == id && casus_period_contains(&t->in_force, c->attack->day) != CASUS_FAILED) {
                *by = t;
                return true;
            }
    }
    return false;
}

static void evaluate(who_ctx *c, const casus_obligation *ob, unsigned flags)
{
    int role = role_of(c, ob);
    if (role < 0)
        return;
    /* Cheap rejection first: most candidates are simply not in force that
     * day, and the supersession check below costs more. */
    casus_truth in_force = casus_period_contains(&ob->valid, c->attack->day);
    if (in_force == CASUS_FAILED && !(flags & CASUS_WHO_ALL))
        return;
    const casus_treaty *by = NULL;
    if (superseded(c, ob, &by) && !(flags & CASUS_WHO_ALL))
        return;
    c->n_traces = 0;
    char buf[96];
    period_text(&ob->valid, buf, sizeof buf);
    if (in_force == CASUS_HELD && ob->treaty->from_atop && casus_span_is_open(ob->valid.end) &&
        c->attack->day > c->atop_end) {
        /* ATOP records the alliance as in effect on its last day of data;
         * what happened after that, the data do not say. */
        char last[11];
        casus_date_format(c->atop_end, last);
        trace(c, "in force", CASUS_UNKNOWN, "%s was bound to %s under %s from %s; ATOP's data end on %s, so whether "
              "it still holds is not recorded", abb(c, ob->obligor), abb(c, ob->beneficiary), ob->treaty->id, buf, last);
    } else
        trace(c, "in force", in_force, "%s %s %s under %s from %s", abb(c, ob->obligor),
              in_force == CASUS_FAILED ? "is not bound to" : "is bound to", abb(c, ob->beneficiary), ob->treaty->id, buf);
    casus_truth mo = casus_world_member(c->world, ob->obligor, c->attack->day);
    if (mo != CASUS_HELD)
        trace(c, "state system", mo, "%s is %s a member of the state system on that day", abb(c, ob->obligor),
              mo == CASUS_FAILED ? "not" : "perhaps not");
    if (role == CASUS_ROLE_DEFEND_TARGET || role == CASUS_ROLE_JOIN_ATTACKER || role == CASUS_ROLE_BREACHED ||
        ob->trigger != CASUS_TRIGGER_UNSPECIFIED)
        trace_trigger(c, ob);
    for (size_t i = 0; i < ob->n_conds; i++)
        trace_condition(c, ob, &ob->conds[i]);
    if (by)
        trace(c, "superseded", CASUS_FAILED, "set aside: the hand-encoded treaty %s covers ATOP alliance %d on that day",
              by->id, ob->treaty->atop[0]);
    casus_truth status = CASUS_HELD;
    for (size_t i = 0; i < c->n_traces; i++) {
        if (c->traces[i].truth == CASUS_FAILED)
            status = CASUS_FAILED;
        else if (c->traces[i].truth == CASUS_UNKNOWN && status == CASUS_HELD)
            status = CASUS_UNKNOWN;
    }
    if (status == CASUS_FAILED && !(flags & CASUS_WHO_ALL))
        return;
    casus_finding *f = casus__vec_push(&c->findings, &c->mem);
    casus_trace *tr = casus__arena_memdup(c->arena, c->traces, c->n_traces * sizeof *tr);
    if (!f || !tr) {
        c->oom = true;
        return;
    }
    for (size_t i = 0; i < c->n_traces; i++)
        if (!(tr[i].detail = casus__arena_strdup(c->arena, c->text[i])))
            c->oom = true;
    f->obligation = ob;
    f->role = (casus_role)role;
    f->status = status;
    f->traces = tr;
    f->n_traces = c->n_traces;
    f->superseded_by = by;
}

static int article_index(const casus_obligation *ob)
{
    return (int)(ob->article - ob->treaty->articles);
}

static int cmp_finding(const void *pa, const void *pb)
{
    const casus_finding *a = pa, *b = pb;
    if (a->role != b->role)
        return a->role < b->role ? -1 : 1;
    const casus_obligation *x = a->obligation, *y = b->obligation;
    if (x->obligor != y->obligor)
        return x->obligor < y->obligor ? -1 : 1;
    int k = strcmp(x->treaty->id, y->treaty->id);
    if (k)
        return k;
    if (article_index(x) != article_index(y))
        return article_index(x) < article_index(y) ? -1 : 1;
    if (x->beneficiary != y->beneficiary)
        return x->beneficiary < y->beneficiary ? -1 : 1;
    if (x->valid.start.lo != y->valid.start.lo)
        return x->valid.start.lo < y->valid.start.lo ? -1 : 1;
    return (x->rule > y->rule) - (x->rule < y->rule);
}

/* Which way a finding pushes its obligor: +1 against the attacker, -1
 * against the target; and what it forbids (1: acting against the attacker,
 * 2: acting against the target). */
static void sides(const who_ctx *c, const casus_finding *f, int *acts, int *forbids)
{
    const casus_obligation *ob = f->obligation;
    *acts = 0;
    *forbids = 0;
    if (f->role == CASUS_ROLE_DEFEND_TARGET)
        *acts = 1;
    else if (f->role == CASUS_ROLE_JOIN_ATTACKER)
        *acts = -1;
    else if (f->role == CASUS_ROLE_REFRAIN || f->role == CASUS_ROLE_NEUTRAL)
        *forbids = ob->beneficiary == c->attack->attacker ? 1 : 2;
}

/* A state is in conflict when one obligation makes it act against the
 * attacker while another makes it act against the target, or forbids what
 * the first demands.  One entry per state: the first such pair. */
static casus_status find_conflicts(who_ctx *c, struct who_result_impl *r, const casus_finding *fs, size_t n)
{
    casus_vec v;
    casus__vec_init(&v, sizeof(casus_conflict));
    for (size_t i = 0; i < n; i++) {
        int ai, fi;
        sides(c, &fs[i], &ai, &fi);
        if (ai == 0 || fs[i].status == CASUS_FAILED)
            continue;
        for (size_t j = 0; j < n; j++) {
            if (fs[j].status == CASUS_FAILED || fs[j].obligation->obligor != fs[i].obligation->obligor)
                continue;
            int aj, fj;
            sides(c, &fs[j], &aj, &fj);
            bool against_target = ai == 1 && (aj == -1 || fj == 1);
            bool against_attacker = ai == -1 && fj == 2;
            if (!against_target && !against_attacker)
                continue;
            bool dup = false;
            for (size_t k = 0; k < v.len; k++)
                dup |= CASUS_VEC_AT(&v, casus_conflict, k).state == fs[i].obligation->obligor;
            if (dup)
                continue;
            casus_conflict *slot = casus__vec_push(&v, &c->mem);
            if (!slot) {
                casus__vec_free(&v, &c->mem);
                return CASUS_NOMEM;
            }
            slot->state = fs[i].obligation->obligor;
            slot->finding_a = against_target ? i : j; /* the one siding with the target */
            slot->finding_b = against_target ? j : i;
        }
    }
    r->pub.conflicts = casus__arena_memdup(&r->arena, v.data, v.len * sizeof(casus_conflict));
    r->pub.n_conflicts = v.len;
    casus__vec_free(&v, &c->mem);
    return r->pub.conflicts ? CASUS_OK : CASUS_NOMEM;
}

static void add_note(who_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add_note(who_ctx *c, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    char *s = casus__arena_strdup(c->arena, buf);
    const char **slot = s ? casus__vec_push(&c->notes, &c->mem) : NULL;
    if (!slot) {
        c->oom = true;
        return;
    }
    *slot = s;
}

static void coverage_notes(who_ctx *c)
{
    const casus_coverage *cov;
    size_t n = casus__world_coverage(c->world, &cov);
    const casus_treaty *const *first;
    size_t hand = casus__world_hand_treaties(c->world, &first);
    add_note(c, "hand-encoded treaties: %zu (treaties/*.treaty), each evaluated on its own dates", hand);
    bool atop = false;
    for (size_t i = 0; i < n; i++) {
        char a[11], b[11];
        casus_date_format(cov[i].from, a);
        casus_date_format(cov[i].to, b);
        bool in = c->attack->day >= cov[i].from && c->attack->day <= cov[i].to;
        atop |= cov[i].kind == CASUS_COVERAGE_ATOP;
        if (in)
            add_note(c, "%s: covers %s to %s", cov[i].what, a, b);
        else
            add_note(c, "%s: covers %s to %s only; this date is outside it, so what it would record is missing here, not absent",
                     cov[i].what, a, b);
    }
    if (!atop)
        add_note(c, "ATOP 5.1 alliances not loaded (give --data DIR or CASUS_DATA): only hand-encoded treaties are consulted");
}

casus_status casus_who(const casus_world *w, const casus_attack *a, unsigned flags, casus_who_result **out,
                       casus_error *err)
{
    *out = NULL;
    char buf[12];
    if (!casus_world_state_by_ccode(w, a->attacker))
        return casus_error_set(err, CASUS_INVALID, NULL, 0, 0, "unknown attacker (COW code %s)",
                               casus_world_abb(w, a->attacker, buf));
    if (!casus_world_state_by_ccode(w, a->target))
        return casus_error_set(err, CASUS_INVALID, NULL, 0, 0, "unknown target (COW code %s)",
                               casus_world_abb(w, a->target, buf));
    if (a->attacker == a->target)
        return casus_error_set(err, CASUS_INVALID, NULL, 0, 0, "a state cannot attack itself");
    const casus_place *place = a->place ? a->place : casus_world_home(w, a->target);
    bool targets = place->sovereign == a->target || place->administrator == a->target;
    for (size_t i = 0; i < place->n_claimants; i++)
        targets |= place->claimants[i] == a->target;
    if (!targets)
        return casus_error_set(err, CASUS_INVALID, NULL, 0, 0, "%s is not %s's: its sovereign is %s and it is administered by %s",
                               place->name, casus_world_state_by_ccode(w, a->target)->abb,
                               place->sovereign ? casus_world_abb(w, place->sovereign, buf) : "contested",
                               casus_world_state_by_ccode(w, place->administrator)
                                   ? casus_world_state_by_ccode(w, place->administrator)->abb : "?");

    const casus_mem *wmem = casus__world_mem((casus_world *)w);
    struct who_result_impl *r = casus__mem_alloc(wmem, sizeof *r);
    if (!r)
        return casus_error_set(err, CASUS_NOMEM, NULL, 0, 0, "out of memory");
    memset(r, 0, sizeof *r);
    r->mem = *wmem;
    casus__arena_init(&r->arena, &r->mem);

    /* The context is large (the candidate's trace text): keep it off the stack. */
    who_ctx *c = casus__mem_alloc(wmem, sizeof *c);
    if (!c) {
        casus_who_free(&r->pub);
        return casus_error_set(err, CASUS_NOMEM, NULL, 0, 0, "out of memory");
    }
    memset(c, 0, sizeof *c);
    c->world = w;
    c->attack = a;
    c->place = place;
    c->mem = *wmem;
    c->arena = &r->arena;
    c->atop_end = casus__world_atop_end(w);
    casus__vec_init(&c->findings, sizeof(casus_finding));
    casus__vec_init(&c->notes, sizeof(const char *));

    const int bens[2] = {a->target, a->attacker};
    for (int k = 0; k < 2 && !c->oom; k++) {
        const casus_obligation *first;
        size_t n = casus_world_obligations_to(w, bens[k], &first);
        for (size_t i = 0; i < n && !c->oom; i++)
            evaluate(c, &first[i], flags);
    }
    if (c->findings.len)
        qsort(c->findings.data, c->findings.len, sizeof(casus_finding), cmp_finding);
    coverage_notes(c);
    casus_status st = c->oom ? CASUS_NOMEM : CASUS_OK;
    if (st == CASUS_OK) {
        r->pub.attack = *a;
        r->pub.place = place;
        r->pub.findings = casus__arena_memdup(&r->arena, c->findings.data, c->findings.len * sizeof(casus_finding));
        r->pub.n_findings = c->findings.len;
        r->pub.notes = casus__arena_memdup(&r->arena, c->notes.data, c->notes.len * sizeof(const char *));
        r->pub.n_notes = c->notes.len;
        if (!r->pub.findings || !r->pub.notes)
            st = CASUS_NOMEM;
    }
    if (st == CASUS_OK)
        st = find_conflicts(c, r, r->pub.findings, r->pub.n_findings);
    casus__vec_free(&c->findings, &c->mem);
    casus__vec_free(&c->notes, &c->mem);
    casus__mem_free(wmem, c, sizeof *c);
    if (st != CASUS_OK) {
        casus_who_free(&r->pub);
        return casus_error_set(err, CASUS_NOMEM, NULL, 0, 0, "out of memory evaluating the attack");
    }
    *out = &r->pub;
    return CASUS_OK;
}

void casus_who_free(casus_who_result *result)
{
    if (!result)
        return;
    struct who_result_impl *r = (struct who_result_impl *)result;
    casus_mem mem = r->mem;
    casus__arena_free(&r->arena);
    casus__mem_free(&mem, r, sizeof *r);
}
