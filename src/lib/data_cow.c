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

/* ---- states2016.csv ----------------------------------------------------- */

enum { ST_ABB, ST_CCODE, ST_NAME, ST_SY, ST_SM, ST_SD, ST_EY, ST_EM, ST_ED, ST_VERSION, ST_N };
static const char *const state_cols[ST_N] = {"stateabb", "ccode", "statenme", "styear", "stmonth",
                                             "stday", "endyear", "endmonth", "endday", "version"};
static const char *const state_text[] = {"stateabb", "statenme", NULL};

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
    casus_status st = casus__data_int(f, row, ST_CCODE, 1, DATA_MAX_CCODE - 1, &ccode, NULL, false, err);
    if (st == CASUS_OK)
        st = cow_date(f, row, ST_SY, ST_SM, ST_SD, &start, err);
    if (st == CASUS_OK)
        st = cow_date(f, row, ST_EY, ST_EM, ST_ED, &end, err);
    if (st == CASUS_OK)
        st = casus__data_expect(f, row, ST_VERSION, "2016", err);
    if (st != CASUS_OK)
        return st;
    size_t ka = (size_t)f->idx[ST_ABB], kn = (size_t)f->idx[ST_NAME];
    if (!abb_ok(row->fields[ka], row->lens[ka]))
        return casus__csv_error(err, CASUS_PARSE, f->name, row, ka, "'%s' is not a COW abbreviation (2 or 3 capitals)",
                                row->fields[ka]);
    if (row->lens[kn] == 0)
        return casus__csv_error(err, CASUS_PARSE, f->name, row, kn, "the state has no name");
    if (end.hi < start.lo)
        return casus__csv_error(err, CASUS_RANGE, f->name, row, (size_t)f->idx[ST_EY], "the spell ends before it begins");
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

casus_status casus__data_cow_states(casus_world *w, const char *name, const char *buf, size_t len, casus_error *err)
{
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
        st = casus__world_add_coverage(w, "COW state system v2016", casus_day_from_ymd(DATA_FIRST_YEAR, 1, 1),
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

casus_status casus__data_cow_system(casus_world *w, const char *name, const char *buf, size_t len, casus_error *err)
{
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

enum { MJ_ABB, MJ_CCODE, MJ_SY, MJ_SM, MJ_SD, MJ_EY, MJ_EM, MJ_ED, MJ_VERSION, MJ_N };
static const char *const major_cols[MJ_N] = {"stateabb", "ccode", "styear", "stmonth", "stday",
                                             "endyear", "endmonth", "endday", "version"};
static const char *const major_text[] = {"stateabb", NULL};

typedef struct vec_ctx {
    data_file f;
    casus_vec v;
    const casus_mem *mem;
} vec_ctx;

static casus_status major_row(void *ud, const casus_csv_row *row, casus_error *err)
{
    vec_ctx *c = ud;
    data_file *f = &c->f;
    int ccode;
    casus_span start, end;
    casus_status st = casus__data_int(f, row, MJ_CCODE, 1, DATA_MAX_CCODE - 1, &ccode, NULL, false, err);
    if (st == CASUS_OK)
        st = cow_date(f, row, MJ_SY, MJ_SM, MJ_SD, &start, err);
    if (st == CASUS_OK)
        st = cow_date(f, row, MJ_EY, MJ_EM, MJ_ED, &end, err);
    if (st == CASUS_OK)
        st = casus__data_expect(f, row, MJ_VERSION, "2016", err);
    if (st != CASUS_OK)
        return st;
    size_t ka = (size_t)f->idx[MJ_ABB];
    if (!abb_ok(row->fields[ka], row->lens[ka]))
        return casus__csv_error(err, CASUS_PARSE, f->name, row, ka, "'%s' is not a COW abbreviation", row->fields[ka]);
    if (end.hi < start.lo)
        return casus__csv_error(err, CASUS_RANGE, f->name, row, (size_t)f->idx[MJ_EY], "the spell ends before it begins");
    data_major *m = casus__vec_push(&c->v, c->mem);
    if (!m)
        return casus_error_set(err, CASUS_NOMEM, f->name, row->line, 0, "out of memory");
    m->ccode = ccode;
    m->period = casus_period_make(start, end);
    return CASUS_OK;
}

/* Copies a finished vector into the world's arena; NULL on OOM. */
static const void *vec_to_arena(casus_world *w, const casus_vec *v)
{
    if (v->len == 0)
        return casus__arena_alloc(casus__world_arena(w), 1);
    return casus__arena_memdup(casus__world_arena(w), v->data, v->len * v->elem);
}

casus_status casus__data_cow_majors(casus_world *w, const char *name, const char *buf, size_t len, casus_error *err)
{
    int idx[MJ_N];
    vec_ctx c = {.f = {.world = w, .name = name, .want = major_cols, .n_want = MJ_N, .idx = idx, .text = major_text},
                 .mem = casus__world_mem(w)};
    casus__vec_init(&c.v, sizeof(data_major));
    casus_status st = casus__data_parse(&c.f, buf, len, major_row, &c, err);
    if (st == CASUS_OK) {
        const data_major *copy = vec_to_arena(w, &c.v);
        if (!copy)
            st = casus_error_set(err, CASUS_NOMEM, name, 0, 0, "out of memory");
        else {
            data_store *s = casus__data_store(w);
            s->majors = copy;
            s->n_majors = c.v.len;
            s->loaded |= 1u << CASUS_DATASET_COW_MAJORS;
        }
    }
    casus__vec_free(&c.v, c.mem);
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
    vec_ctx *c = ud;
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
    data_contig *r = casus__vec_push(&c->v, c->mem);
    if (!r)
        return casus_error_set(err, CASUS_NOMEM, f->name, row->line, 0, "out of memory");
    r->a = lo;
    r->b = hi;
    r->type = type;
    r->period = casus_period_make(begin, end);
    return CASUS_OK;
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

casus_status casus__data_contiguity(casus_world *w, const char *name, const char *buf, size_t len, casus_error *err)
{
    int idx[CT_N];
    vec_ctx c = {.f = {.world = w, .name = name, .want = contig_cols, .n_want = CT_N, .idx = idx, .text = contig_text},
                 .mem = casus__world_mem(w)};
    casus__vec_init(&c.v, sizeof(data_contig));
    casus_status st = casus__data_parse(&c.f, buf, len, contig_row, &c, err);
    if (st == CASUS_OK) {
        if (c.v.len)
            qsort(c.v.data, c.v.len, sizeof(data_contig), cmp_contig);
        const data_contig *copy = vec_to_arena(w, &c.v);
        if (!copy)
            st = casus_error_set(err, CASUS_NOMEM, name, 0, 0, "out of memory");
        else {
            data_store *s = casus__data_store(w);
            s->contig = copy;
            s->n_contig = c.v.len;
            s->loaded |= 1u << CASUS_DATASET_CONTIGUITY;
        }
    }
    casus__vec_free(&c.v, c.mem);
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
    vec_ctx *c = ud;
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
    data_nmc *slot = casus__vec_push(&c->v, c->mem);
    if (!slot)
        return casus_error_set(err, CASUS_NOMEM, f->name, row->line, 0, "out of memory");
    *slot = r;
    return CASUS_OK;
}

static int cmp_nmc(const void *pa, const void *pb)
{
    const data_nmc *a = pa, *b = pb;
    if (a->ccode != b->ccode)
        return a->ccode < b->ccode ? -1 : 1;
    return (a->year > b->year) - (a->year < b->year);
}

casus_status casus__data_nmc(casus_world *w, const char *name, const char *buf, size_t len, casus_error *err)
{
    int idx[NM_N];
    vec_ctx c = {.f = {.world = w, .name = name, .want = nmc_cols, .n_want = NM_N, .idx = idx, .text = nmc_text},
                 .mem = casus__world_mem(w)};
    casus__vec_init(&c.v, sizeof(data_nmc));
    casus_status st = casus__data_parse(&c.f, buf, len, nmc_row, &c, err);
    if (st == CASUS_OK && c.v.len) {
        qsort(c.v.data, c.v.len, sizeof(data_nmc), cmp_nmc);
        for (size_t i = 1; i < c.v.len && st == CASUS_OK; i++) {
            const data_nmc *a = &CASUS_VEC_AT(&c.v, data_nmc, i - 1), *b = &CASUS_VEC_AT(&c.v, data_nmc, i);
            if (a->ccode == b->ccode && a->year == b->year)
                st = casus_error_set(err, CASUS_PARSE, name, 0, 0, "state %d in %d is listed twice", a->ccode, a->year);
        }
    }
    if (st == CASUS_OK) {
        const data_nmc *copy = vec_to_arena(w, &c.v);
        if (!copy)
            st = casus_error_set(err, CASUS_NOMEM, name, 0, 0, "out of memory");
        else {
            data_store *s = casus__data_store(w);
            s->nmc = copy;
            s->n_nmc = c.v.len;
            s->loaded |= 1u << CASUS_DATASET_NMC;
        }
    }
    casus__vec_free(&c.v, c.mem);
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
    data_file f;
    casus_arena *arena;
    casus_vec cells; /* const char * */
    const casus_mem *mem;
} table_ctx;

static casus_status table_row(void *ud, const casus_csv_row *row, casus_error *err)
{
    table_ctx *c = ud;
    int key;
    /* The first column is the record's key (war or dispute number). */
    casus_status st = casus__data_int(&c->f, row, 0, 1, 1000000, &key, NULL, false, err);
    if (st != CASUS_OK)
        return st;
    for (size_t i = 0; i < row->n; i++) {
        const char **slot = casus__vec_push(&c->cells, c->mem);
        const char *s = slot ? casus__arena_strndup(c->arena, row->fields[i], row->lens[i]) : NULL;
        if (!s)
            return casus_error_set(err, CASUS_NOMEM, c->f.name, row->line, 0, "out of memory");
        *slot = s;
    }
    return CASUS_OK;
}

casus_status casus__data_table(casus_world *w, casus_dataset which, const char *name, const char *buf, size_t len,
                               casus_error *err)
{
    const char *const *cols;
    size_t n;
    const char *const *text;
    int slot;
    switch (which) {
    case CASUS_DATASET_DYADIC_WAR:
        cols = dyadic_cols, n = sizeof dyadic_cols / sizeof *dyadic_cols, text = dyadic_text, slot = 0;
        break;
    case CASUS_DATASET_MIDA:
        cols = mida_cols, n = sizeof mida_cols / sizeof *mida_cols, text = mid_text, slot = 1;
        break;
    default:
        cols = midb_cols, n = sizeof midb_cols / sizeof *midb_cols, text = mid_text, slot = 2;
        break;
    }
    int idx[32];
    casus_arena *arena = casus__world_arena(w);
    casus_arena_mark mark = casus__arena_mark(arena);
    table_ctx c = {.f = {.world = w, .name = name, .want = cols, .n_want = n, .idx = idx, .text = text},
                   .arena = arena, .mem = casus__world_mem(w)};
    casus__vec_init(&c.cells, sizeof(const char *));
    casus_status st = casus__data_parse(&c.f, buf, len, table_row, &c, err);
    if (st == CASUS_OK && c.f.width != n)
        st = casus_error_set(err, CASUS_PARSE, name, 1, 1, "expected the %zu columns of %s, found %zu", n,
                             casus_dataset_path(which), c.f.width);
    casus_table *t = NULL;
    if (st == CASUS_OK) {
        t = casus__arena_alloc(arena, sizeof *t);
        const char **names = t ? casus__arena_alloc(arena, n * sizeof *names) : NULL;
        const void *cells = names ? vec_to_arena(w, &c.cells) : NULL;
        if (!cells)
            st = casus_error_set(err, CASUS_NOMEM, name, 0, 0, "out of memory");
        else {
            /* The file's own column order, by name (the header was checked). */
            for (size_t i = 0; i < n; i++)
                names[idx[i]] = cols[i];
            t->name = slot == 0 ? "directed_dyadic_war" : slot == 1 ? "MIDA" : "MIDB";
            t->columns = names;
            t->n_cols = n;
            t->n_rows = c.cells.len / n;
            t->cells = cells;
        }
    }
    casus__vec_free(&c.cells, c.mem);
    if (st != CASUS_OK) {
        casus__arena_rollback(arena, mark);
        return st;
    }
    data_store *s = casus__data_store(w);
    s->tables[slot] = t;
    s->loaded |= 1u << which;
    return CASUS_OK;
}
