/* Writers for casus_who results: text for people, CSV (casus/csv.h) and
 * JSON (jansson) for R and Python. */
#include <ctype.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "casus/csv.h"
#include "casus/who.h"
#include "internal.h"

static const char *status_word(casus_truth t)
{
    return t == CASUS_HELD ? "binding" : t == CASUS_UNKNOWN ? "conditional" : "not-binding";
}

static const char *abb_of(const casus_world *w, int ccode, char buf[12])
{
    return casus_world_abb(w, ccode, buf);
}

static void span_text(casus_span s, char buf[24])
{
    casus_span_format(s, buf);
}

/* "Art. 5" for a treaty's article; ATOP records have no articles, only the
 * phase casus files them under ("phase 2", or "ATOP" for one phase). */
static const char *article_label(const casus_obligation *ob, char *buf, size_t size)
{
    if (ob->treaty->from_atop)
        snprintf(buf, size, "(%s)", strcmp(ob->article->number, "ATOP") == 0 ? "ATOP record" : ob->article->number);
    else
        snprintf(buf, size, "Art. %s", ob->article->number);
    return buf;
}

static const casus_passage *quote_of(const casus_obligation *ob)
{
    return ob->article && ob->article->n_passages ? &ob->article->passages[0] : NULL;
}

static const char *source_text(const casus_treaty *t, const char *key)
{
    for (size_t i = 0; i < t->n_sources; i++)
        if (strcmp(t->sources[i].key, key) == 0)
            return t->sources[i].text;
    return key;
}

/* ---- text --------------------------------------------------------------- */

#define TEXT_WIDTH 100

/* Words written one after another, wrapped at TEXT_WIDTH columns with the
 * continuation lines indented. */
typedef struct wrapper {
    FILE *out;
    size_t col;
    size_t indent;
} wrapper;

static void wrap_word(wrapper *wr, const char *sep, const char *word)
{
    size_t ls = strlen(sep), lw = strlen(word);
    if (wr->col + ls + lw > TEXT_WIDTH && wr->col > wr->indent) {
        while (ls && sep[ls - 1] == ' ')
            ls--;
        fprintf(wr->out, "%.*s\n%*s%s", (int)ls, sep, (int)wr->indent, "", word);
        wr->col = wr->indent + lw;
        return;
    }
    fprintf(wr->out, "%s%s", sep, word);
    wr->col += ls + lw;
}

static int cmp_int(const void *pa, const void *pb)
{
    int a = *(const int *)pa, b = *(const int *)pb;
    return (a > b) - (a < b);
}

/* The summary: per role, how many obligations bind, bind conditionally (and,
 * with --all, do not bind), and which states owe them; then the states bound
 * on both sides.  ints has room for n_findings codes. */
static void write_summary(const casus_world *w, const casus_who_result *r, int *ints, FILE *out)
{
    static const casus_truth order[] = {CASUS_HELD, CASUS_UNKNOWN, CASUS_FAILED};
    static const char *const words[] = {"binding", "conditional", "not binding"};
    char a[12], num[48];
    fputs("\nsummary\n", out);
    for (int role = 0; role < CASUS_ROLE_COUNT; role++) {
        bool any = false;
        wrapper wr = {out, 0, 6};
        for (size_t k = 0; k < 3; k++) {
            size_t n = 0, count = 0;
            for (size_t i = 0; i < r->n_findings; i++)
                if ((int)r->findings[i].role == role && r->findings[i].status == order[k]) {
                    ints[n++] = r->findings[i].obligation->obligor;
                    count++;
                }
            if (!count)
                continue;
            if (!any) {
                fprintf(out, "  %s:", casus_role_str((casus_role)role));
                wr.col = 3 + strlen(casus_role_str((casus_role)role));
                any = true;
            }
            qsort(ints, n, sizeof *ints, cmp_int);
            snprintf(num, sizeof num, "%zu %s, owed by", count, words[k]);
            wrap_word(&wr, wr.col > 3 + strlen(casus_role_str((casus_role)role)) ? "; " : " ", num);
            for (size_t i = 0; i < n; i++)
                if (i == 0 || ints[i] != ints[i - 1])
                    wrap_word(&wr, " ", abb_of(w, ints[i], a));
        }
        if (any)
            fputc('\n', out);
    }
    fputs("  bound on both sides:", out);
    wrapper wr = {out, 23, 6};
    for (size_t i = 0; i < r->n_conflicts; i++)
        wrap_word(&wr, i ? ", " : " ", abb_of(w, r->conflicts[i].state, a));
    fputs(r->n_conflicts ? "\n" : " none\n", out);
}

/* What a finding says once its obligor is taken out: each trace line with
 * the obligor's abbreviation (as a word) read "each", and the day its
 * obligation starts read "the date given for it".  Findings of one ATOP
 * record with equal signatures differ only in the obligor. */
static char *signature(const casus_world *w, const casus_mem *mem, const casus_finding *f, size_t *size)
{
    char obl[12], start[24];
    const casus_obligation *ob = f->obligation;
    const char *o = abb_of(w, ob->obligor, obl);
    size_t olen = strlen(o);
    casus_span_format(ob->valid.start, start);
    if (ob->valid.start.hi <= CASUS_DAY_NEVER_BEFORE)
        snprintf(start, sizeof start, "its start");
    char from[40];
    snprintf(from, sizeof from, "from %s to ", start);
    size_t cap = 1;
    for (size_t k = 0; k < f->n_traces; k++)
        cap += strlen(f->traces[k].what) + 4 * strlen(f->traces[k].detail) + 64;
    char *sig = casus__mem_alloc(mem, cap);
    if (!sig)
        return NULL;
    size_t n = 0;
    for (size_t k = 0; k < f->n_traces; k++) {
        n += (size_t)snprintf(sig + n, cap - n, "%s\t%d\t", f->traces[k].what, (int)f->traces[k].truth);
        const char *d = f->traces[k].detail;
        bool dated = false;
        for (size_t i = 0; d[i];) {
            bool word = strncmp(d + i, o, olen) == 0 && (i == 0 || !isalnum((unsigned char)d[i - 1])) &&
                        !isalnum((unsigned char)d[i + olen]);
            if (word) {
                n += (size_t)snprintf(sig + n, cap - n, "each");
                i += olen;
            } else if (!dated && strncmp(d + i, from, strlen(from)) == 0) {
                n += (size_t)snprintf(sig + n, cap - n, "from the date given for it to ");
                i += strlen(from);
                dated = true;
            } else
                sig[n++] = d[i++];
        }
        sig[n++] = '\n';
        sig[n] = '\0';
    }
    *size = cap;
    return sig;
}

static bool same_record(const casus_finding *x, const char *sx, const casus_finding *y, const char *sy)
{
    const casus_obligation *a = x->obligation, *b = y->obligation;
    return a->treaty->from_atop && a->treaty == b->treaty && a->article == b->article &&
           a->beneficiary == b->beneficiary && a->kind == b->kind && a->trigger == b->trigger &&
           a->timing == b->timing && a->actions == b->actions && x->role == y->role && x->status == y->status &&
           x->superseded_by == y->superseded_by && a->valid.end.lo == b->valid.end.lo &&
           a->valid.end.hi == b->valid.end.hi && sx && sy && strcmp(sx, sy) == 0;
}

static void write_quote(const casus_obligation *ob, FILE *out)
{
    const casus_passage *q = quote_of(ob);
    if (q) {
        size_t n = strlen(q->text), cut = n > 300 ? 300 : n;
        /* Cut between characters, not inside a UTF-8 sequence (Cyrillic,
         * Korean and Chinese passages are two or three bytes a letter). */
        while (cut < n && cut > 0 && ((unsigned char)q->text[cut] & 0xC0) == 0x80)
            cut--;
        fprintf(out, "    \"%.*s%s\" (%s, %s)\n", (int)cut, q->text, cut < n ? "..." : "",
                casus_text_status_str(q->status), q->source);
    }
}

static int write_text(const casus_world *w, const casus_who_result *r, FILE *out)
{
    char a[12], b[12], d[11], buf[64];
    casus_date_format(r->attack.day, d);
    size_t binding = 0, conditional = 0, failed = 0;
    for (size_t i = 0; i < r->n_findings; i++) {
        binding += r->findings[i].status == CASUS_HELD;
        conditional += r->findings[i].status == CASUS_UNKNOWN;
        failed += r->findings[i].status == CASUS_FAILED;
    }
    const casus_mem *mem = casus__world_mem((casus_world *)w);
    size_t n = r->n_findings;
    /* Per finding: printed yet, its signature (NULL for --all, which lists
     * every record apart), and room for the summary's state codes. */
    bool *done = casus__mem_alloc(mem, n + 1);
    char **sigs = casus__mem_alloc(mem, (n + 1) * sizeof *sigs);
    size_t *sig_size = casus__mem_alloc(mem, (n + 1) * sizeof *sig_size);
    int *ints = casus__mem_alloc(mem, (n + 1) * sizeof *ints);
    bool arrays = done && sigs && sig_size && ints;
    int rc = arrays ? 0 : -2;
    if (arrays) {
        memset(done, 0, n + 1);
        memset(sigs, 0, (n + 1) * sizeof *sigs);
        memset(sig_size, 0, (n + 1) * sizeof *sig_size);
    }
    bool group = !(r->flags & CASUS_WHO_ALL);
    for (size_t i = 0; i < n && rc == 0; i++) {
        if (group && r->findings[i].obligation->treaty->from_atop &&
            !(sigs[i] = signature(w, mem, &r->findings[i], &sig_size[i])))
            rc = -2;
    }
    if (rc == 0) {
        fprintf(out, "%s attacks %s at %s on %s\n", abb_of(w, r->attack.attacker, a), abb_of(w, r->attack.target, b),
                r->place->name, d);
        fprintf(out, "%zu obligation%s: %zu binding, %zu conditional", n, n == 1 ? "" : "s", binding, conditional);
        if (failed)
            fprintf(out, ", %zu not binding", failed);
        fputs("\n", out);
        write_summary(w, r, ints, out);
    }
    int last_role = -1;
    for (size_t i = 0; i < n && rc == 0; i++) {
        if (done[i])
            continue;
        const casus_finding *f = &r->findings[i];
        const casus_obligation *ob = f->obligation;
        if ((int)f->role != last_role) {
            fprintf(out, "\n%s: %s\n", casus_role_str(f->role), casus_role_describe(f->role));
            last_role = (int)f->role;
        }
        /* The other findings of this ATOP record that differ only in the obligor. */
        size_t members = 1;
        for (size_t j = i + 1; j < n && r->findings[j].role == f->role; j++)
            if (!done[j] && sigs[i] && same_record(f, sigs[i], &r->findings[j], sigs[j])) {
                done[j] = true;
                ints[members++] = (int)j;
            }
        casus_actions_format(ob->actions, buf, sizeof buf);
        char art[64];
        if (members == 1)
            fprintf(out, "  %s -> %s", abb_of(w, ob->obligor, a), abb_of(w, ob->beneficiary, b));
        else
            fprintf(out, "  %zu states -> %s", members, abb_of(w, ob->beneficiary, b));
        fprintf(out, "  %s %s  %s, %s, %s  [%s]\n", ob->treaty->id, article_label(ob, art, sizeof art),
                casus_kind_str(ob->kind), casus_timing_str(ob->timing), buf, status_word(f->status));
        if (members > 1) {
            fputs("    owed by, each from the date given:", out);
            wrapper wr = {out, 38, 6};
            ints[0] = (int)i;
            for (size_t m = 0; m < members; m++) {
                const casus_obligation *o = r->findings[ints[m]].obligation;
                char start[24], item[48];
                casus_span_format(o->valid.start, start);
                if (o->valid.start.hi <= CASUS_DAY_NEVER_BEFORE)
                    snprintf(start, sizeof start, "its start");
                snprintf(item, sizeof item, "%s %s", abb_of(w, o->obligor, a), start);
                wrap_word(&wr, m ? ", " : " ", item);
            }
            fputc('\n', out);
        }
        write_quote(ob, out);
        if (members == 1) {
            for (size_t k = 0; k < f->n_traces; k++)
                fprintf(out, "    %-13s  %s: %s\n", casus_truth_str(f->traces[k].truth), f->traces[k].what,
                        f->traces[k].detail);
        } else {
            /* The signature holds the lines with the obligor taken out. */
            const char *line = sigs[i];
            for (size_t k = 0; k < f->n_traces; k++) {
                const char *detail = strchr(strchr(line, '\t') + 1, '\t') + 1;
                const char *eol = strchr(detail, '\n');
                fprintf(out, "    %-13s  %s: %.*s\n", casus_truth_str(f->traces[k].truth), f->traces[k].what,
                        (int)(eol - detail), detail);
                line = eol + 1;
            }
        }
    }
    for (size_t i = 0; i < r->n_conflicts && rc == 0; i++) {
        const casus_conflict *cf = &r->conflicts[i];
        const casus_obligation *x = r->findings[cf->finding_a].obligation, *y = r->findings[cf->finding_b].obligation;
        if (i == 0)
            fputs("\nconflicts: states bound on both sides\n", out);
        char ax[64], ay[64];
        fprintf(out, "  %s: %s %s (%s) against %s %s (%s)\n", abb_of(w, cf->state, a), x->treaty->id,
                article_label(x, ax, sizeof ax), casus_role_str(r->findings[cf->finding_a].role), y->treaty->id,
                article_label(y, ay, sizeof ay),
                casus_role_str(r->findings[cf->finding_b].role));
    }
    if (rc == 0) {
        fputs("\nrests on:\n", out);
        for (size_t i = 0; i < r->n_notes; i++)
            fprintf(out, "  %s\n", r->notes[i]);
    }
    for (size_t i = 0; arrays && i < n; i++)
        casus__mem_free(mem, sigs[i], sig_size[i]);
    casus__mem_free(mem, done, n + 1);
    casus__mem_free(mem, sigs, (n + 1) * sizeof *sigs);
    casus__mem_free(mem, sig_size, (n + 1) * sizeof *sig_size);
    casus__mem_free(mem, ints, (n + 1) * sizeof *ints);
    return rc != 0 ? rc : ferror(out) ? -1 : 0;
}

/* ---- CSV ---------------------------------------------------------------- */

/* Every field quoted (casus/csv.h, CASUS_CSV_QUOTE_ALL). */
static int write_csv(const casus_world *w, const casus_who_result *r, FILE *out)
{
    static const char *const header[] = {"attacker", "target", "place", "date", "obligor", "beneficiary", "treaty",
                                         "article", "kind", "role", "trigger", "timing", "actions", "status",
                                         "valid_from", "valid_to", "text_status", "quote", "conditions"};
    const size_t nh = sizeof header / sizeof *header;
    const casus_mem *mem = casus__world_mem((casus_world *)w);
    casus_csv_writer *csv = casus__mem_alloc(mem, sizeof *csv);
    if (!csv)
        return -2;
    casus_csv_init(csv, out, CASUS_CSV_QUOTE_ALL);
    for (size_t i = 0; i < nh; i++)
        casus_csv_str(csv, header[i]);
    casus_csv_end(csv);
    char a[12], b[12], d[11], x[12], y[12], from[24], to[24], acts[64];
    casus_date_format(r->attack.day, d);
    int rc = 0;
    for (size_t i = 0; i < r->n_findings && rc == 0; i++) {
        const casus_finding *f = &r->findings[i];
        const casus_obligation *ob = f->obligation;
        span_text(ob->valid.start, from);
        if (ob->valid.start.hi <= CASUS_DAY_NEVER_BEFORE)
            from[0] = '\0';
        span_text(ob->valid.end, to);
        if (casus_span_is_open(ob->valid.end))
            to[0] = '\0';
        casus_actions_format(ob->actions, acts, sizeof acts);
        const casus_passage *q = quote_of(ob);
        size_t cap = 1;
        for (size_t k = 0; k < f->n_traces; k++)
            cap += strlen(f->traces[k].what) + strlen(f->traces[k].detail) + 32;
        char *conds = casus__mem_alloc(mem, cap);
        if (!conds) {
            rc = -2;
            break;
        }
        size_t used = 0;
        conds[0] = '\0';
        for (size_t k = 0; k < f->n_traces; k++)
            used += (size_t)snprintf(conds + used, cap - used, "%s%s=%s: %s", k ? "; " : "", f->traces[k].what,
                                     casus_truth_str(f->traces[k].truth), f->traces[k].detail);
        const char *row[] = {abb_of(w, r->attack.attacker, a), abb_of(w, r->attack.target, b), r->place->id, d,
                             abb_of(w, ob->obligor, x), abb_of(w, ob->beneficiary, y), ob->treaty->id,
                             ob->article->number, casus_kind_str(ob->kind), casus_role_str(f->role),
                             casus_trigger_str(ob->trigger), casus_timing_str(ob->timing), acts,
                             status_word(f->status), from, to, q ? casus_text_status_str(q->status) : "",
                             q ? q->text : "", conds};
        for (size_t k = 0; k < nh; k++)
            casus_csv_str(csv, row[k]);
        casus_csv_end(csv);
        casus__mem_free(mem, conds, cap);
    }
    if (casus_csv_flush(csv) != CASUS_OK && rc == 0)
        rc = -1;
    casus__mem_free(mem, csv, sizeof *csv);
    return rc != 0 ? rc : ferror(out) ? -1 : 0;
}

/* ---- JSON --------------------------------------------------------------- */

static json_t *span_json(casus_span s, bool open_is_null)
{
    char buf[24];
    if ((open_is_null && casus_span_is_open(s)) || s.hi <= CASUS_DAY_NEVER_BEFORE)
        return json_null();
    span_text(s, buf);
    return json_string(buf);
}

static json_t *finding_json(const casus_world *w, const casus_finding *f)
{
    const casus_obligation *ob = f->obligation;
    char a[12], b[12];
    json_t *o = json_object();
    json_object_set_new(o, "obligor", json_string(abb_of(w, ob->obligor, a)));
    json_object_set_new(o, "obligor_ccode", json_integer(ob->obligor));
    json_object_set_new(o, "beneficiary", json_string(abb_of(w, ob->beneficiary, b)));
    json_object_set_new(o, "beneficiary_ccode", json_integer(ob->beneficiary));
    json_object_set_new(o, "treaty", json_string(ob->treaty->id));
    json_object_set_new(o, "treaty_title", json_string(ob->treaty->title ? ob->treaty->title : ""));
    json_object_set_new(o, "article", json_string(ob->article->number));
    json_object_set_new(o, "kind", json_string(casus_kind_str(ob->kind)));
    json_object_set_new(o, "role", json_string(casus_role_str(f->role)));
    json_object_set_new(o, "trigger", json_string(casus_trigger_str(ob->trigger)));
    json_object_set_new(o, "timing", json_string(casus_timing_str(ob->timing)));
    json_t *acts = json_array();
    static const char *const names[] = {"military", "other", "consult", "abstain", "refrain"};
    for (unsigned i = 0; i < 5; i++)
        if (ob->actions & (1u << i))
            json_array_append_new(acts, json_string(names[i]));
    json_object_set_new(o, "actions", acts);
    json_object_set_new(o, "status", json_string(status_word(f->status)));
    json_object_set_new(o, "valid_from", span_json(ob->valid.start, false));
    json_object_set_new(o, "valid_to", span_json(ob->valid.end, true));
    if (ob->phase)
        json_object_set_new(o, "phase", json_integer(ob->phase));
    const casus_passage *q = quote_of(ob);
    json_object_set_new(o, "quote", json_string(q ? q->text : ""));
    json_object_set_new(o, "text_status", json_string(q ? casus_text_status_str(q->status) : "none"));
    json_object_set_new(o, "source", json_string(q ? source_text(ob->treaty, q->source) : ""));
    json_t *atop = json_array();
    for (size_t i = 0; i < ob->treaty->n_atop; i++)
        json_array_append_new(atop, json_integer(ob->treaty->atop[i]));
    json_object_set_new(o, "atop", atop);
    if (f->superseded_by)
        json_object_set_new(o, "superseded_by", json_string(f->superseded_by->id));
    json_t *conds = json_array();
    for (size_t k = 0; k < f->n_traces; k++) {
        json_t *c = json_object();
        json_object_set_new(c, "condition", json_string(f->traces[k].what));
        json_object_set_new(c, "result", json_string(casus_truth_str(f->traces[k].truth)));
        json_object_set_new(c, "detail", json_string(f->traces[k].detail));
        json_array_append_new(conds, c);
    }
    json_object_set_new(o, "conditions", conds);
    return o;
}

static int write_json(const casus_world *w, const casus_who_result *r, FILE *out)
{
    char a[12], b[12], d[11];
    casus_date_format(r->attack.day, d);
    json_t *root = json_object();
    json_t *q = json_object();
    json_object_set_new(q, "attacker", json_string(abb_of(w, r->attack.attacker, a)));
    json_object_set_new(q, "target", json_string(abb_of(w, r->attack.target, b)));
    json_object_set_new(q, "place", json_string(r->place->id));
    json_object_set_new(q, "place_name", json_string(r->place->name));
    json_object_set_new(q, "date", json_string(d));
    json_object_set_new(root, "query", q);
    json_t *obs = json_array();
    for (size_t i = 0; i < r->n_findings; i++)
        json_array_append_new(obs, finding_json(w, &r->findings[i]));
    json_object_set_new(root, "obligations", obs);
    json_t *cfs = json_array();
    for (size_t i = 0; i < r->n_conflicts; i++) {
        json_t *c = json_object();
        json_object_set_new(c, "state", json_string(abb_of(w, r->conflicts[i].state, a)));
        json_object_set_new(c, "with_target", json_integer((json_int_t)r->conflicts[i].finding_a));
        json_object_set_new(c, "with_attacker", json_integer((json_int_t)r->conflicts[i].finding_b));
        json_array_append_new(cfs, c);
    }
    json_object_set_new(root, "conflicts", cfs);
    json_t *notes = json_array();
    for (size_t i = 0; i < r->n_notes; i++)
        json_array_append_new(notes, json_string(r->notes[i]));
    json_object_set_new(root, "rests_on", notes);
    int rc = json_dumpf(root, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    fputc('\n', out);
    json_decref(root);
    return rc == 0 && !ferror(out) ? 0 : -1;
}

casus_status casus_who_write(const casus_world *w, const casus_who_result *r, casus_format format, FILE *out,
                             casus_error *err)
{
    int rc;
    switch (format) {
    case CASUS_FORMAT_CSV:
        rc = write_csv(w, r, out);
        break;
    case CASUS_FORMAT_JSON:
        rc = write_json(w, r, out);
        break;
    default:
        rc = write_text(w, r, out);
        break;
    }
    if (rc == -2)
        return casus_error_set(err, CASUS_NOMEM, NULL, 0, 0, "out of memory");
    if (rc != 0)
        return casus_error_set(err, CASUS_IO, NULL, 0, 0, "write error");
    return CASUS_OK;
}
