package express

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/sessionkit/sessionkit/codec"
)

// FuzzCodec: Decode never panics, and whatever it accepts Encode writes
// back so that a second Decode sees the same values and cookie fields.
func FuzzCodec(f *testing.F) {
	f.Add([]byte(expressBlob))
	f.Add([]byte(`{"cookie":{"originalMaxAge":null,"expires":null,"httpOnly":true,"path":"/"},"__rememberMe":true}`))
	f.Add([]byte(`{"cookie":{"expires":"2026-01-01T00:00:00Z"},"a":[{"b":null}],"n":-1e-7}`))
	c := NewCodec(CookieOptions{MaxAge: time.Hour})
	f.Fuzz(func(t *testing.T, blob []byte) {
		deadline, values, err := c.Decode(blob)
		if err != nil {
			return
		}
		out, err := c.Encode(deadline, values)
		if err != nil {
			t.Fatalf("Encode of a decoded session failed: %v\nblob %q", err, blob)
		}
		_, again, err := c.Decode(out)
		if err != nil {
			t.Fatalf("Decode of Encode's output failed: %v\nout %q", err, out)
		}
		if len(again) != len(values) {
			t.Fatalf("%d values became %d", len(values), len(again))
		}
		for k, v := range values {
			a, b := plain(t, v), plain(t, again[k])
			if k == CookieKey {
				delete(a.(map[string]any), "expires")
				delete(b.(map[string]any), "expires")
			}
			if !reflect.DeepEqual(a, b) {
				t.Fatalf("key %q: %#v became %#v\nblob %q\nout %q", k, a, b, blob, out)
			}
		}
	})
}

// plain turns a session value into generic JSON data for comparison.
func plain(t *testing.T, v any) any {
	t.Helper()
	b, err := codec.AppendJSON(nil, v)
	if err != nil {
		t.Fatal(err)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("%q: %v", b, err)
	}
	return out
}
