package scaletest_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/sessionkit/sessionkit/herokuurl"
	"github.com/sessionkit/sessionkit/internal/redistest"
)

// TestSentinelsDownAtRuntime: the Sentinels are asked only when a
// connection to the master is dialled. With every Sentinel gone, requests
// go on over the pool's open connections to the master; once the master
// fails too, each request is a prompt 503 from the default error handler,
// never a 401 (a session seen as signed out) nor another user's session.
func TestSentinelsDownAtRuntime(t *testing.T) {
	t.Parallel()
	snt := redistest.StartSentinel(t, redistest.SentinelOptions{})
	url := "redis://" + snt.Sentinels[0].Addr() + "?master_name=" + redistest.SentinelMasterName
	for _, a := range snt.Addrs()[1:] {
		url += "&addr=" + a
	}
	cfg, err := herokuurl.Parse(url)
	if err != nil {
		t.Fatal(err)
	}
	cl, err := cfg.Connect(ctx10(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cl.Close() })
	a := newApp(t, cl)
	const users = 8
	tokens := make([]string, users)
	for i := range tokens {
		tokens[i] = a.signIn(t, fmt.Sprintf("u%d", i))
	}
	for _, s := range snt.Sentinels {
		s.Kill()
	}
	// One request at a time: the pool's idle connection serves each.
	for i, tok := range tokens {
		status, body, _, err := a.do("GET", "/me", tok)
		if want := fmt.Sprintf("u%d 0", i); err != nil || status != http.StatusOK || body != want {
			t.Fatalf("with the Sentinels down, /me of u%d: %d %q %v; want 200 %q", i, status, body, err, want)
		}
	}
	snt.Master().Kill()
	for i, tok := range tokens {
		start := time.Now()
		status, body, _, err := a.do("GET", "/me", tok)
		took := time.Since(start)
		if err != nil || status != http.StatusServiceUnavailable {
			t.Errorf("with the Sentinels and the master down, /me of u%d: %d %q %v; want 503", i, status, body, err)
		}
		if i == 0 {
			t.Logf("with the Sentinels and the master down: %d %q in %v", status, body, took.Round(time.Millisecond))
		}
	}
}
