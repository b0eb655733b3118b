package manager

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"unsafe"
)

// TestSCSInternalsFound: New finds scs's context key and its session
// data's layout, so the middleware takes the lean paths; and a Manager
// without them (a future scs the probes do not understand) serves the
// same sessions through scs's own methods.
func TestSCSInternalsFound(t *testing.T) {
	probe := New(Config{})
	defer probe.Close()
	if probe.scsKey == nil {
		t.Fatal("scsContextKey found no key: every cookieless request pays for scs's Load")
	}
	if probe.sdType == nil {
		t.Fatal("scsDataLayout does not match scs's session data: the mirror is off")
	}
	for _, mode := range []string{"mirror", "lazy only", "scs only"} {
		m := New(Config{})
		defer m.Close()
		switch mode {
		case "lazy only":
			m.sdType = nil
		case "scs only": // what New does when the key probe fails
			m.scsKey, m.sdType = nil, nil
		}
		h := m.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			v, _ := m.get(r.Context(), "n")
			n, _ := v.(int)
			if r.URL.Path == "/inc" {
				if err := m.Put(r.Context(), "n", n+1); err != nil {
					t.Error(err)
				}
			}
			fmt.Fprint(w, n)
		}))
		var cookie *http.Cookie
		do := func(path, want string) {
			t.Helper()
			r := httptest.NewRequest("GET", path, nil)
			if cookie != nil {
				r.AddCookie(cookie)
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if w.Body.String() != want {
				t.Errorf("%s: %s read %q, want %q", mode, path, w.Body, want)
			}
			if cks := w.Result().Cookies(); len(cks) == 1 {
				cookie = cks[0]
			}
		}
		do("/inc", "0")
		if cookie == nil {
			t.Fatalf("%s: the first write set no cookie", mode)
		}
		do("/read", "1")
		do("/inc", "1")
		do("/read", "2")
	}
}

// TestSessionDataFromOutside: a request that already carries this scs
// manager's session data (code that called SessionManager().Load before
// the middleware) keeps it, as scs's Load keeps it, with or without a
// cookie: the middleware does not make fresh data over it.
func TestSessionDataFromOutside(t *testing.T) {
	m := New(Config{})
	defer m.Close()
	sm := m.SessionManager()
	got := ""
	inner := m.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = sm.GetString(r.Context(), "outer")
	}))
	outer := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, err := sm.Load(r.Context(), "")
		if err != nil {
			t.Fatal(err)
		}
		sm.Put(ctx, "outer", "x")
		inner.ServeHTTP(w, r.WithContext(ctx))
	})
	outer.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
	if got != "x" {
		t.Errorf("the handler read %q, want the outer session data's %q", got, "x")
	}
}

// TestRequestStateSize: the state every request allocates stays within
// 256 bytes, so that a request without a cookie (that state and net/http's
// request copy, 320 bytes) costs less memory than under scs's middleware
// (592 bytes): what only requests with a session need lives in
// sessionState.
func TestRequestStateSize(t *testing.T) {
	if n := unsafe.Sizeof(requestState{}); n > 256 {
		t.Errorf("requestState is %d bytes, want at most 256: move what cookieless requests do not need into sessionState", n)
	}
}
