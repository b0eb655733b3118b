package manager

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/alexedwards/scs/v2"
)

// ErrSettings means a field of [Manager.SessionManager] that the Manager
// fixes at [New] was changed afterwards: Store, Codec or HashTokenInStore,
// or a cookie set afterwards that browsers would drop (a __Host- name with
// a Domain or a Path other than "/").
// Every request is answered through the error handler with it (500 by
// default) until the field is set back: serving on with the old value would
// silently ignore the change, and taking the new one would mix two stores
// or two encodings. Configure them in [Config] instead.
var ErrSettings = errors.New("manager: SessionManager() setting changed after New; set it in manager.Config")

// newSettings records what New put into the scs manager, so that later
// changes (scs's README style: sm.Cookie.Name = ... after New) are seen.
type newSettings struct {
	cookie          scs.SessionCookie
	codec           scs.Codec
	codecComparable bool // a codec of a non-comparable type cannot be checked
}

// checkSettings returns ErrSettings, saying which field, when Store,
// Codec or HashTokenInStore of the scs manager no longer hold what New set,
// or when a cookie changed since New breaks the __Host- rules.
// Cost: four comparisons per request.
func (m *Manager) checkSettings() error {
	sm := m.sm
	switch {
	case sm.Store != scs.Store(m.store):
		return fmt.Errorf("%w: Store (use Config.Store)", ErrSettings)
	case m.set.codecComparable && sm.Codec != m.set.codec:
		return fmt.Errorf("%w: Codec (use Config.Codec)", ErrSettings)
	case sm.HashTokenInStore:
		return fmt.Errorf("%w: HashTokenInStore (tokens are hashed by default; see Config.StoreRawTokens)", ErrSettings)
	case sm.Cookie != m.set.cookie:
		// New checked Config.Cookie; a name, Domain or Path set later is
		// checked here (an empty Path is written as "/").
		path := sm.Cookie.Path
		if path == "" {
			path = "/"
		}
		if err := hostPrefixRules(sm.Cookie.Name, sm.Cookie.Domain, path); err != nil {
			field := "Cookie.Path"
			if sm.Cookie.Domain != "" {
				field = "Cookie.Domain"
			}
			return fmt.Errorf("%w: %s: %v", ErrSettings, field, err)
		}
	}
	return nil
}

// fail answers a request whose session cannot be served with
// SessionManager().ErrorFunc: New sets it to Config.ErrorHandler (or the
// default), and code may replace it afterwards, as in scs. Set to nil, the
// Config's handler answers.
func (m *Manager) fail(w http.ResponseWriter, r *http.Request, err error) {
	if f := m.sm.ErrorFunc; f != nil {
		f(w, r, err)
		return
	}
	m.errHandler(w, r, err)
}

// liveCookie returns the cookie settings for a request: those New derived
// from Config.Cookie, or, when code changed SessionManager().Cookie since,
// those fields. A Secure left as New set it keeps the automatic
// per-request choice.
func (m *Manager) liveCookie() cookieSettings {
	live := m.sm.Cookie
	if live == m.set.cookie {
		return m.cookie
	}
	c := cookieSettings{name: live.Name, domain: live.Domain, path: live.Path,
		sameSite: live.SameSite, partitioned: live.Partitioned, persist: live.Persist,
		httpOnly: live.HttpOnly, secure: m.cookie.secure}
	if c.name == "" {
		c.name = DefaultCookieName
	}
	if c.path == "" {
		c.path = "/"
	}
	if live.Secure != m.set.cookie.Secure {
		c.secure = secureNever
		if live.Secure {
			c.secure = secureAlways
		}
	}
	if strings.HasPrefix(c.name, "__Host-") || strings.HasPrefix(c.name, "__Secure-") {
		c.secure = secureAlways
	}
	return c
}
