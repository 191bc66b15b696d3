/* Alliance reliability in the COW wars: every (war, ATOP alliance) pair
 * with a member at war, the pledges each attack of the war set off
 * (casus_who), and what the bound members did (the war history).  The
 * rules are in docs/reliability.md; the papers they follow are Leeds, Long
 * & Mitchell (2000), "Reevaluating Alliance Reliability", Journal of
 * Conflict Resolution 44(5), and Berkemeier & Fuhrmann (2018),
 * "Reassessing the fulfillment of alliance commitments in war", Research &
 * Politics 5(2). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "casus/data.h"
#include "casus/history.h"
#include "casus/reliability.h"
#include "internal.h"
#include "who_internal.h"

/* The eras of Berkemeier & Fuhrmann (2018): before and after 1945. */
#define ERA_SPLIT 1945

static const char *const rule_names[] = {"leeds2000", "bf2018"};

const char *casus_reliability_rule_str(casus_reliability_rule rule)
{
    return (unsigned)rule < 2 ? rule_names[rule] : "?";
}

int casus_reliability_rule_from_str(const char *s)
{
    for (int i = 0; i < 2; i++)
        if (s && strcmp(s, rule_names[i]) == 0)
            return i;
    return -1;
}

struct casus_reliability {
    casus_mem mem;
    casus_arena arena;
    casus_reliability_options opts;
    casus_reliability_case *cases;
    size_t n;
};

/* A case under construction. */
typedef struct build_case {
    int atop;
    casus_vec members; /* int */
    casus_vec duties;  /* casus_reliability_duty */
    const char *failed; /* the first condition that failed for a pledge in force */
    const char *failed_at; /* where that attack was evaluated, in words ("" at home) */
} build_case;

typedef struct ctx {
    const casus_world *world;
    casus_reliability *rel;
    const casus_war_history *war;
    casus_vec cases; /* build_case */
    bool oom;
} ctx;

typedef struct attack_rec {
    int a, b;
    casus_day day;
} attack_rec;

static const char *abb(const casus_world *w, int cc, char buf[12])
{
    return casus_world_abb(w, cc, buf);
}

static build_case *case_for(ctx *c, int atop)
{
    for (size_t i = 0; i < c->cases.len; i++)
        if (CASUS_VEC_AT(&c->cases, build_case, i).atop == atop)
            return &CASUS_VEC_AT(&c->cases, build_case, i);
    build_case *b = casus__vec_push(&c->cases, &c->rel->mem);
    if (!b) {
        c->oom = true;
        return NULL;
    }
    b->atop = atop;
    casus__vec_init(&b->members, sizeof(int));
    casus__vec_init(&b->duties, sizeof(casus_reliability_duty));
    return b;
}

static void add_member(ctx *c, build_case *b, int cc)
{
    for (size_t i = 0; i < b->members.len; i++)
        if (CASUS_VEC_AT(&b->members, int, i) == cc)
            return;
    int *p = casus__vec_push(&b->members, &c->rel->mem);
    if (!p)
        c->oom = true;
    else
        *p = cc;
}

/* Whether period p overlaps the days [lo, hi]. */
static bool overlaps(const casus_period *p, casus_day lo, casus_day hi)
{
    if (p->start.lo > hi)
        return false;
    return casus_span_is_open(p->end) || p->end.hi >= lo;
}

/* The ATOP alliances with a member fighting in the war while a member. */
static void alliance_cases(ctx *c)
{
    const casus_war_history *h = c->war;
    casus_day lo = h->first_day.lo, hi = h->last_day;
    size_t nt = casus_world_treaty_count(c->world);
    for (size_t t = 0; t < nt && !c->oom; t++) {
        const casus_treaty *tr = casus_world_treaty_at(c->world, t);
        if (!tr->from_atop || tr->n_atop == 0 || !overlaps(&tr->in_force, lo, hi))
            continue;
        for (size_t k = 0; k < tr->n_parties; k++) {
            const casus_party *p = &tr->parties[k];
            if (!casus_war_history_belligerent(h, p->ccode) || !overlaps(&p->member, lo, hi))
                continue;
            build_case *b = case_for(c, tr->atop[0]);
            if (b)
                add_member(c, b, p->ccode);
        }
    }
}

/* The attacks of the war, once per ordered pair (its earliest day): each
 * dyad COW's directed dyadic war data record as initiated (wardyadrolea 1)
 * by state A against state B, on the day the dyad's fighting began; and
 * each entry into the war as an attack on the other side (below). */
static casus_status war_attacks(const casus_world *world, const casus_war_history *h, const casus_mem *mem,
                                casus_vec *out)
{
    const casus_table *t = casus_data_table(world, "directed_dyadic_war");
    int cw = casus_table_column(t, "warnum"), ca = casus_table_column(t, "statea"),
        cb = casus_table_column(t, "stateb"), cr = casus_table_column(t, "wardyadrolea"),
        cy = casus_table_column(t, "warstrtyr"), cm = casus_table_column(t, "warstrtmnth"),
        cd = casus_table_column(t, "warstrtday");
    if (cw < 0 || ca < 0 || cb < 0 || cr < 0 || cy < 0 || cm < 0 || cd < 0)
        return CASUS_PARSE;
    size_t rows = casus_table_rows(t);
    for (size_t r = 0; r < rows; r++) {
        long w, a, b, role, y, m, d;
        if (casus_table_int(t, r, (size_t)cw, &w) != CASUS_OK || w != h->war->number)
            continue;
        if (casus_table_int(t, r, (size_t)cr, &role) != CASUS_OK || role != 1 ||
            casus_table_int(t, r, (size_t)ca, &a) != CASUS_OK || casus_table_int(t, r, (size_t)cb, &b) != CASUS_OK ||
            casus_table_int(t, r, (size_t)cy, &y) != CASUS_OK)
            continue;
        if (casus_table_int(t, r, (size_t)cm, &m) != CASUS_OK)
            m = 0;
        if (casus_table_int(t, r, (size_t)cd, &d) != CASUS_OK)
            d = 0;
        if (y < 1816 || y > 2100 || m < 0 || m > 12 || d < 0 || d > 31)
            continue;
        /* A partial dyad start is evaluated on its last possible day: by
         * then the attack had certainly happened. */
        casus_day day = casus_span_partial((int)y, (int)m, (int)d).hi;
        bool seen = false;
        for (size_t i = 0; i < out->len; i++) {
            attack_rec *x = &CASUS_VEC_AT(out, attack_rec, i);
            if (x->a == a && x->b == b) {
                if (day < x->day)
                    x->day = day;
                seen = true;
            }
        }
        if (seen)
            continue;
        attack_rec *x = casus__vec_push(out, mem);
        if (!x)
            return CASUS_NOMEM;
        *x = (attack_rec){(int)a, (int)b, day};
    }
    /* Entries as attacks, as the cascade counts them (chain-ganging): a
     * state entering the war attacks each state of the other side already
     * fighting, and on the same day one that is not, like itself, an
     * initiator (COW's Initiator flag); between two states entering on
     * the same day, both initiators or neither, the one on the initiators'
     * side attacks.  On the first day that makes the initiators attack the
     * states they went to war with. */
    int init_side = 0;
    for (size_t i = 0; i < h->n_day0; i++)
        if (h->belligerents[i].initiator)
            init_side = init_side && init_side != h->belligerents[i].side ? -1 : h->belligerents[i].side;
    for (size_t i = 0; i < h->n_belligerents; i++) {
        const casus_history_belligerent *e = &h->belligerents[i];
        for (size_t j = 0; j < h->n_belligerents; j++) {
            const casus_history_belligerent *f = &h->belligerents[j];
            if (f->side == e->side)
                continue;
            bool before = f->offset_hi < e->offset_lo;
            bool same_day = f->offset_lo == e->offset_lo && f->offset_hi == e->offset_hi;
            bool first = e->initiator != f->initiator ? e->initiator : e->side == init_side;
            if (!before && !(same_day && first))
                continue;
            bool seen = false;
            for (size_t k = 0; k < out->len && !seen; k++) {
                attack_rec *x = &CASUS_VEC_AT(out, attack_rec, k);
                if (x->a == e->ccode && x->b == f->ccode) {
                    if (e->entry.hi < x->day)
                        x->day = e->entry.hi;
                    seen = true;
                }
            }
            if (seen)
                continue;
            attack_rec *r = casus__vec_push(out, mem);
            if (!r)
                return CASUS_NOMEM;
            *r = (attack_rec){e->ccode, f->ccode, e->entry.hi};
        }
    }
    return CASUS_OK;
}

/* Where the attack was evaluated, in words: "" at the target's home; " in
 * P" on a place of the target's; " (its forces in P)" abroad. */
static const char *where_text(const casus_attack *at, char *buf, size_t size)
{
    const casus_place *p = at->place;
    if (!p)
        return "";
    snprintf(buf, size, casus__place_of(p, at->target) ? " in %s" : " (its forces in %s)", p->name);
    return buf;
}

/* Whether the obligor did what the duty asks, and why, in one sentence. */
static void judge(ctx *c, casus_reliability_duty *d)
{
    const casus_obligation *ob = d->obligation;
    const casus_history_belligerent *o = casus_war_history_belligerent(c->war, ob->obligor);
    const casus_history_belligerent *bf = casus_war_history_belligerent(c->war, ob->beneficiary);
    /* The beneficiary's side: its own in the war file, else (a state the
     * dyadic data have fighting but the war file does not list) the side
     * the attack puts it on. */
    int bside = bf ? bf->side : 0;
    if (!bside) {
        int other = ob->beneficiary == d->attack.target ? d->attack.attacker : d->attack.target;
        const casus_history_belligerent *x = casus_war_history_belligerent(c->war, other);
        if (x)
            bside = ob->beneficiary == d->attack.target ? 3 - x->side : x->side;
    }
    bool with = o && bside && (o->side == bside || o->switched_to == bside);
    bool against = o && bside && (o->side != bside || (o->switched_to && o->switched_to != bside));
    char s1[12], s2[12], s3[12], s4[12], day[11], where[200];
    casus_date_format(d->attack.day, day);
    const char *at = where_text(&d->attack, where, sizeof where);
    const char *tid = ob->treaty->id, *art = ob->article->number;
    switch (d->role) {
    case CASUS_ROLE_DEFEND_TARGET:
    case CASUS_ROLE_JOIN_ATTACKER:
        d->honoured = with;
        d->why = casus__arena_printf(
            &c->rel->arena, "%s: %s owed %s %s (%s, article %s) when %s attacked %s%s on %s; %s", casus_kind_str(ob->kind),
            abb(c->world, ob->obligor, s1), abb(c->world, ob->beneficiary, s2),
            d->role == CASUS_ROLE_DEFEND_TARGET ? "defence" : "help in its attack", tid, art,
            abb(c->world, d->attack.attacker, s3), abb(c->world, d->attack.target, s4), at, day,
            with ? "it fought on that side: honoured"
                 : o ? "it fought on the other side: violated" : "it stayed out of the war: violated");
        break;
    case CASUS_ROLE_NEUTRAL:
    case CASUS_ROLE_REFRAIN:
        d->honoured = !against;
        d->why = casus__arena_printf(&c->rel->arena, "%s: %s owed %s %s (%s, article %s) when %s attacked %s%s on %s; %s",
                                     casus_kind_str(ob->kind), abb(c->world, ob->obligor, s1),
                                     abb(c->world, ob->beneficiary, s2),
                                     d->role == CASUS_ROLE_NEUTRAL ? "neutrality" : "non-aggression", tid, art,
                                     abb(c->world, d->attack.attacker, s3), abb(c->world, d->attack.target, s4), at, day,
                                     against ? "it fought against it: violated" : "it did not fight against it: honoured");
        break;
    default: /* BREACHED: the attack itself breaks the pledge */
        d->honoured = false;
        d->why = casus__arena_printf(&c->rel->arena, "%s: %s attacked %s%s on %s against its pledge to it (%s, article %s): violated",
                                     casus_kind_str(ob->kind), abb(c->world, d->attack.attacker, s1),
                                     abb(c->world, d->attack.target, s2), at, day, tid, art);
        break;
    }
    if (!d->why)
        c->oom = true;
}

static bool same_duty(const casus_reliability_duty *a, const casus_obligation *ob, casus_role role)
{
    return a->obligation->obligor == ob->obligor && a->obligation->beneficiary == ob->beneficiary &&
           a->obligation->kind == ob->kind && a->role == role;
}

static void record_finding(ctx *c, const casus_finding *f, const casus_attack *at, const casus_war_place *row)
{
    const casus_obligation *ob = f->obligation;
    if (f->role == CASUS_ROLE_CONSULT || f->superseded_by || ob->treaty->n_atop == 0)
        return;
    bool counts = f->status == CASUS_HELD ||
                  (f->status == CASUS_UNKNOWN && c->rel->opts.conditions == CASUS_RELIABILITY_CONDITIONS_UNDECIDABLE);
    /* A non-aggression pledge of a third state is tested by the war only
     * when that state fights in it: staying out keeps every such pledge
     * trivially, and would swamp the rates with cases nobody counts. */
    if (f->role == CASUS_ROLE_REFRAIN && !casus_war_history_belligerent(c->war, ob->obligor))
        return;
    /* A hand-encoded treaty stands for each ATOP alliance it covers. */
    for (size_t k = 0; k < ob->treaty->n_atop && !c->oom; k++) {
        build_case *b = case_for(c, ob->treaty->atop[k]);
        if (!b)
            return;
        if (!counts) {
            /* Why a pledge in force was not set off: its first failed
             * condition other than being in force, else its first
             * undecided one. */
            if (b->failed || f->n_traces == 0 || f->traces[0].truth == CASUS_FAILED)
                continue;
            size_t pick = 0;
            for (size_t i = 1; i < f->n_traces && !pick; i++)
                if (f->traces[i].truth == CASUS_FAILED)
                    pick = i;
            for (size_t i = 1; i < f->n_traces && !pick; i++)
                if (f->traces[i].truth != CASUS_HELD)
                    pick = i;
            if (pick) {
                char s1[12], s2[12], where[200];
                /* Copied: the detail lives in the who result. */
                b->failed = casus__arena_strdup(&c->rel->arena, f->traces[pick].detail);
                b->failed_at = !at->place ? ""
                               : casus__arena_printf(&c->rel->arena, " (%s attacked %s%s: %s line %d)",
                                                     abb(c->world, at->attacker, s1), abb(c->world, at->target, s2),
                                                     where_text(at, where, sizeof where), "war-places.csv",
                                                     row ? row->line : 0);
                if (!b->failed || !b->failed_at)
                    c->oom = true;
            }
            continue;
        }
        bool dup = false;
        for (size_t i = 0; i < b->duties.len && !dup; i++)
            dup = same_duty(&CASUS_VEC_AT(&b->duties, casus_reliability_duty, i), ob, f->role);
        if (dup)
            continue;
        casus_reliability_duty *d = casus__vec_push(&b->duties, &c->rel->mem);
        if (!d) {
            c->oom = true;
            return;
        }
        *d = (casus_reliability_duty){
            .obligation = ob, .role = f->role, .status = f->status, .attack = *at, .place_row = row};
        add_member(c, b, ob->obligor);
        add_member(c, b, ob->beneficiary);
    }
}

/* A copy of a vector's elements in the arena (never NULL unless out of
 * memory, even for an empty vector). */
static void *vec_copy(casus_arena *arena, const casus_vec *v)
{
    void *p = casus__arena_alloc(arena, (v->len + 1) * v->elem);
    if (p && v->len)
        memcpy(p, v->data, v->len * v->elem);
    return p;
}

static int cmp_attack(const void *pa, const void *pb)
{
    const attack_rec *a = pa, *b = pb;
    if (a->day != b->day)
        return a->day < b->day ? -1 : 1;
    if (a->a != b->a)
        return a->a < b->a ? -1 : 1;
    return (a->b > b->b) - (a->b < b->b);
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

static int cmp_case(const void *pa, const void *pb)
{
    const casus_reliability_case *a = pa, *b = pb;
    if (a->war != b->war)
        return a->war < b->war ? -1 : 1;
    return (a->atop > b->atop) - (a->atop < b->atop);
}

/* Turns the war's cases under construction into results. */
static void finish_cases(ctx *c, casus_vec *out, size_t n_attacks)
{
    for (size_t i = 0; i < c->cases.len && !c->oom; i++) {
        build_case *b = &CASUS_VEC_AT(&c->cases, build_case, i);
        casus_reliability_case *rc = casus__vec_push(out, &c->rel->mem);
        if (!rc) {
            c->oom = true;
            break;
        }
        rc->war = c->war->war->number;
        int y;
        casus_day_to_ymd(c->war->first_day.lo, &y, NULL, NULL);
        rc->war_year = y;
        rc->atop = b->atop;
        if (b->members.len)
            qsort(b->members.data, b->members.len, sizeof(int), cmp_int);
        rc->members = vec_copy(&c->rel->arena, &b->members);
        rc->n_members = b->members.len;
        casus_reliability_duty *ds = vec_copy(&c->rel->arena, &b->duties);
        if (!rc->members || !ds) {
            c->oom = true;
            break;
        }
        rc->duties = ds;
        rc->n_duties = b->duties.len;
        rc->invoked = rc->n_duties > 0;
        rc->honoured = rc->invoked;
        size_t n_ok = 0;
        const casus_reliability_duty *bad = NULL;
        for (size_t k = 0; k < rc->n_duties; k++) {
            judge(c, &ds[k]);
            rc->kinds |= 1u << ds[k].obligation->kind;
            if (ds[k].honoured) {
                n_ok++;
            } else {
                rc->honoured = false;
                rc->kinds_violated |= 1u << ds[k].obligation->kind;
                if (!bad)
                    bad = &ds[k];
            }
        }
        if (rc->invoked)
            rc->why = casus__arena_printf(&c->rel->arena, "%zu of %zu pledges set off were honoured. %s", n_ok,
                                          rc->n_duties, bad ? bad->why : ds[0].why);
        else if (b->failed)
            rc->why = casus__arena_printf(&c->rel->arena, "not set off by any of the war's %zu attacks: %s%s",
                                          n_attacks, b->failed, b->failed_at ? b->failed_at : "");
        else
            rc->why = casus__arena_printf(&c->rel->arena,
                                          "not set off by any of the war's %zu attacks: no pledge in force was "
                                          "owed to a state attacking or attacked",
                                          n_attacks);
        if (!rc->why)
            c->oom = true;
    }
    for (size_t i = 0; i < c->cases.len; i++) {
        build_case *b = &CASUS_VEC_AT(&c->cases, build_case, i);
        casus__vec_free(&b->members, &c->rel->mem);
        casus__vec_free(&b->duties, &c->rel->mem);
    }
    c->cases.len = 0;
}

casus_status casus_reliability_build(const casus_world *world, const casus_wars *wars,
                                     const casus_reliability_options *opts, casus_reliability **out, casus_error *err)
{
    *out = NULL;
    casus_reliability_options o = opts ? *opts : (casus_reliability_options){0};
    if ((unsigned)o.rule > CASUS_RELIABILITY_BF2018)
        return casus_error_set(err, CASUS_INVALID, "", 0, 0, "unknown reliability rule %d", (int)o.rule);
    /* The papers' own periods (Leeds et al. 2000: 1816-1944; Berkemeier and
     * Fuhrmann 2018: 1816-2003). */
    if (!o.from)
        o.from = 1816;
    if (!o.to)
        o.to = o.rule == CASUS_RELIABILITY_LEEDS2000 ? 1944 : 2003;
    if ((unsigned)o.conditions > CASUS_RELIABILITY_CONDITIONS_UNDECIDABLE)
        return casus_error_set(err, CASUS_INVALID, "", 0, 0, "unknown conditions setting %d", (int)o.conditions);
    if (o.conditions == CASUS_RELIABILITY_CONDITIONS_DEFAULT)
        o.conditions = o.rule == CASUS_RELIABILITY_LEEDS2000 ? CASUS_RELIABILITY_CONDITIONS_HELD
                                                             : CASUS_RELIABILITY_CONDITIONS_UNDECIDABLE;
    if (o.from < 1816 || o.to > 2100 || o.from > o.to)
        return casus_error_set(err, CASUS_INVALID, "", 0, 0, "years %d to %d: need 1816 <= from <= to", o.from, o.to);
    static const casus_dataset need[] = {CASUS_DATASET_COW_STATES, CASUS_DATASET_ATOP_MEMBERS,
                                         CASUS_DATASET_DYADIC_WAR};
    for (size_t i = 0; i < sizeof need / sizeof need[0]; i++)
        if (!casus_data_loaded(world, need[i]))
            return casus_error_set(err, CASUS_INVALID, "", 0, 0, "alliance reliability needs %s: it is not loaded",
                                   casus_dataset_path(need[i]));
    casus_history *hist = NULL;
    casus_status st = casus_history_build(world, wars, NULL, &hist, err);
    if (st != CASUS_OK)
        return st;
    casus_mem mem = {casus__default_alloc, NULL};
    casus_reliability *rel = casus__mem_alloc(&mem, sizeof *rel);
    if (!rel) {
        casus_history_free(hist);
        return casus_error_set(err, CASUS_NOMEM, "", 0, 0, "out of memory");
    }
    memset(rel, 0, sizeof *rel);
    rel->mem = mem;
    rel->opts = o;
    casus__arena_init(&rel->arena, &rel->mem);
    ctx c = {.world = world, .rel = rel};
    casus__vec_init(&c.cases, sizeof(build_case));
    casus_vec cases, attacks;
    casus__vec_init(&cases, sizeof(casus_reliability_case));
    casus__vec_init(&attacks, sizeof(attack_rec));
    for (size_t w = 0; w < casus_history_count(hist) && !c.oom && st == CASUS_OK; w++) {
        const casus_war_history *h = casus_history_at(hist, w);
        int y;
        casus_day_to_ymd(h->first_day.lo, &y, NULL, NULL);
        if (y < o.from || y > o.to)
            continue;
        c.war = h;
        alliance_cases(&c);
        attacks.len = 0;
        if ((st = war_attacks(world, h, &rel->mem, &attacks)) != CASUS_OK) {
            casus_error_set(err, st, casus_dataset_path(CASUS_DATASET_DYADIC_WAR), 0, 0,
                            st == CASUS_NOMEM ? "out of memory" : "the directed dyadic war table lacks a column");
            break;
        }
        /* In time order, so that each duty is told by the first attack
         * that set it off. */
        if (attacks.len)
            qsort(attacks.data, attacks.len, attacks.elem, cmp_attack);
        for (size_t i = 0; i < attacks.len && !c.oom; i++) {
            const attack_rec *ar = &CASUS_VEC_AT(&attacks, attack_rec, i);
            /* Where it took place: the war's row for it, else the
             * target's home territory.  A place not the target's is an
             * attack on its forces there. */
            const casus_war_place *row = casus_war_places_find(o.places, h->war->number, ar->a, ar->b);
            casus_attack at = {.attacker = ar->a, .target = ar->b, .place = row ? row->place : NULL, .day = ar->day};
            casus_who_result *res = NULL;
            casus_error werr;
            /* An attack casus cannot evaluate (a state outside the world
             * tables) sets off nothing it can see. */
            if (casus_who(world, &at, CASUS_WHO_ALL | CASUS_WHO_ABROAD, &res, &werr) != CASUS_OK) {
                if (werr.status == CASUS_NOMEM)
                    c.oom = true;
                continue;
            }
            for (size_t k = 0; k < res->n_findings && !c.oom; k++)
                record_finding(&c, &res->findings[k], &at, row);
            casus_who_free(res);
        }
        finish_cases(&c, &cases, attacks.len);
    }
    casus__vec_free(&attacks, &rel->mem);
    for (size_t i = 0; i < c.cases.len; i++) {
        build_case *b = &CASUS_VEC_AT(&c.cases, build_case, i);
        casus__vec_free(&b->members, &rel->mem);
        casus__vec_free(&b->duties, &rel->mem);
    }
    casus__vec_free(&c.cases, &rel->mem);
    casus_history_free(hist);
    if (c.oom && st == CASUS_OK)
        st = casus_error_set(err, CASUS_NOMEM, "", 0, 0, "out of memory");
    if (st == CASUS_OK) {
        rel->cases = vec_copy(&rel->arena, &cases);
        if (!rel->cases)
            st = casus_error_set(err, CASUS_NOMEM, "", 0, 0, "out of memory");
        else
            rel->n = cases.len;
    }
    casus__vec_free(&cases, &rel->mem);
    if (st != CASUS_OK) {
        casus_reliability_free(rel);
        return st;
    }
    qsort(rel->cases, rel->n, sizeof *rel->cases, cmp_case);
    *out = rel;
    return CASUS_OK;
}

void casus_reliability_free(casus_reliability *rel)
{
    if (!rel)
        return;
    casus_mem mem = rel->mem;
    casus__arena_free(&rel->arena);
    casus__mem_free(&mem, rel, sizeof *rel);
}

casus_reliability_options casus_reliability_options_used(const casus_reliability *rel)
{
    return rel->opts;
}

size_t casus_reliability_count(const casus_reliability *rel)
{
    return rel ? rel->n : 0;
}

const casus_reliability_case *casus_reliability_at(const casus_reliability *rel, size_t i)
{
    return rel && i < rel->n ? &rel->cases[i] : NULL;
}

const casus_reliability_case *casus_reliability_find(const casus_reliability *rel, int war, int atop)
{
    for (size_t i = 0; rel && i < rel->n; i++)
        if (rel->cases[i].war == war && rel->cases[i].atop == atop)
            return &rel->cases[i];
    return NULL;
}

static casus_reliability_rate rate_where(const casus_reliability *rel, int era, int kind)
{
    casus_reliability_rate r = {0, 0};
    for (size_t i = 0; i < rel->n; i++) {
        const casus_reliability_case *c = &rel->cases[i];
        if (!c->invoked)
            continue;
        if (era >= 0 && (c->war_year >= ERA_SPLIT) != (era == 1))
            continue;
        if (kind >= 0) {
            if (!(c->kinds & (1u << kind)))
                continue;
            r.invoked++;
            r.honoured += !(c->kinds_violated & (1u << kind));
            continue;
        }
        r.invoked++;
        r.honoured += c->honoured;
    }
    return r;
}

casus_reliability_rate casus_reliability_overall(const casus_reliability *rel)
{
    return rate_where(rel, -1, -1);
}

casus_reliability_rate casus_reliability_by_era(const casus_reliability *rel, int era)
{
    return rate_where(rel, era, -1);
}

casus_reliability_rate casus_reliability_by_kind(const casus_reliability *rel, casus_kind kind)
{
    return rate_where(rel, -1, (int)kind);
}
