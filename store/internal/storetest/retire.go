// Package storetest holds the behaviour every sessionkit store shares,
// as tests each store package runs against itself.
package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/sessionkit/sessionkit/store"
)

// Store is what a full sessionkit store implements.
type Store interface {
	scs.CtxStore
	scs.IterableCtxStore
	store.ConditionalCommitter
	store.Toucher
	store.Retirer
}

// Retire walks store.Retirer's states — session, pending mark, forward
// mark — and checks that a mark is never a session: Find, Update, Touch
// and AllCtx do not see it.
func Retire(t *testing.T, s Store) {
	t.Helper()
	ctx := context.Background()
	hour := time.Now().Add(time.Hour)
	if err := s.CommitCtx(ctx, "old", []byte("user=ada"), hour); err != nil {
		t.Fatal(err)
	}
	if existed, err := s.RetireCtx(ctx, "old", time.Minute); !existed || err != nil {
		t.Fatalf("retire of a live session: %v %v, want true", existed, err)
	}
	if existed, err := s.RetireCtx(ctx, "old", time.Minute); existed || err != nil {
		t.Fatalf("second retire: %v %v, want false", existed, err)
	}
	if _, ok, err := s.FindCtx(ctx, "old"); ok || err != nil {
		t.Errorf("a pending mark is found as a session (%v)", err)
	}
	if err := s.CommitModeCtx(ctx, "old", []byte("late"), hour, store.Update); !errors.Is(err, store.ErrGone) {
		t.Errorf("Update over a pending mark: %v, want ErrGone", err)
	}
	if err := s.TouchCtx(ctx, "old", hour); !errors.Is(err, store.ErrGone) {
		t.Errorf("Touch of a pending mark: %v, want ErrGone", err)
	}
	if all, err := s.AllCtx(ctx); len(all) != 0 || err != nil {
		t.Errorf("AllCtx lists marks: %d entries, err %v", len(all), err)
	}
	// The second retire left the pending mark: the first renewal wins.
	if err := s.RenewCtx(ctx, "old", "new", []byte("user=ada"), hour, time.Minute); err != nil {
		t.Fatalf("renew through a pending mark: %v", err)
	}
	if b, ok, _ := s.FindCtx(ctx, "new"); !ok || string(b) != "user=ada" {
		t.Errorf("renewed session: %q %v", b, ok)
	}
	if err := s.RenewCtx(ctx, "old", "newer", []byte("x"), hour, time.Minute); !errors.Is(err, store.ErrGone) {
		t.Errorf("second renew from a forward mark: %v, want ErrGone", err)
	}
	if all, _ := s.AllCtx(ctx); len(all) != 1 {
		t.Errorf("AllCtx after a renewal: %d sessions, want 1", len(all))
	}
	// A logout with the old token within the grace ends the renewed session.
	if err := s.EndCtx(ctx, "old"); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := s.FindCtx(ctx, "new"); ok {
		t.Error("ending the forward mark left the renewed session alive")
	}

	// Ending a pending mark (a logout) makes the renewal fail.
	_ = s.CommitCtx(ctx, "s", []byte("x"), hour)
	_, _ = s.RetireCtx(ctx, "s", time.Minute)
	if err := s.EndCtx(ctx, "s"); err != nil {
		t.Fatal(err)
	}
	if err := s.RenewCtx(ctx, "s", "s2", []byte("x"), hour, time.Minute); !errors.Is(err, store.ErrGone) {
		t.Errorf("renew after a concurrent logout: %v, want ErrGone", err)
	}
	if _, ok, _ := s.FindCtx(ctx, "s2"); ok {
		t.Error("a failed renewal wrote the new session")
	}
	// End leaves a live session alone.
	_ = s.CommitCtx(ctx, "t", []byte("x"), hour)
	_ = s.EndCtx(ctx, "t")
	if _, ok, _ := s.FindCtx(ctx, "t"); !ok {
		t.Error("EndCtx deleted a live session")
	}
	_ = s.DeleteCtx(ctx, "t")
	// A pending mark ends by itself.
	_ = s.CommitCtx(ctx, "u", []byte("x"), hour)
	_, _ = s.RetireCtx(ctx, "u", 20*time.Millisecond)
	time.Sleep(40 * time.Millisecond)
	if err := s.RenewCtx(ctx, "u", "u2", []byte("x"), hour, time.Minute); !errors.Is(err, store.ErrGone) {
		t.Errorf("renew after the pending mark expired: %v, want ErrGone", err)
	}
}
