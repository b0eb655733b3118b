// Package nethttp mounts the sign-in flow on net/http's ServeMux.
package nethttp

import (
	"net/http"

	"github.com/sessionkit/sessionkit/examples/signin"
	"github.com/sessionkit/sessionkit/manager"
)

// Handler returns the app.
func Handler(m *manager.Manager) http.Handler {
	h := signin.Handlers{M: m}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /signin", h.SignIn)
	mux.HandleFunc("GET /me", h.Me)
	return m.LoadAndSave(mux)
}
