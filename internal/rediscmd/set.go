// Package rediscmd holds what the Redis stores (store/redisstore and
// express) share: Do, which runs a command within a context's deadline
// without a goroutine per command; Args, argument lists built without an
// allocation per argument; and a conditional commit, one SET with NX or
// XX, and what its nil reply means.
package rediscmd

import (
	"github.com/gomodule/redigo/redis"

	"github.com/sessionkit/sessionkit/store"
)

// SetCondition appends to a SET's arguments (key, value and expiry) the
// condition of mode: NX for store.Create, XX for store.Update, nothing for
// store.Upsert.
func SetCondition(a *Args, mode store.Mode) *Args {
	switch mode {
	case store.Create:
		return a.Add("NX")
	case store.Update:
		return a.Add("XX")
	}
	return a
}

// SetResult turns the reply of a SET built with SetCondition into the
// store's answer: a nil reply means the condition refused the write —
// store.ErrExists for Create, store.ErrGone for Update.
func SetResult(reply any, err error, mode store.Mode) error {
	if err == nil && reply == nil {
		if mode == store.Create {
			return store.ErrExists
		}
		return store.ErrGone
	}
	_, err = redis.String(reply, err)
	return err
}
