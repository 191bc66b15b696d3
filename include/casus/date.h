/* casus/date.h - calendar days and the partial dates historical data carry.
 *
 * A day is a count of days since 1970-01-01 in the proleptic Gregorian
 * calendar.  A date known only to the month or year (COW's and ATOP's -9 or
 * blank fields) is a span: the first and last day it may denote.  Evaluating
 * "is this in force on day d" against a span gives a three-valued answer.
 * Thread-safety: pure functions. */
#ifndef CASUS_DATE_H
#define CASUS_DATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "casus/extern.h"
#include "casus/status.h"

typedef int32_t casus_day;

/* Sentinels for open ends of periods. */
#define CASUS_DAY_NEVER_BEFORE ((casus_day)INT32_MIN / 2) /* open start */
#define CASUS_DAY_NEVER_AFTER ((casus_day)INT32_MAX / 2)  /* open end */

/* Three-valued truth, used by every condition casus evaluates. */
typedef enum casus_truth { CASUS_FAILED = 0, CASUS_HELD = 1, CASUS_UNKNOWN = 2 } casus_truth;
CASUS_EXTERN const char *casus_truth_str(casus_truth truth); /* "held", "failed", "not decidable" */

/* The days a possibly partial date may denote, inclusive.  lo == hi for a
 * full date. */
typedef struct casus_span {
    casus_day lo;
    casus_day hi;
} casus_span;

/* A validity period [start, end]: in force from some day of `start` through
 * some day of `end`, both inclusive.  An open end is the span
 * {CASUS_DAY_NEVER_AFTER, CASUS_DAY_NEVER_AFTER}. */
typedef struct casus_period {
    casus_span start;
    casus_span end;
} casus_period;

CASUS_EXTERN bool casus_date_valid(int year, int month, int day);
CASUS_EXTERN casus_day casus_day_from_ymd(int year, int month, int day);
CASUS_EXTERN void casus_day_to_ymd(casus_day day, int *year, int *month, int *mday);
CASUS_EXTERN int casus_days_in_month(int year, int month);

/* Parses exactly "YYYY-MM-DD" (n bytes, no more, no less) into *day.
 * CASUS_PARSE when the shape is wrong, CASUS_RANGE when the date does not
 * exist (2025-02-30). */
CASUS_EXTERN casus_status casus_date_parse(const char *text, size_t n, casus_day *day /* OUT */);

/* Writes "YYYY-MM-DD" and a NUL into buf (at least 11 bytes). */
CASUS_EXTERN void casus_date_format(casus_day day, char buf[11]);

/* The span of a partial date: month <= 0 means unknown month, mday <= 0
 * unknown day.  The year must be known.  A day beyond the month's length is
 * clamped to it. */
CASUS_EXTERN casus_span casus_span_partial(int year, int month, int mday);
CASUS_EXTERN casus_span casus_span_day(casus_day day);
CASUS_EXTERN casus_span casus_span_open(void); /* the open end */
CASUS_EXTERN bool casus_span_is_open(casus_span span);

CASUS_EXTERN casus_period casus_period_make(casus_span start, casus_span end);
/* Whether day lies in the period: held, failed, or unknown when it falls in
 * the uncertainty of a partial start or end. */
CASUS_EXTERN casus_truth casus_period_contains(const casus_period *period, casus_day day);
/* The intersection of two periods (the later start, the earlier end). */
CASUS_EXTERN casus_period casus_period_intersect(const casus_period *a, const casus_period *b);
/* Formats "YYYY-MM-DD" or "YYYY-MM" or "YYYY" for a span that is a full
 * day, a whole month or a whole year; "YYYY-MM-DD..YYYY-MM-DD" otherwise;
 * "open" for an open end.  buf needs 24 bytes. */
CASUS_EXTERN void casus_span_format(casus_span span, char buf[24]);

#endif
