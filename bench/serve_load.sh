#!/usr/bin/env bash
# Load test of casus serve on loopback: wrk sends REQUESTS (default 10,000)
# GET /api/who requests for the Korea query (ROK attacks PRK, 2025-03-01;
# a 132 KB answer, with COW and ATOP loaded) over CONNECTIONS connections,
# and prints throughput, errors and latency percentiles (p99 among them).
# For scale, the same answer from the command line, which loads the world
# for each query: the median of 20 runs of `casus who --format json`.
# Usage: serve_load.sh CASUS_BIN DATA_DIR  (run on a release build)
set -euo pipefail
bin=${1:?usage: serve_load.sh CASUS_BIN DATA_DIR}
data=${2:?usage: serve_load.sh CASUS_BIN DATA_DIR}
here=$(cd "$(dirname "$0")" && pwd)
export REQUESTS=${REQUESTS:-10000} THREADS=${THREADS:-2}
connections=${CONNECTIONS:-16}
command -v wrk >/dev/null || { echo "serve_load: wrk is not installed (scripts/deps installs it)"; exit 77; }
out=$(mktemp)
"$bin" serve --bind 127.0.0.1 --port 0 --data "$data" >"$out" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rm -f "$out"' EXIT
for _ in $(seq 100); do grep -q listening "$out" && break; sleep 0.1; done
port=$(sed -n 's|.*127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$out")
[ -n "$port" ] || { cat "$out"; exit 1; }
url="http://127.0.0.1:$port/api/who?attacker=ROK&target=PRK&date=2025-03-01"
bytes=$(curl -s "$url" | wc -c)
echo "casus serve: $REQUESTS x GET /api/who (ROK attacks PRK, 2025-03-01; $bytes bytes each), $THREADS wrk threads, $connections connections"
wrk -t"$THREADS" -c"$connections" -d30s -s "$here/serve_load.lua" "$url"
# The command line, for scale: one process per query, loading the world each time.
times=()
for _ in $(seq 20); do
  s=$(date +%s%N)
  "$bin" who --attacker ROK --target PRK --date 2025-03-01 --format json --data "$data" >/dev/null
  e=$(date +%s%N)
  times+=($(( (e - s) / 1000 )))
done
median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n 10p)
echo "for scale: casus who --format json as a process (loads COW + ATOP each time): median $(( median / 1000 )).$(( median % 1000 / 100 )) ms of 20 runs"
