package memstore_test

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/sessionkit/sessionkit/manager"
	"github.com/sessionkit/sessionkit/store"
	"github.com/sessionkit/sessionkit/store/internal/storetest"
	"github.com/sessionkit/sessionkit/store/memstore"
)

var ctx = context.Background()

func TestConditionalCommitAndTouch(t *testing.T) {
	s := memstore.New()
	defer s.Close()
	hour := time.Now().Add(time.Hour)
	if err := s.CommitModeCtx(ctx, "a", []byte("1"), hour, store.Update); !errors.Is(err, store.ErrGone) {
		t.Errorf("Update of a missing session: %v, want ErrGone", err)
	}
	if err := s.CommitModeCtx(ctx, "a", []byte("1"), hour, store.Create); err != nil {
		t.Fatal(err)
	}
	if err := s.CommitModeCtx(ctx, "a", []byte("2"), hour, store.Create); !errors.Is(err, store.ErrExists) {
		t.Errorf("Create over a live session: %v, want ErrExists", err)
	}
	if err := s.CommitModeCtx(ctx, "a", []byte("3"), hour, store.Update); err != nil {
		t.Fatal(err)
	}
	if b, ok, _ := s.Find("a"); !ok || string(b) != "3" {
		t.Errorf("Find after Update: %q %v", b, ok)
	}
	if err := s.TouchCtx(ctx, "a", time.Now().Add(20*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	if err := s.TouchCtx(ctx, "missing", hour); !errors.Is(err, store.ErrGone) {
		t.Errorf("Touch of a missing session: %v, want ErrGone", err)
	}
	time.Sleep(30 * time.Millisecond)
	if _, ok, _ := s.Find("a"); ok {
		t.Error("a session touched to expire is still found after its expiry")
	}
	if err := s.TouchCtx(ctx, "a", hour); !errors.Is(err, store.ErrGone) {
		t.Errorf("Touch of an expired session: %v, want ErrGone", err)
	}
}

func TestRetire(t *testing.T) {
	s := memstore.New()
	defer s.Close()
	storetest.Retire(t, s)
	// Every mark and session the walk left was retired, released or expired.
	s.DeleteExpired()
	if n := memstore.Entries(s); n != 0 {
		t.Errorf("%d entries left, want 0", n)
	}
}

// sweepRunning reports whether any goroutine is in (or about to start) a
// Store's expiry sweep, from goroutine stacks: other tests' goroutines
// make counts useless.
func sweepRunning() bool {
	buf := make([]byte, 1<<20)
	stacks := string(buf[:runtime.Stack(buf, true)])
	return strings.Contains(stacks, "memstore.(*state).sweep") || strings.Contains(stacks, "memstore.New.gowrap")
}

func waitNoSweep(t *testing.T, gc bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); sweepRunning(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the sweep goroutine is still running")
		}
		if gc {
			runtime.GC()
		}
	}
}

func TestSweepDeletesAndStopsOnClose(t *testing.T) {
	if sweepRunning() {
		t.Fatal("a sweep from another test is still running")
	}
	s := memstore.New(memstore.WithCleanupInterval(5 * time.Millisecond))
	_ = s.Commit("x", []byte("x"), time.Now().Add(time.Millisecond))
	for deadline := time.Now().Add(2 * time.Second); memstore.Entries(s) != 0; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the sweep never deleted the expired session")
		}
	}
	if !sweepRunning() {
		t.Fatal("no sweep goroutine while open")
	}
	_ = s.Close()
	_ = s.Close()
	if sweepRunning() { // Close waits for the sweep to return
		t.Fatal("the sweep goroutine outlived Close")
	}
}

// TestSweepStopsWithTheManager: the default store's sweep stops on
// Manager.Close, and when a Manager nobody closed is garbage collected.
func TestSweepStopsWithTheManager(t *testing.T) {
	if sweepRunning() {
		t.Fatal("a sweep from another test is still running")
	}
	m := manager.New(manager.Config{})
	if !sweepRunning() {
		t.Fatal("the default store runs no sweep")
	}
	_ = m.Close()
	if sweepRunning() {
		t.Fatal("the sweep outlived Manager.Close")
	}

	func() {
		m := manager.New(manager.Config{})
		if !sweepRunning() {
			t.Fatal("the default store runs no sweep")
		}
		runtime.KeepAlive(m)
	}()
	waitNoSweep(t, true) // the Manager is garbage now
}

func TestFindIdle(t *testing.T) { storetest.FindIdle(t, memstore.New()) }
