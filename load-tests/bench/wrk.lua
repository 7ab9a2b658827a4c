-- wrk script of load-tests/bench.sh: sends pre-signed requests, so wrk measures the server and
-- not signing in Lua. Arguments after "--":
--   raw FILE        NUL-separated raw HTTP requests (TC3-signed once each, re-sent in a cycle)
--   v2 FILE THREADS API 2.0 body template + one "nonce signature" line per request; each thread
--                   takes every THREADS-th line so no nonce is sent twice; a thread that runs out
--                   stops and reports it (the scenario is then invalid: generate more)
-- done() prints one machine-readable line: BENCH requests=... duration_us=... p50_us=... ...

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
      "BENCH requests=%d duration_us=%d p50_us=%d p99_us=%d max_us=%d socket_errors=%d status_errors=%d timeouts=%d\n",
      summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.max,
      e.connect + e.read + e.write, e.status, e.timeout))
end
