package redisstore

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"time"

	"github.com/gomodule/redigo/redis"

	"github.com/sessionkit/sessionkit/store"
)

var _ store.CompareCommitter = (*Store)(nil)

// commitIfScript: KEYS session key; ARGV sha1 of the loaded blob, blob,
// expiry ms. Only the loaded blob's hash travels, not the blob: the
// comparison costs one SHA-1 of the stored session inside Redis.
var commitIfScript = newScript(1, `
local cur = redis.call('GET', KEYS[1])
if not cur then return 0 end
if redis.sha1hex(cur) ~= ARGV[1] then return -1 end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return 1`)

// CommitIfCtx implements store.CompareCommitter: one EVALSHA (EVAL once
// per script when the server's script cache is empty), in which Redis runs
// GET and SET. It compares SHA-1 hashes of the stored and the loaded
// session: equal hashes of different sessions would need a deliberate
// SHA-1 collision between two versions of one user's own session, and
// cost that user, at most, one lost update.
func (s *Store) CommitIfCtx(ctx context.Context, token string, b []byte, expiry time.Time, loaded []byte) error {
	ms := time.Until(expiry).Milliseconds()
	if ms <= 0 {
		return s.DeleteCtx(ctx, token)
	}
	sum := sha1.Sum(loaded)
	var hexSum [2 * sha1.Size]byte // on the stack: one allocation, the string
	hex.Encode(hexSum[:], sum[:])
	n, err := redis.Int(s.eval(ctx, commitIfScript, s.prefix+token, string(hexSum[:]), b, ms))
	switch {
	case err != nil:
		return err
	case n == 0:
		return store.ErrGone
	case n < 0:
		return store.ErrConflict
	}
	return nil
}
