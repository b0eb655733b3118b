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

// TestIdleTimeoutWithoutRewrites: with an IdleTimeout, a read-only request
// is one Redis command (one EVALSHA that reads the session and extends its
// expiry only when a refresh window has passed), shared by every process
// on the store; the extension re-sends the cookie; a session idle past the
// timeout is gone.
func TestIdleTimeoutWithoutRewrites(t *testing.T) {
	rs := redistest.Start(t, redistest.Options{})
	const idle = time.Second
	cfg := manager.Config{Store: redisstore.New(rs.Pool()), IdleTimeout: idle, IdleRefresh: 0.25}
	// Two managers on one Redis: two processes of one app.
	srvA := httptest.NewServer(counterApp(manager.New(cfg)))
	defer srvA.Close()
	srvB := httptest.NewServer(counterApp(manager.New(cfg)))
	defer srvB.Close()
	client := webtest.Client(t)
	webtest.Get(t, client, srvA.URL+"/write")
	webtest.Get(t, client, srvA.URL+"/read") // loads the script into Redis

	// Many reads within one refresh window, alternating between the two
	// processes: one command each, and at most one extension in all.
	var stats map[string]int64
	start := time.Now()
	calls := rs.ClientCalls(func() {
		stats = rs.Calls(func() {
			for i := 0; i < 20; i++ {
				srv := srvA
				if i%2 == 1 {
					srv = srvB
				}
				if r := webtest.Get(t, client, srv.URL+"/read"); r.Status != 200 {
					t.Fatalf("read %d: %d %s", i, r.Status, r.Body)
				}
			}
		})
	})
	// One extension per refresh window at most: on a loaded machine the
	// 20 reads may span more than one window.
	windows := 1 + int64(time.Since(start)/(idle/4))
	t.Logf("client calls %v, in Redis %v, over %d refresh windows", calls, stats, windows)
	delete(calls, "info") // Calls's own, around the reads
	if fmt.Sprint(calls) != fmt.Sprint(map[string]int64{"evalsha": 20}) {
		t.Errorf("20 quick reads sent %v: want 20 EVALSHA and nothing else", calls)
	}
	if stats["set"] != 0 || stats["pexpire"] > windows {
		t.Errorf("20 quick reads ran %v in Redis over %d refresh windows: want no SET, at most one PEXPIRE per window", stats, windows)
	}

	// Reads spread over 3× the idle timeout keep the session alive, by
	// PEXPIREs inside the script, each announced to the browser.
	cookies := 0
	calls = rs.Calls(func() {
		for end := time.Now().Add(3 * idle); time.Now().Before(end); time.Sleep(idle / 16) {
			r := webtest.Get(t, client, srvA.URL+"/read")
			if r.Status != 200 {
				t.Fatalf("session ended while in use: %d %s", r.Status, r.Body)
			}
			if ck := r.SetCookie("session"); ck != nil {
				cookies++
				if ck.MaxAge <= 0 || ck.MaxAge > int(idle.Seconds())+1 {
					t.Errorf("extension cookie Max-Age %d, want within the idle timeout", ck.MaxAge)
				}
			}
		}
	})
	if calls["set"] != 0 || calls["pexpire"] == 0 || int64(cookies) != calls["pexpire"] {
		t.Errorf("reads over 3 idle periods ran %v and sent %d cookies: want PEXPIREs, as many cookies, no SET", calls, cookies)
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
	if r := webtest.Get(t, client, srvB.URL+"/read"); r.Status != 404 {
		t.Errorf("read after idle timeout: %d %s, want 404 (fresh session)", r.Status, r.Body)
	}
}

// TestIdleTimeoutKeepsLifetime: extensions made as sessions are read do
// not carry a session past its Lifetime: the first read after it gets a
// fresh session, the stored one is deleted, and no cookie outlives it.
func TestIdleTimeoutKeepsLifetime(t *testing.T) {
	rs := redistest.Start(t, redistest.Options{})
	const lifetime, idle = 1500 * time.Millisecond, time.Second
	m := manager.New(manager.Config{Store: redisstore.New(rs.Pool()), Lifetime: lifetime, IdleTimeout: idle, IdleRefresh: 0.25})
	srv := httptest.NewServer(counterApp(m))
	defer srv.Close()
	client := webtest.Client(t)
	start := time.Now()
	webtest.Get(t, client, srv.URL+"/write")
	deadline := start.Add(lifetime)
	for time.Now().Before(deadline.Add(-idle / 4)) {
		r := webtest.Get(t, client, srv.URL+"/read")
		if r.Status != 200 {
			t.Fatalf("session ended before its Lifetime: %d %s", r.Status, r.Body)
		}
		if ck := r.SetCookie("session"); ck != nil && ck.Expires.After(deadline.Add(2*time.Second)) {
			t.Errorf("cookie expires %v, after the session's deadline %v", ck.Expires, deadline)
		}
		time.Sleep(idle / 8)
	}
	time.Sleep(time.Until(deadline) + 50*time.Millisecond)
	if r := webtest.Get(t, client, srv.URL+"/read"); r.Status != 404 {
		t.Errorf("read after the Lifetime: %d %s, want 404 (fresh session)", r.Status, r.Body)
	}
	if keys, _ := redis.Strings(rs.Do("KEYS", "*"), nil); len(keys) != 0 {
		t.Errorf("Redis still holds %v after the session's Lifetime", keys)
	}
}

// TestIdleReadCommandsAverage: many sessions each read many times inside a
// refresh window cost exactly one command per request.
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
	webtest.Get(t, clients[0], srv.URL+"/read") // loads the script
	const rounds = 20
	calls := rs.ClientCalls(func() {
		for i := 0; i < rounds; i++ {
			for _, c := range clients {
				webtest.Get(t, c, srv.URL+"/read")
			}
		}
	})
	if want := map[string]int64{"evalsha": rounds * 10}; fmt.Sprint(calls) != fmt.Sprint(want) {
		t.Errorf("read-only requests with IdleTimeout sent %v, want %v: one command each", calls, want)
	}
}
