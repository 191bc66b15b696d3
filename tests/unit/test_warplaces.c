/* Where the attacks of the COW wars took place (world/war-places.csv): the
 * shipped table against COW's own WhereFought, the look-up, every error
 * with its exact text (golden), and out-of-memory at every allocation. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "casus/warplaces.h"
#include "casus/wars.h"
#include "casus/world.h"
#include "testutil.h"

#define SHIPPED_ROWS 71

static casus_war_places *shipped(casus_world *w)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/world/war-places.csv", source_dir());
    casus_war_places *t = NULL;
    casus_error err;
    cr_assert_eq(casus_war_places_load_file(w, path, &t, &err), CASUS_OK, "%s:%d:%d: %s", err.file, err.line,
                 err.col, err.message);
    return t;
}

static int cc(casus_world *w, const char *abb)
{
    const casus_state *s = casus_world_state_by_abb(w, abb);
    cr_assert_not_null(s, "%s", abb);
    return s->ccode;
}

Test(war_places, the_shipped_table_and_the_look_up)
{
    casus_world *w = test_world_tables();
    casus_war_places *t = shipped(w);
    cr_assert_eq(casus_war_places_count(t), SHIPPED_ROWS);
    /* The Falklands War (COW 202): Argentina attacked the Falkland Islands,
     * British territory outside the North Atlantic Treaty's area. */
    const casus_war_place *r = casus_war_places_find(t, 202, cc(w, "ARG"), cc(w, "UKG"));
    cr_assert_not_null(r);
    cr_expect_str_eq(r->place->id, "falklands");
    cr_expect_eq(r->attacker, 0, "a row for any attacker");
    cr_expect(strstr(r->source, "WhereFought 1"), "%s", r->source);
    cr_expect_eq(casus_world_place_in_area(w, r->place, "nato-art6"), CASUS_FAILED);
    /* No row: the attack was on the target's home (Argentina's, here). */
    cr_expect_null(casus_war_places_find(t, 202, cc(w, "UKG"), cc(w, "ARG")));
    cr_expect_null(casus_war_places_find(t, 9999, cc(w, "ARG"), cc(w, "UKG")));
    cr_expect_null(casus_war_places_find(NULL, 202, cc(w, "ARG"), cc(w, "UKG")));
    /* A row naming the attacker wins over one for any attacker, and one
     * naming another attacker does not apply. */
    r = casus_war_places_find(t, 139, cc(w, "JPN"), cc(w, "USA"));
    cr_assert_not_null(r);
    cr_expect_str_eq(r->place->id, "hawaii");
    r = casus_war_places_find(t, 139, cc(w, "GMY"), cc(w, "USA"));
    cr_assert_not_null(r);
    cr_expect_str_eq(r->place->name, "Tunisia");
    cr_expect_null(casus_war_places_find(t, 139, cc(w, "ITA"), cc(w, "USA")));
    /* Laos, 1968: US forces, on Laotian territory. */
    r = casus_war_places_find(t, 170, cc(w, "DRV"), cc(w, "USA"));
    cr_assert_not_null(r);
    cr_expect_eq(r->place->sovereign, cc(w, "LAO"));
    for (size_t i = 0; i < casus_war_places_count(t); i++) {
        const casus_war_place *q = casus_war_places_at(t, i);
        cr_expect_neq(q->place, casus_world_home(w, q->target), "line %d", q->line);
        cr_expect(strstr(q->source, "http"), "line %d: a public reference", q->line);
    }
    cr_expect_null(casus_war_places_at(t, SHIPPED_ROWS));
    cr_expect_eq(casus_war_places_at(t, 0)->line, 2);
    casus_war_places_free(t);
    casus_world_free(w);
}

/* The regions of COW's WhereFought codes (Inter-State War codebook v4.0)
 * as bits: 1 W. Hemisphere, 2 Europe, 4 Africa, 6 Middle East, 7 Asia, 9
 * Oceania, 11-19 their combinations. */
enum { WH = 1, EU = 2, AF = 4, ME = 8, AS = 16, OC = 32 };
static unsigned where_regions(int code)
{
    switch (code) {
    case 1: return WH;
    case 2: return EU;
    case 4: return AF;
    case 6: return ME;
    case 7: return AS;
    case 9: return OC;
    case 11: return EU | ME;
    case 12: return EU | AS;
    case 13: return WH | AS;
    case 14: return EU | AF | ME;
    case 15: return EU | AF | ME | AS;
    case 16: return AF | ME | AS | OC;
    case 17: return AS | OC;
    case 18: return AF | ME;
    case 19: return EU | AF | ME | AS | OC;
    default: return 0;
    }
}

/* The region of a state's home by its COW code, as the war file codes
 * North Africa with the Middle East (Morocco, the Italian-Turkish war: 6);
 * Russia and Turkey span two. */
static unsigned home_regions(int ccode)
{
    if (ccode == 365)
        return EU | AS;
    if (ccode == 640)
        return EU | ME;
    return ccode < 200 ? WH : ccode < 400 ? EU : ccode < 600 ? AF : ccode < 700 ? ME : ccode < 900 ? AS : OC;
}

/* Where COW's own field decides that a state fought away from home (its
 * WhereFought lies wholly outside its home region), the table must say
 * where: every such participant of every war has a row.  And every row is
 * a war of the file, about a state COW has fighting in it (or, for Greece
 * in 1974 and New Zealand in Korea, one the directed dyadic war data have
 * fighting and the war file does not list). */
Test(war_places, every_participant_cow_has_fighting_abroad_has_a_row)
{
    casus_world *w = test_world_tables();
    casus_war_places *t = shipped(w);
    casus_wars *wars = test_wars();
    size_t flagged = 0;
    for (size_t i = 0; i < casus_wars_count(wars); i++) {
        const casus_war *war = casus_wars_at(wars, i);
        for (size_t k = 0; k < war->n_participants; k++) {
            const casus_war_participant *p = &war->participants[k];
            if (where_regions(p->where_fought) & home_regions(p->ccode))
                continue;
            flagged++;
            bool row = false;
            for (size_t j = 0; j < casus_war_places_count(t) && !row; j++) {
                const casus_war_place *q = casus_war_places_at(t, j);
                row = q->war == war->number && q->target == p->ccode;
            }
            cr_expect(row, "war %d (%s): %s fought in WhereFought region %d, not at home, and has no row", war->number,
                      war->name, p->state_name, p->where_fought);
        }
    }
    cr_expect_eq(flagged, 56, "the participants COW has fighting away from home: %zu", flagged);
    for (size_t j = 0; j < casus_war_places_count(t); j++) {
        const casus_war_place *q = casus_war_places_at(t, j);
        const casus_war *war = casus_wars_find(wars, q->war);
        cr_assert_not_null(war, "line %d: war %d", q->line, q->war);
        bool in = (q->war == 184 && q->target == cc(w, "GRC")) || (q->war == 151 && q->target == cc(w, "NEW"));
        for (size_t k = 0; k < war->n_participants; k++)
            in |= war->participants[k].ccode == q->target;
        cr_expect(in, "line %d: the target does not fight in war %d", q->line, q->war);
    }
    casus_wars_free(wars);
    casus_war_places_free(t);
    casus_world_free(w);
}

#define HDR "war,attacker,target,place,source\n"

static const struct {
    const char *text;
    const char *expect;
} BAD[] = {
    {"", "bad.csv:1:1: empty file (expected the header war,attacker,target,place,source)"},
    {"war,attacker,target\n", "bad.csv:1:1: expected 5 columns in the header, found 3"},
    {"war,attacker,state,place,source\n", "bad.csv:1:14: expected column 'target', found 'state'"},
    {HDR "202,,UKG,falklands\n", "bad.csv:2:19: expected 5 fields, found 4"},
    {HDR "x,,UKG,falklands,s\n", "bad.csv:2:1: 'x' is not a COW war number"},
    {HDR "-3,,UKG,falklands,s\n", "bad.csv:2:1: '-3' is not a COW war number"},
    {HDR "202,XXX,UKG,falklands,s\n",
     "bad.csv:2:5: unknown state 'XXX' (a COW abbreviation of world/states.csv)"},
    {HDR "202,,Britain,falklands,s\n",
     "bad.csv:2:6: unknown state 'Britain' (a COW abbreviation of world/states.csv)"},
    {HDR "202,,,falklands,s\n", "bad.csv:2:6: empty target (the state attacked)"},
    {HDR "202,UKG,UKG,falklands,s\n", "bad.csv:2:9: UKG cannot attack itself"},
    {HDR "202,,UKG,atlantis,s\n",
     "bad.csv:2:10: unknown place 'atlantis' (an id of world/places.csv, or a state's abbreviation)"},
    {HDR "202,,UKG,,s\n",
     "bad.csv:2:10: unknown place '' (an id of world/places.csv, or a state's abbreviation)"},
    {HDR "202,,UKG,UKG,s\n", "bad.csv:2:10: 'UKG' is UKG's home territory, where an attack with no row is evaluated"},
    {HDR "202,,UKG,falklands,\n", "bad.csv:2:20: empty source (COW's WhereFought and a public reference)"},
    {HDR "202,,UKG,falklands,s\n202,,UKG,ARG,s\n",
     "bad.csv:3:1: war 202, target UKG, any attacker is already given on line 2"},
    {HDR "139,JPN,USA,hawaii,s\n139,JPN,USA,TUN,s\n",
     "bad.csv:3:1: war 139, target USA, this attacker is already given on line 2"},
};

Test(war_places, errors_name_file_line_and_column)
{
    casus_world *w = test_world_tables();
    for (size_t i = 0; i < sizeof BAD / sizeof *BAD; i++) {
        casus_error err;
        casus_error_clear(&err);
        casus_war_places *t = (casus_war_places *)&err;
        cr_assert_eq(casus_war_places_parse(w, "bad.csv", BAD[i].text, strlen(BAD[i].text), &t, &err), CASUS_PARSE,
                     "case %zu", i);
        cr_assert_null(t, "case %zu", i);
        expect_error_line(&err, BAD[i].expect, i);
    }
    /* A row for any attacker and one naming the attacker may stand
     * together; the header alone is an empty table. */
    const char *ok = HDR "139,,USA,FRN,s\n139,JPN,USA,hawaii,s\n";
    casus_war_places *t = NULL;
    cr_assert_eq(casus_war_places_parse(w, "ok.csv", ok, strlen(ok), &t, NULL), CASUS_OK);
    cr_expect_str_eq(casus_war_places_find(t, 139, cc(w, "JPN"), cc(w, "USA"))->place->id, "hawaii");
    cr_expect_str_eq(casus_war_places_find(t, 139, cc(w, "GMY"), cc(w, "USA"))->place->name, "France");
    casus_war_places_free(t);
    cr_assert_eq(casus_war_places_parse(w, "hdr.csv", HDR, strlen(HDR), &t, NULL), CASUS_OK);
    cr_expect_eq(casus_war_places_count(t), 0);
    casus_war_places_free(t);
    casus_world_free(w);
}

Test(war_places, out_of_memory_at_every_allocation_fails_cleanly)
{
    fail_after f = {.left = 1L << 40};
    casus_world *w = test_world_tables_with(fail_after_alloc, &f);
    char path[4096];
    snprintf(path, sizeof path, "%s/world/war-places.csv", source_dir());
    long k;
    for (k = 0;; k++) {
        casus_war_places *t = NULL;
        casus_error err;
        f.left = k;
        casus_status st = casus_war_places_load_file(w, path, &t, &err);
        f.left = 1L << 40;
        if (st == CASUS_OK) {
            cr_assert_eq(casus_war_places_count(t), SHIPPED_ROWS);
            casus_war_places_free(t);
            break;
        }
        cr_assert_eq(st, CASUS_NOMEM, "allocation %ld: %s", k, err.message);
        cr_assert_null(t);
    }
    cr_assert_gt(k, 3, "the load should need several allocations, not %ld", k);
    casus_world_free(w);
}
