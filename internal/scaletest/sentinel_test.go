package scaletest_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gomodule/redigo/redis"

	"github.com/sessionkit/sessionkit/herokuurl"
	"github.com/sessionkit/sessionkit/internal/redistest"
	"github.com/sessionkit/sessionkit/store/redisstore"
)

// TestSentinel runs sessionkit on a master and replica watched by three
// Sentinels, reached through a master_name URL: the round trips, the
// commands per request, and last, failover under load.
func TestSentinel(t *testing.T) {
	t.Parallel() // each builds its own servers; together they take the time of the longest
	start := time.Now()
	snt := redistest.StartSentinel(t, redistest.SentinelOptions{})
	t.Logf("master, replica and Sentinels up in %v", time.Since(start).Round(time.Millisecond))
	url := "redis://" + snt.Sentinels[0].Addr() + "?master_name=" + redistest.SentinelMasterName
	for _, a := range snt.Addrs()[1:] {
		url += "&addr=" + a
	}
	cfg, err := herokuurl.Parse(url)
	if err != nil {
		t.Fatal(err)
	}
	cl, err := cfg.Connect(ctx10(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cl.Close() })
	master := snt.Master()

	t.Run("store", func(t *testing.T) {
		storeSuite(t, redisstore.New(cl, redisstore.WithPrefix("st:")), []*redistest.Server{master})
	})
	a := newApp(t, cl)
	t.Run("manager", func(t *testing.T) { roundTrip(t, a, "grace") })
	t.Run("commands per request", func(t *testing.T) {
		var tok string
		expect := func(name string, want string, do func()) {
			t.Helper()
			if got := fmt.Sprint(snt.Calls(master, do)); got != want {
				t.Errorf("%s: the master saw %v, want %v", name, got, want)
			}
		}
		expect("sign-in", "map[set:1]", func() { tok = a.signIn(t, "ada") })
		expect("read", "map[get:1]", func() { a.do("GET", "/me", tok) })
		// A write is GET + one EVALSHA (the conditional commit, whose
		// script runs GET and SET); the first one loads the script.
		a.do("POST", "/write", tok)
		expect("write", "map[evalsha:1 get:2 set:1]", func() { a.do("POST", "/write", tok) })
	})
	t.Run("failover", func(t *testing.T) {
		const n, workers = 48, 8
		fr := failoverRun{workers: workers, maxOps: 200000, maxTime: 60 * time.Second, pause: 2 * time.Millisecond}
		for i := 0; i < n; i++ {
			name := fmt.Sprintf("fo%d", i)
			fr.sessions = append(fr.sessions, &session{name: name, token: a.signIn(t, name), failing: true})
		}
		res := fr.run(t, a, master.Kill)
		promoted := snt.WaitFailover(master, 30*time.Second)
		iterateFindsAll(t, a, fr.sessions)
		t.Logf("sentinel failover: %d requests on %d sessions; errors %d; wrong sessions %d; 401 (session lost) %d; last error %v after the kill; acknowledged writes lost %d (in %d sessions); first error: %s",
			res.ops, n, res.errorsFailing, res.wrong, res.unauth, res.recovery.Round(time.Millisecond), res.lostWrites, res.sessionsLosing, res.firstErr)
		if res.wrong != 0 {
			t.Errorf("%d answers showed a wrong session", res.wrong)
		}
		if res.errorsFailing == 0 {
			t.Errorf("no error at all: the kill did not happen under load")
		}
		if res.recovery > 30*time.Second {
			t.Errorf("errors went on for %v after the kill, want recovery within 30s", res.recovery)
		}
		// The sessions live on the promoted replica now.
		keys, _ := redis.Strings(promoted.Do("KEYS", redisstore.DefaultPrefix+"*"), nil)
		if len(keys) < n || !strings.HasPrefix(keys[0], redisstore.DefaultPrefix) {
			t.Errorf("the promoted replica holds %d sessions, want at least %d", len(keys), n)
		}
	})
}
