// Package bridge connects sessionkit's packages through functions they
// must not export: package codec and package manager fill in the
// variables in their init, and manager and typed call them. Users never
// see any of it.
package bridge

import (
	"context"
	"time"
)

// Native, set by package codec, returns v as the Go value a sessionkit
// codec decodes it to after a round trip (a predeclared bool, string,
// number, []byte or time.Time), and false for values that stay encoded
// until read (composites, types with marshaling methods).
var Native func(v any) (any, bool)

// Peek, set by package codec, returns what decoding the sessionkit blob b
// gives for its deadline and for the value under key (nil if absent),
// without decoding the rest; ok is false for a blob that is not a
// well-formed sessionkit blob.
var Peek func(b []byte, key string) (deadline time.Time, v any, ok bool)

// The session access package typed needs, set by package manager. Each
// returns manager.ErrNoSession for a context without a session.
var (
	// Lookup returns the raw value under key: a *codec.Value while still
	// encoded, or a Go value; found is false for a missing key.
	Lookup func(ctx context.Context, key string) (v any, found bool, err error)
	Put    func(ctx context.Context, key string, v any) error
	Remove func(ctx context.Context, key string) error
	// Update replaces the value under key by fn of the current one, and
	// runs fn again at a commit that finds the session changed meanwhile.
	Update func(ctx context.Context, key string, fn func(v any, ok bool) (any, error)) error
)
