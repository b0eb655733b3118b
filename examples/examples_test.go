package examples_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	chiex "github.com/sessionkit/sessionkit/examples/chi"
	echoex "github.com/sessionkit/sessionkit/examples/echo"
	ginex "github.com/sessionkit/sessionkit/examples/gin"
	"github.com/sessionkit/sessionkit/examples/nethttp"
	"github.com/sessionkit/sessionkit/internal/webtest"
	"github.com/sessionkit/sessionkit/manager"
)

// TestSignInEveryRouter signs in and reads the typed user back through a
// real HTTP round trip under each router.
func TestSignInEveryRouter(t *testing.T) {
	for name, mount := range map[string]func(*manager.Manager) http.Handler{
		"net/http": nethttp.Handler,
		"chi":      chiex.Handler,
		"gin":      ginex.Handler,
		"echo":     echoex.Handler,
	} {
		t.Run(name, func(t *testing.T) {
			srv := httptest.NewServer(mount(manager.New(manager.Config{})))
			defer srv.Close()
			client := webtest.Client(t)
			if r := webtest.Get(t, client, srv.URL+"/me"); r.Status != http.StatusUnauthorized {
				t.Fatalf("before sign-in: %d %q", r.Status, r.Body)
			}
			r := webtest.PostForm(t, client, srv.URL+"/signin", url.Values{"name": {"root"}})
			if r.Status != http.StatusNoContent || r.SetCookie("session") == nil {
				t.Fatalf("sign-in: %d %q, cookie %v", r.Status, r.Body, r.SetCookie("session"))
			}
			if r := webtest.Get(t, client, srv.URL+"/me"); r.Status != 200 || r.Body != "root admin=true" {
				t.Fatalf("after sign-in: %d %q", r.Status, r.Body)
			}
		})
	}
}
