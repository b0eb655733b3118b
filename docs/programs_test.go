package docs

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sessionkit/sessionkit/internal/demotest"
	"github.com/sessionkit/sessionkit/internal/redistest"
	"github.com/sessionkit/sessionkit/internal/webtest"
)

// program returns the nth complete Go file (a ```go block starting with
// "package main") of the Markdown file at root/file.
func program(t *testing.T, root, file string, n int) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, file))
	if err != nil {
		t.Fatal(err)
	}
	var found []string
	for _, s := range extract(file, string(b)) {
		if strings.HasPrefix(strings.TrimSpace(s.code), "package main") {
			found = append(found, s.code)
		}
	}
	if len(found) <= n {
		t.Fatalf("%s has %d complete programs, want at least %d", file, len(found), n+1)
	}
	return found[n]
}

// runProgram builds src as a program of this module, with the listen
// address ":8080" replaced by a free loopback port, starts it in its own
// temporary directory and returns its base URL and a restart function.
// The process is killed when the test ends.
func runProgram(t *testing.T, root, src string) (base string, restart func()) {
	t.Helper()
	if strings.Count(src, `":8080"`) != 1 {
		t.Fatalf("the program does not listen on \":8080\" exactly once:\n%s", src)
	}
	addr := fmt.Sprintf("127.0.0.1:%d", redistest.FreePort(t))
	src = strings.Replace(src, `":8080"`, fmt.Sprintf("%q", addr), 1)

	tmp := t.TempDir()
	file := filepath.Join(tmp, "main.go")
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	pkgDir := filepath.Join(root, "internal", "docsnippets", "program")
	ov, _ := json.Marshal(map[string]any{"Replace": map[string]string{filepath.Join(pkgDir, "main.go"): file}})
	ovFile := filepath.Join(tmp, "overlay.json")
	if err := os.WriteFile(ovFile, ov, 0o644); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(tmp, "program")
	build := exec.Command("go", "build", "-o", bin, "-overlay", ovFile, "./internal/docsnippets/program")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}

	var cmd *exec.Cmd
	stop := func() {
		if cmd != nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
			cmd = nil
		}
	}
	start := func() {
		t.Helper()
		var output webtest.SyncBuffer
		cmd = exec.Command(bin)
		cmd.Dir = tmp
		cmd.Stdout, cmd.Stderr = &output, &output
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		for deadline := time.Now().Add(20 * time.Second); ; {
			c, err := net.DialTimeout("tcp", addr, time.Second)
			if err == nil {
				c.Close()
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("the program did not listen on %s within 20s; its output:\n%s", addr, output.String())
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	t.Cleanup(stop)
	start()
	return "http://" + addr, func() { stop(); start() }
}

// TestReadmeProgramRuns runs README's whole app as it is, with no Redis,
// and signs in as its text says.
func TestReadmeProgramRuns(t *testing.T) {
	root := repoRoot(t)
	base, _ := runProgram(t, root, program(t, root, "README.md", 0))
	client := webtest.Client(t)
	if r := webtest.Get(t, client, base+"/me"); r.Status != http.StatusUnauthorized {
		t.Fatalf("GET /me before sign-in: %d %q, want 401", r.Status, r.Body)
	}
	r := webtest.PostForm(t, client, base+"/login", nil)
	if r.Status != http.StatusOK || r.SetCookie("session") == nil {
		t.Fatalf("POST /login: %d %q, cookie %v", r.Status, r.Body, r.SetCookie("session"))
	}
	if r := webtest.Get(t, client, base+"/me"); r.Status != http.StatusOK || r.Body != "hello Ada\n" {
		t.Fatalf("GET /me after sign-in: %d %q, want 200 \"hello Ada\\n\"", r.Status, r.Body)
	}
}

// TestQuickstartProgramRuns runs the quick start's first handler as it is,
// with no Redis, fills a cart as its curl lines do, and finds the cart
// again after a restart of the program (the embedded file store).
func TestQuickstartProgramRuns(t *testing.T) {
	root := repoRoot(t)
	base, restart := runProgram(t, root, program(t, root, "docs/quickstart.md", 0))
	client := webtest.Client(t)
	if r := webtest.Get(t, client, base+"/cart"); r.Status != http.StatusOK || r.Body != "empty cart\n" {
		t.Fatalf("GET /cart before: %d %q", r.Status, r.Body)
	}
	if r := webtest.PostForm(t, client, base+"/cart", url.Values{"item": {"tea"}}); r.Status != http.StatusOK || r.Body != "1 items\n" {
		t.Fatalf("POST /cart: %d %q, want \"1 items\\n\"", r.Status, r.Body)
	}
	if r := webtest.Get(t, client, base+"/cart"); r.Status != http.StatusOK || r.Body != "[tea]\n" {
		t.Fatalf("GET /cart: %d %q, want \"[tea]\\n\"", r.Status, r.Body)
	}
	restart()
	if r := webtest.Get(t, client, base+"/cart"); r.Status != http.StatusOK || r.Body != "[tea]\n" {
		t.Fatalf("GET /cart after a restart: %d %q, want the cart kept in sessions.db", r.Status, r.Body)
	}
}

// TestDemoAddrFlag: README says the demo listens where -addr says, even
// with PORT set (the flag wins).
func TestDemoAddrFlag(t *testing.T) {
	bin := demotest.Build(t, repoRoot(t))
	addr := fmt.Sprintf("127.0.0.1:%d", redistest.FreePort(t))
	var output webtest.SyncBuffer
	cmd := exec.Command(bin, "-addr", addr)
	cmd.Env = []string{
		"PORT=" + strconv.Itoa(redistest.FreePort(t)),
		"SESSION_FILE=" + filepath.Join(t.TempDir(), "sessions.db"),
		"HOME=" + t.TempDir(),
		"PATH=" + os.Getenv("PATH"),
	}
	cmd.Stdout, cmd.Stderr = &output, &output
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	client := webtest.Client(t)
	for deadline := time.Now().Add(20 * time.Second); ; {
		resp, err := client.Get("http://" + addr + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("sessiondemo -addr %s: not serving /healthz there within 20s; output:\n%s", addr, output.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}
