/* The names people type for a state (casus/names.h): every kind of name
 * resolves, COW abbreviations win over ISO codes spelt the same (with a
 * note), and a miss suggests the nearest name with the exact message. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "casus/names.h"
#include "casus/world.h"
#include "testutil.h"

static casus_world *world;
static casus_names *names;

static void load(void)
{
    char path[4096];
    casus_error err;
    snprintf(path, sizeof path, "%s/world", source_dir());
    cr_assert_eq(casus_world_create(&world, NULL), CASUS_OK);
    cr_assert_eq(casus_world_load_tables(world, path, &err), CASUS_OK, "%s", err.message);
    snprintf(path, sizeof path, "%s/world/state-names.csv", source_dir());
    cr_assert_eq(casus_names_load(world, path, &names, &err), CASUS_OK, "%s:%d:%d: %s", err.file, err.line, err.col,
                 err.message);
}

static void unload(void)
{
    casus_names_free(names);
    casus_world_free(world);
}

static const char *abb_of(const char *typed)
{
    const casus_state *s = NULL;
    casus_error err;
    casus_status st = casus_names_resolve(names, world, typed, &s, NULL, &err);
    cr_assert_eq(st, CASUS_OK, "'%s': %s", typed, err.message);
    return s->abb;
}

Test(names, every_kind_of_name_resolves, .init = load, .fini = unload)
{
    static const char *const cases[][2] = {
        {"ROK", "ROK"},          {"rok", "ROK"},           {"732", "ROK"},          {"South Korea", "ROK"},
        {"republic of korea", "ROK"}, {"PRK", "PRK"},      {"DPRK", "PRK"},         {"North Korea", "PRK"},
        {"RUS", "RUS"},          {"Russian Federation", "RUS"}, {"Soviet Union", "RUS"}, {"SUN", "RUS"},
        {"SRB", "YUG"},          {"Serbia", "YUG"},        {"YUG", "YUG"},          {"DEU", "GMY"},
        {"GBR", "UKG"},          {"UK", "UKG"},            {"United Kingdom", "UKG"}, {"CHE", "SWZ"},
        {"SWE", "SWD"},          {"the gambia", "GAM"},    {"Gambia", "GAM"},       {"St Kitts & Nevis", "SKN"},
        {"Antigua and Barbuda", "AAB"}, {"Cote d'Ivoire", "CDI"}, {"Burma", "MYA"}, {"2", "USA"},
        {"U.S.", "USA"},         {"PRC", "CHN"},           {"TWN", "TAW"},          {"ZAR", "DRC"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        cr_expect_str_eq(abb_of(cases[i][0]), cases[i][1], "'%s'", cases[i][0]);
}

Test(names, a_cow_abbreviation_wins_over_an_iso_code_and_says_so, .init = load, .fini = unload)
{
    const casus_state *s = NULL;
    const char *note = NULL;
    cr_assert_eq(casus_names_resolve(names, world, "AUS", &s, &note, NULL), CASUS_OK);
    cr_assert_str_eq(s->abb, "AUS");
    cr_assert_str_eq(s->name, "Austria");
    cr_assert_str_eq(note, "AUS is the COW abbreviation of Austria; for Australia (ISO 3166 AUS) use AUL");
    cr_assert_eq(casus_names_resolve(names, world, "KOR", &s, &note, NULL), CASUS_OK);
    cr_assert_str_eq(note, "KOR is the COW abbreviation of Korea; for South Korea (ISO 3166 KOR) use ROK");
    cr_assert_eq(casus_names_resolve(names, world, "ROK", &s, &note, NULL), CASUS_OK);
    cr_assert_null(note);
}

Test(names, a_miss_suggests_the_nearest, .init = load, .fini = unload)
{
    static const char *const cases[][2] = {
        {"SERBA", "unknown state 'SERBA': did you mean YUG (Serbia)?"},
        {"Serb", "unknown state 'Serb': did you mean YUG (Serbia)?"},
        {"Britan", "unknown state 'Britan': did you mean UKG (Britain)?"},
        {"Nroth Korea", "unknown state 'Nroth Korea': did you mean PRK (North Korea)?"},
        {"RSU", "unknown state 'RSU': did you mean RUS (Russia)?"},
        {"XYZZY", "unknown state 'XYZZY' (use a COW abbreviation such as USA, RUS, PRK)"},
        {"999", "unknown state '999': no state has COW code 999"},
        {"", "no state given"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const casus_state *s = NULL;
        casus_error err;
        cr_expect_eq(casus_names_resolve(names, world, cases[i][0], &s, NULL, &err), CASUS_NOTFOUND, "'%s'",
                     cases[i][0]);
        cr_expect_str_eq(err.message, cases[i][1]);
    }
}

Test(names, iso_codes_of_a_state, .init = load, .fini = unload)
{
    cr_assert_str_eq(casus_names_iso3(names, 732), "KOR");
    cr_assert_str_eq(casus_names_iso_numeric(names, 732), "410");
    cr_assert_str_eq(casus_names_iso_numeric(names, 345), "688");
    cr_assert_str_eq(casus_names_iso_numeric(names, 2), "840");
    cr_assert_null(casus_names_iso3(names, 300), "Austria-Hungary has none");
    cr_assert_null(casus_names_iso_numeric(names, 327), "the Papal States are not the Vatican");
    cr_assert_null(casus_names_iso3(NULL, 2));
}

Test(names, without_the_table_cow_names_still_resolve, .init = load, .fini = unload)
{
    const casus_state *s = NULL;
    casus_error err;
    cr_assert_eq(casus_names_resolve(NULL, world, "North Korea", &s, NULL, &err), CASUS_OK);
    cr_assert_str_eq(s->abb, "PRK");
    cr_assert_eq(casus_names_resolve(NULL, world, "KOR", &s, NULL, &err), CASUS_OK);
    cr_assert_str_eq(s->abb, "KOR");
    cr_assert_eq(casus_names_resolve(NULL, world, "DEU", &s, NULL, &err), CASUS_NOTFOUND);
}

Test(names, a_bad_row_is_reported_with_its_place)
{
    char path[4096];
    casus_error err;
    casus_world *w = NULL;
    casus_names *n = NULL;
    snprintf(path, sizeof path, "%s/world", source_dir());
    cr_assert_eq(casus_world_create(&w, NULL), CASUS_OK);
    cr_assert_eq(casus_world_load_tables(w, path, &err), CASUS_OK);
    char *dir = make_temp_dir();
    static const char *const cases[][2] = {
        {"ccode,kind,name,source\n2,iso3,USA,x\n7,iso3,ZZZ,x\n",
         ":3:1: '7' is not the code of a state in the world tables"},
        {"ccode,kind,name,source\n2,iso2,US,x\n", ":2:3: unknown kind 'iso2' (iso3, iso3-former, name or iso-numeric)"},
        {"ccode,kind,name,source\n2,iso3,usa,x\n", ":2:8: 'usa' is not an ISO 3166 alpha-3 code"},
        {"ccode,kind,name,source\n2,iso-numeric,84,x\n", ":2:15: '84' is not an ISO 3166 numeric code (3 digits)"},
        {"ccode,kind,text,source\n", ":1:12: expected column 'name', found 'text'"},
        {"ccode,kind,name,source\n2,name,\"...\",x\n", ":2:8: a name must have 1 to 128 letters or digits"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        snprintf(path, sizeof path, "%s/names.csv", dir);
        cr_assert_eq(spit(path, cases[i][0], strlen(cases[i][0])), 0);
        cr_expect_eq(casus_names_load(w, path, &n, &err), CASUS_PARSE, "case %zu", i);
        char want[4096];
        snprintf(want, sizeof want, "%s%s", path, cases[i][1]);
        char got[4096];
        snprintf(got, sizeof got, "%s:%d:%d: %s", err.file, err.line, err.col, err.message);
        cr_expect_str_eq(got, want);
    }
    rm_temp_dir(dir);
    casus_world_free(w);
}

Test(names, out_of_memory_fails_cleanly)
{
    char path[4096];
    casus_error err;
    for (long k = 0;; k++) {
        fail_after fa = {.left = 1000000};
        casus_world *w = NULL;
        cr_assert_eq(casus_world_create_with(fail_after_alloc, &fa, &w, NULL), CASUS_OK);
        snprintf(path, sizeof path, "%s/world", source_dir());
        cr_assert_eq(casus_world_load_tables(w, path, &err), CASUS_OK);
        fa.left = k;
        casus_names *n = NULL;
        snprintf(path, sizeof path, "%s/world/state-names.csv", source_dir());
        casus_status st = casus_names_load(w, path, &n, &err);
        casus_names_free(n);
        casus_world_free(w);
        if (st == CASUS_OK)
            break;
        cr_assert_eq(st, CASUS_NOMEM, "after %ld allocations: %s", k, err.message);
    }
}

Test(names, the_command_takes_names_and_suggests)
{
    run_result r = run_casus("who", "--attacker", "South Korea", "--target", "North Korea", "--date", "2025-03-01",
                             "--no-data", "--format", "csv", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.out, "\n\"ROK\",\"PRK\",\"PRK\",\"2025-03-01\",\"RUS\",\"PRK\",\"rus-prk-2024\",\"4\""), "%s", r.out);
    run_free(&r);
    r = run_casus("who", "--attacker", "SERBA", "--target", "PRK", "--no-data", NULL);
    cr_assert_eq(r.status, 2);
    cr_assert_str_eq(r.err, "casus who: unknown state 'SERBA': did you mean YUG (Serbia)?\n"
                            "Try 'casus who --help' for more information.\n");
    cr_assert_str_eq(r.out, "");
    run_free(&r);
    r = run_casus("who", "--attacker", "AUS", "--target", "PRK", "--date", "2025-03-01", "--no-data", "--format",
                  "csv", NULL);
    cr_assert_eq(r.status, 0);
    cr_assert_str_eq(r.err, "casus who: note: AUS is the COW abbreviation of Austria; for Australia (ISO 3166 AUS) "
                            "use AUL\n");
    run_free(&r);
}
