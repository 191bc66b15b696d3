/* casus simulate: the cascade of a scenario by Monte Carlo. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifdef CASUS_HAVE_MPI
#include <mpi.h>
#endif

#include "casus/data.h"
#include "casus/joinmodel.h"
#include "casus/nuclear.h"
#include "casus/scenario.h"
#include "casus/sim.h"
#include "casus/sanctions.h"
#include "common.h"

/* cmd_sanctions.c: the troop deployments of a scenario's events file. */
int cli_scenario_events(const casus_world *w, casus_scenario *sc, casus_events **ev, casus_scenario **merged,
                        casus_error *err);
void cli_scenario_events_free(casus_scenario *sc, casus_events *ev, casus_scenario *merged);

enum { OPT_PARAMS = 256 };

const char cmd_simulate_usage[] =
    "Usage: casus simulate FILE [--trials N] [--seed S] [--threads T] [--params FILE]\n"
    "                      [--format text|csv|json] [--output FILE]\n"
    "                      [--share DIR] [--treaties DIR] [--data DIR] [--no-data]\n"
    "\n"
    "Simulates how far the war of a scenario file spreads, and how fast: each\n"
    "trial draws who joins which side and when from the join model, every entry\n"
    "attacking the other side's belligerents and setting off their allies'\n"
    "obligations (docs/cascade.md).  Reports, for each state that joined in any\n"
    "trial, P(joins), the side, P(joins by day 1, 7, 30, 90), entry-day quartiles\n"
    "and the obligation that most often brought it in; the war's size, P(two\n"
    "major powers at war with each other), P(nuclear-armed states on opposite\n"
    "sides) and belligerents by day.  Every probability has its 95% Wilson\n"
    "interval.  The same seed gives the same bytes for any --threads.\n"
    "\n"
    "  -n, --trials N     trials (default: the scenario's, else 100000)\n"
    "  -s, --seed S       seed of the random streams (default: the scenario's)\n"
    "  -j, --threads T    worker threads (default 1)\n"
    "      --params FILE  join-model parameters (default: SHARE/params/default.params)\n"
    "  -f, --format FMT   text (default), csv (one row per state) or json\n"
    "  -o, --output FILE  write there (atomically) instead of standard output\n"
    "      --share DIR    directory with world/, treaties/ and params/\n"
    "      --treaties DIR read treaty files from DIR instead of SHARE/treaties\n"
    "      --data DIR     dataset directory (COW, ATOP, MID); default: CASUS_DATA, then\n"
    "                     $XDG_DATA_HOME/casus or ~/.local/share/casus\n"
    "      --no-data      do not read datasets (only hand-encoded treaties; no\n"
    "                     contiguity, capabilities or major-power status)\n"
    "\n"
    "A progress bar goes to standard error when it is a terminal.\n"
    "\n"
    "Exit status: 0 when the simulation ran, 1 when the work failed, 2 for bad\n"
    "input (a malformed scenario or parameter file, a bad option).\n"
    "\n"
    "FILE may also be the id of a shipped scenario (SHARE/scenarios/ID.scenario).\n"
    "\n"
    "Example:\n"
    "  casus simulate july-1914 --trials 20000 --threads 2\n";

static bool parse_u64(const char *s, uint64_t *out)
{
    if (!s || !*s || *s == '-')
        return false;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (*end || errno)
        return false;
    *out = v;
    return true;
}

static bool file_exists(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

typedef struct progress_state {
    int last;
} progress_state;

static void progress(void *ud, uint64_t done, uint64_t total)
{
    progress_state *p = ud;
    int pc = total ? (int)(done * 100 / total) : 100;
    if (pc == p->last)
        return;
    p->last = pc;
    int w = pc / 2;
    fprintf(stderr, "\r[%-50.*s] %3d%%", w, "##################################################", pc);
    if (done >= total)
        fputc('\n', stderr);
    fflush(stderr);
}

int cmd_simulate(int argc, char **argv);
int cmd_simulate(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"trials", required_argument, NULL, 'n'},    {"seed", required_argument, NULL, 's'},
        {"threads", required_argument, NULL, 'j'},   {"params", required_argument, NULL, OPT_PARAMS},
        {"format", required_argument, NULL, 'f'},    {"output", required_argument, NULL, 'o'},
        CLI_WORLD_LONGOPTS,
        {"help", no_argument, NULL, 'h'},            {NULL, 0, NULL, 0}};
    const char *output = NULL, *params_path = NULL;
    const char *trials_s = NULL, *seed_s = NULL, *threads_s = NULL;
    int format = CASUS_FORMAT_TEXT;
    cli_world_opts wo = {0};
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "n:s:j:f:o:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'n': trials_s = optarg; break;
        case 's': seed_s = optarg; break;
        case 'j': threads_s = optarg; break;
        case 'o': output = optarg; break;
        case OPT_PARAMS: params_path = optarg; break;
        case 'f':
            format = casus_format_from_str(optarg);
            if (format < 0)
                return cli_usage_error("simulate", "unknown format '%s' (text, csv or json)", optarg);
            break;
        case 'h': cli_print_help(cli_find("simulate"), stdout); return EXIT_OK;
        default:
            if (cli_world_option(c, optarg, &wo))
                break;
            return cli_usage_error("simulate", "unknown or incomplete option '%s'", argv[optind - 1]);
        }
    }
    if (optind + 1 != argc)
        return cli_usage_error("simulate", optind >= argc ? "a scenario FILE is required" : "one scenario FILE only");
    const char *file = argv[optind];
    char id_path[4096];
    if (!file_exists(file) && !strchr(file, '/')) { /* an id: korea-dmz-2025 */
        snprintf(id_path, sizeof id_path, "%s/scenarios/%s.scenario", cli_share_dir(wo.share), file);
        if (file_exists(id_path))
            file = id_path;
    }
    uint64_t trials = 0, seed = 0, threads = 1;
    if (trials_s && (!parse_u64(trials_s, &trials) || trials == 0 || trials > CASUS_SCENARIO_MAX_TRIALS))
        return cli_usage_error("simulate", "--trials takes a whole number from 1 to %llu",
                               (unsigned long long)CASUS_SCENARIO_MAX_TRIALS);
    if (seed_s && !parse_u64(seed_s, &seed))
        return cli_usage_error("simulate", "--seed takes a whole number from 0 to 2^64-1");
    if (threads_s && (!parse_u64(threads_s, &threads) || threads == 0 || threads > 256))
        return cli_usage_error("simulate", "--threads takes a whole number from 1 to 256");

    casus_error err;
    casus_error_clear(&err);
    casus_jm_params params;
    char path[4096];
    if (!params_path) {
        snprintf(path, sizeof path, "%s/params/default.params", cli_share_dir(wo.share));
        params_path = path;
    }
    casus_status st = casus_jm_params_load(params_path, &params, &err);
    if (st != CASUS_OK)
        return cli_fail(&err);

    casus_world *w = NULL;
    char data_dir[4096];
    int rc = cli_load_world_data(&wo,
                                 CASUS_DATA_COW | CASUS_DATA_ATOP | CASUS_DATA_CONTIGUITY | CASUS_DATA_NMC | CASUS_DATA_MID,
                                 NULL, data_dir, sizeof data_dir, &w, &err);
    if (rc != EXIT_OK)
        return rc;
    casus_scenario *sc = NULL;
    st = casus_scenario_load_file(w, file, &sc, &err);
    if (st != CASUS_OK) {
        casus_world_free(w);
        return cli_fail(&err);
    }
    /* The troop deployments of the scenario's events file, if it names one. */
    casus_events *ev = NULL;
    casus_scenario *run_sc = sc;
    rc = cli_scenario_events(w, sc, &ev, &run_sc, &err);
    if (rc != EXIT_OK) {
        casus_scenario_free(sc);
        casus_world_free(w);
        return rc;
    }
    if (!trials_s)
        trials = sc->trials;
    if (!seed_s)
        seed = sc->seed;
    casus_nuclear *nuc = NULL;
    snprintf(path, sizeof path, "%s/world/nuclear.csv", cli_share_dir(wo.share));
    if (file_exists(path) && (st = casus_nuclear_load_file(w, path, &nuc, &err)) != CASUS_OK) {
        cli_scenario_events_free(sc, ev, run_sc);
        casus_scenario_free(sc);
        casus_world_free(w);
        return cli_fail(&err);
    }
    casus_sim *sim = NULL;
    casus_sim_tally *tally = NULL;
    st = casus_sim_compile(w, run_sc, &params, nuc, (unsigned)threads, &sim, &err);
    if (st == CASUS_OK)
        st = casus_sim_tally_create(sim, &tally, &err);
    /* Over MPI, rank r runs its contiguous share of the trials and the
     * counters are summed on rank 0, which alone writes: the same trials,
     * the same sums, the same bytes as one process. */
    int rank = 0, ranks = 1;
#ifdef CASUS_HAVE_MPI
    int mpi_ready = 0;
    MPI_Initialized(&mpi_ready);
    if (!mpi_ready)
        MPI_Init(NULL, NULL);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &ranks);
#endif
    if (st == CASUS_OK) {
        progress_state ps = {.last = -1};
        bool tty = rank == 0 && isatty(fileno(stderr));
        uint64_t first = trials * (uint64_t)rank / (uint64_t)ranks;
        uint64_t count = trials * (uint64_t)(rank + 1) / (uint64_t)ranks - first;
        st = casus_sim_run(sim, seed, first, count, (unsigned)threads, tally, tty ? progress : NULL, &ps, &err);
    }
#ifdef CASUS_HAVE_MPI
    {
        /* Every rank compiled the same scenario, so a failure is everyone's;
         * still, no rank may wait on a reduction another skips. */
        int ok = st == CASUS_OK, all_ok = 0;
        MPI_Allreduce(&ok, &all_ok, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
        if (all_ok) {
            uint64_t *data = casus_sim_tally_data(tally);
            int n = (int)casus_sim_tally_size(tally);
            MPI_Reduce(rank == 0 ? MPI_IN_PLACE : data, data, n, MPI_UINT64_T, MPI_SUM, 0, MPI_COMM_WORLD);
        } else if (st == CASUS_OK)
            st = casus_error_set(&err, CASUS_IO, NULL, 0, 0, "another MPI rank failed");
    }
#endif
    if (st == CASUS_OK && rank != 0) {
        rc = EXIT_OK; /* rank 0 writes the report */
    } else if (st == CASUS_OK) {
        cli_output out;
        rc = cli_output_open(&out, output, &err);
        if (rc == EXIT_OK) {
            st = casus_sim_write(sim, tally, seed, (casus_format)format, out.fp, &err);
            if (st != CASUS_OK) {
                cli_output_abort(&out);
                rc = cli_fail(&err);
            } else
                rc = cli_output_commit(&out, &err);
        }
    } else
        rc = st == CASUS_INVALID ? cli_usage_error("simulate", "%s", err.message) : cli_fail(&err);
    casus_sim_tally_free(tally);
    casus_sim_free(sim);
    casus_nuclear_free(nuc);
    cli_scenario_events_free(sc, ev, run_sc);
    casus_scenario_free(sc);
    casus_world_free(w);
#ifdef CASUS_HAVE_MPI
    if (!mpi_ready)
        MPI_Finalize();
#endif
    return rc;
}
