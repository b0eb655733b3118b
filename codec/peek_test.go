package codec

import (
	"reflect"
	"testing"
	"time"
)

// checkPeek: wherever Decode reads b, peek must give Decode's deadline and
// value under key — the manager uses it in place of scs's getters.
func checkPeek(t *testing.T, b []byte, key string) {
	t.Helper()
	deadline, values, err := Msgpack().Decode(b)
	if err != nil || !hasMarker(b) {
		return // the manager peeks only at blobs Load has decoded
	}
	d, v, ok := peek(b, key)
	if !ok {
		t.Fatalf("peek refused a blob Decode reads: %q", b)
	}
	if !d.Equal(deadline) {
		t.Fatalf("peek deadline %v, Decode %v", d, deadline)
	}
	want := values[key]
	if _, lazy := want.(*Value); lazy {
		want = nil // peek leaves encoded values alone
		if v != nil {
			t.Fatalf("peek decoded %q, which Decode leaves encoded", key)
		}
	}
	if !reflect.DeepEqual(v, want) {
		t.Fatalf("peek %q = %#v, Decode %#v", key, v, want)
	}
}

func TestPeekMatchesDecode(t *testing.T) {
	for _, c := range []Codec{Msgpack(), JSON(), Gob()} {
		for _, vals := range []map[string]any{
			{},
			{"__rememberMe": true},
			{"__rememberMe": false, "user": struct{ N string }{"x"}},
			{"user": []string{"a"}, "__rememberMe": true, "n": 3},
			{"__rememberMe": "yes"},
		} {
			for _, d := range []time.Time{{}, time.Now().Add(time.Hour)} {
				b, err := c.Encode(d, vals)
				if err != nil {
					t.Fatal(err)
				}
				checkPeek(t, b, "__rememberMe")
				checkPeek(t, b, "n")
				d2, v, ok := peek(b, "__rememberMe")
				if !ok || !d2.Equal(d) || v != vals["__rememberMe"] {
					t.Fatalf("%v: peek = %v, %#v, %v; want %v, %#v", vals, d2, v, ok, d, vals["__rememberMe"])
				}
			}
		}
	}
	if _, _, ok := peek([]byte("not a blob"), "k"); ok {
		t.Fatal("peek accepted a foreign blob")
	}
	// Without the key (no RememberMe, the usual case) nothing is decoded.
	b, _ := Msgpack().Encode(time.Now(), map[string]any{"user": "ada", "n": 3})
	if n := testing.AllocsPerRun(100, func() { peek(b, "__rememberMe") }); n != 0 {
		t.Fatalf("peek: %.0f allocations, want 0", n)
	}
}

func FuzzPeek(f *testing.F) {
	b, _ := Msgpack().Encode(time.Now(), map[string]any{"__rememberMe": true, "n": 1})
	f.Add(b)
	f.Fuzz(func(t *testing.T, b []byte) {
		checkPeek(t, b, "__rememberMe")
		checkPeek(t, b, "n")
	})
}
