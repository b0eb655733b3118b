package main

import (
	"fmt"
	"math"
	"strings"
)

// target is one acceptance figure, computed from the run and compared
// with what is wanted.
type target struct {
	what     string
	measured float64 // NaN: not in this run
	want     float64
	atMost   bool // measured must be ≤ want
	format   string
}

// ok: measured in this run and within the target.
func (t target) ok() bool {
	if math.IsNaN(t.measured) {
		return false
	}
	if t.atMost {
		return t.measured <= t.want
	}
	return t.measured >= t.want
}

func fmtTarget(t target, v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "not measured"
	}
	if strings.HasSuffix(t.format, "%%") {
		return fmt.Sprintf(t.format, v*100)
	}
	return fmt.Sprintf(t.format, v)
}

// worst is the largest value of unit over the benchmarks with prefix whose
// labels match, NaN when there is none.
func (rs *results) worst(prefix, unit string, match func(name string) bool) float64 {
	w := math.NaN()
	for _, name := range rs.withPrefix(prefix) {
		if v := rs.get(name, unit); match(name) && !math.IsNaN(v) && (math.IsNaN(w) || v > w) {
			w = v
		}
	}
	return w
}

func targets(rs *results) []target {
	ns := func(n string) float64 { return rs.get(n, "ns/op") }
	cmds := func(n string) float64 { return rs.get(n, "redis-cmds/op") }
	req, hnd := "BenchmarkRequest/", "BenchmarkHandler/"
	// e2e: sessionkit-msgpack's end-to-end throughput relative to ref,
	// measured alongside it.
	e2e := func(op, ref string) float64 { return rs.relative("BenchmarkRequest", "sessionkit-msgpack", op, ref) }
	growth := func(redis, op string) func(string) bool {
		return func(n string) bool { return label(n, "redis") == redis && label(n, "op") == op }
	}
	iterate := rs.withPrefix("BenchmarkIterate/")
	iterShare := math.NaN()
	if len(iterate) > 0 {
		iterShare = ratio(rs.get(iterate[0], "peak-heap-KB")/1024, rs.get(iterate[0], "store-MB"))
	}
	return []target{
		{"Redis commands, read-only request (sessionkit-msgpack)", cmds(req + "sessionkit-msgpack/read"), 1, true, "%.2f"},
		{"Redis commands, write request", cmds(req + "sessionkit-msgpack/write"), 2, true, "%.2f"},
		{"Redis commands, read-only with IdleTimeout", cmds(req + "sessionkit-msgpack/read-idle"), 1, true, "%.2f"},
		{"Redis commands, request without a session cookie", cmds(req + "sessionkit-msgpack/nocookie"), 0, true, "%.2f"},
		{"Redis commands, read on a 3-master cluster (worst size × clients)", rs.worst("BenchmarkGrowth/", "redis-cmds/op", growth("cluster", "read")), 1, true, "%.2f"},
		{"Redis commands, write on a 3-master cluster (worst size × clients)", rs.worst("BenchmarkGrowth/", "redis-cmds/op", growth("cluster", "write")), 2, true, "%.2f"},
		{"codec round trip, small: msgpack vs scs gob (× faster)", ratio(ns("BenchmarkCodec/gob/small/roundtrip"), ns("BenchmarkCodec/msgpack/small/roundtrip")), 10, false, "%.1f×"},
		{"codec round trip, small: msgpack allocations", rs.get("BenchmarkCodec/msgpack/small/roundtrip", "allocs/op"), 20, true, "%.0f"},
		{"codec round trip, small: JSON vs scs gob (× faster)", ratio(ns("BenchmarkCodec/gob/small/roundtrip"), ns("BenchmarkCodec/json/small/roundtrip")), 5, false, "%.1f×"},
		{"codec round trip, large: msgpack vs scs gob (× faster)", ratio(ns("BenchmarkCodec/gob/large/roundtrip"), ns("BenchmarkCodec/msgpack/large/roundtrip")), 1.5, false, "%.2f×"},
		{"read one key of a large session: msgpack vs scs gob (× faster)", ratio(ns("BenchmarkReadOneKey/gob/large"), ns("BenchmarkReadOneKey/msgpack/large")), 10, false, "%.0f×"},
		{"request, read: sessionkit-msgpack vs scs-gob-redisstore (× throughput)", e2e("read", "scs-gob-redisstore"), 1.3, false, "%.2f×"},
		{"request, write: sessionkit-msgpack vs scs-gob-redisstore (× throughput)", e2e("write", "scs-gob-redisstore"), 1.3, false, "%.2f×"},
		{"request, read: sessionkit-msgpack as a share of the floor", e2e("read", "floor"), 0.9, false, "%.0f%%"},
		{"request, write: sessionkit-msgpack as a share of the floor", e2e("write", "floor"), 0.85, false, "%.0f%%"},
		{"request, no session cookie: sessionkit-msgpack throughput as a share of scs's", e2e("nocookie", "scs-gob-redisstore"), 1, false, "%.0f%%"},
		{"in process, read: sessionkit-msgpack allocations per request", rs.get(hnd+"sessionkit-msgpack/read", "allocs/op"), 20, true, "%.0f"},
		{"in process, write: sessionkit-msgpack allocations per request", rs.get(hnd+"sessionkit-msgpack/write", "allocs/op"), 26, true, "%.0f"},
		{"Manager.Iterate over 100,000 sessions: peak live heap as a share of the sessions' encoded size", iterShare, 0.25, true, "%.1f%%"},
	}
}
