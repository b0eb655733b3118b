package express

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"
)

// DefaultCookieName is express-session's default cookie name.
const DefaultCookieName = "connect.sid"

// Signer signs and verifies express-session cookie values. It is immutable
// and safe for concurrent use.
type Signer struct {
	secrets [][]byte
}

// NewSigner returns a Signer for express-session's secret list: it signs
// with secrets[0] and verifies against each secret in order, so a secret
// being retired keeps working for cookies it signed while it stays in the
// list. An empty list or an empty secret is [ErrNoSecret].
func NewSigner(secrets ...string) (*Signer, error) {
	if len(secrets) == 0 {
		return nil, ErrNoSecret
	}
	s := &Signer{secrets: make([][]byte, len(secrets))}
	for i, sec := range secrets {
		if sec == "" {
			return nil, fmt.Errorf("%w (secret %d of %d is empty)", ErrNoSecret, i+1, len(secrets))
		}
		s.secrets[i] = []byte(sec)
	}
	return s, nil
}

// Sign returns the cookie value express-session sends for session id sid:
// "s:" + sid + "." + the unpadded base64 HMAC-SHA256 of sid under the
// first secret, URL-encoded as the cookie package's encodeURIComponent
// does ("s%3A…"). Put it in an http.Cookie's Value as it is.
// Cost: one HMAC-SHA256 over sid.
func (s *Signer) Sign(sid string) string {
	return encodeURIComponent("s:" + sid + "." + mac(s.secrets[0], sid))
}

// Unsign verifies a cookie value as express-session does and returns the
// session id it carries. The value may be URL-encoded (as browsers send
// it) or not. ok is false for anything express-session would treat as no
// session: an unsigned value (no "s:" prefix), no ".", or a signature that
// no secret in the list produced. It never panics.
//
// The comparison with each secret's signature is constant-time
// (crypto/hmac.Equal). Cost: one HMAC-SHA256 per secret tried, no I/O.
func (s *Signer) Unsign(cookieValue string) (sid string, ok bool) {
	v := decodeCookieValue(cookieValue)
	rest, found := strings.CutPrefix(v, "s:")
	if !found {
		return "", false
	}
	dot := strings.LastIndexByte(rest, '.')
	if dot < 0 {
		return "", false
	}
	sid, sig := rest[:dot], rest[dot+1:]
	for _, secret := range s.secrets {
		if hmac.Equal([]byte(mac(secret, sid)), []byte(sig)) {
			return sid, true
		}
	}
	return "", false
}

// mac is cookie-signature's signature: standard base64 with the "="
// padding removed.
func mac(secret []byte, sid string) string {
	h := hmac.New(sha256.New, secret)
	h.Write([]byte(sid))
	var sum [sha256.Size]byte
	return base64.RawStdEncoding.EncodeToString(h.Sum(sum[:0]))
}

// decodeCookieValue undoes the URL encoding as the cookie package's parse
// does: only when the value contains "%", and keeping the value as it is
// when it is not valid percent-encoded UTF-8 (decodeURIComponent throws,
// and cookie's tryDecode falls back to the raw string). Unlike query
// unescaping, "+" stays "+": it is a base64 character here.
func decodeCookieValue(v string) string {
	if !strings.Contains(v, "%") {
		return v
	}
	d, err := url.PathUnescape(v)
	if err != nil || !utf8.ValidString(d) {
		return v
	}
	return d
}

// encodeURIComponent is JavaScript's: everything but A-Z a-z 0-9 and
// -_.!~*'() is percent-encoded as UTF-8 bytes.
func encodeURIComponent(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("-_.!~*'()", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}
