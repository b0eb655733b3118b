package rediscmd

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/gomodule/redigo/redis"
)

// shortDeadline: deadlines within it are read deadlines (see [Run]). Read
// timeouts are seconds (herokuurl's default is 3 s); a shorter one is rare.
const shortDeadline = time.Second

// Run sends one command on conn and returns its reply, waiting no longer
// than ctx's deadline and without starting a goroutine.
//
// redigo's DoContext starts a goroutine and a channel per command to
// watch the context; here a deadline at most [shortDeadline] away becomes
// the connection's read deadline instead (DoWithTimeout), and a context
// with no deadline waits for the connection's own read timeout (Do). A
// later deadline goes to redigo's DoContext, which keeps the shorter of
// it and the connection's read timeout (which redigo does not expose): a
// handler timeout of a minute must not outlast a read timeout of 3 s. A
// context already ended sends nothing. The cost of that: a cancellation
// (as opposed to a deadline) that arrives while the command is in flight
// is noticed only when the reply or the read timeout arrives, and a
// deadline within shortDeadline replaces a read timeout shorter still.
//
// A reply that misses ctx's deadline returns an error that wraps both
// context.DeadlineExceeded and the connection's timeout. A connection
// without DoWithTimeout (a wrapper that hides it) runs DoContext when it
// has that, else Do.
func Run(ctx context.Context, conn redis.Conn, cmd string, args []any) (any, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	dl, ok := ctx.Deadline()
	if !ok {
		return conn.Do(cmd, args...)
	}
	cwt, ok := conn.(redis.ConnWithTimeout)
	if !ok {
		return withContext(ctx, conn, cmd, args)
	}
	left := time.Until(dl)
	if left <= 0 {
		return nil, context.DeadlineExceeded
	}
	if left > shortDeadline {
		return withContext(ctx, conn, cmd, args)
	}
	reply, err := cwt.DoWithTimeout(left, cmd, args...)
	if err != nil {
		switch {
		case errors.Is(err, errTimeoutNotSupported):
			// A pooled connection around one without DoWithTimeout:
			// it refused before sending anything.
			return withContext(ctx, conn, cmd, args)
		case missed(err, dl):
			return nil, fmt.Errorf("%w (%w)", context.DeadlineExceeded, err)
		}
	}
	return reply, err
}

// missed reports whether err is a read timeout at or past the deadline dl:
// the context's deadline, whichever of the two noticed it first.
func missed(err error, dl time.Time) bool {
	return errors.Is(err, os.ErrDeadlineExceeded) && !time.Now().Before(dl)
}

// withContext runs the command on a connection without DoWithTimeout (a
// wrapper that hides it): with DoContext when the connection has it, so
// that the deadline still holds (a goroutine per command, as redigo's
// DoContext costs), else with Do.
func withContext(ctx context.Context, conn redis.Conn, cmd string, args []any) (any, error) {
	if cc, ok := conn.(redis.ConnWithContext); ok {
		reply, err := cc.DoContext(ctx, cmd, args...)
		if dl, ok := ctx.Deadline(); ok && err != nil && !errors.Is(err, context.DeadlineExceeded) && missed(err, dl) {
			// redigo's DoContext sets the time left as the read timeout
			// too: which of that and ctx.Done it sees first is a race.
			return nil, fmt.Errorf("%w (%w)", context.DeadlineExceeded, err)
		}
		if !errors.Is(err, errContextNotSupported) {
			return reply, err
		}
		// A pooled connection around one without DoContext either:
		// it refused before sending anything.
	}
	return conn.Do(cmd, args...)
}

// withoutTimeout is a connection without DoWithTimeout, only to learn the
// error redigo returns for one (it is not exported).
type withoutTimeout struct{ redis.Conn }

var errTimeoutNotSupported = func() error {
	_, err := redis.DoWithTimeout(withoutTimeout{}, 0, "")
	return err
}()

// errContextNotSupported is redigo's error for a connection without
// DoContext (not exported either).
var errContextNotSupported = func() error {
	_, err := redis.DoContext(withoutTimeout{}, context.Background(), "")
	return err
}()
