package codec

import (
	"bytes"
	"encoding/gob"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"time"

	"github.com/vmihailenco/msgpack/v5"

	"github.com/sessionkit/sessionkit/observe"
)

// format is one value encoding. Its id is written into every entry, so ids
// must never be reused for another encoding.
type format struct {
	id     byte
	name   string
	encode func(w *bytes.Buffer, v any) error
	decode func(data []byte, ptr any) error
	// check verifies, before decode runs, that data is well-formed enough
	// to decode safely: lengths that fit, nesting within MaxDepth.
	check func(data []byte) error
}

var (
	msgpackFormat = &format{id: 'm', name: "msgpack", encode: msgpackEncode, decode: msgpackDecode, check: checkMsgpack}
	jsonFormat    = &format{id: 'j', name: "json", encode: jsonEncode, decode: jsonDecode, check: checkJSON}
	gobFormat     = &format{id: 'g', name: "gob", encode: gobEncode, decode: gobDecode, check: checkGob}
)

func formatByID(id byte) *format {
	switch id {
	case 'm':
		return msgpackFormat
	case 'j':
		return jsonFormat
	case 'g':
		return gobFormat
	}
	return nil
}

var bufferPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func getBuffer() *bytes.Buffer { return bufferPool.Get().(*bytes.Buffer) }

func putBuffer(b *bytes.Buffer) {
	if b.Cap() > 64<<10 { // don't let one huge session pin memory in the pool
		return
	}
	b.Reset()
	bufferPool.Put(b)
}

func msgpackEncode(w *bytes.Buffer, v any) error {
	enc := msgpack.GetEncoder()
	enc.Reset(w)
	// Integers in as few bytes as their value needs (msgpack v5 writes
	// every int64 as nine bytes otherwise): smaller sessions, fewer bytes
	// to check and decode. Decoding into any integer type reads any width.
	enc.UseCompactInts(true)
	err := enc.Encode(v)
	msgpack.PutEncoder(enc)
	return err
}

type msgpackReader struct {
	rd  bytes.Reader
	dec *msgpack.Decoder
	pd  planDecoder
}

var msgpackReaders = sync.Pool{New: func() any {
	r := new(msgpackReader)
	r.dec = msgpack.NewDecoder(&r.rd)
	r.pd.d, r.pd.rd = r.dec, &r.rd
	return r
}}

// msgpackDecode decodes data, which checkMsgpack has accepted.
func msgpackDecode(data []byte, ptr any) error {
	r := msgpackReaders.Get().(*msgpackReader)
	r.rd.Reset(data)
	r.dec.Reset(&r.rd) // a *bytes.Reader is a ByteScanner: no bufio allocation
	var err error
	var plan *decodePlan
	pv := reflect.ValueOf(ptr)
	if pv.Kind() == reflect.Pointer && !pv.IsNil() {
		plan = planFor(pv.Type().Elem())
	}
	if plan != nil {
		r.pd.data = data
		err = r.pd.decode(plan, pv.Elem())
		r.pd.data, r.pd.str = nil, ""
	} else {
		err = r.dec.Decode(ptr)
	}
	r.rd.Reset(nil)
	msgpackReaders.Put(r)
	return err
}

func jsonEncode(w *bytes.Buffer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	w.Truncate(w.Len() - 1) // Encoder appends a newline
	return nil
}

// jsonDecode decodes data, which checkJSON has accepted. When decoding
// fails, the bytes are validated to tell garbage (ErrCorrupt) from a value
// that does not fit ptr.
func jsonDecode(data []byte, ptr any) error {
	err := json.Unmarshal(data, ptr)
	if err != nil && !json.Valid(data) {
		return fmt.Errorf("%w: %w", ErrCorrupt, err)
	}
	return err
}

func gobEncode(w *bytes.Buffer, v any) error { return gob.NewEncoder(w).Encode(v) }

func gobDecode(data []byte, ptr any) error {
	return gob.NewDecoder(bytes.NewReader(data)).Decode(ptr)
}

// encodeValue appends v's encoding to w, reporting to the hooks.
func (c *codec) encodeValue(w *bytes.Buffer, v any) (err error) {
	var start time.Time
	if c.hooks.CodecOn() {
		start = time.Now()
	}
	before := w.Len()
	defer func() {
		// Encoders for user types can panic (a MarshalJSON on a nil receiver,
		// an unsupported channel inside an any): that is bad input, not a crash.
		if p := recover(); p != nil {
			err = fmt.Errorf("panic while encoding: %v", p)
		}
		if err != nil {
			w.Truncate(before)
			err = &EncodeError{Codec: c.f.name, Type: typeName(v), Err: err}
		}
		if c.hooks.CodecOn() {
			c.hooks.Codec(observe.CodecEvent{Op: observe.OpEncodeValue, Codec: c.f.name,
				Duration: time.Since(start), Bytes: w.Len() - before, Err: err})
		}
	}()
	return c.f.encode(w, v)
}

func typeName(v any) string {
	if v == nil {
		return "nil"
	}
	return reflect.TypeOf(v).String()
}

// errDecodePanic is wrapped when a decoder panics on hostile input.
var errDecodePanic = errors.New("decoder panicked")

// safeDecode checks data and decodes it into ptr. Bytes that are not a
// well-formed value of the format, or nest deeper than MaxDepth, are
// ErrCorrupt; so is a decoder panic. Any other error means the value is
// well-formed but does not fit ptr.
func safeDecode(f *format, data []byte, ptr any) (err error) {
	if err := f.check(data); err != nil {
		return fmt.Errorf("%w: %w", ErrCorrupt, err)
	}
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%w: %w: %v", ErrCorrupt, errDecodePanic, p)
		}
	}()
	return f.decode(data, ptr)
}
