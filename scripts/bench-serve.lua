-- wrk script for scripts/bench-serve.sh: cycles through a mix of explorer API requests.
-- The mix is chosen by the first argument after `--`: `read` (rankings and profiles, the
-- target of p99 < 10 ms), `mixed` (every read endpoint plus what-if) or `whatif`.
local mixes = {
  read = {
    {"GET", "/api/v1/rankings?level=composite"},
    {"GET", "/api/v1/rankings?level=B2&continent=Europe"},
    {"GET", "/api/v1/rankings?level=mini"},
    {"GET", "/api/v1/profile?city=beijing"},
    {"GET", "/api/v1/profile?city=london"},
    {"GET", "/api/v1/profile?city=%E4%B8%8A%E6%B5%B7"},
  },
  mixed = {
    {"GET", "/api/v1/meta"},
    {"GET", "/api/v1/rankings?level=composite"},
    {"GET", "/api/v1/profile?city=tokyo"},
    {"GET", "/api/v1/compare?cities=beijing,tokyo,london"},
    {"GET", "/api/v1/cities?search=san"},
    {"GET", "/api/v1/regions?level=A"},
    {"GET", "/api/v1/modes"},
    {"POST", "/api/v1/whatif", '{"city":"beijing","changes":{"I01":"+20%"},"weights":{"A":0.5}}'},
  },
  whatif = {
    {"POST", "/api/v1/whatif", '{"city":"beijing","changes":{"I01":"+20%"}}'},
    {"POST", "/api/v1/whatif", '{"weights":{"A":0.5,"C2":0.1}}'},
  },
}
local mix
local n = 0
local bad = 0

function init(args)
  mix = mixes[args[1] or "read"]
end

function request()
  n = n + 1
  local r = mix[(n % #mix) + 1]
  if r[1] == "POST" then
    return wrk.format("POST", r[2], {["Content-Type"] = "application/json"}, r[3])
  end
  return wrk.format("GET", r[2])
end
