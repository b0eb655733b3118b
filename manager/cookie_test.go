package manager_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"net/textproto"
	"slices"
	"strings"
	"testing"

	"github.com/sessionkit/sessionkit/manager"
	"github.com/sessionkit/sessionkit/typed"
)

// setCookie runs one request that writes the session and returns its
// session cookie as the browser would parse it.
func setCookie(t *testing.T, m *manager.Manager, prepare func(r *http.Request)) *http.Cookie {
	t.Helper()
	h := m.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = typed.Put(r.Context(), "k", "v")
	}))
	r := httptest.NewRequest("GET", "http://example.test/", nil)
	prepare(r)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	for _, c := range rec.Result().Cookies() {
		if c.Name == m.CookieName() {
			return c
		}
	}
	t.Fatal("no session cookie")
	return nil
}

// TestSecureAutomatic: by default the cookie is Secure exactly when the
// request came over TLS or through a proxy that says it did
// (X-Forwarded-Proto: https, as Heroku's router sets); Secure and
// Insecure force it on or off.
func TestSecureAutomatic(t *testing.T) {
	plain := func(*http.Request) {}
	tlsReq := func(r *http.Request) {
		*r = *httptest.NewRequest("GET", "https://example.test/", nil) // sets r.TLS
	}
	proxied := func(r *http.Request) { r.Header.Set("X-Forwarded-Proto", "HTTPS") }
	proxiedHTTP := func(r *http.Request) { r.Header.Set("X-Forwarded-Proto", "http") }
	for _, c := range []struct {
		name    string
		cookie  manager.CookieConfig
		prepare func(*http.Request)
		secure  bool
	}{
		{"auto, plain http", manager.CookieConfig{}, plain, false},
		{"auto, TLS", manager.CookieConfig{}, tlsReq, true},
		{"auto, proxy says https", manager.CookieConfig{}, proxied, true},
		{"auto, proxy says http", manager.CookieConfig{}, proxiedHTTP, false},
		{"Secure, plain http", manager.CookieConfig{Secure: true}, plain, true},
		{"Insecure, TLS", manager.CookieConfig{Insecure: true}, tlsReq, false},
		{"__Host-, plain http", manager.CookieConfig{Name: "__Host-session"}, plain, true},
		{"__Secure-, plain http", manager.CookieConfig{Name: "__Secure-session"}, plain, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := manager.New(manager.Config{Cookie: c.cookie})
			defer m.Close()
			ck := setCookie(t, m, c.prepare)
			if ck.Secure != c.secure {
				t.Errorf("Secure = %v, want %v", ck.Secure, c.secure)
			}
			if !ck.HttpOnly || ck.Path != "/" {
				t.Errorf("cookie %+v: want HttpOnly, Path /", ck)
			}
		})
	}
}

// TestSecureDecidedPerRequest: concurrent plain and TLS requests on one
// Manager each get their own decision (run with -race).
func TestSecureDecidedPerRequest(t *testing.T) {
	m := manager.New(manager.Config{})
	defer m.Close()
	done := make(chan bool, 100)
	for i := 0; i < 100; i++ {
		go func(tls bool) {
			url := "http://example.test/"
			if tls {
				url = "https://example.test/"
			}
			h := m.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _ = typed.Put(r.Context(), "k", 1) }))
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest("GET", url, nil))
			done <- strings.Contains(rec.Header().Get("Set-Cookie"), "; Secure") == tls
		}(i%2 == 0)
	}
	for i := 0; i < 100; i++ {
		if !<-done {
			t.Fatal("a request got the other request's Secure decision")
		}
	}
}

// TestHostPrefixChecked: a __Host- cookie with a Domain, a Path other than
// "/", or Insecure cannot work in a browser; New panics saying why, as
// http.ServeMux does for a bad pattern. So does Secure with Insecure.
func TestHostPrefixChecked(t *testing.T) {
	for _, c := range []struct {
		cookie manager.CookieConfig
		want   string
	}{
		{manager.CookieConfig{Name: "__Host-s", Domain: "example.com"}, "Domain"},
		{manager.CookieConfig{Name: "__Host-s", Path: "/app"}, "Path"},
		{manager.CookieConfig{Name: "__Host-s", Insecure: true}, "Insecure"},
		{manager.CookieConfig{Name: "__Secure-s", Insecure: true}, "Insecure"},
		{manager.CookieConfig{Secure: true, Insecure: true}, "both"},
	} {
		func() {
			defer func() {
				r := recover()
				msg, _ := r.(string)
				if r == nil || !strings.Contains(msg, c.want) || !strings.HasPrefix(msg, "sessionkit:") {
					t.Errorf("New with %+v: panic %v, want a sessionkit panic naming %q", c.cookie, r, c.want)
				}
			}()
			manager.New(manager.Config{Cookie: c.cookie})
		}()
	}
	// The valid form is accepted.
	m := manager.New(manager.Config{Cookie: manager.CookieConfig{Name: "__Host-session", Path: "/"}})
	m.Close()
}

// TestCacheHeaders: a response that can depend on the session varies by
// Cookie, and one that sets the session cookie tells shared caches not to
// store the Set-Cookie header; the page itself is the application's to
// mark (docs/security.md).
func TestCacheHeaders(t *testing.T) {
	m := manager.New(manager.Config{})
	defer m.Close()
	h := m.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/write":
			_ = typed.Put(r.Context(), "k", "v")
		case "/read":
			_, _ = typed.Get[string](r.Context(), "k")
		}
	}))
	for path, want := range map[string]string{"/write": `no-cache="Set-Cookie"`, "/read": ""} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		if got := rec.Result().Header.Get("Cache-Control"); got != want {
			t.Errorf("%s: Cache-Control %q, want %q", path, got, want)
		}
		if got := rec.Result().Header.Values("Vary"); !slices.Equal(got, []string{"Cookie"}) {
			t.Errorf("%s: Vary %q, want [Cookie]", path, got)
		}
	}
}

// TestVaryOnlyWhenTheSessionCounts: Vary: Cookie is sent when the
// response can depend on the session — the request carried a session
// cookie, or the handler used its session before the response started —
// and not on a public page requested without one (as Django's session
// middleware does), so that shared caches may keep such a page for every
// visitor. The headers checked are those of the response as it started
// (the recorder's snapshot at the first write), whichever way it starts.
// A handler that first reads its session after writing gets no Vary: the
// documented limit, pinned here.
func TestVaryOnlyWhenTheSessionCounts(t *testing.T) {
	m := manager.New(manager.Config{})
	defer m.Close()
	h := m.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/put":
			_ = typed.Put(r.Context(), "k", "v")
		case "/exists":
			_ = m.SessionManager().Exists(r.Context(), "k")
		case "/token":
			_ = m.Token(r.Context())
		case "/put-then-204":
			_ = typed.Put(r.Context(), "k", "v")
			w.WriteHeader(http.StatusNoContent)
			return
		case "/get-then-flush":
			_, _ = typed.Get[string](r.Context(), "k")
			http.NewResponseController(w).Flush()
		case "/get-no-write":
			_, _ = typed.Get[string](r.Context(), "k")
			return
		case "/get-in-goroutine":
			done := make(chan struct{})
			go func() { _, _ = typed.Get[string](r.Context(), "k"); close(done) }()
			<-done
		case "/get-after-write":
			_, _ = w.Write(okBody)
			_, _ = typed.Get[string](r.Context(), "k")
			return
		}
		_, _ = w.Write(okBody)
	}))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/put", nil))
	cookie := rec.Result().Cookies()[0]
	for _, c := range []struct {
		path      string
		cookie    *http.Cookie
		wantVary  bool
		situation string
	}{
		{"/public", nil, false, "no cookie, session unused"},
		{"/put", nil, true, "no cookie, session written"},
		{"/exists", nil, true, "no cookie, session read with scs's API"},
		{"/token", nil, true, "no cookie, token asked for"},
		{"/put-then-204", nil, true, "no cookie, session written, WriteHeader only"},
		{"/get-then-flush", nil, true, "no cookie, session read, then Flush"},
		{"/get-no-write", nil, true, "no cookie, session read, nothing written"},
		{"/get-in-goroutine", nil, true, "no cookie, session read by another goroutine"},
		{"/get-after-write", nil, false, "no cookie, session read only after writing (documented: set Vary yourself)"},
		{"/public", cookie, true, "a session cookie, session unused"},
		{"/public", &http.Cookie{Name: cookie.Name, Value: "not-a-token"}, true, "a malformed session cookie"},
		{"/public", &http.Cookie{Name: "other", Value: "x"}, false, "another cookie only"},
	} {
		req := httptest.NewRequest("GET", c.path, nil)
		if c.cookie != nil {
			req.AddCookie(c.cookie)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		got := rec.Result().Header.Values("Vary")
		want := []string(nil)
		if c.wantVary {
			want = []string{"Cookie"}
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: Vary %q, want %q", c.situation, got, want)
		}
	}
}

// TestEarlyHintsDoNotCommit: an informational response (103 Early Hints)
// is not the response: the session is committed before the final one, so
// a value put after the hints is saved and the final response varies by
// Cookie and sets it.
func TestEarlyHintsDoNotCommit(t *testing.T) {
	m := manager.New(manager.Config{})
	defer m.Close()
	srv := httptest.NewServer(m.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Link", "</app.css>; rel=preload; as=style")
		w.WriteHeader(http.StatusEarlyHints)
		if err := typed.Put(r.Context(), "csrf", "t0k3n"); err != nil {
			t.Error(err)
		}
		_, _ = w.Write(okBody)
	})))
	defer srv.Close()
	var hints []http.Header
	trace := &httptrace.ClientTrace{Got1xxResponse: func(code int, h textproto.MIMEHeader) error {
		hints = append(hints, http.Header(h))
		return nil
	}}
	req, _ := http.NewRequestWithContext(httptrace.WithClientTrace(context.Background(), trace), "GET", srv.URL, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if len(hints) != 1 || hints[0].Get("Link") == "" || len(hints[0].Values("Set-Cookie")) != 0 {
		t.Errorf("the 103: %q; want one, with its Link header and no Set-Cookie", hints)
	}
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Vary") != "Cookie" || len(resp.Cookies()) != 1 {
		t.Fatalf("after 103 Early Hints: status %d, Vary %q, Set-Cookie %q; want 200, Cookie and the session cookie",
			resp.StatusCode, resp.Header.Values("Vary"), resp.Header.Values("Set-Cookie"))
	}
}

// TestVaryKeptWhenTheHandlerSetsVary: a handler that sets its own Vary
// (Set, not Add) on a request with a session cookie does not lose
// Cookie from it; a site that already varies every response by Cookie
// (docs/security.md's varyByCookie) gets it once, not twice.
func TestVaryKeptWhenTheHandlerSetsVary(t *testing.T) {
	m := manager.New(manager.Config{})
	defer m.Close()
	h := m.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/own-vary" {
			w.Header().Set("Vary", "Accept-Encoding")
		}
		if err := typed.Put(r.Context(), "k", "v"); err != nil {
			t.Error(err)
		}
		_, _ = w.Write(okBody)
	}))
	varyByCookie := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Add("Vary", "Cookie")
			next.ServeHTTP(w, r)
		})
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	cookie := rec.Result().Cookies()[0]
	for _, c := range []struct {
		name    string
		handler http.Handler
		path    string
		cookie  *http.Cookie
		want    []string
	}{
		{"handler sets Vary, with a session cookie", h, "/own-vary", cookie, []string{"Accept-Encoding", "Cookie"}},
		{"handler sets Vary, no cookie", h, "/own-vary", nil, []string{"Accept-Encoding", "Cookie"}},
		{"varyByCookie around, with a session cookie", varyByCookie(h), "/", cookie, []string{"Cookie"}},
		{"varyByCookie around, no cookie", varyByCookie(h), "/", nil, []string{"Cookie"}},
	} {
		req := httptest.NewRequest("GET", c.path, nil)
		if c.cookie != nil {
			req.AddCookie(c.cookie)
		}
		rec := httptest.NewRecorder()
		c.handler.ServeHTTP(rec, req)
		if got := rec.Result().Header.Values("Vary"); !slices.Equal(got, c.want) {
			t.Errorf("%s: Vary %q, want %q", c.name, got, c.want)
		}
	}
}
