package express_test

// Interop tests against the real npm packages: each test starts its own
// redis-server (internal/redistest) and the Express fixture in
// testdata/express (internal/nodetest: express 5, express-session 1.19,
// connect-redis 9.0.0, redis 5).

import (
	"encoding/json"
	"math"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gomodule/redigo/redis"

	"github.com/sessionkit/sessionkit/express"
	"github.com/sessionkit/sessionkit/internal/nodetest"
	"github.com/sessionkit/sessionkit/internal/redistest"
	"github.com/sessionkit/sessionkit/internal/typedtest"
)

// User is the shape the fixture stores with
// req.session.user = {name, signedInAt: new Date()}.
type User struct {
	Name       string    `json:"name"`
	SignedInAt time.Time `json:"signedInAt"`
}

type env struct {
	t      *testing.T
	srv    *redistest.Server
	app    *nodetest.App
	signer *express.Signer
	codec  *express.Codec
}

func start(t *testing.T, maxAge time.Duration, secrets ...string) *env {
	t.Helper()
	srv := redistest.Start(t, redistest.Options{})
	app := nodetest.Start(t, nodetest.Options{RedisURL: srv.URL(), Secrets: secrets, MaxAge: maxAge})
	signer, err := express.NewSigner(secrets...)
	if err != nil {
		t.Fatal(err)
	}
	return &env{t: t, srv: srv, app: app, signer: signer, codec: express.NewCodec(express.CookieOptions{MaxAge: maxAge})}
}

// signInOnNode signs name in on the fixture and returns the session cookie
// and the user Node answered with.
func (e *env) signInOnNode(name string) (*http.Cookie, User) {
	e.t.Helper()
	r := e.app.Do("POST", "/signin", url.Values{"name": {name}})
	c := r.Cookie(express.DefaultCookieName)
	if r.Status != 200 || c == nil {
		e.t.Fatalf("POST /signin: %d %s, cookie %v; app output:\n%s", r.Status, r.Body, c, e.app.Output())
	}
	var u User
	if err := json.Unmarshal(r.Body, &u); err != nil {
		e.t.Fatalf("POST /signin body %s: %v", r.Body, err)
	}
	return &http.Cookie{Name: c.Name, Value: c.Value}, u
}

// me asks Node who is signed in: the user, or nil on 401.
func (e *env) me(c *http.Cookie) *User {
	e.t.Helper()
	r := e.app.Do("GET", "/me", nil, c)
	switch r.Status {
	case 401:
		return nil
	case 200:
		var u User
		if err := json.Unmarshal(r.Body, &u); err != nil {
			e.t.Fatalf("GET /me body %s: %v", r.Body, err)
		}
		return &u
	}
	e.t.Fatalf("GET /me: %d %s; app output:\n%s", r.Status, r.Body, e.app.Output())
	return nil
}

// blob is what Redis holds under sess:<sid>, or nil.
func (e *env) blob(sid string) []byte {
	e.t.Helper()
	b, err := redis.Bytes(e.srv.Do("GET", express.Key(express.DefaultPrefix, sid)), nil)
	if err == redis.ErrNil {
		return nil
	}
	if err != nil {
		e.t.Fatal(err)
	}
	return b
}

// goWrite stores values as the Go side will: the Codec's blob, with
// connect-redis's TTL rule.
func (e *env) goWrite(sid string, deadline time.Time, values map[string]any) {
	e.t.Helper()
	b, err := e.codec.Encode(deadline, values)
	if err != nil {
		e.t.Fatal(err)
	}
	ttl, err := express.BlobTTL(b, time.Now())
	if err != nil {
		e.t.Fatal(err)
	}
	key := express.Key(express.DefaultPrefix, sid)
	if ttl <= 0 {
		e.srv.Do("DEL", key)
		return
	}
	e.srv.Do("SET", key, b, "EX", ttl)
}

func (e *env) pttl(sid string) time.Duration {
	e.t.Helper()
	ms, err := redis.Int64(e.srv.Do("PTTL", express.Key(express.DefaultPrefix, sid)), nil)
	if err != nil {
		e.t.Fatal(err)
	}
	return time.Duration(ms) * time.Millisecond
}

func (e *env) unsign(c *http.Cookie) string {
	e.t.Helper()
	sid, ok := e.signer.Unsign(c.Value)
	if !ok {
		e.t.Fatalf("Go rejected Node's cookie %s", c.Value)
	}
	return sid
}

func TestNodeSignsGoVerifies(t *testing.T) {
	e := start(t, time.Hour, "keyboard cat")
	c, _ := e.signInOnNode("Ada")
	if !strings.HasPrefix(c.Value, "s%3A") {
		t.Fatalf("Node's cookie %q is not URL-encoded s:…", c.Value)
	}
	sid := e.unsign(c)
	if !express.ValidSID(sid) {
		t.Fatalf("Node's sid %q does not have NewSID's shape", sid)
	}
	if e.blob(sid) == nil {
		t.Fatalf("no %s in Redis", express.Key(express.DefaultPrefix, sid))
	}
	// Go's signature of the same sid is byte for byte Node's.
	if got := e.signer.Sign(sid); got != c.Value {
		t.Fatalf("Go signs %s as %q, Node as %q", sid, got, c.Value)
	}
}

func TestNodeSessionDecodesIntoTypedUser(t *testing.T) {
	e := start(t, time.Hour, "keyboard cat")
	c, nodeUser := e.signInOnNode("Ada")
	u, err := typedtest.From[User](t, e.codec, e.blob(e.unsign(c)), "user")
	if err != nil {
		t.Fatal(err)
	}
	if u.Name != "Ada" || !u.SignedInAt.Equal(nodeUser.SignedInAt) || u.SignedInAt.IsZero() {
		t.Fatalf("Go read %+v, Node stored %+v", u, nodeUser)
	}
}

func TestGoSessionGreetedByNode(t *testing.T) {
	e := start(t, time.Hour, "keyboard cat")
	sid, err := express.NewSID()
	if err != nil {
		t.Fatal(err)
	}
	signedIn := time.Now().UTC().Truncate(time.Millisecond)
	val, err := e.codec.Marshal(User{Name: "Grace", SignedInAt: signedIn})
	if err != nil {
		t.Fatal(err)
	}
	e.goWrite(sid, time.Now().Add(time.Hour), map[string]any{"user": val})
	c := &http.Cookie{Name: express.DefaultCookieName, Value: e.signer.Sign(sid)}

	u := e.me(c)
	if u == nil || u.Name != "Grace" || !u.SignedInAt.Equal(signedIn) {
		t.Fatalf("Node's GET /me for a Go-written session = %+v; app output:\n%s", u, e.app.Output())
	}
	// express-session loaded Go's cookie object as its own.
	r := e.app.Do("GET", "/session", nil, c)
	var s struct {
		Cookie struct {
			OriginalMaxAge int64  `json:"originalMaxAge"`
			Path           string `json:"path"`
			HTTPOnly       bool   `json:"httpOnly"`
		} `json:"cookie"`
	}
	if err := json.Unmarshal(r.Body, &s); err != nil || s.Cookie.OriginalMaxAge != 3600000 || s.Cookie.Path != "/" || !s.Cookie.HTTPOnly {
		t.Fatalf("Node's view of the Go session: %s (%v)", r.Body, err)
	}
}

func TestFieldChangesBothWays(t *testing.T) {
	e := start(t, time.Hour, "keyboard cat")
	c, _ := e.signInOnNode("Ada")
	sid := e.unsign(c)

	// Go changes a field of the user Node stored.
	deadline, values, err := e.codec.Decode(e.blob(sid))
	if err != nil {
		t.Fatal(err)
	}
	u, err := typedtest.From[User](t, e.codec, e.blob(sid), "user")
	if err != nil {
		t.Fatal(err)
	}
	u.Name = "Ada Lovelace"
	if values["user"], err = e.codec.Marshal(u); err != nil {
		t.Fatal(err)
	}
	e.goWrite(sid, deadline, values)
	if got := e.me(c); got == nil || got.Name != "Ada Lovelace" || !got.SignedInAt.Equal(u.SignedInAt) {
		t.Fatalf("after Go renamed the user, Node sees %+v", got)
	}

	// Node changes a field; Go reads it typed.
	r := e.app.DoJSON("POST", "/set", `{"field":"visits","value":42}`, c)
	if r.Status != 200 {
		t.Fatalf("POST /set: %d %s", r.Status, r.Body)
	}
	type userVisits struct {
		User
		Visits uint8 `json:"visits"`
	}
	if withVisits, err := typedtest.From[userVisits](t, e.codec, e.blob(sid), "user"); err != nil || withVisits.Visits != 42 || withVisits.Name != "Ada Lovelace" {
		t.Fatalf("Go read %+v, %v after Node set visits=42", withVisits, err)
	}
}

func TestSignOutEitherSide(t *testing.T) {
	e := start(t, time.Hour, "keyboard cat")

	// Node signs out: the key is gone, so Go finds no session.
	c, _ := e.signInOnNode("Ada")
	sid := e.unsign(c)
	if r := e.app.Do("POST", "/signout", nil, c); r.Status != 200 {
		t.Fatalf("POST /signout: %d %s", r.Status, r.Body)
	}
	if b := e.blob(sid); b != nil {
		t.Fatalf("after Node's sign-out Redis still holds %s", b)
	}

	// Go signs out (destroy is DEL): Node sees no session.
	c, _ = e.signInOnNode("Ada")
	sid = e.unsign(c)
	if e.me(c) == nil {
		t.Fatal("Node does not see its own session")
	}
	e.srv.Do("DEL", express.Key(express.DefaultPrefix, sid))
	if u := e.me(c); u != nil {
		t.Fatalf("after Go's DEL Node still sees %+v", u)
	}
}

func TestTTLAgreesWithConnectRedis(t *testing.T) {
	for _, maxAge := range []time.Duration{time.Hour, 0} {
		t.Run("maxAge="+maxAge.String(), func(t *testing.T) {
			e := start(t, maxAge, "keyboard cat")
			c, _ := e.signInOnNode("Ada")
			sid := e.unsign(c)

			// Go rewrites Node's session; connect-redis then rewrites it
			// (POST /set changes it, so express-session saves it).
			deadline, values, err := e.codec.Decode(e.blob(sid))
			if err != nil {
				t.Fatal(err)
			}
			e.goWrite(sid, deadline, values)
			goTTL := e.pttl(sid)
			if r := e.app.DoJSON("POST", "/set", `{"field":"x","value":1}`, c); r.Status != 200 {
				t.Fatalf("POST /set: %d %s", r.Status, r.Body)
			}
			nodeTTL := e.pttl(sid)
			want := time.Duration(express.DefaultTTL) * time.Second
			if maxAge > 0 {
				want = maxAge
			}
			for who, ttl := range map[string]time.Duration{"Go": goTTL, "connect-redis": nodeTTL} {
				if ttl <= want-2*time.Second || ttl > want {
					t.Errorf("%s set a TTL of %v, want about %v", who, ttl, want)
				}
			}
			if d := math.Abs(float64(goTTL - nodeTTL)); d > float64(time.Second) {
				t.Fatalf("TTLs differ by %v: Go %v, connect-redis %v", time.Duration(d), goTTL, nodeTTL)
			}
			if maxAge == 0 {
				return
			}
			// A request that only reads the session moves its expiry too
			// (express-session's touch): why Decode's deadline is now +
			// originalMaxAge rather than the stored cookie.expires.
			time.Sleep(1500 * time.Millisecond)
			before := e.pttl(sid)
			if e.me(c) == nil {
				t.Fatal("GET /me: not signed in")
			}
			if after := e.pttl(sid); after <= before {
				t.Fatalf("GET /me did not extend the TTL: %v before, %v after", before, after)
			}
			// The touch did not rewrite the blob, so its cookie.expires is
			// stale; the deadline Go decodes follows the touch, as Node does.
			blob := e.blob(sid)
			var stored struct {
				Cookie struct {
					Expires time.Time `json:"expires"`
				} `json:"cookie"`
			}
			if err := json.Unmarshal(blob, &stored); err != nil {
				t.Fatal(err)
			}
			deadline, _, err = e.codec.Decode(blob)
			if err != nil {
				t.Fatal(err)
			}
			if ttlLeft := time.Until(deadline); deadline.Sub(stored.Cookie.Expires) < time.Second || ttlLeft < maxAge-time.Second {
				t.Fatalf("decoded deadline %v (stored expires %v), want now + %v", deadline, stored.Cookie.Expires, maxAge)
			}
		})
	}
}

func TestRetiredSecret(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{})
	startApp := func(secrets ...string) *nodetest.App {
		return nodetest.Start(t, nodetest.Options{RedisURL: srv.URL(), Secrets: secrets, MaxAge: time.Hour})
	}
	signedIn := func(app *nodetest.App, c *http.Cookie) bool {
		t.Helper()
		r := app.Do("GET", "/me", nil, c)
		if r.Status != 200 && r.Status != 401 {
			t.Fatalf("GET /me: %d %s", r.Status, r.Body)
		}
		return r.Status == 200
	}

	app := startApp("old")
	r := app.Do("POST", "/signin", url.Values{"name": {"Ada"}})
	c := r.Cookie(express.DefaultCookieName)
	if c == nil {
		t.Fatalf("POST /signin set no cookie: %d %s", r.Status, r.Body)
	}
	c = &http.Cookie{Name: c.Name, Value: c.Value}
	app.Stop()

	// Rotation: "new" signs, "old" still verifies.
	app = startApp("new", "old")
	rotating, _ := express.NewSigner("new", "old")
	if !signedIn(app, c) {
		t.Fatal("Node rejected a cookie signed with a secret still in its list")
	}
	if _, ok := rotating.Unsign(c.Value); !ok {
		t.Fatal("Go rejected a cookie signed with a secret still in its list")
	}
	app.Stop()

	// "old" removed: neither side accepts the cookie any more.
	app = startApp("new")
	retired, _ := express.NewSigner("new")
	if signedIn(app, c) {
		t.Fatal("Node accepted a cookie signed with a removed secret")
	}
	if sid, ok := retired.Unsign(c.Value); ok {
		t.Fatalf("Go accepted a cookie signed with a removed secret (sid %s)", sid)
	}
}

func TestTamperedCookieRejectedByBoth(t *testing.T) {
	e := start(t, time.Hour, "keyboard cat")
	c, _ := e.signInOnNode("Ada")
	sid := e.unsign(c)
	other, err := express.NewSID()
	if err != nil {
		t.Fatal(err)
	}
	// Another session exists under the sid the attacker swaps in.
	e.goWrite(other, time.Now().Add(time.Hour), map[string]any{"user": map[string]any{"name": "Mallory"}})

	dot := strings.LastIndexByte(c.Value, '.')
	flip := func(s string, i int) string {
		b := []byte(s)
		if b[i] == 'A' {
			b[i] = 'B'
		} else {
			b[i] = 'A'
		}
		return string(b)
	}
	for name, v := range map[string]string{
		"other sid, old signature": strings.Replace(c.Value, sid, other, 1),
		"signature changed":        flip(c.Value, dot+5),
		"sid changed":              flip(c.Value, len("s%3A")+3),
		"signature dropped":        c.Value[:dot],
		"unsigned sid":             sid,
		"unsigned other sid":       other,
	} {
		tampered := &http.Cookie{Name: express.DefaultCookieName, Value: v}
		if u := e.me(tampered); u != nil {
			t.Errorf("%s: Node accepted %q as %+v", name, v, u)
		}
		if got, ok := e.signer.Unsign(v); ok {
			t.Errorf("%s: Go accepted %q as sid %s", name, v, got)
		}
	}
	if e.me(c) == nil {
		t.Fatal("the untampered cookie no longer works")
	}
}
