/* casus who on historical dates, with the COW and ATOP datasets loaded:
 * the cases of docs/data.md, run through the command and read as JSON. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <string.h>

#include "testutil.h"

/* Runs `casus who` with the shared data and one more option (NULL: none),
 * and returns the parsed answer. */
static json_t *who_with(const char *attacker, const char *target, const char *date, const char *option)
{
    run_result r = run_casus("who", "--attacker", attacker, "--target", target, "--date", date, "--data",
                             test_data_dir(), "--format", "json", option, NULL);
    cr_assert_eq(r.status, 0, "casus who %s %s %s failed (%d): %s", attacker, target, date, r.status, r.err);
    json_error_t jerr;
    json_t *root = json_loads(r.out, 0, &jerr);
    cr_assert(root, "not JSON: %s", jerr.text);
    run_free(&r);
    return root;
}

static json_t *who(const char *attacker, const char *target, const char *date)
{
    return who_with(attacker, target, date, NULL);
}

/* Whether o's string field `key` is `want`; a NULL want matches anything,
 * a missing field nothing else. */
static bool field_is(json_t *o, const char *key, const char *want)
{
    const char *v = json_string_value(json_object_get(o, key));
    return !want || (v && strcmp(v, want) == 0);
}

/* The first obligation with this obligor, beneficiary, treaty and role;
 * NULL when there is none.  A NULL argument matches anything. */
static json_t *find(json_t *root, const char *obligor, const char *beneficiary, const char *treaty, const char *role)
{
    json_t *obs = json_object_get(root, "obligations");
    size_t i;
    json_t *o;
    json_array_foreach(obs, i, o) {
        if (field_is(o, "obligor", obligor) && field_is(o, "beneficiary", beneficiary) && field_is(o, "treaty", treaty) &&
            field_is(o, "role", role))
            return o;
    }
    return NULL;
}

/* The condition trace whose detail contains needle, or NULL. */
static json_t *condition_with(json_t *ob, const char *needle)
{
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(ob, "conditions"), i, c) {
        const char *detail = json_string_value(json_object_get(c, "detail"));
        if (detail && strstr(detail, needle))
            return c;
    }
    return NULL;
}

Test(history, russia_attacks_germany_1914_austria_owes_germany)
{
    json_t *root = who("RUS", "GMY", "1914-08-01");
    json_t *ob = find(root, "AUH", "GMY", "atop-1335", "defend-target");
    cr_assert(ob, "AUH owes GMY no defence under atop-1335");
    cr_expect_str_eq(json_string_value(json_object_get(ob, "kind")), "defense");
    /* ATOP codes the Dual Alliance's defence as conditional on a specific
     * adversary (DEFCOADV) without naming it: not decidable, so the
     * obligation is conditional, not binding. */
    json_t *c = condition_with(ob, "ATOP does not name");
    cr_assert(c, "no trace of the adversary condition");
    cr_expect_str_eq(json_string_value(json_object_get(c, "result")), "not decidable");
    cr_expect(strstr(json_string_value(json_object_get(c, "detail")), "adversary"));
    cr_expect_str_eq(json_string_value(json_object_get(ob, "status")), "conditional");
    cr_expect_str_eq(json_string_value(json_object_get(ob, "text_status")), "coded");
    json_t *atop = json_object_get(ob, "atop");
    cr_expect_eq(json_integer_value(json_array_get(atop, 0)), 1335);
    json_decref(root);
}

Test(history, germany_attacks_russia_1914_france_owes_russia)
{
    json_t *root = who("GMY", "RUS", "1914-08-01");
    json_t *ob = find(root, "FRN", "RUS", "atop-1385", "defend-target");
    cr_assert(ob, "FRN owes RUS no defence under atop-1385 (Franco-Russian alliance)");
    cr_expect_str_neq(json_string_value(json_object_get(ob, "status")), "not-binding");
    json_decref(root);
}

Test(history, germany_attacks_poland_1939_britain_and_france_owe_poland)
{
    json_t *root = who("GMY", "POL", "1939-09-01");
    json_t *ob = find(root, "UKG", "POL", "atop-2440", "defend-target");
    cr_assert(ob, "UKG owes POL no defence under atop-2440");
    /* Phase 1 (the guarantee of April 1939) ends on 1939-08-25; the
     * Agreement of Mutual Assistance of that day is phase 2. */
    cr_expect_eq(json_integer_value(json_object_get(ob, "phase")), 2);
    cr_expect_str_eq(json_string_value(json_object_get(ob, "article")), "phase 2");
    cr_assert(find(root, "FRN", "POL", NULL, "defend-target"), "FRN owes POL no defence");
    json_decref(root);
}

Test(history, korea_1950_united_states_owes_nothing)
{
    /* The US-ROK treaty (ATOP 3240) is signed on 1953-10-01; on 1950-06-25
     * no alliance binds the United States to South Korea. */
    json_t *root = who("PRK", "ROK", "1950-06-25");
    cr_expect_null(find(root, "USA", NULL, NULL, "defend-target"));
    json_decref(root);
}

Test(history, notes_say_what_the_answer_rests_on)
{
    json_t *root = who("RUS", "EST", "2024-06-01");
    json_t *notes = json_object_get(root, "rests_on");
    size_t i;
    json_t *n;
    bool atop = false, cow = false;
    json_array_foreach(notes, i, n) {
        const char *s = json_string_value(n);
        atop |= strstr(s, "ATOP 5.1") && strstr(s, "outside");
        cow |= strstr(s, "COW state system") && strstr(s, "outside");
    }
    cr_expect(atop, "no note that 2024 is past ATOP's end");
    cr_expect(cow, "no note that 2024 is past COW's end");
    /* NATO's hand-encoded treaty supersedes ATOP 3180 for its dates. */
    cr_expect(find(root, "USA", "EST", "nato-1949", "defend-target"));
    cr_expect_null(find(root, NULL, NULL, "atop-3180", NULL));
    json_decref(root);
}

Test(history, state_system_trace_uses_cow_spells)
{
    /* Poland signs the Declaration by United Nations (ATOP 2550) on
     * 1942-01-01, but COW has it out of the system from 1939-09-27 to
     * 1945-06-28: its pledge to Britain fails the state-system trace. */
    json_t *root = who_with("GMY", "UKG", "1942-02-01", "--all");
    json_t *ob = find(root, "POL", "UKG", "atop-2550", "defend-target");
    cr_assert(ob, "no POL -> UKG finding under atop-2550");
    cr_expect_str_eq(json_string_value(json_object_get(ob, "status")), "not-binding");
    json_t *c = condition_with(ob, "member of the state system");
    cr_assert(c);
    cr_expect_str_eq(json_string_value(json_object_get(c, "result")), "failed");
    json_decref(root);
}

Test(history, bad_data_dir_is_a_usage_error)
{
    run_result r = run_casus("who", "--attacker", "RUS", "--target", "GMY", "--date", "1914-08-01", "--data",
                             "/nonexistent/casus-data", NULL);
    cr_expect_eq(r.status, 2);
    cr_expect(strstr(r.err, "/nonexistent/casus-data"), "the error does not name the directory: %s", r.err);
    run_free(&r);
}

Test(history, no_data_skips_datasets)
{
    run_result r = run_casus("who", "--attacker", "RUS", "--target", "GMY", "--date", "1914-08-01", "--data",
                             test_data_dir(), "--no-data", "--format", "json", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_expect_null(strstr(r.out, "atop-1335"));
    cr_expect(strstr(r.out, "ATOP 5.1 alliances not loaded"));
    run_free(&r);
}

/* Past ATOP's last day an alliance it records as still in effect is not
 * taken as binding: the data stop there, so whether it holds is unknown. */
Test(history, atop_obligations_after_2018_are_not_decidable)
{
    json_t *root = who("ROK", "PRK", "2015-03-01");
    json_t *o = find(root, "CUB", "PRK", "atop-3975", "defend-target");
    cr_assert_not_null(o);
    cr_assert_str_eq(json_string_value(json_object_get(o, "status")), "binding");
    json_decref(root);
    root = who("ROK", "PRK", "2025-03-01");
    o = find(root, "CUB", "PRK", "atop-3975", "defend-target");
    cr_assert_not_null(o);
    cr_assert_str_eq(json_string_value(json_object_get(o, "status")), "conditional");
    json_t *c = condition_with(o, "ATOP's data end on 2018-12-31");
    cr_assert_not_null(c);
    cr_assert_str_eq(json_string_value(json_object_get(c, "result")), "not decidable");
    json_decref(root);
}

/* Neutrality and non-aggression pledges are reported as such, never as
 * defence: Germany's attack on Poland, 1939, where the shipped treaties
 * alone give no such pledge to check. */
Test(history, neutrality_and_nonaggression_keep_their_roles_1939)
{
    json_t *root = who("GMY", "POL", "1939-09-01");
    json_t *o = find(root, "RUS", "POL", "atop-2295", "neutral");
    cr_assert_not_null(o, "the Soviet-Polish pact of 1932: neutrality owed to Poland");
    cr_assert_str_eq(json_string_value(json_object_get(o, "kind")), "neutrality");
    o = find(root, "RUS", "GMY", "atop-2470", "refrain");
    cr_assert_not_null(o, "the German-Soviet pact of 1939: non-aggression owed to Germany");
    cr_assert_str_eq(json_string_value(json_object_get(o, "kind")), "nonaggression");
    size_t i, neutral = 0, nonagg = 0;
    json_t *ob;
    json_array_foreach(json_object_get(root, "obligations"), i, ob) {
        const char *kind = json_string_value(json_object_get(ob, "kind"));
        const char *role = json_string_value(json_object_get(ob, "role"));
        if (strcmp(kind, "neutrality") == 0) {
            neutral++;
            cr_assert(strcmp(role, "neutral") == 0 || strcmp(role, "breached") == 0, "neutrality as %s", role);
        } else if (strcmp(kind, "nonaggression") == 0) {
            nonagg++;
            cr_assert(strcmp(role, "refrain") == 0 || strcmp(role, "breached") == 0, "nonaggression as %s", role);
        }
    }
    cr_assert_gt(neutral, 0);
    cr_assert_gt(nonagg, 0);
    json_decref(root);
}
