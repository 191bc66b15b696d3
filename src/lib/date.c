/* Calendar arithmetic (proleptic Gregorian) and partial-date spans. */
#include "casus/date.h"

#include <stdio.h>

const char *casus_truth_str(casus_truth truth)
{
    switch (truth) {
    case CASUS_HELD:
        return "held";
    case CASUS_FAILED:
        return "failed";
    default:
        return "not decidable";
    }
}

static bool is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int casus_days_in_month(int year, int month)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month < 1 || month > 12)
        return 0;
    return days[month - 1] + (month == 2 && is_leap(year));
}

bool casus_date_valid(int year, int month, int day)
{
    return year >= 1 && year <= 9999 && month >= 1 && month <= 12 && day >= 1 &&
           day <= casus_days_in_month(year, month);
}

/* Days from civil date: the era-based algorithm (Howard Hinnant, "chrono-
 * compatible low-level date algorithms"), valid for the whole int range used. */
casus_day casus_day_from_ymd(int y, int m, int d)
{
    y -= m <= 2;
    const int era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (153u * (unsigned)(m + (m > 2 ? -3 : 9)) + 2u) / 5u + (unsigned)d - 1u;
    const unsigned doe = yoe * 365u + yoe / 4u - yoe / 100u + doy;
    return (casus_day)(era * 146097 + (int)doe - 719468);
}

void casus_day_to_ymd(casus_day z, int *year, int *month, int *mday)
{
    long zz = (long)z + 719468;
    const long era = (zz >= 0 ? zz : zz - 146096) / 146097;
    const unsigned doe = (unsigned)(zz - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const long y = (long)yoe + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned d = doy - (153 * mp + 2) / 5 + 1;
    const unsigned m = mp < 10 ? mp + 3 : mp - 9;
    if (year)
        *year = (int)(y + (m <= 2));
    if (month)
        *month = (int)m;
    if (mday)
        *mday = (int)d;
}

static int digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

casus_status casus_date_parse(const char *text, size_t n, casus_day *day)
{
    if (n != 10 || text[4] != '-' || text[7] != '-')
        return CASUS_PARSE;
    int y = digits(text, 4), m = digits(text + 5, 2), d = digits(text + 8, 2);
    if (y < 0 || m < 0 || d < 0)
        return CASUS_PARSE;
    if (!casus_date_valid(y, m, d))
        return CASUS_RANGE;
    *day = casus_day_from_ymd(y, m, d);
    return CASUS_OK;
}

void casus_date_format(casus_day day, char buf[11])
{
    int y, m, d;
    casus_day_to_ymd(day, &y, &m, &d);
    if (y < 0 || y > 9999) {
        snprintf(buf, 11, "%s", y < 0 ? "-inf" : "+inf");
        return;
    }
    /* Month and day are in range here; the casts tell the compiler so. */
    snprintf(buf, 11, "%04d-%02u-%02u", y, (unsigned)m % 13u, (unsigned)d % 32u);
}

casus_span casus_span_partial(int year, int month, int mday)
{
    casus_span s;
    if (month < 1 || month > 12) {
        s.lo = casus_day_from_ymd(year, 1, 1);
        s.hi = casus_day_from_ymd(year, 12, 31);
        return s;
    }
    int dim = casus_days_in_month(year, month);
    if (mday < 1) {
        s.lo = casus_day_from_ymd(year, month, 1);
        s.hi = casus_day_from_ymd(year, month, dim);
        return s;
    }
    if (mday > dim)
        mday = dim;
    s.lo = s.hi = casus_day_from_ymd(year, month, mday);
    return s;
}

casus_span casus_span_day(casus_day day)
{
    casus_span s = {day, day};
    return s;
}

casus_span casus_span_open(void)
{
    casus_span s = {CASUS_DAY_NEVER_AFTER, CASUS_DAY_NEVER_AFTER};
    return s;
}

bool casus_span_is_open(casus_span span)
{
    return span.lo >= CASUS_DAY_NEVER_AFTER || span.hi <= CASUS_DAY_NEVER_BEFORE;
}

casus_period casus_period_make(casus_span start, casus_span end)
{
    casus_period p = {start, end};
    return p;
}

casus_truth casus_period_contains(const casus_period *p, casus_day day)
{
    if (day < p->start.lo || day > p->end.hi)
        return CASUS_FAILED;
    if (day < p->start.hi || day > p->end.lo)
        return CASUS_UNKNOWN;
    return CASUS_HELD;
}

casus_period casus_period_intersect(const casus_period *a, const casus_period *b)
{
    casus_period r;
    r.start.lo = a->start.lo > b->start.lo ? a->start.lo : b->start.lo;
    r.start.hi = a->start.hi > b->start.hi ? a->start.hi : b->start.hi;
    r.end.lo = a->end.lo < b->end.lo ? a->end.lo : b->end.lo;
    r.end.hi = a->end.hi < b->end.hi ? a->end.hi : b->end.hi;
    return r;
}

void casus_span_format(casus_span span, char buf[24])
{
    if (span.lo >= CASUS_DAY_NEVER_AFTER) {
        snprintf(buf, 24, "open");
        return;
    }
    if (span.hi <= CASUS_DAY_NEVER_BEFORE) {
        snprintf(buf, 24, "open");
        return;
    }
    char a[11], b[11];
    casus_date_format(span.lo, a);
    if (span.lo == span.hi) {
        snprintf(buf, 24, "%s", a);
        return;
    }
    int y1, m1, d1, y2, m2, d2;
    casus_day_to_ymd(span.lo, &y1, &m1, &d1);
    casus_day_to_ymd(span.hi, &y2, &m2, &d2);
    if (y1 == y2 && m1 == 1 && d1 == 1 && m2 == 12 && d2 == 31)
        snprintf(buf, 24, "%04d", y1);
    else if (y1 == y2 && m1 == m2 && d1 == 1 && d2 == casus_days_in_month(y2, m2))
        snprintf(buf, 24, "%04d-%02d", y1, m1);
    else {
        casus_date_format(span.hi, b);
        snprintf(buf, 24, "%s..%s", a, b);
    }
}
