package manager_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gomodule/redigo/redis"

	"github.com/sessionkit/sessionkit/herokuurl"
	"github.com/sessionkit/sessionkit/internal/redistest"
	"github.com/sessionkit/sessionkit/internal/webtest"
	"github.com/sessionkit/sessionkit/manager"
	"github.com/sessionkit/sessionkit/store/redisstore"
)

// outageApp is counterApp behind the manager plus /static outside it, as
// an app would mount health checks and assets.
func outageApp(m *manager.Manager) http.Handler {
	root := http.NewServeMux()
	root.HandleFunc("/static", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "static") })
	root.Handle("/", counterApp(m))
	return root
}

// TestRedisOutage kills redis-server under concurrent load and brings it
// back on the same port: session requests get 503 meanwhile, others keep
// working, nothing panics or piles up, service returns within a second of
// the restart, and every session committed before the kill is still there.
func TestRedisOutage(t *testing.T) {
	const password = "outage-Secret-pw"
	rs := redistest.Start(t, redistest.Options{AppendOnly: true, Password: password})
	cfg, err := herokuurl.Parse(rs.URL())
	if err != nil {
		t.Fatal(err)
	}
	pool := cfg.Pool(func(p *redis.Pool) { p.MaxActive = 16 })
	defer pool.Close()
	var logs webtest.SyncBuffer
	m := manager.New(manager.Config{Store: redisstore.New(pool), Logger: logs.Logger()})
	srv := httptest.NewServer(outageApp(m))
	defer srv.Close()

	const sessions = 20
	tokens := make([]string, sessions)
	acked := make([]atomic.Int64, sessions) // writes answered 200
	for i := range tokens {
		_, _, tokens[i] = get(t, srv.URL+"/write", "")
		acked[i].Store(1)
	}
	baseGoroutines := runtime.NumGoroutine()

	var (
		phase           atomic.Int32 // 0 up, 1 down, 2 back
		stop            = make(chan struct{})
		wg              sync.WaitGroup
		mu              sync.Mutex
		unexpected      []string
		downOK, down503 atomic.Int64
		maxGoroutines   atomic.Int64
	)
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	for g := 0; g < sessions; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 5000; i++ {
				select {
				case <-stop:
					return
				default:
				}
				path := []string{"/read", "/write", "/static"}[i%3]
				req, _ := http.NewRequest("GET", srv.URL+path, nil)
				req.Header.Set("Cookie", "session="+tokens[g])
				p := phase.Load()
				resp, err := client.Do(req)
				if err != nil {
					mu.Lock()
					unexpected = append(unexpected, err.Error())
					mu.Unlock()
					return
				}
				resp.Body.Close()
				switch {
				case resp.StatusCode == 200:
					if path == "/write" {
						acked[g].Add(1)
					}
					if p == 1 && path != "/static" {
						downOK.Add(1)
					}
				case resp.StatusCode == 503 && path != "/static":
					if p == 1 {
						down503.Add(1)
					}
				default:
					mu.Lock()
					unexpected = append(unexpected, fmt.Sprintf("%s in phase %d: %d", path, p, resp.StatusCode))
					mu.Unlock()
				}
				if n := int64(runtime.NumGoroutine()); n > maxGoroutines.Load() {
					maxGoroutines.Store(n)
				}
				time.Sleep(time.Millisecond)
			}
		}()
	}

	time.Sleep(200 * time.Millisecond)
	rs.Kill()
	phase.Store(1)
	time.Sleep(500 * time.Millisecond)
	// During the outage: sessions fail cleanly, the rest works.
	if status, body, _ := get(t, srv.URL+"/read", tokens[0]); status != 503 {
		t.Errorf("session request during the outage: %d %q, want 503", status, body)
	}
	if status, _, _ := get(t, srv.URL+"/static", tokens[0]); status != 200 {
		t.Errorf("request outside the session middleware during the outage: %d", status)
	}

	rs.Restart()
	phase.Store(2)
	restarted := time.Now()
	recovered := time.Duration(-1)
	for time.Since(restarted) < 5*time.Second {
		if status, _, _ := get(t, srv.URL+"/read", tokens[0]); status == 200 {
			recovered = time.Since(restarted)
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond)
	close(stop)
	wg.Wait()

	if recovered < 0 || recovered > time.Second {
		t.Errorf("service recovered %v after redis-server came back, want ≤ 1s", recovered)
	}
	t.Logf("recovered %v after restart; between kill and restart %d session requests got 503, %d got 200 (finishing after the restart); goroutines peaked at %d (%d before)",
		recovered, down503.Load(), downOK.Load(), maxGoroutines.Load(), baseGoroutines)
	if down503.Load() == 0 {
		t.Error("no request saw the outage: the test did not test it")
	}
	for _, u := range unexpected {
		t.Error("unexpected:", u)
	}
	// Each client has one request in flight, worth a handful of goroutines
	// (client, transport, server connection, redigo's context watcher); a
	// pile-up would be requests stuck waiting, thousands of them.
	if max := maxGoroutines.Load(); max > int64(baseGoroutines)+8*sessions+50 {
		t.Errorf("goroutines piled up: peaked at %d, %d before the load", max, baseGoroutines)
	}
	// Every session committed before (and after) the kill is readable, with
	// at least every acknowledged write (a write Redis applied just as it
	// died may have gone unacknowledged).
	readable := 0
	for i, tok := range tokens {
		status, body, _ := get(t, srv.URL+"/read", tok)
		n, _ := strconv.Atoi(body)
		if status == 200 && int64(n) >= acked[i].Load() && int64(n) <= acked[i].Load()+1 {
			readable++
		} else {
			t.Errorf("session %d after the restart: %d %q, %d writes acknowledged", i, status, body, acked[i].Load())
		}
	}
	t.Logf("%d of %d sessions readable after the restart", readable, sessions)

	out := logs.String()
	if strings.Contains(out, password) {
		t.Error("the log contains the Redis password")
	}
	for _, tok := range tokens {
		if strings.Contains(out, tok) {
			t.Fatal("the log contains a raw session token")
		}
	}
	if !strings.Contains(out, "status=503") {
		t.Errorf("the 503s were not logged:\n%.2000s", out)
	}
}

// TestLoad: 50 clients × 2,000 requests, mixed reads and writes, each on
// its own session, requests within a session in order. No errors, and
// every counter ends at exactly its number of writes.
func TestLoad(t *testing.T) {
	rs := redistest.Start(t, redistest.Options{})
	pool := rs.Pool()
	var logs webtest.SyncBuffer
	m := manager.New(manager.Config{Store: redisstore.New(pool), Logger: logs.Logger()})
	h := counterApp(m)
	const clients, requests = 50, 2000
	defer func() {
		if t.Failed() {
			t.Logf("the manager's log:\n%.4000s", logs.String())
		}
	}()
	var wg sync.WaitGroup
	errs := make(chan error, clients)
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			token, writes := "", 0
			for i := 0; i < requests; i++ {
				path := "/read"
				if i == 0 || i%3 == 0 {
					path = "/write"
				}
				req := httptest.NewRequest("GET", path, nil)
				if token != "" {
					req.Header.Set("Cookie", "session="+token)
				}
				w := httptest.NewRecorder()
				h.ServeHTTP(w, req)
				if w.Code != 200 {
					errs <- fmt.Errorf("client %d request %d %s: %d %s", c, i, path, w.Code, w.Body)
					return
				}
				if path == "/write" {
					writes++
				}
				if got := w.Body.String(); got != strconv.Itoa(writes) {
					errs <- fmt.Errorf("client %d request %d: counter %s, want %d", c, i, got, writes)
					return
				}
				for _, ck := range w.Result().Cookies() {
					token = ck.Value
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
