package manager

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"
	scsmem "github.com/alexedwards/scs/v2/memstore"

	"github.com/sessionkit/sessionkit/store"
	"github.com/sessionkit/sessionkit/store/memstore"
)

// TestTouchLogBounded: the fallback for stores without store.IdleFinder
// remembers at most two generations of max sessions, however many it sees.
func TestTouchLogBounded(t *testing.T) {
	const max = 100
	l := newTouchLog(time.Hour, max)
	now := time.Now()
	for i := 0; i < 50*max; i++ {
		key := fmt.Sprint("k", i)
		if !l.due(key, now) {
			t.Fatalf("%s is not due before its first touch", key)
		}
		l.record(key, now)
		if l.due(key, now) {
			t.Fatalf("%s is due again right after its touch", key)
		}
		if n := l.len(); n > 2*max {
			t.Fatalf("after %d sessions the log holds %d, want at most %d", i+1, n, 2*max)
		}
	}
	if l.due("k0", now) != true {
		t.Error("the oldest session is still remembered: the log did not rotate")
	}
	if !l.due(fmt.Sprint("k", 50*max-1), now.Add(time.Hour)) {
		t.Error("a session touched a window ago is not due")
	}
}

// toucherOnly is a store that touches but has no store.IdleFinder: what
// a third-party store may offer.
type toucherOnly struct {
	scs.CtxStore
	store.Toucher
}

func newToucherOnly() toucherOnly {
	s := memstore.New()
	return toucherOnly{s, s}
}

// TestIdleFallback: with a store that cannot decide touches (a Toucher
// without IdleFinder; scs's memstore, which only commits), the manager
// keeps its bounded log, keeps read sessions alive, re-sends the cookie
// when it extends, and lets idle sessions end. The bundled stores need no
// log at all.
func TestIdleFallback(t *testing.T) {
	const idle = 400 * time.Millisecond
	for _, tc := range []struct {
		name  string
		store func() scs.Store
		log   bool
	}{
		{"sessionkit memstore", func() scs.Store { return memstore.New() }, false},
		{"toucher without IdleFinder", func() scs.Store { return newToucherOnly() }, true},
		{"scs memstore", func() scs.Store { return scsmem.New() }, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := New(Config{Store: tc.store(), IdleTimeout: idle, IdleRefresh: 0.25})
			if (m.touches != nil) != tc.log {
				t.Fatalf("touch log present: %v, want %v", m.touches != nil, tc.log)
			}
			mux := http.NewServeMux()
			mux.HandleFunc("/login", func(w http.ResponseWriter, r *http.Request) { _ = m.Put(r.Context(), "user", "ada") })
			mux.HandleFunc("/me", func(w http.ResponseWriter, r *http.Request) {
				if _, ok := m.lookup(r.Context(), "user"); !ok {
					http.Error(w, "signed out", http.StatusUnauthorized)
				}
			})
			h := m.LoadAndSave(mux)
			do := func(path string, ck *http.Cookie) (int, *http.Cookie) {
				r := httptest.NewRequest("GET", path, nil).WithContext(context.Background())
				if ck != nil {
					r.AddCookie(ck)
				}
				w := httptest.NewRecorder()
				h.ServeHTTP(w, r)
				for _, c := range w.Result().Cookies() {
					if c.Name == "session" {
						return w.Code, c
					}
				}
				return w.Code, nil
			}
			_, ck := do("/login", nil)
			if ck == nil {
				t.Fatal("login set no cookie")
			}
			cookies := 0
			for end := time.Now().Add(3 * idle); time.Now().Before(end); time.Sleep(idle / 8) {
				code, sent := do("/me", ck)
				if code != 200 {
					t.Fatalf("session ended while in use: %d", code)
				}
				if sent != nil {
					cookies++
					if sent.Value != ck.Value || sent.MaxAge <= 0 {
						t.Fatalf("extension cookie %v, want the same token, persistent", sent)
					}
				}
			}
			if cookies == 0 {
				t.Error("reads over 3 idle periods sent no extension cookie")
			}
			time.Sleep(idle + idle/2)
			if code, _ := do("/me", ck); code != http.StatusUnauthorized {
				t.Errorf("read after the idle timeout: %d, want 401", code)
			}
		})
	}
}
