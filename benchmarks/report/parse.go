package main

import (
	"bufio"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"
)

// result holds the median of each metric over a benchmark's runs.
type result struct {
	runs    int
	metrics map[string]float64
}

// results are one `go test -bench` output, in the order benchmarks first
// appear.
type results struct {
	order  []string
	byName map[string]*result
	header []string // goos, goarch, cpu lines
}

func parse(path string) (*results, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	raw := map[string]map[string][]float64{}
	rs := &results{byName: map[string]*result{}}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		for _, h := range []string{"goos:", "goarch:", "cpu:"} {
			if strings.HasPrefix(line, h) && !contains(rs.header, line) {
				rs.header = append(rs.header, line)
			}
		}
		if !strings.HasPrefix(line, "Benchmark") {
			continue
		}
		fields := strings.Fields(line)
		if len(fields) < 4 {
			continue
		}
		name := fields[0]
		if i := strings.LastIndexByte(name, '-'); i > 0 {
			if _, err := strconv.Atoi(name[i+1:]); err == nil {
				name = name[:i] // drop -GOMAXPROCS
			}
		}
		if raw[name] == nil {
			raw[name] = map[string][]float64{}
			rs.order = append(rs.order, name)
		}
		for i := 2; i+1 < len(fields); i += 2 {
			v, err := strconv.ParseFloat(fields[i], 64)
			if err != nil {
				continue
			}
			raw[name][fields[i+1]] = append(raw[name][fields[i+1]], v)
		}
	}
	for name, ms := range raw {
		r := &result{metrics: map[string]float64{}}
		for unit, vs := range ms {
			r.metrics[unit] = median(vs)
			r.runs = max(r.runs, len(vs))
		}
		rs.byName[name] = r
	}
	return rs, sc.Err()
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

func median(vs []float64) float64 {
	s := append([]float64(nil), vs...)
	sort.Float64s(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// get is the median of unit for the benchmark name, or NaN when the run
// does not have it: a figure that was not measured is never 0.
func (rs *results) get(name, unit string) float64 {
	if r, ok := rs.byName[name]; ok {
		if v, ok := r.metrics[unit]; ok {
			return v
		}
	}
	return math.NaN()
}

// withPrefix are the benchmarks whose names start with prefix, in order.
func (rs *results) withPrefix(prefix string) []string {
	var out []string
	for _, name := range rs.order {
		if strings.HasPrefix(name, prefix) {
			out = append(out, name)
		}
	}
	return out
}

// runsByBenchmark is how many runs each top-level benchmark had (the
// most of any of its sub-benchmarks), in order.
func (rs *results) runsByBenchmark() (names []string, runs map[string]int) {
	runs = map[string]int{}
	for _, name := range rs.order {
		top, _, _ := strings.Cut(name, "/")
		if _, ok := runs[top]; !ok {
			names = append(names, top)
		}
		runs[top] = max(runs[top], rs.byName[name].runs)
	}
	return names, runs
}

// relative is the throughput of variant relative to the variant ref, for
// op under the benchmark prefix. BenchmarkRequest measures the two
// alongside (alternating bursts): the median of its vs-<ref> metric, NaN
// when the run lacks it — the ratio of two medians measured apart is not
// the same figure, and is not passed off as it. Elsewhere: the ratio of
// their median ns/op. A variant relative to itself is 1 when measured.
func (rs *results) relative(prefix, variant, op, ref string) float64 {
	name := prefix + "/" + variant + "/" + op
	if variant == ref {
		return ratio(rs.get(name, "ns/op"), rs.get(name, "ns/op"))
	}
	if prefix == "BenchmarkRequest" {
		return rs.get(name, "vs-"+ref)
	}
	return ratio(rs.get(prefix+"/"+ref+"/"+op, "ns/op"), rs.get(name, "ns/op"))
}

// ratio is a/b, NaN when either is missing or b is 0.
func ratio(a, b float64) float64 {
	if b == 0 {
		return math.NaN()
	}
	return a / b
}

// num formats v with prec decimals, or "–" when it was not measured.
func num(v float64, prec int) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "–"
	}
	return strconv.FormatFloat(v, 'f', prec, 64)
}

// withUnit formats v as num does, followed by unit when it was measured.
func withUnit(v float64, prec int, unit string) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "–"
	}
	return num(v, prec) + unit
}

// label is the value of key in a benchstat-style name part "key=value"
// anywhere in name ("BenchmarkGrowth/redis=single/size=4KB" → "4KB" for
// "size").
func label(name, key string) string {
	for _, part := range strings.Split(name, "/") {
		if v, ok := strings.CutPrefix(part, key+"="); ok {
			return v
		}
	}
	return ""
}
