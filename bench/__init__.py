"""`make bench`: the figures of README "Performance", written to reports/bench.json."""
