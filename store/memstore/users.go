package memstore

import (
	"context"
	"time"

	"github.com/sessionkit/sessionkit/store"
)

var _ store.UserIndexer = (*Store)(nil)

// BindUserCtx implements store.UserIndexer under the store's lock. The
// index lives as long as the Store; listing prunes it.
func (s *Store) BindUserCtx(_ context.Context, user, key string, boundAt, _ time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.users == nil {
		s.users = map[string]map[string]time.Time{}
	}
	if s.users[user] == nil {
		s.users[user] = map[string]time.Time{}
	}
	s.users[user][key] = boundAt
	return nil
}

// UserSessionsCtx implements store.UserIndexer under the store's lock.
func (s *Store) UserSessionsCtx(_ context.Context, user string, recent time.Time) ([]store.UserSession, error) {
	now := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []store.UserSession
	for key, at := range s.users[user] {
		it, ok := s.get(key, now)
		live := ok && it.kind == session
		switch {
		case live || at.After(recent):
			out = append(out, store.UserSession{Key: key, BoundAt: at, Live: live})
		default:
			delete(s.users[user], key)
		}
	}
	if len(s.users[user]) == 0 {
		delete(s.users, user)
	}
	return out, nil
}

// UnbindUserCtx implements store.UserIndexer under the store's lock.
func (s *Store) UnbindUserCtx(_ context.Context, user string, keys ...string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, k := range keys {
		delete(s.users[user], k)
	}
	if len(s.users[user]) == 0 {
		delete(s.users, user)
	}
	return nil
}

// indexGrace is how long the sweep keeps an index entry whose session does
// not exist: a token renewal binds its new key just before creating it.
const indexGrace = time.Minute

// pruneUsers drops index entries whose session is gone, so that users who
// never list their sessions do not make the index grow. Callers hold mu.
func (st *state) pruneUsers(now time.Time) {
	for user, keys := range st.users {
		for key, at := range keys {
			if _, ok := st.items[key]; !ok && now.Sub(at) > indexGrace {
				delete(keys, key)
			}
		}
		if len(keys) == 0 {
			delete(st.users, user)
		}
	}
}
