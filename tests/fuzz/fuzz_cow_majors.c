/* Fuzz target: the loader of cow/majors2016.csv. */
#define FUZZ_DATASET CASUS_DATASET_COW_MAJORS
#include "fuzz_data.h"
