/* Fuzz target: the treaty parser, against the project's world tables. */
#include <stdint.h>
#include <stdlib.h>

#include "casus/world.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#include "fuzz_world.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    casus_world *w = world();
    casus_error err;
    size_t before = casus_world_treaty_count(w);
    if (casus_world_load_treaty_text(w, "fuzz.treaty", (const char *)data, size, &err) == CASUS_OK) {
        if (casus_world_finish(w, NULL) != CASUS_OK)
            abort();
        /* Each good input adds a treaty; start afresh so ids do not collide. */
        casus_world_free(g_world);
        g_world = NULL;
    } else if (casus_world_treaty_count(w) != before) {
        abort(); /* a failed load must leave the world as it was */
    }
    return 0;
}
