package herokuurl_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/sessionkit/sessionkit/herokuurl"
)

// TestParseTopology: repeated addr=host:port names more nodes (go-redis's
// ParseClusterURL and ParseFailoverURL convention); master_name=NAME says
// the hosts are Sentinels, whose credentials are the userinfo while the
// master's are username= and password= (go-redis's ParseFailoverURL).
func TestParseTopology(t *testing.T) {
	type topo struct {
		addr       string
		seeds      []string
		master     string
		user, pass string
		suser      string
		spass      string
		db         int
	}
	for _, tc := range []struct {
		in   string
		want topo
	}{
		{"redis://127.0.0.1:7000?addr=127.0.0.1:7001&addr=127.0.0.1:7002",
			topo{addr: "127.0.0.1:7000", seeds: []string{"127.0.0.1:7001", "127.0.0.1:7002"}}},
		{"rediss://:pw@node-a:7000?addr=node-b:7000&addr=[::1]:7000",
			topo{addr: "node-a:7000", seeds: []string{"node-b:7000", "[::1]:7000"}, pass: "pw"}},
		{"redis://alice:pw@a:7000/0?addr=b:7000",
			topo{addr: "a:7000", seeds: []string{"b:7000"}, user: "alice", pass: "pw"}},
		{"redis://s1:26379?master_name=mymaster",
			topo{addr: "s1:26379", master: "mymaster"}},
		{"redis://s1:26379/2?master_name=mymaster&addr=s2:26379&addr=s3:26379&password=m%40ster",
			topo{addr: "s1:26379", seeds: []string{"s2:26379", "s3:26379"}, master: "mymaster", pass: "m@ster", db: 2}},
		{"redis://:sentinel-pw@s1:26379?master_name=m&username=app&password=app-pw",
			topo{addr: "s1:26379", master: "m", user: "app", pass: "app-pw", spass: "sentinel-pw"}},
		{"redis://sen:sentinel-pw@s1:26379?master_name=m",
			topo{addr: "s1:26379", master: "m", suser: "sen", spass: "sentinel-pw"}},
		{"redis://s1:26379?master_name=m&password=a%2Bb+c", // a query: + is a space
			topo{addr: "s1:26379", master: "m", pass: "a+b c"}},
		{"redis://s1:26379?master_name=my%20master",
			topo{addr: "s1:26379", master: "my master"}},
	} {
		t.Run(tc.in, func(t *testing.T) {
			c, err := herokuurl.Parse(tc.in)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			got := topo{c.Addr, c.Seeds, c.MasterName, c.Username, c.Password, c.SentinelUsername, c.SentinelPassword, c.DB}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
			s := c.String()
			for _, secret := range []string{c.Password, c.SentinelPassword} {
				if secret != "" && strings.Contains(s, secret) {
					t.Errorf("String() %q shows a password", s)
				}
			}
			checkRoundTrip(t, tc.in, c)
		})
	}
}

func TestParseTopologyErrors(t *testing.T) {
	for in, why := range map[string]string{
		"redis://a:7000?addr=b":                                           "port",
		"redis://a:7000?addr=:7001":                                       "host",
		"redis://a:7000?addr=":                                            "host",
		"redis://a:7000?addr=b:0":                                         "port",
		"redis://a:7000?addr=::1:7000":                                    "IPv6",
		"redis://a:7000?addr=b:7000/1":                                    "port",
		"redis://a:7000?addr=u:p@b:7000":                                  "host",
		"redis://a:7000?addr=a:7000":                                      "twice",
		"redis://a:7000?addr=A:7000":                                      "twice",
		"redis://a:7000?addr=b:7000&addr=b:7000":                          "twice",
		"redis://a:7000?addr=b:7001,c:7002":                               "repeat addr=",
		"redis://a:7000?addr=b:7001;c:7002":                               "repeat addr=",
		"redis://a:7000?addr=b:7001+c:7002":                               "repeat addr=",
		"redis://a:7000?addr=b:7001%26addr%3Dc:7002":                      "repeat addr=",
		"redis://a:7000?addr=[::1]:7001&addr=[0:0::1]:7001":               "twice",
		"redis://[::1]:7000?addr=[0::1]:7000":                             "twice",
		"redis://[::1]:7000?addr=[::0001]:7000":                           "twice",
		"redis://a:7000?addr=[::A]:7001&addr=[::a]:7001":                  "twice",
		"redis://a:7000?addr=127.0.0.1:7001&addr=[::ffff:127.0.0.1]:7001": "twice",
		"redis://a?addr=a:6379":                                           "twice",
		"redis://a:7000/1?addr=b:7000":                                    "database 0",
		"redis://a:7000?db=3&addr=b:7000":                                 "database 0",
		"unix:///tmp/s?addr=b:7000":                                       "TCP",
		"unix:///tmp/s?master_name=m":                                     "TCP",
		"redis://s1?master_name=":                                         "master_name",
		"redis://s1?master_name=a&master_name=b":                          "twice",
		"redis://s1?master_name=a%0Ab":                                    "master_name",
		"redis://s1?password=x":                                           "master_name",
		"redis://s1?username=u&password=x":                                "master_name",
		"redis://s1?master_name=m&username=u":                             "password",
		"redis://s1?master_name=m&password=":                              "password",
		"redis://s1?master_name=m&password=a&password=b":                  "twice",
		"redis://s1?master_name=m&username=u&username=u":                  "twice",
		"redis://s1?master_name=m&password=%zz":                           "percent",
		"redis://s1?master_name=m&sentinel_password=x":                    "unknown",
	} {
		t.Run(in, func(t *testing.T) {
			c, err := herokuurl.Parse(in)
			if !errors.Is(err, herokuurl.ErrInvalidURL) {
				t.Fatalf("Parse = %+v, %v; want ErrInvalidURL", c, err)
			}
			if !strings.Contains(err.Error(), why) {
				t.Errorf("error %q does not mention %q", err, why)
			}
		})
	}
}

// TestParseTopologyErrorsHidePasswords: neither password shows in an error.
func TestParseTopologyErrorsHidePasswords(t *testing.T) {
	for _, in := range []string{
		"redis://:s3cr3t!@s1?master_name=m&password=m4st3r!&addr=x",
		"redis://:s3cr3t!@s1?master_name=&password=m4st3r!",
		"redis://:s3cr3t!@s1?password=m4st3r!",
		"redis://:s3cr3t!@s1?master_name=m&password=m4st3r!&bogus=1",
	} {
		_, err := herokuurl.Parse(in)
		if err == nil {
			t.Errorf("Parse(%q) succeeded", in)
			continue
		}
		if strings.Contains(err.Error(), "s3cr3t") || strings.Contains(err.Error(), "m4st3r") {
			t.Errorf("Parse(%q) error %q shows a password", in, err)
		}
	}
}
