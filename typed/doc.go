// Package typed reads and writes session values as Go types: no type
// assertions, no gob.Register, and a missing key is told apart from a value
// of another type.
//
//	u, err := typed.Get[User](r.Context(), "user")
//	switch {
//	case errors.Is(err, typed.ErrNotFound): // not signed in
//	case errors.Is(err, typed.ErrType):     // a bug: something else is stored under "user"
//	case err != nil:                        // typed.ErrNoSession: not behind LoadAndSave
//	}
//
// The functions find the session through the request context that
// manager.LoadAndSave prepared. Reading a value decodes that value only, from
// its stored bytes; each read returns a fresh copy. Put encodes the value at
// once, so errors surface at the call and later changes to the Go value do
// not leak into the session.
//
// The type check is strict and the same whether the value was put in this
// request or loaded from the store: Get[int64] of a stored int is ErrType,
// like the type assertion it replaces. Get[any] accepts anything.
package typed
