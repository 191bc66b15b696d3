/* Fuzz target: the events file parser (docs/sanctions.md, "Events").  A
 * failed load must leave the set as it was; the events of a good one are
 * checked against the shipped resolutions and written in every format,
 * the totals' CSV table included. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "casus/sanctions.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static casus_sanctions *g_resolutions;

static casus_sanctions *resolutions(void)
{
    if (!g_resolutions) {
        const char *dir = getenv("CASUS_SANCTIONS_DIR");
        if (casus_sanctions_create(NULL, NULL, &g_resolutions, NULL) != CASUS_OK ||
            casus_sanctions_load_dir(g_resolutions, dir ? dir : CASUS_SANCTIONS_DIR_DEFAULT, NULL) != CASUS_OK)
            abort();
    }
    return g_resolutions;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    casus_events *ev = NULL;
    if (casus_events_create(NULL, NULL, &ev, NULL) != CASUS_OK)
        abort();
    casus_error err;
    casus_status st = casus_events_load_text(ev, "fuzz.events", (const char *)data, size, &err);
    if (st == CASUS_OK) {
        casus_sanctions_report *r = NULL;
        if (casus_sanctions_check(resolutions(), ev, &r, NULL) != CASUS_OK)
            abort();
        FILE *null = fopen("/dev/null", "w");
        if (null) {
            for (int f = CASUS_FORMAT_TEXT; f <= CASUS_FORMAT_JSON; f++)
                casus_sanctions_report_write(r, (casus_format)f, null, NULL);
            casus_sanctions_totals_write_csv(r, null, NULL);
            fclose(null);
        }
        casus_sanctions_report_free(r);
    } else if (casus_events_count(ev) != 0) {
        abort();
    }
    casus_events_free(ev);
    return 0;
}
