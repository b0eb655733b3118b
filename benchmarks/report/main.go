// Command report turns `go test -bench` output from package benchmarks into
// docs/benchmarks.md (tables, the targets as ratios measured in the same
// run, the machine) and two SVG charts: end-to-end throughput against scs
// (docs/benchmarks.svg) and how throughput grows with clients, session
// size and topology (docs/benchmarks-growth.svg). benchmarks/run.sh (make
// bench) runs the benchmarks and then this. Nothing in the output is
// typed in: a figure the run lacks shows as "–" or "not measured", and
// its target as not met.
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
)

func main() {
	in := flag.String("in", "benchmarks/results.txt", "go test -bench output")
	md := flag.String("md", "docs/benchmarks.md", "markdown report to write")
	svg := flag.String("svg", "docs/benchmarks.svg", "SVG chart of end-to-end throughput to write")
	growthSVG := flag.String("growth-svg", "docs/benchmarks-growth.svg", "SVG chart of how throughput grows to write")
	flag.Parse()
	rs, err := parse(*in)
	if err != nil {
		log.Fatal(err)
	}
	if len(rs.order) == 0 {
		log.Fatalf("report: no benchmark results in %s", *in)
	}
	if err := writeRequestSVG(*svg, rs); err != nil {
		log.Fatal(err)
	}
	if err := writeGrowthSVG(*growthSVG, rs); err != nil {
		log.Fatal(err)
	}
	// The markdown links the charts relative to itself.
	rel := func(p string) string {
		r, err := filepath.Rel(filepath.Dir(*md), p)
		if err != nil {
			return p
		}
		return filepath.ToSlash(r)
	}
	if err := writeMarkdown(*md, charts{requests: rel(*svg), growth: rel(*growthSVG)}, rs); err != nil {
		log.Fatal(err)
	}
	ts := targets(rs)
	failed := 0
	for _, t := range ts {
		if !t.ok() {
			failed++
			fmt.Fprintf(os.Stderr, "report: target not met: %s: %s\n", t.what, fmtTarget(t, t.measured))
		}
	}
	fmt.Printf("report: wrote %s, %s and %s (%d of %d targets met)\n", *md, *svg, *growthSVG, len(ts)-failed, len(ts))
}
