package main_test

import (
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gomodule/redigo/redis"

	"github.com/sessionkit/sessionkit/internal/demotest"
	"github.com/sessionkit/sessionkit/internal/redistest"
	"github.com/sessionkit/sessionkit/internal/webtest"
)

// TestSessionsSurviveRestart is the story: sign in, restart the server, and
// the same cookie still shows the same signed-in user — with the embedded
// file store and with Redis.
func TestSessionsSurviveRestart(t *testing.T) {
	bin := demotest.Build(t, "../..")
	for _, tc := range []struct {
		name  string
		env   func(t *testing.T) []string
		store string
	}{
		{"bolt", func(t *testing.T) []string {
			return []string{"SESSION_FILE=" + filepath.Join(t.TempDir(), "demo.db")}
		}, "embedded file"},
		{"redis", func(t *testing.T) []string {
			return []string{"REDIS_URL=" + redistest.Start(t, redistest.Options{}).URL(), "SESSION_CODEC=json"}
		}, "Redis redis://127.0.0.1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			demo := demotest.Start(t, bin, tc.env(t)...)
			client := webtest.Client(t)

			home := webtest.Get(t, client, demo.URL+"/")
			if !strings.Contains(home.Body, "Hello, stranger.") {
				t.Fatalf("first page:\n%s", home.Body)
			}
			// Where sessions live is for the operator's log, not for every visitor.
			if !strings.Contains(demo.Output(), tc.store) {
				t.Errorf("the startup log does not say %q:\n%s", tc.store, demo.Output())
			}
			if strings.Contains(home.Body, tc.store) || strings.Contains(home.Body, "127.0.0.1") || strings.Contains(home.Body, ".db") {
				t.Errorf("the page shows where sessions are stored:\n%s", home.Body)
			}
			r := webtest.PostForm(t, client, demo.URL+"/signin", url.Values{"name": {"Ada <script>"}})
			if r.Status != 303 {
				t.Fatalf("sign-in: %d %s", r.Status, r.Body)
			}
			home = webtest.Get(t, client, demo.URL+"/")
			for _, want := range []string{"Hello, Ada &lt;script&gt;!", "Signed in as Ada &lt;script&gt;."} {
				if !strings.Contains(home.Body, want) {
					t.Fatalf("after sign-in, page lacks %q:\n%s", want, home.Body)
				}
			}

			demo.Restart()
			home = webtest.Get(t, client, demo.URL+"/")
			if !strings.Contains(home.Body, "Hello, Ada &lt;script&gt;!") {
				t.Fatalf("after restart the user is gone:\n%s\nserver output:\n%s", home.Body, demo.Output())
			}
			if strings.Contains(home.Body, "Signed in as") {
				t.Error("the flash message showed twice")
			}

			webtest.PostForm(t, client, demo.URL+"/signout", nil)
			home = webtest.Get(t, client, demo.URL+"/")
			if !strings.Contains(home.Body, "Hello, stranger.") || !strings.Contains(home.Body, "Signed out.") {
				t.Fatalf("after sign-out:\n%s", home.Body)
			}
		})
	}
}

// TestDefaultsWorkWithNoConfiguration: no Redis, no flags, no variables —
// only a writable cache directory — and the demo serves a working page.
func TestDefaultsWorkWithNoConfiguration(t *testing.T) {
	bin := demotest.Build(t, "../..")
	demo := demotest.Start(t, bin, "XDG_CACHE_HOME="+t.TempDir(), "HOME="+t.TempDir())
	home := webtest.Get(t, webtest.Client(t), demo.URL+"/")
	if home.Status != 200 || !strings.Contains(home.Body, "Hello, stranger.") {
		t.Fatalf("default page: %d\n%s", home.Status, home.Body)
	}
	if !strings.Contains(demo.Output(), "sessiondemo.db") || !strings.Contains(demo.Output(), "codec msgpack") {
		t.Errorf("the demo did not say where its file is:\n%s", demo.Output())
	}
}

// TestAnonymousVisitsStoreNothing: a visitor without a cookie costs no
// stored session. 10,000 cookieless GET / against the demo on its own
// Redis leave the number of keys (DBSIZE) unchanged and set no cookie; a
// signed-in user's session is there before and after.
func TestAnonymousVisitsStoreNothing(t *testing.T) {
	bin := demotest.Build(t, "../..")
	rs := redistest.Start(t, redistest.Options{})
	demo := demotest.Start(t, bin, "REDIS_URL="+rs.URL())

	user := webtest.Client(t)
	if r := webtest.PostForm(t, user, demo.URL+"/signin", url.Values{"name": {"Ada"}}); r.Status != 303 {
		t.Fatalf("sign-in: %d %s", r.Status, r.Body)
	}
	before, err := redis.Int(rs.Do("DBSIZE"), nil)
	if err != nil || before != 1 {
		t.Fatalf("DBSIZE after one sign-in: %d, %v; want 1", before, err)
	}

	const n = 10000
	anon := &http.Client{Timeout: 10 * time.Second}
	deadline := time.Now().Add(2 * time.Minute)
	for i := 0; i < n; i++ {
		if time.Now().After(deadline) {
			t.Fatalf("only %d of %d requests within 2 minutes", i, n)
		}
		r := webtest.Get(t, anon, demo.URL+"/")
		if r.Status != 200 {
			t.Fatalf("request %d: %d %s", i, r.Status, r.Body)
		}
		if c := r.Header.Values("Set-Cookie"); len(c) > 0 {
			t.Fatalf("request %d: an anonymous visit set a cookie (%d Set-Cookie headers)", i, len(c))
		}
	}
	if after, _ := redis.Int(rs.Do("DBSIZE"), nil); after != before {
		t.Fatalf("DBSIZE went from %d to %d after %d anonymous visits", before, after, n)
	}
	if home := webtest.Get(t, user, demo.URL+"/"); !strings.Contains(home.Body, "Hello, Ada!") {
		t.Fatalf("the signed-in user lost the session:\n%s", home.Body)
	}
}
