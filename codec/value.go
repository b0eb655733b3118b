package codec

import (
	"fmt"
	"reflect"
	"time"

	"github.com/sessionkit/sessionkit/observe"
)

// Value is a session value still in its encoded form. Decode turns it into
// a Go value of the caller's choosing; the bytes stay untouched, so a commit
// writes them back without re-encoding.
//
// Values are immutable and safe for concurrent use.
type Value struct {
	f     *format
	kind  reflect.Kind
	plain bool // Decode of the blob returns it natively: see plainFlag
	data  []byte
	hooks *observe.Hooks
}

// Kind is the reflect.Kind of the value that was put. It lets a reader
// reject a wrong type before decoding anything.
func (v *Value) Kind() reflect.Kind { return v.kind }

// Format is the name of the format the bytes are in.
func (v *Value) Format() string { return v.f.name }

// Size is the encoded size in bytes.
func (v *Value) Size() int { return len(v.data) }

// String describes the value without decoding it (and without its content).
func (v *Value) String() string {
	return fmt.Sprintf("%s-encoded %s (%d bytes)", v.f.name, v.kind, len(v.data))
}

// Decode decodes the value into ptr, which must be a non-nil pointer.
// It costs one decode of this value only; the result is not cached, so each
// call returns a fresh copy that the caller may modify freely.
func (v *Value) Decode(ptr any) (err error) {
	var start time.Time
	if v.hooks.CodecOn() {
		start = time.Now()
	}
	err = safeDecode(v.f, v.data, ptr)
	if v.hooks.CodecOn() {
		v.hooks.Codec(observe.CodecEvent{Op: observe.OpDecodeValue, Codec: v.f.name,
			Duration: time.Since(start), Bytes: len(v.data), Err: err})
	}
	if err != nil {
		return fmt.Errorf("codec: %s: decoding %s into %T: %w", v.f.name, v.kind, ptr, err)
	}
	return nil
}
