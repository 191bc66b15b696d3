/* Loaders for the Correlates of War files: state system membership
 * (states2016, system2016, majors2016), direct contiguity (contdir, v3.2),
 * National Material Capabilities (NMC 6.0 abridged), and the war and
 * dispute files kept as plain tables.
 *
 * COW codes -9 as "unknown" and -8 as "not applicable" (State System
 * Membership codebook v2016; NMC 6.0 documentation): casus reads both as
 * missing, never as a number.  Every loader parses the whole file into
 * scratch or arena memory first and changes the world only when the file
 * was read without error. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "data_internal.h"

/* The day COW v2016 ends.  A spell ending that day is censored by the end
 * of the data, not ended (codebook v2016: states still in the system are
 * given the end date 2016-12-31). */
static casus_day cow_last_day(void) { return casus_day_from_ymd(DATA_LAST_YEAR, 12, 31); }

/* A COW date from year, month, day fields (indexes ky, km, kd).  Month or
 * day -9 (unknown) widen the date to the month or year it may denote. */
static casus_status cow_date(const data_file *f, const casus_csv_row *row, size_t ky, size_t km, size_t kd,
                             casus_span *out, casus_error *err)
{
    int y, m, d;
    bool mm, dm;
    casus_status st = casus__data_int(f, row, ky, DATA_FIRST_YEAR, DATA_LAST_YEAR, &y, NULL, true, err);
    if (st == CASUS_OK)
        st = casus__data_int(f, row, km, 1, 12, &m, &mm, true, err);
    if (st == CASUS_OK)
        st = casus__data_int(f, row, kd, 1, 31, &d, &dm, true, err);
    if (st != CASUS_OK)
        return st;
    if (!mm && !dm && !casus_date_valid(y, m, d))
        return casus__csv_error(err, CASUS_RANGE, f->name, row, (size_t)f->idx[kd], "%04d-%02d-%02d is not a day of the calendar",
                                y, m, d);
    *out = casus_span_partial(y, mm ? 0 : m, mm || dm ? 0 : d);
    return CASUS_OK;
}

static bool abb_ok(const char *s, size_t n)
{
    if (n < 2 || n > 3)
        return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] < 'A' || s[i] > 'Z')
            return false;
    return true;
}

/* ---- states2016.csv and majors2016.csv ---------------------------------- */

/* Both files give a state's spells (in the system, as a major power) in
 * the same columns; states2016 adds the state's name. */
enum { SP_ABB, SP_CCODE, SP_SY, SP_SM, SP_SD, SP_EY, SP_EM, SP_ED, SP_VERSION, SP_N, ST_NAME = SP_N, ST_N };
static const char *const state_cols[ST_N] = {"stateabb", "ccode", "styear", "stmonth", "stday",
                                             "endyear", "endmonth", "endday", "version", "statenme"};
static const char *const state_text[] = {"stateabb", "statenme", NULL};

/* The code, start and end dates and version of a spell row. */
static casus_status cow_spell(const data_file *f, const casus_csv_row *row, int *ccode, casus_span *start,
                              casus_span *end, casus_error *err)
{
    casus_status st = casus__data_int(f, row, SP_CCODE, 1, DATA_MAX_CCODE - 1, ccode, NULL, false, err);
    if (st == CASUS_OK)
        st = cow_date(f, row, SP_SY, SP_SM, SP_SD, start, err);
    if (st == CASUS_OK)
        st = cow_date(f, row, SP_EY, SP_EM, SP_ED, end, err);
    if (st == CASUS_OK)
        st = casus__data_expect(f, row, SP_VERSION, "2016", err);
    return st;
}

/* A spell may not end before it begins (as far as partial dates tell). */
static casus_status spell_order(const data_file *f, const casus_csv_row *row, casus_span start, casus_span end,
                                casus_error *err)
{
    if (end.hi < start.lo)
        return casus__csv_error(err, CASUS_RANGE, f->name, row, (size_t)f->idx[SP_EY], "the spell ends before it begins");
    return CASUS_OK;
}

typedef struct state_spell {
    int ccode;
    char abb[4];
    const char *name; /* in the scratch arena */
    casus_period period;
} state_spell;

typedef struct states_ctx {
    data_file f;
    casus_arena scratch;
    casus_vec spells; /* state_spell */
    const casus_mem *mem;
} states_ctx;

static casus_status state_row(void *ud, const casus_csv_row *row, casus_error *err)
{
    states_ctx *c = ud;
    data_file *f = &c->f;
    int ccode;
    casus_span start, end;
    casus_status st = cow_spell(f, row, &ccode, &start, &end, err);
    if (st != CASUS_OK)
        return st;
    size_t ka = (size_t)f->idx[SP_ABB], kn = (size_t)f->idx[ST_NAME];
    if (!abb_ok(row->fields[ka], row->lens[ka]))
        return casus__csv_error(err, CASUS_PARSE, f->name, row, ka, "'%s' is not a COW abbreviation (2 or 3 capitals)",
                                row->fields[ka]);
    if (row->lens[kn] == 0)
        return casus__csv_error(err, CASUS_PARSE, f->name, row, kn, "the state has no name");
    if ((st = spell_order(f, row, start, end, err)) != CASUS_OK)
        return st;
    state_spell *s = casus__vec_push(&c->spells, c->mem);
    const char *name = s ? casus__arena_strdup(&c->scratch, row->fields[kn]) : NULL;
    if (!name)
        return casus_error_set(err, CASUS_NOMEM, f->name, row->line, 0, "out of memory");
    s->ccode = ccode;
    memcpy(s->abb, row->fields[ka], row->lens[ka] + 1);
    s->name = name;
    /* Censored spells continue: the world tables carry the state on. */
    s->period = casus_period_make(start, end.lo == cow_last_day() && end.hi == end.lo ? casus_span_open() : end);
    return CASUS_OK;
}

casus_status casus__data_load_cow_states(casus_world *w, casus_dataset which, const char *name, const char *buf, size_t len, casus_error *err)
{
    (void)which; /* one file per loader */
    int idx[ST_N];
    states_ctx c = {.f = {.world = w, .name = name, .want = state_cols, .n_want = ST_N, .idx = idx, .text = state_text},
                    .mem = casus__world_mem(w)};
    casus__arena_init(&c.scratch, c.mem);
    casus__vec_init(&c.spells, sizeof(state_spell));
    casus_status st = casus__data_parse(&c.f, buf, len, state_row, &c, err);
    /* Commit: states the world tables lack first, then every spell. */
    for (size_t i = 0; st == CASUS_OK && i < c.spells.len; i++) {
        const state_spell *s = &CASUS_VEC_AT(&c.spells, state_spell, i);
        if (casus_world_state_by_ccode(w, s->ccode))
            continue;
        casus_day until = casus_span_is_open(s->period.end) ? CASUS_DAY_NEVER_AFTER : s->period.end.hi;
        st = casus__world_add_state(w, s->ccode, s->abb, s->name, s->period.start.lo, until, "", err);
    }
    for (size_t i = 0; st == CASUS_OK && i < c.spells.len; i++) {
        const state_spell *s = &CASUS_VEC_AT(&c.spells, state_spell, i);
        st = casus_world_add_spell(w, s->ccode, s->period, err);
    }
    if (st == CASUS_OK)
        st = casus__world_add_coverage(w, CASUS_COVERAGE_COW_SYSTEM, "COW state system v2016", casus_day_from_ymd(DATA_FIRST_YEAR, 1, 1),
                                       cow_last_day(), err);
    if (st == CASUS_OK)
        casus__data_store(w)->loaded |= 1u << CASUS_DATASET_COW_STATES;
    casus__vec_free(&c.spells, c.mem);
    casus__arena_free(&c.scratch);
    return st;
}

/* ---- system2016.csv ----------------------------------------------------- */

enum { SY_ABB, SY_CCODE, SY_YEAR, SY_VERSION, SY_N };
static const char *const system_cols[SY_N] = {"stateabb", "ccode", "year", "version"};
static const char *const system_text[] = {"stateabb", NULL};

#define SYSTEM_YEARS (DATA_LAST_YEAR - DATA_FIRST_YEAR + 1)
#define SYSTEM_BYTES ((DATA_MAX_CCODE * SYSTEM_YEARS + 7) / 8)

typedef struct system_ctx {
    data_file f;
    unsigned char *bits;
} system_ctx;

static casus_status system_row(void *ud, const casus_csv_row *row, casus_error *err)
{
    system_ctx *c = ud;
    data_file *f = &c->f;
    int ccode, year;
    casus_status st = casus__data_int(f, row, SY_CCODE, 1, DATA_MAX_CCODE - 1, &ccode, NULL, false, err);
    if (st == CASUS_OK)
        st = casus__data_int(f, row, SY_YEAR, DATA_FIRST_YEAR, DATA_LAST_YEAR, &year, NULL, false, err);
    if (st == CASUS_OK)
        st = casus__data_expect(f, row, SY_VERSION, "2016", err);
    if (st != CASUS_OK)
        return st;
    size_t ka = (size_t)f->idx[SY_ABB];
    if (!abb_ok(row->fields[ka], row->lens[ka]))
        return casus__csv_error(err, CASUS_PARSE, f->name, row, ka, "'%s' is not a COW abbreviation", row->fields[ka]);
    size_t bit = (size_t)ccode * SYSTEM_YEARS + (size_t)(year - DATA_FIRST_YEAR);
    if (c->bits[bit / 8] & (1u << (bit % 8)))
        return casus__csv_error(err, CASUS_PARSE, f->name, row, (size_t)f->idx[SY_YEAR], "state %d in %d is listed twice",
                                ccode, year);
    c->bits[bit / 8] |= (unsigned char)(1u << (bit % 8));
    return CASUS_OK;
}

casus_status casus__data_load_cow_system(casus_world *w, casus_dataset which, const char *name, const char *buf, size_t len, casus_error *err)
{
    (void)which; /* one file per loader */
    int idx[SY_N];
    casus_arena *arena = casus__world_arena(w);
    casus_arena_mark mark = casus__arena_mark(arena);
    system_ctx c = {.f = {.world = w, .name = name, .want = system_cols, .n_want = SY_N, .idx = idx, .text = system_text}};
    c.bits = casus__arena_alloc(arena, SYSTEM_BYTES);
    if (!c.bits)
        return casus_error_set(err, CASUS_NOMEM, name, 0, 0, "out of memory");
    casus_status st = casus__data_parse(&c.f, buf, len, system_row, &c, err);
    if (st != CASUS_OK) {
        casus__arena_rollback(arena, mark);
        return st;
    }
    data_store *s = casus__data_store(w);
    s->system = c.bits;
    s->loaded |= 1u << CASUS_DATASET_COW_SYSTEM;
    return CASUS_OK;
}

/* ---- majors2016.csv ----------------------------------------------------- */

static const char *const major_text[] = {"stateabb", NULL};

static casus_status major_row(void *ud, const casus_csv_row *row, casus_error *err)
{
    data_rows *c = ud;
    data_file *f = &c->f;
    int ccode;
    casus_span start, end;
    casus_status st = cow_spell(f, row, &ccode, &start, &end, err);
    if (st != CASUS_OK)
        return st;
    size_t ka = (size_t)f->idx[SP_ABB];
    if (!abb_ok(row->fields[ka], row->lens[ka]))
        return casus__csv_error(err, CASUS_PARSE, f->name, row, ka, "'%s' is not a COW abbreviation", row->fields[ka]);
    if ((st = spell_order(f, row, start, end, err)) != CASUS_OK)
        return st;
    data_major m = {ccode, casus_period_make(start, end)};
    return casus__data_push(c, row, &m, err);
}

casus_status casus__data_load_cow_majors(casus_world *w, casus_dataset which, const char *name, const char *buf, size_t len, casus_error *err)
{
    (void)which; /* one file per loader */
    int idx[SP_N];
    /* The states file's columns less the name. */
    data_rows c = {.f = {.world = w, .name = name, .want = state_cols, .n_want = SP_N, .idx = idx, .text = major_text},
                   .elem = sizeof(data_major)};
    const void *recs;
    size_t n;
    casus_status st = casus__data_rows(&c, buf, len, major_row, &c, &recs, &n, err);
    if (st == CASUS_OK) {
        data_store *s = casus__data_store(w);
        s->majors = recs;
        s->n_majors = n;
        s->loaded |= 1u << CASUS_DATASET_COW_MAJORS;
    }
    return st;
}

/* ---- contdir.csv -------------------------------------------------------- */

enum { CT_DYAD, CT_LNO, CT_LAB, CT_HNO, CT_HAB, CT_TYPE, CT_BEGIN, CT_END, CT_NOTES, CT_VERSION, CT_N };
static const char *const contig_cols[CT_N] = {"dyad", "statelno", "statelab", "statehno", "statehab",
                                              "conttype", "begin", "end", "notes", "version"};
static const char *const contig_text[] = {"statelab", "statehab", "notes", "version", NULL};

/* A YYYYMM month (Direct Contiguity codebook v3.2: begin and end are given
 * to the month) as the span of its days. */
static casus_status yyyymm(const data_file *f, const casus_csv_row *row, size_t k, casus_span *out, casus_error *err)
{
    int v;
    casus_status st = casus__data_int(f, row, k, DATA_FIRST_YEAR * 100 + 1, DATA_LAST_YEAR * 100 + 12, &v, NULL, false, err);
    if (st != CASUS_OK)
        return st;
    if (v % 100 < 1 || v % 100 > 12)
        return casus__csv_error(err, CASUS_RANGE, f->name, row, (size_t)f->idx[k], "%s: %d is not YYYYMM", f->want[k], v);
    *out = casus_span_partial(v / 100, v % 100, 0);
    return CASUS_OK;
}

static casus_status contig_row(void *ud, const casus_csv_row *row, casus_error *err)
{
    data_rows *c = ud;
    data_file *f = &c->f;
    int dyad, lo, hi, type;
    casus_span begin, end;
    casus_status st = casus__data_int(f, row, CT_DYAD, 1, 999999, &dyad, NULL, false, err);
    if (st == CASUS_OK)
        st = casus__data_int(f, row, CT_LNO, 1, DATA_MAX_CCODE - 1, &lo, NULL, false, err);
    if (st == CASUS_OK)
        st = casus__data_int(f, row, CT_HNO, 1, DATA_MAX_CCODE - 1, &hi, NULL, false, err);
    if (st == CASUS_OK)
        st = casus__data_int(f, row, CT_TYPE, 1, 5, &type, NULL, false, err);
    if (st == CASUS_OK)
        st = yyyymm(f, row, CT_BEGIN, &begin, err);
    if (st == CASUS_OK)
        st = yyyymm(f, row, CT_END, &end, err);
    if (st == CASUS_OK)
        st = casus__data_expect(f, row, CT_VERSION, "3.2", err);
    if (st != CASUS_OK)
        return st;
    if (lo >= hi || dyad != lo * 1000 + hi)
        return casus__csv_error(err, CASUS_PARSE, f->name, row, (size_t)f->idx[CT_DYAD],
                                "dyad %d does not match states %d and %d", dyad, lo, hi);
    if (end.hi < begin.lo)
        return casus__csv_error(err, CASUS_RANGE, f->name, row, (size_t)f->idx[CT_END], "the record ends before it begins");
    data_contig r = {lo, hi, type, casus_period_make(begin, end)};
    return casus__data_push(c, row, &r, err);
}

static int cmp_contig(const void *pa, const void *pb)
{
    const data_contig *a = pa, *b = pb;
    if (a->a != b->a)
        return a->a < b->a ? -1 : 1;
    if (a->b != b->b)
        return a->b < b->b ? -1 : 1;
    return (a->period.start.lo > b->period.start.lo) - (a->period.start.lo < b->period.start.lo);
}

casus_status casus__data_load_contiguity(casus_world *w, casus_dataset which, const char *name, const char *buf, size_t len, casus_error *err)
{
    (void)which; /* one file per loader */
    int idx[CT_N];
    data_rows c = {.f = {.world = w, .name = name, .want = contig_cols, .n_want = CT_N, .idx = idx, .text = contig_text},
                   .elem = sizeof(data_contig), .cmp = cmp_contig};
    const void *recs;
    size_t n;
    casus_status st = casus__data_rows(&c, buf, len, contig_row, &c, &recs, &n, err);
    if (st == CASUS_OK) {
        data_store *s = casus__data_store(w);
        s->contig = recs;
        s->n_contig = n;
        s->loaded |= 1u << CASUS_DATASET_CONTIGUITY;
    }
    return st;
}

/* ---- NMC-60-abridged.csv ------------------------------------------------ */

enum { NM_ABB, NM_CCODE, NM_YEAR, NM_MILEX, NM_MILPER, NM_IRST, NM_PEC, NM_TPOP, NM_UPOP, NM_CINC, NM_VERSION, NM_N };
static const char *const nmc_cols[NM_N] = {"stateabb", "ccode", "year", "milex", "milper", "irst",
                                           "pec", "tpop", "upop", "cinc", "version"};
/* tpop, upop and cinc carry decimals; they are checked as numbers below. */
static const char *const nmc_text[] = {"stateabb", "tpop", "upop", "cinc", NULL};

static casus_status nmc_row(void *ud, const casus_csv_row *row, casus_error *err)
{
    data_rows *c = ud;
    data_file *f = &c->f;
    data_nmc r;
    casus_status st = casus__data_int(f, row, NM_CCODE, 1, DATA_MAX_CCODE - 1, &r.ccode, NULL, false, err);
    if (st == CASUS_OK)
        st = casus__data_int(f, row, NM_YEAR, DATA_FIRST_YEAR, DATA_LAST_YEAR, &r.year, NULL, false, err);
    if (st == CASUS_OK)
        st = casus__data_expect(f, row, NM_VERSION, "2021", err);
    double *vals[] = {&r.v.milex, &r.v.milper, &r.v.irst, &r.v.pec, &r.v.tpop, &r.v.upop, &r.v.cinc};
    for (size_t k = 0; k < 7 && st == CASUS_OK; k++) {
        bool missing;
        st = casus__data_double(f, row, NM_MILEX + k, vals[k], &missing, err);
        if (st == CASUS_OK && !missing && *vals[k] < 0)
            st = casus__csv_error(err, CASUS_RANGE, f->name, row, (size_t)f->idx[NM_MILEX + k], "%s is negative",
                                  nmc_cols[NM_MILEX + k]);
    }
    size_t ka = (size_t)f->idx[NM_ABB];
    if (st == CASUS_OK && !abb_ok(row->fields[ka], row->lens[ka]))
        st = casus__csv_error(err, CASUS_PARSE, f->name, row, ka, "'%s' is not a COW abbreviation", row->fields[ka]);
    if (st == CASUS_OK && !isnan(r.v.cinc) && r.v.cinc > 1)
        st = casus__csv_error(err, CASUS_RANGE, f->name, row, (size_t)f->idx[NM_CINC], "a CINC share above 1");
    if (st != CASUS_OK)
        return st;
    return casus__data_push(c, row, &r, err);
}

static int cmp_nmc(const void *pa, const void *pb)
{
    const data_nmc *a = pa, *b = pb;
    if (a->ccode != b->ccode)
        return a->ccode < b->ccode ? -1 : 1;
    return (a->year > b->year) - (a->year < b->year);
}

/* The state-years, sorted, must not repeat. */
static casus_status nmc_unique(void *ud, const void *recs, size_t n, casus_error *err)
{
    const data_rows *c = ud;
    const data_nmc *r = recs;
    for (size_t i = 1; i < n; i++)
        if (cmp_nmc(&r[i - 1], &r[i]) == 0)
            return casus_error_set(err, CASUS_PARSE, c->f.name, 0, 0, "state %d in %d is listed twice", r[i].ccode,
                                   r[i].year);
    return CASUS_OK;
}

casus_status casus__data_load_nmc(casus_world *w, casus_dataset which, const char *name, const char *buf, size_t len, casus_error *err)
{
    (void)which; /* one file per loader */
    int idx[NM_N];
    data_rows c = {.f = {.world = w, .name = name, .want = nmc_cols, .n_want = NM_N, .idx = idx, .text = nmc_text},
                   .elem = sizeof(data_nmc), .cmp = cmp_nmc, .check = nmc_unique};
    const void *recs;
    size_t n;
    casus_status st = casus__data_rows(&c, buf, len, nmc_row, &c, &recs, &n, err);
    if (st == CASUS_OK) {
        data_store *s = casus__data_store(w);
        s->nmc = recs;
        s->n_nmc = n;
        s->loaded |= 1u << CASUS_DATASET_NMC;
    }
    return st;
}

/* ---- plain tables: directed_dyadic_war, MIDA, MIDB ---------------------- */

static const char *const dyadic_cols[] = {
    "warnum", "disno", "dyindex", "statea", "stateb", "warstrtmnth", "warstrtday", "warstrtyr",
    "warendmnth", "warenday", "warendyr", "year", "warolea", "waroleb", "wardyadrolea", "wardyadroleb",
    "outcomea", "batdtha", "batdthb", "changes_1", "changes_2", "batdths", "durindx"};
static const char *const mida_cols[] = {
    "dispnum", "stday", "stmon", "styear", "endday", "endmon", "endyear", "outcome", "settle", "fatality",
    "fatalpre", "maxdur", "mindur", "hiact", "hostlev", "recip", "numa", "numb", "ongo2014", "version"};
static const char *const midb_cols[] = {
    "dispnum", "stabb", "ccode", "stday", "stmon", "styear", "endday", "endmon", "endyear", "sidea",
    "revstate", "revtype1", "revtype2", "fatality", "fatalpre", "hiact", "hostlev", "orig", "version"};
/* Text columns; dyindex is a decimal (war number and dyad index). */
static const char *const dyadic_text[] = {"dyindex", NULL};
static const char *const mid_text[] = {"stabb", NULL};

typedef struct table_ctx {
    data_rows r; /* const char *, n_cols per row */
    casus_arena *arena;
} table_ctx;

static casus_status table_row(void *ud, const casus_csv_row *row, casus_error *err)
{
    table_ctx *c = ud;
    int key;
    /* The first column is the record's key (war or dispute number). */
    casus_status st = casus__data_int(&c->r.f, row, 0, 1, 1000000, &key, NULL, false, err);
    if (st != CASUS_OK)
        return st;
    for (size_t i = 0; i < row->n; i++) {
        const char **slot = casus__vec_push(&c->r.v, c->r.mem);
        const char *s = slot ? casus__arena_strndup(c->arena, row->fields[i], row->lens[i]) : NULL;
        if (!s)
            return casus_error_set(err, CASUS_NOMEM, c->r.f.name, row->line, 0, "out of memory");
        *slot = s;
    }
    return CASUS_OK;
}

casus_status casus__data_load_table(casus_world *w, casus_dataset which, const char *name, const char *buf, size_t len,
                               casus_error *err)
{
    const char *const *cols;
    size_t n;
    const char *const *text;
    int slot;
    const char *table_name;
    switch (which) {
    case CASUS_DATASET_DYADIC_WAR:
        cols = dyadic_cols, n = sizeof dyadic_cols / sizeof *dyadic_cols, text = dyadic_text, slot = 0;
        table_name = "directed_dyadic_war";
        break;
    case CASUS_DATASET_MIDA:
        cols = mida_cols, n = sizeof mida_cols / sizeof *mida_cols, text = mid_text, slot = 1, table_name = "MIDA";
        break;
    default:
        cols = midb_cols, n = sizeof midb_cols / sizeof *midb_cols, text = mid_text, slot = 2, table_name = "MIDB";
        break;
    }
    int idx[32];
    casus_arena *arena = casus__world_arena(w);
    casus_arena_mark mark = casus__arena_mark(arena);
    table_ctx c = {.r = {.f = {.world = w, .name = name, .want = cols, .n_want = n, .idx = idx, .text = text},
                         .elem = sizeof(const char *)},
                   .arena = arena};
    const void *cells;
    size_t n_cells;
    casus_status st = casus__data_rows(&c.r, buf, len, table_row, &c, &cells, &n_cells, err);
    if (st == CASUS_OK && c.r.f.width != n)
        st = casus_error_set(err, CASUS_PARSE, name, 1, 1, "expected the %zu columns of %s, found %zu", n,
                             casus_dataset_path(which), c.r.f.width);
    casus_table *t = NULL;
    const char **names = NULL;
    if (st == CASUS_OK) {
        t = casus__arena_alloc(arena, sizeof *t);
        names = t ? casus__arena_alloc(arena, n * sizeof *names) : NULL;
        if (!names)
            st = casus_error_set(err, CASUS_NOMEM, name, 0, 0, "out of memory");
    }
    if (st != CASUS_OK) {
        casus__arena_rollback(arena, mark);
        return st;
    }
    /* The file's own column order, by name (the header was checked). */
    for (size_t i = 0; i < n; i++)
        names[idx[i]] = cols[i];
    t->name = table_name;
    t->columns = names;
    t->n_cols = n;
    t->n_rows = n_cells / n;
    t->cells = cells;
    data_store *s = casus__data_store(w);
    s->tables[slot] = t;
    s->loaded |= 1u << which;
    return CASUS_OK;
}
