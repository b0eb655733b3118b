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
func Get(ctx context.Context, conns Conns) (redis.Conn, error) {
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
	return clusterRetry(conns.Get())
}

// Fresh dials a connection outside conns's pools, with their own dial
// function: after a pooled connection turned out dead (the server
// restarted, or dropped its clients), the pool's other idle ones may be
// dead too. The caller closes it. Cost: one dial (and its handshake).
func Fresh(ctx context.Context, conns Conns) (redis.Conn, error) {
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
		return clusterRetry(conn)
	}
	return Get(ctx, conns)
}

// clusterRetry wraps a cluster connection so that MOVED and ASK replies are
// followed within one call (three attempts: a redirection and its target,
// plus one for a slot moved meanwhile). Other connections pass unchanged.
// A cluster connection is routed by the command's first argument: only
// commands whose first argument is their key may go through it.
func clusterRetry(conn redis.Conn) (redis.Conn, error) {
	if err := conn.Err(); err != nil {
		conn.Close()
		return nil, err
	}
	if _, ok := conn.(*redisc.Conn); !ok {
		return conn, nil
	}
	return redisc.RetryConn(conn, 3, 50*time.Millisecond)
}

// Do runs one command whose first argument is its key on a connection from
// conns, within ctx's deadline (Run: no goroutine per command). A pooled
// connection can be dead without the pool knowing: a command that fails on
// the network, rather than with a Redis error or the context's end, is
// retried once on a connection from Fresh, except SET … NX, whose first
// attempt may have succeeded unseen. args may come from an Args, which the
// caller releases after.
func Do(ctx context.Context, conns Conns, cmd string, args []any) (reply any, err error) {
	for attempt := 0; ; attempt++ {
		var conn redis.Conn
		if attempt == 0 {
			conn, err = Get(ctx, conns)
		} else {
			conn, err = Fresh(ctx, conns)
		}
		if err != nil {
			return nil, err
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
