package typed

import "testing"

// Reading a value the session already holds decoded must not allocate:
// it is every typed.Get of a basic value.
func TestAsDecodedAllocatesNothing(t *testing.T) {
	var v any = 1000
	if n := testing.AllocsPerRun(100, func() {
		if got, err := as[int]("visits", v); err != nil || got != 1000 {
			t.Fatalf("as[int] = %v, %v", got, err)
		}
	}); n != 0 {
		t.Fatalf("as[int] of a decoded int: %.0f allocations, want 0", n)
	}
}
