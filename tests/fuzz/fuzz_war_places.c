/* Fuzz target: where the attacks of the COW wars took place
 * (world/war-places.csv), against the project's world tables, and the
 * look-up on what it accepts. */
#include <stdint.h>
#include <stdlib.h>

#include "casus/warplaces.h"
#include "casus/world.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#include "fuzz_world.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    casus_war_places *t = NULL;
    casus_error err;
    if (casus_war_places_parse(world(), "fuzz.csv", (const char *)data, size, &t, &err) != CASUS_OK) {
        if (t)
            abort();
        return 0;
    }
    for (size_t i = 0; i < casus_war_places_count(t); i++) {
        const casus_war_place *r = casus_war_places_at(t, i);
        /* Every row is found again: by its own attacker, or (for any
         * attacker) by an attacker no row names. */
        const casus_war_place *f = casus_war_places_find(t, r->war, r->attacker ? r->attacker : -1, r->target);
        if (!r->place || !r->source || r->target <= 0 || r->attacker == r->target || !f || f->place == NULL ||
            (r->attacker && f != r) || r->place == casus_world_home(world(), r->target))
            abort();
    }
    casus_war_places_free(t);
    return 0;
}
