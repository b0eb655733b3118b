package express

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

// Vectors produced by express-session's own cookie-signature (1.0.7) and
// cookie.serialize (0.7.2) in testdata/express; see TestNodeSignsGoVerifies
// for the live comparison.
var nodeVectors = []struct{ sid, secret, signed, cookie string }{
	{"j0H3LumyDy3oFGSgQMGk32NloxqAYLgq", "keyboard cat",
		"s:j0H3LumyDy3oFGSgQMGk32NloxqAYLgq.1OiJeosme3pnOoOZJ1tLvYYjpTIH4iP0ee0WXxPWdK4",
		"s%3Aj0H3LumyDy3oFGSgQMGk32NloxqAYLgq.1OiJeosme3pnOoOZJ1tLvYYjpTIH4iP0ee0WXxPWdK4"},
	{"abc", "s3cr3t",
		"s:abc.57gJGcUThbnobDNjxz+FzQFSIuTU65RQgtYdeyHrgkE",
		"s%3Aabc.57gJGcUThbnobDNjxz%2BFzQFSIuTU65RQgtYdeyHrgkE"},
	{"", "x",
		"s:.8n5lJ9a4QIQwpma3RgcMMH9UK7VO5+bcswPz5SwLCfs",
		"s%3A.8n5lJ9a4QIQwpma3RgcMMH9UK7VO5%2BbcswPz5SwLCfs"},
	{"a.b", "ключ",
		"s:a.b.8ohnoneNuUZ372WZliTYmefAKgVO1f2Nu3dbZu61Gyo",
		"s%3Aa.b.8ohnoneNuUZ372WZliTYmefAKgVO1f2Nu3dbZu61Gyo"},
}

func TestSignMatchesNode(t *testing.T) {
	for _, v := range nodeVectors {
		s, err := NewSigner(v.secret)
		if err != nil {
			t.Fatal(err)
		}
		if got := s.Sign(v.sid); got != v.cookie {
			t.Errorf("Sign(%q) = %q, want %q", v.sid, got, v.cookie)
		}
		for _, in := range []string{v.cookie, v.signed} {
			if sid, ok := s.Unsign(in); !ok || sid != v.sid {
				t.Errorf("Unsign(%q) = %q, %v; want %q, true", in, sid, ok, v.sid)
			}
		}
	}
}

func TestUnsignRotation(t *testing.T) {
	old, _ := NewSigner("old")
	cookie := old.Sign("sid123")
	both, _ := NewSigner("new", "old")
	if sid, ok := both.Unsign(cookie); !ok || sid != "sid123" {
		t.Fatalf("a cookie signed with a secret still in the list: Unsign = %q, %v", sid, ok)
	}
	if !strings.HasPrefix(both.Sign("x"), "s%3Ax.") || both.Sign("x") == old.Sign("x") {
		t.Fatalf("Sign must use the first secret: %q", both.Sign("x"))
	}
	retired, _ := NewSigner("new")
	if sid, ok := retired.Unsign(cookie); ok {
		t.Fatalf("a cookie signed with a removed secret verified: %q", sid)
	}
}

func TestUnsignRejects(t *testing.T) {
	s, _ := NewSigner("keyboard cat")
	good := nodeVectors[0].cookie
	for _, bad := range []string{
		"",
		"j0H3LumyDy3oFGSgQMGk32NloxqAYLgq",       // unsigned: express-session ignores it
		"s%3Aj0H3LumyDy3oFGSgQMGk32NloxqAYLgq",   // no signature
		"s:",                                     // nothing
		good[:len(good)-1],                       // truncated signature
		good + "A",                               // extended signature
		strings.Replace(good, "j0H3", "j0H4", 1), // another sid
		strings.Replace(good, ".1OiJ", ".1OiK", 1),   // tampered signature
		strings.Replace(good, "s%3A", "S%3A", 1),     // not the s: prefix
		"s%3Aabc.57gJGcUThbnobDNjxz%2BFzQFSIuTU65RQ", // signed with another secret
		"%E0%A4%A",  // malformed escape
		"s%3A%FF.x", // invalid UTF-8
	} {
		if sid, ok := s.Unsign(bad); ok {
			t.Errorf("Unsign(%q) = %q, true; want rejected", bad, sid)
		}
	}
}

func TestNewSignerNeedsSecrets(t *testing.T) {
	for _, secrets := range [][]string{nil, {""}, {"a", ""}} {
		if _, err := NewSigner(secrets...); !errors.Is(err, ErrNoSecret) {
			t.Errorf("NewSigner(%q) error = %v, want ErrNoSecret", secrets, err)
		}
	}
}

func TestEncodeURIComponent(t *testing.T) {
	in := "azAZ09-_.!~*'() :/+=%?&é"
	want := "azAZ09-_.!~*'()%20%3A%2F%2B%3D%25%3F%26%C3%A9" // JavaScript's encodeURIComponent(in)
	if got := encodeURIComponent(in); got != want {
		t.Fatalf("encodeURIComponent(%q) = %q, want %q", in, got, want)
	}
}

func TestNewSID(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 100; i++ {
		sid, err := NewSID()
		if err != nil {
			t.Fatal(err)
		}
		if !ValidSID(sid) || seen[sid] {
			t.Fatalf("NewSID() = %q (valid %v, repeated %v)", sid, ValidSID(sid), seen[sid])
		}
		seen[sid] = true
	}
	for _, bad := range []string{"", "short", strings.Repeat("a", 31), strings.Repeat("a", 33), strings.Repeat("a", 31) + "+", strings.Repeat("a", 31) + "="} {
		if ValidSID(bad) {
			t.Errorf("ValidSID(%q) = true", bad)
		}
	}
}

func FuzzUnsign(f *testing.F) {
	for _, v := range nodeVectors {
		f.Add(v.cookie, v.sid)
	}
	f.Add("s%3A%", "")
	s, _ := NewSigner("keyboard cat", "old")
	f.Fuzz(func(t *testing.T, cookie, sid string) {
		// JavaScript strings cannot hold invalid UTF-8, so such sids
		// never reach a cookie.
		if got, ok := s.Unsign(s.Sign(sid)); utf8.ValidString(sid) && (!ok || got != sid) {
			t.Fatalf("Unsign(Sign(%q)) = %q, %v", sid, got, ok)
		}
		if got, ok := s.Unsign(cookie); ok {
			// Only a value carrying a valid signature may pass.
			if s.Sign(got) != encodeURIComponent(decodeCookieValue(cookie)) {
				old, _ := NewSigner("old")
				if old.Sign(got) != encodeURIComponent(decodeCookieValue(cookie)) {
					t.Fatalf("Unsign(%q) accepted sid %q without its signature", cookie, got)
				}
			}
		}
	})
}
