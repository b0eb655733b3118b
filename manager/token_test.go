package manager

import (
	"encoding/base64"
	"net/http"
	"strings"
	"testing"
)

func TestWellFormedToken(t *testing.T) {
	good := base64.RawURLEncoding.EncodeToString(make([]byte, 32))
	for tok, want := range map[string]bool{
		good:                        true,
		"_-" + good[2:]:             true,
		"":                          false,
		good[:42]:                   false,
		good + "A":                  false,
		good[:42] + "B":             false, // stray low bits: not canonical
		good[:42] + "E":             true,
		good[:42] + "=":             false,
		good[:10] + "+" + good[11:]: false, // standard, not URL, alphabet
		good[:10] + "é" + good[12:]: false,
		strings.Repeat("A", 100):    false,
	} {
		if got := wellFormedToken(tok); got != want {
			t.Errorf("wellFormedToken(%q) = %v, want %v", tok, got, want)
		}
	}
}

// FuzzToken: cookie parsing never panics, and a token it accepts is the
// canonical base64url encoding of exactly 32 bytes.
func FuzzToken(f *testing.F) {
	good := base64.RawURLEncoding.EncodeToString([]byte("0123456789abcdef0123456789abcdef"))
	for _, s := range []string{
		"session=" + good,
		"session=" + good + "; session=" + good,
		"session=" + good[:42] + "B",
		"session=garbage; other=1",
		"session=\"" + good + "\"",
		"other=" + good,
		"session=" + strings.Repeat("A", 200),
		"session",
		"",
	} {
		f.Add(s)
	}
	m := New(Config{})
	f.Fuzz(func(t *testing.T, cookieHeader string) {
		r, _ := http.NewRequest("GET", "/", nil)
		r.Header.Set("Cookie", cookieHeader)
		tok, _ := m.requestToken(r)
		if tok == "" {
			return
		}
		raw, err := base64.RawURLEncoding.Strict().DecodeString(tok)
		if err != nil || len(raw) != 32 || base64.RawURLEncoding.EncodeToString(raw) != tok {
			t.Fatalf("accepted %q: not the canonical encoding of 32 bytes (%v)", tok, err)
		}
	})
}
