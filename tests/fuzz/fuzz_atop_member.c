/* Fuzz target: the loader of atop/atop5_1m.csv. */
#define FUZZ_DATASET CASUS_DATASET_ATOP_MEMBERS
#define FUZZ_STATES_FIRST
#include "fuzz_data.h"
