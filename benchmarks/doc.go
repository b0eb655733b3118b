// Package benchmarks measures sessionkit's hot path against scs's defaults
// in one run: codec cost (BenchmarkCodec, BenchmarkReadOneKey), whole
// requests through the middleware against a private redis-server, end to
// end (BenchmarkRequest) and in process (BenchmarkHandler), concurrent
// writes (BenchmarkContendedWrite); and how cost grows: with session size,
// concurrent clients and topology — one node or a 3-master Redis Cluster
// (BenchmarkGrowth) —, in Redis memory per 100,000 sessions
// (BenchmarkRedisMemory) and over a 100,000-session Manager.Iterate
// (BenchmarkIterate). Redis commands per request are counted as the
// client sends them (redis-cmds/op), over every node's connections.
//
//	go test -run '^$' -bench . -benchmem ./benchmarks/
//	make bench   # benchmarks/run.sh: several runs, then docs/benchmarks.md and its charts
//
// In BenchmarkCodec and BenchmarkReadOneKey, "gob" is scs's own GobCodec:
// the baseline every target is a ratio against. Sub-benchmark names are
// benchstat-friendly ("redis=cluster/size=4KB/op=write/clients=64"), so
// `benchstat -col /redis` compares the topologies.
package benchmarks
