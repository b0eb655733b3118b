package manager_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gomodule/redigo/redis"

	"github.com/sessionkit/sessionkit/internal/redistest"
	"github.com/sessionkit/sessionkit/manager"
	"github.com/sessionkit/sessionkit/store/redisstore"
)

// usersApp: /login?u= signs in (RenewToken, BindUser), /me answers the
// user or 401, /list the user's sessions ("n current"), /renew renews the
// token, /out?keep=1 signs the user out everywhere.
func usersApp(m *manager.Manager) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/login", func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		if err := errors.Join(m.RenewToken(ctx), m.BindUser(ctx, r.URL.Query().Get("u"))); err != nil {
			http.Error(w, err.Error(), 500)
		}
	})
	mux.HandleFunc("/me", func(w http.ResponseWriter, r *http.Request) {
		u, ok := m.User(r.Context())
		if !ok {
			http.Error(w, "signed out", http.StatusUnauthorized)
			return
		}
		fmt.Fprint(w, u)
	})
	mux.HandleFunc("/list", func(w http.ResponseWriter, r *http.Request) {
		u, _ := m.User(r.Context())
		list, err := m.UserSessions(r.Context(), u)
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		cur := 0
		for _, s := range list {
			if s.Current {
				cur++
			}
		}
		fmt.Fprintf(w, "%d %d", len(list), cur)
	})
	mux.HandleFunc("/put", func(w http.ResponseWriter, r *http.Request) { _ = m.Put(r.Context(), "cart", 1) })
	mux.HandleFunc("/renew", func(w http.ResponseWriter, r *http.Request) { _ = m.RenewToken(r.Context()) })
	mux.HandleFunc("/out", func(w http.ResponseWriter, r *http.Request) {
		u, _ := m.User(r.Context())
		n, err := m.DestroyUserSessions(r.Context(), u, r.URL.Query().Get("keep") == "1")
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		fmt.Fprint(w, n)
	})
	return m.LoadAndSave(mux)
}

// TestSignOutEverywhere: ada signs in from three clients, bob from one.
// From the first, ada lists 3 sessions (1 current) and signs out
// everywhere else: 2 ended, the first still signed in, bob untouched. A
// session renewed after sign-in is ended too. Then without keep, the first
// is signed out as well. On each store.
func TestSignOutEverywhere(t *testing.T) {
	for _, su := range allStores() {
		t.Run(su.name, func(t *testing.T) {
			m := manager.New(manager.Config{Store: su.make(t), Logger: quietLogger()})
			t.Cleanup(func() { _ = m.Close() })
			srv := httptest.NewServer(usersApp(m))
			defer srv.Close()
			var ada []string
			for i := 0; i < 3; i++ {
				_, _, tok := get(t, srv.URL+"/login?u=ada", "")
				ada = append(ada, tok)
			}
			_, _, bob := get(t, srv.URL+"/login?u=bob", "")
			// The third client renews its token after signing in.
			_, _, renewed := get(t, srv.URL+"/renew", ada[2])
			if renewed == "" || renewed == ada[2] {
				t.Fatal("renewal set no new token")
			}
			ada[2] = renewed
			if _, body, _ := get(t, srv.URL+"/list", ada[0]); body != "3 1" {
				t.Errorf("ada's sessions: %q, want 3 of which 1 current", body)
			}
			if _, body, _ := get(t, srv.URL+"/out?keep=1", ada[0]); body != "2" {
				t.Errorf("sign out everywhere else ended %q sessions, want 2", body)
			}
			want := []int{200, 401, 401}
			for i, tok := range ada {
				if status, _, _ := get(t, srv.URL+"/me", tok); status != want[i] {
					t.Errorf("ada's client %d: %d, want %d", i, status, want[i])
				}
			}
			if _, body, _ := get(t, srv.URL+"/me", bob); body != "bob" {
				t.Errorf("bob after ada signed out everywhere: %q", body)
			}
			if _, body, _ := get(t, srv.URL+"/list", ada[0]); body != "1 1" {
				t.Errorf("ada's sessions afterwards: %q, want only the current one", body)
			}
			status, _, cleared := get(t, srv.URL+"/out", ada[0])
			if status != 200 || cleared != "" {
				t.Errorf("sign out everywhere, this one included: %d, cookie %q", status, cleared)
			}
			if status, _, _ := get(t, srv.URL+"/me", ada[0]); status != 401 {
				t.Errorf("ada's first client after signing out everywhere: %d, want 401", status)
			}
			if n := countSessions(t, m); n != 1 {
				t.Errorf("%d sessions left, want bob's", n)
			}
		})
	}
}

// TestUserIndexRefusals: no index with raw tokens in the store, nor for
// an empty user ID, nor outside a session.
func TestUserIndexRefusals(t *testing.T) {
	m := manager.New(manager.Config{StoreRawTokens: true})
	t.Cleanup(func() { _ = m.Close() })
	var got error
	h := m.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = m.BindUser(r.Context(), "ada")
	}))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
	if !errors.Is(got, manager.ErrRawTokenIndex) {
		t.Errorf("BindUser with StoreRawTokens: %v, want ErrRawTokenIndex", got)
	}
	m2 := manager.New(manager.Config{})
	t.Cleanup(func() { _ = m2.Close() })
	if err := m2.BindUser(context.Background(), "ada"); !errors.Is(err, manager.ErrNoSession) {
		t.Errorf("BindUser outside a session: %v", err)
	}
	if _, err := m2.UserSessions(context.Background(), ""); !errors.Is(err, manager.ErrNoUser) {
		t.Errorf("UserSessions of an empty ID: %v", err)
	}
}

// TestSignOutEverywhereCostOnRedis: in a Redis holding 10,000 other
// sessions, ada signs out everywhere from one of her three clients; Redis
// sees a number of commands that depends on her 3 sessions only (no SCAN,
// no KEYS). The index holds no raw token and not the user ID; it expires.
func TestSignOutEverywhereCostOnRedis(t *testing.T) {
	rs := redistest.Start(t, redistest.Options{})
	m := manager.New(manager.Config{Store: redisstore.New(rs.Pool()), Logger: quietLogger()})
	srv := httptest.NewServer(usersApp(m))
	defer srv.Close()
	conn := rs.Pool().Get()
	for i := 0; i < 10000; i++ {
		_ = conn.Send("SET", fmt.Sprintf("scs:session:other%05d", i), "x", "PX", 3600000)
	}
	if err := conn.Flush(); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 10000; i++ {
		if _, err := conn.Receive(); err != nil {
			t.Fatal(err)
		}
	}
	conn.Close()
	var ada []string
	for i := 0; i < 3; i++ {
		_, _, tok := get(t, srv.URL+"/login?u=ada@example.com", "")
		ada = append(ada, tok)
	}
	get(t, srv.URL+"/list", ada[0]) // loads the scripts
	// Ordinary requests of a bound session do not touch the index.
	get(t, srv.URL+"/put", ada[1]) // loads the commit script
	for _, c := range []struct {
		path string
		want map[string]int64
	}{
		{"/me", map[string]int64{"get": 1}},
		{"/put", map[string]int64{"evalsha": 1, "get": 2, "set": 1}},
	} {
		if got := rs.Calls(func() { get(t, srv.URL+c.path, ada[1]) }); fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("%s of a bound session sent %v, want %v", c.path, got, c.want)
		}
	}
	var body string
	calls := rs.Calls(func() { _, body, _ = get(t, srv.URL+"/out?keep=1", ada[0]) })
	t.Logf("sign out everywhere (3 sessions, 10,000 others): %v, %d commands", calls, redistest.Total(calls))
	if body != "2" {
		t.Errorf("ended %q sessions, want 2", body)
	}
	// GET (load) + EVALSHA list (HGETALL, 3 EXISTS) + 2 × (EVALSHA retire
	// + EVALSHA end, with their inner commands) + HDEL.
	if calls["scan"] != 0 || calls["keys"] != 0 || calls["evalsha"] != 5 || calls["hdel"] != 1 || redistest.Total(calls) > 30 {
		t.Errorf("sign out everywhere sent %v: want 5 EVALSHA, 1 HDEL, at most 30 commands in all, no SCAN or KEYS", calls)
	}
	for i, tok := range ada {
		want := 401
		if i == 0 {
			want = 200
		}
		if status, _, _ := get(t, srv.URL+"/me", tok); status != want {
			t.Errorf("client %d: %d, want %d", i, status, want)
		}
	}
	if n, _ := redis.Int(rs.Do("DBSIZE"), nil); n < 10000 {
		t.Errorf("only %d keys left: other sessions were touched", n)
	}
	keys, _ := redis.Strings(rs.Do("KEYS", "scs:user:*"), nil)
	if len(keys) != 1 || strings.Contains(keys[0], "ada") {
		t.Fatalf("index keys %v: want one, without the user ID", keys)
	}
	fields, _ := redis.Strings(rs.Do("HKEYS", keys[0]), nil)
	for _, f := range fields {
		for _, tok := range ada {
			if strings.Contains(f, tok) {
				t.Error("the index holds a raw token")
			}
		}
	}
	if ttl, _ := redis.Int64(rs.Do("PTTL", keys[0]), nil); ttl <= 0 || ttl > int64(manager.DefaultLifetime/1e6) {
		t.Errorf("index TTL %d ms: want positive, at most the session lifetime", ttl)
	}
}
