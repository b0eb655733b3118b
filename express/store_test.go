package express_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/sessionkit/sessionkit/express"
	"github.com/sessionkit/sessionkit/internal/redistest"
	"github.com/sessionkit/sessionkit/store"
)

// TestStoreRetriesDeadConnection: a redis-server restarted under the store
// leaves its pool full of connections it closed; the first command on each
// fails on the network, and is retried once on a newly dialled connection,
// so no operation fails. SET … NX is not retried (its first attempt may
// have succeeded unseen), so Create is tested on a fresh connection only.
func TestStoreRetriesDeadConnection(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{AppendOnly: true}) // the sessions survive the restart
	pool := srv.Pool()
	s := express.NewStore(pool, "")
	ctx := context.Background()
	exp := time.Now().Add(time.Hour)
	if err := s.CommitCtx(ctx, "sid", []byte(`{"n":1}`), exp); err != nil {
		t.Fatal(err)
	}
	fill := func() { // several connections in the pool, all idle after
		var wg sync.WaitGroup
		for g := 0; g < 8; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < 20; i++ {
					_, _, _ = s.FindCtx(ctx, "sid")
				}
			}()
		}
		wg.Wait()
		if idle := pool.Stats().IdleCount; idle < 2 {
			t.Fatalf("%d idle connections in the pool, want several", idle)
		}
	}
	ops := map[string]func() error{
		"find": func() error {
			b, found, err := s.FindCtx(ctx, "sid")
			if err == nil && (!found || string(b) != `{"n":1}`) {
				t.Errorf("find after the restart: %q %v", b, found)
			}
			return err
		},
		"commit": func() error { return s.CommitModeCtx(ctx, "sid", []byte(`{"n":1}`), exp, store.Update) },
		"touch":  func() error { return s.TouchCtx(ctx, "sid", exp) },
		"remove": func() error {
			_, err := s.RemoveCtx(ctx, "other")
			return err
		},
		"all": func() error {
			all, err := s.AllCtx(ctx)
			if err == nil && string(all["sid"]) != `{"n":1}` {
				t.Errorf("all after the restart: %q", all)
			}
			return err
		},
	}
	for name, op := range ops {
		fill()
		srv.Restart()
		for i := 0; i < 3; i++ {
			if err := op(); err != nil {
				t.Errorf("%s %d after redis-server restarted: %v", name, i, err)
			}
		}
	}
}
