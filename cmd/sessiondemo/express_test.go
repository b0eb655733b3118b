package main_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gomodule/redigo/redis"

	"github.com/sessionkit/sessionkit/internal/demotest"
	"github.com/sessionkit/sessionkit/internal/nodetest"
	"github.com/sessionkit/sessionkit/internal/redistest"
	"github.com/sessionkit/sessionkit/internal/webtest"
)

// TestExpressMode: the demo with SESSION_COMPAT=express and the Express
// fixture share one Redis and one secret list; a user who signs in on
// either is greeted by the other, and signing out on the demo signs out of
// both.
func TestExpressMode(t *testing.T) {
	bin := demotest.Build(t, "../..")
	rs := redistest.Start(t, redistest.Options{})
	node := nodetest.Start(t, nodetest.Options{RedisURL: rs.URL(), Secrets: []string{"current", "previous"}, MaxAge: time.Hour})
	demo := demotest.Start(t, bin, "SESSION_COMPAT=express", "SESSION_SECRET=current,previous",
		"REDIS_URL="+rs.URL(), "SESSION_MAX_AGE=3600000")
	demoURL, _ := url.Parse(demo.URL)

	// Signed in on Express, greeted by the demo.
	r := node.Do("POST", "/signin", url.Values{"name": {"Ada"}})
	ck := r.Cookie("connect.sid")
	if r.Status != 200 || ck == nil {
		t.Fatalf("Express sign-in: %d %s; output:\n%s", r.Status, r.Body, node.Output())
	}
	client := webtest.Client(t)
	client.Jar.SetCookies(demoURL, []*http.Cookie{{Name: ck.Name, Value: ck.Value}})
	home := webtest.Get(t, client, demo.URL+"/")
	if !strings.Contains(home.Body, "Hello, Ada!") {
		t.Fatalf("the demo does not greet the user signed in on Express:\n%s\ndemo output:\n%s", home.Body, demo.Output())
	}
	if cc := home.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control %q, want no-store", cc)
	}
	// The demo's visit counter is a plain JSON number Express reads too.
	var s struct {
		Visits int `json:"visits"`
		User   struct {
			Name string `json:"name"`
		} `json:"user"`
	}
	if r := node.Do("GET", "/session", nil, ck); json.Unmarshal(r.Body, &s) != nil || s.Visits != 1 || s.User.Name != "Ada" {
		t.Errorf("Express sees the session as %s", r.Body)
	}

	// Signed in on the demo, seen by Express with the shape an Express app
	// writes.
	client = webtest.Client(t)
	if r := webtest.PostForm(t, client, demo.URL+"/signin", url.Values{"name": {"Grace"}}); r.Status != 303 {
		t.Fatalf("demo sign-in: %d %s", r.Status, r.Body)
	}
	var demoCookie *http.Cookie
	for _, c := range client.Jar.Cookies(demoURL) {
		if c.Name == "connect.sid" {
			demoCookie = c
		}
	}
	if demoCookie == nil {
		t.Fatalf("the demo set no connect.sid cookie; output:\n%s", demo.Output())
	}
	r = node.Do("GET", "/me", nil, demoCookie)
	var u struct {
		Name       string    `json:"name"`
		SignedInAt time.Time `json:"signedInAt"`
	}
	if r.Status != 200 || json.Unmarshal(r.Body, &u) != nil || u.Name != "Grace" || time.Since(u.SignedInAt).Abs() > time.Minute {
		t.Fatalf("Express GET /me with the demo's cookie: %d %s", r.Status, r.Body)
	}
	var user map[string]json.RawMessage
	r = node.Do("GET", "/session", nil, demoCookie)
	var whole map[string]json.RawMessage
	if err := json.Unmarshal(r.Body, &whole); err != nil || json.Unmarshal(whole["user"], &user) != nil || len(user) != 2 ||
		string(user["name"]) != `"Grace"` || len(user["signedInAt"]) == 0 {
		t.Fatalf("Express sees the demo's user as %s, want {name, signedInAt}", whole["user"])
	}
	var at string
	if json.Unmarshal(user["signedInAt"], &at) != nil {
		t.Fatalf("signedInAt %s is not a string", user["signedInAt"])
	}
	if _, err := time.Parse(time.RFC3339, at); err != nil {
		t.Fatalf("signedInAt %q is not RFC 3339: %v", at, err)
	}

	// Cross-origin posts are still refused.
	req, _ := http.NewRequest("POST", demo.URL+"/signout", nil)
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site POST /signout: %d, want 403", resp.StatusCode)
	}

	// Signed out on the demo: Express sees no session, Redis holds none.
	webtest.PostForm(t, client, demo.URL+"/signout", nil)
	if r := node.Do("GET", "/me", nil, demoCookie); r.Status != 401 {
		t.Fatalf("after the demo's sign-out Express answers %d %s", r.Status, r.Body)
	}
	// The redirect's page shows the "Signed out." flash and ends its session.
	if home := webtest.Get(t, client, demo.URL+"/"); !strings.Contains(home.Body, "Signed out.") {
		t.Fatalf("after sign-out:\n%s", home.Body)
	}
	keys, _ := redis.Strings(rs.Do("KEYS", "*"), nil)
	if len(keys) != 1 || !strings.HasPrefix(keys[0], "sess:") {
		t.Errorf("Redis holds %v, want Ada's Express session only", keys)
	}
}

// TestExpressModeNeedsSecretAndRedis: an incomplete Express configuration
// stops the demo at startup with a message naming what is missing.
func TestExpressModeNeedsSecretAndRedis(t *testing.T) {
	bin := demotest.Build(t, "../..")
	rs := redistest.Start(t, redistest.Options{})
	for _, tc := range []struct {
		env  []string
		want string
	}{
		{[]string{"SESSION_COMPAT=express", "REDIS_URL=" + rs.URL()}, "SESSION_COMPAT=express needs SESSION_SECRET"},
		{[]string{"SESSION_COMPAT=express", "SESSION_SECRET=s"}, "SESSION_COMPAT=express needs the Express app's Redis"},
		{[]string{"SESSION_COMPAT=express", "SESSION_SECRET=a,,b", "REDIS_URL=" + rs.URL()}, "non-empty session secret"},
		{[]string{"SESSION_COMPAT=express", "SESSION_SECRET=s", "REDIS_URL=" + rs.URL(), "SESSION_MAX_AGE=1h"}, "SESSION_MAX_AGE"},
		{[]string{"SESSION_COMPAT=connect", "SESSION_SECRET=s", "REDIS_URL=" + rs.URL()}, "the only mode is express"},
	} {
		out, err := demotest.Run(t, bin, tc.env...)
		if err == nil || !strings.Contains(out, tc.want) {
			t.Errorf("%v: exit %v, output %q; want a failure saying %q", tc.env, err, out, tc.want)
		}
		if strings.Contains(out, "listening") {
			t.Errorf("%v: the demo started listening:\n%s", tc.env, out)
		}
	}
}

// TestExpressModeCookieAndPrefix: SESSION_COOKIE and SESSION_PREFIX match
// an Express app with another cookie name and key prefix.
func TestExpressModeCookieAndPrefix(t *testing.T) {
	bin := demotest.Build(t, "../..")
	rs := redistest.Start(t, redistest.Options{})
	node := nodetest.Start(t, nodetest.Options{RedisURL: rs.URL(), Secrets: []string{"s"}, Cookie: "app.sid", Prefix: "app:"})
	demo := demotest.Start(t, bin, "SESSION_COMPAT=express", "SESSION_SECRET=s", "REDIS_URL="+rs.URL(),
		"SESSION_COOKIE=app.sid", "SESSION_PREFIX=app:")
	client := webtest.Client(t)
	r := webtest.PostForm(t, client, demo.URL+"/signin", url.Values{"name": {"Grace"}})
	ck := r.SetCookie("app.sid")
	if r.Status != 303 || ck == nil {
		t.Fatalf("demo sign-in: %d, cookie %v", r.Status, ck)
	}
	if n := node.Do("GET", "/me", nil, &http.Cookie{Name: ck.Name, Value: ck.Value}); n.Status != 200 {
		t.Fatalf("Express with app.sid and app: answers %d %s to the demo's cookie", n.Status, n.Body)
	}
	keys, _ := redis.Strings(rs.Do("KEYS", "*"), nil)
	if len(keys) != 1 || !strings.HasPrefix(keys[0], "app:") {
		t.Errorf("Redis holds %v, want one key under app:", keys)
	}
}

// TestExpressModeKeepsOthersSessions: an Express session that holds no
// signed-in user but other data (here a cart) is the Express app's: the
// demo's page shows "stranger" and leaves it alone.
func TestExpressModeKeepsOthersSessions(t *testing.T) {
	bin := demotest.Build(t, "../..")
	rs := redistest.Start(t, redistest.Options{})
	node := nodetest.Start(t, nodetest.Options{RedisURL: rs.URL(), Secrets: []string{"s"}, MaxAge: time.Hour})
	demo := demotest.Start(t, bin, "SESSION_COMPAT=express", "SESSION_SECRET=s", "REDIS_URL="+rs.URL(), "SESSION_MAX_AGE=3600000")
	r := node.DoJSON("POST", "/put", `{"key":"cart","value":[1,2]}`)
	ck := r.Cookie("connect.sid")
	if r.Status != 200 || ck == nil {
		t.Fatalf("Express POST /put: %d %s", r.Status, r.Body)
	}
	ck = &http.Cookie{Name: ck.Name, Value: ck.Value}
	client := webtest.Client(t)
	demoURL, _ := url.Parse(demo.URL)
	client.Jar.SetCookies(demoURL, []*http.Cookie{ck})
	if home := webtest.Get(t, client, demo.URL+"/"); !strings.Contains(home.Body, "Hello, stranger.") {
		t.Fatalf("demo page:\n%s", home.Body)
	}
	var s struct {
		Cart []int `json:"cart"`
	}
	if r := node.Do("GET", "/session", nil, ck); json.Unmarshal(r.Body, &s) != nil || len(s.Cart) != 2 {
		t.Fatalf("after a visit to the demo, Express's session is %s", r.Body)
	}
}
