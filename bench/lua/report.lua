-- wrk script for bench/run.py.
--
-- BENCH_WRK_PATHS (optional): a file of request paths, one a line; each wrk thread sends
--   them in turn, starting at a different line (the mixed read load of Q8). Without it
--   wrk sends the URL given on its command line.
-- BENCH_WRK_OUT: where done() writes the result as JSON: requests, duration in µs, the
--   error counts, and the latency histogram as [µs, count] pairs, so that bench/run.py
--   computes every percentile the same way for wrk and its Python client and can merge
--   several runs.

local paths_file = os.getenv("BENCH_WRK_PATHS")

if paths_file then
  local paths = {}
  for line in io.lines(paths_file) do
    if line ~= "" then paths[#paths + 1] = line end
  end
  local i = 0
  local threads = 0

  setup = function(thread)
    -- Runs in the main state once per thread: give each thread its own starting line.
    thread:set("offset", threads)
    threads = threads + 1
  end

  init = function(args)
    i = ((offset or 0) * 7) % #paths
  end

  request = function()
    i = i % #paths + 1
    return wrk.format(nil, paths[i])
  end
end

done = function(summary, latency, requests)
  local out = assert(io.open(os.getenv("BENCH_WRK_OUT"), "w"))
  local e = summary.errors
  out:write(string.format(
    '{"requests": %d, "duration_us": %d, "errors": {"connect": %d, "read": %d, "write": %d, ' ..
    '"timeout": %d, "status": %d}, "histogram": [',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.timeout, e.status))
  local first = true
  for n = 1, #latency do
    local value, count = latency(n)
    if count and count > 0 then
      if not first then out:write(",") end
      out:write(string.format("[%d,%d]", value, count))
      first = false
    end
  end
  out:write("]}\n")
  out:close()
end
