package herokuurl

import (
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Config is a parsed Redis URL. The zero value is not useful; get one from
// Parse or FromEnv.
type Config struct {
	Network    string // "tcp" or "unix"
	Addr       string // dial address: net.JoinHostPort(Host, Port), or the socket path
	Host       string // without brackets; "" for unix
	Port       int    // 0 for unix
	Username   string // "" when the URL has none or says "default"
	Password   string
	DB         int
	TLS        bool // rediss:// or valkeys://
	SkipVerify bool // do not verify the server certificate (TLS only)

	// Seeds are the further nodes named by repeated addr=host:port query
	// parameters, in URL order (go-redis's ParseClusterURL and
	// ParseFailoverURL convention): more cluster nodes to start from, or,
	// with MasterName, more Sentinels. Dial and Pool reach Addr only;
	// Connect builds the cluster or Sentinel client these need.
	Seeds []string
	// MasterName, from master_name=NAME, says that Addr and Seeds are
	// Sentinels watching the master of that name. Username and Password are
	// then the master's (from the username= and password= query parameters)
	// and the userinfo holds the Sentinels' credentials, as in go-redis.
	MasterName                         string
	SentinelUsername, SentinelPassword string

	// Timeouts from the query (dial_timeout, read_timeout, write_timeout);
	// zero means the Pool/Dial defaults.
	DialTimeout, ReadTimeout, WriteTimeout time.Duration

	// Source is the environment variable the URL came from ("" for Parse).
	Source string
	// Notes records decisions FromEnv took that a person may want to know,
	// such as a REDIS_PROVIDER naming an unset variable. Safe to log.
	Notes []string

	scheme string
	// placeholderUser: Username came from a legacy add-on variable and may
	// be a placeholder; see FromEnv.
	placeholderUser bool
}

// String is the URL with the passwords replaced by "xxxxx": safe to log.
// It is itself a URL: for a Config from Parse, Parse(c.String()) gives
// back c with each password "xxxxx" (or "" when there was none). Every byte of
// the username, socket path and IPv6 zone outside the URL's unreserved set
// is percent-encoded, so no value can pose as a delimiter.
func (c Config) String() string {
	var b strings.Builder
	b.WriteString(c.scheme)
	b.WriteString("://")
	q := url.Values{}
	user, pass := c.Username, c.Password
	if c.MasterName != "" {
		user, pass = c.SentinelUsername, c.SentinelPassword
		q.Set("master_name", c.MasterName)
		if c.Username != "" {
			q.Set("username", c.Username)
		}
		if c.Password != "" {
			q.Set("password", "xxxxx")
		}
	}
	if len(c.Seeds) > 0 {
		q["addr"] = append([]string(nil), c.Seeds...)
	}
	if user != "" || pass != "" {
		b.WriteString(escape(user, ""))
		if pass != "" {
			b.WriteString(":xxxxx")
		}
		b.WriteByte('@')
	}
	if c.Network == "unix" {
		b.WriteString(escape(c.Addr, "/"))
		if c.DB != 0 {
			q.Set("db", strconv.Itoa(c.DB))
		}
	} else {
		b.WriteString(net.JoinHostPort(hostForURL(c.Host), strconv.Itoa(c.Port)))
		if c.DB != 0 {
			b.WriteString("/" + strconv.Itoa(c.DB))
		}
		if c.TLS && c.SkipVerify {
			q.Set("skip_verify", "true")
		}
	}
	for k, d := range map[string]time.Duration{"dial_timeout": c.DialTimeout, "read_timeout": c.ReadTimeout, "write_timeout": c.WriteTimeout} {
		if d != 0 {
			q.Set(k, d.String())
		}
	}
	if len(q) > 0 {
		b.WriteString("?" + q.Encode())
	}
	return b.String()
}

// hostForURL escapes an IPv6 zone; JoinHostPort adds the brackets. Hosts
// without a zone are hostnames or addresses that need no escaping.
func hostForURL(h string) string {
	addr, zone, ok := strings.Cut(h, "%")
	if !ok {
		return h
	}
	return addr + "%25" + escape(zone, "")
}

// escape percent-encodes every byte of s except RFC 3986's unreserved
// characters and those in keep; Parse decodes it with url.PathUnescape.
func escape(s, keep string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' ||
			ch == '-' || ch == '.' || ch == '_' || ch == '~' || strings.IndexByte(keep, ch) >= 0 {
			b.WriteByte(ch)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[ch>>4])
		b.WriteByte(hex[ch&15])
	}
	return b.String()
}
