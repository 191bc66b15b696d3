/* The evaluator: for an attack by A on B at place P on day D, which
 * obligations bind, decided as codes without writing a word or allocating.
 *
 * The candidates are the obligations owed to B or to A (the world's index is
 * by beneficiary).  Each is given a role by its kind and direction, then
 * checked condition by condition, three-valued; it binds when no check
 * failed, conditionally when some could not be decided
 * (docs/treaty-format.md, "How casus evaluates").  who.c puts the words on
 * these codes for `casus who`. */
#include <limits.h>
#include <string.h>

#include "who_internal.h"

typedef struct eval_ctx {
    const casus_world *world;
    const casus_attack *attack;
    const casus_place *place;
    casus_day day;
    casus_day atop_end;  /* last day ATOP records; CASUS_DAY_NEVER_AFTER when not loaded */
    const casus_treaty *const *hand;
    size_t n_hand;
    const unsigned char *covered; /* bit per ATOP id a hand-encoded treaty names */
    size_t n_covered;             /* ids below this have a bit */
    unsigned flags;
    int member_of;                /* the last obligor asked about, and its answer */
    casus_truth member;
} eval_ctx;

static const char *const check_names[] = {
#define CASUS__CHECK_NAME(n, s) s,
    CASUS_CHECK_MAP(CASUS__CHECK_NAME)
#undef CASUS__CHECK_NAME
};

const char *casus_check_str(casus_check_kind kind)
{
    return (unsigned)kind < CASUS_CHECK_COUNT ? check_names[kind] : "?";
}

static bool is_party_on(const casus_treaty *t, int ccode, casus_day day)
{
    for (size_t i = 0; i < t->n_parties; i++)
        if (t->parties[i].ccode == ccode && casus_period_contains(&t->parties[i].member, day) != CASUS_FAILED)
            return true;
    return false;
}

/* The place term "territory of X": sovereignty, with disputes kept visible. */
static casus_truth territory_of(const casus_place *p, int x)
{
    bool claims = false;
    for (size_t i = 0; i < p->n_claimants; i++)
        claims |= p->claimants[i] == x;
    if (p->sovereign == x && p->n_claimants == 0)
        return CASUS_HELD;
    if (p->sovereign == x || claims || (p->administrator == x && p->sovereign == 0))
        return CASUS_UNKNOWN;
    return CASUS_FAILED;
}

/* The role of an obligation in this attack, or -1 when the attack does not
 * concern it (defence owed to the attacker, offence owed to the target). */
static int role_of(const casus_attack *a, const casus_obligation *ob)
{
    int A = a->attacker, B = a->target;
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

/* The hand-encoded treaty in force that day which covers this ATOP
 * obligation's alliance, or NULL.  Only hand-encoded treaties supersede; the
 * world lists them once, so this does not scan the hundreds of ATOP
 * treaties per candidate. */
static const casus_treaty *superseded_by(const eval_ctx *c, const casus_obligation *ob)
{
    if (!ob->treaty->from_atop || ob->treaty->n_atop == 0)
        return NULL;
    int id = ob->treaty->atop[0];
    if (id < 0 || (size_t)id >= c->n_covered || !(c->covered[id >> 3] & (1u << (id & 7))))
        return NULL;
    for (size_t i = 0; i < c->n_hand; i++) {
        const casus_treaty *t = c->hand[i];
        for (size_t k = 0; k < t->n_atop; k++)
            if (t->atop[k] == id && casus_period_contains(&t->in_force, c->day) != CASUS_FAILED)
                return t;
    }
    return NULL;
}

/* The truth of condition k, and its detail code (casus_check.detail). */
static casus_truth condition_truth(const eval_ctx *c, const casus_obligation *ob, const casus_condition *k,
                                   unsigned char *detail)
{
    const casus_place *p = c->place;
    int adv = ob->beneficiary == c->attack->target ? c->attack->attacker : c->attack->target;
    switch (k->kind) {
    case CASUS_COND_ADVERSARY_ANY:
    case CASUS_COND_PLACE_ANYWHERE:
        return CASUS_HELD;
    case CASUS_COND_ADVERSARY_STATES:
        for (size_t i = 0; i < k->n_states; i++)
            if (k->states[i] == adv)
                return CASUS_HELD;
        return CASUS_FAILED;
    case CASUS_COND_ADVERSARY_NONPARTY:
        return is_party_on(ob->treaty, adv, c->day) ? CASUS_FAILED : CASUS_HELD;
    case CASUS_COND_ADVERSARY_EXTERNAL:
        /* From outside: neither the beneficiary nor a co-party (an attack
         * by the other party is no "external armed attack"). */
        return adv != ob->beneficiary && !is_party_on(ob->treaty, adv, c->day) ? CASUS_HELD : CASUS_FAILED;
    case CASUS_COND_PLACE_TERRITORY: {
        casus_truth t = territory_of(p, ob->beneficiary);
        *detail = (unsigned char)t;
        return t;
    }
    case CASUS_COND_PLACE_ADMINISTERED: {
        int who = k->n_states ? k->states[0] : ob->beneficiary;
        return p->administrator == who ? CASUS_HELD : CASUS_FAILED;
    }
    case CASUS_COND_PLACE_AREA:
        return casus_world_place_in_area(c->world, p, k->area);
    case CASUS_COND_PLACE_RECOGNIZED: {
        casus_truth t = territory_of(p, ob->beneficiary);
        *detail = (unsigned char)t;
        return t == CASUS_HELD && p->administrator != ob->beneficiary ? CASUS_UNKNOWN : t;
    }
    case CASUS_COND_BENEFICIARY_ATTACKED:
        return ob->beneficiary == c->attack->target ? CASUS_HELD : CASUS_FAILED;
    case CASUS_COND_UNDECIDABLE:
        return CASUS_UNKNOWN;
    default:
        /* The parser makes no other kind; one that is not understood is
         * not taken as held. */
        return CASUS_UNKNOWN;
    }
}

/* Where the checks of one candidate go. */
typedef struct checks_out {
    casus_check *at;  /* NULL: not recorded */
    size_t n;
    casus_truth status;
    bool all;         /* CASUS_WHO_ALL: go on after a failure */
} checks_out;

/* Records one check; false when the candidate is decided as failing and
 * need not be checked further. */
static inline bool put(checks_out *o, casus_check_kind kind, casus_truth truth, unsigned char detail, size_t cond)
{
    if (o->at)
        o->at[o->n] = (casus_check){.kind = (unsigned char)kind, .truth = (unsigned char)truth, .detail = detail,
                                    .cond = (unsigned short)cond};
    o->n++;
    if (truth == CASUS_FAILED) {
        o->status = CASUS_FAILED;
        return o->all;
    }
    if (truth == CASUS_UNKNOWN && o->status == CASUS_HELD)
        o->status = CASUS_UNKNOWN;
    return true;
}

/* Decides one candidate.  Returns false when it is dropped (no role, or a
 * failing check without CASUS_WHO_ALL); otherwise fills b, whose checks
 * (when recorded) are at `at`. */
static bool decide(eval_ctx *c, const casus_obligation *ob, casus_check *at, casus_binding *b)
{
    bool all = c->flags & CASUS_WHO_ALL;
    casus_day day = c->day;
    /* Cheap rejection first: most candidates are simply not in force that
     * day, and the role and supersession checks below cost more. */
    casus_truth in_force;
    if (day < ob->valid.start.lo || day > ob->valid.end.hi) {
        if (!all)
            return false;
        in_force = CASUS_FAILED;
    } else
        in_force = day < ob->valid.start.hi || day > ob->valid.end.lo ? CASUS_UNKNOWN : CASUS_HELD;
    int role = role_of(c->attack, ob);
    if (role < 0)
        return false;
    const casus_treaty *by = superseded_by(c, ob);
    if (by && !all)
        return false;

    checks_out o = {.at = at, .status = CASUS_HELD, .all = all};
    if (in_force == CASUS_HELD && ob->treaty->from_atop && casus_span_is_open(ob->valid.end) && day > c->atop_end) {
        /* ATOP records the alliance as in effect on its last day of data;
         * what happened after that, the data do not say. */
        put(&o, CASUS_CHECK_IN_FORCE, CASUS_UNKNOWN, CASUS_CHECK_ATOP_ENDED, 0);
    } else if (!put(&o, CASUS_CHECK_IN_FORCE, in_force, 0, 0))
        return false;
    /* The index runs by obligor, so consecutive candidates mostly share one. */
    if (ob->obligor != c->member_of) {
        c->member_of = ob->obligor;
        c->member = casus_world_member(c->world, ob->obligor, day);
    }
    casus_truth member = c->member;
    if (member != CASUS_HELD && !put(&o, CASUS_CHECK_STATE_SYSTEM, member, 0, 0))
        return false;
    if (role == CASUS_ROLE_DEFEND_TARGET || role == CASUS_ROLE_JOIN_ATTACKER || role == CASUS_ROLE_BREACHED ||
        ob->trigger != CASUS_TRIGGER_UNSPECIFIED) {
        switch (ob->trigger) {
        case CASUS_TRIGGER_ARMED_ATTACK:
        case CASUS_TRIGGER_AGGRESSION:
        case CASUS_TRIGGER_THREAT:
        case CASUS_TRIGGER_UNSPECIFIED:
            put(&o, CASUS_CHECK_TRIGGER, CASUS_HELD, 0, 0);
            break;
        case CASUS_TRIGGER_WAR_BY_INVASION:
            if (ob->beneficiary != c->attack->target) {
                if (!put(&o, CASUS_CHECK_TRIGGER, CASUS_FAILED, 0, 0))
                    return false;
                break;
            }
            /* Forces attacked abroad (CASUS_WHO_ABROAD): the target's
             * territory was not invaded. */
            if (!casus__place_of(c->place, c->attack->target)) {
                if (!put(&o, CASUS_CHECK_TRIGGER, CASUS_FAILED, 0, 0))
                    return false;
                break;
            }
            put(&o, CASUS_CHECK_TRIGGER, c->place->administrator == c->attack->target ? CASUS_HELD : CASUS_UNKNOWN, 0, 0);
            put(&o, CASUS_CHECK_STATE_OF_WAR, CASUS_UNKNOWN, 0, 0);
            break;
        default:
            put(&o, CASUS_CHECK_TRIGGER, CASUS_UNKNOWN, 0, 0);
            break;
        }
    }
    for (size_t i = 0; i < ob->n_conds; i++) {
        unsigned char detail = 0;
        casus_truth t = condition_truth(c, ob, &ob->conds[i], &detail);
        if (!put(&o, CASUS_CHECK_CONDITION, t, detail, i))
            return false;
    }
    if (by)
        put(&o, CASUS_CHECK_SUPERSEDED, CASUS_FAILED, 0, 0);
    if (o.status == CASUS_FAILED && !all)
        return false;
    b->obligation = ob;
    b->obligor = ob->obligor;
    b->beneficiary = ob->beneficiary;
    b->role = (casus_role)role;
    b->status = o.status;
    b->kind = ob->kind;
    b->timing = ob->timing;
    b->superseded_by = by;
    b->checks = at;
    b->n_checks = at ? o.n : 0;
    return true;
}

bool casus__place_of(const casus_place *place, int ccode)
{
    bool is = place->sovereign == ccode || place->administrator == ccode;
    for (size_t i = 0; i < place->n_claimants; i++)
        is |= place->claimants[i] == ccode;
    return is;
}

casus_status casus__who_resolve(const casus_world *w, const casus_attack *a, unsigned flags, const casus_place **out,
                                casus_error *err)
{
    char buf[12];
    if (!casus__world_finished(w))
        return casus_error_set(err, CASUS_UNFINISHED, NULL, 0, 0,
                               "the world is not finished: call casus_world_finish after loading");
    if (!casus_world_state_by_ccode(w, a->attacker))
        return casus_error_set(err, CASUS_INVALID, NULL, 0, 0, "unknown attacker (COW code %s)",
                               casus_world_abb(w, a->attacker, buf));
    if (!casus_world_state_by_ccode(w, a->target))
        return casus_error_set(err, CASUS_INVALID, NULL, 0, 0, "unknown target (COW code %s)",
                               casus_world_abb(w, a->target, buf));
    if (a->attacker == a->target)
        return casus_error_set(err, CASUS_INVALID, NULL, 0, 0, "a state cannot attack itself");
    const casus_place *place = a->place ? a->place : casus_world_home(w, a->target);
    if (!casus__place_of(place, a->target) && !(flags & CASUS_WHO_ABROAD))
        return casus_error_set(err, CASUS_INVALID, NULL, 0, 0, "%s is not %s's: its sovereign is %s and it is administered by %s",
                               place->name, casus_world_state_by_ccode(w, a->target)->abb,
                               place->sovereign ? casus_world_abb(w, place->sovereign, buf) : "contested",
                               casus_world_state_by_ccode(w, place->administrator)
                                   ? casus_world_state_by_ccode(w, place->administrator)->abb : "?");
    *out = place;
    return CASUS_OK;
}

casus_status casus__who_scratch_make(const casus_world *w, size_t cap_bindings, size_t cap_checks,
                                     casus_who_scratch **out, casus_error *err)
{
    *out = NULL;
    const casus_mem *mem = casus__world_mem((casus_world *)w);
    size_t head = (sizeof(casus_who_scratch) + 15) & ~(size_t)15;
    size_t nb = cap_bindings ? cap_bindings : 1, nc = cap_checks ? cap_checks : 1;
    if (nb > (SIZE_MAX - head) / 4 / sizeof(casus_binding) || nc > (SIZE_MAX - head) / 4 / sizeof(casus_check))
        return casus_error_set(err, CASUS_NOMEM, NULL, 0, 0, "out of memory");
    /* Which ATOP alliances a hand-encoded treaty may set aside: most
     * candidates are then passed over with one bit test. */
    const casus_treaty *const *hand;
    size_t n_hand = casus__world_hand_treaties(w, &hand), n_covered = 0;
    for (size_t i = 0; i < n_hand; i++)
        for (size_t k = 0; k < hand[i]->n_atop; k++)
            if (hand[i]->atop[k] >= 0 && (size_t)hand[i]->atop[k] >= n_covered)
                n_covered = (size_t)hand[i]->atop[k] + 1;
    size_t size = head + nb * sizeof(casus_binding) + nc * sizeof(casus_check) + (n_covered + 7) / 8;
    unsigned char *block = casus__mem_alloc(mem, size);
    if (!block)
        return casus_error_set(err, CASUS_NOMEM, NULL, 0, 0, "out of memory");
    casus_who_scratch *s = (casus_who_scratch *)block;
    s->world = w;
    s->mem = *mem;
    s->size = size;
    s->cap_bindings = nb;
    s->cap_checks = nc;
    s->bindings = (casus_binding *)(block + head);
    s->checks = (casus_check *)(block + head + nb * sizeof(casus_binding));
    s->covered = block + head + nb * sizeof(casus_binding) + nc * sizeof(casus_check);
    s->n_covered = n_covered;
    s->base = NULL;
    s->window = NULL;
    s->n_window = 0;
    memset(s->covered, 0, (n_covered + 7) / 8);
    for (size_t i = 0; i < n_hand; i++)
        for (size_t k = 0; k < hand[i]->n_atop; k++)
            if (hand[i]->atop[k] >= 0)
                s->covered[hand[i]->atop[k] >> 3] |= (unsigned char)(1u << (hand[i]->atop[k] & 7));
    *out = s;
    return CASUS_OK;
}

casus_status casus_who_scratch_create(const casus_world *w, casus_who_scratch **out, casus_error *err)
{
    *out = NULL;
    if (!casus__world_finished(w))
        return casus_error_set(err, CASUS_UNFINISHED, NULL, 0, 0,
                               "the world is not finished: call casus_world_finish after loading");
    /* The largest query asks about the two beneficiaries with the most
     * candidates (and, apart, the most checks). */
    size_t nb[2] = {0, 0}, nc[2] = {0, 0};
    for (int ben = 0; ben <= 0xffff; ben++) {
        const casus_obligation *first;
        size_t n = casus_world_obligations_to(w, ben, &first), checks = 0;
        for (size_t i = 0; i < n; i++) {
            if (first[i].n_conds > USHRT_MAX)
                return casus_error_set(err, CASUS_RANGE, NULL, 0, 0, "an obligation of %s has %zu conditions; at most %u "
                                       "can be evaluated", first[i].treaty->id, first[i].n_conds, USHRT_MAX);
            checks += casus__who_max_checks(&first[i]);
        }
        if (n > nb[0])
            nb[1] = nb[0], nb[0] = n;
        else if (n > nb[1])
            nb[1] = n;
        if (checks > nc[0])
            nc[1] = nc[0], nc[0] = checks;
        else if (checks > nc[1])
            nc[1] = checks;
    }
    casus_status st = casus__who_scratch_make(w, nb[0] + nb[1], nc[0] + nc[1], out, err);
    if (st != CASUS_OK)
        return st;
    casus_who_scratch *s = *out;
    size_t n = casus_world_obligation_count(w);
    if (n) {
        s->window = casus__mem_alloc(&s->mem, n * sizeof *s->window);
        if (!s->window) {
            casus_who_scratch_free(s);
            *out = NULL;
            return casus_error_set(err, CASUS_NOMEM, NULL, 0, 0, "out of memory");
        }
        s->base = casus_world_obligation_at(w, 0);
        s->n_window = n;
        for (size_t i = 0; i < n; i++) {
            s->window[i][0] = s->base[i].valid.start.lo;
            s->window[i][1] = s->base[i].valid.end.hi;
        }
    }
    return CASUS_OK;
}

void casus_who_scratch_free(casus_who_scratch *s)
{
    if (!s)
        return;
    casus_mem mem = s->mem;
    casus__mem_free(&mem, s->window, s->n_window * sizeof *s->window);
    casus__mem_free(&mem, s, s->size);
}

casus_status casus_who_eval(const casus_world *w, const casus_attack *a, unsigned flags, casus_who_scratch *s,
                            const casus_binding **bindings, size_t *n, casus_error *err)
{
    *bindings = NULL;
    *n = 0;
    const casus_place *place;
    casus_status st = casus__who_resolve(w, a, flags, &place, err);
    if (st != CASUS_OK)
        return st;
    if (!s || s->world != w)
        return casus_error_set(err, CASUS_INVALID, NULL, 0, 0, "the scratch was made for another world");
    eval_ctx c = {.world = w, .attack = a, .place = place, .day = a->day, .atop_end = casus__world_atop_end(w),
                  .flags = flags, .covered = s->covered, .n_covered = s->n_covered};
    c.n_hand = casus__world_hand_treaties(w, &c.hand);
    const casus_obligation *first[2];
    size_t len[2];
    len[0] = casus_world_obligations_to(w, a->target, &first[0]);
    len[1] = casus_world_obligations_to(w, a->attacker, &first[1]);
    if (len[0] + len[1] > s->cap_bindings)
        return casus_error_set(err, CASUS_RANGE, NULL, 0, 0,
                               "the scratch is too small for this world (finished again since it was made?)");
    bool record = flags & CASUS_WHO_CHECKS, all = flags & CASUS_WHO_ALL;
    size_t kept = 0, used = 0;
    casus_day day = a->day;
    for (int k = 0; k < 2; k++) {
        /* The windows of these candidates, when the scratch has them (and
         * they are the world's: the count is checked). */
        const casus_day(*win)[2] = NULL;
        if (s->window && !all && len[k] && casus_world_obligation_count(w) == s->n_window &&
            casus_world_obligation_at(w, 0) == s->base)
            win = (const casus_day(*)[2])s->window + (first[k] - s->base);
        for (size_t i = 0; i < len[k]; i++) {
            if (win && (day < win[i][0] || day > win[i][1]))
                continue;
            const casus_obligation *ob = &first[k][i];
            casus_check *at = NULL;
            if (record) {
                if (ob->n_conds > USHRT_MAX || casus__who_max_checks(ob) > s->cap_checks - used)
                    return casus_error_set(err, CASUS_RANGE, NULL, 0, 0,
                                           "the scratch is too small for this world (finished again since it was made?)");
                at = s->checks + used;
            }
            if (decide(&c, ob, at, &s->bindings[kept])) {
                used += s->bindings[kept].n_checks;
                kept++;
            }
        }
    }
    *bindings = s->bindings;
    *n = kept;
    return CASUS_OK;
}
