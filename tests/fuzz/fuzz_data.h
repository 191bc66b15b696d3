/* The body shared by the dataset fuzz targets (fuzz_atop_member.c and the
 * others): each defines FUZZ_DATASET and includes this file.  Every input
 * is loaded into a fresh world (empty, or holding a few COW states when the
 * target defines FUZZ_STATES_FIRST, as the ATOP member file names states);
 * a good one must finish, a bad one must leave the world as it was. */
#include <stdint.h>
#include <stdlib.h>

#include "casus/data.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#ifdef FUZZ_STATES_FIRST
/* Rows of COW's states2016.csv for the states the corpus names. */
static const char fuzz_states[] =
    "stateabb,ccode,statenme,styear,stmonth,stday,endyear,endmonth,endday,version\n"
    "USA,2,United States of America,1816,1,1,2016,12,31,2016\n"
    "UKG,200,United Kingdom,1816,1,1,2016,12,31,2016\n"
    "NTH,210,Netherlands,1816,1,1,1940,7,14,2016\n"
    "NTH,210,Netherlands,1945,6,26,2016,12,31,2016\n"
    "FRN,220,France,1816,1,1,1942,11,11,2016\n"
    "FRN,220,France,1944,8,25,2016,12,31,2016\n"
    "SPN,230,Spain,1816,1,1,2016,12,31,2016\n"
    "GMY,255,Germany,1816,1,1,1945,5,8,2016\n"
    "GMY,255,Germany,1990,10,3,2016,12,31,2016\n"
    "POL,290,Poland,1918,11,3,1939,9,27,2016\n"
    "POL,290,Poland,1945,6,28,2016,12,31,2016\n"
    "AUH,300,Austria-Hungary,1816,1,1,1918,11,12,2016\n"
    "ITA,325,Italy,1816,1,1,2016,12,31,2016\n"
    "ROM,360,Romania,1878,7,13,2016,12,31,2016\n"
    "RUS,365,Russia,1816,1,1,2016,12,31,2016\n";
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    casus_world *w = NULL;
    casus_error err;
    if (casus_world_create(&w, NULL) != CASUS_OK)
        abort();
#ifdef FUZZ_STATES_FIRST
    if (casus_data_load_text(w, CASUS_DATASET_COW_STATES, "states.csv", fuzz_states, sizeof fuzz_states - 1, NULL) !=
        CASUS_OK)
        abort();
#endif
    size_t states = casus_world_state_count(w);
    casus_status st = casus_data_load_text(w, FUZZ_DATASET, "fuzz.csv", (const char *)data, size, &err);
    if (st == CASUS_OK) {
        if (casus_world_finish(w, NULL) != CASUS_OK)
            abort();
    } else {
        /* A failed load names the file and leaves nothing behind. */
        if (err.file[0] == '\0' || casus_world_treaty_count(w) != 0 || casus_data_loaded(w, FUZZ_DATASET) ||
            casus_world_state_count(w) != states)
            abort();
    }
    casus_world_free(w);
    return 0;
}
