package scaletest_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gomodule/redigo/redis"
	"github.com/mna/redisc"

	"github.com/sessionkit/sessionkit/herokuurl"
	"github.com/sessionkit/sessionkit/internal/redistest"
	"github.com/sessionkit/sessionkit/store"
	"github.com/sessionkit/sessionkit/store/redisstore"
)

// TestCluster runs sessionkit on one 3-master/3-replica cluster, reached
// through REDIS_URL naming a single node: the store and manager round
// trips, the commands per request, and last, since it kills a master,
// failover under load.
func TestCluster(t *testing.T) {
	t.Parallel() // each builds its own servers; together they take the time of the longest
	start := time.Now()
	c := redistest.StartCluster(t, redistest.ClusterOptions{})
	t.Logf("cluster built in %v", time.Since(start).Round(time.Millisecond))
	cfg, err := herokuurl.Parse("redis://" + c.Nodes[0].Addr())
	if err != nil {
		t.Fatal(err)
	}
	cl, err := cfg.Connect(ctx10(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cl.Close() })
	if _, ok := cl.(*redisc.Cluster); !ok {
		t.Fatalf("Connect gave %T, want *redisc.Cluster", cl)
	}

	t.Run("store", func(t *testing.T) { storeSuite(t, redisstore.New(cl, redisstore.WithPrefix("st:")), c.Masters()) })
	t.Run("user index", func(t *testing.T) {
		// Sign-out everywhere on a cluster: the index and the sessions it
		// lists lie in different slots, so the store lists without its
		// script (userSessionsCluster), each command routed on its own.
		s := redisstore.New(cl, redisstore.WithPrefix("ui:session:"))
		ctx := context.Background()
		exp := time.Now().Add(time.Hour)
		const n, gone = 12, 4
		for i := 0; i < n; i++ {
			tok := fmt.Sprint("u", i)
			if err := s.CommitCtx(ctx, tok, []byte("v"), exp); err != nil {
				t.Fatal(err)
			}
			if err := s.BindUserCtx(ctx, "ada", tok, time.Now().Add(-time.Minute), exp); err != nil {
				t.Fatalf("BindUserCtx: %v", err)
			}
		}
		for i := 0; i < gone; i++ {
			if err := s.DeleteCtx(ctx, fmt.Sprint("u", i)); err != nil {
				t.Fatal(err)
			}
		}
		list, err := s.UserSessionsCtx(ctx, "ada", time.Now())
		if err != nil {
			t.Fatalf("UserSessionsCtx on a cluster: %v", err)
		}
		live := map[string]bool{}
		for _, us := range list {
			if !us.Live {
				t.Errorf("%s listed as not live, though bound before recent: should have been dropped", us.Key)
			}
			live[us.Key] = true
		}
		for i := 0; i < n; i++ {
			if want := i >= gone; live[fmt.Sprint("u", i)] != want {
				t.Errorf("u%d listed %v, want %v", i, live[fmt.Sprint("u", i)], want)
			}
		}
		// The dead entries were removed from the index: listed again with
		// a recent far in the past, none comes back.
		again, err := s.UserSessionsCtx(ctx, "ada", time.Now().Add(-time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if len(again) != n-gone {
			t.Errorf("index lists %d sessions after cleanup, want %d", len(again), n-gone)
		}
	})
	t.Run("walk holds one batch", func(t *testing.T) {
		// Manager.Iterate promises one batch of sessions in memory at a
		// time with a store.Walker. Every session is deleted during the
		// first call of fn: a walk that streams sees little more than its
		// first batch; one that loaded every session first sees them all.
		const n, batch = 300, 10
		s := redisstore.New(cl, redisstore.WithPrefix("walk:"), redisstore.WithScanBatch(batch))
		ctx := context.Background()
		for i := 0; i < n; i++ {
			if err := s.CommitCtx(ctx, fmt.Sprint("w", i), []byte("v"), time.Now().Add(time.Minute)); err != nil {
				t.Fatal(err)
			}
		}
		calls := 0
		err := s.WalkCtx(ctx, func(string, []byte) error {
			calls++
			if calls == 1 {
				for i := 0; i < n; i++ {
					if err := s.DeleteCtx(ctx, fmt.Sprint("w", i)); err != nil {
						return err
					}
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		// SCAN's COUNT is a hint: allow a few batches' worth.
		if calls > 5*batch {
			t.Errorf("the walk called fn %d times after every session was deleted in the first call: it held %d sessions in memory, not one batch of %d", calls, calls, batch)
		}
	})
	t.Run("dead pooled connections", func(t *testing.T) {
		// A node that dropped its clients (restarted, or the Sentinel-style
		// CLIENT KILL) leaves its pool full of dead connections: the first
		// operation retries once on a newly dialled one, and succeeds.
		s := redisstore.New(cl, redisstore.WithPrefix("dead:"))
		ctx := context.Background()
		if err := s.CommitCtx(ctx, "tok", []byte("v"), time.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		for g := 0; g < 8; g++ { // several connections in the node's pool
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < 20; i++ {
					_, _, _ = s.FindCtx(ctx, "tok")
				}
			}()
		}
		wg.Wait()
		m := c.MasterOf("dead:tok")
		if n, err := redis.Int(m.Do("CLIENT", "KILL", "TYPE", "normal"), nil); err != nil || n < 2 {
			t.Fatalf("CLIENT KILL closed %d connections (%v), want the pool's", n, err)
		}
		for i := 0; i < 10; i++ {
			if b, found, err := s.FindCtx(ctx, "tok"); err != nil || !found || string(b) != "v" {
				t.Fatalf("find %d after the node dropped its clients: %q %v %v", i, b, found, err)
			}
		}
	})
	a := newApp(t, cl)
	t.Run("manager", func(t *testing.T) {
		for i := 0; i < 12; i++ { // several slots, so several masters
			roundTrip(t, a, fmt.Sprintf("user%d", i))
		}
	})
	t.Run("commands per request", func(t *testing.T) {
		var tok string
		expect := func(name string, want string, do func()) {
			t.Helper()
			if got := fmt.Sprint(c.Calls(do)); got != want {
				t.Errorf("%s: the masters saw %v, want %v", name, got, want)
			}
		}
		expect("sign-in", "map[set:1]", func() { tok = a.signIn(t, "ada") })
		for i := 0; i < 3; i++ {
			expect("read", "map[get:1]", func() {
				if status, body, _, _ := a.do("GET", "/me", tok); status != 200 || body != "ada 0" {
					t.Errorf("read: %d %q", status, body)
				}
			})
		}
		// A write is GET + one EVALSHA (the conditional commit, whose
		// script runs GET and SET); the first one loads the script.
		a.do("POST", "/write", tok)
		expect("write", "map[evalsha:1 get:2 set:1]", func() { a.do("POST", "/write", tok) })
		expect("no cookie", "map[]", func() { a.do("GET", "/me", "") })
	})
	t.Run("scripts go to the key's master", func(t *testing.T) {
		// A script's first argument is its SHA-1 (or source), not a key:
		// routed by it, every EVALSHA went first to the master of the
		// hash's slot, which answered MOVED, and failed while that master
		// was down even for sessions on the others.
		s := redisstore.New(cl, redisstore.WithPrefix("sc:"))
		ctx := context.Background()
		exp := time.Now().Add(time.Hour)
		byMaster := map[string]string{}
		for i := 0; len(byMaster) < 3 && i < 300; i++ {
			tok := fmt.Sprint("tok", i)
			if m := c.MasterOf("sc:" + tok); m != nil && byMaster[m.Addr()] == "" {
				byMaster[m.Addr()] = tok
			}
		}
		if len(byMaster) != 3 {
			t.Fatalf("keys on %d masters, want 3", len(byMaster))
		}
		for addr, tok := range byMaster {
			if err := s.CommitCtx(ctx, tok, []byte("v"), exp); err != nil {
				t.Fatal(err)
			}
			for round := 0; round < 2; round++ { // the first loads the scripts on this master
				calls := c.Calls(func() {
					if _, found, _, err := s.FindIdleCtx(ctx, tok, time.Hour, time.Minute); err != nil || !found {
						t.Errorf("find idle on %s: %v %v", addr, found, err)
					}
					if err := s.CommitIfCtx(ctx, tok, []byte("v"), exp, []byte("v")); err != nil {
						t.Errorf("commit if on %s: %v", addr, err)
					}
				})
				// GET, PTTL and SET are the scripts' own: no round trip.
				const want = "map[evalsha:2 get:2 pttl:1 set:1]"
				if got := fmt.Sprint(calls); round == 1 && got != want {
					t.Errorf("a session on %s: find idle and commit if cost %v, want %v", addr, got, want)
				}
			}
		}
	})
	t.Run("failover", func(t *testing.T) { clusterFailover(t, c, a, false) })
}

// TestClusterFullCoverage is the same failover with Redis's default
// cluster-require-full-coverage yes: until the replica is promoted, the
// whole cluster refuses queries, so the other masters' sessions fail too
// (503, never a wrong session).
func TestClusterFullCoverage(t *testing.T) {
	t.Parallel() // each builds its own servers; together they take the time of the longest
	c := redistest.StartCluster(t, redistest.ClusterOptions{FullCoverage: true})
	cfg, err := herokuurl.Parse("redis://" + c.Nodes[0].Addr())
	if err != nil {
		t.Fatal(err)
	}
	cl, err := cfg.Connect(ctx10(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cl.Close() })
	clusterFailover(t, c, newApp(t, cl), true)
}

// storeSuite is the redisstore round trip: one command per operation,
// conditional commits, touch, and iteration over every master.
func storeSuite(t *testing.T, s *redisstore.Store, masters []*redistest.Server) {
	ctx := context.Background()
	exp := time.Now().Add(time.Minute)
	if _, found, err := s.FindCtx(ctx, "nope"); found || err != nil {
		t.Fatalf("Find(missing) = %v, %v", found, err)
	}
	if err := s.CommitCtx(ctx, "tok", []byte("blob\x00\xff"), exp); err != nil {
		t.Fatal(err)
	}
	if b, found, err := s.FindCtx(ctx, "tok"); err != nil || !found || string(b) != "blob\x00\xff" {
		t.Fatalf("Find = %q %v %v", b, found, err)
	}
	if err := s.CommitModeCtx(ctx, "tok", []byte("x"), exp, store.Create); !errors.Is(err, store.ErrExists) {
		t.Errorf("create over an existing session: %v", err)
	}
	if err := s.CommitModeCtx(ctx, "new", []byte("x"), exp, store.Update); !errors.Is(err, store.ErrGone) {
		t.Errorf("update of a missing session: %v", err)
	}
	if err := s.TouchCtx(ctx, "tok", time.Now().Add(time.Hour)); err != nil {
		t.Errorf("touch: %v", err)
	}
	if err := s.TouchCtx(ctx, "missing", time.Now().Add(time.Hour)); !errors.Is(err, store.ErrGone) {
		t.Errorf("touch of a missing session: %v", err)
	}
	if err := s.DeleteCtx(ctx, "tok"); err != nil {
		t.Fatal(err)
	}
	if _, found, _ := s.FindCtx(ctx, "tok"); found {
		t.Fatal("found after Delete")
	}
	const n = 200
	for i := 0; i < n; i++ {
		if err := s.CommitCtx(ctx, fmt.Sprint("it", i), []byte(fmt.Sprint(i)), exp); err != nil {
			t.Fatal(err)
		}
	}
	for _, m := range masters {
		if k, _ := redis.Int(m.Do("DBSIZE"), nil); k == 0 {
			t.Errorf("master %s holds no session: keys are not spread", m.Addr())
		}
	}
	all, err := s.AllCtx(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != n {
		t.Fatalf("All found %d sessions, want %d (every master walked once)", len(all), n)
	}
	for i := 0; i < n; i++ {
		if string(all[fmt.Sprint("it", i)]) != fmt.Sprint(i) {
			t.Fatalf("All[it%d] = %q", i, all[fmt.Sprint("it", i)])
		}
	}
	for i := 0; i < n; i++ {
		_ = s.DeleteCtx(ctx, fmt.Sprint("it", i))
	}
}

// clusterFailover kills the master of some sessions under load.
// With fullCoverage, the other masters' sessions must fail for a while;
// without, never.
func clusterFailover(t *testing.T, c *redistest.Cluster, a *app, fullCoverage bool) {
	const n, workers = 96, 8
	fr := failoverRun{workers: workers, maxOps: 200000, maxTime: 60 * time.Second, pause: 2 * time.Millisecond}
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("fo%d", i)
		fr.sessions = append(fr.sessions, &session{name: name, token: a.signIn(t, name)})
	}
	victim := c.MasterOf(storeKey(fr.sessions[0].token))
	if victim == nil {
		t.Fatal("no master for the first session")
	}
	perMaster := map[string]int{}
	for _, s := range fr.sessions {
		m := c.MasterOf(storeKey(s.token))
		perMaster[m.Addr()]++
		s.failing = m == victim
	}
	if len(perMaster) != 3 {
		t.Fatalf("sessions on %d masters, want 3: %v", len(perMaster), perMaster)
	}
	res := fr.run(t, a, victim.Kill)
	c.WaitHealthy(30 * time.Second)
	iterateFindsAll(t, a, fr.sessions)
	t.Logf("cluster failover (cluster-require-full-coverage %v): %d requests, %d sessions (%d on the killed master); errors: %d on the killed master's sessions, %d on the others; "+
		"wrong sessions %d; 401 (session lost) %d; last error %v after the kill; acknowledged writes lost %d (in %d sessions); first error: %s",
		fullCoverage, res.ops, n, perMaster[victim.Addr()], res.errorsFailing, res.errorsOthers, res.wrong, res.unauth,
		res.recovery.Round(time.Millisecond), res.lostWrites, res.sessionsLosing, res.firstErr)
	if res.wrong != 0 {
		t.Errorf("%d answers showed a wrong session", res.wrong)
	}
	if !fullCoverage && res.errorsOthers != 0 {
		t.Errorf("%d errors on sessions of the masters that stayed up; the first: %s", res.errorsOthers, strings.Join(res.othersErrs, "; "))
	}
	if fullCoverage && res.errorsOthers == 0 {
		t.Errorf("no error on the other masters' sessions with cluster-require-full-coverage yes")
	}
	if res.errorsFailing == 0 {
		t.Errorf("no error on the killed master's sessions: the kill did not happen under load")
	}
	if res.recovery > 30*time.Second {
		t.Errorf("errors went on for %v after the kill, want recovery within 30s", res.recovery)
	}
}
