package main

import (
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
)

// writeGrowthSVG draws BenchmarkGrowth's throughput against concurrent
// clients (both axes logarithmic), one panel per operation: a colour per
// session size, a solid line for the single node and a dashed one for the
// cluster.
func writeGrowthSVG(path string, rs *results) error {
	g := growthOf(rs)
	colours := []string{"#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e"}
	topos := []struct{ name, dash string }{{"single", ""}, {"cluster", `stroke-dasharray="6,4"`}}
	ops := []string{"read", "write"}
	const (
		panelW, panelH, marginL, marginT, gapX = 360, 280, 70, 50, 90
	)
	width := marginL + len(ops)*(panelW+gapX)
	height := marginT + panelH + 110

	// One y range for both panels, so they compare at a glance.
	var xs []float64
	for _, c := range g.clients {
		if v, err := strconv.ParseFloat(c, 64); err == nil && v > 0 {
			xs = append(xs, v)
		}
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, t := range topos {
		for _, size := range g.sizes {
			for _, op := range ops {
				for _, c := range g.clients {
					if v := g.get(rs, t.name, size, op, c, "req/s"); v > 0 {
						lo, hi = min(lo, v), max(hi, v)
					}
				}
			}
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" font-size="12">`+"\n", width, height)
	fmt.Fprintf(&b, `<rect width="100%%" height="100%%" fill="white"/>`+"\n")
	fmt.Fprintf(&b, `<text x="10" y="20" font-size="14" font-weight="bold">Requests/s vs concurrent clients, by session size: single node (solid) vs 3-master cluster (dashed)</text>`+"\n")
	if len(xs) == 0 || math.IsInf(lo, 0) {
		fmt.Fprintf(&b, `<text x="10" y="60">not measured in this run</text>`+"\n</svg>\n")
		return os.WriteFile(path, []byte(b.String()), 0o644)
	}
	yTicks := logTicks(lo, hi)
	yLo, yHi := math.Log10(yTicks[0]), math.Log10(yTicks[len(yTicks)-1])
	xLo, xHi := math.Log2(xs[0]), math.Log2(xs[len(xs)-1])
	if xHi == xLo {
		xHi = xLo + 1
	}
	for i, op := range ops {
		x0 := marginL + i*(panelW+gapX)
		px := func(c float64) float64 { return float64(x0) + (math.Log2(c)-xLo)/(xHi-xLo)*panelW }
		py := func(v float64) float64 { return float64(marginT+panelH) - (math.Log10(v)-yLo)/(yHi-yLo)*panelH }
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-weight="bold" text-anchor="middle">%s</text>`+"\n", x0+panelW/2, marginT-10, op)
		for _, t := range yTicks {
			y := py(t)
			fmt.Fprintf(&b, `<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#ddd"/>`, x0, y, x0+panelW, y)
			fmt.Fprintf(&b, `<text x="%d" y="%.1f" text-anchor="end">%s</text>`+"\n", x0-4, y+4, short(t))
		}
		for _, c := range xs {
			x := px(c)
			fmt.Fprintf(&b, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#ddd"/>`, x, marginT, x, marginT+panelH)
			fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="middle">%s</text>`+"\n", x, marginT+panelH+16, short(c))
		}
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" fill="none" stroke="#333"/>`+"\n", x0, marginT, panelW, panelH)
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle">concurrent clients</text>`+"\n", x0+panelW/2, marginT+panelH+34)
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle" transform="rotate(-90 %d %d)">requests/s</text>`+"\n",
			x0-48, marginT+panelH/2, x0-48, marginT+panelH/2)
		for si, size := range g.sizes {
			colour := colours[si%len(colours)]
			for _, t := range topos {
				var pts []string
				for _, c := range g.clients {
					cv, err := strconv.ParseFloat(c, 64)
					v := g.get(rs, t.name, size, op, c, "req/s")
					if err != nil || cv <= 0 || !(v > 0) {
						continue
					}
					pts = append(pts, fmt.Sprintf("%.1f,%.1f", px(cv), py(v)))
					fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="3" fill="%s"/>`, px(cv), py(v), colour)
				}
				if len(pts) > 1 {
					fmt.Fprintf(&b, `<polyline points="%s" fill="none" stroke="%s" stroke-width="2" %s/>`+"\n", strings.Join(pts, " "), colour, t.dash)
				}
			}
		}
	}
	// Legend: sizes by colour, topologies by line style.
	ly := marginT + panelH + 60
	x := marginL
	for si, size := range g.sizes {
		fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" stroke-width="3"/>`, x, ly, x+24, ly, colours[si%len(colours)])
		fmt.Fprintf(&b, `<text x="%d" y="%d">%s session</text>`+"\n", x+30, ly+4, size)
		x += 130
	}
	ly += 22
	x = marginL
	for _, t := range topos {
		fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#333" stroke-width="2" %s/>`, x, ly, x+24, ly, t.dash)
		label := "single redis-server"
		if t.name == "cluster" {
			label = "3-master cluster (3 replicas)"
		}
		fmt.Fprintf(&b, `<text x="%d" y="%d">%s</text>`+"\n", x+30, ly+4, label)
		x += 230
	}
	b.WriteString("</svg>\n")
	return os.WriteFile(path, []byte(b.String()), 0o644)
}

// logTicks are the 1-2-5 steps from the largest at or below lo to the
// smallest at or above hi.
func logTicks(lo, hi float64) []float64 {
	var all []float64
	for e := math.Floor(math.Log10(lo)); len(all) == 0 || all[len(all)-1] < hi; e++ {
		for _, m := range []float64{1, 2, 5} {
			all = append(all, m*math.Pow(10, e))
		}
	}
	start, end := 0, len(all)-1
	for i, t := range all {
		if t <= lo {
			start = i
		}
	}
	for i := len(all) - 1; i >= 0; i-- {
		if all[i] >= hi {
			end = i
		}
	}
	return all[start : end+1]
}

// short writes 1500 as "1.5k", 20000 as "20k".
func short(v float64) string {
	switch {
	case v >= 1e6:
		return strconv.FormatFloat(v/1e6, 'f', -1, 64) + "M"
	case v >= 1e3:
		return strconv.FormatFloat(v/1e3, 'f', -1, 64) + "k"
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}
