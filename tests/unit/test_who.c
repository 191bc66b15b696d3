/* casus foederis on the shipped world: the founding cases of the issue,
 * each traced to its treaty and article. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "casus/who.h"
#include "testutil.h"

static casus_world *W;

static void load(void)
{
    char dir[4096];
    casus_error err;
    cr_assert_eq(casus_world_create(&W, NULL), CASUS_OK);
    snprintf(dir, sizeof dir, "%s/world", source_dir());
    cr_assert_eq(casus_world_load_tables(W, dir, &err), CASUS_OK, "%s", err.message);
    snprintf(dir, sizeof dir, "%s/treaties", source_dir());
    cr_assert_eq(casus_world_load_treaty_dir(W, dir, &err), CASUS_OK, "%s:%d: %s", err.file, err.line, err.message);
    cr_assert_eq(casus_world_finish(W, &err), CASUS_OK);
}

static void unload(void)
{
    casus_world_free(W);
}

TestSuite(who, .init = load, .fini = unload);

static int cc(const char *abb)
{
    const casus_state *s = casus_world_state_by_abb(W, abb);
    cr_assert_not_null(s, "%s", abb);
    return s->ccode;
}

static casus_who_result *ask(const char *a, const char *b, const char *place, int y, int m, int d)
{
    casus_attack att = {.attacker = cc(a), .target = cc(b), .day = casus_day_from_ymd(y, m, d)};
    if (place) {
        att.place = casus_world_place_find(W, place);
        cr_assert_not_null(att.place, "%s", place);
    }
    casus_who_result *r = NULL;
    casus_error err;
    cr_assert_eq(casus_who(W, &att, 0, &r, &err), CASUS_OK, "%s", err.message);
    return r;
}

/* The finding where obligor owes beneficiary `kind` under treaty, or NULL. */
static const casus_finding *find(const casus_who_result *r, const char *obligor, const char *beneficiary,
                                 const char *treaty, casus_kind kind)
{
    for (size_t i = 0; i < r->n_findings; i++) {
        const casus_obligation *o = r->findings[i].obligation;
        if (o->obligor == cc(obligor) && o->beneficiary == cc(beneficiary) && o->kind == kind &&
            (!treaty || strcmp(o->treaty->id, treaty) == 0))
            return &r->findings[i];
    }
    return NULL;
}

/* The finding, which must be there, under the article numbered `article`
 * (NULL: any article). */
static const casus_finding *must_find(const casus_who_result *r, const char *obligor, const char *beneficiary,
                                      const char *treaty, casus_kind kind, const char *article)
{
    const casus_finding *f = find(r, obligor, beneficiary, treaty, kind);
    cr_assert_not_null(f, "%s owes %s nothing under %s", obligor, beneficiary, treaty ? treaty : "any treaty");
    if (article)
        cr_assert_str_eq(f->obligation->article->number, article, "%s owes %s under %s", obligor, beneficiary,
                         f->obligation->treaty->id);
    return f;
}

static size_t count_obligor(const casus_who_result *r, const char *obligor, casus_role role)
{
    size_t n = 0;
    for (size_t i = 0; i < r->n_findings; i++)
        n += r->findings[i].obligation->obligor == cc(obligor) && r->findings[i].role == role;
    return n;
}

Test(who, rok_attacks_prk_2025_binds_russia_and_china_immediately)
{
    casus_who_result *r = ask("ROK", "PRK", NULL, 2025, 3, 1);
    const casus_finding *ru = must_find(r, "RUS", "PRK", "rus-prk-2024", CASUS_KIND_DEFENSE, "4");
    cr_assert_eq(ru->obligation->timing, CASUS_TIMING_IMMEDIATE);
    cr_assert_eq(ru->role, CASUS_ROLE_DEFEND_TARGET);
    cr_assert_neq(ru->status, CASUS_FAILED);
    cr_assert(ru->obligation->actions & CASUS_ACT_MILITARY);
    cr_assert_gt(strlen(ru->obligation->article->passages[0].text), 50, "the article is quoted");
    const casus_finding *cn = must_find(r, "CHN", "PRK", "chn-prk-1961", CASUS_KIND_DEFENSE, "II");
    cr_assert_eq(cn->obligation->timing, CASUS_TIMING_IMMEDIATE);
    /* "state of war" cannot be decided from an attack: reported, not assumed. */
    bool undecidable = false;
    for (size_t i = 0; i < ru->n_traces; i++)
        undecidable |= ru->traces[i].truth == CASUS_UNKNOWN && strstr(ru->traces[i].detail, "state of war");
    cr_assert(undecidable);
    casus_who_free(r);
}

Test(who, before_entry_into_force_russia_owes_nothing)
{
    casus_who_result *r = ask("ROK", "PRK", NULL, 2024, 11, 1);
    cr_assert_null(find(r, "RUS", "PRK", "rus-prk-2024", CASUS_KIND_DEFENSE));
    cr_assert_not_null(find(r, "CHN", "PRK", "chn-prk-1961", CASUS_KIND_DEFENSE));
    casus_who_free(r);
    r = ask("ROK", "PRK", NULL, 2024, 12, 4); /* the day it entered into force */
    cr_assert_not_null(find(r, "RUS", "PRK", "rus-prk-2024", CASUS_KIND_DEFENSE));
    casus_who_free(r);
}

Test(who, kursk_before_and_after_the_treaty)
{
    casus_who_result *r = ask("UKR", "RUS", "kursk", 2024, 8, 6);
    cr_assert_eq(count_obligor(r, "PRK", CASUS_ROLE_DEFEND_TARGET), 0);
    for (size_t i = 0; i < r->n_findings; i++)
        cr_assert_neq(r->findings[i].obligation->obligor, cc("PRK"), "PRK owes nothing on 2024-08-06");
    casus_who_free(r);
    r = ask("UKR", "RUS", "kursk", 2024, 12, 5);
    must_find(r, "PRK", "RUS", "rus-prk-2024", CASUS_KIND_DEFENSE, "4");
    casus_who_free(r);
}

Test(who, prk_attacks_rok_binds_the_united_states_by_constitutional_processes)
{
    casus_who_result *r = ask("PRK", "ROK", NULL, 2025, 3, 1);
    const casus_finding *f = must_find(r, "USA", "ROK", "usa-kor-1953", CASUS_KIND_DEFENSE, "III");
    cr_assert_eq(f->obligation->timing, CASUS_TIMING_CONSTITUTIONAL);
    cr_assert_neq(f->status, CASUS_FAILED);
    casus_who_free(r);
}

Test(who, russia_attacks_estonia_every_other_nato_member_owes_estonia)
{
    casus_who_result *r = ask("RUS", "EST", NULL, 2025, 3, 1);
    const casus_treaty *nato = casus_world_treaty_find(W, "nato-1949");
    cr_assert_not_null(nato);
    casus_day day = casus_day_from_ymd(2025, 3, 1);
    size_t members = 0;
    for (size_t i = 0; i < nato->n_parties; i++) {
        const casus_party *p = &nato->parties[i];
        if (p->ccode == cc("EST") || casus_period_contains(&p->member, day) != CASUS_HELD)
            continue;
        members++;
        const casus_finding *f = must_find(r, p->abb, "EST", "nato-1949", CASUS_KIND_DEFENSE, "5");
        cr_assert_eq(f->obligation->timing, CASUS_TIMING_AS_DEEMED_NECESSARY);
        cr_assert_eq(f->status, CASUS_HELD, "%s: all conditions decidable and held", p->abb);
    }
    cr_assert_eq(members, 31, "32 members in 2025, less Estonia");
    casus_who_free(r);
}

Test(who, an_attack_on_hawaii_triggers_no_article_5)
{
    casus_who_result *r = ask("CHN", "USA", "hawaii", 2025, 3, 1);
    for (size_t i = 0; i < r->n_findings; i++) {
        const casus_obligation *o = r->findings[i].obligation;
        cr_assert(!(strcmp(o->treaty->id, "nato-1949") == 0 && o->kind == CASUS_KIND_DEFENSE),
                  "%s owes the USA under Art. 5 for Hawaii", casus_world_state_by_ccode(W, o->obligor)->abb);
    }
    casus_who_free(r);
    /* The same attack on the continental United States does trigger it. */
    r = ask("CHN", "USA", NULL, 2025, 3, 1);
    cr_assert_not_null(find(r, "UKG", "USA", "nato-1949", CASUS_KIND_DEFENSE));
    casus_who_free(r);
}

Test(who, consultation_neutrality_and_nonaggression_are_never_defence)
{
    const char *cases[][3] = {{"ROK", "PRK", NULL}, {"RUS", "EST", NULL}, {"PRK", "ROK", NULL}, {"UKR", "RUS", "kursk"}};
    size_t seen[CASUS_KIND_COUNT] = {0};
    for (size_t k = 0; k < 4; k++) {
        casus_who_result *r = ask(cases[k][0], cases[k][1], cases[k][2], 2025, 3, 1);
        /* Every case has findings, or the checks below would see nothing. */
        cr_assert_gt(r->n_findings, 0, "case %zu: no findings", k);
        for (size_t i = 0; i < r->n_findings; i++) {
            const casus_finding *f = &r->findings[i];
            cr_assert_lt((size_t)f->obligation->kind, (size_t)CASUS_KIND_COUNT);
            seen[f->obligation->kind]++;
            switch (f->obligation->kind) {
            case CASUS_KIND_CONSULTATION:
                cr_assert_eq(f->role, CASUS_ROLE_CONSULT);
                break;
            case CASUS_KIND_NEUTRALITY:
                cr_assert(f->role == CASUS_ROLE_NEUTRAL || f->role == CASUS_ROLE_BREACHED);
                break;
            case CASUS_KIND_NONAGGRESSION:
                cr_assert(f->role == CASUS_ROLE_REFRAIN || f->role == CASUS_ROLE_BREACHED);
                break;
            case CASUS_KIND_DEFENSE:
                cr_assert(f->role == CASUS_ROLE_DEFEND_TARGET || f->role == CASUS_ROLE_BREACHED);
                break;
            default:
                break;
            }
        }
        casus_who_free(r);
    }
    /* Defence and consultation came up.  No shipped treaty has a neutrality
     * or non-aggression rule, so those branches are exercised with ATOP's
     * pledges instead: test_history.c, neutrality_and_nonaggression_keep_
     * their_roles_1939. */
    cr_assert_gt(seen[CASUS_KIND_DEFENSE], 0);
    cr_assert_gt(seen[CASUS_KIND_CONSULTATION], 0);
}

Test(who, anzus_suspension_and_the_senkakus)
{
    casus_who_result *r = ask("CHN", "NEW", NULL, 2025, 3, 1);
    cr_assert_null(find(r, "USA", "NEW", "anzus-1951", CASUS_KIND_DEFENSE), "suspended since 1986");
    cr_assert_not_null(find(r, "AUL", "NEW", "anzus-1951", CASUS_KIND_DEFENSE));
    casus_who_free(r);
    r = ask("CHN", "NEW", NULL, 1980, 3, 1);
    cr_assert_not_null(find(r, "USA", "NEW", "anzus-1951", CASUS_KIND_DEFENSE));
    casus_who_free(r);
    r = ask("CHN", "JPN", "senkaku", 2025, 3, 1);
    const casus_finding *f = find(r, "USA", "JPN", "usa-jpn-1960", CASUS_KIND_DEFENSE);
    cr_assert_not_null(f, "Art. V covers territories under the administration of Japan");
    cr_assert_eq(f->status, CASUS_HELD);
    casus_who_free(r);
}

Test(who, lapsed_treaty_binds_only_in_its_life)
{
    casus_who_result *r = ask("ROK", "PRK", NULL, 1970, 1, 1);
    cr_assert_not_null(find(r, "RUS", "PRK", "sov-prk-1961", CASUS_KIND_DEFENSE));
    casus_who_free(r);
    r = ask("ROK", "PRK", NULL, 2000, 1, 1);
    cr_assert_null(find(r, "RUS", "PRK", "sov-prk-1961", CASUS_KIND_DEFENSE));
    casus_who_free(r);
}

Test(who, bad_queries_are_refused)
{
    casus_error err;
    casus_who_result *r = NULL;
    casus_attack self = {.attacker = cc("RUS"), .target = cc("RUS"), .day = 0};
    cr_assert_eq(casus_who(W, &self, 0, &r, &err), CASUS_INVALID);
    cr_assert_null(r);
    casus_attack unknown = {.attacker = 999, .target = cc("RUS"), .day = 0};
    cr_assert_eq(casus_who(W, &unknown, 0, &r, &err), CASUS_INVALID);
    casus_attack elsewhere = {.attacker = cc("UKR"), .target = cc("USA"), .day = 0,
                              .place = casus_world_place_find(W, "kursk")};
    cr_assert_eq(casus_who(W, &elsewhere, 0, &r, &err), CASUS_INVALID);
    cr_assert(strstr(err.message, "Kursk") != NULL, "%s", err.message);
}

/* CASUS_WHO_ABROAD: an attack on a state's forces outside its territory.
 * ANZUS Art. IV-V covers a party's armed forces in the Pacific area: an
 * attack on US forces in South Korea in 1953 sets it off, where the same
 * attack taken as one on the United States' home (only partly on the
 * Pacific) is not decidable.  NATO Art. 5 covers a party's own territory
 * only, so the attack abroad does not set it off, nor does an attack on US
 * forces in Laos (not on the Pacific) set off ANZUS.  Without the flag such
 * a place is refused, as before. */
Test(who, an_attack_on_forces_abroad_is_evaluated_where_they_are)
{
    casus_attack att = {.attacker = cc("PRK"), .target = cc("USA"), .day = casus_day_from_ymd(1953, 6, 1),
                        .place = casus_world_place_find(W, "ROK")};
    casus_who_result *r = NULL;
    casus_error err;
    cr_assert_eq(casus_who(W, &att, 0, &r, &err), CASUS_INVALID, "a place not the target's needs the flag");
    cr_assert_null(r);
    cr_assert_eq(casus_who(W, &att, CASUS_WHO_ALL | CASUS_WHO_ABROAD, &r, &err), CASUS_OK, "%s", err.message);
    cr_assert_eq(r->place, att.place);
    const casus_finding *f = must_find(r, "AUL", "USA", "anzus-1951", CASUS_KIND_DEFENSE, "IV");
    cr_expect_eq(f->status, CASUS_HELD, "US forces in South Korea are in the Pacific area");
    f = must_find(r, "UKG", "USA", "nato-1949", CASUS_KIND_DEFENSE, "5");
    cr_expect_eq(f->status, CASUS_FAILED, "South Korea is not US territory in the Art. 6 area");
    bool says = false;
    for (size_t i = 0; i < f->n_traces; i++)
        says |= f->traces[i].truth == CASUS_FAILED && strstr(f->traces[i].detail, "South Korea is not USA territory");
    cr_expect(says, "the trace names the place");
    casus_who_free(r);

    att.place = NULL;
    cr_assert_eq(casus_who(W, &att, CASUS_WHO_ALL, &r, &err), CASUS_OK, "%s", err.message);
    cr_expect_eq(must_find(r, "AUL", "USA", "anzus-1951", CASUS_KIND_DEFENSE, "IV")->status, CASUS_UNKNOWN);
    cr_expect_eq(must_find(r, "UKG", "USA", "nato-1949", CASUS_KIND_DEFENSE, "5")->status, CASUS_HELD);
    casus_who_free(r);

    att = (casus_attack){.attacker = cc("DRV"), .target = cc("USA"), .day = casus_day_from_ymd(1968, 1, 13),
                         .place = casus_world_place_find(W, "LAO")};
    cr_assert_eq(casus_who(W, &att, CASUS_WHO_ALL | CASUS_WHO_ABROAD, &r, &err), CASUS_OK, "%s", err.message);
    cr_expect_eq(must_find(r, "AUL", "USA", "anzus-1951", CASUS_KIND_DEFENSE, "IV")->status, CASUS_FAILED);
    casus_who_free(r);

    /* China's pledge to North Korea (1961, Art. II) is set off by an armed
     * invasion: an attack on North Korean forces in South Korea is none. */
    att = (casus_attack){.attacker = cc("USA"), .target = cc("PRK"), .day = casus_day_from_ymd(1970, 1, 1),
                         .place = casus_world_place_find(W, "ROK")};
    cr_assert_eq(casus_who(W, &att, CASUS_WHO_ALL | CASUS_WHO_ABROAD, &r, &err), CASUS_OK, "%s", err.message);
    f = must_find(r, "CHN", "PRK", "chn-prk-1961", CASUS_KIND_DEFENSE, NULL);
    cr_expect_eq(f->status, CASUS_FAILED);
    says = false;
    for (size_t i = 0; i < f->n_traces; i++)
        says |= f->traces[i].truth == CASUS_FAILED &&
                strstr(f->traces[i].detail, "the attack is on PRK's forces in South Korea, not an invasion") != NULL;
    cr_expect(says, "the trigger's trace says why");
    casus_who_free(r);
    att.place = NULL;
    cr_assert_eq(casus_who(W, &att, CASUS_WHO_ALL, &r, &err), CASUS_OK, "%s", err.message);
    cr_expect_neq(must_find(r, "CHN", "PRK", "chn-prk-1961", CASUS_KIND_DEFENSE, NULL)->status, CASUS_FAILED,
                  "an attack on North Korea itself is an invasion");
    casus_who_free(r);
}

/* The trace of finding f under `what` ("adversary", "condition", ...)
 * whose detail contains `words`, or NULL. */
static const casus_trace *trace_with(const casus_finding *f, const char *what, const char *words)
{
    for (size_t i = 0; i < f->n_traces; i++)
        if (strcmp(f->traces[i].what, what) == 0 && strstr(f->traces[i].detail, words))
            return &f->traces[i];
    return NULL;
}

/* US-Philippines Art. III: consultation when a party is threatened by
 * *external* armed attack in the Pacific area (the Chinese translation of the
 * article has 外来, "external", which the paraphrases had dropped).  An attack
 * by China on the Philippines calls for consultation; an attack by one party
 * on the other does not. */
Test(who, us_philippine_consultation_is_on_external_attack_only)
{
    casus_who_result *r = ask("CHN", "PHI", NULL, 2025, 3, 1);
    const casus_finding *f = must_find(r, "USA", "PHI", "usa-phl-1951", CASUS_KIND_CONSULTATION, "III");
    cr_expect_neq(f->status, CASUS_FAILED);
    casus_who_free(r);

    casus_attack att = {.attacker = cc("USA"), .target = cc("PHI"), .day = casus_day_from_ymd(2025, 3, 1)};
    casus_error err;
    cr_assert_eq(casus_who(W, &att, CASUS_WHO_ALL, &r, &err), CASUS_OK, "%s", err.message);
    f = must_find(r, "USA", "PHI", "usa-phl-1951", CASUS_KIND_CONSULTATION, "III");
    cr_expect_eq(f->status, CASUS_FAILED, "the attacker is the other party: no external attack");
    const casus_trace *t = NULL;
    for (size_t i = 0; i < f->n_traces && !t; i++)
        if (strcmp(f->traces[i].what, "adversary") == 0)
            t = &f->traces[i];
    cr_assert_not_null(t, "the adversary condition is traced");
    cr_expect_eq(t->truth, CASUS_FAILED);
    cr_expect(strstr(t->detail, "USA is a party to usa-phl-1951") != NULL, "%s", t->detail);
    /* The Philippines owes the United States nothing either: its adversary,
     * the Philippines itself, is no attacker from outside. */
    cr_expect_eq(must_find(r, "PHI", "USA", "usa-phl-1951", CASUS_KIND_CONSULTATION, "III")->status, CASUS_FAILED);
    casus_who_free(r);
}

/* Russia-Belarus Art. 4 para. 2(b): assistance "по согласованию главами
 * государств Сторон" and "после соответствующего официального обращения" of
 * the Party attacked.  An attack on Belarus binds Russia only on those two
 * conditions, which no attack settles: the obligation is conditional. */
Test(who, russian_assistance_to_belarus_waits_for_a_request_and_the_presidents)
{
    casus_who_result *r = ask("POL", "BLR", NULL, 2025, 6, 1);
    const casus_finding *f = must_find(r, "RUS", "BLR", "rus-blr-2024", CASUS_KIND_DEFENSE, "4");
    cr_expect_eq(f->status, CASUS_UNKNOWN, "conditional on the request and the heads of state's agreement");
    cr_expect_eq(f->obligation->timing, CASUS_TIMING_IMMEDIATE);
    const casus_trace *asks = trace_with(f, "condition", "officially asks");
    const casus_trace *agree = trace_with(f, "condition", "heads of state");
    cr_assert_not_null(asks, "the request is a condition");
    cr_assert_not_null(agree, "the heads of state's agreement is a condition");
    cr_expect_eq(asks->truth, CASUS_UNKNOWN);
    cr_expect_eq(agree->truth, CASUS_UNKNOWN);
    cr_expect(strstr(f->obligation->article->passages[0].text, "официального обращения") != NULL,
              "the article is quoted in the treaty's own words");
    casus_who_free(r);
}
