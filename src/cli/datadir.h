/* Where the casus command finds the dataset directory (ATOP, COW) and the
 * dataset manifest.  Uses the public API only. */
#ifndef CASUS_CLI_DATADIR_H
#define CASUS_CLI_DATADIR_H

#include <stddef.h>

/* The dataset directory: opt (--data) when given, else $CASUS_DATA, else
 * $XDG_DATA_HOME/casus, else $HOME/.local/share/casus (the XDG Base
 * Directory default).  Writes it into buf; returns buf, or NULL when none
 * can be found (no HOME) or it does not fit. */
const char *cli_data_dir(const char *opt, char *buf, size_t size);

/* The manifest: opt (--manifest) when given, else SHARE/data/manifest.csv
 * with SHARE found as for the world tables (--share, CASUS_SHARE, the
 * source tree, the installed copy). */
const char *cli_manifest_path(const char *opt, const char *share, char *buf, size_t size);

#endif
