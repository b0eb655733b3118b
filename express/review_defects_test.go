package express_test

// Defect reproduction from the review: FAILS on this code.

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/sessionkit/sessionkit/express"
	"github.com/sessionkit/sessionkit/internal/redistest"
	"github.com/sessionkit/sessionkit/manager"
	"github.com/sessionkit/sessionkit/typed"
)

// Express mode: a sign-out that COMPLETES while request A (which loaded the
// session before it) waits, then A renews: A's response carries a new sid
// whose session still holds the user. express.Store has no Retirer, and
// manager's plainDelete reports existed=true without looking at DEL's
// count, so even this sequential order (not only a true race) resurrects.
func TestReviewExpressRenewAfterLogout(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{})
	pool := srv.Pool()
	mc, err := express.Config{Secrets: []string{"s1"}, Pool: pool}.ManagerConfig()
	if err != nil {
		t.Fatal(err)
	}
	m := manager.New(mc)
	defer m.Close()
	loaded, release := make(chan struct{}), make(chan struct{})
	h := m.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		switch r.URL.Path {
		case "/login":
			_ = typed.Put(ctx, "user", "ada")
		case "/logout":
			_ = m.Destroy(ctx)
		case "/renew":
			close(loaded)
			<-release
			if err := m.RenewToken(ctx); err != nil {
				t.Log("renew:", err)
			}
		case "/me":
			u, _ := typed.Get[string](ctx, "user")
			w.Write([]byte(u))
		}
	}))
	do := func(path, cookie string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		r := httptest.NewRequest("POST", path, nil)
		if cookie != "" {
			r.Header.Set("Cookie", cookie)
		}
		h.ServeHTTP(rec, r)
		return rec
	}
	ck := func(rec *httptest.ResponseRecorder) string {
		for _, c := range rec.Result().Cookies() {
			if c.MaxAge >= 0 && c.Value != "" {
				return c.Name + "=" + c.Value
			}
		}
		return ""
	}
	c1 := ck(do("/login", ""))
	done := make(chan *httptest.ResponseRecorder)
	go func() { done <- do("/renew", c1) }()
	<-loaded
	do("/logout", c1)
	close(release)
	ra := <-done
	c2 := ck(ra)
	n := srv.Do("DBSIZE")
	if c2 != "" && do("/me", c2).Body.String() == "ada" {
		t.Errorf("express mode: renewal after a completed logout keeps the user signed in (status %d, keys %v)", ra.Code, n)
	}
}

// Express mode: a session the Express app wrote that is valid for Node but
// over the Go manager's MaxSize (default 1 MiB) is treated as corrupt and
// DELETED from Redis by the Go side's first read: the user is signed out
// on the Express app too. docs/migrating-from-express.md does not say so.
func TestReviewExpressLargeNodeSessionDeleted(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{})
	pool := srv.Pool()
	mc, err := express.Config{Secrets: []string{"s1"}, Pool: pool}.ManagerConfig()
	if err != nil {
		t.Fatal(err)
	}
	mc.Logger = nil
	m := manager.New(mc)
	defer m.Close()
	sg, _ := express.NewSigner("s1")
	sid, _ := express.NewSID()
	blob := `{"cookie":{"originalMaxAge":null,"httpOnly":true,"path":"/"},"user":{"name":"Ada"},"cart":"` +
		strings.Repeat("x", 1<<20) + `"}`
	srv.Do("SET", "sess:"+sid, blob, "EX", 3600)
	h := m.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	r := httptest.NewRequest("GET", "/", nil)
	r.Header.Set("Cookie", "connect.sid="+sg.Sign(sid))
	h.ServeHTTP(httptest.NewRecorder(), r)
	if n, _ := srv.Do("EXISTS", "sess:"+sid).(int64); n != 1 {
		t.Errorf("the Express app's %d-byte session was deleted by a Go read (EXISTS=%d)", len(blob), n)
	}
}
