package manager

import (
	"errors"
	"fmt"
)

// Sentinel errors; match them with errors.Is.
var (
	// ErrStore wraps every error that comes from the session store, such as
	// Redis being unreachable. The default error handler answers 503 for it.
	ErrStore = errors.New("manager: session store failed")
	// ErrTooLarge means a value or a whole session is larger than
	// Config.MaxSize once encoded. Nothing is written.
	ErrTooLarge = errors.New("manager: session too large")
	// ErrNoSession means the context carries no session of this Manager:
	// the handler is not behind its LoadAndSave (or Iterate).
	ErrNoSession = errors.New("manager: no session in context (is the handler behind Manager.LoadAndSave?)")
	// ErrNotIterable means the store cannot list its sessions.
	ErrNotIterable = errors.New("manager: store does not support iteration")
)

// StoreError is a failed store operation. errors.Is(err, ErrStore) matches
// it, and errors.Is/As also see the store's own error.
type StoreError struct {
	Op  string // "find", "commit", "delete", "touch", "all"
	Err error
}

func (e *StoreError) Error() string { return fmt.Sprintf("manager: store %s: %v", e.Op, e.Err) }

// Unwrap returns both ErrStore and the store's error.
func (e *StoreError) Unwrap() []error { return []error{ErrStore, e.Err} }
