package express_test

import (
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/gomodule/redigo/redis"

	"github.com/sessionkit/sessionkit/express"
)

func TestConfigErrors(t *testing.T) {
	pool := &redis.Pool{}
	for name, tc := range map[string]struct {
		cfg  express.Config
		want error
	}{
		"no secrets":      {express.Config{Pool: pool}, express.ErrNoSecret},
		"empty secret":    {express.Config{Secrets: []string{"a", ""}, Pool: pool}, express.ErrNoSecret},
		"no pool":         {express.Config{Secrets: []string{"a"}}, express.ErrConfig},
		"bad sameSite":    {express.Config{Secrets: []string{"a"}, Pool: pool, Cookie: express.CookieOptions{SameSite: "sometimes"}}, express.ErrConfig},
		"negative maxAge": {express.Config{Secrets: []string{"a"}, Pool: pool, Cookie: express.CookieOptions{MaxAge: -time.Second}}, express.ErrConfig},
	} {
		if _, err := tc.cfg.ManagerConfig(); !errors.Is(err, tc.want) {
			t.Errorf("%s: err %v, want %v", name, err, tc.want)
		}
	}
}

func TestConfigCookie(t *testing.T) {
	mc, err := express.Config{Secrets: []string{"a"}, Pool: &redis.Pool{}, CookieName: "app.sid",
		Cookie: express.CookieOptions{Path: "/app", SameSite: "strict", Secure: true}}.ManagerConfig()
	if err != nil {
		t.Fatal(err)
	}
	c := mc.Cookie
	if c.Name != "app.sid" || c.Path != "/app" || c.SameSite != http.SameSiteStrictMode || !c.Secure || !c.SessionOnly {
		t.Errorf("cookie config %+v", c)
	}
	if mc.Lifetime != express.DefaultTTL*time.Second || mc.IdleTimeout != mc.Lifetime {
		t.Errorf("without maxAge: Lifetime %v, IdleTimeout %v; want connect-redis's day", mc.Lifetime, mc.IdleTimeout)
	}
	if mc.Tokens == nil || mc.Tokens.StoreKey("abc") != "abc" {
		t.Error("store keys are not the raw sid")
	}
	if _, ok := mc.Tokens.ParseCookie("abc"); ok {
		t.Error("an unsigned cookie parsed")
	}
	v := mc.Tokens.CookieValue("abc")
	if sid, ok := mc.Tokens.ParseCookie(v); !ok || sid != "abc" {
		t.Errorf("ParseCookie(CookieValue(abc)) = %q, %v", sid, ok)
	}
}
