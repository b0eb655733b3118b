package herokuurl_test

import (
	"testing"

	"github.com/sessionkit/sessionkit/herokuurl"
)

func TestReviewStringRoundTrip(t *testing.T) {
	for _, u := range []string{
		"redis://a%3Ab%40c:pw@host:6379/2",
		"redis://us%25er:pw@host:6379",
		"unix:///tmp/re%25d%3Fis%23.sock?db=3",
		"unix://us%3Aer:pw@/tmp/x.sock",
		"rediss://:p%40ss@[::1]:6380/0",
		"redis://h:pw@[fe80::1%25eth0]:6379",
		"redis-socket:///tmp/a%20b.sock",
	} {
		c, err := herokuurl.Parse(u)
		if err != nil {
			t.Logf("%s: parse: %v", u, err)
			continue
		}
		s := c.String()
		c2, err := herokuurl.Parse(s)
		if err != nil {
			t.Errorf("%s -> %s does not parse back: %v", u, s, err)
			continue
		}
		if c2.Username != c.Username || c2.Addr != c.Addr || c2.DB != c.DB || c2.Network != c.Network {
			t.Errorf("%s -> %s -> %+v, want %+v", u, s, c2, c)
		}
	}
}
