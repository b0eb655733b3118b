package herokuurl

import (
	"net"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// DefaultPort is used when a URL names no port.
const DefaultPort = 6379

// Parse parses one Redis URL:
//
//	redis://[[user]:password@]host[:port][/db][?option=value&...]
//	rediss://...  valkey://...  valkeys://...  unix://[:password@]/path[?db=N]
//
// Rules: schemes are case-insensitive and TLS is exactly rediss and valkeys;
// an empty host is localhost and no port 6379 (a ":" with no port after
// it is an error: usually an unset variable); IPv6 hosts must be
// bracketed (a zone is written %25); userinfo is percent-decoded with "+"
// literal, ":pw" and a lone "pw@" are a password (as in redis-cli; many
// clients read a lone value as a username instead: see docs/heroku.md),
// "user:" is an error, and the user "default" means none; the database is
// "", "/", "/N" or ?db=N (N is 0 or has no leading zero, and fits int32),
// and path and query must agree. Query keys: db, skip_verify=true|false
// and ssl_cert_reqs=none|optional|required (TLS URLs only), dial_timeout,
// read_timeout and write_timeout (a Go duration, or whole seconds).
//
// More nodes, after go-redis's ParseClusterURL and ParseFailoverURL: each
// addr=host:port names one more node (port required, no duplicates, IPv6
// bracketed and without a zone), into Config.Seeds; without master_name
// they are cluster nodes and the database must be 0. master_name=NAME
// makes the hosts Sentinels: the userinfo becomes the Sentinels'
// credentials and username= and password= (query-decoded: "+" is a space)
// the master's; username= and password= are refused without master_name.
//
// Any other key, or any key but addr given twice, is an error that wraps
// ErrInvalidURL.
func Parse(raw string) (Config, error) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return Config{}, invalid("empty")
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] == 0x7f {
			return Config{}, invalid("control character")
		}
	}
	if strings.Contains(s, "#") {
		return Config{}, invalid("fragment (#) not allowed; percent-encode # in a password as %23")
	}
	colon := strings.IndexByte(s, ':')
	if colon <= 0 {
		return Config{}, invalid("missing scheme (want redis://, rediss://, valkey://, valkeys:// or unix://)")
	}
	var cfg Config
	cfg.scheme = strings.ToLower(s[:colon])
	switch cfg.scheme {
	case "redis", "valkey":
	case "rediss", "valkeys":
		cfg.TLS = true
	case "unix":
	default:
		return Config{}, invalid("unsupported scheme (want redis, rediss, valkey, valkeys or unix)")
	}
	rest, ok := strings.CutPrefix(s[colon+1:], "//")
	if !ok {
		return Config{}, invalid("missing // after the scheme")
	}
	rest, query, _ := strings.Cut(rest, "?")
	authority, path := rest, ""
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		authority, path = rest[:i], rest[i:]
	}
	hostport := authority
	if at := strings.LastIndexByte(authority, '@'); at >= 0 {
		hostport = authority[at+1:]
		if err := cfg.parseUserinfo(authority[:at]); err != nil {
			return Config{}, err
		}
	}
	opts, seeds, err := parseQuery(query)
	if err != nil {
		return Config{}, err
	}
	if cfg.scheme == "unix" {
		err = cfg.parseUnix(hostport, path, opts)
	} else {
		err = cfg.parseTCP(hostport, path, opts)
	}
	if err != nil {
		return Config{}, err
	}
	if err := cfg.applyOptions(opts); err != nil {
		return Config{}, err
	}
	if err := cfg.applyTopology(opts, seeds); err != nil {
		return Config{}, err
	}
	return cfg, nil
}

func (c *Config) parseUserinfo(userinfo string) error {
	if userinfo == "" {
		return nil
	}
	rawUser, rawPass, hasColon := strings.Cut(userinfo, ":")
	if !hasColon {
		// A lone value is read as a password, as redis-cli and Lettuce do;
		// go-redis, redis-py, node-redis, ioredis and rueidis read it as a
		// username. Kept because a username alone cannot authenticate
		// (AUTH needs a password), so read that way the one credential in
		// the URL would go unused and the connection would run as the
		// default user without a word; read as a password it is either
		// accepted or refused with a clear error at the first dial. The
		// hosted Redis URLs of the Heroku era carried only a password.
		rawUser, rawPass = "", userinfo
	}
	user, err := url.PathUnescape(rawUser)
	if err != nil {
		return invalid("bad percent-escape in the username")
	}
	pass, err := url.PathUnescape(rawPass)
	if err != nil {
		return invalid("bad percent-escape in the password")
	}
	if pass == "" {
		return invalid("empty password (omit the : or give a password)")
	}
	if user == "default" {
		user = ""
	}
	c.Username, c.Password = user, pass
	return nil
}

func (c *Config) parseTCP(hostport, path string, opts map[string]string) error {
	host, port, err := splitHostPort(hostport)
	if err != nil {
		return err
	}
	c.Network, c.Host, c.Port = "tcp", host, port
	c.Addr = net.JoinHostPort(host, strconv.Itoa(port))
	switch path {
	case "", "/":
	default:
		db, err := parseDB(path[1:])
		if err != nil {
			return invalid("database path must be /N with N a non-negative integer without leading zeros")
		}
		c.DB = db
		if q, ok := opts["db"]; ok {
			qdb, err := parseDB(q)
			if err != nil || qdb != db {
				return invalid("database in the path and ?db= disagree")
			}
		}
	}
	return nil
}

func (c *Config) parseUnix(hostport, path string, opts map[string]string) error {
	if c.TLS {
		return invalid("unix sockets do not use TLS")
	}
	if hostport != "" {
		return invalid("unix URL must have an empty host: unix:///path or unix://:password@/path")
	}
	if len(path) < 2 {
		return invalid("unix socket path must be absolute and non-empty")
	}
	p, err := url.PathUnescape(path)
	if err != nil {
		return invalid("bad percent-escape in the socket path")
	}
	c.Network, c.Addr = "unix", p
	return nil
}

func splitHostPort(hostport string) (string, int, error) {
	host, portStr := hostport, ""
	colon := false // "host:" with nothing after it: a port left out by mistake
	if strings.HasPrefix(hostport, "[") {
		end := strings.IndexByte(hostport, ']')
		if end < 0 {
			return "", 0, invalid("unclosed [ in the host")
		}
		host = hostport[1:end]
		after := hostport[end+1:]
		if after != "" {
			p, ok := strings.CutPrefix(after, ":")
			if !ok {
				return "", 0, invalid("unexpected characters after ] in the host")
			}
			portStr, colon = p, true
		}
		zoneHost, err := url.PathUnescape(host)
		if err != nil {
			return "", 0, invalid("bad percent-escape in the IPv6 zone")
		}
		addr, err := netip.ParseAddr(zoneHost)
		if err != nil || !addr.Is6() {
			return "", 0, invalid("bracketed host must be an IPv6 address")
		}
		host = zoneHost
	} else {
		if strings.Count(hostport, ":") > 1 {
			return "", 0, invalid("IPv6 hosts must be in brackets: redis://[::1]:6379")
		}
		host, portStr, colon = strings.Cut(hostport, ":")
		if !validHostname(host) {
			return "", 0, invalid("host has characters not allowed in a hostname")
		}
	}
	if host == "" {
		host = "localhost"
	}
	if colon && portStr == "" {
		// Often an unset variable in "redis://$HOST:$PORT": dialling 6379
		// instead could reach another server than the one meant.
		return "", 0, invalid("empty port after ':' (leave out the ':' for the default port)")
	}
	port := DefaultPort
	if portStr != "" {
		if !allDigits(portStr) || len(portStr) > 5 {
			return "", 0, invalid("port must be a number from 1 to 65535")
		}
		p, _ := strconv.Atoi(portStr)
		if p < 1 || p > 65535 {
			return "", 0, invalid("port must be a number from 1 to 65535")
		}
		port = p
	}
	return host, port, nil
}

func validHostname(h string) bool {
	for i := 0; i < len(h); i++ {
		c := h[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_') {
			return false
		}
	}
	return true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// parseDB accepts "0" or a decimal without sign or leading zeros that fits int32.
func parseDB(s string) (int, error) {
	if !allDigits(s) || len(s) > 1 && s[0] == '0' {
		return 0, invalid("bad database number")
	}
	n, err := strconv.ParseInt(s, 10, 32)
	if err != nil {
		return 0, invalid("database number out of range")
	}
	return int(n), nil
}

var knownOptions = map[string]bool{
	"db": true, "skip_verify": true, "ssl_cert_reqs": true,
	"dial_timeout": true, "read_timeout": true, "write_timeout": true,
	"addr": true, "master_name": true, "username": true, "password": true,
}

// parseQuery returns the options, each given at most once, and the values
// of the one repeatable option, addr, in order.
func parseQuery(q string) (opts map[string]string, seeds []string, err error) {
	opts = map[string]string{}
	if q == "" {
		return opts, nil, nil
	}
	for _, pair := range strings.Split(q, "&") {
		if pair == "" {
			continue
		}
		rk, rv, _ := strings.Cut(pair, "=")
		k, err := url.QueryUnescape(rk)
		if err != nil {
			return nil, nil, invalid("bad percent-escape in the query")
		}
		v, err := url.QueryUnescape(rv)
		if err != nil {
			return nil, nil, invalid("bad percent-escape in the query")
		}
		if !knownOptions[k] {
			return nil, nil, invalid("unknown query option (allowed: db, skip_verify, ssl_cert_reqs, dial_timeout, read_timeout, write_timeout, addr, master_name, username, password)")
		}
		if k == "addr" {
			seeds = append(seeds, v)
			continue
		}
		if _, dup := opts[k]; dup {
			return nil, nil, invalid("query option given twice")
		}
		opts[k] = v
	}
	return opts, seeds, nil
}

// applyTopology reads addr= (more nodes) and master_name= (the hosts are
// Sentinels), after go-redis's ParseClusterURL and ParseFailoverURL. With
// master_name the userinfo is the Sentinels' and username= and password=
// are the master's, as there; without it those two are refused, so a
// password has one place only.
func (c *Config) applyTopology(opts map[string]string, seeds []string) error {
	master, isSentinel := opts["master_name"]
	_, hasUser := opts["username"]
	pass, hasPass := opts["password"]
	if (len(seeds) > 0 || isSentinel) && c.Network != "tcp" {
		return invalid("addr= and master_name= need a TCP URL, not a unix socket")
	}
	if (hasUser || hasPass) && !isSentinel {
		return invalid("username= and password= are the master's credentials in a master_name URL; elsewhere put them in the userinfo")
	}
	seen := map[string]bool{nodeKey(c.Addr): true}
	for _, v := range seeds {
		addr, err := parseSeed(v)
		if err != nil {
			return err
		}
		if seen[nodeKey(addr)] {
			return invalid("addr= names a node twice (or the URL's own host)")
		}
		seen[nodeKey(addr)] = true
		c.Seeds = append(c.Seeds, addr)
	}
	if !isSentinel {
		if len(seeds) > 0 && c.DB != 0 {
			return invalid("a cluster (addr=) has only database 0; drop the /N or ?db=")
		}
		return nil
	}
	if master == "" {
		return invalid("master_name= is empty")
	}
	for i := 0; i < len(master); i++ {
		if master[i] < 0x20 || master[i] == 0x7f {
			return invalid("master_name= must not contain control characters")
		}
	}
	c.MasterName = master
	c.SentinelUsername, c.SentinelPassword = c.Username, c.Password
	c.Username, c.Password = "", ""
	if hasUser && !hasPass {
		return invalid("username= needs password=")
	}
	if hasPass {
		if pass == "" {
			return invalid("password= is empty")
		}
		if u := opts["username"]; u != "default" {
			c.Username = u
		}
		c.Password = pass
	}
	return nil
}

// nodeKey is addr ("host:port") in one spelling per node, to find
// duplicates: hostnames lower-cased, IP addresses in canonical form, so
// [0:0::1], [::0001] and [::1] are one node, as are [::ffff:1.2.3.4] and
// 1.2.3.4, which dial the same address.
func nodeKey(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return strings.ToLower(addr)
	}
	if ip, err := netip.ParseAddr(host); err == nil {
		host = ip.Unmap().String()
	}
	return net.JoinHostPort(strings.ToLower(host), port)
}

// parseSeed checks one addr= value: host:port with both present, IPv6 in
// brackets and without a zone, nothing else. It returns the address as
// Config.Addr would hold it.
func parseSeed(v string) (string, error) {
	if v == "" {
		return "", invalid("addr= is empty; want host:port")
	}
	if strings.ContainsAny(v, ",; &=") {
		// A list in one value (go-redis's form is one node per addr=):
		// said plainly, not as the IPv6 error its colons would give.
		return "", invalid("addr= takes one host:port; repeat addr= for each node")
	}
	if strings.ContainsAny(v, "@/?#") {
		return "", invalid("addr= must be host:port, with no user, path or query")
	}
	if strings.Contains(v, "%") {
		return "", invalid("addr= does not take an IPv6 zone")
	}
	i := strings.LastIndexByte(v, ':')
	if i < 0 || i == len(v)-1 || strings.HasSuffix(v, "]") {
		return "", invalid("addr= needs host:port with an explicit port")
	}
	if i == 0 {
		return "", invalid("addr= needs a host before the port")
	}
	host, port, err := splitHostPort(v)
	if err != nil {
		return "", err
	}
	return net.JoinHostPort(host, strconv.Itoa(port)), nil
}

func (c *Config) applyOptions(opts map[string]string) error {
	if v, ok := opts["db"]; ok {
		db, err := parseDB(v)
		if err != nil {
			return invalid("?db= must be a non-negative integer without leading zeros")
		}
		c.DB = db
	}
	_, sv := opts["skip_verify"]
	_, cr := opts["ssl_cert_reqs"]
	if (sv || cr) && !c.TLS {
		return invalid("TLS options need a rediss:// or valkeys:// URL")
	}
	skip := false
	if sv {
		switch opts["skip_verify"] {
		case "true":
			skip = true
		case "false":
		default:
			return invalid("skip_verify must be true or false")
		}
	}
	if cr {
		var reqSkip bool
		switch opts["ssl_cert_reqs"] {
		case "none":
			reqSkip = true
		case "optional", "required":
		default:
			return invalid("ssl_cert_reqs must be none, optional or required")
		}
		if sv && reqSkip != skip {
			return invalid("skip_verify and ssl_cert_reqs disagree")
		}
		skip = reqSkip
	}
	c.SkipVerify = skip
	for key, dst := range map[string]*time.Duration{
		"dial_timeout": &c.DialTimeout, "read_timeout": &c.ReadTimeout, "write_timeout": &c.WriteTimeout,
	} {
		v, ok := opts[key]
		if !ok {
			continue
		}
		d, err := parseTimeout(v)
		if err != nil {
			return err
		}
		*dst = d
	}
	return nil
}

func parseTimeout(v string) (time.Duration, error) {
	var d time.Duration
	if allDigits(v) {
		n, err := strconv.ParseInt(v, 10, 32)
		if err != nil {
			return 0, invalid("timeout out of range")
		}
		d = time.Duration(n) * time.Second
	} else {
		var err error
		if d, err = time.ParseDuration(v); err != nil {
			return 0, invalid("timeout must be a Go duration such as 5s or a whole number of seconds")
		}
	}
	if d <= 0 || d > 24*time.Hour {
		return 0, invalid("timeout must be positive and at most 24h")
	}
	return d, nil
}
