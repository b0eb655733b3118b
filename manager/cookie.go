package manager

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"
)

// cookieSettings is the session cookie as configured, fixed at New.
type cookieSettings struct {
	name, domain, path string
	sameSite           http.SameSite
	partitioned        bool
	persist            bool
	httpOnly           bool
	secure             secureMode
}

type secureMode uint8

const (
	secureAuto   secureMode = iota // per request: TLS or X-Forwarded-Proto: https
	secureAlways                   // Secure, __Host-, __Secure-
	secureNever                    // Insecure
)

// newCookieSettings applies the defaults and checks the cookie prefixes.
// A configuration no browser would accept panics, as http.ServeMux does
// for a bad pattern: it is a programming error, found at startup.
func newCookieSettings(c CookieConfig) cookieSettings {
	if c.Name == "" {
		c.Name = DefaultCookieName
	}
	if c.Path == "" {
		c.Path = "/"
	}
	if c.SameSite == 0 {
		c.SameSite = http.SameSiteLaxMode
	}
	s := cookieSettings{name: c.Name, domain: c.Domain, path: c.Path, sameSite: c.SameSite,
		partitioned: c.Partitioned, persist: !c.SessionOnly, httpOnly: true}
	switch {
	case c.Secure && c.Insecure:
		panic("sessionkit: CookieConfig sets both Secure and Insecure; leave both false for automatic")
	case c.Secure:
		s.secure = secureAlways
	case c.Insecure:
		s.secure = secureNever
	}
	host, sec := strings.HasPrefix(c.Name, "__Host-"), strings.HasPrefix(c.Name, "__Secure-")
	if host || sec {
		// Browsers drop such a cookie unless it is Secure.
		if c.Insecure {
			panic("sessionkit: cookie " + c.Name + ": a __Host- or __Secure- cookie must be Secure; remove Insecure")
		}
		s.secure = secureAlways
	}
	if err := hostPrefixRules(c.Name, c.Domain, c.Path); err != nil {
		panic("sessionkit: " + err.Error())
	}
	return s
}

// hostPrefixRules reports what a browser would hold against a __Host-
// cookie: it silently drops one with a Domain or a Path other than "/",
// and every request would start a new session.
func hostPrefixRules(name, domain, path string) error {
	if !strings.HasPrefix(name, "__Host-") {
		return nil
	}
	if domain != "" {
		return errors.New("cookie " + name + ": a __Host- cookie must not set a Domain")
	}
	if path != "/" {
		return errors.New("cookie " + name + `: a __Host- cookie must have Path "/"`)
	}
	return nil
}

// secureFor decides the Secure attribute for a response to r.
func (c *cookieSettings) secureFor(r *http.Request) bool {
	switch c.secure {
	case secureAlways:
		return true
	case secureNever:
		return false
	}
	if r.TLS != nil {
		return true
	}
	// The first hop's value: the proxy in front of the app (Heroku's
	// router) sets it. A client that forges it only makes its own cookie
	// stricter.
	proto, _, _ := strings.Cut(r.Header.Get("X-Forwarded-Proto"), ",")
	return strings.EqualFold(strings.TrimSpace(proto), "https")
}

// writeCookie adds the session cookie for token to w, or a deletion when
// expiry is zero. It is scs's WriteSessionCookie with the Secure attribute
// decided per request, which scs's shared Cookie field cannot do without
// a data race.
func (m *Manager) writeCookie(ctx context.Context, w http.ResponseWriter, r *http.Request, token string, expiry time.Time) {
	c := m.liveCookie()
	ck := &http.Cookie{
		Name: c.name, Domain: c.domain, Path: c.path, HttpOnly: c.httpOnly,
		Secure: c.secureFor(r), SameSite: c.sameSite, Partitioned: c.partitioned,
	}
	if token != "" {
		ck.Value = m.tokens.CookieValue(token)
	}
	switch {
	case expiry.IsZero():
		ck.Expires, ck.MaxAge = time.Unix(1, 0), -1
	case c.persist || m.getBool(ctx, rememberMeKey):
		ck.Expires = time.Unix(expiry.Unix()+1, 0) // rounded up, as scs does
		ck.MaxAge = int(time.Until(expiry).Seconds() + 1)
	}
	w.Header().Add("Set-Cookie", ck.String())
	w.Header().Add("Cache-Control", `no-cache="Set-Cookie"`)
}
