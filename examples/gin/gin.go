// Package gin mounts the sign-in flow on github.com/gin-gonic/gin: the
// handlers through gin.WrapH, the session middleware around the engine.
package gin

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/sessionkit/sessionkit/examples/signin"
	"github.com/sessionkit/sessionkit/manager"
)

// Handler returns the app.
func Handler(m *manager.Manager) http.Handler {
	gin.SetMode(gin.ReleaseMode)
	h := signin.Handlers{M: m}
	r := gin.New()
	r.POST("/signin", gin.WrapF(h.SignIn))
	r.GET("/me", gin.WrapH(http.HandlerFunc(h.Me)))
	// Wrapping the engine keeps gin's context and the request context in
	// step; gin handlers read the session through c.Request.Context().
	return m.LoadAndSave(r)
}
