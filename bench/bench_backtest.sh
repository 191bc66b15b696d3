#!/usr/bin/env bash
# The whole back-test, `casus backtest --split war` with its defaults (95
# fits, then each of the 95 wars held out and forecast with 10,000 cascade
# trials), on THREADS threads (default 2): the wall time, timed from
# outside, and the CPU time casus prints on standard error (load, fits and
# baselines, the engine's compile step, the trials).  Then the compile step
# of the largest war alone, Iran-Iraq (199: 155 states, 112 epochs), from
# `casus backtest --war 199 --trials 10`, and the load average the figures
# were taken under.
# Usage: bench_backtest.sh CASUS_BIN DATA_DIR  (run on a release build)
set -euo pipefail
bin=${1:?usage: bench_backtest.sh CASUS_BIN DATA_DIR}
data=${2:?usage: bench_backtest.sh CASUS_BIN DATA_DIR}
threads=${THREADS:-2}
err=$(mktemp)
trap 'rm -f "$err"' EXIT
ms() { echo "$(( $1 / 1000000000 )).$(( $1 / 100000000 % 10 ))"; }

echo "casus backtest --split war (10,000 trials a war, seed 1), $threads threads; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
s=$(date +%s%N)
"$bin" backtest --split war --threads "$threads" --data "$data" --format json >/dev/null 2>"$err"
e=$(date +%s%N)
echo "  wall $(ms $(( e - s ))) s; $(sed -n 's/^.*backtest: //p' "$err")"

"$bin" backtest --war 199 --trials 10 --data "$data" >/dev/null 2>"$err"
echo "war 199 alone (Iran-Iraq, 10 trials, 1 thread): $(sed -n 's/^.*backtest: //p' "$err")"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
