/* casus/csv.h: the CSV writer of `casus who`, `casus wars` and `casus
 * export`, byte for byte. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "casus/csv.h"

static char *out_text;
static size_t out_len;

static casus_csv_writer *open_writer(casus_csv_quote quote)
{
    FILE *f = open_memstream(&out_text, &out_len);
    cr_assert_not_null(f);
    casus_csv_writer *w = malloc(sizeof *w);
    casus_csv_init(w, f, quote);
    return w;
}

/* Flushes and closes; the text written is in out_text. */
static void close_writer(casus_csv_writer *w)
{
    cr_assert_eq(casus_csv_flush(w), CASUS_OK);
    fclose(w->out);
    free(w);
}

Test(csv, quotes_only_what_needs_it)
{
    casus_csv_writer *w = open_writer(CASUS_CSV_QUOTE_NEEDED);
    casus_csv_str(w, "war");
    casus_csv_int(w, -42);
    casus_csv_str(w, "Franco-Prussian, or \"Franco-German\"");
    casus_csv_str(w, "two\nlines");
    casus_csv_str(w, "cr\r");
    casus_csv_str(w, "");
    casus_csv_plain(w, "1.5", 3);
    casus_csv_end(w);
    casus_csv_str(w, "next");
    casus_csv_end(w);
    close_writer(w);
    cr_assert_str_eq(out_text, "war,-42,\"Franco-Prussian, or \"\"Franco-German\"\"\",\"two\nlines\",\"cr\r\",,1.5\nnext\n");
    free(out_text);
}

Test(csv, quotes_every_text_field)
{
    casus_csv_writer *w = open_writer(CASUS_CSV_QUOTE_ALL);
    casus_csv_str(w, "attacker");
    casus_csv_str(w, "");
    casus_csv_str(w, "say \"no\"");
    casus_csv_int(w, 7);
    casus_csv_end(w);
    close_writer(w);
    cr_assert_str_eq(out_text, "\"attacker\",\"\",\"say \"\"no\"\"\",7\n");
    free(out_text);
}

Test(csv, fields_longer_than_the_buffer)
{
    size_t n = 3 * CASUS_CSV_BUFFER + 17;
    char *big = malloc(n + 1);
    for (size_t i = 0; i < n; i++)
        big[i] = i % 1000 == 999 ? '"' : (char)('a' + i % 26);
    big[n] = '\0';
    casus_csv_writer *w = open_writer(CASUS_CSV_QUOTE_ALL);
    /* Fill most of the buffer first, so the big field straddles a flush. */
    for (int i = 0; i < 5000; i++)
        casus_csv_plain(w, "123456789", 9);
    casus_csv_str(w, big);
    casus_csv_str(w, "tail");
    casus_csv_end(w);
    close_writer(w);
    size_t quotes = n / 1000;
    cr_assert_eq(out_len, 5000 * 10 + (n + quotes + 2) + 1 + 6 + 1);
    const char *p = out_text + 5000 * 10;
    cr_assert_eq(p[0], '"');
    cr_assert_eq(memcmp(p + 1, big, 999), 0);
    cr_assert_eq(memcmp(p + 1000, "\"\"", 2), 0);
    cr_assert_str_eq(out_text + out_len - 8, ",\"tail\"\n");
    free(big);
    free(out_text);
}

Test(csv, reserve_hands_out_room_in_the_buffer)
{
    casus_csv_writer *w = open_writer(CASUS_CSV_QUOTE_NEEDED);
    size_t rows = 0;
    for (int i = 0; i < 20000; i++) {
        char *p = casus_csv_reserve(w, 16);
        cr_assert_geq(CASUS_CSV_BUFFER - w->len, 16);
        memcpy(p, "1,2,3\n", 6);
        w->len += 6;
        rows++;
    }
    close_writer(w);
    cr_assert_eq(out_len, rows * 6);
    cr_assert_eq(memcmp(out_text + out_len - 12, "1,2,3\n1,2,3\n", 12), 0);
    free(out_text);
}

Test(csv, a_failed_write_is_reported)
{
    FILE *f = fopen("/dev/full", "w");
    if (!f)
        cr_skip_test("no /dev/full");
    setvbuf(f, NULL, _IONBF, 0);
    casus_csv_writer *w = malloc(sizeof *w);
    casus_csv_init(w, f, CASUS_CSV_QUOTE_NEEDED);
    casus_csv_str(w, "x");
    casus_csv_end(w);
    cr_assert_eq(casus_csv_flush(w), CASUS_IO);
    fclose(f);
    free(w);
}
