package benchmarks

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sessionkit/sessionkit/internal/redistest"
	"github.com/sessionkit/sessionkit/manager"
	"github.com/sessionkit/sessionkit/store/redisstore"
	"github.com/sessionkit/sessionkit/typed"
)

// growthSizes are the encoded session sizes BenchmarkGrowth runs with: the
// small session, padded with a note to about 4 KB and 64 KB.
var growthSizes = []struct {
	name string
	pad  int
}{{"200B", 0}, {"4KB", 4096 - 160}, {"64KB", 65536 - 160}}

// growthClients are the concurrent keep-alive clients, one session each.
var growthClients = []int{1, 4, 16, 64, 256}

// BenchmarkGrowth: how a sessionkit (msgpack, redisstore) request's cost
// grows with the session's size and the number of concurrent clients, end
// to end over loopback HTTP against a private redis-server. ns/op is wall
// time per request (its inverse, req/s, is reported too); redis-cmds/op
// are the commands the pool sent per request.
func BenchmarkGrowth(b *testing.B) {
	srv := redistest.Start(b, redistest.Options{})
	pool := newPool(srv)
	pool.MaxIdle, pool.MaxActive = 256, 256
	m := manager.New(manager.Config{Store: redisstore.New(pool)})
	var pad atomic.Int64
	mux := http.NewServeMux()
	mux.HandleFunc("/seed", func(w http.ResponseWriter, r *http.Request) {
		for k, v := range smallSession() {
			if err := m.Put(r.Context(), k, v); err != nil {
				panic(err)
			}
		}
		if n := pad.Load(); n > 0 {
			if err := m.Put(r.Context(), "notes", strings.Repeat("n", int(n))); err != nil {
				panic(err)
			}
		}
	})
	mux.HandleFunc("/read", func(w http.ResponseWriter, r *http.Request) {
		u, err := typed.Get[User](r.Context(), KeyUser)
		if err != nil {
			panic(err)
		}
		fmt.Fprint(w, u.Name)
	})
	mux.HandleFunc("/write", func(w http.ResponseWriter, r *http.Request) {
		n, err := typed.Get[int](r.Context(), KeyVisits)
		if err == nil {
			err = typed.Put(r.Context(), KeyVisits, n+1)
		}
		if err != nil {
			panic(err)
		}
		fmt.Fprint(w, "ok")
	})
	ts := httptest.NewServer(m.LoadAndSave(mux))
	defer ts.Close()
	get := func(c *http.Client, path, token string) (string, error) {
		req, _ := http.NewRequest("GET", ts.URL+path, nil)
		if token != "" {
			req.Header.Set("Cookie", "session="+token)
		}
		resp, err := c.Do(req)
		if err != nil {
			return "", err
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			return "", fmt.Errorf("%s: status %d", path, resp.StatusCode)
		}
		for _, ck := range resp.Cookies() {
			if ck.Name == "session" {
				return ck.Value, nil
			}
		}
		return token, nil
	}
	for _, size := range growthSizes {
		pad.Store(int64(size.pad))
		clients := make([]*http.Client, growthClients[len(growthClients)-1])
		tokens := make([]string, len(clients))
		for i := range clients {
			clients[i] = &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxConnsPerHost: 1, MaxIdleConnsPerHost: 1}}
			tok, err := get(clients[i], "/seed", "")
			if err != nil || tok == "" {
				b.Fatalf("seed: %v", err)
			}
			tokens[i] = tok
		}
		for _, op := range []string{"read", "write"} {
			for _, n := range growthClients {
				b.Run(fmt.Sprintf("%s/%s/clients=%d", size.name, op, n), func(b *testing.B) {
					var next atomic.Int64
					var failed atomic.Value
					var wg sync.WaitGroup
					before := sentTotal()
					start := time.Now()
					b.ResetTimer()
					for i := 0; i < n; i++ {
						wg.Add(1)
						go func(c *http.Client, token string) {
							defer wg.Done()
							for next.Add(1) <= int64(b.N) {
								if _, err := get(c, "/"+op, token); err != nil {
									failed.Store(err)
									return
								}
							}
						}(clients[i], tokens[i])
					}
					wg.Wait()
					b.StopTimer()
					if err, _ := failed.Load().(error); err != nil {
						b.Fatal(err)
					}
					b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "req/s")
					redisCmdsPerOp(b, before)
				})
			}
		}
		for _, c := range clients {
			c.CloseIdleConnections()
		}
	}
}
