// Package echo mounts the sign-in flow on github.com/labstack/echo/v4,
// adapting the session middleware with echo.WrapMiddleware.
package echo

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/sessionkit/sessionkit/examples/signin"
	"github.com/sessionkit/sessionkit/manager"
)

// Handler returns the app.
func Handler(m *manager.Manager) http.Handler {
	h := signin.Handlers{M: m}
	e := echo.New()
	e.HideBanner = true
	e.Use(echo.WrapMiddleware(m.LoadAndSave))
	e.POST("/signin", echo.WrapHandler(http.HandlerFunc(h.SignIn)))
	e.GET("/me", echo.WrapHandler(http.HandlerFunc(h.Me)))
	return e
}
