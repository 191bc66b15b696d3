/* Fuzz target: the nuclear-armed states table (world/nuclear.csv), against
 * the project's world tables, and the look-up on what it accepts. */
#include <stdint.h>
#include <stdlib.h>

#include "casus/nuclear.h"
#include "casus/world.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#include "fuzz_world.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    casus_nuclear *n = NULL;
    casus_error err;
    if (casus_nuclear_parse(world(), "fuzz.csv", (const char *)data, size, &n, &err) != CASUS_OK) {
        if (n)
            abort();
        return 0;
    }
    for (size_t i = 0; i < casus_nuclear_count(n); i++) {
        const casus_nuclear_state *s = casus_nuclear_at(n, i);
        if (s->armed.start.lo > s->armed.start.hi || s->armed.end.hi < s->armed.start.lo ||
            casus_nuclear_armed(n, s->ccode, s->armed.start.lo - 1) == CASUS_HELD)
            abort();
    }
    casus_nuclear_free(n);
    return 0;
}
