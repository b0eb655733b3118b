package codec

import (
	"encoding/binary"
	"reflect"
	"time"

	"github.com/sessionkit/sessionkit/internal/bridge"
)

func init() { bridge.Peek = peek }

// peek returns what Decode of the sessionkit blob b would give for its
// deadline and for the value under key, without building the session:
// the manager needs just these two of a session it has already loaded
// (what the browser's cookie says), and asking scs for them costs an
// allocation each. ok is false when b is not a well-formed sessionkit
// blob (written by plain scs, or damaged): the caller then asks scs. A
// value Decode would leave encoded is returned as nil.
func peek(b []byte, key string) (deadline time.Time, v any, ok bool) {
	if !hasMarker(b) || len(b) < headerLen+1 || b[3] != formatVersion || formatByID(b[4]) == nil {
		return time.Time{}, nil, false
	}
	if d := int64(binary.BigEndian.Uint64(b[5:])); d != zeroDeadline {
		deadline = time.Unix(0, d).UTC()
	}
	p := headerLen
	count, n := binary.Uvarint(b[p:])
	if n <= 0 || count > uint64((len(b)-p)/minEntryLen) {
		return time.Time{}, nil, false
	}
	p += n
	for i := uint64(0); i < count; i++ {
		klen, n := binary.Uvarint(b[p:])
		if n <= 0 || klen > uint64(len(b)-p-n) {
			return time.Time{}, nil, false
		}
		p += n
		k := b[p : p+int(klen)]
		p += int(klen)
		if len(b)-p < 6 {
			return time.Time{}, nil, false
		}
		f := formatByID(b[p])
		kind := reflect.Kind(b[p+1] &^ plainFlag)
		plain := b[p+1]&plainFlag != 0
		vlen := int(binary.BigEndian.Uint32(b[p+2:]))
		p += 6
		if f == nil || kind > reflect.UnsafePointer || plain && nativeType(kind) == nil || vlen > len(b)-p {
			return time.Time{}, nil, false
		}
		if v == nil && string(k) == key {
			// Decode decodes a "__" key eagerly, a plain value natively
			// when it can: the same here, so the value is Decode's.
			val := Value{f: f, kind: kind, plain: plain, data: b[p : p+vlen : p+vlen]}
			var err error
			switch {
			case len(key) >= 2 && key[:2] == "__":
				if v, err = eager(&val); err != nil {
					return time.Time{}, nil, false // Decode fails too
				}
			case plain:
				if v, err = native(&val); err != nil {
					v = nil // Decode leaves it encoded
				}
			}
		}
		p += vlen
	}
	if p != len(b) {
		return time.Time{}, nil, false
	}
	return deadline, v, true
}
