-- wrk script: GET /search?q=usb&page_size=20&max_price=<1000 + k/100> for k in 1..N: N distinct
-- cached searches, each a full page (every product is under the price; "usb <k>" would match
-- nothing for most k and cache an empty page).
-- Parameters from the environment (lib.sh's measure puts wrk's own options before the URL):
--   ZIPF_N=N ZIPF_S=S: k drawn with probability proportional to 1 / k^S (S = 0: uniform)
local n, s
local cdf = {}

local function path(k)
  return string.format("/search?q=usb&page_size=20&max_price=%d.%02d", 1000 + math.floor(k / 100),
                       k % 100)
end

function init()
  n = tonumber(os.getenv("ZIPF_N") or "1000")
  s = tonumber(os.getenv("ZIPF_S") or "1")
  local total = 0
  for k = 1, n do total = total + 1 / k ^ s; cdf[k] = total end
  for k = 1, n do cdf[k] = cdf[k] / total end
end

-- The smallest k with cdf[k] >= u (binary search).
local function draw()
  local u, lo, hi = math.random(), 1, n
  while lo < hi do
    local mid = math.floor((lo + hi) / 2)
    if cdf[mid] < u then lo = mid + 1 else hi = mid end
  end
  return lo
end

function request()
  return wrk.format("GET", path(draw()))
end
