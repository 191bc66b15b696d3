/* Fuzz target: the resolution file parser (docs/sanctions.md).  A failed
 * load must leave the set as it was; a good one must survive a check
 * against an empty events set and a listing. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "casus/sanctions.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    casus_sanctions *s = NULL;
    if (casus_sanctions_create(NULL, NULL, &s, NULL) != CASUS_OK)
        abort();
    casus_error err;
    casus_status st = casus_sanctions_load_text(s, "fuzz.sanctions", (const char *)data, size, &err);
    if (st == CASUS_OK) {
        casus_events *ev = NULL;
        casus_sanctions_report *r = NULL;
        if (casus_events_create(NULL, NULL, &ev, NULL) != CASUS_OK || casus_sanctions_check(s, ev, &r, NULL) != CASUS_OK)
            abort();
        FILE *null = fopen("/dev/null", "w");
        if (null) {
            casus_sanctions_list_write(s, casus_day_from_ymd(2024, 5, 1), null, NULL);
            fclose(null);
        }
        casus_sanctions_report_free(r);
        casus_events_free(ev);
    } else if (casus_sanctions_count(s) != 0) {
        abort(); /* a failed load must leave the set as it was */
    }
    casus_sanctions_free(s);
    return 0;
}
