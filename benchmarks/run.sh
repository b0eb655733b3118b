#!/usr/bin/env bash
# make bench: run the hot-path benchmarks on a private redis-server (the
# benchmarks start their own), keep the raw output, and regenerate
# docs/benchmarks.md and docs/benchmarks.svg from it.
set -euo pipefail
cd "$(dirname "$0")/.."
count="${BENCH_COUNT:-5}"
out=benchmarks/results.txt
go test -run '^$' -bench "${BENCH:-.}" -benchmem -count "$count" -timeout 60m ./benchmarks/ | tee "$out"
go run ./benchmarks/report -in "$out" -md docs/benchmarks.md -svg docs/benchmarks.svg
echo "compare two runs with: go run golang.org/x/perf/cmd/benchstat old.txt $out"
