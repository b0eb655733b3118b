package codec

import (
	"reflect"

	"github.com/sessionkit/sessionkit/internal/bridge"
)

func init() { bridge.Native = nativeOf }

// nativeOf is what Decode of a blob returns for a plain v: v converted to
// its predeclared type, a []byte copied (Put's value must not change with
// the caller's slice). Other values stay encoded.
func nativeOf(v any) (any, bool) {
	if v == nil {
		return nil, false
	}
	t := reflect.TypeOf(v)
	if !isPlain(t) {
		return nil, false
	}
	nt := nativeType(t.Kind())
	rv := reflect.ValueOf(v)
	if nt == bytesType {
		if rv.IsNil() {
			return []byte(nil), true
		}
		return append([]byte{}, rv.Bytes()...), true
	}
	if t != nt {
		return rv.Convert(nt).Interface(), true
	}
	return v, true
}
