package herokuurl_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gomodule/redigo/redis"

	"github.com/sessionkit/sessionkit/herokuurl"
	"github.com/sessionkit/sessionkit/internal/redistest"
)

// poolPing borrows a connection from cfg's pool and runs SET and GET on it.
func poolPing(t *testing.T, cfg herokuurl.Config) error {
	t.Helper()
	pool := cfg.Pool()
	defer pool.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, err := pool.GetContext(ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	if _, err := c.Do("SET", "k", "v"); err != nil {
		return err
	}
	if v, err := redis.String(c.Do("GET", "k")); err != nil || v != "v" {
		return fmt.Errorf("GET k = %q, %v", v, err)
	}
	return nil
}

// authCalls counts the AUTH commands fn sent. The measuring connections of
// redistest authenticate too when the server has a password; a run with
// nothing to do measures that overhead, which is subtracted.
func authCalls(srv *redistest.Server, fn func()) int64 {
	overhead := srv.Calls(func() {})["auth"]
	return srv.Calls(fn)["auth"] - overhead
}

// TestLegacyAddOnPlaceholderUser: the story's own URL shape against a
// Redis 7 with requirepass (issue 9, defect 7). The add-ons of that era ran
// Redis before 6, where the user part was never sent; on a modern server
// "AUTH redistogo pw" is WRONGPASS, so for the legacy add-on variables the
// user is a placeholder and AUTH is retried with the password alone.
func TestLegacyAddOnPlaceholderUser(t *testing.T) {
	const pw = "story-PASSWORD"
	srv := redistest.Start(t, redistest.Options{Password: pw})
	for _, v := range []struct{ name, user string }{
		{"REDISTOGO_URL", "redistogo"}, {"REDISCLOUD_URL", "rediscloud"}, {"OPENREDIS_URL", "openredis"},
		{"REDISGREEN_URL", "redisgreen"}, {"MYREDIS_URL", "myredis"},
	} {
		t.Run(v.name, func(t *testing.T) {
			clearEnv(t)
			t.Setenv(v.name, fmt.Sprintf("redis://%s:%s@127.0.0.1:%d/", v.user, pw, srv.Port))
			cfg, err := herokuurl.FromEnv()
			if err != nil {
				t.Fatal(err)
			}
			if cfg.Source != v.name {
				t.Fatalf("Source = %s", cfg.Source)
			}
			auths := authCalls(srv, func() {
				if err := poolPing(t, cfg); err != nil {
					t.Fatalf("%s=redis://%s:…@…/ against requirepass: %v", v.name, v.user, err)
				}
			})
			if auths != 2 {
				t.Errorf("AUTH calls = %d, want 2 (user+password refused, then password alone)", auths)
			}
			if !strings.Contains(strings.Join(cfg.Notes, "; "), "placeholder") {
				t.Errorf("notes %q do not say the user is taken as a placeholder", cfg.Notes)
			}
		})
	}
	t.Run("wrong password still fails", func(t *testing.T) {
		clearEnv(t)
		t.Setenv("REDISTOGO_URL", fmt.Sprintf("redis://redistogo:not-%s@127.0.0.1:%d/", pw, srv.Port))
		cfg, err := herokuurl.FromEnv()
		if err != nil {
			t.Fatal(err)
		}
		err = poolPing(t, cfg)
		if !errors.Is(err, herokuurl.ErrAuth) || strings.Contains(err.Error(), "not-"+pw) {
			t.Fatalf("wrong password: %v; want ErrAuth without the password", err)
		}
	})
}

// TestLegacyAddOnRealACLUser: a legacy variable naming a user that exists
// authenticates as that user, with one AUTH.
func TestLegacyAddOnRealACLUser(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{Password: "default-pw"})
	srv.Do("ACL", "SETUSER", "redistogo", "on", ">togo-pw", "~*", "&*", "+@all")
	clearEnv(t)
	t.Setenv("REDISTOGO_URL", fmt.Sprintf("redis://redistogo:togo-pw@127.0.0.1:%d/", srv.Port))
	cfg, err := herokuurl.FromEnv()
	if err != nil {
		t.Fatal(err)
	}
	var who string
	auths := authCalls(srv, func() {
		c, err := cfg.Dial(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		who, err = redis.String(c.Do("ACL", "WHOAMI"))
		c.Close()
		if err != nil {
			t.Fatal(err)
		}
	})
	if who != "redistogo" || auths != 1 {
		t.Errorf("ACL WHOAMI = %q after %d AUTH calls, want redistogo after 1", who, auths)
	}
}

// TestRedisURLACLUserNeverDowngraded: REDIS_URL naming an ACL user with a
// wrong password fails clearly after exactly one AUTH, even though the
// password alone would be the default user's: a real user is never
// silently swapped for the default one.
func TestRedisURLACLUserNeverDowngraded(t *testing.T) {
	const shared = "shared-pw"
	srv := redistest.Start(t, redistest.Options{Password: shared})
	srv.Do("ACL", "SETUSER", "alice", "on", ">alice-pw", "~*", "&*", "+@all")
	for _, name := range []string{"REDIS_URL", "REDIS_TLS_URL", "HEROKU_REDIS_RED_URL"} {
		t.Run(name, func(t *testing.T) {
			clearEnv(t)
			// The default user's password, under alice's name.
			t.Setenv(name, fmt.Sprintf("redis://alice:%s@127.0.0.1:%d", shared, srv.Port))
			cfg, err := herokuurl.FromEnv()
			if err != nil {
				t.Fatal(err)
			}
			srv.Do("ACL", "LOG", "RESET")
			var derr error
			auths := authCalls(srv, func() { derr = poolPing(t, cfg) })
			if !errors.Is(derr, herokuurl.ErrAuth) {
				t.Fatalf("%s with alice and a wrong password: %v; want ErrAuth", name, derr)
			}
			var rerr redis.Error
			if !errors.As(derr, &rerr) || !strings.HasPrefix(string(rerr), "WRONGPASS") {
				t.Errorf("error %v does not carry the server's WRONGPASS", derr)
			}
			if strings.Contains(derr.Error(), shared) {
				t.Errorf("error %q contains the password", derr)
			}
			if !strings.Contains(derr.Error(), "alice") {
				t.Errorf("error %q does not say which user was refused", derr)
			}
			if auths != 1 {
				t.Errorf("AUTH calls = %d, want exactly 1", auths)
			}
			log, err := redis.Values(srv.Do("ACL", "LOG"), nil)
			if err != nil || len(log) != 1 {
				t.Errorf("ACL LOG has %d entries (%v), want the one refused AUTH", len(log), err)
			}
		})
	}
}
