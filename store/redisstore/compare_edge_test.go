package redisstore_test

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/sessionkit/sessionkit/internal/redistest"
	"github.com/sessionkit/sessionkit/store"
	"github.com/sessionkit/sessionkit/store/redisstore"
)

// TestCommitIfAtTheSendLimit: loaded sessions at and around the 1 KiB
// limit between comparing the blob itself and its SHA-1 — including
// binary ones, an empty one and stale ones differing only in the last
// byte — are accepted when they are what is stored and refused otherwise.
// The caller's slices are changed right after each call: the store must
// not keep them.
func TestCommitIfAtTheSendLimit(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{})
	s := redisstore.New(srv.Pool())
	ctx := context.Background()
	hour := time.Now().Add(time.Hour)
	blob := func(n int, last byte) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(i*7 + 3) // NULs and high bytes too
		}
		if n > 0 {
			b[n-1] = last
		}
		return b
	}
	for _, n := range []int{0, 1, 1023, 1024, 1025, 1026, 4096} {
		cur := blob(n, 'a')
		if err := s.CommitCtx(ctx, "t", cur, hour); err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			stale := blob(n, 'b')
			if err := s.CommitIfCtx(ctx, "t", []byte("never"), hour, stale); !errors.Is(err, store.ErrConflict) {
				t.Errorf("%d bytes: commit over a stale session differing in its last byte: %v, want ErrConflict", n, err)
			}
		}
		longer := append(blob(n, 'a'), 0)
		if err := s.CommitIfCtx(ctx, "t", []byte("never"), hour, longer); !errors.Is(err, store.ErrConflict) {
			t.Errorf("%d bytes: commit over a stale session one byte longer: %v, want ErrConflict", n, err)
		}
		loaded := blob(n, 'a')
		next := blob(n+1, 'z')
		want := bytes.Clone(next)
		if err := s.CommitIfCtx(ctx, "t", next, hour, loaded); err != nil {
			t.Errorf("%d bytes: commit over the loaded session: %v", n, err)
		}
		for i := range next {
			next[i] = 'X'
		}
		for i := range loaded {
			loaded[i] = 'Y'
		}
		if b, _, _ := s.FindCtx(ctx, "t"); !bytes.Equal(b, want) {
			t.Errorf("%d bytes: stored %d bytes %.20q…, want %d bytes %.20q…", n, len(b), b, len(want), want)
		}
	}
}
