package manager

import (
	"net/http"
	"strings"
	"testing"
)

// sessionCookie must see exactly the cookies net/http's CookiesNamed sees:
// the middleware relies on it to refuse several session cookies.
func checkSessionCookie(t *testing.T, lines []string, name string) {
	t.Helper()
	h := http.Header{"Cookie": lines}
	want := (&http.Request{Header: h}).CookiesNamed(name)
	value, count := sessionCookie(h, name)
	if count != len(want) {
		t.Fatalf("%q: %d cookies named %q, net/http sees %d", lines, count, name, len(want))
	}
	if count > 0 && value != want[len(want)-1].Value {
		t.Fatalf("%q: value %q, net/http's last is %q", lines, value, want[len(want)-1].Value)
	}
}

func TestSessionCookieMatchesNetHTTP(t *testing.T) {
	for _, lines := range [][]string{
		nil,
		{""},
		{"session=abc"},
		{" session = abc ; other=1"},
		{"other=1; session=abc; session=def"},
		{"session=abc", "session=def"},
		{`session="abc"`},
		{`session="abc`},
		{`session=a"bc`},
		{"session=a\\bc; session=ok"},
		{"session=\x7f"},
		{"session"},
		{"session="},
		{"sessionx=1; xsession=2"},
		{";;; session=abc ;;"},
		{"session=a b"},
		{"\tsession=abc\r\n"},
		{strings.Repeat("a=1;", maxCookies) + "session=abc"},
		{strings.Repeat("a=1;", maxCookies-2) + "session=abc"},
	} {
		checkSessionCookie(t, lines, "session")
	}
}

func FuzzSessionCookie(f *testing.F) {
	f.Add("session=abc; other=1", "session=def")
	f.Add(`session="x"`, "")
	f.Fuzz(func(t *testing.T, a, b string) {
		checkSessionCookie(t, []string{a, b}, "session")
	})
}

func TestRequestTokenAllocatesNothing(t *testing.T) {
	m := New(Config{})
	r, _ := http.NewRequest("GET", "/", nil)
	r.Header.Set("Cookie", "theme=dark; "+m.CookieName()+"="+strings.Repeat("A", tokenLen)+"; lang=en")
	if tok, _ := m.requestToken(r); tok == "" {
		t.Fatal("requestToken found no token")
	}
	if n := testing.AllocsPerRun(100, func() { m.requestToken(r) }); n != 0 {
		t.Fatalf("requestToken: %.0f allocations per request, want 0", n)
	}
}
