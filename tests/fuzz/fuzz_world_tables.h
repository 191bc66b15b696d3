/* The body shared by the fuzz targets of the world tables
 * (fuzz_world_areas.c, fuzz_world_states.c, fuzz_world_places.c): each
 * defines FUZZ_TABLE (0 areas.csv, 1 states.csv, 2 places.csv) and includes
 * this file.  The input stands for that table; the other two are the
 * project's own (world/).  A good input must give a world that finishes; a
 * bad one must be refused with the file named and leave the world exactly
 * as it was (all or nothing). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "casus/world.h"
#include "world_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *fuzz_slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    *len = buf ? (size_t)n : 0;
    return buf;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const files[3] = {"areas.csv", "states.csv", "places.csv"};
    static char *own[3];
    static size_t own_len[3];
    for (int k = 0; k < 3; k++) {
        if (k == FUZZ_TABLE || own[k])
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", CASUS_WORLD_DIR_DEFAULT, files[k]);
        if (!(own[k] = fuzz_slurp(path, &own_len[k]))) {
            fprintf(stderr, "cannot read %s\n", path);
            abort();
        }
    }
    const char *names[3] = {files[0], files[1], files[2]};
    const char *texts[3] = {own[0], own[1], own[2]};
    size_t lens[3] = {own_len[0], own_len[1], own_len[2]};
    texts[FUZZ_TABLE] = (const char *)data;
    lens[FUZZ_TABLE] = size;
    names[FUZZ_TABLE] = "fuzz.csv";

    casus_world *w = NULL;
    casus_error err;
    if (casus_world_create(&w, NULL) != CASUS_OK)
        abort();
    casus_world_counts before = casus__world_counts(w);
    casus_status st = casus__world_load_tables_text(w, names, texts, lens, &err);
    if (st == CASUS_OK) {
        if (casus_world_finish(w, NULL) != CASUS_OK)
            abort();
        /* Every state found by its code is found by its abbreviation. */
        for (size_t i = 0; i < casus_world_state_count(w); i++) {
            const casus_state *s = casus_world_state_at(w, i);
            if (casus_world_state_by_ccode(w, s->ccode) != s || !casus_world_home(w, s->ccode))
                abort();
        }
    } else {
        /* Field by field: the structs' padding is not part of the count. */
        casus_world_counts after = casus__world_counts(w);
        if (err.file[0] == '\0' || after.states != before.states || after.spells != before.spells ||
            after.places != before.places || after.areas != before.areas || after.treaties != before.treaties ||
            after.coverage != before.coverage || after.arena_bytes != before.arena_bytes ||
            after.datasets != before.datasets || after.dataset_records != before.dataset_records ||
            after.finished != before.finished)
            abort();
    }
    casus_world_free(w);
    return 0;
}
