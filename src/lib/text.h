/* Internal to libcasus: small text helpers shared by the parsers and the
 * loaders.  Not installed. */
#ifndef CASUS_TEXT_H
#define CASUS_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "mem.h"

/* Case-insensitive equality of two strings, and of their first n bytes. */
CASUS_HIDDEN bool casus__ieq(const char *a, const char *b);
CASUS_HIDDEN bool casus__ieqn(const char *a, const char *b, size_t n);
/* Parses a whole-number field; false when it is not one (or out of int range). */
CASUS_HIDDEN bool casus__parse_int(const char *s, size_t n, int *out);

#endif
