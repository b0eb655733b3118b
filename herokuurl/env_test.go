package herokuurl_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/sessionkit/sessionkit/herokuurl"
)

// clearEnv unsets every variable FromEnv looks at, so the machine's own
// environment cannot leak into a case.
func clearEnv(t *testing.T) {
	for _, k := range []string{
		"REDIS_PROVIDER", "REDIS_TLS_URL", "REDIS_URL", "REDISTOGO_URL", "REDISCLOUD_URL",
		"OPENREDIS_URL", "REDISGREEN_URL", "MYREDIS_URL", "STACKHERO_REDIS_URL_TLS", "DYNO",
		"HEROKU_REDIS_RED_URL", "HEROKU_REDIS_RED_TLS_URL", "HEROKU_REDIS_BLUE_URL", "MY_REDIS_URL", "MY_REDIS_TLS_URL",
	} {
		t.Setenv(k, "")
	}
}

func TestFromEnv(t *testing.T) {
	tests := []struct {
		name       string
		env        map[string]string
		source     string
		addr, user string
		tls, skip  bool
		err        error
		note       string
	}{
		{name: "nothing", err: herokuurl.ErrNoRedisURL},
		{name: "empty counts as unset", env: map[string]string{"REDIS_URL": ""}, err: herokuurl.ErrNoRedisURL},
		{name: "REDIS_URL", env: map[string]string{"REDIS_URL": "redis://:pw@a:1"}, source: "REDIS_URL", addr: "a:1"},
		{name: "TLS twin preferred", env: map[string]string{"REDIS_URL": "redis://:pw@a:1", "REDIS_TLS_URL": "rediss://:pw@a:2"}, source: "REDIS_TLS_URL", addr: "a:2", tls: true},
		{name: "REDIS_URL before legacy add-ons", env: map[string]string{"REDISTOGO_URL": "redis://b:1", "REDIS_URL": "redis://a:1"}, source: "REDIS_URL", addr: "a:1"},
		{name: "the story's REDISTOGO_URL", env: map[string]string{"REDISTOGO_URL": "redis://redistogo:PASSWORD@SERVER.redistogo.com:9712/"}, source: "REDISTOGO_URL", addr: "SERVER.redistogo.com:9712", user: "redistogo"},
		{name: "legacy order", env: map[string]string{"MYREDIS_URL": "redis://m:1", "REDISCLOUD_URL": "redis://c:1"}, source: "REDISCLOUD_URL", addr: "c:1"},
		{name: "stackhero", env: map[string]string{"STACKHERO_REDIS_URL_TLS": "rediss://:pw@s:1"}, source: "STACKHERO_REDIS_URL_TLS", addr: "s:1", tls: true},
		{name: "provider", env: map[string]string{"REDIS_PROVIDER": "REDISTOGO_URL", "REDISTOGO_URL": "redis://t:1", "REDIS_URL": "redis://a:1"}, source: "REDISTOGO_URL", addr: "t:1"},
		{name: "provider custom with TLS twin", env: map[string]string{"REDIS_PROVIDER": "MY_REDIS_URL", "MY_REDIS_URL": "redis://m:1", "MY_REDIS_TLS_URL": "rediss://m:2"}, source: "MY_REDIS_TLS_URL", addr: "m:2", tls: true},
		{name: "provider is a URL", env: map[string]string{"REDIS_PROVIDER": "redis://h:1"}, err: herokuurl.ErrInvalidProvider},
		{name: "provider unset falls back", env: map[string]string{"REDIS_PROVIDER": "REDISTOGO_URL", "REDIS_URL": "redis://a:1"}, source: "REDIS_URL", addr: "a:1", note: "REDISTOGO_URL, which is unset"},
		{name: "one heroku colour", env: map[string]string{"HEROKU_REDIS_RED_URL": "redis://r:1"}, source: "HEROKU_REDIS_RED_URL", addr: "r:1"},
		{name: "heroku colour TLS twin", env: map[string]string{"HEROKU_REDIS_RED_URL": "redis://r:1", "HEROKU_REDIS_RED_TLS_URL": "rediss://r:2"}, source: "HEROKU_REDIS_RED_TLS_URL", addr: "r:2", tls: true},
		{name: "two heroku colours", env: map[string]string{"HEROKU_REDIS_RED_URL": "redis://r:1", "HEROKU_REDIS_BLUE_URL": "redis://b:1"}, err: herokuurl.ErrAmbiguous},
		{name: "REDIS_URL beats colours", env: map[string]string{"REDIS_URL": "redis://a:1", "HEROKU_REDIS_RED_URL": "redis://r:1", "HEROKU_REDIS_BLUE_URL": "redis://b:1"}, source: "REDIS_URL", addr: "a:1"},
		{name: "off heroku keeps h and verifies", env: map[string]string{"REDIS_URL": "rediss://h:pw@x:1"}, source: "REDIS_URL", addr: "x:1", user: "h", tls: true},
		{name: "on heroku drops h, skips verify", env: map[string]string{"DYNO": "web.1", "REDIS_URL": "rediss://h:pw@x:1"}, source: "REDIS_URL", addr: "x:1", tls: true, skip: true, note: "self-signed"},
		{name: "on heroku, plain URL unchanged", env: map[string]string{"DYNO": "web.1", "REDIS_URL": "redis://h:pw@x:1"}, source: "REDIS_URL", addr: "x:1"},
		{name: "bad URL names the variable", env: map[string]string{"REDIS_URL": "redis://:pw@host:0"}, err: herokuurl.ErrInvalidURL, note: "REDIS_URL"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			clearEnv(t)
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			c, err := herokuurl.FromEnv()
			if tc.err != nil {
				if !errors.Is(err, tc.err) {
					t.Fatalf("FromEnv = %+v, %v; want %v", c, err, tc.err)
				}
				if tc.note != "" && !strings.Contains(err.Error(), tc.note) {
					t.Errorf("error %q does not mention %q", err, tc.note)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.Source != tc.source || c.Addr != tc.addr || c.Username != tc.user || c.TLS != tc.tls || c.SkipVerify != tc.skip {
				t.Errorf("got source %s addr %s user %q tls %v skip %v", c.Source, c.Addr, c.Username, c.TLS, c.SkipVerify)
			}
			if tc.note != "" && !strings.Contains(strings.Join(c.Notes, "; "), tc.note) {
				t.Errorf("notes %q do not mention %q", c.Notes, tc.note)
			}
		})
	}
}

func TestFromEnvExplicitHeroku(t *testing.T) {
	clearEnv(t)
	t.Setenv("REDIS_URL", "rediss://h:pw@x:1")
	c, err := herokuurl.FromEnv(herokuurl.WithHeroku(true))
	if err != nil || c.Username != "" || !c.SkipVerify {
		t.Errorf("WithHeroku(true): %+v %v", c, err)
	}
	t.Setenv("DYNO", "web.1")
	c, err = herokuurl.FromEnv(herokuurl.WithHeroku(false))
	if err != nil || c.Username != "h" || c.SkipVerify {
		t.Errorf("WithHeroku(false) on a dyno: %+v %v", c, err)
	}
	c, err = herokuurl.FromEnv(herokuurl.WithEnviron([]string{"REDIS_URL=redis://e:1"}))
	if err != nil || c.Addr != "e:1" {
		t.Errorf("WithEnviron: %+v %v", c, err)
	}
}

// TestFromEnvErrorsSayThingsOnce: one package prefix and the variable's
// name once, still matchable with errors.Is (issue 10).
func TestFromEnvErrorsSayThingsOnce(t *testing.T) {
	for _, tc := range []struct {
		env  []string
		want error
		text string
	}{
		{[]string{"REDIS_URL=redis://:pw@host:0"}, herokuurl.ErrInvalidURL, "herokuurl: REDIS_URL: invalid Redis URL: port must be a number from 1 to 65535"},
		{[]string{"REDISTOGO_URL=http://host"}, herokuurl.ErrInvalidURL, "herokuurl: REDISTOGO_URL: invalid Redis URL: unsupported scheme (want redis, rediss, valkey, valkeys or unix)"},
		{nil, herokuurl.ErrNoRedisURL, "herokuurl: no Redis URL in the environment: set REDIS_URL (or REDIS_TLS_URL, REDISTOGO_URL, ...)"},
		{[]string{"REDIS_PROVIDER=redis://h"}, herokuurl.ErrInvalidProvider, "herokuurl: REDIS_PROVIDER must name an environment variable, not a URL"},
	} {
		_, err := herokuurl.FromEnv(herokuurl.WithEnviron(tc.env))
		if !errors.Is(err, tc.want) {
			t.Errorf("%v: %v, want %v", tc.env, err, tc.want)
			continue
		}
		if err.Error() != tc.text {
			t.Errorf("%v:\n got  %q\n want %q", tc.env, err, tc.text)
		}
	}
}
