-- wrk script of the ingest benchmark (Tests/bench/ingest.py), the same for every server.
-- BENCH_MODE=heartbeat: authenticated POST /api/v1/heartbeat, round-robin over the tokens in
-- BENCH_TOKENS (line i is device device-<i, 5 digits>); the collector and nginx get these.
-- BENCH_MODE=pushgateway: POST one metric line to /metrics/job/bench/instance/bench-<i>.
-- BENCH_MODE=body: the heartbeat body in the file BENCH_BODY (as `downtime-bench heartbeat-bodies` encodes it,
-- @DEVICE@ and @SENT_AT@ filled in), and with BENCH_BODY_EVERY=k, one request in k with BENCH_BODY_FULL's body
-- instead (service checks: the digest on every beat, the full results now and then).
-- Requests are built once in init(), so wrk spends its time sending, not formatting.

local threads = {}
local counter = 0

function setup(thread)
   thread:set("id", counter)
   counter = counter + 1
   table.insert(threads, thread)
end

local reqs = {}
local fulls = {}
local every = 0
local n = 0
local i = 0
local sent = 0

local function slurp(path)
   local f = assert(io.open(path, "rb"))
   local text = f:read("*a")
   f:close()
   return text
end

local function name(k)
   return string.format("device-%05d", k)
end

function init(args)
   local mode = os.getenv("BENCH_MODE") or "heartbeat"
   local nthreads = tonumber(os.getenv("BENCH_THREADS") or "1")
   local sent_at = os.date("!%Y-%m-%dT%H:%M:%SZ")
   local template = mode == "body" and slurp(os.getenv("BENCH_BODY")) or nil
   local full = os.getenv("BENCH_BODY_FULL")
   local full_template = full and slurp(full) or nil
   every = tonumber(os.getenv("BENCH_BODY_EVERY") or "0")
   local function fill(t, k)
      return (t:gsub("@DEVICE@", name(k)):gsub("@SENT_AT@", sent_at))
   end
   local k = 0
   for token in io.lines(os.getenv("BENCH_TOKENS")) do
      -- Each thread takes its own share of the devices, so no device is hit by two threads at once.
      if k % nthreads == id then
         local path, headers, body
         if mode == "pushgateway" then
            path = "/metrics/job/bench/instance/" .. name(k)
            headers = { ["Content-Type"] = "text/plain; version=0.0.4" }
            body = "bench_heartbeat_seq 2\n"
         elseif template then
            path = "/api/v1/heartbeat"
            headers = { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token }
            body = fill(template, k)
            if full_template then
               fulls[n + 1] = wrk.format("POST", path, headers, fill(full_template, k))
            end
         else
            path = "/api/v1/heartbeat"
            headers = { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token }
            body = string.format(
               '{"device":"%s","seq":2,"boot_id":"6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f","uptime_s":120.5,' ..
               '"sent_at":"%s","clock_synced":true,"interval_s":10,"agent_version":"0.1.0"}', name(k), sent_at)
         end
         n = n + 1
         reqs[n] = wrk.format("POST", path, headers, body)
      end
      k = k + 1
   end
   -- Threads start at different points of their share.
   i = (id * 7919) % n
end

function request()
   i = i % n + 1
   sent = sent + 1
   if every > 0 and sent % every == 0 then
      return fulls[i]
   end
   return reqs[i]
end

function done(summary, latency, requests)
   local e = summary.errors
   io.write(string.format(
      'BENCHJSON {"requests":%d,"duration_us":%d,"bytes":%d,"connect":%d,"read":%d,"write":%d,' ..
      '"status":%d,"timeout":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"mean_us":%f,"max_us":%d}\n',
      summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
      latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.mean, latency.max))
end
