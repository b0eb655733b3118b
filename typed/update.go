package typed

import (
	"context"

	"github.com/sessionkit/sessionkit/internal/bridge"
)

// Update replaces the value under key by fn of its current value, as a
// read-modify-write that concurrent requests do not undo:
//
//	err := typed.Update(ctx, "visits", func(n int) int { return n + 1 })
//
// fn gets T's zero value when the key is missing. When another request
// committed the session after this one loaded it, the manager runs fn
// again at commit, on the value that request left, so fifty parallel
// increments add fifty (docs/concurrency.md). fn may therefore run
// more than once and must have no side effects.
//
// A stored value that is not a T fails with ErrType (or codec.ErrCorrupt)
// and nothing is stored; ErrNoSession without a session. If the value
// another request left meanwhile is not a T, the commit fails with ErrType
// and the manager's error handler answers (500 by default). Cost: one
// decode and one encode of this value now, and again per retry of a
// contended commit.
func Update[T any](ctx context.Context, key string, fn func(T) T) error {
	return bridge.Update(ctx, key, func(v any, ok bool) (any, error) {
		var cur T
		if ok {
			var err error
			if cur, err = as[T](key, v); err != nil {
				return nil, err
			}
		}
		return fn(cur), nil
	})
}

// Update is Update(ctx, k.Name(), fn).
func (k Key[T]) Update(ctx context.Context, fn func(T) T) error { return Update(ctx, k.name, fn) }
