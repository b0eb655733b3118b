package benchmarks

import (
	"context"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/gomodule/redigo/redis"

	"github.com/sessionkit/sessionkit/codec"
	"github.com/sessionkit/sessionkit/internal/redistest"
	"github.com/sessionkit/sessionkit/manager"
	"github.com/sessionkit/sessionkit/store/redisstore"
	"github.com/sessionkit/sessionkit/typed"
)

// iterateSessions is how many sessions BenchmarkIterate walks.
const iterateSessions = 100_000

// liveHeap is the heap in use right after a full collection.
func liveHeap() uint64 {
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// BenchmarkIterate: Manager.Iterate over 100,000 small msgpack sessions
// in one private redis-server (the 200-byte session of BenchmarkGrowth),
// reading one key of each, as an administrative job would. One op is one
// whole walk; besides ns/op it reports sessions/s, and peak-heap-KB: how
// far the live heap rose above where it started during a walk — measured
// in an extra, untimed walk that collects garbage every 1,000 sessions
// (so it counts what Iterate holds, not garbage waiting for the GC) —
// against store-MB, what the sessions weigh encoded. Iterate holds one
// SCAN batch at a time, so the peak stays far below the store.
func BenchmarkIterate(b *testing.B) {
	srv := redistest.Start(b, redistest.Options{})
	pool := srv.Pool()
	blob, err := codec.Msgpack().Encode(time.Now().Add(time.Hour), smallSession())
	if err != nil {
		b.Fatal(err)
	}
	fillSessions(b, pool, blob, iterateSessions)
	if got, _ := redis.Int(srv.Do("DBSIZE"), nil); got != iterateSessions {
		b.Fatalf("Redis holds %d keys, want %d", got, iterateSessions)
	}
	m := manager.New(manager.Config{Store: redisstore.New(pool)})
	walk := func(each func(n int)) int {
		n := 0
		err := m.Iterate(context.Background(), func(ctx context.Context) error {
			if _, err := typed.Get[int](ctx, KeyVisits); err != nil {
				return err
			}
			n++
			each(n)
			return nil
		})
		if err != nil {
			b.Fatalf("Iterate: %v", err)
		}
		// redisstore may hand a session twice (SCAN during rehashing),
		// never miss one.
		if n < iterateSessions {
			b.Fatalf("Iterate visited %d sessions, want %d", n, iterateSessions)
		}
		return n
	}
	b.Run(fmt.Sprintf("sessionkit-msgpack/sessions=%d", iterateSessions), func(b *testing.B) {
		b.ReportAllocs()
		visited := 0
		for i := 0; i < b.N; i++ {
			visited += walk(func(int) {})
		}
		b.StopTimer()
		b.ReportMetric(float64(visited)/b.Elapsed().Seconds(), "sessions/s")
		heap0 := liveHeap()
		var peak uint64
		walk(func(n int) {
			if n%1000 == 0 {
				peak = max(peak, liveHeap())
			}
		})
		b.ReportMetric(float64(int64(peak)-int64(heap0))/(1<<10), "peak-heap-KB")
		b.ReportMetric(float64(len(blob)*iterateSessions)/(1<<20), "store-MB")
	})
}

// fillSessions stores n sessions holding blob under redisstore's default
// prefix, pipelined 1,000 at a time.
func fillSessions(b *testing.B, pool *redis.Pool, blob []byte, n int) {
	conn := pool.Get()
	defer conn.Close()
	for i := 0; i < n; i++ {
		key := fmt.Sprintf("%ssession-%08d", redisstore.DefaultPrefix, i)
		if err := conn.Send("SET", key, blob, "PX", time.Hour.Milliseconds()); err != nil {
			b.Fatal(err)
		}
		if i%1000 == 999 || i == n-1 {
			if err := conn.Flush(); err != nil {
				b.Fatal(err)
			}
			for j := i - i%1000; j <= i; j++ {
				if _, err := conn.Receive(); err != nil {
					b.Fatal(err)
				}
			}
		}
	}
}
