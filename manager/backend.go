package manager

import (
	"context"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/sessionkit/sessionkit/store"
)

// backend is the configured store seen through everything the adapter may
// ask of it. wrapStore builds it once, at New, filling in a fallback for
// each optional method the store lacks, so no call site checks types.
type backend interface {
	FindCtx(ctx context.Context, key string) ([]byte, bool, error)
	CommitModeCtx(ctx context.Context, key string, b []byte, expiry time.Time, mode store.Mode) error
	DeleteCtx(ctx context.Context, key string) error
	AllCtx(ctx context.Context) (map[string][]byte, error)
	// TouchCtx is nil-safe only when canTouch: without a Toucher the
	// manager rewrites the session instead.
	TouchCtx(ctx context.Context, key string, expiry time.Time) error
	canTouch() bool
	// FindIdleCtx is nil-safe only when canFindIdle: without a
	// store.IdleFinder the manager decides touches itself (touchLog).
	FindIdleCtx(ctx context.Context, key string, idle, below time.Duration) ([]byte, bool, time.Time, error)
	canFindIdle() bool
	// WalkCtx is nil-safe only when canWalk: without a store.Walker the
	// manager iterates with scs, over AllCtx.
	WalkCtx(ctx context.Context, fn func(key string, b []byte) error) error
	canWalk() bool
	store.Retirer
	store.CompareCommitter
	userIndex() store.UserIndexer // nil without one
}

// wrapped composes a backend from the store's own methods and fallbacks.
type wrapped struct {
	scs.CtxStore
	commit  store.ConditionalCommitter
	lister  scs.IterableCtxStore
	toucher store.Toucher
	idle    store.IdleFinder
	walker  store.Walker
	store.Retirer
	store.CompareCommitter
	users store.UserIndexer
}

func wrapStore(s scs.Store) backend {
	w := &wrapped{}
	if cs, ok := s.(scs.CtxStore); ok {
		w.CtxStore = cs
	} else {
		w.CtxStore = noCtx{s}
	}
	if cc, ok := s.(store.ConditionalCommitter); ok {
		w.commit = cc
	} else {
		w.commit = upsertOnly{w.CtxStore} // last write wins, as in scs
	}
	switch l := s.(type) {
	case scs.IterableCtxStore:
		w.lister = l
	case scs.IterableStore:
		w.lister = listNoCtx{l}
	default:
		w.lister = notIterable{}
	}
	w.toucher, _ = s.(store.Toucher)
	w.users, _ = s.(store.UserIndexer)
	w.idle, _ = s.(store.IdleFinder)
	w.walker, _ = s.(store.Walker)
	if r, ok := s.(store.Retirer); ok {
		w.Retirer = r
	} else {
		w.Retirer = plainDelete{w.CtxStore}
	}
	if c, ok := s.(store.CompareCommitter); ok {
		w.CompareCommitter = c
	} else {
		w.CompareCommitter = noCompare{w.commit}
	}
	return w
}

func (w *wrapped) CommitModeCtx(ctx context.Context, key string, b []byte, expiry time.Time, mode store.Mode) error {
	return w.commit.CommitModeCtx(ctx, key, b, expiry, mode)
}

func (w *wrapped) AllCtx(ctx context.Context) (map[string][]byte, error) { return w.lister.AllCtx(ctx) }

func (w *wrapped) TouchCtx(ctx context.Context, key string, expiry time.Time) error {
	return w.toucher.TouchCtx(ctx, key, expiry)
}

func (w *wrapped) canTouch() bool { return w.toucher != nil }

func (w *wrapped) FindIdleCtx(ctx context.Context, key string, idle, below time.Duration) ([]byte, bool, time.Time, error) {
	return w.idle.FindIdleCtx(ctx, key, idle, below)
}

func (w *wrapped) canFindIdle() bool { return w.idle != nil }

func (w *wrapped) WalkCtx(ctx context.Context, fn func(key string, b []byte) error) error {
	return w.walker.WalkCtx(ctx, fn)
}

func (w *wrapped) canWalk() bool { return w.walker != nil }

// noCtx adapts a store without context methods; the context is dropped.
type noCtx struct{ s scs.Store }

func (n noCtx) Find(key string) ([]byte, bool, error) { return n.s.Find(key) }
func (n noCtx) Commit(key string, b []byte, expiry time.Time) error {
	return n.s.Commit(key, b, expiry)
}
func (n noCtx) Delete(key string) error { return n.s.Delete(key) }
func (n noCtx) FindCtx(_ context.Context, key string) ([]byte, bool, error) {
	return n.s.Find(key)
}
func (n noCtx) CommitCtx(_ context.Context, key string, b []byte, expiry time.Time) error {
	return n.s.Commit(key, b, expiry)
}
func (n noCtx) DeleteCtx(_ context.Context, key string) error { return n.s.Delete(key) }

// upsertOnly ignores the commit mode: a store without conditional commits
// cannot refuse a late write.
type upsertOnly struct{ s scs.CtxStore }

func (u upsertOnly) CommitModeCtx(ctx context.Context, key string, b []byte, expiry time.Time, _ store.Mode) error {
	return u.s.CommitCtx(ctx, key, b, expiry)
}

type listNoCtx struct{ s scs.IterableStore }

func (l listNoCtx) All() (map[string][]byte, error)                   { return l.s.All() }
func (l listNoCtx) AllCtx(context.Context) (map[string][]byte, error) { return l.s.All() }

type notIterable struct{}

func (notIterable) All() (map[string][]byte, error)                   { return nil, ErrNotIterable }
func (notIterable) AllCtx(context.Context) (map[string][]byte, error) { return nil, ErrNotIterable }

// plainDelete is scs's behaviour for stores that cannot retire a token:
// delete it, and create the renewed session unconditionally. With a
// store.Remover, a renewal of a session already deleted (a finished
// sign-out) ends signed out; one racing the sign-out can still keep the
// session alive.
type plainDelete struct{ s scs.CtxStore }

func (p plainDelete) RetireCtx(ctx context.Context, key string, _ time.Duration) (bool, error) {
	if r, ok := p.s.(store.Remover); ok {
		return r.RemoveCtx(ctx, key)
	}
	return true, p.s.DeleteCtx(ctx, key)
}

func (p plainDelete) RenewCtx(ctx context.Context, _, newKey string, b []byte, expiry time.Time, _ time.Duration) error {
	return p.s.CommitCtx(ctx, newKey, b, expiry)
}

func (plainDelete) EndCtx(context.Context, string) error { return nil }
