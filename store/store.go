// Package store defines the small interfaces through which the manager asks
// more of a session store than scs.Store offers. Every method is optional:
// the manager checks for it and falls back to plain scs.Store behaviour.
//
// Implementations live in subpackages: redisstore (Redis over redigo),
// boltstore (an embedded file, go.etcd.io/bbolt) and memstore (process
// memory, the manager's default). Each implements every interface here.
package store

import (
	"context"
	"errors"
	"time"
)

// Mode is the condition under which a conditional commit may write.
type Mode int

const (
	// Upsert writes whether or not the token exists (scs.Store semantics).
	Upsert Mode = iota
	// Create writes only if no session has the token yet: a fresh token.
	Create
	// Update writes only if the session still exists. A session that was
	// loaded, then deleted by a concurrent logout or token renewal, is not
	// brought back by a late commit.
	Update
)

func (m Mode) String() string {
	switch m {
	case Create:
		return "create"
	case Update:
		return "update"
	}
	return "upsert"
}

// Sentinel errors for conditional operations; match them with errors.Is.
var (
	// ErrGone: an Update commit or a Touch found no session under the token.
	ErrGone = errors.New("store: session no longer exists")
	// ErrExists: a Create commit found the token already in use.
	ErrExists = errors.New("store: session token already exists")
)

// ConditionalCommitter commits under a Mode in a single store operation.
type ConditionalCommitter interface {
	// CommitModeCtx stores b under token until expiry if mode allows it,
	// and returns ErrGone or ErrExists when it does not.
	CommitModeCtx(ctx context.Context, token string, b []byte, expiry time.Time, mode Mode) error
}

// Toucher moves a session's expiry without rewriting its data.
type Toucher interface {
	// TouchCtx sets the expiry of token's session. It returns ErrGone when
	// there is no such session.
	TouchCtx(ctx context.Context, token string, expiry time.Time) error
}

// IdleFinder reads a session and extends its idle expiry in the same
// store operation, deciding from the expiry the store already keeps: the
// process needs no memory per session to extend each one at most once per
// refresh window, and every process sharing the store shares the decision.
// The manager uses it, when the store has it, for the session a request
// loads with an IdleTimeout set.
type IdleFinder interface {
	// FindIdleCtx returns token's session as FindCtx does. If the session
	// has less than below left before it expires, its expiry is moved to
	// idle from now (the store's now) and reported, as seen from the
	// caller's clock, in extended; otherwise extended is the zero Time.
	FindIdleCtx(ctx context.Context, token string, idle, below time.Duration) (b []byte, found bool, extended time.Time, err error)
}

// Walker lists sessions a batch at a time, so that iterating over a large
// store does not hold every session in memory at once, as scs's
// IterableStore.All does. The manager's Iterate uses it when the store has
// it.
type Walker interface {
	// WalkCtx calls fn with each live session (never a retired token's
	// mark) until fn returns an error, which WalkCtx then returns. fn may
	// change or delete sessions, including the one it is given. A session
	// created or deleted during the walk may or may not be seen; a store
	// may report a session twice (Redis SCAN does, when Redis resizes its
	// keyspace during the walk).
	WalkCtx(ctx context.Context, fn func(token string, b []byte) error) error
}

// Retirer ends a token's session in a way that lets a token renewal and a
// logout racing on the same session end with no session alive, whichever
// runs first, and lets one of two racing renewals win. The manager uses it
// for every delete of a request's loaded session (scs's RenewToken and
// Destroy both delete): RetireCtx when the request deletes, then at its
// commit RenewCtx (a renewal) or EndCtx (a logout).
//
// Retiring leaves a short-lived mark under the old token. A mark is not a
// session: Find, Update commits, Touch and iteration do not see it.
// Each method is one store operation (one Redis script, one bbolt
// transaction, one critical section).
type Retirer interface {
	// RetireCtx replaces token's live session by a pending mark lasting
	// pending and reports true; if token holds no live session (a mark,
	// or nothing), it changes nothing and reports false.
	RetireCtx(ctx context.Context, token string, pending time.Duration) (existed bool, err error)
	// RenewCtx stores b under newToken until expiry, create-only, and turns
	// oldToken's pending mark into a forward mark to newToken lasting
	// grace — only if oldToken still holds the pending mark. Otherwise it
	// writes nothing and returns ErrGone (ErrExists if newToken is taken).
	RenewCtx(ctx context.Context, oldToken, newToken string, b []byte, expiry time.Time, grace time.Duration) error
	// EndCtx deletes token's mark: a pending mark (a renewal under way
	// then fails), or a forward mark together with the session it points
	// to (a logout that arrives with the old cookie just after a renewal).
	// A live session under token is left alone.
	EndCtx(ctx context.Context, token string) error
}

// Remover deletes a session and reports whether there was one, in one
// store operation (Redis: DEL's count). The manager uses it where the
// store has no Retirer, so that a renewal of a session deleted meanwhile —
// by a sign-out in another request — ends signed out instead of carrying
// the session over.
type Remover interface {
	RemoveCtx(ctx context.Context, token string) (existed bool, err error)
}
