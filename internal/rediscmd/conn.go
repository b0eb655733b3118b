package rediscmd

import (
	"context"
	"errors"
	"time"

	"github.com/gomodule/redigo/redis"
	"github.com/mna/redisc"
)

// Conns is where a Redis store gets its connections: a *redis.Pool (a
// single node, or a Sentinel-managed master as herokuurl.Config.Connect
// builds it) or a *redisc.Cluster. Get, Do and Fresh use more when the
// value has it: GetContext (a *redis.Pool's), Dial (a *redisc.Cluster's).
type Conns interface {
	Get() redis.Conn
}

// Cluster is what walking every master needs from a *redisc.Cluster.
type Cluster interface {
	Refresh() error
	EachNode(replicas bool, fn func(addr string, conn redis.Conn) error) error
}

// Get borrows a connection from conns: with ctx when conns takes one, and
// able to follow a cluster's MOVED and ASK replies within one call when it
// is a cluster's. The caller closes it.
func Get(ctx context.Context, conns Conns) (redis.Conn, error) { return getFor(ctx, conns, "") }

// getFor is Get for a command on key: a cluster connection is bound to
// key's node ("": the node of the command's first argument).
func getFor(ctx context.Context, conns Conns, key string) (redis.Conn, error) {
	if p, ok := conns.(*redis.Pool); ok { // the usual case, without an interface lookup
		return p.GetContext(ctx)
	}
	if p, ok := conns.(interface {
		GetContext(context.Context) (redis.Conn, error)
	}); ok {
		return p.GetContext(ctx)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return clusterRetry(conns.Get(), key)
}

// Fresh dials a connection outside conns's pools, with their own dial
// function: after a pooled connection turned out dead (the server
// restarted, or dropped its clients), the pool's other idle ones may be
// dead too. The caller closes it. Cost: one dial (and its handshake).
func Fresh(ctx context.Context, conns Conns) (redis.Conn, error) { return freshFor(ctx, conns, "") }

// freshFor is Fresh for a command on key (see getFor).
func freshFor(ctx context.Context, conns Conns, key string) (redis.Conn, error) {
	switch p := conns.(type) {
	case *redis.Pool:
		switch {
		case p.DialContext != nil:
			return p.DialContext(ctx)
		case p.Dial != nil:
			return p.Dial()
		}
	case interface{ Dial() (redis.Conn, error) }: // *redisc.Cluster
		conn, err := p.Dial()
		if err != nil {
			return nil, err
		}
		return clusterRetry(conn, key)
	}
	return getFor(ctx, conns, key)
}

// clusterRetry wraps a cluster connection so that MOVED and ASK replies are
// followed within one call (three attempts: a redirection and its target,
// plus one for a slot moved meanwhile), bound first to key's node unless
// key is "" (then redisc routes by the command's first argument). Other
// connections pass unchanged.
func clusterRetry(conn redis.Conn, key string) (redis.Conn, error) {
	if err := conn.Err(); err != nil {
		conn.Close()
		return nil, err
	}
	if _, ok := conn.(*redisc.Conn); !ok {
		return conn, nil
	}
	if key != "" {
		if err := redisc.BindConn(conn, key); err != nil {
			conn.Close()
			return nil, err
		}
	}
	return redisc.RetryConn(conn, 3, 50*time.Millisecond)
}

// scriptKey is the key a script command works on, for routing: redisc
// routes a command by its first argument, which for EVALSHA and EVAL is the
// script's hash or source, not a key. Routed so, a script went first to the
// master of the hash's slot, which answered MOVED: a round trip more, and
// an error for sessions on the other masters while that one was down. ""
// for other commands, whose first argument is their key.
// The key is a string or, built by Args, a []byte.
func scriptKey(cmd string, args []any) string {
	if (cmd == "EVALSHA" || cmd == "EVAL") && len(args) > 2 && args[1] != 0 {
		switch k := args[2].(type) {
		case string:
			return k
		case []byte:
			return string(k)
		}
	}
	return ""
}

// Do runs one command on a connection from conns, within ctx's deadline
// (Run: no goroutine per command): a one-key command whose first argument
// is its key, or a script (EVALSHA, EVAL) on one key, which goes to that
// key's node on a cluster. A pooled connection can be dead without the
// pool knowing: a command that fails on the network, rather than with a
// Redis error or the context's end, is retried once on a connection from
// Fresh, except SET … NX, whose first attempt may have succeeded unseen.
// args may come from an Args, which the caller releases after.
func Do(ctx context.Context, conns Conns, cmd string, args []any) (reply any, err error) {
	key := ""
	if _, single := conns.(*redis.Pool); !single { // only a cluster routes by key
		key = scriptKey(cmd, args)
	}
	for attempt := 0; ; attempt++ {
		var conn redis.Conn
		if attempt == 0 {
			conn, err = getFor(ctx, conns, key)
		} else {
			conn, err = freshFor(ctx, conns, key)
		}
		if err != nil {
			return nil, &ConnError{Err: err}
		}
		reply, err = Run(ctx, conn, cmd, args)
		conn.Close()
		if err == nil {
			return reply, nil
		}
		if attempt > 0 || !Retryable(ctx, err, cmd, args) {
			return reply, err
		}
	}
}

// ConnError is Do's error when no connection could be had (the pool's
// wait ended, a dial failed): the command was not sent.
type ConnError struct{ Err error }

func (e *ConnError) Error() string { return "getting a connection: " + e.Err.Error() }
func (e *ConnError) Unwrap() error { return e.Err }

// Retryable reports whether cmd, which failed with err, is worth one more
// attempt on a newly dialled connection: a network failure, not a Redis
// reply nor the caller's context, of a command that is safe to send twice
// (not SET … NX).
func Retryable(ctx context.Context, err error, cmd string, args []any) bool {
	var re redis.Error
	if errors.As(err, &re) || ctx.Err() != nil || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	if cmd == "SET" && len(args) > 0 && args[len(args)-1] == "NX" {
		return false
	}
	return true
}
