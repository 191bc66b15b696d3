/* `casus backtest --report DIR`: report.md, and the figures
 * (backtest_figures.c), written into a temporary directory beside DIR and
 * moved into place once all are written. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backtest_report.h"
#include "casus/who.h"

/* How many of the worst wars the report explains, and how many lines each
 * of its lists may take. */
enum { WORST_WARS = 10, MAX_OBLIGATIONS = 15, TOP_FORECASTS = 8 };

static int report_error(const char *dir, int code, const char *what, int errnum)
{
    casus_error err;
    casus_error_clear(&err);
    casus_error_set(&err, code == EXIT_USAGE ? CASUS_INVALID : CASUS_IO, NULL, 0, 0, "%s: %s%s%s", dir, what,
                    errnum ? ": " : "", errnum ? strerror(errnum) : "");
    cli_fail(&err);
    return code;
}

int cli_report_begin(const char *dir, cli_report *rep)
{
    memset(rep, 0, sizeof *rep);
    struct stat st;
    if (!dir[0])
        return report_error("''", EXIT_USAGE, "cannot write the report there: the name is empty", 0);
    if (stat(dir, &st) == 0 && !S_ISDIR(st.st_mode))
        return report_error(dir, EXIT_USAGE, "cannot write the report there: it exists and is not a directory", 0);
    /* DIR without trailing slashes, then its parent and base name. */
    char *path = strdup(dir);
    if (!path)
        return report_error(dir, EXIT_WORK, "out of memory", 0);
    size_t len = strlen(path);
    while (len > 1 && path[len - 1] == '/')
        path[--len] = '\0';
    const char *slash = strrchr(path, '/');
    size_t parent_len = slash ? (size_t)(slash - path) + 1 : 0;
    size_t n = len + 32;
    rep->tmp = malloc(n);
    if (!rep->tmp) {
        free(path);
        return report_error(dir, EXIT_WORK, "out of memory", 0);
    }
    snprintf(rep->tmp, n, "%.*s.%s.tmpXXXXXX", (int)parent_len, path, path + parent_len);
    rep->dir = path;
    if (!mkdtemp(rep->tmp)) {
        int saved = errno;
        free(rep->tmp);
        rep->tmp = NULL;
        free(rep->dir);
        rep->dir = NULL;
        return report_error(dir, EXIT_USAGE, "cannot write the report there", saved);
    }
    /* mkdtemp makes the directory 0700; give it the mode a plain mkdir
     * would. */
    mode_t mask = umask(0);
    umask(mask);
    if (chmod(rep->tmp, 0777 & ~mask) != 0) {
        int saved = errno;
        cli_report_abort(rep);
        return report_error(dir, EXIT_USAGE, "cannot set the report directory's mode", saved);
    }
    return EXIT_OK;
}

static void remove_files(const char *dir)
{
    char path[4200];
    for (size_t f = 0; f < cli_report_n_figures; f++)
        for (int e = 0; e < 2; e++) {
            snprintf(path, sizeof path, "%s/%s.%s", dir, cli_report_figures[f].name, e ? "png" : "svg");
            remove(path);
        }
    snprintf(path, sizeof path, "%s/report.md", dir);
    remove(path);
}

void cli_report_abort(cli_report *rep)
{
    if (rep->tmp) {
        remove_files(rep->tmp);
        rmdir(rep->tmp);
    }
    free(rep->tmp);
    free(rep->dir);
    memset(rep, 0, sizeof *rep);
}

/* ---- what the report needs beyond the result ------------------------------ */

static const char *abb(const cli_fit_env *env, int ccode, char buf[12])
{
    return casus_world_abb(env->world, ccode, buf);
}

static const char *state_name(const cli_fit_env *env, int ccode)
{
    const casus_state *s = casus_world_state_by_ccode(env->world, ccode);
    return s && s->name ? s->name : "";
}

/* The Markdown cell of a number that may be undefined, with `digits`
 * decimals. */
static void cell(FILE *fp, int digits, double v)
{
    if (isfinite(v))
        fprintf(fp, " %.*f |", digits, v);
    else
        fputs(" - |", fp);
}

static void cell_ci(FILE *fp, const double ci[2])
{
    if (isfinite(ci[0]) && isfinite(ci[1]))
        fprintf(fp, " [%.4f, %.4f] |", ci[0], ci[1]);
    else
        fputs(" - |", fp);
}

/* A war's loss against climatology: the sum over its pairs of casus's
 * Brier term less climatology's.  Positive: casus did worse. */
typedef struct war_loss {
    size_t k;          /* index into the result's per-war arrays */
    double excess;
    double brier_casus, brier_clim;
    size_t first, count; /* its pairs: pairs[first .. first + count) */
} war_loss;

static int by_excess_desc(const void *a, const void *b)
{
    const war_loss *x = a, *y = b;
    if (x->excess != y->excess)
        return x->excess > y->excess ? -1 : 1;
    return x->k < y->k ? -1 : x->k > y->k;
}

static const double *pair_key;
static const casus_bt_pair *pair_base;
static int by_p_desc(const void *a, const void *b)
{
    size_t i = *(const size_t *)a, j = *(const size_t *)b;
    if (pair_key[i] != pair_key[j])
        return pair_key[i] > pair_key[j] ? -1 : 1;
    return pair_base[i].ccode - pair_base[j].ccode;
}

/* The join model's side (1 or 2) of a COW side, in a war. */
static int model_side(const casus_fit_war *fw, int cow_side)
{
    return cow_side == fw->side1_cow ? 1 : 2;
}

static void write_day0(FILE *fp, const cli_fit_env *env, const casus_fit_war *fw)
{
    const casus_war_history *h = fw->history;
    for (int side = 1; side <= 2; side++) {
        fprintf(fp, "- Day 0, side %d:", side);
        int any = 0;
        for (size_t b = 0; b < h->n_day0; b++) {
            const casus_history_belligerent *bel = &h->belligerents[b];
            if (model_side(fw, bel->side) != side)
                continue;
            char buf[12];
            fprintf(fp, "%s %s (%s)", any ? "," : "", abb(env, bel->ccode, buf), state_name(env, bel->ccode));
            any = 1;
        }
        fputs(any ? "\n" : " none\n", fp);
    }
}

/* Is ccode an obligor of a defence or join obligation set off on day 0? */
typedef struct day0_pull {
    int ccode;
    char treaty[64];
    char article[24];
    int toward_side;
    bool binding;
} day0_pull;

/* The obligations each opening attack sets off, as `casus who` decides them
 * (binding and conditional only), into a table; the pulls (obligations to
 * defend the target or join the attacker) are also collected, one per
 * obligor, so that the explanation can say which joiners were pulled. */
static void write_obligations(FILE *fp, const cli_fit_env *env, const casus_fit_war *fw, day0_pull *pulls,
                              size_t *n_pulls, size_t max_pulls)
{
    *n_pulls = 0;
    casus_who_scratch *scratch = NULL;
    casus_error err;
    casus_error_clear(&err);
    if (casus_who_scratch_create(env->world, &scratch, &err) != CASUS_OK) {
        fputs("\n(The obligations could not be evaluated: out of memory.)\n", fp);
        return;
    }
    /* Two passes: first the obligations that pull a state into the war
     * (defend the target, join the attacker), then the others (neutrality,
     * refraining, consultation), so that the table's rows go to the pulls. */
    size_t rows = 0, more = 0;
    for (int pass = 0; pass < 2; pass++) {
        for (size_t a = 0; a < fw->n_openings; a++) {
            const casus_binding *bs = NULL;
            size_t nb = 0;
            if (casus_who_eval(env->world, &fw->openings[a], CASUS_WHO_ABROAD, scratch, &bs, &nb, &err) != CASUS_OK)
                continue;
            for (size_t i = 0; i < nb; i++) {
                const casus_binding *bd = &bs[i];
                const casus_obligation *ob = bd->obligation;
                const char *treaty = ob->treaty && ob->treaty->id ? ob->treaty->id : "?";
                const char *article = ob->article && ob->article->number ? ob->article->number : "-";
                const char *status = bd->status == CASUS_HELD ? "binding" : "conditional";
                bool pull = bd->role == CASUS_ROLE_DEFEND_TARGET || bd->role == CASUS_ROLE_JOIN_ATTACKER;
                if (pull != (pass == 0))
                    continue;
                if (pull) {
                    int attacker_side = 0;
                    for (size_t b = 0; b < fw->history->n_day0; b++)
                        if (fw->history->belligerents[b].ccode == fw->openings[a].attacker)
                            attacker_side = model_side(fw, fw->history->belligerents[b].side);
                    int toward = bd->role == CASUS_ROLE_JOIN_ATTACKER ? attacker_side : 3 - attacker_side;
                    size_t j = 0;
                    while (j < *n_pulls && pulls[j].ccode != bd->obligor)
                        j++;
                    if (j == *n_pulls && j < max_pulls) {
                        day0_pull *pp = &pulls[(*n_pulls)++];
                        memset(pp, 0, sizeof *pp);
                        pp->ccode = bd->obligor;
                        snprintf(pp->treaty, sizeof pp->treaty, "%s", treaty);
                        snprintf(pp->article, sizeof pp->article, "%s", article);
                        pp->toward_side = toward;
                        pp->binding = bd->status == CASUS_HELD;
                    } else if (j < *n_pulls && !pulls[j].binding && bd->status == CASUS_HELD) {
                        pulls[j].binding = true; /* a binding pull outranks a conditional one */
                        snprintf(pulls[j].treaty, sizeof pulls[j].treaty, "%s", treaty);
                        snprintf(pulls[j].article, sizeof pulls[j].article, "%s", article);
                        pulls[j].toward_side = toward;
                    }
                }
                if (rows >= MAX_OBLIGATIONS) {
                    more++;
                    continue;
                }
                if (rows == 0)
                    fputs("\n| attack | obligor | treaty | article | role | status |\n"
                          "| --- | --- | --- | --- | --- | --- |\n",
                          fp);
                char b1[12], b2[12], b3[12];
                /* An attack on a day-0 state's theatre (docs/fit.md) says where. */
                const casus_place *at = fw->openings[a].place;
                fprintf(fp, "| %s on %s%s%s%s | %s | %s | %s | %s | %s |\n", abb(env, fw->openings[a].attacker, b1),
                        abb(env, fw->openings[a].target, b2), at ? " (in " : "", at ? at->name : "", at ? ")" : "",
                        abb(env, bd->obligor, b3), treaty, article, casus_role_str(bd->role), status);
                rows++;
            }
        }
    }
    if (rows == 0)
        fputs("\nNo obligation was set off by the opening attacks.\n", fp);
    else if (more)
        fprintf(fp, "| ... | %zu more | | | | |\n", more);
    casus_who_scratch_free(scratch);
}

static const day0_pull *find_pull(const day0_pull *pulls, size_t n, int ccode)
{
    for (size_t i = 0; i < n; i++)
        if (pulls[i].ccode == ccode)
            return &pulls[i];
    return NULL;
}

static void write_war(FILE *fp, const cli_fit_env *env, const casus_bt_result *r, const war_loss *wl)
{
    int number = r->war_numbers[wl->k];
    long wi = casus_fit_data_find(env->data, number);
    if (wi < 0)
        return;
    const casus_fit_war *fw = casus_fit_data_war(env->data, (size_t)wi);
    const casus_war_history *h = fw->history;
    char start[16];
    casus_war_date_iso(&h->war->start, start);
    fprintf(fp, "\n### War %d: %s (%s)\n\n", number, h->war->name, start);
    fprintf(fp, "%zu states at risk, %zu joined; casus forecast %.2f joiners. Brier loss summed over the war's "
                "pairs: casus %.3f, climatology %.3f (excess %+.3f).\n\n",
            wl->count, r->war_observed[wl->k], r->war_forecast[wl->k], wl->brier_casus, wl->brier_clim, wl->excess);
    write_day0(fp, env, fw);
    day0_pull pulls[512];
    size_t n_pulls = 0;
    fputs("\nObligations set off on day 0 (`casus who` on each opening attack, binding and conditional):\n", fp);
    write_obligations(fp, env, fw, pulls, &n_pulls, sizeof pulls / sizeof pulls[0]);

    /* The forecast entrants, most likely first. */
    const casus_bt_pair *pairs = r->pairs + wl->first;
    size_t n = wl->count;
    size_t *idx = malloc((n + 1) * sizeof *idx);
    double *key = malloc((n + 1) * sizeof *key);
    if (!idx || !key) {
        free(idx);
        free(key);
        fputs("\n(out of memory)\n", fp);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        idx[i] = i;
        key[i] = pairs[i].p[CASUS_BT_CASUS];
    }
    pair_key = key;
    pair_base = pairs;
    qsort(idx, n, sizeof *idx, by_p_desc);
    fputs("\nForecast entrants (casus, highest P first):\n\n"
          "| state | P(joins) | likelier side | P(that side \\| joins) | climatology | what happened |\n"
          "| --- | ---: | ---: | ---: | ---: | --- |\n",
          fp);
    for (size_t t = 0; t < n && t < TOP_FORECASTS; t++) {
        const casus_bt_pair *p = &pairs[idx[t]];
        double s1 = p->p_side1[CASUS_BT_CASUS];
        int side = s1 > 0.5 ? 1 : 2;
        char buf[12];
        fprintf(fp, "| %s | %.3f | %d | %.2f | %.3f | ", abb(env, p->ccode, buf), p->p[CASUS_BT_CASUS], side,
                side == 1 ? s1 : 1 - s1, p->p[CASUS_BT_CLIMATOLOGY]);
        if (p->joined)
            fprintf(fp, "joined side %d on day %d |\n", p->joined_side, p->entry_day);
        else
            fputs("stayed out |\n", fp);
    }
    /* What happened: every entrant, by entry day. */
    size_t n_joined = 0, low = 0, unpulled = 0, not_candidate = 0, wrong_side = 0;
    for (size_t i = 0; i < n; i++)
        n_joined += pairs[i].joined;
    if (n_joined) {
        fputs("\nWhat happened (every entrant, by entry day):\n\n"
              "| state | side | day | casus P(joins) | obligation set off on day 0 |\n"
              "| --- | ---: | ---: | ---: | --- |\n",
              fp);
        for (int pass_day = -1;;) {
            /* The next entry day after pass_day, then every entrant on it. */
            int next = -1;
            for (size_t i = 0; i < n; i++)
                if (pairs[i].joined && pairs[i].entry_day > pass_day && (next < 0 || pairs[i].entry_day < next))
                    next = pairs[i].entry_day;
            if (next < 0)
                break;
            for (size_t i = 0; i < n; i++) {
                const casus_bt_pair *p = &pairs[i];
                if (!p->joined || p->entry_day != next)
                    continue;
                const day0_pull *pl = find_pull(pulls, n_pulls, p->ccode);
                char buf[12];
                fprintf(fp, "| %s | %d | %d | %.3f | ", abb(env, p->ccode, buf), p->joined_side, p->entry_day,
                        p->p[CASUS_BT_CASUS]);
                if (pl)
                    fprintf(fp, "%s %s, %s, toward side %d |\n", pl->treaty, pl->article,
                            pl->binding ? "binding" : "conditional", pl->toward_side);
                else
                    fputs("none |\n", fp);
                if (p->p[CASUS_BT_CASUS] < 0.1) {
                    low++;
                    unpulled += !pl;
                    not_candidate += !p->candidate;
                }
                if ((p->p_side1[CASUS_BT_CASUS] > 0.5 ? 1 : 2) != p->joined_side)
                    wrong_side++;
            }
            pass_day = next;
        }
    }
    /* Why, from the numbers above. */
    double forecast = r->war_forecast[wl->k];
    double observed = (double)r->war_observed[wl->k];
    fputs("\nWhy: ", fp);
    if (forecast > observed + 0.5) {
        size_t confident_misses = 0;
        for (size_t i = 0; i < n; i++)
            if (!pairs[i].joined && pairs[i].p[CASUS_BT_CASUS] >= 0.2)
                confident_misses++;
        fprintf(fp, "casus forecast %.1f entrants where %zu came: %zu state%s given P(joins) of 0.2 or more stayed "
                    "out",
                forecast, r->war_observed[wl->k], confident_misses, confident_misses == 1 ? "" : "s");
        size_t listed = 0;
        for (size_t t = 0; t < n && listed < 5; t++) {
            const casus_bt_pair *p = &pairs[idx[t]];
            if (p->joined || p->p[CASUS_BT_CASUS] < 0.2)
                continue;
            char buf[12];
            const day0_pull *pl = find_pull(pulls, n_pulls, p->ccode);
            fprintf(fp, "%s%s %.2f%s%s", listed ? ", " : " (", abb(env, p->ccode, buf), p->p[CASUS_BT_CASUS],
                    pl ? " pulled by " : "", pl ? pl->treaty : "");
            listed++;
        }
        fputs(listed ? ")" : "", fp);
        fputs(". Over the war's length, each entry in a trial is an attack that sets off more pledges, so the "
              "cascade takes in more of the region than came in.",
              fp);
    } else if (observed > forecast + 0.5) {
        fprintf(fp, "casus forecast %.1f entrants where %zu came; %zu of the joiners got P(joins) below 0.1", forecast,
                r->war_observed[wl->k], low);
        if (low)
            fprintf(fp, ": %zu of them were pulled by a defence or join obligation set off on day 0 and still got "
                        "little from the fitted hazard, %zu by none; %zu were no candidate of the join model on day 0 "
                        "(no row: nothing tied them to the opening belligerents)",
                    low - unpulled, unpulled, not_candidate);
        fputs(".", fp);
    } else {
        fprintf(fp, "the count is about right (%.1f forecast, %zu observed), but the forecasts fall on the wrong "
                    "states: %zu of the joiners got P(joins) below 0.1.",
                forecast, r->war_observed[wl->k], low);
    }
    if (wrong_side)
        fprintf(fp, " The side was wrong for %zu of the %zu joiners.", wrong_side, n_joined);
    fputs("\n", fp);
    free(idx);
    free(key);
}

/* The wars ranked by excess Brier loss; NULL on memory failure. */
static war_loss *rank_wars(const casus_bt_result *r)
{
    war_loss *w = calloc(r->n_wars + 1, sizeof *w);
    if (!w)
        return NULL;
    for (size_t k = 0; k < r->n_wars; k++)
        w[k].k = k;
    /* The pairs come war by war, in the order of the per-war arrays. */
    size_t k = 0;
    for (size_t i = 0; i < r->n_pairs; i++) {
        const casus_bt_pair *p = &r->pairs[i];
        while (k < r->n_wars && r->war_numbers[k] != p->war)
            k++;
        if (k == r->n_wars) { /* not in order: search */
            for (k = 0; k < r->n_wars && r->war_numbers[k] != p->war; k++)
                ;
            if (k == r->n_wars) {
                k = 0;
                continue;
            }
        }
        war_loss *wl = &w[k];
        if (wl->count == 0)
            wl->first = i;
        wl->count++;
        double y = p->joined ? 1 : 0;
        double dc = p->p[CASUS_BT_CASUS] - y, dl = p->p[CASUS_BT_CLIMATOLOGY] - y;
        wl->brier_casus += dc * dc;
        wl->brier_clim += dl * dl;
    }
    for (k = 0; k < r->n_wars; k++)
        w[k].excess = w[k].brier_casus - w[k].brier_clim;
    qsort(w, r->n_wars, sizeof *w, by_excess_desc);
    return w;
}

static int write_markdown(FILE *fp, const cli_fit_env *env, const casus_bt_result *r)
{
    const casus_bt_options *o = &r->opts;
    fputs("# casus backtest report\n\n", fp);
    fprintf(fp, "- Split: %s%s\n", o->split == CASUS_BT_SPLIT_ERA ? "era" : "war",
            o->split == CASUS_BT_SPLIT_ERA ? " (wars begun before 1946 forecast by a fit on the later ones, and the "
                                             "reverse)"
                                           : " (each war forecast by a fit on all the others)");
    if (o->war)
        fprintf(fp, "- War: %d only\n", o->war);
    fprintf(fp, "- Held-out wars: %zu; states at risk (pairs): %zu; joiners: %zu; base rate: %.4f\n", r->n_wars,
            r->n_pairs, r->n_joiners, r->base_rate);
    if (o->penalty < 0)
        fputs("- Penalty: cross-validated inside each training set\n", fp);
    else
        fprintf(fp, "- Penalty: lambda %g\n", o->penalty);
    fprintf(fp, "- Trials per war: %llu; seed: %llu (Philox4x32); bootstrap: %zu resamples of wars\n",
            (unsigned long long)o->trials, (unsigned long long)o->seed, o->bootstrap ? o->bootstrap : (size_t)1000);
    if (env->window)
        fprintf(fp, "- First-day rule: the states fighting on the first day and the entrants within %d days count "
                    "as day 0\n",
                env->window);
    else
        fputs("- First-day rule: only the states fighting on the first day count as day 0\n", fp);

    fputs("\n## Scores\n\nBrier (lower is better) and log score (higher is better) with 95% intervals from "
          "resampling wars; skill against climatology; ROC-AUC pooled and within war; average precision; side "
          "right among joiners; war-level AUC of P(any joiner); the forecast number of joiners.\n\n",
          fp);
    fputs("| model | Brier | Brier 95% | log score | log 95% | skill | ROC-AUC | AUC within war | AUC within 95% | "
          "avg precision | AP 95% | side | war AUC | joiners |\n"
          "| --- | ---: | --- | ---: | --- | ---: | ---: | ---: | --- | ---: | --- | ---: | ---: | ---: |\n",
          fp);
    for (int m = 0; m < CASUS_BT_MODEL_COUNT; m++) {
        const casus_bt_scores *s = &r->scores[m];
        fprintf(fp, "| %s |", casus_bt_model_str((casus_bt_model)m));
        cell(fp, 4, s->brier);
        cell_ci(fp, s->brier_ci);
        cell(fp, 4, s->log_score);
        cell_ci(fp, s->log_ci);
        cell(fp, 4, s->skill_brier);
        cell(fp, 4, s->roc_auc);
        cell(fp, 4, s->roc_auc_within_war);
        cell_ci(fp, s->auc_within_ci);
        cell(fp, 4, s->average_precision);
        cell_ci(fp, s->ap_ci);
        cell(fp, 4, s->side_accuracy);
        cell(fp, 4, s->war_auc);
        cell(fp, 2, s->joiners_forecast);
        fputs("\n", fp);
    }
    fprintf(fp, "\nObserved joiners: %zu.\n", r->n_joiners);

    fputs("\n## Figures\n", fp);
    for (size_t f = 0; f < cli_report_n_figures; f++)
        fprintf(fp, "\n![%s](%s.svg)\n\n%s ([PNG](%s.png)).\n", cli_report_figures[f].name,
                cli_report_figures[f].name, cli_report_figures[f].caption, cli_report_figures[f].name);

    fputs("\n## Reliability of casus\n\n| bin | mean forecast | observed rate | count |\n"
          "| --- | ---: | ---: | ---: |\n",
          fp);
    for (int b = 0; b < 10; b++) {
        const casus_score_bin *bn = &r->reliability[b];
        fprintf(fp, "| %.1f-%.1f |", bn->lo, bn->hi);
        cell(fp, 4, bn->mean_forecast);
        cell(fp, 4, bn->observed);
        fprintf(fp, " %zu |\n", bn->count);
    }
    fputs("\nPIT of the entry days of joiners (10 bins):", fp);
    for (int b = 0; b < 10; b++)
        fprintf(fp, " %zu", r->pit_hist[b]);
    fputs(".\n", fp);

    fputs("\n## Joiners per war\n\n| war | name | forecast (sum of P) | observed | P(any joiner) |\n"
          "| ---: | --- | ---: | ---: | ---: |\n",
          fp);
    for (size_t k = 0; k < r->n_wars; k++) {
        long wi = casus_fit_data_find(env->data, r->war_numbers[k]);
        const char *name = wi >= 0 ? casus_fit_data_war(env->data, (size_t)wi)->history->war->name : "";
        fprintf(fp, "| %d | %s | %.2f | %zu |", r->war_numbers[k], name, r->war_forecast[k], r->war_observed[k]);
        cell(fp, 3, r->war_p_any[k]);
        fputs("\n", fp);
    }

    war_loss *w = rank_wars(r);
    if (!w)
        return -1;
    size_t shown = r->n_wars < WORST_WARS ? r->n_wars : WORST_WARS;
    fprintf(fp, "\n## The wars casus got most wrong\n\nThe %zu war%s with the largest excess of casus's Brier loss "
                "over climatology's, summed over each war's states at risk. Sides are the join model's: side 1 is "
                "the initiators' side.\n",
            shown, shown == 1 ? "" : "s");
    for (size_t t = 0; t < shown; t++)
        write_war(fp, env, r, &w[t]);
    free(w);
    return 0;
}

static int write_file(const char *path, const cli_fit_env *env, const casus_bt_result *r)
{
    FILE *fp = fopen(path, "w");
    if (!fp)
        return -1;
    int rc = write_markdown(fp, env, r);
    if (ferror(fp))
        rc = -1;
    if (fclose(fp) != 0)
        rc = -1;
    return rc;
}

/* Moves the finished files into DIR: the whole directory at once when DIR
 * does not exist, else file by file (each rename atomic). */
static int commit(cli_report *rep)
{
    struct stat st;
    if (stat(rep->dir, &st) != 0) {
        if (rename(rep->tmp, rep->dir) == 0)
            return 0;
        /* Made meanwhile by someone else: fill it file by file. */
        if (errno != EEXIST && errno != ENOTEMPTY)
            return -1;
    }
    char from[4200], to[4200];
    snprintf(from, sizeof from, "%s/report.md", rep->tmp);
    snprintf(to, sizeof to, "%s/report.md", rep->dir);
    /* The figures first and report.md last, so that a report.md never
     * links to figures of another run. */
    for (size_t f = 0; f < cli_report_n_figures; f++)
        for (int e = 0; e < 2; e++) {
            char a[4200], b[4200];
            snprintf(a, sizeof a, "%s/%s.%s", rep->tmp, cli_report_figures[f].name, e ? "png" : "svg");
            snprintf(b, sizeof b, "%s/%s.%s", rep->dir, cli_report_figures[f].name, e ? "png" : "svg");
            if (rename(a, b) != 0)
                return -1;
        }
    if (rename(from, to) != 0)
        return -1;
    rmdir(rep->tmp);
    return 0;
}

int cli_report_finish(cli_report *rep, const cli_fit_env *env, const casus_bt_result *r)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/report.md", rep->tmp);
    int rc = EXIT_OK;
    if (write_file(path, env, r) != 0)
        rc = report_error(rep->dir, EXIT_WORK, "cannot write report.md", errno);
    else if (cli_report_draw(rep->tmp, r) != 0)
        rc = report_error(rep->dir, EXIT_WORK, "cannot write the figures", errno);
    else if (commit(rep) != 0)
        rc = report_error(rep->dir, EXIT_WORK, "cannot move the report into place", errno);
    else {
        free(rep->tmp);
        rep->tmp = NULL;
    }
    cli_report_abort(rep);
    return rc;
}
