package herokuurl_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/sessionkit/sessionkit/herokuurl"
	"github.com/sessionkit/sessionkit/store/redisstore"
)

// Parse reads the URL a hosted Redis gives you. The part before the colon
// is a username, never a database: the database is the path or ?db=.
func ExampleParse() {
	cfg, err := herokuurl.Parse("redis://redistogo:s3cret@server.redistogo.com:9712/2")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(cfg.Network, cfg.Addr)
	fmt.Println("user:", cfg.Username, "db:", cfg.DB, "tls:", cfg.TLS)
	fmt.Println(cfg) // the password is redacted
	// Output:
	// tcp server.redistogo.com:9712
	// user: redistogo db: 2 tls: false
	// redis://redistogo:xxxxx@server.redistogo.com:9712/2
}

// Errors name the faulty part without repeating the URL, so logging them
// never leaks the password.
func ExampleParse_error() {
	_, err := herokuurl.Parse("redis://:s3cret@host/1/2")
	fmt.Println(errors.Is(err, herokuurl.ErrInvalidURL))
	fmt.Println(err)
	// Output:
	// true
	// herokuurl: invalid Redis URL: database path must be /N with N a non-negative integer without leading zeros
}

// FromEnv picks the variable a platform set. Here the environment is given
// with WithEnviron; in a program, call FromEnv() to read the process's own.
// On a dyno (DYNO set) the Heroku quirks apply: no certificate check for
// Heroku Redis's self-signed certificates, and no legacy user "h".
func ExampleFromEnv() {
	cfg, err := herokuurl.FromEnv(herokuurl.WithEnviron([]string{
		"DYNO=web.1",
		"REDIS_URL=redis://h:s3cret@ec2-1-2-3-4.compute-1.amazonaws.com:6379",
		"REDIS_TLS_URL=rediss://h:s3cret@ec2-1-2-3-4.compute-1.amazonaws.com:6380",
	}))
	if err != nil {
		fmt.Println(err)
		return
	}
	// cfg.Pool() would give the redigo pool; it dials on first use.
	fmt.Println(cfg.Source, cfg)
	for _, note := range cfg.Notes {
		fmt.Println("note:", note)
	}
	// Output:
	// REDIS_TLS_URL rediss://:xxxxx@ec2-1-2-3-4.compute-1.amazonaws.com:6380?skip_verify=true
	// note: dropped Heroku's legacy username h
	// note: not verifying the TLS certificate: Heroku Redis certificates are self-signed
}

// With no Redis configured, FromEnv says so with ErrNoRedisURL, and a
// program can fall back to another store.
func ExampleFromEnv_none() {
	_, err := herokuurl.FromEnv(herokuurl.WithEnviron([]string{"PORT=8080"}))
	if errors.Is(err, herokuurl.ErrNoRedisURL) {
		fmt.Println("no Redis configured; using the embedded store")
	}
	// Output:
	// no Redis configured; using the embedded store
}

// Connect picks the client from the URL: a pool for one node, a
// Sentinel-backed pool with master_name=, a cluster client with addr= or
// when the one node named says it belongs to a cluster. redisstore takes
// any of them.
func ExampleConfig_Connect() {
	cfg, err := herokuurl.Parse("redis://127.0.0.1:7000?addr=127.0.0.1:7001&addr=127.0.0.1:7002")
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	client, err := cfg.Connect(ctx) // here a *redisc.Cluster
	if err != nil {
		fmt.Println(err) // never contains a password
		return
	}
	defer client.Close()
	store := redisstore.New(client)
	_ = store // manager.Config{Store: store}
}
