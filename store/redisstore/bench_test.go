package redisstore_test

import (
	"context"
	"fmt"
	"sync/atomic"
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
	for _, op := range []string{"read", "write"} {
		for _, v := range []struct {
			name string
			run  func(context.Context, string, bool) error
		}{{"floor", floor}, {"store", store}} {
			b.Run(v.name+"/"+op, func(b *testing.B) {
				var next atomic.Int64
				b.ReportAllocs()
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
			})
		}
	}
}
