package redisstore_test

import (
	"context"
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/gomodule/redigo/redis"

	"github.com/sessionkit/sessionkit/herokuurl"
	"github.com/sessionkit/sessionkit/internal/redistest"
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
