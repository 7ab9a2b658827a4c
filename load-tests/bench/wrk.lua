-- wrk script of load-tests/bench.sh: sends pre-signed requests, so wrk measures the server and
-- not signing in Lua. Arguments after "--":
--   raw FILE        NUL-separated raw HTTP requests (TC3-signed once each, re-sent in a cycle)
--   v2 FILE THREADS API 2.0 body template + one "nonce signature" line per request; each thread
--                   takes every THREADS-th line so no nonce is sent twice; a thread that runs out
--                   stops and reports it (the scenario is then invalid: generate more)
-- done() prints one machine-readable line: BENCH requests=... duration_us=... p50_us=... ...
-- Environment BENCH_RATE=R (requests/s per wrk thread): paced instead of closed loop. Each
-- connection, before its next request, takes the thread's next send slot (slots 1/R apart) and
-- waits for it (wrk's delay(), whole milliseconds; the slot is taken all the same, so the rate
-- holds). When every connection is busy and the slots fall behind, the schedule restarts from now:
-- a stalled server gets no burst to catch up. wrk's latency starts when the request is written,
-- after the wait.

local rate = tonumber(os.getenv("BENCH_RATE") or "")
if rate and rate > 0 then
  local ffi = require("ffi")
  ffi.cdef [[
    typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
    int clock_gettime(int clk_id, bench_timespec *tp);
  ]]
  local ts = ffi.new("bench_timespec")
  local function now_ms()
    ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC
    return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
  end
  local interval = 1000 / rate
  local next_at = nil
  -- Defined only when paced: wrk takes the delay path for every request once delay() exists.
  function delay()
    local now = now_ms()
    if next_at == nil or next_at < now then
      next_at = now
    end
    local wait = next_at - now
    next_at = next_at + interval
    return math.floor(wait)
  end
end

local counter = 0
function setup(thread)
  -- Globals set here are the only per-thread state wrk passes on: tid must be a global.
  thread:set("tid", counter)
  counter = counter + 1
end

local reqs, n, i = {}, 0, 0
local mode, prefix, middle, head
local exhausted = false

local function slurp(path)
  local f = assert(io.open(path, "rb"))
  local s = f:read("*a")
  f:close()
  return s
end

function init(args)
  mode = args[1]
  local id = tid or 0
  if mode == "raw" then
    local s = slurp(args[2])
    for r in s:gmatch("([^%z]+)%z") do
      n = n + 1
      reqs[n] = r
    end
    i = id % n -- threads start at different places of the cycle
  elseif mode == "v2" then
    local threads = tonumber(args[3])
    local lineNo = 0
    for line in io.lines(args[2]) do
      lineNo = lineNo + 1
      if lineNo == 1 then
        prefix = line
      elseif lineNo == 2 then
        middle = line
      elseif (lineNo - 3) % threads == id then
        n = n + 1
        reqs[n] = line
      end
    end
    head = "POST /v2/index.php HTTP/1.1\r\nHost: " .. wrk.host .. ":" .. wrk.port
        .. "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: "
  else
    error("mode must be raw or v2")
  end
end

function request()
  if mode == "raw" then
    i = i % n + 1
    return reqs[i]
  end
  i = i + 1
  if i > n then
    if not exhausted then
      exhausted = true
      io.stderr:write("BENCH_EXHAUSTED thread " .. tostring(tid) .. " ran out of signed requests\n")
      wrk.thread:stop()
    end
    return "GET /healthz HTTP/1.1\r\nHost: " .. wrk.host .. "\r\n\r\n"
  end
  local line = reqs[i]
  local sp = line:find(" ", 1, true)
  local body = prefix .. line:sub(1, sp - 1) .. middle .. line:sub(sp + 1)
  return head .. #body .. "\r\n\r\n" .. body
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
      "BENCH requests=%d duration_us=%d p50_us=%d p90_us=%d p99_us=%d p999_us=%d max_us=%d socket_errors=%d status_errors=%d timeouts=%d\n",
      summary.requests, summary.duration, latency:percentile(50), latency:percentile(90), latency:percentile(99),
      latency:percentile(99.9), latency.max, e.connect + e.read + e.write, e.status, e.timeout))
end
