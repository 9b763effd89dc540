-- wrk script for bench/run.sh: every request carries a different lead_id (distinct deliveries,
-- not one repeated URL) and the filter's credential header. Configured through the environment:
--   BENCH_PATH   path and query up to the lead id, e.g. /app/aurora/webhooks/lead_created?source=api&lead_id=
--   BENCH_NONCE  makes the ids of this run differ from every earlier run's
--   BENCH_HEADER, BENCH_TOKEN  the credential header and its value
-- done() prints one machine-readable line, BENCH ..., that run.sh parses (latencies in microseconds).

local next_thread = 0

function setup(thread)
   thread:set("tid", next_thread)
   next_thread = next_thread + 1
end

function init(args)
   n = 0
   prefix = os.getenv("BENCH_PATH") .. (os.getenv("BENCH_NONCE") or "0") .. "-" .. tid .. "-"
   headers = { [os.getenv("BENCH_HEADER")] = os.getenv("BENCH_TOKEN") }
end

function request()
   n = n + 1
   return wrk.format("GET", prefix .. n, headers)
end

function done(summary, latency, requests)
   local e = summary.errors
   io.write(string.format(
      "BENCH requests=%d duration_us=%d rps=%.1f p50_us=%d p99_us=%d max_us=%d non2xx=%d sockerr=%d\n",
      summary.requests, summary.duration, summary.requests / (summary.duration / 1e6),
      latency:percentile(50), latency:percentile(99), latency.max, e.status,
      e.connect + e.read + e.write + e.timeout))
end
