/* Fuzz target: the loader of atop/atop5_1a.csv. */
#define FUZZ_DATASET CASUS_DATASET_ATOP_ALLIANCES
#include "fuzz_data.h"
