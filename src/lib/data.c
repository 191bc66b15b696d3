/* The historical datasets: finding the data directory, loading files in
 * order, all or nothing, and the look-ups (casus/data.h).  The loaders are
 * in data_cow.c and data_atop.c, the helpers they share in data_common.c. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "data_internal.h"

static const char *const dataset_files[] = {
#define CASUS__FILE(n, f, l) f,
    CASUS_DATASET_MAP(CASUS__FILE)
#undef CASUS__FILE
};

const char *casus_dataset_path(casus_dataset which)
{
    return (unsigned)which < CASUS_DATASET_COUNT ? dataset_files[which] : "?";
}

bool casus_data_loaded(const casus_world *w, casus_dataset which)
{
    const data_store *s = casus__data_store_get(w);
    return s && (unsigned)which < CASUS_DATASET_COUNT && (s->loaded & (1u << which));
}

void casus__data_counts(const casus_world *w, unsigned *loaded, size_t *records)
{
    const data_store *s = casus__data_store_get(w);
    *loaded = s ? s->loaded : 0;
    *records = 0;
    if (!s)
        return;
    *records = s->n_majors + s->n_contig + s->n_nmc + s->n_alliances + s->n_phases + (s->system != NULL);
    for (size_t i = 0; i < sizeof s->tables / sizeof *s->tables; i++)
        if (s->tables[i])
            *records += s->tables[i]->n_rows * s->tables[i]->n_cols;
}

/* ---- the data directory ------------------------------------------------- */

static bool is_file(const char *dir, const char *rel)
{
    char path[4096];
    struct stat st;
    if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, rel) >= sizeof path)
        return false;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static bool is_data_dir(const char *dir)
{
    return dir && *dir && (is_file(dir, "cow/states2016.csv") || is_file(dir, "atop/atop5_1m.csv"));
}

static casus_status take_dir(const char *dir, char *out, size_t size, casus_error *err)
{
    if (strlen(dir) >= size)
        return casus_error_set(err, CASUS_TOOBIG, dir, 0, 0, "data directory path is too long");
    snprintf(out, size, "%s", dir);
    return CASUS_OK;
}

const char *casus_data_user_dir(char *buf, size_t size)
{
    const char *xdg = getenv("XDG_DATA_HOME");
    const char *home = getenv("HOME");
    int n;
    /* The XDG Base Directory specification: a relative XDG_DATA_HOME is
     * invalid and is ignored. */
    if (xdg && xdg[0] == '/')
        n = snprintf(buf, size, "%s/casus", xdg);
    else if (home && *home)
        n = snprintf(buf, size, "%s/.local/share/casus", home);
    else
        return NULL;
    return n >= 0 && (size_t)n < size ? buf : NULL;
}

casus_status casus_data_find_dir(const char *explicit_dir, const char *share_dir, char *out, size_t size,
                                 casus_error *err)
{
    if (size)
        out[0] = '\0';
    /* A directory the user named must be right: silently ignoring it would
     * give answers without the data the user asked for. */
    if (explicit_dir) {
        if (!is_data_dir(explicit_dir))
            return casus_error_set(err, CASUS_NOTFOUND, explicit_dir, 0, 0,
                                   "not a casus data directory (expected cow/states2016.csv or atop/atop5_1m.csv in it)");
        return take_dir(explicit_dir, out, size, err);
    }
    const char *env = getenv("CASUS_DATA");
    if (env && *env) {
        if (!is_data_dir(env))
            return casus_error_set(err, CASUS_NOTFOUND, env, 0, 0,
                                   "CASUS_DATA names no casus data directory (expected cow/states2016.csv or atop/atop5_1m.csv in it)");
        return take_dir(env, out, size, err);
    }
    char path[4096];
    if (!casus_data_user_dir(path, sizeof path))
        path[0] = '\0';
    if (is_data_dir(path))
        return take_dir(path, out, size, err);
    if (is_data_dir(share_dir))
        return take_dir(share_dir, out, size, err);
    return CASUS_OK;
}

/* ---- loading ------------------------------------------------------------ */

/* A load's snapshot: the world's, and the dataset store's fields, which a
 * loader overwrites when it succeeds (a later failure in the same call must
 * put them back). */
typedef struct data_tx {
    casus_world_tx world;
    data_store *had;
    data_store saved;
} data_tx;

static data_tx *tx_begin(casus_world *w)
{
    data_tx *tx = casus__mem_alloc(casus__world_mem(w), sizeof *tx);
    if (!tx)
        return NULL;
    casus__world_begin(w, &tx->world);
    tx->had = casus__world_datasets(w);
    if (tx->had)
        tx->saved = *tx->had;
    return tx;
}

static void tx_end(casus_world *w, data_tx *tx, bool rollback)
{
    if (rollback) {
        casus__world_rollback(w, &tx->world);
        if (tx->had)
            *tx->had = tx->saved;
    }
    casus__mem_free(casus__world_mem(w), tx, sizeof *tx);
}

/* The loader of each dataset, from the rows of CASUS_DATASET_MAP. */
static const data_loader loaders[] = {
#define CASUS__LOADER(n, f, l) casus__data_load_##l,
    CASUS_DATASET_MAP(CASUS__LOADER)
#undef CASUS__LOADER
};

/* Loads one dataset, all or nothing: on any failure the world, its dataset
 * store included, is as it was before the call. */
casus_status casus_data_load_text(casus_world *w, casus_dataset which, const char *name, const char *text,
                                  size_t len, casus_error *err)
{
    if ((unsigned)which >= CASUS_DATASET_COUNT)
        return casus_error_set(err, CASUS_INVALID, name, 0, 0, "unknown dataset %d", (int)which);
    if (!name)
        name = casus_dataset_path(which);
    if (len > CASUS_MAX_DATA_FILE)
        return casus_error_set(err, CASUS_TOOBIG, name, 0, 0, "file is larger than the %u-byte limit",
                               CASUS_MAX_DATA_FILE);
    if (casus_data_loaded(w, which))
        return casus_error_set(err, CASUS_INVALID, name, 0, 0, "%s is already loaded", casus_dataset_path(which));
    data_tx *tx = tx_begin(w);
    if (!tx)
        return casus_error_set(err, CASUS_NOMEM, name, 0, 0, "out of memory");
    casus_status st = casus__data_store(w) ? loaders[which](w, which, name, text, len, err)
                                           : casus_error_set(err, CASUS_NOMEM, name, 0, 0, "out of memory");
    tx_end(w, tx, st != CASUS_OK);
    return st;
}

/* Every file of `what`, all or nothing: a failure in the last file leaves
 * none of the earlier ones loaded. */
casus_status casus_data_load(casus_world *w, const char *dir, unsigned what, casus_error *err)
{
    data_tx *tx = tx_begin(w);
    if (!tx)
        return casus_error_set(err, CASUS_NOMEM, dir, 0, 0, "out of memory");
    casus_status st = CASUS_OK;
    for (int k = 0; k < CASUS_DATASET_COUNT && st == CASUS_OK; k++) {
        if (!(what & (1u << k)))
            continue;
        char path[4096];
        if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, dataset_files[k]) >= sizeof path) {
            st = casus_error_set(err, CASUS_TOOBIG, dir, 0, 0, "data directory path is too long");
            break;
        }
        /* errno only when stat failed: a directory in the file's place
         * leaves it as some earlier call set it. */
        struct stat sb;
        int stat_errno = stat(path, &sb) != 0 ? errno : 0;
        if (stat_errno || !S_ISREG(sb.st_mode)) {
            st = casus_error_set(err, CASUS_NOTFOUND, path, 0, 0, "missing dataset file: %s",
                                 stat_errno ? strerror(stat_errno) : "not a regular file");
            break;
        }
        char *buf = NULL;
        size_t len = 0;
        const casus_mem *mem = casus__world_mem(w);
        st = casus__read_file(mem, path, CASUS_MAX_DATA_FILE, &buf, &len, err);
        if (st != CASUS_OK)
            break;
        st = casus_data_load_text(w, (casus_dataset)k, path, buf, len, err);
        casus__mem_free(mem, buf, 0);
    }
    tx_end(w, tx, st != CASUS_OK);
    return st;
}

/* ---- look-ups ----------------------------------------------------------- */

static bool in_cow_years(casus_day day)
{
    return day >= casus_day_from_ymd(DATA_FIRST_YEAR, 1, 1) && day <= casus_day_from_ymd(DATA_LAST_YEAR, 12, 31);
}

casus_truth casus_data_major(const casus_world *w, int ccode, casus_day day)
{
    const data_store *s = casus__data_store_get(w);
    if (!s || !(s->loaded & (1u << CASUS_DATASET_COW_MAJORS)) || !in_cow_years(day))
        return CASUS_UNKNOWN;
    casus_truth best = CASUS_FAILED;
    for (size_t i = 0; i < s->n_majors; i++) {
        if (s->majors[i].ccode != ccode)
            continue;
        casus_truth t = casus_period_contains(&s->majors[i].period, day);
        if (t == CASUS_HELD)
            return CASUS_HELD;
        if (t == CASUS_UNKNOWN)
            best = CASUS_UNKNOWN;
    }
    return best;
}

casus_truth casus_data_system_year(const casus_world *w, int ccode, int year)
{
    const data_store *s = casus__data_store_get(w);
    if (!s || !s->system || year < DATA_FIRST_YEAR || year > DATA_LAST_YEAR)
        return CASUS_UNKNOWN;
    if (ccode <= 0 || ccode >= DATA_MAX_CCODE)
        return CASUS_FAILED;
    size_t bit = (size_t)ccode * (DATA_LAST_YEAR - DATA_FIRST_YEAR + 1) + (size_t)(year - DATA_FIRST_YEAR);
    return (s->system[bit / 8] >> (bit % 8)) & 1 ? CASUS_HELD : CASUS_FAILED;
}

casus_status casus_data_contiguity(const casus_world *w, int a, int b, casus_day day, int *type,
                                   casus_truth *certainty)
{
    const data_store *s = casus__data_store_get(w);
    *type = 0;
    if (certainty)
        *certainty = CASUS_UNKNOWN;
    if (!s || !(s->loaded & (1u << CASUS_DATASET_CONTIGUITY)) || !in_cow_years(day))
        return CASUS_NOTFOUND;
    if (a > b) {
        int t = a;
        a = b;
        b = t;
    }
    /* Binary search for the first record of the pair. */
    size_t lo = 0, hi = s->n_contig;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const data_contig *c = &s->contig[mid];
        if (c->a < a || (c->a == a && c->b < b))
            lo = mid + 1;
        else
            hi = mid;
    }
    int best = 0;
    casus_truth sure = CASUS_HELD;
    for (size_t i = lo; i < s->n_contig && s->contig[i].a == a && s->contig[i].b == b; i++) {
        casus_truth t = casus_period_contains(&s->contig[i].period, day);
        if (t == CASUS_FAILED)
            continue;
        if (!best || s->contig[i].type < best || (s->contig[i].type == best && t == CASUS_HELD)) {
            best = s->contig[i].type;
            sure = t;
        }
    }
    *type = best;
    if (certainty)
        *certainty = sure;
    return CASUS_OK;
}

static void nmc_missing(casus_nmc *v)
{
    v->milex = v->milper = v->irst = v->pec = v->tpop = v->upop = v->cinc = NAN;
}

casus_status casus_data_nmc(const casus_world *w, int ccode, int year, casus_nmc *out)
{
    const data_store *s = casus__data_store_get(w);
    nmc_missing(out);
    if (!s || !s->nmc)
        return CASUS_NOTFOUND;
    size_t lo = 0, hi = s->n_nmc;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const data_nmc *r = &s->nmc[mid];
        if (r->ccode < ccode || (r->ccode == ccode && r->year < year))
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == s->n_nmc || s->nmc[lo].ccode != ccode || s->nmc[lo].year != year)
        return CASUS_NOTFOUND;
    *out = s->nmc[lo].v;
    return CASUS_OK;
}

casus_status casus_data_cinc(const casus_world *w, int ccode, int year, double *cinc)
{
    casus_nmc v;
    casus_status st = casus_data_nmc(w, ccode, year, &v);
    *cinc = v.cinc;
    if (st == CASUS_OK && isnan(v.cinc))
        st = CASUS_NOTFOUND;
    return st;
}

static bool blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ')
            return false;
    return true;
}

/* ---- plain tables ------------------------------------------------------- */

const casus_table *casus_data_table(const casus_world *w, const char *name)
{
    const data_store *s = casus__data_store_get(w);
    for (size_t i = 0; s && name && i < sizeof s->tables / sizeof *s->tables; i++)
        if (s->tables[i] && strcmp(name, s->tables[i]->name) == 0)
            return s->tables[i];
    return NULL;
}

size_t casus_table_rows(const casus_table *t) { return t ? t->n_rows : 0; }
size_t casus_table_cols(const casus_table *t) { return t ? t->n_cols : 0; }

const char *casus_table_column_name(const casus_table *t, size_t col)
{
    return t && col < t->n_cols ? t->columns[col] : NULL;
}

int casus_table_column(const casus_table *t, const char *name)
{
    for (size_t i = 0; t && i < t->n_cols; i++)
        if (strcmp(t->columns[i], name) == 0)
            return (int)i;
    return -1;
}

const char *casus_table_cell(const casus_table *t, size_t row, size_t col)
{
    if (!t || row >= t->n_rows || col >= t->n_cols)
        return NULL;
    return t->cells[row * t->n_cols + col];
}

casus_status casus_table_int(const casus_table *t, size_t row, size_t col, long *out)
{
    const char *s = casus_table_cell(t, row, col);
    *out = 0;
    if (!s)
        return CASUS_RANGE;
    size_t n = strlen(s);
    if (blank(s, n))
        return CASUS_NOTFOUND;
    int v;
    if (!casus__parse_int(s, n, &v))
        return CASUS_PARSE;
    if (v == -8 || v == -9)
        return CASUS_NOTFOUND; /* COW: -8 not applicable, -9 unknown */
    *out = v;
    return CASUS_OK;
}
