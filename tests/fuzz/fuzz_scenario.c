/* Fuzz target: the scenario parser, against the project's world tables and
 * treaty files.  A parse only reads the world, so one world serves every
 * input; it is checked to be unchanged after each. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "casus/scenario.h"
#include "casus/world.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static casus_world *g_world;

static casus_world *world(void)
{
    if (!g_world) {
        const char *dir = getenv("CASUS_WORLD_DIR");
        if (!dir)
            dir = CASUS_WORLD_DIR_DEFAULT;
        char treaties[4096];
        snprintf(treaties, sizeof treaties, "%s/../treaties", dir);
        if (casus_world_create(&g_world, NULL) != CASUS_OK || casus_world_load_tables(g_world, dir, NULL) != CASUS_OK ||
            casus_world_load_treaty_dir(g_world, treaties, NULL) != CASUS_OK ||
            casus_world_finish(g_world, NULL) != CASUS_OK)
            abort();
    }
    return g_world;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    casus_world *w = world();
    size_t treaties = casus_world_treaty_count(w), obligations = casus_world_obligation_count(w);
    casus_error err;
    casus_scenario *sc = NULL;
    casus_status st = casus_scenario_parse(w, "fuzz.scenario", (const char *)data, size, &sc, &err);
    if (st == CASUS_OK) {
        /* What the parser promises of a good scenario. */
        if (!sc || !sc->id || !sc->title || sc->n_attacks == 0 || sc->n_sources == 0 || sc->horizon < 1 ||
            sc->horizon > CASUS_SCENARIO_MAX_HORIZON)
            abort();
        for (size_t i = 0; i < sc->n_attacks; i++)
            if (sc->attacks[i].day < sc->start || sc->attacks[i].day > sc->start + sc->horizon ||
                sc->attacks[i].attacker == sc->attacks[i].target)
                abort();
        for (size_t i = 0; i < sc->n_events; i++)
            if (sc->events[i].on.lo > sc->start + sc->horizon || (i && sc->events[i - 1].on.lo > sc->events[i].on.lo))
                abort();
        casus_scenario_free(sc);
    } else {
        char buf[2048];
        if (sc || err.message[0] == '\0' || casus_error_format(&err, buf, sizeof buf) <= 0)
            abort();
    }
    if (casus_world_treaty_count(w) != treaties || casus_world_obligation_count(w) != obligations)
        abort(); /* a parse must leave the world as it was */
    return 0;
}
