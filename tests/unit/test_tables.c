/* The world tables: they load, their errors name file, line and column, and
 * a failed load leaves the world as it was. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "casus/world.h"
#include "testutil.h"

static void copy_table(const char *dir, const char *name, const char *replace_from, const char *replace_to)
{
    char src[4096], dst[4096];
    snprintf(src, sizeof src, "%s/world/%s", source_dir(), name);
    snprintf(dst, sizeof dst, "%s/%s", dir, name);
    size_t len;
    char *text = slurp(src, &len);
    cr_assert_not_null(text, "%s", src);
    char *at = replace_from ? strstr(text, replace_from) : NULL;
    if (replace_from)
        cr_assert_not_null(at, "'%s' not in %s", replace_from, name);
    FILE *f = fopen(dst, "wb");
    cr_assert_not_null(f);
    if (at) {
        fwrite(text, 1, (size_t)(at - text), f);
        fputs(replace_to, f);
        fputs(at + strlen(replace_from), f);
    } else
        fwrite(text, 1, len, f);
    fclose(f);
    free(text);
}

Test(tables, shipped_tables_load)
{
    casus_world *w = NULL;
    casus_error err;
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/world", source_dir());
    cr_assert_eq(casus_world_create(&w, NULL), CASUS_OK);
    cr_assert_eq(casus_world_load_tables(w, dir, &err), CASUS_OK, "%s:%d:%d: %s", err.file, err.line, err.col,
                 err.message);
    cr_assert_eq(casus_world_state_count(w), 217);
    const casus_place *p = casus_world_place_find(w, "senkaku");
    cr_assert_not_null(p);
    cr_assert_eq(p->sovereign, 0, "sovereignty contested");
    cr_assert_eq(p->administrator, casus_world_state_by_abb(w, "JPN")->ccode);
    cr_assert_eq(casus_world_home(w, 713), casus_world_place_find(w, "taiwan"), "a home row replaces the home");
    cr_assert_eq(casus_world_place_in_area(w, casus_world_place_find(w, "hawaii"), "nato-art6"), CASUS_FAILED);
    cr_assert_eq(casus_world_place_in_area(w, casus_world_home(w, 2), "pacific-area"), CASUS_UNKNOWN);
    casus_world_free(w);
}

/* world/README.md: East and Southeast Asian and Oceanian states with a Pacific
 * coast (COW codes 710, 713, 731, 732, 740 and 800-990 except the landlocked)
 * are in the Pacific area, those that left the system included (the Republic
 * of Vietnam, 817). */
Test(tables, every_coastal_state_of_east_asia_and_oceania_is_in_the_pacific_area)
{
    casus_world *w = NULL;
    casus_error err;
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/world", source_dir());
    cr_assert_eq(casus_world_create(&w, NULL), CASUS_OK);
    cr_assert_eq(casus_world_load_tables(w, dir, &err), CASUS_OK, "%s", err.message);
    static const int named[] = {710, 713, 731, 732, 740};
    static const int landlocked[] = {812}; /* Laos */
    size_t n = 0;
    for (size_t i = 0; i < casus_world_state_count(w); i++) {
        int c = casus_world_state_at(w, i)->ccode;
        bool in = c >= 800 && c <= 990;
        for (size_t k = 0; k < sizeof named / sizeof named[0]; k++)
            in = in || c == named[k];
        for (size_t k = 0; k < sizeof landlocked / sizeof landlocked[0]; k++)
            in = in && c != landlocked[k];
        casus_truth t = casus_world_place_in_area(w, casus_world_home(w, c), "pacific-area");
        if (in)
            cr_assert_eq(t, CASUS_HELD, "state %d", c);
        else /* the United States, Canada and Russia are uncertain ("pacific-area?") */
            cr_assert_neq(t, CASUS_HELD, "state %d", c);
        n += in;
    }
    cr_assert_eq(n, 29, "the coastal states of the rule");
    cr_assert_eq(casus_world_place_in_area(w, casus_world_home(w, 817), "pacific-area"), CASUS_HELD);
    casus_world_free(w);
}

Test(tables, a_bad_row_names_its_place_and_changes_nothing)
{
    char *dir = make_temp_dir();
    copy_table(dir, "areas.csv", NULL, NULL);
    copy_table(dir, "states.csv", NULL, NULL);
    copy_table(dir, "places.csv", "hawaii,Hawaii,island,USA,USA,,pacific-area,", "hawaii,Hawaii,island,USA,USA,,atlantis,");
    casus_world *w = NULL;
    casus_error err;
    cr_assert_eq(casus_world_create(&w, NULL), CASUS_OK);
    cr_assert_eq(casus_world_load_tables(w, dir, &err), CASUS_PARSE);
    char expect[4200];
    snprintf(expect, sizeof expect, "%s/places.csv", dir);
    cr_assert_str_eq(err.file, expect);
    cr_assert_eq(err.line, 4);
    cr_assert_eq(err.col, 31);
    cr_assert_str_eq(err.message, "unknown area 'atlantis'");
    cr_assert_eq(casus_world_state_count(w), 0, "the states read before the bad row are gone again");
    cr_assert_null(casus_world_area_find(w, "nato-art6"));
    cr_assert_null(casus_world_place_find(w, "kursk"));
    /* The same world then loads the good tables. */
    char good[4096];
    snprintf(good, sizeof good, "%s/world", source_dir());
    cr_assert_eq(casus_world_load_tables(w, good, &err), CASUS_OK, "%s", err.message);
    cr_assert_eq(casus_world_state_count(w), 217);
    casus_world_free(w);
    rm_rf(dir);
    free(dir);
}
