package store

import (
	"context"
	"errors"
	"time"
)

// ErrConflict: a CommitIfCtx found the session changed since it was loaded
// (another request committed in between). Nothing was written.
var ErrConflict = errors.New("store: session changed since it was loaded")

// CompareCommitter commits a loaded session only if it is still what was
// loaded, in a single store operation (one Redis script, one bbolt
// transaction, one critical section). The manager uses it for every commit
// of a loaded session, so that two requests that change one session at the
// same time merge their changes instead of the last commit undoing the
// first (see the manager's documentation on concurrent requests).
//
// The comparison is on the stored bytes (or a hash of them), not on a
// version number in the blob: it works for any blob, including one written
// by another program, and a blob that changed and changed back compares
// equal, which is harmless because its content is what was loaded.
type CompareCommitter interface {
	// CommitIfCtx stores b under token until expiry if token's live session
	// is still loaded, byte for byte. It returns ErrGone when token holds
	// no live session (deleted, retired, expired) and ErrConflict when it
	// holds another one.
	CommitIfCtx(ctx context.Context, token string, b []byte, expiry time.Time, loaded []byte) error
}
