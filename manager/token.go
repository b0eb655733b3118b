package manager

import (
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/textproto"
	"strings"
)

// tokenLen is the length of an scs token: 32 random bytes, unpadded base64url.
const tokenLen = 43

// requestToken returns the session token the request carries, or "" when it
// carries none, several session cookies, or one that cannot have been
// issued (Config.Tokens refuses it; by default: a wrong length or
// alphabet). Those cost no store access. carried reports whether the
// request had a cookie of the session cookie's name at all.
func (m *Manager) requestToken(r *http.Request) (token string, carried bool) {
	value, count := sessionCookie(r.Header, m.liveCookie().name)
	switch {
	case count == 0:
		return "", false
	case count > 1:
		m.logger.Debug("sessionkit: ignored request with several session cookies", "count", count)
		return "", true
	}
	tok, ok := m.tokens.ParseCookie(value)
	if !ok {
		m.logger.Debug("sessionkit: ignored malformed session cookie", "length", len(value))
		return "", true
	}
	return tok, true
}

// maxCookies is net/http's default limit (GODEBUG httpcookiemaxnum): a
// request with more cookies than this has none for [http.Request.Cookies].
const maxCookies = 3000

// sessionCookie returns the value of the cookie called name in h and how
// many valid cookies have that name, exactly as [http.Request.CookiesNamed]
// would see them, but without allocating: CookiesNamed builds an
// *http.Cookie for each match, and the middleware runs this on every
// request.
func sessionCookie(h http.Header, name string) (value string, count int) {
	lines := h["Cookie"]
	if len(lines) == 0 {
		return "", 0
	}
	n := 0
	for _, line := range lines {
		n += strings.Count(line, ";") + 1
	}
	if n > maxCookies {
		return "", 0
	}
	for _, line := range lines {
		line = textproto.TrimString(line)
		var part string
		for len(line) > 0 {
			part, line, _ = strings.Cut(line, ";")
			part = textproto.TrimString(part)
			k, v, _ := strings.Cut(part, "=")
			if textproto.TrimString(k) != name || name == "" {
				continue
			}
			if len(v) > 1 && v[0] == '"' && v[len(v)-1] == '"' {
				v = v[1 : len(v)-1]
			}
			if !validCookieValue(v) {
				continue
			}
			value = v
			count++
		}
	}
	return value, count
}

// validCookieValue is net/http's check of a cookie value's bytes.
func validCookieValue(v string) bool {
	for i := 0; i < len(v); i++ {
		if b := v[i]; b < 0x20 || b >= 0x7f || b == '"' || b == ';' || b == '\\' {
			return false
		}
	}
	return true
}

// wellFormedToken reports whether tok is the canonical unpadded base64url
// encoding of 32 bytes: 43 characters, the last one carrying no stray bits.
func wellFormedToken(tok string) bool {
	if len(tok) != tokenLen {
		return false
	}
	for i := 0; i < len(tok); i++ {
		if b64Value(tok[i]) < 0 {
			return false
		}
	}
	// 43 characters carry 258 bits; the last 2 must be zero.
	return b64Value(tok[tokenLen-1])&3 == 0
}

func b64Value(c byte) int {
	switch {
	case c >= 'A' && c <= 'Z':
		return int(c - 'A')
	case c >= 'a' && c <= 'z':
		return int(c-'a') + 26
	case c >= '0' && c <= '9':
		return int(c-'0') + 52
	case c == '-':
		return 62
	case c == '_':
		return 63
	}
	return -1
}

// hashToken is the store key for tok: the same sha256/base64url scheme as
// scs's HashTokenInStore, so stores written by scs stay readable.
func hashToken(tok string) string {
	// A token fits in a stack buffer: []byte(tok) would be a heap
	// allocation on every request.
	var buf [64]byte
	var sum [sha256.Size]byte
	if len(tok) <= len(buf) {
		sum = sha256.Sum256(buf[:copy(buf[:], tok)])
	} else {
		sum = sha256.Sum256([]byte(tok))
	}
	var out [43]byte // base64.RawURLEncoding.EncodedLen(sha256.Size)
	base64.RawURLEncoding.Encode(out[:], sum[:])
	return string(out[:])
}
