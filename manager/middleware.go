package manager

import (
	"bufio"
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/textproto"
	"strings"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/sessionkit/sessionkit/codec"
	"github.com/sessionkit/sessionkit/internal/bridge"
	"github.com/sessionkit/sessionkit/store"
)

// ErrCommitFailed is returned by the response writer's Write after the
// session could not be committed and the error handler has answered.
var ErrCommitFailed = errors.New("manager: response abandoned: session commit failed")

// LoadAndSave is net/http middleware: it loads the request's session before
// next runs and commits it when next first writes (or returns without
// writing). Wrapping a handler twice with the same Manager loads and commits
// once. Store costs per request: none without a valid cookie; one find with
// one; one commit when the session changed. With IdleTimeout, the find
// also extends the expiry, at most once per IdleRefresh window, when the
// store implements store.IdleFinder (memstore, redisstore, boltstore do:
// still one operation, one Redis command); other stores get one touch at
// most once per window for unchanged sessions.
//
// Values put after the response body has started are not saved, as in scs:
// put before writing.
//
// The response carries "Vary: Cookie" when the request carried a session
// cookie, or when the handler used its session before the response
// started (its first Write, a WriteHeader with a status other than 1xx,
// Flush or Hijack). A page requested without one whose handler does not
// touch the session before responding does not vary by Cookie, so shared
// caches may keep it for every visitor. A handler that first reads its
// session after it has started writing must read it earlier or set Vary
// itself; docs/security.md shows a middleware that varies every response,
// as scs does.
//
// Memory per request: a request without a session cookie whose handler
// never uses the session costs two allocations (the request state and its
// context) and does nothing at commit; a loaded session adds the
// store's and the codec's work only (see docs/benchmarks.md).
func (m *Manager) LoadAndSave(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if st := stateFrom(r.Context()); st != nil && st.m == m && !st.iterating {
			next.ServeHTTP(w, r)
			return
		}
		token, carried := m.requestToken(r)
		st := newRequestState(m, token != "")
		if carried {
			addVary(w.Header(), st)
		}
		if err := m.checkSettings(); err != nil {
			m.fail(w, r, err)
			return
		}
		ctx, err := m.load(r.Context(), st, token)
		if err != nil {
			m.fail(w, r, err)
			return
		}
		sr := r.WithContext(ctx)
		sw := &st.writer // one allocation for the state and the writer
		*sw = sessionWriter{ResponseWriter: w, m: m, r: sr, st: st, varyIfUsed: !carried}
		next.ServeHTTP(sw, sr)
		if !sw.committed {
			sw.commit()
		}
	})
}

// addVary makes h vary by Cookie: it adds "Vary: Cookie" unless a Vary
// value already lists Cookie or "*". The usual case, no Vary yet, takes
// its one-element slice from st, which is allocated per request anyway,
// instead of a new one; its capacity is 1, so a later Add copies it.
func addVary(h http.Header, st *requestState) {
	vs, ok := h["Vary"]
	if !ok {
		st.vary[0] = "Cookie"
		h["Vary"] = st.vary[:1:1]
		return
	}
	for _, v := range vs {
		for f := range strings.SplitSeq(v, ",") {
			if f = textproto.TrimString(f); f == "*" || strings.EqualFold(f, "Cookie") {
				return
			}
		}
	}
	h.Add("Vary", "Cookie")
}

// errExpired: the loaded session is past its absolute deadline.
var errExpired = errors.New("sessionkit: session past its Lifetime")

// load puts a fresh requestState in ctx and loads the session. A stored blob
// that no longer decodes is deleted and replaced by a fresh session.
func (m *Manager) load(parent context.Context, st *requestState, token string) (context.Context, error) {
	base := withState(parent, st)
	// own: scs's key is ours to answer. Not when the request already has
	// session data of this scs manager (its own LoadAndSave around ours):
	// scs's Load then keeps that, and so do we, by calling it.
	own := m.scsKey != nil && parent.Value(m.scsKey) == nil
	if token == "" && own {
		// No session to load: scs's session data is made when the
		// handler first uses it, if ever (requestState.sessionData).
		st.mu.Lock()
		st.loading = false
		st.mu.Unlock()
		st.lazy = true
		return base, nil
	}
	var ctx context.Context
	var err error
	if m.sdType != nil && own {
		// scs's Load, through the mirror: the request's context answers
		// scs's key itself, no context layer.
		var found bool
		ctx = base
		data := &st.sess().data // not shared yet: no lock
		switch found, err = m.loadData(base, data, token); {
		case err == nil && found:
			st.sdVal = m.asSCS(data)
			st.sd.Store(&st.sdVal)
		case err == nil:
			st.lazy = true // not found: a fresh session, made on first use
		}
	} else {
		ctx, err = m.sm.Load(base, token)
	}
	st.mu.Lock()
	st.loading = false
	loaded := st.loadedTok != ""
	st.mu.Unlock()
	if err == nil && loaded {
		deadline, remember := m.loadedCookie(ctx, st)
		// Past its Lifetime: a store that extends idle expiries as it
		// reads (store.IdleFinder) does not know the deadline, which is
		// inside the blob, so the key may outlive it by up to IdleTimeout.
		// It ends here, and is deleted so that reads cannot keep it.
		if m.idle > 0 && !deadline.IsZero() && deadline.Before(time.Now()) {
			err = errExpired
		} else {
			st.sess().cookieExpiry, st.cookieRemember = deadline, remember
		}
	}
	if err == nil {
		return ctx, nil
	}
	if !errors.Is(err, codec.ErrCorrupt) && err != errExpired {
		return nil, err
	}
	// The blob is unreadable or expired: drop it so the next request does
	// not pay for it again, and carry on with a fresh session and, at
	// commit, a new token.
	st.mu.Lock()
	hashedKey := st.loadedKey
	st.loadedKey, st.loadedTok = "", ""
	if st.s != nil {
		st.s.extended = time.Time{}
	}
	st.mu.Unlock()
	if err != errExpired {
		m.logger.LogAttrs(parent, slog.LevelWarn, "sessionkit: discarded undecodable session",
			slog.String("err", err.Error()))
	}
	if derr := m.store.deleteKey(base, hashedKey); derr != nil {
		m.logger.LogAttrs(parent, slog.LevelWarn, "sessionkit: could not delete undecodable session",
			slog.String("err", derr.Error()))
	}
	if own {
		st.sd.Store(nil) // drop what the mirror loaded: its data is reused
		st.lazy = true   // a fresh session, made on first use as above
		return base, nil
	}
	return m.sm.Load(base, "")
}

// loadedCookie returns the loaded session's deadline and RememberMe flag:
// what the browser's cookie says. From a sessionkit blob they are read
// straight from the bytes scs just decoded, as scs's Deadline and GetBool
// would return them; each of those costs an allocation (scs boxes its
// context key on every call), on every request.
func (m *Manager) loadedCookie(ctx context.Context, st *requestState) (deadline time.Time, remember bool) {
	if m.valueCodec != nil {
		st.mu.Lock()
		b := st.merge.loaded
		st.mu.Unlock()
		if d, v, ok := bridge.Peek(b, rememberMeKey); ok {
			remember, _ = v.(bool)
			return d, remember
		}
	}
	return m.sm.Deadline(ctx), m.sm.GetBool(ctx, rememberMeKey)
}

// rememberIn returns the RememberMe flag of the session just committed as
// b: read from b when it is a sessionkit blob, sparing scs's GetBool and
// its allocation.
func (m *Manager) rememberIn(ctx context.Context, b []byte) bool {
	if m.valueCodec != nil {
		if _, v, ok := bridge.Peek(b, rememberMeKey); ok {
			remember, _ := v.(bool)
			return remember
		}
	}
	return m.getBool(ctx, rememberMeKey)
}

// sessionWriter commits the session just before the response starts.
type sessionWriter struct {
	http.ResponseWriter
	m  *Manager
	r  *http.Request
	st *requestState
	// varyIfUsed: the request carried no session cookie, so the response
	// depends on the session only if the handler used it (see commit).
	varyIfUsed bool
	committed  bool
	failed     bool
}

func (sw *sessionWriter) WriteHeader(code int) {
	if code >= 100 && code < 200 && code != http.StatusSwitchingProtocols {
		// An informational response (103 Early Hints): the response
		// proper, and the commit, are still to come.
		if !sw.failed {
			sw.ResponseWriter.WriteHeader(code)
		}
		return
	}
	if !sw.committed {
		sw.commit()
	}
	if sw.failed {
		return
	}
	sw.ResponseWriter.WriteHeader(code)
}

func (sw *sessionWriter) Write(b []byte) (int, error) {
	if !sw.committed {
		sw.commit()
	}
	if sw.failed {
		return 0, ErrCommitFailed
	}
	return sw.ResponseWriter.Write(b)
}

// Flush commits, then flushes if the underlying writer can.
func (sw *sessionWriter) Flush() {
	if !sw.committed {
		sw.commit()
	}
	if f, ok := sw.ResponseWriter.(http.Flusher); ok && !sw.failed {
		f.Flush()
	}
}

// Hijack commits, then hands over the connection (a WebSocket upgrade):
// what the handler put before is saved, and the Set-Cookie header is in
// w.Header() for the handler to send in its own response. It fails with
// ErrCommitFailed when the commit did (the error handler has answered),
// and with http.ErrNotSupported when the server's writer cannot hijack.
func (sw *sessionWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	if !sw.committed {
		sw.commit()
	}
	if sw.failed {
		return nil, nil, ErrCommitFailed
	}
	return http.NewResponseController(sw.ResponseWriter).Hijack()
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (sw *sessionWriter) Unwrap() http.ResponseWriter { return sw.ResponseWriter }

func (sw *sessionWriter) commit() {
	sw.committed = true
	err := sw.m.commit(sw.ResponseWriter, sw.r)
	// After the commit, which may have set the cookie: a session that
	// another goroutine of the handler used meanwhile counts as used here
	// too (a session once used stays so). A request with a session cookie
	// got its Vary before the handler ran, for a 103 or an error page; the
	// handler may have replaced it since (Header().Set("Vary", …)).
	if !sw.varyIfUsed || !sw.st.sessionUnused() {
		addVary(sw.ResponseWriter.Header(), sw.st)
	}
	if err != nil {
		sw.failed = true
		sw.m.fail(sw.ResponseWriter, sw.r, err)
	}
}

// commit saves the session if it changed, deletes the cookie if it was
// destroyed, and otherwise extends an idle timeout when one is due.
func (m *Manager) commit(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if st := stateFrom(ctx); st != nil && st.sessionUnused() {
		// A fresh session the handler never used: unmodified, not stored,
		// nothing to touch.
		return nil
	}
	switch m.status(ctx) {
	case scs.Modified:
		m.unlinkDestroyed(ctx)
		token, err := m.commitSession(ctx)
		if errors.Is(err, store.ErrGone) {
			// Deleted while this request ran (logout, renewal elsewhere):
			// the late commit is dropped and the cookie cleared, so the
			// request ends logged out.
			m.logger.LogAttrs(ctx, slog.LevelInfo, "sessionkit: dropped commit of a session deleted meanwhile")
			m.writeCookie(ctx, w, r, "", time.Time{})
			return nil
		}
		if err != nil {
			return err
		}
		st := stateFrom(ctx)
		st.mu.Lock()
		expiry := st.expiry
		unchanged := token == st.loadedTok && expiry.Equal(st.sessOrZero().cookieExpiry)
		committed := st.merge.loaded // the blob just stored
		st.mu.Unlock()
		if unchanged && m.rememberIn(ctx, committed) == st.cookieRemember {
			return nil // the browser's cookie already says all this
		}
		m.writeCookie(ctx, w, r, token, expiry)
	case scs.Destroyed:
		if err := m.store.destroyed(ctx, stateFrom(ctx)); err != nil {
			// The mark expires by itself within RenewalPending.
			m.logger.LogAttrs(ctx, slog.LevelWarn, "sessionkit: could not release a logged-out token",
				slog.String("err", err.Error()))
		}
		m.writeCookie(ctx, w, r, "", time.Time{})
	case scs.Unmodified:
		if m.idle > 0 {
			m.touch(ctx, w, r)
		}
	}
	return nil
}

// unlinkDestroyed: a session destroyed and then written again in one
// request (a logout followed by a "signed out" flash) is a new anonymous
// session, not a renewal of the old one. Both retired the old session;
// scs's Destroy left no token where RenewToken made a new one. The old
// token's mark is ended now, as a logout ends it, and the commit creates
// the new session unlinked from it, so a later logout sent with the old
// cookie ends nothing of it.
func (m *Manager) unlinkDestroyed(ctx context.Context) {
	st := stateFrom(ctx)
	if st == nil {
		return
	}
	st.mu.Lock()
	retired := st.retired
	st.mu.Unlock()
	if !retired || m.sm.Token(ctx) != "" {
		return
	}
	if err := m.store.destroyed(ctx, st); err != nil {
		// The mark expires by itself within RenewalPending.
		m.logger.LogAttrs(ctx, slog.LevelWarn, "sessionkit: could not release a logged-out token",
			slog.String("err", err.Error()))
	}
	st.mu.Lock()
	st.retired, st.retiredExisted = false, false
	st.loadedKey, st.loadedTok = "", ""
	st.mu.Unlock()
}

// touch sends the cookie's new expiry when the store extended an unchanged
// session's idle expiry as it read it (store.IdleFinder). With other
// stores it extends the expiry itself if this process has not done so
// within the refresh window (touchLog). A failure is logged, not fatal:
// the session still works until its current expiry.
func (m *Manager) touch(ctx context.Context, w http.ResponseWriter, r *http.Request) {
	st := stateFrom(ctx)
	st.mu.Lock()
	key, token, extended := st.loadedKey, st.loadedTok, st.sessOrZero().extended
	st.mu.Unlock()
	if key == "" {
		return
	}
	if m.touches == nil {
		if !extended.IsZero() {
			// The browser must keep the cookie as long as the store keeps
			// the session, and no longer than its Lifetime.
			m.writeCookie(ctx, w, r, token, earliest(extended, m.sm.Deadline(ctx)))
		}
		return
	}
	now := time.Now()
	if !m.touches.due(key, now) {
		return
	}
	expiry := now.Add(m.idle)
	if d := m.sm.Deadline(ctx); d.Before(expiry) {
		expiry = d
	}
	var err error
	if m.store.be.canTouch() {
		err = m.store.touch(ctx, key, expiry)
	} else {
		_, expiry, err = m.rewrite(ctx)
	}
	switch {
	case errors.Is(err, store.ErrGone):
		m.writeCookie(ctx, w, r, "", time.Time{}) // ended meanwhile: end it here too
		return
	case err != nil:
		m.logger.LogAttrs(ctx, slog.LevelWarn, "sessionkit: could not extend idle timeout",
			slog.String("err", err.Error()))
		return
	}
	m.touches.record(key, now)
	m.writeCookie(ctx, w, r, token, expiry)
}

func earliest(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

// rewrite recommits an unchanged session: the idle fallback for stores
// that cannot touch.
func (m *Manager) rewrite(ctx context.Context) (string, time.Time, error) {
	token, _, err := m.scsCommit(ctx)
	if err != nil {
		return "", time.Time{}, err
	}
	st := stateFrom(ctx)
	st.mu.Lock()
	defer st.mu.Unlock()
	return token, st.expiry, nil
}
