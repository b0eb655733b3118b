package manager_test

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/sessionkit/sessionkit/internal/webtest"
	"github.com/sessionkit/sessionkit/manager"
	"github.com/sessionkit/sessionkit/observe"
	"github.com/sessionkit/sessionkit/typed"
)

// storeOps counts store operations by kind through the manager's hooks.
type storeOps struct {
	mu  sync.Mutex
	ops map[string]int
}

func (s *storeOps) hooks() *observe.Hooks {
	return &observe.Hooks{Store: func(e observe.StoreEvent) {
		s.mu.Lock()
		if s.ops == nil {
			s.ops = map[string]int{}
		}
		s.ops[e.Op]++
		s.mu.Unlock()
	}}
}

func (s *storeOps) take() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.ops
	s.ops = nil
	if o == nil {
		o = map[string]int{}
	}
	return o
}

func TestDoubleWrapLoadsAndCommitsOnce(t *testing.T) {
	var ops storeOps
	m := manager.New(manager.Config{Hooks: ops.hooks()})
	h := m.LoadAndSave(m.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, _ := typed.GetOr(r.Context(), "n", 0)
		_ = typed.Put(r.Context(), "n", n+1)
	})))
	srv := httptest.NewServer(h)
	defer srv.Close()
	client := webtest.Client(t)

	r := webtest.Get(t, client, srv.URL)
	if got := len(r.Header.Values("Set-Cookie")); got != 1 {
		t.Errorf("first request sent %d Set-Cookie headers, want 1", got)
	}
	if got := ops.take(); got[observe.OpCommit] != 1 || got[observe.OpFind] != 0 {
		t.Errorf("first request store ops %v, want one commit and no find", got)
	}
	webtest.Get(t, client, srv.URL)
	if got := ops.take(); got[observe.OpCommit] != 1 || got[observe.OpFind] != 1 {
		t.Errorf("second request store ops %v, want one find and one commit", got)
	}
}

func TestDefaults(t *testing.T) {
	m := manager.New(manager.Config{})
	srv := httptest.NewServer(m.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = typed.Put(r.Context(), "k", "v")
	})))
	defer srv.Close()
	r := webtest.Get(t, webtest.Client(t), srv.URL)
	ck := r.SetCookie("session")
	if ck == nil {
		t.Fatal("no session cookie")
	}
	if !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Path != "/" || ck.MaxAge <= 0 {
		t.Errorf("cookie %+v: want HttpOnly, SameSite=Lax, Path=/, persistent", ck)
	}
	if len(ck.Value) != 43 {
		t.Errorf("token length %d, want 43", len(ck.Value))
	}
	if got := r.Header.Get("Vary"); got != "Cookie" {
		t.Errorf("Vary = %q", got)
	}
}

// TestSetCookieOnlyWhenItChanges: a write to a loaded session whose token,
// expiry and persistence are unchanged sends no Set-Cookie; a renewed token
// or a RememberMe change does.
func TestSetCookieOnlyWhenItChanges(t *testing.T) {
	m := manager.New(manager.Config{Cookie: manager.CookieConfig{SessionOnly: true}})
	mux := http.NewServeMux()
	mux.HandleFunc("/write", func(w http.ResponseWriter, r *http.Request) {
		n, _ := typed.GetOr(r.Context(), "n", 0)
		_ = typed.Put(r.Context(), "n", n+1)
	})
	mux.HandleFunc("/renew", func(w http.ResponseWriter, r *http.Request) { _ = m.SessionManager().RenewToken(r.Context()) })
	mux.HandleFunc("/remember", func(w http.ResponseWriter, r *http.Request) { m.SessionManager().RememberMe(r.Context(), true) })
	srv := httptest.NewServer(m.LoadAndSave(mux))
	defer srv.Close()
	client := webtest.Client(t)
	for _, step := range []struct {
		path   string
		cookie bool
	}{
		{"/write", true},     // new session
		{"/write", false},    // same token, same expiry
		{"/renew", true},     // new token
		{"/write", false},    //
		{"/remember", true},  // becomes persistent
		{"/remember", false}, // already persistent
	} {
		got := webtest.Get(t, client, srv.URL+step.path).SetCookie("session") != nil
		if got != step.cookie {
			t.Errorf("%s: Set-Cookie sent = %v, want %v", step.path, got, step.cookie)
		}
	}
}
