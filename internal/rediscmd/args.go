package rediscmd

import (
	"strconv"
	"sync"
)

// maxArgs is how many arguments an Args holds without growing: EVALSHA's
// sha and key count and the six arguments of the longest script call.
const maxArgs = 8

// maxSlots is how many arguments an Args builds in its own buffers: keys,
// numbers and small blobs.
const maxSlots = 5

// maxCopy is the largest blob Bytes copies into a buffer of its own
// rather than boxing the caller's slice; larger ones cost an allocation
// (24 bytes) instead of a copy, and are not kept by the pool.
const maxCopy = 1024

// Args is the argument list of one command, built without an allocation
// per argument. Boxing a string, []byte or int64 into redigo's
// []interface{} allocates each time; an Args writes keys, numbers and
// small blobs into buffers of its own and boxes each buffer once, reusing
// the box while the buffer keeps its address and length (a session key's
// length rarely changes from one request to the next). Args come from a
// sync.Pool: one costs nothing once the pool is warm.
//
// An Args is for one goroutine and one command at a time: get it with
// NewArgs, add the arguments in order, pass List to Do and Release it
// once the reply is read. The connection must not keep the arguments past
// the call, which redigo's connections do not: they write them to the
// socket before reading the reply.
type Args struct {
	list  []any
	array [maxArgs]any
	slots [maxSlots]slot
	used  int
}

// slot is a buffer that holds one argument and its box.
type slot struct {
	buf []byte
	box any
}

// arg returns buf as a command argument, boxing it only when the previous
// box no longer describes it (another address or length).
func (s *slot) arg() any {
	if b, ok := s.box.([]byte); ok && len(b) == len(s.buf) && (len(b) == 0 || &b[0] == &s.buf[0]) {
		return s.box
	}
	s.box = s.buf
	return s.box
}

var argsPool = sync.Pool{New: func() any {
	a := new(Args)
	a.list = a.array[:0]
	return a
}}

// NewArgs returns an empty Args from the pool.
func NewArgs() *Args { return argsPool.Get().(*Args) }

// Release returns a to the pool; neither a nor its List may be used after.
func (a *Args) Release() {
	a.reset()
	argsPool.Put(a)
}

// reset empties a, keeping its buffers and their boxes.
func (a *Args) reset() {
	// The callers' values may be collected: clear both the list and the
	// array it started in (the list may have outgrown it).
	clear(a.list)
	clear(a.array[:])
	a.list = a.array[:0]
	a.used = 0
}

// List is the arguments added so far, for Do.
func (a *Args) List() []any { return a.list }

// Len is how many arguments have been added.
func (a *Args) Len() int { return len(a.list) }

// Set replaces argument i (say, EVALSHA's sha by EVAL's source).
func (a *Args) Set(i int, v any) { a.list[i] = v }

// Add appends v as it is: a constant ("PX", "NX") or a value boxed once
// beforehand costs nothing, anything else what boxing it costs.
func (a *Args) Add(v any) *Args {
	a.list = append(a.list, v)
	return a
}

// slot returns the next free buffer, or nil when all are in use.
func (a *Args) slot() *slot {
	if a.used == maxSlots {
		return nil
	}
	a.used++
	return &a.slots[a.used-1]
}

// Key appends prefix+name+suffix as one argument: a Redis key built in
// a's buffer rather than concatenated into a new string.
func (a *Args) Key(prefix, name, suffix string) *Args {
	s := a.slot()
	if s == nil {
		return a.Add(prefix + name + suffix)
	}
	s.buf = append(append(append(s.buf[:0], prefix...), name...), suffix...)
	return a.Add(s.arg())
}

// Int appends n in decimal, as Redis reads numbers.
func (a *Args) Int(n int64) *Args {
	s := a.slot()
	if s == nil {
		return a.Add(n)
	}
	s.buf = strconv.AppendInt(s.buf[:0], n, 10)
	return a.Add(s.arg())
}

// Bytes appends b: copied into a's buffer up to maxCopy bytes, boxed as
// the caller's slice (one allocation) beyond.
func (a *Args) Bytes(b []byte) *Args {
	if len(b) > maxCopy {
		return a.Add(b)
	}
	s := a.slot()
	if s == nil {
		return a.Add(b)
	}
	s.buf = append(s.buf[:0], b...)
	return a.Add(s.arg())
}
