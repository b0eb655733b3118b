package manager

import (
	"context"
	"errors"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/sessionkit/sessionkit/observe"
	"github.com/sessionkit/sessionkit/store"
)

// storeAdapter sits between scs and the configured store. It hashes tokens,
// applies the idle timeout and size limit, picks the commit mode (create
// for new tokens, update for loaded sessions), wraps errors in StoreError
// and reports every operation to the hooks.
type storeAdapter struct {
	inner   scs.Store
	ctxs    scs.CtxStore
	cond    store.ConditionalCommitter
	toucher store.Toucher
	hash    bool
	m       *Manager
	hooks   *observe.Hooks
}

func newStoreAdapter(inner scs.Store, hash bool, m *Manager) *storeAdapter {
	a := &storeAdapter{inner: inner, hash: hash, m: m}
	a.ctxs, _ = inner.(scs.CtxStore)
	a.cond, _ = inner.(store.ConditionalCommitter)
	a.toucher, _ = inner.(store.Toucher)
	return a
}

var (
	_ scs.CtxStore         = (*storeAdapter)(nil)
	_ scs.IterableCtxStore = (*storeAdapter)(nil)
	_ scs.IterableStore    = (*storeAdapter)(nil)
)

// key maps a token to its store key. Inside Iterate the tokens scs hands
// around are already store keys.
func (a *storeAdapter) key(ctx context.Context, token string) string {
	if !a.hash {
		return token
	}
	if st := stateFrom(ctx); st != nil && st.iterating {
		return token
	}
	return hashToken(token)
}

func (a *storeAdapter) report(op string, start time.Time, n int, err error) {
	a.hooks.Store(observe.StoreEvent{Op: op, Duration: time.Since(start), Bytes: n, Err: err})
}

func (a *storeAdapter) Find(token string) ([]byte, bool, error) {
	return a.FindCtx(context.Background(), token)
}

func (a *storeAdapter) FindCtx(ctx context.Context, token string) (b []byte, found bool, err error) {
	var start time.Time
	if a.hooks.StoreOn() {
		start = time.Now()
	}
	key := a.key(ctx, token)
	if a.ctxs != nil {
		b, found, err = a.ctxs.FindCtx(ctx, key)
	} else {
		b, found, err = a.inner.Find(key)
	}
	if a.hooks.StoreOn() {
		a.report(observe.OpFind, start, len(b), err)
	}
	if err != nil {
		return nil, false, &StoreError{Op: observe.OpFind, Err: err}
	}
	if st := stateFrom(ctx); found && st != nil {
		st.mu.Lock()
		if st.loading {
			st.loadedKey, st.loadedTok = key, token
		}
		st.mu.Unlock()
	}
	return b, found, nil
}

func (a *storeAdapter) Commit(token string, b []byte, expiry time.Time) error {
	return a.CommitCtx(context.Background(), token, b, expiry)
}

func (a *storeAdapter) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) (err error) {
	if err := a.m.checkSize(len(b)); err != nil {
		return err
	}
	now := time.Now()
	if a.m.idle > 0 {
		if idle := now.Add(a.m.idle); idle.Before(expiry) {
			expiry = idle
		}
	}
	var key string
	mode := store.Upsert
	st := stateFrom(ctx)
	if st != nil && !st.iterating {
		st.mu.Lock()
		if st.loadedTok != "" && st.loadedTok == token {
			mode, key = store.Update, st.loadedKey // hashed once, at load
		} else {
			mode = store.Create
		}
		st.mu.Unlock()
	}
	if key == "" {
		key = a.key(ctx, token)
	}
	switch {
	case a.cond != nil:
		err = a.cond.CommitModeCtx(ctx, key, b, expiry, mode)
	case a.ctxs != nil:
		err = a.ctxs.CommitCtx(ctx, key, b, expiry)
	default:
		err = a.inner.Commit(key, b, expiry)
	}
	if a.hooks.StoreOn() {
		a.report(observe.OpCommit, now, len(b), err)
	}
	if err != nil {
		return &StoreError{Op: observe.OpCommit, Err: err}
	}
	if st != nil {
		st.mu.Lock()
		st.expiry = expiry
		st.mu.Unlock()
	}
	if a.m.touches != nil {
		a.m.touches.record(key, now)
	}
	return nil
}

func (a *storeAdapter) Delete(token string) error { return a.DeleteCtx(context.Background(), token) }

func (a *storeAdapter) DeleteCtx(ctx context.Context, token string) (err error) {
	var start time.Time
	if a.hooks.StoreOn() {
		start = time.Now()
	}
	key := a.key(ctx, token)
	if a.ctxs != nil {
		err = a.ctxs.DeleteCtx(ctx, key)
	} else {
		err = a.inner.Delete(key)
	}
	if a.hooks.StoreOn() {
		a.report(observe.OpDelete, start, 0, err)
	}
	if err != nil {
		return &StoreError{Op: observe.OpDelete, Err: err}
	}
	if a.m.touches != nil {
		a.m.touches.forget(key)
	}
	return nil
}

// touch extends the expiry of the session stored under key.
func (a *storeAdapter) touch(ctx context.Context, key string, expiry time.Time) (err error) {
	var start time.Time
	if a.hooks.StoreOn() {
		start = time.Now()
	}
	err = a.toucher.TouchCtx(ctx, key, expiry)
	if a.hooks.StoreOn() {
		a.report(observe.OpTouch, start, 0, err)
	}
	if err != nil && !errors.Is(err, store.ErrGone) {
		return &StoreError{Op: observe.OpTouch, Err: err}
	}
	return err
}

func (a *storeAdapter) All() (map[string][]byte, error) { return a.AllCtx(context.Background()) }

func (a *storeAdapter) AllCtx(ctx context.Context) (all map[string][]byte, err error) {
	var start time.Time
	if a.hooks.StoreOn() {
		start = time.Now()
	}
	switch s := a.inner.(type) {
	case scs.IterableCtxStore:
		all, err = s.AllCtx(ctx)
	case scs.IterableStore:
		all, err = s.All()
	default:
		return nil, ErrNotIterable
	}
	if a.hooks.StoreOn() {
		n := 0
		for _, b := range all {
			n += len(b)
		}
		a.report(observe.OpAll, start, n, err)
	}
	if err != nil {
		return nil, &StoreError{Op: observe.OpAll, Err: err}
	}
	return all, nil
}

func isStoreError(err error) bool { return errors.Is(err, ErrStore) }
