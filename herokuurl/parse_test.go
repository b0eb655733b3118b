package herokuurl_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/sessionkit/sessionkit/herokuurl"
)

type want struct {
	network, addr, host string
	port                int
	user, pass          string
	db                  int
	tls, skip           bool
}

func TestParse(t *testing.T) {
	tests := []struct {
		in   string
		want want
	}{
		// The story's URL: the username is a username, not the database.
		{"redis://redistogo:PASSWORD@SERVER.redistogo.com:9712/", want{"tcp", "SERVER.redistogo.com:9712", "SERVER.redistogo.com", 9712, "redistogo", "PASSWORD", 0, false, false}},
		{"rediss://:p123@ec2-1-2-3-4.compute-1.amazonaws.com:6380", want{"tcp", "ec2-1-2-3-4.compute-1.amazonaws.com:6380", "ec2-1-2-3-4.compute-1.amazonaws.com", 6380, "", "p123", 0, true, false}},
		{"redis://:pw@host", want{"tcp", "host:6379", "host", 6379, "", "pw", 0, false, false}},
		{"redis://default:pw@host/3", want{"tcp", "host:6379", "host", 6379, "", "pw", 3, false, false}},
		{"redis://", want{"tcp", "localhost:6379", "localhost", 6379, "", "", 0, false, false}},
		{"redis:///5", want{"tcp", "localhost:6379", "localhost", 6379, "", "", 5, false, false}},
		{"redis://host?db=3", want{"tcp", "host:6379", "host", 6379, "", "", 3, false, false}},
		{"redis://host/3?db=3", want{"tcp", "host:6379", "host", 6379, "", "", 3, false, false}},
		{"redis://host/", want{"tcp", "host:6379", "host", 6379, "", "", 0, false, false}},
		{"redis://host/0", want{"tcp", "host:6379", "host", 6379, "", "", 0, false, false}},
		{"redis://host/2147483647", want{"tcp", "host:6379", "host", 6379, "", "", 2147483647, false, false}},
		{"rediss://host?skip_verify=true", want{"tcp", "host:6379", "host", 6379, "", "", 0, true, true}},
		{"rediss://host?skip_verify=false", want{"tcp", "host:6379", "host", 6379, "", "", 0, true, false}},
		{"rediss://host?ssl_cert_reqs=none", want{"tcp", "host:6379", "host", 6379, "", "", 0, true, true}},
		{"rediss://host?ssl_cert_reqs=required", want{"tcp", "host:6379", "host", 6379, "", "", 0, true, false}},
		{"rediss://host?ssl_cert_reqs=none&skip_verify=true", want{"tcp", "host:6379", "host", 6379, "", "", 0, true, true}},
		{"redis://:p%40ss%3Aw%2Brd@host", want{"tcp", "host:6379", "host", 6379, "", "p@ss:w+rd", 0, false, false}},
		{"redis://:a+b@host", want{"tcp", "host:6379", "host", 6379, "", "a+b", 0, false, false}},
		{"redis://secret@host", want{"tcp", "host:6379", "host", 6379, "", "secret", 0, false, false}},
		{"redis://alice:s3cret@host:7000/2", want{"tcp", "host:7000", "host", 7000, "alice", "s3cret", 2, false, false}},
		{"redis://h:pw@host", want{"tcp", "host:6379", "host", 6379, "h", "pw", 0, false, false}},
		{"redis://[::1]:6380/1", want{"tcp", "[::1]:6380", "::1", 6380, "", "", 1, false, false}},
		{"redis://[::1]", want{"tcp", "[::1]:6379", "::1", 6379, "", "", 0, false, false}},
		{"redis://[fe80::1%25eth0]:6379", want{"tcp", "[fe80::1%eth0]:6379", "fe80::1%eth0", 6379, "", "", 0, false, false}},
		{"redis://127.0.0.1:1", want{"tcp", "127.0.0.1:1", "127.0.0.1", 1, "", "", 0, false, false}},
		{"redis://host:65535", want{"tcp", "host:65535", "host", 65535, "", "", 0, false, false}},
		{"REDIS://HOST:6379", want{"tcp", "HOST:6379", "HOST", 6379, "", "", 0, false, false}},
		{"  redis://host  \n", want{"tcp", "host:6379", "host", 6379, "", "", 0, false, false}},
		{"unix:///tmp/redis.sock?db=1", want{"unix", "/tmp/redis.sock", "", 0, "", "", 1, false, false}},
		{"unix://:pw@/var/run/redis.sock", want{"unix", "/var/run/redis.sock", "", 0, "", "pw", 0, false, false}},
		{"valkeys://:pw@host:6380", want{"tcp", "host:6380", "host", 6380, "", "pw", 0, true, false}},
		{"valkey://host", want{"tcp", "host:6379", "host", 6379, "", "", 0, false, false}},
		{"VALKEYS://host", want{"tcp", "host:6379", "host", 6379, "", "", 0, true, false}},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			c, err := herokuurl.Parse(tc.in)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			got := want{c.Network, c.Addr, c.Host, c.Port, c.Username, c.Password, c.DB, c.TLS, c.SkipVerify}
			if got != tc.want {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
			if c.Source != "" {
				t.Errorf("Source = %q for Parse", c.Source)
			}
			if c.Password != "" && strings.Contains(c.String(), c.Password) {
				t.Errorf("String() %q shows the password", c.String())
			}
			// String is itself a URL that parses to the same place.
			again, err := herokuurl.Parse(c.String())
			if err != nil || again.Addr != c.Addr || again.DB != c.DB || again.TLS != c.TLS || again.Username != c.Username {
				t.Errorf("String() %q reparses to %+v, %v", c.String(), again, err)
			}
		})
	}
}

func TestParseTimeouts(t *testing.T) {
	c, err := herokuurl.Parse("redis://host?dial_timeout=5s&read_timeout=2&write_timeout=1500ms")
	if err != nil {
		t.Fatal(err)
	}
	if c.DialTimeout != 5*time.Second || c.ReadTimeout != 2*time.Second || c.WriteTimeout != 1500*time.Millisecond {
		t.Errorf("timeouts %v %v %v", c.DialTimeout, c.ReadTimeout, c.WriteTimeout)
	}
}

func TestParseErrors(t *testing.T) {
	for _, in := range []string{
		"", "   ",
		"redis://host/abc", "redis://host/1/2", "redis://host/3/", "redis://host/01", "redis://host/-1", "redis://host/+1",
		"redis://host/2147483648", "redis://host/99999999999999999999",
		"redis://host/2?db=3", "redis://host?db=x", "redis://host?db=1&db=1",
		"redis://host?skip_verify=true", "redis://host?ssl_cert_reqs=none", "rediss://host?skip_verify=yes",
		"rediss://host?ssl_cert_reqs=maybe", "rediss://host?ssl_cert_reqs=required&skip_verify=true",
		"redis://host?password=x", "redis://host?dial_timeout=-1s", "redis://host?dial_timeout=0", "redis://host?read_timeout=soon",
		"redis://:p%zz@h", "redis://:pa/ss@host", "redis://user:@host", "redis://:@host", "redis://u%zz:pw@host",
		"redis://host:99999", "redis://host:", "redis://127.0.0.1:/", "redis://[::1]:", "redis://u:p@host:/0", "redis://host:0", "redis://host:-1", "redis://host:6379x", "redis://host:+80", "redis://host:065536",
		"redis://::1:6379", "redis://[::1", "redis://[1.2.3.4]:6379", "redis://[::1]x", "redis://[::1%zz]",
		"redis://ho st", "redis://host\x00", "redis://ho\tst", "redis://host%41",
		"http://host:6379", "host:6379", "redis:host:6379", "redis:/host", "://host", "redis://host#frag",
		"unix://", "unix://relative", "unix://host/tmp/sock", "unix:///tmp/s?skip_verify=true",
	} {
		t.Run(in, func(t *testing.T) {
			c, err := herokuurl.Parse(in)
			if !errors.Is(err, herokuurl.ErrInvalidURL) {
				t.Fatalf("Parse = %+v, %v; want ErrInvalidURL", c, err)
			}
		})
	}
}

// TestParseErrorsHidePassword: the error names the faulty part but never
// repeats the input, so a password cannot leak through it.
func TestParseErrorsHidePassword(t *testing.T) {
	for in, secret := range map[string]string{
		"redis://:p%zz@h":               "p%zz",
		"redis://:pa/ss@host":           "pa/ss",
		"redis://:pa?ss@host":           "ss@host",
		"redis://:pa#ss@host":           "pa#ss",
		"redis://:secret@host:99999":    "secret",
		"redis://:s3cr3t@host/x":        "s3cr3t",
		"http://:hunter2@host":          "hunter2",
		"redis://user:hunter2@[::1":     "hunter2",
		"redis://:hunter2@host?what=ev": "hunter2",
	} {
		_, err := herokuurl.Parse(in)
		if err == nil {
			t.Errorf("Parse(%q) succeeded", in)
			continue
		}
		if strings.Contains(err.Error(), secret) {
			t.Errorf("Parse(%q) error %q contains %q", in, err, secret)
		}
	}
}
