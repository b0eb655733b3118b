package rediscmd

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

// argBytes returns argument i of a as bytes, as redigo would write it.
func argBytes(t *testing.T, a *Args, i int) string {
	t.Helper()
	switch v := a.List()[i].(type) {
	case []byte:
		return string(v)
	case string:
		return v
	default:
		return fmt.Sprint(v)
	}
}

// TestArgsReusedBoxShowsNewContent: an Args from the pool reuses its
// buffers and their boxes; each command must still carry its own key,
// number and blob, whether the length changed or not.
func TestArgsReusedBoxShowsNewContent(t *testing.T) {
	for _, c := range []struct{ token, blob string }{
		{"aaaa", "first blob"},
		{"bbbb", "other blob"}, // same lengths: the boxes are reused
		{"cc", "a longer blob than before"},
		{"dddddddddddd", ""},
	} {
		a := NewArgs().Key("p:", c.token, ":s").Int(int64(len(c.token)) * 1000).Bytes([]byte(c.blob)).Add("PX")
		want := []string{"p:" + c.token + ":s", fmt.Sprint(len(c.token) * 1000), c.blob, "PX"}
		if a.Len() != len(want) {
			t.Fatalf("%d arguments, want %d", a.Len(), len(want))
		}
		for i, w := range want {
			if got := argBytes(t, a, i); got != w {
				t.Errorf("argument %d = %q, want %q", i, got, w)
			}
		}
		a.Release()
	}
}

// TestArgsBeyondBuffers: more arguments than an Args has room or buffers
// for, and a blob too large to copy, still come out right.
func TestArgsBeyondBuffers(t *testing.T) {
	big := bytes.Repeat([]byte("x"), maxCopy+1)
	a := NewArgs()
	defer a.Release()
	var want []string
	for i := 0; i < maxArgs+3; i++ {
		a.Key("k", fmt.Sprint(i), "")
		want = append(want, "k"+fmt.Sprint(i))
	}
	a.Bytes(big).Int(-42)
	want = append(want, string(big), "-42")
	for i, w := range want {
		if got := argBytes(t, a, i); got != w {
			t.Errorf("argument %d = %.20q, want %.20q", i, got, w)
		}
	}
	if b, ok := a.List()[len(want)-2].([]byte); !ok || &b[0] != &big[0] {
		t.Error("a blob over maxCopy was copied; want the caller's slice")
	}
}

// TestArgsReleaseDropsValues: a released Args keeps no reference to the
// values it carried.
func TestArgsReleaseDropsValues(t *testing.T) {
	a := NewArgs()
	a.Add(strings.Repeat("v", 10)).Add([]byte("w"))
	a.Release()
	for i, v := range a.array {
		if v != nil {
			t.Errorf("array[%d] = %v after Release", i, v)
		}
	}
}

// TestArgsAllocations: once its buffers have grown, building a session
// command's arguments allocates nothing. One Args is reused without the
// pool, which the race detector empties at random.
func TestArgsAllocations(t *testing.T) {
	blob := bytes.Repeat([]byte("b"), 186)
	a := NewArgs()
	defer a.Release()
	build := func() {
		a.reset()
		a.Add("sha").Add(1).Key("scs:session:", "0123456789abcdef0123456789abcdef0123456789a", "").
			Bytes(blob).Bytes(blob).Int(3600000)
	}
	build()
	if n := testing.AllocsPerRun(100, build); n != 0 {
		t.Errorf("building the arguments allocated %v times per command, want 0", n)
	}
}
