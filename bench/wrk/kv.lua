-- wrk script of bench/run-side-by-side.sh: one request shape per run, for RaftCache, etcd's JSON gateway or the ceiling.
--   wrk -s bench/wrk/kv.lua URL -- SYSTEM OP SIZE KEYS PREFIX [CONSISTENCY] [API_KEY] [MODE]
--   SYSTEM raftcache|etcd|ceiling, OP put|get, SIZE value bytes, KEYS key-space size, PREFIX key prefix,
--   CONSISTENCY linearizable|lease|local (gets), MODE random (default: uniform random keys) or fill (every key once,
--   in order; prints FILLED and exits once every key was answered).
-- The summary is printed as one line starting with RESULT (requests, duration, errors, latency percentiles in µs).

local b64chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
local function base64(s)
  local out = {}
  for i = 1, #s, 3 do
    local a, b, c = s:byte(i, i + 2)
    local n = a * 65536 + (b or 0) * 256 + (c or 0)
    local c1 = math.floor(n / 262144) % 64
    local c2 = math.floor(n / 4096) % 64
    local c3 = math.floor(n / 64) % 64
    local c4 = n % 64
    out[#out + 1] = b64chars:sub(c1 + 1, c1 + 1) .. b64chars:sub(c2 + 1, c2 + 1)
      .. (b and b64chars:sub(c3 + 1, c3 + 1) or "=") .. (c and b64chars:sub(c4 + 1, c4 + 1) or "=")
  end
  return table.concat(out)
end

-- Each thread gets its own id, so that threads draw different random keys. Fill runs with one thread (-t1).
local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("tid", counter)
end

local system, op, size, keys, prefix, consistency, apikey, mode
local paths, bodies, headers
local next_key, answered

function init(args)
  system, op, size, keys, prefix = args[1], args[2], tonumber(args[3]), tonumber(args[4]), args[5]
  consistency, apikey, mode = args[6] or "linearizable", args[7] or "", args[8] or "random"
  math.randomseed(os.time() * 1000 + (tid or 0))
  headers = {}
  if system == "raftcache" and apikey ~= "" then headers["X-Api-Key"] = apikey end
  paths, bodies = {}, {}
  -- A value of exactly SIZE bytes: for RaftCache and the ceiling the data string of a JSON envelope, for etcd the
  -- base64 of SIZE bytes (etcd stores the decoded bytes).
  local value = string.rep("v", size)
  local value64 = base64(value)
  for i = 0, keys - 1 do
    local key = prefix .. i
    if system == "etcd" then
      paths[i] = op == "put" and "/v3/kv/put" or "/v3/kv/range"
      if op == "put" then
        bodies[i] = '{"key":"' .. base64(key) .. '","value":"' .. value64 .. '"}'
      elseif consistency == "local" then
        bodies[i] = '{"key":"' .. base64(key) .. '","serializable":true}'
      else
        bodies[i] = '{"key":"' .. base64(key) .. '"}'
      end
    else
      paths[i] = "/keys/" .. key
      if op == "get" and system == "raftcache" then paths[i] = paths[i] .. "?consistency=" .. consistency end
    end
  end
  if op == "put" and system ~= "etcd" then
    headers["Content-Type"] = "application/json"
    bodies.shared = '{"data":"' .. value .. '","ttl_seconds":86400}'
  end
  if system == "etcd" then headers["Content-Type"] = "application/json" end
  next_key = 0
  answered = 0
end

function request()
  local i
  if mode == "fill" then
    i = next_key % keys
    next_key = next_key + 1
  else
    i = math.random(0, keys - 1)
  end
  local method = (system == "etcd" and "POST") or (op == "put" and "PUT") or "GET"
  local body = bodies[i] or bodies.shared
  return wrk.format(method, paths[i], headers, body)
end

function response(status, hdrs, body)
  if mode == "fill" then
    answered = answered + 1
    -- Keys go out in order; once as many answers as keys came back, every key was written: say so and end wrk
    -- (wrk.thread:stop() would leave wrk waiting out its duration).
    if answered >= keys then
      io.write("FILLED\n")
      io.stdout:flush()
      os.exit(0)
    end
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT requests=%d duration_us=%d errors=%d status=%d timeout=%d p50_us=%d p99_us=%d\n",
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99)))
end
