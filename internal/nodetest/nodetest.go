// Package nodetest starts the Express fixture app (testdata/express: Express
// 5, express-session, connect-redis) for interop tests: on a free loopback
// port, against the Redis the test gives it, stopped when the test ends.
//
// A missing Node.js or an uninstalled fixture is a test failure that says
// what to run, never a skip.
package nodetest

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/sessionkit/sessionkit/internal/redistest"
)

// InstallHint says how to get Node.js and the fixture's packages; failures
// quote it.
const InstallHint = "Node.js >= 18 with npm and the fixture's packages are needed: run scripts/ensure-deps " +
	"(Debian/Ubuntu: sudo apt-get install -y nodejs npm; then npm ci in testdata/express) — .ci/run does this for CI"

// startTimeout bounds the wait for the fixture to connect to Redis and
// listen; Node starts slowly on a busy two-core machine.
const startTimeout = 30 * time.Second

// Options configure the fixture. RedisURL and Secrets are required.
type Options struct {
	RedisURL string   // REDIS_URL, e.g. redistest.Server.URL()
	Secrets  []string // SESSION_SECRET, joined with commas; the first signs
	Cookie   string   // SESSION_COOKIE; "" means express-session's connect.sid
	Prefix   string   // SESSION_PREFIX; "" means connect-redis's sess:
	// MaxAge is the cookie maxAge (SESSION_MAX_AGE, whole milliseconds);
	// zero leaves it unset: a browser-session cookie, and connect-redis's
	// one-day TTL.
	MaxAge time.Duration
}

// App is a running fixture.
type App struct {
	URL  string // base URL, "http://127.0.0.1:port"
	Port int

	tb    testing.TB
	out   *lockedBuffer
	cmd   *exec.Cmd
	stdin io.Closer
	done  chan struct{}
	once  sync.Once
}

// Dir is the fixture's directory, testdata/express at the module root.
func Dir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "testdata", "express")
}

// Start starts the fixture, waits until it has connected to Redis and is
// listening, and registers its shutdown with tb.Cleanup. It fails tb when
// Node or the fixture's packages are missing, or when the app does not
// come up, quoting the app's output.
func Start(tb testing.TB, opts Options) *App {
	tb.Helper()
	if opts.RedisURL == "" || len(opts.Secrets) == 0 {
		tb.Fatal("nodetest: Options.RedisURL and Options.Secrets are required")
	}
	if err := checkNode(); err != nil {
		tb.Fatalf("nodetest: %v; %s", err, InstallHint)
	}
	dir := Dir()
	if err := checkFixture(dir); err != nil {
		tb.Fatalf("nodetest: %v; %s", err, InstallHint)
	}

	port := redistest.FreePort(tb)
	a := &App{Port: port, URL: "http://" + net.JoinHostPort("127.0.0.1", strconv.Itoa(port)),
		tb: tb, out: &lockedBuffer{}, done: make(chan struct{})}
	cmd := exec.Command("node", "app.js")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(),
		"PORT="+strconv.Itoa(port),
		"REDIS_URL="+opts.RedisURL,
		"SESSION_SECRET="+strings.Join(opts.Secrets, ","),
		"SESSION_COOKIE="+opts.Cookie,
		"SESSION_PREFIX="+opts.Prefix,
		"NODE_ENV=test",
	)
	if opts.MaxAge > 0 {
		cmd.Env = append(cmd.Env, "SESSION_MAX_AGE="+strconv.FormatInt(opts.MaxAge.Milliseconds(), 10))
	}
	// Its own process group, so that stopping it also stops anything it
	// spawned.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		tb.Fatalf("nodetest: %v", err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatalf("nodetest: %v", err)
	}
	cmd.Stderr = a.out
	if err := cmd.Start(); err != nil {
		tb.Fatalf("nodetest: starting node: %v", err)
	}
	a.cmd, a.stdin = cmd, stdin
	tb.Cleanup(a.Stop)

	ready := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stdout)
		signalled := false
		for sc.Scan() {
			a.out.Write(append(sc.Bytes(), '\n'))
			if !signalled && strings.HasPrefix(sc.Text(), "listening on ") {
				signalled = true
				close(ready)
			}
		}
		_ = cmd.Wait()
		close(a.done)
	}()

	select {
	case <-ready:
		return a
	case <-a.done:
		tb.Fatalf("nodetest: the Express fixture exited at start (%v); output:\n%s", cmd.ProcessState, a.Output())
	case <-time.After(startTimeout):
		a.Stop()
		tb.Fatalf("nodetest: the Express fixture did not listen within %v; output:\n%s", startTimeout, a.Output())
	}
	return nil
}

// checkFixture reports whether npm ci has installed the fixture's packages.
func checkFixture(dir string) error {
	for _, pkg := range []string{"express", "express-session", "connect-redis", "redis"} {
		if _, err := os.Stat(filepath.Join(dir, "node_modules", pkg, "package.json")); err != nil {
			return fmt.Errorf("the fixture's npm package %s is not installed in %s", pkg, dir)
		}
	}
	return nil
}

func checkNode() error {
	if _, err := exec.LookPath("node"); err != nil {
		return errors.New("node not found on PATH")
	}
	out, err := exec.Command("node", "-p", "process.versions.node").Output()
	if err != nil {
		return fmt.Errorf("node -p process.versions.node: %v", err)
	}
	v := strings.TrimSpace(string(out))
	major, _ := strconv.Atoi(strings.SplitN(v, ".", 2)[0])
	if major < 18 {
		return fmt.Errorf("node %s is too old (want >= 18)", v)
	}
	return nil
}

// Output is everything the app printed so far, for failure messages.
func (a *App) Output() string { return a.out.String() }

// Stop closes the app's stdin (it exits on EOF), sends SIGTERM to its
// process group, and SIGKILL if it is still running after five seconds.
// Stopping a stopped app does nothing.
func (a *App) Stop() {
	a.once.Do(func() {
		_ = a.stdin.Close()
		// Once the app has exited and been reaped its group id may be
		// reused by an unrelated process: signal the group only while the
		// app is known to run.
		select {
		case <-a.done:
			return
		default:
		}
		pgid := a.cmd.Process.Pid
		_ = syscall.Kill(-pgid, syscall.SIGTERM)
		select {
		case <-a.done:
		case <-time.After(5 * time.Second):
			_ = syscall.Kill(-pgid, syscall.SIGKILL)
			<-a.done
		}
	})
}

// Response is what the app answered.
type Response struct {
	Status  int
	Body    []byte
	Cookies []*http.Cookie // from Set-Cookie
	Header  http.Header
}

// Do sends one request to the app with the given cookies and, when form is
// not nil, a form body; it fails the test on a transport error, quoting
// the app's output.
func (a *App) Do(method, path string, form url.Values, cookies ...*http.Cookie) Response {
	a.tb.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, a.URL+path, body)
	if err != nil {
		a.tb.Fatalf("nodetest: %v", err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for _, c := range cookies {
		req.AddCookie(c)
	}
	return a.send(req)
}

// DoJSON is Do with a JSON body.
func (a *App) DoJSON(method, path string, jsonBody string, cookies ...*http.Cookie) Response {
	a.tb.Helper()
	req, err := http.NewRequest(method, a.URL+path, strings.NewReader(jsonBody))
	if err != nil {
		a.tb.Fatalf("nodetest: %v", err)
	}
	req.Header.Set("Content-Type", "application/json")
	for _, c := range cookies {
		req.AddCookie(c)
	}
	return a.send(req)
}

// DoRawCookie sends a GET with the Cookie header exactly as given, for
// values that http.Cookie would refuse or rewrite.
func (a *App) DoRawCookie(path, cookieHeader string) Response {
	a.tb.Helper()
	req, err := http.NewRequest(http.MethodGet, a.URL+path, nil)
	if err != nil {
		a.tb.Fatalf("nodetest: %v", err)
	}
	req.Header.Set("Cookie", cookieHeader)
	return a.send(req)
}

var client = &http.Client{Timeout: 10 * time.Second}

func (a *App) send(req *http.Request) Response {
	a.tb.Helper()
	resp, err := client.Do(req)
	if err != nil {
		a.tb.Fatalf("nodetest: %s %s: %v; app output:\n%s", req.Method, req.URL.Path, err, a.Output())
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		a.tb.Fatalf("nodetest: %s %s: reading body: %v", req.Method, req.URL.Path, err)
	}
	return Response{Status: resp.StatusCode, Body: b, Cookies: resp.Cookies(), Header: resp.Header}
}

// Cookie returns the response's Set-Cookie named name, or nil.
func (r Response) Cookie(name string) *http.Cookie {
	for _, c := range r.Cookies {
		if c.Name == name {
			return c
		}
	}
	return nil
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
