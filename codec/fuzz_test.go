package codec_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/sessionkit/sessionkit/codec"
)

// FuzzDecode feeds arbitrary bytes to every codec's Decode. It must never
// panic; a blob it accepts must re-encode (carrying the values' bytes) and
// decode again to the same keys, and decoding each value must not panic.
func FuzzDecode(f *testing.F) {
	for _, c := range all() {
		for _, values := range []map[string]any{
			{},
			{"n": 1, "s": "x", "__rememberMe": true},
			{"cart": []item{{"a", 1}}, "m": map[string]int{"k": 2}, "t": time.Unix(1, 2)},
		} {
			b, err := c.Encode(time.Unix(1700000000, 0), values)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b)
		}
	}
	f.Add([]byte("\x00SK\x01m"))
	f.Add([]byte{0x0d, 0xff, 0x81, 0x03, 0x01, 0x01})
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, c := range all() {
			_, values, err := c.Decode(b)
			if err != nil {
				continue
			}
			for _, v := range values {
				if lv, ok := v.(*codec.Value); ok {
					var out any
					_ = lv.Decode(&out)
				}
			}
			again, err := c.Encode(time.Unix(1, 0), values)
			if err != nil {
				// A value from an scs gob blob can be a type gob cannot
				// encode without registration; nothing else may fail.
				if bytes.HasPrefix(b, []byte("\x00SK")) {
					t.Fatalf("%s: re-encoding an accepted blob: %v", c.Name(), err)
				}
				continue
			}
			_, values2, err := c.Decode(again)
			if err != nil || len(values2) != len(values) {
				t.Fatalf("%s: re-encoded blob: %d values, err %v; had %d", c.Name(), len(values2), err, len(values))
			}
		}
	})
}
