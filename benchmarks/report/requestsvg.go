package main

import (
	"fmt"
	"html"
	"math"
	"os"
	"strings"
)

// writeRequestSVG draws end-to-end throughput (BenchmarkRequest) relative
// to scs-gob-redisstore for each variant and operation: grouped horizontal
// bars.
func writeRequestSVG(path string, rs *results) error {
	variants := []string{"floor", "scs-gob-redisstore", "sessionkit-json", "sessionkit-msgpack"}
	colours := []string{"#9e9e9e", "#d95f02", "#7570b3", "#1b9e77"}
	ops := []string{"read", "write", "read-idle", "nocookie"}
	const (
		left, barH, gap, groupGap, width = 150, 16, 4, 22, 640
	)
	rel := func(op, v string) float64 {
		r := rs.relative("BenchmarkRequest", v, op, "scs-gob-redisstore")
		if math.IsNaN(r) || math.IsInf(r, 0) {
			return 0 // not measured: no bar
		}
		return r
	}
	maxV := 0.0
	for _, op := range ops {
		for _, v := range variants {
			maxV = max(maxV, rel(op, v))
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
	// The 1× line first, so that bars and figures are drawn over it.
	x1, yEnd := left+int(scale), height-40-groupGap+4
	fmt.Fprintf(&b, `<line x1="%d" y1="32" x2="%d" y2="%d" stroke="#333" stroke-dasharray="3,3"/>`+"\n", x1, x1, yEnd)
	fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle">1× = scs</text>`+"\n", x1, yEnd+groupGap-4)
	y := 40
	for _, op := range ops {
		fmt.Fprintf(&b, `<text x="10" y="%d" font-weight="bold">%s</text>`+"\n", y+12, op)
		for i, v := range variants {
			r := rel(op, v)
			w := int(r * scale)
			fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end">%s</text>`, left-6, y+barH-4, html.EscapeString(v))
			fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" fill="%s"/>`, left, y, w, barH, colours[i])
			if r > 0 {
				fmt.Fprintf(&b, `<text x="%d" y="%d">%.2f×</text>`+"\n", left+w+4, y+barH-4, r)
			} else {
				fmt.Fprintf(&b, `<text x="%d" y="%d">not measured</text>`+"\n", left+4, y+barH-4)
			}
			y += barH + gap
		}
		y += groupGap
	}
	b.WriteString("</svg>\n")
	return os.WriteFile(path, []byte(b.String()), 0o644)
}
