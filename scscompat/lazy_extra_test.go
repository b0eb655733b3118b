// Cases for a request without a session cookie whose handler reaches its
// session only through scs's own methods, or through context layers of
// its own, or through scs's middleware nested inside ours (sessionkit
// makes such a request's session data on first use). They run on every
// target, plain scs included.

package scscompat

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/alexedwards/scs/v2"
)

func init() {
	extraCases = append(extraCases,
		scsCase{"TestCookielessReadOnly", testCookielessReadOnly},
		scsCase{"TestCookielessThroughOwnContexts", testCookielessThroughOwnContexts},
		scsCase{"TestCookielessNestedLoadAndSave", testCookielessNestedLoadAndSave},
		scsCase{"TestCookielessRenewRememberDestroy", testCookielessRenewRememberDestroy},
	)
}

// get sends a GET with the given Cookie header (none when cookie is "")
// on a client without a jar, and returns the response's header and body.
func getWithCookie(t testing.TB, ts *testServer, path, cookie string) (http.Header, string) {
	t.Helper()
	req, err := http.NewRequest("GET", ts.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if cookie != "" {
		req.Header.Set("Cookie", cookie)
	}
	c := *ts.Client()
	c.Jar = nil
	rs, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Body.Close()
	var b strings.Builder
	_, _ = fmt.Fprint(&b, readAll(t, rs))
	return rs.Header, b.String()
}

func readAll(t testing.TB, rs *http.Response) string {
	t.Helper()
	buf := make([]byte, 0, 512)
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := rs.Body.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err != nil {
			return string(buf)
		}
	}
}

func hasVaryCookie(h http.Header) bool {
	for _, v := range h.Values("Vary") {
		if strings.Contains(v, "Cookie") {
			return true
		}
	}
	return false
}

// testCookielessReadOnly: a handler that only looks at its session with
// scs's methods (Status, Token, Deadline, Exists, Keys, GetString and a
// Pop of a missing key) sees an empty, unmodified session without a
// token, and the response sets no cookie but varies on Cookie; the same
// with a cookie whose token the store does not know.
func testCookielessReadOnly(t testing.TB, e *env) {
	sessionManager, loadAndSave := e.New(t)
	mux := http.NewServeMux()
	mux.HandleFunc("/peek", func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		fmt.Fprintf(w, "status=%d token=%q exists=%v keys=%d get=%q pop=%q deadline=%v",
			sessionManager.Status(ctx), sessionManager.Token(ctx), sessionManager.Exists(ctx, "foo"),
			len(sessionManager.Keys(ctx)), sessionManager.GetString(ctx, "foo"),
			sessionManager.PopString(ctx, "foo"), !sessionManager.Deadline(ctx).IsZero())
	})
	ts := newTestServer(t, loadAndSave(mux))
	defer ts.Close()
	want := fmt.Sprintf("status=%d token=\"\" exists=false keys=0 get=\"\" pop=\"\" deadline=true", scs.Unmodified)
	for _, cookie := range []string{"", sessionManager.Cookie.Name + "=" + strings.Repeat("A", 43)} {
		h, body := getWithCookie(t, ts, "/peek", cookie)
		if body != want {
			t.Errorf("cookie %q: body %q, want %q", cookie, body, want)
		}
		if sc := h.Values("Set-Cookie"); len(sc) != 0 {
			t.Errorf("cookie %q: a session only looked at set a cookie: %q", cookie, sc)
		}
		if !hasVaryCookie(h) {
			t.Errorf("cookie %q: Vary = %q, want Cookie", cookie, h.Values("Vary"))
		}
	}
}

type ownKey struct{}

// testCookielessThroughOwnContexts: a handler that replaces the request's
// context with layers of its own (a value, a cancel) and puts from several
// goroutines at once, each through its own derived context, commits every
// value under one new session.
func testCookielessThroughOwnContexts(t testing.TB, e *env) {
	sessionManager, loadAndSave := e.New(t)
	const workers = 6
	mux := http.NewServeMux()
	mux.HandleFunc("/put", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithCancel(context.WithValue(r.Context(), ownKey{}, "mine"))
		defer cancel()
		r = r.WithContext(ctx)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				c, stop := context.WithCancel(r.Context())
				defer stop()
				<-start
				_ = sessionManager.Status(c)
				sessionManager.Put(c, fmt.Sprint("k", i), i)
				_ = sessionManager.GetInt(c, fmt.Sprint("k", (i+1)%workers))
			}()
		}
		close(start)
		wg.Wait()
		w.Write([]byte(r.Context().Value(ownKey{}).(string)))
	})
	mux.HandleFunc("/get", func(w http.ResponseWriter, r *http.Request) {
		for i := range workers {
			fmt.Fprint(w, sessionManager.GetInt(r.Context(), fmt.Sprint("k", i)))
		}
	})
	ts := newTestServer(t, loadAndSave(mux))
	defer ts.Close()
	h, body := ts.execute(t, "/put")
	if body != "mine" {
		t.Errorf("/put: body %q", body)
	}
	if sc := h.Values("Set-Cookie"); len(sc) != 1 {
		t.Errorf("/put: Set-Cookie %q, want one cookie", sc)
	}
	if _, body := ts.execute(t, "/get"); body != "012345" {
		t.Errorf("/get: %q, want 012345", body)
	}
}

// testCookielessNestedLoadAndSave: scs's own LoadAndSave nested inside
// the middleware (a sub-router wrapped twice by mistake, or during a
// migration) on a request without a cookie: what the inner handler puts
// is saved, once, and read back by the next request.
func testCookielessNestedLoadAndSave(t testing.TB, e *env) {
	sessionManager, loadAndSave := e.New(t)
	mux := http.NewServeMux()
	mux.HandleFunc("/put", func(w http.ResponseWriter, r *http.Request) {
		sessionManager.Put(r.Context(), "foo", "nested")
	})
	mux.HandleFunc("/peek", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(sessionManager.Token(r.Context())))
	})
	mux.HandleFunc("/get", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(sessionManager.GetString(r.Context(), "foo")))
	})
	ts := newTestServer(t, loadAndSave(sessionManager.LoadAndSave(mux)))
	defer ts.Close()
	if h, body := getWithCookie(t, ts, "/peek", ""); body != "" || len(h.Values("Set-Cookie")) != 0 {
		t.Errorf("/peek without a cookie: token %q, Set-Cookie %q; want neither", body, h.Values("Set-Cookie"))
	}
	h, _ := ts.execute(t, "/put")
	if len(h.Values("Set-Cookie")) == 0 {
		t.Errorf("/put: no Set-Cookie")
	}
	if _, body := ts.execute(t, "/get"); body != "nested" {
		t.Errorf("/get: %q, want nested", body)
	}
}

// testCookielessRenewRememberDestroy: scs's RenewToken, RememberMe and
// Destroy, each the only thing a handler does with a cookieless request's
// session, act as under scs: a renewed or remembered session is sent as a
// cookie (a persistent one when remembered), a destroyed one is not.
func testCookielessRenewRememberDestroy(t testing.TB, e *env) {
	sessionManager, loadAndSave := e.New(t)
	mux := http.NewServeMux()
	mux.HandleFunc("/renew", func(w http.ResponseWriter, r *http.Request) {
		if err := sessionManager.RenewToken(r.Context()); err != nil {
			http.Error(w, err.Error(), 500)
		}
	})
	mux.HandleFunc("/remember", func(w http.ResponseWriter, r *http.Request) {
		sessionManager.RememberMe(r.Context(), true)
	})
	mux.HandleFunc("/destroy", func(w http.ResponseWriter, r *http.Request) {
		if err := sessionManager.Destroy(r.Context()); err != nil {
			http.Error(w, err.Error(), 500)
		}
	})
	ts := newTestServer(t, loadAndSave(mux))
	defer ts.Close()
	sessionCookie := func(h http.Header) string {
		for _, c := range h.Values("Set-Cookie") {
			if strings.HasPrefix(c, sessionManager.Cookie.Name+"=") {
				return c
			}
		}
		return ""
	}
	h, body := getWithCookie(t, ts, "/renew", "")
	if c := sessionCookie(h); body != "" || c == "" || strings.HasPrefix(c, sessionManager.Cookie.Name+"=;") {
		t.Errorf("/renew: body %q, cookie %q; want a session cookie", body, c)
	}
	h, _ = getWithCookie(t, ts, "/remember", "")
	if c := sessionCookie(h); !strings.Contains(c, "Expires=") {
		t.Errorf("/remember: cookie %q, want a persistent one", c)
	}
	h, body = getWithCookie(t, ts, "/destroy", "")
	if c := sessionCookie(h); body != "" || c != "" && !strings.Contains(c, "Max-Age=0") && !strings.Contains(c, "Expires=Thu, 01 Jan 1970") {
		t.Errorf("/destroy: body %q, cookie %q; want no live session cookie", body, c)
	}
}
