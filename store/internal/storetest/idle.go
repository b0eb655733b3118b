package storetest

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/sessionkit/sessionkit/store"
)

// IdleStore is a Store that decides idle extensions as it reads.
type IdleStore interface {
	Store
	store.IdleFinder
}

// FindIdle checks store.IdleFinder: a read extends the expiry only when
// less than below is left, to idle from now; the next read does not
// extend again; a missing session or a retired token's mark is not found
// and not created.
func FindIdle(t *testing.T, s IdleStore) {
	t.Helper()
	ctx := context.Background()
	if err := s.CommitCtx(ctx, "a", []byte("user=ada"), time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	b, found, ext, err := s.FindIdleCtx(ctx, "a", 2*time.Hour, 30*time.Minute)
	if err != nil || !found || !bytes.Equal(b, []byte("user=ada")) || !ext.IsZero() {
		t.Fatalf("find with an hour left, extend below 30m: %q %v %v %v, want the session, not extended", b, found, ext, err)
	}
	before := time.Now()
	b, found, ext, err = s.FindIdleCtx(ctx, "a", 2*time.Hour, 90*time.Minute)
	if err != nil || !found || !bytes.Equal(b, []byte("user=ada")) {
		t.Fatalf("find with an hour left, extend below 90m: %q %v %v", b, found, err)
	}
	if ext.Before(before.Add(2*time.Hour-time.Second)) || ext.After(time.Now().Add(2*time.Hour+time.Second)) {
		t.Fatalf("extended to %v, want two hours from now", ext)
	}
	if _, _, ext, _ = s.FindIdleCtx(ctx, "a", 2*time.Hour, 90*time.Minute); !ext.IsZero() {
		t.Errorf("a second read extended again, to %v: the first extension did not stick", ext)
	}
	// The extension is what the store keeps: an expiry two hours out means
	// more than 100 minutes left.
	if _, _, ext, _ = s.FindIdleCtx(ctx, "a", 3*time.Hour, 100*time.Minute); !ext.IsZero() {
		t.Errorf("after the extension, less than 100 minutes were left")
	}
	if b, found, ext, err = s.FindIdleCtx(ctx, "missing", time.Hour, 2*time.Hour); found || b != nil || !ext.IsZero() || err != nil {
		t.Errorf("find of a missing session: %q %v %v %v", b, found, ext, err)
	}
	if _, found, _, _ := s.FindIdleCtx(ctx, "missing", time.Hour, 2*time.Hour); found {
		t.Error("a find of a missing session created it")
	}
	if _, err := s.RetireCtx(ctx, "a", time.Minute); err != nil {
		t.Fatal(err)
	}
	if b, found, ext, err = s.FindIdleCtx(ctx, "a", time.Hour, 2*time.Hour); found || !ext.IsZero() || err != nil {
		t.Errorf("find of a retired token: %q %v %v %v, want nothing", b, found, ext, err)
	}
	// A session that expires under the reader's eyes is not revived.
	if err := s.CommitCtx(ctx, "short", []byte("x"), time.Now().Add(30*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	time.Sleep(60 * time.Millisecond)
	if _, found, ext, _ := s.FindIdleCtx(ctx, "short", time.Hour, 2*time.Hour); found || !ext.IsZero() {
		t.Error("an expired session was found or extended")
	}
}
