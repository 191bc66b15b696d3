/* CSV output (casus/csv.h): a buffer, separators, and libcsv's quoting. */
#include <csv.h>
#include <stdbool.h>
#include <string.h>

#include "casus/csv.h"

void casus_csv_init(casus_csv_writer *w, FILE *out, casus_csv_quote quote)
{
    w->out = out;
    w->quote = quote;
    w->failed = 0;
    w->field = 0;
    w->len = 0;
}

casus_status casus_csv_flush(casus_csv_writer *w)
{
    if (w->len && fwrite(w->buf, 1, w->len, w->out) != w->len)
        w->failed = 1;
    w->len = 0;
    return w->failed ? CASUS_IO : CASUS_OK;
}

static void put(casus_csv_writer *w, const char *s, size_t n)
{
    if (CASUS_CSV_BUFFER - w->len < n) {
        casus_csv_flush(w);
        if (n > CASUS_CSV_BUFFER) {
            if (fwrite(s, 1, n, w->out) != n)
                w->failed = 1;
            return;
        }
    }
    memcpy(w->buf + w->len, s, n);
    w->len += n;
}

static void separate(casus_csv_writer *w)
{
    if (w->field++)
        put(w, ",", 1);
}

void casus_csv_plain(casus_csv_writer *w, const char *s, size_t n)
{
    separate(w);
    put(w, s, n);
}

void casus_csv_text(casus_csv_writer *w, const char *s, size_t n)
{
    separate(w);
    if (w->quote == CASUS_CSV_QUOTE_NEEDED) {
        bool plain = true;
        for (size_t i = 0; i < n && plain; i++)
            plain = s[i] != ',' && s[i] != '"' && s[i] != '\r' && s[i] != '\n';
        if (plain) {
            put(w, s, n);
            return;
        }
    }
    /* libcsv quotes into the buffer when the quoted field fits there; it
     * says how long the field is either way. */
    size_t room = CASUS_CSV_BUFFER - w->len;
    size_t need = csv_write(w->buf + w->len, room, s, n);
    if (need <= room) {
        w->len += need;
        return;
    }
    casus_csv_flush(w);
    if (need <= CASUS_CSV_BUFFER) {
        w->len = csv_write(w->buf, CASUS_CSV_BUFFER, s, n);
        return;
    }
    if (csv_fwrite(w->out, s, n) != 0)
        w->failed = 1;
}

void casus_csv_str(casus_csv_writer *w, const char *s)
{
    casus_csv_text(w, s, strlen(s));
}

void casus_csv_int(casus_csv_writer *w, long long v)
{
    char tmp[24];
    int n = snprintf(tmp, sizeof tmp, "%lld", v);
    casus_csv_plain(w, tmp, (size_t)n);
}

void casus_csv_end(casus_csv_writer *w)
{
    put(w, "\n", 1);
    w->field = 0;
}
