// Package redisstore is a Redis session store that does each operation in
// one command: find is GET, commit is SET ... PX (with NX or XX when the
// manager asks for a conditional commit), a commit of a loaded session
// only if nobody changed it meanwhile is one EVALSHA (store.CompareCommitter),
// delete is DEL, touch is PEXPIRE, a read under an idle timeout is one
// EVALSHA that also extends the expiry when it is due (store.IdleFinder),
// retiring a token at renewal or logout is one EVALSHA of a small Lua
// script (store.Retirer; not on a cluster, see [Store.RetireCtx]), and
// iteration is SCAN + MGET, never KEYS.
//
// It runs on a single node or a Sentinel-managed master (through a redigo
// *redis.Pool) and on a Redis Cluster (through a *redisc.Cluster): a
// session is one key, one hash slot, so every session operation is one
// round trip to the node that owns it there too. See [Conns].
//
// Every call borrows a connection with pool.GetContext and runs with the
// request's context: a request that has ended sends nothing, a cancelled
// one stops waiting for a connection, and a reply is awaited until the
// context's deadline or the connection's read timeout, whichever is first.
// Without a deadline, or with one within a second, that costs no goroutine
// per command (redigo's DoContext starts one): the time left becomes the
// connection's read deadline. A later deadline (a handler timeout) goes
// through DoContext, so it never outlasts the read timeout. A cancellation
// without a deadline that arrives while a command is in flight is noticed
// when the reply (or the read timeout) comes. The store sends nothing per
// borrow; use a pool whose TestOnBorrow checks only connections that sat
// idle (herokuurl.Config.Pool does), not a PING on every borrow.
//
// Arguments are built in pooled buffers (keys, numbers, sessions up to
// 1 KiB) rather than boxed one by one: a GET costs 3 allocations (the
// pool's connection wrapper, redigo's reply and its box), a conditional
// commit of a session up to 1 KiB 1 (the wrapper). The buffers are reused
// once a command returns: a connection wrapper of yours (tracing, logging)
// must copy an argument it keeps beyond the call, as redigo's and redisc's
// connections do.
package redisstore

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/gomodule/redigo/redis"

	"github.com/sessionkit/sessionkit/internal/rediscmd"
	"github.com/sessionkit/sessionkit/store"
	"github.com/sessionkit/sessionkit/store/internal/mark"
)

// DefaultPrefix is the key prefix, the same as scs/redisstore's, so
// sessions written by either can be read by the other.
const DefaultPrefix = "scs:session:"

// DefaultScanBatch is the SCAN COUNT hint and MGET batch size for iteration.
const DefaultScanBatch = 100

// Conns is where a Store gets its connections: a *redis.Pool (a single
// node, or a Sentinel-managed master as herokuurl.Config.Connect builds
// it) or a *redisc.Cluster. The store uses more when the value has it:
//
//   - GetContext(ctx) (as *redis.Pool has): waiting for a free connection
//     ends with the request's context;
//   - Dial() (redis.Conn, error) (as *redisc.Cluster has): the one retry
//     after a network error runs on a connection dialled outside the pools;
//   - EachNode and Refresh (as *redisc.Cluster has): iteration walks every
//     master of the cluster's current layout.
//
// A *redisc.Conn is wrapped with redisc.RetryConn, so a MOVED or ASK reply
// (a slot that moved, a replica promoted) is followed within the call. A
// cluster connection takes no context: a command already sent ends with the
// connection's read timeout, not with the request's context.
type Conns interface {
	Get() redis.Conn
}

// Store keeps sessions in Redis. It is safe for concurrent use.
type Store struct {
	pool   Conns
	prefix string
	batch  int
	// cluster: the retire scripts cannot run (see RetireCtx).
	cluster bool
}

// Option configures a Store.
type Option func(*Store)

// WithPrefix sets the key prefix (default "scs:session:").
func WithPrefix(prefix string) Option { return func(s *Store) { s.prefix = prefix } }

// WithScanBatch sets how many keys one SCAN step asks for and one MGET
// fetches during iteration (default 100).
func WithScanBatch(n int) Option {
	return func(s *Store) {
		if n > 0 {
			s.batch = n
		}
	}
}

// New returns a Store that takes its connections from pool: a *redis.Pool,
// a *redisc.Cluster or anything else with their Get (see [Conns]).
func New(pool Conns, opts ...Option) *Store {
	s := &Store{pool: pool, prefix: DefaultPrefix, batch: DefaultScanBatch}
	_, s.cluster = pool.(cluster)
	for _, o := range opts {
		o(s)
	}
	return s
}

var (
	_ store.ConditionalCommitter = (*Store)(nil)
	_ store.Toucher              = (*Store)(nil)
	_ store.Retirer              = (*Store)(nil)
	_ store.IdleFinder           = (*Store)(nil)
	_ store.Walker               = (*Store)(nil)
)

// do runs one command with a's arguments (rediscmd.Do: within ctx's
// deadline, no goroutine per command, a script routed to its key's node on
// a cluster, one retry on a newly dialled connection after a network
// failure, never for SET NX). a stays the caller's to release.
func (s *Store) do(ctx context.Context, cmd string, a *rediscmd.Args) (any, error) {
	reply, err := rediscmd.Do(ctx, s.pool, cmd, a.List())
	if err != nil {
		return reply, fmt.Errorf("redisstore: %s: %w", cmd, err)
	}
	return reply, nil
}

// do1 runs a one-key command (GET, DEL, ...) on prefix+token.
func (s *Store) do1(ctx context.Context, cmd, token string) (any, error) {
	a := rediscmd.NewArgs().Key(s.prefix, token, "")
	reply, err := s.do(ctx, cmd, a)
	a.Release()
	return reply, err
}

// conn borrows a connection: with the context when the pool takes one, and
// able to follow cluster redirections when it is a cluster's.
func (s *Store) conn(ctx context.Context) (redis.Conn, error) { return rediscmd.Get(ctx, s.pool) }

// Find returns the session stored under token. One GET.
func (s *Store) Find(token string) ([]byte, bool, error) {
	return s.FindCtx(context.Background(), token)
}

// FindCtx is Find with a context.
func (s *Store) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	b, err := redis.Bytes(s.do1(ctx, "GET", token))
	if errors.Is(err, redis.ErrNil) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return b, true, nil
}

// findIdleScript: KEYS session key; ARGV idle ms, below ms. It returns nil
// for no session, the value alone when it left the expiry as it was, and
// the value in a one-element array when it extended the expiry: the usual
// reply is one bulk string, which redigo reads without building an array.
// A key without an expiry (PTTL -1, not written by this store) is left so.
var findIdleScript = newScript(1, `
local v = redis.call('GET', KEYS[1])
if not v then return false end
local ttl = redis.call('PTTL', KEYS[1])
if ttl >= 0 and ttl < tonumber(ARGV[2]) then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  return {v}
end
return v`)

// FindIdleCtx implements store.IdleFinder: one EVALSHA that reads the
// session and, if its remaining TTL is below below, extends it to idle
// with PEXPIRE. Redis's own clock decides, so processes with skewed clocks
// agree; extended is idle from the caller's clock.
func (s *Store) FindIdleCtx(ctx context.Context, token string, idle, below time.Duration) (b []byte, found bool, extended time.Time, err error) {
	a := s.script(findIdleScript).Key(s.prefix, token, "").Int(max(idle.Milliseconds(), 1)).Int(below.Milliseconds())
	reply, err := s.eval(ctx, findIdleScript, a)
	a.Release()
	if err != nil {
		return nil, false, time.Time{}, err
	}
	switch r := reply.(type) {
	case nil:
		return nil, false, time.Time{}, nil
	case []byte:
		return r, true, time.Time{}, nil
	case []any:
		if len(r) == 1 {
			if b, ok := r[0].([]byte); ok {
				return b, true, time.Now().Add(idle), nil
			}
		}
	}
	return nil, false, time.Time{}, fmt.Errorf("redisstore: find: unexpected script reply %T", reply)
}

// Commit stores b under token until expiry. One SET ... PX.
func (s *Store) Commit(token string, b []byte, expiry time.Time) error {
	return s.CommitCtx(context.Background(), token, b, expiry)
}

// CommitCtx is Commit with a context.
func (s *Store) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	return s.CommitModeCtx(ctx, token, b, expiry, store.Upsert)
}

// CommitModeCtx stores b under token until expiry if mode allows: one SET
// with PX and, for Create and Update, NX or XX. An expiry already past
// deletes the session instead.
func (s *Store) CommitModeCtx(ctx context.Context, token string, b []byte, expiry time.Time, mode store.Mode) error {
	ms := time.Until(expiry).Milliseconds()
	if ms <= 0 {
		return s.DeleteCtx(ctx, token)
	}
	a := rediscmd.SetCondition(rediscmd.NewArgs().Key(s.prefix, token, "").Bytes(b).Add("PX").Int(ms), mode)
	reply, err := s.do(ctx, "SET", a)
	a.Release()
	return rediscmd.SetResult(reply, err, mode)
}

// Delete removes token's session. One DEL.
func (s *Store) Delete(token string) error { return s.DeleteCtx(context.Background(), token) }

// DeleteCtx is Delete with a context.
func (s *Store) DeleteCtx(ctx context.Context, token string) error {
	_, err := s.do1(ctx, "DEL", token)
	return err
}

// TouchCtx moves token's expiry without rewriting the session. One PEXPIRE.
func (s *Store) TouchCtx(ctx context.Context, token string, expiry time.Time) error {
	ms := time.Until(expiry).Milliseconds()
	if ms <= 0 {
		return s.DeleteCtx(ctx, token)
	}
	a := rediscmd.NewArgs().Key(s.prefix, token, "").Int(ms)
	n, err := redis.Int(s.do(ctx, "PEXPIRE", a))
	a.Release()
	if err != nil {
		return err
	}
	if n == 0 {
		return store.ErrGone
	}
	return nil
}

// All returns every session, keyed by token. See AllCtx.
func (s *Store) All() (map[string][]byte, error) { return s.AllCtx(context.Background()) }

// AllCtx returns every session, keyed by token, walking the keyspace with
// SCAN and fetching each batch with one MGET, all on one connection. It
// never blocks Redis the way KEYS does, but it reads every session: an
// administrative operation. Sessions that expire during the walk are left
// out; SCAN may report a key twice, which the map absorbs.
//
// On a cluster it refreshes the layout (one CLUSTER SLOTS), then walks each
// master in turn, fetching each batch with pipelined GETs, since one MGET
// may not span slots.
func (s *Store) AllCtx(ctx context.Context) (map[string][]byte, error) {
	all := map[string][]byte{}
	if c, ok := s.pool.(cluster); ok {
		if err := c.Refresh(); err != nil {
			return nil, fmt.Errorf("redisstore: SCAN: cluster layout: %w", err)
		}
		err := c.EachNode(false, func(addr string, conn redis.Conn) error {
			if err := s.scan(ctx, conn, collect(all), false); err != nil {
				return fmt.Errorf("%w (on node %s)", err, addr)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		return all, nil
	}
	conn, err := s.conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("redisstore: SCAN: getting a connection: %w", err)
	}
	defer conn.Close()
	if err := s.scan(ctx, conn, collect(all), true); err != nil {
		return nil, err
	}
	return all, nil
}

// cluster is what iteration needs from a *redisc.Cluster.
type cluster interface {
	Refresh() error
	EachNode(replicas bool, fn func(addr string, conn redis.Conn) error) error
}

// collect is a scan callback that gathers every session into all.
func collect(all map[string][]byte) func(string, []byte) error {
	return func(token string, b []byte) error { all[token] = b; return nil }
}

// scan walks conn's keyspace (rediscmd.Scan), calling each for every
// session, marks left out. each's error is returned as it is.
func (s *Store) scan(ctx context.Context, conn redis.Conn, each func(token string, b []byte) error, mget bool) error {
	var eachErr error
	err := rediscmd.Scan(ctx, conn, s.prefix, s.batch, mget, func(token string, b []byte) error {
		if mark.Is(b) {
			return nil
		}
		eachErr = each(token, b)
		return eachErr
	})
	if err != nil && err != eachErr {
		return fmt.Errorf("redisstore: %w", err)
	}
	return err
}

// WalkCtx implements store.Walker: SCAN and one MGET per batch, with at
// most one batch (WithScanBatch, default 100 sessions) in memory. fn runs
// between batches' commands, on no connection: it may use the store. On a
// cluster it refreshes the layout (one CLUSTER SLOTS) and walks each master
// in turn, a batch at a time with pipelined GETs; fn then runs while one
// idle connection to the master being walked is held, and may still use
// the store, whose commands take other connections.
func (s *Store) WalkCtx(ctx context.Context, fn func(token string, b []byte) error) error {
	if c, ok := s.pool.(cluster); ok {
		if err := c.Refresh(); err != nil {
			return fmt.Errorf("redisstore: SCAN: cluster layout: %w", err)
		}
		var fnErr error // fn's own error, returned as it is
		err := c.EachNode(false, func(addr string, conn redis.Conn) error {
			err := s.scan(ctx, conn, func(token string, b []byte) error {
				fnErr = fn(token, b)
				return fnErr
			}, false)
			if err != nil && fnErr == nil {
				return fmt.Errorf("%w (on node %s)", err, addr)
			}
			return err
		})
		if fnErr != nil {
			return fnErr
		}
		return err
	}
	cursor := "0"
	for {
		keys, values, next, err := s.scanBatch(ctx, cursor)
		if err != nil {
			return err
		}
		for i, v := range values {
			if v != nil && !mark.Is(v) {
				if err := fn(strings.TrimPrefix(keys[i], s.prefix), v); err != nil {
					return err
				}
			}
		}
		if cursor = next; cursor == "0" {
			return nil
		}
	}
}

// scanBatch runs one SCAN step and one MGET of the keys it returns, on one
// pooled connection returned before fn sees the batch.
func (s *Store) scanBatch(ctx context.Context, cursor string) (keys []string, values [][]byte, next string, err error) {
	conn, err := s.conn(ctx)
	if err != nil {
		return nil, nil, "", fmt.Errorf("redisstore: SCAN: getting a connection: %w", err)
	}
	defer conn.Close()
	keys, values, next, err = rediscmd.ScanBatch(ctx, conn, cursor, s.prefix, s.batch, true)
	if err != nil {
		return nil, nil, "", fmt.Errorf("redisstore: %w", err)
	}
	return keys, values, next, nil
}

// markSuffix names the key that holds a retired token's mark. The session
// key itself is deleted when its token is retired, so GET, SET XX and
// PEXPIRE keep their one-command semantics and never see a mark.
const markSuffix = ":retired"

// script is a Lua script sent by EVALSHA, falling back to EVAL when the
// server does not have it cached (NOSCRIPT): one command either way.
type script struct {
	src, sha string
	keys     int
	// shaArg, srcArg and keysArg are sha, src and keys as command
	// arguments, boxed once here rather than on every call.
	shaArg, srcArg, keysArg any
}

func newScript(keys int, src string) *script {
	sum := sha1.Sum([]byte(src))
	sha := hex.EncodeToString(sum[:])
	return &script{src: src, sha: sha, keys: keys, shaArg: sha, srcArg: src, keysArg: keys}
}

// script starts the arguments of a call of sc: its sha and key count,
// boxed once in newScript. The caller adds the keys and arguments, passes
// them to eval and releases them.
func (s *Store) script(sc *script) *rediscmd.Args {
	return rediscmd.NewArgs().Add(sc.shaArg).Add(sc.keysArg)
}

// eval runs sc with a's arguments (begun by script): EVALSHA, and EVAL
// when the server's script cache does not hold it.
func (s *Store) eval(ctx context.Context, sc *script, a *rediscmd.Args) (any, error) {
	reply, err := s.do(ctx, "EVALSHA", a)
	if err != nil && noScript(err) {
		a.Set(0, sc.srcArg)
		reply, err = s.do(ctx, "EVAL", a)
	}
	return reply, err
}

// noScript reports whether err is Redis's NOSCRIPT: the script cache does
// not hold the script. Apart from eval, so that only a failing call pays
// for errors.As's target escaping to the heap.
func noScript(err error) bool {
	var re redis.Error
	return errors.As(err, &re) && strings.HasPrefix(string(re), "NOSCRIPT")
}

// retireScript: KEYS session key, mark key; ARGV pending ms, pending mark.
var retireScript = newScript(2, `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('DEL', KEYS[1])
redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[1])
return 1`)

// endScript: KEYS mark key; ARGV forward prefix, key prefix. A forward
// mark's target (and the target's pending mark, if it is being renewed in
// turn) is read from the mark, not declared in KEYS: not for Redis Cluster.
var endScript = newScript(1, `
local m = redis.call('GET', KEYS[1])
if not m then return 0 end
redis.call('DEL', KEYS[1])
if string.sub(m, 1, #ARGV[1]) == ARGV[1] then
  local to = ARGV[2] .. string.sub(m, #ARGV[1] + 1)
  redis.call('DEL', to)
  local tm = to .. ':retired'
  local t = redis.call('GET', tm)
  if t and string.sub(t, 1, #ARGV[1]) ~= ARGV[1] then redis.call('DEL', tm) end
end
return 1`)

// renewScript: KEYS old mark key, new session key; ARGV pending mark,
// blob, expiry ms, forward mark, grace ms.
var renewScript = newScript(2, `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if not redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3], 'NX') then return -1 end
redis.call('SET', KEYS[1], ARGV[4], 'PX', ARGV[5])
return 1`)

// RetireCtx implements store.Retirer: one EVALSHA. The session key is
// deleted and its mark kept under the same key plus ":retired".
//
// On a cluster the scripts cannot run: a token's mark and the renewed
// token's session lie in different hash slots (CROSSSLOT). There the store
// retires as scs does, one single-key command each: RetireCtx is DEL,
// RenewCtx a plain SET, EndCtx nothing; so a renewal racing a logout of
// the same session can leave the renewed session alive.
func (s *Store) RetireCtx(ctx context.Context, token string, ttl time.Duration) (bool, error) {
	if s.cluster {
		// No marks across slots: a plain DEL, whose count still tells a
		// renewal that a finished sign-out deleted the session.
		n, err := redis.Int(s.do1(ctx, "DEL", token))
		return n > 0, err
	}
	a := s.script(retireScript).Key(s.prefix, token, "").Key(s.prefix, token, markSuffix).
		Int(max(ttl.Milliseconds(), 1)).Bytes(mark.Pending())
	n, err := redis.Int(s.eval(ctx, retireScript, a))
	a.Release()
	return n == 1, err
}

// RenewCtx implements store.Retirer: one EVALSHA.
func (s *Store) RenewCtx(ctx context.Context, oldToken, newToken string, b []byte, expiry time.Time, grace time.Duration) error {
	if s.cluster {
		return s.CommitCtx(ctx, newToken, b, expiry)
	}
	ms := time.Until(expiry).Milliseconds()
	if ms <= 0 {
		return store.ErrGone
	}
	a := s.script(renewScript).Key(s.prefix, oldToken, markSuffix).Key(s.prefix, newToken, "").
		Bytes(mark.Pending()).Bytes(b).Int(ms).Bytes(mark.Forward(newToken)).Int(max(grace.Milliseconds(), 1))
	n, err := redis.Int(s.eval(ctx, renewScript, a))
	a.Release()
	switch {
	case err != nil:
		return err
	case n == 0:
		return store.ErrGone
	case n < 0:
		return store.ErrExists
	}
	return nil
}

// EndCtx implements store.Retirer: one EVALSHA.
func (s *Store) EndCtx(ctx context.Context, token string) error {
	if s.cluster {
		return nil
	}
	a := s.script(endScript).Key(s.prefix, token, markSuffix).Add(mark.ForwardPrefix()).Add(s.prefix)
	_, err := s.eval(ctx, endScript, a)
	a.Release()
	return err
}
