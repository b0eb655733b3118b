// Package typed reads and writes session values as Go types: no type
// assertions, no gob.Register, and a missing key is told apart from a value
// of another type and from a damaged one.
//
//	u, err := typed.Get[User](r.Context(), "user")
//	switch {
//	case errors.Is(err, typed.ErrNotFound): // not signed in
//	case errors.Is(err, codec.ErrCorrupt):  // damaged bytes: typed.Remove the key, treat as not found
//	case errors.Is(err, typed.ErrType):     // a bug: something else is stored under "user"
//	case err != nil:                        // typed.ErrNoSession: not behind LoadAndSave
//	}
//
// The functions find the session through the request context that
// manager.LoadAndSave prepared. Reading a struct, slice or map decodes that
// value only, from its stored bytes; each read returns a fresh copy. Put
// encodes the value at once, so errors surface at the call and later
// changes to the Go value do not leak into the session.
//
// The type check compares kinds, and is the same whether the value was put
// in this request or loaded from the store: Get[T] succeeds when T has the
// reflect.Kind of the type that was put. A basic kind reads as any type of
// that kind (Get[Role] of a stored string, with type Role string), a struct
// as any struct, decoded field by field. Get[int64] of a stored int is
// ErrType, like the type assertion it replaces. Get[any] accepts anything.
package typed
