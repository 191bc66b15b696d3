/* Internal to libcasus: CSV reading.  Not installed. */
#ifndef CASUS_CSVREAD_H
#define CASUS_CSVREAD_H

#include <stddef.h>

#include "casus/error.h"
#include "mem.h"

/* CSV reading (libcsv underneath) with the line and column of every field,
 * so loaders can say `file:line:col: what is wrong`.  Line endings may be
 * LF, CRLF or bare CR; a missing final newline is fine. */
typedef struct casus_csv_row {
    const char *const *fields; /* NUL-terminated field texts */
    const size_t *lens;
    size_t n;
    int line;                  /* line the record starts on (1-based) */
    const char *raw;           /* the raw text of that line, for columns and context */
    size_t raw_len;
} casus_csv_row;

/* Called once per record (the header too); return CASUS_OK to go on, or a
 * status (with err filled) to stop. */
typedef casus_status (*casus_csv_fn)(void *ud, const casus_csv_row *row, casus_error *err);

CASUS_HIDDEN casus_status casus__csv_parse(const casus_mem *mem, const char *name, const char *buf,
                                           size_t len, casus_csv_fn fn, void *ud, casus_error *err);
/* 1-based column where field k (0-based) starts in the row's raw line. */
CASUS_HIDDEN int casus__csv_col(const casus_csv_row *row, size_t k);
/* Sets err to "name:line:col: message" for field k of row, with context. */
CASUS_HIDDEN casus_status casus__csv_error(casus_error *err, casus_status status, const char *name,
                                           const casus_csv_row *row, size_t k, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

#endif
