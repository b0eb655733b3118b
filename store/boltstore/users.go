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
			var at time.Time
			if len(v) == 8 {
				at = time.Unix(0, int64(binary.BigEndian.Uint64(v)))
			}
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
