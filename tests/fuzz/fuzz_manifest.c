/* Fuzz target: the dataset manifest parser (data/manifest.csv). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "casus/fetch.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Whether a path has a ".." component (a name such as "a..b" is fine). */
static int has_dotdot(const char *path)
{
    for (const char *p = path; (p = strstr(p, "..")) != NULL; p++)
        if ((p == path || p[-1] == '/') && (p[2] == '\0' || p[2] == '/'))
            return 1;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    casus_manifest *m = NULL;
    casus_error err;
    if (casus_manifest_parse("fuzz.csv", (const char *)data, size, &m, &err) == CASUS_OK) {
        for (size_t i = 0; i < casus_manifest_count(m); i++) {
            const casus_dataset_file *f = casus_manifest_at(m, i);
            /* The parser's promise: paths stay inside the data directory.
             * (A substring test here once flagged "NMC-6.......atop" as
             * escaping; the crasher kept beside this file is that input.) */
            if (f->file[0] == '/' || has_dotdot(f->file) || f->bytes == 0 ||
                casus_manifest_find(m, f->file) != f)
                abort();
        }
        casus_manifest_free(m);
    } else if (m || err.message[0] == '\0') {
        abort();
    }
    return 0;
}
