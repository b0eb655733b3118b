package manager_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/sessionkit/sessionkit/manager"
	"github.com/sessionkit/sessionkit/typed"
)

func rvDo(t *testing.T, h http.Handler, cookie string) (*httptest.ResponseRecorder, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	r := httptest.NewRequest("POST", "/", nil)
	if cookie != "" {
		r.Header.Set("Cookie", cookie)
	}
	h.ServeHTTP(rec, r)
	for _, c := range rec.Result().Cookies() {
		if c.Name == manager.DefaultCookieName {
			if c.MaxAge < 0 || c.Value == "" {
				return rec, ""
			}
			return rec, c.Name + "=" + c.Value
		}
	}
	return rec, cookie
}

// scs-style IdleTimeout set after New: an active read-only user must stay signed in.
func TestReviewLiveIdleTimeoutReadOnly(t *testing.T) {
	for _, su := range allStores() {
		t.Run(su.name, func(t *testing.T) {
			m := manager.New(manager.Config{Store: su.make(t)})
			defer m.Close()
			m.SessionManager().IdleTimeout = 1500 * time.Millisecond
			var got string
			h := m.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Query().Get("put") != "" {
					m.SessionManager().Put(r.Context(), "user", "ada")
					return
				}
				got = m.SessionManager().GetString(r.Context(), "user")
			}))
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest("POST", "/?put=1", nil))
			c := rec.Result().Cookies()[0]
			cookie := c.Name + "=" + c.Value
			for i := 0; i < 3; i++ {
				time.Sleep(800 * time.Millisecond)
				got = ""
				_, cookie = rvDo(t, h, cookie)
				if got != "ada" {
					t.Fatalf("read %d after %v: signed out (got %q); scs keeps an active session alive", i, time.Duration(i+1)*800*time.Millisecond, got)
				}
			}
		})
	}
}

// scs getters and flash via SessionManager after typed.Put.
func TestReviewSCSGetters(t *testing.T) {
	for _, su := range allStores() {
		t.Run(su.name, func(t *testing.T) {
			m := manager.New(manager.Config{Store: su.make(t)})
			defer m.Close()
			sm := m.SessionManager()
			var pops []string
			now := time.Now().Truncate(time.Second)
			h := m.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				ctx := r.Context()
				if r.Header.Get("X-Act") == "put" {
					_ = typed.Put(ctx, "flash", "hi")
					_ = typed.Put(ctx, "n", 42)
					_ = typed.Put(ctx, "b", []byte("xy"))
					_ = typed.Put(ctx, "t", now)
					_ = typed.Put(ctx, "f", 1.5)
					if sm.GetInt(ctx, "n") != 42 || sm.GetString(ctx, "flash") != "hi" {
						t.Error("same-request scs getters after typed.Put")
					}
					return
				}
				if s, ok := sm.Get(ctx, "flash").(string); !ok && len(pops) == 0 {
					t.Errorf("Get(flash).(string) failed: %T", sm.Get(ctx, "flash"))
				} else {
					_ = s
				}
				if sm.GetInt(ctx, "n") != 42 || string(sm.GetBytes(ctx, "b")) != "xy" || !sm.GetTime(ctx, "t").Equal(now) || sm.GetFloat(ctx, "f") != 1.5 {
					t.Errorf("scs getters: %v %q %v %v", sm.GetInt(ctx, "n"), sm.GetBytes(ctx, "b"), sm.GetTime(ctx, "t"), sm.GetFloat(ctx, "f"))
				}
				pops = append(pops, sm.PopString(ctx, "flash"))
			}))
			rec := httptest.NewRecorder()
			r := httptest.NewRequest("POST", "/", nil)
			r.Header.Set("X-Act", "put")
			h.ServeHTTP(rec, r)
			c := rec.Result().Cookies()[0]
			cookie := c.Name + "=" + c.Value
			rvDo(t, h, cookie)
			rvDo(t, h, cookie)
			if strings.Join(pops, ",") != "hi," {
				t.Errorf("pops %q, want hi then empty", pops)
			}
		})
	}
}

// Manual Commit, then RenewToken, then Put, then middleware commit (Redis create-only trap).
func TestReviewCommitRenewCommit(t *testing.T) {
	for _, su := range allStores() {
		t.Run(su.name, func(t *testing.T) {
			m := manager.New(manager.Config{Store: su.make(t)})
			defer m.Close()
			sm := m.SessionManager()
			h := m.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				ctx := r.Context()
				if r.Header.Get("X-Act") == "x" {
					sm.Put(ctx, "a", "1")
					if _, _, err := sm.Commit(ctx); err != nil {
						t.Error("commit1", err)
					}
					if err := m.RenewToken(ctx); err != nil {
						t.Error("renew", err)
					}
					sm.Put(ctx, "b", "2")
					if _, _, err := sm.Commit(ctx); err != nil {
						t.Error("commit2", err)
					}
					sm.Put(ctx, "c", "3")
					return
				}
				w.Header().Set("X-V", sm.GetString(ctx, "a")+sm.GetString(ctx, "b")+sm.GetString(ctx, "c"))
			}))
			for _, cookie := range []string{""} {
				rec := httptest.NewRecorder()
				r := httptest.NewRequest("POST", "/", nil)
				r.Header.Set("X-Act", "x")
				if cookie != "" {
					r.Header.Set("Cookie", cookie)
				}
				h.ServeHTTP(rec, r)
				if rec.Code != 200 {
					t.Fatalf("status %d %s", rec.Code, rec.Body)
				}
				cs := rec.Result().Cookies()
				c := cs[len(cs)-1]
				rec2, _ := rvDo(t, h, c.Name+"="+c.Value)
				if v := rec2.Header().Get("X-V"); v != "123" {
					t.Errorf("after reload: %q, want 123 (cookies %v)", v, cs)
				}
			}
		})
	}
}

func TestReviewFlusher(t *testing.T) {
	m := manager.New(manager.Config{})
	defer m.Close()
	h := m.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := http.NewResponseController(w).Flush(); err != nil {
			t.Errorf("flush: %v", err)
		}
		if _, ok := w.(http.Flusher); !ok {
			t.Errorf("not a Flusher")
		}
	}))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
}

func TestReviewLiveCookieName(t *testing.T) {
	m := manager.New(manager.Config{})
	defer m.Close()
	m.SessionManager().Cookie.Name = "session_id"
	m.SessionManager().Cookie.Path = "/"
	h := m.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == "POST" {
			_ = typed.Put(r.Context(), "u", "ada")
			return
		}
		u, _ := typed.Get[string](r.Context(), "u")
		w.Write([]byte(u))
	}))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("POST", "/", nil))
	cs := rec.Result().Cookies()
	if len(cs) != 1 || cs[0].Name != "session_id" {
		t.Fatalf("cookies %v", cs)
	}
	rec = httptest.NewRecorder()
	r := httptest.NewRequest("GET", "/", nil)
	r.AddCookie(cs[0])
	h.ServeHTTP(rec, r)
	if rec.Body.String() != "ada" {
		t.Errorf("live cookie name: read %q", rec.Body.String())
	}
}
