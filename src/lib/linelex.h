/* Internal to libcasus: the lexer of the line-oriented rule formats
 * (resolution files, events files), with the treaty format's lexical
 * conventions (docs/treaty-format.md): one statement a line, `#` comments,
 * double-quoted strings with \" and \\ only, `>` text lines, partial dates.
 * Errors go into the caller's casus_error as file:line:col with the line's
 * text for a caret.  Not installed. */
#ifndef CASUS_LINELEX_H
#define CASUS_LINELEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "internal.h"

typedef enum casus_lx_kind { LX_WORD, LX_STRING, LX_TEXT, LX_NL, LX_EOF } casus_lx_kind;

typedef struct casus_lx_token {
    casus_lx_kind kind;
    const char *p; /* WORD: the word; STRING: between the quotes (escapes kept); TEXT: after '>' */
    size_t n;
    int line, col;
} casus_lx_token;

typedef struct casus_lx {
    const char *name;
    const char *buf;
    size_t len, pos;
    int line;
    size_t line_start;
    casus_lx_token tok;
    casus_error *err;
    casus_status status;
    const char *what; /* "resolution file", for messages */
} casus_lx;

CASUS_HIDDEN void casus__lx_init(casus_lx *lx, const char *name, const char *buf, size_t len, casus_error *err,
                                 const char *what);
CASUS_HIDDEN void casus__lx_next(casus_lx *lx);
CASUS_HIDDEN casus_status casus__lx_fail(casus_lx *lx, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
CASUS_HIDDEN casus_status casus__lx_oom(casus_lx *lx);
CASUS_HIDDEN bool casus__lx_is(const casus_lx *lx, const char *word);
CASUS_HIDDEN casus_status casus__lx_expected(casus_lx *lx, const char *what);
/* eol -> NL | EOF */
CASUS_HIDDEN casus_status casus__lx_eol(casus_lx *lx);
/* string -> STRING, unescaped into the arena */
CASUS_HIDDEN casus_status casus__lx_string(casus_lx *lx, casus_arena *arena, const char **out);
/* word -> WORD, copied into the arena */
CASUS_HIDDEN casus_status casus__lx_word(casus_lx *lx, casus_arena *arena, const char *what, const char **out);
/* date -> YYYY-MM-DD | YYYY-MM | YYYY, as the span of days it may denote */
CASUS_HIDDEN casus_status casus__lx_date(casus_lx *lx, casus_span *out);
/* The same, from the n bytes at p (for "DATE..DATE" words); false when malformed
 * or not a day of the calendar. */
CASUS_HIDDEN bool casus__lx_parse_date(const char *p, size_t n, casus_span *out);
/* number -> digits (a whole number from 0 to CASUS_MAX_AMOUNT) */
CASUS_HIDDEN bool casus__lx_parse_count(const char *p, size_t n, int64_t *out);
/* A name: lower-case letters, digits, '-', '(', ')', '.', starting with a letter or digit. */
CASUS_HIDDEN bool casus__lx_is_name(const char *p, size_t n);

/* The allocator a resolution set was created with (sanctions_parse.c), for
 * reports built from it. */
struct casus_sanctions;
CASUS_HIDDEN const casus_mem *casus__sanctions_mem(const struct casus_sanctions *s);

#endif
