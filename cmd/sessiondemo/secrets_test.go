package main_test

import (
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/gomodule/redigo/redis"

	"github.com/sessionkit/sessionkit/internal/demotest"
	"github.com/sessionkit/sessionkit/internal/redistest"
	"github.com/sessionkit/sessionkit/internal/webtest"
)

// TestNoRawTokenInRedisOrLogs runs the demo on a password-protected Redis
// at debug log level through sign-in, reload, sign-out
// and reload, with a second user who stays signed in. Afterwards no key and
// no value in Redis contains any token a Set-Cookie ever carried, and no
// line the demo printed contains a token or the Redis password.
func TestNoRawTokenInRedisOrLogs(t *testing.T) {
	const password = "redis-pw-Zq8vN3xK"
	bin := demotest.Build(t, "../..")
	rs := redistest.Start(t, redistest.Options{Password: password})
	demo := demotest.Start(t, bin, "REDIS_URL="+rs.URL(), "SESSION_DEBUG=1")

	tokens := map[string]bool{}
	seen := func(r webtest.Response) webtest.Response {
		t.Helper()
		for _, c := range (&http.Response{Header: r.Header}).Cookies() {
			if c.Name == "sessiondemo" && c.Value != "" {
				tokens[c.Value] = true
			}
		}
		return r
	}
	must := func(want string, r webtest.Response) {
		t.Helper()
		if r.Status == 303 {
			return
		}
		if !strings.Contains(r.Body, want) {
			t.Fatalf("page lacks %q: %d\n%s\nserver output:\n%s", want, r.Status, r.Body, demo.Output())
		}
	}

	ada := webtest.Client(t)
	must("Hello, stranger.", seen(webtest.Get(t, ada, demo.URL+"/")))
	must("", seen(webtest.PostForm(t, ada, demo.URL+"/signin", url.Values{"name": {"Ada"}})))
	must("Hello, Ada!", seen(webtest.Get(t, ada, demo.URL+"/")))
	must("Hello, Ada!", seen(webtest.Get(t, ada, demo.URL+"/")))
	must("", seen(webtest.PostForm(t, ada, demo.URL+"/signout", nil)))
	must("Signed out.", seen(webtest.Get(t, ada, demo.URL+"/")))
	must("Hello, stranger.", seen(webtest.Get(t, ada, demo.URL+"/")))

	// Sessions that stay in Redis, so the scan below has something to read:
	// two signed-in users.
	grace := webtest.Client(t)
	must("", seen(webtest.PostForm(t, grace, demo.URL+"/signin", url.Values{"name": {"Grace"}})))
	must("Hello, Grace!", seen(webtest.Get(t, grace, demo.URL+"/")))
	bob := webtest.Client(t)
	must("", seen(webtest.PostForm(t, bob, demo.URL+"/signin", url.Values{"name": {"Bob"}})))

	// A malformed cookie makes the manager log at debug level: the run
	// really is at the most verbose level.
	req, _ := http.NewRequest("GET", demo.URL+"/", nil)
	req.AddCookie(&http.Cookie{Name: "sessiondemo", Value: "not-a-token"})
	if resp, err := http.DefaultClient.Do(req); err != nil {
		t.Fatal(err)
	} else {
		resp.Body.Close()
	}
	demo.Stop() // flush and end the log before reading it

	if len(tokens) < 4 {
		t.Fatalf("saw only %d distinct tokens; the flow should have issued at least 4", len(tokens))
	}

	// Every key and value in Redis (what redis-cli --scan would list).
	var keys []string
	for cursor := 0; ; {
		reply, err := redis.Values(rs.Do("SCAN", cursor, "COUNT", 100), nil)
		if err != nil {
			t.Fatal(err)
		}
		batch, _ := redis.Strings(reply[1], nil)
		keys = append(keys, batch...)
		if cursor, _ = redis.Int(reply[0], nil); cursor == 0 {
			break
		}
	}
	// Besides the sessions, a renewal leaves a short-lived mark under the
	// retired session's key + ":retired" (docs/reliability.md): it is
	// checked for tokens like everything else, and named by a hash too.
	// Signed-in users also have an index of their sessions (a hash under
	// "scs:user:" + a hash of the name): its fields are session keys, which
	// must be token hashes too.
	sessions := 0
	var indexes, fields []string
	for _, k := range keys {
		switch {
		case strings.HasPrefix(k, "scs:user:"):
			indexes = append(indexes, k)
			f, err := redis.Strings(rs.Do("HKEYS", k), nil)
			if err != nil {
				t.Fatalf("HKEYS %s: %v", k, err)
			}
			fields = append(fields, f...)
		case !strings.HasSuffix(k, ":retired"):
			sessions++
		}
	}
	keys = slices.DeleteFunc(keys, func(k string) bool { return strings.HasPrefix(k, "scs:user:") })
	if len(indexes) == 0 {
		t.Error("no user index in Redis; the scan of its fields below would prove nothing")
	}
	for _, k := range indexes {
		if strings.Contains(strings.ToLower(k), "grace") {
			t.Errorf("the index key %q holds the user's name", k)
		}
	}
	for _, f := range fields {
		known := false
		for tok := range tokens {
			if strings.Contains(f, tok) {
				t.Errorf("an index field holds a raw session token")
			}
			sum := sha256.Sum256([]byte(tok))
			known = known || f == base64.RawURLEncoding.EncodeToString(sum[:])
		}
		if !known {
			t.Errorf("index field %q is not the sha256 of a token the client saw", f)
		}
	}
	if sessions != 2 {
		t.Fatalf("Redis holds %d sessions in %q, want 2 (Grace's and Bob's)", sessions, keys)
	}
	hashed := 0
	for _, k := range keys {
		v, err := redis.Bytes(rs.Do("GET", k), nil)
		if err != nil {
			t.Fatalf("GET %s: %v", k, err)
		}
		for tok := range tokens {
			if strings.Contains(k, tok) || strings.Contains(string(v), tok) {
				t.Errorf("Redis key %q or its value holds a raw session token", k)
			}
			sum := sha256.Sum256([]byte(tok))
			if strings.TrimSuffix(k, ":retired") == "scs:session:"+base64.RawURLEncoding.EncodeToString(sum[:]) {
				hashed++
			}
		}
	}
	if hashed != len(keys) {
		t.Errorf("%d of %d keys are the sha256 of a token the client saw; the scan did not look at what it should", hashed, len(keys))
	}

	out := demo.Output()
	if !strings.Contains(out, "level=DEBUG") {
		t.Fatalf("no debug-level line in the log; the check below would prove little:\n%s", out)
	}
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, password) {
			t.Errorf("a log line holds the Redis password: %q", line)
		}
		for tok := range tokens {
			if strings.Contains(line, tok) {
				t.Errorf("a log line holds a raw session token: %q", line)
			}
		}
	}
}
