/* The join model: its features, the parameter file, the static look-ups of
 * a war (majors, CINC, contiguity, alliances, MID rivals), and the reference
 * computation of x from a war's state through casus_who.  The definitions
 * are in casus/joinmodel.h and docs/cascade.md. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "casus/data.h"
#include "joinmodel_internal.h"

/* ---- features --------------------------------------------------------- */

#define JM_NAME(n, s, d) s,
#define JM_DESC(n, s, d) d,
static const char *const feature_names[] = {CASUS_JM_FEATURE_MAP(JM_NAME)};
static const char *const feature_descs[] = {CASUS_JM_FEATURE_MAP(JM_DESC)};
#undef JM_NAME
#undef JM_DESC

const char *casus_jm_feature_name(casus_jm_feature f)
{
    return (unsigned)f < CASUS_JM_FEATURE_COUNT ? feature_names[f] : "?";
}

const char *casus_jm_feature_describe(casus_jm_feature f)
{
    return (unsigned)f < CASUS_JM_FEATURE_COUNT ? feature_descs[f] : "?";
}

int casus_jm_feature_from_str(const char *s, size_t n)
{
    for (int i = 0; i < CASUS_JM_FEATURE_COUNT; i++)
        if (strlen(feature_names[i]) == n && memcmp(feature_names[i], s, n) == 0)
            return i;
    return -1;
}

int casus__jm_timing_class(casus_timing timing)
{
    switch (timing) {
    case CASUS_TIMING_IMMEDIATE: return JM_TIMING_IMMEDIATE;
    case CASUS_TIMING_AS_DEEMED_NECESSARY: return JM_TIMING_DEEMED;
    case CASUS_TIMING_CONSTITUTIONAL: return JM_TIMING_CONSTITUTIONAL;
    default: return JM_TIMING_OTHER;
    }
}

int casus__jm_band(int war_day)
{
    if (war_day < CASUS_JM_BAND_MONTH_DAY)
        return CASUS_JM_BAND_WEEK;
    if (war_day < CASUS_JM_BAND_YEAR_DAY)
        return CASUS_JM_BAND_MONTH;
    if (war_day < CASUS_JM_BAND_LATER_DAY)
        return CASUS_JM_BAND_YEAR;
    return -1;
}

void casus__jm_x(const casus_jm_counts *m, const casus_jm_counts *t, const casus_jm_static *st, double cinc_side,
                 double cinc_other, int war_day, double x[CASUS_JM_FEATURE_COUNT])
{
    memset(x, 0, sizeof(double) * CASUS_JM_FEATURE_COUNT);
    int pull = casus__jm_pull(m);
    int pull_other = casus__jm_pull(t);
    x[CASUS_JM_INTERCEPT] = 1;
    x[CASUS_JM_OBLIG_ANY] = pull > 0;
    x[CASUS_JM_DEFEND_BINDING] = m->defend[1];
    x[CASUS_JM_DEFEND_CONDITIONAL] = m->defend[0];
    x[CASUS_JM_JOIN_BINDING] = m->join[1];
    x[CASUS_JM_JOIN_CONDITIONAL] = m->join[0];
    x[CASUS_JM_TIMING_IMMEDIATE] = m->timing[JM_TIMING_IMMEDIATE] > 0;
    x[CASUS_JM_TIMING_DEEMED] = m->timing[JM_TIMING_DEEMED] > 0;
    x[CASUS_JM_TIMING_CONSTITUTIONAL] = m->timing[JM_TIMING_CONSTITUTIONAL] > 0;
    x[CASUS_JM_TIMING_OTHER] = m->timing[JM_TIMING_OTHER] > 0;
    x[CASUS_JM_OBLIG_HAND] = m->hand > 0;
    x[CASUS_JM_OBLIG_ATOP] = m->atop > 0;
    x[CASUS_JM_BOTH_SIDES] = pull > 0 && pull_other > 0;
    x[CASUS_JM_PLEDGE_OTHER] = m->pledge > 0;
    x[CASUS_JM_DECLARED_NEUTRAL] = st->declared_neutral;
    x[CASUS_JM_CONTIG_LAND] = m->contig_land > 0;
    x[CASUS_JM_CONTIG_SEA] = m->contig_land == 0 && m->contig_sea > 0;
    x[CASUS_JM_MAJOR] = st->major;
    x[CASUS_JM_LOG_CINC] = casus__jm_log_cinc(st->cinc);
    x[CASUS_JM_LOG_CINC_SIDE] = casus__jm_log_cinc(cinc_side);
    x[CASUS_JM_LOG_CINC_OTHER] = casus__jm_log_cinc(cinc_other);
    x[CASUS_JM_ALLIES_ON_SIDE] = m->allies;
    x[CASUS_JM_MID_OTHER] = m->mid > 0;
    int band = casus__jm_band(war_day);
    if (band >= 0)
        x[band] = 1;
    x[CASUS_JM_POST1945] = st->post1945;
    x[CASUS_JM_OBLIG_POST1945] = pull > 0 && st->post1945;
}

double casus_jm_hazard(const casus_jm_params *p, const double x[CASUS_JM_FEATURE_COUNT])
{
    double s = 0;
    for (int i = 0; i < CASUS_JM_FEATURE_COUNT; i++)
        s += p->beta[i] * x[i];
    return exp(s);
}

int casus__jm_cause_cmp(const casus_obligation *a, int sa, const casus_obligation *b, int sb)
{
    if (sa != sb)
        return sa > sb ? -1 : 1;
    if (a->treaty->from_atop != b->treaty->from_atop)
        return a->treaty->from_atop ? 1 : -1;
    int k = strcmp(a->treaty->id, b->treaty->id);
    if (k)
        return k < 0 ? -1 : 1;
    ptrdiff_t ia = a->article - a->treaty->articles, ib = b->article - b->treaty->articles;
    if (ia != ib)
        return ia < ib ? -1 : 1;
    if (a->beneficiary != b->beneficiary)
        return a->beneficiary < b->beneficiary ? -1 : 1;
    return (a > b) - (a < b);
}

/* ---- the parameter file ----------------------------------------------- */

/* Fills err with file:line:col and the offending line. */
static casus_status perr(casus_error *err, const char *name, const char *text, size_t len, int line, int col,
                         const char *fmt, ...) __attribute__((format(printf, 7, 8)));
static casus_status perr(casus_error *err, const char *name, const char *text, size_t len, int line, int col,
                         const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    casus_error_set(err, CASUS_PARSE, name, line, col, "%s", msg);
    casus_error_set_context(err, text, len, line);
    return CASUS_PARSE;
}

static bool parse_double(const char *s, size_t n, double *out)
{
    char buf[64];
    if (n == 0 || n >= sizeof buf)
        return false;
    memcpy(buf, s, n);
    buf[n] = '\0';
    char *end;
    errno = 0;
    double v = strtod(buf, &end);
    if (*end || errno == ERANGE || !isfinite(v))
        return false;
    *out = v;
    return true;
}

/* file  -> { comment-line | blank-line | param-line }
 * param -> NAME VALUE STDERR [ '#' comment ]     STDERR -> number | '-' */
casus_status casus_jm_params_parse(const char *name, const char *text, size_t len, casus_jm_params *out,
                                   casus_error *err)
{
    casus_jm_params p;
    memset(&p, 0, sizeof p);
    bool seen[CASUS_JM_FEATURE_COUNT] = {false};
    int seen_line[CASUS_JM_FEATURE_COUNT] = {0};
    if (len > CASUS_JM_MAX_PARAMS_FILE)
        return casus_error_set(err, CASUS_TOOBIG, name, 0, 0, "parameter file larger than %u bytes",
                               CASUS_JM_MAX_PARAMS_FILE);
    size_t prov = 0;
    bool in_header = true;
    int line = 1;
    size_t pos = 0;
    while (pos < len) {
        size_t eol = pos;
        while (eol < len && text[eol] != '\n')
            eol++;
        size_t end = eol;
        if (end > pos && text[end - 1] == '\r')
            end--;
        for (size_t i = pos; i < end; i++)
            if (text[i] == '\0' || ((unsigned char)text[i] < 0x20 && text[i] != '\t'))
                return perr(err, name, text, len, line, (int)(i - pos) + 1, "control character in the file");
        /* The comment, if any. */
        size_t hash = pos;
        while (hash < end && text[hash] != '#')
            hash++;
        if (in_header && hash < end) {
            size_t k = pos;
            while (k < hash && (text[k] == ' ' || text[k] == '\t'))
                k++;
            if (k == hash) { /* a whole-line comment in the header */
                size_t from = hash + 1;
                if (from < end && text[from] == ' ')
                    from++;
                size_t n = end - from;
                if (prov + n + 2 < sizeof p.provenance) {
                    memcpy(p.provenance + prov, text + from, n);
                    prov += n;
                    p.provenance[prov++] = '\n';
                    p.provenance[prov] = '\0';
                }
            }
        }
        /* Fields before the comment. */
        const char *f[4];
        size_t fn[4];
        int fc[4];
        int nf = 0;
        size_t i = pos;
        while (i < hash) {
            while (i < hash && (text[i] == ' ' || text[i] == '\t'))
                i++;
            if (i == hash)
                break;
            size_t s = i;
            while (i < hash && text[i] != ' ' && text[i] != '\t')
                i++;
            if (nf == 4)
                return perr(err, name, text, len, line, (int)(s - pos) + 1,
                            "too many fields: expected NAME VALUE STDERR");
            f[nf] = text + s;
            fn[nf] = i - s;
            fc[nf] = (int)(s - pos) + 1;
            nf++;
        }
        if (nf > 0) {
            in_header = false;
            if (nf != 3)
                return perr(err, name, text, len, line, nf ? fc[nf - 1] : 1,
                            "expected NAME VALUE STDERR (STDERR may be '-')");
            int k = casus_jm_feature_from_str(f[0], fn[0]);
            if (k < 0) {
                char nm[64];
                snprintf(nm, sizeof nm, "%.*s", (int)(fn[0] < 60 ? fn[0] : 60), f[0]);
                return perr(err, name, text, len, line, fc[0], "unknown parameter '%s' (see casus/joinmodel.h)", nm);
            }
            if (seen[k]) {
                return perr(err, name, text, len, line, fc[0], "parameter '%s' given twice (first on line %d)",
                            feature_names[k], seen_line[k]);
            }
            if (!parse_double(f[1], fn[1], &p.beta[k]))
                return perr(err, name, text, len, line, fc[1], "the value is not a finite number");
            if (fn[2] == 1 && f[2][0] == '-')
                p.se[k] = NAN;
            else if (!parse_double(f[2], fn[2], &p.se[k]) || p.se[k] < 0)
                return perr(err, name, text, len, line, fc[2],
                            "the standard error is not a number >= 0 or '-'");
            seen[k] = true;
            seen_line[k] = line;
        }
        pos = eol + 1;
        line++;
    }
    for (int k = 0; k < CASUS_JM_FEATURE_COUNT; k++)
        if (!seen[k])
            return casus_error_set(err, CASUS_PARSE, name, line > 1 ? line - 1 : 1, 0,
                                   "parameter '%s' is missing (every feature must be given)", feature_names[k]);
    *out = p;
    return CASUS_OK;
}

casus_status casus_jm_params_load(const char *path, casus_jm_params *out, casus_error *err)
{
    static const casus_mem mem = {casus__default_alloc, NULL};
    char *data;
    size_t len;
    casus_status st = casus__read_file(&mem, path, CASUS_JM_MAX_PARAMS_FILE, &data, &len, err);
    if (st != CASUS_OK)
        return st;
    st = casus_jm_params_parse(path, data, len, out, err);
    casus__mem_free(&mem, data, 0);
    return st;
}

casus_status casus_jm_params_write(const casus_jm_params *p, FILE *out, casus_error *err)
{
    const char *s = p->provenance;
    while (*s) {
        const char *e = strchr(s, '\n');
        size_t n = e ? (size_t)(e - s) : strlen(s);
        fprintf(out, "# %.*s\n", (int)n, s);
        s += n + (e != NULL);
    }
    for (int k = 0; k < CASUS_JM_FEATURE_COUNT; k++) {
        fprintf(out, "%-22s %.17g ", feature_names[k], p->beta[k]);
        if (isnan(p->se[k]))
            fputs("-\n", out);
        else
            fprintf(out, "%.17g\n", p->se[k]);
    }
    if (ferror(out))
        return casus_error_set(err, CASUS_IO, NULL, 0, 0, "cannot write the parameters");
    return CASUS_OK;
}

/* ---- static look-ups of one war --------------------------------------- */

/* The last day the COW contiguity and major-power files cover; later wars
 * carry their values forward from it. */
#define COW_LAST_DAY_Y 2016
/* The last year of MID 5.0. */
#define MID_LAST_YEAR 2014

struct casus_jm_data {
    const casus_world *world;
    casus_mem mem;
    casus_day start;
    size_t n;               /* states */
    int16_t idx[CASUS_JM_MAX_CCODE]; /* ccode -> index + 1 */
    int *ccode;             /* index -> ccode */
    bool *major;
    double *cinc;
    uint8_t *rel;           /* n*n: bit 0 related, bit 1 allied, bit 2 MID rivals, bits 3-4 contiguity (1 land, 2 sea) */
};

static int jm_index(const casus_jm_data *d, int ccode)
{
    if (ccode <= 0 || ccode >= CASUS_JM_MAX_CCODE)
        return -1;
    return d->idx[ccode] - 1;
}

static uint8_t rel_of(const casus_jm_data *d, int a, int b)
{
    int i = jm_index(d, a), j = jm_index(d, b);
    if (i < 0 || j < 0 || i == j)
        return 0;
    return d->rel[(size_t)i * d->n + (size_t)j];
}

static void rel_set(casus_jm_data *d, int i, int j, uint8_t bits)
{
    d->rel[(size_t)i * d->n + (size_t)j] |= bits;
    d->rel[(size_t)j * d->n + (size_t)i] |= bits;
}

bool casus_jm_data_major(const casus_jm_data *d, int ccode)
{
    int i = jm_index(d, ccode);
    return i >= 0 && d->major[i];
}

double casus_jm_data_cinc(const casus_jm_data *d, int ccode)
{
    int i = jm_index(d, ccode);
    return i >= 0 ? d->cinc[i] : 0;
}

int casus_jm_data_contiguity(const casus_jm_data *d, int a, int b)
{
    return (rel_of(d, a, b) >> 3) & 3;
}

bool casus_jm_data_allied(const casus_jm_data *d, int a, int b)
{
    return rel_of(d, a, b) & 2;
}

bool casus_jm_data_mid(const casus_jm_data *d, int a, int b)
{
    return rel_of(d, a, b) & 4;
}

bool casus_jm_data_related(const casus_jm_data *d, int a, int b)
{
    return rel_of(d, a, b) & 1;
}

typedef struct mid_part {
    long disp;
    int ccode;
    int side;
} mid_part;

static int cmp_mid(const void *pa, const void *pb)
{
    const mid_part *a = pa, *b = pb;
    if (a->disp != b->disp)
        return a->disp < b->disp ? -1 : 1;
    return (a->ccode > b->ccode) - (a->ccode < b->ccode);
}

/* MID rivals: on opposite sides of a dispute that began in the window. */
static casus_status load_mids(casus_jm_data *d, int year)
{
    const casus_table *t = casus_data_table(d->world, "MIDB");
    if (!t)
        return CASUS_OK;
    int last = year - 1 > MID_LAST_YEAR ? MID_LAST_YEAR : year - 1;
    int first = last - CASUS_JM_MID_YEARS + 1;
    int cd = casus_table_column(t, "dispnum"), cc = casus_table_column(t, "ccode");
    int cy = casus_table_column(t, "styear"), cs = casus_table_column(t, "sidea");
    if (cd < 0 || cc < 0 || cy < 0 || cs < 0)
        return CASUS_OK;
    size_t rows = casus_table_rows(t);
    mid_part *parts = casus__mem_alloc(&d->mem, (rows + 1) * sizeof *parts);
    if (!parts)
        return CASUS_NOMEM;
    size_t n = 0;
    for (size_t r = 0; r < rows; r++) {
        long disp, ccode, sy, side;
        if (casus_table_int(t, r, (size_t)cd, &disp) != CASUS_OK || casus_table_int(t, r, (size_t)cc, &ccode) != CASUS_OK ||
            casus_table_int(t, r, (size_t)cy, &sy) != CASUS_OK || casus_table_int(t, r, (size_t)cs, &side) != CASUS_OK)
            continue;
        if (sy < first || sy > last || ccode <= 0 || ccode >= CASUS_JM_MAX_CCODE)
            continue;
        parts[n++] = (mid_part){disp, (int)ccode, (int)side};
    }
    qsort(parts, n, sizeof *parts, cmp_mid);
    for (size_t a = 0; a < n;) {
        size_t b = a;
        while (b < n && parts[b].disp == parts[a].disp)
            b++;
        for (size_t i = a; i < b; i++)
            for (size_t j = i + 1; j < b; j++) {
                int x = jm_index(d, parts[i].ccode), y = jm_index(d, parts[j].ccode);
                if (x >= 0 && y >= 0 && x != y && parts[i].side != parts[j].side)
                    rel_set(d, x, y, 4 | 1);
            }
        a = b;
    }
    casus__mem_free(&d->mem, parts, (rows + 1) * sizeof *parts);
    return CASUS_OK;
}

casus_status casus_jm_data_create(const casus_world *w, casus_day start, casus_jm_data **out, casus_error *err)
{
    *out = NULL;
    const casus_mem *wmem = casus__world_mem((casus_world *)w);
    casus_jm_data *d = casus__mem_alloc(wmem, sizeof *d);
    if (!d)
        return casus_error_set(err, CASUS_NOMEM, NULL, 0, 0, "out of memory");
    memset(d, 0, sizeof *d);
    d->world = w;
    d->mem = *wmem;
    d->start = start;
    d->n = casus_world_state_count(w);
    d->ccode = casus__mem_alloc(wmem, (d->n + 1) * sizeof *d->ccode);
    d->major = casus__mem_alloc(wmem, (d->n + 1) * sizeof *d->major);
    d->cinc = casus__mem_alloc(wmem, (d->n + 1) * sizeof *d->cinc);
    d->rel = casus__mem_alloc(wmem, d->n * d->n + 1);
    if (!d->ccode || !d->major || !d->cinc || !d->rel) {
        casus_jm_data_free(d);
        return casus_error_set(err, CASUS_NOMEM, NULL, 0, 0, "out of memory");
    }
    memset(d->rel, 0, d->n * d->n + 1);
    int y, m, dd;
    casus_day_to_ymd(start, &y, &m, &dd);
    casus_day cow_day = start;
    if (cow_day > casus_day_from_ymd(COW_LAST_DAY_Y, 12, 31))
        cow_day = casus_day_from_ymd(COW_LAST_DAY_Y, 12, 31);
    for (size_t i = 0; i < d->n; i++) {
        int c = casus_world_state_at(w, i)->ccode;
        d->ccode[i] = c;
        if (c > 0 && c < CASUS_JM_MAX_CCODE)
            d->idx[c] = (int16_t)(i + 1);
        d->major[i] = casus_data_major(w, c, cow_day) == CASUS_HELD;
        d->cinc[i] = 0;
        for (int k = 0; k <= 10; k++) {
            double v;
            if (casus_data_cinc(w, c, y - k, &v) == CASUS_OK) {
                d->cinc[i] = v;
                break;
            }
        }
    }
    if (casus_data_loaded(w, CASUS_DATASET_CONTIGUITY))
        for (size_t i = 0; i < d->n; i++)
            for (size_t j = i + 1; j < d->n; j++) {
                int type;
                if (casus_data_contiguity(w, d->ccode[i], d->ccode[j], cow_day, &type, NULL) == CASUS_OK && type > 0)
                    rel_set(d, (int)i, (int)j, (uint8_t)(1 | ((type == 1 ? 1 : 2) << 3)));
            }
    size_t no = casus_world_obligation_count(w);
    for (size_t k = 0; k < no; k++) {
        const casus_obligation *ob = casus_world_obligation_at(w, k);
        if (casus_period_contains(&ob->valid, start) == CASUS_FAILED)
            continue;
        int i = jm_index(d, ob->obligor), j = jm_index(d, ob->beneficiary);
        if (i < 0 || j < 0 || i == j)
            continue;
        bool ally = ob->kind == CASUS_KIND_DEFENSE || ob->kind == CASUS_KIND_OFFENSE;
        rel_set(d, i, j, (uint8_t)(1 | (ally ? 2 : 0)));
    }
    if (load_mids(d, y) != CASUS_OK) {
        casus_jm_data_free(d);
        return casus_error_set(err, CASUS_NOMEM, NULL, 0, 0, "out of memory");
    }
    *out = d;
    return CASUS_OK;
}

void casus_jm_data_free(casus_jm_data *d)
{
    if (!d)
        return;
    casus_mem mem = d->mem;
    casus__mem_free(&mem, d->ccode, (d->n + 1) * sizeof *d->ccode);
    casus__mem_free(&mem, d->major, (d->n + 1) * sizeof *d->major);
    casus__mem_free(&mem, d->cinc, (d->n + 1) * sizeof *d->cinc);
    casus__mem_free(&mem, d->rel, d->n * d->n + 1);
    casus__mem_free(&mem, d, sizeof *d);
}

/* ---- the war's attacks and the reference features --------------------- */

static int side_of(const casus_jm_war *war, int ccode)
{
    for (size_t i = 0; i < war->n_belligerents; i++)
        if (war->belligerents[i].ccode == ccode)
            return war->belligerents[i].side;
    return 0;
}

static bool opening_pair(const casus_jm_war *war, int a, int b)
{
    for (size_t i = 0; i < war->n_openings; i++) {
        const casus_attack *o = &war->openings[i];
        if ((o->attacker == a && o->target == b) || (o->attacker == b && o->target == a))
            return true;
    }
    return false;
}

static bool is_opener(const casus_jm_war *war, int c)
{
    for (size_t i = 0; i < war->n_openings; i++)
        if (war->openings[i].attacker == c || war->openings[i].target == c)
            return true;
    return false;
}

const casus_place *casus_jm_theatre_of(const casus_jm_war *war, int ccode)
{
    for (size_t i = 0; war->theatres && i < war->n_theatres; i++)
        if (war->theatres[i].ccode == ccode)
            return war->theatres[i].place;
    return NULL;
}

size_t casus_jm_attacks(const casus_jm_war *war, casus_attack *out, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < war->n_openings; i++) {
        if (n < max) {
            out[n] = war->openings[i];
            out[n].day = war->day;
        }
        n++;
    }
    for (size_t j = 0; j < war->n_belligerents; j++) {
        const casus_jm_belligerent *b = &war->belligerents[j];
        for (size_t i = 0; i < j; i++) {
            const casus_jm_belligerent *a = &war->belligerents[i];
            if (a->side == b->side || opening_pair(war, a->ccode, b->ccode))
                continue;
            if (is_opener(war, a->ccode) && is_opener(war, b->ccode))
                continue;
            if (n < max)
                out[n] = (casus_attack){.attacker = b->ccode, .target = a->ccode,
                                        .place = casus_jm_theatre_of(war, a->ccode), .day = war->day};
            n++;
        }
    }
    return n;
}

/* One obligation a candidate has toward a side, as the war's attacks set it off. */
typedef struct jm_hit {
    int obligor;
    int beneficiary;
    int cls;    /* 0 defend, 1 join, 2 pledge */
    int side;   /* the side it counts toward */
    int status; /* 1 conditional, 2 binding */
    const casus_obligation *ob;
} jm_hit;

static int cmp_hit(const void *pa, const void *pb)
{
    const jm_hit *a = pa, *b = pb;
    if (a->obligor != b->obligor)
        return a->obligor < b->obligor ? -1 : 1;
    if (a->cls != b->cls)
        return a->cls < b->cls ? -1 : 1;
    if (a->beneficiary != b->beneficiary)
        return a->beneficiary < b->beneficiary ? -1 : 1;
    if (a->ob != b->ob)
        return a->ob < b->ob ? -1 : 1;
    return b->status - a->status; /* best status first */
}

static bool declared(const casus_jm_war *war, int c)
{
    for (size_t i = 0; i < war->n_declared_neutral; i++)
        if (war->declared_neutral[i] == c)
            return true;
    return false;
}

casus_status casus_jm_rows(const casus_jm_data *d, const casus_jm_war *war, casus_jm_row **rows_out, size_t *n_out,
                           casus_error *err)
{
    *rows_out = NULL;
    *n_out = 0;
    const casus_world *w = d->world;
    for (size_t i = 0; i < war->n_belligerents; i++)
        if (war->belligerents[i].side != 1 && war->belligerents[i].side != 2)
            return casus_error_set(err, CASUS_INVALID, NULL, 0, 0, "a belligerent's side must be 1 or 2");
    size_t n_att = casus_jm_attacks(war, NULL, 0);
    casus_attack *att = casus__mem_alloc(&d->mem, (n_att + 1) * sizeof *att);
    casus_vec hits;
    casus__vec_init(&hits, sizeof(jm_hit));
    if (!att)
        return casus_error_set(err, CASUS_NOMEM, NULL, 0, 0, "out of memory");
    casus_jm_attacks(war, att, n_att);
    casus_status st = CASUS_OK;
    for (size_t a = 0; a < n_att && st == CASUS_OK; a++) {
        casus_who_result *res = NULL;
        st = casus_who(w, &att[a], CASUS_WHO_ABROAD, &res, err);
        if (st != CASUS_OK)
            break;
        for (size_t f = 0; f < res->n_findings; f++) {
            const casus_finding *fd = &res->findings[f];
            const casus_obligation *ob = fd->obligation;
            if (fd->status == CASUS_FAILED || side_of(war, ob->obligor))
                continue;
            int cls, side;
            int bside = side_of(war, ob->beneficiary);
            if (fd->role == CASUS_ROLE_DEFEND_TARGET || fd->role == CASUS_ROLE_JOIN_ATTACKER) {
                cls = fd->role == CASUS_ROLE_DEFEND_TARGET ? 0 : 1;
                side = bside;
            } else if (fd->role == CASUS_ROLE_NEUTRAL || fd->role == CASUS_ROLE_REFRAIN) {
                cls = 2;
                side = 3 - bside;
            } else
                continue;
            jm_hit *h = casus__vec_push(&hits, &d->mem);
            if (!h) {
                st = casus_error_set(err, CASUS_NOMEM, NULL, 0, 0, "out of memory");
                break;
            }
            *h = (jm_hit){ob->obligor, ob->beneficiary, cls, side, fd->status == CASUS_HELD ? 2 : 1, ob};
        }
        casus_who_free(res);
    }
    casus__mem_free(&d->mem, att, (n_att + 1) * sizeof *att);
    if (st != CASUS_OK) {
        casus__vec_free(&hits, &d->mem);
        return st;
    }
    jm_hit *hv = hits.data;
    size_t nh = hits.len;
    if (nh)
        qsort(hv, nh, sizeof *hv, cmp_hit);

    /* Candidates, by ccode. */
    size_t n_cand = 0;
    int *cand = casus__mem_alloc(&d->mem, (d->n + 1) * sizeof *cand);
    if (!cand) {
        casus__vec_free(&hits, &d->mem);
        return casus_error_set(err, CASUS_NOMEM, NULL, 0, 0, "out of memory");
    }
    for (int c = 1; c < CASUS_JM_MAX_CCODE; c++) {
        if (jm_index(d, c) < 0 || side_of(war, c) || casus_world_member(w, c, war->day) == CASUS_FAILED)
            continue;
        bool ok = casus_jm_data_major(d, c);
        for (size_t i = 0; i < war->n_belligerents && !ok; i++)
            ok = casus_jm_data_related(d, c, war->belligerents[i].ccode);
        for (size_t i = 0; i < nh && !ok; i++) /* pulled in by an obligation set off */
            ok = hv[i].obligor == c && hv[i].cls < 2;
        if (ok)
            cand[n_cand++] = c;
    }
    casus_jm_row *rows = casus__mem_alloc(&d->mem, (2 * n_cand + 1) * sizeof *rows);
    if (!rows) {
        casus__mem_free(&d->mem, cand, (d->n + 1) * sizeof *cand);
        casus__vec_free(&hits, &d->mem);
        return casus_error_set(err, CASUS_NOMEM, NULL, 0, 0, "out of memory");
    }
    double cinc_side[3] = {0, 0, 0};
    for (size_t i = 0; i < war->n_belligerents; i++)
        cinc_side[war->belligerents[i].side] += casus_jm_data_cinc(d, war->belligerents[i].ccode);
    int war_day = (int)(war->day - war->start);
    size_t h = 0;
    for (size_t k = 0; k < n_cand; k++) {
        int c = cand[k];
        casus_jm_counts cnt[3];
        memset(cnt, 0, sizeof cnt);
        const casus_obligation *top[3] = {NULL, NULL, NULL};
        int top_status[3] = {0, 0, 0};
        while (h < nh && hv[h].obligor < c)
            h++;
        /* Hits of c, sorted by class, beneficiary, obligation, best status first. */
        size_t e = h;
        while (e < nh && hv[e].obligor == c)
            e++;
        for (size_t i = h; i < e;) {
            /* one (class, beneficiary) group */
            size_t g = i;
            int best = 0;
            while (g < e && hv[g].cls == hv[i].cls && hv[g].beneficiary == hv[i].beneficiary) {
                const jm_hit *x = &hv[g];
                bool first_of_ob = g == i || hv[g - 1].ob != x->ob;
                if (first_of_ob && x->cls < 2) {
                    casus_jm_counts *ct = &cnt[x->side];
                    ct->timing[casus__jm_timing_class(x->ob->timing)]++;
                    if (x->ob->treaty->from_atop)
                        ct->atop++;
                    else
                        ct->hand++;
                    if (!top[x->side] || casus__jm_cause_cmp(x->ob, x->status, top[x->side], top_status[x->side]) < 0) {
                        top[x->side] = x->ob;
                        top_status[x->side] = x->status;
                    }
                }
                if (x->status > best)
                    best = x->status;
                g++;
            }
            const jm_hit *x = &hv[i];
            if (x->cls == 0)
                cnt[x->side].defend[best - 1]++;
            else if (x->cls == 1)
                cnt[x->side].join[best - 1]++;
            else
                cnt[x->side].pledge++;
            i = g;
        }
        for (size_t i = 0; i < war->n_belligerents; i++) {
            const casus_jm_belligerent *b = &war->belligerents[i];
            int other = 3 - b->side;
            int ct = casus_jm_data_contiguity(d, c, b->ccode);
            if (ct == 1)
                cnt[other].contig_land++;
            else if (ct == 2)
                cnt[other].contig_sea++;
            if (casus_jm_data_allied(d, c, b->ccode))
                cnt[b->side].allies++;
            if (casus_jm_data_mid(d, c, b->ccode))
                cnt[other].mid++;
        }
        casus_jm_static sx = {.major = casus_jm_data_major(d, c),
                              .cinc = casus_jm_data_cinc(d, c),
                              .post1945 = war->start > casus_day_from_ymd(1945, 12, 31),
                              .declared_neutral = declared(war, c)};
        for (int s = 1; s <= 2; s++) {
            casus_jm_row *r = &rows[2 * k + (size_t)(s - 1)];
            r->ccode = c;
            r->side = s;
            r->top = top[s];
            casus__jm_x(&cnt[s], &cnt[3 - s], &sx, cinc_side[s], cinc_side[3 - s], war_day, r->x);
        }
    }
    casus__mem_free(&d->mem, cand, (d->n + 1) * sizeof *cand);
    casus__vec_free(&hits, &d->mem);
    *rows_out = rows;
    *n_out = 2 * n_cand;
    return CASUS_OK;
}

void casus_jm_rows_free(const casus_jm_data *d, casus_jm_row *rows, size_t n_rows)
{
    if (!rows)
        return;
    casus__mem_free(&d->mem, rows, (n_rows + 1) * sizeof *rows);
}
