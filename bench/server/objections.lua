-- POST /api/objections with a unique body and Idempotency-Key per request, so that every
-- 201 is a new row (bench/server.sh compares the 201s with the table's row count).
package.path = debug.getinfo(1, "S").source:match("@?(.*/)") .. "?.lua;" .. package.path
require "report"

local counter = 0
local prefix

function init(args)
  prefix = string.format("bench-%d-%d-%d", os.time(), thread_id or 0, math.random(1e9))
end

function request()
  counter = counter + 1
  local key = prefix .. "-" .. counter
  local body = '{"email":"anna@example.de","country":"AT","phone":"0664 1234567",' ..
               '"justification":"Meta must not train its AI models on my posts and photos.",' ..
               '"details":"benchmark submission ' .. key .. '"}'
  return wrk.format("POST", "/api/objections?locale=en",
                    {["Content-Type"] = "application/json", ["Idempotency-Key"] = key}, body)
end
