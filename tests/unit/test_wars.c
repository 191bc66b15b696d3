/* The COW inter-state war loader (src/lib/wars.c) and `casus wars`. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "casus/wars.h"
#include "testutil.h"

static const char header[] =
    "WarNum,WarName,WarType,ccode,StateName,Side,StartMonth1,StartDay1,StartYear1,EndMonth1,EndDay1,EndYear1,"
    "StartMonth2,StartDay2,StartYear2,EndMonth2,EndDay2,EndYear2,TransFrom,WhereFought,Initiator,Outcome,TransTo,"
    "BatDeath,Version";

static casus_wars *load_real(void)
{
    casus_wars *w = NULL;
    casus_error err;
    cr_assert_eq(casus_wars_create(&w, &err), CASUS_OK);
    cr_assert_eq(casus_wars_load_dir(w, test_data_dir(), &err), CASUS_OK, "%s:%d:%d: %s", err.file, err.line, err.col,
                 err.message);
    return w;
}

static const casus_war_participant *find_part(const casus_war *war, int ccode, int side)
{
    for (size_t i = 0; i < war->n_participants; i++)
        if (war->participants[i].ccode == ccode && war->participants[i].side == side)
            return &war->participants[i];
    return NULL;
}

/* The participant, which must be there. */
static const casus_war_participant *part(const casus_war *war, int ccode, int side)
{
    const casus_war_participant *p = find_part(war, ccode, side);
    cr_assert_not_null(p, "war %d: no participant %d on side %d", war->number, ccode, side);
    return p;
}

/* War `number`, which must be there, with its name and the number of
 * participants on each side. */
static const casus_war *expect_war(const casus_wars *w, int number, const char *name, size_t side1, size_t side2)
{
    const casus_war *war = casus_wars_find(w, number);
    cr_assert_not_null(war, "no war %d", number);
    cr_assert_str_eq(war->name, name);
    cr_assert_eq(war->n_side[0], side1, "war %d: side 1", number);
    cr_assert_eq(war->n_side[1], side2, "war %d: side 2", number);
    return war;
}

static void assert_date(const casus_war_date *d, int y, int m, int day)
{
    cr_assert_eq(d->kind, CASUS_WAR_DATE_KNOWN);
    cr_assert_eq(d->year, y);
    cr_assert_eq(d->month, m);
    cr_assert_eq(d->day, day);
    cr_assert_eq(d->span.lo, casus_day_from_ymd(y, m, day));
    cr_assert_eq(d->span.hi, d->span.lo);
}

/* How a date is written for people (casus_war_date_format) and in CSV and
 * JSON (casus_war_date_iso; NULL: not checked). */
static void assert_date_text(const casus_war_date *d, const char *text, const char *iso)
{
    char buf[40], iso_buf[16];
    casus_war_date_format(d, buf);
    cr_assert_str_eq(buf, text);
    if (iso) {
        casus_war_date_iso(d, iso_buf);
        cr_assert_str_eq(iso_buf, iso);
    }
}

/* Loads text made of the header and the given rows (joined with CR, as
 * the real file); returns the status and leaves the handle in *out. */
static casus_status load_rows(casus_wars **out, casus_error *err, const char *rows)
{
    char buf[8192];
    snprintf(buf, sizeof buf, "%s\r%s", header, rows);
    cr_assert_eq(casus_wars_create(out, NULL), CASUS_OK);
    return casus_wars_load_text(*out, "t.csv", buf, strlen(buf), err);
}

Test(wars, real_file_has_95_wars)
{
    casus_wars *w = load_real();
    cr_assert_eq(casus_wars_count(w), 95);
    size_t rows = 0;
    for (size_t i = 0; i < casus_wars_count(w); i++) {
        const casus_war *war = casus_wars_at(w, i);
        rows += war->n_participants;
        cr_assert_eq(war->n_side[0] + war->n_side[1], war->n_participants);
        cr_assert(war->n_side[0] > 0 && war->n_side[1] > 0, "war %d has an empty side", war->number);
        if (i > 0)
            cr_assert_gt(war->number, casus_wars_at(w, i - 1)->number);
        cr_assert_eq(casus_wars_find(w, war->number), war);
    }
    cr_assert_eq(rows, 337); /* PROVENANCE.md: 337 participant rows */
    cr_assert_eq(casus_wars_at(w, 0)->number, 1);
    cr_assert_eq(casus_wars_at(w, 94)->number, 227);
    cr_assert_null(casus_wars_at(w, 95));
    cr_assert_null(casus_wars_find(w, 2));
    cr_assert_null(casus_wars_find(w, 0));
    casus_wars_free(w);
}

Test(wars, franco_spanish_war)
{
    casus_wars *w = load_real();
    const casus_war *war = expect_war(w, 1, "Franco-Spanish War", 1, 1);
    cr_assert_eq(war->n_participants, 2);
    assert_date(&war->start, 1823, 4, 7);
    assert_date(&war->end, 1823, 11, 13);
    const casus_war_participant *fra = part(war, 220, 1), *spn = part(war, 230, 2);
    cr_assert_str_eq(fra->state_name, "France");
    cr_assert(fra->initiator);
    cr_assert(!spn->initiator);
    cr_assert_eq(fra->outcome, CASUS_WAR_WINNER);
    cr_assert_eq(spn->outcome, CASUS_WAR_LOSER);
    cr_assert_eq(fra->bat_deaths, 400);
    cr_assert_eq(spn->bat_deaths, 600);
    cr_assert_eq(spn->start2.kind, CASUS_WAR_DATE_NONE);
    cr_assert_str_eq(spn->trans_from, "503");
    cr_assert_eq(spn->where_fought, 2);
    cr_assert_eq(spn->line, 2); /* the first data row */
    casus_wars_free(w);
}

Test(wars, world_war_one)
{
    casus_wars *w = load_real();
    const casus_war *war = expect_war(w, 106, "World War I", 11, 4);
    assert_date(&war->start, 1914, 7, 29);
    assert_date(&war->end, 1918, 11, 11);
    const casus_war_participant *p = part(war, 300, 2); /* Austria-Hungary */
    cr_assert_str_eq(p->state_name, "Austria-Hungary");
    cr_assert(p->initiator);
    assert_date(&p->start1, 1914, 7, 29);
    assert_date(&p->end1, 1918, 11, 3);
    p = part(war, 365, 1); /* Russia left in December 1917 */
    assert_date(&p->start1, 1914, 8, 1);
    assert_date(&p->end1, 1917, 12, 5);
    cr_assert_eq(p->bat_deaths, 1700000);
    p = part(war, 2, 1);
    assert_date(&p->start1, 1917, 4, 17);
    cr_assert_eq(p->outcome, CASUS_WAR_WINNER);
    p = part(war, 255, 2);
    cr_assert_eq(p->outcome, CASUS_WAR_LOSER);
    cr_assert_eq(p->where_fought, 15);
    cr_assert_null(find_part(war, 255, 1));
    casus_wars_free(w);
}

Test(wars, world_war_two)
{
    casus_wars *w = load_real();
    const casus_war *war = expect_war(w, 139, "World War II", 21, 8);
    assert_date(&war->start, 1939, 9, 1);
    assert_date(&war->end, 1945, 8, 14);
    /* France fought in two spells on side 1, and as Vichy on side 2. */
    const casus_war_participant *fra = part(war, 220, 1), *vichy = part(war, 220, 2);
    assert_date(&fra->start1, 1939, 9, 3);
    assert_date(&fra->end1, 1940, 6, 22);
    assert_date(&fra->start2, 1944, 10, 23);
    assert_date(&fra->end2, 1945, 8, 14);
    assert_date(&vichy->start1, 1940, 7, 7);
    assert_date(&vichy->end1, 1941, 7, 14);
    cr_assert_eq(vichy->outcome, CASUS_WAR_LOSER);
    /* The Soviet war against Japan is the USSR's second spell. */
    const casus_war_participant *ussr = part(war, 365, 1);
    cr_assert_str_eq(ussr->state_name, "USSR");
    assert_date(&ussr->start2, 1945, 8, 8);
    assert_date(&ussr->end2, 1945, 8, 14);
    /* Romania and Bulgaria changed sides in September 1944. */
    cr_assert_not_null(find_part(war, 360, 1));
    cr_assert_not_null(find_part(war, 360, 2));
    assert_date(&part(war, 355, 2)->end1, 1944, 9, 8);
    assert_date(&part(war, 355, 1)->start1, 1944, 9, 9);
    const casus_war_participant *ger = part(war, 255, 2);
    cr_assert(ger->initiator);
    cr_assert_eq(ger->bat_deaths, 3500000);
    casus_wars_free(w);
}

/* Every row of the file, read here with a separate tiny reader, must be a
 * participant with the same code, side, dates and deaths. */
Test(wars, every_row_matches_the_file)
{
    size_t len;
    char *text = slurp_test_data(CASUS_WARS_FILE, &len);
    casus_wars *w = load_real();
    int line = 0, checked = 0;
    char *save = NULL;
    for (char *rec = strtok_r(text, "\r", &save); rec; rec = strtok_r(NULL, "\r", &save)) {
        line++;
        if (line == 1)
            continue;
        /* Split on commas outside quotes, dropping the quotes ("Vietnam
         * War, Phase 2", "404, 410"); the file has no doubled quotes. */
        long v[25];
        char *fields[25];
        int n = 0;
        bool quoted = false;
        char *w_at = rec;
        fields[n++] = rec;
        for (char *p = rec; *p; p++) {
            if (*p == '"')
                quoted = !quoted;
            else if (*p == ',' && !quoted && n < 25) {
                *w_at++ = '\0';
                fields[n++] = w_at;
            } else
                *w_at++ = *p;
        }
        *w_at = '\0';
        cr_assert_eq(n, 25, "line %d", line);
        for (int k = 0; k < 25; k++)
            v[k] = strtol(fields[k], NULL, 10);
        const casus_war *war = casus_wars_find(w, (int)v[0]);
        cr_assert_not_null(war, "line %d", line);
        const casus_war_participant *p = NULL;
        for (size_t i = 0; i < war->n_participants; i++)
            if (war->participants[i].line == line)
                p = &war->participants[i];
        cr_assert_not_null(p, "line %d", line);
        cr_assert_str_eq(war->name, fields[1]);
        cr_assert_eq(p->ccode, v[3]);
        cr_assert_str_eq(p->state_name, fields[4]);
        cr_assert_eq(p->side, v[5]);
        cr_assert_eq(p->start1.month, v[6]);
        cr_assert_eq(p->start1.day, v[7]);
        cr_assert_eq(p->start1.year, v[8]);
        cr_assert_eq(p->end1.month, v[9]);
        cr_assert_eq(p->end1.day, v[10]);
        cr_assert_eq(p->end1.year, v[11]);
        cr_assert_eq(p->start2.kind == CASUS_WAR_DATE_NONE, v[14] == -8);
        if (v[14] != -8) {
            cr_assert_eq(p->start2.year, v[14]);
            cr_assert_eq(p->end2.year, v[17]);
            cr_assert_eq(p->end2.month, v[15]);
        }
        cr_assert_eq(p->initiator, v[20] == 1);
        cr_assert_eq((long)p->outcome, v[21]);
        cr_assert_eq(p->bat_deaths, v[23] == -9 ? -1 : v[23]);
        checked++;
    }
    cr_assert_eq(checked, 337);
    casus_wars_free(w);
    free(text);
}

Test(wars, partial_unknown_and_ongoing_dates)
{
    casus_wars *w;
    casus_error err;
    cr_assert_eq(load_rows(&w, &err,
                           "900,Synthetic,1,2,United States of America,1,4,-9,1848,-9,-9,1849,-8,-8,-8,-8,-8,-8,-8,1,1,5,"
                           "-8,-9,4\r"
                           "900,Synthetic,1,20,Canada,2,-9,-9,-9,-7,-7,-7,-8,-8,-8,-8,-8,-8,\"404, 410\",1,2,5,-8,1000,4"),
                 CASUS_OK, "%s", err.message);
    const casus_war *war = casus_wars_find(w, 900);
    cr_assert_not_null(war);
    const casus_war_participant *usa = part(war, 2, 1), *can = part(war, 20, 2);
    cr_assert_eq(usa->start1.kind, CASUS_WAR_DATE_KNOWN);
    cr_assert_eq(usa->start1.month, 4);
    cr_assert_eq(usa->start1.day, 0);
    cr_assert_eq(usa->start1.span.lo, casus_day_from_ymd(1848, 4, 1));
    cr_assert_eq(usa->start1.span.hi, casus_day_from_ymd(1848, 4, 30));
    cr_assert_eq(usa->end1.month, 0);
    cr_assert_eq(usa->end1.span.hi, casus_day_from_ymd(1849, 12, 31));
    cr_assert_eq(usa->bat_deaths, -1);
    cr_assert_eq(can->start1.kind, CASUS_WAR_DATE_UNKNOWN);
    cr_assert_eq(can->end1.kind, CASUS_WAR_DATE_ONGOING);
    cr_assert_str_eq(can->trans_from, "404, 410");
    cr_assert_eq(war->end.kind, CASUS_WAR_DATE_ONGOING);
    cr_assert_eq(war->start.month, 4);

    assert_date_text(&usa->start1, "1848-04-?\? (day unknown)", "1848-04");
    assert_date_text(&usa->end1, "1849-?\?-?\? (month and day unknown)", "1849");
    assert_date_text(&can->start1, "unknown", "");
    assert_date_text(&can->end1, "ongoing on 2007-12-31", "ongoing");
    assert_date_text(&usa->start2, "", NULL);
    cr_assert_str_eq(casus_war_outcome_str(CASUS_WAR_ONGOING), "ongoing on 2007-12-31");
    cr_assert_str_eq(casus_war_outcome_str((casus_war_outcome)9), "?");
    casus_wars_free(w);
}

/* Bad rows: each gives file:line:col and leaves the handle empty. */
Test(wars, bad_rows_are_errors)
{
    static const struct {
        const char *row;
        int field; /* the field the error points at; -1: not checked */
        const char *says;
    } cases[] = {
        {"1,X,1,220,France,3,4,7,1823,11,13,1823,-8,-8,-8,-8,-8,-8,-8,2,1,1,-8,400,4", 5, "Side"},
        {"1,X,2,220,France,1,4,7,1823,11,13,1823,-8,-8,-8,-8,-8,-8,-8,2,1,1,-8,400,4", 2, "WarType"},
        {"1,X,1,220,France,1,13,7,1823,11,13,1823,-8,-8,-8,-8,-8,-8,-8,2,1,1,-8,400,4", 6, "month"},
        {"1,X,1,220,France,1,2,30,1823,11,13,1823,-8,-8,-8,-8,-8,-8,-8,2,1,1,-8,400,4", 7, "does not exist"},
        {"1,X,1,220,France,1,4,7,1823,11,13,1822,-8,-8,-8,-8,-8,-8,-8,2,1,1,-8,400,4", 9, "ends before"},
        {"1,X,1,220,France,1,-8,-8,-8,11,13,1823,-8,-8,-8,-8,-8,-8,-8,2,1,1,-8,400,4", 6, "second spell"},
        {"1,X,1,220,France,1,-7,-7,-7,11,13,1823,-8,-8,-8,-8,-8,-8,-8,2,1,1,-8,400,4", 6, "end date"},
        {"1,X,1,220,France,1,4,7,1823,11,13,1823,3,1,1824,-8,-8,-8,-8,2,1,1,-8,400,4", 12, "start without an end"},
        {"1,X,1,220,France,1,4,7,1823,11,13,1823,3,-8,1824,4,1,1824,-8,2,1,1,-8,400,4", 12, "wholly -8"},
        {"1,X,1,220,France,1,4,7,1823,11,13,1823,-8,-8,-8,-8,-8,-8,-8,2,1,9,-8,400,4", -1, "Outcome"},
        {"1,X,1,220,France,1,4,7,1823,11,13,1823,-8,-8,-8,-8,-8,-8,-8,2,1,1,-8,-5,4", -1, "BatDeath"},
        {"1,X,1,220,France,1,4,7,1823,11,13,1823,-8,-8,-8,-8,-8,-8,abc,2,1,1,-8,400,4", -1, "TransFrom"},
        {"1,X,1,220,France,1,4,7,1823,11,13,1823,-8,-8,-8,-8,-8,-8,-8,2,1,1,-8,400,5", -1, "Version"},
        {"1,X,1,220,France,1,4,7,1823,11,13,1823,-8,-8,-8,-8,-8,-8,-8,2,1,1,-8,400", -1, "expected 25 fields"},
        {"x,X,1,220,France,1,4,7,1823,11,13,1823,-8,-8,-8,-8,-8,-8,-8,2,1,1,-8,400,4", 0, "whole number"},
        {"1,,1,220,France,1,4,7,1823,11,13,1823,-8,-8,-8,-8,-8,-8,-8,2,1,1,-8,400,4", 1, "WarName"},
        {"1,X,1,220,France,1,4,7,1815,11,13,1823,-8,-8,-8,-8,-8,-8,-8,2,1,1,-8,400,4", 8, "outside 1816-2007"},
        {"1,X,1,220,France,1,-9,7,1823,11,13,1823,-8,-8,-8,-8,-8,-8,-8,2,1,1,-8,400,4", -1, "without its month"},
        {"1,X,1,220,France,1,4,7,1823,11,13,1823,-8,-8,-8,-8,-8,-8,-8,2,1,1,-8,400,4\r"
         "1,Y,1,230,Spain,2,4,7,1823,11,13,1823,-8,-8,-8,-8,-8,-8,-8,2,2,2,-8,600,4", -1, "is named 'Y' here"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        casus_wars *w;
        casus_error err;
        casus_error_clear(&err);
        casus_status st = load_rows(&w, &err, cases[i].row);
        cr_assert_neq(st, CASUS_OK, "case %zu loaded", i);
        cr_assert_str_eq(err.file, "t.csv");
        cr_assert_eq(err.line, i == sizeof cases / sizeof cases[0] - 1 ? 3 : 2, "case %zu: line %d", i, err.line);
        if (cases[i].field >= 0) {
            int commas = 0, col = 1;
            for (const char *p = cases[i].row; *p && commas < cases[i].field; p++, col++)
                commas += *p == ',';
            cr_assert_eq(err.col, col, "case %zu: col %d, expected %d (%s)", i, err.col, col, err.message);
        }
        cr_assert(strstr(err.message, cases[i].says), "case %zu: %s", i, err.message);
        cr_assert_eq(casus_wars_count(w), 0);
        casus_wars_free(w);
    }
}

Test(wars, bad_files_are_errors)
{
    casus_wars *w;
    casus_error err;
    cr_assert_eq(casus_wars_create(&w, NULL), CASUS_OK);
    cr_assert_eq(casus_wars_load_text(w, "e.csv", "", 0, &err), CASUS_PARSE);
    cr_assert_eq(casus_wars_load_text(w, "h.csv", header, strlen(header), &err), CASUS_PARSE);
    cr_assert(strstr(err.message, "no wars"), "%s", err.message);
    cr_assert_eq(casus_wars_load_text(w, "b.csv", "WarNum,WarName\r1,x", 18, &err), CASUS_PARSE);
    cr_assert_eq(err.line, 1);
    cr_assert_eq(casus_wars_load_file(w, "/nonexistent/wars.csv", &err), CASUS_IO);
    cr_assert_eq(casus_wars_load_dir(w, "/nonexistent", &err), CASUS_IO);
    cr_assert_eq(casus_wars_count(w), 0);
    /* A handle holds one file. */
    cr_assert_eq(casus_wars_load_dir(w, test_data_dir(), &err), CASUS_OK);
    cr_assert_eq(casus_wars_load_dir(w, test_data_dir(), &err), CASUS_INVALID);
    cr_assert_eq(casus_wars_count(w), 95);
    casus_wars_free(w);
    casus_wars_free(NULL);
    cr_assert_eq(casus_wars_count(NULL), 0);
    cr_assert_null(casus_wars_find(NULL, 1));
}

/* Every prefix of the real file, and copies with bytes overwritten, load
 * or fail with a message: never a crash (the sanitizer build checks the
 * memory side). */
Test(wars, truncated_and_garbled_copies)
{
    size_t len;
    char *text = slurp_test_data(CASUS_WARS_FILE, &len);
    casus_error err;
    size_t ok = 0, failed = 0;
    for (size_t cut = 0; cut < len; cut += 97) {
        casus_wars *w;
        cr_assert_eq(casus_wars_create(&w, NULL), CASUS_OK);
        casus_status st = casus_wars_load_text(w, "cut.csv", text, cut, &err);
        if (st == CASUS_OK) {
            ok++;
            cr_assert_leq(casus_wars_count(w), 95);
        } else {
            failed++;
            cr_assert_neq(err.message[0], '\0');
            cr_assert_eq(casus_wars_count(w), 0);
        }
        casus_wars_free(w);
    }
    cr_assert_gt(failed, 0);
    char *copy = malloc(len);
    unsigned seed = 12345;
    static const char junk[] = {',', '"', '\r', '\n', '\0', '-', '9', 'x', (char)0xff};
    for (int round = 0; round < 300; round++) {
        memcpy(copy, text, len);
        for (int k = 0; k < 1 + round % 5; k++) {
            seed = seed * 1103515245u + 12345u;
            size_t at = (seed >> 8) % len;
            seed = seed * 1103515245u + 12345u;
            copy[at] = junk[(seed >> 8) % sizeof junk];
        }
        casus_wars *w;
        cr_assert_eq(casus_wars_create(&w, NULL), CASUS_OK);
        if (casus_wars_load_text(w, "garbled.csv", copy, len, &err) == CASUS_OK)
            ok++;
        else
            cr_assert_eq(casus_wars_count(w), 0);
        casus_wars_free(w);
    }
    cr_assert_gt(ok, 0);
    free(copy);
    free(text);
}

/* Out of memory at every allocation in turn: an error, no leak, and the
 * load succeeds once there is memory enough. */
Test(wars, out_of_memory_at_each_allocation)
{
    size_t len;
    char *text = slurp_test_data(CASUS_WARS_FILE, &len);
    for (long n = 0;; n++) {
        fail_after f = {n};
        casus_wars *w = NULL;
        casus_error err;
        casus_status st = casus_wars_create_with(fail_after_alloc, &f, &w, &err);
        if (st == CASUS_OK)
            st = casus_wars_load_text(w, "oom.csv", text, len, &err);
        if (st == CASUS_OK) {
            cr_assert_eq(casus_wars_count(w), 95);
            casus_wars_free(w);
            break;
        }
        cr_assert_eq(st, CASUS_NOMEM, "n=%ld: %s", n, err.message);
        casus_wars_free(w);
        cr_assert_lt(n, 100000);
    }
    free(text);
}

/* ---- the command ---- */

/* A scratch data directory: an empty cow/states2016.csv (it marks a data
 * directory, casus_data_find_dir) and, unless rows is NULL, the war file
 * made of the header and rows.  The caller removes it with rm_temp_dir. */
static char *scratch_data_dir(const char *rows)
{
    char *dir = make_temp_dir();
    char path[4096];
    snprintf(path, sizeof path, "%s/cow", dir);
    cr_assert_eq(mkdir(path, 0755), 0);
    snprintf(path, sizeof path, "%s/cow/states2016.csv", dir);
    cr_assert_eq(spit(path, "", 0), 0);
    if (rows) {
        snprintf(path, sizeof path, "%s/%s", dir, CASUS_WARS_FILE);
        char text[4096];
        cr_assert_lt((size_t)snprintf(text, sizeof text, "%s\r%s", header, rows), sizeof text);
        cr_assert_eq(spit(path, text, strlen(text)), 0);
    }
    return dir;
}

Test(wars_cli, list_text_csv_json)
{
    run_result r = run_casus("wars", "list", "--data", test_data_dir(), NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_eq(count_of(r.out, "\n"), 95 + 2);
    cr_assert(strstr(r.out, "    1  Franco-Spanish War"), "%s", r.out);
    cr_assert(strstr(r.out, "  139  World War II"));
    run_free(&r);

    r = run_casus("wars", "list", "--format", "csv", "--data", test_data_dir(), NULL);
    cr_assert_eq(r.status, 0);
    cr_assert_eq(count_of(r.out, "\n"), 96);
    cr_assert(strstr(r.out, "war,name,start,end,side1,side2\n1,Franco-Spanish War,1823-04-07,1823-11-13,1,1\n"));
    cr_assert(strstr(r.out, "\n106,World War I,1914-07-29,1918-11-11,11,4\n"));
    run_free(&r);

    r = run_casus("wars", "list", "-f", "json", "--data", test_data_dir(), NULL);
    cr_assert_eq(r.status, 0);
    json_error_t jerr;
    json_t *root = json_loads(r.out, 0, &jerr);
    cr_assert_not_null(root, "%s", jerr.text);
    json_t *wars = json_object_get(root, "wars");
    cr_assert_eq(json_array_size(wars), 95);
    json_t *last = json_array_get(wars, 94);
    cr_assert_eq(json_integer_value(json_object_get(last, "number")), 227);
    cr_assert_str_eq(json_string_value(json_object_get(last, "start")), "2003-03-19");
    json_decref(root);
    run_free(&r);
}

Test(wars_cli, show_text_and_json)
{
    run_result r = run_casus("wars", "show", "139", "--data", test_data_dir(), NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.out, "War 139: World War II\n"));
    cr_assert(strstr(r.out, "21 participants on side 1, 8 on side 2"));
    cr_assert(strstr(r.out, "1939-09-03 to 1940-06-22, then 1944-10-23 to 1945-08-14"), "%s", r.out);
    cr_assert(strstr(r.out, "outcome: loser; battle deaths: 3500000; initiator"));
    run_free(&r);

    r = run_casus("wars", "show", "--format", "json", "106", "--data", test_data_dir(), NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    json_t *root = json_loads(r.out, 0, NULL);
    cr_assert_not_null(root);
    json_t *parts = json_object_get(root, "participants");
    cr_assert_eq(json_array_size(parts), 15);
    int side1 = 0;
    for (size_t i = 0; i < json_array_size(parts); i++) {
        json_t *p = json_array_get(parts, i);
        side1 += json_integer_value(json_object_get(p, "side")) == 1;
        if (json_integer_value(json_object_get(p, "ccode")) == 300) {
            json_t *spell = json_array_get(json_object_get(p, "spells"), 0);
            cr_assert_str_eq(json_string_value(json_object_get(spell, "start")), "1914-07-29");
            cr_assert_str_eq(json_string_value(json_object_get(spell, "start_precision")), "day");
            cr_assert(json_is_true(json_object_get(p, "initiator")));
        }
    }
    cr_assert_eq(side1, 11);
    json_decref(root);
    run_free(&r);
}

Test(wars_cli, partial_dates_are_shown_as_such)
{
    char *dir = scratch_data_dir(
        "900,Synthetic,1,2,United States of America,1,4,-9,1848,-9,-9,1849,-8,-8,-8,-8,-8,-8,-8,1,1,5,-8,-9,4\r"
        "900,Synthetic,1,20,Canada,2,-9,-9,-9,-7,-7,-7,-8,-8,-8,-8,-8,-8,-8,1,2,5,-8,1000,4");
    run_result r = run_casus("wars", "show", "900", "--data", dir, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.out, "1848-04-?\? (day unknown) to 1849-?\?-?\? (month and day unknown)"), "%s", r.out);
    cr_assert(strstr(r.out, "unknown to ongoing on 2007-12-31"), "%s", r.out);
    cr_assert(strstr(r.out, "battle deaths: unknown"));
    run_free(&r);
    rm_temp_dir(dir);
}

Test(wars_cli, errors)
{
    run_result r = run_casus("wars", "show", "2", "--data", test_data_dir(), NULL);
    cr_assert_eq(r.status, 2);
    cr_assert(strstr(r.err, "no war numbered 2"), "%s", r.err);
    run_free(&r);
    expect_casus_exit(2, "wars", "show", "abc", "--data", test_data_dir(), NULL);
    expect_casus_exit(2, "wars", "show", "--data", test_data_dir(), NULL);
    expect_casus_exit(2, "wars", "show", "1", "--format", "csv", "--data", test_data_dir(), NULL);
    expect_casus_exit(2, "wars", "list", "--format", "xml", "--data", test_data_dir(), NULL);
    expect_casus_exit(2, "wars", "fight", NULL);
    r = run_casus("wars", "list", "--data", "/nonexistent-casus-data", NULL);
    cr_assert_eq(r.status, 2);
    cr_assert(strstr(r.err, "not a casus data directory"), "%s", r.err);
    run_free(&r);
    /* A data directory without the war file: say how to get it. */
    char *dir = scratch_data_dir(NULL);
    r = run_casus("wars", "list", "--data", dir, NULL);
    cr_assert_eq(r.status, 1);
    cr_assert(strstr(r.err, "run 'casus data fetch' first"), "%s", r.err);
    run_free(&r);
    rm_temp_dir(dir);
    r = run_casus("wars", "--help", NULL);
    cr_assert_eq(r.status, 0);
    cr_assert(strstr(r.out, "Usage: casus wars list"));
    run_free(&r);
    r = run_casus("help", "wars", NULL);
    cr_assert_eq(r.status, 0);
    cr_assert(strstr(r.out, "casus wars show N"));
    run_free(&r);
}

Test(wars_cli, malformed_file_is_exit_2_with_position)
{
    char *dir = scratch_data_dir("1,X,1,220,France,3,4,7,1823,11,13,1823,-8,-8,-8,-8,-8,-8,-8,2,1,1,-8,400,4");
    run_result r = run_casus("wars", "list", "--data", dir, NULL);
    cr_assert_eq(r.status, 2);
    cr_assert(strstr(r.err, "Inter-StateWarData_v4.0.csv:2:18: Side: 3 is not 1 or 2"), "%s", r.err);
    run_free(&r);
    rm_temp_dir(dir);
}

Test(wars_cli, output_file_and_env_data_dir)
{
    char *dir = make_temp_dir();
    char out[4096];
    snprintf(out, sizeof out, "%s/wars.csv", dir);
    setenv("CASUS_DATA", test_data_dir(), 1);
    run_result r = run_casus("wars", "list", "--format", "csv", "--output", out, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_str_eq(r.out, "");
    size_t len;
    char *text = slurp(out, &len);
    cr_assert_not_null(text);
    cr_assert_eq(count_of(text, "\n"), 96);
    free(text);
    run_free(&r);
    rm_temp_dir(dir);
}
