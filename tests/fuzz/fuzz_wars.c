/* Fuzz target: the COW inter-state war loader (Inter-State War Data v4.0). */
#include <stdint.h>
#include <stdlib.h>

#include "casus/wars.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    casus_wars *w = NULL;
    casus_error err;
    if (casus_wars_create(&w, NULL) != CASUS_OK)
        abort();
    casus_status st = casus_wars_load_text(w, "fuzz.csv", (const char *)data, size, &err);
    if (st == CASUS_OK) {
        /* Every war a good load yields must be whole and findable. */
        for (size_t i = 0; i < casus_wars_count(w); i++) {
            const casus_war *war = casus_wars_at(w, i);
            if (!war || war->n_participants == 0 || war->n_side[0] + war->n_side[1] != war->n_participants ||
                casus_wars_find(w, war->number) != war)
                abort();
            char buf[40];
            casus_war_date_format(&war->start, buf);
            casus_war_date_format(&war->end, buf);
        }
    } else if (casus_wars_count(w) != 0 || err.message[0] == '\0') {
        abort(); /* a failed load leaves the handle empty and says why */
    }
    casus_wars_free(w);
    return 0;
}
