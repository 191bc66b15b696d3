/* The treaty parser: a good file, and every error with its exact
 * file:line:col text (golden), failed loads leaving the world untouched,
 * and out-of-memory at every allocation. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "casus/world.h"
#include "testutil.h"

static const char GOOD[] =
    "# two states\n"
    "treaty ex-1\n"
    "title \"Example \\\"treaty\\\"\"\n"
    "signed 2020-01-15\n"
    "in-force 2020-03\n"
    "ends never\n"
    "atop 1234 2345\n"
    "source S1 \"a source\"\n"
    "party USA 2 joined 2020-03-01\n"
    "party CAN 20 joined 2020-03-01 left 2025-06-30 \"withdrew\"\n"
    "suspend USA toward CAN from 2023-01-01 until 2023-12-31 \"paused\"\n"
    "article 2 \"Defence\"\n"
    "  text translation S1 \"agency\"\n"
    "  > If one Party is attacked,\n"
    "  >   the other shall help.   \n"
    "  rule defense\n"
    "    owed-by USA\n"
    "    owed-to CAN\n"
    "    trigger armed-attack\n"
    "    adversary one-of RUS CHN\n"
    "    place territory-of beneficiary and in north-america\n"
    "    timing immediate\n"
    "    undecidable \"not provoked\"\n"
    "  rule consultation\n"
    "    trigger threat\n"
    "    timing unspecified\n";

Test(treaty_parse, reads_a_complete_file)
{
    casus_world *w = test_world_tables();
    casus_error err;
    cr_assert_eq(casus_world_load_treaty_text(w, "ex.treaty", GOOD, strlen(GOOD), &err), CASUS_OK, "%s:%d:%d: %s",
                 err.file, err.line, err.col, err.message);
    const casus_treaty *t = casus_world_treaty_find(w, "ex-1");
    cr_assert_not_null(t);
    cr_assert_str_eq(t->title, "Example \"treaty\"");
    cr_assert_eq(t->n_atop, 2);
    cr_assert_eq(t->n_parties, 2);
    cr_assert_str_eq(t->parties[1].abb, "CAN");
    cr_assert_str_eq(t->parties[1].note, "withdrew");
    cr_assert_eq(t->in_force.start.lo, casus_day_from_ymd(2020, 3, 1));
    cr_assert_eq(t->in_force.start.hi, casus_day_from_ymd(2020, 3, 31));
    cr_assert_eq(t->n_articles, 1);
    const casus_article *a = &t->articles[0];
    cr_assert_str_eq(a->number, "2");
    cr_assert_str_eq(a->passages[0].text, "If one Party is attacked, the other shall help.");
    cr_assert_eq(a->passages[0].status, CASUS_TEXT_TRANSLATION);
    cr_assert_eq(a->n_rules, 2);
    const casus_rule *r = &a->rules[0];
    cr_assert_eq(r->kind, CASUS_KIND_DEFENSE);
    cr_assert_eq(r->n_owed_by, 1);
    cr_assert_eq(r->owed_by[0], 2);
    cr_assert_eq(r->actions, CASUS_ACT_MILITARY);
    cr_assert_eq(r->n_conds, 4);
    cr_assert_eq(r->conds[0].kind, CASUS_COND_ADVERSARY_STATES);
    cr_assert_eq(r->conds[0].n_states, 2);
    cr_assert_eq(r->conds[2].kind, CASUS_COND_PLACE_AREA);
    cr_assert_str_eq(r->conds[2].area, "north-america");
    cr_assert_eq(a->rules[1].actions, CASUS_ACT_CONSULT);
    cr_assert_null(a->rules[1].owed_by);

    cr_assert_eq(casus_world_finish(w, &err), CASUS_OK);
    /* USA->CAN defence, split by the suspension; consultation both ways. */
    size_t n_def = 0, n_con = 0;
    for (size_t i = 0; i < casus_world_obligation_count(w); i++) {
        const casus_obligation *o = casus_world_obligation_at(w, i);
        n_def += o->kind == CASUS_KIND_DEFENSE;
        n_con += o->kind == CASUS_KIND_CONSULTATION;
        if (o->kind == CASUS_KIND_DEFENSE)
            cr_assert(o->obligor == 2 && o->beneficiary == 20);
    }
    cr_assert_eq(n_def, 2, "the suspension splits the obligation in two");
    cr_assert_eq(n_con, 3, "USA->CAN split by the suspension, and CAN->USA");
    casus_world_free(w);
}

/* Each case: a file's text and the exact first line of the error. */
static const struct {
    const char *text;
    const char *expect;
} BAD[] = {
    {"", "bad.treaty:1:1: expected 'treaty ID' to open the file, found end of file"},
    {"treaty X\n", "bad.treaty:1:8: treaty id 'X' may hold only lower-case letters, digits and '-'"},
    {"treaty t\ntitle \"a\"\nsigned 2020-01-01\nin-force 2019-01-01\n",
     "bad.treaty:4:10: the treaty cannot enter into force before it was signed"},
    {"treaty t\ntitle \"a\"\nsigned 2020-01-01\nin-force 2020-02-30\n",
     "bad.treaty:4:10: 2020-02-30 is not a day of the calendar"},
    {"treaty t\ntitle \"a\"\nsigned 2020-01-01\nin-force 2020-01-02\nends 2019-01-01 lapse\n",
     "bad.treaty:5:6: the treaty cannot end before it entered into force"},
    {"treaty t\ntitle \"a\"\nsigned 2020-01-01\nin-force 2020-01-02\nends never\nparty USA joined 2020-01-02\n",
     "bad.treaty:6:11: party 'USA' needs its COW state code (a number) after the abbreviation"},
    {"treaty t\ntitle \"a\"\nsigned 2020-01-01\nin-force 2020-01-02\nends never\nparty USA 20 joined 2020-01-02\n",
     "bad.treaty:6:7: COW code 20 is CAN, not 'USA'"},
    {"treaty t\ntitle \"a\"\nsigned 2020-01-01\nin-force 2020-01-02\nends never\nparty XYZ 999 joined 2020-01-02\n",
     "bad.treaty:6:11: unknown COW state code 999"},
    {"treaty t\ntitle \"a\"\nsigned 2020-01-01\nin-force 2020-01-02\nends never\nparty USA 2 joined 2020-01-01\n",
     "bad.treaty:6:20: USA cannot join before the treaty entered into force"},
    {"treaty t\ntitle \"a\"\nsigned 2020-01-01\nin-force 2020-01-02\nends never\nparty USA 2 joined 2020-01-05 left 2020-01-04\n",
     "bad.treaty:6:36: USA cannot leave before it joined"},
    {"treaty t\ntitle \"a\"\nsigned 2020-01-01\nin-force 2020-01-02\nends never\nparty USA 2 joined 2020-01-02\nrule defense\n",
     "bad.treaty:7:1: a rule must stand under the article it encodes (no 'article' before it)"},
    {"treaty t\ntitle \"a\"\nsigned 2020-01-01\nin-force 2020-01-02\nends never\nsource S1 \"s\"\nparty USA 2 joined 2020-01-02\n"
     "article 1\ntext verbatim S2\n> x\n",
     "bad.treaty:9:15: source 'S2' is not declared (add 'source S2 \"citation\"')"},
    {"treaty t\ntitle \"a\"\nsigned 2020-01-01\nin-force 2020-01-02\nends never\nsource S1 \"s\"\nparty USA 2 joined 2020-01-02\n"
     "article 1\ntext verbatim S1\n> x\nrule defense\n owed-to XXX\n",
     "bad.treaty:12:10: unknown state 'XXX' (not in the world's state table)"},
    {"treaty t\ntitle \"a\"\nsigned 2020-01-01\nin-force 2020-01-02\nends never\nsource S1 \"s\"\nparty USA 2 joined 2020-01-02\n"
     "article 1\ntext verbatim S1\n> x\nrule defense\n owed-to CAN\n",
     "bad.treaty:12:10: 'CAN' is not a party to this treaty (declare it with 'party' first)"},
    {"treaty t\ntitle \"a\"\nsigned 2020-01-01\nin-force 2020-01-02\nends never\nsource S1 \"s\"\nparty USA 2 joined 2020-01-02\n"
     "article 1\ntext verbatim S1\n> x\nrule defense\n place in atlantis\n",
     "bad.treaty:12:11: unknown area 'atlantis' (not in world/areas.csv)"},
    {"treaty t\ntitle \"a\"\nsigned 2020-01-01\nin-force 2020-01-02\nends never\nsource S1 \"s\"\nparty USA 2 joined 2020-01-02\n"
     "article 1\ntext verbatim S1\n> x\nrule defense\n trigger armed-attack\n",
     "bad.treaty:11:1: rule defense has no 'timing'"},
    {"treaty t\ntitle \"a\"\nsigned 2020-01-01\nin-force 2020-01-02\nends never\nsource S1 \"s\"\nparty USA 2 joined 2020-01-02\n"
     "article 1\ntext verbatim S1\n> x\nrule defense\n trigger armed-attack\n trigger threat\n",
     "bad.treaty:13:2: 'trigger' given twice in one rule"},
    {"treaty t\ntitle \"a\"\nsigned 2020-01-01\nin-force 2020-01-02\nends never\nsource S1 \"s\"\nparty USA 2 joined 2020-01-02\n"
     "article 1\ntext verbatim S1\n> x\nrule alliance\n",
     "bad.treaty:11:6: unknown rule kind 'alliance' (defense, offense, neutrality, nonaggression, consultation)"},
    {"treaty t\ntitle \"unterminated\n", "bad.treaty:2:7: unterminated string"},
    {"treaty t\ntitle \"a\"\nsigned 2020-01-01\nin-force 2020-01-02\nends never\nparty USA 2 joined 2020-01-02\narticle 1\n",
     "bad.treaty:7:1: article 1 has no text (add a 'text' passage)"},
    {"treaty t\ntitle \"a\"\nsigned 2020-01-01\nin-force 2020-01-02\nends never\nparty USA 2 joined 2020-01-02\n",
     "bad.treaty:1:1: treaty t has no articles"},
    {"treaty t\ntitle \"a\"\nsigned 2020-01-01\n", "bad.treaty:1:1: treaty t lacks 'in-force'"},
    {"treaty t\nwhatever 1\n", "bad.treaty:2:1: unknown statement 'whatever'"},
};

Test(treaty_parse, errors_name_file_line_and_column)
{
    casus_world *w = test_world_tables();
    for (size_t i = 0; i < sizeof BAD / sizeof *BAD; i++) {
        casus_error err;
        casus_error_clear(&err);
        casus_status st = casus_world_load_treaty_text(w, "bad.treaty", BAD[i].text, strlen(BAD[i].text), &err);
        cr_assert_neq(st, CASUS_OK, "case %zu was accepted", i);
        expect_error_line(&err, BAD[i].expect, i);
        cr_assert_eq(casus_world_treaty_count(w), 0, "a failed load must leave the world as it was");
    }
    casus_world_free(w);
}

Test(treaty_parse, error_shows_the_line_and_a_caret)
{
    casus_world *w = test_world_tables();
    const char *text = "treaty t\ntitle \"a\"\nsigned 2020-01-01\nin-force 2020-13-01\n";
    casus_error err;
    cr_assert_eq(casus_world_load_treaty_text(w, "c.treaty", text, strlen(text), &err), CASUS_PARSE);
    char buf[1024];
    casus_error_format(&err, buf, sizeof buf);
    cr_assert_str_eq(buf, "c.treaty:4:10: 2020-13-01 is not a day of the calendar\n    in-force 2020-13-01\n             ^");
    casus_world_free(w);
}

/* A NUL byte is refused where a token starts; inside a word, string or text
 * line the treaty lexer keeps it (the string below ends at it). */
Test(treaty_parse, nul_bytes)
{
    casus_world *w = test_world_tables();
    casus_error err;
    const char at_start[] = "treaty t\ntitle \0\n";
    cr_assert_eq(casus_world_load_treaty_text(w, "n.treaty", at_start, sizeof at_start - 1, &err), CASUS_PARSE);
    cr_expect_str_eq(err.message, "NUL byte in a treaty file");
    cr_expect_eq(err.line, 2);
    cr_expect_eq(err.col, 7);
    const char inside[] = "treaty t\ntitle \"a\0b\" x\0y\n";
    cr_assert_eq(casus_world_load_treaty_text(w, "n.treaty", inside, sizeof inside - 1, &err), CASUS_PARSE);
    cr_expect_str_eq(err.message, "expected end of line, found 'x'");
    cr_expect_eq(err.col, 13);
    casus_world_free(w);
}

Test(treaty_parse, a_missing_directory_is_named)
{
    casus_world *w = test_world_tables();
    casus_error err;
    cr_assert_eq(casus_world_load_treaty_dir(w, "no-such-dir", &err), CASUS_IO);
    cr_expect_str_eq(err.file, "no-such-dir");
    cr_expect_str_eq(err.message, "cannot open the treaty directory");
    casus_world_free(w);
}

Test(treaty_parse, shipped_treaties_all_check)
{
    casus_world *w = test_world_tables();
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/treaties", source_dir());
    casus_error err;
    cr_assert_eq(casus_world_load_treaty_dir(w, dir, &err), CASUS_OK, "%s:%d:%d: %s", err.file, err.line, err.col,
                 err.message);
    cr_assert_geq(casus_world_treaty_count(w), 10);
    static const char *const ids[] = {"rus-prk-2024", "chn-prk-1961", "usa-kor-1953", "usa-jpn-1960", "nato-1949",
                                      "usa-phl-1951", "anzus-1951",   "csto-1992",    "sov-prk-1961", "rus-blr-2024"};
    for (size_t i = 0; i < 10; i++) {
        const casus_treaty *t = casus_world_treaty_find(w, ids[i]);
        cr_assert_not_null(t, "%s", ids[i]);
        for (size_t a = 0; a < t->n_articles; a++)
            cr_assert_gt(t->articles[a].n_passages, 0, "%s article %s has no text", ids[i], t->articles[a].number);
    }
    cr_assert_eq(casus_world_finish(w, &err), CASUS_OK);
    casus_world_free(w);
}


Test(treaty_parse, out_of_memory_at_every_allocation_fails_cleanly)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/world", source_dir());
    long n;
    for (n = 0;; n++) {
        fail_once f = {.countdown = -1};
        casus_world *w = NULL;
        casus_error err;
        cr_assert_eq(casus_world_create_with(fail_once_alloc, &f, &w, NULL), CASUS_OK);
        cr_assert_eq(casus_world_load_tables(w, dir, &err), CASUS_OK);
        f.countdown = n;
        casus_status st = casus_world_load_treaty_text(w, "ex.treaty", GOOD, strlen(GOOD), &err);
        if (st == CASUS_OK) {
            f.countdown = -1;
            casus_world_free(w);
            break;
        }
        cr_assert_eq(st, CASUS_NOMEM, "allocation %ld: %s", n, err.message);
        cr_assert_eq(casus_world_treaty_count(w), 0);
        f.countdown = -1;
        casus_world_free(w); /* ASan checks nothing leaks */
    }
    cr_assert_gt(n, 3, "the parse should need several allocations");
}
