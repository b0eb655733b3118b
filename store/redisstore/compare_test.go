package redisstore_test

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gomodule/redigo/redis"

	"github.com/sessionkit/sessionkit/herokuurl"
	"github.com/sessionkit/sessionkit/internal/redistest"
	"github.com/sessionkit/sessionkit/store"
	"github.com/sessionkit/sessionkit/store/internal/storetest"
	"github.com/sessionkit/sessionkit/store/redisstore"
)

// TestCommitIf runs the shared walk with an empty script cache.
func TestCommitIf(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{})
	srv.Do("SCRIPT", "FLUSH")
	storetest.CommitIf(t, redisstore.New(srv.Pool()))
}

func TestUsers(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{})
	storetest.Users(t, redisstore.New(srv.Pool()))
}

// TestUserIndexOutsideSessionPrefix: whatever the prefix, the index key
// does not start with it, so scans of the sessions never meet it.
func TestUserIndexOutsideSessionPrefix(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{})
	for _, prefix := range []string{redisstore.DefaultPrefix, "sess:", "app1"} {
		s := redisstore.New(srv.Pool(), redisstore.WithPrefix(prefix))
		if err := s.BindUserCtx(context.Background(), "u", "k", time.Now(), time.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	keys, _ := redis.Strings(srv.Do("KEYS", "*"), nil)
	sort.Strings(keys)
	if fmt.Sprint(keys) != "[app1-user:u scs:user:u sess-user:u]" {
		t.Errorf("index keys %v", keys)
	}
}

// TestCommitIfAndUsersOnCluster runs the shared walks on a 3-master
// cluster reached through one node: the conditional commit is a one-key
// script, and listing a user's sessions does without its script there.
func TestCommitIfAndUsersOnCluster(t *testing.T) {
	c := redistest.StartCluster(t, redistest.ClusterOptions{})
	cfg, err := herokuurl.Parse("redis://" + c.Nodes[0].Addr())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cl, err := cfg.Connect(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cl.Close() })
	storetest.CommitIf(t, redisstore.New(cl, redisstore.WithPrefix("ci:")))
	storetest.Users(t, redisstore.New(cl, redisstore.WithPrefix("us:")))
}

// TestCommitIfLargeSession: a loaded session over 1 KiB is compared by its
// hash, a smaller one as it is; both accept the loaded session and refuse
// a stale one, whatever the size of the other, and each sends one command.
func TestCommitIfLargeSession(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{})
	pool := srv.Pool()
	sent := redistest.Count(pool)
	s := redisstore.New(pool)
	ctx := context.Background()
	hour := time.Now().Add(time.Hour)
	small, large := []byte("small session"), []byte(strings.Repeat("L", 5000))
	large2 := append([]byte(strings.Repeat("L", 4999)), 'M') // same length and hash input size
	steps := []struct {
		loaded, next []byte
		stale        []byte // a blob this step must refuse to commit over
	}{
		{small, large, []byte("other session")},
		{large, large2, large2},
		{large2, small, large},
		{small, small, large2},
	}
	if err := s.CommitCtx(ctx, "t", small, hour); err != nil {
		t.Fatal(err)
	}
	for i, st := range steps {
		if err := s.CommitIfCtx(ctx, "t", []byte("never"), hour, st.stale); !errors.Is(err, store.ErrConflict) {
			t.Errorf("step %d: commit over a stale %d-byte session: %v, want ErrConflict", i, len(st.stale), err)
		}
		before := sent.Total()
		if err := s.CommitIfCtx(ctx, "t", st.next, hour, st.loaded); err != nil {
			t.Errorf("step %d: commit over the loaded %d-byte session: %v", i, len(st.loaded), err)
		}
		if n := sent.Total() - before; n != 1 {
			t.Errorf("step %d: commit sent %d commands, want one EVALSHA", i, n)
		}
		if b, _, _ := s.FindCtx(ctx, "t"); string(b) != string(st.next) {
			t.Fatalf("step %d: stored %.20q…, want %.20q…", i, b, st.next)
		}
	}
}

// TestClusterScriptsGoToTheKeysMaster: on a cluster a script is sent to
// its key's master (the key built in rediscmd.Args' buffer, a []byte), not
// routed by its SHA-1 to a master that answers MOVED.
func TestClusterScriptsGoToTheKeysMaster(t *testing.T) {
	c := redistest.StartCluster(t, redistest.ClusterOptions{})
	cfg, err := herokuurl.Parse("redis://" + c.Nodes[0].Addr())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cl, err := cfg.Connect(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cl.Close() })
	s := redisstore.New(cl)
	hour := time.Now().Add(time.Hour)
	for i := 0; i < 12; i++ {
		tok := fmt.Sprintf("tok%d", i)
		if err := s.CommitCtx(ctx, tok, []byte("v1"), hour); err != nil {
			t.Fatal(err)
		}
	}
	moved := func() (n int64) {
		for _, m := range c.Masters() {
			info, _ := redis.String(m.Do("INFO", "errorstats"), nil)
			for _, line := range strings.Split(info, "\n") {
				if v, ok := strings.CutPrefix(strings.TrimSpace(line), "errorstat_MOVED:count="); ok {
					k, _ := strconv.ParseInt(v, 10, 64)
					n += k
				}
			}
		}
		return n
	}
	before := moved()
	for i := 0; i < 12; i++ {
		tok := fmt.Sprintf("tok%d", i)
		if err := s.CommitIfCtx(ctx, tok, []byte("v2"), hour, []byte("v1")); err != nil {
			t.Fatalf("commit of %s: %v", tok, err)
		}
		if _, found, _, err := s.FindIdleCtx(ctx, tok, time.Hour, time.Minute); err != nil || !found {
			t.Fatalf("idle read of %s: %v %v", tok, found, err)
		}
	}
	if n := moved() - before; n != 0 {
		t.Errorf("24 scripts on 12 sessions drew %d MOVED replies, want 0: scripts were routed by something else than their key", n)
	}
}
