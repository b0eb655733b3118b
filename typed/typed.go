package typed

import (
	"context"
	"errors"
	"fmt"
	"reflect"

	"github.com/sessionkit/sessionkit/codec"
	"github.com/sessionkit/sessionkit/internal/bridge"
)

// Get returns the value stored under key as a T. It fails with ErrNotFound,
// ErrType (a *TypeError), codec.ErrCorrupt (the stored bytes are damaged:
// Remove the key and carry on as if it were missing) or ErrNoSession, and
// never returns a zero value with a nil error for a key that holds
// something else. Cost: one decode of
// this value; nothing else in the session is decoded.
func Get[T any](ctx context.Context, key string) (T, error) {
	var zero T
	v, ok, err := bridge.Lookup(ctx, key)
	switch {
	case err != nil:
		return zero, err
	case !ok:
		return zero, notFound(key)
	}
	return as[T](key, v)
}

// GetOr is Get with a default for a missing key: it returns def and a nil
// error when the key is absent, and still reports ErrType and ErrNoSession.
//
//	visits, err := typed.GetOr(ctx, "visits", 0)
func GetOr[T any](ctx context.Context, key string, def T) (T, error) {
	v, err := Get[T](ctx, key)
	if isNotFound(err) {
		return def, nil
	}
	return v, err
}

// Put stores v under key. The value is encoded now; an unencodable value
// (codec.ErrEncode) or one over the manager's size limit
// (manager.ErrTooLarge) is reported and nothing is stored.
func Put[T any](ctx context.Context, key string, v T) error {
	return bridge.Put(ctx, key, v)
}

// Pop returns the value under key as a T and removes it: the idiom for
// one-time flash messages. On any error nothing is removed.
func Pop[T any](ctx context.Context, key string) (T, error) {
	v, err := Get[T](ctx, key)
	if err != nil {
		return v, err
	}
	return v, bridge.Remove(ctx, key)
}

// Remove deletes key from the session. A missing key is not an error.
func Remove(ctx context.Context, key string) error {
	return bridge.Remove(ctx, key)
}

// Exists reports whether the session holds key, whatever its type. Without
// a session in ctx it reports false.
func Exists(ctx context.Context, key string) bool {
	_, ok, _ := bridge.Lookup(ctx, key)
	return ok
}

// as converts a raw session value, as the manager holds it, to T,
// decoding it if it is still encoded. key only names the value in errors.
func as[T any](key string, v any) (T, error) {
	if enc, ok := v.(*codec.Value); ok {
		return decodeAs[T](key, enc)
	}
	if t, ok := v.(T); ok {
		return t, nil
	}
	var out T
	want := reflect.TypeFor[T]()
	if v == nil && nilable(want.Kind()) {
		return out, nil
	}
	if rv := reflect.ValueOf(v); v != nil && convertible(rv.Type(), want) {
		return rv.Convert(want).Interface().(T), nil
	}
	stored := "nil"
	if v != nil {
		stored = reflect.TypeOf(v).String()
	}
	return out, &TypeError{Key: key, Stored: stored, Want: want}
}

// decodeAs decodes an encoded value into a T. It is apart from as because
// its T escapes to the heap (Decode takes a pointer): inside as, that
// allocation would be paid by every read of a value already decoded too.
func decodeAs[T any](key string, enc *codec.Value) (T, error) {
	var out T
	want := reflect.TypeFor[T]()
	if !kindFits(enc.Kind(), want) {
		return out, &TypeError{Key: key, Stored: enc.Kind().String(), Want: want}
	}
	if err := enc.Decode(&out); err != nil {
		if errors.Is(err, codec.ErrCorrupt) {
			// The bytes are damaged, not of another type: no T would do.
			return out, fmt.Errorf("typed: key %q: %w", key, err)
		}
		return out, &TypeError{Key: key, Stored: enc.Kind().String(), Want: want, Err: err}
	}
	return out, nil
}

// convertible reports whether a native value of type have is read as want
// by conversion: the same basic kind (a string stored, a `type Role string`
// wanted, or the other way round), or a []byte for a named byte slice.
// This is what decoding the stored bytes into want would give, so a value
// reads the same whether it is still encoded or already native.
func convertible(have, want reflect.Type) bool {
	switch k := want.Kind(); {
	case have.Kind() != k:
		return false
	case k == reflect.Slice:
		return have.Elem() == byteType && want.Elem() == byteType
	case k == reflect.Bool || k == reflect.String || reflect.Int <= k && k <= reflect.Float64:
		return true
	}
	return false
}

var byteType = reflect.TypeFor[byte]()

// kindFits reports whether a value put with kind stored may be decoded as
// want. Interfaces take anything; a stored nil fits anything that can be nil.
func kindFits(stored reflect.Kind, want reflect.Type) bool {
	switch {
	case want.Kind() == reflect.Interface, stored == reflect.Interface: // plain JSON (codec.RawJSON) fits any type its JSON decodes into
		return true
	case stored == reflect.Invalid:
		return nilable(want.Kind())
	}
	return stored == want.Kind()
}

func nilable(k reflect.Kind) bool {
	switch k {
	case reflect.Pointer, reflect.Map, reflect.Slice, reflect.Interface, reflect.Func, reflect.Chan:
		return true
	}
	return false
}
