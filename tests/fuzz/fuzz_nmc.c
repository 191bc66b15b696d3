/* Fuzz target: the loader of cow/NMC-60-abridged.csv. */
#define FUZZ_DATASET CASUS_DATASET_NMC
#include "fuzz_data.h"
