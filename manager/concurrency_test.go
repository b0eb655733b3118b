package manager_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sessionkit/sessionkit/manager"
	"github.com/sessionkit/sessionkit/observe"
	"github.com/sessionkit/sessionkit/store"
	"github.com/sessionkit/sessionkit/store/memstore"
	"github.com/sessionkit/sessionkit/typed"
)

// barrier holds up to n requests until all n have arrived, or for at most
// 5 seconds, so that they all load the session before any commits.
type barrier struct {
	n     int
	mu    sync.Mutex
	count int
	all   chan struct{}
}

func newBarrier(n int) *barrier { return &barrier{n: n, all: make(chan struct{})} }

func (b *barrier) wait() {
	b.mu.Lock()
	b.count++
	if b.count == b.n {
		close(b.all)
	}
	b.mu.Unlock()
	select {
	case <-b.all:
	case <-time.After(5 * time.Second):
	}
}

// parallelApp serves /login, /put?i= (puts its own key k<i>), /inc
// (typed.Update of "visits") and /state (the k keys and visits). /put and
// /inc wait at the barrier after loading.
func parallelApp(m *manager.Manager, b func() *barrier) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/login", func(w http.ResponseWriter, r *http.Request) {
		_ = typed.Put(r.Context(), "user", "ada")
	})
	mux.HandleFunc("/put", func(w http.ResponseWriter, r *http.Request) {
		b().wait()
		i, _ := strconv.Atoi(r.URL.Query().Get("i"))
		if err := typed.Put(r.Context(), fmt.Sprintf("k%02d", i), i); err != nil {
			http.Error(w, err.Error(), 500)
		}
	})
	mux.HandleFunc("/inc", func(w http.ResponseWriter, r *http.Request) {
		b().wait()
		if err := typed.Update(r.Context(), "visits", func(n int) int { return n + 1 }); err != nil {
			http.Error(w, err.Error(), 500)
		}
	})
	mux.HandleFunc("/state", func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		n := 0
		for i := 0; i < 100; i++ {
			if v, err := typed.Get[int](ctx, fmt.Sprintf("k%02d", i)); err == nil && v == i {
				n++
			}
		}
		visits, _ := typed.GetOr(ctx, "visits", 0)
		user, _ := typed.Get[string](ctx, "user")
		fmt.Fprintf(w, "keys=%d visits=%d user=%s", n, visits, user)
	})
	return m.LoadAndSave(mux)
}

// parallel sends n requests to path?i=<i> at once with the session cookie
// and returns how many did not answer 200.
func parallel(t *testing.T, url, token, path string, n int) int {
	t.Helper()
	var wg sync.WaitGroup
	var mu sync.Mutex
	bad := 0
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			status, body, _ := get(t, fmt.Sprintf("%s%s?i=%d", url, path, i), token)
			if status != 200 {
				mu.Lock()
				bad++
				if bad == 1 {
					t.Errorf("%s: %d %s", path, status, body)
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return bad
}

// countingHooks counts store operations and conflicts.
type countingHooks struct {
	mu        sync.Mutex
	ops       map[string]int
	conflicts int
}

func (c *countingHooks) hooks() *observe.Hooks {
	return &observe.Hooks{Store: func(e observe.StoreEvent) {
		c.mu.Lock()
		defer c.mu.Unlock()
		if c.ops == nil {
			c.ops = map[string]int{}
		}
		c.ops[e.Op]++
		if e.Err != nil && strings.Contains(e.Err.Error(), "changed since it was loaded") {
			c.conflicts++
		}
	}}
}

func (c *countingHooks) take() (map[string]int, int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	ops, n := c.ops, c.conflicts
	c.ops, c.conflicts = nil, 0
	if ops == nil {
		ops = map[string]int{}
	}
	return ops, n
}

// TestParallelWritesMerge: 50 requests with one session cookie, all loaded
// before any commits, each put their own key: all 50 keys are there
// afterwards, and the user key they did not touch too. Then 50 parallel
// typed.Update increments leave the counter at 50. On each store.
func TestParallelWritesMerge(t *testing.T) {
	const n = 50
	for _, su := range allStores() {
		t.Run(su.name, func(t *testing.T) {
			var hooks countingHooks
			m := manager.New(manager.Config{Store: su.make(t), Logger: quietLogger(), Hooks: hooks.hooks()})
			t.Cleanup(func() { _ = m.Close() })
			var cur *barrier
			srv := httptest.NewServer(parallelApp(m, func() *barrier { return cur }))
			defer srv.Close()
			_, _, token := get(t, srv.URL+"/login", "")

			cur = newBarrier(n)
			hooks.take()
			if bad := parallel(t, srv.URL, token, "/put", n); bad != 0 {
				t.Errorf("%d of %d puts failed", bad, n)
			}
			ops, conflicts := hooks.take()
			t.Logf("%d parallel puts: store operations %v, %d conflicts", n, ops, conflicts)
			if _, body, _ := get(t, srv.URL+"/state", token); body != "keys=50 visits=0 user=ada" {
				t.Errorf("after %d parallel puts: %s, want keys=50 visits=0 user=ada", n, body)
			}

			cur = newBarrier(n)
			if bad := parallel(t, srv.URL, token, "/inc", n); bad != 0 {
				t.Errorf("%d of %d increments failed", bad, n)
			}
			ops, conflicts = hooks.take()
			t.Logf("%d parallel increments: store operations %v, %d conflicts", n, ops, conflicts)
			if _, body, _ := get(t, srv.URL+"/state", token); body != "keys=50 visits=50 user=ada" {
				t.Errorf("after %d parallel increments: %s, want keys=50 visits=50 user=ada", n, body)
			}
		})
	}
}

// TestReadOnlyNeverRetries: a request that only reads, and loaded the
// session before another request committed a change, finishes without a
// single store operation after its load: no commit, no retry.
func TestReadOnlyNeverRetries(t *testing.T) {
	for _, su := range allStores() {
		t.Run(su.name, func(t *testing.T) {
			var hooks countingHooks
			m := manager.New(manager.Config{Store: su.make(t), Logger: quietLogger(), Hooks: hooks.hooks()})
			t.Cleanup(func() { _ = m.Close() })
			loaded, release := make(chan struct{}), make(chan struct{})
			mux := http.NewServeMux()
			mux.HandleFunc("/login", func(w http.ResponseWriter, r *http.Request) { _ = typed.Put(r.Context(), "user", "ada") })
			mux.HandleFunc("/write", func(w http.ResponseWriter, r *http.Request) { _ = typed.Put(r.Context(), "cart", 3) })
			mux.HandleFunc("/read", func(w http.ResponseWriter, r *http.Request) {
				close(loaded)
				<-release
				u, _ := typed.Get[string](r.Context(), "user")
				fmt.Fprint(w, u)
			})
			srv := httptest.NewServer(m.LoadAndSave(mux))
			defer srv.Close()
			_, _, token := get(t, srv.URL+"/login", "")

			done := make(chan string)
			go func() { _, body, _ := get(t, srv.URL+"/read", token); done <- body }()
			<-loaded
			if status, _, _ := get(t, srv.URL+"/write", token); status != 200 {
				t.Fatalf("write: %d", status)
			}
			hooks.take()
			close(release)
			if body := <-done; body != "ada" {
				t.Errorf("read answered %q", body)
			}
			if ops, _ := hooks.take(); len(ops) != 0 {
				t.Errorf("the read-only request, after its load, did store operations %v; want none", ops)
			}
		})
	}
}

// TestWriteRacingLogoutWithMerge: request A loads and waits; C commits a
// change (so A's commit conflicts); B logs out; A commits. The merge finds
// the session gone: nothing is written, A's response clears the cookie.
// Then the same with A's write racing a logout in every order (race).
func TestWriteRacingLogoutWithMerge(t *testing.T) {
	for _, su := range allStores() {
		t.Run(su.name, func(t *testing.T) {
			m := manager.New(manager.Config{Store: su.make(t), Logger: quietLogger()})
			t.Cleanup(func() { _ = m.Close() })
			loaded, release := make(chan struct{}), make(chan struct{})
			mux := http.NewServeMux()
			mux.HandleFunc("/login", func(w http.ResponseWriter, r *http.Request) { _ = typed.Put(r.Context(), "user", "ada") })
			mux.HandleFunc("/c", func(w http.ResponseWriter, r *http.Request) { _ = typed.Put(r.Context(), "c", 1) })
			mux.HandleFunc("/logout", func(w http.ResponseWriter, r *http.Request) { _ = m.Destroy(r.Context()) })
			mux.HandleFunc("/a", func(w http.ResponseWriter, r *http.Request) {
				close(loaded)
				<-release
				_ = typed.Update(r.Context(), "visits", func(n int) int { return n + 1 })
			})
			srv := httptest.NewServer(m.LoadAndSave(mux))
			defer srv.Close()
			_, _, token := get(t, srv.URL+"/login", "")
			type result struct {
				status  int
				cleared bool
			}
			done := make(chan result)
			go func() {
				req, _ := http.NewRequest("GET", srv.URL+"/a", nil)
				req.Header.Set("Cookie", "session="+token)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					done <- result{}
					return
				}
				resp.Body.Close()
				cleared := false
				for _, c := range resp.Cookies() {
					cleared = cleared || (c.Name == "session" && c.Value == "")
				}
				done <- result{resp.StatusCode, cleared}
			}()
			<-loaded
			get(t, srv.URL+"/c", token)
			get(t, srv.URL+"/logout", token)
			close(release)
			if r := <-done; r.status != 200 || !r.cleared {
				t.Errorf("late write after a logout: status %d, cookie cleared %v; want 200 and cleared", r.status, r.cleared)
			}
			if n := countSessions(t, m); n != 0 {
				t.Errorf("%d sessions alive after the logout", n)
			}

			write := func(ctx context.Context) {
				if typed.Exists(ctx, "user") { // a signed-in request, not one that starts a session
					_ = typed.Update(ctx, "visits", func(n int) int { return n + 1 })
				}
			}
			logout := func(ctx context.Context) { _ = m.Destroy(ctx) }
			race(t, m, write, logout, func(ra, rb *httptest.ResponseRecorder) string {
				if n := countSessions(t, m); n != 0 {
					return fmt.Sprintf("%d sessions alive after the logout", n)
				}
				return ""
			})
		})
	}
}

// TestWriteRacingRenewal: request a writes while request b renews the
// token, in every order. Afterwards exactly one session is alive, loadable
// with the token b's response set, holding b's change; a's write is in
// it or nowhere, and the old token loads nothing.
func TestWriteRacingRenewal(t *testing.T) {
	for _, su := range allStores() {
		t.Run(su.name, func(t *testing.T) {
			m := manager.New(manager.Config{Store: su.make(t), Logger: quietLogger()})
			t.Cleanup(func() { _ = m.Close() })
			write := func(ctx context.Context) {
				if typed.Exists(ctx, "user") { // a signed-in request, not one that starts a session
					_ = typed.Put(ctx, "cart", 7)
				}
			}
			check := m.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				role, _ := typed.Get[string](r.Context(), "role")
				cart, err := typed.Get[int](r.Context(), "cart")
				fmt.Fprintf(w, "role=%s cart=%d,%v", role, cart, err == nil)
			}))
			race(t, m, write, renewAtPrivilegeChange(m), func(ra, rb *httptest.ResponseRecorder) string {
				if n := countSessions(t, m); n != 1 {
					return fmt.Sprintf("%d sessions alive, want 1", n)
				}
				renewed, _ := sessionCookie(rb)
				if renewed == "" {
					return "the renewal set no token"
				}
				rec := httptest.NewRecorder()
				r := httptest.NewRequest("GET", "/", nil)
				r.Header.Set("Cookie", manager.DefaultCookieName+"="+renewed)
				check.ServeHTTP(rec, r)
				if body := rec.Body.String(); body != "role=admin cart=7,true" && body != "role=admin cart=0,false" {
					return "renewed session holds " + body
				}
				return ""
			})
		})
	}
}

// TestUpdateConflictOfTypes: request A loads and waits; B stores a string
// under the key A increments as an int. A's commit conflicts, the update
// cannot run on the string, and A's response is the error handler's 500;
// B's string stays.
func TestUpdateConflictOfTypes(t *testing.T) {
	m := manager.New(manager.Config{Logger: quietLogger()})
	t.Cleanup(func() { _ = m.Close() })
	loaded, release := make(chan struct{}), make(chan struct{})
	mux := http.NewServeMux()
	mux.HandleFunc("/login", func(w http.ResponseWriter, r *http.Request) { _ = typed.Put(r.Context(), "visits", 1) })
	mux.HandleFunc("/b", func(w http.ResponseWriter, r *http.Request) { _ = typed.Put(r.Context(), "visits", "many") })
	mux.HandleFunc("/a", func(w http.ResponseWriter, r *http.Request) {
		close(loaded)
		<-release
		_ = typed.Update(r.Context(), "visits", func(n int) int { return n + 1 })
	})
	mux.HandleFunc("/get", func(w http.ResponseWriter, r *http.Request) {
		s, err := typed.Get[string](r.Context(), "visits")
		fmt.Fprint(w, s, err)
	})
	srv := httptest.NewServer(m.LoadAndSave(mux))
	defer srv.Close()
	_, _, token := get(t, srv.URL+"/login", "")
	done := make(chan int)
	go func() { status, _, _ := get(t, srv.URL+"/a", token); done <- status }()
	<-loaded
	get(t, srv.URL+"/b", token)
	close(release)
	if status := <-done; status != http.StatusInternalServerError {
		t.Errorf("update over a value of another type: status %d, want 500", status)
	}
	if _, body, _ := get(t, srv.URL+"/get", token); body != "many<nil>" {
		t.Errorf("visits afterwards: %s, want B's string", body)
	}
}

// alwaysChanged is a memstore whose conditional commits always find the
// session changed, as if other requests committed without pause.
type alwaysChanged struct{ *memstore.Store }

func (alwaysChanged) CommitIfCtx(context.Context, string, []byte, time.Time, []byte) error {
	return store.ErrConflict
}

// TestMergeGivesUp: a commit that conflicts on every attempt stops after
// 24 attempts and answers 503 through the error handler.
func TestMergeGivesUp(t *testing.T) {
	ms := memstore.New()
	t.Cleanup(func() { _ = ms.Close() })
	var hooks countingHooks
	m := manager.New(manager.Config{Store: alwaysChanged{ms}, Logger: quietLogger(), Hooks: hooks.hooks()})
	srv := httptest.NewServer(m.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = typed.Update(r.Context(), "n", func(n int) int { return n + 1 })
	})))
	defer srv.Close()
	_, _, token := get(t, srv.URL, "")
	hooks.take()
	status, _, _ := get(t, srv.URL, token)
	if status != http.StatusServiceUnavailable {
		t.Errorf("a commit that always conflicts: %d, want 503", status)
	}
	if ops, conflicts := hooks.take(); ops["commit"] != 24 || conflicts != 24 {
		t.Errorf("store operations %v with %d conflicts, want 24 conflicting commits", ops, conflicts)
	}
}
