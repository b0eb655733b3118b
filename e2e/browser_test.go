package e2e

import (
	"context"
	"os/exec"
	"path/filepath"
	"strings"
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

// TestBrowserSignInSurvivesRestart: a person in a real browser signs in,
// sees the greeting and the flash, reloads, the server restarts, reloads —
// still signed in — and signs out.
func TestBrowserSignInSurvivesRestart(t *testing.T) {
	exe := chromium(t)
	bin := demotest.Build(t, "..")
	demo := demotest.Start(t, bin, "SESSION_FILE="+filepath.Join(t.TempDir(), "demo.db"))

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
	defer cancelAlloc()
	browser, cancel := chromedp.NewContext(actx)
	defer cancel()
	// The first Run starts the browser and must not carry a timeout (it
	// would stop the browser); later steps each get one.
	if err := chromedp.Do(browser, chromedp.Navigate(demo.URL+"/")); err != nil {
		t.Fatalf("starting chromium and opening the demo: %v", err)
	}
	step := func() (context.Context, context.CancelFunc) { return context.WithTimeout(browser, 20*time.Second) }

	text := func(sel string) string {
		t.Helper()
		ctx, cancel := step()
		defer cancel()
		s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("reading %s: %v\nserver output:\n%s", sel, err, demo.Output())
		}
		return strings.TrimSpace(s)
	}
	do := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		ctx, cancel := step()
		defer cancel()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatalf("%s: %v\nserver output:\n%s", what, err, demo.Output())
		}
	}
	expect := func(when, sel, want string) {
		t.Helper()
		if got := text(sel); got != want {
			t.Fatalf("%s %s: %q, want %q", sel, when, got, want)
		}
	}
	hasFlash := func() bool {
		t.Helper()
		ctx, cancel := step()
		defer cancel()
		n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#flash").length`))
		if err != nil {
			t.Fatalf("counting flashes: %v", err)
		}
		return n > 0
	}

	do("waiting for the page", chromedp.WaitVisible(chromedp.CSS("#greeting")))
	expect("at first", "#greeting", "Hello, stranger.")
	do("signing in",
		chromedp.SendKeys(chromedp.CSS("#name"), "Ada"),
		chromedp.Click(chromedp.CSS("#signin")),
		chromedp.WaitVisible(chromedp.CSS("#signout")))
	expect("after sign-in", "#greeting", "Hello, Ada!")
	expect("after sign-in", "#flash", "Signed in as Ada.")

	do("reloading", chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS("#greeting")))
	expect("after reload", "#greeting", "Hello, Ada!")
	if hasFlash() {
		t.Error("the flash message showed again after a reload")
	}

	demo.Restart()
	do("reloading after the restart", chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS("#greeting")))
	expect("after the server restarted", "#greeting", "Hello, Ada!")

	do("signing out",
		chromedp.Click(chromedp.CSS("#signout")),
		chromedp.WaitVisible(chromedp.CSS("#signin")))
	expect("after sign-out", "#greeting", "Hello, stranger.")
	expect("after sign-out", "#flash", "Signed out.")
}
