package typed

import (
	"errors"
	"fmt"
	"github.com/sessionkit/sessionkit/manager"
	"reflect"
)

// Sentinel errors; match them with errors.Is.
var (
	// ErrNotFound: the session has no value under the key.
	ErrNotFound = errors.New("typed: key not in session")
	// ErrNoSession: the context carries no session; the handler is not
	// behind manager.LoadAndSave.
	// It is manager.ErrNoSession itself: errors.Is matches either.
	ErrNoSession = manager.ErrNoSession
	// ErrType: the stored value is not of the requested type. The error is
	// a *TypeError naming the key and both types.
	ErrType = errors.New("typed: stored value has another type")
)

// TypeError reports a read with the wrong type. errors.Is(err, ErrType)
// matches it.
type TypeError struct {
	Key    string
	Stored string       // what is stored: a Go type, or a kind when still encoded
	Want   reflect.Type // what the caller asked for
	Err    error        // the decoder's error, if decoding was attempted
}

func (e *TypeError) Error() string {
	msg := fmt.Sprintf("typed: key %q holds %s, want %v", e.Key, e.Stored, e.Want)
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Is matches ErrType.
func (e *TypeError) Is(target error) bool { return target == ErrType }

// Unwrap returns the decoder's error, if any.
func (e *TypeError) Unwrap() error { return e.Err }

func notFound(key string) error { return fmt.Errorf("%w: %q", ErrNotFound, key) }

func isNotFound(err error) bool { return err != nil && errors.Is(err, ErrNotFound) }
