package manager_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/sessionkit/sessionkit/manager"
	"github.com/sessionkit/sessionkit/typed"
)

// headerOnlyWriter keeps its header map and discards the body, so that
// the allocations measured are the middleware's, not a recorder's.
type headerOnlyWriter struct{ h http.Header }

func (w *headerOnlyWriter) Header() http.Header         { return w.h }
func (w *headerOnlyWriter) Write(b []byte) (int, error) { return len(b), nil }
func (w *headerOnlyWriter) WriteHeader(int)             {}

// okBody is a response body that costs no allocation per request.
var okBody = []byte("ok")

// TestCookielessRequestAllocations: a request without a session cookie to
// a handler that never uses its session (a public page behind the
// middleware) costs the request state and the request's new context, and
// nothing of scs's: no session data, no context layer, no status lookup.
func TestCookielessRequestAllocations(t *testing.T) {
	m := manager.New(manager.Config{})
	defer m.Close()
	h := m.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write(okBody)
	}))
	r := httptest.NewRequest("GET", "/", nil)
	w := &headerOnlyWriter{h: http.Header{}}
	allocs := testing.AllocsPerRun(200, func() {
		clear(w.h)
		h.ServeHTTP(w, r)
	})
	// One for the request state (which holds the writer and the
	// context), one for r.WithContext.
	if allocs > 2 {
		t.Errorf("a cookieless request that does not use its session allocates %v times, want at most 2", allocs)
	}
	// The page cannot depend on the session: it need not vary by Cookie
	// (TestVaryOnlyWhenTheSessionCounts).
	if got := w.h.Values("Vary"); len(got) != 0 {
		t.Errorf("Vary = %q, want none", got)
	}
	if got := w.h.Values("Set-Cookie"); len(got) != 0 {
		t.Errorf("an unused session set a cookie: %q", got)
	}
}

// TestCookielessSessionUsedConcurrently: goroutines of one cookieless
// request that all reach for the session first at the same moment share
// one session: every Put is committed, under one token.
func TestCookielessSessionUsedConcurrently(t *testing.T) {
	m := manager.New(manager.Config{})
	defer m.Close()
	const workers = 8
	h := m.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/read" {
			for i := range workers {
				v, err := typed.Get[int](r.Context(), fmt.Sprint("k", i))
				if err != nil || v != i {
					t.Errorf("k%d = %d, %v; want %d", i, v, err, i)
				}
			}
			return
		}
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				if err := typed.Put(r.Context(), fmt.Sprint("k", i), i); err != nil {
					t.Error(err)
				}
			}()
		}
		close(start)
		wg.Wait()
	}))
	for round := range 20 {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("GET", "/write", nil))
		cks := w.Result().Cookies()
		if len(cks) != 1 {
			t.Fatalf("round %d: %d cookies set, want 1", round, len(cks))
		}
		r := httptest.NewRequest("GET", "/read", nil)
		r.AddCookie(cks[0])
		h.ServeHTTP(httptest.NewRecorder(), r)
	}
}

// TestCookielessSessionThroughSCS: a cookieless request whose handler uses
// only scs's own API gets its session as under scs: Status says
// Unmodified, a Put through scs is committed and sets the cookie.
func TestCookielessSessionThroughSCS(t *testing.T) {
	m := manager.New(manager.Config{})
	defer m.Close()
	sm := m.SessionManager()
	h := m.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if st := sm.Status(r.Context()); st != 0 { // scs.Unmodified
			t.Errorf("fresh session status %v, want Unmodified", st)
		}
		if r.URL.Path == "/put" {
			sm.Put(r.Context(), "name", "ada")
		}
	}))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/look", nil))
	if cks := w.Result().Cookies(); len(cks) != 0 {
		t.Errorf("a session only looked at set cookies %v", cks)
	}
	w = httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/put", nil))
	cks := w.Result().Cookies()
	if len(cks) != 1 {
		t.Fatalf("a session put through scs set %d cookies, want 1", len(cks))
	}
	r := httptest.NewRequest("GET", "/look", nil)
	r.AddCookie(cks[0])
	got := ""
	h2 := m.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = sm.GetString(r.Context(), "name")
	}))
	h2.ServeHTTP(httptest.NewRecorder(), r)
	if got != "ada" {
		t.Errorf("next request read %q, want ada", got)
	}
}

// TestLoadedReadAllocations: reading a stored session costs no allocation
// of scs's — no boxed context key per call, no session data or context
// layer of its own — on top of the store's find, the hashed key, the
// request state, the request's context and the decoded session (a map
// and its one group). Measured with the in-memory store and one small int.
func TestLoadedReadAllocations(t *testing.T) {
	m := manager.New(manager.Config{})
	defer m.Close()
	h := m.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/put" {
			if err := typed.Put(r.Context(), "n", 7); err != nil {
				t.Error(err)
			}
			return
		}
		if n, err := typed.Get[int](r.Context(), "n"); err != nil || n != 7 {
			t.Errorf("read %d, %v", n, err)
		}
		_, _ = w.Write(okBody)
	}))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/put", nil))
	cks := rec.Result().Cookies()
	if len(cks) != 1 {
		t.Fatalf("the write set %d cookies, want 1", len(cks))
	}
	r := httptest.NewRequest("GET", "/read", nil)
	r.AddCookie(cks[0])
	w := &headerOnlyWriter{h: http.Header{}}
	allocs := testing.AllocsPerRun(200, func() {
		clear(w.h)
		h.ServeHTTP(w, r)
	})
	const budget = 6 // find's copy, key, state, context, map (2)
	t.Logf("a read of a stored session allocates %v times", allocs)
	if allocs > budget {
		t.Errorf("a read of a stored session allocates %v times, want at most %d", allocs, budget)
	}
}
