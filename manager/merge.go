package manager

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"time"

	"github.com/sessionkit/sessionkit/codec"
	"github.com/sessionkit/sessionkit/internal/bridge"
	"github.com/sessionkit/sessionkit/observe"
	"github.com/sessionkit/sessionkit/store"
)

// Concurrent requests on one session.
//
// Every commit of a loaded session is conditional on the stored session
// still being the one the request loaded (store.CompareCommitter: one
// Redis script, one bbolt transaction, one critical section). When another
// request committed in between, the commit fails with store.ErrConflict
// and mergeCommit takes over: it works out what this request changed,
// reloads the session, applies those changes key by key onto it, and
// commits again under the same condition, up to maxCommitAttempts times.
//
// What a request changed is found by comparing the session it loaded
// with the session it is about to commit, key by key, only when a
// conflict happens: an uncontended commit does no extra work, and values
// put through scs's own SessionManager().Put count as well as those put
// through Manager.Put or package typed. A key set to the value it already
// had counts as untouched.

// maxCommitAttempts bounds the commits one request tries: the first and
// the merges after it. Before each merge the request waits a random
// moment, growing with each attempt, so that a crowd of writers to one
// session spreads out. A request that still conflicts after that fails
// with store.ErrConflict wrapped in a StoreError (503 by default).
const maxCommitAttempts = 24

// maxMergeWait caps the random wait before one merge.
const maxMergeWait = 256 * time.Millisecond

// mergeState is what a request keeps for merging its commit.
type mergeState struct {
	// loaded is the stored blob the request's session is based on: the one
	// it loaded, then the one it last committed.
	loaded []byte
	// updates are read-modify-write changes (Manager.Update) by key.
	updates map[string]*update
}

// update is the record of typed.Update calls on one key: the functions,
// to be run again on a fresher value, and the value they left in the
// session, which tells whether a later Put or Remove overrode them.
type update struct {
	fns    []updateFunc
	result any
}

// updateFunc computes a key's new value from its current one (ok is false
// when the key is missing). It may run more than once (see
// Manager.update): it must not have side effects.
type updateFunc = func(v any, ok bool) (any, error)

// Package typed's Update reaches the manager through the bridge.
func init() {
	bridge.Update = func(ctx context.Context, key string, fn func(v any, ok bool) (any, error)) error {
		m, ok := fromContext(ctx)
		if !ok {
			return ErrNoSession
		}
		return m.update(ctx, key, fn)
	}
}

// lookup returns the raw value under key and whether the session has it.
func (m *Manager) lookup(ctx context.Context, key string) (any, bool) {
	return m.get(ctx, key)
}

// update replaces the value under key by fn's result, computed from the
// current value (typed.Update). Unlike a Get followed by a Put, the change survives
// concurrent requests: if another request committed this session after
// this one loaded it, fn runs again at commit on the value that request
// left, so fifty parallel increments add fifty. An error from fn stores
// nothing and is returned. Cost: one call of fn and one Put now; at a
// contended commit, one more call per retry.
//
// If, at a contended commit, fn fails on the fresher value (for example
// because another request stored a value of another type), the commit
// fails with that error and the error handler answers.
func (m *Manager) update(ctx context.Context, key string, fn updateFunc) error {
	st := stateFrom(ctx)
	if st == nil || st.m != m {
		return ErrNoSession
	}
	v, ok := m.lookup(ctx, key)
	nv, err := fn(v, ok)
	if err != nil {
		return err
	}
	if err := m.Put(ctx, key, nv); err != nil {
		return err
	}
	cur, _ := m.get(ctx, key)
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.merge.updates == nil {
		st.merge.updates = map[string]*update{}
	}
	u := st.merge.updates[key]
	if u == nil || !identical(u.result, v) {
		// A Put or Remove since the last Update replaced what it did.
		u = &update{}
		st.merge.updates[key] = u
	}
	u.fns = append(u.fns, fn)
	u.result = cur
	return nil
}

// changeSet is what one request changed in its session.
type changeSet struct {
	put     map[string]any
	del     []string
	updates map[string][]updateFunc
}

// changes compares the session the request loaded (base) with the one it
// holds now.
func (m *Manager) changes(ctx context.Context, st *requestState, base []byte) (changeSet, error) {
	_, before, err := m.sm.Codec.Decode(base)
	if err != nil {
		return changeSet{}, fmt.Errorf("sessionkit: merge: decoding the loaded session: %w", err)
	}
	ch := changeSet{put: map[string]any{}, updates: map[string][]updateFunc{}}
	st.mu.Lock()
	updates := st.merge.updates
	st.mu.Unlock()
	now := map[string]bool{}
	for _, k := range m.sm.Keys(ctx) {
		now[k] = true
		v := m.sm.Get(ctx, k)
		if u := updates[k]; u != nil && identical(u.result, v) {
			ch.updates[k] = u.fns
			continue
		}
		if old, ok := before[k]; ok && m.sameValue(old, v) {
			continue
		}
		ch.put[k] = v
	}
	for k := range before {
		if !now[k] {
			ch.del = append(ch.del, k)
		}
	}
	return ch, nil
}

// apply makes ch's changes to vals, a fresher session.
func (ch changeSet) apply(vals map[string]any) error {
	for _, k := range ch.del {
		delete(vals, k)
	}
	for k, v := range ch.put {
		vals[k] = v
	}
	for k, fns := range ch.updates {
		v, ok := vals[k]
		for _, fn := range fns {
			nv, err := fn(v, ok)
			if err != nil {
				return fmt.Errorf("sessionkit: merge %q: %w", k, err)
			}
			v, ok = nv, true
		}
		vals[k] = v
	}
	return nil
}

// commitSession commits the request's session through scs, writing the
// user index first when the commit needs it, and merges onto the stored
// session when another request committed meanwhile.
func (m *Manager) commitSession(ctx context.Context) (string, error) {
	m.prepareBind(ctx)
	token, _, err := m.scsCommit(ctx)
	if errors.Is(err, store.ErrConflict) {
		token, err = m.mergeCommit(ctx)
	}
	return token, err
}

// mergeCommit commits the request's changes onto the session another
// request committed meanwhile (see the comment at the top of this file).
// It returns the token committed, or store.ErrGone (wrapped) when the
// session no longer exists.
func (m *Manager) mergeCommit(ctx context.Context) (string, error) {
	st := stateFrom(ctx)
	st.mu.Lock()
	key, token, base := st.loadedKey, st.loadedTok, st.merge.loaded
	st.mu.Unlock()
	ch, err := m.changes(ctx, st, base)
	if err != nil {
		return "", err
	}
	for attempt := 1; ; attempt++ {
		fresh, found, err := m.store.findKey(ctx, key)
		if err != nil {
			return "", err
		}
		if !found {
			return "", &StoreError{Op: observe.OpCommit, Err: store.ErrGone}
		}
		deadline, vals, err := m.sm.Codec.Decode(fresh)
		if err != nil {
			return "", fmt.Errorf("sessionkit: merge: decoding the stored session: %w", err)
		}
		if err := ch.apply(vals); err != nil {
			return "", err
		}
		b, err := m.sm.Codec.Encode(deadline, vals)
		if err != nil {
			return "", fmt.Errorf("sessionkit: merge: %w", err)
		}
		st.mu.Lock()
		st.merge.loaded = fresh
		st.mu.Unlock()
		err = m.store.CommitCtx(ctx, token, b, deadline)
		if err == nil {
			m.adopt(ctx, st, vals)
			return token, nil
		}
		if !errors.Is(err, store.ErrConflict) {
			return "", err
		}
		if attempt+1 >= maxCommitAttempts { // the first commit, then attempt merges
			return "", &StoreError{Op: observe.OpCommit, Err: err}
		}
		// Spread the crowd out: a random wait of up to 2^attempt ms,
		// capped at maxMergeWait, so that writers retrying together do
		// not collide again (randomized exponential backoff).
		wait := min(time.Millisecond<<attempt, maxMergeWait)
		t := time.NewTimer(time.Duration(rand.Int64N(int64(wait))))
		select {
		case <-ctx.Done():
			t.Stop()
			return "", &StoreError{Op: observe.OpCommit, Err: ctx.Err()}
		case <-t.C:
		}
	}
}

// adopt makes the request's session the merged one just committed, so that
// what the handler reads afterwards, and any later commit, starts from it.
func (m *Manager) adopt(ctx context.Context, st *requestState, vals map[string]any) {
	for _, k := range m.sm.Keys(ctx) {
		if _, ok := vals[k]; !ok {
			m.sm.Remove(ctx, k)
		}
	}
	for k, v := range vals {
		m.sm.Put(ctx, k, v)
	}
	st.mu.Lock()
	st.merge.updates = nil
	st.mu.Unlock()
}

// sameValue reports whether a loaded value and a current one are equal,
// comparing encoded bytes with one of our codecs.
func (m *Manager) sameValue(a, b any) bool {
	if m.valueCodec == nil {
		return reflect.DeepEqual(a, b)
	}
	av, err := m.asValue(a)
	if err != nil {
		return false
	}
	bv, err := m.asValue(b)
	if err != nil {
		return false
	}
	return av.Equal(bv)
}

func (m *Manager) asValue(v any) (*codec.Value, error) {
	if cv, ok := v.(*codec.Value); ok {
		return cv, nil
	}
	return m.valueCodec.Marshal(v)
}

// identical reports whether a is the very value b: the same *codec.Value,
// or equal native values.
func identical(a, b any) bool {
	if av, ok := a.(*codec.Value); ok {
		bv, ok := b.(*codec.Value)
		return ok && av == bv
	}
	return reflect.DeepEqual(a, b)
}

// noCompare commits without comparing, for stores that cannot: the last
// write wins, as in scs.
type noCompare struct{ c store.ConditionalCommitter }

func (n noCompare) CommitIfCtx(ctx context.Context, key string, b []byte, expiry time.Time, _ []byte) error {
	return n.c.CommitModeCtx(ctx, key, b, expiry, store.Update)
}
