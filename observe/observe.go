// Package observe defines the hooks sessionkit calls around the two costs on
// a session's hot path: store round trips and codec work.
//
// A nil *Hooks, or a Hooks with nil fields, costs one nil check per event:
// no clock reads and no allocations. Hooks run synchronously on the request
// goroutine, so they must be cheap and safe for concurrent use.
package observe

import "time"

// Store operations reported in StoreEvent.Op.
const (
	OpFind   = "find"
	OpCommit = "commit"
	OpDelete = "delete"
	OpTouch  = "touch"
	OpAll    = "all"
)

// Codec operations reported in CodecEvent.Op.
const (
	OpEncode      = "encode"       // a whole session blob
	OpDecode      = "decode"       // a whole session blob, values left encoded
	OpEncodeValue = "encode-value" // one value, at Put time or at commit
	OpDecodeValue = "decode-value" // one value, when a handler reads it
)

// StoreEvent describes one store operation. Token hashes and tokens are never
// included.
type StoreEvent struct {
	Op       string
	Duration time.Duration
	Bytes    int // bytes read (find, all) or written (commit)
	Err      error
}

// CodecEvent describes one codec operation.
type CodecEvent struct {
	Op       string
	Codec    string // "json", "msgpack", "gob"
	Duration time.Duration
	Bytes    int // encoded size
	Err      error
}

// Hooks receives events. Either field may be nil.
type Hooks struct {
	Store func(StoreEvent)
	Codec func(CodecEvent)
}

// StoreOn reports whether store events are wanted; callers check it before
// reading the clock so that unset hooks cost nothing.
func (h *Hooks) StoreOn() bool { return h != nil && h.Store != nil }

// CodecOn reports whether codec events are wanted.
func (h *Hooks) CodecOn() bool { return h != nil && h.Codec != nil }
