package main_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/gomodule/redigo/redis"

	"github.com/sessionkit/sessionkit/internal/demotest"
	"github.com/sessionkit/sessionkit/internal/redistest"
	"github.com/sessionkit/sessionkit/internal/webtest"
)

// signInOn signs Ada in on a running demo and checks that her session is
// stored in rs.
func signInOn(t *testing.T, demo *demotest.Demo, rs *redistest.Server) {
	t.Helper()
	c := webtest.Client(t)
	if r := webtest.PostForm(t, c, demo.URL+"/signin", url.Values{"name": {"Ada"}}); r.Status != 303 {
		t.Fatalf("sign-in: %d %s\nserver output:\n%s", r.Status, r.Body, demo.Output())
	}
	if home := webtest.Get(t, c, demo.URL+"/"); !strings.Contains(home.Body, "Hello, Ada!") {
		t.Fatalf("not signed in:\n%s\nserver output:\n%s", home.Body, demo.Output())
	}
	if n, _ := redis.Int(rs.Do("DBSIZE"), nil); n != 1 {
		t.Fatalf("the test's Redis holds %d keys after one sign-in, want 1", n)
	}
}

// TestRedisToGoURL is issue 9's acceptance for the original story's URL:
// REDISTOGO_URL=redis://redistogo:PASSWORD@host:port/ against a modern
// redis-server with requirepass. The user part is the add-on's placeholder,
// so the demo must start and sign a user in.
func TestRedisToGoURL(t *testing.T) {
	const password = "rtg-pw-Lm4c9Xe2"
	bin := demotest.Build(t, "../..")
	rs := redistest.Start(t, redistest.Options{Password: password})
	demo := demotest.Start(t, bin, fmt.Sprintf("REDISTOGO_URL=redis://redistogo:%s@%s/", password, rs.Addr()))
	signInOn(t, demo, rs)
	if strings.Contains(demo.Output(), password) {
		t.Errorf("the demo printed the password:\n%s", demo.Output())
	}
}

// TestRedisURLWithWrongACLPassword: REDIS_URL naming a real ACL user is
// never downgraded to a password-only AUTH. With the right password the
// demo works; with a wrong one it refuses to start, says which variable and
// what the server answered, and prints no password.
func TestRedisURLWithWrongACLPassword(t *testing.T) {
	const right, wrong = "acl-right-Hq2w7", "acl-wrong-Vb5r1"
	bin := demotest.Build(t, "../..")
	rs := redistest.Start(t, redistest.Options{Args: []string{"--user", "someuser", "on", ">" + right, "~*", "+@all"}})

	demo := demotest.Start(t, bin, fmt.Sprintf("REDIS_URL=redis://someuser:%s@%s/", right, rs.Addr()))
	signInOn(t, demo, rs)
	demo.Stop()

	out, err := demotest.Run(t, bin, fmt.Sprintf("REDIS_URL=redis://someuser:%s@%s/", wrong, rs.Addr()))
	if err == nil {
		t.Fatalf("the demo ran to a clean exit with a wrong password; output:\n%s", out)
	}
	for _, want := range []string{"REDIS_URL", "someuser", "WRONGPASS"} {
		if !strings.Contains(out, want) {
			t.Errorf("the error does not mention %q:\n%s", want, out)
		}
	}
	for _, secret := range []string{wrong, right} {
		if strings.Contains(out, secret) {
			t.Errorf("the output holds a password:\n%s", out)
		}
	}
	if strings.Contains(out, "listening") {
		t.Errorf("the demo started serving with a wrong password:\n%s", out)
	}
}
