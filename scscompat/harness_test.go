package scscompat

import (
	"flag"
	"fmt"
	"net/http"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	scsredisstore "github.com/alexedwards/scs/redisstore"
	"github.com/alexedwards/scs/v2"
	"github.com/gomodule/redigo/redis"

	"github.com/sessionkit/sessionkit/codec"
	"github.com/sessionkit/sessionkit/internal/redistest"
	"github.com/sessionkit/sessionkit/manager"
	"github.com/sessionkit/sessionkit/store/boltstore"
	"github.com/sessionkit/sessionkit/store/redisstore"
)

// A scsCase is one test of scs's suites, ported to run against any target.
// name is scs's test name, with "/subtest" for scs's T.Run subtests
// (spaces as underscores, as go test writes them).
type scsCase struct {
	name string
	run  func(t testing.TB, e *env)
}

// env is what a ported test gets instead of scs's New(): a fresh session
// manager on one codec × store, and the middleware to serve requests with.
type env struct {
	target *target
	redis  *sharedRedis
}

// New returns a fresh *scs.SessionManager and the middleware that serves
// requests with it. For sessionkit targets that is
//
//	m := manager.New(manager.Config{Store: st, Codec: c})
//	s := m.SessionManager()
//	... m.LoadAndSave(h)
//
// exactly what a user migrating from scs writes. The tests then set fields
// on s as scs's own tests do on the manager scs.New returns.
func (e *env) New(t testing.TB) (*scs.SessionManager, func(http.Handler) http.Handler) {
	t.Helper()
	return e.target.newManager(t, e)
}

// RedisStore returns the store the redisstore suite exercises, a pool on
// the same (empty) Redis database and the store's key prefix.
func (e *env) RedisStore(t testing.TB) (scs.Store, *redis.Pool, string) {
	t.Helper()
	return e.target.redisStore(t, e)
}

// pool returns a pool on a Redis database of its own: parallel cases share
// one redis-server but never see each other's keys (Iterate, FLUSHDB).
func (e *env) pool(t testing.TB) *redis.Pool {
	t.Helper()
	return e.redis.pool(t)
}

type target struct {
	name       string // "<codec>/<store>"
	reference  bool   // plain scs: every ported case must pass here
	newManager func(t testing.TB, e *env) (*scs.SessionManager, func(http.Handler) http.Handler)
	redisStore func(t testing.TB, e *env) (scs.Store, *redis.Pool, string)
}

var codecs = []struct {
	name string
	c    func() scs.Codec
}{
	{"msgpack", func() scs.Codec { return codec.Msgpack() }},
	{"json", func() scs.Codec { return codec.JSON() }},
	{"gob", func() scs.Codec { return codec.Gob() }},
}

var stores = []struct {
	name string
	open func(t testing.TB, e *env) scs.Store // nil Store: the manager's default
}{
	{"memory", func(testing.TB, *env) scs.Store { return nil }},
	{"bolt", func(t testing.TB, _ *env) scs.Store {
		st, err := boltstore.Open(filepath.Join(t.TempDir(), "sessions.db"))
		if err != nil {
			t.Fatalf("boltstore.Open: %v", err)
		}
		t.Cleanup(func() { _ = st.Close() })
		return st
	}},
	{"redis", func(t testing.TB, e *env) scs.Store { return redisstore.New(e.pool(t)) }},
}

// targets are the nine sessionkit codec × store combinations, plus plain scs
// (its gob codec on its memstore and on its redisstore) as the reference
// that proves each port is faithful: a ported case that fails on plain scs
// is a porting mistake.
func targets() []*target {
	var ts []*target
	for _, c := range codecs {
		for _, st := range stores {
			c, st := c, st
			newManager := func(t testing.TB, e *env) (*scs.SessionManager, func(http.Handler) http.Handler) {
				m := manager.New(manager.Config{Store: st.open(t, e), Codec: c.c()})
				return m.SessionManager(), m.LoadAndSave
			}
			tg := &target{name: c.name + "/" + st.name, newManager: newManager}
			if st.name == "redis" {
				// What code that reaches for s.Store sees: the manager's
				// view of sessionkit's redisstore.
				tg.redisStore = func(t testing.TB, e *env) (scs.Store, *redis.Pool, string) {
					p := e.pool(t)
					m := manager.New(manager.Config{Store: redisstore.New(p), Codec: c.c()})
					return m.SessionManager().Store, p, redisstore.DefaultPrefix
				}
			}
			ts = append(ts, tg)
		}
	}
	ts = append(ts,
		// sessionkit's redisstore on its own, as an scs.Store.
		&target{name: "none/redis", redisStore: func(t testing.TB, e *env) (scs.Store, *redis.Pool, string) {
			p := e.pool(t)
			return redisstore.New(p), p, redisstore.DefaultPrefix
		}},
		&target{name: "scs/memory", reference: true,
			newManager: func(testing.TB, *env) (*scs.SessionManager, func(http.Handler) http.Handler) {
				s := scs.New()
				return s, s.LoadAndSave
			}},
		&target{name: "scs/redis", reference: true,
			newManager: func(t testing.TB, e *env) (*scs.SessionManager, func(http.Handler) http.Handler) {
				s := scs.New()
				s.Store = scsredisstore.New(e.pool(t))
				return s, s.LoadAndSave
			},
			redisStore: func(t testing.TB, e *env) (scs.Store, *redis.Pool, string) {
				p := e.pool(t)
				return scsredisstore.New(p), p, "scs:session:"
			}},
	)
	return ts
}

// sharedRedis is one private redis-server for the whole package run, with
// enough databases for every case to have its own.
type sharedRedis struct {
	srv  *redistest.Server
	next atomic.Int32
}

const redisDatabases = 1024

func startRedis(t *testing.T) *sharedRedis {
	t.Helper()
	return &sharedRedis{srv: redistest.Start(t, redistest.Options{
		Args: []string{"--databases", fmt.Sprint(redisDatabases)},
	})}
}

func (r *sharedRedis) pool(t testing.TB) *redis.Pool {
	t.Helper()
	db := int(r.next.Add(1))
	if db >= redisDatabases {
		t.Fatalf("scscompat: more than %d Redis databases needed; raise redisDatabases", redisDatabases)
	}
	addr := r.srv.Addr()
	p := &redis.Pool{
		MaxIdle: 4, MaxActive: 16, Wait: true, IdleTimeout: time.Minute,
		Dial: func() (redis.Conn, error) {
			return redis.Dial("tcp", addr, redis.DialDatabase(db),
				redis.DialConnectTimeout(time.Second),
				redis.DialReadTimeout(5*time.Second), redis.DialWriteTimeout(5*time.Second))
		},
	}
	t.Cleanup(func() { _ = p.Close() })
	return p
}

// recorder runs a ported scs test and records its failures instead of
// failing the Go test, so that TestSCS can hold each case against
// expectedDifferences. Everything else (Cleanup, TempDir, Logf, Helper,
// Name) goes to the real test.
type recorder struct {
	testing.TB
	mu     sync.Mutex
	failed bool
	msgs   []string
	logs   []string // what the case logged, e.g. handler panics
}

func (r *recorder) Log(args ...any) {
	r.TB.Helper()
	r.TB.Log(args...)
	r.note(fmt.Sprint(args...))
}

func (r *recorder) Logf(format string, args ...any) {
	r.TB.Helper()
	r.TB.Logf(format, args...)
	r.note(fmt.Sprintf(format, args...))
}

func (r *recorder) note(msg string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.logs = append(r.logs, msg)
}

func (r *recorder) fail(msg string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failed = true
	r.msgs = append(r.msgs, strings.TrimSuffix(msg, "\n"))
}

func (r *recorder) Fail()                             { r.fail("Fail called") }
func (r *recorder) Error(args ...any)                 { r.fail(fmt.Sprint(args...)) }
func (r *recorder) Errorf(format string, args ...any) { r.fail(fmt.Sprintf(format, args...)) }
func (r *recorder) FailNow()                          { r.fail("FailNow called"); runtime.Goexit() }
func (r *recorder) Fatal(args ...any)                 { r.fail(fmt.Sprint(args...)); runtime.Goexit() }
func (r *recorder) Fatalf(format string, args ...any) {
	r.fail(fmt.Sprintf(format, args...))
	runtime.Goexit()
}

// Skipping would hide a case: it counts as a failure.
func (r *recorder) Skip(args ...any)                 { r.Fatal(append([]any{"skip: "}, args...)...) }
func (r *recorder) Skipf(format string, args ...any) { r.Fatalf("skip: "+format, args...) }
func (r *recorder) SkipNow()                         { r.Fatal("SkipNow called") }

func (r *recorder) Failed() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.failed
}

func (r *recorder) result() (failed bool, msgs, logs []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.failed, append([]string(nil), r.msgs...), append([]string(nil), r.logs...)
}

// runRecorded runs fn on its own goroutine (so that Fatal can end it) and
// turns a panic into a recorded failure. It returns the failure messages
// and, apart, what fn logged.
func runRecorded(t *testing.T, fn func(testing.TB)) (failed bool, msgs, logs []string) {
	rec := &recorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer func() {
			if p := recover(); p != nil {
				rec.fail(fmt.Sprintf("panic: %v", p))
			}
		}()
		fn(rec)
	}()
	<-done
	return rec.result()
}

// outcome of one case, for the summary.
type outcome struct {
	name   string
	failed bool
	diff   *difference
}

// TestSCS runs every ported scs test against every target, as subtests
// named <codec>/<store>/<scs test name>. A case passes or is listed in
// expectedDifferences and fails scs's assertions; a listed case that
// passes fails the run ("now passes: remove from expectedDifferences"), so
// the list can only shrink.
func TestSCS(t *testing.T) {
	e := &env{redis: startRedis(t)}
	var (
		mu       sync.Mutex
		outcomes []outcome
	)
	// Cases that sleep and compare against short lifetimes run in a second
	// group, once the CPU-heavy bulk is done, so that load cannot stretch
	// their request timings.
	for _, group := range []struct {
		name  string
		timed bool
	}{{"cases", false}, {"timed", true}} {
		t.Run(group.name, func(t *testing.T) {
			for _, tg := range targets() {
				for _, c := range casesFor(tg) {
					if timedCases[c.name] != group.timed {
						continue
					}
					tg, c := tg, c
					name := tg.name + "/" + c.name
					t.Run(name, func(t *testing.T) {
						t.Parallel()
						te := &env{target: tg, redis: e.redis}
						failed, msgs, logs := runRecorded(t, func(tb testing.TB) { c.run(tb, te) })
						var d *difference
						if !tg.reference { // plain scs must pass every port
							d = lookupDifference(name)
						}
						mu.Lock()
						outcomes = append(outcomes, outcome{name: name, failed: failed, diff: d})
						mu.Unlock()
						judge(t, tg, d, failed, msgs, logs)
					})
				}
			}
		})
	}
	summarize(t, outcomes)
}

// timedCases sleep against lifetimes of a few hundred milliseconds.
var timedCases = map[string]bool{"TestLifetime": true, "TestIdleTimeout": true, "TestExpiry": true}

func casesFor(tg *target) []scsCase {
	var cases []scsCase
	if tg.newManager != nil {
		cases = append(cases, sessionCases...)
		cases = append(cases, sessionGo120Cases...)
		cases = append(cases, dataCases...)
		cases = append(cases, extraCases...)
	}
	if tg.redisStore != nil {
		cases = append(cases, redisstoreCases...)
	}
	return cases
}

func judge(t *testing.T, tg *target, d *difference, failed bool, msgs, logs []string) {
	t.Helper()
	detail := "\n\t" + strings.Join(msgs, "\n\t")
	switch {
	case d != nil && failed && !strings.Contains(strings.Join(append(msgs, logs...), "\n"), d.failure):
		t.Errorf("fails differently from expectedDifferences entry %q (%s; expected a failure containing %q): update the entry%s",
			d.pattern, d.category, d.failure, detail)
	case d != nil && !failed:
		t.Errorf("now passes: remove from expectedDifferences (entry %q: %s)", d.pattern, d.reason)
	case d != nil:
		t.Logf("expected difference [%s] %s%s", d.category, d.reason, detail)
	case failed && tg.reference:
		t.Errorf("fails on plain scs, so the port is wrong:%s", detail)
	case failed:
		t.Errorf("scs's assertions fail through sessionkit:%s", detail)
	}
}

// filtered reports whether go test -run or -skip selects some cases only.
func filtered() bool {
	if f := flag.Lookup("test.run"); f != nil && strings.Contains(f.Value.String(), "/") {
		return true
	}
	f := flag.Lookup("test.skip")
	return f != nil && f.Value.String() != ""
}

// summarize checks that every expectedDifferences entry still matches a
// failing case and logs the counts (go test -v -run TestSCS ./scscompat).
func summarize(t *testing.T, outcomes []outcome) {
	t.Helper()
	used := map[*difference]int{}
	var total, pass, listed, refTotal, refPass int
	perCategory := map[string]int{}
	for _, o := range outcomes {
		if strings.HasPrefix(o.name, "scs/") {
			refTotal++
			if !o.failed {
				refPass++
			}
			continue
		}
		total++
		if !o.failed {
			pass++
		}
		if o.diff != nil {
			used[o.diff]++
			if o.failed {
				listed++
				perCategory[o.diff.category]++
			}
		}
	}
	for i := range expectedDifferences {
		d := &expectedDifferences[i]
		if used[d] == 0 && !filtered() {
			t.Errorf("expectedDifferences entry %q matches no case: remove it", d.pattern)
		}
	}
	var cats []string
	for c, n := range perCategory {
		cats = append(cats, fmt.Sprintf("%s: %d", c, n))
	}
	sort.Strings(cats)
	t.Logf("sessionkit: %d cases, %d pass, %d fail (%d of them listed in expectedDifferences)\n\t%s",
		total, pass, total-pass, listed, strings.Join(cats, "\n\t"))
	t.Logf("plain scs (reference): %d cases, %d pass", refTotal, refPass)
}
