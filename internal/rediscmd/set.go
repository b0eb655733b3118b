// Package rediscmd holds what the Redis stores (store/redisstore and
// express) share of a conditional commit: one SET with NX or XX, and what
// its nil reply means.
package rediscmd

import (
	"errors"

	"github.com/gomodule/redigo/redis"

	"github.com/sessionkit/sessionkit/store"
)

// SetArgs appends to args (key, value and expiry) the condition of mode:
// NX for store.Create, XX for store.Update, nothing for store.Upsert.
func SetArgs(args []any, mode store.Mode) []any {
	switch mode {
	case store.Create:
		return append(args, "NX")
	case store.Update:
		return append(args, "XX")
	}
	return args
}

// SetResult turns the reply of a SET built by SetArgs into the store's
// answer: a nil reply means the condition refused the write —
// store.ErrExists for Create, store.ErrGone for Update.
func SetResult(reply any, err error, mode store.Mode) error {
	_, err = redis.String(reply, err)
	if errors.Is(err, redis.ErrNil) {
		if mode == store.Create {
			return store.ErrExists
		}
		return store.ErrGone
	}
	return err
}
