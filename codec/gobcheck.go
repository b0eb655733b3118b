package codec

import (
	"errors"
	"fmt"
)

// errGobShape is wrapped when gob bytes are malformed.
var errGobShape = errors.New("malformed gob")

// checkGob walks a gob stream (type definitions, then values) without
// decoding it, and verifies that every length fits in the data, every type
// is defined and no value nests deeper than MaxDepth. encoding/gob recurses
// once per level of a recursive type, with no limit of its own for values
// it keeps, so a planted deep value would exhaust the stack.
func checkGob(data []byte) error {
	w := gobWalker{types: map[int64]gobWire{}}
	stream := &gobReader{b: data}
	for stream.left() > 0 {
		msg, err := stream.message()
		if err != nil {
			return err
		}
		msg.stream = stream
		id, err := msg.int()
		if err != nil {
			return err
		}
		if id < 0 {
			err = w.define(msg, -id)
		} else {
			err = w.value(msg, id, 0, true)
		}
		if err == nil && msg.left() != 0 {
			err = w.fail("%d trailing bytes in a message", msg.left())
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// message reads the next length-prefixed message of a stream.
func (r *gobReader) message() (*gobReader, error) {
	n, err := r.uint()
	if err != nil {
		return nil, err
	}
	if n == 0 || n > uint64(r.left()) {
		return nil, fmt.Errorf("%w: message length %d at byte %d", errGobShape, n, r.p)
	}
	msg := &gobReader{b: r.b[r.p : r.p+int(n)]}
	r.p += int(n)
	return msg, nil
}

// Ids of gob's predeclared types.
const (
	gobBool      = 1
	gobInt       = 2
	gobUint      = 3
	gobFloat     = 4
	gobBytes     = 5
	gobString    = 6
	gobComplex   = 7
	gobInterface = 8
	gobFirstUser = 64
)

type gobWireKind uint8

const (
	gobArray gobWireKind = iota + 1
	gobSlice
	gobStruct
	gobMap
	gobExternal // GobEncoder, BinaryMarshaler, TextMarshaler: bytes
)

type gobWire struct {
	kind      gobWireKind
	elem, key int64   // array, slice, map
	fields    []int64 // struct
}

type gobWalker struct{ types map[int64]gobWire }

func (w *gobWalker) fail(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{errGobShape}, args...)...)
}

// define reads a wireType: a struct whose one field (ArrayT, SliceT,
// StructT, MapT or one of the three marshaler kinds) is itself a struct.
func (w *gobWalker) define(r *gobReader, id int64) error {
	if id < gobFirstUser {
		return w.fail("redefinition of predeclared type %d", id)
	}
	if _, dup := w.types[id]; dup {
		return w.fail("type %d defined twice", id)
	}
	var t gobWire
	err := r.fields(func(field int) error {
		if t.kind != 0 || field > 6 {
			return w.fail("bad type definition")
		}
		t.kind = [...]gobWireKind{gobArray, gobSlice, gobStruct, gobMap, gobExternal, gobExternal, gobExternal}[field]
		return r.fields(func(f int) error {
			switch {
			case f == 0: // CommonType{Name string; Id int}
				return r.fields(func(g int) error {
					if g == 0 {
						_, err := r.skipValue(gobString)
						return err
					}
					_, err := r.uint()
					return err
				})
			case t.kind == gobStruct && f == 1: // Field []fieldType{Name; Id}
				n, err := r.count()
				for ; err == nil && n > 0; n-- {
					var fid int64
					err = r.fields(func(g int) error {
						if g == 0 {
							_, err := r.skipValue(gobString)
							return err
						}
						var err error
						fid, err = r.int()
						return err
					})
					t.fields = append(t.fields, fid)
				}
				return err
			case t.kind == gobArray && f == 1, t.kind == gobSlice && f == 1, t.kind == gobMap && f == 2:
				var err error
				t.elem, err = r.int()
				return err
			case t.kind == gobMap && f == 1:
				var err error
				t.key, err = r.int()
				return err
			case t.kind == gobArray && f == 2: // Len
				_, err := r.int()
				return err
			}
			return w.fail("bad type definition field %d", f)
		})
	})
	if err != nil {
		return err
	}
	if t.kind == 0 {
		return w.fail("empty type definition")
	}
	w.types[id] = t
	return nil
}

// value walks one value of type id. A top-level value that is not a
// struct is preceded by a zero field delta.
func (w *gobWalker) value(r *gobReader, id int64, depth int, top bool) error {
	t, user := w.types[id]
	if top && depth == 0 && r.left() == 0 {
		return nil // a pointer to a nil pointer: gob sends the type, no value
	}
	if top && (!user || t.kind != gobStruct) {
		if d, err := r.uint(); err != nil || d != 0 {
			return w.fail("singleton without its zero delta")
		}
	}
	if !user {
		if id < gobBool || id > gobInterface {
			return w.fail("undefined type %d", id)
		}
		if id != gobInterface {
			_, err := r.skipValue(id)
			return err
		}
		name, err := r.skipValue(gobString)
		if err != nil || name == 0 { // nil interface
			return err
		}
		// As gob's decodeTypeSequence: type definitions may come first,
		// inline, and when the message runs out the stream's next message
		// continues it (the encoder flushes a partial message before each
		// definition).
		var concrete int64
		for {
			if r.left() == 0 {
				next, err := r.stream.message()
				if err != nil {
					return err
				}
				r.b, r.p = next.b, 0
			}
			id, err := r.int()
			if err != nil {
				return err
			}
			if id >= 0 {
				concrete = id
				break
			}
			if err := w.define(r, -id); err != nil {
				return err
			}
			if r.left() > 0 {
				if _, err := r.uint(); err != nil { // a delimited value's count
					return err
				}
			}
		}
		// The value's byte count is there for skipping; gob's decoder reads
		// it and decodes what follows in the same buffer, and so do we.
		n, err := r.uint()
		if err != nil || n == 0 { // 0: a pointer to a nil pointer, no value
			return err
		}
		if depth >= MaxDepth {
			return w.fail("%w", errTooDeep)
		}
		return w.value(r, concrete, depth+1, true)
	}
	if t.kind == gobExternal {
		_, err := r.skipValue(gobBytes)
		return err
	}
	if depth >= MaxDepth {
		return w.fail("%w", errTooDeep)
	}
	switch t.kind {
	case gobStruct:
		return r.fields(func(f int) error {
			if f >= len(t.fields) {
				return w.fail("field %d of a %d-field struct", f, len(t.fields))
			}
			return w.value(r, t.fields[f], depth+1, false)
		})
	case gobMap:
		n, err := r.count()
		for ; err == nil && n > 0; n-- {
			if err = w.value(r, t.key, depth+1, false); err == nil {
				err = w.value(r, t.elem, depth+1, false)
			}
		}
		return err
	default: // array, slice
		n, err := r.count()
		for ; err == nil && n > 0; n-- {
			err = w.value(r, t.elem, depth+1, false)
		}
		return err
	}
}

type gobReader struct {
	b      []byte
	p      int
	stream *gobReader // where the next message comes from
}

func (r *gobReader) left() int { return len(r.b) - r.p }

func (r *gobReader) uint() (uint64, error) {
	if r.p >= len(r.b) {
		return 0, fmt.Errorf("%w: truncated at byte %d", errGobShape, r.p)
	}
	c := r.b[r.p]
	r.p++
	if c < 0x80 {
		return uint64(c), nil
	}
	n := 256 - int(c) // a negated byte count
	if n > 8 || n > r.left() {
		return 0, fmt.Errorf("%w: bad unsigned integer at byte %d", errGobShape, r.p-1)
	}
	var x uint64
	for _, b := range r.b[r.p : r.p+n] {
		x = x<<8 | uint64(b)
	}
	r.p += n
	return x, nil
}

func (r *gobReader) int() (int64, error) {
	u, err := r.uint()
	if u&1 != 0 {
		return ^int64(u >> 1), err
	}
	return int64(u >> 1), err
}

// count reads a length or element count: every element takes at least one
// byte, so a count larger than the data left is malformed.
func (r *gobReader) count() (int, error) {
	n, err := r.uint()
	if err == nil && n > uint64(r.left()) {
		err = fmt.Errorf("%w: count %d at byte %d exceeds the data", errGobShape, n, r.p)
	}
	return int(n), err
}

// skipValue skips a value of a predeclared type but interface, returning
// its length for strings and bytes.
func (r *gobReader) skipValue(id int64) (int, error) {
	switch id {
	case gobBytes, gobString:
		n, err := r.count()
		r.p += n
		return n, err
	case gobComplex:
		if _, err := r.uint(); err != nil {
			return 0, err
		}
	}
	_, err := r.uint()
	return 0, err
}

// fields calls f with the index of each field of a struct, as gob sends
// them: deltas from the previous index, ending with a zero delta.
func (r *gobReader) fields(f func(field int) error) error {
	field := -1
	for {
		d, err := r.uint()
		if err != nil {
			return err
		}
		if d == 0 {
			return nil
		}
		if d > uint64(len(r.b)) { // no struct has more fields than bytes
			return fmt.Errorf("%w: field delta %d", errGobShape, d)
		}
		field += int(d)
		if err := f(field); err != nil {
			return err
		}
	}
}
