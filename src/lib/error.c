/* The error record: filled by the library, formatted for people by callers. */
#include "casus/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void casus_error_clear(casus_error *err)
{
    if (err)
        memset(err, 0, sizeof *err);
}

casus_status casus_error_set(casus_error *err, casus_status status, const char *file,
                             int line, int col, const char *fmt, ...)
{
    if (!err)
        return status;
    err->status = status;
    snprintf(err->file, sizeof err->file, "%s", file ? file : "");
    err->line = line;
    err->col = col;
    err->context[0] = '\0';
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    return status;
}

void casus_error_set_context(casus_error *err, const char *buf, size_t len, int line)
{
    if (!err || !buf || line < 1)
        return;
    size_t pos = 0;
    for (int l = 1; l < line && pos < len; pos++)
        if (buf[pos] == '\n' || (buf[pos] == '\r' && (pos + 1 >= len || buf[pos + 1] != '\n')))
            l++;
    size_t end = pos;
    while (end < len && buf[end] != '\n' && buf[end] != '\r')
        end++;
    size_t n = end - pos;
    if (n >= sizeof err->context)
        n = sizeof err->context - 1;
    /* Control characters would garble a terminal; show them as '?'. */
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)buf[pos + i];
        err->context[i] = (c < 0x20 && c != '\t') || c == 0x7f ? '?' : (char)c;
    }
    err->context[n] = '\0';
}

int casus_error_format(const casus_error *err, char *buf, size_t size)
{
    int n = 0;
    char head[320] = "";
    if (err->file[0] && err->line > 0 && err->col > 0)
        snprintf(head, sizeof head, "%s:%d:%d: ", err->file, err->line, err->col);
    else if (err->file[0] && err->line > 0)
        snprintf(head, sizeof head, "%s:%d: ", err->file, err->line);
    else if (err->file[0])
        snprintf(head, sizeof head, "%s: ", err->file);
    if (err->context[0] && err->col > 0) {
        int caret = err->col - 1;
        if (caret > (int)strlen(err->context))
            caret = (int)strlen(err->context);
        char pad[256];
        for (int i = 0; i < caret && i < (int)sizeof pad - 1; i++)
            pad[i] = err->context[i] == '\t' ? '\t' : ' ';
        pad[caret < (int)sizeof pad - 1 ? caret : (int)sizeof pad - 1] = '\0';
        n = snprintf(buf, size, "%s%s\n    %s\n    %s^", head, err->message, err->context, pad);
    } else {
        n = snprintf(buf, size, "%s%s", head, err->message);
    }
    return n;
}
