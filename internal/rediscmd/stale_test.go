package rediscmd_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/gomodule/redigo/redis"

	"github.com/sessionkit/sessionkit/internal/rediscmd"
	"github.com/sessionkit/sessionkit/internal/redistest"
)

// TestDeadlineLeavesNoStaleReply: a command that misses its deadline is
// still answered by the server once the pause ends; that late reply must
// never be read as the answer to the next command on a pooled connection.
// redigo marks a connection whose read timed out as failed (and closes it),
// so the pool discards it: a pool of one idle connection proves it.
func TestDeadlineLeavesNoStaleReply(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{})
	srv.Do("SET", "k1", "v1")
	srv.Do("SET", "k2", "v2")
	pool := srv.Pool()
	pool.MaxIdle, pool.MaxActive = 1, 1
	pause := 600 * time.Millisecond

	// Warm the pool's only connection.
	if v, err := redis.String(rediscmd.Do(context.Background(), pool, "GET", []any{"k2"})); err != nil || v != "v2" {
		t.Fatalf("warm GET = %q, %v", v, err)
	}
	srv.Do("CLIENT", "PAUSE", pause.Milliseconds(), "ALL")
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	a := rediscmd.NewArgs().Key("", "k1", "")
	_, err := rediscmd.Do(ctx, pool, "GET", a.List())
	a.Release()
	cancel()
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("GET k1 past its deadline: %v, want context.DeadlineExceeded", err)
	}
	time.Sleep(pause + 200*time.Millisecond) // the server has answered GET k1 by now
	for i := 0; i < 3; i++ {
		a := rediscmd.NewArgs().Key("", "k2", "")
		v, err := redis.String(rediscmd.Do(context.Background(), pool, "GET", a.List()))
		a.Release()
		if err != nil || v != "v2" {
			t.Fatalf("GET k2 after a timed-out GET k1 = %q, %v: the late reply was read as this one's", v, err)
		}
	}
	// Same with a connection held across the timeout, as Run's callers may.
	conn := pool.Get()
	srv.Do("CLIENT", "PAUSE", pause.Milliseconds(), "ALL")
	ctx, cancel = context.WithTimeout(context.Background(), 50*time.Millisecond)
	_, err = rediscmd.Run(ctx, conn, "GET", []any{"k1"})
	cancel()
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Run GET k1 past its deadline: %v", err)
	}
	time.Sleep(pause + 200*time.Millisecond)
	if v, err := redis.String(rediscmd.Run(context.Background(), conn, "GET", []any{"k2"})); err == nil && v != "v2" {
		t.Fatalf("GET k2 on the connection that timed out = %q: a stale reply", v)
	} else if err == nil {
		t.Logf("GET k2 on the timed-out connection = %q", v)
	}
	conn.Close()
	v, err := redis.String(rediscmd.Do(context.Background(), pool, "GET", []any{"k2"}))
	if err != nil || v != "v2" {
		t.Fatalf("GET k2 from the pool after = %q, %v", v, err)
	}
}
