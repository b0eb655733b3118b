// Package mark encodes the marks a store.Retirer leaves under a retired
// token, for stores that keep them as bytes. A mark is never a session:
// stores answer "not found" for it and leave it out of iteration.
package mark

import "bytes"

var (
	pending = []byte("\x00sk:retired:pending")
	forward = []byte("\x00sk:retired:forward:")
)

// Pending is the mark of a token whose renewal or logout is under way.
func Pending() []byte { return pending }

// Forward is the mark of a token renewed to the session stored under key
// (a store key: the token's hash unless the manager stores raw tokens).
func Forward(key string) []byte { return append(bytes.Clone(forward), key...) }

// Is reports whether b is a mark rather than a session.
func Is(b []byte) bool { return bytes.HasPrefix(b, pending[:len("\x00sk:retired:")]) }

// IsPending reports whether b is the pending mark.
func IsPending(b []byte) bool { return bytes.Equal(b, pending) }

// Target returns the key a forward mark points to.
func Target(b []byte) (key string, ok bool) {
	if !bytes.HasPrefix(b, forward) {
		return "", false
	}
	return string(b[len(forward):]), true
}

// ForwardPrefix is the forward mark without its key, for scripts.
func ForwardPrefix() string { return string(forward) }
