package boltstore_test

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/sessionkit/sessionkit/internal/counterapp"
	"github.com/sessionkit/sessionkit/internal/webtest"
	"github.com/sessionkit/sessionkit/manager"
	"github.com/sessionkit/sessionkit/store"
	"github.com/sessionkit/sessionkit/store/boltstore"
	"github.com/sessionkit/sessionkit/store/internal/storetest"
)

func open(t *testing.T, path string, opts ...boltstore.Option) *boltstore.Store {
	t.Helper()
	s, err := boltstore.Open(path, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func TestFindCommitDeleteAll(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "s.db")
	s := open(t, path)
	ctx := context.Background()
	later := time.Now().Add(time.Hour)
	if _, found, err := s.FindCtx(ctx, "a"); found || err != nil {
		t.Fatalf("empty store: found %v err %v", found, err)
	}
	for i := 0; i < 5; i++ {
		if err := s.CommitCtx(ctx, fmt.Sprint("t", i), []byte(fmt.Sprint("v", i)), later); err != nil {
			t.Fatal(err)
		}
	}
	b, found, err := s.FindCtx(ctx, "t3")
	if err != nil || !found || string(b) != "v3" {
		t.Fatalf("Find(t3) = %q %v %v", b, found, err)
	}
	if err := s.DeleteCtx(ctx, "t3"); err != nil {
		t.Fatal(err)
	}
	if _, found, _ := s.FindCtx(ctx, "t3"); found {
		t.Error("t3 survived Delete")
	}
	all, err := s.AllCtx(ctx)
	if err != nil || len(all) != 4 || string(all["t4"]) != "v4" {
		t.Errorf("All = %v, %v", all, err)
	}
	// Reopening the file finds the same sessions: they survive a restart.
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.FindCtx(ctx, "t1"); !errors.Is(err, boltstore.ErrClosed) {
		t.Errorf("Find after Close: %v, want ErrClosed", err)
	}
	s2 := open(t, path)
	if b, found, _ := s2.FindCtx(ctx, "t1"); !found || string(b) != "v1" {
		t.Errorf("after reopening: %q %v", b, found)
	}
}

func TestExpiry(t *testing.T) {
	s := open(t, filepath.Join(t.TempDir(), "s.db"), boltstore.WithCleanupInterval(0))
	ctx := context.Background()
	// Times leave a loaded machine room between the steps.
	_ = s.CommitCtx(ctx, "short", []byte("x"), time.Now().Add(500*time.Millisecond))
	_ = s.CommitCtx(ctx, "long", []byte("y"), time.Now().Add(time.Hour))
	if _, found, _ := s.FindCtx(ctx, "short"); !found {
		t.Fatal("fresh session not found")
	}
	time.Sleep(600 * time.Millisecond)
	if _, found, _ := s.FindCtx(ctx, "short"); found {
		t.Error("expired session still found")
	}
	if all, _ := s.AllCtx(ctx); len(all) != 1 {
		t.Errorf("All lists %d sessions, want the live one", len(all))
	}
	if n, err := s.DeleteExpired(); n != 1 || err != nil {
		t.Errorf("DeleteExpired = %d, %v", n, err)
	}
	if err := s.TouchCtx(ctx, "short", time.Now().Add(time.Hour)); !errors.Is(err, store.ErrGone) {
		t.Errorf("touching an expired session: %v", err)
	}
	if err := s.TouchCtx(ctx, "long", time.Now().Add(20*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	time.Sleep(40 * time.Millisecond)
	if _, found, _ := s.FindCtx(ctx, "long"); found {
		t.Error("touch did not move the expiry")
	}
}

func TestConditionalCommit(t *testing.T) {
	s := open(t, filepath.Join(t.TempDir(), "s.db"))
	ctx := context.Background()
	exp := time.Now().Add(time.Hour)
	if err := s.CommitModeCtx(ctx, "a", []byte("1"), exp, store.Update); !errors.Is(err, store.ErrGone) {
		t.Errorf("update of a missing session: %v", err)
	}
	if _, found, _ := s.FindCtx(ctx, "a"); found {
		t.Error("update created a session")
	}
	if err := s.CommitModeCtx(ctx, "a", []byte("1"), exp, store.Create); err != nil {
		t.Fatal(err)
	}
	if err := s.CommitModeCtx(ctx, "a", []byte("2"), exp, store.Create); !errors.Is(err, store.ErrExists) {
		t.Errorf("create over a live session: %v", err)
	}
	if err := s.CommitModeCtx(ctx, "a", []byte("3"), exp, store.Update); err != nil {
		t.Errorf("update of a live session: %v", err)
	}
}

// sweepRunning reports whether any goroutine is in a Store's expiry sweep.
// It reads goroutine stacks rather than counting goroutines, which other
// tests' servers and connections start and stop at their own pace.
func sweepRunning() bool {
	buf := make([]byte, 1<<20)
	return strings.Contains(string(buf[:runtime.Stack(buf, true)]), "boltstore.(*Store).sweep")
}

func TestCleanupStopsOnClose(t *testing.T) {
	if sweepRunning() {
		t.Fatal("a sweep from another test is still running")
	}
	s, err := boltstore.Open(filepath.Join(t.TempDir(), "s.db"), boltstore.WithCleanupInterval(5*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	_ = s.Commit("x", []byte("x"), time.Now().Add(time.Millisecond))
	// Only the sweep deletes the expired record: count raw records.
	records := func() int {
		n := 0
		_ = boltstore.DBOf(t, s).View(func(tx *bolt.Tx) error {
			n = tx.Bucket([]byte(boltstore.DefaultBucket)).Stats().KeyN
			return nil
		})
		return n
	}
	for deadline := time.Now().Add(2 * time.Second); records() != 0; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the sweep never deleted the expired session")
		}
	}
	if !sweepRunning() {
		t.Fatal("no sweep goroutine running while open")
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	// Close waits until the sweep closes its done channel; the goroutine
	// then still has to return from that deferred close, so allow it a
	// moment before calling it leaked.
	for deadline := time.Now().Add(time.Second); sweepRunning(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the sweep goroutine outlived Close")
		}
	}
}

func TestSecondOpenTimesOut(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.db")
	open(t, path)
	if _, err := boltstore.Open(path, boltstore.WithOpenTimeout(50*time.Millisecond)); err == nil {
		t.Fatal("a second Open of a locked file succeeded")
	}
}

// TestTwoManagersOneFile: two managers on one file, one bucket each, and
// two more sharing a bucket, write concurrently; every session ends with
// exactly its own writes.
func TestTwoManagersOneFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "shared.db")
	db := open(t, path)
	other, err := boltstore.New(boltstore.DBOf(t, db), boltstore.WithBucket("admin"))
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	managers := []*manager.Manager{
		manager.New(manager.Config{Store: db}),
		manager.New(manager.Config{Store: db}),
		manager.New(manager.Config{Store: other}),
	}
	const clients, writes = 4, 25
	var wg sync.WaitGroup
	errs := make(chan error, len(managers)*clients)
	for mi, m := range managers {
		srv := httptest.NewServer(m.LoadAndSave(counterapp.Handler()))
		defer srv.Close()
		for c := 0; c < clients; c++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				client := webtest.Client(t)
				var last string
				for i := 0; i < writes; i++ {
					resp, err := client.Get(srv.URL + "/write")
					if err != nil {
						errs <- err
						return
					}
					var body [16]byte
					n, _ := resp.Body.Read(body[:])
					resp.Body.Close()
					last = string(body[:n])
				}
				if last != fmt.Sprint(writes) {
					errs <- fmt.Errorf("manager %d client %d: counter ended at %s, want %d", mi, c, last, writes)
				}
			}()
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	shared, _ := db.AllCtx(context.Background())
	admin, _ := other.AllCtx(context.Background())
	if len(shared) != 2*clients || len(admin) != clients {
		t.Errorf("sessions: %d in the shared bucket, %d in admin; want %d and %d", len(shared), len(admin), 2*clients, clients)
	}
}

func TestRetire(t *testing.T) {
	storetest.Retire(t, open(t, filepath.Join(t.TempDir(), "s.db")))
}

func TestFindIdle(t *testing.T) {
	storetest.FindIdle(t, open(t, filepath.Join(t.TempDir(), "s.db")))
}

func TestWalk(t *testing.T) { storetest.Walk(t, open(t, filepath.Join(t.TempDir(), "s.db"))) }
