// Command sessiondemo is the story sessionkit starts from, done right: a
// small web app whose sign-in survives restarts and deploys. Sessions live
// in Redis when the environment names one (REDIS_URL, REDIS_TLS_URL,
// REDISTOGO_URL, ... — see herokuurl.FromEnv), otherwise in an embedded
// file, so `go run ./cmd/sessiondemo` works with no setup.
//
// Configuration (flags override the environment):
//
//	-addr  / PORT           listen address (default :8080)
//	-store-file / SESSION_FILE   the embedded store's file (default in the user cache dir)
//	-codec / SESSION_CODEC  msgpack (default), json or gob
//	-debug / SESSION_DEBUG=1     log at debug level (never tokens or passwords)
//
// Express mode shares signed-in users with an Express application that
// uses express-session and connect-redis (see docs/migrating-from-express.md):
//
//	SESSION_COMPAT=express  speak express-session: the signed connect.sid
//	                        cookie, connect-redis's keys, TTLs and JSON
//	SESSION_SECRET          the Express app's secret list, comma-separated;
//	                        the first one signs (required in Express mode)
//	SESSION_COOKIE          cookie name (default connect.sid)
//	SESSION_PREFIX          Redis key prefix (default sess:)
//	SESSION_MAX_AGE         the Express cookie maxAge in milliseconds
//	                        (default: none, a browser-session cookie)
//
// Express mode needs the Express app's Redis in the environment (REDIS_URL
// etc.); without it, or without SESSION_SECRET, the demo refuses to start.
//
// Where sessions are stored (the Redis URL with its password redacted, or
// the file) is printed once at startup, for the operator; pages do not show
// it.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/sessionkit/sessionkit/codec"
	"github.com/sessionkit/sessionkit/express"
	"github.com/sessionkit/sessionkit/herokuurl"
	"github.com/sessionkit/sessionkit/manager"
	"github.com/sessionkit/sessionkit/store/boltstore"
	"github.com/sessionkit/sessionkit/store/redisstore"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "sessiondemo:", err)
		os.Exit(1)
	}
}

func env(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

func defaultStoreFile() string {
	dir, err := os.UserCacheDir()
	if err != nil {
		dir = os.TempDir()
	}
	return filepath.Join(dir, "sessionkit", "sessiondemo.db")
}

func run() error {
	addr := flag.String("addr", ":"+env("PORT", "8080"), "listen address")
	storeFile := flag.String("store-file", env("SESSION_FILE", defaultStoreFile()), "embedded session store file (used when no Redis URL is set)")
	codecName := flag.String("codec", env("SESSION_CODEC", "msgpack"), "session codec: msgpack, json or gob")
	debug := flag.Bool("debug", env("SESSION_DEBUG", "") != "", "log at debug level")
	flag.Parse()
	level := slog.LevelInfo
	if *debug {
		level = slog.LevelDebug
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	// Heroku serves apps over HTTPS; elsewhere the demo runs on plain http://localhost.
	onHeroku := os.Getenv("DYNO") != ""
	var (
		cfg        manager.Config
		where      string
		closeStore func()
	)
	switch compat := os.Getenv("SESSION_COMPAT"); compat {
	case "":
		c, err := codec.ByName(*codecName)
		if err != nil {
			return err
		}
		st, w, cl, err := openStore(*storeFile)
		if err != nil {
			return err
		}
		where, closeStore = w, cl
		cfg = manager.Config{
			Store:       st,
			Codec:       c,
			Lifetime:    7 * 24 * time.Hour,
			IdleTimeout: 24 * time.Hour,
			Cookie:      manager.CookieConfig{Name: "sessiondemo", Secure: onHeroku},
		}
	case "express":
		var err error
		if cfg, where, closeStore, err = expressConfig(); err != nil {
			return err
		}
		cfg.Cookie.Secure = cfg.Cookie.Secure || onHeroku
	default:
		return fmt.Errorf("SESSION_COMPAT=%q: the only mode is express (or leave it unset)", compat)
	}
	defer closeStore()
	cfg.Logger = logger
	m := manager.New(cfg)
	app := newApp(m, logger)

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: app.routes(), ReadHeaderTimeout: 10 * time.Second}
	fmt.Printf("sessiondemo: listening on http://localhost:%d/ — sessions in %s, codec %s\n",
		ln.Addr().(*net.TCPAddr).Port, where, cfg.Codec.(codec.Codec).Name())

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	// Let in-flight requests finish, and commit their sessions, before the
	// store closes.
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	fmt.Println("sessiondemo: stopped")
	return nil
}

// openStore picks Redis when the environment names one, else the embedded
// file. where describes the choice for people, with no password in it.
func openStore(file string) (st scs.Store, where string, closeFn func(), err error) {
	cfg, err := herokuurl.FromEnv()
	switch {
	case errors.Is(err, herokuurl.ErrNoRedisURL):
		bs, err := boltstore.Open(file, boltstore.WithOpenTimeout(3*time.Second))
		if err != nil {
			return nil, "", nil, fmt.Errorf("%w (is another sessiondemo using it? pass -store-file)", err)
		}
		return bs, "embedded file " + bs.Path(), func() { _ = bs.Close() }, nil
	case err != nil:
		return nil, "", nil, err
	}
	client, where, err := connectRedis(cfg)
	if err != nil {
		return nil, "", nil, err
	}
	return redisstore.New(client), where, func() { _ = client.Close() }, nil
}

// connectRedis connects to the Redis cfg names: a single node, a
// Sentinel-managed master or a cluster, each checked once.
func connectRedis(cfg herokuurl.Config) (herokuurl.Client, string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	client, err := cfg.Connect(ctx)
	if err != nil {
		return nil, "", fmt.Errorf("cannot use the Redis from %s (%s): %w", cfg.Source, cfg, err)
	}
	for _, note := range cfg.Notes {
		fmt.Println("sessiondemo:", note)
	}
	return client, fmt.Sprintf("Redis %s (from %s)", cfg, cfg.Source), nil
}

// expressConfig configures Express mode from the environment (see the
// package comment). where describes the store for people, with no
// password in it.
func expressConfig() (cfg manager.Config, where string, closeFn func(), err error) {
	secrets := os.Getenv("SESSION_SECRET")
	if secrets == "" {
		return cfg, "", nil, errors.New("SESSION_COMPAT=express needs SESSION_SECRET: the Express app's session secrets, comma-separated, the first one signing")
	}
	var maxAge time.Duration
	if v := os.Getenv("SESSION_MAX_AGE"); v != "" {
		ms, err := strconv.ParseInt(v, 10, 64)
		if err != nil || ms <= 0 {
			return cfg, "", nil, fmt.Errorf("SESSION_MAX_AGE=%q: want the Express cookie maxAge in milliseconds", v)
		}
		maxAge = time.Duration(ms) * time.Millisecond
	}
	rc, err := herokuurl.FromEnv()
	if errors.Is(err, herokuurl.ErrNoRedisURL) {
		return cfg, "", nil, errors.New("SESSION_COMPAT=express needs the Express app's Redis: set REDIS_URL (or another variable herokuurl.FromEnv reads)")
	}
	if err != nil {
		return cfg, "", nil, err
	}
	pool, where, err := connectRedis(rc) // a node, a Sentinel-managed master or a cluster
	if err != nil {
		return cfg, "", nil, err
	}
	cfg, err = express.Config{
		Secrets:    strings.Split(secrets, ","),
		CookieName: os.Getenv("SESSION_COOKIE"),
		Prefix:     os.Getenv("SESSION_PREFIX"),
		Cookie:     express.CookieOptions{MaxAge: maxAge},
		Pool:       pool,
	}.ManagerConfig()
	if err != nil {
		pool.Close()
		return cfg, "", nil, fmt.Errorf("SESSION_SECRET: %w", err)
	}
	return cfg, where + ", shared with Express", func() { _ = pool.Close() }, nil
}
