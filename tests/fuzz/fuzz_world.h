/* The world the fuzz targets of tables read against (fuzz_nuclear.c,
 * fuzz_state_names.c, fuzz_treaty.c): the project's world tables (world/,
 * or CASUS_WORLD_DIR), loaded once on first use into g_world.  A target may
 * free g_world and set it to NULL to start afresh. */
#include <stdlib.h>

#include "casus/world.h"

static casus_world *g_world;

static casus_world *world(void)
{
    if (!g_world) {
        const char *dir = getenv("CASUS_WORLD_DIR");
        if (casus_world_create(&g_world, NULL) != CASUS_OK ||
            casus_world_load_tables(g_world, dir ? dir : CASUS_WORLD_DIR_DEFAULT, NULL) != CASUS_OK)
            abort();
    }
    return g_world;
}
