package codec

import (
	"encoding"
	"encoding/binary"
	"encoding/gob"
	"encoding/json"
	"math"
	"reflect"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"

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
	if out, ok := nativeMsgpack(v); ok {
		return out, nil
	}
	if out, ok := nativeJSON(v); ok {
		return out, nil
	}
	return nativeReflect(v)
}

// nativeReflect is native's general path: any format, any plain kind.
func nativeReflect(v *Value) (any, error) {
	ptr := reflect.New(nativeType(v.kind))
	if err := v.Decode(ptr.Interface()); err != nil {
		return nil, err
	}
	return ptr.Elem().Interface(), nil
}

// nativeMsgpack decodes the commonest plain msgpack entries — an int or
// int64, a string, a bool, a float64 — straight from their bytes, as
// msgpack's decoder would into the predeclared type, without the reflect
// value, the pooled decoder and the copy out of it that native's general
// path pays: an int costs no allocation (none at all below 256), a string
// two (its bytes and its interface), where the general path costs three
// and four. ok is false for anything else, including any encoding other
// than the one msgpack's encoder writes, and when hooks observe value
// decodes; native's general path decides those. TestNativeMsgpackMatches
// compares the two.
func nativeMsgpack(v *Value) (out any, ok bool) {
	b := v.data
	if v.f != msgpackFormat || len(b) == 0 || v.hooks.CodecOn() {
		return nil, false
	}
	switch v.kind {
	case reflect.Int, reflect.Int64:
		n, ok := msgpackInt(b)
		if !ok {
			return nil, false
		}
		if v.kind == reflect.Int {
			return int(n), true
		}
		return n, true
	case reflect.String:
		c := b[0]
		var hdr, n int
		switch {
		case c >= 0xa0 && c <= 0xbf: // fixstr
			hdr, n = 1, int(c&0x1f)
		case c == 0xd9 && len(b) >= 2: // str8
			hdr, n = 2, int(b[1])
		case c == 0xda && len(b) >= 3: // str16
			hdr, n = 3, int(binary.BigEndian.Uint16(b[1:]))
		case c == 0xdb && len(b) >= 5: // str32
			hdr, n = 5, int(binary.BigEndian.Uint32(b[1:]))
		default:
			return nil, false
		}
		if n != len(b)-hdr {
			return nil, false
		}
		return string(b[hdr:]), true
	case reflect.Bool:
		if len(b) == 1 && (b[0] == 0xc2 || b[0] == 0xc3) {
			return b[0] == 0xc3, true
		}
	case reflect.Float64:
		if len(b) == 9 && b[0] == 0xcb {
			return math.Float64frombits(binary.BigEndian.Uint64(b[1:])), true
		}
	}
	return nil, false
}

// msgpackInt reads b, which must be exactly one msgpack integer, as
// msgpack's DecodeInt64 does (a uint64 above MaxInt64 wraps, as there).
func msgpackInt(b []byte) (int64, bool) {
	c := b[0]
	if c <= 0x7f || c >= 0xe0 { // positive and negative fixint
		return int64(int8(c)), len(b) == 1
	}
	switch c {
	case 0xcc:
		return int64(b[len(b)-1]), len(b) == 2
	case 0xd0:
		return int64(int8(b[len(b)-1])), len(b) == 2
	}
	switch {
	case len(b) == 3 && c == 0xcd:
		return int64(binary.BigEndian.Uint16(b[1:])), true
	case len(b) == 3 && c == 0xd1:
		return int64(int16(binary.BigEndian.Uint16(b[1:]))), true
	case len(b) == 5 && c == 0xce:
		return int64(binary.BigEndian.Uint32(b[1:])), true
	case len(b) == 5 && c == 0xd2:
		return int64(int32(binary.BigEndian.Uint32(b[1:]))), true
	case len(b) == 9 && (c == 0xcf || c == 0xd3):
		return int64(binary.BigEndian.Uint64(b[1:])), true
	}
	return 0, false
}

// nativeJSON is nativeMsgpack for JSON entries: an int or int64 written
// as plain digits, a string without escapes (valid UTF-8, no control
// characters), a bool. encoding/json reads those exactly so; anything
// else — escapes, exponents, floats — is left to native's general path.
// TestNativeJSONMatches compares the two.
func nativeJSON(v *Value) (out any, ok bool) {
	b := v.data
	if v.f != jsonFormat || len(b) == 0 || v.hooks.CodecOn() {
		return nil, false
	}
	switch v.kind {
	case reflect.Int, reflect.Int64:
		digits := b
		if digits[0] == '-' {
			digits = digits[1:]
		}
		if len(digits) == 0 || len(digits) > 1 && digits[0] == '0' {
			return nil, false
		}
		for _, c := range digits {
			if c < '0' || c > '9' {
				return nil, false
			}
		}
		if v.kind == reflect.Int {
			n, err := strconv.ParseInt(string(b), 10, strconv.IntSize)
			return int(n), err == nil
		}
		n, err := strconv.ParseInt(string(b), 10, 64)
		return n, err == nil
	case reflect.String:
		if len(b) < 2 || b[0] != '"' || b[len(b)-1] != '"' {
			return nil, false
		}
		body := b[1 : len(b)-1]
		for _, c := range body {
			if c < 0x20 || c == '"' || c == '\\' {
				return nil, false
			}
		}
		if !utf8.Valid(body) {
			return nil, false
		}
		return string(body), true
	case reflect.Bool:
		switch string(b) {
		case "true":
			return true, true
		case "false":
			return false, true
		}
	}
	return nil, false
}
