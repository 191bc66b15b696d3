/* casus/fetch.h - the dataset manifest, and fetching and verifying the
 * datasets casus reads (ATOP 5.1, COW) into a data directory.
 *
 * The manifest (data/manifest.csv in the source tree; its columns: file,
 * sha256, bytes, url, member, citation) names every dataset file by its
 * path under the data directory ("atop/atop5_1a.csv"), the SHA-256 and size
 * of the exact bytes casus expects, the official address it is published
 * at and, when that address is a zip archive, the member to take from it
 * ("dir/name.csv"; "inner.zip!name.csv" for a member of a zip inside the
 * zip).
 *
 * A fetcher downloads (libcurl), unpacks (libarchive) and verifies (nettle
 * SHA-256) one file at a time.  Each file is written to a temporary file
 * beside its target and renamed into place only once its size and SHA-256
 * match the manifest, so a failure never leaves a half-written file behind.
 *
 * Ownership: a manifest owns its entries (valid until casus_manifest_free);
 * a fetcher owns its scratch files and removes them in casus_fetcher_free.
 * Neither keeps pointers to the caller's strings after create returns.
 * Thread-safety: one fetcher per thread. */
#ifndef CASUS_FETCH_H
#define CASUS_FETCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "casus/extern.h"
#include "casus/error.h"

/* Caps on what the manifest and fetching accept. */
#define CASUS_MAX_MANIFEST_FILE (1u << 20)           /* bytes of the manifest */
#define CASUS_MAX_MANIFEST_ENTRIES 1000
#define CASUS_MAX_DATASET_BYTES (256ull << 20)       /* bytes of one dataset file */
#define CASUS_MAX_ARCHIVE_BYTES (512ull << 20)       /* bytes of one downloaded archive */

typedef struct casus_dataset_file {
    const char *file;       /* relative path under the data directory */
    uint8_t sha256[32];     /* of the file's bytes */
    char sha256_hex[65];    /* the same, lower-case hex */
    uint64_t bytes;         /* size of the file */
    const char *url;        /* official address of the file or of the archive holding it */
    const char *member;     /* member path inside the archive; "" for a bare file */
    const char *citation;
    int line;               /* line of the entry in the manifest */
} casus_dataset_file;

typedef struct casus_manifest casus_manifest;

/* Parses manifest text; name is used in messages (file:line:col). */
CASUS_EXTERN casus_status casus_manifest_parse(const char *name, const char *text, size_t len,
                                  casus_manifest **manifest /* OUT */, casus_error *err);
CASUS_EXTERN casus_status casus_manifest_load(const char *path, casus_manifest **manifest /* OUT */, casus_error *err);
/* Frees the manifest; accepts NULL; cannot fail. */
CASUS_EXTERN void casus_manifest_free(casus_manifest *manifest);
CASUS_EXTERN size_t casus_manifest_count(const casus_manifest *manifest);
CASUS_EXTERN const casus_dataset_file *casus_manifest_at(const casus_manifest *manifest, size_t i);
/* The entry for a relative path ("cow/states2016.csv"); NULL when none. */
CASUS_EXTERN const casus_dataset_file *casus_manifest_find(const casus_manifest *manifest, const char *file);

/* SHA-256 and size of a file on disk.  CASUS_NOTFOUND when it does not
 * exist, CASUS_IO when it cannot be read. */
CASUS_EXTERN casus_status casus_sha256_file(const char *path, uint8_t sha256[32] /* OUT */, uint64_t *bytes /* OUT */,
                               casus_error *err);
/* Whether data_dir holds the file with the manifest's size and SHA-256:
 * CASUS_OK, CASUS_NOTFOUND (missing), CASUS_CHECKSUM (other bytes), or
 * CASUS_IO.  The error names the file and both checksums. */
CASUS_EXTERN casus_status casus_dataset_verify(const char *data_dir, const casus_dataset_file *file, casus_error *err);

/* Where a fetcher takes files from. */
typedef struct casus_fetch_opts {
    const char *data_dir;     /* target directory; created when missing */
    const char *from;         /* NULL: the manifest's official addresses;
                               * "http://..." or "https://...": a mirror serving the
                               * data directory's layout (FROM/atop/atop5_1a.csv);
                               * anything else: a local directory with that layout */
    long connect_timeout;     /* seconds; 0: 30 */
    long timeout;             /* seconds for a whole transfer; 0: 1800 */
    long low_speed_time;      /* give up after this many seconds below 100 bytes/s; 0: 60 */
    bool force;               /* fetch even when the file is already there and good */
} casus_fetch_opts;

typedef enum casus_fetch_result {
    CASUS_FETCH_FETCHED,      /* written and verified */
    CASUS_FETCH_ALREADY_GOOD  /* already present with the right checksum; left alone */
} casus_fetch_result;

typedef struct casus_fetcher casus_fetcher;

CASUS_EXTERN casus_status casus_fetcher_create(const casus_fetch_opts *opts, casus_fetcher **fetcher /* OUT */,
                                  casus_error *err);
/* Removes the fetcher's scratch files (downloaded archives); accepts NULL;
 * cannot fail. */
CASUS_EXTERN void casus_fetcher_free(casus_fetcher *fetcher);
/* Fetches one file of the manifest into the data directory.  Errors:
 * CASUS_CHECKSUM (wrong size or SHA-256), CASUS_NOTFOUND (no such file in a
 * local mirror, no such member in an archive), CASUS_NETWORK (connection,
 * HTTP error status, timeout, truncated transfer), CASUS_TOOBIG (more bytes
 * than expected), CASUS_PARSE (an archive libarchive cannot read), CASUS_IO
 * (local files).  The error's file is the manifest path and its message
 * names the address. */
CASUS_EXTERN casus_status casus_fetcher_get(casus_fetcher *fetcher, const casus_dataset_file *file,
                               casus_fetch_result *result /* OUT */, casus_error *err);
/* The address the fetcher takes file from: a URL, "URL [member]", or a
 * local path.  Writes at most size bytes (NUL included) into buf. */
CASUS_EXTERN void casus_fetcher_source(const casus_fetcher *fetcher, const casus_dataset_file *file, char *buf, size_t size);

#endif
