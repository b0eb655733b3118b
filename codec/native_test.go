package codec_test

import (
	"bytes"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/sessionkit/sessionkit/codec"
)

type role string

type cents int64

// shout has its own text encoding: its bytes do not mean a plain string.
type shout string

func (s shout) MarshalText() ([]byte, error) { return []byte(strings.ToUpper(string(s))), nil }
func (s *shout) UnmarshalText(b []byte) error {
	*s = shout(strings.ToLower(string(b)))
	return nil
}

// TestDecodeNative is issue 10 item 1 (codec part): after a round trip,
// bools, strings, numbers, []byte and time.Time are native Go values of
// the predeclared type, which scs's getters assert; composite values and
// types with their own encoding stay lazy.
func TestDecodeNative(t *testing.T) {
	when := time.Date(2026, 11, 28, 17, 0, 0, 123, time.UTC)
	in := map[string]any{
		"bool": true, "string": "s", "int": -7, "int8": int8(-8), "int16": int16(-16), "int32": int32(-32),
		"int64": int64(-64), "uint": uint(7), "uint8": uint8(8), "uint16": uint16(16), "uint32": uint32(32),
		"uint64": uint64(1 << 63), "float32": float32(1.5), "float64": 2.25, "bytes": []byte{0, 1, 0xff},
		"time": when, "role": role("admin"), "cents": cents(1999),
	}
	want := map[string]any{"role": "admin", "cents": int64(1999)} // named types come back predeclared
	lazy := map[string]any{"struct": item{"a", 1}, "slice": []string{"x"}, "map": map[string]int{"k": 1},
		"shout": shout("hey"), "ptr": &item{"p", 2}}
	for _, c := range all() {
		t.Run(c.Name(), func(t *testing.T) {
			values := map[string]any{}
			for k, v := range in {
				values[k] = v
			}
			for k, v := range lazy {
				values[k] = v
			}
			b, err := c.Encode(time.Time{}, values)
			if err != nil {
				t.Fatal(err)
			}
			_, got, err := c.Decode(b)
			if err != nil {
				t.Fatal(err)
			}
			for k, v := range in {
				w, ok := want[k]
				if !ok {
					w = v
				}
				g := got[k]
				if tm, ok := g.(time.Time); ok && tm.Equal(when) {
					continue
				}
				if reflect.TypeOf(g) != reflect.TypeOf(w) || !reflect.DeepEqual(g, w) {
					t.Errorf("%s: decoded %#v (%T), want native %#v (%T)", k, g, g, w, w)
				}
			}
			for k := range lazy {
				if _, ok := got[k].(*codec.Value); !ok {
					t.Errorf("%s: decoded %#v, want a lazy *codec.Value", k, got[k])
				}
			}
			// Re-encoding native values gives a blob that decodes the same.
			b2, err := c.Encode(time.Time{}, got)
			if err != nil {
				t.Fatal(err)
			}
			_, got2, err := c.Decode(b2)
			if err != nil || len(got2) != len(got) {
				t.Fatalf("re-encoded: %d values, %v", len(got2), err)
			}
			if !bytes.Equal(got2["bytes"].([]byte), []byte{0, 1, 0xff}) || got2["cents"] != int64(1999) {
				t.Errorf("re-encoded values: %#v", got2)
			}
		})
	}
}

// TestNativeFloatAcrossCodecs: a NaN stored by msgpack loads as a native
// float64; a JSON codec (which cannot write NaN) still commits the session
// and the value survives.
func TestNativeFloatAcrossCodecs(t *testing.T) {
	b, err := codec.Msgpack().Encode(time.Time{}, map[string]any{"f": math.NaN(), "n": 1})
	if err != nil {
		t.Fatal(err)
	}
	_, values, err := codec.JSON().Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	again, err := codec.JSON().Encode(time.Time{}, values)
	if err != nil {
		t.Fatalf("JSON re-encoding a session loaded with a NaN: %v", err)
	}
	_, values, err = codec.JSON().Decode(again)
	if f, ok := values["f"].(float64); err != nil || !ok || !math.IsNaN(f) || values["n"] != 1 {
		t.Fatalf("after the round trip: %#v, %v", values, err)
	}
	if _, err := codec.JSON().Marshal(math.NaN()); !errors.Is(err, codec.ErrEncode) {
		t.Errorf("Marshal(NaN) with JSON: %v, want ErrEncode (Put reports it)", err)
	}
}
