/* The traced answer of `casus who`: the evaluator (who_eval.c) decides
 * every candidate as codes, and this layer puts each check into words for
 * the findings kept, sorts them, finds the states bound on both sides and
 * says what the answer rests on. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "who_internal.h"

typedef struct who_ctx {
    const casus_world *world;
    const casus_attack *attack;
    const casus_place *place;
    casus_arena *arena;  /* the result's: what a kept finding points to lives there */
    casus_mem mem;
    casus_vec notes;     /* const char * */
    casus_day atop_end;  /* last day ATOP records; CASUS_DAY_NEVER_AFTER when not loaded */
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

/* The words of one check, whole, in the result's arena; *out is NULL when
 * memory ran out. */
static void say(const who_ctx *c, const char **out, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void say(const who_ctx *c, const char **out, const char *fmt, ...)
{
    va_list ap, again;
    va_start(ap, fmt);
    va_copy(again, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *p = n < 0 ? NULL : casus__arena_alloc(c->arena, (size_t)n + 1);
    if (p)
        vsnprintf(p, (size_t)n + 1, fmt, again);
    va_end(again);
    *out = p;
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

/* Why the place is or is not the territory of x; `t` is the evaluator's
 * answer (casus_check.detail). */
static const char *territory_text(const who_ctx *c, const casus_place *p, int x, casus_truth t)
{
    if (t == CASUS_HELD)
        return casus__arena_printf(c->arena, "%s is %s territory", p->name, abb(c, x));
    if (t == CASUS_UNKNOWN)
        return casus__arena_printf(c->arena,
                                   "%s: sovereignty disputed (sovereign %s, administered by %s, claimed by %zu other "
                                   "state%s)",
                                   p->name, p->sovereign ? abb(c, p->sovereign) : "contested",
                                   abb(c, p->administrator), p->n_claimants, p->n_claimants == 1 ? "" : "s");
    return casus__arena_printf(c->arena, "%s is not %s territory (sovereign %s)", p->name, abb(c, x),
                               p->sovereign ? abb(c, p->sovereign) : "contested");
}

/* The adversary, seen from the beneficiary: the other belligerent. */
static int adversary_of(const who_ctx *c, int beneficiary)
{
    return beneficiary == c->attack->target ? c->attack->attacker : c->attack->target;
}

static const char *trigger_text(const who_ctx *c, const casus_obligation *ob, casus_truth truth, const char **out)
{
    const casus_attack *a = c->attack;
    const char *A = abb(c, a->attacker), *B = abb(c, a->target);
    const casus_place *p = c->place;
    switch (ob->trigger) {
    case CASUS_TRIGGER_ARMED_ATTACK:
        say(c, out, "armed attack: %s attacks %s", A, B);
        break;
    case CASUS_TRIGGER_AGGRESSION:
        say(c, out, "aggression: an armed attack by %s on %s is an act of aggression (UNGA res. 3314, Art. 3(a)); "
            "claims of self-defence are not evaluated", A, B);
        break;
    case CASUS_TRIGGER_THREAT:
        say(c, out, "threat: an armed attack by %s on %s is at least a threat", A, B);
        break;
    case CASUS_TRIGGER_UNSPECIFIED:
        say(c, out, "the source does not code a trigger; an attack involving %s is taken as the event",
            abb(c, ob->beneficiary));
        break;
    case CASUS_TRIGGER_WAR_BY_INVASION:
        if (truth == CASUS_FAILED && ob->beneficiary != a->target)
            say(c, out, "armed invasion: %s is the attacker, not invaded", abb(c, ob->beneficiary));
        else if (truth == CASUS_FAILED)
            say(c, out, "armed invasion: the attack is on %s's forces in %s, not an invasion of its territory", B,
                p->name);
        else if (truth == CASUS_HELD)
            say(c, out, "armed invasion: the attack is on %s, under %s administration", p->name, B);
        else
            say(c, out, "armed invasion: %s is claimed by %s but administered by %s", p->name, B,
                abb(c, p->administrator));
        break;
    default:
        say(c, out, "a trigger casus does not know (code %d): not evaluated", (int)ob->trigger);
        break;
    }
    return "trigger";
}

/* The words of condition k; returns what it is about. */
static const char *condition_text(const who_ctx *c, const casus_obligation *ob, const casus_condition *k,
                                  const casus_check *ck, const char **out)
{
    const casus_place *p = c->place;
    int adv = adversary_of(c, ob->beneficiary);
    casus_truth truth = (casus_truth)ck->truth;
    const char *why;
    switch (k->kind) {
    case CASUS_COND_ADVERSARY_ANY:
        say(c, out, "any state: %s", abb(c, adv));
        return "adversary";
    case CASUS_COND_ADVERSARY_STATES: {
        size_t len = 1;
        for (size_t i = 0; i < k->n_states; i++)
            len += strlen(abb(c, k->states[i])) + 1;
        char *list = casus__arena_alloc(c->arena, len), *at = list;
        if (!list) {
            *out = NULL;
            return "adversary";
        }
        for (size_t i = 0; i < k->n_states; i++)
            at += sprintf(at, "%s%s", i ? " " : "", abb(c, k->states[i]));
        why = list;
        bool in = truth == CASUS_HELD;
        say(c, out, "one of %s: %s %s", why, abb(c, adv), in ? "is" : "is not");
        return "adversary";
    }
    case CASUS_COND_ADVERSARY_NONPARTY: {
        bool party = truth == CASUS_FAILED;
        say(c, out, "a state not party to %s: %s %s", ob->treaty->id, abb(c, adv),
            party ? "is a party" : "is not a party");
        return "adversary";
    }
    case CASUS_COND_ADVERSARY_EXTERNAL:
        if (truth == CASUS_FAILED && adv != ob->beneficiary)
            say(c, out, "an external attack: %s is a party to %s, not an attacker from outside", abb(c, adv),
                ob->treaty->id);
        else
            say(c, out, "an external attack: %s is a state other than %s", abb(c, adv), abb(c, ob->beneficiary));
        return "adversary";
    case CASUS_COND_PLACE_ANYWHERE:
        say(c, out, "anywhere: %s", p->name);
        return "place";
    case CASUS_COND_PLACE_TERRITORY:
        if (!(why = territory_text(c, p, ob->beneficiary, (casus_truth)ck->detail))) {
            *out = NULL;
            return "place";
        }
        say(c, out, "territory of %s: %s", abb(c, ob->beneficiary), why);
        return "place";
    case CASUS_COND_PLACE_ADMINISTERED: {
        int who = k->n_states ? k->states[0] : ob->beneficiary;
        say(c, out, "under the administration of %s: %s is administered by %s", abb(c, who), p->name,
            abb(c, p->administrator));
        return "place";
    }
    case CASUS_COND_PLACE_AREA: {
        const casus_area *area = casus_world_area_find(c->world, k->area);
        say(c, out, "in %s (%s): %s %s", k->area, area ? area->name : k->area, p->name,
            truth == CASUS_HELD ? "lies in it" : truth == CASUS_FAILED ? "lies outside it"
                                : "may or may not lie in it (the area is not defined precisely there)");
        return "place";
    }
    case CASUS_COND_PLACE_RECOGNIZED:
        if (!(why = territory_text(c, p, ob->beneficiary, (casus_truth)ck->detail))) {
            *out = NULL;
            return "place";
        }
        say(c, out, "recognized by %s as lawfully under %s administration: %s", abb(c, ob->obligor),
            abb(c, ob->beneficiary), why);
        return "place";
    case CASUS_COND_BENEFICIARY_ATTACKED:
        say(c, out, "only when %s is the one attacked: %s", abb(c, ob->beneficiary),
            truth == CASUS_HELD ? "it is" : "it is the attacker");
        return "attacked";
    case CASUS_COND_UNDECIDABLE:
        say(c, out, "%s: not decidable from the event", k->text);
        return "condition";
    default:
        say(c, out, "a condition casus does not know (kind %d): not evaluated", (int)k->kind);
        return "condition";
    }
}

/* The words of one check: what it is about, and the detail in out. */
static const char *check_text(const who_ctx *c, const casus_binding *b, const casus_check *ck, const char **out)
{
    const casus_obligation *ob = b->obligation;
    casus_truth truth = (casus_truth)ck->truth;
    switch ((casus_check_kind)ck->kind) {
    case CASUS_CHECK_IN_FORCE: {
        char buf[96];
        period_text(&ob->valid, buf, sizeof buf);
        if (ck->detail == CASUS_CHECK_ATOP_ENDED) {
            /* ATOP records the alliance as in effect on its last day of
             * data; what happened after that, the data do not say. */
            char last[11];
            casus_date_format(c->atop_end, last);
            say(c, out, "%s was bound to %s under %s from %s; ATOP's data end on %s, so whether it still holds is not "
                "recorded", abb(c, ob->obligor), abb(c, ob->beneficiary), ob->treaty->id, buf, last);
        } else
            say(c, out, "%s %s %s under %s from %s", abb(c, ob->obligor),
                truth == CASUS_FAILED ? "is not bound to" : "is bound to", abb(c, ob->beneficiary), ob->treaty->id,
                buf);
        return "in force";
    }
    case CASUS_CHECK_STATE_SYSTEM:
        say(c, out, "%s is %s a member of the state system on that day", abb(c, ob->obligor),
            truth == CASUS_FAILED ? "not" : "perhaps not");
        return "state system";
    case CASUS_CHECK_TRIGGER:
        return trigger_text(c, ob, truth, out);
    case CASUS_CHECK_STATE_OF_WAR:
        say(c, out, "whether the attack puts %s \"in a state of war\" is not decidable from the event",
            abb(c, c->attack->target));
        return "state of war";
    case CASUS_CHECK_CONDITION:
        return condition_text(c, ob, &ob->conds[ck->cond], ck, out);
    case CASUS_CHECK_SUPERSEDED:
        say(c, out, "set aside: the hand-encoded treaty %s covers ATOP alliance %d on that day", b->superseded_by->id,
            ob->treaty->atop[0]);
        return "superseded";
    default:
        say(c, out, "?");
        return "?";
    }
}

/* A finding in the result's arena: the binding with each check in words. */
static void trace_binding(who_ctx *c, const casus_binding *b, casus_finding *f)
{
    casus_trace *tr = casus__arena_alloc(c->arena, (b->n_checks ? b->n_checks : 1) * sizeof *tr);
    if (!tr) {
        c->oom = true;
        return;
    }
    for (size_t i = 0; i < b->n_checks; i++) {
        const char *text = NULL;
        tr[i].what = check_text(c, b, &b->checks[i], &text);
        tr[i].truth = (casus_truth)b->checks[i].truth;
        if (!(tr[i].detail = text))
            c->oom = true;
    }
    f->obligation = b->obligation;
    f->role = b->role;
    f->status = b->status;
    f->traces = tr;
    f->n_traces = b->n_checks;
    f->superseded_by = b->superseded_by;
}

static int article_index(const casus_obligation *ob)
{
    return (int)(ob->article - ob->treaty->articles);
}

int casus__who_ob_cmp(const casus_obligation *x, const casus_obligation *y)
{
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

static int cmp_finding(const void *pa, const void *pb)
{
    const casus_finding *a = pa, *b = pb;
    if (a->role != b->role)
        return a->role < b->role ? -1 : 1;
    return casus__who_ob_cmp(a->obligation, b->obligation);
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
    const casus_place *place;
    casus_status st = casus__who_resolve(w, a, flags, &place, err);
    if (st != CASUS_OK)
        return st;

    /* A scratch just large enough for this query's candidates. */
    size_t cands = 0, checks = 0;
    const int bens[2] = {a->target, a->attacker};
    for (int k = 0; k < 2; k++) {
        const casus_obligation *first;
        size_t n = casus_world_obligations_to(w, bens[k], &first);
        cands += n;
        for (size_t i = 0; i < n; i++)
            checks += casus__who_max_checks(&first[i]);
    }
    casus_who_scratch *s = NULL;
    if ((st = casus__who_scratch_make(w, cands, checks, &s, err)) != CASUS_OK)
        return st;
    const casus_binding *b;
    size_t nb;
    if ((st = casus_who_eval(w, a, flags | CASUS_WHO_CHECKS, s, &b, &nb, err)) != CASUS_OK) {
        casus_who_scratch_free(s);
        return st;
    }

    const casus_mem *wmem = casus__world_mem((casus_world *)w);
    struct who_result_impl *r = casus__mem_alloc(wmem, sizeof *r);
    if (!r) {
        casus_who_scratch_free(s);
        return casus_error_set(err, CASUS_NOMEM, NULL, 0, 0, "out of memory");
    }
    memset(r, 0, sizeof *r);
    r->mem = *wmem;
    casus__arena_init(&r->arena, &r->mem);

    who_ctx ctx = {.world = w, .attack = a, .place = place, .arena = &r->arena, .mem = *wmem,
                   .atop_end = casus__world_atop_end(w)};
    who_ctx *c = &ctx;
    casus__vec_init(&c->notes, sizeof(const char *));
    casus_finding *fs = casus__arena_alloc(&r->arena, (nb ? nb : 1) * sizeof *fs);
    if (!fs)
        c->oom = true;
    for (size_t i = 0; i < nb && !c->oom; i++)
        trace_binding(c, &b[i], &fs[i]);
    casus_who_scratch_free(s);
    if (!c->oom && nb)
        qsort(fs, nb, sizeof *fs, cmp_finding);
    if (!c->oom)
        coverage_notes(c);
    st = c->oom ? CASUS_NOMEM : CASUS_OK;
    if (st == CASUS_OK) {
        r->pub.attack = *a;
        r->pub.place = place;
        r->pub.flags = flags;
        r->pub.findings = fs;
        r->pub.n_findings = nb;
        r->pub.notes = casus__arena_memdup(&r->arena, c->notes.data, c->notes.len * sizeof(const char *));
        r->pub.n_notes = c->notes.len;
        if (!r->pub.notes)
            st = CASUS_NOMEM;
    }
    if (st == CASUS_OK)
        st = find_conflicts(c, r, r->pub.findings, r->pub.n_findings);
    casus__vec_free(&c->notes, &c->mem);
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
