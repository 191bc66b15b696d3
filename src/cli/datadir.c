/* Finding the dataset directory and the manifest (see datadir.h). */
#include "datadir.h"

#include <stdio.h>
#include <stdlib.h>

#include "casus/data.h"
#include "common.h"

static const char *fit(char *buf, size_t size, int n)
{
    return n >= 0 && (size_t)n < size ? buf : NULL;
}

const char *cli_data_dir(const char *opt, char *buf, size_t size)
{
    if (opt && *opt)
        return fit(buf, size, snprintf(buf, size, "%s", opt));
    const char *env = getenv("CASUS_DATA");
    if (env && *env)
        return fit(buf, size, snprintf(buf, size, "%s", env));
    /* The same user-level default the loaders look in. */
    return casus_data_user_dir(buf, size);
}

const char *cli_manifest_path(const char *opt, const char *share, char *buf, size_t size)
{
    if (opt && *opt)
        return fit(buf, size, snprintf(buf, size, "%s", opt));
    return fit(buf, size, snprintf(buf, size, "%s/data/manifest.csv", cli_share_dir(share)));
}
