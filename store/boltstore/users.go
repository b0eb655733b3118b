package boltstore

import (
	"context"
	"encoding/binary"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/sessionkit/sessionkit/store"
)

var _ store.UserIndexer = (*Store)(nil)

// usersBucket names the bucket holding one nested bucket per user, each
// mapping session keys to the time they were bound (unix nanoseconds).
func (s *Store) usersBucket() []byte { return append([]byte(nil), append(s.bucket, ".users"...)...) }

// BindUserCtx implements store.UserIndexer in one transaction. Listing
// prunes the index; the expiry sweep leaves it alone.
func (s *Store) BindUserCtx(ctx context.Context, user, key string, boundAt, _ time.Time) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return wrap("bind user", s.db.Update(func(tx *bolt.Tx) error {
		users, err := tx.CreateBucketIfNotExists(s.usersBucket())
		if err != nil {
			return err
		}
		u, err := users.CreateBucketIfNotExists([]byte(user))
		if err != nil {
			return err
		}
		var at [8]byte
		binary.BigEndian.PutUint64(at[:], uint64(boundAt.UnixNano()))
		return u.Put([]byte(key), at[:])
	}))
}

// UserSessionsCtx implements store.UserIndexer in one transaction.
func (s *Store) UserSessionsCtx(ctx context.Context, user string, recent time.Time) ([]store.UserSession, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var out []store.UserSession
	err := s.db.Update(func(tx *bolt.Tx) error {
		users := tx.Bucket(s.usersBucket())
		if users == nil {
			return nil
		}
		u := users.Bucket([]byte(user))
		if u == nil {
			return nil
		}
		sessions := tx.Bucket(s.bucket)
		now := time.Now()
		var dead [][]byte
		err := u.ForEach(func(k, v []byte) error {
			at := boundAt(v)
			live := liveSession(sessions.Get(k), now)
			if live || at.After(recent) {
				out = append(out, store.UserSession{Key: string(k), BoundAt: at, Live: live})
			} else {
				dead = append(dead, append([]byte(nil), k...))
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, k := range dead {
			if err := u.Delete(k); err != nil {
				return err
			}
		}
		if len(out) == 0 {
			return users.DeleteBucket([]byte(user))
		}
		return nil
	})
	return out, wrap("user sessions", err)
}

// UnbindUserCtx implements store.UserIndexer in one transaction.
func (s *Store) UnbindUserCtx(ctx context.Context, user string, keys ...string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return wrap("unbind user", s.db.Update(func(tx *bolt.Tx) error {
		users := tx.Bucket(s.usersBucket())
		if users == nil {
			return nil
		}
		u := users.Bucket([]byte(user))
		if u == nil {
			return nil
		}
		for _, k := range keys {
			if err := u.Delete([]byte(k)); err != nil {
				return err
			}
		}
		return nil
	}))
}

// indexGrace is how long the sweep keeps an index entry whose session does
// not exist: a token renewal binds its new key just before creating it.
const indexGrace = time.Minute

// pruneUsers drops index entries whose session is gone, so that users who
// never list their sessions do not make the index grow.
func (s *Store) pruneUsers(tx *bolt.Tx, now time.Time) error {
	users := tx.Bucket(s.usersBucket())
	if users == nil {
		return nil
	}
	sessions := tx.Bucket(s.bucket)
	var emptied [][]byte
	err := users.ForEachBucket(func(name []byte) error {
		u := users.Bucket(name)
		var dead [][]byte
		left := 0
		err := u.ForEach(func(k, v []byte) error {
			if sessions.Get(k) == nil && now.Sub(boundAt(v)) > indexGrace {
				dead = append(dead, append([]byte(nil), k...))
			} else {
				left++
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, k := range dead {
			if err := u.Delete(k); err != nil {
				return err
			}
		}
		if left == 0 {
			emptied = append(emptied, append([]byte(nil), name...))
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, name := range emptied {
		if err := users.DeleteBucket(name); err != nil {
			return err
		}
	}
	return nil
}

// boundAt decodes an index entry's time; a malformed one reads as the zero
// time, so that it is pruned like an old entry.
func boundAt(v []byte) time.Time {
	if len(v) != 8 {
		return time.Time{}
	}
	return time.Unix(0, int64(binary.BigEndian.Uint64(v)))
}
