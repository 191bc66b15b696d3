/* ATOP 5.1 (Leeds et al. 2002; codebook of 2022) as treaties in the same
 * model as the hand-encoded ones.
 *
 * The alliance file (atop5_1a) gives each alliance's dates and how it
 * ended, the phase file (atop5_1aph) each phase's dates; the member file
 * (atop5_1m) gives, per member and phase, the five obligations and the
 * conditions on each (codebook 2.33).  Each alliance becomes a treaty
 * `atop-<atopid>` with from_atop = 1 and atop[0] = atopid, so that who.c can
 * set it aside where a hand-encoded treaty names the alliance.  Each phase
 * becomes one synthetic article (number "phase N", or "ATOP" for an alliance
 * without phases) whose one passage, of status "coded", says what ATOP
 * records; under it one rule per member row and obligation, owed by that
 * member to the other members of the phase. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data_internal.h"

#define ATOP_FIRST_YEAR 1815 /* codebook 1.3: the data begin with the Congress of Vienna */
#define ATOP_LAST_YEAR 2018  /* and end on 2018-12-31 (INEFFECT, 2.32) */

static const char atop_citation[] =
    "Leeds, Brett Ashley, Jeffrey M. Ritter, Sara McLaughlin Mitchell, and Andrew G. Long. 2002. "
    "\"Alliance Treaty Obligations and Provisions, 1815-1944.\" International Interactions 28: 237-60. "
    "Data version 5.1 (August 2022); codebook: Leeds, Brett Ashley. 2022. ATOP Codebook. http://www.atopdata.org";
static const casus_source atop_source = {"ATOP", atop_citation};

/* An ATOP date.  The codebook (2.32 YRENT/YREXIT, 2.42 BEGYR/ENDYR) says
 * the day is "coded as missing" (blank) when it cannot be identified and
 * that the year and month are never missing for a start; we read a blank
 * or 0 day as "some day of that month" and, defensively, a blank or 0
 * month as "some day of that year" (casus_span_partial).  An end coded
 * 0/0/0 means "still in effect on 2018-12-31" (INEFFECT = 1): *open is set
 * and the caller gives the period an open end. */
static casus_status atop_date(const data_file *f, const casus_csv_row *row, size_t ky, size_t km, size_t kd,
                              bool end, casus_span *out, bool *open, casus_error *err)
{
    int y, m, d;
    bool ym, mm, dm;
    casus_status st = casus__data_int(f, row, ky, 0, ATOP_LAST_YEAR, &y, &ym, false, err);
    if (st == CASUS_OK)
        st = casus__data_int(f, row, km, 0, 12, &m, &mm, false, err);
    if (st == CASUS_OK)
        st = casus__data_int(f, row, kd, 0, 31, &d, &dm, false, err);
    if (st != CASUS_OK)
        return st;
    *open = false;
    if (end && y == 0 && !ym) {
        if (m != 0 || d != 0)
            return casus__csv_error(err, CASUS_PARSE, f->name, row, (size_t)f->idx[km],
                                    "an end year of 0 (still in effect) needs month and day 0");
        *open = true;
        *out = casus_span_open();
        return CASUS_OK;
    }
    if (ym || y < ATOP_FIRST_YEAR)
        return casus__csv_error(err, CASUS_RANGE, f->name, row, (size_t)f->idx[ky], "%s: year %d is outside %d..%d",
                                f->want[ky], y, ATOP_FIRST_YEAR, ATOP_LAST_YEAR);
    if (m == 0)
        d = 0; /* a day without a month says nothing */
    if (m && d && !casus_date_valid(y, m, d))
        return casus__csv_error(err, CASUS_RANGE, f->name, row, (size_t)f->idx[kd], "%04d-%02d-%02d is not a day of the calendar",
                                y, m, d);
    *out = casus_span_partial(y, m, d);
    return CASUS_OK;
}

static casus_status atop_period(const data_file *f, const casus_csv_row *row, size_t k0, int ineffect,
                                casus_period *out, casus_error *err)
{
    casus_span start, end;
    bool open0, open1;
    casus_status st = atop_date(f, row, k0, k0 + 1, k0 + 2, false, &start, &open0, err);
    if (st == CASUS_OK)
        st = atop_date(f, row, k0 + 3, k0 + 4, k0 + 5, true, &end, &open1, err);
    if (st != CASUS_OK)
        return st;
    /* INEFFECT and a 0 end must agree (codebook 2.32, 2.42). */
    if (open1 != (ineffect == 1))
        return casus__csv_error(err, CASUS_PARSE, f->name, row, (size_t)f->idx[k0 + 3],
                                open1 ? "no end date, but not in effect on 2018-12-31 (ineffect 0)"
                                      : "an end date, but in effect on 2018-12-31 (ineffect 1)");
    if (!open1 && end.hi < start.lo)
        return casus__csv_error(err, CASUS_RANGE, f->name, row, (size_t)f->idx[k0 + 3], "it ends before it begins");
    *out = casus_period_make(start, end);
    return CASUS_OK;
}

/* ---- atop5_1a.csv and atop5_1aph.csv ------------------------------------ */

enum { SP_ATOPID, SP_BY, SP_BM, SP_BD, SP_EY, SP_EM, SP_ED, SP_INEFFECT, SP_TERM, SP_VERSION, SP_PHASE, SP_N };
static const char *const span_cols[SP_N] = {"atopid", "begyr", "begmo", "begday", "endyr", "endmo",
                                            "endday", "ineffect", "term", "version", "phase"};
/* atopidphase is atopid + phase/10 (codebook 2.41): a decimal. */
static const char *const span_text[] = {"version", "atopidphase", NULL};

typedef struct spans_ctx {
    data_rows r; /* data_atop_span */
    bool phases;
    const data_store *store;
} spans_ctx;

static casus_status span_row(void *ud, const casus_csv_row *row, casus_error *err)
{
    spans_ctx *c = ud;
    data_file *f = &c->r.f;
    data_atop_span s = {0};
    bool missing;
    casus_status st = casus__data_int(f, row, SP_ATOPID, 1000, 9999, &s.atopid, NULL, false, err);
    if (st == CASUS_OK)
        st = casus__data_int(f, row, SP_INEFFECT, 0, 1, &s.ineffect, NULL, false, err);
    if (st == CASUS_OK)
        st = atop_period(f, row, SP_BY, s.ineffect, &s.period, err);
    if (st == CASUS_OK)
        st = casus__data_int(f, row, SP_TERM, 0, 3, &s.term, &missing, false, err);
    if (st == CASUS_OK && missing)
        s.term = -1;
    if (st == CASUS_OK && c->phases)
        st = casus__data_int(f, row, SP_PHASE, 0, 99, &s.phase, NULL, false, err);
    if (st == CASUS_OK)
        st = casus__data_expect(f, row, SP_VERSION, "5.1", err);
    if (st != CASUS_OK)
        return st;
    return casus__data_push(&c->r, row, &s, err);
}

static int cmp_span(const void *pa, const void *pb)
{
    const data_atop_span *a = pa, *b = pb;
    if (a->atopid != b->atopid)
        return a->atopid < b->atopid ? -1 : 1;
    return (a->phase > b->phase) - (a->phase < b->phase);
}

static const data_atop_span *find_span(const data_atop_span *v, size_t n, int atopid, int phase)
{
    data_atop_span key = {.atopid = atopid, .phase = phase};
    return v ? bsearch(&key, v, n, sizeof *v, cmp_span) : NULL;
}

/* Each (alliance, phase) once; a phase's alliance in the alliance file,
 * when that is loaded. */
static casus_status spans_check(void *ud, const void *recs, size_t n, casus_error *err)
{
    const spans_ctx *c = ud;
    const data_store *s = c->store;
    const data_atop_span *v = recs;
    for (size_t i = 0; i < n; i++) {
        if (i && cmp_span(&v[i - 1], &v[i]) == 0)
            return casus_error_set(err, CASUS_PARSE, c->r.f.name, 0, 0, "alliance %d phase %d is listed twice",
                                   v[i].atopid, v[i].phase);
        if (c->phases && s->alliances && !find_span(s->alliances, s->n_alliances, v[i].atopid, 0))
            return casus_error_set(err, CASUS_PARSE, c->r.f.name, 0, 0, "phase of alliance %d, which %s lacks",
                                   v[i].atopid, casus_dataset_path(CASUS_DATASET_ATOP_ALLIANCES));
    }
    return CASUS_OK;
}

casus_status casus__data_load_atop_spans(casus_world *w, casus_dataset which, const char *name, const char *buf, size_t len,
                                    casus_error *err)
{
    int idx[SP_N];
    bool phases = which == CASUS_DATASET_ATOP_PHASES;
    spans_ctx c = {.r = {.f = {.world = w, .name = name, .want = span_cols, .idx = idx, .text = span_text,
                               .n_want = phases ? SP_N : SP_N - 1}, /* the alliance file has no phase column */
                         .elem = sizeof(data_atop_span), .cmp = cmp_span, .check = spans_check},
                   .phases = phases, .store = casus__data_store_get(w)};
    const void *recs;
    size_t n;
    casus_status st = casus__data_rows(&c.r, buf, len, span_row, &c, &recs, &n, err);
    if (st == CASUS_OK) {
        data_store *ws = casus__data_store(w);
        if (phases)
            ws->phases = recs, ws->n_phases = n;
        else
            ws->alliances = recs, ws->n_alliances = n;
        ws->loaded |= 1u << which;
    }
    return st;
}

/* ---- atop5_1m.csv ------------------------------------------------------- */

/* The conditions ATOP codes per obligation (codebook 2.33).  None of them
 * names the adversary, the place or the conflict, so each becomes a
 * condition casus cannot decide from an event; NEUCOATT alone ("the ally
 * being attacked") can be decided. */
typedef struct cond_col {
    const char *column;
    const char *brief; /* in a phase's summary: "(if: adversary, location)" */
    casus_kind kind;
    casus_cond_kind cond;
    const char *text;
} cond_col;

static const cond_col cond_cols[] = {
    {"defcoadv", "adversary", CASUS_KIND_DEFENSE, CASUS_COND_UNDECIDABLE,
     "conditional on a particular adversary or kind of adversary, which ATOP does not name (ATOP codebook 2.33, DEFCOADV)"},
    {"defcoloc", "location", CASUS_KIND_DEFENSE, CASUS_COND_UNDECIDABLE,
     "conditional on conflict in a particular location, which ATOP does not name (ATOP codebook 2.33, DEFCOLOC)"},
    {"defcocon", "conflict", CASUS_KIND_DEFENSE, CASUS_COND_UNDECIDABLE,
     "conditional on a particular ongoing conflict, which ATOP does not name (ATOP codebook 2.33, DEFCOCON)"},
    {"defconum", "number of adversaries", CASUS_KIND_DEFENSE, CASUS_COND_UNDECIDABLE,
     "conditional on the number of adversaries, in a way ATOP does not record (ATOP codebook 2.33, DEFCONUM)"},
    {"defcodem", "demands", CASUS_KIND_DEFENSE, CASUS_COND_UNDECIDABLE,
     "conditional on the ally or the adversary meeting demands set out in the agreement, which ATOP does not record (ATOP codebook 2.33, DEFCODEM)"},
    {"defconpr", "no provocation", CASUS_KIND_DEFENSE, CASUS_COND_UNDECIDABLE,
     "conditional on the ally not having provoked the adversary (ATOP codebook 2.33, DEFCONPR)"},
    {"offcoadv", "adversary", CASUS_KIND_OFFENSE, CASUS_COND_UNDECIDABLE,
     "conditional on a particular adversary or kind of adversary, which ATOP does not name (ATOP codebook 2.33, OFFCOADV)"},
    {"offcoloc", "location", CASUS_KIND_OFFENSE, CASUS_COND_UNDECIDABLE,
     "conditional on conflict in a particular location, which ATOP does not name (ATOP codebook 2.33, OFFCOLOC)"},
    {"offcocon", "conflict", CASUS_KIND_OFFENSE, CASUS_COND_UNDECIDABLE,
     "conditional on a particular ongoing conflict, which ATOP does not name (ATOP codebook 2.33, OFFCOCON)"},
    {"offconum", "number of adversaries", CASUS_KIND_OFFENSE, CASUS_COND_UNDECIDABLE,
     "conditional on the number of adversaries, in a way ATOP does not record (ATOP codebook 2.33, OFFCONUM)"},
    {"offcodem", "demands", CASUS_KIND_OFFENSE, CASUS_COND_UNDECIDABLE,
     "conditional on the ally or the adversary meeting demands set out in the agreement, which ATOP does not record (ATOP codebook 2.33, OFFCODEM)"},
    {"neucoadv", "adversary", CASUS_KIND_NEUTRALITY, CASUS_COND_UNDECIDABLE,
     "conditional on a particular adversary or kind of adversary, which ATOP does not name (ATOP codebook 2.33, NEUCOADV)"},
    {"neucoloc", "location", CASUS_KIND_NEUTRALITY, CASUS_COND_UNDECIDABLE,
     "conditional on conflict in a particular location, which ATOP does not name (ATOP codebook 2.33, NEUCOLOC)"},
    {"neucocon", "conflict", CASUS_KIND_NEUTRALITY, CASUS_COND_UNDECIDABLE,
     "conditional on a particular ongoing conflict, which ATOP does not name (ATOP codebook 2.33, NEUCOCON)"},
    {"neuconum", "number of adversaries", CASUS_KIND_NEUTRALITY, CASUS_COND_UNDECIDABLE,
     "conditional on the number of adversaries, in a way ATOP does not record (ATOP codebook 2.33, NEUCONUM)"},
    {"neucodem", "demands", CASUS_KIND_NEUTRALITY, CASUS_COND_UNDECIDABLE,
     "conditional on the ally or the adversary meeting demands set out in the agreement, which ATOP does not record (ATOP codebook 2.33, NEUCODEM)"},
    {"neuconpr", "no provocation", CASUS_KIND_NEUTRALITY, CASUS_COND_UNDECIDABLE,
     "conditional on the ally not having provoked the adversary (ATOP codebook 2.33, NEUCONPR)"},
    {"neucoatt", "ally attacked", CASUS_KIND_NEUTRALITY, CASUS_COND_BENEFICIARY_ATTACKED,
     "only when the ally is attacked (ATOP codebook 2.33, NEUCOATT)"},
    {"concoadv", "adversary", CASUS_KIND_CONSULTATION, CASUS_COND_UNDECIDABLE,
     "conditional on a particular adversary or kind of adversary, which ATOP does not name (ATOP codebook 2.33, CONCOADV)"},
    {"concoloc", "location", CASUS_KIND_CONSULTATION, CASUS_COND_UNDECIDABLE,
     "conditional on a crisis in a particular location, which ATOP does not name (ATOP codebook 2.33, CONCOLOC)"},
    {"concocon", "conflict", CASUS_KIND_CONSULTATION, CASUS_COND_UNDECIDABLE,
     "conditional on a particular ongoing conflict, which ATOP does not name (ATOP codebook 2.33, CONCOCON)"},
    {"concoreq", "on request", CASUS_KIND_CONSULTATION, CASUS_COND_UNDECIDABLE,
     "only if an ally requests consultation (ATOP codebook 2.33, CONCOREQ)"},
};
#define N_COND_COLS (sizeof cond_cols / sizeof *cond_cols)

static const casus_condition olimob_cond = {
    .kind = CASUS_COND_UNDECIDABLE,
    .text = "one of this member's obligations depends on a condition outside ATOP's categories, and ATOP does not "
            "say which obligation (ATOP codebook 2.33, OLIMOB)"};
/* Codebook 2.33 OBVARY: "this member has different obligations to different
 * members of the alliance".  The member file does not say toward whom;
 * ATOP's directed dyad-year file (2.7) does, with hand corrections, but it
 * is not among the files casus reads.  So the obligation is kept toward
 * every other member and marked as possibly not owed to this one. */
static const casus_condition obvary_cond = {
    .kind = CASUS_COND_UNDECIDABLE,
    .text = "this member's obligations differ from partner to partner and ATOP's member file does not say toward "
            "whom, so it may not be owed to this state (ATOP codebook 2.33 OBVARY, 2.6)"};

/* The five obligations, in the member file's columns, with what they ask.
 * DEFENSE is "active military support in the event of attack" (2.33), so
 * its trigger is an armed attack; the others code no trigger. */
static const struct {
    const char *column;
    casus_kind kind;
    casus_trigger trigger;
    unsigned actions;
} ob_cols[5] = {
    {"defense", CASUS_KIND_DEFENSE, CASUS_TRIGGER_ARMED_ATTACK, CASUS_ACT_MILITARY},
    {"offense", CASUS_KIND_OFFENSE, CASUS_TRIGGER_UNSPECIFIED, CASUS_ACT_MILITARY},
    {"neutral", CASUS_KIND_NEUTRALITY, CASUS_TRIGGER_UNSPECIFIED, CASUS_ACT_ABSTAIN},
    {"nonagg", CASUS_KIND_NONAGGRESSION, CASUS_TRIGGER_UNSPECIFIED, CASUS_ACT_REFRAIN},
    {"consul", CASUS_KIND_CONSULTATION, CASUS_TRIGGER_UNSPECIFIED, CASUS_ACT_CONSULT},
};

enum {
    MB_ATOPID, MB_MEMBER, MB_YE, MB_ME, MB_DE, MB_YX, MB_MX, MB_DX, MB_INEFFECT, MB_PHASE, MB_OLIMOB, MB_OBVARY,
    MB_VERSION, MB_OB0, MB_COND0 = MB_OB0 + 5, MB_N = MB_COND0 + (int)N_COND_COLS
};

typedef struct member_row {
    int atopid, member, phase;
    casus_period period;
    unsigned char ob[5];
    unsigned conds; /* bit per cond_cols entry */
    bool olimob, obvary;
} member_row;

typedef struct members_ctx {
    data_file f;
    casus_vec rows; /* member_row */
    const casus_mem *mem;
    const data_store *store;
} members_ctx;

static casus_status member_row_fn(void *ud, const casus_csv_row *row, casus_error *err)
{
    members_ctx *c = ud;
    data_file *f = &c->f;
    member_row r = {0};
    int ineffect, v;
    casus_status st = casus__data_int(f, row, MB_ATOPID, 1000, 9999, &r.atopid, NULL, false, err);
    if (st == CASUS_OK)
        st = casus__data_int(f, row, MB_MEMBER, 1, 9999, &r.member, NULL, false, err);
    if (st == CASUS_OK)
        st = casus__data_int(f, row, MB_INEFFECT, 0, 1, &ineffect, NULL, false, err);
    if (st == CASUS_OK)
        st = atop_period(f, row, MB_YE, ineffect, &r.period, err);
    if (st == CASUS_OK)
        st = casus__data_int(f, row, MB_PHASE, 0, 99, &r.phase, NULL, false, err);
    if (st == CASUS_OK)
        st = casus__data_int(f, row, MB_OLIMOB, 0, 1, &v, NULL, false, err), r.olimob = v;
    if (st == CASUS_OK)
        st = casus__data_int(f, row, MB_OBVARY, 0, 1, &v, NULL, false, err), r.obvary = v;
    for (int k = 0; k < 5 && st == CASUS_OK; k++)
        st = casus__data_int(f, row, (size_t)(MB_OB0 + k), 0, 1, &v, NULL, false, err), r.ob[k] = (unsigned char)v;
    for (size_t k = 0; k < N_COND_COLS && st == CASUS_OK; k++) {
        st = casus__data_int(f, row, MB_COND0 + k, 0, 1, &v, NULL, false, err);
        if (v)
            r.conds |= 1u << k;
    }
    if (st == CASUS_OK)
        st = casus__data_expect(f, row, MB_VERSION, "5.1", err);
    if (st != CASUS_OK)
        return st;
    /* Cross-checks against the alliance and phase files, when loaded. */
    const data_store *s = c->store;
    if (s->alliances && !find_span(s->alliances, s->n_alliances, r.atopid, 0))
        return casus__csv_error(err, CASUS_PARSE, f->name, row, (size_t)f->idx[MB_ATOPID], "alliance %d is not in %s",
                                r.atopid, casus_dataset_path(CASUS_DATASET_ATOP_ALLIANCES));
    if (s->phases && !find_span(s->phases, s->n_phases, r.atopid, r.phase))
        return casus__csv_error(err, CASUS_PARSE, f->name, row, (size_t)f->idx[MB_PHASE],
                                "alliance %d has no phase %d in %s", r.atopid, r.phase,
                                casus_dataset_path(CASUS_DATASET_ATOP_PHASES));
    /* Annam (ATOP 1320, member 8152) is a state by Gleditsch and Ward's
     * rules but has no COW code (codebook 1.3 and footnote 18 of 2.6); ATOP's
     * own dyad files drop it, and so does casus: it cannot be named in a
     * query, and every obligation toward it is outside COW's system. */
    if (r.member >= DATA_MAX_CCODE)
        return CASUS_OK;
    /* Every obligor and beneficiary must be a state of the world, so that
     * answers can name it and casus_world_finish() accepts the alliance. */
    if (!casus_world_state_by_ccode(f->world, r.member))
        return casus__csv_error(err, CASUS_PARSE, f->name, row, (size_t)f->idx[MB_MEMBER],
                                "member %d is not a state of the world (load %s first)", r.member,
                                casus_dataset_path(CASUS_DATASET_COW_STATES));
    member_row *slot = casus__vec_push(&c->rows, c->mem);
    if (!slot)
        return casus_error_set(err, CASUS_NOMEM, f->name, row->line, 0, "out of memory");
    *slot = r;
    return CASUS_OK;
}

static int cmp_member_row(const void *pa, const void *pb)
{
    const member_row *a = pa, *b = pb;
    if (a->atopid != b->atopid)
        return a->atopid < b->atopid ? -1 : 1;
    if (a->phase != b->phase)
        return a->phase < b->phase ? -1 : 1;
    if (a->member != b->member)
        return a->member < b->member ? -1 : 1;
    return (a->period.start.lo > b->period.start.lo) - (a->period.start.lo < b->period.start.lo);
}

/* A text buffer in the arena that grows by doubling. */
typedef struct text_buf {
    casus_arena *arena;
    char *s;
    size_t len, cap;
    bool oom;
} text_buf;

static void tb_add(text_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void tb_add(text_buf *b, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0 || b->oom)
        return;
    size_t need = b->len + (size_t)n + 1;
    if (need > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < need)
            cap *= 2;
        char *ns = casus__arena_alloc(b->arena, cap);
        if (!ns) {
            b->oom = true;
            return;
        }
        if (b->len)
            memcpy(ns, b->s, b->len);
        b->s = ns;
        b->cap = cap;
    }
    memcpy(b->s + b->len, tmp, (size_t)n + 1);
    b->len += (size_t)n;
}

/* The passage of a phase: what ATOP codes for each member, in words. */
static const char *phase_text(casus_world *w, casus_arena *arena, const member_row *rows, size_t n,
                              const data_atop_span *ph)
{
    text_buf b = {.arena = arena};
    char d0[24], d1[24];
    if (ph) {
        casus_span_format(ph->period.start, d0);
        casus_span_format(ph->period.end, d1);
        tb_add(&b, "ATOP 5.1 codes this %s (%s to %s) at member level (codebook 2.33): ",
               rows[0].phase ? "phase" : "alliance", d0, casus_span_is_open(ph->period.end) ? "2018-12-31, still in effect" : d1);
    } else
        tb_add(&b, "ATOP 5.1 codes this %s at member level (codebook 2.33): ", rows[0].phase ? "phase" : "alliance");
    for (size_t i = 0; i < n; i++) {
        char abuf[12];
        tb_add(&b, "%s%s", i ? "; " : "", casus_world_abb(w, rows[i].member, abuf));
        int any = 0;
        for (int k = 0; k < 5; k++) {
            if (!rows[i].ob[k])
                continue;
            tb_add(&b, "%s %s", any++ ? "," : "", ob_cols[k].column);
            int nc = 0;
            for (size_t j = 0; j < N_COND_COLS; j++)
                if ((rows[i].conds & (1u << j)) && cond_cols[j].kind == ob_cols[k].kind)
                    tb_add(&b, "%s%s", nc++ ? ", " : " (if: ", cond_cols[j].brief);
            if (nc)
                tb_add(&b, ")");
        }
        if (!any)
            tb_add(&b, " no obligation");
        if (rows[i].obvary)
            tb_add(&b, " [varies by partner]");
        if (rows[i].olimob)
            tb_add(&b, " [other condition]");
    }
    tb_add(&b, ". ATOP records obligations, not the treaty's words; its codesheet for the alliance quotes them.");
    return b.oom ? NULL : b.s;
}

/* Builds the conditions of one rule: the flags of its kind, then OLIMOB and
 * OBVARY.  NULL on OOM (n 0 is fine). */
static const casus_condition *rule_conds(casus_arena *arena, const member_row *r, casus_kind kind, size_t *n)
{
    casus_condition tmp[N_COND_COLS + 2];
    size_t k = 0;
    for (size_t j = 0; j < N_COND_COLS; j++) {
        if ((r->conds & (1u << j)) && cond_cols[j].kind == kind)
            tmp[k++] = (casus_condition){.kind = cond_cols[j].cond, .text = cond_cols[j].text};
    }
    if (r->olimob)
        tmp[k++] = olimob_cond;
    if (r->obvary)
        tmp[k++] = obvary_cond;
    *n = k;
    if (k == 0)
        return NULL;
    return casus__arena_memdup(arena, tmp, k * sizeof *tmp);
}

static casus_end end_cause(const data_atop_span *a)
{
    if (!a || a->ineffect)
        return CASUS_END_NONE;
    switch (a->term) { /* TERM, codebook 2.32 */
    case 1: return CASUS_END_LAPSE;       /* provisions fulfilled */
    case 2: return CASUS_END_TERMINATED;  /* violation or abrogation */
    case 3: return CASUS_END_REPLACED;    /* renegotiated */
    default: return CASUS_END_UNKNOWN;    /* censored (loss of independence) or missing */
    }
}

/* Builds the treaty of one alliance from its member rows [rows, rows+n),
 * sorted by phase, member and entry. */
static casus_treaty *build_alliance(casus_world *w, const char *file, const data_store *s, const member_row *rows,
                                    size_t n)
{
    casus_arena *arena = casus__world_arena(w);
    int atopid = rows[0].atopid;
    casus_treaty *t = casus__arena_alloc(arena, sizeof *t);
    int *atop = casus__arena_alloc(arena, sizeof *atop);
    casus_party *parties = casus__arena_alloc(arena, n * sizeof *parties);
    int *owed_by = casus__arena_alloc(arena, n * sizeof *owed_by);
    casus_rule *rules = casus__arena_alloc(arena, 5 * n * sizeof *rules);
    if (!t || !atop || !parties || !owed_by || !rules)
        return NULL;
    *atop = atopid;
    t->id = casus__arena_printf(arena, "atop-%d", atopid);
    t->title = casus__arena_printf(arena, "ATOP alliance %d", atopid);
    t->file = file;
    t->atop = atop;
    t->n_atop = 1;
    t->from_atop = 1;
    t->sources = &atop_source;
    t->n_sources = 1;
    t->notes = "Imported from ATOP 5.1: the obligations and conditions ATOP codes for each member, not the treaty's text.";

    /* Parties: one per state and stretch of membership.  A member that goes
     * on from one phase into the next (the next entry no later than the day
     * after the exit) keeps one party entry; one that leaves and comes back
     * later gets two, so casus never counts it a member in between. */
    size_t n_parties = 0;
    const member_row **by_state = casus__arena_alloc(arena, n * sizeof *by_state);
    if (!by_state)
        return NULL;
    for (size_t i = 0; i < n; i++)
        by_state[i] = &rows[i];
    for (size_t i = 1; i < n; i++) { /* insertion sort by (member, entry): n is at most a few hundred */
        const member_row *x = by_state[i];
        size_t j = i;
        while (j > 0 && (by_state[j - 1]->member > x->member ||
                         (by_state[j - 1]->member == x->member && by_state[j - 1]->period.start.lo > x->period.start.lo))) {
            by_state[j] = by_state[j - 1];
            j--;
        }
        by_state[j] = x;
    }
    for (size_t i = 0; i < n; i++) {
        const member_row *r = by_state[i];
        casus_party *last = n_parties ? &parties[n_parties - 1] : NULL;
        if (last && last->ccode == r->member &&
            (casus_span_is_open(last->member.end) || r->period.start.lo <= last->member.end.hi + 1)) {
            if (!casus_span_is_open(last->member.end) &&
                (casus_span_is_open(r->period.end) || r->period.end.hi > last->member.end.hi))
                last->member.end = r->period.end;
            continue;
        }
        casus_party *p = &parties[n_parties++];
        char abuf[12];
        const char *abb = casus_world_abb(w, r->member, abuf);
        snprintf(p->abb, sizeof p->abb, "%.3s", abb == abuf ? "" : abb);
        p->ccode = r->member;
        p->member = r->period;
    }
    t->parties = parties;
    t->n_parties = n_parties;

    /* In force: the alliance file's dates, else the hull of the members'. */
    const data_atop_span *a = find_span(s->alliances, s->n_alliances, atopid, 0);
    if (a)
        t->in_force = a->period;
    else {
        t->in_force = rows[0].period;
        for (size_t i = 1; i < n; i++) {
            const casus_period *p = &rows[i].period;
            if (p->start.lo < t->in_force.start.lo)
                t->in_force.start = p->start;
            if (!casus_span_is_open(t->in_force.end) &&
                (casus_span_is_open(p->end) || p->end.hi > t->in_force.end.hi))
                t->in_force.end = p->end;
        }
    }
    t->signed_on = t->in_force.start; /* ATOP dates alliances by signature (codebook 2.42) */
    t->end_cause = end_cause(a);

    /* Articles: one per phase. */
    size_t n_phases = 0;
    for (size_t i = 0; i < n; i++)
        n_phases += i == 0 || rows[i].phase != rows[i - 1].phase;
    casus_article *arts = casus__arena_alloc(arena, n_phases * sizeof *arts);
    casus_passage *passages = casus__arena_alloc(arena, n_phases * sizeof *passages);
    if (!arts || !passages)
        return NULL;
    size_t art = 0, n_rules = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && rows[j].phase == rows[i].phase)
            j++;
        /* The members of the phase; owed_to lists them all, and the obligor
         * itself is skipped when obligations are built. */
        int *members = casus__arena_alloc(arena, (j - i) * sizeof *members);
        if (!members)
            return NULL;
        for (size_t k = i; k < j; k++)
            members[k - i] = rows[k].member;
        const data_atop_span *ph = find_span(s->phases, s->n_phases, atopid, rows[i].phase);
        casus_article *ar = &arts[art];
        ar->number = rows[i].phase ? casus__arena_printf(arena, "phase %d", rows[i].phase) : "ATOP";
        ar->title = rows[i].phase ? casus__arena_printf(arena, "ATOP 5.1 coding, phase %d", rows[i].phase)
                                  : "ATOP 5.1 coding";
        passages[art].status = CASUS_TEXT_CODED;
        passages[art].source = "ATOP";
        passages[art].note = "member-level coding, atop5_1m.csv";
        passages[art].text = phase_text(w, arena, rows + i, j - i, ph);
        if (!ar->number || !ar->title || !passages[art].text)
            return NULL;
        ar->passages = &passages[art];
        ar->n_passages = 1;
        ar->rules = rules + n_rules;
        for (size_t k = i; k < j; k++) {
            owed_by[k] = rows[k].member;
            for (int o = 0; o < 5; o++) {
                if (!rows[k].ob[o])
                    continue;
                casus_rule *ru = &rules[n_rules++];
                ru->kind = ob_cols[o].kind;
                ru->trigger = ob_cols[o].trigger;
                ru->timing = CASUS_TIMING_UNSPECIFIED; /* ATOP codes no timing */
                ru->actions = ob_cols[o].actions;
                ru->owed_by = &owed_by[k];
                ru->n_owed_by = 1;
                ru->owed_to = members;
                ru->n_owed_to = j - i;
                /* The rule holds while this member row does: the member's
                 * own entry and exit in this phase (codebook 2.32). */
                ru->valid = rows[k].period;
                ru->conds = rule_conds(arena, &rows[k], ru->kind, &ru->n_conds);
                if (ru->n_conds && !ru->conds)
                    return NULL;
                ru->phase = rows[k].phase;
            }
        }
        ar->n_rules = (size_t)(rules + n_rules - ar->rules);
        art++;
        i = j;
    }
    t->articles = arts;
    t->n_articles = n_phases;
    return t;
}

casus_status casus__data_load_atop_members(casus_world *w, casus_dataset which, const char *name, const char *buf, size_t len, casus_error *err)
{
    (void)which; /* one file per loader */
    static const char *const text[] = {"version", NULL};
    static const char *const fixed[MB_OB0] = {"atopid", "member", "yrent", "moent", "dayent", "yrexit", "moexit",
                                              "dayexit", "ineffect", "phase", "olimob", "obvary", "version"};
    const char *cols[MB_N];
    for (int i = 0; i < MB_OB0; i++)
        cols[i] = fixed[i];
    for (int k = 0; k < 5; k++)
        cols[MB_OB0 + k] = ob_cols[k].column;
    for (size_t k = 0; k < N_COND_COLS; k++)
        cols[MB_COND0 + k] = cond_cols[k].column;
    int idx[MB_N];
    members_ctx c = {.f = {.world = w, .name = name, .want = cols, .n_want = MB_N, .idx = idx, .text = text},
                     .mem = casus__world_mem(w), .store = casus__data_store_get(w)};
    casus__vec_init(&c.rows, sizeof(member_row));
    casus_status st = casus__data_parse(&c.f, buf, len, member_row_fn, &c, err);
    if (st != CASUS_OK) {
        casus__vec_free(&c.rows, c.mem);
        return st;
    }
    member_row *rows = c.rows.data;
    size_t n = c.rows.len;
    qsort(rows, n, sizeof *rows, cmp_member_row);
    casus_arena *arena = casus__world_arena(w);
    casus_arena_mark mark = casus__arena_mark(arena);
    char *file = casus__arena_strdup(arena, name);
    casus_vec built;
    casus__vec_init(&built, sizeof(casus_treaty *));
    for (size_t i = 0; i < n && st == CASUS_OK;) {
        size_t j = i;
        while (j < n && rows[j].atopid == rows[i].atopid)
            j++;
        casus_treaty *t = file ? build_alliance(w, file, c.store, rows + i, j - i) : NULL;
        casus_treaty **slot = t ? casus__vec_push(&built, c.mem) : NULL;
        if (!slot)
            st = casus_error_set(err, CASUS_NOMEM, name, 0, 0, "out of memory building ATOP alliance %d", rows[i].atopid);
        else
            *slot = t;
        i = j;
    }
    /* Check before changing the world, so a clash leaves it as it was. */
    for (size_t i = 0; i < built.len && st == CASUS_OK; i++) {
        const casus_treaty *t = CASUS_VEC_AT(&built, casus_treaty *, i);
        if (casus_world_treaty_find(w, t->id))
            st = casus_error_set(err, CASUS_INVALID, name, 0, 0, "treaty '%s' is already defined", t->id);
    }
    size_t added = 0;
    for (size_t i = 0; i < built.len && st == CASUS_OK; i++)
        if ((st = casus__world_add_treaty(w, CASUS_VEC_AT(&built, casus_treaty *, i), err)) == CASUS_OK)
            added++;
    if (st == CASUS_OK)
        st = casus__world_add_coverage(w, CASUS_COVERAGE_ATOP, "ATOP 5.1 alliances", casus_day_from_ymd(ATOP_FIRST_YEAR, 1, 1),
                                       casus_day_from_ymd(ATOP_LAST_YEAR, 12, 31), err);
    if (st == CASUS_OK)
        casus__data_store(w)->loaded |= 1u << CASUS_DATASET_ATOP_MEMBERS;
    else if (added == 0) /* treaties already added point into the arena */
        casus__arena_rollback(arena, mark);
    casus__vec_free(&built, c.mem);
    casus__vec_free(&c.rows, c.mem);
    return st;
}
