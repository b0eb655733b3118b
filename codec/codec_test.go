package codec_test

import (
	"bytes"
	"encoding/gob"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/sessionkit/sessionkit/codec"
)

type item struct {
	SKU string
	Qty int
}

func all() []codec.Codec { return []codec.Codec{codec.JSON(), codec.Msgpack(), codec.Gob()} }

func TestEncodeDecodeLazy(t *testing.T) {
	deadline := time.Date(2030, 1, 2, 3, 4, 5, 6, time.UTC)
	for _, c := range all() {
		t.Run(c.Name(), func(t *testing.T) {
			b, err := c.Encode(deadline, map[string]any{
				"cart": []item{{"a", 1}, {"b", 2}}, "n": 5, "__rememberMe": true,
			})
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(b, []byte("\x00SK")) {
				t.Fatalf("blob %q has no marker", b[:8])
			}
			gotDeadline, values, err := c.Decode(b)
			if err != nil {
				t.Fatal(err)
			}
			if !gotDeadline.Equal(deadline) {
				t.Errorf("deadline %v, want %v", gotDeadline, deadline)
			}
			if v, ok := values["__rememberMe"].(bool); !ok || !v {
				t.Errorf("__rememberMe = %#v, want native true", values["__rememberMe"])
			}
			cart, ok := values["cart"].(*codec.Value)
			if !ok || cart.Kind() != reflect.Slice || cart.Format() != c.Name() {
				t.Fatalf("cart = %#v, want a lazy slice value", values["cart"])
			}
			var got []item
			if err := cart.Decode(&got); err != nil || !reflect.DeepEqual(got, []item{{"a", 1}, {"b", 2}}) {
				t.Errorf("cart decodes to %v, %v", got, err)
			}
			// Re-encoding carries the lazy bytes over unchanged.
			b2, err := c.Encode(deadline, values)
			if err != nil {
				t.Fatal(err)
			}
			if len(b2) != len(b) {
				t.Errorf("re-encoded blob is %d bytes, first was %d", len(b2), len(b))
			}
		})
	}
}

// TestCrossCodec: a blob written by one codec is read by every other one,
// so switching the configured codec loses no session.
func TestCrossCodec(t *testing.T) {
	for _, w := range all() {
		b, err := w.Encode(time.Now(), map[string]any{"n": 42, "s": "x"})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range all() {
			_, values, err := r.Decode(b)
			if err != nil {
				t.Fatalf("%s reading %s: %v", r.Name(), w.Name(), err)
			}
			if n, ok := values["n"].(int); !ok || n != 42 || values["s"] != "x" {
				t.Errorf("%s reading %s: n = %#v, s = %#v", r.Name(), w.Name(), values["n"], values["s"])
			}
		}
	}
}

// TestReadsSCSGob: every codec reads blobs written by scs's own GobCodec
// (issue 11: an scs application moves straight to msgpack), and the next
// write stores the codec's own format.
func TestReadsSCSGob(t *testing.T) {
	gob.Register(item{})
	deadline := time.Now().Add(time.Hour).UTC().Truncate(time.Second)
	b, err := scs.GobCodec{}.Encode(deadline, map[string]any{"it": item{"z", 9}, "n": 3, "__rememberMe": true})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range all() {
		t.Run(c.Name(), func(t *testing.T) {
			d, values, err := c.Decode(b)
			if err != nil {
				t.Fatal(err)
			}
			if !d.Equal(deadline) || values["it"] != (item{"z", 9}) || values["n"] != 3 || values["__rememberMe"] != true {
				t.Fatalf("scs gob blob read as %v %v", d, values)
			}
			again, err := c.Encode(d, values)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(again, []byte("\x00SK\x01"+c.Name()[:1])) {
				t.Fatalf("re-encoded blob starts %q, want the sessionkit %s format", again[:5], c.Name())
			}
			_, values2, err := c.Decode(again)
			if err != nil || values2["n"] != 3 {
				t.Fatalf("re-encoded blob: %v, %v", values2, err)
			}
			var it item
			if err := values2["it"].(*codec.Value).Decode(&it); err != nil || it != (item{"z", 9}) {
				t.Errorf("re-encoded struct: %v, %v", it, err)
			}
		})
	}
}

func TestCorruptBlobs(t *testing.T) {
	good, _ := codec.Msgpack().Encode(time.Now(), map[string]any{"user": item{"a", 1}, "n": 1})
	version := append([]byte(nil), good...)
	version[3] = 99
	blobs := map[string][]byte{
		"empty":          {},
		"garbage":        []byte("not a session at all"),
		"marker only":    []byte("\x00SK"),
		"truncated":      good[:len(good)-3],
		"trailing":       append(append([]byte(nil), good...), 0),
		"future version": version,
		"huge count":     append([]byte("\x00SK\x01m\x00\x00\x00\x00\x00\x00\x00\x00"), 0xff, 0xff, 0xff, 0xff, 0x0f),
		"header only":    good[:13],
	}
	for name, b := range blobs {
		for _, c := range all() {
			t.Run(name+"/"+c.Name(), func(t *testing.T) {
				_, values, err := c.Decode(b)
				if err == nil {
					t.Fatalf("Decode(%s) succeeded with %d values", name, len(values))
				}
				if !errors.Is(err, codec.ErrCorrupt) {
					t.Fatalf("Decode(%s) = %v, want ErrCorrupt", name, err)
				}
			})
		}
	}
}

func TestByName(t *testing.T) {
	for _, name := range []string{"json", "MsgPack", " gob "} {
		c, err := codec.ByName(name)
		if err != nil {
			t.Fatalf("ByName(%q): %v", name, err)
		}
		if _, err := c.Encode(time.Now(), map[string]any{"a": 1}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := codec.ByName("xml"); !errors.Is(err, codec.ErrUnknownCodec) {
		t.Errorf("ByName(xml) = %v", err)
	}
}

func TestEncodeErrors(t *testing.T) {
	for _, c := range all() {
		_, err := c.Encode(time.Now(), map[string]any{"f": func() {}})
		var ee *codec.EncodeError
		if !errors.Is(err, codec.ErrEncode) || !errors.As(err, &ee) || ee.Codec != c.Name() {
			t.Errorf("%s: encoding a func: %v", c.Name(), err)
		}
	}
}

// TestHostileMsgpackLengths: declared lengths larger than the data are
// rejected before the msgpack decoder sizes a map or string from them.
func TestHostileMsgpackLengths(t *testing.T) {
	for name, value := range map[string][]byte{
		"map32":   {0xdf, 0xff, 0xff, 0xff, 0xff, 0xa1, 'k'},
		"array32": {0xdd, 0x7f, 0xff, 0xff, 0xff, 0x01},
		"str32":   {0xdb, 0x7f, 0xff, 0xff, 0xff, 'x'},
		"nested":  {0x91, 0x91, 0x91, 0xde, 0xff, 0xff},
		"c1":      {0xc1},
	} {
		blob := []byte("\x00SK\x01m\x00\x00\x00\x00\x00\x00\x00\x00\x01\x01k")
		blob = append(blob, 'm', byte(reflect.Map), 0, 0, 0, byte(len(value)))
		blob = append(blob, value...)
		_, values, err := codec.Msgpack().Decode(blob)
		if err != nil {
			t.Fatalf("%s: the envelope is fine, got %v", name, err)
		}
		var out any
		if err := values["k"].(*codec.Value).Decode(&out); err == nil {
			t.Errorf("%s: decoded hostile msgpack to %v", name, out)
		}
	}
}
