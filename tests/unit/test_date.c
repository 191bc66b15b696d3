/* Calendar days, partial-date spans and three-valued periods. */
#include <criterion/criterion.h>
#include <string.h>

#include "casus/date.h"

Test(date, round_trips_every_day_from_1800_to_2100)
{
    casus_day d0 = casus_day_from_ymd(1800, 1, 1), d1 = casus_day_from_ymd(2100, 12, 31);
    int y = 1800, m = 1, d = 1;
    for (casus_day x = d0; x <= d1; x++) {
        int yy, mm, dd;
        casus_day_to_ymd(x, &yy, &mm, &dd);
        cr_assert(yy == y && mm == m && dd == d, "day %d: %d-%d-%d, expected %d-%d-%d", x, yy, mm, dd, y, m, d);
        if (++d > casus_days_in_month(y, m)) {
            d = 1;
            if (++m > 12) {
                m = 1;
                y++;
            }
        }
    }
}

Test(date, epoch_and_known_days)
{
    cr_assert_eq(casus_day_from_ymd(1970, 1, 1), 0);
    cr_assert_eq(casus_day_from_ymd(2024, 12, 4) - casus_day_from_ymd(2024, 6, 19), 168);
    cr_assert_eq(casus_day_from_ymd(1816, 1, 1), -56248);
}

Test(date, parse_is_strict)
{
    casus_day d;
    cr_assert_eq(casus_date_parse("2024-02-29", 10, &d), CASUS_OK);
    cr_assert_eq(casus_date_parse("2025-02-29", 10, &d), CASUS_RANGE);
    cr_assert_eq(casus_date_parse("2025-13-01", 10, &d), CASUS_RANGE);
    cr_assert_eq(casus_date_parse("2025-1-01", 9, &d), CASUS_PARSE);
    cr_assert_eq(casus_date_parse("2025/01/01", 10, &d), CASUS_PARSE);
    cr_assert_eq(casus_date_parse("2025-01-01x", 11, &d), CASUS_PARSE);
    cr_assert_eq(casus_date_parse("1900-02-29", 10, &d), CASUS_RANGE);
    cr_assert_eq(casus_date_parse("2000-02-29", 10, &d), CASUS_OK);
    char buf[11];
    casus_date_format(d, buf);
    cr_assert_str_eq(buf, "2000-02-29");
}

Test(date, partial_spans)
{
    casus_span y = casus_span_partial(1952, 0, 0), m = casus_span_partial(1952, 4, -9);
    cr_assert_eq(y.lo, casus_day_from_ymd(1952, 1, 1));
    cr_assert_eq(y.hi, casus_day_from_ymd(1952, 12, 31));
    cr_assert_eq(m.lo, casus_day_from_ymd(1952, 4, 1));
    cr_assert_eq(m.hi, casus_day_from_ymd(1952, 4, 30));
    char buf[24];
    casus_span_format(y, buf);
    cr_assert_str_eq(buf, "1952");
    casus_span_format(m, buf);
    cr_assert_str_eq(buf, "1952-04");
    casus_span_format(casus_span_partial(1952, 2, 31), buf); /* a day past the month is clamped */
    cr_assert_str_eq(buf, "1952-02-29");
}

Test(date, period_contains_is_three_valued)
{
    casus_period p = casus_period_make(casus_span_partial(1952, 4, 0), casus_span_day(casus_day_from_ymd(1986, 9, 14)));
    cr_assert_eq(casus_period_contains(&p, casus_day_from_ymd(1952, 3, 31)), CASUS_FAILED);
    cr_assert_eq(casus_period_contains(&p, casus_day_from_ymd(1952, 4, 10)), CASUS_UNKNOWN);
    cr_assert_eq(casus_period_contains(&p, casus_day_from_ymd(1952, 5, 1)), CASUS_HELD);
    cr_assert_eq(casus_period_contains(&p, casus_day_from_ymd(1986, 9, 14)), CASUS_HELD);
    cr_assert_eq(casus_period_contains(&p, casus_day_from_ymd(1986, 9, 15)), CASUS_FAILED);
    casus_period open = casus_period_make(casus_span_day(0), casus_span_open());
    cr_assert_eq(casus_period_contains(&open, casus_day_from_ymd(2999, 1, 1)), CASUS_HELD);
    casus_period both = casus_period_intersect(&p, &open);
    cr_assert_eq(both.start.lo, 0);
    cr_assert_eq(both.end.hi, casus_day_from_ymd(1986, 9, 14));
}
