package codec

import (
	"strings"
	"testing"
	"time"
	"unsafe"
)

// freshKeyNames empties the interned names for one test.
func freshKeyNames(t *testing.T) {
	old := keyNames.m.Swap(nil)
	t.Cleanup(func() { keyNames.m.Store(old) })
}

func TestDecodeSharesKeyNames(t *testing.T) {
	freshKeyNames(t)
	c := Msgpack()
	b, err := c.Encode(time.Now(), map[string]any{"keynames-test-user": 1, "keynames-test-flash": "hi"})
	if err != nil {
		t.Fatal(err)
	}
	_, first, err := c.Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	_, second, err := c.Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	for k := range first {
		found := false
		for k2 := range second {
			if k2 == k {
				found = true
				if unsafe.StringData(k2) != unsafe.StringData(k) {
					t.Errorf("key %q decoded into a new string each time", k)
				}
			}
		}
		if !found {
			t.Fatalf("key %q lost in the second decode", k)
		}
	}
	if n := testing.AllocsPerRun(100, func() { keyName([]byte("keynames-test-user")) }); n != 0 {
		t.Fatalf("keyName of a known name: %.0f allocations, want 0", n)
	}
}

func TestKeyNamesBounded(t *testing.T) {
	freshKeyNames(t)
	for i := 0; i < 2*maxKeyNames; i++ {
		name := strings.Repeat("k", i%maxKeyNameLen) + string(rune('a'+i%26)) + strings.Repeat("z", i/26)
		if got := keyName([]byte(name)); got != name {
			t.Fatalf("keyName(%q) = %q", name, got)
		}
	}
	long := strings.Repeat("x", maxKeyNameLen+1)
	if got := keyName([]byte(long)); got != long {
		t.Fatalf("long name changed: %q", got)
	}
	if n := len(*keyNames.m.Load()); n > maxKeyNames {
		t.Fatalf("keyNames holds %d names, more than %d", n, maxKeyNames)
	}
	if _, ok := (*keyNames.m.Load())[long]; ok {
		t.Fatal("a name longer than maxKeyNameLen was interned")
	}
}
