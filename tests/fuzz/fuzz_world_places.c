/* Fuzz target: the loader of world/places.csv. */
#define FUZZ_TABLE 2
#include "fuzz_world_tables.h"
