package rediscmd

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/gomodule/redigo/redis"
)

// ScanBatch runs one SCAN step over the keys under prefix on conn, from
// cursor, and fetches their values: with one MGET, or, when mget is false
// (a cluster node, whose keys span many slots), with pipelined GETs. A key
// that expired meanwhile has a nil value. Errors name the command.
func ScanBatch(ctx context.Context, conn redis.Conn, cursor, prefix string, count int, mget bool) (keys []string, values [][]byte, next string, err error) {
	reply, err := redis.Values(Run(ctx, conn, "SCAN", []any{cursor, "MATCH", escapeGlob(prefix) + "*", "COUNT", count}))
	if err != nil {
		return nil, nil, "", fmt.Errorf("SCAN: %w", err)
	}
	if len(reply) != 2 {
		return nil, nil, "", fmt.Errorf("SCAN: unexpected reply of %d elements", len(reply))
	}
	if next, err = redis.String(reply[0], nil); err != nil {
		return nil, nil, "", fmt.Errorf("SCAN cursor: %w", err)
	}
	if keys, err = redis.Strings(reply[1], nil); err != nil {
		return nil, nil, "", fmt.Errorf("SCAN keys: %w", err)
	}
	if len(keys) == 0 {
		return nil, nil, next, nil
	}
	if values, err = fetch(ctx, conn, keys, mget); err != nil {
		return nil, nil, "", err
	}
	return keys, values, next, nil
}

// Scan walks every key under prefix on conn, a batch of about count at a
// time (ScanBatch), calling each with the key without its prefix and its
// value once the batch is read; keys that expired meanwhile are left out.
// SCAN may report a key twice. An error from each ends the walk and is
// returned as it is.
func Scan(ctx context.Context, conn redis.Conn, prefix string, count int, mget bool, each func(name string, b []byte) error) error {
	cursor := "0"
	for {
		keys, values, next, err := ScanBatch(ctx, conn, cursor, prefix, count, mget)
		if err != nil {
			return err
		}
		for i, v := range values {
			if v != nil {
				if err := each(strings.TrimPrefix(keys[i], prefix), v); err != nil {
					return err
				}
			}
		}
		if cursor = next; cursor == "0" {
			return nil
		}
	}
}

func fetch(ctx context.Context, conn redis.Conn, keys []string, mget bool) ([][]byte, error) {
	if mget {
		args := make([]any, len(keys))
		for i, k := range keys {
			args[i] = k
		}
		values, err := redis.ByteSlices(Run(ctx, conn, "MGET", args))
		if err != nil {
			return nil, fmt.Errorf("MGET: %w", err)
		}
		return values, nil
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for _, k := range keys {
		if err := conn.Send("GET", k); err != nil {
			return nil, fmt.Errorf("GET: %w", err)
		}
	}
	if err := conn.Flush(); err != nil {
		return nil, fmt.Errorf("GET: %w", err)
	}
	values := make([][]byte, len(keys))
	for i := range keys {
		v, err := redis.Bytes(conn.Receive())
		if err != nil && !errors.Is(err, redis.ErrNil) {
			return nil, fmt.Errorf("GET: %w", err)
		}
		values[i] = v
	}
	return values, nil
}

// escapeGlob escapes the characters SCAN MATCH reads as a pattern, so that
// a prefix matches only itself.
func escapeGlob(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`*?[]\`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}
