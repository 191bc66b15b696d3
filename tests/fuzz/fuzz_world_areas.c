/* Fuzz target: the loader of world/areas.csv. */
#define FUZZ_TABLE 0
#include "fuzz_world_tables.h"
