package rediscmd_test

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/gomodule/redigo/redis"

	"github.com/sessionkit/sessionkit/internal/rediscmd"
	"github.com/sessionkit/sessionkit/internal/redistest"
)

// keepOpen is a socket that ignores Close, and forgetful a connection
// that never reports an error: together, a connection that survives a
// timed-out read as redigo's own would not.
type keepOpen struct{ net.Conn }

func (keepOpen) Close() error { return nil }

type forgetful struct{ redis.Conn }

func (forgetful) Err() error { return nil }

func (f forgetful) DoWithTimeout(d time.Duration, cmd string, args ...any) (any, error) {
	return redis.DoWithTimeout(f.Conn, d, cmd, args...)
}

func (f forgetful) ReceiveWithTimeout(d time.Duration) (any, error) {
	return redis.ReceiveWithTimeout(f.Conn, d)
}

// TestStaleReplyControl is TestDeadlineLeavesNoStaleReply's control: with
// a connection that stays in the pool after a timed-out read, the late
// reply IS read as the next command's answer, so that test's check can
// see the failure it guards against.
func TestStaleReplyControl(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{})
	srv.Do("SET", "k1", "v1")
	srv.Do("SET", "k2", "v2")
	pool := &redis.Pool{MaxIdle: 1, MaxActive: 1, Dial: func() (redis.Conn, error) {
		nc, err := net.Dial("tcp", srv.Addr())
		if err != nil {
			return nil, err
		}
		return forgetful{redis.NewConn(keepOpen{nc}, 5*time.Second, 5*time.Second)}, nil
	}}
	defer pool.Close()
	if _, err := rediscmd.Do(context.Background(), pool, "GET", []any{"k2"}); err != nil {
		t.Fatal(err)
	}
	pause := 600 * time.Millisecond
	srv.Do("CLIENT", "PAUSE", pause.Milliseconds(), "ALL")
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	start := time.Now()
	r, err := rediscmd.Do(ctx, pool, "GET", []any{"k1"})
	cancel()
	if err == nil {
		t.Fatalf("GET k1 on a paused server answered %q after %v", r, time.Since(start))
	}
	time.Sleep(pause + 200*time.Millisecond)
	v, err := redis.String(rediscmd.Do(context.Background(), pool, "GET", []any{"k2"}))
	if err != nil || v != "v1" {
		t.Fatalf("GET k2 on the kept connection = %q, %v; want the stale %q the control expects", v, err, "v1")
	}
}
