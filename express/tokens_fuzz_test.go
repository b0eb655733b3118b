package express

import (
	"net/http"
	"strings"
	"testing"
)

// FuzzTokens: the manager's view of a connect.sid value never panics;
// whatever it accepts is exactly a sid signed with one of the secrets,
// which it signs back with the first; and a value it accepts survives the
// trip through an HTTP cookie header.
func FuzzTokens(f *testing.F) {
	signer, err := NewSigner("current", "previous")
	if err != nil {
		f.Fatal(err)
	}
	old, _ := NewSigner("previous")
	tok := cookieTokens{signer}
	f.Add(signer.Sign("j0H3LumyDy3oFGSgQMGk32NloxqAYLgq"))
	f.Add(old.Sign("j0H3LumyDy3oFGSgQMGk32NloxqAYLgq"))
	f.Add("s:abc.def")
	f.Add("s%3A%E0%A4%A.x")
	f.Add(strings.Repeat("%", 2000))
	f.Fuzz(func(t *testing.T, v string) {
		sid, ok := tok.ParseCookie(v)
		if !ok {
			return
		}
		if sid == "" || len(sid) > maxSID {
			t.Fatalf("accepted sid %q", sid)
		}
		if _, ok := signer.Unsign(v); !ok {
			t.Fatalf("accepted %q, which Unsign refuses", v)
		}
		out := tok.CookieValue(sid)
		if !strings.HasPrefix(out, "s%3A") {
			t.Fatalf("CookieValue(%q) = %q", sid, out)
		}
		r := &http.Request{Header: http.Header{"Cookie": {(&http.Cookie{Name: DefaultCookieName, Value: out}).String()}}}
		c, err := r.Cookie(DefaultCookieName)
		if err != nil {
			t.Fatalf("cookie %q does not parse: %v", out, err)
		}
		if back, ok := tok.ParseCookie(c.Value); !ok || back != sid {
			t.Fatalf("sid %q signed as %q came back as %q, %v", sid, out, back, ok)
		}
	})
}
