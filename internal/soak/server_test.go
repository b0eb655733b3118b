package soak

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gomodule/redigo/redis"

	"github.com/sessionkit/sessionkit/internal/counterapp"
	"github.com/sessionkit/sessionkit/manager"
	"github.com/sessionkit/sessionkit/store/redisstore"
)

// serverEnv names the variable that turns the test binary into the soak
// server: it holds the Redis address.
const serverEnv = "SESSIONKIT_SOAK_REDIS"

// stats is what the server reports on /_soak/stats.
type stats struct {
	Commands map[string]int64 `json:"commands"` // sent to Redis, by name
	Heap     uint64           `json:"heap"`     // live heap after a GC, bytes
}

// serve runs the soak server: it prints its address on stdout and serves
// until stdin closes.
func serve(redisAddr string) int {
	counts := newCounter()
	pool := &redis.Pool{
		MaxIdle: 32, MaxActive: 64, Wait: true, IdleTimeout: time.Minute,
		Dial: func() (redis.Conn, error) {
			c, err := redis.Dial("tcp", redisAddr, redis.DialConnectTimeout(time.Second),
				redis.DialReadTimeout(5*time.Second), redis.DialWriteTimeout(5*time.Second))
			if err != nil {
				return nil, err
			}
			return countingConn{c, counts}, nil
		},
	}
	m := manager.New(manager.Config{Store: redisstore.New(pool), IdleTimeout: 20 * time.Minute})
	mux := http.NewServeMux()
	mux.Handle("/", m.LoadAndSave(counterapp.Handler()))
	mux.HandleFunc("/_soak/stats", func(w http.ResponseWriter, r *http.Request) {
		var ms runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&ms)
		_ = json.NewEncoder(w).Encode(stats{Commands: counts.snapshot(), Heap: ms.HeapAlloc})
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, "soak server:", err)
		return 1
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	fmt.Println(ln.Addr().String())
	// The parent ends the server by closing stdin (or by dying).
	_, _ = bufio.NewReader(os.Stdin).ReadString('\n')
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = srv.Shutdown(ctx)
	_ = pool.Close()
	return 0
}

// counter counts commands by name.
type counter struct {
	mu sync.Mutex
	n  map[string]*atomic.Int64
}

func newCounter() *counter { return &counter{n: map[string]*atomic.Int64{}} }

func (c *counter) add(cmd string) {
	c.mu.Lock()
	n, ok := c.n[cmd]
	if !ok {
		n = new(atomic.Int64)
		c.n[cmd] = n
	}
	c.mu.Unlock()
	n.Add(1)
}

func (c *counter) snapshot() map[string]int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(map[string]int64, len(c.n))
	for k, v := range c.n {
		out[k] = v.Load()
	}
	return out
}

// countingConn counts every command sent through it, as the server sends
// them: EVALSHA counts once, whatever the script runs inside Redis.
type countingConn struct {
	redis.Conn
	c *counter
}

func (cc countingConn) Do(cmd string, args ...any) (any, error) {
	if cmd != "" {
		cc.c.add(cmd)
	}
	return cc.Conn.Do(cmd, args...)
}

func (cc countingConn) Send(cmd string, args ...any) error {
	cc.c.add(cmd)
	return cc.Conn.Send(cmd, args...)
}

func (cc countingConn) DoContext(ctx context.Context, cmd string, args ...any) (any, error) {
	if cmd != "" {
		cc.c.add(cmd)
	}
	return cc.Conn.(redis.ConnWithContext).DoContext(ctx, cmd, args...)
}

func (cc countingConn) ReceiveContext(ctx context.Context) (any, error) {
	return cc.Conn.(redis.ConnWithContext).ReceiveContext(ctx)
}
