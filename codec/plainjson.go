package codec

import (
	"bytes"
	"reflect"
)

// RawJSON wraps one JSON value written by another program (a field of an
// Express session, say) as a lazy [Value] in the JSON format, without
// decoding it. data must be a single valid JSON value, as a json.RawMessage
// from a successful json.Unmarshal is; it is not checked again, and the
// Value keeps data's memory, which must not be modified afterwards.
//
// Plain JSON does not say which Go type it came from, so the Value's
// [Value.Kind] is reflect.Invalid for null and reflect.Interface ("decodes
// into any Go type that accepts this JSON") otherwise: objects decode into
// structs by json tags or into maps, numbers into any numeric type that
// holds them, and a mismatch is a decode error, not a silent zero.
func RawJSON(data []byte) *Value {
	kind := reflect.Interface
	if string(bytes.TrimSpace(data)) == "null" {
		kind = reflect.Invalid
	}
	return &Value{f: jsonFormat, kind: kind, data: data}
}

// AppendJSON appends the plain JSON encoding of a session value to dst, for
// codecs whose blobs other programs read as ordinary JSON. A [Value] in the
// JSON format is copied as it is (no re-encoding); a Value in another
// format is decoded and encoded as JSON; anything else is encoded with
// encoding/json (without HTML escaping, as JavaScript's JSON.stringify).
// An unencodable value is an [EncodeError].
func AppendJSON(dst []byte, v any) ([]byte, error) {
	if ev, ok := v.(*Value); ok {
		if ev.f == jsonFormat {
			return append(dst, ev.data...), nil
		}
		var decoded any
		if err := ev.Decode(&decoded); err != nil {
			return dst, &EncodeError{Codec: jsonFormat.name, Type: ev.String(), Err: err}
		}
		v = decoded
	}
	buf := getBuffer()
	defer putBuffer(buf)
	c := codec{f: jsonFormat}
	if err := c.encodeValue(buf, v); err != nil {
		return dst, err
	}
	return append(dst, buf.Bytes()...), nil
}
