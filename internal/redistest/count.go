package redistest

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gomodule/redigo/redis"
)

// Counter counts the commands sent through the connections of a pool
// given to Count: one per Do or Send, so an EVALSHA counts once whatever
// its script runs inside Redis, and a MULTI … EXEC block counts each of
// its commands. It is what a client pays in commands, measured without
// the server's help (MONITOR, see ClientCalls, slows the server down).
type Counter struct {
	mu    sync.Mutex
	n     map[string]*atomic.Int64
	total atomic.Int64
}

// Count makes every connection p dials from now on count its commands in
// the returned Counter. p must dial with Dial, not DialContext.
func Count(p *redis.Pool) *Counter {
	c := &Counter{n: map[string]*atomic.Int64{}}
	dial := p.Dial
	p.Dial = func() (redis.Conn, error) {
		conn, err := dial()
		if err != nil {
			return nil, err
		}
		return countingConn{conn, c}, nil
	}
	return c
}

// Total is the number of commands sent so far.
func (c *Counter) Total() int64 { return c.total.Load() }

// Snapshot returns the commands sent so far by name, as the client spelt
// them ("EVALSHA", "SET", ...).
func (c *Counter) Snapshot() map[string]int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(map[string]int64, len(c.n))
	for k, v := range c.n {
		out[k] = v.Load()
	}
	return out
}

func (c *Counter) add(cmd string) {
	if cmd == "" { // redigo's flush-and-receive-all, not a command
		return
	}
	c.mu.Lock()
	n, ok := c.n[cmd]
	if !ok {
		n = new(atomic.Int64)
		c.n[cmd] = n
	}
	c.mu.Unlock()
	n.Add(1)
	c.total.Add(1)
}

type countingConn struct {
	redis.Conn
	c *Counter
}

func (cc countingConn) Do(cmd string, args ...any) (any, error) {
	cc.c.add(cmd)
	return cc.Conn.Do(cmd, args...)
}

func (cc countingConn) Send(cmd string, args ...any) error {
	cc.c.add(cmd)
	return cc.Conn.Send(cmd, args...)
}

func (cc countingConn) DoContext(ctx context.Context, cmd string, args ...any) (any, error) {
	cc.c.add(cmd)
	return cc.Conn.(redis.ConnWithContext).DoContext(ctx, cmd, args...)
}

func (cc countingConn) ReceiveContext(ctx context.Context) (any, error) {
	return cc.Conn.(redis.ConnWithContext).ReceiveContext(ctx)
}

func (cc countingConn) DoWithTimeout(timeout time.Duration, cmd string, args ...any) (any, error) {
	cc.c.add(cmd)
	return redis.DoWithTimeout(cc.Conn, timeout, cmd, args...)
}

func (cc countingConn) ReceiveWithTimeout(timeout time.Duration) (any, error) {
	return redis.ReceiveWithTimeout(cc.Conn, timeout)
}
