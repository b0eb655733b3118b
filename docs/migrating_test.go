package docs

// The claims of migrating-from-scs.md, each tested against plain scs v2.9.0
// (its GobCodec and its redisstore) and sessionkit sharing one private
// redis-server.

import (
	"bytes"
	"cmp"
	"context"
	"encoding/gob"
	"errors"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	scsredis "github.com/alexedwards/scs/redisstore"
	"github.com/alexedwards/scs/v2"
	"github.com/gomodule/redigo/redis"

	"github.com/sessionkit/sessionkit/codec"
	"github.com/sessionkit/sessionkit/internal/redistest"
	"github.com/sessionkit/sessionkit/manager"
	"github.com/sessionkit/sessionkit/store/redisstore"
	"github.com/sessionkit/sessionkit/typed"
)

// Account is a custom type an scs application stored in its sessions; scs
// apps gob.Register such types. The registered name is the one an scs app
// in package example.com/legacyapp would have had by default.
type Account struct {
	Email string
	Admin bool
}

const accountName = "example.com/legacyapp.Account"

// Preference is registered the way most scs apps do it.
type Preference struct{ Theme string }

func init() {
	gob.RegisterName(accountName, Account{})
	gob.Register(Preference{})
}

// scsApp is an scs application as its README teaches: sign-in renews the
// token and stores the user; /me reads them back with scs's getters.
func scsApp(sm *scs.SessionManager) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/signin", func(w http.ResponseWriter, r *http.Request) {
		if err := sm.RenewToken(r.Context()); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		sm.Put(r.Context(), "userID", 42)
		sm.Put(r.Context(), "name", "Ada")
		sm.Put(r.Context(), "account", Account{Email: "ada@example.com", Admin: true})
	})
	mux.HandleFunc("/visit", func(w http.ResponseWriter, r *http.Request) {
		sm.Put(r.Context(), "visits", sm.GetInt(r.Context(), "visits")+1)
	})
	mux.HandleFunc("/me", func(w http.ResponseWriter, r *http.Request) {
		id := sm.GetInt(r.Context(), "userID")
		if id == 0 {
			http.Error(w, "signed out", http.StatusUnauthorized)
			return
		}
		acct, _ := sm.Get(r.Context(), "account").(Account)
		fmt.Fprintf(w, "%d %s %s", id, sm.GetString(r.Context(), "name"), acct.Email)
	})
	return sm.LoadAndSave(mux)
}

// skApp is the same application moved to sessionkit.
func skApp(m *manager.Manager) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/signin", func(w http.ResponseWriter, r *http.Request) {
		if err := m.RenewToken(r.Context()); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		_ = typed.Put(r.Context(), "userID", 42)
		_ = typed.Put(r.Context(), "name", "Ada")
		_ = typed.Put(r.Context(), "account", Account{Email: "ada@example.com", Admin: true})
	})
	mux.HandleFunc("/visit", func(w http.ResponseWriter, r *http.Request) {
		n, _ := typed.GetOr(r.Context(), "visits", 0)
		_ = typed.Put(r.Context(), "visits", n+1)
	})
	mux.HandleFunc("/me", func(w http.ResponseWriter, r *http.Request) {
		id, err := typed.Get[int](r.Context(), "userID")
		if errors.Is(err, typed.ErrNotFound) {
			http.Error(w, "signed out", http.StatusUnauthorized)
			return
		}
		name, err2 := typed.Get[string](r.Context(), "name")
		acct, err3 := typed.Get[Account](r.Context(), "account")
		if err := errors.Join(err, err2, err3); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		fmt.Fprintf(w, "%d %s %s", id, name, acct.Email)
	})
	return m.LoadAndSave(mux)
}

const signedIn = "42 Ada ada@example.com"

// quiet drops the warnings sessionkit logs when it discards a session:
// here that is expected.
var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

type result struct {
	status int
	body   string
	cookie *http.Cookie // the response's session cookie, nil if none
}

// do sends one request with the session cookie (if any) to h.
func do(h http.Handler, path string, cookie *http.Cookie) result {
	req := httptest.NewRequest(http.MethodGet, path, nil)
	if cookie != nil {
		req.AddCookie(cookie)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	res := result{status: rec.Code, body: strings.TrimSpace(rec.Body.String())}
	for _, c := range rec.Result().Cookies() {
		if c.Name == "session" {
			res.cookie = c
		}
	}
	return res
}

func newSCS(pool *redis.Pool, hashed bool) *scs.SessionManager {
	return newSCSWithPrefix(pool, hashed, "")
}

// newSCSWithPrefix is newSCS with scs/redisstore's NewWithPrefix; "" means
// its New.
func newSCSWithPrefix(pool *redis.Pool, hashed bool, prefix string) *scs.SessionManager {
	sm := scs.New()
	sm.Store = scsredis.New(pool)
	if prefix != "" {
		sm.Store = scsredis.NewWithPrefix(pool, prefix)
	}
	sm.HashTokenInStore = hashed
	sm.ErrorFunc = func(w http.ResponseWriter, r *http.Request, err error) {
		http.Error(w, "scs: "+err.Error(), http.StatusInternalServerError)
	}
	return sm
}

// signInWithSCS signs a user in through plain scs and returns the cookie.
func signInWithSCS(t *testing.T, sm *scs.SessionManager) *http.Cookie {
	t.Helper()
	r := do(scsApp(sm), "/signin", nil)
	if r.status != http.StatusOK || r.cookie == nil {
		t.Fatalf("scs sign-in: %d %q, cookie %v", r.status, r.body, r.cookie)
	}
	if r := do(scsApp(sm), "/me", r.cookie); r.body != signedIn {
		t.Fatalf("scs itself after sign-in: %d %q", r.status, r.body)
	}
	return r.cookie
}

// TestMigrationKeepsUsersSignedIn: an scs application's users stay signed
// in after the switch with any of the codecs, the default key prefix, and
// the token hashing that matches scs's HashTokenInStore setting; with the
// wrong hashing setting they are signed out.
func TestMigrationKeepsUsersSignedIn(t *testing.T) {
	rs := redistest.Start(t, redistest.Options{})
	pool := rs.Pool()
	for _, name := range []string{"msgpack", "json", "gob"} {
		c, err := codec.ByName(name)
		if err != nil {
			t.Fatal(err)
		}
		t.Run(name, func(t *testing.T) { keepsSignedIn(t, rs, pool, c) })
	}
}

func keepsSignedIn(t *testing.T, rs *redistest.Server, pool *redis.Pool, c codec.Codec) {
	for _, tc := range []struct {
		name           string
		scsHashed      bool
		storeRawTokens bool
		prefix         string // "": the default on both sides
	}{
		{"scs HashTokenInStore, sessionkit default", true, false, ""},
		{"scs default, sessionkit StoreRawTokens", false, true, ""},
		{"scs NewWithPrefix, sessionkit WithPrefix", true, false, "myapp:"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rs.Do("FLUSHDB")
			cookie := signInWithSCS(t, newSCSWithPrefix(pool, tc.scsHashed, tc.prefix))
			prefix := cmp.Or(tc.prefix, redisstore.DefaultPrefix)
			keys, _ := redis.Strings(rs.Do("KEYS", prefix+"*"), nil)
			if len(keys) != 1 {
				t.Fatalf("scs wrote keys %q, want one under %q", keys, prefix)
			}
			store := redisstore.New(pool)
			if tc.prefix != "" {
				store = redisstore.New(pool, redisstore.WithPrefix(tc.prefix))
			}

			m := manager.New(manager.Config{Logger: quiet, Store: store, Codec: c, StoreRawTokens: tc.storeRawTokens})
			if r := do(skApp(m), "/me", cookie); r.status != http.StatusOK || r.body != signedIn {
				t.Errorf("sessionkit reading the scs session: %d %q, want %q", r.status, r.body, signedIn)
			}
			// A write keeps the user signed in, now in sessionkit's format.
			if r := do(skApp(m), "/visit", cookie); r.status != http.StatusOK {
				t.Errorf("sessionkit writing the scs session: %d %q", r.status, r.body)
			}
			if r := do(skApp(m), "/me", cookie); r.body != signedIn {
				t.Errorf("after sessionkit rewrote the session: %d %q", r.status, r.body)
			}
			// ... and the blob is in the configured codec's format now
			// (sessionkit's envelope: "\x00SK", version, writer format).
			keys, _ = redis.Strings(rs.Do("KEYS", prefix+"*"), nil)
			if len(keys) != 1 {
				t.Fatalf("after the rewrite: keys %q, want one", keys)
			}
			blob, _ := redis.Bytes(rs.Do("GET", keys[0]), nil)
			if len(blob) < 5 || string(blob[:3]) != "\x00SK" || blob[4] != c.Name()[0] {
				t.Errorf("after one write the session is not a %s blob: % x", c.Name(), blob[:min(len(blob), 8)])
			}

			// The other hashing setting looks under another key: signed out.
			cookie = signInWithSCS(t, newSCSWithPrefix(pool, tc.scsHashed, tc.prefix))
			wrong := manager.New(manager.Config{Logger: quiet, Store: store, Codec: c, StoreRawTokens: !tc.storeRawTokens})
			if r := do(skApp(wrong), "/me", cookie); r.status != http.StatusUnauthorized {
				t.Errorf("StoreRawTokens=%v on a store scs wrote with HashTokenInStore=%v: %d %q, want 401 (signed out)",
					!tc.storeRawTokens, tc.scsHashed, r.status, r.body)
			}
		})
	}
}

// TestMigrationGobRegisterCaveat: a custom type in an scs gob session is
// found by the name it was registered under. Registered (as above), the
// session reads; under a name this process never registered — what a
// sessionkit app without the scs app's gob.Register call sees — the whole
// session is discarded: the user is signed out and the entry deleted.
func TestMigrationGobRegisterCaveat(t *testing.T) {
	rs := redistest.Start(t, redistest.Options{})
	pool := rs.Pool()
	cookie := signInWithSCS(t, newSCS(pool, true))
	keys, _ := redis.Strings(rs.Do("KEYS", redisstore.DefaultPrefix+"*"), nil)
	if len(keys) != 1 {
		t.Fatalf("keys after scs sign-in: %q", keys)
	}
	blob, _ := redis.Bytes(rs.Do("GET", keys[0]), nil)
	renamed := strings.Replace(accountName, "Account", "Accounx", 1) // same length: the gob stays well-formed
	if !bytes.Contains(blob, []byte(accountName)) {
		t.Fatalf("the scs blob does not name %q", accountName)
	}
	rs.Do("SET", keys[0], bytes.ReplaceAll(blob, []byte(accountName), []byte(renamed)), "EX", 3600)

	planted, _ := redis.Bytes(rs.Do("GET", keys[0]), nil)
	for _, name := range []string{"msgpack", "json", "gob"} {
		c, err := codec.ByName(name)
		if err != nil {
			t.Fatal(err)
		}
		rs.Do("SET", keys[0], planted, "EX", 3600)
		m := manager.New(manager.Config{Logger: quiet, Store: redisstore.New(pool), Codec: c})
		r := do(skApp(m), "/me", cookie)
		if r.status != http.StatusUnauthorized {
			t.Errorf("%s: an scs session holding an unregistered type: %d %q, want 401 (session discarded)", name, r.status, r.body)
		}
		if n, _ := redis.Int(rs.Do("EXISTS", keys[0]), nil); n != 0 {
			t.Errorf("%s: the unreadable scs session is still in the store", name)
		}
	}
}

// TestGobRegisterName: gob.Register names a type by its import path and
// name; that name is what an scs blob holds.
func TestGobRegisterName(t *testing.T) {
	b, err := scs.GobCodec{}.Encode(time.Now(), map[string]any{"pref": Preference{"dark"}})
	if err != nil {
		t.Fatal(err)
	}
	if want := "github.com/sessionkit/sessionkit/docs.Preference"; !bytes.Contains(b, []byte(want)) {
		t.Errorf("the scs blob does not name %q: %q", want, b)
	}
}

// TestGobNeedsNoRegister: sessionkit's gob codec stores a type no one
// registered and reads it back from Redis.
func TestGobNeedsNoRegister(t *testing.T) {
	type unregistered struct{ Theme string }
	rs := redistest.Start(t, redistest.Options{})
	m := manager.New(manager.Config{Logger: quiet, Store: redisstore.New(rs.Pool()), Codec: codec.Gob()})
	var got unregistered
	var getErr error
	h := m.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/put" {
			if err := typed.Put(r.Context(), "pref", unregistered{"dark"}); err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
			}
			return
		}
		got, getErr = typed.Get[unregistered](r.Context(), "pref")
	}))
	put := do(h, "/put", nil)
	if put.status != http.StatusOK || put.cookie == nil {
		t.Fatalf("put: %d %q", put.status, put.body)
	}
	do(h, "/get", put.cookie)
	if getErr != nil || got.Theme != "dark" {
		t.Errorf("an unregistered type through codec.Gob() and Redis: %+v, %v", got, getErr)
	}
}

// TestRollbackToSCS: plain scs cannot read what sessionkit wrote, with any
// of its codecs: 500 on every request with such a cookie. Deleting those
// entries (dropSessionkitSessions, as the guide shows it) turns that into a
// sign-out, and leaves the sessions sessionkit never rewrote to scs.
func TestRollbackToSCS(t *testing.T) {
	for _, name := range []string{"msgpack", "json", "gob"} {
		t.Run(name, func(t *testing.T) {
			rs := redistest.Start(t, redistest.Options{})
			pool := rs.Pool()
			c, err := codec.ByName(name)
			if err != nil {
				t.Fatal(err)
			}
			m := manager.New(manager.Config{Logger: quiet, Store: redisstore.New(pool), Codec: c})
			sk := skApp(m)
			sm := newSCS(pool, true)

			untouched := signInWithSCS(t, sm) // an scs session sessionkit only reads
			migrated := signInWithSCS(t, sm)  // one sessionkit writes to
			if r := do(sk, "/me", untouched); r.body != signedIn {
				t.Fatalf("sessionkit reading an scs session: %d %q", r.status, r.body)
			}
			if r := do(sk, "/visit", migrated); r.status != http.StatusOK || r.cookie != nil {
				t.Fatalf("sessionkit writing to an scs session: %d %q, cookie %v; want 200 and the same token", r.status, r.body, r.cookie)
			}
			fresh := do(sk, "/signin", nil).cookie // a sign-in under sessionkit
			if fresh == nil {
				t.Fatal("sessionkit sign-in set no cookie")
			}

			// Back to scs.
			for what, cookie := range map[string]*http.Cookie{"a session sessionkit wrote to": migrated, "a sessionkit sign-in": fresh} {
				if r := do(scsApp(sm), "/me", cookie); r.status != http.StatusInternalServerError {
					t.Errorf("scs reading %s: %d %q, want 500", what, r.status, r.body)
				}
			}
			if r := do(scsApp(sm), "/me", untouched); r.body != signedIn {
				t.Errorf("scs reading a session sessionkit only read: %d %q, want %q", r.status, r.body, signedIn)
			}

			n, err := dropSessionkitSessions(context.Background(), pool)
			if err != nil || n != 2 {
				t.Fatalf("dropSessionkitSessions = %d, %v; want the 2 sessions sessionkit wrote", n, err)
			}
			for what, cookie := range map[string]*http.Cookie{"a session sessionkit wrote to": migrated, "a sessionkit sign-in": fresh} {
				if r := do(scsApp(sm), "/me", cookie); r.status != http.StatusUnauthorized {
					t.Errorf("scs after the cleanup, %s: %d %q, want 401 (signed out)", what, r.status, r.body)
				}
			}
			if r := do(scsApp(sm), "/me", untouched); r.body != signedIn {
				t.Errorf("the cleanup signed out an scs session: %d %q", r.status, r.body)
			}
		})
	}
}

// dropSessionkitSessions deletes the sessions sessionkit wrote (their
// blobs start with "\x00SK"), which scs cannot read. Run it after the last
// sessionkit process has stopped and before scs serves; sessions scs wrote
// and sessionkit never rewrote stay. The guide shows this function: keep
// the two identical (TestRollbackSnippetIsTested).
func dropSessionkitSessions(ctx context.Context, pool *redis.Pool) (int, error) {
	conn, err := pool.GetContext(ctx)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	deleted, cursor := 0, "0"
	for {
		reply, err := redis.Values(conn.Do("SCAN", cursor, "MATCH", "scs:session:*", "COUNT", 100))
		if err != nil {
			return deleted, err
		}
		cursor, _ = redis.String(reply[0], nil)
		keys, _ := redis.Strings(reply[1], nil)
		for _, key := range keys {
			blob, err := redis.Bytes(conn.Do("GET", key))
			if errors.Is(err, redis.ErrNil) {
				continue // expired meanwhile
			}
			if err != nil {
				return deleted, err
			}
			if bytes.HasPrefix(blob, []byte("\x00SK")) {
				if _, err := conn.Do("DEL", key); err != nil {
					return deleted, err
				}
				deleted++
			}
		}
		if cursor == "0" {
			return deleted, nil
		}
	}
}

// TestRollbackSnippetIsTested: the guide's dropSessionkitSessions is the
// one TestRollbackToSCS runs.
func TestRollbackSnippetIsTested(t *testing.T) {
	root := repoRoot(t)
	want := funcSource(t, filepath.Join(root, "docs", "migrating_test.go"), "dropSessionkitSessions")
	md, err := os.ReadFile(filepath.Join(root, "docs", "migrating-from-scs.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range extract("docs/migrating-from-scs.md", string(md)) {
		if strings.Contains(s.code, "func dropSessionkitSessions(") {
			code := strings.TrimSpace(s.code)
			for strings.HasPrefix(code, "//") { // the doc comment may differ
				_, code, _ = strings.Cut(code, "\n")
			}
			got, err := format.Source([]byte(code))
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != want {
				t.Errorf("migrating-from-scs.md's dropSessionkitSessions differs from the tested one in migrating_test.go:\n%s\nwant:\n%s", got, want)
			}
			return
		}
	}
	t.Error("migrating-from-scs.md shows no dropSessionkitSessions")
}

// funcSource returns the gofmt'ed declaration of the function name in file,
// without its doc comment.
func funcSource(t *testing.T, file, name string) string {
	t.Helper()
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, file, src, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Name.Name == name {
			b, err := format.Source(src[fset.Position(fd.Pos()).Offset:fset.Position(fd.End()).Offset])
			if err != nil {
				t.Fatal(err)
			}
			return string(b)
		}
	}
	t.Fatalf("no func %s in %s", name, file)
	return ""
}

// TestWhatChanges runs the same requests through scs and sessionkit and
// checks each behaviour the guide lists under "What changes".
func TestWhatChanges(t *testing.T) {
	rs := redistest.Start(t, redistest.Options{})
	pool := rs.Pool()
	sm := newSCS(pool, true)
	m := manager.New(manager.Config{Logger: quiet, Store: redisstore.New(pool), Codec: codec.Gob()})
	sc, sk := scsApp(sm), skApp(m)

	t.Run("an undecodable blob: 500 in scs, a fresh session in sessionkit", func(t *testing.T) {
		for app, h := range map[string]http.Handler{"scs": sc, "sessionkit": sk} {
			cookie := do(h, "/signin", nil).cookie
			keys, _ := redis.Strings(rs.Do("KEYS", redisstore.DefaultPrefix+"*"), nil)
			for _, k := range keys {
				rs.Do("SET", k, "\xde\xad\xbe\xef not a session", "EX", 3600)
			}
			want := map[string]int{"scs": http.StatusInternalServerError, "sessionkit": http.StatusUnauthorized}[app]
			for i := 0; i < 2; i++ {
				if r := do(h, "/me", cookie); r.status != want {
					t.Errorf("%s, request %d with the cookie: %d %q, want %d", app, i+1, r.status, r.body, want)
				}
			}
			rs.Do("FLUSHDB")
		}
	})

	t.Run("Set-Cookie: scs on every modified request, sessionkit when token or expiry change", func(t *testing.T) {
		for app, h := range map[string]http.Handler{"scs": sc, "sessionkit": sk} {
			cookie := do(h, "/signin", nil).cookie
			r := do(h, "/visit", cookie)
			if got, want := r.cookie != nil, app == "scs"; got != want {
				t.Errorf("%s: Set-Cookie on a request that changed a value = %v, want %v", app, got, want)
			}
		}
	})

	t.Run("IdleTimeout: scs rewrites every session on every request, sessionkit touches now and then", func(t *testing.T) {
		idleSCS := newSCS(pool, true)
		idleSCS.IdleTimeout = time.Hour
		idleSK := manager.New(manager.Config{Logger: quiet, Store: redisstore.New(pool), Codec: codec.Gob(), IdleTimeout: time.Hour})
		for app, h := range map[string]http.Handler{"scs": scsApp(idleSCS), "sessionkit": skApp(idleSK)} {
			cookie := do(h, "/signin", nil).cookie
			calls := rs.Calls(func() {
				for i := 0; i < 5; i++ {
					if r := do(h, "/me", cookie); r.body != signedIn {
						t.Fatalf("%s /me: %d %q", app, r.status, r.body)
					}
				}
			})
			writes := calls["set"] + calls["pexpire"] + calls["pexpireat"]
			if app == "scs" && writes < 5 {
				t.Errorf("scs, 5 reads with IdleTimeout: %v, want a rewrite each", calls)
			}
			if app == "sessionkit" && (writes != 0 || calls["get"] != 5) {
				t.Errorf("sessionkit, 5 reads right after sign-in with IdleTimeout: %v, want 5 GETs and no write", calls)
			}
		}
	})

	t.Run("a store outage: 500 in scs, 503 in sessionkit", func(t *testing.T) {
		scsCookie, skCookie := do(sc, "/signin", nil).cookie, do(sk, "/signin", nil).cookie
		rs.Kill()
		if r := do(sc, "/me", scsCookie); r.status != http.StatusInternalServerError {
			t.Errorf("scs with Redis down: %d, want 500", r.status)
		}
		if r := do(sk, "/me", skCookie); r.status != http.StatusServiceUnavailable {
			t.Errorf("sessionkit with Redis down: %d, want 503", r.status)
		}
	})
}

// TestNoCompatModeThroughSCSGobCodec: sessionkit configured with scs's
// own GobCodec writes blobs plain scs reads, but it reads sessionkit's own
// blobs no better than scs does: with a codec from outside package codec,
// an unreadable blob is an error (500), not a fresh session.
func TestNoCompatModeThroughSCSGobCodec(t *testing.T) {
	rs := redistest.Start(t, redistest.Options{})
	pool := rs.Pool()
	before := manager.New(manager.Config{Logger: quiet, Store: redisstore.New(pool)}) // msgpack, the default
	old := do(skApp(before), "/signin", nil).cookie

	compat := manager.New(manager.Config{Logger: quiet, Store: redisstore.New(pool), Codec: scs.GobCodec{}})
	for i := 0; i < 2; i++ {
		if r := do(skApp(compat), "/me", old); r.status != http.StatusInternalServerError {
			t.Errorf("sessionkit with scs.GobCodec reading a blob in sessionkit's format, request %d: %d %q, want 500", i+1, r.status, r.body)
		}
	}
	cookie := do(skApp(compat), "/signin", nil).cookie
	if r := do(skApp(compat), "/me", cookie); r.body != signedIn {
		t.Fatalf("sessionkit with scs.GobCodec: %d %q", r.status, r.body)
	}
	if r := do(scsApp(newSCS(pool, true)), "/me", cookie); r.status != http.StatusOK || r.body != signedIn {
		t.Errorf("plain scs reading what sessionkit wrote with scs.GobCodec: %d %q, want %q", r.status, r.body, signedIn)
	}
}

// TestIterateDestroyOnTheManager: Manager.Iterate with Manager.Destroy
// ends every session, those sessionkit wrote and those scs left.
func TestIterateDestroyOnTheManager(t *testing.T) {
	rs := redistest.Start(t, redistest.Options{})
	pool := rs.Pool()
	signInWithSCS(t, newSCS(pool, true))
	m := manager.New(manager.Config{Logger: quiet, Store: redisstore.New(pool), Codec: codec.Gob()})
	for i := 0; i < 3; i++ {
		do(skApp(m), "/signin", nil)
	}
	if n, _ := redis.Int(rs.Do("DBSIZE"), nil); n != 4 {
		t.Fatalf("%d sessions stored, want 4", n)
	}
	visited := 0
	err := m.Iterate(context.Background(), func(ctx context.Context) error {
		visited++
		return m.Destroy(ctx)
	})
	if err != nil || visited != 4 {
		t.Errorf("Iterate: visited %d, err %v; want 4, nil", visited, err)
	}
	if n, _ := redis.Int(rs.Do("DBSIZE"), nil); n != 0 {
		t.Errorf("%d sessions left after Iterate + Destroy, want 0", n)
	}
}

// TestDeliberateDifferencesDocumented: every scs test that
// scscompat/differences_test.go lists as a deliberate difference is named
// in migrating-from-scs.md.
func TestDeliberateDifferencesDocumented(t *testing.T) {
	root := repoRoot(t)
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, filepath.Join(root, "scscompat", "differences_test.go"), nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	consts := map[string]string{}
	var table *ast.CompositeLit
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.ValueSpec:
			for i, name := range n.Names {
				if i < len(n.Values) {
					if lit, ok := n.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
						consts[name.Name] = strings.Trim(lit.Value, "\"`")
					}
					if name.Name == "expectedDifferences" {
						table, _ = n.Values[i].(*ast.CompositeLit)
					}
				}
			}
		}
		return true
	})
	if table == nil {
		t.Fatal("no expectedDifferences table in scscompat/differences_test.go")
	}
	md, err := os.ReadFile(filepath.Join(root, "docs", "migrating-from-scs.md"))
	if err != nil {
		t.Fatal(err)
	}
	deliberate := 0
	for _, e := range table.Elts {
		row, ok := e.(*ast.CompositeLit)
		if !ok || len(row.Elts) < 2 {
			continue
		}
		pattern, _ := row.Elts[0].(*ast.BasicLit)
		category := ""
		switch c := row.Elts[1].(type) {
		case *ast.Ident:
			category = consts[c.Name]
		case *ast.BasicLit:
			category = strings.Trim(c.Value, "\"`")
		}
		if pattern == nil || !strings.HasPrefix(category, "deliberate") {
			continue
		}
		deliberate++
		p := strings.Trim(pattern.Value, "\"`")
		name := p[strings.LastIndex(p, "/")+1:]
		if !bytes.Contains(md, []byte("`"+name+"`")) {
			t.Errorf("deliberate difference %s (%s) is not named in migrating-from-scs.md", p, category)
		}
	}
	t.Logf("%d deliberate differences, each named in the guide", deliberate)
}
