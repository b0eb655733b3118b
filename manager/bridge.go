package manager

import (
	"context"

	"github.com/sessionkit/sessionkit/internal/bridge"
)

// Package typed reaches sessions through these, not through exported API.
func init() {
	bridge.Lookup = func(ctx context.Context, key string) (any, bool, error) {
		m, ok := fromContext(ctx)
		if !ok {
			return nil, false, ErrNoSession
		}
		v, ok := m.get(ctx, key)
		return v, ok, nil
	}
	bridge.Put = func(ctx context.Context, key string, v any) error {
		m, ok := fromContext(ctx)
		if !ok {
			return ErrNoSession
		}
		return m.Put(ctx, key, v)
	}
	bridge.Remove = func(ctx context.Context, key string) error {
		m, ok := fromContext(ctx)
		if !ok {
			return ErrNoSession
		}
		m.Remove(ctx, key)
		return nil
	}
}
