/* Fuzz target: the join model's parameter file parser. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "casus/joinmodel.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    casus_jm_params p, q;
    casus_error err;
    if (casus_jm_params_parse("fuzz.params", (const char *)data, size, &p, &err) != CASUS_OK) {
        /* A refusal says where. */
        if (err.status == CASUS_PARSE && err.line < 1)
            abort();
        return 0;
    }
    /* What parses is finite, and writes back to the same numbers. */
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return 0;
    if (casus_jm_params_write(&p, f, &err) != CASUS_OK)
        abort();
    fclose(f);
    if (casus_jm_params_parse("again.params", buf, len, &q, &err) != CASUS_OK)
        abort();
    for (int k = 0; k < CASUS_JM_FEATURE_COUNT; k++)
        if (!isfinite(p.beta[k]) || q.beta[k] != p.beta[k] || (isnan(p.se[k]) != isnan(q.se[k])))
            abort();
    free(buf);
    return 0;
}
