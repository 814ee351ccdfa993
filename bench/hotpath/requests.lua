-- wrk script for scripts/hotpath.sh. Every arm sends its requests through this script, so the load
-- generator does the same work per request whatever the arm.
--
--   wrk -s requests.lua URL                      -- no Authorization header
--   wrk -s requests.lua URL -- TOKENS THREADS [START]
--                                                -- "Authorization: Bearer <token>", cycling through
--                                                   the file TOKENS (one token a line)
--
-- With one token in the file every request reuses it (hot); with many, nearly every request carries
-- a token the proxy has not seen before (cold). Each of the THREADS wrk threads takes its own share
-- of the file (every THREADS-th line) and starts at line START of the file (default: a random line),
-- so a measured window can go on where its warm-up stopped.
-- The requests are formatted once, at start, so sending one costs no more than a fixed request.

local threads = 0

function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end

local requests = {}
local count = 0
local position = 0

function init(args)
  local file = args[1]
  if file == nil then
    requests[1] = wrk.format("GET", wrk.path)
    count = 1
    return
  end

  local share, mine = tonumber(args[2] or "1"), id or 0
  local line_number = 0
  for token in io.lines(file) do
    if token ~= "" then
      if line_number % share == mine then
        count = count + 1
        requests[count] = wrk.format("GET", wrk.path, { ["Authorization"] = "Bearer " .. token })
      end
      line_number = line_number + 1
    end
  end
  if count == 0 then
    error("no tokens for thread " .. mine .. " in " .. file)
  end

  if args[3] ~= nil then
    position = math.floor(tonumber(args[3]) / share) % count
  else
    math.randomseed(os.time() * 1000 + mine)
    position = math.random(count) - 1
  end
end

function request()
  position = position % count + 1
  return requests[position]
end
