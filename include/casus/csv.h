/* casus/csv.h - CSV output as casus writes it (`casus who`, `casus wars`,
 * `casus export`): fields separated by commas, records ended by "\n", text
 * quoted by libcsv's rules (the field in double quotes, each quote doubled),
 * either every text field or only those holding a comma, a quote or a line
 * break.  Output is buffered; numbers and other fields known to need no
 * quoting can be written straight into the buffer.
 *
 * Ownership: the caller owns the writer (a plain struct, about 64 KB, which
 * it may keep anywhere) and the FILE; nothing is allocated.
 * Thread-safety: a writer is used by one thread at a time. */
#ifndef CASUS_CSV_H
#define CASUS_CSV_H

#include <stddef.h>
#include <stdio.h>
#include "casus/extern.h"
#include "casus/status.h"

typedef enum casus_csv_quote {
    CASUS_CSV_QUOTE_NEEDED, /* quote a text field only when it holds , " CR or LF */
    CASUS_CSV_QUOTE_ALL,    /* quote every text field */
} casus_csv_quote;

#define CASUS_CSV_BUFFER 65536

typedef struct casus_csv_writer {
    FILE *out;
    casus_csv_quote quote;
    int failed;   /* a write to out failed; casus_csv_flush() reports it */
    size_t field; /* fields written in the current record */
    size_t len;   /* bytes waiting in buf */
    char buf[CASUS_CSV_BUFFER];
} casus_csv_writer;

CASUS_EXTERN void casus_csv_init(casus_csv_writer *w, FILE *out, casus_csv_quote quote);
/* The next field of the record: text, quoted as the writer quotes. */
CASUS_EXTERN void casus_csv_text(casus_csv_writer *w, const char *s, size_t n);
CASUS_EXTERN void casus_csv_str(casus_csv_writer *w, const char *s);
/* The next field, written as it is: for numbers and codes, which need no quoting. */
CASUS_EXTERN void casus_csv_plain(casus_csv_writer *w, const char *s, size_t n);
CASUS_EXTERN void casus_csv_int(casus_csv_writer *w, long long v);
/* Ends the record. */
CASUS_EXTERN void casus_csv_end(casus_csv_writer *w);
/* Writes out what is buffered; CASUS_IO when any write failed. */
CASUS_EXTERN casus_status casus_csv_flush(casus_csv_writer *w);

/* Room for n (at most CASUS_CSV_BUFFER) bytes at the end of the buffer,
 * flushing first when needed: a caller writing many records of numbers
 * formats them there and then sets w->len to the end of what it wrote
 * (separators and record ends included; no quoting is applied). */
static inline char *casus_csv_reserve(casus_csv_writer *w, size_t n)
{
    if (w->len > CASUS_CSV_BUFFER - n)
        casus_csv_flush(w);
    return w->buf + w->len;
}

#endif
