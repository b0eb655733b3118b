package herokuurl_test

import (
	"math/rand"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/sessionkit/sessionkit/herokuurl"
)

// checkRoundTrip fails unless String() parses back to c, apart from the
// redacted password (which must stay present or absent).
func checkRoundTrip(t *testing.T, in string, c herokuurl.Config) {
	t.Helper()
	s := c.String()
	again, err := herokuurl.Parse(s)
	if err != nil {
		t.Fatalf("Parse(%q) = %+v\nString() = %q does not parse back: %v", in, c, s, err)
	}
	for _, p := range []struct{ before, after string }{{c.Password, again.Password}, {c.SentinelPassword, again.SentinelPassword}} {
		if (p.before == "") != (p.after == "") {
			t.Fatalf("Parse(%q): password present %v, after String() %q present %v", in, p.before != "", s, p.after != "")
		}
		if p.before != "" && p.after != "xxxxx" {
			t.Fatalf("String() %q: password reads back as %q, want the redaction", s, p.after)
		}
	}
	c.Password, again.Password = "", ""
	c.SentinelPassword, again.SentinelPassword = "", ""
	if !reflect.DeepEqual(c, again) {
		t.Fatalf("Parse(%q)\n  = %+v\nString() = %q\n  reparses to %+v", in, c, s, again)
	}
}

// TestStringRoundTripEscapes: the parts String() must escape for the
// redacted form to parse back (issue 9, defect 6).
func TestStringRoundTripEscapes(t *testing.T) {
	for _, in := range []string{
		"redis://us%3Aer:pw@host",              // ":" in the username
		"redis://us%40er:pw@host",              // "@"
		"redis://us%2Fer:pw@host",              // "/"
		"redis://us%3Fer:pw@host",              // "?"
		"redis://us%23er:pw@host",              // "#"
		"redis://us%25er:pw@host",              // "%"
		"redis://%20user%20:pw@host",           // spaces at the ends
		"redis://us%0Aer:pw@host",              // a control character
		"redis://%C3%BCser:pw@host",            // non-ASCII
		"unix:///tmp/a%25b.sock",               // "%" in the socket path
		"unix:///tmp/a%3Fb.sock",               // "?"
		"unix:///tmp/a%23b.sock",               // "#"
		"unix:///tmp/a%20b.sock%20",            // trailing space
		"unix://:pw@/tmp/a%40b%3Ac.sock?db=2",  // "@" and ":"
		"unix:///tmp/a%0Ab.sock",               // control character
		"redis://[fe80::1%25a%3Fb]:6379",       // "?" in an IPv6 zone
		"redis://[fe80::1%25a%5Db]:6379",       // "]" in an IPv6 zone
		"redis://[fe80::1%25a%2Fb%40c]:6379/2", // "/" and "@" in an IPv6 zone
		"redis://[fe80::1%25%25]",              // "%" as the zone
	} {
		t.Run(in, func(t *testing.T) {
			c, err := herokuurl.Parse(in)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			checkRoundTrip(t, in, c)
		})
	}
}

// TestStringRoundTripProperty: for every Config Parse accepts, String()
// parses back to the same Config apart from the redacted password. The
// URLs are built from random parts, most of them hostile to a URL.
func TestStringRoundTripProperty(t *testing.T) {
	seed := time.Now().UnixNano()
	t.Logf("seed %d", seed)
	r := rand.New(rand.NewSource(seed))
	const nasty = ":@/?#%[]&=+;, \t\"'<>\\^`{|}~!$*()\x01\x7f\u00e9\u0085\u00a0"
	part := func() string {
		var b strings.Builder
		for n := r.Intn(8); n > 0; n-- {
			switch r.Intn(4) {
			case 0:
				b.WriteByte("abcXYZ019-._"[r.Intn(12)])
			case 1:
				s := []rune(nasty)
				b.WriteRune(s[r.Intn(len(s))])
			case 2:
				b.WriteString("%" + strings.ToUpper(string("0123456789abcdef"[r.Intn(16)])) + string("0123456789abcdef"[r.Intn(16)]))
			default:
				b.WriteByte(byte(r.Intn(256)))
			}
		}
		return b.String()
	}
	pick := func(xs ...string) string { return xs[r.Intn(len(xs))] }
	accepted, withSeeds, withSentinels := 0, 0, 0
	const n = 200000
	for i := 0; i < n; i++ {
		var u strings.Builder
		unix := r.Intn(4) == 0
		if unix {
			u.WriteString("unix://")
		} else {
			u.WriteString(pick("redis", "rediss", "valkey", "valkeys", "REDIS", "Rediss") + "://")
		}
		switch r.Intn(4) {
		case 0:
		case 1:
			u.WriteString(":" + part() + "@")
		case 2:
			u.WriteString(part() + ":" + part() + "@")
		default:
			u.WriteString(part() + "@")
		}
		if unix {
			u.WriteString("/" + part() + pick("", "/"+part()))
		} else {
			u.WriteString(pick("", "host", "127.0.0.1", "[::1]", "[fe80::1%25"+part()+"]", part()))
			u.WriteString(pick("", ":", ":6380", ":"+part()))
			u.WriteString(pick("", "/", "/3", "/"+part()))
		}
		if r.Intn(2) == 0 {
			var q []string
			for k := r.Intn(4); k > 0; k-- {
				q = append(q, pick("db=1", "db=3", "skip_verify=true", "skip_verify=false", "ssl_cert_reqs=none",
					"dial_timeout=1.5s", "read_timeout=2", "write_timeout=90m", "read_timeout=1ns", part()+"="+part(),
					"addr=b:7001", "addr=[::1]:7002", "addr="+part()+":7003", "addr="+part(),
					"master_name=m", "master_name="+part(), "username="+part(), "password="+part()))
			}
			u.WriteString("?" + strings.Join(q, "&"))
		}
		in := u.String()
		c, err := herokuurl.Parse(in)
		if err != nil {
			continue
		}
		accepted++
		if len(c.Seeds) > 0 {
			withSeeds++
		}
		if c.MasterName != "" {
			withSentinels++
		}
		checkRoundTrip(t, in, c)
	}
	if withSeeds == 0 || withSentinels == 0 {
		t.Fatalf("no generated URL with addr= (%d) or master_name= (%d) parsed", withSeeds, withSentinels)
	}
	// A generator that produced only rejected URLs would prove nothing.
	if accepted < n/20 {
		t.Fatalf("only %d of %d generated URLs parsed; the generator is too hostile to test anything", accepted, n)
	}
	t.Logf("%d of %d generated URLs parsed and round-tripped (%d with addr=, %d with master_name=)", accepted, n, withSeeds, withSentinels)
}
