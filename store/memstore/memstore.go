// Package memstore keeps sessions in process memory: the manager's default
// store. Sessions are lost when the process exits; use redisstore or
// boltstore to keep them.
//
// Unlike scs's memstore it commits conditionally, touches, retires tokens
// (store.ConditionalCommitter, store.Toucher, store.Retirer), so a late
// write after a logout cannot bring a session back. Expired sessions are
// invisible at once and deleted by a background sweep that stops on Close,
// or when the Store is garbage collected.
package memstore

import (
	"bytes"
	"context"
	"runtime"
	"sync"
	"time"

	"github.com/sessionkit/sessionkit/store"
)

// DefaultCleanupInterval is how often the sweep deletes expired sessions.
const DefaultCleanupInterval = time.Minute

type kind uint8

const (
	session kind = iota
	pending      // a retired token, renewal or logout under way
	forward      // a retired token renewed to item.to
)

type item struct {
	b      []byte
	expiry time.Time
	kind   kind
	to     string
}

// Store is an in-memory session store, safe for concurrent use.
type Store struct {
	*state // the sweep holds only this, so the Store itself can be collected
}

type state struct {
	mu    sync.Mutex
	items map[string]item
	users map[string]map[string]time.Time // user → session key → bound at

	stop chan struct{}
	done chan struct{}
	once sync.Once
}

// Option configures a Store.
type Option func(*options)

type options struct{ interval time.Duration }

// WithCleanupInterval sets how often expired sessions are deleted (default
// one minute); zero or negative disables the sweep.
func WithCleanupInterval(d time.Duration) Option { return func(o *options) { o.interval = d } }

// New returns an empty Store and starts its sweep.
func New(opts ...Option) *Store {
	o := options{interval: DefaultCleanupInterval}
	for _, f := range opts {
		f(&o)
	}
	st := &state{items: map[string]item{}, stop: make(chan struct{}), done: make(chan struct{})}
	s := &Store{st}
	if o.interval > 0 {
		go st.sweep(o.interval)
		runtime.SetFinalizer(s, func(s *Store) { s.state.close() })
	} else {
		close(st.done)
	}
	return s
}

// Close stops the sweep and waits for it. The sessions stay readable.
func (s *Store) Close() error {
	s.state.close()
	return nil
}

func (st *state) close() {
	st.once.Do(func() { close(st.stop) })
	<-st.done
}

func (st *state) sweep(interval time.Duration) {
	defer close(st.done)
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-st.stop:
			return
		case <-t.C:
			st.deleteExpired()
		}
	}
}

// DeleteExpired deletes every expired entry now and reports how many.
func (s *Store) DeleteExpired() int { return s.state.deleteExpired() }

func (st *state) deleteExpired() int {
	now := time.Now()
	st.mu.Lock()
	defer st.mu.Unlock()
	n := 0
	for k, it := range st.items {
		if !it.expiry.After(now) {
			delete(st.items, k)
			n++
		}
	}
	st.pruneUsers(now)
	return n
}

var (
	_ store.ConditionalCommitter = (*Store)(nil)
	_ store.Toucher              = (*Store)(nil)
	_ store.Retirer              = (*Store)(nil)
	_ store.CompareCommitter     = (*Store)(nil)
	_ store.IdleFinder           = (*Store)(nil)
)

// get returns key's live entry of any kind. Callers hold mu.
func (st *state) get(key string, now time.Time) (item, bool) {
	it, ok := st.items[key]
	if !ok || !it.expiry.After(now) {
		return item{}, false
	}
	return it, true
}

// Find returns token's session if it exists and has not expired.
func (s *Store) Find(token string) ([]byte, bool, error) {
	return s.FindCtx(context.Background(), token)
}

// FindCtx is Find; the context is not used.
func (s *Store) FindCtx(_ context.Context, token string) ([]byte, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	it, ok := s.get(token, time.Now())
	if !ok || it.kind != session {
		return nil, false, nil
	}
	return it.b, true, nil // blobs are never modified in place
}

// FindIdleCtx implements store.IdleFinder: in one critical section it
// returns token's session and, if it expires in less than below, moves its
// expiry to idle from now.
func (s *Store) FindIdleCtx(_ context.Context, token string, idle, below time.Duration) (b []byte, found bool, extended time.Time, err error) {
	now := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	it, ok := s.get(token, now)
	if !ok || it.kind != session {
		return nil, false, time.Time{}, nil
	}
	if it.expiry.Sub(now) < below {
		it.expiry = now.Add(idle)
		s.items[token] = it
		extended = it.expiry
	}
	return it.b, true, extended, nil
}

// Commit stores b under token until expiry.
func (s *Store) Commit(token string, b []byte, expiry time.Time) error {
	return s.CommitModeCtx(context.Background(), token, b, expiry, store.Upsert)
}

// CommitCtx is Commit; the context is not used.
func (s *Store) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	return s.CommitModeCtx(ctx, token, b, expiry, store.Upsert)
}

// CommitModeCtx stores b under token until expiry if mode allows it:
// Create fails with store.ErrExists if the token is in use, Update with
// store.ErrGone if it holds no live session.
func (s *Store) CommitModeCtx(_ context.Context, token string, b []byte, expiry time.Time, mode store.Mode) error {
	now := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	it, live := s.get(token, now)
	switch {
	case mode == store.Create && live:
		return store.ErrExists
	case mode == store.Update && (!live || it.kind != session):
		return store.ErrGone
	}
	if !expiry.After(now) {
		delete(s.items, token)
		return nil
	}
	s.items[token] = item{b: bytes.Clone(b), expiry: expiry} // the caller may reuse b
	return nil
}

// CommitIfCtx implements store.CompareCommitter under the store's lock.
func (s *Store) CommitIfCtx(_ context.Context, token string, b []byte, expiry time.Time, loaded []byte) error {
	now := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	it, live := s.get(token, now)
	switch {
	case !live || it.kind != session:
		return store.ErrGone
	case !bytes.Equal(it.b, loaded):
		return store.ErrConflict
	}
	if !expiry.After(now) {
		delete(s.items, token)
		return nil
	}
	s.items[token] = item{b: bytes.Clone(b), expiry: expiry}
	return nil
}

// Delete removes token's entry.
func (s *Store) Delete(token string) error { return s.DeleteCtx(context.Background(), token) }

// DeleteCtx is Delete; the context is not used.
func (s *Store) DeleteCtx(_ context.Context, token string) error {
	s.mu.Lock()
	delete(s.items, token)
	s.mu.Unlock()
	return nil
}

// TouchCtx moves a live session's expiry; store.ErrGone if there is none.
func (s *Store) TouchCtx(_ context.Context, token string, expiry time.Time) error {
	now := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	it, ok := s.get(token, now)
	if !ok || it.kind != session {
		return store.ErrGone
	}
	if !expiry.After(now) {
		delete(s.items, token)
		return nil
	}
	it.expiry = expiry
	s.items[token] = it
	return nil
}

// RetireCtx implements store.Retirer under the store's lock.
func (s *Store) RetireCtx(_ context.Context, token string, ttl time.Duration) (bool, error) {
	now := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	if it, ok := s.get(token, now); !ok || it.kind != session {
		return false, nil
	}
	s.items[token] = item{expiry: now.Add(ttl), kind: pending}
	return true, nil
}

// RenewCtx implements store.Retirer under the store's lock.
func (s *Store) RenewCtx(_ context.Context, oldToken, newToken string, b []byte, expiry time.Time, grace time.Duration) error {
	now := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	if it, ok := s.get(oldToken, now); !ok || it.kind != pending {
		return store.ErrGone
	}
	if _, taken := s.get(newToken, now); taken {
		return store.ErrExists
	}
	s.items[newToken] = item{b: bytes.Clone(b), expiry: expiry}
	s.items[oldToken] = item{expiry: now.Add(grace), kind: forward, to: newToken}
	return nil
}

// EndCtx implements store.Retirer under the store's lock.
func (s *Store) EndCtx(_ context.Context, token string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	it, ok := s.items[token]
	switch {
	case !ok || it.kind == session:
		return nil
	case it.kind == forward:
		delete(s.items, it.to)
	}
	delete(s.items, token)
	return nil
}

// All returns every live session keyed by token.
func (s *Store) All() (map[string][]byte, error) { return s.AllCtx(context.Background()) }

// AllCtx is All; the context is not used.
func (s *Store) AllCtx(context.Context) (map[string][]byte, error) {
	now := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	all := make(map[string][]byte, len(s.items))
	for k, it := range s.items {
		if it.kind == session && it.expiry.After(now) {
			all[k] = it.b
		}
	}
	return all, nil
}
