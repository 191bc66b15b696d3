#!/usr/bin/env python3
"""Whole-process time of `casus export dyads --directed --unit year --from 1816
--to 2018 --output FILE`: start, load COW and ATOP, build the table, write the
49 MB CSV, exit. Prints min, median and max wall time over the runs.

Beside it, peacesciencer's in-R pipeline (create_dyadyears(directed = TRUE)
followed by add_atop_alliance(), data already loaded, nothing written) in the
same run, when R (Debian's r-base-core) is installed and PEACESCIENCER_SRC
names a directory holding peacesciencer's sources (the package and the
packages it imports must be installable from there or already installed).
Otherwise it says the peer was not run and prints the figure measured on
this machine when the comparison was set up, labelled as such.

Usage: export_process.py CASUS_BIN DATA_DIR [RUNS]
"""
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

# Measured on this machine for the comparison (data already loaded, nothing
# written): not from this run.
PEER_REFERENCE = "4.1-4.7 s"

R_PIPELINE = r"""
suppressMessages({
  if (nzchar(Sys.getenv("PEACESCIENCER_LIB"))) .libPaths(c(Sys.getenv("PEACESCIENCER_LIB"), .libPaths()))
  library(peacesciencer)
  library(dplyr)
})
invisible(create_dyadyears(directed = TRUE, subset_years = 1816:2018))  # warm the package's data
t <- numeric(0)
for (i in seq_len(as.integer(Sys.getenv("RUNS")))) {
  t <- c(t, system.time(create_dyadyears(directed = TRUE, subset_years = 1816:2018) %>% add_atop_alliance())[["elapsed"]])
}
cat(sprintf("%.6f\n", t))
"""


def fmt(ts):
    """min, median and max of a list of seconds."""
    return "min %.3f s, median %.3f s, max %.3f s over %d runs" % (min(ts), statistics.median(ts), max(ts), len(ts))


def casus_runs(binary, data, runs):
    out = tempfile.NamedTemporaryFile(prefix="casus-dyads-", suffix=".csv", delete=False)
    out.close()
    args = [binary, "export", "dyads", "--directed", "--unit", "year", "--from", "1816", "--to", "2018",
            "--output", out.name, "--data", data]
    times, cpu = [], []
    try:
        subprocess.run(args, check=True)  # warm the page cache
        for _ in range(runs):
            r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
            t = time.perf_counter()
            subprocess.run(args, check=True)
            times.append(time.perf_counter() - t)
            r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu.append(r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime)
        size = os.path.getsize(out.name)
    finally:
        os.unlink(out.name)
    return times, cpu, size


def peer_runs(runs):
    src = os.environ.get("PEACESCIENCER_SRC", "")
    if not shutil.which("Rscript"):
        return None, "R is not installed (Debian's r-base-core)"
    if not src or not os.path.isdir(src):
        return None, "PEACESCIENCER_SRC does not name peacesciencer's sources"
    lib = tempfile.mkdtemp(prefix="casus-peacesciencer-")
    try:
        r = subprocess.run(["R", "CMD", "INSTALL", "--no-test-load", "-l", lib, src], capture_output=True, text=True)
        if r.returncode != 0:
            return None, "peacesciencer did not install from %s: %s" % (src, r.stderr.strip().splitlines()[-1:])
        env = dict(os.environ, RUNS=str(runs), PEACESCIENCER_LIB=lib)
        r = subprocess.run(["Rscript", "-e", R_PIPELINE], capture_output=True, text=True, env=env)
        if r.returncode != 0:
            return None, "the R pipeline failed: %s" % r.stderr.strip().splitlines()[-1:]
        return [float(x) for x in r.stdout.split()], None
    finally:
        shutil.rmtree(lib, ignore_errors=True)


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    binary, data = sys.argv[1], sys.argv[2]
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 11
    times, cpu, size = casus_runs(binary, data, runs)
    print("casus export dyads --directed --unit year 1816-2018 (%d bytes written), whole process: %s"
          % (size, fmt(times)))
    # Wall time depends on what else the machine runs; the process's own
    # CPU time (user + system) much less.
    print("  its CPU time (user + system): %s; load average %.1f" % (fmt(cpu), os.getloadavg()[0]))
    peer, why = peer_runs(max(3, runs // 3))
    if peer:
        print("peacesciencer create_dyadyears(directed = TRUE) %%>%% add_atop_alliance(), in R, this run: %s" % fmt(peer))
        print("ratio (median): %.1fx" % (statistics.median(peer) / statistics.median(times)))
    else:
        print("peacesciencer: not run (%s)" % why)
        print("peacesciencer, reference figure measured earlier on this machine, not in this run: %s "
              "(data already loaded, nothing written)" % PEER_REFERENCE)
        lo = float(PEER_REFERENCE.split("-")[0])
        print("ratio to the reference's low end (median): %.1fx" % (lo / statistics.median(times)))


if __name__ == "__main__":
    main()
