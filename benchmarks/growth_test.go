package benchmarks

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gomodule/redigo/redis"

	"github.com/sessionkit/sessionkit/herokuurl"
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

// growthTopology is one Redis deployment BenchmarkGrowth runs against.
type growthTopology struct {
	name  string
	start func(b *testing.B) (url string, calls func(b *testing.B) int64)
}

// growthTopologies: one redis-server, and a Redis Cluster of three masters
// (each with a replica, as a production cluster has) built once per run —
// cluster create takes seconds. calls counts what the masters received.
var growthTopologies = []growthTopology{
	{"single", func(b *testing.B) (string, func(*testing.B) int64) {
		srv := redistest.Start(b, redistest.Options{})
		return "redis://" + srv.Addr(), func(b *testing.B) int64 { return serverCalls(b, srv) }
	}},
	{"cluster", func(b *testing.B) (string, func(*testing.B) int64) {
		c := redistest.StartCluster(b, redistest.ClusterOptions{})
		return "redis://" + c.Nodes[0].Addr(), func(b *testing.B) int64 { return serverCalls(b, c.Masters()...) }
	}},
}

// serverCalls sums, over servers, the commands INFO commandstats counts:
// those executed (a script's inner GET and SET included) and those
// refused before running — a MOVED or ASK redirection is one. It leaves
// out what the measuring itself sends (INFO, and the PING and ROLE with
// which redistest finds the masters) and what replicas send (REPLCONF).
// redisc's layout refreshes (CLUSTER SLOTS) count: a cost of the cluster.
func serverCalls(b *testing.B, servers ...*redistest.Server) int64 {
	var n int64
	for _, s := range servers {
		info, err := redis.String(s.Do("INFO", "commandstats"), nil)
		if err != nil {
			b.Fatal(err)
		}
		for _, line := range strings.Split(info, "\n") {
			name, fields, ok := strings.Cut(strings.TrimSpace(line), ":")
			name, isStat := strings.CutPrefix(name, "cmdstat_")
			if !ok || !isStat {
				continue
			}
			switch name {
			case "info", "ping", "role", "replconf":
				continue
			}
			for _, f := range strings.Split(fields, ",") {
				k, v, _ := strings.Cut(f, "=")
				if k == "calls" || k == "rejected_calls" {
					c, err := strconv.ParseInt(v, 10, 64)
					if err != nil {
						b.Fatalf("INFO commandstats: %q: %v", line, err)
					}
					n += c
				}
			}
		}
	}
	return n
}

// countedPools is a herokuurl.Connect option: every pool it makes (one for
// a single node, one per master for a cluster) counts the commands sent
// through it in sentTotal, and holds up to 256 connections, one per client.
func countedPools(p *redis.Pool) {
	dial := p.DialContext
	p.DialContext = nil // redistest.Count wraps Dial
	p.Dial = func() (redis.Conn, error) { return dial(context.Background()) }
	p.MaxIdle, p.MaxActive = 256, 256
	c := redistest.Count(p)
	sent.Lock()
	sent.counters = append(sent.counters, c)
	sent.Unlock()
}

// BenchmarkGrowth: how a sessionkit (msgpack, redisstore) request's cost
// grows with the session's size, the number of concurrent clients and the
// Redis topology, end to end over loopback HTTP. Redis is reached as a
// user would reach it, through herokuurl.Connect on a REDIS_URL naming one
// node: a *redis.Pool for the single server, a *redisc.Cluster for the
// cluster. ns/op is wall time per request (its inverse, req/s, is reported
// too); redis-cmds/op are the commands the client sent per request, over
// every node's pool; redis-calls/op what the masters counted per request
// (INFO commandstats: executed, a script's inner GET and SET included, or
// refused with a redirection), the same on both topologies unless the
// client is redirected.
func BenchmarkGrowth(b *testing.B) {
	for _, topo := range growthTopologies {
		url, calls := topo.start(b)
		cfg, err := herokuurl.Parse(url)
		if err != nil {
			b.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		client, err := cfg.Connect(ctx, countedPools)
		cancel()
		if err != nil {
			b.Fatal(err)
		}
		growthOn(b, topo.name, client, calls)
		client.Close()
	}
}

// growthOn runs BenchmarkGrowth's size × op × clients matrix on one
// topology.
func growthOn(b *testing.B, topo string, conns redisstore.Conns, calls func(*testing.B) int64) {
	m := manager.New(manager.Config{Store: redisstore.New(conns)})
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
			// The first write loads the commit script on each master.
			for i := range clients {
				if _, err := get(clients[i], "/"+op, tokens[i]); err != nil {
					b.Fatalf("warm-up: %v", err)
				}
			}
			for _, n := range growthClients {
				b.Run(fmt.Sprintf("redis=%s/size=%s/op=%s/clients=%d", topo, size.name, op, n), func(b *testing.B) {
					var next atomic.Int64
					var failed atomic.Value
					var wg sync.WaitGroup
					before, callsBefore := sentTotal(), calls(b)
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
					// calls itself sends INFO (and PING and ROLE) to each node, left out.
					b.ReportMetric(float64(calls(b)-callsBefore)/float64(b.N), "redis-calls/op")
				})
			}
		}
		for _, c := range clients {
			c.CloseIdleConnections()
		}
	}
}
