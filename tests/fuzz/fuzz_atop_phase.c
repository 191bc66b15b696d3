/* Fuzz target: the loader of atop/atop5_1aph.csv. */
#define FUZZ_DATASET CASUS_DATASET_ATOP_PHASES
#include "fuzz_data.h"
