package express

import (
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/sessionkit/sessionkit/codec"
	"github.com/sessionkit/sessionkit/internal/typedtest"
	"github.com/sessionkit/sessionkit/typed"
)

// user is the shape the fixture's POST /signin stores.
type user struct {
	Name       string    `json:"name"`
	SignedInAt time.Time `json:"signedInAt"`
	Visits     int       `json:"visits,omitempty"`
}

// expressBlob is what connect-redis stored for the fixture after
// POST /signin with SESSION_MAX_AGE=3600000, plus an unknown cookie field
// and an extra value of each JSON type.
const expressBlob = `{"cookie":{"originalMaxAge":3600000,"expires":"2026-11-28T17:52:28.936Z","httpOnly":true,"path":"/","future":{"x":1}},` +
	`"user":{"name":"Ada","signedInAt":"2026-11-28T16:52:28.917Z","visits":3},"n":7,"f":1.5,"s":"hi","b":true,"z":null,"a":[1,2]}`

func TestDecodeExpressSession(t *testing.T) {
	c := NewCodec(CookieOptions{MaxAge: time.Hour})
	before := time.Now()
	deadline, _, err := c.Decode([]byte(expressBlob))
	if err != nil {
		t.Fatal(err)
	}
	// express-session resets expires to now + originalMaxAge on every
	// request; the deadline does the same.
	if deadline.Before(before.Add(time.Hour)) || deadline.After(time.Now().Add(time.Hour)) {
		t.Fatalf("deadline %v, want now + 1h", deadline)
	}
	u, err := typedtest.From[user](t, c, []byte(expressBlob), "user")
	if err != nil || u.Name != "Ada" || u.Visits != 3 || u.SignedInAt.UnixMilli() != 1795884748917 {
		t.Fatalf("typedtest.From[user] = %+v, %v", u, err)
	}
	if n, err := typedtest.From[uint16](t, c, []byte(expressBlob), "n"); err != nil || n != 7 {
		t.Fatalf("typedtest.From[uint16](7) = %v, %v", n, err)
	}
	if f, err := typedtest.From[float32](t, c, []byte(expressBlob), "f"); err != nil || f != 1.5 {
		t.Fatalf("typedtest.From[float32](1.5) = %v, %v", f, err)
	}
	if s, err := typedtest.From[string](t, c, []byte(expressBlob), "s"); err != nil || s != "hi" {
		t.Fatalf("typedtest.From[string] = %q, %v", s, err)
	}
	if b, err := typedtest.From[bool](t, c, []byte(expressBlob), "b"); err != nil || !b {
		t.Fatalf("typedtest.From[bool] = %v, %v", b, err)
	}
	if a, err := typedtest.From[[]int](t, c, []byte(expressBlob), "a"); err != nil || !reflect.DeepEqual(a, []int{1, 2}) {
		t.Fatalf("typedtest.From[[]int] = %v, %v", a, err)
	}
	if p, err := typedtest.From[*user](t, c, []byte(expressBlob), "z"); err != nil || p != nil {
		t.Fatalf("typedtest.From[*user](null) = %v, %v", p, err)
	}
	// A wrong type is ErrType, not a silent zero.
	for key, check := range map[string]func() error{
		"user as string": func() error { _, err := typedtest.From[string](t, c, []byte(expressBlob), "user"); return err },
		"f as int":       func() error { _, err := typedtest.From[int](t, c, []byte(expressBlob), "f"); return err },
		"s as int":       func() error { _, err := typedtest.From[int](t, c, []byte(expressBlob), "s"); return err },
		"null as int":    func() error { _, err := typedtest.From[int](t, c, []byte(expressBlob), "z"); return err },
	} {
		if err := check(); !errors.Is(err, typed.ErrType) {
			t.Errorf("%s: error %v, want typed.ErrType", key, err)
		}
	}
	ck, err := typedtest.From[map[string]any](t, c, []byte(expressBlob), CookieKey)
	if err != nil || ck["path"] != "/" || ck["originalMaxAge"] != 3600000.0 {
		t.Fatalf("cookie object = %v, %v", ck, err)
	}
}

func TestRoundTripIsLossless(t *testing.T) {
	c := NewCodec(CookieOptions{})
	deadline, values, err := c.Decode([]byte(expressBlob))
	if err != nil {
		t.Fatal(err)
	}
	out, err := c.Encode(deadline, values)
	if err != nil {
		t.Fatal(err)
	}
	var want, got map[string]any
	_ = json.Unmarshal([]byte(expressBlob), &want)
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("Encode wrote invalid JSON %s: %v", out, err)
	}
	// Only cookie.expires changes: it is the deadline, to the millisecond.
	wantExpires := deadline.UTC().Format("2006-01-02T15:04:05.000Z")
	if got["cookie"].(map[string]any)["expires"] != wantExpires {
		t.Fatalf("cookie.expires = %v, want %s", got["cookie"].(map[string]any)["expires"], wantExpires)
	}
	want["cookie"].(map[string]any)["expires"] = wantExpires
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("round trip changed the session:\n got %s\nwant %s", out, expressBlob)
	}
	if !strings.HasPrefix(string(out), `{"cookie":{"originalMaxAge":3600000,"expires":`) {
		t.Fatalf("blob does not start like express-session's: %s", out)
	}
}

func TestEncodeNewSession(t *testing.T) {
	c := NewCodec(CookieOptions{MaxAge: 90 * time.Minute, Domain: "example.com", Secure: true, SameSite: "lax"})
	u := user{Name: "Grace", SignedInAt: time.Date(2026, 1, 2, 3, 4, 5, 6e6, time.UTC)}
	put, err := c.Marshal(u)
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Date(2026, 1, 2, 4, 34, 5, 123456789, time.UTC)
	out, err := c.Encode(deadline, map[string]any{"user": put, "count": 2, "__rememberMe": true})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"cookie":{"originalMaxAge":5400000,"expires":"2026-01-02T04:34:05.123Z","secure":true,"httpOnly":true,"domain":"example.com","path":"/","sameSite":"lax"},` +
		`"__rememberMe":true,"count":2,"user":{"name":"Grace","signedInAt":"2026-01-02T03:04:05.006Z"}}`
	if string(out) != want {
		t.Fatalf("Encode =\n%s\nwant\n%s", out, want)
	}
	// Internal keys come back as Go values, as scs's GetBool needs.
	_, values, err := c.Decode(out)
	if err != nil || values["__rememberMe"] != true {
		t.Fatalf("Decode: __rememberMe = %#v, %v", values["__rememberMe"], err)
	}
}

func TestBrowserSessionCookieKeepsNoExpiry(t *testing.T) {
	c := NewCodec(CookieOptions{})
	blob := `{"cookie":{"originalMaxAge":null,"expires":null,"httpOnly":true,"path":"/"},"user":{"name":"Ada"}}`
	before := time.Now()
	deadline, values, err := c.Decode([]byte(blob))
	if err != nil {
		t.Fatal(err)
	}
	if d := deadline.Sub(before); d < DefaultTTL*time.Second || d > DefaultTTL*time.Second+time.Minute {
		t.Fatalf("deadline is now + %v, want connect-redis's one day", d)
	}
	out, err := c.Encode(deadline, values)
	if err != nil || string(out) != blob {
		t.Fatalf("Encode = %s, %v; want the blob unchanged: %s", out, err, blob)
	}
	if ttl, err := BlobTTL(out, time.Now()); err != nil || ttl != DefaultTTL {
		t.Fatalf("BlobTTL = %d, %v; want %d", ttl, err, DefaultTTL)
	}
}

func TestDecodeRejectsNonExpressBlobs(t *testing.T) {
	c := NewCodec(CookieOptions{})
	for _, bad := range []string{
		``, `null`, `[]`, `"s"`, `{"user":{}}`, `{"cookie":null}`, `{"cookie":5}`, `{"cookie":[]}`,
		`{"cookie":{"expires":"tomorrow"}}`, `{"cookie":{}`, "\x00SK\x01m",
	} {
		if _, _, err := c.Decode([]byte(bad)); !errors.Is(err, codec.ErrCorrupt) {
			t.Errorf("Decode(%q) error = %v, want codec.ErrCorrupt", bad, err)
		}
	}
	// A hostile maxAge does not overflow the deadline.
	d, _, err := c.Decode([]byte(`{"cookie":{"originalMaxAge":1e300}}`))
	if err != nil || d.Before(time.Now()) {
		t.Fatalf("originalMaxAge 1e300: deadline %v, %v", d, err)
	}
}

func TestEncodeErrors(t *testing.T) {
	c := NewCodec(CookieOptions{})
	if _, err := c.Encode(time.Now(), map[string]any{"x": math.Inf(1)}); !errors.Is(err, codec.ErrEncode) {
		t.Fatalf("Encode(+Inf) error = %v, want codec.ErrEncode", err)
	}
	if _, err := c.Encode(time.Now(), map[string]any{CookieKey: "not an object"}); !errors.Is(err, codec.ErrEncode) {
		t.Fatalf("Encode with a string cookie: error = %v, want codec.ErrEncode", err)
	}
}

func TestTTL(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 400e6, time.UTC)
	for _, c := range []struct {
		expires time.Time
		want    int64
	}{
		{time.Time{}, DefaultTTL},
		{now.Add(time.Hour), 3600},
		{now.Add(time.Hour + time.Millisecond), 3601},
		{now.Add(999 * time.Millisecond), 1},
		{now.Add(time.Microsecond), 0}, // same millisecond: connect-redis deletes
		{now, 0},
		{now.Add(-1500 * time.Millisecond), -1},
	} {
		if got := TTL(c.expires, now); got != c.want {
			t.Errorf("TTL(now%+v) = %d, want %d", c.expires.Sub(now), got, c.want)
		}
	}
	if _, err := BlobTTL([]byte(`{"cookie":{"expires":"soon"}}`), now); err == nil {
		t.Fatal("BlobTTL accepted an expires that is not a date")
	}
	ttl, err := BlobTTL([]byte(`{"cookie":{"expires":"2026-01-01T01:00:00.000Z"}}`), now)
	if err != nil || ttl != 3600 {
		t.Fatalf("BlobTTL = %d, %v; want 3600", ttl, err)
	}
	if Key(DefaultPrefix, "abc") != "sess:abc" {
		t.Fatalf("Key = %q", Key(DefaultPrefix, "abc"))
	}
}
