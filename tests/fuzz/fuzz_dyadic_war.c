/* Fuzz target: the loader of cow/directed_dyadic_war.csv. */
#define FUZZ_DATASET CASUS_DATASET_DYADIC_WAR
#include "fuzz_data.h"
