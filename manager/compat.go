package manager

// TokenFormat decides how a session token travels in the session cookie and
// which store key it names. The default is scs's: the cookie carries the
// 43-character token as it is, and the store key is its sha256 hash (or the
// token itself with Config.StoreRawTokens). Package express supplies the
// format express-session uses (a signed cookie, raw store keys), so that a
// Manager can share sessions with an Express application.
//
// Tokens themselves are always made by scs: 32 random bytes, 43 characters
// of unpadded base64url. Implementations must be safe for concurrent use,
// do no I/O and never panic on any input. The format applies to cookies the
// Manager reads and writes itself; scs's own WriteSessionCookie, called
// directly, still writes the bare token.
type TokenFormat interface {
	// ParseCookie returns the token a session cookie's value carries, and
	// false for a value this format cannot have issued (unsigned, badly
	// signed, malformed). A false result costs the request no store
	// access: it starts a fresh session. Checks of secrets must be
	// constant-time.
	ParseCookie(value string) (token string, ok bool)
	// CookieValue returns the cookie value carrying token, ready for
	// http.Cookie.Value.
	CookieValue(token string) string
	// StoreKey returns the key the store keeps token's session under.
	StoreKey(token string) string
}

// scsTokens is the default TokenFormat: scs's tokens, hashed in the store
// unless raw.
type scsTokens struct{ raw bool }

func (scsTokens) ParseCookie(v string) (string, bool) { return v, wellFormedToken(v) }
func (scsTokens) CookieValue(token string) string     { return token }

func (f scsTokens) StoreKey(token string) string {
	if f.raw {
		return token
	}
	return hashToken(token)
}
