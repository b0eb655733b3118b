// Package boltstore keeps sessions in one local file with go.etcd.io/bbolt:
// the embedded default for a single server, surviving restarts with no
// service to run. Each session is stored under its token with its expiry;
// expired sessions are invisible at once and deleted by a background sweep
// that stops on Close.
//
// Every commit is a bbolt transaction synced to disk before it returns, so
// a session written before a crash or restart is there after it. bbolt
// locks the file: one process opens it at a time (a second Open waits up
// to OpenTimeout and then fails), and managers in that process share the
// Store, each in its own bucket if they must not see each other's sessions.
package boltstore

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"

	"github.com/sessionkit/sessionkit/store"
	"github.com/sessionkit/sessionkit/store/internal/mark"
)

// Defaults for the options.
const (
	DefaultBucket          = "sessions"
	DefaultCleanupInterval = 5 * time.Minute
	DefaultOpenTimeout     = 5 * time.Second
)

// ErrClosed is returned by operations on a closed Store.
var ErrClosed = errors.New("boltstore: store is closed")

// Store is a bbolt-backed session store, safe for concurrent use.
type Store struct {
	db       *bolt.DB
	ownsDB   bool
	bucket   []byte
	interval time.Duration
	timeout  time.Duration

	stop     chan struct{}
	done     chan struct{}
	closeErr error
	once     sync.Once
}

// Option configures a Store.
type Option func(*Store)

// WithBucket sets the bucket sessions live in (default "sessions"), so
// several managers can share one file without seeing each other's sessions.
func WithBucket(name string) Option { return func(s *Store) { s.bucket = []byte(name) } }

// WithCleanupInterval sets how often expired sessions are deleted (default
// 5 minutes); zero or negative disables the sweep.
func WithCleanupInterval(d time.Duration) Option { return func(s *Store) { s.interval = d } }

// WithOpenTimeout bounds how long Open waits for another process to
// release the file (default 5 seconds).
func WithOpenTimeout(d time.Duration) Option { return func(s *Store) { s.timeout = d } }

// Open opens (creating if needed, with its directory) the session file at
// path. Close the Store to stop the sweep and release the file.
func Open(path string, opts ...Option) (*Store, error) {
	s := newStore(opts)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("boltstore: creating the directory for the session file: %w", err)
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: s.timeout})
	if err != nil {
		return nil, fmt.Errorf("boltstore: opening %s: %w", path, err)
	}
	s.db, s.ownsDB = db, true
	if err := s.init(); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// New uses an already open database; Close then stops the sweep but leaves
// db open for its owner.
func New(db *bolt.DB, opts ...Option) (*Store, error) {
	s := newStore(opts)
	s.db = db
	if err := s.init(); err != nil {
		return nil, err
	}
	return s, nil
}

func newStore(opts []Option) *Store {
	s := &Store{bucket: []byte(DefaultBucket), interval: DefaultCleanupInterval, timeout: DefaultOpenTimeout,
		stop: make(chan struct{}), done: make(chan struct{})}
	for _, o := range opts {
		o(s)
	}
	return s
}

func (s *Store) init() error {
	if err := s.db.Update(func(tx *bolt.Tx) error {
		_, err := tx.CreateBucketIfNotExists(s.bucket)
		return err
	}); err != nil {
		return fmt.Errorf("boltstore: creating bucket: %w", err)
	}
	if s.interval > 0 {
		go s.sweep()
	} else {
		close(s.done)
	}
	return nil
}

// Path is the session file's path.
func (s *Store) Path() string { return s.db.Path() }

// Close stops the expiry sweep, waits for it to finish, and closes the
// file if Open opened it. Further calls return the first result.
func (s *Store) Close() error {
	s.once.Do(func() {
		close(s.stop)
		<-s.done
		if s.ownsDB {
			s.closeErr = s.db.Close()
		}
	})
	return s.closeErr
}

func (s *Store) sweep() {
	defer close(s.done)
	t := time.NewTicker(s.interval)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
			_, _ = s.DeleteExpired()
		}
	}
}

// DeleteExpired deletes every expired session now and reports how many.
func (s *Store) DeleteExpired() (int, error) {
	now := time.Now()
	n := 0
	err := s.db.Update(func(tx *bolt.Tx) error {
		c := tx.Bucket(s.bucket).Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			if expired(v, now) {
				if err := c.Delete(); err != nil {
					return err
				}
				n++
			}
		}
		return s.pruneUsers(tx, now)
	})
	return n, wrap("sweep", err)
}

// A record is the expiry (unix nanoseconds, big endian) then the blob.
func record(b []byte, expiry time.Time) []byte {
	r := make([]byte, 8+len(b))
	binary.BigEndian.PutUint64(r, uint64(expiry.UnixNano()))
	copy(r[8:], b)
	return r
}

// liveSession reports whether rec is an unexpired session, not a mark.
func liveSession(rec []byte, now time.Time) bool {
	return rec != nil && !expired(rec, now) && !mark.Is(rec[8:])
}

// expiryOf returns a record's expiry; rec holds at least 8 bytes.
func expiryOf(rec []byte) time.Time {
	return time.Unix(0, int64(binary.BigEndian.Uint64(rec)))
}

// expired reports whether a record is past its expiry; a record too short
// to hold one is treated as expired, so the sweep removes it.
func expired(rec []byte, now time.Time) bool {
	return len(rec) < 8 || int64(binary.BigEndian.Uint64(rec)) <= now.UnixNano()
}

func wrap(op string, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, bolterrors.ErrDatabaseNotOpen):
		return fmt.Errorf("boltstore: %s: %w", op, ErrClosed)
	case errors.Is(err, store.ErrGone), errors.Is(err, store.ErrExists), errors.Is(err, store.ErrConflict):
		return err
	}
	return fmt.Errorf("boltstore: %s: %w", op, err)
}

var (
	_ store.ConditionalCommitter = (*Store)(nil)
	_ store.Toucher              = (*Store)(nil)
	_ store.Retirer              = (*Store)(nil)
	_ store.CompareCommitter     = (*Store)(nil)
	_ store.IdleFinder           = (*Store)(nil)
	_ store.Walker               = (*Store)(nil)
)

// Find returns token's session if it exists and has not expired.
func (s *Store) Find(token string) ([]byte, bool, error) {
	return s.FindCtx(context.Background(), token)
}

// FindCtx is Find with a context, checked before the read.
func (s *Store) FindCtx(ctx context.Context, token string) (b []byte, found bool, err error) {
	if err := ctx.Err(); err != nil {
		return nil, false, err
	}
	err = s.db.View(func(tx *bolt.Tx) error {
		rec := tx.Bucket(s.bucket).Get([]byte(token))
		if !liveSession(rec, time.Now()) {
			return nil
		}
		b, found = bytes.Clone(rec[8:]), true // bbolt's memory is valid only inside the transaction
		return nil
	})
	return b, found, wrap("find", err)
}

// FindIdleCtx implements store.IdleFinder: a read transaction returns
// token's session; only if it expires in less than below does a write
// transaction (one fsync, as TouchCtx) move its expiry to idle from now,
// if it is still the same live session.
func (s *Store) FindIdleCtx(ctx context.Context, token string, idle, below time.Duration) (b []byte, found bool, extended time.Time, err error) {
	if err := ctx.Err(); err != nil {
		return nil, false, time.Time{}, err
	}
	var due bool
	err = s.db.View(func(tx *bolt.Tx) error {
		rec := tx.Bucket(s.bucket).Get([]byte(token))
		now := time.Now()
		if !liveSession(rec, now) {
			return nil
		}
		b, found = bytes.Clone(rec[8:]), true
		due = expiryOf(rec).Sub(now) < below
		return nil
	})
	if err != nil || !due {
		return b, found, time.Time{}, wrap("find", err)
	}
	err = s.db.Update(func(tx *bolt.Tx) error {
		bk := tx.Bucket(s.bucket)
		rec := bk.Get([]byte(token))
		now := time.Now()
		if !liveSession(rec, now) || !bytes.Equal(rec[8:], b) || expiryOf(rec).Sub(now) >= below {
			return nil // changed meanwhile: the writer set the expiry
		}
		extended = now.Add(idle)
		return bk.Put([]byte(token), record(b, extended))
	})
	return b, found, extended, wrap("find", err)
}

// Commit stores b under token until expiry.
func (s *Store) Commit(token string, b []byte, expiry time.Time) error {
	return s.CommitModeCtx(context.Background(), token, b, expiry, store.Upsert)
}

// CommitCtx is Commit with a context.
func (s *Store) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	return s.CommitModeCtx(ctx, token, b, expiry, store.Upsert)
}

// CommitModeCtx stores b under token until expiry if mode allows it, in one
// transaction: Create fails with store.ErrExists if a live session has the
// token, Update with store.ErrGone if none has.
func (s *Store) CommitModeCtx(ctx context.Context, token string, b []byte, expiry time.Time, mode store.Mode) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	err := s.db.Update(func(tx *bolt.Tx) error {
		bk := tx.Bucket(s.bucket)
		key := []byte(token)
		cur := bk.Get(key)
		live := cur != nil && !expired(cur, time.Now())
		switch {
		case mode == store.Create && live:
			return store.ErrExists
		case mode == store.Update && !liveSession(cur, time.Now()):
			return store.ErrGone
		}
		if !expiry.After(time.Now()) {
			return bk.Delete(key)
		}
		return bk.Put(key, record(b, expiry))
	})
	return wrap("commit", err)
}

// CommitIfCtx implements store.CompareCommitter in one transaction.
func (s *Store) CommitIfCtx(ctx context.Context, token string, b []byte, expiry time.Time, loaded []byte) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return wrap("commit", s.db.Update(func(tx *bolt.Tx) error {
		bk := tx.Bucket(s.bucket)
		key := []byte(token)
		cur := bk.Get(key)
		now := time.Now()
		switch {
		case !liveSession(cur, now):
			return store.ErrGone
		case !bytes.Equal(cur[8:], loaded):
			return store.ErrConflict
		case !expiry.After(now):
			return bk.Delete(key)
		}
		return bk.Put(key, record(b, expiry))
	}))
}

// Delete removes token's session.
func (s *Store) Delete(token string) error { return s.DeleteCtx(context.Background(), token) }

// DeleteCtx is Delete with a context.
func (s *Store) DeleteCtx(ctx context.Context, token string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return wrap("delete", s.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(s.bucket).Delete([]byte(token))
	}))
}

// TouchCtx moves a live session's expiry.
func (s *Store) TouchCtx(ctx context.Context, token string, expiry time.Time) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return wrap("touch", s.db.Update(func(tx *bolt.Tx) error {
		bk := tx.Bucket(s.bucket)
		cur := bk.Get([]byte(token))
		if !liveSession(cur, time.Now()) {
			return store.ErrGone
		}
		return bk.Put([]byte(token), record(cur[8:], expiry))
	}))
}

// walkBatch is how many sessions one read transaction of WalkCtx copies.
const walkBatch = 100

// WalkCtx implements store.Walker: each read transaction copies at most
// 100 live sessions, and fn runs outside any transaction, so it may use
// the store (a write inside a read transaction would deadlock bbolt).
func (s *Store) WalkCtx(ctx context.Context, fn func(token string, b []byte) error) error {
	var after []byte // the last key seen; nil before the first batch
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		var keys []string
		var vals [][]byte
		now := time.Now()
		err := s.db.View(func(tx *bolt.Tx) error {
			c := tx.Bucket(s.bucket).Cursor()
			k, v := c.First()
			if after != nil {
				if k, v = c.Seek(after); k != nil && bytes.Equal(k, after) {
					k, v = c.Next()
				}
			}
			for ; k != nil && len(keys) < walkBatch; k, v = c.Next() {
				after = bytes.Clone(k)
				if liveSession(v, now) {
					keys, vals = append(keys, string(k)), append(vals, bytes.Clone(v[8:]))
				}
			}
			if k == nil {
				after = nil // the end: no further batch
			}
			return nil
		})
		if err != nil {
			return wrap("walk", err)
		}
		for i, k := range keys {
			if err := fn(k, vals[i]); err != nil {
				return err
			}
		}
		if after == nil {
			return nil
		}
	}
}

// All returns every live session keyed by token.
func (s *Store) All() (map[string][]byte, error) { return s.AllCtx(context.Background()) }

// AllCtx is All with a context, checked between sessions.
func (s *Store) AllCtx(ctx context.Context) (map[string][]byte, error) {
	all := map[string][]byte{}
	now := time.Now()
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(s.bucket).ForEach(func(k, v []byte) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			if liveSession(v, now) {
				all[string(k)] = bytes.Clone(v[8:])
			}
			return nil
		})
	})
	if err != nil {
		return nil, wrap("all", err)
	}
	return all, nil
}

// RetireCtx implements store.Retirer in one transaction.
func (s *Store) RetireCtx(ctx context.Context, token string, ttl time.Duration) (existed bool, err error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	err = s.db.Update(func(tx *bolt.Tx) error {
		bk := tx.Bucket(s.bucket)
		now := time.Now()
		if !liveSession(bk.Get([]byte(token)), now) {
			return nil
		}
		existed = true
		return bk.Put([]byte(token), record(mark.Pending(), now.Add(ttl)))
	})
	return existed, wrap("retire", err)
}

// RenewCtx implements store.Retirer in one transaction.
func (s *Store) RenewCtx(ctx context.Context, oldToken, newToken string, b []byte, expiry time.Time, grace time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return wrap("renew", s.db.Update(func(tx *bolt.Tx) error {
		bk := tx.Bucket(s.bucket)
		now := time.Now()
		cur := bk.Get([]byte(oldToken))
		if cur == nil || expired(cur, now) || !mark.IsPending(cur[8:]) {
			return store.ErrGone
		}
		if taken := bk.Get([]byte(newToken)); taken != nil && !expired(taken, now) {
			return store.ErrExists
		}
		if err := bk.Put([]byte(newToken), record(b, expiry)); err != nil {
			return err
		}
		return bk.Put([]byte(oldToken), record(mark.Forward(newToken), now.Add(grace)))
	}))
}

// EndCtx implements store.Retirer in one transaction.
func (s *Store) EndCtx(ctx context.Context, token string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return wrap("end", s.db.Update(func(tx *bolt.Tx) error {
		bk := tx.Bucket(s.bucket)
		cur := bk.Get([]byte(token))
		if len(cur) < 8 || !mark.Is(cur[8:]) {
			return nil // nothing, or a live session
		}
		if to, ok := mark.Target(cur[8:]); ok {
			if err := bk.Delete([]byte(to)); err != nil {
				return err
			}
		}
		return bk.Delete([]byte(token))
	}))
}
