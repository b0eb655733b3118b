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
	be      backend
	hash    bool
	maxSize int
	idle    time.Duration
	touches *touchLog // nil without an idle timeout
	hooks   *observe.Hooks
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
	key := a.key(ctx, token)
	err = a.timed(observe.OpFind, func() (int, error) {
		b, found, err = a.be.FindCtx(ctx, key)
		return len(b), err
	})
	if err != nil {
		return nil, false, err
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

func (a *storeAdapter) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	if err := checkSize(len(b), a.maxSize); err != nil {
		return err
	}
	now := time.Now()
	if a.idle > 0 {
		if idle := now.Add(a.idle); idle.Before(expiry) {
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
	err := a.timed(observe.OpCommit, func() (int, error) {
		return len(b), a.be.CommitModeCtx(ctx, key, b, expiry, mode)
	})
	if err != nil {
		return err
	}
	if st != nil {
		st.mu.Lock()
		st.expiry = expiry
		st.mu.Unlock()
	}
	if a.touches != nil {
		a.touches.record(key, now)
	}
	return nil
}

func (a *storeAdapter) Delete(token string) error { return a.DeleteCtx(context.Background(), token) }

func (a *storeAdapter) DeleteCtx(ctx context.Context, token string) error {
	key := a.key(ctx, token)
	err := a.timed(observe.OpDelete, func() (int, error) { return 0, a.be.DeleteCtx(ctx, key) })
	if err != nil {
		return err
	}
	if a.touches != nil {
		a.touches.forget(key)
	}
	return nil
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
	return all, nil
}

func isStoreError(err error) bool { return errors.Is(err, ErrStore) }
