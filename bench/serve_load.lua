-- wrk script for bench/serve_load.sh: each of the THREADS threads stops
-- after its share of REQUESTS responses and notes when its first and last
-- responses came (wrk itself waits out its -d duration, so its own rate
-- would count the idle rest); done() prints the requests, the rate over the
-- time the responses took, errors (wrk counts a status >= 400 as one) and
-- latency percentiles.
local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } casus_timespec;
  int clock_gettime(int clk, casus_timespec *ts);
]]
local function now()
  local ts = ffi.new("casus_timespec")
  ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC
  return tonumber(ts.tv_sec) + tonumber(ts.tv_nsec) / 1e9
end

local threads = {}
function setup(thread)
  table.insert(threads, thread)
end

local per_thread = math.floor(tonumber(os.getenv("REQUESTS") or "10000") / tonumber(os.getenv("THREADS") or "2"))
seen, first, last = 0, 0, 0

function request()
  if first == 0 then first = now() end
  return wrk.format()
end

function response(status, headers, body)
  seen = seen + 1
  last = now()
  if seen >= per_thread then
    wrk.thread:stop()
  end
end

function done(summary, latency, requests)
  local t0, t1 = math.huge, 0
  for _, t in ipairs(threads) do
    t0 = math.min(t0, t:get("first"))
    t1 = math.max(t1, t:get("last"))
  end
  local seconds = t1 - t0
  local e = summary.errors
  io.write(string.format("requests %d in %.2f s: %.0f requests/s, %.1f MB/s; errors: connect %d, read %d, write %d, status %d, timeout %d\n",
    summary.requests, seconds, summary.requests / seconds, summary.bytes / seconds / 1e6,
    e.connect, e.read, e.write, e.status, e.timeout))
  io.write(string.format("latency (ms): p50 %.2f  p90 %.2f  p99 %.2f  p99.9 %.2f  max %.2f\n",
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency:percentile(99.9) / 1000, latency.max / 1000))
end
