package benchmarks

import (
	"testing"
)

// TestRoundOrders: interleave's cycle of burst orders, read as one
// sequence that wraps around, puts each side directly after each other
// side equally often and never after itself, and (three sides) each side
// in each position equally often.
func TestRoundOrders(t *testing.T) {
	for _, n := range []int{2, 3} {
		orders := roundOrders(n)
		var seq []int
		position := map[[2]int]int{}
		for _, o := range orders {
			if len(o) != n {
				t.Fatalf("roundOrders(%d): %v has %d sides", n, o, len(o))
			}
			seen := map[int]bool{}
			for at, side := range o {
				if side < 0 || side >= n || seen[side] {
					t.Fatalf("roundOrders(%d): %v is not an order of 0..%d", n, o, n-1)
				}
				seen[side] = true
				position[[2]int{side, at}]++
			}
			seq = append(seq, o...)
		}
		follows := map[[2]int]int{}
		for i := range seq {
			follows[[2]int{seq[i], seq[(i+1)%len(seq)]}]++
		}
		want := len(seq) / (n * (n - 1))
		for a := range n {
			for b := range n {
				if got := follows[[2]int{a, b}]; a == b && got != 0 || a != b && got != want {
					t.Errorf("roundOrders(%d): side %d follows side %d %d times per cycle", n, b, a, got)
				}
			}
			for at := range n {
				// Two sides simply alternate: position is no matter.
				if got := position[[2]int{a, at}]; n > 2 && got*n != len(orders) {
					t.Errorf("roundOrders(%d): side %d at position %d %d times in %d rounds", n, a, at, got, len(orders))
				}
			}
		}
	}
}
