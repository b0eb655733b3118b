package manager_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/gob"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/gomodule/redigo/redis"

	"github.com/sessionkit/sessionkit/codec"
	"github.com/sessionkit/sessionkit/herokuurl"
	"github.com/sessionkit/sessionkit/internal/redistest"
	"github.com/sessionkit/sessionkit/internal/webtest"
	"github.com/sessionkit/sessionkit/manager"
	"github.com/sessionkit/sessionkit/store/boltstore"
	"github.com/sessionkit/sessionkit/store/redisstore"
	"github.com/sessionkit/sessionkit/typed"
)

// get sends a GET with an explicit session cookie (no jar) and returns the
// status, the body and the new session token if one was set.
func get(t *testing.T, url, token string) (int, string, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	if token != "" {
		req.Header.Set("Cookie", "session="+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body bytes.Buffer
	_, _ = body.ReadFrom(resp.Body)
	newTok := ""
	for _, c := range resp.Cookies() {
		if c.Name == "session" {
			newTok = c.Value
		}
	}
	return resp.StatusCode, body.String(), newTok
}

func storeKey(token string) string {
	sum := sha256.Sum256([]byte(token))
	return "scs:session:" + base64.RawURLEncoding.EncodeToString(sum[:])
}

type storeUnderTest struct {
	name string
	make func(t *testing.T) scs.Store
}

func durableStores() []storeUnderTest {
	return []storeUnderTest{
		{"redis", func(t *testing.T) scs.Store { return redisstore.New(redistest.Start(t, redistest.Options{}).Pool()) }},
		{"bolt", func(t *testing.T) scs.Store {
			s, err := boltstore.Open(filepath.Join(t.TempDir(), "s.db"))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			return s
		}},
	}
}

// TestNoResurrection: request A loads the session and blocks; request B
// logs out (or renews the token); A then changes the session and commits
// (write), or only reads it and, with an idle timeout, extends its expiry
// (touch). The old token must stay dead, on every store including the
// zero Config's default.
func TestNoResurrection(t *testing.T) {
	for _, su := range allStores() {
		for _, action := range []string{"destroy", "renew"} {
			for _, late := range []string{"write", "touch"} {
				t.Run(su.name+"/"+action+"/"+late, func(t *testing.T) {
					// IdleRefresh this small makes every read-only request due a touch.
					m := manager.New(manager.Config{Store: su.make(t), IdleTimeout: time.Hour, IdleRefresh: 1e-12})
					defer m.Close()
					loaded, release := make(chan struct{}), make(chan struct{})
					mux := http.NewServeMux()
					mux.HandleFunc("/login", func(w http.ResponseWriter, r *http.Request) { _ = typed.Put(r.Context(), "user", "ada") })
					mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
						_, _ = typed.Get[string](r.Context(), "user")
						close(loaded)
						<-release
						if late == "write" {
							_ = typed.Put(r.Context(), "cart", []string{"late item"})
						}
					})
					mux.HandleFunc("/destroy", func(w http.ResponseWriter, r *http.Request) { _ = m.SessionManager().Destroy(r.Context()) })
					mux.HandleFunc("/renew", func(w http.ResponseWriter, r *http.Request) { _ = m.SessionManager().RenewToken(r.Context()) })
					mux.HandleFunc("/me", func(w http.ResponseWriter, r *http.Request) {
						if _, err := typed.Get[string](r.Context(), "user"); err != nil {
							http.Error(w, "signed out", http.StatusUnauthorized)
						}
					})
					srv := httptest.NewServer(m.LoadAndSave(mux))
					defer srv.Close()

					_, _, old := get(t, srv.URL+"/login", "")
					slowDone := make(chan []string)
					go func() {
						req, _ := http.NewRequest("GET", srv.URL+"/slow", nil)
						req.Header.Set("Cookie", "session="+old)
						resp, err := http.DefaultClient.Do(req)
						if err != nil {
							slowDone <- []string{err.Error()}
							return
						}
						resp.Body.Close()
						slowDone <- resp.Header.Values("Set-Cookie")
					}()
					<-loaded
					_, _, renewed := get(t, srv.URL+"/"+action, old)
					close(release)
					sc := <-slowDone
					deleted := len(sc) == 1 && strings.HasPrefix(sc[0], "session=;") && strings.Contains(sc[0], "Max-Age=0")
					// A read-only request's store extends the idle expiry as
					// it loads the session (store.IdleFinder), before the
					// logout here: its response carries that extension for
					// the old token, which stays dead all the same (below),
					// or nothing if the store found the extension not yet
					// due (Redis counts in milliseconds).
					resent := late == "touch" && (len(sc) == 0 || len(sc) == 1 && strings.HasPrefix(sc[0], "session="+old+";"))
					if !deleted && !resent {
						t.Errorf("the late request's Set-Cookie %q, want one deletion of the cookie", sc)
					}
					if status, _, _ := get(t, srv.URL+"/me", old); status != http.StatusUnauthorized {
						t.Errorf("old token after %s and a late %s: status %d, want 401 (session resurrected)", action, late, status)
					}
					if action == "renew" {
						if status, _, _ := get(t, srv.URL+"/me", renewed); status != http.StatusOK {
							t.Errorf("renewed token: status %d, want 200", status)
						}
					}
				})
			}
		}
	}
}

type plantedUser struct{ Name string }

// TestUndecodableStoredData: whatever sits under a session's key, the
// request gets a fresh session and a new token, the bad entry is deleted,
// and the log says why without the token.
func TestUndecodableStoredData(t *testing.T) {
	good, _ := codec.Msgpack().Encode(time.Now().Add(time.Hour), map[string]any{"user": "ada"})
	oldVersion := bytes.Clone(good)
	oldVersion[3] = 0
	// Every codec reads scs's gob blobs, except one holding a type this
	// process has not registered with gob: plant one by renaming the type
	// a registered value was sent as.
	gob.RegisterName("reliability_test.Known", plantedUser{})
	scsGob, _ := scs.GobCodec{}.Encode(time.Now().Add(time.Hour), map[string]any{"user": plantedUser{"ada"}})
	scsGob = bytes.Replace(scsGob, []byte("reliability_test.Known"), []byte("reliability_test.Gone!"), 1)
	for name, blob := range map[string][]byte{
		"garbage":        []byte("\xde\xad\xbe\xef not a session"),
		"truncated":      good[:len(good)-2],
		"old version":    oldVersion,
		"scs gob blob":   scsGob, // holding an unregistered type
		"empty":          {},
		"hostile length": append(append([]byte(nil), good[:14]...), 0xff, 0xff, 0xff, 0xff, 0x0f),
	} {
		t.Run(name, func(t *testing.T) {
			rs := redistest.Start(t, redistest.Options{})
			var logs webtest.SyncBuffer
			m := manager.New(manager.Config{Store: redisstore.New(rs.Pool()), Logger: logs.Logger()})
			srv := httptest.NewServer(counterApp(m))
			defer srv.Close()

			_, _, tok := get(t, srv.URL+"/write", "")
			rs.Do("SET", storeKey(tok), blob)
			status, body, newTok := get(t, srv.URL+"/write", tok)
			if status != http.StatusOK || body != "1" {
				t.Fatalf("request with an undecodable session: %d %q, want a fresh session counting 1", status, body)
			}
			if newTok == "" || newTok == tok {
				t.Errorf("fresh session kept the old token")
			}
			if n, _ := redis.Int(rs.Do("EXISTS", storeKey(tok)), nil); n != 0 {
				t.Errorf("the undecodable entry was not deleted")
			}
			if status, _, _ := get(t, srv.URL+"/read", tok); status != http.StatusNotFound {
				t.Errorf("old token afterwards: %d, want a fresh empty session (404 from /read)", status)
			}
			out := logs.String()
			if !strings.Contains(out, "discarded undecodable session") {
				t.Errorf("no log record says why:\n%s", out)
			}
			if strings.Contains(out, tok) || strings.Contains(out, newTok) {
				t.Errorf("the log contains a raw token:\n%s", out)
			}
		})
	}
}

// TestOversize: a value or a whole session over MaxSize is refused with
// ErrTooLarge and nothing partial is written.
func TestOversize(t *testing.T) {
	rs := redistest.Start(t, redistest.Options{})
	var logs webtest.SyncBuffer
	m := manager.New(manager.Config{Store: redisstore.New(rs.Pool()), MaxSize: 1024, Logger: logs.Logger()})
	var putErr error
	mux := http.NewServeMux()
	mux.HandleFunc("/small", func(w http.ResponseWriter, r *http.Request) { _ = typed.Put(r.Context(), "a", "ok") })
	mux.HandleFunc("/huge", func(w http.ResponseWriter, r *http.Request) {
		putErr = typed.Put(r.Context(), "big", strings.Repeat("x", 2048))
	})
	mux.HandleFunc("/many", func(w http.ResponseWriter, r *http.Request) {
		for i := 0; i < 8; i++ { // each fits, together they do not
			if err := typed.Put(r.Context(), fmt.Sprint("k", i), strings.Repeat("y", 200)); err != nil {
				http.Error(w, err.Error(), 500)
				return
			}
		}
		fmt.Fprint(w, "handler finished")
	})
	srv := httptest.NewServer(m.LoadAndSave(mux))
	defer srv.Close()

	_, _, tok := get(t, srv.URL+"/small", "")
	before, _ := redis.Bytes(rs.Do("GET", storeKey(tok)), nil)

	get(t, srv.URL+"/huge", tok)
	if !errors.Is(putErr, manager.ErrTooLarge) {
		t.Errorf("Put of 2 KiB with a 1 KiB limit: %v, want ErrTooLarge", putErr)
	}
	status, body, _ := get(t, srv.URL+"/many", tok)
	if status != http.StatusInternalServerError || strings.Contains(body, "handler finished") {
		t.Errorf("oversize commit: %d %q, want a 500 and none of the handler's body", status, body)
	}
	after, _ := redis.Bytes(rs.Do("GET", storeKey(tok)), nil)
	if !bytes.Equal(before, after) {
		t.Error("an oversize session changed the stored session")
	}
	if !strings.Contains(logs.String(), "too large") {
		t.Errorf("the oversize commit was not logged:\n%s", logs.String())
	}
}

// TestIterateDestroyLogsOutEverywhere: Destroy inside Iterate deletes the
// stored sessions, hashed tokens and all.
func TestIterateDestroyLogsOutEverywhere(t *testing.T) {
	for _, su := range allStores() {
		t.Run(su.name, func(t *testing.T) {
			m := manager.New(manager.Config{Store: su.make(t)})
			srv := httptest.NewServer(counterApp(m))
			defer srv.Close()
			var tokens []string
			for i := 0; i < 5; i++ {
				_, _, tok := get(t, srv.URL+"/write", "")
				tokens = append(tokens, tok)
			}
			n := 0
			err := m.Iterate(context.Background(), func(ctx context.Context) error {
				if _, err := typed.Get[int](ctx, "n"); err != nil {
					return err
				}
				n++
				return m.SessionManager().Destroy(ctx)
			})
			if err != nil || n != 5 {
				t.Fatalf("Iterate visited %d sessions, err %v", n, err)
			}
			for _, tok := range tokens {
				if status, _, _ := get(t, srv.URL+"/read", tok); status != http.StatusNotFound {
					t.Errorf("session survived logout-everywhere: %d", status)
				}
			}
		})
	}
}

// TestSecretsNeverLogged walks every failure path — hostile cookies, an
// undecodable session, an oversize commit, Redis going away — with a
// password-protected Redis, captures every slog record from debug level
// up, and searches them for the password and for every token.
func TestSecretsNeverLogged(t *testing.T) {
	const password = "Secret-Redis-pw-4711"
	rs := redistest.Start(t, redistest.Options{Password: password})
	cfg, err := herokuurl.Parse(rs.URL())
	if err != nil {
		t.Fatal(err)
	}
	pool := cfg.Pool()
	defer pool.Close()
	var logs webtest.SyncBuffer
	m := manager.New(manager.Config{Store: redisstore.New(pool), Logger: logs.Logger(), MaxSize: 512})
	mux := http.NewServeMux()
	mux.Handle("/", counterApp(m))
	mux.HandleFunc("/big", func(w http.ResponseWriter, r *http.Request) {
		for i := 0; i < 5; i++ {
			_ = typed.Put(r.Context(), fmt.Sprint("k", i), strings.Repeat("z", 200))
		}
	})
	srv := httptest.NewServer(m.LoadAndSave(mux))
	defer srv.Close()

	var tokens []string
	for i := 0; i < 3; i++ {
		_, _, tok := get(t, srv.URL+"/write", "")
		tokens = append(tokens, tok)
	}
	// Hostile cookies built from real tokens.
	for _, c := range []string{tokens[0] + "x", tokens[0][:42] + "!", tokens[0] + "; session=" + tokens[1]} {
		get(t, srv.URL+"/read", c)
	}
	// An undecodable session.
	rs.Do("SET", storeKey(tokens[1]), "garbage")
	_, _, fresh := get(t, srv.URL+"/write", tokens[1])
	tokens = append(tokens, fresh)
	// An oversize commit.
	get(t, srv.URL+"/big", tokens[2])
	// Redis going away.
	rs.Kill()
	for _, tok := range tokens {
		if status, _, _ := get(t, srv.URL+"/write", tok); status != http.StatusServiceUnavailable {
			t.Errorf("with Redis down: %d, want 503", status)
		}
	}

	out := logs.String()
	for _, want := range []string{"ignored malformed session cookie", "several session cookies", "discarded undecodable session", "too large", "status=503"} {
		if !strings.Contains(out, want) {
			t.Errorf("no log record for %q: the failure path was not exercised", want)
		}
	}
	if strings.Contains(out, password) {
		t.Error("the log contains the Redis password")
	}
	for _, tok := range tokens {
		if tok != "" && strings.Contains(out, tok) {
			t.Error("the log contains a raw session token")
		}
		if tok != "" && strings.Contains(out, tok[:20]) {
			t.Error("the log contains part of a raw session token")
		}
	}
}
