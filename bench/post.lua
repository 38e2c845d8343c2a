-- wrk script: creates posts as the sample company's CEO (token in the TOKEN environment variable).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
local n = 0
request = function()
  n = n + 1
  return wrk.format(nil, nil, nil,
    '{"text":"Benchmark post ' .. n .. ' about #performance and the quarterly numbers."}')
end
