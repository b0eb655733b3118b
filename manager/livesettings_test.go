package manager_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/sessionkit/sessionkit/codec"
	"github.com/sessionkit/sessionkit/manager"
	"github.com/sessionkit/sessionkit/store/memstore"
	"github.com/sessionkit/sessionkit/typed"
)

// TestLiveSessionManagerSettings: the settings scs's README sets on the
// session manager after creating it are honoured when set on
// SessionManager() after New.
func TestLiveSessionManagerSettings(t *testing.T) {
	t.Run("Cookie.Name", func(t *testing.T) {
		m := manager.New(manager.Config{})
		defer m.Close()
		m.SessionManager().Cookie.Name = "session_id"
		mux := http.NewServeMux()
		mux.HandleFunc("/put", func(w http.ResponseWriter, r *http.Request) { _ = typed.Put(r.Context(), "user", "ada") })
		mux.HandleFunc("/get", func(w http.ResponseWriter, r *http.Request) {
			u, _ := typed.GetOr(r.Context(), "user", "nobody")
			w.Write([]byte(u))
		})
		h := m.LoadAndSave(mux)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/put", nil))
		cookies := rec.Result().Cookies()
		if len(cookies) != 1 || cookies[0].Name != "session_id" {
			t.Fatalf("cookies %v, want one named session_id", cookies)
		}
		r := httptest.NewRequest("GET", "/get", nil)
		r.AddCookie(cookies[0])
		rec = httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		if rec.Body.String() != "ada" {
			t.Errorf("the next request read %q through the session_id cookie, want ada", rec.Body.String())
		}
		if m.CookieName() != "session_id" {
			t.Errorf("CookieName() = %q", m.CookieName())
		}
	})
	t.Run("Cookie attributes", func(t *testing.T) {
		m := manager.New(manager.Config{})
		defer m.Close()
		sm := m.SessionManager()
		sm.Cookie.Domain = "example.test"
		sm.Cookie.HttpOnly = false
		sm.Cookie.Path = "/example/"
		sm.Cookie.SameSite = http.SameSiteStrictMode
		sm.Cookie.Secure = true
		sm.Cookie.Partitioned = true
		sm.Cookie.Persist = false
		c := setCookie(t, m, func(*http.Request) {})
		if c.Domain != "example.test" || c.HttpOnly || c.Path != "/example/" || c.SameSite != http.SameSiteStrictMode ||
			!c.Secure || !c.Partitioned || c.MaxAge != 0 || !c.Expires.IsZero() {
			t.Errorf("cookie %s does not carry the settings", c.String())
		}
	})
	t.Run("Lifetime", func(t *testing.T) {
		m := manager.New(manager.Config{})
		defer m.Close()
		m.SessionManager().Lifetime = time.Hour
		if c := setCookie(t, m, func(*http.Request) {}); c.MaxAge < 3500 || c.MaxAge > 3601 {
			t.Errorf("Max-Age %d, want about an hour", c.MaxAge)
		}
	})
	t.Run("IdleTimeout", func(t *testing.T) {
		m := manager.New(manager.Config{})
		defer m.Close()
		m.SessionManager().IdleTimeout = 20 * time.Minute
		if c := setCookie(t, m, func(*http.Request) {}); c.MaxAge < 1190 || c.MaxAge > 1201 {
			t.Errorf("Max-Age %d, want about 20 minutes", c.MaxAge)
		}
	})
	t.Run("ErrorFunc", func(t *testing.T) {
		st := memstore.New()
		defer st.Close()
		m := manager.New(manager.Config{Store: st, MaxSize: 64})
		defer m.Close()
		var got error
		m.SessionManager().ErrorFunc = func(w http.ResponseWriter, r *http.Request, err error) {
			got = err
			http.Error(w, "custom", http.StatusTeapot)
		}
		// Two values under the limit each, over it together: the commit fails.
		h := m.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_ = typed.Put(r.Context(), "a", strings.Repeat("a", 40))
			_ = typed.Put(r.Context(), "b", strings.Repeat("b", 40))
		}))
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
		if rec.Code != http.StatusTeapot || !errors.Is(got, manager.ErrTooLarge) {
			t.Errorf("status %d, ErrorFunc got %v; want the custom handler with ErrTooLarge", rec.Code, got)
		}
	})
}

// TestChangedFixedSettingsFailLoudly: Store, Codec and HashTokenInStore
// are fixed at New; changed on SessionManager() afterwards, every request
// is answered through the error handler with ErrSettings naming the field,
// never served with the change silently ignored.
func TestChangedFixedSettingsFailLoudly(t *testing.T) {
	for field, change := range map[string]func(m *manager.Manager){
		"Store":            func(m *manager.Manager) { m.SessionManager().Store = memstore.New() },
		"Codec":            func(m *manager.Manager) { m.SessionManager().Codec = codec.JSON() },
		"HashTokenInStore": func(m *manager.Manager) { m.SessionManager().HashTokenInStore = true },
		// Browsers silently drop a __Host- cookie with a Domain or a Path
		// other than "/": every request would start a new session.
		"Cookie.Domain": func(m *manager.Manager) {
			m.SessionManager().Cookie.Name = "__Host-session"
			m.SessionManager().Cookie.Domain = "example.com"
		},
		"Cookie.Path": func(m *manager.Manager) {
			m.SessionManager().Cookie.Name = "__Host-session"
			m.SessionManager().Cookie.Path = "/app"
		},
	} {
		t.Run(field, func(t *testing.T) {
			var got error
			m := manager.New(manager.Config{ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
				got = err
				http.Error(w, "settings", http.StatusInternalServerError)
			}})
			defer m.Close()
			served := false
			h := m.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { served = true }))
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
			if rec.Code != http.StatusOK || !served {
				t.Fatalf("before the change: %d", rec.Code)
			}
			change(m)
			served = false
			rec = httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
			if served || rec.Code != http.StatusInternalServerError || !errors.Is(got, manager.ErrSettings) ||
				!strings.Contains(got.Error(), field) {
				t.Errorf("after changing %s: served %v, status %d, error %v", field, served, rec.Code, got)
			}
		})
	}
}
