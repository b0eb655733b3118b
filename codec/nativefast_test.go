package codec

import (
	"encoding/binary"
	"math"
	"math/rand/v2"
	"reflect"
	"strconv"
	"testing"
)

// TestNativeMsgpackMatches: wherever nativeMsgpack decodes an entry, it
// yields exactly what native's general path (msgpack's decoder) yields —
// same type, same value — over canonical and non-canonical encodings of
// every kind it covers, truncated and padded bytes included; and it does
// decide the encodings msgpack's encoder writes.
func TestNativeMsgpackMatches(t *testing.T) {
	var cases [][]byte
	be16 := func(c byte, n uint16) []byte { return binary.BigEndian.AppendUint16([]byte{c}, n) }
	be32 := func(c byte, n uint32) []byte { return binary.BigEndian.AppendUint32([]byte{c}, n) }
	be64 := func(c byte, n uint64) []byte { return binary.BigEndian.AppendUint64([]byte{c}, n) }
	rng := rand.New(rand.NewPCG(1, 2))
	for range 300 {
		n := rng.Uint64()
		for _, shift := range []uint{0, 33, 49, 57, 60, 63} {
			x := n >> shift
			cases = append(cases, []byte{byte(x)}, []byte{0xcc, byte(x)}, []byte{0xd0, byte(x)},
				be16(0xcd, uint16(x)), be16(0xd1, uint16(x)), be32(0xce, uint32(x)), be32(0xd2, uint32(x)),
				be64(0xcf, x), be64(0xd3, x), be64(0xcb, x), be32(0xca, uint32(x)))
		}
		s := make([]byte, rng.IntN(40))
		for i := range s {
			s[i] = byte(rng.IntN(256))
		}
		cases = append(cases, append([]byte{0xa0 | byte(len(s)&0x1f)}, s...),
			append([]byte{0xd9, byte(len(s))}, s...), append(be16(0xda, uint16(len(s))), s...),
			append(be32(0xdb, uint32(len(s))), s...), append([]byte{0xc4, byte(len(s))}, s...))
	}
	cases = append(cases, []byte{0xc0}, []byte{0xc2}, []byte{0xc3}, []byte{0xc3, 0}, []byte{0xd9}, []byte{0xda, 0}, []byte{0xdb, 0, 0, 0})
	var extra [][]byte
	for _, c := range cases {
		extra = append(extra, append(append([]byte{}, c...), 0), c[:len(c)-1])
	}
	cases = append(cases, extra...)

	kinds := []reflect.Kind{reflect.Int, reflect.Int64, reflect.String, reflect.Bool, reflect.Float64}
	decided := map[reflect.Kind]int{}
	for _, data := range cases {
		for _, k := range kinds {
			v := &Value{f: msgpackFormat, kind: k, plain: true, data: data}
			fast, ok := nativeMsgpack(v)
			if !ok {
				continue
			}
			decided[k]++
			slow, err := nativeReflect(v)
			if err != nil {
				t.Errorf("% x as %s: fast path gave %#v, msgpack fails: %v", data, k, fast, err)
				continue
			}
			if reflect.TypeOf(fast) != reflect.TypeOf(slow) || !sameNative(fast, slow) {
				t.Errorf("% x as %s: fast path gave %#v (%T), msgpack %#v (%T)", data, k, fast, fast, slow, slow)
			}
		}
	}
	// What the encoder writes must take the fast path.
	for _, v := range []any{0, 42, -1, 300, math.MaxInt64, math.MinInt64, int64(-40000), "", "Signed in.", string(make([]byte, 70000)), true, false, 1.5, math.Inf(-1)} {
		val, err := Msgpack().Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := nativeMsgpack(val)
		if !ok || !sameNative(got, v) {
			t.Errorf("%#v: fast path gave %#v, %v", v, got, ok)
		}
	}
	for _, k := range kinds {
		if decided[k] == 0 {
			t.Errorf("no case of kind %s took the fast path", k)
		}
	}
}

// sameNative compares decoded natives, NaN equal to NaN.
func sameNative(a, b any) bool {
	if fa, ok := a.(float64); ok {
		fb, ok := b.(float64)
		return ok && (fa == fb || math.IsNaN(fa) && math.IsNaN(fb))
	}
	return a == b
}

// TestNativeAllocations: a small int costs no allocation, a string two.
func TestNativeAllocations(t *testing.T) {
	for _, c := range []struct {
		v    any
		want float64
	}{{42, 0}, {"Signed in.", 2}, {true, 0}} {
		for _, cd := range []Codec{Msgpack(), JSON()} {
			val, err := cd.Marshal(c.v)
			if err != nil {
				t.Fatal(err)
			}
			if got := testing.AllocsPerRun(100, func() { _, _ = native(val) }); got > c.want {
				t.Errorf("%s: native(%#v): %v allocations, want at most %v", cd.Name(), c.v, got, c.want)
			}
		}
	}
}

// TestNativeJSONMatches: wherever nativeJSON decodes an entry, it yields
// exactly what encoding/json (native's general path) yields, over valid
// and invalid JSON of every kind it covers; and it decides what the JSON
// codec writes for ints, plain strings and bools.
func TestNativeJSONMatches(t *testing.T) {
	cases := []string{"0", "-0", "00", "01", "-", "", "1e3", "1.0", "1.5", " 1", "1 ", "+1",
		"9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809",
		`""`, `"a"`, `"\n"`, `"\u00e9"`, `"é"`, "\"\xff\"", `"a\"b"`, `"tab	"`, `"`, `"a`, `a"`, `"<&>"`,
		"\"\u2028\"", "true", "false", "null", "True", "tru", `"true"`}
	rng := rand.New(rand.NewPCG(3, 4))
	for range 500 {
		n := rng.Int64() >> rng.UintN(64)
		if rng.IntN(2) == 0 {
			n = -n
		}
		cases = append(cases, strconv.FormatInt(n, 10))
		s := make([]byte, rng.IntN(12))
		for i := range s {
			s[i] = byte(rng.IntN(256))
		}
		cases = append(cases, `"`+string(s)+`"`)
	}
	kinds := []reflect.Kind{reflect.Int, reflect.Int64, reflect.String, reflect.Bool}
	decided := map[reflect.Kind]int{}
	for _, c := range cases {
		for _, k := range kinds {
			v := &Value{f: jsonFormat, kind: k, plain: true, data: []byte(c)}
			fast, ok := nativeJSON(v)
			if !ok {
				continue
			}
			decided[k]++
			slow, err := nativeReflect(v)
			if err != nil {
				t.Errorf("%q as %s: fast path gave %#v, encoding/json fails: %v", c, k, fast, err)
				continue
			}
			if reflect.TypeOf(fast) != reflect.TypeOf(slow) || fast != slow {
				t.Errorf("%q as %s: fast path gave %#v (%T), encoding/json %#v (%T)", c, k, fast, fast, slow, slow)
			}
		}
	}
	for _, v := range []any{0, 42, -1, math.MaxInt64, math.MinInt64, int64(-40000), "", "Signed in.", "<a href>", true, false} {
		val, err := JSON().Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := nativeJSON(val)
		if !ok || got != v {
			t.Errorf("%#v: fast path gave %#v, %v", v, got, ok)
		}
	}
	for _, k := range kinds {
		if decided[k] == 0 {
			t.Errorf("no case of kind %s took the fast path", k)
		}
	}
}
