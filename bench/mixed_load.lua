-- wrk script of bench/mixed_load.py: one side of the mixed workload (the reads or the writes)
-- at a target rate, with counts per status and the latency percentiles printed as one JSON
-- line at the end.
--
--   wrk -t1 -cC -dD -s bench/mixed_load.lua URL -- CONFIG SIDE RATE
--
-- CONFIG is a Lua file written by mixed_load.py that returns {users = {...}, ...}; SIDE is
-- "reads" or "writes"; RATE is the requests/s this wrk process aims at. Each connection waits
-- a random (exponential) delay between requests whose mean gives RATE over every connection,
-- so the offered load is a Poisson-like stream rather than as fast as the server answers.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("thread_id", #threads)
end

local config, side, mean_delay_ms
counts = {}  -- global: done() reads it from each thread with thread:get
local mix = {}

-- The mix of one side, in percent of the whole workload (issue 17's row "mixed load").
local weights = {
  reads = { { "home", 60 }, { "community", 10 }, { "post", 10 }, { "search", 8 },
            { "moderation_read", 1 } },
  writes = { { "post_write", 6 }, { "reaction", 4 }, { "report", 1 } },
}

function init(args)
  config = dofile(args[1])
  side = args[2]
  local rate = tonumber(args[3])
  -- Run with -t1: this thread holds every connection.
  local connections = tonumber(args[4])
  mean_delay_ms = connections * 1000.0 / rate
  local total = 0
  for _, w in ipairs(weights[side]) do total = total + w[2] end
  local acc = 0
  for _, w in ipairs(weights[side]) do
    acc = acc + w[2] / total
    table.insert(mix, { w[1], acc })
  end
  math.randomseed(os.time() * 100 + thread_id * 10 + #side)
end

function delay()
  return -math.log(1 - math.random()) * mean_delay_ms
end

local function pick(list)
  return list[math.random(#list)]
end

local function auth(user)
  return { ["Authorization"] = "Bearer " .. user.token, ["Content-Type"] = "application/json" }
end

local word_counter = 0

function request()
  local r = math.random()
  local kind = mix[#mix][1]
  for _, m in ipairs(mix) do
    if r <= m[2] then kind = m[1]; break end
  end
  local user = pick(config.users)
  if kind == "home" then
    return wrk.format("GET", "/api/v1/feeds/home?limit=20", auth(user))
  elseif kind == "community" then
    return wrk.format("GET", "/api/v1/communities/" .. pick(config.communities) .. "/feed?limit=20",
                      auth(user))
  elseif kind == "post" then
    return wrk.format("GET", "/api/v1/posts/" .. pick(user.posts), auth(user))
  elseif kind == "search" then
    return wrk.format("GET", "/api/v1/search/posts?limit=20&q=" .. pick(config.words), auth(user))
  elseif kind == "moderation_read" then
    local admin = config.admin
    if math.random() < 0.5 then
      return wrk.format("GET", "/api/v1/reports?limit=20", auth(admin))
    end
    return wrk.format("GET", "/api/v1/communities/" .. pick(config.communities) .. "/audit?limit=20",
                      auth(admin))
  elseif kind == "post_write" then
    word_counter = word_counter + 1
    local body = '{"text":"Mixed load ' .. word_counter .. ' ' .. pick(config.words) ..
                 ' #soak"}'
    return wrk.format("POST", "/api/v1/posts", auth(user), body)
  elseif kind == "reaction" then
    return wrk.format("POST", "/api/v1/posts/" .. pick(user.posts) .. "/reactions", auth(user),
                      '{"type":"like"}')
  else -- report: a member flags a post; the moderators' queue grows, nothing is decided
    return wrk.format("POST", "/api/v1/posts/" .. pick(user.posts) .. "/report", auth(user),
                      '{"reason":"mixed load check"}')
  end
end

function response(status, headers, body)
  counts[status] = (counts[status] or 0) + 1
end

function done(summary, latency, requests)
  local by_status = {}
  for _, thread in ipairs(threads) do
    local c = thread:get("counts")
    for status, n in pairs(c) do by_status[status] = (by_status[status] or 0) + n end
  end
  local parts = {}
  for status, n in pairs(by_status) do table.insert(parts, '"' .. status .. '":' .. n) end
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"duration_us":%d,"status":{%s},"socket_errors":%d,' ..
    '"p50_ms":%.3f,"p95_ms":%.3f,"p99_ms":%.3f,"max_ms":%.3f}\n',
    summary.requests, summary.duration, table.concat(parts, ","),
    e.connect + e.read + e.write + e.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
end
