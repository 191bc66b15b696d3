/* casus data: fetch the datasets (ATOP 5.1, COW) into the data directory,
 * verify them, and list what the manifest names. */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "casus/fetch.h"
#include "common.h"
#include "datadir.h"

int cmd_data(int argc, char **argv);

const char cmd_data_usage[] =
    "Usage: casus data fetch [--from DIR|URL] [--data DIR] [--force] [FILE...]\n"
    "       casus data verify [--data DIR] [FILE...]\n"
    "       casus data list\n"
    "       (each also takes --manifest FILE and --share DIR)\n"
    "\n"
    "fetch   downloads the dataset files casus reads (ATOP 5.1 and the COW data\n"
    "        sets) from their official addresses, takes each file out of its zip\n"
    "        archive where it is published in one, checks its size and SHA-256\n"
    "        against the manifest and only then moves it into the data\n"
    "        directory.  A file already there with the right checksum is left\n"
    "        alone.  Prints one line per file: fetched, or skipped (already\n"
    "        good).  Nothing half-written is left behind on any error.\n"
    "verify  checks the files in the data directory against the manifest.\n"
    "list    prints the manifest: file, size, SHA-256, address, archive member.\n"
    "\n"
    "FILE... limits the work to those files of the manifest (cow/states2016.csv).\n"
    "\n"
    "      --from DIR|URL   take the files from a mirror instead of the official\n"
    "                       addresses: a directory, or an http(s) address, laid out\n"
    "                       like the data directory (atop/atop5_1a.csv, cow/...)\n"
    "      --data DIR       the data directory; default: CASUS_DATA, then\n"
    "                       $XDG_DATA_HOME/casus, then ~/.local/share/casus\n"
    "      --force          fetch files even when they are already good\n"
    "      --manifest FILE  use this manifest instead of SHARE/data/manifest.csv\n"
    "      --share DIR      directory holding data/manifest.csv (default: CASUS_SHARE,\n"
    "                       then the source tree, then the installed copy)\n"
    "\n"
    "Exit status: 0 when every file is good; 1 when a transfer failed (no\n"
    "connection, HTTP error, time-out, cut-short download); 2 for bad input (a\n"
    "checksum mismatch, a file missing from a mirror, a bad manifest, unknown\n"
    "options or files).\n"
    "\n"
    "The sources of the addresses and checksums: docs/data-fetch.md.\n"
    "\n"
    "Example:\n"
    "  casus data fetch\n"
    "  casus data fetch --from /media/mirror/casus-data --data ./data-dir\n";

enum { OPT_FROM = 256, OPT_FORCE, OPT_MANIFEST };

typedef struct data_opts {
    const char *from;
    const char *data;
    const char *manifest;
    const char *share;
    bool force;
} data_opts;

/* Selects the manifest entries named on the command line, or all. */
static int select_files(const casus_manifest *m, int n, char **names, const casus_dataset_file **out)
{
    if (n == 0) {
        for (size_t i = 0; i < casus_manifest_count(m); i++)
            out[i] = casus_manifest_at(m, i);
        return (int)casus_manifest_count(m);
    }
    for (int i = 0; i < n; i++) {
        out[i] = casus_manifest_find(m, names[i]);
        if (!out[i])
            return -1 - i;
    }
    return n;
}

static int worse(int a, int b) { return a > b ? a : b; }

static int data_fetch(const data_opts *o, const char *data_dir, const casus_dataset_file **files, int n)
{
    casus_error err;
    casus_error_clear(&err);
    casus_fetch_opts fo = {.data_dir = data_dir, .from = o->from, .force = o->force};
    casus_fetcher *f = NULL;
    if (casus_fetcher_create(&fo, &f, &err) != CASUS_OK)
        return cli_fail(&err);
    int rc = EXIT_OK, fetched = 0, good = 0, failed = 0;
    for (int i = 0; i < n; i++) {
        casus_fetch_result res;
        char source[4500];
        casus_fetcher_source(f, files[i], source, sizeof source);
        casus_error_clear(&err);
        if (casus_fetcher_get(f, files[i], &res, &err) != CASUS_OK) {
            fflush(stdout);
            rc = worse(rc, cli_fail(&err));
            failed++;
            continue;
        }
        if (res == CASUS_FETCH_FETCHED) {
            printf("fetched  %s (%llu bytes, SHA-256 verified) from %s\n", files[i]->file,
                   (unsigned long long)files[i]->bytes, source);
            fetched++;
        } else {
            printf("skipped  %s (already present, SHA-256 verified)\n", files[i]->file);
            good++;
        }
        fflush(stdout);
    }
    casus_fetcher_free(f);
    printf("%d file%s: %d fetched, %d already good, %d failed; data directory %s\n", n, n == 1 ? "" : "s", fetched,
           good, failed, data_dir);
    return rc;
}

static int data_verify(const char *data_dir, const casus_dataset_file **files, int n)
{
    int rc = EXIT_OK, bad = 0;
    for (int i = 0; i < n; i++) {
        casus_error err;
        casus_error_clear(&err);
        if (casus_dataset_verify(data_dir, files[i], &err) != CASUS_OK) {
            fflush(stdout);
            rc = worse(rc, cli_fail(&err));
            bad++;
            continue;
        }
        printf("ok       %s (%llu bytes, SHA-256 %s)\n", files[i]->file, (unsigned long long)files[i]->bytes,
               files[i]->sha256_hex);
    }
    printf("%d file%s: %d good, %d missing or different; data directory %s\n", n, n == 1 ? "" : "s", n - bad, bad,
           data_dir);
    if (bad)
        printf("run 'casus data fetch' to fetch what is missing or different\n");
    return rc;
}

static void data_list(const casus_dataset_file **files, int n)
{
    for (int i = 0; i < n; i++) {
        const casus_dataset_file *f = files[i];
        printf("%s\n  %llu bytes, SHA-256 %s\n  from %s%s%s%s\n  cite: %s\n", f->file, (unsigned long long)f->bytes,
               f->sha256_hex, f->url, f->member[0] ? " [member " : "", f->member, f->member[0] ? "]" : "",
               f->citation);
    }
}

int cmd_data(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"from", required_argument, NULL, OPT_FROM},         CLI_LONGOPT_DATA,
        {"force", no_argument, NULL, OPT_FORCE},             {"manifest", required_argument, NULL, OPT_MANIFEST},
        CLI_LONGOPT_SHARE,                                   {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    if (argc < 2)
        return cli_usage_error("data", "which? fetch, verify or list");
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        fputs(cmd_data_usage, stdout);
        return EXIT_OK;
    }
    const char *sub = argv[1];
    if (strcmp(sub, "fetch") != 0 && strcmp(sub, "verify") != 0 && strcmp(sub, "list") != 0)
        return cli_usage_error("data", "unknown subcommand '%s' (fetch, verify or list)", sub);
    data_opts o = {0};
    cli_world_opts shared = {0};
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc - 1, argv + 1, "h", longopts, NULL)) != -1) {
        switch (c) {
        case OPT_FROM: o.from = optarg; break;
        case OPT_FORCE: o.force = true; break;
        case OPT_MANIFEST: o.manifest = optarg; break;
        case 'h': fputs(cmd_data_usage, stdout); return EXIT_OK;
        default:
            if (cli_world_option(c, optarg, &shared))
                break;
            return cli_usage_error("data", "unknown or incomplete option '%s'", argv[optind]);
        }
    }
    o.data = shared.data;
    o.share = shared.share;
    bool is_fetch = strcmp(sub, "fetch") == 0;
    if (!is_fetch && (o.from || o.force))
        return cli_usage_error("data", "--from and --force go with fetch only");

    char mpath[4096], dbuf[4096];
    if (!cli_manifest_path(o.manifest, o.share, mpath, sizeof mpath))
        return cli_usage_error("data", "manifest path too long");
    casus_error err;
    casus_error_clear(&err);
    casus_manifest *m = NULL;
    if (casus_manifest_load(mpath, &m, &err) != CASUS_OK)
        return cli_fail(&err);
    int n_names = argc - 1 - optind;
    char **names = argv + 1 + optind;
    /* The parser keeps a manifest within CASUS_MAX_MANIFEST_ENTRIES; only
     * the names given can overflow sel. */
    const casus_dataset_file *sel[CASUS_MAX_MANIFEST_ENTRIES];
    int n = n_names <= CASUS_MAX_MANIFEST_ENTRIES ? select_files(m, n_names, names, sel)
                                                  : -1 - CASUS_MAX_MANIFEST_ENTRIES;
    int rc = EXIT_OK;
    if (n < 0) {
        int bad = -1 - n;
        rc = cli_usage_error("data", "'%s' is not a file of the manifest (see 'casus data list')",
                             bad < n_names ? names[bad] : "?");
    } else if (strcmp(sub, "list") == 0) {
        data_list(sel, n);
    } else {
        const char *data_dir = cli_data_dir(o.data, dbuf, sizeof dbuf);
        if (!data_dir)
            rc = cli_usage_error("data", "no data directory: give --data DIR or set CASUS_DATA (HOME is not set)");
        else if (is_fetch)
            rc = data_fetch(&o, data_dir, sel, n);
        else
            rc = data_verify(data_dir, sel, n);
    }
    casus_manifest_free(m);
    return rc;
}
