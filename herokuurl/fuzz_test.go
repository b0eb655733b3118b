package herokuurl_test

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strconv"
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
		// Hostile addr= and master_name= values, and the master's
		// password in the query beside the Sentinels' in the userinfo.
		{"redis://a:7000?addr=", "", "[::1%25eth0]:7001&addr=[0:0::1]:7001"},
		{"redis://a:7000?addr=u:", "pw!x", "@b:7001&addr=b:0&addr=b:99999"},
		{"redis://[::1]:7000?addr=", "", "[::ffff:127.0.0.1]:7000&addr=%5B::1%5D:7001&ADDR=x:1"},
		{"redis://:", "s3nt!nel", "@s1?master_name=m&master_name=n&password=m4st3r!"},
		{"redis://:", "s3nt!nel", "@s1?master_name=%E2%80%AE&addr=s2:1&password=m4st3r!&username=default"},
		{"redis://s1?master_name=m&password=", "m4st!er%26addr%3Dx:1", "&addr=s2:1"},
		{"redis://s1?master_name=m&password=", "a=b?c", "&%61ddr=s2:1&sentinel_password=x"},
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
			// %#v and slog's JSON handler do not call String().
			var js bytes.Buffer
			slog.New(slog.NewJSONHandler(&js, nil)).Info("redis", "cfg", c)
			for _, p := range []string{c.Password, c.SentinelPassword} {
				if len(p) >= 3 && strings.ContainsAny(p, secretMarks) {
					for _, out := range []string{fmt.Sprintf("%#v", c), js.String()} {
						if strings.Contains(out, p) || strings.Contains(out, strconv.Quote(p)[1:len(strconv.Quote(p))-1]) {
							t.Fatalf("%s shows a password", out)
						}
					}
				}
			}
			checkRoundTrip(t, prefix+pass+suffix, c)
			return
		}
		if len(pass) >= 3 && strings.ContainsAny(pass, secretMarks) && strings.Contains(err.Error(), pass) {
			t.Fatalf("error %q contains the password %q", err, pass)
		}
		var pe interface{ Unwrap() error }
		if !errors.Is(err, herokuurl.ErrInvalidURL) || !errors.As(err, &pe) {
			t.Fatalf("error %q does not wrap ErrInvalidURL", err)
		}
	})
}
