/* Fuzz target: the loader of cow/system2016.csv. */
#define FUZZ_DATASET CASUS_DATASET_COW_SYSTEM
#include "fuzz_data.h"
