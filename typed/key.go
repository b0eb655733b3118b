package typed

import "context"

// Key is a session key bound to a value type, so the type is written once:
//
//	var CurrentUser = typed.NewKey[User]("user")
//	u, err := CurrentUser.Get(ctx)
type Key[T any] struct{ name string }

// NewKey returns the Key for name.
func NewKey[T any](name string) Key[T] { return Key[T]{name: name} }

// Name is the key's name in the session.
func (k Key[T]) Name() string { return k.name }

// Get is Get[T](ctx, k.Name()).
func (k Key[T]) Get(ctx context.Context) (T, error) { return Get[T](ctx, k.name) }

// GetOr is GetOr(ctx, k.Name(), def).
func (k Key[T]) GetOr(ctx context.Context, def T) (T, error) { return GetOr(ctx, k.name, def) }

// Put is Put(ctx, k.Name(), v).
func (k Key[T]) Put(ctx context.Context, v T) error { return Put(ctx, k.name, v) }

// Pop is Pop[T](ctx, k.Name()).
func (k Key[T]) Pop(ctx context.Context) (T, error) { return Pop[T](ctx, k.name) }

// Remove is Remove(ctx, k.Name()).
func (k Key[T]) Remove(ctx context.Context) error { return Remove(ctx, k.name) }

// Exists is Exists(ctx, k.Name()).
func (k Key[T]) Exists(ctx context.Context) bool { return Exists(ctx, k.name) }
