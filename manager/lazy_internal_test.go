package manager

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestSCSContextKeyFound: the probe finds scs's context key, so cookieless
// requests take the lazy path; and a Manager without it (a future scs
// that the probe does not understand) still serves sessions, loading them
// up front.
func TestSCSContextKeyFound(t *testing.T) {
	m := New(Config{})
	defer m.Close()
	if m.scsKey == nil {
		t.Fatal("scsContextKey found no key: every cookieless request pays for scs's Load")
	}
	for _, lazy := range []bool{true, false} {
		if !lazy {
			m.scsKey = nil
		}
		h := m.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if st := stateFrom(r.Context()); st.lazy != lazy {
				t.Errorf("lazy = %v, want %v", st.lazy, lazy)
			}
			if err := m.Put(r.Context(), "n", 1); err != nil {
				t.Error(err)
			}
		}))
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("GET", "/", nil))
		if cks := w.Result().Cookies(); len(cks) != 1 || cks[0].Value == "" {
			t.Errorf("lazy=%v: cookies %v, want one session cookie", lazy, cks)
		}
	}
}
