#!/usr/bin/env bash
# make bench: run the benchmarks on private redis-servers and a private
# Redis Cluster (the benchmarks start their own), keep the raw output, and
# regenerate docs/benchmarks.md, docs/benchmarks.svg and
# docs/benchmarks-growth.svg from it.
#
# Three passes, appended to one results file:
#   hot path  BenchmarkRequest, Handler, ContendedWrite, Codec, ReadOneKey:
#             BENCH_COUNT interleaved passes (default 5), each running every
#             variant once for BENCH_TIME (default 1s): the figures the
#             targets compare. Interleaved, a slow stretch of a shared or
#             virtual machine slows one sample of every variant, not every
#             sample of one (go test -count N runs a benchmark's N samples
#             back to back);
#   growth    BenchmarkGrowth (2 topologies × 3 sizes × 2 ops × 5 client
#             counts = 60 cases): GROWTH_COUNT runs (default 3) of
#             GROWTH_TIME (default 1s); a growth curve needs fewer runs;
#   once      BenchmarkRedisMemory and BenchmarkIterate, one pass each
#             (-benchtime 1x): 100,000 sessions per case, and memory does
#             not vary from run to run.
# About 20 minutes with the defaults on a 2-core machine: measured there,
# the hot path took 145 s per run (×5; BenchmarkRequest serves the floor's
# and scs's bursts alongside every variant's, see its comment), the growth
# matrix 290 s for its 3 runs (the cluster built once), the once pass 41 s.
# BENCH=regexp instead runs only the benchmarks it matches, in one pass of
# BENCH_COUNT × BENCH_TIME (a quick look, not a report to commit).
set -euo pipefail
cd "$(dirname "$0")/.."
out=benchmarks/results.txt
pass() { # count benchtime regexp
	go test -run '^$' -bench "$3" -benchmem -count "$1" -benchtime "$2" -timeout 60m ./benchmarks/ | tee -a "$out"
}
: >"$out"
if [[ -n "${BENCH:-}" ]]; then
	pass "${BENCH_COUNT:-5}" "${BENCH_TIME:-1s}" "$BENCH"
else
	for ((i = 1; i <= ${BENCH_COUNT:-5}; i++)); do
		pass 1 "${BENCH_TIME:-1s}" '^Benchmark(Request|Handler|ContendedWrite|Codec|ReadOneKey)$'
	done
	pass "${GROWTH_COUNT:-3}" "${GROWTH_TIME:-1s}" '^BenchmarkGrowth$'
	pass 1 1x '^Benchmark(RedisMemory|Iterate)$'
fi
go run ./benchmarks/report -in "$out" -md docs/benchmarks.md -svg docs/benchmarks.svg -growth-svg docs/benchmarks-growth.svg
echo "compare two runs with: go run golang.org/x/perf/cmd/benchstat old.txt $out"
