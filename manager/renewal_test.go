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
// of 'a' (the renewal) and 'l' (the logout).
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
			walk(prefix+"l", a, l+1)
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

// TestRenewalRacingLogout: request A loads a signed-in session and renews
// its token (as at a privilege change) while request L, with the same
// cookie, logs out. Every ordering of their load, action and commit steps
// (20 orders, 10 times each) and 60 freely scheduled runs must end with
// no session in the store: the logout wins.
func TestRenewalRacingLogout(t *testing.T) {
	orders := interleavings()
	if len(orders) != 20 {
		t.Fatalf("%d interleavings, want 20", len(orders))
	}
	for _, su := range allStores() {
		t.Run(su.name, func(t *testing.T) {
			m := manager.New(manager.Config{Store: su.make(t), Logger: quietLogger()})
			t.Cleanup(func() { _ = m.Close() })
			login := m.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				_ = typed.Put(r.Context(), "user", "ada")
			}))
			renew := func(ctx context.Context) {
				if _, err := typed.Get[string](ctx, "user"); err == nil {
					_ = m.SessionManager().RenewToken(ctx)
					_ = typed.Put(ctx, "role", "admin")
				}
			}
			logout := func(ctx context.Context) { _ = m.SessionManager().Destroy(ctx) }

			failures := map[string]int{}
			run := func(order string, free bool) {
				rec := httptest.NewRecorder()
				login.ServeHTTP(rec, httptest.NewRequest("POST", "/login", nil))
				cookie := strings.SplitN(rec.Header().Get("Set-Cookie"), ";", 2)[0]
				a, l := newStepped(), newStepped()
				var wg sync.WaitGroup
				wg.Add(2)
				go func() { defer wg.Done(); a.serve(m, cookie, renew) }()
				go func() { defer wg.Done(); l.serve(m, cookie, logout) }()
				if free {
					// Open every gate at once: the scheduler picks the order.
					for i := 0; i < 3; i++ {
						close(a.gate[i])
						close(l.gate[i])
					}
				} else {
					var ai, li int
					for _, c := range order {
						s, i := a, &ai
						if c == 'l' {
							s, i = l, &li
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
				if n := countSessions(t, m); n != 0 {
					failures[order]++
					_ = m.Iterate(context.Background(), func(ctx context.Context) error {
						return m.SessionManager().Destroy(ctx)
					})
				}
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
				t.Errorf("%d of %d runs left a session alive after the logout (a=renewal step, l=logout step; load, action, commit): %s",
					len(keys), runs, strings.Join(keys, " "))
			}
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
	if calls["evalsha"] != 1 || calls["eval"] != 0 {
		t.Errorf("logout sent %v, want 1 EVALSHA (retire) and no EVAL", calls)
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
