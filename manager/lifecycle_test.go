package manager_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/sessionkit/sessionkit/internal/webtest"
	"github.com/sessionkit/sessionkit/manager"
	"github.com/sessionkit/sessionkit/typed"
)

// lifecycleApp signs in with RenewToken, signs out with Destroy and reports
// the session's token and deadline, all through the Manager.
func lifecycleApp(t *testing.T, m *manager.Manager) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("POST /signin", func(w http.ResponseWriter, r *http.Request) {
		if err := m.RenewToken(r.Context()); err != nil {
			t.Errorf("RenewToken: %v", err)
		}
		if err := typed.Put(r.Context(), "user", r.FormValue("name")); err != nil {
			t.Errorf("Put: %v", err)
		}
		if r.FormValue("remember") != "" {
			if err := m.RememberMe(r.Context(), true); err != nil {
				t.Errorf("RememberMe: %v", err)
			}
		}
	})
	mux.HandleFunc("POST /signout", func(w http.ResponseWriter, r *http.Request) {
		if err := m.Destroy(r.Context()); err != nil {
			t.Errorf("Destroy: %v", err)
		}
	})
	mux.HandleFunc("GET /", func(w http.ResponseWriter, r *http.Request) {
		u, _ := typed.GetOr(r.Context(), "user", "nobody")
		w.Header().Set("X-Token", m.Token(r.Context()))
		w.Header().Set("X-Deadline", m.Deadline(r.Context()).Format(time.RFC3339))
		_, _ = w.Write([]byte(u))
	})
	srv := httptest.NewServer(m.LoadAndSave(mux))
	t.Cleanup(srv.Close)
	return srv
}

func TestLifecycleOnTheManager(t *testing.T) {
	m := manager.New(manager.Config{Lifetime: time.Hour})
	srv := lifecycleApp(t, m)
	c := webtest.Client(t)

	first := webtest.Get(t, c, srv.URL)
	if first.Body != "nobody" || first.Header.Get("X-Token") != "" {
		t.Fatalf("fresh visit: body %q token %q, want nobody and no token yet", first.Body, first.Header.Get("X-Token"))
	}
	// A session that exists before sign-in (here: one holding a value).
	anon := webtest.PostForm(t, c, srv.URL+"/signin", map[string][]string{"name": {"Mallory"}})
	before := anon.SetCookie(m.CookieName())
	if before == nil {
		t.Fatal("sign-in set no cookie")
	}
	in := webtest.PostForm(t, c, srv.URL+"/signin", map[string][]string{"name": {"Ada"}})
	after := in.SetCookie(m.CookieName())
	if after == nil || after.Value == before.Value {
		t.Fatalf("RenewToken kept the token (before %v, after %v)", before != nil, after != nil)
	}
	me := webtest.Get(t, c, srv.URL)
	if me.Body != "Ada" || me.Header.Get("X-Token") != after.Value {
		t.Errorf("after sign-in: body %q, token matches cookie: %v", me.Body, me.Header.Get("X-Token") == after.Value)
	}
	deadline, err := time.Parse(time.RFC3339, me.Header.Get("X-Deadline"))
	if err != nil || time.Until(deadline) < 59*time.Minute || time.Until(deadline) > time.Hour+time.Second {
		t.Errorf("Deadline %v (%v), want about an hour from now", deadline, err)
	}

	// The old token is worthless now.
	stale := webtest.Client(t)
	req, _ := http.NewRequest("GET", srv.URL, nil)
	req.AddCookie(&http.Cookie{Name: m.CookieName(), Value: before.Value})
	resp, err := stale.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := resp.Header.Get("X-Token"); got != "" {
		t.Errorf("the token replaced at sign-in still loads a session")
	}

	out := webtest.PostForm(t, c, srv.URL+"/signout", nil)
	if ck := out.SetCookie(m.CookieName()); ck == nil || ck.MaxAge >= 0 {
		t.Errorf("Destroy did not clear the cookie: %v", ck)
	}
	if got := webtest.Get(t, c, srv.URL).Body; got != "nobody" {
		t.Errorf("after sign-out the page says %q", got)
	}
}

func TestRememberMeOnTheManager(t *testing.T) {
	m := manager.New(manager.Config{Cookie: manager.CookieConfig{SessionOnly: true}})
	srv := lifecycleApp(t, m)
	plain := webtest.PostForm(t, webtest.Client(t), srv.URL+"/signin", map[string][]string{"name": {"Ada"}})
	if ck := plain.SetCookie(m.CookieName()); ck == nil || !ck.Expires.IsZero() || ck.MaxAge != 0 {
		t.Errorf("SessionOnly cookie without RememberMe is persistent: %v", ck)
	}
	kept := webtest.PostForm(t, webtest.Client(t), srv.URL+"/signin", map[string][]string{"name": {"Ada"}, "remember": {"1"}})
	if ck := kept.SetCookie(m.CookieName()); ck == nil || ck.MaxAge <= 0 {
		t.Errorf("RememberMe(true) did not make the cookie persistent: %v", ck)
	}
}

func TestLifecycleWithoutSession(t *testing.T) {
	m := manager.New(manager.Config{})
	other := manager.New(manager.Config{})
	ctx := context.Background()
	for name, err := range map[string]error{
		"RenewToken": m.RenewToken(ctx),
		"Destroy":    m.Destroy(ctx),
		"RememberMe": m.RememberMe(ctx, true),
		"Put":        m.Put(ctx, "k", "v"),
	} {
		if !errors.Is(err, manager.ErrNoSession) {
			t.Errorf("%s without a session: %v, want ErrNoSession", name, err)
		}
	}
	if m.Token(ctx) != "" || !m.Deadline(ctx).IsZero() {
		t.Error("Token or Deadline without a session is not the zero value")
	}
	// Another Manager's context is not this Manager's session.
	h := other.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := m.Destroy(r.Context()); !errors.Is(err, manager.ErrNoSession) {
			t.Errorf("Destroy with another Manager's session: %v, want ErrNoSession", err)
		}
	}))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
}

// TestCommitReturnsIdleExpiry: with an idle timeout, a handler that
// commits itself (to set a cookie of its own) gets the idle expiry, not the
// session's absolute deadline, and the store holds the session no longer.
func TestCommitReturnsIdleExpiry(t *testing.T) {
	m := manager.New(manager.Config{Lifetime: time.Hour, IdleTimeout: time.Minute})
	defer m.Close()
	var token string
	var expiry time.Time
	var err error
	h := m.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := typed.Put(r.Context(), "user", "ada"); err != nil {
			t.Errorf("Put: %v", err)
		}
		token, expiry, err = m.Commit(r.Context())
	}))
	before := time.Now()
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
	if err != nil || token == "" {
		t.Fatalf("Commit: token %q, err %v", token, err)
	}
	if expiry.Before(before.Add(time.Minute-time.Second)) || expiry.After(time.Now().Add(time.Minute)) {
		t.Errorf("Commit's expiry %v is not the idle expiry (about %v)", expiry, before.Add(time.Minute))
	}
	if _, _, err := m.Commit(context.Background()); !errors.Is(err, manager.ErrNoSession) {
		t.Errorf("Commit without a session: %v, want ErrNoSession", err)
	}
}
