package redisstore

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/gomodule/redigo/redis"

	"github.com/sessionkit/sessionkit/internal/rediscmd"
	"github.com/sessionkit/sessionkit/store"
)

var _ store.UserIndexer = (*Store)(nil)

// userKey is the Redis key of user's index: a hash from session key to
// the time it was bound (unix ms). It never starts with the session
// prefix, so nothing that scans the sessions' keys (this store's
// iteration, connect-redis's "sess:*" in Express mode) meets it: with the
// default prefix it is "scs:user:" + user, with "sess:" it is
// "sess-user:" + user.
func (s *Store) userKey(user string) string {
	if p, ok := strings.CutSuffix(s.prefix, "session:"); ok {
		return p + "user:" + user
	}
	return strings.TrimSuffix(s.prefix, ":") + "-user:" + user
}

// bindScript: KEYS index; ARGV session key, bound at ms, ttl ms. The index
// lives at least as long as its longest session.
var bindScript = newScript(1, `
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[3]) then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
return 1`)

// listScript: KEYS index; ARGV session key prefix, recent ms. Returns
// field, bound at, live (1/0) triples; removes dead entries bound before
// recent. The session keys it checks are not declared in KEYS: on a
// cluster UserSessionsCtx does without it.
var listScript = newScript(1, `
local all = redis.call('HGETALL', KEYS[1])
local out = {}
local recent = tonumber(ARGV[2])
for i = 1, #all, 2 do
  local live = redis.call('EXISTS', ARGV[1] .. all[i])
  if live == 1 or tonumber(all[i+1]) > recent then
    out[#out+1] = all[i]; out[#out+1] = all[i+1]; out[#out+1] = live
  else
    redis.call('HDEL', KEYS[1], all[i])
  end
end
return out`)

// BindUserCtx implements store.UserIndexer: one EVALSHA (HSET, and
// PEXPIRE when the index would otherwise end before this session).
func (s *Store) BindUserCtx(ctx context.Context, user, key string, boundAt, expiry time.Time) error {
	ms := max(time.Until(expiry).Milliseconds(), 1)
	a := s.script(bindScript).Add(s.userKey(user)).Add(key).Int(boundAt.UnixMilli()).Int(ms)
	_, err := s.eval(ctx, bindScript, a)
	a.Release()
	return err
}

// UserSessionsCtx implements store.UserIndexer: one EVALSHA, which runs
// HGETALL and one EXISTS per entry (and HDEL per dead entry) inside Redis.
//
// On a cluster the script cannot run (the session keys lie in other hash
// slots than the index): there it is HGETALL, one EXISTS per entry and one
// HDEL for the dead ones, each routed to its node, without a script's
// atomicity (a session created between the EXISTS and the HDEL of its
// entry would lose its entry only if older than recent, which a session
// being created is not).
func (s *Store) UserSessionsCtx(ctx context.Context, user string, recent time.Time) ([]store.UserSession, error) {
	if s.cluster {
		return s.userSessionsCluster(ctx, user, recent)
	}
	a := s.script(listScript).Add(s.userKey(user)).Add(s.prefix).Int(recent.UnixMilli())
	vals, err := redis.Values(s.eval(ctx, listScript, a))
	a.Release()
	if err != nil {
		return nil, err
	}
	out := make([]store.UserSession, 0, len(vals)/3)
	for i := 0; i+2 < len(vals); i += 3 {
		key, _ := redis.String(vals[i], nil)
		at, _ := redis.String(vals[i+1], nil)
		live, _ := redis.Int(vals[i+2], nil)
		ms, _ := strconv.ParseInt(at, 10, 64)
		out = append(out, store.UserSession{Key: key, BoundAt: time.UnixMilli(ms), Live: live == 1})
	}
	return out, nil
}

// UnbindUserCtx implements store.UserIndexer: one HDEL.
func (s *Store) UnbindUserCtx(ctx context.Context, user string, keys ...string) error {
	if len(keys) == 0 {
		return nil
	}
	a := rediscmd.NewArgs().Add(s.userKey(user))
	for _, k := range keys {
		a.Add(k)
	}
	_, err := s.do(ctx, "HDEL", a)
	a.Release()
	return err
}

func (s *Store) userSessionsCluster(ctx context.Context, user string, recent time.Time) ([]store.UserSession, error) {
	a := rediscmd.NewArgs().Add(s.userKey(user))
	all, err := redis.StringMap(s.do(ctx, "HGETALL", a))
	a.Release()
	if err != nil {
		return nil, err
	}
	var out []store.UserSession
	var dead []string
	for key, at := range all {
		n, err := redis.Int(s.do1(ctx, "EXISTS", key))
		if err != nil {
			return nil, err
		}
		ms, _ := strconv.ParseInt(at, 10, 64)
		bound := time.UnixMilli(ms)
		if n == 1 || bound.After(recent) {
			out = append(out, store.UserSession{Key: key, BoundAt: bound, Live: n == 1})
		} else {
			dead = append(dead, key)
		}
	}
	return out, s.UnbindUserCtx(ctx, user, dead...)
}
