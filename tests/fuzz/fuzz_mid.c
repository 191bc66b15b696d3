/* Fuzz target: the loader of cow/MIDB_5.0.csv. */
#define FUZZ_DATASET CASUS_DATASET_MIDB
#include "fuzz_data.h"
