package codec

import (
	"reflect"
	"testing"
)

// FuzzNativeMatches: wherever the native fast paths (nativeMsgpack,
// nativeJSON) decode arbitrary bytes as an entry of any kind they cover,
// they yield exactly what native's general path yields — same type, same
// value — and never decide what the general path rejects.
func FuzzNativeMatches(f *testing.F) {
	for _, s := range [][]byte{{0xcf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, {0xd3, 0x80, 0, 0, 0, 0, 0, 0, 0},
		{0xcb, 0x7f, 0xf8, 0, 0, 0, 0, 0, 1}, {0xca, 0x80, 0, 0, 0}, {0xa2, 0xff, 0xfe}, {0xd9, 1, 'a'},
		[]byte("-0"), []byte("1e3"), []byte("01"), []byte(`"\u00e9"`), []byte("\"\xff\""), []byte("9223372036854775808"),
		[]byte("true"), []byte(`"a"`)} {
		f.Add(s, byte(0))
	}
	kinds := []reflect.Kind{reflect.Int, reflect.Int64, reflect.String, reflect.Bool, reflect.Float64}
	f.Fuzz(func(t *testing.T, data []byte, sel byte) {
		k := kinds[int(sel>>1)%len(kinds)]
		f := msgpackFormat
		if sel&1 == 1 {
			f = jsonFormat
		}
		v := &Value{f: f, kind: k, plain: true, data: data}
		fast, ok := nativeMsgpack(v)
		if !ok {
			fast, ok = nativeJSON(v)
		}
		if !ok {
			return
		}
		slow, err := nativeReflect(v)
		if err != nil {
			t.Fatalf("% x as %s: fast path gave %#v, the general path fails: %v", data, k, fast, err)
		}
		if reflect.TypeOf(fast) != reflect.TypeOf(slow) || !sameNative(fast, slow) {
			t.Fatalf("% x as %s: fast path gave %#v (%T), the general path %#v (%T)", data, k, fast, fast, slow, slow)
		}
	})
}
