package scaletest_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sessionkit/sessionkit/herokuurl"
	"github.com/sessionkit/sessionkit/manager"
	"github.com/sessionkit/sessionkit/store/redisstore"
	"github.com/sessionkit/sessionkit/typed"
)

// app is a signed-in-user app behind a manager on a Redis client:
// POST /signin?name=X signs X in (n = 0), GET /me answers "X n", POST
// /write increments n and answers "X n", POST /signout destroys the
// session. Without a user, /me and /write answer 401.
type app struct {
	m   *manager.Manager
	srv *httptest.Server
	hc  *http.Client
}

func newApp(t *testing.T, cl herokuurl.Client) *app {
	t.Helper()
	m := manager.New(manager.Config{
		Store: redisstore.New(cl),
		// Failover errors are counted, not logged: the error a request
		// failed with is handed to the client in a header instead.
		Logger: slog.New(errHeader{}),
	})
	mux := http.NewServeMux()
	mux.HandleFunc("POST /signin", func(w http.ResponseWriter, r *http.Request) {
		if err := m.RenewToken(r.Context()); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		if err := typed.Put(r.Context(), "user", r.URL.Query().Get("name")); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		_ = typed.Put(r.Context(), "n", 0)
		fmt.Fprint(w, "ok")
	})
	me := func(w http.ResponseWriter, r *http.Request, inc bool) {
		user, err := typed.Get[string](r.Context(), "user")
		if err != nil {
			http.Error(w, "no user", http.StatusUnauthorized)
			return
		}
		n, _ := typed.GetOr(r.Context(), "n", 0)
		if inc {
			n++
			if err := typed.Put(r.Context(), "n", n); err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
		}
		fmt.Fprintf(w, "%s %d", user, n)
	}
	mux.HandleFunc("GET /me", func(w http.ResponseWriter, r *http.Request) { me(w, r, false) })
	mux.HandleFunc("POST /write", func(w http.ResponseWriter, r *http.Request) { me(w, r, true) })
	mux.HandleFunc("POST /signout", func(w http.ResponseWriter, r *http.Request) {
		if err := m.Destroy(r.Context()); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		fmt.Fprint(w, "bye")
	})
	inner := m.LoadAndSave(mux)
	outer := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		inner.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), responseKey{}, w)))
	})
	a := &app{m: m, srv: httptest.NewServer(outer)}
	a.hc = &http.Client{Timeout: 15 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	t.Cleanup(a.srv.Close)
	return a
}

// responseKey is the context key of the request's http.ResponseWriter.
type responseKey struct{}

// errHeader is a slog.Handler that puts the "err" attribute of a record
// logged with a request's context into the response's X-Err header: the
// default error handler logs before it writes the status, so the client
// sees which error a 503 was.
type errHeader struct{}

func (errHeader) Enabled(context.Context, slog.Level) bool { return true }
func (h errHeader) WithAttrs([]slog.Attr) slog.Handler     { return h }
func (h errHeader) WithGroup(string) slog.Handler          { return h }
func (errHeader) Handle(ctx context.Context, r slog.Record) error {
	w, ok := ctx.Value(responseKey{}).(http.ResponseWriter)
	if !ok {
		return nil
	}
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == "err" {
			w.Header().Add("X-Err", a.Value.String())
		}
		return true
	})
	return nil
}

// do sends one request with the session token (none when ""), and returns
// the status, the body and the token the response set, if any.
func (a *app) do(method, path, token string) (int, string, string, error) {
	req, err := http.NewRequest(method, a.srv.URL+path, nil)
	if err != nil {
		return 0, "", "", err
	}
	if token != "" {
		req.AddCookie(&http.Cookie{Name: "session", Value: token})
	}
	resp, err := a.hc.Do(req)
	if err != nil {
		return 0, "", "", err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if e := resp.Header.Values("X-Err"); len(e) > 0 && resp.StatusCode != http.StatusOK {
		b = append(b, fmt.Sprintf(" (%s)", strings.Join(e, "; "))...)
	}
	set := ""
	for _, c := range resp.Cookies() {
		if c.Name == "session" {
			set = c.Value
		}
	}
	return resp.StatusCode, string(b), set, nil
}

// signIn signs name in and returns the session token.
func (a *app) signIn(t *testing.T, name string) string {
	t.Helper()
	status, body, tok, err := a.do("POST", "/signin?name="+name, "")
	if err != nil || status != 200 || tok == "" {
		t.Fatalf("sign-in %s: %d %q %v", name, status, body, err)
	}
	return tok
}

// storeKey is where the manager keeps the session of token: the default
// prefix and sha256(token), as manager/token.go computes it.
func storeKey(token string) string {
	sum := sha256.Sum256([]byte(token))
	return redisstore.DefaultPrefix + base64.RawURLEncoding.EncodeToString(sum[:])
}

// parseMe splits "user n".
func parseMe(body string) (string, int, bool) {
	user, ns, ok := strings.Cut(body, " ")
	n, err := strconv.Atoi(ns)
	return user, n, ok && err == nil
}

// roundTrip is the manager round trip: sign in, read, write, read back,
// sign out, and the session is gone.
func roundTrip(t *testing.T, a *app, name string) {
	t.Helper()
	tok := a.signIn(t, name)
	expect := func(method, path, want string) {
		t.Helper()
		status, body, _, err := a.do(method, path, tok)
		if err != nil || status != 200 || body != want {
			t.Fatalf("%s %s: %d %q %v, want %q", method, path, status, body, err, want)
		}
	}
	expect("GET", "/me", name+" 0")
	expect("POST", "/write", name+" 1")
	expect("GET", "/me", name+" 1")
	// Signing in again renews the token: the old one ends.
	status, body, renewed, err := a.do("POST", "/signin?name="+name, tok)
	if err != nil || status != 200 || renewed == "" || renewed == tok {
		t.Fatalf("second sign-in: %d %q %v, token renewed: %v", status, body, err, renewed != tok)
	}
	if status, _, _, _ := a.do("GET", "/me", tok); status != 401 {
		t.Fatalf("the token before renewal still answers %d, want 401", status)
	}
	old := tok
	tok = renewed
	expect("GET", "/me", name+" 0")
	expect("POST", "/signout", "bye")
	for _, tk := range []string{tok, old} {
		if status, _, _, _ := a.do("GET", "/me", tk); status != 401 {
			t.Fatalf("after sign-out /me answered %d, want 401", status)
		}
	}
}

// failoverRun is a bounded load on sessions while one part of Redis fails.
type failoverRun struct {
	sessions []*session
	workers  int
	maxOps   int           // bound on requests in all
	maxTime  time.Duration // bound on the whole run
	pause    time.Duration // between one worker's requests
}

type session struct {
	name, token string
	failing     bool // on the node that is killed

	mu        sync.Mutex
	acked     int  // the n of the last acknowledged write
	ackedKill int  // acked when the node was killed
	checked   bool // first success after the kill seen
	lost      int  // acknowledged writes missing after the kill
	errors    int
	lastErr   time.Time
}

// failoverResult is what a run saw.
type failoverResult struct {
	ops, errorsFailing, errorsOthers, wrong, unauth int
	// not503 counts errors that were not the default error handler's 503
	// (another status, or no answer at all); firstNot503 is the first.
	not503                     int
	firstNot503                string
	lostWrites, sessionsLosing int
	recovery                   time.Duration // kill to the last error
	firstErr                   string
	// othersErrs are the first errors on sessions whose node stayed up,
	// with when they happened relative to the kill: what to look at when
	// there are any.
	othersErrs []string
}

// run sends requests, alternately a write and a read per session, kills
// with kill once a second of load has passed, and goes on until every
// session on the failing part has answered after the kill and two more
// seconds of load have passed, or a bound is reached.
func (fr failoverRun) run(t *testing.T, a *app, kill func()) failoverResult {
	t.Helper()
	var (
		mu       sync.Mutex
		res      failoverResult
		killedAt time.Time
		killed   bool
	)
	start := time.Now()
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var ops int
	next := func() (int, bool) {
		mu.Lock()
		defer mu.Unlock()
		if ops >= fr.maxOps || time.Since(start) > fr.maxTime {
			return 0, false
		}
		ops++
		return ops, true
	}
	for w := 0; w < fr.workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := w; ; i += fr.workers {
				select {
				case <-stop:
					return
				default:
				}
				op, ok := next()
				if !ok {
					return
				}
				s := fr.sessions[i%len(fr.sessions)]
				write := (i/len(fr.sessions))%2 == 0
				method, path := "GET", "/me"
				if write {
					method, path = "POST", "/write"
				}
				status, body, _, err := a.do(method, path, s.token)
				mu.Lock()
				isKilled := killed
				mu.Unlock()
				s.mu.Lock()
				switch {
				case err == nil && status == 200:
					user, n, ok := parseMe(body)
					if !ok || user != s.name {
						mu.Lock()
						res.wrong++
						mu.Unlock()
						t.Errorf("session of %s answered %q: a wrong session", s.name, body)
						break
					}
					if isKilled && !s.checked {
						s.checked = true
						seen := n
						if write {
							seen = n - 1
						}
						if seen < s.ackedKill {
							s.lost = s.ackedKill - seen
						}
					}
					if write {
						s.acked = n
					}
				case err == nil && status == 401:
					mu.Lock()
					res.unauth++
					mu.Unlock()
					s.errors++
					s.lastErr = time.Now()
				default:
					s.errors++
					s.lastErr = time.Now()
					mu.Lock()
					if res.firstErr == "" {
						res.firstErr = fmt.Sprintf("%d %q %v", status, strings.TrimSpace(body), err)
					}
					if err != nil || status != http.StatusServiceUnavailable {
						res.not503++
						if res.firstNot503 == "" {
							res.firstNot503 = fmt.Sprintf("%s %s: %d %q %v", method, path, status, strings.TrimSpace(body), err)
						}
					}
					if !s.failing && len(res.othersErrs) < 5 {
						at := "before the kill"
						if isKilled {
							at = fmt.Sprintf("%v after the kill", time.Since(killedAt).Round(time.Millisecond))
						}
						res.othersErrs = append(res.othersErrs, fmt.Sprintf("%s %s (%s): %d %q %v", method, path, at, status, strings.TrimSpace(body), err))
					}
					mu.Unlock()
				}
				s.mu.Unlock()
				_ = op
				time.Sleep(fr.pause)
			}
		}(w)
	}
	// Kill after a second of load, then wait for recovery.
	time.Sleep(time.Second)
	mu.Lock()
	for _, s := range fr.sessions {
		s.mu.Lock()
		s.ackedKill = s.acked
		s.mu.Unlock()
	}
	killed, killedAt = true, time.Now()
	mu.Unlock()
	kill()
	for {
		time.Sleep(100 * time.Millisecond)
		all := true
		for _, s := range fr.sessions {
			s.mu.Lock()
			all = all && s.checked
			s.mu.Unlock()
		}
		mu.Lock()
		done := ops >= fr.maxOps || time.Since(start) > fr.maxTime
		mu.Unlock()
		if done {
			break
		}
		if all {
			time.Sleep(2 * time.Second)
			break
		}
	}
	close(stop)
	wg.Wait()
	res.ops = ops
	var last time.Time
	for _, s := range fr.sessions {
		if !s.checked {
			t.Errorf("session of %s never answered after the kill", s.name)
		}
		if s.failing {
			res.errorsFailing += s.errors
		} else {
			res.errorsOthers += s.errors
		}
		if s.lost > 0 {
			res.lostWrites += s.lost
			res.sessionsLosing++
		}
		if s.lastErr.After(last) {
			last = s.lastErr
		}
	}
	if last.After(killedAt) {
		res.recovery = last.Sub(killedAt)
	}
	// What docs/scaling.md promises a user while a master is down: a 503
	// from the default error handler, and the session back afterwards.
	// The sessions were signed in over a second before the kill, long
	// enough to reach the replica, so a 401 is a session lost by the
	// store, not by replication.
	if res.not503 != 0 {
		t.Errorf("%d failed requests were not answered 503; the first: %s", res.not503, res.firstNot503)
	}
	if res.unauth != 0 {
		t.Errorf("%d requests answered 401: sessions seen as signed out", res.unauth)
	}
	return res
}

// iterateFindsAll checks that Manager.Iterate, after the failover, reaches
// every session of the run: on a cluster, every master of the new layout.
func iterateFindsAll(t *testing.T, a *app, sessions []*session) {
	t.Helper()
	var mu sync.Mutex
	seen := map[string]bool{}
	err := a.m.Iterate(ctx10(t), func(ctx context.Context) error {
		user, err := typed.Get[string](ctx, "user")
		if err == nil {
			mu.Lock()
			seen[user] = true
			mu.Unlock()
		}
		return nil
	})
	if err != nil {
		t.Fatalf("Iterate after the failover: %v", err)
	}
	for _, s := range sessions {
		if !seen[s.name] {
			t.Errorf("Iterate after the failover did not find the session of %s", s.name)
		}
	}
}

// ctx10 is a context for setup calls.
func ctx10(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}
