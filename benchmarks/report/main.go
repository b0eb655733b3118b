// Command report turns `go test -bench` output from package benchmarks into
// docs/benchmarks.md (tables, the targets as ratios measured in the same
// run, the machine) and an SVG chart. benchmarks/run.sh (make bench) runs
// the benchmarks and then this.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"html"
	"log"
	"os"
	"os/exec"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"
)

// result holds the median of each metric over a benchmark's runs.
type result struct {
	runs    int
	metrics map[string]float64
}

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
			name = name[:i] // drop -GOMAXPROCS
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
			r.runs = len(vs)
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

func (rs *results) get(name, unit string) float64 {
	if r, ok := rs.byName[name]; ok {
		return r.metrics[unit]
	}
	return 0
}

// ratio is a/b, or 0 when either is missing.
func ratio(a, b float64) float64 {
	if a == 0 || b == 0 {
		return 0
	}
	return a / b
}

type target struct {
	what     string
	measured float64
	want     float64
	atMost   bool // measured must be ≤ want
	format   string
}

func (t target) ok() bool {
	if t.measured == 0 {
		return false
	}
	if t.atMost {
		return t.measured <= t.want
	}
	return t.measured >= t.want
}

func targets(rs *results) []target {
	ns := func(n string) float64 { return rs.get(n, "ns/op") }
	cmds := func(n string) float64 { return rs.get(n, "redis-cmds/op") }
	req := "BenchmarkRequest/"
	return []target{
		{"Redis commands, read-only request (sessionkit-msgpack)", cmds(req + "sessionkit-msgpack/read"), 1, true, "%.2f"},
		{"Redis commands, write request", cmds(req + "sessionkit-msgpack/write"), 2, true, "%.2f"},
		{"Redis commands, read-only with IdleTimeout", cmds(req + "sessionkit-msgpack/read-idle"), 1.1, true, "%.2f"},
		{"codec round trip, small: msgpack vs scs gob (× faster)", ratio(ns("BenchmarkCodec/gob/small/roundtrip"), ns("BenchmarkCodec/msgpack/small/roundtrip")), 10, false, "%.1f×"},
		{"codec round trip, small: msgpack allocations", rs.get("BenchmarkCodec/msgpack/small/roundtrip", "allocs/op"), 20, true, "%.0f"},
		{"codec round trip, small: JSON vs scs gob (× faster)", ratio(ns("BenchmarkCodec/gob/small/roundtrip"), ns("BenchmarkCodec/json/small/roundtrip")), 5, false, "%.1f×"},
		{"codec round trip, large: msgpack vs scs gob (× faster)", ratio(ns("BenchmarkCodec/gob/large/roundtrip"), ns("BenchmarkCodec/msgpack/large/roundtrip")), 1.5, false, "%.2f×"},
		{"read one key of a large session: msgpack vs scs gob (× faster)", ratio(ns("BenchmarkReadOneKey/gob/large"), ns("BenchmarkReadOneKey/msgpack/large")), 10, false, "%.0f×"},
		{"request, read: sessionkit-msgpack vs scs-gob-redisstore (× throughput)", ratio(ns(req+"scs-gob-redisstore/read"), ns(req+"sessionkit-msgpack/read")), 1.3, false, "%.2f×"},
		{"request, write: sessionkit-msgpack vs scs-gob-redisstore (× throughput)", ratio(ns(req+"scs-gob-redisstore/write"), ns(req+"sessionkit-msgpack/write")), 1.3, false, "%.2f×"},
		{"request, read: sessionkit-msgpack as a share of the floor", ratio(ns(req+"floor/read"), ns(req+"sessionkit-msgpack/read")), 0.8, false, "%.0f%%"},
		{"request, write: sessionkit-msgpack as a share of the floor", ratio(ns(req+"floor/write"), ns(req+"sessionkit-msgpack/write")), 0.8, false, "%.0f%%"},
	}
}

func fmtTarget(t target, v float64) string {
	if strings.HasSuffix(t.format, "%%") {
		return fmt.Sprintf(t.format, v*100)
	}
	return fmt.Sprintf(t.format, v)
}

func run(name string, args ...string) string {
	out, err := exec.Command(name, args...).Output()
	if err != nil {
		return "unknown"
	}
	return strings.TrimSpace(strings.SplitN(string(out), "\n", 2)[0])
}

func writeMarkdown(path, svgName string, rs *results) error {
	var b strings.Builder
	p := func(format string, a ...any) { fmt.Fprintf(&b, format, a...) }
	p("# Benchmarks\n\n")
	p("Generated by `make bench` (benchmarks/run.sh → benchmarks/report) on %s from one run of\n", time.Now().UTC().Format("2006-01-02"))
	p("`go test -run '^$' -bench . -benchmem -count N ./benchmarks/`; each figure is the median of its %d runs.\n", runsOf(rs))
	p("Absolute numbers depend on the machine; the ratios, all measured in the same run, are what to compare.\n\n")
	p("## Machine\n\n")
	for _, h := range rs.header {
		p("- %s\n", h)
	}
	p("- cores: %d (GOMAXPROCS)\n- %s\n- %s\n\n", runtime.NumCPU(), run("go", "version"), run("redis-server", "--version"))

	p("## Targets\n\n| target | measured | wanted | met |\n|---|---|---|---|\n")
	for _, t := range targets(rs) {
		cmp := "≥"
		if t.atMost {
			cmp = "≤"
		}
		met := "yes"
		if !t.ok() {
			met = "**no**"
		}
		p("| %s | %s | %s %s | %s |\n", t.what, fmtTarget(t, t.measured), cmp, fmtTarget(t, t.want), met)
	}
	p("\nRedis commands per request with no cookie or a malformed cookie (0) are asserted by tests\n(`manager/commands_test.go`), not benchmarked.\n\n")
	p("![throughput relative to scs](%s)\n\n", svgName)

	p("## End-to-end requests (BenchmarkRequest)\n\n")
	p("A net/http server and keep-alive clients on loopback, 8×GOMAXPROCS parallel clients each owning one\nsession, against one private redis-server. The *floor* is a bare handler doing only the Redis work any\nsession must (read: one GET; write: GET + SET PX of a 186-byte blob): no library, no codec.\n\n")
	requestTable(&b, rs, "BenchmarkRequest")
	p("\n## In-process handler cost (BenchmarkHandler)\n\n")
	p("The same handlers called directly, without HTTP: the library's own cost is a larger share here, so\nthe gaps between variants are wider than end to end.\n\n")
	requestTable(&b, rs, "BenchmarkHandler")

	p("\n## Codecs (BenchmarkCodec, BenchmarkReadOneKey)\n\n")
	p("*small*: a User struct, a counter and a flash message; *large*: plus a 50-item cart. *decode* turns\nevery value back into its Go type; *gob* is scs's GobCodec.\n\n")
	p("| benchmark | ns/op | vs gob | B/op | allocs/op | B/session |\n|---|---:|---:|---:|---:|---:|\n")
	for _, name := range rs.order {
		if !strings.HasPrefix(name, "BenchmarkCodec/") && !strings.HasPrefix(name, "BenchmarkReadOneKey/") {
			continue
		}
		parts := strings.SplitN(name, "/", 3)
		base := parts[0] + "/gob/" + parts[2]
		p("| %s | %.0f | %.1f× | %.0f | %.0f | %s |\n", strings.TrimPrefix(name, "Benchmark"),
			rs.get(name, "ns/op"), ratio(rs.get(base, "ns/op"), rs.get(name, "ns/op")),
			rs.get(name, "B/op"), rs.get(name, "allocs/op"), dash(rs.get(name, "B/session")))
	}
	growthTables(&b, rs)
	return os.WriteFile(path, []byte(b.String()), 0o644)
}

// growthTables writes how cost grows with session size and clients
// (BenchmarkGrowth) and Redis memory per session (BenchmarkRedisMemory),
// for whichever of them the run has.
func growthTables(b *strings.Builder, rs *results) {
	p := func(format string, a ...any) { fmt.Fprintf(b, format, a...) }
	var sizes, clients []string
	for _, name := range rs.order {
		parts := strings.Split(strings.TrimPrefix(name, "BenchmarkGrowth/"), "/")
		if !strings.HasPrefix(name, "BenchmarkGrowth/") || len(parts) != 3 {
			continue
		}
		if !contains(sizes, parts[0]) {
			sizes = append(sizes, parts[0])
		}
		if c := strings.TrimPrefix(parts[2], "clients="); !contains(clients, c) {
			clients = append(clients, c)
		}
	}
	if len(sizes) > 0 {
		p("\n## How cost grows (BenchmarkGrowth)\n\n")
		p("sessionkit (msgpack, redisstore) end to end over loopback HTTP: the small session padded to each\n")
		p("size, N concurrent keep-alive clients each owning one session. Requests per second, and Redis\n")
		p("commands per request as the client sends them.\n\n")
		p("| session | clients | read req/s | write req/s | commands/read | commands/write |\n|---|---:|---:|---:|---:|---:|\n")
		for _, size := range sizes {
			for _, c := range clients {
				read, write := "BenchmarkGrowth/"+size+"/read/clients="+c, "BenchmarkGrowth/"+size+"/write/clients="+c
				p("| %s | %s | %.0f | %.0f | %.2f | %.2f |\n", size, c, rs.get(read, "req/s"), rs.get(write, "req/s"),
					rs.get(read, "redis-cmds/op"), rs.get(write, "redis-cmds/op"))
			}
		}
	}
	first := true
	for _, name := range rs.order {
		if !strings.HasPrefix(name, "BenchmarkRedisMemory/") {
			continue
		}
		if first {
			p("\n## Redis memory per session (BenchmarkRedisMemory)\n\n")
			p("INFO `used_memory` before and after storing 100,000 sessions (43-character keys under\n")
			p("`scs:session:`, one hour to live), per codec and session size.\n\n")
			p("| variant | encoded B | Redis B/session | MB per 100,000 |\n|---|---:|---:|---:|\n")
			first = false
		}
		p("| %s | %.0f | %.0f | %.1f |\n", strings.TrimPrefix(name, "BenchmarkRedisMemory/"),
			rs.get(name, "blob-B"), rs.get(name, "B/session"), rs.get(name, "MB/100k"))
	}
}

func dash(v float64) string {
	if v == 0 {
		return "–"
	}
	return strconv.FormatFloat(v, 'f', 0, 64)
}

func runsOf(rs *results) int {
	for _, r := range rs.byName {
		return r.runs
	}
	return 0
}

func requestTable(b *strings.Builder, rs *results, prefix string) {
	fmt.Fprintf(b, "| variant/op | ns/op | throughput vs scs | vs floor | redis-cmds/op | allocs/op |\n|---|---:|---:|---:|---:|---:|\n")
	for _, name := range rs.order {
		if !strings.HasPrefix(name, prefix+"/") {
			continue
		}
		parts := strings.Split(name, "/")
		op := parts[len(parts)-1]
		ns := rs.get(name, "ns/op")
		fmt.Fprintf(b, "| %s | %.0f | %.2f× | %.0f%% | %.2f | %.0f |\n", strings.TrimPrefix(name, prefix+"/"), ns,
			ratio(rs.get(prefix+"/scs-gob-redisstore/"+op, "ns/op"), ns),
			100*ratio(rs.get(prefix+"/floor/"+op, "ns/op"), ns),
			rs.get(name, "redis-cmds/op"), rs.get(name, "allocs/op"))
	}
}

// writeSVG draws end-to-end throughput relative to scs-gob-redisstore for
// each variant and operation: grouped horizontal bars.
func writeSVG(path string, rs *results) error {
	variants := []string{"floor", "scs-gob-redisstore", "sessionkit-json", "sessionkit-msgpack"}
	colours := []string{"#9e9e9e", "#d95f02", "#7570b3", "#1b9e77"}
	ops := []string{"read", "write", "read-idle"}
	const (
		left, barH, gap, groupGap, width = 150, 16, 4, 22, 640
	)
	maxV := 0.0
	for _, op := range ops {
		for _, v := range variants {
			maxV = max(maxV, ratio(rs.get("BenchmarkRequest/scs-gob-redisstore/"+op, "ns/op"), rs.get("BenchmarkRequest/"+v+"/"+op, "ns/op")))
		}
	}
	if maxV == 0 {
		maxV = 1
	}
	scale := float64(width-left-70) / maxV
	height := 50 + len(ops)*(len(variants)*(barH+gap)+groupGap) + 30
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" font-size="12">`+"\n", width, height)
	fmt.Fprintf(&b, `<rect width="100%%" height="100%%" fill="white"/>`+"\n")
	fmt.Fprintf(&b, `<text x="10" y="20" font-size="14" font-weight="bold">End-to-end throughput relative to scs-gob-redisstore (higher is better)</text>`+"\n")
	y := 40
	for _, op := range ops {
		fmt.Fprintf(&b, `<text x="10" y="%d" font-weight="bold">%s</text>`+"\n", y+12, op)
		for i, v := range variants {
			r := ratio(rs.get("BenchmarkRequest/scs-gob-redisstore/"+op, "ns/op"), rs.get("BenchmarkRequest/"+v+"/"+op, "ns/op"))
			w := int(r * scale)
			fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end">%s</text>`, left-6, y+barH-4, html.EscapeString(v))
			fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" fill="%s"/>`, left, y, w, barH, colours[i])
			fmt.Fprintf(&b, `<text x="%d" y="%d">%.2f×</text>`+"\n", left+w+4, y+barH-4, r)
			y += barH + gap
		}
		y += groupGap
	}
	x1 := left + int(scale)
	fmt.Fprintf(&b, `<line x1="%d" y1="32" x2="%d" y2="%d" stroke="#333" stroke-dasharray="3,3"/>`+"\n", x1, x1, y-groupGap+4)
	fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle">1× = scs</text>`+"\n", x1, y)
	b.WriteString("</svg>\n")
	return os.WriteFile(path, []byte(b.String()), 0o644)
}

func main() {
	in := flag.String("in", "benchmarks/results.txt", "go test -bench output")
	md := flag.String("md", "docs/benchmarks.md", "markdown report to write")
	svg := flag.String("svg", "docs/benchmarks.svg", "SVG chart to write")
	flag.Parse()
	rs, err := parse(*in)
	if err != nil {
		log.Fatal(err)
	}
	if len(rs.order) == 0 {
		log.Fatalf("report: no benchmark results in %s", *in)
	}
	if err := writeSVG(*svg, rs); err != nil {
		log.Fatal(err)
	}
	svgName := (*svg)[strings.LastIndexByte(*svg, '/')+1:]
	if err := writeMarkdown(*md, svgName, rs); err != nil {
		log.Fatal(err)
	}
	failed := 0
	for _, t := range targets(rs) {
		if !t.ok() {
			failed++
			fmt.Fprintf(os.Stderr, "report: target not met: %s: %s\n", t.what, fmtTarget(t, t.measured))
		}
	}
	fmt.Printf("report: wrote %s and %s (%d of %d targets met)\n", *md, *svg, len(targets(rs))-failed, len(targets(rs)))
}
