// Package chi mounts the sign-in flow on github.com/go-chi/chi/v5, whose
// middleware is the same func(http.Handler) http.Handler.
package chi

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/sessionkit/sessionkit/examples/signin"
	"github.com/sessionkit/sessionkit/manager"
)

// Handler returns the app.
func Handler(m *manager.Manager) http.Handler {
	h := signin.Handlers{M: m}
	r := chi.NewRouter()
	r.Use(m.LoadAndSave)
	r.Post("/signin", h.SignIn)
	r.Get("/me", h.Me)
	return r
}
