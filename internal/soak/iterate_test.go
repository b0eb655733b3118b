package soak

import (
	"context"
	"fmt"
	"os"
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

func liveHeap() uint64 {
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// TestIterateMemory: Manager.Iterate over a Redis store holds a batch of
// sessions at a time, not the whole store. The store is filled with
// sessions of about 200 bytes (20,000; 100,000 under make soak); the live
// heap, measured after a GC every 1,000 sessions during the walk, must
// stay below a quarter of what the sessions weigh.
func TestIterateMemory(t *testing.T) {
	n := 20_000
	if os.Getenv("SOAK_DURATION") != "" {
		n = 100_000
	}
	rs := redistest.Start(t, redistest.Options{})
	pool := rs.Pool()
	conn := pool.Get()
	c := codec.Msgpack()
	deadline := time.Now().Add(time.Hour)
	size := 0
	for i := 0; i < n; i++ {
		b, err := c.Encode(deadline, map[string]any{
			"user": fmt.Sprintf("user-%08d", i), "n": i,
			"cart":  []string{"a fairly long item name, one", "a fairly long item name, two", "three"},
			"flash": "Welcome back! Your settings were saved.",
		})
		if err != nil {
			t.Fatal(err)
		}
		size += len(b)
		if err := conn.Send("SET", fmt.Sprintf("%ssession-%08d", redisstore.DefaultPrefix, i), b, "PX", time.Hour.Milliseconds()); err != nil {
			t.Fatal(err)
		}
		if i%1000 == 999 {
			if err := conn.Flush(); err != nil {
				t.Fatal(err)
			}
			for j := 0; j < 1000; j++ {
				if _, err := conn.Receive(); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	conn.Close()
	if got, _ := redis.Int(rs.Do("DBSIZE"), nil); got != n {
		t.Fatalf("Redis holds %d keys, want %d", got, n)
	}

	m := manager.New(manager.Config{Store: redisstore.New(pool)})
	heap0 := liveHeap()
	var peak uint64
	seen := 0
	start := time.Now()
	err := m.Iterate(context.Background(), func(ctx context.Context) error {
		if _, err := typed.Get[string](ctx, "user"); err != nil {
			return err
		}
		if seen++; seen%1000 == 0 {
			peak = max(peak, liveHeap())
		}
		return nil
	})
	elapsed := time.Since(start)
	if err != nil {
		t.Fatalf("Iterate: %v", err)
	}
	growth := int64(peak) - int64(heap0)
	t.Logf("Iterate over %d sessions (%.1f MB encoded): %.2fs, live heap before %.2f MB, peak during %.2f MB (%+.2f MB)",
		seen, float64(size)/mb, elapsed.Seconds(), float64(heap0)/mb, float64(peak)/mb, float64(growth)/mb)
	if seen < n {
		t.Errorf("Iterate visited %d sessions, want %d", seen, n)
	}
	if growth > int64(size/4) {
		t.Errorf("the live heap grew by %d B during Iterate over %d B of sessions: it holds the store in memory", growth, size)
	}
}
