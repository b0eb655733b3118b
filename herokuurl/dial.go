package herokuurl

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/gomodule/redigo/redis"
)

// Defaults used by Dial and Pool when the URL sets no timeout.
const (
	DefaultDialTimeout  = 5 * time.Second
	DefaultReadTimeout  = 3 * time.Second
	DefaultWriteTimeout = 3 * time.Second
)

// TLSConfig is the TLS configuration for the connection: ServerName is the
// host, TLS 1.2 at least, verification on unless SkipVerify.
func (c Config) TLSConfig() *tls.Config {
	return &tls.Config{ServerName: c.Host, MinVersion: tls.VersionTLS12, InsecureSkipVerify: c.SkipVerify} //nolint:gosec // SkipVerify is explicit
}

func (c Config) transportOptions() []redis.DialOption {
	or := func(d, def time.Duration) time.Duration {
		if d > 0 {
			return d
		}
		return def
	}
	opts := []redis.DialOption{
		redis.DialConnectTimeout(or(c.DialTimeout, DefaultDialTimeout)),
		redis.DialReadTimeout(or(c.ReadTimeout, DefaultReadTimeout)),
		redis.DialWriteTimeout(or(c.WriteTimeout, DefaultWriteTimeout)),
	}
	if c.TLS {
		opts = append(opts, redis.DialUseTLS(true), redis.DialTLSConfig(c.TLSConfig()))
	}
	return opts
}

// DialOptions returns redigo options for redis.Dial(c.Network, c.Addr, ...):
// timeouts, TLS, credentials and database. Dial and Pool do better than
// redis.Dial with these: they fall back to password-only AUTH for Redis
// before 6.
func (c Config) DialOptions() []redis.DialOption {
	opts := c.transportOptions()
	if c.Password != "" {
		opts = append(opts, redis.DialPassword(c.Password))
	}
	if c.Username != "" {
		opts = append(opts, redis.DialUsername(c.Username))
	}
	if c.DB != 0 {
		opts = append(opts, redis.DialDatabase(c.DB))
	}
	return opts
}

// Dial opens one connection: connect (TLS if asked), AUTH, SELECT. If
// "AUTH user pass" fails because the server predates ACLs ("wrong number of
// arguments"), it retries "AUTH pass"; so it does after WRONGPASS when the
// user came from a legacy add-on variable (see [FromEnv]). Any other
// refusal is not retried and is [ErrAuth]. Errors never contain the
// password.
func (c Config) Dial(ctx context.Context) (redis.Conn, error) {
	conn, err := redis.DialContext(ctx, c.Network, c.Addr, c.transportOptions()...)
	if err != nil {
		return nil, fmt.Errorf("herokuurl: dial %s: %w", c.Addr, err)
	}
	if err := c.handshake(ctx, conn); err != nil {
		conn.Close()
		return nil, err
	}
	return conn, nil
}

func (c Config) handshake(ctx context.Context, conn redis.Conn) error {
	if c.Password != "" {
		var err error
		as := ""
		if c.Username != "" {
			as = " as user " + c.Username
			_, err = redis.DoContext(conn, ctx, "AUTH", c.Username, c.Password)
			if refused(err, "ERR wrong number of arguments") || c.placeholderUser && refused(err, "WRONGPASS") {
				as = " with the password alone"
				_, err = redis.DoContext(conn, ctx, "AUTH", c.Password)
			}
		} else {
			_, err = redis.DoContext(conn, ctx, "AUTH", c.Password)
		}
		if err != nil {
			var re redis.Error
			if errors.As(err, &re) {
				return fmt.Errorf("%w (AUTH%s on %s): %w", ErrAuth, as, c.Addr, err)
			}
			return fmt.Errorf("herokuurl: AUTH%s on %s: %w", as, c.Addr, err)
		}
	}
	if c.DB != 0 {
		if _, err := redis.DoContext(conn, ctx, "SELECT", c.DB); err != nil {
			return fmt.Errorf("herokuurl: SELECT %d on %s: %w", c.DB, c.Addr, err)
		}
	}
	return nil
}

// refused reports whether err is the server's reply starting with prefix
// (case-insensitive, as servers and versions differ in case).
func refused(err error, prefix string) bool {
	var re redis.Error
	return errors.As(err, &re) && len(re) >= len(prefix) && strings.EqualFold(string(re[:len(prefix)]), prefix)
}

// Pool returns a redigo pool that dials with Dial. Defaults: up to 64
// connections, waiting for a free one (bounded by the caller's context
// with GetContext), 16 kept idle for 4 minutes, and a PING only for a
// connection that sat idle for over a minute — not on every borrow. Pass
// options to change any field before first use.
func (c Config) Pool(opts ...func(*redis.Pool)) *redis.Pool {
	p := &redis.Pool{
		MaxIdle:     16,
		MaxActive:   64,
		Wait:        true,
		IdleTimeout: 4 * time.Minute,
		DialContext: c.Dial,
		TestOnBorrow: func(conn redis.Conn, lastUsed time.Time) error {
			if time.Since(lastUsed) < time.Minute {
				return nil
			}
			_, err := conn.Do("PING")
			return err
		},
	}
	for _, o := range opts {
		o(p)
	}
	return p
}
