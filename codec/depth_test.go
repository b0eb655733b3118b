package codec

import (
	"bytes"
	"encoding/binary"
	"encoding/gob"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"
)

type depthTree struct {
	V    int
	Kids []depthTree
}

type gobCheckAll struct {
	B   bool
	I   int64
	U   uint8
	F   float32
	C   complex128
	S   string
	Raw []byte
	Arr [3]int16
	M   map[string][]depthTree
	P   *depthTree
	A   any
	T   time.Time
	E   struct{}
}

type gobNest struct{ A, B any }

type gobLeaf struct{ M map[string]any }

func init() {
	gob.Register(gobNest{})
	gob.Register(gobLeaf{})
	gob.Register([]any{})
	gob.Register(map[string]any{})
	gob.Register(depthTree{})
	gob.Register(gobCheckAll{})
}

// TestCheckGobAcceptsEncodings: every gob encoding, of every shape, passes
// the walker.
func TestCheckGobAcceptsEncodings(t *testing.T) {
	tree := depthTree{1, []depthTree{{2, nil}, {3, []depthTree{{4, nil}}}}}
	full := gobCheckAll{B: true, I: -1 << 40, U: 200, F: 1.5, C: 2i, S: "s", Raw: []byte{0, 1},
		Arr: [3]int16{1, -2}, M: map[string][]depthTree{"k": {tree}, "": nil}, P: &tree, A: tree,
		T: time.Now()}
	values := []any{0, -5, uint64(1 << 63), "str", []byte("b"), 3.5, true, 1 + 2i, tree, full, &full,
		[]any{1, "a", tree}, map[string]any{"a": 1, "b": nil}, []depthTree{}, map[int]string{1: "x"}, [2]bool{},
		time.Now(), gobNest{A: gobNest{A: gobLeaf{M: map[string]any{"t": tree, "l": []any{gobLeaf{}, 1}}}, B: full}, B: 3},
		[]any{gobNest{A: []any{gobLeaf{M: map[string]any{"x": gobNest{}}}}}, gobLeaf{}}}
	for _, v := range values {
		var buf bytes.Buffer
		if err := gobEncode(&buf, v); err != nil {
			t.Fatalf("%T: %v", v, err)
		}
		if err := checkGob(buf.Bytes()); err != nil {
			t.Errorf("%T (%x): %v", v, buf.Bytes(), err)
		}
	}
	blob, err := scs.GobCodec{}.Encode(time.Now(), map[string]any{"tree": tree, "full": full, "n": 1,
		"nest": gobNest{A: gobNest{A: gobLeaf{M: map[string]any{"t": tree, "l": []any{gobLeaf{}, 1}}}, B: full}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := checkGob(blob); err != nil {
		t.Errorf("scs gob blob: %v", err)
	}
}

// nestingDepth returns a value of each format nested n levels deep, as
// its encoded bytes, and the Go type it decodes into.
func nested(t *testing.T, f *format, n int) []byte {
	t.Helper()
	var b bytes.Buffer
	switch f {
	case msgpackFormat:
		b.Write(bytes.Repeat([]byte{0x91}, n))
		b.WriteByte(0x01)
	case jsonFormat:
		b.WriteString(strings.Repeat("[", n) + "1" + strings.Repeat("]", n))
	case gobFormat:
		// A depthTree n/2 trees deep (a struct and a slice per tree):
		// take a two-level encoding apart and repeat its middle.
		var small bytes.Buffer
		if err := gobEncode(&small, depthTree{Kids: []depthTree{{V: 1}}}); err != nil {
			t.Fatal(err)
		}
		s := small.Bytes()
		// The value message is the last one: len, type id (2 bytes),
		// 02 01 (Kids, one element), 01 02 (V: 1), 00 00.
		msg := s[len(s)-9:]
		if !bytes.Equal(msg[3:], []byte{2, 1, 1, 2, 0, 0}) {
			t.Fatalf("unexpected gob layout %x", s)
		}
		var body bytes.Buffer
		body.Write(msg[1:3])
		body.Write(bytes.Repeat([]byte{2, 1}, n/2))
		body.Write(bytes.Repeat([]byte{0}, n/2+1))
		b.Write(s[:len(s)-9])
		var l [8]byte
		binary.BigEndian.PutUint64(l[:], uint64(body.Len()))
		b.WriteByte(0xf8) // an eight-byte length
		b.Write(l[:])
		b.Write(body.Bytes())
	}
	return b.Bytes()
}

// plant builds a blob holding one entry with raw value bytes.
func plant(f *format, key string, kind reflect.Kind, value []byte) []byte {
	var b bytes.Buffer
	b.WriteString(marker)
	b.WriteByte(formatVersion)
	b.WriteByte(f.id)
	b.Write(make([]byte, 8))
	b.WriteByte(1)
	b.WriteByte(byte(len(key)))
	b.WriteString(key)
	b.WriteByte(f.id)
	b.WriteByte(byte(kind))
	writeLen(&b, len(value))
	b.Write(value)
	return b.Bytes()
}

// TestPlantedDeepValue is issue 9 defect 4: a value nested four million
// levels deep killed the process with a stack overflow. Now it is corrupt.
func TestPlantedDeepValue(t *testing.T) {
	for _, f := range []*format{msgpackFormat, jsonFormat, gobFormat} {
		t.Run(f.name, func(t *testing.T) {
			deep := nested(t, f, 4_000_000)
			kind, target := reflect.Slice, func() any { return new(any) }
			if f == gobFormat {
				kind, target = reflect.Struct, func() any { return new(depthTree) }
			}
			c := newCodec(f, nil)
			if _, _, err := c.Decode(plant(f, "__flash", kind, deep)); !errors.Is(err, ErrCorrupt) {
				t.Errorf("a deep __ value: Decode = %v, want ErrCorrupt", err)
			}
			_, values, err := c.Decode(plant(f, "deep", kind, deep))
			if err != nil {
				t.Fatalf("the envelope is fine: %v", err)
			}
			v := values["deep"].(*Value)
			if err := v.Decode(target()); !errors.Is(err, ErrCorrupt) {
				t.Errorf("Value.Decode of a deep value = %v, want ErrCorrupt", err)
			}
			if err := v.Decode(new([]any)); !errors.Is(err, ErrCorrupt) {
				t.Errorf("Value.Decode([]any) of a deep value = %v, want ErrCorrupt", err)
			}
			// Just over the limit is corrupt; at the limit it decodes.
			over := nested(t, f, MaxDepth+2)
			if err := safeDecode(f, over, target()); !errors.Is(err, ErrCorrupt) {
				t.Errorf("%d levels: %v, want ErrCorrupt", MaxDepth+2, err)
			}
		})
	}
}

// TestDepthLimitRoundTrip: values nested up to the limit round-trip
// through every codec.
func TestDepthLimitRoundTrip(t *testing.T) {
	var list any = 1
	for i := 0; i < MaxDepth; i++ {
		list = []any{list}
	}
	tree := depthTree{V: 1}
	for i := 0; i < MaxDepth/2-1; i++ { // a struct and a slice per level
		tree = depthTree{V: i, Kids: []depthTree{tree}}
	}
	for _, c := range []*codec{newCodec(msgpackFormat, nil), newCodec(jsonFormat, nil), newCodec(gobFormat, nil)} {
		t.Run(c.f.name, func(t *testing.T) {
			values := map[string]any{"tree": tree}
			if c.f != gobFormat { // gob cannot encode a []any without registering it
				values["list"] = list
			}
			b, err := c.Encode(time.Time{}, values)
			if err != nil {
				t.Fatal(err)
			}
			_, got, err := c.Decode(b)
			if err != nil {
				t.Fatal(err)
			}
			var tr depthTree
			if err := got["tree"].(*Value).Decode(&tr); err != nil || !reflect.DeepEqual(tr, tree) {
				t.Errorf("tree at the depth limit: %v", err)
			}
			if c.f != gobFormat {
				var l any
				if err := got["list"].(*Value).Decode(&l); err != nil {
					t.Errorf("list at the depth limit: %v", err)
				}
			}
		})
	}
}

// TestUnmarkedEntriesStayLazy: entries written before plainFlag existed
// decode as they always did, lazily; the flag on a kind that has no native
// type is corrupt.
func TestUnmarkedEntriesStayLazy(t *testing.T) {
	c := newCodec(msgpackFormat, nil)
	_, values, err := c.Decode(plant(msgpackFormat, "n", reflect.Int, []byte{0x05}))
	if err != nil {
		t.Fatal(err)
	}
	v, ok := values["n"].(*Value)
	var n int
	if !ok || v.Decode(&n) != nil || n != 5 {
		t.Fatalf("an unmarked int: %#v", values["n"])
	}
	_, values, err = c.Decode(plant(msgpackFormat, "n", reflect.Int|plainFlag, []byte{0x05}))
	if err != nil || values["n"] != 5 {
		t.Fatalf("a marked int: %#v, %v", values["n"], err)
	}
	if _, _, err := c.Decode(plant(msgpackFormat, "m", reflect.Map|plainFlag, []byte{0x80})); !errors.Is(err, ErrCorrupt) {
		t.Errorf("a marked map: %v, want ErrCorrupt", err)
	}
}

// TestPlantedDeepSCSGob: a blob in scs's GobCodec format (read by every
// codec) holding a registered recursive type four million levels deep is
// corrupt, not a crash.
func TestPlantedDeepSCSGob(t *testing.T) {
	small, err := scs.GobCodec{}.Encode(time.Now(), map[string]any{"tree": depthTree{Kids: []depthTree{{V: 1}}}})
	if err != nil {
		t.Fatal(err)
	}
	// Find the last message (the session value) and the tree's bytes in
	// it: 02 01 (Kids, one element), 01 02 (V: 1), 00 00.
	r := gobReader{b: small}
	last := 0
	for r.left() > 0 {
		last = r.p
		if _, err := r.message(); err != nil {
			t.Fatal(err)
		}
	}
	lr := gobReader{b: small[last:]}
	msg, err := lr.message()
	if err != nil {
		t.Fatal(err)
	}
	body := msg.b
	at := bytes.LastIndex(body, []byte{2, 1, 1, 2, 0, 0})
	if at < 0 {
		t.Fatalf("unexpected gob layout %x", body)
	}
	const n = 2_000_000 // a struct and a slice per level: four million levels
	var deep bytes.Buffer
	deep.Write(body[:at])
	deep.Write(bytes.Repeat([]byte{2, 1}, n))
	deep.Write(bytes.Repeat([]byte{0}, n+1))
	deep.Write(body[at+6:])
	var blob bytes.Buffer
	blob.Write(small[:last])
	var l [8]byte
	binary.BigEndian.PutUint64(l[:], uint64(deep.Len()))
	blob.WriteByte(0xf8)
	blob.Write(l[:])
	blob.Write(deep.Bytes())
	for _, c := range []*codec{newCodec(msgpackFormat, nil), newCodec(jsonFormat, nil), newCodec(gobFormat, nil)} {
		if _, _, err := c.Decode(blob.Bytes()); !errors.Is(err, ErrCorrupt) || !errors.Is(err, errTooDeep) {
			t.Errorf("%s: a deep scs gob blob: %v, want ErrCorrupt (too deep)", c.f.name, err)
		}
	}
}
