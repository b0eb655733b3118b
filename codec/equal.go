package codec

import "bytes"

// Equal reports whether v and w hold the same encoded value: the same
// format, kind and bytes. Nothing is decoded. The manager uses it to tell
// which keys a request changed when two requests commit one session at
// the same time.
func (v *Value) Equal(w *Value) bool {
	if v == nil || w == nil {
		return v == w
	}
	return v.f == w.f && v.kind == w.kind && v.plain == w.plain && bytes.Equal(v.data, w.data)
}
