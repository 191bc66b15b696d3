/* Finding the dataset directory and the manifest (see datadir.h). */
#include "datadir.h"

#include <stdio.h>
#include <stdlib.h>

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
    /* XDG Base Directory Specification: a relative XDG_DATA_HOME is invalid
     * and must be ignored. */
    env = getenv("XDG_DATA_HOME");
    if (env && env[0] == '/')
        return fit(buf, size, snprintf(buf, size, "%s/casus", env));
    env = getenv("HOME");
    if (env && *env)
        return fit(buf, size, snprintf(buf, size, "%s/.local/share/casus", env));
    return NULL;
}

const char *cli_manifest_path(const char *opt, const char *share, char *buf, size_t size)
{
    if (opt && *opt)
        return fit(buf, size, snprintf(buf, size, "%s", opt));
    return fit(buf, size, snprintf(buf, size, "%s/data/manifest.csv", cli_share_dir(share)));
}
