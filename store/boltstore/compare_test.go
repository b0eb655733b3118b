package boltstore_test

import (
	"path/filepath"
	"testing"

	"github.com/sessionkit/sessionkit/store/internal/storetest"
)

func TestCommitIf(t *testing.T) {
	storetest.CommitIf(t, open(t, filepath.Join(t.TempDir(), "s.db")))
}

func TestUsers(t *testing.T) {
	storetest.Users(t, open(t, filepath.Join(t.TempDir(), "s.db")))
}
