package main_test

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gomodule/redigo/redis"

	"github.com/sessionkit/sessionkit/codec"
	"github.com/sessionkit/sessionkit/internal/demotest"
	"github.com/sessionkit/sessionkit/internal/redistest"
	"github.com/sessionkit/sessionkit/internal/webtest"
)

// TestSessionsSurviveRestart is the story: sign in, restart the server, and
// the same cookie still shows the same signed-in user — with the embedded
// file store and with Redis.
func TestSessionsSurviveRestart(t *testing.T) {
	bin := demotest.Build(t, "../..")
	for _, tc := range []struct {
		name  string
		env   func(t *testing.T) []string
		store string
	}{
		{"bolt", func(t *testing.T) []string {
			return []string{"SESSION_FILE=" + filepath.Join(t.TempDir(), "demo.db")}
		}, "embedded file"},
		{"redis", func(t *testing.T) []string {
			return []string{"REDIS_URL=" + redistest.Start(t, redistest.Options{}).URL(), "SESSION_CODEC=json"}
		}, "Redis redis://127.0.0.1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			demo := demotest.Start(t, bin, tc.env(t)...)
			client := webtest.Client(t)

			home := webtest.Get(t, client, demo.URL+"/")
			if !strings.Contains(home.Body, "Hello, stranger.") {
				t.Fatalf("first page:\n%s", home.Body)
			}
			// Where sessions live is for the operator's log, not for every visitor.
			if !strings.Contains(demo.Output(), tc.store) {
				t.Errorf("the startup log does not say %q:\n%s", tc.store, demo.Output())
			}
			if strings.Contains(home.Body, tc.store) || strings.Contains(home.Body, "127.0.0.1") || strings.Contains(home.Body, ".db") {
				t.Errorf("the page shows where sessions are stored:\n%s", home.Body)
			}
			r := webtest.PostForm(t, client, demo.URL+"/signin", url.Values{"name": {"Ada <script>"}})
			if r.Status != 303 {
				t.Fatalf("sign-in: %d %s", r.Status, r.Body)
			}
			home = webtest.Get(t, client, demo.URL+"/")
			for _, want := range []string{"Hello, Ada &lt;script&gt;!", "Signed in as Ada &lt;script&gt;."} {
				if !strings.Contains(home.Body, want) {
					t.Fatalf("after sign-in, page lacks %q:\n%s", want, home.Body)
				}
			}

			demo.Restart()
			home = webtest.Get(t, client, demo.URL+"/")
			if !strings.Contains(home.Body, "Hello, Ada &lt;script&gt;!") {
				t.Fatalf("after restart the user is gone:\n%s\nserver output:\n%s", home.Body, demo.Output())
			}
			if strings.Contains(home.Body, "Signed in as") {
				t.Error("the flash message showed twice")
			}

			webtest.PostForm(t, client, demo.URL+"/signout", nil)
			home = webtest.Get(t, client, demo.URL+"/")
			if !strings.Contains(home.Body, "Hello, stranger.") || !strings.Contains(home.Body, "Signed out.") {
				t.Fatalf("after sign-out:\n%s", home.Body)
			}
		})
	}
}

// TestDefaultsWorkWithNoConfiguration: no Redis, no flags, no variables —
// only a writable cache directory — and the demo serves a working page.
func TestDefaultsWorkWithNoConfiguration(t *testing.T) {
	bin := demotest.Build(t, "../..")
	demo := demotest.Start(t, bin, "XDG_CACHE_HOME="+t.TempDir(), "HOME="+t.TempDir())
	home := webtest.Get(t, webtest.Client(t), demo.URL+"/")
	if home.Status != 200 || !strings.Contains(home.Body, "Hello, stranger.") {
		t.Fatalf("default page: %d\n%s", home.Status, home.Body)
	}
	if !strings.Contains(demo.Output(), "sessiondemo.db") || !strings.Contains(demo.Output(), "codec msgpack") {
		t.Errorf("the demo did not say where its file is:\n%s", demo.Output())
	}
}

// TestAnonymousVisitsStoreNothing: a visitor without a cookie costs no
// stored session. 10,000 cookieless GET / against the demo on its own
// Redis leave the number of keys (DBSIZE) unchanged and set no cookie; a
// signed-in user's session is there before and after.
func TestAnonymousVisitsStoreNothing(t *testing.T) {
	bin := demotest.Build(t, "../..")
	rs := redistest.Start(t, redistest.Options{})
	demo := demotest.Start(t, bin, "REDIS_URL="+rs.URL())

	user := webtest.Client(t)
	if r := webtest.PostForm(t, user, demo.URL+"/signin", url.Values{"name": {"Ada"}}); r.Status != 303 {
		t.Fatalf("sign-in: %d %s", r.Status, r.Body)
	}
	before, err := redis.Int(rs.Do("DBSIZE"), nil)
	if err != nil || before != 1 {
		t.Fatalf("DBSIZE after one sign-in: %d, %v; want 1", before, err)
	}

	const n = 10000
	anon := &http.Client{Timeout: 10 * time.Second}
	deadline := time.Now().Add(2 * time.Minute)
	calls := rs.Calls(func() {
		for i := 0; i < n; i++ {
			if time.Now().After(deadline) {
				t.Fatalf("only %d of %d requests within 2 minutes", i, n)
			}
			r := webtest.Get(t, anon, demo.URL+"/")
			if r.Status != 200 {
				t.Fatalf("request %d: %d %s", i, r.Status, r.Body)
			}
			if c := r.Header.Values("Set-Cookie"); len(c) > 0 {
				t.Fatalf("request %d: an anonymous visit set a cookie (%d Set-Cookie headers)", i, len(c))
			}
		}
	})
	if redistest.Total(calls) != 0 {
		t.Errorf("%d anonymous visits sent Redis commands: %v", n, calls)
	}
	if after, _ := redis.Int(rs.Do("DBSIZE"), nil); after != before {
		t.Fatalf("DBSIZE went from %d to %d after %d anonymous visits", before, after, n)
	}
	if home := webtest.Get(t, user, demo.URL+"/"); !strings.Contains(home.Body, "Hello, Ada!") {
		t.Fatalf("the signed-in user lost the session:\n%s", home.Body)
	}
}

// plantSession stores a session blob for a new token straight into Redis,
// as the demo's store would (key prefix + sha256 of the token), and
// returns the token and the store key.
func plantSession(t *testing.T, rs *redistest.Server, blob []byte) (token, key string) {
	t.Helper()
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		t.Fatal(err)
	}
	token = base64.RawURLEncoding.EncodeToString(raw)
	sum := sha256.Sum256([]byte(token))
	key = "scs:session:" + base64.RawURLEncoding.EncodeToString(sum[:])
	rs.Do("SET", key, blob, "PX", int64(time.Hour/time.Millisecond))
	return token, key
}

// TestUndecodableValueIsRemoved: a session whose "user" value is well-formed
// msgpack that no longer decodes as a User (a string where a struct was
// written) does not make the page fail forever. The first request logs the
// problem, removes that value and answers 200; the second answers 200 with
// no new warning; the session's other values stay.
func TestUndecodableValueIsRemoved(t *testing.T) {
	bin := demotest.Build(t, "../..")
	rs := redistest.Start(t, redistest.Options{})
	demo := demotest.Start(t, bin, "REDIS_URL="+rs.URL())

	c := codec.Msgpack()
	deadline := time.Now().Add(time.Hour)
	userBlob, err := c.Encode(deadline, map[string]any{"user": struct{ Name string }{"Ada"}})
	if err != nil {
		t.Fatal(err)
	}
	visitsBlob, err := c.Encode(deadline, map[string]any{"visits": 3})
	if err != nil {
		t.Fatal(err)
	}
	// Blob layout (codec/envelope.go): a 13-byte header, the entry count
	// (one byte here), then entries: keylen, key, format, kind, uint32
	// length, value. Keep the user entry's header and kind (struct), put a
	// msgpack string in place of its value, and append the visits entry.
	const header = 13
	if userBlob[header] != 1 || visitsBlob[header] != 1 {
		t.Fatalf("unexpected blob layout: % x", userBlob)
	}
	userEntry := userBlob[header+1:]
	entryHead := 1 + len("user") + 2 // keylen, key, format, kind
	garbage := append([]byte{0xa7}, "garbage"...)
	blob := append([]byte{}, userBlob[:header]...)
	blob = append(blob, 2)
	blob = append(blob, userEntry[:entryHead]...)
	blob = binary.BigEndian.AppendUint32(blob, uint32(len(garbage)))
	blob = append(blob, garbage...)
	blob = append(blob, visitsBlob[header+1:]...)
	token, key := plantSession(t, rs, blob)

	for i := 1; i <= 2; i++ {
		req, _ := http.NewRequest("GET", demo.URL+"/", nil)
		req.AddCookie(&http.Cookie{Name: "sessiondemo", Value: token})
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(body), "Hello, stranger.") {
			t.Fatalf("request %d: %d\n%s\nserver output:\n%s", i, resp.StatusCode, body, demo.Output())
		}
		stored, err := redis.Bytes(rs.Do("GET", key), nil)
		if err != nil {
			t.Fatalf("request %d: the session is gone from Redis (%v); only its bad value should be", i, err)
		}
		_, values, err := c.Decode(stored)
		if err != nil {
			t.Fatalf("request %d: stored session does not decode: %v", i, err)
		}
		if _, ok := values["user"]; ok {
			t.Fatalf("request %d: the undecodable user value is still stored", i)
		}
		if _, ok := values["visits"]; !ok {
			t.Fatalf("request %d: the session lost its other values: %v", i, values)
		}
	}
	if n := strings.Count(demo.Output(), "removed an unreadable session value"); n != 1 {
		t.Fatalf("%d warnings about the bad value, want 1; output:\n%s", n, demo.Output())
	}
	if !strings.Contains(demo.Output(), "key=user") {
		t.Errorf("the warning does not name the key:\n%s", demo.Output())
	}
}

// TestStoreOutageShowsNoDetail: when Redis is down, a signed-in visitor
// gets a plain 503 page; the address and the cause go to the log only.
func TestStoreOutageShowsNoDetail(t *testing.T) {
	bin := demotest.Build(t, "../..")
	rs := redistest.Start(t, redistest.Options{})
	demo := demotest.Start(t, bin, "REDIS_URL="+rs.URL())
	c := webtest.Client(t)
	if r := webtest.PostForm(t, c, demo.URL+"/signin", url.Values{"name": {"Ada"}}); r.Status != 303 {
		t.Fatalf("sign-in: %d %s", r.Status, r.Body)
	}
	rs.Kill()
	r := webtest.Get(t, c, demo.URL+"/")
	if r.Status != http.StatusServiceUnavailable {
		t.Fatalf("with Redis down: %d, want 503\n%s", r.Status, r.Body)
	}
	port := strconv.Itoa(rs.Port)
	for _, detail := range []string{port, "127.0.0.1", "refused", "dial", "redis"} {
		if strings.Contains(strings.ToLower(r.Body), detail) {
			t.Errorf("the page shows %q: %q", detail, r.Body)
		}
	}
	if !strings.Contains(demo.Output(), port) {
		t.Errorf("the log does not say what failed:\n%s", demo.Output())
	}
}
