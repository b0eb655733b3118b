package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/sessionkit/sessionkit/store"
)

// WalkStore is a Store that lists sessions a batch at a time.
type WalkStore interface {
	Store
	store.Walker
}

// Walk checks store.Walker over 250 sessions (several batches): every
// live session seen once, never a retired token's mark nor an expired
// session; fn may delete what it is given; fn's error stops the walk.
func Walk(t *testing.T, s WalkStore) {
	t.Helper()
	ctx := context.Background()
	const n = 250
	for i := 0; i < n; i++ {
		if err := s.CommitCtx(ctx, fmt.Sprint("t", i), []byte(fmt.Sprint("v", i)), time.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.CommitCtx(ctx, "short", []byte("x"), time.Now().Add(20*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.RetireCtx(ctx, "t0", time.Minute); err != nil {
		t.Fatal(err)
	}
	time.Sleep(40 * time.Millisecond)
	seen := map[string]string{}
	calls := 0
	err := s.WalkCtx(ctx, func(token string, b []byte) error {
		calls++
		seen[token] = string(b)
		return s.DeleteCtx(ctx, token) // fn may use the store
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) != n-1 || calls != n-1 || seen["t0"] != "" || seen["short"] != "" || seen["t249"] != "v249" {
		t.Errorf("walk made %d calls over %d sessions, want t1..t249 once each", calls, len(seen))
	}
	if all, _ := s.AllCtx(ctx); len(all) != 0 {
		t.Errorf("%d sessions left after deleting each in the walk", len(all))
	}
	if err := s.CommitCtx(ctx, "x", []byte("x"), time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	stop := errors.New("stop")
	if err := s.WalkCtx(ctx, func(string, []byte) error { return stop }); !errors.Is(err, stop) {
		t.Errorf("walk returned %v, want fn's error", err)
	}
}
