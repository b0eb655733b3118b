package manager

import (
	"context"
	"sync"
	"time"
)

type ctxKey struct{}

// requestState is what the manager remembers about one request's session.
// The store adapter reads it to choose the commit mode and the store key.
type requestState struct {
	m *Manager

	mu sync.Mutex
	// loading is true only inside scs's Load: a session Find returns then is
	// the request's own. scs's MergeSession also calls Find, for another
	// token, and that session must not become the one this request commits
	// over (Update mode) or touches.
	loading   bool
	loadedKey string // store key of the session loaded from the store
	loadedTok string // the raw token that loaded it
	// missKey is the store key of the request's cookie when Find found no
	// session under it: it may hold a retired token's mark, which a
	// Destroy in this request must still end (see storeAdapter.DeleteCtx).
	missKey string
	// retired: this request retired its loaded session (RenewToken or
	// Destroy); existed: it was still a live session then.
	retired, retiredExisted bool
	expiry                  time.Time
	// extended is the idle expiry the store set while loading the session
	// (store.IdleFinder), zero if it did not extend it.
	extended time.Time

	// What the browser's cookie already says, for a loaded session: a
	// commit that changes none of it need not send Set-Cookie again.
	cookieExpiry   time.Time
	cookieRemember bool
	iterating      bool // inside Manager.Iterate: no request, no cookie
	merge          mergeState
	users          userState
	// walkKey and walkBlob: the session Iterate is loading, read by the
	// walk (store.Walker); Find returns it without asking the store again.
	walkKey  string
	walkBlob []byte

	writer sessionWriter
	ctx    stateContext
	vary   [1]string // the Vary header's value slice, see LoadAndSave
}

// stateContext is the request's context with its requestState: it answers
// ctxKey itself rather than through context.WithValue, because it lives
// inside the requestState the middleware allocates anyway — one allocation
// per request fewer.
type stateContext struct {
	context.Context
	st *requestState
}

func (c *stateContext) Value(key any) any {
	if _, ok := key.(ctxKey); ok {
		return c.st
	}
	return c.Context.Value(key)
}

// withState returns parent carrying st.
func withState(parent context.Context, st *requestState) context.Context {
	st.ctx = stateContext{Context: parent, st: st}
	return &st.ctx
}

func (st *requestState) isLoading() bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.loading
}

func stateFrom(ctx context.Context) *requestState {
	st, _ := ctx.Value(ctxKey{}).(*requestState)
	return st
}

// fromContext returns the Manager whose LoadAndSave (or Iterate) is
// serving ctx.
func fromContext(ctx context.Context) (*Manager, bool) {
	if st := stateFrom(ctx); st != nil {
		return st.m, true
	}
	return nil, false
}
