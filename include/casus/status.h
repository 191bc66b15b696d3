/* casus/status.h - the status codes every casus call returns, from one X-macro.
 *
 * Names and messages come from the same table, so they cannot drift apart.
 * Thread-safety: the functions here are pure and may be called from any thread. */
#ifndef CASUS_STATUS_H
#define CASUS_STATUS_H

#include "casus/extern.h"

#define CASUS_STATUS_MAP(XX)                                   \
    XX(OK, "ok")                                               \
    XX(NOMEM, "out of memory")                                 \
    XX(IO, "input/output error")                               \
    XX(PARSE, "malformed input")                               \
    XX(INVALID, "invalid argument")                            \
    XX(NOTFOUND, "not found")                                  \
    XX(RANGE, "value out of range")                            \
    XX(TOOBIG, "input too large")                              \
    XX(CHECKSUM, "checksum mismatch")                          \
    XX(NETWORK, "network error")                               \
    XX(UNFINISHED, "the world is not finished")

typedef enum casus_status {
#define CASUS__STATUS_ENUM(name, msg) CASUS_##name,
    CASUS_STATUS_MAP(CASUS__STATUS_ENUM)
#undef CASUS__STATUS_ENUM
    CASUS_STATUS_COUNT
} casus_status;

/* A short English message for a status ("out of memory"); never NULL. */
CASUS_EXTERN const char *casus_status_str(casus_status status);
/* The status's name without prefix ("NOMEM"); never NULL. */
CASUS_EXTERN const char *casus_status_name(casus_status status);

#endif
