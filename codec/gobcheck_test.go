package codec

import (
	"bytes"
	"encoding/gob"
	"hash/fnv"
	"math/rand"
	"reflect"
	"testing"
)

// FuzzCheckGob: every gob encoding of a value from the generated type
// universe passes checkGob (a false alarm would discard a good session),
// and on arbitrary bytes checkGob neither panics nor passes anything that
// then crashes gob's decoder.
func FuzzCheckGob(f *testing.F) {
	f.Add([]byte{7, 4, 3, 0, 21, 0, 2, 1, 5}, []byte{})
	f.Add([]byte{3, 0, 22}, []byte{0x03, 0x04, 0x00, 0x0a})
	f.Fuzz(func(t *testing.T, spec, raw []byte) {
		var typ reflect.Type
		func() {
			defer func() {
				if recover() != nil {
					typ = nil
				}
			}()
			typ = genType(&byteSrc{b: spec}, 0)
		}()
		h := fnv.New64a()
		h.Write(spec)
		r := rand.New(rand.NewSource(int64(h.Sum64())))
		if typ != nil {
			v := genValue(r, typ, 0).Interface()
			var buf bytes.Buffer
			if gobEncodes(&buf, v) {
				if err := checkGob(buf.Bytes()); err != nil {
					t.Fatalf("%v: gob's own encoding %x rejected: %v", typ, buf.Bytes(), err)
				}
				// Wrapped in an interface, as scs's GobCodec stores values.
				buf.Reset()
				func() {
					defer func() { _ = recover() }() // gob.Register refuses some names
					gob.Register(v)
				}()
				if gobEncodes(&buf, map[string]any{"k": v}) {
					if err := checkGob(buf.Bytes()); err != nil {
						t.Fatalf("%v in an interface: gob's own encoding %x rejected: %v", typ, buf.Bytes(), err)
					}
				}
			}
		}
		if checkGob(raw) == nil {
			var m map[string]any
			_ = safeDecode(gobFormat, raw, &m)
			var tr depthTree
			_ = safeDecode(gobFormat, raw, &tr)
		}
	})
}

// gobEncodes reports whether gob encodes v (its Encode panics on a nil
// top-level pointer).
func gobEncodes(buf *bytes.Buffer, v any) (ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	return gob.NewEncoder(buf).Encode(v) == nil
}
