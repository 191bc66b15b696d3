/* The report of a simulation: probabilities with 95% Wilson intervals,
 * entry-day quartiles, the obligation that most often brought each state in,
 * the war's size and its timeline; as text, CSV or JSON (docs/cascade.md). */
#include <csv.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim_internal.h"

typedef struct state_row {
    int i;
    uint64_t joined, side[2];
    uint64_t by_day[6];        /* entry before day 1, 7, 30, 90, horizon */
    int q[3];                  /* entry-day quartiles; -1 when it never joined */
    int top_slot;              /* cause slot, -1 when none */
    uint64_t top_count;
} state_row;

static const int by_days[] = {1, 7, 30, 90};
#define N_BY 5 /* by_days and the horizon */

static int by_day_at(const casus_sim *sim, int k)
{
    return k < 4 ? by_days[k] : sim->horizon;
}

/* The smallest value whose cumulative count reaches q of the total
 * (the inverse of the empirical distribution). */
static int quantile(const uint64_t *hist, int n, uint64_t total, double q)
{
    if (total == 0)
        return -1;
    double need = q * (double)total;
    uint64_t acc = 0;
    for (int k = 0; k < n; k++) {
        acc += hist[k];
        if ((double)acc >= need && acc > 0)
            return k;
    }
    return n - 1;
}

static int cmp_rows(const void *pa, const void *pb)
{
    const state_row *a = pa, *b = pb;
    if (a->joined != b->joined)
        return a->joined > b->joined ? -1 : 1;
    return (a->i > b->i) - (a->i < b->i);
}

/* The states that joined in at least one trial, most likely first. */
static state_row *collect(const casus_sim *sim, const uint64_t *t, size_t *n_out)
{
    state_row *rows = casus__mem_alloc(&sim->mem, ((size_t)sim->n + 1) * sizeof *rows);
    if (!rows)
        return NULL;
    memset(rows, 0, ((size_t)sim->n + 1) * sizeof *rows);
    size_t n = 0;
    for (int i = 0; i < sim->n; i++) {
        state_row r = {.i = i};
        r.side[0] = t[sim->t_joined + 2 * (size_t)i];
        r.side[1] = t[sim->t_joined + 2 * (size_t)i + 1];
        r.joined = r.side[0] + r.side[1];
        if (!r.joined)
            continue;
        const uint64_t *h = t + sim->t_hist + (size_t)i * (size_t)sim->n_bins;
        for (int k = 0; k < N_BY; k++) {
            int d = by_day_at(sim, k);
            uint64_t c = 0;
            for (int b = 0; b < sim->n_bins && (b + 1) * sim->bin_width <= d; b++)
                c += h[b];
            r.by_day[k] = c;
        }
        r.by_day[N_BY - 1] = r.joined; /* every join happens before the horizon */
        for (int k = 0; k < 3; k++) {
            int b = quantile(h, sim->n_bins, r.joined, 0.25 * (k + 1));
            r.q[k] = b < 0 ? -1 : b * sim->bin_width;
        }
        r.top_slot = -1;
        for (int32_t z = sim->cause_off[i]; z < sim->cause_off[i + 1]; z++) {
            uint64_t c = t[sim->t_cause + (size_t)z];
            if (c > r.top_count) {
                r.top_count = c;
                r.top_slot = z - sim->cause_off[i];
            }
        }
        rows[n++] = r;
    }
    qsort(rows, n, sizeof *rows, cmp_rows);
    *n_out = n;
    return rows;
}

static const char *abb(const casus_sim *sim, int i)
{
    const casus_state *s = casus_world_state_by_ccode(sim->world, sim->ccode[i]);
    return s ? s->abb : "?";
}

static const char *name_of(const casus_sim *sim, int i)
{
    const casus_state *s = casus_world_state_by_ccode(sim->world, sim->ccode[i]);
    return s && s->name ? s->name : "?";
}

/* The cause in words: "rus-prk-2024 Art. 4", "no obligation", "scenario event". */
static void cause_text(const casus_sim *sim, const state_row *r, char *buf, size_t size)
{
    if (r->top_slot < 0)
        snprintf(buf, size, "-");
    else if (r->top_slot == 0)
        snprintf(buf, size, "no obligation");
    else if (r->top_slot == 1)
        snprintf(buf, size, "scenario event");
    else {
        const casus_obligation *ob = sim->cause_ob[sim->cause_off[r->i] + r->top_slot];
        if (!ob->treaty->from_atop)
            snprintf(buf, size, "%s Art. %s", ob->treaty->id, ob->article->number);
        else if (strcmp(ob->article->number, "ATOP") == 0) /* an ATOP record's single article */
            snprintf(buf, size, "%s", ob->treaty->id);
        else
            snprintf(buf, size, "%s %s", ob->treaty->id, ob->article->number);
    }
}

static double mean_of(const uint64_t *h, int n, uint64_t total)
{
    if (!total)
        return 0;
    double s = 0;
    for (int k = 0; k < n; k++)
        s += (double)k * (double)h[k];
    return s / (double)total;
}

/* ---- JSON -------------------------------------------------------------- */

static json_t *ci_json(uint64_t k, uint64_t n)
{
    double lo, hi;
    casus_sim_wilson(k, n, &lo, &hi);
    return json_pack("[f,f]", lo, hi);
}

static json_t *prob_json(uint64_t k, uint64_t n)
{
    return json_pack("{s:f,s:o}", "p", n ? (double)k / (double)n : 0.0, "ci95", ci_json(k, n));
}

static json_t *build_json(const casus_sim *sim, const uint64_t *t, uint64_t seed, const state_row *rows, size_t nr)
{
    uint64_t N = t[sim->t_trials];
    const casus_scenario *sc = sim->scenario;
    char day[11];
    casus_date_format(sim->start, day);
    json_t *root = json_object();
    json_t *scen = json_pack("{s:s,s:s,s:s,s:i,s:s,s:s,s:s}", "id", sc->id, "title", sc->title ? sc->title : "",
                             "start", day, "horizon", sim->horizon, "side1", abb(sim, sim->openings[0].attacker),
                             "side2", abb(sim, sim->openings[0].target), "generator",
                             "Random123 Philox4x64-10, key (seed, 0), counter (trial, block, 0, 0)");
    json_object_set_new(scen, "parameters", json_string(sim->params.provenance));
    json_object_set_new(root, "scenario", scen);
    json_object_set_new(root, "trials", json_integer((json_int_t)N));
    json_object_set_new(root, "seed", json_integer((json_int_t)seed));
    json_t *states = json_array();
    for (size_t r = 0; r < nr; r++) {
        const state_row *x = &rows[r];
        json_t *s = json_object();
        json_object_set_new(s, "state", json_string(abb(sim, x->i)));
        json_object_set_new(s, "name", json_string(name_of(sim, x->i)));
        json_object_set_new(s, "p_join", json_real(N ? (double)x->joined / (double)N : 0));
        json_object_set_new(s, "p_side1", json_real(N ? (double)x->side[0] / (double)N : 0));
        json_object_set_new(s, "p_side2", json_real(N ? (double)x->side[1] / (double)N : 0));
        json_t *by = json_object(), *byci = json_object();
        for (int k = 0; k < N_BY; k++) {
            char key[16];
            snprintf(key, sizeof key, "%d", by_day_at(sim, k));
            json_object_set_new(by, key, json_real(N ? (double)x->by_day[k] / (double)N : 0));
            json_object_set_new(byci, key, ci_json(x->by_day[k], N));
        }
        json_object_set_new(s, "p_by_day", by);
        json_t *ci = json_object();
        json_object_set_new(ci, "p_join", ci_json(x->joined, N));
        json_object_set_new(ci, "p_side1", ci_json(x->side[0], N));
        json_object_set_new(ci, "p_side2", ci_json(x->side[1], N));
        json_object_set_new(ci, "p_by_day", byci);
        json_object_set_new(s, "ci95", ci);
        json_object_set_new(s, "entry_day_quartiles", json_pack("[i,i,i]", x->q[0], x->q[1], x->q[2]));
        json_t *top;
        if (x->top_slot < 0)
            top = json_null();
        else if (x->top_slot < 2)
            top = json_pack("{s:n,s:n,s:s,s:f}", "treaty", "article", "cause",
                            x->top_slot == 0 ? "no obligation" : "scenario event", "share",
                            (double)x->top_count / (double)x->joined);
        else {
            const casus_obligation *ob = sim->cause_ob[sim->cause_off[x->i] + x->top_slot];
            top = json_pack("{s:s,s:s,s:s,s:f}", "treaty", ob->treaty->id, "article", ob->article->number, "cause",
                            "obligation", "share", (double)x->top_count / (double)x->joined);
        }
        json_object_set_new(s, "top_obligation", top);
        json_array_append_new(states, s);
    }
    json_object_set_new(root, "states", states);
    const uint64_t *ws = t + sim->t_size;
    int nsz = sim->n + 1;
    json_t *hist = json_array();
    for (int k = 0; k < nsz; k++)
        if (ws[k])
            json_array_append_new(hist, json_pack("{s:i,s:I}", "belligerents", k, "trials", (json_int_t)ws[k]));
    json_object_set_new(root, "war_size",
                        json_pack("{s:f,s:[i,i,i],s:o}", "mean", mean_of(ws, nsz, N), "quartiles",
                                  quantile(ws, nsz, N, 0.25), quantile(ws, nsz, N, 0.5), quantile(ws, nsz, N, 0.75),
                                  "histogram", hist));
    json_object_set_new(root, "p_major_vs_major", prob_json(t[sim->t_major], N));
    json_object_set_new(root, "p_nuclear_opposed", sim->has_nuclear ? prob_json(t[sim->t_nuclear], N) : json_null());
    json_t *tl = json_array();
    for (int k = 0; k < sim->n_checkpoints; k++) {
        const uint64_t *h = t + sim->t_timeline + (size_t)k * (size_t)nsz;
        json_array_append_new(tl, json_pack("{s:i,s:f,s:[i,i,i]}", "day", sim->checkpoints[k], "mean",
                                            mean_of(h, nsz, N), "quartiles", quantile(h, nsz, N, 0.25),
                                            quantile(h, nsz, N, 0.5), quantile(h, nsz, N, 0.75)));
    }
    json_object_set_new(root, "timeline", tl);
    return root;
}

/* ---- text and CSV ------------------------------------------------------ */

static void pct(char *buf, size_t size, uint64_t k, uint64_t n)
{
    double lo, hi;
    casus_sim_wilson(k, n, &lo, &hi);
    snprintf(buf, size, "%5.1f%% [%.1f, %.1f]", n ? 100.0 * (double)k / (double)n : 0.0, 100 * lo, 100 * hi);
}

static void write_text(const casus_sim *sim, const uint64_t *t, uint64_t seed, const state_row *rows, size_t nr,
                       FILE *out)
{
    uint64_t N = t[sim->t_trials];
    const casus_scenario *sc = sim->scenario;
    char day[11], buf[64], cbuf[160];
    casus_date_format(sim->start, day);
    const char *s1 = abb(sim, sim->openings[0].attacker), *s2 = abb(sim, sim->openings[0].target);
    fprintf(out, "%s: %s\n", sc->id, sc->title ? sc->title : "");
    fprintf(out, "%llu trials, seed %llu (Philox4x64-10), %d days from %s; side 1 is %s's, side 2 %s's\n",
            (unsigned long long)N, (unsigned long long)seed, sim->horizon, day, s1, s2);
    const char *prov = sim->params.provenance;
    const char *nl = strchr(prov, '\n');
    fprintf(out, "parameters: %.*s\n", nl ? (int)(nl - prov) : (int)strlen(prov), prov);
    fprintf(out, "probabilities: share of trials, with 95%% Wilson score intervals in brackets\n\n");

    const uint64_t *ws = t + sim->t_size;
    int nsz = sim->n + 1;
    fprintf(out, "Summary\n");
    fprintf(out, "  belligerents at day %d: mean %.2f, quartiles %d / %d / %d (%d at the start)\n", sim->horizon,
            mean_of(ws, nsz, N), quantile(ws, nsz, N, 0.25), quantile(ws, nsz, N, 0.5), quantile(ws, nsz, N, 0.75),
            sim->tmpl.n_bell);
    size_t shown = 0;
    for (size_t r = 0; r < nr && shown < 5; r++, shown++) {
        const state_row *x = &rows[r];
        pct(buf, sizeof buf, x->joined, N);
        cause_text(sim, x, cbuf, sizeof cbuf);
        fprintf(out, "  %s joins: %s, mostly with %s; median entry day %d; most often under %s\n", abb(sim, x->i), buf,
                x->side[0] >= x->side[1] ? s1 : s2, x->q[1], cbuf);
    }
    if (nr == 0)
        fprintf(out, "  no state joined in any trial\n");
    pct(buf, sizeof buf, t[sim->t_major], N);
    fprintf(out, "  two major powers at war with each other: %s\n", buf);
    if (sim->has_nuclear) {
        pct(buf, sizeof buf, t[sim->t_nuclear], N);
        fprintf(out, "  nuclear-armed states on opposite sides: %s\n", buf);
    } else
        fprintf(out, "  nuclear-armed states on opposite sides: not reported (no table of nuclear-armed states)\n");

    fprintf(out, "\nStates that joined in any trial\n");
    fprintf(out, "  %-5s %-24s %-24s %-24s %7s %7s %7s %7s  %-12s  %s\n", "state", "P(joins)", "P(side 1)",
            "P(side 2)", "day 1", "day 7", "day 30", "day 90", "entry days", "brought in most often by");
    for (size_t r = 0; r < nr; r++) {
        const state_row *x = &rows[r];
        char a[64], b[64], c[64], q[32];
        pct(a, sizeof a, x->joined, N);
        pct(b, sizeof b, x->side[0], N);
        pct(c, sizeof c, x->side[1], N);
        snprintf(q, sizeof q, "%d/%d/%d", x->q[0], x->q[1], x->q[2]);
        cause_text(sim, x, cbuf, sizeof cbuf);
        fprintf(out, "  %-5s %-24s %-24s %-24s", abb(sim, x->i), a, b, c);
        for (int k = 0; k < 4; k++)
            fprintf(out, " %6.1f%%", N ? 100.0 * (double)x->by_day[k] / (double)N : 0.0);
        fprintf(out, "  %-12s  %s (%.0f%%)\n", q, cbuf, 100.0 * (double)x->top_count / (double)x->joined);
    }
    fprintf(out, "  (day columns: P(joins before that day); entry days: quartiles of the entry day among trials "
                 "where it joined)\n");

    fprintf(out, "\nWar size at day %d (belligerents: trials)\n ", sim->horizon);
    for (int k = 0; k < nsz; k++)
        if (ws[k])
            fprintf(out, " %d: %llu", k, (unsigned long long)ws[k]);
    fprintf(out, "\n\nBelligerents by day (mean, quartiles)\n");
    for (int k = 0; k < sim->n_checkpoints; k++) {
        const uint64_t *h = t + sim->t_timeline + (size_t)k * (size_t)nsz;
        fprintf(out, "  day %4d: %6.2f  %d / %d / %d\n", sim->checkpoints[k], mean_of(h, nsz, N),
                quantile(h, nsz, N, 0.25), quantile(h, nsz, N, 0.5), quantile(h, nsz, N, 0.75));
    }
}

static void csv_cell(FILE *out, const char *s, bool last)
{
    csv_fwrite(out, s, strlen(s));
    fputc(last ? '\n' : ',', out);
}

static void write_csv(const casus_sim *sim, const uint64_t *t, const state_row *rows, size_t nr, FILE *out)
{
    uint64_t N = t[sim->t_trials];
    fprintf(out, "state,name,trials,p_join,p_join_lo,p_join_hi,p_side1,p_side1_lo,p_side1_hi,p_side2,p_side2_lo,"
                 "p_side2_hi");
    for (int k = 0; k < N_BY; k++)
        fprintf(out, ",p_by_day_%d,p_by_day_%d_lo,p_by_day_%d_hi", by_day_at(sim, k), by_day_at(sim, k),
                by_day_at(sim, k));
    fprintf(out, ",entry_day_q1,entry_day_median,entry_day_q3,top_cause,top_treaty,top_article,top_share\n");
    for (size_t r = 0; r < nr; r++) {
        const state_row *x = &rows[r];
        csv_cell(out, abb(sim, x->i), false);
        csv_cell(out, name_of(sim, x->i), false);
        fprintf(out, "%llu", (unsigned long long)N);
        uint64_t ks[3 + N_BY] = {x->joined, x->side[0], x->side[1]};
        for (int k = 0; k < N_BY; k++)
            ks[3 + k] = x->by_day[k];
        for (int k = 0; k < 3 + N_BY; k++) {
            double lo, hi;
            casus_sim_wilson(ks[k], N, &lo, &hi);
            fprintf(out, ",%.6f,%.6f,%.6f", N ? (double)ks[k] / (double)N : 0.0, lo, hi);
        }
        fprintf(out, ",%d,%d,%d,", x->q[0], x->q[1], x->q[2]);
        if (x->top_slot >= 2) {
            const casus_obligation *ob = sim->cause_ob[sim->cause_off[x->i] + x->top_slot];
            csv_cell(out, "obligation", false);
            csv_cell(out, ob->treaty->id, false);
            csv_cell(out, ob->article->number, false);
        } else {
            csv_cell(out, x->top_slot == 0 ? "no obligation" : "scenario event", false);
            fputs(",,", out);
        }
        fprintf(out, "%.6f\n", (double)x->top_count / (double)x->joined);
    }
}

casus_status casus_sim_write(const casus_sim *sim, const casus_sim_tally *tally, uint64_t seed, casus_format format,
                             FILE *out, casus_error *err)
{
    const uint64_t *t = casus_sim_tally_data((casus_sim_tally *)tally);
    size_t nr = 0;
    state_row *rows = collect(sim, t, &nr);
    if (!rows)
        return casus_error_set(err, CASUS_NOMEM, NULL, 0, 0, "out of memory");
    casus_status st = CASUS_OK;
    if (format == CASUS_FORMAT_JSON) {
        json_t *root = build_json(sim, t, seed, rows, nr);
        if (!root || json_dumpf(root, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6)) != 0)
            st = casus_error_set(err, root ? CASUS_IO : CASUS_NOMEM, NULL, 0, 0, "cannot write the JSON report");
        else
            fputc('\n', out);
        json_decref(root);
    } else if (format == CASUS_FORMAT_CSV)
        write_csv(sim, t, rows, nr, out);
    else
        write_text(sim, t, seed, rows, nr, out);
    casus__mem_free(&sim->mem, rows, ((size_t)sim->n + 1) * sizeof *rows);
    if (st == CASUS_OK && ferror(out))
        st = casus_error_set(err, CASUS_IO, NULL, 0, 0, "cannot write the report");
    return st;
}
