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
	"time"

	"github.com/gomodule/redigo/redis"

	"github.com/sessionkit/sessionkit/internal/counterapp"
	"github.com/sessionkit/sessionkit/internal/redistest"
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
	pool := &redis.Pool{
		MaxIdle: 32, MaxActive: 64, Wait: true, IdleTimeout: time.Minute,
		Dial: func() (redis.Conn, error) {
			return redis.Dial("tcp", redisAddr, redis.DialConnectTimeout(time.Second),
				redis.DialReadTimeout(5*time.Second), redis.DialWriteTimeout(5*time.Second))
		},
	}
	counts := redistest.Count(pool)
	m := manager.New(manager.Config{Store: redisstore.New(pool), IdleTimeout: 20 * time.Minute})
	mux := http.NewServeMux()
	mux.Handle("/", m.LoadAndSave(counterapp.Handler()))
	mux.HandleFunc("/_soak/stats", func(w http.ResponseWriter, r *http.Request) {
		var ms runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&ms)
		_ = json.NewEncoder(w).Encode(stats{Commands: counts.Snapshot(), Heap: ms.HeapAlloc})
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
