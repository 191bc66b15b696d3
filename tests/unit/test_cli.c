/* Golden tests of the casus command: output shapes, exit codes, error
 * text, and nothing half written. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "testutil.h"

static json_t *run_json(const char *a, const char *t, const char *date, const char *place)
{
    run_result r = place ? run_casus("who", "--no-data", "-a", a, "-t", t, "-d", date, "-p", place, "-f", "json", NULL)
                         : run_casus("who", "--no-data", "-a", a, "-t", t, "-d", date, "-f", "json", NULL);
    cr_assert_eq(r.status, 0, "exit %d: %s", r.status, r.err);
    json_error_t je;
    json_t *root = json_loads(r.out, 0, &je);
    cr_assert_not_null(root, "not JSON: %s (line %d)", je.text, je.line);
    run_free(&r);
    return root;
}

static json_t *find_ob(json_t *root, const char *obligor, const char *treaty, const char *kind)
{
    json_t *obs = json_object_get(root, "obligations"), *o;
    size_t i;
    json_array_foreach(obs, i, o)
    {
        if (strcmp(json_string_value(json_object_get(o, "obligor")), obligor) == 0 &&
            strcmp(json_string_value(json_object_get(o, "treaty")), treaty) == 0 &&
            strcmp(json_string_value(json_object_get(o, "kind")), kind) == 0)
            return o;
    }
    return NULL;
}

Test(cli, who_json_has_the_documented_fields)
{
    json_t *root = run_json("ROK", "PRK", "2025-03-01", NULL);
    cr_assert(json_is_array(json_object_get(root, "obligations")));
    json_t *o = find_ob(root, "RUS", "rus-prk-2024", "defense");
    cr_assert_not_null(o);
    cr_assert_str_eq(json_string_value(json_object_get(o, "beneficiary")), "PRK");
    cr_assert_str_eq(json_string_value(json_object_get(o, "article")), "4");
    cr_assert_str_eq(json_string_value(json_object_get(o, "timing")), "immediate");
    cr_assert_gt(strlen(json_string_value(json_object_get(o, "quote"))), 50);
    json_t *conds = json_object_get(o, "conditions");
    cr_assert(json_is_array(conds) && json_array_size(conds) >= 3);
    json_t *c0 = json_array_get(conds, 0);
    cr_assert_not_null(json_object_get(c0, "condition"));
    cr_assert_not_null(json_object_get(c0, "result"));
    o = find_ob(root, "CHN", "chn-prk-1961", "defense");
    cr_assert_not_null(o);
    cr_assert_str_eq(json_string_value(json_object_get(o, "article")), "II");
    json_decref(root);
}

Test(cli, who_json_before_entry_into_force)
{
    json_t *root = run_json("ROK", "PRK", "2024-11-01", NULL);
    cr_assert_null(find_ob(root, "RUS", "rus-prk-2024", "defense"));
    cr_assert_not_null(find_ob(root, "CHN", "chn-prk-1961", "defense"));
    json_decref(root);
    root = run_json("UKR", "RUS", "2024-12-05", "kursk");
    cr_assert_not_null(find_ob(root, "PRK", "rus-prk-2024", "defense"));
    json_decref(root);
    root = run_json("PRK", "ROK", "2025-03-01", NULL);
    json_t *o = find_ob(root, "USA", "usa-kor-1953", "defense");
    cr_assert_not_null(o);
    cr_assert_str_eq(json_string_value(json_object_get(o, "article")), "III");
    cr_assert_str_eq(json_string_value(json_object_get(o, "timing")), "constitutional-processes");
    json_decref(root);
}

Test(cli, who_with_no_obligation_exits_zero)
{
    run_result r = run_casus("who", "--no-data", "-a", "BHU", "-t", "NEP", "-d", "2025-03-01", "-f", "json", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    json_t *root = json_loads(r.out, 0, NULL);
    cr_assert_eq(json_array_size(json_object_get(root, "obligations")), 0);
    cr_assert_gt(json_array_size(json_object_get(root, "rests_on")), 0, "an empty answer says what it rests on");
    json_decref(root);
    run_free(&r);
}

Test(cli, who_csv_is_one_row_per_obligation)
{
    run_result r = run_casus("who", "--no-data", "-a", "RUS", "-t", "EST", "-d", "2025-03-01", "-f", "csv", NULL);
    cr_assert_eq(r.status, 0);
    const char *head = "\"attacker\",\"target\",\"place\",\"date\",\"obligor\",\"beneficiary\",\"treaty\",\"article\",";
    cr_assert(strncmp(r.out, head, strlen(head)) == 0, "%.80s", r.out);
    json_t *root = run_json("RUS", "EST", "2025-03-01", NULL);
    size_t rows = 0;
    bool quoted = false;
    for (const char *p = r.out; *p; p++) {
        if (*p == '"')
            quoted = !quoted;
        else if (*p == '\n' && !quoted)
            rows++;
    }
    cr_assert_eq(rows - 1, json_array_size(json_object_get(root, "obligations")));
    json_decref(root);
    run_free(&r);
}

static void expect_usage_error(run_result r, const char *needle)
{
    cr_assert_eq(r.status, 2, "exit %d, stderr: %s", r.status, r.err);
    cr_assert_eq(r.out_len, 0, "nothing on stdout: %s", r.out);
    cr_assert(strstr(r.err, needle) != NULL, "stderr lacks '%s': %s", needle, r.err);
    run_free(&r);
}

Test(cli, bad_input_exits_2_with_a_message)
{
    expect_usage_error(run_casus("who", "-a", "XXX", "-t", "PRK", "-d", "2025-03-01", NULL), "unknown state 'XXX'");
    expect_usage_error(run_casus("who", "-a", "ROK", "-t", "PRK", "-d", "2025-02-30", NULL),
                       "2025-02-30 is not a day of the calendar");
    expect_usage_error(run_casus("who", "-a", "ROK", "-t", "PRK", "-d", "01/03/2025", NULL), "is not a date");
    expect_usage_error(run_casus("who", "-a", "ROK", "-t", "PRK", "-d", "1815-06-18", NULL), "before 1816-01-01");
    expect_usage_error(run_casus("who", "-a", "UKR", "-t", "USA", "-p", "kursk", "-d", "2025-03-01", NULL),
                       "Kursk oblast is not USA's");
    expect_usage_error(run_casus("who", "-a", "UKR", "-t", "RUS", "-p", "atlantis", NULL), "unknown place 'atlantis'");
    expect_usage_error(run_casus("who", "-a", "ROK", "-t", "PRK", "-f", "xml", NULL), "unknown format 'xml'");
    expect_usage_error(run_casus("who", "-a", "ROK", NULL), "--attacker and --target are required");
    expect_usage_error(run_casus("who", "--bogus", NULL), "Try 'casus who --help'");
    expect_usage_error(run_casus("frobnicate", NULL), "unknown command 'frobnicate'");
}

Test(cli, output_is_written_atomically)
{
    char *dir = make_temp_dir();
    char path[4096];
    snprintf(path, sizeof path, "%s/out.json", dir);
    run_result r = run_casus("who", "--no-data", "-a", "ROK", "-t", "PRK", "-d", "2025-03-01", "-f", "json", "-o", path, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_eq(r.out_len, 0);
    run_free(&r);
    size_t len;
    char *data = slurp(path, &len);
    cr_assert_not_null(data);
    json_t *parsed = json_loads(data, 0, NULL);
    cr_assert_not_null(parsed);
    json_decref(parsed);
    free(data);
    /* A failing run leaves the previous file untouched and no temporary behind. */
    char *before = slurp(path, NULL);
    r = run_casus("who", "-a", "ROK", "-t", "PRK", "-d", "2025-02-30", "-o", path, NULL);
    cr_assert_eq(r.status, 2);
    run_free(&r);
    char *after = slurp(path, NULL);
    cr_assert_str_eq(before, after);
    free(before);
    free(after);
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "ls %s | wc -l", dir);
    FILE *p = popen(cmd, "r");
    int files = 0;
    cr_assert_eq(fscanf(p, "%d", &files), 1);
    pclose(p);
    cr_assert_eq(files, 1, "only out.json remains");
    rm_rf(dir);
    free(dir);
}

Test(cli, treaty_check_reports_file_line_col)
{
    char *dir = make_temp_dir();
    char path[4096];
    snprintf(path, sizeof path, "%s/bad.treaty", dir);
    const char *text = "treaty bad-1\ntitle \"x\"\nsigned 2020-01-01\nin-force 2020-01-02\nends never\n"
                       "party USA 2 joined 2020-01-02\nparty CAN joined 2020-01-02\n";
    cr_assert_eq(spit(path, text, strlen(text)), 0);
    run_result r = run_casus("treaty", "check", path, NULL);
    cr_assert_eq(r.status, 2);
    char expect[4300];
    snprintf(expect, sizeof expect, "%s:7:11: party 'CAN' needs its COW state code (a number) after the abbreviation\n"
                                    "    party CAN joined 2020-01-02\n"
                                    "              ^\n", path);
    cr_assert_str_eq(r.err, expect);
    cr_assert_eq(r.out_len, 0);
    run_free(&r);
    rm_rf(dir);
    free(dir);
}

Test(cli, treaty_check_accepts_the_shipped_files)
{
    char *argv[32];
    int n = 0;
    static char bin[4096];
    snprintf(bin, sizeof bin, "%s", getenv("CASUS_BIN"));
    argv[n++] = bin;
    argv[n++] = "treaty";
    argv[n++] = "check";
    static const char *const ids[] = {"rus-prk-2024", "chn-prk-1961", "usa-kor-1953", "usa-jpn-1960", "nato-1949",
                                      "usa-phl-1951", "anzus-1951",   "csto-1992",    "sov-prk-1961", "rus-blr-2024"};
    static char paths[10][4096];
    for (int i = 0; i < 10; i++) {
        snprintf(paths[i], sizeof paths[i], "%s/treaties/%s.treaty", source_dir(), ids[i]);
        argv[n++] = paths[i];
    }
    argv[n] = NULL;
    run_result r = run_argv(argv);
    cr_assert_eq(r.status, 0, "%s", r.err);
    int oks = 0;
    for (const char *p = r.out; (p = strstr(p, ": ok: ")) != NULL; p++)
        oks++;
    cr_assert_eq(oks, 10);
    run_free(&r);
}

Test(cli, treaty_show_and_list)
{
    run_result r = run_casus("treaty", "show", "nato-1949", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.out, "Article 5") && strstr(r.out, "Article 6") && strstr(r.out, "rule defense"));
    cr_assert(strstr(r.out, "EST 366"), "every member with its code");
    run_free(&r);
    r = run_casus("treaty", "list", NULL);
    cr_assert_eq(r.status, 0);
    cr_assert(strstr(r.out, "rus-prk-2024") && strstr(r.out, "anzus-1951"));
    run_free(&r);
    expect_usage_error(run_casus("treaty", "show", "nope-1", NULL), "no treaty with id 'nope-1'");
}

/* Text wraps by characters, not bytes: a Cyrillic passage (two bytes a
 * letter) fills the line as an English one does, and no more. */
Test(cli, treaty_show_wraps_by_characters)
{
    run_result r = run_casus("treaty", "show", "csto-1992", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    size_t longest_cyrillic = 0;
    for (const char *line = r.out; *line;) {
        const char *end = strchr(line, '\n');
        if (!end)
            end = line + strlen(line);
        size_t chars = 0, nonascii = 0;
        for (const char *c = line; c < end; c++) {
            chars += ((unsigned char)*c & 0xC0) != 0x80;
            nonascii += ((unsigned char)*c & 0xC0) == 0xC0;
        }
        if (nonascii > chars / 2 && chars > longest_cyrillic)
            longest_cyrillic = chars;
        line = *end ? end + 1 : end;
    }
    /* Passages wrap at 76 columns after a 4-column indent: 80 in all. */
    cr_assert_leq(longest_cyrillic, 80, "a Cyrillic line of %zu characters", longest_cyrillic);
    cr_assert_geq(longest_cyrillic, 60, "Cyrillic lines use the width (longest %zu)", longest_cyrillic);
    run_free(&r);
}

Test(cli, help_goes_to_stdout)
{
    run_result r = run_casus("who", "--help", NULL);
    cr_assert_eq(r.status, 0);
    cr_assert(strstr(r.out, "Usage: casus who"));
    run_free(&r);
    r = run_casus(NULL);
    cr_assert_eq(r.status, 2);
    cr_assert(strstr(r.err, "Usage: casus"));
    run_free(&r);
}

/* The examples in each command's help text run, and succeed (jq's habit:
 * the manual's examples are tests). */
Test(cli, help_examples_run)
{
    /* Examples name files as a person in the source tree types them. */
    cr_assert_eq(chdir(source_dir()), 0);
    run_result top = run_casus("--help", NULL);
    cr_assert_eq(top.status, 0);
    /* The examples name files relative to the source tree (scenarios/,
     * events/), as a reader of the help would run them from a clone. */
    cr_assert_eq(chdir(source_dir()), 0);
    const char *p = strstr(top.out, "Commands:\n");
    cr_assert_not_null(p);
    size_t examples = 0;
    for (p = strchr(p, '\n') + 1; strncmp(p, "  ", 2) == 0; p = strchr(p, '\n') + 1) {
        char cmd[32];
        cr_assert_eq(sscanf(p, " %31s", cmd), 1);
        /* `data fetch` examples reach the official servers or a local mirror;
         * tests/unit/test_fetch.c runs that path against a loopback server. */
        if (strcmp(cmd, "data") == 0)
            continue;
        run_result help = run_casus(cmd, "--help", NULL);
        cr_assert_eq(help.status, 0, "%s --help", cmd);
        const char *ex = strstr(help.out, "Example");
        for (ex = ex ? strchr(ex, '\n') : NULL; ex && strncmp(ex + 1, "  casus ", 8) == 0; ex = strchr(ex + 1, '\n')) {
            char line[512];
            const char *end = strchr(ex + 1, '\n');
            snprintf(line, sizeof line, "%.*s", (int)(end - ex - 1 - 8), ex + 1 + 8);
            char *argv[32];
            static char bin[4096];
            snprintf(bin, sizeof bin, "%s", getenv("CASUS_BIN"));
            int n = 0;
            argv[n++] = bin;
            for (char *tok = strtok(line, " "); tok && n < 31; tok = strtok(NULL, " "))
                argv[n++] = tok;
            argv[n] = NULL;
            setenv("CASUS_DATA", test_data_dir(), 1);
            run_result r = run_argv(argv);
            unsetenv("CASUS_DATA");
            cr_expect_eq(r.status, 0, "example of %s failed: %s", cmd, r.err);
            run_free(&r);
            examples++;
        }
        run_free(&help);
    }
    run_free(&top);
    cr_assert_geq(examples, 1);
}

/* casus simulate: the same bytes for 1 and 2 threads, no progress bar when
 * standard error is not a terminal, and usage errors with exit 2. */
Test(cli, simulate_threads_same_bytes, .timeout = 300)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/scenarios/kursk-2024-08.scenario", source_dir());
    run_result a = run_casus("simulate", path, "--no-data", "--trials", "3000", "--format", "json", "--threads", "1",
                             NULL);
    run_result b = run_casus("simulate", path, "--no-data", "--trials", "3000", "--format", "json", "--threads", "2",
                             NULL);
    cr_assert_eq(a.status, 0, "%s", a.err);
    cr_assert_eq(b.status, 0, "%s", b.err);
    cr_expect(a.out_len == b.out_len && memcmp(a.out, b.out, a.out_len) == 0, "1 and 2 threads differ");
    cr_expect_eq(a.err_len, 0, "stderr is not a terminal, yet something was written: %s", a.err);
    const char *keys[] = {"\"scenario\"", "\"trials\": 3000", "\"seed\": 20240806", "\"states\"", "\"p_join\"",
                          "\"p_side1\"", "\"p_side2\"", "\"p_by_day\"", "\"ci95\"", "\"entry_day_quartiles\"",
                          "\"top_obligation\"", "\"war_size\"", "\"p_major_vs_major\"", "\"p_nuclear_opposed\"",
                          "\"timeline\"", "\"csto-1992\""};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        cr_expect(strstr(a.out, keys[i]) != NULL, "no %s in the JSON", keys[i]);
    run_free(&a);
    run_free(&b);
    expect_casus_exit(2, "simulate", path, "--no-data", "--trials", "0", NULL);
    expect_casus_exit(2, "simulate", NULL);
    expect_casus_exit(2, "simulate", path, "--format", "xml", NULL);
}

Test(cli, shared_options_are_taken_only_by_the_commands_that_use_them)
{
    /* --share, --treaties, --data and --no-data are parsed in one place
     * (common.c); each command takes those it uses and refuses the others. */
    expect_casus_exit(2, "wars", "list", "--treaties", "x", NULL);
    expect_casus_exit(2, "treaty", "--data", "x", "list", NULL);
    expect_casus_exit(2, "export", "dyads", "--directed", "--no-data", NULL);
    run_result r = run_casus("who", "--attacker", "ROK", "--target", "PRK", "--date", "2025-03-01", "--no-data",
                             "--treaties", "/nonexistent-casus-treaties", NULL);
    cr_expect_eq(r.status, 1);
    cr_expect(strstr(r.err, "/nonexistent-casus-treaties"), "%s", r.err);
    run_free(&r);
}
