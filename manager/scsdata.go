package manager

import (
	"context"
	"reflect"
	"sync"
	"time"
	"unsafe"

	"github.com/alexedwards/scs/v2"
)

// scs keeps a request's session in an unexported *sessionData in the
// request's context, and every one of its methods finds it there by a key
// of an unexported string type — which it boxes into an interface, one
// allocation per call. Its Load costs three allocations more (that box,
// the session data, a context layer). The middleware calls Load, Status,
// Get, Exists, Put and Commit on every request, so on a read those are a
// quarter of the allocations that are not Redis's.
//
// scsData mirrors sessionData field for field, and the Manager works on
// the request's session data through it: the same fields, under the same
// mutex, with the same rules as scs's methods, which keep working on it
// for code that calls them. A loaded session's data is built here and
// answered by the request's context (stateContext) under scs's key, so
// Load's context layer is not needed either.
//
// The mirror is used only if scs's type has exactly this layout — the same
// field names, types and offsets — which New checks (scsDataLayout); with
// another scs version whose layout differs every call goes through scs's
// methods, as before, and nothing else changes.
type scsData struct {
	deadline time.Time
	status   scs.Status
	token    string
	values   map[string]interface{}
	mu       sync.Mutex
}

// scsDataLayout returns scs's *sessionData type if sessionData is laid out
// as scsData, else nil. key is scs's context key (scsContextKey).
func scsDataLayout(sm *scs.SessionManager, key any) reflect.Type {
	if key == nil {
		return nil
	}
	ctx, err := sm.Load(context.Background(), "")
	if err != nil {
		return nil
	}
	t := reflect.TypeOf(ctx.Value(key))
	if t == nil || t.Kind() != reflect.Pointer || t.Elem().Kind() != reflect.Struct {
		return nil
	}
	theirs, ours := t.Elem(), reflect.TypeFor[scsData]()
	if theirs.Size() != ours.Size() || theirs.Align() != ours.Align() || theirs.NumField() != ours.NumField() {
		return nil
	}
	for i := range ours.NumField() {
		a, b := theirs.Field(i), ours.Field(i)
		if a.Name != b.Name || a.Type != b.Type || a.Offset != b.Offset {
			return nil
		}
	}
	return t
}

// data returns the session data in ctx through the mirror, or nil when
// there is none or the mirror is not in use. Cost: one context lookup.
func (m *Manager) data(ctx context.Context) *scsData {
	if m.sdType == nil {
		return nil
	}
	v := ctx.Value(m.scsKey) // the key is boxed already: no allocation
	if reflect.TypeOf(v) != m.sdType {
		return nil
	}
	return (*scsData)(reflect.ValueOf(v).UnsafePointer())
}

// asSCS returns d as scs's own *sessionData, for the request's context to
// hand to scs's methods. No allocation: a pointer fits an interface.
func (m *Manager) asSCS(d *scsData) any {
	return reflect.NewAt(m.sdType.Elem(), unsafe.Pointer(d)).Interface()
}

// newData makes d scs's newSessionData: an empty, unmodified session.
// d must be unused: its mutex is not touched.
func (m *Manager) newData(d *scsData) {
	d.deadline, d.status, d.token = time.Now().Add(m.sm.Lifetime).UTC(), scs.Unmodified, ""
	d.values = make(map[string]interface{})
}

// status is scs's Status.
func (m *Manager) status(ctx context.Context) scs.Status {
	d := m.data(ctx)
	if d == nil {
		return m.sm.Status(ctx)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.status
}

// get is scs's Get and Exists in one: the value under key, and whether
// the session has key.
func (m *Manager) get(ctx context.Context, key string) (any, bool) {
	d := m.data(ctx)
	if d == nil {
		if v := m.sm.Get(ctx, key); v != nil {
			return v, true
		}
		return nil, m.sm.Exists(ctx, key)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	v, ok := d.values[key]
	return v, ok
}

// put is scs's Put.
func (m *Manager) put(ctx context.Context, key string, v any) {
	d := m.data(ctx)
	if d == nil {
		m.sm.Put(ctx, key, v)
		return
	}
	d.mu.Lock()
	d.values[key] = v
	d.status = scs.Modified
	d.mu.Unlock()
}

// getBool is scs's GetBool.
func (m *Manager) getBool(ctx context.Context, key string) bool {
	v, _ := m.get(ctx, key)
	b, _ := v.(bool)
	return b
}

// scsCommit is scs's Commit. A session without a token yet goes through
// scs's Commit, which makes the token.
func (m *Manager) scsCommit(ctx context.Context) (string, time.Time, error) {
	d := m.data(ctx)
	if d == nil {
		return m.sm.Commit(ctx)
	}
	d.mu.Lock()
	if d.token == "" {
		d.mu.Unlock()
		return m.sm.Commit(ctx)
	}
	defer d.mu.Unlock()
	b, err := m.sm.Codec.Encode(d.deadline, d.values)
	if err != nil {
		return "", time.Time{}, err
	}
	expiry := d.deadline
	if idle := m.sm.IdleTimeout; idle > 0 {
		if ie := time.Now().Add(idle).UTC(); ie.Before(expiry) {
			expiry = ie
		}
	}
	// scs's doStoreCommit, with the store and hashing checkSettings holds.
	if err := m.store.CommitCtx(ctx, d.token, b, expiry); err != nil {
		return "", time.Time{}, err
	}
	return d.token, expiry, nil
}

// loadData is scs's Load of a token for a request whose context answers
// scs's key itself (stateContext): it fills d, unused, with the session
// data Load would put in a context layer, and reports whether the store
// had a session under token (if not, a fresh one is made on first use, as
// for no token).
func (m *Manager) loadData(ctx context.Context, d *scsData, token string) (found bool, err error) {
	// scs's doStoreFind, with the store and hashing checkSettings holds.
	b, found, err := m.store.FindCtx(ctx, token)
	if err != nil || !found {
		return false, err
	}
	d.status, d.token = scs.Unmodified, token
	if d.deadline, d.values, err = m.sm.Codec.Decode(b); err != nil {
		return false, err
	}
	// As scs: an idle timeout set on its SessionManager rewrites every
	// session (Config.IdleTimeout is the manager's own, see touch).
	if m.sm.IdleTimeout > 0 {
		d.status = scs.Modified
	}
	return true, nil
}
