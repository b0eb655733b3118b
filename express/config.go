package express

import (
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"time"

	"github.com/sessionkit/sessionkit/manager"
)

// Config describes the Express application whose sessions a sessionkit
// manager is to share: the same secret list, cookie name, key prefix and
// cookie options as its express-session and connect-redis settings, and
// the Redis it uses. [Config.ManagerConfig] turns it into a manager.Config.
type Config struct {
	// Secrets is express-session's secret list: the first signs, each
	// verifies. Required.
	Secrets []string
	// CookieName is express-session's name option; "" means
	// [DefaultCookieName], "connect.sid".
	CookieName string
	// Prefix is connect-redis's prefix option; "" means [DefaultPrefix],
	// "sess:".
	Prefix string
	// Cookie is express-session's cookie option.
	Cookie CookieOptions
	// Pool reaches the Redis connect-redis uses: a *redis.Pool, or what
	// herokuurl.Config.Connect returns for the URL (a single node's pool, a
	// Sentinel-managed master's, a *redisc.Cluster). See [Conns].
	// Required.
	Pool Conns
}

// ManagerConfig returns the manager.Config that makes a Manager speak
// express-session with connect-redis:
//
//   - Tokens: the connect.sid cookie "s:<sid>.<signature>", URL-encoded,
//     verified against each secret in constant time and signed with the
//     first ([Signer]); a cookie that is unsigned, badly signed or
//     malformed costs no Redis command. The session id is the token scs
//     makes (43 characters, 32 random bytes): express-session accepts any
//     signed id, and Node's own 32-character ids are read as they are.
//   - Store: a [Store] with connect-redis's keys (prefix + sid, not
//     hashed) and TTLs (SET … EX, EXPIRE).
//   - Codec: a [Codec] writing Cookie into new sessions, so values are the
//     plain JSON Express reads and package typed reads by Go type.
//   - Lifetime and IdleTimeout: Cookie.MaxAge (one day without one, like
//     connect-redis's TTL). express-session moves a session's expiry to
//     now + maxAge on every request; the Go side does the same on writes
//     and, for read-only requests, with one EXPIRE at most every tenth of
//     MaxAge.
//   - Cookie: the name, path, domain and SameSite of Cookie, Secure if
//     Cookie.Secure (else Secure on HTTPS requests only), a browser-session
//     cookie without MaxAge, as express-session sets it.
//   - MaxSize: none (-1). Node writes sessions of any size, and the manager
//     deletes a stored session over MaxSize as corrupt: that would sign the
//     user out of the Express app too. Set one only if Node never writes
//     larger sessions.
//
// Change other fields (Logger, Hooks, ErrorHandler, MaxSize) as needed,
// but not these. It fails with [ErrNoSecret] or [ErrConfig].
func (c Config) ManagerConfig() (manager.Config, error) {
	signer, err := NewSigner(c.Secrets...)
	if err != nil {
		return manager.Config{}, err
	}
	if isNil(c.Pool) {
		return manager.Config{}, fmt.Errorf("%w: Pool is required", ErrConfig)
	}
	if c.Cookie.MaxAge < 0 {
		return manager.Config{}, fmt.Errorf("%w: Cookie.MaxAge is negative", ErrConfig)
	}
	name := c.CookieName
	if name == "" {
		name = DefaultCookieName
	}
	sameSite, err := parseSameSite(c.Cookie.SameSite)
	if err != nil {
		return manager.Config{}, err
	}
	life := c.Cookie.MaxAge
	if life == 0 {
		life = DefaultTTL * time.Second
	}
	return manager.Config{
		Store:       NewStore(c.Pool, c.Prefix),
		Codec:       NewCodec(c.Cookie),
		Tokens:      cookieTokens{signer},
		Lifetime:    life,
		IdleTimeout: life,
		// Node writes sessions of any size, and a stored session over
		// MaxSize counts as corrupt and is deleted: a Go read must not
		// sign a user out of the Express app. Nesting stays capped
		// (codec.MaxDepth), so no size is needed to keep decoding safe.
		MaxSize: -1,
		Cookie: manager.CookieConfig{
			Name: name, Path: c.Cookie.Path, Domain: c.Cookie.Domain,
			Secure: c.Cookie.Secure, SameSite: sameSite,
			SessionOnly: c.Cookie.MaxAge == 0,
		},
	}, nil
}

// isNil reports whether p is nil or a nil pointer (a nil *redis.Pool in
// the interface), which would panic at the first request.
func isNil(p Conns) bool {
	if p == nil {
		return true
	}
	v := reflect.ValueOf(p)
	return v.Kind() == reflect.Pointer && v.IsNil()
}

func parseSameSite(s string) (http.SameSite, error) {
	switch strings.ToLower(s) {
	case "":
		return 0, nil // the manager's default, Lax
	case "lax":
		return http.SameSiteLaxMode, nil
	case "strict":
		return http.SameSiteStrictMode, nil
	case "none":
		return http.SameSiteNoneMode, nil
	}
	return 0, fmt.Errorf("%w: Cookie.SameSite %q is not lax, strict or none", ErrConfig, s)
}

// maxSID bounds the session ids the Go side accepts from a verified
// cookie, far above express-session's 32 characters and scs's 43, so a
// huge cookie costs no HMAC over it.
const maxSID = 255

// cookieTokens is the manager.TokenFormat of express-session.
type cookieTokens struct{ signer *Signer }

// ParseCookie verifies a connect.sid value. Cost: one HMAC-SHA256 per
// secret tried, no I/O.
func (t cookieTokens) ParseCookie(v string) (string, bool) {
	// 3 × for URL encoding, "s:", ".", and a 43-character signature.
	if len(v) > 3*(maxSID+2+1+43) {
		return "", false
	}
	sid, ok := t.signer.Unsign(v)
	if !ok || sid == "" || len(sid) > maxSID {
		return "", false
	}
	return sid, true
}

func (t cookieTokens) CookieValue(sid string) string { return t.signer.Sign(sid) }

// StoreKey is the sid itself: Store adds the prefix.
func (cookieTokens) StoreKey(sid string) string { return sid }
