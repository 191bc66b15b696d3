/* Fuzz target: the loader of world/states.csv. */
#define FUZZ_TABLE 1
#include "fuzz_world_tables.h"
