/* The body shared by the dataset fuzz targets (fuzz_atop_member.c and the
 * others): each defines FUZZ_DATASET and includes this file.  Every input
 * is loaded into a fresh, empty world; a good one must finish, a bad one
 * must leave the world as it was. */
#include <stdint.h>
#include <stdlib.h>

#include "casus/data.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    casus_world *w = NULL;
    casus_error err;
    if (casus_world_create(&w, NULL) != CASUS_OK)
        abort();
    casus_status st = casus_data_load_text(w, FUZZ_DATASET, "fuzz.csv", (const char *)data, size, &err);
    if (st == CASUS_OK) {
        if (casus_world_finish(w, NULL) != CASUS_OK)
            abort();
    } else {
        /* A failed load names the file and leaves nothing behind. */
        if (err.file[0] == '\0' || casus_world_treaty_count(w) != 0 || casus_data_loaded(w, FUZZ_DATASET))
            abort();
    }
    casus_world_free(w);
    return 0;
}
