package main_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/sessionkit/sessionkit/internal/demotest"
	"github.com/sessionkit/sessionkit/internal/redistest"
	"github.com/sessionkit/sessionkit/internal/webtest"
)

var visitsRe = regexp.MustCompile(`<span id="visits">(\d+)</span>`)

func visitCount(t *testing.T, body string) int {
	t.Helper()
	m := visitsRe.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no visit counter on the page:\n%s", body)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// TestParallelPageLoadsAllCount: on Redis, a signed-in user's 50 parallel
// GET / raise the visit counter by exactly 50.
func TestParallelPageLoadsAllCount(t *testing.T) {
	bin := demotest.Build(t, "../..")
	rs := redistest.Start(t, redistest.Options{})
	demo := demotest.Start(t, bin, "REDIS_URL="+rs.URL())
	user := webtest.Client(t)
	if r := webtest.PostForm(t, user, demo.URL+"/signin", url.Values{"name": {"Ada"}}); r.Status != 303 {
		t.Fatalf("sign-in: %d %s", r.Status, r.Body)
	}
	before := visitCount(t, webtest.Get(t, user, demo.URL+"/").Body)
	const n = 50
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if r := webtest.Get(t, user, demo.URL+"/"); r.Status != 200 {
				t.Errorf("parallel GET /: %d %s", r.Status, r.Body)
			}
		}()
	}
	wg.Wait()
	after := visitCount(t, webtest.Get(t, user, demo.URL+"/").Body)
	if after-before != n+1 {
		t.Errorf("visits went from %d to %d after %d parallel page loads and one more; want +%d", before, after, n, n+1)
	}
}

// TestSignOutEverywhere: the same name signed in from three cookie jars;
// each page lists the two other sessions; POST /signout-everywhere from
// one signs out all three.
func TestSignOutEverywhere(t *testing.T) {
	bin := demotest.Build(t, "../..")
	rs := redistest.Start(t, redistest.Options{})
	demo := demotest.Start(t, bin, "REDIS_URL="+rs.URL())
	var jars []*http.Client
	for i := 0; i < 3; i++ {
		c := webtest.Client(t)
		if r := webtest.PostForm(t, c, demo.URL+"/signin", url.Values{"name": {"Ada"}}); r.Status != 303 {
			t.Fatalf("sign-in %d: %d %s", i, r.Status, r.Body)
		}
		jars = append(jars, c)
	}
	other := webtest.Client(t)
	webtest.PostForm(t, other, demo.URL+"/signin", url.Values{"name": {"Bob"}})
	home := webtest.Get(t, jars[1], demo.URL+"/").Body
	if got := strings.Count(home, "<li>"); got != 2 {
		t.Errorf("the page lists %d other sessions, want 2:\n%s", got, home)
	}
	r := webtest.PostForm(t, jars[0], demo.URL+"/signout-everywhere", url.Values{})
	if r.Status != 303 {
		t.Fatalf("sign out everywhere: %d %s", r.Status, r.Body)
	}
	for i, c := range jars {
		if body := webtest.Get(t, c, demo.URL+"/").Body; !strings.Contains(body, "Hello, stranger.") {
			t.Errorf("client %d is still signed in after sign out everywhere:\n%s", i, body)
		}
	}
	if body := webtest.Get(t, other, demo.URL+"/").Body; !strings.Contains(body, "Hello, Bob!") || !strings.Contains(body, "others-none") {
		t.Errorf("Bob, signed in once, after Ada signed out everywhere:\n%s", body)
	}
}
