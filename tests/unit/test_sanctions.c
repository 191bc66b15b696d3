/* The UN sanctions module: the resolution and events parsers (good files,
 * every error with its exact file:line:col text, all-or-nothing loads,
 * out-of-memory at every allocation), the shipped resolution files checked
 * against the text kept in sanctions/excerpts.txt, the check's verdicts on
 * the founding case, and golden outputs of `casus sanctions`. */
#include <criterion/criterion.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "casus/sanctions.h"
#include "testutil.h"

static const char RES[] =
    "# an example\n"
    "resolution ex-1\n"
    "symbol \"S/RES/9999 (2020)\"\n"
    "title \"Example\"\n"
    "adopted 2020-01-15\n"
    "meeting 42\n"
    "source S1 \"a source\"\n"
    "source S2 \"another\"\n"
    "paragraph 8(a) \"Arms\"\n"
    "  text verbatim S1 \"note\"\n"
    "  > Decides that all\n"
    "  >    States shall   \n"
    "  text paraphrase S2\n"
    "  > In short.\n"
    "  measure arms\n"
    "    kind ban\n"
    "    binds all-states dprk\n"
    "    flow from-dprk\n"
    "    covers arms munitions\n"
    "    from 2020-02\n"
    "    until 2021-12-31 \"ended\"\n"
    "    exempt \"food\"\n"
    "    undecidable \"a condition\"\n"
    "paragraph 5\n"
    "  text verbatim-partial S1\n"
    "  > [...] oil [...]\n"
    "  measure oil\n"
    "    kind cap\n"
    "    binds all-states\n"
    "    flow to-dprk\n"
    "    covers refined-petroleum\n"
    "    cap 500000 barrels per 12-months from 2020-02-01\n"
    "    cap 70000 tonnes per 12-months from 2020-02-01\n"
    "    cap 1000 barrels from 2020-01-15 until 2020-01-31 \"a first short period\"\n"
    "    cap unstated usd per 12-months from 2020-01-15 \"the year before\"\n"
    "  measure panel\n"
    "    kind mandate\n"
    "    binds secretary-general\n"
    "    until 2024-04-30\n";

static casus_sanctions *new_set(void)
{
    casus_sanctions *s = NULL;
    cr_assert_eq(casus_sanctions_create(NULL, NULL, &s, NULL), CASUS_OK);
    return s;
}

static casus_events *new_events(void)
{
    casus_events *ev = NULL;
    cr_assert_eq(casus_events_create(NULL, NULL, &ev, NULL), CASUS_OK);
    return ev;
}

static casus_sanctions *shipped(void)
{
    casus_sanctions *s = new_set();
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/sanctions", source_dir());
    casus_error err;
    cr_assert_eq(casus_sanctions_load_dir(s, dir, &err), CASUS_OK, "%s:%d:%d: %s", err.file, err.line, err.col,
                 err.message);
    return s;
}

static casus_events *founding(void)
{
    casus_events *ev = new_events();
    char path[4096];
    snprintf(path, sizeof path, "%s/events/rus-prk-2022.events", source_dir());
    casus_error err;
    cr_assert_eq(casus_events_load_file(ev, path, &err), CASUS_OK, "%s:%d:%d: %s", err.file, err.line, err.col,
                 err.message);
    return ev;
}

Test(sanctions_parse, reads_a_complete_file)
{
    casus_sanctions *s = new_set();
    casus_error err;
    cr_assert_eq(casus_sanctions_load_text(s, "ex.sanctions", RES, strlen(RES), &err), CASUS_OK, "%d:%d: %s",
                 err.line, err.col, err.message);
    cr_assert_eq(casus_sanctions_count(s), 1);
    const casus_resolution *r = casus_sanctions_at(s, 0);
    cr_expect_str_eq(r->id, "ex-1");
    cr_expect_str_eq(r->symbol, "S/RES/9999 (2020)");
    cr_expect_eq(r->adopted, casus_day_from_ymd(2020, 1, 15));
    cr_expect_eq(r->meeting, 42);
    cr_assert_eq(r->n_sources, 2);
    cr_assert_eq(r->n_paragraphs, 2);
    const casus_paragraph *p = &r->paragraphs[0];
    cr_expect_str_eq(p->number, "8(a)");
    cr_expect_str_eq(p->title, "Arms");
    cr_assert_eq(p->n_passages, 2);
    cr_expect_str_eq(p->passages[0].text, "Decides that all States shall   ");
    cr_expect_eq(p->passages[0].status, CASUS_TEXT_VERBATIM);
    cr_expect_str_eq(p->passages[0].source, "S1");
    cr_expect_str_eq(p->passages[0].note, "note");
    cr_expect_eq(p->passages[1].status, CASUS_TEXT_PARAPHRASE);
    cr_assert_eq(p->n_measures, 1);
    const casus_measure *m = &p->measures[0];
    cr_expect_str_eq(m->id, "arms");
    cr_expect_eq(m->kind, CASUS_MEASURE_BAN);
    cr_expect_eq(m->flow, CASUS_FLOW_FROM_DPRK);
    cr_expect_eq(m->covers, (1u << CASUS_WHAT_ARMS) | (1u << CASUS_WHAT_MUNITIONS));
    cr_assert_eq(m->n_binds, 2);
    cr_expect_str_eq(m->binds[1], "dprk");
    cr_expect_eq(m->in_force.start.lo, casus_day_from_ymd(2020, 2, 1));
    cr_expect_eq(m->in_force.start.hi, casus_day_from_ymd(2020, 2, 29));
    cr_expect_eq(m->in_force.end.hi, casus_day_from_ymd(2021, 12, 31));
    cr_expect_str_eq(m->end_note, "ended");
    cr_assert_eq(m->n_exempt, 1);
    cr_assert_eq(m->n_undecidable, 1);
    cr_expect_str_eq(m->undecidable[0], "a condition");
    const casus_measure *cap = &r->paragraphs[1].measures[0];
    cr_expect_eq(cap->kind, CASUS_MEASURE_CAP);
    cr_assert_eq(cap->n_caps, 4);
    cr_expect_eq(cap->caps[0].limit, 500000);
    cr_expect_str_eq(cap->caps[0].unit, "barrels");
    cr_expect_eq(cap->caps[0].from, casus_day_from_ymd(2020, 2, 1));
    cr_expect_eq(cap->caps[0].until, CASUS_DAY_NEVER_AFTER, "12-month periods");
    cr_expect_str_eq(cap->caps[1].unit, "tonnes");
    cr_expect_eq(cap->caps[2].limit, 1000);
    cr_expect_eq(cap->caps[2].until, casus_day_from_ymd(2020, 1, 31));
    cr_expect_str_eq(cap->caps[2].note, "a first short period");
    cr_expect_eq(cap->caps[3].limit, CASUS_CAP_UNSTATED);
    cr_expect_str_eq(cap->caps[3].note, "the year before");
    cr_expect_eq(cap->in_force.start.lo, casus_day_from_ymd(2020, 1, 15), "from defaults to adoption");
    cr_expect(casus_span_is_open(cap->in_force.end));
    const casus_measure *panel = &r->paragraphs[1].measures[1];
    cr_expect_eq(panel->kind, CASUS_MEASURE_MANDATE);
    cr_expect_eq(casus_sanctions_monitoring_end(s), casus_day_from_ymd(2024, 4, 30));
    casus_sanctions_free(s);
}

static const struct {
    const char *text;
    const char *expect;
} BAD_RES[] = {
    {"", "bad.sanctions:1:1: expected 'resolution ID' as the first statement, found end of file"},
    {"resolution x\nsymbol \"S/RES/1\"\ntitle \"t\"\nadopted 2020-01-01\nparagraph 1\n",
     "bad.sanctions:5:1: paragraph 1 has no text: quote it with 'text STATUS SOURCE'"},
    {"resolution x\nsymbol \"RES/1\"\n",
     "bad.sanctions:2:8: a resolution's symbol starts with S/RES/ (\"S/RES/1718 (2006)\")"},
    {"resolution x\nsymbol \"S/RES/1\"\ntitle \"t\"\nadopted 2020-01-01\nparagraph 1\n  text verbatim K\n  > x\n",
     "bad.sanctions:6:17: source 'K' is not declared (declare it with 'source' before the first paragraph)"},
    {"resolution x\nsymbol \"S/RES/1\"\ntitle \"t\"\nadopted 2020-01-01\nsource K \"k\"\nparagraph 1\n"
     "  text coded K\n  > x\n",
     "bad.sanctions:7:8: unknown text status 'coded' (verbatim, verbatim-partial, translation, paraphrase)"},
    {"resolution x\nsymbol \"S/RES/1\"\ntitle \"t\"\nadopted 2020-01-01\nsource K \"k\"\nparagraph 1\n"
     "  text verbatim K\n",
     "bad.sanctions:7:3: a 'text' needs at least one '>' line beneath it"},
    {"resolution x\nsymbol \"S/RES/1\"\ntitle \"t\"\nadopted 2020-01-01\nsource K \"k\"\nparagraph 1\n"
     "  text verbatim K\n  > x\n  measure m\n    kind ban\n    binds all-states\n    flow to-dprk\n",
     "bad.sanctions:9:3: measure 'm' needs 'covers' (what it prohibits or caps)"},
    {"resolution x\nsymbol \"S/RES/1\"\ntitle \"t\"\nadopted 2020-01-01\nsource K \"k\"\nparagraph 1\n"
     "  text verbatim K\n  > x\n  measure m\n    kind ban\n    covers arms oil\n",
     "bad.sanctions:11:17: unknown kind of exchange 'oil' (see docs/sanctions.md)"},
    {"resolution x\nsymbol \"S/RES/1\"\ntitle \"t\"\nadopted 2020-01-01\nsource K \"k\"\nparagraph 1\n"
     "  text verbatim K\n  > x\n  measure m\n    kind ban\n    from 2019-12-31\n",
     "bad.sanctions:11:10: a measure cannot take effect before its resolution was adopted"},
    {"resolution x\nsymbol \"S/RES/1\"\ntitle \"t\"\nadopted 2020-01-01\nsource K \"k\"\nparagraph 1\n"
     "  text verbatim K\n  > x\n  measure m\n    kind ban\n    kind cap\n",
     "bad.sanctions:11:5: 'kind' given twice in measure 'm'"},
    {"resolution x\nsymbol \"S/RES/1\"\ntitle \"t\"\nadopted 2020-01-01\nsource K \"k\"\nparagraph 1\n"
     "  text verbatim K\n  > x\n  measure m\n    kind cap\n    binds all-states\n    flow to-dprk\n"
     "    covers crude-oil\n    cap 10 barrels per year from 2020-01-01\n",
     "bad.sanctions:14:24: expected '12-months' (the only repeating period casus knows), found 'year'"},
    {"resolution x\nsymbol \"S/RES/1\"\ntitle \"t\"\nadopted 2020-01-01\nsource K \"k\"\nparagraph 1\n"
     "  text verbatim K\n  > x\n  measure m\n    kind cap\n    binds all-states\n    flow to-dprk\n"
     "    covers crude-oil\n    cap unstated barrels per 12-months from 2020-01-01\n",
     "bad.sanctions:14:9: an unstated cap needs a note saying how the resolution sets it"},
    {"resolution x\nsymbol \"S/RES/1\"\ntitle \"t\"\nadopted 2020-01-01\nsource K \"k\"\nparagraph 1\n"
     "  text verbatim K\n  > x\n  measure m\n    kind cap\n    binds all-states\n    flow to-dprk\n"
     "    covers crude-oil\n    cap 5 barrels from 2020-03-01 until 2020-02-01\n",
     "bad.sanctions:14:41: a cap's period cannot end before it begins"},
    {"resolution x\nsymbol \"S/RES/1\"\ntitle \"t\"\nadopted 2020-01-01\nsource K \"k\"\nparagraph 1\n"
     "  text verbatim K\n  > x\n  measure m\n    kind cap\n    binds all-states\n    flow to-dprk\n"
     "    covers crude-oil\n    cap 5 barrels from 2020-01-01 until 2020-12-31\n"
     "    cap 9 barrels per 12-months from 2020-06-01\n",
     "bad.sanctions:15:9: measure 'm' has two limits in barrels for the same days (the other on line 14)"},
    {"resolution x\nsymbol \"S/RES/1\"\ntitle \"t\"\nadopted 2020-01-01\nsource K \"k\"\nparagraph 1\n"
     "  text verbatim K\n  > x\n  measure m\n    kind cap\n    binds all-states\n    flow to-dprk\n"
     "    covers crude-oil\n    cap 5 barrels from 2020-01\n",
     "bad.sanctions:14:24: the first day of a cap's period must be a full date (YYYY-MM-DD)"},
    {"resolution x\nsymbol \"S/RES/1\"\ntitle \"t\"\nadopted 2020-01-01\nsource K \"k\"\nparagraph 1\n"
     "  text verbatim K\n  > x\n  measure m\n    kind cap\n    binds all-states\n    flow to-dprk\n"
     "    covers crude-oil\n",
     "bad.sanctions:9:3: measure 'm' is a cap: give 'cap N UNIT per 12-months from DATE' or 'cap N UNIT from DATE "
     "until DATE'"},
    {"resolution x\nsymbol \"S/RES/1\"\ntitle \"t\"\nadopted 2020-01-01\ncovers arms\n",
     "bad.sanctions:5:1: 'covers' must stand under a 'measure'"},
    {"resolution x\nsymbol \"S/RES/1\"\nparagraph 1\n",
     "bad.sanctions:3:1: give 'symbol', 'title' and 'adopted' before the first paragraph"},
};

Test(sanctions_parse, errors_name_file_line_and_column)
{
    casus_sanctions *s = new_set();
    for (size_t i = 0; i < sizeof BAD_RES / sizeof *BAD_RES; i++) {
        casus_error err;
        casus_error_clear(&err);
        casus_status st = casus_sanctions_load_text(s, "bad.sanctions", BAD_RES[i].text, strlen(BAD_RES[i].text), &err);
        cr_assert_neq(st, CASUS_OK, "case %zu was accepted", i);
        expect_error_line(&err, BAD_RES[i].expect, i);
        cr_assert_eq(casus_sanctions_count(s), 0, "a failed load must leave the set as it was");
    }
    casus_sanctions_free(s);
}

Test(sanctions_parse, a_second_load_of_the_same_resolution_is_refused)
{
    casus_sanctions *s = new_set();
    casus_error err;
    cr_assert_eq(casus_sanctions_load_text(s, "a.sanctions", RES, strlen(RES), &err), CASUS_OK);
    cr_assert_eq(casus_sanctions_load_text(s, "b.sanctions", RES, strlen(RES), &err), CASUS_PARSE);
    cr_expect_str_eq(err.message, "resolution 'ex-1' is already loaded (from a.sanctions)");
    cr_expect_eq(err.line, 2);
    cr_expect_eq(casus_sanctions_count(s), 1);
    casus_sanctions_free(s);
}

/* ---- the shipped resolution files ------------------------------------------------- */

Test(sanctions_files, each_resolution_parses_with_symbol_source_and_status)
{
    casus_sanctions *s = shipped();
    static const char *const symbols[] = {"S/RES/1718 (2006)", "S/RES/1874 (2009)", "S/RES/2087 (2013)",
                                          "S/RES/2094 (2013)", "S/RES/2270 (2016)", "S/RES/2321 (2016)",
                                          "S/RES/2371 (2017)", "S/RES/2375 (2017)", "S/RES/2397 (2017)"};
    cr_assert_eq(casus_sanctions_count(s), 9);
    for (size_t i = 0; i < 9; i++) {
        const casus_resolution *r = casus_sanctions_at(s, i);
        cr_expect_str_eq(r->symbol, symbols[i]);
        cr_assert_gt(r->n_paragraphs, 0, "%s", r->symbol);
        for (size_t p = 0; p < r->n_paragraphs; p++) {
            const casus_paragraph *par = &r->paragraphs[p];
            cr_assert_gt(par->n_passages, 0, "%s paragraph %s", r->symbol, par->number);
            for (size_t k = 0; k < par->n_passages; k++) {
                const casus_passage *ps = &par->passages[k];
                cr_expect(ps->status != CASUS_TEXT_CODED, "%s %s", r->symbol, par->number);
                bool declared = false;
                for (size_t j = 0; j < r->n_sources; j++)
                    declared |= strcmp(r->sources[j].key, ps->source) == 0;
                cr_expect(declared, "%s paragraph %s cites an undeclared source", r->symbol, par->number);
                cr_expect_gt(strlen(ps->text), 10);
            }
        }
    }
    /* The panel of experts: established by 1874 paragraph 26, mandated to 2024-04-30. */
    const casus_resolution *r1874 = casus_sanctions_at(s, 1);
    const casus_measure *panel = NULL;
    for (size_t p = 0; p < r1874->n_paragraphs; p++)
        if (strcmp(r1874->paragraphs[p].number, "26") == 0)
            panel = &r1874->paragraphs[p].measures[0];
    cr_assert_not_null(panel);
    cr_expect_eq(panel->kind, CASUS_MEASURE_MANDATE);
    cr_expect_eq(panel->in_force.end.hi, casus_day_from_ymd(2024, 4, 30));
    cr_expect_eq(casus_sanctions_monitoring_end(s), casus_day_from_ymd(2024, 4, 30));
    casus_sanctions_free(s);
}

/* Collapses runs of white space to one space and trims; returns a malloc'd copy. */
static char *squash(const char *s, size_t n)
{
    char *out = malloc(n + 1);
    size_t k = 0;
    bool space = true;
    for (size_t i = 0; i < n; i++) {
        if (isspace((unsigned char)s[i])) {
            if (!space)
                out[k++] = ' ';
            space = true;
        } else {
            out[k++] = s[i];
            space = false;
        }
    }
    while (k > 0 && out[k - 1] == ' ')
        k--;
    out[k] = '\0';
    return out;
}

/* The block of excerpts.txt kept for the source address found in citation. */
static char *excerpt_for(const char *excerpts, const char *citation)
{
    const char *p = excerpts;
    while ((p = strstr(p, "\n@ ")) != NULL) {
        p += 3;
        const char *eol = strchr(p, '\n');
        size_t n = (size_t)(eol - p);
        char url[1024];
        snprintf(url, sizeof url, "%.*s", (int)n, p);
        if (strstr(citation, url)) {
            const char *end = strstr(eol, "\n@ ");
            return squash(eol, end ? (size_t)(end - eol) : strlen(eol));
        }
    }
    return NULL;
}

Test(sanctions_files, verbatim_passages_match_the_text_kept)
{
    casus_sanctions *s = shipped();
    char *excerpts = slurp_source("sanctions/excerpts.txt", NULL);
    size_t checked = 0;
    for (size_t i = 0; i < casus_sanctions_count(s); i++) {
        const casus_resolution *r = casus_sanctions_at(s, i);
        for (size_t p = 0; p < r->n_paragraphs; p++)
            for (size_t k = 0; k < r->paragraphs[p].n_passages; k++) {
                const casus_passage *ps = &r->paragraphs[p].passages[k];
                if (ps->status == CASUS_TEXT_PARAPHRASE)
                    continue;
                const char *citation = NULL;
                for (size_t j = 0; j < r->n_sources; j++)
                    if (strcmp(r->sources[j].key, ps->source) == 0)
                        citation = r->sources[j].text;
                char *block = excerpt_for(excerpts, citation);
                if (!block && ps->status == CASUS_TEXT_TRANSLATION)
                    continue; /* a translation is checked only where its text was kept */
                cr_assert_not_null(block, "%s paragraph %s: no text kept for %s", r->symbol,
                                   r->paragraphs[p].number, citation);
                /* Every stretch between "[...]" cuts occurs in the kept text. */
                const char *t = ps->text;
                while (*t) {
                    const char *cut = strstr(t, "[...]");
                    size_t n = cut ? (size_t)(cut - t) : strlen(t);
                    char *piece = squash(t, n);
                    if (*piece) {
                        cr_expect_not_null(strstr(block, piece), "%s paragraph %s: not in the source: \"%s\"",
                                           r->symbol, r->paragraphs[p].number, piece);
                        checked++;
                    }
                    free(piece);
                    t = cut ? cut + 5 : t + n;
                }
                if (ps->status == CASUS_TEXT_VERBATIM)
                    cr_expect_null(strstr(ps->text, "[...]"), "a verbatim passage has no cuts");
                free(block);
            }
    }
    cr_expect_geq(checked, 12, "only %zu verbatim stretches checked", checked);
    free(excerpts);
    casus_sanctions_free(s);
}

/* ---- events ------------------------------------------------------------------------- */

static const char EVENTS[] =
    "events ex\n"
    "title \"t\"\n"
    "source S1 2024-11 \"a source\"\n"
    "source S2 2023-10-13 \"another\"\n"
    "event a\n"
    "  from PRK\n"
    "  to RUS\n"
    "  what munitions artillery-shells\n"
    "  amount about 3000000 shells\n"
    "  when 2022..2024-11\n"
    "  place \"Rason\"\n"
    "  claim S1 \"quote\"\n"
    "  claim S2\n"
    "event b\n"
    "  from RUS\n"
    "  to PRK\n"
    "  what refined-petroleum\n"
    "  amount 10..20 barrels\n"
    "  when 2024-03\n"
    "  within c\n"
    "  claim S2\n"
    "event c\n"
    "  from RUS\n"
    "  to PRK\n"
    "  what refined-petroleum\n"
    "  amount more-than 100 barrels\n"
    "  when 2024\n"
    "  claim S1\n";

Test(events_parse, reads_a_complete_file)
{
    casus_events *ev = new_events();
    casus_error err;
    cr_assert_eq(casus_events_load_text(ev, "ex.events", EVENTS, strlen(EVENTS), &err), CASUS_OK, "%d:%d: %s",
                 err.line, err.col, err.message);
    cr_assert_eq(casus_events_count(ev), 3);
    const casus_event *a = casus_events_at(ev, 0);
    cr_expect_str_eq(a->id, "a");
    cr_expect_str_eq(a->from, "PRK");
    cr_expect_str_eq(a->to, "RUS");
    cr_expect_eq(a->what, CASUS_WHAT_MUNITIONS);
    cr_expect_str_eq(a->kind, "artillery-shells");
    cr_expect_eq(a->amount.kind, CASUS_AMOUNT_ABOUT);
    cr_expect_eq(a->amount.lo, 3000000);
    cr_expect_str_eq(a->amount.unit, "shells");
    cr_expect_eq(a->when.lo, casus_day_from_ymd(2022, 1, 1));
    cr_expect_eq(a->when.hi, casus_day_from_ymd(2024, 11, 30));
    cr_expect_str_eq(a->place, "Rason");
    cr_assert_eq(a->n_claims, 2);
    cr_expect_str_eq(a->claims[0].source->key, "S1");
    cr_expect_str_eq(a->claims[0].quote, "quote");
    cr_expect_eq(a->claims[0].source_date_lo, casus_day_from_ymd(2024, 11, 1));
    cr_expect_eq(a->claims[1].source_date_hi, casus_day_from_ymd(2023, 10, 13));
    cr_expect_null(a->claims[1].quote);
    const casus_event *b = casus_events_at(ev, 1);
    cr_expect_eq(b->amount.kind, CASUS_AMOUNT_RANGE);
    cr_expect_eq(b->amount.lo, 10);
    cr_expect_eq(b->amount.hi, 20);
    cr_expect_str_eq(b->within, "c");
    cr_expect_eq(casus_events_at(ev, 2)->amount.kind, CASUS_AMOUNT_MORE_THAN);
    casus_events_free(ev);
}

static const struct {
    const char *text;
    const char *expect;
} BAD_EV[] = {
    {"event a\n", "bad.events:1:1: expected 'events ID' as the first statement, found 'event'"},
    {"events x\nevent a\n", "bad.events:2:1: give the file a 'title' before the first event"},
    {"events x\ntitle \"t\"\nevent a\n  from PRK\n",
     "bad.events:3:7: event 'a' needs 'to ABB'"},
    {"events x\ntitle \"t\"\nevent a\n  from PRK\n  to RUS\n  what troops\n  when 2024\n",
     "bad.events:3:7: event 'a' needs at least one 'claim SOURCE' (every figure is cited)"},
    {"events x\ntitle \"t\"\nevent a\n  from Prk\n", "bad.events:4:8: 'Prk' is not a COW state abbreviation (two or three capital letters)"},
    {"events x\ntitle \"t\"\nevent a\n  what oil\n", "bad.events:4:8: unknown kind of exchange 'oil' (see docs/sanctions.md)"},
    {"events x\ntitle \"t\"\nevent a\n  amount 3,000 shells\n",
     "bad.events:4:10: '3,000' is not a whole number from 0 to 1000000000000000 (write 3000000, not 3e6 or 3,000,000)"},
    {"events x\ntitle \"t\"\nevent a\n  amount about 20..10 shells\n",
     "bad.events:4:16: a range N..M takes no 'about', 'at-least' or 'more-than'"},
    {"events x\ntitle \"t\"\nevent a\n  amount 20..10 shells\n", "bad.events:4:10: the range 20..10 runs backwards"},
    {"events x\ntitle \"t\"\nevent a\n  amount 20\n",
     "bad.events:4:12: expected a unit (shells, missiles, persons, barrels, tonnes, usd, containers), found end of line"},
    {"events x\ntitle \"t\"\nevent a\n  when 2024-02-30\n",
     "bad.events:4:8: '2024-02-30' is not a date (YYYY-MM-DD, YYYY-MM or YYYY) or a span DATE..DATE"},
    {"events x\ntitle \"t\"\nevent a\n  when 2024..2023\n", "bad.events:4:8: the span 2024..2023 ends before it begins"},
    {"events x\ntitle \"t\"\nevent a\n  claim S9\n",
     "bad.events:4:9: source 'S9' is not declared (declare it with 'source' before the first event)"},
    {"events x\ntitle \"t\"\nsource S 2024 \"s\"\nevent a\n  from PRK\n  to PRK\n  what troops\n  when 2024\n"
     "  claim S\n",
     "bad.events:4:7: event 'a' goes from PRK to itself"},
    {"events x\ntitle \"t\"\nsource S 2024 \"s\"\nevent a\n  from PRK\n  to RUS\n  what troops\n  when 2024\n"
     "  within b\n  claim S\n",
     "bad.events:9:10: event 'a' names no event 'b' to be within"},
    {"events x\ntitle \"t\"\nevent a\n  from PRK\n  from RUS\n", "bad.events:5:3: 'from' given twice in event 'a'"},
    {"events x\ntitle \"t\"\nevent a\n  colour red\n", "bad.events:4:3: unknown statement 'colour' in an event"},
    {"events x\ntitle \"t\"\nsource S 2024 \"s\nevent a\n", "bad.events:3:15: unterminated string"},
    {"events x\ntitle \"t\"\nevent a\nevent a\n", "bad.events:3:7: event 'a' needs 'from ABB'"},
    {"events x\ntitle \"t\"\nsource S 2024 \"s\"\nevent a\n  from PRK\n  to RUS\n  what troops\n  when 2024\n"
     "  claim S\nevent a\n",
     "bad.events:10:7: event 'a' given twice"},
    {"events x\ntitle \"t\"\nsource S 2024 \"s\"\nevent a\n  from RUS\n  to PRK\n  what coal\n  when 2024\n"
     "  overlaps b\n  claim S\n",
     "bad.events:9:12: event 'a' names no event 'b' to overlap"},
    {"events x\ntitle \"t\"\nsource S 2024 \"s\"\nevent a\n  from RUS\n  to PRK\n  what coal\n  when 2024\n"
     "  claim S\nevent b\n  from RUS\n  to PRK\n  what food\n  when 2024\n  overlaps a\n  claim S\n",
     "bad.events:15:12: event 'b' overlaps 'a' but differs from it in what, from, to or unit"},
    {"events x\ntitle \"t\"\nsource S 2024 \"s\"\nevent a\n  from RUS\n  to PRK\n  what coal\n  when 2024\n"
     "  claim S\nevent b\n  from RUS\n  to PRK\n  what coal\n  when 2024\n  within a\n  overlaps a\n"
     "  claim S\n",
     "bad.events:10:7: event 'b' is 'within' one event and 'overlaps' another: give one of them"},
};

Test(events_parse, errors_name_file_line_and_column)
{
    casus_events *ev = new_events();
    for (size_t i = 0; i < sizeof BAD_EV / sizeof *BAD_EV; i++) {
        casus_error err;
        casus_error_clear(&err);
        casus_status st = casus_events_load_text(ev, "bad.events", BAD_EV[i].text, strlen(BAD_EV[i].text), &err);
        cr_assert_neq(st, CASUS_OK, "case %zu was accepted", i);
        expect_error_line(&err, BAD_EV[i].expect, i);
        cr_assert_eq(casus_events_count(ev), 0, "a failed load must leave the set as it was");
    }
    casus_events_free(ev);
}

Test(events_parse, error_shows_the_line_and_a_caret)
{
    casus_events *ev = new_events();
    const char *text = "events x\ntitle \"t\"\nevent a\n  when 2024-13\n";
    casus_error err;
    cr_assert_eq(casus_events_load_text(ev, "c.events", text, strlen(text), &err), CASUS_PARSE);
    char buf[1024];
    casus_error_format(&err, buf, sizeof buf);
    cr_assert_str_eq(buf, "c.events:4:8: '2024-13' is not a date (YYYY-MM-DD, YYYY-MM or YYYY) or a span DATE..DATE\n"
                          "      when 2024-13\n"
                          "           ^");
    casus_events_free(ev);
}

Test(events_parse, nul_bytes_and_oversized_input_are_refused)
{
    casus_events *ev = new_events();
    const char text[] = "events x\ntitle \"t\0\"\n";
    casus_error err;
    cr_assert_eq(casus_events_load_text(ev, "n.events", text, sizeof text - 1, &err), CASUS_PARSE);
    cr_expect_str_eq(err.message, "NUL byte in the events file");
    cr_expect_eq(err.line, 2);
    cr_expect_eq(err.col, 9);
    cr_assert_eq(casus_events_load_text(ev, "big.events", text, CASUS_MAX_SANCTIONS_FILE + 1, &err), CASUS_TOOBIG);
    casus_events_free(ev);
}

Test(sanctions_parse, a_nul_byte_is_refused)
{
    casus_sanctions *s = NULL;
    casus_error err;
    cr_assert_eq(casus_sanctions_create(NULL, NULL, &s, &err), CASUS_OK);
    const char text[] = "resolution x\n> te\0xt\n";
    cr_assert_eq(casus_sanctions_load_text(s, "n.sanctions", text, sizeof text - 1, &err), CASUS_PARSE);
    cr_expect_str_eq(err.message, "NUL byte in the resolution file");
    cr_expect_eq(err.line, 2);
    cr_expect_eq(err.col, 5);
    casus_sanctions_free(s);
}

Test(sanctions_parse, a_missing_directory_is_named)
{
    casus_sanctions *s = NULL;
    casus_error err;
    cr_assert_eq(casus_sanctions_create(NULL, NULL, &s, &err), CASUS_OK);
    cr_assert_eq(casus_sanctions_load_dir(s, "no-such-dir", &err), CASUS_IO);
    cr_expect_str_eq(err.file, "no-such-dir");
    cr_expect_str_eq(err.message, "cannot open the resolutions directory");
    casus_sanctions_free(s);
}

/* ---- out of memory ---------------------------------------------------------------------- */

Test(sanctions_oom, directory_load_fails_cleanly_at_every_allocation)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/sanctions", source_dir());
    long n;
    for (n = 0;; n++) {
        fail_once f = {.countdown = -1};
        casus_sanctions *s = NULL;
        cr_assert_eq(casus_sanctions_create(fail_once_alloc, &f, &s, NULL), CASUS_OK);
        f.countdown = n;
        casus_error err;
        casus_status st = casus_sanctions_load_dir(s, dir, &err);
        f.countdown = -1;
        casus_sanctions_free(s); /* ASan checks nothing leaks */
        if (st == CASUS_OK)
            break;
        cr_assert_eq(st, CASUS_NOMEM, "allocation %ld: %s", n, err.message);
        cr_assert(strncmp(err.message, "out of memory", 13) == 0, "allocation %ld: %s", n, err.message);
    }
    cr_assert_gt(n, 10, "the load should need many allocations");
}

Test(sanctions_oom, resolution_parser_fails_cleanly_at_every_allocation)
{
    size_t len;
    char *text = slurp_source("sanctions/unsc-2397-2017.sanctions", &len);
    long n;
    for (n = 0;; n++) {
        fail_once f = {.countdown = -1};
        casus_sanctions *s = NULL;
        cr_assert_eq(casus_sanctions_create(fail_once_alloc, &f, &s, NULL), CASUS_OK);
        f.countdown = n;
        casus_error err;
        casus_status st = casus_sanctions_load_text(s, "r.sanctions", text, len, &err);
        f.countdown = -1;
        if (st == CASUS_OK) {
            cr_expect_eq(casus_sanctions_count(s), 1);
            casus_sanctions_free(s);
            break;
        }
        cr_assert_eq(st, CASUS_NOMEM, "allocation %ld: %s", n, err.message);
        cr_assert_eq(casus_sanctions_count(s), 0);
        casus_sanctions_free(s); /* ASan checks nothing leaks */
    }
    cr_assert_gt(n, 10, "the parse should need many allocations");
    free(text);
}

Test(sanctions_oom, events_parser_and_check_fail_cleanly_at_every_allocation)
{
    size_t len;
    char *text = slurp_source("events/rus-prk-2022.events", &len);
    casus_sanctions *s = shipped();
    long n;
    for (n = 0;; n++) {
        fail_once f = {.countdown = -1};
        casus_events *ev = NULL;
        cr_assert_eq(casus_events_create(fail_once_alloc, &f, &ev, NULL), CASUS_OK);
        f.countdown = n;
        casus_error err;
        casus_status st = casus_events_load_text(ev, "e.events", text, len, &err);
        f.countdown = -1;
        if (st == CASUS_OK) {
            cr_expect_eq(casus_events_count(ev), 14);
            casus_events_free(ev);
            break;
        }
        cr_assert_eq(st, CASUS_NOMEM, "allocation %ld: %s", n, err.message);
        cr_assert_eq(casus_events_count(ev), 0);
        casus_events_free(ev);
    }
    cr_assert_gt(n, 10);
    /* The check allocates through the resolution set's hook. */
    casus_events *ev = founding();
    long m;
    for (m = 0;; m++) {
        fail_once f = {.countdown = -1};
        casus_sanctions *fs = NULL;
        cr_assert_eq(casus_sanctions_create(fail_once_alloc, &f, &fs, NULL), CASUS_OK);
        char dir[4096];
        snprintf(dir, sizeof dir, "%s/sanctions", source_dir());
        cr_assert_eq(casus_sanctions_load_dir(fs, dir, NULL), CASUS_OK);
        f.countdown = m;
        casus_sanctions_report *r = NULL;
        casus_status st = casus_sanctions_check(fs, ev, &r, NULL);
        f.countdown = -1;
        if (st == CASUS_OK) {
            casus_sanctions_report_free(r);
            casus_sanctions_free(fs);
            break;
        }
        cr_assert_eq(st, CASUS_NOMEM);
        cr_assert_null(r);
        casus_sanctions_free(fs);
    }
    cr_assert_gt(m, 3);
    casus_events_free(ev);
    casus_sanctions_free(s);
    free(text);
}

/* ---- the check ------------------------------------------------------------------------- */

static const casus_sanctions_finding *finding(const casus_sanctions_report *r, const char *event, const char *symbol,
                                              const char *paragraph, const char *measure)
{
    for (size_t i = 0; i < r->n_findings; i++) {
        const casus_sanctions_finding *f = &r->findings[i];
        if (strcmp(f->event->id, event) == 0 && strcmp(f->resolution->symbol, symbol) == 0 &&
            strcmp(f->paragraph->number, paragraph) == 0 && (!measure || strcmp(f->measure->id, measure) == 0))
            return f;
    }
    return NULL;
}

Test(sanctions_check, founding_case_verdicts)
{
    casus_sanctions *s = shipped();
    casus_events *ev = founding();
    casus_sanctions_report *r = NULL;
    cr_assert_eq(casus_sanctions_check(s, ev, &r, NULL), CASUS_OK);
    /* The shells breach the arms provisions (1874 paragraph 9). */
    const casus_sanctions_finding *f = finding(r, "shells-2022-2024", "S/RES/1874 (2009)", "9", "all-arms-from-dprk");
    cr_assert_not_null(f);
    cr_expect_eq(f->truth, CASUS_FAILED);
    cr_expect_eq(f->after_monitoring, 1, "the 3 million figure rests on a November 2024 article only");
    f = finding(r, "containers-2023-2024", "S/RES/1874 (2009)", "9", "all-arms-from-dprk");
    cr_assert_not_null(f);
    cr_expect_eq(f->truth, CASUS_FAILED);
    cr_expect_eq(f->after_monitoring, 0);
    f = finding(r, "missiles-2023-2024", "S/RES/1718 (2006)", "8(b)", NULL);
    cr_assert_not_null(f);
    cr_expect_eq(f->truth, CASUS_FAILED);
    /* The troops: four paragraphs may reach them, none in terms. */
    size_t troops = 0;
    for (size_t i = 0; i < r->n_findings; i++)
        if (strcmp(r->findings[i].event->id, "troops-2024-11") == 0) {
            cr_expect_eq(r->findings[i].truth, CASUS_UNKNOWN, "%s %s", r->findings[i].resolution->symbol,
                         r->findings[i].paragraph->number);
            cr_expect_not_null(strstr(r->findings[i].why, "armed forces"));
            troops++;
        }
    cr_expect_eq(troops, 4);
    /* The refined petroleum cap of 2397 paragraph 5 is exceeded in 2024. */
    f = finding(r, "refined-2024", "S/RES/2397 (2017)", "5", NULL);
    cr_assert_not_null(f);
    cr_expect_eq(f->truth, CASUS_FAILED);
    cr_expect_eq(f->after_monitoring, 1);
    f = finding(r, "refined-2024-osc", "S/RES/2397 (2017)", "5", NULL);
    cr_assert_not_null(f);
    cr_expect_eq(f->truth, CASUS_FAILED);
    cr_assert_eq(r->n_totals, 1);
    const casus_sanctions_total *t = &r->totals[0];
    cr_expect_eq(t->total_low, 1000000, "the two overlapping figures add the larger, not both");
    cr_expect_eq(t->low_open, 1);
    cr_expect_eq(t->high_open, 1);
    cr_expect_eq(t->n_events, 2, "the March figure is within the year's and counted once");
    cr_expect_eq(t->truth, CASUS_FAILED);
    cr_expect_str_eq(t->unit, "barrels");
    cr_expect_eq(t->period_lo, casus_day_from_ymd(2024, 1, 1));
    cr_expect_eq(t->period_hi, casus_day_from_ymd(2024, 12, 31));
    /* The unfrozen deposits: the asset freeze may reach them. */
    f = finding(r, "money-2024", "S/RES/1718 (2006)", "8(d)", "asset-freeze");
    cr_assert_not_null(f);
    cr_expect_eq(f->truth, CASUS_UNKNOWN);
    /* Coal to the DPRK: the coal ban runs the other way. */
    f = finding(r, "coal-2024", "S/RES/2371 (2017)", "8", NULL);
    cr_assert_not_null(f);
    cr_expect_eq(f->truth, CASUS_HELD);
    /* Workers in Russia after the repatriation deadline. */
    f = finding(r, "workers-2024", "S/RES/2397 (2017)", "8", "repatriation");
    cr_assert_not_null(f);
    cr_expect_eq(f->truth, CASUS_FAILED);
    cr_expect_eq(r->monitoring_end, casus_day_from_ymd(2024, 4, 30));
    casus_sanctions_report_free(r);
    casus_events_free(ev);
    casus_sanctions_free(s);
}

static const casus_sanctions_total *total(const casus_sanctions_report *r, const char *symbol, const char *unit,
                                          int y, int m, int d)
{
    for (size_t i = 0; i < r->n_totals; i++) {
        const casus_sanctions_total *t = &r->totals[i];
        if (strcmp(t->resolution->symbol, symbol) == 0 && strcmp(t->unit, unit) == 0 &&
            t->period_lo == casus_day_from_ymd(y, m, d))
            return t;
    }
    return NULL;
}

static casus_sanctions_report *check_text(casus_sanctions *s, casus_events **ev, const char *text)
{
    *ev = new_events();
    casus_error err;
    cr_assert_eq(casus_events_load_text(*ev, "x.events", text, strlen(text), &err), CASUS_OK, "%d:%d: %s", err.line,
                 err.col, err.message);
    casus_sanctions_report *r = NULL;
    cr_assert_eq(casus_sanctions_check(s, *ev, &r, NULL), CASUS_OK);
    return r;
}

Test(sanctions_check, a_cap_not_shown_exceeded_is_not_decidable_and_straddling_dates_are_not_counted)
{
    casus_sanctions *s = shipped();
    casus_events *ev;
    casus_sanctions_report *r =
        check_text(s, &ev,
                   "events x\ntitle \"t\"\nsource S 2019 \"s\"\n"
                   "event a\n  from CHN\n  to PRK\n  what refined-petroleum\n  amount 300000 barrels\n"
                   "  when 2019-02\n  claim S\n"
                   "event b\n  from RUS\n  to PRK\n  what refined-petroleum\n  amount about 300000 barrels\n"
                   "  when 2019-05\n  claim S\n"
                   "event c\n  from RUS\n  to PRK\n  what refined-petroleum\n  amount 900000 barrels\n"
                   "  when 2019-12..2020-01\n  claim S\n"
                   "event d\n  from PRK\n  to CHN\n  what coal\n  amount unknown\n  when 2017-08\n  claim S\n");
    const casus_sanctions_finding *f = finding(r, "a", "S/RES/2397 (2017)", "5", NULL);
    cr_assert_not_null(f);
    cr_expect_eq(f->truth, CASUS_UNKNOWN, "300,000 certain barrels of 500,000: not shown exceeded");
    f = finding(r, "c", "S/RES/2397 (2017)", "5", NULL);
    cr_assert_not_null(f);
    cr_expect_eq(f->truth, CASUS_UNKNOWN);
    cr_expect_not_null(strstr(f->why, "spans two of the cap's periods"));
    const casus_sanctions_total *t2019 = NULL;
    for (size_t i = 0; i < r->n_totals; i++)
        if (r->totals[i].period_lo == casus_day_from_ymd(2019, 1, 1))
            t2019 = &r->totals[i];
    cr_assert_not_null(t2019);
    cr_expect_eq(t2019->total_low, 300000, "'about' adds nothing certain");
    cr_expect_eq(t2019->high_open, 1, "nor gives an upper bound");
    cr_expect_eq(t2019->nominal, 600000);
    cr_expect_eq(t2019->n_unplaced, 1);
    cr_expect_eq(t2019->truth, CASUS_UNKNOWN);
    /* Coal in August 2017: the 2270 ban ended on 4 August, the 2371 ban began on 5 August. */
    f = finding(r, "d", "S/RES/2371 (2017)", "8", NULL);
    cr_assert_not_null(f);
    cr_expect_eq(f->truth, CASUS_UNKNOWN, "the month straddles the ban's start");
    f = finding(r, "d", "S/RES/2270 (2016)", "29", NULL);
    cr_assert_not_null(f);
    cr_expect_eq(f->truth, CASUS_UNKNOWN);
    cr_expect_eq(f->after_monitoring, 0);
    casus_sanctions_report_free(r);
    casus_events_free(ev);
    casus_sanctions_free(s);
}

Test(sanctions_check, ranges_give_ranges_and_a_total_within_the_cap_is_held)
{
    casus_sanctions *s = shipped();
    casus_events *ev;
    casus_sanctions_report *r = check_text(
        s, &ev,
        "events x\ntitle \"t\"\nsource S 2021 \"s\"\n"
        "event a\n  from CHN\n  to PRK\n  what refined-petroleum\n  amount 100000..200000 barrels\n"
        "  when 2021-02\n  claim S\n"
        "event b\n  from RUS\n  to PRK\n  what refined-petroleum\n  amount 50000 barrels\n  when 2021-06-01\n"
        "  claim S\n"
        "event c\n  from RUS\n  to PRK\n  what refined-petroleum\n  amount at-least 10000 barrels\n"
        "  when 2022-03\n  claim S\n");
    const casus_sanctions_total *t = total(r, "S/RES/2397 (2017)", "barrels", 2021, 1, 1);
    cr_assert_not_null(t);
    cr_expect_eq(t->total_low, 150000);
    cr_expect_eq(t->total_high, 250000);
    cr_expect_eq(t->high_open, 0);
    cr_expect_eq(t->n_events, 2);
    cr_expect_eq(t->truth, CASUS_HELD, "every event counted and the high bound within 500,000");
    const casus_sanctions_finding *f = finding(r, "a", "S/RES/2397 (2017)", "5", NULL);
    cr_assert_not_null(f);
    cr_expect_eq(f->truth, CASUS_UNKNOWN, "within by these events; all states' supply is not shown");
    cr_expect_not_null(strstr(f->why, "150000 to 250000 barrels"));
    cr_expect_not_null(strstr(f->why, "within the cap by these events"));
    /* 'at least' gives a low bound only. */
    t = total(r, "S/RES/2397 (2017)", "barrels", 2022, 1, 1);
    cr_assert_not_null(t);
    cr_expect_eq(t->total_low, 10000);
    cr_expect_eq(t->high_open, 1);
    cr_expect_eq(t->truth, CASUS_UNKNOWN);
    casus_sanctions_report_free(r);
    casus_events_free(ev);
    casus_sanctions_free(s);
}

Test(sanctions_check, a_cap_in_two_units_is_breached_by_either_and_other_units_are_reported_not_summed)
{
    casus_sanctions *s = shipped();
    casus_events *ev;
    /* 2397 paragraph 4: 4,000,000 barrels or 525,000 tonnes of crude oil
     * per 12 months from 22 December 2017. */
    casus_sanctions_report *r = check_text(
        s, &ev,
        "events x\ntitle \"t\"\nsource S 2019 \"s\"\n"
        "event t\n  from CHN\n  to PRK\n  what crude-oil\n  amount 600000 tonnes\n  when 2019-03\n  claim S\n"
        "event b\n  from CHN\n  to PRK\n  what crude-oil\n  amount 100000 barrels\n  when 2019-04\n  claim S\n"
        "event u\n  from RUS\n  to PRK\n  what crude-oil\n  amount 5000000 usd\n  when 2019-05\n  claim S\n");
    const casus_sanctions_total *tt = total(r, "S/RES/2397 (2017)", "tonnes", 2018, 12, 22);
    const casus_sanctions_total *tb = total(r, "S/RES/2397 (2017)", "barrels", 2018, 12, 22);
    const casus_sanctions_total *tu = total(r, "S/RES/2397 (2017)", "usd", 2018, 12, 22);
    cr_assert_not_null(tt);
    cr_assert_not_null(tb);
    cr_assert_not_null(tu);
    cr_expect_eq(tt->truth, CASUS_FAILED, "600,000 tonnes exceed 525,000");
    cr_expect_eq(tb->total_low, 100000);
    cr_expect_eq(tb->n_other_unit, 2, "the tonnes and the usd");
    cr_expect_eq(tb->truth, CASUS_UNKNOWN, "figures in other units keep the barrels from being shown within");
    cr_expect_null(tu->cap, "no limit in usd: reported, not summed");
    cr_expect_eq(tu->total_low, 5000000);
    cr_expect_eq(tu->truth, CASUS_UNKNOWN);
    const casus_sanctions_finding *f = finding(r, "b", "S/RES/2397 (2017)", "4", NULL);
    cr_assert_not_null(f);
    cr_expect_eq(f->truth, CASUS_FAILED, "the period's cap is exceeded in tonnes");
    cr_expect_not_null(strstr(f->why, "the cap's other limit, a cap of 525000 tonnes, is exceeded"));
    f = finding(r, "u", "S/RES/2397 (2017)", "4", NULL);
    cr_assert_not_null(f);
    cr_expect_eq(f->truth, CASUS_UNKNOWN);
    cr_expect_not_null(strstr(f->why, "a unit the cap sets no limit in"));
    casus_sanctions_report_free(r);
    casus_events_free(ev);
    casus_sanctions_free(s);
}

Test(sanctions_check, one_off_periods_unstated_caps_and_the_coal_cap_of_2016)
{
    casus_sanctions *s = shipped();
    casus_events *ev;
    casus_sanctions_report *r = check_text(
        s, &ev,
        "events x\ntitle \"t\"\nsource S 2017 \"s\"\n"
        "event p\n  from CHN\n  to PRK\n  what refined-petroleum\n  amount 600000 barrels\n  when 2017-11\n"
        "  claim S\n"
        "event c\n  from CHN\n  to PRK\n  what crude-oil\n  amount 1000000 barrels\n  when 2017-10\n  claim S\n"
        "event k\n  from PRK\n  to CHN\n  what coal\n  amount 8000000 tonnes\n  when 2017-01..2017-06\n  claim S\n"
        "event d\n  from PRK\n  to CHN\n  what coal\n  amount 900000 tonnes\n  when 2016-12\n  claim S\n");
    /* 2375 paragraph 14: 500,000 barrels from October to December 2017. */
    const casus_sanctions_total *t = total(r, "S/RES/2375 (2017)", "barrels", 2017, 10, 1);
    cr_assert_not_null(t);
    cr_expect_eq(t->period_hi, casus_day_from_ymd(2017, 12, 31));
    cr_expect_eq(t->truth, CASUS_FAILED);
    /* 2375 paragraph 15: the crude oil freeze gives no figure. */
    t = total(r, "S/RES/2375 (2017)", "barrels", 2017, 9, 11);
    cr_assert_not_null(t);
    cr_expect_eq(t->truth, CASUS_UNKNOWN);
    cr_expect_eq(t->period_hi, casus_day_from_ymd(2017, 12, 21), "the period cut where 2397 took over");
    const casus_sanctions_finding *f = finding(r, "c", "S/RES/2375 (2017)", "15", NULL);
    cr_assert_not_null(f);
    cr_expect_eq(f->truth, CASUS_UNKNOWN);
    cr_expect_not_null(strstr(f->why, "without the figure"));
    /* 2321 paragraph 26: 7,500,000 tonnes in 2017 (until the full ban of 5 August). */
    t = total(r, "S/RES/2321 (2016)", "tonnes", 2017, 1, 1);
    cr_assert_not_null(t);
    cr_expect_eq(t->period_hi, casus_day_from_ymd(2017, 8, 4));
    cr_expect_eq(t->truth, CASUS_FAILED);
    t = total(r, "S/RES/2321 (2016)", "usd", 2017, 1, 1);
    cr_assert_not_null(t, "the limit in US dollars of the same period is listed");
    cr_expect_eq(t->n_events, 0);
    cr_expect_eq(t->n_other_unit, 1);
    f = finding(r, "k", "S/RES/2321 (2016)", "26", NULL);
    cr_assert_not_null(f);
    cr_expect_eq(f->truth, CASUS_FAILED);
    /* The first period: 1,000,866 tonnes from adoption to the end of 2016. */
    t = total(r, "S/RES/2321 (2016)", "tonnes", 2016, 11, 30);
    cr_assert_not_null(t);
    cr_expect_eq(t->period_hi, casus_day_from_ymd(2016, 12, 31));
    cr_expect_eq(t->total_low, 900000);
    cr_expect_eq(t->truth, CASUS_HELD, "within the limit in tonnes");
    t = total(r, "S/RES/2321 (2016)", "usd", 2016, 11, 30);
    cr_assert_not_null(t);
    cr_expect_eq(t->n_other_unit, 1);
    cr_expect_eq(t->truth, CASUS_UNKNOWN, "the limit in US dollars has no figure to judge");
    casus_sanctions_report_free(r);
    casus_events_free(ev);
    casus_sanctions_free(s);
}

Test(sanctions_check, overlapping_figures_add_their_largest_low_bound_and_the_sum_of_their_high_bounds)
{
    casus_sanctions *s = shipped();
    casus_events *ev;
    casus_sanctions_report *r = check_text(
        s, &ev,
        "events x\ntitle \"t\"\nsource S 2021 \"s\"\n"
        "event a\n  from RUS\n  to PRK\n  what refined-petroleum\n  amount 300000..350000 barrels\n"
        "  when 2021-01..2021-05\n  claim S\n"
        "event b\n  from RUS\n  to PRK\n  what refined-petroleum\n  amount 400000 barrels\n"
        "  when 2021-03..2021-09\n  overlaps a\n  claim S\n"
        "event c\n  from RUS\n  to PRK\n  what refined-petroleum\n  amount 20000..30000 barrels\n"
        "  when 2021-11\n  claim S\n");
    const casus_sanctions_total *t = total(r, "S/RES/2397 (2017)", "barrels", 2021, 1, 1);
    cr_assert_not_null(t);
    cr_expect_eq(t->total_low, 420000, "max(300000, 400000) + 20000");
    cr_expect_eq(t->total_high, 780000, "350000 + 400000 + 30000");
    cr_expect_eq(t->n_events, 3);
    cr_expect_eq(t->truth, CASUS_UNKNOWN, "780,000 may be over the cap; 420,000 is not");
    casus_sanctions_report_free(r);
    casus_events_free(ev);
    casus_sanctions_free(s);
}

/* ---- the command (golden) ------------------------------------------------------------ */

static void expect_golden(const run_result *r, const char *name)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/tests/golden/sanctions/%s", source_dir(), name);
    /* Regenerates only when set non-empty; meson test sets it empty. */
    const char *update = getenv("CASUS_UPDATE_GOLDEN");
    if (update && *update) {
        cr_assert_eq(spit(path, r->out, r->out_len), 0);
        return;
    }
    size_t len = 0;
    char *want = slurp(path, &len);
    cr_assert_not_null(want, "no golden file %s", path);
    cr_expect_eq(r->out_len, len, "%s: %zu bytes, golden %zu", name, r->out_len, len);
    cr_expect(r->out_len == len && memcmp(r->out, want, len) == 0, "%s differs from the golden file", name);
    free(want);
}

Test(sanctions_cli, check_text_golden)
{
    char events[4096];
    snprintf(events, sizeof events, "%s/events/rus-prk-2022.events", source_dir());
    run_result r = run_casus("sanctions", "check", events, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    expect_golden(&r, "check.txt");
    run_free(&r);
}

Test(sanctions_cli, check_json_golden)
{
    char events[4096];
    snprintf(events, sizeof events, "%s/events/rus-prk-2022.events", source_dir());
    run_result r = run_casus("sanctions", "check", events, "--format", "json", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    expect_golden(&r, "check.json");
    cr_expect_eq(count_of(r.out, "\"truth\": \"failed\""), 11);
    cr_expect_not_null(strstr(r.out, "\"total_low\": 1000000"));
    run_free(&r);
}

Test(sanctions_cli, check_totals_csv_golden)
{
    char events[4096];
    snprintf(events, sizeof events, "%s/events/rus-prk-2022.events", source_dir());
    run_result r = run_casus("sanctions", "check", events, "--format", "csv", "--table", "totals", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    expect_golden(&r, "totals.csv");
    cr_expect_eq(strncmp(r.out, "resolution,paragraph,measure,good,from,until,cap,unit,total_low,", 64), 0);
    run_free(&r);
    r = run_casus("sanctions", "check", events, "--table", "totals", NULL);
    cr_expect_eq(r.status, 2, "--table is for csv");
    run_free(&r);
}

Test(sanctions_cli, list_after_the_panel_golden)
{
    run_result r = run_casus("sanctions", "list", "--date", "2024-05-01", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    expect_golden(&r, "list-2024-05-01.txt");
    cr_expect_not_null(strstr(r.out, "no longer mandated: the mandate ended on 2024-04-30"));
    run_free(&r);
    r = run_casus("sanctions", "list", "--date", "2024-04-30", NULL);
    cr_assert_eq(r.status, 0);
    cr_expect_null(strstr(r.out, "no longer mandated"), "the panel was mandated on its last day");
    cr_expect_not_null(strstr(r.out, "mandate panel-of-experts"));
    run_free(&r);
}

Test(sanctions_cli, a_malformed_events_file_exits_2_with_file_line_col)
{
    char *dir = make_temp_dir();
    char path[4096];
    snprintf(path, sizeof path, "%s/bad.events", dir);
    const char *text = "events x\ntitle \"t\"\nevent a\n  amount lots shells\n";
    cr_assert_eq(spit(path, text, strlen(text)), 0);
    run_result r = run_casus("sanctions", "check", path, NULL);
    cr_expect_eq(r.status, 2);
    char want[8192];
    snprintf(want, sizeof want,
             "%s:4:10: 'lots' is not a whole number from 0 to 1000000000000000 (write 3000000, not 3e6 or "
             "3,000,000)\n      amount lots shells\n             ^\n",
             path);
    cr_expect_str_eq(r.err, want);
    cr_expect_eq(r.out_len, 0);
    run_free(&r);
    r = run_casus("sanctions", "check", NULL);
    cr_expect_eq(r.status, 2);
    run_free(&r);
    r = run_casus("sanctions", "list", "--date", "2024-02-30", NULL);
    cr_expect_eq(r.status, 2);
    cr_expect_not_null(strstr(r.err, "2024-02-30 is not a day of the calendar"));
    run_free(&r);
    rm_temp_dir(dir);
}
