package store

import (
	"context"
	"time"
)

// UserSession is one entry of a user's session index.
type UserSession struct {
	Key     string    // the session's store key (a token hash by default)
	BoundAt time.Time // when the session was bound to the user
	// Live reports whether the session exists. An entry whose session does
	// not (yet) exist is listed only while it is recent; see UserIndexer.
	Live bool
}

// UserIndexer keeps, per user, the store keys of the user's sessions, so
// that "sign out everywhere" costs in proportion to that user's sessions,
// not to the store. The manager writes an entry before the session it
// names, so the index never misses a live bound session; entries whose
// session is gone are dropped when the user's sessions are listed.
//
// The user is an opaque string chosen by the manager (a hash of the
// application's user ID). Each method is one store operation.
type UserIndexer interface {
	// BindUserCtx adds key to user's index, bound at boundAt. The entry
	// must last at least until expiry.
	BindUserCtx(ctx context.Context, user, key string, boundAt, expiry time.Time) error
	// UserSessionsCtx lists user's entries: those whose session is live,
	// and those bound after recent whose session does not exist (it may be
	// about to be created: a token renewal binds the new key first). Other
	// entries are removed from the index.
	UserSessionsCtx(ctx context.Context, user string, recent time.Time) ([]UserSession, error)
	// UnbindUserCtx removes keys from user's index.
	UnbindUserCtx(ctx context.Context, user string, keys ...string) error
}
