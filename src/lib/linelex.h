/* Internal to libcasus: the lexer of the line-oriented formats (treaty,
 * scenario, resolution and events files), with the treaty format's lexical
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
    const char *what; /* "the resolution file", for "NUL byte in %s" */
    unsigned flags;   /* LX_* below */
} casus_lx;

/* A NUL byte is refused only where a token starts, and is kept inside a
 * word, string or text line (the treaty parser's rule, kept as it was). */
#define LX_NUL_INSIDE_TOKENS 1u

CASUS_HIDDEN void casus__lx_init(casus_lx *lx, const char *name, const char *buf, size_t len, casus_error *err,
                                 const char *what);
CASUS_HIDDEN void casus__lx_init_ex(casus_lx *lx, const char *name, const char *buf, size_t len, casus_error *err,
                                    const char *what, unsigned flags);
CASUS_HIDDEN void casus__lx_next(casus_lx *lx);
CASUS_HIDDEN casus_status casus__lx_fail(casus_lx *lx, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
CASUS_HIDDEN casus_status casus__lx_oom(casus_lx *lx);
CASUS_HIDDEN bool casus__lx_is(const casus_lx *lx, const char *word);
/* "expected WHAT, found end of line" (or "a text line", 'word', "string",
 * cut at 40 bytes) at the current token */
CASUS_HIDDEN casus_status casus__lx_expected(casus_lx *lx, const char *what);
/* The length of a TEXT token without its trailing blanks. */
CASUS_HIDDEN size_t casus__lx_text_len(const casus_lx_token *t);
/* opening -> { NL } KEYWORD ID eol, the first line of a treaty or scenario
 * file; ID (lower-case letters, digits, '-') is copied into the arena, and
 * its token into *id_tok unless NULL. */
CASUS_HIDDEN casus_status casus__lx_opening(casus_lx *lx, casus_arena *arena, const char *keyword, const char **id,
                                            casus_lx_token *id_tok);
/* eol -> NL | EOF */
CASUS_HIDDEN casus_status casus__lx_eol(casus_lx *lx);
/* string -> STRING, unescaped into the arena */
CASUS_HIDDEN casus_status casus__lx_string(casus_lx *lx, casus_arena *arena, const char **out);
/* word -> WORD, copied into the arena */
CASUS_HIDDEN casus_status casus__lx_word(casus_lx *lx, casus_arena *arena, const char *what, const char **out);
/* date -> YYYY-MM-DD | YYYY-MM | YYYY, as the span of days it may denote */
CASUS_HIDDEN casus_status casus__lx_date(casus_lx *lx, casus_span *out);
/* date -> YYYY-MM-DD | YYYY-MM | YYYY, telling a well-formed date that is not
 * a day of the calendar ("1914-02-30 is not a day of the calendar"), as the
 * treaty and scenario formats do.  With full_only (the noun for the message,
 * "an opening attack"), only YYYY-MM-DD is taken. */
CASUS_HIDDEN casus_status casus__lx_calendar_date(casus_lx *lx, const char *full_only, casus_span *out);
/* The same, from the n bytes at p (for "DATE..DATE" words); false when malformed
 * or not a day of the calendar. */
CASUS_HIDDEN bool casus__lx_parse_date(const char *p, size_t n, casus_span *out);
/* The first ".." in the n bytes at p, or NULL. */
CASUS_HIDDEN const char *casus__lx_find_dots(const char *p, size_t n);
/* span -> date | date '..' date, from the n bytes at p: the first day of the
 * first date to the last of the second; false when malformed or backwards. */
CASUS_HIDDEN bool casus__lx_parse_span(const char *p, size_t n, casus_span *out);
/* number -> digits (a whole number from 0 to CASUS_MAX_AMOUNT) */
CASUS_HIDDEN bool casus__lx_parse_count(const char *p, size_t n, int64_t *out);
/* A name: lower-case letters, digits, '-', '(', ')', '.', starting with a letter or digit. */
CASUS_HIDDEN bool casus__lx_is_name(const char *p, size_t n);

/* The paths "dir/NAME" of the files in dir whose names end in ext (hidden
 * files skipped), sorted by name, into *out (char *, from mem); free them
 * with casus__lx_free_paths.  "cannot open the WHAT directory" if dir cannot
 * be read.  On failure *out is left empty. */
CASUS_HIDDEN casus_status casus__lx_dir_files(const casus_mem *mem, const char *dir, const char *ext,
                                              const char *what, casus_vec *out, casus_error *err);
CASUS_HIDDEN void casus__lx_free_paths(const casus_mem *mem, casus_vec *paths);

/* The allocator a resolution set was created with (sanctions_parse.c), for
 * reports built from it. */
struct casus_sanctions;
CASUS_HIDDEN const casus_mem *casus__sanctions_mem(const struct casus_sanctions *s);

#endif
