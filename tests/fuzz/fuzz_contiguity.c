/* Fuzz target: the loader of cow/contdir.csv. */
#define FUZZ_DATASET CASUS_DATASET_CONTIGUITY
#include "fuzz_data.h"
