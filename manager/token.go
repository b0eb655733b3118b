package manager

import (
	"crypto/sha256"
	"encoding/base64"
	"net/http"
)

// tokenLen is the length of an scs token: 32 random bytes, unpadded base64url.
const tokenLen = 43

// requestToken returns the session token the request carries, or "" when it
// carries none, several session cookies, or one that cannot have been
// issued (Config.Tokens refuses it; by default: a wrong length or
// alphabet). Those cost no store access.
func (m *Manager) requestToken(r *http.Request) string {
	cookies := r.CookiesNamed(m.liveCookie().name)
	switch {
	case len(cookies) == 0:
		return ""
	case len(cookies) > 1:
		m.logger.Debug("sessionkit: ignored request with several session cookies", "count", len(cookies))
		return ""
	}
	tok, ok := m.tokens.ParseCookie(cookies[0].Value)
	if !ok {
		m.logger.Debug("sessionkit: ignored malformed session cookie", "length", len(cookies[0].Value))
		return ""
	}
	return tok
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
	sum := sha256.Sum256([]byte(tok))
	var out [43]byte // base64.RawURLEncoding.EncodedLen(sha256.Size)
	base64.RawURLEncoding.Encode(out[:], sum[:])
	return string(out[:])
}
