// Package redistest starts private redis-server processes for tests and
// benchmarks: each on a free loopback port, with its own directory, stopped
// when the test ends. Tests may kill and restart them at will; no test ever
// talks to a Redis it did not start.
//
// A missing redis-server is a test failure that says how to install it,
// never a skip.
package redistest

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gomodule/redigo/redis"
)

// InstallHint says how to get redis-server; failures quote it.
const InstallHint = "redis-server not found on PATH; install it (Debian/Ubuntu: sudo apt-get install -y redis-server; macOS: brew install redis) — .ci/run does this for CI"

// Options configure a server. The zero value is a plain server with no
// persistence.
type Options struct {
	// AppendOnly turns on AOF persistence (fsync always), so data survives
	// a kill and restart.
	AppendOnly bool
	// Password sets requirepass.
	Password string
	// TLSCertFile and TLSKeyFile, when both set, also open a TLS port
	// (Server.TLSPort) that does not ask clients for certificates.
	TLSCertFile, TLSKeyFile string
	// Args are extra redis-server arguments, e.g. "--user", "alice on >pw ~* +@all".
	Args []string
}

// Server is a running private redis-server.
type Server struct {
	Port    int    // plain TCP port on 127.0.0.1
	TLSPort int    // 0 unless Options asked for TLS
	Dir     string // its working directory
	opts    Options
	tb      testing.TB
	conf    string // a config file given before the arguments (Sentinels)

	mu  sync.Mutex
	cmd *exec.Cmd
}

// Start starts a server and registers its shutdown with tb.Cleanup.
func Start(tb testing.TB, opts Options) *Server {
	tb.Helper()
	return start(tb, opts, "")
}

// start starts a server, with conf (a file in its directory, written by the
// caller beforehand) as its config file when not "".
func start(tb testing.TB, opts Options, conf string) *Server {
	tb.Helper()
	if _, err := exec.LookPath("redis-server"); err != nil {
		tb.Fatal(InstallHint)
	}
	s := &Server{Dir: tb.TempDir(), opts: opts, tb: tb, Port: FreePort(tb)}
	if conf != "" {
		s.conf = filepath.Join(s.Dir, "redis.conf")
		if err := os.WriteFile(s.conf, []byte(conf), 0o600); err != nil {
			tb.Fatalf("redistest: writing the config: %v", err)
		}
	}
	if opts.TLSCertFile != "" && opts.TLSKeyFile != "" {
		s.TLSPort = FreePort(tb)
	}
	for attempt := 1; ; attempt++ {
		err := s.launch()
		if err == nil {
			break
		}
		// Another process took the free port between FreePort and the
		// bind (parallel test binaries): try another one.
		if errors.Is(err, errPortTaken) && attempt < 5 {
			s.Port = FreePort(tb)
			if s.TLSPort != 0 {
				s.TLSPort = FreePort(tb)
			}
			continue
		}
		tb.Fatal(err)
	}
	tb.Cleanup(s.Kill)
	return s
}

// errPortTaken: the server could not bind its port.
var errPortTaken = errors.New("redistest: port already in use")

// Addr is the plain TCP address, "127.0.0.1:port".
func (s *Server) Addr() string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(s.Port)) }

// URL is a redis:// URL for the plain port, with the password if any.
func (s *Server) URL() string {
	if s.opts.Password != "" {
		return fmt.Sprintf("redis://:%s@%s", s.opts.Password, s.Addr())
	}
	return "redis://" + s.Addr()
}

func (s *Server) args() []string {
	var a []string
	if s.conf != "" {
		a = append(a, s.conf)
	}
	a = append(a,
		"--port", strconv.Itoa(s.Port), "--bind", "127.0.0.1",
		"--dir", s.Dir, "--logfile", filepath.Join(s.Dir, "redis.log"),
		"--save", "", "--daemonize", "no", "--protected-mode", "yes",
	)
	if s.opts.AppendOnly {
		a = append(a, "--appendonly", "yes", "--appendfsync", "always")
	} else {
		a = append(a, "--appendonly", "no")
	}
	if s.opts.Password != "" {
		a = append(a, "--requirepass", s.opts.Password)
	}
	if s.TLSPort != 0 {
		a = append(a, "--tls-port", strconv.Itoa(s.TLSPort),
			"--tls-cert-file", s.opts.TLSCertFile, "--tls-key-file", s.opts.TLSKeyFile,
			"--tls-auth-clients", "no")
	}
	return append(a, s.opts.Args...)
}

func (s *Server) start() {
	s.tb.Helper()
	if err := s.launch(); err != nil {
		s.tb.Fatal(err)
	}
}

// launch starts redis-server and waits until it answers. It answers only
// as the process it started: a server of someone else's already on the
// port (the bind then fails) is never taken for ours.
func (s *Server) launch() error {
	cmd := exec.Command("redis-server", s.args()...)
	cmd.Dir = s.Dir
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("redistest: starting redis-server: %w", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	s.mu.Lock()
	s.cmd = cmd
	s.mu.Unlock()

	deadline := time.Now().Add(10 * time.Second)
	for {
		select {
		case err := <-exited:
			log := s.log()
			if strings.Contains(log, "Address already in use") {
				return fmt.Errorf("%w: %d", errPortTaken, s.Port)
			}
			return fmt.Errorf("redistest: redis-server exited at start (%v); log:\n%s", err, log)
		default:
		}
		if pid, err := s.pid(); err == nil {
			// A server restarted on its own append-only file answers INFO
			// while it still replies LOADING to everything else.
			if pid == cmd.Process.Pid && s.loaded() {
				return nil
			}
			// Someone else's server: ours fails to bind and exits.
		}
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			return fmt.Errorf("redistest: redis-server on port %d did not answer PING within 10s; log:\n%s", s.Port, s.log())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// pid asks the server on the port for its process id (INFO server).
func (s *Server) pid() (int, error) {
	c, err := redis.Dial("tcp", s.Addr(), redis.DialConnectTimeout(time.Second),
		redis.DialReadTimeout(time.Second), redis.DialPassword(s.opts.Password))
	if err != nil {
		return 0, err
	}
	defer c.Close()
	info, err := redis.String(c.Do("INFO", "server"))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(info, "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "process_id:"); ok {
			return strconv.Atoi(v)
		}
	}
	return 0, errors.New("redistest: INFO server has no process_id")
}

// loaded reports whether the server has finished loading its data set
// (INFO persistence does not say loading:1; a sentinel has no persistence
// section at all).
func (s *Server) loaded() bool {
	c, err := redis.Dial("tcp", s.Addr(), redis.DialConnectTimeout(time.Second),
		redis.DialReadTimeout(time.Second), redis.DialPassword(s.opts.Password))
	if err != nil {
		return false
	}
	defer c.Close()
	info, err := redis.String(c.Do("INFO", "persistence"))
	return err == nil && !strings.Contains(info, "loading:1")
}

func (s *Server) ping() error {
	c, err := redis.Dial("tcp", s.Addr(), redis.DialConnectTimeout(time.Second),
		redis.DialReadTimeout(time.Second), redis.DialPassword(s.opts.Password))
	if err != nil {
		return err
	}
	defer c.Close()
	_, err = c.Do("PING")
	return err
}

func (s *Server) log() string {
	b, _ := os.ReadFile(filepath.Join(s.Dir, "redis.log"))
	return string(b)
}

// Kill stops the server abruptly (SIGKILL), as an outage would, and waits
// until its port is free. Killing a stopped server does nothing.
func (s *Server) Kill() {
	s.mu.Lock()
	cmd := s.cmd
	s.cmd = nil
	s.mu.Unlock()
	if cmd == nil {
		return
	}
	_ = cmd.Process.Kill()
	for i := 0; i < 500; i++ {
		if s.ping() != nil {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Restart starts a killed server again on the same port and directory.
func (s *Server) Restart() {
	s.tb.Helper()
	s.Kill()
	s.start()
}

// Pool returns a redigo pool for the server, closed at test end.
func (s *Server) Pool() *redis.Pool {
	p := &redis.Pool{
		// As many idle as active: a load test must not close and redial
		// connections all the time, which a loaded machine can make slower
		// than any dial timeout.
		MaxIdle: 64, MaxActive: 64, Wait: true, IdleTimeout: time.Minute,
		Dial: func() (redis.Conn, error) {
			return redis.Dial("tcp", s.Addr(), redis.DialPassword(s.opts.Password),
				redis.DialConnectTimeout(5*time.Second), redis.DialReadTimeout(5*time.Second),
				redis.DialWriteTimeout(5*time.Second))
		},
	}
	s.tb.Cleanup(func() { _ = p.Close() })
	return p
}

// Do runs one command on a fresh connection and fails the test on error.
func (s *Server) Do(cmd string, args ...any) any {
	s.tb.Helper()
	c, err := redis.Dial("tcp", s.Addr(), redis.DialPassword(s.opts.Password))
	if err != nil {
		s.tb.Fatalf("redistest: dial: %v", err)
	}
	defer c.Close()
	r, err := c.Do(cmd, args...)
	if err != nil {
		s.tb.Fatalf("redistest: %s: %v", cmd, err)
	}
	return r
}

// CommandStats returns the calls per command from INFO commandstats
// ("get", "set", "pexpire", ...). The INFO call itself is not counted in
// the snapshot it returns, but it is in the next one; Calls subtracts it.
func (s *Server) CommandStats() map[string]int64 {
	s.tb.Helper()
	return s.commandStats(false)
}

// commandStats is CommandStats; with rejected, it also counts each
// command's rejected_calls under "<name> rejected": a command the server
// refused before running it (on a cluster, a MOVED or ASK redirection),
// which still cost the client a round trip.
func (s *Server) commandStats(rejected bool) map[string]int64 {
	s.tb.Helper()
	info, err := redis.String(s.Do("INFO", "commandstats"), nil)
	if err != nil {
		s.tb.Fatalf("redistest: INFO: %v", err)
	}
	stats := map[string]int64{}
	sc := bufio.NewScanner(strings.NewReader(info))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		name, rest, ok := strings.Cut(line, ":")
		if !ok || !strings.HasPrefix(name, "cmdstat_") {
			continue
		}
		for _, field := range strings.Split(rest, ",") {
			if v, ok := strings.CutPrefix(field, "calls="); ok {
				n, _ := strconv.ParseInt(v, 10, 64)
				stats[strings.TrimPrefix(name, "cmdstat_")] = n
			}
			if v, ok := strings.CutPrefix(field, "rejected_calls="); ok && rejected {
				if n, _ := strconv.ParseInt(v, 10, 64); n > 0 {
					stats[strings.TrimPrefix(name, "cmdstat_")+" rejected"] = n
				}
			}
		}
	}
	return stats
}

// Calls runs fn and returns the commands the server received meanwhile,
// by name, leaving out the measuring INFO call itself.
func (s *Server) Calls(fn func()) map[string]int64 {
	s.tb.Helper()
	before := s.CommandStats()
	fn()
	after := s.CommandStats()
	diff := map[string]int64{}
	for k, v := range after {
		if d := v - before[k]; d > 0 {
			diff[k] = d
		}
	}
	if diff["info"]--; diff["info"] <= 0 {
		delete(diff, "info")
	}
	return diff
}

// Total sums a Calls result.
func Total(calls map[string]int64) int64 {
	var n int64
	for _, v := range calls {
		n += v
	}
	return n
}

// FreePort returns a TCP port that was free on 127.0.0.1 a moment ago.
func FreePort(tb testing.TB) int {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("redistest: no free port: %v", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
