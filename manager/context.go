package manager

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/alexedwards/scs/v2"
)

type ctxKey struct{}

// requestState is what the manager remembers about one request's session.
// The store adapter reads it to choose the commit mode and the store key.
type requestState struct {
	m *Manager

	mu sync.Mutex
	// The flags are together, so that they share one word: the state is
	// allocated on every request.
	//
	// loading is true only while the middleware loads the session (scs's
	// Load, or loadData in its place): a session Find returns then is
	// the request's own. scs's MergeSession also calls Find, for another
	// token, and that session must not become the one this request commits
	// over (Update mode) or touches.
	loading bool
	// retired: this request retired its loaded session (RenewToken or
	// Destroy); existed: it was still a live session then.
	retired, retiredExisted bool
	cookieRemember          bool // see cookieExpiry
	iterating               bool // inside Manager.Iterate: no request, no cookie
	// lazy: the request carried no usable session cookie, so its session
	// starts empty and scs's session data is made on first use (see
	// stateContext.Value); sd holds it then. A request that never touches
	// its session — most public pages — costs no scs session data, no
	// context layer and no commit work. Set before the context is handed
	// out, read-only afterwards.
	lazy bool

	loadedKey string // store key of the session loaded from the store
	loadedTok string // the raw token that loaded it
	expiry    time.Time
	merge     mergeState
	// s is what only a request with a session needs: nil until then
	// (sess), so that a request without a cookie allocates less.
	s *sessionState
	// walk is Iterate's: nil in requests.
	walk *walkState

	writer sessionWriter
	ctx    stateContext
	vary   [1]string // the Vary header's value slice, see LoadAndSave

	// sd points at sdVal once the request has scs session data that its
	// context answers itself: a lazy session after first use, or a session
	// the middleware loaded through the mirror (scsdata.go). sdMu orders
	// the first use by concurrent goroutines of one handler.
	sd    atomic.Pointer[any]
	sdVal any
	sdMu  sync.Mutex
}

// sessionState is the part of a request's state that only a request with
// a session cookie, or whose handler uses its session, needs.
type sessionState struct {
	data scsData // what requestState.sdVal points at, with the mirror
	// missKey is the store key of the request's cookie when Find found no
	// session under it: it may hold a retired token's mark, which a
	// Destroy in this request must still end (see storeAdapter.DeleteCtx).
	missKey string
	// extended is the idle expiry the store set while loading the session
	// (store.IdleFinder), zero if it did not extend it.
	extended time.Time
	// What the browser's cookie already says, for a loaded session: a
	// commit that changes none of it need not send Set-Cookie again.
	cookieExpiry time.Time
	users        userState
}

// cookieRequest is a request state and its session state in one
// allocation, for a request that carries a session cookie.
type cookieRequest struct {
	st requestState
	s  sessionState
}

// newRequestState returns the state of a request to m, with its session
// state when the request has a session cookie (one allocation either way).
func newRequestState(m *Manager, withSession bool) *requestState {
	if !withSession {
		return &requestState{m: m, loading: true}
	}
	c := &cookieRequest{st: requestState{m: m, loading: true}}
	c.st.s = &c.s
	return &c.st
}

// sess returns the request's session state, making it if the request has
// none yet. st.mu must be held, except before the state is shared.
func (st *requestState) sess() *sessionState {
	if st.s == nil {
		st.s = new(sessionState)
	}
	return st.s
}

// sessOrZero returns the request's session state, or a zero one to read
// from when it has none. st.mu must be held.
func (st *requestState) sessOrZero() *sessionState {
	if st.s == nil {
		return &zeroSession
	}
	return st.s
}

// zeroSession is read, never written: what a request without session
// state knows.
var zeroSession sessionState

// walkState is the session Iterate is loading, read by the walk
// (store.Walker): Find returns it without asking the store again.
type walkState struct {
	key  string
	blob []byte
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
	// scs asks for its session data under its own key (a comparable
	// string type, so == costs a type check and a short string compare).
	if st := c.st; st.m.scsKey != nil && key == st.m.scsKey {
		if sd := st.sd.Load(); sd != nil {
			return *sd
		}
		if st.lazy {
			return st.sessionData()
		}
	}
	return c.Context.Value(key)
}

// sessionData returns scs's session data for a lazy request, making it on
// first use exactly as scs's Load makes it for a request without a token.
// Cost on first use: scs's Load (its session data and one context layer,
// four allocations, two with the mirror); none afterwards.
func (st *requestState) sessionData() any {
	st.sdMu.Lock()
	defer st.sdMu.Unlock()
	if sd := st.sd.Load(); sd != nil {
		return *sd // another goroutine of the handler was first
	}
	if m := st.m; m.sdType != nil {
		st.mu.Lock()
		s := st.sess()
		st.mu.Unlock()
		m.newData(&s.data)
		st.sdVal = m.asSCS(&s.data)
	} else {
		// Load with no token never reaches the store and cannot fail.
		// The parent, not st's context, so that Load does not ask us.
		ctx, _ := m.sm.Load(st.ctx.Context, "")
		st.sdVal = ctx.Value(m.scsKey)
	}
	st.sd.Store(&st.sdVal)
	return st.sdVal
}

// sessionUnused reports whether a lazy request's handler never reached
// its session: it is then new, empty and unmodified, with nothing to commit.
func (st *requestState) sessionUnused() bool { return st.lazy && st.sd.Load() == nil }

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

// keyProbe is a context that records the first key it is asked for.
type keyProbe struct {
	context.Context
	key any
}

func (p *keyProbe) Value(key any) any {
	if p.key == nil {
		p.key = key
	}
	return p.Context.Value(key)
}

// scsContextKey finds the key sm keeps session data under in a context:
// scs's Load asks its context for it before anything else. scs does not
// export it; the probe's answer is used only if the context Load returns
// does hold session data under it, so a future scs that looks elsewhere
// first makes this nil, and the middleware loads every session up front
// (correct, one allocation-heavy step slower), rather than wrong.
func scsContextKey(sm *scs.SessionManager) any {
	probe := &keyProbe{Context: context.Background()}
	ctx, err := sm.Load(probe, "")
	if err != nil || probe.key == nil {
		return nil
	}
	if ctx.Value(probe.key) == nil || probe.Context.Value(probe.key) != nil {
		return nil
	}
	return probe.key
}
