package herokuurl_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gomodule/redigo/redis"

	"github.com/sessionkit/sessionkit/herokuurl"
	"github.com/sessionkit/sessionkit/internal/redistest"
)

// TestConnectAllSentinelsDown: when no Sentinel answers at startup,
// Connect fails at once with an error that says it was asking the
// Sentinels for the master, names the master, matches the network error
// with errors.Is, and shows neither password.
func TestConnectAllSentinelsDown(t *testing.T) {
	const spw, mpw = "s3nt-pw-Qx81", "m4st-pw-Lv27"
	// Ports that were free a moment ago and that nothing of ours listens on.
	dead1, dead2 := redistest.FreePort(t), redistest.FreePort(t)
	cfg, err := herokuurl.Parse(fmt.Sprintf("redis://:%s@127.0.0.1:%d?addr=127.0.0.1:%d&master_name=mymaster&password=%s", spw, dead1, dead2, mpw))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	start := time.Now()
	cl, err := cfg.Connect(ctx)
	if err == nil {
		cl.Close()
		t.Fatal("Connect succeeded with every Sentinel down")
	}
	t.Logf("error after %v: %v", time.Since(start).Round(time.Millisecond), err)
	if !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("error %q does not match syscall.ECONNREFUSED", err)
	}
	for _, want := range []string{"Sentinels", `"mymaster"`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %s", err, want)
		}
	}
	for _, pw := range []string{spw, mpw} {
		if strings.Contains(err.Error(), pw) {
			t.Errorf("error %q shows a password", err)
		}
	}
}

// TestConnectHungSentinelsHonourTheContext: Sentinels that accept a
// connection and never answer (a stopped process, a host gone silent)
// stop Connect when its context ends, not after the read timeout of each
// Sentinel in turn. The "Sentinels" are real redis-servers of ours,
// stopped with SIGSTOP: the kernel still accepts connections for them.
func TestConnectHungSentinelsHonourTheContext(t *testing.T) {
	var addrs []string
	for i := 0; i < 2; i++ {
		srv := redistest.Start(t, redistest.Options{})
		info, err := redis.String(srv.Do("INFO", "server"), nil)
		if err != nil {
			t.Fatal(err)
		}
		_, after, _ := strings.Cut(info, "process_id:")
		pid, err := strconv.Atoi(strings.TrimSpace(strings.SplitN(after, "\n", 2)[0]))
		if err != nil {
			t.Fatalf("no process_id in INFO server: %v", err)
		}
		if err := syscall.Kill(pid, syscall.SIGSTOP); err != nil {
			t.Fatal(err)
		}
		// Registered after Start's cleanup, so it runs first: the server
		// can then be shut down.
		t.Cleanup(func() { _ = syscall.Kill(pid, syscall.SIGCONT) })
		addrs = append(addrs, srv.Addr())
	}
	cfg, err := herokuurl.Parse(fmt.Sprintf("redis://%s?addr=%s&master_name=mymaster", addrs[0], addrs[1]))
	if err != nil {
		t.Fatal(err)
	}
	const budget = 500 * time.Millisecond
	ctx, cancel := context.WithTimeout(context.Background(), budget)
	defer cancel()
	start := time.Now()
	cl, err := cfg.Connect(ctx)
	took := time.Since(start)
	if err == nil {
		cl.Close()
		t.Fatal("Connect succeeded with every Sentinel hung")
	}
	t.Logf("error after %v: %v", took.Round(time.Millisecond), err)
	// Not a timing assertion on the code's speed: the bound is the
	// caller's own deadline, with a generous margin for a busy machine,
	// against the 2 x 3 s the Sentinels' read timeouts would take.
	if took > budget+2*time.Second {
		t.Errorf("Connect took %v with a %v context", took.Round(time.Millisecond), budget)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("error %q does not match context.DeadlineExceeded", err)
	}
}

// TestConnectSentinelsNameAReplica: a connection idle for over a minute
// is checked with ROLE when borrowed; and Sentinels that name a node answering
// ROLE as a replica (a failover under way, or a misconfigured monitor)
// give ErrNotMaster, never a pool that would write to a replica. The
// Sentinels are made to name the replica by monitoring it afresh: they
// report a monitored address at once, and take the default 30 s
// down-after before acting on its role.
func TestConnectSentinelsNameAReplica(t *testing.T) {
	t.Parallel() // its own servers; the Sentinels take seconds to settle
	snt := redistest.StartSentinel(t, redistest.SentinelOptions{})
	master := snt.Master()
	var replica *redistest.Server
	for _, d := range snt.Data {
		if d != master {
			replica = d
		}
	}
	url := "redis://" + snt.Sentinels[0].Addr() + "?master_name=" + redistest.SentinelMasterName
	for _, a := range snt.Addrs()[1:] {
		url += "&addr=" + a
	}
	cfg, err := herokuurl.Parse(url)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	// While the Sentinels name the master: a pooled connection idle for
	// over a minute is checked with ROLE, and one to a replica refused.
	good, err := cfg.Connect(ctx)
	if err != nil {
		t.Fatal(err)
	}
	borrow := good.(*redis.Pool).TestOnBorrow
	for _, tc := range []struct {
		node *redistest.Server
		idle time.Duration
		want error
	}{
		{master, 2 * time.Minute, nil},
		{replica, 2 * time.Minute, herokuurl.ErrNotMaster},
		{replica, time.Second, nil}, // recently used: not checked, nothing sent
	} {
		conn, err := redis.Dial("tcp", tc.node.Addr())
		if err != nil {
			t.Fatal(err)
		}
		if err := borrow(conn, time.Now().Add(-tc.idle)); !errors.Is(err, tc.want) {
			t.Errorf("TestOnBorrow on %s idle %v = %v, want %v", tc.node.Addr(), tc.idle, err, tc.want)
		}
		conn.Close()
	}
	good.Close()

	for _, s := range snt.Sentinels {
		if _, err := redis.String(s.Do("SENTINEL", "REMOVE", redistest.SentinelMasterName), nil); err != nil {
			t.Fatalf("SENTINEL REMOVE: %v", err)
		}
		if _, err := redis.String(s.Do("SENTINEL", "MONITOR", redistest.SentinelMasterName, "127.0.0.1", replica.Port, 2), nil); err != nil {
			t.Fatalf("SENTINEL MONITOR: %v", err)
		}
	}
	cl, err := cfg.Connect(ctx)
	if err == nil {
		cl.Close()
		t.Fatal("Connect succeeded though the Sentinels name a replica")
	}
	t.Logf("error: %v", err)
	if !errors.Is(err, herokuurl.ErrNotMaster) {
		t.Errorf("error %q is not ErrNotMaster", err)
	}
	if !strings.Contains(err.Error(), replica.Addr()) {
		t.Errorf("error %q does not name the node %s", err, replica.Addr())
	}
}

// TestHungSentinelsDoNotPileUp: while the Sentinels hang, each dial of a
// new master connection gives up when its context ends; the queries it
// abandoned must not pile up behind one another (one goroutine each,
// every one to run a full query in turn), but share the one in flight.
func TestHungSentinelsDoNotPileUp(t *testing.T) {
	// Not parallel: it counts the process's goroutines.
	snt := redistest.StartSentinel(t, redistest.SentinelOptions{})
	url := "redis://" + snt.Sentinels[0].Addr() + "?master_name=" + redistest.SentinelMasterName
	for _, a := range snt.Addrs()[1:] {
		url += "&addr=" + a
	}
	cfg, err := herokuurl.Parse(url)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	// No idle connections: every GetContext dials, so asks the Sentinels.
	cl, err := cfg.Connect(ctx, func(p *redis.Pool) { p.MaxIdle = 0 })
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	for _, s := range snt.Sentinels {
		stop(t, s)
	}
	before := runtime.NumGoroutine()
	const dials = 40
	for i := 0; i < dials; i++ {
		dctx, dcancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
		conn, err := cl.(*redis.Pool).GetContext(dctx)
		dcancel()
		if err == nil {
			conn.Close()
			t.Fatal("a new connection was dialled with every Sentinel hung")
		}
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("dial %d: %v, want context.DeadlineExceeded", i, err)
		}
	}
	if grown := runtime.NumGoroutine() - before; grown > dials/4 {
		t.Errorf("%d abandoned dials left %d more goroutines, each queued for its own Sentinel query", dials, grown)
	}
}

// stop freezes s with SIGSTOP (the kernel still accepts connections for
// it) until the test ends.
func stop(t *testing.T, s *redistest.Server) {
	t.Helper()
	info, err := redis.String(s.Do("INFO", "server"), nil)
	if err != nil {
		t.Fatal(err)
	}
	_, after, _ := strings.Cut(info, "process_id:")
	pid, err := strconv.Atoi(strings.TrimSpace(strings.SplitN(after, "\n", 2)[0]))
	if err != nil {
		t.Fatalf("no process_id in INFO server: %v", err)
	}
	if err := syscall.Kill(pid, syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	// Registered after the server's own cleanup, so it runs first: the
	// server can then be shut down.
	t.Cleanup(func() { _ = syscall.Kill(pid, syscall.SIGCONT) })
}
