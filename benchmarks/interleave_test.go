package benchmarks

import (
	"fmt"
	"slices"
	"testing"
)

// TestPermutations: interleave's rounds go through every order of the
// sides, each once, so that each side follows each other equally often.
func TestPermutations(t *testing.T) {
	for n, want := range map[int]int{1: 1, 2: 2, 3: 6} {
		seen := map[string]bool{}
		for _, p := range permutations(n) {
			sorted := slices.Sorted(slices.Values(p))
			for i, v := range sorted {
				if v != i {
					t.Fatalf("permutations(%d): %v is not an order of 0..%d", n, p, n-1)
				}
			}
			seen[fmt.Sprint(p)] = true
		}
		if len(seen) != want || len(permutations(n)) != want {
			t.Errorf("permutations(%d): %d orders, %d distinct; want %d", n, len(permutations(n)), len(seen), want)
		}
	}
	// Over the six rounds of three sides, each side directly follows each
	// other side within a round twice.
	follows := map[[2]int]int{}
	for _, p := range permutations(3) {
		for i := 1; i < len(p); i++ {
			follows[[2]int{p[i-1], p[i]}]++
		}
	}
	for a := range 3 {
		for b := range 3 {
			if a != b && follows[[2]int{a, b}] != 2 {
				t.Errorf("side %d follows side %d %d times in a cycle, want 2", b, a, follows[[2]int{a, b}])
			}
		}
	}
}
