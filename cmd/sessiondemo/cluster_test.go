package main_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/gomodule/redigo/redis"

	"github.com/sessionkit/sessionkit/internal/demotest"
	"github.com/sessionkit/sessionkit/internal/redistest"
	"github.com/sessionkit/sessionkit/internal/webtest"
)

// TestRedisURLNamingOneClusterNode: REDIS_URL names one node of a
// 3-master cluster; the demo finds the cluster itself, signs users in
// whose sessions land on every master, and keeps them signed in across a
// restart; so does the demo in Express mode.
func TestRedisURLNamingOneClusterNode(t *testing.T) {
	bin := demotest.Build(t, "../..")
	c := redistest.StartCluster(t, redistest.ClusterOptions{})
	demo := demotest.Start(t, bin, "REDIS_URL=redis://"+c.Nodes[3].Addr())

	const users = 12 // with one slot per session, enough to reach every master
	clients := make([]*http.Client, users)
	for i := range clients {
		clients[i] = webtest.Client(t)
		name := fmt.Sprintf("Ada%d", i)
		if r := webtest.PostForm(t, clients[i], demo.URL+"/signin", url.Values{"name": {name}}); r.Status != 303 {
			t.Fatalf("sign-in of %s: %d %s\nserver output:\n%s", name, r.Status, r.Body, demo.Output())
		}
	}
	for _, m := range c.Masters() {
		if n, _ := redis.Int(m.Do("DBSIZE"), nil); n == 0 {
			t.Errorf("master %s holds no session: the demo did not route by slot", m.Addr())
		}
	}
	demo.Restart()
	for i, client := range clients {
		want := fmt.Sprintf("Hello, Ada%d!", i)
		if home := webtest.Get(t, client, demo.URL+"/"); !strings.Contains(home.Body, want) {
			t.Fatalf("after restart, page lacks %q:\n%s\nserver output:\n%s", want, home.Body, demo.Output())
		}
	}
	// Express mode on the same cluster: connect-redis's sess:<sid> keys,
	// one slot each, on every master.
	express := demotest.Start(t, bin, "SESSION_COMPAT=express", "SESSION_SECRET=current",
		"REDIS_URL=redis://"+c.Nodes[1].Addr(), "SESSION_MAX_AGE=3600000")
	for i := range clients {
		clients[i] = webtest.Client(t)
		name := fmt.Sprintf("Grace%d", i)
		if r := webtest.PostForm(t, clients[i], express.URL+"/signin", url.Values{"name": {name}}); r.Status != 303 {
			t.Fatalf("Express mode sign-in of %s: %d %s\nserver output:\n%s", name, r.Status, r.Body, express.Output())
		}
	}
	for _, m := range c.Masters() {
		if keys, _ := redis.Strings(m.Do("KEYS", "sess:*"), nil); len(keys) == 0 {
			t.Errorf("master %s holds no Express session", m.Addr())
		}
	}
	express.Restart()
	for i, client := range clients {
		want := fmt.Sprintf("Hello, Grace%d!", i)
		if home := webtest.Get(t, client, express.URL+"/"); !strings.Contains(home.Body, want) {
			t.Fatalf("Express mode, after restart, page lacks %q:\n%s\nserver output:\n%s", want, home.Body, express.Output())
		}
	}
}
