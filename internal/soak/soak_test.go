package soak

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sessionkit/sessionkit/internal/redistest"
)

func TestMain(m *testing.M) {
	if addr := os.Getenv(serverEnv); addr != "" {
		os.Exit(serve(addr))
	}
	os.Exit(m.Run())
}

// child is the soak server process.
type child struct {
	base  string
	pid   int
	stdin io.Closer
}

func startServer(t *testing.T, redisAddr string) *child {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), serverEnv+"="+redisAddr)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting the soak server: %v", err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		stdin.Close()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("the soak server printed no address: %v", err)
	}
	return &child{base: "http://" + strings.TrimSpace(line), pid: cmd.Process.Pid, stdin: stdin}
}

// rss is the child's resident set size in bytes, from /proc.
func (c *child) rss(t *testing.T) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", c.pid))
	if err != nil {
		t.Fatalf("reading the server's RSS (the soak needs Linux /proc): %v", err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err != nil {
				t.Fatalf("VmRSS %q: %v", v, err)
			}
			return kb << 10
		}
	}
	t.Fatal("no VmRSS in /proc status")
	return 0
}

func (c *child) stats(t *testing.T) stats {
	resp, err := http.Get(c.base + "/_soak/stats")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var s stats
	if err := json.NewDecoder(resp.Body).Decode(&s); err != nil {
		t.Fatal(err)
	}
	return s
}

// load is the traffic: counts of requests done, and failures.
type load struct {
	reads, writes, creates, failures atomic.Int64
}

// client is one keep-alive connection.
func client() *http.Client {
	return &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		MaxConnsPerHost: 1, MaxIdleConnsPerHost: 1, DisableCompression: true,
	}}
}

// get fetches path with cookie (if any) and returns the status and the
// session cookie the response set, if any.
func get(c *http.Client, url, cookie string) (int, string) {
	req, _ := http.NewRequest("GET", url, nil)
	if cookie != "" {
		req.Header.Set("Cookie", "session="+cookie)
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, ""
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	for _, ck := range resp.Cookies() {
		if ck.Name == "session" {
			return resp.StatusCode, ck.Value
		}
	}
	return resp.StatusCode, ""
}

// run drives the server with readers and writers on the session token
// and creators making new sessions, until creates reaches until or max
// has passed; onSample is called every 250 ms meanwhile.
func (l *load) run(base, token string, readers, writers, creators int, until int64, max time.Duration, onSample func()) {
	stop := make(chan struct{})
	var wg sync.WaitGroup
	worker := func(fn func(c *http.Client)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := client()
			defer c.CloseIdleConnections()
			for {
				select {
				case <-stop:
					return
				default:
				}
				fn(c)
			}
		}()
	}
	for i := 0; i < readers; i++ {
		worker(func(c *http.Client) {
			if st, _ := get(c, base+"/read", token); st != 200 {
				l.failures.Add(1)
			}
			l.reads.Add(1)
		})
	}
	for i := 0; i < writers; i++ {
		worker(func(c *http.Client) {
			if st, _ := get(c, base+"/write", token); st != 200 {
				l.failures.Add(1)
			}
			l.writes.Add(1)
		})
	}
	for i := 0; i < creators; i++ {
		worker(func(c *http.Client) {
			if st, ck := get(c, base+"/write", ""); st != 200 || ck == "" {
				l.failures.Add(1)
			}
			l.creates.Add(1)
		})
	}
	end := time.Now().Add(max)
	for time.Now().Before(end) && l.creates.Load() < until {
		time.Sleep(250 * time.Millisecond)
		if onSample != nil {
			onSample()
		}
	}
	close(stop)
	wg.Wait()
}

func total(m map[string]int64) int64 {
	var n int64
	for _, v := range m {
		n += v
	}
	return n
}

func diff(after, before map[string]int64) map[string]int64 {
	d := map[string]int64{}
	for k, v := range after {
		if v-before[k] != 0 {
			d[k] = v - before[k]
		}
	}
	return d
}

const mb = 1 << 20

// TestSoak: see the package doc. SOAK_DURATION (e.g. 3m) makes it the
// full soak; unset, it is the CI-sized run of 20,000 sessions.
func TestSoak(t *testing.T) {
	var full time.Duration
	if v := os.Getenv("SOAK_DURATION"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			t.Fatalf("SOAK_DURATION=%q: want a positive duration such as 3m", v)
		}
		full = d
	}
	rs := redistest.Start(t, redistest.Options{})
	srv := startServer(t, rs.Addr())
	c := client()
	st, token := get(c, srv.base+"/write", "")
	if st != 200 || token == "" {
		t.Fatalf("first write: %d, cookie %q", st, token)
	}
	get(c, srv.base+"/read", token) // loads the read script into Redis

	// The full soak: 12 connections read the one session, 4 write it, 2
	// create sessions. The CI run spends less of its time on the one
	// session.
	readers, writers, warm := 12, 4, int64(10_000)
	if full == 0 {
		readers, writers, warm = 1, 1, 2_000
	}
	var l load
	start := time.Now()
	l.run(srv.base, token, readers, writers, 2, warm, 2*time.Minute, nil)
	if l.creates.Load() < warm {
		t.Fatalf("only %d sessions created in 2 minutes", l.creates.Load())
	}
	heap0, rss0 := srv.stats(t).Heap, srv.rss(t)
	t.Logf("after %d sessions (%.1fs): RSS %.1f MB, live heap %.1f MB", l.creates.Load(), time.Since(start).Seconds(), float64(rss0)/mb, float64(heap0)/mb)

	maxRSS := rss0
	sample := func() {
		if r := srv.rss(t); r > maxRSS {
			maxRSS = r
		}
	}
	before := srv.stats(t).Commands
	reads0, writes0, creates0 := l.reads.Load(), l.writes.Load(), l.creates.Load()
	phase := time.Now()
	if full > 0 {
		l.run(srv.base, token, readers, writers, 2, 1<<62, full, sample)
	} else {
		l.run(srv.base, token, readers, writers, 2, 20_000, 3*time.Minute, sample)
		if l.creates.Load() < 20_000 {
			t.Fatalf("only %d sessions created in 3 minutes", l.creates.Load())
		}
	}
	elapsed := time.Since(phase)
	sample()
	after := srv.stats(t)
	reads, writes, creates := l.reads.Load()-reads0, l.writes.Load()-writes0, l.creates.Load()-creates0
	cmds := diff(after.Commands, before)
	rss1 := srv.rss(t)
	t.Logf("load phase %.1fs: %d new sessions (%.0f/s; %d in all), %d reads, %d writes, %d failures",
		elapsed.Seconds(), creates, float64(creates)/elapsed.Seconds(), l.creates.Load(), reads, writes, l.failures.Load())
	t.Logf("RSS after %d sessions %.1f MB, max %.1f MB, at the end %.1f MB (%.2f×); live heap %.1f MB → %.1f MB",
		warm, float64(rss0)/mb, float64(maxRSS)/mb, float64(rss1)/mb, float64(maxRSS)/float64(rss0),
		float64(heap0)/mb, float64(after.Heap)/mb)
	t.Logf("Redis commands sent %v: %d for %d reads + %d writes + %d creations (read 1, write 2, create 1 would be %d)",
		cmds, total(cmds), reads, writes, creates, reads+2*writes+creates)

	// Reads alone: what one costs.
	before = after.Commands
	var r load
	r.run(srv.base, token, 12, 0, 0, 1, 2*time.Second, nil)
	readCmds := diff(srv.stats(t).Commands, before)
	t.Logf("reads alone: %d reads sent %v: %.3f commands per read", r.reads.Load(), readCmds, float64(total(readCmds))/float64(r.reads.Load()))

	if n := l.failures.Load() + r.failures.Load(); n != 0 {
		t.Errorf("%d requests failed", n)
	}
	if r.reads.Load() == 0 || total(readCmds) != r.reads.Load() || readCmds["EVALSHA"] != r.reads.Load() {
		t.Errorf("%d reads sent %v, want one EVALSHA each", r.reads.Load(), readCmds)
	}
	if full > 0 {
		if maxRSS > 2*rss0 {
			t.Errorf("server RSS reached %.1f MB, more than twice its %.1f MB after %d sessions", float64(maxRSS)/mb, float64(rss0)/mb, warm)
		}
		return
	}
	// CI size: the live heap must not grow with the 20,000 sessions made
	// since the first measurement: 40 B a session is a third of what
	// remembering each one's last touch cost.
	if growth := int64(after.Heap) - int64(heap0); growth > 40*creates {
		t.Errorf("server live heap grew by %d B over %d new sessions: it keeps state per session", growth, creates)
	}
}
