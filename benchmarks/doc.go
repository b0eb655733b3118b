// Package benchmarks measures sessionkit's hot path against scs's defaults
// in one run: codec cost (BenchmarkCodec, BenchmarkReadOneKey) and whole
// requests through the middleware against a private redis-server
// (BenchmarkRequest), with Redis commands per request counted from INFO
// commandstats.
//
//	go test -run '^$' -bench . -benchmem ./benchmarks/
//	make bench   # the same, several times, then docs/benchmarks.md and its chart
//
// In BenchmarkCodec and BenchmarkReadOneKey, "gob" is scs's own GobCodec:
// the baseline every target is a ratio against.
package benchmarks
