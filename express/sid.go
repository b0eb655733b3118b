package express

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
)

// sidBytes is what express-session's generateSessionId asks uid-safe for.
const sidBytes = 24

// SIDLength is the length of a session id from [NewSID] (and from
// express-session's default genid): 24 bytes in unpadded base64url.
const SIDLength = 32

// NewSID returns a new session id as express-session generates them:
// 24 bytes from crypto/rand in base64url without padding (32 characters).
// Cost: one read of 24 random bytes. The error is crypto/rand's, which
// Go 1.24 and later never return.
func NewSID() (string, error) {
	var b [sidBytes]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("express: generating a session id: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b[:]), nil
}

// ValidSID reports whether s has the shape of an id from [NewSID] and
// express-session's default genid: 32 base64url characters. Use it to
// refuse other tokens before asking the store.
func ValidSID(s string) bool {
	if len(s) != SIDLength {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}
