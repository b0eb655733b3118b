package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/sessionkit/sessionkit/store"
)

// CommitIf checks store.CompareCommitter: a commit over the loaded blob
// succeeds, one over a blob changed since fails with ErrConflict and
// writes nothing, one over a missing session or a retired token's mark
// fails with ErrGone and creates nothing.
func CommitIf(t *testing.T, s interface {
	Store
	store.CompareCommitter
}) {
	t.Helper()
	ctx := context.Background()
	hour := time.Now().Add(time.Hour)
	if err := s.CommitCtx(ctx, "t", []byte("v1"), hour); err != nil {
		t.Fatal(err)
	}
	if err := s.CommitIfCtx(ctx, "t", []byte("v2"), hour, []byte("v1")); err != nil {
		t.Fatalf("commit over the loaded blob: %v", err)
	}
	if err := s.CommitIfCtx(ctx, "t", []byte("v3"), hour, []byte("v1")); !errors.Is(err, store.ErrConflict) {
		t.Errorf("commit over a stale blob: %v, want ErrConflict", err)
	}
	if b, _, _ := s.FindCtx(ctx, "t"); string(b) != "v2" {
		t.Errorf("after a conflict the store holds %q, want v2", b)
	}
	if err := s.CommitIfCtx(ctx, "none", []byte("x"), hour, []byte("v1")); !errors.Is(err, store.ErrGone) {
		t.Errorf("commit over a missing session: %v, want ErrGone", err)
	}
	if _, found, _ := s.FindCtx(ctx, "none"); found {
		t.Error("a conditional commit created a session")
	}
	if _, err := s.RetireCtx(ctx, "t", time.Minute); err != nil {
		t.Fatal(err)
	}
	if err := s.CommitIfCtx(ctx, "t", []byte("v4"), hour, []byte("v2")); !errors.Is(err, store.ErrGone) {
		t.Errorf("commit over a retired token: %v, want ErrGone", err)
	}
	if _, found, _ := s.FindCtx(ctx, "t"); found {
		t.Error("a conditional commit brought a retired session back")
	}
}
