package e2e

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/sessionkit/sessionkit/internal/demotest"
)

func chromium(t *testing.T) string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Fatal("no chromium on PATH: install it (Debian/Ubuntu: sudo apt-get install -y chromium; scripts/ensure-deps does it for make test)")
	return ""
}

// browser is a headless Chromium with its own profile, driven step by
// step; every step has a timeout and a failure quotes the demo's output.
type browser struct {
	t    *testing.T
	ctx  context.Context
	demo *demotest.Demo
}

// newBrowser starts Chromium and opens url in it.
func newBrowser(t *testing.T, demo *demotest.Demo, url string) *browser {
	exe := chromium(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelAlloc)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(cancel)
	// The first Run starts the browser and must not carry a timeout (it
	// would stop the browser); later steps each get one.
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		t.Fatalf("starting chromium and opening %s: %v", url, err)
	}
	return &browser{t: t, ctx: ctx, demo: demo}
}

func (b *browser) step() (context.Context, context.CancelFunc) {
	return context.WithTimeout(b.ctx, 20*time.Second)
}

func (b *browser) text(sel string) string {
	b.t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("reading %s: %v\nserver output:\n%s", sel, err, b.demo.Output())
	}
	return strings.TrimSpace(s)
}

func (b *browser) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.t.Fatalf("%s: %v\nserver output:\n%s", what, err, b.demo.Output())
	}
}

func (b *browser) expect(when, sel, want string) {
	b.t.Helper()
	if got := b.text(sel); got != want {
		b.t.Fatalf("%s %s: %q, want %q", sel, when, got, want)
	}
}

func (b *browser) eval(expr string) string {
	b.t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[string](expr))
	if err != nil {
		b.t.Fatalf("evaluating %s: %v", expr, err)
	}
	return v
}

func (b *browser) hasFlash() bool {
	b.t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#flash").length`))
	if err != nil {
		b.t.Fatalf("counting flashes: %v", err)
	}
	return n > 0
}

// signIn fills in and submits the demo's own sign-in form.
func (b *browser) signIn(name string) {
	b.t.Helper()
	b.do("signing in as "+name,
		chromedp.SendKeys(chromedp.CSS("#name"), name),
		chromedp.Click(chromedp.CSS("#signin")),
		chromedp.WaitVisible(chromedp.CSS("#signout")))
}

// TestBrowserSignInSurvivesRestart: a person in a real browser signs in,
// sees the greeting and the flash, reloads, the server restarts, reloads —
// still signed in — and signs out.
func TestBrowserSignInSurvivesRestart(t *testing.T) {
	bin := demotest.Build(t, "..")
	demo := demotest.Start(t, bin, "SESSION_FILE="+filepath.Join(t.TempDir(), "demo.db"))
	b := newBrowser(t, demo, demo.URL+"/")

	b.do("waiting for the page", chromedp.WaitVisible(chromedp.CSS("#greeting")))
	b.expect("at first", "#greeting", "Hello, stranger.")
	b.signIn("Ada")
	b.expect("after sign-in", "#greeting", "Hello, Ada!")
	b.expect("after sign-in", "#flash", "Signed in as Ada.")

	b.do("reloading", chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS("#greeting")))
	b.expect("after reload", "#greeting", "Hello, Ada!")
	if b.hasFlash() {
		t.Error("the flash message showed again after a reload")
	}

	demo.Restart()
	b.do("reloading after the restart", chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS("#greeting")))
	b.expect("after the server restarted", "#greeting", "Hello, Ada!")

	b.do("signing out",
		chromedp.Click(chromedp.CSS("#signout")),
		chromedp.WaitVisible(chromedp.CSS("#signin")))
	b.expect("after sign-out", "#greeting", "Hello, stranger.")
	b.expect("after sign-out", "#flash", "Signed out.")
}

// attackerPage serves a page that, once opened, posts a sign-in form to
// target (login CSRF: the victim would be signed in as the attacker).
func attackerPage(t *testing.T, target string, served *atomic.Int32) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		served.Add(1)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><title>win a prize</title>
<form id="f" method="post" action="%s/signin"><input name="name" value="Attacker"></form>
<script>document.getElementById("f").submit()</script>`, target)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestBrowserRefusesCrossOriginSignIn: a page on another origin — another
// port of the same host (same site) and another host name (cross site) —
// auto-posts a sign-in form to the demo. Chromium gets 403 each time and
// the victim stays signed out; the demo's own form still signs in.
func TestBrowserRefusesCrossOriginSignIn(t *testing.T) {
	bin := demotest.Build(t, "..")
	demo := demotest.Start(t, bin, "SESSION_FILE="+filepath.Join(t.TempDir(), "demo.db"))
	b := newBrowser(t, demo, demo.URL+"/")
	b.do("waiting for the page", chromedp.WaitVisible(chromedp.CSS("#greeting")))
	b.expect("at first", "#greeting", "Hello, stranger.")

	var served atomic.Int32
	evil := attackerPage(t, demo.URL, &served)
	_, port, _ := strings.Cut(strings.TrimPrefix(evil.URL, "http://"), ":")
	for i, origin := range []string{evil.URL, "http://localhost:" + port} {
		b.do("opening the attacker's page at "+origin, chromedp.Navigate(origin+"/"))
		// The page submits its form as soon as it loads: wait for the
		// browser to land on the demo's answer.
		deadline := time.Now().Add(20 * time.Second)
		for !strings.HasPrefix(b.eval(`document.location.href`), demo.URL+"/") {
			if time.Now().After(deadline) {
				t.Fatalf("the attacker's form from %s never reached the demo; at %s", origin, b.eval(`document.location.href`))
			}
			time.Sleep(50 * time.Millisecond)
		}
		b.do("waiting for the answer", chromedp.WaitReady(chromedp.CSS("body")))
		if got := served.Load(); got != int32(i+1) {
			t.Fatalf("the attacker's page was served %d times, want %d", got, i+1)
		}
		status := b.eval(`String(performance.getEntriesByType("navigation")[0].responseStatus)`)
		if href := b.eval(`document.location.href`); status != "403" || href != demo.URL+"/signin" {
			t.Fatalf("the cross-origin sign-in from %s ended at %s with status %s, want /signin with 403; page: %q",
				origin, href, status, b.eval(`document.body.innerText`))
		}
		b.do("opening the demo", chromedp.Navigate(demo.URL+"/"), chromedp.WaitVisible(chromedp.CSS("#greeting")))
		b.expect("after the attack from "+origin, "#greeting", "Hello, stranger.")
	}

	b.signIn("Ada")
	b.expect("after a same-origin sign-in", "#greeting", "Hello, Ada!")
}
