/* Fuzz target: the state names table (world/state-names.csv) against the
 * project's world tables, and the look-up of the input itself as a name a
 * person typed, with the parsed table and with none. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "casus/names.h"
#include "casus/world.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#include "fuzz_world.h"

static void resolve(const casus_names *names, const char *text)
{
    const casus_state *s = NULL;
    const char *note = NULL;
    casus_error err;
    casus_status st = casus_names_resolve(names, world(), text, &s, &note, &err);
    if (st == CASUS_OK && (!s || casus_world_state_by_ccode(world(), s->ccode) != s))
        abort();
    if (st != CASUS_OK && (st != CASUS_NOTFOUND || strncmp(err.message, "unknown state", 13) != 0) &&
        strcmp(err.message, "no state given") != 0)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    casus_names *n = NULL;
    casus_error err;
    casus_status st = casus_names_parse(world(), "fuzz.csv", (const char *)data, size, &n, &err);
    if (st != CASUS_OK && (n || err.file[0] == '\0'))
        abort();
    /* The input as typed: its first line, at most 200 bytes. */
    char text[201];
    size_t k = 0;
    while (k < size && k < 200 && data[k] != '\n' && data[k] != '\0') {
        text[k] = (char)data[k];
        k++;
    }
    text[k] = '\0';
    resolve(n, text);
    resolve(NULL, text);
    casus_names_free(n);
    return 0;
}
