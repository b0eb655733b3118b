package manager

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/sessionkit/sessionkit/codec"
	"github.com/sessionkit/sessionkit/observe"
	"github.com/sessionkit/sessionkit/store"
)

// Timing of a token renewal (see store.Retirer).
const (
	// RenewalPending bounds how long a request may take between
	// RenewToken (or Destroy) and its commit: a renewal committed later
	// fails, and the request ends logged out.
	RenewalPending = time.Minute
	// RenewalGrace is how long after a renewal a logout sent with the old
	// token still ends the renewed session (the browser may not have seen
	// the new cookie yet).
	RenewalGrace = time.Minute
)

// storeAdapter sits between scs and the configured store. It hashes tokens,
// applies the idle timeout and size limit, picks the commit mode (create
// for new tokens, update for loaded sessions), wraps errors in StoreError
// and reports every operation to the hooks.
type storeAdapter struct {
	be      backend
	tokens  TokenFormat
	maxSize int
	idle    time.Duration
	// below: a loaded session with less than this left before it expires
	// is extended by the store as it is read (store.IdleFinder).
	below   time.Duration
	touches *touchLog // nil without an idle timeout or with an IdleFinder
	hooks   *observe.Hooks
}

var (
	_ scs.CtxStore         = (*storeAdapter)(nil)
	_ scs.IterableCtxStore = (*storeAdapter)(nil)
	_ scs.IterableStore    = (*storeAdapter)(nil)
)

// keyMark starts the tokens AllCtx hands to scs's Iterate: they are store
// keys already (hashed, when tokens are hashed), and a token with the mark
// is used as its key as is. No cookie carries it: '~' is not in a token's
// alphabet, so requestToken refuses it.
const keyMark = "~"

// key maps a token to its store key.
func (a *storeAdapter) key(token string) string {
	if k, ok := strings.CutPrefix(token, keyMark); ok {
		return k
	}
	return a.tokens.StoreKey(token)
}

// timed runs one store operation, reports it to the hooks if anyone
// listens (n is the bytes moved), and wraps a failure in a StoreError.
// Errors in pass (conditional outcomes, not failures) are returned as is.
func (a *storeAdapter) timed(op string, fn func() (n int, err error), pass ...error) error {
	var start time.Time
	on := a.hooks.StoreOn()
	if on {
		start = time.Now()
	}
	n, err := fn()
	if on {
		a.hooks.Store(observe.StoreEvent{Op: op, Duration: time.Since(start), Bytes: n, Err: err})
	}
	if err == nil {
		return nil
	}
	for _, p := range pass {
		if errors.Is(err, p) {
			return err
		}
	}
	return &StoreError{Op: op, Err: err}
}

func (a *storeAdapter) Find(token string) ([]byte, bool, error) {
	return a.FindCtx(context.Background(), token)
}

func (a *storeAdapter) FindCtx(ctx context.Context, token string) (b []byte, found bool, err error) {
	key := a.key(token)
	st := stateFrom(ctx)
	if st != nil && st.walk != nil {
		st.mu.Lock()
		walkKey, walkBlob := st.walk.key, st.walk.blob
		st.mu.Unlock()
		if walkKey != "" && walkKey == key {
			return walkBlob, true, nil // read by the walk just now
		}
	}
	var extended time.Time
	err = a.timed(observe.OpFind, func() (int, error) {
		if a.idle > 0 && a.touches == nil && st != nil && st.isLoading() {
			// The request's own session: read and, when due, extend in
			// one store operation.
			b, found, extended, err = a.be.FindIdleCtx(ctx, key, a.idle, a.below)
		} else {
			b, found, err = a.be.FindCtx(ctx, key)
		}
		return len(b), err
	})
	if err != nil {
		return nil, false, err
	}
	if st != nil {
		st.mu.Lock()
		if st.loading {
			if found {
				st.loadedKey, st.loadedTok, st.merge.loaded = key, token, b
				st.sess().extended = extended
			} else {
				st.sess().missKey = key
			}
		}
		st.mu.Unlock()
	}
	if found && a.maxSize > 0 && len(b) > a.maxSize {
		// Nothing this manager writes is that large: the blob was planted
		// or written under another limit. It is not decoded at all — a
		// decoder can be made to recurse past what the stack survives —
		// and LoadAndSave deletes it like any undecodable session.
		return nil, false, fmt.Errorf("%w: stored session of %d bytes exceeds MaxSize %d",
			codec.ErrCorrupt, len(b), a.maxSize)
	}
	return b, found, nil
}

func (a *storeAdapter) Commit(token string, b []byte, expiry time.Time) error {
	return a.CommitCtx(context.Background(), token, b, expiry)
}

func (a *storeAdapter) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	if err := checkSize(len(b), a.maxSize); err != nil {
		return err
	}
	now, deadline := time.Now(), expiry
	if a.idle > 0 {
		if idle := now.Add(a.idle); idle.Before(expiry) {
			expiry = idle
		}
	}
	var key, renewedFrom string
	var loaded []byte
	mode := store.Upsert
	st := stateFrom(ctx)
	if st != nil && !st.iterating {
		st.mu.Lock()
		switch {
		case st.loadedTok != "" && st.loadedTok == token:
			mode, key = store.Update, st.loadedKey // hashed once, at load
			loaded = st.merge.loaded
		case st.retired && !st.retiredExisted:
			// Renewed while another request ended the session: the
			// renewal must not carry it on.
			st.mu.Unlock()
			return &StoreError{Op: observe.OpCommit, Err: store.ErrGone}
		case st.retired:
			mode, renewedFrom = store.Create, st.loadedKey
		default:
			mode = store.Create
		}
		st.mu.Unlock()
	}
	if key == "" {
		key = a.key(token)
	}
	if err := a.bindPending(ctx, st, key, deadline); err != nil {
		return err
	}
	err := a.timed(observe.OpCommit, func() (int, error) {
		if renewedFrom != "" {
			return len(b), a.be.RenewCtx(ctx, renewedFrom, key, b, expiry, RenewalGrace)
		}
		if mode == store.Update {
			return len(b), a.be.CommitIfCtx(ctx, key, b, expiry, loaded)
		}
		return len(b), a.be.CommitModeCtx(ctx, key, b, expiry, mode)
	}, store.ErrConflict)
	if err != nil {
		return err
	}
	if st != nil {
		st.mu.Lock()
		st.merge.loaded = b // what a later commit in this request compares with
		st.expiry = expiry
		if !st.iterating {
			// From now on this request's session is the one just stored
			// (created, renewed or updated): a second commit — the
			// middleware's after a handler's own Commit — updates it.
			st.loadedKey, st.loadedTok, st.retired = key, token, false
		}
		st.mu.Unlock()
	}
	if a.touches != nil {
		a.touches.record(key, now)
	}
	return nil
}

func (a *storeAdapter) Delete(token string) error { return a.DeleteCtx(context.Background(), token) }

// DeleteCtx is how scs's Destroy and RenewToken end a session. A request's
// own loaded session is not deleted but retired (store.Retirer), so that a
// renewal and a logout racing on it end with no session alive: the commit
// later either ends the mark (logout, see destroyed) or renews through it.
// Which of the two it will be is not known here: both call Delete.
func (a *storeAdapter) DeleteCtx(ctx context.Context, token string) error {
	st := stateFrom(ctx)
	if strings.HasPrefix(token, keyMark) {
		// Inside Iterate (scs's or the Manager's), logging out everywhere:
		// retire, then end the mark at once (ours, or that of a renewal
		// under way, which then fails).
		key := a.key(token)
		if _, err := a.retire(ctx, key); err != nil {
			return err
		}
		return a.end(ctx, key)
	}
	if st == nil || st.iterating {
		return a.deleteKey(ctx, a.key(token))
	}
	st.mu.Lock()
	own := token != "" && token == st.loadedTok && !st.retired
	loaded, miss := st.loadedKey, st.sessOrZero().missKey
	if token == "" && st.s != nil {
		st.s.missKey = ""
	}
	st.mu.Unlock()
	switch {
	case own:
		existed, err := a.retire(ctx, loaded)
		if err != nil {
			return err
		}
		st.mu.Lock()
		st.retired, st.retiredExisted = true, existed
		st.mu.Unlock()
		return nil
	case token == "":
		// scs's Destroy of a session that was never stored. If the cookie
		// named a key that held no session, it may hold the mark of a
		// renewal by another request, under way or just done: ending it
		// ends that renewal too.
		if miss == "" {
			return nil
		}
		return a.end(ctx, miss)
	}
	return a.deleteKey(ctx, a.key(token))
}

// retire retires the session under key (see store.Retirer).
func (a *storeAdapter) retire(ctx context.Context, key string) (existed bool, err error) {
	err = a.timed(observe.OpDelete, func() (int, error) {
		existed, err = a.be.RetireCtx(ctx, key, RenewalPending)
		return 0, err
	})
	if a.touches != nil {
		a.touches.forget(key)
	}
	return existed, err
}

// deleteKey deletes key outright.
func (a *storeAdapter) deleteKey(ctx context.Context, key string) error {
	err := a.timed(observe.OpDelete, func() (int, error) { return 0, a.be.DeleteCtx(ctx, key) })
	if err != nil {
		return err
	}
	if a.touches != nil {
		a.touches.forget(key)
	}
	return nil
}

// destroyed finishes a request whose session was destroyed: the mark
// under its token is ended — its own pending mark, or that of a renewal by
// another request, which then fails (or, if already done, whose renewed
// session is deleted).
func (a *storeAdapter) destroyed(ctx context.Context, st *requestState) error {
	st.mu.Lock()
	key, retired := st.loadedKey, st.retired
	st.mu.Unlock()
	if !retired {
		return nil
	}
	return a.end(ctx, key)
}

func (a *storeAdapter) end(ctx context.Context, key string) error {
	return a.timed(observe.OpDelete, func() (int, error) { return 0, a.be.EndCtx(ctx, key) })
}

// touch extends the expiry of the session stored under key. It returns
// store.ErrGone, unwrapped, when the session no longer exists.
func (a *storeAdapter) touch(ctx context.Context, key string, expiry time.Time) error {
	return a.timed(observe.OpTouch, func() (int, error) {
		return 0, a.be.TouchCtx(ctx, key, expiry)
	}, store.ErrGone)
}

func (a *storeAdapter) All() (map[string][]byte, error) { return a.AllCtx(context.Background()) }

func (a *storeAdapter) AllCtx(ctx context.Context) (all map[string][]byte, err error) {
	err = a.timed(observe.OpAll, func() (int, error) {
		all, err = a.be.AllCtx(ctx)
		n := 0
		for _, b := range all {
			n += len(b)
		}
		return n, err
	}, ErrNotIterable)
	if err != nil {
		return nil, err
	}
	marked := make(map[string][]byte, len(all))
	for k, b := range all {
		marked[keyMark+k] = b
	}
	return marked, nil
}

// walk calls fn with each stored session, a batch at a time
// (store.Walker), reported to the hooks as one "all" operation.
func (a *storeAdapter) walk(ctx context.Context, fn func(key string, b []byte) error) error {
	var fnErr error
	err := a.timed(observe.OpAll, func() (int, error) {
		n := 0
		err := a.be.WalkCtx(ctx, func(key string, b []byte) error {
			n += len(b)
			if err := fn(key, b); err != nil {
				fnErr = err
				return err
			}
			return nil
		})
		if fnErr != nil {
			return n, nil // the callback's error, not the store's
		}
		return n, err
	})
	if fnErr != nil {
		return fnErr
	}
	return err
}

func isStoreError(err error) bool { return errors.Is(err, ErrStore) }

// findKey reads the session under a store key, outside scs's Load.
func (a *storeAdapter) findKey(ctx context.Context, key string) (b []byte, found bool, err error) {
	err = a.timed(observe.OpFind, func() (int, error) {
		b, found, err = a.be.FindCtx(ctx, key)
		return len(b), err
	})
	return b, found, err
}
