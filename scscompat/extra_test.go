// Cases written for sessionkit in the style of scs's own tests, for
// behaviour scs's suites do not cover (issue 10 items 2 and 3). They run
// on every target like the ported ones, plain scs included, so scs's
// answer is checked too.

package scscompat

import (
	"context"
	"net/http"
	"strconv"
	"testing"

	"github.com/alexedwards/scs/v2"
)

var extraCases = []scsCase{
	{"TestIterateDestroy", testIterateDestroy},
	{"TestCommitInHandler", testCommitInHandler},
}

// testIterateDestroy is scs's README recipe for revoking sessions:
// Iterate, Destroy each. The store must be empty afterwards.
func testIterateDestroy(t testing.TB, e *env) {
	sessionManager, loadAndSave := e.New(t)

	mux := http.NewServeMux()
	mux.HandleFunc("/put", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sessionManager.Put(r.Context(), "foo", r.URL.Query().Get("foo"))
	}))
	mux.HandleFunc("/get", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(sessionManager.GetString(r.Context(), "foo")))
	}))

	var servers []*testServer
	for i := 0; i < 3; i++ {
		ts := newTestServer(t, loadAndSave(mux))
		defer ts.Close()
		ts.execute(t, "/put?foo="+strconv.Itoa(i))
		servers = append(servers, ts)
	}

	destroyed := 0
	err := sessionManager.Iterate(context.Background(), func(ctx context.Context) error {
		destroyed++
		return sessionManager.Destroy(ctx)
	})
	if err != nil {
		t.Fatal(err)
	}
	if destroyed != 3 {
		t.Fatalf("Iterate visited %d sessions, want 3", destroyed)
	}

	all, err := sessionManager.Store.(scs.IterableStore).All()
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 0 {
		t.Errorf("want an empty store; got %d sessions", len(all))
	}
	for i, ts := range servers {
		if _, body := ts.execute(t, "/get"); body != "" {
			t.Errorf("client %d: want no value after Destroy; got %q", i, body)
		}
	}
}

// testCommitInHandler commits by hand inside the middleware, for a new
// session and for a renewed one, as a handler that needs the token before
// the response does. The middleware's own commit must not fail after it.
func testCommitInHandler(t testing.TB, e *env) {
	sessionManager, loadAndSave := e.New(t)

	commit := func(w http.ResponseWriter, r *http.Request) {
		token, _, err := sessionManager.Commit(r.Context())
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		if token == "" {
			http.Error(w, "no token", 500)
			return
		}
		w.Write([]byte("ok"))
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/put", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sessionManager.Put(r.Context(), "foo", "bar")
		commit(w, r)
	}))
	mux.HandleFunc("/renew", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := sessionManager.RenewToken(r.Context()); err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		sessionManager.Put(r.Context(), "foo", "baz")
		commit(w, r)
	}))
	mux.HandleFunc("/put-only", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sessionManager.Put(r.Context(), "foo", "qux")
		commit(w, r)
		sessionManager.Put(r.Context(), "other", "x")
	}))
	mux.HandleFunc("/get", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(sessionManager.GetString(r.Context(), "foo") + sessionManager.GetString(r.Context(), "other")))
	}))

	ts := newTestServer(t, loadAndSave(mux))
	defer ts.Close()

	for _, step := range []struct{ path, want string }{
		{"/put", "ok"}, {"/get", "bar"},
		{"/renew", "ok"}, {"/get", "baz"},
		{"/put-only", "ok"}, {"/get", "qux"},
	} {
		if _, body := ts.execute(t, step.path); body != step.want {
			t.Errorf("%s: want %q; got %q", step.path, step.want, body)
		}
	}
}
