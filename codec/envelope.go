package codec

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"reflect"
	"strings"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/sessionkit/sessionkit/observe"
)

// Blob layout, version 1:
//
//	"\x00SK" version(1) writer-format(1) deadline(int64 unix ns, big endian)
//	count(uvarint) then count entries of
//	  keylen(uvarint) key format(1) kind(1) vallen(uint32 big endian) value
const (
	marker        = "\x00SK"
	formatVersion = 1
	headerLen     = len(marker) + 2 + 8
	minEntryLen   = 1 + 1 + 1 + 4 // empty key, format, kind, length
	zeroDeadline  = math.MinInt64
)

// hasMarker reports whether b starts like a sessionkit blob, so that
// Decode can tell "written by plain scs" apart from "damaged".
func hasMarker(b []byte) bool { return len(b) >= len(marker) && string(b[:len(marker)]) == marker }

func (c *codec) Encode(deadline time.Time, values map[string]any) (out []byte, err error) {
	var start time.Time
	if c.hooks.CodecOn() {
		start = time.Now()
		defer func() {
			c.hooks.Codec(observe.CodecEvent{Op: observe.OpEncode, Codec: c.f.name,
				Duration: time.Since(start), Bytes: len(out), Err: err})
		}()
	}
	buf := getBuffer()
	defer putBuffer(buf)

	var hdr [headerLen + binary.MaxVarintLen64]byte
	copy(hdr[:], marker)
	hdr[3] = formatVersion
	hdr[4] = c.f.id
	d := int64(zeroDeadline)
	if !deadline.IsZero() {
		d = deadline.UnixNano()
	}
	binary.BigEndian.PutUint64(hdr[5:], uint64(d))
	n := binary.PutUvarint(hdr[headerLen:], uint64(len(values)))
	buf.Write(hdr[:headerLen+n])

	var scratch [binary.MaxVarintLen64]byte
	for key, v := range values {
		buf.Write(scratch[:binary.PutUvarint(scratch[:], uint64(len(key)))])
		buf.WriteString(key)
		if ev, ok := v.(*Value); ok {
			// Untouched value: carried over as it was stored, in its own format.
			buf.WriteByte(ev.f.id)
			k := byte(ev.kind)
			if ev.plain {
				k |= plainFlag
			}
			buf.WriteByte(k)
			writeLen(buf, len(ev.data))
			buf.Write(ev.data)
			continue
		}
		fmtAt := buf.Len()
		buf.WriteByte(c.f.id)
		k := entryKind(v)
		buf.WriteByte(k)
		lenAt := buf.Len()
		writeLen(buf, 0)
		if err := c.encodeValue(buf, v); err != nil {
			if c.f != jsonFormat || k&plainFlag == 0 {
				return nil, fmt.Errorf("codec: %s: key %q: %w", c.f.name, key, err)
			}
			// A plain value loaded from another format can be one JSON
			// cannot write (a NaN, a time after year 9999): the entry keeps
			// it in msgpack (every entry names its format), so loading a
			// session never makes it uncommittable.
			mp := codec{f: msgpackFormat, hooks: c.hooks}
			if err := mp.encodeValue(buf, v); err != nil {
				return nil, fmt.Errorf("codec: %s: key %q: %w", c.f.name, key, err)
			}
			buf.Bytes()[fmtAt] = msgpackFormat.id
		}
		size := buf.Len() - lenAt - 4
		if size > math.MaxUint32 {
			return nil, fmt.Errorf("codec: %s: key %q: %w: %d bytes", c.f.name, key, ErrEncode, size)
		}
		binary.BigEndian.PutUint32(buf.Bytes()[lenAt:], uint32(size))
	}
	out = make([]byte, buf.Len())
	copy(out, buf.Bytes())
	return out, nil
}

func writeLen(buf *bytes.Buffer, n int) {
	var l [4]byte
	binary.BigEndian.PutUint32(l[:], uint32(n))
	buf.Write(l[:])
}

// Decode splits b into its entries. Plain values (bools, strings, numbers,
// []byte, time.Time) and scs's "__" keys are decoded now, into native Go
// values; every other value stays a *Value until it is read (see the
// package documentation). The returned values share b's memory, so b must
// not be modified afterwards; every store in this module returns fresh bytes.
func (c *codec) Decode(b []byte) (deadline time.Time, values map[string]any, err error) {
	if c.hooks.CodecOn() {
		start := time.Now()
		defer func() {
			c.hooks.Codec(observe.CodecEvent{Op: observe.OpDecode, Codec: c.f.name,
				Duration: time.Since(start), Bytes: len(b), Err: err})
		}()
	}
	if !hasMarker(b) {
		if len(b) > 0 {
			// Written by plain scs: every codec reads it, and the next
			// write stores this codec's format.
			return decodeSCSGob(b)
		}
		return time.Time{}, nil, fmt.Errorf("%w: not a sessionkit blob (%d bytes)", ErrCorrupt, len(b))
	}
	if len(b) < headerLen+1 {
		return time.Time{}, nil, fmt.Errorf("%w: header truncated (%d bytes)", ErrCorrupt, len(b))
	}
	if b[3] != formatVersion {
		return time.Time{}, nil, fmt.Errorf("%w: format version %d is not supported (want %d)", ErrCorrupt, b[3], formatVersion)
	}
	if formatByID(b[4]) == nil {
		return time.Time{}, nil, fmt.Errorf("%w: unknown writer format %#x", ErrCorrupt, b[4])
	}
	if d := int64(binary.BigEndian.Uint64(b[5:])); d != zeroDeadline {
		deadline = time.Unix(0, d).UTC()
	}
	p := headerLen
	count, n := binary.Uvarint(b[p:])
	if n <= 0 || count > uint64((len(b)-p)/minEntryLen) {
		return time.Time{}, nil, fmt.Errorf("%w: bad entry count", ErrCorrupt)
	}
	p += n
	values = make(map[string]any, count)
	lazy := make([]Value, count) // one allocation for all entries
	for i := range lazy {
		klen, n := binary.Uvarint(b[p:])
		if n <= 0 || klen > uint64(len(b)-p-n) {
			return time.Time{}, nil, fmt.Errorf("%w: entry %d: key truncated", ErrCorrupt, i)
		}
		p += n
		key := keyName(b[p : p+int(klen)])
		p += int(klen)
		if len(b)-p < 6 {
			return time.Time{}, nil, fmt.Errorf("%w: entry %d: header truncated", ErrCorrupt, i)
		}
		f := formatByID(b[p])
		kind := reflect.Kind(b[p+1] &^ plainFlag)
		plain := b[p+1]&plainFlag != 0
		vlen := int(binary.BigEndian.Uint32(b[p+2:]))
		p += 6
		if f == nil || kind > reflect.UnsafePointer || plain && nativeType(kind) == nil {
			return time.Time{}, nil, fmt.Errorf("%w: entry %d: unknown format or kind", ErrCorrupt, i)
		}
		if vlen > len(b)-p {
			return time.Time{}, nil, fmt.Errorf("%w: entry %d: value truncated", ErrCorrupt, i)
		}
		lazy[i] = Value{f: f, kind: kind, plain: plain, data: b[p : p+vlen : p+vlen], hooks: c.hooks}
		p += vlen
		if strings.HasPrefix(key, "__") {
			v, err := eager(&lazy[i])
			if err != nil {
				return time.Time{}, nil, fmt.Errorf("%w: entry %d: %v", ErrCorrupt, i, err)
			}
			values[key] = v
			continue
		}
		if plain {
			// A damaged plain value stays lazy: the session loads, and
			// reading that key reports ErrCorrupt.
			if v, err := native(&lazy[i]); err == nil {
				values[key] = v
				continue
			}
		}
		values[key] = &lazy[i]
	}
	if p != len(b) {
		return time.Time{}, nil, fmt.Errorf("%w: %d trailing bytes", ErrCorrupt, len(b)-p)
	}
	if uint64(len(values)) != count {
		return time.Time{}, nil, fmt.Errorf("%w: duplicate keys", ErrCorrupt)
	}
	return deadline, values, nil
}

// eager decodes an scs-internal "__" value: plain values and basic kinds
// into predeclared types, anything else into its natural Go form.
func eager(v *Value) (any, error) {
	if v.plain {
		return native(v)
	}
	t, ok := basicTypes[v.kind]
	if !ok {
		var out any
		err := v.Decode(&out)
		return out, err
	}
	ptr := reflect.New(t)
	if err := v.Decode(ptr.Interface()); err != nil {
		return nil, err
	}
	return ptr.Elem().Interface(), nil
}

// decodeSCSGob reads a blob written by scs's GobCodec. Its values are
// returned as the Go values gob produced; package typed reads them by type
// assertion.
func decodeSCSGob(b []byte) (deadline time.Time, values map[string]any, err error) {
	if err := checkGob(b); err != nil {
		return time.Time{}, nil, fmt.Errorf("%w: scs gob blob: %w", ErrCorrupt, err)
	}
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%w: scs gob blob: %v", ErrCorrupt, p)
		}
	}()
	deadline, values, err = scs.GobCodec{}.Decode(b)
	if err != nil {
		return time.Time{}, nil, fmt.Errorf("%w: scs gob blob: %v", ErrCorrupt, err)
	}
	return deadline, values, nil
}
