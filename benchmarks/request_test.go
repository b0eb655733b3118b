package benchmarks

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	scsredisstore "github.com/alexedwards/scs/redisstore"
	"github.com/alexedwards/scs/v2"
	"github.com/gomodule/redigo/redis"

	"github.com/sessionkit/sessionkit/codec"
	"github.com/sessionkit/sessionkit/internal/redistest"
	"github.com/sessionkit/sessionkit/manager"
	"github.com/sessionkit/sessionkit/store/redisstore"
	"github.com/sessionkit/sessionkit/typed"
)

// sessionsPerVariant is how many sessions the parallel request loops share
// out: one per goroutine, so requests within a session stay sequential.
const sessionsPerVariant = 64

// parallelism × GOMAXPROCS goroutines issue requests, as a load generator's
// connections would.
const parallelism = 8

// floorBlob is what the floor writes: a fixed blob the size of a small
// msgpack session.
var floorBlob = make([]byte, 186)

// discardWriter is a ResponseWriter that keeps nothing but its header map,
// cleared before each request, so every variant pays the same.
type discardWriter struct{ h http.Header }

func (w *discardWriter) Header() http.Header         { return w.h }
func (w *discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (w *discardWriter) WriteHeader(int)             {}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	return b
}

// variant is one way of serving the read and write requests. Each route is
// its own handler behind the middleware, without a router: the floor has
// none, and routing is no session's work.
type variant struct {
	name   string
	seed   func(b *testing.B) []string
	read   http.Handler
	write  http.Handler
	cookie string
	// nocookie serves a request without a session cookie that uses no
	// session: a public page behind the session middleware.
	nocookie http.Handler
}

// okHandler is the handler behind the session middleware on the no-cookie
// route; the floor serves it bare.
var okHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "ok") })

// sent counts the commands every benchmark pool sends (newPool).
var sent struct {
	sync.Mutex
	counters []*redistest.Counter
}

// sentTotal is the number of commands sent through newPool's pools.
func sentTotal() int64 {
	sent.Lock()
	defer sent.Unlock()
	var n int64
	for _, c := range sent.counters {
		n += c.Total()
	}
	return n
}

func newPool(srv *redistest.Server) *redis.Pool {
	p := srv.Pool()
	p.MaxIdle, p.MaxActive = 64, 64
	sent.Lock()
	sent.counters = append(sent.counters, redistest.Count(p))
	sent.Unlock()
	return p
}

// seedThrough runs n requests without a cookie through h, whose handler
// fills the small session, and returns the session tokens it set.
func seedThrough(b *testing.B, h http.Handler, cookie string, n int) []string {
	b.Helper()
	tokens := make([]string, n)
	for i := range tokens {
		w := &discardWriter{h: http.Header{}}
		req, _ := http.NewRequest("GET", "/seed", nil)
		h.ServeHTTP(w, req)
		for _, c := range (&http.Response{Header: w.h}).Cookies() {
			if c.Name == cookie {
				tokens[i] = c.Value
			}
		}
		if tokens[i] == "" {
			b.Fatalf("seeding set no %s cookie", cookie)
		}
	}
	return tokens
}

func floorVariant(pool *redis.Pool) variant {
	// handler does what any Redis-backed session must: GET the cookie's
	// key, and for a write SET a fixed blob back.
	handler := func(write bool) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			c, _ := r.Cookie("session")
			conn, err := pool.GetContext(r.Context())
			if err != nil {
				panic(err)
			}
			defer conn.Close()
			key := "floor:" + c.Value
			if _, err := redis.Bytes(redis.DoContext(conn, r.Context(), "GET", key)); err != nil {
				panic(err)
			}
			if write {
				if _, err := redis.DoContext(conn, r.Context(), "SET", key, floorBlob, "PX", int64(time.Hour/time.Millisecond)); err != nil {
					panic(err)
				}
			}
			fmt.Fprint(w, "ok")
		})
	}
	read, write := handler(false), handler(true)
	return variant{
		name: "floor", read: read, write: write, cookie: "session", nocookie: okHandler,
		seed: func(b *testing.B) []string {
			conn := pool.Get()
			defer conn.Close()
			tokens := make([]string, sessionsPerVariant)
			for i := range tokens {
				// A session token as scs and sessionkit make them: 32
				// random bytes, base64url (43 characters).
				tokens[i] = base64.RawURLEncoding.EncodeToString(randomBytes(32))
				if _, err := conn.Do("SET", "floor:"+tokens[i], floorBlob, "PX", int64(time.Hour/time.Millisecond)); err != nil {
					b.Fatal(err)
				}
			}
			return tokens
		},
	}
}

func scsVariant(pool *redis.Pool, idle bool) variant {
	sm := scs.New() // scs defaults: gob codec
	sm.Store = scsredisstore.New(pool)
	if idle {
		sm.IdleTimeout = 30 * time.Minute
	}
	seed := sm.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for k, v := range smallSession() {
			sm.Put(r.Context(), k, v)
		}
	}))
	read := sm.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, ok := sm.Get(r.Context(), KeyUser).(User)
		if !ok {
			panic("no user")
		}
		fmt.Fprint(w, u.Name)
	}))
	write := sm.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sm.Put(r.Context(), KeyVisits, sm.GetInt(r.Context(), KeyVisits)+1)
		fmt.Fprint(w, "ok")
	}))
	return variant{name: "scs-gob-redisstore", read: read, write: write, cookie: "session", nocookie: sm.LoadAndSave(okHandler),
		seed: func(b *testing.B) []string { return seedThrough(b, seed, "session", sessionsPerVariant) }}
}

func sessionkitVariant(name string, c codec.Codec, pool *redis.Pool, idle bool) variant {
	cfg := manager.Config{Store: redisstore.New(pool), Codec: c}
	if idle {
		cfg.IdleTimeout = 30 * time.Minute
	}
	m := manager.New(cfg)
	seed := m.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for k, v := range smallSession() {
			if err := m.Put(r.Context(), k, v); err != nil {
				panic(err)
			}
		}
	}))
	read := m.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, err := typed.Get[User](r.Context(), KeyUser)
		if err != nil {
			panic(err)
		}
		fmt.Fprint(w, u.Name)
	}))
	write := m.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, err := typed.Get[int](r.Context(), KeyVisits)
		if err == nil {
			err = typed.Put(r.Context(), KeyVisits, n+1)
		}
		if err != nil {
			panic(err)
		}
		fmt.Fprint(w, "ok")
	}))
	return variant{name: name, read: read, write: write, cookie: m.CookieName(), nocookie: m.LoadAndSave(okHandler),
		seed: func(b *testing.B) []string { return seedThrough(b, seed, m.CookieName(), sessionsPerVariant) }}
}

// allVariants builds the four variants for op on pool.
func allVariants(pool *redis.Pool, op string) []variant {
	idle := op == "read-idle"
	return []variant{
		floorVariant(pool),
		scsVariant(pool, idle),
		sessionkitVariant("sessionkit-json", codec.JSON(), pool, idle),
		sessionkitVariant("sessionkit-msgpack", codec.Msgpack(), pool, idle),
	}
}

var ops = []string{"read", "write", "read-idle", "nocookie"}

// nocookiePath is the no-cookie route's path: its requests carry no cookie.
const nocookiePath = "/nocookie"

// handlerFor returns the path and handler serving op.
func (v variant) handlerFor(op string) (string, http.Handler) {
	switch op {
	case "write":
		return "/write", v.write
	case "nocookie":
		return nocookiePath, v.nocookie
	}
	return "/read", v.read
}

// redisCmdsPerOp reports the Redis commands per operation the pools sent
// since before (sentTotal): round trips' commands as the client sends
// them, so a script (EVALSHA) counts once, not once per command it runs
// inside Redis as INFO commandstats would count it.
func redisCmdsPerOp(b *testing.B, before int64) {
	b.ReportMetric(float64(sentTotal()-before)/float64(b.N), "redis-cmds/op")
}

// BenchmarkRequest serves whole HTTP requests end to end — a net/http
// server and keep-alive clients on loopback, as a load generator would
// drive it — through each variant against a private redis-server.
//
// A shared 2-core virtual machine's speed drifts by ±10% from one second to
// the next, more than the differences measured here. So each variant's
// requests run in bursts of [burst], and in every round the references —
// the floor and scs — serve a burst of the same size too, untimed but
// clocked, in a cycle of orders where each side follows each other
// equally often (interleave, roundOrders): every ratio (vs-floor, vs-scs)
// compares requests served in the same stretch of time. ns/op, B/op, allocs/op and redis-cmds/op are the
// variant's own bursts (allocations are the process's while they run).
func BenchmarkRequest(b *testing.B) {
	srv := redistest.Start(b, redistest.Options{})
	pool := newPool(srv)
	for _, op := range ops {
		var servers []*e2e
		for _, v := range allVariants(pool, op) {
			servers = append(servers, newE2E(v, op, v.seed(b)))
		}
		floor, scs := servers[0], servers[1]
		for _, e := range servers {
			b.Run(e.v.name+"/"+op, func(b *testing.B) {
				var refs []*e2e
				for _, r := range []*e2e{floor, scs} {
					if r != e {
						refs = append(refs, r)
					}
				}
				own, refTime, cmds := interleave(b, e, refs)
				b.ReportMetric(float64(cmds)/float64(b.N), "redis-cmds/op")
				for i, r := range refs {
					// Throughput relative to the reference's: its time
					// for as many requests over the same stretch, over ours.
					b.ReportMetric(float64(refTime[i])/float64(own), "vs-"+r.v.name)
				}
			})
		}
		for _, e := range servers {
			e.close()
		}
	}
}

// burst is how many requests one variant serves in BenchmarkRequest
// before the next takes over: some 25–80 ms here, short against the
// machine's drift, long against the burst's ramp up and down.
const burst = 384

// e2e is one variant's route served over loopback HTTP.
type e2e struct {
	v         variant
	url       string
	nocookie  bool
	tokens    []string
	ts        *httptest.Server
	transport *http.Transport
}

func newE2E(v variant, op string, tokens []string) *e2e {
	path, h := v.handlerFor(op)
	ts := httptest.NewServer(h)
	return &e2e{v: v, url: ts.URL + path, nocookie: path == nocookiePath, tokens: tokens, ts: ts,
		transport: &http.Transport{MaxIdleConnsPerHost: 256}}
}

func (e *e2e) close() { e.transport.CloseIdleConnections(); e.ts.Close() }

// get serves one request with the session tok.
func (e *e2e) get(client *http.Client, tok string) error {
	req, _ := http.NewRequest("GET", e.url, nil)
	if !e.nocookie {
		req.Header.Set("Cookie", e.v.cookie+"="+tok)
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: status %d", e.v.name, resp.StatusCode)
	}
	return nil
}

// serve serves n requests from parallelism × GOMAXPROCS goroutines, each
// owning one session, as RunParallel would, and returns how long they took.
func (e *e2e) serve(n int) (time.Duration, error) {
	var left atomic.Int64
	left.Store(int64(n))
	var wg sync.WaitGroup
	errs := make(chan error, 1)
	start := time.Now()
	for i := range parallelism * runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			client := &http.Client{Transport: e.transport}
			tok := e.tokens[i%len(e.tokens)]
			for left.Add(-1) >= 0 {
				if err := e.get(client, tok); err != nil {
					select {
					case errs <- err:
					default:
					}
					left.Store(0)
					return
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	select {
	case err := <-errs:
		return 0, err
	default:
		return elapsed, nil
	}
}

// interleave serves b.N requests of e in bursts, timed, and as many of
// each reference in bursts between them, untimed: e's own time, each
// reference's, and the Redis commands e's bursts sent. The rounds follow
// a cycle of orders (roundOrders) in which, across round boundaries too,
// each side directly follows each other side equally often and never
// itself, and takes each position equally often: the garbage one side
// leaves for the next to collect, and the caches it warms, favour none.
// The run is cut into whole cycles.
func interleave(b *testing.B, e *e2e, refs []*e2e) (own time.Duration, refTime []time.Duration, cmds int64) {
	refTime = make([]time.Duration, len(refs))
	sides := append([]*e2e{e}, refs...)
	orders := roundOrders(len(sides))
	rounds := len(orders) * ((b.N + burst*len(orders) - 1) / (burst * len(orders)))
	per := (b.N + rounds - 1) / rounds
	b.ReportAllocs()
	b.ResetTimer()
	b.StopTimer()
	for done, round := 0, 0; done < b.N; round++ {
		n := min(per, b.N-done)
		for _, i := range orders[round%len(orders)] {
			if i > 0 {
				d, err := sides[i].serve(n)
				if err != nil {
					b.Fatal(err)
				}
				refTime[i-1] += d
				continue
			}
			before := sentTotal()
			b.StartTimer()
			d, err := e.serve(n)
			b.StopTimer()
			if err != nil {
				b.Fatal(err)
			}
			cmds += sentTotal() - before
			own += d
		}
		done += n
	}
	return own, refTime, cmds
}

// roundOrders is interleave's cycle of burst orders for n sides (2 or 3;
// side 0 is the variant measured): read one after another, each ordered
// pair of different sides is adjacent equally often (three times per
// cycle of three sides, wrapping around), no side follows itself, and
// each side takes each position equally often.
func roundOrders(n int) [][]int {
	if n == 2 {
		return [][]int{{0, 1}}
	}
	return [][]int{{2, 1, 0}, {1, 2, 0}, {2, 0, 1}, {0, 1, 2}, {1, 0, 2}, {0, 2, 1}}
}

// BenchmarkHandler calls each variant's handler directly, in process, from
// parallel goroutines, each owning one session, against a private
// redis-server: the library's own cost without HTTP's, so the gaps between
// variants look larger here than end to end.
func BenchmarkHandler(b *testing.B) {
	srv := redistest.Start(b, redistest.Options{})
	pool := newPool(srv)
	for _, op := range ops {
		for _, v := range allVariants(pool, op) {
			tokens := v.seed(b)
			path, h := v.handlerFor(op)
			b.Run(v.name+"/"+op, func(b *testing.B) {
				var next atomic.Int64
				b.ReportAllocs()
				b.SetParallelism(parallelism)
				before := sentTotal()
				b.ResetTimer()
				b.RunParallel(func(pb *testing.PB) {
					tok := tokens[int(next.Add(1)-1)%len(tokens)]
					// Cancellable, like a net/http server's request context.
					ctx, cancel := context.WithCancel(context.Background())
					defer cancel()
					req, _ := http.NewRequestWithContext(ctx, "GET", path, nil)
					if path != nocookiePath {
						req.Header.Set("Cookie", v.cookie+"="+tok)
					}
					w := &discardWriter{h: http.Header{}}
					for pb.Next() {
						clear(w.h)
						h.ServeHTTP(w, req)
					}
				})
				b.StopTimer()
				redisCmdsPerOp(b, before)
			})
		}
	}
}
