package redisstore_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/gomodule/redigo/redis"

	"github.com/sessionkit/sessionkit/internal/redistest"
	"github.com/sessionkit/sessionkit/store"
	"github.com/sessionkit/sessionkit/store/internal/storetest"
	"github.com/sessionkit/sessionkit/store/redisstore"
)

func TestFindCommitDelete(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{})
	s := redisstore.New(srv.Pool())
	ctx := context.Background()

	if _, found, err := s.FindCtx(ctx, "nope"); found || err != nil {
		t.Fatalf("Find(missing) = found %v, err %v", found, err)
	}
	calls := srv.Calls(func() {
		if err := s.CommitCtx(ctx, "tok", []byte("blob\x00\xff"), time.Now().Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
	})
	if calls["set"] != 1 || redistest.Total(calls) != 1 {
		t.Errorf("commit sent %v, want one SET", calls)
	}
	ttl, _ := redis.Int64(srv.Do("PTTL", "scs:session:tok"), nil)
	if ttl <= 0 || ttl > 60000 {
		t.Errorf("PTTL after commit = %d ms, want (0, 60000]", ttl)
	}
	var b []byte
	var found bool
	calls = srv.Calls(func() {
		var err error
		b, found, err = s.FindCtx(ctx, "tok")
		if err != nil {
			t.Fatal(err)
		}
	})
	if !found || string(b) != "blob\x00\xff" {
		t.Errorf("Find = %q, %v", b, found)
	}
	if calls["get"] != 1 || redistest.Total(calls) != 1 {
		t.Errorf("find sent %v, want one GET", calls)
	}
	if err := s.DeleteCtx(ctx, "tok"); err != nil {
		t.Fatal(err)
	}
	if _, found, _ := s.FindCtx(ctx, "tok"); found {
		t.Error("session still there after Delete")
	}
	// An expiry in the past deletes rather than writing a key that never expires.
	_ = s.CommitCtx(ctx, "old", []byte("x"), time.Now().Add(-time.Second))
	if _, found, _ := s.FindCtx(ctx, "old"); found {
		t.Error("commit with a past expiry stored the session")
	}
}

func TestConditionalCommit(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{})
	s := redisstore.New(srv.Pool(), redisstore.WithPrefix("app:"))
	ctx := context.Background()
	exp := time.Now().Add(time.Minute)

	if err := s.CommitModeCtx(ctx, "a", []byte("1"), exp, store.Update); !errors.Is(err, store.ErrGone) {
		t.Errorf("update of a missing session: %v, want ErrGone", err)
	}
	if _, found, _ := s.FindCtx(ctx, "a"); found {
		t.Error("update of a missing session created it")
	}
	if err := s.CommitModeCtx(ctx, "a", []byte("1"), exp, store.Create); err != nil {
		t.Fatal(err)
	}
	if err := s.CommitModeCtx(ctx, "a", []byte("2"), exp, store.Create); !errors.Is(err, store.ErrExists) {
		t.Errorf("create over an existing session: %v, want ErrExists", err)
	}
	if err := s.CommitModeCtx(ctx, "a", []byte("3"), exp, store.Update); err != nil {
		t.Errorf("update of an existing session: %v", err)
	}
	if b, _, _ := s.FindCtx(ctx, "a"); string(b) != "3" {
		t.Errorf("after update: %q", b)
	}
	if got, _ := redis.Int(srv.Do("EXISTS", "app:a"), nil); got != 1 {
		t.Error("prefix not applied")
	}
}

func TestTouch(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{})
	s := redisstore.New(srv.Pool())
	ctx := context.Background()
	_ = s.CommitCtx(ctx, "t", []byte("x"), time.Now().Add(time.Second))
	calls := srv.Calls(func() {
		if err := s.TouchCtx(ctx, "t", time.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
	})
	if calls["pexpire"] != 1 || redistest.Total(calls) != 1 {
		t.Errorf("touch sent %v, want one PEXPIRE", calls)
	}
	if ttl, _ := redis.Int64(srv.Do("PTTL", "scs:session:t"), nil); ttl < 3500000 {
		t.Errorf("PTTL after touch = %d", ttl)
	}
	if err := s.TouchCtx(ctx, "missing", time.Now().Add(time.Hour)); !errors.Is(err, store.ErrGone) {
		t.Errorf("touch of a missing session: %v, want ErrGone", err)
	}
}

func TestAllUsesScanNotKeys(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{})
	s := redisstore.New(srv.Pool(), redisstore.WithScanBatch(7), redisstore.WithPrefix("s[1]*:"))
	ctx := context.Background()
	want := map[string]string{}
	for i := 0; i < 53; i++ {
		tok := fmt.Sprintf("tok%02d", i)
		want[tok] = fmt.Sprint(i)
		_ = s.CommitCtx(ctx, tok, []byte(want[tok]), time.Now().Add(time.Minute))
	}
	srv.Do("SET", "s1x:other", "not a session") // matches an unescaped glob; must not be listed
	var all map[string][]byte
	calls := srv.Calls(func() {
		var err error
		if all, err = s.AllCtx(ctx); err != nil {
			t.Fatal(err)
		}
	})
	if len(all) != len(want) {
		t.Fatalf("All returned %d sessions, want %d", len(all), len(want))
	}
	for tok, v := range want {
		if string(all[tok]) != v {
			t.Errorf("All[%s] = %q, want %q", tok, all[tok], v)
		}
	}
	if calls["keys"] != 0 || calls["scan"] < 2 || calls["mget"] < 1 {
		t.Errorf("iteration sent %v, want SCAN steps and MGETs, no KEYS", calls)
	}
}

func TestCancelledContextStopsWaiting(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{})
	pool := srv.Pool()
	pool.MaxActive = 1
	hold := pool.Get() // the only connection is busy
	defer hold.Close()
	s := redisstore.New(pool)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, _, err := s.FindCtx(ctx, "x")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Find with an exhausted pool and a deadline: %v", err)
	}
	if waited := time.Since(start); waited > 5*time.Second {
		t.Fatalf("Find waited %v after its context ended", waited)
	}
}

// TestRedisRestartDeadPooledConnections: after redis-server restarts, the
// pool's idle connections are all dead; the first operation still succeeds
// (one retry on a newly dialled connection), and so does every one after.
func TestRedisRestartDeadPooledConnections(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{AppendOnly: true})
	pool := srv.Pool()
	s := redisstore.New(pool)
	ctx := context.Background()
	if err := s.CommitCtx(ctx, "tok", []byte("v"), time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	// Fill the pool with idle connections.
	var conns []redis.Conn
	for i := 0; i < 8; i++ {
		c := pool.Get()
		if _, err := c.Do("PING"); err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
	}
	for _, c := range conns {
		c.Close()
	}
	if n := pool.IdleCount(); n < 8 {
		t.Fatalf("%d idle connections, want 8", n)
	}
	srv.Restart()
	for i := 0; i < 10; i++ {
		b, found, err := s.FindCtx(ctx, "tok")
		if err != nil || !found || string(b) != "v" {
			t.Fatalf("find %d after the restart: %q %v %v", i, b, found, err)
		}
	}
}

// TestRetire runs the shared Retirer walk with an empty script cache, so
// the first EVALSHA of each script falls back to EVAL.
func TestRetire(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{})
	srv.Do("SCRIPT", "FLUSH")
	calls := srv.Calls(func() { storetest.Retire(t, redisstore.New(srv.Pool())) })
	if calls["eval"] != 3 {
		t.Errorf("EVAL sent %d times, want 3 (one NOSCRIPT fallback per script): %v", calls["eval"], calls)
	}
}

// TestFindIdle runs the shared IdleFinder walk, each read one command: one
// EVALSHA (after the first, which falls back to EVAL on an empty script
// cache), whose PEXPIRE runs only when the extension is due.
func TestFindIdle(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{})
	srv.Do("SCRIPT", "FLUSH")
	var stats map[string]int64
	calls := srv.ClientCalls(func() {
		stats = srv.Calls(func() { storetest.FindIdle(t, redisstore.New(srv.Pool())) })
	})
	delete(calls, "info")
	// 8 finds, 2 commits, 1 retire; the first EVALSHA of each script
	// fails with NOSCRIPT and is sent again as EVAL.
	want := map[string]int64{"eval": 2, "evalsha": 9, "set": 2}
	if fmt.Sprint(calls) != fmt.Sprint(want) {
		t.Errorf("sent %v, want %v", calls, want)
	}
	if stats["pexpire"] != 1 {
		t.Errorf("Redis ran %d PEXPIRE, want 1 (one due extension)", stats["pexpire"])
	}
}

// TestWalk runs the shared walk with batches of 7.
func TestWalk(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{})
	storetest.Walk(t, redisstore.New(srv.Pool(), redisstore.WithScanBatch(7)))
}

// TestDeadlineOnUnansweredCommand: a command Redis does not answer (CLIENT
// PAUSE) ends with the request's deadline, as context.DeadlineExceeded,
// and is not retried on another connection: the context has ended.
func TestDeadlineOnUnansweredCommand(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{})
	pool := srv.Pool()
	sent := redistest.Count(pool)
	s := redisstore.New(pool)
	const pause = 1500 * time.Millisecond
	srv.Do("CLIENT", "PAUSE", pause.Milliseconds(), "ALL")
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, _, err := s.FindCtx(ctx, "x")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Find on a paused server: %v, want context.DeadlineExceeded", err)
	}
	if waited := time.Since(start); waited >= pause {
		t.Errorf("Find waited %v, until the server answered, not for its 100ms deadline", waited)
	}
	if n := sent.Total(); n != 1 {
		t.Errorf("%d commands sent, want 1 (no retry once the deadline has passed)", n)
	}
}
