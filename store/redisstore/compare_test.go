package redisstore_test

import (
	"testing"

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
