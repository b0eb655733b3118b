package manager_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/gomodule/redigo/redis"

	"github.com/sessionkit/sessionkit/internal/redistest"
	"github.com/sessionkit/sessionkit/internal/webtest"
	"github.com/sessionkit/sessionkit/manager"
	"github.com/sessionkit/sessionkit/store/redisstore"
	"github.com/sessionkit/sessionkit/typed"
)

// allStores is the zero Config's default store (a nil Store: the
// manager's own memstore) plus the durable ones.
func allStores() []storeUnderTest {
	return append([]storeUnderTest{{"memory", func(*testing.T) scs.Store { return nil }}}, durableStores()...)
}

func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// stepped is one request split into three steps the test releases one at a
// time: 0 load, 1 the handler's action, 2 the commit.
type stepped struct {
	gate, done [3]chan struct{}
	rec        *httptest.ResponseRecorder
}

func newStepped() *stepped {
	s := &stepped{rec: httptest.NewRecorder()}
	for i := range s.gate {
		s.gate[i], s.done[i] = make(chan struct{}), make(chan struct{})
	}
	return s
}

// serve runs the request through m with action as the handler's body.
func (s *stepped) serve(m *manager.Manager, cookie string, action func(ctx context.Context)) {
	h := m.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(s.done[0])
		<-s.gate[1]
		action(r.Context())
		close(s.done[1])
		<-s.gate[2]
	}))
	<-s.gate[0]
	r := httptest.NewRequest("POST", "/", nil)
	r.Header.Set("Cookie", cookie)
	h.ServeHTTP(s.rec, r)
	close(s.done[2])
}

// interleavings lists every order of two three-step requests, as strings
// of 'a' and 'b'.
func interleavings() []string {
	var out []string
	var walk func(prefix string, a, l int)
	walk = func(prefix string, a, l int) {
		if a == 3 && l == 3 {
			out = append(out, prefix)
			return
		}
		if a < 3 {
			walk(prefix+"a", a+1, l)
		}
		if l < 3 {
			walk(prefix+"b", a, l+1)
		}
	}
	walk("", 0, 0)
	return out
}

func countSessions(t *testing.T, m *manager.Manager) int {
	t.Helper()
	n := 0
	if err := m.Iterate(context.Background(), func(context.Context) error { n++; return nil }); err != nil {
		t.Fatalf("Iterate: %v", err)
	}
	return n
}

// race runs two requests with the same signed-in cookie through m, doing
// a and b in their handlers: each of the 20 orders of their load, action
// and commit steps 10 times (each step released by the test), then 60
// times with every gate open so the scheduler picks. After each run, ok
// judges the store (through m) and the two responses; the orders where it
// failed are reported.
func race(t *testing.T, m *manager.Manager, a, b func(ctx context.Context), ok func(ra, rb *httptest.ResponseRecorder) string) {
	t.Helper()
	orders := interleavings()
	if len(orders) != 20 {
		t.Fatalf("%d interleavings, want 20", len(orders))
	}
	login := m.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = typed.Put(r.Context(), "user", "ada")
	}))
	failures := map[string]int{}
	var firstWhy string
	run := func(order string, free bool) {
		rec := httptest.NewRecorder()
		login.ServeHTTP(rec, httptest.NewRequest("POST", "/login", nil))
		cookie := strings.SplitN(rec.Header().Get("Set-Cookie"), ";", 2)[0]
		sa, sb := newStepped(), newStepped()
		var wg sync.WaitGroup
		wg.Add(2)
		go func() { defer wg.Done(); sa.serve(m, cookie, a) }()
		go func() { defer wg.Done(); sb.serve(m, cookie, b) }()
		if free {
			for i := 0; i < 3; i++ {
				close(sa.gate[i])
				close(sb.gate[i])
			}
		} else {
			var ai, bi int
			for _, c := range order {
				s, i := sa, &ai
				if c == 'b' {
					s, i = sb, &bi
				}
				close(s.gate[*i])
				select {
				case <-s.done[*i]:
				case <-time.After(10 * time.Second):
					t.Fatalf("order %s: step %d of %c did not finish", order, *i, c)
				}
				*i++
			}
		}
		wg.Wait()
		if why := ok(sa.rec, sb.rec); why != "" {
			failures[order]++
			if firstWhy == "" {
				firstWhy = order + ": " + why
			}
		}
		// Start the next run from an empty store.
		_ = m.Iterate(context.Background(), func(ctx context.Context) error {
			return m.SessionManager().Destroy(ctx)
		})
	}
	runs := 0
	for rep := 0; rep < 10; rep++ {
		for _, order := range orders {
			run(order, false)
			runs++
		}
	}
	for i := 0; i < 60; i++ {
		run("free", true)
		runs++
	}
	if len(failures) > 0 {
		var keys []string
		for k, v := range failures {
			keys = append(keys, fmt.Sprintf("%s×%d", k, v))
		}
		sort.Strings(keys)
		t.Errorf("%d of %d runs failed (a, b = a step of each request: load, action, commit): %s; first: %s",
			len(keys), runs, strings.Join(keys, " "), firstWhy)
	}
}

// sessionCookie returns the session cookie a response set: its value ("" for
// a deletion) and whether it set one.
func sessionCookie(rec *httptest.ResponseRecorder) (string, bool) {
	for _, c := range rec.Result().Cookies() {
		if c.Name == manager.DefaultCookieName {
			return c.Value, true
		}
	}
	return "", false
}

// renewAtPrivilegeChange renews the token of a signed-in session.
func renewAtPrivilegeChange(m *manager.Manager) func(ctx context.Context) {
	return func(ctx context.Context) {
		if _, err := typed.Get[string](ctx, "user"); err == nil {
			_ = m.SessionManager().RenewToken(ctx)
			_ = typed.Put(ctx, "role", "admin")
		}
	}
}

// TestRenewalRacingLogout: request a renews the token of a signed-in
// session (as at a privilege change) while request b, with the same
// cookie, logs out. In every order no session is left: the logout wins.
func TestRenewalRacingLogout(t *testing.T) {
	for _, su := range allStores() {
		t.Run(su.name, func(t *testing.T) {
			m := manager.New(manager.Config{Store: su.make(t), Logger: quietLogger()})
			t.Cleanup(func() { _ = m.Close() })
			logout := func(ctx context.Context) { _ = m.SessionManager().Destroy(ctx) }
			race(t, m, renewAtPrivilegeChange(m), logout, func(ra, rb *httptest.ResponseRecorder) string {
				if n := countSessions(t, m); n != 0 {
					return fmt.Sprintf("%d sessions alive after the logout", n)
				}
				return ""
			})
		})
	}
}

// TestConcurrentRenewals: two requests renew the same session at once.
// One wins — exactly one session is left, holding the user, under the
// token its response set — and the other ends logged out: its response
// clears the cookie or sets none.
func TestConcurrentRenewals(t *testing.T) {
	for _, su := range allStores() {
		t.Run(su.name, func(t *testing.T) {
			m := manager.New(manager.Config{Store: su.make(t), Logger: quietLogger()})
			t.Cleanup(func() { _ = m.Close() })
			renew := renewAtPrivilegeChange(m)
			race(t, m, renew, renew, func(ra, rb *httptest.ResponseRecorder) string {
				if n := countSessions(t, m); n != 1 {
					return fmt.Sprintf("%d sessions alive, want 1", n)
				}
				va, _ := sessionCookie(ra)
				vb, _ := sessionCookie(rb)
				if (va == "") == (vb == "") {
					return fmt.Sprintf("cookies %q and %q: want exactly one new token", va, vb)
				}
				winner := va + vb
				h := m.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if role, _ := typed.Get[string](r.Context(), "role"); role != "admin" {
						http.Error(w, "lost", http.StatusNotFound)
					}
				}))
				rec := httptest.NewRecorder()
				r := httptest.NewRequest("GET", "/", nil)
				r.Header.Set("Cookie", manager.DefaultCookieName+"="+winner)
				h.ServeHTTP(rec, r)
				if rec.Code != http.StatusOK {
					return "the winner's token does not load the renewed session"
				}
				return ""
			})
		})
	}
}

// TestRenewalAndLogoutOnRedis: what a renewal and a logout send to Redis,
// and that the marks they leave hold no raw token and die by themselves.
func TestRenewalAndLogoutOnRedis(t *testing.T) {
	rs := redistest.Start(t, redistest.Options{})
	var ops storeOps
	m := manager.New(manager.Config{Store: redisstore.New(rs.Pool()), Hooks: ops.hooks()})
	mux := http.NewServeMux()
	mux.HandleFunc("/login", func(w http.ResponseWriter, r *http.Request) { _ = typed.Put(r.Context(), "user", "ada") })
	mux.HandleFunc("/renew", func(w http.ResponseWriter, r *http.Request) { _ = m.SessionManager().RenewToken(r.Context()) })
	mux.HandleFunc("/logout", func(w http.ResponseWriter, r *http.Request) { _ = m.SessionManager().Destroy(r.Context()) })
	mux.HandleFunc("/me", func(w http.ResponseWriter, r *http.Request) {
		if _, err := typed.Get[string](r.Context(), "user"); err != nil {
			http.Error(w, "signed out", http.StatusUnauthorized)
		}
	})
	srv := httptest.NewServer(m.LoadAndSave(mux))
	defer srv.Close()

	_, _, first := get(t, srv.URL+"/login", "")
	_, _, warm := get(t, srv.URL+"/renew", first) // loads the scripts into Redis
	_, _, other := get(t, srv.URL+"/login", "")
	get(t, srv.URL+"/logout", other)
	// Round trips, from the hooks: one per store operation. Redis's own
	// statistics also count the commands the scripts run inside.
	var renewed string
	ops.take()
	calls := rs.Calls(func() { _, _, renewed = get(t, srv.URL+"/renew", warm) })
	if got, want := ops.take(), map[string]int{"commit": 1, "delete": 1, "find": 1}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("renewal: store operations %v, want %v", got, want)
	}
	if calls["evalsha"] != 2 || calls["eval"] != 0 {
		t.Errorf("renewal sent %v, want 2 EVALSHA (retire, renew) and no EVAL", calls)
	}
	if status, _, _ := get(t, srv.URL+"/me", renewed); status != http.StatusOK {
		t.Fatalf("renewed session: %d, want 200", status)
	}
	for _, tok := range []string{first, warm} {
		if status, _, _ := get(t, srv.URL+"/me", tok); status != http.StatusUnauthorized {
			t.Errorf("a token renewed away still signs in: %d", status)
		}
	}
	// No key and no value holds a raw token: marks point to hashed keys.
	keys, _ := redis.Strings(rs.Do("KEYS", "*"), nil)
	for _, k := range keys {
		v, _ := redis.String(rs.Do("GET", k), nil)
		for _, tok := range []string{first, warm, renewed} {
			if strings.Contains(k, tok) || strings.Contains(v, tok) {
				t.Errorf("key %q or its value holds a raw token", k)
			}
		}
		if ttl, _ := redis.Int64(rs.Do("PTTL", k), nil); strings.HasSuffix(k, ":retired") && (ttl <= 0 || ttl > manager.RenewalGrace.Milliseconds()) {
			t.Errorf("mark %q has TTL %d ms, want (0, %d]", k, ttl, manager.RenewalGrace.Milliseconds())
		}
	}
	ops.take()
	calls = rs.Calls(func() { get(t, srv.URL+"/logout", renewed) })
	if got, want := ops.take(), map[string]int{"delete": 2, "find": 1}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("logout: store operations %v, want %v", got, want)
	}
	if calls["evalsha"] != 2 || calls["eval"] != 0 {
		t.Errorf("logout sent %v, want 2 EVALSHA (retire, end) and no EVAL", calls)
	}
	// What is left are the forward marks of the two renewals, each of
	// which ends with its grace; no session.
	if n := countSessions(t, m); n != 0 {
		t.Errorf("%d sessions after logout, want 0", n)
	}
	keys, _ = redis.Strings(rs.Do("KEYS", "*"), nil)
	for _, k := range keys {
		if !strings.HasSuffix(k, ":retired") {
			t.Errorf("key %q left after logout", k)
		}
	}
}

// TestLostRenewalClearsCookie: a renewal that finds its session already
// logged out writes nothing and ends its request logged out: the
// response deletes the cookie.
func TestLostRenewalClearsCookie(t *testing.T) {
	for _, su := range allStores() {
		t.Run(su.name, func(t *testing.T) {
			var logs webtest.SyncBuffer
			m := manager.New(manager.Config{Store: su.make(t), Logger: logs.Logger()})
			defer m.Close()
			login := m.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				_ = typed.Put(r.Context(), "user", "ada")
			}))
			rec := httptest.NewRecorder()
			login.ServeHTTP(rec, httptest.NewRequest("POST", "/login", nil))
			cookie := strings.SplitN(rec.Header().Get("Set-Cookie"), ";", 2)[0]

			a, l := newStepped(), newStepped()
			go a.serve(m, cookie, renewAtPrivilegeChange(m))
			go l.serve(m, cookie, func(ctx context.Context) { _ = m.SessionManager().Destroy(ctx) })
			for _, s := range []struct {
				r    *stepped
				step int
			}{{a, 0}, {l, 0}, {l, 1}, {a, 1}, {a, 2}, {l, 2}} {
				close(s.r.gate[s.step])
				<-s.r.done[s.step]
			}
			var deleted bool
			for _, c := range a.rec.Result().Cookies() {
				if c.Name == manager.DefaultCookieName {
					deleted = c.Value == "" && c.MaxAge < 0
				}
			}
			if !deleted {
				t.Errorf("the lost renewal's response: Set-Cookie %q, want a deletion", a.rec.Header().Values("Set-Cookie"))
			}
			if n := countSessions(t, m); n != 0 {
				t.Errorf("%d sessions alive", n)
			}
			for _, tok := range []string{strings.TrimPrefix(cookie, "session=")} {
				if strings.Contains(logs.String(), tok) {
					t.Error("the log contains the token")
				}
			}
		})
	}
}

// TestDestroyThenPutIsNotARenewal: a request that logs out and then puts a
// value (a "signed out" flash) starts a new anonymous session. That session
// is not linked to the old token as a renewal would be: a later logout
// sent with the old cookie (another tab) ends nothing of it.
func TestDestroyThenPutIsNotARenewal(t *testing.T) {
	for _, su := range allStores() {
		for _, via := range []string{"manager", "scs"} {
			t.Run(su.name+"/"+via, func(t *testing.T) {
				m := manager.New(manager.Config{Store: su.make(t), Logger: quietLogger()})
				defer m.Close()
				destroy := func(ctx context.Context) error {
					if via == "scs" {
						return m.SessionManager().Destroy(ctx)
					}
					return m.Destroy(ctx)
				}
				serve := func(cookie string, h func(ctx context.Context) error) *httptest.ResponseRecorder {
					rec := httptest.NewRecorder()
					r := httptest.NewRequest("POST", "/", nil)
					if cookie != "" {
						r.Header.Set("Cookie", manager.DefaultCookieName+"="+cookie)
					}
					m.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
						if err := h(r.Context()); err != nil {
							t.Errorf("handler: %v", err)
						}
					})).ServeHTTP(rec, r)
					if rec.Code != http.StatusOK {
						t.Fatalf("status %d: %s", rec.Code, rec.Body)
					}
					return rec
				}
				old, _ := sessionCookie(serve("", func(ctx context.Context) error { return typed.Put(ctx, "user", "ada") }))
				fresh, set := sessionCookie(serve(old, func(ctx context.Context) error {
					if err := destroy(ctx); err != nil {
						return err
					}
					return typed.Put(ctx, "flash", "signed out")
				}))
				if !set || fresh == "" || fresh == old {
					t.Fatalf("logout then put set cookie %q (set %v), want a new session", fresh, set)
				}
				serve(old, destroy) // a second tab logs out with the old cookie
				serve(fresh, func(ctx context.Context) error {
					if u, err := typed.Get[string](ctx, "user"); err == nil {
						t.Errorf("the new session holds the old user %q", u)
					}
					flash, err := typed.Get[string](ctx, "flash")
					if err != nil || flash != "signed out" {
						t.Errorf("the new session's flash: %q, %v; want it kept", flash, err)
					}
					return nil
				})
			})
		}
	}
}
