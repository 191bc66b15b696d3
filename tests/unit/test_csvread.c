/* The CSV reader (src/lib/csvread.c) splits lines without quotes itself and
 * hands the others to libcsv: every input must give the records libcsv alone
 * gives, field for field, whichever path each line takes. */
#include <criterion/criterion.h>
#include <csv.h>
#include <stdlib.h>
#include <string.h>

#include "csvread.h"

/* Records as one string: fields joined by '|', records ended by '\n'.  A
 * record of one empty field (a blank line; libcsv reports it at a place of
 * its own choosing) counts as none. */
typedef struct flat {
    char buf[8192];
    size_t len;
    size_t fields_in_record;
    size_t record_start;
} flat;

static void put(flat *f, const char *s, size_t n)
{
    cr_assert_lt(f->len + n + 2, sizeof f->buf);
    memcpy(f->buf + f->len, s, n);
    f->len += n;
    f->buf[f->len] = '\0';
}

static casus_status ours_row(void *ud, const casus_csv_row *row, casus_error *err)
{
    (void)err;
    flat *f = ud;
    for (size_t i = 0; i < row->n; i++) {
        cr_assert_eq(strlen(row->fields[i]), row->lens[i], "field %zu: length", i);
        if (i)
            put(f, "|", 1);
        put(f, row->fields[i], row->lens[i]);
    }
    put(f, "\n", 1);
    return CASUS_OK;
}

static void ref_field(void *s, size_t n, void *ud)
{
    flat *f = ud;
    if (f->fields_in_record++)
        put(f, "|", 1);
    put(f, s ? s : "", s ? n : 0);
}

static void ref_record(int c, void *ud)
{
    (void)c;
    flat *f = ud;
    if (f->fields_in_record == 1 && f->record_start == f->len)
        ; /* one empty field: none */
    else if (f->fields_in_record)
        put(f, "\n", 1);
    f->fields_in_record = 0;
    f->record_start = f->len;
}

static void expect_same(const char *text)
{
    static const casus_mem mem = {casus__default_alloc, NULL};
    flat ours = {.len = 0}, ref = {.len = 0};
    casus_error err;
    cr_assert_eq(casus__csv_parse(&mem, "t.csv", text, strlen(text), ours_row, &ours, &err), CASUS_OK, "%s",
                 err.message);
    struct csv_parser p;
    cr_assert_eq(csv_init(&p, CSV_APPEND_NULL), 0);
    cr_assert_eq(csv_parse(&p, text, strlen(text), ref_field, ref_record, &ref), strlen(text));
    csv_fini(&p, ref_field, ref_record, &ref);
    csv_free(&p);
    cr_expect_str_eq(ours.buf, ref.buf, "input:\n%s\nours:\n%s\nlibcsv:\n%s", text, ours.buf, ref.buf);
}

Test(csvread, plain_lines_split_as_libcsv_does)
{
    expect_same("a,b,c\n1,2,3\n");
    expect_same("a,b,c\r\n1,2,3\r\n");
    expect_same("a,b,c\r1,2,3\r");
    expect_same("a,b,c\n1,2,3"); /* no final newline */
    expect_same("a,,c\n,,\n,\n");
    expect_same("  a , b\t,\tc  \n1,2 ,3\n");
    expect_same("a\n  \nb\n");
    expect_same("a,b\n\n\n1,2\n");
    expect_same("x\n");
}

Test(csvread, quoted_lines_and_records_across_lines)
{
    expect_same("a,\"b,c\",d\n1,\"2\"\"x\",3\n");
    expect_same("a,\"b\nno quote here, none\nend\",c\n1,2,3\n");
    expect_same("\"\",x\n,\"\"\n");
    expect_same("a, \"b\" ,c\n");
}

Test(csvread, a_nul_byte_is_an_error_with_its_column)
{
    static const casus_mem mem = {casus__default_alloc, NULL};
    static const char text[] = "a,b\n1,\0002\n";
    flat ours = {.len = 0};
    casus_error err;
    cr_expect_eq(casus__csv_parse(&mem, "t.csv", text, sizeof text - 1, ours_row, &ours, &err), CASUS_PARSE);
    cr_expect_eq(err.line, 2);
    cr_expect_eq(err.col, 3);
    cr_expect_str_eq(err.message, "NUL byte in a text file");
}
