package express_test

// Interop through a manager in Express mode: the Go side is a
// manager.Manager configured by express.Config, serving handlers that use
// package typed, against the Express fixture on the same redis-server.

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gomodule/redigo/redis"

	"github.com/sessionkit/sessionkit/express"
	"github.com/sessionkit/sessionkit/internal/nodetest"
	"github.com/sessionkit/sessionkit/internal/redistest"
	"github.com/sessionkit/sessionkit/manager"
	"github.com/sessionkit/sessionkit/typed"
)

// goApp is a Go service in Express mode.
type goApp struct {
	t   *testing.T
	m   *manager.Manager
	srv *httptest.Server
}

// goResp is what the Go service answered.
type goResp struct {
	status int
	body   []byte
	cookie *http.Cookie // Set-Cookie connect.sid, if any
}

func startGo(t *testing.T, pool express.Conns, maxAge time.Duration, extra map[string]http.HandlerFunc, secrets ...string) *goApp {
	t.Helper()
	mc, err := express.Config{Secrets: secrets, Cookie: express.CookieOptions{MaxAge: maxAge}, Pool: pool}.ManagerConfig()
	if err != nil {
		t.Fatal(err)
	}
	m := manager.New(mc)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /me", func(w http.ResponseWriter, r *http.Request) {
		u, err := typed.Get[User](r.Context(), "user")
		switch {
		case errors.Is(err, typed.ErrNotFound):
			http.Error(w, "not signed in", http.StatusUnauthorized)
		case err != nil:
			http.Error(w, err.Error(), http.StatusInternalServerError)
		default:
			_ = json.NewEncoder(w).Encode(u)
		}
	})
	mux.HandleFunc("POST /signin", func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		if err := m.RenewToken(ctx); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		u := User{Name: r.FormValue("name"), SignedInAt: time.Now().UTC().Truncate(time.Millisecond)}
		if err := typed.Put(ctx, "user", u); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		_ = json.NewEncoder(w).Encode(u)
	})
	mux.HandleFunc("POST /rename", func(w http.ResponseWriter, r *http.Request) {
		u, err := typed.Get[User](r.Context(), "user")
		if err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		u.Name = r.FormValue("name")
		if err := typed.Put(r.Context(), "user", u); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		_ = json.NewEncoder(w).Encode(u)
	})
	mux.HandleFunc("POST /signout", func(w http.ResponseWriter, r *http.Request) {
		if err := m.Destroy(r.Context()); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
		}
	})
	for pattern, h := range extra {
		mux.HandleFunc(pattern, h)
	}
	srv := httptest.NewServer(m.LoadAndSave(mux))
	t.Cleanup(srv.Close)
	return &goApp{t: t, m: m, srv: srv}
}

func (g *goApp) do(method, path string, form url.Values, c *http.Cookie) goResp {
	g.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, g.srv.URL+path, body)
	if err != nil {
		g.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if c != nil {
		req.AddCookie(c)
	}
	resp, err := g.srv.Client().Do(req)
	if err != nil {
		g.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	r := goResp{status: resp.StatusCode, body: b}
	for _, ck := range resp.Cookies() {
		if ck.Name == express.DefaultCookieName {
			r.cookie = ck
		}
	}
	return r
}

// me asks the Go service who is signed in: the user, or nil on 401.
func (g *goApp) me(c *http.Cookie) *User {
	g.t.Helper()
	r := g.do("GET", "/me", nil, c)
	switch r.status {
	case 401:
		return nil
	case 200:
		var u User
		if err := json.Unmarshal(r.body, &u); err != nil {
			g.t.Fatalf("Go GET /me body %s: %v", r.body, err)
		}
		return &u
	}
	g.t.Fatalf("Go GET /me: %d %s", r.status, r.body)
	return nil
}

// signIn signs name in on the Go side and returns the cookie to send.
func (g *goApp) signIn(name string, c *http.Cookie) *http.Cookie {
	g.t.Helper()
	r := g.do("POST", "/signin", url.Values{"name": {name}}, c)
	if r.status != 200 || r.cookie == nil {
		g.t.Fatalf("Go POST /signin: %d %s, cookie %v", r.status, r.body, r.cookie)
	}
	return &http.Cookie{Name: r.cookie.Name, Value: r.cookie.Value}
}

func TestManagerReadsNodeUserAndNodeSeesGoChanges(t *testing.T) {
	e := start(t, time.Hour, "keyboard cat")
	g := startGo(t, e.srv.Pool(), time.Hour, nil, "keyboard cat")
	c, nodeUser := e.signInOnNode("Ada")

	u := g.me(c)
	if u == nil || u.Name != "Ada" || !u.SignedInAt.Equal(nodeUser.SignedInAt) {
		t.Fatalf("Go handler read %+v, Node stored %+v", u, nodeUser)
	}
	r := g.do("POST", "/rename", url.Values{"name": {"Ada Lovelace"}}, c)
	if r.status != 200 {
		t.Fatalf("Go POST /rename: %d %s", r.status, r.body)
	}
	if r.cookie != nil && r.cookie.Value != c.Value {
		t.Fatalf("Go changed the cookie of a session it only wrote to: %q, was %q", r.cookie.Value, c.Value)
	}
	if got := e.me(c); got == nil || got.Name != "Ada Lovelace" || !got.SignedInAt.Equal(nodeUser.SignedInAt) {
		t.Fatalf("after Go renamed the user, Node sees %+v", got)
	}
	// Node's cookie object survived Go's write.
	var s struct {
		Cookie struct {
			OriginalMaxAge int64     `json:"originalMaxAge"`
			Expires        time.Time `json:"expires"`
		} `json:"cookie"`
	}
	// express-session computes originalMaxAge as expires − now right after
	// setting expires, so Node itself stores 3600000 or, a millisecond
	// later, 3599999: Go must keep Node's value, whichever it was.
	if err := json.Unmarshal(e.blob(e.unsign(c)), &s); err != nil || s.Cookie.OriginalMaxAge < 3599000 || s.Cookie.OriginalMaxAge > 3600000 ||
		time.Until(s.Cookie.Expires) < time.Hour-5*time.Second {
		t.Fatalf("blob after Go's write: %+v, %v", s, err)
	}
}

func TestManagerSessionGreetedByNode(t *testing.T) {
	e := start(t, time.Hour, "keyboard cat")
	g := startGo(t, e.srv.Pool(), time.Hour, nil, "keyboard cat")
	c := g.signIn("Grace", nil)
	sid := e.unsign(c)
	if len(sid) != 43 || e.blob(sid) == nil {
		t.Fatalf("Go's sid %q (want scs's 43-character token) has blob %s", sid, e.blob(sid))
	}
	u := e.me(c)
	if u == nil || u.Name != "Grace" {
		t.Fatalf("Node's GET /me for a Go sign-in = %+v; app output:\n%s", u, e.app.Output())
	}
	// Node changes the session; the Go handler reads the change typed.
	if r := e.app.DoJSON("POST", "/set", `{"field":"name","value":"Grace Hopper"}`, c); r.Status != 200 {
		t.Fatalf("POST /set: %d %s", r.Status, r.Body)
	}
	if got := g.me(c); got == nil || got.Name != "Grace Hopper" || !got.SignedInAt.Equal(u.SignedInAt) {
		t.Fatalf("after Node renamed the user, Go sees %+v", got)
	}
}

func TestManagerSignOutEitherSide(t *testing.T) {
	e := start(t, time.Hour, "keyboard cat")
	g := startGo(t, e.srv.Pool(), time.Hour, nil, "keyboard cat")

	// Node signs in, Go signs out: Node sees no session.
	c, _ := e.signInOnNode("Ada")
	if g.me(c) == nil {
		t.Fatal("Go does not see Node's session")
	}
	r := g.do("POST", "/signout", nil, c)
	if r.status != 200 || r.cookie == nil || r.cookie.MaxAge >= 0 {
		t.Fatalf("Go POST /signout: %d %s, cookie %v (want a deletion)", r.status, r.body, r.cookie)
	}
	if u := e.me(c); u != nil {
		t.Fatalf("after Go's sign-out Node still sees %+v", u)
	}
	if b := e.blob(e.unsign(c)); b != nil {
		t.Fatalf("after Go's sign-out Redis holds %s", b)
	}

	// Go signs in, Node signs out: Go sees no session.
	c = g.signIn("Grace", nil)
	if e.me(c) == nil {
		t.Fatal("Node does not see Go's session")
	}
	if r := e.app.Do("POST", "/signout", nil, c); r.Status != 200 {
		t.Fatalf("Node POST /signout: %d %s", r.Status, r.Body)
	}
	if u := g.me(c); u != nil {
		t.Fatalf("after Node's sign-out Go still sees %+v", u)
	}
}

func TestManagerTTLAgreesWithConnectRedis(t *testing.T) {
	for _, maxAge := range []time.Duration{time.Hour, 0} {
		t.Run("maxAge="+maxAge.String(), func(t *testing.T) {
			e := start(t, maxAge, "keyboard cat")
			g := startGo(t, e.srv.Pool(), maxAge, nil, "keyboard cat")
			want := time.Duration(express.DefaultTTL) * time.Second
			if maxAge > 0 {
				want = maxAge
			}
			r := g.do("POST", "/signin", url.Values{"name": {"Grace"}}, nil)
			if r.status != 200 || r.cookie == nil {
				t.Fatalf("Go POST /signin: %d %s", r.status, r.body)
			}
			if maxAge == 0 && (r.cookie.MaxAge != 0 || !r.cookie.Expires.IsZero()) {
				t.Errorf("without maxAge the Go cookie is %v, want a browser-session cookie as express-session sets", r.cookie)
			}
			if maxAge > 0 && (r.cookie.MaxAge < int(want.Seconds())-2 || r.cookie.MaxAge > int(want.Seconds())+1) {
				t.Errorf("Go cookie Max-Age %d, want about %v", r.cookie.MaxAge, want)
			}
			c := &http.Cookie{Name: r.cookie.Name, Value: r.cookie.Value}
			sid := e.unsign(c)
			goTTL := e.pttl(sid)
			// Node rewrites the session: connect-redis sets its own TTL.
			if r := e.app.DoJSON("POST", "/set", `{"field":"x","value":1}`, c); r.Status != 200 {
				t.Fatalf("POST /set: %d %s", r.Status, r.Body)
			}
			nodeTTL := e.pttl(sid)
			// Go rewrites Node's session.
			if r := g.do("POST", "/rename", url.Values{"name": {"G"}}, c); r.status != 200 {
				t.Fatalf("Go POST /rename: %d %s", r.status, r.body)
			}
			goTTL2 := e.pttl(sid)
			for who, ttl := range map[string]time.Duration{"Go create": goTTL, "connect-redis": nodeTTL, "Go update": goTTL2} {
				if ttl <= want-2*time.Second || ttl > want {
					t.Errorf("%s set a TTL of %v, want about %v", who, ttl, want)
				}
			}
			for _, ttl := range []time.Duration{goTTL, goTTL2} {
				if d := (ttl - nodeTTL).Abs(); d > time.Second {
					t.Errorf("TTLs differ by %v: Go %v, connect-redis %v", d, ttl, nodeTTL)
				}
			}
		})
	}
}

func TestManagerRetiredSecret(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{})
	app := nodetest.Start(t, nodetest.Options{RedisURL: srv.URL(), Secrets: []string{"old"}, MaxAge: time.Hour})
	r := app.Do("POST", "/signin", url.Values{"name": {"Ada"}})
	ck := r.Cookie(express.DefaultCookieName)
	if ck == nil {
		t.Fatalf("POST /signin set no cookie: %d %s", r.Status, r.Body)
	}
	c := &http.Cookie{Name: ck.Name, Value: ck.Value}

	// Rotation: "new" signs, "old" still verifies.
	rotating := startGo(t, srv.Pool(), time.Hour, nil, "new", "old")
	if u := rotating.me(c); u == nil || u.Name != "Ada" {
		t.Fatalf("Go with [new old] read %+v from a cookie signed with old", u)
	}
	// A Go write re-signs nothing: the browser keeps its cookie. A Go
	// sign-in (new sid) signs with "new", which Node with [new old] takes.
	fresh := rotating.signIn("Grace", nil)
	newOnly, _ := express.NewSigner("new")
	if _, ok := newOnly.Unsign(fresh.Value); !ok {
		t.Fatalf("Go signed %q with another secret than the first", fresh.Value)
	}
	app.Stop()
	app = nodetest.Start(t, nodetest.Options{RedisURL: srv.URL(), Secrets: []string{"new", "old"}, MaxAge: time.Hour})
	if r := app.Do("GET", "/me", nil, fresh); r.Status != 200 {
		t.Fatalf("Node with [new old] rejected Go's cookie: %d %s", r.Status, r.Body)
	}
	if r := app.Do("GET", "/me", nil, c); r.Status != 200 {
		t.Fatalf("Node with [new old] rejected the old cookie: %d %s", r.Status, r.Body)
	}
	app.Stop()

	// "old" removed: neither side accepts the old cookie, and Go asks
	// Redis nothing for it.
	retired := startGo(t, srv.Pool(), time.Hour, nil, "new")
	calls := srv.Calls(func() {
		if u := retired.me(c); u != nil {
			t.Fatalf("Go with [new] accepted a cookie signed with old: %+v", u)
		}
	})
	if len(calls) != 0 {
		t.Errorf("a cookie signed with a removed secret cost %v", calls)
	}
	app = nodetest.Start(t, nodetest.Options{RedisURL: srv.URL(), Secrets: []string{"new"}, MaxAge: time.Hour})
	if r := app.Do("GET", "/me", nil, c); r.Status != 401 {
		t.Fatalf("Node with [new] answered %d %s to a cookie signed with old", r.Status, r.Body)
	}
	if u := retired.me(fresh); u == nil || u.Name != "Grace" {
		t.Fatalf("Go with [new] lost the session signed with new: %+v", u)
	}
}

// tamperings returns cookie values derived from the valid c for sid, each
// a forgery: other is another live session's sid.
func tamperings(c *http.Cookie, sid, other string) map[string]string {
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
	return map[string]string{
		"other sid, old signature": strings.Replace(c.Value, sid, other, 1),
		"signature changed":        flip(c.Value, dot+5),
		"sid changed":              flip(c.Value, len("s%3A")+3),
		"signature dropped":        c.Value[:dot],
		"unsigned sid":             sid,
		"unsigned other sid":       other,
		"empty sid, signed":        "s%3A." + c.Value[dot+1:],
		"oversize":                 c.Value + strings.Repeat("A", 4000),
		"garbage":                  "s%3A%ZZ.%%%",
	}
}

func TestManagerTamperedCookie(t *testing.T) {
	e := start(t, time.Hour, "keyboard cat")
	g := startGo(t, e.srv.Pool(), time.Hour, nil, "keyboard cat")
	c, _ := e.signInOnNode("Ada")
	sid := e.unsign(c)
	other := e.unsign(g.signIn("Mallory", nil))

	for name, v := range tamperings(c, sid, other) {
		tampered := &http.Cookie{Name: express.DefaultCookieName, Value: v}
		calls := e.srv.Calls(func() {
			if u := g.me(tampered); u != nil {
				t.Errorf("%s: Go accepted %q as %+v", name, v, u)
			}
		})
		if len(calls) != 0 {
			t.Errorf("%s: the Go side sent Redis %v, want nothing", name, calls)
		}
		if u := e.me(tampered); u != nil {
			t.Errorf("%s: Node accepted %q as %+v", name, v, u)
		}
	}
	if g.me(c) == nil || e.me(c) == nil {
		t.Fatal("the untampered cookie no longer works")
	}
}

// TestManagerRedisCommands counts with INFO commandstats what each request
// to a manager in Express mode sends to Redis.
func TestManagerRedisCommands(t *testing.T) {
	rs := redistest.Start(t, redistest.Options{})
	g := startGo(t, rs.Pool(), time.Hour, nil, "keyboard cat")
	expect := func(name string, want map[string]int64, do func()) {
		t.Helper()
		if got := rs.Calls(do); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s: Redis saw %v, want %v", name, got, want)
		}
	}
	var c *http.Cookie
	expect("sign-in without a cookie", map[string]int64{"set": 1}, func() { c = g.signIn("Ada", nil) })
	expect("read", map[string]int64{"get": 1}, func() {
		if g.me(c) == nil {
			t.Error("not signed in")
		}
	})
	expect("write", map[string]int64{"get": 1, "set": 1}, func() {
		if r := g.do("POST", "/rename", url.Values{"name": {"Ada L"}}, c); r.status != 200 {
			t.Errorf("rename: %d %s", r.status, r.body)
		}
	})
	// Sign-in over an existing session renews its sid: delete + create.
	var renewed *http.Cookie
	expect("sign-in with a session (renewal)", map[string]int64{"get": 1, "del": 1, "set": 1}, func() { renewed = g.signIn("Ada", c) })
	expect("sign-out", map[string]int64{"get": 1, "del": 1}, func() { g.do("POST", "/signout", nil, renewed) })
	expect("no cookie", map[string]int64{}, func() { g.me(nil) })
	signer, _ := express.NewSigner("keyboard cat")
	sid, _ := signer.Unsign(renewed.Value)
	for name, v := range tamperings(renewed, sid, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA") {
		expect(name, map[string]int64{}, func() {
			if g.me(&http.Cookie{Name: express.DefaultCookieName, Value: v}) != nil {
				t.Errorf("%s: accepted", name)
			}
		})
	}

	// A session another process wrote (here: written directly) costs one
	// EXPIRE on its first read, as express-session's touch, then reads
	// are single GETs for a tenth of maxAge.
	other, _ := express.NewSID()
	blob := `{"cookie":{"originalMaxAge":3600000,"expires":"` + time.Now().Add(time.Hour).UTC().Format("2006-01-02T15:04:05.000Z") +
		`","httpOnly":true,"path":"/"},"user":{"name":"Node","signedInAt":"2026-11-28T16:52:28.917Z"}}`
	rs.Do("SET", express.Key(express.DefaultPrefix, other), blob, "EX", 3600)
	oc := &http.Cookie{Name: express.DefaultCookieName, Value: signer.Sign(other)}
	expect("first read of a foreign session", map[string]int64{"get": 1, "expire": 1}, func() { g.me(oc) })
	calls := rs.Calls(func() {
		for i := 0; i < 20; i++ {
			if g.me(oc) == nil {
				t.Fatal("not signed in")
			}
		}
	})
	if fmt.Sprint(calls) != fmt.Sprint(map[string]int64{"get": 20}) {
		t.Errorf("20 reads sent %v, want 20 GET", calls)
	}
}

// TestManagerTouchThrottled: read-only requests move the TTL with EXPIRE,
// at most once per tenth of maxAge, and never rewrite the session.
func TestManagerTouchThrottled(t *testing.T) {
	rs := redistest.Start(t, redistest.Options{})
	const maxAge = 3 * time.Second
	g := startGo(t, rs.Pool(), maxAge, nil, "keyboard cat")
	c := g.signIn("Ada", nil)
	calls := rs.Calls(func() {
		for end := time.Now().Add(2 * maxAge); time.Now().Before(end); time.Sleep(maxAge / 60) {
			if g.me(c) == nil {
				t.Fatal("the session ended while in use")
			}
		}
	})
	// 2 × maxAge holds 20 windows of maxAge/10, each with about 6 reads.
	if calls["set"] != 0 || calls["expire"] == 0 || calls["expire"] > 21 || calls["expire"]*3 > calls["get"] {
		t.Errorf("reads over 2 × maxAge sent %v: want EXPIREs, at most one per maxAge/10, and no SET", calls)
	}
}

// TestManagerTypedExpressValues: typed.Get reads the plain JSON values
// Express wrote by Go type, and typed.Put writes values Express reads as
// ordinary JSON.
func TestManagerTypedExpressValues(t *testing.T) {
	e := start(t, time.Hour, "keyboard cat")
	type prefs struct {
		Theme string `json:"theme"`
		Sizes []int  `json:"sizes"`
	}
	var results []string
	check := func(r *http.Request) {
		ctx := r.Context()
		report := func(key string, got any, err error, want any, wantErr error) {
			switch {
			case wantErr != nil && !errors.Is(err, wantErr):
				results = append(results, fmt.Sprintf("%s: got %v, %v; want error %v", key, got, err, wantErr))
			case wantErr == nil && (err != nil || fmt.Sprint(got) != fmt.Sprint(want)):
				results = append(results, fmt.Sprintf("%s: got %v, %v; want %v", key, got, err, want))
			}
		}
		n, err := typed.Get[int](ctx, "n")
		report("n as int", n, err, 42, nil)
		n8, err := typed.Get[uint8](ctx, "n")
		report("n as uint8", n8, err, 42, nil)
		nf, err := typed.Get[float64](ctx, "n")
		report("n as float64", nf, err, 42, nil)
		big, err := typed.Get[int64](ctx, "big")
		report("big as int64", big, err, 4503599627370496, nil)
		b8, err := typed.Get[int8](ctx, "big")
		report("big as int8", b8, err, nil, typed.ErrType)
		f, err := typed.Get[float64](ctx, "f")
		report("f as float64", f, err, 1.5, nil)
		fi, err := typed.Get[int](ctx, "f")
		report("f as int", fi, err, nil, typed.ErrType)
		neg, err := typed.Get[uint](ctx, "neg")
		report("neg as uint", neg, err, nil, typed.ErrType)
		s, err := typed.Get[string](ctx, "s")
		report("s as string", s, err, "héllo", nil)
		sn, err := typed.Get[int](ctx, "s")
		report("s as int", sn, err, nil, typed.ErrType)
		b, err := typed.Get[bool](ctx, "b")
		report("b as bool", b, err, true, nil)
		bs, err := typed.Get[string](ctx, "b")
		report("b as string", bs, err, nil, typed.ErrType)
		arr, err := typed.Get[[]string](ctx, "arr")
		report("arr as []string", arr, err, []string{"a", "b"}, nil)
		ai, err := typed.Get[[]int](ctx, "arr")
		report("arr as []int", ai, err, nil, typed.ErrType)
		nul, err := typed.Get[*string](ctx, "nul")
		if err != nil || nul != nil {
			results = append(results, fmt.Sprintf("nul as *string: got %v, %v; want nil", nul, err))
		}
		u, err := typed.Get[User](ctx, "user")
		report("user as User", u.Name, err, "Ada", nil)
		us, err := typed.Get[string](ctx, "user")
		report("user as string", us, err, nil, typed.ErrType)
		p, err := typed.Get[prefs](ctx, "prefs")
		report("prefs as prefs", p, err, prefs{Theme: "dark", Sizes: []int{1, 2}}, nil)

		// Values Go writes.
		for _, err := range []error{
			typed.Put(ctx, "goPrefs", prefs{Theme: "light", Sizes: []int{3}}),
			typed.Put(ctx, "goCount", int64(7)),
			typed.Put(ctx, "goTags", []string{"x"}),
			typed.Put(ctx, "goNil", (*string)(nil)),
			typed.Put(ctx, "goWhen", time.Date(2026, 11, 28, 18, 0, 0, 0, time.UTC)),
		} {
			if err != nil {
				results = append(results, "put: "+err.Error())
			}
		}
	}
	g := startGo(t, e.srv.Pool(), time.Hour, map[string]http.HandlerFunc{
		"POST /check": func(w http.ResponseWriter, r *http.Request) { check(r) },
	}, "keyboard cat")

	c, _ := e.signInOnNode("Ada")
	for key, value := range map[string]string{
		"n": `42`, "big": `4503599627370496`, "f": `1.5`, "neg": `-1`, "s": `"héllo"`, "b": `true`,
		"arr": `["a","b"]`, "nul": `null`, "prefs": `{"theme":"dark","sizes":[1,2]}`,
	} {
		if r := e.app.DoJSON("POST", "/put", `{"key":"`+key+`","value":`+value+`}`, c); r.Status != 200 {
			t.Fatalf("Node POST /put %s: %d %s", key, r.Status, r.Body)
		}
	}
	if r := g.do("POST", "/check", nil, c); r.status != 200 {
		t.Fatalf("Go POST /check: %d %s", r.status, r.body)
	}
	for _, res := range results {
		t.Error(res)
	}
	// Node reads Go's values as ordinary JSON.
	r := e.app.Do("GET", "/session", nil, c)
	var s map[string]json.RawMessage
	if err := json.Unmarshal(r.Body, &s); err != nil {
		t.Fatalf("Node GET /session: %d %s: %v", r.Status, r.Body, err)
	}
	for key, want := range map[string]string{
		"goPrefs": `{"theme":"light","sizes":[3]}`, "goCount": `7`, "goTags": `["x"]`, "goNil": `null`,
		"goWhen": `"2026-11-28T18:00:00Z"`, "n": `42`, "user": "",
	} {
		got, ok := s[key]
		if !ok || (want != "" && string(got) != want) {
			t.Errorf("Node sees %s = %s, want %s", key, got, want)
		}
	}
}

// TestManagerNoRenewalMarks: renewals and sign-outs in Express mode leave
// nothing under the prefix but Express sessions, which connect-redis's
// all() (SCAN of the prefix, JSON.parse of each) can read.
func TestManagerNoRenewalMarks(t *testing.T) {
	e := start(t, 0, "keyboard cat")
	var g *goApp // set before the first request
	g = startGo(t, e.srv.Pool(), 0, map[string]http.HandlerFunc{
		"POST /remember": func(w http.ResponseWriter, r *http.Request) {
			if err := g.m.RememberMe(r.Context(), true); err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
			}
		},
	}, "keyboard cat")
	c1 := g.signIn("Ada", nil)
	c2 := g.signIn("Ada", c1) // renewal: the first sid ends
	if c2.Value == c1.Value {
		t.Fatal("sign-in did not renew the sid")
	}
	if e.me(c1) != nil || g.me(c1) != nil {
		t.Fatal("the sid before the renewal still works")
	}
	r := g.do("POST", "/remember", nil, c2)
	if r.status != 200 || r.cookie == nil || r.cookie.MaxAge <= 0 {
		t.Fatalf("RememberMe: %d %s, cookie %v (want a persistent cookie)", r.status, r.body, r.cookie)
	}
	if u := e.me(c2); u == nil || u.Name != "Ada" {
		t.Fatalf("Node does not read the session with __rememberMe: %+v; output:\n%s", u, e.app.Output())
	}
	if r := e.app.Do("GET", "/session", nil, c2); !strings.Contains(string(r.Body), `"__rememberMe":true`) {
		t.Fatalf("Node's view of the session: %s", r.Body)
	}
	c3 := g.signIn("Grace", nil)
	g.do("POST", "/signout", nil, c3)

	keys, err := redis.Strings(e.srv.Do("KEYS", "*"), nil)
	if err != nil {
		t.Fatal(err)
	}
	codec := express.NewCodec(express.CookieOptions{})
	for _, k := range keys {
		if !strings.HasPrefix(k, express.DefaultPrefix) || strings.HasSuffix(k, ":retired") {
			t.Errorf("Redis holds %q, which is not an Express session key", k)
			continue
		}
		b, _ := redis.Bytes(e.srv.Do("GET", k), nil)
		if _, _, err := codec.Decode(b); err != nil {
			t.Errorf("%s: %v", k, err)
		}
	}
	if len(keys) != 1 {
		t.Errorf("Redis holds %v, want the one live session", keys)
	}
	all, err := express.NewStore(e.srv.Pool(), "").All()
	if err != nil || len(all) != 1 {
		t.Errorf("Store.All = %d sessions, %v; want 1", len(all), err)
	}
}

// TestManagerLateWriteAfterSignOut: a Go request that loaded the session
// before Express signed it out does not bring it back when it commits
// (SET … XX), and the response clears the cookie.
func TestManagerLateWriteAfterSignOut(t *testing.T) {
	e := start(t, time.Hour, "keyboard cat")
	loaded, release := make(chan struct{}), make(chan struct{})
	g := startGo(t, e.srv.Pool(), time.Hour, map[string]http.HandlerFunc{
		"POST /slow": func(w http.ResponseWriter, r *http.Request) {
			if _, err := typed.Get[User](r.Context(), "user"); err != nil {
				http.Error(w, err.Error(), http.StatusUnauthorized)
				return
			}
			close(loaded)
			<-release
			if err := typed.Put(r.Context(), "visits", 1); err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
			}
		},
	}, "keyboard cat")
	c, _ := e.signInOnNode("Ada")
	sid := e.unsign(c)
	done := make(chan goResp, 1)
	go func() { done <- g.do("POST", "/slow", nil, c) }()
	select {
	case <-loaded:
	case <-time.After(10 * time.Second):
		t.Fatal("the slow request did not load the session")
	}
	if r := e.app.Do("POST", "/signout", nil, c); r.Status != 200 {
		t.Fatalf("Node POST /signout: %d %s", r.Status, r.Body)
	}
	close(release)
	r := <-done
	if r.cookie == nil || r.cookie.MaxAge >= 0 {
		t.Errorf("the late request's response: %d, cookie %v; want the cookie cleared", r.status, r.cookie)
	}
	if b := e.blob(sid); b != nil {
		t.Fatalf("the late Go write brought the signed-out session back: %s", b)
	}
	if u := e.me(c); u != nil {
		t.Fatalf("Node sees %+v after its sign-out", u)
	}
}
