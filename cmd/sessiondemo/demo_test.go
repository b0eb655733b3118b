package main_test

import (
	"net/url"
	"path/filepath"
	"strings"
	"testing"

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
			if !strings.Contains(home.Body, "Hello, stranger.") || !strings.Contains(home.Body, tc.store) {
				t.Fatalf("first page:\n%s", home.Body)
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
	if home.Status != 200 || !strings.Contains(home.Body, "Hello, stranger.") || !strings.Contains(home.Body, "codec msgpack") {
		t.Fatalf("default page: %d\n%s", home.Status, home.Body)
	}
	if !strings.Contains(demo.Output(), "sessiondemo.db") {
		t.Errorf("the demo did not say where its file is:\n%s", demo.Output())
	}
}
