package main_test

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/gomodule/redigo/redis"

	"github.com/sessionkit/sessionkit/internal/demotest"
	"github.com/sessionkit/sessionkit/internal/redistest"
	"github.com/sessionkit/sessionkit/internal/webtest"
)

// TestAnonymousPostsStoreNothing (review): the class of issue 9's
// "anonymous visitors fill Redis" through the demo's other routes. A
// visitor without a session who posts /signout, /signout-everywhere or an
// invalid /signin (no browser headers, so CrossOriginProtection lets it
// through, as for curl) must not leave a stored session behind.
func TestAnonymousPostsStoreNothing(t *testing.T) {
	bin := demotest.Build(t, "../..")
	rs := redistest.Start(t, redistest.Options{})
	demo := demotest.Start(t, bin, "REDIS_URL="+rs.URL())
	anon := &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}
	for _, c := range []struct {
		path string
		form url.Values
	}{{"/signout", nil}, {"/signout-everywhere", nil}, {"/signin", url.Values{"name": {""}}}} {
		for i := 0; i < 20; i++ {
			if r := webtest.PostForm(t, anon, demo.URL+c.path, c.form); r.Status != http.StatusSeeOther {
				t.Fatalf("POST %s: %d %s", c.path, r.Status, r.Body)
			}
		}
		if n, _ := redis.Int(rs.Do("DBSIZE"), nil); n != 0 {
			t.Errorf("after 20 anonymous POST %s (redirect not followed): %d keys in Redis, want 0", c.path, n)
			rs.Do("FLUSHALL")
		}
	}
}
