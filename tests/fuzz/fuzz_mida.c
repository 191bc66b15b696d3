/* Fuzz target: the loader of cow/MIDA_5.0.csv. */
#define FUZZ_DATASET CASUS_DATASET_MIDA
#include "fuzz_data.h"
