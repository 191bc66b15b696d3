/* Alliance reliability (src/lib/reliability.c) and `casus reliability`:
 * known cases of 1914, 1939 and 1956 with their exact duties, and the
 * rates under both rules, pinned so that any change to the evaluation shows. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "casus/data.h"
#include "casus/reliability.h"
#include "casus/warplaces.h"
#include "casus/wars.h"
#include "testutil.h"

static const casus_reliability_duty *duty(const casus_reliability_case *c, int obligor, int beneficiary,
                                          casus_kind kind)
{
    for (size_t i = 0; i < c->n_duties; i++)
        if (c->duties[i].obligation->obligor == obligor && c->duties[i].obligation->beneficiary == beneficiary &&
            c->duties[i].obligation->kind == kind)
            return &c->duties[i];
    cr_assert_fail("war %d atop %d: no %s duty %d -> %d", c->war, c->atop, casus_kind_str(kind), obligor, beneficiary);
    return NULL;
}

static void expect_rate(casus_reliability_rate r, size_t invoked, size_t honoured, const char *what)
{
    cr_expect_eq(r.invoked, invoked, "%s: %zu invoked, want %zu", what, r.invoked, invoked);
    cr_expect_eq(r.honoured, honoured, "%s: %zu honoured, want %zu", what, r.honoured, honoured);
}

Test(reliability, known_cases_and_rates_bf2018)
{
    casus_world *w = test_world_full(CASUS_DATA_COW | CASUS_DATA_ATOP | CASUS_DATA_WARS);
    casus_wars *wars = test_wars();
    casus_reliability *rel = NULL;
    casus_error err;
    casus_reliability_options o = {.rule = CASUS_RELIABILITY_BF2018};
    cr_assert_eq(casus_reliability_build(w, wars, &o, &rel, &err), CASUS_OK, "%s", err.message);
    casus_reliability_options used = casus_reliability_options_used(rel);
    cr_expect_eq(used.from, 1816);
    cr_expect_eq(used.to, 2003);
    cr_expect_eq(used.conditions, CASUS_RELIABILITY_CONDITIONS_UNDECIDABLE);

    /* 1914: the Franco-Russian alliance (ATOP 1385).  Germany entered the
     * war on 1914-08-01 on Austria-Hungary's side, the same day as Russia;
     * as an initiator's ally it attacks Russia.  France owed Russia defence
     * and fought beside it from 1914-08-03. */
    const casus_reliability_case *c = casus_reliability_find(rel, 106, 1385);
    cr_assert_not_null(c);
    cr_expect(c->invoked);
    cr_expect(c->honoured);
    cr_expect_eq(c->kinds, 1u << CASUS_KIND_DEFENSE);
    cr_expect_eq(c->n_duties, 2);
    const casus_reliability_duty *d = duty(c, 220, 365, CASUS_KIND_DEFENSE);
    cr_expect_eq(d->attack.attacker, 255);
    cr_expect_eq(d->attack.target, 365);
    cr_expect_eq(d->attack.day, casus_day_from_ymd(1914, 8, 1));
    cr_expect_eq(d->role, CASUS_ROLE_DEFEND_TARGET);
    cr_expect_eq(d->status, CASUS_UNKNOWN, "ATOP's adversary condition is not decidable");
    cr_expect(d->honoured);
    cr_expect(strstr(d->why, "FRN owed RUS defence"), "%s", d->why);
    cr_expect_eq(c->n_members, 2);
    cr_expect_eq(c->members[0], 220);
    cr_expect_eq(c->members[1], 365);
    /* Its consultation pact (ATOP 1380) is a pair with members at war but
     * no pledge this count looks at. */
    c = casus_reliability_find(rel, 106, 1380);
    cr_assert_not_null(c);
    cr_expect_not(c->invoked);
    cr_expect_eq(c->n_duties, 0);

    /* 1939: the Anglo-Polish agreement (ATOP 2440): Germany attacked Poland
     * on 1939-09-01; Britain was at war from 1939-09-03. */
    c = casus_reliability_find(rel, 139, 2440);
    cr_assert_not_null(c);
    cr_expect(c->invoked && c->honoured);
    d = duty(c, 200, 290, CASUS_KIND_DEFENSE);
    cr_expect_eq(d->attack.attacker, 255);
    cr_expect_eq(d->attack.day, casus_day_from_ymd(1939, 9, 1));
    cr_expect(d->honoured);

    /* 1956: Saudi Arabia owed Egypt defence (ATOP 3305) when Britain
     * attacked on 1956-10-31, and stayed out: violated. */
    c = casus_reliability_find(rel, 155, 3305);
    cr_assert_not_null(c);
    cr_expect(c->invoked);
    cr_expect_not(c->honoured);
    d = duty(c, 670, 651, CASUS_KIND_DEFENSE);
    cr_expect_not(d->honoured);
    cr_expect(strstr(d->why, "stayed out of the war: violated"), "%s", d->why);
    cr_expect_eq(c->kinds_violated, 1u << CASUS_KIND_DEFENSE);

    /* 1956, Hungary: the Soviet attack breaks the Warsaw Pact's pledges
     * (ATOP 3285) by itself. */
    c = casus_reliability_find(rel, 156, 3285);
    cr_assert_not_null(c);
    cr_expect(c->invoked);
    cr_expect_not(c->honoured);

    /* The rates, as counted on ATOP 5.1 and COW v4.0 (docs/reliability.md
     * sets them beside the published ones). */
    expect_rate(casus_reliability_overall(rel), 226, 115, "overall");
    expect_rate(casus_reliability_by_era(rel, 0), 139, 88, "1816-1944");
    expect_rate(casus_reliability_by_era(rel, 1), 87, 27, "1945-2003");
    expect_rate(casus_reliability_by_kind(rel, CASUS_KIND_DEFENSE), 113, 33, "defense");
    expect_rate(casus_reliability_by_kind(rel, CASUS_KIND_OFFENSE), 48, 26, "offense");
    expect_rate(casus_reliability_by_kind(rel, CASUS_KIND_NEUTRALITY), 72, 64, "neutrality");
    expect_rate(casus_reliability_by_kind(rel, CASUS_KIND_NONAGGRESSION), 48, 26, "nonaggression");
    /* Every case's duties agree with its verdict. */
    for (size_t i = 0; i < casus_reliability_count(rel); i++) {
        const casus_reliability_case *k = casus_reliability_at(rel, i);
        bool all = k->n_duties > 0;
        for (size_t j = 0; j < k->n_duties; j++)
            all = all && k->duties[j].honoured;
        cr_expect_eq(k->honoured, all, "war %d atop %d", k->war, k->atop);
        cr_expect_eq(k->invoked, k->n_duties > 0);
        cr_expect(k->war_year >= 1816 && k->war_year <= 2003);
    }
    casus_reliability_free(rel);
    casus_wars_free(wars);
    casus_world_free(w);
}

static casus_war_places *war_places(casus_world *w)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/world/war-places.csv", source_dir());
    casus_war_places *t = NULL;
    casus_error err;
    cr_assert_eq(casus_war_places_load_file(w, path, &t, &err), CASUS_OK, "%s", err.message);
    return t;
}

/* The case's duty under `treaty`, or NULL. */
static const casus_reliability_duty *duty_under(const casus_reliability_case *c, const char *treaty)
{
    for (size_t i = 0; i < c->n_duties; i++)
        if (strcmp(c->duties[i].obligation->treaty->id, treaty) == 0)
            return &c->duties[i];
    return NULL;
}

/* Each attack where it took place (world/war-places.csv).  The Falklands
 * War (COW 202): Argentina attacked the Falkland Islands, British
 * territory in the South Atlantic, south of the Tropic of Cancer and so
 * outside North Atlantic Treaty Art. 6: NATO (ATOP 3180) is not set off,
 * where the attack taken at Britain's home set it off and counted it
 * violated by every ally.  Laos (COW 170): North Vietnam's attack of
 * 1968-01-13 was on US forces in Laos, which is not US territory (NATO
 * Art. 5) nor in the Pacific area (ANZUS, the US treaties with the
 * Philippines and Korea); taken at home, all four were set off.  The
 * ATOP pledges, with no place condition casus can read, stay set off, and
 * their why says where. */
Test(reliability, each_attack_where_it_took_place)
{
    casus_world *w = test_world_full(CASUS_DATA_COW | CASUS_DATA_ATOP | CASUS_DATA_WARS);
    casus_wars *wars = test_wars();
    casus_war_places *places = war_places(w);
    casus_reliability *home = NULL, *rel = NULL;
    casus_error err;
    casus_reliability_options o = {.rule = CASUS_RELIABILITY_BF2018};
    cr_assert_eq(casus_reliability_build(w, wars, &o, &home, &err), CASUS_OK, "%s", err.message);
    o.places = places;
    cr_assert_eq(casus_reliability_build(w, wars, &o, &rel, &err), CASUS_OK, "%s", err.message);
    cr_expect_eq(casus_reliability_options_used(rel).places, places);

    const casus_reliability_case *h = casus_reliability_find(home, 202, 3180), *c = casus_reliability_find(rel, 202, 3180);
    cr_assert(h && c);
    cr_expect(h->invoked && !h->honoured, "at home, Art. 5 was set off and counted violated");
    cr_expect_null(duty_under(h, "nato-1949")->attack.place);
    cr_expect_not(c->invoked, "the Falklands lie outside the Art. 6 area");
    cr_expect_eq(c->n_duties, 0);
    cr_expect(strstr(c->why, "nato-art6") && strstr(c->why, "Falkland Islands lies outside it"), "%s", c->why);
    cr_expect(strstr(c->why, "ARG attacked UKG in Falkland Islands: war-places.csv line"), "%s", c->why);
    /* The Brussels Treaty (ATOP 3130) has no place casus can read: still
     * set off, and its why names the place. */
    c = casus_reliability_find(rel, 202, 3130);
    cr_assert_not_null(c);
    cr_expect(c->invoked);
    cr_expect_str_eq(c->duties[0].attack.place->id, "falklands");
    cr_expect_not_null(c->duties[0].place_row);
    cr_expect(strstr(c->why, "when ARG attacked UKG in Falkland Islands on 1982-03-25"), "%s", c->why);

    static const int laos[] = {3180, 3210, 3215, 3240};
    for (size_t i = 0; i < 4; i++) {
        h = casus_reliability_find(home, 170, laos[i]);
        c = casus_reliability_find(rel, 170, laos[i]);
        cr_assert(h && c, "atop %d", laos[i]);
        cr_expect(h->invoked, "atop %d at home", laos[i]);
        cr_expect_not(c->invoked, "atop %d in Laos", laos[i]);
        cr_expect(strstr(c->why, "DRV attacked USA (its forces in Laos)"), "%s", c->why);
    }
    c = casus_reliability_find(rel, 170, 3270);
    cr_assert_not_null(c);
    cr_expect(c->invoked && !c->honoured);
    cr_expect(strstr(c->why, "when DRV attacked USA (its forces in Laos) on 1968-01-13"), "%s", c->why);
    /* Korea, 1950, and Cyprus, 1974: Art. 5 set off at home, not where the
     * forces were attacked. */
    cr_expect(casus_reliability_find(home, 151, 3180)->invoked);
    cr_expect_not(casus_reliability_find(rel, 151, 3180)->invoked);
    cr_expect(casus_reliability_find(home, 184, 3180)->invoked);
    cr_expect_not(casus_reliability_find(rel, 184, 3180)->invoked);

    /* Those seven cases, all violated, are the only ones that move. */
    size_t moved = 0;
    for (size_t i = 0; i < casus_reliability_count(rel); i++) {
        const casus_reliability_case *a = casus_reliability_at(home, i), *b = casus_reliability_at(rel, i);
        cr_assert(a->war == b->war && a->atop == b->atop);
        if (a->invoked != b->invoked || a->honoured != b->honoured) {
            moved++;
            cr_expect(a->invoked && !a->honoured && !b->invoked, "war %d atop %d", a->war, a->atop);
        }
    }
    cr_expect_eq(moved, 7);
    expect_rate(casus_reliability_overall(rel), 219, 115, "overall");
    expect_rate(casus_reliability_by_era(rel, 0), 139, 88, "1816-1944");
    expect_rate(casus_reliability_by_era(rel, 1), 80, 27, "1945-2003");
    expect_rate(casus_reliability_by_kind(rel, CASUS_KIND_DEFENSE), 106, 33, "defense");
    expect_rate(casus_reliability_by_kind(rel, CASUS_KIND_OFFENSE), 48, 26, "offense");
    expect_rate(casus_reliability_by_kind(rel, CASUS_KIND_NEUTRALITY), 72, 64, "neutrality");
    expect_rate(casus_reliability_by_kind(rel, CASUS_KIND_NONAGGRESSION), 48, 26, "nonaggression");
    casus_reliability_free(rel);
    casus_reliability_free(home);
    casus_war_places_free(places);
    casus_wars_free(wars);
    casus_world_free(w);
}

Test(reliability, command_leeds2000_json)
{
    run_result r = run_casus("reliability", "--rule", "leeds2000", "--format", "json", "--data", test_data_dir(), NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    json_error_t jerr;
    json_t *root = json_loads(r.out, 0, &jerr);
    cr_assert(root, "%s", jerr.text);
    cr_expect_str_eq(json_string_value(json_object_get(root, "rule")), "leeds2000");
    cr_expect_eq(json_integer_value(json_object_get(root, "from")), 1816);
    cr_expect_eq(json_integer_value(json_object_get(root, "to")), 1944);
    cr_expect_str_eq(json_string_value(json_object_get(root, "conditions")), "held");
    json_t *rates = json_object_get(root, "rates");
    json_t *all = json_object_get(rates, "overall");
    cr_expect_eq(json_integer_value(json_object_get(all, "invoked")), 73);
    cr_expect_eq(json_integer_value(json_object_get(all, "honoured")), 54);
    json_t *early = json_object_get(json_object_get(rates, "by_era"), "1816-1944");
    cr_expect_eq(json_integer_value(json_object_get(early, "invoked")), 73);
    json_t *late = json_object_get(json_object_get(rates, "by_era"), "1945-2003");
    cr_expect(json_is_null(json_object_get(late, "rate")), "no case after 1944 under leeds2000's years");
    json_t *by_type = json_object_get(rates, "by_type");
    const char *types[] = {"defense", "offense", "neutrality", "nonaggression"};
    for (int i = 0; i < 4; i++)
        cr_expect(json_is_object(json_object_get(by_type, types[i])), "by_type.%s", types[i]);
    json_t *cases = json_object_get(root, "cases");
    size_t i;
    json_t *c;
    bool seen = false;
    json_array_foreach(cases, i, c)
    {
        const char *keys[] = {"war", "atop", "members", "invoked", "honoured", "type", "why"};
        for (int k = 0; k < 7; k++)
            cr_assert(json_object_get(c, keys[k]), "case %zu lacks %s", i, keys[k]);
        /* Under leeds2000's reading the Anglo-Polish agreement is not
         * shown to be set off: ATOP codes its defence pledge as limited to
         * an adversary it does not name (docs/reliability.md). */
        if (json_integer_value(json_object_get(c, "war")) == 139 &&
            json_integer_value(json_object_get(c, "atop")) == 2440) {
            seen = true;
            cr_expect(json_is_false(json_object_get(c, "invoked")));
            cr_expect(json_is_null(json_object_get(c, "honoured")));
            cr_expect_str_eq(json_string_value(json_object_get(c, "type")), "");
            cr_expect(strstr(json_string_value(json_object_get(c, "why")), "DEFCOADV"));
        }
    }
    cr_expect(seen, "the 1939 Anglo-Polish pair is listed");
    json_decref(root);
    run_free(&r);

    r = run_casus("reliability", "--rule", "bf2018", "--from", "1945", "--format", "csv", "--data", test_data_dir(),
                  NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_expect(strncmp(r.out, "war,year,atop,members,invoked,honoured,type,why\n", 48) == 0);
    cr_expect_eq(count_of(r.out, "\n155,1956,3305,"), 1);
    cr_expect_eq(count_of(r.out, "\n106,"), 0, "--from 1945 leaves out the First World War");
    run_free(&r);

    expect_casus_exit(2, "reliability", "--rule", "leeds1999", "--data", test_data_dir(), NULL);
    expect_casus_exit(2, "reliability", "--from", "1950", "--to", "1940", "--data", test_data_dir(), NULL);
    expect_casus_exit(2, "reliability", "--conditions", "maybe", "--data", test_data_dir(), NULL);
    expect_casus_exit(2, "reliability", "stray", "--data", test_data_dir(), NULL);
}

/* The command reads world/war-places.csv by default; --war-places none
 * evaluates every attack at home, and a bad table is refused with its line
 * and column, nothing written. */
Test(reliability, command_war_places)
{
    run_result r = run_casus("reliability", "--format", "json", "--data", test_data_dir(), NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    json_t *root = json_loads(r.out, 0, NULL);
    cr_assert_not_null(root);
    cr_expect(json_is_true(json_object_get(root, "war_places")));
    json_t *late = json_object_get(json_object_get(json_object_get(root, "rates"), "by_era"), "1945-2003");
    cr_expect_eq(json_integer_value(json_object_get(late, "invoked")), 80);
    cr_expect_eq(json_integer_value(json_object_get(late, "honoured")), 27);
    size_t i;
    json_t *c;
    bool seen = false;
    json_array_foreach(json_object_get(root, "cases"), i, c)
    {
        if (json_integer_value(json_object_get(c, "war")) != 202 || json_integer_value(json_object_get(c, "atop")) != 3130)
            continue;
        seen = true;
        json_t *d = json_array_get(json_object_get(c, "duties"), 0);
        cr_expect_str_eq(json_string_value(json_object_get(d, "place")), "falklands");
    }
    cr_expect(seen);
    json_decref(root);
    run_free(&r);

    r = run_casus("reliability", "--war-places", "none", "--data", test_data_dir(), NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_expect(strstr(r.out, "every attack evaluated at the target's home territory"));
    cr_expect(strstr(r.out, "1945-2003        87 invoked    27 honoured   31.0%"), "%s", r.out + strlen(r.out) - 600);
    run_free(&r);

    char *dir = make_temp_dir(), path[4096], out[4096];
    snprintf(path, sizeof path, "%s/bad-war-places.csv", dir);
    const char *bad = "war,attacker,target,place,source\n202,,UKG,atlantis,s\n";
    cr_assert_eq(spit(path, bad, strlen(bad)), 0);
    snprintf(out, sizeof out, "%s/rel-out.txt", dir);
    r = run_casus("reliability", "--war-places", path, "--output", out, "--data", test_data_dir(), NULL);
    cr_expect_eq(r.status, 2);
    cr_expect(strstr(r.err, "bad-war-places.csv:2:10: unknown place 'atlantis'"), "%s", r.err);
    size_t n;
    char *written = slurp(out, &n);
    cr_expect_null(written, "nothing written");
    free(written);
    rm_temp_dir(dir);
    run_free(&r);
}

Test(reliability, refuses_a_world_without_the_war_data)
{
    casus_world *w = NULL;
    casus_error err;
    cr_assert_eq(casus_world_create(&w, &err), CASUS_OK);
    cr_assert_eq(casus_data_load(w, test_data_dir(), CASUS_DATA_COW, &err), CASUS_OK, "%s", err.message);
    cr_assert_eq(casus_world_finish(w, &err), CASUS_OK);
    casus_wars *wars = test_wars();
    casus_reliability *rel = (casus_reliability *)1;
    cr_expect_eq(casus_reliability_build(w, wars, NULL, &rel, &err), CASUS_INVALID);
    cr_expect_null(rel);
    cr_expect(strstr(err.message, "atop"), "%s", err.message);
    casus_reliability_options o = {.from = 1950, .to = 1940};
    cr_expect_eq(casus_reliability_build(w, wars, &o, &rel, &err), CASUS_INVALID);
    casus_wars_free(wars);
    casus_world_free(w);
}
