/* casus/error.h - the error record: what went wrong, and where in which file.
 *
 * Every library call that can fail takes a `casus_error *` (which may be NULL)
 * and fills it on failure; the library never writes to stderr.  The record is
 * plain data owned by the caller.  Thread-safety: one record per thread. */
#ifndef CASUS_ERROR_H
#define CASUS_ERROR_H

#include <stddef.h>
#include "casus/extern.h"
#include "casus/status.h"

typedef struct casus_error {
    casus_status status;
    char file[256];     /* file or source name; "" when none */
    int line;           /* 1-based; 0 when not known */
    int col;            /* 1-based; 0 when not known */
    char message[512];  /* one line, no trailing newline */
    char context[256];  /* the offending input line, for a caret display; may be "" */
} casus_error;

CASUS_EXTERN void casus_error_clear(casus_error *err);

/* Fills err (when not NULL) and returns status, so callers can write
 * `return casus_error_set(err, CASUS_PARSE, ...);`. */
CASUS_EXTERN casus_status casus_error_set(casus_error *err, casus_status status, const char *file,
                             int line, int col, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 6, 7)))
#endif
    ;

/* Copies the text of line `line` (1-based) of buf into err->context. */
CASUS_EXTERN void casus_error_set_context(casus_error *err, const char *buf, size_t len, int line);

/* Formats "file:line:col: message" (parts that are unknown are left out),
 * followed, when a context line is known, by the line and a caret under the
 * column.  Returns the length snprintf would write. */
CASUS_EXTERN int casus_error_format(const casus_error *err, char *buf, size_t size);

#endif
