package express

import (
	"encoding/json"
	"fmt"
	"time"
)

// DefaultPrefix is connect-redis's key prefix.
const DefaultPrefix = "sess:"

// DefaultTTL is connect-redis's TTL in seconds for a session whose cookie
// has no expiry: one day.
const DefaultTTL = 86400

// Key is the Redis key connect-redis stores session sid under: prefix +
// sid, the raw id, not hashed.
func Key(prefix, sid string) string { return prefix + sid }

// TTL is connect-redis 9's expiry rule, in whole seconds: ceil((expires −
// now) / 1s) on millisecond clocks as JavaScript has, or [DefaultTTL] when
// expires is zero (no cookie expiry). connect-redis stores a session with
// SET key value EX ttl when ttl > 0 and deletes it (DEL) otherwise; touch
// is EXPIRE key ttl, and destroy is DEL.
func TTL(expires, now time.Time) int64 {
	if expires.IsZero() {
		return DefaultTTL
	}
	ms := expires.UnixMilli() - now.UnixMilli()
	ttl := ms / 1000 // truncates toward zero, which is the ceiling for ms < 0
	if ms > 0 && ms%1000 != 0 {
		ttl++
	}
	return ttl
}

// BlobTTL applies [TTL] to a session blob as connect-redis does, reading
// cookie.expires from the blob itself (absent or null: [DefaultTTL]). A
// store writing blobs from [Codec] should use it so that its TTLs agree
// with connect-redis's. A blob that is not an Express session, or whose
// expires is not a date, is an error, as connect-redis would write no TTL
// it could use. Cost: one scan of the blob by encoding/json.
func BlobTTL(blob []byte, now time.Time) (int64, error) {
	var s struct {
		Cookie *struct {
			Expires *string `json:"expires"`
		} `json:"cookie"`
	}
	if err := json.Unmarshal(blob, &s); err != nil {
		return 0, fmt.Errorf("express: session blob: %w", err)
	}
	if s.Cookie == nil || s.Cookie.Expires == nil || *s.Cookie.Expires == "" {
		return DefaultTTL, nil
	}
	t, err := time.Parse(time.RFC3339Nano, *s.Cookie.Expires)
	if err != nil {
		return 0, fmt.Errorf("express: session blob: cookie.expires %q is not an ISO-8601 date", *s.Cookie.Expires)
	}
	return TTL(t, now), nil
}
