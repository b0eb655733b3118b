// Package demotest builds cmd/sessiondemo and runs it as a real process, so
// tests can stop and restart it the way a deploy would.
package demotest

import (
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/sessionkit/sessionkit/internal/redistest"
	"github.com/sessionkit/sessionkit/internal/webtest"
)

// Build compiles cmd/sessiondemo into a temporary directory and returns the
// binary's path. root is the module root, relative or absolute.
func Build(tb testing.TB, root string) string {
	tb.Helper()
	bin := filepath.Join(tb.TempDir(), "sessiondemo")
	if runtime.GOOS == "windows" {
		bin += ".exe"
	}
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/sessiondemo")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("demotest: building sessiondemo: %v\n%s", err, out)
	}
	return bin
}

// Demo is a running sessiondemo process.
type Demo struct {
	URL  string
	Port int
	bin  string
	env  []string
	tb   testing.TB

	mu   sync.Mutex
	cmd  *exec.Cmd
	done chan error // receives cmd.Wait's result once
	out  *webtest.SyncBuffer
}

// Start runs bin on a free loopback port with env added to a clean
// environment (no Redis variables of the machine leak in).
func Start(tb testing.TB, bin string, env ...string) *Demo {
	tb.Helper()
	d := &Demo{bin: bin, tb: tb, Port: redistest.FreePort(tb)}
	d.URL = fmt.Sprintf("http://127.0.0.1:%d", d.Port)
	d.env = cleanEnv(d.Port, env)
	d.start()
	tb.Cleanup(func() { d.Stop() })
	return d
}

// cleanEnv is the machine's environment without Redis, platform and
// session variables, with PORT and env added.
func cleanEnv(port int, env []string) []string {
	var out []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.Contains(k, "REDIS") || k == "DYNO" || k == "PORT" || strings.HasPrefix(k, "SESSION_") {
			continue
		}
		out = append(out, kv)
	}
	out = append(out, fmt.Sprintf("PORT=%d", port))
	return append(out, env...)
}

// Run runs bin on a free loopback port with env, as Start does, for a demo
// that is expected to stop by itself (a configuration it refuses). It
// returns what the process printed and its exit error; a process still
// running after 30 seconds is killed and fails the test.
func Run(tb testing.TB, bin string, env ...string) (output string, err error) {
	tb.Helper()
	cmd := exec.Command(bin)
	cmd.Env = cleanEnv(redistest.FreePort(tb), env)
	out := &webtest.SyncBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		tb.Fatalf("demotest: starting sessiondemo: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err = <-done:
		return out.String(), err
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		<-done
		tb.Fatalf("demotest: sessiondemo still running after 30s; output:\n%s", out.String())
		return "", nil
	}
}

func (d *Demo) start() {
	d.tb.Helper()
	cmd := exec.Command(d.bin)
	cmd.Env = d.env
	out := &webtest.SyncBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		d.tb.Fatalf("demotest: starting sessiondemo: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	d.mu.Lock()
	d.cmd, d.done, d.out = cmd, done, out
	d.mu.Unlock()
	deadline := time.Now().Add(15 * time.Second)
	for {
		select {
		case err := <-done:
			d.mu.Lock()
			d.cmd = nil
			d.mu.Unlock()
			d.tb.Fatalf("demotest: sessiondemo exited at start (%v); output:\n%s", err, d.Output())
		default:
		}
		resp, err := http.Get(d.URL + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return
			}
		}
		if time.Now().After(deadline) {
			d.Stop()
			d.tb.Fatalf("demotest: sessiondemo did not come up; output:\n%s", d.Output())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Output is what the process printed so far.
func (d *Demo) Output() string {
	d.mu.Lock()
	out := d.out
	d.mu.Unlock()
	if out == nil {
		return ""
	}
	return out.String()
}

// Stop sends SIGTERM, as a platform does at deploy, and waits for a clean
// exit. Stopping a stopped demo does nothing.
func (d *Demo) Stop() {
	d.mu.Lock()
	cmd, done := d.cmd, d.done
	d.cmd = nil
	d.mu.Unlock()
	if cmd == nil {
		return
	}
	_ = cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-done:
		if err != nil {
			d.tb.Errorf("demotest: sessiondemo exited with %v; output:\n%s", err, d.Output())
		}
	case <-time.After(15 * time.Second):
		_ = cmd.Process.Kill()
		d.tb.Errorf("demotest: sessiondemo ignored SIGTERM for 15s")
	}
}

// Restart stops the process and starts it again with the same settings.
func (d *Demo) Restart() {
	d.tb.Helper()
	d.Stop()
	d.start()
}
