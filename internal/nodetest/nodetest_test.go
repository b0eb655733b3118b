package nodetest

import (
	"encoding/json"
	"net/url"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sessionkit/sessionkit/internal/redistest"
)

func TestStartSignInAndStop(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{})
	app := Start(t, Options{RedisURL: srv.URL(), Secrets: []string{"s3cret"}, MaxAge: time.Hour})

	if r := app.Do("GET", "/me", nil); r.Status != 401 {
		t.Fatalf("GET /me without a cookie: %d %s, want 401", r.Status, r.Body)
	}
	r := app.Do("POST", "/signin", url.Values{"name": {"Ada"}})
	c := r.Cookie("connect.sid")
	if r.Status != 200 || c == nil || !strings.HasPrefix(c.Value, "s%3A") {
		t.Fatalf("POST /signin: %d %s, cookie %v", r.Status, r.Body, c)
	}
	var user struct{ Name string }
	r = app.Do("GET", "/me", nil, c)
	if err := json.Unmarshal(r.Body, &user); err != nil || r.Status != 200 || user.Name != "Ada" {
		t.Fatalf("GET /me: %d %s (%v)", r.Status, r.Body, err)
	}
	keys := srv.Do("KEYS", "sess:*").([]any)
	if len(keys) != 1 {
		t.Fatalf("Redis holds %d sess: keys, want 1", len(keys))
	}

	pid := app.cmd.Process.Pid
	app.Stop()
	if err := syscall.Kill(pid, 0); err == nil {
		t.Fatalf("node (pid %d) still runs after Stop", pid)
	}
	app.Stop() // a second Stop does nothing
}

func TestExitsWhenStdinCloses(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{})
	app := Start(t, Options{RedisURL: srv.URL(), Secrets: []string{"s"}})
	_ = app.stdin.Close()
	select {
	case <-app.done:
	case <-time.After(10 * time.Second):
		t.Fatalf("the fixture did not exit within 10s of stdin closing; output:\n%s", app.Output())
	}
}

func TestCheckNodeReportsMissingNode(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	err := checkNode()
	if err == nil || !strings.Contains(err.Error(), "node not found") {
		t.Fatalf("checkNode with an empty PATH = %v, want a 'node not found' error", err)
	}
}

func TestCheckFixture(t *testing.T) {
	if err := checkFixture(Dir()); err != nil {
		t.Fatalf("checkFixture(Dir()) = %v; run scripts/ensure-deps", err)
	}
	err := checkFixture(t.TempDir())
	if err == nil || !strings.Contains(err.Error(), "not installed") {
		t.Fatalf("checkFixture(empty dir) = %v, want a 'not installed' error", err)
	}
}
