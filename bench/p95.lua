-- wrk script: print requests/second and latency percentiles in a parseable line.
-- With PATHS set (comma-separated), request those paths in turn instead of the URL's
-- (bench/ab.py --mixed: a member moving between pages).
if os.getenv("PATHS") then
  local paths = {}
  for path in string.gmatch(os.getenv("PATHS"), "[^,]+") do table.insert(paths, path) end
  local i = 0
  request = function()
    i = i + 1
    return wrk.format("GET", paths[(i % #paths) + 1])
  end
end

done = function(summary, latency, requests)
  io.write(string.format("RESULT rps=%.1f p50_ms=%.2f p95_ms=%.2f p99_ms=%.2f errors=%d\n",
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read +
    summary.errors.write + summary.errors.timeout))
end
