package manager_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/sessionkit/sessionkit/internal/webtest"
	"github.com/sessionkit/sessionkit/manager"
	"github.com/sessionkit/sessionkit/typed"
)

// TestHijack: behind LoadAndSave the writer is an http.Hijacker when the
// server's is (WebSocket upgrades need it), and Hijack commits the session
// first: what the handler put before taking over the connection is kept.
func TestHijack(t *testing.T) {
	m := manager.New(manager.Config{})
	defer m.Close()
	mux := http.NewServeMux()
	mux.HandleFunc("/upgrade", func(w http.ResponseWriter, r *http.Request) {
		if err := typed.Put(r.Context(), "user", "ada"); err != nil {
			t.Errorf("Put: %v", err)
		}
		h, ok := w.(http.Hijacker)
		if !ok {
			http.Error(w, "not a Hijacker", http.StatusInternalServerError)
			return
		}
		conn, rw, err := h.Hijack()
		if err != nil {
			t.Errorf("Hijack: %v", err)
			return
		}
		// Hijack committed: the cookie is there to send with the raw response.
		cookie := w.Header().Get("Set-Cookie")
		if cookie == "" {
			t.Error("no Set-Cookie in the header after Hijack")
		}
		defer conn.Close()
		rw.WriteString("HTTP/1.1 200 OK\r\nContent-Length: 8\r\nConnection: close\r\nSet-Cookie: " + cookie + "\r\n\r\nhijacked")
		rw.Flush()
	})
	mux.HandleFunc("/me", func(w http.ResponseWriter, r *http.Request) {
		u, err := typed.Get[string](r.Context(), "user")
		if err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		w.Write([]byte(u))
	})
	srv := httptest.NewServer(m.LoadAndSave(mux))
	defer srv.Close()
	c := webtest.Client(t)

	up := webtest.Get(t, c, srv.URL+"/upgrade")
	if up.Status != http.StatusOK || up.Body != "hijacked" {
		t.Fatalf("/upgrade: %d %q, want 200 \"hijacked\"", up.Status, up.Body)
	}
	if me := webtest.Get(t, c, srv.URL+"/me"); me.Status != http.StatusOK || me.Body != "ada" {
		t.Errorf("/me after the hijacked request: %d %q, want the value put before Hijack", me.Status, me.Body)
	}
}
