package herokuurl_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/sessionkit/sessionkit/herokuurl"
)

// secretMarks are characters no fixed error text of the package uses, so a
// password containing one can only appear in an error by leaking.
const secretMarks = "!$*;<>^`|~{}'\""

// FuzzParse: Parse never panics; String() never shows the password and
// parses back to the same Config apart from the redacted password; and a
// password never shows in an error.
func FuzzParse(f *testing.F) {
	for _, s := range []struct{ prefix, pass, suffix string }{
		{"redis://redistogo:", "PASS!WORD", "@SERVER.redistogo.com:9712/"},
		{"rediss://:", "p123$x", "@ec2-1-2-3-4.compute-1.amazonaws.com:6380"},
		{"redis://:", "p%40ss%3Aw%2Brd~", "@host"},
		{"redis://:", "p%zz*", "@h"},
		{"redis://:", "pa/ss;", "@host"},
		{"redis://", "lone<pw>", "@[::1]:6380/1?db=1"},
		{"unix://:", "pw|pw", "@/tmp/redis.sock?db=1"},
		{"rediss://u:", "x?y#z^", "@host?skip_verify=true"},
		{"valkeys://:", "hunter2!", "@host:99999"},
		{"redis://:", "a{b}c", "@host/1/2"},
		{"redis://us%3Aer:", "pw", "@host"},
		{"unix://:", "pw", "@/tmp/a%25b%3Fc%23d.sock?db=2"},
		{"redis://", "", "[fe80::1%25a%5Db%2F]:6380/1?dial_timeout=1.5s"},
		{"redis://:", "sentinel!pw", "@s1:26379/2?master_name=m&addr=s2:26379&password=m4ster"},
		{"redis://s1:26379?master_name=m&username=app&password=", "app|pw", "&addr=s3:1"},
		{"redis://", "", "a:7000?addr=b:7001&addr=[::1]:7002"},
	} {
		f.Add(s.prefix, s.pass, s.suffix)
	}
	f.Fuzz(func(t *testing.T, prefix, pass, suffix string) {
		c, err := herokuurl.Parse(prefix + pass + suffix)
		if err == nil {
			if c.Password != "" && strings.Contains(c.String(), ":"+c.Password+"@") {
				t.Fatalf("String() %q shows the password", c.String())
			}
			if c.Password != "" && strings.ContainsAny(c.Password, secretMarks) && strings.Contains(c.String(), c.Password) {
				t.Fatalf("String() %q shows the password", c.String())
			}
			for _, p := range []string{c.Password, c.SentinelPassword} {
				if p != "" && (strings.Contains(c.String(), ":"+p+"@") || strings.Contains(c.String(), "password="+url.QueryEscape(p))) {
					t.Fatalf("String() %q shows a password", c.String())
				}
			}
			checkRoundTrip(t, prefix+pass+suffix, c)
			return
		}
		if len(pass) >= 3 && strings.ContainsAny(pass, secretMarks) && strings.Contains(err.Error(), pass) {
			t.Fatalf("error %q contains the password %q", err, pass)
		}
	})
}
