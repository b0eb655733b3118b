package redisstore_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/gomodule/redigo/redis"

	"github.com/sessionkit/sessionkit/internal/redistest"
	"github.com/sessionkit/sessionkit/store/redisstore"
)

// BenchmarkStore compares the store's request path with a floor that does
// the same Redis work with redigo as an application would write it by
// hand (pool.GetContext, redis.DoContext, keys concatenated): read is one
// GET, write a GET and then the commit (the floor: SET PX; the store: its
// conditional commit, one EVALSHA). Parallel goroutines each own one
// session of a small (186-byte) blob, on a private redis-server; every
// context is cancellable, as a request's is.
//
// Besides ns/op, which a shared machine makes noisy, it reports CPU time
// per operation, which other processes' load disturbs far less: cpu-ns/op
// is this process's (getrusage: the client side, redigo included),
// redis-cpu-ns/op the server's (INFO cpu, network included) and
// redis-cmd-ns/op the server's time inside the commands (INFO
// commandstats: a script's whole run, without the network), so that a
// cheaper client and a costlier script show separately.
func BenchmarkStore(b *testing.B) {
	srv := redistest.Start(b, redistest.Options{})
	pool := srv.Pool()
	s := redisstore.New(pool)
	blob := make([]byte, 186)
	const sessions = 64
	tokens := make([]string, sessions)
	for i := range tokens {
		tokens[i] = fmt.Sprintf("%043d", i) // a token's length
		if err := s.CommitCtx(context.Background(), tokens[i], blob, time.Now().Add(time.Hour)); err != nil {
			b.Fatal(err)
		}
	}
	floor := func(ctx context.Context, token string, write bool) error {
		conn, err := pool.GetContext(ctx)
		if err != nil {
			return err
		}
		defer conn.Close()
		key := redisstore.DefaultPrefix + token
		if _, err := redis.Bytes(redis.DoContext(conn, ctx, "GET", key)); err != nil || !write {
			return err
		}
		_, err = redis.DoContext(conn, ctx, "SET", key, blob, "PX", int64(time.Hour/time.Millisecond))
		return err
	}
	store := func(ctx context.Context, token string, write bool) error {
		loaded, found, err := s.FindCtx(ctx, token)
		if err != nil || !found || !write {
			return err
		}
		return s.CommitIfCtx(ctx, token, blob, time.Now().Add(time.Hour), loaded)
	}
	// upsert is the store with an unconditional commit (SET PX, as the
	// floor): the difference with store is the conditional commit's cost.
	upsert := func(ctx context.Context, token string, write bool) error {
		_, found, err := s.FindCtx(ctx, token)
		if err != nil || !found || !write {
			return err
		}
		return s.CommitCtx(ctx, token, blob, time.Now().Add(time.Hour))
	}
	for _, op := range []string{"read", "write"} {
		for _, v := range []struct {
			name string
			run  func(context.Context, string, bool) error
		}{{"floor", floor}, {"store", store}, {"store-upsert", upsert}} {
			if v.name == "store-upsert" && op == "read" {
				continue
			}
			b.Run(v.name+"/"+op, func(b *testing.B) {
				var next atomic.Int64
				b.ReportAllocs()
				cpu0, redis0, cmd0 := processCPU(b), redisCPU(b, srv), commandTime(b, srv)
				b.SetParallelism(4)
				b.RunParallel(func(pb *testing.PB) {
					token := tokens[int(next.Add(1)-1)%sessions]
					ctx, cancel := context.WithCancel(context.Background())
					defer cancel()
					for pb.Next() {
						if err := v.run(ctx, token, op == "write"); err != nil {
							b.Error(err)
							return
						}
					}
				})
				b.StopTimer()
				b.ReportMetric(float64(processCPU(b)-cpu0)/float64(b.N), "cpu-ns/op")
				b.ReportMetric(float64(redisCPU(b, srv)-redis0)/float64(b.N), "redis-cpu-ns/op")
				b.ReportMetric(float64(commandTime(b, srv)-cmd0)/float64(b.N), "redis-cmd-ns/op")
			})
		}
	}
}

// processCPU is the user and system CPU time this process has used.
func processCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// redisCPU is the user and system CPU time srv has used (INFO cpu).
func redisCPU(b *testing.B, srv *redistest.Server) time.Duration {
	info, err := redis.String(srv.Do("INFO", "cpu"), nil)
	if err != nil {
		b.Fatal(err)
	}
	var total float64
	for _, line := range strings.Split(info, "\n") {
		k, v, _ := strings.Cut(strings.TrimSpace(line), ":")
		if k == "used_cpu_sys" || k == "used_cpu_user" {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				b.Fatalf("INFO cpu: %s: %v", line, err)
			}
			total += f
		}
	}
	return time.Duration(total * float64(time.Second))
}

// commandTime is the time srv has spent inside commands (INFO
// commandstats, usec of every command; a script's inner commands are
// counted both on their own and in the script's, so only the top-level
// commands the client sends are summed: GET, SET and EVALSHA).
func commandTime(b *testing.B, srv *redistest.Server) time.Duration {
	info, err := redis.String(srv.Do("INFO", "commandstats"), nil)
	if err != nil {
		b.Fatal(err)
	}
	var usec int64
	for _, line := range strings.Split(info, "\n") {
		name, stats, ok := strings.Cut(strings.TrimSpace(line), ":")
		if !ok || (name != "cmdstat_evalsha" && name != "cmdstat_get" && name != "cmdstat_set") {
			continue
		}
		for _, kv := range strings.Split(stats, ",") {
			if v, ok := strings.CutPrefix(kv, "usec="); ok {
				n, err := strconv.ParseInt(v, 10, 64)
				if err != nil {
					b.Fatalf("INFO commandstats: %s: %v", line, err)
				}
				usec += n
			}
		}
	}
	return time.Duration(usec) * time.Microsecond
}
