package express

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sessionkit/sessionkit/codec"
)

// CookieKey is the session key of express-session's cookie object. Express
// keeps it in req.session.cookie; [Codec] keeps it in the session values
// under the same name, so that reading and writing a session preserves it
// (including fields this package does not know). Applications should not
// put their own value under it.
const CookieKey = "cookie"

// CookieOptions are the express-session `cookie` options of the Express
// application. [Codec] writes them into sessions the Go side creates, so
// that Express treats those sessions like its own. The zero value is
// express-session's default: path "/", httpOnly, no maxAge.
type CookieOptions struct {
	// MaxAge is cookie.maxAge. Zero means none: a browser-session cookie,
	// stored by connect-redis for one day ([DefaultTTL]). It must match
	// the Go manager's session lifetime.
	MaxAge time.Duration
	// Path is cookie.path; "" means "/".
	Path string
	// Domain is cookie.domain; "" leaves it out.
	Domain string
	// Secure is cookie.secure.
	Secure bool
	// NoHTTPOnly is cookie.httpOnly: false (express-session's default is
	// true).
	NoHTTPOnly bool
	// SameSite is cookie.sameSite as a string ("lax", "strict", "none");
	// "" leaves it out.
	SameSite string
}

// Codec encodes sessions exactly as connect-redis stores express-session
// sessions: the JSON object JSON.stringify(req.session) produces, with
// the application's values at the top level and express-session's cookie
// object under [CookieKey]. It implements scs.Codec and codec.Codec, so a
// sessionkit manager can use it as its value codec. It is safe for
// concurrent use.
//
// Decode does not decode the values: each is a lazy *codec.Value made by
// [codec.RawJSON], which package typed reads into any Go type the JSON
// fits (objects into structs by json tags, numbers into any numeric type
// that holds them). Values put from Go are written as plain JSON, which
// Express reads back as ordinary objects.
//
// The deadline follows express-session, which on every request it serves
// resets cookie.expires to now + cookie.originalMaxAge (and connect-redis
// extends the key's TTL to match): Decode returns now + originalMaxAge
// when the cookie has a numeric originalMaxAge, else cookie.expires when
// set, else now + [DefaultTTL] (a browser-session cookie, which
// connect-redis keeps for one day). Encode writes the deadline into
// cookie.expires, with millisecond precision as JavaScript dates have,
// unless the cookie is a browser-session one (originalMaxAge null and no
// expires), which it leaves as it is.
type Codec struct {
	cookie []byte // JSON of the cookie object for sessions created in Go
	json   codec.Codec
}

var _ codec.Codec = (*Codec)(nil)

// NewCodec returns a Codec whose new sessions carry the cookie object
// opts describe.
func NewCodec(opts CookieOptions) *Codec {
	path := opts.Path
	if path == "" {
		path = "/"
	}
	var b strings.Builder
	b.WriteString(`{"originalMaxAge":`)
	if opts.MaxAge > 0 {
		b.WriteString(strconv.FormatInt(opts.MaxAge.Milliseconds(), 10))
	} else {
		b.WriteString("null")
	}
	if opts.Secure {
		b.WriteString(`,"secure":true`)
	}
	b.WriteString(`,"httpOnly":` + strconv.FormatBool(!opts.NoHTTPOnly))
	if opts.Domain != "" {
		b.WriteString(`,"domain":` + quote(opts.Domain))
	}
	b.WriteString(`,"path":` + quote(path))
	if opts.SameSite != "" {
		b.WriteString(`,"sameSite":` + quote(opts.SameSite))
	}
	b.WriteString("}")
	return &Codec{cookie: []byte(b.String()), json: codec.JSON()}
}

func quote(s string) string {
	b, _ := json.Marshal(s) // a string always marshals
	return string(b)
}

// Name is "express".
func (c *Codec) Name() string { return "express" }

// Marshal encodes one value as plain JSON (see codec.JSON), for a
// manager's Put.
func (c *Codec) Marshal(v any) (*codec.Value, error) { return c.json.Marshal(v) }

// Decode splits an Express session blob into its top-level fields without
// decoding them; see [Codec] for the deadline. A blob that is not a JSON
// object, or whose cookie is not an object, is codec.ErrCorrupt:
// express-session cannot load it either. Cost: one scan of the blob by
// encoding/json; the values share the blob's memory.
func (c *Codec) Decode(b []byte) (deadline time.Time, values map[string]any, err error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(b, &fields); err != nil {
		return time.Time{}, nil, fmt.Errorf("%w: express session: %v", codec.ErrCorrupt, err)
	}
	if fields == nil { // the blob was null
		return time.Time{}, nil, fmt.Errorf("%w: express session: null", codec.ErrCorrupt)
	}
	raw, ok := fields[CookieKey]
	if !ok {
		return time.Time{}, nil, fmt.Errorf("%w: express session: no cookie object", codec.ErrCorrupt)
	}
	var ck cookieTimes
	if err := json.Unmarshal(raw, &ck); err != nil || bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
		return time.Time{}, nil, fmt.Errorf("%w: express session: cookie is not an express-session cookie object", codec.ErrCorrupt)
	}
	deadline, err = ck.deadline(time.Now())
	if err != nil {
		return time.Time{}, nil, fmt.Errorf("%w: express session: %v", codec.ErrCorrupt, err)
	}
	values = make(map[string]any, len(fields))
	for k, v := range fields {
		rv := codec.RawJSON(v)
		if strings.HasPrefix(k, "__") {
			// sessionkit's and scs's own keys ("__rememberMe") are read by
			// type assertion, so they are decoded now, as codec.Decode does.
			var x any
			if err := rv.Decode(&x); err != nil {
				return time.Time{}, nil, fmt.Errorf("%w: express session: key %q: %v", codec.ErrCorrupt, k, err)
			}
			values[k] = x
			continue
		}
		values[k] = rv
	}
	return deadline, values, nil
}

// cookieTimes is the part of the cookie object that decides the deadline.
type cookieTimes struct {
	OriginalMaxAge *float64 `json:"originalMaxAge"`
	Expires        *string  `json:"expires"`
}

func (ck cookieTimes) deadline(now time.Time) (time.Time, error) {
	switch {
	case ck.OriginalMaxAge != nil:
		// Clamped so that a hostile value cannot overflow time.Duration.
		ms := max(min(*ck.OriginalMaxAge, maxAgeLimitMS), -maxAgeLimitMS)
		return now.Add(time.Duration(ms * float64(time.Millisecond))).UTC(), nil
	case ck.Expires != nil:
		t, err := time.Parse(time.RFC3339Nano, *ck.Expires)
		if err != nil {
			return time.Time{}, fmt.Errorf("cookie.expires %q is not an ISO-8601 date", *ck.Expires)
		}
		return t.UTC(), nil
	}
	return now.Add(DefaultTTL * time.Second).UTC(), nil
}

// maxAgeLimitMS is 100 years in milliseconds, far below time.Duration's
// limit of about 292 years.
const maxAgeLimitMS = 100 * 365.25 * 24 * 3600 * 1000

// jsDate formats t as JavaScript's Date.prototype.toISOString does.
const jsDate = "2006-01-02T15:04:05.000Z"

// cookieOrder is the field order of express-session's Cookie.data, so a
// blob written here reads like one written by Express.
var cookieOrder = []string{"originalMaxAge", "partitioned", "priority", "expires", "secure", "httpOnly", "domain", "path", "sameSite"}

// Encode writes values as JSON.stringify would write the Express session:
// the cookie object first, updated for deadline (see [Codec]), then the
// other values in key order, each as plain JSON ([codec.AppendJSON]).
// A value encoding/json cannot encode, or a cookie value that is not a
// JSON object, is codec.ErrEncode. Cost: one pass over the values; values
// read by Decode and not changed are copied without re-encoding.
func (c *Codec) Encode(deadline time.Time, values map[string]any) ([]byte, error) {
	out := make([]byte, 0, 256)
	out = append(out, `{"cookie":`...)
	out, err := c.appendCookie(out, deadline, values[CookieKey])
	if err != nil {
		return nil, err
	}
	keys := make([]string, 0, len(values))
	for k := range values {
		if k != CookieKey {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		out = append(out, ',')
		out = append(out, quote(k)...)
		out = append(out, ':')
		if out, err = codec.AppendJSON(out, values[k]); err != nil {
			return nil, fmt.Errorf("express: key %q: %w", k, err)
		}
	}
	return append(out, '}'), nil
}

func (c *Codec) appendCookie(out []byte, deadline time.Time, v any) ([]byte, error) {
	raw := c.cookie
	if v != nil {
		var err error
		if raw, err = codec.AppendJSON(nil, v); err != nil {
			return nil, fmt.Errorf("express: cookie: %w", err)
		}
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil || fields == nil {
		return nil, &codec.EncodeError{Codec: "express", Type: fmt.Sprintf("%T", v),
			Err: fmt.Errorf("the %q value must be an express-session cookie object", CookieKey)}
	}
	if isSet(fields["originalMaxAge"]) || isSet(fields["expires"]) {
		if deadline.IsZero() {
			delete(fields, "expires")
		} else {
			fields["expires"] = json.RawMessage(`"` + deadline.UTC().Format(jsDate) + `"`)
		}
	}
	out = append(out, '{')
	first := true
	put := func(k string, v json.RawMessage) {
		if !first {
			out = append(out, ',')
		}
		first = false
		out = append(out, quote(k)...)
		out = append(out, ':')
		out = append(out, v...)
	}
	for _, k := range cookieOrder {
		if v, ok := fields[k]; ok {
			put(k, v)
			delete(fields, k)
		}
	}
	rest := make([]string, 0, len(fields))
	for k := range fields {
		rest = append(rest, k)
	}
	slices.Sort(rest)
	for _, k := range rest {
		put(k, fields[k])
	}
	return append(out, '}'), nil
}

// isSet reports whether a JSON field is present and not null.
func isSet(v json.RawMessage) bool {
	return len(v) > 0 && !bytes.Equal(bytes.TrimSpace(v), []byte("null"))
}
