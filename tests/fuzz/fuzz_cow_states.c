/* Fuzz target: the loader of cow/states2016.csv. */
#define FUZZ_DATASET CASUS_DATASET_COW_STATES
#include "fuzz_data.h"
