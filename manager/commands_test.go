package manager_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gomodule/redigo/redis"

	"github.com/sessionkit/sessionkit/internal/counterapp"
	"github.com/sessionkit/sessionkit/internal/redistest"
	"github.com/sessionkit/sessionkit/internal/webtest"
	"github.com/sessionkit/sessionkit/manager"
	"github.com/sessionkit/sessionkit/store/redisstore"
)

// counterApp is counterapp.Handler behind m.
func counterApp(m *manager.Manager) http.Handler { return m.LoadAndSave(counterapp.Handler()) }

// TestRedisCommandsPerRequest counts, with INFO commandstats on the test's
// own redis-server, what each kind of request sends to Redis.
func TestRedisCommandsPerRequest(t *testing.T) {
	rs := redistest.Start(t, redistest.Options{})
	m := manager.New(manager.Config{Store: redisstore.New(rs.Pool())})
	srv := httptest.NewServer(counterApp(m))
	defer srv.Close()
	client := webtest.Client(t)

	expect := func(name string, want map[string]int64, do func()) {
		t.Helper()
		got := rs.Calls(do)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s: Redis saw %v, want %v", name, got, want)
		}
	}
	var first webtest.Response
	expect("first write, no cookie", map[string]int64{"set": 1}, func() { first = webtest.Get(t, client, srv.URL+"/write") })
	ck := first.SetCookie("session")
	if ck == nil {
		t.Fatal("first write set no cookie")
	}
	token := ck.Value
	expect("read-only", map[string]int64{"get": 1}, func() {
		if r := webtest.Get(t, client, srv.URL+"/read"); r.Body != "1" {
			t.Errorf("read: %d %s", r.Status, r.Body)
		}
	})
	// A write is GET and one EVALSHA (the conditional commit: its script
	// runs a GET and a SET inside Redis, which Redis counts too). The
	// first one after the server started also sends EVAL, once.
	webtest.Get(t, client, srv.URL+"/write")
	expect("write", map[string]int64{"evalsha": 1, "get": 2, "set": 1}, func() { webtest.Get(t, client, srv.URL+"/write") })
	expect("no cookie", map[string]int64{}, func() { webtest.Get(t, webtest.Client(t), srv.URL+"/read") })

	for _, cookie := range []string{
		"session=garbage",
		"session=" + token + "A",                  // 44 characters
		"session=" + token[:42] + "!",             // outside base64url
		"session=" + strings.Repeat("A", 200),     // oversize
		"session=" + token + "; session=" + token, // several session cookies
		"session=" + token[:42] + "B",             // stray bits in the last character
	} {
		expect("malformed cookie "+cookie[:min(len(cookie), 20)], map[string]int64{}, func() {
			req, _ := http.NewRequest("GET", srv.URL+"/read", nil)
			req.Header.Set("Cookie", cookie)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != 404 {
				t.Errorf("malformed cookie got status %d, want a fresh session (404 from /read)", resp.StatusCode)
			}
		})
	}
	// The store holds sha256(token), never the token.
	keys, _ := redis.Strings(rs.Do("KEYS", "*"), nil)
	if len(keys) != 1 || strings.Contains(keys[0], token) {
		t.Errorf("Redis keys %v: want one key, without the raw token", keys)
	}
}

// TestIdleTimeoutWithoutRewrites: with an IdleTimeout, unchanged requests
// send no SET; the expiry is extended by PEXPIRE at most once per refresh
// window; a session idle past the timeout is gone.
func TestIdleTimeoutWithoutRewrites(t *testing.T) {
	rs := redistest.Start(t, redistest.Options{})
	const idle = 400 * time.Millisecond
	m := manager.New(manager.Config{Store: redisstore.New(rs.Pool()), IdleTimeout: idle, IdleRefresh: 0.25})
	srv := httptest.NewServer(counterApp(m))
	defer srv.Close()
	client := webtest.Client(t)
	webtest.Get(t, client, srv.URL+"/write")

	// Many reads within one refresh window: GETs only.
	calls := rs.Calls(func() {
		for i := 0; i < 20; i++ {
			webtest.Get(t, client, srv.URL+"/read")
		}
	})
	if calls["set"] != 0 || calls["get"] != 20 || calls["pexpire"] > 1 {
		t.Errorf("20 quick reads sent %v: want 20 GET, no SET, at most one PEXPIRE", calls)
	}

	// Reads spread over 3× the idle timeout keep the session alive, by PEXPIRE.
	calls = rs.Calls(func() {
		for end := time.Now().Add(3 * idle); time.Now().Before(end); time.Sleep(idle / 8) {
			if r := webtest.Get(t, client, srv.URL+"/read"); r.Status != 200 {
				t.Fatalf("session ended while in use: %d %s", r.Status, r.Body)
			}
		}
	})
	if calls["set"] != 0 || calls["pexpire"] == 0 {
		t.Errorf("reads over 3 idle periods sent %v: want PEXPIREs and no SET", calls)
	}

	// Idle past the timeout: the session is gone, from Redis too. EXISTS,
	// unlike DBSIZE, expires a key that is past its TTL.
	keys, _ := redis.Strings(rs.Do("KEYS", "*"), nil)
	if len(keys) != 1 {
		t.Fatalf("Redis holds %v, want the one session", keys)
	}
	time.Sleep(idle + idle/2)
	if n, _ := redis.Int(rs.Do("EXISTS", keys[0]), nil); n != 0 {
		t.Error("the session is still in Redis after the idle timeout")
	}
	if r := webtest.Get(t, client, srv.URL+"/read"); r.Status != 404 {
		t.Errorf("read after idle timeout: %d %s, want 404 (fresh session)", r.Status, r.Body)
	}
}

// TestIdleReadCommandsAverage: many sessions each read many times inside a
// refresh window average at most 1.1 commands per request.
func TestIdleReadCommandsAverage(t *testing.T) {
	rs := redistest.Start(t, redistest.Options{})
	m := manager.New(manager.Config{Store: redisstore.New(rs.Pool()), IdleTimeout: time.Hour})
	srv := httptest.NewServer(counterApp(m))
	defer srv.Close()
	var clients []*http.Client
	for i := 0; i < 10; i++ {
		c := webtest.Client(t)
		webtest.Get(t, c, srv.URL+"/write")
		clients = append(clients, c)
	}
	const rounds = 20
	calls := rs.Calls(func() {
		for i := 0; i < rounds; i++ {
			for _, c := range clients {
				webtest.Get(t, c, srv.URL+"/read")
			}
		}
	})
	perRequest := float64(redistest.Total(calls)) / float64(rounds*len(clients))
	if perRequest > 1.1 || calls["set"] != 0 {
		t.Errorf("read-only requests with IdleTimeout: %.2f commands each (%v), want ≤ 1.1 and no SET", perRequest, calls)
	}
}
