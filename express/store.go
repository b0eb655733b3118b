package express

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/gomodule/redigo/redis"

	"github.com/sessionkit/sessionkit/internal/rediscmd"
	"github.com/sessionkit/sessionkit/store"
)

// Store keeps sessions in Redis exactly as connect-redis 9 does, so that
// express-session and a sessionkit manager share them: the key is prefix +
// sid (raw), the value the blob from [Codec], written with SET key value EX
// ttl where ttl is [TTL] of the session's expiry (whole seconds, rounded
// up; [DefaultTTL] without an expiry), and deleted instead when ttl ≤ 0.
// A touch is EXPIRE key ttl, a delete is DEL. It is safe for concurrent use.
//
// Every operation is one Redis command. Commits are conditional as the
// manager asks (SET … NX for a new session, XX for a loaded one), so a
// request that loaded a session a sign-out then deleted, on either side,
// does not bring it back. Store implements none of store.Retirer: renewal
// marks (keys ending in ":retired") would sit under the prefix where
// connect-redis's all() and length() would find them, and all() would
// fail to parse them. Without marks a token renewal racing a sign-out of
// the same session can leave the renewed session alive, as in scs and
// express-session.
//
// Every operation is on one key, sess:<sid>, so one hash slot: Store works
// on a single node, a Sentinel-managed master and a Redis Cluster alike
// (see [Conns]). A command that fails on the network (a pooled connection
// Redis closed: it restarted, or a Sentinel failover dropped its clients)
// is retried once on a newly dialled connection, except SET … NX, whose
// first attempt may have succeeded unseen.
type Store struct {
	pool   Conns
	prefix string
}

// Conns is where a Store gets its connections, as store/redisstore takes
// them: a *redis.Pool (a single node, or a Sentinel-managed master) or a
// *redisc.Cluster, which is what herokuurl.Config.Connect returns for each.
// With a *redis.Pool, waiting for a connection ends with the request's
// context; a cluster's connections follow MOVED and ASK replies within the
// call, and a command already sent on one ends with its read timeout, not
// with the context.
type Conns interface {
	Get() redis.Conn
}

var (
	_ store.ConditionalCommitter = (*Store)(nil)
	_ store.Toucher              = (*Store)(nil)
	_ store.Remover              = (*Store)(nil)
)

// NewStore returns a Store on pool (a *redis.Pool, a *redisc.Cluster, or
// what herokuurl.Config.Connect returns; see [Conns]) with key prefix
// prefix ("" means [DefaultPrefix], connect-redis's "sess:").
func NewStore(pool Conns, prefix string) *Store {
	if prefix == "" {
		prefix = DefaultPrefix
	}
	return &Store{pool: pool, prefix: prefix}
}

// do runs one command with a's arguments on a connection from the pool,
// within ctx's deadline and retrying once after a network failure
// (rediscmd.Do). a stays the caller's to release.
func (s *Store) do(ctx context.Context, cmd string, a *rediscmd.Args) (any, error) {
	reply, err := rediscmd.Do(ctx, s.pool, cmd, a.List())
	if err != nil {
		return reply, fmt.Errorf("express: redis %s: %w", cmd, err)
	}
	return reply, nil
}

// do1 runs a one-key command (GET, DEL) on prefix+sid.
func (s *Store) do1(ctx context.Context, cmd, sid string) (any, error) {
	a := rediscmd.NewArgs().Key(s.prefix, sid, "")
	reply, err := s.do(ctx, cmd, a)
	a.Release()
	return reply, err
}

// Find returns the blob stored for sid. One GET.
func (s *Store) Find(sid string) ([]byte, bool, error) {
	return s.FindCtx(context.Background(), sid)
}

// FindCtx is Find with a context.
func (s *Store) FindCtx(ctx context.Context, sid string) ([]byte, bool, error) {
	b, err := redis.Bytes(s.do1(ctx, "GET", sid))
	if errors.Is(err, redis.ErrNil) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return b, true, nil
}

// Commit stores b for sid until expiry, unconditionally. One SET … EX, or
// one DEL when expiry has passed.
func (s *Store) Commit(sid string, b []byte, expiry time.Time) error {
	return s.CommitModeCtx(context.Background(), sid, b, expiry, store.Upsert)
}

// CommitCtx is Commit with a context.
func (s *Store) CommitCtx(ctx context.Context, sid string, b []byte, expiry time.Time) error {
	return s.CommitModeCtx(ctx, sid, b, expiry, store.Upsert)
}

// CommitModeCtx stores b for sid with connect-redis's TTL if mode allows:
// one SET key b EX ttl, with NX for store.Create and XX for store.Update
// (store.ErrExists or store.ErrGone when refused). A ttl ≤ 0 deletes the
// session instead (one DEL), as connect-redis does.
func (s *Store) CommitModeCtx(ctx context.Context, sid string, b []byte, expiry time.Time, mode store.Mode) error {
	ttl := TTL(expiry, time.Now())
	if ttl <= 0 {
		return s.DeleteCtx(ctx, sid)
	}
	a := rediscmd.SetCondition(rediscmd.NewArgs().Key(s.prefix, sid, "").Bytes(b).Add("EX").Int(ttl), mode)
	reply, err := s.do(ctx, "SET", a)
	a.Release()
	return rediscmd.SetResult(reply, err, mode)
}

// Delete removes sid's session. One DEL.
func (s *Store) Delete(sid string) error { return s.DeleteCtx(context.Background(), sid) }

// DeleteCtx is Delete with a context.
func (s *Store) DeleteCtx(ctx context.Context, sid string) error {
	_, err := s.RemoveCtx(ctx, sid)
	return err
}

// RemoveCtx is DeleteCtx reporting whether there was a session (DEL's
// count), so that a token renewal after a finished sign-out ends signed
// out (store.Remover). One DEL, as connect-redis's destroy.
func (s *Store) RemoveCtx(ctx context.Context, sid string) (bool, error) {
	n, err := redis.Int(s.do1(ctx, "DEL", sid))
	return n > 0, err
}

// TouchCtx moves sid's expiry as connect-redis's touch does: one EXPIRE
// key ttl (or DEL when ttl ≤ 0). It returns store.ErrGone when there is no
// such session.
func (s *Store) TouchCtx(ctx context.Context, sid string, expiry time.Time) error {
	ttl := TTL(expiry, time.Now())
	if ttl <= 0 {
		return s.DeleteCtx(ctx, sid)
	}
	a := rediscmd.NewArgs().Key(s.prefix, sid, "").Int(ttl)
	n, err := redis.Int(s.do(ctx, "EXPIRE", a))
	a.Release()
	if err != nil {
		return err
	}
	if n == 0 {
		return store.ErrGone
	}
	return nil
}

// All returns every session under the prefix, keyed by sid. See AllCtx.
func (s *Store) All() (map[string][]byte, error) { return s.AllCtx(context.Background()) }

// AllCtx returns every session under the prefix, keyed by sid: SCAN MATCH
// prefix* and one MGET per batch of 100 keys, on one connection, as
// connect-redis's all() does. It reads every session: an administrative
// operation.
//
// On a cluster it refreshes the layout (one CLUSTER SLOTS), then walks
// each master in turn, fetching each batch with pipelined GETs, since one
// MGET may not span slots.
func (s *Store) AllCtx(ctx context.Context) (map[string][]byte, error) {
	all := map[string][]byte{}
	if c, ok := s.pool.(rediscmd.Cluster); ok {
		if err := c.Refresh(); err != nil {
			return nil, fmt.Errorf("express: redis SCAN: cluster layout: %w", err)
		}
		err := c.EachNode(false, func(addr string, conn redis.Conn) error {
			if err := s.scan(ctx, conn, all, false); err != nil {
				return fmt.Errorf("%w (on node %s)", err, addr)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		return all, nil
	}
	// A walk read again from the start only adds what the map absorbs, so
	// it is retried, once, on a newly dialled connection as commands are.
	for attempt := 0; ; attempt++ {
		get := rediscmd.Get
		if attempt > 0 {
			get = rediscmd.Fresh
		}
		conn, err := get(ctx, s.pool)
		if err != nil {
			return nil, fmt.Errorf("express: redis SCAN: getting a connection: %w", err)
		}
		err = s.scan(ctx, conn, all, true)
		conn.Close()
		if err == nil || attempt > 0 || !rediscmd.Retryable(ctx, err, "SCAN", nil) {
			return all, err
		}
	}
}

// scan walks conn's keyspace into all (rediscmd.Scan).
func (s *Store) scan(ctx context.Context, conn redis.Conn, all map[string][]byte, mget bool) error {
	err := rediscmd.Scan(ctx, conn, s.prefix, 100, mget, func(sid string, b []byte) error {
		all[sid] = b
		return nil
	})
	if err != nil {
		return fmt.Errorf("express: redis %w", err)
	}
	return nil
}
