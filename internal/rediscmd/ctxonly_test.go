package rediscmd_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/gomodule/redigo/redis"

	"github.com/sessionkit/sessionkit/internal/redistest"
)

// contextOnly is a connection wrapper (a tracing one, say) that passes on
// redis.ConnWithContext but not redis.ConnWithTimeout.
type contextOnly struct{ redis.Conn }

func (c contextOnly) ReceiveContext(ctx context.Context) (any, error) {
	return redis.ReceiveContext(c.Conn, ctx)
}

func (c contextOnly) DoContext(ctx context.Context, cmd string, args ...any) (any, error) {
	return redis.DoContext(c.Conn, ctx, cmd, args...)
}

// TestDoDeadlineThroughContextOnlyWrapper: with a pooled connection around
// a wrapper that takes a context but no timeout, a command still stops at
// its context's deadline, as it did when the stores called DoContext; it
// must not fall back to Do and wait for the server.
func TestDoDeadlineThroughContextOnlyWrapper(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{})
	srv.Do("SET", "k", "v")
	pool := srv.Pool()
	dial := pool.Dial
	pool.Dial = func() (redis.Conn, error) {
		c, err := dial()
		return contextOnly{c}, err
	}
	const pause = 1500 * time.Millisecond
	conn := pool.Get()
	defer conn.Close()
	if _, err := conn.Do("PING"); err != nil {
		t.Fatal(err)
	}
	srv.Do("CLIENT", "PAUSE", pause.Milliseconds(), "ALL")
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := get(ctx, t, conn, "k")
	waited := time.Since(start)
	if !errors.Is(err, context.DeadlineExceeded) || waited >= pause {
		t.Fatalf("GET through a DoContext-only wrapper on a paused server with a 100ms deadline: waited %v, err %v; want context.DeadlineExceeded before the pause ends", waited.Round(time.Millisecond), err)
	}
	time.Sleep(pause)
	conn2 := pool.Get()
	defer conn2.Close()
	ctx, cancel = context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if v, err := redis.String(get(ctx, t, conn2, "k")); err != nil || v != "v" {
		t.Fatalf("GET with time to spare = %q, %v", v, err)
	}
}
