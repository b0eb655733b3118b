package main

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sessionkit/sessionkit/internal/webtest"
	"github.com/sessionkit/sessionkit/manager"
	"github.com/sessionkit/sessionkit/store/boltstore"
)

// newTestServer serves the demo's routes in process, on an embedded store
// in a temporary directory, logging into the returned buffer.
func newTestServer(t *testing.T) (*httptest.Server, *app, *webtest.SyncBuffer) {
	t.Helper()
	bs, err := boltstore.Open(filepath.Join(t.TempDir(), "demo.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = bs.Close() })
	logs := &webtest.SyncBuffer{}
	a := newApp(manager.New(manager.Config{Store: bs, Logger: logs.Logger(), Cookie: manager.CookieConfig{Name: "sessiondemo"}}), logs.Logger())
	srv := httptest.NewServer(a.routes())
	t.Cleanup(srv.Close)
	return srv, a, logs
}

func post(t *testing.T, c *http.Client, u string, form url.Values, header http.Header) webtest.Response {
	t.Helper()
	req, err := http.NewRequest("POST", u, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := c.Do(req)
	return readResponse(t, resp, err)
}

// TestCrossOriginPostsAreRefused: a form posted from another origin — told
// by the browser's Sec-Fetch-Site header or, from older browsers, by
// Origin — gets 403 and changes nothing; the same form from the demo's own
// page works.
func TestCrossOriginPostsAreRefused(t *testing.T) {
	srv, _, _ := newTestServer(t)
	signin := url.Values{"name": {"Attacker"}}
	for _, tc := range []struct {
		name   string
		header http.Header
	}{
		{"cross-site fetch metadata", http.Header{"Sec-Fetch-Site": {"cross-site"}}},
		{"same-site other origin", http.Header{"Sec-Fetch-Site": {"same-site"}}},
		{"foreign Origin without fetch metadata", http.Header{"Origin": {"http://evil.example"}}},
		{"other port Origin without fetch metadata", http.Header{"Origin": {"http://127.0.0.1:1"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			victim := webtest.Client(t)
			r := post(t, victim, srv.URL+"/signin", signin, tc.header)
			if r.Status != http.StatusForbidden {
				t.Fatalf("cross-origin sign-in: %d, want 403\n%s", r.Status, r.Body)
			}
			if r.SetCookie("sessiondemo") != nil {
				t.Fatal("a refused sign-in set a session cookie")
			}
			if home := webtest.Get(t, victim, srv.URL+"/"); !strings.Contains(home.Body, "Hello, stranger.") {
				t.Fatalf("the victim is signed in after a cross-origin post:\n%s", home.Body)
			}

			// A signed-in user is not signed out from elsewhere either.
			user := webtest.Client(t)
			if r := post(t, user, srv.URL+"/signin", url.Values{"name": {"Ada"}}, http.Header{"Sec-Fetch-Site": {"same-origin"}}); r.Status != http.StatusSeeOther {
				t.Fatalf("same-origin sign-in: %d %s", r.Status, r.Body)
			}
			if r := post(t, user, srv.URL+"/signout", nil, tc.header); r.Status != http.StatusForbidden {
				t.Fatalf("cross-origin sign-out: %d, want 403", r.Status)
			}
			if home := webtest.Get(t, user, srv.URL+"/"); !strings.Contains(home.Body, "Hello, Ada!") {
				t.Fatalf("a cross-origin post signed the user out:\n%s", home.Body)
			}
		})
	}
	for _, tc := range []struct {
		name   string
		header http.Header
	}{
		{"same-origin fetch metadata", http.Header{"Sec-Fetch-Site": {"same-origin"}}},
		{"own Origin", http.Header{"Origin": {srv.URL}}},
		{"no browser headers (curl)", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := webtest.Client(t)
			r := post(t, c, srv.URL+"/signin", url.Values{"name": {"Ada"}}, tc.header)
			if r.Status != http.StatusSeeOther || r.SetCookie("sessiondemo") == nil {
				t.Fatalf("sign-in: %d, cookie %v\n%s", r.Status, r.SetCookie("sessiondemo"), r.Body)
			}
			if home := webtest.Get(t, c, srv.URL+"/"); !strings.Contains(home.Body, "Hello, Ada!") {
				t.Fatalf("not signed in:\n%s", home.Body)
			}
			if r := post(t, c, srv.URL+"/signout", nil, tc.header); r.Status != http.StatusSeeOther {
				t.Fatalf("sign-out: %d %s", r.Status, r.Body)
			}
			if home := webtest.Get(t, c, srv.URL+"/"); !strings.Contains(home.Body, "Hello, stranger.") {
				t.Fatalf("still signed in after sign-out:\n%s", home.Body)
			}
		})
	}
	// A link from another site still opens the page.
	req, _ := http.NewRequest("GET", srv.URL+"/", nil)
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	resp, err := http.DefaultClient.Do(req)
	if r := readResponse(t, resp, err); r.Status != http.StatusOK {
		t.Fatalf("cross-site GET /: %d", r.Status)
	}
}

// TestSessionPagesAreNotCached: every page that can show session data says
// Cache-Control: no-store, signed in or not, and so do the form targets.
func TestSessionPagesAreNotCached(t *testing.T) {
	srv, _, _ := newTestServer(t)
	c := webtest.Client(t)
	check := func(what string, r webtest.Response) {
		t.Helper()
		if got := r.Header.Get("Cache-Control"); got != "no-store" {
			t.Errorf("%s: Cache-Control %q, want no-store", what, got)
		}
	}
	check("anonymous GET /", webtest.Get(t, c, srv.URL+"/"))
	check("POST /signin", webtest.PostForm(t, c, srv.URL+"/signin", url.Values{"name": {"Ada"}}))
	home := webtest.Get(t, c, srv.URL+"/")
	if !strings.Contains(home.Body, "Hello, Ada!") {
		t.Fatalf("not signed in:\n%s", home.Body)
	}
	check("signed-in GET /", home)
	check("POST /signout", webtest.PostForm(t, c, srv.URL+"/signout", nil))
}

// TestFailureDetailsGoToTheLog: an internal error reaches the log with
// its detail and the visitor sees only a generic message.
func TestFailureDetailsGoToTheLog(t *testing.T) {
	_, a, logs := newTestServer(t)
	detail := "dial tcp 10.1.2.3:6379: secret-host.internal refused"
	rec := httptest.NewRecorder()
	a.fail(rec, httptest.NewRequest("POST", "/signin", nil), errors.New(detail))
	if rec.Code != http.StatusInternalServerError {
		t.Errorf("status %d, want 500", rec.Code)
	}
	body := rec.Body.String()
	if strings.Contains(body, "secret-host") || strings.Contains(body, "10.1.2.3") || strings.Contains(body, "dial") {
		t.Errorf("the response shows the internal error: %q", body)
	}
	if !strings.Contains(body, genericError) {
		t.Errorf("the response lacks the generic message: %q", body)
	}
	if out := logs.String(); !strings.Contains(out, "secret-host.internal") || !strings.Contains(out, "path=/signin") {
		t.Errorf("the log lacks the error's detail:\n%s", out)
	}
}

func readResponse(t *testing.T, resp *http.Response, err error) webtest.Response {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return webtest.Response{Status: resp.StatusCode, Body: string(b), Header: resp.Header}
}
