package codec

import (
	"encoding"
	"encoding/gob"
	"encoding/json"
	"reflect"
	"sync"
	"time"

	"github.com/vmihailenco/msgpack/v5"
)

// plainFlag marks, in an entry's kind byte, a value that Decode returns as
// a native Go value rather than a *Value: a bool, string, integer or float,
// a []byte or a time.Time, of a type with no marshaling methods of its own
// (so its encoding means the same in the predeclared type). Entries
// written before the flag existed stay lazy.
const plainFlag = 0x40

var (
	bytesType = reflect.TypeFor[[]byte]()
	timeType  = reflect.TypeFor[time.Time]()
	byteType  = reflect.TypeFor[byte]()
)

// basicTypes maps the kinds of Go's predeclared types to those types, so
// eagerly decoded values come back as exactly what scs's getters assert.
var basicTypes = map[reflect.Kind]reflect.Type{
	reflect.Bool: reflect.TypeFor[bool](), reflect.String: reflect.TypeFor[string](),
	reflect.Int: reflect.TypeFor[int](), reflect.Int8: reflect.TypeFor[int8](),
	reflect.Int16: reflect.TypeFor[int16](), reflect.Int32: reflect.TypeFor[int32](),
	reflect.Int64: reflect.TypeFor[int64](), reflect.Uint: reflect.TypeFor[uint](),
	reflect.Uint8: reflect.TypeFor[uint8](), reflect.Uint16: reflect.TypeFor[uint16](),
	reflect.Uint32: reflect.TypeFor[uint32](), reflect.Uint64: reflect.TypeFor[uint64](),
	reflect.Float32: reflect.TypeFor[float32](), reflect.Float64: reflect.TypeFor[float64](),
}

// nativeType is the Go type Decode returns for an entry of kind k with the
// plain flag, or nil when the flag is not valid with that kind.
func nativeType(k reflect.Kind) reflect.Type {
	switch k {
	case reflect.Slice:
		return bytesType
	case reflect.Struct:
		return timeType
	}
	return basicTypes[k]
}

var plainTypes sync.Map // reflect.Type → bool

// entryKind is the kind byte written for v: its reflect.Kind, with
// plainFlag when v is plain.
func entryKind(v any) byte {
	if v == nil {
		return byte(reflect.Invalid)
	}
	t := reflect.TypeOf(v)
	k := byte(t.Kind())
	if isPlain(t) {
		k |= plainFlag
	}
	return k
}

func isPlain(t reflect.Type) bool {
	if t == bytesType || t == timeType || basicTypes[t.Kind()] == t {
		return true
	}
	if p, ok := plainTypes.Load(t); ok {
		return p.(bool)
	}
	plain := false
	switch t.Kind() {
	case reflect.Struct: // only time.Time itself
	case reflect.Slice:
		plain = t.Elem() == byteType && !marshals(t)
	default:
		plain = basicTypes[t.Kind()] != nil && !marshals(t)
	}
	plainTypes.Store(t, plain)
	return plain
}

var marshalerTypes = []reflect.Type{
	reflect.TypeFor[json.Marshaler](), reflect.TypeFor[encoding.TextMarshaler](),
	reflect.TypeFor[encoding.BinaryMarshaler](), reflect.TypeFor[gob.GobEncoder](),
	reflect.TypeFor[msgpack.CustomEncoder](), reflect.TypeFor[msgpack.Marshaler](),
}

// marshals reports whether any codec would encode t (or *t) by a method.
func marshals(t reflect.Type) bool {
	for _, it := range marshalerTypes {
		if t.Implements(it) || reflect.PointerTo(t).Implements(it) {
			return true
		}
	}
	return false
}

// native decodes a plain entry into its predeclared Go type.
func native(v *Value) (any, error) {
	ptr := reflect.New(nativeType(v.kind))
	if err := v.Decode(ptr.Interface()); err != nil {
		return nil, err
	}
	return ptr.Elem().Interface(), nil
}
