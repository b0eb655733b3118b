package rediscmd_test

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/gomodule/redigo/redis"

	"github.com/sessionkit/sessionkit/internal/rediscmd"
	"github.com/sessionkit/sessionkit/internal/redistest"
)

func get(ctx context.Context, t *testing.T, conn redis.Conn, key string) (any, error) {
	t.Helper()
	a := rediscmd.NewArgs().Key("", key, "")
	defer a.Release()
	return rediscmd.Run(ctx, conn, "GET", a.List())
}

// TestDoDeadline: a server that does not answer (CLIENT PAUSE) holds a
// command no longer than its context's deadline, which Do reports as
// context.DeadlineExceeded; with a later deadline the same command waits
// for the reply.
func TestDoDeadline(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{})
	srv.Do("SET", "k", "v")
	pool := srv.Pool()
	const pause = 1500 * time.Millisecond

	conn := pool.Get()
	defer conn.Close()
	srv.Do("CLIENT", "PAUSE", pause.Milliseconds(), "ALL")
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := get(ctx, t, conn, "k")
	if !errors.Is(err, context.DeadlineExceeded) || !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("GET on a paused server past the deadline: %v, want context.DeadlineExceeded wrapping the read timeout", err)
	}
	if waited := time.Since(start); waited >= pause {
		t.Fatalf("GET waited %v, until the server answered, not for its 100ms deadline", waited)
	}

	time.Sleep(pause) // the pause is over
	conn2 := pool.Get()
	defer conn2.Close()
	srv.Do("CLIENT", "PAUSE", 200, "ALL")
	ctx, cancel = context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if v, err := redis.String(get(ctx, t, conn2, "k")); err != nil || v != "v" {
		t.Fatalf("GET with time to spare on a briefly paused server = %q, %v", v, err)
	}
}

// TestDoEndedContextSendsNothing: a context already cancelled or past its
// deadline costs no command.
func TestDoEndedContextSendsNothing(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{})
	pool := srv.Pool()
	counter := redistest.Count(pool)
	conn := pool.Get()
	defer conn.Close()

	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := get(cancelled, t, conn, "k"); !errors.Is(err, context.Canceled) {
		t.Errorf("GET with a cancelled context: %v, want context.Canceled", err)
	}
	past, cancel2 := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel2()
	if _, err := get(past, t, conn, "k"); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("GET past its deadline: %v, want context.DeadlineExceeded", err)
	}
	if n := counter.Total(); n != 0 {
		t.Errorf("%d commands sent for ended contexts, want 0", n)
	}
	if err := conn.Err(); err != nil {
		t.Errorf("the connection is broken after commands that were never sent: %v", err)
	}
}

// hidden hides everything of a connection but redis.Conn, as a wrapper
// might: no DoWithTimeout.
type hidden struct{ redis.Conn }

// TestDoWithoutTimeoutSupport: a pooled connection around one without
// DoWithTimeout still runs the command (on Do).
func TestDoWithoutTimeoutSupport(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{})
	srv.Do("SET", "k", "v")
	pool := srv.Pool()
	dial := pool.Dial
	pool.Dial = func() (redis.Conn, error) {
		c, err := dial()
		return hidden{c}, err
	}
	conn := pool.Get()
	defer conn.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if v, err := redis.String(get(ctx, t, conn, "k")); err != nil || v != "v" {
		t.Fatalf("GET through a connection without DoWithTimeout = %q, %v", v, err)
	}
	if v, err := redis.String(get(context.Background(), t, conn, "k")); err != nil || v != "v" {
		t.Fatalf("GET without a deadline = %q, %v", v, err)
	}
}

// TestLongDeadlineKeepsReadTimeout: a context deadline far away (a
// handler timeout of a minute) does not lift the connection's read
// timeout: a stalled server costs the read timeout, as with redigo's
// DoContext and as with no deadline at all.
func TestLongDeadlineKeepsReadTimeout(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{})
	srv.Do("SET", "k", "v")
	const readTimeout, pause = 200 * time.Millisecond, 2 * time.Second
	conn, err := redis.Dial("tcp", srv.Addr(), redis.DialReadTimeout(readTimeout))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	srv.Do("CLIENT", "PAUSE", pause.Milliseconds(), "ALL")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	start := time.Now()
	_, err = get(ctx, t, conn, "k")
	waited := time.Since(start)
	if err == nil || waited >= pause {
		t.Fatalf("GET on a paused server with a %v read timeout and a 1-minute deadline: waited %v, err %v; want the read timeout's error well before the pause ends",
			readTimeout, waited, err)
	}
	time.Sleep(pause - waited) // let the pause end before the server stops
}

// TestLongDeadlineStillHolds: a deadline more than a second away (it goes
// through redigo's DoContext) still ends a command on a stalled server,
// reported as context.DeadlineExceeded however redigo noticed it.
func TestLongDeadlineStillHolds(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{})
	srv.Do("SET", "k", "v")
	pool := srv.Pool() // read timeout 5 s
	conn := pool.Get()
	defer conn.Close()
	if _, err := conn.Do("PING"); err != nil {
		t.Fatal(err)
	}
	const deadline, pause = 1200 * time.Millisecond, 3 * time.Second
	srv.Do("CLIENT", "PAUSE", pause.Milliseconds(), "ALL")
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	start := time.Now()
	_, err := get(ctx, t, conn, "k")
	waited := time.Since(start)
	if !errors.Is(err, context.DeadlineExceeded) || waited >= pause {
		t.Fatalf("GET on a paused server with a %v deadline: waited %v, err %v; want context.DeadlineExceeded at the deadline", deadline, waited, err)
	}
	time.Sleep(pause - waited)
}
