/* casus export dyads: the state-system rules, the directed ATOP flags, the
 * day spells, the writers and the command, on small hand-built worlds; and,
 * when the shared data are there, the whole 1816-2018 table against
 * peacesciencer's. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "casus/data.h"
#include "casus/export.h"
#include "testutil.h"

/* Real COW v2016 spells (states2016.csv), cut to the states used here. */
static const char STATES[] =
    "stateabb,ccode,statenme,styear,stmonth,stday,endyear,endmonth,endday,version\n"
    "USA,2,United States of America,1816,1,1,2016,12,31,2016\n"
    "CAN,20,Canada,1920,1,10,2016,12,31,2016\n"
    "CUB,40,Cuba,1902,5,20,1906,9,25,2016\n"
    "CUB,40,Cuba,1909,1,23,2016,12,31,2016\n"
    "SUR,115,Suriname,1975,11,25,2016,12,31,2016\n"
    "BEL,211,Belgium,1830,12,20,1940,5,28,2016\n"
    "BEL,211,Belgium,1945,6,26,2016,12,31,2016\n"
    "FRN,220,France,1816,1,1,1942,11,11,2016\n"
    "FRN,220,France,1944,8,25,2016,12,31,2016\n"
    "GMY,255,Germany,1816,1,1,1945,5,8,2016\n"
    "GMY,255,Germany,1990,10,3,2016,12,31,2016\n"
    "AUH,300,Austria-Hungary,1816,1,1,1918,11,12,2016\n"
    "RUS,365,Russia,1816,1,1,2016,12,31,2016\n"
    "RVN,817,Republic of Vietnam,1954,6,4,1975,4,30,2016\n";

/* Real ATOP 5.1 member rows (atop5_1m.csv) of alliances 1060 (France
 * pledges defense to Belgium, Belgium nothing: the asymmetric example of
 * peacesciencer's documentation) and 1095 (Muenchengraetz), plus one made-up
 * row: the United States joining 1060 on 1833-06-01, after Belgium and France
 * had left it on 1833-05-21 (ATOP codebook 2.7: such pairs never share the
 * alliance and are dropped). */
static const char MEMBERS[] =
    "atopid,cowid,cow4id,member,cowsys,yrent,moent,dayent,yrexit,moexit,dayexit,ineffect,bilat,phase,maxp"
    "hase,wartime,cowwar,estmode,pubsecr,secrart,proadd,futmem,speclgth,length,renounce,proren,renewlgt,t"
    "erm,termmode,termcaus,defense,offense,neutral,nonagg,consul,active,conditio,defcon,offcon,neucon,con"
    "con,defcoadv,defcoloc,defcocon,defconum,defcodem,defconpr,offcoadv,offcoloc,offcocon,offconum,offcod"
    "em,neucoadv,neucoloc,neucocon,neuconum,neucodem,neuconpr,neucoatt,concoadv,concoloc,concocon,concore"
    "q,olimob,asymm,obvary,notaiden,dipaid,terrres,seppeace,thirdcom,noothall,specthrt,statthr1,statthr2,"
    "conwtin,medarb,milcon,milaid,intcom,subord,organ1,orgpurp1,organ2,orgpurp2,base,contrib,armred,acqte"
    "rr,divgains,demwith,reflnun,refothio,natrefal,compag,nomicoop,conres,agprois,conmen,ecaid,interv,sou"
    "rce,new5,rev5,version\n"
    "1060,2014,11,211,1,1832,11,10,1833,5,21,0,1,0,0,0,0,1,0,0,0,0,0,0,0,0,0,1,5,3,0,0,0,0,0,1,0,0,0,0,0,"
    "0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1,0,0,0,1,0,0,0,4,210,0,0,0,1,0,0,0,0,0,0,0,0,0,0,0,0,"
    "1,0,0,0,0,0,0,0,0,0,0,1,0,0,5.1\n"
    "1060,2014,11,220,1,1832,11,10,1833,5,21,0,1,0,0,0,0,1,0,0,0,0,0,0,0,0,0,1,5,3,1,0,0,0,0,1,1,1,0,0,0,"
    "1,1,1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1,0,0,0,0,0,0,0,4,210,0,0,0,1,0,0,0,0,0,0,0,0,0,0,0,0,"
    "1,0,0,0,0,0,0,0,0,0,0,1,0,0,5.1\n"
    "1060,2014,11,2,1,1833,6,1,1834,12,31,0,1,0,0,0,0,1,0,0,0,0,0,0,0,0,0,1,5,3,1,0,0,0,0,1,1,1,0,0,0,1,1"
    ",1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1,0,0,0,0,0,0,0,4,210,0,0,0,1,0,0,0,0,0,0,0,0,0,0,0,0,1,0"
    ",0,0,0,0,0,0,0,0,0,1,0,0,5.1\n"
    "1095,2020,17,255,1,1833,10,15,1848,3,21,0,0,0,0,0,0,1,2,8,0,0,0,0,0,0,0,2,3,4,1,0,0,0,0,1,1,0,0,0,0,"
    "0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,"
    "0,0,0,0,0,0,0,0,0,3,1,0,0,5.1\n"
    "1095,2020,17,300,1,1833,10,15,1848,3,21,0,0,0,0,0,0,1,2,8,0,0,0,0,0,0,0,2,3,4,1,0,0,0,0,1,1,0,0,0,0,"
    "0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,"
    "0,0,0,0,0,0,0,0,0,3,1,0,0,5.1\n"
    "1095,2020,17,365,1,1833,10,15,1848,3,21,0,0,0,0,0,0,1,2,8,0,0,0,0,0,0,0,2,3,4,1,0,0,0,0,1,1,0,0,0,0,"
    "0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,"
    "0,0,0,0,0,0,0,0,0,3,1,0,0,5.1\n";

/* A hand-encoded treaty: the United States owes Canada defense from
 * 1950-06-01 to 1960-12-31, both consult each other. */
static const char TREATY[] =
    "treaty test-usa-can\n"
    "title \"A test treaty\"\n"
    "signed 1950-01-01\n"
    "in-force 1950-06-01\n"
    "ends 1960-12-31 lapse\n"
    "atop none\n"
    "source S1 \"made up for the tests\"\n"
    "party USA 2 joined 1950-06-01\n"
    "party CAN 20 joined 1950-06-01\n"
    "article 1\n"
    "  text paraphrase S1\n"
    "  > The United States defends Canada; both consult.\n"
    "  rule defense\n"
    "    owed-by USA\n"
    "    owed-to CAN\n"
    "    trigger armed-attack\n"
    "    timing immediate\n"
    "  rule consultation\n"
    "    trigger threat\n"
    "    timing unspecified\n"
    "    valid from 1955-01-01\n";

static casus_world *make_world(bool atop, bool treaty)
{
    casus_world *w = NULL;
    casus_error err;
    cr_assert_eq(casus_world_create(&w, &err), CASUS_OK);
    cr_assert_eq(casus_data_load_text(w, CASUS_DATASET_COW_STATES, "states", STATES, sizeof STATES - 1, &err),
                 CASUS_OK, "%s:%d: %s", err.file, err.line, err.message);
    if (atop)
        cr_assert_eq(casus_data_load_text(w, CASUS_DATASET_ATOP_MEMBERS, "members", MEMBERS, sizeof MEMBERS - 1, &err),
                     CASUS_OK, "%s:%d:%d: %s", err.file, err.line, err.col, err.message);
    if (treaty)
        cr_assert_eq(casus_world_load_treaty_text(w, "test.treaty", TREATY, sizeof TREATY - 1, &err), CASUS_OK,
                     "%s:%d: %s", err.file, err.line, err.message);
    cr_assert_eq(casus_world_finish(w, &err), CASUS_OK, "%s", err.message);
    return w;
}

typedef struct rows {
    casus_dyad *v;
    size_t n, cap;
} rows;

static casus_status collect(void *ud, const casus_dyad *row)
{
    rows *r = ud;
    if (r->n == r->cap) {
        r->cap = r->cap ? 2 * r->cap : 256;
        r->v = realloc(r->v, r->cap * sizeof *r->v);
        cr_assert_not_null(r->v);
    }
    r->v[r->n++] = *row;
    return CASUS_OK;
}

static rows scan(const casus_world *w, int from, int to, casus_dyads_unit unit, casus_dyads_source source,
                 unsigned flags)
{
    rows r = {0};
    casus_dyads_opts o = {.from_year = from, .to_year = to, .unit = unit, .source = source, .flags = flags};
    casus_error err;
    cr_assert_eq(casus_dyads_scan(w, &o, collect, &r, &err), CASUS_OK, "%s", err.message);
    return r;
}

/* The row of (a, b, year), or NULL. */
static const casus_dyad *find(const rows *r, int a, int b, int year)
{
    for (size_t i = 0; i < r->n; i++)
        if (r->v[i].ccode1 == a && r->v[i].ccode2 == b && r->v[i].year == year)
            return &r->v[i];
    return NULL;
}

/* The flags of the row (a, b, year), which must be there. */
static unsigned flags_at(const rows *r, int a, int b, int year)
{
    const casus_dyad *d = find(r, a, b, year);
    cr_assert_not_null(d, "no row %d,%d,%d", a, b, year);
    return d->flags;
}

static void sorted(const rows *r)
{
    for (size_t i = 1; i < r->n; i++) {
        const casus_dyad *a = &r->v[i - 1], *b = &r->v[i];
        bool lt = a->ccode1 != b->ccode1 ? a->ccode1 < b->ccode1
                  : a->ccode2 != b->ccode2 ? a->ccode2 < b->ccode2
                                           : a->start < b->start;
        cr_assert(lt, "rows %zu and %zu out of order", i - 1, i);
    }
}

Test(export, system_by_year)
{
    casus_world *w = make_world(false, true);
    rows r = scan(w, 1900, 1980, CASUS_DYADS_YEAR, CASUS_DYADS_CASUS, 0);
    sorted(&r);
    /* Year granularity: Canada is in from 1920 (entered 10 January). */
    cr_assert_not_null(find(&r, 2, 20, 1920));
    cr_assert_null(find(&r, 2, 20, 1919));
    /* Cuba's two spells: out in 1907 and 1908, in again in 1909. */
    cr_assert_not_null(find(&r, 2, 40, 1906));
    cr_assert_null(find(&r, 2, 40, 1907));
    cr_assert_null(find(&r, 40, 2, 1908));
    cr_assert_not_null(find(&r, 40, 2, 1909));
    /* Both out in 1941-1944 for Belgium (out 1940-05-28 to 1945-06-26)... */
    cr_assert_not_null(find(&r, 211, 220, 1940));
    cr_assert_null(find(&r, 211, 220, 1941));
    /* ...and France (out 1942-11-11 to 1944-08-25): in 1945 Belgium returns
     * after France, both are in. */
    cr_assert_not_null(find(&r, 220, 211, 1945));
    /* Suriname (from 1975-11-25) and South Vietnam (to 1975-04-30) share
     * 1975 but no day of it: peacesciencer's false dyad, both directions. */
    cr_assert_null(find(&r, 115, 817, 1975));
    cr_assert_null(find(&r, 817, 115, 1975));
    cr_assert_not_null(find(&r, 2, 817, 1975));
    cr_assert_not_null(find(&r, 115, 2, 1975));
    /* Germany out 1946-1989: in 1945 it shares days with Belgium? No:
     * Germany leaves 1945-05-08, Belgium returns 1945-06-26. */
    cr_assert_null(find(&r, 211, 255, 1945));
    cr_assert_not_null(find(&r, 220, 255, 1945));
    /* Every row in range, each once. */
    for (size_t i = 0; i < r.n; i++) {
        cr_assert(r.v[i].year >= 1900 && r.v[i].year <= 1980);
        cr_assert_neq(r.v[i].ccode1, r.v[i].ccode2);
    }
    free(r.v);
    rows k = scan(w, 1975, 1975, CASUS_DYADS_YEAR, CASUS_DYADS_CASUS, CASUS_DYADS_KEEP_FALSE);
    cr_assert_not_null(find(&k, 115, 817, 1975));
    cr_assert_not_null(find(&k, 817, 115, 1975));
    free(k.v);
    casus_world_free(w);
}

Test(export, carry_beyond_the_list)
{
    casus_world *w = make_world(false, true);
    rows r = scan(w, 2015, 2020, CASUS_DYADS_YEAR, CASUS_DYADS_CASUS, 0);
    cr_assert_not_null(find(&r, 2, 20, 2020));
    cr_assert_not_null(find(&r, 365, 2, 2017));
    /* 11 states alive in 2016 (all but Austria-Hungary and South Vietnam,
     * with Germany back): 9 * 8 directed pairs... count them. */
    size_t per_year = 0;
    for (size_t i = 0; i < r.n; i++)
        per_year += r.v[i].year == 2018;
    cr_assert_eq(per_year, 8u * 7u);
    free(r.v);
    rows n = scan(w, 2015, 2020, CASUS_DYADS_YEAR, CASUS_DYADS_CASUS, CASUS_DYADS_NO_CARRY);
    cr_assert_not_null(find(&n, 2, 20, 2016));
    cr_assert_null(find(&n, 2, 20, 2017));
    free(n.v);
    casus_world_free(w);
}

Test(export, flags_from_a_hand_encoded_treaty)
{
    casus_world *w = make_world(false, true);
    rows r = scan(w, 1949, 1962, CASUS_DYADS_YEAR, CASUS_DYADS_CASUS, 0);
    const unsigned A = CASUS_DYAD_ALLIANCE, D = CASUS_DYAD_DEFENSE, C = CASUS_DYAD_CONSUL;
    cr_assert_eq(flags_at(&r, 2, 20, 1949), 0u);
    /* In force from 1950-06-01: some day of 1950 counts. */
    cr_assert_eq(flags_at(&r, 2, 20, 1950), A | D);
    cr_assert_eq(flags_at(&r, 20, 2, 1950), A, "Canada owes nothing, but is an ally");
    cr_assert_eq(flags_at(&r, 2, 20, 1955), A | D | C);
    cr_assert_eq(flags_at(&r, 20, 2, 1955), A | C);
    cr_assert_eq(flags_at(&r, 20, 2, 1960), A | C);
    cr_assert_eq(flags_at(&r, 20, 2, 1961), 0u);
    cr_assert_eq(flags_at(&r, 2, 365, 1955), 0u);
    free(r.v);
    casus_world_free(w);
}

Test(export, day_spells)
{
    casus_world *w = make_world(false, true);
    rows r = scan(w, 1949, 1962, CASUS_DYADS_DAY, CASUS_DYADS_CASUS, 0);
    sorted(&r);
    const unsigned A = CASUS_DYAD_ALLIANCE, D = CASUS_DYAD_DEFENSE, C = CASUS_DYAD_CONSUL;
    casus_dyad want[] = {
        {2, 20, 1949, casus_day_from_ymd(1949, 1, 1), casus_day_from_ymd(1950, 5, 31), 0},
        {2, 20, 1950, casus_day_from_ymd(1950, 6, 1), casus_day_from_ymd(1954, 12, 31), A | D},
        {2, 20, 1955, casus_day_from_ymd(1955, 1, 1), casus_day_from_ymd(1960, 12, 31), A | D | C},
        {2, 20, 1961, casus_day_from_ymd(1961, 1, 1), casus_day_from_ymd(1962, 12, 31), 0},
    };
    size_t k = 0;
    for (size_t i = 0; i < r.n; i++) {
        if (r.v[i].ccode1 != 2 || r.v[i].ccode2 != 20)
            continue;
        cr_assert_lt(k, 4u);
        cr_assert_eq(r.v[i].start, want[k].start, "spell %zu", k);
        cr_assert_eq(r.v[i].end, want[k].end, "spell %zu", k);
        cr_assert_eq(r.v[i].flags, want[k].flags, "spell %zu", k);
        cr_assert_eq(r.v[i].year, want[k].year, "spell %zu", k);
        k++;
    }
    cr_assert_eq(k, 4u);
    /* Spells of a pair never overlap and stay within both states' spells. */
    for (size_t i = 1; i < r.n; i++)
        if (r.v[i].ccode1 == r.v[i - 1].ccode1 && r.v[i].ccode2 == r.v[i - 1].ccode2)
            cr_assert_gt(r.v[i].start, r.v[i - 1].end);
    free(r.v);

    /* Suriname and South Vietnam never share a day: no row at all. */
    rows s = scan(w, 1970, 1980, CASUS_DYADS_DAY, CASUS_DYADS_CASUS, 0);
    for (size_t i = 0; i < s.n; i++)
        cr_assert(!(s.v[i].ccode1 == 115 && s.v[i].ccode2 == 817));
    const casus_dyad *d = find(&s, 2, 817, 1970);
    cr_assert_not_null(d);
    cr_assert_eq(d->end, casus_day_from_ymd(1975, 4, 30));
    free(s.v);
    casus_world_free(w);
}

Test(export, atop_directed_flags)
{
    casus_world *w = make_world(true, true);
    rows r = scan(w, 1831, 1849, CASUS_DYADS_YEAR, CASUS_DYADS_ATOP, 0);
    const unsigned A = CASUS_DYAD_ALLIANCE, D = CASUS_DYAD_DEFENSE;
    /* peacesciencer's own example: France pledges defense to Belgium. */
    cr_assert_eq(flags_at(&r, 220, 211, 1832), A | D);
    cr_assert_eq(flags_at(&r, 211, 220, 1832), A);
    cr_assert_eq(flags_at(&r, 211, 220, 1833), A);
    cr_assert_eq(flags_at(&r, 211, 220, 1834), 0u);
    /* The United States joined after both had left, in the same year. */
    cr_assert_eq(flags_at(&r, 2, 211, 1833), 0u);
    cr_assert_eq(flags_at(&r, 220, 2, 1833), 0u);
    /* Muenchengraetz: each of three pledges defense to each other. */
    cr_assert_eq(flags_at(&r, 255, 300, 1833), A | D);
    cr_assert_eq(flags_at(&r, 365, 255, 1848), A | D);
    cr_assert_eq(flags_at(&r, 365, 255, 1849), 0u);
    /* The source ATOP leaves the hand-encoded treaty out. */
    free(r.v);
    rows t = scan(w, 1955, 1955, CASUS_DYADS_YEAR, CASUS_DYADS_ATOP, 0);
    cr_assert_eq(flags_at(&t, 2, 20, 1955), 0u);
    free(t.v);
    casus_world_free(w);
}

/* With source casus, a hand-encoded treaty naming ATOP 1060 replaces the
 * ATOP record while it is in force, as casus who does. */
static const char TREATY_1060[] =
    "treaty test-bel-frn\n"
    "title \"A made-up encoding of ATOP 1060\"\n"
    "signed 1832-11-10\n"
    "in-force 1832-11-10\n"
    "ends 1833-05-21 lapse\n"
    "atop 1060\n"
    "source S1 \"made up for the tests\"\n"
    "party BEL 211 joined 1832-11-10\n"
    "party FRN 220 joined 1832-11-10\n"
    "article 1\n"
    "  text paraphrase S1\n"
    "  > Belgium consults France.\n"
    "  rule consultation\n"
    "    owed-by BEL\n"
    "    owed-to FRN\n"
    "    trigger threat\n"
    "    timing unspecified\n";

Test(export, hand_encoded_treaty_replaces_atop_record)
{
    casus_world *w = make_world(true, false);
    casus_error err;
    cr_assert_eq(casus_world_load_treaty_text(w, "t", TREATY_1060, sizeof TREATY_1060 - 1, &err), CASUS_OK, "%s:%d: %s",
                 err.file, err.line, err.message);
    cr_assert_eq(casus_world_finish(w, &err), CASUS_OK);
    const unsigned A = CASUS_DYAD_ALLIANCE, C = CASUS_DYAD_CONSUL, D = CASUS_DYAD_DEFENSE;
    rows r = scan(w, 1832, 1833, CASUS_DYADS_YEAR, CASUS_DYADS_CASUS, 0);
    cr_assert_eq(flags_at(&r, 220, 211, 1832), A);
    cr_assert_eq(flags_at(&r, 211, 220, 1832), A | C);
    free(r.v);
    rows a = scan(w, 1832, 1833, CASUS_DYADS_YEAR, CASUS_DYADS_ATOP, 0);
    cr_assert_eq(flags_at(&a, 220, 211, 1832), A | D);
    cr_assert_eq(flags_at(&a, 211, 220, 1832), A);
    free(a.v);
    casus_world_free(w);
}

Test(export, atop_source_needs_atop)
{
    casus_world *w = make_world(false, true);
    casus_dyads_opts o = {.from_year = 1900, .to_year = 1901};
    casus_error err;
    rows r = {0};
    cr_assert_eq(casus_dyads_scan(w, &o, collect, &r, &err), CASUS_INVALID);
    cr_assert(strstr(err.message, "ATOP"), "%s", err.message);
    o.from_year = 1815;
    o.source = CASUS_DYADS_CASUS;
    cr_assert_eq(casus_dyads_scan(w, &o, collect, &r, &err), CASUS_INVALID);
    o.from_year = 1902;
    cr_assert_eq(casus_dyads_scan(w, &o, collect, &r, &err), CASUS_INVALID, "from after to");
    free(r.v);
    casus_world_free(w);

    casus_world *empty = NULL;
    cr_assert_eq(casus_world_create(&empty, &err), CASUS_OK);
    cr_assert_eq(casus_world_finish(empty, &err), CASUS_OK);
    o.from_year = 1900;
    cr_assert_eq(casus_dyads_scan(empty, &o, collect, &r, &err), CASUS_INVALID);
    cr_assert(strstr(err.message, "spells"), "%s", err.message);
    casus_world_free(empty);
}

static char *write_to_string(const casus_world *w, const casus_dyads_opts *o, casus_dyads_format f)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    casus_error err;
    cr_assert_eq(casus_dyads_write(w, o, f, fp, &err), CASUS_OK, "%s", err.message);
    fclose(fp);
    return buf;
}

#define HEAD_Y "ccode1,ccode2,year,atop_alliance,atop_defense,atop_offense,atop_neutral,atop_nonagg,atop_consul\n"
#define HEAD_D "ccode1,ccode2,start,end,atop_alliance,atop_defense,atop_offense,atop_neutral,atop_nonagg,atop_consul\n"

Test(export, csv_and_json_text)
{
    casus_world *w = make_world(false, true);
    casus_dyads_opts o = {.from_year = 1950, .to_year = 1950, .source = CASUS_DYADS_CASUS};
    char *csv = write_to_string(w, &o, CASUS_DYADS_CSV);
    const char *want = HEAD_Y "2,20,1950,1,1,0,0,0,0\n2,40,1950,0,0,0,0,0,0\n";
    cr_assert(strncmp(csv, want, strlen(want)) == 0, "%s", csv);
    cr_assert(strstr(csv, "\n20,2,1950,1,0,0,0,0,0\n"), "%s", csv);
    /* 6 states in 1950 (Germany out, Austria-Hungary gone, Suriname and South
     * Vietnam not yet in). */
    cr_assert_eq(count_of(csv, "\n"), 1u + 6u * 5u);
    free(csv);

    char *json = write_to_string(w, &o, CASUS_DYADS_JSON);
    want = "[\n{\"ccode1\":2,\"ccode2\":20,\"year\":1950,\"atop_alliance\":1,\"atop_defense\":1,"
           "\"atop_offense\":0,\"atop_neutral\":0,\"atop_nonagg\":0,\"atop_consul\":0},\n{\"ccode1\":2,";
    cr_assert(strncmp(json, want, strlen(want)) == 0, "%s", json);
    cr_assert(strcmp(json + strlen(json) - 4, "}\n]\n") == 0, "%s", json);
    free(json);

    o.unit = CASUS_DYADS_DAY;
    csv = write_to_string(w, &o, CASUS_DYADS_CSV);
    want = HEAD_D "2,20,1950-01-01,1950-05-31,0,0,0,0,0,0\n2,20,1950-06-01,1950-12-31,1,1,0,0,0,0\n";
    cr_assert(strncmp(csv, want, strlen(want)) == 0, "%s", csv);
    free(csv);
    json = write_to_string(w, &o, CASUS_DYADS_JSON);
    cr_assert(strstr(json, "{\"ccode1\":2,\"ccode2\":20,\"start\":\"1950-06-01\",\"end\":\"1950-12-31\","
                           "\"atop_alliance\":1,"), "%s", json);
    free(json);
    casus_world_free(w);
}

/* Outside the ATOP coverage the loader records, flags are NA (null). */
Test(export, na_outside_atop_years)
{
    casus_world *w = make_world(true, false);
    casus_dyads_opts o = {.from_year = 2019, .to_year = 2019};
    char *csv = write_to_string(w, &o, CASUS_DYADS_CSV);
    cr_assert(strstr(csv, "\n2,20,2019,NA,NA,NA,NA,NA,NA\n"), "%s", csv);
    free(csv);
    char *json = write_to_string(w, &o, CASUS_DYADS_JSON);
    cr_assert(strstr(json, "\"year\":2019,\"atop_alliance\":null,"), "%s", json);
    free(json);
    o.from_year = 2018;
    o.unit = CASUS_DYADS_DAY;
    csv = write_to_string(w, &o, CASUS_DYADS_CSV);
    cr_assert(strstr(csv, "\n2,20,2018-01-01,2018-12-31,0,0,0,0,0,0\n2,20,2019-01-01,2019-12-31,NA,NA,NA,NA,NA,NA\n"),
              "%s", csv);
    free(csv);
    casus_world_free(w);
}

Test(export, write_error)
{
    casus_world *w = make_world(false, true);
    FILE *fp = fopen("/dev/full", "w");
    if (!fp)
        cr_skip_test("no /dev/full");
    casus_dyads_opts o = {.from_year = 1816, .to_year = 2018, .source = CASUS_DYADS_CASUS};
    casus_error err;
    cr_assert_eq(casus_dyads_write(w, &o, CASUS_DYADS_CSV, fp, &err), CASUS_IO);
    fclose(fp);
    casus_world_free(w);
}

Test(export, out_of_memory)
{
    for (long fail_at = 0;; fail_at++) {
        casus_world *w = NULL;
        casus_error err;
        /* Memory enough to build the world; then fail_at allocations. */
        fail_after budget = {1L << 30};
        cr_assert_eq(casus_world_create_with(fail_after_alloc, &budget, &w, &err), CASUS_OK);
        cr_assert_eq(casus_data_load_text(w, CASUS_DATASET_COW_STATES, "s", STATES, sizeof STATES - 1, &err), CASUS_OK);
        cr_assert_eq(casus_world_load_treaty_text(w, "t", TREATY, sizeof TREATY - 1, &err), CASUS_OK);
        cr_assert_eq(casus_world_finish(w, &err), CASUS_OK);
        budget.left = fail_at;
        rows r = {0};
        for (int unit = 0; unit < 2; unit++) {
            casus_dyads_opts o = {.from_year = 1900, .to_year = 1990, .unit = (casus_dyads_unit)unit,
                                  .source = CASUS_DYADS_CASUS};
            casus_status st = casus_dyads_scan(w, &o, collect, &r, &err);
            cr_assert(st == CASUS_OK || st == CASUS_NOMEM, "%d", (int)st);
        }
        bool done = budget.left > 0;
        free(r.v);
        budget.left = 1L << 30;
        casus_world_free(w);
        if (done)
            break;
        cr_assert_lt(fail_at, 1000);
    }
}

Test(export, command)
{
    run_result r = run_casus("export", "dyads", "--from", "1900", NULL);
    cr_assert_eq(r.status, 2);
    cr_assert(strstr(r.err, "--directed"), "%s", r.err);
    run_free(&r);
    expect_casus_exit(2, "export", "dyads", "--directed", "--unit", "week", NULL);
    expect_casus_exit(2, "export", "dyads", "--directed", "--from", "1990", "--to", "1980", NULL);
    expect_casus_exit(2, "export", "dyads", "--directed", "--from", "1700", NULL);
    expect_casus_exit(2, "export", "tables", NULL);
    r = run_casus("export", "--help", NULL);
    cr_assert_eq(r.status, 0);
    cr_assert(strstr(r.out, "casus export dyads"));
    run_free(&r);
}

/* ---- against peacesciencer ---------------------------------------------- */

static casus_world *real_world(void)
{
    const char *dir = test_data_dir();
    casus_world *w = NULL;
    casus_error err;
    cr_assert_eq(casus_world_create(&w, &err), CASUS_OK);
    /* The data are always there (tests/meson.build sets CASUS_TEST_DATA):
     * without them this is a failure, not a skip, or the check against
     * peacesciencer would pass unseen. */
    cr_assert_eq(casus_data_load(w, dir, CASUS_DATA_COW | CASUS_DATA_ATOP, &err), CASUS_OK,
                 "datasets not readable under %s: %s:%d:%d: %s", dir, err.file, err.line, err.col, err.message);
    cr_assert_eq(casus_world_finish(w, &err), CASUS_OK);
    return w;
}

/* peacesciencer's false_cow_dyads: the 60 directed dyad-years casus derives
 * from the day spells must be exactly the 60 it ships. */
Test(export, false_dyads_equal_peacesciencers, .timeout = 60)
{
    casus_world *w = real_world();
    rows with = scan(w, 1816, 2016, CASUS_DYADS_YEAR, CASUS_DYADS_ATOP, CASUS_DYADS_KEEP_FALSE);
    rows without = scan(w, 1816, 2016, CASUS_DYADS_YEAR, CASUS_DYADS_ATOP, 0);
    cr_assert_eq(with.n - without.n, 60u);
    size_t len;
    char *text = slurp_test_data("peacesciencer/false_cow_dyads.csv", &len);
    /* Walk both tables in step: what `with` has and `without` lacks. */
    size_t j = 0, found = 0;
    for (size_t i = 0; i < with.n; i++) {
        const casus_dyad *a = &with.v[i];
        if (j < without.n && without.v[j].ccode1 == a->ccode1 && without.v[j].ccode2 == a->ccode2 &&
            without.v[j].year == a->year) {
            j++;
            continue;
        }
        char line[64];
        snprintf(line, sizeof line, "\n%d,%d,%d,1", a->ccode1, a->ccode2, a->year);
        cr_assert(strstr(text, line), "casus drops %d,%d,%d; peacesciencer does not", a->ccode1, a->ccode2, a->year);
        found++;
    }
    cr_assert_eq(found, 60u);
    free(text);
    free(with.v);
    free(without.v);
    casus_world_free(w);
}

/* The MUST-HOLD check: 1816-2018 by year against atop_ddy_1816_2018.csv.gz:
 * the same rows, and each flag agreeing on at least 99.5 % of them. */
Test(export, reproduces_peacesciencer, .timeout = 120)
{
    casus_world *w = real_world();
    rows r = scan(w, 1816, 2018, CASUS_DYADS_YEAR, CASUS_DYADS_ATOP, 0);
    char path[4096];
    snprintf(path, sizeof path, "%s/peacesciencer/atop_ddy_1816_2018.csv.gz", test_data_dir());
    gzFile gz = gzopen(path, "rb");
    cr_assert_not_null(gz, "%s", path);
    gzbuffer(gz, 1 << 17);
    char line[256];
    cr_assert_not_null(gzgets(gz, line, sizeof line));
    size_t k = 0, ref = 0, missing = 0, all = 0, agree[6] = {0};
    while (gzgets(gz, line, sizeof line)) {
        int v[9];
        cr_assert_eq(sscanf(line, "%d,%d,%d,%d,%d,%d,%d,%d,%d", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6],
                            &v[7], &v[8]),
                     9);
        ref++;
        if (k >= r.n || r.v[k].ccode1 != v[0] || r.v[k].ccode2 != v[1] || r.v[k].year != v[2]) {
            missing++;
            continue;
        }
        unsigned want = 0;
        for (int b = 0; b < 6; b++) {
            agree[b] += ((r.v[k].flags >> b) & 1u) == (unsigned)v[3 + b];
            want |= (v[3 + b] ? 1u : 0u) << b;
        }
        all += r.v[k].flags == want;
        k++;
    }
    gzclose(gz);
    cr_assert_eq(ref, 1987950u);
    cr_assert_eq(missing, 0u, "%zu peacesciencer rows not in casus's order", missing);
    cr_assert_eq(r.n, ref, "casus has %zu rows, peacesciencer %zu", r.n, ref);
    for (int b = 0; b < 6; b++)
        cr_assert_geq(agree[b] * 1000, ref * 995, "flag %d agrees on %zu of %zu rows", b, agree[b], ref);
    cr_assert_geq(all * 1000, ref * 995, "all six flags agree on %zu of %zu rows", all, ref);
    free(r.v);
    casus_world_free(w);
}
