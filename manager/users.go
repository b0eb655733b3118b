package manager

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/sessionkit/sessionkit/codec"
	"github.com/sessionkit/sessionkit/store"
)

// A per-user session index: the application says, at sign-in, whom a
// session belongs to ([Manager.BindUser]); the store keeps, per user, the
// keys of that user's sessions (store.UserIndexer), so that listing them
// ([Manager.UserSessions]) and "sign out everywhere"
// ([Manager.DestroyUserSessions]) cost in proportion to that user's
// sessions, not to the store.
//
// The index is written before the session it names: at the commit of the
// request that called BindUser, and at the commit of every token renewal
// of a bound session (the renewed session's key). So it never misses a
// live bound session; it may name sessions that ended, which listing
// drops. On Redis the index is a key of its own ("scs:user:" + a hash of
// the user ID): binding and committing are two commands, not one atomic
// step, which is why the index is written first. The index holds store
// keys (token hashes), never tokens, and a hash of the user ID, never the
// ID itself.

// userKey is the session key holding the ID of the user a session is bound
// to. It is kept in the session so that a token renewal can bind the
// renewed session too.
const userKey = "__sessionkit_user"

// Errors of the user index; match them with errors.Is.
var (
	// ErrNoUserIndex: the store keeps no user index (it does not implement
	// store.UserIndexer). memstore, redisstore and boltstore do.
	ErrNoUserIndex = errors.New("sessionkit: store keeps no user index")
	// ErrRawTokenIndex: the store keys are not the default token hashes
	// (Config.StoreRawTokens, or a Config.Tokens format such as Express
	// mode's raw session ids); a user index must not hold raw tokens.
	ErrRawTokenIndex = errors.New("sessionkit: a user index needs hashed store keys (StoreRawTokens or another token format is set)")
	// ErrNoUser: an empty user ID.
	ErrNoUser = errors.New("sessionkit: empty user ID")
)

// UserSession describes one live session of a user. It holds no token.
type UserSession struct {
	BoundAt time.Time // when BindUser bound it (renewals keep the time of their own commit)
	Current bool      // the session of the context it was listed from
}

// userState is what a request remembers about the user index.
type userState struct {
	requested bool   // BindUser was called
	bind      string // hashed user ID whose index the next commit writes
}

// BindUser records that the request's session belongs to userID (call it
// at sign-in, after RenewToken). The ID is kept in the session and, at
// this request's commit, the store adds the session to the user's index.
// Cost: one Put now; one more store operation at the commit (one Redis
// EVALSHA); every token renewal of a bound session costs that operation
// too. Ordinary requests cost nothing more.
func (m *Manager) BindUser(ctx context.Context, userID string) error {
	if err := m.hasSession(ctx); err != nil {
		return err
	}
	if userID == "" {
		return ErrNoUser
	}
	if err := m.canIndex(); err != nil {
		return err
	}
	if err := m.Put(ctx, userKey, userID); err != nil {
		return err
	}
	st := stateFrom(ctx)
	st.mu.Lock()
	st.sess().users.requested = true
	st.mu.Unlock()
	return nil
}

// User returns the ID of the user the request's session is bound to.
func (m *Manager) User(ctx context.Context) (string, bool) {
	if m.hasSession(ctx) != nil {
		return "", false
	}
	v, ok := m.lookup(ctx, userKey)
	if !ok {
		return "", false
	}
	switch u := v.(type) {
	case string:
		return u, u != ""
	case *codec.Value:
		var s string
		if u.Decode(&s) != nil {
			return "", false
		}
		return s, s != ""
	}
	return "", false
}

// UserSessions lists userID's live sessions, oldest first. ctx may be a
// request's (the request's own session is then marked Current) or any
// other context. Cost: one store operation (one Redis EVALSHA that reads
// the user's index and checks each session's existence), in proportion to
// the user's sessions.
func (m *Manager) UserSessions(ctx context.Context, userID string) ([]UserSession, error) {
	entries, err := m.userEntries(ctx, userID)
	if err != nil {
		return nil, err
	}
	cur := m.currentKey(ctx)
	var out []UserSession
	for _, e := range entries {
		if e.Live {
			out = append(out, UserSession{BoundAt: e.BoundAt, Current: e.Key == cur})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].BoundAt.Before(out[j].BoundAt) })
	return out, nil
}

// DestroyUserSessions ends every session of userID — with keepCurrent,
// all but the request's own — and reports how many it ended (the live
// ones when it listed them). A session
// ended this way is gone at once; a request still running on it commits
// nothing and clears its cookie, and a token renewal of it under way
// fails. The request's own session, if ended, is destroyed as by
// [Manager.Destroy]. Cost: one store operation to list, two per other
// session (retire and end, as a logout), one to update the index: in
// proportion to the user's sessions, not to the store.
func (m *Manager) DestroyUserSessions(ctx context.Context, userID string, keepCurrent bool) (int, error) {
	entries, err := m.userEntries(ctx, userID)
	if err != nil {
		return 0, err
	}
	cur := m.currentKey(ctx)
	n := 0
	var ended []string
	own := false
	for _, e := range entries {
		if cur != "" && e.Key == cur {
			own = !keepCurrent
			continue
		}
		if _, err := m.store.retire(ctx, e.Key); err != nil {
			return n, err
		}
		// End the mark at once: ours, or that of a renewal of this session
		// under way (which then fails), or a forward mark together with
		// the session it was renewed to.
		if err := m.store.end(ctx, e.Key); err != nil {
			return n, err
		}
		if e.Live {
			n++
			// A recent entry whose session does not exist yet may belong
			// to a renewal about to commit: it stays in the index.
			ended = append(ended, e.Key)
		}
	}
	if own {
		if err := m.Destroy(ctx); err != nil {
			return n, err
		}
		n++
		ended = append(ended, cur)
	}
	if len(ended) > 0 {
		idx := m.store.be.userIndex()
		user := hashUser(userID)
		if err := m.store.timed(opUsers, func() (int, error) { return 0, idx.UnbindUserCtx(ctx, user, ended...) }); err != nil {
			return n, err
		}
	}
	return n, nil
}

// opUsers names user index operations in observe.StoreEvent.
const opUsers = "users"

func (m *Manager) userEntries(ctx context.Context, userID string) (entries []store.UserSession, err error) {
	if userID == "" {
		return nil, ErrNoUser
	}
	if err := m.canIndex(); err != nil {
		return nil, err
	}
	idx := m.store.be.userIndex()
	user := hashUser(userID)
	// Entries younger than RenewalPending whose session does not exist are
	// kept: a renewal binds its new key before creating the session.
	recent := time.Now().Add(-RenewalPending)
	err = m.store.timed(opUsers, func() (int, error) {
		entries, err = idx.UserSessionsCtx(ctx, user, recent)
		return 0, err
	})
	return entries, err
}

func (m *Manager) canIndex() error {
	if m.store.be.userIndex() == nil {
		return ErrNoUserIndex
	}
	if !m.hashedKeys() {
		return ErrRawTokenIndex
	}
	return nil
}

// hashedKeys reports whether store keys are token hashes (the default
// token format, without StoreRawTokens): only then may an index hold them.
func (m *Manager) hashedKeys() bool {
	f, ok := m.tokens.(scsTokens)
	return ok && !f.raw
}

// currentKey is the store key of ctx's loaded session, if any.
func (m *Manager) currentKey(ctx context.Context) string {
	st := stateFrom(ctx)
	if st == nil || st.m != m || st.iterating {
		return ""
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.retired {
		return ""
	}
	return st.loadedKey
}

// hashUser is the index's name for a user ID: the ID itself (an e-mail
// address, say) never reaches the store's keys.
func hashUser(id string) string { return hashToken("user\x00" + id) }

// prepareBind decides, before a commit, whether it must write the user
// index: after BindUser, or when a bound session is being renewed.
func (m *Manager) prepareBind(ctx context.Context) {
	st := stateFrom(ctx)
	if st == nil || m.store.be.userIndex() == nil || !m.hashedKeys() {
		return
	}
	st.mu.Lock()
	need := st.sessOrZero().users.requested || st.retired
	st.mu.Unlock()
	if !need {
		return
	}
	if user, ok := m.User(ctx); ok {
		st.mu.Lock()
		st.sess().users.bind = hashUser(user)
		st.mu.Unlock()
	}
}

// bindPending writes the user index entry a commit of key needs, before
// the commit itself, once per request.
func (a *storeAdapter) bindPending(ctx context.Context, st *requestState, key string, deadline time.Time) error {
	if st == nil {
		return nil
	}
	st.mu.Lock()
	user := st.sessOrZero().users.bind
	st.mu.Unlock()
	if user == "" {
		return nil
	}
	idx := a.be.userIndex()
	err := a.timed(opUsers, func() (int, error) {
		return 0, idx.BindUserCtx(ctx, user, key, time.Now(), deadline)
	})
	if err != nil {
		return fmt.Errorf("sessionkit: binding the session to its user: %w", err)
	}
	st.mu.Lock()
	if st.s != nil {
		st.s.users.bind, st.s.users.requested = "", false
	}
	st.mu.Unlock()
	return nil
}

// userIndex returns the store's user index, or nil.
func (w *wrapped) userIndex() store.UserIndexer { return w.users }
